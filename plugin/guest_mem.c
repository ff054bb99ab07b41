/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static PtGuestRangeCheck range_check;

void pt_guest_mem_set_check(PtGuestRangeCheck check)
{
    range_check = check;
}

static bool transfer(uint64_t addr, void *local, size_t len, bool write)
{
    struct iovec l = { .iov_base = local, .iov_len = len };
    struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
    ssize_t n;

    if (len == 0) {
        return true;
    }
    if (addr == 0 || addr + len < addr) {
        return false;
    }
    if (range_check && !range_check(addr, len, write)) {
        return false;
    }
    n = write ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
              : process_vm_readv(getpid(), &l, 1, &r, 1, 0);
    return n == (ssize_t)len;
}

bool pt_guest_read(uint64_t addr, void *dst, size_t len)
{
    return transfer(addr, dst, len, false);
}

bool pt_guest_write(uint64_t addr, const void *src, size_t len)
{
    return transfer(addr, (void *)src, len, true);
}

long pt_guest_read_str(uint64_t addr, char *dst, size_t cap)
{
    const size_t page = 4096;
    size_t got = 0;

    /* Page by page, so a short string at the end of a mapping still reads. */
    while (got < cap) {
        size_t chunk = page - ((addr + got) % page);
        if (chunk > cap - got) {
            chunk = cap - got;
        }
        const char *nul;

        if (!pt_guest_read(addr + got, dst + got, chunk)) {
            return -EFAULT;
        }
        nul = memchr(dst + got, 0, chunk);
        if (nul) {
            return nul - dst;
        }
        got += chunk;
    }
    return -ENAMETOOLONG;
}
