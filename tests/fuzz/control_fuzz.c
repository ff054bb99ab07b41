/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the plugin's control plane as a guest drives it, with
 * real HTLs loaded from a real htl_dir ($PT_FUZZ_HTL_DIR: libz_HTL.so,
 * liblzma_HTL.so, the fixture HTL, and a symbolic link, a junk file, a
 * directory and a FIFO named like HTLs; tests/fuzz/run_fuzz.sh sets it
 * up).
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
 * 256 KiB at most); its streams live in slots of the call page, and its
 * filter chains, with their options, in the arena. The result of each
 * built call is a coverage feature (the HTLs are not instrumented), and
 * PT_FUZZ_STATS=1 prints, at exit, what each built entry returned.
 *
 * State that outlives an input is reset before the next one: the
 * registry, and the mailbox the plugin keeps per thread (else a mailbox
 * bound by an earlier input, now in memory the fuzzer writes, would run
 * calls the harness never saw); and the liblzma streams an input left set
 * up are ended (the HTL's tables outlive the registry).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <lzma.h>

#include "control.h"
#include "guest_check.h"
#include "guest_mem.h"
#include "log.h"
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
 * the call page (args the harness builds), the names page (read-only), a
 * read-only page, a PROT_NONE page.
 */
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
 * A call's input and output, in different halves (they never overlap,
 * which zlib and liblzma do not allow either); which half is the input is
 * the input's choice, so one call can read what an earlier one wrote.
 */
static void io_buffers(Input *in, uint64_t *src, uint64_t *src_len,
                       uint64_t *dst, uint64_t *dst_len)
{
    int half = take(in, 1) & 1;

    buffer(in, half, src, src_len);
    buffer(in, !half, dst, dst_len);
}

/*
 * A well-formed call under construction: args[i] points at val[i]; what
 * the entry takes by pointer (a length, a position) is in val[VAL_*].
 * `produced`, if set, is a count the call advances past `produced_base`
 * as it writes output (stats only).
 */
typedef struct Call {
    Input *in;
    uint64_t *val;
    uint64_t *produced;
    uint64_t produced_base;
} Call;

#define N_VALS 16
#define VAL_OUT_LEN 10    /* an output length or position */
#define VAL_IN_POS 11     /* an input position */
#define VAL_MEMLIMIT 12
#define VAL_OUT2 13       /* a second output value */

/* The call page: args, their values, the result, then the streams. */
#define CALL_VALS 128
#define CALL_RET 256
#define CALL_CLEAR 512    /* cleared for each call */
#define CALL_STREAMS 1024
#define N_STREAMS 4
#define STREAM_ROOM 256

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
    c->produced = &c->val[VAL_OUT_LEN];
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

/* compress, compress2, uncompress (dest, destLen, source, sourceLen,
 * level). */
