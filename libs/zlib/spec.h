/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for zlib: every function Debian 12's libz.so.1 (1.2.13)
 * exports, once, in spec/thunk.h's columns. Include <zlib.h> (with
 * _LARGEFILE64_SOURCE) first.
 *
 * Groups:
 * zstream  a z_stream the guest owns, mirrored on the host (its `state`
 *          holds the host's handle). A stream stays on the side that
 *          initialised it, for its whole life; one with the guest's own
 *          zalloc/zfree runs on the host too, through the NAME_ga_HTL
 *          entries of the rows that may allocate (inits and copies
 *          allocate, ends free, inflateReset2 frees a window of another
 *          size, inflate and inflateSetDictionary allocate the window when
 *          they first need it: zlib 1.2.x).
 * gzfile   a gzFile: the guest holds the host's gz_state pointer itself
 *          (zlib.h's gzgetc() macro reads its first fields in place),
 *          checked against the set of files open on the host. All of them
 *          on the host if every gzfile entry resolved, else all on the
 *          guest.
 *
 * The zlib HTL's hooks (htl.c): zstream_buffers checks the
 * stream's next_in/avail_in and next_out/avail_out; deflateSetHeader's
 * header is read in at the next deflate(), the one inflateGetHeader gives
 * is filled through a host copy after each inflate(); the dictionaries
 * come back through a host buffer, as their length is only known after
 * the call.
 *
 * Written by hand on the GTL side (HAND, gtl_handwritten.c): gzdopen
 * and gzerror (the GTL keeps what the guest named the file, for gzerror's
 * messages), gzclose* (it forgets it), get_crc_table (copied to guest
 * memory), gzprintf_n (a host function of the HTL's: writes a text the
 * guest's gzprintf formatted). Written there too, on top of these entries
 * and with none of their own: gzopen, gzopen64 (the guest opens the path,
 * the host's gzdopen takes the descriptor), gzprintf, gzvprintf (guest
 * formatting + gzprintf_n), inflateBackInit_, inflateBack, inflateBackEnd
 * (the host's raw inflate driven from the guest, which calls in() and
 * out()).
 */
#ifndef PASSTHROUGH_ZLIB_SPEC_H
#define PASSTHROUGH_ZLIB_SPEC_H

/* An ON row on a z_stream (a0), with hooks. */
#define ZS_ON(before, after) (PT_NOGA, 0, before, after)
#define ZS_ON_GA(pred, before, after) (PT_GA(pred), 0, before, after)
#define ZS_NONE ZS_ON(htl_no_before, htl_no_after)
#define GZ_ON(pos) (PT_NOGA, pos, htl_no_before, htl_no_after)
#define GZ_CLOSE (PT_NOGA, 0, gzfile_forget, htl_no_after)

#define ZLIB_FUNCTIONS(FN)                                                  \
    FN(PLAIN, none, uLong, compressBound, 1, (uLong), 0, (), ())             \
    FN(PLAIN, none, uLong, crc32_combine, 3, (uLong, uLong, z_off_t), 0, (), \
       ())                                                                   \
    FN(PLAIN, none, uLong, crc32_combine64, 3, (uLong, uLong, z_off64_t), 0, \
       (), ())                                                               \
    FN(PLAIN, none, uLong, crc32_combine_gen, 1, (z_off_t), 0, (), ())       \
    FN(PLAIN, none, uLong, crc32_combine_gen64, 1, (z_off64_t), 0, (), ())   \
    FN(PLAIN, none, uLong, crc32_combine_op, 3, (uLong, uLong, uLong), 0,    \
       (), ())                                                               \
    FN(PLAIN, none, uLong, adler32_combine, 3, (uLong, uLong, z_off_t), 0,   \
       (), ())                                                               \
    FN(PLAIN, none, uLong, adler32_combine64, 3, (uLong, uLong, z_off64_t),  \
       0, (), ())                                                            \
    FN(PLAIN, none, uLong, zlibCompileFlags, 0, (), 0, (), ())               \
    /* The buffers' sizes come from the lengths passed by pointer. */        \
    FN(PLAIN, none, int, compress, 4,                                        \
       (Bytef *, uLongf *, const Bytef *, uLong), Z_STREAM_ERROR,            \
       (CK_INOUT(1) CK_W(a0, *a1) CK_R(a2, a3)), ())                         \
    FN(PLAIN, none, int, compress2, 5,                                       \
       (Bytef *, uLongf *, const Bytef *, uLong, int), Z_STREAM_ERROR,       \
       (CK_INOUT(1) CK_W(a0, *a1) CK_R(a2, a3)), ())                         \
    FN(PLAIN, none, int, uncompress, 4,                                      \
       (Bytef *, uLongf *, const Bytef *, uLong), Z_STREAM_ERROR,            \
       (CK_INOUT(1) CK_W(a0, *a1) CK_R(a2, a3)), ())                         \
    FN(PLAIN, none, int, uncompress2, 4,                                     \
       (Bytef *, uLongf *, const Bytef *, uLong *), Z_STREAM_ERROR,          \
       (CK_INOUT(1) CK_INOUT(3) CK_W(a0, *a1) CK_R(a2, *a3)), ())            \
    /* A NULL buffer is zlib's way to ask for the initial value. */          \
    FN(SIZED, none, uLong, crc32, 3, (uLong, const Bytef *, uInt), 0,        \
       (CK_R0(a1, a2)), (a2, GTL_MIN_HOST_CRC32))                            \
    FN(SIZED, none, uLong, crc32_z, 3, (uLong, const Bytef *, z_size_t), 0,  \
       (CK_R0(a1, a2)), (a2, GTL_MIN_HOST_CRC32))                            \
    FN(SIZED, none, uLong, adler32, 3, (uLong, const Bytef *, uInt), 1,      \
       (CK_R0(a1, a2)), (a2, GTL_MIN_HOST_ADLER32))                          \
    FN(SIZED, none, uLong, adler32_z, 3, (uLong, const Bytef *, z_size_t),   \
       1, (CK_R0(a1, a2)), (a2, GTL_MIN_HOST_ADLER32))                       \
    FN(STRING, none, const char *, zlibVersion, 0, (), 0, (), ())            \
    FN(STRING, none, const char *, zError, 1, (int), 0, (), ())              \
    FN(HAND(PLAIN), none, const z_crc_t *, get_crc_table, 0, (), NULL, (),   \
       ())                                                                   \
    FN(NEW, zstream, int, deflateInit_, 4,                                   \
       (z_streamp, int, const char *, int), Z_STREAM_ERROR, (CK_S0(a2)),     \
       (PT_GA(htl_ga_always), 0))                                            \
    FN(NEW, zstream, int, deflateInit2_, 8,                                  \
       (z_streamp, int, int, int, int, int, const char *, int),              \
       Z_STREAM_ERROR, (CK_S0(a6)), (PT_GA(htl_ga_always), 0))               \
    FN(NEW, zstream, int, inflateInit_, 3, (z_streamp, const char *, int),   \
       Z_STREAM_ERROR, (CK_S0(a1)), (PT_GA(htl_ga_always), 0))               \
    FN(NEW, zstream, int, inflateInit2_, 4,                                  \
       (z_streamp, int, const char *, int), Z_STREAM_ERROR, (CK_S0(a2)),     \
       (PT_GA(htl_ga_always), 0))                                            \
    FN(COPY, zstream, int, deflateCopy, 2, (z_streamp, z_streamp),           \
       Z_STREAM_ERROR, (), (PT_GA(htl_ga_always), zstream_deflate_copied))   \
    FN(COPY, zstream, int, inflateCopy, 2, (z_streamp, z_streamp),           \
       Z_STREAM_ERROR, (), (PT_GA(htl_ga_always), zstream_inflate_copied))   \
    FN(ON, zstream, int, deflate, 2, (z_streamp, int), Z_STREAM_ERROR, (),   \
       ZS_ON(zstream_deflate_before, htl_no_after))                          \
    FN(ON, zstream, int, deflateEnd, 1, (z_streamp), Z_STREAM_ERROR, (),     \
       ZS_ON_GA(htl_ga_always, htl_no_before, htl_no_after))                 \
    FN(ON, zstream, int, deflateSetDictionary, 3,                            \
       (z_streamp, const Bytef *, uInt), Z_STREAM_ERROR, (CK_R0(a1, a2)),    \
       ZS_NONE)                                                              \
    FN(ON, zstream, int, deflateReset, 1, (z_streamp), Z_STREAM_ERROR, (),   \
       ZS_NONE)                                                              \
    FN(ON, zstream, int, deflateResetKeep, 1, (z_streamp), Z_STREAM_ERROR,   \
       (), ZS_NONE)                                                          \
    FN(ON, zstream, int, deflateParams, 3, (z_streamp, int, int),            \
       Z_STREAM_ERROR, (), ZS_ON(zstream_buffers, htl_no_after))             \
    FN(ON, zstream, int, deflateTune, 5, (z_streamp, int, int, int, int),    \
       Z_STREAM_ERROR, (), ZS_NONE)                                          \
    FN(ON, zstream, uLong, deflateBound, 2, (z_streamp, uLong), 0, (),       \
       ZS_NONE)                                                              \
    FN(ON, zstream, int, deflatePending, 3, (z_streamp, unsigned *, int *),  \
       Z_STREAM_ERROR,                                                       \
       (CK_W0(a1, sizeof(unsigned)) CK_W0(a2, sizeof(int))), ZS_NONE)        \
    FN(ON, zstream, int, deflatePrime, 3, (z_streamp, int, int),             \
       Z_STREAM_ERROR, (), ZS_NONE)                                          \
    FN(ON, zstream, int, deflateSetHeader, 2, (z_streamp, gz_headerp),       \
       Z_STREAM_ERROR, (), ZS_ON(zstream_set_head, zstream_head_failed))     \
    FN(ON, zstream, int, deflateGetDictionary, 3,                            \
       (z_streamp, Bytef *, uInt *), Z_STREAM_ERROR, (CK_INOUT0(2)),         \
       ZS_ON(zstream_dict_before, zstream_dict_after))                       \
    FN(ON, zstream, int, inflate, 2, (z_streamp, int), Z_STREAM_ERROR, (),   \
       ZS_ON_GA(zstream_no_window, zstream_buffers, zstream_head_out))       \
    FN(ON, zstream, int, inflateEnd, 1, (z_streamp), Z_STREAM_ERROR, (),     \
       ZS_ON_GA(htl_ga_always, htl_no_before, htl_no_after))                 \
    FN(ON, zstream, int, inflateSetDictionary, 3,                            \
       (z_streamp, const Bytef *, uInt), Z_STREAM_ERROR, (CK_R0(a1, a2)),    \
       ZS_ON_GA(zstream_no_window, htl_no_before, htl_no_after))             \
    FN(ON, zstream, int, inflateGetDictionary, 3,                            \
       (z_streamp, Bytef *, uInt *), Z_STREAM_ERROR, (CK_INOUT0(2)),         \
       ZS_ON(zstream_dict_before, zstream_dict_after))                       \
    FN(ON, zstream, int, inflateSync, 1, (z_streamp), Z_STREAM_ERROR, (),    \
       ZS_ON(zstream_buffers, htl_no_after))                                 \
    FN(ON, zstream, int, inflateSyncPoint, 1, (z_streamp), Z_STREAM_ERROR,   \
       (), ZS_NONE)                                                          \
    FN(ON, zstream, int, inflateReset, 1, (z_streamp), Z_STREAM_ERROR, (),   \
       ZS_ON(htl_no_before, zstream_reset_done))                             \
    FN(ON, zstream, int, inflateReset2, 2, (z_streamp, int), Z_STREAM_ERROR, \
       (), ZS_ON_GA(htl_ga_always, htl_no_before, zstream_reset_done))       \
    FN(ON, zstream, int, inflateResetKeep, 1, (z_streamp), Z_STREAM_ERROR,   \
       (), ZS_ON(htl_no_before, zstream_reset_done))                         \
    FN(ON, zstream, int, inflatePrime, 3, (z_streamp, int, int),             \
       Z_STREAM_ERROR, (), ZS_NONE)                                          \
    FN(ON, zstream, long, inflateMark, 1, (z_streamp), -(1L << 16), (),      \
       ZS_NONE)                                                              \
    FN(ON, zstream, int, inflateGetHeader, 2, (z_streamp, gz_headerp),       \
       Z_STREAM_ERROR, (), ZS_ON(zstream_get_head, zstream_head_failed))     \
    FN(ON, zstream, int, inflateUndermine, 2, (z_streamp, int),              \
       Z_STREAM_ERROR, (), ZS_NONE)                                          \
    FN(ON, zstream, int, inflateValidate, 2, (z_streamp, int),               \
       Z_STREAM_ERROR, (), ZS_NONE)                                          \
    FN(ON, zstream, unsigned long, inflateCodesUsed, 1, (z_streamp),         \
       (unsigned long)-1, (), ZS_NONE)                                       \
    FN(HAND(NEW), gzfile, gzFile, gzdopen, 2, (int, const char *), NULL,     \
       (CK_S(a1)), (PT_NOGA, 0))                                             \
    FN(HAND(ON), gzfile, const char *, gzerror, 2, (gzFile, int *), NULL,    \
       (CK_W0(a1, sizeof(int))), GZ_ON(0))                                   \
    FN(HAND(ON), gzfile, int, gzclose_r, 1, (gzFile), Z_STREAM_ERROR, (),    \
       GZ_CLOSE)                                                             \
    FN(HAND(ON), gzfile, int, gzclose_w, 1, (gzFile), Z_STREAM_ERROR, (),    \
       GZ_CLOSE)                                                             \
    FN(HAND(ON), gzfile, int, gzclose, 1, (gzFile), Z_STREAM_ERROR, (),      \
       GZ_CLOSE)                                                             \
    FN(HAND(ON), gzfile, int, gzprintf_n, 3, (gzFile, const char *, int),    \
       -1, (CK_IF(a2 >= 0) CK_R(a1, a2)), GZ_ON(0))                          \
    FN(ON, gzfile, int, gzbuffer, 2, (gzFile, unsigned), -1, (), GZ_ON(0))   \
    FN(ON, gzfile, int, gzsetparams, 3, (gzFile, int, int), Z_STREAM_ERROR,  \
       (), GZ_ON(0))                                                         \
    FN(ON, gzfile, int, gzread, 3, (gzFile, voidp, unsigned), -1,            \
       (CK_W(a1, a2)), GZ_ON(0))                                             \
    FN(ON, gzfile, z_size_t, gzfread, 4,                                     \
       (voidp, z_size_t, z_size_t, gzFile), 0,                               \
       (CK_W(a0, htl_mul(a1, a2))), GZ_ON(3))                                \
    FN(ON, gzfile, int, gzwrite, 3, (gzFile, voidpc, unsigned), 0,           \
       (CK_R(a1, a2)), GZ_ON(0))                                             \
    FN(ON, gzfile, z_size_t, gzfwrite, 4,                                    \
       (voidpc, z_size_t, z_size_t, gzFile), 0,                              \
       (CK_R(a0, htl_mul(a1, a2))), GZ_ON(3))                                \
    FN(ON, gzfile, int, gzputs, 2, (gzFile, const char *), -1, (CK_S(a1)),   \
       GZ_ON(0))                                                             \
    FN(ON, gzfile, char *, gzgets, 3, (gzFile, char *, int), NULL,           \
       (CK_W(a1, a2 > 0 ? (uint64_t)a2 : 0)), GZ_ON(0))                      \
    FN(ON, gzfile, int, gzputc, 2, (gzFile, int), -1, (), GZ_ON(0))          \
    FN(ON, gzfile, int, gzgetc, 1, (gzFile), -1, (), GZ_ON(0))               \
    FN(ON, gzfile, int, gzgetc_, 1, (gzFile), -1, (), GZ_ON(0))              \
    FN(ON, gzfile, int, gzungetc, 2, (int, gzFile), -1, (), GZ_ON(1))        \
    FN(ON, gzfile, int, gzflush, 2, (gzFile, int), Z_STREAM_ERROR, (),       \
       GZ_ON(0))                                                             \
    FN(ON, gzfile, z_off_t, gzseek, 3, (gzFile, z_off_t, int), -1, (),       \
       GZ_ON(0))                                                             \
    FN(ON, gzfile, z_off64_t, gzseek64, 3, (gzFile, z_off64_t, int), -1, (), \
       GZ_ON(0))                                                             \
    FN(ON, gzfile, int, gzrewind, 1, (gzFile), -1, (), GZ_ON(0))             \
    FN(ON, gzfile, z_off_t, gztell, 1, (gzFile), -1, (), GZ_ON(0))           \
    FN(ON, gzfile, z_off64_t, gztell64, 1, (gzFile), -1, (), GZ_ON(0))       \
    FN(ON, gzfile, z_off_t, gzoffset, 1, (gzFile), -1, (), GZ_ON(0))         \
    FN(ON, gzfile, z_off64_t, gzoffset64, 1, (gzFile), -1, (), GZ_ON(0))     \
    FN(ON, gzfile, int, gzeof, 1, (gzFile), 0, (), GZ_ON(0))                 \
    FN(ON, gzfile, int, gzdirect, 1, (gzFile), 0, (), GZ_ON(0))              \
    FN(ON, gzfile, void, gzclearerr, 1, (gzFile), 0, (), GZ_ON(0))

#endif
