/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "control.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "guest_check.h"
#include "guest_mem.h"
#include "log.h"

/* Ops by number, for log lines. */
typedef struct OpInfo {
    const char *name;
} OpInfo;

static const OpInfo *op_info(uint64_t op)
{
    static const OpInfo upstream[] = {
        [PT_OP_LOAD_HTL] = { "LOAD_HTL" },
        [PT_OP_DLSYM] = { "DLSYM" },
        [PT_OP_INVOKE] = { "INVOKE" },
        [PT_OP_CLOSE_HTL] = { "CLOSE_HTL" },
    };
    static const OpInfo own[] = {
        [PT_OP_HELLO - PT_OP_HELLO] = { "HELLO" },
        [PT_OP_STATS - PT_OP_HELLO] = { "STATS" },
        [PT_OP_REGISTER_GATE - PT_OP_HELLO] = { "REGISTER_GATE" },
        [PT_OP_BIND_MAILBOX - PT_OP_HELLO] = { "BIND_MAILBOX" },
        [PT_OP_MAILBOX_CALL - PT_OP_HELLO] = { "MAILBOX_CALL" },
        [PT_OP_RESOLVE - PT_OP_HELLO] = { "RESOLVE" },
    };

    if (op >= PT_OP_LOAD_HTL && op <= PT_OP_CLOSE_HTL) {
        return &upstream[op];
    }
    if (op >= PT_OP_HELLO && op <= PT_OP_RESOLVE) {
        return &own[op - PT_OP_HELLO];
    }
    return NULL;
}

static const char *op_name(uint64_t op)
{
    const OpInfo *info = op_info(op);

    return info ? info->name : "unknown";
}

static PtStatus read_name(uint64_t addr, char *buf)
{
    long n = pt_guest_read_str(addr, buf, PT_NAME_MAX);

    if (n == -EFAULT) {
        return PT_E_FAULT;
    }
    return n < 0 ? PT_E_BAD_NAME : PT_OK;
}

/*
 * Mailboxes. linux-user runs each guest thread on a host thread of its own,
 * so host TLS is per guest thread: the gate finds its thread's slot without
 * a lookup or a lock. A thread has one mailbox per GTL: each GTL binds its
 * own under a key (the address of its gate), so several GTLs in a process
 * never take each other's; a gate serves the mailbox bound under its own
 * address, else the one bound under key 0 (a GTL that names no key). A
 * binding holds the mailbox's guest address, checked readable and writable
 * at BIND_MAILBOX; a guest syscall that may unmap or write-protect it
 * (munmap, mprotect, MAP_FIXED...) clears the address first, so the gate
 * never touches memory that is gone. Slots live in one table, so any
 * thread's syscall can reach every thread's mailboxes; a host thread's slot
 * is freed when it exits.
 *
 * What remains: one guest thread unmapping another thread's mailbox while
 * that thread is inside a gate call (between the check and the access)
 * still faults. Closing it needs the owner to publish "in a call" and the
 * unmapper to wait for it; see the note on pointer checks in the README.
 */
#define MAX_MAILBOXES 4096

typedef struct MailboxBinding {
    uint64_t key;         /* the GTL's gate address, or 0 */
    uint64_t addr;        /* the mailbox's guest address; 0: none bound */
} MailboxBinding;

typedef struct MailboxSlot {
    MailboxBinding box[PT_THREAD_MAILBOXES];
    int n;                /* bindings in use; only the owner adds */
    bool used;            /* owned by a live host thread (under the lock) */
} MailboxSlot;

static GMutex mailbox_lock;
static MailboxSlot mailboxes[MAX_MAILBOXES];
static int n_mailboxes;   /* slots ever used; read without the lock */
static pthread_key_t mailbox_key;
static pthread_once_t mailbox_key_once = PTHREAD_ONCE_INIT;

/* Initial-exec: one pointer fits the static TLS surplus glibc keeps for
 * dlopen()ed libraries. */
static __thread MailboxSlot *thread_slot
    __attribute__((tls_model("initial-exec")));

