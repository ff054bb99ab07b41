/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Environment: PASSTHROUGH=off forces the guest's own library;
 * PASSTHROUGH_TRANSPORT=auto|gate|syscall picks the transport (transport.h);
 * PASSTHROUGH_DISPATCH=host sends small work to the host too;
 * PASSTHROUGH_QUIET=1 silences the warnings.
 */
#include "core.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "passthrough_pause.h"

int gtl_ga_host;
int gtl_state;
static uint64_t ga_resume_token;
/* The HTL, for entries resolved later (the service's). */
static int64_t htl_handle;

/* PT_PAUSE_SCRATCH: the call's buffer, grown to size; 0 if it cannot be. */
static uint64_t scratch_for(void **scratch, uint64_t *have, uint64_t size)
{
    void *grown;

    if (size > *have) {
        grown = size <= SIZE_MAX ? realloc(*scratch, (size_t)size) : NULL;
        if (!grown) {
            return 0;
        }
        *scratch = grown;
        *have = size;
    }
    return (uint64_t)(uintptr_t)*scratch;
}

int gtl_host_ga_call(int id, const GtlAllocOps *ops, void *obj, int n,
                     void **args, void *ret)
{
    PtPause pause, *at = &pause;
    void *resume_args[] = { &at };
    void *scratch = NULL;
    uint64_t scratch_size = 0;
    int resumed, ok = 1;

    memset(&pause, 0, sizeof(pause));
    args[n] = &at;
    if (gtl_call(gtl_ga_tokens[id], args, ret) != PT_OK) {
        return 0;
    }
    /* The allocator runs here, in the guest, between host calls. */
    while (pause.cookie && ok) {
        switch (pause.what) {
        case PT_PAUSE_ALLOC:
            pause.ptr = (uint64_t)(uintptr_t)ops->alloc(obj, pause.items,
                                                        pause.size);
            break;
        case PT_PAUSE_FREE:
            ops->free(obj, (void *)(uintptr_t)pause.ptr);
            break;
        case PT_PAUSE_SCRATCH:
            pause.ptr = scratch_for(&scratch, &scratch_size, pause.size);
            break;
        case PT_PAUSE_CALL:
            pause.ptr = ops->call ? ops->call(obj, pause.ptr) : 0;
            break;
        default:
            pause.ptr = 0;
            break;
        }
        ok = gtl_call(ga_resume_token, resume_args, &resumed) == PT_OK &&
             resumed == 0;
    }
    free(scratch);
    return ok;
}

/* Interned guest copies of host static strings (versions, messages). */
#define GTL_MAX_STRINGS 128

typedef struct GuestString {
    const char *host;
    char *guest;
} GuestString;

static GuestString strings[GTL_MAX_STRINGS];
static int n_strings;
static pthread_mutex_t strings_lock = PTHREAD_MUTEX_INITIALIZER;

const char *gtl_guest_string(const char *host)
{
    const char *found = NULL;

    pthread_mutex_lock(&strings_lock);
    for (int i = 0; i < n_strings && !found; i++) {
        /* A guest copy may come back (a message field is only replaced). */
        if (strings[i].host == host || strings[i].guest == host) {
            found = strings[i].guest;
        }
    }
    if (!found && n_strings < GTL_MAX_STRINGS) {
        char *copy = strdup(host);
        if (copy) {
            strings[n_strings].host = host;
            strings[n_strings].guest = copy;
            n_strings++;
            found = copy;
        }
    }
    pthread_mutex_unlock(&strings_lock);
    /* Table full or no memory: the host's string is still readable. */
    return found ? found : host;
}

bool gtl_dispatch_all_to_host(void)
{
    const char *mode = getenv("PASSTHROUGH_DISPATCH");

    if (mode && !strcmp(mode, "host")) {
        return true;
    }
    if (mode && strcmp(mode, "adaptive")) {
        gtl_warn("PASSTHROUGH_DISPATCH=%s: expected adaptive or host; "
                 "using adaptive", mode);
    }
    return false;
}

/* The token of entry `name` of the HTL at handle; 0 if it has none. */
static uint64_t resolve(int64_t handle, const char *name)
{
    int64_t token;

    if (gtl_control(PT_OP_DLSYM, &token, (uint64_t)handle,
                    (uint64_t)(uintptr_t)name, 0, 0) != PT_OK) {
        return 0;
    }
    return (uint64_t)token;
}

/*
 * The tokens of n entries (a NULL name: none) in one op; one at a time
 * from a plugin that lacks RESOLVE.
 */
