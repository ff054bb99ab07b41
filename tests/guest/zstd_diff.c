/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test program for libzstd: the same calls on the same
 * inputs, and a transcript of what a program can observe of them that is
 * the same on any libzstd of one version: return codes (error names),
 * sizes, FNV-1a hashes of frames, decoded data and trained dictionaries,
 * and the positions each streaming call leaves (the first calls of a
 * stream printed, all of them folded into a hash). Memory sizes
 * (ZSTD_sizeof_*, the estimates) differ between builds: only that they
 * are nonzero is printed.
 *
 * It covers the one-shot functions at several levels; contexts with
 * their parameters (set, read back, reset, whole compression parameter
 * sets, parameter objects) and every compressor and decompressor entry,
 * the deprecated initCStream and initDStream families included; streams
 * in odd step sizes with flushes, through compressStream2, its simpleArgs
 * twin and the old compressStream/flushStream/endStream; every dictionary
 * trainer, finalizeDictionary and addEntropyTablesFromBuffer; digested
 * dictionaries, loaded and referenced ones, prefixes; the magicless
 * format; copied contexts; sequences generated (on a context in the
 * program's workspace: the guest's libzstd) and compressed; a sequence
 * producer of the program's (frames from its sequences, its calls
 * counted, its errors with and without libzstd's fallback); two worker
 * threads with a fixed job size; a 128 MB window (windowLog 27,
 * long distance matching) against the decoder's window limits; contexts
 * on the program's own allocator, and the contexts, streams,
 * dictionaries, sequences, producers and workers above again with every
 * object made on it (a counting allocator, whose blocks must all come
 * back, and which the workers must have been asked for blocks from
 * threads of their own; not the copies, which the host refuses for such
 * contexts: libs/zstd/spec.h);
 * and errors: corrupt, truncated and
 * foreign data, small destinations, parameters out of their bounds and
 * changed mid-frame. Where the GTL has its objects on the host, a
 * dictionary is freed while a context still references it (the host
 * keeps it alive; the program prints only if the frame differs). The
 * test script requires the transcripts of passthrough, fallback and the
 * guest's own libzstd to be identical; the last line is END.
 *
 * usage: zstd_diff DIR [quick]   (DIR: unused, libzstd has no file
 *                                 functions; quick: fewer levels)
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#define ZDICT_DISABLE_DEPRECATE_WARNINGS
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "test_data.h"

static int quick;

/* Frames and decoded data: room for the largest input and its bound. */
#define ROOM (1 << 21)
static uint8_t frame[ROOM], back[ROOM];

/*
 * Levels whose frames 1.5.4 (the host's) and 1.5.7 (riscv64 guests') make
 * alike: the fast strategy's, up to 2, and the binary trees' at their own
 * levels 11 to 15; not the default level 3, nor the lazy ones, nor 16 and
 * up (their parsers changed). Contexts get LEVEL, not the default.
 */
#define LEVEL 2
#define HIGH_LEVEL 13

#define SHOWN 3            /* calls of a stream printed in full */
#define MAX_CALLS 400000   /* a stream that never ends is stopped here */

/*
 * The allocator the objects below are made with: libzstd's (NULL), or in
 * the second pass the program's, so that every call on them runs with
 * it (on the host: the calls that pause for it).
 */
static const ZSTD_customMem *own_mem;

/*
 * The second pass's allocator: test_data's counting one, which also
 * counts the blocks asked on threads other than main's (libzstd's
 * workers take theirs on their own threads).
 */
static pthread_t main_thread;
static long other_thread_allocs;

static void *thread_counted_alloc(void *opaque, size_t size)
{
    if (!pthread_equal(pthread_self(), main_thread)) {
        __atomic_add_fetch(&other_thread_allocs, 1, __ATOMIC_RELAXED);
    }
    return counted_alloc(opaque, size);
}

static ZSTD_customMem mem_now(void)
{
    return own_mem ? *own_mem : ZSTD_defaultCMem;
}

static ZSTD_CCtx *new_cctx(void)
{
    return own_mem ? ZSTD_createCCtx_advanced(*own_mem) : ZSTD_createCCtx();
}

static ZSTD_DCtx *new_dctx(void)
{
    return own_mem ? ZSTD_createDCtx_advanced(*own_mem) : ZSTD_createDCtx();
}

static ZSTD_CStream *new_cstream(void)
{
    return own_mem ? ZSTD_createCStream_advanced(*own_mem)
                   : ZSTD_createCStream();
}

static ZSTD_DStream *new_dstream(void)
{
    return own_mem ? ZSTD_createDStream_advanced(*own_mem)
                   : ZSTD_createDStream();
}

static ZSTD_CDict *new_cdict(const void *dict, size_t size, int level)
{
    if (!own_mem) {
        return ZSTD_createCDict(dict, size, level);
    }
    return ZSTD_createCDict_advanced(dict, size, ZSTD_dlm_byCopy,
                                     ZSTD_dct_auto,
                                     ZSTD_getCParams(level, 0, size),
                                     *own_mem);
}

static ZSTD_DDict *new_ddict(const void *dict, size_t size)
{
    if (!own_mem) {
        return ZSTD_createDDict(dict, size);
    }
    return ZSTD_createDDict_advanced(dict, size, ZSTD_dlm_byCopy,
                                     ZSTD_dct_auto, *own_mem);
}

/* The GTL's host objects are handles with bit 63 set. */
static int on_host(const void *obj)
{
    return (int)((uintptr_t)obj >> 63);
}

static size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* A size_t result as printed: the error's name, or the number. Four
 * buffers: up to four results in one line. */
static const char *res(size_t r)
{
    static char text[4][24];
    static int next;
    char *t;

    if (ZSTD_isError(r)) {
        return ZSTD_getErrorName(r);
    }
    t = text[next++ % 4];
    snprintf(t, sizeof(text[0]), "%zu", r);
    return t;
}

/* A compressor's result: its error, or the frame's length and hash. */
static void frame_line(const char *what, size_t r, const uint8_t *f)
{
    if (ZSTD_isError(r)) {
        emit("%s: %s", what, ZSTD_getErrorName(r));
    } else {
        emit("%s: frame %zu fnv=%016" PRIx64, what, r, fnv(f, r));
    }
}

/* A decompressor's result in back: its error, or the bytes and whether
 * they are want's. */
static void data_line(const char *what, size_t r, const Input *want)
{
    if (ZSTD_isError(r)) {
        emit("%s: %s", what, ZSTD_getErrorName(r));
        return;
    }
    emit("%s: data %zu fnv=%016" PRIx64 " same=%d", what, r, fnv(back, r),
         want ? r == want->len && !memcmp(back, want->data, r) : -1);
}

/* One-shot decoding of a frame (no dictionary) into back; n may be the
 * compressor's error, then nothing is decoded. */
static void decode_line(const char *what, const uint8_t *f, size_t n,
                        const Input *want)
{
    if (ZSTD_isError(n)) {
        emit("%s: no frame to decode", what);
        return;
    }
    data_line(what, ZSTD_decompress(back, sizeof(back), f, n), want);
}

/* A memory size: libzstd's own business, only checked to be nonzero. */
static void size_line(const char *what, size_t n)
{
    emit("%s: %s", what, n && !ZSTD_isError(n) ? "nonzero" : res(n));
}

/*
 * The calls of one stream: the first SHOWN printed, and every one's
 * result and positions folded into a hash.
 */
typedef struct Trace {
    const char *what;
    int calls, shown;
    uint64_t hash;
} Trace;

static void trace_start(Trace *t, const char *what)
{
    t->what = what;
    t->calls = 0;
    t->shown = SHOWN;
    t->hash = 0x6a09e667f3bcc908ULL;
}

static void trace_call(Trace *t, size_t r, size_t in_pos, size_t out_pos)
{
    uint64_t rec[4] = { r, in_pos, out_pos, (uint64_t)t->calls };

    if (t->calls++ < t->shown) {
        emit("%s call %d: %s in=%zu out=%zu", t->what, t->calls, res(r),
             in_pos, out_pos);
    }
    t->hash = (t->hash ^ fnv(rec, sizeof(rec))) * 0x100000001b3ULL;
}

static void trace_end(const Trace *t, size_t r)
{
    emit("%s: %d calls, last %s, trace=%016" PRIx64, t->what, t->calls,
         res(r), t->hash);
}

/* How a stream is fed: bytes in and room out a call at most, a flush
 * every n-th call (0: none), and through which functions. */
enum { VIA_STREAM2, VIA_SIMPLE, VIA_OLD };
static const char *const via_names[] = { "stream2", "simpleArgs", "old" };

typedef struct Steps {
    size_t in, out;
    int flush_every;
    int via;
} Steps;

static size_t cstream_call(ZSTD_CCtx *c, int via, ZSTD_outBuffer *out,
                           ZSTD_inBuffer *in, ZSTD_EndDirective op)
{
    switch (via) {
    case VIA_SIMPLE:
        return ZSTD_compressStream2_simpleArgs(c, out->dst, out->size,
                                               &out->pos, in->src, in->size,
                                               &in->pos, op);
    case VIA_OLD:
        if (op == ZSTD_e_continue) {
            return ZSTD_compressStream(c, out, in);
        }
        return op == ZSTD_e_flush ? ZSTD_flushStream(c, out)
                                  : ZSTD_endStream(c, out);
    default:
        return ZSTD_compressStream2(c, out, in, op);
    }
}

/*
 * Compresses src into frame on c, as st says, to the frame's end; returns
 * its length or the error. A flush (and the end) is driven until libzstd
 * has nothing left to flush.
 */
static size_t squeeze(Trace *t, ZSTD_CCtx *c, const Input *src,
                      const Steps *st)
{
    ZSTD_inBuffer in = { src->data, 0, 0 };
    ZSTD_outBuffer out = { frame, 0, 0 };
    size_t r = 0;

    for (int n = 1; in.pos < src->len && t->calls < MAX_CALLS; n++) {
        int flush = st->flush_every && n % st->flush_every == 0;

        in.size = smaller(src->len, in.pos + st->in);
        do {
            out.size = smaller(sizeof(frame), out.pos + st->out);
            r = cstream_call(c, st->via, &out, &in,
                             flush ? ZSTD_e_flush : ZSTD_e_continue);
            trace_call(t, r, in.pos, out.pos);
        } while (flush && r && !ZSTD_isError(r) && t->calls < MAX_CALLS);
        if (ZSTD_isError(r)) {
            return r;
        }
    }
    in.size = src->len;
    do {
        out.size = smaller(sizeof(frame), out.pos + st->out);
        r = cstream_call(c, st->via, &out, &in, ZSTD_e_end);
        trace_call(t, r, in.pos, out.pos);
    } while (r && !ZSTD_isError(r) && t->calls < MAX_CALLS);
    return ZSTD_isError(r) ? r : out.pos;
}

/*
 * Decompresses n bytes of src into back on d, st->in and st->out bytes a
 * call at most, until an error, the end of the input at a frame's end,
 * or a call that makes no progress (truncated input). Returns the last
 * result; *made: the bytes decoded.
 */
