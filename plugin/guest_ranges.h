/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A cache of which address ranges are mapped, and how, so that a guest
 * pointer can be checked before the host touches it without a syscall
 * (process_vm_readv costs about as much as the call it guards).
 *
 * Fed from the syscall callbacks (guest_check.c): munmap, a narrowing
 * mprotect, MAP_FIXED and mremap's old range applied at syscall entry
 * (before the kernel acts, so the cache never claims memory that is going
 * away), new mappings at syscall return; seeded from /proc/self/maps.
 *
 * Readers never lock: a sequence counter tells them to retry if a writer
 * changed the table meanwhile (writers are serialized by a mutex). The
 * table has a fixed capacity; past it, updates mark the cache unusable
 * and every check answers PT_RANGE_UNKNOWN (callers then probe).
 */
#ifndef PASSTHROUGH_GUEST_RANGES_H
#define PASSTHROUGH_GUEST_RANGES_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Protection bits, as PROT_READ / PROT_WRITE / PROT_EXEC. */
#define PT_RANGE_READ 0x1
#define PT_RANGE_WRITE 0x2
#define PT_RANGE_EXEC 0x4

typedef enum PtRangeAnswer {
    PT_RANGE_NO = 0,       /* some byte is unmapped or lacks the access */
    PT_RANGE_YES = 1,      /* every byte is mapped with the access */
    PT_RANGE_UNKNOWN = 2,  /* the cache overflowed: probe instead */
} PtRangeAnswer;

typedef struct PtGuestRanges PtGuestRanges;

/* capacity: how many distinct ranges the table holds (0: a default). */
PtGuestRanges *pt_ranges_new(int capacity);
void pt_ranges_free(PtGuestRanges *r);

/* [start, start + len) becomes mapped with prot (replacing what was). */
void pt_ranges_map(PtGuestRanges *r, uint64_t start, uint64_t len, int prot);
/* [start, start + len) becomes unmapped. */
void pt_ranges_unmap(PtGuestRanges *r, uint64_t start, uint64_t len);
/* The mapped parts of [start, start + len) get prot. */
void pt_ranges_protect(PtGuestRanges *r, uint64_t start, uint64_t len,
                       int prot);
/* The mapped parts of [start, start + len) keep only the access in prot. */
void pt_ranges_narrow(PtGuestRanges *r, uint64_t start, uint64_t len,
                      int prot);
/* mremap that succeeded: the old range goes, the new one has its prot. */
void pt_ranges_remap(PtGuestRanges *r, uint64_t old_start, uint64_t old_len,
                     uint64_t new_start, uint64_t new_len);

/*
 * Replaces the table by the mappings in text, in /proc/<pid>/maps format.
 * Returns how many were read, or -1 on a malformed line (table unchanged).
 */
int pt_ranges_load_maps(PtGuestRanges *r, const char *text);
/*
 * The same from the text read() returns (g_free'd here; NULL: it could not
 * read), read while the writers' lock is held: an update waits for the
 * table it must go into, so the table never loses one that landed after
 * the text was read. -1 if there is no text or it is malformed: the table
 * is then empty.
 */
int pt_ranges_reload(PtGuestRanges *r, char *(*read)(void));

/* Whether every byte of [addr, addr + len) is mapped with all of prot. */
PtRangeAnswer pt_ranges_check(PtGuestRanges *r, uint64_t addr, uint64_t len,
                              int prot);

/*
 * The longest run of touching ranges, each with all of prot, that holds
 * addr: YES and [*start, *end), with *seq the table's version the answer
 * belongs to (the answer holds while pt_ranges_seq() returns it).
 */
PtRangeAnswer pt_ranges_find(PtGuestRanges *r, uint64_t addr, int prot,
                             uint64_t *start, uint64_t *end, uint64_t *seq);
uint64_t pt_ranges_seq(PtGuestRanges *r);

/* How many ranges the table holds now (for tests and stats). */
int pt_ranges_count(PtGuestRanges *r);

/* The ranges that meet [from, to), appended to out as text, " start-end
 * rwx" each (for diagnostics): the table's, and those of /proc/<pid>/maps
 * text (nothing if it is malformed). */
void pt_ranges_describe(PtGuestRanges *r, uint64_t from, uint64_t to,
                        GString *out);
void pt_ranges_describe_maps(const char *text, uint64_t from, uint64_t to,
                             GString *out);

#endif
