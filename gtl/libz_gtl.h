/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the zlib GTL's generated wrappers (libz_gtl.c,
 * libz_sized.c) and its hand-written ones (libz_handwritten.c).
 */
#ifndef PASSTHROUGH_LIBZ_GTL_H
#define PASSTHROUGH_LIBZ_GTL_H

#include <zlib.h>

#include "thunk.h"
#include "transport.h"
#include "zlib_spec.h"

/* zlib.h makes gzgetc a macro over the gzFile fields; we define the
 * function. */
#undef gzgetc

#define GTL_EXPORT __attribute__((visibility("default")))

enum {
#define GTL_ID(ret_t, name, n, types, err, ...) GTL_ID_##name,
    ZLIB_ALL_ENTRIES(GTL_ID)
#undef GTL_ID
    GTL_N_ENTRIES
};

/* Entry token per function; 0: no host entry, use the guest's own zlib. */
GTL_HIDDEN extern uint64_t gtl_tokens[GTL_N_ENTRIES];

/* Whether each kind of state lives on the host (see zlib_spec.h). */
GTL_HIDDEN extern int gtl_streams_on_host;
GTL_HIDDEN extern int gtl_gz_on_host;

/*
 * The guest's own zlib, built into the GTL with Z_PREFIX. A file compiled
 * with Z_PREFIX itself (libz_sized.c) has zlib.h's declarations instead.
 */
#ifndef Z_PREFIX_SET
#define GTL_FALLBACK_DECL(ret_t, name, n, types, err, ...) \
    extern __typeof__(name) z_##name GTL_HIDDEN;
ZLIB_FUNCTIONS(GTL_FALLBACK_DECL)
#undef GTL_FALLBACK_DECL
extern __typeof__(gzopen) z_gzopen GTL_HIDDEN;
extern __typeof__(gzopen64) z_gzopen64 GTL_HIDDEN;
extern __typeof__(gzvprintf) z_gzvprintf GTL_HIDDEN;
extern __typeof__(inflateBackInit_) z_inflateBackInit_ GTL_HIDDEN;
extern __typeof__(inflateBack) z_inflateBack GTL_HIDDEN;
extern __typeof__(inflateBackEnd) z_inflateBackEnd GTL_HIDDEN;
#endif

/* Reads PASSTHROUGH_DISPATCH; sets the SIZED functions' thresholds. */
GTL_HIDDEN void gtl_dispatch_init(void);

/* Runs entry `id` on the host; false if it has no entry or was refused. */
static inline int gtl_host(int id, void **args, void *ret)
{
    return gtl_tokens[id] && gtl_call(gtl_tokens[id], args, ret) == PT_OK;
}

/* A wrapper's body: the host, else the guest's own zlib (spec/thunk.h's
 * parameter lists a0, a1, ...). */
#define GTL_HOST_ELSE_GUEST(ret_t, name, n, types)                \
    void *args[] = { PT_ADDRS_##n types NULL };                   \
    ret_t ret;                                                    \
    if (gtl_host(GTL_ID_##name, args, &ret)) {                    \
        return ret;                                               \
    }                                                             \
    return z_##name(PT_NAMES_##n types)

/*
 * Host streams. The guest's `state` of a stream on the host is the HTL's
 * handle, whose top bit no guest address has: the test is exact and costs
 * one load. The next bit says the stream has the guest's own allocator.
 */
#define GTL_HOST_STREAM_BIT ((uintptr_t)1 << 63)
#define GTL_GA_STREAM_BIT ((uintptr_t)1 << 62)

static inline int gtl_host_stream(z_streamp strm)
{
    return strm && ((uintptr_t)strm->state & GTL_HOST_STREAM_BIT);
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
    return gtl_streams_on_host && strm && gtl_default_alloc(strm);
}

/*
 * Streams with the guest's own allocator: on the host too if the HTL has
 * the NAME_ga_HTL entries (zlib_spec.h's ZLIB_CALLS_ALLOCATOR), whose host
 * calls pause for the guest to run its zalloc/zfree
 * (protocol/passthrough_pause.h). Their tokens, 0 for the functions that
 * never allocate.
 */
GTL_HIDDEN extern uint64_t gtl_ga_tokens[GTL_N_ENTRIES];
GTL_HIDDEN extern int gtl_ga_on_host;

static inline int gtl_stream_may_use_host_ga(z_streamp strm)
{
    return gtl_ga_on_host && strm && !gtl_default_alloc(strm);
}

/*
 * Runs entry `id` through its NAME_ga_HTL entry, doing in the guest what
 * the paused host call asks of strm's allocator. args has n arguments and
 * a spare slot after them, for the PtPause. False if refused.
 */
GTL_HIDDEN int gtl_host_ga(int id, z_streamp strm, int n, void **args,
                           void *ret);

/* A call on host stream strm: through the NAME_ga_HTL entry if it has one
 * and strm has the guest's allocator. */
static inline int gtl_host_on_stream(int id, z_streamp strm, int n,
                                     void **args, void *ret)
{
    if (gtl_ga_tokens[id] && ((uintptr_t)strm->state & GTL_GA_STREAM_BIT)) {
        return gtl_host_ga(id, strm, n, args, ret);
    }
    return gtl_host(id, args, ret);
}

/* After a host call that initialised strm. */
GTL_HIDDEN void gtl_learn_host_stream(z_streamp strm);

/*
 * A copy in guest memory of a static string of the host library's, the
 * same copy for the same string every time.
 */
GTL_HIDDEN const char *gtl_guest_string(const char *host);

/* strm->msg, if the host set it, pointed at a guest copy. */
static inline void gtl_fix_msg(z_streamp strm)
{
    if (strm && strm->msg) {
        strm->msg = (char *)gtl_guest_string(strm->msg);
    }
}

#endif