static size_t unsqueeze(Trace *t, ZSTD_DCtx *d, const uint8_t *src,
                        size_t n, const Steps *st, size_t *made)
{
    ZSTD_inBuffer in = { src, 0, 0 };
    ZSTD_outBuffer out = { back, 0, 0 };
    size_t r;

    for (;;) {
        size_t was_in = in.pos, was_out = out.pos;

        in.size = smaller(n, in.pos + st->in);
        out.size = smaller(sizeof(back), out.pos + st->out);
        if (st->via == VIA_SIMPLE) {
            r = ZSTD_decompressStream_simpleArgs(d, out.dst, out.size,
                                                 &out.pos, in.src, in.size,
                                                 &in.pos);
        } else {
            r = ZSTD_decompressStream(d, &out, &in);
        }
        trace_call(t, r, in.pos, out.pos);
        if (ZSTD_isError(r) || (!r && in.pos == n) ||
            t->calls >= MAX_CALLS ||
            (in.pos == was_in && out.pos == was_out)) {
            break;
        }
    }
    *made = out.pos;
    return r;
}

/* A stream's decoding on d (already set up) with its result lines. */
static void unsqueeze_lines(const char *what, ZSTD_DCtx *d,
                            const uint8_t *src, size_t n, const Steps *st,
                            const Input *want)
{
    Trace t;
    size_t made, r;

    trace_start(&t, what);
    r = unsqueeze(&t, d, src, n, st, &made);
    trace_end(&t, r);
    data_line(what, made, want);
}

/* A stream's compression on c (already set up) with its result line;
 * returns the frame's length (0 on an error). */
static size_t squeeze_lines(const char *what, ZSTD_CCtx *c,
                            const Input *src, const Steps *st)
{
    Trace t;
    size_t r;

    trace_start(&t, what);
    r = squeeze(&t, c, src, st);
    trace_end(&t, r);
    frame_line(what, r, frame);
    return ZSTD_isError(r) ? 0 : r;
}

/* ZSTD_compress and ZSTD_decompress at several levels. */
static void one_shot(const Input *in)
{
    static const int levels[] = { -5, 1, LEVEL, HIGH_LEVEL };
    int nlevels = quick ? 3 : 4;
    char what[96];

    for (int i = 0; i < nlevels; i++) {
        size_t r = ZSTD_compress(frame, sizeof(frame), in->data, in->len,
                                 levels[i]);

        snprintf(what, sizeof(what), "compress %s level %d", in->name,
                 levels[i]);
        frame_line(what, r, frame);
        if (ZSTD_isError(r)) {
            continue;
        }
        emit("%s: content size %llu", what,
             ZSTD_getFrameContentSize(frame, r));
        decode_line(what, frame, r, in);
        /* Exactly enough room, and one byte short. */
        data_line(what, ZSTD_decompress(back, in->len, frame, r), in);
        if (in->len) {
            data_line(what, ZSTD_decompress(back, in->len - 1, frame, r),
                      in);
        }
    }
}

/* One parameter set to v (setting it gave r), and what reading it back
 * gave (g, and the value got). */
static void param_line(const char *what, const char *name, int v, size_t r,
                       size_t g, int got)
{
    emit("%s: set %s=%d: %s, get %s: %d", what, name, v, res(r), res(g),
         got);
}

