/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for libzstd: every function Debian 12's libzstd.so.1
 * (1.5.4) exports, once, in spec/thunk.h's columns; and, for guests whose
 * programs come from Debian 13 (riscv64: 1.5.7), the four added since.
 * Include <zstd.h> (ZSTD_STATIC_LINKING_ONLY), <zdict.h>
 * (ZDICT_STATIC_LINKING_ONLY) and <zstd_errors.h> first.
 *
 * Objects: contexts (zcctx: ZSTD_CCtx, which is also ZSTD_CStream;
 * zdctx), dictionaries (zcdict, zddict) and compression parameters
 * (zcparams), made on the host by the plain creators: the guest holds a
 * handle where it would hold a pointer (opaque to it). A context is used
 * by one call at a time; dictionaries and parameters may be shared by
 * threads, and a dictionary a context references lives on in the host
 * until that context lets go of it, whenever the guest frees it
 * (libs/zstd/htl.c). What the host would keep a guest pointer for, it
 * keeps a copy of (prefixes, dictionaries "by reference").
 *
 * Objects made with the program's own allocator (ZSTD_customMem) are the
 * host's too: libzstd's blocks are host memory, each one asked of the
 * program's allocator as libzstd takes it and given back as libzstd
 * frees it, through paused calls (htl/guest_alloc.h); the calls that may
 * allocate or free take their NAME_ga_HTL entry on such objects. Blocks
 * libzstd's worker threads take (ZSTD_c_nbWorkers), which cannot pause,
 * are asked of the program's allocator by a service thread the GTL runs
 * while such a context has workers (PtServe,
 * protocol/passthrough_pause.h);
 * the blocks they free go back at the context's next call. ZSTD_copyCCtx
 * on the host, which gives the copy the source's allocator, is refused if
 * either context has the program's.
 *
 * On the guest's own libzstd (GUEST): the queries and frame parsers that
 * cost less emulated than a round trip; objects in a workspace the
 * program gives (initStatic*); thread pools; the buffer-less functions
 * (compressBegin/Continue, decompressContinue, blocks), whose window is
 * the program's own earlier buffers, which the host cannot keep a hold
 * of. A host context given to those runs them on a guest context that
 * stands in for it (its shadow, made at its first such call with its
 * allocator, freed with it: libs/zstd/gtl.c), and ZSTD_copyCCtx of a
 * context so begun and ZSTD_copyDCtx copy shadows. A copy made on the
 * host (of a context begun by streaming) goes on on the host: each piece
 * the program gives is copied to a mirror of its earlier ones, where it
 * sits as it does in the guest's memory (libs/zstd/htl.c). Refused where
 * libzstd would read what the host cannot vouch for: a copy whose source
 * dropped its dictionary (which libzstd frees) since its frame began, or
 * since the copy; into a context with a stream under way; of a copy that
 * made blocks; after a call on either failed. A host dictionary given to
 * them gets the row's error. ZSTD_generateSequences, after which 1.5.4's
 * context goes on writing sequences to the program's array, runs on the
 * guest's contexts only: a host one gets the error. A guest thread pool
 * given to a host context leaves it with the host's own workers (the
 * output is the same).
 *
 * A sequence producer (program code) registered on a host context is the
 * host's to call as libzstd's, through its calls' pauses: the host copies
 * the block into a guest buffer (PT_PAUSE_SCRATCH), has the GTL run the
 * producer on it (PT_PAUSE_CALL, a ZstdProducerCall) and takes back the
 * sequences it made, checked (libs/zstd/htl.c). Such a context's calls
 * take their NAME_ga_HTL entries, whatever its allocator.
 */
#ifndef PASSTHROUGH_ZSTD_SPEC_H
#define PASSTHROUGH_ZSTD_SPEC_H

#include <stdint.h>

/*
 * A sequence producer's call, as the HTL writes it into the guest buffer
 * it asked for (guest addresses; the sequences' room, the block and the
 * dictionary follow it there) and the GTL makes it: the producer's
 * arguments, in ZSTD_sequenceProducer_F's order.
 */
typedef struct ZstdProducerCall {
    uint64_t fn;             /* ZSTD_sequenceProducer_F *, the program's */
    uint64_t state;
    uint64_t seqs;           /* ZSTD_Sequence[capacity] */
    uint64_t capacity;
    uint64_t src;
    uint64_t src_size;
    uint64_t dict;
    uint64_t dict_size;
    int64_t level;
    uint64_t window;
} ZstdProducerCall;

/*
 * 1.5.6 made targetCBlockSize a stable parameter with a number of its own;
 * a GTL built from a newer libzstd than the host's gives the host's
 * number for it (libs/zstd/gtl.c): the parameter setters are HAND there.
 */
#if ZSTD_VERSION_NUMBER >= 10506
#define ZSTD_CPARAM_KIND HAND(ON)
#else
#define ZSTD_CPARAM_KIND ON
#endif

/* What a refused call returns, as libzstd reports errors. */
#define ZSTD_REFUSED ((size_t)-(int)ZSTD_error_GENERIC)

/*
 * Extras: a creator's customMem argument (-1: none; Z_NEW_MEM: one, the
 * guest's allocator asked through pauses, NAME_ga_HTL); an ON row's
 * object, hooks. Z_GA...: a context's calls that may allocate or free
 * (and the dictionaries' frees), which on an object with the guest's
 * allocator take their NAME_ga_HTL entry; the rest (Z_ON...) allocate
 * nothing.
 */
#define Z_NEW(mem) (PT_NOGA, mem)
#define Z_NEW_MEM(mem) (PT_GA(htl_ga_always), mem)
#define Z_ON (PT_NOGA, 0, htl_no_before, htl_no_after)
#define Z_ON_B(before) (PT_NOGA, 0, before, htl_no_after)
#define Z_GA (PT_GA(htl_ga_always), 0, htl_no_before, htl_no_after)
#define Z_GA_A(after) (PT_GA(htl_ga_always), 0, htl_no_before, after)
#define Z_PREFIX (PT_GA(htl_ga_always), 0, z_prefix_before, z_prefix_after)
/*
 * A compression context's calls that change what its window may read
 * (libs/zstd/htl.c, copies): Z_DICT...: that may free its dictionary
 * (which its copies may read) and leave no stream under way; Z_ONESHOT:
 * a frame of its own, over; Z_STREAM...: one under way, over at its end;
 * Z_CONTINUE...: a copy's buffer-less frame.
 */
