/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How HTL entries touch guest memory: every pointer the guest hands over
 * is checked through the plugin's PtHtlHostApi before the host uses it,
 * and values are copied out of guest memory once, so another guest thread
 * rewriting them cannot make the host use what was not checked.
 *
 * Until the plugin binds the API (an HTL loaded by something else), every
 * check fails: entries refuse rather than trust.
 */
#ifndef HTL_GUEST_ACCESS_H
#define HTL_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "passthrough_htl_api.h"

#define HTL_EXPORT __attribute__((visibility("default")))
#define HTL_HIDDEN __attribute__((visibility("hidden")))

extern HTL_HIDDEN const PtHtlHostApi *htl_api;

static inline uint64_t htl_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* n bytes at p readable (n == 0: nothing is touched, any p will do). */
static inline bool htl_readable(const void *p, uint64_t n)
{
    return n == 0 || (htl_api && htl_api->check(htl_addr(p), n, PT_HTL_READ));
}

static inline bool htl_writable(const void *p, uint64_t n)
{
    return n == 0 ||
           (htl_api && htl_api->check(htl_addr(p), n,
                                      PT_HTL_READ | PT_HTL_WRITE));
}

/* The length of a readable NUL-terminated string, or -1. */
static inline int64_t htl_string_len(const void *s)
{
    return htl_api ? htl_api->check_string(htl_addr(s), UINT64_MAX) : -1;
}

static inline bool htl_string(const void *s)
{
    return htl_string_len(s) >= 0;
}

/* Copies n bytes in from guest memory, if readable. */
static inline bool htl_load(void *dst, const void *guest, size_t n)
{
    if (!htl_readable(guest, n)) {
        return false;
    }
    if (n) {
        memcpy(dst, guest, n);   /* guest may be NULL when n is 0 */
    }
    return true;
}

/* Copies n bytes out to guest memory, if writable. */
static inline bool htl_store(void *guest, const void *src, size_t n)
{
    if (!htl_writable(guest, n)) {
        return false;
    }
    if (n) {
        memcpy(guest, src, n);
    }
    return true;
}

/* size * n, or UINT64_MAX if it overflows (no mapping is that large). */
static inline uint64_t htl_mul(uint64_t size, uint64_t n)
{
    uint64_t r;

    return __builtin_mul_overflow(size, n, &r) ? UINT64_MAX : r;
}

/* Whether [p, p + n) and [q, q + m), both checked, share no byte: an
 * output the library must not write over an input it reads. */
static inline bool htl_apart(const void *p, size_t n, const void *q,
                             size_t m)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;

    return !n || !m || a + n <= b || b + m <= a;
}

/* The plugin's stats count calls refused for a bad pointer or object. */
static inline void htl_refused(void)
{
    if (htl_api) {
        htl_api->refused();
    }
}

/*
 * Check kinds, used in the spec's checks column (libs/zlib/spec.h); each
 * expands to one more condition of an entry's `ok = true CK_... ;`.
 */
#define CK_R(p, n) && htl_readable((p), (n))
#define CK_R0(p, n) && (!(p) || htl_readable((p), (n)))
#define CK_W(p, n) && htl_writable((p), (n))
#define CK_W0(p, n) && (!(p) || htl_writable((p), (n)))
#define CK_S(p) && htl_string(p)
#define CK_S0(p) && (!(p) || htl_string(p))

#endif
