/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbz2's FILE functions, written in the GTL over its stream functions:
 * the guest's C library reads and writes the guest's FILE, the host does
 * the coding (the streams go to the host as any other). The host never
 * sees a FILE. They behave as libbz2 1.0.8 documents and does: the same
 * error codes in the same cases, a 5000-byte buffer (BZ_MAX_UNUSED, what
 * BZ2_bzReadGetUnused can hand back), the same stream calls for the same
 * data, so the output is the same bytes.
 */
#include <bzlib.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

typedef struct BzFile {
    FILE *file;
    bool writing;
    bool ready;            /* its stream is set up */
    int last;              /* the last error, for bzerror and GetUnused */
    bz_stream strm;
    char buf[BZ_MAX_UNUSED];
} BzFile;

/* Every FILE function tells its result both ways, as libbz2 does. */
static void set_error(int *bzerror, BzFile *f, int err)
{
    if (bzerror) {
        *bzerror = err;
    }
    if (f) {
        f->last = err;
    }
}

/* End of file without reading past it: the stream may end exactly there. */
static bool at_eof(FILE *file)
{
    int c = fgetc(file);

    if (c == EOF) {
        return true;
    }
    ungetc(c, file);
    return false;
}

/*
 * The checks both opens make, in libbz2's order (the arguments, then the
 * FILE's error flag, then memory), and the new BzFile; NULL with *bzerror
 * set if one fails.
 */
static BzFile *bz_file_new(int *bzerror, FILE *file, bool args_ok,
                           bool writing)
{
    BzFile *f;

    set_error(bzerror, NULL, BZ_OK);
    if (!file || !args_ok) {
        set_error(bzerror, NULL, BZ_PARAM_ERROR);
        return NULL;
    }
    if (ferror(file)) {
        set_error(bzerror, NULL, BZ_IO_ERROR);
        return NULL;
    }
    f = malloc(sizeof(*f));
    if (!f) {
        set_error(bzerror, NULL, BZ_MEM_ERROR);
        return NULL;
    }
    memset(&f->strm, 0, sizeof(f->strm));
    f->file = file;
    f->writing = writing;
    f->ready = false;
    f->last = BZ_OK;
    return f;
}

/* After the stream's set-up: the BzFile, or NULL (freed) if it failed. */
static BZFILE *bz_file_ready(int *bzerror, BzFile *f, int ret)
{
    if (ret != BZ_OK) {
        set_error(bzerror, NULL, ret);
        free(f);
        return NULL;
    }
    f->ready = true;
    return f;
}

GTL_EXPORT BZFILE *BZ2_bzWriteOpen(int *bzerror, FILE *file,
                                   int block_size_100k, int verbosity,
                                   int work_factor)
{
    BzFile *f = bz_file_new(bzerror, file,
                            block_size_100k >= 1 && block_size_100k <= 9 &&
                            work_factor >= 0 && work_factor <= 250 &&
                            verbosity >= 0 && verbosity <= 4, true);

    if (!f) {
        return NULL;
    }
    return bz_file_ready(bzerror, f,
                         BZ2_bzCompressInit(&f->strm, block_size_100k,
                                            verbosity,
                                            work_factor ? work_factor : 30));
}

/* Writes what the stream put in f->buf; false (BZ_IO_ERROR) if it fails. */
static bool flush_out(BzFile *f)
{
    size_t n = BZ_MAX_UNUSED - f->strm.avail_out;

    return !n || (fwrite(f->buf, 1, n, f->file) == n && !ferror(f->file));
}

/* One round of compressing into f->buf, written out: the action's result,
 * or BZ_IO_ERROR. */
static int compress_round(BzFile *f, int action)
{
    int ret;

    f->strm.next_out = f->buf;
    f->strm.avail_out = BZ_MAX_UNUSED;
    ret = BZ2_bzCompress(&f->strm, action);
    if ((ret == BZ_RUN_OK || ret == BZ_FINISH_OK || ret == BZ_STREAM_END) &&
        !flush_out(f)) {
        return BZ_IO_ERROR;
    }
    return ret;
}

/* A write handle whose FILE has no error: else BZ_SEQUENCE_ERROR or
 * BZ_IO_ERROR. */
static bool still_writing(int *bzerror, BzFile *f)
{
    if (!f->writing) {
        set_error(bzerror, f, BZ_SEQUENCE_ERROR);
        return false;
    }
    if (ferror(f->file)) {
        set_error(bzerror, f, BZ_IO_ERROR);
        return false;
    }
    return true;
}

GTL_EXPORT void BZ2_bzWrite(int *bzerror, BZFILE *b, void *buf, int len)
{
    BzFile *f = b;
    int ret;

    set_error(bzerror, f, BZ_OK);
    if (!f || !buf || len < 0) {
        set_error(bzerror, f, BZ_PARAM_ERROR);
        return;
    }
    if (!still_writing(bzerror, f)) {
        return;
    }
    f->strm.next_in = buf;
    f->strm.avail_in = (unsigned int)len;
    while (f->strm.avail_in) {
        ret = compress_round(f, BZ_RUN);
        if (ret != BZ_RUN_OK) {
            set_error(bzerror, f, ret);
            return;
        }
    }
    set_error(bzerror, f, BZ_OK);
}

