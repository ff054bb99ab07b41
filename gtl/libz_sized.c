/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIZED functions of the spec (crc32, crc32_z, adler32, adler32_z):
 * work smaller than a per-guest threshold runs on the guest's own zlib,
 * where it is cheaper than a host round trip (dispatch_thresholds.h;
 * PASSTHROUGH_DISPATCH=host sends everything to the host).
 *
 * Below the threshold the GTL must cost no more than the guest's own zlib
 * under qemu-user, where a jump to another page and every return cost a
 * translation block lookup (qemu-user 7.2 chains blocks only within a
 * page). A wrapper that calls zlib's function pays two more than the
 * guest's own zlib does, and was 12-36% slower at 16 bytes. So zlib's
 * crc32.c and adler32.c are compiled here (with Z_PREFIX, and left out of
 * @zlib_src//:zlib_prefixed) and inlined into the exported functions,
 * which test the size and run the checksum in place: one lookup fewer
 * than the guest's own zlib, whose crc32 reaches crc32_z through its PLT.
 */
#define Z_PREFIX
/* As @zlib_src//:zlib_prefixed builds the rest of zlib. */
#define HAVE_HIDDEN

#include "crc32.c"
#include "adler32.c"

/* Z_PREFIX renamed these to z_*: here they are the GTL's exports. A SIZED
 * function not listed here would define zlib's z_* again: no build. */
#undef crc32
#undef crc32_z
#undef adler32
#undef adler32_z

#include "libz_gtl.h"

#include "dispatch_thresholds.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Until gtl_dispatch_init (no transport: never), all on the guest. */
static size_t min_host_size[GTL_N_ENTRIES] = {
#define GTL_GUEST_ONLY(ret_t, name, ...) [GTL_ID_##name] = SIZE_MAX,
    ZLIB_SIZED(GTL_GUEST_ONLY)
#undef GTL_GUEST_ONLY
};

/*
 * The host call takes the arguments' addresses: in the exported function
 * that would spill them and keep a frame on every call, so it is a
 * function of its own, and the exported one (flatten: zlib's code inlined,
 * not called) only tests the size. The two share a section, 2 KiB-aligned
 * (the asm comes first in the object), and are under 2 KiB together
 * (//tests:gtl_layout_*): they never straddle a page, and the jump from
 * one to the other chains.
 */
#define GTL_SIZED_SECTION(name) ".text.gtl_sized." #name
#define GTL_WRAP_SIZED(ret_t, name, n, types, err, size, ...)     \
    __asm__(".pushsection " GTL_SIZED_SECTION(name)               \
            ",\"ax\",@progbits\n\t.balign 2048\n\t.popsection"); \
    static __attribute__((noinline, section(GTL_SIZED_SECTION(name)))) \
    ret_t name##_host(PT_PARAMS_##n types)                        \
    {                                                             \
        GTL_HOST_ELSE_GUEST(ret_t, name, n, types);               \
    }                                                             \
    GTL_EXPORT __attribute__((flatten, section(GTL_SIZED_SECTION(name)))) \
    ret_t name(PT_PARAMS_##n types)                               \
    {                                                             \
        if ((size_t)(size) >= min_host_size[GTL_ID_##name]) {     \
            return name##_host(PT_NAMES_##n types);               \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_SIZED(GTL_WRAP_SIZED)

void gtl_dispatch_init(void)
{
    const char *mode = getenv("PASSTHROUGH_DISPATCH");
    size_t crc = GTL_MIN_HOST_CRC32, adler = GTL_MIN_HOST_ADLER32;

    if (mode && !strcmp(mode, "host")) {
        crc = adler = 0;   /* every size to the host */
    } else if (mode && strcmp(mode, "adaptive")) {
        gtl_warn("PASSTHROUGH_DISPATCH=%s: expected adaptive or host; "
                 "using adaptive", mode);
    }
    min_host_size[GTL_ID_crc32] = crc;
    min_host_size[GTL_ID_crc32_z] = crc;
    min_host_size[GTL_ID_adler32] = adler;
    min_host_size[GTL_ID_adler32_z] = adler;
}