static void free_slot(void *p)
{
    MailboxSlot *slot = p;

    g_mutex_lock(&mailbox_lock);
    for (int i = 0; i < PT_THREAD_MAILBOXES; i++) {
        __atomic_store_n(&slot->box[i].addr, 0, __ATOMIC_RELAXED);
        slot->box[i].key = 0;
    }
    __atomic_store_n(&slot->n, 0, __ATOMIC_RELEASE);
    slot->used = false;
    g_mutex_unlock(&mailbox_lock);
}

static void make_mailbox_key(void)
{
    pthread_key_create(&mailbox_key, free_slot);
}

/* The calling thread's slot, allocated on first use; NULL if all are used. */
static MailboxSlot *own_slot(void)
{
    MailboxSlot *slot = thread_slot;

    if (slot) {
        return slot;
    }
    pthread_once(&mailbox_key_once, make_mailbox_key);
    g_mutex_lock(&mailbox_lock);
    for (int i = 0; i < MAX_MAILBOXES && !slot; i++) {
        if (!mailboxes[i].used) {
            slot = &mailboxes[i];
            slot->used = true;
            if (i >= n_mailboxes) {
                __atomic_store_n(&n_mailboxes, i + 1, __ATOMIC_RELEASE);
            }
        }
    }
    g_mutex_unlock(&mailbox_lock);
    if (slot) {
        pthread_setspecific(mailbox_key, slot);
        thread_slot = slot;
    }
    return slot;
}

/*
 * The calling thread's mailbox for the GTL whose key is `key`, or the one
 * bound under key 0, or NULL: the hot path, a few loads (a process has a
 * GTL or two).
 */
static inline PtMailbox *thread_mailbox(uint64_t key)
{
    MailboxSlot *slot = thread_slot;
    MailboxBinding *any = NULL;

    if (!slot) {
        return NULL;
    }
    for (int i = 0; i < slot->n; i++) {
        if (slot->box[i].key == key) {
            any = &slot->box[i];
            break;
        }
        if (slot->box[i].key == 0) {
            any = &slot->box[i];
        }
    }
    if (!any) {
        return NULL;
    }
    return (PtMailbox *)(uintptr_t)__atomic_load_n(&any->addr,
                                                   __ATOMIC_ACQUIRE);
}

int pt_control_drop_mailboxes(uint64_t start, uint64_t end)
{
    int n = __atomic_load_n(&n_mailboxes, __ATOMIC_ACQUIRE);
    int dropped = 0;

    if (end <= start) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int boxes = __atomic_load_n(&mailboxes[i].n, __ATOMIC_ACQUIRE);

        for (int j = 0; j < boxes; j++) {
            uint64_t *at = &mailboxes[i].box[j].addr;
            uint64_t a = __atomic_load_n(at, __ATOMIC_RELAXED);

            if (a && a < end && a + sizeof(PtMailbox) > start) {
                /* Only ever cleared here: a racing BIND binds again. */
                dropped += __atomic_compare_exchange_n(at, &a, 0, false,
                                                       __ATOMIC_RELEASE,
                                                       __ATOMIC_RELAXED);
            }
        }
    }
    return dropped;
}

/* The guest's memory syscalls: numbers per target, flag values shared by
 * x86_64, aarch64 and riscv64. */
#define G_PROT_READ 0x1
#define G_PROT_WRITE 0x2
#define G_MAP_FIXED 0x10
#define G_MREMAP_FIXED 0x2
#define G_SHM_REMAP 040000

bool pt_control_set_target(PtControl *ctl, const char *target)
{
    static const PtMemSyscalls x86_64 = {
        .mmap = 9, .mprotect = 10, .munmap = 11, .brk = 12, .mremap = 25,
        .shmat = 30, .shmdt = 67, .pkey_mprotect = 329,
    };
    /* asm-generic numbers. */
    static const PtMemSyscalls generic = {
        .mmap = 222, .mprotect = 226, .munmap = 215, .brk = 214,
        .mremap = 216, .shmat = 196, .shmdt = 197, .pkey_mprotect = 288,
    };

    if (target && !strcmp(target, "x86_64")) {
        ctl->mem = &x86_64;
    } else if (target && (!strcmp(target, "aarch64") ||
                          !strcmp(target, "riscv64"))) {
        ctl->mem = &generic;
    } else {
        ctl->mem = NULL;
    }
    return ctl->mem != NULL;
}

