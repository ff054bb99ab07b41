/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program: a hostile libzstd guest (evil_guest makes the
 * attacks on the protocol itself). It makes libzstd calls that a real
 * libzstd may crash on, so only when the GTL has its objects
 * on the host (bit 63 of a plain ZSTD_createCCtx result set; otherwise it
 * says so and skips them): handles forged, stale after their free, or of
 * another kind (a dictionary as a context, a context as parameters); the
 * stream buffer structs, and their dst and src, at NULL, unmapped,
 * read-only, PROT_NONE or nearly-ending memory with large sizes, and pos
 * past size; the one-shot functions' dst and src there; dictionaries and
 * prefixes there; dictionary training on a sizes array that is unmapped
 * or whose sizes run past the samples or overflow; allocators that are
 * no allocator (function pointers NULL, the opaque garbage) and objects
 * of both sides mixed in one call; stable buffers on a host context
 * (refused: the host keeps no guest pointer between calls); sequence
 * producers that return garbage, lengths past the block or matches too
 * short, hide their sequences, free their own context or nest a call of
 * their own (the host, which runs them through pauses, must check what
 * comes back); two threads on one context while a
 * third frees the dictionary a context compresses with. Their return
 * values are not checked: the host must only stay up. Last, the calls
 * where libzstd trusts its caller's lengths and lifetimes (a prefix
 * replaced mid-frame, the array generateSequences leaves to its context,
 * a dictionary's content larger than its buffer, sequences whose lengths
 * wrap, a digested dictionary of a strategy that does not exist): the
 * host must check what libzstd does not, each announced before it is
 * made. Then a round trip that must work, "expect <entry> <n>" for the entries
 * whose every call it counted, the hostile ones included, and "PASS".
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#define ZDICT_DISABLE_DEPRECATE_WARNINGS
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "check.h"
#include "hostile.h"
#include "test_data.h"

static int failures;

static uint8_t text[1 << 16], sink[1 << 17];
static uint8_t packed[1 << 15];   /* text[0..16383] compressed */
static size_t packed_len;
static long hostile_calls;

/* Where libzstd must neither read nor write, and the sizes given. */
#define NBAD 6
static void *bad[NBAD];
static const size_t bad_size = 1 << 20;

/* The entries whose every call this program counts, for "expect". */
enum {
    E_COMPRESS, E_DECOMPRESS, E_COMPRESS2, E_CSTREAM2, E_DSTREAM,
    E_SET_PARAM, E_REGISTER, E_COUNTED
};
static const char *const entry_names[E_COUNTED] = {
    "ZSTD_compress", "ZSTD_decompress", "ZSTD_compress2",
    "ZSTD_compressStream2", "ZSTD_decompressStream",
    "ZSTD_CCtx_setParameter", "ZSTD_registerSequenceProducer",
};
static long counted[E_COUNTED];

/* A counted call, where it goes to the host: a handle among its objects,
 * or none (the one-shot functions). Threads count too. */
static void tally(int e, int host)
{
    if (host) {
        __atomic_add_fetch(&counted[e], 1, __ATOMIC_RELAXED);
    }
}
#define COUNT(e, host, call) (tally(e, host), (call))

/* Results of hostile calls: anything will do while QEMU stays up. */
static volatile size_t sunk;

static void ignore(size_t r)
{
    __atomic_add_fetch(&hostile_calls, 1, __ATOMIC_RELAXED);
    sunk = r;
}

/* A dictionary a hostile call made after all: freed (NULL stays in the
 * guest). */
static void drop_cdict(ZSTD_CDict *cd)
{
    ignore(ZSTD_freeCDict(cd));
}

static void drop_ddict(ZSTD_DDict *dd)
{
    ignore(ZSTD_freeDDict(dd));
}

/* The GTL's host objects are handles with bit 63 set. */
static int on_host(const void *obj)
{
    return (int)((uintptr_t)obj >> 63);
}

/* Bit 62 too: made with the program's allocator, whose calls that may
 * allocate take NAME_ga_HTL (not counted as NAME_HTL). */
static int plain_host(const void *obj)
{
    return ((uintptr_t)obj >> 62) == 2;
}

/* A context (the plain creator's: on the host) set to level 1. */
static ZSTD_CCtx *level1_cctx(void)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();

    COUNT(E_SET_PARAM, on_host(c),
          ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1));
    return c;
}

/* Every call on a compression context, and on a decompression one, with
 * the buffers given. A prefix only right after a reset: replaced
 * mid-frame, it is one of the last attacks (trusted_lengths). */
static void poke_cctx(ZSTD_CCtx *c, ZSTD_outBuffer *out, ZSTD_inBuffer *in)
{
    int host = on_host(c), plain = plain_host(c), v;

    ignore(COUNT(E_COMPRESS2, plain,
                 ZSTD_compress2(c, sink, sizeof(sink), text, 3000)));
    ignore(COUNT(E_CSTREAM2, plain,
                 ZSTD_compressStream2(c, out, in, ZSTD_e_continue)));
    ignore(COUNT(E_CSTREAM2, plain,
                 ZSTD_compressStream2(c, out, in, ZSTD_e_end)));
    ignore(ZSTD_compressStream(c, out, in));
    ignore(ZSTD_flushStream(c, out));
    ignore(ZSTD_endStream(c, out));
    ignore(ZSTD_compressCCtx(c, sink, sizeof(sink), text, 2000, 1));
    ignore(COUNT(E_SET_PARAM, host,
                 ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
    ignore(ZSTD_CCtx_getParameter(c, ZSTD_c_windowLog, &v));
    ignore(ZSTD_CCtx_setPledgedSrcSize(c, 100));
    ignore(ZSTD_initCStream(c, 3));
    ignore(ZSTD_sizeof_CCtx(c) + ZSTD_toFlushNow(c) + ZSTD_getBlockSize(c));
    ignore((size_t)ZSTD_getFrameProgression(c).consumed);
    ignore(ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters));
    ignore(ZSTD_CCtx_loadDictionary(c, text, 500));
    ignore(ZSTD_CCtx_refPrefix(c, text, 500));
}

static void poke_dctx(ZSTD_DCtx *d, ZSTD_outBuffer *out, ZSTD_inBuffer *in)
{
    int v;

    ignore(ZSTD_decompressDCtx(d, sink, sizeof(sink), packed, packed_len));
    ignore(COUNT(E_DSTREAM, plain_host(d), ZSTD_decompressStream(d, out, in)));
    ignore(ZSTD_decompressStream_simpleArgs(d, sink, 100, &out->pos,
                                            packed, packed_len, &in->pos));
    ignore(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 20));
    ignore(ZSTD_DCtx_getParameter(d, ZSTD_d_windowLogMax, &v));
    ignore(ZSTD_initDStream(d));
    ignore(ZSTD_sizeof_DCtx(d));
    ignore(ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters));
    ignore(ZSTD_DCtx_loadDictionary(d, text, 500));
    ignore(ZSTD_DCtx_refPrefix(d, text, 500));
}

/*
 * Every call on handles that name no live object (c, d, cd, dd and p:
 * forged or stale), and from the live contexts to them; then their frees.
 */
static void poke_bad_handles(ZSTD_CCtx *live_c, ZSTD_DCtx *live_d, void *c,
                             void *d, void *cd, void *dd, void *p,
                             size_t n_in)
{
    ZSTD_inBuffer in = { text, n_in, 0 };
    ZSTD_outBuffer out = { sink, sizeof(sink), 0 };

    poke_cctx(c, &out, &in);
    poke_dctx(d, &out, &in);
    ignore(ZSTD_compress_usingCDict(live_c, sink, sizeof(sink), text, 1000,
                                    cd));
    ignore(ZSTD_CCtx_refCDict(live_c, cd));
    ignore(ZSTD_initCStream_usingCDict(live_c, cd));
    ignore(ZSTD_decompress_usingDDict(live_d, sink, sizeof(sink), packed,
                                      packed_len, dd));
    ignore(ZSTD_DCtx_refDDict(live_d, dd));
    ignore(ZSTD_getDictID_fromCDict(cd) + ZSTD_getDictID_fromDDict(dd));
    ignore(ZSTD_sizeof_CDict(cd) + ZSTD_sizeof_DDict(dd));
    ignore(ZSTD_CCtxParams_setParameter(p, ZSTD_c_checksumFlag, 1));
    ignore(ZSTD_CCtx_setParametersUsingCCtxParams(live_c, p));
    ignore(ZSTD_estimateCCtxSize_usingCCtxParams(p));
    drop_cdict(ZSTD_createCDict_advanced2(text, 500, ZSTD_dlm_byCopy,
                                          ZSTD_dct_auto, p,
                                          ZSTD_defaultCMem));
    ignore(ZSTD_copyCCtx(live_c, c, 0));
    ignore(ZSTD_copyCCtx(c, live_c, 0));
    ZSTD_copyDCtx(live_d, d);
    /* No guest context stands in for them (libs/zstd/gtl.c's shadows). */
    CHECK(ZSTD_isError(ZSTD_compressBegin(c, 1)) &&
          ZSTD_isError(ZSTD_compressContinue(c, sink, sizeof(sink), text,
                                             100)) &&
          ZSTD_isError(ZSTD_decompressBegin(d)) &&
          ZSTD_isError(ZSTD_decompressContinue(d, sink, sizeof(sink),
                                               packed, 9)),
          "buffer-less calls on a handle that names no context");
    ignore(ZSTD_freeCCtx(c) + ZSTD_freeDCtx(d) + ZSTD_freeCDict(cd) +
           ZSTD_freeDDict(dd) + ZSTD_freeCCtxParams(p));
}

