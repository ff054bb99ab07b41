/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program: a hostile liblzma guest. (The protocol-level attacks,
 * the same for every library, are evil_guest's.) liblzma calls through
 * the public API that a real liblzma may crash on, so they run
 * only when the GTL has the stream on the host (the top bit of
 * strm.internal set after an init; else it says so and skips them):
 * lzma_code/lzma_end on streams whose `internal` is forged, a stale copy
 * after lzma_end, a copy of a live stream; next_in/next_out at unmapped or
 * read-only memory with large avail_*; filter chains unterminated, with
 * unknown IDs, with options or a preset_dict at unmapped memory, also as
 * blocks' chains, and blocks at unmapped or read-only memory; an
 * allocator handing out garbage pointers; two threads coding and ending
 * one stream at once. Their return values are not checked: the host must
 * only stay up and touch nothing it should not. Then a normal round trip
 * that must work, on the host: "expect <entry> <n>" lines and "PASS".
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <lzma.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hostile.h"
#include "test_data.h"

static int failures;

static uint8_t text[65536], out[65536 + 4096];
static long hostile_calls;

/* Return values of the hostile calls: anything, as long as QEMU stays up. */
static volatile int last_rc;

static void any(lzma_ret rc)
{
    last_rc = rc;
}

/* Is the stream's state on the host? (The GTL's handles have bit 63.) */
static int on_host(const lzma_stream *s)
{
    return (int)((uintptr_t)s->internal >> 63);
}

static void code_and_end(lzma_stream *s)
{
    any(lzma_code(s, LZMA_RUN));
    any(lzma_code(s, LZMA_FINISH));
    lzma_end(s);
    hostile_calls += 3;
}

static void forged_streams(void)
{
    lzma_stream live = LZMA_STREAM_INIT, copy, stale;

    /* Random handles with the top bit set. */
    for (int i = 0; i < 2000; i++) {
        lzma_stream s = LZMA_STREAM_INIT;
        s.internal = (lzma_internal *)forged_handle();
        s.next_in = text;
        s.avail_in = i % 100;
        s.next_out = out;
        s.avail_out = sizeof(out);
        code_and_end(&s);
    }
    /* A stale copy of a stream after its lzma_end. */
    any(lzma_easy_encoder(&live, 1, LZMA_CHECK_CRC32));
    stale = live;
    lzma_end(&live);
    stale.next_in = text;
    stale.avail_in = sizeof(text);
    stale.next_out = out;
    stale.avail_out = sizeof(out);
    code_and_end(&stale);
    /* A copy of a live stream, used and ended; then the original. */
    live = (lzma_stream)LZMA_STREAM_INIT;
    any(lzma_easy_encoder(&live, 1, LZMA_CHECK_CRC32));
    live.next_in = text;
    live.avail_in = 1000;
    live.next_out = out;
    live.avail_out = sizeof(out);
    any(lzma_code(&live, LZMA_RUN));
    copy = live;
    code_and_end(&copy);
    code_and_end(&live);
    hostile_calls += 2;
}

static void bad_buffers(void)
{
    uint8_t *bad_in[] = { gone_page, (uint8_t *)(uintptr_t)16, unmapped,
                          edge_page + page - 100 };
    uint8_t *bad_out[] = { ro_page, gone_page, unmapped,
                           edge_page + page - 100 };

    for (int i = 0; i < 4; i++) {
        for (int dec = 0; dec < 2; dec++) {
            lzma_stream s = LZMA_STREAM_INIT;

            if (dec) {
                any(lzma_stream_decoder(&s, UINT64_MAX, 0));
            } else {
                any(lzma_easy_encoder(&s, 0, LZMA_CHECK_CRC64));
            }
            s.next_in = bad_in[i];
            s.avail_in = 1 << 20;
            s.next_out = out;
            s.avail_out = sizeof(out);
            any(lzma_code(&s, LZMA_RUN));
            s.next_in = text;
            s.avail_in = sizeof(text);
            s.next_out = bad_out[i];
            s.avail_out = 1 << 20;
            code_and_end(&s);
            hostile_calls += 2;
        }
    }
}

static void bad_filters(void)
{
    lzma_options_lzma opt;
    lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 1 };
    /* Unterminated: DELTA entries up to the end of a page before the
     * inaccessible one. */
    size_t n = 4 * sizeof(lzma_filter);
    lzma_filter *unterminated = (lzma_filter *)(edge_page + page - n);
    lzma_filter unknown[] = { { 0x7777, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter gone_opts[] = { { LZMA_FILTER_LZMA2, gone_page },
                                { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter gone_delta[] = { { LZMA_FILTER_DELTA, gone_page },
                                 { LZMA_FILTER_LZMA2, &opt },
                                 { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter dict[] = { { LZMA_FILTER_LZMA2, &opt },
                           { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter *chains[] = { unterminated, unknown, gone_opts, gone_delta,
                              dict, (lzma_filter *)gone_page };

    for (size_t i = 0; i < 4; i++) {
        unterminated[i].id = LZMA_FILTER_DELTA;
        unterminated[i].options = &delta;
    }
    lzma_lzma_preset(&opt, 6);
    opt.preset_dict = gone_page;
    opt.preset_dict_size = 1 << 20;
    for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
        lzma_stream s = LZMA_STREAM_INIT;
        size_t pos = 0, ipos = 0;

        any(lzma_raw_encoder(&s, chains[i]));
        code_and_end(&s);
        any(lzma_raw_decoder(&s, chains[i]));
        code_and_end(&s);
        any(lzma_stream_encoder(&s, chains[i], LZMA_CHECK_CRC32));
        code_and_end(&s);
        lzma_raw_buffer_encode(chains[i], NULL, text, 1000, out, &pos,
                               sizeof(out));
        lzma_raw_buffer_decode(chains[i], NULL, text, &ipos, 1000, out, &pos,
                               sizeof(out));
        hostile_calls += 5;
        /* The same chains in blocks coded buffer to buffer. */
        {
            lzma_block b = { .check = LZMA_CHECK_CRC32,
                             .filters = chains[i] };

            pos = ipos = 0;
            any(lzma_block_buffer_encode(&b, NULL, text, 1000, out, &pos,
                                         sizeof(out)));
            b.compressed_size = LZMA_VLI_UNKNOWN;
            b.uncompressed_size = LZMA_VLI_UNKNOWN;
            b.header_size = 8;
            pos = 0;
            any(lzma_block_buffer_decode(&b, NULL, text, &ipos, 1000, out,
                                         &pos, sizeof(out)));
            hostile_calls += 2;
        }
    }
    /* A block running into unmapped memory, and one in read-only memory
     * (liblzma writes the sizes back). */
    {
        lzma_block *edge = (lzma_block *)(edge_page + page -
                                          sizeof(lzma_block) / 2);
        size_t pos = 0;

        any(lzma_block_buffer_encode(edge, NULL, text, 1000, out, &pos,
                                     sizeof(out)));
        any(lzma_block_uncomp_encode((lzma_block *)ro_page, text, 1000, out,
                                     &pos, sizeof(out)));
        hostile_calls += 2;
    }
    /* An alone encoder with options at unmapped memory. */
    {
        lzma_stream s = LZMA_STREAM_INIT;
        any(lzma_alone_encoder(&s, (lzma_options_lzma *)gone_page));
        code_and_end(&s);
        hostile_calls++;
    }
}

/* An allocator that hands out garbage: the host must never touch it. */
static void *garbage_alloc(void *opaque, size_t nmemb, size_t size)
{
    (void)opaque;
    (void)nmemb;
    (void)size;
    switch (hostile_rand() % 4) {
    case 0: return gone_page;
    case 1: return ro_page;
    case 2: return forged_handle();
    default: return (void *)(uintptr_t)0x10;
    }
}

static void garbage_free(void *opaque, void *p)
{
    (void)opaque;
    (void)p;
}

static void garbage_allocator(void)
{
    lzma_allocator a = { garbage_alloc, garbage_free, NULL };

    for (int i = 0; i < 50; i++) {
        lzma_stream s = LZMA_STREAM_INIT;

        s.allocator = &a;
        if (i % 2) {
            any(lzma_stream_decoder(&s, UINT64_MAX, 0));
        } else {
            any(lzma_easy_encoder(&s, 0, LZMA_CHECK_CRC32));
        }
        s.next_in = text;
        s.avail_in = sizeof(text);
        s.next_out = out;
        s.avail_out = sizeof(out);
        code_and_end(&s);
        hostile_calls++;
    }
}

/* Two threads coding and ending one stream at once. */
static lzma_stream shared;

static void *racer(void *arg)
{
    uint8_t buf[4096];

    for (int i = 0; i < 500; i++) {
        lzma_stream s = shared;   /* a torn copy is fine: that is the point */

        s.next_in = text;
        s.avail_in = 512;
        s.next_out = buf;
        s.avail_out = sizeof(buf);
        any(lzma_code(&shared, LZMA_RUN));
        any(lzma_code(&s, LZMA_RUN));
        if ((i + (int)(intptr_t)arg) % 50 == 0) {
            lzma_end(&shared);
        }
    }
    return NULL;
}

static void racing_threads(void)
{
    pthread_t t[2];

    for (int round = 0; round < 4; round++) {
        shared = (lzma_stream)LZMA_STREAM_INIT;
        any(lzma_easy_encoder(&shared, 0, LZMA_CHECK_CRC32));
        shared.next_in = text;
        shared.avail_in = sizeof(text);
        shared.next_out = out;
        shared.avail_out = sizeof(out);
        pthread_create(&t[0], NULL, racer, (void *)0);
        pthread_create(&t[1], NULL, racer, (void *)1);
        pthread_join(t[0], NULL);
        pthread_join(t[1], NULL);
        lzma_end(&shared);
        hostile_calls += 2 * 1010 + 2;
    }
}

/* A round trip that must work, on either side (host unused). */
static void roundtrip(int host)
{
    const size_t n = 256 << 10;
    uint8_t *src = malloc(n), *comp, *back = malloc(n);
    size_t cap = lzma_stream_buffer_bound(n), cpos = 0, ipos = 0, bpos = 0;
    uint64_t limit = UINT64_MAX;
    lzma_ret rc;

    (void)host;
    for (size_t i = 0; i < n; i++) {
        src[i] = (uint8_t)("evil guests still get their data back "[i % 38]);
    }
    comp = malloc(cap);
    rc = lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, src, n, comp,
                                 &cpos, cap);
    CHECK(rc == LZMA_OK && cpos > 0, "easy_buffer_encode: %d", rc);
    rc = lzma_stream_buffer_decode(&limit, 0, NULL, comp, &ipos, cpos, back,
                                   &bpos, n);
    CHECK(rc == LZMA_OK && ipos == cpos && bpos == n && !memcmp(src, back, n),
          "stream_buffer_decode: %d, %zu bytes", rc, bpos);
    CHECK(lzma_crc64(back, n, 0) == lzma_crc64(src, n, 0) &&
          lzma_crc64((const uint8_t *)"123456789", 9, 0) ==
          0x995dc9bbdf1939faULL, "crc64");
    printf("expect lzma_easy_buffer_encode_HTL 1\n");
    printf("expect lzma_stream_buffer_decode_HTL 1\n");
    printf("expect lzma_crc64_HTL 3\n");
    free(src);
    free(comp);
    free(back);
}

/* The host-only hostile calls, in turn. */
static HostileStep *const steps[] = {
    forged_streams, bad_buffers, bad_filters, garbage_allocator,
    racing_threads, NULL,
};

int main(void)
{
    lzma_stream probe = LZMA_STREAM_INIT;
    int host;

    setvbuf(stdout, NULL, _IOLBF, 0);

    map_bad_memory();
    for (size_t i = 0; i < sizeof(text); i++) {
        text[i] = (uint8_t)("hostile but well-formed text "[i % 29]);
    }

    CHECK(lzma_easy_encoder(&probe, 1, LZMA_CHECK_CRC32) == LZMA_OK,
          "probe easy_encoder");
    host = on_host(&probe);
    lzma_end(&probe);
    return run_hostile("liblzma", "streams", host, steps, &hostile_calls,
                       roundtrip, &failures);
}
