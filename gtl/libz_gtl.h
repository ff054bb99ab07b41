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
 * The value zlib's default allocator has on the host, learnt from the first
 * stream the host initialised: a stream whose zalloc holds it lives on the
 * host. Streams with the guest's own allocator never do, so the test is
 * exact and costs one comparison.
 */
GTL_HIDDEN extern alloc_func gtl_host_zalloc;
GTL_HIDDEN extern free_func gtl_host_zfree;

static inline int gtl_host_stream(z_streamp strm)
{
    return strm && gtl_host_zalloc && strm->zalloc == gtl_host_zalloc;
}

/*
 * A stream being initialised may go to the host if it uses zlib's default
 * allocator: none set, or the host's own, left by an earlier host stream in
 * the same z_stream (the guest's zlib must never be handed those).
 */
static inline int gtl_stream_may_use_host(z_streamp strm)
{
    return gtl_streams_on_host && strm &&
           (!strm->zalloc || strm->zalloc == gtl_host_zalloc) &&
           (!strm->zfree || strm->zfree == gtl_host_zfree);
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
