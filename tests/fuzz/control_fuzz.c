/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the plugin's control plane as a guest drives it, with
 * real HTLs loaded from a real htl_dir ($PT_FUZZ_HTL_DIR: libz_HTL.so,
 * liblzma_HTL.so, libbz2_HTL.so, libzstd_HTL.so, the fixture HTL, and a
 * symbolic link, a junk file, a directory and a FIFO named like HTLs;
 * tests/fuzz/run_fuzz.sh sets it up).
 *
 * An input is a little program of records, read front to back; bytes past
 * the end read as 0. Each record starts with a kind byte:
 *   CONTROL  op (u16) flags (u8), then 6 argument encodings: one
 *            pt_control_syscall(). Op 0..15 picks a known op (with or
 *            without PT_OP_REPLY, by flags bit 0), larger values are raw.
 *            RESOLVE gets well-formed arrays by flags bit 2.
 *   POKE     offset (u16), length (u8), bytes: written into the arena.
 *   GATE     pt_control_gate(): the gate's instruction ran.
 *   MEMORY   which (u8), 3 argument encodings: a guest memory syscall
 *            seen before it runs (munmap, mprotect, mmap, mremap, brk...).
 * An argument encoding is a tag byte and its payload, so that guest
 * pointers mean something: raw 64-bit values, NULL, pointers into the
 * arena (fuzzer-written memory), a read-only page, a PROT_NONE page, a
 * kernel address, a prepared reply block, a handle or token the plugin
 * handed out earlier, one of a set of library and entry names (paths,
 * traversal, overlong, unterminated at a page's end), a mailbox slot,
 * the gate's ping token.
 *
 * The "guest" is one mapping of the harness (pt_guest_mem_set_check), and
 * MEMORY records that munmap or mprotect the mailbox page take effect, so
 * a mailbox the plugin should have dropped faults when it is used. The
 * harness also checks that every answer agrees with itself (status,
 * syscall value, reply value; no value with an error).
 *
 * HTL entries check the guest pointers they are given (pt_guest_check,
 * here narrowed to the "guest" mapping like the plugin's own accesses:
 * harness memory is QEMU's memory, not the guest's). When a call would
 * really run an entry (valid token, non-NULL args and ret), the harness
 * either leaves args and ret as the fuzzer wrote them, for the entries'
 * checks to refuse, or (by an input bit) makes them a well-formed call of
 * that entry with every buffer inside the arena, so that entries also do
 * real work. An entry it has no model for is not run (its args are
 * cleared): gzdopen's descriptor, say, would be the harness's own.
 * Everything the plugin itself decodes stays as the fuzzer wrote it.
 * liblzma's models keep their memory small (presets 0-1, dictionaries of
 * 256 KiB at most), and libbz2's too (blocks of 100-200 KB, bigger ones
 * rarely); their streams live in slots of the call page (at times
 * anywhere in the arena), and liblzma's filter chains, with their
 * options, in the arena. Buffers are in the arena, at times where the
 * HTL must refuse them (read-only, PROT_NONE, outside the guest), and a
 * decoder's input at times bzip2 data the harness made with the host's
 * libbz2 (so it gets past the header). libzstd's objects are handles a
 * creator returns: the harness keeps those its built calls made, and
 * gives them (or stale, forged, wrong-kind ones) to later calls; its
 * decoders get zstd frames and dictionaries the harness made with the
 * host's libzstd, whole, cut, changed or in pieces. The result of each
 * built call is a coverage feature (the HTLs are not instrumented), and
 * PT_FUZZ_STATS=1 prints, at exit, what each built entry returned.
 *
 * State that outlives an input is reset before the next one: the
 * registry, and the mailbox the plugin keeps per thread (else a mailbox
 * bound by an earlier input, now in memory the fuzzer writes, would run
 * calls the harness never saw); and the streams an input's built calls
 * set up are ended, each by the handle it was given (the HTL's tables
 * outlive the registry, and a guest may set a struct up again without
 * ending it, or overwrite its handle), and the libzstd objects they made
 * are freed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
/* The experimental API too: the HTL has entries for it. */
#define ZSTD_STATIC_LINKING_ONLY
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include "control.h"
#include "guest_check.h"
#include "guest_mem.h"
#include "log.h"
#include "passthrough_entries.h"
#include "passthrough_protocol.h"
#include "registry.h"

#define PAGE 4096
#define ARENA_SIZE (16 * PAGE)
#define N_REPLIES 8
#define N_MAILBOXES 4
#define N_KEPT 16

/*
 * Memory the "guest" owns, one mapping: the arena (read-write), then the
 * reply page, the mailbox page (MEMORY records that munmap or mprotect it
 * take effect for real, so a mailbox the plugin failed to drop faults),
 * the call page (args the harness builds), the names pages (read-only), a
 * read-only page, a PROT_NONE page.
 */
#define NAMES_PAGES 2
#define GUEST_PAGES (5 + NAMES_PAGES)
static uint8_t *arena;
static PtReply *replies;
static PtMailbox *mailboxes;
static uint8_t *call_page;
static uint8_t *names_page;
static uint8_t *ro_page;
static uint8_t *none_page;
static int mailbox_prot;  /* the mailbox page's protection now */
static bool mailbox_readable(uint64_t addr);

static const char *const names[] = {
    "libz.so", "libz.so.1", "libptfixture.so", "liblink.so", "libjunk.so",
    "libdir.so", "libfifo.so", "libnothere.so", "../libz.so", "/usr/lib/libz.so",
    "libz_HTL.so", "lib.so", "libz.so.1a", "", "crc32_HTL", "adler32_HTL",
    "compress_HTL", "compress2_HTL", "uncompress_HTL", "compressBound_HTL",
    "zlibVersion_HTL", "own_HTL", "dep_HTL", "table_HTL", "system", "crc32",
    "no_such_HTL", "bad name_HTL", "_init", "inflateInit__ga_HTL",
    "deflateEnd_ga_HTL", "ga_resume_HTL",
    /* liblzma: its HTL, and entries of each kind (a guest-only function
     * and the threaded coders have no entry the harness may run). */
    "liblzma.so", "liblzma.so.5", "lzma_easy_buffer_encode_HTL",
    "lzma_stream_buffer_encode_HTL", "lzma_stream_buffer_decode_HTL",
    "lzma_raw_buffer_encode_HTL", "lzma_raw_buffer_decode_HTL",
    "lzma_easy_encoder_HTL", "lzma_stream_encoder_HTL",
    "lzma_raw_encoder_HTL", "lzma_raw_decoder_HTL", "lzma_alone_encoder_HTL",
    "lzma_alone_decoder_HTL", "lzma_stream_decoder_HTL",
    "lzma_auto_decoder_HTL", "lzma_lzip_decoder_HTL", "lzma_code_HTL",
    "lzma_end_HTL", "lzma_memusage_HTL", "lzma_memlimit_set_HTL",
    "lzma_get_check_HTL", "lzma_get_progress_HTL", "lzma_filters_update_HTL",
    "lzma_crc32_HTL", "lzma_crc64_HTL", "lzma_code_ga_HTL",
    "lzma_easy_encoder_ga_HTL", "lzma_version_number_HTL",
    "lzma_stream_encoder_mt_HTL", "lzma_microlzma_encoder_HTL",
    "lzma_microlzma_decoder_HTL",
    /* libbz2: its HTL, its entries, and functions that run on the guest
     * (the version; the FILE functions, the GTL's). */
    "libbz2.so", "libbz2.so.1.0", "BZ2_bzCompressInit_HTL",
    "BZ2_bzCompress_HTL", "BZ2_bzCompressEnd_HTL", "BZ2_bzDecompressInit_HTL",
    "BZ2_bzDecompress_HTL", "BZ2_bzDecompressEnd_HTL",
    "BZ2_bzBuffToBuffCompress_HTL", "BZ2_bzBuffToBuffDecompress_HTL",
    "BZ2_bzCompressInit_ga_HTL", "BZ2_bzCompressEnd_ga_HTL",
    "BZ2_bzDecompressInit_ga_HTL", "BZ2_bzDecompress_ga_HTL",
    "BZ2_bzDecompressEnd_ga_HTL", "BZ2_bzlibVersion_HTL", "BZ2_bzRead_HTL",
    /* libzstd: its HTL, its entries (with the program's allocator too),
     * and functions that run on the guest (a query, the buffer-less
     * ones). */
    "libzstd.so", "libzstd.so.1", "ZSTD_compress_HTL", "ZSTD_decompress_HTL",
    "ZSTD_createCCtx_advanced_ga_HTL", "ZSTD_compressStream2_ga_HTL",
    "ZSTD_freeCCtx_ga_HTL", "ZSTD_createDDict_advanced_ga_HTL",
    "ZSTD_decompressStream_ga_HTL", "ZSTD_freeDDict_ga_HTL",
    "ZSTD_createCCtx_HTL", "ZSTD_createCStream_HTL",
    "ZSTD_createCCtx_advanced_HTL", "ZSTD_createCStream_advanced_HTL",
    "ZSTD_freeCCtx_HTL", "ZSTD_freeCStream_HTL", "ZSTD_compressCCtx_HTL",
    "ZSTD_compress2_HTL", "ZSTD_compress_usingDict_HTL",
    "ZSTD_compress_advanced_HTL", "ZSTD_compress_usingCDict_HTL",
    "ZSTD_compress_usingCDict_advanced_HTL", "ZSTD_CCtx_setParameter_HTL",
    "ZSTD_CCtx_getParameter_HTL", "ZSTD_CCtx_setPledgedSrcSize_HTL",
    "ZSTD_CCtx_reset_HTL", "ZSTD_CCtx_setCParams_HTL",
    "ZSTD_CCtx_setParametersUsingCCtxParams_HTL",
    "ZSTD_CCtx_loadDictionary_HTL", "ZSTD_CCtx_loadDictionary_advanced_HTL",
    "ZSTD_CCtx_refCDict_HTL", "ZSTD_CCtx_refPrefix_HTL",
    "ZSTD_CCtx_refPrefix_advanced_HTL", "ZSTD_compressStream2_HTL",
    "ZSTD_compressStream2_simpleArgs_HTL", "ZSTD_compressStream_HTL",
    "ZSTD_flushStream_HTL", "ZSTD_endStream_HTL", "ZSTD_initCStream_HTL",
    "ZSTD_initCStream_srcSize_HTL", "ZSTD_initCStream_usingDict_HTL",
    "ZSTD_initCStream_advanced_HTL", "ZSTD_initCStream_usingCDict_HTL",
    "ZSTD_initCStream_usingCDict_advanced_HTL", "ZSTD_resetCStream_HTL",
    "ZSTD_sizeof_CCtx_HTL", "ZSTD_sizeof_CStream_HTL",
    "ZSTD_getFrameProgression_HTL", "ZSTD_toFlushNow_HTL",
    "ZSTD_getBlockSize_HTL", "ZSTD_registerSequenceProducer_HTL",
    "ZSTD_generateSequences_HTL", "ZSTD_compressSequences_HTL",
    "ZSTD_copyCCtx_HTL", "ZSTD_createDCtx_HTL", "ZSTD_createDStream_HTL",
    "ZSTD_createDCtx_advanced_HTL", "ZSTD_createDStream_advanced_HTL",
    "ZSTD_freeDCtx_HTL", "ZSTD_freeDStream_HTL", "ZSTD_decompressDCtx_HTL",
    "ZSTD_decompress_usingDict_HTL", "ZSTD_decompress_usingDDict_HTL",
    "ZSTD_DCtx_setParameter_HTL", "ZSTD_DCtx_getParameter_HTL",
    "ZSTD_DCtx_reset_HTL", "ZSTD_DCtx_setFormat_HTL",
    "ZSTD_DCtx_setMaxWindowSize_HTL", "ZSTD_DCtx_loadDictionary_HTL",
    "ZSTD_DCtx_loadDictionary_advanced_HTL", "ZSTD_DCtx_refDDict_HTL",
    "ZSTD_DCtx_refPrefix_HTL", "ZSTD_DCtx_refPrefix_advanced_HTL",
    "ZSTD_decompressStream_HTL", "ZSTD_decompressStream_simpleArgs_HTL",
    "ZSTD_initDStream_HTL", "ZSTD_initDStream_usingDict_HTL",
    "ZSTD_initDStream_usingDDict_HTL", "ZSTD_resetDStream_HTL",
    "ZSTD_sizeof_DCtx_HTL", "ZSTD_sizeof_DStream_HTL", "ZSTD_copyDCtx_HTL",
    "ZSTD_createCDict_HTL", "ZSTD_createCDict_advanced_HTL",
    "ZSTD_createCDict_advanced2_HTL", "ZSTD_freeCDict_HTL",
    "ZSTD_sizeof_CDict_HTL", "ZSTD_getDictID_fromCDict_HTL",
    "ZSTD_createDDict_HTL", "ZSTD_createDDict_advanced_HTL",
    "ZSTD_freeDDict_HTL", "ZSTD_sizeof_DDict_HTL",
    "ZSTD_getDictID_fromDDict_HTL", "ZSTD_createCCtxParams_HTL",
    "ZSTD_freeCCtxParams_HTL", "ZSTD_CCtxParams_init_HTL",
    "ZSTD_CCtxParams_init_advanced_HTL", "ZSTD_CCtxParams_reset_HTL",
    "ZSTD_CCtxParams_setParameter_HTL", "ZSTD_CCtxParams_getParameter_HTL",
    "ZSTD_estimateCCtxSize_usingCCtxParams_HTL",
    "ZSTD_estimateCStreamSize_usingCCtxParams_HTL",
    "ZDICT_trainFromBuffer_HTL", "ZDICT_trainFromBuffer_cover_HTL",
    "ZDICT_trainFromBuffer_fastCover_HTL",
    "ZDICT_optimizeTrainFromBuffer_cover_HTL",
    "ZDICT_optimizeTrainFromBuffer_fastCover_HTL",
    "ZDICT_trainFromBuffer_legacy_HTL", "ZDICT_finalizeDictionary_HTL",
    "ZDICT_addEntropyTablesFromBuffer_HTL", "ZSTD_versionNumber_HTL",
    "ZSTD_compressContinue_HTL", "ZSTD_compressEnd_HTL",
    "ZSTD_compressBlock_HTL", "ZSTD_compressBegin_HTL", "ga_serve_HTL",
    "libzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.so",
    "entryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy_HTL",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))
static uint64_t name_addr[N_NAMES + 1];  /* + one unterminated at the end */

static const uint64_t known_ops[16] = {
    0, PT_OP_LOAD_HTL, PT_OP_DLSYM, PT_OP_INVOKE, PT_OP_CLOSE_HTL,
    PT_OP_HELLO, PT_OP_STATS, PT_OP_REGISTER_GATE, PT_OP_BIND_MAILBOX,
    PT_OP_MAILBOX_CALL, PT_OP_INVOKE, PT_OP_RESOLVE, PT_OP_DLSYM,
    PT_OP_LOAD_HTL, 5, PT_OP_HELLO + 6,
};

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static uint64_t take(Input *in, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)(in->left ? (in->left--, *in->p++) : 0) << (8 * i);
    }
    return v;
}