/* Calls on handles that name no object: every group's. */
static void forged_handles(void)
{
    ZSTD_CCtx *real_c = level1_cctx();
    ZSTD_DCtx *real_d = ZSTD_createDCtx();

    for (int i = 0; i < 1500; i++) {
        poke_bad_handles(real_c, real_d, forged_handle(), forged_handle(),
                         forged_handle(), forged_handle(), forged_handle(),
                         (size_t)i % 700);
    }
    /* The real ones are untouched. */
    CHECK(!ZSTD_isError(COUNT(E_COMPRESS2, 1,
                              ZSTD_compress2(real_c, sink, sizeof(sink),
                                             text, 5000))),
          "compress2 after forged handles");
    CHECK(ZSTD_decompressDCtx(real_d, sink, sizeof(sink), packed,
                              packed_len) == 16384,
          "decompressDCtx after forged handles");
    ZSTD_freeCCtx(real_c);
    ZSTD_freeDCtx(real_d);
}

/*
 * Each object given where another kind is wanted. A handle names a record
 * of its own kind's table only: every such call is refused, and leaves
 * the object it was meant for as it was, unfreed too.
 */
enum { K_CCTX, K_DCTX, K_CDICT, K_DDICT, K_PARAMS, K_KINDS };

/* What the wrong-kind calls would have changed, and whether each object
 * still works. */
static void check_kinds_untouched(void *const *all, const char *after)
{
    ZSTD_CCtx *c = all[K_CCTX], *ref = level1_cctx();
    ZSTD_DCtx *d = all[K_DCTX], *fresh_d = ZSTD_createDCtx();
    ZSTD_CCtx_params *fresh_p = ZSTD_createCCtxParams();
    static uint8_t want[1 << 14];
    int v = -1, w = -2;
    size_t n, m;

    CHECK(!ZSTD_isError(ZSTD_CCtx_getParameter(c, ZSTD_c_checksumFlag, &v)) &&
          v == 0, "context's checksum flag after %s: %d", after, v);
    ZSTD_DCtx_getParameter(d, ZSTD_d_windowLogMax, &v);
    ZSTD_DCtx_getParameter(fresh_d, ZSTD_d_windowLogMax, &w);
    CHECK(v == w, "windowLogMax after %s: %d, not %d", after, v, w);
    ZSTD_CCtxParams_getParameter(all[K_PARAMS], ZSTD_c_windowLog, &v);
    ZSTD_CCtxParams_getParameter(fresh_p, ZSTD_c_windowLog, &w);
    CHECK(v == w, "parameters' windowLog after %s: %d, not %d", after, v, w);
    n = COUNT(E_COMPRESS2, 1, ZSTD_compress2(ref, want, sizeof(want), text,
                                             8000));
    m = ZSTD_compress_usingCDict(c, sink, sizeof(sink), text, 8000,
                                 all[K_CDICT]);
    CHECK(!ZSTD_isError(m) &&
          COUNT(E_COMPRESS2, 1, ZSTD_compress2(c, sink, sizeof(sink), text,
                                               8000)) == n &&
          !memcmp(sink, want, n), "context's frame after %s", after);
    m = ZSTD_compress_usingCDict(c, want, sizeof(want), text, 8000,
                                 all[K_CDICT]);
    CHECK(!ZSTD_isError(m) &&
          ZSTD_decompress_usingDDict(d, sink, sizeof(sink), want, m,
                                     all[K_DDICT]) == 8000 &&
          !memcmp(sink, text, 8000), "dictionaries after %s", after);
    CHECK(!ZSTD_isError(ZSTD_CCtxParams_setParameter(
              all[K_PARAMS], ZSTD_c_compressionLevel, 2)),
          "parameters after %s", after);
    ZSTD_freeCCtx(ref);
    ZSTD_freeDCtx(fresh_d);
    ZSTD_freeCCtxParams(fresh_p);
}

static void wrong_kinds(void)
{
    for (int round = 0; round < 30; round++) {
        void *all[K_KINDS] = {
            level1_cctx(), ZSTD_createDCtx(), ZSTD_createCDict(text, 4096, 1),
            ZSTD_createDDict(text, 4096), ZSTD_createCCtxParams(),
        };
        ZSTD_CCtx *c = all[K_CCTX];
        ZSTD_DCtx *d = all[K_DCTX];

        for (int k = 0; k < K_KINDS; k++) {
            void *o = all[k];
            ZSTD_inBuffer in = { text, 2000, 0 };
            ZSTD_outBuffer out = { sink, sizeof(sink), 0 };

            if (k != K_CCTX) {
                poke_cctx(o, &out, &in);
                ignore(ZSTD_copyCCtx(c, o, 0));
                ignore(ZSTD_copyCCtx(o, c, 0));
            }
            if (k != K_DCTX) {
                poke_dctx(o, &out, &in);
                ZSTD_copyDCtx(d, o);
            }
            if (k != K_CDICT) {
                ignore(ZSTD_compress_usingCDict(c, sink, sizeof(sink), text,
                                                1000, o));
                ignore(ZSTD_CCtx_refCDict(c, o));
                ignore(ZSTD_initCStream_usingCDict(c, o));
                ignore(ZSTD_getDictID_fromCDict(o) + ZSTD_sizeof_CDict(o));
            }
            if (k != K_DDICT) {
                ignore(ZSTD_decompress_usingDDict(d, sink, sizeof(sink),
                                                  packed, packed_len, o));
                ignore(ZSTD_DCtx_refDDict(d, o));
                ignore(ZSTD_initDStream_usingDDict(d, o));
            }
            if (k != K_PARAMS) {
                ignore(ZSTD_CCtx_setParametersUsingCCtxParams(c, o));
                ignore(ZSTD_CCtxParams_setParameter(o, ZSTD_c_windowLog,
                                                    20));
                ignore(ZSTD_estimateCStreamSize_usingCCtxParams(o));
                drop_cdict(ZSTD_createCDict_advanced2(
                    text, 500, ZSTD_dlm_byCopy, ZSTD_dct_auto, o,
                    ZSTD_defaultCMem));
            }
        }
        check_kinds_untouched(all, "wrong-kind calls");
        /* Each object freed by every other kind's free: none is freed. */
        for (int k = 0; k < K_KINDS; k++) {
            ignore((k != K_CCTX ? ZSTD_freeCCtx(all[k]) : 0) +
                   (k != K_DCTX ? ZSTD_freeDCtx(all[k]) : 0) +
                   (k != K_CDICT ? ZSTD_freeCDict(all[k]) : 0) +
                   (k != K_DDICT ? ZSTD_freeDDict(all[k]) : 0) +
                   (k != K_PARAMS ? ZSTD_freeCCtxParams(all[k]) : 0));
        }
        check_kinds_untouched(all, "wrong-kind frees");
        ignore(ZSTD_freeCCtx(c) + ZSTD_freeDCtx(d) +
               ZSTD_freeCDict(all[K_CDICT]) + ZSTD_freeDDict(all[K_DDICT]) +
               ZSTD_freeCCtxParams(all[K_PARAMS]));
    }
}

