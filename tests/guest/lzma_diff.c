/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test program for liblzma: runs the same liblzma calls on the
 * same inputs and prints a transcript of everything observable: return
 * codes, output sizes and FNV-1a hashes of outputs (computed here),
 * total_in/total_out after each lzma_code call with small and odd buffer
 * sizes, the error cases (corrupt, truncated, memory limits, unsupported
 * checks, bad filters and options), flushes and barriers, filter updates,
 * a guest allocator that logs every request and refuses the n-th, the
 * buffer functions, the index, block, stream-flags, VLI, properties,
 * filter-flags and filter-string functions, and the version. The test
 * script requires the transcripts of passthrough, fallback and the guest's
 * own liblzma to be identical. The last line is END. Memory sizes (memusage,
 * allocation requests) are printed coarsely, in MiB and pages: the host's
 * and a guest's liblzma lay out their coder state a few bytes apart.
 *
 * usage: lzma_diff DIR [quick]   (DIR: a scratch directory, unused)
 */
#include <inttypes.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lzma_chains.h"
#include "test_data.h"

static int quick;

/*
 * Codes in (n bytes) into out (cap), chunk bytes at a time each way, with
 * action `finish` once all input is given; prints every call's result
 * (the first 12 and any but LZMA_OK) with total_in/total_out. Returns the
 * last code.
 */
static int quiet_calls;   /* threaded coders: per-call output varies */

static lzma_ret drive(const char *what, lzma_stream *s, const uint8_t *in,
                      size_t n, uint8_t *out, size_t cap, size_t chunk,
                      lzma_action finish)
{
    lzma_ret rc;
    int calls = 0;

    s->next_in = in + s->total_in;
    s->next_out = out + s->total_out;
    do {
        size_t left = n - (s->next_in - in), room = cap - (s->next_out - out);
        s->avail_in = left < chunk ? left : chunk;
        s->avail_out = room < chunk ? room : chunk;
        rc = lzma_code(s, left <= chunk ? finish : LZMA_RUN);
        calls++;
        if (!quiet_calls && (calls <= 12 || rc != LZMA_OK)) {
            emit("%s code#%d rc=%d in=%" PRIu64 " out=%" PRIu64, what, calls,
                 rc, s->total_in, s->total_out);
        }
    } while (rc == LZMA_OK && calls < 2000000);
    emit("%s calls=%d rc=%d in=%" PRIu64 " out=%" PRIu64 " hash=%016" PRIx64,
         what, quiet_calls ? 0 : calls, rc, s->total_in, s->total_out,
         fnv(out, s->next_out - out));
    return rc;
}

static size_t xz_encode(const Input *in, uint32_t preset, lzma_check check,
                        uint8_t *out, size_t cap)
{
    size_t pos = 0;
    lzma_ret rc = lzma_easy_buffer_encode(preset, check, NULL, in->data,
                                          in->len, out, &pos, cap);

    emit("easy_buffer_encode %s preset=%#x check=%d rc=%d len=%zu hash=%016"
         PRIx64, in->name, (unsigned)preset, check, rc, pos, fnv(out, pos));
    return pos;
}

static void chunked(const Input *in)
{
    static const size_t chunks[] = { 1, 7, 4096 };
    size_t cap = lzma_stream_buffer_bound(in->len) + 64;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    char what[96];

    for (int c = 0; c < 3; c++) {
        lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
        lzma_ret rc;

        if (chunks[c] == 1 && in->len > 20000) {
            continue;
        }
        snprintf(what, sizeof(what), "xz %s chunk=%zu", in->name, chunks[c]);
        rc = lzma_easy_encoder(&e, c == 2 ? 6 : 1, LZMA_CHECK_CRC64);
        emit("%s easy_encoder=%d memusage=%" PRIu64 " MiB", what, rc,
             lzma_memusage(&e) >> 20);
        drive(what, &e, in->data, in->len, comp, cap, chunks[c], LZMA_FINISH);
        size_t clen = e.total_out;
        lzma_end(&e);
        rc = lzma_stream_decoder(&d, UINT64_MAX, LZMA_TELL_ANY_CHECK);
        emit("%s stream_decoder=%d", what, rc);
        d.next_in = comp;
        d.avail_in = clen;
        d.next_out = back;
        d.avail_out = 0;
        rc = lzma_code(&d, LZMA_RUN);
        emit("%s get_check rc=%d check=%d", what, rc, lzma_get_check(&d));
        rc = drive(what, &d, comp, clen, back, in->len + 64, chunks[c],
                   LZMA_FINISH);
        emit("%s decoded same=%d memusage=%" PRIu64 " MiB", what,
             d.total_out == in->len && !memcmp(back, in->data, in->len),
             lzma_memusage(&d) >> 20);
        lzma_end(&d);
    }
    free(comp);
    free(back);
}

