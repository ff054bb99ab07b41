/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libzstd_HTL.so: the host side of libzstd passthrough. Its entries are
 * generated from spec.h by htl/entry.h's skeleton; what is libzstd's is
 * here: objects the guest names by handle, and the checks that copy in
 * what libzstd reads through a struct (stream buffers, samples' sizes).
 *
 * Each object the host keeps for the guest is a ZHold: libzstd's object
 * and a count of its users (the guest's handle, a call that uses it as a
 * second object, a context that references it as its dictionary); the
 * last user frees it. So a dictionary the guest frees while a context
 * still references it, or while another thread compresses with it, lives
 * on in the host until they are done: libzstd never reads freed memory,
 * whatever the guest does. A call's own object (o[0]) is claimed for the
 * call: one call at a time per object; a second object (o[1]) only has a
 * user counted, so threads may share a dictionary.
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
/* Every function, the deprecated ones too. */
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#define ZDICT_DISABLE_DEPRECATE_WARNINGS
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "entry.h"
#include "guest_access.h"
#include "guest_alloc.h"
#include "objects.h"
#include "spec.h"

typedef enum ZKind {
    Z_CCTX,
    Z_DCTX,
    Z_CDICT,
    Z_DDICT,
    Z_PARAMS,
} ZKind;

typedef struct ZMirror ZMirror;

/* What a context's window may read (a frame's dictionary and input). */
typedef enum ZWin {
    Z_WIN_NONE,              /* no frame, or one ended: nothing */
    Z_WIN_OWN,               /* begun by streaming: its dictionary */
    Z_WIN_COPIED,            /* a copy's: its root's, and its mirror */
    Z_WIN_UNKNOWN,           /* after a failed call: either, or the
                              * guest's buffers */
} ZWin;

typedef struct ZHold {
    int users;
    ZKind kind;
    bool ga;                 /* made with the guest's allocator */
    HtlObject mem;           /* then: its blocks (guest_alloc.h) */
    void *obj;
    struct ZHold *dict;      /* a context's: the dictionary it references */
    void *prefix;            /* a context's: the copy of its prefix */
    void *new_prefix;        /* and the one a refPrefix call gives it */
    int validate;            /* its ZSTD_c_validateSequences, kept */
    uint64_t producer[2];    /* its sequence producer: the program's
                              * function and state */
    /* A context's window: what libzstd's frame state may still read
     * (the section on copies below). dict_gen counts the calls that may
     * free its dictionary; lent: copies may read it, readers: the
     * copies' calls reading it now (both under z_copy_lock). */
    ZWin win;
    unsigned win_gen;        /* OWN, COPIED: the dictionary's generation */
    struct ZHold *root;      /* COPIED (and UNKNOWN after it): whose
                              * dictionary, held (NULL: its own) */
    ZMirror *mirror;         /* its pieces, while the window may read them */
    bool streaming;          /* a stream begun, not ended nor reset */
    bool stream_lost;        /* a one-shot since it began (below) */
    bool lent;
    unsigned dict_gen;
    int readers;
} ZHold;

typedef struct ZRecord {
    HtlObject obj;
    HtlTable *table;
    ZHold *hold;
} ZRecord;

static HtlTable zcctx_table = HTL_TABLE_INIT(ZRecord);
static HtlTable zdctx_table = HTL_TABLE_INIT(ZRecord);
static HtlTable zcdict_table = HTL_TABLE_INIT(ZRecord);
static HtlTable zddict_table = HTL_TABLE_INIT(ZRecord);
static HtlTable zcparams_table = HTL_TABLE_INIT(ZRecord);

static void z_free_obj(ZKind kind, void *obj)
{
    switch (kind) {
    case Z_CCTX:
        ZSTD_freeCCtx(obj);
        break;
    case Z_DCTX:
        ZSTD_freeDCtx(obj);
        break;
    case Z_CDICT:
        ZSTD_freeCDict(obj);
        break;
    case Z_DDICT:
        ZSTD_freeDDict(obj);
        break;
    case Z_PARAMS:
        ZSTD_freeCCtxParams(obj);
        break;
    }
}

static void z_win_release(ZHold *h);
static bool z_dict_change(ZHold *h);
static bool z_copy_ok(ZHold *dst, ZHold *src);

static void z_unuse(ZHold *h)
{
    if (h && !__atomic_sub_fetch(&h->users, 1, __ATOMIC_ACQ_REL)) {
        /* A context first: it may reference the dictionary below. */
        z_free_obj(h->kind, h->obj);
        if (h->ga) {
            htl_ga_settle(&h->mem);
        }
        z_win_release(h);
        z_unuse(h->dict);
        free(h->prefix);
        free(h);
    }
}

static ZHold *z_use(ZHold *h)
{
    __atomic_add_fetch(&h->users, 1, __ATOMIC_ACQ_REL);
    return h;
}

/*
 * An object made with the guest's ZSTD_customMem: libzstd's blocks are
 * the host's, each one asked of the guest's allocator as libzstd takes it
 * and handed back as libzstd frees it (guest_alloc.h). libzstd's worker
 * threads cannot pause: they ask the GTL's service thread, by the
 * object's handle, and a guest block one of them frees is handed back at
 * the object's next call.
 */
HTL_GA_SERVE_ENTRY
static void *z_alloc(void *opaque, size_t size)
{
    return htl_ga_alloc(opaque, 1, size);
}

static void z_free(void *opaque, void *block)
{
    htl_ga_free(opaque, block);
}

/*
 * NEW: the result's slot writable (an object that could not reach the
 * guest would never be freed); libzstd's allocator, or the guest's where
 * it can be asked (a NAME_ga_HTL call) and is a whole one (libzstd makes
 * nothing with half of one). Its ZHold is made first, for the
 * allocator's blocks, and goes to GROUP_new_done in o[0]. (GROUP_new is a
 * macro, for `ret`.)
 */
static bool z_new(void *ret, void **o, void **lv, int mem)
{
    ZSTD_customMem *m = mem >= 0 ? lv[mem] : NULL;
    ZHold *h;

    if (!htl_writable(ret, sizeof(void *))) {
        return false;
    }
    if (!m || (!m->customAlloc && !m->customFree)) {
        return true;
    }
    if (!htl_ga_active() || !m->customAlloc || !m->customFree) {
        return false;
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        return false;
    }
    h->ga = true;
    h->mem.ga = true;
    h->mem.ga_track = true;
    *m = (ZSTD_customMem){ z_alloc, z_free, &h->mem };
    o[0] = h;
    return true;
}
#define zcctx_new(o, lv, pos) z_new(ret, o, lv, pos)
#define zdctx_new(o, lv, pos) z_new(ret, o, lv, pos)
#define zcdict_new(o, lv, pos) z_new(ret, o, lv, pos)
#define zddict_new(o, lv, pos) z_new(ret, o, lv, pos)
#define zcparams_new(o, lv, pos) z_new(ret, o, lv, pos)

/* After a creator: the guest gets a handle for libzstd's object (with the
 * guest's allocator: one that says so). */
static void z_new_done(HtlTable *t, ZKind kind, void **o, void *r)
{
    void **result = r;
    ZHold *h = o[0];
    ZRecord *rec = NULL;

    o[0] = NULL;
    if (!*result) {
        free(h);
        return;
    }
    if (!h) {
        h = calloc(1, sizeof(*h));
    }
    rec = h ? (ZRecord *)htl_object_new(t, NULL) : NULL;
    if (!rec) {
        z_free_obj(kind, *result);
        free(h);
        *result = NULL;
        return;
    }
    h->users = 1;
    h->kind = kind;
    h->obj = *result;
    rec->table = t;
    rec->hold = h;
    rec->obj.ga = h->ga;
    *result = (void *)(uintptr_t)htl_object_handle(&rec->obj);
    /* Its workers' blocks: asked of the guest's service by this name. */
    h->mem.ga_guest = h->ga ? (uint64_t)(uintptr_t)*result : 0;
    htl_object_release(&rec->obj);
}

/* ON: the object at pos, claimed for the call; one threads may share
 * (a dictionary, parameters) waits for another thread's claim. */
static bool z_enter(HtlTable *t, void **o, void **lv, int pos, bool shared)
{
    uint64_t handle = *(uint64_t *)lv[pos];
    ZRecord *rec = (ZRecord *)(shared ? htl_object_claim_shared(t, handle)
                                      : htl_object_claim(t, handle));

    if (!rec) {
        return false;
    }
    o[0] = rec;
    *(void **)lv[pos] = rec->hold->obj;
    /* Blocks its workers freed, handed back where the guest can be asked. */
    if (rec->hold->ga && htl_ga_active()) {
        htl_ga_settle(&rec->hold->mem);
    }
    return true;
}

/* o[1]: a second object's ZHold (a user counted), or a COPY row's source
 * record, claimed (tagged with bit 0). */
static void z_leave(void **o)
{
    uintptr_t second = (uintptr_t)o[1];

    if (o[0]) {
        htl_object_release(o[0]);
    }
    if (second & 1) {
        htl_object_release((HtlObject *)(second & ~(uintptr_t)1));
    } else {
        z_unuse((ZHold *)second);
    }
}

/* CK_OBJ(i, group): argument i is a host object of group (CK_OBJ0: or
 * NULL), used for the call without a claim. */
static bool z_second(void **o, void **arg, HtlTable *t, bool null_ok)
{
    ZRecord *rec;

    if (!*arg) {
        return null_ok;
    }
    rec = (ZRecord *)htl_object_claim_shared(t, (uint64_t)(uintptr_t)*arg);
    if (!rec) {
        return false;
    }
    o[1] = z_use(rec->hold);
    *arg = rec->hold->obj;
    htl_object_release(&rec->obj);
    return true;
}
#define CK_OBJ(i, group) && z_second(o, lv[i], &group##_table, false)
#define CK_OBJ0(i, group) && z_second(o, lv[i], &group##_table, true)
/* A COPY row's other object: the GTL's, for its route. */
#define CK_PEER(i)

/* Argument i takes value v on the host, whatever the guest asked. */
#define CK_SET(i, v) && ((a##i = (v)), true)

/* The hooks htl/entry.h asks of each group, on its table. */
#define Z_GROUP(group, kind, shared)                                       \
    static void group##_new_done(void **o, void **lv, void *r)             \
    {                                                                      \
        (void)lv;                                                          \
        z_new_done(&group##_table, kind, o, r);                            \
    }                                                                      \
    static bool group##_enter(void **o, void **lv, int pos)                \
    {                                                                      \
        return z_enter(&group##_table, o, lv, pos, shared);                \
    }                                                                      \
    static void group##_leave(void **o)                                    \
    {                                                                      \
        z_leave(o);                                                        \
    }
/*
 * COPY rows' (contexts'): the source claimed too, in o[1], tagged. Not
 * where either has the guest's allocator: libzstd gives the copy the
 * source's allocator, which would free the destination's blocks (and
 * its later ones, after the source is gone) as its own.
 */
#define Z_COPIES(group)                                                    \
    static bool group##_copy_enter(void **o, void **lv)                    \
    {                                                                      \
        ZRecord *src = (ZRecord *)htl_object_claim(                        \
            &group##_table, *(uint64_t *)lv[1]);                           \
                                                                           \
        if (!src) {                                                        \
            return false;                                                  \
        }                                                                  \
        o[1] = (void *)((uintptr_t)src | 1);                               \
        if (src->hold->ga) {                                               \
            return false;                                                  \
        }                                                                  \
        *(void **)lv[1] = src->hold->obj;                                  \
        return z_enter(&group##_table, o, lv, 0, false) &&                 \
               !((ZRecord *)o[0])->hold->ga &&                             \
               z_copy_ok(((ZRecord *)o[0])->hold, src->hold);              \
    }
Z_GROUP(zcctx, Z_CCTX, false)
Z_GROUP(zdctx, Z_DCTX, false)
Z_GROUP(zcdict, Z_CDICT, true)
Z_GROUP(zddict, Z_DDICT, true)
Z_GROUP(zcparams, Z_PARAMS, true)
Z_COPIES(zcctx)


/* The free functions: the guest's handle goes, and its user; libzstd's
 * object goes with its last user (the call gets NULL: nothing to free). */
static bool z_free_before(void **o, void **lv)
{
    ZRecord *rec = o[0];
    ZHold *h = rec->hold;

    /* Kept for another user: the guest's allocator gets its blocks back
     * now, as libzstd would give them. */
    if (h->ga && __atomic_load_n(&h->users, __ATOMIC_ACQUIRE) > 1) {
        htl_ga_give_back(&h->mem);
    }
    htl_object_free(rec->table, &rec->obj);
    o[0] = NULL;
    /* Its window is never read again: what it held goes (no cycle of
     * copies holding each other outlives the guest's handles). */
    z_win_release(h);
    z_unuse(h);
    *(void **)lv[0] = NULL;
    return true;
}

/*
 * A context that references a dictionary (refCDict, initCStream with one)
 * keeps a user of it until it references another or is freed: libzstd
 * reads it at each frame. Kept a little longer than libzstd needs it (a
 * reset or a loaded dictionary drops libzstd's reference, not ours).
 */
static void z_keep_dict(void **o, void **lv, void *r)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold, *old = ctx->dict;

    (void)lv;
    if (ZSTD_isError(*(size_t *)r)) {
        return;
    }
    ctx->dict = o[1] ? z_use(o[1]) : NULL;
    z_unuse(old);
}

/*
 * refPrefix: libzstd keeps the pointer for the next frame; the host keeps
 * a copy of the prefix, so it never reads the guest's later. The copy it
 * had goes only once libzstd has taken the new one: a refPrefix in the
 * middle of a frame is refused, and that frame goes on with the old.
 */
static bool z_prefix_before(void **o, void **lv)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;
    const void *prefix = *(const void **)lv[1];
    size_t size = *(size_t *)lv[2];
    void *copy;

    if (!z_dict_change(ctx)) {
        return false;
    }
    if (!prefix || !size) {
        return true;
    }
    copy = malloc(size);
    if (!copy || !htl_load(copy, prefix, size)) {
        free(copy);
        return false;
    }
    ctx->new_prefix = copy;
    *(const void **)lv[1] = copy;
    return true;
}

static void z_prefix_after(void **o, void **lv, void *r)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;

    (void)lv;
    if (ZSTD_isError(*(size_t *)r)) {
        free(ctx->new_prefix);
    } else {
        free(ctx->prefix);
        ctx->prefix = ctx->new_prefix;
    }
    ctx->new_prefix = NULL;
}

/*
 * Copies on the host. ZSTD_copyCCtx of a context begun by streaming (its
 * input still buffered) gives the copy the source's window: the source's
 * dictionary, which the copy reads at each call of its buffer-less frame
 * (compressContinue, compressEnd, compressBlock), with the program's
 * earlier pieces. The host keeps no pointer to the guest's memory, so
 * each piece is copied into a mirror, at the place it has relative to
 * the pieces before it (an arena reserved for a span of guest addresses
 * around the first piece put in it). libzstd then finds the same pieces
 * contiguous, and the same ones overlapping, as the guest's libzstd does,
 * and makes the same frame. It reads the current contiguous run and the
 * one before it; the mirror keeps those two and gives back older pages.
 *
 * What each context's window may read is tracked (ZWin): what it holds
 * (the root whose dictionary a copy reads, the mirror) goes only once
 * its window is known to read it no more. Where that is not known (a
 * call that failed), copies of it and its buffer-less frame are refused,
 * as is a copy whose source's dictionary is gone: libzstd would read
 * freed memory.
 */
#define Z_ARENA_SPAN ((uintptr_t)1 << 33)
#define Z_ARENAS 3

typedef struct ZArena {
    char *base;              /* Z_ARENA_SPAN reserved; NULL: none */
    uintptr_t anchor;        /* the guest address at its middle */
} ZArena;

typedef struct ZRun {
    uintptr_t lo, hi;        /* guest addresses; empty: none */
    int arena;
} ZRun;

struct ZMirror {
    ZArena arena[Z_ARENAS];  /* the runs', and a piece's about to be */
    ZRun cur, prev;          /* libzstd's prefix and extDict */
    uintptr_t next;          /* the end of the last piece; 0: none yet */
    ZRun placed;             /* the piece of the call under way */
    bool placed_contiguous;
};

static uintptr_t z_page(void)
{
    static uintptr_t page;

    if (!page) {
        page = (uintptr_t)sysconf(_SC_PAGESIZE);
    }
    return page;
}

static bool z_run_in(const ZRun *r, int a)
{
    return r->lo < r->hi && r->arena == a;
}

/* Where guest bytes [g, g + n) go in arena a; NULL if outside its span
 * (whose first and last pages stay unused, so two arenas never touch). */
static char *z_arena_at(const ZArena *a, uintptr_t g, size_t n)
{
    uintptr_t off = g - a->anchor + Z_ARENA_SPAN / 2;

    if (!a->base || off < z_page() || off > Z_ARENA_SPAN - z_page() ||
        n > Z_ARENA_SPAN - z_page() - off) {
        return NULL;
    }
    return a->base + off;
}

static void z_arena_free(ZArena *a)
{
    if (a->base) {
        munmap(a->base, Z_ARENA_SPAN);
    }
    a->base = NULL;
}

/* The pages of run r in its arena, rounded out. */
static void z_run_pages(const ZMirror *m, const ZRun *r, uintptr_t *lo,
                        uintptr_t *hi)
{
    uintptr_t mask = z_page() - 1;

    *lo = (uintptr_t)z_arena_at(&m->arena[r->arena], r->lo, 0) & ~mask;
    *hi = ((uintptr_t)z_arena_at(&m->arena[r->arena], r->hi, 0) + mask) &
          ~mask;
}

/* Gives back the pages of run r that neither run of the mirror touches. */
static void z_mirror_drop(ZMirror *m, const ZRun *r)
{
    uintptr_t lo, hi, keep[2][2];
    int n = 0;

    if (!z_run_in(r, r->arena) || !m->arena[r->arena].base) {
        return;
    }
    z_run_pages(m, r, &lo, &hi);
    for (const ZRun *k = &m->cur; k; k = k == &m->cur ? &m->prev : NULL) {
        if (z_run_in(k, r->arena)) {
            z_run_pages(m, k, &keep[n][0], &keep[n][1]);
            n++;
        }
    }
    if (n == 2 && keep[1][0] < keep[0][0]) {
        uintptr_t t0 = keep[0][0], t1 = keep[0][1];

        keep[0][0] = keep[1][0];
        keep[0][1] = keep[1][1];
        keep[1][0] = t0;
        keep[1][1] = t1;
    }
    for (int i = 0; i <= n && lo < hi; i++) {
        uintptr_t end = i < n && keep[i][0] < hi ? keep[i][0] : hi;

        if (i < n && keep[i][1] <= lo) {
            continue;
        }
        if (lo < end) {
            madvise((void *)lo, end - lo, MADV_DONTNEED);
            mprotect((void *)lo, end - lo, PROT_NONE);
        }
        if (i < n) {
            lo = keep[i][1];
        }
    }
}

/*
 * The piece [src, src + n) of the guest's (n > 0), copied into the
 * mirror, nothing given back yet (libzstd may fail before it takes it):
 * where libzstd is to read it, or NULL (the call refused) if it cannot
 * be placed (a contiguous run longer than half an arena's span, or a
 * run that goes on over the one before it kept in another arena) or
 * read.
 */
static char *z_mirror_place(ZMirror *m, const void *src, size_t n)
{
    uintptr_t g = (uintptr_t)src, mask = z_page() - 1, lo, hi;
    bool contiguous = m->next && g == m->next;
    bool touches = m->next && g < m->cur.hi && g + n > m->cur.lo;
    int a = m->next ? m->cur.arena : 0;
    char *at = z_arena_at(&m->arena[a], g, n);

    if (contiguous && m->prev.arena != a && g < m->prev.hi &&
        g + n > m->prev.lo) {
        return NULL;
    }
    if (!at) {
        /* Far from the current run: an arena of its own, anchored here,
         * in a slot no run is in. */
        if (contiguous || touches) {
            return NULL;
        }
        for (a = 0; a < Z_ARENAS - 1 && ((m->next && m->cur.arena == a) ||
                                         z_run_in(&m->prev, a));
             a++) {
        }
        z_arena_free(&m->arena[a]);
        m->arena[a].base = mmap(NULL, Z_ARENA_SPAN, PROT_NONE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                -1, 0);
        if (m->arena[a].base == MAP_FAILED) {
            m->arena[a].base = NULL;
            return NULL;
        }
        m->arena[a].anchor = g;
        at = z_arena_at(&m->arena[a], g, n);
        if (!at) {
            return NULL;
        }
    }
    lo = (uintptr_t)at & ~mask;
    hi = ((uintptr_t)at + n + mask) & ~mask;
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) ||
        !htl_load(at, src, n)) {
        return NULL;
    }
    m->placed = (ZRun){ g, g + n, a };
    m->placed_contiguous = contiguous;
    return at;
}

