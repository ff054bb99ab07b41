/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zlib GTL's hand-written wrappers: the functions a generated wrapper
 * cannot serve.
 *
 * - get_crc_table: the host's table, copied into guest memory.
 * - gzopen, gzopen64: the guest opens the file, so a path means what it
 *   means to the guest under qemu-user (-L, /proc/self), and the host's
 *   gzdopen takes the descriptor (linux-user shares descriptors with the
 *   host). gzerror then names the file as the guest did.
 * - gzprintf, gzvprintf: a va_list cannot cross to the host; the guest
 *   formats, and the host writes the text as its gzprintf would have.
 * - inflateBackInit_, inflateBack, inflateBackEnd: in() and out() are guest
 *   functions the host cannot call. The guest drives the host's raw inflate
 *   through the provided window and calls in() and out() itself; a guest
 *   allocator is asked for what zlib's inflateBack would allocate.
 */
#define _GNU_SOURCE
#include "gtl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* gzFiles are all on one side, chosen when the GTL connects. */
static inline int gz_on_host(void)
{
    return gtl_on_host(GTL_GROUP_gzfile);
}

static z_crc_t crc_table[256];
static const z_crc_t *host_crc_table;

static void copy_crc_table(void)
{
    memcpy(crc_table, host_crc_table, sizeof(crc_table));
}

GTL_EXPORT const z_crc_t *get_crc_table(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    void *args[] = { NULL };
    const z_crc_t *ret;

    if (!gtl_host(GTL_ID_get_crc_table, args, &ret) || !ret) {
        return z_get_crc_table();
    }
    /* The host's table is constant: one copy serves every call. */
    host_crc_table = ret;
    pthread_once(&once, copy_crc_table);
    return crc_table;
}

/*
 * What the GTL knows of each host gzFile: the name the guest opened it by
 * and the guest copy of its last error message.
 */
typedef struct GzInfo {
    gzFile file;
    char *path;          /* NULL for gzdopen: the host's "<fd:N>" stands */
    char *msg;
    struct GzInfo *next;
} GzInfo;

static GzInfo *gz_files;
static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;

static void gz_remember(gzFile file, const char *path)
{
    GzInfo *info = calloc(1, sizeof(*info));

    if (!info) {
        return;   /* gzerror will then show the host's "<fd:N>" */
    }
    info->file = file;
    info->path = path ? strdup(path) : NULL;
    pthread_mutex_lock(&gz_lock);
    info->next = gz_files;
    gz_files = info;
    pthread_mutex_unlock(&gz_lock);
}

static void gz_forget(gzFile file)
{
    GzInfo **p, *dead = NULL;

    pthread_mutex_lock(&gz_lock);
    for (p = &gz_files; *p; p = &(*p)->next) {
        if ((*p)->file == file) {
            dead = *p;
            *p = dead->next;
            break;
        }
    }
    pthread_mutex_unlock(&gz_lock);
    if (dead) {
        free(dead->path);
        free(dead->msg);
        free(dead);
    }
}

/* zlib's gz_open: the mode's open flags, or -1 where zlib returns NULL. */
static int gz_open_flags(const char *mode)
{
    int rw = 0, exclusive = 0, cloexec = 0, direct = 0;

    for (; *mode; mode++) {
        switch (*mode) {
        case 'r':
        case 'w':
        case 'a':
            rw = *mode;
            break;
        case '+':
            return -1;
        case 'x':
            exclusive = 1;
            break;
        case 'e':
            cloexec = 1;
            break;
        case 'T':
            direct = 1;
            break;
        default:
            break;
        }
    }
    if (!rw || (rw == 'r' && direct)) {
        return -1;
    }
    return (cloexec ? O_CLOEXEC : 0) |
           (rw == 'r' ? O_RDONLY
                      : O_WRONLY | O_CREAT | (exclusive ? O_EXCL : 0) |
                            (rw == 'w' ? O_TRUNC : O_APPEND));
}

static gzFile host_gzdopen(int fd, const char *mode)
{
    void *args[] = { &fd, &mode };
    gzFile ret;

    return gtl_host(GTL_ID_gzdopen, args, &ret) ? ret : NULL;
}

static gzFile gz_open_guest(const char *path, const char *mode)
{
    gzFile file;
    int flags, fd, saved;

    if (!path || !mode || (flags = gz_open_flags(mode)) < 0) {
        return NULL;
    }
    fd = open(path, flags, 0666);
    if (fd < 0) {
        return NULL;
    }
    file = host_gzdopen(fd, mode);
    if (!file) {
        saved = errno;
        close(fd);
        errno = saved;
        return NULL;
    }
    gz_remember(file, path);
    return file;
}

GTL_EXPORT gzFile gzopen(const char *path, const char *mode)
{
    return gz_on_host() ? gz_open_guest(path, mode) : z_gzopen(path, mode);
}

GTL_EXPORT gzFile gzopen64(const char *path, const char *mode)
{
    return gz_on_host() ? gz_open_guest(path, mode) : z_gzopen64(path, mode);
}

