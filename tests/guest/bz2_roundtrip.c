/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program for libbz2: the buffer functions at block sizes 1, 5
 * and 9 and work factors 0, 30 and 250 on text, repetitive and random data
 * and on nothing; a known answer of bzip2 1.0.8; the stream functions fed
 * in odd chunks with BZ_RUN, BZ_FLUSH and BZ_FINISH, out-of-sequence
 * actions refused, decompressed in odd chunks with small 0 and 1, their
 * totals; too small an output, corrupt, truncated and concatenated input;
 * and streams with their own allocator, which must see the library's real
 * requests, get every block back, and may refuse one (BZ_MEM_ERROR). It
 * prints "expect <entry> <n>": how many times it called each host function
 * (on a stream with its own allocator as <NAME>_ga_HTL), which the test
 * script compares with the plugin's stats. Exit status 0 and "PASS" only
 * if every check held.
 */
#include <bzlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_data.h"

static int failures;

enum {
    E_COMPRESS_INIT, E_COMPRESS, E_COMPRESS_END, E_DECOMPRESS_INIT,
    E_DECOMPRESS, E_DECOMPRESS_END, E_BUFF_COMPRESS, E_BUFF_DECOMPRESS,
    E_COUNT
};
static const char *const entry_names[E_COUNT] = {
    "BZ2_bzCompressInit", "BZ2_bzCompress", "BZ2_bzCompressEnd",
    "BZ2_bzDecompressInit", "BZ2_bzDecompress", "BZ2_bzDecompressEnd",
    "BZ2_bzBuffToBuffCompress", "BZ2_bzBuffToBuffDecompress",
};
/* Calls made, by entry; those on a stream with its own allocator apart. */
static unsigned long host_calls[E_COUNT], ga_host_calls[E_COUNT];

/*
 * "hello, bzip2\n" compressed by bzip2 1.0.8 at blockSize100k 9 (any work
 * factor): the bytes BZ2_bzBuffToBuffCompress of Debian's libbz2 1.0.8
 * gave, the same on amd64 and arm64.
 */
static const char hello[] = "hello, bzip2\n";
static const uint8_t hello_bz2[55] =
    "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\xb1\x23\xde\x43\x00\x00"
    "\x03\x59\x80\x00\x10\x40\x04\x10\x00\x12\x64\xc0\x10\x20\x00\x31"
    "\x03\x40\xd0\x20\x01\xa6\x91\x03\xab\x6c\x82\x84\xf8\xbb\x92\x29"
    "\xc2\x84\x85\x89\x1e\xf2\x18";

/* An empty stream after "BZh<digit>": the end-of-stream magic, CRC 0. */
static const uint8_t empty_tail[10] = {
    0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0x00, 0x00, 0x00, 0x00,
};

/* A stream's own allocator: test_data's Pool, and the size of each
 * request it was made. */
#define MAX_REQUESTS 16

typedef struct SizedPool {
    Pool pool;
    int requests;
    size_t sizes[MAX_REQUESTS];
} SizedPool;

static void *sized_alloc(void *opaque, int n, int m)
{
    SizedPool *sp = opaque;
    size_t bytes = (size_t)n * (size_t)m;

    if (sp->requests < MAX_REQUESTS) {
        sp->sizes[sp->requests] = bytes;
    }
    sp->requests++;
    return pool_give(&sp->pool, bytes, "bz");
}

static void sized_free(void *opaque, void *block)
{
    pool_take(&((SizedPool *)opaque)->pool, block);
}

/* A bz_stream, and its allocator's pool (NULL: libbz2's own). */
typedef struct Stream {
    bz_stream bz;
    SizedPool *pool;
} Stream;

/* Every Init starts from a zeroed stream: libbz2 writes its defaults into
 * bzalloc and bzfree, which must not pass for an allocator next time. */
static void stream_reset(Stream *st, SizedPool *pool, int refuse_at)
{
    memset(st, 0, sizeof(*st));
    st->pool = pool;
    if (pool) {
        memset(pool, 0, sizeof(*pool));
        pool_init(&pool->pool, refuse_at);
        st->bz.bzalloc = sized_alloc;
        st->bz.bzfree = sized_free;
        st->bz.opaque = pool;
    }
}