#define Z_DICT (PT_GA(htl_ga_always), 0, z_dict_before, z_no_stream_after)
#define Z_DICT_REF (PT_GA(htl_ga_always), 0, z_dict_before, z_dict_ref_after)
#define Z_RESET (PT_GA(htl_ga_always), 0, z_reset_before, z_reset_after)
#define Z_NO_STREAM (PT_NOGA, 0, htl_no_before, z_no_stream_after)
#define Z_ONESHOT \
    (PT_GA(htl_ga_always), 0, z_oneshot_before, z_oneshot_after)
#define Z_COMPRESS2 \
    (PT_GA(htl_ga_always), 0, z_compress2_before, z_compress2_after)
#define Z_STREAM (PT_GA(htl_ga_always), 0, z_stream_before, z_stream_after)
#define Z_STREAM2 (PT_GA(htl_ga_always), 0, z_stream_before, z_stream2_after)
#define Z_STREAM2_ARGS \
    (PT_GA(htl_ga_always), 0, z_stream_before, z_stream2_args_after)
#define Z_END_STREAM \
    (PT_GA(htl_ga_always), 0, z_stream_before, z_end_stream_after)
#define Z_CONTINUE \
    (PT_GA(htl_ga_always), 0, z_continue_before, z_continue_after)
#define Z_CONTINUE_END \
    (PT_GA(htl_ga_always), 0, z_continue_before, z_end_after)
#define Z_SEQUENCES (PT_GA(htl_ga_always), 0, z_seq_before, z_seq_after)
#define Z_FREE (PT_GA(htl_ga_always), 0, z_free_before, htl_no_after)
#define Z_FREE_PARAMS (PT_NOGA, 0, z_free_before, htl_no_after)
#define Z_COPY (PT_NOGA, z_copied)
#define Z_GUEST (0)

