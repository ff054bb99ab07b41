/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest test programs' CHECK(cond, fmt, ...): a condition that does
 * not hold prints "FAIL file:line: message" and counts in the program's
 * own `failures` (a static int each program defines).
 */
#ifndef PASSTHROUGH_TEST_CHECK_H
#define PASSTHROUGH_TEST_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            printf("\n");                                 \
            failures++;                                   \
        }                                                 \
    } while (0)

#endif
