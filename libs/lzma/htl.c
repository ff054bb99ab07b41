/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * liblzma_HTL.so: the host side of liblzma passthrough. Its entries are
 * generated from spec.h by htl/entry.h's skeleton; what is liblzma's is
 * here: the lstream group (an lzma_stream mirrored as htl/stream.h does
 * it), and the checks that copy filter chains and options to the host.
 */
#include <lzma.h>
#include <stddef.h>
#include <stdlib.h>

#include "entry.h"
#include "guest_access.h"
#include "guest_alloc.h"
#include "spec.h"
#include "stream.h"

/* A stream's record: host liblzma's lzma_stream, and the allocator it
 * gets for a stream with the guest's (guest_alloc.h). */
typedef struct LStream {
    HtlObject obj;
    lzma_stream strm;
    lzma_allocator alloc;
} LStream;

static HtlTable lstream_table = HTL_TABLE_INIT(LStream);

#define LS(member) HTL_FIELD(lzma_stream, member)

/* The buffers and counters: in at each call, out after it. */
static const HtlField lstream_io[] = {
    LS(next_in), LS(avail_in), LS(total_in), LS(next_out), LS(avail_out),
    LS(total_out),
};
/* What a set-up resets. */
static const HtlField lstream_made[] = { LS(total_in), LS(total_out) };

/* liblzma reuses a stream set up again: so does the host. */
static const HtlStreamType lstream_type =
    HTL_STREAM_TYPE(&lstream_table, LStream, lzma_stream, internal,
                    lstream_io, lstream_io, lstream_made, true, NULL);

static void *lstream_alloc(void *opaque, size_t nmemb, size_t size)
{
    return htl_ga_alloc(opaque, nmemb, size);
}

static void lstream_free(void *opaque, void *ptr)
{
    htl_ga_free(opaque, ptr);
}

/*
 * A stream's blocks with liblzma's own allocation are zeroed too:
 * liblzma 5.4.1 leaves some of a coder's function pointers unset and
 * tests them for NULL (lzma_filters_update on an LZMA1 encoder calls
 * one), which 5.4.6 fixed by setting them; a guest must not reach a
 * pointer it never set in the host.
 */
static void *lstream_zalloc(void *opaque, size_t nmemb, size_t size)
{
    (void)opaque;
    return calloc(nmemb, size);
}

