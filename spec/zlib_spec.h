/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for zlib: every function passed through, once. Include
 * <zlib.h> first. Each X-macro gets (return type, name, arity, (types)).
 *
 * ZLIB_VALUE_FUNCTIONS: plain values and guest buffers used in place
 * (zero copy: guest_base == 0), result returned as is.
 * ZLIB_STRING_FUNCTIONS: return a pointer to a static string of the
 * library's; the GTL copies it into guest memory so the guest may hand it
 * to system calls (QEMU checks their buffers against guest mappings).
 */
#ifndef PASSTHROUGH_ZLIB_SPEC_H
#define PASSTHROUGH_ZLIB_SPEC_H

#define ZLIB_VALUE_FUNCTIONS(FN)                                             \
    FN(uLong, compressBound, 1, (uLong))                                      \
    FN(int, compress, 4, (Bytef *, uLongf *, const Bytef *, uLong))           \
    FN(int, compress2, 5, (Bytef *, uLongf *, const Bytef *, uLong, int))     \
    FN(int, uncompress, 4, (Bytef *, uLongf *, const Bytef *, uLong))         \
    FN(uLong, crc32, 3, (uLong, const Bytef *, uInt))                         \
    FN(uLong, adler32, 3, (uLong, const Bytef *, uInt))

#define ZLIB_STRING_FUNCTIONS(FN)                                            \
    FN(const char *, zlibVersion, 0, ())

#define ZLIB_ALL_FUNCTIONS(FN) \
    ZLIB_VALUE_FUNCTIONS(FN)   \
    ZLIB_STRING_FUNCTIONS(FN)

#endif
