/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "registry.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Fixed capacities: the hot path indexes these without a lock. */
#define MAX_LIBS 64
#define MAX_HANDLES 1024
#define MAX_ENTRIES 8192
#define INDEX_MASK 0xffffffffULL

typedef struct HtlLib {
    char *name;           /* as the guest named it, e.g. "libz.so" */
    void *dl;
    struct link_map *map; /* the HTL itself, not its dependencies */
    int open_handles;     /* under reg->lock; read atomically */
} HtlLib;

typedef struct Entry {
    PtHtlEntry fn;
    HtlLib *lib;
    char *name;
    uint64_t calls[PT_TRANSPORTS];
} Entry;

struct PtRegistry {
    GMutex lock;          /* load, dlsym, close; never the call path */
    char *htl_dir;
    HtlLib libs[MAX_LIBS];
    int n_libs;
    HtlLib *handles[MAX_HANDLES]; /* NULL once closed */
    int n_handles;
    Entry entries[MAX_ENTRIES];
    int n_entries;        /* published with release, read with acquire */
    GHashTable *entry_index; /* "lib\0entry" key -> index + 1 */
};

PtRegistry *pt_registry_new(const char *htl_dir)
{
    PtRegistry *reg = g_new0(PtRegistry, 1);

    g_mutex_init(&reg->lock);
    reg->htl_dir = g_strdup(htl_dir);
    reg->entry_index = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    return reg;
}

void pt_registry_free(PtRegistry *reg)
{
    /* Libraries stay loaded: QEMU may still be running guest threads. */
    for (int i = 0; i < reg->n_libs; i++) {
        g_free(reg->libs[i].name);
    }
    for (int i = 0; i < reg->n_entries; i++) {
        g_free(reg->entries[i].name);
    }
    g_hash_table_destroy(reg->entry_index);
    g_free(reg->htl_dir);
    g_mutex_clear(&reg->lock);
    g_free(reg);
}

bool pt_valid_lib_name(const char *name)
{
    size_t len = strlen(name);
    const char *p, *so;

    if (len < 7 || len >= PT_NAME_MAX || strncmp(name, "lib", 3)) {
        return false;
    }
    so = strstr(name, ".so");
    if (!so || so == name + 3) {
        return false;
    }
    for (p = name + 3; p < so; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '+') {
            return false;
        }
    }
    /* Optional version suffix: (".N")* */
    for (p = so + 3; *p; p++) {
        if (*p == '.') {
            if (!g_ascii_isdigit(p[1])) {
                return false;
            }
        } else if (!g_ascii_isdigit(*p)) {
            return false;
        }
    }
    return true;
}

bool pt_valid_entry_name(const char *name)
{
    static const char suffix[] = "_HTL";
    size_t len = strlen(name);

    /* Entries are named <function>_HTL; anything else is not an entry. */
    if (len < sizeof(suffix) || len >= PT_NAME_MAX ||
        g_ascii_isdigit(name[0]) ||
        strcmp(name + len - (sizeof(suffix) - 1), suffix)) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_') {
            return false;
        }
    }
    return true;
}

/* "libz.so.1" -> "libz_HTL.so" */
static char *htl_file_name(const char *name)
{
    const char *so = strstr(name, ".so");
    return g_strdup_printf("%.*s_HTL.so", (int)(so - name), name);
}

static HtlLib *find_or_load(PtRegistry *reg, const char *name, PtStatus *st)
{
    g_autofree char *file = htl_file_name(name);
    g_autofree char *path = NULL;
    struct link_map *map;
    void *dl;

    for (int i = 0; i < reg->n_libs; i++) {
        if (!strcmp(reg->libs[i].name, name)) {
            return &reg->libs[i];
        }
    }
    if (reg->n_libs == MAX_LIBS) {
        *st = PT_E_LIMIT;
        return NULL;
    }
    path = g_build_filename(reg->htl_dir, file, NULL);
    if (access(path, R_OK) != 0) {
        pt_log_verbose("LOAD_HTL %s: %s: %s", name, path, g_strerror(errno));
        *st = PT_E_NOT_FOUND;
        return NULL;
    }
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        pt_log("cannot load %s: %s", path, dlerror());
        *st = PT_E_LOAD;
        return NULL;
    }
    if (dlinfo(dl, RTLD_DI_LINKMAP, &map) != 0) {
        pt_log("cannot load %s: %s", path, dlerror());
        *st = PT_E_LOAD;
        return NULL;
    }
    reg->libs[reg->n_libs].name = g_strdup(name);
    reg->libs[reg->n_libs].dl = dl;
    reg->libs[reg->n_libs].map = map;
    return &reg->libs[reg->n_libs++];
}

PtStatus pt_registry_load(PtRegistry *reg, const char *name, uint64_t *handle)
{
    PtStatus st = PT_OK;
    HtlLib *lib;

    if (!pt_valid_lib_name(name)) {
        pt_log_verbose("LOAD_HTL: refused library name '%s'", name);
        return PT_E_BAD_NAME;
    }
    g_mutex_lock(&reg->lock);
    if (reg->n_handles == MAX_HANDLES) {
        st = PT_E_LIMIT;
    } else if ((lib = find_or_load(reg, name, &st))) {
        reg->handles[reg->n_handles] = lib;
        g_atomic_int_inc(&lib->open_handles);
        *handle = PT_HANDLE_TAG | (uint64_t)reg->n_handles++;
    }
    g_mutex_unlock(&reg->lock);
    return st;
}

/*
 * dlsym() on a handle also searches the HTL's dependencies (host zlib,
 * libc): only a function the HTL itself defines is an entry, so the guest
 * can never get a token for system(), exit() or the host library's own
 * functions.
 */
