/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libz.so.1, the guest thunk library for zlib. Stands in for the guest's
 * zlib with the same SONAME and symbol versions: each function runs on the
 * host's zlib through the passthrough plugin or, when that is not
 * available (no plugin, no HTL, an entry missing, guest_base != 0), on the
 * guest's own zlib built into this library with zlib's Z_PREFIX. Where a
 * function's state lives is decided as zlib_spec.h says; the transport
 * (the gate, else the syscall path) once, at load time.
 *
 * The wrappers here are generated from spec/zlib_spec.h; the ones that need
 * more are in libz_handwritten.c, the SIZED ones (the checksums, beside the
 * guest's code for them) in libz_sized.c.
 *
 * Environment: PASSTHROUGH=off forces the guest's own zlib;
 * PASSTHROUGH_TRANSPORT=syscall forces the syscall path;
 * PASSTHROUGH_DISPATCH=host sends small work to the host too;
 * PASSTHROUGH_QUIET=1 silences the warnings.
 */
#include "libz_gtl.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "passthrough_pause.h"

uint64_t gtl_tokens[GTL_N_ENTRIES];
uint64_t gtl_ga_tokens[GTL_N_ENTRIES];
static uint64_t ga_resume_token;
int gtl_streams_on_host;
int gtl_ga_on_host;
int gtl_gz_on_host;
alloc_func gtl_host_zalloc;
free_func gtl_host_zfree;

static const char *const entry_names[GTL_N_ENTRIES] = {
#define GTL_ENTRY_NAME(ret_t, name, n, types, err, ...) PT_STR(name) "_HTL",
    ZLIB_ALL_ENTRIES(GTL_ENTRY_NAME)
#undef GTL_ENTRY_NAME
};

static const char *const ga_entry_names[GTL_N_ENTRIES] = {
#define GTL_GA_ENTRY_NAME(name) [GTL_ID_##name] = PT_STR(name) "_ga_HTL",
    ZLIB_CALLS_ALLOCATOR(GTL_GA_ENTRY_NAME)
#undef GTL_GA_ENTRY_NAME
};

/* PLAIN: the host, else the guest's own zlib. */
#define GTL_WRAP_PLAIN(ret_t, name, n, types, err, ...)                \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        GTL_HOST_ELSE_GUEST(ret_t, name, n, types);               \
    }
ZLIB_PLAIN(GTL_WRAP_PLAIN)
ZLIB_PLAIN_HTL_BY_HAND(GTL_WRAP_PLAIN)

/* SIZED: libz_sized.c, beside the guest's code for them. */

