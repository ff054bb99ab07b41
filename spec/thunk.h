/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Macros that turn a thunk spec (an X-macro list of functions, see
 * zlib_spec.h) into code. A spec entry names the function, its arity and a
 * parenthesised list of parameter types:
 *
 *     FN(int, compress2, 5, (Bytef *, uLongf *, const Bytef *, uLong, int))
 *
 * PT_PARAMS_n(types) -> "t0 a0, t1 a1, ..."     (a definition's parameters)
 * PT_NAMES_n(types)  -> "a0, a1, ..."           (a call's arguments)
 * PT_ADDRS_n(types)  -> "&a0, &a1, ..., "       (the proposal's void *args[])
 * PT_UNPACK_n(types) -> "*(t0 *)args[0], ..."   (an HTL entry's call)
 *
 * Used by both the GTL (guest) and the HTL (host), so both sides are
 * generated from the same list and cannot disagree.
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

#define PT_UNPACK_0()
#define PT_UNPACK_1(t0) *(t0 *)args[0]
#define PT_UNPACK_2(t0, t1) PT_UNPACK_1(t0), *(t1 *)args[1]
#define PT_UNPACK_3(t0, t1, t2) PT_UNPACK_2(t0, t1), *(t2 *)args[2]
#define PT_UNPACK_4(t0, t1, t2, t3) PT_UNPACK_3(t0, t1, t2), *(t3 *)args[3]
#define PT_UNPACK_5(t0, t1, t2, t3, t4) \
    PT_UNPACK_4(t0, t1, t2, t3), *(t4 *)args[4]
#define PT_UNPACK_6(t0, t1, t2, t3, t4, t5) \
    PT_UNPACK_5(t0, t1, t2, t3, t4), *(t5 *)args[5]
#define PT_UNPACK_7(t0, t1, t2, t3, t4, t5, t6) \
    PT_UNPACK_6(t0, t1, t2, t3, t4, t5), *(t6 *)args[6]
#define PT_UNPACK_8(t0, t1, t2, t3, t4, t5, t6, t7) \
    PT_UNPACK_7(t0, t1, t2, t3, t4, t5, t6), *(t7 *)args[7]

#define PT_ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define PT_STR_(x) #x
#define PT_STR(x) PT_STR_(x)

#endif
