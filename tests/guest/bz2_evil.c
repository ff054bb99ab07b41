/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program: a hostile libbz2 guest. (The protocol-level attacks,
 * the same for every library, are evil_guest's.) It makes libbz2 calls
 * that a real libbz2 may crash on, so only when the GTL has its streams on
 * the host (bit 63 of bz_stream.state set after an init; otherwise it says
 * so and skips them): streams whose state is forged, stale after the end,
 * or belongs to a copy of the bz_stream; compressor calls on decompressor
 * streams and the reverse; next_in/next_out at NULL, unmapped, read-only
 * or nearly-ending memory with large avail_*; the buffer-to-buffer
 * functions with dest, *destLen or source there; an allocator handing out
 * garbage pointers (the host must never write through them); two threads
 * compressing and ending one stream at once. Their return values are not
 * checked: the host must only stay up and touch nothing it should not.
 * Then a normal round trip that must work, and "expect <entry> <n>" for
 * the entries whose every call it counted, the hostile ones included
 * (calls on a handle with the GA bit, bit 62, are the _ga entries'), and
 * "PASS".
 */
#define _GNU_SOURCE
#include <bzlib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hostile.h"
#include "test_data.h"

static int failures;

static char text[1 << 16], sink[1 << 17];
static char packed[1 << 14];   /* text[0..8191] compressed */
static unsigned int packed_len;
static long hostile_calls;

/* The entries whose every call this program counts, for "expect". */
enum {
    E_BUFF_COMPRESS, E_BUFF_DECOMPRESS, E_COMPRESS_INIT_GA,
    E_COMPRESS_END_GA, E_DECOMPRESS_INIT_GA, E_DECOMPRESS_GA,
    E_DECOMPRESS_END_GA, E_COUNTED
};
static const char *const entry_names[E_COUNTED] = {
    "BZ2_bzBuffToBuffCompress", "BZ2_bzBuffToBuffDecompress",
    "BZ2_bzCompressInit_ga", "BZ2_bzCompressEnd_ga",
    "BZ2_bzDecompressInit_ga", "BZ2_bzDecompress_ga",
    "BZ2_bzDecompressEnd_ga",
};
static int counted[E_COUNTED];

/* Results of hostile calls: anything will do while QEMU stays up. */
static volatile int sunk;

static void ignore(int rc)
{
    sunk = rc;
    hostile_calls++;
}

/* The GTL's host handles have the top bit set. */
static int host_stream(const bz_stream *s)
{
    return (int)((uintptr_t)s->state >> 63);
}

static void zero(bz_stream *s)
{
    memset(s, 0, sizeof(*s));
}

static void aim(bz_stream *s, char *in, unsigned int n_in, char *out,
                unsigned int n_out)
{
    s->next_in = in;
    s->avail_in = n_in;
    s->next_out = out;
    s->avail_out = n_out;
}

/* Every stream call on s: both kinds, all actions, both ends. */
static void everything(bz_stream *s)
{
    ignore(BZ2_bzCompress(s, BZ_RUN));
    ignore(BZ2_bzCompress(s, BZ_FLUSH));
    ignore(BZ2_bzCompress(s, BZ_FINISH));
    ignore(BZ2_bzDecompress(s));
    ignore(BZ2_bzCompressEnd(s));
    ignore(BZ2_bzDecompressEnd(s));
}

/* A counting allocator: the round trip's, and a probe's. */
typedef struct Tally {
    int allocs, frees;
} Tally;

static void *tally_alloc(void *opaque, int n, int m)
{
    ((Tally *)opaque)->allocs++;
    return malloc((size_t)n * (size_t)m);
}

static void tally_free(void *opaque, void *p)
{
    if (p) {
        ((Tally *)opaque)->frees++;
    }
    free(p);
}

/* An allocator handing out garbage; its frees are no-ops. */
static void *garbage_alloc(void *opaque, int n, int m)
{
    (void)opaque;
    (void)n;
    (void)m;
    switch (hostile_rand() % 5) {
    case 0:
        return (void *)(uintptr_t)16;
    case 1:
        return ro_page;
    case 2:
        return gone_page;
    case 3:
        return edge_page + page - 8;
    default:
        return forged_handle();
    }
}

static void garbage_free(void *opaque, void *p)
{
    (void)opaque;
    (void)p;
}

/* A handle for the program's own allocator: the host's GA bit. */
#define GA_BIT (1ULL << 62)

/*
 * Every stream call on a copy of model, a fresh one each (a call may
 * change what it is given), so all of them reach the host with the same
 * handle. Calls on a handle with the GA bit are the _ga entries' (and
 * counted), but for BZ2_bzCompress.
 */
static void poke(const bz_stream *model)
{
    int ga = ((uintptr_t)model->state & GA_BIT) != 0;
    bz_stream s;

    for (int call = 0; call < 6; call++) {
        memcpy(&s, model, sizeof(s));
        switch (call) {
        case 0:
        case 1:
            ignore(BZ2_bzCompress(&s, call ? BZ_FINISH : BZ_RUN));
            break;
        case 2:
            ignore(BZ2_bzDecompress(&s));
            counted[E_DECOMPRESS_GA] += ga;
            break;
        case 3:
            ignore(BZ2_bzCompressEnd(&s));
            counted[E_COMPRESS_END_GA] += ga;
            break;
        default:
            ignore(BZ2_bzDecompressEnd(&s));
            counted[E_DECOMPRESS_END_GA] += ga;
            break;
        }
    }
}

/* Handles that are no stream's: random, with the host bit; every other
 * one a GA handle on a stream with an allocator, as the GTL makes them. */
static void forged_states(void)
{
    for (int i = 0; i < 2000; i++) {
        uint64_t h = hostile_rand() | (1ULL << 63);
        bz_stream s;

        zero(&s);
        aim(&s, text, i % 300, sink, sizeof(sink));
        if (i % 2) {
            s.bzalloc = garbage_alloc;
            s.bzfree = garbage_free;
            h |= GA_BIT;
        } else {
            h &= ~GA_BIT;
        }
        s.state = (void *)(uintptr_t)h;
        poke(&s);
    }
}

/* Stale handles, copies of live streams, and the wrong kind of stream. */
static void misused_streams(void)
{
    for (int i = 0; i < 50; i++) {
        bz_stream comp, decomp, copy;

        /* Used after its end, through a copy taken before. */
        zero(&comp);
        ignore(BZ2_bzCompressInit(&comp, 1 + i % 9, 0, 0));
        memcpy(&copy, &comp, sizeof(comp));
        ignore(BZ2_bzCompressEnd(&comp));
        aim(&copy, text, 500, sink, sizeof(sink));
        everything(&copy);

        /* A copy of a live compressor, while the original goes on. */
        zero(&comp);
        ignore(BZ2_bzCompressInit(&comp, 1, 0, 0));
        aim(&comp, text, 4000, sink, sizeof(sink));
        ignore(BZ2_bzCompress(&comp, BZ_RUN));
        memcpy(&copy, &comp, sizeof(comp));
        everything(&copy);

        /* Decompressor calls on it, and compressor calls on a
         * decompressor. */
        ignore(BZ2_bzDecompress(&comp));
        ignore(BZ2_bzDecompressEnd(&comp));
        zero(&decomp);
        ignore(BZ2_bzDecompressInit(&decomp, 0, i % 2));
        aim(&decomp, packed, packed_len, sink, sizeof(sink));
        ignore(BZ2_bzCompress(&decomp, BZ_RUN));
        ignore(BZ2_bzCompress(&decomp, BZ_FINISH));
        ignore(BZ2_bzCompressEnd(&decomp));
        memcpy(&copy, &decomp, sizeof(decomp));
        everything(&copy);
        ignore(BZ2_bzDecompress(&decomp));
        ignore(BZ2_bzDecompressEnd(&decomp));
        ignore(BZ2_bzCompress(&comp, BZ_FINISH));
        ignore(BZ2_bzCompressEnd(&comp));
    }
}

/* next_in and next_out where libbz2 must not go. */
static void bad_buffers(void)
{
    void *bad_in[] = { NULL, gone_page, unmapped, (void *)(uintptr_t)16,
                       edge_page + page - 100 };
    void *bad_out[] = { NULL, ro_page, gone_page, unmapped,
                        (void *)(uintptr_t)16, edge_page + page - 100 };

    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 5; i++) {
            bz_stream s;

            zero(&s);
            ignore(BZ2_bzCompressInit(&s, 1 + round % 9, 0, 0));
            aim(&s, bad_in[i], 1 << 20, sink, sizeof(sink));
            ignore(BZ2_bzCompress(&s, BZ_RUN));
            ignore(BZ2_bzCompress(&s, BZ_FLUSH));
            ignore(BZ2_bzCompress(&s, BZ_FINISH));
            ignore(BZ2_bzCompressEnd(&s));

            zero(&s);
            ignore(BZ2_bzDecompressInit(&s, 0, round % 2));
            aim(&s, bad_in[i], 1 << 20, sink, sizeof(sink));
            ignore(BZ2_bzDecompress(&s));
            ignore(BZ2_bzDecompressEnd(&s));
        }
        for (int i = 0; i < 6; i++) {
            bz_stream s;

            zero(&s);
            ignore(BZ2_bzCompressInit(&s, 1, 0, 0));
            /* Enough input to have output waiting: a full first block. */
            aim(&s, text, sizeof(text), bad_out[i], 1 << 20);
            ignore(BZ2_bzCompress(&s, BZ_RUN));
            ignore(BZ2_bzCompress(&s, BZ_FINISH));
            ignore(BZ2_bzCompress(&s, BZ_FINISH));
            ignore(BZ2_bzCompressEnd(&s));

            zero(&s);
            ignore(BZ2_bzDecompressInit(&s, 0, 0));
            aim(&s, packed, packed_len, bad_out[i], 1 << 20);
            ignore(BZ2_bzDecompress(&s));
            ignore(BZ2_bzDecompress(&s));
            ignore(BZ2_bzDecompressEnd(&s));
        }
    }
}