static uint64_t range_end(uint64_t start, uint64_t len)
{
    return start + len < start ? UINT64_MAX : start + len;
}

/*
 * The kernel (and QEMU) work in whole pages: a range takes every page it
 * touches. Rounded to 64 KiB, the largest guest page size here, as too
 * much only costs a thread one more BIND.
 */
#define DROP_GRANULE 0x10000ULL

static void drop(PtControl *ctl, uint64_t start, uint64_t end)
{
    int n;

    start &= ~(DROP_GRANULE - 1);
    end = end > UINT64_MAX - (DROP_GRANULE - 1)
          ? UINT64_MAX : (end + DROP_GRANULE - 1) & ~(DROP_GRANULE - 1);
    n = pt_control_drop_mailboxes(start, end);

    if (n) {
        __atomic_fetch_add(&ctl->mailbox_drops, n, __ATOMIC_RELAXED);
    }
}

/*
 * brk(a): the heap ends below the highest break ever asked for, so a
 * shrink takes at most [a, that + a page of slack) away; growing takes
 * nothing. (QEMU 7.2 never unmaps on a shrink; later ones may.)
 */
static void brk_syscall(PtControl *ctl, uint64_t a)
{
    uint64_t max = __atomic_load_n(&ctl->brk_max, __ATOMIC_RELAXED);

    if (!a) {
        return;
    }
    while (a > max && !__atomic_compare_exchange_n(&ctl->brk_max, &max, a,
                                                   true, __ATOMIC_RELAXED,
                                                   __ATOMIC_RELAXED)) {
    }
    if (a < max) {
        drop(ctl, a, range_end(max, 0x10000));
    }
}

/* The memory syscall in flight on this thread, for its return. */
typedef struct PendingSyscall {
    int64_t num;          /* -1: none */
    uint64_t a[6];
    uint64_t reloads;     /* the pointer table's reloads before it began */
} PendingSyscall;

static __thread PendingSyscall pending = { .num = -1 };

#define G_PAGE 0x1000ULL      /* the guests' page size here */
#define G_PROT_MASK 0x7
#define G_MAP_FIXED_NOREPLACE 0x100000

static bool is_error(int64_t ret)
{
    return ret < 0 && ret >= -4095;
}

/* [a, a + len) widened to whole pages, as the kernel takes it. */
static void page_range(uint64_t a, uint64_t len, uint64_t *start,
                       uint64_t *plen)
{
    uint64_t end = range_end(a, len);

    *start = a & ~(G_PAGE - 1);
    end = end > UINT64_MAX - (G_PAGE - 1) ? UINT64_MAX
                                          : (end + G_PAGE - 1) & ~(G_PAGE - 1);
    *plen = end - *start;
}

/* [a, a + len) goes away: out of the pointer checks, mailboxes dropped. */
static void taken(PtControl *ctl, uint64_t a, uint64_t len)
{
    uint64_t start, plen;

    page_range(a, len, &start, &plen);
    pt_guest_check_unmap(start, plen);
    drop(ctl, a, range_end(a, len));
}

/* [a, a + len) may lose read or write access: the same, but it stays. */
static void narrowed(PtControl *ctl, uint64_t a, uint64_t len, int prot)
{
    uint64_t start, plen;

    page_range(a, len, &start, &plen);
    pt_guest_check_narrow(start, plen, prot & G_PROT_MASK);
    drop(ctl, a, range_end(a, len));
}

