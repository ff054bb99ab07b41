/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program for libzstd: a known answer (the same for zstd 1.5.4
 * and 1.5.7) and the empty frame; ZSTD_compress and ZSTD_compressCCtx at
 * levels 1, 3, 19 and -5 on text, random data and nothing; contexts with
 * parameters (level, checksum, window, content size, two workers with a
 * guest thread pool), read back, reset; streams in odd steps through
 * compressStream2 and its simpleArgs twin, the older stream functions, a
 * pledged size kept and broken; a dictionary trained on 200 samples, used
 * by copy, by reference, as CDict and DDict, referenced, loaded, as a
 * prefix, and freed while a context still references it; CCtx_params;
 * corrupt, truncated and foreign input, too small an output, a --long
 * frame beyond a decoder's window limit; and the program's own
 * allocators (ZSTD_customMem): a stream pair and a dictionary on a
 * block pool, freed while a context references it, and a two-worker
 * context on a counting allocator, which on the host are handles with
 * bit 62 set too, each block asked of the allocator and all given back.
 * Plain-made objects must be host handles (bit 63) when the host runs
 * libzstd. It prints "expect <entry> <n>" for the host entries it
 * reached (<NAME>_ga_HTL: calls on an object with the program's
 * allocator), which the test script compares with the plugin's stats;
 * exit status 0 and "PASS" only if every check held.
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "check.h"
#include "test_data.h"

static int failures;

/* The host entries the program reaches (each NAME_HTL). */
#define HOST_ENTRIES(X)                                                     \
    X(ZSTD_compress) X(ZSTD_decompress) X(ZSTD_createCCtx)                  \
    X(ZSTD_freeCCtx) X(ZSTD_createDCtx) X(ZSTD_freeDCtx)                    \
    X(ZSTD_compressCCtx) X(ZSTD_compress2) X(ZSTD_decompressDCtx)           \
    X(ZSTD_CCtx_setParameter) X(ZSTD_CCtx_getParameter) X(ZSTD_CCtx_reset)  \
    X(ZSTD_CCtx_setPledgedSrcSize) X(ZSTD_DCtx_setParameter)                \
    X(ZSTD_DCtx_getParameter) X(ZSTD_DCtx_reset) X(ZSTD_sizeof_CCtx)        \
    X(ZSTD_compressStream2) X(ZSTD_compressStream2_simpleArgs)              \
    X(ZSTD_decompressStream) X(ZSTD_decompressStream_simpleArgs)            \
    X(ZSTD_createCStream) X(ZSTD_freeCStream) X(ZSTD_initCStream)           \
    X(ZSTD_compressStream) X(ZSTD_flushStream) X(ZSTD_endStream)            \
    X(ZSTD_createDStream) X(ZSTD_freeDStream) X(ZSTD_initDStream)           \
    X(ZDICT_trainFromBuffer) X(ZSTD_compress_usingDict)                     \
    X(ZSTD_decompress_usingDict) X(ZSTD_createCDict) X(ZSTD_freeCDict)      \
    X(ZSTD_createDDict) X(ZSTD_freeDDict) X(ZSTD_getDictID_fromCDict)       \
    X(ZSTD_getDictID_fromDDict) X(ZSTD_compress_usingCDict)                 \
    X(ZSTD_decompress_usingDDict) X(ZSTD_CCtx_refCDict)                     \
    X(ZSTD_DCtx_refDDict) X(ZSTD_CCtx_loadDictionary)                       \
    X(ZSTD_DCtx_loadDictionary) X(ZSTD_CCtx_refPrefix)                      \
    X(ZSTD_DCtx_refPrefix) X(ZSTD_createCCtxParams) X(ZSTD_freeCCtxParams)  \
    X(ZSTD_CCtxParams_init) X(ZSTD_CCtxParams_setParameter)                 \
    X(ZSTD_CCtxParams_getParameter)                                         \
    X(ZSTD_CCtx_setParametersUsingCCtxParams) X(ZSTD_createCCtx_advanced)  \
    X(ZSTD_createCStream_advanced) X(ZSTD_createDStream_advanced)          \
    X(ZSTD_createCDict_advanced)

#define AS_ENUM(f) E_##f,
#define AS_NAME(f) #f,
enum { HOST_ENTRIES(AS_ENUM) E_COUNT };
static const char *const entry_names[E_COUNT] = { HOST_ENTRIES(AS_NAME) };
static unsigned long counts[E_COUNT], ga_counts[E_COUNT];

/* H(f, ...): a call of f, counted for its host entry; AS(entry, f, ...):
 * one the GTL makes through another function's entry; GA(f, ...): one
 * with the program's allocator (its own, or its object's), counted for
 * f's NAME_ga_HTL where libzstd runs on the host. */
#define H(f, ...) (counts[E_##f]++, f(__VA_ARGS__))
#define AS(entry, f, ...) (counts[E_##entry]++, f(__VA_ARGS__))
#define GA(f, ...) (ga_counts[E_##f] += on_host, f(__VA_ARGS__))

/* Whether libzstd runs on the host: plain-made objects are handles. */
static bool on_host;

static bool handle_bit(const void *obj)
{
    return (uintptr_t)obj >> 63;
}

/* A host object made with the program's allocator has bit 62 too. */
static bool ga_bit(const void *obj)
{
    return ((uintptr_t)obj >> 62) == 3;
}

static ZSTD_CCtx *new_cctx(void)
{
    ZSTD_CCtx *c = (counts[E_ZSTD_createCCtx]++, ZSTD_createCCtx());

    CHECK(c && handle_bit(c) == on_host, "ZSTD_createCCtx gave %p", c);
    return c;
}

static ZSTD_DCtx *new_dctx(void)
{
    ZSTD_DCtx *d = (counts[E_ZSTD_createDCtx]++, ZSTD_createDCtx());

    CHECK(d && handle_bit(d) == on_host, "ZSTD_createDCtx gave %p", d);
    return d;
}

