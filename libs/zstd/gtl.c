/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libzstd.so.1, the guest thunk library for libzstd: every function of the
 * guest's libzstd, generated from spec.h (gtl/wrap.h), but a few written
 * here (HAND). What the host does not run (no plugin, no HTL, an entry
 * missing, the GUEST rows) runs on the guest's own libzstd, built in with
 * its symbols renamed fb_* (@zstd_src//:libzstd_fallback).
 *
 * A host object is a handle where libzstd would give a pointer: opaque to
 * the program, never followed in the guest. A call goes to the host if
 * one of its objects is there, and the host refuses the call if another
 * one is not.
 */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
/* Every function, the deprecated ones too. */
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#define ZDICT_DISABLE_DEPRECATE_WARNINGS
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "core.h"
#include "spec.h"
#include "wrap.h"

enum {
    ZSTD_FUNCTIONS(GTL_ID)
    GTL_N_ENTRIES
};

enum {
    GTL_GROUP_none,
    GTL_GROUP_zcctx,
    GTL_GROUP_zdctx,
    GTL_GROUP_zcdict,
    GTL_GROUP_zddict,
    GTL_GROUP_zcparams,
    GTL_N_GROUPS
};

/* The guest's own libzstd, declared from the spec's types. */
#define GTL_FALLBACK(name) fb_##name
#define GTL_FALLBACK_DECL(kind, group, ret_t, name, n, types, ...) \
    extern ret_t fb_##name(PT_PARAMS_##n types) GTL_HIDDEN;
ZSTD_FUNCTIONS(GTL_FALLBACK_DECL)

GTL_LIBRARY(ZSTD_FUNCTIONS, "libzstd", "", "compression contexts",
            "decompression contexts", "compression dictionaries",
            "decompression dictionaries", "compression parameters")

/*
 * Each row's second object (CK_OBJ in its checks, CK_PEER for a COPY
 * row's destination), -1 if none: the GTL reads only those of the
 * checks column.
 */
#define CK_OBJ(i, group) i,
#define CK_OBJ0(i, group) i,
#define CK_PEER(i) i,
#define CK_R(p, n)
#define CK_W(p, n)
#define CK_INOUT(i)
#define CK_IF(cond)
#define CK_SET(i, v)
#define CK_STREAM(out, in)
#define CK_SAMPLES(dict, cap, s, z, n)
#define CK_SAMPLES_P(dict, cap, s, z, n, p)
#define CK_TRAIN(dict, cap, s, z, n, split, dmer)
#define CK_CPARAMS(i)
#define CK_SEQUENCES(s, n, z)
#define ZSTD_SECOND(kind, group, ret_t, name, n, types, err, checks, extra) \
    [GTL_ID_##name] = PT_ARG0(PT_STRIP checks -1),
static const signed char zstd_second[GTL_N_ENTRIES] = {
    ZSTD_FUNCTIONS(ZSTD_SECOND)
};

static inline bool zstd_on_host(const void *obj)
{
    return gtl_is_handle(obj);
}

/* Whether a row's second object (if any) is a host one. */
static inline bool zstd_second_on_host(void **args, int id)
{
    int i = zstd_second[id];

    return i >= 0 && zstd_on_host(*(void **)args[i]);
}

/* A default customMem: libzstd's own malloc and free. */
static inline bool zstd_default_mem(const ZSTD_customMem *m)
{
    return !m->customAlloc && !m->customFree;
}

/*
 * What the GTL keeps of a host object, by handle: the program's allocator
 * (ZSTD_customMem) it was made with, for the calls that pause to run it;
 * and for a context, its shadow: the guest context that stands in for it
 * in the buffer-less functions, whose window is the program's earlier
 * buffers, which the host cannot hold. A table of open addressing; 0 is a
 * free slot, 1 one freed (no handle is either).
 */
typedef struct ZstdKept {
    uint64_t handle;
    ZSTD_customMem mem;      /* libzstd's own (NULLs) where it has none */
    void *shadow;            /* NULL until its first buffer-less call */
    bool dctx;               /* the shadow's kind */
    bool producer;           /* a context's: has a sequence producer */
    bool serves;             /* holds the allocator's service: workers */
    bool host_begun;         /* a context's: a copy begun on the host, whose
                              * buffer-less frame goes on there */
    void *seq_fn, *seq_state;  /* a parameters object's producer (1.5.7) */
} ZstdKept;

#define ZSTD_KEPT_FREED 1

static ZstdKept *zstd_kept;
static size_t zstd_kept_size, zstd_kept_used;
/* Contexts with a sequence producer: read unlocked, to skip the lookup
 * on every call when there are none. */
static int zstd_producers;
static pthread_mutex_t zstd_kept_lock = PTHREAD_MUTEX_INITIALIZER;

static ZstdKept *zstd_kept_slot(ZstdKept *table, size_t size,
                                uint64_t handle, bool for_new)
{
    size_t i = (size_t)((handle * 0x9e3779b97f4a7c15ULL) >> 17) & (size - 1);

    for (;; i = (i + 1) & (size - 1)) {
        if (table[i].handle == handle || !table[i].handle ||
            (for_new && table[i].handle == ZSTD_KEPT_FREED)) {
            return &table[i];
        }
    }
}

/* The handle's slot (locked): NULL if it has none. */
static ZstdKept *zstd_kept_find(uint64_t handle)
{
    ZstdKept *slot;

    if (!zstd_kept_size) {
        return NULL;
    }
    slot = zstd_kept_slot(zstd_kept, zstd_kept_size, handle, false);
    return slot->handle == handle ? slot : NULL;
}

/* The handle's slot (locked), made if it has none (libzstd's allocator, no
 * shadow); NULL if there is no room. */
static ZstdKept *zstd_kept_put(uint64_t handle)
{
    ZstdKept *slot = zstd_kept_find(handle);

    if (slot) {
        return slot;
    }
    if ((zstd_kept_used + 1) * 2 > zstd_kept_size) {
        /* Made again, its freed slots dropped: four slots a live one. */
        size_t live = 1, size = 64;
        ZstdKept *table;

        for (size_t i = 0; i < zstd_kept_size; i++) {
            live += zstd_kept[i].handle > ZSTD_KEPT_FREED;
        }
        while (size < live * 4) {
            size *= 2;
        }
        table = calloc(size, sizeof(*table));
        if (!table) {
            return NULL;
        }
        zstd_kept_used = 0;
        for (size_t i = 0; i < zstd_kept_size; i++) {
            if (zstd_kept[i].handle > ZSTD_KEPT_FREED) {
                *zstd_kept_slot(table, size, zstd_kept[i].handle, true) =
                    zstd_kept[i];
                zstd_kept_used++;
            }
        }
        free(zstd_kept);
        zstd_kept = table;
        /* Read unlocked by zstd_after_on, to skip the lock when empty. */
        __atomic_store_n(&zstd_kept_size, size, __ATOMIC_RELAXED);
    }
    slot = zstd_kept_slot(zstd_kept, zstd_kept_size, handle, true);
    zstd_kept_used += !slot->handle;
    *slot = (ZstdKept){ .handle = handle, .mem = ZSTD_defaultCMem };
    return slot;
}

/* A host object made with the program's allocator. With no room, its
 * calls get no blocks (libzstd fails them). */
static void zstd_mem_add(const void *obj, const ZSTD_customMem *mem)
{
    ZstdKept *slot;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = zstd_kept_put((uintptr_t)obj);
    if (slot) {
        slot->mem = *mem;
    }
    pthread_mutex_unlock(&zstd_kept_lock);
}

/*
 * A copy of what is kept of obj: false if nothing (then *kept is
 * libzstd's allocator and no shadow).
 */
static bool zstd_kept_get(const void *obj, ZstdKept *kept)
{
    ZstdKept *slot;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = zstd_kept_find((uintptr_t)obj);
    *kept = slot ? *slot : (ZstdKept){ .mem = ZSTD_defaultCMem };
    pthread_mutex_unlock(&zstd_kept_lock);
    return slot != NULL;
}

/* The shadow of the host context obj, if it has one. */
static void *zstd_shadow_of(const void *obj)
{
    ZstdKept kept;

    zstd_kept_get(obj, &kept);
    return kept.shadow;
}

/*
 * The shadow of the host context obj, made at its first buffer-less call
 * with its allocator; NULL (the call gets its error) for a handle that
 * names no live context of that kind (the host says: a forged or stale
 * one gets no shadow), or if none can be made. Made outside the lock: the
 * program's allocator may make libzstd calls of its own.
 */
static void *zstd_shadow(const void *obj, bool dctx)
{
    ZstdKept kept, *slot;
    void *shadow, *made;

    zstd_kept_get(obj, &kept);
    if (kept.shadow ||
        !(dctx ? ZSTD_sizeof_DCtx(obj) : ZSTD_sizeof_CCtx(obj))) {
        return kept.shadow;
    }
    made = dctx ? (void *)fb_ZSTD_createDCtx_advanced(kept.mem)
                : (void *)fb_ZSTD_createCCtx_advanced(kept.mem);
    if (!made) {
        return NULL;
    }
    pthread_mutex_lock(&zstd_kept_lock);
    slot = zstd_kept_put((uintptr_t)obj);
    if (slot && !slot->shadow) {
        slot->shadow = made;
        slot->dctx = dctx;
        made = NULL;
    }
    shadow = slot ? slot->shadow : NULL;
    pthread_mutex_unlock(&zstd_kept_lock);
    if (made) {
        /* Another thread's call made one first, or no room. */
        if (dctx) {
            fb_ZSTD_freeDCtx(made);
        } else {
            fb_ZSTD_freeCCtx(made);
        }
    }
    return shadow;
}

/* A host object freed: its allocator and shadow are not needed again. */
static void zstd_kept_drop(const void *obj)
{
    ZstdKept *slot;
    ZstdKept gone = { 0 };

    pthread_mutex_lock(&zstd_kept_lock);
    slot = zstd_kept_find((uintptr_t)obj);
    if (slot) {
        gone = *slot;
        slot->handle = ZSTD_KEPT_FREED;
        if (gone.producer) {
            __atomic_sub_fetch(&zstd_producers, 1, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&zstd_kept_lock);
    /* Its workers were ended with it. */
    if (gone.serves) {
        gtl_ga_serve_release();
    }
    if (gone.shadow && gone.dctx) {
        fb_ZSTD_freeDCtx(gone.shadow);
    } else if (gone.shadow) {
        fb_ZSTD_freeCCtx(gone.shadow);
    }
}

/* A host context's sequence producer set (or cleared): its calls that
 * may compress pause for it. With no room, they cannot: libzstd gets the
 * producer's error. */
static void zstd_set_producer(const void *obj, bool on)
{
    ZstdKept *slot;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = on ? zstd_kept_put((uintptr_t)obj)
              : zstd_kept_find((uintptr_t)obj);
    if (slot && slot->producer != on) {
        slot->producer = on;
        __atomic_add_fetch(&zstd_producers, on ? 1 : -1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&zstd_kept_lock);
}

/* A host context copied on the host (on), or begun on its shadow. */
static void zstd_set_host_begun(const void *obj, bool on)
{
    ZstdKept *slot;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = on ? zstd_kept_put((uintptr_t)obj)
              : zstd_kept_find((uintptr_t)obj);
    if (slot) {
        slot->host_begun = on;
    }
    pthread_mutex_unlock(&zstd_kept_lock);
}

static bool zstd_host_begun(const void *obj)
{
    ZstdKept kept;

    return zstd_kept_get(obj, &kept) && kept.host_begun;
}

/* The buffer-less frame's calls after its begin. */
static bool zstd_continues(int id)
{
    return id == GTL_ID_ZSTD_compressContinue ||
           id == GTL_ID_ZSTD_compressEnd || id == GTL_ID_ZSTD_compressBlock;
}

static bool zstd_has_producer(const void *obj)
{
    ZstdKept kept;

    return __atomic_load_n(&zstd_producers, __ATOMIC_RELAXED) &&
           zstd_kept_get(obj, &kept) && kept.producer;
}

/*
 * The allocator a paused call of this thread runs: set as the call is
 * routed. The guest's allocator may make libzstd calls of its own, which
 * set another: each run of it puts the caller's back after it.
 */
typedef struct ZstdCallMem {
    bool set;
    ZSTD_customMem mem;
} ZstdCallMem;

static __thread ZstdCallMem zstd_call_mem;

static void *zstd_mem_alloc(void *obj, uint64_t items, uint64_t size)
{
    ZstdCallMem call = zstd_call_mem;
    void *block = NULL;

    (void)obj;
    if (call.set && call.mem.customAlloc &&
        (!size || items <= SIZE_MAX / size)) {
        block = call.mem.customAlloc(call.mem.opaque, (size_t)(items * size));
    }
    zstd_call_mem = call;
    return block;
}

static void zstd_mem_free(void *obj, void *block)
{
    ZstdCallMem call = zstd_call_mem;

    (void)obj;
    if (call.set && call.mem.customFree && block) {
        call.mem.customFree(call.mem.opaque, block);
    }
    zstd_call_mem = call;
}

/* ZSTD_sequenceProducer_F, a function type until 1.5.5 and a pointer
 * type since. */
typedef size_t ZstdProducerFn(void *, ZSTD_Sequence *, size_t, const void *,
                              size_t, const void *, size_t, int, size_t);

/* PT_PAUSE_CALL: the program's sequence producer, on the block the host
 * copied next to the call's description (libs/zstd/spec.h). */
static uint64_t zstd_run_producer(void *obj, uint64_t arg)
{
    const ZstdProducerCall *c = (const ZstdProducerCall *)(uintptr_t)arg;
    ZstdProducerFn *fn = (ZstdProducerFn *)(uintptr_t)c->fn;
    ZstdCallMem call = zstd_call_mem;
    size_t n;

    (void)obj;
    n = fn((void *)(uintptr_t)c->state, (ZSTD_Sequence *)(uintptr_t)c->seqs,
           (size_t)c->capacity, (const void *)(uintptr_t)c->src,
           (size_t)c->src_size, (const void *)(uintptr_t)c->dict,
           (size_t)c->dict_size, (int)c->level, (size_t)c->window);
    zstd_call_mem = call;
    return n;
}

static const GtlAllocOps zstd_alloc_ops = { zstd_mem_alloc, zstd_mem_free,
                                            zstd_run_producer };
#define zcctx_alloc_ops zstd_alloc_ops
#define zdctx_alloc_ops zstd_alloc_ops
#define zcdict_alloc_ops zstd_alloc_ops
#define zddict_alloc_ops zstd_alloc_ops

/*
 * The service's allocator (gtl_ga_serve_hold): libzstd's workers' blocks,
 * for the object the host names by its handle; the last one's allocator
 * is kept, for a block the host hands back after its object is gone.
 * Only the service thread runs these.
 */
static ZstdKept zstd_served;

static bool zstd_serving(void *obj)
{
    ZstdKept kept;

    if (zstd_kept_get(obj, &kept)) {
        zstd_served = kept;
    }
    return zstd_served.handle == (uintptr_t)obj;
}

static void *zstd_serve_alloc(void *obj, uint64_t items, uint64_t size)
{
    if (!zstd_serving(obj) || !zstd_served.mem.customAlloc ||
        (size && items > SIZE_MAX / size)) {
        return NULL;
    }
    return zstd_served.mem.customAlloc(zstd_served.mem.opaque,
                                       (size_t)(items * size));
}

static void zstd_serve_free(void *obj, void *block)
{
    if (zstd_serving(obj) && zstd_served.mem.customFree && block) {
        zstd_served.mem.customFree(zstd_served.mem.opaque, block);
    }
}

static const GtlAllocOps zstd_serve_ops = { zstd_serve_alloc,
                                            zstd_serve_free, NULL };

/* A context with the program's allocator whose workers may ask (want), or
 * no longer: it holds the service, or lets it go. */
static void zstd_set_serves(const void *obj, bool want)
{
    ZstdKept *slot;
    bool change = false;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = zstd_kept_find((uintptr_t)obj);
    if (slot && slot->serves != want) {
        slot->serves = want;
        change = true;
    }
    pthread_mutex_unlock(&zstd_kept_lock);
    if (change && want) {
        gtl_ga_serve_hold(&zstd_serve_ops);
    } else if (change) {
        gtl_ga_serve_release();
    }
}

static bool zstd_has_workers(const void *obj)
{
    int n = 0;
    void *args[] = { &obj, &(int){ ZSTD_c_nbWorkers }, &(int *){ &n }, NULL };
    size_t r;

    return gtl_host(GTL_ID_ZSTD_CCtx_getParameter, args, &r) &&
           !ZSTD_isError(r) && n > 0;
}

/*
 * NEW: on the host if its group is (its entries resolved), with any
 * parameters object it takes on the host, and libzstd's allocator or the
 * program's (a whole one, through the row's NAME_ga_HTL entry); else a
 * guest object. A host parameters object with what the host cannot take:
 * refused.
 */
static inline int zstd_route_new(int group, void **args, int mem, bool ga,
                                 int id)
{
    int i = zstd_second[id];
    const ZSTD_customMem *m = mem >= 0 ? args[mem] : NULL;
    bool second_guest = i >= 0 && *(void **)args[i] &&
                        !zstd_on_host(*(void **)args[i]);
    bool own = m && !zstd_default_mem(m);
    bool whole = own && m->customAlloc && m->customFree;

    if (whole && ga && !second_guest && gtl_on_host(group) &&
        gtl_ga_on_host()) {
        zstd_call_mem = (ZstdCallMem){ true, *m };
        return (zstd_second_on_host(args, id) ? GTL_HOST_ONLY : GTL_HOST) |
               GTL_GA;
    }
    if (zstd_second_on_host(args, id)) {
        return GTL_HOST_ONLY;
    }
    if (own || second_guest || !gtl_on_host(group)) {
        return GTL_GUEST;
    }
    return GTL_HOST;
}

/* A host object made with the program's allocator: its handle and the
 * allocator, for its calls. */
static inline void zstd_after_new(int route, void **args, int mem,
                                  void *ret)
{
    void *obj = *(void **)ret;

    if (mem >= 0 && (route & GTL_GA) && zstd_on_host(obj)) {
        zstd_mem_add(obj, args[mem]);
    }
}

static inline int zstd_route_shadow(void **args, int pos, int id,
                                    bool dctx);

/*
 * ON, COPY, GUEST: the host if an object of the call is there (which
 * refuses the call if the other is not, or if the row has no entry);
 * through NAME_ga_HTL if the row has one and the object has the program's
 * allocator. A buffer-less frame goes on on the host only for a copy made
 * there; a host context's other frames are its shadow's.
 */
static inline int zstd_route_on(void **args, int pos, bool ga, int id)
{
    const void *obj = *(void **)args[pos];

    if (!zstd_on_host(obj) && !zstd_second_on_host(args, id)) {
        return GTL_GUEST;
    }
    if (zstd_continues(id) && !zstd_host_begun(obj)) {
        return zstd_route_shadow(args, pos, id, false);
    }
    if (ga && (gtl_is_ga_handle(obj) ||
               (zstd_has_producer(obj) && gtl_ga_on_host()))) {
        ZstdKept kept;

        zstd_call_mem.set = zstd_kept_get(obj, &kept);
        zstd_call_mem.mem = kept.mem;
        return GTL_HOST_ONLY | GTL_GA;
    }
    return GTL_HOST_ONLY;
}

#if ZSTD_VERSION_NUMBER >= 10507
/*
 * 1.5.7 keeps a sequence producer in a parameters object too, and
 * ZSTD_CCtx_setParametersUsingCCtxParams gives the context the object's
 * (or none) with the rest; the host's 1.5.4 has no such field. A host
 * object's is kept here (NULL: none), and registered on the context
 * after the host sets its parameters.
 */
static void zstd_set_params_producer(const void *params, void *fn,
                                     void *state)
{
    ZstdKept *slot;

    pthread_mutex_lock(&zstd_kept_lock);
    slot = fn ? zstd_kept_put((uintptr_t)params)
              : zstd_kept_find((uintptr_t)params);
    if (slot) {
        slot->seq_fn = fn;
        slot->seq_state = fn ? state : NULL;
    }
    pthread_mutex_unlock(&zstd_kept_lock);
}

GTL_EXPORT void ZSTD_CCtxParams_registerSequenceProducer(
    ZSTD_CCtx_params *params, void *state, ZSTD_sequenceProducer_F fn)
{
    if (!zstd_on_host(params)) {
        fb_ZSTD_CCtxParams_registerSequenceProducer(params, state, fn);
        return;
    }
    zstd_set_params_producer(params, (void *)fn, state);
}

static void zstd_take_params_producer(ZSTD_CCtx *cctx,
                                      const ZSTD_CCtx_params *params)
{
    ZstdKept kept;

    zstd_kept_get(params, &kept);
    if (kept.seq_fn || zstd_has_producer(cctx)) {
        ZSTD_registerSequenceProducer(cctx, kept.seq_state,
                                      (ZSTD_sequenceProducer_F)kept.seq_fn);
    }
}
#endif

/* After a free on the host: what the GTL kept of the object goes. */
static inline void zstd_after_on(void **args, int pos, void *ret, int id)
{
    const void *obj = *(void **)args[pos];

    switch (id) {
    case GTL_ID_ZSTD_freeCCtx:
    case GTL_ID_ZSTD_freeCStream:
    case GTL_ID_ZSTD_freeDCtx:
    case GTL_ID_ZSTD_freeDStream:
    case GTL_ID_ZSTD_freeCDict:
    case GTL_ID_ZSTD_freeDDict:
    case GTL_ID_ZSTD_freeCCtxParams:
        if (zstd_on_host(obj) && !ZSTD_isError(*(size_t *)ret) &&
            __atomic_load_n(&zstd_kept_size, __ATOMIC_RELAXED)) {
            zstd_kept_drop(obj);
        }
        break;
#if ZSTD_VERSION_NUMBER >= 10507
    case GTL_ID_ZSTD_CCtxParams_reset:
    case GTL_ID_ZSTD_CCtxParams_init:
    case GTL_ID_ZSTD_CCtxParams_init_advanced:
        /* 1.5.7 clears the whole object, its producer too. */
        if (!ZSTD_isError(*(size_t *)ret)) {
            zstd_set_params_producer(obj, NULL, NULL);
        }
        break;
#endif
    case GTL_ID_ZSTD_CCtx_setParameter:
        /* Workers on a context with the program's allocator ask for their
         * blocks through the service: it holds it while it has them. */
        if (gtl_is_ga_handle(obj) && !ZSTD_isError(*(size_t *)ret) &&
            *(int *)args[1] == ZSTD_c_nbWorkers) {
            zstd_set_serves(obj, *(int *)args[2] > 0);
        }
        break;
    case GTL_ID_ZSTD_CCtx_setParametersUsingCCtxParams:
#if ZSTD_VERSION_NUMBER >= 10507
        if (!ZSTD_isError(*(size_t *)ret)) {
            zstd_take_params_producer((ZSTD_CCtx *)obj, *(void **)args[1]);
        }
#endif
        if (gtl_is_ga_handle(obj) && !ZSTD_isError(*(size_t *)ret)) {
            zstd_set_serves(obj, zstd_has_workers(obj));
        }
        break;
    case GTL_ID_ZSTD_registerSequenceProducer:
        zstd_set_producer(obj, *(void **)args[2] != NULL);
        break;
    case GTL_ID_ZSTD_compressEnd:
        /* The copy's frame is done: its next is its shadow's. */
        if (!ZSTD_isError(*(size_t *)ret)) {
            zstd_set_host_begun(obj, false);
        }
        break;
    case GTL_ID_ZSTD_CCtx_reset:
        /* Resetting the parameters drops the producer and the workers. */
        if (*(ZSTD_ResetDirective *)args[1] == ZSTD_reset_session_only ||
            ZSTD_isError(*(size_t *)ret)) {
            break;
        }
        if (__atomic_load_n(&zstd_producers, __ATOMIC_RELAXED)) {
            zstd_set_producer(obj, false);
        }
        if (gtl_is_ga_handle(obj)) {
            zstd_set_serves(obj, false);
        }
        break;
    }
}

/*
 * GUEST rows of contexts (the buffer-less functions): a host context runs
 * them on its shadow, whose decompression parameters are the host
 * context's (its format and checksum and window settings, read at each
 * call: the program may set them between frames). A host dictionary:
 * the row's error (the guest's libzstd cannot read it).
 */
static const ZSTD_dParameter zstd_shadowed_dparams[] = {
    ZSTD_d_format, ZSTD_d_forceIgnoreChecksum, ZSTD_d_windowLogMax,
};

static inline int zstd_route_shadow(void **args, int pos, int id, bool dctx)
{
    void **obj = args[pos];
    void *shadow;
    int v;

    if (zstd_second_on_host(args, id)) {
        return GTL_HOST_ONLY;
    }
    if (!zstd_on_host(*obj)) {
        return GTL_GUEST;
    }
    shadow = zstd_shadow(*obj, dctx);
    if (!shadow) {
        return GTL_HOST_ONLY;
    }
    /* A frame begun on the shadow: a copy's on the host is over. */
    if (!dctx && !zstd_continues(id)) {
        zstd_set_host_begun(*obj, false);
    }
    for (size_t i = 0; dctx && i < sizeof(zstd_shadowed_dparams) /
                                   sizeof(zstd_shadowed_dparams[0]); i++) {
        if (!ZSTD_isError(ZSTD_DCtx_getParameter(*obj,
                                                 zstd_shadowed_dparams[i],
                                                 &v))) {
            fb_ZSTD_DCtx_setParameter(shadow, zstd_shadowed_dparams[i], v);
        }
    }
    *obj = shadow;
    return GTL_GUEST;
}

/* The hooks gtl/wrap.h asks of each group: all groups alike. */
#define ZSTD_GROUP(group)                                                   \
    static inline int group##_route_new(void **args, int pos, bool ga,     \
                                        int id)                            \
    {                                                                       \
        return zstd_route_new(GTL_GROUP_##group, args, pos, ga, id);        \
    }                                                                       \
    static inline void group##_after_new(int route, void **args, int pos,  \
                                         void *ret, int id)                \
    {                                                                       \
        (void)id;                                                           \
        zstd_after_new(route, args, pos, ret);                              \
    }                                                                       \
    static inline int group##_route_on(void **args, int pos, bool ga,      \
                                       int id)                             \
    {                                                                       \
        return zstd_route_on(args, pos, ga, id);                            \
    }                                                                       \
    static inline int group##_route_guest(void **args, int pos, int id)    \
    {                                                                       \
        return ZSTD_ROUTE_GUEST_##group(args, pos, id);                     \
    }
#define ZSTD_ROUTE_GUEST_zcctx(args, pos, id) \
    zstd_route_shadow(args, pos, id, false)
#define ZSTD_ROUTE_GUEST_zdctx(args, pos, id) \
    zstd_route_shadow(args, pos, id, true)
#define ZSTD_ROUTE_GUEST_zcdict(args, pos, id) \
    zstd_route_on(args, pos, false, id)
#define ZSTD_ROUTE_GUEST_zddict ZSTD_ROUTE_GUEST_zcdict
#define ZSTD_ROUTE_GUEST_zcparams ZSTD_ROUTE_GUEST_zcdict
ZSTD_GROUP(zcctx)
ZSTD_GROUP(zdctx)
ZSTD_GROUP(zcdict)
ZSTD_GROUP(zddict)
ZSTD_GROUP(zcparams)
#define zcctx_after_on zstd_after_on
#define zdctx_after_on zstd_after_on
#define zcdict_after_on zstd_after_on
#define zddict_after_on zstd_after_on
#define zcparams_after_on zstd_after_on

ZSTD_FUNCTIONS(GTL_WRAP)

/*
 * Dictionaries "by reference": the host copies them (it keeps no guest
 * pointer), which gives the same frames; the guest's objects keep
 * libzstd's reference.
 */
#define ZSTD_LOAD_BYREF(ctx_t, load)                                        \
    GTL_EXPORT size_t load##_byReference(ctx_t *ctx, const void *dict,      \
                                         size_t size)                       \
    {                                                                       \
        if (zstd_on_host(ctx)) {                                            \
            return load(ctx, dict, size);                                   \
        }                                                                   \
        return fb_##load##_byReference(ctx, dict, size);                    \
    }
ZSTD_LOAD_BYREF(ZSTD_CCtx, ZSTD_CCtx_loadDictionary)
ZSTD_LOAD_BYREF(ZSTD_DCtx, ZSTD_DCtx_loadDictionary)

GTL_EXPORT ZSTD_CDict *ZSTD_createCDict_byReference(const void *dict,
                                                    size_t size, int level)
{
    if (gtl_on_host(GTL_GROUP_zcdict)) {
        return ZSTD_createCDict(dict, size, level);
    }
    return fb_ZSTD_createCDict_byReference(dict, size, level);
}

GTL_EXPORT ZSTD_DDict *ZSTD_createDDict_byReference(const void *dict,
                                                    size_t size)
{
    if (gtl_on_host(GTL_GROUP_zddict)) {
        return ZSTD_createDDict(dict, size);
    }
    return fb_ZSTD_createDDict_byReference(dict, size);
}

/* A thread pool is the guest's: a host context keeps the host's own
 * workers (the frames are the same). */
GTL_EXPORT size_t ZSTD_CCtx_refThreadPool(ZSTD_CCtx *cctx,
                                          ZSTD_threadPool *pool)
{
    if (zstd_on_host(cctx)) {
        return 0;
    }
    return fb_ZSTD_CCtx_refThreadPool(cctx, pool);
}

/*
 * After a buffer-less begin, a host context's block size is its shadow's
 * (the block functions' limit); otherwise the host context's.
 */
GTL_EXPORT size_t ZSTD_getBlockSize(const ZSTD_CCtx *cctx)
{
    void *args[] = { &cctx, NULL };
    void *shadow;
    size_t ret;

    if (!zstd_on_host(cctx)) {
        return fb_ZSTD_getBlockSize(cctx);
    }
    shadow = zstd_host_begun(cctx) ? NULL : zstd_shadow_of(cctx);
    if (shadow) {
        return fb_ZSTD_getBlockSize(shadow);
    }
    return gtl_host(GTL_ID_ZSTD_getBlockSize, args, &ret) ? ret : 0;
}

/*
 * A copy is made where its source's state is: a source begun by the
 * buffer-less functions (a guest context, or a host one's shadow) is
 * copied on the guest, into the destination or its shadow; a host
 * context begun on the host (by streaming, or a copy made there), on the
 * host (where it must be the destination's side too), and the copy's
 * frame goes on there. A shadow not begun leaves it to the host.
 */
GTL_EXPORT size_t ZSTD_copyCCtx(ZSTD_CCtx *dst, const ZSTD_CCtx *src,
                                unsigned long long pledged)
{
    void *args[] = { &dst, &src, &pledged, NULL };
    const void *from = src;
    void *to = dst;
    size_t ret;

    if (zstd_on_host(src)) {
        from = zstd_host_begun(src) ? NULL : zstd_shadow_of(src);
    }
    if (from) {
        to = zstd_on_host(dst) ? zstd_shadow(dst, false) : dst;
        ret = to ? fb_ZSTD_copyCCtx(to, from, pledged) : ZSTD_REFUSED;
        if (to && to != dst && !ZSTD_isError(ret)) {
            zstd_set_host_begun(dst, false);
        }
        if (!zstd_on_host(src) || !zstd_on_host(dst) ||
            ZSTD_getErrorCode(ret) != ZSTD_error_stage_wrong) {
            return ret;
        }
    }
    if (!gtl_host(GTL_ID_ZSTD_copyCCtx, args, &ret)) {
        return ZSTD_REFUSED;
    }
    if (!ZSTD_isError(ret)) {
        zstd_set_host_begun(dst, true);
    }
    return ret;
}

/* On the guest's libzstd: a host context's state there is its shadow's. */
GTL_EXPORT void ZSTD_copyDCtx(ZSTD_DCtx *dst, const ZSTD_DCtx *src)
{
    void *to = zstd_on_host(dst) ? zstd_shadow(dst, true) : dst;
    const void *from = zstd_on_host(src) ? zstd_shadow(src, true) : src;

    if (to && from) {
        fb_ZSTD_copyDCtx(to, from);
    }
}

/* They read the context's parameters and dictionary, which a host
 * context's shadow does not have: on the guest's contexts only. */
GTL_EXPORT size_t ZSTD_generateSequences(ZSTD_CCtx *cctx, ZSTD_Sequence *seqs,
                                         size_t n_seqs, const void *src,
                                         size_t size)
{
    if (zstd_on_host(cctx)) {
        return ZSTD_REFUSED;
    }
    return fb_ZSTD_generateSequences(cctx, seqs, n_seqs, src, size);
}

#if ZSTD_VERSION_NUMBER >= 10507
GTL_EXPORT size_t ZSTD_compressSequencesAndLiterals(
    ZSTD_CCtx *cctx, void *dst, size_t dst_size, const ZSTD_Sequence *seqs,
    size_t n_seqs, const void *literals, size_t lit_size, size_t lit_cap,
    size_t decompressed)
{
    if (zstd_on_host(cctx)) {
        return ZSTD_REFUSED;
    }
    return fb_ZSTD_compressSequencesAndLiterals(cctx, dst, dst_size, seqs,
                                                n_seqs, literals, lit_size,
                                                lit_cap, decompressed);
}
#endif

#if ZSTD_VERSION_NUMBER >= 10506
/*
 * The compression parameters' setters and getters, on a host object: the
 * host's (1.5.4's) number for a parameter 1.5.6 renumbered, the rest as
 * they are.
 */
static int zstd_host_cparam(ZSTD_cParameter p)
{
    return p == ZSTD_c_targetCBlockSize ? 1003 : (int)p;
}

#define ZSTD_CPARAM_HAND(name, obj_t, value_t)                              \
    GTL_EXPORT size_t name(obj_t obj, ZSTD_cParameter param, value_t value) \
    {                                                                       \
        int host_param = zstd_host_cparam(param);                           \
        void *args[] = { &obj, &host_param, &value, NULL };                 \
        size_t ret;                                                         \
                                                                            \
        if (!zstd_on_host(obj)) {                                           \
            return fb_##name(obj, param, value);                            \
        }                                                                   \
        if (!gtl_host(GTL_ID_##name, args, &ret)) {                         \
            return ZSTD_REFUSED;                                            \
        }                                                                   \
        zstd_after_on(args, 0, &ret, GTL_ID_##name);                        \
        return ret;                                                         \
    }
ZSTD_CPARAM_HAND(ZSTD_CCtx_setParameter, ZSTD_CCtx *, int)
ZSTD_CPARAM_HAND(ZSTD_CCtx_getParameter, const ZSTD_CCtx *, int *)
ZSTD_CPARAM_HAND(ZSTD_CCtxParams_setParameter, ZSTD_CCtx_params *, int)
ZSTD_CPARAM_HAND(ZSTD_CCtxParams_getParameter, const ZSTD_CCtx_params *,
                 int *)
#endif

#if ZSTD_VERSION_NUMBER >= 10507
/* 1.5.7's setters of whole parameter sets, over the host's (1.5.4's)
 * setters of one parameter, in 1.5.7's order and checks. */
GTL_EXPORT size_t ZSTD_CCtx_setFParams(ZSTD_CCtx *cctx,
                                       ZSTD_frameParameters fparams)
{
    size_t r;

    if (!zstd_on_host(cctx)) {
        return fb_ZSTD_CCtx_setFParams(cctx, fparams);
    }
    r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag,
                               fparams.contentSizeFlag != 0);
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag,
                                   fparams.checksumFlag != 0);
    }
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_dictIDFlag,
                                   fparams.noDictIDFlag == 0);
    }
    return r;
}

GTL_EXPORT size_t ZSTD_CCtx_setParams(ZSTD_CCtx *cctx, ZSTD_parameters params)
{
    size_t r;

    if (!zstd_on_host(cctx)) {
        return fb_ZSTD_CCtx_setParams(cctx, params);
    }
    r = ZSTD_checkCParams(params.cParams);
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setFParams(cctx, params.fParams);
    }
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setCParams(cctx, params.cParams);
    }
    return r;
}
#endif

void gtl_on_connect(bool connected)
{
    (void)connected;   /* no SIZED rows: nothing to set */
}
