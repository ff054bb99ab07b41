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

typedef struct Worker {
    int id;
    unsigned long enc, dec, code, end, crc32, crc64, failures;
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
        w->code++;
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
            w->failures++;
        }
        w->crc32++;
        if (lzma_crc64(src, n, 0) != soft_crc64(src, n)) {
            w->failures++;
        }
        w->crc64++;

        /* Presets 0 and 1: each init allocates megabytes, which the
         * sanitizers' allocator (--config=asan) makes slow. */
        rc = lzma_easy_encoder(&e, i / 2 % 2, i % 2 ? LZMA_CHECK_CRC64
                                                    : LZMA_CHECK_CRC32);
        w->enc++;
        if (rc != LZMA_OK) {
            w->failures++;
            continue;
        }
        rc = code_all(w, &e, src, n, comp, sizeof(comp), 97 + w->id);
        size_t clen = e.total_out;
        lzma_end(&e);
        w->end++;
        if (rc != LZMA_STREAM_END) {
            w->failures++;
            continue;
        }
        rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
        w->dec++;
        if (rc != LZMA_OK) {
            w->failures++;
            continue;
        }
        rc = code_all(w, &d, comp, clen, back, sizeof(back), 61 + w->id);
        if (rc != LZMA_STREAM_END || d.total_out != n || memcmp(src, back, n)) {
            w->failures++;
        }
        lzma_end(&d);
        w->end++;
    }
    return NULL;
}

int main(void)
{
    Worker w[THREADS];
    unsigned long enc = 0, dec = 0, code = 0, end = 0, c32 = 0, c64 = 0;
    unsigned long failures = 0;

    if (run_workers(work, w, sizeof(w[0]), THREADS)) {
        return 1;
    }
    for (int i = 0; i < THREADS; i++) {
        enc += w[i].enc;
        dec += w[i].dec;
        code += w[i].code;
        end += w[i].end;
        c32 += w[i].crc32;
        c64 += w[i].crc64;
        failures += w[i].failures;
        if (w[i].failures) {
            printf("FAIL: thread %d: %lu wrong results\n", i, w[i].failures);
        }
    }
    printf("expect lzma_easy_encoder_HTL %lu\n", enc);
    printf("expect lzma_stream_decoder_HTL %lu\n", dec);
    printf("expect lzma_code_HTL %lu\n", code);
    printf("expect lzma_end_HTL %lu\n", end);
    printf("expect lzma_crc32_HTL %lu\n", c32);
    printf("expect lzma_crc64_HTL %lu\n", c64);
    printf("%d threads x %d round trips: %lu wrong\n", THREADS, ROUNDS,
           failures);
    if (enc != THREADS * ROUNDS || dec != THREADS * ROUNDS) {
        printf("FAIL: %lu encoders, %lu decoders made\n", enc, dec);
        failures++;
    }
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
