/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest stress test for liblzma: 8 threads, created after start-up, each
 * making 150 small round trips (lzma_easy_encoder, lzma_code in chunks,
 * lzma_end, lzma_stream_decoder, lzma_code, lzma_end) on data of its own,
 * and lzma_crc32/lzma_crc64 calls checked against CRCs computed bit by bit
 * here. Every result is checked. Prints "expect <entry> <n>" totals for
 * the test script to compare with the plugin's stats, then PASS.
 */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "soft_checksums.h"
#include "workers.h"

#define THREADS 8
#define ROUNDS 150

enum { E_ENC, E_DEC, E_CODE, E_END, E_CRC32, E_CRC64, E_COUNT };
static const char *const entry_names[E_COUNT] = {
    "lzma_easy_encoder", "lzma_stream_decoder", "lzma_code", "lzma_end",
    "lzma_crc32", "lzma_crc64",
};

typedef struct Worker {
    int id;
    unsigned long calls[E_COUNT], wrong;
} Worker;

/* Codes all of in (n bytes) into out in chunks of chunk bytes. */
static lzma_ret code_all(Worker *w, lzma_stream *s, const uint8_t *in,
                         size_t n, uint8_t *out, size_t cap, size_t chunk)
{
    lzma_ret rc;

    s->next_in = in;
    s->next_out = out;
    do {
        size_t left = n - (s->next_in - in), room = cap - (s->next_out - out);
        s->avail_in = left < chunk ? left : chunk;
        s->avail_out = room < chunk ? room : chunk;
        rc = lzma_code(s, left <= chunk ? LZMA_FINISH : LZMA_RUN);
        w->calls[E_CODE]++;
    } while (rc == LZMA_OK);
    return rc;
}

static void *work(void *arg)
{
    Worker *w = arg;
    uint8_t src[2048], comp[4096], back[2048];
    uint64_t x = 0x9e3779b97f4a7c15ULL * (w->id + 1);

    for (int i = 0; i < ROUNDS; i++) {
        size_t n = 1 + (size_t)(i * 37 + w->id * 11) % sizeof(src);
        lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
        lzma_ret rc;

        for (size_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* Compressible: few symbols, varied per round. */
            src[k] = i % 3 ? (uint8_t)('a' + (x >> 60)) : (uint8_t)x;
        }
        if (lzma_crc32(src, n, 0) != soft_crc32(src, n)) {
            w->wrong++;
        }
        w->calls[E_CRC32]++;
        if (lzma_crc64(src, n, 0) != soft_crc64(src, n)) {
            w->wrong++;
        }
        w->calls[E_CRC64]++;

        /* Presets 0 and 1: each init allocates megabytes, which the
         * sanitizers' allocator (--config=asan) makes slow. */
        rc = lzma_easy_encoder(&e, i / 2 % 2, i % 2 ? LZMA_CHECK_CRC64
                                                    : LZMA_CHECK_CRC32);
        w->calls[E_ENC]++;
        if (rc != LZMA_OK) {
            w->wrong++;
            continue;
        }
        rc = code_all(w, &e, src, n, comp, sizeof(comp), 97 + w->id);
        size_t clen = e.total_out;
        lzma_end(&e);
        w->calls[E_END]++;
        if (rc != LZMA_STREAM_END) {
            w->wrong++;
            continue;
        }
        rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
        w->calls[E_DEC]++;
        if (rc != LZMA_OK) {
            w->wrong++;
            continue;
        }
        rc = code_all(w, &d, comp, clen, back, sizeof(back), 61 + w->id);
        if (rc != LZMA_STREAM_END || d.total_out != n || memcmp(src, back, n)) {
            w->wrong++;
        }
        lzma_end(&d);
        w->calls[E_END]++;
    }
    return NULL;
}

int main(void)
{
    static Worker w[THREADS];
    unsigned long total[E_COUNT] = { 0 };
    unsigned long failures = RUN_COUNTED_WORKERS(work, w, entry_names,
                                                 total);

    printf("%d threads x %d round trips: %lu wrong\n", THREADS, ROUNDS,
           failures);
    if (total[E_ENC] != THREADS * ROUNDS || total[E_DEC] != THREADS * ROUNDS) {
        printf("FAIL: %lu encoders, %lu decoders made\n", total[E_ENC],
               total[E_DEC]);
        failures++;
    }
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
