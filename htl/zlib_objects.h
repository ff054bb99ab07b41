/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zlib objects the host keeps for the guest: streams and gzFiles. A
 * guest can only name one it was given and that is still open; anything
 * else (forged, ended, used by two threads at once) is refused, so host
 * zlib never follows a pointer the guest made up.
 *
 * Streams: the host's zlib works on a z_stream of its own (HtlStream),
 * which the guest's z_stream mirrors. Its `state` holds a handle (index and
 * generation, never a host address); zalloc/zfree are the host's defaults,
 * or the guest's own, mirrored as guest_alloc.h says. Each call copies the guest's
 * buffer fields in, checked, and the results back out: host zlib never
 * reads the guest's z_stream, and never calls a function pointer from it.
 *
 * gzFiles: the guest holds the host's gz_state pointer itself (zlib.h's
 * gzgetc() macro reads its first fields in place), checked against the set
 * of files open here.
 */
#ifndef HTL_ZLIB_OBJECTS_H
#define HTL_ZLIB_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "guest_access.h"

/* Host buffers for a header inflate fills, at most this much each. */
#define HTL_HEADER_FIELD_MAX 65536

typedef struct HtlStream {
    z_stream strm;           /* host zlib's: its state points back here */
    z_streamp guest;         /* the guest z_stream it belongs to */
    uint64_t word;           /* generation << 1 | in use by a call */
    uint32_t index;
    uint32_t next_free;
    /* A stream with the guest's allocator (guest_alloc.h): the blocks
     * host zlib holds for it. */
    uint32_t blocks;
    /* deflateSetHeader(): the guest's header, read at the next deflate(). */
    gz_headerp set_head;
    /* inflateGetHeader(): zlib fills `head` (host buffers); each inflate()
     * copies it to the guest's until the header is done. */
    gz_headerp get_head;
    gz_header given;         /* the guest's header as it was handed over */
    gz_header head;
    Bytef *head_bufs;        /* extra, name, comment, for both cases */
} HtlStream;

/* A new stream record, in use, for the guest's z_stream; NULL if full. */
HTL_HIDDEN HtlStream *htl_stream_new(z_streamp guest);
/* Frees a record made by htl_stream_new() or ended. */
HTL_HIDDEN void htl_stream_free(HtlStream *s);
/*
 * The handle the guest's `state` gets: its top bit set, which no guest
 * address has, so the GTL tells a host stream by its state alone, and the
 * next one if the stream has the guest's allocator (guest_alloc.h).
 */
#define HTL_STREAM_HANDLE_BIT (1ULL << 63)
#define HTL_STREAM_GA_BIT (1ULL << 62)
HTL_HIDDEN void *htl_stream_handle(const HtlStream *s);
/*
 * How many blocks host zlib holds for the guest's stream, if it has the
 * guest's allocator, else 0; read without claiming the stream, so only a
 * hint (guest_alloc.h).
 */
HTL_HIDDEN uint32_t htl_stream_blocks(z_streamp guest);

/*
 * Begins a call on the guest's stream: finds its record by the handle in
 * the guest's copy, claims it, takes in the guest's buffer fields. NULL,
 * refused, if any of that fails.
 */
HTL_HIDDEN HtlStream *htl_stream_enter(z_streamp guest);
/*
 * Whether the buffers taken in are usable: next_in readable for avail_in,
 * next_out writable for avail_out. Only for the calls that use them: the
 * others leave them alone, whatever they hold (inflateBack's users never
 * set them).
 */
HTL_HIDDEN bool htl_stream_buffers(const HtlStream *s);
/*
 * Ends the call: the results go back to the guest's z_stream; a stream
 * zlib has ended (state NULL) is freed and the guest's state cleared.
 */
HTL_HIDDEN void htl_stream_leave(HtlStream *s);
/* Ends a call on a record just made (new, or a copy's). */
HTL_HIDDEN void htl_stream_release(HtlStream *s);
/* Copies what zlib has so far put in the inflate header to the guest. */
HTL_HIDDEN void htl_stream_header_out(HtlStream *s);
/* deflate(): the header set by deflateSetHeader(), read in now. */
HTL_HIDDEN bool htl_stream_header_in(HtlStream *s);

/* A file gzdopen() returned; false if the table is full. */
HTL_HIDDEN bool htl_gz_add(gzFile file);
/* Claims an open file for one call; false if not one (or in use). */
HTL_HIDDEN bool htl_gz_enter(gzFile file);
HTL_HIDDEN void htl_gz_leave(gzFile file);
/* Forgets a claimed file (gzclose*). */
HTL_HIDDEN void htl_gz_remove(gzFile file);

/*
 * The write buffer size of an open gzFile (what gzprintf can take), read
 * from zlib's internal state; 0 if the host's zlib is not the version this
 * was built against (gz_state.c).
 */
HTL_HIDDEN unsigned htl_gz_write_size(gzFile file);

#endif
