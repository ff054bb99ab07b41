/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "htl_objects.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "thunk.h"

static HtlTable zstream_table = HTL_TABLE_INIT(ZStream);

#define ZS(member) HTL_FIELD(z_stream, member)

/* What a call takes in: the buffers and counters the guest may set. */
static const HtlField zstream_in[] = {
    ZS(next_in), ZS(avail_in), ZS(total_in), ZS(next_out), ZS(avail_out),
    ZS(total_out), ZS(data_type),
};
/* What it gives back. */
static const HtlField zstream_out[] = {
    ZS(next_in), ZS(avail_in), ZS(total_in), ZS(next_out), ZS(avail_out),
    ZS(total_out), ZS(msg), ZS(data_type), ZS(adler), ZS(reserved),
};
/* What an init set; its buffer fields stay as the guest set them. */
static const HtlField zstream_made[] = {
    ZS(total_in), ZS(total_out), ZS(adler), ZS(data_type),
};

static void zstream_drop(HtlObject *o)
{
    ZStream *s = (ZStream *)o;

    free(s->head_bufs);
    s->head_bufs = NULL;
}

const HtlStreamType zstream_type =
    HTL_STREAM_TYPE(&zstream_table, ZStream, z_stream, state, zstream_in,
                    zstream_out, zstream_made, false, zstream_drop);

/* Copies a guest buffer of n bytes to host memory at *at. */
static Bytef *take(Bytef **at, const Bytef *guest, size_t n)
{
    Bytef *copy = *at;

    memcpy(copy, guest, n);
    *at += n;
    return copy;
}

bool zstream_header_in(ZStream *s)
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

void zstream_header_out(ZStream *s)
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

/* Ends a call on a claimed file; and with `remove`, forgets the file. */
static void gz_release(gzFile file, bool remove)
{
    GzSlot *slot;

    pthread_mutex_lock(&gz_lock);
    slot = gz_find(file);
    if (slot) {
        slot->busy = false;
        if (remove) {
            slot->file = GZ_TOMB;
            gz_count--;
        }
    }
    pthread_mutex_unlock(&gz_lock);
}

void htl_gz_leave(gzFile file)
{
    gz_release(file, false);
}

void htl_gz_remove(gzFile file)
{
    gz_release(file, true);
}
