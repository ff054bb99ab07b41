/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz_HTL.so: the host side of zlib passthrough. One entry per function of
 * the spec, in the upstream proposal's convention: NAME_HTL(void **args,
 * void *ret), args[i] pointing at the i-th argument's value and ret at the
 * return value's slot, all in guest memory.
 *
 * Every entry copies its arguments in through checked loads, checks each
 * pointer the spec's checks column names, and only then calls zlib; a bad
 * pointer or object gets the spec's error value and is counted in the
 * plugin's stats (pointer_refusals). Streams and gzFiles go through
 * zlib_objects.h, streams with the guest's allocator also through
 * guest_alloc.h. Generated from spec/zlib_spec.h; the entries written by
 * hand follow.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "guest_access.h"
#include "guest_alloc.h"
#include "thunk.h"
#include "zlib_objects.h"
#include "zlib_spec.h"

/* zlib.h makes gzgetc a macro over the gzFile fields; the entry calls the
 * function. */
#undef gzgetc

enum {
#define HTL_ID(ret_t, name, ...) HTL_ID_##name,
    ZLIB_ALL_ENTRIES(HTL_ID)
#undef HTL_ID
};

#define PT_STRIP(...) __VA_ARGS__
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Locals a0, a1, ... for the arguments, and their checked loads. */
#define HTL_DECL_0()
#define HTL_DECL_1(t0) t0 a0;
#define HTL_DECL_2(t0, t1) HTL_DECL_1(t0) t1 a1;
#define HTL_DECL_3(t0, t1, t2) HTL_DECL_2(t0, t1) t2 a2;
#define HTL_DECL_4(t0, t1, t2, t3) HTL_DECL_3(t0, t1, t2) t3 a3;
#define HTL_DECL_5(t0, t1, t2, t3, t4) HTL_DECL_4(t0, t1, t2, t3) t4 a4;
#define HTL_DECL_6(t0, t1, t2, t3, t4, t5) \
    HTL_DECL_5(t0, t1, t2, t3, t4) t5 a5;
#define HTL_DECL_7(t0, t1, t2, t3, t4, t5, t6) \
    HTL_DECL_6(t0, t1, t2, t3, t4, t5) t6 a6;
#define HTL_DECL_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    HTL_DECL_7(t0, t1, t2, t3, t4, t5, t6) t7 a7;

#define HTL_LOAD_0()
#define HTL_LOAD_1(t0) && htl_load(&a0, av[0], sizeof(a0))
#define HTL_LOAD_2(t0, t1) HTL_LOAD_1(t0) && htl_load(&a1, av[1], sizeof(a1))
#define HTL_LOAD_3(t0, t1, t2) \
    HTL_LOAD_2(t0, t1) && htl_load(&a2, av[2], sizeof(a2))
#define HTL_LOAD_4(t0, t1, t2, t3) \
    HTL_LOAD_3(t0, t1, t2) && htl_load(&a3, av[3], sizeof(a3))
#define HTL_LOAD_5(t0, t1, t2, t3, t4) \
    HTL_LOAD_4(t0, t1, t2, t3) && htl_load(&a4, av[4], sizeof(a4))
#define HTL_LOAD_6(t0, t1, t2, t3, t4, t5) \
    HTL_LOAD_5(t0, t1, t2, t3, t4) && htl_load(&a5, av[5], sizeof(a5))
#define HTL_LOAD_7(t0, t1, t2, t3, t4, t5, t6) \
    HTL_LOAD_6(t0, t1, t2, t3, t4, t5) && htl_load(&a6, av[6], sizeof(a6))
#define HTL_LOAD_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    HTL_LOAD_7(t0, t1, t2, t3, t4, t5, t6) && htl_load(&a7, av[7], sizeof(a7))

/* The args array itself, then each argument: copied once, checked. */
#define HTL_ARGS(n, types)                                          \
    void *av[n + 1];                                                \
    HTL_DECL_##n types                                              \
    bool loaded = htl_load(av, args, n * sizeof(void *))            \
                  HTL_LOAD_##n types;

/* The result, if the guest's slot for it is writable. */
static inline void put_result(void *ret, const void *r, size_t n)
{
    if (!htl_store(ret, r, n)) {
        htl_refused();
    }
}