static uint64_t U(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* Per input: the plugin's state, and what it handed out. */
static PtControl ctl;
static uint64_t kept_handles[N_KEPT], kept_tokens[N_KEPT];
static int n_handles, n_tokens;
static uint64_t bound;    /* the mailbox the last BIND said OK to */
static bool trace;        /* PT_FUZZ_TRACE=1: print each op (seed debugging) */

static void keep(uint64_t *list, int *n, uint64_t v)
{
    list[(*n)++ % N_KEPT] = v;
}

static uint64_t arg(Input *in, uint64_t *nonce_for)
{
    uint8_t tag = take(in, 1);
    uint64_t v;
    PtReply *r;

    switch (tag % 15) {
    case 0:
        return take(in, 8);
    case 1:
        return 0;
    case 2:
        return U(arena) + take(in, 2) % ARENA_SIZE;
    case 3:
        return U(arena) + (take(in, 2) % ARENA_SIZE & ~7ULL);
    case 4:
        return U(ro_page) + take(in, 2) % PAGE;
    case 5:
        return U(none_page) + take(in, 2) % PAGE;
    case 6:
        return 0xffff800000000000ULL + take(in, 4);
    case 7:
        /* A reply block ready for the op: magic, and HELLO's nonce if the
         * next byte says so. */
        v = take(in, 1);
        r = &replies[v % N_REPLIES];
        r->magic = (v & 0x80) ? take(in, 8) : PT_REPLY_MAGIC;
        r->status = PT_E_NO_ANSWER;
        r->nonce = 0;
        *nonce_for = U(r);
        return U(r);
    case 8:
        v = take(in, 1);
        return n_handles ? kept_handles[v % N_KEPT % (n_handles < N_KEPT
                                                      ? n_handles : N_KEPT)]
                         : PT_HANDLE_TAG | v;
    case 9:
        v = take(in, 1);
        return n_tokens ? kept_tokens[v % N_KEPT % (n_tokens < N_KEPT
                                                    ? n_tokens : N_KEPT)]
                        : PT_TOKEN_TAG | v;
    case 10:
        return name_addr[take(in, 1) % (N_NAMES + 1)];
    case 11:
        return U(&mailboxes[take(in, 1) % N_MAILBOXES]);
    case 12:
        /* Tag bits with an index the plugin may or may not have issued. */
        v = take(in, 1);
        return ((v & 1) ? PT_TOKEN_TAG : PT_HANDLE_TAG) |
               (take(in, 2) << 32) | take(in, 2);
    case 13:
        return PT_GATE_PING;
    default:
        return take(in, 1);
    }
}

/*
 * RESOLVE's arrays, by an input bit: up to 24 names the harness knows
 * (NULLs and raw values among them) in the arena's first half, the tokens
 * written into its second half.
 */
static void make_resolve(Input *in, uint64_t *a)
{
    const uint64_t most = 24, room = ARENA_SIZE / 2 - most * 8;
    uint64_t n = take(in, 1) % (most + 1);
    uint64_t *array = (uint64_t *)(arena + (take(in, 2) % room & ~7ULL));

    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = take(in, 1);

        array[i] = v < 224 ? name_addr[v % (N_NAMES + 1)]
                 : v < 240 ? 0 : take(in, 8);
    }
    a[1] = U(array);
    a[2] = n;
    a[3] = U(arena) + ARENA_SIZE / 2 + (take(in, 2) % room & ~7ULL);
}

/*
 * A buffer in one half of the arena, from the input; at most 1 KiB, so one
 * input runs in microseconds, not in a level-9 compress.
 */
#define MAX_BUFFER 1024

static void buffer(Input *in, int half, uint64_t *ptr, uint64_t *len)
{
    uint64_t off = take(in, 2) % (ARENA_SIZE / 2);
    uint64_t room = ARENA_SIZE / 2 - off;

    *ptr = U(arena) + half * (ARENA_SIZE / 2) + off;
    *len = take(in, 2) % ((room < MAX_BUFFER ? room : MAX_BUFFER) + 1);
}

/*
 * Where a call may or may not be given len bytes: NULL, in the read-only
 * page (readable, not writable), running from it into the PROT_NONE page,
 * in that page, from below the guest's memory into the arena, or from the
 * arena's end into the reply page (guest memory: allowed).
 */
static uint64_t edge_pointer(Input *in, uint64_t len)
{
    uint64_t half = len / 2;

    switch (take(in, 1) % 6) {
    case 0:
        return 0;
    case 1:
        return U(ro_page) + PAGE - (len < PAGE ? len : PAGE);
    case 2:
        return U(ro_page) + PAGE - half;
    case 3:
        return U(none_page) + take(in, 2) % PAGE;
    case 4:
        return U(arena) - 8;
    default:
        return U(arena) + ARENA_SIZE - half;
    }
}

/* Whether the harness itself may write len bytes at p: the arena, or the
 * call page. Not the reply page after the arena: a struct built running
 * into it would overwrite the reply block of the op that runs the call. */
static bool harness_writable(uint64_t p, uint64_t len)
{
    uint64_t lo = U(arena), hi = U(replies);

    if (p >= U(call_page) && p < U(call_page) + PAGE) {
        lo = U(call_page);
        hi = lo + PAGE;
    }
    return p >= lo && p <= hi && len <= hi - p;
}

/* An edge_pointer() for a struct of size bytes, into *arg: where the
 * harness may fill it in, or NULL. */
static uint8_t *edge_struct(Input *in, uint64_t size, uint64_t *arg)
{
    *arg = edge_pointer(in, size);
    return harness_writable(*arg, size) ? (uint8_t *)(uintptr_t)*arg : NULL;
}

/* A struct the entry reads and writes back, size bytes, into *arg: in
 * the arena mostly (8-aligned), at times an edge_struct(). */
static uint8_t *guest_struct(Input *in, uint64_t size, uint64_t *arg)
{
    uint8_t *s;

    if (take(in, 1) >= 0xe0) {
        return edge_struct(in, size, arg);
    }
    s = arena + (take(in, 2) % (ARENA_SIZE - size) & ~7ULL);
    *arg = U(s);
    return s;
}

/*
 * A call's input and output, in different halves (they never overlap,
 * which zlib, liblzma and libbz2 do not allow either); which half is the
 * input is the input's choice, so one call can read what an earlier one
 * wrote. At times (the first byte's top bits) either is an edge_pointer().
 */
static void io_buffers(Input *in, uint64_t *src, uint64_t *src_len,
                       uint64_t *dst, uint64_t *dst_len)
{
    uint8_t how = take(in, 1);
    int half = how & 1;

    buffer(in, half, src, src_len);
    buffer(in, !half, dst, dst_len);
    if ((how & 0xc0) == 0xc0 && (how & 2)) {
        *src = edge_pointer(in, *src_len);
    }
    if ((how & 0xc0) == 0xc0 && (how & 4)) {
        *dst = edge_pointer(in, *dst_len);
    }
}

/*
 * A library's stream struct, as the harness builds calls on it: its slots
 * in the call page, its size, where it holds the host's handle (the
 * library's state pointer), its buffer fields and output count (64-bit,
 * little-endian), the entries that end one.
 */
typedef struct StreamKind {
    const char *lib;
    const char *end[2];         /* the second: NULL, or another to try */
    uint16_t slots, size, handle;
    uint16_t next_in, avail_in, next_out, avail_out, avail_size;
    uint16_t total_out;
    PtHtlEntry end_fn[2];       /* found once (HTLs stay loaded) */
} StreamKind;

#define STREAM_KIND(lib_, end0, end1, slots_, type, state, total)          \
    {                                                                      \
        .lib = (lib_), .end = { (end0), (end1) }, .slots = (slots_),       \
        .size = sizeof(type), .handle = offsetof(type, state),             \
        .next_in = offsetof(type, next_in),                                \
        .avail_in = offsetof(type, avail_in),                              \
        .next_out = offsetof(type, next_out),                              \
        .avail_out = offsetof(type, avail_out),                            \
        .avail_size = sizeof(((type *)0)->avail_in),                       \
        .total_out = offsetof(type, total),                                \
    }

typedef struct ZstdObject ZstdObject;

/*
 * A well-formed call under construction: args[i] points at val[i], or at
 * a struct passed by value (struct_arg()); what the entry takes by
 * pointer (a length, a position) is in val[VAL_*]. `produced`, if set, is
 * a count (64-bit, little-endian, maybe unaligned) the call advances past
 * `produced_base` as it writes output (stats only); `made`, if set, the
 * struct of `kind` the call sets up. `param` is the entry's Model's;
 * `made_group`, if not -1, the group of the libzstd object the call
 * creates; `feeds`, if set, the libzstd decoder the call feeds the
 * harness's frames to, from `fed_from` on, its input position at `fed`
 * after the call (zstd_after()).
 */
typedef struct Call {
    Input *in;
    uint64_t *val;
    void **args;
    uint8_t *produced;
    uint64_t produced_base;
    StreamKind *kind;
    uint8_t *made;
    int param;
    int structs;
    int made_group;
    ZstdObject *feeds;
    const uint8_t *fed;
    uint64_t fed_from;
} Call;

#define N_VALS 16
#define VAL_OUT_LEN 10    /* an output length or position */
#define VAL_IN_POS 11     /* an input position */
#define VAL_MEMLIMIT 12
#define VAL_OUT2 13       /* a second output value */

/* The call page: args, their values, the result, structs passed by
 * value, then the streams. */
#define CALL_VALS 128
#define CALL_RET 256
#define CALL_STRUCTS 320
#define STRUCT_ROOM 64
#define N_STRUCTS 3
#define CALL_CLEAR 512    /* cleared for each call */
#define CALL_STREAMS 1024 /* liblzma's */
#define N_STREAMS 4
#define STREAM_ROOM 256
#define CALL_BZ_STREAMS (CALL_STREAMS + N_STREAMS * STREAM_ROOM)
_Static_assert(CALL_BZ_STREAMS + N_STREAMS * STREAM_ROOM <= PAGE,
               "the call page's streams");
_Static_assert(CALL_STRUCTS + N_STRUCTS * STRUCT_ROOM <= CALL_CLEAR,
               "the call page's structs");

/* Argument i is a struct passed by value: its room in the call page
 * (zeroed, aligned), for the model to fill in. */
static void *struct_arg(Call *c, int i)
{
    void *s = call_page + CALL_STRUCTS + c->structs * STRUCT_ROOM;

    if (c->structs++ == N_STRUCTS) {
        __builtin_trap();     /* a model's bug: more than N_STRUCTS */
    }
    c->args[i] = s;
    return s;
}

/* A position in a buffer: mostly its start, at times anywhere, past its
 * end too (the library must refuse that). */
static uint64_t position(Input *in)
{
    uint8_t v = take(in, 1);

    return v & 0x80 ? (v & 0x7f) * 8 : 0;
}

/* Argument arg points at an output length or position: len now, and
 * what the call writes counted from base. */
static void out_len(Call *c, int arg, uint64_t len, uint64_t base)
{
    c->val[VAL_OUT_LEN] = len;
    c->val[arg] = U(&c->val[VAL_OUT_LEN]);
    c->produced = (uint8_t *)&c->val[VAL_OUT_LEN];
    c->produced_base = base;
}

/* (in, in_size, out, out_pos, out_size) from argument `first` on. */
static void encode_io(Call *c, int first)
{
    uint64_t src, n_src, dst, n_dst, pos;

    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[first] = src;
    c->val[first + 1] = n_src;
    c->val[first + 2] = dst;
    pos = position(c->in);
    out_len(c, first + 3, pos, pos);
    c->val[first + 4] = n_dst;
}

/* (in, in_pos, in_size, out, out_pos, out_size) from argument `first`. */
static void decode_io(Call *c, int first)
{
    uint64_t src, n_src, dst, n_dst, pos;

    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[first] = src;
    c->val[VAL_IN_POS] = position(c->in);
    c->val[first + 1] = U(&c->val[VAL_IN_POS]);
    c->val[first + 2] = n_src;
    c->val[first + 3] = dst;
    pos = position(c->in);
    out_len(c, first + 4, pos, pos);
    c->val[first + 5] = n_dst;
}

/* A checksum's buffer (NULL at times), length and starting value. */
static void checksum_args(Input *in, uint64_t *buf, uint64_t *len,
                          uint64_t *seed)
{
    uint64_t p, n;

    buffer(in, 0, &p, &n);
    *seed = take(in, 4);
    *buf = take(in, 1) & 1 ? 0 : p;
    *len = *buf ? n : 0;
}

/* zlib: crc32, adler32 (seed, buf, len). */
static void model_zlib_checksum(Call *c)
{
    checksum_args(c->in, &c->val[1], &c->val[2], &c->val[0]);
    c->val[2] = (uint32_t)c->val[2];
}

static void model_compress_bound(Call *c)
{
    c->val[0] = take(c->in, 8);
}

/*
 * (dest, destLen, source, sourceLen), of zlib's compress and uncompress
 * and libbz2's buffer-to-buffer functions; destLen (len_size bytes) at
 * times an edge_pointer().
 */
static void dest_source(Call *c, uint64_t len_size)
{
    uint64_t src, n_src, dst, n_dst;

    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[0] = dst;
    out_len(c, 1, n_dst, 0);      /* *destLen: in/out */
    if (take(c->in, 1) == 0xa5) {
        c->val[1] = edge_pointer(c->in, len_size);
        c->produced = NULL;
    }
    c->val[2] = src;
    c->val[3] = n_src;
}

/* compress, compress2, uncompress (dest, destLen, source, sourceLen,
 * level). */
static void model_compress(Call *c)
{
    dest_source(c, sizeof(uint64_t));
    c->val[4] = (uint64_t)(int64_t)(int8_t)take(c->in, 1);
}

/*
 * liblzma. Memory stays small: presets 0 and 1 (3 and 9 MB to encode),
 * dictionaries of at most 256 KiB, decoders' memory limits of at most
 * 32 MiB (what a header asks for beyond that is refused by liblzma).
 */
static uint64_t lzma_preset(Input *in)
{
    uint8_t v = take(in, 1);

    /* Level 0 or 1, extreme or not; or a level liblzma must refuse. */
    return (v & 1) | (v & 2 ? LZMA_PRESET_EXTREME : 0) | (v & 4 ? 10 : 0);
}

static uint64_t lzma_check_id(Input *in)
{
    return take(in, 1) & 0x1f;    /* known, unsupported, invalid */
}

static uint64_t lzma_memlimit(Input *in)
{
    return 1ULL << (take(in, 1) % 26);
}

static uint64_t lzma_decoder_flags(Input *in)
{
    uint8_t v = take(in, 1);

    return v & 0x80 ? v : v & 0x3f;   /* LZMA_TELL_*, ..., or unknown */
}

/* Not liblzma's own allocator: the HTL refuses (those run on the guest). */
static uint64_t lzma_allocator_arg(Input *in)
{
    return take(in, 1) == 0xa5 ? U(arena) : 0;
}

static StreamKind lzma_kind =
    STREAM_KIND("liblzma.so", "lzma_end_HTL", NULL, CALL_STREAMS,
                lzma_stream, internal, total_out);

/*
 * Streams, liblzma's and libbz2's. Slots of the call page are written by
 * the HTL and the harness only; set_ups lists what this input's built
 * calls set up, for end_streams(): a step builds at most one call.
 */
#define MAX_SET_UPS 256

typedef struct SetUp {
    StreamKind *kind;
    uint8_t *at;
    uint64_t handle;
} SetUp;

static SetUp set_ups[MAX_SET_UPS];
static int n_set_ups;

static uint8_t *slot(const StreamKind *k, int i)
{
    return call_page + k->slots + i * STREAM_ROOM;
}

static uint64_t get_field(const uint8_t *s, uint16_t off, size_t size)
{
    uint64_t v = 0;

    memcpy(&v, s + off, size);    /* little-endian, as the guest's */
    return v;
}

static void put_field(uint8_t *s, uint16_t off, size_t size, uint64_t v)
{
    memcpy(s + off, &v, size);
}

/* After a built set-up ran: the handle its struct holds now, if new. */
static void remember_set_up(StreamKind *k, uint8_t *at)
{
    uint64_t handle = get_field(at, k->handle, 8);

    if (!handle || n_set_ups == MAX_SET_UPS) {
        return;
    }
    for (int i = 0; i < n_set_ups; i++) {
        if (set_ups[i].at == at && set_ups[i].handle == handle) {
            return;
        }
    }
    set_ups[n_set_ups++] = (SetUp){ k, at, handle };
}