static void *lookup_entry(HtlLib *lib, const char *entry)
{
    struct link_map *owner = NULL;
    const ElfW(Sym) *sym = NULL;
    Dl_info info;
    void *fn;

    dlerror();
    fn = dlsym(lib->dl, entry);
    if (!fn) {
        return NULL;
    }
    if (!dladdr1(fn, &info, (void **)&owner, RTLD_DL_LINKMAP) ||
        owner != lib->map ||
        !dladdr1(fn, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym ||
        ELF64_ST_TYPE(sym->st_info) != STT_FUNC ||
        !info.dli_sname || strcmp(info.dli_sname, entry)) {
        pt_log_verbose("DLSYM: %s is not an entry of %s", entry, lib->name);
        return NULL;
    }
    return fn;
}

/* Under reg->lock. */
static HtlLib *handle_lib(PtRegistry *reg, uint64_t handle)
{
    uint64_t idx = handle & INDEX_MASK;

    if ((handle & ~INDEX_MASK) != PT_HANDLE_TAG || idx >= (uint64_t)reg->n_handles) {
        return NULL;
    }
    return reg->handles[idx];
}

PtStatus pt_registry_dlsym(PtRegistry *reg, uint64_t handle,
                           const char *entry, uint64_t *token)
{
    PtStatus st = PT_OK;
    g_autofree char *key = NULL;
    HtlLib *lib;
    gpointer found;
    void *fn;

    if (!pt_valid_entry_name(entry)) {
        pt_log_verbose("DLSYM: refused entry name '%s'", entry);
        return PT_E_BAD_NAME;
    }
    g_mutex_lock(&reg->lock);
    lib = handle_lib(reg, handle);
    if (!lib) {
        pt_log_verbose("DLSYM %s: bad handle %#" G_GINT64_MODIFIER "x",
                       entry, handle);
        st = PT_E_BAD_HANDLE;
        goto out;
    }
    key = g_strdup_printf("%s/%s", lib->name, entry);
    found = g_hash_table_lookup(reg->entry_index, key);
    if (found) {
        *token = PT_TOKEN_TAG | (GPOINTER_TO_UINT(found) - 1);
        goto out;
    }
    fn = lookup_entry(lib, entry);
    if (!fn) {
        pt_log_verbose("DLSYM: %s has no entry %s", lib->name, entry);
        st = PT_E_NOT_FOUND;
        goto out;
    }
    if (reg->n_entries == MAX_ENTRIES) {
        st = PT_E_LIMIT;
        goto out;
    }
    Entry *e = &reg->entries[reg->n_entries];
    e->fn = (PtHtlEntry)fn;
    e->lib = lib;
    e->name = g_strdup(entry);
    g_hash_table_insert(reg->entry_index, g_steal_pointer(&key),
                        GUINT_TO_POINTER(reg->n_entries + 1));
    *token = PT_TOKEN_TAG | (uint64_t)reg->n_entries;
    /* Publish the filled entry to lock-free readers. */
    __atomic_store_n(&reg->n_entries, reg->n_entries + 1, __ATOMIC_RELEASE);
out:
    g_mutex_unlock(&reg->lock);
    return st;
}

PtStatus pt_registry_close(PtRegistry *reg, uint64_t handle)
{
    PtStatus st = PT_OK;
    HtlLib *lib;

    g_mutex_lock(&reg->lock);
    lib = handle_lib(reg, handle);
    if (!lib) {
        pt_log_verbose("CLOSE_HTL: bad or closed handle %#" G_GINT64_MODIFIER
                       "x", handle);
        st = PT_E_BAD_HANDLE;
    } else {
        reg->handles[handle & INDEX_MASK] = NULL;
        g_atomic_int_add(&lib->open_handles, -1);
    }
    g_mutex_unlock(&reg->lock);
    return st;
}

PtStatus pt_registry_entry(PtRegistry *reg, uint64_t token, PtTransport via,
                           PtHtlEntry *fn)
{
    uint64_t idx = token & INDEX_MASK;
    int n = __atomic_load_n(&reg->n_entries, __ATOMIC_ACQUIRE);
    Entry *e;

    if ((token & ~INDEX_MASK) != PT_TOKEN_TAG || idx >= (uint64_t)n) {
        return PT_E_BAD_TOKEN;
    }
    e = &reg->entries[idx];
    if (g_atomic_int_get(&e->lib->open_handles) <= 0) {
        return PT_E_BAD_TOKEN;
    }
    __atomic_fetch_add(&e->calls[via], 1, __ATOMIC_RELAXED);
    *fn = e->fn;
    return PT_OK;
}

uint64_t pt_registry_calls(PtRegistry *reg, PtTransport via)
{
    int n = __atomic_load_n(&reg->n_entries, __ATOMIC_ACQUIRE);
    uint64_t total = 0;

    for (int i = 0; i < n; i++) {
        total += __atomic_load_n(&reg->entries[i].calls[via], __ATOMIC_RELAXED);
    }
    return total;
}

void pt_registry_write_stats(PtRegistry *reg, FILE *out)
{
    int n = __atomic_load_n(&reg->n_entries, __ATOMIC_ACQUIRE);

    for (int i = 0; i < n; i++) {
        Entry *e = &reg->entries[i];
        uint64_t s = __atomic_load_n(&e->calls[PT_VIA_SYSCALL], __ATOMIC_RELAXED);
        uint64_t g = __atomic_load_n(&e->calls[PT_VIA_GATE], __ATOMIC_RELAXED);

        fprintf(out, "call %s %s %" G_GUINT64_FORMAT " syscall=%" G_GUINT64_FORMAT
                " gate=%" G_GUINT64_FORMAT "\n", e->lib->name, e->name,
                s + g, s, g);
    }
}