/* STRING: the host's string, copied into guest memory. */
#define GTL_WRAP_STRING(ret_t, name, n, types, err, ...)               \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        void *args[] = { PT_ADDRS_##n types NULL };               \
        const char *ret;                                          \
        if (gtl_host(GTL_ID_##name, args, &ret) && ret) {         \
            return gtl_guest_string(ret);                         \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_STRING(GTL_WRAP_STRING)

/* STREAM_INIT: on the host, with the guest's allocator if it has one. */
#define GTL_WRAP_STREAM_INIT(ret_t, name, n, types, err, ...)          \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        void *args[] = { PT_ADDRS_##n types NULL };               \
        ret_t ret;                                                \
        if (gtl_stream_may_use_host(a0) &&                        \
            gtl_host(GTL_ID_##name, args, &ret)) {                \
            gtl_learn_host_stream(a0);                            \
            gtl_fix_msg(a0);                                      \
            return ret;                                           \
        }                                                         \
        if (gtl_stream_may_use_host_ga(a0) &&                     \
            gtl_host_ga(GTL_ID_##name, a0, n, args, &ret)) {      \
            gtl_fix_msg(a0);                                      \
            return ret;                                           \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_STREAM_INIT(GTL_WRAP_STREAM_INIT)

/* STREAM and STREAM_COPY: on the side of the stream `s` (a0 or a1). */
#define GTL_WRAP_STREAM_ON(s, ret_t, name, n, types, err, ...)    \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        if (gtl_host_stream(s)) {                                 \
            void *args[] = { PT_ADDRS_##n types NULL };           \
            ret_t ret;                                            \
            if (!gtl_host_on_stream(GTL_ID_##name, s, n, args, &ret)) { \
                return err;                                       \
            }                                                     \
            gtl_fix_msg(a0);                                      \
            return ret;                                           \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
#define GTL_WRAP_STREAM(...) GTL_WRAP_STREAM_ON(a0, __VA_ARGS__)
#define GTL_WRAP_STREAM_COPY(...) GTL_WRAP_STREAM_ON(a1, __VA_ARGS__)
ZLIB_STREAM(GTL_WRAP_STREAM)
ZLIB_STREAM_HTL_BY_HAND(GTL_WRAP_STREAM)
ZLIB_STREAM_COPY(GTL_WRAP_STREAM_COPY)

/* GZ: all gzFiles on one side, chosen at load time. */
#define GTL_WRAP_GZ(ret_t, name, n, types, err, ...)                   \
    GTL_EXPORT ret_t name(PT_PARAMS_##n types)                    \
    {                                                             \
        if (gtl_gz_on_host) {                                     \
            void *args[] = { PT_ADDRS_##n types NULL };           \
            ret_t ret;                                            \
            if (!gtl_host(GTL_ID_##name, args, &ret)) {           \
                return err;                                       \
            }                                                     \
            return ret;                                           \
        }                                                         \
        return z_##name(PT_NAMES_##n types);                      \
    }
ZLIB_GZ(GTL_WRAP_GZ)

#define GTL_WRAP_GZ_VOID(ret_t, name, n, types, err, ...)              \
    GTL_EXPORT void name(PT_PARAMS_##n types)                     \
    {                                                             \
        if (gtl_gz_on_host) {                                     \
            void *args[] = { PT_ADDRS_##n types NULL };           \
            char unused;   /* the protocol wants a return slot */ \
            gtl_host(GTL_ID_##name, args, &unused);               \
            return;                                               \
        }                                                         \
        z_##name(PT_NAMES_##n types);                             \
    }
ZLIB_GZ_VOID(GTL_WRAP_GZ_VOID)

/* What a paused host call asks of strm's allocator, as zlib would do it:
 * zlib's default for the one the guest left unset. */
static void *ga_alloc(z_streamp strm, uint64_t items, uint64_t size)
{
    if (strm->zalloc) {
        return strm->zalloc(strm->opaque, (uInt)items, (uInt)size);
    }
    return malloc((size_t)items * size);
}

static void ga_free(z_streamp strm, void *block)
{
    if (strm->zfree) {
        strm->zfree(strm->opaque, block);
    } else {
        free(block);
    }
}

int gtl_host_ga(int id, z_streamp strm, int n, void **args, void *ret)
{
    PtPause pause, *at = &pause;
    void *resume_args[] = { &at };
    int resumed;

    memset(&pause, 0, sizeof(pause));
    args[n] = &at;
    if (gtl_call(gtl_ga_tokens[id], args, ret) != PT_OK) {
        return 0;
    }
    /* The allocator may be the guest's or zlib's default; either way it
     * runs here, in the guest, between host calls. */
    while (pause.cookie) {
        if (pause.what == PT_PAUSE_ALLOC) {
            pause.ptr = (uint64_t)(uintptr_t)ga_alloc(strm, pause.items,
                                                      pause.size);
        } else {
            ga_free(strm, (void *)(uintptr_t)pause.ptr);
        }
        if (gtl_call(ga_resume_token, resume_args, &resumed) != PT_OK ||
            resumed != 0) {
            return 0;
        }
    }
    return 1;
}

void gtl_learn_host_stream(z_streamp strm)
{
    if (!gtl_host_zalloc) {
        gtl_host_zfree = strm->zfree;
        gtl_host_zalloc = strm->zalloc;
    }
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
        /* A guest copy may come back (strm->msg is only ever replaced). */
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

static int all_resolved(const int *ids, int n)
{
    for (int i = 0; i < n; i++) {
        if (!gtl_tokens[ids[i]]) {
            return 0;
        }
    }
    return 1;
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
 * The NAME_ga_HTL entries and the resume entry: all of them, or streams
 * with the guest's allocator stay on the guest's zlib (an HTL without
 * them: as before they existed).
 */
static int connect_ga(int64_t handle)
{
    for (int i = 0; i < GTL_N_ENTRIES; i++) {
        if (!ga_entry_names[i]) {
            continue;
        }
        gtl_ga_tokens[i] = resolve(handle, ga_entry_names[i]);
        if (!gtl_ga_tokens[i]) {
            goto none;
        }
    }
    ga_resume_token = resolve(handle, "ga_resume_HTL");
    if (ga_resume_token) {
        return 1;
    }
none:
    memset(gtl_ga_tokens, 0, sizeof(gtl_ga_tokens));
    return 0;
}

static void gtl_connect(void)
{
#define GTL_ID_OF(ret_t, name, n, types, err, ...) GTL_ID_##name,
    static const int stream_ids[] = {
        ZLIB_STREAM_INIT(GTL_ID_OF) ZLIB_STREAM_COPY(GTL_ID_OF)
        ZLIB_STREAM(GTL_ID_OF) ZLIB_STREAM_HTL_BY_HAND(GTL_ID_OF)
    };
    static const int gz_ids[] = {
        ZLIB_GZ(GTL_ID_OF) ZLIB_GZ_VOID(GTL_ID_OF)
        ZLIB_GZ_HANDWRITTEN(GTL_ID_OF) ZLIB_HTL_ONLY(GTL_ID_OF)
    };
#undef GTL_ID_OF
    int64_t handle;
    PtStatus st;
    int missing = 0;

    if (gtl_transport_init() == GTL_NONE) {
        return;
    }
    gtl_dispatch_init();
    st = gtl_control(PT_OP_LOAD_HTL, &handle, (uint64_t)(uintptr_t)"libz.so",
                     0, 0, 0);
    if (st != PT_OK) {
        gtl_warn("the plugin cannot load libz_HTL.so (status %d); using the "
                 "guest's own zlib", st);
        return;
    }
    for (int i = 0; i < GTL_N_ENTRIES; i++) {
        gtl_tokens[i] = resolve(handle, entry_names[i]);
        missing += !gtl_tokens[i];
    }
    gtl_streams_on_host = all_resolved(stream_ids, PT_ARRAY_SIZE(stream_ids));
    gtl_gz_on_host = all_resolved(gz_ids, PT_ARRAY_SIZE(gz_ids));
    gtl_ga_on_host = gtl_streams_on_host && connect_ga(handle);
    if (missing) {
        gtl_warn("libz_HTL.so lacks %d of %d entries; those use the guest's "
                 "own zlib%s%s", missing, GTL_N_ENTRIES,
                 gtl_streams_on_host ? "" : " (and so do all streams)",
                 gtl_gz_on_host ? "" : " (and so do all gzFiles)");
    }
}

__attribute__((constructor)) static void gtl_init(void)
{
    gtl_connect();
}