/* The buffer functions with each of their pointers bad in turn. */
static void bad_buffer_calls(void)
{
    void *bad[] = { gone_page, unmapped, (void *)(uintptr_t)16, ro_page,
                    edge_page + page - 2 };
    unsigned int *bad_len[] = { (unsigned int *)gone_page,
                                (unsigned int *)unmapped,
                                (unsigned int *)(uintptr_t)16,
                                (unsigned int *)ro_page,
                                (unsigned int *)(edge_page + page - 2) };

    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < 5; i++) {
            unsigned int n = 1 << 20;

            /* dest (read-only and nearly-ending included), then *destLen,
             * then source, each with the others good. */
            ignore(BZ2_bzBuffToBuffCompress(bad[i], &n, text, sizeof(text),
                                            1, 0, 0));
            n = sizeof(sink);
            ignore(BZ2_bzBuffToBuffCompress(sink, bad_len[i], text, 1000, 9,
                                            0, 0));
            ignore(BZ2_bzBuffToBuffCompress(sink, &n, bad[i], 1 << 20, 5, 0,
                                            30));
            counted[E_BUFF_COMPRESS] += 3;

            n = 1 << 20;
            ignore(BZ2_bzBuffToBuffDecompress(bad[i], &n, packed, packed_len,
                                              round % 2, 0));
            n = sizeof(sink);
            ignore(BZ2_bzBuffToBuffDecompress(sink, bad_len[i], packed,
                                              packed_len, 0, 0));
            ignore(BZ2_bzBuffToBuffDecompress(sink, &n, bad[i], 1 << 20, 1,
                                              0));
            counted[E_BUFF_DECOMPRESS] += 3;
        }
    }
}

