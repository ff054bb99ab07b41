/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test program for libbz2: the same calls on the same inputs,
 * and a transcript of all a program can observe of them: return codes,
 * *bzerror values, byte counts, FNV-1a hashes of outputs (computed here),
 * and the total_* and avail_* fields after stream calls (the first few
 * calls of each phase printed, every call folded into a trace hash).
 *
 * It covers the buffer-to-buffer functions at every block size, with
 * BZ_OUTBUFF_FULL, corrupt and truncated data and their parameter errors;
 * the stream API with BZ_RUN, BZ_FLUSH and BZ_FINISH in odd buffer sizes,
 * small=1, its sequence and parameter errors, a moved (copied) stream,
 * corrupt, truncated and concatenated data, and allocators that log every
 * request and refuse the n-th (and streams setting only one of bzalloc
 * and bzfree); and the FILE functions, which the GTL reimplements over the
 * stream functions, on files in DIR: every block size, odd write and read
 * lengths, abandon, the byte counts, concatenated streams read with
 * BZ2_bzReadGetUnused, the parameter, sequence and I/O errors, truncated
 * and corrupt files, bzopen/bzdopen with bzread, bzwrite, bzflush,
 * bzerror and bzclose. The test script requires the transcripts of
 * passthrough, fallback and the guest's own libbz2 to be identical; the
 * last line is END.
 *
 * usage: bz2_diff DIR [quick]   (DIR: a scratch directory for .bz2 files;
 *                                quick: fewer block sizes)
 */
#define _GNU_SOURCE
#include <bzlib.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_data.h"

static const char *dir;
static int quick;

/* Decoded data lands here: room for any input and a corrupt surplus. */
static uint8_t back[1 << 20];

#define SHOWN 6          /* calls of a phase printed in full */
#define MAX_CALLS 400000 /* a stream that never ends is stopped here */

/*
 * The calls of one stream: the first SHOWN of each phase printed, and all
 * of them folded into a hash, so that a difference in any call's fields
 * shows without a line per call.
 */
typedef struct Trace {
    const char *what;
    const char *phase;
    int calls, phase_calls;
    uint64_t hash;
} Trace;

static void trace_start(Trace *t, const char *what)
{
    memset(t, 0, sizeof(*t));
    t->what = what;
    t->phase = "call";
}

static void trace_phase(Trace *t, const char *phase)
{
    t->phase = phase;
    t->phase_calls = 0;
}

static void trace_call(Trace *t, int rc, const bz_stream *s)
{
    uint32_t rec[8] = { (uint32_t)rc, s->total_in_lo32, s->total_in_hi32,
                        s->total_out_lo32, s->total_out_hi32, s->avail_in,
                        s->avail_out, (uint32_t)t->calls };

    t->calls++;
    if (++t->phase_calls <= SHOWN) {
        emit("%s %s#%d rc=%d in=%u,%u out=%u,%u avail=%u,%u", t->what,
             t->phase, t->phase_calls, rc, rec[1], rec[2], rec[3], rec[4],
             rec[5], rec[6]);
    }
    t->hash = (t->hash * 0x100000001b3ULL) ^ fnv(rec, sizeof(rec));
}

static void trace_done(const Trace *t, int rc)
{
    emit("%s calls=%d last=%d trace=%016" PRIx64, t->what, t->calls, rc,
         t->hash);
}

/* A stream's fields after one call of the error cases. */
static void show(const char *what, int rc, const bz_stream *s)
{
    emit("%s rc=%d in=%u,%u out=%u,%u avail=%u,%u", what, rc,
         s->total_in_lo32, s->total_in_hi32, s->total_out_lo32,
         s->total_out_hi32, s->avail_in, s->avail_out);
}

static size_t at_most(size_t left, size_t step)
{
    return left < step ? left : step;
}

static void fresh(bz_stream *s)
{
    memset(s, 0, sizeof(*s));
}

static size_t bound(size_t n)
{
    return n + n / 100 + 600;
}

static int same(const Input *in, size_t n)
{
    return n == in->len && !memcmp(back, in->data, n);
}

/*
 * How a compressor is driven: BZ_RUN in pieces of step_in over the first
 * half (the first third with flush), BZ_FLUSH of the second third (with
 * flush), BZ_FINISH of the rest; at most step_out bytes of output room a
 * call. The decompressor gets the steps swapped.
 */
typedef struct Plan {
    int block, work;
    size_t step_in, step_out;
    int flush;        /* flush the second third */
    int small;        /* decompress with small=1 */
} Plan;

/* Compresses in into out (cap) on the initialised s; returns the length
 * and puts the last code in *last. */
static size_t compress_plan(Trace *t, bz_stream *s, const Input *in,
                            uint8_t *out, size_t cap, const Plan *p,
                            int *last)
{
    size_t third = in->len / 3;
    size_t run_end = p->flush ? third : in->len / 2;
    size_t ends[2] = { p->flush ? 2 * third : run_end, in->len };
    size_t used = 0, made = 0;
    int rc = BZ_RUN_OK;

    trace_phase(t, "run");
    while (used < run_end && rc == BZ_RUN_OK) {
        s->next_in = (char *)in->data + used;
        s->avail_in = at_most(run_end - used, p->step_in);
        s->next_out = (char *)out + made;
        s->avail_out = at_most(cap - made, p->step_out);
        rc = BZ2_bzCompress(s, BZ_RUN);
        trace_call(t, rc, s);
        used = (uint8_t *)s->next_in - in->data;
        made = (uint8_t *)s->next_out - out;
    }
    /* Flush and finish are given all their input at once and it is left
     * alone between calls: libbz2 wants avail_in to change only by what
     * it takes. */
    for (int k = 0; k < 2 && rc == BZ_RUN_OK; k++) {
        int action = k ? BZ_FINISH : BZ_FLUSH;
        int again = k ? BZ_FINISH_OK : BZ_FLUSH_OK;

        if (!k && ends[0] <= used) {
            continue;
        }
        trace_phase(t, k ? "finish" : "flush");
        s->next_in = (char *)in->data + used;
        s->avail_in = ends[k] - used;
        do {
            s->next_out = (char *)out + made;
            s->avail_out = at_most(cap - made, p->step_out);
            rc = BZ2_bzCompress(s, action);
            trace_call(t, rc, s);
            made = (uint8_t *)s->next_out - out;
        } while (rc == again && t->calls < MAX_CALLS);
        used = (uint8_t *)s->next_in - in->data;
    }
    *last = rc;
    return made;
}

/*
 * Decompresses n bytes of src into back on the initialised s, step_in and
 * step_out bytes at most a call, until an error or the end, or no call
 * makes progress (truncated data: libbz2 keeps asking for input). Returns
 * the last code; *left: input not taken.
 */
static int decompress_steps(Trace *t, bz_stream *s, const uint8_t *src,
                            size_t n, size_t step_in, size_t step_out,
                            size_t *left)
{
    size_t used = 0, made = 0;
    int rc;

    trace_phase(t, "decompress");
    for (;;) {
        size_t was_used = used, was_made = made;

        s->next_in = (char *)src + used;
        s->avail_in = at_most(n - used, step_in);
        s->next_out = (char *)back + made;
        s->avail_out = at_most(sizeof(back) - made, step_out);
        rc = BZ2_bzDecompress(s);
        trace_call(t, rc, s);
        used = (uint8_t *)s->next_in - src;
        made = (uint8_t *)s->next_out - back;
        if (rc != BZ_OK || t->calls >= MAX_CALLS) {
            break;
        }
        if (used == was_used && made == was_made) {
            trace_phase(t, "stalled");
            trace_call(t, rc, s);
            break;
        }
    }
    *left = n - used;
    return rc;
}

