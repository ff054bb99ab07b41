/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "registry.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <link.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_check.h"
#include "log.h"
#include "passthrough_entries.h"

/* Fixed capacities: the hot path indexes these without a lock. */
#define MAX_LIBS 64
#define MAX_HANDLES 1024
#define MAX_ENTRIES 8192
#define INDEX_MASK 0xffffffffULL
/* Handles: tag (16 bits) | generation (16 bits) | slot index (32 bits). */
#define GEN_SHIFT 32
#define GEN_MASK 0xffffULL
#define GEN_RETIRED 0xffff   /* a slot closed this often is never reused */

typedef struct HtlLib {
    char *name;           /* the guest's name at first load, e.g. "libz.so" */
    char *file;           /* the file in htl_dir, e.g. "libz_HTL.so" */
    void *dl;
    struct link_map *map; /* the HTL itself, not its dependencies */
    int open_handles;     /* under reg->lock; read atomically */
} HtlLib;

typedef struct HandleSlot {
    HtlLib *lib;          /* NULL: free (closed, or never used) */
    uint16_t gen;         /* bumped at each close: old handles stay dead */
} HandleSlot;

typedef struct Entry {
    PtHtlEntry fn;
    HtlLib *lib;
    char *name;
    uint64_t calls[PT_TRANSPORTS];
} Entry;

struct PtRegistry {
    GMutex lock;          /* load, dlsym, close; never the call path */
    char *htl_dir;
    GHashTable *warned;   /* files whose load failure was logged once */
    HtlLib libs[MAX_LIBS];
    int n_libs;
    HandleSlot handles[MAX_HANDLES];
    int n_handles;        /* slots ever used */
    Entry entries[MAX_ENTRIES];
    int n_entries;        /* published with release, read with acquire */
    GHashTable *entry_index; /* "file/entry" key -> index + 1 */
};

PtRegistry *pt_registry_new(const char *htl_dir)
{
    PtRegistry *reg = g_new0(PtRegistry, 1);

    g_mutex_init(&reg->lock);
    reg->htl_dir = g_strdup(htl_dir);
    reg->warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    reg->entry_index = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    return reg;
}

void pt_registry_free(PtRegistry *reg)
{
    /* Libraries stay loaded: QEMU may still be running guest threads. */
    for (int i = 0; i < reg->n_libs; i++) {
        g_free(reg->libs[i].name);
        g_free(reg->libs[i].file);
    }
    for (int i = 0; i < reg->n_entries; i++) {
        g_free(reg->entries[i].name);
    }
    g_hash_table_destroy(reg->entry_index);
    g_hash_table_destroy(reg->warned);
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
    static const char suffix[] = PT_ENTRY_SUFFIX;
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
    return g_strdup_printf("%.*s" PT_HTL_FILE_SUFFIX, (int)(so - name), name);
}

/* A load failure the operator should see, once per file (a guest may retry
 * forever); later ones only with verbose=on. */
static void log_load_failure(PtRegistry *reg, const char *file,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_load_failure(PtRegistry *reg, const char *file,
                             const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!g_hash_table_contains(reg->warned, file) &&
        g_hash_table_size(reg->warned) < MAX_LIBS) {
        g_hash_table_add(reg->warned, g_strdup(file));
        pt_log("%s", msg);
    } else {
        pt_log_verbose("%s", msg);
    }
}

/*
 * Every HTL file dlopen()ed by this process, by identity. dlopen() is
 * process-wide: it answers a path it has seen before with the library it
 * loaded then, so each file is dlopen()ed once and found here afterwards.
 */
typedef struct LoadedFile {
    dev_t dev;
    ino_t ino;
    void *dl;
    struct link_map *map;
} LoadedFile;

static GMutex loaded_lock;
static LoadedFile loaded[MAX_LIBS];
static int n_loaded;
/* Lowest descriptor number for the next /proc/self/fd/N we dlopen(). */
static int next_dl_fd = 100;

/*
 * Hands the HTL the plugin's checks of guest memory if it asks for them (it
 * defines PT_HTL_BIND_SYMBOL itself: a dependency's does not count). An HTL
 * that asks and then refuses them is not used: its entries would run
 * without checking the guest's pointers.
 */
static bool bind_htl(void *dl, struct link_map *map, const char **err)
{
    struct link_map *owner = NULL;
    Dl_info info;
    void *sym = dlsym(dl, PT_HTL_BIND_SYMBOL);

    if (!sym || !dladdr1(sym, &info, (void **)&owner, RTLD_DL_LINKMAP) ||
        owner != map) {
        return true;
    }
    if (((PtHtlBindFn)sym)(pt_guest_check_api()) != 0) {
        *err = "it refused the plugin's API (" PT_HTL_BIND_SYMBOL ")";
        return false;
    }
    return true;
}

