/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers the benchmark guest programs share: a clock, and what a
 * program can say about where its zlib calls run, so the runner can check
 * that each configuration really runs what it claims.
 */
#ifndef PASSTHROUGH_BENCH_UTIL_H
#define PASSTHROUGH_BENCH_UTIL_H

/*
 * The clock in seconds: by default the calling thread's CPU time (user and
 * system, CLOCK_THREAD_CPUTIME_ID; under qemu-user the host thread that
 * runs the guest thread, host calls included), so that other work on a
 * shared machine does not count; or the monotonic wall clock.
 */
double bench_now(void);

/* Picks the clock: "cpu" or "wall". Returns 0, or -1 for another name. */
int bench_set_clock(const char *name);

/* The clock's name, for the output. */
const char *bench_clock_name(void);

/*
 * The options every benchmark program takes: -r REPS, -b BUDGET_MS and
 * -k cpu|wall. 1 if opt was one of them, 0 if not; -1 (said on stderr)
 * for a clock it does not know.
 */
int bench_common_option(int opt, const char *arg, int *reps,
                        double *budget_ms);

/* Host calls the plugin has served so far, or -1 without a plugin. */
long long bench_host_calls(void);

/*
 * Prints the lines the runners check: "zlib VERSION", "lib PATH" (the file
 * that provides compress2 in this process) and "host_calls N" (-1: no
 * plugin answered).
 */
void bench_print_origin(void);

/*
 * The zlib calls this program made, per function: the runner compares them
 * with the plugin's host-call counts.
 */
typedef enum BenchFunc {
    BENCH_COMPRESS2,
    BENCH_UNCOMPRESS,
    BENCH_DEFLATE,
    BENCH_INFLATE,
    BENCH_INFLATE_RESET,
    BENCH_CRC32,
    BENCH_ADLER32,
    BENCH_NFUNCS,
} BenchFunc;

extern unsigned long long bench_calls[BENCH_NFUNCS];

/* Prints "calls NAME N" for each function called at least once. */
void bench_print_calls(void);

#endif