/* libzstd took the piece placed: the runs it reads now, and older pages
 * and arenas given back. */
static void z_mirror_taken(ZMirror *m)
{
    ZRun p = m->placed, dropped = m->prev;

    if (p.lo == p.hi) {
        return;
    }
    if (m->placed_contiguous) {
        m->cur.hi = p.hi;
    } else {
        /* libzstd's extDict is now the run before this piece. */
        m->prev = m->next ? m->cur : (ZRun){ 0, 0, 0 };
        m->cur = p;
        z_mirror_drop(m, &dropped);
    }
    m->next = p.hi;
    m->placed = (ZRun){ 0, 0, 0 };
    for (int a = 0; a < Z_ARENAS; a++) {
        if (!z_run_in(&m->cur, a) && !z_run_in(&m->prev, a)) {
            z_arena_free(&m->arena[a]);
        }
    }
}

static void z_mirror_free(ZMirror *m)
{
    if (m) {
        for (int a = 0; a < Z_ARENAS; a++) {
            z_arena_free(&m->arena[a]);
        }
        free(m);
    }
}

/* Serializes dictionary changes against the copies' reads. */
static pthread_mutex_t z_copy_lock = PTHREAD_MUTEX_INITIALIZER;

/* The window reads nothing held any more. */
static void z_win_release(ZHold *h)
{
    z_mirror_free(h->mirror);
    h->mirror = NULL;
    z_unuse(h->root);
    h->root = NULL;
}

