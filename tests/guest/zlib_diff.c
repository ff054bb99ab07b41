/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test program: runs the same zlib calls on the same inputs
 * and prints a transcript of every return code, output (length and an
 * FNV-1a hash computed here, not by zlib), stream field and message. The
 * test script runs it through the GTL with passthrough, through the GTL in
 * fallback, and on the guest's own zlib, and requires the three
 * transcripts to be identical.
 *
 * usage: zlib_diff DIR [quick]   (DIR: a scratch directory for gz files)
 */
#define _GNU_SOURCE
#define _LARGEFILE64_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "test_data.h"

static const char *dir;
static int quick;

/* Points stream s at n bytes of input and room bytes of output. */
static void set_buffers(z_streamp s, const void *in, size_t n, void *out,
                        size_t room)
{
    s->next_in = (Bytef *)in;
    s->avail_in = (uInt)n;
    s->next_out = out;
    s->avail_out = (uInt)room;
}

static void emit_stream(const char *what, z_stream *s, int rc)
{
    emit("%s rc=%d in=%lu out=%lu adler=%08lx type=%d msg=%s", what, rc,
         s->total_in, s->total_out, s->adler, s->data_type,
         s->msg ? s->msg : "-");
}

/* One-shot deflate with every parameter, then inflate it back. */
static void deflate_case(const Input *in, int level, int method, int wbits,
                         int mem, int strategy, size_t chunk, int flush_every)
{
    size_t cap = deflateBound(NULL, in->len) + 64 + in->len / 8;
    unsigned char *out = malloc(cap), *back = malloc(in->len + 1);
    z_stream s;
    int rc;
    char what[160];

    snprintf(what, sizeof(what), "deflate %s l=%d w=%d m=%d s=%d chunk=%zu f=%d",
             in->name, level, wbits, mem, strategy, chunk, flush_every);
    memset(&s, 0, sizeof(s));
    rc = deflateInit2(&s, level, method, wbits, mem, strategy);
    if (rc != Z_OK) {
        emit_stream(what, &s, rc);
        goto done;
    }
    emit("%s bound=%lu", what, deflateBound(&s, in->len));
    s.next_in = in->data;
    s.next_out = out;
    /* Feed and drain in chunks, so the stream state crosses many calls. */
    for (int n = 0;; n++) {
        size_t used_in = s.next_in - in->data;
        size_t left_in = in->len - used_in;
        int flush = left_in <= chunk ? Z_FINISH
                    : flush_every && n % flush_every == flush_every - 1
                        ? (n % 4 == 0 ? Z_SYNC_FLUSH
                           : n % 4 == 1 ? Z_FULL_FLUSH
                           : n % 4 == 2 ? Z_PARTIAL_FLUSH : Z_BLOCK)
                        : Z_NO_FLUSH;
        s.avail_in = left_in < chunk ? left_in : chunk;
        s.avail_out = cap - (s.next_out - out) < chunk * 2 + 64
                          ? cap - (s.next_out - out) : chunk * 2 + 64;
        rc = deflate(&s, flush);
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) {
            break;
        }
    }
    emit("%s end rc=%d out=%lu hash=%016llx adler=%08lx", what, rc,
         s.total_out, (unsigned long long)fnv(out, s.total_out), s.adler);
    rc = deflateEnd(&s);
    emit("%s deflateEnd=%d", what, rc);

    /* Inflate it back, in chunks too. */
    {
        z_stream t;
        size_t clen = s.total_out;
        memset(&t, 0, sizeof(t));
        rc = inflateInit2(&t, wbits);
        t.next_in = out;
        t.next_out = back;
        do {
            size_t left = clen - (t.next_in - out);
            t.avail_in = left < chunk ? left : chunk;
            t.avail_out = in->len + 1 - (t.next_out - back);
            if (t.avail_out > chunk * 3) {
                t.avail_out = chunk * 3;
            }
            rc = inflate(&t, Z_NO_FLUSH);
        } while (rc == Z_OK);
        emit("%s inflate rc=%d out=%lu same=%d adler=%08lx type=%d", what, rc,
             t.total_out, t.total_out == in->len &&
             !memcmp(back, in->data, in->len), t.adler, t.data_type);
        emit("%s inflateEnd=%d", what, inflateEnd(&t));
    }
done:
    free(out);
    free(back);
}