void pt_control_memory_syscall(PtControl *ctl, int64_t num,
                               const uint64_t a[6])
{
    const PtMemSyscalls *m = ctl->mem;

    if (!m || (num != m->munmap && num != m->mprotect &&
               num != m->pkey_mprotect && num != m->mmap &&
               num != m->mremap && num != m->brk && num != m->shmat &&
               num != m->shmdt)) {
        return;
    }
    pending.num = num;
    memcpy(pending.a, a, sizeof(pending.a));
    pending.reloads = pt_guest_check_reloads();
    if (num == m->munmap) {
        taken(ctl, a[0], a[1]);
    } else if (num == m->mprotect || num == m->pkey_mprotect) {
        if ((a[2] & (G_PROT_READ | G_PROT_WRITE)) !=
            (G_PROT_READ | G_PROT_WRITE)) {
            narrowed(ctl, a[0], a[1], a[2]);
        }
    } else if (num == m->mmap) {
        if (a[3] & (G_MAP_FIXED | G_MAP_FIXED_NOREPLACE)) {
            taken(ctl, a[0], a[1]);
        }
    } else if (num == m->mremap) {
        taken(ctl, a[0], a[1] ? a[1] : 1);
        if (a[3] & G_MREMAP_FIXED) {
            taken(ctl, a[4], a[2]);
        }
    } else if (num == m->brk) {
        brk_syscall(ctl, a[0]);
    } else if (num == m->shmdt) {
        /* The segment's size is unknown here: all above. Rare, and cheap:
         * a dropped mailbox is bound again on its next call. (The pointer
         * checks reload the maps at its return.) */
        if (a[0]) {
            drop(ctl, a[0], UINT64_MAX);
        }
    } else if (num == m->shmat) {
        if (a[1] && (a[2] & G_SHM_REMAP)) {
            drop(ctl, a[1], UINT64_MAX);
        }
    }
}

void pt_control_memory_syscall_ret(PtControl *ctl, int64_t num, int64_t ret)
{
    const PtMemSyscalls *m = ctl->mem;
    const uint64_t *a = pending.a;
    uint64_t start, plen;

    if (!m || pending.num != num) {
        return;
    }
    pending.num = -1;
    if (is_error(ret) || num == m->mremap || num == m->brk ||
        num == m->shmat || num == m->shmdt) {
        /* Failed (the entry side may have removed too much), or not
         * followed exactly: the next check reads the maps again. */
        pt_guest_check_stale();
    } else if (num == m->munmap) {
        /*
         * Removed at entry. A reload since may have read the maps before
         * the kernel unmapped, and put the range back: read them again.
         * Not removed again here: another thread may have mapped the
         * same addresses meanwhile (the kernel reuses them at once), and
         * its mapping is in the table now.
         */
        if (pt_guest_check_reloads() != pending.reloads) {
            pt_guest_check_stale();
        }
    } else if (num == m->mmap) {
        page_range((uint64_t)ret, a[1], &start, &plen);
        pt_guest_check_map(start, plen, a[2] & G_PROT_MASK);
    } else if (num == m->mprotect || num == m->pkey_mprotect) {
        page_range(a[0], a[1], &start, &plen);
        pt_guest_check_protect(start, plen, a[2] & G_PROT_MASK);
    }
}

/* Runs an entry; returns the errno it left (errno itself is preserved). */
static inline int run_entry(PtHtlEntry fn, uint64_t args, uint64_t ret)
{
    int *err = &errno;
    int saved = *err, host_errno;

    *err = 0;
    /* guest_base == 0: guest pointers are host pointers (checked at HELLO). */
    fn((void **)(uintptr_t)args, (void *)(uintptr_t)ret);
    host_errno = *err;
    *err = saved;
    return host_errno;
}

/* Runs the call described in mailbox mb: the data plane's hot path. */
static inline void serve(PtControl *ctl, PtMailbox *mb, PtTransport via)
{
    /* Each field read once: another guest thread may be rewriting it. */
    uint64_t token = __atomic_load_n(&mb->token, __ATOMIC_RELAXED);
    uint64_t args = __atomic_load_n(&mb->args, __ATOMIC_RELAXED);
    uint64_t ret = __atomic_load_n(&mb->ret, __ATOMIC_RELAXED);
    PtHtlEntry fn;
    PtStatus st;

    if (__builtin_expect(token == PT_GATE_PING, 0)) {
        mb->host_errno = 0;
        mb->status = PT_OK;
        return;
    }
    /* Used up: if the gate's instruction runs again without a new call
     * (a junk gate registered on common code, say), nothing runs. */
    __atomic_store_n(&mb->token, 0, __ATOMIC_RELAXED);
    if (!args || !ret) {
        mb->status = PT_E_FAULT;
        return;
    }
    st = pt_registry_entry(ctl->reg, token, via, &fn);
    mb->host_errno = st == PT_OK ? run_entry(fn, args, ret) : 0;
    mb->status = st;
}

