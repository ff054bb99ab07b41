/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_ranges.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_CAPACITY 65536  /* the kernel's default vm.max_map_count */

typedef struct Range {
    uint64_t start, end;  /* [start, end) */
    int prot;
} Range;

struct PtGuestRanges {
    GMutex lock;          /* writers */
    uint64_t seq;         /* odd while a writer changes the table */
    int cap;
    int n;
    bool overflow;        /* an update did not fit: answers are UNKNOWN */
    Range *live;          /* cap entries, sorted, disjoint, merged */
    Range *scratch;       /* cap + 3 entries: the next table, writers only */
};

PtGuestRanges *pt_ranges_new(int capacity)
{
    PtGuestRanges *r = g_new0(PtGuestRanges, 1);

    g_mutex_init(&r->lock);
    r->cap = capacity > 0 ? capacity : DEFAULT_CAPACITY;
    r->live = g_new0(Range, r->cap);
    r->scratch = g_new0(Range, r->cap + 3);
    return r;
}

void pt_ranges_free(PtGuestRanges *r)
{
    g_free(r->live);
    g_free(r->scratch);
    g_mutex_clear(&r->lock);
    g_free(r);
}

/*
 * Under the lock: makes list (n entries, sorted) the table readers see; if
 * it does not fit, the table is unusable until the next load.
 */
static void publish(PtGuestRanges *r, const Range *list, int n)
{
    uint64_t seq = r->seq;
    bool overflow = n > r->cap;

    __atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&r->overflow, overflow, __ATOMIC_RELAXED);
    n = overflow ? 0 : n;
    for (int i = 0; i < n; i++) {
        __atomic_store_n(&r->live[i].start, list[i].start, __ATOMIC_RELAXED);
        __atomic_store_n(&r->live[i].end, list[i].end, __ATOMIC_RELAXED);
        __atomic_store_n(&r->live[i].prot, list[i].prot, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&r->n, n, __ATOMIC_RELAXED);
    __atomic_store_n(&r->seq, seq + 2, __ATOMIC_RELEASE);
}

/* Joins neighbours that touch and have the same protection. */
static int merge(Range *list, int n)
{
    int k = 0;

    for (int i = 0; i < n; i++) {
        if (list[i].start >= list[i].end) {
            continue;
        }
        if (k && list[k - 1].end == list[i].start &&
            list[k - 1].prot == list[i].prot) {
            list[k - 1].end = list[i].end;
        } else {
            list[k++] = list[i];
        }
    }
    return k;
}

typedef enum Mode { MAP, UNMAP, PROTECT, NARROW } Mode;

static uint64_t end_of(uint64_t start, uint64_t len)
{
    return start + len < start ? UINT64_MAX : start + len;
}

static void apply(PtGuestRanges *r, uint64_t s, uint64_t len, int prot,
                  Mode mode)
{
    uint64_t e = end_of(s, len);
    Range *out = r->scratch;
    bool inserted = false;
    int k = 0;

    if (s >= e) {
        return;
    }
    g_mutex_lock(&r->lock);
    if (r->overflow) {
        /* Unknown until reloaded: nothing to update. */
        g_mutex_unlock(&r->lock);
        return;
    }
    for (int i = 0; i < r->n; i++) {
        Range c = r->live[i];

        if (c.end <= s || c.start >= e) {
            if (mode == MAP && !inserted && c.start >= e) {
                out[k++] = (Range){ s, e, prot };
                inserted = true;
            }
            out[k++] = c;
        } else {
            if (c.start < s) {
                out[k++] = (Range){ c.start, s, c.prot };
            }
            if (mode == MAP && !inserted) {
                out[k++] = (Range){ s, e, prot };
                inserted = true;
            } else if (mode == PROTECT || mode == NARROW) {
                out[k++] = (Range){ MAX(c.start, s), MIN(c.end, e),
                                    mode == NARROW ? c.prot & prot : prot };
            }
            if (c.end > e) {
                out[k++] = (Range){ e, c.end, c.prot };
            }
        }
        if (k > r->cap) {
            break;  /* publish() marks the overflow */
        }
    }
    if (mode == MAP && !inserted && k <= r->cap) {
        out[k++] = (Range){ s, e, prot };
    }
    publish(r, out, k > r->cap ? k : merge(out, k));
    g_mutex_unlock(&r->lock);
}

void pt_ranges_map(PtGuestRanges *r, uint64_t start, uint64_t len, int prot)
{
    apply(r, start, len, prot, MAP);
}

