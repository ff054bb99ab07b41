/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks of guest pointers for HTL entries (the PtHtlHostApi the plugin
 * hands every HTL): a pointer is good if the guest has memory mapped there
 * with the access asked for.
 *
 * The ranges come from guest_ranges.c, seeded from /proc/self/maps on the
 * first check (the guest's program, libraries and stack are mapped by
 * then) and kept current from the guest's memory syscalls, which the
 * plugin sees: what goes away is removed at syscall entry, what appears is
 * added at syscall return, and anything harder to follow (brk, shm, a
 * syscall that failed) makes the next check reload the table. Its "no" is
 * final while it has followed every change: a reload would also admit the
 * host's own new mappings (see guest_check.c). Each thread
 * remembers the last ranges it found, valid while the table is unchanged,
 * so the common check (arguments on the stack, a buffer on the heap) is a
 * few compares.
 *
 * What it cannot do: stop another guest thread from unmapping memory
 * between the check and its use by the host (the guest racing against
 * itself), or tell QEMU's own mappings from the guest's (qemu-user gives
 * the guest no isolation from them anyway; they are refused if not
 * mapped with the access asked for).
 */
#ifndef PASSTHROUGH_GUEST_CHECK_H
#define PASSTHROUGH_GUEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "passthrough_htl_api.h"

/* The API every HTL is bound to. */
const PtHtlHostApi *pt_guest_check_api(void);

/* Whether [addr, addr + len) is mapped with all of prot (PT_HTL_READ...). */
bool pt_guest_check(uint64_t addr, uint64_t len, int prot);
/* The string's length if it and its NUL are readable within max, else -1. */
int64_t pt_guest_check_string(uint64_t addr, uint64_t max);

/*
 * Optional stricter view of what is guest memory at all, asked before the
 * table (as pt_guest_mem_set_check is for the plugin's own accesses). The
 * fuzzer installs one that admits only its "guest" mapping.
 */
void pt_guest_check_set_filter(PtGuestRangeCheck filter);

/* Tests: where reloads read /proc/self/maps's text (NULL: there), a
 * g_malloc'd string. */
void pt_guest_check_set_maps_reader(char *(*reader)(void));

/* Calls HTLs refused for a bad pointer or object, so far. */
uint64_t pt_guest_check_refusals(void);
/* Checks an overflowed table left to a reload, which allowed them, so far
 * (stats). */
uint64_t pt_guest_check_misses(void);
/* Table reloads from /proc/self/maps, so far (stats): after memory
 * syscalls not followed exactly, and for an overflowed table. */
uint64_t pt_guest_check_reloads(void);

/*
 * Memory syscalls, from the syscall callbacks. Before the first check they
 * do nothing: the seed will see their effect.
 */
void pt_guest_check_unmap(uint64_t start, uint64_t len);
void pt_guest_check_map(uint64_t start, uint64_t len, int prot);
void pt_guest_check_protect(uint64_t start, uint64_t len, int prot);
/* At an mprotect's entry: access may only be lost until it returns. */
void pt_guest_check_narrow(uint64_t start, uint64_t len, int prot);
/* Something changed that is not followed exactly: reload before using. */
void pt_guest_check_stale(void);

#endif