/* Parameter p set on obj through set, and read back through get. */
#define SET_PARAM_OF(what, set, get, obj, p, v)                             \
    do {                                                                    \
        int got_ = -12345;                                                  \
        size_t r_ = set(obj, p, v);                                         \
        size_t g_ = get(obj, p, &got_);                                     \
                                                                            \
        param_line(what, #p, v, r_, g_, got_);                              \
    } while (0)
/* On a compression context, a decompression one, parameters. */
#define SET_PARAM(what, c, p, v)                                            \
    SET_PARAM_OF(what, ZSTD_CCtx_setParameter, ZSTD_CCtx_getParameter, c,   \
                 p, v)
#define SET_DPARAM(what, d, p, v)                                           \
    SET_PARAM_OF(what, ZSTD_DCtx_setParameter, ZSTD_DCtx_getParameter, d,   \
                 p, v)
#define SET_PPARAM(what, o, p, v)                                           \
    SET_PARAM_OF(what, ZSTD_CCtxParams_setParameter,                        \
                 ZSTD_CCtxParams_getParameter, o, p, v)

/*
 * Compression contexts: every one-shot compressor of a context, the
 * parameters, whole parameter sets and resets. Not the lazy strategies:
 * their frames changed after 1.5.4, and where ZSTD_c_useRowMatchFinder
 * is left to libzstd, the build's SIMD chooses their match finder.
 */
static void contexts(const Input *in, const Input *dict)
{
    ZSTD_CCtx *c = new_cctx();
    ZSTD_parameters params;
    char what[96];
    size_t r;

    emit("cctx: made %d", c != NULL);
    for (int level = -1; level <= LEVEL; level += level < 0 ? 2 : 1) {
        snprintf(what, sizeof(what), "compressCCtx %s level %d", in->name,
                 level);
        r = ZSTD_compressCCtx(c, frame, sizeof(frame), in->data, in->len,
                              level);
        frame_line(what, r, frame);
        emit("%s: block size %s", what, res(ZSTD_getBlockSize(c)));
    }
    size_line("sizeof_CCtx", ZSTD_sizeof_CCtx(c));
    size_line("sizeof_CStream", ZSTD_sizeof_CStream(c));

    SET_PARAM("compress2", c, ZSTD_c_compressionLevel, 2);
    SET_PARAM("compress2", c, ZSTD_c_checksumFlag, 1);
    SET_PARAM("compress2", c, ZSTD_c_windowLog, 18);
    SET_PARAM("compress2", c, ZSTD_c_contentSizeFlag, 0);
    /* Renumbered in 1.5.6: the GTL gives the host (1.5.4) its number. */
    SET_PARAM("compress2", c, ZSTD_c_targetCBlockSize, 2000);
    SET_PARAM("compress2", c, ZSTD_c_targetCBlockSize, 0);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("compress2 level 2 checksum window 18", r, frame);
    emit("compress2: content size %llu block size %s",
         ZSTD_getFrameContentSize(frame, r), res(ZSTD_getBlockSize(c)));
    decode_line("compress2", frame, r, in);

    /* The fast strategy and the binary trees on LEVEL's tables. */
    for (int s = ZSTD_fast; s <= ZSTD_btultra2; s++) {
        if ((s > ZSTD_fast && s < ZSTD_btlazy2) ||
            (quick && s >= ZSTD_btopt)) {
            continue;
        }
        ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
        ZSTD_CCtx_setParameter(c, ZSTD_c_strategy, s);
        r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
        snprintf(what, sizeof(what), "strategy %d", s);
        frame_line(what, r, frame);
    }

    /* Levels as whole parameter sets. */
    for (int level = 1; level <= HIGH_LEVEL; level += HIGH_LEVEL - 1) {
        ZSTD_compressionParameters cp = ZSTD_getCParams(level, in->len, 0);

        ZSTD_CCtx_reset(c, ZSTD_reset_parameters);
        emit("setCParams level %d: %s", level,
             res(ZSTD_CCtx_setCParams(c, cp)));
        r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
        snprintf(what, sizeof(what), "setCParams level %d", level);
        frame_line(what, r, frame);
    }
    /* A set out of bounds is refused whole. */
    {
        ZSTD_compressionParameters cp = ZSTD_getCParams(3, 0, 0);

        cp.windowLog = 40;
        emit("setCParams window 40: %s", res(ZSTD_CCtx_setCParams(c, cp)));
    }

    /* Resets: the session only keeps the parameters. */
    SET_PARAM("reset", c, ZSTD_c_compressionLevel, 9);
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    SET_PARAM("after session reset", c, ZSTD_c_checksumFlag, 0);
    emit("reset parameters: %s",
         res(ZSTD_CCtx_reset(c, ZSTD_reset_parameters)));
    SET_PARAM("after parameter reset", c, ZSTD_c_compressionLevel, 0);

    /* The older one-shot compressors: a raw dictionary, parameters. */
    r = ZSTD_compress_usingDict(c, frame, sizeof(frame), in->data, in->len,
                                dict->data, dict->len, LEVEL);
    frame_line("compress_usingDict", r, frame);
    data_line("compress_usingDict, no dictionary to decode",
              ZSTD_decompress(back, sizeof(back), frame, r), in);
    params = ZSTD_getParams(2, in->len, dict->len);
    params.fParams.checksumFlag = 1;
    params.fParams.noDictIDFlag = 1;
    r = ZSTD_compress_advanced(c, frame, sizeof(frame), in->data, in->len,
                               dict->data, dict->len, params);
    frame_line("compress_advanced level 2", r, frame);
    r = ZSTD_compress_advanced(c, frame, sizeof(frame), in->data, in->len,
                               NULL, 0, params);
    frame_line("compress_advanced no dictionary", r, frame);
    decode_line("compress_advanced no dictionary", frame, r, in);
    params.cParams.minMatch = 2;
    r = ZSTD_compress_advanced(c, frame, sizeof(frame), in->data, in->len,
                               NULL, 0, params);
    frame_line("compress_advanced minMatch 2", r, frame);
    emit("freeCCtx: %s", res(ZSTD_freeCCtx(c)));
    emit("freeCCtx NULL: %s", res(ZSTD_freeCCtx(NULL)));
}

/* Decompression contexts: one-shot, parameters, the magicless format,
 * checksums ignored, a copied context. */
static void decompression_contexts(const Input *in)
{
    ZSTD_DCtx *d = new_dctx(), *twin = new_dctx();
    ZSTD_CCtx *c = new_cctx();
    int v = -1;
    size_t n;

    n = ZSTD_compress(frame, sizeof(frame), in->data, in->len, 1);
    data_line("decompressDCtx",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    size_line("sizeof_DCtx", ZSTD_sizeof_DCtx(d));
    size_line("sizeof_DStream", ZSTD_sizeof_DStream(d));
    SET_DPARAM("dctx", d, ZSTD_d_windowLogMax, 20);
    SET_DPARAM("dctx", d, ZSTD_d_windowLogMax, 5);
    emit("dctx reset parameters: %s",
         res(ZSTD_DCtx_reset(d, ZSTD_reset_parameters)));
    ZSTD_DCtx_getParameter(d, ZSTD_d_windowLogMax, &v);
    emit("dctx windowLogMax after reset: %d", v);

    /* Magicless frames: only a context told so decodes them. */
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_CCtx_setParameter(c, ZSTD_c_format, ZSTD_f_zstd1_magicless);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("magicless", n, frame);
    data_line("magicless, default format",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    emit("setFormat magicless: %s",
         res(ZSTD_DCtx_setFormat(d, ZSTD_f_zstd1_magicless)));
    data_line("magicless, setFormat",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
    emit("d_format magicless: %s",
         res(ZSTD_DCtx_setParameter(d, ZSTD_d_format,
                                    ZSTD_f_zstd1_magicless)));
    data_line("magicless, d_format",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    emit("setFormat 7: %s", res(ZSTD_DCtx_setFormat(d, (ZSTD_format_e)7)));

    /* A checksum gone wrong, then ignored. */
    ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_format, ZSTD_f_zstd1);
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame[n - 1] ^= 0x40;
    data_line("bad checksum",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    emit("forceIgnoreChecksum: %s",
         res(ZSTD_DCtx_setParameter(d, ZSTD_d_forceIgnoreChecksum,
                                    ZSTD_d_ignoreChecksum)));
    data_line("bad checksum ignored",
              ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
    frame[n - 1] ^= 0x40;

    /* A copy of a context works as the context did. */
    ZSTD_copyDCtx(twin, d);
    data_line("copyDCtx, the copy",
              ZSTD_decompressDCtx(twin, back, sizeof(back), frame, n), in);
    emit("freeDCtx: %s %s", res(ZSTD_freeDCtx(d)), res(ZSTD_freeDCtx(twin)));
    ZSTD_freeCCtx(c);
}

/* Streams of each input, each plan, and their decoding with the steps
 * swapped (compressed data comes in small). */
static const Steps plans[] = {
    { 1, 1, 0, VIA_STREAM2 },
    { 7, 13, 5, VIA_SIMPLE },
    { 333, 4099, 4, VIA_OLD },
    { 4099, 7, 3, VIA_STREAM2 },
    { 65536, 65537, 1, VIA_SIMPLE },
    { 50000, 200000, 2, VIA_OLD },
};
static const int plan_levels[] = { 1, LEVEL, -1, LEVEL, HIGH_LEVEL, 1 };

static void streams(const Input *in)
{
    ZSTD_CCtx *c = new_cstream();
    ZSTD_DCtx *d = new_dstream();
    char what[128];

    for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
        const Steps *p = &plans[i];
        Steps swapped = { p->out, p->in, 0, p->via };
        ZSTD_frameProgression fp;
        size_t n;

        if ((p->in * p->out < 50 && in->len > 5000) ||
            (quick && plan_levels[i] > LEVEL)) {
            continue;
        }
        snprintf(what, sizeof(what), "stream %s level %d %zu,%zu flush %d %s",
                 in->name, plan_levels[i], p->in, p->out, p->flush_every,
                 via_names[p->via]);
        if (p->via == VIA_OLD) {
            emit("%s: initCStream %s", what,
                 res(ZSTD_initCStream(c, plan_levels[i])));
        } else {
            ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
            ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel,
                                   plan_levels[i]);
        }
        n = squeeze_lines(what, c, in, p);
        fp = ZSTD_getFrameProgression(c);
        emit("%s: consumed %llu produced %llu, to flush %s", what,
             fp.consumed, fp.produced, res(ZSTD_toFlushNow(c)));
        if (p->via == VIA_OLD) {
            emit("%s: initDStream %s", what, res(ZSTD_initDStream(d)));
        } else {
            ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
        }
        unsqueeze_lines(what, d, frame, n, &swapped, in);
    }
    emit("freeCStream: %s", res(ZSTD_freeCStream(c)));
    emit("freeDStream: %s", res(ZSTD_freeDStream(d)));
}

/* The deprecated initCStream family, resetCStream, and a pledged size
 * that the input does not keep. */
static void old_streams(const Input *in, const Input *dict)
{
    static const Steps st = { 5000, 3000, 0, VIA_OLD };
    ZSTD_CStream *c = new_cstream();
    ZSTD_DStream *d = new_dstream();
    ZSTD_CDict *cdict = new_cdict(dict->data, dict->len, LEVEL);
    ZSTD_DDict *ddict = new_ddict(dict->data, dict->len);
    ZSTD_parameters params = ZSTD_getParams(1, in->len, 0);
    ZSTD_frameParameters fparams = { 1, 1, 0 };
    size_t n;

    emit("initCStream_srcSize: %s",
         res(ZSTD_initCStream_srcSize(c, 2, in->len)));
    n = squeeze_lines("initCStream_srcSize", c, in, &st);
    decode_line("initCStream_srcSize", frame, n, in);
    emit("resetCStream: %s", res(ZSTD_resetCStream(c, in->len)));
    n = squeeze_lines("resetCStream", c, in, &st);
    decode_line("resetCStream", frame, n, in);
    emit("resetCStream wrong size: %s",
         res(ZSTD_resetCStream(c, in->len + 1)));
    squeeze_lines("resetCStream wrong size", c, in, &st);

    emit("initCStream_usingDict: %s",
         res(ZSTD_initCStream_usingDict(c, dict->data, dict->len,
                                        LEVEL)));
    n = squeeze_lines("initCStream_usingDict", c, in, &st);
    emit("initDStream_usingDict: %s",
         res(ZSTD_initDStream_usingDict(d, dict->data, dict->len)));
    unsqueeze_lines("initDStream_usingDict", d, frame, n, &st, in);
    emit("initDStream_usingDDict: %s",
         res(ZSTD_initDStream_usingDDict(d, ddict)));
    unsqueeze_lines("initDStream_usingDDict", d, frame, n, &st, in);
    emit("resetDStream: %s", res(ZSTD_resetDStream(d)));
    unsqueeze_lines("resetDStream", d, frame, n, &st, in);

    params.fParams.checksumFlag = 1;
    emit("initCStream_advanced: %s",
         res(ZSTD_initCStream_advanced(c, NULL, 0, params, in->len)));
    n = squeeze_lines("initCStream_advanced", c, in, &st);
    decode_line("initCStream_advanced", frame, n, in);
    emit("initCStream_usingCDict: %s",
         res(ZSTD_initCStream_usingCDict(c, cdict)));
    n = squeeze_lines("initCStream_usingCDict", c, in, &st);
    data_line("initCStream_usingCDict",
              ZSTD_decompress_usingDict(d, back, sizeof(back), frame, n,
                                        dict->data, dict->len), in);
    emit("initCStream_usingCDict_advanced: %s",
         res(ZSTD_initCStream_usingCDict_advanced(c, cdict, fparams,
                                                  in->len)));
    n = squeeze_lines("initCStream_usingCDict_advanced", c, in, &st);
    data_line("initCStream_usingCDict_advanced",
              ZSTD_decompress_usingDDict(d, back, sizeof(back), frame, n,
                                         ddict), in);

    /* Pledged, then more input than that: refused at the end. */
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
    emit("setPledgedSrcSize: %s",
         res(ZSTD_CCtx_setPledgedSrcSize(c, in->len / 2)));
    squeeze_lines("pledged half", c, in, &plans[3]);
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    emit("setPledgedSrcSize exact: %s",
         res(ZSTD_CCtx_setPledgedSrcSize(c, in->len)));
    n = squeeze_lines("pledged exact", c, in, &plans[3]);
    emit("pledged exact: content size %llu",
         ZSTD_getFrameContentSize(frame, n));
    /* The streams first: they reference the dictionaries. */
    ZSTD_freeCStream(c);
    ZSTD_freeDStream(d);
    ZSTD_freeCDict(cdict);
    ZSTD_freeDDict(ddict);
}

/* Samples for the trainers: records alike in shape, different in their
 * values; few and small, so that training is quick under emulation. */
#define SAMPLES 48
#define SAMPLE_ROOM 640
static uint8_t samples[SAMPLES * SAMPLE_ROOM];
static size_t sample_sizes[SAMPLES];

static size_t make_samples(void)
{
    static const char *const arches[] = { "x86_64", "aarch64", "riscv64" };
    uint64_t x = 0x853c49e6748fea9bULL;
    size_t total = 0;

    for (int i = 0; i < SAMPLES; i++) {
        char *p = (char *)samples + total;
        int len = 0;

        test_rand(&x);
        len += snprintf(p + len, SAMPLE_ROOM - len,
                        "{\"id\":%d,\"arch\":\"%s\",\"program\":\"guest-%u\","
                        "\"calls\":[", i, arches[x % 3],
                        (unsigned)(x >> 40) % 97);
        for (int k = 0; k < 3 + (int)(x % 7); k++) {
            len += snprintf(p + len, SAMPLE_ROOM - len,
                            "{\"name\":\"ZSTD_compress%s\",\"bytes\":%u},",
                            k % 2 ? "Stream2" : "CCtx",
                            (unsigned)(test_rand(&x) % 65536));
        }
        len += snprintf(p + len, SAMPLE_ROOM - len, "\"end\"]}\n");
        sample_sizes[i] = (size_t)len;
        total += (size_t)len;
    }
    return total;
}

static void dict_line(const char *what, size_t r, const uint8_t *dict)
{
    if (ZSTD_isError(r)) {
        emit("%s: %s", what, ZDICT_getErrorName(r));
        return;
    }
    emit("%s: dictionary %zu fnv=%016" PRIx64 " id %u header %s", what, r,
         fnv(dict, r), ZDICT_getDictID(dict, r),
         res(ZDICT_getDictHeaderSize(dict, r)));
}

/* Every trainer, and their errors; the finalized dictionary (a
 * dictionary with entropy tables, for the rest) into *out. */
static void trainers(Input *out)
{
    static uint8_t dict[8192];
    size_t total = make_samples(), r;
    ZDICT_cover_params_t cover;
    ZDICT_fastCover_params_t fast;
    ZDICT_legacy_params_t legacy;
    ZDICT_params_t zp;

    emit("samples: %d, %zu bytes, fnv=%016" PRIx64, SAMPLES, total,
         fnv(samples, total));
    r = ZDICT_trainFromBuffer(dict, 4096, samples, sample_sizes, SAMPLES);
    dict_line("trainFromBuffer", r, dict);

    /* The entropy tables' statistics come from frames at a level. */
    cover = (ZDICT_cover_params_t){
        .k = 200, .d = 8, .zParams = { .compressionLevel = LEVEL },
    };
    dict_line("trainFromBuffer_cover k 200 d 8",
              ZDICT_trainFromBuffer_cover(dict, 4096, samples, sample_sizes,
                                          SAMPLES, cover), dict);
    cover.steps = 1;
    cover.nbThreads = 1;
    dict_line("optimizeTrainFromBuffer_cover",
              ZDICT_optimizeTrainFromBuffer_cover(dict, 4096, samples,
                                                  sample_sizes, SAMPLES,
                                                  &cover), dict);
    emit("optimizeTrainFromBuffer_cover: k %u d %u steps %u", cover.k,
         cover.d, cover.steps);

    fast = (ZDICT_fastCover_params_t){
        .k = 200, .d = 8, .f = 16, .accel = 2, .steps = 1, .nbThreads = 1,
        .zParams = { .compressionLevel = LEVEL },
    };
    /* steps and nbThreads: only the optimizer reads them. */
    dict_line("trainFromBuffer_fastCover k 200 d 8 f 16",
              ZDICT_trainFromBuffer_fastCover(dict, 4096, samples,
                                              sample_sizes, SAMPLES, fast),
              dict);
    dict_line("optimizeTrainFromBuffer_fastCover",
              ZDICT_optimizeTrainFromBuffer_fastCover(dict, 4096, samples,
                                                      sample_sizes, SAMPLES,
                                                      &fast), dict);
    emit("optimizeTrainFromBuffer_fastCover: k %u d %u f %u", fast.k,
         fast.d, fast.f);

    memset(&legacy, 0, sizeof(legacy));
    legacy.zParams.compressionLevel = LEVEL;
    r = ZDICT_trainFromBuffer_legacy(dict, 4096, samples, sample_sizes,
                                     SAMPLES, legacy);
    dict_line("trainFromBuffer_legacy", r, dict);

    /* Too little to train on, too little room. */
    r = ZDICT_trainFromBuffer_cover(dict, 4096, samples, sample_sizes, 3,
                                    cover);
    dict_line("cover, 3 samples", r, dict);
    r = ZDICT_trainFromBuffer_legacy(dict, 100, samples, sample_sizes,
                                     SAMPLES, legacy);
    dict_line("legacy, 100 bytes of room", r, dict);
    r = ZDICT_trainFromBuffer_fastCover(dict, 4096, samples, sample_sizes,
                                        SAMPLES, (ZDICT_fastCover_params_t){
                                            .k = 200, .d = 8, .f = 40 });
    dict_line("fastCover f 40", r, dict);

    /* Raw content made a dictionary, with a given and a derived ID. */
    memset(&zp, 0, sizeof(zp));
    zp.compressionLevel = LEVEL;
    zp.dictID = 12345678;
    r = ZDICT_finalizeDictionary(dict, sizeof(dict), samples, 2048, samples,
                                 sample_sizes, SAMPLES, zp);
    dict_line("finalizeDictionary id 12345678", r, dict);
    zp.dictID = 0;
    r = ZDICT_finalizeDictionary(dict, sizeof(dict), samples, 2048, samples,
                                 sample_sizes, SAMPLES, zp);
    dict_line("finalizeDictionary", r, dict);
    out->data = malloc(r);
    memcpy(out->data, dict, r);
    out->len = r;

    /* The tables before content already at the end of the buffer. */
    memcpy(dict + sizeof(dict) - 2048, samples + 1000, 2048);
    r = ZDICT_addEntropyTablesFromBuffer(dict, 2048, sizeof(dict), samples,
                                         sample_sizes, SAMPLES);
    dict_line("addEntropyTablesFromBuffer", r, dict);
}

/* A call's result on a decompression context, then the frame of n bytes
 * decoded with it. */
static void then_decode(const char *what, size_t r, ZSTD_DCtx *d, size_t n,
                        const Input *in)
{
    emit("%s: %s", what, res(r));
    data_line(what, ZSTD_decompressDCtx(d, back, sizeof(back), frame, n), in);
}

/* A call's result on a compression context, then a frame made with it;
 * its size. */
static size_t then_compress(const char *what, size_t r, ZSTD_CCtx *c,
                            const Input *in)
{
    size_t n;

    emit("%s: %s", what, res(r));
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line(what, n, frame);
    return n;
}

/*
 * Dictionaries: digested (every creator, their IDs), loaded, referenced,
 * prefixes; frames made one way decoded another. A wrong dictionary, and
 * none, for a frame that needs one.
 */
static void dictionaries(const Input *in, const Input *dict)
{
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_CCtx_params *cp = ZSTD_createCCtxParams();
    ZSTD_compressionParameters cparams = ZSTD_getCParams(1, 0, dict->len);
    ZSTD_frameParameters fparams = { 1, 1, 1 };
    ZSTD_CDict *cdicts[4];
    ZSTD_DDict *ddicts[3];
    uint8_t wrong[2048];
    char what[96];
    size_t n, r;

    cdicts[0] = new_cdict(dict->data, dict->len, LEVEL);
    cdicts[1] = ZSTD_createCDict_byReference(dict->data, dict->len,
                                             HIGH_LEVEL);
    cdicts[2] = ZSTD_createCDict_advanced(dict->data, dict->len,
                                          ZSTD_dlm_byRef, ZSTD_dct_auto,
                                          cparams, mem_now());
    ZSTD_CCtxParams_init(cp, LEVEL);
    ZSTD_CCtxParams_setParameter(cp, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    cdicts[3] = ZSTD_createCDict_advanced2(dict->data, dict->len,
                                           ZSTD_dlm_byCopy,
                                           ZSTD_dct_fullDict, cp,
                                           mem_now());
    ddicts[0] = new_ddict(dict->data, dict->len);
    ddicts[1] = ZSTD_createDDict_byReference(dict->data, dict->len);
    ddicts[2] = ZSTD_createDDict_advanced(dict->data, dict->len,
                                          ZSTD_dlm_byRef, ZSTD_dct_auto,
                                          mem_now());
    for (int i = 0; i < 4; i++) {
        snprintf(what, sizeof(what), "cdict %d", i);
        emit("%s: made %d id %u", what, cdicts[i] != NULL,
             ZSTD_getDictID_fromCDict(cdicts[i]));
        size_line(what, ZSTD_sizeof_CDict(cdicts[i]));
        r = ZSTD_compress_usingCDict(c, frame, sizeof(frame), in->data,
                                     in->len, cdicts[i]);
        frame_line(what, r, frame);
        emit("%s: frame's dictionary id %u", what,
             ZSTD_getDictID_fromFrame(frame, r));
        for (int k = 0; k < 3; k++) {
            snprintf(what, sizeof(what), "cdict %d ddict %d", i, k);
            data_line(what, ZSTD_decompress_usingDDict(d, back, sizeof(back),
                                                       frame, r, ddicts[k]),
                      in);
        }
    }
    for (int k = 0; k < 3; k++) {
        snprintf(what, sizeof(what), "ddict %d", k);
        emit("%s: made %d id %u", what, ddicts[k] != NULL,
             ZSTD_getDictID_fromDDict(ddicts[k]));
        size_line(what, ZSTD_sizeof_DDict(ddicts[k]));
    }
    r = ZSTD_compress_usingCDict_advanced(c, frame, sizeof(frame), in->data,
                                          in->len, cdicts[0], fparams);
    frame_line("compress_usingCDict_advanced no id", r, frame);
    n = r;
    data_line("usingDict", ZSTD_decompress_usingDict(d, back, sizeof(back),
                                                     frame, n, dict->data,
                                                     dict->len), in);
    data_line("no dictionary", ZSTD_decompressDCtx(d, back, sizeof(back),
                                                   frame, n), in);
    memcpy(wrong, samples + 4000, sizeof(wrong));
    data_line("wrong raw dictionary",
              ZSTD_decompress_usingDict(d, back, sizeof(back), frame, n,
                                        wrong, sizeof(wrong)), in);

    /* Referenced and loaded dictionaries on the contexts. */
    n = then_compress("refCDict", ZSTD_CCtx_refCDict(c, cdicts[0]), c, in);
    then_decode("refDDict", ZSTD_DCtx_refDDict(d, ddicts[0]), d, n, in);
    then_decode("refDDict NULL", ZSTD_DCtx_refDDict(d, NULL), d, n, in);
    then_decode("DCtx_loadDictionary",
                ZSTD_DCtx_loadDictionary(d, dict->data, dict->len), d, n,
                in);
    then_decode("DCtx_loadDictionary_advanced",
                ZSTD_DCtx_loadDictionary_advanced(d, dict->data, dict->len,
                                                  ZSTD_dlm_byRef,
                                                  ZSTD_dct_fullDict),
                d, n, in);
    then_decode("DCtx_loadDictionary_byReference",
                ZSTD_DCtx_loadDictionary_byReference(d, dict->data,
                                                     dict->len),
                d, n, in);
    n = then_compress("refCDict NULL", ZSTD_CCtx_refCDict(c, NULL), c, in);

    then_compress("CCtx_loadDictionary",
                  ZSTD_CCtx_loadDictionary(c, dict->data, dict->len), c, in);
    n = then_compress("CCtx_loadDictionary_advanced raw",
                      ZSTD_CCtx_loadDictionary_advanced(
                          c, dict->data, dict->len, ZSTD_dlm_byRef,
                          ZSTD_dct_rawContent),
                      c, in);
    then_decode("DCtx_loadDictionary_advanced raw",
                ZSTD_DCtx_loadDictionary_advanced(d, dict->data, dict->len,
                                                  ZSTD_dlm_byCopy,
                                                  ZSTD_dct_rawContent),
                d, n, in);
    then_compress("CCtx_loadDictionary_byReference",
                  ZSTD_CCtx_loadDictionary_byReference(c, dict->data,
                                                       dict->len),
                  c, in);
    emit("CCtx_loadDictionary NULL: %s",
         res(ZSTD_CCtx_loadDictionary(c, NULL, 0)));
    emit("DCtx_loadDictionary NULL: %s",
         res(ZSTD_DCtx_loadDictionary(d, NULL, 0)));

    /* Prefixes: for one frame only, the same on both sides. */
    n = then_compress("CCtx_refPrefix", ZSTD_CCtx_refPrefix(c, samples, 6000),
                      c, in);
    then_decode("DCtx_refPrefix", ZSTD_DCtx_refPrefix(d, samples, 6000), d,
                n, in);
    data_line("prefix gone", ZSTD_decompressDCtx(d, back, sizeof(back),
                                                 frame, n), in);
    n = then_compress("CCtx_refPrefix_advanced",
                      ZSTD_CCtx_refPrefix_advanced(c, dict->data, dict->len,
                                                   ZSTD_dct_rawContent),
                      c, in);
    then_decode("DCtx_refPrefix_advanced",
                ZSTD_DCtx_refPrefix_advanced(d, dict->data, dict->len,
                                             ZSTD_dct_rawContent),
                d, n, in);
    frame_line("after the prefix",
               ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len),
               frame);

    for (int i = 0; i < 4; i++) {
        emit("freeCDict %d: %s", i, res(ZSTD_freeCDict(cdicts[i])));
    }
    for (int k = 0; k < 3; k++) {
        emit("freeDDict %d: %s", k, res(ZSTD_freeDDict(ddicts[k])));
    }
    ZSTD_freeCCtxParams(cp);
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/*
 * A dictionary freed while a context references it: the real libzstd
 * would read freed memory, so only where the GTL's objects are on the
 * host, which keeps it alive. Silent unless a frame differs from one made
 * before the free.
 */
static void freed_dictionaries(const Input *in, const Input *dict)
{
    static uint8_t want[ROOM];
    static const Steps st = { 10000, 10000, 0, VIA_OLD };
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_CDict *cdict;
    ZSTD_DDict *ddict;
    size_t wn, n;
    Trace t;

    if (!on_host(c) || !on_host(d)) {
        ZSTD_freeCCtx(c);
        ZSTD_freeDCtx(d);
        return;
    }
    cdict = new_cdict(dict->data, dict->len, LEVEL);
    wn = ZSTD_compress_usingCDict(c, want, sizeof(want), in->data, in->len,
                                  cdict);
    ZSTD_CCtx_refCDict(c, cdict);
    ZSTD_freeCDict(cdict);
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    if (n != wn || memcmp(frame, want, n)) {
        emit("freed cdict, refCDict: frame %s differs", res(n));
    }
    cdict = new_cdict(dict->data, dict->len, LEVEL);
    ZSTD_initCStream_usingCDict(c, cdict);
    ZSTD_freeCDict(cdict);
    trace_start(&t, "freed cdict, stream");
    t.shown = 0;
    n = squeeze(&t, c, in, &st);
    if (ZSTD_isError(n) ||
        ZSTD_decompress_usingDict(d, back, sizeof(back), frame, n,
                                  dict->data, dict->len) != in->len) {
        emit("freed cdict, initCStream_usingCDict: %s", res(n));
    }
    ddict = new_ddict(dict->data, dict->len);
    ZSTD_DCtx_refDDict(d, ddict);
    ZSTD_freeDDict(ddict);
    n = ZSTD_decompressDCtx(d, back, sizeof(back), want, wn);
    if (n != in->len || memcmp(back, in->data, n)) {
        emit("freed ddict, refDDict: %s", res(n));
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/* Parameter objects: set, read, reset, estimated, applied; a dictionary
 * digested with them. */
static void parameter_objects(const Input *in)
{
    ZSTD_CCtx_params *p = ZSTD_createCCtxParams();
    ZSTD_CCtx *c = new_cctx();
    ZSTD_parameters params = ZSTD_getParams(1, in->len, 0);
    int v = -1;
    size_t r;

    emit("CCtxParams_init: %s", res(ZSTD_CCtxParams_init(p, LEVEL)));
    SET_PPARAM("CCtxParams", p, ZSTD_c_windowLog, 19);
    SET_PPARAM("CCtxParams", p, ZSTD_c_hashLog, 60);
    emit("CCtxParams parameter 9999: %s",
         res(ZSTD_CCtxParams_setParameter(p, (ZSTD_cParameter)9999, 1)));
    ZSTD_CCtxParams_setParameter(p, ZSTD_c_checksumFlag, 1);
    size_line("estimateCCtxSize_usingCCtxParams",
              ZSTD_estimateCCtxSize_usingCCtxParams(p));
    size_line("estimateCStreamSize_usingCCtxParams",
              ZSTD_estimateCStreamSize_usingCCtxParams(p));
    emit("setParametersUsingCCtxParams: %s",
         res(ZSTD_CCtx_setParametersUsingCCtxParams(c, p)));
    ZSTD_CCtx_getParameter(c, ZSTD_c_windowLog, &v);
    emit("cctx windowLog from the params: %d", v);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("compress2 with params", r, frame);
    decode_line("compress2 with params", frame, r, in);

    emit("CCtxParams_reset: %s", res(ZSTD_CCtxParams_reset(p)));
    ZSTD_CCtxParams_getParameter(p, ZSTD_c_windowLog, &v);
    emit("CCtxParams windowLog after reset: %d", v);
    params.fParams.checksumFlag = 1;
    params.fParams.contentSizeFlag = 0;
    emit("CCtxParams_init_advanced: %s",
         res(ZSTD_CCtxParams_init_advanced(p, params)));
    params.cParams.windowLog = 99;
    emit("CCtxParams_init_advanced window 99: %s",
         res(ZSTD_CCtxParams_init_advanced(p, params)));
    ZSTD_CCtx_reset(c, ZSTD_reset_parameters);
    ZSTD_CCtx_setParametersUsingCCtxParams(c, p);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("compress2 with advanced params", r, frame);
    /* Not while a frame is going. */
    {
        ZSTD_inBuffer ib = { in->data, 1000, 0 };
        ZSTD_outBuffer ob = { frame, sizeof(frame), 0 };

        ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_continue);
        emit("setParametersUsingCCtxParams mid-frame: %s",
             res(ZSTD_CCtx_setParametersUsingCCtxParams(c, p)));
    }
    emit("freeCCtxParams: %s", res(ZSTD_freeCCtxParams(p)));
    ZSTD_freeCCtx(c);
}

/* Parameters at and past their bounds, on a context; the ones whose
 * numbers or bounds differ between libzstd versions left out (and the
 * stable buffers, which a host context refuses). */
typedef struct Named {
    int id;
    const char *name;
} Named;

#define NAMED(x) { x, #x }
static const Named cparams_named[] = {
    NAMED(ZSTD_c_compressionLevel), NAMED(ZSTD_c_windowLog),
    NAMED(ZSTD_c_hashLog), NAMED(ZSTD_c_chainLog), NAMED(ZSTD_c_searchLog),
    NAMED(ZSTD_c_minMatch), NAMED(ZSTD_c_targetLength),
    NAMED(ZSTD_c_strategy), NAMED(ZSTD_c_enableLongDistanceMatching),
    NAMED(ZSTD_c_ldmHashLog), NAMED(ZSTD_c_ldmMinMatch),
    NAMED(ZSTD_c_ldmBucketSizeLog), NAMED(ZSTD_c_ldmHashRateLog),
    NAMED(ZSTD_c_contentSizeFlag), NAMED(ZSTD_c_checksumFlag),
    NAMED(ZSTD_c_dictIDFlag), NAMED(ZSTD_c_nbWorkers), NAMED(ZSTD_c_jobSize),
    NAMED(ZSTD_c_overlapLog), NAMED(ZSTD_c_rsyncable), NAMED(ZSTD_c_format),
    NAMED(ZSTD_c_forceMaxWindow), NAMED(ZSTD_c_forceAttachDict),
    NAMED(ZSTD_c_literalCompressionMode), NAMED(ZSTD_c_srcSizeHint),
    NAMED(ZSTD_c_enableDedicatedDictSearch), NAMED(ZSTD_c_blockDelimiters),
    NAMED(ZSTD_c_validateSequences), NAMED(ZSTD_c_useRowMatchFinder),
    NAMED(ZSTD_c_deterministicRefPrefix), NAMED(ZSTD_c_prefetchCDictTables),
    NAMED(ZSTD_c_enableSeqProducerFallback), NAMED(ZSTD_c_maxBlockSize),
    NAMED(ZSTD_c_searchForExternalRepcodes), { 9999, "9999" },
};
static const Named dparams_named[] = {
    NAMED(ZSTD_d_windowLogMax), NAMED(ZSTD_d_format),
    NAMED(ZSTD_d_forceIgnoreChecksum), NAMED(ZSTD_d_disableHuffmanAssembly),
    { 9999, "9999" },
};

static void bounds(void)
{
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();

    for (size_t i = 0; i < sizeof(cparams_named) / sizeof(cparams_named[0]);
         i++) {
        ZSTD_cParameter p = (ZSTD_cParameter)cparams_named[i].id;
        ZSTD_bounds b = ZSTD_cParam_getBounds(p);
        int tries[4] = { b.lowerBound, b.upperBound,
                         b.lowerBound == INT_MIN ? INT_MIN
                                                 : b.lowerBound - 1,
                         b.upperBound == INT_MAX ? INT_MAX
                                                 : b.upperBound + 1 };

        if (ZSTD_isError(b.error)) {
            emit("%s: bounds %s, set 1: %s", cparams_named[i].name,
                 ZSTD_getErrorName(b.error),
                 res(ZSTD_CCtx_setParameter(c, p, 1)));
            continue;
        }
        emit("%s: bounds %d..%d", cparams_named[i].name, b.lowerBound,
             b.upperBound);
        for (int k = 0; k < 4; k++) {
            int got = -12345;
            size_t r = ZSTD_CCtx_setParameter(c, p, tries[k]);

            ZSTD_CCtx_getParameter(c, p, &got);
            emit("%s: set %d: %s, get %d", cparams_named[i].name, tries[k],
                 res(r), got);
        }
        ZSTD_CCtx_reset(c, ZSTD_reset_parameters);
    }
    for (size_t i = 0; i < sizeof(dparams_named) / sizeof(dparams_named[0]);
         i++) {
        ZSTD_dParameter p = (ZSTD_dParameter)dparams_named[i].id;
        ZSTD_bounds b = ZSTD_dParam_getBounds(p);

        if (ZSTD_isError(b.error)) {
            emit("%s: bounds %s, set 1: %s", dparams_named[i].name,
                 ZSTD_getErrorName(b.error),
                 res(ZSTD_DCtx_setParameter(d, p, 1)));
            continue;
        }
        emit("%s: bounds %d..%d, set upper %s, set upper+1 %s",
             dparams_named[i].name, b.lowerBound, b.upperBound,
             res(ZSTD_DCtx_setParameter(d, p, b.upperBound)),
             res(ZSTD_DCtx_setParameter(d, p, b.upperBound + 1)));
        ZSTD_DCtx_reset(d, ZSTD_reset_parameters);
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/* Corrupt, truncated, foreign and concatenated data; destinations too
 * small; parameters changed mid-frame. */
static void bad_data(const Input *in)
{
    static const Steps st = { 3000, 5000, 0, VIA_STREAM2 };
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    uint8_t copy[ROOM / 4];
    size_t n, r;

    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("bad_data source", n, frame);
    memcpy(copy, frame, n);
    emit("compressed size %s, decompressed bound %llu, margin %s",
         res(ZSTD_findFrameCompressedSize(frame, n)),
         ZSTD_decompressBound(frame, n),
         res(ZSTD_decompressionMargin(frame, n)));

    /* Each cut, one-shot and streamed. */
    for (size_t cut = 1; cut < n; cut = cut * 3 + 1) {
        char what[64];

        snprintf(what, sizeof(what), "truncated to %zu", n - cut);
        decode_line(what, frame, n - cut, in);
        emit("%s: content size %llu", what,
             ZSTD_getFrameContentSize(frame, n - cut));
        ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
        unsqueeze_lines(what, d, frame, n - cut, &st, in);
    }
    /* Flipped bytes: header, first block, middle, checksum. */
    for (int i = 0; i < 4; i++) {
        size_t at = i == 0 ? 4 : i == 1 ? 9 : i == 2 ? n / 2 : n - 2;
        char what[64];

        frame[at] ^= 0x21;
        snprintf(what, sizeof(what), "corrupt at %zu", at);
        data_line(what, ZSTD_decompressDCtx(d, back, sizeof(back), frame, n),
                  in);
        ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
        unsqueeze_lines(what, d, frame, n, &st, in);
        frame[at] ^= 0x21;
    }
    decode_line("foreign", in->data, 5000, NULL);
    decode_line("empty input", frame, 0, NULL);

    /* Two frames and a skippable one, concatenated. */
    r = ZSTD_writeSkippableFrame(copy + n, sizeof(copy) - n, "skip me", 7,
                                 3);
    emit("writeSkippableFrame: %s", res(r));
    memcpy(copy + n + r, copy, n);
    decode_line("frame, skippable, frame", copy, 2 * n + r, NULL);
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    unsqueeze_lines("streamed frame, skippable, frame", d, copy, 2 * n + r,
                    &st, NULL);
    emit("findDecompressedSize %llu",
         ZSTD_findDecompressedSize(copy, 2 * n + r));

    /* Destinations too small. */
    frame_line("compress into 10",
               ZSTD_compress(frame, 10, in->data, in->len, 1), frame);
    frame_line("compressCCtx into 0",
               ZSTD_compressCCtx(c, frame, 0, in->data, in->len, 1), frame);
    frame_line("compress2 into half",
               ZSTD_compress2(c, frame, n / 2, in->data, in->len), frame);
    n = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    data_line("decompressDCtx into 100",
              ZSTD_decompressDCtx(d, back, 100, frame, n), in);

    /* Parameters changed mid-frame: refused, and the frame goes on. */
    {
        ZSTD_inBuffer ib = { in->data, in->len / 2, 0 };
        ZSTD_outBuffer ob = { frame, sizeof(frame), 0 };

        ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
        ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
        r = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_continue);
        emit("mid-frame: continue %s in=%zu", res(r), ib.pos);
        emit("mid-frame: windowLog %s, level %s, pledged %s",
             res(ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 12)),
             res(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 9)),
             res(ZSTD_CCtx_setPledgedSrcSize(c, 5)));
        emit("mid-frame: loadDictionary %s, refPrefix %s",
             res(ZSTD_CCtx_loadDictionary(c, samples, 500)),
             res(ZSTD_CCtx_refPrefix(c, samples, 500)));
        ib.size = in->len;
        do {
            r = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end);
        } while (r && !ZSTD_isError(r));
        frame_line("mid-frame: the frame", ZSTD_isError(r) ? r : ob.pos,
                   frame);
        /* The input shrinks while ending: refused. */
        ib.pos = 0;
        ib.size = in->len;
        ob.pos = 0;
        ob.size = 200;
        r = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end);
        /* How much is left to flush differs between versions. */
        emit("end: %s in=%zu", ZSTD_isError(r) ? res(r) : "more",
             ib.pos);
        ib.size = ib.pos;
        ob.size = sizeof(frame);
        emit("end, input shrunk: %s",
             res(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end)));
        emit("end directive 9: %s",
             res(ZSTD_compressStream2(c, &ob, &ib, (ZSTD_EndDirective)9)));
    }
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/* Sequences: generated from a context's parse, compressed back, and a
 * sequence producer cleared (registering none). */
static void sequences(const Input *in)
{
    size_t bound = ZSTD_sequenceBound(in->len);
    ZSTD_Sequence *seqs = calloc(bound, sizeof(*seqs));
    /* A context in the program's workspace: generateSequences runs on
     * the guest's libzstd (libs/zstd/spec.h says why). */
    size_t space = ZSTD_estimateCCtxSize(LEVEL);
    void *workspace = malloc(space);
    ZSTD_CCtx *c = ZSTD_initStaticCCtx(workspace, space);
    size_t nseq, r;

    /* The context goes with its sequences: 1.5.4 keeps collecting into
     * the array at each later frame of it. */
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    nseq = ZSTD_generateSequences(c, seqs, bound, in->data, in->len);
    emit("generateSequences: %s, fnv=%016" PRIx64, res(nseq),
         ZSTD_isError(nseq) ? 0 : fnv(seqs, nseq * sizeof(*seqs)));
    if (ZSTD_isError(nseq)) {
        nseq = 0;
    }
    free(workspace);
    c = new_cctx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_CCtx_setParameter(c, ZSTD_c_blockDelimiters,
                           ZSTD_sf_explicitBlockDelimiters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_validateSequences, 1);
    r = ZSTD_compressSequences(c, frame, sizeof(frame), seqs, nseq, in->data,
                               in->len);
    frame_line("compressSequences", r, frame);
    decode_line("compressSequences", frame, r, in);
    /* Without delimiters: merged first. */
    nseq = ZSTD_mergeBlockDelimiters(seqs, nseq);
    ZSTD_CCtx_setParameter(c, ZSTD_c_blockDelimiters,
                           ZSTD_sf_noBlockDelimiters);
    r = ZSTD_compressSequences(c, frame, sizeof(frame), seqs, nseq, in->data,
                               in->len);
    frame_line("compressSequences merged", r, frame);
    decode_line("compressSequences merged", frame, r, in);
    /* A match that reaches before the start: refused when validated. */
    if (nseq > 0) {
        seqs[0].offset = 1u << 30;
        seqs[0].matchLength = seqs[0].matchLength ? seqs[0].matchLength : 4;
        r = ZSTD_compressSequences(c, frame, sizeof(frame), seqs, nseq,
                                   in->data, in->len);
        frame_line("compressSequences bad offset", r, frame);
    }

    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_registerSequenceProducer(c, NULL, NULL);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("no sequence producer", r, frame);
    ZSTD_freeCCtx(c);
    free(seqs);
}

/*
 * A sequence producer of the program's: greedy matches of 4 bytes or more
 * within the block, found through a small hash table. It counts its
 * calls and what libzstd told it; it can fail, or make a match too short.
 */
typedef struct Producer {
    int calls, fail, bad;
    int level;
    size_t window;
} Producer;

#define PRODUCER_HASH_LOG 12

static size_t produce(void *state, ZSTD_Sequence *out, size_t capacity,
                      const void *src, size_t size, const void *dict,
                      size_t dict_size, int level, size_t window)
{
    Producer *p = state;
    const uint8_t *s = src;
    uint32_t last[1 << PRODUCER_HASH_LOG];
    size_t n = 0, lit = 0, i = 0;

    (void)dict;
    (void)dict_size;
    p->calls++;
    p->level = level;
    p->window = window;
    if (p->fail) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    memset(last, 0, sizeof(last));
    while (i + 4 <= size && n + 1 < capacity) {
        uint32_t v, h;
        size_t from, len = 4;

        memcpy(&v, s + i, 4);
        h = (v * 2654435761u) >> (32 - PRODUCER_HASH_LOG);
        from = last[h];
        last[h] = (uint32_t)i + 1;
        if (!from-- || memcmp(s + from, s + i, 4)) {
            i++;
            lit++;
            continue;
        }
        while (i + len < size && s[from + len] == s[i + len]) {
            len++;
        }
        out[n++] = (ZSTD_Sequence){ .offset = (unsigned)(i - from),
                                    .litLength = (unsigned)lit,
                                    .matchLength = (unsigned)len };
        i += len;
        lit = 0;
    }
    if (p->bad && n) {
        out[0].litLength += out[0].matchLength - 2;
        out[0].matchLength = 2;
    }
    /* The block's last literals, after a delimiter. */
    out[n++] = (ZSTD_Sequence){ .litLength = (unsigned)(lit + size - i) };
    return n;
}

/*
 * A context with the program's sequence producer: frames from its
 * sequences, one-shot and streamed (with flushes, which compress what
 * they have), the producer called as often and told the same; its error,
 * with and without libzstd's fallback; a too-short match where sequences
 * are validated; workers, which refuse a producer; a reset, which drops it.
 */
static void producers(const Input *in)
{
    static const Steps flushed = { 30000, 9000, 2, VIA_STREAM2 };
    static const Steps old = { 50000, 9000, 0, VIA_OLD };
    Producer p = { 0 };
    ZSTD_CCtx *c = new_cctx();
    size_t r;

    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_registerSequenceProducer(c, &p, produce);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer compress2", r, frame);
    decode_line("producer compress2", frame, r, in);
    emit("producer: %d calls, level %d, window %zu", p.calls, p.level,
         p.window);
    p.calls = 0;
    r = squeeze_lines("producer stream, flushed", c, in, &flushed);
    decode_line("producer stream, flushed", frame, r, in);
    r = squeeze_lines("producer old stream", c, in, &old);
    decode_line("producer old stream", frame, r, in);
    emit("producer streams: %d calls", p.calls);

    /* A failed frame leaves the context mid-frame: reset before setting
     * parameters. */
    p.fail = 1;
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer failing", r, frame);
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    ZSTD_CCtx_setParameter(c, ZSTD_c_enableSeqProducerFallback, 1);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer failing, fallback", r, frame);
    decode_line("producer failing, fallback", frame, r, in);
    p.fail = 0;
    p.bad = 1;
    ZSTD_CCtx_setParameter(c, ZSTD_c_enableSeqProducerFallback, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_validateSequences, 1);
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer too short a match, validated", r, frame);
    p.bad = 0;
    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);

    emit("producer with workers: %s",
         res(ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, 2)));
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer with workers", r, frame);

    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    p.calls = 0;
    r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
    frame_line("producer reset", r, frame);
    emit("producer after the reset: %d calls", p.calls);

#if ZSTD_VERSION_NUMBER >= 10507
    /* 1.5.7: a producer registered on a parameters object, which gives
     * it to the context with the rest (and none, once reset). */
    for (int with = 1; with >= 0; with--) {
        ZSTD_CCtx_params *cp = ZSTD_createCCtxParams();

        ZSTD_CCtxParams_init(cp, LEVEL);
        ZSTD_CCtxParams_registerSequenceProducer(cp, &p, produce);
        if (!with) {
            ZSTD_CCtxParams_reset(cp);
            ZSTD_CCtxParams_setParameter(cp, ZSTD_c_compressionLevel, LEVEL);
        }
        p.calls = 0;
        emit("parameters' producer: %s",
             res(ZSTD_CCtx_setParametersUsingCCtxParams(c, cp)));
        r = ZSTD_compress2(c, frame, sizeof(frame), in->data, in->len);
        frame_line("parameters' producer", r, frame);
        emit("parameters' producer: %d calls", p.calls);
        ZSTD_freeCCtxParams(cp);
    }
#endif
    ZSTD_freeCCtx(c);
}

/*
 * Copies of compression contexts: of one never started (refused), and of
 * one in the middle of a frame (begun, its input still buffered).
 */
static void copies(const Input *in)
{
    ZSTD_CCtx *a = new_cctx(), *b = new_cctx();
    ZSTD_inBuffer ib = { in->data, 1000, 0 };
    ZSTD_outBuffer ob = { frame, sizeof(frame), 0 };
    size_t r;

    emit("copyCCtx fresh: %s", res(ZSTD_copyCCtx(b, a, 0)));
    ZSTD_CCtx_setParameter(a, ZSTD_c_compressionLevel, LEVEL);
    r = ZSTD_compressStream2(a, &ob, &ib, ZSTD_e_continue);
    emit("copyCCtx source continue: %s in=%zu out=%zu", res(r), ib.pos,
         ob.pos);
    emit("copyCCtx begun: %s", res(ZSTD_copyCCtx(b, a, in->len)));
    ib.size = in->len;
    do {
        r = ZSTD_compressStream2(a, &ob, &ib, ZSTD_e_end);
    } while (r && !ZSTD_isError(r));
    frame_line("copyCCtx source's frame", ZSTD_isError(r) ? r : ob.pos,
               frame);
    decode_line("copyCCtx source's frame", frame, ob.pos, in);
    emit("copyCCtx ended: %s", res(ZSTD_copyCCtx(b, a, 0)));
    ZSTD_freeCCtx(a);
    ZSTD_freeCCtx(b);
}

/*
 * A buffer-less frame of in, in pieces of step bytes, into frame: its
 * length or the first error. The context must be begun.
 */
static size_t bl_compress(ZSTD_CCtx *c, const Input *in, size_t step)
{
    size_t n = 0, pos = 0, r;

    for (; in->len - pos > step; pos += step, n += r) {
        r = ZSTD_compressContinue(c, frame + n, sizeof(frame) - n,
                                  in->data + pos, step);
        if (ZSTD_isError(r)) {
            return r;
        }
    }
    r = ZSTD_compressEnd(c, frame + n, sizeof(frame) - n, in->data + pos,
                         in->len - pos);
    return ZSTD_isError(r) ? r : n + r;
}

/*
 * A copy's buffer-less frame of in, in pieces of step bytes, given as
 * the program's buffers hold them: one run (in itself), a ring of four
 * pieces (each over the one four before, which libzstd forgets), or two
 * buffers in turn. Its length or the first error.
 */
typedef enum Feed {
    FEED_RUN,
    FEED_RING,
    FEED_TWO,
} Feed;

static uint8_t feed_room[2][1 << 16];
static ZSTD_DCtx *dctx_for_copies;

static size_t bl_feed(ZSTD_CCtx *c, const Input *in, size_t step, Feed how)
{
    size_t n = 0, r;

    for (size_t pos = 0, i = 0;; pos += step, i++) {
        size_t len = smaller(step, in->len - pos);
        const uint8_t *piece = in->data + pos;
        uint8_t *to = how == FEED_RING ? feed_room[0] + (i % 4) * step
                                       : feed_room[i & 1];

        if (how != FEED_RUN) {
            memcpy(to, piece, len);
            piece = to;
        }
        if (pos + len == in->len) {
            r = ZSTD_compressEnd(c, frame + n, sizeof(frame) - n, piece, len);
            return ZSTD_isError(r) ? r : n + r;
        }
        r = ZSTD_compressContinue(c, frame + n, sizeof(frame) - n, piece,
                                  len);
        if (ZSTD_isError(r)) {
            return r;
        }
        n += r;
    }
}

/* Source a begun by streaming (its first 1000 bytes of in buffered), and
 * copied into b: the copy's result, or the first error. */
static size_t begin_and_copy(ZSTD_CCtx *a, ZSTD_CCtx *b, const Input *in,
                             unsigned long long pledged)
{
    ZSTD_inBuffer ib = { in->data, smaller(1000, in->len), 0 };
    ZSTD_outBuffer ob = { frame, sizeof(frame), 0 };
    size_t r = ZSTD_compressStream2(a, &ob, &ib, ZSTD_e_continue);

    return ZSTD_isError(r) ? r : ZSTD_copyCCtx(b, a, pledged);
}

/* A frame made with the dictionary dict, decoded with it. */
static void dict_decode_line(const char *what, size_t r, const Input *dict,
                             const Input *want)
{
    if (ZSTD_isError(r)) {
        emit("%s: no frame to decode", what);
        return;
    }
    data_line(what, ZSTD_decompress_usingDict(dctx_for_copies, back,
                                              sizeof(back), frame, r,
                                              dict->data, dict->len),
              want);
}

/*
 * Copies of contexts begun by streaming, their input still buffered (on
 * the host, where passthrough made them), and the copies' buffer-less
 * frames: in one run, through a ring, from two buffers; the source's
 * dictionary loaded, a prefix, or a CDict copied in or attached; a copy
 * of a copy; a copy whose source is freed first; a producer on the copy;
 * a block.
 */
static void stream_copies(const Input *in, const Input *dict)
{
    static const struct {
        const char *name;
        Feed how;
        size_t step;
    } feeds[] = {
        { "one run", FEED_RUN, 7000 },
        { "a ring", FEED_RING, 7000 },
        { "two buffers", FEED_TWO, 9000 },
    };
    const Input prefix = { "prefix", in->data + in->len / 2, 5000 };
    ZSTD_CDict *cdict = new_cdict(dict->data, dict->len, LEVEL);
    ZSTD_CCtx *a = new_cctx(), *b = new_cctx(), *c = new_cctx();
    Producer p = { 0 };
    char what[96];
    size_t r, bs, n;

    dctx_for_copies = new_dctx();
    for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
        for (int with = 0; with < 5; with++) {
            static const char *const names[] = {
                "no dictionary", "a dictionary", "a prefix",
                "a CDict copied", "a CDict attached",
            };
            const Input *used = with == 2 ? &prefix : dict;

            ZSTD_CCtx_reset(a, ZSTD_reset_session_and_parameters);
            ZSTD_CCtx_setParameter(a, ZSTD_c_compressionLevel, LEVEL);
            if (with == 1) {
                ZSTD_CCtx_loadDictionary(a, dict->data, dict->len);
            } else if (with == 2) {
                ZSTD_CCtx_refPrefix(a, prefix.data, prefix.len);
            } else if (with >= 3) {
                ZSTD_CCtx_refCDict(a, cdict);
                ZSTD_CCtx_setParameter(a, ZSTD_c_forceAttachDict,
                                       with == 3 ? ZSTD_dictForceCopy
                                                 : ZSTD_dictForceAttach);
            }
            r = begin_and_copy(a, b, in, with & 1 ? in->len : 0);
            snprintf(what, sizeof(what), "copy of a stream, %s, %s",
                     names[with], feeds[i].name);
            emit("%s: %s", what, res(r));
            r = ZSTD_isError(r) ? r : bl_feed(b, in, feeds[i].step,
                                              feeds[i].how);
            frame_line(what, r, frame);
            if (with) {
                dict_decode_line(what, r, used, in);
            } else {
                decode_line(what, frame, r, in);
            }
        }
    }

    /* A copy of the copy, made before the copy's frame goes on. */
    ZSTD_CCtx_reset(a, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(a, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_CCtx_loadDictionary(a, dict->data, dict->len);
    r = begin_and_copy(a, b, in, 0);
    emit("copy of a copy: %s", res(ZSTD_isError(r) ? r
                                                  : ZSTD_copyCCtx(c, b, 0)));
    r = bl_feed(c, in, 7000, FEED_RING);
    frame_line("copy of a copy", r, frame);
    dict_decode_line("copy of a copy", r, dict, in);
    r = bl_feed(b, in, 7000, FEED_TWO);
    frame_line("the copy it was made from", r, frame);

    /* The source freed before its copy's frame (a dictionary it had
     * attached: the copy does not read it). */
    r = begin_and_copy(a, c, in, 0);
    ZSTD_freeCCtx(a);
    a = new_cctx();
    r = ZSTD_isError(r) ? r : bl_feed(c, in, 7000, FEED_RUN);
    frame_line("copy of a freed source", r, frame);
    dict_decode_line("copy of a freed source", r, dict, in);

    /* A producer on the copy: its calls are the copy's. */
    ZSTD_registerSequenceProducer(b, &p, produce);
    ZSTD_CCtx_setParameter(a, ZSTD_c_compressionLevel, LEVEL);
    r = begin_and_copy(a, b, in, in->len);
    r = ZSTD_isError(r) ? r : bl_feed(b, in, 30000, FEED_TWO);
    frame_line("copy with a producer", r, frame);
    decode_line("copy with a producer", frame, r, in);
    emit("copy with a producer: %d calls", p.calls);

    /* A block from a copy, and back: with the producer, and without. */
    for (int with = 1; with >= 0; with--) {
        ZSTD_CCtx *to = with ? b : c;

        p.calls = 0;
        ZSTD_CCtx_reset(a, ZSTD_reset_session_only);
        r = begin_and_copy(a, to, in, 0);
        bs = ZSTD_getBlockSize(to);
        emit("copy for a block: %s, block size %s", res(r), res(bs));
        n = ZSTD_compressBlock(to, frame, sizeof(frame), in->data,
                               smaller(bs, in->len));
        frame_line("block from a copy", n, frame);
        emit("block from a copy: %d producer calls", p.calls);
        r = ZSTD_decompressBegin(dctx_for_copies);
        r = ZSTD_isError(r) || ZSTD_isError(n) || !n
                ? r : ZSTD_decompressBlock(dctx_for_copies, back,
                                           sizeof(back), frame, n);
        emit("block from a copy decoded: %s, same=%d", res(r),
             !ZSTD_isError(r) && r == smaller(bs, in->len) &&
                 !memcmp(back, in->data, r));
        emit("block from a copy, its frame ended: %s",
             res(ZSTD_compressEnd(to, frame, sizeof(frame), NULL, 0)));
        emit("and the copy goes on after its end: %s",
             res(ZSTD_compressContinue(to, frame, sizeof(frame), in->data,
                                       10)));
    }

    ZSTD_freeCCtx(a);
    ZSTD_freeCCtx(b);
    ZSTD_freeCCtx(c);
    ZSTD_freeCDict(cdict);
    ZSTD_freeDCtx(dctx_for_copies);
}

/* A frame of n bytes decoded into back in the steps the begun context
 * asks for: the bytes decoded, or the first error. */
static size_t bl_decompress(ZSTD_DCtx *d, const uint8_t *f, size_t n)
{
    size_t in = 0, out = 0, want, r;

    while ((want = ZSTD_nextSrcSizeToDecompress(d)) != 0) {
        if (want > n - in) {
            return (size_t)-(int)ZSTD_error_srcSize_wrong;
        }
        r = ZSTD_decompressContinue(d, back + out, sizeof(back) - out,
                                    f + in, want);
        if (ZSTD_isError(r)) {
            return r;
        }
        in += want;
        out += r;
    }
    return out;
}

/*
 * The buffer-less functions (a host context's run on its shadow, on the
 * guest's libzstd): a frame in pieces with a dictionary, and one from a
 * copy of the begun context; blocks; decoding in the steps libzstd asks
 * for, of a magicless frame as the context is set, through a copy of a
 * begun context.
 */
static void buffer_less(const Input *in, const Input *dict)
{
    ZSTD_CCtx *c = new_cctx(), *twin = new_cctx(), *m = new_cctx();
    ZSTD_DCtx *d = new_dctx(), *dtwin = new_dctx();
    size_t r, n, bs;

    emit("compressBegin_usingDict: %s",
         res(ZSTD_compressBegin_usingDict(c, dict->data, dict->len, LEVEL)));
    emit("copyCCtx of the begun context: %s",
         res(ZSTD_copyCCtx(twin, c, ZSTD_CONTENTSIZE_UNKNOWN)));
    r = bl_compress(c, in, 7000);
    frame_line("buffer-less with a dictionary", r, frame);
    data_line("buffer-less with a dictionary, decoded",
              ZSTD_isError(r) ? r
                              : ZSTD_decompress_usingDict(
                                    d, back, sizeof(back), frame, r,
                                    dict->data, dict->len),
              in);
    r = bl_compress(twin, in, 30000);
    frame_line("buffer-less from the copy", r, frame);

    emit("decompressBegin_usingDict: %s",
         res(ZSTD_decompressBegin_usingDict(d, dict->data, dict->len)));
    emit("nextInputType: %d", (int)ZSTD_nextInputType(d));
    ZSTD_copyDCtx(dtwin, d);
    data_line("buffer-less decoded through a copy",
              ZSTD_isError(r) ? r : bl_decompress(dtwin, frame, r), in);

    /* A block, and back. */
    emit("compressBegin: %s", res(ZSTD_compressBegin(c, LEVEL)));
    bs = ZSTD_getBlockSize(c);
    emit("getBlockSize after begin: %s", res(bs));
    n = ZSTD_compressBlock(c, frame, sizeof(frame), in->data,
                           smaller(bs, in->len));
    frame_line("compressBlock", n, frame);
    emit("decompressBegin: %s", res(ZSTD_decompressBegin(d)));
    r = ZSTD_isError(n) ? n : ZSTD_decompressBlock(d, back, sizeof(back),
                                                   frame, n);
    emit("decompressBlock: %s, same=%d", res(r),
         !ZSTD_isError(r) && r == smaller(bs, in->len) &&
             !memcmp(back, in->data, r));

    /* The format is the decompression context's, set on it as usual. */
    ZSTD_CCtx_setParameter(m, ZSTD_c_format, ZSTD_f_zstd1_magicless);
    ZSTD_CCtx_setParameter(m, ZSTD_c_compressionLevel, LEVEL);
    n = ZSTD_compress2(m, frame, sizeof(frame), in->data, in->len);
    emit("decompressBegin, zstd1 format: %s", res(ZSTD_decompressBegin(d)));
    data_line("buffer-less magicless, zstd1 format",
              ZSTD_isError(n) ? n : bl_decompress(d, frame, n), in);
    ZSTD_DCtx_setParameter(d, ZSTD_d_format, ZSTD_f_zstd1_magicless);
    emit("decompressBegin, magicless: %s", res(ZSTD_decompressBegin(d)));
    data_line("buffer-less magicless",
              ZSTD_isError(n) ? n : bl_decompress(d, frame, n), in);
    emit("buffer-less contexts freed: %s %s %s %s %s",
         res(ZSTD_freeCCtx(c)), res(ZSTD_freeCCtx(twin)),
         res(ZSTD_freeCCtx(m)), res(ZSTD_freeDCtx(d)),
         res(ZSTD_freeDCtx(dtwin)));
}

/* Two worker threads: with a fixed job size, the frame does not depend
 * on their timing. */
/*
 * A child forked once the contexts above are gone compresses with
 * workers too (qemu-user cannot give a child a thread if the parent had
 * two at the fork: the GTL's thread for them must have ended). Whether
 * its frame was right: its exit status.
 */
static int forked_workers(const Input *big)
{
    pid_t child;
    int status;

    fflush(stdout);
    child = fork();
    if (!child) {
        ZSTD_CCtx *c = new_cctx();
        size_t r;

        ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, 2);
        ZSTD_CCtx_setParameter(c, ZSTD_c_jobSize, 512 * 1024);
        r = ZSTD_compress2(c, frame, sizeof(frame), big->data, big->len);
        ZSTD_freeCCtx(c);
        _exit(ZSTD_isError(r) ||
              ZSTD_decompress(back, sizeof(back), frame, r) != big->len ||
              memcmp(back, big->data, big->len));
    }
    return child > 0 && waitpid(child, &status, 0) == child &&
           WIFEXITED(status) && !WEXITSTATUS(status);
}

static void workers(const Input *big)
{
    long others = __atomic_load_n(&other_thread_allocs, __ATOMIC_RELAXED);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_inBuffer ib = { big->data, 0, 0 };
    ZSTD_outBuffer ob = { frame, sizeof(frame), 0 };
    int v = -1;
    size_t r;

    emit("nbWorkers 2: %s", res(ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers,
                                                       2)));
    emit("jobSize: %s", res(ZSTD_CCtx_setParameter(c, ZSTD_c_jobSize,
                                                   512 * 1024)));
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL);
    ZSTD_CCtx_getParameter(c, ZSTD_c_nbWorkers, &v);
    emit("nbWorkers read back: %d", v);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    r = ZSTD_compress2(c, frame, sizeof(frame), big->data, big->len);
    frame_line("workers compress2", r, frame);
    decode_line("workers compress2", frame, r, big);

    /* Streamed: no line per call (how far each got depends on timing). */
    do {
        ib.size = smaller(big->len, ib.size + 100000);
        r = ZSTD_compressStream2(c, &ob, &ib, ib.size < big->len
                                                  ? ZSTD_e_continue
                                                  : ZSTD_e_end);
        (void)ZSTD_toFlushNow(c);
    } while (!ZSTD_isError(r) && (ib.pos < big->len || r));
    frame_line("workers stream", ZSTD_isError(r) ? r : ob.pos, frame);
    decode_line("workers stream", frame, ob.pos, big);

    ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
    ZSTD_CCtx_setParameter(c, ZSTD_c_rsyncable, 1);
    r = ZSTD_compress2(c, frame, sizeof(frame), big->data, big->len);
    frame_line("workers rsyncable", r, frame);
    decode_line("workers rsyncable", frame, r, big);
    ZSTD_freeCCtx(c);
    if (own_mem) {
        emit("workers: blocks asked of the program's allocator on other "
             "threads: %d",
             __atomic_load_n(&other_thread_allocs, __ATOMIC_RELAXED) >
                 others);
        emit("workers in a fork's child: %d", forked_workers(big));
    }
}

