/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program for liblzma: exercises the functions the GTL passes
 * through with known answers and round trips (easy, stream, auto, .lzma,
 * raw and filter chains, the multithreaded coders, MicroLZMA, the buffer
 * functions, CRC-32 and CRC-64 against references computed here, memory
 * limits, checks, progress) and a stream with its own lzma_allocator. It
 * prints "expect <entry> <n>": how many times it called each function
 * (calls on the allocator's stream as <NAME>_ga_HTL), which the test script
 * compares with the plugin's stats. Exit status 0 and "PASS" only if every
 * check held.
 */
#include <inttypes.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "soft_checksums.h"
#include "lzma_chains.h"
#include "test_data.h"

static int failures;

#define ENTRIES(X)                                                          \
    X(easy_encoder) X(stream_encoder) X(alone_encoder) X(raw_encoder)      \
    X(microlzma_encoder) X(stream_decoder) X(auto_decoder)                 \
    X(alone_decoder) X(raw_decoder) X(microlzma_decoder)                   \
    X(stream_encoder_mt) X(stream_decoder_mt) X(code) X(end) X(memusage)   \
    X(memlimit_get) X(memlimit_set) X(get_check) X(get_progress)           \
    X(easy_buffer_encode) X(stream_buffer_encode) X(stream_buffer_decode)  \
    X(raw_buffer_encode) X(raw_buffer_decode) X(crc32) X(crc64)

#define ENUM(n) F_##n,
#define NAME(n) "lzma_" #n,
enum { ENTRIES(ENUM) F_N };
static const char *const names[F_N] = { ENTRIES(NAME) };
static unsigned long calls[F_N], ga_calls[F_N];

/* Counted wrappers: N(f, ...) calls lzma_f and counts it. */
#define N(f, ...) (calls[F_##f]++, lzma_##f(__VA_ARGS__))

/* Runs strm to the end: input in, output to out (cap bytes), chunked by
 * chunk bytes each way; returns the last code and the output size. */
static lzma_ret run(lzma_stream *s, const uint8_t *in, size_t n, uint8_t *out,
                    size_t cap, size_t chunk, size_t *out_len,
                    unsigned long *count)
{
    lzma_ret rc;

    /* From where the stream is: a decoder may have read a header. */
    s->next_in = in + s->total_in;
    s->next_out = out + s->total_out;
    do {
        size_t used_in = s->next_in - in, used_out = s->next_out - out;
        s->avail_in = n - used_in < chunk ? n - used_in : chunk;
        s->avail_out = cap - used_out < chunk ? cap - used_out : chunk;
        rc = lzma_code(s, s->avail_in < chunk || n - used_in == s->avail_in
                          ? LZMA_FINISH : LZMA_RUN);
        (*count)++;
    } while (rc == LZMA_OK);
    *out_len = s->next_out - out;
    return rc;
}

static int same(const uint8_t *a, size_t n, const uint8_t *b, size_t m)
{
    return n == m && (n == 0 || !memcmp(a, b, n));
}

/* Decodes comp with an initialised decoder into back; checks the result
 * and ends the stream. */
static void decode_check(lzma_stream *d, const uint8_t *comp, size_t clen,
                         const uint8_t *src, size_t n, const char *what)
{
    uint8_t *back = malloc(n + 64);
    size_t blen;
    lzma_ret rc = run(d, comp, clen, back, n + 64, 4096, &blen, &calls[F_code]);

    CHECK(rc == LZMA_STREAM_END && same(src, n, back, blen),
          "%s: decode rc %d, %zu of %zu bytes", what, rc, blen, n);
    N(end, d);
    free(back);
}

static size_t encode(lzma_stream *e, const uint8_t *src, size_t n,
                     uint8_t *comp, size_t cap, size_t chunk, const char *what)
{
    size_t clen;
    lzma_ret rc = run(e, src, n, comp, cap, chunk, &clen, &calls[F_code]);

    CHECK(rc == LZMA_STREAM_END, "%s: encode rc %d", what, rc);
    return clen;
}

static void easy_roundtrips(const uint8_t *src, size_t n, const char *name)
{
    static const uint32_t presets[] = { 0, 3, 6, 1 | LZMA_PRESET_EXTREME };
    static const lzma_check checks[] = { LZMA_CHECK_NONE, LZMA_CHECK_CRC32,
                                         LZMA_CHECK_CRC64, LZMA_CHECK_SHA256 };
    size_t cap = n + n / 2 + 4096;
    uint8_t *comp = malloc(cap);

    for (int p = 0; p < 4; p++) {
        for (int c = 0; c < 4; c++) {
            lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
            char what[96];
            lzma_ret rc;
            size_t clen;

            snprintf(what, sizeof(what), "easy %s preset %#x check %d", name,
                     (unsigned)presets[p], checks[c]);
            rc = N(easy_encoder, &e, presets[p], checks[c]);
            CHECK(rc == LZMA_OK, "%s: init %d", what, rc);
            if (rc != LZMA_OK) {
                continue;
            }
            clen = encode(&e, src, n, comp, cap, 65536, what);
            N(end, &e);
            /* Stream decoder with TELL_ANY_CHECK, then the auto decoder. */
            rc = N(stream_decoder, &d, UINT64_MAX, LZMA_TELL_ANY_CHECK);
            CHECK(rc == LZMA_OK, "%s: stream_decoder %d", what, rc);
            d.next_in = comp;
            d.avail_in = clen;
            {
                uint8_t tmp[16];
                d.next_out = tmp;
                d.avail_out = 0;
                rc = N(code, &d, LZMA_RUN);
                CHECK(rc == LZMA_GET_CHECK, "%s: GET_CHECK rc %d", what, rc);
                CHECK(N(get_check, &d) == checks[c], "%s: get_check %d", what,
                      lzma_get_check(&d));
                /* The decoder's memory: at least its own state. */
                CHECK(N(memusage, &d) > 0, "%s: memusage 0", what);
            }
            decode_check(&d, comp, clen, src, n, what);
            rc = N(auto_decoder, &d, UINT64_MAX, 0);
            CHECK(rc == LZMA_OK, "%s: auto_decoder %d", what, rc);
            decode_check(&d, comp, clen, src, n, what);
        }
    }
    free(comp);
}

static void alone_roundtrip(const uint8_t *src, size_t n)
{
    lzma_options_lzma opt;
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen;
    uint8_t *comp = malloc(cap);
    lzma_ret rc;

    CHECK(!lzma_lzma_preset(&opt, 3), "lzma_lzma_preset(3) failed");
    rc = N(alone_encoder, &e, &opt);
    CHECK(rc == LZMA_OK, "alone_encoder %d", rc);
    clen = encode(&e, src, n, comp, cap, 10000, "alone");
    N(end, &e);
    CHECK(clen > 13 && comp[0] == 0x5d, "alone header %#x", comp[0]);
    rc = N(alone_decoder, &d, UINT64_MAX);
    CHECK(rc == LZMA_OK, "alone_decoder %d", rc);
    decode_check(&d, comp, clen, src, n, "alone");
    /* The auto decoder recognises .lzma too. */
    rc = N(auto_decoder, &d, UINT64_MAX, 0);
    CHECK(rc == LZMA_OK, "auto_decoder %d", rc);
    decode_check(&d, comp, clen, src, n, "auto .lzma");
    free(comp);
}

static void raw_roundtrips(const uint8_t *src, size_t n)
{
    lzma_options_lzma opt;
    LzmaChains c;
    size_t cap = n + n / 2 + 4096;
    uint8_t *comp = malloc(cap), *back = malloc(n + 64);

    lzma_lzma_preset(&opt, 6);
    lzma_chains_init(&c, &opt, 4);
    for (int i = 0; i < 3; i++) {
        lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
        char what[32];
        size_t clen, cpos = 0, bpos = 0;
        lzma_ret rc;

        snprintf(what, sizeof(what), "raw chain %d", i);
        rc = N(raw_encoder, &e, c.chain[i]);
        CHECK(rc == LZMA_OK, "%s: raw_encoder %d", what, rc);
        clen = encode(&e, src, n, comp, cap, 7777, what);
        N(end, &e);
        rc = N(raw_decoder, &d, c.chain[i]);
        CHECK(rc == LZMA_OK, "%s: raw_decoder %d", what, rc);
        decode_check(&d, comp, clen, src, n, what);

        /* The buffer functions make the same bytes. */
        rc = N(raw_buffer_encode, c.chain[i], NULL, src, n, back, &cpos, n + 64);
        CHECK(rc == LZMA_OK && cpos == clen && !memcmp(back, comp, clen),
              "%s: raw_buffer_encode rc %d, %zu bytes (stream %zu)", what, rc,
              cpos, clen);
        {
            uint8_t *out = malloc(n + 64);
            size_t ipos = 0;
            rc = N(raw_buffer_decode, c.chain[i], NULL, comp, &ipos, clen, out,
                   &bpos, n + 64);
            CHECK(rc == LZMA_OK && ipos == clen && same(src, n, out, bpos),
                  "%s: raw_buffer_decode rc %d, %zu bytes", what, rc, bpos);
            free(out);
        }
    }
    free(comp);
    free(back);
}

static void stream_chain_roundtrip(const uint8_t *src, size_t n)
{
    lzma_options_lzma opt;
    lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 2 };
    lzma_filter chain[] = { { LZMA_FILTER_DELTA, &delta },
                            { LZMA_FILTER_LZMA2, &opt },
                            { LZMA_VLI_UNKNOWN, NULL } };
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen;
    uint8_t *comp = malloc(cap);
    lzma_ret rc;

    lzma_lzma_preset(&opt, 2);
    rc = N(stream_encoder, &e, chain, LZMA_CHECK_CRC32);
    CHECK(rc == LZMA_OK, "stream_encoder %d", rc);
    clen = encode(&e, src, n, comp, cap, 4096, "stream chain");
    N(end, &e);
    rc = N(stream_decoder, &d, UINT64_MAX, 0);
    CHECK(rc == LZMA_OK, "stream_decoder %d", rc);
    decode_check(&d, comp, clen, src, n, "stream chain");
    free(comp);
}

