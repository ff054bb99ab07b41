/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * liblzma.so.5, the guest thunk library for liblzma: every function of
 * the guest's liblzma, with its symbol versions, generated from spec.h
 * (gtl/wrap.h). What the host does not run (no plugin, no HTL, an entry
 * missing, the GUEST rows) runs on the guest's own liblzma, built in with
 * its symbols renamed fb_lzma_* (//deps:lzma_fallback).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "spec.h"
#include "wrap.h"

enum {
    LZMA_FUNCTIONS(GTL_ID)
    GTL_N_ENTRIES
};

enum {
    GTL_GROUP_none,
    GTL_GROUP_lstream,
    GTL_N_GROUPS
};

/* The guest's own liblzma. */
#define GTL_FALLBACK(name) fb_##name
#define GTL_FALLBACK_DECL(kind, group, ret_t, name, ...) \
    extern __typeof__(name) fb_##name GTL_HIDDEN;
LZMA_FUNCTIONS(GTL_FALLBACK_DECL)

/*
 * Checksums smaller than this stay in the guest. Not measured per guest
 * yet: zlib's crc32 crossover (libs/zlib/dispatch_thresholds.h) is 64-128
 * bytes, and liblzma's table-driven crc32/crc64 cost about the same per
 * byte emulated.
 */
#define LZMA_MIN_HOST_CRC 128

GTL_LIBRARY(LZMA_FUNCTIONS, "liblzma", "", "streams")

/* Exported under versioned names only (the end of this file). */
#define GTL_RENAME_lzma_block_uncomp_encode ~, "lzma_block_uncomp_encode_52"
#define GTL_RENAME_lzma_cputhreads ~, "lzma_cputhreads_52"
#define GTL_RENAME_lzma_get_progress ~, "lzma_get_progress_52"
#define GTL_RENAME_lzma_stream_encoder_mt ~, "lzma_stream_encoder_mt_52"
#define GTL_RENAME_lzma_stream_encoder_mt_memusage \
    ~, "lzma_stream_encoder_mt_memusage_52"

/* lstream: a stream is set up on the host (with the guest's allocator if
 * it has one and the call can pause for it), and stays on its side. */
static inline bool lstream_on_host(const lzma_stream *s)
{
    return s && gtl_is_handle(s->internal);
}

#if LZMA_VERSION >= 50060000
/*
 * A guest liblzma newer than the host's (riscv64's 5.8) has filters the
 * host's lacks, so the GTL reads the chain first. What the guest passed
 * may be unreadable, where its own liblzma would crash: a pipe's write
 * fails cleanly instead (EFAULT), and such a chain goes to the host,
 * whose checks refuse it.
 */
static int probe_pipe[2] = { -1, -1 };

static bool guest_readable(const void *p, size_t n)
{
    char sink[sizeof(lzma_filter)];

    if (probe_pipe[1] < 0 || n > sizeof(sink) ||
        write(probe_pipe[1], p, n) != (ssize_t)n) {
        return false;
    }
    return read(probe_pipe[0], sink, n) == (ssize_t)n;
}
#endif

/*
 * Whether the host's liblzma (Debian 12's 5.4.1) knows every filter of a
 * chain: else the guest's own runs it (5.8's RISC-V BCJ). An unreadable
 * chain, or one no liblzma knows, gets the host's checks or error.
 */
static bool lzma_host_knows(const lzma_filter *chain)
{
#if LZMA_VERSION < 50060000
    (void)chain;
    return true;   /* the guest's liblzma has no filter the host lacks */
#else
    for (int i = 0; chain && i <= LZMA_FILTERS_MAX; i++) {
        if (!guest_readable(&chain[i], sizeof(chain[i]))) {
            return true;
        }
        switch (chain[i].id) {
        case LZMA_VLI_UNKNOWN:
            return true;
        LZMA_HOST_LZMA_FILTERS:
        LZMA_HOST_DELTA_FILTERS:
        LZMA_HOST_BCJ_FILTERS:
            break;
        default:
            return false;
        }
    }
    return true;   /* too long: the host refuses it as the guest would */
#endif
}

/* Whether the host's liblzma can code a block buffer to buffer: its
 * chain read as lzma_host_knows does (a bad block: the host's checks). */
static bool lzma_block_on_host(const lzma_block *b)
{
#if LZMA_VERSION < 50060000
    (void)b;
    return true;
#else
    return !b || !guest_readable(&b->filters, sizeof(b->filters)) ||
           lzma_host_knows(b->filters);
#endif
}

/* The filter chain a NEW row is given, if it takes one. */
static const lzma_filter *lstream_chain(void **args, int id)
{
    const lzma_mt *mt;

    switch (id) {
    case GTL_ID_lzma_stream_encoder:
    case GTL_ID_lzma_raw_encoder:
    case GTL_ID_lzma_raw_decoder:
        return *(const lzma_filter **)args[1];
    case GTL_ID_lzma_stream_encoder_mt:
        mt = *(const lzma_mt **)args[1];
        return mt ? mt->filters : NULL;
    default:
        return NULL;
    }
}

static inline int lstream_route_new(void **args, int pos, bool ga, int id)
{
    lzma_stream *s = *(lzma_stream **)args[pos];
    int only = lstream_on_host(s) ? GTL_HOST_ONLY : GTL_HOST;

    if (!s || !gtl_on_host(GTL_GROUP_lstream) ||
        (s->internal && !lstream_on_host(s)) ||
        !lzma_host_knows(lstream_chain(args, id))) {
        /* The guest's stream set up again stays the guest's; a host one
         * with no entries left is refused below. */
        return lstream_on_host(s) ? GTL_HOST_ONLY : GTL_GUEST;
    }
    if (!s->allocator) {
        return only;
    }
    if (ga && gtl_ga_on_host()) {
        return only | GTL_GA;
    }
    /* The guest's allocator and no pausing (the threaded coders): a guest
     * stream; a host one keeps liblzma's allocator. */
    return lstream_on_host(s) ? GTL_HOST_ONLY : GTL_GUEST;
}

static inline int lstream_route_on(void **args, int pos, bool ga, int id)
{
    const lzma_stream *s = *(lzma_stream **)args[pos];

    (void)id;
    if (!lstream_on_host(s)) {
        return GTL_GUEST;
    }
    return ga && gtl_is_ga_handle(s->internal) ? GTL_HOST_ONLY | GTL_GA
                                               : GTL_HOST_ONLY;
}

/* A guest-only coder given a host stream: refused (the row's error). */
static inline int lstream_route_guest(void **args, int pos, int id)
{
    (void)id;
    return lstream_on_host(*(lzma_stream **)args[pos]) ? GTL_HOST_ONLY
                                                        : GTL_GUEST;
}

#if LZMA_VERSION >= 50060000
/*
 * A decoder set up on the host meets a filter only the guest's liblzma
 * knows (5.8's RISC-V BCJ) in a block header, in the data: the host says
 * LZMA_OPTIONS_ERROR. Until such a stream writes anything, the GTL keeps
 * what it has read (a stream header and a block header at most); on that
 * error it sets the stream up again on the guest's own liblzma, as the
 * program did, and gives it the input again. A later block with such a
 * filter, after output, still gets the host's error.
 */
#define REPLAY_MAX (LZMA_STREAM_HEADER_SIZE + LZMA_BLOCK_HEADER_SIZE_MAX)
#define REPLAY_SLOTS 16

typedef struct LReplay {
    lzma_stream *strm;       /* NULL: a free slot */
    void *handle;            /* the host stream's, as the guest holds it */
    int id;                  /* the NEW row that set it up, and its args */
    uint64_t memlimit;
    uint32_t flags;
    lzma_mt mt;
    size_t len;
    uint8_t in[REPLAY_MAX];
} LReplay;

static LReplay replays[REPLAY_SLOTS];
static pthread_mutex_t replays_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of a host stream, or one to take (want_free), locked. */
static LReplay *replay_slot(const lzma_stream *s, bool want_free)
{
    LReplay *free_slot = NULL;

    pthread_mutex_lock(&replays_lock);
    for (int i = 0; i < REPLAY_SLOTS; i++) {
        if (replays[i].strm == s && s) {
            return &replays[i];
        }
        if (!replays[i].strm && !free_slot) {
            free_slot = &replays[i];
        }
    }
    if (want_free && free_slot) {
        return free_slot;
    }
    pthread_mutex_unlock(&replays_lock);
    return NULL;
}

static void replay_release(LReplay *r, bool drop)
{
    if (drop) {
        r->strm = NULL;
    }
    pthread_mutex_unlock(&replays_lock);
}

static void replay_record(void **args, int pos, int id)
{
    lzma_stream *s = *(lzma_stream **)args[pos];
    const lzma_mt *mt;
    LReplay *r;

    switch (id) {
    case GTL_ID_lzma_stream_decoder:
    case GTL_ID_lzma_auto_decoder:
    case GTL_ID_lzma_stream_decoder_mt:
        break;
    default:
        /* Another coder set up on a stream that had a decoder. */
        r = replay_slot(s, false);
        if (r) {
            replay_release(r, true);
        }
        return;
    }
    r = replay_slot(s, true);
    if (!r) {
        return;   /* all slots in use: this stream cannot switch */
    }
    *r = (LReplay){ .strm = s, .handle = s->internal, .id = id };
    if (id == GTL_ID_lzma_stream_decoder_mt) {
        mt = *(const lzma_mt **)args[1];
        r->mt = *mt;   /* the host read it: readable */
    } else {
        r->memlimit = *(uint64_t *)args[1];
        r->flags = *(uint32_t *)args[2];
    }
    replay_release(r, false);
}

/* A decoder's result that lets it go on: LZMA_OK, or what the flags ask
 * it to tell (LZMA_TELL_*_CHECK, LZMA_GET_CHECK). */
static bool replay_told(lzma_ret rc)
{
    return rc == LZMA_OK || rc == LZMA_NO_CHECK ||
           rc == LZMA_UNSUPPORTED_CHECK || rc == LZMA_GET_CHECK;
}

/* The guest's liblzma takes over r's stream s, given what the host read
 * and then the rest of this call's input. */
static lzma_ret replay_on_guest(LReplay *r, lzma_stream *s,
                                lzma_action action)
{
    const uint8_t *next_in = s->next_in;
    size_t avail_in = s->avail_in;
    lzma_ret rc;

    lzma_end(s);          /* the host's stream */
    s->internal = NULL;
    switch (r->id) {
    case GTL_ID_lzma_stream_decoder_mt:
        rc = fb_lzma_stream_decoder_mt(s, &r->mt);
        break;
    case GTL_ID_lzma_auto_decoder:
        rc = fb_lzma_auto_decoder(s, r->memlimit, r->flags);
        break;
    default:
        rc = fb_lzma_stream_decoder(s, r->memlimit, r->flags);
        break;
    }
    if (rc != LZMA_OK) {
        return rc;
    }
    /* What the host read, the program told of already (its check). */
    s->next_in = r->in;
    s->avail_in = r->len;
    do {
        rc = fb_lzma_code(s, LZMA_RUN);
    } while (s->avail_in && replay_told(rc));
    if (!replay_told(rc) || s->avail_in) {
        return rc == LZMA_OK ? LZMA_PROG_ERROR : rc;
    }
    s->next_in = next_in;
    s->avail_in = avail_in;
    return fb_lzma_code(s, action);
}

static void replay_code(void **args, int pos, void *ret, int id)
{
    lzma_stream *s = *(lzma_stream **)args[pos];
    LReplay *r = replay_slot(s, false);
    lzma_ret *rc = ret;
    size_t took;

    if (!r) {
        return;
    }
    if (id != GTL_ID_lzma_code) {
        /* A query keeps the stream as it was; lzma_end ends it. */
        replay_release(r, id == GTL_ID_lzma_end ||
                          id == GTL_ID_lzma_filters_update);
        return;
    }
    if (r->handle != s->internal || s->total_out ||
        s->total_in > REPLAY_MAX || s->total_in < r->len) {
        /* Set up anew behind our back, or past its headers. */
        replay_release(r, true);
        return;
    }
    /* This call's input: just before where the host left next_in. */
    took = s->total_in - r->len;
    memcpy(r->in + r->len, s->next_in - took, took);
    r->len = s->total_in;
    if (replay_told(*rc)) {
        replay_release(r, false);
        return;
    }
    if (*rc == LZMA_OPTIONS_ERROR) {
        LReplay copy = *r;

        replay_release(r, true);
        *rc = replay_on_guest(&copy, s, *(lzma_action *)args[1]);
        return;
    }
    replay_release(r, true);
}

/*
 * lzma_stream_buffer_decode (HAND in this GTL): on the host, unless the
 * host's decoder does not know a filter of the data; liblzma leaves the
 * positions as they were on an error, so the guest's own starts afresh.
 */
GTL_EXPORT lzma_ret lzma_stream_buffer_decode(
    uint64_t *memlimit, uint32_t flags, const lzma_allocator *allocator,
    const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out,
    size_t *out_pos, size_t out_size)
{
    void *args[] = { &memlimit, &flags, &allocator, &in, &in_pos,
                     &in_size, &out, &out_pos, &out_size };
    lzma_ret ret;

    if (!allocator &&
        gtl_host(GTL_ID_lzma_stream_buffer_decode, args, &ret) &&
        ret != LZMA_OPTIONS_ERROR) {
        return ret;
    }
    return fb_lzma_stream_buffer_decode(memlimit, flags, allocator, in,
                                        in_pos, in_size, out, out_pos,
                                        out_size);
}
#endif

static inline void lstream_after_new(int route, void **args, int pos,
                                     void *ret, int id)
{
#if LZMA_VERSION >= 50060000
    if ((route & GTL_HOST) && *(lzma_ret *)ret == LZMA_OK) {
        replay_record(args, pos, id);
    }
#else
    (void)route;
    (void)args;
    (void)pos;
    (void)ret;
    (void)id;
#endif
}

static inline void lstream_after_on(void **args, int pos, void *ret, int id)
{
#if LZMA_VERSION >= 50060000
    replay_code(args, pos, ret, id);
#else
    (void)args;
    (void)pos;
    (void)ret;
    (void)id;
#endif
}

/* What a paused host call asks of a stream's allocator, as liblzma does
 * it: its own malloc/free for what the guest's leaves unset. */
static void *lstream_ga_alloc(void *obj, uint64_t items, uint64_t size)
{
    const lzma_allocator *a = ((lzma_stream *)obj)->allocator;

    if (a && a->alloc) {
        return a->alloc(a->opaque, (size_t)items, (size_t)size);
    }
    return malloc((size_t)items * size);
}

static void lstream_ga_free(void *obj, void *block)
{
    const lzma_allocator *a = ((lzma_stream *)obj)->allocator;

    if (a && a->free) {
        a->free(a->opaque, block);
    } else {
        free(block);
    }
}

static const GtlAllocOps lstream_alloc_ops = { lstream_ga_alloc,
                                               lstream_ga_free, NULL };

GTL_SIZED_TABLE(LZMA_FUNCTIONS, gtl_sized_init)
LZMA_FUNCTIONS(GTL_WRAP)

/*
 * liblzma's compatibility versions (its common.h's LZMA_SYMVER_API): these
 * functions are exported under their 5.2 version (the default) and under
 * the versions they had before it, for programs linked against those;
 * the same code, named NAME_52 here.
 */
#define LZMA_VERSIONED(name)                                                \
    __asm__(".symver " #name "_52, " #name "@@XZ_5.2\n\t"                  \
            ".globl " #name "_522\n\t"                                      \
            ".type " #name "_522, %function\n\t"                            \
            ".set " #name "_522, " #name "_52\n\t"                          \
            ".symver " #name "_522, " #name "@XZ_5.2.2");
#define LZMA_512ALPHA(name)                                                 \
    __asm__(".globl " #name "_512a\n\t"                                     \
            ".type " #name "_512a, %function\n\t"                           \
            ".set " #name "_512a, " #name "_52\n\t"                         \
            ".symver " #name "_512a, " #name "@XZ_5.1.2alpha");
LZMA_VERSIONED(lzma_block_uncomp_encode)
LZMA_VERSIONED(lzma_cputhreads)
LZMA_VERSIONED(lzma_get_progress)
LZMA_VERSIONED(lzma_stream_encoder_mt)
LZMA_VERSIONED(lzma_stream_encoder_mt_memusage)
LZMA_512ALPHA(lzma_stream_encoder_mt)
LZMA_512ALPHA(lzma_stream_encoder_mt_memusage)

void gtl_on_connect(bool connected)
{
    gtl_sized_init(connected);
#if LZMA_VERSION >= 50060000
    if (connected && pipe2(probe_pipe, O_CLOEXEC | O_NONBLOCK)) {
        probe_pipe[0] = probe_pipe[1] = -1;
    }
#endif
}