/* The window is now (kind) NONE, OWN (begun with the context's own
 * dictionary, as it is now) or UNKNOWN (holds kept). */
static void z_win_set(ZHold *h, ZWin kind)
{
    if (kind != Z_WIN_UNKNOWN) {
        z_win_release(h);
    }
    h->win = kind;
    h->win_gen = h->dict_gen;
}

/* After a call that may have begun a frame of the context's own: its
 * result r; an error leaves what the window reads unknown, unless it was
 * its own dictionary as it is now either way. */
static void z_win_after(ZHold *h, size_t r, ZWin done)
{
    if (!ZSTD_isError(r)) {
        z_win_set(h, done);
    } else if (h->win != Z_WIN_OWN || h->win_gen != h->dict_gen) {
        z_win_set(h, Z_WIN_UNKNOWN);
    }
}

/*
 * Calls that may free a context's dictionary (a new one, a reset of its
 * parameters, initCStream*): the dictionary's generation moves on, which
 * its window and its copies' see (copies of it, and their calls,
 * refused); refused themselves while a copy reads it. (The context's
 * calls are one at a time: only its copies' need the lock.)
 */
static bool z_dict_change(ZHold *h)
{
    bool ok = true;

    if (!__atomic_load_n(&h->lent, __ATOMIC_ACQUIRE)) {
        h->dict_gen++;
        return true;
    }
    pthread_mutex_lock(&z_copy_lock);
    if (h->readers) {
        ok = false;
    } else {
        h->dict_gen++;
    }
    pthread_mutex_unlock(&z_copy_lock);
    return ok;
}

