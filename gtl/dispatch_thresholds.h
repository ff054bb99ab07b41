/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adaptive dispatch: for the SIZED functions of the spec, the smallest size
 * at which a host call beats the guest's own code under qemu-user, per
 * guest architecture. Below it the GTL runs the guest's zlib, inlined into
 * the exported function (libz_sized.c): a host round trip costs more than
 * emulating so little work.
 *
 * Measured on the project's 2-core machine with Debian's qemu-user 7.2
 * (gate transport): the GTL's guest path (no plugin: every size in the
 * guest) against its host path (PASSTHROUGH_DISPATCH=host), ns per call,
 * best of 7 interleaved runs of bench/crossover.c -g 2 (spread 2-9%), at
 * the sizes around the threshold:
 *
 *             crc32 guest/host               adler32 guest/host
 *   x86_64    16 B  46/51   32 B  83/82      32 B  39/38   64 B  61/45
 *   aarch64   16 B  53/58   32 B  98/87      32 B  35/41   64 B  51/48
 *   riscv64   64 B  97/145 128 B 149/127    128 B  59/63  256 B 101/94
 *
 * x86_64 crc32 at 32 B: the host was ahead by 2%, 8% and 9% in three such
 * runs, so from 32 B it goes there (it was 64); x86_64 adler32 at 32 B by
 * 3-4%, within the noise, so it stays in the guest.
 *
 * So the thresholds:
 *
 *             crc32   adler32
 *   x86_64      32       64
 *   aarch64     32       64
 *   riscv64    128      256
 */
#ifndef PASSTHROUGH_DISPATCH_THRESHOLDS_H
#define PASSTHROUGH_DISPATCH_THRESHOLDS_H

#if defined(__x86_64__)
#define GTL_MIN_HOST_CRC32 32
#define GTL_MIN_HOST_ADLER32 64
#elif defined(__aarch64__)
#define GTL_MIN_HOST_CRC32 32
#define GTL_MIN_HOST_ADLER32 64
#elif defined(__riscv) && __riscv_xlen == 64
#define GTL_MIN_HOST_CRC32 128
#define GTL_MIN_HOST_ADLER32 256
#else
#error "no dispatch thresholds for this guest architecture"
#endif

#endif
