/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The library-neutral part of every GTL: connecting to the library's HTL
 * and resolving its entries, the host calls (plain, and through a guest
 * allocator's pauses), guest copies of host strings. A library's GTL
 * describes itself in gtl_library (wrap.h's GTL_LIBRARY makes it from its
 * spec) and defines the tables below, sized by its spec.
 */
#ifndef PASSTHROUGH_GTL_CORE_H
#define PASSTHROUGH_GTL_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "passthrough_entries.h"
#include "thunk.h"
#include "transport.h"

#define GTL_EXPORT __attribute__((visibility("default")))

typedef struct GtlLibrary {
    /* The GTL's SONAME: LOAD_HTL loads the HTL named after it
     * (protocol/passthrough_entries.h). */
    const char *soname;
    /* For messages: what the guest's own library is. */
    const char *guest_name;
    int n_entries;
    const char *const *entries;     /* NAME_HTL by id; NULL: none */
    const char *const *ga_entries;  /* NAME_ga_HTL by id; NULL: none */
    const unsigned char *groups;    /* each id's group; 0: none */
    int n_groups;
    const char *const *group_names; /* for messages, plural */
} GtlLibrary;

GTL_HIDDEN extern const GtlLibrary gtl_library;
/* Entry tokens by id; 0: no host entry, the guest's own library runs. */
GTL_HIDDEN extern uint64_t gtl_tokens[];
GTL_HIDDEN extern uint64_t gtl_ga_tokens[];
/*
 * Whether each group's objects are made on the host: only if every entry
 * of the group resolved, since an object stays on the side that made it.
 * Read through gtl_on_host().
 */
GTL_HIDDEN extern int gtl_group_on_host[];
/* Whether objects with the guest's allocator can live on the host: every
 * NAME_ga_HTL entry and the resume entry resolved. Read through
 * gtl_ga_on_host(). */
GTL_HIDDEN extern int gtl_ga_host;

/*
 * The GTL connects to its HTL on its first call, not at load: a process
 * that never calls the library (most programs that link zlib, run once
 * under binfmt_misc) pays no control op and no instrumented translation.
 */
enum {
    GTL_UNCONNECTED,
    GTL_CONNECTING,
    GTL_CONNECTED,     /* or found that there is no transport */
};
GTL_HIDDEN extern int gtl_state;

/* Connects, once; a caller meanwhile waits for the first to finish (but
 * a signal handler interrupting the connecting thread does not). */
GTL_HIDDEN void gtl_connect(void);

/*
 * The library's GTL defines it: runs once, at the end of gtl_connect(),
 * connected true unless there is no transport at all (no plugin,
 * PASSTHROUGH=off) and every call runs on the guest.
 */
GTL_HIDDEN void gtl_on_connect(bool connected);

/* Everything below about the host holds only once this has returned. */
static inline void gtl_ready(void)
{
    if (__builtin_expect(__atomic_load_n(&gtl_state, __ATOMIC_ACQUIRE) !=
                         GTL_CONNECTED, 0)) {
        gtl_connect();
    }
}

static inline bool gtl_on_host(int group)
{
    gtl_ready();
    return gtl_group_on_host[group];
}

static inline bool gtl_ga_on_host(void)
{
    gtl_ready();
    return gtl_ga_host;
}

/* Runs entry `id` on the host; false if it has no entry or was refused. */
static inline int gtl_host(int id, void **args, void *ret)
{
    gtl_ready();
    return gtl_tokens[id] && gtl_call(gtl_tokens[id], args, ret) == PT_OK;
}

/* What a paused host call asks of an object's guest allocator, and
 * (call, NULL if none) of the program's callbacks: the one described at
 * guest address arg (protocol/passthrough_pause.h's PT_PAUSE_CALL). */
typedef struct GtlAllocOps {
    void *(*alloc)(void *obj, uint64_t items, uint64_t size);
    void (*free)(void *obj, void *block);
    uint64_t (*call)(void *obj, uint64_t arg);
} GtlAllocOps;

/*
 * Runs entry `id` through its NAME_ga_HTL entry, doing in the guest what
 * the paused host call asks of obj's allocator (ops). args has n arguments
 * and a spare slot after them, for the PtPause. False if refused.
 */
GTL_HIDDEN int gtl_host_ga_call(int id, const GtlAllocOps *ops, void *obj,
                                int n, void **args, void *ret);

/*
 * The thread that runs the guest's allocator for the host library's own
 * threads (libzstd's workers), with ops on the object the host names
 * (protocol/passthrough_pause.h's PtServe): a user holds it while it has
 * such threads, and the thread runs while it has users (the first hold
 * returns once the host has it). Without the HTL's serve entry it does
 * nothing: those threads' blocks are the host's.
 */
GTL_HIDDEN void gtl_ga_serve_hold(const GtlAllocOps *ops);
GTL_HIDDEN void gtl_ga_serve_release(void);

/* How a call is routed (wrap.h). */
enum {
    GTL_GUEST = 0,         /* the guest's own library */
    GTL_HOST = 1,          /* the host, else the guest's own library */
    GTL_HOST_ONLY = 3,     /* the host; refused: the row's error value */
    GTL_GA = 4,            /* with GTL_HOST: through NAME_ga_HTL */
};

/* Whether a guest object (its state field) holds a host handle, and one
 * with the guest's allocator. */
static inline bool gtl_is_handle(const void *state)
{
    return (uintptr_t)state & PT_HANDLE_BIT;
}

static inline bool gtl_is_ga_handle(const void *state)
{
    return (uintptr_t)state & PT_HANDLE_GA_BIT;
}

/*
 * A copy in guest memory of a static string of the host library's, the
 * same copy for the same string every time.
 */
GTL_HIDDEN const char *gtl_guest_string(const char *host);

/*
 * PASSTHROUGH_DISPATCH=host: SIZED work of every size goes to the host
 * (else below its threshold it stays on the guest).
 */
GTL_HIDDEN bool gtl_dispatch_all_to_host(void);

#endif
