/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-passthrough's binfmt_misc interpreter. For a foreign program the
 * kernel runs it as
 *     INTERP PROGRAM ARGV0 ARGS...
 * (INTERP the path registered, PROGRAM the path given to execve; flag P
 * keeps the program's own argv[0]) and it execs qemu-user as
 * `qemu-passthrough --binfmt=install` wrote in INTERP.conf: the plugin
 * with its arguments, and the GTLs first in the guest's library search
 * path, so that the foreign programs a foreign program starts (through
 * binfmt_misc again) keep passthrough. Static, so that it runs whatever
 * the root (the kernel opened it at registration: flag F).
 *
 * INTERP.conf, one item a line (empty lines and lines starting with #
 * are skipped):
 *   qemu PATH       the emulator
 *   env VAR=VALUE   for QEMU itself (a sanitized plugin's runtimes)
 *   arg ARG         an argument before the program's (-L, -U, ...)
 *   plugin OPTS     -plugin's value
 *   stats DIR       the plugin's stats to DIR/NAME.PID, per process
 *   gtl DIR         put first in the guest's LD_LIBRARY_PATH
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 64
#define NAME "qemu-passthrough-binfmt"

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, NAME ": %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(126);
}

static char *dup_or_die(const char *s)
{
    char *copy = strdup(s);

    if (!copy) {
        fail("out of memory", NULL);
    }
    return copy;
}

static char *join(const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *s = malloc(n);

    if (!s) {
        fail("out of memory", NULL);
    }
    snprintf(s, n, "%s%s%s", a, sep, b);
    return s;
}

/* DIR first in LD_LIBRARY_PATH, unless it is already (a parent put it). */
static char *library_path(const char *dir)
{
    const char *old = getenv("LD_LIBRARY_PATH");
    size_t n = strlen(dir);

    if (!old || !*old) {
        return join("LD_LIBRARY_PATH=", "", dir);
    }
    if (!strncmp(old, dir, n) && (old[n] == ':' || !old[n])) {
        return join("LD_LIBRARY_PATH=", "", old);
    }
    return join("LD_LIBRARY_PATH=", dir, join(":", "", old));
}

int main(int argc, char **argv)
{
    char *conf_path, *line = NULL, *qemu = NULL, *plugin = NULL;
    char *stats = NULL, *gtl = NULL, *args[MAX_ARGS];
    char **exec_argv;
    int n_args = 0, k = 0;
    size_t cap = 0;
    FILE *conf;

    if (argc < 3) {
        fprintf(stderr, "usage: " NAME " PROGRAM ARGV0 [ARGS...]\n"
                "(started by binfmt_misc with flag P; registered by "
                "qemu-passthrough --binfmt=install)\n");
        return 2;
    }
    conf_path = join(argv[0], "", ".conf");
    conf = fopen(conf_path, "r");
    if (!conf) {
        fail(conf_path, strerror(errno));
    }
    while (getline(&line, &cap, conf) >= 0) {
        char *value;

        line[strcspn(line, "\n")] = 0;
        if (!*line || *line == '#') {
            continue;
        }
        value = strchr(line, ' ');
        if (!value) {
            fail(conf_path, "a line without a value");
        }
        *value++ = 0;
        if (!strcmp(line, "qemu")) {
            qemu = dup_or_die(value);
        } else if (!strcmp(line, "env")) {
            if (putenv(dup_or_die(value))) {
                fail("cannot set", value);
            }
        } else if (!strcmp(line, "arg")) {
            if (n_args == MAX_ARGS) {
                fail(conf_path, "too many arg lines");
            }
            args[n_args++] = dup_or_die(value);
        } else if (!strcmp(line, "plugin")) {
            plugin = dup_or_die(value);
        } else if (!strcmp(line, "stats")) {
            stats = dup_or_die(value);
        } else if (!strcmp(line, "gtl")) {
            gtl = dup_or_die(value);
        } else {
            fail(conf_path, "a line of an unknown kind");
        }
    }
    fclose(conf);
    free(line);
    if (!qemu || !plugin) {
        fail(conf_path, "no qemu or no plugin line");
    }
    if (stats) {
        const char *base = strrchr(argv[1], '/');
        char pid[32];

        snprintf(pid, sizeof(pid), ".%d", (int)getpid());
        plugin = join(plugin, ",stats=",
                      join(stats, "/", join(base ? base + 1 : argv[1], "",
                                            pid)));
    }

    /* qemu ARGS [-E LD_LIBRARY_PATH=...] -plugin OPTS -0 ARGV0 PROGRAM ARGS */
    exec_argv = calloc(n_args + argc + 10, sizeof(char *));
    if (!exec_argv) {
        fail("out of memory", NULL);
    }
    exec_argv[k++] = qemu;
    for (int i = 0; i < n_args; i++) {
        exec_argv[k++] = args[i];
    }
    if (gtl) {
        exec_argv[k++] = "-E";
        exec_argv[k++] = library_path(gtl);
    }
    exec_argv[k++] = "-plugin";
    exec_argv[k++] = plugin;
    exec_argv[k++] = "-0";
    exec_argv[k++] = argv[2];
    exec_argv[k++] = argv[1];
    for (int i = 3; i < argc; i++) {
        exec_argv[k++] = argv[i];
    }
    execv(qemu, exec_argv);
    fail(qemu, strerror(errno));
    return 126;
}