/*
 * The stream a set-up works on: mostly one of the slots; at times a
 * struct anywhere in the arena, as it is, or memory the HTL must refuse.
 */
static uint64_t new_stream_arg(Call *c, StreamKind *k)
{
    uint8_t sel = take(c->in, 1);
    uint8_t *s = slot(k, sel % N_STREAMS);

    if ((sel & 0xc0) == 0xc0 && (sel & 0x20)) {
        return edge_pointer(c->in, k->size);
    }
    if ((sel & 0xc0) == 0xc0) {
        s = arena + take(c->in, 2) % (ARENA_SIZE - k->size);
    }
    c->kind = k;
    c->made = s;
    return U(s);
}

/*
 * The stream a call on a stream works on, into *arg: a slot; at times a
 * copy of one in the arena, its handle forged or not (a copy is not the
 * stream: the HTL must refuse it); or the slot with its handle replaced:
 * by one this input set up (of any struct, any library: stale, another's,
 * the other direction's), with the guest-allocator bit flipped, or of
 * another generation; or memory the HTL must refuse. Returns the struct
 * the harness may fill in, NULL if none.
 */
static uint8_t *stream_arg(Input *in, const StreamKind *k, uint64_t *arg)
{
    uint8_t sel = take(in, 1);
    uint8_t *s = slot(k, sel % N_STREAMS);
    uint64_t h = get_field(s, k->handle, 8);

    if ((sel & 0x30) == 0x30) {
        s = arena + (take(in, 2) % (ARENA_SIZE - k->size) & ~7ULL);
        memcpy(s, slot(k, sel % N_STREAMS), k->size);
        if (sel & 0x40) {
            put_field(s, k->handle, 8, h ^ take(in, 8));
        }
    } else if (sel & 0x80) {
        switch ((sel >> 2) & 3) {
        case 0:
            h = n_set_ups ? set_ups[take(in, 1) % n_set_ups].handle : 0;
            break;
        case 1:
            h ^= PT_HANDLE_GA_BIT;
            break;
        case 2:
            h += (take(in, 1) & 1 ? 1ULL : -1ULL) << 32;
            break;
        default:
            return edge_struct(in, k->size, arg);
        }
        put_field(s, k->handle, 8, h);
    }
    *arg = U(s);
    return s;
}

/*
 * A coding call's stream (argument 0) and its buffers, io_buffers(); the
 * stream's output count for the stats. The input buffer into *src, *n.
 * Returns the stream the harness may fill in, NULL if none.
 */
static uint8_t *stream_io(Call *c, const StreamKind *k, uint64_t *src,
                          uint64_t *n)
{
    uint64_t dst, n_dst;
    uint8_t *s = stream_arg(c->in, k, &c->val[0]);

    io_buffers(c->in, src, n, &dst, &n_dst);
    if (!s) {
        return NULL;
    }
    put_field(s, k->next_in, 8, *src);
    put_field(s, k->avail_in, k->avail_size, *n);
    put_field(s, k->next_out, 8, dst);
    put_field(s, k->avail_out, k->avail_size, n_dst);
    c->produced = s + k->total_out;
    c->produced_base = get_field(s, k->total_out, 8);
    return s;
}

/* An LZMA1/LZMA2 filter's options, mostly plausible. */
static void lzma_options_lzma_at(Input *in, lzma_options_lzma *o)
{
    static const lzma_match_finder mfs[] = {
        LZMA_MF_HC3, LZMA_MF_HC4, LZMA_MF_BT2, LZMA_MF_BT3, LZMA_MF_BT4,
        (lzma_match_finder)0x05,
    };
    uint8_t tweak = take(in, 1);
    uint64_t p, n;

    memset(o, 0, sizeof(*o));
    o->dict_size = LZMA_DICT_SIZE_MIN << (take(in, 1) % 7);
    o->lc = LZMA_LC_DEFAULT;
    o->lp = LZMA_LP_DEFAULT;
    o->pb = LZMA_PB_DEFAULT;
    o->mode = LZMA_MODE_FAST;
    o->nice_len = 32;
    o->mf = LZMA_MF_HC3;
    o->depth = 4;
    if (tweak & 1) {
        o->lc = take(in, 1) % 6;
        o->lp = take(in, 1) % 6;
        o->pb = take(in, 1) % 6;
    }
    if (tweak & 2) {
        o->mode = take(in, 1) % 3;
        o->mf = mfs[take(in, 1) % (sizeof(mfs) / sizeof(mfs[0]))];
    }
    if (tweak & 4) {
        o->nice_len = take(in, 2) % 300;
        o->depth = take(in, 1);
    }
    if (tweak & 8) {
        o->ext_flags = take(in, 1) % 4;
        o->ext_size_low = take(in, 4);
        o->ext_size_high = take(in, 4);
    }
    if (tweak & 0x10) {
        /* A preset dictionary: in the arena, or memory the HTL must not
         * read (unmapped; running into unmapped). */
        switch (take(in, 1) % 4) {
        case 0:
            buffer(in, 0, &p, &n);
            break;
        case 1:
            p = U(none_page);
            n = 16;
            break;
        case 2:
            p = U(ro_page + PAGE - 8);
            n = 64;
            break;
        default:
            p = 0;
            n = take(in, 2);
            break;
        }
        o->preset_dict = (const uint8_t *)(uintptr_t)p;
        o->preset_dict_size = n;
    }
}

/*
 * Where a filter's options are: built for its ID at room (mostly), NULL,
 * or memory the HTL must refuse to read.
 */
static uint64_t lzma_options_arg(Input *in, lzma_vli id, void *room)
{
    lzma_options_delta *delta = room;
    lzma_options_bcj *bcj = room;

    switch (take(in, 1) % 8) {
    case 5:
        return 0;
    case 6:
        return U(none_page);
    case 7:
        return U(ro_page + PAGE - 2);   /* even BCJ's 4 bytes run over */
    }
    switch (id) {
    case LZMA_FILTER_LZMA1:
    case LZMA_FILTER_LZMA1EXT:
    case LZMA_FILTER_LZMA2:
        lzma_options_lzma_at(in, room);
        break;
    case LZMA_FILTER_DELTA:
        memset(delta, 0, sizeof(*delta));
        delta->type = take(in, 1) % 2;
        delta->dist = take(in, 2) % 258;
        break;
    default:
        bcj->start_offset = take(in, 4);
        break;
    }
    return U(room);
}

/* The filters a chain may hold: the host's, one newer than the host's
 * liblzma (RISC-V BCJ), the end; or any 64-bit ID. */
static const lzma_vli filter_ids[] = {
    LZMA_FILTER_LZMA2, LZMA_FILTER_LZMA1, LZMA_FILTER_LZMA1EXT,
    LZMA_FILTER_DELTA, LZMA_FILTER_X86, LZMA_FILTER_POWERPC,
    LZMA_FILTER_IA64, LZMA_FILTER_ARM, LZMA_FILTER_ARMTHUMB,
    LZMA_FILTER_ARM64, LZMA_FILTER_SPARC, 0x0b, LZMA_VLI_UNKNOWN,
};
#define N_FILTER_IDS (sizeof(filter_ids) / sizeof(filter_ids[0]))
/* Up to one filter too many, and the end. */
#define CHAIN_MAX (LZMA_FILTERS_MAX + 2)
#define CHAIN_BYTES (CHAIN_MAX * (sizeof(lzma_filter) + \
                                  sizeof(lzma_options_lzma)))

/*
 * A filter chain in the arena, its filters and their options from the
 * input (the HTL's copy must refuse what it cannot read, and keep what
 * liblzma refuses refused); or NULL, or unreadable.
 */
static uint64_t filter_chain(Input *in)
{
    uint8_t sel = take(in, 1);
    lzma_options_lzma *opt;
    lzma_filter *f;
    int n;

    switch (sel % 8) {
    case 0:
        return 0;
    case 1:
        return U(none_page);
    case 2:
        return U(ro_page + PAGE - sizeof(lzma_filter));
    }
    f = (lzma_filter *)(arena + (take(in, 2) % (ARENA_SIZE - CHAIN_BYTES)
                                 & ~7ULL));
    opt = (lzma_options_lzma *)(f + CHAIN_MAX);
    n = take(in, 1) % CHAIN_MAX;
    for (int i = 0; i < n; i++) {
        uint8_t k = take(in, 1) % (N_FILTER_IDS + 1);

        f[i].id = k < N_FILTER_IDS ? filter_ids[k] : take(in, 8);
        f[i].options = (void *)(uintptr_t)lzma_options_arg(in, f[i].id,
                                                           &opt[i]);
    }
    /* The end, unless the input leaves what the arena holds there. */
    if (!(sel & 0x80)) {
        f[n].id = LZMA_VLI_UNKNOWN;
        f[n].options = NULL;
    }
    return U(f);
}

/*
 * An lzma_*_encoder or _decoder's arguments after the stream: param lists
 * them, a nibble each, the first lowest (LZMA_ARGS).
 */
enum {
    LA_END, LA_PRESET, LA_CHECK, LA_FILTERS, LA_LZMA1, LA_MEMLIMIT,
    LA_FLAGS, LA_SIZE, LA_BIT, LA_DICT, LA_ALLOC, LA_MEMLIMIT_PTR,
};
#define LZMA_ARGS(a, b, c, d) ((a) | (b) << 4 | (c) << 8 | (d) << 12)
/* A buffer function's: its buffers are a decoder's (with in_pos). */
#define LZMA_DECODES (1 << 16)

static uint64_t lzma_init_arg(Call *c, int kind)
{
    Input *in = c->in;
    /* LZMA1's options at the arena's end, clear of the filter chains. */
    lzma_options_lzma *room = (lzma_options_lzma *)(arena + ARENA_SIZE -
                                                    sizeof(*room));

    switch (kind) {
    case LA_PRESET:
        return lzma_preset(in);
    case LA_CHECK:
        return lzma_check_id(in);
    case LA_FILTERS:
        return filter_chain(in);
    case LA_LZMA1:
        return lzma_options_arg(in, LZMA_FILTER_LZMA1, room);
    case LA_MEMLIMIT:
        return lzma_memlimit(in);
    case LA_FLAGS:
        return lzma_decoder_flags(in);
    case LA_SIZE:
        return take(in, 2);
    case LA_BIT:
        return take(in, 1) & 1;
    case LA_ALLOC:
        return lzma_allocator_arg(in);
    case LA_MEMLIMIT_PTR:
        c->val[VAL_MEMLIMIT] = lzma_memlimit(in);
        return U(&c->val[VAL_MEMLIMIT]);
    default:   /* LA_DICT: small, as microlzma's decoder takes */
        return LZMA_DICT_SIZE_MIN << (take(in, 1) % 7);
    }
}

/* param's arguments into val[first], ...; the index after them. */
static int lzma_args(Call *c, int first)
{
    int args = c->param & 0xffff, i = first;

    for (; args & 15; i++, args >>= 4) {
        c->val[i] = lzma_init_arg(c, args & 15);
    }
    return i;
}

static void model_lzma_init(Call *c)
{
    c->val[0] = new_stream_arg(c, &lzma_kind);
    lzma_args(c, 1);
}

/* lzma_code (strm, action): the stream's buffers from the input. */
static void model_lzma_code(Call *c)
{
    uint64_t src, n;

    stream_io(c, &lzma_kind, &src, &n);
    c->val[1] = take(c->in, 1) % 6;   /* LZMA_RUN ... FULL_BARRIER, bad */
}

/* lzma_end, lzma_memusage, lzma_memlimit_get, lzma_get_check (strm);
 * lzma_memlimit_set (strm, limit). */
static void model_on_stream(Call *c)
{
    stream_arg(c->in, &lzma_kind, &c->val[0]);
    c->val[1] = lzma_memlimit(c->in);
}

/* lzma_get_progress (strm, progress_in, progress_out). */
static void model_get_progress(Call *c)
{
    stream_arg(c->in, &lzma_kind, &c->val[0]);
    c->val[1] = U(&c->val[VAL_OUT_LEN]);
    c->val[2] = U(&c->val[VAL_OUT2]);
}

/* lzma_filters_update (strm, filters). */
static void model_filters_update(Call *c)
{
    stream_arg(c->in, &lzma_kind, &c->val[0]);
    c->val[1] = filter_chain(c->in);
}

/* lzma_*_buffer_encode and _decode: param's arguments, then the buffers. */
static void model_lzma_buffer(Call *c)
{
    int n = lzma_args(c, 0);

    if (c->param & LZMA_DECODES) {
        decode_io(c, n);
    } else {
        encode_io(c, n);
    }
}

/* lzma_crc32, lzma_crc64 (buf, size, crc). */
static void model_lzma_checksum(Call *c)
{
    checksum_args(c->in, &c->val[0], &c->val[1], &c->val[2]);
}

/*
 * An int argument: mostly one in lo..hi; at times one just outside, -1,
 * an extreme, or any (the guest's int, sign-extended).
 */
static uint64_t int_arg(Input *in, int lo, int hi)
{
    static const int odd[] = { -1, INT_MIN, INT_MAX };
    uint8_t v = take(in, 1);

    if (v < 0xe0) {
        return (uint64_t)(int64_t)(lo + v % (hi - lo + 1));
    }
    switch (v % 6) {
    case 0:
        return (uint64_t)(int64_t)(lo - 1);
    case 1:
        return (uint64_t)(int64_t)(hi + 1);
    case 5:
        return (uint64_t)(int64_t)(int32_t)take(in, 4);
    default:
        return (uint64_t)(int64_t)odd[v % 6 - 2];
    }
}

/*
 * libbz2. Memory stays small: blocks of 100 or 200 KB mostly (a
 * compressor takes about 1 MB per 100 KB, a decompressor 400 KB, which
 * the header it reads asks for), bigger ones at times. Verbosity is 0
 * but rarely: a verbose libbz2 prints on stderr (run_fuzz.sh drops it).
 */
static StreamKind bz_kind =
    STREAM_KIND("libbz2.so", "BZ2_bzCompressEnd_HTL",
                "BZ2_bzDecompressEnd_HTL", CALL_BZ_STREAMS, bz_stream, state,
                total_out_lo32);
/* Counts are two halves, low first: one 64-bit count (StreamKind). */
_Static_assert(offsetof(bz_stream, total_out_hi32) ==
               offsetof(bz_stream, total_out_lo32) + 4, "bz_stream");

static uint64_t bz_block_size(Input *in)
{
    return int_arg(in, 1, 2);
}

static uint64_t bz_verbosity(Input *in)
{
    return take(in, 1) == 0xa5 ? int_arg(in, 1, 4) : 0;
}

/* Data the harness made at start-up: a decoder's input, a dictionary. */
typedef struct Sample {
    char data[2048];
    unsigned int len;
} Sample;

/* bzip2 data the harness made (make_bz_data()). */
#define N_BZ_DATA 4

static Sample bz_data[N_BZ_DATA];

/* What the harness compresses at start-up: a text with runs (and a
 * counter, so that blocks differ). */
#define PLAIN_SIZE 150000
static char plain[PLAIN_SIZE];

static void make_plain(void)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog.";

    for (size_t i = 0; i < sizeof(plain); i++) {
        plain[i] = i % 1000 < 300 ? 'a' + (i / 1000) % 26
                 : i % 1000 < 302 ? (char)(i / 997)
                 : text[i % (sizeof(text) - 1)];
    }
}

/*
 * At start-up, with the host's libbz2: 600 bytes of plain, none (an empty
 * stream), two blocks of 100 KB, 3000 bytes in a block of 200 KB.
 */