/* Counts a call of entry e on st, and gives the bz_stream to call it on.
 * BZ2_bzCompress never allocates: it keeps its name on either stream. */
static bz_stream *counted(Stream *st, int e)
{
    if (st->pool && e != E_COMPRESS) {
        ga_host_calls[e]++;
    } else {
        host_calls[e]++;
    }
    return &st->bz;
}

/* libbz2 takes its input as char *, never writing it. */
static char *as_chars(const void *p)
{
    return (char *)p;
}

static int buff_compress(void *dest, unsigned *len, const void *src,
                         size_t n, int block, int work)
{
    host_calls[E_BUFF_COMPRESS]++;
    return BZ2_bzBuffToBuffCompress(dest, len, as_chars(src), n, block, 0,
                                    work);
}

static int buff_decompress(void *dest, unsigned *len, const void *src,
                           size_t n, int small)
{
    host_calls[E_BUFF_DECOMPRESS]++;
    return BZ2_bzBuffToBuffDecompress(dest, len, as_chars(src), n, small, 0);
}

static unsigned smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

static bool equal(const void *a, size_t n, const void *b, size_t m)
{
    return n == m && (n == 0 || !memcmp(a, b, n));
}

/* BZ_RUN until the input reaches end, ichunk bytes in, ochunk out. */
static int run_until(Stream *st, const char *end, unsigned ichunk,
                     char *out_end, unsigned ochunk)
{
    int rc = BZ_RUN_OK;

    while (rc == BZ_RUN_OK && st->bz.next_in < end) {
        st->bz.avail_in = smaller(ichunk, end - st->bz.next_in);
        st->bz.avail_out = smaller(ochunk, out_end - st->bz.next_out);
        rc = BZ2_bzCompress(counted(st, E_COMPRESS), BZ_RUN);
    }
    return rc;
}

/*
 * A BZ_FLUSH or BZ_FINISH to its end: its `avail` bytes of input given at
 * once (the library wants avail_in left as it leaves it), output taken
 * ochunk bytes at a time. Once it is under way, a BZ_RUN must be refused.
 * Returns the last code: BZ_RUN_OK ends a flush, BZ_STREAM_END a finish.
 */
static int drain(Stream *st, int action, unsigned avail, char *out_end,
                 unsigned ochunk)
{
    int busy = action == BZ_FLUSH ? BZ_FLUSH_OK : BZ_FINISH_OK, rc;
    bool probed = false;

    st->bz.avail_in = avail;
    for (;;) {
        st->bz.avail_out = smaller(ochunk, out_end - st->bz.next_out);
        rc = BZ2_bzCompress(counted(st, E_COMPRESS), action);
        if (rc != busy) {
            return rc;
        }
        if (!probed) {
            probed = true;
            rc = BZ2_bzCompress(counted(st, E_COMPRESS), BZ_RUN);
            CHECK(rc == BZ_SEQUENCE_ERROR, "BZ_RUN during action %d: %d",
                  action, rc);
        }
    }
}

/* Compresses all of src on an initialised stream (the last 1000 bytes by
 * BZ_FINISH) and ends it; returns the compressed size. */
static unsigned compress_all(Stream *st, const uint8_t *src, size_t n,
                             char *out, size_t cap, unsigned ichunk,
                             unsigned ochunk, const char *what)
{
    size_t tail = n < 1000 ? n : 1000;
    int rc;

    st->bz.next_in = as_chars(src);
    st->bz.next_out = out;
    rc = run_until(st, as_chars(src + n - tail), ichunk, out + cap, ochunk);
    CHECK(rc == BZ_RUN_OK, "%s: BZ_RUN %d", what, rc);
    rc = drain(st, BZ_FINISH, tail, out + cap, ochunk);
    CHECK(rc == BZ_STREAM_END, "%s: BZ_FINISH %d", what, rc);
    CHECK(st->bz.total_in_lo32 == n && st->bz.total_in_hi32 == 0 &&
          st->bz.total_out_lo32 == st->bz.next_out - out &&
          st->bz.total_out_hi32 == 0, "%s: totals in %u, out %u", what,
          st->bz.total_in_lo32, st->bz.total_out_lo32);
    rc = BZ2_bzCompressEnd(counted(st, E_COMPRESS_END));
    CHECK(rc == BZ_OK, "%s: BZ2_bzCompressEnd %d", what, rc);
    return st->bz.total_out_lo32;
}

