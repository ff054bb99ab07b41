/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program: a hostile guest. It sends thousands of bad requests
 * at the protocol level (evil_protocol.c: unknown ops, bad pointers, forged
 * and stale handles and tokens, bad names, mailboxes and gates unmapped
 * under the plugin, racing closes, random junk). Then, in the same process,
 * a normal compress2/uncompress round trip through libz.so.1 (the GTL) must
 * work, on the host: it prints "expect <entry> <n>" for the script to
 * compare with the plugin's stats, and "PASS" only if everything held.
 * QEMU staying up is the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "evil_protocol.h"

static int failures;

static void roundtrip(void)
{
    const size_t n = 256 << 10;
    unsigned char *src = malloc(n), *comp, *back = malloc(n);
    uLongf clen, blen = n;
    int rc;

    for (size_t i = 0; i < n; i++) {
        src[i] = (unsigned char)("evil guests still get their data back "[i % 38]);
    }
    clen = compressBound(n);
    comp = malloc(clen);
    rc = compress2(comp, &clen, src, n, 6);
    CHECK(rc == Z_OK, "compress2: %d", rc);
    rc = uncompress(back, &blen, comp, clen);
    CHECK(rc == Z_OK && blen == n && !memcmp(src, back, n),
          "uncompress: %d, %lu bytes", rc, (unsigned long)blen);
    printf("expect compressBound_HTL 1\n");
    printf("expect compress2_HTL 1\n");
    printf("expect uncompress_HTL 1\n");
    free(src);
    free(comp);
    free(back);
}

int main(void)
{
    /* The GTL connects on its first call: here, before the attacks, which
     * rebind its mailbox and fill the plugin's gate table under it. */
    const char *version = zlibVersion();

    CHECK(!strcmp(version, ZLIB_VERSION), "zlibVersion: %s", version);
    printf("expect zlibVersion_HTL 1\n");
    failures += evil_protocol_attacks();
    roundtrip();
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