void pt_control_gate(PtControl *ctl, uint64_t gate)
{
    PtMailbox *mb = thread_mailbox(gate);

    if (mb) {
        serve(ctl, mb, PT_VIA_GATE);
    }
}

PtGate *pt_control_find_gate(PtControl *ctl, uint64_t vaddr)
{
    int n = __atomic_load_n(&ctl->n_gates, __ATOMIC_ACQUIRE);

    for (int i = 0; i < n; i++) {
        if (ctl->gates[i].addr == vaddr) {
            return &ctl->gates[i];
        }
    }
    return NULL;
}

static PtStatus register_gate(PtControl *ctl, uint64_t addr)
{
    static GMutex lock;
    PtStatus st = PT_OK;
    bool first = false;
    uint8_t probe;

    if (ctl->gate_disabled) {
        return PT_E_DISABLED;
    }
    /* It must at least be readable: the guest will execute it. */
    if (!pt_guest_read(addr, &probe, 1)) {
        return PT_E_FAULT;
    }
    g_mutex_lock(&lock);
    if (!pt_control_find_gate(ctl, addr)) {
        if (ctl->n_gates == PT_MAX_GATES) {
            st = PT_E_LIMIT;
        } else {
            ctl->gates[ctl->n_gates].ctl = ctl;
            ctl->gates[ctl->n_gates].addr = addr;
            __atomic_store_n(&ctl->n_gates, ctl->n_gates + 1, __ATOMIC_RELEASE);
            first = ctl->n_gates == 1;
        }
    }
    g_mutex_unlock(&lock);
    /* Outside the lock: QEMU takes its own. */
    if (first && ctl->first_gate) {
        ctl->first_gate();
    }
    return st;
}

static PtStatus bind_mailbox(PtControl *ctl, uint64_t addr, uint64_t key)
{
    MailboxSlot *slot;
    PtMailbox mb;
    int i;

    /* Without the target's syscall numbers nothing would drop a mailbox
     * whose memory goes away: the guest takes the reply-block path. */
    if (!ctl->mem) {
        return PT_E_DISABLED;
    }
    if (addr % _Alignof(PtMailbox)) {
        return PT_E_FAULT;
    }
    /* Readable and writable, checked once; the gate then uses it directly
     * until a memory syscall drops it. */
    if (!pt_guest_read(addr, &mb, sizeof(mb)) ||
        !pt_guest_write(addr, &mb, sizeof(mb))) {
        return PT_E_FAULT;
    }
    slot = own_slot();
    if (!slot) {
        return PT_E_LIMIT;
    }
    for (i = 0; i < slot->n && slot->box[i].key != key; i++) {
    }
    if (i == PT_THREAD_MAILBOXES) {
        return PT_E_LIMIT;
    }
    if (i == slot->n) {
        slot->box[i].key = key;
        __atomic_store_n(&slot->box[i].addr, addr, __ATOMIC_RELEASE);
        __atomic_store_n(&slot->n, i + 1, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&slot->box[i].addr, addr, __ATOMIC_RELEASE);
    }
    return PT_OK;
}

static PtStatus do_invoke(PtControl *ctl, uint64_t token, uint64_t args,
                          uint64_t ret, int32_t *host_errno)
{
    PtHtlEntry fn;
    PtStatus st;

    if (!args || !ret) {
        return PT_E_FAULT;
    }
    st = pt_registry_entry(ctl->reg, token, PT_VIA_SYSCALL, &fn);
    if (st != PT_OK) {
        return st;
    }
    *host_errno = run_entry(fn, args, ret);
    return PT_OK;
}

/*
 * RESOLVE: each name's token, written back at once. A name that is
 * refused or missing gets 0, as DLSYM's error would leave the GTL;
 * unreadable arrays, or a name that is, fail the whole op.
 */
