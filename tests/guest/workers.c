/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threaded guest test programs' workers (workers.h). */
#include "workers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_workers(void *(*fn)(void *), void *records, size_t size, int n)
{
    pthread_t *t = calloc(n, sizeof(*t));
    int started = 0, rc = t ? 0 : -1;

    memset(records, 0, size * n);
    for (; t && started < n; started++) {
        char *r = (char *)records + started * size;

        memcpy(r, &started, sizeof(started));
        if (pthread_create(&t[started], NULL, fn, r)) {
            printf("FAIL: pthread_create\n");
            rc = -1;
            break;
        }
    }
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
    }
    free(t);
    return rc;
}

unsigned long sum_workers(const void *records, size_t size, int n,
                          size_t calls_at, size_t wrong_at,
                          unsigned long *totals, int n_entries)
{
    unsigned long wrong = 0, w;

    for (int i = 0; i < n; i++) {
        const char *r = (const char *)records + i * size;

        for (int e = 0; e < n_entries; e++) {
            unsigned long c;

            memcpy(&c, r + calls_at + e * sizeof(c), sizeof(c));
            totals[e] += c;
        }
        memcpy(&w, r + wrong_at, sizeof(w));
        if (w) {
            printf("FAIL: thread %d: %lu wrong results\n", i, w);
        }
        wrong += w;
    }
    return wrong;
}

void print_expects(const char *const *names, const unsigned long *totals,
                   int n_entries)
{
    for (int e = 0; e < n_entries; e++) {
        printf("expect %s_HTL %lu\n", names[e], totals[e]);
    }
}

unsigned long run_counted_workers(void *(*fn)(void *), void *records,
                                  size_t size, int n, size_t calls_at,
                                  size_t wrong_at, const char *const *names,
                                  unsigned long *totals, int n_entries)
{
    unsigned long wrong;

    if (run_workers(fn, records, size, n)) {
        exit(1);
    }
    wrong = sum_workers(records, size, n, calls_at, wrong_at, totals,
                        n_entries);
    print_expects(names, totals, n_entries);
    return wrong;
}