#define ZSTD_FUNCTIONS(FN)                                                   \
    /* One-shot, no object. */                                               \
    FN(PLAIN, none, size_t, ZSTD_compress, 5,                                \
       (void *, size_t, const void *, size_t, int), ZSTD_REFUSED,            \
       (CK_W(a0, a1) CK_R(a2, a3)), ())                                      \
    FN(PLAIN, none, size_t, ZSTD_decompress, 4,                              \
       (void *, size_t, const void *, size_t), ZSTD_REFUSED,                 \
       (CK_W(a0, a1) CK_R(a2, a3)), ())                                      \
    /* Compression contexts (and streams, the same type). */                 \
    FN(NEW, zcctx, ZSTD_CCtx *, ZSTD_createCCtx, 0, (), NULL, (), Z_NEW(-1)) \
    FN(NEW, zcctx, ZSTD_CStream *, ZSTD_createCStream, 0, (), NULL, (),      \
       Z_NEW(-1))                                                            \
    FN(NEW, zcctx, ZSTD_CCtx *, ZSTD_createCCtx_advanced, 1,                 \
       (ZSTD_customMem), NULL, (), Z_NEW_MEM(0))                             \
    FN(NEW, zcctx, ZSTD_CStream *, ZSTD_createCStream_advanced, 1,           \
       (ZSTD_customMem), NULL, (), Z_NEW_MEM(0))                             \
    FN(ON, zcctx, size_t, ZSTD_freeCCtx, 1, (ZSTD_CCtx *), ZSTD_REFUSED, (), \
       Z_FREE)                                                               \
    FN(ON, zcctx, size_t, ZSTD_freeCStream, 1, (ZSTD_CStream *),             \
       ZSTD_REFUSED, (), Z_FREE)                                             \
    FN(ON, zcctx, size_t, ZSTD_compressCCtx, 6,                              \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t, int),             \
       ZSTD_REFUSED, (CK_W(a1, a2) CK_R(a3, a4)), Z_ONESHOT)                 \
    FN(ON, zcctx, size_t, ZSTD_compress2, 5,                                 \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (CK_W(a1, a2) CK_R(a3, a4)), Z_COMPRESS2)                             \
    FN(ON, zcctx, size_t, ZSTD_compress_usingDict, 8,                        \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t, const void *,     \
        size_t, int), ZSTD_REFUSED,                                          \
       (CK_W(a1, a2) CK_R(a3, a4) CK_R(a5, a6)), Z_ONESHOT)                  \
    FN(ON, zcctx, size_t, ZSTD_compress_advanced, 8,                         \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t, const void *,     \
        size_t, ZSTD_parameters), ZSTD_REFUSED,                              \
       (CK_W(a1, a2) CK_R(a3, a4) CK_R(a5, a6)), Z_ONESHOT)                  \
    FN(ON, zcctx, size_t, ZSTD_compress_usingCDict, 6,                       \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t,                   \
        const ZSTD_CDict *), ZSTD_REFUSED,                                   \
       (CK_W(a1, a2) CK_R(a3, a4) CK_OBJ(5, zcdict)), Z_ONESHOT)             \
    FN(ON, zcctx, size_t, ZSTD_compress_usingCDict_advanced, 7,              \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t,                   \
        const ZSTD_CDict *, ZSTD_frameParameters), ZSTD_REFUSED,             \
       (CK_W(a1, a2) CK_R(a3, a4) CK_OBJ(5, zcdict)), Z_ONESHOT)             \
    FN(ZSTD_CPARAM_KIND, zcctx, size_t, ZSTD_CCtx_setParameter, 3,           \
       (ZSTD_CCtx *, ZSTD_cParameter, int), ZSTD_REFUSED, (),                \
       Z_ON_B(z_cparam_before))                                              \
    FN(ZSTD_CPARAM_KIND, zcctx, size_t, ZSTD_CCtx_getParameter, 3,           \
       (const ZSTD_CCtx *, ZSTD_cParameter, int *), ZSTD_REFUSED,            \
       (CK_W(a2, sizeof(int))), Z_ON)                                        \
    FN(ON, zcctx, size_t, ZSTD_CCtx_setPledgedSrcSize, 2,                    \
       (ZSTD_CCtx *, unsigned long long), ZSTD_REFUSED, (), Z_ON)            \
    FN(ON, zcctx, size_t, ZSTD_CCtx_reset, 2,                                \
       (ZSTD_CCtx *, ZSTD_ResetDirective), ZSTD_REFUSED, (), Z_RESET)        \
    FN(ON, zcctx, size_t, ZSTD_CCtx_setCParams, 2,                           \
       (ZSTD_CCtx *, ZSTD_compressionParameters), ZSTD_REFUSED, (), Z_ON)    \
    FN(ON, zcctx, size_t, ZSTD_CCtx_setParametersUsingCCtxParams, 2,         \
       (ZSTD_CCtx *, const ZSTD_CCtx_params *), ZSTD_REFUSED,                \
       (CK_OBJ(1, zcparams)), Z_ON)                                          \
    FN(ON, zcctx, size_t, ZSTD_CCtx_loadDictionary, 3,                       \
       (ZSTD_CCtx *, const void *, size_t), ZSTD_REFUSED, (CK_R(a1, a2)),    \
       Z_DICT)                                                               \
    FN(ON, zcctx, size_t, ZSTD_CCtx_loadDictionary_advanced, 5,              \
       (ZSTD_CCtx *, const void *, size_t, ZSTD_dictLoadMethod_e,            \
        ZSTD_dictContentType_e), ZSTD_REFUSED,                               \
       (CK_R(a1, a2) CK_SET(3, ZSTD_dlm_byCopy)), Z_DICT)                    \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_CCtx_loadDictionary_byReference, 3,  \
       (ZSTD_CCtx *, const void *, size_t), ZSTD_REFUSED, (), Z_GUEST)       \
    FN(ON, zcctx, size_t, ZSTD_CCtx_refCDict, 2,                             \
       (ZSTD_CCtx *, const ZSTD_CDict *), ZSTD_REFUSED,                      \
       (CK_OBJ0(1, zcdict)), Z_DICT_REF)                                     \
    FN(ON, zcctx, size_t, ZSTD_CCtx_refPrefix, 3,                            \
       (ZSTD_CCtx *, const void *, size_t), ZSTD_REFUSED, (CK_R(a1, a2)),    \
       Z_PREFIX)                                                             \
    FN(ON, zcctx, size_t, ZSTD_CCtx_refPrefix_advanced, 4,                   \
       (ZSTD_CCtx *, const void *, size_t, ZSTD_dictContentType_e),          \
       ZSTD_REFUSED, (CK_R(a1, a2)), Z_PREFIX)                               \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_CCtx_refThreadPool, 2,               \
       (ZSTD_CCtx *, ZSTD_threadPool *), ZSTD_REFUSED, (), Z_GUEST)          \
    FN(ON, zcctx, size_t, ZSTD_compressStream2, 4,                           \
       (ZSTD_CCtx *, ZSTD_outBuffer *, ZSTD_inBuffer *, ZSTD_EndDirective),  \
       ZSTD_REFUSED, (CK_STREAM(1, 2)), Z_STREAM2)                           \
    FN(ON, zcctx, size_t, ZSTD_compressStream2_simpleArgs, 8,                \
       (ZSTD_CCtx *, void *, size_t, size_t *, const void *, size_t,         \
        size_t *, ZSTD_EndDirective), ZSTD_REFUSED,                          \
       (CK_INOUT(3) CK_INOUT(6) CK_W(a1, a2) CK_R(a4, a5)), Z_STREAM2_ARGS)  \
    FN(ON, zcctx, size_t, ZSTD_compressStream, 3,                            \
       (ZSTD_CStream *, ZSTD_outBuffer *, ZSTD_inBuffer *), ZSTD_REFUSED,    \
       (CK_STREAM(1, 2)), Z_STREAM)                                          \
    FN(ON, zcctx, size_t, ZSTD_flushStream, 2,                               \
       (ZSTD_CStream *, ZSTD_outBuffer *), ZSTD_REFUSED, (CK_STREAM(1, -1)), \
       Z_STREAM)                                                             \
    FN(ON, zcctx, size_t, ZSTD_endStream, 2,                                 \
       (ZSTD_CStream *, ZSTD_outBuffer *), ZSTD_REFUSED, (CK_STREAM(1, -1)), \
       Z_END_STREAM)                                                         \
    FN(ON, zcctx, size_t, ZSTD_initCStream, 2, (ZSTD_CStream *, int),        \
       ZSTD_REFUSED, (), Z_DICT)                                             \
    FN(ON, zcctx, size_t, ZSTD_initCStream_srcSize, 3,                       \
       (ZSTD_CStream *, int, unsigned long long), ZSTD_REFUSED, (), Z_DICT)  \
    FN(ON, zcctx, size_t, ZSTD_initCStream_usingDict, 4,                     \
       (ZSTD_CStream *, const void *, size_t, int), ZSTD_REFUSED,            \
       (CK_R(a1, a2)), Z_DICT)                                               \
    FN(ON, zcctx, size_t, ZSTD_initCStream_advanced, 5,                      \
       (ZSTD_CStream *, const void *, size_t, ZSTD_parameters,               \
        unsigned long long), ZSTD_REFUSED, (CK_R(a1, a2)), Z_DICT)           \
    FN(ON, zcctx, size_t, ZSTD_initCStream_usingCDict, 2,                    \
       (ZSTD_CStream *, const ZSTD_CDict *), ZSTD_REFUSED,                   \
       (CK_OBJ(1, zcdict)), Z_DICT_REF)                                      \
    FN(ON, zcctx, size_t, ZSTD_initCStream_usingCDict_advanced, 4,           \
       (ZSTD_CStream *, const ZSTD_CDict *, ZSTD_frameParameters,            \
        unsigned long long), ZSTD_REFUSED, (CK_OBJ(1, zcdict)),              \
       Z_DICT_REF)                                                           \
    FN(ON, zcctx, size_t, ZSTD_resetCStream, 2,                              \
       (ZSTD_CStream *, unsigned long long), ZSTD_REFUSED, (), Z_NO_STREAM)  \
    FN(ON, zcctx, size_t, ZSTD_sizeof_CCtx, 1, (const ZSTD_CCtx *), 0, (),   \
       Z_ON)                                                                 \
    FN(ON, zcctx, size_t, ZSTD_sizeof_CStream, 1, (const ZSTD_CStream *), 0, \
       (), Z_ON)                                                             \
    FN(ON, zcctx, ZSTD_frameProgression, ZSTD_getFrameProgression, 1,        \
       (const ZSTD_CCtx *), (ZSTD_frameProgression){ 0 }, (), Z_ON)          \
    FN(ON, zcctx, size_t, ZSTD_toFlushNow, 1, (ZSTD_CCtx *), 0, (), Z_ON)    \
    FN(HAND(ON), zcctx, size_t, ZSTD_getBlockSize, 1, (const ZSTD_CCtx *),   \
       0, (), Z_ON)                                                          \
    FN(ON, zcctx, void, ZSTD_registerSequenceProducer, 3,                    \
       (ZSTD_CCtx *, void *, ZSTD_sequenceProducer_F *), 0, (),              \
       Z_ON_B(z_producer_before))                                            \
    /* 1.5.4 leaves the context collecting into the array after it returns   \
     * (1.5.5 fixed it): on the guest's contexts only. */                    \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_generateSequences, 5,                \
       (ZSTD_CCtx *, ZSTD_Sequence *, size_t, const void *, size_t),         \
       ZSTD_REFUSED, (), Z_GUEST)                                            \
    /* Sequences the host refuses are ones libzstd finds invalid. */         \
    FN(ON, zcctx, size_t, ZSTD_compressSequences, 7,                         \
       (ZSTD_CCtx *, void *, size_t, const ZSTD_Sequence *, size_t,          \
        const void *, size_t),                                               \
       (size_t)-(int)ZSTD_error_externalSequences_invalid,                   \
       (CK_IF(a2 >= ZSTD_FRAMEHEADERSIZE_MAX) CK_W(a1, a2) CK_R(a5, a6)      \
        CK_SEQUENCES(3, 4, 6)), Z_SEQUENCES)                                 \
    FN(HAND(COPY), zcctx, size_t, ZSTD_copyCCtx, 3,                          \
       (ZSTD_CCtx *, const ZSTD_CCtx *, unsigned long long), ZSTD_REFUSED,   \
       (CK_PEER(0)), Z_COPY)                                                 \
    /* Buffer-less compression: on the guest (a host context's shadow). */   \
    FN(GUEST, zcctx, size_t, ZSTD_compressBegin, 2, (ZSTD_CCtx *, int),      \
       ZSTD_REFUSED, (), Z_GUEST)                                            \
    FN(GUEST, zcctx, size_t, ZSTD_compressBegin_usingDict, 4,                \
       (ZSTD_CCtx *, const void *, size_t, int), ZSTD_REFUSED, (), Z_GUEST)  \
    FN(GUEST, zcctx, size_t, ZSTD_compressBegin_advanced, 5,                 \
       (ZSTD_CCtx *, const void *, size_t, ZSTD_parameters,                  \
        unsigned long long), ZSTD_REFUSED, (), Z_GUEST)                      \
    FN(GUEST, zcctx, size_t, ZSTD_compressBegin_usingCDict, 2,               \
       (ZSTD_CCtx *, const ZSTD_CDict *), ZSTD_REFUSED, (CK_OBJ(1, zcdict)), \
       Z_GUEST)                                                              \
    FN(GUEST, zcctx, size_t, ZSTD_compressBegin_usingCDict_advanced, 4,      \
       (ZSTD_CCtx *, const ZSTD_CDict *, ZSTD_frameParameters,               \
        unsigned long long), ZSTD_REFUSED,                                   \
       (CK_OBJ(1, zcdict)), Z_GUEST)                                         \
    /* Their continuation: on the host for a copy begun there. */            \
    FN(ON, zcctx, size_t, ZSTD_compressContinue, 5,                          \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (CK_W(a1, a2) CK_R(a3, a4)), Z_CONTINUE)                              \
    FN(ON, zcctx, size_t, ZSTD_compressEnd, 5,                               \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (CK_W(a1, a2) CK_R(a3, a4)), Z_CONTINUE_END)                          \
    FN(ON, zcctx, size_t, ZSTD_compressBlock, 5,                             \
       (ZSTD_CCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (CK_W(a1, a2) CK_R(a3, a4)), Z_CONTINUE)                              \
    /* Decompression contexts (and streams). */                              \
    FN(NEW, zdctx, ZSTD_DCtx *, ZSTD_createDCtx, 0, (), NULL, (), Z_NEW(-1)) \
    FN(NEW, zdctx, ZSTD_DStream *, ZSTD_createDStream, 0, (), NULL, (),      \
       Z_NEW(-1))                                                            \
    FN(NEW, zdctx, ZSTD_DCtx *, ZSTD_createDCtx_advanced, 1,                 \
       (ZSTD_customMem), NULL, (), Z_NEW_MEM(0))                             \
    FN(NEW, zdctx, ZSTD_DStream *, ZSTD_createDStream_advanced, 1,           \
       (ZSTD_customMem), NULL, (), Z_NEW_MEM(0))                             \
    FN(ON, zdctx, size_t, ZSTD_freeDCtx, 1, (ZSTD_DCtx *), ZSTD_REFUSED, (), \
       Z_FREE)                                                               \
    FN(ON, zdctx, size_t, ZSTD_freeDStream, 1, (ZSTD_DStream *),             \
       ZSTD_REFUSED, (), Z_FREE)                                             \
    FN(ON, zdctx, size_t, ZSTD_decompressDCtx, 5,                            \
       (ZSTD_DCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (CK_W(a1, a2) CK_R(a3, a4)), Z_GA)                                    \
    FN(ON, zdctx, size_t, ZSTD_decompress_usingDict, 7,                      \
       (ZSTD_DCtx *, void *, size_t, const void *, size_t, const void *,     \
        size_t), ZSTD_REFUSED,                                               \
       (CK_W(a1, a2) CK_R(a3, a4) CK_R(a5, a6)), Z_GA)                       \
    FN(ON, zdctx, size_t, ZSTD_decompress_usingDDict, 6,                     \
       (ZSTD_DCtx *, void *, size_t, const void *, size_t,                   \
        const ZSTD_DDict *), ZSTD_REFUSED,                                   \
       (CK_W(a1, a2) CK_R(a3, a4) CK_OBJ(5, zddict)), Z_GA)                  \
    FN(ON, zdctx, size_t, ZSTD_DCtx_setParameter, 3,                         \
       (ZSTD_DCtx *, ZSTD_dParameter, int), ZSTD_REFUSED, (),                \
       Z_ON_B(z_dparam_before))                                              \
    FN(ON, zdctx, size_t, ZSTD_DCtx_getParameter, 3,                         \
       (ZSTD_DCtx *, ZSTD_dParameter, int *), ZSTD_REFUSED,                  \
       (CK_W(a2, sizeof(int))), Z_ON)                                        \
    FN(ON, zdctx, size_t, ZSTD_DCtx_reset, 2,                                \
       (ZSTD_DCtx *, ZSTD_ResetDirective), ZSTD_REFUSED, (), Z_GA)           \
    FN(ON, zdctx, size_t, ZSTD_DCtx_setFormat, 2,                            \
       (ZSTD_DCtx *, ZSTD_format_e), ZSTD_REFUSED, (), Z_ON)                 \
    FN(ON, zdctx, size_t, ZSTD_DCtx_setMaxWindowSize, 2,                     \
       (ZSTD_DCtx *, size_t), ZSTD_REFUSED, (), Z_ON)                        \
    FN(ON, zdctx, size_t, ZSTD_DCtx_loadDictionary, 3,                       \
       (ZSTD_DCtx *, const void *, size_t), ZSTD_REFUSED, (CK_R(a1, a2)),    \
       Z_GA)                                                                 \
    FN(ON, zdctx, size_t, ZSTD_DCtx_loadDictionary_advanced, 5,              \
       (ZSTD_DCtx *, const void *, size_t, ZSTD_dictLoadMethod_e,            \
        ZSTD_dictContentType_e), ZSTD_REFUSED,                               \
       (CK_R(a1, a2) CK_SET(3, ZSTD_dlm_byCopy)), Z_GA)                      \
    FN(HAND(GUEST), zdctx, size_t, ZSTD_DCtx_loadDictionary_byReference, 3,  \
       (ZSTD_DCtx *, const void *, size_t), ZSTD_REFUSED, (), Z_GUEST)       \
    FN(ON, zdctx, size_t, ZSTD_DCtx_refDDict, 2,                             \
       (ZSTD_DCtx *, const ZSTD_DDict *), ZSTD_REFUSED,                      \
       (CK_OBJ0(1, zddict)), Z_GA_A(z_keep_dict))                            \
    FN(ON, zdctx, size_t, ZSTD_DCtx_refPrefix, 3,                            \
       (ZSTD_DCtx *, const void *, size_t), ZSTD_REFUSED, (CK_R(a1, a2)),    \
       Z_PREFIX)                                                             \
    FN(ON, zdctx, size_t, ZSTD_DCtx_refPrefix_advanced, 4,                   \
       (ZSTD_DCtx *, const void *, size_t, ZSTD_dictContentType_e),          \
       ZSTD_REFUSED, (CK_R(a1, a2)), Z_PREFIX)                               \
    FN(ON, zdctx, size_t, ZSTD_decompressStream, 3,                          \
       (ZSTD_DStream *, ZSTD_outBuffer *, ZSTD_inBuffer *), ZSTD_REFUSED,    \
       (CK_STREAM(1, 2)), Z_GA)                                              \
    FN(ON, zdctx, size_t, ZSTD_decompressStream_simpleArgs, 7,               \
       (ZSTD_DCtx *, void *, size_t, size_t *, const void *, size_t,         \
        size_t *), ZSTD_REFUSED,                                             \
       (CK_INOUT(3) CK_INOUT(6) CK_W(a1, a2) CK_R(a4, a5)), Z_GA)            \
    FN(ON, zdctx, size_t, ZSTD_initDStream, 1, (ZSTD_DStream *),             \
       ZSTD_REFUSED, (), Z_GA)                                               \
    FN(ON, zdctx, size_t, ZSTD_initDStream_usingDict, 3,                     \
       (ZSTD_DStream *, const void *, size_t), ZSTD_REFUSED, (CK_R(a1, a2)), \
       Z_GA)                                                                 \
    FN(ON, zdctx, size_t, ZSTD_initDStream_usingDDict, 2,                    \
       (ZSTD_DStream *, const ZSTD_DDict *), ZSTD_REFUSED,                   \
       (CK_OBJ(1, zddict)), Z_GA_A(z_keep_dict))                             \
    FN(ON, zdctx, size_t, ZSTD_resetDStream, 1, (ZSTD_DStream *),            \
       ZSTD_REFUSED, (), Z_ON)                                               \
    FN(ON, zdctx, size_t, ZSTD_sizeof_DCtx, 1, (const ZSTD_DCtx *), 0, (),   \
       Z_ON)                                                                 \
    FN(ON, zdctx, size_t, ZSTD_sizeof_DStream, 1, (const ZSTD_DStream *), 0, \
       (), Z_ON)                                                             \
    /* It copies a loaded dictionary's pointer, which both then free:        \
     * on the guest (a host context's shadow). */                            \
    FN(HAND(GUEST), zdctx, void, ZSTD_copyDCtx, 2,                           \
       (ZSTD_DCtx *, const ZSTD_DCtx *), 0, (CK_PEER(0)), (1))               \
    /* Buffer-less decompression: on the guest (a host context's shadow). */ \
    FN(GUEST, zdctx, size_t, ZSTD_decompressBegin, 1, (ZSTD_DCtx *),         \
       ZSTD_REFUSED, (), Z_GUEST)                                            \
    FN(GUEST, zdctx, size_t, ZSTD_decompressBegin_usingDict, 3,              \
       (ZSTD_DCtx *, const void *, size_t), ZSTD_REFUSED, (), Z_GUEST)       \
    FN(GUEST, zdctx, size_t, ZSTD_decompressBegin_usingDDict, 2,             \
       (ZSTD_DCtx *, const ZSTD_DDict *), ZSTD_REFUSED, (CK_OBJ(1, zddict)), \
       Z_GUEST)                                                              \
    FN(GUEST, zdctx, size_t, ZSTD_decompressContinue, 5,                     \
       (ZSTD_DCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (), Z_GUEST)                                                          \
    FN(GUEST, zdctx, size_t, ZSTD_nextSrcSizeToDecompress, 1, (ZSTD_DCtx *), \
       ZSTD_REFUSED, (), Z_GUEST)                                            \
    FN(GUEST, zdctx, ZSTD_nextInputType_e, ZSTD_nextInputType, 1,            \
       (ZSTD_DCtx *), ZSTDnit_frameHeader, (), Z_GUEST)                      \
    FN(GUEST, zdctx, size_t, ZSTD_decompressBlock, 5,                        \
       (ZSTD_DCtx *, void *, size_t, const void *, size_t), ZSTD_REFUSED,    \
       (), Z_GUEST)                                                          \
    FN(GUEST, zdctx, size_t, ZSTD_insertBlock, 3,                            \
       (ZSTD_DCtx *, const void *, size_t), ZSTD_REFUSED, (), Z_GUEST)       \
    /* Dictionaries: copied to the host. */                                  \
    FN(NEW, zcdict, ZSTD_CDict *, ZSTD_createCDict, 3,                       \
       (const void *, size_t, int), NULL, (CK_R(a0, a1)), Z_NEW(-1))         \
    FN(HAND(GUEST), zcdict, ZSTD_CDict *, ZSTD_createCDict_byReference, 3,   \
       (const void *, size_t, int), NULL, (), Z_GUEST)                       \
    FN(NEW, zcdict, ZSTD_CDict *, ZSTD_createCDict_advanced, 6,              \
       (const void *, size_t, ZSTD_dictLoadMethod_e, ZSTD_dictContentType_e, \
        ZSTD_compressionParameters, ZSTD_customMem), NULL,                   \
       (CK_R(a0, a1) CK_SET(2, ZSTD_dlm_byCopy) CK_CPARAMS(4)),             \
       Z_NEW_MEM(5))                                                         \
    FN(NEW, zcdict, ZSTD_CDict *, ZSTD_createCDict_advanced2, 6,             \
       (const void *, size_t, ZSTD_dictLoadMethod_e, ZSTD_dictContentType_e, \
        const ZSTD_CCtx_params *, ZSTD_customMem), NULL,                     \
       (CK_R(a0, a1) CK_SET(2, ZSTD_dlm_byCopy) CK_OBJ(4, zcparams)),        \
       Z_NEW_MEM(5))                                                         \
    FN(ON, zcdict, size_t, ZSTD_freeCDict, 1, (ZSTD_CDict *), ZSTD_REFUSED,  \
       (), Z_FREE)                                                           \
    FN(ON, zcdict, size_t, ZSTD_sizeof_CDict, 1, (const ZSTD_CDict *), 0,    \
       (), Z_ON)                                                             \
    FN(ON, zcdict, unsigned, ZSTD_getDictID_fromCDict, 1,                    \
       (const ZSTD_CDict *), 0, (), Z_ON)                                    \
    FN(NEW, zddict, ZSTD_DDict *, ZSTD_createDDict, 2, (const void *, size_t),\
       NULL, (CK_R(a0, a1)), Z_NEW(-1))                                      \
    FN(HAND(GUEST), zddict, ZSTD_DDict *, ZSTD_createDDict_byReference, 2,   \
       (const void *, size_t), NULL, (), Z_GUEST)                            \
    FN(NEW, zddict, ZSTD_DDict *, ZSTD_createDDict_advanced, 5,              \
       (const void *, size_t, ZSTD_dictLoadMethod_e, ZSTD_dictContentType_e, \
        ZSTD_customMem), NULL, (CK_R(a0, a1) CK_SET(2, ZSTD_dlm_byCopy)),    \
       Z_NEW_MEM(4))                                                         \
    FN(ON, zddict, size_t, ZSTD_freeDDict, 1, (ZSTD_DDict *), ZSTD_REFUSED,  \
       (), Z_FREE)                                                           \
    FN(ON, zddict, size_t, ZSTD_sizeof_DDict, 1, (const ZSTD_DDict *), 0,    \
       (), Z_ON)                                                             \
    FN(ON, zddict, unsigned, ZSTD_getDictID_fromDDict, 1,                    \
       (const ZSTD_DDict *), 0, (), Z_ON)                                    \
    /* Compression parameters. */                                            \
    FN(NEW, zcparams, ZSTD_CCtx_params *, ZSTD_createCCtxParams, 0, (), NULL,\
       (), Z_NEW(-1))                                                        \
    FN(ON, zcparams, size_t, ZSTD_freeCCtxParams, 1, (ZSTD_CCtx_params *),   \
       ZSTD_REFUSED, (), Z_FREE_PARAMS)                                      \
    FN(ON, zcparams, size_t, ZSTD_CCtxParams_init, 2,                        \
       (ZSTD_CCtx_params *, int), ZSTD_REFUSED, (), Z_ON)                    \
    FN(ON, zcparams, size_t, ZSTD_CCtxParams_init_advanced, 2,               \
       (ZSTD_CCtx_params *, ZSTD_parameters), ZSTD_REFUSED, (), Z_ON)        \
    FN(ON, zcparams, size_t, ZSTD_CCtxParams_reset, 1, (ZSTD_CCtx_params *), \
       ZSTD_REFUSED, (), Z_ON)                                               \
    FN(ZSTD_CPARAM_KIND, zcparams, size_t, ZSTD_CCtxParams_setParameter, 3,  \
       (ZSTD_CCtx_params *, ZSTD_cParameter, int), ZSTD_REFUSED, (),         \
       Z_ON_B(z_cparam_before))                                              \
    FN(ZSTD_CPARAM_KIND, zcparams, size_t, ZSTD_CCtxParams_getParameter, 3,  \
       (const ZSTD_CCtx_params *, ZSTD_cParameter, int *), ZSTD_REFUSED,     \
       (CK_W(a2, sizeof(int))), Z_ON)                                        \
    FN(ON, zcparams, size_t, ZSTD_estimateCCtxSize_usingCCtxParams, 1,       \
       (const ZSTD_CCtx_params *), 0, (), Z_ON)                              \
    FN(ON, zcparams, size_t, ZSTD_estimateCStreamSize_usingCCtxParams, 1,    \
       (const ZSTD_CCtx_params *), 0, (), Z_ON)                              \
    /* Objects in the guest's workspace, thread pools: the guest's. */       \
    FN(GUEST, none, ZSTD_CCtx *, ZSTD_initStaticCCtx, 2, (void *, size_t),   \
       NULL, (), Z_GUEST)                                                    \
    FN(GUEST, none, ZSTD_CStream *, ZSTD_initStaticCStream, 2,               \
       (void *, size_t), NULL, (), Z_GUEST)                                  \
    FN(GUEST, none, ZSTD_DCtx *, ZSTD_initStaticDCtx, 2, (void *, size_t),   \
       NULL, (), Z_GUEST)                                                    \
    FN(GUEST, none, ZSTD_DStream *, ZSTD_initStaticDStream, 2,               \
       (void *, size_t), NULL, (), Z_GUEST)                                  \
    FN(GUEST, none, const ZSTD_CDict *, ZSTD_initStaticCDict, 7,             \
       (void *, size_t, const void *, size_t, ZSTD_dictLoadMethod_e,         \
        ZSTD_dictContentType_e, ZSTD_compressionParameters), NULL, (),       \
       Z_GUEST)                                                              \
    FN(GUEST, none, const ZSTD_DDict *, ZSTD_initStaticDDict, 6,             \
       (void *, size_t, const void *, size_t, ZSTD_dictLoadMethod_e,         \
        ZSTD_dictContentType_e), NULL, (), Z_GUEST)                          \
    FN(GUEST, none, ZSTD_threadPool *, ZSTD_createThreadPool, 1, (size_t),   \
       NULL, (), Z_GUEST)                                                    \
    FN(GUEST, none, void, ZSTD_freeThreadPool, 1, (ZSTD_threadPool *), 0,    \
       (), Z_GUEST)                                                          \
    /* Dictionary training: the samples' sizes copied in, the samples */     \
    /* apart from the dictionary's buffer (libzstd writes it over them). */  \
    /* (zdict.c: fastCover, 3/4 of the samples to train on, dmers of 8.) */  \
    FN(PLAIN, none, size_t, ZDICT_trainFromBuffer, 5,                        \
       (void *, size_t, const void *, const size_t *, unsigned),             \
       ZSTD_REFUSED, (CK_W(a0, a1) CK_TRAIN(a0, a1, 2, 3, 4, 0.75, 8)), ())  \
    FN(PLAIN, none, size_t, ZDICT_trainFromBuffer_cover, 6,                  \
       (void *, size_t, const void *, const size_t *, unsigned,              \
        ZDICT_cover_params_t), ZSTD_REFUSED,                                 \
       (CK_W(a0, a1) CK_TRAIN(a0, a1, 2, 3, 4, a5.splitPoint, a5.d)), ())    \
    FN(PLAIN, none, size_t, ZDICT_trainFromBuffer_fastCover, 6,              \
       (void *, size_t, const void *, const size_t *, unsigned,              \
        ZDICT_fastCover_params_t), ZSTD_REFUSED,                             \
       (CK_W(a0, a1) CK_TRAIN(a0, a1, 2, 3, 4, a5.splitPoint, a5.d)), ())    \
    FN(PLAIN, none, size_t, ZDICT_optimizeTrainFromBuffer_cover, 6,          \
       (void *, size_t, const void *, const size_t *, unsigned,              \
        ZDICT_cover_params_t *), ZSTD_REFUSED,                               \
       (CK_W(a0, a1) CK_SAMPLES_P(a0, a1, 2, 3, 4, 5)), ())                  \
    FN(PLAIN, none, size_t, ZDICT_optimizeTrainFromBuffer_fastCover, 6,      \
       (void *, size_t, const void *, const size_t *, unsigned,              \
        ZDICT_fastCover_params_t *), ZSTD_REFUSED,                           \
       /* f past its documented 31: 1.5.4 allocates 2^f counters. */         \
       (CK_W(a0, a1) CK_SAMPLES_P(a0, a1, 2, 3, 4, 5) CK_IF(a5->f <= 31)),   \
       ())                                                                   \
    FN(PLAIN, none, size_t, ZDICT_trainFromBuffer_legacy, 6,                 \
       (void *, size_t, const void *, const size_t *, unsigned,              \
        ZDICT_legacy_params_t), ZSTD_REFUSED,                                \
       (CK_W(a0, a1) CK_SAMPLES(a0, a1, 2, 3, 4)), ())                       \
    /* (Its content may overlap the dictionary's buffer: zdict.h.) */        \
    FN(PLAIN, none, size_t, ZDICT_finalizeDictionary, 8,                     \
       (void *, size_t, const void *, size_t, const void *, const size_t *,  \
        unsigned, ZDICT_params_t), ZSTD_REFUSED,                             \
       (CK_W(a0, a1) CK_R(a2, a3) CK_SAMPLES(a0, a1, 4, 5, 6)), ())          \
    FN(PLAIN, none, size_t, ZDICT_addEntropyTablesFromBuffer, 6,             \
       (void *, size_t, size_t, const void *, const size_t *, unsigned),     \
       ZSTD_REFUSED,                                                         \
       (CK_IF(a2 >= ZDICT_DICTSIZE_MIN && a1 <= a2) CK_W(a0, a2)             \
        CK_SAMPLES(a0, a2, 3, 4, 5)), ())                                    \
    /* Cheaper emulated than a round trip: queries, frame headers, sizes. */ \
    ZSTD_GUEST_QUERIES(FN)                                                   \
    ZSTD_NEWER_FUNCTIONS(FN)

#define ZSTD_GUEST_QUERIES(FN)                                               \
    FN(GUEST, none, unsigned, ZSTD_versionNumber, 0, (), 0, (), Z_GUEST)     \
    FN(GUEST, none, const char *, ZSTD_versionString, 0, (), NULL, (),       \
       Z_GUEST)                                                              \
    FN(GUEST, none, unsigned, ZSTD_isError, 1, (size_t), 0, (), Z_GUEST)     \
    FN(GUEST, none, const char *, ZSTD_getErrorName, 1, (size_t), NULL, (),  \
       Z_GUEST)                                                              \
    FN(GUEST, none, ZSTD_ErrorCode, ZSTD_getErrorCode, 1, (size_t),          \
       ZSTD_error_GENERIC, (), Z_GUEST)                                      \
    FN(GUEST, none, const char *, ZSTD_getErrorString, 1, (ZSTD_ErrorCode),  \
       NULL, (), Z_GUEST)                                                    \
    FN(GUEST, none, int, ZSTD_minCLevel, 0, (), 0, (), Z_GUEST)              \
    FN(GUEST, none, int, ZSTD_maxCLevel, 0, (), 0, (), Z_GUEST)              \
    FN(GUEST, none, int, ZSTD_defaultCLevel, 0, (), 0, (), Z_GUEST)          \
    FN(GUEST, none, size_t, ZSTD_compressBound, 1, (size_t), 0, (), Z_GUEST) \
    FN(GUEST, none, size_t, ZSTD_CStreamInSize, 0, (), 0, (), Z_GUEST)       \
    FN(GUEST, none, size_t, ZSTD_CStreamOutSize, 0, (), 0, (), Z_GUEST)      \
    FN(GUEST, none, size_t, ZSTD_DStreamInSize, 0, (), 0, (), Z_GUEST)       \
    FN(GUEST, none, size_t, ZSTD_DStreamOutSize, 0, (), 0, (), Z_GUEST)      \
    FN(GUEST, none, unsigned long long, ZSTD_getFrameContentSize, 2,         \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, unsigned long long, ZSTD_getDecompressedSize, 2,         \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, size_t, ZSTD_findFrameCompressedSize, 2,                 \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, unsigned long long, ZSTD_findDecompressedSize, 2,        \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, unsigned long long, ZSTD_decompressBound, 2,             \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, size_t, ZSTD_decompressionMargin, 2,                     \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, size_t, ZSTD_frameHeaderSize, 2, (const void *, size_t), \
       0, (), Z_GUEST)                                                       \
    FN(GUEST, none, size_t, ZSTD_getFrameHeader, 3,                          \
       (ZSTD_frameHeader *, const void *, size_t), 0, (), Z_GUEST)           \
    FN(GUEST, none, size_t, ZSTD_getFrameHeader_advanced, 4,                 \
       (ZSTD_frameHeader *, const void *, size_t, ZSTD_format_e), 0, (),     \
       Z_GUEST)                                                              \
    FN(GUEST, none, unsigned, ZSTD_getDictID_fromDict, 2,                    \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, unsigned, ZSTD_getDictID_fromFrame, 2,                   \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, unsigned, ZSTD_isFrame, 2, (const void *, size_t), 0,    \
       (), Z_GUEST)                                                          \
    FN(GUEST, none, unsigned, ZSTD_isSkippableFrame, 2,                      \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, size_t, ZSTD_readSkippableFrame, 5,                      \
       (void *, size_t, unsigned *, const void *, size_t), 0, (), Z_GUEST)   \
    FN(GUEST, none, size_t, ZSTD_writeSkippableFrame, 5,                     \
       (void *, size_t, const void *, size_t, unsigned), 0, (), Z_GUEST)     \
    FN(GUEST, none, size_t, ZSTD_decodingBufferSize_min, 2,                  \
       (unsigned long long, unsigned long long), 0, (), Z_GUEST)             \
    FN(GUEST, none, size_t, ZSTD_sequenceBound, 1, (size_t), 0, (), Z_GUEST) \
    FN(GUEST, none, size_t, ZSTD_mergeBlockDelimiters, 2,                    \
       (ZSTD_Sequence *, size_t), 0, (), Z_GUEST)                            \
    FN(GUEST, none, ZSTD_bounds, ZSTD_cParam_getBounds, 1, (ZSTD_cParameter),\
       (ZSTD_bounds){ 0 }, (), Z_GUEST)                                      \
    FN(GUEST, none, ZSTD_bounds, ZSTD_dParam_getBounds, 1, (ZSTD_dParameter),\
       (ZSTD_bounds){ 0 }, (), Z_GUEST)                                      \
    FN(GUEST, none, ZSTD_compressionParameters, ZSTD_getCParams, 3,          \
       (int, unsigned long long, size_t), (ZSTD_compressionParameters){ 0 }, \
       (), Z_GUEST)                                                          \
    FN(GUEST, none, ZSTD_parameters, ZSTD_getParams, 3,                      \
       (int, unsigned long long, size_t), (ZSTD_parameters){ 0 }, (),        \
       Z_GUEST)                                                              \
    FN(GUEST, none, size_t, ZSTD_checkCParams, 1,                            \
       (ZSTD_compressionParameters), 0, (), Z_GUEST)                         \
    FN(GUEST, none, ZSTD_compressionParameters, ZSTD_adjustCParams, 3,       \
       (ZSTD_compressionParameters, unsigned long long, size_t),             \
       (ZSTD_compressionParameters){ 0 }, (), Z_GUEST)                       \
    FN(GUEST, none, size_t, ZSTD_estimateCCtxSize, 1, (int), 0, (), Z_GUEST) \
    FN(GUEST, none, size_t, ZSTD_estimateCCtxSize_usingCParams, 1,           \
       (ZSTD_compressionParameters), 0, (), Z_GUEST)                         \
    FN(GUEST, none, size_t, ZSTD_estimateCStreamSize, 1, (int), 0, (),       \
       Z_GUEST)                                                              \
    FN(GUEST, none, size_t, ZSTD_estimateCStreamSize_usingCParams, 1,        \
       (ZSTD_compressionParameters), 0, (), Z_GUEST)                         \
    FN(GUEST, none, size_t, ZSTD_estimateDCtxSize, 0, (), 0, (), Z_GUEST)    \
    FN(GUEST, none, size_t, ZSTD_estimateDStreamSize, 1, (size_t), 0, (),    \
       Z_GUEST)                                                              \
    FN(GUEST, none, size_t, ZSTD_estimateDStreamSize_fromFrame, 2,           \
       (const void *, size_t), 0, (), Z_GUEST)                               \
    FN(GUEST, none, size_t, ZSTD_estimateCDictSize, 2, (size_t, int), 0, (), \
       Z_GUEST)                                                              \
    FN(GUEST, none, size_t, ZSTD_estimateCDictSize_advanced, 3,              \
       (size_t, ZSTD_compressionParameters, ZSTD_dictLoadMethod_e), 0, (),   \
       Z_GUEST)                                                              \
    FN(GUEST, none, size_t, ZSTD_estimateDDictSize, 2,                       \
       (size_t, ZSTD_dictLoadMethod_e), 0, (), Z_GUEST)                      \
    FN(GUEST, none, unsigned, ZDICT_isError, 1, (size_t), 0, (), Z_GUEST)    \
    FN(GUEST, none, const char *, ZDICT_getErrorName, 1, (size_t), NULL, (), \
       Z_GUEST)                                                              \
    FN(GUEST, none, unsigned, ZDICT_getDictID, 2, (const void *, size_t), 0, \
       (), Z_GUEST)                                                          \
    FN(GUEST, none, size_t, ZDICT_getDictHeaderSize, 2,                      \
       (const void *, size_t), 0, (), Z_GUEST)

/*
 * Added after 1.5.4 (Debian 13's 1.5.7): in the GTLs built from that
 * source only; the host's 1.5.4 has none of them. The parameter setters
 * are the GTL's over the host's (libs/zstd/gtl.c), and so is a producer
 * registered on a host parameters object (kept by the GTL, and given to
 * the context they are set on); the others run on the guest's objects
 * only.
 */
#if ZSTD_VERSION_NUMBER >= 10507
#define ZSTD_NEWER_FUNCTIONS(FN)                                             \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_CCtx_setFParams, 2,                  \
       (ZSTD_CCtx *, ZSTD_frameParameters), ZSTD_REFUSED, (), Z_GUEST)       \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_CCtx_setParams, 2,                   \
       (ZSTD_CCtx *, ZSTD_parameters), ZSTD_REFUSED, (), Z_GUEST)            \
    FN(HAND(GUEST), zcctx, size_t, ZSTD_compressSequencesAndLiterals, 9,     \
       (ZSTD_CCtx *, void *, size_t, const ZSTD_Sequence *, size_t,          \
        const void *, size_t, size_t, size_t), ZSTD_REFUSED, (), Z_GUEST)    \
    FN(HAND(GUEST), zcparams, void,                                          \
       ZSTD_CCtxParams_registerSequenceProducer, 3,                          \
       (ZSTD_CCtx_params *, void *, ZSTD_sequenceProducer_F), 0, (),         \
       Z_GUEST)
#else
#define ZSTD_NEWER_FUNCTIONS(FN)
#endif

#endif
