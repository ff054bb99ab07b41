/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the guest test programs print and code: transcript lines, a hash
 * of output bytes, and inputs made the same way on every guest (text of
 * words or of a sentence, seeded random bytes).
 */
#ifndef PASSTHROUGH_TEST_DATA_H
#define PASSTHROUGH_TEST_DATA_H

#include <stddef.h>
#include <stdint.h>

/* One named input. */
typedef struct Input {
    const char *name;
    uint8_t *data;
    size_t len;
} Input;

/* FNV-1a of n bytes: output compared by hash, not printed. */
uint64_t fnv(const void *p, size_t n);

/* The next of a xorshift64 sequence kept in *state (not 0). */
uint64_t test_rand(uint64_t *state);

/*
 * A differential program's arguments, DIR [quick]: the scratch directory
 * in *dir and whether quick was asked; without DIR, its usage and exit
 * status 2. Its transcript is line-buffered from here: a crash must not
 * hide where it happened.
 */
void diff_args(int argc, char **argv, const char **dir, int *quick);

/* One transcript line: printf's format and a newline. */
void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* n bytes of words and spaces (compressible), and n seeded random bytes
 * (not); malloc'd, with a byte to spare. */
uint8_t *make_text(size_t n);
uint8_t *make_random(size_t n, uint64_t seed);

/* The same into p: seeded random bytes, and a sentence over and over. */
void fill_random(uint8_t *p, size_t n, uint64_t seed);
void fill_text(uint8_t *p, size_t n);

/*
 * A guest allocator for the transcript: it writes each call as it
 * happens, names blocks by the order it gave them, checks the opaque it is
 * handed, and can refuse its n-th request, so that passthrough must ask it
 * for the same blocks at the same moments as the library does.
 */
#define POOL_BLOCKS 512

typedef struct Pool {
    uint32_t magic;
    int calls, refuse_at, given, live;
    void *blocks[POOL_BLOCKS];
} Pool;

/* Empty, refusing request refuse_at (0: none). */
void pool_init(Pool *p, int refuse_at);
/* A block of `bytes` for the pool `opaque`, its request named `what` in
 * the transcript; and one given back (NULL: logged as such). */
void *pool_give(void *opaque, size_t bytes, const char *what);
void pool_take(void *opaque, void *block);

/*
 * A counting allocator (its opaque a Counts: malloc's blocks), for
 * libraries whose worker threads call it too: the counts are atomic.
 */
typedef struct Counts {
    long allocs, frees;
} Counts;

void *counted_alloc(void *opaque, size_t size);
/* A block given back (NULL: not counted). */
void counted_free(void *opaque, void *block);

#endif
