/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "objects.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (1u << HTL_CHUNK_BITS)
#define NO_RECORD UINT32_MAX
#define GEN_MASK 0x3fffffffULL
/* A handle's low word: the table's tag, then the index + 1. */
#define TAG_SHIFT 24
#define INDEX_MASK ((1ULL << TAG_SHIFT) - 1)

_Static_assert(HTL_MAX_CHUNKS * (1ULL << HTL_CHUNK_BITS) < INDEX_MASK,
               "an index + 1 fits below the tag");

static HtlTable *tables;
static uint32_t n_tags;
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;

static HtlObject *record(HtlTable *t, uint32_t index)
{
    char *chunk = (char *)__atomic_load_n(&t->chunks[index >> HTL_CHUNK_BITS],
                                          __ATOMIC_ACQUIRE);

    return chunk ? (HtlObject *)(chunk + (size_t)(index & (CHUNK_SIZE - 1)) *
                                             t->size)
                 : NULL;
}

/* Unloaded (the plugin never does; a test may): the tables go with it. */
__attribute__((destructor)) static void free_tables(void)
{
    for (HtlTable *t = tables; t; t = t->next) {
        for (int i = 0; i < HTL_MAX_CHUNKS && t->chunks[i]; i++) {
            free(t->chunks[i]);
            t->chunks[i] = NULL;
        }
        t->n_records = 0;
        t->free_head = NO_RECORD;
    }
}

/* A chunk of free records: marked in use, so no handle can claim one. */
static HtlObject *new_chunk(HtlTable *t)
{
    char *chunk = calloc(CHUNK_SIZE, t->size);

    if (!chunk) {
        return NULL;
    }
    for (uint32_t i = 0; i < CHUNK_SIZE; i++) {
        ((HtlObject *)(chunk + (size_t)i * t->size))->word = 1;
    }
    if (!t->tag) {
        /* Tables of one kind each: a handle of one names none in another
         * (wrapping after 255 tables, more than any library has). */
        pthread_mutex_lock(&tables_lock);
        __atomic_store_n(&t->tag, n_tags++ % 255 + 1, __ATOMIC_RELAXED);
        t->next = tables;
        tables = t;
        pthread_mutex_unlock(&tables_lock);
    }
    return (HtlObject *)chunk;
}

HtlObject *htl_object_new(HtlTable *t, void *guest)
{
    HtlObject *o = NULL;
    uint64_t gen;

    pthread_mutex_lock(&t->lock);
    if (t->free_head != NO_RECORD) {
        o = record(t, t->free_head);
        t->free_head = o->next_free;
    } else if (t->n_records < HTL_MAX_CHUNKS * CHUNK_SIZE) {
        uint32_t n = t->n_records;

        if (!t->chunks[n >> HTL_CHUNK_BITS]) {
            __atomic_store_n(&t->chunks[n >> HTL_CHUNK_BITS], new_chunk(t),
                             __ATOMIC_RELEASE);
        }
        o = record(t, n);
        if (o) {
            o->index = n;
            __atomic_store_n(&t->n_records, n + 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&t->lock);
    if (!o) {
        return NULL;
    }
    /* Still marked in use (free records are): claimed for the caller. */
    gen = __atomic_load_n(&o->word, __ATOMIC_RELAXED) >> 1;
    memset((char *)o + sizeof(*o), 0, t->size - sizeof(*o));
    o->guest = guest;
    o->blocks = 0;
    o->ga = false;
    o->ga_track = false;
    o->ga_held = NULL;
    o->ga_owed = NULL;
    o->tag = (uint8_t)t->tag;
    __atomic_store_n(&o->word, (gen << 1) | 1, __ATOMIC_RELAXED);
    return o;
}

void htl_object_free(HtlTable *t, HtlObject *o)
{
    uint64_t gen = ((__atomic_load_n(&o->word, __ATOMIC_RELAXED) >> 1) + 1) &
                   GEN_MASK;

    /* In use for good: old handles no longer match, none can claim it. */
    __atomic_store_n(&o->word, (gen << 1) | 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&t->lock);
    o->next_free = t->free_head;
    t->free_head = o->index;
    pthread_mutex_unlock(&t->lock);
}

uint64_t htl_object_handle(const HtlObject *o)
{
    uint64_t gen = __atomic_load_n(&o->word, __ATOMIC_RELAXED) >> 1;

    return PT_HANDLE_BIT | (o->ga ? PT_HANDLE_GA_BIT : 0) | (gen << 32) |
           ((uint64_t)o->tag << TAG_SHIFT) | ((uint64_t)o->index + 1);
}

HtlObject *htl_object_peek(HtlTable *t, uint64_t handle)
{
    uint64_t index = (handle & INDEX_MASK) - 1;

    if (!(handle & PT_HANDLE_BIT) || !(handle & INDEX_MASK) ||
        ((handle & 0xffffffffULL) >> TAG_SHIFT) !=
            __atomic_load_n(&t->tag, __ATOMIC_RELAXED) ||
        index >= __atomic_load_n(&t->n_records, __ATOMIC_ACQUIRE)) {
        return NULL;
    }
    return record(t, (uint32_t)index);
}

HtlObject *htl_object_claim(HtlTable *t, uint64_t handle)
{
    HtlObject *o = htl_object_peek(t, handle);
    uint64_t word = (((handle & ~PT_HANDLE_BIT) >> 32) & GEN_MASK) << 1;

    if (!o || !__atomic_compare_exchange_n(&o->word, &word, word | 1, false,
                                           __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED)) {
        return NULL;  /* forged, ended, or in a call on another thread */
    }
    return o;
}

HtlObject *htl_object_claim_shared(HtlTable *t, uint64_t handle)
{
    HtlObject *o = htl_object_peek(t, handle);
    uint64_t word = (((handle & ~PT_HANDLE_BIT) >> 32) & GEN_MASK) << 1;

    /* A free record looks claimed too: a forged handle waits a little. */
    for (int tries = 0; o && tries < 1000; tries++) {
        uint64_t now = word;

        if (__atomic_compare_exchange_n(&o->word, &now, word | 1, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            return o;
        }
        if (now != (word | 1)) {
            return NULL;   /* forged or ended */
        }
        sched_yield();     /* in a call on another thread */
    }
    return NULL;
}

void htl_object_release(HtlObject *o)
{
    uint64_t word = __atomic_load_n(&o->word, __ATOMIC_RELAXED);

    __atomic_store_n(&o->word, word & ~1ULL, __ATOMIC_RELEASE);
}