static void lstream_zfree(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

static const lzma_allocator lstream_host_alloc = { lstream_zalloc,
                                                   lstream_zfree, NULL };

static LStream *ls(void *o)
{
    return o;
}

/* NEW: the record for the guest's lzma_stream; the host's allocator,
 * unless the call runs where the guest's can be asked (NAME_ga_HTL). */
static bool lstream_new(void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_new(&lstream_type, *(lzma_stream **)lv[pos]);
    LStream *s = ls(r);

    if (!r) {
        return false;
    }
    /* Set up again with the other allocator: liblzma would free the
     * old coder's memory through the new one. End it first. */
    if (s->strm.internal && r->ga != htl_ga_active()) {
        lzma_end(&s->strm);
    }
    r->ga = htl_ga_active();
    s->alloc = (lzma_allocator){ lstream_alloc, lstream_free, r };
    s->strm.allocator = r->ga ? &s->alloc : &lstream_host_alloc;
    o[0] = r;
    *(lzma_stream **)lv[pos] = &s->strm;
    return true;
}

static void lstream_new_done(void **o, void **lv, void *r)
{
    (void)lv;
    htl_stream_publish(&lstream_type, o[0], *(lzma_ret *)r == LZMA_OK);
    o[0] = NULL;
}

static bool lstream_enter(void **o, void **lv, int pos)
{
    HtlObject *r = htl_stream_enter(&lstream_type, *(lzma_stream **)lv[pos]);

    if (!r) {
        return false;
    }
    o[0] = r;
    *(lzma_stream **)lv[pos] = &ls(r)->strm;
    return true;
}

static void lstream_leave(void **o)
{
    if (o[0]) {
        htl_stream_leave(&lstream_type, o[0]);
    }
}

/* lzma_code: next_in/avail_in and next_out/avail_out. */
static bool lstream_buffers(void **o, void **lv)
{
    (void)lv;
    return htl_stream_buffers(&lstream_type, o[0]);
}

/*
 * Filter chains and options, copied to the host for the call (on the
 * entry's stack, which a paused call keeps) and checked: the filter IDs
 * liblzma knows, each one's options struct, a preset dictionary readable.
 * liblzma reads them during the call only (it copies what it keeps).
 */
typedef union LOptions {
    lzma_options_lzma lzma;
    lzma_options_delta delta;
    lzma_options_bcj bcj;
} LOptions;

typedef struct LFilters {
    lzma_filter f[LZMA_FILTERS_MAX + 2];
    LOptions opt[LZMA_FILTERS_MAX + 1];
} LFilters;

static bool lzma_options_ok(const lzma_options_lzma *opt)
{
    return !opt->preset_dict || htl_readable(opt->preset_dict,
                                             opt->preset_dict_size);
}

/* The size of a filter's options, 0 if it takes none, -1 if unknown. */
static int options_size(lzma_vli id)
{
    switch (id) {
    LZMA_HOST_LZMA_FILTERS:
        return sizeof(lzma_options_lzma);
    LZMA_HOST_DELTA_FILTERS:
        return sizeof(lzma_options_delta);
    LZMA_HOST_BCJ_FILTERS:
        return sizeof(lzma_options_bcj);
    default:
        return -1;
    }
}

/*
 * A chain liblzma must refuse stays one it refuses, with the same error:
 * a filter it does not know keeps its ID but not its options (liblzma
 * rejects the ID without reading them), and a chain of more than
 * LZMA_FILTERS_MAX is cut after one too many. An LZMA1/LZMA2 filter
 * without options is refused: liblzma 5.4.1 reads them unchecked in its
 * decoders, its LZMA1 encoder and lzma_filters_update (a NULL there
 * faults in the host, where only the LZMA2 encoders' own check answers
 * LZMA_PROG_ERROR, the row's error).
 */
static bool filters_in(const lzma_filter **arg, LFilters *copy)
{
    const lzma_filter *g = *arg;

    if (!g) {
        return true;   /* liblzma's own error */
    }
    *arg = copy->f;
    for (int i = 0; i <= LZMA_FILTERS_MAX; i++) {
        lzma_filter *f = &copy->f[i];
        int size;

        if (!htl_load(f, &g[i], sizeof(*f))) {
            return false;
        }
        if (f->id == LZMA_VLI_UNKNOWN) {
            return true;
        }
        size = options_size(f->id);
        if (size < 0) {
            f->options = NULL;
        } else if (!f->options && size == sizeof(lzma_options_lzma)) {
            return false;
        } else if (f->options) {
            if (!htl_load(&copy->opt[i], f->options, size) ||
                (size == sizeof(lzma_options_lzma) &&
                 !lzma_options_ok(&copy->opt[i].lzma))) {
                return false;
            }
            f->options = &copy->opt[i];
        }
    }
    copy->f[LZMA_FILTERS_MAX + 1].id = LZMA_VLI_UNKNOWN;
    return true;
}
#define CK_FILTERS(i) \
    && filters_in((const lzma_filter **)lv[i], &(LFilters){ 0 })

/* lzma_alone_encoder's and lzma_microlzma_encoder's options: liblzma
 * reads them without a check for NULL, so NULL is refused. */
/*
 * lzma_block, for the buffer-to-buffer block coders: copied in, its chain
 * as CK_FILTERS copies one, and back after the call with what liblzma
 * wrote (header size, sizes, the raw check), the guest's chain pointer
 * put back in place of the copy's.
 */
typedef struct LBlock {
    lzma_block b;
    lzma_block *guest;
    lzma_filter *guest_filters;
    LFilters filters;
} LBlock;

static void block_back(void *copy)
{
    LBlock *c = copy;

    c->b.filters = c->guest_filters;
    if (!htl_store(c->guest, &c->b, sizeof(c->b))) {
        htl_refused();
    }
}

static bool block_in(lzma_block **arg, LBlock *copy, HtlBack *back)
{
    if (!*arg || !htl_load(&copy->b, *arg, sizeof(copy->b)) ||
        !htl_writable(*arg, sizeof(copy->b))) {
        return false;
    }
    copy->guest = *arg;
    copy->guest_filters = copy->b.filters;
    if (!filters_in((const lzma_filter **)&copy->b.filters, &copy->filters)) {
        return false;
    }
    *arg = &copy->b;
    back->fn = block_back;
    back->copy = copy;
    return true;
}
#define CK_BLOCK(i) \
    && block_in((lzma_block **)lv[i], &(LBlock){ 0 }, &back)

static bool lzma_options_in(const lzma_options_lzma **arg,
                            lzma_options_lzma *copy)
{
    if (!*arg) {
        return false;
    }
    if (!htl_load(copy, *arg, sizeof(*copy)) || !lzma_options_ok(copy)) {
        return false;
    }
    *arg = copy;
    return true;
}
#define CK_LZMA_OPTIONS(i) \
    && lzma_options_in((const lzma_options_lzma **)lv[i], \
                       &(lzma_options_lzma){ 0 })

typedef struct LMt {
    lzma_mt mt;
    LFilters filters;
} LMt;

/* The threaded coders' options; the decoder's filters are not read (xz
 * leaves its encoder's there), so they are not taken. liblzma reads the
 * options without a check for NULL, so NULL is refused. */
static bool mt_in(const lzma_mt **arg, LMt *copy, bool encoder)
{
    if (!*arg) {
        return false;
    }
    if (!htl_load(&copy->mt, *arg, sizeof(copy->mt))) {
        return false;
    }
    if (!encoder) {
        copy->mt.filters = NULL;
    } else if (!filters_in(&copy->mt.filters, &copy->filters)) {
        return false;
    }
    *arg = &copy->mt;
    return true;
}
#define CK_MT_ENCODER(i) \
    && mt_in((const lzma_mt **)lv[i], &(LMt){ 0 }, true)
#define CK_MT_DECODER(i) \
    && mt_in((const lzma_mt **)lv[i], &(LMt){ 0 }, false)

LZMA_FUNCTIONS(HTL_ENTRY)
LZMA_FUNCTIONS(HTL_GA_ENTRY)