static void one_shot(const Input *in)
{
    uLongf clen = compressBound(in->len), blen = in->len;
    unsigned char *c = malloc(clen), *b = malloc(in->len + 1);
    uLong slen;
    int rc;

    /* Every level; the 16 MiB input at two, to keep emulated runs short. */
    int big = in->len > (1u << 20);
    for (int level = big ? 1 : -1; level <= 9; level += quick || big ? 5 : 1) {
        clen = compressBound(in->len);
        rc = compress2(c, &clen, in->data, in->len, level);
        emit("compress2 %s l=%d rc=%d len=%lu hash=%016llx", in->name, level,
             rc, clen, (unsigned long long)fnv(c, clen));
    }
    clen = compressBound(in->len);
    rc = compress(c, &clen, in->data, in->len);
    emit("compress %s rc=%d len=%lu hash=%016llx", in->name, rc, clen,
         (unsigned long long)fnv(c, clen));
    blen = in->len;
    rc = uncompress(b, &blen, c, clen);
    emit("uncompress %s rc=%d len=%lu same=%d", in->name, rc, blen,
         blen == in->len && !memcmp(b, in->data, in->len));
    blen = in->len;
    slen = clen;
    rc = uncompress2(b, &blen, c, &slen);
    emit("uncompress2 %s rc=%d len=%lu used=%lu", in->name, rc, blen, slen);
    if (clen > 2) {
        blen = in->len;
        slen = clen - 1;
        rc = uncompress2(b, &blen, c, &slen);
        emit("uncompress2 short %s rc=%d len=%lu used=%lu", in->name, rc, blen,
             slen);
    }
    emit("crc32 %s %08lx crc32_z %08lx adler32 %08lx adler32_z %08lx",
         in->name, crc32(0, in->data, in->len), crc32_z(0, in->data, in->len),
         adler32(1, in->data, in->len), adler32_z(1, in->data, in->len));
    if (in->len > 3) {
        size_t h = in->len / 3;
        uLong c1 = crc32(0, in->data, h), c2 = crc32(0, in->data + h, in->len - h);
        uLong a1 = adler32(1, in->data, h);
        uLong a2 = adler32(1, in->data + h, in->len - h);
        emit("combine %s crc=%08lx crc64=%08lx op=%08lx adler=%08lx adler64=%08lx",
             in->name, crc32_combine(c1, c2, in->len - h),
             crc32_combine64(c1, c2, in->len - h),
             crc32_combine_op(c1, c2, crc32_combine_gen(in->len - h)),
             adler32_combine(a1, a2, in->len - h),
             adler32_combine64(a1, a2, in->len - h));
        emit("combine_gen %s %08lx %08lx", in->name,
             crc32_combine_gen(in->len - h), crc32_combine_gen64(in->len - h));
    }
    free(c);
    free(b);
}

