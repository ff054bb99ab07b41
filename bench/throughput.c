/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput benchmark, guest side (the x86_64 build also runs natively on
 * the host). For each data set and level, times
 *   compress2   one call over the whole buffer
 *   uncompress  one call, of compress2's output
 *   deflate     a stream fed CHUNK bytes of input and CHUNK bytes of
 *               output space per call, Z_FINISH with the last input
 *   inflate     the same for compress2's output
 * and checks every result. The chunks are consecutive slices of one input
 * and one output buffer: no copies, so a row times zlib and the calls,
 * nothing the program does around them.
 *
 * usage: throughput [-r REPS [-b BUDGET_MS] [-s SAMPLE_MS]] [-l LEVELS]
 *                   [-c CHUNK] [-p PAYLOAD_BYTES] [-f CORPUS [-n CORPUS_BYTES]]
 *                   [-k cpu|wall]   (the clock: bench_util.h)
 * prints "row DATASET BYTES OP LEVEL SECONDS OUT_BYTES" per row, between
 * the lines of bench_print_origin(). SECONDS is one run's time: the best
 * of up to REPS samples (default 1), further samples only while the row
 * has used less than BUDGET_MS; a sample is the mean of as many runs as
 * fill SAMPLE_MS (default 0: one run). -p 0 leaves out the payload.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bench_util.h"
#include "payload.h"

typedef struct Buffers {
    unsigned char *comp;    /* compress2's output */
    size_t comp_cap;
    size_t comp_len;
    unsigned char *stream;  /* deflate's output */
    unsigned char *back;    /* what comes back from uncompress/inflate */
} Buffers;

static void die(const char *what, int rc)
{
    fprintf(stderr, "throughput: %s failed (%d)\n", what, rc);
    exit(1);
}

static void *alloc_touched(size_t len)
{
    unsigned char *p = malloc(len ? len : 1);

    if (!p) {
        die("malloc", 0);
    }
    /* Fault the pages in now, not inside the first timed call. */
    memset(p, 0, len);
    return p;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static void check_back(const unsigned char *src, size_t len,
                       const unsigned char *back, size_t back_len,
                       const char *what)
{
    if (back_len != len || memcmp(src, back, len)) {
        fprintf(stderr, "throughput: %s: round trip differs\n", what);
        exit(1);
    }
}

static double time_compress2(const unsigned char *src, size_t len, int level,
                             Buffers *b)
{
    uLongf out_len = b->comp_cap;
    double t0 = bench_now();
    int rc = compress2(b->comp, &out_len, src, len, level);
    double t = bench_now() - t0;

    bench_calls[BENCH_COMPRESS2]++;
    if (rc != Z_OK) {
        die("compress2", rc);
    }
    b->comp_len = out_len;
    return t;
}

static double time_uncompress(const unsigned char *src, size_t len,
                              Buffers *b)
{
    uLongf back_len = len;
    double t0 = bench_now();
    int rc = uncompress(b->back, &back_len, b->comp, b->comp_len);
    double t = bench_now() - t0;

    bench_calls[BENCH_UNCOMPRESS]++;
    if (rc != Z_OK) {
        die("uncompress", rc);
    }
    check_back(src, len, b->back, back_len, "uncompress");
    return t;
}

/* The time since t0, once the stream's end (rc, of what) is checked. */
static double ended(int rc, const char *what, double t0)
{
    double t = bench_now() - t0;

    if (rc != Z_OK) {
        die(what, rc);
    }
    return t;
}

static double time_deflate(const unsigned char *src, size_t len, int level,
                           size_t chunk, Buffers *b, size_t *out_len)
{
    z_stream s;
    size_t fed = 0;
    double t0;
    int rc;

    memset(&s, 0, sizeof(s));
    t0 = bench_now();
    rc = deflateInit(&s, level);
    if (rc != Z_OK) {
        die("deflateInit", rc);
    }
    s.next_out = b->stream;
    do {
        if (s.avail_in == 0 && fed < len) {
            s.next_in = (unsigned char *)src + fed;
            s.avail_in = min_size(chunk, len - fed);
            fed += s.avail_in;
        }
        s.avail_out = min_size(chunk, b->comp_cap - s.total_out);
        if (s.avail_out == 0) {
            die("deflate (output beyond compressBound)", 0);
        }
        rc = deflate(&s, fed == len ? Z_FINISH : Z_NO_FLUSH);
        bench_calls[BENCH_DEFLATE]++;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            die("deflate", rc);
        }
    } while (rc != Z_STREAM_END);
    *out_len = s.total_out;
    return ended(deflateEnd(&s), "deflateEnd", t0);
}