GTL_EXPORT gzFile gzdopen(int fd, const char *mode)
{
    gzFile file;

    if (!gz_on_host()) {
        return z_gzdopen(fd, mode);
    }
    file = host_gzdopen(fd, mode);
    if (file) {
        gz_remember(file, NULL);
    }
    return file;
}

static int gz_close_with(int id, gzFile file)
{
    void *args[] = { &file };
    int ret;

    if (!gtl_host(id, args, &ret)) {
        return Z_STREAM_ERROR;
    }
    gz_forget(file);
    return ret;
}

GTL_EXPORT int gzclose(gzFile file)
{
    return gz_on_host() ? gz_close_with(GTL_ID_gzclose, file)
                          : z_gzclose(file);
}

GTL_EXPORT int gzclose_r(gzFile file)
{
    return gz_on_host() ? gz_close_with(GTL_ID_gzclose_r, file)
                          : z_gzclose_r(file);
}

GTL_EXPORT int gzclose_w(gzFile file)
{
    return gz_on_host() ? gz_close_with(GTL_ID_gzclose_w, file)
                          : z_gzclose_w(file);
}

/*
 * gzerror: the host's message ("<fd:N>: what" for a file we opened), named
 * the way the guest named the file, in guest memory that stays valid until
 * the next gzerror on that file, as zlib's does.
 */
GTL_EXPORT const char *gzerror(gzFile file, int *errnum)
{
    static __thread char fallback[512];
    void *args[] = { &file, &errnum };
    const char *host, *rest;
    char *text = NULL;
    GzInfo *info;

    if (!gz_on_host()) {
        return z_gzerror(file, errnum);
    }
    if (!gtl_host(GTL_ID_gzerror, args, &host) || !host) {
        return NULL;
    }
    pthread_mutex_lock(&gz_lock);
    for (info = gz_files; info && info->file != file; info = info->next) {
    }
    /* The host opened it by descriptor ("<fd:N>: what"): put the guest's
     * name for it back. */
    if (info && info->path && !strncmp(host, "<fd:", 4) &&
        (rest = strstr(host, ">: ")) != NULL &&
        asprintf(&text, "%s%s", info->path, rest + 1) < 0) {
        text = NULL;
    }
    if (!text) {
        text = strdup(host);
    }
    if (info && text) {
        free(info->msg);
        info->msg = text;
        pthread_mutex_unlock(&gz_lock);
        return text;
    }
    pthread_mutex_unlock(&gz_lock);
    snprintf(fallback, sizeof(fallback), "%s", text ? text : host);
    free(text);
    return fallback;
}

static int host_gzprintf_n(gzFile file, const char *text, int len)
{
    void *args[] = { &file, &text, &len };
    int ret;

    return gtl_host(GTL_ID_gzprintf_n, args, &ret) ? ret : Z_STREAM_ERROR;
}

GTL_EXPORT int gzvprintf(gzFile file, const char *format, va_list va)
{
    char small[8192], *text = small;
    va_list again;
    int len, ret;

    if (!gz_on_host()) {
        return z_gzvprintf(file, format, va);
    }
    va_copy(again, va);
    len = vsnprintf(small, sizeof(small), format, va);
    if (len >= (int)sizeof(small)) {
        text = malloc((size_t)len + 1);
        if (!text) {
            va_end(again);
            return Z_MEM_ERROR;
        }
        vsnprintf(text, (size_t)len + 1, format, again);
    }
    va_end(again);
    /* A formatting error: zlib then writes nothing and returns 0 (after its
     * own checks), as the host does for an empty text. The length, not a
     * NUL, ends the text: %c may have put a NUL in it. */
    ret = host_gzprintf_n(file, len < 0 ? "" : text, len < 0 ? 0 : len);
    if (text != small) {
        free(text);
    }
    return ret;
}

GTL_EXPORT int gzprintf(gzFile file, const char *format, ...)
{
    va_list va;
    int ret;

    va_start(va, format);
    ret = gzvprintf(file, format, va);
    va_end(va);
    return ret;
}

/*
 * inflateBack on the host's raw inflate. The window the guest gave
 * inflateBackInit_ is the output buffer: out() gets it whenever it fills and
 * at the end, as zlib's own inflateBack does.
 */
typedef struct BackStream {
    z_streamp strm;
    unsigned char *window;
    unsigned wsize;
    struct BackStream *next;
} BackStream;

static BackStream *back_streams;
static pthread_mutex_t back_lock = PTHREAD_MUTEX_INITIALIZER;

static BackStream *back_find(z_streamp strm, int unlink)
{
    BackStream **p, *found = NULL;

    pthread_mutex_lock(&back_lock);
    for (p = &back_streams; *p; p = &(*p)->next) {
        if ((*p)->strm == strm) {
            found = *p;
            if (unlink) {
                *p = found->next;
            }
            break;
        }
    }
    pthread_mutex_unlock(&back_lock);
    return found;
}

static int host_stream_call(int id, void **args)
{
    int ret;

    return gtl_host(id, args, &ret) ? ret : Z_STREAM_ERROR;
}