/* A stream's whole decompression with the result line; returns the code. */
static int decompress_all(const char *what, const uint8_t *src, size_t n,
                          size_t step_in, size_t step_out, int small,
                          const Input *want)
{
    bz_stream s;
    Trace t;
    size_t left = 0;
    int rc;

    fresh(&s);
    rc = BZ2_bzDecompressInit(&s, 0, small);
    if (rc != BZ_OK) {
        emit("%s decompress_init=%d", what, rc);
        return rc;
    }
    trace_start(&t, what);
    rc = decompress_steps(&t, &s, src, n, step_in, step_out, &left);
    trace_done(&t, rc);
    emit("%s decoded=%u left=%zu hash=%016" PRIx64 " same=%d", what,
         s.total_out_lo32, left, fnv(back, s.total_out_lo32),
         want ? same(want, s.total_out_lo32) : -1);
    emit("%s decompress_end=%d", what, BZ2_bzDecompressEnd(&s));
    return rc;
}

static const Plan plans[] = {
    { 1, 0, 1, 1, 0, 0 },
    { 9, 30, 7, 13, 1, 1 },
    { 5, 250, 333, 4099, 0, 0 },
    { 2, 1, 4099, 7, 1, 0 },
    { 1, 100, 65536, 65537, 1, 1 },
    { 3, 0, 200000, 200000, 0, 1 },
};

static void stream_case(const Input *in, const Plan *p)
{
    size_t cap = bound(in->len) + 4096, clen;
    uint8_t *comp = malloc(cap);
    char what[128];
    bz_stream s;
    Trace t;
    int rc;

    snprintf(what, sizeof(what), "stream %s bs=%d wf=%d steps=%zu,%zu%s",
             in->name, p->block, p->work, p->step_in, p->step_out,
             p->flush ? " flush" : "");
    fresh(&s);
    rc = BZ2_bzCompressInit(&s, p->block, 0, p->work);
    emit("%s compress_init=%d", what, rc);
    trace_start(&t, what);
    clen = compress_plan(&t, &s, in, comp, cap, p, &rc);
    trace_done(&t, rc);
    emit("%s compressed=%zu hash=%016" PRIx64, what, clen, fnv(comp, clen));
    emit("%s compress_end=%d", what, BZ2_bzCompressEnd(&s));
    snprintf(what, sizeof(what), "stream %s bs=%d steps=%zu,%zu small=%d",
             in->name, p->block, p->step_out, p->step_in, p->small);
    /* Decoded with the steps swapped: compressed data comes in small. */
    decompress_all(what, comp, clen, p->step_out, p->step_in, p->small, in);
    free(comp);
}

static void streams(const Input *in)
{
    for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
        if (plans[i].step_in * plans[i].step_out < 50 && in->len > 20000) {
            continue;
        }
        stream_case(in, &plans[i]);
    }
}

/* Sequence and parameter errors of the stream functions. */
static void stream_errors(const Input *in)
{
    static const int bad_compress[][3] = {
        { 0, 0, 30 }, { 10, 0, 30 }, { 1, 0, -1 }, { 1, 0, 251 },
        { -3, 0, 0 }, { 9, 5, 0 }, { 9, -1, 250 },
    };
    static const int bad_decompress[][2] = {
        { 0, 2 }, { 0, -1 }, { 5, 0 }, { -1, 1 }, { 4, 1 },
    };
    size_t cap = bound(in->len), clen;
    uint8_t *comp = malloc(cap);
    bz_stream s, copy;
    char what[64];
    int rc;

    /* Verbosity is not checked by the compressor's init. */
    emit("compress_init NULL=%d", BZ2_bzCompressInit(NULL, 9, 0, 30));
    for (size_t i = 0; i < sizeof(bad_compress) / sizeof(bad_compress[0]);
         i++) {
        fresh(&s);
        rc = BZ2_bzCompressInit(&s, bad_compress[i][0], bad_compress[i][1],
                                bad_compress[i][2]);
        emit("compress_init bs=%d verbosity=%d wf=%d rc=%d end=%d",
             bad_compress[i][0], bad_compress[i][1], bad_compress[i][2], rc,
             rc == BZ_OK ? BZ2_bzCompressEnd(&s) : 99);
    }
    emit("decompress_init NULL=%d", BZ2_bzDecompressInit(NULL, 0, 0));
    for (size_t i = 0;
         i < sizeof(bad_decompress) / sizeof(bad_decompress[0]); i++) {
        fresh(&s);
        rc = BZ2_bzDecompressInit(&s, bad_decompress[i][0],
                                  bad_decompress[i][1]);
        emit("decompress_init verbosity=%d small=%d rc=%d end=%d",
             bad_decompress[i][0], bad_decompress[i][1], rc,
             rc == BZ_OK ? BZ2_bzDecompressEnd(&s) : 99);
    }
    /* No stream, and a stream never initialised (state NULL). */
    fresh(&s);
    emit("NULL stream: compress=%d compress_end=%d decompress=%d "
         "decompress_end=%d", BZ2_bzCompress(NULL, BZ_RUN),
         BZ2_bzCompressEnd(NULL), BZ2_bzDecompress(NULL),
         BZ2_bzDecompressEnd(NULL));
    emit("zeroed stream: compress=%d compress_end=%d decompress=%d "
         "decompress_end=%d", BZ2_bzCompress(&s, BZ_FINISH),
         BZ2_bzCompressEnd(&s), BZ2_bzDecompress(&s),
         BZ2_bzDecompressEnd(&s));

    /* The compressor's modes. */
    fresh(&s);
    emit("seq compress_init=%d", BZ2_bzCompressInit(&s, 1, 0, 0));
    s.next_in = (char *)in->data;
    s.next_out = (char *)comp;
    s.avail_out = cap;
    /* BZ_RUN with nothing to do is a parameter error. */
    show("seq run no input", BZ2_bzCompress(&s, BZ_RUN), &s);
    s.avail_in = 1000;
    show("seq action 3", BZ2_bzCompress(&s, 3), &s);
    show("seq action -1", BZ2_bzCompress(&s, -1), &s);
    show("seq run 1000", BZ2_bzCompress(&s, BZ_RUN), &s);
    /* A stream moved by copying: libbz2 notices and refuses it. */
    memcpy(&copy, &s, sizeof(s));
    copy.avail_in = 10;
    show("seq copy run", BZ2_bzCompress(&copy, BZ_RUN), &copy);
    show("seq copy end", BZ2_bzCompressEnd(&copy), &copy);
    s.avail_in = 3000;
    s.avail_out = 11;
    show("seq flush", BZ2_bzCompress(&s, BZ_FLUSH), &s);
    show("seq run while flushing", BZ2_bzCompress(&s, BZ_RUN), &s);
    show("seq finish while flushing", BZ2_bzCompress(&s, BZ_FINISH), &s);
    s.avail_out = 17;
    show("seq flush again", BZ2_bzCompress(&s, BZ_FLUSH), &s);
    s.avail_in += 5;
    show("seq flush avail_in changed", BZ2_bzCompress(&s, BZ_FLUSH), &s);
    s.avail_in -= 5;
    for (int i = 0; i < 1000; i++) {
        s.avail_out = 100;
        rc = BZ2_bzCompress(&s, BZ_FLUSH);
        if (rc != BZ_FLUSH_OK) {
            snprintf(what, sizeof(what), "seq flush done after %d", i);
            show(what, rc, &s);
            break;
        }
    }
    s.avail_out = 0;
    show("seq flush, nothing to flush", BZ2_bzCompress(&s, BZ_FLUSH), &s);
    s.avail_in = 77;
    show("seq finish no room", BZ2_bzCompress(&s, BZ_FINISH), &s);
    show("seq finish no room again", BZ2_bzCompress(&s, BZ_FINISH), &s);
    s.avail_out = 9;
    show("seq finish", BZ2_bzCompress(&s, BZ_FINISH), &s);
    show("seq run while finishing", BZ2_bzCompress(&s, BZ_RUN), &s);
    show("seq flush while finishing", BZ2_bzCompress(&s, BZ_FLUSH), &s);
    s.avail_in += 1;
    show("seq finish avail_in changed", BZ2_bzCompress(&s, BZ_FINISH), &s);
    s.avail_in -= 1;
    do {
        s.avail_out = 64;
        rc = BZ2_bzCompress(&s, BZ_FINISH);
    } while (rc == BZ_FINISH_OK);
    show("seq finished", rc, &s);
    clen = (uint8_t *)s.next_out - comp;
    emit("seq output len=%zu hash=%016" PRIx64, clen, fnv(comp, clen));
    show("seq finish after end", BZ2_bzCompress(&s, BZ_FINISH), &s);
    show("seq run after end", BZ2_bzCompress(&s, BZ_RUN), &s);
    show("seq compress_end", BZ2_bzCompressEnd(&s), &s);
    show("seq compress_end again", BZ2_bzCompressEnd(&s), &s);
    show("seq run after compress_end", BZ2_bzCompress(&s, BZ_RUN), &s);

    /* The decompressor's. */
    fresh(&s);
    emit("seq decompress_init=%d", BZ2_bzDecompressInit(&s, 0, 0));
    s.next_out = (char *)back;
    s.avail_out = 0;
    show("seq decompress nothing", BZ2_bzDecompress(&s), &s);
    s.next_in = (char *)comp;
    s.avail_in = 20;
    show("seq decompress 20 no room", BZ2_bzDecompress(&s), &s);
    memcpy(&copy, &s, sizeof(s));
    show("seq copy decompress", BZ2_bzDecompress(&copy), &copy);
    show("seq copy decompress_end", BZ2_bzDecompressEnd(&copy), &copy);
    s.avail_in = clen - ((uint8_t *)s.next_in - comp);
    s.avail_out = sizeof(back);
    show("seq decompress rest", BZ2_bzDecompress(&s), &s);
    emit("seq decoded hash=%016" PRIx64, fnv(back, s.total_out_lo32));
    s.avail_in = 5;
    show("seq decompress after end", BZ2_bzDecompress(&s), &s);
    show("seq decompress_end", BZ2_bzDecompressEnd(&s), &s);
    show("seq decompress_end again", BZ2_bzDecompressEnd(&s), &s);
    show("seq decompress after decompress_end", BZ2_bzDecompress(&s), &s);
    free(comp);
}