/* Feeds n bytes of in to an initialised decompressor until it ends, fails
 * or makes no more progress (input cut short, or no room left). */
static int decompress_chunks(Stream *st, const void *in, size_t n, char *out,
                             size_t cap, unsigned ichunk, unsigned ochunk)
{
    const char *end = as_chars(in) + n;
    int rc;

    st->bz.next_in = as_chars(in);
    st->bz.next_out = out;
    for (;;) {
        unsigned was_in = st->bz.total_in_lo32, was_out = st->bz.total_out_lo32;

        st->bz.avail_in = smaller(ichunk, end - st->bz.next_in);
        st->bz.avail_out = smaller(ochunk, out + cap - st->bz.next_out);
        rc = BZ2_bzDecompress(counted(st, E_DECOMPRESS));
        if (rc != BZ_OK || (st->bz.total_in_lo32 == was_in &&
                            st->bz.total_out_lo32 == was_out)) {
            return rc;
        }
    }
}

/* Decompresses comp on the reset stream st and ends it: src must come
 * back exactly, with the totals to match. */
static void decompress_check(Stream *st, const void *comp, size_t clen,
                             const uint8_t *src, size_t n, int small,
                             unsigned ichunk, unsigned ochunk, const char *what)
{
    char *back = malloc(n + 64);
    int rc = BZ2_bzDecompressInit(counted(st, E_DECOMPRESS_INIT), 0, small);

    CHECK(rc == BZ_OK, "%s: BZ2_bzDecompressInit(small %d) %d", what, small,
          rc);
    if (rc == BZ_OK) {
        rc = decompress_chunks(st, comp, clen, back, n + 64, ichunk, ochunk);
        CHECK(rc == BZ_STREAM_END && equal(src, n, back, st->bz.total_out_lo32),
              "%s, small %d: rc %d, %u of %zu bytes", what, small, rc,
              st->bz.total_out_lo32, n);
        CHECK(st->bz.total_in_lo32 == clen && st->bz.total_in_hi32 == 0 &&
              st->bz.total_out_hi32 == 0, "%s, small %d: %u of %zu bytes in",
              what, small, st->bz.total_in_lo32, clen);
        rc = BZ2_bzDecompressEnd(counted(st, E_DECOMPRESS_END));
        CHECK(rc == BZ_OK, "%s: BZ2_bzDecompressEnd %d", what, rc);
    }
    free(back);
}

static void buffer_roundtrips(const uint8_t *src, size_t n, const char *name)
{
    static const int blocks[] = { 1, 5, 9 }, works[] = { 0, 30, 250 };
    unsigned cap = n + n / 100 + 600;
    char *comp = malloc(cap), *first = malloc(cap), *back = malloc(n + 1);

    for (int b = 0; b < 3; b++) {
        unsigned first_len = 0;

        for (int w = 0; w < 3; w++) {
            unsigned clen = cap, blen = n;
            int rc = buff_compress(comp, &clen, src, n, blocks[b], works[w]);

            CHECK(rc == BZ_OK && clen >= 14 && !memcmp(comp, "BZh", 3) &&
                  comp[3] == '0' + blocks[b], "%s, block %d work %d: rc %d",
                  name, blocks[b], works[w], rc);
            CHECK(n > 0 || equal(comp + 4, clen - 4, empty_tail, 10),
                  "%s, block %d: not the empty stream", name, blocks[b]);
            /* The work factor only picks how to sort: the same bytes. */
            if (w == 0) {
                memcpy(first, comp, clen);
                first_len = clen;
            } else {
                CHECK(equal(first, first_len, comp, clen),
                      "%s, block %d: work %d changed the output", name,
                      blocks[b], works[w]);
            }
            rc = buff_decompress(back, &blen, comp, clen, w == 2);
            CHECK(rc == BZ_OK && equal(src, n, back, blen),
                  "%s, block %d work %d: back rc %d, %u of %zu bytes", name,
                  blocks[b], works[w], rc, blen, n);
        }
    }
    free(comp);
    free(first);
    free(back);
}

