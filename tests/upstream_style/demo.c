/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest program for the upstream-style library: compressBound, compress2,
 * uncompress round trips, in the spirit of the proposal's demo. Prints
 * "expect <entry> <n>" per function (the test compares them with the
 * plugin's host call counts) and "PASS" if every check held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int main(void)
{
    static const size_t sizes[] = { 0, 1, 4096, 1 << 20, 8 << 20 };
    const int n_sizes = sizeof(sizes) / sizeof(sizes[0]);
    unsigned long bounds = 0, compressions = 0, uncompressions = 0;
    int failures = 0;

    for (int i = 0; i < n_sizes; i++) {
        size_t n = sizes[i];
        unsigned char *src = malloc(n + 1), *back = malloc(n + 1);
        uLong bound = compressBound(n);
        unsigned char *comp = malloc(bound);
        uLongf clen = bound, blen = n;
        uint64_t seed = 7 + i;
        int rc;

        bounds++;
        /* Half text-like, half pseudo-random: both paths of deflate. */
        for (size_t j = 0; j < n; j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            src[j] = j < n / 2 ? "passthrough "[j % 12] : (seed >> 56);
        }
        if (bound != n + (n >> 12) + (n >> 14) + (n >> 25) + 13) {
            printf("FAIL compressBound(%zu) = %lu\n", n, (unsigned long)bound);
            failures++;
        }
        rc = compress2(comp, &clen, src, n, 9);
        compressions++;
        if (rc != Z_OK) {
            printf("FAIL compress2(%zu): %d\n", n, rc);
            failures++;
        }
        rc = uncompress(back, &blen, comp, clen);
        uncompressions++;
        if (rc != Z_OK || blen != n || (n && memcmp(src, back, n))) {
            printf("FAIL uncompress(%zu): %d, %lu bytes\n", n, rc,
                   (unsigned long)blen);
            failures++;
        }
        printf("%zu bytes -> %lu -> %lu\n", n, (unsigned long)clen,
               (unsigned long)blen);
        free(src);
        free(back);
        free(comp);
    }
    printf("expect compressBound_HTL %lu\n", bounds);
    printf("expect compress2_HTL %lu\n", compressions);
    printf("expect uncompress_HTL %lu\n", uncompressions);
    if (failures) {
        return 1;
    }
    printf("PASS\n");
    return 0;
}
