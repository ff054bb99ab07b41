/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Load test: 16 guest threads x 10,000 mixed zlib calls, streams created,
 * used, copied and ended concurrently, every result checked; then 1,000,000
 * calls from one thread with the process's RSS (QEMU, plugin, host zlib and
 * all) read before and after, which must stay flat. Prints "expect" lines
 * for the entries whose host calls the test script checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "soft_checksums.h"
#include "workers.h"

#define THREADS 16
#define CALLS_PER_THREAD 10000
#define FLAT_CALLS 1000000
#define RSS_SLACK_KB 2048

/* The entries whose calls the workers count. */
enum { E_DEFLATE, E_INFLATE, E_COPY, E_CRC32, E_COUNT };
static const char *const entry_names[E_COUNT] = {
    "deflate", "inflate", "deflateCopy", "crc32",
};

typedef struct Load {
    int id;
    unsigned long calls, wrong;    /* calls: every zlib call it made */
    unsigned long counted[E_COUNT];
} Load;

/* Inflates comp and compares with want; counts its calls. */
static int inflate_check(Load *l, const unsigned char *comp, size_t clen,
                         const unsigned char *want, size_t n)
{
    unsigned char out[8192];
    z_stream s;
    int rc;

    memset(&s, 0, sizeof(s));
    rc = inflateInit(&s);
    l->calls++;
    s.next_in = (unsigned char *)comp;
    s.avail_in = clen;
    s.next_out = out;
    s.avail_out = sizeof(out);
    rc = inflate(&s, Z_FINISH);
    l->calls++;
    l->counted[E_INFLATE]++;
    inflateEnd(&s);
    l->calls++;
    return rc == Z_STREAM_END && s.total_out == n && !memcmp(out, want, n);
}

static void *run(void *arg)
{
    Load *l = arg;
    unsigned char data[4096], a[8192], b[8192];
    uint64_t x = 0x2545f4914f6cdd1dULL ^ (uint64_t)l->id << 32;

    while (l->calls < CALLS_PER_THREAD) {
        size_t n = 512 + (x % 3000);
        z_stream d, copy;

        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data[i] = (unsigned char)("abcdefgh"[x % 8] + (i % 64 == 0));
        }
        /* A stream, copied half-way; both finish, both must inflate. */
        memset(&d, 0, sizeof(d));
        deflateInit(&d, 1 + (int)(x % 9));
        d.next_in = data;
        d.avail_in = n / 2;
        d.next_out = a;
        d.avail_out = sizeof(a);
        deflate(&d, Z_NO_FLUSH);
        memset(&copy, 0, sizeof(copy));
        deflateCopy(&copy, &d);
        memcpy(b, a, d.total_out);
        copy.next_out = b + (d.next_out - a);
        d.avail_in = n - n / 2;
        deflate(&d, Z_FINISH);
        copy.avail_in = n - n / 2;
        deflate(&copy, Z_FINISH);
        l->calls += 6;
        l->counted[E_DEFLATE] += 3;
        l->counted[E_COPY]++;
        if (!inflate_check(l, a, d.total_out, data, n) ||
            !inflate_check(l, b, copy.total_out, data, n)) {
            l->wrong++;
        }
        deflateEnd(&d);
        deflateEnd(&copy);
        l->calls += 2;
        /* Stateless calls in between. */
        if (crc32(0, data, n) != soft_crc32(data, n)) {
            l->wrong++;
        }
        l->counted[E_CRC32]++;
        l->calls++;
    }
    return NULL;
}

static long rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    while (f && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

int main(void)
{
    static unsigned char buf[256];
    Load l[THREADS];
    unsigned long total[E_COUNT] = { 0 }, wrong, calls = 0;
    long before, after;
    volatile uLong sink = 0;

    if (run_workers(run, l, sizeof(l[0]), THREADS)) {
        return 1;
    }
    wrong = sum_workers(l, sizeof(l[0]), THREADS, offsetof(Load, counted),
                        offsetof(Load, wrong), total, E_COUNT);
    for (int i = 0; i < THREADS; i++) {
        calls += l[i].calls;
    }
    printf("%d threads: %lu calls, %lu wrong\n", THREADS, calls, wrong);

    /* Warm up, then 1,000,000 calls: the RSS must not grow with them. */
    for (int i = 0; i < 1000; i++) {
        sink += crc32(0, buf, sizeof(buf));
    }
    before = rss_kb();
    for (long i = 0; i < FLAT_CALLS; i++) {
        sink += crc32(0, buf, sizeof(buf));
    }
    after = rss_kb();
    printf("rss before %ld kB, after %ld kB, over %d calls\n", before, after,
           FLAT_CALLS);
    total[E_CRC32] += 1000 + FLAT_CALLS;
    print_expects(entry_names, total, E_COUNT);
    if (before < 0 || after - before > RSS_SLACK_KB) {
        printf("FAIL: RSS grew by %ld kB\n", after - before);
        wrong++;
    }
    printf("%s\n", wrong ? "FAIL" : "PASS");
    return wrong != 0 || (sink & 0);
}