/*
 * One bz_stream set up again and again after its end, as a compressor and
 * as a decompressor, never cleared: libbz2 leaves its own allocator
 * functions in it, which the next init takes for the program's.
 */
static void reused_stream(const Input *in)
{
    static const Plan plan = { 1, 0, 50000, 50000, 0, 0 };
    size_t cap = bound(in->len), clen, left;
    uint8_t *comp = malloc(cap);
    char what[32];
    bz_stream s;
    Trace t;
    int rc;

    fresh(&s);
    for (int round = 0; round < 3; round++) {
        snprintf(what, sizeof(what), "reused round %d", round);
        rc = BZ2_bzCompressInit(&s, 1 + round, 0, 0);
        emit("%s compress_init=%d", what, rc);
        trace_start(&t, what);
        clen = compress_plan(&t, &s, in, comp, cap, &plan, &rc);
        trace_done(&t, rc);
        emit("%s compressed=%zu hash=%016" PRIx64, what, clen,
             fnv(comp, clen));
        emit("%s compress_end=%d", what, BZ2_bzCompressEnd(&s));
        rc = BZ2_bzDecompressInit(&s, 0, round % 2);
        emit("%s decompress_init=%d", what, rc);
        trace_start(&t, what);
        rc = decompress_steps(&t, &s, comp, clen, 9999, 20000, &left);
        trace_done(&t, rc);
        emit("%s left=%zu same=%d", what, left, same(in, s.total_out_lo32));
        emit("%s decompress_end=%d", what, BZ2_bzDecompressEnd(&s));
    }
    free(comp);
}

/* Corrupt, truncated, foreign and concatenated data on streams. */
static void bad_data(const Input *in)
{
    size_t cap = bound(in->len) * 2 + 64;
    uint8_t *comp = malloc(cap), *two;
    unsigned int clen = cap;
    int rc = BZ2_bzBuffToBuffCompress((char *)comp, &clen,
                                      (char *)in->data, in->len, 1, 0, 0);
    size_t left;
    bz_stream s;
    Trace t;

    emit("bad_data %s buff_compress=%d len=%u hash=%016" PRIx64, in->name,
         rc, clen, fnv(comp, clen));
    decompress_all("truncated half", comp, clen / 2, 4096, 4096, 0, in);
    decompress_all("truncated 3", comp, 3, 4096, 4096, 1, in);
    decompress_all("truncated last", comp, clen - 1, 7, 65536, 0, in);
    decompress_all("empty", comp, 0, 4096, 4096, 0, in);
    comp[clen / 2] ^= 0x10;
    decompress_all("corrupt middle", comp, clen, 4096, 4096, 0, in);
    decompress_all("corrupt middle small", comp, clen, 999, 333, 1, in);
    comp[clen / 2] ^= 0x10;
    comp[2] = 'x';
    decompress_all("magic BZx", comp, clen, 4096, 4096, 0, in);
    comp[2] = 'h';
    comp[3] = '0';
    decompress_all("magic BZh0", comp, clen, 4096, 4096, 0, in);
    comp[3] = '1';
    comp[5] ^= 0x01;
    decompress_all("block magic", comp, clen, 4096, 4096, 0, in);
    comp[5] ^= 0x01;
    comp[clen - 2] ^= 0x40;
    decompress_all("combined crc", comp, clen, 4096, 4096, 0, in);
    comp[clen - 2] ^= 0x40;
    decompress_all("foreign", (const uint8_t *)"this is not bzip2 data", 22,
                   4096, 4096, 0, in);

    /* Two streams and trailing bytes: the first ends with the rest left in
     * avail_in; a new decompressor takes it from there. */
    two = malloc(2 * clen + 16);
    memcpy(two, comp, clen);
    memcpy(two + clen, comp, clen);
    memcpy(two + 2 * clen, "trailing junk", 13);
    fresh(&s);
    BZ2_bzDecompressInit(&s, 0, 0);
    trace_start(&t, "concatenated first");
    rc = decompress_steps(&t, &s, two, 2 * clen + 13, 100000, 65536, &left);
    trace_done(&t, rc);
    emit("concatenated first rc=%d left=%zu avail_in=%u decoded=%u "
         "same=%d", rc, left, s.avail_in, s.total_out_lo32,
         same(in, s.total_out_lo32));
    BZ2_bzDecompressEnd(&s);
    decompress_all("concatenated second", two + 2 * clen + 13 - left,
                   left, 100000, 65536, 1, in);
    free(two);
    free(comp);
}

