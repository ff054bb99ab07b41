/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz.so.1, the guest thunk library for zlib. Stands in for the guest's
 * zlib: each function of the spec either runs on the host's zlib through
 * the passthrough plugin or, when that is not available (no plugin, no
 * HTL, an entry missing, guest_base != 0), on the guest's own zlib built
 * into this library with zlib's Z_PREFIX (so its z_* names cannot clash).
 * The choice is made once, at load time, as is the transport (the gate,
 * else the syscall path).
 *
 * Environment: PASSTHROUGH=off forces the guest's own zlib;
 * PASSTHROUGH_TRANSPORT=syscall forces the syscall path;
 * PASSTHROUGH_QUIET=1 silences the warnings.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "thunk.h"
#include "transport.h"
#include "zlib_spec.h"

#define GTL_EXPORT __attribute__((visibility("default")))

enum {
#define GTL_ID(ret_t, name, n, types) GTL_ID_##name,
    ZLIB_ALL_FUNCTIONS(GTL_ID)
#undef GTL_ID
    GTL_N_FUNCTIONS
};

static const char *const entry_names[GTL_N_FUNCTIONS] = {
#define GTL_ENTRY_NAME(ret_t, name, n, types) PT_STR(name) "_HTL",
    ZLIB_ALL_FUNCTIONS(GTL_ENTRY_NAME)
#undef GTL_ENTRY_NAME
};

/* Entry token per function; 0: this function uses the guest's own zlib. */
static uint64_t tokens[GTL_N_FUNCTIONS];

/* The built-in guest zlib, compiled with Z_PREFIX. */
#define GTL_FALLBACK_DECL(ret_t, name, n, types) \
    extern __typeof__(name) z_##name GTL_HIDDEN;
ZLIB_ALL_FUNCTIONS(GTL_FALLBACK_DECL)

/* Calls through the host; false if the plugin refused (then fall back). */
static inline int host_call(int id, void **args, void *ret)
{
    return tokens[id] && gtl_call(tokens[id], args, ret) == PT_OK;
}

#define GTL_WRAP_VALUE(ret_t, name, n, types)                     \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        void *args[] = { PT_ADDRS_##n types NULL };               \
        ret_t ret;                                                \
        if (host_call(GTL_ID_##name, args, &ret)) {               \
            return ret;                                           \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_VALUE_FUNCTIONS(GTL_WRAP_VALUE)

/* Copies a host library's static string into guest memory, once per value. */
#define GTL_WRAP_STRING(ret_t, name, n, types)                    \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        static char copy[128];                                    \
        void *args[] = { PT_ADDRS_##n types NULL };               \
        const char *ret;                                          \
        if (host_call(GTL_ID_##name, args, &ret) && ret) {        \
            if (strncmp(copy, ret, sizeof(copy) - 1)) {           \
                strncpy(copy, ret, sizeof(copy) - 1);             \
            }                                                     \
            return copy;                                          \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_STRING_FUNCTIONS(GTL_WRAP_STRING)

static void gtl_connect(void)
{
    int64_t handle, token;
    PtStatus st;
    int missing = 0;

    if (gtl_transport_init() == GTL_NONE) {
        return;
    }
    st = gtl_control(PT_OP_LOAD_HTL, &handle, (uint64_t)(uintptr_t)"libz.so",
                     0, 0, 0);
    if (st != PT_OK) {
        gtl_warn("plugin cannot load libz_HTL.so (status %d); using the "
                 "guest's zlib", st);
        return;
    }
    for (int i = 0; i < GTL_N_FUNCTIONS; i++) {
        st = gtl_control(PT_OP_DLSYM, &token, (uint64_t)handle,
                         (uint64_t)(uintptr_t)entry_names[i], 0, 0);
        if (st == PT_OK) {
            tokens[i] = (uint64_t)token;
        } else {
            missing++;
        }
    }
    if (missing) {
        gtl_warn("libz_HTL.so lacks %d of %d entries; those use the guest's "
                 "zlib", missing, GTL_N_FUNCTIONS);
    }
}

__attribute__((constructor)) static void gtl_init(void)
{
    gtl_connect();
}
