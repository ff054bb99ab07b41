/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz_HTL.so: the host side of zlib passthrough. One entry per function of
 * the spec, in the upstream proposal's convention: NAME_HTL(void **args,
 * void *ret), args[i] pointing at the i-th argument's value and ret at the
 * return value's slot. Generated from spec/zlib_spec.h.
 */
#include <zlib.h>

#include "thunk.h"
#include "zlib_spec.h"

#define HTL_EXPORT __attribute__((visibility("default")))

#define HTL_ENTRY(ret_t, name, n, types)                        \
    HTL_EXPORT void name##_HTL(void **args, void *ret);         \
    void name##_HTL(void **args, void *ret)                     \
    {                                                           \
        (void)args;                                             \
        *(ret_t *)ret = name(PT_UNPACK_##n types);              \
    }

ZLIB_ALL_FUNCTIONS(HTL_ENTRY)