/* Stream features one by one. */
static void stream_features(const Input *in)
{
    static const unsigned char dict[] = "guest host zlib emulator window the";
    size_t cap = compressBound(in->len) + 1024;
    unsigned char *c = malloc(cap), *b = malloc(in->len + 64);
    unsigned char got_dict[32768];
    uInt dlen;
    z_stream s, t, u;
    unsigned pending;
    int bits, rc;

    /* Dictionary, prime, params, tune, pending, copy. */
    memset(&s, 0, sizeof(s));
    rc = deflateInit(&s, 6);
    rc = deflateSetDictionary(&s, dict, sizeof(dict) - 1);
    emit_stream("setdict", &s, rc);
    rc = deflateTune(&s, 8, 16, 64, 256);
    emit("deflateTune rc=%d", rc);
    set_buffers(&s, in->data, in->len / 2, c, cap);
    rc = deflate(&s, Z_BLOCK);
    rc = deflatePending(&s, &pending, &bits);
    emit("deflatePending rc=%d pending=%u bits=%d", rc, pending, bits);
    rc = deflatePrime(&s, 5, 0x15);
    emit("deflatePrime rc=%d", rc);
    rc = deflateParams(&s, 1, Z_FILTERED);
    emit_stream("deflateParams", &s, rc);
    memset(&u, 0, sizeof(u));
    rc = deflateCopy(&u, &s);
    emit("deflateCopy rc=%d", rc);
    dlen = 0;
    rc = deflateGetDictionary(&s, got_dict, &dlen);
    emit("deflateGetDictionary rc=%d len=%u hash=%016llx", rc, dlen,
         (unsigned long long)fnv(got_dict, dlen));
    s.avail_in = in->len - in->len / 2;
    rc = deflate(&s, Z_FINISH);
    emit_stream("deflate finish", &s, rc);
    size_t clen = s.total_out;
    emit("dict stream hash=%016llx", (unsigned long long)fnv(c, clen));
    /* The copy goes on independently and must produce the same bytes. */
    {
        unsigned char *c2 = malloc(cap);
        memcpy(c2, c, u.total_out);
        u.next_out = c2 + u.total_out;
        u.avail_out = cap - u.total_out;
        rc = deflate(&u, Z_FINISH);
        emit("copy finish rc=%d out=%lu same=%d", rc, u.total_out,
             u.total_out == clen && !memcmp(c, c2, clen));
        emit("copy end=%d", deflateEnd(&u));
        free(c2);
    }
    rc = deflateReset(&s);
    emit_stream("deflateReset", &s, rc);
    rc = deflateResetKeep(&s);
    emit("deflateResetKeep rc=%d", rc);
    emit("deflateEnd=%d", deflateEnd(&s));
    emit("deflateEnd again=%d", deflateEnd(&s));

    /* Inflate it: needs the dictionary; copy mid-way; sync point; mark. */
    memset(&t, 0, sizeof(t));
    rc = inflateInit(&t);
    set_buffers(&t, c, clen, b, in->len + 64);
    rc = inflate(&t, Z_NO_FLUSH);
    emit_stream("inflate needs dict", &t, rc);
    rc = inflateSetDictionary(&t, dict, sizeof(dict) - 2);
    emit_stream("inflateSetDictionary wrong", &t, rc);
    rc = inflateSetDictionary(&t, dict, sizeof(dict) - 1);
    emit_stream("inflateSetDictionary", &t, rc);
    t.avail_in = clen / 3 > t.avail_in ? t.avail_in : clen / 3;
    rc = inflate(&t, Z_BLOCK);
    emit_stream("inflate block", &t, rc);
    emit("inflateMark=%ld syncpoint=%d codes=%lu", inflateMark(&t),
         inflateSyncPoint(&t), inflateCodesUsed(&t) > 0 ? 1UL : 0UL);
    memset(&u, 0, sizeof(u));
    rc = inflateCopy(&u, &t);
    emit("inflateCopy rc=%d", rc);
    dlen = 0;
    rc = inflateGetDictionary(&t, got_dict, &dlen);
    emit("inflateGetDictionary rc=%d len=%u", rc, dlen);
    t.avail_in = clen - (t.next_in - c);
    rc = inflate(&t, Z_FINISH);
    emit_stream("inflate finish", &t, rc);
    emit("inflate same=%d", t.total_out == in->len / 2 + (in->len - in->len / 2)
         && !memcmp(b, in->data, t.total_out));
    rc = inflateValidate(&t, 0);
    emit("inflateValidate=%d undermine=%d", rc, inflateUndermine(&t, 1));
    emit("inflateEnd=%d", inflateEnd(&t));
    /* The copy finishes on its own. */
    {
        unsigned char *b2 = malloc(in->len + 64);
        memcpy(b2, b, u.total_out);
        u.next_out = b2 + u.total_out;
        u.avail_out = in->len + 64 - u.total_out;
        u.avail_in = clen - (u.next_in - c);
        rc = inflate(&u, Z_FINISH);
        emit_stream("inflate copy finish", &u, rc);
        emit("inflate copy end=%d", inflateEnd(&u));
        free(b2);
    }

    /* Corrupt data: msg, then inflateSync finds the next full flush. */
    {
        unsigned char *z = malloc(cap);
        z_stream d;
        memset(&d, 0, sizeof(d));
        deflateInit(&d, 6);
        set_buffers(&d, in->data, in->len / 2, z, cap);
        deflate(&d, Z_FULL_FLUSH);
        size_t mid = d.total_out;
        d.avail_in = in->len - in->len / 2;
        deflate(&d, Z_FINISH);
        size_t zlen = d.total_out;
        deflateEnd(&d);
        if (mid > 20) {
            z[10] ^= 0xff;
            z[11] ^= 0x55;
        }
        memset(&t, 0, sizeof(t));
        inflateInit(&t);
        set_buffers(&t, z, zlen, b, in->len + 64);
        rc = inflate(&t, Z_NO_FLUSH);
        emit_stream("inflate corrupt", &t, rc);
        rc = inflateSync(&t);
        emit_stream("inflateSync", &t, rc);
        rc = inflate(&t, Z_NO_FLUSH);
        emit_stream("inflate after sync", &t, rc);
        emit("inflateEnd=%d", inflateEnd(&t));
        free(z);
    }

    /* Reset2 to raw, prime. */
    memset(&t, 0, sizeof(t));
    rc = inflateInit2(&t, 15);
    emit("inflateReset2 raw=%d bad=%d", inflateReset2(&t, -15),
         inflateReset2(&t, 3));
    emit("inflatePrime=%d", inflatePrime(&t, 3, 5));
    emit("inflateResetKeep=%d reset=%d", inflateResetKeep(&t), inflateReset(&t));
    emit("inflateEnd=%d", inflateEnd(&t));
    /* Bad parameters answered as zlib answers them. */
    memset(&s, 0, sizeof(s));
    emit("deflateInit2 bad=%d", deflateInit2(&s, 6, Z_DEFLATED, 20, 8, 0));
    emit("deflateInit bad level=%d", deflateInit(&s, 42));
    emit("inflateInit2 bad=%d", inflateInit2(&t, 99));
    emit("deflate NULL=%d inflate NULL=%d end NULL=%d", deflate(NULL, 0),
         inflate(NULL, 0), inflateEnd(NULL));
    free(c);
    free(b);
}