static void free_cctx(ZSTD_CCtx *c)
{
    CHECK(H(ZSTD_freeCCtx, c) == 0, "ZSTD_freeCCtx");
}

static void free_dctx(ZSTD_DCtx *d)
{
    CHECK(H(ZSTD_freeDCtx, d) == 0, "ZSTD_freeDCtx");
}

static bool ok(size_t r)
{
    return !ZSTD_isError(r);
}

/* Whether a's n bytes are b's m; a length that is an error never is. */
static bool same(const uint8_t *a, size_t n, const uint8_t *b, size_t m)
{
    return ok(n) && n == m && (n == 0 || !memcmp(a, b, n));
}

/* A frame's size to decode: nothing if it was not made. */
static size_t made(size_t r)
{
    return ok(r) ? r : 0;
}

/* The error a failed call returned, or none if it did not fail. */
static ZSTD_ErrorCode code_of(size_t r)
{
    return ZSTD_isError(r) ? ZSTD_getErrorCode(r) : ZSTD_error_no_error;
}

/* Output room for n bytes' frame, with some for flushes. */
static size_t bound(size_t n)
{
    return ZSTD_compressBound(n) + 4096;
}

/*
 * A short text compressed by ZSTD_compress at level 3: the bytes of zstd
 * 1.5.4 (Debian 12, amd64), which 1.5.7 (riscv64's) gives too.
 */
static const char ka_text[] = "passthrough: the guest asks, the host "
                              "compresses; the guest asks, the host "
                              "compresses.\n";
static const uint8_t ka_frame[65] =
    "\x28\xb5\x2f\xfd\x20\x57\xc5\x01\x00\xe4\x02\x70\x61\x73\x73\x74"
    "\x68\x72\x6f\x75\x67\x68\x3a\x20\x74\x68\x65\x20\x67\x75\x65\x73"
    "\x74\x20\x61\x73\x6b\x73\x2c\x68\x6f\x73\x74\x20\x63\x6f\x6d\x70"
    "\x72\x65\x73\x73\x65\x73\x3b\x2e\x0a\x02\x00\x22\x45\x16\x23\x4c"
    "\x27";

/* Nothing, framed: magic, single-segment header of size 0, an empty last
 * raw block. */
static const uint8_t empty_frame[9] = {
    0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00,
};

static void known_answers(void)
{
    uint8_t out[128], back[128];
    size_t r;

    r = H(ZSTD_compress, out, sizeof(out), ka_text, sizeof(ka_text) - 1, 3);
    CHECK(same(out, r, ka_frame, sizeof(ka_frame)),
          "known answer: %zu bytes, not the %zu expected", r,
          sizeof(ka_frame));
    r = H(ZSTD_decompress, back, sizeof(back), ka_frame, sizeof(ka_frame));
    CHECK(same(back, r, (const uint8_t *)ka_text, sizeof(ka_text) - 1),
          "known frame decoded to %zu bytes", r);
    r = H(ZSTD_compress, out, sizeof(out), ka_text, 0, 3);
    CHECK(same(out, r, empty_frame, sizeof(empty_frame)),
          "empty frame: %zu bytes", r);
    CHECK(ZSTD_getFrameContentSize(out, r) == 0, "empty frame's size");
    r = H(ZSTD_decompress, back, sizeof(back), empty_frame,
          sizeof(empty_frame));
    CHECK(r == 0, "empty frame decoded: %s", ZSTD_getErrorName(r));
}

/* ZSTD_compress at four levels, ZSTD_compressCCtx the same bytes. */
static void levels(const Input *in, bool compressible)
{
    static const int level[4] = { 1, 3, 19, -5 };
    size_t cap = bound(in->len), size[4];
    uint8_t *comp = malloc(cap), *comp2 = malloc(cap);
    uint8_t *back = malloc(in->len + 1);
    ZSTD_CCtx *c = new_cctx();

    for (int i = 0; i < 4; i++) {
        size_t r = H(ZSTD_compress, comp, cap, in->data, in->len, level[i]);

        size[i] = r;
        CHECK(ok(r), "%s level %d: %s", in->name, level[i],
              ZSTD_getErrorName(r));
        CHECK(ZSTD_getFrameContentSize(comp, r) == in->len,
              "%s level %d: the frame's content size", in->name, level[i]);
        r = H(ZSTD_compressCCtx, c, comp2, cap, in->data, in->len, level[i]);
        CHECK(same(comp, size[i], comp2, r),
              "%s level %d: compressCCtx made other bytes", in->name,
              level[i]);
        r = H(ZSTD_decompress, back, in->len + 1, comp, made(size[i]));
        CHECK(same(in->data, in->len, back, r),
              "%s level %d: decoded %zu bytes", in->name, level[i], r);
    }
    if (compressible) {
        CHECK(size[2] <= size[0] && size[0] <= size[3] &&
              size[1] < in->len / 2,
              "%s: sizes %zu %zu %zu %zu by level", in->name, size[0],
              size[1], size[2], size[3]);
    } else {
        CHECK(size[1] >= in->len, "%s shrank to %zu", in->name, size[1]);
    }
    free_cctx(c);
    free(comp);
    free(comp2);
    free(back);
}

static int get_cparam(ZSTD_CCtx *c, ZSTD_cParameter p)
{
    int v = -12345;
    size_t r = H(ZSTD_CCtx_getParameter, c, p, &v);

    CHECK(ok(r), "CCtx_getParameter(%d): %s", p, ZSTD_getErrorName(r));
    return v;
}

static void set_cparam(ZSTD_CCtx *c, ZSTD_cParameter p, int v)
{
    size_t r = H(ZSTD_CCtx_setParameter, c, p, v);

    CHECK(ok(r), "CCtx_setParameter(%d, %d): %s", p, v, ZSTD_getErrorName(r));
}