/* A 128 MB window (zstd --long): the decoder's limit must let it in. */
static void long_window(const Input *big)
{
    static const Steps st = { 1 << 20, 1 << 20, 0, VIA_STREAM2 };
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_frameHeader fh;
    Trace t;
    size_t n, h;

    ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 27);
    ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 2);
    /* The size unknown at the start: the window stays 128 MB. */
    trace_start(&t, "long window");
    n = squeeze(&t, c, big, &st);
    trace_end(&t, n);
    frame_line("long window", n, frame);
    h = ZSTD_getFrameHeader(&fh, frame, n);
    emit("long window: header %s, window %llu", res(h), fh.windowSize);

    emit("windowLogMax 26: %s",
         res(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 26)));
    unsqueeze_lines("long window, limit 26", d, frame, n, &st, big);
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    emit("windowLogMax 27: %s",
         res(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27)));
    unsqueeze_lines("long window, limit 27", d, frame, n, &st, big);
    ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
    emit("setMaxWindowSize 64 MB: %s",
         res(ZSTD_DCtx_setMaxWindowSize(d, (size_t)1 << 26)));
    unsqueeze_lines("long window, 64 MB", d, frame, n, &st, big);
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    emit("setMaxWindowSize 128 MB: %s",
         res(ZSTD_DCtx_setMaxWindowSize(d, (size_t)1 << 27)));
    unsqueeze_lines("long window, 128 MB", d, frame, n, &st, big);
    emit("setMaxWindowSize 512: %s",
         res(ZSTD_DCtx_setMaxWindowSize(d, 512)));
    /* One-shot decoding has the whole output: no window limit. */
    decode_line("long window, one-shot", frame, n, big);
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
}

