/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thunk specs: how a library is described, and the macros that turn a
 * description into code on both sides (gtl/wrap.h for the guest, htl/entry.h
 * for the host), so the two can never disagree. A library's spec
 * (libs/<library>/spec.h) is one X-macro list of its functions; every row
 * has the same nine columns:
 *
 *   FN(kind, group, ret_t, name, arity, (types), err, (checks), (extra))
 *
 * kind    how the call is made (below).
 * group   the library's object type the call works on (the group of
 *         entries that must all be on the host for such objects to be), or
 *         `none`.
 * ret_t   the return type (`void` allowed).
 * name    the function; its host entry is NAME_HTL.
 * arity   how many parameters, 0-9; (types) their types. Parameters are
 *         called a0, a1, ... in checks and extras.
 * err     what the guest gets if the host refuses the call once the object
 *         lives on the host (a bad pointer or object).
 * checks  the guest memory the host entry will touch, checked before it
 *         does (htl/guest_access.h's CK_* kinds); ignored by the GTL.
 * extra   what the kind needs (below).
 *
 * Kinds, and their extras:
 *   PLAIN   no state: the host if its entry resolved, else (or if refused)
 *           the guest's own library. extra ().
 *   SIZED   PLAIN, and work smaller than a measured threshold stays in the
 *           guest. extra (size expression, threshold macro).
 *   STRING  PLAIN returning a static string of the library's: the guest
 *           gets a copy in guest memory. extra ().
 *   WHEN    PLAIN when a condition on the arguments holds, else always the
 *           guest's own library (a guest callback among the arguments,
 *           say). extra (condition); the host entry must check it too.
 *   NEW     creates an object of `group` at parameter pos (a stream the
 *           guest owns) or as the result. extra (ga, pos).
 *   ON      works on the object at parameter pos. extra (ga, pos, before,
 *           after): host hooks run before and after the call (htl/entry.h;
 *           htl_no_before / htl_no_after for none).
 *   COPY    (dest a0, source a1) of the group's objects. extra (ga, after).
 *   GUEST   always the guest's own library (no host entry). extra (pos):
 *           with a group, a host object at parameter pos gets the error
 *           value (GROUP_route_guest says), never the guest's code.
 *   HAND(k) the GTL side is written by hand; the host entry is made as
 *           for kind k.
 *
 * ga: PT_NOGA, or PT_GA(pred) for a call that may run the object's guest
 * allocator: it gets a second host entry, NAME_ga_HTL, which can pause for
 * the guest to run it (protocol/passthrough_pause.h); pred(args) says
 * whether this call may allocate at all (htl_ga_always: yes).
 */
#ifndef PASSTHROUGH_THUNK_H
#define PASSTHROUGH_THUNK_H

#define PT_PARAMS_0() void
#define PT_PARAMS_1(t0) t0 a0
#define PT_PARAMS_2(t0, t1) t0 a0, t1 a1
#define PT_PARAMS_3(t0, t1, t2) t0 a0, t1 a1, t2 a2
#define PT_PARAMS_4(t0, t1, t2, t3) t0 a0, t1 a1, t2 a2, t3 a3
#define PT_PARAMS_5(t0, t1, t2, t3, t4) t0 a0, t1 a1, t2 a2, t3 a3, t4 a4
#define PT_PARAMS_6(t0, t1, t2, t3, t4, t5) \
    t0 a0, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5
#define PT_PARAMS_7(t0, t1, t2, t3, t4, t5, t6) \
    t0 a0, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6
#define PT_PARAMS_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    t0 a0, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6, t7 a7
#define PT_PARAMS_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) \
    PT_PARAMS_8(t0, t1, t2, t3, t4, t5, t6, t7), t8 a8

#define PT_NAMES_0()
#define PT_NAMES_1(t0) a0
#define PT_NAMES_2(t0, t1) a0, a1
#define PT_NAMES_3(t0, t1, t2) a0, a1, a2
#define PT_NAMES_4(t0, t1, t2, t3) a0, a1, a2, a3
#define PT_NAMES_5(t0, t1, t2, t3, t4) a0, a1, a2, a3, a4
#define PT_NAMES_6(t0, t1, t2, t3, t4, t5) a0, a1, a2, a3, a4, a5
#define PT_NAMES_7(t0, t1, t2, t3, t4, t5, t6) a0, a1, a2, a3, a4, a5, a6
#define PT_NAMES_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    a0, a1, a2, a3, a4, a5, a6, a7
#define PT_NAMES_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) \
    a0, a1, a2, a3, a4, a5, a6, a7, a8

/* "&a0, &a1, ..., ": the proposal's void *args[]. */
#define PT_ADDRS_0()
#define PT_ADDRS_1(t0) &a0,
#define PT_ADDRS_2(t0, t1) &a0, &a1,
#define PT_ADDRS_3(t0, t1, t2) &a0, &a1, &a2,
#define PT_ADDRS_4(t0, t1, t2, t3) &a0, &a1, &a2, &a3,
#define PT_ADDRS_5(t0, t1, t2, t3, t4) &a0, &a1, &a2, &a3, &a4,
#define PT_ADDRS_6(t0, t1, t2, t3, t4, t5) &a0, &a1, &a2, &a3, &a4, &a5,
#define PT_ADDRS_7(t0, t1, t2, t3, t4, t5, t6) \
    &a0, &a1, &a2, &a3, &a4, &a5, &a6,