/* The buffer functions at every block size, and their errors. */
static void buffers(const Input *in)
{
    size_t cap = bound(in->len);
    uint8_t *comp = malloc(cap);
    unsigned int clen = 0, dlen;
    int rc;

    for (int bs = 1; bs <= 9; bs += quick ? 4 : 1) {
        clen = cap;
        rc = BZ2_bzBuffToBuffCompress((char *)comp, &clen, (char *)in->data,
                                      in->len, bs, 0, bs * 27);
        emit("buff %s bs=%d wf=%d compress=%d len=%u hash=%016" PRIx64,
             in->name, bs, bs * 27, rc, clen, fnv(comp, clen));
        for (int small = 0; small < 2; small++) {
            dlen = sizeof(back);
            rc = BZ2_bzBuffToBuffDecompress((char *)back, &dlen, (char *)comp,
                                            clen, small, 0);
            emit("buff %s bs=%d small=%d decompress=%d len=%u same=%d",
                 in->name, bs, small, rc, dlen, same(in, dlen));
        }
    }
    /* Too little room either way: BZ_OUTBUFF_FULL, lengths untouched. */
    clen = cap;
    BZ2_bzBuffToBuffCompress((char *)comp, &clen, (char *)in->data, in->len,
                             9, 0, 0);
    for (unsigned int room = 0; room < 40; room += 13) {
        unsigned int n = room < clen ? clen - 1 - room : 0;
        rc = BZ2_bzBuffToBuffCompress((char *)back, &n, (char *)in->data,
                                      in->len, 9, 0, 0);
        emit("buff %s compress room=clen-%u rc=%d len=%u", in->name, room + 1,
             rc, n);
    }
    dlen = in->len ? in->len - 1 : 0;
    rc = BZ2_bzBuffToBuffDecompress((char *)back, &dlen, (char *)comp, clen,
                                    0, 0);
    emit("buff %s decompress room=len-1 rc=%d len=%u", in->name, rc, dlen);
    dlen = sizeof(back);
    rc = BZ2_bzBuffToBuffDecompress((char *)back, &dlen, (char *)comp,
                                    clen - 1, 0, 0);
    emit("buff %s decompress truncated rc=%d len=%u", in->name, rc, dlen);
    comp[clen / 2] ^= 0x04;
    dlen = sizeof(back);
    rc = BZ2_bzBuffToBuffDecompress((char *)back, &dlen, (char *)comp, clen,
                                    1, 0);
    emit("buff %s decompress corrupt rc=%d len=%u", in->name, rc, dlen);
    comp[clen / 2] ^= 0x04;
    comp[0] = 'b';
    dlen = sizeof(back);
    rc = BZ2_bzBuffToBuffDecompress((char *)back, &dlen, (char *)comp, clen,
                                    0, 0);
    emit("buff %s decompress bad magic rc=%d len=%u", in->name, rc, dlen);
    free(comp);
}

static void buffer_params(const Input *in)
{
    static const int bad[][3] = {
        { 0, 0, 0 }, { 10, 0, 0 }, { 5, -1, 0 }, { 5, 5, 0 },
        { 5, 0, -1 }, { 5, 0, 251 }, { 1, 0, 250 },
    };
    uint8_t out[4096];
    unsigned int n;
    int rc;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = sizeof(out);
        rc = BZ2_bzBuffToBuffCompress((char *)out, &n, (char *)in->data, 1000,
                                      bad[i][0], bad[i][1], bad[i][2]);
        emit("buff_compress bs=%d verbosity=%d wf=%d rc=%d len=%u", bad[i][0],
             bad[i][1], bad[i][2], rc, n);
    }
    n = sizeof(out);
    rc = BZ2_bzBuffToBuffCompress(NULL, &n, (char *)in->data, 10, 9, 0, 0);
    emit("buff_compress NULL dest=%d len=%u", rc, n);
    emit("buff_compress NULL destLen=%d",
         BZ2_bzBuffToBuffCompress((char *)out, NULL, (char *)in->data, 10, 9,
                                  0, 0));
    rc = BZ2_bzBuffToBuffCompress((char *)out, &n, NULL, 0, 9, 0, 0);
    emit("buff_compress NULL source=%d len=%u", rc, n);
    rc = BZ2_bzBuffToBuffCompress((char *)out, &n, (char *)in->data, 0, 9, 0,
                                  0);
    emit("buff_compress zero length=%d len=%u hash=%016" PRIx64, rc, n,
         fnv(out, n));
    emit("buff_decompress small=2 rc=%d",
         BZ2_bzBuffToBuffDecompress((char *)back, &n, (char *)out, n, 2, 0));
    emit("buff_decompress verbosity=5 rc=%d",
         BZ2_bzBuffToBuffDecompress((char *)back, &n, (char *)out, n, 0, 5));
    emit("buff_decompress verbosity=-1 rc=%d",
         BZ2_bzBuffToBuffDecompress((char *)back, &n, (char *)out, n, 1, -1));
    emit("buff_decompress NULL dest=%d source=%d destLen=%d",
         BZ2_bzBuffToBuffDecompress(NULL, &n, (char *)out, n, 0, 0),
         BZ2_bzBuffToBuffDecompress((char *)back, &n, NULL, n, 0, 0),
         BZ2_bzBuffToBuffDecompress((char *)back, NULL, (char *)out, n, 0, 0));
    {
        unsigned int dn = 0;

        rc = BZ2_bzBuffToBuffDecompress((char *)back, &dn, (char *)out, n, 0,
                                        0);
        emit("buff_decompress empty stream, no room rc=%d len=%u", rc, dn);
    }
}

/* The pool (test_data.h) as libbz2's allocator: n items of m bytes. */
static void *pool_bzalloc(void *opaque, int n, int m)
{
    char what[48];

    snprintf(what, sizeof(what), "%d x %d", n, m);
    return pool_give(opaque, (size_t)n * (size_t)m, what);
}

static void pool_bzfree(void *opaque, void *block)
{
    pool_take(opaque, block);
}

/* A compressor and a decompressor on one pool, refusing its request
 * refuse_at (0: none); returns 1 if all of it worked. */