static void set_dparam(ZSTD_DCtx *d, ZSTD_dParameter p, int v)
{
    size_t r = H(ZSTD_DCtx_setParameter, d, p, v);

    CHECK(ok(r), "DCtx_setParameter(%d, %d): %s", p, v, ZSTD_getErrorName(r));
}

/* ZSTD_decompressDCtx of a frame, which must give src back. */
static void expand_check(ZSTD_DCtx *d, const uint8_t *comp, size_t clen,
                         const uint8_t *src, size_t n, const char *what)
{
    uint8_t *back = malloc(n + 1);
    size_t r = H(ZSTD_decompressDCtx, d, back, n + 1, comp, made(clen));

    CHECK(same(src, n, back, r), "%s: decoded %zu of %zu bytes (%s)", what, r,
          n, ZSTD_isError(r) ? ZSTD_getErrorName(r) : "no error");
    free(back);
}

static void contexts(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), r;
    uint8_t *comp = malloc(cap);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_frameHeader fh;
    int v = 0;

    set_cparam(c, ZSTD_c_compressionLevel, 7);
    set_cparam(c, ZSTD_c_checksumFlag, 1);
    set_cparam(c, ZSTD_c_windowLog, 20);
    CHECK(get_cparam(c, ZSTD_c_compressionLevel) == 7 &&
          get_cparam(c, ZSTD_c_checksumFlag) == 1 &&
          get_cparam(c, ZSTD_c_windowLog) == 20, "parameters read back");
    CHECK(H(ZSTD_sizeof_CCtx, c) > 0, "ZSTD_sizeof_CCtx 0");
    r = H(ZSTD_CCtx_setParameter, c, ZSTD_c_windowLog, 40);
    CHECK(code_of(r) == ZSTD_error_parameter_outOfBound,
          "windowLog 40: %s", ZSTD_getErrorName(r));
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getFrameHeader(&fh, comp, r) == 0 &&
          fh.checksumFlag && fh.frameContentSize == n &&
          fh.windowSize <= 1u << 20, "compress2 level 7: %s",
          ZSTD_getErrorName(r));
    set_dparam(d, ZSTD_d_windowLogMax, 20);
    CHECK(ok(H(ZSTD_DCtx_getParameter, d, ZSTD_d_windowLogMax, &v)) &&
          v == 20, "DCtx windowLogMax read back %d", v);
    expand_check(d, comp, r, src, n, "level 7 with a checksum");

    /* Back to the defaults: level 3, no checksum; no content size. */
    CHECK(ok(H(ZSTD_CCtx_reset, c, ZSTD_reset_session_and_parameters)),
          "CCtx_reset");
    CHECK(get_cparam(c, ZSTD_c_compressionLevel) == ZSTD_CLEVEL_DEFAULT &&
          get_cparam(c, ZSTD_c_checksumFlag) == 0, "parameters after reset");
    set_cparam(c, ZSTD_c_contentSizeFlag, 0);
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getFrameContentSize(comp, r) ==
                       ZSTD_CONTENTSIZE_UNKNOWN,
          "compress2 without a content size: %s", ZSTD_getErrorName(r));
    expand_check(d, comp, r, src, n, "no content size");
    free_cctx(c);
    free_dctx(d);
    free(comp);
}

/* Two workers, jobs of 512 KiB; a guest thread pool the host context
 * takes (it keeps the host's own workers: no host call). */
static void workers(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), r;
    uint8_t *comp = malloc(cap);
    ZSTD_threadPool *pool = ZSTD_createThreadPool(2);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();

    CHECK(pool && !handle_bit(pool), "ZSTD_createThreadPool gave %p", pool);
    set_cparam(c, ZSTD_c_nbWorkers, 2);
    set_cparam(c, ZSTD_c_jobSize, 1 << 19);
    CHECK(get_cparam(c, ZSTD_c_nbWorkers) == 2, "nbWorkers read back");
    r = ZSTD_CCtx_refThreadPool(c, pool);
    CHECK(r == 0, "refThreadPool: %s", ZSTD_getErrorName(r));
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && r < n / 2, "compress2 with 2 workers: %s",
          ZSTD_getErrorName(r));
    expand_check(d, comp, r, src, n, "2 workers");
    free_cctx(c);
    free_dctx(d);
    ZSTD_freeThreadPool(pool);
    free(comp);
}

/* How a stream's calls are made: compressStream2 (decompressStream), the
 * simpleArgs twins, the older functions; or on a guest object, uncounted. */
typedef enum StreamApi {
    API_STREAM2,
    API_SIMPLE,
    API_OLD,
    API_GUEST,
} StreamApi;

/* What a stalled stream reports. */
#define STALLED ((size_t)-ZSTD_error_GENERIC)

static size_t cstream_call(ZSTD_CCtx *c, StreamApi api, ZSTD_outBuffer *out,
                           ZSTD_inBuffer *in, ZSTD_EndDirective op)
{
    switch (api) {
    case API_SIMPLE:
        return H(ZSTD_compressStream2_simpleArgs, c, out->dst, out->size,
                 &out->pos, in->src, in->size, &in->pos, op);
    case API_OLD:
        if (op == ZSTD_e_continue) {
            return H(ZSTD_compressStream, c, out, in);
        }
        return op == ZSTD_e_flush ? H(ZSTD_flushStream, c, out)
                                  : H(ZSTD_endStream, c, out);
    case API_GUEST:
        return ZSTD_compressStream2(c, out, in, op);
    default:
        return H(ZSTD_compressStream2, c, out, in, op);
    }
}

/*
 * Compresses src in steps of in_step bytes in and out_step out: its first
 * half continued, flushed, the rest continued, ended. Returns 0 or the
 * error; the frame's size in *len.
 */
