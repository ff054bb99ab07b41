/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Objects the host keeps for the guest (a library's streams, contexts):
 * tables of records that the guest names by handle, never by host address.
 * A handle is an index, its table's tag and a generation, with
 * PT_HANDLE_BIT set, and PT_HANDLE_GA_BIT if the object has the guest's
 * own allocator (protocol/passthrough_entries.h, guest_alloc.h). A guest
 * can only name a record it was given and that is still open, in the
 * table that gave it; anything else (forged, ended, another kind's, in a
 * call on another thread) is refused, so host code never follows a
 * pointer the guest made up, nor acts on an object the call did not name.
 *
 * Records live in chunks that are never freed while the library is
 * loaded, so a stale or forged handle always reads a record, never freed
 * memory. Each record starts with an HtlObject; the library's own fields
 * follow it (the table's record size says how many).
 */
#ifndef HTL_OBJECTS_H
#define HTL_OBJECTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_access.h"
#include "passthrough_entries.h"

#define HTL_CHUNK_BITS 8
#define HTL_MAX_CHUNKS 4096

typedef struct HtlObject {
    uint64_t word;           /* generation << 1 | in use by a call */
    uint32_t index;
    uint32_t next_free;
    void *guest;             /* the guest's object it belongs to, if any */
    /* With the guest's allocator (guest_alloc.h): the blocks the host
     * library holds for it; with ga_track, the list of those that stand
     * for a guest block, and the guest blocks owed back (freed where the
     * guest could not be asked). */
    uint32_t blocks;
    bool ga;
    bool ga_track;
    uint8_t tag;             /* its table's */
    void *ga_held;
    void *ga_owed;
    /* With ga_track: what the GTL names the object by, for the blocks its
     * library's own threads ask of the guest's service (0: none; they are
     * the host's alone). */
    uint64_t ga_guest;
} HtlObject;

typedef struct HtlTable {
    size_t size;             /* a record's size, HtlObject first */
    HtlObject *chunks[HTL_MAX_CHUNKS];
    uint32_t n_records;
    uint32_t free_head;
    uint32_t tag;            /* in its handles: 1..255, set at first use */
    pthread_mutex_t lock;
    struct HtlTable *next;   /* tables in use, freed at unload */
} HtlTable;

#define HTL_TABLE_INIT(record_type)                                   \
    {                                                                 \
        .size = sizeof(record_type), .free_head = UINT32_MAX,         \
        .lock = PTHREAD_MUTEX_INITIALIZER,                            \
    }

/*
 * A new record, its fields past the HtlObject zeroed, in use (claimed) for
 * the caller, who publishes its handle and releases it; NULL if full.
 */
HTL_HIDDEN HtlObject *htl_object_new(HtlTable *t, void *guest);
/* Frees a record made by htl_object_new() (claimed). */
HTL_HIDDEN void htl_object_free(HtlTable *t, HtlObject *o);
/* The handle that names the record. */
HTL_HIDDEN uint64_t htl_object_handle(const HtlObject *o);
/*
 * Claims the record a handle names for one call; NULL, refused, if it was
 * never issued, is ended, or is in a call on another thread.
 */
HTL_HIDDEN HtlObject *htl_object_claim(HtlTable *t, uint64_t handle);
/*
 * The same for an object threads may share (a dictionary): while another
 * thread has it claimed (briefly), wait for it rather than refuse. NULL
 * if forged or ended, or if it stays claimed.
 */
HTL_HIDDEN HtlObject *htl_object_claim_shared(HtlTable *t, uint64_t handle);
/* Ends a call on a claimed record. */
HTL_HIDDEN void htl_object_release(HtlObject *o);
/* The record a handle names, not claimed: only for hints. NULL if none. */
HTL_HIDDEN HtlObject *htl_object_peek(HtlTable *t, uint64_t handle);

#endif
