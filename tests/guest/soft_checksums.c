/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "soft_checksums.h"

uint32_t soft_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        }
    }
    return ~c;
}

uint32_t soft_adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;

    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

/* CRC-64/XZ: reflected, polynomial 0x42f0e1eba9ea3693. */
uint64_t soft_crc64(const unsigned char *p, size_t n)
{
    uint64_t c = ~0ULL;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xc96c5795d7870f42ULL & -(c & 1));
        }
    }
    return ~c;
}