static size_t stream_out(ZSTD_CCtx *c, StreamApi api, const uint8_t *src,
                         size_t n, uint8_t *dst, size_t cap, size_t in_step,
                         size_t out_step, size_t *len)
{
    static const ZSTD_EndDirective op[4] = { ZSTD_e_continue, ZSTD_e_flush,
                                             ZSTD_e_continue, ZSTD_e_end };
    ZSTD_outBuffer out = { dst, 0, 0 };
    ZSTD_inBuffer in = { src, 0, 0 };
    size_t r = 0;

    for (int phase = 0; phase < 4 && ok(r); phase++) {
        size_t stop = phase < 2 ? n / 2 : n;
        bool more;

        do {
            size_t was = in.pos + out.pos;

            in.size = op[phase] == ZSTD_e_continue && stop - in.pos > in_step
                          ? in.pos + in_step : stop;
            out.size = cap - out.pos > out_step ? out.pos + out_step : cap;
            r = cstream_call(c, api, &out, &in, op[phase]);
            more = op[phase] == ZSTD_e_continue ? in.pos < stop : r != 0;
            if (ok(r) && more && in.pos + out.pos == was) {
                r = STALLED;
            }
        } while (ok(r) && more);
    }
    *len = out.pos;
    return r;
}

static size_t dstream_call(ZSTD_DCtx *d, StreamApi api, ZSTD_outBuffer *out,
                           ZSTD_inBuffer *in)
{
    if (api == API_SIMPLE) {
        return H(ZSTD_decompressStream_simpleArgs, d, out->dst, out->size,
                 &out->pos, in->src, in->size, &in->pos);
    }
    if (api == API_GUEST) {
        return ZSTD_decompressStream(d, out, in);
    }
    return H(ZSTD_decompressStream, d, out, in);
}

/* Decompresses a frame in steps until it ends, fails, or stops moving;
 * returns what the last call did (0: the frame ended), output in *len. */
static size_t stream_in(ZSTD_DCtx *d, StreamApi api, const uint8_t *comp,
                        size_t clen, uint8_t *dst, size_t cap, size_t in_step,
                        size_t out_step, size_t *len)
{
    ZSTD_outBuffer out = { dst, 0, 0 };
    ZSTD_inBuffer in = { comp, 0, 0 };
    size_t r, was;

    do {
        was = in.pos + out.pos;
        in.size = clen - in.pos > in_step ? in.pos + in_step : clen;
        out.size = cap - out.pos > out_step ? out.pos + out_step : cap;
        r = dstream_call(d, api, &out, &in);
    } while (ok(r) && r != 0 && in.pos + out.pos != was);
    *len = out.pos;
    return r;
}

/* A stream round trip in odd steps: the frame has no content size. */
static void stream_trip(ZSTD_CCtx *c, ZSTD_DCtx *d, StreamApi api,
                        const uint8_t *src, size_t n, size_t step,
                        const char *what)
{
    size_t cap = bound(n), clen, blen, r;
    uint8_t *comp = malloc(cap), *back = malloc(n + 1);

    r = stream_out(c, api, src, n, comp, cap, step, step / 3 + 1, &clen);
    CHECK(r == 0 && clen > 0, "%s: compress: %s", what, ZSTD_getErrorName(r));
    CHECK(ZSTD_getFrameContentSize(comp, clen) == ZSTD_CONTENTSIZE_UNKNOWN,
          "%s: a content size in a frame of unknown size", what);
    r = stream_in(d, api, comp, clen, back, n + 1, step / 2 + 1, step + 5,
                  &blen);
    CHECK(r == 0 && same(src, n, back, blen), "%s: %zu of %zu bytes back (%s)",
          what, blen, n, ZSTD_getErrorName(r));
    free(comp);
    free(back);
}

static void streams(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), clen, r;
    uint8_t *comp = malloc(cap);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_CStream *cs = (counts[E_ZSTD_createCStream]++, ZSTD_createCStream());
    ZSTD_DStream *ds = (counts[E_ZSTD_createDStream]++, ZSTD_createDStream());

    CHECK(cs && ds && handle_bit(cs) == on_host && handle_bit(ds) == on_host,
          "createCStream %p, createDStream %p", cs, ds);
    set_cparam(c, ZSTD_c_checksumFlag, 1);
    stream_trip(c, d, API_STREAM2, src, n, 777, "compressStream2");
    set_cparam(c, ZSTD_c_compressionLevel, 12);
    stream_trip(c, d, API_SIMPLE, src, n, 4099, "simpleArgs level 12");
    CHECK(ok(H(ZSTD_initCStream, cs, 4)) && ok(H(ZSTD_initDStream, ds)),
          "initCStream, initDStream");
    stream_trip(cs, ds, API_OLD, src, n, 1111, "compressStream");

    /* A size pledged: the frame says it; a wrong one fails at the end. */
    CHECK(ok(H(ZSTD_CCtx_setPledgedSrcSize, c, n)), "setPledgedSrcSize");
    r = stream_out(c, API_STREAM2, src, n, comp, cap, 65536, 65536, &clen);
    CHECK(r == 0 && ZSTD_getFrameContentSize(comp, clen) == n,
          "pledged %zu: %s", n, ZSTD_getErrorName(r));
    expand_check(d, comp, clen, src, n, "pledged size");
    CHECK(ok(H(ZSTD_CCtx_setPledgedSrcSize, c, n + 1)), "setPledgedSrcSize");
    r = stream_out(c, API_STREAM2, src, n, comp, cap, 65536, 65536, &clen);
    CHECK(code_of(r) == ZSTD_error_srcSize_wrong, "pledged %zu, gave %zu: %s",
          n + 1, n, ZSTD_getErrorName(r));
    CHECK(ok(H(ZSTD_CCtx_reset, c, ZSTD_reset_session_only)), "CCtx_reset");
    stream_trip(c, d, API_STREAM2, src, n / 3, 999, "after a reset");

    CHECK(H(ZSTD_freeCStream, cs) == 0 && H(ZSTD_freeDStream, ds) == 0,
          "freeCStream, freeDStream");
    free_cctx(c);
    free_dctx(d);
    free(comp);
}

