/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for zlib: every function Debian 12's libz.so.1 (1.2.13)
 * exports, once. Include <zlib.h> (with _LARGEFILE64_SOURCE) first.
 *
 * Each X-macro gets (return type, name, arity, (parameter types), error
 * value), then, where the host entry is generated, its checks: which
 * arguments are guest memory the host will touch, and how (CK_R readable,
 * CK_W writable, for a length; CK_S a string; a trailing 0: NULL allowed;
 * htl/guest_access.h). SIZED has one more column before the checks.
 * Consumers take `...` after the fifth. The error value is what the guest
 * gets if a host call cannot be made once the object lives on the host, or
 * if the host refuses it (a bad pointer or object).
 * The lists say where a function's state lives, which decides how the GTL
 * routes it:
 *
 * PLAIN       no state: the host if its entry resolved, else (or if the
 *             call is refused) the guest's own zlib; buffers used in place.
 * SIZED       PLAIN, with one more column: the parameter (a0, a1, ...)
 *             giving the work's size. Below a size measured per guest, the
 *             guest's own code is faster than a host round trip, and runs.
 * STRING      no state, returns a static string of the library's: the GTL
 *             hands the guest a copy in guest memory, so the guest may pass
 *             it to system calls (QEMU checks their buffers).
 * STREAM      z_stream (first argument) state: a stream stays on the side
 *             that initialised it, for its whole life.
 * STREAM_INIT creates a stream, on the host; one with the guest's own
 *             zalloc/zfree through ZLIB_CALLS_ALLOCATOR's entries (host
 *             code never calls guest code).
 * STREAM_COPY (dest, source): on source's side.
 * GZ          gzFile state: all on the host if every gz entry resolved,
 *             else all on the guest; chosen once.
 * HANDWRITTEN host entries exist (generated), GTL side written by hand in
 *             gtl/libz_handwritten.c: varargs, guest callbacks, guest paths,
 *             tables.
 * HTL_ONLY    host entries written by hand in htl/, no GTL wrapper.
 */
#ifndef PASSTHROUGH_ZLIB_SPEC_H
#define PASSTHROUGH_ZLIB_SPEC_H

#define ZLIB_PLAIN(FN)                                                      \
    FN(uLong, compressBound, 1, (uLong), 0, ())                              \
    FN(uLong, crc32_combine, 3, (uLong, uLong, z_off_t), 0, ())              \
    FN(uLong, crc32_combine64, 3, (uLong, uLong, z_off64_t), 0, ())          \
    FN(uLong, crc32_combine_gen, 1, (z_off_t), 0, ())                        \
    FN(uLong, crc32_combine_gen64, 1, (z_off64_t), 0, ())                    \
    FN(uLong, crc32_combine_op, 3, (uLong, uLong, uLong), 0, ())             \
    FN(uLong, adler32_combine, 3, (uLong, uLong, z_off_t), 0, ())            \
    FN(uLong, adler32_combine64, 3, (uLong, uLong, z_off64_t), 0, ())        \
    FN(uLong, zlibCompileFlags, 0, (), 0, ())

/* PLAIN whose host entry is written by hand: a length passed by pointer is
 * copied in, checked, and copied back out. */
#define ZLIB_PLAIN_HTL_BY_HAND(FN)                                          \
    FN(int, compress, 4, (Bytef *, uLongf *, const Bytef *, uLong),          \
       Z_STREAM_ERROR)                                                       \
    FN(int, compress2, 5, (Bytef *, uLongf *, const Bytef *, uLong, int),    \
       Z_STREAM_ERROR)                                                       \
    FN(int, uncompress, 4, (Bytef *, uLongf *, const Bytef *, uLong),        \
       Z_STREAM_ERROR)                                                       \
    FN(int, uncompress2, 4, (Bytef *, uLongf *, const Bytef *, uLong *),     \
       Z_STREAM_ERROR)