void pt_ranges_unmap(PtGuestRanges *r, uint64_t start, uint64_t len)
{
    apply(r, start, len, 0, UNMAP);
}

void pt_ranges_protect(PtGuestRanges *r, uint64_t start, uint64_t len,
                       int prot)
{
    apply(r, start, len, prot, PROTECT);
}

void pt_ranges_narrow(PtGuestRanges *r, uint64_t start, uint64_t len,
                      int prot)
{
    apply(r, start, len, prot, NARROW);
}

void pt_ranges_remap(PtGuestRanges *r, uint64_t old_start, uint64_t old_len,
                     uint64_t new_start, uint64_t new_len)
{
    int prot = 0;
    bool found = false;

    /* The new range takes the protection at the old range's start. */
    g_mutex_lock(&r->lock);
    for (int i = 0; i < r->n && !found; i++) {
        if (r->live[i].start <= old_start && old_start < r->live[i].end) {
            prot = r->live[i].prot;
            found = true;
        }
    }
    g_mutex_unlock(&r->lock);
    pt_ranges_unmap(r, old_start, old_len);
    if (found) {
        pt_ranges_map(r, new_start, new_len, prot);
    }
}

/* The mappings of /proc/<pid>/maps text, in order; NULL if malformed. */
static GArray *parse_maps(const char *text)
{
    GArray *list = g_array_new(false, false, sizeof(Range));
    const char *line = text;

    while (line && *line) {
        const char *next = strchr(line, '\n');
        unsigned long long start, end;
        char perms[5] = "";
        Range range;

        if (sscanf(line, "%llx-%llx %4s", &start, &end, perms) != 3 ||
            end <= start || strlen(perms) != 4) {
            if (next || *line) {
                g_array_free(list, true);
                return NULL;
            }
            break;
        }
        range.start = start;
        range.end = end;
        range.prot = (perms[0] == 'r' ? PT_RANGE_READ : 0) |
                     (perms[1] == 'w' ? PT_RANGE_WRITE : 0) |
                     (perms[2] == 'x' ? PT_RANGE_EXEC : 0);
        g_array_append_val(list, range);
        line = next ? next + 1 : NULL;
    }
    return list;
}

/* Under the lock: the table becomes the list's mappings (none: empty). */
static int load_locked(PtGuestRanges *r, GArray *list)
{
    int n = list ? (int)list->len : 0;

    if (n > r->cap) {
        publish(r, NULL, n);
    } else {
        if (n) {
            memcpy(r->scratch, list->data, n * sizeof(Range));
        }
        publish(r, r->scratch, merge(r->scratch, n));
    }
    return list ? n : -1;
}

int pt_ranges_load_maps(PtGuestRanges *r, const char *text)
{
    GArray *list = parse_maps(text);
    int n;

    if (!list) {
        return -1;   /* table unchanged */
    }
    g_mutex_lock(&r->lock);
    n = load_locked(r, list);
    g_mutex_unlock(&r->lock);
    g_array_free(list, true);
    return n;
}

int pt_ranges_reload(PtGuestRanges *r, char *(*read)(void))
{
    GArray *list;
    char *text;
    int n;

    g_mutex_lock(&r->lock);
    text = read();
    list = text ? parse_maps(text) : NULL;
    n = load_locked(r, list);
    g_mutex_unlock(&r->lock);
    if (list) {
        g_array_free(list, true);
    }
    g_free(text);
    return n;
}

/* How many of the n live ranges start at or below addr (the index after
 * the last such one). Inside a reader's look at the table. */
static int ranges_upto(PtGuestRanges *r, int n, uint64_t addr)
{
    int lo = 0, hi = n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (__atomic_load_n(&r->live[mid].start, __ATOMIC_RELAXED) <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Live range i, as a reader sees it: its start and end, and its prot. */
static int range_at(PtGuestRanges *r, int i, uint64_t *start, uint64_t *end)
{
    *start = __atomic_load_n(&r->live[i].start, __ATOMIC_RELAXED);
    *end = __atomic_load_n(&r->live[i].end, __ATOMIC_RELAXED);
    return __atomic_load_n(&r->live[i].prot, __ATOMIC_RELAXED);
}

/*
 * A reader's look at the table begins: its sequence number (false if a
 * writer is at work), how many ranges are live, and *lo, the index after
 * the last range starting at or below addr (-1 if the table overflowed
 * and so knows nothing).
 */
static bool look_begin(PtGuestRanges *r, uint64_t addr, uint64_t *seq,
                       int *n, int *lo)
{
    *seq = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
    if (*seq & 1) {
        return false;
    }
    *n = __atomic_load_n(&r->n, __ATOMIC_RELAXED);
    *lo = __atomic_load_n(&r->overflow, __ATOMIC_RELAXED)
              ? -1 : ranges_upto(r, *n, addr);
    return true;
}

/* Whether the look was consistent: no writer got in the way. */
static bool look_end(PtGuestRanges *r, uint64_t seq)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&r->seq, __ATOMIC_RELAXED) == seq;
}

