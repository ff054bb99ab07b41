/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz_HTL.so: the host side of zlib passthrough. One entry per function of
 * the spec, in the upstream proposal's convention: NAME_HTL(void **args,
 * void *ret), args[i] pointing at the i-th argument's value and ret at the
 * return value's slot. Generated from spec/zlib_spec.h; the few entries
 * written by hand follow at the end.
 */
#define _LARGEFILE64_SOURCE 1
#include <zlib.h>

#include "thunk.h"
#include "zlib_spec.h"

/* zlib.h makes gzgetc a macro over the gzFile fields; the entry calls the
 * function. */
#undef gzgetc

#define HTL_EXPORT __attribute__((visibility("default")))

#define HTL_ENTRY(ret_t, name, n, types, err, ...)                   \
    HTL_EXPORT void name##_HTL(void **args, void *ret);         \
    void name##_HTL(void **args, void *ret)                     \
    {                                                           \
        (void)args;                                             \
        *(ret_t *)ret = name(PT_UNPACK_##n types);              \
    }
ZLIB_GENERATED_ENTRIES(HTL_ENTRY)

#define HTL_ENTRY_VOID(ret_t, name, n, types, err, ...)              \
    HTL_EXPORT void name##_HTL(void **args, void *ret);         \
    void name##_HTL(void **args, void *ret)                     \
    {                                                           \
        (void)ret;                                              \
        name(PT_UNPACK_##n types);                              \
    }
ZLIB_GZ_VOID(HTL_ENTRY_VOID)

/*
 * Hand-written: gzprintf's formatting happens in the guest (its va_list
 * means nothing here); the host writes the formatted text through gzprintf
 * itself, so zlib's own checks (mode, error state, buffer size) decide the
 * result exactly as for the original call.
 */
HTL_EXPORT void gzprintf_s_HTL(void **args, void *ret);
void gzprintf_s_HTL(void **args, void *ret)
{
    *(int *)ret = gzprintf(*(gzFile *)args[0], "%s", *(const char **)args[1]);
}