static void make_bz_data(void)
{
    static const struct {
        unsigned int len;
        int block_size;
    } made[N_BZ_DATA] = { { 600, 1 }, { 0, 1 }, { 150000, 1 }, { 3000, 2 } };

    for (int i = 0; i < N_BZ_DATA; i++) {
        bz_data[i].len = sizeof(bz_data[i].data);
        if (BZ2_bzBuffToBuffCompress(bz_data[i].data, &bz_data[i].len, plain,
                                     made[i].len, made[i].block_size, 0,
                                     0) != BZ_OK) {
            fprintf(stderr, "control_fuzz: no bzip2 data %d\n", i);
            exit(2);
        }
    }
}

/*
 * A decoder's input, n bytes at src: by an input byte, the arena as it is
 * (what an encoder wrote there, say), or one of the n_table samples the
 * harness made, from its start, from where the decoder is (*done: for
 * data fed in pieces), or from its start with a byte changed; as much of
 * it as the buffer holds, or (bit 7) cut shorter. Returns the input's
 * length (n: the arena as it is); *done becomes where in the sample it
 * starts.
 */
static uint64_t sample_input(Input *in, const Sample *table, int n_table,
                             uint64_t src, uint64_t n, uint64_t *done)
{
    uint8_t sel = take(in, 1);
    const Sample *d = &table[((sel >> 2) & 0x1f) % n_table];
    uint64_t from = (sel & 3) != 2 ? 0 : *done < d->len ? *done : d->len;
    uint64_t len = d->len - from < n ? d->len - from : n;
    uint8_t *p = (uint8_t *)(uintptr_t)src;

    *done = 0;
    if (!(sel & 3) || src < U(arena) || n > ARENA_SIZE ||
        src - U(arena) > ARENA_SIZE - n) {
        return n;
    }
    if ((sel & 0x80) && len) {
        len = take(in, 2) % len;
    }
    memcpy(p, d->data + from, len);
    if ((sel & 3) == 3 && len) {
        uint64_t at = take(in, 2) % len;

        p[at] ^= take(in, 1) | 1;
    }
    *done = from;
    return len;
}

static void bz_input(Input *in, uint64_t src, uint64_t n, uint64_t done)
{
    sample_input(in, bz_data, N_BZ_DATA, src, n, &done);
}

/* BZ2_bzCompressInit (strm, blockSize100k, verbosity, workFactor). */
static void model_bz_compress_init(Call *c)
{
    c->val[0] = new_stream_arg(c, &bz_kind);
    c->val[1] = bz_block_size(c->in);
    c->val[2] = bz_verbosity(c->in);
    c->val[3] = int_arg(c->in, 0, 250);
}

/* BZ2_bzDecompressInit (strm, verbosity, small). */
static void model_bz_decompress_init(Call *c)
{
    c->val[0] = new_stream_arg(c, &bz_kind);
    c->val[1] = bz_verbosity(c->in);
    c->val[2] = int_arg(c->in, 0, 1);
}

/* BZ2_bzCompress (strm, action): BZ_RUN, BZ_FLUSH, BZ_FINISH, or not. */
static void model_bz_compress(Call *c)
{
    uint64_t src, n;

    stream_io(c, &bz_kind, &src, &n);
    c->val[1] = int_arg(c->in, BZ_RUN, BZ_FINISH);
}

/* BZ2_bzDecompress (strm). */
static void model_bz_decompress(Call *c)
{
    uint64_t src, n;
    uint8_t *s = stream_io(c, &bz_kind, &src, &n);

    bz_input(c->in, src, n,
             s ? get_field(s, offsetof(bz_stream, total_in_lo32), 8) : 0);
    if (s) {
        /* The data may have landed on a stream struct in the arena. */
        c->produced_base = get_field(s, bz_kind.total_out, 8);
    }
}

/* BZ2_bzCompressEnd, BZ2_bzDecompressEnd (strm). */
static void model_bz_end(Call *c)
{
    stream_arg(c->in, &bz_kind, &c->val[0]);
}

/* BZ2_bzBuffToBuffCompress (dest, destLen, source, sourceLen,
 * blockSize100k, verbosity, workFactor). */
static void model_bz_buff_compress(Call *c)
{
    dest_source(c, sizeof(unsigned int));
    c->val[4] = bz_block_size(c->in);
    c->val[5] = bz_verbosity(c->in);
    c->val[6] = int_arg(c->in, 0, 250);
}

/* BZ2_bzBuffToBuffDecompress (dest, destLen, source, sourceLen, small,
 * verbosity). */
static void model_bz_buff_decompress(Call *c)
{
    dest_source(c, sizeof(unsigned int));
    bz_input(c->in, c->val[2], c->val[3], 0);
    c->val[4] = int_arg(c->in, 0, 1);
    c->val[5] = bz_verbosity(c->in);
}

/*
 * libzstd. Its objects (contexts, dictionaries, parameters) are the
 * host's, named by the handle a creator returns: the harness keeps those
 * its built calls made (zstd_objects, freed ones too, for stale handles)
 * and frees them all at the end of the input (end_zstd_objects()).
 * Memory and time stay small: levels -5..5 mostly; where the harness
 * sets them, windows of 1 MiB and tables of 64K entries at most; one
 * worker, rarely two; no long-distance matching (a 128 MiB window). What
 * is slow under ASan (levels 6..9, a trainer's defaults) is rare, once an
 * input at most (zstd_slow()).
 */
typedef enum ZstdGroup {
    ZG_CCTX,
    ZG_DCTX,
    ZG_CDICT,
    ZG_DDICT,
    ZG_PARAMS,
    N_ZSTD_GROUPS,
} ZstdGroup;

/* A Model's param for an entry on two objects: its own and the other. */
#define ZG_PAIR(group, other) ((group) | (other) << 4)
#define ZG_OF(param) ((param) & 15)
#define ZG_OTHER(param) ((param) >> 4)

struct ZstdObject {
    uint64_t handle;
    int group;
    uint64_t fed;       /* a decoder's: where it is in the harness's frame */
};

#define MAX_STEPS 256   /* an input's; a step makes one object at most */

static ZstdObject zstd_objects[MAX_STEPS];
static int n_zstd_objects;
static int zstd_slow_left;

/* Whether the input may have one more slow call (one an input). */
static bool zstd_slow(void)
{
    if (!zstd_slow_left) {
        return false;
    }
    zstd_slow_left--;
    return true;
}

/* Frames, dictionaries and text the harness made (make_zstd_data()). */
#define N_ZSTD_FRAMES 8
#define N_ZSTD_DICTS 2

static Sample zstd_frames[N_ZSTD_FRAMES];
static Sample zstd_dicts[N_ZSTD_DICTS];
static Sample zstd_text[1];

static void zstd_made(Sample *s, size_t r, const char *what)
{
    if (ZSTD_isError(r) || r > sizeof(s->data)) {
        fprintf(stderr, "control_fuzz: no zstd %s: %s\n", what,
                ZSTD_isError(r) ? ZSTD_getErrorName(r) : "too big");
        exit(2);
    }
    s->len = r;
}

/* Frame f of the harness's, compressed by cctx from n bytes of plain at
 * off, whole, at level 1; then cctx is as new. */
static void zstd_frame(ZSTD_CCtx *cctx, int f, size_t off, size_t n)
{
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
    zstd_made(&zstd_frames[f],
              ZSTD_compress2(cctx, zstd_frames[f].data,
                             sizeof(zstd_frames[f].data), plain + off, n),
              "frame");
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
}

/*
 * At start-up, with the host's libzstd (level 1): a dictionary (plain's
 * content and entropy tables), a prefix, 2 KiB of text; frames of 600
 * bytes, none, 150000 (two blocks, for decoders fed in pieces), 1000 with
 * the dictionary, 1000 with the prefix and a checksum, a skippable frame
 * then the first, 600 without the magic number, 1000 streamed (no
 * content size, a window of 512 KiB).
 */
static void make_zstd_data(void)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_outBuffer out = { zstd_frames[7].data, sizeof(zstd_frames[7].data),
                           0 };
    ZSTD_inBuffer in = { plain + 5000, 1000, 0 };
    size_t sizes[20], r;
    Sample *skip = &zstd_frames[5];

    for (int i = 0; i < 20; i++) {
        sizes[i] = 100;
    }
    zstd_made(&zstd_dicts[0],
              ZDICT_finalizeDictionary(zstd_dicts[0].data, 1024, plain, 512,
                                       plain + 1000, sizes, 20,
                                       (ZDICT_params_t){ 3, 0, 0x5a5a }),
              "dictionary");
    memcpy(zstd_dicts[1].data, plain + 2000, 512);
    zstd_dicts[1].len = 512;
    memcpy(zstd_text[0].data, plain + 600, sizeof(zstd_text[0].data));
    zstd_text[0].len = sizeof(zstd_text[0].data);

    zstd_frame(cctx, 0, 0, 600);
    zstd_frame(cctx, 1, 0, 0);
    zstd_frame(cctx, 2, 0, 150000);
    ZSTD_CCtx_loadDictionary(cctx, zstd_dicts[0].data, zstd_dicts[0].len);
    zstd_frame(cctx, 3, 3000, 1000);
    ZSTD_CCtx_refPrefix(cctx, zstd_dicts[1].data, zstd_dicts[1].len);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    zstd_frame(cctx, 4, 2000, 1000);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_format, ZSTD_f_zstd1_magicless);
    zstd_frame(cctx, 6, 0, 600);

    /* A skippable frame of 8 bytes, then frame 0. */
    memcpy(skip->data, "\x53\x2a\x4d\x18\x08\0\0\0skipped!", 16);
    memcpy(skip->data + 16, zstd_frames[0].data, zstd_frames[0].len);
    skip->len = 16 + zstd_frames[0].len;

    /* Streamed: unfinished (r not 0) is an error too. */
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
    ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue);
    do {
        r = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
    } while (r && !ZSTD_isError(r) && out.pos < out.size);
    zstd_made(&zstd_frames[7], r ? SIZE_MAX : out.pos, "stream");
    ZSTD_freeCCtx(cctx);
}

/* The v-th of the objects of group (of any, if group < 0) the input
 * made; NULL if none. */
static ZstdObject *zstd_pick(int group, uint8_t v)
{
    int n = 0;

    for (int i = 0; i < n_zstd_objects; i++) {
        n += group < 0 || zstd_objects[i].group == group;
    }
    for (int i = 0, k = n ? v % n : -1; i < n_zstd_objects; i++) {
        if ((group < 0 || zstd_objects[i].group == group) && !k--) {
            return &zstd_objects[i];
        }
    }
    return NULL;
}

/*
 * An object of group: mostly one the input made (live, or freed: stale),
 * *obj set to it if obj; at times another group's (a CDict as a CCtx,
 * say), one with the guest-allocator bit flipped, of another generation,
 * of the next index, NULL, with bit 63 clear (a guest object), forged,
 * or any value.
 */
static uint64_t zstd_handle(Call *c, int group, ZstdObject **obj)
{
    uint8_t sel = take(c->in, 1);
    ZstdObject *o = zstd_pick(group, take(c->in, 1));
    uint64_t h = o ? o->handle : PT_HANDLE_BIT | 1;

    if (obj) {
        *obj = sel < 0xc0 ? o : NULL;
    }
    if (sel < 0xc0) {
        return h;
    }
    switch (sel & 7) {
    case 0:
        o = zstd_pick(-1, take(c->in, 1));
        return o ? o->handle : h;
    case 1:
        return h ^ PT_HANDLE_GA_BIT;
    case 2:
        return h + ((take(c->in, 1) & 1 ? 1ULL : -1ULL) << 32);
    case 3:
        return h + 1;
    case 4:
        return 0;
    case 5:
        return h & ~PT_HANDLE_BIT;
    case 6:
        return PT_HANDLE_BIT | take(c->in, 4);
    default:
        return take(c->in, 8);
    }
}

/*
 * A compression level: -5..5 mostly; at times the default (0), INT_MIN
 * (libzstd takes its lowest), or 6..9 if zstd_slow() (else 5). Never
 * more: a context's tables grow with its level, whatever its input.
 */
static uint64_t zstd_level(Input *in)
{
    uint8_t v = take(in, 1);

    if (v < 0xf0) {
        return (uint64_t)(int64_t)(v % 11 - 5);
    }
    switch (v & 3) {
    case 0:
        return 0;
    case 1:
        return (uint64_t)(int64_t)INT_MIN;
    default:
        return zstd_slow() ? 6 + (v >> 2) % 4 : 5;
    }
}

/* A pledged source size or a window size: unknown (all ones), a power of
 * two (1 KiB..1 MiB), a small size, or any of 16 bits. */
static uint64_t zstd_size(Input *in)
{
    uint8_t v = take(in, 1);

    switch (v >> 6) {
    case 0:
        return ZSTD_CONTENTSIZE_UNKNOWN;
    case 1:
        return 1ULL << (10 + v % 11);
    case 2:
        return v & 0x3f;
    default:
        return take(in, 2);
    }
}

/*
 * A parameter of libzstd's: mostly a value in lo..hi; at times 0 (its
 * default), or bad, one it refuses or clamps to a small one. Never one
 * that takes much memory or time (see above).
 */
typedef struct ZstdParam {
    int id, lo, hi, bad;
} ZstdParam;

static const ZstdParam zstd_cparams[] = {
    { ZSTD_c_compressionLevel, -5, 5, INT_MIN },
    { ZSTD_c_windowLog, 10, 20, 9 },
    { ZSTD_c_hashLog, 6, 16, 5 },
    { ZSTD_c_chainLog, 6, 16, 31 },
    { ZSTD_c_searchLog, 1, 8, 31 },
    { ZSTD_c_minMatch, 3, 7, 8 },
    { ZSTD_c_targetLength, 0, 256, -1 },
    { ZSTD_c_strategy, ZSTD_fast, ZSTD_btultra2, 10 },
    { ZSTD_c_enableLongDistanceMatching, ZSTD_ps_disable, ZSTD_ps_disable,
      3 },
    { ZSTD_c_ldmHashLog, 6, 16, 31 },
    { ZSTD_c_ldmMinMatch, 4, 64, 3 },
    { ZSTD_c_ldmBucketSizeLog, 1, 8, 9 },
    { ZSTD_c_ldmHashRateLog, 0, 25, 26 },
    { ZSTD_c_contentSizeFlag, 0, 1, 2 },
    { ZSTD_c_checksumFlag, 0, 1, -1 },
    { ZSTD_c_dictIDFlag, 0, 1, INT_MIN },
    { ZSTD_c_nbWorkers, 0, 1, 2 },
    { ZSTD_c_jobSize, 1, 1, -1 },
    { ZSTD_c_overlapLog, 0, 9, 10 },
    { ZSTD_c_rsyncable, 0, 1, 2 },
    { ZSTD_c_format, ZSTD_f_zstd1, ZSTD_f_zstd1_magicless, 2 },
    { ZSTD_c_forceMaxWindow, 0, 1, 2 },
    { ZSTD_c_forceAttachDict, ZSTD_dictDefaultAttach, ZSTD_dictForceLoad,
      4 },
    { ZSTD_c_literalCompressionMode, ZSTD_ps_auto, ZSTD_ps_disable, 3 },
    { ZSTD_c_targetCBlockSize, ZSTD_TARGETCBLOCKSIZE_MIN, 2048, 1 },
    { ZSTD_c_srcSizeHint, 0, 4096, -1 },
    { ZSTD_c_enableDedicatedDictSearch, 0, 1, 2 },
    { ZSTD_c_stableInBuffer, 0, 1, 2 },
    { ZSTD_c_stableOutBuffer, 0, 1, 2 },
    { ZSTD_c_blockDelimiters, ZSTD_sf_noBlockDelimiters,
      ZSTD_sf_explicitBlockDelimiters, 2 },
    { ZSTD_c_validateSequences, 0, 1, 2 },
    { ZSTD_c_useBlockSplitter, ZSTD_ps_auto, ZSTD_ps_disable, 3 },
    { ZSTD_c_useRowMatchFinder, ZSTD_ps_auto, ZSTD_ps_disable, 3 },
    { ZSTD_c_deterministicRefPrefix, 0, 1, 2 },
    { ZSTD_c_prefetchCDictTables, ZSTD_ps_auto, ZSTD_ps_disable, 3 },
    { ZSTD_c_enableSeqProducerFallback, 0, 1, 2 },
    { ZSTD_c_maxBlockSize, ZSTD_BLOCKSIZE_MAX_MIN, 4096, 1 },
    { ZSTD_c_searchForExternalRepcodes, ZSTD_ps_auto, ZSTD_ps_disable, 3 },
};
#define N_ZSTD_CPARAMS (sizeof(zstd_cparams) / sizeof(zstd_cparams[0]))

