/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-call timing for the micro-benchmarks (guest and host alike): runs a
 * statement n times, reps times over, and prints "result NAME NS_PER_CALL"
 * for the best run, the one least disturbed by other work on the machine.
 */
#ifndef PASSTHROUGH_BENCH_MEASURE_H
#define PASSTHROUGH_BENCH_MEASURE_H

#include <stdio.h>
#include <time.h>

static inline double measure_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define MEASURE(name, reps, n, body)                             \
    do {                                                         \
        double best = 1e30;                                      \
        for (int rep = 0; rep < (reps); rep++) {                 \
            double t0 = measure_now_ns();                        \
            for (long i = 0; i < (n); i++) {                     \
                body;                                            \
            }                                                    \
            double per = (measure_now_ns() - t0) / (n);          \
            best = per < best ? per : best;                      \
        }                                                        \
        printf("result %s %.2f\n", name, best);                  \
    } while (0)

#endif
