/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest stress test for libzstd: 8 threads, each making 100 small round
 * trips on data of its own (ZSTD_createCCtx, ZSTD_CCtx_setParameter,
 * ZSTD_compress2, ZSTD_compress_usingCDict, ZSTD_freeCCtx, ZSTD_createDCtx,
 * ZSTD_decompressDCtx, ZSTD_decompress_usingDDict, ZSTD_freeDCtx), all of
 * them using at once one CDict and one DDict made before they start.
 * Every result is checked; the dictionary must pay. Then 3 threads at
 * once each compress with two of libzstd's worker threads on a context
 * made with the program's allocator (a counting one, shared): every block
 * must come back, and libzstd's workers must have asked it for theirs
 * (from threads other than the callers'). Prints "expect <entry> <n>"
 * totals for the test script to compare with the plugin's stats, then
 * PASS.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "workers.h"

#define THREADS 8
#define ROUNDS 100
#define MAX_LEN 3072

#define ENTRIES(X)                                                          \
    X(ZSTD_createCCtx) X(ZSTD_CCtx_setParameter) X(ZSTD_compress2)          \
    X(ZSTD_compress_usingCDict) X(ZSTD_freeCCtx) X(ZSTD_createDCtx)         \
    X(ZSTD_decompressDCtx) X(ZSTD_decompress_usingDDict) X(ZSTD_freeDCtx)   \
    X(ZSTD_createCDict) X(ZSTD_createDDict) X(ZSTD_freeCDict)                \
    X(ZSTD_freeDDict)
#define AS_ENUM(f) E_##f,
#define AS_NAME(f) #f,
enum { ENTRIES(AS_ENUM) E_COUNT };
static const char *const entry_names[E_COUNT] = { ENTRIES(AS_NAME) };

/* The shared dictionaries: raw content the workers' data is cut from. */
static char dict_text[6000];
static ZSTD_CDict *shared_cdict;
static ZSTD_DDict *shared_ddict;

typedef struct Worker {
    int id;
    unsigned long calls[E_COUNT], wrong, plain, with_dict;
} Worker;

/* Counted on the worker w: C(f, ...) calls f. */
#define C(f, ...) (w->calls[E_##f]++, f(__VA_ARGS__))

/* The dictionary's text: words, in an order of their own. */
static void make_dict_text(void)
{
    static const char *const words[] = {
        "thunk ", "guest ", "host ", "handle ", "library ", "call ",
        "frame ", "window ", "plugin ", "emulator ", "syscall ", "gate ",
    };
    uint32_t x = 2463534242u;
    size_t at = 0;

    while (at < sizeof(dict_text)) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        for (const char *p = words[x % 12]; *p && at < sizeof(dict_text);
             p++) {
            dict_text[at++] = *p;
        }
    }
}

/* Pieces of the dictionary's text, each after a byte of the worker's. */
static void make_input(uint8_t *p, unsigned n, uint64_t *x)
{
    unsigned at = 0;

    while (at < n) {
        unsigned from, len;

        *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
        from = (unsigned)(*x >> 33) % (sizeof(dict_text) - 64);
        len = 8 + (unsigned)(*x >> 20) % 56;
        p[at++] = (uint8_t)(*x >> 56);
        for (unsigned k = 0; k < len && at < n; k++) {
            p[at++] = (uint8_t)dict_text[from + k];
        }
    }
}

/* One round trip of src at level; whether every call did its part. */
static int round_trip(Worker *w, const uint8_t *src, size_t n, int level)
{
    uint8_t comp[2 * ZSTD_COMPRESSBOUND(MAX_LEN)], back[MAX_LEN];
    size_t clen, dlen, r, r2;
    ZSTD_CCtx *c;
    ZSTD_DCtx *d;
    int good;

    c = (w->calls[E_ZSTD_createCCtx]++, ZSTD_createCCtx());
    if (!c) {
        return 0;
    }
    r = C(ZSTD_CCtx_setParameter, c, ZSTD_c_compressionLevel, level);
    clen = C(ZSTD_compress2, c, comp, sizeof(comp), src, n);
    good = !ZSTD_isError(r) && !ZSTD_isError(clen) &&
           ZSTD_getFrameContentSize(comp, clen) == n;
    /* Then the dictionary's frame, after the plain one. */
    dlen = 0;
    if (good) {
        dlen = C(ZSTD_compress_usingCDict, c, comp + clen,
                 sizeof(comp) - clen, src, n, shared_cdict);
        good = !ZSTD_isError(dlen);
    }
    r = C(ZSTD_freeCCtx, c);
    if (!good || r != 0) {
        return 0;
    }
    w->plain += clen;
    w->with_dict += dlen;

    d = (w->calls[E_ZSTD_createDCtx]++, ZSTD_createDCtx());
    if (!d) {
        return 0;
    }
    r = C(ZSTD_decompressDCtx, d, back, sizeof(back), comp, clen);
    good = r == n && !memcmp(back, src, n);
    memset(back, 0, n);
    r2 = C(ZSTD_decompress_usingDDict, d, back, sizeof(back), comp + clen,
           dlen, shared_ddict);
    good = good && r2 == n && !memcmp(back, src, n);
    return C(ZSTD_freeDCtx, d) == 0 && good;
}

static void *work(void *arg)
{
    Worker *w = arg;
    uint8_t src[MAX_LEN];
    uint64_t x = 0x243f6a8885a308d3ULL ^ ((uint64_t)w->id << 40);

    for (int i = 0; i < ROUNDS; i++) {
        unsigned n = 300 + (i * 577 + w->id * 131) % (MAX_LEN - 300);
        /* Levels 1 to 9, every seventh round a fast negative one. */
        int level = i % 7 ? 1 + (i + w->id) % 9 : -3;

        make_input(src, n, &x);
        if (!round_trip(w, src, n, level)) {
            w->wrong++;
        }
    }
    return NULL;
}