static void put_count(unsigned int *where, unsigned int value)
{
    if (where) {
        *where = value;
    }
}

GTL_EXPORT void BZ2_bzWriteClose64(int *bzerror, BZFILE *b, int abandon,
                                   unsigned int *in_lo32,
                                   unsigned int *in_hi32,
                                   unsigned int *out_lo32,
                                   unsigned int *out_hi32)
{
    BzFile *f = b;
    int ret;

    if (!f) {
        set_error(bzerror, NULL, BZ_OK);
        return;
    }
    if (!still_writing(bzerror, f)) {
        return;
    }
    put_count(in_lo32, 0);
    put_count(in_hi32, 0);
    put_count(out_lo32, 0);
    put_count(out_hi32, 0);
    if (!abandon && f->last == BZ_OK) {
        do {
            ret = compress_round(f, BZ_FINISH);
            if (ret != BZ_FINISH_OK && ret != BZ_STREAM_END) {
                set_error(bzerror, f, ret);
                return;
            }
        } while (ret != BZ_STREAM_END);
    }
    if (!abandon && !ferror(f->file)) {
        fflush(f->file);
        if (ferror(f->file)) {
            set_error(bzerror, f, BZ_IO_ERROR);
            return;
        }
    }
    put_count(in_lo32, f->strm.total_in_lo32);
    put_count(in_hi32, f->strm.total_in_hi32);
    put_count(out_lo32, f->strm.total_out_lo32);
    put_count(out_hi32, f->strm.total_out_hi32);
    set_error(bzerror, f, BZ_OK);
    BZ2_bzCompressEnd(&f->strm);
    free(f);
}

GTL_EXPORT void BZ2_bzWriteClose(int *bzerror, BZFILE *b, int abandon,
                                 unsigned int *in, unsigned int *out)
{
    BZ2_bzWriteClose64(bzerror, b, abandon, in, NULL, out, NULL);
}

GTL_EXPORT BZFILE *BZ2_bzReadOpen(int *bzerror, FILE *file, int verbosity,
                                  int small, void *unused, int n_unused)
{
    BzFile *f = bz_file_new(bzerror, file,
                            (small == 0 || small == 1) && verbosity >= 0 &&
                            verbosity <= 4 && (unused || n_unused == 0) &&
                            (!unused || (n_unused >= 0 &&
                                         n_unused <= BZ_MAX_UNUSED)),
                            false);

    if (!f) {
        return NULL;
    }
    /* What the caller read past an earlier stream comes first. */
    if (n_unused > 0) {
        memcpy(f->buf, unused, (size_t)n_unused);
    }
    f = bz_file_ready(bzerror, f,
                      BZ2_bzDecompressInit(&f->strm, verbosity, small));
    if (f) {
        f->strm.next_in = f->buf;
        f->strm.avail_in = (unsigned int)n_unused;
    }
    return f;
}

GTL_EXPORT void BZ2_bzReadClose(int *bzerror, BZFILE *b)
{
    BzFile *f = b;

    set_error(bzerror, f, BZ_OK);
    if (!f) {
        return;
    }
    if (f->writing) {
        set_error(bzerror, f, BZ_SEQUENCE_ERROR);
        return;
    }
    if (f->ready) {
        BZ2_bzDecompressEnd(&f->strm);
    }
    free(f);
}

GTL_EXPORT int BZ2_bzRead(int *bzerror, BZFILE *b, void *buf, int len)
{
    BzFile *f = b;
    size_t n;
    int ret;

    set_error(bzerror, f, BZ_OK);
    if (!f || !buf || len < 0) {
        set_error(bzerror, f, BZ_PARAM_ERROR);
        return 0;
    }
    if (f->writing) {
        set_error(bzerror, f, BZ_SEQUENCE_ERROR);
        return 0;
    }
    if (len == 0) {
        return 0;
    }
    f->strm.next_out = buf;
    f->strm.avail_out = (unsigned int)len;
    for (;;) {
        if (ferror(f->file)) {
            set_error(bzerror, f, BZ_IO_ERROR);
            return 0;
        }
        if (!f->strm.avail_in && !at_eof(f->file)) {
            n = fread(f->buf, 1, BZ_MAX_UNUSED, f->file);
            if (ferror(f->file)) {
                set_error(bzerror, f, BZ_IO_ERROR);
                return 0;
            }
            f->strm.next_in = f->buf;
            f->strm.avail_in = (unsigned int)n;
        }
        ret = BZ2_bzDecompress(&f->strm);
        if (ret == BZ_STREAM_END) {
            set_error(bzerror, f, BZ_STREAM_END);
            return len - (int)f->strm.avail_out;
        }
        if (ret != BZ_OK) {
            set_error(bzerror, f, ret);
            return 0;
        }
        if (at_eof(f->file) && !f->strm.avail_in && f->strm.avail_out) {
            set_error(bzerror, f, BZ_UNEXPECTED_EOF);
            return 0;
        }
        if (!f->strm.avail_out) {
            return len;
        }
    }
}

