/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIZED functions of the spec (crc32, crc32_z, adler32, adler32_z):
 * work smaller than a per-guest threshold runs on the guest's own zlib,
 * where it is cheaper than a host round trip (dispatch_thresholds.h;
 * PASSTHROUGH_DISPATCH=host sends everything to the host; wrap.h's
 * GTL_WRAP_SIZED).
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

#define GTL_ROWS_SIZED_ONLY
#include "gtl.h"

#include <stddef.h>
#include <stdint.h>

/* Here the SIZED rows are made (wrap.h), the others in gtl.c. */
GTL_SIZED_TABLE(ZLIB_FUNCTIONS, gtl_sized_init)

ZLIB_FUNCTIONS(GTL_WRAP)