static double time_inflate(const unsigned char *src, size_t len, size_t chunk,
                           Buffers *b)
{
    z_stream s;
    size_t fed = 0;
    double t0, t;
    int rc;

    memset(&s, 0, sizeof(s));
    t0 = bench_now();
    rc = inflateInit(&s);
    if (rc != Z_OK) {
        die("inflateInit", rc);
    }
    s.next_out = b->back;
    do {
        if (s.avail_in == 0 && fed < b->comp_len) {
            s.next_in = b->comp + fed;
            s.avail_in = min_size(chunk, b->comp_len - fed);
            fed += s.avail_in;
        }
        s.avail_out = min_size(chunk, len - s.total_out);
        rc = inflate(&s, Z_NO_FLUSH);
        bench_calls[BENCH_INFLATE]++;
        if (rc != Z_OK && rc != Z_STREAM_END) {
            die("inflate", rc);
        }
    } while (rc != Z_STREAM_END);
    t = ended(inflateEnd(&s), "inflateEnd", t0);
    check_back(src, len, b->back, s.total_out, "inflate");
    return t;
}

/* deflate's output must decode to the input; it is normally the same bytes
 * as compress2's, which is the cheap check. */
static void check_stream(const unsigned char *src, size_t len, Buffers *b,
                         size_t stream_len)
{
    uLongf back_len = len;
    int rc;

    if (stream_len == b->comp_len &&
        !memcmp(b->stream, b->comp, stream_len)) {
        return;
    }
    rc = uncompress(b->back, &back_len, b->stream, stream_len);
    bench_calls[BENCH_UNCOMPRESS]++;
    if (rc != Z_OK) {
        die("uncompress of deflate's output", rc);
    }
    check_back(src, len, b->back, back_len, "deflate");
}

/*
 * t_best = the time of one run of expr: the best of up to reps samples
 * while the row has used less than budget_s (short rows get several, a
 * multi-second one only one, so the whole set stays bounded). A sample is
 * the mean of as many runs as fill sample_s, once a first run has shown
 * how long one takes: a 17 ms run is too short to time alone on a shared
 * machine (its best of 5 moved by 10% between invocations), a mean over
 * 100 ms is not.
 */
static double sample_s;

#define BEST_OF(t_best, expr)                                       \
    do {                                                            \
        double first_ = (expr), spent_ = first_;                    \
        int per_ = first_ > 0 && first_ < sample_s                  \
                       ? (int)(sample_s / first_) + 1 : 1;          \
        int samples_ = 1;                                           \
        t_best = first_;                                            \
        while (samples_ < reps && spent_ < budget_s) {              \
            double sum_ = 0;                                        \
            for (int i_ = 0; i_ < per_; i_++) {                     \
                sum_ += (expr);                                     \
            }                                                       \
            spent_ += sum_;                                         \
            /* Past one run, the first run is no sample: alone it   \
             * is too short to trust. */                            \
            if (per_ > 1 && samples_ == 1) {                        \
                t_best = 1e30;                                      \
            }                                                       \
            t_best = sum_ / per_ < t_best ? sum_ / per_ : t_best;   \
            samples_++;                                             \
        }                                                           \
    } while (0)

