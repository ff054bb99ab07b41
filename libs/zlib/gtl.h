/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the zlib GTL's files share (gtl.c, gtl_sized.c,
 * gtl_handwritten.c): its ids and groups, and how its groups' objects
 * are routed (wrap.h's GROUP_route_* and GROUP_after_*).
 */
#ifndef PASSTHROUGH_LIBZ_GTL_H
#define PASSTHROUGH_LIBZ_GTL_H

#include <stdbool.h>
#include <stdlib.h>
#include <zlib.h>

#include "core.h"
#include "dispatch_thresholds.h"
#include "wrap.h"
#include "spec.h"

enum {
    ZLIB_FUNCTIONS(GTL_ID)
    GTL_N_ENTRIES
};

enum {
    GTL_GROUP_none,
    GTL_GROUP_zstream,
    GTL_GROUP_gzfile,
    GTL_N_GROUPS
};

/*
 * The guest's own zlib, built into the GTL with Z_PREFIX. A file compiled
 * with Z_PREFIX itself (gtl_sized.c) has zlib.h's declarations instead,
 * and names them as they are.
 */
#ifdef Z_PREFIX_SET
#define GTL_FALLBACK(name) name
#else
#define GTL_FALLBACK(name) z_##name
#define GTL_FALLBACK_DECL(kind, group, ret_t, name, ...) \
    PT_CAT(GTL_FALLBACK_DECL_, PT_IS_HAND(kind))(name)
#define GTL_FALLBACK_DECL_0(name) extern __typeof__(name) z_##name GTL_HIDDEN;
#define GTL_FALLBACK_DECL_1(name)
ZLIB_FUNCTIONS(GTL_FALLBACK_DECL)
#undef GTL_FALLBACK_DECL
/* The hand-written wrappers' (gzprintf_n is the HTL's own), and the
 * functions with no row of their own. */
#define ZLIB_GTL_OWN(X)                                                     \
    X(get_crc_table) X(gzdopen) X(gzerror) X(gzclose) X(gzclose_r)          \
    X(gzclose_w) X(gzopen) X(gzopen64) X(gzvprintf) X(inflateBackInit_)     \
    X(inflateBack) X(inflateBackEnd)
#define GTL_FALLBACK_EXTERN(name) extern __typeof__(name) z_##name GTL_HIDDEN;
ZLIB_GTL_OWN(GTL_FALLBACK_EXTERN)
#undef GTL_FALLBACK_EXTERN
#endif

/* Sets the SIZED functions' thresholds (gtl_sized.c), once connected. */
GTL_HIDDEN void gtl_sized_init(bool connected);

/*
 * Host streams: the guest's `state` of a stream on the host is the HTL's
 * handle (protocol/passthrough_entries.h).
 */
static inline int gtl_host_stream(z_streamp strm)
{
    return strm && gtl_is_handle(strm->state);
}

/*
 * The value zlib's default allocator has on the host, learnt from the first
 * stream the host initialised with it.
 */
GTL_HIDDEN extern alloc_func gtl_host_zalloc;
GTL_HIDDEN extern free_func gtl_host_zfree;

/*
 * Whether a stream being initialised uses zlib's default allocator: none
 * set, or the host's own, left by an earlier host stream in the same
 * z_stream (the guest's zlib must never be handed those).
 */
static inline int gtl_default_alloc(z_streamp strm)
{
    return (!strm->zalloc || strm->zalloc == gtl_host_zalloc) &&
           (!strm->zfree || strm->zfree == gtl_host_zfree);
}

static inline int gtl_stream_may_use_host(z_streamp strm)
{
    return strm && gtl_on_host(GTL_GROUP_zstream) && gtl_default_alloc(strm);
}

/* Streams with the guest's own allocator: on the host too if the HTL has
 * the NAME_ga_HTL entries. */
static inline int gtl_stream_may_use_host_ga(z_streamp strm)
{
    return strm && gtl_ga_on_host() && gtl_on_host(GTL_GROUP_zstream) &&
           !gtl_default_alloc(strm);
}

/* What a paused host call asks of a stream's allocator (core.h). */
GTL_HIDDEN extern const GtlAllocOps zstream_alloc_ops;

static inline int gtl_host_ga(int id, z_streamp strm, int n, void **args,
                              void *ret)
{
    return gtl_host_ga_call(id, &zstream_alloc_ops, strm, n, args, ret);
}

/* A call on host stream strm: through the NAME_ga_HTL entry if it has one
 * and strm has the guest's allocator. */
static inline int gtl_host_on_stream(int id, z_streamp strm, int n,
                                     void **args, void *ret)
{
    if (gtl_ga_tokens[id] && gtl_is_ga_handle(strm->state)) {
        return gtl_host_ga(id, strm, n, args, ret);
    }
    return gtl_host(id, args, ret);
}

/* After a host call that initialised strm. */
static inline void gtl_learn_host_stream(z_streamp strm)
{
    if (!gtl_host_zalloc) {
        gtl_host_zfree = strm->zfree;
        gtl_host_zalloc = strm->zalloc;
    }
}

/* strm->msg, if the host set it, pointed at a guest copy. */
static inline void gtl_fix_msg(z_streamp strm)
{
    if (strm && strm->msg) {
        strm->msg = (char *)gtl_guest_string(strm->msg);
    }
}

/* zstream: a stream is made on the host, with the guest's allocator if it
 * has one, and stays on the side that made it. */
static inline int zstream_route_new(void **args, int pos, bool ga, int id)
{
    z_streamp strm = *(z_streamp *)args[pos];

    (void)id;

    if (gtl_stream_may_use_host(strm)) {
        return GTL_HOST;
    }
    if (ga && gtl_stream_may_use_host_ga(strm)) {
        return GTL_HOST | GTL_GA;
    }
    return GTL_GUEST;
}

static inline int zstream_route_on(void **args, int pos, bool ga, int id)
{
    z_streamp strm = *(z_streamp *)args[pos];

    (void)id;
    if (!gtl_host_stream(strm)) {
        return GTL_GUEST;
    }
    return ga && gtl_is_ga_handle(strm->state) ? GTL_HOST_ONLY | GTL_GA
                                               : GTL_HOST_ONLY;
}

static inline void zstream_after_new(int route, void **args, int pos,
                                     void *ret, int id)
{
    z_streamp strm = *(z_streamp *)args[pos];

    (void)ret;
    (void)id;
    if (!(route & GTL_GA)) {
        gtl_learn_host_stream(strm);
    }
    gtl_fix_msg(strm);
}

/* The stream a message is in: a0 (a copy's dest). */
static inline void zstream_after_on(void **args, int pos, void *ret,
                                    int id)
{
    (void)pos;
    (void)ret;
    (void)id;
    gtl_fix_msg(*(z_streamp *)args[0]);
}

/* gzfile: all files on one side, chosen when the GTL connects. */
static inline int gzfile_route_on(void **args, int pos, bool ga, int id)
{
    (void)id;
    (void)args;
    (void)pos;
    (void)ga;
    return gtl_on_host(GTL_GROUP_gzfile) ? GTL_HOST_ONLY : GTL_GUEST;
}

#define gzfile_after_on gtl_no_after_on

#endif