/*
 * One consistent look for the run of ranges with prot holding addr (ranges
 * sorted and disjoint, each starting where the last one ended), followed
 * until it reaches `until`; false if a writer got in the way.
 */
static bool try_find(PtGuestRanges *r, uint64_t addr, uint64_t until,
                     int prot, uint64_t *start, uint64_t *end,
                     PtRangeAnswer *answer)
{
    uint64_t seq;
    int n, lo;

    if (!look_begin(r, addr, &seq, &n, &lo)) {
        return false;
    }
    *answer = lo < 0 ? PT_RANGE_UNKNOWN : PT_RANGE_NO;
    for (int i = lo - 1; i >= 0 && i < n; i++) {
        uint64_t s, e;
        int p = range_at(r, i, &s, &e);

        if ((*answer == PT_RANGE_NO && (s > addr || e <= addr)) ||
            (*answer == PT_RANGE_YES && s != *end) || (p & prot) != prot) {
            break;
        }
        if (*answer == PT_RANGE_NO) {
            *start = s;
            *answer = PT_RANGE_YES;
        }
        *end = e;
        if (e >= until) {
            break;
        }
    }
    return look_end(r, seq);
}

PtRangeAnswer pt_ranges_check(PtGuestRanges *r, uint64_t addr, uint64_t len,
                              int prot)
{
    uint64_t end = addr + len, start, run_end = 0;
    PtRangeAnswer answer = PT_RANGE_NO;

    if (len == 0) {
        return PT_RANGE_YES;
    }
    if (end < addr) {
        return PT_RANGE_NO;
    }
    while (!try_find(r, addr, end, prot, &start, &run_end, &answer)) {
        /* A writer is at work: it is quick. */
    }
    return answer == PT_RANGE_YES && run_end < end ? PT_RANGE_NO : answer;
}

PtRangeAnswer pt_ranges_find(PtGuestRanges *r, uint64_t addr, int prot,
                             uint64_t *start, uint64_t *end, uint64_t *seq)
{
    PtRangeAnswer answer = PT_RANGE_NO;

    do {
        *seq = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
    } while (!try_find(r, addr, UINT64_MAX, prot, start, end, &answer) ||
             __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != *seq);
    return answer;
}

uint64_t pt_ranges_seq(PtGuestRanges *r)
{
    return __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
}

int pt_ranges_count(PtGuestRanges *r)
{
    int n;

    g_mutex_lock(&r->lock);
    n = r->overflow ? -1 : r->n;
    g_mutex_unlock(&r->lock);
    return n;
}

/* The n ranges of list that meet [from, to), appended as text. */
static void describe(const Range *list, int n, uint64_t from, uint64_t to,
                     GString *out)
{
    for (int i = 0; i < n; i++) {
        const Range *c = &list[i];

        if (c->end > from && c->start < to) {
            g_string_append_printf(out, " %" G_GINT64_MODIFIER "x-%"
                                   G_GINT64_MODIFIER "x %c%c%c", c->start,
                                   c->end, c->prot & PT_RANGE_READ ? 'r' : '-',
                                   c->prot & PT_RANGE_WRITE ? 'w' : '-',
                                   c->prot & PT_RANGE_EXEC ? 'x' : '-');
        }
    }
}

void pt_ranges_describe(PtGuestRanges *r, uint64_t from, uint64_t to,
                        GString *out)
{
    g_mutex_lock(&r->lock);
    describe(r->live, r->overflow ? 0 : r->n, from, to, out);
    g_mutex_unlock(&r->lock);
}

void pt_ranges_describe_maps(const char *text, uint64_t from, uint64_t to,
                             GString *out)
{
    GArray *list = text ? parse_maps(text) : NULL;

    if (list) {
        describe((const Range *)list->data, (int)list->len, from, to, out);
        g_array_free(list, true);
    }
}