static int pool_roundtrip(const Input *in, int small, int refuse_at)
{
    size_t cap = bound(in->len);
    uint8_t *comp = malloc(cap);
    char what[64];
    Pool p;
    bz_stream s;
    Trace t;
    size_t clen = 0, left;
    int rc, ok = 0;

    pool_init(&p, refuse_at);
    snprintf(what, sizeof(what), "pool %s small=%d refuse=%d", in->name,
             small, refuse_at);
    emit("%s", what);
    fresh(&s);
    s.bzalloc = pool_bzalloc;
    s.bzfree = pool_bzfree;
    s.opaque = &p;
    rc = BZ2_bzCompressInit(&s, 2, 0, 0);
    emit("%s compress_init=%d live=%d", what, rc, p.live);
    if (rc == BZ_OK) {
        Plan plan = { 2, 0, 30000, 20000, 1, small };

        trace_start(&t, what);
        clen = compress_plan(&t, &s, in, comp, cap, &plan, &rc);
        trace_done(&t, rc);
        emit("%s compressed=%zu hash=%016" PRIx64 " compress_end=%d", what,
             clen, fnv(comp, clen), BZ2_bzCompressEnd(&s));
    }
    emit("%s live=%d", what, p.live);
    if (rc == BZ_STREAM_END) {
        fresh(&s);
        s.bzalloc = pool_bzalloc;
        s.bzfree = pool_bzfree;
        s.opaque = &p;
        rc = BZ2_bzDecompressInit(&s, 0, small);
        emit("%s decompress_init=%d live=%d", what, rc, p.live);
        if (rc == BZ_OK) {
            trace_start(&t, what);
            rc = decompress_steps(&t, &s, comp, clen, 5000, 50000, &left);
            trace_done(&t, rc);
            emit("%s decoded=%u same=%d", what, s.total_out_lo32,
                 same(in, s.total_out_lo32));
            emit("%s decompress_end=%d", what, BZ2_bzDecompressEnd(&s));
            ok = rc == BZ_STREAM_END;
        }
    }
    emit("%s calls=%d live=%d", what, p.calls, p.live);
    free(comp);
    return ok;
}

/*
 * bzalloc without bzfree, and bzfree without bzalloc: libbz2 fills in its
 * own default for the one missing, so the pool sees only allocations, or
 * only frees of blocks it never gave (which it keeps: a small leak).
 */
static void half_allocators(const Input *in)
{
    for (int half = 0; half < 2; half++) {
        const char *what = half ? "bzfree only" : "bzalloc only";
        unsigned int clen;
        Pool p;
        bz_stream s;
        int rc;

        pool_init(&p, 0);
        fresh(&s);
        s.bzalloc = half ? NULL : pool_bzalloc;
        s.bzfree = half ? pool_bzfree : NULL;
        s.opaque = &p;
        rc = BZ2_bzCompressInit(&s, 1, 0, 0);
        s.next_in = (char *)in->data;
        s.avail_in = in->len;
        s.next_out = (char *)back;
        s.avail_out = sizeof(back);
        emit("%s compress_init=%d compress=%d", what, rc,
             BZ2_bzCompress(&s, BZ_FINISH));
        clen = s.total_out_lo32;
        rc = BZ2_bzCompressEnd(&s);
        emit("%s compressed=%u compress_end=%d calls=%d live=%d", what, clen,
             rc, p.calls, p.live);
        fresh(&s);
        s.bzalloc = half ? NULL : pool_bzalloc;
        s.bzfree = half ? pool_bzfree : NULL;
        s.opaque = &p;
        rc = BZ2_bzDecompressInit(&s, 0, half);
        s.next_in = (char *)back;
        s.avail_in = clen;
        s.next_out = (char *)back + clen;
        s.avail_out = sizeof(back) - clen;
        emit("%s decompress_init=%d decompress=%d", what, rc,
             BZ2_bzDecompress(&s));
        clen = s.total_out_lo32;
        rc = BZ2_bzDecompressEnd(&s);
        emit("%s decoded=%u decompress_end=%d calls=%d live=%d", what, clen,
             rc, p.calls, p.live);
    }
}

static void allocators(const Input *in)
{
    for (int small = 0; small < 2; small++) {
        pool_roundtrip(in, small, 0);
        for (int n = 1; n < 20 && !pool_roundtrip(in, small, n); n++) {
        }
    }
    half_allocators(in);
}

/* The FILE functions. */

static const int write_lens[] = { 1, 7, 4999, 5000, 5001, 2, 65536, 333 };
static const int read_lens[] = { 1, 3, 4097, 17, 5001, 65536, 2, 999 };
#define NLENS 8