static void known_answer(void)
{
    char comp[128], back[64];
    unsigned clen = sizeof(comp), blen = sizeof(back);
    int rc = buff_compress(comp, &clen, hello, strlen(hello), 9, 0);

    CHECK(rc == BZ_OK && equal(comp, clen, hello_bz2, sizeof(hello_bz2)),
          "hello: rc %d, %u bytes, not bzip2 1.0.8's", rc, clen);
    rc = buff_decompress(back, &blen, hello_bz2, sizeof(hello_bz2), 0);
    CHECK(rc == BZ_OK && equal(back, blen, hello, strlen(hello)),
          "hello back: rc %d, %u bytes", rc, blen);
}

/* Streaming at blockSize100k 1 (several blocks), a flush halfway. */
static void stream_roundtrip(const uint8_t *src, size_t n)
{
    size_t cap = n + n / 50 + 4096, half = n / 2 + 333, tail = 5000;
    char *comp = malloc(cap), *plain = malloc(cap), *back = malloc(n + 64);
    unsigned clen, plain_len, flushed_in, flushed_out, blen = cap;
    Stream st;
    int rc;

    stream_reset(&st, NULL, 0);
    rc = BZ2_bzCompressInit(counted(&st, E_COMPRESS_INIT), 1, 0, 0);
    CHECK(rc == BZ_OK, "stream: BZ2_bzCompressInit %d", rc);
    st.bz.next_in = as_chars(src);
    st.bz.next_out = comp;
    rc = run_until(&st, as_chars(src + half - 777), 1237, comp + cap, 509);
    CHECK(rc == BZ_RUN_OK, "stream: BZ_RUN %d", rc);
    /* The flush is given 777 bytes more with it, and takes them all. */
    rc = drain(&st, BZ_FLUSH, 777, comp + cap, 509);
    flushed_in = st.bz.total_in_lo32;
    flushed_out = st.bz.total_out_lo32;
    CHECK(rc == BZ_RUN_OK && flushed_in == half &&
          flushed_out == st.bz.next_out - comp,
          "stream: flush rc %d, %u in, %u out", rc, flushed_in, flushed_out);
    rc = run_until(&st, as_chars(src + n - tail), 1237, comp + cap, 509);
    CHECK(rc == BZ_RUN_OK, "stream: BZ_RUN after the flush %d", rc);
    rc = drain(&st, BZ_FINISH, tail, comp + cap, 509);
    clen = st.bz.next_out - comp;
    CHECK(rc == BZ_STREAM_END && st.bz.total_in_lo32 == n &&
          st.bz.total_in_hi32 == 0 && st.bz.total_out_lo32 == clen &&
          st.bz.total_out_hi32 == 0, "stream: finish rc %d, totals %u, %u",
          rc, st.bz.total_in_lo32, st.bz.total_out_lo32);
    /* Finished: nothing more goes in. */
    st.bz.avail_in = 1;
    st.bz.avail_out = 1;
    rc = BZ2_bzCompress(counted(&st, E_COMPRESS), BZ_RUN);
    CHECK(rc == BZ_SEQUENCE_ERROR, "stream: BZ_RUN after the end %d", rc);
    rc = BZ2_bzCompressEnd(counted(&st, E_COMPRESS_END));
    CHECK(rc == BZ_OK, "stream: BZ2_bzCompressEnd %d", rc);

    for (int small = 0; small < 2; small++) {
        stream_reset(&st, NULL, 0);
        decompress_check(&st, comp, clen, src, n, small, 333 + 2 * small,
                         1021 - 4 * small, "stream");
    }

    /* Cut where the flush ended (its last bits still unwritten): what
     * comes out is a prefix of the input, and no stream end. */
    stream_reset(&st, NULL, 0);
    rc = BZ2_bzDecompressInit(counted(&st, E_DECOMPRESS_INIT), 0, 0);
    CHECK(rc == BZ_OK, "flushed part: BZ2_bzDecompressInit %d", rc);
    rc = decompress_chunks(&st, comp, flushed_out, back, n + 64, 4093, 8191);
    CHECK(rc == BZ_OK && st.bz.total_in_lo32 == flushed_out &&
          st.bz.total_out_lo32 <= flushed_in &&
          !memcmp(back, src, st.bz.total_out_lo32),
          "flushed part: rc %d, %u bytes out", rc, st.bz.total_out_lo32);
    rc = BZ2_bzDecompressEnd(counted(&st, E_DECOMPRESS_END));
    CHECK(rc == BZ_OK, "flushed part: BZ2_bzDecompressEnd %d", rc);

    /* Without the flush, streaming makes the buffer function's bytes. */
    stream_reset(&st, NULL, 0);
    rc = BZ2_bzCompressInit(counted(&st, E_COMPRESS_INIT), 1, 0, 0);
    CHECK(rc == BZ_OK, "plain: BZ2_bzCompressInit %d", rc);
    plain_len = compress_all(&st, src, n, plain, cap, 4099, 3001, "plain");
    rc = buff_compress(comp, &blen, src, n, 1, 0);
    CHECK(rc == BZ_OK && equal(plain, plain_len, comp, blen),
          "plain: %u bytes streamed, %u by the buffer function (rc %d)",
          plain_len, blen, rc);
    free(comp);
    free(plain);
    free(back);
}

