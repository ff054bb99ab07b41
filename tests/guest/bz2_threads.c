/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest stress test for libbz2: 8 threads, created after start-up, each
 * making 150 small round trips on data of its own (BZ2_bzCompressInit,
 * BZ2_bzCompress in chunks up to BZ_STREAM_END, BZ2_bzCompressEnd,
 * BZ2_bzDecompressInit, BZ2_bzDecompress in chunks, BZ2_bzDecompressEnd),
 * every result checked. Prints "expect <entry> <n>" totals for the test
 * script to compare with the plugin's stats, then PASS.
 */
#include <bzlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "workers.h"

#define THREADS 8
#define ROUNDS 150
#define MAX_INPUT 2048

enum { C_INIT, C_CODE, C_END, D_INIT, D_CODE, D_END, ENTRIES };
static const char *const entry_names[ENTRIES] = {
    "BZ2_bzCompressInit", "BZ2_bzCompress", "BZ2_bzCompressEnd",
    "BZ2_bzDecompressInit", "BZ2_bzDecompress", "BZ2_bzDecompressEnd",
};

typedef struct Worker {
    int id;
    unsigned long calls[ENTRIES], wrong;
} Worker;

static unsigned at_most(size_t n, unsigned limit)
{
    return n < limit ? n : limit;
}

/* One round trip of src, chunked ichunk bytes in and ochunk out; whether
 * every call answered as it should. */
static int round_trip(Worker *w, char *src, unsigned n, unsigned ichunk,
                      unsigned ochunk, int small)
{
    /* Room for incompressible input: bzip2 adds at most 1% and 600 bytes. */
    char comp[MAX_INPUT * 2], back[MAX_INPUT + 16];
    unsigned clen, moved;
    bz_stream s;
    int rc, ok;

    memset(&s, 0, sizeof(s));
    w->calls[C_INIT]++;
    if (BZ2_bzCompressInit(&s, 1, 0, small ? 250 : 0) != BZ_OK) {
        return 0;
    }
    s.next_in = src;
    s.next_out = comp;
    /* BZ_RUN in chunks, then BZ_FINISH with the rest given at once. */
    rc = BZ_RUN_OK;
    while (rc == BZ_RUN_OK && n - s.total_in_lo32 > ichunk) {
        s.avail_in = ichunk;
        s.avail_out = at_most(comp + sizeof(comp) - s.next_out, ochunk);
        rc = BZ2_bzCompress(&s, BZ_RUN);
        w->calls[C_CODE]++;
    }
    s.avail_in = n - s.total_in_lo32;
    while (rc == BZ_RUN_OK || rc == BZ_FINISH_OK) {
        s.avail_out = at_most(comp + sizeof(comp) - s.next_out, ochunk);
        rc = BZ2_bzCompress(&s, BZ_FINISH);
        w->calls[C_CODE]++;
    }
    clen = s.total_out_lo32;
    ok = rc == BZ_STREAM_END && s.total_in_lo32 == n;
    w->calls[C_END]++;
    if (BZ2_bzCompressEnd(&s) != BZ_OK || !ok) {
        return 0;
    }

    memset(&s, 0, sizeof(s));
    w->calls[D_INIT]++;
    if (BZ2_bzDecompressInit(&s, 0, small) != BZ_OK) {
        return 0;
    }
    s.next_in = comp;
    s.next_out = back;
    /* Until the end, an error, or a call that moved nothing. */
    do {
        moved = s.total_in_lo32 + s.total_out_lo32;
        s.avail_in = at_most(clen - s.total_in_lo32, ichunk);
        s.avail_out = at_most(back + sizeof(back) - s.next_out, ochunk);
        rc = BZ2_bzDecompress(&s);
        w->calls[D_CODE]++;
    } while (rc == BZ_OK && s.total_in_lo32 + s.total_out_lo32 != moved);
    ok = rc == BZ_STREAM_END && s.total_in_lo32 == clen &&
         s.total_out_lo32 == n && !memcmp(src, back, n);
    w->calls[D_END]++;
    return BZ2_bzDecompressEnd(&s) == BZ_OK && ok;
}

static void *work(void *arg)
{
    Worker *w = arg;
    char src[MAX_INPUT];
    uint32_t x = 2654435761u * (w->id + 1);

    for (int i = 0; i < ROUNDS; i++) {
        unsigned n = 200 + (i * 389 + w->id * 97) % (MAX_INPUT - 199);

        /* Mostly a few letters (compressible), every fifth round noise. */
        for (unsigned k = 0; k < n; k++) {
            x = x * 1664525u + 1013904223u;
            src[k] = (char)(i % 5 ? 'a' + (x >> 29) : x >> 24);
        }
        if (!round_trip(w, src, n, 53 + (i * 31 + w->id) % 700,
                        41 + (i * 17 + w->id * 5) % 500, i % 2)) {
            w->wrong++;
        }
    }
    return NULL;
}

int main(void)
{
    static Worker w[THREADS];
    unsigned long total[ENTRIES] = { 0 }, wrong;

    setvbuf(stdout, NULL, _IOLBF, 0);
    wrong = RUN_COUNTED_WORKERS(work, w, entry_names, total);
    printf("%d threads x %d round trips: %lu wrong\n", THREADS, ROUNDS, wrong);
    /* Every round trip got as far as both Inits. */
    if (total[C_INIT] != THREADS * ROUNDS ||
        total[D_INIT] != THREADS * ROUNDS) {
        printf("FAIL: %lu compressors, %lu decompressors made\n",
               total[C_INIT], total[D_INIT]);
        wrong++;
    }
    printf("%s\n", wrong ? "FAIL" : "PASS");
    return wrong ? 1 : 0;
}