static const ZstdParam zstd_dparams[] = {
    { ZSTD_d_windowLogMax, 10, 20, 32 },
    { ZSTD_d_format, ZSTD_f_zstd1, ZSTD_f_zstd1_magicless, 2 },
    { ZSTD_d_stableOutBuffer, 0, 1, 2 },
    { ZSTD_d_forceIgnoreChecksum, 0, 1, 2 },
    { ZSTD_d_refMultipleDDicts, 0, 1, 2 },
    { ZSTD_d_disableHuffmanAssembly, 0, 1, 2 },
};
#define N_ZSTD_DPARAMS (sizeof(zstd_dparams) / sizeof(zstd_dparams[0]))

/* A parameter (a decompression one if d) into *id: one of the table's,
 * or (NULL) any 16-bit number, which may be none. */
static const ZstdParam *zstd_param(Input *in, bool d, uint64_t *id)
{
    const ZstdParam *t = d ? zstd_dparams : zstd_cparams;
    size_t n = d ? N_ZSTD_DPARAMS : N_ZSTD_CPARAMS;
    uint8_t v = take(in, 1) % (n + 1);

    if (v == n) {
        *id = (uint64_t)(int64_t)(int16_t)take(in, 2);
        return NULL;
    }
    *id = (uint64_t)(int64_t)t[v].id;
    return &t[v];
}

/* A value for parameter p (NULL: -1, 0 or 1, safe for any). */
static uint64_t zstd_param_value(Input *in, const ZstdParam *p)
{
    uint8_t v = take(in, 1);
    int x;

    if (!p) {
        x = v % 3 - 1;
    } else if (v < 0xd0) {
        x = p->lo + v % (p->hi - p->lo + 1);
    } else {
        x = v < 0xf0 ? 0 : p->bad;
    }
    return (uint64_t)(int64_t)x;
}

/* Compression parameters in the ranges above; at times one of them 0,
 * which libzstd refuses (or takes from the level, for a CDict). */
static void zstd_cparams_at(Input *in, ZSTD_compressionParameters *p)
{
    uint8_t zero = take(in, 1);
    unsigned f[7];

    f[0] = 10 + take(in, 1) % 11;
    f[1] = 6 + take(in, 1) % 11;
    f[2] = 6 + take(in, 1) % 11;
    f[3] = 1 + take(in, 1) % 8;
    f[4] = 3 + take(in, 1) % 5;
    f[5] = take(in, 1);
    f[6] = ZSTD_fast + take(in, 1) % ZSTD_btultra2;
    if (zero >= 0xe0) {
        f[zero % 7] = 0;
    }
    *p = (ZSTD_compressionParameters){ f[0], f[1], f[2], f[3], f[4], f[5],
                                       (ZSTD_strategy)f[6] };
}

/* Frame parameters: flags, at times any int (true). */
static void zstd_fparams_at(Input *in, ZSTD_frameParameters *f)
{
    uint8_t v = take(in, 1);

    f->contentSizeFlag = v >= 0xf0 ? (int)take(in, 4) : v & 1;
    f->checksumFlag = (v >> 1) & 1;
    f->noDictIDFlag = (v >> 2) & 1;
}

static void zstd_params_at(Input *in, ZSTD_parameters *p)
{
    zstd_cparams_at(in, &p->cParams);
    zstd_fparams_at(in, &p->fParams);
}

/* A creator's ZSTD_customMem (argument i): libzstd's allocator mostly; at
 * times the guest's functions, which the HTL refuses. */
static void zstd_custom_mem(Call *c, int i)
{
    uint64_t *m = struct_arg(c, i);
    uint8_t v = take(c->in, 1);

    if (v >= 0xe0) {
        m[0] = v & 1 ? U(arena) : 0;          /* customAlloc */
        m[1] = v & 2 ? U(arena) + 16 : 0;     /* customFree */
        m[2] = U(arena);                      /* opaque */
    }
}
_Static_assert(sizeof(ZSTD_customMem) == 3 * sizeof(uint64_t),
               "ZSTD_customMem");

/*
 * A call's input, n bytes at src (sample_input()): a decoder's, the
 * harness's frames, from where obj (if any) is in them; an encoder's (a
 * trainer's), the harness's text. Returns its length. pos, if set, is
 * where the call leaves its position in the input: obj's progress, kept
 * after the call.
 */
static uint64_t zstd_input(Call *c, bool decode, uint64_t src, uint64_t n,
                           ZstdObject *obj, const uint8_t *pos)
{
    uint64_t done = obj ? obj->fed : 0;

    n = decode ? sample_input(c->in, zstd_frames, N_ZSTD_FRAMES, src, n,
                              &done)
               : sample_input(c->in, zstd_text, 1, src, n, &done);
    if (obj && pos) {
        c->feeds = obj;
        c->fed = pos;
        c->fed_from = done;
    }
    return n;
}

/* (dst, dstCapacity, src, srcSize) from argument first: io_buffers(), the
 * input zstd_input()'s. */
static void zstd_io(Call *c, int first, bool decode)
{
    uint64_t src, n_src, dst, n_dst;

    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[first] = dst;
    c->val[first + 1] = n_dst;
    c->val[first + 2] = src;
    c->val[first + 3] = zstd_input(c, decode, src, n_src, NULL, NULL);
}

/*
 * A dictionary, prefix or dictionary content (pointer at argument first,
 * size next): a buffer in the arena holding the harness's dictionary or
 * prefix (sample_input(): changed, cut) or as it is; none (NULL, 0); or
 * an edge_pointer() (with the buffer's size).
 */
static void zstd_dict(Call *c, int first)
{
    uint8_t how = take(c->in, 1);
    uint64_t p, n, done = 0;

    buffer(c->in, how & 1, &p, &n);
    if ((how & 0xc0) == 0xc0) {
        p = edge_pointer(c->in, n);
    } else if ((how & 0xc0) == 0x80) {
        p = n = 0;
    } else {
        n = sample_input(c->in, zstd_dicts, N_ZSTD_DICTS, p, n, &done);
    }
    c->val[first] = p;
    c->val[first + 1] = n;
}

/* ZSTD_compress (dst, dstCapacity, src, srcSize, level); ZSTD_decompress
 * (param ZG_DCTX: dst, dstCapacity, src, srcSize). */
static void model_zstd_buffers(Call *c)
{
    zstd_io(c, 0, c->param == ZG_DCTX);
    c->val[4] = zstd_level(c->in);
}

/* The creators of contexts and parameters ([customMem]). */
static void model_zstd_new(Call *c)
{
    zstd_custom_mem(c, 0);
    c->made_group = c->param;
}

/* A dictionary creator's (dict, dictSize, loadMethod, contentType): the
 * load method the HTL makes byCopy, whatever it is. */
static void zstd_dict_head(Call *c)
{
    zstd_dict(c, 0);
    c->val[2] = int_arg(c->in, ZSTD_dlm_byCopy, ZSTD_dlm_byRef);
    c->val[3] = int_arg(c->in, ZSTD_dct_auto, ZSTD_dct_fullDict);
    c->made_group = c->param;
}

/* ZSTD_createCDict (dict, dictSize, level). */
static void model_zstd_cdict(Call *c)
{
    zstd_dict_head(c);
    c->val[2] = zstd_level(c->in);
}

/* ZSTD_createCDict_advanced (..., cParams, customMem). */
static void model_zstd_cdict_advanced(Call *c)
{
    zstd_dict_head(c);
    zstd_cparams_at(c->in, struct_arg(c, 4));
    zstd_custom_mem(c, 5);
}

/* ZSTD_createCDict_advanced2 (..., const ZSTD_CCtx_params *, customMem). */
static void model_zstd_cdict_advanced2(Call *c)
{
    zstd_dict_head(c);
    c->val[4] = zstd_handle(c, ZG_PARAMS, NULL);
    zstd_custom_mem(c, 5);
}

/* ZSTD_createDDict (dict, dictSize), ZSTD_createDDict_advanced (...,
 * customMem). */
static void model_zstd_ddict(Call *c)
{
    zstd_dict_head(c);
    zstd_custom_mem(c, 4);
}

/* On an object and maybe a small int (a reset directive, a format):
 * frees, sizes, progress, ZSTD_CCtx_reset, ZSTD_DCtx_setFormat... */
static void model_zstd_on(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    c->val[1] = int_arg(c->in, 0, 3);
}

/* ZSTD_initCStream (zcs, level), initCStream_srcSize (zcs, level,
 * pledgedSrcSize), CCtxParams_init (params, level). */
static void model_zstd_level(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    c->val[1] = zstd_level(c->in);
    c->val[2] = zstd_size(c->in);
}

/* ZSTD_CCtx_setPledgedSrcSize, resetCStream (pledgedSrcSize),
 * DCtx_setMaxWindowSize (maxWindowSize). */
static void model_zstd_size(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    c->val[1] = zstd_size(c->in);
}

/* ZSTD_CCtx_setCParams (cctx, cParams), CCtxParams_init_advanced (params,
 * ZSTD_parameters): cParams come first in a ZSTD_parameters. */
static void model_zstd_params(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    zstd_params_at(c->in, struct_arg(c, 1));
}

/* The parameter setters (object, parameter, value). */
static void model_zstd_set_param(Call *c)
{
    const ZstdParam *p;

    c->val[0] = zstd_handle(c, c->param, NULL);
    p = zstd_param(c->in, c->param == ZG_DCTX, &c->val[1]);
    c->val[2] = zstd_param_value(c->in, p);
}

/* The parameter getters (object, parameter, int *value). */
static void model_zstd_get_param(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    zstd_param(c->in, c->param == ZG_DCTX, &c->val[1]);
    c->val[2] = U(&c->val[VAL_OUT2]);
    if (take(c->in, 1) == 0xa5) {
        c->val[2] = edge_pointer(c->in, sizeof(int));
    }
}

/* Loading or referencing a dictionary or prefix (object, dict, dictSize,
 * [loadMethod or level, contentType], or [contentType]). */
static void model_zstd_dict(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    zstd_dict(c, 1);
    c->val[3] = zstd_level(c->in);
    c->val[4] = int_arg(c->in, ZSTD_dct_auto, ZSTD_dct_fullDict);
}

/* ZSTD_initCStream_advanced (zcs, dict, dictSize, params,
 * pledgedSrcSize). */
static void model_zstd_init_advanced(Call *c)
{
    c->val[0] = zstd_handle(c, c->param, NULL);
    zstd_dict(c, 1);
    zstd_params_at(c->in, struct_arg(c, 3));
    c->val[4] = zstd_size(c->in);
}

/* On two objects (param ZG_PAIR): refCDict, refDDict, the init*Stream
 * with a dictionary, setParametersUsingCCtxParams (object, other);
 * copyCCtx (dst, src, pledgedSrcSize), copyDCtx (dst, src). */
static void model_zstd_pair(Call *c)
{
    c->val[0] = zstd_handle(c, ZG_OF(c->param), NULL);
    c->val[1] = zstd_handle(c, ZG_OTHER(c->param), NULL);
    c->val[2] = zstd_size(c->in);
}

/* ZSTD_initCStream_usingCDict_advanced (zcs, cdict, fParams,
 * pledgedSrcSize). */
static void model_zstd_pair_advanced(Call *c)
{
    model_zstd_pair(c);
    zstd_fparams_at(c->in, struct_arg(c, 2));
    c->val[3] = zstd_size(c->in);
}

/* On a context's buffers (object, dst, dstCapacity, src, srcSize,
 * [level]): compressCCtx, compress2, decompressDCtx; a copy's
 * compressContinue, compressEnd, compressBlock. */
static void model_zstd_ctx_io(Call *c)
{
    c->val[0] = zstd_handle(c, ZG_OF(c->param), NULL);
    zstd_io(c, 1, ZG_OF(c->param) == ZG_DCTX);
    c->val[5] = zstd_level(c->in);
}

/* ZSTD_compress_usingDict (..., dict, dictSize, level),
 * decompress_usingDict (..., dict, dictSize). */
static void model_zstd_ctx_io_dict(Call *c)
{
    model_zstd_ctx_io(c);
    zstd_dict(c, 5);
    c->val[7] = zstd_level(c->in);
}

/* ZSTD_compress_advanced (..., dict, dictSize, params). */
static void model_zstd_compress_advanced(Call *c)
{
    model_zstd_ctx_io_dict(c);
    zstd_params_at(c->in, struct_arg(c, 7));
}

/* ZSTD_compress_usingCDict (..., cdict[, fParams]),
 * decompress_usingDDict (..., ddict): param ZG_PAIR. */
static void model_zstd_ctx_io_obj(Call *c)
{
    model_zstd_ctx_io(c);
    c->val[5] = zstd_handle(c, ZG_OTHER(c->param), NULL);
    zstd_fparams_at(c->in, struct_arg(c, 6));
}

/*
 * ZSTD_compressStream2, compressStream, flushStream, endStream,
 * decompressStream (object, output, input, endOp): the buffers' structs
 * in the arena (at times where the HTL must refuse them), their positions
 * mostly at their start (position()); a decoder fed the harness's frames
 * in pieces, from where it is.
 */
static void model_zstd_stream(Call *c)
{
    ZstdObject *obj;
    uint64_t src, n_src, dst, n_dst;
    uint8_t *o, *i;
    ZSTD_outBuffer out;
    ZSTD_inBuffer inb;

    c->val[0] = zstd_handle(c, c->param, &obj);
    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    o = guest_struct(c->in, sizeof(out), &c->val[1]);
    i = guest_struct(c->in, sizeof(inb), &c->val[2]);
    n_src = zstd_input(c, c->param == ZG_DCTX, src, n_src, obj,
                       i ? i + offsetof(ZSTD_inBuffer, pos) : NULL);
    out = (ZSTD_outBuffer){ (void *)(uintptr_t)dst, n_dst, 0 };
    out.pos = position(c->in);
    inb = (ZSTD_inBuffer){ (const void *)(uintptr_t)src, n_src, 0 };
    inb.pos = position(c->in);
    if (o) {
        memcpy(o, &out, sizeof(out));
        c->produced = o + offsetof(ZSTD_outBuffer, pos);
        c->produced_base = out.pos;
    }
    if (i) {
        memcpy(i, &inb, sizeof(inb));
    }
    c->val[3] = int_arg(c->in, ZSTD_e_continue, ZSTD_e_end);
}

/*
 * ZSTD_compressStream2_simpleArgs (cctx, dst, dstCapacity, dstPos, src,
 * srcSize, srcPos, endOp), decompressStream_simpleArgs (the same but
 * endOp): the positions in the call page, at times one an edge_pointer().
 */