/* Too small an output, corrupt, truncated and concatenated input. */
static void bad_input(const uint8_t *src, size_t n, const uint8_t *rnd,
                      size_t rn)
{
    unsigned cap = n + rn + 2000, room = n + (1 << 20), clen = cap, len, rlen;
    char *comp = malloc(cap), *bad = malloc(cap), *back = malloc(room);
    /* Where to flip bits (set below), which, and the error it makes:
     * "B", the block size digit made '0', the block's magic, the block's
     * CRC, halfway, the stream's CRC. */
    static const uint8_t masks[6] = { 0x1a, 0x09, 0x01, 0x55, 0x80, 0x24 };
    static const int wants[6] = {
        BZ_DATA_ERROR_MAGIC, BZ_DATA_ERROR_MAGIC, BZ_DATA_ERROR,
        BZ_DATA_ERROR, BZ_DATA_ERROR, BZ_DATA_ERROR,
    };
    unsigned at[6] = { 0, 3, 4, 11 };
    Stream st;
    int rc;

    rc = buff_compress(comp, &clen, src, n, 9, 0);
    CHECK(rc == BZ_OK, "bad input: source rc %d", rc);
    len = clen - 1;
    rc = buff_compress(bad, &len, src, n, 9, 0);
    CHECK(rc == BZ_OUTBUFF_FULL, "output 1 byte short: rc %d", rc);
    len = 10;
    rc = buff_compress(bad, &len, src, n, 9, 0);
    CHECK(rc == BZ_OUTBUFF_FULL, "output of 10 bytes: rc %d", rc);
    len = n - 1;
    rc = buff_decompress(back, &len, comp, clen, 0);
    CHECK(rc == BZ_OUTBUFF_FULL, "decompress 1 byte short: rc %d", rc);

    /* Damaged data may decode to more bytes than it had before a CRC is
     * checked: room for them. */
    at[4] = clen / 2;
    at[5] = clen - 3;
    for (int i = 0; i < 6; i++) {
        memcpy(bad, comp, clen);
        bad[at[i]] ^= masks[i];
        len = room;
        rc = buff_decompress(back, &len, bad, clen, i % 2);
        CHECK(rc == wants[i], "damage at %u: rc %d, not %d", at[i], rc,
              wants[i]);
    }
    /* The halfway damage again, streamed. */
    memcpy(bad, comp, clen);
    bad[at[4]] ^= masks[4];
    stream_reset(&st, NULL, 0);
    rc = BZ2_bzDecompressInit(counted(&st, E_DECOMPRESS_INIT), 0, 0);
    CHECK(rc == BZ_OK, "damaged stream: BZ2_bzDecompressInit %d", rc);
    rc = decompress_chunks(&st, bad, clen, back, room, 211, 997);
    CHECK(rc == BZ_DATA_ERROR, "damaged stream: rc %d", rc);
    rc = BZ2_bzDecompressEnd(counted(&st, E_DECOMPRESS_END));
    CHECK(rc == BZ_OK, "damaged stream: BZ2_bzDecompressEnd %d", rc);

    /* Cut short: the header alone, half, all but the last 5 bytes. */
    len = cap;
    rc = buff_decompress(back, &len, comp, 4, 0);
    CHECK(rc == BZ_UNEXPECTED_EOF, "header only: rc %d", rc);
    len = cap;
    rc = buff_decompress(back, &len, comp, clen / 2, 1);
    CHECK(rc == BZ_UNEXPECTED_EOF, "half: rc %d", rc);
    len = cap;
    rc = buff_decompress(back, &len, comp, clen - 5, 0);
    CHECK(rc == BZ_UNEXPECTED_EOF, "5 bytes short: rc %d", rc);

    /* Two streams back to back: the decompressor stops after the first. */
    rlen = cap - clen;
    rc = buff_compress(comp + clen, &rlen, rnd, rn, 1, 0);
    CHECK(rc == BZ_OK, "second stream: rc %d", rc);
    stream_reset(&st, NULL, 0);
    rc = BZ2_bzDecompressInit(counted(&st, E_DECOMPRESS_INIT), 0, 1);
    CHECK(rc == BZ_OK, "two streams: BZ2_bzDecompressInit %d", rc);
    st.bz.next_in = comp;
    st.bz.avail_in = clen + rlen;
    st.bz.next_out = back;
    st.bz.avail_out = cap;
    rc = BZ2_bzDecompress(counted(&st, E_DECOMPRESS));
    CHECK(rc == BZ_STREAM_END && st.bz.total_in_lo32 == clen &&
          st.bz.avail_in == rlen && equal(back, st.bz.total_out_lo32, src, n),
          "two streams: rc %d, %u in, %u left", rc, st.bz.total_in_lo32,
          st.bz.avail_in);
    rc = BZ2_bzDecompress(counted(&st, E_DECOMPRESS));
    CHECK(rc == BZ_SEQUENCE_ERROR, "after the stream end: rc %d", rc);
    rc = BZ2_bzDecompressEnd(counted(&st, E_DECOMPRESS_END));
    CHECK(rc == BZ_OK, "two streams: BZ2_bzDecompressEnd %d", rc);
    stream_reset(&st, NULL, 0);
    decompress_check(&st, comp + clen, rlen, rnd, rn, 0, 1 << 20, 1 << 20,
                     "the second stream");
    free(comp);
    free(bad);
    free(back);
}

