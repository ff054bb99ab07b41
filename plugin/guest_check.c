/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_check.h"

#include <glib.h>
#include <string.h>

#include "guest_ranges.h"
#include "log.h"

static PtGuestRanges *ranges;
static bool updating;         /* updates go into the table (set once) */
static bool seeded;           /* and it holds a reload's mappings (once) */
static bool stale;            /* reload before the next answer */
static uint64_t refusals;
static uint64_t reloads;
static uint64_t misses;       /* "yes" read from the maps, the table full */
static GMutex reload_lock;
static PtGuestRangeCheck filter;

/* Per thread: the last ranges found, valid for one version of the table. */
typedef struct HotRange {
    uint64_t start, end, seq;
    int prot;
} HotRange;

#define N_HOT 2

static __thread HotRange hot[N_HOT];
static __thread unsigned hot_next;

static char *read_maps(void)
{
    char *text = NULL;

    return g_file_get_contents("/proc/self/maps", &text, NULL, NULL) ? text
                                                                      : NULL;
}

/*
 * The table from the maps, read under its writers' lock
 * (pt_ranges_reload): an update waits for it. Updates are taken from the
 * moment the first reload begins, so that one landing during it is
 * applied after it, never lost; answers, once it is published.
 */
static void reload(void)
{
    g_mutex_lock(&reload_lock);
    if (!ranges) {
        ranges = pt_ranges_new(0);
    }
    __atomic_store_n(&updating, true, __ATOMIC_SEQ_CST);
    __atomic_store_n(&stale, false, __ATOMIC_SEQ_CST);
    if (pt_ranges_reload(ranges, read_maps) == -1) {
        pt_log("cannot read /proc/self/maps: guest pointers are refused");
    }
    __atomic_fetch_add(&reloads, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&seeded, true, __ATOMIC_SEQ_CST);
    g_mutex_unlock(&reload_lock);
}

static inline bool usable(void)
{
    return __atomic_load_n(&seeded, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&stale, __ATOMIC_RELAXED);
}

/* One look at the table: the run of ranges with prot from addr to end
 * (YES), none (NO), or an overflowed table (UNKNOWN). */
static PtRangeAnswer covered(uint64_t addr, uint64_t end, int prot,
                             uint64_t *start, uint64_t *run_end,
                             uint64_t *seq)
{
    PtRangeAnswer a = pt_ranges_find(ranges, addr, prot, start, run_end, seq);

    return a == PT_RANGE_YES && end > *run_end ? PT_RANGE_NO : a;
}

/*
 * The run of ranges with prot holding [addr, end), and remembers it; false
 * if there is none. While the table has followed every change since it was
 * loaded, its "no" is final: reading the maps again would also find what
 * the host mapped meanwhile (a host library's buffer where the guest freed
 * memory), and the host frees that behind the table's back. Only an
 * overflowed table is confirmed against the kernel's view.
 */
static bool find(uint64_t addr, uint64_t end, int prot, uint64_t *start,
                 uint64_t *run_end)
{
    PtRangeAnswer answer;
    uint64_t seq;

    if (!usable()) {
        reload();
    }
    answer = covered(addr, end, prot, start, run_end, &seq);
    if (answer == PT_RANGE_NO) {
        return false;
    }
    if (answer == PT_RANGE_UNKNOWN) {
        reload();
        if (covered(addr, end, prot, start, run_end, &seq) != PT_RANGE_YES) {
            return false;
        }
        __atomic_fetch_add(&misses, 1, __ATOMIC_RELAXED);
        pt_log_verbose("pointer check: %#" G_GINT64_MODIFIER "x+%"
                       G_GUINT64_FORMAT " answered from the maps (table full)",
                       addr, end - addr);
    }
    hot[hot_next % N_HOT] = (HotRange){ *start, *run_end, seq, prot };
    hot_next++;
    return true;
}

bool pt_guest_check(uint64_t addr, uint64_t len, int prot)
{
    uint64_t end = addr + len, start, run_end;

    if (len == 0) {
        return true;
    }
    if (end < addr ||
        (filter && !filter(addr, len, prot & PT_HTL_WRITE))) {
        return false;
    }
    if (usable()) {
        uint64_t seq = pt_ranges_seq(ranges);

        for (int i = 0; i < N_HOT; i++) {
            if (hot[i].seq == seq && hot[i].start <= addr &&
                end <= hot[i].end && (hot[i].prot & prot) == prot) {
                return true;
            }
        }
    }
    return find(addr, end, prot, &start, &run_end);
}

int64_t pt_guest_check_string(uint64_t addr, uint64_t max)
{
    uint64_t start, end;
    const char *nul;

    if (!addr || !find(addr, addr + 1, PT_HTL_READ, &start, &end)) {
        return -1;
    }
    if (max > end - addr) {
        max = end - addr;
    }
    nul = memchr((const void *)(uintptr_t)addr, 0, max);
    if (!nul || (filter && !filter(addr, (uintptr_t)nul - addr + 1, false))) {
        return -1;
    }
    return (int64_t)((uintptr_t)nul - (uintptr_t)addr);
}

void pt_guest_check_set_filter(PtGuestRangeCheck check)
{
    filter = check;
}

static void refused(void)
{
    __atomic_fetch_add(&refusals, 1, __ATOMIC_RELAXED);
}

uint64_t pt_guest_check_refusals(void)
{
    return __atomic_load_n(&refusals, __ATOMIC_RELAXED);
}

uint64_t pt_guest_check_misses(void)
{
    return __atomic_load_n(&misses, __ATOMIC_RELAXED);
}

uint64_t pt_guest_check_reloads(void)
{
    return __atomic_load_n(&reloads, __ATOMIC_RELAXED);
}

const PtHtlHostApi *pt_guest_check_api(void)
{
    static const PtHtlHostApi api = {
        .version = PT_HTL_API_VERSION,
        .check = pt_guest_check,
        .check_string = pt_guest_check_string,
        .refused = refused,
    };

    return &api;
}

/* Updates: nothing to apply before the first reload, which will see
 * them in the maps. */
static bool tracking(void)
{
    return __atomic_load_n(&updating, __ATOMIC_SEQ_CST);
}

void pt_guest_check_unmap(uint64_t start, uint64_t len)
{
    if (tracking()) {
        pt_ranges_unmap(ranges, start, len);
    }
}

void pt_guest_check_map(uint64_t start, uint64_t len, int prot)
{
    if (tracking()) {
        pt_ranges_map(ranges, start, len, prot);
    }
}

void pt_guest_check_protect(uint64_t start, uint64_t len, int prot)
{
    if (tracking()) {
        pt_ranges_protect(ranges, start, len, prot);
    }
}

void pt_guest_check_narrow(uint64_t start, uint64_t len, int prot)
{
    if (tracking()) {
        pt_ranges_narrow(ranges, start, len, prot);
    }
}

void pt_guest_check_stale(void)
{
    if (tracking()) {
        __atomic_store_n(&stale, true, __ATOMIC_RELEASE);
    }
}
