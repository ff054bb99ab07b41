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