/* Streams with their own allocator, asked for libbz2's own blocks. */
static void allocator_streams(const uint8_t *src, size_t n)
{
    static SizedPool sp;
    size_t cap = n + n / 50 + 4096, arr = 2 * 100000;
    char *comp = malloc(cap);
    unsigned clen;
    Stream st;
    int rc;

    /* Its state, then block arrays for 2 x 100000 bytes and a table. */
    stream_reset(&st, &sp, 0);
    rc = BZ2_bzCompressInit(counted(&st, E_COMPRESS_INIT), 2, 0, 0);
    CHECK(rc == BZ_OK && sp.requests == 4 && sp.sizes[0] > 0 &&
          sp.sizes[1] == arr * 4 && sp.sizes[2] == (arr + 34) * 4 &&
          sp.sizes[3] == 65537 * 4,
          "allocator: compress init rc %d, %d requests", rc, sp.requests);
    clen = compress_all(&st, src, n, comp, cap, 7001, 4093, "allocator");
    CHECK(sp.requests == 4 && sp.pool.given == 4 && sp.pool.live == 0,
          "allocator: compressor %d requests, %d blocks, %d not freed",
          sp.requests, sp.pool.given, sp.pool.live);

    /* The decompressor asks for its arrays on reading the header. */
    for (int small = 0; small < 2; small++) {
        stream_reset(&st, &sp, 0);
        decompress_check(&st, comp, clen, src, n, small, 3001, 5003,
                         "allocator");
        CHECK(small ? sp.requests == 3 && sp.sizes[1] == arr * 2 &&
                      sp.sizes[2] == (arr + 1) / 2
                    : sp.requests == 2 && sp.sizes[1] == arr * 4,
              "allocator: decompressor (small %d) made %d requests", small,
              sp.requests);
        CHECK(sp.pool.given == sp.requests && sp.pool.live == 0,
              "allocator: decompressor (small %d): %d blocks, %d not freed",
              small, sp.pool.given, sp.pool.live);
    }

    /* Refused at once, or the third block: the rest given back. */
    for (int refuse = 1; refuse <= 3; refuse += 2) {
        stream_reset(&st, &sp, refuse);
        rc = BZ2_bzCompressInit(counted(&st, E_COMPRESS_INIT), 9, 0, 0);
        CHECK(rc == BZ_MEM_ERROR && sp.pool.live == 0 &&
              sp.requests == (refuse == 1 ? 1 : 4),
              "allocator refusing request %d: rc %d, %d requests, %d live",
              refuse, rc, sp.requests, sp.pool.live);
    }
    /* The decompressor's arrays refused: BZ2_bzDecompress fails. */
    for (int small = 0; small < 2; small++) {
        char out[256];

        stream_reset(&st, &sp, 2);
        rc = BZ2_bzDecompressInit(counted(&st, E_DECOMPRESS_INIT), 0, small);
        CHECK(rc == BZ_OK && sp.requests == 1,
              "refused arrays (small %d): init rc %d", small, rc);
        rc = decompress_chunks(&st, comp, clen, out, sizeof(out), 64, 256);
        CHECK(rc == BZ_MEM_ERROR && sp.requests == 2 + small,
              "refused arrays (small %d): rc %d, %d requests", small, rc,
              sp.requests);
        rc = BZ2_bzDecompressEnd(counted(&st, E_DECOMPRESS_END));
        CHECK(rc == BZ_OK && sp.pool.live == 0,
              "refused arrays (small %d): end rc %d, %d not freed", small,
              rc, sp.pool.live);
    }
    free(comp);
}

