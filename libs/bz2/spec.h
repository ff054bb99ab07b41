/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for libbz2: every function Debian's libbz2.so.1.0 (1.0.8)
 * exports, once, in spec/thunk.h's columns. Include <bzlib.h> first. (Its
 * two data tables, BZ2_crc32Table and BZ2_rNums, are the guest copy's,
 * exported by the GTL's version map.)
 *
 * Groups bzcomp and bzdecomp: a bz_stream the guest owns, mirrored on the
 * host (its `state` holds the host's handle), set up for compressing or
 * for decompressing. They are two groups with a table each, so a
 * compressor's handle given to BZ2_bzDecompress names no decompressor:
 * libbz2 would take one state for the other, and the host refuses it
 * (BZ_PARAM_ERROR). A stream with the guest's own bzalloc/bzfree runs on
 * the host too; the calls that allocate or free (the set-ups, the ends,
 * and BZ2_bzDecompress, which allocates its block tables when it reads a
 * stream's header) take their NAME_ga_HTL entry, which pauses for the
 * guest to run the allocator.
 *
 * On the host: the streams, and the buffer-to-buffer functions (libbz2's
 * own allocator). Written by hand in the GTL (HAND(GUEST), no host
 * entry): the FILE functions, over the stream functions above, so the
 * guest's C library does the I/O on its own FILE and the host does the
 * coding (libs/bz2/gtl_file.c). On the guest (GUEST): the version, and
 * libbz2's internal functions, which work on its state structs in guest
 * memory (EState and DState, void * here).
 */
#ifndef PASSTHROUGH_BZ2_SPEC_H
#define PASSTHROUGH_BZ2_SPEC_H

#define BZ_NEW (PT_GA(htl_ga_always), 0)
#define BZ_CODE (PT_NOGA, 0, bz_buffers, htl_no_after)
#define BZ_CODE_GA (PT_GA(htl_ga_always), 0, bz_buffers, htl_no_after)
#define BZ_END (PT_GA(htl_ga_always), 0, htl_no_before, htl_no_after)
#define BZ_GUEST (0)

#define BZ2_FUNCTIONS(FN)                                                    \
    /* Streams. */                                                           \
    FN(NEW, bzcomp, int, BZ2_bzCompressInit, 4, (bz_stream *, int, int, int),\
       BZ_PARAM_ERROR, (), BZ_NEW)                                           \
    FN(ON, bzcomp, int, BZ2_bzCompress, 2, (bz_stream *, int),               \
       BZ_PARAM_ERROR, (), BZ_CODE)                                          \
    FN(ON, bzcomp, int, BZ2_bzCompressEnd, 1, (bz_stream *), BZ_PARAM_ERROR, \
       (), BZ_END)                                                           \
    FN(NEW, bzdecomp, int, BZ2_bzDecompressInit, 3, (bz_stream *, int, int), \
       BZ_PARAM_ERROR, (), BZ_NEW)                                           \
    FN(ON, bzdecomp, int, BZ2_bzDecompress, 1, (bz_stream *),                \
       BZ_PARAM_ERROR, (), BZ_CODE_GA)                                       \
    FN(ON, bzdecomp, int, BZ2_bzDecompressEnd, 1, (bz_stream *),             \
       BZ_PARAM_ERROR, (), BZ_END)                                           \
    /* Buffer to buffer, with libbz2's own allocator. */                    \
    FN(PLAIN, none, int, BZ2_bzBuffToBuffCompress, 7,                       \
       (char *, unsigned int *, char *, unsigned int, int, int, int),        \
       BZ_PARAM_ERROR, (CK_INOUT(1) CK_W(a0, *a1) CK_R(a2, a3)), ())         \
    FN(PLAIN, none, int, BZ2_bzBuffToBuffDecompress, 6,                     \
       (char *, unsigned int *, char *, unsigned int, int, int),             \
       BZ_PARAM_ERROR, (CK_INOUT(1) CK_W(a0, *a1) CK_R(a2, a3)), ())         \
    /* FILE functions: the GTL's, over the streams. */                       \
    FN(HAND(GUEST), none, BZFILE *, BZ2_bzReadOpen, 6,                       \
       (int *, FILE *, int, int, void *, int), NULL, (), BZ_GUEST)           \
    FN(HAND(GUEST), none, void, BZ2_bzReadClose, 2, (int *, BZFILE *), 0,    \
       (), BZ_GUEST)                                                         \
    FN(HAND(GUEST), none, void, BZ2_bzReadGetUnused, 4,                      \
       (int *, BZFILE *, void **, int *), 0, (), BZ_GUEST)                   \
    FN(HAND(GUEST), none, int, BZ2_bzRead, 4, (int *, BZFILE *, void *, int),\
       0, (), BZ_GUEST)                                                      \
    FN(HAND(GUEST), none, BZFILE *, BZ2_bzWriteOpen, 5,                      \
       (int *, FILE *, int, int, int), NULL, (), BZ_GUEST)                   \
    FN(HAND(GUEST), none, void, BZ2_bzWrite, 4,                              \
       (int *, BZFILE *, void *, int), 0, (), BZ_GUEST)                      \
    FN(HAND(GUEST), none, void, BZ2_bzWriteClose, 5,                         \
       (int *, BZFILE *, int, unsigned int *, unsigned int *), 0, (),        \
       BZ_GUEST)                                                             \
    FN(HAND(GUEST), none, void, BZ2_bzWriteClose64, 7,                       \
       (int *, BZFILE *, int, unsigned int *, unsigned int *,                \
        unsigned int *, unsigned int *), 0, (), BZ_GUEST)                    \
    FN(HAND(GUEST), none, BZFILE *, BZ2_bzopen, 2,                           \
       (const char *, const char *), NULL, (), BZ_GUEST)                     \
    FN(HAND(GUEST), none, BZFILE *, BZ2_bzdopen, 2, (int, const char *),     \
       NULL, (), BZ_GUEST)                                                   \
    FN(HAND(GUEST), none, int, BZ2_bzread, 3, (BZFILE *, void *, int), -1,   \
       (), BZ_GUEST)                                                         \
    FN(HAND(GUEST), none, int, BZ2_bzwrite, 3, (BZFILE *, void *, int), -1,  \
       (), BZ_GUEST)                                                         \
    FN(HAND(GUEST), none, int, BZ2_bzflush, 1, (BZFILE *), 0, (), BZ_GUEST)  \
    FN(HAND(GUEST), none, void, BZ2_bzclose, 1, (BZFILE *), 0, (), BZ_GUEST) \
    FN(HAND(GUEST), none, const char *, BZ2_bzerror, 2, (BZFILE *, int *),   \
       NULL, (), BZ_GUEST)                                                   \
    /* Cheaper emulated than a round trip. */                                \
    FN(GUEST, none, const char *, BZ2_bzlibVersion, 0, (), NULL, (),         \
       BZ_GUEST)                                                             \
    /* libbz2's internals, on its state structs in guest memory. */          \
    FN(GUEST, none, void, BZ2_blockSort, 1, (void *), 0, (), BZ_GUEST)       \
    FN(GUEST, none, void, BZ2_bsInitWrite, 1, (void *), 0, (), BZ_GUEST)     \
    FN(GUEST, none, void, BZ2_compressBlock, 2, (void *, unsigned char), 0,  \
       (), BZ_GUEST)                                                         \
    FN(GUEST, none, int, BZ2_decompress, 1, (void *), 0, (), BZ_GUEST)       \
    FN(GUEST, none, int, BZ2_indexIntoF, 2, (int, int *), 0, (), BZ_GUEST)   \
    FN(GUEST, none, void, BZ2_hbAssignCodes, 5,                              \
       (int *, unsigned char *, int, int, int), 0, (), BZ_GUEST)             \
    FN(GUEST, none, void, BZ2_hbCreateDecodeTables, 7,                       \
       (int *, int *, int *, unsigned char *, int, int, int), 0, (),         \
       BZ_GUEST)                                                             \
    FN(GUEST, none, void, BZ2_hbMakeCodeLengths, 4,                          \
       (unsigned char *, int *, int, int), 0, (), BZ_GUEST)                  \
    FN(GUEST, none, void, BZ2_bz__AssertH__fail, 1, (int), 0, (), BZ_GUEST)

#endif