static void mt_roundtrip(const uint8_t *src, size_t n)
{
    lzma_mt mt = { .threads = 2, .block_size = 64 << 10, .preset = 1,
                   .check = LZMA_CHECK_CRC64, .memlimit_stop = UINT64_MAX,
                   .memlimit_threading = UINT64_MAX };
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen;
    uint8_t *comp = malloc(cap);
    lzma_index *idx = NULL;
    uint64_t pin = 0, pout = 0;
    lzma_ret rc;

    rc = N(stream_encoder_mt, &e, &mt);
    CHECK(rc == LZMA_OK, "stream_encoder_mt %d", rc);
    clen = encode(&e, src, n, comp, cap, 8192, "mt");
    N(get_progress, &e, &pin, &pout);
    CHECK(pin == n && pout == clen, "mt progress %" PRIu64 "/%" PRIu64, pin,
          pout);
    N(end, &e);
    /* Several blocks: the index says how many. */
    {
        lzma_stream_flags f;
        uint64_t mlimit = UINT64_MAX;
        size_t ipos = 0;
        uint8_t *foot = comp + clen - LZMA_STREAM_HEADER_SIZE;
        if (lzma_stream_footer_decode(&f, foot) == LZMA_OK &&
            lzma_index_buffer_decode(&idx, &mlimit, NULL,
                                     foot - f.backward_size, &ipos,
                                     f.backward_size) == LZMA_OK) {
            CHECK(lzma_index_block_count(idx) >= (n >> 16),
                  "mt: %" PRIu64 " blocks", lzma_index_block_count(idx));
            lzma_index_end(idx, NULL);
        } else {
            CHECK(0, "mt: cannot read the index");
        }
    }
    rc = N(stream_decoder_mt, &d, &mt);
    CHECK(rc == LZMA_OK, "stream_decoder_mt %d", rc);
    decode_check(&d, comp, clen, src, n, "mt");
    free(comp);
}

