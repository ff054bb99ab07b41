/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the plugin offers the host thunk libraries it loads: checks of guest
 * memory, so an HTL entry can refuse a bad guest pointer with an error
 * return instead of faulting inside QEMU.
 *
 * An HTL that wants them exports PT_HTL_BIND_SYMBOL; the plugin calls it
 * once, right after loading the library and before any entry runs. HTLs in
 * the upstream proposal's style, without it, load and run as before.
 */
#ifndef PASSTHROUGH_HTL_API_H
#define PASSTHROUGH_HTL_API_H

#include <stdbool.h>
#include <stdint.h>

#define PT_HTL_API_VERSION 1

/* Accesses to check, as PROT_READ / PROT_WRITE. */
#define PT_HTL_READ 0x1
#define PT_HTL_WRITE 0x2

typedef struct PtHtlHostApi {
    int version;              /* PT_HTL_API_VERSION */
    /*
     * Whether every byte of [addr, addr + len) is guest memory mapped with
     * all of prot. len == 0 is always true (nothing is touched).
     */
    bool (*check)(uint64_t addr, uint64_t len, int prot);
    /*
     * The length of the NUL-terminated string at addr if it and its NUL are
     * readable within max bytes, else -1.
     */
    int64_t (*check_string)(uint64_t addr, uint64_t max);
    /* Counts a call refused for a bad guest pointer or object (stats). */
    void (*refused)(void);
} PtHtlHostApi;

#define PT_HTL_BIND_SYMBOL "passthrough_htl_bind"

/* Returns 0 if the HTL accepts the API. */
typedef int (*PtHtlBindFn)(const PtHtlHostApi *api);

#endif
