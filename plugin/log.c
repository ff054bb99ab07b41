/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

bool pt_log_is_verbose;

void pt_log(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    /* One write, so lines from several guest threads do not interleave. */
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "passthrough: %s\n", line);
}
