/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest wrapper skeleton: a library's GTL expands its spec
 * (spec/thunk.h) with GTL_WRAP and gets, for every row, the exported
 * function the guest's programs call. Each is one body, routed by its
 * kind: the host through the row's entry, else the guest's own library
 * (GTL_FALLBACK(name), which the GTL defines: its copy of the library,
 * built in with its symbols renamed).
 *
 * A row's group decides where its objects are; the GTL defines, for each
 * group of its spec, before expanding it:
 *
 *   int GROUP_route_new(void **args, int pos, bool ga, int id)  NEW rows
 *   int GROUP_route_on(void **args, int pos, bool ga, int id)  ON, COPY
 *   void GROUP_after_new(int route, void **args, int pos, void *ret,
 *                        int id)
 *   void GROUP_after_on(void **args, int pos, void *ret, int id)
 *   int GROUP_route_guest(void **args, int pos, int id)  for GUEST rows
 *   const GtlAllocOps GROUP_alloc_ops                   if it has ga rows
 *
 * args[i] points at argument i, pos is the row's object argument (COPY:
 * the source, 1), ga whether the row has a NAME_ga_HTL entry, id the
 * row's GTL_ID_NAME (for what a row's other arguments decide); a route is
 * core.h's GTL_GUEST, GTL_HOST, GTL_HOST_ONLY, with GTL_GA.
 *
 * The exports are named gtl_x_NAME in C and NAME in the library
 * (__asm__), so the library's own header may declare NAME (or make it a
 * macro, as Z_PREFIX does) without clashing.
 */
#ifndef PASSTHROUGH_GTL_WRAP_H
#define PASSTHROUGH_GTL_WRAP_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* The after hooks of a group with nothing to do after its calls: the GTL
 * defines GROUP_after_new and GROUP_after_on as these. */
static inline void gtl_no_after_new(int route, void **args, int pos,
                                    void *ret, int id)
{
    (void)route;
    (void)args;
    (void)pos;
    (void)ret;
    (void)id;
}

static inline void gtl_no_after_on(void **args, int pos, void *ret, int id)
{
    (void)args;
    (void)pos;
    (void)ret;
    (void)id;
}

/* Ids: GTL_ID_NAME, by spec row. */
#define GTL_ID(kind, group, ret_t, name, ...) GTL_ID_##name,

/*
 * The library's description (core.h) and tables, from its spec: the GTL
 * defines GTL_N_ENTRIES (an enum of GTL_ID) and its groups, GTL_GROUP_none
 * (0) first, then one GTL_GROUP_GROUP each, then GTL_N_GROUPS; the names
 * after `guest` (what the guest's own library is called in messages) are
 * the groups', "" for none. GTL_SONAME comes from the build (thunk_library).
 */