/* Dictionary samples: records alike in keys and layout, not in values. */
#define SAMPLES 200
#define DICT_CAP 4096

static size_t make_samples(char *buf, size_t cap, size_t *sizes)
{
    static const char *const city[] = { "Lyon", "Porto", "Oslo", "Turku",
                                        "Graz", "Bergen", "Ghent" };
    static const char *const arch[] = { "aarch64", "x86_64", "riscv64" };
    uint64_t x = 0x5eed5eed5eedULL;
    size_t total = 0;

    for (int i = 0; i < SAMPLES; i++) {
        int records = 1 + i % 4;

        sizes[i] = 0;
        for (int k = 0; k < records; k++) {
            uint64_t v = test_rand(&x);
            int len = snprintf(buf + total + sizes[i], cap - total - sizes[i],
                               "{\"id\": %d, \"user\": \"guest-%04u\", "
                               "\"city\": \"%s\", \"arch\": \"%s\", "
                               "\"calls\": %u, \"status\": \"%s\"}\n",
                               i * 4 + k, (unsigned)(v % 10000),
                               city[(v >> 16) % 7], arch[(v >> 24) % 3],
                               (unsigned)(v >> 40) % 100000,
                               v >> 63 ? "passed through" : "on the guest");
            sizes[i] += len;
        }
        total += sizes[i];
    }
    return total;
}

/* Compresses src with every way a dictionary is given, each frame decoded
 * with a matching way; the frames name the dictionary. */
static void dictionary_uses(const uint8_t *dict, size_t dsize, unsigned id,
                            const uint8_t *src, size_t n)
{
    size_t cap = bound(n), r, r2;
    uint8_t *comp = malloc(cap), *comp2 = malloc(cap);
    uint8_t *back = malloc(n + 1);
    ZSTD_CDict *cd = H(ZSTD_createCDict, dict, dsize, 3);
    ZSTD_CDict *cd_ref = AS(ZSTD_createCDict, ZSTD_createCDict_byReference,
                            dict, dsize, 3);
    ZSTD_DDict *dd = H(ZSTD_createDDict, dict, dsize);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();

    CHECK(cd && cd_ref && dd && handle_bit(cd) == on_host &&
          handle_bit(dd) == on_host, "CDict %p, DDict %p", cd, dd);
    CHECK(H(ZSTD_getDictID_fromCDict, cd) == id &&
          H(ZSTD_getDictID_fromDDict, dd) == id, "dictionaries' IDs");
    r = H(ZSTD_compress_usingCDict, c, comp, cap, src, n, cd);
    r2 = H(ZSTD_compress_usingCDict, c, comp2, cap, src, n, cd_ref);
    CHECK(ok(r) && ZSTD_getDictID_fromFrame(comp, r) == id &&
          same(comp, r, comp2, r2), "compress_usingCDict: %s",
          ZSTD_getErrorName(r));
    r2 = H(ZSTD_decompress_usingDDict, d, back, n + 1, comp, made(r), dd);
    CHECK(same(src, n, back, r2), "decompress_usingDDict: %zu bytes", r2);
    r2 = H(ZSTD_decompress_usingDict, d, back, n + 1, comp, made(r), dict,
           dsize);
    CHECK(same(src, n, back, r2), "CDict frame, usingDict: %zu bytes", r2);

    /* Referenced, then loaded (by copy and by reference). */
    CHECK(ok(H(ZSTD_CCtx_refCDict, c, cd)) && ok(H(ZSTD_DCtx_refDDict, d, dd)),
          "refCDict, refDDict");
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getDictID_fromFrame(comp, r) == id,
          "compress2, CDict referenced: %s", ZSTD_getErrorName(r));
    expand_check(d, comp, r, src, n, "DDict referenced");
    /* Without the dictionary, its frame cannot be decoded. */
    CHECK(ok(H(ZSTD_DCtx_reset, d, ZSTD_reset_session_and_parameters)),
          "DCtx_reset");
    r2 = H(ZSTD_decompressDCtx, d, back, n + 1, comp, made(r));
    CHECK(code_of(r2) == ZSTD_error_dictionary_wrong,
          "no dictionary: %s", ZSTD_getErrorName(r2));
    CHECK(ok(H(ZSTD_CCtx_loadDictionary, c, dict, dsize)) &&
          ok(H(ZSTD_DCtx_loadDictionary, d, dict, dsize)), "loadDictionary");
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getDictID_fromFrame(comp, r) == id,
          "compress2, dictionary loaded: %s", ZSTD_getErrorName(r));
    expand_check(d, comp, r, src, n, "dictionary loaded");
    CHECK(ok(AS(ZSTD_CCtx_loadDictionary, ZSTD_CCtx_loadDictionary_byReference,
                c, dict, dsize)) &&
          ok(AS(ZSTD_DCtx_loadDictionary, ZSTD_DCtx_loadDictionary_byReference,
                d, dict, dsize)), "loadDictionary_byReference");
    r2 = H(ZSTD_compress2, c, comp2, cap, src, n);
    CHECK(same(comp, r, comp2, r2), "by reference: other bytes than by copy");
    expand_check(d, comp2, r2, src, n, "dictionary by reference");

    CHECK(H(ZSTD_freeCDict, cd) == 0 && H(ZSTD_freeCDict, cd_ref) == 0 &&
          H(ZSTD_freeDDict, dd) == 0, "freeCDict, freeDDict");
    free_cctx(c);
    free_dctx(d);
    free(comp);
    free(comp2);
    free(back);
}

