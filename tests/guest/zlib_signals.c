/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: zlib calls from a signal handler that interrupts zlib calls.
 * The main thread makes checked crc32 calls on data of its own while a
 * second thread keeps sending it SIGUSR1; the handler makes checked crc32
 * calls on other data. A handler that reused the interrupted call's mailbox
 * would make one of the two compute over the other's buffer.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "soft_checksums.h"

/*
 * At least MAIN_CALLS calls, and on until HANDLER_CALLS signals have landed
 * or MAX_SECONDS have passed: on a loaded machine the sending thread runs
 * less often. Fewer than MIN_HANDLER_CALLS signals would test nothing.
 */
#define MAIN_CALLS 300000
#define HANDLER_CALLS 2000
#define MIN_HANDLER_CALLS 200
#define MAX_SECONDS 15

static volatile sig_atomic_t stop;
static volatile unsigned long handler_calls, handler_wrong;
static unsigned char handler_buf[40];
static uLong handler_expect;
static pthread_t main_thread;

static void on_signal(int sig)
{
    (void)sig;
    handler_calls++;
    if (crc32(0, handler_buf, sizeof(handler_buf)) != handler_expect) {
        handler_wrong++;
    }
}

static void *bombard(void *arg)
{
    (void)arg;
    while (!stop) {
        pthread_kill(main_thread, SIGUSR1);
        for (volatile int i = 0; i < 200; i++) {
        }
    }
    return NULL;
}

int main(void)
{
    unsigned char buf[32];
    uint32_t expect[256];
    unsigned long wrong = 0, calls;
    pthread_t t;
    struct sigaction sa;

    for (size_t i = 0; i < sizeof(handler_buf); i++) {
        handler_buf[i] = (unsigned char)(0xa5 ^ (i * 37));
    }
    handler_expect = soft_crc32(handler_buf, sizeof(handler_buf));
    for (int v = 0; v < 256; v++) {
        memset(buf, v, sizeof(buf));
        expect[v] = soft_crc32(buf, sizeof(buf));
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    main_thread = pthread_self();
    /* Bind this thread's mailbox before the signals start. */
    crc32(0, buf, 1);
    pthread_create(&t, NULL, bombard, NULL);

    time_t start = time(NULL);
    for (calls = 0; calls < MAIN_CALLS ||
         (handler_calls < HANDLER_CALLS &&
          (calls % 1024 || time(NULL) - start < MAX_SECONDS)); calls++) {
        memset(buf, calls & 0xff, sizeof(buf));
        if (crc32(0, buf, sizeof(buf)) != expect[calls & 0xff]) {
            wrong++;
        }
    }
    stop = 1;
    pthread_join(t, NULL);

    printf("main: %lu calls, %lu wrong; handler: %lu calls, %lu wrong\n",
           calls, wrong, handler_calls, handler_wrong);
    printf("expect crc32_HTL %lu\n", calls + 1 + handler_calls);
    if (handler_calls < MIN_HANDLER_CALLS) {
        printf("FAIL: too few signals arrived (%lu) to test anything\n",
               handler_calls);
        return 1;
    }
    printf("%s\n", wrong || handler_wrong ? "FAIL" : "PASS");
    return wrong || handler_wrong ? 1 : 0;
}