static void model_compress(Call *c)
{
    uint64_t src, n_src, dst, n_dst;

    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    c->val[0] = dst;
    out_len(c, 1, n_dst, 0);      /* *destLen: in/out */
    c->val[2] = src;
    c->val[3] = n_src;
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

static lzma_stream *stream_slot(int i)
{
    return (lzma_stream *)(call_page + CALL_STREAMS + i * STREAM_ROOM);
}

/* The stream a set-up works on: one of the slots, which only the HTL and
 * the harness write (end_streams() ends what an input left). */
static uint64_t new_stream_arg(Input *in)
{
    return U(stream_slot(take(in, 1) % N_STREAMS));
}

/*
 * The stream a call on a stream works on: a slot, or at times a copy of
 * one in the arena, its handle forged or not (a copy is not the stream:
 * the HTL must refuse it).
 */
static uint64_t stream_arg(Input *in)
{
    uint8_t sel = take(in, 1);
    lzma_stream *s = stream_slot(sel % N_STREAMS), *copy;

    if ((sel & 0x30) != 0x30) {
        return U(s);
    }
    copy = (lzma_stream *)(arena + (take(in, 2) % (ARENA_SIZE - sizeof(*s))
                                    & ~7ULL));
    *copy = *s;
    if (sel & 0x40) {
        copy->internal = (void *)((uintptr_t)copy->internal ^ take(in, 8));
    }
    return U(copy);
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

/* lzma_easy_encoder (strm, preset, check). */
static void model_easy_encoder(Call *c)
{
    c->val[0] = new_stream_arg(c->in);
    c->val[1] = lzma_preset(c->in);
    c->val[2] = lzma_check_id(c->in);
}

/* lzma_stream_encoder (strm, filters, check). */
static void model_stream_encoder(Call *c)
{
    c->val[0] = new_stream_arg(c->in);
    c->val[1] = filter_chain(c->in);
    c->val[2] = lzma_check_id(c->in);
}

/* lzma_raw_encoder, lzma_raw_decoder (strm, filters). */
static void model_raw_coder(Call *c)
{
    c->val[0] = new_stream_arg(c->in);
    c->val[1] = filter_chain(c->in);
}

/* lzma_alone_encoder, lzma_microlzma_encoder (strm, options). */
static void model_alone_encoder(Call *c)
{
    lzma_options_lzma *room = (lzma_options_lzma *)(arena + ARENA_SIZE -
                                                    sizeof(*room));

    c->val[0] = new_stream_arg(c->in);
    c->val[1] = lzma_options_arg(c->in, LZMA_FILTER_LZMA1, room);
}

/* lzma_stream_decoder, lzma_auto_decoder, lzma_lzip_decoder (strm,
 * memlimit, flags); lzma_alone_decoder (strm, memlimit). */
static void model_decoder(Call *c)
{
    c->val[0] = new_stream_arg(c->in);
    c->val[1] = lzma_memlimit(c->in);
    c->val[2] = lzma_decoder_flags(c->in);
}

/* lzma_microlzma_decoder (strm, comp_size, uncomp_size,
 * uncomp_size_is_exact, dict_size): a small dictionary. */
static void model_microlzma_decoder(Call *c)
{
    c->val[0] = new_stream_arg(c->in);
    c->val[1] = take(c->in, 2);
    c->val[2] = take(c->in, 2);
    c->val[3] = take(c->in, 1) & 1;
    c->val[4] = LZMA_DICT_SIZE_MIN << (take(c->in, 1) % 7);
}

/* lzma_code (strm, action): the stream's buffers from the input. */
static void model_lzma_code(Call *c)
{
    uint64_t src, n_src, dst, n_dst;
    lzma_stream *s;

    c->val[0] = stream_arg(c->in);
    s = (lzma_stream *)(uintptr_t)c->val[0];
    io_buffers(c->in, &src, &n_src, &dst, &n_dst);
    s->next_in = (const uint8_t *)(uintptr_t)src;
    s->avail_in = n_src;
    s->next_out = (uint8_t *)(uintptr_t)dst;
    s->avail_out = n_dst;
    c->val[1] = take(c->in, 1) % 6;   /* LZMA_RUN ... FULL_BARRIER, bad */
    c->produced = &s->total_out;
    c->produced_base = s->total_out;
}

/* lzma_end, lzma_memusage, lzma_memlimit_get, lzma_get_check (strm);
 * lzma_memlimit_set (strm, limit). */
static void model_on_stream(Call *c)
{
    c->val[0] = stream_arg(c->in);
    c->val[1] = lzma_memlimit(c->in);
}

/* lzma_get_progress (strm, progress_in, progress_out). */
static void model_get_progress(Call *c)
{
    c->val[0] = stream_arg(c->in);
    c->val[1] = U(&c->val[VAL_OUT_LEN]);
    c->val[2] = U(&c->val[VAL_OUT2]);
}

/* lzma_filters_update (strm, filters). */
static void model_filters_update(Call *c)
{
    c->val[0] = stream_arg(c->in);
    c->val[1] = filter_chain(c->in);
}

/* lzma_easy_buffer_encode (preset, check, allocator, in, ...). */
static void model_easy_buffer_encode(Call *c)
{
    c->val[0] = lzma_preset(c->in);
    c->val[1] = lzma_check_id(c->in);
    c->val[2] = lzma_allocator_arg(c->in);
    encode_io(c, 3);
}

/* lzma_stream_buffer_encode (filters, check, allocator, in, ...). */
static void model_stream_buffer_encode(Call *c)
{
    c->val[0] = filter_chain(c->in);
    c->val[1] = lzma_check_id(c->in);
    c->val[2] = lzma_allocator_arg(c->in);
    encode_io(c, 3);
}

/* lzma_stream_buffer_decode (memlimit, flags, allocator, in, ...). */
static void model_stream_buffer_decode(Call *c)
{
    c->val[VAL_MEMLIMIT] = lzma_memlimit(c->in);
    c->val[0] = U(&c->val[VAL_MEMLIMIT]);
    c->val[1] = lzma_decoder_flags(c->in);
    c->val[2] = lzma_allocator_arg(c->in);
    decode_io(c, 3);
}

/* lzma_raw_buffer_encode (filters, allocator, in, ...). */
static void model_raw_buffer_encode(Call *c)
{
    c->val[0] = filter_chain(c->in);
    c->val[1] = lzma_allocator_arg(c->in);
    encode_io(c, 2);
}

/* lzma_raw_buffer_decode (filters, allocator, in, in_pos, ...). */
static void model_raw_buffer_decode(Call *c)
{
    c->val[0] = filter_chain(c->in);
    c->val[1] = lzma_allocator_arg(c->in);
    decode_io(c, 2);
}

/* lzma_crc32, lzma_crc64 (buf, size, crc). */
static void model_lzma_checksum(Call *c)
{
    checksum_args(c->in, &c->val[0], &c->val[1], &c->val[2]);
}

/*
 * The entries the harness can build a call of. SAFE_ONLY: always built
 * (the fixture's own_HTL, proposal-style, trusts its pointers); RAW_ONLY:
 * left as the fuzzer wrote it (a call that may pause for the guest's
 * allocator would outlive the input). Any other entry is not run.
 */
enum { MODEL_BOTH, MODEL_SAFE_ONLY, MODEL_RAW_ONLY };

typedef struct Model {
    const char *entry;
    void (*build)(Call *c);     /* NULL: no arguments */
    int mode;
} Model;

static const Model models[] = {
    { "crc32_HTL", model_zlib_checksum },
    { "adler32_HTL", model_zlib_checksum },
    { "compressBound_HTL", model_compress_bound },
    { "compress_HTL", model_compress },
    { "compress2_HTL", model_compress },
    { "uncompress_HTL", model_compress },
    { "zlibVersion_HTL", NULL },
    { "own_HTL", NULL, MODEL_SAFE_ONLY },
    { "inflateInit__ga_HTL", NULL, MODEL_RAW_ONLY },
    { "deflateEnd_ga_HTL", NULL, MODEL_RAW_ONLY },
    { "ga_resume_HTL", NULL, MODEL_RAW_ONLY },
    { "lzma_easy_buffer_encode_HTL", model_easy_buffer_encode },
    { "lzma_stream_buffer_encode_HTL", model_stream_buffer_encode },
    { "lzma_stream_buffer_decode_HTL", model_stream_buffer_decode },
    { "lzma_raw_buffer_encode_HTL", model_raw_buffer_encode },
    { "lzma_raw_buffer_decode_HTL", model_raw_buffer_decode },
    { "lzma_easy_encoder_HTL", model_easy_encoder },
    { "lzma_stream_encoder_HTL", model_stream_encoder },
    { "lzma_raw_encoder_HTL", model_raw_coder },
    { "lzma_raw_decoder_HTL", model_raw_coder },
    { "lzma_alone_encoder_HTL", model_alone_encoder },
    { "lzma_alone_decoder_HTL", model_decoder },
    { "lzma_microlzma_encoder_HTL", model_alone_encoder },
    { "lzma_microlzma_decoder_HTL", model_microlzma_decoder },
    { "lzma_stream_decoder_HTL", model_decoder },
    { "lzma_auto_decoder_HTL", model_decoder },
    { "lzma_lzip_decoder_HTL", model_decoder },
    { "lzma_code_HTL", model_lzma_code },
    { "lzma_end_HTL", model_on_stream },
    { "lzma_memusage_HTL", model_on_stream },
    { "lzma_memlimit_set_HTL", model_on_stream },
    { "lzma_get_check_HTL", model_on_stream },
    { "lzma_get_progress_HTL", model_get_progress },
    { "lzma_filters_update_HTL", model_filters_update },
    { "lzma_crc32_HTL", model_lzma_checksum },
    { "lzma_crc64_HTL", model_lzma_checksum },
    { "lzma_code_ga_HTL", NULL, MODEL_RAW_ONLY },
    { "lzma_easy_encoder_ga_HTL", NULL, MODEL_RAW_ONLY },
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))

/*
 * What a built call gave: refused by the HTL, a small result (-8..15:
 * zlib's and liblzma's status codes), or another. Each (entry, outcome)
 * is a libFuzzer feature of its own (extra counters), so inputs that
 * reach a new result of an entry are kept: the HTL is not instrumented,
 * its results are.
 */
#define MIN_RESULT (-8)
#define MAX_RESULT 15
#define OUTCOME_REFUSED 0
#define OUTCOME_OTHER (MAX_RESULT - MIN_RESULT + 2)
#define N_OUTCOMES (OUTCOME_OTHER + 1)

static uint8_t outcome_counters[N_MODELS * N_OUTCOMES]
    __attribute__((used, section("__libfuzzer_extra_counters")));

typedef struct ModelStats {
    uint64_t calls, outcomes[N_OUTCOMES], produced;
} ModelStats;

static ModelStats model_stats[N_MODELS];  /* the whole run: PT_FUZZ_STATS */

/* The built call the next control op or gate may run. */
static struct {
    const Model *model;
    uint64_t calls, refusals;
    uint64_t *produced, produced_base;
} pending;

static const Model *find_model(const char *entry)
{
    for (size_t i = 0; i < N_MODELS; i++) {
        if (!strcmp(entry, models[i].entry)) {
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
    Call c = { in, val, NULL, 0 };

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
    if (m->mode == MODEL_RAW_ONLY ||
        (m->mode == MODEL_BOTH && (take(in, 1) & 1))) {
        return;
    }
    memset(call_page, 0, CALL_CLEAR);
    for (int i = 0; i < N_VALS; i++) {
        a[i] = &val[i];
    }
    *args = U(a);
    *ret = U(call_page + CALL_RET);
    if (m->build) {
        m->build(&c);
    }
    pending.model = m;
    pending.calls = calls_run();
    pending.refusals = pt_guest_check_refusals();
    pending.produced = c.produced;
    pending.produced_base = c.produced_base;
}

/* After a control op or gate: what the built call, if it ran, gave. */
static void outcome(void)
{
    const Model *m = pending.model;
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
    outcome_counters[(m - models) * N_OUTCOMES + o]++;
    model_stats[m - models].calls++;
    model_stats[m - models].outcomes[o]++;
    if (pending.produced && *pending.produced > pending.produced_base) {
        model_stats[m - models].produced +=
            *pending.produced - pending.produced_base;
    }
}

/* The HTL's lzma_end, as a guest would get it. */
static PtHtlEntry lzma_end_entry(void)
{
    uint64_t handle, token;
    PtHtlEntry fn;

    if (pt_registry_load(ctl.reg, "liblzma.so", &handle) != PT_OK ||
        pt_registry_dlsym(ctl.reg, handle, "lzma_end_HTL", &token) != PT_OK ||
        pt_registry_entry(ctl.reg, token, PT_VIA_SYSCALL, &fn) != PT_OK) {
        fprintf(stderr, "control_fuzz: no lzma_end_HTL to end streams\n");
        __builtin_trap();
    }
    return fn;
}

static void reset_guest_view(void);

/*
 * Ends the streams an input left set up: the HTL's table outlives the
 * input, and would keep their coders (megabytes each) for good. With the
 * guest's memory as it is, whatever the input's MEMORY records said.
 */
static void end_streams(void)
{
    void **a = (void **)call_page;
    uint64_t *val = (uint64_t *)(call_page + CALL_VALS);
    PtHtlEntry fn = NULL;

    reset_guest_view();
    for (int i = 0; i < N_STREAMS; i++) {
        if (!stream_slot(i)->internal) {
            continue;
        }
        if (!fn) {
            fn = lzma_end_entry();
        }
        memset(call_page, 0, CALL_CLEAR);
        val[0] = U(stream_slot(i));
        a[0] = &val[0];
        fn(a, call_page + CALL_RET);
    }
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

    mem = mmap(NULL, ARENA_SIZE + 6 * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        exit(2);
    }
    guest_lo = mem;
    guest_hi = mem + ARENA_SIZE + 6 * PAGE;
    pt_guest_mem_set_check(guest_range);
    pt_guest_check_set_filter(guest_range);
    arena = mem;
    replies = (PtReply *)(mem + ARENA_SIZE);
    mailboxes = (PtMailbox *)(mem + ARENA_SIZE + PAGE);
    call_page = mem + ARENA_SIZE + 2 * PAGE;
    names_page = mem + ARENA_SIZE + 3 * PAGE;
    ro_page = mem + ARENA_SIZE + 4 * PAGE;
    none_page = mem + ARENA_SIZE + 5 * PAGE;
    for (size_t i = 0; i < N_NAMES; i++) {
        name_addr[i] = U(names_page + off);
        memcpy(names_page + off, names[i], strlen(names[i]) + 1);
        off += strlen(names[i]) + 1;
    }
    /* Unterminated up to the PROT_NONE page. */
    memset(ro_page, 'l', PAGE);
    name_addr[N_NAMES] = U(ro_page + PAGE - 10);
    mprotect(names_page, 2 * PAGE, PROT_READ);
    mprotect(none_page, PAGE, PROT_NONE);
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
    pt_guest_check_protect(U(names_page), 2 * PAGE, PROT_READ);
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

    for (int steps = 0; in.left && steps < 256; steps++) {
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
    pt_registry_free(ctl.reg);
    return 0;
}
