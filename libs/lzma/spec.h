/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thunk spec for liblzma: every function Debian 12's liblzma.so.5
 * (5.4.1) exports, once, in spec/thunk.h's columns; and, for guests whose
 * programs come from Debian 13 (riscv64: xz 5.8), the functions added
 * since, which the host's 5.4.1 lacks and so run on the guest. Include
 * <lzma.h> first.
 *
 * Group lstream: an lzma_stream the guest owns, mirrored on the host (its
 * `internal` holds the host's handle), for its whole life on the side
 * that set it up. One with the guest's own lzma_allocator runs on the
 * host too: every call of it may allocate (the decoders allocate as the
 * headers they read ask), so each takes its NAME_ga_HTL entry, which
 * pauses for the guest to run the allocator. The multi-threaded coders
 * allocate from their worker threads, which cannot pause for the guest:
 * they run on the host only with liblzma's own allocator.
 *
 * On the host: the coders and lzma_code, the buffer-to-buffer functions
 * (streams, raw, blocks) without a guest allocator (WHEN), the checksums
 * (SIZED); a chain with a filter the host's liblzma lacks (newer:
 * riscv64's 5.8) on the guest (lzma_host_knows, libs/lzma/gtl.c, for the
 * NEW routes and WHEN). Filter chains, options and blocks are copied to
 * the host and checked (CK_FILTERS, CK_MT, CK_LZMA_OPTIONS, CK_BLOCK,
 * libs/lzma/htl.c). On the guest (GUEST): the queries that cost less
 * emulated than a host round trip (versions, sizes, what is supported,
 * memory usage estimates, headers), and the functions whose objects live
 * in guest memory and are written by liblzma between calls: lzma_index
 * and its iterators, the block coders' streams (they keep the guest's
 * lzma_block and fill it in at the end), lzma_index_hash, the filter and
 * string helpers that allocate lzma_filter options for the guest to free.
 * A host stream given to one of those is an error (LZMA_PROG_ERROR),
 * never a crash.
 */
#ifndef PASSTHROUGH_LZMA_SPEC_H
#define PASSTHROUGH_LZMA_SPEC_H

/*
 * The filters the host's liblzma (5.4.1) knows, as case labels: the GTL
 * gives a chain with any other to the guest's own liblzma, the HTL copies
 * these filters' options (their structs: lzma_options_lzma, _delta, _bcj).
 */
#define LZMA_HOST_LZMA_FILTERS \
    case LZMA_FILTER_LZMA1:    \
    case LZMA_FILTER_LZMA1EXT: \
    case LZMA_FILTER_LZMA2
#define LZMA_HOST_DELTA_FILTERS case LZMA_FILTER_DELTA
#define LZMA_HOST_BCJ_FILTERS  \
    case LZMA_FILTER_X86:      \
    case LZMA_FILTER_POWERPC:  \
    case LZMA_FILTER_IA64:     \
    case LZMA_FILTER_ARM:      \
    case LZMA_FILTER_ARMTHUMB: \
    case LZMA_FILTER_ARM64:    \
    case LZMA_FILTER_SPARC

/*
 * .xz data may hold a filter only a newer guest liblzma knows, which the
 * host's decoder finds in a block header: in such a GTL the buffer
 * decoder is written by hand (libs/lzma/gtl.c), and that error sends the
 * call to the guest's own.
 */
#if LZMA_VERSION >= 50060000
#define LZMA_SBD_KIND HAND(WHEN)
#else
#define LZMA_SBD_KIND WHEN
#endif

#define LS_NEW (PT_GA(htl_ga_always), 0)
#define LS_NEW_MT (PT_NOGA, 0)
#define LS_ON (PT_NOGA, 0, htl_no_before, htl_no_after)
#define LS_ON_GA (PT_GA(htl_ga_always), 0, htl_no_before, htl_no_after)
#define LS_GUEST (0)
#define NO_GUEST (0)

