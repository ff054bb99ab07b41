/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A host call that pauses to have the guest run something for it, between
 * a GTL and an HTL (the plugin only carries the calls). Host code never
 * calls guest code: the HTL runs such a call on a stack of its own, and
 * when the call needs the guest (zlib asking a stream's zalloc, say) it
 * parks that stack and the entry returns with the request in the guest's
 * PtPause. The GTL does what is asked, in the guest, and resumes the call
 * through the HTL's resume entry; the call goes on from where it stopped
 * and may pause again. Guest code run meanwhile may make host calls of its
 * own, which may pause too. The same way, a host library calling back
 * into the program (a callback the program registered) has the guest run
 * the callback, on arguments copied to guest memory, and copies its
 * results back: the host checks them as anything else from the guest.
 *
 * The GTL presets cookie to 0. After the entry (or a resume) returns,
 * cookie 0 means the call is done and its return value is in its return
 * slot; anything else names the paused call, which waits for `what`.
 * Guest and host code include this: fixed-width types only.
 */
#ifndef PASSTHROUGH_PAUSE_H
#define PASSTHROUGH_PAUSE_H

#include <stdint.h>

typedef enum PtPauseWhat {
    /* Allocate items * size bytes with the stream's allocator; the GTL
     * answers with the block's address in ptr, 0 if the allocator gave
     * none. */
    PT_PAUSE_ALLOC = 1,
    /* Free the block at ptr with the stream's allocator. */
    PT_PAUSE_FREE = 2,
    /* A guest buffer of `size` bytes, the GTL's own, for the host to write
     * a PT_PAUSE_CALL's arguments into; kept until the call that paused
     * ends. The GTL answers with its address in ptr, 0 if it has none. */
    PT_PAUSE_SCRATCH = 3,
    /* Run the program's callback (libzstd's sequence producer, say) that
     * the library's GTL finds described at ptr, in a layout the library's
     * spec gives; the GTL answers with its result in ptr. */
    PT_PAUSE_CALL = 4,
} PtPauseWhat;

typedef struct PtPause {
    uint64_t cookie;   /* HTL: the paused call; 0: done */
    uint32_t what;     /* HTL: a PtPauseWhat */
    uint32_t reserved;
    uint64_t items;    /* HTL: PT_PAUSE_ALLOC's items and size */
    uint64_t size;     /* (and PT_PAUSE_SCRATCH's) */
    uint64_t ptr;      /* HTL: PT_PAUSE_FREE's block, PT_PAUSE_CALL's
                        * description; GTL: the answer */
} PtPause;

/*
 * A library's own threads (libzstd's workers) have no guest thread under
 * them to pause: the blocks they take are asked of the guest's allocator
 * through a service, a guest thread the GTL starts. It takes requests
 * through the HTL's serve entry (PT_GA_SERVE_ENTRY, one PtServe per
 * process), answering the one it took last in the same call, and sleeps
 * on `word` (a private futex) while there are none; the HTL bumps `word`
 * and wakes it as a request comes. A request not answered in time is
 * given up: its block stays the host's, and a block the guest gives for it
 * later comes straight back as a PT_PAUSE_FREE.
 */
typedef struct PtServe {
    uint32_t word;     /* HTL: bumped, and woken, at each request */
    uint32_t what;     /* HTL: PT_PAUSE_ALLOC or PT_PAUSE_FREE; 0: none */
    uint64_t object;   /* HTL: whose allocator, as the GTL names it */
    uint64_t items;    /* HTL: PT_PAUSE_ALLOC's items and size */
    uint64_t size;
    uint64_t ptr;      /* HTL: PT_PAUSE_FREE's block; GTL: the answer */
    uint64_t ticket;   /* HTL: the request; GTL: the one answered, 0: none */
} PtServe;

#endif /* PASSTHROUGH_PAUSE_H */