/*
 * dlopen()s the file open at fd, which is exactly the file that was checked:
 * through /proc/self/fd/N, so no path is looked up again. glibc remembers
 * the path, and would answer a later dlopen() of the same /proc/self/fd/N
 * with this library whatever file N is by then: each load gets a
 * descriptor number never used for one before.
 */
static LoadedFile *dlopen_fd(int fd, const struct stat *st, const char **err)
{
    g_autofree char *proc_path = NULL;
    LoadedFile *lf = NULL;
    struct link_map *map;
    void *dl;
    int dup_fd;

    g_mutex_lock(&loaded_lock);
    for (int i = 0; i < n_loaded; i++) {
        if (loaded[i].dev == st->st_dev && loaded[i].ino == st->st_ino) {
            lf = &loaded[i];
            goto out;
        }
    }
    if (n_loaded == MAX_LIBS) {
        *err = "too many HTL files";
        goto out;
    }
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, next_dl_fd);
    if (dup_fd < 0) {
        *err = g_strerror(errno);
        goto out;
    }
    next_dl_fd = dup_fd + 1;
    proc_path = g_strdup_printf("/proc/self/fd/%d", dup_fd);
    dl = dlopen(proc_path, RTLD_NOW | RTLD_LOCAL);
    close(dup_fd);
    if (!dl) {
        *err = dlerror();
        goto out;
    }
    if (dlinfo(dl, RTLD_DI_LINKMAP, &map) != 0) {
        *err = dlerror();
        goto out;
    }
    if (!bind_htl(dl, map, err)) {
        /* Stays loaded (dlclose of a library whose constructors ran is not
         * worth the risk); its file is refused from now on. */
        goto out;
    }
    lf = &loaded[n_loaded++];
    *lf = (LoadedFile){ .dev = st->st_dev, .ino = st->st_ino,
                        .dl = dl, .map = map };
out:
    g_mutex_unlock(&loaded_lock);
    return lf;
}

/*
 * Opens htl_dir/file for loading. The guest's name has no '/' (checked), so
 * file is one component directly inside htl_dir, and it must be a regular
 * file there: O_NOFOLLOW refuses a symbolic link, even one that points
 * back inside htl_dir, so what is loaded is never decided by where a link
 * leads. htl_dir itself (the operator's argument) may be reached through
 * links. O_NONBLOCK: a FIFO must not hang the open.
 */
static int open_htl(PtRegistry *reg, const char *file, struct stat *st,
                    PtStatus *status)
{
    int dir_fd, fd, err;

    /* Opened each time: the guest shares QEMU's descriptor table and may
     * close or replace any descriptor we kept. */
    dir_fd = open(reg->htl_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        err = errno;
        log_load_failure(reg, file, "htl_dir=%s: %s", reg->htl_dir,
                         g_strerror(err));
        *status = PT_E_NOT_FOUND;
        return -1;
    }
    fd = openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    err = errno;
    close(dir_fd);
    if (fd < 0) {
        if (err == ENOENT) {
            pt_log_verbose("LOAD_HTL: no %s in %s", file, reg->htl_dir);
            *status = PT_E_NOT_FOUND;
        } else if (err == ELOOP) {
            log_load_failure(reg, file, "%s/%s is a symbolic link: refused "
                             "(an HTL must be a regular file in htl_dir)",
                             reg->htl_dir, file);
            *status = PT_E_LOAD;
        } else {
            log_load_failure(reg, file, "cannot open %s/%s: %s", reg->htl_dir,
                             file, g_strerror(err));
            *status = PT_E_LOAD;
        }
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        log_load_failure(reg, file, "%s/%s is not a regular file: refused",
                         reg->htl_dir, file);
        close(fd);
        *status = PT_E_LOAD;
        return -1;
    }
    return fd;
}

/* Under reg->lock. */
static HtlLib *find_or_load(PtRegistry *reg, const char *name, PtStatus *st)
{
    g_autofree char *file = htl_file_name(name);
    const char *err = NULL;
    LoadedFile *lf;
    struct stat sb;
    HtlLib *lib;
    int fd;

    /* "libz.so" and "libz.so.1" name the same HTL. */
    for (int i = 0; i < reg->n_libs; i++) {
        if (!strcmp(reg->libs[i].file, file)) {
            return &reg->libs[i];
        }
    }
    if (reg->n_libs == MAX_LIBS) {
        *st = PT_E_LIMIT;
        return NULL;
    }
    fd = open_htl(reg, file, &sb, st);
    if (fd < 0) {
        return NULL;
    }
    lf = dlopen_fd(fd, &sb, &err);
    close(fd);
    if (!lf) {
        log_load_failure(reg, file, "cannot load %s/%s: %s", reg->htl_dir,
                         file, err ? err : "unknown error");
        *st = PT_E_LOAD;
        return NULL;
    }
    lib = &reg->libs[reg->n_libs++];
    lib->name = g_strdup(name);
    lib->file = g_steal_pointer(&file);
    lib->dl = lf->dl;
    lib->map = lf->map;
    return lib;
}

