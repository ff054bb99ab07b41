/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference CRC-32 and Adler-32, computed bit by bit in the guest test
 * programs themselves, so zlib's results are checked against something
 * that is not zlib.
 */
#ifndef PASSTHROUGH_SOFT_CHECKSUMS_H
#define PASSTHROUGH_SOFT_CHECKSUMS_H

#include <stddef.h>
#include <stdint.h>

uint32_t soft_crc32(const unsigned char *p, size_t n);
uint32_t soft_adler32(const unsigned char *p, size_t n);

#endif
