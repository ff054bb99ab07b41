/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The threaded guest test programs' workers: n threads, each given its
 * own record of an array (zeroed, its first member an int id).
 */
#ifndef PASSTHROUGH_TEST_WORKERS_H
#define PASSTHROUGH_TEST_WORKERS_H

#include <stddef.h>

/*
 * Runs fn in n threads, thread i given (char *)records + i * size, whose
 * leading int is set to i, and waits for all of them. 0, or -1 (a FAIL
 * line printed) if a thread could not start.
 */
int run_workers(void *(*fn)(void *), void *records, size_t size, int n);

/*
 * Then: each record's calls (n_entries counts, by entry, at offset
 * calls_at) added to totals, and a FAIL line for each record whose
 * count of wrong results (at offset wrong_at) is not 0; those counts,
 * summed.
 */
unsigned long sum_workers(const void *records, size_t size, int n,
                          size_t calls_at, size_t wrong_at,
                          unsigned long *totals, int n_entries);

/* "expect NAME_HTL n", entry by entry, for the test script to compare
 * with the plugin's stats. */
void print_expects(const char *const *names, const unsigned long *totals,
                   int n_entries);

/* The three in turn (exit status 1 if a thread could not start). */
unsigned long run_counted_workers(void *(*fn)(void *), void *records,
                                  size_t size, int n, size_t calls_at,
                                  size_t wrong_at, const char *const *names,
                                  unsigned long *totals, int n_entries);

/* run_counted_workers on an array of records (members calls and wrong),
 * with names and totals arrays of one entry each. */
#define RUN_COUNTED_WORKERS(fn, records, names, totals)                    \
    run_counted_workers(fn, records, sizeof((records)[0]),                \
                        (int)(sizeof(records) / sizeof((records)[0])),    \
                        offsetof(__typeof__((records)[0]), calls),        \
                        offsetof(__typeof__((records)[0]), wrong), names, \
                        totals, (int)(sizeof(totals) / sizeof((totals)[0])))

#endif
