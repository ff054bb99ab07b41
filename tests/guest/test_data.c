/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest test programs' transcript and inputs (test_data.h). */
#include "test_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t fnv(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 0x100000001b3ULL;
    }
    return h;
}

void diff_args(int argc, char **argv, const char **dir, int *quick)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [quick]\n", argv[0]);
        exit(2);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    *dir = argv[1];
    *quick = argc > 2 && !strcmp(argv[2], "quick");
}

void emit(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

uint64_t test_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

uint8_t *make_text(size_t n)
{
    static const char *const words[] = {
        "the", "emulator", "runs", "guest", "code", "while", "host", "library",
        "compresses", "buffers", "in", "place", "of", "a", "window",
    };
    uint8_t *p = malloc(n + 1);
    uint64_t x = 88172645463325252ULL;
    size_t i = 0;

    while (i < n) {
        const char *w;

        test_rand(&x);
        w = words[x % 15];
        while (*w && i < n) {
            p[i++] = (uint8_t)*w++;
        }
        if (i < n) {
            p[i++] = x % 13 ? ' ' : '\n';
        }
    }
    return p;
}

void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (uint8_t)(seed >> 56);
    }
}

uint8_t *make_random(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n + 1);

    fill_random(p, n, seed);
    return p;
}

void fill_text(uint8_t *p, size_t n)
{
    static const char text[] = "It is a truth universally acknowledged, that "
        "a single emulator in possession of a good host must be in want of "
        "a native library. ";

    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)text[i % (sizeof(text) - 1)];
    }
}

#define POOL_MAGIC 0x706f6f6cu

void pool_init(Pool *p, int refuse_at)
{
    memset(p, 0, sizeof(*p));
    p->magic = POOL_MAGIC;
    p->refuse_at = refuse_at;
}

void *pool_give(void *opaque, size_t bytes, const char *what)
{
    Pool *p = opaque;
    void *b;

    if (!p || p->magic != POOL_MAGIC) {
        emit("  alloc: wrong opaque");
        return NULL;
    }
    p->calls++;
    if (p->calls == p->refuse_at || p->given == POOL_BLOCKS) {
        emit("  alloc %s: refused", what);
        return NULL;
    }
    b = malloc(bytes > 0 ? bytes : 1);
    p->blocks[p->given] = b;
    emit("  alloc %s: block %d", what, p->given++);
    p->live++;
    return b;
}

void pool_take(void *opaque, void *block)
{
    Pool *p = opaque;
    int i = 0;

    if (!p || p->magic != POOL_MAGIC) {
        emit("  free: wrong opaque");
        return;
    }
    if (!block) {
        emit("  free NULL");
        return;
    }
    while (i < p->given && p->blocks[i] != block) {
        i++;
    }
    if (i == p->given) {
        emit("  free: a block this pool never gave");
        return;
    }
    emit("  free block %d", i);
    p->blocks[i] = NULL;
    p->live--;
    free(block);
}

void *counted_alloc(void *opaque, size_t size)
{
    __atomic_add_fetch(&((Counts *)opaque)->allocs, 1, __ATOMIC_RELAXED);
    return malloc(size);
}

void counted_free(void *opaque, void *block)
{
    if (block) {
        __atomic_add_fetch(&((Counts *)opaque)->frees, 1, __ATOMIC_RELAXED);
    }
    free(block);
}
