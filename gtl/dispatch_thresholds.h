/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adaptive dispatch: for the SIZED functions of the spec, the smallest size
 * at which a host call beats the guest's own code under qemu-user, per
 * guest architecture. Below it the GTL runs the guest's zlib: a host round
 * trip costs more than emulating so little work.
 *
 * Measured on the project's 2-core machine with Debian's qemu-user 7.2
 * (gate transport): the size where a host call costs what emulation does
 * (bazel run //bench:crossover, results/crossover_sizes.tsv, and a
 * power-of-two sweep), rounded up to a power of two for margin. Both runs
 * were on a loaded machine; they agree within a factor of two.
 *
 *             crc32   adler32
 *   x86_64      64       64
 *   aarch64     32       64
 *   riscv64    128      256
 */
#ifndef PASSTHROUGH_DISPATCH_THRESHOLDS_H
#define PASSTHROUGH_DISPATCH_THRESHOLDS_H

#if defined(__x86_64__)
#define GTL_MIN_HOST_CRC32 64
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