/* Objects used after their free, freed twice, and given to live ones. */
static void stale_handles(void)
{
    ZSTD_CCtx *live_c = level1_cctx();
    ZSTD_DCtx *live_d = ZSTD_createDCtx();

    for (int i = 0; i < 60; i++) {
        ZSTD_CCtx *c = level1_cctx();
        ZSTD_DCtx *d = ZSTD_createDCtx();
        ZSTD_CDict *cd = ZSTD_createCDict(text, 2048, 1 + i % 3);
        ZSTD_DDict *dd = ZSTD_createDDict(text, 2048);
        ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
        ZSTD_inBuffer in = { text, 4000, 0 };
        ZSTD_outBuffer out = { sink, sizeof(sink), 0 };

        /* In the middle of a frame, with its dictionaries, and each
         * with a shadow (a buffer-less frame begun). */
        CHECK(!ZSTD_isError(ZSTD_compressBegin(c, 1)) &&
              !ZSTD_isError(ZSTD_decompressBegin(d)),
              "buffer-less begins on live contexts");
        ZSTD_CCtx_refCDict(c, cd);
        ZSTD_DCtx_refDDict(d, dd);
        ignore(COUNT(E_CSTREAM2, 1,
                     ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
        ignore(ZSTD_freeCCtx(c) + ZSTD_freeDCtx(d) + ZSTD_freeCDict(cd) +
               ZSTD_freeDDict(dd) + ZSTD_freeCCtxParams(p));
        poke_bad_handles(live_c, live_d, c, d, cd, dd, p, 4000);
    }
    CHECK(ZSTD_decompressDCtx(live_d, sink, sizeof(sink), packed,
                              packed_len) == 16384,
          "a live decompressor after stale handles");
    ZSTD_freeCCtx(live_c);
    ZSTD_freeDCtx(live_d);
}

/* The stream structs where they cannot be, their buffers where libzstd
 * must not go, positions past sizes. */
static void bad_stream_buffers(void)
{
    ZSTD_CCtx *c = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();

    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < NBAD; i++) {
            ZSTD_inBuffer in = { text, sizeof(text), 0 };
            ZSTD_outBuffer out = { sink, sizeof(sink), 0 };
            ZSTD_inBuffer bad_in = { bad[i], bad_size, 0 };
            ZSTD_outBuffer bad_out = { bad[i], bad_size, 0 };
            size_t pos = 0;

            /* The structs themselves. */
            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, bad[i], &in,
                                              ZSTD_e_end)));
            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, &out, bad[i],
                                              ZSTD_e_flush)));
            ignore(ZSTD_compressStream(c, bad[i], bad[i]));
            ignore(ZSTD_flushStream(c, bad[i]));
            ignore(ZSTD_endStream(c, bad[i]));
            ignore(COUNT(E_DSTREAM, 1,
                         ZSTD_decompressStream(d, bad[i], &in)));
            ignore(COUNT(E_DSTREAM, 1,
                         ZSTD_decompressStream(d, &out, bad[i])));
            /* Their buffers. */
            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, &out, &bad_in,
                                              ZSTD_e_continue)));
            in.pos = 0;
            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, &bad_out, &in,
                                              ZSTD_e_end)));
            ignore(ZSTD_endStream(c, &bad_out));
            ignore(COUNT(E_DSTREAM, 1,
                         ZSTD_decompressStream(d, &out, &bad_in)));
            in = (ZSTD_inBuffer){ packed, packed_len, 0 };
            ignore(COUNT(E_DSTREAM, 1,
                         ZSTD_decompressStream(d, &bad_out, &in)));
            /* simpleArgs: the buffers, and the positions' pointers. */
            ignore(ZSTD_compressStream2_simpleArgs(c, bad[i], bad_size, &pos,
                                                   text, 5000, &pos,
                                                   ZSTD_e_end));
            ignore(ZSTD_compressStream2_simpleArgs(c, sink, sizeof(sink),
                                                   bad[i], text, 5000,
                                                   &pos, ZSTD_e_end));
            ignore(ZSTD_compressStream2_simpleArgs(c, sink, sizeof(sink),
                                                   &pos, bad[i], bad_size,
                                                   bad[(i + 1) % NBAD],
                                                   ZSTD_e_continue));
            ignore(ZSTD_decompressStream_simpleArgs(d, bad[i], bad_size,
                                                    &pos, packed,
                                                    packed_len, bad[i]));
            ignore(ZSTD_decompressStream_simpleArgs(d, sink, sizeof(sink),
                                                    bad[i], bad[i],
                                                    bad_size, &pos));
            ignore(ZSTD_CCtx_reset(c, ZSTD_reset_session_only));
            ignore(ZSTD_DCtx_reset(d, ZSTD_reset_session_only));
        }
        /* Positions past the sizes, and a size past the buffer. */
        {
            ZSTD_inBuffer in = { text, 100, 5000 + round };
            ZSTD_outBuffer out = { sink, 100, 70000 };
            size_t dpos = 1 << 20, spos = 1 << 20;

            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, &out, &in, ZSTD_e_end)));
            ignore(COUNT(E_DSTREAM, 1, ZSTD_decompressStream(d, &out, &in)));
            out.size = sizeof(sink) + page;
            ignore(COUNT(E_CSTREAM2, 1,
                         ZSTD_compressStream2(c, &out, &in, ZSTD_e_end)));
            ignore(ZSTD_compressStream2_simpleArgs(c, sink, 10, &dpos, text,
                                                   10, &spos, ZSTD_e_end));
            ignore(ZSTD_decompressStream_simpleArgs(d, sink, 10, &dpos,
                                                    packed, 10, &spos));
            ignore(ZSTD_CCtx_reset(c, ZSTD_reset_session_only));
            ignore(ZSTD_DCtx_reset(d, ZSTD_reset_session_only));
        }
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/* The one-shot functions with dst, src or an out-parameter bad in turn. */
static void bad_one_shot(void)
{
    ZSTD_CCtx *c = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_CDict *cd = ZSTD_createCDict(text, 4096, 1);
    ZSTD_DDict *dd = ZSTD_createDDict(text, 4096);
    ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
    ZSTD_parameters params = ZSTD_getParams(1, 0, 0);
    ZSTD_frameParameters fparams = { 1, 1, 0 };

    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < NBAD; i++) {
            void *b = bad[i];

            ignore(COUNT(E_COMPRESS, 1,
                         ZSTD_compress(b, bad_size, text, 9000, 1)));
            ignore(COUNT(E_COMPRESS, 1,
                         ZSTD_compress(sink, sizeof(sink), b, bad_size, 1)));
            ignore(COUNT(E_DECOMPRESS, 1,
                         ZSTD_decompress(b, bad_size, packed, packed_len)));
            ignore(COUNT(E_DECOMPRESS, 1,
                         ZSTD_decompress(sink, sizeof(sink), b, bad_size)));
            ignore(ZSTD_compressCCtx(c, b, bad_size, text, 9000, 1));
            ignore(ZSTD_compressCCtx(c, sink, sizeof(sink), b, bad_size, 1));
            ignore(COUNT(E_COMPRESS2, 1,
                         ZSTD_compress2(c, b, bad_size, text, 9000)));
            ignore(COUNT(E_COMPRESS2, 1,
                         ZSTD_compress2(c, sink, sizeof(sink), b,
                                        bad_size)));
            ignore(ZSTD_compress_usingDict(c, b, bad_size, text, 9000, text,
                                           100, 1));
            ignore(ZSTD_compress_advanced(c, sink, sizeof(sink), b,
                                          bad_size, NULL, 0, params));
            ignore(ZSTD_compress_usingCDict(c, b, bad_size, text, 9000, cd));
            ignore(ZSTD_compress_usingCDict_advanced(c, sink, sizeof(sink),
                                                     b, bad_size, cd,
                                                     fparams));
            ignore(ZSTD_decompressDCtx(d, b, bad_size, packed, packed_len));
            ignore(ZSTD_decompressDCtx(d, sink, sizeof(sink), b, bad_size));
            ignore(ZSTD_decompress_usingDict(d, b, bad_size, packed,
                                             packed_len, NULL, 0));
            ignore(ZSTD_decompress_usingDDict(d, sink, sizeof(sink), b,
                                              bad_size, dd));
            ignore(ZSTD_CCtx_getParameter(c, ZSTD_c_compressionLevel, b));
            ignore(ZSTD_DCtx_getParameter(d, ZSTD_d_windowLogMax, b));
            ignore(ZSTD_CCtxParams_getParameter(p, ZSTD_c_windowLog, b));
            ignore(ZSTD_generateSequences(c, b, bad_size, text, 9000));
            ignore(ZSTD_generateSequences(c, (ZSTD_Sequence *)sink,
                                          SIZE_MAX / 8, text, 9000));
            ignore(ZSTD_compressSequences(c, sink, sizeof(sink), b,
                                          bad_size, text, 9000));
            ignore(ZSTD_compressSequences(c, sink, sizeof(sink),
                                          (ZSTD_Sequence *)text,
                                          SIZE_MAX / 4, text, 9000));
            ignore(ZSTD_compressSequences(c, sink, sizeof(sink),
                                          (ZSTD_Sequence *)text, 0, b,
                                          bad_size));
        }
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
    ZSTD_freeCDict(cd);
    ZSTD_freeDDict(dd);
    ZSTD_freeCCtxParams(p);
}

/* Dictionaries and prefixes at memory libzstd must not read. */
static void bad_dictionaries(void)
{
    ZSTD_CCtx *c = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
    ZSTD_compressionParameters cparams = ZSTD_getCParams(1, 0, 4096);
    ZSTD_parameters params = ZSTD_getParams(1, 0, 4096);

    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < NBAD; i++) {
            void *b = bad[i];
            size_t n = i % 2 ? bad_size : page + 1;

            drop_cdict(ZSTD_createCDict(b, n, 1));
            drop_cdict(ZSTD_createCDict_byReference(b, n, 1));
            drop_cdict(ZSTD_createCDict_advanced(b, n, ZSTD_dlm_byRef,
                                                 ZSTD_dct_auto, cparams,
                                                 ZSTD_defaultCMem));
            drop_cdict(ZSTD_createCDict_advanced2(b, n, ZSTD_dlm_byRef,
                                                  ZSTD_dct_rawContent, p,
                                                  ZSTD_defaultCMem));
            drop_ddict(ZSTD_createDDict(b, n));
            drop_ddict(ZSTD_createDDict_byReference(b, n));
            drop_ddict(ZSTD_createDDict_advanced(b, n, ZSTD_dlm_byRef,
                                                 ZSTD_dct_fullDict,
                                                 ZSTD_defaultCMem));
            /* Each as both kinds of context take it. */
            ignore(ZSTD_CCtx_loadDictionary(c, b, n) +
                   ZSTD_DCtx_loadDictionary(d, b, n));
            ignore(ZSTD_CCtx_loadDictionary_advanced(c, b, n, ZSTD_dlm_byRef,
                                                     ZSTD_dct_auto) +
                   ZSTD_DCtx_loadDictionary_advanced(d, b, n, ZSTD_dlm_byRef,
                                                     ZSTD_dct_auto));
            ignore(ZSTD_CCtx_loadDictionary_byReference(c, b, n) +
                   ZSTD_DCtx_loadDictionary_byReference(d, b, n));
            ignore(ZSTD_CCtx_refPrefix(c, b, n) + ZSTD_DCtx_refPrefix(d, b, n));
            ignore(ZSTD_CCtx_refPrefix_advanced(c, b, n, ZSTD_dct_rawContent) +
                   ZSTD_DCtx_refPrefix_advanced(d, b, n, ZSTD_dct_auto));
            ignore(ZSTD_initCStream_usingDict(c, b, n, 1));
            ignore(ZSTD_initCStream_advanced(c, b, n, params, 0));
            ignore(ZSTD_initDStream_usingDict(d, b, n));
            ignore(ZSTD_compress_usingDict(c, sink, sizeof(sink), text, 5000,
                                           b, n, 1));
            ignore(ZSTD_compress_advanced(c, sink, sizeof(sink), text, 5000,
                                          b, n, params));
            ignore(ZSTD_decompress_usingDict(d, sink, sizeof(sink), packed,
                                             packed_len, b, n));
            /* A frame after each: the refused loads left nothing. */
            ignore(COUNT(E_COMPRESS2, 1,
                         ZSTD_compress2(c, sink, sizeof(sink), text, 2000)));
            ignore(ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters));
            ignore(ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters));
        }
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
    ZSTD_freeCCtxParams(p);
}

