/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz_HTL.so: the host side of zlib passthrough. Its entries are
 * generated from spec.h by htl/entry.h's skeleton; what is
 * zlib's is here: the zstream and gzfile groups' enter/leave, the hooks
 * the spec names, and gzprintf_n. Streams and gzFiles are kept as
 * htl_objects.h says, streams with the guest's allocator also through
 * guest_alloc.h.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "entry.h"
#include "guest_access.h"
#include "guest_alloc.h"
#include "htl_objects.h"
#include "spec.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* zlib's allocator callbacks for a stream with the guest's: opaque is its
 * record. */
static voidpf zstream_alloc(voidpf opaque, uInt items, uInt size)
{
    return htl_ga_alloc(opaque, items, size);
}

static void zstream_free(voidpf opaque, voidpf block)
{
    htl_ga_free(opaque, block);
}

static ZStream *zs(void *o)
{
    return o;
}

/*
 * NEW: a new record for the guest's z_stream (a0); zlib's own allocator,
 * unless the call runs where the guest's can be asked (NAME_ga_HTL).
 */
static bool zstream_new(void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_new(&zstream_type, *(z_streamp *)lv[pos]);
    ZStream *s = zs(r);

    if (!r) {
        return false;
    }
    if (htl_ga_active()) {
        r->ga = true;
        s->strm.zalloc = zstream_alloc;
        s->strm.zfree = zstream_free;
        s->strm.opaque = r;
    }
    o[0] = r;
    *(z_streamp *)lv[pos] = &s->strm;
    return true;
}

/*
 * After a host init: the guest's z_stream gets the handle and what zlib
 * set (stream.h), its message, and the host's allocator unless it keeps
 * the guest's.
 */
static void zstream_new_done(void **o, void **lv, void *r)
{
    ZStream *s = zs(o[0]);
    z_streamp guest = s->obj.guest;
    bool ok = *(int *)r == Z_OK;

    (void)lv;
    guest->msg = s->strm.msg;
    if (ok && !s->obj.ga) {
        guest->zalloc = s->strm.zalloc;
        guest->zfree = s->strm.zfree;
        guest->opaque = s->strm.opaque;
    }
    htl_stream_publish(&zstream_type, o[0], ok);
    o[0] = NULL;
}

/* ON: the host's record of the guest's stream. */
static bool zstream_enter(void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_enter(&zstream_type, *(z_streamp *)lv[pos]);

    if (!r) {
        return false;
    }
    o[0] = r;
    *(z_streamp *)lv[pos] = &zs(r)->strm;
    return true;
}

static void zstream_leave(void **o)
{
    for (int i = 0; i < 2; i++) {
        if (o[i]) {
            htl_stream_leave(&zstream_type, o[i]);
        }
    }
}

/* The calls that use next_in/avail_in and next_out/avail_out. */
static bool zstream_buffers(void **o, void **lv)
{
    (void)lv;
    return htl_stream_buffers(&zstream_type, o[0]);
}

/*
 * Headers. The one a deflate stream writes is read in at its next
 * deflate(), the one an inflate stream fills is copied out after each
 * inflate() until it is done: zlib only ever sees host copies.
 */
static bool zstream_deflate_before(void **o, void **lv)
{
    ZStream *s = zs(o[0]);

    return zstream_buffers(o, lv) && (!s->set_head || zstream_header_in(s));
}

static void zstream_head_out(void **o, void **lv, void *r)
{
    (void)lv;
    (void)r;
    zstream_header_out(zs(o[0]));
}

static bool zstream_set_head(void **o, void **lv)
{
    ZStream *s = zs(o[0]);
    gz_headerp *head = lv[1];

    s->set_head = *head;
    if (*head) {
        if (!htl_readable(*head, sizeof(gz_header))) {
            s->set_head = NULL;
            return false;
        }
        *head = &s->head;
    }
    return true;
}

static bool zstream_get_head(void **o, void **lv)
{
    ZStream *s = zs(o[0]);
    gz_headerp *head = lv[1];
    gz_header *h = &s->head, *given = &s->given;
    uInt extra_max, name_max, comm_max;

    s->get_head = NULL;
    if (!*head) {
        return true;
    }
    if (!htl_writable(*head, sizeof(gz_header))) {
        return false;
    }
    memcpy(given, *head, sizeof(*given));
    extra_max = given->extra ? MIN(given->extra_max, HTL_HEADER_FIELD_MAX) : 0;
    name_max = given->name ? MIN(given->name_max, HTL_HEADER_FIELD_MAX) : 0;
    comm_max = given->comment ? MIN(given->comm_max, HTL_HEADER_FIELD_MAX) : 0;
    free(s->head_bufs);
    s->head_bufs = calloc(1, (size_t)extra_max + name_max + comm_max + 1);
    if (!s->head_bufs) {
        return false;
    }
    memset(h, 0, sizeof(*h));
    h->extra = given->extra ? s->head_bufs : NULL;
    h->extra_max = extra_max;
    h->name = given->name ? s->head_bufs + extra_max : NULL;
    h->name_max = name_max;
    h->comment = given->comment ? s->head_bufs + extra_max + name_max : NULL;
    h->comm_max = comm_max;
    s->get_head = *head;
    *head = h;
    return true;
}