/*
 * Streams on the garbage allocator (only if streams with an allocator are
 * on the host: the guest's own libbz2 would use the garbage), copies of
 * them used while they live and after their end.
 */
static void garbage_allocator(void)
{
    Tally tally = { 0, 0 };
    bz_stream s, model;
    int host;

    zero(&s);
    s.bzalloc = tally_alloc;
    s.bzfree = tally_free;
    s.opaque = &tally;
    ignore(BZ2_bzDecompressInit(&s, 0, 0));
    counted[E_DECOMPRESS_INIT_GA]++;
    host = host_stream(&s);
    ignore(BZ2_bzDecompressEnd(&s));
    counted[E_DECOMPRESS_END_GA]++;
    if (!host) {
        printf("streams with an allocator are not on the host: garbage "
               "allocator skipped\n");
        return;
    }
    for (int i = 0; i < 40; i++) {
        zero(&s);
        s.bzalloc = garbage_alloc;
        s.bzfree = garbage_free;
        ignore(BZ2_bzCompressInit(&s, 1 + i % 9, 0, 0));
        counted[E_COMPRESS_INIT_GA]++;
        if (host_stream(&s)) {
            aim(&s, text, sizeof(text), sink, sizeof(sink));
            memcpy(&model, &s, sizeof(s));
            poke(&model);
            ignore(BZ2_bzCompress(&s, BZ_FINISH));
            ignore(BZ2_bzCompressEnd(&s));
            counted[E_COMPRESS_END_GA]++;
            poke(&model);
        }

        zero(&s);
        s.bzalloc = garbage_alloc;
        s.bzfree = garbage_free;
        ignore(BZ2_bzDecompressInit(&s, 0, i % 2));
        counted[E_DECOMPRESS_INIT_GA]++;
        if (host_stream(&s)) {
            /* The block header makes the host allocate its tables. */
            aim(&s, packed, packed_len, sink, sizeof(sink));
            ignore(BZ2_bzDecompress(&s));
            counted[E_DECOMPRESS_GA]++;
            memcpy(&model, &s, sizeof(s));
            poke(&model);
            ignore(BZ2_bzDecompressEnd(&s));
            counted[E_DECOMPRESS_END_GA]++;
            poke(&model);
        }
    }
}

