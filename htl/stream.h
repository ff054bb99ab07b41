/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streams the host mirrors: a library's stream struct that the guest owns
 * and passes to every call (z_stream, lzma_stream, bz_stream). Guest and
 * host have the same layout (64-bit little-endian, LP64), so a field is an
 * offset and a size on both.
 *
 * The host library works on a stream struct of its own, in the object's
 * record (objects.h); the guest's holds the record's handle in the field
 * where the library keeps its state pointer. Each call copies the guest's
 * buffer fields in, checked, and the results back out: host code never
 * reads the guest's struct during a call, and never calls a function
 * pointer from it. A stream whose state pointer the host library has
 * cleared (its end) is freed, and the guest's handle cleared with it.
 */
#ifndef HTL_STREAM_H
#define HTL_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "objects.h"
#include "thunk.h"

typedef struct HtlField {
    uint16_t offset;
    uint16_t size;
} HtlField;

#define HTL_FIELD(type, member) \
    { offsetof(type, member), sizeof(((type *)0)->member) }

typedef struct HtlStreamType {
    HtlTable *table;
    size_t size;             /* the stream struct's size */
    size_t host;             /* its offset in the record */
    HtlField state;          /* the library's state pointer: the handle */
    /* The buffers a coding call uses: next_in readable for avail_in bytes,
     * next_out writable for avail_out. */
    HtlField next_in, avail_in, next_out, avail_out;
    const HtlField *in;      /* copied in at each call */
    int n_in;
    const HtlField *out;     /* copied out after it */
    int n_out;
    const HtlField *made;    /* copied out after a stream is set up */
    int n_made;
    /* Whether setting up a struct that holds a stream of the host's
     * reuses it (liblzma's do, by design) or makes a new one (zlib's). */
    bool reuse;
    /* Frees what the library's fields of a record hold, before the record
     * is freed; NULL if nothing. */
    void (*drop)(HtlObject *o);
} HtlStreamType;

/*
 * The type of a library's stream_t (whose buffers are next_in, avail_in,
 * next_out, avail_out, as in zlib, liblzma and libbz2), kept in the member
 * `strm` of record_t, its state pointer in member `state`.
 */
#define HTL_STREAM_TYPE(table_, record_t, stream_t, state_, in_, out_,     \
                        made_, reuse_, drop_)                              \
    {                                                                      \
        .table = (table_),                                                 \
        .size = sizeof(stream_t),                                          \
        .host = offsetof(record_t, strm),                                  \
        .state = HTL_FIELD(stream_t, state_),                              \
        .next_in = HTL_FIELD(stream_t, next_in),                           \
        .avail_in = HTL_FIELD(stream_t, avail_in),                         \
        .next_out = HTL_FIELD(stream_t, next_out),                         \
        .avail_out = HTL_FIELD(stream_t, avail_out),                       \
        .in = (in_),                                                       \
        .n_in = PT_ARRAY_SIZE(in_),                                        \
        .out = (out_),                                                     \
        .n_out = PT_ARRAY_SIZE(out_),                                      \
        .made = (made_),                                                   \
        .n_made = PT_ARRAY_SIZE(made_),                                    \
        .reuse = (reuse_),                                                 \
        .drop = (drop_),                                                   \
    }

/* The host's stream struct in a record. */
static inline void *htl_stream_host(const HtlStreamType *t, HtlObject *o)
{
    return (char *)o + t->host;
}

/*
 * The record for a stream the guest sets up, claimed, once the guest's
 * struct is writable; NULL, refused, if not (or the table is full). With
 * `reuse`, a struct that already holds a stream of the host's gets that
 * record again.
 */
HTL_HIDDEN HtlObject *htl_stream_new(const HtlStreamType *t, void *guest);
/*
 * After the host library set the stream up: if ok (and the library kept
 * its state), the guest's state field gets the handle and the `made`
 * fields what the library set, and the record is released. A reused
 * record whose set-up failed but whose state the library kept (it failed
 * before touching the stream) is released as it was. Else the record is
 * freed, and a handle of it the guest held cleared.
 */
HTL_HIDDEN void htl_stream_publish(const HtlStreamType *t, HtlObject *o,
                                   bool ok);
/*
 * Begins a call on the guest's stream: finds its record by the handle in
 * the guest's struct, claims it, takes in the `in` fields. NULL, refused,
 * if any of that fails (a copy of the struct is not the stream).
 */
HTL_HIDDEN HtlObject *htl_stream_enter(const HtlStreamType *t, void *guest);
/*
 * Whether the buffers taken in are usable. Only for the calls that use
 * them: the others leave them alone, whatever they hold.
 */
HTL_HIDDEN bool htl_stream_buffers(const HtlStreamType *t, HtlObject *o);
/*
 * Ends the call: the `out` fields go back to the guest; a stream the
 * library has ended (its state pointer NULL) is freed, the guest's state
 * field cleared.
 */
HTL_HIDDEN void htl_stream_leave(const HtlStreamType *t, HtlObject *o);
/* Frees a claimed record that was never published, or is done. */
HTL_HIDDEN void htl_stream_free(const HtlStreamType *t, HtlObject *o);
/* A stream's handle as the guest holds it; 0 if its struct is unreadable. */
HTL_HIDDEN uint64_t htl_stream_guest_handle(const HtlStreamType *t,
                                            const void *guest);

#endif
