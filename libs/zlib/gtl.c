/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz.so.1, the guest thunk library for zlib. Stands in for the guest's
 * zlib with the same SONAME and symbol versions: each function runs on the
 * host's zlib through the passthrough plugin or, when that is not
 * available (no plugin, no HTL, an entry missing, guest_base != 0), on the
 * guest's own zlib built into this library with zlib's Z_PREFIX. Where a
 * function's state lives is decided as spec.h says; the transport
 * (the gate, else the syscall path) once, at load time (core.c).
 *
 * The wrappers here are generated from spec.h (gtl/wrap.h); the ones
 * written by hand are in gtl_handwritten.c, the SIZED ones (the
 * checksums, beside the guest's code for them) in gtl_sized.c.
 */
#define GTL_ROWS_BUT_SIZED   /* the SIZED rows: gtl_sized.c */
#include "gtl.h"

alloc_func gtl_host_zalloc;
free_func gtl_host_zfree;

GTL_LIBRARY(ZLIB_FUNCTIONS, "zlib", "", "streams", "gzFiles")

/* What a paused host call asks of a stream's allocator, as zlib would do
 * it: zlib's default for the one the guest left unset. */
static void *zstream_ga_alloc(void *obj, uint64_t items, uint64_t size)
{
    z_streamp strm = obj;

    if (strm->zalloc) {
        return strm->zalloc(strm->opaque, (uInt)items, (uInt)size);
    }
    return malloc((size_t)items * size);
}

static void zstream_ga_free(void *obj, void *block)
{
    z_streamp strm = obj;

    if (strm->zfree) {
        strm->zfree(strm->opaque, block);
    } else {
        free(block);
    }
}

const GtlAllocOps zstream_alloc_ops = { zstream_ga_alloc, zstream_ga_free,
                                        NULL };

ZLIB_FUNCTIONS(GTL_WRAP)

void gtl_on_connect(bool connected)
{
    gtl_sized_init(connected);
}