static void resolve_all(int64_t handle, const char *const *names, int n,
                        uint64_t *tokens)
{
    int64_t found;

    if (gtl_control(PT_OP_RESOLVE, &found, (uint64_t)handle,
                    (uint64_t)(uintptr_t)names, (uint64_t)n,
                    (uint64_t)(uintptr_t)tokens) == PT_OK) {
        return;
    }
    for (int i = 0; i < n; i++) {
        tokens[i] = names[i] ? resolve(handle, names[i]) : 0;
    }
}

/*
 * The NAME_ga_HTL entries and the resume entry: all of them, or objects
 * with the guest's allocator stay on the guest's library (an HTL without
 * them: as before they existed).
 */
static int connect_ga(int64_t handle)
{
    const GtlLibrary *lib = &gtl_library;

    resolve_all(handle, lib->ga_entries, lib->n_entries, gtl_ga_tokens);
    for (int i = 0; i < lib->n_entries; i++) {
        if (lib->ga_entries[i] && !gtl_ga_tokens[i]) {
            goto none;
        }
    }
    ga_resume_token = resolve(handle, PT_GA_RESUME_ENTRY);
    if (ga_resume_token) {
        return 1;
    }
none:
    memset(gtl_ga_tokens, 0, lib->n_entries * sizeof(gtl_ga_tokens[0]));
    return 0;
}

/* Each group on the host if all its entries resolved. */
static void place_groups(void)
{
    const GtlLibrary *lib = &gtl_library;

    for (int g = 1; g < lib->n_groups; g++) {
        gtl_group_on_host[g] = 1;
    }
    for (int i = 0; i < lib->n_entries; i++) {
        if (lib->entries[i] && !gtl_tokens[i]) {
            gtl_group_on_host[lib->groups[i]] = 0;
        }
    }
    gtl_group_on_host[0] = 0;
}

/* The HTL's file name, for messages: as the plugin makes it. */
static const char *htl_name(void)
{
    static char name[128];
    const char *so = strstr(gtl_library.soname, ".so");
    int len = so ? (int)(so - gtl_library.soname) : 0;

    snprintf(name, sizeof(name), "%.*s" PT_HTL_FILE_SUFFIX, len,
             gtl_library.soname);
    return name;
}

/* One line: how many entries are missing, and which groups stay. */
static void warn_missing(int missing, int n)
{
    const GtlLibrary *lib = &gtl_library;
    char groups[256] = "";
    size_t len = 0;

    for (int g = 1; g < lib->n_groups && len < sizeof(groups); g++) {
        if (!gtl_group_on_host[g]) {
            len += snprintf(groups + len, sizeof(groups) - len,
                            " (and so do all %s)", lib->group_names[g]);
        }
    }
    gtl_warn("%s lacks %d of %d entries; those use the guest's own %s%s",
             htl_name(), missing, n, lib->guest_name, groups);
}

/* False if there is no transport at all: every call runs on the guest. */
static bool connect_htl(void)
{
    const GtlLibrary *lib = &gtl_library;
    int64_t handle;
    PtStatus st;
    int missing = 0, n = 0;

    if (gtl_transport_init() == GTL_NONE) {
        return false;
    }
    st = gtl_control(PT_OP_LOAD_HTL, &handle,
                     (uint64_t)(uintptr_t)lib->soname, 0, 0, 0);
    if (st != PT_OK) {
        gtl_warn("the plugin cannot load %s (status %d); using the guest's "
                 "own %s", htl_name(), st, lib->guest_name);
        return true;
    }
    htl_handle = handle;
    resolve_all(handle, lib->entries, lib->n_entries, gtl_tokens);
    for (int i = 0; i < lib->n_entries; i++) {
        if (lib->entries[i]) {
            missing += !gtl_tokens[i];
            n++;
        }
    }
    place_groups();
    gtl_ga_host = connect_ga(handle);
    if (missing) {
        warn_missing(missing, n);
    }
    return true;
}

/* A fork while another thread was connecting: that thread is not in the
 * child, which connects again itself. */
static void forget_connecting(void)
{
    if (gtl_state == GTL_CONNECTING) {
        gtl_state = GTL_UNCONNECTED;
    }
}

/* This thread is connecting: a call from a signal handler that
 * interrupted it must not wait for itself. */
static GTL_TLS bool connecting_here;

