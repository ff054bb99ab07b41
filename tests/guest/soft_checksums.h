/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference CRC-32, Adler-32 and CRC-64/XZ, computed bit by bit in the
 * guest test programs themselves, so zlib's and liblzma's results are
 * checked against something that is not them.
 */
#ifndef PASSTHROUGH_SOFT_CHECKSUMS_H
#define PASSTHROUGH_SOFT_CHECKSUMS_H

#include <stddef.h>
#include <stdint.h>

uint32_t soft_crc32(const unsigned char *p, size_t n);
uint32_t soft_adler32(const unsigned char *p, size_t n);
uint64_t soft_crc64(const unsigned char *p, size_t n);

#endif