/*
 * The program's allocator for the contexts with workers: it counts its
 * blocks, and those asked on a thread that is none of the callers'.
 */
#define MT_THREADS 3
#define MT_LEN (1536 * 1024)

static pthread_t mt_callers[MT_THREADS];
static long mt_allocs, mt_frees, mt_elsewhere;

static void *mt_alloc(void *opaque, size_t size)
{
    bool caller = false;

    (void)opaque;
    for (int i = 0; i < MT_THREADS; i++) {
        caller |= pthread_equal(pthread_self(), mt_callers[i]);
    }
    if (!caller) {
        __atomic_add_fetch(&mt_elsewhere, 1, __ATOMIC_RELAXED);
    }
    __atomic_add_fetch(&mt_allocs, 1, __ATOMIC_RELAXED);
    return malloc(size);
}

static void mt_free(void *opaque, void *block)
{
    (void)opaque;
    if (block) {
        __atomic_add_fetch(&mt_frees, 1, __ATOMIC_RELAXED);
        free(block);
    }
}

typedef struct MtCaller {
    int id;
    unsigned long set_params;
    int good;
} MtCaller;

static void *mt_work(void *arg)
{
    MtCaller *m = arg;
    ZSTD_customMem mem = { mt_alloc, mt_free, NULL };
    uint8_t *src = malloc(MT_LEN), *comp = malloc(ZSTD_compressBound(MT_LEN));
    uint8_t *back = malloc(MT_LEN);
    uint64_t x = 0x9e3779b97f4a7c15ULL * (uint64_t)(m->id + 1);
    ZSTD_CCtx *c;
    size_t n = 0;

    mt_callers[m->id] = pthread_self();
    c = ZSTD_createCCtx_advanced(mem);
    if (c && src && comp && back) {
        make_input(src, MT_LEN, &x);
        m->set_params += 3;
        ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, 2);
        ZSTD_CCtx_setParameter(c, ZSTD_c_jobSize, 512 * 1024);
        ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
        n = ZSTD_compress2(c, comp, ZSTD_compressBound(MT_LEN), src, MT_LEN);
        m->good = !ZSTD_isError(n) &&
                  ZSTD_decompress(back, MT_LEN, comp, n) == MT_LEN &&
                  !memcmp(back, src, MT_LEN);
    }
    ZSTD_freeCCtx(c);
    free(src);
    free(comp);
    free(back);
    return NULL;
}

/* The threads with workers: a FAIL line and 1 if anything went wrong. */
static int with_workers(unsigned long *set_params)
{
    static MtCaller m[MT_THREADS];
    int bad = 0;

    /* The callers record themselves before they allocate anything. */
    for (int i = 0; i < MT_THREADS; i++) {
        mt_callers[i] = pthread_self();
    }
    if (run_workers(mt_work, m, sizeof(m[0]), MT_THREADS)) {
        return 1;
    }
    for (int i = 0; i < MT_THREADS; i++) {
        *set_params += m[i].set_params;
        bad |= !m[i].good;
    }
    if (bad || mt_allocs != mt_frees || !mt_elsewhere) {
        printf("FAIL: with workers: round trips %s; %ld blocks, %ld freed, "
               "%ld asked by libzstd's workers\n", bad ? "wrong" : "right",
               mt_allocs, mt_frees, mt_elsewhere);
        return 1;
    }
    printf("with workers: %d round trips of %d bytes, %ld blocks (%ld by "
           "libzstd's workers), all freed\n", MT_THREADS, MT_LEN, mt_allocs,
           mt_elsewhere);
    return 0;
}

int main(void)
{
    static Worker w[THREADS];
    unsigned long total[E_COUNT] = { 0 }, wrong, plain = 0, with = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    make_dict_text();
    total[E_ZSTD_createCDict]++;
    shared_cdict = ZSTD_createCDict(dict_text, sizeof(dict_text), 3);
    total[E_ZSTD_createDDict]++;
    shared_ddict = ZSTD_createDDict(dict_text, sizeof(dict_text));
    if (!shared_cdict || !shared_ddict) {
        printf("FAIL: no shared dictionaries\n");
        return 1;
    }
    if (run_workers(work, w, sizeof(w[0]), THREADS)) {
        return 1;
    }
    wrong = sum_workers(w, sizeof(w[0]), THREADS, offsetof(Worker, calls),
                        offsetof(Worker, wrong), total, E_COUNT);
    for (int t = 0; t < THREADS; t++) {
        plain += w[t].plain;
        with += w[t].with_dict;
    }
    /* The workers are done with them: the last users. */
    total[E_ZSTD_freeCDict]++;
    total[E_ZSTD_freeDDict]++;
    if (ZSTD_freeCDict(shared_cdict) || ZSTD_freeDDict(shared_ddict)) {
        printf("FAIL: freeing the shared dictionaries\n");
        wrong++;
    }
    if (total[E_ZSTD_createCCtx] != THREADS * ROUNDS || with >= plain) {
        printf("FAIL: %lu contexts made; %lu bytes with the dictionary, "
               "%lu without\n", total[E_ZSTD_createCCtx], with, plain);
        wrong++;
    }
    wrong += with_workers(&total[E_ZSTD_CCtx_setParameter]);
    print_expects(entry_names, total, E_COUNT);
    printf("%d workers, %d round trips each: %lu wrong; %lu bytes, %lu with "
           "the dictionary\n", THREADS, ROUNDS, wrong, plain, with);
    printf("%s\n", wrong ? "FAIL" : "PASS");
    return wrong ? 1 : 0;
}