GTL_EXPORT int inflateBackInit_(z_streamp strm, int windowBits,
                                unsigned char *window, const char *version,
                                int stream_size)
{
    int raw_bits = -windowBits, ret, own_alloc = 0;
    void *args[] = { &strm, &raw_bits, &version, &stream_size, NULL };
    BackStream *bs;

    if (!gtl_stream_may_use_host(strm) &&
        !(own_alloc = gtl_stream_may_use_host_ga(strm))) {
        return z_inflateBackInit_(strm, windowBits, window, version,
                                  stream_size);
    }
    /* zlib's checks, in zlib's order. */
    if (version == Z_NULL || version[0] != ZLIB_VERSION[0] ||
        stream_size != (int)sizeof(z_stream)) {
        return Z_VERSION_ERROR;
    }
    if (window == Z_NULL || windowBits < 8 || windowBits > 15) {
        return Z_STREAM_ERROR;
    }
    bs = calloc(1, sizeof(*bs));
    if (!bs) {
        return Z_MEM_ERROR;
    }
    /* With the guest's allocator, zlib's inflateBackInit_ allocates what
     * inflateInit2_ does (its state); the window it never allocates, and
     * the host's raw inflate then allocates host memory only, because
     * inflateBack calls the plain entries. */
    if (own_alloc) {
        if (!gtl_host_ga(GTL_ID_inflateInit2_, strm, 4, args, &ret)) {
            ret = Z_STREAM_ERROR;
        }
    } else {
        ret = host_stream_call(GTL_ID_inflateInit2_, args);
    }
    if (ret != Z_OK) {
        free(bs);
        gtl_fix_msg(strm);
        return ret;
    }
    if (!own_alloc) {
        gtl_learn_host_stream(strm);
    }
    bs->strm = strm;
    bs->window = window;
    bs->wsize = 1u << windowBits;
    pthread_mutex_lock(&back_lock);
    bs->next = back_streams;
    back_streams = bs;
    pthread_mutex_unlock(&back_lock);
    return Z_OK;
}

GTL_EXPORT int inflateBack(z_streamp strm, in_func in, void *in_desc,
                           out_func out, void *out_desc)
{
    z_const unsigned char *next;
    unsigned have, left;
    unsigned char *put;
    int flush = Z_NO_FLUSH, ret = Z_STREAM_ERROR, r;
    void *args[] = { &strm, &flush };
    uLong total_in, total_out, adler;
    int data_type;
    BackStream *bs;

    if (!gtl_host_stream(strm)) {
        return z_inflateBack(strm, in, in_desc, out, out_desc);
    }
    bs = back_find(strm, 0);
    /* zlib's inflateBack leaves these as they were; inflate does not. */
    total_in = strm->total_in;
    total_out = strm->total_out;
    adler = strm->adler;
    data_type = strm->data_type;
    if (!bs || host_stream_call(GTL_ID_inflateReset, args) != Z_OK) {
        return Z_STREAM_ERROR;
    }
    strm->msg = Z_NULL;
    next = strm->next_in;
    have = next != Z_NULL ? strm->avail_in : 0;
    put = bs->window;
    left = bs->wsize;
    for (;;) {
        if (have == 0) {
            have = in(in_desc, &next);
            if (have == 0) {
                next = Z_NULL;
                ret = Z_BUF_ERROR;
                break;
            }
        }
        strm->next_in = next;
        strm->avail_in = have;
        strm->next_out = put;
        strm->avail_out = left;
        r = host_stream_call(GTL_ID_inflate, args);
        next = strm->next_in;
        have = strm->avail_in;
        put = strm->next_out;
        left = strm->avail_out;
        if (r == Z_STREAM_END) {
            ret = Z_STREAM_END;
            break;
        }
        if (r != Z_OK && r != Z_BUF_ERROR) {
            ret = r;   /* Z_DATA_ERROR (msg set), Z_MEM_ERROR */
            gtl_fix_msg(strm);
            break;
        }
        if (left == 0) {
            put = bs->window;
            left = bs->wsize;
            if (out(out_desc, put, left)) {
                ret = Z_BUF_ERROR;
                break;
            }
        }
    }
    /* As zlib: the output not yet written goes out on every way out, and
     * the input not used is left in next_in/avail_in. */
    if (left < bs->wsize) {
        if (out(out_desc, bs->window, bs->wsize - left) &&
            ret == Z_STREAM_END) {
            ret = Z_BUF_ERROR;
        }
    }
    strm->next_in = next;
    strm->avail_in = have;
    strm->total_in = total_in;
    strm->total_out = total_out;
    strm->adler = adler;
    strm->data_type = data_type;
    return ret;
}

GTL_EXPORT int inflateBackEnd(z_streamp strm)
{
    void *args[] = { &strm, NULL };
    BackStream *bs;
    int ret;

    if (!gtl_host_stream(strm)) {
        return z_inflateBackEnd(strm);
    }
    bs = back_find(strm, 1);
    free(bs);
    return gtl_host_on_stream(GTL_ID_inflateEnd, strm, 1, args, &ret)
               ? ret : Z_STREAM_ERROR;
}