/* PLAIN, SIZED, STRING, HANDWRITTEN: no state. */
#define HTL_ENTRY(ret_t, name, n, types, err, checks)               \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        ret_t r = err;                                              \
        if (loaded PT_STRIP checks) {                               \
            r = name(PT_NAMES_##n types);                           \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
#define HTL_ENTRY_SIZED(ret_t, name, n, types, err, size, checks)   \
    HTL_ENTRY(ret_t, name, n, types, err, checks)
ZLIB_PLAIN(HTL_ENTRY)
ZLIB_SIZED(HTL_ENTRY_SIZED)
ZLIB_STRING(HTL_ENTRY)
ZLIB_HANDWRITTEN(HTL_ENTRY)

/*
 * Streams. The header a deflate stream writes is read in at its next
 * deflate(), the one an inflate stream fills is copied out after each
 * inflate() until it is done: zlib only ever sees host copies.
 */
static bool set_head(HtlStream *s, gz_headerp *head)
{
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
#define CK_SET_HEAD(p) && set_head(s, &(p))

static bool get_head(HtlStream *s, gz_headerp *head)
{
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
#define CK_GET_HEAD(p) && get_head(s, &(p))
#define CK_BUFFERS && htl_stream_buffers(s)

static bool stream_before(HtlStream *s, int id)
{
    return id != HTL_ID_deflate || !s->set_head || htl_stream_header_in(s);
}

static void stream_after(HtlStream *s, int id, long r)
{
    switch (id) {
    case HTL_ID_inflate:
        htl_stream_header_out(s);
        break;
    case HTL_ID_deflateSetHeader:
    case HTL_ID_inflateGetHeader:
        if (r != Z_OK) {
            s->set_head = s->get_head = NULL;
        }
        break;
    case HTL_ID_inflateReset:
    case HTL_ID_inflateReset2:
    case HTL_ID_inflateResetKeep:
        if (r == Z_OK) {
            s->get_head = NULL;   /* zlib forgets the header too */
        }
        break;
    }
}

/* STREAM: on the host's record of the guest's stream (a0). */
#define HTL_ENTRY_STREAM(ret_t, name, n, types, err, checks)        \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        HtlStream *s = NULL;                                        \
        ret_t r = err;                                              \
        if (loaded && (s = htl_stream_enter(a0)) != NULL            \
            PT_STRIP checks && stream_before(s, HTL_ID_##name)) {   \
            a0 = &s->strm;                                          \
            r = name(PT_NAMES_##n types);                           \
            stream_after(s, HTL_ID_##name, (long)r);                \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        if (s) {                                                    \
            htl_stream_leave(s);                                    \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
ZLIB_STREAM(HTL_ENTRY_STREAM)

/*
 * Before a host init: zlib's own allocator, unless the call runs where the
 * guest's can be asked (an NAME_ga_HTL entry).
 */
static void init_alloc(HtlStream *s)
{
    if (htl_ga_active()) {
        s->strm.zalloc = htl_ga_alloc;
        s->strm.zfree = htl_ga_free;
        s->strm.opaque = s;
    }
}

/*
 * After a host init: the guest's z_stream gets the handle and what zlib
 * set, the host's allocator too unless it keeps its own; its buffer fields
 * stay as the guest set them.
 */
static void init_done(HtlStream *s, z_streamp guest, bool ok)
{
    guest->msg = s->strm.msg;
    if (!ok) {
        htl_stream_free(s);
        return;
    }
    guest->total_in = s->strm.total_in;
    guest->total_out = s->strm.total_out;
    guest->adler = s->strm.adler;
    guest->data_type = s->strm.data_type;
    if (s->strm.zalloc != htl_ga_alloc) {
        guest->zalloc = s->strm.zalloc;
        guest->zfree = s->strm.zfree;
        guest->opaque = s->strm.opaque;
    }
    guest->state = htl_stream_handle(s);
    s->guest = guest;
    htl_stream_release(s);
}

/* STREAM_INIT: a new record; zlib's own allocator, or the guest's mirrored. */
#define HTL_ENTRY_STREAM_INIT(ret_t, name, n, types, err, checks)   \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        HtlStream *s;                                               \
        z_streamp guest;                                            \
        ret_t r = err;                                              \
        if (loaded && htl_writable(a0, sizeof(z_stream))            \
            PT_STRIP checks && (s = htl_stream_new(a0)) != NULL) {  \
            guest = a0;                                             \
            a0 = &s->strm;                                          \
            init_alloc(s);                                          \
            r = name(PT_NAMES_##n types);                           \
            init_done(s, guest, r == Z_OK);                         \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
ZLIB_STREAM_INIT(HTL_ENTRY_STREAM_INIT)

/* A header's host copy, moved to another record with its buffers. */
static bool copy_head(HtlStream *d, const HtlStream *src)
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
static int copy_done(HtlStream *d, HtlStream *src, z_streamp dest, int r,
                     bool inflating, uint32_t src_blocks)
{
    /* zlib allocated the copy's blocks with the source's z_stream, which
     * names the source's record: they are the copy's. */
    if (src->strm.zalloc == htl_ga_alloc) {
        d->blocks = src->blocks - src_blocks;
        src->blocks = src_blocks;
        d->strm.opaque = d;
    }
    if (r == Z_OK && (src->head_bufs || src->set_head || src->get_head)) {
        if (!copy_head(d, src)) {
            (inflating ? inflateEnd : deflateEnd)(&d->strm);
            r = Z_MEM_ERROR;
        } else if (inflating && d->get_head) {
            inflateGetHeader(&d->strm, &d->head);
        } else if (!inflating) {
            deflateSetHeader(&d->strm, &d->head);
        }
    }
    if (r != Z_OK) {
        /* zlib's deflateCopy copies the z_stream before it allocates:
         * dest is left the source's, with the source's state if the first
         * block was refused, else none. */
        if (r == Z_MEM_ERROR && !inflating) {
            void *state = d->strm.state == src->strm.state
                              ? src->guest->state : NULL;

            memcpy(dest, src->guest, sizeof(*dest));
            dest->state = state;
        }
        htl_stream_free(d);
        return r;
    }
    memcpy(dest, src->guest, sizeof(*dest));
    dest->state = htl_stream_handle(d);
    d->guest = dest;
    htl_stream_release(d);
    return r;
}

/* STREAM_COPY: (dest, source), source a stream of the host's. */
#define HTL_ENTRY_STREAM_COPY(ret_t, name, n, types, err, checks)   \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        HtlStream *src = NULL, *d = NULL;                           \
        ret_t r = err;                                              \
        if (loaded && (src = htl_stream_enter(a1)) != NULL &&       \
            htl_writable(a0, sizeof(z_stream)) &&                   \
            (d = htl_stream_new(a0)) != NULL) {                     \
            uint32_t src_blocks = src->blocks;                      \
            r = name(&d->strm, &src->strm);                         \
            r = copy_done(d, src, a0, r,                            \
                          HTL_ID_##name == HTL_ID_inflateCopy,      \
                          src_blocks);                              \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        if (src) {                                                  \
            htl_stream_leave(src);                                  \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
ZLIB_STREAM_COPY(HTL_ENTRY_STREAM_COPY)

/* GZ: the file named by CK_GZ is claimed for the call. */
#define CK_GZ(p) && htl_gz_enter(p) && ((gz = (p)) != NULL)

#define HTL_ENTRY_GZ(ret_t, name, n, types, err, checks)            \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        gzFile gz = NULL;                                           \
        ret_t r = err;                                              \
        if (loaded PT_STRIP checks) {                               \
            r = name(PT_NAMES_##n types);                           \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        if (gz) {                                                   \
            htl_gz_leave(gz);                                       \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
ZLIB_GZ(HTL_ENTRY_GZ)

#define HTL_ENTRY_GZ_VOID(ret_t, name, n, types, err, checks)       \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(n, types)                                          \
        gzFile gz = NULL;                                           \
        (void)ret;                                                  \
        if (loaded PT_STRIP checks) {                               \
            name(PT_NAMES_##n types);                               \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        if (gz) {                                                   \
            htl_gz_leave(gz);                                       \
        }                                                           \
    }
ZLIB_GZ_VOID(HTL_ENTRY_GZ_VOID)

/*
 * Hand-written: one-shot (un)compression. The lengths passed by pointer
 * are copied in once and checked (the buffers' sizes come from them), and
 * copied back out.
 */
static void one_shot(void **args, void *ret, int id)
{
    void *av[5];
    Bytef *dest;
    uLongf *dest_len_at, dest_len;
    const Bytef *source;
    uLong source_len = 0, *source_len_at = NULL;
    int level = Z_DEFAULT_COMPRESSION, r = Z_STREAM_ERROR;
    int n = id == HTL_ID_compress2 ? 5 : 4;
    bool ok = htl_load(av, args, n * sizeof(void *)) &&
              htl_load(&dest, av[0], sizeof(dest)) &&
              htl_load(&dest_len_at, av[1], sizeof(dest_len_at)) &&
              htl_load(&source, av[2], sizeof(source)) &&
              htl_writable(dest_len_at, sizeof(dest_len)) &&
              htl_load(&dest_len, dest_len_at, sizeof(dest_len));

    if (ok && id == HTL_ID_uncompress2) {
        ok = htl_load(&source_len_at, av[3], sizeof(source_len_at)) &&
             htl_writable(source_len_at, sizeof(source_len)) &&
             htl_load(&source_len, source_len_at, sizeof(source_len));
    } else if (ok) {
        ok = htl_load(&source_len, av[3], sizeof(source_len));
    }
    if (ok && id == HTL_ID_compress2) {
        ok = htl_load(&level, av[4], sizeof(level));
    }
    if (!ok || !htl_writable(dest, dest_len) ||
        !htl_readable(source, source_len)) {
        htl_refused();
        put_result(ret, &r, sizeof(r));
        return;
    }
    switch (id) {
    case HTL_ID_compress:
    case HTL_ID_compress2:
        r = compress2(dest, &dest_len, source, source_len, level);
        break;
    case HTL_ID_uncompress:
        r = uncompress(dest, &dest_len, source, source_len);
        break;
    default:
        r = uncompress2(dest, &dest_len, source, &source_len);
        *source_len_at = source_len;
        break;
    }
    *dest_len_at = dest_len;
    put_result(ret, &r, sizeof(r));
}

#define HTL_ENTRY_ONE_SHOT(ret_t, name, ...)                        \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        one_shot(args, ret, HTL_ID_##name);                         \
    }
ZLIB_PLAIN_HTL_BY_HAND(HTL_ENTRY_ONE_SHOT)

/*
 * Hand-written: deflateGetDictionary, inflateGetDictionary. How much zlib
 * writes is only known afterwards (at most a 32 KiB window): it writes to a
 * host buffer, copied out if the guest's has room at the address given.
 */
#define WINDOW_MAX 32768

static void get_dictionary(void **args, void *ret, int id)
{
    void *av[3];
    z_streamp strm;
    Bytef *dict, window[WINDOW_MAX];
    uInt *len_at, len = 0;
    HtlStream *s = NULL;
    int r = Z_STREAM_ERROR;

    if (htl_load(av, args, sizeof(av)) &&
        htl_load(&strm, av[0], sizeof(strm)) &&
        htl_load(&dict, av[1], sizeof(dict)) &&
        htl_load(&len_at, av[2], sizeof(len_at)) &&
        (!len_at || htl_writable(len_at, sizeof(*len_at))) &&
        (s = htl_stream_enter(strm)) != NULL) {
        r = (id == HTL_ID_deflateGetDictionary ? deflateGetDictionary
                                               : inflateGetDictionary)(
            &s->strm, dict ? window : NULL, &len);
        if (r == Z_OK && dict && !htl_store(dict, window, len)) {
            htl_refused();
            r = Z_STREAM_ERROR;
        } else if (r == Z_OK && len_at) {
            *len_at = len;
        }
        htl_stream_leave(s);
    } else {
        htl_refused();
    }
    put_result(ret, &r, sizeof(r));
}

#define HTL_ENTRY_GET_DICTIONARY(ret_t, name, ...)                  \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        get_dictionary(args, ret, HTL_ID_##name);                   \
    }
ZLIB_STREAM_HTL_BY_HAND(HTL_ENTRY_GET_DICTIONARY)

/* Hand-written: the gzFile functions that open, close or describe one. */
HTL_EXPORT void gzdopen_HTL(void **args, void *ret);
void gzdopen_HTL(void **args, void *ret)
{
    HTL_ARGS(2, (int, const char *))
    gzFile r = NULL;

    if (loaded && htl_string(a1)) {
        r = gzdopen(a0, a1);
        /* Past the table's thousands of open files: closed (and its
         * descriptor with it), as if the open had failed. */
        if (r && !htl_gz_add(r)) {
            gzclose(r);
            r = NULL;
            errno = EMFILE;
        }
    } else {
        htl_refused();
    }
    put_result(ret, &r, sizeof(r));
}

HTL_EXPORT void gzerror_HTL(void **args, void *ret);
void gzerror_HTL(void **args, void *ret)
{
    HTL_ARGS(2, (gzFile, int *))
    const char *r = NULL;

    if (loaded && (!a1 || htl_writable(a1, sizeof(int))) && htl_gz_enter(a0)) {
        r = gzerror(a0, a1);
        htl_gz_leave(a0);
    } else {
        htl_refused();
    }
    put_result(ret, &r, sizeof(r));
}

#define HTL_ENTRY_GZ_CLOSE(name)                                    \
    HTL_EXPORT void name##_HTL(void **args, void *ret);             \
    void name##_HTL(void **args, void *ret)                         \
    {                                                               \
        HTL_ARGS(1, (gzFile))                                       \
        int r = Z_STREAM_ERROR;                                     \
        if (loaded && htl_gz_enter(a0)) {                           \
            /* Out of the set first: the address may be reused. */  \
            htl_gz_remove(a0);                                      \
            r = name(a0);                                           \
        } else {                                                    \
            htl_refused();                                          \
        }                                                           \
        put_result(ret, &r, sizeof(r));                             \
    }
HTL_ENTRY_GZ_CLOSE(gzclose)
HTL_ENTRY_GZ_CLOSE(gzclose_r)
HTL_ENTRY_GZ_CLOSE(gzclose_w)

/*
 * Hand-written: gzprintf's formatting happens in the guest (its va_list
 * means nothing here), which sends the text and its length: %c may have
 * put a NUL in it. The host does what gzprintf does with a formatted text:
 * gzprintf of an empty string runs zlib's own checks (mode, error state,
 * buffer set-up, a pending seek); a text that does not fit the buffer is
 * not written and gives 0; else it is written whole.
 */
HTL_EXPORT void gzprintf_n_HTL(void **args, void *ret);
void gzprintf_n_HTL(void **args, void *ret)
{
    HTL_ARGS(3, (gzFile, const char *, int))
    int r = -1;
    unsigned size;

    if (loaded && a2 >= 0 && htl_readable(a1, a2) && htl_gz_enter(a0)) {
        r = gzprintf(a0, "%s", "");
        if (r == 0 && a2 > 0) {
            size = htl_gz_write_size(a0);
            if (!size) {
                /* Another zlib than the one built against: as gzprintf
                 * with %s, which stops at a NUL. */
                r = gzprintf(a0, "%.*s", a2, a1);
            } else if ((unsigned)a2 < size) {
                r = gzwrite(a0, a1, (unsigned)a2);
            }
        }
        htl_gz_leave(a0);
    } else {
        htl_refused();
    }
    put_result(ret, &r, sizeof(r));
}

/*
 * NAME_ga_HTL: the stream functions that may call the allocator, for
 * streams with the guest's (guest_alloc.h). One more argument than NAME's,
 * the guest's PtPause; NAME_HTL runs on a stack that can pause for the
 * guest's zalloc and zfree. inflate() and inflateSetDictionary() allocate
 * only a stream's window (its second block): once it has one, they run
 * here, as they would through NAME_HTL.
 */
static const int arity[] = {
#define HTL_ARITY(ret_t, name, n, ...) n,
    ZLIB_ALL_ENTRIES(HTL_ARITY)
#undef HTL_ARITY
};

static void ga_entry(int id, HtlEntryFn fn, void **args, void *ret)
{
    PtPause *pause = NULL;
    z_streamp strm;
    void *slot;

    if (!htl_load(&slot, args + arity[id], sizeof(slot)) ||
        !htl_load(&pause, slot, sizeof(pause))) {
        pause = NULL;    /* the guest cannot be asked: no blocks */
    }
    if ((id == HTL_ID_inflate || id == HTL_ID_inflateSetDictionary) &&
        htl_load(&slot, args, sizeof(slot)) &&
        htl_load(&strm, slot, sizeof(strm)) && htl_stream_blocks(strm) > 1) {
        fn(args, ret);
        return;
    }
    htl_ga_run(fn, args, ret, pause);
}

#define HTL_ENTRY_GA(name)                                          \
    HTL_EXPORT void name##_ga_HTL(void **args, void *ret);          \
    void name##_ga_HTL(void **args, void *ret)                      \
    {                                                               \
        ga_entry(HTL_ID_##name, name##_HTL, args, ret);             \
    }
ZLIB_CALLS_ALLOCATOR(HTL_ENTRY_GA)

/*
 * ga_resume_HTL(PtPause *pause) -> int: resumes the thread's paused call
 * pause names, with the guest's answer. 0 once it ran on (done, or paused
 * again: see pause); -1 if there is no such call.
 */
HTL_EXPORT void ga_resume_HTL(void **args, void *ret);
void ga_resume_HTL(void **args, void *ret)
{
    HTL_ARGS(1, (PtPause *))
    int r = -1;

    if (loaded && htl_ga_resume(a0)) {
        r = 0;
    } else {
        htl_refused();
    }
    put_result(ret, &r, sizeof(r));
}

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
