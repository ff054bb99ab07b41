/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Access to guest memory that cannot crash QEMU. With guest_base == 0 a
 * guest address is the host address of the same byte; these go through
 * process_vm_readv/writev on our own pid, which answer EFAULT for an
 * unmapped (or, for writes, read-only) address instead of raising SIGSEGV.
 */
#ifndef PASSTHROUGH_GUEST_MEM_H
#define PASSTHROUGH_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Optional stricter view: whether [addr, addr + len) is guest memory at all
 * (readable, or writable if write). Without one, any host mapping counts,
 * which includes QEMU's own memory: see the README's note on pointer
 * checks. The fuzzer installs one that admits only its "guest" mapping.
 */
typedef bool (*PtGuestRangeCheck)(uint64_t addr, uint64_t len, bool write);
void pt_guest_mem_set_check(PtGuestRangeCheck check);

bool pt_guest_read(uint64_t addr, void *dst, size_t len);
bool pt_guest_write(uint64_t addr, const void *src, size_t len);

/*
 * Reads a NUL-terminated string of at most cap - 1 characters. Returns its
 * length, -EFAULT if unreadable, -ENAMETOOLONG if no NUL within cap.
 */
long pt_guest_read_str(uint64_t addr, char *dst, size_t cap);

#endif
