/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What checking guest pointers costs per host call, on the host alone (no
 * QEMU, so nothing else is in the figure): libz_HTL.so bound to the
 * plugin's checks, as the plugin binds it. Prints "result NAME NS":
 *   check_hit      one pt_guest_check() of a buffer in a range this thread
 *                  found before (the common case: stack, heap)
 *   check_miss     one that has to search the table (another range each
 *                  time)
 *   crc32_direct   host crc32() of 16 bytes, called directly
 *   crc32_entry    the same through crc32_HTL: six checks (the args array,
 *                  three argument slots, the buffer, the result's slot),
 *                  the loads and the store
 * usage: check_cost PATH_TO_libz_HTL.so
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <zlib.h>

#include "guest_check.h"
#include "measure.h"

#define N_MAPS 64

int main(int argc, char **argv)
{
    typedef void (*Entry)(void **args, void *ret);
    unsigned char buf[16] = "0123456789abcdef";
    volatile uLong sink = 0;
    volatile int ok = 0;
    unsigned char *maps[N_MAPS];
    void *dl;
    Entry crc;
    PtHtlBindFn bind;

    if (argc < 2 || !(dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
        fprintf(stderr, "usage: check_cost PATH_TO_libz_HTL.so\n");
        return 2;
    }
    bind = (PtHtlBindFn)dlsym(dl, PT_HTL_BIND_SYMBOL);
    crc = (Entry)dlsym(dl, "crc32_HTL");
    if (!bind || !crc || bind(pt_guest_check_api()) != 0) {
        fprintf(stderr, "check_cost: %s is not a checking HTL\n", argv[1]);
        return 2;
    }
    /* Separate mappings (alternating protections keep them apart). */
    for (int i = 0; i < N_MAPS; i++) {
        maps[i] = mmap(NULL, 4096, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    MEASURE("check_hit", 5, 10000000,
            ok += pt_guest_check((uintptr_t)buf, 16, PT_HTL_READ));
    MEASURE("check_miss", 5, 10000000,
            ok += pt_guest_check((uintptr_t)maps[i % N_MAPS], 16,
                                 PT_HTL_READ));
    MEASURE("crc32_direct", 5, 10000000, sink += crc32(0, buf, 16));
    {
        uLong seed = 0, ret;
        const unsigned char *p = buf;
        unsigned len = 16;
        void *args[] = { &seed, &p, &len };

        MEASURE("crc32_entry", 5, 10000000, (crc(args, &ret), sink += ret));
    }
    return ok > 0 && sink ? 0 : 1;
}