static void microlzma_roundtrip(const uint8_t *src, size_t n)
{
    lzma_options_lzma opt;
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen, blen;
    uint8_t *comp = malloc(cap), *back = malloc(n + 64);
    lzma_ret rc;

    lzma_lzma_preset(&opt, 6);
    rc = N(microlzma_encoder, &e, &opt);
    CHECK(rc == LZMA_OK, "microlzma_encoder %d", rc);
    /* One call: MicroLZMA encodes as much as fits the output. */
    e.next_in = src;
    e.avail_in = n;
    e.next_out = comp;
    e.avail_out = cap;
    rc = N(code, &e, LZMA_FINISH);
    CHECK(rc == LZMA_STREAM_END && e.total_in == n, "microlzma encode %d", rc);
    clen = e.total_out;
    N(end, &e);
    rc = N(microlzma_decoder, &d, clen, n, 1, opt.dict_size);
    CHECK(rc == LZMA_OK, "microlzma_decoder %d", rc);
    d.next_in = comp;
    d.avail_in = clen;
    d.next_out = back;
    d.avail_out = n + 64;
    rc = N(code, &d, LZMA_FINISH);
    blen = d.total_out;
    CHECK(rc == LZMA_STREAM_END && same(src, n, back, blen),
          "microlzma decode %d, %zu bytes", rc, blen);
    N(end, &d);
    free(comp);
    free(back);
}

