/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bench_util.h"
#include "passthrough_protocol.h"

static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;

double bench_now(void)
{
    struct timespec ts;

    clock_gettime(bench_clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int bench_set_clock(const char *name)
{
    if (!strcmp(name, "cpu")) {
        bench_clock = CLOCK_THREAD_CPUTIME_ID;
    } else if (!strcmp(name, "wall")) {
        bench_clock = CLOCK_MONOTONIC;
    } else {
        return -1;
    }
    return 0;
}

int bench_common_option(int opt, const char *arg, int *reps,
                        double *budget_ms)
{
    switch (opt) {
    case 'r':
        *reps = atoi(arg);
        return 1;
    case 'b':
        *budget_ms = atof(arg);
        return 1;
    case 'k':
        if (bench_set_clock(arg)) {
            fprintf(stderr, "-k %s: expected cpu or wall\n", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

const char *bench_clock_name(void)
{
    return bench_clock == CLOCK_MONOTONIC ? "wall" : "cpu";
}

long long bench_host_calls(void)
{
    volatile PtReply reply = {
        .magic = PT_REPLY_MAGIC,
        .status = PT_E_NO_ANSWER,
    };

    /* Without a plugin QEMU (or the kernel) answers ENOSYS and leaves the
     * reply as preset. */
    syscall(PT_SYSCALL_NR, PT_OP_STATS, &reply, 0);
    return reply.status == PT_OK ? (long long)reply.value : -1;
}

void bench_print_origin(void)
{
    Dl_info info;

    printf("zlib %s\n", zlibVersion());
    if (dladdr((void *)compress2, &info) && info.dli_fname) {
        printf("lib %s\n", info.dli_fname);
    } else {
        printf("lib ?\n");
    }
    printf("host_calls %lld\n", bench_host_calls());
    printf("clock %s\n", bench_clock_name());
}

unsigned long long bench_calls[BENCH_NFUNCS];

void bench_print_calls(void)
{
    static const char *const names[BENCH_NFUNCS] = {
        [BENCH_COMPRESS2] = "compress2",
        [BENCH_UNCOMPRESS] = "uncompress",
        [BENCH_DEFLATE] = "deflate",
        [BENCH_INFLATE] = "inflate",
        [BENCH_INFLATE_RESET] = "inflateReset",
        [BENCH_CRC32] = "crc32",
        [BENCH_ADLER32] = "adler32",
    };

    for (int i = 0; i < BENCH_NFUNCS; i++) {
        if (bench_calls[i]) {
            printf("calls %s %llu\n", names[i], bench_calls[i]);
        }
    }
}
