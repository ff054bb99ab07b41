/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hostile guest programs share: the memory they point a library
 * at, where the host must neither read nor write (or only up to a page's
 * end: pages of one mapping, and a hole after them), and their run.
 */
#ifndef PASSTHROUGH_HOSTILE_H
#define PASSTHROUGH_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

#define UNMAPPED_SIZE (1 << 20)

extern size_t page;
extern uint8_t *ro_page;     /* PROT_READ, zeros */
extern uint8_t *edge_page;   /* read-write, its end next to gone_page */
extern uint8_t *gone_page;   /* PROT_NONE */
extern uint8_t *island;      /* PROT_NONE, read-write, PROT_NONE */
extern uint8_t *unmapped;    /* UNMAPPED_SIZE, mapped no more */

/* Maps them; exits if it cannot. */
void map_bad_memory(void);

/* The next of a seeded random sequence, and a handle that names nothing:
 * bit 63 set, as the GTL's handles have, the rest random. */
uint64_t hostile_rand(void);
void *forged_handle(void);

/*
 * A hostile program's end: if the library's objects are on the host (host),
 * its steps (NULL-ended), then the count of hostile calls they made; if
 * not, that they were skipped. Then its round trip, which must work, and
 * PASS or FAIL after the failures counted; its exit status.
 */
typedef void HostileStep(void);

int run_hostile(const char *lib, const char *objects, int host,
                HostileStep *const *steps, const long *calls,
                void (*roundtrip)(int host), const int *failures);

#endif
