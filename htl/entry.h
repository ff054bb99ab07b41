/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host entry skeleton: a library's HTL expands its spec (spec/thunk.h)
 * with HTL_ENTRY and HTL_GA_ENTRY, and gets every NAME_HTL and NAME_ga_HTL
 * entry, in the upstream proposal's convention: NAME_HTL(void **args,
 * void *ret), args[i] pointing at the i-th argument's value and ret at the
 * return value's slot, all in guest memory.
 *
 * An entry copies its arguments in through checked loads into locals a0,
 * a1, ... (lv[i] is &ai), runs the row's checks, then its kind's enter
 * (claiming the object the call works on, and pointing the argument at the
 * host's copy of it), calls the function, runs its kind's after, and
 * stores the result. A bad pointer or object gets the row's error value
 * and is counted in the plugin's stats (pointer_refusals).
 *
 * What a kind does with a group's objects is the library's: for a row
 * (kind, group, ...) the HTL defines, before expanding its spec,
 *
 *   NEW:  bool GROUP_new(void **o, void **lv, int pos)
 *         void GROUP_new_done(void **o, void **lv, void *r)
 *   ON:   bool GROUP_enter(void **o, void **lv, int pos)
 *   COPY: bool GROUP_copy_enter(void **o, void **lv)   (dest a0, source a1)
 *   all:  void GROUP_leave(void **o)
 *
 * o[2] holds the objects a call claimed (what they are is the group's),
 * r points at the result. ON's before(o, lv) and after(o, lv, r) hooks and
 * COPY's after are named in the row; htl_no_before, htl_no_after: none.
 */
#ifndef HTL_ENTRY_H
#define HTL_ENTRY_H

#include "guest_access.h"
#include "guest_alloc.h"
#include "passthrough_entries.h"
#include "thunk.h"

/*
 * CK_INOUT(i): argument i points to a value the call reads and writes (a
 * length, say). It is copied in once, after checking the guest's is
 * writable, and the argument points at the copy, so the other checks and
 * the call see one value whatever another guest thread does; it is copied
 * back after the call. CK_INOUT0: NULL allowed. The skeleton's io[] and
 * inout (which of them are in use) hold the copies.
 */
typedef struct HtlInOut {
    uint64_t value;
    void *guest;
    size_t size;
} HtlInOut;

static inline bool htl_inout(HtlInOut *io, unsigned *inout, int i,
                             void *arg, size_t size, bool null_ok)
{
    void *g = *(void **)arg;

    if (!g) {
        return null_ok;
    }
    if (size > sizeof(io[i].value) || !htl_load(&io[i].value, g, size) ||
        !htl_writable(g, size)) {
        return false;
    }
    io[i].guest = g;
    io[i].size = size;
    *inout |= 1u << i;
    *(void **)arg = &io[i].value;
    return true;
}

static inline void htl_inout_back(const HtlInOut *io, unsigned inout)
{
    for (int i = 0; inout; i++, inout >>= 1) {
        if ((inout & 1) && !htl_store(io[i].guest, &io[i].value,
                                      io[i].size)) {
            htl_refused();
        }
    }
}

/*
 * A check that copies a struct in (its pointers replaced by checked
 * copies) sets the entry's `back` to put it back after the call: what the
 * library wrote, with the guest's own pointers. One per entry. A copy
 * that holds memory of its own also sets `drop`, which frees it when the
 * call is refused after the check (fn frees it after a call).
 */
typedef struct HtlBack {
    void (*fn)(void *copy);
    void (*drop)(void *copy);
    void *copy;
} HtlBack;

static inline void htl_back(const HtlBack *back)
{
    if (back->fn) {
        back->fn(back->copy);
    }
}

static inline void htl_back_drop(const HtlBack *back)
{
    if (back->drop) {
        back->drop(back->copy);
    }
}

#define CK_INOUT(i) \
    && htl_inout(io, &inout, i, lv[i], sizeof(*a##i), false)
#define CK_INOUT0(i) \
    && htl_inout(io, &inout, i, lv[i], sizeof(*a##i), true)
/* A condition on the arguments' values. */
#define CK_IF(cond) && (cond)

static inline bool htl_no_before(void **o, void **lv)
{
    (void)o;
    (void)lv;
    return true;
}

static inline void htl_no_after(void **o, void **lv, void *r)
{
    (void)o;
    (void)lv;
    (void)r;
}

/* The result, if the guest's slot for it is writable. */
static inline void htl_put_result(void *ret, const void *r, size_t n)
{
    if (!htl_store(ret, r, n)) {
        htl_refused();
    }
}

/* Locals a0, a1, ... for the arguments, and their checked loads. */
#define HTL_DECL_0()
#define HTL_DECL_1(t0) t0 a0;
#define HTL_DECL_2(t0, t1) HTL_DECL_1(t0) t1 a1;
#define HTL_DECL_3(t0, t1, t2) HTL_DECL_2(t0, t1) t2 a2;
#define HTL_DECL_4(t0, t1, t2, t3) HTL_DECL_3(t0, t1, t2) t3 a3;
#define HTL_DECL_5(t0, t1, t2, t3, t4) HTL_DECL_4(t0, t1, t2, t3) t4 a4;
#define HTL_DECL_6(t0, t1, t2, t3, t4, t5) \
    HTL_DECL_5(t0, t1, t2, t3, t4) t5 a5;
#define HTL_DECL_7(t0, t1, t2, t3, t4, t5, t6) \
    HTL_DECL_6(t0, t1, t2, t3, t4, t5) t6 a6;
#define HTL_DECL_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    HTL_DECL_7(t0, t1, t2, t3, t4, t5, t6) t7 a7;
#define HTL_DECL_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) \
    HTL_DECL_8(t0, t1, t2, t3, t4, t5, t6, t7) t8 a8;

#define HTL_LOAD_0()
#define HTL_LOAD_1(t0) && htl_load(&a0, av[0], sizeof(a0))
#define HTL_LOAD_2(t0, t1) HTL_LOAD_1(t0) && htl_load(&a1, av[1], sizeof(a1))
#define HTL_LOAD_3(t0, t1, t2) \
    HTL_LOAD_2(t0, t1) && htl_load(&a2, av[2], sizeof(a2))
#define HTL_LOAD_4(t0, t1, t2, t3) \
    HTL_LOAD_3(t0, t1, t2) && htl_load(&a3, av[3], sizeof(a3))
#define HTL_LOAD_5(t0, t1, t2, t3, t4) \
    HTL_LOAD_4(t0, t1, t2, t3) && htl_load(&a4, av[4], sizeof(a4))
#define HTL_LOAD_6(t0, t1, t2, t3, t4, t5) \
    HTL_LOAD_5(t0, t1, t2, t3, t4) && htl_load(&a5, av[5], sizeof(a5))
#define HTL_LOAD_7(t0, t1, t2, t3, t4, t5, t6) \
    HTL_LOAD_6(t0, t1, t2, t3, t4, t5) && htl_load(&a6, av[6], sizeof(a6))
#define HTL_LOAD_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    HTL_LOAD_7(t0, t1, t2, t3, t4, t5, t6) && htl_load(&a7, av[7], sizeof(a7))
#define HTL_LOAD_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) \
    HTL_LOAD_8(t0, t1, t2, t3, t4, t5, t6, t7) && \
    htl_load(&a8, av[8], sizeof(a8))

/* The row's kind as the host sees it: HAND(k) is k. */
#define HTL_KIND(kind) PT_CAT(HTL_KIND_, kind)
#define HTL_KIND_PLAIN PLAIN
#define HTL_KIND_SIZED PLAIN
#define HTL_KIND_STRING PLAIN
#define HTL_KIND_WHEN PLAIN
#define HTL_KIND_NEW NEW
#define HTL_KIND_ON ON
#define HTL_KIND_COPY COPY
#define HTL_KIND_GUEST PLAIN
#define HTL_KIND_HAND(k) HTL_KIND_##k

/* What each kind does before the call (a condition), after it, and at the
 * end whatever happened. */
#define HTL_ENTER_PLAIN(group, extra) 1
#define HTL_ENTER_NEW(group, extra) group##_new(o, lv, PT_ARG1 extra)
#define HTL_ENTER_ON(group, extra) \
    group##_enter(o, lv, PT_ARG1 extra) && PT_ARG2 extra(o, lv)
#define HTL_ENTER_COPY(group, extra) group##_copy_enter(o, lv)

#define HTL_AFTER_PLAIN(group, extra)
#define HTL_AFTER_NEW(group, extra) group##_new_done(o, lv, &r);
#define HTL_AFTER_ON(group, extra) PT_ARG3 extra(o, lv, &r);
#define HTL_AFTER_COPY(group, extra) PT_ARG1 extra(o, lv, &r);

#define HTL_LEAVE_PLAIN(group)
#define HTL_LEAVE_NEW(group) group##_leave(o);
#define HTL_LEAVE_ON(group) group##_leave(o);
#define HTL_LEAVE_COPY(group) group##_leave(o);

/* A void function's entry has a result of its own, never stored. */
#define HTL_RESULT(ret_t, err) \
    PT_IF_VOID(ret_t)((char r = 0; (void)ret;), (ret_t r = err;))
#define HTL_CALL(ret_t, fn, n, types) \
    PT_IF_VOID(ret_t)((fn(PT_NAMES_##n types);), \
                      (r = fn(PT_NAMES_##n types);))
#define HTL_PUT(ret_t) \
    PT_IF_VOID(ret_t)((), (htl_put_result(ret, &r, sizeof(r));))

/*
 * One entry per row that has one. The function is called as (name)(...),
 * so a library header's macro of the same name is not expanded. Checks and
 * hooks that are macros may name `ret`, the guest's slot for the result.
 */
#define HTL_ENTRY(kind, group, ret_t, name, n, types, err, checks, extra) \
    PT_CAT(HTL_ENTRY_IF_, PT_HAS_HTL(kind))                                \
    (HTL_KIND(kind), group, ret_t, PT_ENTRY_SYMBOL(name), (name), n,       \
     types, err, checks, extra)
#define HTL_ENTRY_IF_0(...)
#define HTL_ENTRY_IF_1(k, group, ret_t, sym, fn, n, types, err, checks,   \
                       extra)                                              \
    HTL_EXPORT void sym(void **args, void *ret);                           \
    void sym(void **args, void *ret)                                       \
    {                                                                      \
        void *av[n + 1];                                                   \
        HTL_DECL_##n types                                                 \
        void *lv[] = { PT_ADDRS_##n types NULL };                          \
        HtlInOut io[n + 1];                                                \
        unsigned inout = 0;                                                \
        HtlBack back = { NULL, NULL, NULL };                               \
        void *o[2] = { NULL, NULL };                                       \
        HTL_RESULT(ret_t, err)                                             \
        (void)lv;                                                          \
        (void)io;                                                          \
        (void)back;                                                        \
        (void)o;                                                           \
        if (htl_load(av, args, n * sizeof(void *)) HTL_LOAD_##n types      \
            PT_STRIP checks && PT_CAT(HTL_ENTER_, k)(group, extra)) {      \
            HTL_CALL(ret_t, fn, n, types)                                  \
            PT_CAT(HTL_AFTER_, k)(group, extra)                            \
            htl_inout_back(io, inout);                                     \
            htl_back(&back);                                               \
        } else {                                                           \
            htl_back_drop(&back);                                          \
            htl_refused();                                                 \
        }                                                                  \
        PT_CAT(HTL_LEAVE_, k)(group)                                       \
        HTL_PUT(ret_t)                                                     \
    }

/* NAME_ga_HTL, for the rows whose ga column is PT_GA(pred). */
#define HTL_GA_ENTRY(kind, group, ret_t, name, n, types, err, checks, extra) \
    HTL_GA_ENTRY_(PT_GA_OF(kind, extra), PT_GA_ENTRY_SYMBOL(name),          \
                  PT_ENTRY_SYMBOL(name), n)
#define HTL_GA_ENTRY_(ga, sym, fn, n) \
    PT_IF_GA(ga)((HTL_GA_ENTRY_DEF(sym, fn, n, PT_GA_PRED(ga))), ())
#define HTL_GA_ENTRY_DEF(sym, fn, n, pred)                                 \
    HTL_EXPORT void sym(void **args, void *ret);                           \
    void sym(void **args, void *ret)                                       \
    {                                                                      \
        htl_ga_entry(fn, args, ret, n, pred);                              \
    }

#endif