static void buffer_functions(const uint8_t *src, size_t n)
{
    size_t cap = lzma_stream_buffer_bound(n), cpos = 0, ipos = 0, bpos = 0;
    uint8_t *comp = malloc(cap), *back = malloc(n + 64), *c2 = malloc(cap);
    lzma_options_lzma opt;
    lzma_filter chain[] = { { LZMA_FILTER_LZMA2, &opt },
                            { LZMA_VLI_UNKNOWN, NULL } };
    uint64_t limit = UINT64_MAX;
    size_t c2pos = 0;
    lzma_ret rc;

    rc = N(easy_buffer_encode, 6, LZMA_CHECK_CRC64, NULL, src, n, comp, &cpos,
           cap);
    CHECK(rc == LZMA_OK && cpos > 0, "easy_buffer_encode %d", rc);
    rc = N(stream_buffer_decode, &limit, 0, NULL, comp, &ipos, cpos, back,
           &bpos, n + 64);
    CHECK(rc == LZMA_OK && ipos == cpos && same(src, n, back, bpos),
          "stream_buffer_decode %d, %zu bytes", rc, bpos);
    lzma_lzma_preset(&opt, 6);
    rc = N(stream_buffer_encode, chain, LZMA_CHECK_CRC64, NULL, src, n, c2,
           &c2pos, cap);
    CHECK(rc == LZMA_OK && c2pos == cpos && !memcmp(c2, comp, cpos),
          "stream_buffer_encode %d: %zu bytes, easy %zu", rc, c2pos, cpos);
    /* Too small an output; a memory limit too small; corrupt data. */
    {
        uint8_t small[16];
        size_t sp = 0;
        rc = N(easy_buffer_encode, 6, LZMA_CHECK_CRC64, NULL, src, n, small,
               &sp, sizeof(small));
        CHECK(rc == LZMA_BUF_ERROR && sp == 0, "small easy_buffer_encode %d",
              rc);
        limit = 1;
        ipos = bpos = 0;
        rc = N(stream_buffer_decode, &limit, 0, NULL, comp, &ipos, cpos, back,
               &bpos, n + 64);
        CHECK(rc == LZMA_MEMLIMIT_ERROR && limit > 1,
              "stream_buffer_decode memlimit 1: %d, needs %" PRIu64, rc,
              limit);
        comp[cpos / 2] ^= 0x40;
        limit = UINT64_MAX;
        ipos = bpos = 0;
        rc = N(stream_buffer_decode, &limit, 0, NULL, comp, &ipos, cpos, back,
               &bpos, n + 64);
        CHECK(rc == LZMA_DATA_ERROR, "corrupt stream_buffer_decode %d", rc);
    }
    free(comp);
    free(back);
    free(c2);
}

