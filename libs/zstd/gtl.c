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
#define CK_SAMPLES(s, z, n)
#define CK_SAMPLES_P(s, z, n, p)
#define CK_TRAIN(s, z, n, split, d)
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
 * Host objects made with the program's allocator (ZSTD_customMem): the
 * allocator of each, by handle, for the calls that pause to run it. A
 * table of open addressing; 0 is a free slot, 1 one freed (no handle is
 * either).
 */
typedef struct ZstdMem {
    uint64_t handle;
    ZSTD_customMem mem;
} ZstdMem;

#define ZSTD_MEM_FREED 1

static ZstdMem *zstd_mems;
static size_t zstd_mems_size, zstd_mems_used;
static pthread_mutex_t zstd_mems_lock = PTHREAD_MUTEX_INITIALIZER;

static ZstdMem *zstd_mem_slot(ZstdMem *table, size_t size, uint64_t handle,
                              bool for_new)
{
    size_t i = (size_t)((handle * 0x9e3779b97f4a7c15ULL) >> 17) & (size - 1);

    for (;; i = (i + 1) & (size - 1)) {
        if (table[i].handle == handle || !table[i].handle ||
            (for_new && table[i].handle == ZSTD_MEM_FREED)) {
            return &table[i];
        }
    }
}

static void zstd_mem_add(const void *obj, const ZSTD_customMem *mem)
{
    uint64_t handle = (uintptr_t)obj;
    ZstdMem *slot;

    pthread_mutex_lock(&zstd_mems_lock);
    if ((zstd_mems_used + 1) * 2 > zstd_mems_size) {
        /* Made again, its freed slots dropped: four slots a live one. */
        size_t live = 1, size = 64;
        ZstdMem *table;

        for (size_t i = 0; i < zstd_mems_size; i++) {
            live += zstd_mems[i].handle > ZSTD_MEM_FREED;
        }
        while (size < live * 4) {
            size *= 2;
        }
        table = calloc(size, sizeof(*table));

        if (table) {
            zstd_mems_used = 0;
            for (size_t i = 0; i < zstd_mems_size; i++) {
                if (zstd_mems[i].handle > ZSTD_MEM_FREED) {
                    *zstd_mem_slot(table, size, zstd_mems[i].handle, true) =
                        zstd_mems[i];
                    zstd_mems_used++;
                }
            }
            free(zstd_mems);
            zstd_mems = table;
            zstd_mems_size = size;
        }
    }
    if ((zstd_mems_used + 1) * 2 <= zstd_mems_size) {
        slot = zstd_mem_slot(zstd_mems, zstd_mems_size, handle, true);
        zstd_mems_used += slot->handle != handle;
        *slot = (ZstdMem){ handle, *mem };
    }
    /* Else no room: its calls get no blocks (libzstd fails them). */
    pthread_mutex_unlock(&zstd_mems_lock);
}

static bool zstd_mem_find(const void *obj, ZSTD_customMem *mem)
{
    uint64_t handle = (uintptr_t)obj;
    ZstdMem *slot = NULL;

    pthread_mutex_lock(&zstd_mems_lock);
    if (zstd_mems_size) {
        slot = zstd_mem_slot(zstd_mems, zstd_mems_size, handle, false);
        if (slot->handle == handle) {
            *mem = slot->mem;
        } else {
            slot = NULL;
        }
    }
    pthread_mutex_unlock(&zstd_mems_lock);
    return slot != NULL;
}

static void zstd_mem_drop(const void *obj)
{
    uint64_t handle = (uintptr_t)obj;
    ZstdMem *slot;

    pthread_mutex_lock(&zstd_mems_lock);
    if (zstd_mems_size) {
        slot = zstd_mem_slot(zstd_mems, zstd_mems_size, handle, false);
        if (slot->handle == handle) {
            slot->handle = ZSTD_MEM_FREED;
        }
    }
    pthread_mutex_unlock(&zstd_mems_lock);
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
    if (call.set && (!size || items <= SIZE_MAX / size)) {
        block = call.mem.customAlloc(call.mem.opaque, (size_t)(items * size));
    }
    zstd_call_mem = call;
    return block;
}

static void zstd_mem_free(void *obj, void *block)
{
    ZstdCallMem call = zstd_call_mem;

    (void)obj;
    if (call.set && block) {
        call.mem.customFree(call.mem.opaque, block);
    }
    zstd_call_mem = call;
}

static const GtlAllocOps zstd_alloc_ops = { zstd_mem_alloc, zstd_mem_free };
#define zcctx_alloc_ops zstd_alloc_ops
#define zdctx_alloc_ops zstd_alloc_ops
#define zcdict_alloc_ops zstd_alloc_ops
#define zddict_alloc_ops zstd_alloc_ops

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

/*
 * ON, COPY, GUEST: the host if an object of the call is there (which
 * refuses the call if the other is not, or if the row has no entry);
 * through NAME_ga_HTL if the row has one and the object has the program's
 * allocator. (A copy has none: the host refuses it for such contexts.)
 */
static inline int zstd_route_on(void **args, int pos, bool ga, int id)
{
    const void *obj = *(void **)args[pos];

    if (!zstd_on_host(obj) && !zstd_second_on_host(args, id)) {
        return GTL_GUEST;
    }
    if (ga && gtl_is_ga_handle(obj)) {
        zstd_call_mem.set = zstd_mem_find(obj, &zstd_call_mem.mem);
        return GTL_HOST_ONLY | GTL_GA;
    }
    return GTL_HOST_ONLY;
}

/* After a free on the host: the object's allocator is not needed again. */
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
        if (gtl_is_ga_handle(obj) && !ZSTD_isError(*(size_t *)ret)) {
            zstd_mem_drop(obj);
        }
        break;
    }
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
        return zstd_route_on(args, pos, false, id);                         \
    }
ZSTD_GROUP(zcctx)
ZSTD_GROUP(zdctx)
ZSTD_GROUP(zcdict)
ZSTD_GROUP(zddict)
ZSTD_GROUP(zcparams)
#define zcctx_after_on zstd_after_on
#define zdctx_after_on zstd_after_on
#define zcdict_after_on zstd_after_on
#define zddict_after_on zstd_after_on
#define zcparams_after_on gtl_no_after_on

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
        return gtl_host(GTL_ID_##name, args, &ret) ? ret : ZSTD_REFUSED;    \
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
