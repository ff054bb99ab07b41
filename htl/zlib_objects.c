/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "zlib_objects.h"

#include <pthread.h>
#include <stdlib.h>

#include "guest_alloc.h"

/*
 * Stream records live in chunks that are never freed, so a stale or forged
 * handle always reads a record, never freed memory. A record's word is its
 * generation and an in-use bit; a free record keeps the bit set, so no
 * handle can claim it.
 */
#define CHUNK_BITS 8
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 4096
#define NO_RECORD UINT32_MAX
#define GEN_MASK 0x3fffffffULL

static HtlStream *chunks[MAX_CHUNKS];
static uint32_t n_records;
static uint32_t free_head = NO_RECORD;
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;

static HtlStream *record(uint32_t index)
{
    HtlStream *chunk = __atomic_load_n(&chunks[index >> CHUNK_BITS],
                                       __ATOMIC_ACQUIRE);

    return chunk ? &chunk[index & (CHUNK_SIZE - 1)] : NULL;
}

/* Unloaded (the plugin never does; a test may): the tables go with it. */
__attribute__((destructor)) static void free_chunks(void)
{
    for (int i = 0; i < MAX_CHUNKS && chunks[i]; i++) {
        free(chunks[i]);
        chunks[i] = NULL;
    }
}

HtlStream *htl_stream_new(z_streamp guest)
{
    HtlStream *s = NULL;
    uint64_t gen;

    pthread_mutex_lock(&stream_lock);
    if (free_head != NO_RECORD) {
        s = record(free_head);
        free_head = s->next_free;
    } else if (n_records < MAX_CHUNKS * CHUNK_SIZE) {
        if (!chunks[n_records >> CHUNK_BITS]) {
            HtlStream *chunk = calloc(CHUNK_SIZE, sizeof(HtlStream));

            if (chunk) {
                for (uint32_t i = 0; i < CHUNK_SIZE; i++) {
                    chunk[i].word = 1;
                }
            }
            __atomic_store_n(&chunks[n_records >> CHUNK_BITS], chunk,
                             __ATOMIC_RELEASE);
        }
        s = record(n_records);
        if (s) {
            s->index = n_records;
            __atomic_store_n(&n_records, n_records + 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&stream_lock);
    if (!s) {
        return NULL;
    }
    /* Still marked in use (free records are): claimed for the caller. */
    gen = __atomic_load_n(&s->word, __ATOMIC_RELAXED) >> 1;
    memset(&s->strm, 0, sizeof(s->strm));
    s->guest = guest;
    memset(&s->head, 0, sizeof(s->head));
    memset(&s->given, 0, sizeof(s->given));
    s->set_head = NULL;
    s->get_head = NULL;
    s->head_bufs = NULL;
    s->blocks = 0;
    __atomic_store_n(&s->word, (gen << 1) | 1, __ATOMIC_RELAXED);
    return s;
}

void htl_stream_free(HtlStream *s)
{
    uint64_t gen = ((__atomic_load_n(&s->word, __ATOMIC_RELAXED) >> 1) + 1) &
                   GEN_MASK;

    free(s->head_bufs);
    s->head_bufs = NULL;
    /* In use for good: old handles no longer match, none can claim it. */
    __atomic_store_n(&s->word, (gen << 1) | 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&stream_lock);
    s->next_free = free_head;
    free_head = s->index;
    pthread_mutex_unlock(&stream_lock);
}

void *htl_stream_handle(const HtlStream *s)
{
    uint64_t gen = __atomic_load_n(&s->word, __ATOMIC_RELAXED) >> 1;
    uint64_t ga = s->strm.zalloc == htl_ga_alloc ? HTL_STREAM_GA_BIT : 0;

    return (void *)(uintptr_t)(HTL_STREAM_HANDLE_BIT | ga | (gen << 32) |
                               ((uint64_t)s->index + 1));
}

/* The record a handle names, if it was issued; not claimed. */
static HtlStream *handle_record(uint64_t handle)
{
    uint64_t index = (handle & 0xffffffffULL) - 1;

    if (!(handle & HTL_STREAM_HANDLE_BIT) || !(handle & 0xffffffffULL) ||
        index >= __atomic_load_n(&n_records, __ATOMIC_ACQUIRE)) {
        return NULL;
    }
    return record(index);
}

uint32_t htl_stream_blocks(z_streamp guest)
{
    void *handle;
    HtlStream *s;

    if (!htl_load(&handle, &guest->state, sizeof(handle)) ||
        !(s = handle_record((uint64_t)(uintptr_t)handle))) {
        return 0;
    }
    return __atomic_load_n(&s->blocks, __ATOMIC_RELAXED);
}

void htl_stream_release(HtlStream *s)
{
    uint64_t word = __atomic_load_n(&s->word, __ATOMIC_RELAXED);

    __atomic_store_n(&s->word, word & ~1ULL, __ATOMIC_RELEASE);
}

HtlStream *htl_stream_enter(z_streamp guest)
{
    uint64_t handle, word;
    HtlStream *s;
    z_stream g;

    if (!htl_writable(guest, sizeof(g))) {
        return NULL;
    }
    memcpy(&g, guest, sizeof(g));
    handle = (uint64_t)(uintptr_t)g.state;
    s = handle_record(handle);
    word = (((handle & ~HTL_STREAM_HANDLE_BIT) >> 32) & GEN_MASK) << 1;
    if (!s || !__atomic_compare_exchange_n(&s->word, &word, word | 1, false,
                                           __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED)) {
        return NULL;  /* forged, ended, or in a call on another thread */
    }
    /* A copy of the z_stream is not the stream (zlib says the same). */
    if (s->guest != guest) {
        htl_stream_release(s);
        return NULL;
    }
    s->strm.next_in = g.next_in;
    s->strm.avail_in = g.avail_in;
    s->strm.total_in = g.total_in;
    s->strm.next_out = g.next_out;
    s->strm.avail_out = g.avail_out;
    s->strm.total_out = g.total_out;
    s->strm.data_type = g.data_type;
    return s;
}

bool htl_stream_buffers(const HtlStream *s)
{
    return htl_readable(s->strm.next_in, s->strm.avail_in) &&
           htl_writable(s->strm.next_out, s->strm.avail_out);
}

void htl_stream_leave(HtlStream *s)
{
    z_streamp g = s->guest;

    /* Checked writable on the way in. */
    g->next_in = s->strm.next_in;
    g->avail_in = s->strm.avail_in;
    g->total_in = s->strm.total_in;
    g->next_out = s->strm.next_out;
    g->avail_out = s->strm.avail_out;
    g->total_out = s->strm.total_out;
    g->msg = s->strm.msg;
    g->data_type = s->strm.data_type;
    g->adler = s->strm.adler;
    g->reserved = s->strm.reserved;
    if (!s->strm.state) {
        g->state = NULL;     /* ended */
        htl_stream_free(s);
    } else {
        htl_stream_release(s);
    }
}

/* Copies a guest buffer of n bytes to host memory at *at. */
static Bytef *take(Bytef **at, const Bytef *guest, size_t n)
{
    Bytef *copy = *at;

    memcpy(copy, guest, n);
    *at += n;
    return copy;
}

bool htl_stream_header_in(HtlStream *s)
{
    gz_headerp g = s->set_head;
    gz_header h;
    int64_t name_len = 0, comm_len = 0;
    Bytef *bufs, *at;

    if (!htl_load(&h, g, sizeof(h)) ||
        (h.extra && !htl_readable(h.extra, h.extra_len)) ||
        (h.name && (name_len = htl_string_len(h.name)) < 0) ||
        (h.comment && (comm_len = htl_string_len(h.comment)) < 0)) {
        return false;
    }
    at = bufs = malloc((h.extra ? h.extra_len : 0) + name_len + comm_len + 2);
    if (!bufs) {
        return false;
    }
    if (h.extra) {
        h.extra = take(&at, h.extra, h.extra_len);
    }
    if (h.name) {
        h.name = take(&at, h.name, name_len + 1);
    }
    if (h.comment) {
        h.comment = take(&at, h.comment, comm_len + 1);
    }
    free(s->head_bufs);
    s->head_bufs = bufs;
    /* zlib keeps the header's address, which does not change: read once. */
    s->head = h;
    s->set_head = NULL;
    return true;
}

/* Copies up to n bytes of a host string, NUL included if it fits. */
static void put_string(Bytef *guest, const Bytef *host, uInt max)
{
    uInt n = 0;

    while (n < max && host[n]) {
        n++;
    }
    if (n < max) {
        n++;
    }
    if (htl_writable(guest, n)) {
        memcpy(guest, host, n);
    }
}

void htl_stream_header_out(HtlStream *s)
{
    gz_headerp g = s->get_head;
    const gz_header *h = &s->head;
    const gz_header *given = &s->given;

    if (!g || !htl_writable(g, sizeof(*g))) {
        return;
    }
    g->text = h->text;
    g->time = h->time;
    g->xflags = h->xflags;
    g->os = h->os;
    g->extra_len = h->extra_len;
    g->hcrc = h->hcrc;
    g->done = h->done;
    if (given->extra && h->extra) {
        uInt n = h->extra_len < h->extra_max ? h->extra_len : h->extra_max;

        if (htl_writable(given->extra, n)) {
            memcpy(given->extra, h->extra, n);
        }
    }
    if (given->name && h->name) {
        put_string(given->name, h->name, h->name_max);
    }
    if (given->comment && h->comment) {
        put_string(given->comment, h->comment, h->comm_max);
    }
    if (h->done) {
        s->get_head = NULL;   /* zlib is done with it */
    }
}

/*
 * gzFiles open on the host: an open-addressing set of their addresses,
 * under a lock (gz calls do I/O; the lock is not what they wait for).
 */
#define GZ_SLOTS 8192
#define GZ_MAX (GZ_SLOTS / 2)
#define GZ_TOMB ((gzFile)(uintptr_t)1)

typedef struct GzSlot {
    gzFile file;
    bool busy;
} GzSlot;

static GzSlot gz_slots[GZ_SLOTS];
static int gz_count;
static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned gz_hash(gzFile file)
{
    return (unsigned)(((uintptr_t)file >> 4) * 0x9e3779b97f4a7c15ULL >> 40) %
           GZ_SLOTS;
}

/* The file's slot, or NULL. Under gz_lock. */
static GzSlot *gz_find(gzFile file)
{
    unsigned i = gz_hash(file);

    for (int n = 0; n < GZ_SLOTS && gz_slots[i].file; n++) {
        if (gz_slots[i].file == file) {
            return &gz_slots[i];
        }
        i = (i + 1) % GZ_SLOTS;
    }
    return NULL;
}

bool htl_gz_add(gzFile file)
{
    unsigned i = gz_hash(file);
    bool added = false;

    pthread_mutex_lock(&gz_lock);
    if (gz_count < GZ_MAX && !gz_find(file)) {
        while (gz_slots[i].file && gz_slots[i].file != GZ_TOMB) {
            i = (i + 1) % GZ_SLOTS;
        }
        gz_slots[i] = (GzSlot){ file, false };
        gz_count++;
        added = true;
    }
    pthread_mutex_unlock(&gz_lock);
    return added;
}

bool htl_gz_enter(gzFile file)
{
    GzSlot *slot;
    bool ok = false;

    if (!file || file == GZ_TOMB) {
        return false;
    }
    pthread_mutex_lock(&gz_lock);
    slot = gz_find(file);
    if (slot && !slot->busy) {
        slot->busy = true;
        ok = true;
    }
    pthread_mutex_unlock(&gz_lock);
    return ok;
}

void htl_gz_leave(gzFile file)
{
    GzSlot *slot;

    pthread_mutex_lock(&gz_lock);
    slot = gz_find(file);
    if (slot) {
        slot->busy = false;
    }
    pthread_mutex_unlock(&gz_lock);
}

void htl_gz_remove(gzFile file)
{
    GzSlot *slot;

    pthread_mutex_lock(&gz_lock);
    slot = gz_find(file);
    if (slot) {
        slot->file = GZ_TOMB;
        slot->busy = false;
        gz_count--;
    }
    pthread_mutex_unlock(&gz_lock);
}