static void run_set(const char *name, const unsigned char *src, size_t len,
                    const int *levels, int nlevels, int reps,
                    double budget_s, size_t chunk)
{
    Buffers b = { 0 };

    b.comp_cap = compressBound(len);
    b.comp = alloc_touched(b.comp_cap);
    b.stream = alloc_touched(b.comp_cap);
    b.back = alloc_touched(len);
    for (int i = 0; i < nlevels; i++) {
        int level = levels[i];
        double t_c = 1e30, t_u = 1e30, t_d = 1e30, t_i = 1e30;
        size_t stream_len = 0;

        BEST_OF(t_c, time_compress2(src, len, level, &b));
        BEST_OF(t_u, time_uncompress(src, len, &b));
        BEST_OF(t_d, time_deflate(src, len, level, chunk, &b, &stream_len));
        check_stream(src, len, &b, stream_len);
        BEST_OF(t_i, time_inflate(src, len, chunk, &b));
        printf("row %s %zu compress2 %d %.6f %zu\n", name, len, level, t_c,
               b.comp_len);
        printf("row %s %zu uncompress %d %.6f %zu\n", name, len, level, t_u,
               len);
        printf("row %s %zu deflate %d %.6f %zu\n", name, len, level, t_d,
               stream_len);
        printf("row %s %zu inflate %d %.6f %zu\n", name, len, level, t_i,
               len);
        fflush(stdout);
    }
    free(b.comp);
    free(b.stream);
    free(b.back);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    size_t cap = *len, got = 0;
    unsigned char *buf;
    int fd = open(path, O_RDONLY);

    if (fd < 0) {
        perror(path);
        exit(1);
    }
    if (cap == 0) {
        off_t end = lseek(fd, 0, SEEK_END);
        if (end <= 0 || lseek(fd, 0, SEEK_SET) != 0) {
            fprintf(stderr, "throughput: %s: empty or not seekable\n", path);
            exit(1);
        }
        cap = (size_t)end;
    }
    buf = alloc_touched(cap);
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (got != cap) {
        fprintf(stderr, "throughput: %s: read %zu of %zu bytes\n", path, got,
                cap);
        exit(1);
    }
    *len = got;
    return buf;
}

static int parse_levels(const char *s, int *levels, int max)
{
    int n = 0;

    while (*s && n < max) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > 9) {
            fprintf(stderr, "throughput: bad level list '%s'\n", s);
            exit(2);
        }
        levels[n++] = (int)v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

int main(int argc, char **argv)
{
    int levels[10] = { 1, 6, 9 };
    int nlevels = 3, reps = 1, opt, known;
    double budget_ms = 0;
    size_t chunk = 64 << 10, payload_len = PAYLOAD_SIZE, corpus_len = 0;
    const char *corpus = NULL;
    unsigned char *buf;
    long long calls_before;

    while ((opt = getopt(argc, argv, "r:b:s:l:c:p:f:n:k:")) != -1) {
        switch (opt) {
        case 's':
            sample_s = atof(optarg) / 1e3;
            break;
        case 'l':
            nlevels = parse_levels(optarg, levels, 10);
            break;
        case 'c':
            chunk = strtoul(optarg, NULL, 0);
            break;
        case 'p':
            payload_len = strtoul(optarg, NULL, 0);
            break;
        case 'f':
            corpus = optarg;
            break;
        case 'n':
            corpus_len = strtoul(optarg, NULL, 0);
            break;
        default:
            known = bench_common_option(opt, optarg, &reps, &budget_ms);
            if (known > 0) {
                break;
            }
            fprintf(stderr, "usage: throughput [-r REPS [-b BUDGET_MS] "
                    "[-s SAMPLE_MS]] [-l LEVELS] [-c CHUNK] [-p PAYLOAD_BYTES] "
                    "[-f CORPUS [-n CORPUS_BYTES]] [-k cpu|wall]\n");
            return 2;
        }
    }
    if (reps < 1 || chunk == 0 || nlevels == 0) {
        fprintf(stderr, "throughput: bad arguments\n");
        return 2;
    }

    bench_print_origin();
    calls_before = bench_host_calls();
    if (payload_len) {
        buf = alloc_touched(payload_len);
        fill_payload(buf, payload_len);
        run_set("payload", buf, payload_len, levels, nlevels, reps,
                budget_ms / 1e3, chunk);
        free(buf);
    }
    if (corpus) {
        buf = read_file(corpus, &corpus_len);
        run_set("corpus", buf, corpus_len, levels, nlevels, reps,
                budget_ms / 1e3, chunk);
        free(buf);
    }
    bench_print_calls();
    printf("host_calls_during %lld\n",
           calls_before < 0 ? -1 : bench_host_calls() - calls_before);
    printf("done\n");
    return 0;
}