static void errors(const Input *in)
{
    size_t cap = lzma_stream_buffer_bound(in->len) + 64;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    size_t clen = xz_encode(in, 6, LZMA_CHECK_CRC32, comp, cap);
    lzma_stream d = LZMA_STREAM_INIT;
    lzma_ret rc;

    /* Truncated: LZMA_FINISH gives BUF_ERROR; corrupt: DATA_ERROR. */
    rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
    drive("truncated", &d, comp, clen - clen / 3, back, in->len + 64, 4096,
          LZMA_FINISH);
    lzma_end(&d);
    comp[clen / 2] ^= 0x21;
    rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
    drive("corrupt", &d, comp, clen, back, in->len + 64, 4096, LZMA_FINISH);
    lzma_end(&d);
    comp[clen / 2] ^= 0x21;
    /* Not .xz at all. */
    rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
    drive("format", &d, (const uint8_t *)"this is not xz data", 19, back,
          in->len + 64, 4096, LZMA_FINISH);
    lzma_end(&d);
    rc = lzma_auto_decoder(&d, UINT64_MAX, 0);
    drive("auto format", &d, (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff",
          7, back, in->len + 64, 4096, LZMA_FINISH);
    lzma_end(&d);
    /* Memory limit too small, then raised. */
    rc = lzma_stream_decoder(&d, 4096, 0);
    emit("memlimit decoder=%d get=%" PRIu64, rc, lzma_memlimit_get(&d));
    rc = drive("memlimit", &d, comp, clen, back, in->len + 64, 4096,
               LZMA_FINISH);
    {
        /* One call per statement: argument order is unspecified. */
        uint64_t usage = lzma_memusage(&d) >> 20;
        lzma_ret s1 = lzma_memlimit_set(&d, 1);
        uint64_t g1 = lzma_memlimit_get(&d);
        lzma_ret s2 = lzma_memlimit_set(&d, 64 << 20);
        emit("memlimit usage=%" PRIu64 " MiB set(1)=%d get=%" PRIu64
             " set(64M)=%d get=%" PRIu64, usage, s1, g1, s2,
             lzma_memlimit_get(&d));
    }
    drive("memlimit raised", &d, comp, clen, back, in->len + 64, 4096,
          LZMA_FINISH);
    lzma_end(&d);
    /* Unsupported check (ID 9 reserved): patch header flags and CRC. */
    {
        uint8_t *c2 = malloc(clen);
        memcpy(c2, comp, clen);
        c2[7] = 0x09;
        uint32_t crc = lzma_crc32(c2 + 6, 2, 0);
        memcpy(c2 + 8, &crc, 4);   /* little-endian guests only */
        rc = lzma_stream_decoder(&d, UINT64_MAX, LZMA_TELL_UNSUPPORTED_CHECK);
        drive("unsupported check", &d, c2, clen, back, in->len + 64, 4096,
              LZMA_FINISH);
        lzma_end(&d);
        rc = lzma_stream_decoder(&d, UINT64_MAX, LZMA_TELL_NO_CHECK);
        drive("reserved check plain", &d, c2, clen, back, in->len + 64, 4096,
              LZMA_FINISH);
        lzma_end(&d);
        free(c2);
    }
    /* Bad filters and options. */
    {
        lzma_options_lzma opt;
        lzma_stream e = LZMA_STREAM_INIT;
        lzma_filter bad_id[] = { { 0x7777, NULL },
                                 { LZMA_VLI_UNKNOWN, NULL } };
        lzma_filter chain[] = { { LZMA_FILTER_LZMA2, &opt },
                                { LZMA_VLI_UNKNOWN, NULL } };
        lzma_filter lzma1_last[] = { { LZMA_FILTER_LZMA2, &opt },
                                     { LZMA_FILTER_X86, NULL },
                                     { LZMA_VLI_UNKNOWN, NULL } };

        emit("raw_encoder bad id=%d", lzma_raw_encoder(&e, bad_id));
        emit("stream_encoder bad id=%d",
             lzma_stream_encoder(&e, bad_id, LZMA_CHECK_CRC32));
        emit("raw_decoder bad id=%d", lzma_raw_decoder(&e, bad_id));
        emit("lzma_preset(99)=%d", lzma_lzma_preset(&opt, 99));
        lzma_lzma_preset(&opt, 6);
        opt.dict_size = 0;
        emit("dict_size 0: raw_encoder=%d", lzma_raw_encoder(&e, chain));
        opt.dict_size = 1 << 20;
        opt.lc = 4;
        opt.lp = 4;
        emit("lc+lp>4: raw_encoder=%d", lzma_raw_encoder(&e, chain));
        lzma_lzma_preset(&opt, 6);
        emit("x86 last: raw_encoder=%d", lzma_raw_encoder(&e, lzma1_last));
        rc = lzma_easy_encoder(&e, 10, LZMA_CHECK_CRC32);
        emit("easy_encoder preset 10=%d", rc);
        emit("easy_encoder check 99=%d",
             lzma_easy_encoder(&e, 6, (lzma_check)99));
        emit("stream_decoder bad flags=%d",
             lzma_stream_decoder(&e, UINT64_MAX, 0x8000));
        lzma_end(&e);
    }
    /* The buffer functions with too small an output. */
    {
        uint8_t small[40];
        size_t pos = 3, ipos = 0;
        uint64_t limit = UINT64_MAX;
        rc = lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in->data,
                                     in->len, small, &pos, sizeof(small));
        emit("easy_buffer_encode small rc=%d pos=%zu", rc, pos);
        pos = 5;
        rc = lzma_stream_buffer_decode(&limit, 0, NULL, comp, &ipos, clen,
                                       small, &pos, sizeof(small));
        emit("stream_buffer_decode small rc=%d ipos=%zu pos=%zu", rc, ipos,
             pos);
        limit = 100;
        ipos = 0;
        pos = 0;
        rc = lzma_stream_buffer_decode(&limit, 0, NULL, comp, &ipos, clen,
                                       back, &pos, in->len + 64);
        emit("stream_buffer_decode limit 100 rc=%d limit=%" PRIu64
             " MiB ipos=%zu pos=%zu", rc, limit >> 20, ipos, pos);
        ipos = 0;
        pos = 0;
        limit = UINT64_MAX;
        rc = lzma_stream_buffer_decode(&limit, 0, NULL, comp, &ipos,
                                       clen - 1, back, &pos, in->len + 64);
        emit("stream_buffer_decode truncated rc=%d ipos=%zu pos=%zu", rc,
             ipos, pos);
    }
    free(comp);
    free(back);
}

