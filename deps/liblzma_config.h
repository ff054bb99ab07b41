/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h for liblzma built by Bazel from Debian's xz-utils source
 * (5.4.1 for Debian 12's guests, 5.8.1 for riscv64's), in place of the one
 * configure writes: the same choices as Debian's build (--enable-threads,
 * every filter, check and match finder), for a 64-bit little-endian
 * glibc guest with gcc. Only what liblzma's own sources test is here; the
 * xz tools are not built.
 *
 * Not here, so the build stays portable C: the CPU-specific CRC code
 * (x86 CLMUL, ARM64 CRC32 instructions) and the SSE2 memcmplen. They make
 * no difference to any result or exported symbol.
 *
 * Compiled with -include (xz_src.BUILD); PT_LZMA_FALLBACK picks the
 * fallback build: no symbol versions, everything hidden.
 */
#ifndef PT_LIBLZMA_CONFIG_H
#define PT_LIBLZMA_CONFIG_H

/* AC_USE_SYSTEM_EXTENSIONS: sched_getaffinity() and CPU_COUNT(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

/* Release build: liblzma's assert()s off, as configure does. */
#ifndef NDEBUG
#define NDEBUG 1
#endif

/* The C library and compiler (glibc, gcc 12). */
#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_BYTESWAP_H 1
#define HAVE_BSWAP_16 1
#define HAVE_BSWAP_32 1
#define HAVE_BSWAP_64 1
#define HAVE___BUILTIN_BSWAPXX 1
#define HAVE___BUILTIN_ASSUME_ALIGNED 1
#define SIZEOF_SIZE_T 8

/* configure enables this on x86 and on ARM64; not on riscv64 unless the
 * target says misaligned access is fast (gcc 12's riscv64 does not). */
#if defined(__x86_64__) || defined(__aarch64__)
#define TUKLIB_FAST_UNALIGNED_ACCESS 1
#endif

/* Threads (--enable-threads=posix). */
#define MYTHREAD_POSIX 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_CLOCK_MONOTONIC 1
#define HAVE_PTHREAD_CONDATTR_SETCLOCK 1
#define TUKLIB_CPUCORES_SCHED_GETAFFINITY 1

/* lzma_physmem(). */
#define TUKLIB_PHYSMEM_SYSCONF 1
#define ASSUME_RAM 128

/* Integrity checks: all, with liblzma's own SHA-256. */
#define HAVE_CHECK_CRC32 1
#define HAVE_CHECK_CRC64 1
#define HAVE_CHECK_SHA256 1

/* Every encoder and decoder (RISCV: 5.6 and later; ignored by 5.4). */
#define HAVE_ENCODERS 1
#define HAVE_ENCODER_LZMA1 1
#define HAVE_ENCODER_LZMA2 1
#define HAVE_ENCODER_X86 1
#define HAVE_ENCODER_POWERPC 1
#define HAVE_ENCODER_IA64 1
#define HAVE_ENCODER_ARM 1
#define HAVE_ENCODER_ARMTHUMB 1
#define HAVE_ENCODER_ARM64 1
#define HAVE_ENCODER_SPARC 1
#define HAVE_ENCODER_RISCV 1
#define HAVE_ENCODER_DELTA 1
#define HAVE_DECODERS 1
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86 1
#define HAVE_DECODER_POWERPC 1
#define HAVE_DECODER_IA64 1
#define HAVE_DECODER_ARM 1
#define HAVE_DECODER_ARMTHUMB 1
#define HAVE_DECODER_ARM64 1
#define HAVE_DECODER_SPARC 1
#define HAVE_DECODER_RISCV 1
#define HAVE_DECODER_DELTA 1
#define HAVE_LZIP_DECODER 1
#define HAVE_MF_HC3 1
#define HAVE_MF_HC4 1
#define HAVE_MF_BT2 1
#define HAVE_MF_BT3 1
#define HAVE_MF_BT4 1

#ifdef PT_LZMA_FALLBACK
/* Inside a GTL: API functions hidden like the rest (-fvisibility=hidden),
 * no symbol versions (meaningless in an archive). */
#define HAVE_VISIBILITY 0
#else
/* liblzma.so.5: API functions visible, and the compatibility versions
 * Debian's has (lzma_get_progress@XZ_5.2.2 etc.) with liblzma_linux.map. */
#define HAVE_VISIBILITY 1
#define HAVE_SYMBOL_VERSIONS_LINUX 1
#endif

#endif /* PT_LIBLZMA_CONFIG_H */