static bool z_dict_before(void **o, void **lv)
{
    (void)lv;
    return z_dict_change(((ZRecord *)o[0])->hold);
}

/* No stream under way: none to copy into, none a one-shot lost. */
static void z_stream_over(ZHold *h)
{
    h->streaming = false;
    h->stream_lost = false;
}

/* Done, these leave no stream under way (initCStream* and
 * resetCStream reset it, the others need there be none). */
static void z_no_stream_after(void **o, void **lv, void *r)
{
    (void)lv;
    if (!ZSTD_isError(*(size_t *)r)) {
        z_stream_over(((ZRecord *)o[0])->hold);
    }
}

static void z_dict_ref_after(void **o, void **lv, void *r)
{
    z_keep_dict(o, lv, r);
    z_no_stream_after(o, lv, r);
}

static bool z_reset_before(void **o, void **lv)
{
    return *(ZSTD_ResetDirective *)lv[1] == ZSTD_reset_session_only ||
           z_dict_before(o, lv);
}

static void z_reset_after(void **o, void **lv, void *r)
{
    if (*(ZSTD_ResetDirective *)lv[1] != ZSTD_reset_parameters) {
        z_no_stream_after(o, lv, r);
    }
}

/*
 * Streaming: done, a frame of the context's own is under way (or over);
 * a frame's end leaves no stream. Refused on a stream a one-shot lost:
 * 1.5.4 makes a one-shot's workspace without the stream's input buffer
 * and leaves the stream's stage as it was, so going on with it copies
 * the input through a null buffer (the guest's libzstd crashes the
 * program). A reset (or initCStream*, compress2, compressSequences)
 * begins a new one.
 */