static void zstream_head_failed(void **o, void **lv, void *r)
{
    ZStream *s = zs(o[0]);

    (void)lv;
    if (*(int *)r != Z_OK) {
        s->set_head = s->get_head = NULL;
    }
}

/* zlib forgets the header at a reset too. */
static void zstream_reset_done(void **o, void **lv, void *r)
{
    (void)lv;
    if (*(int *)r == Z_OK) {
        zs(o[0])->get_head = NULL;
    }
}

/*
 * deflateGetDictionary, inflateGetDictionary: how much zlib writes is only
 * known afterwards (at most a 32 KiB window): it writes to a host buffer,
 * copied out if the guest's has room at the address given.
 */
#define WINDOW_MAX 32768

typedef struct DictCall {
    Bytef window[WINDOW_MAX];
    Bytef *guest;
    uInt len, len_in;
} DictCall;

static __thread DictCall dict_call;

static bool zstream_dict_before(void **o, void **lv)
{
    Bytef **dict = lv[1];
    uInt **len = lv[2];

    (void)o;
    dict_call.guest = *dict;
    if (*dict) {
        *dict = dict_call.window;
    }
    if (!*len) {
        *len = &dict_call.len;   /* the guest's NULL: the copy needs it */
    }
    dict_call.len_in = **len;
    return true;
}

static void zstream_dict_after(void **o, void **lv, void *r)
{
    uInt *len = *(uInt **)lv[2];

    (void)o;
    if (*(int *)r == Z_OK && dict_call.guest &&
        !htl_store(dict_call.guest, dict_call.window, *len)) {
        htl_refused();
        *(int *)r = Z_STREAM_ERROR;
        *len = dict_call.len_in;
    }
}

/* inflate() and inflateSetDictionary() allocate only a stream's window
 * (its second block): once it has one, they cannot allocate. */
static bool zstream_no_window(void **args)
{
    void *slot;
    z_streamp strm;
    HtlObject *r;

    if (!htl_load(&slot, args, sizeof(slot)) ||
        !htl_load(&strm, slot, sizeof(strm))) {
        return true;
    }
    r = htl_object_peek(zstream_type.table,
                        htl_stream_guest_handle(&zstream_type, strm));
    return !r || __atomic_load_n(&r->blocks, __ATOMIC_RELAXED) <= 1;
}

/* COPY: (dest a0, source a1), source a stream of the host's. */
static bool zstream_copy_enter(void **o, void **lv)
{
    HtlObject *d;

    if (!zstream_enter(o + 1, lv + 1, 0)) {
        return false;
    }
    d = htl_stream_new(&zstream_type, *(z_streamp *)lv[0]);
    if (!d) {
        return false;
    }
    /* What the source holds now: the rest is the copy's (copy_done). */
    d->blocks = ((HtlObject *)o[1])->blocks;
    o[0] = d;
    *(z_streamp *)lv[0] = &zs(d)->strm;
    return true;
}

/* A header's host copy, moved to another record with its buffers. */
static bool copy_head(ZStream *d, const ZStream *src)
{
    const gz_header *h = &src->head;
    size_t len = malloc_usable_size(src->head_bufs);

    d->head = *h;
    d->given = src->given;
    d->set_head = src->set_head;
    d->get_head = src->get_head;
    if (!src->head_bufs) {
        return true;
    }
    d->head_bufs = malloc(len);
    if (!d->head_bufs) {
        return false;
    }
    memcpy(d->head_bufs, src->head_bufs, len);
#define REBASE(p) \
    ((p) ? d->head_bufs + ((const Bytef *)(p) - src->head_bufs) : NULL)
    d->head.extra = REBASE(h->extra);
    d->head.name = REBASE(h->name);
    d->head.comment = REBASE(h->comment);
#undef REBASE
    return true;
}

/*
 * After a host copy: the guest's dest becomes a copy of its source, as
 * zlib's copy does, with its own handle. zlib copied the source's header
 * address too: the copy gets a header of its own.
 */