/* Two threads compressing, copying and ending one stream at once. */
static bz_stream shared;

static void *racer(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < 400; i++) {
        bz_stream torn;

        memcpy(&torn, &shared, sizeof(torn));   /* torn: that is the point */
        ignore(BZ2_bzCompress(&shared, BZ_RUN));
        ignore(BZ2_bzCompress(&torn, BZ_RUN));
        if (i % 150 == 149 - id * 40) {
            ignore(BZ2_bzCompress(&shared, BZ_FINISH));
        }
        if (i % 100 == 60 + id * 7) {
            ignore(BZ2_bzCompressEnd(&shared));
        }
    }
    return NULL;
}

static void racing_threads(void)
{
    for (int round = 0; round < 4; round++) {
        pthread_t t[2];

        zero(&shared);
        /* Blocks of 900k: input this small gives output only on
         * BZ_FINISH, a few KB, well inside sink however the pointers
         * tear. */
        ignore(BZ2_bzCompressInit(&shared, 9, 0, 0));
        aim(&shared, text, sizeof(text), sink, 4096);
        for (int k = 0; k < 2; k++) {
            pthread_create(&t[k], NULL, racer, (void *)(intptr_t)k);
        }
        for (int k = 0; k < 2; k++) {
            pthread_join(t[k], NULL);
        }
        ignore(BZ2_bzCompressEnd(&shared));
    }
}