/*
 * The creators that take an allocator: with libzstd's own (on the host
 * when the rest is) and with the program's (the guest's objects), frames
 * the same either way. A half allocator (alloc without free) is refused.
 */
static void allocators(const Input *in, const Input *dict)
{
    static const Steps st = { 7000, 9000, 0, VIA_STREAM2 };
    Counts tally = { 0, 0 };
    ZSTD_customMem mine = { counted_alloc, counted_free, &tally };
    ZSTD_customMem half = { counted_alloc, NULL, &tally };
    ZSTD_compressionParameters cparams = ZSTD_getCParams(LEVEL, 0,
                                                         dict->len);

    for (int k = 0; k < 2; k++) {
        ZSTD_customMem mem = k ? mine : ZSTD_defaultCMem;
        const char *who = k ? "own allocator" : "default allocator";
        ZSTD_CCtx *c = ZSTD_createCCtx_advanced(mem);
        ZSTD_CStream *cs = ZSTD_createCStream_advanced(mem);
        ZSTD_DCtx *d = ZSTD_createDCtx_advanced(mem);
        ZSTD_DStream *ds = ZSTD_createDStream_advanced(mem);
        ZSTD_CDict *cdict = ZSTD_createCDict_advanced(
            dict->data, dict->len, ZSTD_dlm_byCopy, ZSTD_dct_auto, cparams,
            mem);
        ZSTD_DDict *ddict = ZSTD_createDDict_advanced(
            dict->data, dict->len, ZSTD_dlm_byCopy, ZSTD_dct_auto, mem);
        char what[96];
        size_t n;

        emit("%s: made %d%d%d%d%d%d", who, c != NULL, cs != NULL, d != NULL,
             ds != NULL, cdict != NULL, ddict != NULL);
        snprintf(what, sizeof(what), "%s compress_usingCDict", who);
        n = ZSTD_compress_usingCDict(c, frame, sizeof(frame), in->data,
                                     in->len, cdict);
        frame_line(what, n, frame);
        data_line(what, ZSTD_decompress_usingDDict(d, back, sizeof(back),
                                                   frame, n, ddict), in);
        snprintf(what, sizeof(what), "%s stream", who);
        ZSTD_CCtx_setParameter(cs, ZSTD_c_compressionLevel, LEVEL);
        ZSTD_CCtx_setParameter(cs, ZSTD_c_checksumFlag, 1);
        n = squeeze_lines(what, cs, in, &st);
        unsqueeze_lines(what, ds, frame, n, &st, in);
        ZSTD_freeCCtx(c);
        ZSTD_freeCStream(cs);
        ZSTD_freeDCtx(d);
        ZSTD_freeDStream(ds);
        ZSTD_freeCDict(cdict);
        ZSTD_freeDDict(ddict);
    }
    emit("own allocator: used %d, all freed %d", tally.allocs > 0,
         tally.allocs == tally.frees);
    emit("half allocator: cctx %d cstream %d dctx %d dstream %d",
         ZSTD_createCCtx_advanced(half) != NULL,
         ZSTD_createCStream_advanced(half) != NULL,
         ZSTD_createDCtx_advanced(half) != NULL,
         ZSTD_createDStream_advanced(half) != NULL);
}