static PtStatus resolve_entries(PtControl *ctl, uint64_t handle,
                                uint64_t names, uint64_t n, uint64_t tokens,
                                int64_t *value)
{
    g_autofree uint64_t *name_at = NULL;
    g_autofree uint64_t *found = NULL;
    char name[PT_NAME_MAX];
    int64_t count = 0;
    PtStatus st;

    if (n > PT_RESOLVE_MAX) {
        return PT_E_LIMIT;
    }
    name_at = g_new0(uint64_t, n + 1);
    found = g_new0(uint64_t, n + 1);
    if (!pt_guest_read(names, name_at, n * sizeof(uint64_t))) {
        return PT_E_FAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (!name_at[i]) {
            continue;
        }
        st = read_name(name_at[i], name);
        if (st == PT_E_FAULT) {
            return st;
        }
        if (st == PT_OK) {
            st = pt_registry_dlsym(ctl->reg, handle, name, &found[i]);
        }
        if (st == PT_E_BAD_HANDLE) {
            return st;
        }
        count += st == PT_OK;
        if (st != PT_OK) {
            found[i] = 0;
        }
    }
    if (!pt_guest_write(tokens, found, n * sizeof(uint64_t))) {
        return PT_E_FAULT;
    }
    *value = count;
    return PT_OK;
}

static PtStatus do_stats(PtControl *ctl, uint64_t out, int64_t *value)
{
    PtStats s = {
        .syscall_calls = pt_registry_calls(ctl->reg, PT_VIA_SYSCALL),
        .gate_calls = pt_registry_calls(ctl->reg, PT_VIA_GATE),
        .control_ops = __atomic_load_n(&ctl->ops, __ATOMIC_RELAXED),
        .errors = __atomic_load_n(&ctl->errors, __ATOMIC_RELAXED),
    };

    s.host_calls = s.syscall_calls + s.gate_calls;
    if (out && !pt_guest_write(out, &s, sizeof(s))) {
        return PT_E_FAULT;
    }
    *value = (int64_t)s.host_calls;
    return PT_OK;
}

static PtStatus hello(PtControl *ctl, uint64_t version, int64_t *value)
{
    if (version != PT_PROTOCOL_VERSION) {
        /* The operator should know why passthrough is off; a guest may
         * ask again and again, so once. */
        if (!__atomic_exchange_n(&ctl->version_warned, true,
                                 __ATOMIC_RELAXED)) {
            pt_log("the guest's GTL speaks protocol %" G_GUINT64_FORMAT
                   ", this plugin %d: passthrough refused, the guest uses "
                   "its own libraries (rebuild the GTL and the plugin from "
                   "one checkout)", version, PT_PROTOCOL_VERSION);
        }
        *value = PT_PROTOCOL_VERSION;
        return PT_E_VERSION;
    }
    *value = ctl->filter ? PT_FEATURE_FILTER : 0;
    return PT_OK;
}

/* Runs one op; a[] are its own arguments (reply block already removed). */
static PtStatus dispatch(PtControl *ctl, uint64_t op, const uint64_t *a,
                         int64_t *value, int32_t *host_errno)
{
    char name[PT_NAME_MAX];
    uint64_t out = 0;
    PtStatus st;
    PtMailbox *mb;

    *value = 0;
    switch (op) {
    case PT_OP_LOAD_HTL:
        st = read_name(a[0], name);
        if (st == PT_OK) {
            st = pt_registry_load(ctl->reg, name, &out);
        }
        /* Only a result goes back: out is not set on an error. */
        *value = st == PT_OK ? (int64_t)out : 0;
        return st;
    case PT_OP_DLSYM:
        st = read_name(a[1], name);
        if (st == PT_OK) {
            st = pt_registry_dlsym(ctl->reg, a[0], name, &out);
        }
        *value = st == PT_OK ? (int64_t)out : 0;
        return st;
    case PT_OP_INVOKE:
        return do_invoke(ctl, a[0], a[1], a[2], host_errno);
    case PT_OP_CLOSE_HTL:
        return pt_registry_close(ctl->reg, a[0]);
    case PT_OP_HELLO:
        return hello(ctl, a[0], value);
    case PT_OP_STATS:
        return do_stats(ctl, a[0], value);
    case PT_OP_REGISTER_GATE:
        return register_gate(ctl, a[0]);
    case PT_OP_BIND_MAILBOX:
        return bind_mailbox(ctl, a[0], a[1]);
    case PT_OP_MAILBOX_CALL:
        mb = thread_mailbox(a[0]);
        if (!mb) {
            return PT_E_FAULT;
        }
        serve(ctl, mb, PT_VIA_SYSCALL);
        return PT_OK;
    case PT_OP_RESOLVE:
        return resolve_entries(ctl, a[0], a[1], a[2], a[3], value);
    default:
        return PT_E_BAD_OP;
    }
}