static bool z_stream_before(void **o, void **lv)
{
    ZHold *h = ((ZRecord *)o[0])->hold;

    (void)lv;
    if (h->stream_lost) {
        return false;
    }
    h->streaming = true;
    return true;
}

/* compress2 resets the stream before its own. */
static bool z_compress2_before(void **o, void **lv)
{
    ((ZRecord *)o[0])->hold->stream_lost = false;
    return z_stream_before(o, lv);
}

/*
 * Whether libzstd has a stream begun on the context: it refuses to set a
 * parameter no stream may change (the checksum flag, to its own value)
 * but at its init stage.
 */
static bool z_stream_begun(ZSTD_CCtx *cctx)
{
    int v;

    return !ZSTD_isError(ZSTD_CCtx_getParameter(cctx, ZSTD_c_checksumFlag,
                                                &v)) &&
           ZSTD_getErrorCode(ZSTD_CCtx_setParameter(
               cctx, ZSTD_c_checksumFlag, v)) == ZSTD_error_stage_wrong;
}

/* A one-shot on a context with a stream begun loses the stream. */
static bool z_oneshot_before(void **o, void **lv)
{
    ZHold *h = ((ZRecord *)o[0])->hold;

    (void)lv;
    if (h->streaming && z_stream_begun(h->obj)) {
        h->stream_lost = true;
    }
    return true;
}

static void z_stream_done(void **o, void *r, bool ends)
{
    ZHold *h = ((ZRecord *)o[0])->hold;

    z_win_after(h, *(size_t *)r, Z_WIN_OWN);
    if (ends && *(size_t *)r == 0) {
        z_stream_over(h);
    }
}

static void z_stream_after(void **o, void **lv, void *r)
{
    (void)lv;
    z_stream_done(o, r, false);
}

static void z_stream2_after(void **o, void **lv, void *r)
{
    z_stream_done(o, r, *(ZSTD_EndDirective *)lv[3] == ZSTD_e_end);
}

static void z_stream2_args_after(void **o, void **lv, void *r)
{
    z_stream_done(o, r, *(ZSTD_EndDirective *)lv[7] == ZSTD_e_end);
}

static void z_end_stream_after(void **o, void **lv, void *r)
{
    (void)lv;
    z_stream_done(o, r, true);
}

/* One-shot compression: done, the frame is over; failed, the window may
 * be left on the guest's buffers. compress2 streams (and compressSequences
 * leaves a stream begun): done, compress2 leaves none. */
static void z_oneshot_after(void **o, void **lv, void *r)
{
    (void)lv;
    z_win_after(((ZRecord *)o[0])->hold, *(size_t *)r, Z_WIN_NONE);
}

static void z_compress2_after(void **o, void **lv, void *r)
{
    z_oneshot_after(o, lv, r);
    z_no_stream_after(o, lv, r);
}

/* A copy's source's window: the root whose dictionary it reads (NULL:
 * none it can read, refused), at *gen. Not one with pieces (after
 * compressBlock: a copy would read its mirror). */
