/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The boolean spellings QEMU's own plugin options accept. */
static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", NULL };
    static const char *const no[] = { "off", "no", "false", NULL };

    for (int i = 0; yes[i]; i++) {
        if (!strcmp(v, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(v, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool pt_options_parse(PtOptions *opts, int argc, char **argv, char **error)
{
    memset(opts, 0, sizeof(*opts));
    opts->gate = true;
    *error = NULL;

    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        g_autofree char *key = NULL;
        const char *val;
        bool b;

        if (!eq) {
            *error = g_strdup_printf("argument '%s' is not key=value", argv[i]);
            goto fail;
        }
        key = g_strndup(argv[i], eq - argv[i]);
        val = eq + 1;

        if (!strcmp(key, "htl_dir")) {
            g_free(opts->htl_dir);
            opts->htl_dir = g_strdup(val);
        } else if (!strcmp(key, "verbose")) {
            if (!parse_bool(val, &opts->verbose)) {
                *error = g_strdup_printf("verbose=%s: expected on or off", val);
                goto fail;
            }
        } else if (!strcmp(key, "gate")) {
            if (!parse_bool(val, &opts->gate)) {
                *error = g_strdup_printf("gate=%s: expected on or off", val);
                goto fail;
            }
        } else if (!strcmp(key, "control")) {
            if (!strcmp(val, "filter")) {
                opts->control = PT_CONTROL_FILTER;
            } else if (!strcmp(val, "syscall-entry")) {
                opts->control = PT_CONTROL_ENTRY;
            } else {
                *error = g_strdup_printf("control=%s: expected filter or "
                                         "syscall-entry", val);
                goto fail;
            }
        } else if (!strcmp(key, "stats")) {
            g_free(opts->stats_path);
            opts->stats_path = NULL;
            if (parse_bool(val, &b)) {
                opts->stats = b ? PT_STATS_STDERR : PT_STATS_OFF;
            } else if (*val) {
                opts->stats = PT_STATS_FILE;
                opts->stats_path = g_strdup(val);
            } else {
                *error = g_strdup("stats=: expected on, off or a file path");
                goto fail;
            }
        } else {
            *error = g_strdup_printf("unknown argument '%s' (known: htl_dir, "
                                     "verbose, stats, gate, control)", key);
            goto fail;
        }
    }

    if (!opts->htl_dir || !*opts->htl_dir) {
        *error = g_strdup("htl_dir=PATH is required (the directory holding "
                          "lib<name>_HTL.so)");
        goto fail;
    }
    struct stat st;
    if (stat(opts->htl_dir, &st) != 0) {
        *error = g_strdup_printf("htl_dir=%s: %s", opts->htl_dir,
                                 g_strerror(errno));
        goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        *error = g_strdup_printf("htl_dir=%s: not a directory", opts->htl_dir);
        goto fail;
    }
    /* Listed and opened at each LOAD_HTL: say now if that cannot work. */
    if (access(opts->htl_dir, R_OK | X_OK) != 0) {
        *error = g_strdup_printf("htl_dir=%s: %s", opts->htl_dir,
                                 g_strerror(errno));
        goto fail;
    }
    return true;

fail:
    pt_options_clear(opts);
    return false;
}

void pt_options_clear(PtOptions *opts)
{
    g_free(opts->htl_dir);
    g_free(opts->stats_path);
    memset(opts, 0, sizeof(*opts));
}
