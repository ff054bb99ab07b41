/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adaptive dispatch: for the SIZED functions of the spec, the smallest size
 * at which a host call beats the guest's own code under qemu-user, per
 * guest architecture. Below it the GTL runs the guest's zlib: a host round
 * trip costs more than emulating so little work.
 *
 * Measured on the project's 2-core machine with Debian's qemu-user 7.2
 * (gate transport), crossover of ns per call, emulated vs passthrough
 * (bench/crossover), rounded up to the next power of two for margin:
 *
 *             crc32   adler32
 *   x86_64     128      128
 *   aarch64     64      128
 *   riscv64    128      512
 */
#ifndef PASSTHROUGH_DISPATCH_THRESHOLDS_H
#define PASSTHROUGH_DISPATCH_THRESHOLDS_H

#if defined(__x86_64__)
#define GTL_MIN_HOST_CRC32 128
#define GTL_MIN_HOST_ADLER32 128
#elif defined(__aarch64__)
#define GTL_MIN_HOST_CRC32 64
#define GTL_MIN_HOST_ADLER32 128
#elif defined(__riscv) && __riscv_xlen == 64
#define GTL_MIN_HOST_CRC32 128
#define GTL_MIN_HOST_ADLER32 512
#else
#error "no dispatch thresholds for this guest architecture"
#endif

#endif