/*
 * Training with the samples' sizes unmapped, summing past the samples (at
 * the edge of the mapping) or overflowing; the dictionary buffer, the
 * content or the optimizers' parameters bad.
 */
static void bad_training(void)
{
    size_t sizes[8], total = 0;
    size_t wrap[3] = { SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, 16 };
    uint8_t *samples = edge_page;
    uint8_t dict[4096];
    ZDICT_cover_params_t cover = { .k = 200, .d = 8, .steps = 1 };
    ZDICT_fastCover_params_t fast = { .k = 200, .d = 8, .steps = 1 };
    ZDICT_legacy_params_t legacy = { 0 };
    ZDICT_params_t zp = { 0 };

    fill_text(samples, page);
    for (int i = 0; i < 8; i++) {
        sizes[i] = page / 8;
        total += sizes[i];
    }
    /* One byte more than there is. */
    sizes[7] += 1;
    for (int round = 0; round < 12; round++) {
        const size_t *const all_sizes[4] = {
            sizes, wrap, (size_t *)unmapped, (size_t *)(gone_page - 8)
        };

        for (int k = 0; k < 4; k++) {
            const size_t *z = all_sizes[k];
            unsigned n = k == 1 ? 3 : k == 3 ? 8 : 1u << 20;

            if (k == 0) {
                n = 8;
            }
            ignore(ZDICT_trainFromBuffer(dict, sizeof(dict), samples, z, n));
            ignore(ZDICT_trainFromBuffer_cover(dict, sizeof(dict), samples,
                                               z, n, cover));
            ignore(ZDICT_trainFromBuffer_fastCover(dict, sizeof(dict),
                                                   samples, z, n, fast));
            ignore(ZDICT_optimizeTrainFromBuffer_cover(dict, sizeof(dict),
                                                       samples, z, n,
                                                       &cover));
            ignore(ZDICT_optimizeTrainFromBuffer_fastCover(dict,
                                                           sizeof(dict),
                                                           samples, z, n,
                                                           &fast));
            ignore(ZDICT_trainFromBuffer_legacy(dict, sizeof(dict), samples,
                                                z, n, legacy));
            ignore(ZDICT_finalizeDictionary(dict, sizeof(dict), text, 2048,
                                            samples, z, n, zp));
            ignore(ZDICT_addEntropyTablesFromBuffer(dict, 1024, sizeof(dict),
                                                    samples, z, n));
        }
        /* Good sizes, bad buffers and parameters. */
        for (int i = 0; i < NBAD; i++) {
            sizes[7] -= 1;
            ignore(ZDICT_trainFromBuffer(bad[i], bad_size, samples, sizes,
                                         8));
            ignore(ZDICT_trainFromBuffer_cover(dict, sizeof(dict), bad[i],
                                               sizes, 8, cover));
            ignore(ZDICT_optimizeTrainFromBuffer_cover(dict, sizeof(dict),
                                                       samples, sizes, 8,
                                                       bad[i]));
            ignore(ZDICT_optimizeTrainFromBuffer_fastCover(dict,
                                                           sizeof(dict),
                                                           samples, sizes, 8,
                                                           bad[i]));
            ignore(ZDICT_finalizeDictionary(dict, sizeof(dict), bad[i],
                                            2048, samples, sizes, 8, zp));
            ignore(ZDICT_addEntropyTablesFromBuffer(bad[i], 1024, bad_size,
                                                    samples, sizes, 8));
            sizes[7] += 1;
        }
    }
}

/*
 * Allocators. libzstd's own asked for with a garbage opaque (the host
 * uses no allocator of the guest's); the program's, whose objects are
 * the host's too (each block asked of it through a paused call), mixed
 * in calls with plain host objects and with guest objects (in the
 * program's workspace); half of one (refused, as libzstd does); one that
 * gives nothing, one that gives garbage addresses (the host never writes
 * the guest's blocks: it holds them), and one that, asked for a block,
 * makes and frees objects of its own (nested paused calls) and tries to
 * free the context whose call is paused (refused: that call has it).
 * The counting allocator's blocks must all come back.
 */
static Counts real;   /* test_data's counting allocator, its opaque */

static void *no_alloc(void *opaque, size_t size)
{
    (void)opaque;
    (void)size;
    return NULL;
}

static void *garbage_alloc(void *opaque, size_t size)
{
    static uintptr_t next = 0x10;

    (void)opaque;
    (void)size;
    next += 0x1000;
    return hostile_rand() & 1 ? (void *)next : unmapped;
}

static void garbage_free(void *opaque, void *p)
{
    (void)opaque;
    (void)p;
}

/* The context a nested allocator tries to free mid-call. */
static ZSTD_CCtx *paused_ctx;
static int nesting;

static void *nested_alloc(void *opaque, size_t size)
{
    if (nesting++ < 2) {
        ZSTD_customMem again = { nested_alloc, counted_free, opaque };
        ZSTD_CCtx *c = ZSTD_createCCtx_advanced(again);

        ignore(ZSTD_compress2(c, sink, sizeof(sink), text, 3000));
        ignore(ZSTD_freeCCtx(c));
        if (paused_ctx) {
            CHECK(ZSTD_isError(ZSTD_freeCCtx(paused_ctx)),
                  "a context freed by its allocator in its own call");
        }
    }
    nesting--;
    return counted_alloc(opaque, size);
}

/* Dictionaries of text's first 4 KiB, copied, with the allocator mem. */
static ZSTD_CDict *text_cdict(ZSTD_compressionParameters cp,
                              ZSTD_customMem mem)
{
    return ZSTD_createCDict_advanced(text, 4096, ZSTD_dlm_byCopy,
                                     ZSTD_dct_auto, cp, mem);
}

static ZSTD_DDict *text_ddict(ZSTD_customMem mem)
{
    return ZSTD_createDDict_advanced(text, 4096, ZSTD_dlm_byCopy,
                                     ZSTD_dct_auto, mem);
}

