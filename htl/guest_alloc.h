/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streams with the guest's own zalloc/zfree, run on host zlib.
 *
 * Host zlib keeps such a stream's state in host memory, as for any stream:
 * its state holds the indices and pointers host code follows, which the
 * guest must not be able to rewrite. But the guest's allocator sees what
 * zlib promises it: each time host zlib allocates a block, the guest's
 * zalloc is asked for one of the same items and size, at that moment, and
 * if it gives none zlib gets none (so the call fails where zlib's would,
 * with Z_MEM_ERROR); each block zlib frees goes back through the guest's
 * zfree when zlib frees it. The guest's blocks are held, never written.
 *
 * Host code never calls guest code: a call that may allocate runs on a
 * stack of its own (htl_ga_run), which pauses for each zalloc or zfree and
 * is resumed by the GTL once the guest has run it (PtPause,
 * protocol/passthrough_pause.h). A paused call belongs to its thread: only
 * that thread can resume it.
 */
#ifndef HTL_GUEST_ALLOC_H
#define HTL_GUEST_ALLOC_H

#include <stdbool.h>
#include <zlib.h>

#include "guest_access.h"
#include "passthrough_pause.h"

typedef void (*HtlEntryFn)(void **args, void *ret);

/*
 * Runs the entry fn(args, ret) on a stack that can pause. Returns when it
 * is done (the guest's pause->cookie set to 0) or paused (the request in
 * *pause). If pause is not writable guest memory, the guest cannot be
 * asked: every block is refused, and the call runs to its end.
 */
HTL_HIDDEN void htl_ga_run(HtlEntryFn fn, void **args, void *ret,
                           PtPause *pause);

/*
 * Resumes the calling thread's paused call named by pause->cookie, with
 * the guest's answer in pause->ptr; returns as htl_ga_run() does. False,
 * with nothing run, if there is no such call.
 */
HTL_HIDDEN bool htl_ga_resume(PtPause *pause);

/* Whether the running call can ask the guest (it runs on htl_ga_run()). */
HTL_HIDDEN bool htl_ga_active(void);

/*
 * The allocator host zlib gets for such a stream; opaque is its HtlStream
 * record, which counts the blocks it holds. Outside htl_ga_run() blocks
 * are host memory only, and the guest is not asked.
 */
HTL_HIDDEN voidpf htl_ga_alloc(voidpf opaque, uInt items, uInt size);
HTL_HIDDEN void htl_ga_free(voidpf opaque, voidpf block);

#endif