int main(int argc, char **argv)
{
    const char *dir;
    Input inputs[6], big, dict;

    diff_args(argc, argv, &dir, &quick);
    (void)dir;
    main_thread = pthread_self();
    inputs[0] = (Input){ "empty", make_text(0), 0 };
    inputs[1] = (Input){ "one", make_text(1), 1 };
    inputs[2] = (Input){ "text", make_text(100000), 100000 };
    inputs[3] = (Input){ "random", make_random(20000, 7), 20000 };
    inputs[4] = (Input){ "mixed", make_text(70000), 70000 };
    fill_random(inputs[4].data + 25000, 20000, 3);
    /* Runs and a short period: RLE blocks and repeat offsets. */
    inputs[5] = (Input){ "runs", malloc(30000), 30000 };
    for (size_t i = 0; i < 30000; i++) {
        inputs[5].data[i] = (uint8_t)(i < 9000 ? 'z' : "abcab"[i % 5]);
    }
    big = (Input){ "big", make_text(1300000), 1300000 };
    dict = (Input){ "dict", NULL, 0 };

    emit("version >= 1.5.4: %d", ZSTD_versionNumber() >= 10504);
    for (int i = 0; i < 6; i++) {
        one_shot(&inputs[i]);
        streams(&inputs[i]);
    }
    trainers(&dict);
    contexts(&inputs[2], &dict);
    decompression_contexts(&inputs[4]);
    old_streams(&inputs[4], &dict);
    dictionaries(&inputs[4], &dict);
    freed_dictionaries(&inputs[4], &dict);
    parameter_objects(&inputs[2]);
    bounds();
    bad_data(&inputs[2]);
    sequences(&inputs[4]);
    producers(&big);
    copies(&inputs[2]);
    stream_copies(&inputs[4], &dict);
    buffer_less(&inputs[4], &dict);
    workers(&big);
    long_window(&big);
    allocators(&inputs[4], &dict);
    {
        Counts tally = { 0, 0 };
        const ZSTD_customMem mem = { thread_counted_alloc, counted_free,
                                     &tally };

        emit("again, every object on the program's allocator");
        own_mem = &mem;
        streams(&inputs[4]);
        contexts(&inputs[2], &dict);
        decompression_contexts(&inputs[4]);
        old_streams(&inputs[4], &dict);
        dictionaries(&inputs[4], &dict);
        freed_dictionaries(&inputs[4], &dict);
        sequences(&inputs[4]);
        producers(&inputs[2]);
        buffer_less(&inputs[2], &dict);
        workers(&big);
        own_mem = NULL;
        emit("program's allocator: used %d, all given back %d",
             tally.allocs > 0, tally.allocs == tally.frees);
    }
    printf("END\n");
    return 0;
}
