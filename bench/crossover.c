/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Crossover sweep, guest side (the x86_64 build also runs natively on the
 * host): the time of one call of crc32, adler32, compress2 (level 6) and
 * inflate, for buffers from 16 bytes to MAX_BYTES in powers of 4 (of
 * GROWTH with -g), on a prefix of the demo payload.
 *
 * inflate: one z_stream, initialised once per size; each call is
 * inflateReset + one inflate(Z_FINISH) over the whole level-6 stream of
 * that size, as a program does that decodes many records with one stream.
 * So under passthrough an inflate "call" is two host calls.
 *
 * Each point: the iteration count grows until one run lasts MIN_MS; then
 * the best of REPS such runs, stopping early once the point has used
 * BUDGET_MS (a 16 MiB compress2 under emulation takes a second or more).
 *
 * usage: crossover [-m MAX_BYTES] [-t MIN_MS] [-r REPS] [-b BUDGET_MS]
 *                  [-F FUNCTION] [-k cpu|wall] [-g GROWTH]
 * (-F: only that function; -k: the clock, bench_util.h; -g 2: every power
 * of two, for a dispatch threshold)
 * prints "point FUNC BYTES NS_PER_CALL ITERATIONS RUNS" per point, between
 * the lines of bench_print_origin().
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bench_util.h"
#include "payload.h"

typedef struct Ctx {
    const unsigned char *src;
    size_t size;
    unsigned char *dst;      /* compress2's output, inflate's output */
    size_t dst_cap;
    unsigned char *comp;     /* the level-6 stream of src[0, size) */
    size_t comp_len;
    z_stream inf;
    uLong sink;
} Ctx;

typedef void (*Func)(Ctx *c, long n);

static void die(const char *what, int rc)
{
    fprintf(stderr, "crossover: %s failed (%d)\n", what, rc);
    exit(1);
}

static void run_crc32(Ctx *c, long n)
{
    bench_calls[BENCH_CRC32] += n;
    for (long i = 0; i < n; i++) {
        c->sink ^= crc32(0, c->src, c->size);
    }
}

static void run_adler32(Ctx *c, long n)
{
    bench_calls[BENCH_ADLER32] += n;
    for (long i = 0; i < n; i++) {
        c->sink ^= adler32(1, c->src, c->size);
    }
}

static void run_compress2(Ctx *c, long n)
{
    bench_calls[BENCH_COMPRESS2] += n;
    for (long i = 0; i < n; i++) {
        uLongf len = c->dst_cap;
        int rc = compress2(c->dst, &len, c->src, c->size, 6);
        if (rc != Z_OK) {
            die("compress2", rc);
        }
        c->sink ^= len;
    }
}

static void run_inflate(Ctx *c, long n)
{
    bench_calls[BENCH_INFLATE_RESET] += n;
    bench_calls[BENCH_INFLATE] += n;
    for (long i = 0; i < n; i++) {
        int rc = inflateReset(&c->inf);
        if (rc != Z_OK) {
            die("inflateReset", rc);
        }
        c->inf.next_in = c->comp;
        c->inf.avail_in = c->comp_len;
        c->inf.next_out = c->dst;
        c->inf.avail_out = c->size;
        rc = inflate(&c->inf, Z_FINISH);
        if (rc != Z_STREAM_END || c->inf.total_out != c->size) {
            die("inflate", rc);
        }
    }
}

static const struct {
    const char *name;
    Func fn;
} funcs[] = {
    { "crc32", run_crc32 },
    { "adler32", run_adler32 },
    { "compress2", run_compress2 },
    { "inflate", run_inflate },
};

static double time_run(Func fn, Ctx *c, long n)
{
    double t0 = bench_now();

    fn(c, n);
    return bench_now() - t0;
}

static void measure(const char *name, Func fn, Ctx *c, double min_s,
                    int reps, double budget_s)
{
    long n = 1;
    double t, spent = 0, best;
    int runs = 1;

    /* Grow n until a run lasts min_s; that run is the first counted. */
    for (;;) {
        t = time_run(fn, c, n);
        spent += t;
        if (t >= min_s || n >= (1L << 40)) {
            break;
        }
        if (t < min_s / 64) {
            n *= 64;
        } else {
            n = (long)(n * (min_s / t) * 1.1) + 1;
        }
    }
    best = t;
    while (runs < reps && spent < budget_s) {
        t = time_run(fn, c, n);
        spent += t;
        best = t < best ? t : best;
        runs++;
    }
    printf("point %s %zu %.2f %ld %d\n", name, c->size, best / n * 1e9, n,
           runs);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    size_t max = 16u << 20;
    double min_ms = 20, budget_ms = 1500;
    const char *only = NULL;
    int reps = 3, growth = 4, opt, known;
    unsigned char *src;
    Ctx c;

    while ((opt = getopt(argc, argv, "m:t:r:b:F:k:g:")) != -1) {
        switch (opt) {
        case 'm':
            max = strtoul(optarg, NULL, 0);
            break;
        case 't':
            min_ms = atof(optarg);
            break;
        case 'F':
            only = optarg;
            break;
        case 'g':
            growth = atoi(optarg);
            break;
        default:
            known = bench_common_option(opt, optarg, &reps, &budget_ms);
            if (known > 0) {
                break;
            }
            fprintf(stderr, "usage: crossover [-m MAX_BYTES] [-t MIN_MS] "
                    "[-r REPS] [-b BUDGET_MS] [-F FUNCTION] [-k cpu|wall] "
                    "[-g GROWTH]\n");
            return 2;
        }
    }
    if (max < 16 || reps < 1 || min_ms <= 0 || growth < 2) {
        fprintf(stderr, "crossover: bad arguments\n");
        return 2;
    }

    bench_print_origin();
    memset(&c, 0, sizeof(c));
    src = malloc(max);
    c.dst_cap = compressBound(max);
    c.dst = malloc(c.dst_cap);
    c.comp = malloc(c.dst_cap);
    if (!src || !c.dst || !c.comp) {
        die("malloc", 0);
    }
    fill_payload(src, max);
    /* Fault every page in before anything is timed. */
    memset(c.dst, 0, c.dst_cap);
    memset(c.comp, 0, c.dst_cap);
    c.src = src;
    if (inflateInit(&c.inf) != Z_OK) {
        die("inflateInit", 0);
    }

    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
        if (only && strcmp(only, funcs[i].name)) {
            continue;
        }
        for (size_t size = 16; size <= max; size *= growth) {
            c.size = size;
            if (funcs[i].fn == run_inflate) {
                uLongf len = c.dst_cap;
                int rc = compress2(c.comp, &len, src, size, 6);

                bench_calls[BENCH_COMPRESS2]++;
                if (rc != Z_OK) {
                    die("compress2 (inflate's input)", rc);
                }
                c.comp_len = len;
            }
            if (size == 16) {
                /* Not timed: the first call translates the function's
                 * code under emulation, and fills caches natively. */
                funcs[i].fn(&c, 1);
            }
            measure(funcs[i].name, funcs[i].fn, &c, min_ms / 1e3, reps,
                    budget_ms / 1e3);
            if (funcs[i].fn == run_inflate && memcmp(c.dst, src, size)) {
                fprintf(stderr, "crossover: inflate output differs\n");
                return 1;
            }
        }
    }
    inflateEnd(&c.inf);
    bench_print_calls();
    printf("sink %lu\n", (unsigned long)c.sink);
    printf("done\n");
    return 0;
}