/*
 * Dictionaries freed while contexts reference them: the host keeps them
 * for the contexts. The guest's own libzstd would read freed memory, so
 * there they are freed after their use.
 */
static void dictionary_freed_early(const uint8_t *dict, size_t dsize,
                                   unsigned id, const uint8_t *src, size_t n)
{
    size_t cap = bound(n), r;
    uint8_t *comp = malloc(cap), *back = malloc(n + 1);
    ZSTD_CDict *cd = H(ZSTD_createCDict, dict, dsize, 5);
    ZSTD_DDict *dd = H(ZSTD_createDDict, dict, dsize);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();

    CHECK(cd && dd, "CDict %p, DDict %p", cd, dd);
    CHECK(ok(H(ZSTD_CCtx_refCDict, c, cd)) && ok(H(ZSTD_DCtx_refDDict, d, dd)),
          "refCDict, refDDict");
    if (on_host) {
        CHECK(H(ZSTD_freeCDict, cd) == 0, "freeCDict");
    }
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getDictID_fromFrame(comp, r) == id,
          "compress2 with a freed CDict: %s", ZSTD_getErrorName(r));
    {
        ZSTD_DCtx *d2 = new_dctx();
        size_t r2 = H(ZSTD_decompress_usingDDict, d2, back, n + 1, comp,
                      made(r), dd);

        CHECK(same(src, n, back, r2), "freed CDict's frame: %zu bytes", r2);
        free_dctx(d2);
    }
    if (on_host) {
        CHECK(H(ZSTD_freeDDict, dd) == 0, "freeDDict");
    }
    expand_check(d, comp, r, src, n, "a freed DDict");
    if (!on_host) {
        CHECK(H(ZSTD_freeCDict, cd) == 0 && H(ZSTD_freeDDict, dd) == 0,
              "freeCDict, freeDDict");
    }
    free_cctx(c);
    free_dctx(d);
    free(comp);
    free(back);
}

static void dictionaries(const uint8_t *text, size_t text_len)
{
    size_t cap = SAMPLES * 4 * 200, sizes[SAMPLES], dsize, total, at = 0;
    size_t with = 0, without = 0;
    char *samples = malloc(cap);
    uint8_t *dict = malloc(DICT_CAP);
    uint8_t comp[2048], back[1024];
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    unsigned id;

    total = make_samples(samples, cap, sizes);
    dsize = H(ZDICT_trainFromBuffer, dict, DICT_CAP, samples, sizes, SAMPLES);
    CHECK(!ZDICT_isError(dsize) && dsize > 256,
          "ZDICT_trainFromBuffer on %zu bytes: %s", total,
          ZDICT_getErrorName(dsize));
    if (ZDICT_isError(dsize)) {
        dsize = 0;
    }
    id = ZDICT_getDictID(dict, dsize);
    CHECK(id != 0, "the trained dictionary has no ID");
    /* Each sample with and without it, one-shot. */
    for (int i = 0; i < SAMPLES; i++) {
        const uint8_t *s = (const uint8_t *)samples + at;
        size_t r = H(ZSTD_compress_usingDict, c, comp, sizeof(comp), s,
                     sizes[i], dict, dsize, 3);
        size_t r2 = H(ZSTD_decompress_usingDict, d, back, sizeof(back), comp,
                      made(r), dict, dsize);

        CHECK(ok(r) && same(s, sizes[i], back, r2),
              "sample %d with the dictionary: %s", i, ZSTD_getErrorName(r));
        with += r;
        r = H(ZSTD_compressCCtx, c, comp, sizeof(comp), s, sizes[i], 3);
        without += r;
        at += sizes[i];
    }
    CHECK(with < without * 3 / 4, "samples: %zu bytes with the dictionary, "
          "%zu without", with, without);
    dictionary_uses(dict, dsize, id, (const uint8_t *)samples, total);
    dictionary_freed_early(dict, dsize, id, (const uint8_t *)samples, total);

    /* A prefix the data repeats (a copy: libzstd would see the same bytes
     * as input overlapping its window): for the next frame only. */
    {
        size_t n = text_len / 4, r, alone;
        uint8_t *big = malloc(bound(n)), *again = malloc(n);

        memcpy(again, text, n);
        CHECK(ok(H(ZSTD_CCtx_refPrefix, c, text, n)), "CCtx_refPrefix");
        r = H(ZSTD_compress2, c, big, bound(n), again, n);
        CHECK(ok(r) && r < n / 100, "compress2 with a prefix: %zu bytes (%s)",
              r, ZSTD_getErrorName(r));
        CHECK(ok(H(ZSTD_DCtx_refPrefix, d, text, n)), "DCtx_refPrefix");
        expand_check(d, big, r, again, n, "prefix");
        alone = H(ZSTD_compress2, c, big, bound(n), again, n);
        CHECK(ok(alone) && alone > n / 10, "then without it: %zu bytes",
              alone);
        free(big);
        free(again);
    }
    free_cctx(c);
    free_dctx(d);
    free(dict);
    free(samples);
}