static void model_zstd_simple_args(Call *c)
{
    ZstdObject *obj;
    uint64_t src, n_src, dst, n_dst, pos;

    c->val[0] = zstd_handle(c, c->param, &obj);
    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[1] = dst;
    c->val[2] = n_dst;
    pos = position(c->in);
    out_len(c, 3, pos, pos);
    c->val[4] = src;
    c->val[5] = zstd_input(c, c->param == ZG_DCTX, src, n_src, obj,
                           (const uint8_t *)&c->val[VAL_IN_POS]);
    c->val[VAL_IN_POS] = position(c->in);
    c->val[6] = U(&c->val[VAL_IN_POS]);
    if (take(c->in, 1) == 0xa5) {
        c->val[take(c->in, 1) & 1 ? 6 : 3] =
            edge_pointer(c->in, sizeof(size_t));
    }
    c->val[7] = int_arg(c->in, ZSTD_e_continue, ZSTD_e_end);
}

/* ZSTD_registerSequenceProducer (cctx, state, producer): no producer
 * mostly. One is guest code, which the host runs only in a paused call's
 * pause; the harness makes none, so its compressions get the producer's
 * error. */
static void model_zstd_seq_producer(Call *c)
{
    uint8_t v;

    c->val[0] = zstd_handle(c, c->param, NULL);
    v = take(c->in, 1);
    c->val[1] = v & 1 ? U(arena) : 0;
    c->val[2] = v >= 0xe0 ? U(arena) + 64 : 0;
}

/* A count of sequences: room's mostly; at times any of 16 bits, or one
 * whose size in bytes overflows. */
static uint64_t zstd_seq_count(Input *in, uint64_t room)
{
    uint8_t v = take(in, 1);

    return v < 0xe0 ? room
         : v < 0xf0 ? take(in, 2)
         : SIZE_MAX / sizeof(ZSTD_Sequence) + 1 + v % 2;
}

/* ZSTD_generateSequences (cctx, outSeqs, outSeqsSize, src, srcSize):
 * room for as many sequences as the output buffer holds, mostly. */
static void model_zstd_generate_sequences(Call *c)
{
    uint64_t src, n_src, dst, n_dst;

    c->val[0] = zstd_handle(c, c->param, NULL);
    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[1] = dst;
    c->val[2] = zstd_seq_count(c->in, n_dst / sizeof(ZSTD_Sequence));
    c->val[3] = src;
    c->val[4] = zstd_input(c, false, src, n_src, NULL, NULL);
}

/*
 * ZSTD_compressSequences (cctx, dst, dstCapacity, inSeqs, inSeqsSize,
 * src, srcSize): up to 8 sequences in the arena, each literals and a
 * match of the input's lengths (at times any of 32 bits), then the last
 * literals, a block delimiter.
 */
static void model_zstd_compress_sequences(Call *c)
{
    ZSTD_Sequence seq[9];
    uint64_t n;
    uint8_t *at;

    c->val[0] = zstd_handle(c, c->param, NULL);
    zstd_io(c, 1, false);
    n = take(c->in, 1) % 9;
    at = arena + (take(c->in, 2) % (ARENA_SIZE - sizeof(seq)) & ~7ULL);
    for (uint64_t i = 0; i < n; i++) {
        uint8_t v = take(c->in, 1);

        seq[i].offset = 1 + take(c->in, 2);
        seq[i].litLength = v & 0x80 ? take(c->in, 4) : take(c->in, 1);
        seq[i].matchLength = v & 0x40 ? take(c->in, 4) : 3 + take(c->in, 1);
        seq[i].rep = 0;
    }
    seq[n] = (ZSTD_Sequence){ .litLength = take(c->in, 2) };
    memcpy(at, seq, (n + 1) * sizeof(seq[0]));
    /* (dst, dstCapacity, src, srcSize) to (dst, dstCapacity, inSeqs,
     * inSeqsSize, src, srcSize). */
    c->val[5] = c->val[3];
    c->val[6] = c->val[4];
    c->val[3] = U(at);
    c->val[4] = zstd_seq_count(c->in, n + 1);
}

/*
 * A trainer's samples (samples, sizes, count from argument first): the
 * call's input buffer (zstd_input()), its sizes in the arena, splitting
 * it in count parts (16 at most; 5 or more, which a slow trainer needs
 * to start, only if zstd_slow()); at times sizes the HTL must refuse:
 * unreadable, summing past the guest's memory, or overflowing; or a
 * count of up to 4096, the sizes as the arena has them.
 */
static void zdict_samples(Call *c, int first, uint64_t src, uint64_t n,
                          bool slow)
{
    uint8_t how = take(c->in, 1);
    uint64_t nb = take(c->in, 1) % 17;
    uint64_t *sizes = (uint64_t *)(arena + (take(c->in, 2) %
                                            (ARENA_SIZE - 17 * 8) & ~7ULL));

    n = zstd_input(c, false, src, n, NULL, NULL);
    if (slow && nb >= 5 && !zstd_slow()) {
        nb = 4;
    }
    for (uint64_t i = 0; i < nb; i++) {
        sizes[i] = n / nb + (i == nb - 1 ? n % nb : 0);
    }
    c->val[first] = src;
    c->val[first + 1] = U(sizes);
    c->val[first + 2] = nb;
    switch (how >> 5) {
    case 4:
        c->val[first + 1] = edge_pointer(c->in, nb * sizeof(*sizes));
        break;
    case 5:
        if (nb) {
            sizes[nb - 1] = 1ULL << 40;
        }
        break;
    case 6:
        if (nb > 1) {
            sizes[0] = sizes[1] = SIZE_MAX / 2 + 1;
        }
        break;
    case 7:
        c->val[first + 2] = take(c->in, 2) % 4097;
        break;
    }
}

/* What trainers' parameters a Model's param says. */
enum {
    ZDICT_NONE,
    ZDICT_COVER,
    ZDICT_FAST,
    ZDICT_COVER_P,
    ZDICT_FAST_P,
    ZDICT_LEGACY,
};

/* A trainer's ZDICT_params_t: notifications off (they print). */
static void zdict_zparams(Input *in, ZDICT_params_t *z)
{
    z->compressionLevel = (int)zstd_level(in);
    z->notificationLevel = 0;
    z->dictID = take(in, 1) & 1 ? take(in, 4) : 0;
}

/*
 * Cover's parameters: small segments (k 16..271), d 6 or 8, one or two
 * steps, one thread at most; at times ones libzstd refuses (k < d, a
 * split past the end). Never k or d 0: an optimizer would try dozens.
 */
static void zdict_cover_at(Input *in, ZDICT_cover_params_t *p)
{
    uint8_t v = take(in, 1);

    p->k = 16 + take(in, 1);
    p->d = v & 1 ? 8 : 6;
    p->steps = 1 + ((v >> 1) & 1);
    p->nbThreads = (v >> 2) & 1;
    p->splitPoint = v & 8 ? 0.75 : 1.0;
    p->shrinkDict = (v & 0x30) == 0x30;
    p->shrinkDictMaxRegression = take(in, 1) % 8;
    if (v >= 0xe0) {
        p->k = 4;
    } else if (v >= 0xc0) {
        p->splitPoint = 2.0;
    }
    zdict_zparams(in, &p->zParams);
}

/* FastCover's: cover's, and a frequency table of 2^8..2^14 entries (the
 * default, 2^20, only if zstd_slow()), acceleration 1..10 (or 11, or the
 * default). */
static void zdict_fast_at(Input *in, ZDICT_fastCover_params_t *p)
{
    ZDICT_cover_params_t cover = { 0 };
    uint8_t f = take(in, 1);

    zdict_cover_at(in, &cover);
    p->k = cover.k;
    p->d = cover.d;
    p->f = f < 0xf0 ? 8 + f % 7 : zstd_slow() ? 0 : 32;
    p->steps = cover.steps;
    p->nbThreads = cover.nbThreads;
    p->splitPoint = cover.splitPoint;
    p->accel = take(in, 1) % 12;
    p->shrinkDict = cover.shrinkDict;
    p->shrinkDictMaxRegression = cover.shrinkDictMaxRegression;
    p->zParams = cover.zParams;
}

/* A dictionary builder's output (pointer at argument 0, capacity at
 * argument cap) and samples' buffer (*src, *n): io_buffers(). */
static void zdict_io(Call *c, int cap, uint64_t *src, uint64_t *n)
{
    uint64_t dst;

    io_buffers(c->in, src, n, &dst, &c->val[cap]);
    c->val[0] = dst;
}

/*
 * The trainers (dict, dictCapacity, samples, sizes, count[, parameters]):
 * param says which parameters, by value or (_P) through a pointer to a
 * struct in the arena, which the HTL copies in and back.
 */
static void model_zdict_train(Call *c)
{
    uint64_t src, n_src;
    union {
        ZDICT_cover_params_t cover;
        ZDICT_fastCover_params_t fast;
        ZDICT_legacy_params_t legacy;
    } p = { 0 };
    uint8_t *at = NULL;

    zdict_io(c, 1, &src, &n_src);
    zdict_samples(c, 2, src, n_src, c->param == ZDICT_NONE);
    switch (c->param) {
    case ZDICT_COVER:
        zdict_cover_at(c->in, struct_arg(c, 5));
        break;
    case ZDICT_FAST:
        zdict_fast_at(c->in, struct_arg(c, 5));
        break;
    case ZDICT_COVER_P:
        at = guest_struct(c->in, sizeof(p.cover), &c->val[5]);
        zdict_cover_at(c->in, &p.cover);
        break;
    case ZDICT_FAST_P:
        at = guest_struct(c->in, sizeof(p.fast), &c->val[5]);
        zdict_fast_at(c->in, &p.fast);
        break;
    case ZDICT_LEGACY:
        p.legacy.selectivityLevel = take(c->in, 1) % 10;
        zdict_zparams(c->in, &p.legacy.zParams);
        memcpy(struct_arg(c, 5), &p.legacy, sizeof(p.legacy));
        break;
    }
    if (at) {
        memcpy(at, &p, c->param == ZDICT_COVER_P ? sizeof(p.cover)
                                                 : sizeof(p.fast));
    }
}

/* ZDICT_finalizeDictionary (dict, dictCapacity, content, contentSize,
 * samples, sizes, count, ZDICT_params_t). */
static void model_zdict_finalize(Call *c)
{
    uint64_t src, n_src;

    zdict_io(c, 1, &src, &n_src);
    zstd_dict(c, 2);
    zdict_samples(c, 4, src, n_src, false);
    zdict_zparams(c->in, struct_arg(c, 7));
}

/* ZDICT_addEntropyTablesFromBuffer (dict, contentSize, dictCapacity,
 * samples, sizes, count): the content, the buffer's end, mostly within
 * it. */
static void model_zdict_add_entropy(Call *c)
{
    uint64_t src, n_src;

    zdict_io(c, 2, &src, &n_src);
    c->val[1] = take(c->in, 1) == 0xa5 ? c->val[2] + 1 + take(c->in, 2)
                                       : take(c->in, 2) % (c->val[2] + 1);
    zdict_samples(c, 3, src, n_src, false);
}
_Static_assert(sizeof(ZDICT_fastCover_params_t) <= STRUCT_ROOM &&
               sizeof(ZSTD_parameters) <= STRUCT_ROOM, "struct_arg()");

/*
 * The entries the harness can build a call of. SAFE_ONLY: always built
 * (the fixture's own_HTL, proposal-style, trusts its pointers; libzstd's
 * creators, whose object a raw call would make where the harness never
 * sees it, and its trainers and parameter setters, which raw arguments
 * could make run for seconds or take gigabytes); RAW_ONLY: left as the
 * fuzzer wrote it (a call that may pause for the guest's allocator would
 * outlive the input). Any other entry is not run. param is the build's.
 */
enum { MODEL_BOTH, MODEL_SAFE_ONLY, MODEL_RAW_ONLY };

typedef struct Model {
    const char *entry;
    void (*build)(Call *c);     /* NULL: no arguments */
    int mode;
    int param;
} Model;