/* gzip headers. */
static void gzip_headers(const Input *in)
{
    unsigned char *c = malloc(compressBound(in->len) + 256);
    unsigned char *b = malloc(in->len + 64);
    unsigned char extra[16] = "XYZextra";
    unsigned char name_buf[32], comment_buf[32], extra_buf[16];
    gz_header h, g;
    z_stream s;
    int rc;

    memset(&h, 0, sizeof(h));
    h.text = 1;
    h.time = 1234567890;
    h.os = 3;
    h.extra = extra;
    h.extra_len = 8;
    h.name = (Bytef *)"file.txt";
    h.comment = (Bytef *)"made by zlib_diff";
    h.hcrc = 1;
    memset(&s, 0, sizeof(s));
    deflateInit2(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    rc = deflateSetHeader(&s, &h);
    emit("deflateSetHeader=%d", rc);
    set_buffers(&s, in->data, in->len, c, compressBound(in->len) + 256);
    rc = deflate(&s, Z_FINISH);
    emit_stream("gzip deflate", &s, rc);
    size_t clen = s.total_out;
    emit("gzip hash=%016llx", (unsigned long long)fnv(c, clen));
    deflateEnd(&s);

    memset(&g, 0, sizeof(g));
    g.extra = extra_buf;
    g.extra_max = sizeof(extra_buf);
    g.name = name_buf;
    g.name_max = sizeof(name_buf);
    g.comment = comment_buf;
    g.comm_max = sizeof(comment_buf);
    memset(&s, 0, sizeof(s));
    inflateInit2(&s, 47);
    rc = inflateGetHeader(&s, &g);
    emit("inflateGetHeader=%d", rc);
    set_buffers(&s, c, clen, b, in->len + 64);
    rc = inflate(&s, Z_FINISH);
    emit_stream("gzip inflate", &s, rc);
    emit("header done=%d text=%d time=%lu os=%d xlen=%u extra=%.8s name=%s "
         "comment=%s hcrc=%d", g.done, g.text, g.time, g.os, g.extra_len,
         extra_buf, name_buf, comment_buf, g.hcrc);
    inflateEnd(&s);
    free(c);
    free(b);
}

/* Custom allocators: these streams run where the allocator is. */
static int allocs, frees;

static voidpf my_alloc(voidpf opaque, uInt items, uInt size)
{
    (*(int *)opaque)++;
    allocs++;
    return calloc(items, size);
}

static void my_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    frees++;
    free(p);
}

static void custom_alloc(const Input *in)
{
    unsigned char *c = malloc(compressBound(in->len));
    unsigned char *b = malloc(in->len + 1);
    int count = 0, rc;
    z_stream s;

    memset(&s, 0, sizeof(s));
    s.zalloc = my_alloc;
    s.zfree = my_free;
    s.opaque = &count;
    rc = deflateInit(&s, 9);
    set_buffers(&s, in->data, in->len, c, compressBound(in->len));
    rc = deflate(&s, Z_FINISH);
    emit_stream("custom deflate", &s, rc);
    emit("custom hash=%016llx", (unsigned long long)fnv(c, s.total_out));
    size_t clen = s.total_out;
    rc = deflateEnd(&s);
    emit("custom deflateEnd=%d opaque=%d allocs=%d frees=%d", rc, count, allocs,
         frees);
    memset(&s, 0, sizeof(s));
    s.zalloc = my_alloc;
    s.zfree = my_free;
    s.opaque = &count;
    inflateInit(&s);
    set_buffers(&s, c, clen, b, in->len + 1);
    rc = inflate(&s, Z_FINISH);
    emit_stream("custom inflate", &s, rc);
    inflateEnd(&s);
    emit("custom allocs=%d frees=%d", allocs, frees);
    free(c);
    free(b);
}

/* The pool (test_data.h) as zlib's zalloc/zfree. */
static voidpf pool_alloc(voidpf opaque, uInt items, uInt size)
{
    char what[32];

    snprintf(what, sizeof(what), "%u x %u", items, size);
    return pool_give(opaque, (size_t)items * size, what);
}

static void pool_free(voidpf opaque, voidpf b)
{
    pool_take(opaque, b);
}

static void pool_stream(z_stream *s, Pool *p, int refuse_at)
{
    pool_init(p, refuse_at);
    memset(s, 0, sizeof(*s));
    s->zalloc = pool_alloc;
    s->zfree = pool_free;
    s->opaque = p;
}

/* Deflate with a guest allocator: init, stream, params, copy, end; the
 * allocator refusing its n-th request (0: none). */
