/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The demo's payload, shared with the benchmarks so that "the 8 MiB demo
 * payload" means the same bytes everywhere.
 */
#ifndef PASSTHROUGH_DEMO_PAYLOAD_H
#define PASSTHROUGH_DEMO_PAYLOAD_H

#include <stddef.h>

/* The demo's size. */
#define PAYLOAD_SIZE (8u << 20)

/*
 * Fills buf with len bytes of text-like data: words from a small
 * vocabulary, chosen by a fixed pseudo-random sequence. Deterministic, and
 * a prefix of a longer fill is a shorter fill.
 */
void fill_payload(unsigned char *buf, size_t len);

#endif