static void allocators(void)
{
    ZSTD_compressionParameters cparams = ZSTD_getCParams(1, 0, 4096);
    ZSTD_customMem mine = { counted_alloc, counted_free, &real };
    ZSTD_customMem half = { NULL, counted_free, &real };
    ZSTD_customMem nothing = { no_alloc, counted_free, &real };
    ZSTD_customMem garbage = { garbage_alloc, garbage_free, NULL };
    ZSTD_customMem nested = { nested_alloc, counted_free, &real };
    size_t cspace = ZSTD_estimateCCtxSize(3), dspace = ZSTD_estimateDCtxSize();
    size_t cdspace = ZSTD_estimateCDictSize_advanced(4096, cparams,
                                                     ZSTD_dlm_byCopy);
    void *cws = malloc(cspace), *dws = malloc(dspace), *cdws = malloc(cdspace);

    for (int i = 0; i < 20; i++) {
        ZSTD_customMem none = { NULL, NULL, forged_handle() };
        ZSTD_CCtx *c = ZSTD_createCCtx_advanced(none);
        ZSTD_CStream *cs = ZSTD_createCStream_advanced(none);
        ZSTD_DCtx *d = ZSTD_createDCtx_advanced(none);
        ZSTD_DStream *ds = ZSTD_createDStream_advanced(none);
        ZSTD_CDict *cd = text_cdict(cparams, none);
        ZSTD_DDict *dd = text_ddict(none);
        ZSTD_CCtx *gc = ZSTD_createCCtx_advanced(mine);
        ZSTD_DCtx *gd = ZSTD_createDCtx_advanced(mine);
        ZSTD_CDict *gcd = text_cdict(cparams, mine);
        /* The guest's own: in the program's workspaces. */
        ZSTD_CCtx *sc = ZSTD_initStaticCCtx(cws, cspace);
        ZSTD_DCtx *sd = ZSTD_initStaticDCtx(dws, dspace);
        const ZSTD_CDict *scd = ZSTD_initStaticCDict(
            cdws, cdspace, text, 4096, ZSTD_dlm_byCopy, ZSTD_dct_auto,
            cparams);

        CHECK(plain_host(c) && !plain_host(gc) && on_host(gc) &&
              !on_host(sc) && !on_host(scd),
              "objects: %p (garbage opaque), %p (allocator), %p (workspace)",
              (void *)c, (void *)gc, (void *)sc);
        ignore(ZSTD_compress_usingCDict(c, sink, sizeof(sink), text, 5000,
                                        cd));
        ignore(ZSTD_compress_usingCDict(cs, sink, sizeof(sink), text, 5000,
                                        cd));
        ignore(ZSTD_decompressDCtx(d, sink, sizeof(sink), packed,
                                   packed_len));
        ignore(ZSTD_decompress_usingDDict(ds, sink, sizeof(sink), packed,
                                          packed_len, dd));
        /* The allocator's objects with plain host ones, and with the
         * guest's own; each kind given for the others. */
        ignore(ZSTD_compress_usingCDict(gc, sink, sizeof(sink), text, 5000,
                                        cd));
        ignore(ZSTD_CCtx_refCDict(gc, cd));
        ignore(ZSTD_compress_usingCDict(c, sink, sizeof(sink), text, 5000,
                                        gcd));
        ignore(ZSTD_CCtx_refCDict(c, gcd));
        ignore(ZSTD_initCStream_usingCDict(c, gcd));
        ignore(ZSTD_compress_usingCDict(gc, sink, sizeof(sink), text, 5000,
                                        scd));
        ignore(ZSTD_compress_usingCDict(sc, sink, sizeof(sink), text, 5000,
                                        gcd));
        ignore(ZSTD_CCtx_refCDict(sc, gcd));
        ignore(ZSTD_decompress_usingDDict(gd, sink, sizeof(sink), packed,
                                          packed_len, dd));
        ignore(ZSTD_DCtx_refDDict(gd, dd));
        ignore(ZSTD_copyCCtx(c, gc, 0));
        ignore(ZSTD_copyCCtx(gc, c, 0));
        ignore(ZSTD_copyCCtx(sc, gc, 0));
        ignore(ZSTD_copyCCtx(gc, sc, 0));
        /* A copy takes the original's allocator, as libzstd's does (a
         * host context's shadow too): between one allocator's only, but
         * sd, which libzstd never frees. */
        ZSTD_copyDCtx(d, sd);
        ZSTD_copyDCtx(sd, d);
        ZSTD_copyDCtx(sd, gd);
        ignore(ZSTD_freeCCtx((ZSTD_CCtx *)gcd) + ZSTD_freeCDict((void *)gc));
        ignore((size_t)ZSTD_createCCtx_advanced(half));
        drop_ddict(text_ddict(half));
        CHECK(!ZSTD_createCCtx_advanced(nothing) &&
              !ZSTD_createDCtx_advanced(nothing),
              "objects from an allocator that gives nothing");
        {
            ZSTD_CCtx *bad = ZSTD_createCCtx_advanced(garbage);
            ZSTD_DDict *bad_dd = text_ddict(garbage);

            ignore(ZSTD_compress2(bad, sink, sizeof(sink), text, 5000));
            ignore(ZSTD_decompress_usingDDict(d, sink, sizeof(sink), packed,
                                              packed_len, bad_dd));
            ignore(ZSTD_freeCCtx(bad) + ZSTD_freeDDict(bad_dd));
        }
        {
            ZSTD_CCtx *n = ZSTD_createCCtx_advanced(nested);

            paused_ctx = n;
            ignore(ZSTD_compress2(n, sink, sizeof(sink), text, 9000));
            paused_ctx = NULL;
            ignore(ZSTD_freeCCtx(n));
        }
        ignore(ZSTD_freeCCtx(c) + ZSTD_freeCStream(cs) + ZSTD_freeDCtx(d) +
               ZSTD_freeDStream(ds) + ZSTD_freeCDict(cd) +
               ZSTD_freeDDict(dd));
        ignore(ZSTD_freeCCtx(gc) + ZSTD_freeDCtx(gd) + ZSTD_freeCDict(gcd));
    }
    CHECK(real.allocs == real.frees,
          "%ld blocks of the program's allocator kept",
          real.allocs - real.frees);
    free(cws);
    free(dws);
    free(cdws);
}

/* Whether compress2's result n is a frame in sink of text's first 20000
 * bytes, as d decodes it. */
static int decodes_text(ZSTD_DCtx *d, size_t n)
{
    return !ZSTD_isError(n) &&
           ZSTD_decompressDCtx(d, sink + n, sizeof(sink) - n, sink, n) ==
               20000 &&
           !memcmp(sink + n, text, 20000);
}

/*
 * A sequence producer the host runs through pauses (libs/zstd/htl.c),
 * against what it makes of the host's copy of the block and of the
 * results: garbage counts and sequences, lengths past the block, matches
 * too short for libzstd to count right, its sequences' room made
 * unreadable, its own context freed under the call, a nested call with a
 * producer of its own. The host must report an error or make a frame,
 * never read past the block.
 */
enum {
    P_PLAIN, P_GARBAGE, P_LONG, P_SHORT, P_HIDE, P_FREE_OWN, P_NESTED,
    P_MODES
};

typedef struct Hostile {
    int mode;
    ZSTD_CCtx *own, *other;
    void *hidden;
    size_t hidden_len;
    size_t own_free;
} Hostile;

static size_t hostile_producer(void *state, ZSTD_Sequence *out, size_t cap,
                               const void *src, size_t n, const void *dict,
                               size_t dict_n, int level, size_t window)
{
    Hostile *h = state;
    size_t count = 0;
    uintptr_t from, to;

    (void)src;
    (void)dict;
    (void)dict_n;
    (void)level;
    (void)window;
    switch (h->mode) {
    case P_GARBAGE:
        count = hostile_rand() % (cap + 16);
        for (size_t i = 0; i < count && i < cap; i++) {
            uint64_t r = hostile_rand();

            out[i] = (ZSTD_Sequence){ (unsigned)r, (unsigned)(r >> 16) & 0xff,
                                      (unsigned)(r >> 32) & 0x3f, 0 };
        }
        return count;
    case P_LONG:
        out[0] = (ZSTD_Sequence){ 1, UINT32_MAX, UINT32_MAX, 0 };
        out[1] = (ZSTD_Sequence){ 0, (unsigned)n, 0, 0 };
        return 2;
    case P_SHORT:
        /* Lengths that add up to the block: one match of 1 each 4 bytes. */
        for (count = 0; count + 1 < cap && (count + 1) * 4 <= n; count++) {
            out[count] = (ZSTD_Sequence){ 1, 3, 1, 0 };
        }
        out[count] = (ZSTD_Sequence){ 0, (unsigned)(n - count * 4), 0, 0 };
        return count + 1;
    case P_HIDE:
        from = ((uintptr_t)out + page - 1) & ~(uintptr_t)(page - 1);
        to = ((uintptr_t)(out + cap)) & ~(uintptr_t)(page - 1);
        if (to > from && !mprotect((void *)from, to - from, PROT_NONE)) {
            h->hidden = (void *)from;
            h->hidden_len = to - from;
        }
        return cap / 2;
    case P_FREE_OWN:
        h->own_free = ZSTD_freeCCtx(h->own);
        break;
    case P_NESTED:
        ignore(ZSTD_compress2(h->other, sink + sizeof(sink) / 2,
                              sizeof(sink) / 2, text, 5000));
        break;
    }
    out[0] = (ZSTD_Sequence){ 0, (unsigned)n, 0, 0 };
    return 1;
}

static void hostile_producers(void)
{
    ZSTD_CCtx *c = level1_cctx(), *other = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    Hostile h = { P_PLAIN, c, other, NULL, 0, 0 };
    Hostile nested = { P_GARBAGE, NULL, NULL, NULL, 0, 0 };
    size_t n;

    COUNT(E_REGISTER, 1, ZSTD_registerSequenceProducer(c, &h,
                                                       hostile_producer));
    COUNT(E_REGISTER, 1, ZSTD_registerSequenceProducer(other, &nested,
                                                       hostile_producer));
    for (int validate = 0; validate < 2; validate++) {
        for (int mode = P_GARBAGE; mode < P_MODES; mode++) {
            ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
            COUNT(E_SET_PARAM, 1,
                  ZSTD_CCtx_setParameter(c, ZSTD_c_validateSequences,
                                         validate));
            h.mode = mode;
            for (int i = 0; i < (mode == P_GARBAGE ? 20 : 1); i++) {
                ignore(ZSTD_compress2(c, sink, sizeof(sink), text,
                                      20000 + (size_t)i * 1000));
            }
            if (h.hidden) {
                mprotect(h.hidden, h.hidden_len, PROT_READ | PROT_WRITE);
                h.hidden = NULL;
            }
        }
        CHECK(ZSTD_isError(h.own_free),
              "a producer freed the context that called it");
    }
    /* Matches too short for libzstd to count, not validated: refused
     * (the guest's libzstd would make a frame it cannot count right). */
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    COUNT(E_SET_PARAM, 1,
          ZSTD_CCtx_setParameter(c, ZSTD_c_validateSequences, 0));
    h.mode = P_SHORT;
    n = ZSTD_compress2(c, sink, sizeof(sink), text, 20000);
    CHECK(ZSTD_getErrorCode(n) == ZSTD_error_sequenceProducer_failed,
          "matches of 1 taken from a producer: %s", ZSTD_getErrorName(n));
    /* After all that, the context and its producer work. */
    h.mode = P_PLAIN;
    n = ZSTD_compress2(c, sink, sizeof(sink), text, 20000);
    CHECK(decodes_text(d, n),
          "round trip with a producer after the hostile ones: %s",
          ZSTD_getErrorName(n));
    ZSTD_freeCCtx(c);
    ZSTD_freeCCtx(other);
    ZSTD_freeDCtx(d);
}

/*
 * What would have the host keep the guest's buffers: refused on a host
 * context, which then works as before.
 */