/*
 * Checks the reply block the guest pointed at. The magic (and HELLO's nonce)
 * must read back at that address: otherwise guest addresses are not host
 * addresses (guest_base != 0) and writing there would hit the wrong memory.
 */
static bool reply_usable(PtControl *ctl, uint64_t addr, uint64_t op,
                         uint64_t nonce)
{
    PtReply r;
    bool readable = pt_guest_read(addr, &r, sizeof(r));

    if (readable && r.magic == PT_REPLY_MAGIC &&
        (op != PT_OP_HELLO || r.nonce == nonce)) {
        return true;
    }
    /* HELLO comes first from every GTL: the operator should know why
     * passthrough is off. Once: a guest may repeat it forever. */
    if (op == PT_OP_HELLO &&
        !__atomic_exchange_n(&ctl->base_warned, true, __ATOMIC_RELAXED)) {
        pt_log("HELLO's reply block at %#" G_GINT64_MODIFIER "x is %s at "
               "that host address: guest_base != 0 (qemu -B?)? Passthrough "
               "needs guest_base 0; the guest uses its own libraries", addr,
               readable ? "not what the guest wrote" : "not mapped");
    } else {
        pt_log_verbose("%s: reply block %#" G_GINT64_MODIFIER "x %s",
                       op_name(op), addr,
                       readable ? "without the magic" : "unreadable");
    }
    return false;
}

int64_t pt_control_syscall(PtControl *ctl, const uint64_t args[6])
{
    uint64_t op = args[0];
    bool with_reply = (op & PT_OP_REPLY) ||
                      (op >= PT_OP_HELLO && op != PT_OP_MAILBOX_CALL);
    uint64_t base = op & ~(uint64_t)PT_OP_REPLY;
    const uint64_t *a = with_reply ? args + 2 : args + 1;
    uint64_t reply = args[1];
    bool reply_ok = with_reply && reply_usable(ctl, reply, base, a[1]);
    int64_t value = 0;
    int32_t host_errno = 0;
    PtStatus st;

    __atomic_fetch_add(&ctl->ops, 1, __ATOMIC_RELAXED);
    /*
     * Only the arguments the op takes are read. How many the guest passed
     * cannot be known: a syscall always has six, and syscall(4096, op, r)
     * leaves whatever the registers held in the rest (the demo does that),
     * so junk in unused slots is not an error.
     */
    if (with_reply && !reply_ok) {
        st = PT_E_FAULT;
    } else {
        st = dispatch(ctl, base, a, &value, &host_errno);
    }
    if (st != PT_OK) {
        /* An error carries no value, but HELLO's version. */
        if (st != PT_E_VERSION) {
            value = 0;
        }
        __atomic_fetch_add(&ctl->errors, 1, __ATOMIC_RELAXED);
        pt_log_verbose("%s (op %#" G_GINT64_MODIFIER "x): error %d",
                       op_name(base), op, st);
    }
    if (reply_ok) {
        PtReply r = { .value = value, .status = st, .host_errno = host_errno };
        /* From value on: the guest owns magic and nonce. */
        pt_guest_write(reply + offsetof(PtReply, value), &r.value,
                       sizeof(r) - offsetof(PtReply, value));
    }
    return st == PT_OK ? value : -(int64_t)st;
}