static void pool_deflate(const Input *in, int level, int wbits, int mem,
                         int refuse_at)
{
    size_t cap = deflateBound(NULL, in->len) + 64;
    unsigned char *out = malloc(cap), *out2 = malloc(cap);
    z_stream s, c;
    Pool p;
    int rc, half = (int)(in->len / 2);

    pool_stream(&s, &p, refuse_at);
    emit("pool deflate %s l=%d w=%d m=%d refuse=%d", in->name, level, wbits,
         mem, refuse_at);
    rc = deflateInit2(&s, level, Z_DEFLATED, wbits, mem, Z_DEFAULT_STRATEGY);
    emit_stream(" deflateInit2", &s, rc);
    if (rc != Z_OK) {
        goto done;
    }
    set_buffers(&s, in->data, half, out, cap);
    emit_stream(" deflate", &s, deflate(&s, Z_NO_FLUSH));
    emit_stream(" deflateParams", &s, deflateParams(&s, 1, Z_FILTERED));
    rc = deflateCopy(&c, &s);
    emit(" deflateCopy=%d msg=%s", rc, rc == Z_OK ? "-" : (c.msg ? c.msg : "-"));
    if (rc == Z_OK) {
        set_buffers(&c, in->data + half, in->len - half, out2, cap);
        memcpy(out2, out, s.total_out);
        c.next_out = out2 + s.total_out;
        c.avail_out = cap - s.total_out;
        emit_stream(" copy deflate", &c, deflate(&c, Z_FINISH));
        emit(" copy hash=%016llx", (unsigned long long)fnv(out2, c.total_out));
        emit(" copy deflateEnd=%d", deflateEnd(&c));
    }
    s.next_in = in->data + half;
    s.avail_in = in->len - half;
    emit_stream(" deflate", &s, deflate(&s, Z_FINISH));
    emit(" hash=%016llx", (unsigned long long)fnv(out, s.total_out));
    emit(" deflateEnd=%d", deflateEnd(&s));
done:
    emit(" pool calls=%d live=%d", p.calls, p.live);
    free(out);
    free(out2);
}

/* Inflate with a guest allocator: the window comes with the first output;
 * a copy, a reset to another window size, a dictionary, an end. */
static void pool_inflate(const Input *in, int wbits, int refuse_at)
{
    size_t cap = compressBound(in->len) + 64;
    unsigned char *c = malloc(cap), *b = malloc(in->len + 64);
    unsigned char *b2 = malloc(in->len + 64);
    int dwbits = wbits == 0 ? 15 : wbits > 15 ? 31 : wbits;
    z_stream s, d;
    Pool p;
    int rc, calls = 0;
    size_t clen;

    memset(&s, 0, sizeof(s));
    deflateInit2(&s, 6, Z_DEFLATED, dwbits, 8, Z_DEFAULT_STRATEGY);
    set_buffers(&s, in->data, in->len, c, cap);
    deflate(&s, Z_FINISH);
    clen = s.total_out;
    deflateEnd(&s);

    pool_stream(&s, &p, refuse_at);
    emit("pool inflate %s w=%d refuse=%d", in->name, wbits, refuse_at);
    rc = inflateInit2(&s, wbits);
    emit_stream(" inflateInit2", &s, rc);
    if (rc != Z_OK) {
        goto done;
    }
    s.next_in = c;
    s.avail_in = clen;
    s.next_out = b;
    s.avail_out = 0;      /* no room: no output, so no window yet */
    emit_stream(" inflate no room", &s, inflate(&s, Z_NO_FLUSH));
    do {
        s.avail_out = (uInt)(in->len + 64 - s.total_out);
        if (s.avail_out > 3000) {
            s.avail_out = 3000;
        }
        rc = inflate(&s, Z_NO_FLUSH);
        if (calls++ < 3 || rc != Z_OK) {
            emit_stream(" inflate", &s, rc);
        }
        if (calls == 3) {
            int crc = inflateCopy(&d, &s);

            emit(" inflateCopy=%d", crc);
            if (crc == Z_OK) {
                memcpy(b2, b, s.total_out);
                d.next_out = b2 + s.total_out;
                d.avail_out = (uInt)(in->len + 64 - s.total_out);
                emit_stream(" copy inflate", &d, inflate(&d, Z_FINISH));
                emit(" copy same=%d", d.total_out == in->len &&
                     !memcmp(b2, in->data, in->len));
                emit(" copy inflateEnd=%d", inflateEnd(&d));
            }
        }
    } while (rc == Z_OK && calls < 100000);
    emit(" same=%d", rc == Z_STREAM_END && s.total_out == in->len &&
         !memcmp(b, in->data, in->len));
    /* Another window size: zlib frees the window, and allocates one of
     * the new size when it first needs it. */
    emit_stream(" inflateReset2(-9)", &s, inflateReset2(&s, -9));
    emit_stream(" inflateSetDictionary", &s,
                inflateSetDictionary(&s, in->data, in->len < 300 ? in->len : 300));
    emit_stream(" inflateReset2(-10)", &s, inflateReset2(&s, -10));
    s.next_in = (unsigned char *)"\x03\x00";   /* an empty raw block */
    s.avail_in = 2;
    s.next_out = b;
    s.avail_out = 10;
    emit_stream(" inflate", &s, inflate(&s, Z_FINISH));
    emit(" inflateEnd=%d", inflateEnd(&s));
done:
    emit(" pool calls=%d live=%d", p.calls, p.live);
    free(c);
    free(b);
    free(b2);
}