static void checksums(void)
{
    static const uint8_t nine[] = "123456789";
    const size_t n = 64 << 10;
    uint8_t *b = malloc(n);
    uint32_t c32;
    uint64_t c64;

    CHECK(N(crc32, nine, 9, 0) == 0xcbf43926u, "crc32 check value");
    CHECK(N(crc64, nine, 9, 0) == 0x995dc9bbdf1939faULL, "crc64 check value");
    CHECK(N(crc32, nine, 0, 0) == 0, "crc32 of nothing");
    for (int i = 0; i < 4; i++) {
        fill_random(b, n, 1000 + i);
        if (i == 3) {
            fill_text(b, n);
        }
        c32 = N(crc32, b, n, 0);
        CHECK(c32 == soft_crc32(b, n), "crc32 64 KiB #%d: %08" PRIx32, i, c32);
        c64 = N(crc64, b, n, 0);
        CHECK(c64 == soft_crc64(b, n), "crc64 64 KiB #%d: %016" PRIx64, i, c64);
        /* In two parts, carried on. */
        c32 = N(crc32, b + 1000, n - 1000, N(crc32, b, 1000, 0));
        CHECK(c32 == soft_crc32(b, n), "crc32 in two parts #%d", i);
        c64 = N(crc64, b + 999, n - 999, N(crc64, b, 999, 0));
        CHECK(c64 == soft_crc64(b, n), "crc64 in two parts #%d", i);
    }
    free(b);
}

static void memlimits(const uint8_t *src, size_t n)
{
    lzma_stream e = LZMA_STREAM_INIT, d = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen;
    uint8_t *comp = malloc(cap), *back = malloc(n + 64);
    uint64_t got;
    lzma_ret rc;

    rc = N(easy_encoder, &e, 6, LZMA_CHECK_CRC32);
    CHECK(rc == LZMA_OK, "memlimit source encoder %d", rc);
    clen = encode(&e, src, n, comp, cap, 65536, "memlimit source");
    N(end, &e);
    rc = N(stream_decoder, &d, 1 << 16, 0);
    CHECK(rc == LZMA_OK, "stream_decoder(64 KiB) %d", rc);
    got = N(memlimit_get, &d);
    CHECK(got == 1 << 16, "memlimit_get %" PRIu64, got);
    d.next_in = comp;
    d.avail_in = clen;
    d.next_out = back;
    d.avail_out = n + 64;
    rc = N(code, &d, LZMA_FINISH);
    CHECK(rc == LZMA_MEMLIMIT_ERROR, "decode under 64 KiB: %d", rc);
    got = N(memusage, &d);
    CHECK(got > 1 << 16, "memusage %" PRIu64, got);
    rc = N(memlimit_set, &d, 1);
    CHECK(rc == LZMA_OK || rc == LZMA_MEMLIMIT_ERROR, "memlimit_set(1) %d", rc);
    rc = N(memlimit_set, &d, 256 << 20);
    CHECK(rc == LZMA_OK, "memlimit_set(256 MiB) %d", rc);
    CHECK(N(memlimit_get, &d) == 256 << 20, "memlimit_get after set");
    rc = N(code, &d, LZMA_FINISH);
    CHECK(rc == LZMA_STREAM_END && same(src, n, back, d.total_out),
          "decode after raising the limit: %d", rc);
    N(end, &d);
    free(comp);
    free(back);
}

/* An allocator that counts and checks: every free one it gave; all freed
 * by lzma_end. */
#define MAX_BLOCKS 512

typedef struct CountingPool {
    uint32_t magic;
    int allocs, frees, bad_frees, live;
    void *blocks[MAX_BLOCKS];
} CountingPool;

static void *pool_alloc(void *opaque, size_t nmemb, size_t size)
{
    CountingPool *p = opaque;
    void *b;

    if (p->magic != 0x4c5a4d41 || p->allocs == MAX_BLOCKS) {
        return NULL;
    }
    b = malloc(nmemb * size > 0 ? nmemb * size : 1);
    p->blocks[p->allocs++] = b;
    p->live++;
    return b;
}