static void copy_done(void **o, int *r, bool inflating)
{
    ZStream *d = zs(o[0]), *src = zs(o[1]);
    z_streamp dest = d->obj.guest;
    uint32_t src_blocks = d->obj.blocks;

    o[0] = NULL;
    /* zlib allocated the copy's blocks with the source's z_stream, which
     * names the source's record: they are the copy's. */
    d->obj.blocks = 0;
    if (src->obj.ga) {
        d->obj.ga = true;
        d->obj.blocks = src->obj.blocks - src_blocks;
        src->obj.blocks = src_blocks;
        d->strm.opaque = &d->obj;
    }
    if (*r == Z_OK && (src->head_bufs || src->set_head || src->get_head)) {
        if (!copy_head(d, src)) {
            (inflating ? inflateEnd : deflateEnd)(&d->strm);
            *r = Z_MEM_ERROR;
        } else if (inflating && d->get_head) {
            inflateGetHeader(&d->strm, &d->head);
        } else if (!inflating) {
            deflateSetHeader(&d->strm, &d->head);
        }
    }
    if (*r != Z_OK) {
        /* zlib's deflateCopy copies the z_stream before it allocates:
         * dest is left the source's, with the source's state if the first
         * block was refused, else none. */
        if (*r == Z_MEM_ERROR && !inflating) {
            z_streamp g = src->obj.guest;
            void *state = d->strm.state == src->strm.state ? g->state : NULL;

            memcpy(dest, g, sizeof(*dest));
            dest->state = state;
        }
        htl_stream_free(&zstream_type, &d->obj);
        return;
    }
    memcpy(dest, src->obj.guest, sizeof(*dest));
    dest->state = (void *)(uintptr_t)htl_object_handle(&d->obj);
    htl_object_release(&d->obj);
}

static void zstream_deflate_copied(void **o, void **lv, void *r)
{
    (void)lv;
    copy_done(o, r, false);
}

static void zstream_inflate_copied(void **o, void **lv, void *r)
{
    (void)lv;
    copy_done(o, r, true);
}

/* gzfile: the file (o[0]) is claimed for the call. */
static bool gzfile_enter(void **o, void **lv, int pos)
{
    gzFile file = *(gzFile *)lv[pos];

    if (!htl_gz_enter(file)) {
        return false;
    }
    o[0] = file;
    return true;
}

static void gzfile_leave(void **o)
{
    if (o[0]) {
        htl_gz_leave(o[0]);
    }
}

/* gzdopen: the new file is the result (pos has no use). */
static bool gzfile_new(void **o, void **lv, int pos)
{
    (void)o;
    (void)lv;
    (void)pos;
    return true;
}

/* Past the table's thousands of open files: closed (and its descriptor
 * with it), as if the open had failed. */
static void gzfile_new_done(void **o, void **lv, void *r)
{
    gzFile *file = r;

    (void)o;
    (void)lv;
    if (*file && !htl_gz_add(*file)) {
        gzclose(*file);
        *file = NULL;
        errno = EMFILE;
    }
}

/* gzclose*: out of the set first, as the address may be reused. */
static bool gzfile_forget(void **o, void **lv)
{
    (void)lv;
    htl_gz_remove(o[0]);
    o[0] = NULL;
    return true;
}

/*
 * gzprintf_n(file, text, len): gzprintf's formatting happens in the guest
 * (its va_list means nothing here), which sends the text and its length:
 * %c may have put a NUL in it. The host does what gzprintf does with a
 * formatted text: gzprintf of an empty string runs zlib's own checks
 * (mode, error state, buffer set-up, a pending seek); a text that does not
 * fit the buffer is not written and gives 0; else it is written whole.
 */
static int gzprintf_n(gzFile file, const char *text, int len)
{
    unsigned size;
    int r = gzprintf(file, "%s", "");

    if (r == 0 && len > 0) {
        size = htl_gz_write_size(file);
        if (!size) {
            /* Another zlib than the one built against: as gzprintf with
             * %s, which stops at a NUL. */
            r = gzprintf(file, "%.*s", len, text);
        } else if ((unsigned)len < size) {
            r = gzwrite(file, text, (unsigned)len);
        }
    }
    return r;
}

ZLIB_FUNCTIONS(HTL_ENTRY)
ZLIB_FUNCTIONS(HTL_GA_ENTRY)

/*
 * A stream's buffers (about 260 KiB for deflate) are freed at its end; by
 * default glibc then trims them off the heap and the next stream faults
 * them back in, which made a host compress2 of 16 bytes cost 80 us against
 * 9 us emulated. Keeping up to 64 MiB of freed heap in QEMU's process makes
 * short-lived streams cheap; guest memory is not allocated here.
 */
__attribute__((constructor)) static void htl_tune_heap(void)
{
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}