/* A NULL buffer is zlib's way to ask for the initial value. */
#define ZLIB_SIZED(FN)                                                      \
    FN(uLong, crc32, 3, (uLong, const Bytef *, uInt), 0, a2,                 \
       (CK_R0(a1, a2)))                                                      \
    FN(uLong, crc32_z, 3, (uLong, const Bytef *, z_size_t), 0, a2,           \
       (CK_R0(a1, a2)))                                                      \
    FN(uLong, adler32, 3, (uLong, const Bytef *, uInt), 1, a2,               \
       (CK_R0(a1, a2)))                                                      \
    FN(uLong, adler32_z, 3, (uLong, const Bytef *, z_size_t), 1, a2,         \
       (CK_R0(a1, a2)))

#define ZLIB_STRING(FN)                                                     \
    FN(const char *, zlibVersion, 0, (), 0, ())                              \
    FN(const char *, zError, 1, (int), 0, ())

#define ZLIB_STREAM_INIT(FN)                                                \
    FN(int, deflateInit_, 4, (z_streamp, int, const char *, int),           \
       Z_STREAM_ERROR, (CK_S0(a2)))                                          \
    FN(int, deflateInit2_, 8,                                                \
       (z_streamp, int, int, int, int, int, const char *, int),              \
       Z_STREAM_ERROR, (CK_S0(a6)))                                          \
    FN(int, inflateInit_, 3, (z_streamp, const char *, int), Z_STREAM_ERROR, \
       (CK_S0(a1)))                                                          \
    FN(int, inflateInit2_, 4, (z_streamp, int, const char *, int),          \
       Z_STREAM_ERROR, (CK_S0(a2)))

#define ZLIB_STREAM_COPY(FN)                                                \
    FN(int, deflateCopy, 2, (z_streamp, z_streamp), Z_STREAM_ERROR, ())      \
    FN(int, inflateCopy, 2, (z_streamp, z_streamp), Z_STREAM_ERROR, ())

/* CK_BUFFERS: the call uses next_in/avail_in and next_out/avail_out.
 * CK_SET_HEAD / CK_GET_HEAD: the guest's gz_header is read in / filled
 * through a host copy (htl/zlib_objects.h). */
#define ZLIB_STREAM(FN)                                                     \
    FN(int, deflate, 2, (z_streamp, int), Z_STREAM_ERROR, (CK_BUFFERS))      \
    FN(int, deflateEnd, 1, (z_streamp), Z_STREAM_ERROR, ())                  \
    FN(int, deflateSetDictionary, 3, (z_streamp, const Bytef *, uInt),      \
       Z_STREAM_ERROR, (CK_R0(a1, a2)))                                      \
    FN(int, deflateReset, 1, (z_streamp), Z_STREAM_ERROR, ())                \
    FN(int, deflateResetKeep, 1, (z_streamp), Z_STREAM_ERROR, ())            \
    FN(int, deflateParams, 3, (z_streamp, int, int), Z_STREAM_ERROR,         \
       (CK_BUFFERS))                                                         \
    FN(int, deflateTune, 5, (z_streamp, int, int, int, int), Z_STREAM_ERROR, \
       ())                                                                   \
    FN(uLong, deflateBound, 2, (z_streamp, uLong), 0, ())                    \
    FN(int, deflatePending, 3, (z_streamp, unsigned *, int *),               \
       Z_STREAM_ERROR,                                                       \
       (CK_W0(a1, sizeof(unsigned)) CK_W0(a2, sizeof(int))))                 \
    FN(int, deflatePrime, 3, (z_streamp, int, int), Z_STREAM_ERROR, ())      \
    FN(int, deflateSetHeader, 2, (z_streamp, gz_headerp), Z_STREAM_ERROR,    \
       (CK_SET_HEAD(a1)))                                                    \
    FN(int, inflate, 2, (z_streamp, int), Z_STREAM_ERROR, (CK_BUFFERS))      \
    FN(int, inflateEnd, 1, (z_streamp), Z_STREAM_ERROR, ())                  \
    FN(int, inflateSetDictionary, 3, (z_streamp, const Bytef *, uInt),      \
       Z_STREAM_ERROR, (CK_R0(a1, a2)))                                      \
    FN(int, inflateSync, 1, (z_streamp), Z_STREAM_ERROR, (CK_BUFFERS))       \
    FN(int, inflateSyncPoint, 1, (z_streamp), Z_STREAM_ERROR, ())            \
    FN(int, inflateReset, 1, (z_streamp), Z_STREAM_ERROR, ())                \
    FN(int, inflateReset2, 2, (z_streamp, int), Z_STREAM_ERROR, ())          \
    FN(int, inflateResetKeep, 1, (z_streamp), Z_STREAM_ERROR, ())            \
    FN(int, inflatePrime, 3, (z_streamp, int, int), Z_STREAM_ERROR, ())      \
    FN(long, inflateMark, 1, (z_streamp), -(1L << 16), ())                   \
    FN(int, inflateGetHeader, 2, (z_streamp, gz_headerp), Z_STREAM_ERROR,    \
       (CK_GET_HEAD(a1)))                                                    \
    FN(int, inflateUndermine, 2, (z_streamp, int), Z_STREAM_ERROR, ())       \
    FN(int, inflateValidate, 2, (z_streamp, int), Z_STREAM_ERROR, ())        \
    FN(unsigned long, inflateCodesUsed, 1, (z_streamp), (unsigned long)-1,   \
       ())