static const char *path_of(const char *name)
{
    static char paths[4][4096];
    static int next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

/* The whole of a file, malloc'd (NULL if there is none). */
static uint8_t *slurp(const char *name, size_t *n)
{
    FILE *f = fopen(path_of(name), "rb");
    uint8_t *data = NULL;
    size_t cap = 0, got;

    *n = 0;
    if (!f) {
        return NULL;
    }
    do {
        if (*n == cap) {
            cap = cap ? 2 * cap : 65536;
            data = realloc(data, cap);
        }
        got = fread(data + *n, 1, cap - *n, f);
        *n += got;
    } while (got > 0);
    fclose(f);
    return data;
}

static void put_file(const char *name, const void *data, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");

    fwrite(data, 1, n, f);
    fclose(f);
}

static void show_file(const char *what, const char *name)
{
    size_t n;
    uint8_t *data = slurp(name, &n);
    char head[5] = "----";

    for (size_t i = 0; i < 4 && i < n; i++) {
        head[i] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '?';
    }
    emit("%s file bytes=%zu head=%s hash=%016" PRIx64, what, n, head,
         fnv(data, n));
    free(data);
}

/* BZ2_bzWrite of in in odd lengths, from byte `from`; stops at an error. */
static void write_pieces(const char *what, BZFILE *b, const Input *in,
                         size_t from, int *err)
{
    size_t pos = from;
    int calls = 0;

    *err = BZ_OK;
    while (pos < in->len && *err == BZ_OK) {
        int len = (int)at_most(in->len - pos, write_lens[calls % NLENS]);

        *err = 99;
        BZ2_bzWrite(err, b, in->data + pos, len);
        calls++;
        pos += len;
    }
    emit("%s wrote=%zu calls=%d err=%d", what, pos - from, calls, *err);
}

/* BZ2_bzRead in odd lengths into back until it stops being BZ_OK; returns
 * the bytes read, the last *bzerror in *err. */
static size_t read_pieces(const char *what, BZFILE *b, int *err)
{
    uint64_t trace = 0;
    size_t got = 0;
    int calls = 0, len, n;

    do {
        len = (int)at_most(sizeof(back) - got, read_lens[calls % NLENS]);
        *err = 99;
        n = BZ2_bzRead(err, b, back + got, len);
        calls++;
        if (calls <= 3 || *err != BZ_OK) {
            emit("%s read#%d len=%d ret=%d err=%d", what, calls, len, n,
                 *err);
        }
        trace = trace * 31 + (uint64_t)(n * 16 - *err);
        got += n > 0 ? n : 0;
    } while (*err == BZ_OK && len > 0);
    emit("%s read=%zu calls=%d trace=%016" PRIx64 " hash=%016" PRIx64, what,
         got, calls, trace, fnv(back, got));
    return got;
}

/* Writes in to `name` with the FILE functions; returns the handle's
 * last *bzerror. */
static int write_file(const char *what, const char *name, const Input *in,
                      int bs, int wf, int abandon)
{
    FILE *f = fopen(path_of(name), "wb");
    unsigned int count[4] = { 7, 7, 7, 7 };
    int err = 99;
    BZFILE *b = BZ2_bzWriteOpen(&err, f, bs, 0, wf);

    emit("%s write_open bs=%d wf=%d err=%d handle=%d", what, bs, wf, err,
         b != NULL);
    write_pieces(what, b, in, 0, &err);
    err = 99;
    BZ2_bzWriteClose64(&err, b, abandon, &count[0], &count[1], &count[2],
                       &count[3]);
    emit("%s write_close64 abandon=%d err=%d in=%u,%u out=%u,%u", what,
         abandon, err, count[0], count[1], count[2], count[3]);
    fclose(f);
    show_file(what, name);
    return err;
}

/* Reads `name` back with the FILE functions; compares with in. */
static void read_file(const char *what, const char *name, const Input *in,
                      int small)
{
    FILE *f = fopen(path_of(name), "rb");
    int err = 99, nu = -1;
    void *unused = NULL;
    BZFILE *b = BZ2_bzReadOpen(&err, f, 0, small, NULL, 0);
    size_t got;

    emit("%s read_open small=%d err=%d handle=%d", what, small, err,
         b != NULL);
    got = read_pieces(what, b, &err);
    emit("%s same=%d", what, same(in, got));
    BZ2_bzReadGetUnused(&err, b, &unused, &nu);
    emit("%s get_unused err=%d n=%d tell=%ld", what, err, nu, ftell(f));
    err = 99;
    BZ2_bzReadClose(&err, b);
    emit("%s read_close err=%d", what, err);
    fclose(f);
}

static void file_block_sizes(const Input *in)
{
    char what[64], name[32];

    for (int bs = 1; bs <= 9; bs += quick ? 4 : 1) {
        snprintf(name, sizeof(name), "%s%d.bz2", in->name, bs);
        snprintf(what, sizeof(what), "file %s bs=%d", in->name, bs);
        write_file(what, name, in, bs, bs * 25 - 25, 0);
        read_file(what, name, in, bs % 2);
    }
}

/* Abandoned writes, the 32-bit close, and errors that decide whether the
 * close finishes the stream. */
static void file_writes(const Input *in)
{
    unsigned int nin = 5, nout = 5;
    int err;
    BZFILE *b;
    FILE *f;

    write_file("abandon", "abandon.bz2", in, 1, 0, 1);
    read_file("abandon", "abandon.bz2", in, 0);

    f = fopen(path_of("close32.bz2"), "wb");
    b = BZ2_bzWriteOpen(&err, f, 4, 0, 0);
    write_pieces("close32", b, in, in->len / 2, &err);
    BZ2_bzWriteClose(&err, b, 0, &nin, &nout);
    emit("close32 write_close err=%d in=%u out=%u", err, nin, nout);
    fclose(f);
    show_file("close32", "close32.bz2");

    /* A parameter error, then a write that succeeds (BZ_OK again): the
     * close finishes the stream. A bzWrite on NULL bzerror is fine. */
    f = fopen(path_of("recovered.bz2"), "wb");
    b = BZ2_bzWriteOpen(&err, f, 9, 0, 0);
    BZ2_bzWrite(NULL, b, in->data, 1000);
    BZ2_bzWrite(&err, b, NULL, 10);
    emit("recovered write NULL buf err=%d", err);
    BZ2_bzWrite(&err, b, in->data, -1);
    emit("recovered write len -1 err=%d", err);
    BZ2_bzWrite(&err, b, in->data, 0);
    emit("recovered write len 0 err=%d", err);
    BZ2_bzWriteClose(NULL, b, 0, &nin, &nout);
    emit("recovered close in=%u out=%u", nin, nout);
    fclose(f);
    show_file("recovered", "recovered.bz2");

    /* An error last: the close does not finish the stream, and only the
     * blocks already written stay. */
    f = fopen(path_of("unfinished.bz2"), "wb");
    b = BZ2_bzWriteOpen(&err, f, 1, 0, 0);
    write_pieces("unfinished", b, in, 0, &err);
    BZ2_bzWrite(&err, b, NULL, 1);
    emit("unfinished write NULL buf err=%d", err);
    BZ2_bzWriteClose64(&err, b, 0, &nin, NULL, &nout, NULL);
    emit("unfinished close64 err=%d in=%u out=%u", err, nin, nout);
    fclose(f);
    show_file("unfinished", "unfinished.bz2");

    /* BZ2_bzRead on a write handle: a sequence error, which also leaves
     * the stream unfinished; bzReadClose on it is refused. */
    f = fopen(path_of("seq.bz2"), "wb");
    b = BZ2_bzWriteOpen(&err, f, 2, 0, 0);
    BZ2_bzWrite(&err, b, in->data, 3000);
    emit("seq_w read on write handle ret=%d",
         BZ2_bzRead(&err, b, back, 100));
    emit("seq_w read err=%d", err);
    BZ2_bzReadClose(&err, b);
    emit("seq_w read_close err=%d", err);
    BZ2_bzWriteClose(&err, b, 0, &nin, &nout);
    emit("seq_w write_close err=%d in=%u out=%u", err, nin, nout);
    fclose(f);
    show_file("seq_w", "seq.bz2");
    BZ2_bzWriteClose(&err, NULL, 0, &nin, &nout);
    emit("write_close NULL handle err=%d", err);
    err = 99;
    BZ2_bzReadClose(&err, NULL);
    emit("read_close NULL handle err=%d", err);
}

static void file_open_errors(void)
{
    static const int bad_write[][3] = {
        { 0, 0, 30 }, { 10, 0, 30 }, { 5, -1, 30 }, { 5, 5, 30 },
        { 5, 0, -1 }, { 5, 0, 251 },
    };
    static const int bad_read[][2] = { { -1, 0 }, { 5, 0 }, { 0, 2 },
                                       { 0, -1 } };
    char unused[5001];
    FILE *f = fopen(path_of("params.bz2"), "w+b");
    BZFILE *b;
    int err;

    memset(unused, 'B', sizeof(unused));
    b = BZ2_bzWriteOpen(&err, NULL, 9, 0, 0);
    emit("write_open NULL file err=%d handle=%d", err, b != NULL);
    for (size_t i = 0; i < sizeof(bad_write) / sizeof(bad_write[0]); i++) {
        err = 99;
        b = BZ2_bzWriteOpen(&err, f, bad_write[i][0], bad_write[i][1],
                            bad_write[i][2]);
        emit("write_open bs=%d verbosity=%d wf=%d err=%d handle=%d",
             bad_write[i][0], bad_write[i][1], bad_write[i][2], err,
             b != NULL);
    }
    b = BZ2_bzReadOpen(&err, NULL, 0, 0, NULL, 0);
    emit("read_open NULL file err=%d handle=%d", err, b != NULL);
    for (size_t i = 0; i < sizeof(bad_read) / sizeof(bad_read[0]); i++) {
        err = 99;
        b = BZ2_bzReadOpen(&err, f, bad_read[i][0], bad_read[i][1], NULL, 0);
        emit("read_open verbosity=%d small=%d err=%d handle=%d",
             bad_read[i][0], bad_read[i][1], err, b != NULL);
    }
    b = BZ2_bzReadOpen(&err, f, 0, 0, NULL, 3);
    emit("read_open NULL unused n=3 err=%d handle=%d", err, b != NULL);
    b = BZ2_bzReadOpen(&err, f, 0, 0, unused, 5001);
    emit("read_open n=5001 err=%d handle=%d", err, b != NULL);
    b = BZ2_bzReadOpen(&err, f, 0, 0, unused, -1);
    emit("read_open n=-1 err=%d handle=%d", err, b != NULL);
    /* Unused bytes that are not bzip2: the first read says so. */
    b = BZ2_bzReadOpen(&err, f, 0, 1, unused, 5000);
    emit("read_open n=5000 err=%d handle=%d", err, b != NULL);
    emit("read_open n=5000 read ret=%d", BZ2_bzRead(&err, b, back, 10));
    emit("read_open n=5000 read err=%d", err);
    BZ2_bzReadClose(&err, b);
    fclose(f);
}

/* Read handles: the bytes before them given as unused, sequence and
 * parameter errors, reading past the end. */
static void file_reads(const Input *in)
{
    size_t n, got;
    uint8_t *data;
    void *unused;
    int err, nu;
    BZFILE *b;
    FILE *f;

    write_file("reads", "reads.bz2", in, 1, 0, 0);
    data = slurp("reads.bz2", &n);
    /* The file's first 5000 bytes as unused, the rest from the file. */
    f = fopen(path_of("reads.bz2"), "rb");
    fseek(f, n < 5000 ? n : 5000, SEEK_SET);
    b = BZ2_bzReadOpen(&err, f, 0, 0, data, n < 5000 ? n : 5000);
    emit("unused5000 read_open err=%d", err);
    BZ2_bzReadGetUnused(&err, b, &unused, &nu);
    emit("unused5000 get_unused before end err=%d", err);
    emit("unused5000 same=%d", same(in, read_pieces("unused5000", b, &err)));
    BZ2_bzReadGetUnused(&err, b, NULL, &nu);
    emit("unused5000 get_unused NULL err=%d", err);
    /* The parameter error replaced BZ_STREAM_END as the last error. */
    BZ2_bzReadGetUnused(&err, b, &unused, &nu);
    emit("unused5000 get_unused again err=%d", err);
    BZ2_bzReadClose(&err, b);
    fclose(f);

    /* Past the end: a sequence error, as is bzWrite; then bad reads. */
    f = fopen(path_of("reads.bz2"), "rb");
    b = BZ2_bzReadOpen(&err, f, 0, 0, NULL, 0);
    got = read_pieces("past_end", b, &err);
    emit("past_end read=%zu err=%d", got, err);
    emit("past_end read again ret=%d", BZ2_bzRead(&err, b, back, 10));
    emit("past_end read again err=%d tell=%ld", err, ftell(f));
    BZ2_bzReadGetUnused(&err, b, &unused, &nu);
    emit("past_end get_unused err=%d", err);
    BZ2_bzWrite(&err, b, back, 10);
    emit("past_end write on read handle err=%d", err);
    emit("past_end read NULL buf ret=%d", BZ2_bzRead(&err, b, NULL, 10));
    emit("past_end read NULL buf err=%d", err);
    emit("past_end read len -1 ret=%d", BZ2_bzRead(&err, b, back, -1));
    emit("past_end read len -1 err=%d", err);
    emit("past_end read len 0 ret=%d", BZ2_bzRead(&err, b, back, 0));
    emit("past_end read len 0 err=%d", err);
    emit("past_end read NULL handle ret=%d", BZ2_bzRead(&err, NULL, back, 1));
    emit("past_end read NULL handle err=%d", err);
    BZ2_bzReadGetUnused(&err, NULL, &unused, &nu);
    emit("get_unused NULL handle err=%d", err);
    BZ2_bzWriteClose(&err, b, 0, NULL, NULL);
    emit("past_end write_close on read handle err=%d", err);
    BZ2_bzReadClose(NULL, b);
    fclose(f);

    /* Truncated and corrupt files, and one that is not bzip2. */
    /* Cut in the second block: the first one's bytes come out first. */
    put_file("truncated.bz2", data, n - n / 8);
    put_file("empty.bz2", data, 0);
    data[n / 2] ^= 0x08;
    put_file("corrupt.bz2", data, n);
    put_file("foreign.bz2", "plain text, no bzip2 here\n", 26);
    {
        static const char *const names[] = { "truncated.bz2", "empty.bz2",
                                             "corrupt.bz2", "foreign.bz2" };

        for (int i = 0; i < 4; i++) {
            f = fopen(path_of(names[i]), "rb");
            b = BZ2_bzReadOpen(&err, f, 0, i % 2, NULL, 0);
            read_pieces(names[i], b, &err);
            BZ2_bzReadGetUnused(&err, b, &unused, &nu);
            emit("%s get_unused err=%d", names[i], err);
            BZ2_bzReadClose(&err, b);
            emit("%s read_close err=%d", names[i], err);
            fclose(f);
        }
    }
    free(data);
}

/* Streams one after another in a file, read as bzip2 does: each handle's
 * unused bytes open the next. */
static void file_concatenated(const Input *a, const Input *b2)
{
    const Input *parts[3] = { a, b2, a };
    unsigned char unused[BZ_MAX_UNUSED];
    int nunused = 0, err, stream = 0;
    FILE *f = fopen(path_of("concat.bz2"), "wb");

    for (int i = 0; i < 3; i++) {
        BZFILE *b = BZ2_bzWriteOpen(&err, f, i + 1, 0, 0);
        unsigned int nin, nout;

        write_pieces("concat part", b, parts[i], 0, &err);
        BZ2_bzWriteClose(&err, b, 0, &nin, &nout);
        emit("concat part %d err=%d in=%u out=%u tell=%ld", i, err, nin, nout,
             ftell(f));
    }
    fputs("and some trailing bytes", f);
    fclose(f);
    show_file("concat", "concat.bz2");

    f = fopen(path_of("concat.bz2"), "rb");
    while (stream < 8) {
        char what[32];
        BZFILE *b = BZ2_bzReadOpen(&err, f, 0, stream % 2, unused, nunused);
        void *rest;
        size_t got;

        snprintf(what, sizeof(what), "concat stream %d", stream);
        emit("%s read_open nunused=%d err=%d", what, nunused, err);
        if (!b) {
            break;
        }
        got = read_pieces(what, b, &err);
        emit("%s same=%d", what,
             stream < 3 ? same(parts[stream], got) : -1);
        if (err != BZ_STREAM_END) {
            BZ2_bzReadClose(&err, b);
            emit("%s read_close err=%d", what, err);
            break;
        }
        BZ2_bzReadGetUnused(&err, b, &rest, &nunused);
        memcpy(unused, rest, nunused);
        emit("%s get_unused err=%d n=%d hash=%016" PRIx64 " tell=%ld", what,
             err, nunused, fnv(unused, nunused), ftell(f));
        BZ2_bzReadClose(&err, b);
        stream++;
    }
    fclose(f);
}

/* I/O errors: the handle's FILE cannot be written, or read. */
static void file_io_errors(const Input *in)
{
    unsigned int nin = 3, nout = 3;
    int err;
    BZFILE *b, *b2;
    FILE *f;

    put_file("readonly.bz2", "x", 1);
    f = fopen(path_of("readonly.bz2"), "rb");
    b = BZ2_bzWriteOpen(&err, f, 1, 0, 0);
    emit("io write_open on read FILE err=%d handle=%d", err, b != NULL);
    BZ2_bzWrite(&err, b, in->data, 2000);
    emit("io write err=%d", err);
    BZ2_bzWriteClose(&err, b, 0, &nin, &nout);
    emit("io write_close err=%d in=%u out=%u", err, nin, nout);
    b2 = BZ2_bzReadOpen(&err, f, 0, 0, NULL, 0);
    emit("io read_open on FILE in error err=%d handle=%d", err, b2 != NULL);
    b2 = BZ2_bzWriteOpen(&err, f, 1, 0, 0);
    emit("io write_open on FILE in error err=%d handle=%d", err, b2 != NULL);
    BZ2_bzWrite(&err, b, in->data, 10);
    emit("io write after error err=%d", err);
    clearerr(f);
    BZ2_bzWriteClose(&err, b, 1, &nin, &nout);
    emit("io write_close abandon err=%d in=%u out=%u", err, nin, nout);
    fclose(f);

    f = fopen(path_of("writeonly.bz2"), "wb");
    b = BZ2_bzReadOpen(&err, f, 0, 0, NULL, 0);
    emit("io read_open on write FILE err=%d handle=%d", err, b != NULL);
    read_pieces("io read on write FILE", b, &err);
    BZ2_bzReadClose(&err, b);
    emit("io read_close err=%d", err);
    fclose(f);
}

/* bzopen/bzdopen and the zlib-like functions. */
static void show_bzerror(const char *what, BZFILE *b)
{
    int errnum = 99;
    const char *msg = BZ2_bzerror(b, &errnum);

    emit("%s bzerror=%s errnum=%d", what, msg, errnum);
}

static void bzfile_write(const char *what, BZFILE *b, const Input *in)
{
    size_t pos = 0;
    int calls = 0, ret = 0;
    uint64_t trace = 0;

    while (pos < in->len) {
        int len = (int)at_most(in->len - pos, write_lens[calls % NLENS]);

        ret = BZ2_bzwrite(b, in->data + pos, len);
        trace = trace * 31 + (uint64_t)ret;
        calls++;
        pos += len;
    }
    emit("%s bzwrite calls=%d last=%d trace=%016" PRIx64, what, calls, ret,
         trace);
    emit("%s bzflush=%d", what, BZ2_bzflush(b));
    show_bzerror(what, b);
    emit("%s bzwrite NULL buf=%d", what, BZ2_bzwrite(b, NULL, 4));
    show_bzerror(what, b);
    emit("%s bzwrite 0=%d", what, BZ2_bzwrite(b, in->data, 0));
    show_bzerror(what, b);
    emit("%s bzread on write handle=%d", what, BZ2_bzread(b, back, 10));
    show_bzerror(what, b);
    /* A last good write, so that bzclose finishes the stream. */
    emit("%s bzwrite 0 again=%d", what, BZ2_bzwrite(b, in->data, 0));
    BZ2_bzclose(b);
}

static void bzfile_read(const char *what, BZFILE *b, const Input *in)
{
    size_t got = 0;
    int calls = 0, ret;
    uint64_t trace = 0;

    do {
        int len = (int)at_most(sizeof(back) - got, read_lens[calls % NLENS]);

        ret = BZ2_bzread(b, back + got, len);
        trace = trace * 31 + (uint64_t)ret;
        if (calls++ < 3 || ret <= 0) {
            emit("%s bzread#%d len=%d ret=%d", what, calls, len, ret);
        }
        got += ret > 0 ? ret : 0;
        if (calls == 2) {
            show_bzerror(what, b);
        }
    } while (ret > 0);
    emit("%s read=%zu calls=%d trace=%016" PRIx64 " same=%d", what, got,
         calls, trace, in ? same(in, got) : -1);
    show_bzerror(what, b);
    if (ret == 0) {
        emit("%s bzread after end=%d", what, BZ2_bzread(b, back, 10));
        emit("%s bzflush=%d", what, BZ2_bzflush(b));
        emit("%s bzwrite on read handle=%d", what, BZ2_bzwrite(b, back, 10));
        show_bzerror(what, b);
    }
    BZ2_bzclose(b);
}

static void bzfiles(const Input *in)
{
    static const char *const wmodes[] = { "w", "w1", "w9", "wb", "w5s" };
    static const char *const rmodes[] = { "r", "rs", "rb" };
    char what[64], name[32];
    BZFILE *b;
    int fd;

    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "open%d.bz2", i);
        snprintf(what, sizeof(what), "bzopen %s", wmodes[i]);
        b = BZ2_bzopen(path_of(name), wmodes[i]);
        emit("%s handle=%d", what, b != NULL);
        bzfile_write(what, b, in);
        show_file(what, name);
        for (int r = 0; r < 3; r++) {
            snprintf(what, sizeof(what), "bzopen %s then %s", wmodes[i],
                     rmodes[r]);
            b = BZ2_bzopen(path_of(name), rmodes[r]);
            emit("%s handle=%d", what, b != NULL);
            bzfile_read(what, b, in);
        }
    }
    fd = open(path_of("dopen.bz2"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    b = BZ2_bzdopen(fd, "w3");
    emit("bzdopen w3 handle=%d", b != NULL);
    bzfile_write("bzdopen w3", b, in);
    show_file("bzdopen w3", "dopen.bz2");
    fd = open(path_of("dopen.bz2"), O_RDONLY);
    b = BZ2_bzdopen(fd, "rs");
    emit("bzdopen rs handle=%d", b != NULL);
    bzfile_read("bzdopen rs", b, in);
    /* The fd was closed with its FILE. */
    emit("bzdopen fd closed=%d", close(fd) == -1);

    emit("bzopen missing r handle=%d",
         BZ2_bzopen(path_of("no/such.bz2"), "r") != NULL);
    emit("bzopen NULL mode handle=%d",
         BZ2_bzopen(path_of("open0.bz2"), NULL) != NULL);
    emit("bzdopen -1 handle=%d", BZ2_bzdopen(-1, "r") != NULL);
    BZ2_bzclose(NULL);
    {
        static const char *const bad[] = { "corrupt.bz2", "truncated.bz2",
                                           "foreign.bz2", "empty.bz2" };

        for (int i = 0; i < 4; i++) {
            snprintf(what, sizeof(what), "bzopen %s", bad[i]);
            b = BZ2_bzopen(path_of(bad[i]), i % 2 ? "rs" : "r");
            emit("%s handle=%d", what, b != NULL);
            bzfile_read(what, b, NULL);
        }
    }
}

int main(int argc, char **argv)
{
    Input inputs[6];

    diff_args(argc, argv, &dir, &quick);
    inputs[0] = (Input){ "empty", make_text(0), 0 };
    inputs[1] = (Input){ "one", make_text(1), 1 };
    inputs[2] = (Input){ "text", make_text(120000), 120000 };
    inputs[3] = (Input){ "random", make_random(30000, 11), 30000 };
    /* Long runs: bzip2's run-length stage and its fallback sort. */
    inputs[4] = (Input){ "runs", malloc(15000), 15000 };
    for (size_t i = 0; i < 15000; i++) {
        inputs[4].data[i] = (uint8_t)(i < 6000 ? 'a' : i / 250 % 3);
    }
    inputs[5] = (Input){ "mixed", make_text(60000), 60000 };
    fill_random(inputs[5].data + 20000, 15000, 5);

    emit("version=%s", BZ2_bzlibVersion());
    for (int i = 0; i < 6; i++) {
        buffers(&inputs[i]);
        streams(&inputs[i]);
    }
    buffer_params(&inputs[2]);
    stream_errors(&inputs[2]);
    reused_stream(&inputs[5]);
    bad_data(&inputs[5]);
    allocators(&inputs[5]);
    for (int i = 0; i < 4; i++) {
        file_block_sizes(&inputs[i]);
    }
    file_writes(&inputs[2]);
    file_open_errors();
    file_reads(&inputs[2]);
    file_concatenated(&inputs[3], &inputs[4]);
    file_io_errors(&inputs[2]);
    bzfiles(&inputs[5]);
    printf("END\n");
    return 0;
}