/* Without a stream libbz2 refuses at once: these stay in the guest's own
 * library, so they are not counted. */
static void null_streams(void)
{
    CHECK(BZ2_bzCompressInit(NULL, 9, 0, 0) == BZ_PARAM_ERROR,
          "BZ2_bzCompressInit(NULL)");
    CHECK(BZ2_bzDecompress(NULL) == BZ_PARAM_ERROR, "BZ2_bzDecompress(NULL)");
    CHECK(BZ2_bzDecompressEnd(NULL) == BZ_PARAM_ERROR,
          "BZ2_bzDecompressEnd(NULL)");
}

int main(void)
{
    const size_t n = 250000, rn = 60000, rep_n = 150000;
    uint8_t *text = make_text(n), *rnd = make_random(rn, 7);
    uint8_t *rep = malloc(rep_n);
    const char *version = BZ2_bzlibVersion();

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The guest library's own answer: not passed through. */
    printf("libbz2 %s\n", version);
    CHECK(!strncmp(version, "1.0.", 4), "version %s", version);
    fill_text(rep, rep_n);

    null_streams();
    known_answer();
    buffer_roundtrips(text, 0, "empty");
    buffer_roundtrips(text, n, "text");
    buffer_roundtrips(rep, rep_n, "repeats");
    buffer_roundtrips(rnd, rn, "random");
    stream_roundtrip(text, n);
    bad_input(text, 20000, rnd, 3000);
    allocator_streams(text, 120000);

    for (int i = 0; i < E_COUNT; i++) {
        printf("expect %s_HTL %lu\n", entry_names[i], host_calls[i]);
    }
    for (int i = 0; i < E_COUNT; i++) {
        if (ga_host_calls[i]) {
            printf("expect %s_ga_HTL %lu\n", entry_names[i], ga_host_calls[i]);
        }
    }
    free(rep);
    free(rnd);
    free(text);
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