PtStatus pt_registry_load(PtRegistry *reg, const char *name, uint64_t *handle)
{
    PtStatus st = PT_OK;
    HandleSlot *slot = NULL;
    HtlLib *lib;
    int idx;

    if (!pt_valid_lib_name(name)) {
        pt_log_verbose("LOAD_HTL: refused library name '%s'", name);
        return PT_E_BAD_NAME;
    }
    g_mutex_lock(&reg->lock);
    /* A closed slot is reused under a new generation, so a guest that
     * opens and closes forever never runs out, and old handles stay dead. */
    for (idx = 0; idx < reg->n_handles; idx++) {
        if (!reg->handles[idx].lib && reg->handles[idx].gen != GEN_RETIRED) {
            slot = &reg->handles[idx];
            break;
        }
    }
    if (!slot && reg->n_handles < MAX_HANDLES) {
        idx = reg->n_handles;
        slot = &reg->handles[idx];
    }
    if (!slot) {
        st = PT_E_LIMIT;
    } else if ((lib = find_or_load(reg, name, &st))) {
        if (idx == reg->n_handles) {
            reg->n_handles++;
        }
        slot->lib = lib;
        g_atomic_int_inc(&lib->open_handles);
        *handle = PT_HANDLE_TAG | ((uint64_t)slot->gen << GEN_SHIFT) |
                  (uint64_t)idx;
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

/* The open slot handle names, or NULL. Under reg->lock. */
static HandleSlot *handle_slot(PtRegistry *reg, uint64_t handle)
{
    uint64_t idx = handle & INDEX_MASK;
    uint64_t gen = (handle >> GEN_SHIFT) & GEN_MASK;
    HandleSlot *slot;

    if ((handle & PT_TAG_MASK) != PT_HANDLE_TAG ||
        idx >= (uint64_t)reg->n_handles) {
        return NULL;
    }
    slot = &reg->handles[idx];
    return slot->lib && slot->gen == gen ? slot : NULL;
}

static HtlLib *handle_lib(PtRegistry *reg, uint64_t handle)
{
    HandleSlot *slot = handle_slot(reg, handle);

    return slot ? slot->lib : NULL;
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
    key = g_strdup_printf("%s/%s", lib->file, entry);
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
    HandleSlot *slot;

    g_mutex_lock(&reg->lock);
    slot = handle_slot(reg, handle);
    if (!slot) {
        pt_log_verbose("CLOSE_HTL: bad or closed handle %#" G_GINT64_MODIFIER
                       "x", handle);
        st = PT_E_BAD_HANDLE;
    } else {
        g_atomic_int_add(&slot->lib->open_handles, -1);
        slot->lib = NULL;
        slot->gen++;
    }
    g_mutex_unlock(&reg->lock);
    return st;
}

/* The entry token names if it may run now, else NULL. No lock. */
static Entry *token_entry(PtRegistry *reg, uint64_t token)
{
    uint64_t idx = token & INDEX_MASK;
    int n = __atomic_load_n(&reg->n_entries, __ATOMIC_ACQUIRE);
    Entry *e;

    if ((token & ~INDEX_MASK) != PT_TOKEN_TAG || idx >= (uint64_t)n) {
        return NULL;
    }
    e = &reg->entries[idx];
    if (g_atomic_int_get(&e->lib->open_handles) <= 0) {
        return NULL;
    }
    return e;
}

PtStatus pt_registry_entry(PtRegistry *reg, uint64_t token, PtTransport via,
                           PtHtlEntry *fn)
{
    Entry *e = token_entry(reg, token);

    if (!e) {
        return PT_E_BAD_TOKEN;
    }
    __atomic_fetch_add(&e->calls[via], 1, __ATOMIC_RELAXED);
    *fn = e->fn;
    return PT_OK;
}

PtStatus pt_registry_lookup(PtRegistry *reg, uint64_t token,
                            const char **entry)
{
    Entry *e = token_entry(reg, token);

    if (!e) {
        return PT_E_BAD_TOKEN;
    }
    *entry = e->name;
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