#define GTL_ENTRY_NAME(kind, group, ret_t, name, ...) \
    PT_CAT(GTL_ENTRY_NAME_, PT_HAS_HTL(kind))(#name PT_ENTRY_SUFFIX)
#define GTL_ENTRY_NAME_0(s) NULL,
#define GTL_ENTRY_NAME_1(s) s,
#define GTL_GA_NAME(kind, group, ret_t, name, n, types, err, checks, extra) \
    PT_IF_GA(PT_GA_OF(kind, extra))((#name PT_GA_ENTRY_SUFFIX,), (NULL,))
#define GTL_GROUP_OF(kind, group, ...) GTL_GROUP_##group,
#define GTL_LIBRARY(list, guest, ...)                                      \
    uint64_t gtl_tokens[GTL_N_ENTRIES];                                   \
    uint64_t gtl_ga_tokens[GTL_N_ENTRIES];                                \
    int gtl_group_on_host[GTL_N_GROUPS];                                  \
    static const char *const gtl_entry_names[] = { list(GTL_ENTRY_NAME) }; \
    static const char *const gtl_ga_names[] = { list(GTL_GA_NAME) };      \
    static const unsigned char gtl_groups[] = { list(GTL_GROUP_OF) };     \
    static const char *const gtl_group_names[] = { __VA_ARGS__ };         \
    const GtlLibrary gtl_library = {                                      \
        .soname = GTL_SONAME,                                             \
        .guest_name = guest,                                              \
        .n_entries = GTL_N_ENTRIES,                                       \
        .entries = gtl_entry_names,                                       \
        .ga_entries = gtl_ga_names,                                       \
        .groups = gtl_groups,                                             \
        .n_groups = GTL_N_GROUPS,                                         \
        .group_names = gtl_group_names,                                   \
    };

/* A result slot: a void function's host call still has one. */
#define GTL_RESULT(ret_t) PT_IF_VOID(ret_t)((char ret;), (ret_t ret;))
#define GTL_RETURN(ret_t, x) \
    PT_IF_VOID(ret_t)(((void)x; return;), (return x;))
#define GTL_SAME(x) x

/*
 * The body every kind shares: `route` decides; on the host through
 * NAME_ga_HTL with the object's allocator if it says GTL_GA; `after` runs
 * after a host call, `conv` makes the host's result the guest's.
 */
#define GTL_FUNCTION(attrs, fname, label, ret_t, n, types, err, id,        \
                     fallback, route, ops, pos, after, conv)              \
    attrs ret_t fname(PT_PARAMS_##n types) label;                          \
    attrs ret_t fname(PT_PARAMS_##n types)                                 \
    {                                                                      \
        void *args[] = { PT_ADDRS_##n types NULL };                        \
        GTL_RESULT(ret_t)                                                  \
        int r = route;                                                     \
        if ((r & GTL_HOST) &&                                              \
            ((r & GTL_GA) ? gtl_host_ga_call(id, ops,                      \
                                             *(void **)args[pos], n, args, \
                                             &ret)                         \
                          : gtl_host(id, args, &ret))) {                   \
            after;                                                         \
            GTL_RETURN(ret_t, (conv(ret)))                                 \
        }                                                                  \
        if ((r & GTL_HOST_ONLY) == GTL_HOST_ONLY) {                        \
            GTL_RETURN(ret_t, (err))                                       \
        }                                                                  \
        GTL_RETURN(ret_t, (fallback(PT_NAMES_##n types)))                  \
    }

/* A row's group's allocator callbacks, if it has a NAME_ga_HTL entry. */
#define GTL_OPS(group, ga) PT_IF_GA(ga)((&group##_alloc_ops), (NULL))

/*
 * One exported wrapper per row, by kind (HAND rows are the library's). A
 * GTL that compiles its library's code for the SIZED rows into a file of
 * their own (to inline it) defines, before including this header,
 * GTL_ROWS_SIZED_ONLY in that file and GTL_ROWS_BUT_SIZED in the other.
 */
#define GTL_WRAP(kind, group, ret_t, name, n, types, err, checks, extra)  \
    GTL_PICK(kind)(group, ret_t, n, types, err, extra, GTL_ID_##name,      \
                   gtl_x_##name, GTL_SYMBOL_(GTL_RENAME_##name, #name),    \
                   GTL_FALLBACK(name))
/*
 * The export's symbol: the function's name, or what the GTL defines
 * GTL_RENAME_NAME to (as `~, "symbol"`), for a function the library
 * exports under versioned names only (.symver).
 */
#define GTL_SYMBOL_(...) PT_PROBE_SECOND_(__VA_ARGS__, ~)
#if defined(GTL_ROWS_SIZED_ONLY)
#define GTL_PICK(kind) PT_CAT(GTL_PICK_SIZED_, PT_IS_SIZED(kind))
#define GTL_PICK_SIZED_1 GTL_WRAP_SIZED
#define GTL_PICK_SIZED_0 GTL_WRAP_NONE
#elif defined(GTL_ROWS_BUT_SIZED)
#define GTL_PICK(kind) PT_CAT(GTL_PICK_UNSIZED_, PT_IS_SIZED(kind))(kind)
#define GTL_PICK_UNSIZED_1(kind) GTL_WRAP_NONE
#define GTL_PICK_UNSIZED_0(kind) PT_CAT(GTL_WRAP_, kind)
#else
#define GTL_PICK(kind) PT_CAT(GTL_WRAP_, kind)
#endif
#define GTL_WRAP_HAND(k) GTL_WRAP_NONE
#define GTL_WRAP_NONE(...)
#define GTL_LABEL(str) __asm__(str)

#define GTL_WRAP_PLAIN(group, ret_t, n, types, err, extra, id, x, str, fb) \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, GTL_HOST, NULL, 0, , GTL_SAME)
#define GTL_WRAP_WHEN(group, ret_t, n, types, err, extra, id, x, str, fb)  \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, (PT_ARG0 extra) ? GTL_HOST : GTL_GUEST, NULL, 0, ,   \
                 GTL_SAME)
/* GUEST: never the host; with a group, a host object is an error. */
#define GTL_WRAP_GUEST(group, ret_t, n, types, err, extra, id, x, str, fb) \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, group##_route_guest(args, PT_ARG0 extra, id), NULL, 0, \
                 , GTL_SAME)
static inline int none_route_guest(void **args, int pos, int id)
{
    (void)args;
    (void)pos;
    (void)id;
    return GTL_GUEST;
}
/* STRING: the host's static string, copied into guest memory. */
#define GTL_STRING(s) ((s) ? gtl_guest_string(s) : (s))
#define GTL_WRAP_STRING(group, ret_t, n, types, err, extra, id, x, str, fb) \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, GTL_HOST, NULL, 0, , GTL_STRING)
#define GTL_WRAP_NEW(group, ret_t, n, types, err, extra, id, x, str, fb)   \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, group##_route_new(args, PT_ARG1 extra,               \
                                       GTL_HAS_GA(PT_ARG0 extra), id),    \
                 GTL_OPS(group, PT_ARG0 extra), PT_ARG1 extra,            \
                 group##_after_new(r, args, PT_ARG1 extra, &ret, id),     \
                 GTL_SAME)
#define GTL_WRAP_ON(group, ret_t, n, types, err, extra, id, x, str, fb)    \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, group##_route_on(args, PT_ARG1 extra,                \
                                      GTL_HAS_GA(PT_ARG0 extra), id),     \
                 GTL_OPS(group, PT_ARG0 extra), PT_ARG1 extra,            \
                 group##_after_on(args, PT_ARG1 extra, &ret, id), GTL_SAME)
#define GTL_WRAP_COPY(group, ret_t, n, types, err, extra, id, x, str, fb)  \
    GTL_FUNCTION(GTL_EXPORT, x, GTL_LABEL(str), ret_t, n, types, err, id, \
                 fb, group##_route_on(args, 1, GTL_HAS_GA(PT_ARG0 extra),  \
                                      id),                                \
                 GTL_OPS(group, PT_ARG0 extra), 1,                        \
                 group##_after_on(args, 1, &ret, id), GTL_SAME)
#define GTL_HAS_GA(ga) PT_IF_GA(ga)((true), (false))

/*
 * SIZED: work smaller than the row's threshold runs on the guest, where it
 * is cheaper than a host round trip. The exported function only tests the
 * size (flatten: the guest's code inlined, not called, when the GTL
 * compiles the library's code into the same file); the host call is a
 * function of its own, since taking the arguments' addresses would spill
 * them and keep a frame on every call. The two share a section,
 * 2 KiB-aligned (the asm comes first in the object), small enough
 * together (//tests:gtl_layout_*) never to straddle a page, so the jump
 * from one to the other chains under qemu-user.
 */
#define GTL_SIZED_SECTION(str) ".text.gtl_sized." str
/* The size once more: the first call connects, and sets the threshold. */
#define GTL_SIZED_ROUTE(size, id)                                         \
    (gtl_ready(), (size_t)(size) >= __atomic_load_n(&gtl_min_host_size[id], \
                                                    __ATOMIC_RELAXED))    \
        ? GTL_HOST : GTL_GUEST
#define GTL_WRAP_SIZED(group, ret_t, n, types, err, extra, id, x, str, fb) \
    __asm__(".pushsection " GTL_SIZED_SECTION(str)                        \
            ",\"ax\",@progbits\n\t.balign 2048\n\t.popsection");          \
    GTL_FUNCTION(static __attribute__((noinline,                           \
                                       section(GTL_SIZED_SECTION(str)))), \
                 x##_host, , ret_t, n, types, err, id, fb,                 \
                 GTL_SIZED_ROUTE(PT_ARG0 extra, id), NULL, 0, , GTL_SAME)  \
    GTL_EXPORT __attribute__((flatten, section(GTL_SIZED_SECTION(str))))  \
    ret_t x(PT_PARAMS_##n types) GTL_LABEL(str);                           \
    GTL_EXPORT __attribute__((flatten, section(GTL_SIZED_SECTION(str))))  \
    ret_t x(PT_PARAMS_##n types)                                           \
    {                                                                      \
        if ((size_t)(PT_ARG0 extra) >=                                     \
            __atomic_load_n(&gtl_min_host_size[id], __ATOMIC_RELAXED)) {   \
            return x##_host(PT_NAMES_##n types);                           \
        }                                                                  \
        return fb(PT_NAMES_##n types);                                     \
    }

/*
 * The SIZED rows' thresholds: 0 until the GTL has connected, so that the
 * first call of any size takes the host path, which connects; then the
 * row's threshold, or SIZE_MAX (never the host) without a transport.
 * Expand GTL_SIZED_TABLE(list, init) before the wrappers, and call
 * init(connected) from gtl_on_connect().
 */
#define GTL_SIZED_SET(kind, group, ret_t, name, n, types, err, checks, extra) \
    PT_CAT(GTL_SIZED_SET_, kind)(GTL_ID_##name, extra)
#define GTL_SIZED_SET_SIZED(id, extra)                                    \
    __atomic_store_n(&gtl_min_host_size[id],                              \
                     !connected ? SIZE_MAX : all ? 0 : (PT_ARG1 extra),   \
                     __ATOMIC_RELAXED);
#define GTL_SIZED_NONE(...)
#define GTL_SIZED_SET_PLAIN GTL_SIZED_NONE
#define GTL_SIZED_SET_STRING GTL_SIZED_NONE
#define GTL_SIZED_SET_WHEN GTL_SIZED_NONE
#define GTL_SIZED_SET_GUEST GTL_SIZED_NONE
#define GTL_SIZED_SET_NEW GTL_SIZED_NONE
#define GTL_SIZED_SET_ON GTL_SIZED_NONE
#define GTL_SIZED_SET_COPY GTL_SIZED_NONE
#define GTL_SIZED_SET_HAND(k) GTL_SIZED_NONE
#define GTL_SIZED_TABLE(list, init)                                       \
    static size_t gtl_min_host_size[GTL_N_ENTRIES];                       \
    void init(bool connected)                                             \
    {                                                                     \
        bool all = connected && gtl_dispatch_all_to_host();               \
        list(GTL_SIZED_SET)                                               \
    }

#endif
