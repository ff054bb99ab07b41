/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_check.h"

#include <glib.h>
#include <pthread.h>
#include <string.h>

#include "guest_ranges.h"
#include "log.h"

static PtGuestRanges *ranges;
static bool updating;         /* updates go into the table (set once) */
static bool seeded;           /* and it holds a reload's mappings (once) */
/* Changes not followed exactly, so far, and how many of them the table
 * has seen (read the maps after): it answers when the two are equal. */
static uint64_t stale_events;
static uint64_t loaded_events;
static uint64_t refusals;
static uint64_t reloads;
static uint64_t misses;       /* "yes" read from the maps, the table full */
static GMutex reload_lock;
static PtGuestRangeCheck filter;

/*
 * With verbose=on: the last changes to the table, for a refusal's log.
 * Best effort (slots may be overwritten while read): diagnostics only.
 */
typedef struct Change {
    char what;               /* u(nmap) m(ap) p(rotect) n(arrow) s(tale)
                              * R(eload) */
    int prot;
    uint64_t start, len;
    unsigned long thread;
} Change;

#define N_CHANGES 64

static Change changes[N_CHANGES];
static unsigned n_changes;

static void note_change(char what, uint64_t start, uint64_t len, int prot)
{
    if (pt_log_is_verbose) {
        unsigned i = __atomic_fetch_add(&n_changes, 1, __ATOMIC_RELAXED);

        changes[i % N_CHANGES] = (Change){ what, prot, start, len,
                                           (unsigned long)pthread_self() };
    }
}

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

/* Where reload() reads the maps (tests put a slower reader in). */
static char *(*maps_reader)(void) = read_maps;

void pt_guest_check_set_maps_reader(char *(*reader)(void))
{
    maps_reader = reader ? reader : read_maps;
}

/*
 * The table from the maps, read under its writers' lock
 * (pt_ranges_reload): an update waits for it. Updates are taken from the
 * moment the first reload begins, so that one landing during it is
 * applied after it, never lost; answers, once it is published. The table
 * answers again only once a reload that began after every change not
 * followed has published: a check meanwhile waits for it (reload_lock),
 * never answering from the table being replaced. Unless forced (to
 * confirm an overflowed table), a reload that finds one published since
 * its caller looked (after `seen` such changes) is not made again.
 */
static void reload(uint64_t seen, bool force)
{
    uint64_t want;

    g_mutex_lock(&reload_lock);
    if (!force && __atomic_load_n(&seeded, __ATOMIC_ACQUIRE) &&
        __atomic_load_n(&loaded_events, __ATOMIC_ACQUIRE) >= seen) {
        g_mutex_unlock(&reload_lock);
        return;
    }
    if (!ranges) {
        ranges = pt_ranges_new(0);
    }
    __atomic_store_n(&updating, true, __ATOMIC_SEQ_CST);
    want = __atomic_load_n(&stale_events, __ATOMIC_SEQ_CST);
    if (pt_ranges_reload(ranges, maps_reader) == -1) {
        pt_log("cannot read /proc/self/maps: guest pointers are refused");
    }
    __atomic_fetch_add(&reloads, 1, __ATOMIC_RELAXED);
    note_change('R', 0, 0, 0);
    __atomic_store_n(&loaded_events, want, __ATOMIC_RELEASE);
    __atomic_store_n(&seeded, true, __ATOMIC_RELEASE);
    g_mutex_unlock(&reload_lock);
}

/* Whether the table may answer; else *seen is the changes not followed
 * so far, for reload(). */