static void pool_free(void *opaque, void *b)
{
    CountingPool *p = opaque;
    int i;

    if (!b) {
        return;
    }
    for (i = 0; i < p->allocs && p->blocks[i] != b; i++) {
    }
    if (i == p->allocs) {
        p->bad_frees++;
        return;
    }
    p->blocks[i] = NULL;
    p->frees++;
    p->live--;
    free(b);
}

#define GA(f, ...) (ga_calls[F_##f]++, lzma_##f(__VA_ARGS__))

static void allocator_roundtrip(const uint8_t *src, size_t n)
{
    static CountingPool pool;
    lzma_allocator a = { pool_alloc, pool_free, &pool };
    lzma_stream s = LZMA_STREAM_INIT;
    size_t cap = n + n / 2 + 4096, clen, blen;
    uint8_t *comp = malloc(cap), *back = malloc(n + 64);
    lzma_ret rc;

    pool.magic = 0x4c5a4d41;
    s.allocator = &a;
    rc = GA(easy_encoder, &s, 6, LZMA_CHECK_CRC64);
    CHECK(rc == LZMA_OK, "allocator easy_encoder %d", rc);
    CHECK(pool.allocs > 0, "the encoder allocated nothing from the pool");
    rc = run(&s, src, n, comp, cap, 9000, &clen, &ga_calls[F_code]);
    CHECK(rc == LZMA_STREAM_END, "allocator encode %d", rc);
    GA(end, &s);
    CHECK(pool.live == 0 && pool.bad_frees == 0,
          "after the encoder's lzma_end: %d live, %d bad frees", pool.live,
          pool.bad_frees);
    int enc_allocs = pool.allocs;
    s = (lzma_stream)LZMA_STREAM_INIT;
    s.allocator = &a;
    rc = GA(stream_decoder, &s, UINT64_MAX, LZMA_CONCATENATED);
    CHECK(rc == LZMA_OK, "allocator stream_decoder %d", rc);
    rc = run(&s, comp, clen, back, n + 64, 5000, &blen, &ga_calls[F_code]);
    CHECK(rc == LZMA_STREAM_END && same(src, n, back, blen),
          "allocator decode %d, %zu bytes", rc, blen);
    CHECK(pool.allocs > enc_allocs, "the decoder allocated nothing");
    GA(end, &s);
    CHECK(pool.live == 0 && pool.bad_frees == 0 && pool.frees == pool.allocs,
          "after lzma_end: %d allocs, %d frees, %d live, %d bad frees",
          pool.allocs, pool.frees, pool.live, pool.bad_frees);
    free(comp);
    free(back);
}

int main(void)
{
    const size_t big = 1 << 20, small = 100000;
    uint8_t *text = malloc(big), *rnd = malloc(big);

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("%s\n", lzma_version_string());
    fill_text(text, big);
    fill_random(rnd, big, 42);
    memcpy(text + big / 2, rnd, big / 8);   /* some of it incompressible */

    checksums();
    easy_roundtrips(text, 0, "empty");
    easy_roundtrips(text, small, "text");
    easy_roundtrips(rnd, 20000, "random");
    alone_roundtrip(text, small);
    raw_roundtrips(text, small);
    stream_chain_roundtrip(text, small);
    mt_roundtrip(text, big);
    microlzma_roundtrip(text, small);
    buffer_functions(text, small);
    memlimits(text, big);
    allocator_roundtrip(text, small);
    {
        lzma_stream z = LZMA_STREAM_INIT;
        /* A stream never initialised has nothing on the host: a no-op the
         * GTL keeps on the guest, so not counted. */
        lzma_end(&z);
    }

    for (int i = 0; i < F_N; i++) {
        printf("expect %s_HTL %lu\n", names[i], calls[i]);
    }
    for (int i = 0; i < F_N; i++) {
        if (ga_calls[i]) {
            printf("expect %s_ga_HTL %lu\n", names[i], ga_calls[i]);
        }
    }
    printf("%s\n", failures ? "FAIL" : "PASS");
    free(text);
    free(rnd);
    return failures ? 1 : 0;
}
