/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The demo, in the spirit of the upstream proposal's: compress an 8 MiB
 * payload with compress2 at level 9, uncompress it, compare. An ordinary
 * zlib program linked against libz.so.1; it only also asks the plugin
 * (when there is one) how many calls ran on the host, to say whether
 * passthrough was used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bench_util.h"
#include "payload.h"

int main(void)
{
    unsigned char *src = malloc(PAYLOAD_SIZE);
    uLong bound = compressBound(PAYLOAD_SIZE);
    unsigned char *comp = malloc(bound);
    unsigned char *back = malloc(PAYLOAD_SIZE);
    uLongf comp_len = bound, back_len = PAYLOAD_SIZE;
    long long calls_before, calls_after;
    double t0, t1, t2;
    int rc;

    if (!src || !comp || !back) {
        fprintf(stderr, "demo: out of memory\n");
        return 1;
    }
    fill_payload(src, PAYLOAD_SIZE);
    bench_set_clock("wall");
    calls_before = bench_host_calls();

    t0 = bench_now();
    rc = compress2(comp, &comp_len, src, PAYLOAD_SIZE, 9);
    t1 = bench_now();
    if (rc != Z_OK) {
        fprintf(stderr, "demo: compress2 failed: %d\n", rc);
        return 1;
    }
    rc = uncompress(back, &back_len, comp, comp_len);
    t2 = bench_now();
    if (rc != Z_OK || back_len != PAYLOAD_SIZE ||
        memcmp(src, back, PAYLOAD_SIZE)) {
        fprintf(stderr, "demo: round trip FAILED (rc %d, %lu bytes)\n", rc,
                (unsigned long)back_len);
        return 1;
    }
    calls_after = bench_host_calls();

    printf("zlib %s: %u bytes -> %lu bytes (level 9)\n", zlibVersion(),
           PAYLOAD_SIZE, (unsigned long)comp_len);
    printf("compress2:  %8.1f ms\n", (t1 - t0) * 1e3);
    printf("uncompress: %8.1f ms\n", (t2 - t1) * 1e3);
    printf("total:      %8.1f ms\n", (t2 - t0) * 1e3);
    printf("round trip: OK\n");
    if (calls_before < 0) {
        printf("passthrough: no (no plugin; the guest's own zlib ran)\n");
    } else {
        printf("passthrough: %s (%lld host calls)\n",
               calls_after > calls_before ? "yes" : "no",
               calls_after - calls_before);
    }
    return 0;
}