#define BOTH MODEL_BOTH
#define SAFE MODEL_SAFE_ONLY
#define CD ZG_PAIR(ZG_CCTX, ZG_CDICT)
#define DD ZG_PAIR(ZG_DCTX, ZG_DDICT)
#define CP ZG_PAIR(ZG_CCTX, ZG_PARAMS)
#define CC ZG_PAIR(ZG_CCTX, ZG_CCTX)
#define DC ZG_PAIR(ZG_DCTX, ZG_DCTX)
/* An lzma_*_encoder or _decoder's row. */
#define LZ(fn, args) { "lzma_" #fn "_HTL", model_lzma_init, MODEL_BOTH, args }
/* An lzma_*_buffer function's row. */
#define LB(fn, args) \
    { "lzma_" #fn "_HTL", model_lzma_buffer, MODEL_BOTH, args }
#define RAW(fn) { #fn "_HTL", NULL, MODEL_RAW_ONLY }
/* A libzstd entry's row: ZSTD_fn_HTL, built by model_zstd_build. */
#define ZS(fn, build, mode, param) \
    { "ZSTD_" #fn "_HTL", model_zstd_##build, mode, param }

static const Model models[] = {
    { "crc32_HTL", model_zlib_checksum },
    { "adler32_HTL", model_zlib_checksum },
    { "compressBound_HTL", model_compress_bound },
    { "compress_HTL", model_compress },
    { "compress2_HTL", model_compress },
    { "uncompress_HTL", model_compress },
    { "zlibVersion_HTL", NULL },
    { "own_HTL", NULL, MODEL_SAFE_ONLY },
    RAW(inflateInit__ga),
    RAW(deflateEnd_ga),
    RAW(ga_resume),
    RAW(ga_serve),
    LB(easy_buffer_encode, LZMA_ARGS(LA_PRESET, LA_CHECK, LA_ALLOC, 0)),
    LB(stream_buffer_encode, LZMA_ARGS(LA_FILTERS, LA_CHECK, LA_ALLOC, 0)),
    LB(stream_buffer_decode,
       LZMA_ARGS(LA_MEMLIMIT_PTR, LA_FLAGS, LA_ALLOC, 0) | LZMA_DECODES),
    LB(raw_buffer_encode, LZMA_ARGS(LA_FILTERS, LA_ALLOC, 0, 0)),
    LB(raw_buffer_decode,
       LZMA_ARGS(LA_FILTERS, LA_ALLOC, 0, 0) | LZMA_DECODES),
    LZ(easy_encoder, LZMA_ARGS(LA_PRESET, LA_CHECK, 0, 0)),
    LZ(stream_encoder, LZMA_ARGS(LA_FILTERS, LA_CHECK, 0, 0)),
    LZ(raw_encoder, LZMA_ARGS(LA_FILTERS, 0, 0, 0)),
    LZ(raw_decoder, LZMA_ARGS(LA_FILTERS, 0, 0, 0)),
    LZ(alone_encoder, LZMA_ARGS(LA_LZMA1, 0, 0, 0)),
    LZ(alone_decoder, LZMA_ARGS(LA_MEMLIMIT, LA_FLAGS, 0, 0)),
    LZ(microlzma_encoder, LZMA_ARGS(LA_LZMA1, 0, 0, 0)),
    LZ(microlzma_decoder, LZMA_ARGS(LA_SIZE, LA_SIZE, LA_BIT, LA_DICT)),
    LZ(stream_decoder, LZMA_ARGS(LA_MEMLIMIT, LA_FLAGS, 0, 0)),
    LZ(auto_decoder, LZMA_ARGS(LA_MEMLIMIT, LA_FLAGS, 0, 0)),
    LZ(lzip_decoder, LZMA_ARGS(LA_MEMLIMIT, LA_FLAGS, 0, 0)),
    { "lzma_code_HTL", model_lzma_code },
    { "lzma_end_HTL", model_on_stream },
    { "lzma_memusage_HTL", model_on_stream },
    { "lzma_memlimit_set_HTL", model_on_stream },
    { "lzma_get_check_HTL", model_on_stream },
    { "lzma_get_progress_HTL", model_get_progress },
    { "lzma_filters_update_HTL", model_filters_update },
    { "lzma_crc32_HTL", model_lzma_checksum },
    { "lzma_crc64_HTL", model_lzma_checksum },
    RAW(lzma_code_ga),
    RAW(lzma_easy_encoder_ga),
    { "BZ2_bzCompressInit_HTL", model_bz_compress_init },
    { "BZ2_bzCompress_HTL", model_bz_compress },
    { "BZ2_bzCompressEnd_HTL", model_bz_end },
    { "BZ2_bzDecompressInit_HTL", model_bz_decompress_init },
    { "BZ2_bzDecompress_HTL", model_bz_decompress },
    { "BZ2_bzDecompressEnd_HTL", model_bz_end },
    { "BZ2_bzBuffToBuffCompress_HTL", model_bz_buff_compress },
    { "BZ2_bzBuffToBuffDecompress_HTL", model_bz_buff_decompress },
    RAW(BZ2_bzCompressInit_ga),
    RAW(BZ2_bzCompressEnd_ga),
    RAW(BZ2_bzDecompressInit_ga),
    RAW(BZ2_bzDecompress_ga),
    RAW(BZ2_bzDecompressEnd_ga),
    RAW(ZSTD_createCCtx_advanced_ga),
    RAW(ZSTD_compressStream2_ga),
    RAW(ZSTD_freeCCtx_ga),
    RAW(ZSTD_createDDict_advanced_ga),
    RAW(ZSTD_decompressStream_ga),
    RAW(ZSTD_freeDDict_ga),
    ZS(compress, buffers, BOTH, ZG_CCTX),
    ZS(decompress, buffers, BOTH, ZG_DCTX),
    ZS(createCCtx, new, SAFE, ZG_CCTX),
    ZS(createCStream, new, SAFE, ZG_CCTX),
    ZS(createCCtx_advanced, new, SAFE, ZG_CCTX),
    ZS(createCStream_advanced, new, SAFE, ZG_CCTX),
    ZS(freeCCtx, on, BOTH, ZG_CCTX),
    ZS(freeCStream, on, BOTH, ZG_CCTX),
    ZS(compressCCtx, ctx_io, BOTH, ZG_CCTX),
    ZS(compress2, ctx_io, BOTH, ZG_CCTX),
    ZS(compress_usingDict, ctx_io_dict, BOTH, ZG_CCTX),
    ZS(compress_advanced, compress_advanced, BOTH, ZG_CCTX),
    ZS(compress_usingCDict, ctx_io_obj, BOTH, CD),
    ZS(compress_usingCDict_advanced, ctx_io_obj, BOTH, CD),
    ZS(CCtx_setParameter, set_param, SAFE, ZG_CCTX),
    ZS(CCtx_getParameter, get_param, BOTH, ZG_CCTX),
    ZS(CCtx_setPledgedSrcSize, size, BOTH, ZG_CCTX),
    ZS(CCtx_reset, on, BOTH, ZG_CCTX),
    ZS(CCtx_setCParams, params, BOTH, ZG_CCTX),
    ZS(CCtx_setParametersUsingCCtxParams, pair, BOTH, CP),
    ZS(CCtx_loadDictionary, dict, BOTH, ZG_CCTX),
    ZS(CCtx_loadDictionary_advanced, dict, BOTH, ZG_CCTX),
    ZS(CCtx_refCDict, pair, BOTH, CD),
    ZS(CCtx_refPrefix, dict, BOTH, ZG_CCTX),
    ZS(CCtx_refPrefix_advanced, dict, BOTH, ZG_CCTX),
    ZS(compressStream2, stream, BOTH, ZG_CCTX),
    ZS(compressStream2_simpleArgs, simple_args, BOTH, ZG_CCTX),
    ZS(compressStream, stream, BOTH, ZG_CCTX),
    ZS(flushStream, stream, BOTH, ZG_CCTX),
    ZS(endStream, stream, BOTH, ZG_CCTX),
    ZS(initCStream, level, BOTH, ZG_CCTX),
    ZS(initCStream_srcSize, level, BOTH, ZG_CCTX),
    ZS(initCStream_usingDict, dict, BOTH, ZG_CCTX),
    ZS(initCStream_advanced, init_advanced, BOTH, ZG_CCTX),
    ZS(initCStream_usingCDict, pair, BOTH, CD),
    ZS(initCStream_usingCDict_advanced, pair_advanced, BOTH, CD),
    ZS(resetCStream, size, BOTH, ZG_CCTX),
    ZS(sizeof_CCtx, on, BOTH, ZG_CCTX),
    ZS(sizeof_CStream, on, BOTH, ZG_CCTX),
    ZS(getFrameProgression, on, BOTH, ZG_CCTX),
    ZS(toFlushNow, on, BOTH, ZG_CCTX),
    ZS(getBlockSize, on, BOTH, ZG_CCTX),
    ZS(registerSequenceProducer, seq_producer, BOTH, ZG_CCTX),
    ZS(generateSequences, generate_sequences, BOTH, ZG_CCTX),
    ZS(compressSequences, compress_sequences, BOTH, ZG_CCTX),
    ZS(copyCCtx, pair, BOTH, CC),
    ZS(compressContinue, ctx_io, BOTH, ZG_CCTX),
    ZS(compressEnd, ctx_io, BOTH, ZG_CCTX),
    ZS(compressBlock, ctx_io, BOTH, ZG_CCTX),
    ZS(createDCtx, new, SAFE, ZG_DCTX),
    ZS(createDStream, new, SAFE, ZG_DCTX),
    ZS(createDCtx_advanced, new, SAFE, ZG_DCTX),
    ZS(createDStream_advanced, new, SAFE, ZG_DCTX),
    ZS(freeDCtx, on, BOTH, ZG_DCTX),
    ZS(freeDStream, on, BOTH, ZG_DCTX),
    ZS(decompressDCtx, ctx_io, BOTH, ZG_DCTX),
    ZS(decompress_usingDict, ctx_io_dict, BOTH, ZG_DCTX),
    ZS(decompress_usingDDict, ctx_io_obj, BOTH, DD),
    ZS(DCtx_setParameter, set_param, SAFE, ZG_DCTX),
    ZS(DCtx_getParameter, get_param, BOTH, ZG_DCTX),
    ZS(DCtx_reset, on, BOTH, ZG_DCTX),
    ZS(DCtx_setFormat, on, BOTH, ZG_DCTX),
    ZS(DCtx_setMaxWindowSize, size, BOTH, ZG_DCTX),
    ZS(DCtx_loadDictionary, dict, BOTH, ZG_DCTX),
    ZS(DCtx_loadDictionary_advanced, dict, BOTH, ZG_DCTX),
    ZS(DCtx_refDDict, pair, BOTH, DD),
    ZS(DCtx_refPrefix, dict, BOTH, ZG_DCTX),
    ZS(DCtx_refPrefix_advanced, dict, BOTH, ZG_DCTX),
    ZS(decompressStream, stream, BOTH, ZG_DCTX),
    ZS(decompressStream_simpleArgs, simple_args, BOTH, ZG_DCTX),
    ZS(initDStream, on, BOTH, ZG_DCTX),
    ZS(initDStream_usingDict, dict, BOTH, ZG_DCTX),
    ZS(initDStream_usingDDict, pair, BOTH, DD),
    ZS(resetDStream, on, BOTH, ZG_DCTX),
    ZS(sizeof_DCtx, on, BOTH, ZG_DCTX),
    ZS(sizeof_DStream, on, BOTH, ZG_DCTX),
    ZS(copyDCtx, pair, BOTH, DC),
    ZS(createCDict, cdict, SAFE, ZG_CDICT),
    ZS(createCDict_advanced, cdict_advanced, SAFE, ZG_CDICT),
    ZS(createCDict_advanced2, cdict_advanced2, SAFE, ZG_CDICT),
    ZS(freeCDict, on, BOTH, ZG_CDICT),
    ZS(sizeof_CDict, on, BOTH, ZG_CDICT),
    ZS(getDictID_fromCDict, on, BOTH, ZG_CDICT),
    ZS(createDDict, ddict, SAFE, ZG_DDICT),
    ZS(createDDict_advanced, ddict, SAFE, ZG_DDICT),
    ZS(freeDDict, on, BOTH, ZG_DDICT),
    ZS(sizeof_DDict, on, BOTH, ZG_DDICT),
    ZS(getDictID_fromDDict, on, BOTH, ZG_DDICT),
    ZS(createCCtxParams, new, SAFE, ZG_PARAMS),
    ZS(freeCCtxParams, on, BOTH, ZG_PARAMS),
    ZS(CCtxParams_init, level, BOTH, ZG_PARAMS),
    ZS(CCtxParams_init_advanced, params, BOTH, ZG_PARAMS),
    ZS(CCtxParams_reset, on, BOTH, ZG_PARAMS),
    ZS(CCtxParams_setParameter, set_param, SAFE, ZG_PARAMS),
    ZS(CCtxParams_getParameter, get_param, BOTH, ZG_PARAMS),
    ZS(estimateCCtxSize_usingCCtxParams, on, BOTH, ZG_PARAMS),
    ZS(estimateCStreamSize_usingCCtxParams, on, BOTH, ZG_PARAMS),
    { "ZDICT_trainFromBuffer_HTL", model_zdict_train, SAFE, ZDICT_NONE },
    { "ZDICT_trainFromBuffer_cover_HTL", model_zdict_train, SAFE,
      ZDICT_COVER },
    { "ZDICT_trainFromBuffer_fastCover_HTL", model_zdict_train, SAFE,
      ZDICT_FAST },
    { "ZDICT_optimizeTrainFromBuffer_cover_HTL", model_zdict_train, SAFE,
      ZDICT_COVER_P },
    { "ZDICT_optimizeTrainFromBuffer_fastCover_HTL", model_zdict_train,
      SAFE, ZDICT_FAST_P },
    { "ZDICT_trainFromBuffer_legacy_HTL", model_zdict_train, SAFE,
      ZDICT_LEGACY },
    { "ZDICT_finalizeDictionary_HTL", model_zdict_finalize, SAFE },
    { "ZDICT_addEntropyTablesFromBuffer_HTL", model_zdict_add_entropy,
      SAFE },
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))

/*
 * What a built call gave: refused by the HTL, a small result (-128..15:
 * zlib's, liblzma's and libbz2's status codes, libzstd's errors), or
 * another. Each (entry, outcome) is a libFuzzer feature of its own (extra
 * counters), so inputs that reach a new result of an entry are kept: the
 * HTL is not instrumented, its results are. Results below -8 (libzstd's
 * errors) share N_FOLDED features: libFuzzer scans every counter after
 * every input.
 */
#define MIN_RESULT (-128)
#define MAX_RESULT 15
#define OUTCOME_REFUSED 0
#define OUTCOME_OTHER (MAX_RESULT - MIN_RESULT + 2)
#define N_OUTCOMES (OUTCOME_OTHER + 1)
#define MIN_UNFOLDED (-8)
#define N_FOLDED 37       /* prime: few of libzstd's codes share one */
#define N_FEATURES (2 + MAX_RESULT - MIN_UNFOLDED + 1 + N_FOLDED)

static uint8_t outcome_counters[N_MODELS * N_FEATURES]
    __attribute__((used, section("__libfuzzer_extra_counters")));

/* An outcome's feature: refused, other, -8..15, or folded. */
static int feature(int o)
{
    int r = o - 1 + MIN_RESULT;

    if (o == OUTCOME_REFUSED || o == OUTCOME_OTHER) {
        return o == OUTCOME_OTHER;
    }
    return r >= MIN_UNFOLDED ? 2 + r - MIN_UNFOLDED
                             : 2 + MAX_RESULT - MIN_UNFOLDED + 1 +
                               -r % N_FOLDED;
}

typedef struct ModelStats {
    uint64_t calls, outcomes[N_OUTCOMES], produced;
} ModelStats;

static ModelStats model_stats[N_MODELS];  /* the whole run: PT_FUZZ_STATS */

/* The built call the next control op or gate may run. */
static struct {
    const Model *model;
    uint64_t calls, refusals;
    Call call;
} pending;

/* Each model's entry name, hashed at start-up: a strcmp() with each (the
 * fuzzer hooks them) would cost more than most calls. */
static uint32_t model_hash[N_MODELS];

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s) {
        h = (h ^ (uint8_t)*s++) * 16777619u;
    }
    return h;
}

static const Model *find_model(const char *entry)
{
    uint32_t h = name_hash(entry);

    for (size_t i = 0; i < N_MODELS; i++) {
        if (model_hash[i] == h && !strcmp(entry, models[i].entry)) {
            return &models[i];
        }
    }
    return NULL;
}

static uint64_t calls_run(void)
{
    return pt_registry_calls(ctl.reg, PT_VIA_SYSCALL) +
           pt_registry_calls(ctl.reg, PT_VIA_GATE);
}

/*
 * If running token with (args, ret) would run an entry, make it a well-formed
 * call of that entry inside harness memory (see the comment at the top).
 */
static void make_safe(Input *in, uint64_t token, uint64_t *args,
                      uint64_t *ret)
{
    void **a = (void **)call_page;
    uint64_t *val = (uint64_t *)(call_page + CALL_VALS);
    const Model *m;
    const char *entry;
    bool raw;
    Call c = { .in = in, .val = val, .args = a, .made_group = -1 };

    if (!*args || !*ret ||
        pt_registry_lookup(ctl.reg, token, &entry) != PT_OK) {
        return;   /* the plugin will refuse it: leave it as it is */
    }
    m = find_model(entry);
    if (!m) {
        *args = 0;            /* the plugin answers PT_E_FAULT */
        return;
    }
    /* Raw: the entry's own checks decide. */
    raw = m->mode == MODEL_RAW_ONLY ||
          (m->mode == MODEL_BOTH && (take(in, 1) & 1));
    if (trace) {
        fprintf(stderr, "entry %s, %s\n", entry, raw ? "raw" : "built");
    }
    if (raw) {
        return;
    }
    memset(call_page, 0, CALL_CLEAR);
    for (int i = 0; i < N_VALS; i++) {
        a[i] = &val[i];
    }
    *args = U(a);
    *ret = U(call_page + CALL_RET);
    c.param = m->param;
    if (m->build) {
        m->build(&c);
    }
    pending.model = m;
    pending.calls = calls_run();
    pending.refusals = pt_guest_check_refusals();
    pending.call = c;
}

/* After a built call ran: the libzstd object it made, kept; how far the
 * decoder it fed got in the harness's frame. */
static void zstd_after(const Call *c)
{
    uint64_t v;

    if (c->made_group >= 0) {
        memcpy(&v, call_page + CALL_RET, sizeof(v));
        if (v && n_zstd_objects < MAX_STEPS) {
            zstd_objects[n_zstd_objects++] =
                (ZstdObject){ v, c->made_group, 0 };
        }
    }
    if (c->feeds) {
        memcpy(&v, c->fed, sizeof(v));
        c->feeds->fed = c->fed_from + v;
    }
}

/* After a control op or gate: what the built call, if it ran, gave. */
static void outcome(void)
{
    const Model *m = pending.model;
    uint64_t produced;
    int32_t r;
    int o;

    pending.model = NULL;
    if (!m || calls_run() == pending.calls) {
        return;   /* not run: the plugin refused the call, or no call */
    }
    memcpy(&r, call_page + CALL_RET, sizeof(r));
    if (pt_guest_check_refusals() != pending.refusals) {
        o = OUTCOME_REFUSED;
    } else if (r >= MIN_RESULT && r <= MAX_RESULT) {
        o = r - MIN_RESULT + 1;
    } else {
        o = OUTCOME_OTHER;
    }
    outcome_counters[(m - models) * N_FEATURES + feature(o)]++;
    model_stats[m - models].calls++;
    model_stats[m - models].outcomes[o]++;
    if (pending.call.produced) {
        memcpy(&produced, pending.call.produced, sizeof(produced));
        if (produced > pending.call.produced_base) {
            model_stats[m - models].produced +=
                produced - pending.call.produced_base;
        }
    }
    if (pending.call.made) {
        remember_set_up(pending.call.kind, pending.call.made);
    }
    zstd_after(&pending.call);
}

