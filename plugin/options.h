/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's key=value arguments. */
#ifndef PASSTHROUGH_OPTIONS_H
#define PASSTHROUGH_OPTIONS_H

#include <stdbool.h>

typedef enum PtStatsMode {
    PT_STATS_OFF,
    PT_STATS_STDERR,
    PT_STATS_FILE,
} PtStatsMode;

/* Which callback serves the magic syscall. */
typedef enum PtControlPath {
    PT_CONTROL_DEFAULT,   /* the filter where the plugin build has it */
    PT_CONTROL_FILTER,    /* syscall filter: results as syscall values */
    PT_CONTROL_ENTRY,     /* syscall-entry callback: reply block only */
} PtControlPath;

typedef struct PtOptions {
    char *htl_dir;        /* required: where lib<name>_HTL.so live */
    bool verbose;         /* log every refused request */
    bool gate;            /* serve the gate (default on) */
    PtControlPath control;
    PtStatsMode stats;
    char *stats_path;     /* with PT_STATS_FILE */
} PtOptions;

/*
 * Parses QEMU's plugin argv (each "key=value"). On failure returns false
 * and sets *error to a one-line message the caller frees.
 */
bool pt_options_parse(PtOptions *opts, int argc, char **argv, char **error);
void pt_options_clear(PtOptions *opts);

#endif
