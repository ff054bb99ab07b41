/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call-overhead benchmark, guest side (also run natively on the host).
 * Prints "result NAME NS_PER_CALL" for:
 *   empty     a call of an empty function of this program's
 *   crc32_16  crc32() over 16 bytes, through whichever libz.so.1 is loaded
 *   htl_nop   an empty host entry through the plugin's transport (gate or
 *             syscall, as PASSTHROUGH_TRANSPORT says), when there is a plugin
 */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "measure.h"
#include "transport.h"

__attribute__((noinline, noipa)) static void empty(void)
{
    __asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
    long scale = argc > 1 ? atol(argv[1]) : 1;
    unsigned char buf[16] = "0123456789abcdef";
    volatile uLong sink = 0;

    MEASURE("empty", 3, 4000000 * scale, empty());
    MEASURE("crc32_16", 3, 1000000 * scale, sink += crc32(0, buf, 16));

    if (gtl_transport_init() != GTL_NONE) {
        int64_t handle, token;
        int ret;
        void *args[1] = { NULL };

        if (gtl_control(PT_OP_LOAD_HTL, &handle,
                        (uint64_t)(uintptr_t)"libptbench.so", 0, 0, 0) ||
            gtl_control(PT_OP_DLSYM, &token, (uint64_t)handle,
                        (uint64_t)(uintptr_t)"nop_HTL", 0, 0)) {
            fprintf(stderr, "call_overhead: cannot load libptbench_HTL.so\n");
            return 1;
        }
        if (gtl_call((uint64_t)token, args, &ret) != PT_OK) {
            fprintf(stderr, "call_overhead: the nop entry failed\n");
            return 1;
        }
        printf("transport %s\n", gtl_transport == GTL_GATE ? "gate" : "syscall");
        MEASURE("htl_nop", 3, 1000000 * scale, gtl_call((uint64_t)token, args, &ret));
    }
    return (int)(sink & 0);
}
