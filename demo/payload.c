/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>

#include "payload.h"

/* Compressible but not trivial: words from a small vocabulary, with a
 * deterministic pseudo-random choice, like text. */
void fill_payload(unsigned char *buf, size_t len)
{
    static const char *const words[] = {
        "emulator", "guest", "host", "thunk", "library", "zlib", "deflate",
        "inflate", "window", "stream", "buffer", "plugin", "qemu", "native",
        "call", "gate", "the", "a", "of", "and", "to", "in", "is", "fast",
    };
    uint64_t x = 0x2545f4914f6cdd1dULL;
    size_t pos = 0;

    while (pos < len) {
        const char *w;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        w = words[x % (sizeof(words) / sizeof(words[0]))];
        for (; *w && pos < len; w++) {
            buf[pos++] = (unsigned char)*w;
        }
        if (pos < len) {
            buf[pos++] = (x >> 32) % 11 == 0 ? '\n' : ' ';
        }
    }
}
