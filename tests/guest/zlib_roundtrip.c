/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program: exercises every function the GTL passes through with
 * known answers and round trips, and prints "expect <entry> <n>": how many
 * times it called each function, which the test script compares with the
 * plugin's stats. Exit status 0 and "PASS" only if every check held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"

static int failures;

enum { F_BOUND, F_COMPRESS, F_COMPRESS2, F_UNCOMPRESS, F_CRC32, F_ADLER32,
       F_VERSION, F_N };
static const char *const names[F_N] = {
    "compressBound", "compress", "compress2", "uncompress", "crc32",
    "adler32", "zlibVersion",
};
static unsigned long calls[F_N];

static void fill_random(unsigned char *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (unsigned char)(seed >> 56);
    }
}

static void fill_text(unsigned char *p, size_t n)
{
    static const char text[] = "It is a truth universally acknowledged, that "
        "a single emulator in possession of a good host must be in want of "
        "a native library. ";
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)text[i % (sizeof(text) - 1)];
    }
}

static void roundtrip(const unsigned char *src, size_t n, int level,
                      const char *what)
{
    uLong bound = compressBound(n);
    unsigned char *comp = malloc(bound + 1);
    unsigned char *back = malloc(n + 1);
    uLongf clen = bound, blen = n;
    int rc;

    calls[F_BOUND]++;
    CHECK(bound == n + (n >> 12) + (n >> 14) + (n >> 25) + 13,
          "compressBound(%zu) = %lu", n, (unsigned long)bound);
    if (level < 0) {
        rc = compress(comp, &clen, src, n);
        calls[F_COMPRESS]++;
    } else {
        rc = compress2(comp, &clen, src, n, level);
        calls[F_COMPRESS2]++;
    }
    CHECK(rc == Z_OK, "%s level %d: compress rc %d", what, level, rc);
    rc = uncompress(back, &blen, comp, clen);
    calls[F_UNCOMPRESS]++;
    CHECK(rc == Z_OK && blen == n && (n == 0 || !memcmp(src, back, n)),
          "%s level %d: round trip rc %d len %lu", what, level, rc,
          (unsigned long)blen);
    free(comp);
    free(back);
}

int main(void)
{
    static const unsigned char check[] = "123456789";
    const size_t big = 1 << 20;
    unsigned char *text = malloc(big), *rnd = malloc(big);
    const char *v;
    uLong crc, adler;

    /* zlibVersion: the header's version, and a string the guest can pass to
     * a system call (so it must live in guest memory). */
    v = zlibVersion();
    calls[F_VERSION]++;
    CHECK(!strcmp(v, ZLIB_VERSION), "zlibVersion %s, header %s", v,
          ZLIB_VERSION);
    CHECK(write(STDOUT_FILENO, v, strlen(v)) == (ssize_t)strlen(v),
          "write(zlibVersion()) failed");
    printf("\n");

    /* Known answers (the standard CRC-32 and Adler-32 check values). */
    crc = crc32(0, check, 9);
    calls[F_CRC32]++;
    CHECK(crc == 0xcbf43926UL, "crc32 check value %#lx", crc);
    crc = crc32(0, Z_NULL, 0);
    calls[F_CRC32]++;
    CHECK(crc == 0, "crc32 initial %#lx", crc);
    crc = crc32(crc32(0, check, 4), check + 4, 5);
    calls[F_CRC32] += 2;
    CHECK(crc == 0xcbf43926UL, "crc32 in two parts %#lx", crc);
    adler = adler32(1, (const Bytef *)"Wikipedia", 9);
    calls[F_ADLER32]++;
    CHECK(adler == 0x11e60398UL, "adler32 Wikipedia %#lx", adler);
    adler = adler32(0, Z_NULL, 0);
    calls[F_ADLER32]++;
    CHECK(adler == 1, "adler32 initial %#lx", adler);

    /* Round trips over levels and inputs. */
    fill_text(text, big);
    fill_random(rnd, big, 42);
    roundtrip(text, 0, 6, "empty");
    roundtrip(text, 1, 6, "1 byte");
    roundtrip(text, big, -1, "text (compress)");
    for (int level = 0; level <= 9; level++) {
        roundtrip(text, big, level, "text");
        roundtrip(rnd, 4096, level, "random");
    }

    /* Errors come back as zlib promises them. */
    {
        unsigned char small[8], out[64];
        uLongf slen = sizeof(small), olen = sizeof(out);
        int rc = compress2(small, &slen, text, 4096, 9);
        calls[F_COMPRESS2]++;
        CHECK(rc == Z_BUF_ERROR, "compress2 into 8 bytes: rc %d", rc);
        rc = uncompress(out, &olen, (const Bytef *)"not zlib data", 13);
        calls[F_UNCOMPRESS]++;
        CHECK(rc == Z_DATA_ERROR, "uncompress garbage: rc %d", rc);
    }

    for (int i = 0; i < F_N; i++) {
        printf("expect %s_HTL %lu\n", names[i], calls[i]);
    }
    printf("%s\n", failures ? "FAIL" : "PASS");
    free(text);
    free(rnd);
    return failures ? 1 : 0;
}