static void cctx_params(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), r;
    uint8_t *comp = malloc(cap), *back = malloc(n + 1);
    ZSTD_CCtx_params *p = (counts[E_ZSTD_createCCtxParams]++,
                           ZSTD_createCCtxParams());
    ZSTD_CCtx *c = new_cctx();
    ZSTD_frameHeader fh;
    int level = 0, sum = 0;

    CHECK(p && handle_bit(p) == on_host, "createCCtxParams gave %p", p);
    CHECK(ok(H(ZSTD_CCtxParams_init, p, 9)) &&
          ok(H(ZSTD_CCtxParams_setParameter, p, ZSTD_c_checksumFlag, 1)) &&
          ok(H(ZSTD_CCtxParams_setParameter, p, ZSTD_c_contentSizeFlag, 0)),
          "CCtxParams_init, setParameter");
    CHECK(ok(H(ZSTD_CCtxParams_getParameter, p, ZSTD_c_compressionLevel,
               &level)) &&
          ok(H(ZSTD_CCtxParams_getParameter, p, ZSTD_c_checksumFlag, &sum)) &&
          level == 9 && sum == 1, "CCtxParams read back: %d, %d", level, sum);
    r = H(ZSTD_CCtx_setParametersUsingCCtxParams, c, p);
    CHECK(ok(r), "setParametersUsingCCtxParams: %s", ZSTD_getErrorName(r));
    CHECK(H(ZSTD_freeCCtxParams, p) == 0, "freeCCtxParams");
    /* The context keeps its copy. */
    CHECK(get_cparam(c, ZSTD_c_compressionLevel) == 9, "level from params");
    r = H(ZSTD_compress2, c, comp, cap, src, n);
    CHECK(ok(r) && ZSTD_getFrameHeader(&fh, comp, r) == 0 && fh.checksumFlag &&
          fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN,
          "compress2 from params: %s", ZSTD_getErrorName(r));
    r = H(ZSTD_decompress, back, n + 1, comp, made(r));
    CHECK(same(src, n, back, r), "params' frame decoded: %zu bytes", r);
    free_cctx(c);
    free(comp);
    free(back);
}

/* A --long frame (window 2^27, long-distance matching, size unknown),
 * refused by a decoder allowed 2^26, decoded by one allowed 2^27. */
static void long_window(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), clen, blen, r;
    uint8_t *comp = malloc(cap), *back = malloc(n + 1);
    ZSTD_CCtx *c = new_cctx();
    ZSTD_DCtx *d = new_dctx();
    ZSTD_frameHeader fh;

    set_cparam(c, ZSTD_c_enableLongDistanceMatching, 1);
    set_cparam(c, ZSTD_c_windowLog, 27);
    r = stream_out(c, API_STREAM2, src, n, comp, cap, 100000, 100000, &clen);
    CHECK(r == 0 && ZSTD_getFrameHeader(&fh, comp, clen) == 0 &&
          fh.windowSize == 1u << 27, "--long frame: %s",
          ZSTD_getErrorName(r));
    set_dparam(d, ZSTD_d_windowLogMax, 26);
    r = stream_in(d, API_STREAM2, comp, clen, back, n + 1, clen, n + 1, &blen);
    CHECK(code_of(r) == ZSTD_error_frameParameter_windowTooLarge,
          "window 2^27 under a limit of 2^26: %s", ZSTD_getErrorName(r));
    CHECK(ok(H(ZSTD_DCtx_reset, d, ZSTD_reset_session_only)), "DCtx_reset");
    set_dparam(d, ZSTD_d_windowLogMax, 27);
    r = stream_in(d, API_STREAM2, comp, clen, back, n + 1, clen, n + 1, &blen);
    CHECK(r == 0 && same(src, n, back, blen), "--long frame decoded: %s",
          ZSTD_getErrorName(r));
    free_cctx(c);
    free_dctx(d);
    free(comp);
    free(back);
}

static void errors(const uint8_t *src, size_t n)
{
    size_t cap = bound(n), clen, r, head;
    uint8_t *comp = malloc(cap), *bad = malloc(cap), *back = malloc(n);

    clen = made(H(ZSTD_compress, comp, cap, src, n, 3));
    CHECK(clen > 0, "compress failed");
    if (!clen) {
        free(comp);
        free(bad);
        free(back);
        return;
    }
    r = H(ZSTD_decompress, back, n - 1, comp, clen);
    CHECK(code_of(r) == ZSTD_error_dstSize_tooSmall, "dst a byte short: %s",
          ZSTD_getErrorName(r));
    r = H(ZSTD_compress, bad, 16, src, n, 3);
    CHECK(code_of(r) == ZSTD_error_dstSize_tooSmall, "compress into 16: %s",
          ZSTD_getErrorName(r));
    r = H(ZSTD_decompress, back, n, comp, clen - 1);
    CHECK(code_of(r) == ZSTD_error_srcSize_wrong, "a byte short: %s",
          ZSTD_getErrorName(r));
    /* Not zstd's magic. */
    memcpy(bad, comp, clen);
    bad[0] ^= 0xff;
    r = H(ZSTD_decompress, back, n, bad, clen);
    CHECK(code_of(r) == ZSTD_error_prefix_unknown, "bad magic: %s",
          ZSTD_getErrorName(r));
    /* The first block of the reserved type. */
    head = ZSTD_frameHeaderSize(comp, clen);
    memcpy(bad, comp, clen);
    bad[head] |= 6;
    r = H(ZSTD_decompress, back, n, bad, clen);
    CHECK(code_of(r) == ZSTD_error_corruption_detected,
          "reserved block type: %s", ZSTD_getErrorName(r));
    free(comp);
    free(bad);
    free(back);
}

/* The program's block pool (test_data.h) as a ZSTD_customMem. */
static void *pool_alloc(void *opaque, size_t size)
{
    return pool_give(opaque, size, "zstd");
}

static void pool_free(void *opaque, void *block)
{
    pool_take(opaque, block);
}

