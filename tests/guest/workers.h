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

#endif