static ZHold *z_copy_root(ZHold *src, unsigned *gen)
{
    ZHold *root = NULL;

    pthread_mutex_lock(&z_copy_lock);
    *gen = src->win_gen;
    if (src->win == Z_WIN_OWN && src->win_gen == src->dict_gen) {
        root = src;
    } else if (src->win == Z_WIN_COPIED &&
               !(src->mirror && src->mirror->next)) {
        root = src->root ? src->root : src;
        root = root->dict_gen == src->win_gen ? root : NULL;
    }
    pthread_mutex_unlock(&z_copy_lock);
    return root;
}

/*
 * COPY, before libzstd copies: refused where the source's window reads
 * what the host cannot vouch for (see above), or the destination has a
 * stream under way (libzstd would go on with it over the copied window).
 * A source with no frame is left to libzstd (stage_wrong).
 */
static bool z_copy_ok(ZHold *dst, ZHold *src)
{
    unsigned gen;

    return !dst->streaming &&
           (src->win == Z_WIN_NONE || z_copy_root(src, &gen));
}

/* COPY, done: the copy reads its source's root, held. */
static void z_copied(void **o, void **lv, void *r)
{
    ZHold *dst = ((ZRecord *)o[0])->hold;
    ZHold *src = ((ZRecord *)((uintptr_t)o[1] & ~(uintptr_t)1))->hold;
    unsigned gen;
    ZHold *root = z_copy_root(src, &gen);

    (void)lv;
    if (ZSTD_isError(*(size_t *)r)) {
        return;
    }
    if (!root) {
        /* Not vouched for (z_copy_ok let libzstd refuse it, and it did
         * not): the copy's frame is refused. */
        z_win_set(dst, Z_WIN_UNKNOWN);
        return;
    }
    root = root == dst ? NULL : z_use(root);
    z_win_release(dst);
    pthread_mutex_lock(&z_copy_lock);
    dst->root = root;
    dst->win = Z_WIN_COPIED;
    dst->win_gen = gen;
    __atomic_store_n(&(root ? root : dst)->lent, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&z_copy_lock);
}

/*
 * compressContinue, compressEnd, compressBlock: only on a copy whose
 * root's dictionary is still there, counted as read for the call; the
 * piece goes through the mirror.
 */
static bool z_continue_before(void **o, void **lv)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold, *root;
    const void **src = lv[3];
    size_t n = *(size_t *)lv[4];
    char *at;
    bool ok;

    if (ctx->win != Z_WIN_COPIED) {
        return false;
    }
    root = ctx->root ? ctx->root : ctx;
    pthread_mutex_lock(&z_copy_lock);
    ok = root->dict_gen == ctx->win_gen;
    root->readers += ok;
    pthread_mutex_unlock(&z_copy_lock);
    if (!ok || !n) {
        return ok;
    }
    if (!ctx->mirror) {
        ctx->mirror = calloc(1, sizeof(*ctx->mirror));
    }
    at = ctx->mirror ? z_mirror_place(ctx->mirror, *src, n) : NULL;
    if (!at) {
        pthread_mutex_lock(&z_copy_lock);
        root->readers--;
        pthread_mutex_unlock(&z_copy_lock);
        return false;
    }
    *src = at;
    return true;
}

/* Done: the piece is libzstd's. Failed: libzstd may or may not have taken
 * it, and the frame is refused from here on (its holds kept). */
static void z_continue_done(void **o, void *r, bool ends)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;
    ZHold *root = ctx->root ? ctx->root : ctx;

    pthread_mutex_lock(&z_copy_lock);
    root->readers--;
    pthread_mutex_unlock(&z_copy_lock);
    if (ZSTD_isError(*(size_t *)r)) {
        z_win_set(ctx, Z_WIN_UNKNOWN);
    } else if (ends) {
        z_win_set(ctx, Z_WIN_NONE);
    } else if (ctx->mirror) {
        z_mirror_taken(ctx->mirror);
    }
}

static void z_continue_after(void **o, void **lv, void *r)
{
    (void)lv;
    z_continue_done(o, r, false);
}

static void z_end_after(void **o, void **lv, void *r)
{
    (void)lv;
    z_continue_done(o, r, true);
}

/*
 * Parameters that would have the host keep the guest's buffers between
 * calls (stable buffers), or hold many dictionaries it cannot count
 * (refMultipleDDicts): refused on the host.
 */
static bool z_cparam_before(void **o, void **lv)
{
    ZSTD_cParameter p = *(ZSTD_cParameter *)lv[1];

    (void)o;
    return !*(int *)lv[2] ||
           (p != ZSTD_c_stableInBuffer && p != ZSTD_c_stableOutBuffer);
}

static bool z_dparam_before(void **o, void **lv)
{
    ZSTD_dParameter p = *(ZSTD_dParameter *)lv[1];

    (void)o;
    return !*(int *)lv[2] ||
           (p != ZSTD_d_stableOutBuffer && p != ZSTD_d_refMultipleDDicts);
}

/* Compression parameters libzstd would take as they are (a dictionary's:
 * 1.5.4 checks them nowhere, and a strategy out of range calls garbage). */
#define CK_CPARAMS(i) && !ZSTD_isError(ZSTD_checkCParams(a##i))

/*
 * CK_SEQUENCES(s, n, z): ZSTD_compressSequences' n sequences at s, copied
 * to the host (libzstd reads them throughout), their lengths adding up to
 * no more than the z bytes of source, counted in 64 bits (1.5.4 adds them
 * in 32, and reads past the source when they wrap). The call also has
 * libzstd validate them (z_seq_before): offsets before the source.
 */
typedef struct ZSequences {
    ZSTD_Sequence *seqs;
} ZSequences;

static void z_sequences_free(void *copy)
{
    free(((ZSequences *)copy)->seqs);
}

