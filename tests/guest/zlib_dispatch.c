/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test of the adaptive dispatcher: crc32 and adler32 on 1 byte stay
 * in the guest (a host round trip costs more), on 64 KiB they go to the
 * host. Every result is checked against a software CRC-32 / Adler-32; the
 * "expect" lines count only the calls that must reach the host.
 */
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

#include "soft_checksums.h"

#define SMALL_CALLS 1000
#define BIG_CALLS 50
#define BIG (64 * 1024)

int main(void)
{
    static unsigned char big[BIG];
    unsigned long wrong = 0;
    uint32_t big_crc, big_adler;

    for (int i = 0; i < BIG; i++) {
        big[i] = (unsigned char)(i * 131 + (i >> 9));
    }
    big_crc = soft_crc32(big, BIG);
    big_adler = soft_adler32(big, BIG);
    for (int i = 0; i < SMALL_CALLS; i++) {
        unsigned char b = (unsigned char)i;
        wrong += crc32(0, &b, 1) != soft_crc32(&b, 1);
        wrong += adler32(1, &b, 1) != soft_adler32(&b, 1);
        wrong += crc32_z(0, &b, 1) != soft_crc32(&b, 1);
    }
    for (int i = 0; i < BIG_CALLS; i++) {
        wrong += crc32(0, big, BIG) != big_crc;
        wrong += adler32(1, big, BIG) != big_adler;
        wrong += crc32_z(0, big, BIG) != big_crc;
    }
    printf("expect crc32_HTL %d\n", BIG_CALLS);
    printf("expect adler32_HTL %d\n", BIG_CALLS);
    printf("expect crc32_z_HTL %d\n", BIG_CALLS);
    printf("%lu wrong\n%s\n", wrong, wrong ? "FAIL" : "PASS");
    return wrong != 0;
}