static void guest_allocators(const Input *in)
{
    static const int wbits[] = { 15, 0, 31, 47, -9 };

    pool_deflate(in, 6, 15, 8, 0);
    pool_deflate(in, 9, -10, 2, 0);
    pool_deflate(in, 1, 31, 9, 0);
    for (int r = 1; r <= 11; r++) {
        pool_deflate(in, 6, 15, 8, r);
    }
    for (int w = 0; w < 5; w++) {
        pool_inflate(in, wbits[w], 0);
    }
    for (int r = 1; r <= 6; r++) {
        pool_inflate(in, 15, r);
    }
    pool_inflate(in, -9, 2);
}

/* inflateBack with guest callbacks. */
typedef struct BackIo {
    const unsigned char *data;
    size_t len, pos, chunk;
    int in_fail_at, out_fail_at, in_calls, out_calls;
    uint64_t hash;
    size_t out_total;
    unsigned char *out_copy;
} BackIo;

static unsigned back_in(void *desc, z_const unsigned char **buf)
{
    BackIo *io = desc;
    size_t n = io->len - io->pos;

    io->in_calls++;
    if (io->in_fail_at && io->in_calls >= io->in_fail_at) {
        return 0;
    }
    if (n > io->chunk) {
        n = io->chunk;
    }
    *buf = (unsigned char *)io->data + io->pos;   /* z_const is empty */
    io->pos += n;
    return n;
}

static int back_out(void *desc, unsigned char *buf, unsigned len)
{
    BackIo *io = desc;

    io->out_calls++;
    if (io->out_fail_at && io->out_calls >= io->out_fail_at) {
        return 1;
    }
    memcpy(io->out_copy + io->out_total, buf, len);
    io->out_total += len;
    return 0;
}

static void inflate_back(const Input *in)
{
    size_t cap = compressBound(in->len) + 64;
    unsigned char *c = malloc(cap);
    unsigned char *window = malloc(1 << 15);
    z_stream s;
    int rc;

    memset(&s, 0, sizeof(s));
    deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    set_buffers(&s, in->data, in->len, c, cap);
    deflate(&s, Z_FINISH);
    size_t clen = s.total_out;
    deflateEnd(&s);
    /* Trailing bytes after the deflate stream: left in next_in/avail_in. */
    memcpy(c + clen, "TRAILER", 7);

    for (int mode = 0; mode < 4; mode++) {
        BackIo io = { .data = c, .len = clen + 7, .chunk = 1000 + mode * 777 };
        io.out_copy = malloc(in->len + (1 << 15));
        if (mode == 1) {
            io.in_fail_at = 3;
        } else if (mode == 2) {
            io.out_fail_at = 2;
        } else if (mode == 3 && clen > 40) {
            c[clen / 2] ^= 0x5a;   /* corrupt */
        }
        memset(&s, 0, sizeof(s));
        rc = inflateBackInit(&s, 15, window);
        emit("inflateBackInit mode=%d rc=%d", mode, rc);
        rc = inflateBack(&s, back_in, &io, back_out, &io);
        emit("inflateBack mode=%d rc=%d out=%zu same=%d next_in_null=%d "
             "left=%u msg=%s in_total=%lu out_total=%lu", mode, rc,
             io.out_total, io.out_total == in->len &&
             !memcmp(io.out_copy, in->data, in->len),
             s.next_in == Z_NULL, s.next_in ? s.avail_in : 0,
             s.msg ? s.msg : "-", s.total_in, s.total_out);
        emit("inflateBackEnd=%d", inflateBackEnd(&s));
        if (mode == 3 && clen > 40) {
            c[clen / 2] ^= 0x5a;
        }
        free(io.out_copy);
    }
    /* A guest allocator: zlib allocates inflateBack's state only. */
    for (int refuse_at = 0; refuse_at < 2; refuse_at++) {
        BackIo io = { .data = c, .len = clen + 7, .chunk = 1000 };
        Pool p;

        io.out_copy = malloc(in->len + (1 << 15));
        pool_stream(&s, &p, refuse_at);
        rc = inflateBackInit(&s, 15, window);
        emit("pool inflateBackInit refuse=%d rc=%d", refuse_at, rc);
        if (rc == Z_OK) {
            rc = inflateBack(&s, back_in, &io, back_out, &io);
            emit("pool inflateBack rc=%d same=%d", rc,
                 io.out_total == in->len &&
                 !memcmp(io.out_copy, in->data, in->len));
            emit("pool inflateBackEnd=%d", inflateBackEnd(&s));
        }
        emit("pool calls=%d live=%d", p.calls, p.live);
        free(io.out_copy);
    }
    memset(&s, 0, sizeof(s));
    emit("inflateBackInit bad bits=%d no window=%d bad version=%d",
         inflateBackInit(&s, 7, window), inflateBackInit(&s, 15, NULL),
         inflateBackInit_(&s, 15, window, "2.0", sizeof(s)));
    free(c);
    free(window);
}