#define PT_ADDRS_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    &a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7,
#define PT_ADDRS_9(t0, t1, t2, t3, t4, t5, t6, t7, t8) \
    &a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8,

#define PT_ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define PT_STR_(x) #x
#define PT_STR(x) PT_STR_(x)
#define PT_STRIP(...) __VA_ARGS__
#define PT_CAT_(a, ...) a##__VA_ARGS__
#define PT_CAT(a, ...) PT_CAT_(a, __VA_ARGS__)

/* The n-th element of a parenthesised list: PT_ARG1 (x, y) is y. */
#define PT_ARG0(...) PT_ARG0_(__VA_ARGS__, ~)
#define PT_ARG0_(a, ...) a
#define PT_ARG1(...) PT_ARG1_(__VA_ARGS__, ~, ~)
#define PT_ARG1_(a, b, ...) b
#define PT_ARG2(...) PT_ARG2_(__VA_ARGS__, ~, ~, ~)
#define PT_ARG2_(a, b, c, ...) c
#define PT_ARG3(...) PT_ARG3_(__VA_ARGS__, ~, ~, ~, ~)
#define PT_ARG3_(a, b, c, d, ...) d

/*
 * Tests on a column's first token, by pasting it to a probe that only the
 * token asked about turns into two arguments.
 */
#define PT_PROBE_SECOND_(a, b, ...) b
#define PT_PROBE_(...) PT_PROBE_SECOND_(__VA_ARGS__, 0, ~)
#define PT_IF_0(yes, no) PT_STRIP no
#define PT_IF_1(yes, no) PT_STRIP yes

/* PT_IF_VOID(ret_t)((if void), (if not)). */
#define PT_PROBE_void ~, 1
#define PT_IS_VOID(t) PT_PROBE_(PT_PROBE_##t)
#define PT_IF_VOID(t) PT_CAT(PT_IF_, PT_IS_VOID(t))

/* The ga column: PT_NOGA, or PT_GA(pred). PT_IF_GA(ga)((if), (if not)). */
#define PT_PROBE_PT_GA(pred) ~, 1
#define PT_IS_GA(ga) PT_PROBE_(PT_PROBE_##ga)
#define PT_IF_GA(ga) PT_CAT(PT_IF_, PT_IS_GA(ga))
#define PT_GA_PRED_PT_GA(pred) pred
#define PT_GA_PRED(ga) PT_GA_PRED_##ga

/* The ga column of a row of kind NEW, ON or COPY (the first of its extra);
 * PT_NOGA for the other kinds. */
#define PT_GA_OF(kind, extra) PT_CAT(PT_GA_OF_, kind)(extra)
#define PT_GA_OF_PLAIN(extra) PT_NOGA
#define PT_GA_OF_SIZED(extra) PT_NOGA
#define PT_GA_OF_STRING(extra) PT_NOGA
#define PT_GA_OF_WHEN(extra) PT_NOGA
#define PT_GA_OF_GUEST(extra) PT_NOGA
#define PT_GA_OF_NEW(extra) PT_ARG0 extra
#define PT_GA_OF_ON(extra) PT_ARG0 extra
#define PT_GA_OF_COPY(extra) PT_ARG0 extra
#define PT_GA_OF_HAND(k) PT_GA_OF_##k

/* Whether a row's kind is HAND(k): 1 or 0. */
#define PT_PROBE_HAND(k) ~, 1
#define PT_IS_HAND(kind) PT_PROBE_(PT_PROBE_##kind)

/* Whether a row's kind is SIZED: 1 or 0. */
#define PT_PROBE_SIZED_SIZED ~, 1
#define PT_IS_SIZED(kind) PT_PROBE_(PT_PROBE_SIZED_##kind)

/* Whether a row of this kind has a host entry (GUEST has none, nor
 * HAND(GUEST): a function the GTL writes itself, on the guest). */
#define PT_HAS_HTL(kind) PT_CAT(PT_HAS_HTL_, kind)
#define PT_HAS_HTL_PLAIN 1
#define PT_HAS_HTL_SIZED 1
#define PT_HAS_HTL_STRING 1
#define PT_HAS_HTL_WHEN 1
#define PT_HAS_HTL_NEW 1
#define PT_HAS_HTL_ON 1
#define PT_HAS_HTL_COPY 1
#define PT_HAS_HTL_GUEST 0
#define PT_HAS_HTL_HAND(k) PT_HAS_HTL_##k

/* Stringifies a parameter without expanding it (a library's headers may
 * have made the function's name a macro). */
#define PT_NAME_STR(name) #name

#endif