static bool z_sequences(void **lv, int s, int n, int z, ZSequences *c,
                        HtlBack *back)
{
    size_t count = *(size_t *)lv[n];
    uint64_t total = 0;

    if (count > SIZE_MAX / sizeof(ZSTD_Sequence) - 1) {
        return false;
    }
    c->seqs = malloc((count + 1) * sizeof(ZSTD_Sequence));
    if (!c->seqs || !htl_load(c->seqs, *(const ZSTD_Sequence **)lv[s],
                              count * sizeof(ZSTD_Sequence))) {
        free(c->seqs);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        total += (uint64_t)c->seqs[i].litLength + c->seqs[i].matchLength;
    }
    if (total > *(size_t *)lv[z]) {
        free(c->seqs);
        return false;
    }
    *(const ZSTD_Sequence **)lv[s] = c->seqs;
    *back = (HtlBack){ z_sequences_free, z_sequences_free, c };
    return true;
}
#define CK_SEQUENCES(s, n, z) \
    && z_sequences(lv, s, n, z, &(ZSequences){ 0 }, &back)

static bool z_seq_before(void **o, void **lv)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;

    z_stream_before(o, lv);
    if (ZSTD_isError(ZSTD_CCtx_getParameter(ctx->obj,
                                            ZSTD_c_validateSequences,
                                            &ctx->validate))) {
        return false;
    }
    return !ZSTD_isError(ZSTD_CCtx_setParameter(ctx->obj,
                                                ZSTD_c_validateSequences, 1));
}

static void z_seq_after(void **o, void **lv, void *r)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;

    ZSTD_CCtx_setParameter(ctx->obj, ZSTD_c_validateSequences, ctx->validate);
    z_oneshot_after(o, lv, r);
    /* Done, it began a stream of its own, with its buffers. */
    if (!ZSTD_isError(*(size_t *)r)) {
        ctx->stream_lost = false;
    }
}

/*
 * A sequence producer the program registers: libzstd gets z_produce, with
 * the context's ZHold for state; the program's function and state are
 * kept there. (NULL clears it, as libzstd does.)
 */
static size_t z_produce(void *state, ZSTD_Sequence *out, size_t capacity,
                        const void *src, size_t size, const void *dict,
                        size_t dict_size, int level, size_t window);

static bool z_producer_before(void **o, void **lv)
{
    ZHold *ctx = ((ZRecord *)o[0])->hold;
    void **state = lv[1];
    ZSTD_sequenceProducer_F **fn = lv[2];

    if (*fn) {
        ctx->producer[0] = (uint64_t)(uintptr_t)*fn;
        ctx->producer[1] = (uint64_t)(uintptr_t)*state;
        *fn = z_produce;
        *state = ctx;
    }
    return true;
}

/*
 * Sequences libzstd can take from a producer without reading past the
 * block: their lengths add up to no more than it, counted in 64 bits, and
 * each match but the delimiters (offset and match length 0) is at least
 * ZSTD_MINMATCH_MIN long, so 1.5.4's block splitter, which sums match
 * lengths less that minimum, counts the bytes the sequences cover.
 * libzstd checks offsets only where the context validates sequences; an
 * offset out of reach makes a bad frame, as it would on the guest.
 */
static bool z_produced_ok(const ZSTD_Sequence *seqs, size_t n, size_t size)
{
    uint64_t total = 0;

    for (size_t i = 0; i < n; i++) {
        bool delimiter = !seqs[i].offset && !seqs[i].matchLength;

        if (!delimiter && seqs[i].matchLength < ZSTD_MINMATCH_MIN) {
            return false;
        }
        total += (uint64_t)seqs[i].litLength + seqs[i].matchLength;
    }
    return total <= size;
}

/*
 * libzstd asks the producer for a block's sequences: the call (which runs
 * on htl_ga_run(), its context having a producer) pauses for the guest to
 * run the program's function on a copy of the block, in a guest buffer,
 * and the sequences come back, checked. Anything that fails is the
 * producer's error, which libzstd falls back from where the context says
 * so.
 */
static size_t z_produce(void *state, ZSTD_Sequence *out, size_t capacity,
                        const void *src, size_t size, const void *dict,
                        size_t dict_size, int level, size_t window)
{
    ZHold *ctx = state;
    uint64_t room = htl_mul(capacity, sizeof(ZSTD_Sequence));
    uint64_t at, n;
    ZstdProducerCall call;
    int validated = 0;

    if (room > UINT32_MAX || size > UINT32_MAX || dict_size > UINT32_MAX) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    at = htl_ga_scratch(sizeof(call) + room + size + dict_size);
    if (!at) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    call = (ZstdProducerCall){
        .fn = ctx->producer[0],
        .state = ctx->producer[1],
        .seqs = at + sizeof(call),
        .capacity = capacity,
        .src = at + sizeof(call) + room,
        .src_size = size,
        .dict = dict_size ? at + sizeof(call) + room + size : 0,
        .dict_size = dict_size,
        .level = level,
        .window = window,
    };
    if (!htl_store((void *)(uintptr_t)at, &call, sizeof(call)) ||
        !htl_store((void *)(uintptr_t)call.src, src, size) ||
        !htl_store((void *)(uintptr_t)call.dict, dict, dict_size) ||
        !htl_ga_call(at, &n)) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    if (n > capacity) {
        return (size_t)n;    /* the producer's error, libzstd's to report */
    }
    if (!htl_load(out, (void *)(uintptr_t)call.seqs,
                  n * sizeof(ZSTD_Sequence))) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    /* A context that validates sequences has libzstd check them all, and
     * report what it finds as the guest's libzstd would. */
    ZSTD_CCtx_getParameter(ctx->obj, ZSTD_c_validateSequences, &validated);
    if (!validated && !z_produced_ok(out, n, size)) {
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    }
    return (size_t)n;
}

/*
 * CK_STREAM(out, in): the ZSTD_outBuffer and ZSTD_inBuffer (in -1: none)
 * copied in and checked (dst writable and src readable for their sizes);
 * their positions, which libzstd moves, copied back after the call.
 */