static inline bool usable(uint64_t *seen)
{
    *seen = __atomic_load_n(&stale_events, __ATOMIC_ACQUIRE);
    return __atomic_load_n(&seeded, __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&loaded_events, __ATOMIC_ACQUIRE) == *seen;
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
    uint64_t seq, seen;

    if (!usable(&seen)) {
        reload(seen, false);
    }
    answer = covered(addr, end, prot, start, run_end, &seq);
    if (answer == PT_RANGE_NO) {
        return false;
    }
    if (answer == PT_RANGE_UNKNOWN) {
        reload(seen, true);
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

/*
 * With verbose=on: a refused pointer, with what the table and the
 * kernel's maps hold around it now, so that a refusal of memory the guest
 * does have mapped (the table behind) can be told from a bad one.
 */
#define LOG_AROUND (256 << 10)
#define MAX_HISTORIES 3

static unsigned histories;

static void log_refusal(uint64_t addr, uint64_t len, int prot)
{
    unsigned seen = __atomic_load_n(&n_changes, __ATOMIC_RELAXED), n;
    uint64_t from = addr > LOG_AROUND ? addr - LOG_AROUND : 0;
    uint64_t to = addr + len + LOG_AROUND;
    g_autofree char *maps = read_maps();
    g_autoptr(GString) table = g_string_new("");
    g_autoptr(GString) now = g_string_new("");

    pt_ranges_describe(ranges, from, to, table);
    pt_ranges_describe_maps(maps, from, to, now);
    pt_log("pointer check: %#" G_GINT64_MODIFIER "x+%" G_GUINT64_FORMAT
           " (%s%s) refused on thread %lu after change %u (%" G_GUINT64_FORMAT
           " reloads)", addr, len, prot & PT_HTL_READ ? "r" : "",
           prot & PT_HTL_WRITE ? "w" : "",
           (unsigned long)pthread_self() % 100000, seen,
           pt_guest_check_reloads());
    pt_log("  the table around it:%s", table->str);
    pt_log("  the maps now:%s", now->str);
    /* The history for the first few only: a hostile guest makes many. */
    if (__atomic_fetch_add(&histories, 1, __ATOMIC_RELAXED) >= MAX_HISTORIES) {
        return;
    }
    n = __atomic_load_n(&n_changes, __ATOMIC_RELAXED);
    for (unsigned i = n > N_CHANGES ? n - N_CHANGES : 0; i < n; i++) {
        const Change *c = &changes[i % N_CHANGES];

        pt_log("  change %u: %c on %lu %" G_GINT64_MODIFIER "x+%"
               G_GINT64_MODIFIER "x/%d", i, c->what, c->thread % 100000,
               c->start, c->len, c->prot);
    }
}

bool pt_guest_check(uint64_t addr, uint64_t len, int prot)
{
    uint64_t end = addr + len, start, run_end, seen;

    if (len == 0) {
        return true;
    }
    if (end < addr ||
        (filter && !filter(addr, len, prot & PT_HTL_WRITE))) {
        return false;
    }
    if (usable(&seen)) {
        uint64_t seq = pt_ranges_seq(ranges);

        for (int i = 0; i < N_HOT; i++) {
            if (hot[i].seq == seq && hot[i].start <= addr &&
                end <= hot[i].end && (hot[i].prot & prot) == prot) {
                return true;
            }
        }
    }
    if (find(addr, end, prot, &start, &run_end)) {
        return true;
    }
    if (pt_log_is_verbose) {
        log_refusal(addr, len, prot);
    }
    return false;
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
    note_change('u', start, len, 0);
    if (tracking()) {
        pt_ranges_unmap(ranges, start, len);
    }
}

void pt_guest_check_map(uint64_t start, uint64_t len, int prot)
{
    note_change('m', start, len, prot);
    if (tracking()) {
        pt_ranges_map(ranges, start, len, prot);
    }
}

void pt_guest_check_protect(uint64_t start, uint64_t len, int prot)
{
    note_change('p', start, len, prot);
    if (tracking()) {
        pt_ranges_protect(ranges, start, len, prot);
    }
}

void pt_guest_check_narrow(uint64_t start, uint64_t len, int prot)
{
    note_change('n', start, len, prot);
    if (tracking()) {
        pt_ranges_narrow(ranges, start, len, prot);
    }
}

void pt_guest_check_stale(void)
{
    note_change('s', 0, 0, 0);
    if (tracking()) {
        __atomic_fetch_add(&stale_events, 1, __ATOMIC_SEQ_CST);
    }
}
