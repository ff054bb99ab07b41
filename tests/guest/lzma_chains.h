/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The raw filter chains the liblzma guest tests code with, all on the
 * caller's LZMA2 options: LZMA2 alone, delta then LZMA2, x86 BCJ then
 * LZMA2.
 */
#ifndef PASSTHROUGH_TEST_LZMA_CHAINS_H
#define PASSTHROUGH_TEST_LZMA_CHAINS_H

#include <lzma.h>

#define LZMA_TEST_CHAINS 3

typedef struct LzmaChains {
    lzma_options_delta delta;
    lzma_filter chain[LZMA_TEST_CHAINS][3];
} LzmaChains;

/* The chains on opt, the delta filter's distance dist. */
static inline void lzma_chains_init(LzmaChains *c, lzma_options_lzma *opt,
                                    uint32_t dist)
{
    const lzma_filter end = { LZMA_VLI_UNKNOWN, NULL };

    c->delta = (lzma_options_delta){ .type = LZMA_DELTA_TYPE_BYTE,
                                     .dist = dist };
    c->chain[0][0] = (lzma_filter){ LZMA_FILTER_LZMA2, opt };
    c->chain[0][1] = end;
    c->chain[1][0] = (lzma_filter){ LZMA_FILTER_DELTA, &c->delta };
    c->chain[1][1] = (lzma_filter){ LZMA_FILTER_LZMA2, opt };
    c->chain[1][2] = end;
    c->chain[2][0] = (lzma_filter){ LZMA_FILTER_X86, NULL };
    c->chain[2][1] = (lzma_filter){ LZMA_FILTER_LZMA2, opt };
    c->chain[2][2] = end;
}

#endif
