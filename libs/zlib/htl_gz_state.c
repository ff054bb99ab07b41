/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place the HTL reads zlib's internals: a gzFile's write buffer
 * size, which decides whether gzprintf writes a text at all. From Debian's
 * zlib source, the same release as the host's libz.so.1 (tools/setup.sh
 * fetches the installed version's); checked at run time.
 */
#include "zlib_src/gzguts.h"

#include <string.h>

#include "htl_objects.h"

unsigned htl_gz_write_size(gzFile file)
{
    if (strcmp(zlibVersion(), ZLIB_VERSION) != 0) {
        return 0;
    }
    return ((gz_statep)file)->size;
}
