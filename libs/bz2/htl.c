/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbz2_HTL.so: the host side of libbz2 passthrough. Its entries are
 * generated from spec.h by htl/entry.h's skeleton; what is libbz2's is
 * here: the bzcomp and bzdecomp groups, a bz_stream mirrored as
 * htl/stream.h does it, one table per direction.
 */
#include <bzlib.h>
#include <stddef.h>
#include <stdio.h>

#include "entry.h"
#include "guest_access.h"
#include "guest_alloc.h"
#include "spec.h"
#include "stream.h"

/* A stream's record: host libbz2's bz_stream (its state points back at
 * it: libbz2 refuses a stream struct that is not the one set up). */
typedef struct BzStream {
    HtlObject obj;
    bz_stream strm;
} BzStream;

static HtlTable bzcomp_table = HTL_TABLE_INIT(BzStream);
static HtlTable bzdecomp_table = HTL_TABLE_INIT(BzStream);

#define BZ(member) HTL_FIELD(bz_stream, member)

/* The buffers and counters: in at each call, out after it. */
static const HtlField bz_io[] = {
    BZ(next_in), BZ(avail_in), BZ(total_in_lo32), BZ(total_in_hi32),
    BZ(next_out), BZ(avail_out), BZ(total_out_lo32), BZ(total_out_hi32),
};
/* What a set-up resets. */
static const HtlField bz_made[] = {
    BZ(total_in_lo32), BZ(total_in_hi32), BZ(total_out_lo32),
    BZ(total_out_hi32),
};

/* libbz2 sets up a new state whatever the struct held: so does the host. */
static const HtlStreamType bzcomp_type =
    HTL_STREAM_TYPE(&bzcomp_table, BzStream, bz_stream, state, bz_io, bz_io,
                    bz_made, false, NULL);
static const HtlStreamType bzdecomp_type =
    HTL_STREAM_TYPE(&bzdecomp_table, BzStream, bz_stream, state, bz_io,
                    bz_io, bz_made, false, NULL);

static void *bz_alloc(void *opaque, int items, int size)
{
    if (items < 0 || size < 0) {
        return NULL;
    }
    return htl_ga_alloc(opaque, (uint64_t)items, (uint64_t)size);
}

static void bz_free(void *opaque, void *ptr)
{
    htl_ga_free(opaque, ptr);
}

/* NEW: the record for the guest's bz_stream; libbz2's own allocator,
 * unless the call runs where the guest's can be asked (NAME_ga_HTL). */
static bool bz_new(const HtlStreamType *t, void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_new(t, *(bz_stream **)lv[pos]);
    BzStream *s = (BzStream *)r;

    if (!r) {
        return false;
    }
    r->ga = htl_ga_active();
    s->strm.bzalloc = r->ga ? bz_alloc : NULL;
    s->strm.bzfree = r->ga ? bz_free : NULL;
    s->strm.opaque = r;
    o[0] = r;
    *(bz_stream **)lv[pos] = &s->strm;
    return true;
}

static bool bz_enter(const HtlStreamType *t, void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_enter(t, *(bz_stream **)lv[pos]);

    if (!r) {
        return false;
    }
    o[0] = r;
    *(bz_stream **)lv[pos] = &((BzStream *)r)->strm;
    return true;
}

/* The hooks htl/entry.h asks of each group, on its stream type. */
#define BZ_GROUP(group)                                                    \
    static bool group##_new(void **o, void **lv, int pos)                  \
    {                                                                      \
        return bz_new(&group##_type, o, lv, pos);                          \
    }                                                                      \
    static void group##_new_done(void **o, void **lv, void *r)             \
    {                                                                      \
        (void)lv;                                                          \
        htl_stream_publish(&group##_type, o[0], *(int *)r == BZ_OK);       \
        o[0] = NULL;                                                       \
    }                                                                      \
    static bool group##_enter(void **o, void **lv, int pos)                \
    {                                                                      \
        return bz_enter(&group##_type, o, lv, pos);                        \
    }                                                                      \
    static void group##_leave(void **o)                                    \
    {                                                                      \
        if (o[0]) {                                                        \
            htl_stream_leave(&group##_type, o[0]);                         \
        }                                                                  \
    }
BZ_GROUP(bzcomp)
BZ_GROUP(bzdecomp)

/* BZ2_bzCompress and BZ2_bzDecompress: next_in/avail_in and
 * next_out/avail_out. The record's type does not matter to the check. */
static bool bz_buffers(void **o, void **lv)
{
    (void)lv;
    return htl_stream_buffers(&bzcomp_type, o[0]);
}

BZ2_FUNCTIONS(HTL_ENTRY)
BZ2_FUNCTIONS(HTL_GA_ENTRY)