static void roundtrip(int host)
{
    const unsigned int n = 200000;
    char *src = malloc(n), *comp = malloc(n + n / 100 + 600);
    char *back = malloc(n + 1);
    unsigned int clen = n + n / 100 + 600, blen = n + 1;
    Tally tally = { 0, 0 };
    bz_stream s;
    int rc;

    fill_text((uint8_t *)src, n);
    rc = BZ2_bzBuffToBuffCompress(comp, &clen, src, n, 9, 0, 0);
    counted[E_BUFF_COMPRESS]++;
    CHECK(rc == BZ_OK && clen > 0 && clen < n, "buff compress: %d, %u", rc,
          clen);
    rc = BZ2_bzBuffToBuffDecompress(back, &blen, comp, clen, 0, 0);
    counted[E_BUFF_DECOMPRESS]++;
    CHECK(rc == BZ_OK && blen == n && !memcmp(src, back, n),
          "buff decompress: %d, %u bytes", rc, blen);

    /* Streams with the program's allocator, on the host if the others
     * were. */
    zero(&s);
    s.bzalloc = tally_alloc;
    s.bzfree = tally_free;
    s.opaque = &tally;
    rc = BZ2_bzCompressInit(&s, 3, 0, 0);
    counted[E_COMPRESS_INIT_GA]++;
    CHECK(rc == BZ_OK && host_stream(&s) == host, "compress init: %d", rc);
    aim(&s, src, n, comp, n + n / 100 + 600);
    do {
        rc = BZ2_bzCompress(&s, BZ_FINISH);
    } while (rc == BZ_FINISH_OK);
    CHECK(rc == BZ_STREAM_END, "compress: %d", rc);
    clen = s.total_out_lo32;
    rc = BZ2_bzCompressEnd(&s);
    counted[E_COMPRESS_END_GA]++;
    CHECK(rc == BZ_OK, "compress end: %d", rc);

    zero(&s);
    s.bzalloc = tally_alloc;
    s.bzfree = tally_free;
    s.opaque = &tally;
    rc = BZ2_bzDecompressInit(&s, 0, 1);
    counted[E_DECOMPRESS_INIT_GA]++;
    CHECK(rc == BZ_OK && host_stream(&s) == host, "decompress init: %d",
          rc);
    memset(back, 0, n);
    aim(&s, comp, 0, back, 0);
    do {
        /* Odd pieces each way: many calls through the stream. */
        s.avail_in = clen - (s.next_in - comp) < 1111
                     ? clen - (s.next_in - comp) : 1111;
        s.avail_out = n + 1 - (s.next_out - back) < 7777
                      ? n + 1 - (s.next_out - back) : 7777;
        rc = BZ2_bzDecompress(&s);
        counted[E_DECOMPRESS_GA]++;
    } while (rc == BZ_OK && counted[E_DECOMPRESS_GA] < 100000);
    CHECK(rc == BZ_STREAM_END && s.total_out_lo32 == n &&
          !memcmp(src, back, n), "decompress: %d, %u bytes", rc,
          s.total_out_lo32);
    rc = BZ2_bzDecompressEnd(&s);
    counted[E_DECOMPRESS_END_GA]++;
    CHECK(rc == BZ_OK, "decompress end: %d", rc);
    CHECK(tally.allocs > 0 && tally.allocs == tally.frees,
          "allocator: %d blocks given, %d freed", tally.allocs, tally.frees);

    for (int e = 0; e < E_COUNTED; e++) {
        printf("expect %s_HTL %d\n", entry_names[e], counted[e]);
    }
    free(src);
    free(comp);
    free(back);
}

/* The host-only hostile calls, in turn. */
static HostileStep *const steps[] = {
    forged_states, misused_streams, bad_buffers, bad_buffer_calls,
    garbage_allocator, racing_threads, NULL,
};

int main(void)
{
    bz_stream probe;
    int host;

    setvbuf(stdout, NULL, _IOLBF, 0);
    map_bad_memory();
    fill_text((uint8_t *)text, sizeof(text));

    /* Valid compressed data for decompressors, made on streams whose
     * entries are not counted. */
    zero(&probe);
    CHECK(BZ2_bzCompressInit(&probe, 1, 0, 0) == BZ_OK, "probe init");
    host = host_stream(&probe);
    aim(&probe, text, 8192, packed, sizeof(packed));
    CHECK(BZ2_bzCompress(&probe, BZ_FINISH) == BZ_STREAM_END,
          "probe compress");
    packed_len = probe.total_out_lo32;
    BZ2_bzCompressEnd(&probe);

    return run_hostile("libbz2", "streams", host, steps, &hostile_calls,
                       roundtrip, &failures);
}
