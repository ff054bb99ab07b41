/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zlib objects the host keeps for the guest: streams and gzFiles. A
 * guest can only name one it was given and that is still open; anything
 * else (forged, ended, used by two threads at once) is refused, so host
 * zlib never follows a pointer the guest made up.
 *
 * Streams: the host's zlib works on a z_stream of its own (ZStream),
 * which the guest's z_stream mirrors (stream.h): its `state` holds a
 * handle; zalloc/zfree are the host's defaults, or the guest's own,
 * mirrored as guest_alloc.h says.
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
#include "stream.h"

/* Host buffers for a header inflate fills, at most this much each. */
#define HTL_HEADER_FIELD_MAX 65536

/* A stream's record (objects.h): host zlib's z_stream and its header. */
typedef struct ZStream {
    HtlObject obj;
    z_stream strm;           /* host zlib's: its state points back here */
    /* deflateSetHeader(): the guest's header, read at the next deflate(). */
    gz_headerp set_head;
    /* inflateGetHeader(): zlib fills `head` (host buffers); each inflate()
     * copies it to the guest's until the header is done. */
    gz_headerp get_head;
    gz_header given;         /* the guest's header as it was handed over */
    gz_header head;
    Bytef *head_bufs;        /* extra, name, comment, for both cases */
} ZStream;

/* How the guest's z_stream mirrors the host's (stream.h). */
extern HTL_HIDDEN const HtlStreamType zstream_type;

/* Copies what zlib has so far put in the inflate header to the guest. */
HTL_HIDDEN void zstream_header_out(ZStream *s);
/* deflate(): the header set by deflateSetHeader(), read in now. */
HTL_HIDDEN bool zstream_header_in(ZStream *s);

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
 * was built against (htl_gz_state.c).
 */
HTL_HIDDEN unsigned htl_gz_write_size(gzFile file);

#endif