/* STREAM whose host entry is written by hand: the dictionary's length is
 * only known after the call, so it comes back through a host buffer. */
#define ZLIB_STREAM_HTL_BY_HAND(FN)                                         \
    FN(int, deflateGetDictionary, 3, (z_streamp, Bytef *, uInt *),          \
       Z_STREAM_ERROR)                                                       \
    FN(int, inflateGetDictionary, 3, (z_streamp, Bytef *, uInt *),          \
       Z_STREAM_ERROR)

/*
 * The stream functions that may call a stream's allocator: inits and
 * copies allocate, ends free, inflateReset2 frees a window of another
 * size, inflate and inflateSetDictionary allocate the window when they
 * first need it (zlib 1.2.x). A stream with the guest's own zalloc/zfree
 * runs on the host too, and these have a second host entry for it,
 * NAME_ga_HTL: NAME's arguments and one more, the guest's PtPause
 * (protocol/passthrough_pause.h), through which the host call asks the
 * guest to run its allocator (htl/guest_alloc.h). The others never
 * allocate, and take NAME_HTL whatever the allocator.
 */
#define ZLIB_CALLS_ALLOCATOR(X)                                             \
    X(deflateInit_) X(deflateInit2_) X(inflateInit_) X(inflateInit2_)       \
    X(deflateCopy) X(inflateCopy) X(deflateEnd) X(inflateEnd)               \
    X(inflateReset2) X(inflate) X(inflateSetDictionary)

/* CK_GZ: the argument must be a gzFile open on the host (and is claimed
 * for the call). */
#define ZLIB_GZ(FN)                                                         \
    FN(int, gzbuffer, 2, (gzFile, unsigned), -1, (CK_GZ(a0)))                \
    FN(int, gzsetparams, 3, (gzFile, int, int), Z_STREAM_ERROR, (CK_GZ(a0))) \
    FN(int, gzread, 3, (gzFile, voidp, unsigned), -1,                        \
       (CK_GZ(a0) CK_W(a1, a2)))                                             \
    FN(z_size_t, gzfread, 4, (voidp, z_size_t, z_size_t, gzFile), 0,         \
       (CK_GZ(a3) CK_W(a0, htl_mul(a1, a2))))                                \
    FN(int, gzwrite, 3, (gzFile, voidpc, unsigned), 0,                       \
       (CK_GZ(a0) CK_R(a1, a2)))                                             \
    FN(z_size_t, gzfwrite, 4, (voidpc, z_size_t, z_size_t, gzFile), 0,       \
       (CK_GZ(a3) CK_R(a0, htl_mul(a1, a2))))                                \
    FN(int, gzputs, 2, (gzFile, const char *), -1, (CK_GZ(a0) CK_S(a1)))     \
    FN(char *, gzgets, 3, (gzFile, char *, int), NULL,                       \
       (CK_GZ(a0) CK_W(a1, a2 > 0 ? (uint64_t)a2 : 0)))                      \
    FN(int, gzputc, 2, (gzFile, int), -1, (CK_GZ(a0)))                       \
    FN(int, gzgetc, 1, (gzFile), -1, (CK_GZ(a0)))                            \
    FN(int, gzgetc_, 1, (gzFile), -1, (CK_GZ(a0)))                           \
    FN(int, gzungetc, 2, (int, gzFile), -1, (CK_GZ(a1)))                     \
    FN(int, gzflush, 2, (gzFile, int), Z_STREAM_ERROR, (CK_GZ(a0)))          \
    FN(z_off_t, gzseek, 3, (gzFile, z_off_t, int), -1, (CK_GZ(a0)))          \
    FN(z_off64_t, gzseek64, 3, (gzFile, z_off64_t, int), -1, (CK_GZ(a0)))    \
    FN(int, gzrewind, 1, (gzFile), -1, (CK_GZ(a0)))                          \
    FN(z_off_t, gztell, 1, (gzFile), -1, (CK_GZ(a0)))                        \
    FN(z_off64_t, gztell64, 1, (gzFile), -1, (CK_GZ(a0)))                    \
    FN(z_off_t, gzoffset, 1, (gzFile), -1, (CK_GZ(a0)))                      \
    FN(z_off64_t, gzoffset64, 1, (gzFile), -1, (CK_GZ(a0)))                  \
    FN(int, gzeof, 1, (gzFile), 0, (CK_GZ(a0)))                              \
    FN(int, gzdirect, 1, (gzFile), 0, (CK_GZ(a0)))