void gtl_connect(void)
{
    static bool atfork_set;

    for (;;) {
        int seen = GTL_UNCONNECTED;

        if (__atomic_compare_exchange_n(&gtl_state, &seen, GTL_CONNECTING,
                                        false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_ACQUIRE)) {
            if (!atfork_set) {
                atfork_set = !pthread_atfork(NULL, NULL, forget_connecting);
            }
            connecting_here = true;
            gtl_on_connect(connect_htl());
            __atomic_store_n(&gtl_state, GTL_CONNECTED, __ATOMIC_RELEASE);
            connecting_here = false;
            return;
        }
        if (seen == GTL_CONNECTED || connecting_here) {
            /* (Interrupting its own connect: not connected yet, so the
             * guest's own library runs that call.) */
            return;
        }
        /* Another thread is connecting: the groups' sides are not known
         * until it is done, and must be the same for every thread. */
        sched_yield();
    }
}

/*
 * The service (protocol/passthrough_pause.h's PtServe): a thread of the
 * GTL's that runs the guest's allocator for the host library's own
 * threads, while some object has threads that may ask (its users). It
 * ends with its last user, as the library's own threads would: a
 * program that forks afterwards has no thread of ours (qemu-user 7.2
 * cannot give a fork's child a new thread once the parent had two). A
 * fork's child starts its own when next asked.
 */
static PtServe serve;
static const GtlAllocOps *serve_ops;
static uint64_t serve_token;
static int serve_users;
static bool serve_running;
static int serve_ready;      /* the host has the PtServe (atomic) */
static int serve_stop;       /* asked to end once idle (atomic) */
static pthread_t serve_thread;
static pthread_mutex_t serve_lock = PTHREAD_MUTEX_INITIALIZER;

static void *serve_loop(void *unused)
{
    PtServe *at = &serve;
    void *args[] = { &at };
    uint32_t word;
    int r;

    (void)unused;
    for (;;) {
        word = __atomic_load_n(&serve.word, __ATOMIC_ACQUIRE);
        if (gtl_call(serve_token, args, &r) != PT_OK || r < 0) {
            /* The host serves another: its threads' blocks stay its own. */
            r = -1;
        }
        __atomic_store_n(&serve_ready, 1, __ATOMIC_RELEASE);
        if (r < 0 || (!r && __atomic_load_n(&serve_stop, __ATOMIC_ACQUIRE))) {
            return NULL;
        }
        if (!r) {
            syscall(SYS_futex, &serve.word, FUTEX_WAIT_PRIVATE, word, NULL,
                    NULL, 0);
        } else if (serve.what == PT_PAUSE_ALLOC) {
            serve.ptr = (uint64_t)(uintptr_t)serve_ops->alloc(
                (void *)(uintptr_t)serve.object, serve.items, serve.size);
        } else {
            serve_ops->free((void *)(uintptr_t)serve.object,
                            (void *)(uintptr_t)serve.ptr);
        }
        /* serve.ticket stays: the next call answers it. */
    }
    return NULL;
}

static void serve_forked(void)
{
    serve_users = 0;
    serve_running = false;
    serve.ticket = 0;
    pthread_mutex_init(&serve_lock, NULL);
}

void gtl_ga_serve_hold(const GtlAllocOps *ops)
{
    static bool at_fork;
    bool started = false;
    sigset_t all, old;

    if (!gtl_ga_on_host()) {
        return;
    }
    pthread_mutex_lock(&serve_lock);
    serve_users++;
    if (!serve_token) {
        serve_token = resolve(htl_handle, PT_GA_SERVE_ENTRY);
    }
    if (!at_fork) {
        at_fork = !pthread_atfork(NULL, NULL, serve_forked);
    }
    if (serve_token && !serve_running) {
        serve_ops = ops;
        __atomic_store_n(&serve_ready, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&serve_stop, 0, __ATOMIC_RELAXED);
        /* No signal of the program's lands on it. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        started = serve_running =
            !pthread_create(&serve_thread, NULL, serve_loop, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    pthread_mutex_unlock(&serve_lock);
    /* Until the host has it: the workers about to start ask at once (a
     * second at most: a thread QEMU is slow to start). */
    for (int ms = 0; started && ms < 1000 &&
                     !__atomic_load_n(&serve_ready, __ATOMIC_ACQUIRE); ms++) {
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    }
}

void gtl_ga_serve_release(void)
{
    pthread_mutex_lock(&serve_lock);
    if (serve_users > 0 && !--serve_users && serve_running) {
        /* Its users' threads are gone: nothing more will come. */
        __atomic_store_n(&serve_stop, 1, __ATOMIC_RELEASE);
        __atomic_add_fetch(&serve.word, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &serve.word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        pthread_join(serve_thread, NULL);
        serve_running = false;
    }
    pthread_mutex_unlock(&serve_lock);
}
