/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Objects with the guest's own allocator (a z_stream's zalloc/zfree, an
 * lzma_allocator, ...), run on the host.
 *
 * The host library keeps such an object's state in host memory, as for
 * any object: its state holds the indices and pointers host code follows,
 * which the guest must not be able to rewrite. But the guest's allocator
 * sees what the library promises it: each time the host library allocates
 * a block, the guest's allocator is asked for one of the same items and
 * size, at that moment, and if it gives none the library gets none (so the
 * call fails where the guest's library would); each block the library
 * frees goes back to the guest's allocator when it frees it. The guest's
 * blocks are held, never written.
 *
 * Host code never calls guest code: a call that may allocate runs on a
 * stack of its own (htl_ga_run), which pauses for each allocation or free
 * and is resumed by the GTL once the guest has run it (PtPause,
 * protocol/passthrough_pause.h). A paused call belongs to its thread: only
 * that thread can resume it.
 */
#ifndef HTL_GUEST_ALLOC_H
#define HTL_GUEST_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_access.h"
#include "objects.h"
#include "passthrough_pause.h"

typedef void (*HtlEntryFn)(void **args, void *ret);
/* Whether a call, given its guest args array, may allocate at all. */
typedef bool (*HtlGaPred)(void **args);

/*
 * Runs the entry fn(args, ret) on a stack that can pause. Returns when it
 * is done (the guest's pause->cookie set to 0) or paused (the request in
 * *pause). If pause is not writable guest memory, the guest cannot be
 * asked: every block is refused, and the call runs to its end.
 */
HTL_HIDDEN void htl_ga_run(HtlEntryFn fn, void **args, void *ret,
                           PtPause *pause);

/*
 * A NAME_ga_HTL entry: NAME_HTL's arguments and one more, the guest's
 * PtPause; fn runs on htl_ga_run() if pred(args) says the call may
 * allocate, else as it is.
 */
HTL_HIDDEN void htl_ga_entry(HtlEntryFn fn, void **args, void *ret,
                             int arity, HtlGaPred pred);
/* Every call of the entry may allocate. */
HTL_HIDDEN bool htl_ga_always(void **args);

/*
 * Resumes the calling thread's paused call named by pause->cookie, with
 * the guest's answer in pause->ptr; returns as htl_ga_run() does. False,
 * with nothing run, if there is no such call.
 */
HTL_HIDDEN bool htl_ga_resume(PtPause *pause);

/* Whether the running call can ask the guest (it runs on htl_ga_run()). */
HTL_HIDDEN bool htl_ga_active(void);

/*
 * A block of items * size bytes for the host library's object o, which
 * counts the blocks it holds; NULL if the guest's allocator gave none (or
 * the size overflows). Outside htl_ga_run() blocks are host memory only,
 * and the guest is not asked. A library's allocator callbacks call these.
 */
HTL_HIDDEN void *htl_ga_alloc(HtlObject *o, uint64_t items, uint64_t size);
HTL_HIDDEN void htl_ga_free(HtlObject *o, void *block);

/*
 * A paused call's callback into the program (PT_PAUSE_CALL), for a host
 * library's callback the program registered: htl_ga_scratch() asks the
 * GTL for a guest buffer of size bytes (0: none), for the callback's
 * arguments; htl_ga_call() has the guest run what the description at
 * guest address arg says and gives its result (false if the call cannot
 * ask the guest: it does not run on htl_ga_run()). Both answers are the
 * guest's, to check as such.
 */
HTL_HIDDEN uint64_t htl_ga_scratch(uint64_t size);
HTL_HIDDEN bool htl_ga_call(uint64_t arg, uint64_t *result);

/*
 * For an object with ga_track (its library's own threads allocate and
 * free too: libzstd's workers). A block such a thread takes is asked of
 * the guest's service (PtServe, protocol/passthrough_pause.h) if the GTL
 * runs one and the object has a ga_guest name; the thread waits for the
 * answer a while, then takes a host block alone. A block a thread frees
 * where the guest cannot be asked is owed to the guest; htl_ga_settle(), in a paused call
 * of the object, hands owed blocks back (outside one, it forgets them).
 * htl_ga_give_back() hands back every guest block the object holds, now:
 * the guest frees an object the host must keep a while longer (a
 * dictionary a context still references), and its allocator sees the
 * blocks go then, as with the guest's own library; the host's stay until
 * the object goes.
 */
HTL_HIDDEN void htl_ga_settle(HtlObject *o);
HTL_HIDDEN void htl_ga_give_back(HtlObject *o);

/*
 * ga_serve_HTL(PtServe **at) -> int: the service's call: answers the
 * request it took last (at's ticket) and takes the next. 1: one is in
 * *at; 0: none (sleep on its word); -1: refused (another PtServe serves,
 * or at is not the guest's to write). An HTL whose library has threads
 * of its own exports it: HTL_GA_SERVE_ENTRY.
 */
HTL_HIDDEN void htl_ga_serve(void **args, void *ret);
#define HTL_GA_SERVE_ENTRY                                          \
    HTL_EXPORT void PT_GA_SERVE_SYMBOL(void **args, void *ret);     \
    void PT_GA_SERVE_SYMBOL(void **args, void *ret)                 \
    {                                                               \
        htl_ga_serve(args, ret);                                    \
    }

#endif