/* Flushes, barriers and a filter update mid-stream. */
static void flushes(const Input *in)
{
    static const lzma_action actions[] = { LZMA_SYNC_FLUSH, LZMA_FULL_FLUSH,
                                           LZMA_FULL_BARRIER };
    size_t cap = lzma_stream_buffer_bound(in->len) + 4096;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    lzma_options_lzma opt, opt2;
    lzma_filter chain[] = { { LZMA_FILTER_LZMA2, &opt },
                            { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter chain2[] = { { LZMA_FILTER_LZMA2, &opt2 },
                             { LZMA_VLI_UNKNOWN, NULL } };

    lzma_lzma_preset(&opt, 6);
    lzma_lzma_preset(&opt2, 1);
    for (int a = 0; a < 3; a++) {
        lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
        lzma_ret rc = lzma_stream_encoder(&e, chain, LZMA_CHECK_CRC32);
        size_t third = in->len / 3;
        char what[64];

        snprintf(what, sizeof(what), "flush %s action=%d", in->name,
                 actions[a]);
        emit("%s init=%d", what, rc);
        e.next_in = in->data;
        e.avail_in = third;
        e.next_out = comp;
        e.avail_out = cap;
        do {
            rc = lzma_code(&e, actions[a]);
        } while (rc == LZMA_OK);
        emit("%s flush rc=%d in=%" PRIu64 " out=%" PRIu64, what, rc,
             e.total_in, e.total_out);
        /* lzma_filters_update: after a full flush or barrier it applies
         * to the next block; after a sync flush LZMA2's options change. */
        opt2.nice_len = a == 0 ? 16 : opt2.nice_len;
        rc = lzma_filters_update(&e, chain2);
        emit("%s filters_update=%d", what, rc);
        e.avail_in = in->len - third;
        do {
            rc = lzma_code(&e, LZMA_FINISH);
        } while (rc == LZMA_OK);
        emit("%s finish rc=%d in=%" PRIu64 " out=%" PRIu64 " hash=%016" PRIx64,
             what, rc, e.total_in, e.total_out, fnv(comp, e.total_out));
        size_t clen = e.total_out;
        lzma_end(&e);
        rc = lzma_stream_decoder(&d, UINT64_MAX, 0);
        rc = drive(what, &d, comp, clen, back, in->len + 64, 4096,
                   LZMA_FINISH);
        emit("%s same=%d", what,
             d.total_out == in->len && !memcmp(back, in->data, in->len));
        lzma_end(&d);
    }
    free(comp);
    free(back);
}

/* The pool (test_data.h) as an lzma_allocator: requests named in pages,
 * as liblzma's sizes differ between versions by bytes. */
static void *pool_alloc(void *opaque, size_t nmemb, size_t size)
{
    char what[32];

    snprintf(what, sizeof(what), "%zu pages", nmemb * size >> 12);
    return pool_give(opaque, nmemb * size, what);
}

static void pool_free(void *opaque, void *b)
{
    pool_take(opaque, b);
}

/* An encoder and a decoder on the pool, refusing request refuse_at (0:
 * none); returns 1 if both init and coding succeeded. */
static int pool_roundtrip(const Input *in, int refuse_at)
{
    size_t cap = lzma_stream_buffer_bound(in->len) + 64;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    Pool p;
    lzma_allocator a = { pool_alloc, pool_free, &p };
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret rc, rc2 = LZMA_PROG_ERROR;
    char what[64];

    pool_init(&p, refuse_at);
    s.allocator = &a;
    snprintf(what, sizeof(what), "pool %s refuse=%d", in->name, refuse_at);
    emit("%s", what);
    rc = lzma_easy_encoder(&s, 1, LZMA_CHECK_CRC64);
    emit("%s easy_encoder=%d", what, rc);
    if (rc == LZMA_OK) {
        rc = drive(what, &s, in->data, in->len, comp, cap, 4096, LZMA_FINISH);
    }
    size_t clen = s.total_out;
    lzma_end(&s);
    emit("%s after encoder end live=%d", what, p.live);
    if (rc == LZMA_STREAM_END) {
        s = (lzma_stream)LZMA_STREAM_INIT;
        s.allocator = &a;
        rc2 = lzma_stream_decoder(&s, UINT64_MAX, 0);
        emit("%s stream_decoder=%d", what, rc2);
        if (rc2 == LZMA_OK) {
            rc2 = drive(what, &s, comp, clen, back, in->len + 64, 4096,
                        LZMA_FINISH);
        }
        lzma_end(&s);
    }
    emit("%s calls=%d live=%d", what, p.calls, p.live);
    free(comp);
    free(back);
    return rc == LZMA_STREAM_END && rc2 == LZMA_STREAM_END;
}

/* The pool's stream s, freshly initialised by init (an expression on s);
 * then one lzma_code to the end, lzma_end, and the pool's count. */
#define POOL_RUN(name, init, src, n, dst, dcap, len)                        \
    do {                                                                    \
        lzma_ret rc_;                                                       \
        s = (lzma_stream)LZMA_STREAM_INIT;                                  \
        s.allocator = &a;                                                   \
        rc_ = (init);                                                       \
        s.next_in = (src);                                                  \
        s.avail_in = (n);                                                   \
        s.next_out = (dst);                                                 \
        s.avail_out = (dcap);                                               \
        emit("pool %s init=%d code=%d", name, rc_,                          \
             rc_ == LZMA_OK ? lzma_code(&s, LZMA_FINISH) : rc_);            \
        len = s.total_out;                                                  \
        lzma_end(&s);                                                       \
        emit("pool %s out=%zu hash=%08x live=%d", name, len,                \
             lzma_crc32((dst), len, 0), p.live);                            \
    } while (0)

/* Every other coder on the pool once, and a filter chain update. */
static void pool_coders(const Input *in)
{
    size_t cap = lzma_stream_buffer_bound(in->len) + 64, n_xz, n_al, n_raw;
    size_t n_mi, n_back, pos = 0;
    uint8_t *xz = malloc(cap), *al = malloc(cap), *raw = malloc(cap);
    uint8_t *mi = malloc(cap), *back = malloc(in->len + 64);
    Pool p;
    lzma_allocator a = { pool_alloc, pool_free, &p };
    lzma_options_lzma opt, opt2;
    lzma_filter chain[2] = { { LZMA_FILTER_LZMA2, &opt },
                             { LZMA_VLI_UNKNOWN, NULL } };
    lzma_filter chain2[2] = { { LZMA_FILTER_LZMA2, &opt2 },
                              { LZMA_VLI_UNKNOWN, NULL } };
    lzma_stream s;

    pool_init(&p, 0);
    lzma_lzma_preset(&opt, 1);
    lzma_lzma_preset(&opt2, 1);
    opt2.nice_len = 16;
    /* The stream encoder, its chain updated before any data. */
    POOL_RUN("stream_encoder",
             lzma_stream_encoder(&s, chain, LZMA_CHECK_CRC32) ?:
             lzma_filters_update(&s, chain2),
             in->data, in->len, xz, cap, n_xz);
    POOL_RUN("alone_encoder", lzma_alone_encoder(&s, &opt), in->data,
             in->len, al, cap, n_al);
    POOL_RUN("raw_encoder", lzma_raw_encoder(&s, chain), in->data, in->len,
             raw, cap, n_raw);
    /* MicroLZMA: as much as fits in 1000 bytes. */
    POOL_RUN("microlzma_encoder", lzma_microlzma_encoder(&s, &opt), in->data,
             in->len, mi, 1000, n_mi);
    POOL_RUN("auto_decoder", lzma_auto_decoder(&s, UINT64_MAX, 0), xz, n_xz,
             back, in->len + 64, n_back);
    POOL_RUN("alone_decoder", lzma_alone_decoder(&s, UINT64_MAX), al, n_al,
             back, in->len + 64, n_back);
    POOL_RUN("raw_decoder", lzma_raw_decoder(&s, chain), raw, n_raw, back,
             in->len + 64, n_back);
    POOL_RUN("microlzma_decoder",
             lzma_microlzma_decoder(&s, n_mi, in->len, 0, opt.dict_size),
             mi, n_mi, back, in->len + 64, n_back);
    /* Not lzip data: the decoder's format error. */
    POOL_RUN("lzip_decoder", lzma_lzip_decoder(&s, UINT64_MAX, 0), xz, n_xz,
             back, in->len + 64, n_back);
    /* The buffer encoder with the library's own allocator. */
    emit("stream_buffer_encode=%d",
         lzma_stream_buffer_encode(chain, LZMA_CHECK_CRC64, NULL, in->data,
                                   in->len, xz, &pos, cap));
    emit("stream_buffer_encode out=%zu hash=%08x", pos, lzma_crc32(xz, pos, 0));
    free(xz);
    free(al);
    free(raw);
    free(mi);
    free(back);
}

static void allocators(const Input *in)
{
    pool_coders(in);
    pool_roundtrip(in, 0);
    for (int n = 1; n < 200 && !pool_roundtrip(in, n); n++) {
    }
}

static void formats(const Input *in)
{
    size_t cap = lzma_stream_buffer_bound(in->len) + 64;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    lzma_options_lzma opt;
    LzmaChains c;
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    lzma_ret rc;
    char what[64];

    lzma_lzma_preset(&opt, 2);
    lzma_chains_init(&c, &opt, 3);
    rc = lzma_alone_encoder(&e, &opt);
    snprintf(what, sizeof(what), "alone %s", in->name);
    emit("%s encoder=%d", what, rc);
    drive(what, &e, in->data, in->len, comp, cap, 7, LZMA_FINISH);
    size_t clen = e.total_out;
    {
        uint64_t pin, pout;

        lzma_get_progress(&e, &pin, &pout);
        emit("%s progress in=%" PRIu64 " out=%" PRIu64, what, pin, pout);
    }
    lzma_end(&e);
    emit("%s alone_decoder=%d", what, lzma_alone_decoder(&d, UINT64_MAX));
    drive(what, &d, comp, clen, back, in->len + 64, 4096, LZMA_FINISH);
    emit("%s auto_decoder=%d", what, lzma_auto_decoder(&d, UINT64_MAX, 0));
    drive(what, &d, comp, clen, back, in->len + 64, 4096, LZMA_FINISH);
    lzma_end(&d);
    /* The same LZMA1 data as an lzip member: "LZIP", version 1, the
     * dictionary size as a power of two, the payload (with its end
     * marker), then the CRC-32, data size and member size. */
    {
        size_t plen = clen - 13, mlen = 6 + plen + 20;
        uint8_t *lz = malloc(mlen);
        uint32_t crc = lzma_crc32(in->data, in->len, 0);
        uint64_t dsize = in->len, msize = mlen;
        int shift = 12;

        while ((1u << shift) < opt.dict_size) {
            shift++;
        }
        memcpy(lz, "LZIP\x01", 5);
        lz[5] = (uint8_t)shift;
        memcpy(lz + 6, comp + 13, plen);
        memcpy(lz + 6 + plen, &crc, 4);   /* little-endian guests only */
        memcpy(lz + 10 + plen, &dsize, 8);
        memcpy(lz + 18 + plen, &msize, 8);
        emit("%s lzip_decoder=%d", what, lzma_lzip_decoder(&d, UINT64_MAX, 0));
        drive(what, &d, lz, mlen, back, in->len + 64, 4096, LZMA_FINISH);
        lzma_end(&d);
        free(lz);
    }
    for (int i = 0; i < 3; i++) {
        size_t pos = 0, ipos = 0, bpos = 0;
        snprintf(what, sizeof(what), "raw %s chain=%d", in->name, i);
        emit("%s encoder=%d", what, lzma_raw_encoder(&e, c.chain[i]));
        drive(what, &e, in->data, in->len, comp, cap, 4096, LZMA_FINISH);
        clen = e.total_out;
        lzma_end(&e);
        emit("%s decoder=%d", what, lzma_raw_decoder(&d, c.chain[i]));
        drive(what, &d, comp, clen, back, in->len + 64, 4096, LZMA_RUN);
        lzma_end(&d);
        rc = lzma_raw_buffer_encode(c.chain[i], NULL, in->data, in->len, comp,
                                    &pos, cap);
        emit("%s buffer_encode rc=%d len=%zu hash=%016" PRIx64, what, rc, pos,
             fnv(comp, pos));
        rc = lzma_raw_buffer_decode(c.chain[i], NULL, comp, &ipos, pos, back,
                                    &bpos, in->len + 64);
        emit("%s buffer_decode rc=%d ipos=%zu len=%zu same=%d", what, rc, ipos,
             bpos, bpos == in->len && !memcmp(back, in->data, in->len));
    }
    /* MicroLZMA. */
    lzma_lzma_preset(&opt, 6);
    emit("microlzma encoder=%d", lzma_microlzma_encoder(&e, &opt));
    e.next_in = in->data;
    e.avail_in = in->len;
    e.next_out = comp;
    e.avail_out = in->len / 2 + 16;   /* may not all fit */
    rc = lzma_code(&e, LZMA_FINISH);
    emit("microlzma code rc=%d in=%" PRIu64 " out=%" PRIu64 " hash=%016" PRIx64,
         rc, e.total_in, e.total_out, fnv(comp, e.total_out));
    clen = e.total_out;
    size_t ulen = e.total_in;
    lzma_end(&e);
    emit("microlzma decoder=%d",
         lzma_microlzma_decoder(&d, clen, ulen, 1, opt.dict_size));
    drive("microlzma", &d, comp, clen, back, in->len + 64, 7, LZMA_FINISH);
    lzma_end(&d);
    /* Multithreaded: output independent of thread timing. */
    {
        lzma_mt mt = { .threads = 2, .block_size = 16384, .preset = 1,
                       .check = LZMA_CHECK_CRC32,
                       .memlimit_stop = UINT64_MAX,
                       .memlimit_threading = UINT64_MAX };
        emit("mt encoder=%d", lzma_stream_encoder_mt(&e, &mt));
        quiet_calls = 1;
        drive("mt", &e, in->data, in->len, comp, cap, 65536, LZMA_FINISH);
        quiet_calls = 0;
        clen = e.total_out;
        lzma_end(&e);
        emit("mt decoder=%d", lzma_stream_decoder_mt(&d, &mt));
        d.next_in = comp;
        d.avail_in = clen;
        d.next_out = back;
        d.avail_out = in->len + 64;
        do {
            rc = lzma_code(&d, LZMA_FINISH);
        } while (rc == LZMA_OK);
        emit("mt decode rc=%d out=%" PRIu64 " same=%d", rc, d.total_out,
             d.total_out == in->len && !memcmp(back, in->data, in->len));
        lzma_end(&d);
    }
    free(comp);
    free(back);
}

static void index_and_blocks(const Input *in)
{
    lzma_index *i = lzma_index_init(NULL), *i2 = NULL;
    uint8_t buf[4096];
    size_t pos = 0, ipos = 0;
    uint64_t limit = UINT64_MAX;
    lzma_index_iter it;
    lzma_ret rc;

    for (int k = 0; k < 5; k++) {
        rc = lzma_index_append(i, NULL, 100 + k * 13, 1000 + k * 1000);
        emit("index_append %d rc=%d", k, rc);
    }
    emit("index blocks=%" PRIu64 " size=%" PRIu64 " total=%" PRIu64
         " file=%" PRIu64 " unc=%" PRIu64 " stream_size=%" PRIu64,
         lzma_index_block_count(i), lzma_index_size(i),
         lzma_index_total_size(i), lzma_index_file_size(i),
         lzma_index_uncompressed_size(i), lzma_index_stream_size(i));
    rc = lzma_index_buffer_encode(i, buf, &pos, sizeof(buf));
    emit("index_buffer_encode rc=%d len=%zu hash=%016" PRIx64, rc, pos,
         fnv(buf, pos));
    rc = lzma_index_buffer_decode(&i2, &limit, NULL, buf, &ipos, pos);
    emit("index_buffer_decode rc=%d ipos=%zu blocks=%" PRIu64, rc, ipos,
         i2 ? lzma_index_block_count(i2) : 0);
    lzma_index_iter_init(&it, i);
    while (!lzma_index_iter_next(&it, LZMA_INDEX_ITER_BLOCK)) {
        emit("iter block %" PRIu64 " coff=%" PRIu64 " uoff=%" PRIu64
             " usize=%" PRIu64, it.block.number_in_file,
             it.block.compressed_file_offset,
             it.block.uncompressed_file_offset, it.block.unpadded_size);
    }
    {
        lzma_bool r = lzma_index_iter_locate(&it, 2500);
        emit("iter locate 2500=%d block=%" PRIu64, r,
             it.block.number_in_file);
    }
    emit("iter locate 1e9=%d", lzma_index_iter_locate(&it, 1000000000));
    lzma_index_end(i, NULL);
    lzma_index_end(i2, NULL);

    /* Block encode/decode, header, and the stream flags. */
    {
        lzma_options_lzma opt;
        lzma_filter filters[LZMA_FILTERS_MAX + 1] = {
            { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
        lzma_filter got[LZMA_FILTERS_MAX + 1];
        lzma_block b = { .version = 0, .check = LZMA_CHECK_CRC32,
                         .filters = filters };
        size_t cap = lzma_block_buffer_bound(in->len), bpos = 0;
        uint8_t *blk = malloc(cap), *back = malloc(in->len + 64);
        uint8_t hdr[LZMA_STREAM_HEADER_SIZE];
        lzma_stream_flags f = { .version = 0, .check = LZMA_CHECK_CRC64 }, g;

        lzma_lzma_preset(&opt, 3);
        rc = lzma_block_buffer_encode(&b, NULL, in->data, in->len, blk, &bpos,
                                      cap);
        emit("block_buffer_encode rc=%d len=%zu hash=%016" PRIx64
             " hsize=%u csize=%" PRIu64 " unpadded=%" PRIu64 " total=%" PRIu64,
             rc, bpos, fnv(blk, bpos), b.header_size, b.compressed_size,
             lzma_block_unpadded_size(&b), lzma_block_total_size(&b));
        lzma_block b2 = { .version = 0, .check = LZMA_CHECK_CRC32,
                          .filters = got };
        b2.header_size = lzma_block_header_size_decode(blk[0]);
        rc = lzma_block_header_decode(&b2, NULL, blk);
        emit("block_header_decode rc=%d hsize=%u csize=%" PRIu64
             " usize=%" PRIu64 " filter=%" PRIx64 " dict=%u", rc,
             b2.header_size, b2.compressed_size, b2.uncompressed_size,
             got[0].id, ((lzma_options_lzma *)got[0].options)->dict_size);
        size_t ip = b2.header_size, op = 0;
        rc = lzma_block_buffer_decode(&b2, NULL, blk, &ip, bpos, back, &op,
                                      in->len + 64);
        emit("block_buffer_decode rc=%d ip=%zu op=%zu same=%d usize=%" PRIu64
             " check=%016" PRIx64, rc, ip, op,
             op == in->len && !memcmp(back, in->data, in->len),
             b2.uncompressed_size, fnv(b2.raw_check, sizeof(b2.raw_check)));
        /* Stored, not compressed: the same block format. */
        b.version = 1;
        b.check = LZMA_CHECK_SHA256;
        bpos = 0;
        rc = lzma_block_uncomp_encode(&b, in->data, in->len, blk, &bpos, cap);
        emit("block_uncomp_encode rc=%d len=%zu hash=%016" PRIx64
             " hsize=%u csize=%" PRIu64 " check=%016" PRIx64, rc, bpos,
             fnv(blk, bpos), b.header_size, b.compressed_size,
             fnv(b.raw_check, sizeof(b.raw_check)));
        b.check = LZMA_CHECK_CRC32;
        lzma_filters_free(got, NULL);
        b2.filters = filters;
        b2.compressed_size = LZMA_VLI_UNKNOWN;
        b2.uncompressed_size = LZMA_VLI_UNKNOWN;
        rc = lzma_block_header_size(&b2);
        emit("block_header_size=%d size=%u", rc, b2.header_size);
        rc = lzma_block_header_encode(&b2, hdr);
        emit("block_header_encode=%d hash=%016" PRIx64, rc,
             fnv(hdr, b2.header_size));
        b2.header_size = 3;
        emit("block_compressed_size bad=%d",
             lzma_block_compressed_size(&b2, 1));
        rc = lzma_stream_header_encode(&f, hdr);
        emit("stream_header_encode=%d hash=%016" PRIx64, rc,
             fnv(hdr, sizeof(hdr)));
        rc = lzma_stream_header_decode(&g, hdr);
        emit("stream_header_decode=%d check=%d", rc, g.check);
        emit("stream_flags_compare=%d", lzma_stream_flags_compare(&f, &g));
        hdr[3] ^= 1;
        emit("stream_header_decode corrupt=%d",
             lzma_stream_header_decode(&g, hdr));
        f.backward_size = 1024;
        rc = lzma_stream_footer_encode(&f, hdr);
        emit("stream_footer_encode=%d hash=%016" PRIx64, rc,
             fnv(hdr, sizeof(hdr)));
        rc = lzma_stream_footer_decode(&g, hdr);
        emit("stream_footer_decode=%d back=%" PRIu64, rc, g.backward_size);
        f.backward_size = 3;
        emit("stream_footer_encode bad=%d", lzma_stream_footer_encode(&f, hdr));
        free(blk);
        free(back);
    }
    /* VLIs. */
    {
        static const lzma_vli vals[] = { 0, 1, 127, 128, 16383, 16384,
                                         LZMA_VLI_MAX, LZMA_VLI_MAX + 1 };
        for (int k = 0; k < 8; k++) {
            uint8_t v[LZMA_VLI_BYTES_MAX];
            size_t vp = 0, dp = 0;
            lzma_vli back = 0;
            rc = lzma_vli_encode(vals[k], NULL, v, &vp, sizeof(v));
            lzma_ret rc2 = lzma_vli_decode(&back, NULL, v, &dp, vp);
            emit("vli %" PRIu64 " size=%u encode=%d len=%zu decode=%d back=%"
                 PRIu64, vals[k], lzma_vli_size(vals[k]), rc, vp, rc2, back);
        }
    }
    /* Properties, filter flags, filter strings, filters_copy/free. */
    {
        lzma_options_lzma opt;
        lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 7 };
        lzma_filter chain[] = { { LZMA_FILTER_DELTA, &delta },
                                { LZMA_FILTER_LZMA2, &opt },
                                { LZMA_VLI_UNKNOWN, NULL } };
        lzma_filter copy[LZMA_FILTERS_MAX + 1], parsed[LZMA_FILTERS_MAX + 1];
        uint8_t props[16], ff[64];
        uint32_t psize = 0, ffsize = 0;
        size_t fp = 0, fdp = 0;
        lzma_filter back = { LZMA_VLI_UNKNOWN, NULL };
        char *str = NULL;
        const char *err;
        int epos = -1;

        lzma_lzma_preset(&opt, 6);
        rc = lzma_properties_size(&psize, &chain[1]);
        emit("properties_size=%d size=%u", rc, psize);
        rc = lzma_properties_encode(&chain[1], props);
        emit("properties_encode=%d hash=%016" PRIx64, rc, fnv(props, psize));
        back.id = LZMA_FILTER_LZMA2;
        rc = lzma_properties_decode(&back, NULL, props, psize);
        emit("properties_decode=%d dict=%u", rc,
             ((lzma_options_lzma *)back.options)->dict_size);
        free(back.options);
        rc = lzma_filter_flags_size(&ffsize, &chain[0]);
        emit("filter_flags_size=%d size=%u", rc, ffsize);
        rc = lzma_filter_flags_encode(&chain[0], ff, &fp, sizeof(ff));
        emit("filter_flags_encode=%d len=%zu hash=%016" PRIx64, rc, fp,
             fnv(ff, fp));
        back.options = NULL;
        rc = lzma_filter_flags_decode(&back, NULL, ff, &fdp, fp);
        emit("filter_flags_decode=%d id=%" PRIx64 " dist=%u", rc, back.id,
             back.options ? ((lzma_options_delta *)back.options)->dist : 0);
        free(back.options);
        rc = lzma_filters_copy(chain, copy, NULL);
        emit("filters_copy=%d ids=%" PRIx64 ",%" PRIx64 " dict=%u", rc,
             copy[0].id, copy[1].id,
             ((lzma_options_lzma *)copy[1].options)->dict_size);
        rc = lzma_str_from_filters(&str, copy, 0, NULL);
        emit("str_from_filters=%d %s", rc, str ? str : "-");
        free(str);
        str = NULL;
        rc = lzma_str_from_filters(&str, copy, LZMA_STR_ENCODER, NULL);
        emit("str_from_filters encoder=%d %s", rc, str ? str : "-");
        free(str);
        lzma_filters_free(copy, NULL);
        err = lzma_str_to_filters("x86 lzma2:preset=3e,nice=100", &epos,
                                  parsed, 0, NULL);
        emit("str_to_filters err=%s pos=%d ids=%" PRIx64 ",%" PRIx64,
             err ? err : "-", epos, parsed[0].id, parsed[1].id);
        lzma_filters_free(parsed, NULL);
        err = lzma_str_to_filters("lzma2:dict=1Q", &epos, parsed, 0, NULL);
        emit("str_to_filters bad err=%s pos=%d", err ? err : "-", epos);
        err = lzma_str_to_filters("nosuch", &epos, parsed, 0, NULL);
        emit("str_to_filters unknown err=%s pos=%d", err ? err : "-", epos);
        str = NULL;
        rc = lzma_str_list_filters(&str, LZMA_VLI_UNKNOWN, 0, NULL);
        emit("str_list_filters=%d %s", rc, str ? str : "-");
        free(str);
    }
}

#ifdef LZMA_FILTER_RISCV
/*
 * A filter newer than the host's liblzma (5.8's RISC-V BCJ, in riscv64's
 * GTL): encoded on the guest's own liblzma; decoded by decoders set up on
 * the host, which give the stream to the guest's when they meet the
 * filter (libs/lzma/gtl.c), fed a byte at a time and in blocks, and by
 * the buffer-to-buffer decoder.
 */
static void newer_filters(const Input *in)
{
    static const size_t chunks[] = { 1, 4096 };
    size_t cap = lzma_stream_buffer_bound(in->len) + 64, clen = 0;
    uint8_t *comp = malloc(cap), *back = malloc(in->len + 64);
    lzma_options_lzma opt;
    lzma_filter chain[] = { { LZMA_FILTER_RISCV, NULL },
                            { LZMA_FILTER_LZMA2, &opt },
                            { LZMA_VLI_UNKNOWN, NULL } };
    uint64_t memlimit = UINT64_MAX;
    size_t in_pos = 0, out_pos = 0;
    lzma_ret rc;

    lzma_lzma_preset(&opt, 1);
    rc = lzma_stream_buffer_encode(chain, LZMA_CHECK_CRC32, NULL, in->data,
                                   in->len, comp, &clen, cap);
    emit("riscv stream_buffer_encode=%d len=%zu hash=%016" PRIx64, rc, clen,
         fnv(comp, clen));
    for (int c = 0; c < 2; c++) {
        for (int aut = 0; aut < 2; aut++) {
            lzma_stream d = LZMA_STREAM_INIT;
            char what[64];

            snprintf(what, sizeof(what), "riscv %s chunk=%zu",
                     aut ? "auto" : "stream", chunks[c]);
            rc = aut ? lzma_auto_decoder(&d, UINT64_MAX, LZMA_TELL_ANY_CHECK)
                     : lzma_stream_decoder(&d, UINT64_MAX, 0);
            emit("%s decoder=%d", what, rc);
            drive(what, &d, comp, clen, back, in->len + 64, chunks[c],
                  LZMA_FINISH);
            lzma_end(&d);
        }
    }
    rc = lzma_stream_buffer_decode(&memlimit, 0, NULL, comp, &in_pos, clen,
                                   back, &out_pos, in->len + 64);
    emit("riscv stream_buffer_decode=%d in=%zu out=%zu same=%d", rc, in_pos,
         out_pos, out_pos == in->len && !memcmp(back, in->data, in->len));
    free(comp);
    free(back);
}
#endif

static void misc(void)
{
    static const uint8_t nine[] = "123456789";

    emit("version_number=%u string=%s", lzma_version_number(),
         lzma_version_string());
    emit("crc32=%08" PRIx32 " crc64=%016" PRIx64, lzma_crc32(nine, 9, 0),
         lzma_crc64(nine, 9, 0));
    for (int c = 0; c <= 16; c++) {
        emit("check %d supported=%d size=%u", c,
             lzma_check_is_supported((lzma_check)c),
             lzma_check_size((lzma_check)c));
    }
    for (uint32_t p = 0; p <= 9; p++) {
        emit("preset %u enc=%" PRIu64 " dec=%" PRIu64, p,
             lzma_easy_encoder_memusage(p), lzma_easy_decoder_memusage(p));
    }
    emit("encoder supported lzma2=%d x86=%d bogus=%d",
         lzma_filter_encoder_is_supported(LZMA_FILTER_LZMA2),
         lzma_filter_encoder_is_supported(LZMA_FILTER_X86),
         lzma_filter_encoder_is_supported(0x4000));
    emit("mode supported fast=%d normal=%d 7=%d",
         lzma_mode_is_supported(LZMA_MODE_FAST),
         lzma_mode_is_supported(LZMA_MODE_NORMAL),
         lzma_mode_is_supported((lzma_mode)7));
    emit("stream_buffer_bound(12345)=%zu block_buffer_bound=%zu",
         lzma_stream_buffer_bound(12345), lzma_block_buffer_bound(12345));
}

int main(int argc, char **argv)
{
    Input inputs[5];
    const char *dir;

    diff_args(argc, argv, &dir, &quick);
    inputs[0] = (Input){ "empty", make_text(0), 0 };
    inputs[1] = (Input){ "one", (uint8_t *)strdup("x"), 1 };
    inputs[2] = (Input){ "text", make_text(100000), 100000 };
    inputs[3] = (Input){ "random", make_random(20000, 7), 20000 };
    inputs[4] = (Input){ "mixed", make_text(70000), 70000 };
    memcpy(inputs[4].data + 20000, make_random(20000, 9), 20000);

    misc();
    for (int i = 0; i < 5; i++) {
        size_t cap = lzma_stream_buffer_bound(inputs[i].len);
        uint8_t *c = malloc(cap);
        for (uint32_t p = 0; p <= 9; p += quick ? 3 : 1) {
            xz_encode(&inputs[i], p, LZMA_CHECK_CRC64, c, cap);
        }
        xz_encode(&inputs[i], 6 | LZMA_PRESET_EXTREME, LZMA_CHECK_SHA256, c,
                  cap);
        free(c);
        chunked(&inputs[i]);
    }
    for (int i = 2; i < 5; i++) {
        errors(&inputs[i]);
        flushes(&inputs[i]);
        formats(&inputs[i]);
    }
    allocators(&inputs[2]);
    index_and_blocks(&inputs[2]);
#ifdef LZMA_FILTER_RISCV
    newer_filters(&inputs[3]);
#endif
    printf("END\n");
    return 0;
}