typedef struct ZBuffers {
    ZSTD_outBuffer out, *guest_out;
    ZSTD_inBuffer in, *guest_in;
} ZBuffers;

static void z_buffers_back(void *copy)
{
    ZBuffers *b = copy;

    if (!htl_store(&b->guest_out->pos, &b->out.pos, sizeof(b->out.pos)) ||
        (b->guest_in &&
         !htl_store(&b->guest_in->pos, &b->in.pos, sizeof(b->in.pos)))) {
        htl_refused();
    }
}

static bool z_buffers(void **lv, int out, int in, ZBuffers *b, HtlBack *back)
{
    b->guest_out = *(ZSTD_outBuffer **)lv[out];
    if (!htl_load(&b->out, b->guest_out, sizeof(b->out)) ||
        !htl_writable(b->guest_out, sizeof(b->out)) ||
        !htl_writable(b->out.dst, b->out.size)) {
        return false;
    }
    *(ZSTD_outBuffer **)lv[out] = &b->out;
    if (in >= 0) {
        b->guest_in = *(ZSTD_inBuffer **)lv[in];
        if (!htl_load(&b->in, b->guest_in, sizeof(b->in)) ||
            !htl_writable(b->guest_in, sizeof(b->in)) ||
            !htl_readable(b->in.src, b->in.size)) {
            return false;
        }
        *(ZSTD_inBuffer **)lv[in] = &b->in;
    }
    *back = (HtlBack){ z_buffers_back, NULL, b };
    return true;
}
#define CK_STREAM(out, in) \
    && z_buffers(lv, out, in, &(ZBuffers){ 0 }, &back)

/*
 * CK_SAMPLES(dict, cap, s, z, n): the training samples: the array of n
 * sizes at z copied to the host (libzstd reads it throughout), the
 * samples at s readable for their total and apart from the dictionary's
 * buffer (cap bytes at dict), which libzstd writes while it reads them
 * (the guest's libzstd would make a garbled dictionary; the host would
 * copy over its own input). CK_SAMPLES_P(dict, cap, s, z, n, p): and the
 * optimizers' parameters at p copied in and back. Last in a row's
 * checks: it allocates, and the copy goes back (and is freed) only after
 * a call.
 */
typedef struct ZSamples {
    size_t *sizes;
    void *guest_params;
    size_t params_size;
    union {
        ZDICT_cover_params_t cover;
        ZDICT_fastCover_params_t fast;
    } params;
} ZSamples;

static void z_samples_back(void *copy)
{
    ZSamples *c = copy;

    if (c->guest_params &&
        !htl_store(c->guest_params, &c->params, c->params_size)) {
        htl_refused();
    }
    free(c->sizes);
}

/*
 * Whether the samples cover and fastCover train on (the first split of
 * them; split 0: their default) hold a dmer of d bytes (0: the default
 * 8): 1.5.4 checks only the whole set, and reads past the samples when
 * the part it trains on is shorter.
 */
static bool z_trainable(const size_t *sizes, unsigned nb, double split,
                        double fallback, unsigned d)
{
    unsigned n;
    size_t total = 0;

    split = split <= 0.0 ? fallback : split;
    n = split < 1.0 ? (unsigned)((double)nb * split) : nb;
    for (unsigned i = 0; i < n; i++) {
        total += sizes[i];
    }
    return total >= (d > 8 ? d : 8);
}

static void z_samples_free(void *copy)
{
    free(((ZSamples *)copy)->sizes);
}

static bool z_samples(void **lv, const void *dict, size_t cap, int s, int z,
                      int n, void **params, size_t params_size, ZSamples *c,
                      HtlBack *back)
{
    unsigned nb = *(unsigned *)lv[n];
    size_t total = 0;

    if (params) {
        if (!htl_load(&c->params, *params, params_size) ||
            !htl_writable(*params, params_size)) {
            return false;
        }
        c->guest_params = *params;
        c->params_size = params_size;
        *params = &c->params;
    }
    c->sizes = malloc(((size_t)nb + 1) * sizeof(size_t));
    if (!c->sizes ||
        !htl_load(c->sizes, *(const size_t **)lv[z], nb * sizeof(size_t))) {
        free(c->sizes);
        return false;
    }
    for (unsigned i = 0; i < nb; i++) {
        if (c->sizes[i] > SIZE_MAX - total) {
            free(c->sizes);
            return false;
        }
        total += c->sizes[i];
    }
    if (!htl_readable(*(const void **)lv[s], total) ||
        !htl_apart(*(const void **)lv[s], total, dict, cap)) {
        free(c->sizes);
        return false;
    }
    *(const size_t **)lv[z] = c->sizes;
    *back = (HtlBack){ z_samples_back, z_samples_free, c };
    return true;
}
#define CK_SAMPLES(dict, cap, s, z, n) \
    && z_samples(lv, dict, cap, s, z, n, NULL, 0, &(ZSamples){ 0 }, &back)
/* And trainable: the split and dmer size given (CK_TRAIN), or those of
 * the optimizers' parameters, their defaults for 0 (CK_SAMPLES_P). */
#define CK_TRAIN(dict, cap, s, z, n, split, dmer) \
    CK_SAMPLES(dict, cap, s, z, n)                \
    && z_trainable(a##z, a##n, split, 1.0, dmer)
#define CK_SAMPLES_P(dict, cap, s, z, n, p)                               \
    && z_samples(lv, dict, cap, s, z, n, lv[p], sizeof(*a##p),           \
                 &(ZSamples){ 0 }, &back)                                 \
    && z_trainable(a##z, a##n, a##p->splitPoint,                          \
                   sizeof(*a##p) == sizeof(ZDICT_fastCover_params_t)      \
                       ? 0.75 : 1.0,                                      \
                   a##p->d)

ZSTD_FUNCTIONS(HTL_ENTRY)
ZSTD_FUNCTIONS(HTL_GA_ENTRY)