#define ZLIB_GZ_VOID(FN)                                                    \
    FN(void, gzclearerr, 1, (gzFile), 0, (CK_GZ(a0)))

/* gzFile functions written by hand on both sides: the GTL keeps what the
 * guest named the file (for gzerror's messages) and copies messages out;
 * the host adds and removes files from its set of open ones. */
#define ZLIB_GZ_HANDWRITTEN(FN)                                             \
    FN(gzFile, gzdopen, 2, (int, const char *), NULL)                        \
    FN(const char *, gzerror, 2, (gzFile, int *), NULL)                      \
    FN(int, gzclose_r, 1, (gzFile), Z_STREAM_ERROR)                          \
    FN(int, gzclose_w, 1, (gzFile), Z_STREAM_ERROR)                          \
    FN(int, gzclose, 1, (gzFile), Z_STREAM_ERROR)

/* Host entries generated, GTL side in gtl/libz_handwritten.c. */
#define ZLIB_HANDWRITTEN(FN)                                                \
    FN(const z_crc_t *, get_crc_table, 0, (), NULL, ())

/* GTL side written by hand on top of other entries, no entry of their own:
 * gzopen, gzopen64 (guest open() + gzdopen), gzprintf, gzvprintf (guest
 * formatting + gzprintf_n), inflateBackInit_, inflateBack, inflateBackEnd
 * (host raw inflate driven from the guest, which calls in() and out()). */

/* Host entries written by hand (htl/), resolved by the GTL like the others:
 * gzprintf_n(file, text, len) writes len formatted bytes as gzprintf
 * would have. */
#define ZLIB_HTL_ONLY(FN)                                                   \
    FN(int, gzprintf_n, 3, (gzFile, const char *, int), -1)

/* Every zlib function with a host entry of its own. */
#define ZLIB_FUNCTIONS(FN)       \
    ZLIB_PLAIN(FN)               \
    ZLIB_PLAIN_HTL_BY_HAND(FN)   \
    ZLIB_SIZED(FN)               \
    ZLIB_STRING(FN)              \
    ZLIB_STREAM_INIT(FN)         \
    ZLIB_STREAM_COPY(FN)         \
    ZLIB_STREAM(FN)              \
    ZLIB_STREAM_HTL_BY_HAND(FN)  \
    ZLIB_GZ(FN)                  \
    ZLIB_GZ_VOID(FN)             \
    ZLIB_GZ_HANDWRITTEN(FN)      \
    ZLIB_HANDWRITTEN(FN)

/* Every host entry, for ids and entry names. */
#define ZLIB_ALL_ENTRIES(FN) \
    ZLIB_FUNCTIONS(FN)       \
    ZLIB_HTL_ONLY(FN)

#endif
