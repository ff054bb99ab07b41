/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adaptive dispatch: for the SIZED functions of the spec, the smallest size
 * at which a host call beats the guest's own code under qemu-user, per
 * guest architecture. Below it the GTL runs the guest's zlib, inlined into
 * the exported function (gtl_sized.c): a host round trip costs more than
 * emulating so little work.
 *
 * Measured on the project's 2-core machine, quiet (load under 1), with
 * Debian's qemu-user 7.2 and the gate transport: the guest's own zlib
 * emulated against the GTL with every call on the host
 * (PASSTHROUGH_DISPATCH=host), ns per call, best of 3 interleaved rounds
 * of bench/crossover.c -g 2 (spread within 1-6%), around the threshold:
 *
 *            crc32 emulated/host                 adler32 emulated/host
 *   x86_64    32 B  88/99    64 B 149/152       64 B  64/62   128 B 104/77
 *            128 B 177/134                     (64 B: 70 vs 65 in another
 *                                               run: within the noise)
 *   aarch64   32 B 109/114   64 B 203/168       64 B  54/72   128 B  87/86
 *   riscv64   64 B 104/164  128 B 156/146      256 B 108/113  512 B 191/174
 *
 * (A first set, taken on a loaded machine, put x86_64 crc32 at 32 B and
 * riscv64 adler32 at 256 B; the powers-of-4 sweep of //bench:crossover
 * then found those sizes 7-11% slower with passthrough than emulated.)
 * A size within the noise of the break-even stays in the guest, where the
 * inlined code costs no more than the emulated zlib.
 *
 * Except riscv64's adler32 from 128 B: there the inlined code, the same
 * instructions as the guest zlib's loop, ran 5-16% slower than it (a
 * difference in how QEMU placed the two; two full sweeps and two -g 2 runs
 * on another machine, 2026-12-01: 256 B emulated 143-161, inlined 163-173,
 * host 132-155 ns), while the host already won at 256 B. So riscv64's
 * adler32 goes to the host from 256 B, not 512. The thresholds:
 *
 *             crc32   adler32
 *   x86_64     128      128
 *   aarch64     64      128
 *   riscv64    128      256
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
#define GTL_MIN_HOST_ADLER32 256
#else
#error "no dispatch thresholds for this guest architecture"
#endif

#endif
