/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbz2.so.1.0, the guest thunk library for libbz2: every function of
 * Debian's libbz2, generated from spec.h (gtl/wrap.h), but the FILE
 * functions, which gtl_file.c writes over these. What the host does not
 * run (no plugin, no HTL, an entry missing, the GUEST rows) runs on the
 * guest's own libbz2, built in with its functions renamed fb_BZ2_*
 * (@bzip2_src//:libbz2_fallback).
 */
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"
#include "spec.h"
#include "wrap.h"

enum {
    BZ2_FUNCTIONS(GTL_ID)
    GTL_N_ENTRIES
};

enum {
    GTL_GROUP_none,
    GTL_GROUP_bzcomp,
    GTL_GROUP_bzdecomp,
    GTL_N_GROUPS
};

/* The guest's own libbz2. Declared from the spec's types: the internal
 * functions have no declaration in <bzlib.h>. */
#define GTL_FALLBACK(name) fb_##name
#define GTL_FALLBACK_DECL(kind, group, ret_t, name, n, types, ...) \
    extern ret_t fb_##name(PT_PARAMS_##n types) GTL_HIDDEN;
BZ2_FUNCTIONS(GTL_FALLBACK_DECL)

GTL_LIBRARY(BZ2_FUNCTIONS, "libbz2", "", "compressors", "decompressors")

/*
 * A stream is set up on the host (with the guest's allocator if it has
 * one and the call can pause for it), and stays on its side: the guest's
 * `state` holds the host's handle. libbz2 sets up a new state whatever
 * the struct held, so a set-up never asks where the stream was.
 */
static inline int bz_route_new(int group, void **args, int pos, bool ga)
{
    const bz_stream *s = *(bz_stream **)args[pos];

    if (!s || !gtl_on_host(group)) {
        return GTL_GUEST;
    }
    if (!s->bzalloc && !s->bzfree) {
        return GTL_HOST;
    }
    return ga && gtl_ga_on_host() ? GTL_HOST | GTL_GA : GTL_GUEST;
}

static inline int bz_route_on(void **args, int pos, bool ga)
{
    const bz_stream *s = *(bz_stream **)args[pos];

    if (!s || !gtl_is_handle(s->state)) {
        return GTL_GUEST;
    }
    return ga && gtl_is_ga_handle(s->state) ? GTL_HOST_ONLY | GTL_GA
                                            : GTL_HOST_ONLY;
}

/* What a paused host call asks of a stream's allocator, as libbz2 does
 * it: malloc/free for what the guest's leaves unset. */
static void *bz_ga_alloc(void *obj, uint64_t items, uint64_t size)
{
    const bz_stream *s = obj;

    if (s->bzalloc) {
        return s->bzalloc(s->opaque, (int)items, (int)size);
    }
    return malloc((size_t)(items * size));
}

static void bz_ga_free(void *obj, void *block)
{
    const bz_stream *s = obj;

    if (s->bzfree) {
        s->bzfree(s->opaque, block);
    } else {
        free(block);
    }
}

/* The hooks gtl/wrap.h asks of each group: both directions alike. */
#define BZ_GROUP(group)                                                     \
    static inline int group##_route_new(void **args, int pos, bool ga,     \
                                        int id)                            \
    {                                                                       \
        (void)id;                                                           \
        return bz_route_new(GTL_GROUP_##group, args, pos, ga);              \
    }                                                                       \
    static inline int group##_route_on(void **args, int pos, bool ga,      \
                                       int id)                             \
    {                                                                       \
        (void)id;                                                           \
        return bz_route_on(args, pos, ga);                                  \
    }                                                                       \
    static const GtlAllocOps group##_alloc_ops = { bz_ga_alloc, bz_ga_free, \
                                                   NULL };
BZ_GROUP(bzcomp)
BZ_GROUP(bzdecomp)
#define bzcomp_after_new gtl_no_after_new
#define bzcomp_after_on gtl_no_after_on
#define bzdecomp_after_new gtl_no_after_new
#define bzdecomp_after_on gtl_no_after_on

BZ2_FUNCTIONS(GTL_WRAP)

void gtl_on_connect(bool connected)
{
    (void)connected;   /* no SIZED rows: nothing to set */
}
