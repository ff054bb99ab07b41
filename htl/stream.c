/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "stream.h"

#include <string.h>

/* The guest's struct, checked writable once at enter: the copies to and
 * from it stay within it. */
static void copy_fields(char *dst, const char *src, const HtlField *f, int n)
{
    for (int i = 0; i < n; i++) {
        memcpy(dst + f[i].offset, src + f[i].offset, f[i].size);
    }
}

static uint64_t field_value(const char *base, HtlField f)
{
    uint64_t v = 0;

    memcpy(&v, base + f.offset, f.size);   /* little-endian */
    return v;
}

HtlObject *htl_stream_new(const HtlStreamType *t, void *guest)
{
    uint64_t handle;
    HtlObject *o;

    if (!htl_writable(guest, t->size)) {
        return NULL;
    }
    if (t->reuse) {
        memcpy(&handle, (char *)guest + t->state.offset, sizeof(handle));
        o = htl_object_claim(t->table, handle);
        if (o && o->guest == guest) {
            return o;
        }
        if (o) {
            htl_object_release(o);
        }
    }
    return htl_object_new(t->table, guest);
}

void htl_stream_free(const HtlStreamType *t, HtlObject *o)
{
    if (t->drop) {
        t->drop(o);
    }
    htl_object_free(t->table, o);
}

void htl_stream_publish(const HtlStreamType *t, HtlObject *o, bool ok)
{
    char *g = o->guest, *h = htl_stream_host(t, o);
    uint64_t handle;
    bool reused;

    memcpy(&handle, g + t->state.offset, sizeof(handle));
    reused = !((handle ^ htl_object_handle(o)) & ~PT_HANDLE_GA_BIT);
    if (!ok && reused && field_value(h, t->state)) {
        /* A set-up that failed before it touched the stream it was given
         * (liblzma checks a preset or a flag first) leaves that stream as
         * it was, still the guest's: freeing the record would lose it. */
        htl_object_release(o);
        return;
    }
    if (!ok || !field_value(h, t->state)) {
        /* A reused record's handle goes with it (a new one's never was). */
        if (reused) {
            handle = 0;
            memcpy(g + t->state.offset, &handle, sizeof(handle));
        }
        htl_stream_free(t, o);
        return;
    }
    copy_fields(g, h, t->made, t->n_made);
    handle = htl_object_handle(o);
    memcpy(g + t->state.offset, &handle, sizeof(handle));
    htl_object_release(o);
}

uint64_t htl_stream_guest_handle(const HtlStreamType *t, const void *guest)
{
    uint64_t handle;

    if (!htl_load(&handle, (const char *)guest + t->state.offset,
                  sizeof(handle))) {
        return 0;
    }
    return handle;
}

HtlObject *htl_stream_enter(const HtlStreamType *t, void *guest)
{
    char copy[256];
    uint64_t handle;
    HtlObject *o;

    if (t->size > sizeof(copy) || !htl_writable(guest, t->size)) {
        return NULL;
    }
    /* Read once: another guest thread may be rewriting it. */
    memcpy(copy, guest, t->size);
    memcpy(&handle, copy + t->state.offset, sizeof(handle));
    o = htl_object_claim(t->table, handle);
    if (!o) {
        return NULL;
    }
    /* A copy of the struct is not the stream (the libraries say so too). */
    if (o->guest != guest) {
        htl_object_release(o);
        return NULL;
    }
    copy_fields(htl_stream_host(t, o), copy, t->in, t->n_in);
    return o;
}

bool htl_stream_buffers(const HtlStreamType *t, HtlObject *o)
{
    const char *h = htl_stream_host(t, o);
    uint64_t next_in = field_value(h, t->next_in);
    uint64_t next_out = field_value(h, t->next_out);

    return htl_readable((const void *)(uintptr_t)next_in,
                        field_value(h, t->avail_in)) &&
           htl_writable((void *)(uintptr_t)next_out,
                        field_value(h, t->avail_out));
}

void htl_stream_leave(const HtlStreamType *t, HtlObject *o)
{
    char *g = o->guest, *h = htl_stream_host(t, o);
    static const uint64_t none;

    copy_fields(g, h, t->out, t->n_out);
    if (!field_value(h, t->state)) {
        /* Ended. */
        memcpy(g + t->state.offset, &none, t->state.size);
        htl_stream_free(t, o);
    } else {
        htl_object_release(o);
    }
}