#define LZMA_FUNCTIONS(FN)                                                   \
    /* Streams. */                                                           \
    FN(NEW, lstream, lzma_ret, lzma_easy_encoder, 3,                         \
       (lzma_stream *, uint32_t, lzma_check), LZMA_PROG_ERROR, (), LS_NEW)   \
    FN(NEW, lstream, lzma_ret, lzma_stream_encoder, 3,                       \
       (lzma_stream *, const lzma_filter *, lzma_check), LZMA_PROG_ERROR,    \
       (CK_FILTERS(1)), LS_NEW)                                              \
    FN(NEW, lstream, lzma_ret, lzma_alone_encoder, 2,                        \
       (lzma_stream *, const lzma_options_lzma *), LZMA_PROG_ERROR,          \
       (CK_LZMA_OPTIONS(1)), LS_NEW)                                         \
    FN(NEW, lstream, lzma_ret, lzma_raw_encoder, 2,                          \
       (lzma_stream *, const lzma_filter *), LZMA_PROG_ERROR,                \
       (CK_FILTERS(1)), LS_NEW)                                              \
    FN(NEW, lstream, lzma_ret, lzma_microlzma_encoder, 2,                    \
       (lzma_stream *, const lzma_options_lzma *), LZMA_PROG_ERROR,          \
       (CK_LZMA_OPTIONS(1)), LS_NEW)                                         \
    FN(NEW, lstream, lzma_ret, lzma_stream_decoder, 3,                       \
       (lzma_stream *, uint64_t, uint32_t), LZMA_PROG_ERROR, (), LS_NEW)     \
    FN(NEW, lstream, lzma_ret, lzma_auto_decoder, 3,                         \
       (lzma_stream *, uint64_t, uint32_t), LZMA_PROG_ERROR, (), LS_NEW)     \
    FN(NEW, lstream, lzma_ret, lzma_alone_decoder, 2,                        \
       (lzma_stream *, uint64_t), LZMA_PROG_ERROR, (), LS_NEW)               \
    FN(NEW, lstream, lzma_ret, lzma_lzip_decoder, 3,                         \
       (lzma_stream *, uint64_t, uint32_t), LZMA_PROG_ERROR, (), LS_NEW)     \
    FN(NEW, lstream, lzma_ret, lzma_raw_decoder, 2,                          \
       (lzma_stream *, const lzma_filter *), LZMA_PROG_ERROR,                \
       (CK_FILTERS(1)), LS_NEW)                                              \
    FN(NEW, lstream, lzma_ret, lzma_microlzma_decoder, 5,                    \
       (lzma_stream *, uint64_t, uint64_t, lzma_bool, uint32_t),             \
       LZMA_PROG_ERROR, (), LS_NEW)                                          \
    FN(NEW, lstream, lzma_ret, lzma_stream_encoder_mt, 2,                    \
       (lzma_stream *, const lzma_mt *), LZMA_PROG_ERROR,                    \
       (CK_MT_ENCODER(1)), LS_NEW_MT)                                        \
    FN(NEW, lstream, lzma_ret, lzma_stream_decoder_mt, 2,                    \
       (lzma_stream *, const lzma_mt *), LZMA_PROG_ERROR,                    \
       (CK_MT_DECODER(1)), LS_NEW_MT)                                        \
    FN(ON, lstream, lzma_ret, lzma_code, 2, (lzma_stream *, lzma_action),    \
       LZMA_PROG_ERROR, (),                                                  \
       (PT_GA(htl_ga_always), 0, lstream_buffers, htl_no_after))             \
    FN(ON, lstream, void, lzma_end, 1, (lzma_stream *), 0, (), LS_ON_GA)     \
    FN(ON, lstream, lzma_ret, lzma_filters_update, 2,                        \
       (lzma_stream *, const lzma_filter *), LZMA_PROG_ERROR,                \
       (CK_FILTERS(1)), LS_ON_GA)                                            \
    FN(ON, lstream, void, lzma_get_progress, 3,                              \
       (lzma_stream *, uint64_t *, uint64_t *), 0,                           \
       (CK_W(a1, sizeof(uint64_t)) CK_W(a2, sizeof(uint64_t))), LS_ON)       \
    FN(ON, lstream, uint64_t, lzma_memusage, 1, (const lzma_stream *), 0,    \
       (), LS_ON)                                                            \
    FN(ON, lstream, uint64_t, lzma_memlimit_get, 1, (const lzma_stream *),   \
       0, (), LS_ON)                                                         \
    FN(ON, lstream, lzma_ret, lzma_memlimit_set, 2,                          \
       (lzma_stream *, uint64_t), LZMA_PROG_ERROR, (), LS_ON)                \
    FN(ON, lstream, lzma_check, lzma_get_check, 1, (const lzma_stream *),    \
       LZMA_CHECK_NONE, (), LS_ON)                                           \
    /* A guest-only coder: its object (lzma_block, lzma_index) is the        \
     * guest's, written at the end. */                                       \
    FN(GUEST, lstream, lzma_ret, lzma_block_encoder, 2,                      \
       (lzma_stream *, lzma_block *), LZMA_PROG_ERROR, (), LS_GUEST)         \
    FN(GUEST, lstream, lzma_ret, lzma_block_decoder, 2,                      \
       (lzma_stream *, lzma_block *), LZMA_PROG_ERROR, (), LS_GUEST)         \
    FN(GUEST, lstream, lzma_ret, lzma_index_encoder, 2,                      \
       (lzma_stream *, const lzma_index *), LZMA_PROG_ERROR, (), LS_GUEST)   \
    FN(GUEST, lstream, lzma_ret, lzma_index_decoder, 3,                      \
       (lzma_stream *, lzma_index **, uint64_t), LZMA_PROG_ERROR, (),        \
       LS_GUEST)                                                             \
    FN(GUEST, lstream, lzma_ret, lzma_file_info_decoder, 4,                  \
       (lzma_stream *, lzma_index **, uint64_t, uint64_t), LZMA_PROG_ERROR,  \
       (), LS_GUEST)                                                         \
    /* Buffer to buffer, with liblzma's own allocator. */                    \
    FN(WHEN, none, lzma_ret, lzma_easy_buffer_encode, 8,                     \
       (uint32_t, lzma_check, const lzma_allocator *, const uint8_t *,       \
        size_t, uint8_t *, size_t *, size_t),                                \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a2) CK_R(a3, a4) CK_INOUT(6) CK_W(a5, a7)), (!a2))            \
    FN(WHEN, none, lzma_ret, lzma_stream_buffer_encode, 8,                   \
       (lzma_filter *, lzma_check, const lzma_allocator *, const uint8_t *,  \
        size_t, uint8_t *, size_t *, size_t),                                \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a2) CK_FILTERS(0) CK_R(a3, a4) CK_INOUT(6) CK_W(a5, a7)),     \
       (!a2 && lzma_host_knows(a0)))                                         \
    FN(LZMA_SBD_KIND, none, lzma_ret, lzma_stream_buffer_decode, 9,          \
       (uint64_t *, uint32_t, const lzma_allocator *, const uint8_t *,       \
        size_t *, size_t, uint8_t *, size_t *, size_t),                      \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a2) CK_INOUT(0) CK_INOUT(4) CK_R(a3, a5) CK_INOUT(7)          \
        CK_W(a6, a8)),                                                       \
       (!a2))                                                                \
    FN(WHEN, none, lzma_ret, lzma_raw_buffer_encode, 7,                      \
       (const lzma_filter *, const lzma_allocator *, const uint8_t *,        \
        size_t, uint8_t *, size_t *, size_t),                                \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a1) CK_FILTERS(0) CK_R(a2, a3) CK_INOUT(5) CK_W(a4, a6)),     \
       (!a1 && lzma_host_knows(a0)))                                         \
    FN(WHEN, none, lzma_ret, lzma_raw_buffer_decode, 8,                      \
       (const lzma_filter *, const lzma_allocator *, const uint8_t *,        \
        size_t *, size_t, uint8_t *, size_t *, size_t),                      \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a1) CK_FILTERS(0) CK_INOUT(3) CK_R(a2, a4) CK_INOUT(6)        \
        CK_W(a5, a7)),                                                       \
       (!a1 && lzma_host_knows(a0)))                                         \
    /* Blocks, buffer to buffer: the lzma_block copied in and back. */      \
    FN(WHEN, none, lzma_ret, lzma_block_buffer_encode, 7,                    \
       (lzma_block *, const lzma_allocator *, const uint8_t *, size_t,       \
        uint8_t *, size_t *, size_t),                                        \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a1) CK_BLOCK(0) CK_R(a2, a3) CK_INOUT(5) CK_W(a4, a6)),       \
       (!a1 && lzma_block_on_host(a0)))                                      \
    FN(WHEN, none, lzma_ret, lzma_block_uncomp_encode, 6,                    \
       (lzma_block *, const uint8_t *, size_t, uint8_t *, size_t *, size_t), \
       LZMA_PROG_ERROR, (CK_BLOCK(0) CK_R(a1, a2) CK_INOUT(4) CK_W(a3, a5)), \
       (lzma_block_on_host(a0)))                                             \
    FN(WHEN, none, lzma_ret, lzma_block_buffer_decode, 8,                    \
       (lzma_block *, const lzma_allocator *, const uint8_t *, size_t *,     \
        size_t, uint8_t *, size_t *, size_t),                                \
       LZMA_PROG_ERROR,                                                      \
       (CK_IF(!a1) CK_BLOCK(0) CK_INOUT(3) CK_R(a2, a4) CK_INOUT(6)          \
        CK_W(a5, a7)),                                                       \
       (!a1 && lzma_block_on_host(a0)))                                      \
    /* Checksums: small ones stay in the guest. */                           \
    FN(SIZED, none, uint32_t, lzma_crc32, 3,                                 \
       (const uint8_t *, size_t, uint32_t), 0, (CK_R(a0, a1)),               \
       (a1, LZMA_MIN_HOST_CRC))                                              \
    FN(SIZED, none, uint64_t, lzma_crc64, 3,                                 \
       (const uint8_t *, size_t, uint64_t), 0, (CK_R(a0, a1)),               \
       (a1, LZMA_MIN_HOST_CRC))                                              \
    /* Cheaper emulated than a round trip. */                                \
    FN(GUEST, none, uint32_t, lzma_version_number, 0, (), 0, (), NO_GUEST)   \
    FN(GUEST, none, const char *, lzma_version_string, 0, (), NULL, (),      \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_bool, lzma_check_is_supported, 1, (lzma_check), 0,  \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, uint32_t, lzma_check_size, 1, (lzma_check), 0, (),       \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_bool, lzma_filter_encoder_is_supported, 1,          \
       (lzma_vli), 0, (), NO_GUEST)                                          \
    FN(GUEST, none, lzma_bool, lzma_filter_decoder_is_supported, 1,          \
       (lzma_vli), 0, (), NO_GUEST)                                          \
    FN(GUEST, none, lzma_bool, lzma_mf_is_supported, 1, (lzma_match_finder), \
       0, (), NO_GUEST)                                                      \
    FN(GUEST, none, lzma_bool, lzma_mode_is_supported, 1, (lzma_mode), 0,    \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_bool, lzma_lzma_preset, 2,                          \
       (lzma_options_lzma *, uint32_t), 1, (), NO_GUEST)                     \
    FN(GUEST, none, uint64_t, lzma_physmem, 0, (), 0, (), NO_GUEST)          \
    FN(GUEST, none, uint32_t, lzma_cputhreads, 0, (), 0, (), NO_GUEST)       \
    FN(GUEST, none, uint64_t, lzma_easy_encoder_memusage, 1, (uint32_t), 0,  \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, uint64_t, lzma_easy_decoder_memusage, 1, (uint32_t), 0,  \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, uint64_t, lzma_raw_encoder_memusage, 1,                  \
       (const lzma_filter *), 0, (), NO_GUEST)                               \
    FN(GUEST, none, uint64_t, lzma_raw_decoder_memusage, 1,                  \
       (const lzma_filter *), 0, (), NO_GUEST)                               \
    FN(GUEST, none, uint64_t, lzma_stream_encoder_mt_memusage, 1,            \
       (const lzma_mt *), 0, (), NO_GUEST)                                   \
    FN(GUEST, none, size_t, lzma_stream_buffer_bound, 1, (size_t), 0, (),    \
       NO_GUEST)                                                             \
    FN(GUEST, none, size_t, lzma_block_buffer_bound, 1, (size_t), 0, (),     \
       NO_GUEST)                                                             \
    FN(GUEST, none, uint32_t, lzma_vli_size, 1, (lzma_vli), 0, (), NO_GUEST) \
    FN(GUEST, none, lzma_ret, lzma_vli_encode, 5,                            \
       (lzma_vli, size_t *, uint8_t *, size_t *, size_t), LZMA_PROG_ERROR,   \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_ret, lzma_vli_decode, 5,                            \
       (lzma_vli *, size_t *, const uint8_t *, size_t *, size_t),            \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    /* Stream and block headers: a few bytes each. */                        \
    FN(GUEST, none, lzma_ret, lzma_stream_header_encode, 2,                  \
       (const lzma_stream_flags *, uint8_t *), LZMA_PROG_ERROR, (),          \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_ret, lzma_stream_footer_encode, 2,                  \
       (const lzma_stream_flags *, uint8_t *), LZMA_PROG_ERROR, (),          \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_ret, lzma_stream_header_decode, 2,                  \
       (lzma_stream_flags *, const uint8_t *), LZMA_PROG_ERROR, (),          \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_ret, lzma_stream_footer_decode, 2,                  \
       (lzma_stream_flags *, const uint8_t *), LZMA_PROG_ERROR, (),          \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_ret, lzma_stream_flags_compare, 2,                  \
       (const lzma_stream_flags *, const lzma_stream_flags *),               \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_block_header_size, 1, (lzma_block *),     \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_block_header_encode, 2,                   \
       (const lzma_block *, uint8_t *), LZMA_PROG_ERROR, (), NO_GUEST)       \
    FN(GUEST, none, lzma_ret, lzma_block_header_decode, 3,                   \
       (lzma_block *, const lzma_allocator *, const uint8_t *),              \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_block_compressed_size, 2,                 \
       (lzma_block *, lzma_vli), LZMA_PROG_ERROR, (), NO_GUEST)              \
    FN(GUEST, none, lzma_vli, lzma_block_unpadded_size, 1,                   \
       (const lzma_block *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, lzma_vli, lzma_block_total_size, 1, (const lzma_block *),\
       0, (), NO_GUEST)                                                      \
    /* Filters the guest holds (options allocated for it). */                \
    FN(GUEST, none, lzma_ret, lzma_filters_copy, 3,                          \
       (const lzma_filter *, lzma_filter *, const lzma_allocator *),         \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, void, lzma_filters_free, 2,                              \
       (lzma_filter *, const lzma_allocator *), 0, (), NO_GUEST)             \
    FN(GUEST, none, lzma_ret, lzma_properties_size, 2,                       \
       (uint32_t *, const lzma_filter *), LZMA_PROG_ERROR, (), NO_GUEST)     \
    FN(GUEST, none, lzma_ret, lzma_properties_encode, 2,                     \
       (const lzma_filter *, uint8_t *), LZMA_PROG_ERROR, (), NO_GUEST)      \
    FN(GUEST, none, lzma_ret, lzma_properties_decode, 4,                     \
       (lzma_filter *, const lzma_allocator *, const uint8_t *, size_t),     \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_filter_flags_size, 2,                     \
       (uint32_t *, const lzma_filter *), LZMA_PROG_ERROR, (), NO_GUEST)     \
    FN(GUEST, none, lzma_ret, lzma_filter_flags_encode, 4,                   \
       (const lzma_filter *, uint8_t *, size_t *, size_t), LZMA_PROG_ERROR,  \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_ret, lzma_filter_flags_decode, 5,                   \
       (lzma_filter *, const lzma_allocator *, const uint8_t *, size_t *,    \
        size_t), LZMA_PROG_ERROR, (), NO_GUEST)                              \
    FN(GUEST, none, const char *, lzma_str_to_filters, 5,                    \
       (const char *, int *, lzma_filter *, uint32_t,                        \
        const lzma_allocator *), NULL, (), NO_GUEST)                         \
    FN(GUEST, none, lzma_ret, lzma_str_from_filters, 4,                      \
       (char **, const lzma_filter *, uint32_t, const lzma_allocator *),     \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_str_list_filters, 4,                      \
       (char **, lzma_vli, uint32_t, const lzma_allocator *),                \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    /* lzma_index and lzma_index_hash: guest objects. */                     \
    FN(GUEST, none, uint64_t, lzma_index_memusage, 2, (lzma_vli, lzma_vli),  \
       0, (), NO_GUEST)                                                      \
    FN(GUEST, none, uint64_t, lzma_index_memused, 1, (const lzma_index *),   \
       0, (), NO_GUEST)                                                      \
    FN(GUEST, none, lzma_index *, lzma_index_init, 1,                        \
       (const lzma_allocator *), NULL, (), NO_GUEST)                         \
    FN(GUEST, none, void, lzma_index_end, 2,                                 \
       (lzma_index *, const lzma_allocator *), 0, (), NO_GUEST)              \
    FN(GUEST, none, lzma_ret, lzma_index_append, 4,                          \
       (lzma_index *, const lzma_allocator *, lzma_vli, lzma_vli),           \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_ret, lzma_index_stream_flags, 2,                    \
       (lzma_index *, const lzma_stream_flags *), LZMA_PROG_ERROR, (),       \
       NO_GUEST)                                                             \
    FN(GUEST, none, uint32_t, lzma_index_checks, 1, (const lzma_index *), 0, \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_ret, lzma_index_stream_padding, 2,                  \
       (lzma_index *, lzma_vli), LZMA_PROG_ERROR, (), NO_GUEST)              \
    FN(GUEST, none, lzma_vli, lzma_index_stream_count, 1,                    \
       (const lzma_index *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, lzma_vli, lzma_index_block_count, 1,                     \
       (const lzma_index *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, lzma_vli, lzma_index_size, 1, (const lzma_index *), 0,   \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_vli, lzma_index_stream_size, 1,                     \
       (const lzma_index *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, lzma_vli, lzma_index_total_size, 1,                      \
       (const lzma_index *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, lzma_vli, lzma_index_file_size, 1, (const lzma_index *), \
       0, (), NO_GUEST)                                                      \
    FN(GUEST, none, lzma_vli, lzma_index_uncompressed_size, 1,               \
       (const lzma_index *), 0, (), NO_GUEST)                                \
    FN(GUEST, none, void, lzma_index_iter_init, 2,                           \
       (lzma_index_iter *, const lzma_index *), 0, (), NO_GUEST)             \
    FN(GUEST, none, void, lzma_index_iter_rewind, 1, (lzma_index_iter *), 0, \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_bool, lzma_index_iter_next, 2,                      \
       (lzma_index_iter *, lzma_index_iter_mode), 1, (), NO_GUEST)           \
    FN(GUEST, none, lzma_bool, lzma_index_iter_locate, 2,                    \
       (lzma_index_iter *, lzma_vli), 1, (), NO_GUEST)                       \
    FN(GUEST, none, lzma_ret, lzma_index_cat, 3,                             \
       (lzma_index *, lzma_index *, const lzma_allocator *),                 \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_index *, lzma_index_dup, 2,                         \
       (const lzma_index *, const lzma_allocator *), NULL, (), NO_GUEST)     \
    FN(GUEST, none, lzma_ret, lzma_index_buffer_encode, 4,                   \
       (const lzma_index *, uint8_t *, size_t *, size_t), LZMA_PROG_ERROR,   \
       (), NO_GUEST)                                                         \
    FN(GUEST, none, lzma_ret, lzma_index_buffer_decode, 6,                   \
       (lzma_index **, uint64_t *, const lzma_allocator *, const uint8_t *,  \
        size_t *, size_t), LZMA_PROG_ERROR, (), NO_GUEST)                    \
    FN(GUEST, none, lzma_index_hash *, lzma_index_hash_init, 2,              \
       (lzma_index_hash *, const lzma_allocator *), NULL, (), NO_GUEST)      \
    FN(GUEST, none, void, lzma_index_hash_end, 2,                            \
       (lzma_index_hash *, const lzma_allocator *), 0, (), NO_GUEST)         \
    FN(GUEST, none, lzma_ret, lzma_index_hash_append, 3,                     \
       (lzma_index_hash *, lzma_vli, lzma_vli), LZMA_PROG_ERROR, (),         \
       NO_GUEST)                                                             \
    FN(GUEST, none, lzma_ret, lzma_index_hash_decode, 4,                     \
       (lzma_index_hash *, const uint8_t *, size_t *, size_t),               \
       LZMA_PROG_ERROR, (), NO_GUEST)                                        \
    FN(GUEST, none, lzma_vli, lzma_index_hash_size, 1,                       \
       (const lzma_index_hash *), 0, (), NO_GUEST)                           \
    LZMA_NEWER_FUNCTIONS(FN)

/*
 * Added after 5.4 (Debian 13's 5.8): in the GTLs built from that source
 * only; the host's 5.4.1 has none of them, so they run on the guest.
 * (LZMA_VERSION is major * 10^7 + minor * 10^4 + patch * 10 + stability.)
 */
#if LZMA_VERSION >= 50060000
#define LZMA_5_6_FUNCTIONS(FN)                                               \
    FN(GUEST, none, uint64_t, lzma_mt_block_size, 1, (const lzma_filter *),  \
       0, (), NO_GUEST)
#else
#define LZMA_5_6_FUNCTIONS(FN)
#endif
#if LZMA_VERSION >= 50080000
#define LZMA_5_8_FUNCTIONS(FN)                                               \
    FN(GUEST, none, size_t, lzma_bcj_arm64_encode, 3,                        \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)                       \
    FN(GUEST, none, size_t, lzma_bcj_arm64_decode, 3,                        \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)                       \
    FN(GUEST, none, size_t, lzma_bcj_riscv_encode, 3,                        \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)                       \
    FN(GUEST, none, size_t, lzma_bcj_riscv_decode, 3,                        \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)                       \
    FN(GUEST, none, size_t, lzma_bcj_x86_encode, 3,                          \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)                       \
    FN(GUEST, none, size_t, lzma_bcj_x86_decode, 3,                          \
       (uint32_t, uint8_t *, size_t), 0, (), NO_GUEST)
#else
#define LZMA_5_8_FUNCTIONS(FN)
#endif
#define LZMA_NEWER_FUNCTIONS(FN) LZMA_5_6_FUNCTIONS(FN) LZMA_5_8_FUNCTIONS(FN)

#endif
