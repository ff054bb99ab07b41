/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest stress test: 8 threads, created after start-up, each making 100,000
 * zlib calls on data of its own and checking every result against a
 * software CRC-32 / Adler-32 computed in the guest, with a compress2 and
 * uncompress round trip and a streamed deflate/inflate round trip (each
 * thread its own z_streams, fed in small chunks) every 1,000 calls. Prints
 * "expect <entry> <n>" for the test script to compare with the plugin's
 * stats.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "soft_checksums.h"
#include "workers.h"

#define THREADS 8
#define CALLS 100000
#define ROUNDTRIP_EVERY 1000

enum {
    E_CRC32, E_ADLER32, E_COMPRESS2, E_UNCOMPRESS, E_DEFLATE, E_INFLATE,
    E_DEFLATE_INIT, E_COUNT
};
static const char *const entry_names[E_COUNT] = {
    "crc32", "adler32", "compress2", "uncompress", "deflate", "inflate",
    "deflateInit2_",
};

typedef struct Worker {
    int id;
    unsigned long calls[E_COUNT], wrong;
} Worker;

/* A deflate stream and an inflate stream of this thread's, in chunks of
 * 97 bytes, so each crosses many calls. */
static int stream_roundtrip(Worker *w, const unsigned char *src, size_t n)
{
    unsigned char comp[8192], back[4096];
    z_stream d, i;
    int rc;

    memset(&d, 0, sizeof(d));
    memset(&i, 0, sizeof(i));
    if (deflateInit2(&d, 1 + w->id % 9, Z_DEFLATED, w->id % 2 ? 31 : 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK ||
        inflateInit2(&i, 47) != Z_OK) {
        return 0;
    }
    d.next_in = (unsigned char *)src;
    d.next_out = comp;
    d.avail_out = sizeof(comp);
    do {
        size_t left = n - (d.next_in - src);
        d.avail_in = left < 97 ? left : 97;
        rc = deflate(&d, left <= 97 ? Z_FINISH : Z_NO_FLUSH);
        w->calls[E_DEFLATE]++;
    } while (rc == Z_OK);
    i.next_in = comp;
    i.next_out = back;
    i.avail_out = sizeof(back);
    do {
        size_t left = d.total_out - (i.next_in - comp);
        i.avail_in = left < 97 ? left : 97;
        rc = inflate(&i, Z_NO_FLUSH);
        w->calls[E_INFLATE]++;
    } while (rc == Z_OK);
    deflateEnd(&d);
    inflateEnd(&i);
    w->calls[E_DEFLATE_INIT]++;
    return rc == Z_STREAM_END && i.total_out == n && !memcmp(src, back, n);
}

static void *work(void *arg)
{
    Worker *w = arg;
    unsigned char buf[64], big[4096], comp[4200], back[4096];
    uint64_t x = 0x9e3779b97f4a7c15ULL * (w->id + 1);

    for (int i = 0; i < CALLS; i++) {
        size_t n = 16 + (i % 49);

        for (size_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = (unsigned char)x;
        }
        if (i % 2 == 0) {
            uLong c = crc32(0, buf, n);
            w->calls[E_CRC32]++;
            if (c != soft_crc32(buf, n)) {
                w->wrong++;
            }
        } else {
            uLong a = adler32(1, buf, n);
            w->calls[E_ADLER32]++;
            if (a != soft_adler32(buf, n)) {
                w->wrong++;
            }
        }
        if (i % ROUNDTRIP_EVERY == 0) {
            uLongf clen = sizeof(comp), blen = sizeof(back);
            for (size_t k = 0; k < sizeof(big); k++) {
                big[k] = (unsigned char)(w->id * 31 + (k * k >> 3) + i);
            }
            if (compress2(comp, &clen, big, sizeof(big), 6) != Z_OK ||
                uncompress(back, &blen, comp, clen) != Z_OK ||
                blen != sizeof(big) || memcmp(big, back, blen)) {
                w->wrong++;
            }
            w->calls[E_COMPRESS2]++;
            w->calls[E_UNCOMPRESS]++;
            if (!stream_roundtrip(w, big, sizeof(big))) {
                w->wrong++;
            }
        }
    }
    return NULL;
}

int main(void)
{
    Worker w[THREADS];
    unsigned long total[E_COUNT] = { 0 };
    unsigned long failures = RUN_COUNTED_WORKERS(work, w, entry_names,
                                                 total);

    /* Each stream round trip ends its inflate stream once. */
    printf("expect inflateEnd_HTL %lu\n", total[E_DEFLATE_INIT]);
    printf("%d threads x %d calls: %lu wrong\n", THREADS, CALLS, failures);
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