static void refused_settings(void)
{
    ZSTD_CCtx *c = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
    size_t n;

    CHECK(ZSTD_isError(COUNT(E_SET_PARAM, 1,
                             ZSTD_CCtx_setParameter(c, ZSTD_c_stableInBuffer,
                                                    1))),
          "stableInBuffer=1 accepted on a host context");
    CHECK(ZSTD_isError(COUNT(E_SET_PARAM, 1,
                             ZSTD_CCtx_setParameter(c,
                                                    ZSTD_c_stableOutBuffer,
                                                    1))),
          "stableOutBuffer=1 accepted on a host context");
    CHECK(ZSTD_isError(ZSTD_CCtxParams_setParameter(p, ZSTD_c_stableInBuffer,
                                                    1)),
          "stableInBuffer=1 accepted by host parameters");
    CHECK(ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_stableOutBuffer, 1)),
          "d_stableOutBuffer=1 accepted on a host context");
    CHECK(ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_refMultipleDDicts,
                                              1)),
          "refMultipleDDicts=1 accepted on a host context");
    ZSTD_CCtxParams_setParameter(p, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParametersUsingCCtxParams(c, p);
    /* With the input stable in fact: the host must not keep it anyway. */
    for (int i = 0; i < 50; i++) {
        ZSTD_inBuffer in = { text, 100 + (size_t)i * 100, 0 };
        ZSTD_outBuffer out = { sink, sizeof(sink), 0 };

        ignore(COUNT(E_CSTREAM2, 1,
                     ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
    }
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    n = COUNT(E_COMPRESS2, 1, ZSTD_compress2(c, sink, sizeof(sink), text,
                                             20000));
    CHECK(decodes_text(d, n), "round trip after the refused settings: %s",
          ZSTD_getErrorName(n));
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
    ZSTD_freeCCtxParams(p);
}

/*
 * Two threads on one context at once (streaming, one-shot, resets,
 * parameters), while a third frees the dictionary that two other
 * contexts compress with, one per frame and one by reference.
 */
typedef struct Shared {
    ZSTD_CCtx *both;
    ZSTD_CCtx *per_frame, *by_ref;
    ZSTD_CDict *cdict;
    int stop;
} Shared;

static void *racer(void *arg)
{
    Shared *s = arg;
    static uint8_t outs[2][1 << 15];
    static int next;
    int id = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % 2;
    uint8_t *out_buf = outs[id];

    for (int i = 0; i < 300; i++) {
        ZSTD_inBuffer in = { text + id * 1000, 2000 + (size_t)i, 0 };
        ZSTD_outBuffer out = { out_buf, sizeof(outs[0]), 0 };

        ignore(COUNT(E_CSTREAM2, 1,
                     ZSTD_compressStream2(s->both, &out, &in,
                                          i % 7 ? ZSTD_e_continue
                                                : ZSTD_e_end)));
        ignore(COUNT(E_COMPRESS2, 1,
                     ZSTD_compress2(s->both, out_buf, sizeof(outs[0]),
                                    text, 3000)));
        if (i % 50 == 10 + id) {
            ignore(ZSTD_CCtx_reset(s->both, ZSTD_reset_session_only));
            ignore(COUNT(E_SET_PARAM, 1,
                         ZSTD_CCtx_setParameter(s->both,
                                                ZSTD_c_compressionLevel,
                                                1 + i % 5)));
        }
    }
    return NULL;
}

static void *dictionary_user(void *arg)
{
    Shared *s = arg;
    static uint8_t out[1 << 15];

    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        ignore(ZSTD_compress_usingCDict(s->per_frame, out, sizeof(out), text,
                                        6000, s->cdict));
        ignore(COUNT(E_COMPRESS2, 1,
                     ZSTD_compress2(s->by_ref, out, sizeof(out), text,
                                    6000)));
    }
    return NULL;
}

static void racing_threads(void)
{
    for (int round = 0; round < 3; round++) {
        Shared s = { level1_cctx(), level1_cctx(), level1_cctx(),
                     ZSTD_createCDict(text + 8192, 8192, 1), 0 };
        ZSTD_DCtx *d = ZSTD_createDCtx();
        pthread_t t[3];
        size_t n;

        ZSTD_CCtx_refCDict(s.by_ref, s.cdict);
        pthread_create(&t[0], NULL, racer, &s);
        pthread_create(&t[1], NULL, racer, &s);
        pthread_create(&t[2], NULL, dictionary_user, &s);
        usleep(20000 * (unsigned)(round + 1));
        ignore(ZSTD_freeCDict(s.cdict));
        pthread_join(t[0], NULL);
        pthread_join(t[1], NULL);
        __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
        pthread_join(t[2], NULL);
        /* The freed dictionary lives on for the context referencing it. */
        n = COUNT(E_COMPRESS2, 1, ZSTD_compress2(s.by_ref, sink, 1 << 16,
                                                 text, 6000));
        CHECK(!ZSTD_isError(n) &&
              ZSTD_decompress_usingDict(d, sink + (1 << 16), 1 << 16, sink,
                                        n, text + 8192, 8192) == 6000 &&
              !memcmp(sink + (1 << 16), text, 6000),
              "a referenced dictionary freed by another thread: %s",
              ZSTD_getErrorName(n));
        ZSTD_freeCCtx(s.both);
        ZSTD_freeCCtx(s.per_frame);
        ZSTD_freeCCtx(s.by_ref);
        ZSTD_freeDCtx(d);
    }
}

/*
 * Where libzstd trusts its caller and the host must not: each announced
 * first, so that a host that goes down shows which one took it.
 */
static uint8_t back[1 << 17];

static void announce(const char *what)
{
    printf("now: %s\n", what);
}

/* Finishes the frame on c, or decodes the rest on d: the result. */
static size_t finish_frame(ZSTD_CCtx *c, ZSTD_DCtx *d, ZSTD_outBuffer *out,
                           ZSTD_inBuffer *in)
{
    size_t r;

    do {
        if (c) {
            r = COUNT(E_CSTREAM2, 1,
                      ZSTD_compressStream2(c, out, in, ZSTD_e_end));
        } else {
            r = COUNT(E_DSTREAM, 1, ZSTD_decompressStream(d, out, in));
        }
    } while (r && !ZSTD_isError(r) && (in->pos < in->size || c));
    return r;
}

/*
 * A prefix replaced while a frame uses it: libzstd refuses the new one
 * (not mid-frame) and reads the old one to the frame's end. 40 MB: a
 * copy the host frees goes back to the system (glibc maps it alone).
 */
static void prefix_replaced_mid_frame(void)
{
    const size_t big = 40u << 20, tail = 1u << 16;
    uint8_t *prefix = mmap(NULL, big, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *input = malloc(1000 + tail);
    ZSTD_CCtx *c = level1_cctx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_inBuffer in = { input, 1000, 0 };
    ZSTD_outBuffer out = { sink, sizeof(sink), 0 };
    size_t r, n;

    /* The input's rest is found only in the prefix's tail. */
    fill_random(prefix + big - tail, tail, 77);
    memcpy(input, text, 1000);
    memcpy(input + 1000, prefix + big - tail, tail);

    announce("a compression prefix replaced mid-frame");
    ZSTD_CCtx_refPrefix(c, prefix, big);
    ignore(COUNT(E_CSTREAM2, 1,
                 ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
    ignore(ZSTD_CCtx_refPrefix(c, text, 100));
    in.size = 1000 + tail;
    r = finish_frame(c, NULL, &out, &in);
    n = out.pos;
    CHECK(!ZSTD_isError(r) && n < tail / 2,
          "a frame whose prefix was replaced mid-frame: %s, %zu bytes",
          ZSTD_getErrorName(r), n);

    announce("a decompression prefix replaced mid-frame");
    ZSTD_DCtx_refPrefix(d, prefix, big);
    in = (ZSTD_inBuffer){ sink, 40, 0 };
    out = (ZSTD_outBuffer){ back, sizeof(back), 0 };
    ignore(COUNT(E_DSTREAM, 1, ZSTD_decompressStream(d, &out, &in)));
    ignore(ZSTD_DCtx_refPrefix(d, text, 100));
    in.size = n;
    r = finish_frame(NULL, d, &out, &in);
    CHECK(r == 0 && out.pos == 1000 + tail && !memcmp(back, input, out.pos),
          "decoding with a prefix replaced mid-frame: %s, %zu bytes",
          ZSTD_getErrorName(r), out.pos);
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
    munmap(prefix, big);
    free(input);
}

/*
 * Copies of contexts begun by streaming, whose frames go on on the host.
 * A source that drops its dictionary (40 MB: the host's copy of it goes
 * back to the system when freed) leaves its copy's calls refused, where
 * they would read it; one the guest frees is kept for its copy. Then
 * pieces and output at bad addresses, and the copy freed mid-frame.
 */
static void hostile_copies(void)
{
    const size_t big = 40u << 20, piece = 1u << 16;
    uint8_t *dict = mmap(NULL, big, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static const char *const hows[] = {
        "its loaded dictionary replaced", "its prefix replaced",
        "freed",
    };

    fill_random(dict, big, 91);
    for (int how = 0; how < 3; how++) {
        ZSTD_CCtx *a = level1_cctx(), *b = ZSTD_createCCtx();
        ZSTD_inBuffer in = { text, 1000, 0 };
        ZSTD_outBuffer out = { sink, sizeof(sink), 0 };
        size_t r, n;

        printf("now: a copy whose source is %s\n", hows[how]);
        if (how == 1) {
            ignore(ZSTD_CCtx_refPrefix(a, dict, big));
        } else {
            ignore(ZSTD_CCtx_loadDictionary(a, dict, big));
            ignore(COUNT(E_SET_PARAM, on_host(a),
                         ZSTD_CCtx_setParameter(a, ZSTD_c_forceAttachDict,
                                                ZSTD_dictForceCopy)));
        }
        ignore(COUNT(E_CSTREAM2, on_host(a),
                     ZSTD_compressStream2(a, &out, &in, ZSTD_e_continue)));
        r = ZSTD_copyCCtx(b, a, 0);
        CHECK(r == 0, "a copy of a begun stream: %s", ZSTD_getErrorName(r));
        if (how < 2) {
            ignore(ZSTD_CCtx_reset(a, ZSTD_reset_session_only));
            r = how ? ZSTD_CCtx_refPrefix(a, text, 100)
                    : ZSTD_CCtx_loadDictionary(a, text, 100);
            CHECK(r == 0, "the source's new dictionary: %s",
                  ZSTD_getErrorName(r));
        } else {
            ZSTD_freeCCtx(a);
            a = NULL;
        }
        /* Its dictionary's tail: what the copy would look for there. */
        r = ZSTD_compressContinue(b, sink, sizeof(sink),
                                  dict + big - piece, piece);
        n = ZSTD_isError(r) ? 0 : r;
        CHECK(how < 2 ? ZSTD_isError(r) : !ZSTD_isError(r),
              "a copy's frame after its source was %s: %s", hows[how],
              ZSTD_getErrorName(r));
        if (how == 2) {
            ZSTD_DCtx *d = ZSTD_createDCtx();

            r = ZSTD_compressEnd(b, sink + n, sizeof(sink) - n, text, 1000);
            r = ZSTD_isError(r) ? r
                                : ZSTD_decompress_usingDict(
                                      d, back, sizeof(back), sink, n + r,
                                      dict, big);
            ZSTD_freeDCtx(d);
            CHECK(r == piece + 1000 && !memcmp(back, dict + big - piece,
                                               piece),
                  "the frame of a copy of a freed source: %s",
                  ZSTD_getErrorName(r));
            ignore(ZSTD_copyCCtx(b, b, 0));
            ignore(COUNT(E_CSTREAM2, on_host(b),
                         ZSTD_compressStream2(b, &out, &in,
                                              ZSTD_e_continue)));
            ignore(ZSTD_copyCCtx(b, b, 0));
        }
        for (int i = 0; i < NBAD; i++) {
            ignore(ZSTD_compressContinue(b, sink, sizeof(sink), bad[i],
                                         bad_size));
            ignore(ZSTD_compressBlock(b, bad[i], bad_size, text, 1000));
            ignore(ZSTD_compressEnd(b, bad[i], bad_size, bad[i], bad_size));
        }
        ZSTD_freeCCtx(b);
        if (a) {
            ZSTD_freeCCtx(a);
        }
    }
    munmap(dict, big);
}

/* A mapping at least 16 GiB from near, or NULL: a piece there is in an
 * arena of its own on the host. */
static uint8_t *far_from(const void *near, size_t size)
{
    /* Addresses as integers: they lie outside any object of C's. */
    const uintptr_t apart = (uintptr_t)16 << 30, at = (uintptr_t)near;

    for (uintptr_t gib = 16; gib <= 64; gib += 16) {
        uint8_t *p = mmap((void *)(at + (gib << 30)), size,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        uintptr_t got = (uintptr_t)p;

        if (p == MAP_FAILED) {
            continue;
        }
        if (got >= at + apart || got + size + apart <= at) {
            return p;
        }
        munmap(p, size);
    }
    return NULL;
}

/*
 * Windows the host cannot vouch for: a copy refused where libzstd would
 * read a dictionary it freed, or go on over a stream, or over a call
 * that failed; a copy's frame refused after one of its calls failed (a
 * piece far away, no room for its block).
 */
static void stale_windows(void)
{
    ZSTD_CCtx *a = level1_cctx(), *b = ZSTD_createCCtx();
    ZSTD_CCtx *c = ZSTD_createCCtx(), *d = ZSTD_createCCtx();
    ZSTD_CCtx *e = ZSTD_createCCtx();
    ZSTD_inBuffer in = { text, 1000, 0 };
    ZSTD_outBuffer out = { sink, sizeof(sink), 0 };
    ZSTD_parameters params = ZSTD_getParams(1, 0, 0);
    uint8_t *far = far_from(text, 1 << 16);
    size_t r;

    announce("a copy of a stream whose dictionary went since it began");
    ignore(ZSTD_CCtx_loadDictionary(a, text + 20000, 20000));
    ignore(COUNT(E_CSTREAM2, 1,
                 ZSTD_compressStream2(a, &out, &in, ZSTD_e_continue)));
    ignore(ZSTD_CCtx_reset(a, ZSTD_reset_session_only));
    ignore(ZSTD_CCtx_loadDictionary(a, text, 100));
    r = ZSTD_copyCCtx(b, a, 0);
    CHECK(ZSTD_isError(r), "a copy of a stream whose dictionary went: %s",
          ZSTD_getErrorName(r));

    announce("a copy into a context with a stream under way");
    in = (ZSTD_inBuffer){ text, 1000, 0 };
    ignore(COUNT(E_CSTREAM2, 1,
                 ZSTD_compressStream2(a, &out, &in, ZSTD_e_continue)));
    in = (ZSTD_inBuffer){ text, 1000, 0 };
    ignore(COUNT(E_CSTREAM2, 1,
                 ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
    r = ZSTD_copyCCtx(c, a, 0);
    CHECK(ZSTD_isError(r), "a copy into a stream under way: %s",
          ZSTD_getErrorName(r));
    /* compress2 that found no room leaves its stream under way. */
    r = COUNT(E_COMPRESS2, 1, ZSTD_compress2(e, sink, 8, text, 20000));
    r = ZSTD_isError(r) ? ZSTD_copyCCtx(e, a, 0) : 0;
    CHECK(ZSTD_isError(r), "a copy into a compress2 that failed: %s",
          ZSTD_getErrorName(r));

    announce("a copy of a copy whose one-shot call failed");
    r = ZSTD_copyCCtx(b, a, 0);
    CHECK(r == 0, "a copy of a begun stream: %s", ZSTD_getErrorName(r));
    params.cParams.windowLog = 99;
    ignore(ZSTD_compress_advanced(b, sink, sizeof(sink), text, 1000, NULL, 0,
                                  params));
    r = ZSTD_copyCCtx(d, b, 0);
    CHECK(ZSTD_isError(r), "a copy of a window left unknown: %s",
          ZSTD_getErrorName(r));
    r = ZSTD_compressContinue(b, sink, sizeof(sink), text, 1000);
    CHECK(ZSTD_isError(r), "a frame over a window left unknown: %s",
          ZSTD_getErrorName(r));

    printf("now: a copy's frame after a call that failed (a piece far "
           "away: %s)\n", far ? "yes" : "none could be mapped");
    for (int i = 0; i < 2; i++) {
        const uint8_t *piece = i && far ? far : text + 30000;

        r = ZSTD_copyCCtx(b, a, 0);
        CHECK(r == 0, "a copy of a begun stream: %s", ZSTD_getErrorName(r));
        r = ZSTD_compressContinue(b, sink, sizeof(sink), text, 5000);
        CHECK(!ZSTD_isError(r), "a copy's first piece: %s",
              ZSTD_getErrorName(r));
        if (far) {
            memcpy(far, text + 5000, 5000);
        }
        /* No room for the piece's block: libzstd may have taken it. */
        r = ZSTD_compressContinue(b, sink, 8, piece, 5000);
        CHECK(ZSTD_isError(r), "a piece with no room: %s",
              ZSTD_getErrorName(r));
        /* libzstd would go on, over a window the host no longer knows. */
        r = ZSTD_compressContinue(b, sink, sizeof(sink), text + 10000, 5000);
        CHECK(ZSTD_isError(r), "a frame after a piece that failed: %s",
              ZSTD_getErrorName(r));
        r = ZSTD_compressBlock(b, sink, sizeof(sink), text, 1000);
        CHECK(ZSTD_isError(r), "a block after a piece that failed: %s",
              ZSTD_getErrorName(r));
        ignore(ZSTD_compressEnd(b, sink, sizeof(sink), text, 1000));
    }

    announce("a copy of a copy that made a block");
    r = ZSTD_copyCCtx(b, a, 0);
    ignore(ZSTD_compressBlock(b, sink, sizeof(sink), text, 1000));
    r = ZSTD_isError(r) ? r : ZSTD_copyCCtx(d, b, 0);
    CHECK(ZSTD_isError(r), "a copy of a copy that made a block: %s",
          ZSTD_getErrorName(r));
    ZSTD_freeCCtx(a);
    ZSTD_freeCCtx(b);
    ZSTD_freeCCtx(c);
    ZSTD_freeCCtx(d);
    ZSTD_freeCCtx(e);
    if (far) {
        munmap(far, 1 << 16);
    }
}

/*
 * A stream a one-shot lost: 1.5.4 leaves it begun with no input buffer,
 * and going on with it writes through a null pointer (a program on its
 * own libzstd crashes; on the host, QEMU would). Refused until a reset,
 * whether the one-shot made a frame or failed; a stream the one-shot did
 * not meet (none begun, or ended) goes on.
 */
static void lost_streams(void)
{
    ZSTD_parameters params = ZSTD_getParams(1, 0, 0);
    ZSTD_DCtx *d = ZSTD_createDCtx();
    size_t r;

    for (int i = 0; i < 2; i++) {
        ZSTD_CCtx *c = level1_cctx();
        ZSTD_inBuffer in = { text, 1000, 0 };
        ZSTD_outBuffer out = { sink, sizeof(sink), 0 };

        announce(i ? "a stream a failed one-shot lost"
                   : "a stream a one-shot lost");
        ignore(COUNT(E_CSTREAM2, 1,
                     ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue)));
        r = i ? ZSTD_compress_advanced(c, sink, 8, text, 5000, NULL, 0,
                                       params)
              : ZSTD_compressCCtx(c, sink, sizeof(sink), text, 5000, 1);
        CHECK(i ? ZSTD_isError(r) : !ZSTD_isError(r), "the one-shot: %s",
              ZSTD_getErrorName(r));
        in = (ZSTD_inBuffer){ text + 1000, 30000, 0 };
        r = COUNT(E_CSTREAM2, 1,
                  ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue));
        CHECK(ZSTD_isError(r), "going on with a lost stream: %s",
              ZSTD_getErrorName(r));
        r = ZSTD_endStream(c, &out);
        CHECK(ZSTD_isError(r), "ending a lost stream: %s",
              ZSTD_getErrorName(r));
        /* A reset begins a stream that works. */
        ignore(ZSTD_CCtx_reset(c, ZSTD_reset_session_only));
        in = (ZSTD_inBuffer){ text, 20000, 0 };
        out = (ZSTD_outBuffer){ sink, sizeof(sink), 0 };
        r = COUNT(E_CSTREAM2, 1,
                  ZSTD_compressStream2(c, &out, &in, ZSTD_e_end));
        CHECK(r == 0 && decodes_text(d, out.pos),
              "a stream after the reset: %s", ZSTD_getErrorName(r));
        /* A one-shot between two whole streams loses nothing. */
        r = ZSTD_compressCCtx(c, sink, sizeof(sink), text, 5000, 1);
        in = (ZSTD_inBuffer){ text, 20000, 0 };
        out = (ZSTD_outBuffer){ sink, sizeof(sink), 0 };
        r = ZSTD_isError(r) ? r
                            : COUNT(E_CSTREAM2, 1,
                                    ZSTD_compressStream2(c, &out, &in,
                                                         ZSTD_e_end));
        CHECK(r == 0 && decodes_text(d, out.pos),
              "a stream after a one-shot: %s", ZSTD_getErrorName(r));
        ZSTD_freeCCtx(c);
    }
    ZSTD_freeDCtx(d);
}

static void trusted_lengths(void)
{
    size_t sizes[16];
    ZSTD_CCtx *c;

    for (int i = 0; i < 16; i++) {
        sizes[i] = 1000;
    }
    prefix_replaced_mid_frame();

    /* 1.5.4 keeps the array and collects into it at each later frame. */
    announce("sequences collected past the array generateSequences had");
    c = level1_cctx();
    ignore(ZSTD_generateSequences(c, (ZSTD_Sequence *)(gone_page - 32), 2,
                                  text, 1));
    ignore(COUNT(E_COMPRESS2, 1,
                 ZSTD_compress2(c, sink, sizeof(sink), text, sizeof(text))));
    ZSTD_freeCCtx(c);

    /* The content is the buffer's last bytes: here, before it. */
    announce("dictionary content larger than its buffer");
    ignore(ZDICT_addEntropyTablesFromBuffer(island + page, 2 * page, page,
                                            text, sizes, 16));
    /* The tables go after an 8-byte header, whatever the capacity. */
    announce("a dictionary buffer smaller than its header");
    ignore(ZDICT_addEntropyTablesFromBuffer(island + 2 * page - 4, 2, 4,
                                            text, sizes, 16));

    /* libzstd checks a digested dictionary's parameters nowhere. */
    announce("a dictionary digested for a strategy that does not exist");
    {
        ZSTD_compressionParameters cp = ZSTD_getCParams(1, 0, 4096);
        ZSTD_CDict *cd;

        cp.strategy = (ZSTD_strategy)200;
        cd = text_cdict(cp, ZSTD_defaultCMem);
        c = level1_cctx();
        ignore(ZSTD_compress_usingCDict(c, sink, sizeof(sink), text, 20000,
                                        cd));
        ZSTD_freeCCtx(c);
        ZSTD_freeCDict(cd);
    }

    /* Lengths summed in 32 bits: 0xffffffff + 5 counts as 4 bytes. */
    announce("sequences whose lengths wrap");
    {
        ZSTD_Sequence seqs[2] = { { 1, 0xffffffffu, 5, 0 }, { 0, 0, 0, 0 } };

        c = level1_cctx();
        COUNT(E_SET_PARAM, 1,
              ZSTD_CCtx_setParameter(c, ZSTD_c_blockDelimiters,
                                     ZSTD_sf_explicitBlockDelimiters));
        ignore(ZSTD_compressSequences(c, sink, sizeof(sink), seqs, 2,
                                      island + page, 100));
        ZSTD_freeCCtx(c);
    }
}

/*
 * A normal round trip, one-shot and streamed, after a sequence producer
 * (guest code) was given to the context: refused on the host, which then
 * compresses as it would without.
 */
static void roundtrip(int host)
{
    const size_t n = 300000;
    uint8_t *src = make_text(n), *comp = malloc(ZSTD_compressBound(n));
    uint8_t *out = malloc(n + 1);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_DCtx *d = ZSTD_createDCtx();
    ZSTD_inBuffer in = { src, 0, 0 };
    ZSTD_outBuffer ob = { comp, ZSTD_compressBound(n), 0 };
    size_t cn, r;

    CHECK(on_host(c) == host && on_host(d) == host, "objects' side");
    COUNT(E_SET_PARAM, on_host(c),
          ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3));
    COUNT(E_SET_PARAM, on_host(c),
          ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1));
    do {
        in.size = in.size + 10007 < n ? in.size + 10007 : n;
        r = COUNT(E_CSTREAM2, on_host(c),
                  ZSTD_compressStream2(c, &ob, &in, in.size < n
                                                        ? ZSTD_e_continue
                                                        : ZSTD_e_end));
    } while (!ZSTD_isError(r) && (in.pos < n || r));
    CHECK(!ZSTD_isError(r) && ob.pos > 0 && ob.pos < n / 2,
          "streamed compression: %s, %zu bytes", ZSTD_getErrorName(r),
          ob.pos);
    cn = ob.pos;
    in = (ZSTD_inBuffer){ comp, 0, 0 };
    ob = (ZSTD_outBuffer){ out, 0, 0 };
    do {
        /* Odd pieces each way: many calls through the stream. */
        in.size = in.size + 1111 < cn ? in.size + 1111 : cn;
        ob.size = ob.size + 7777 < n + 1 ? ob.size + 7777 : n + 1;
        r = COUNT(E_DSTREAM, on_host(d), ZSTD_decompressStream(d, &ob, &in));
    } while (!ZSTD_isError(r) && r && counted[E_DSTREAM] < 100000);
    CHECK(r == 0 && ob.pos == n && !memcmp(out, src, n),
          "streamed decompression: %s, %zu bytes", ZSTD_getErrorName(r),
          ob.pos);

    cn = COUNT(E_COMPRESS2, on_host(c),
               ZSTD_compress2(c, comp, ZSTD_compressBound(n), src, n));
    r = COUNT(E_DECOMPRESS, 1, ZSTD_decompress(out, n + 1, comp, cn));
    CHECK(r == n && !memcmp(out, src, n), "compress2: %s, %s",
          ZSTD_getErrorName(cn), ZSTD_getErrorName(r));
    cn = COUNT(E_COMPRESS, 1,
               ZSTD_compress(comp, ZSTD_compressBound(n), src, n, 19));
    r = COUNT(E_DECOMPRESS, 1, ZSTD_decompress(out, n + 1, comp, cn));
    CHECK(r == n && !memcmp(out, src, n), "compress level 19: %s, %s",
          ZSTD_getErrorName(cn), ZSTD_getErrorName(r));
    CHECK(ZSTD_freeCCtx(c) == 0 && ZSTD_freeDCtx(d) == 0, "frees");

    for (int e = 0; e < E_COUNTED; e++) {
        printf("expect %s_HTL %ld\n", entry_names[e], counted[e]);
    }
    free(src);
    free(comp);
    free(out);
}

/* The bad pointers, into bad_memory.h's pages (mapped first). */
static void set_bad_pointers(void)
{
    map_bad_memory();
    bad[0] = NULL;
    bad[1] = unmapped;
    bad[2] = gone_page;
    bad[3] = ro_page;
    bad[4] = (void *)(uintptr_t)16;
    bad[5] = edge_page + page - 8;
}

/* The host-only hostile calls, in turn. */
static HostileStep *const steps[] = {
    forged_handles, wrong_kinds, stale_handles, bad_stream_buffers,
    bad_one_shot, bad_dictionaries, bad_training, allocators,
    refused_settings, hostile_producers, hostile_copies, stale_windows,
    lost_streams, racing_threads, trusted_lengths, NULL,
};

int main(void)
{
    ZSTD_CCtx *probe;
    int host;

    setvbuf(stdout, NULL, _IOLBF, 0);
    set_bad_pointers();
    fill_text(text, sizeof(text));
    packed_len = COUNT(E_COMPRESS, 1,
                       ZSTD_compress(packed, sizeof(packed), text, 16384, 1));
    CHECK(!ZSTD_isError(packed_len), "the test frame: %s",
          ZSTD_getErrorName(packed_len));

    probe = ZSTD_createCCtx();
    host = on_host(probe);
    ZSTD_freeCCtx(probe);
    return run_hostile("libzstd", "objects", host, steps, &hostile_calls,
                       roundtrip, &failures);
}