/* A stream round trip through the calls the GA entries count. */
static void ga_stream_trip(ZSTD_CStream *c, ZSTD_DStream *d,
                           const uint8_t *src, size_t n, const char *what)
{
    size_t cap = bound(n), r;
    uint8_t *comp = malloc(cap), *back = malloc(n + 1);
    ZSTD_outBuffer out = { comp, cap, 0 };
    ZSTD_inBuffer in = { src, n, 0 };

    do {
        r = GA(ZSTD_compressStream2, c, &out, &in, ZSTD_e_end);
    } while (ok(r) && r);
    CHECK(r == 0, "%s: compressStream2: %s", what, ZSTD_getErrorName(r));
    in = (ZSTD_inBuffer){ comp, out.pos, 0 };
    out = (ZSTD_outBuffer){ back, n + 1, 0 };
    r = GA(ZSTD_decompressStream, d, &out, &in);
    CHECK(r == 0 && same(src, n, back, out.pos), "%s: %zu of %zu bytes (%s)",
          what, out.pos, n, ZSTD_getErrorName(r));
    free(comp);
    free(back);
}

/*
 * The program's allocators: on the host, its objects' blocks are asked
 * of them (paused calls) and all given back; a dictionary freed while a
 * context references it gives its blocks back then, as the guest's own
 * libzstd would, though the host keeps it for the context.
 */
static void own_allocator(const uint8_t *src, size_t n, const uint8_t *big,
                          size_t big_n)
{
    static Pool pool;
    ZSTD_customMem mem = { pool_alloc, pool_free, &pool };
    Counts tally = { 0, 0 };
    ZSTD_customMem counting = { counted_alloc, counted_free, &tally };
    ZSTD_compressionParameters cp = ZSTD_getCParams(3, 0, 4096);
    ZSTD_CStream *c;
    ZSTD_DStream *d;
    ZSTD_CCtx *w;
    ZSTD_CDict *cd;
    size_t cap = bound(big_n), r;
    uint8_t *comp = malloc(cap), *back = malloc(big_n);
    int before;

    pool_init(&pool, 0);
    c = GA(ZSTD_createCStream_advanced, mem);
    d = GA(ZSTD_createDStream_advanced, mem);
    CHECK(c && d && handle_bit(c) == on_host && handle_bit(d) == on_host &&
          ga_bit(c) == on_host && ga_bit(d) == on_host,
          "objects with an allocator: %p, %p", c, d);
    set_cparam(c, ZSTD_c_compressionLevel, 6);
    set_cparam(c, ZSTD_c_checksumFlag, 1);
    ga_stream_trip(c, d, src, n, "own allocator");
    CHECK(pool.given > 0 && pool.live > 0,
          "the allocator saw %d requests, %d blocks held", pool.given,
          pool.live);
    before = pool.live;
    cd = GA(ZSTD_createCDict_advanced, src, 4096, ZSTD_dlm_byCopy,
            ZSTD_dct_auto, cp, mem);
    CHECK(cd && ga_bit(cd) == on_host && pool.live > before,
          "a dictionary on the pool: %p, %d blocks", cd, pool.live - before);
    CHECK(ok(GA(ZSTD_CCtx_refCDict, c, cd)), "refCDict");
    CHECK(GA(ZSTD_freeCDict, cd) == 0 && pool.live == before,
          "a referenced dictionary freed: %d of its blocks held",
          pool.live - before);
    CHECK(ok(GA(ZSTD_CCtx_refCDict, c, NULL)) && pool.live == before,
          "its reference dropped: %d blocks more", pool.live - before);
    CHECK(GA(ZSTD_freeCStream, c) == 0 && GA(ZSTD_freeDStream, d) == 0,
          "freeing the streams");
    CHECK(pool.live == 0, "%d blocks not given back", pool.live);

    /* Two workers, whose own blocks the host's threads take. */
    w = GA(ZSTD_createCCtx_advanced, counting);
    CHECK(w && ga_bit(w) == on_host, "a context to counting blocks: %p", w);
    set_cparam(w, ZSTD_c_compressionLevel, 3);
    set_cparam(w, ZSTD_c_nbWorkers, 2);
    r = GA(ZSTD_compress2, w, comp, cap, big, big_n);
    CHECK(ok(r) && same(big, big_n, back,
                        H(ZSTD_decompress, back, big_n, comp, r)),
          "two workers on counted blocks: %s", ZSTD_getErrorName(r));
    CHECK(GA(ZSTD_freeCCtx, w) == 0, "freeing it");
    CHECK(tally.allocs > 0 && tally.allocs == tally.frees,
          "counted blocks: %ld taken, %ld given back", tally.allocs,
          tally.frees);
    free(comp);
    free(back);
}

int main(void)
{
    const size_t text_len = 256 << 10, big_len = 1536 << 10;
    uint8_t *text = make_text(text_len), *big = make_text(big_len);
    Input in[3] = {
        { "text", text, text_len },
        { "random", make_random(64 << 10, 7), 64 << 10 },
        { "empty", text, 0 },
    };

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("libzstd %s\n", ZSTD_versionString());
    {
        ZSTD_CCtx *c = (counts[E_ZSTD_createCCtx]++, ZSTD_createCCtx());

        CHECK(c, "ZSTD_createCCtx failed");
        on_host = handle_bit(c);
        printf("%s\n", on_host ? "libzstd's objects are host handles"
                               : "on the guest's own libzstd");
        free_cctx(c);
    }
    known_answers();
    levels(&in[0], true);
    levels(&in[1], false);
    levels(&in[2], false);
    contexts(text, text_len);
    workers(big, big_len);
    streams(text, text_len);
    dictionaries(text, text_len);
    cctx_params(text, text_len);
    errors(text, text_len);
    long_window(text, text_len);
    own_allocator(text, text_len, big, big_len);

    for (int e = 0; e < E_COUNT; e++) {
        printf("expect %s_HTL %lu\n", entry_names[e], counts[e]);
        if (ga_counts[e]) {
            printf("expect %s_ga_HTL %lu\n", entry_names[e], ga_counts[e]);
        }
    }
    printf("%s\n", failures ? "FAIL" : "PASS");
    free(text);
    free(big);
    free(in[1].data);
    return failures ? 1 : 0;
}
