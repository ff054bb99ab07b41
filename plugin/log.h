/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One-line messages from the plugin, prefixed "passthrough: ". */
#ifndef PASSTHROUGH_LOG_H
#define PASSTHROUGH_LOG_H

#include <stdbool.h>

extern bool pt_log_is_verbose;

void pt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Refused requests: logged only with verbose=on, as a guest controls them. */
#define pt_log_verbose(...)        \
    do {                           \
        if (pt_log_is_verbose) {   \
            pt_log(__VA_ARGS__);   \
        }                          \
    } while (0)

#endif