GTL_EXPORT void BZ2_bzReadGetUnused(int *bzerror, BZFILE *b, void **unused,
                                    int *n_unused)
{
    BzFile *f = b;

    if (!f) {
        set_error(bzerror, NULL, BZ_PARAM_ERROR);
        return;
    }
    if (f->last != BZ_STREAM_END) {
        set_error(bzerror, f, BZ_SEQUENCE_ERROR);
        return;
    }
    if (!unused || !n_unused) {
        set_error(bzerror, f, BZ_PARAM_ERROR);
        return;
    }
    set_error(bzerror, f, BZ_OK);
    *n_unused = (int)f->strm.avail_in;
    *unused = f->strm.next_in;
}

/*
 * bzopen/bzdopen: mode letters r, w, s (small) and a digit (block size,
 * clamped to 1-9, 9 if none); anything else is ignored. A NULL or empty
 * path is stdin or stdout, which bzclose leaves open.
 */
static BZFILE *open_mode(const char *path, int fd, bool by_fd,
                         const char *mode)
{
    bool writing = false, small = false;
    int block = 9, err;
    FILE *file;
    BZFILE *b;

    if (!mode) {
        return NULL;
    }
    for (const char *m = mode; *m; m++) {
        if (*m == 'r') {
            writing = false;
        } else if (*m == 'w') {
            writing = true;
        } else if (*m == 's') {
            small = true;
        } else if (isdigit((unsigned char)*m)) {
            block = *m - '0';
        }
    }
    if (by_fd) {
        file = fdopen(fd, writing ? "wb" : "rb");
    } else if (!path || !*path) {
        file = writing ? stdout : stdin;
    } else {
        file = fopen(path, writing ? "wb" : "rb");
    }
    if (!file) {
        return NULL;
    }
    if (writing) {
        block = block < 1 ? 1 : block > 9 ? 9 : block;
        b = BZ2_bzWriteOpen(&err, file, block, 0, 30);
    } else {
        b = BZ2_bzReadOpen(&err, file, 0, small, NULL, 0);
    }
    if (!b && file != stdin && file != stdout) {
        fclose(file);
    }
    return b;
}

GTL_EXPORT BZFILE *BZ2_bzopen(const char *path, const char *mode)
{
    return open_mode(path, -1, false, mode);
}

GTL_EXPORT BZFILE *BZ2_bzdopen(int fd, const char *mode)
{
    return open_mode(NULL, fd, true, mode);
}

GTL_EXPORT int BZ2_bzread(BZFILE *b, void *buf, int len)
{
    BzFile *f = b;
    int err, n;

    if (f && f->last == BZ_STREAM_END) {
        return 0;
    }
    n = BZ2_bzRead(&err, b, buf, len);
    return err == BZ_OK || err == BZ_STREAM_END ? n : -1;
}

GTL_EXPORT int BZ2_bzwrite(BZFILE *b, void *buf, int len)
{
    int err;

    BZ2_bzWrite(&err, b, buf, len);
    return err == BZ_OK ? len : -1;
}

GTL_EXPORT int BZ2_bzflush(BZFILE *b)
{
    (void)b;
    return 0;   /* as libbz2: a bzip2 stream cannot be flushed mid-block */
}

GTL_EXPORT void BZ2_bzclose(BZFILE *b)
{
    BzFile *f = b;
    FILE *file;
    int err;

    if (!f) {
        return;
    }
    file = f->file;
    if (f->writing) {
        BZ2_bzWriteClose(&err, b, 0, NULL, NULL);
        if (err != BZ_OK) {
            BZ2_bzWriteClose(NULL, b, 1, NULL, NULL);
        }
    } else {
        BZ2_bzReadClose(&err, b);
    }
    if (file != stdin && file != stdout) {
        fclose(file);
    }
}

/* libbz2's names for its error codes, by -code. */
static const char *const error_names[] = {
    "OK", "SEQUENCE_ERROR", "PARAM_ERROR", "MEM_ERROR", "DATA_ERROR",
    "DATA_ERROR_MAGIC", "IO_ERROR", "UNEXPECTED_EOF", "OUTBUFF_FULL",
    "CONFIG_ERROR", "???", "???", "???", "???", "???", "???",
};

GTL_EXPORT const char *BZ2_bzerror(BZFILE *b, int *errnum)
{
    int err = ((BzFile *)b)->last;

    if (err > 0) {
        err = 0;
    }
    *errnum = err;
    return -err < (int)(sizeof(error_names) / sizeof(error_names[0]))
               ? error_names[-err]
               : "???";
}