/* An HTL's entry, as a guest would get it. */
static PtHtlEntry htl_entry(const char *lib, const char *entry)
{
    uint64_t handle, token;
    PtHtlEntry fn;

    if (pt_registry_load(ctl.reg, lib, &handle) != PT_OK ||
        pt_registry_dlsym(ctl.reg, handle, entry, &token) != PT_OK ||
        pt_registry_entry(ctl.reg, token, PT_VIA_SYSCALL, &fn) != PT_OK) {
        fprintf(stderr, "control_fuzz: no %s in %s to end objects\n", entry,
                lib);
        __builtin_trap();
    }
    return fn;
}

static void reset_guest_view(void);

/* Runs fn on one argument, from the call page. */
static void run_on(PtHtlEntry fn, uint64_t arg)
{
    void **a = (void **)call_page;
    uint64_t *val = (uint64_t *)(call_page + CALL_VALS);

    memset(call_page, 0, CALL_CLEAR);
    val[0] = arg;
    a[0] = &val[0];
    fn(a, call_page + CALL_RET);
}

/*
 * Ends the streams an input's built calls set up, each by its handle put
 * back in its struct (the guest may have set the struct up again, or
 * overwritten it): the HTL's tables outlive the input, and would keep
 * their coders (megabytes each) for good. A stream ended already, or of
 * the other end entry's table, is refused. With the guest's memory as it
 * is, whatever the input's MEMORY records said.
 */
static void end_streams(void)
{
    reset_guest_view();
    for (int i = 0; i < n_set_ups; i++) {
        StreamKind *k = set_ups[i].kind;

        for (int e = 0; e < 2 && k->end[e]; e++) {
            if (!k->end_fn[e]) {
                k->end_fn[e] = htl_entry(k->lib, k->end[e]);
            }
            put_field(set_ups[i].at, k->handle, 8, set_ups[i].handle);
            run_on(k->end_fn[e], U(set_ups[i].at));
        }
    }
    n_set_ups = 0;
}

/*
 * Frees the libzstd objects an input's built calls made, for the same
 * reason, each by the free entry of its group; one freed already is
 * refused. Contexts too: a dictionary lives on in the host while a
 * context references it.
 */
static void end_zstd_objects(void)
{
    static const char *const free_entry[N_ZSTD_GROUPS] = {
        "ZSTD_freeCCtx_HTL", "ZSTD_freeDCtx_HTL", "ZSTD_freeCDict_HTL",
        "ZSTD_freeDDict_HTL", "ZSTD_freeCCtxParams_HTL",
    };
    static PtHtlEntry free_fn[N_ZSTD_GROUPS];

    for (int i = 0; i < n_zstd_objects; i++) {
        int g = zstd_objects[i].group;

        if (!free_fn[g]) {
            free_fn[g] = htl_entry("libzstd.so", free_entry[g]);
        }
        run_on(free_fn[g], zstd_objects[i].handle);
    }
    n_zstd_objects = 0;
}

/* PT_FUZZ_STATS: each built entry's calls and outcomes, at exit. */
static void print_model_stats(void)
{
    for (size_t i = 0; i < N_MODELS; i++) {
        const ModelStats *s = &model_stats[i];

        if (!s->calls) {
            continue;
        }
        printf("model %s: %llu calls, %llu refused, results", models[i].entry,
               (unsigned long long)s->calls,
               (unsigned long long)s->outcomes[OUTCOME_REFUSED]);
        for (int o = 1; o < OUTCOME_OTHER; o++) {
            if (s->outcomes[o]) {
                printf(" %d:%llu", o - 1 + MIN_RESULT,
                       (unsigned long long)s->outcomes[o]);
            }
        }
        if (s->outcomes[OUTCOME_OTHER]) {
            printf(" other:%llu",
                   (unsigned long long)s->outcomes[OUTCOME_OTHER]);
        }
        printf(", %llu bytes out\n", (unsigned long long)s->produced);
    }
    fflush(stdout);
}

static void control(Input *in)
{
    uint64_t sel = take(in, 2), flags = take(in, 1);
    uint64_t args[6], op, nonce_for = 0;
    bool reply_form;
    int64_t rv;
    PtReply *r;

    op = sel < 16 ? known_ops[sel] : sel;
    if (flags & 1) {
        op |= PT_OP_REPLY;
    }
    args[0] = op;
    for (int i = 1; i < 6; i++) {
        args[i] = arg(in, &nonce_for);
    }
    reply_form = (op & PT_OP_REPLY) ||
                 (op >= PT_OP_HELLO && op != PT_OP_MAILBOX_CALL);
    /* HELLO's nonce: the one the guest passed, or not (flags bit 1). */
    if (reply_form && nonce_for && nonce_for == args[1] && !(flags & 2)) {
        ((PtReply *)(uintptr_t)args[1])->nonce = args[3];
    }
    uint64_t base = op & ~(uint64_t)PT_OP_REPLY;
    uint64_t *a = reply_form ? args + 2 : args + 1;
    if (base == PT_OP_INVOKE) {
        make_safe(in, a[0], &a[1], &a[2]);
    } else if (base == PT_OP_RESOLVE && (flags & 4)) {
        make_resolve(in, a);
    }
    /* One mailbox, under key 0, so `bound` is the one every gate and
     * MAILBOX_CALL serves (keys: control_test's EachGtlHasItsOwnMailbox). */
    if (base == PT_OP_BIND_MAILBOX) {
        a[1] = 0;
    } else if (base == PT_OP_MAILBOX_CALL) {
        a[0] = 0;
    }
    if (base == PT_OP_MAILBOX_CALL && bound && mailbox_readable(bound)) {
        PtMailbox *mb = (PtMailbox *)(uintptr_t)bound;
        make_safe(in, mb->token, &mb->args, &mb->ret);
    }

    rv = pt_control_syscall(&ctl, args);
    outcome();
    if (trace) {
        fprintf(stderr, "op %#llx a1 %#llx a2 %#llx a3 %#llx -> %lld",
                (unsigned long long)op, (unsigned long long)args[1],
                (unsigned long long)args[2], (unsigned long long)args[3],
                (long long)rv);
        if (reply_form && nonce_for && nonce_for == args[1]) {
            PtReply *t = (PtReply *)(uintptr_t)args[1];
            fprintf(stderr, " reply status %d value %#llx", t->status,
                    (unsigned long long)t->value);
        }
        fprintf(stderr, "\n");
    }

    /* What the plugin answered must agree with itself, and an error
     * carries no value (it once carried uninitialized host stack). */
    if (reply_form && nonce_for && nonce_for == args[1]) {
        PtReply *t = (PtReply *)(uintptr_t)args[1];
        bool version = t->status == PT_E_VERSION;

        if (t->status != PT_E_NO_ANSWER &&
            ((t->status == PT_OK) != (rv >= 0) ||
             (t->status == PT_OK && rv != t->value) ||
             (t->status != PT_OK && rv != -(int64_t)t->status) ||
             (t->status != PT_OK && !version && t->value != 0))) {
            fprintf(stderr, "inconsistent answer: rv %lld status %d value "
                    "%#llx\n", (long long)rv, t->status,
                    (unsigned long long)t->value);
            __builtin_trap();
        }
    }

    /* Remember what the plugin handed out, for later records. */
    r = reply_form && nonce_for && nonce_for == args[1]
            ? (PtReply *)(uintptr_t)args[1] : NULL;
    if (r && r->status == PT_OK) {
        rv = r->value;
    } else if (r || rv < 0) {
        return;
    }
    if (base == PT_OP_LOAD_HTL) {
        keep(kept_handles, &n_handles, (uint64_t)rv);
    } else if (base == PT_OP_DLSYM) {
        keep(kept_tokens, &n_tokens, (uint64_t)rv);
    } else if (base == PT_OP_BIND_MAILBOX) {
        bound = a[0];
    }
}

static void gate(Input *in)
{
    if (bound && mailbox_readable(bound)) {
        PtMailbox *mb = (PtMailbox *)(uintptr_t)bound;
        /* Whatever the mailbox says: a fresh call, or stale contents. */
        if (take(in, 1) & 1) {
            mb->token = arg(in, &(uint64_t){0});
            mb->args = arg(in, &(uint64_t){0});
            mb->ret = arg(in, &(uint64_t){0});
        }
        make_safe(in, mb->token, &mb->args, &mb->ret);
    }
    pt_control_gate(&ctl, 0);
    outcome();
    if (trace && bound && mailbox_readable(bound)) {
        fprintf(stderr, "gate: status %d\n",
                ((PtMailbox *)(uintptr_t)bound)->status);
    }
}

static void memory(Input *in)
{
    /* x86_64 numbers (pt_control_set_target "x86_64"), and noise. */
    static const int64_t nums[] = { 11, 10, 9, 25, 12, 30, 67, 329, 0, 60 };
    int64_t num = nums[take(in, 1) % (sizeof(nums) / sizeof(nums[0]))];
    uint64_t a[6] = {0};
    uint64_t ignored = 0;

    for (int i = 0; i < 5; i++) {
        a[i] = arg(in, &ignored);
    }
    pt_control_memory_syscall(&ctl, num, a);

    /* munmap and mprotect of the mailbox page now happen: the plugin must
     * have let go of any mailbox there (PROT_NONE stands for unmapped). */
    uint64_t end = a[0] + a[1] < a[0] ? UINT64_MAX : a[0] + a[1];
    if ((num == 11 || num == 10) && a[0] < U(mailboxes) + PAGE &&
        end > U(mailboxes)) {
        mailbox_prot = num == 11 ? PROT_NONE
                                 : (int)(a[2] & (PROT_READ | PROT_WRITE));
        mprotect(mailboxes, PAGE, mailbox_prot);
    }
}

/* Whether the harness itself may look at the mailbox at addr. */
static bool mailbox_readable(uint64_t addr)
{
    return addr < U(mailboxes) || addr >= U(mailboxes) + PAGE ||
           (mailbox_prot & PROT_WRITE);
}

/*
 * The "guest" is the harness's one mapping: a raw value that happens to be
 * host memory (the fuzzer's heap, ASan's shadow) is not guest memory, as
 * QEMU's own memory is not the guest's in the real plugin (which cannot
 * tell them apart yet: README, pointer checks).
 */
static uint8_t *guest_lo, *guest_hi;

static bool guest_range(uint64_t addr, uint64_t len, bool write)
{
    /* addr <= guest_hi first: above it, guest_hi - addr wraps around. */
    return addr >= U(guest_lo) && addr <= U(guest_hi) &&
           len <= U(guest_hi) - addr;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("PT_FUZZ_HTL_DIR");
    uint8_t *mem;
    char dep[4096];
    size_t off = 0;

    if (!dir) {
        fprintf(stderr, "control_fuzz: set PT_FUZZ_HTL_DIR (run_fuzz.sh)\n");
        exit(2);
    }
    /* The fixture HTL's dependency is found by its SONAME, once loaded
     * (HTLs are loaded through /proc/self/fd: no $ORIGIN). */
    snprintf(dep, sizeof(dep), "%s/libptfixture_dep.so", dir);
    if (!dlopen(dep, RTLD_NOW)) {
        fprintf(stderr, "control_fuzz: %s\n", dlerror());
        exit(2);
    }

    mem = mmap(NULL, ARENA_SIZE + GUEST_PAGES * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        exit(2);
    }
    guest_lo = mem;
    guest_hi = mem + ARENA_SIZE + GUEST_PAGES * PAGE;
    pt_guest_mem_set_check(guest_range);
    pt_guest_check_set_filter(guest_range);
    arena = mem;
    replies = (PtReply *)(mem + ARENA_SIZE);
    mailboxes = (PtMailbox *)(mem + ARENA_SIZE + PAGE);
    call_page = mem + ARENA_SIZE + 2 * PAGE;
    names_page = mem + ARENA_SIZE + 3 * PAGE;
    ro_page = names_page + NAMES_PAGES * PAGE;
    none_page = ro_page + PAGE;
    for (size_t i = 0; i < N_NAMES; i++) {
        if (off + strlen(names[i]) + 1 > NAMES_PAGES * PAGE) {
            fprintf(stderr, "control_fuzz: names[] too long\n");
            exit(2);
        }
        name_addr[i] = U(names_page + off);
        memcpy(names_page + off, names[i], strlen(names[i]) + 1);
        off += strlen(names[i]) + 1;
    }
    /* Unterminated up to the PROT_NONE page. */
    memset(ro_page, 'l', PAGE);
    name_addr[N_NAMES] = U(ro_page + PAGE - 10);
    mprotect(names_page, (NAMES_PAGES + 1) * PAGE, PROT_READ);
    mprotect(none_page, PAGE, PROT_NONE);
    make_plain();
    make_bz_data();
    make_zstd_data();
    for (size_t i = 0; i < N_MODELS; i++) {
        model_hash[i] = name_hash(models[i].entry);
    }
    setenv("PT_FUZZ_HTL_DIR_SET", dir, 1);
    trace = getenv("PT_FUZZ_TRACE") != NULL;
    if (getenv("PT_FUZZ_STATS")) {
        atexit(print_model_stats);
    }
    return 0;
}

/*
 * The plugin's view of the guest's memory (guest_check.h), as it really
 * is: MEMORY records unmap or protect parts of it for the rest of an
 * input only, but the view outlives the input, and without this a single
 * munmap of the arena had every later input's pointers refused.
 */
static void reset_guest_view(void)
{
    pt_guest_check_map(U(guest_lo), U(guest_hi) - U(guest_lo),
                       PROT_READ | PROT_WRITE);
    pt_guest_check_protect(U(names_page), (NAMES_PAGES + 1) * PAGE,
                           PROT_READ);
    pt_guest_check_protect(U(none_page), PAGE, PROT_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };

    memset(&ctl, 0, sizeof(ctl));
    ctl.reg = pt_registry_new(getenv("PT_FUZZ_HTL_DIR_SET"));
    pt_control_set_target(&ctl, "x86_64");
    ctl.gate_disabled = size && (data[0] & 0x80);
    n_handles = n_tokens = 0;
    bound = 0;
    pt_control_drop_mailboxes(0, UINT64_MAX);
    mprotect(mailboxes, PAGE, PROT_READ | PROT_WRITE);
    mailbox_prot = PROT_READ | PROT_WRITE;
    reset_guest_view();
    /* The arena, replies, mailboxes, the call page and its streams. */
    memset(arena, 0, ARENA_SIZE + 3 * PAGE);
    pending.model = NULL;
    zstd_slow_left = 1;

    for (int steps = 0; in.left && steps < MAX_STEPS; steps++) {
        switch (take(&in, 1) % 8) {
        case 0:
        case 1:
        case 2:
        case 3:
            control(&in);
            break;
        case 4: {
            uint64_t off = take(&in, 2) % ARENA_SIZE;
            uint64_t len = take(&in, 1);
            for (uint64_t i = 0; i < len && off + i < ARENA_SIZE; i++) {
                arena[off + i] = take(&in, 1);
            }
            break;
        }
        case 5:
        case 6:
            gate(&in);
            break;
        default:
            memory(&in);
            break;
        }
    }
    /* Nothing may stay bound to this input's memory, or set up in it. */
    pt_control_drop_mailboxes(0, UINT64_MAX);
    end_streams();
    end_zstd_objects();
    pt_registry_free(ctl.reg);
    return 0;
}