/* The gz file API. */
static void gz_files(const Input *in)
{
    char path[4096], bad[4096], line[256];
    unsigned char *b = malloc(in->len + 64);
    gzFile f;
    int rc, err;

    snprintf(path, sizeof(path), "%s/test.gz", dir);
    snprintf(bad, sizeof(bad), "%s/no/such/dir/x.gz", dir);
    f = gzopen(path, "wb9");
    emit("gzopen w %s", f ? "ok" : "NULL");
    emit("gzbuffer after open=%d", gzbuffer(f, 16384));
    rc = gzprintf(f, "line %d: %s %5.2f %c%c|%-8s|%x\n", 42, "guest", 3.25,
                  'o', 'k', "left", 0xbeef);
    emit("gzprintf=%d", rc);
    /* A NUL from %c is written like any other byte (zlib counts the
     * formatted length, not up to the first NUL); gzread's hash sees it. */
    rc = gzprintf(f, "nul %c%c in the middle\n", 0, 'x');
    emit("gzprintf nul=%d", rc);
    for (int i = 0; i < 100; i++) {
        rc = gzprintf(f, "%d squared is %d\n", i, i * i);
    }
    emit("gzprintf loop last=%d", rc);
    emit("gzputc=%d gzputs=%d", gzputc(f, 'Z'), gzputs(f, "\nputs line\n"));
    emit("gzwrite=%d", gzwrite(f, in->data, in->len));
    emit("gzfwrite=%zu", gzfwrite(in->data, 1, in->len / 2, f));
    emit("gzflush=%d", gzflush(f, Z_SYNC_FLUSH));
    emit("gzsetparams=%d", gzsetparams(f, 1, Z_RLE));
    emit("gztell=%ld", (long)gztell(f));
    emit("gzseek fwd=%ld", (long)gzseek(f, 100, SEEK_CUR));
    emit("gzwrite=%d", gzwrite(f, "end\n", 4));
    {
        char big[10000];
        memset(big, 'b', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        /* Longer than zlib's formatting buffer: zlib writes nothing. */
        emit("gzprintf too long=%d", gzprintf(f, "%s", big));
    }
    emit("gzclose_w=%d", gzclose_w(f));

    f = gzopen(path, "rb");
    emit("gzopen r %s direct=%d", f ? "ok" : "NULL", gzdirect(f));
    emit("gzgets=%s", gzgets(f, line, sizeof(line)));
    emit("gzgetc=%d gzgetc_=%d (gzgetc)=%d", gzgetc(f), gzgetc_(f), (gzgetc)(f));
    emit("gzungetc=%d gzgetc=%d", gzungetc('Q', f), gzgetc(f));
    rc = gzread(f, b, 500);
    emit("gzread=%d hash=%016llx", rc, (unsigned long long)fnv(b, rc > 0 ? rc : 0));
    emit("gztell=%ld gzoffset>0=%d", (long)gztell(f), gzoffset(f) > 0);
    emit("gzseek=%ld gztell64=%ld", (long)gzseek(f, 1000, SEEK_SET),
         (long)gztell64(f));
    emit("gzseek64=%ld gzoffset64=%d", (long)gzseek64(f, 2000, SEEK_SET),
         gzoffset64(f) > 0);
    emit("gzfread=%zu", gzfread(b, 3, 100, f));
    emit("gzrewind=%d gztell=%ld", gzrewind(f), (long)gztell(f));
    size_t total = 0;
    while ((rc = gzread(f, b, in->len + 64)) > 0) {
        total += rc;
    }
    emit("gzread all=%zu last=%d eof=%d", total, rc, gzeof(f));
    emit("gzerror=%s", gzerror(f, &err));
    emit("gzerror errnum=%d", err);
    gzclearerr(f);
    emit("after gzclearerr eof=%d", gzeof(f));
    emit("gzclose_r=%d", gzclose_r(f));

    /* Truncated file: an error message naming the file. */
    {
        int fd = open(path, O_RDWR);
        off_t size = lseek(fd, 0, SEEK_END);
        if (ftruncate(fd, size / 2)) {
            emit("ftruncate failed");
        }
        close(fd);
    }
    f = gzopen(path, "rb");
    while ((rc = gzread(f, b, 4096)) > 0) {
    }
    emit("truncated gzread=%d", rc);
    {
        const char *m = gzerror(f, &err);
        /* The path differs between runs of the test only in dir. */
        emit("truncated gzerror errnum=%d msg=%s", err,
             m && !strncmp(m, dir, strlen(dir)) ? m + strlen(dir) : m);
    }
    emit("gzclose=%d", gzclose(f));

    errno = 0;
    f = gzopen(bad, "rb");
    emit("gzopen missing %s errno=%d", f ? "ok" : "NULL", errno);
    emit("gzopen bad mode %s %s", gzopen(path, "+") ? "ok" : "NULL",
         gzopen(path, "rT") ? "ok" : "NULL");

    /* gzdopen on a descriptor of the guest's, append mode, and 'T'. */
    {
        int fd = open(path, O_WRONLY | O_TRUNC);
        f = gzdopen(fd, "ab");
        emit("gzdopen %s", f ? "ok" : "NULL");
        emit("gzputs=%d", gzputs(f, "via gzdopen\n"));
        emit("gzclose=%d", gzclose(f));
        f = gzopen(path, "wT");
        emit("gzwrite T=%d", gzwrite(f, "plain\n", 6));
        emit("gzclose=%d", gzclose(f));
        f = gzopen(path, "r");
        emit("direct=%d gzgets=%s", gzdirect(f), gzgets(f, line, sizeof(line)));
        gzclose(f);
    }

    /* An I/O error on the host side: errno and message come back. */
    {
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        f = gzdopen(fd, "rb");
        errno = 0;
        rc = gzread(f, b, 10);
        emit("gzread dir=%d errno=%d", rc, errno);
        emit("gzerror dir=%s", gzerror(f, &err));
        emit("gzclose dir=%d", gzclose(f));
    }

    /* A path that means something else to the guest than to the host:
     * qemu-user serves /proc/self/exe as the guest's program. */
    f = gzopen("/proc/self/exe", "rb");
    rc = f ? gzread(f, b, 64) : -1;
    emit("exe gzread=%d hash=%016llx", rc,
         (unsigned long long)fnv(b, rc > 0 ? rc : 0));
    if (f) {
        gzclose(f);
    }
    emit("gzclose NULL=%d gzerror NULL=%s", gzclose(NULL),
         gzerror(NULL, &err) ? "set" : "NULL");
    free(b);
}

static void misc(void)
{
    const z_crc_t *t = get_crc_table();

    emit("zlibVersion=%s", zlibVersion());
    emit("zlibCompileFlags=%lx", zlibCompileFlags());
    for (int e = 2; e >= -6; e--) {
        emit("zError(%d)=%s", e, zError(e));
    }
    emit("get_crc_table hash=%016llx", (unsigned long long)fnv(t, 256 * sizeof(*t)));
    emit("compressBound(%d)=%lu", 12345, compressBound(12345));
}

int main(int argc, char **argv)
{
    static const int strategies[] = {
        Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED,
    };
    static const int wbits[] = { 15, 31, -15 };
    static const int small_wbits[] = { 9, 25, -9, 8 };
    Input inputs[6];
    size_t big = 16u << 20;

    diff_args(argc, argv, &dir, &quick);
    inputs[0] = (Input){ "empty", make_text(0), 0 };
    inputs[1] = (Input){ "one", (unsigned char *)strdup("x"), 1 };
    inputs[2] = (Input){ "text", make_text(100000), 100000 };
    inputs[3] = (Input){ "random", make_random(30000, 7), 30000 };
    inputs[4] = (Input){ "mixed", make_text(70000), 70000 };
    memcpy(inputs[4].data + 20000, make_random(20000, 9), 20000);
    inputs[5] = (Input){ "big", make_text(big), big };
    memcpy(inputs[5].data + big / 2, make_random(big / 4, 3), big / 4);

    misc();
    for (int i = 0; i < 5; i++) {
        one_shot(&inputs[i]);
        for (int l = 0; l <= 9; l += quick ? 3 : 1) {
            for (int s = 0; s < 5; s++) {
                for (int w = 0; w < 3; w++) {
                    deflate_case(&inputs[i], l, Z_DEFLATED, wbits[w],
                                 l % 3 == 0 ? 9 : 8, strategies[s], 4096, 0);
                }
            }
        }
        for (int w = 0; w < 4; w++) {
            deflate_case(&inputs[i], 6, Z_DEFLATED, small_wbits[w], 8, 0,
                         4096, 0);
        }
        deflate_case(&inputs[i], 6, Z_DEFLATED, 15, 8, 0, 1, 0);
        deflate_case(&inputs[i], 6, Z_DEFLATED, 31, 8, 0, 777, 3);
        deflate_case(&inputs[i], 9, Z_DEFLATED, -15, 1, 0, 100, 2);
    }
    for (int i = 1; i < 5; i++) {
        stream_features(&inputs[i]);
        gzip_headers(&inputs[i]);
        custom_alloc(&inputs[i]);
        guest_allocators(&inputs[i]);
        inflate_back(&inputs[i]);
    }
    gz_files(&inputs[2]);
    /* 16 MiB: a one-shot and a streamed round trip. */
    one_shot(&inputs[5]);
    deflate_case(&inputs[5], 6, Z_DEFLATED, 15, 8, 0, 1 << 20, 0);
    printf("END\n");
    return 0;
}
