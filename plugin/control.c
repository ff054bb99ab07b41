/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "control.h"

#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "guest_mem.h"
#include "log.h"

static const char *op_name(uint64_t op)
{
    switch (op) {
    case PT_OP_LOAD_HTL:
        return "LOAD_HTL";
    case PT_OP_DLSYM:
        return "DLSYM";
    case PT_OP_INVOKE:
        return "INVOKE";
    case PT_OP_CLOSE_HTL:
        return "CLOSE_HTL";
    case PT_OP_HELLO:
        return "HELLO";
    case PT_OP_STATS:
        return "STATS";
    case PT_OP_REGISTER_GATE:
        return "REGISTER_GATE";
    case PT_OP_BIND_MAILBOX:
        return "BIND_MAILBOX";
    case PT_OP_MAILBOX_CALL:
        return "MAILBOX_CALL";
    default:
        return "unknown";
    }
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
 * The guest thread's mailbox. linux-user runs each guest thread on a host
 * thread of its own, so host TLS is per guest thread: the gate finds its
 * mailbox without a lookup or a lock. Initial-exec: one pointer fits the
 * static TLS surplus glibc keeps for dlopen()ed libraries.
 */
static __thread PtMailbox *thread_mailbox
    __attribute__((tls_model("initial-exec")));

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
    PtHtlEntry fn;
    PtStatus st;

    if (__builtin_expect(mb->token == PT_GATE_PING, 0)) {
        mb->host_errno = 0;
        mb->status = PT_OK;
        return;
    }
    if (!mb->args || !mb->ret) {
        mb->status = PT_E_FAULT;
        return;
    }
    st = pt_registry_entry(ctl->reg, mb->token, via, &fn);
    mb->host_errno = st == PT_OK ? run_entry(fn, mb->args, mb->ret) : 0;
    mb->status = st;
}

void pt_control_gate(PtControl *ctl)
{
    PtMailbox *mb = thread_mailbox;

    if (mb) {
        serve(ctl, mb, PT_VIA_GATE);
    }
}

bool pt_control_is_gate(PtControl *ctl, uint64_t vaddr)
{
    int n = __atomic_load_n(&ctl->n_gates, __ATOMIC_ACQUIRE);

    for (int i = 0; i < n; i++) {
        if (ctl->gates[i] == vaddr) {
            return true;
        }
    }
    return false;
}

static PtStatus register_gate(PtControl *ctl, uint64_t addr)
{
    static GMutex lock;
    PtStatus st = PT_OK;
    uint8_t probe;

    if (ctl->gate_disabled) {
        return PT_E_DISABLED;
    }
    /* It must at least be readable: the guest will execute it. */
    if (!pt_guest_read(addr, &probe, 1)) {
        return PT_E_FAULT;
    }
    g_mutex_lock(&lock);
    if (!pt_control_is_gate(ctl, addr)) {
        if (ctl->n_gates == PT_MAX_GATES) {
            st = PT_E_LIMIT;
        } else {
            ctl->gates[ctl->n_gates] = addr;
            __atomic_store_n(&ctl->n_gates, ctl->n_gates + 1, __ATOMIC_RELEASE);
        }
    }
    g_mutex_unlock(&lock);
    return st;
}

static PtStatus bind_mailbox(uint64_t addr)
{
    PtMailbox mb;

    /* Readable and writable, checked once; the gate then uses it directly. */
    if (!pt_guest_read(addr, &mb, sizeof(mb)) ||
        !pt_guest_write(addr, &mb, sizeof(mb))) {
        return PT_E_FAULT;
    }
    thread_mailbox = (PtMailbox *)(uintptr_t)addr;
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

/* Runs one op; a[] are its own arguments (reply block already removed). */
static PtStatus dispatch(PtControl *ctl, uint64_t op, const uint64_t *a,
                         int64_t *value, int32_t *host_errno)
{
    char name[PT_NAME_MAX];
    uint64_t out;
    PtStatus st;

    *value = 0;
    switch (op) {
    case PT_OP_LOAD_HTL:
        st = read_name(a[0], name);
        if (st == PT_OK) {
            st = pt_registry_load(ctl->reg, name, &out);
            *value = (int64_t)out;
        }
        return st;
    case PT_OP_DLSYM:
        st = read_name(a[1], name);
        if (st == PT_OK) {
            st = pt_registry_dlsym(ctl->reg, a[0], name, &out);
            *value = (int64_t)out;
        }
        return st;
    case PT_OP_INVOKE:
        return do_invoke(ctl, a[0], a[1], a[2], host_errno);
    case PT_OP_CLOSE_HTL:
        return pt_registry_close(ctl->reg, a[0]);
    case PT_OP_HELLO:
        if (a[0] != PT_PROTOCOL_VERSION) {
            pt_log("guest speaks protocol %" G_GUINT64_FORMAT ", plugin %d: "
                   "passthrough refused", a[0], PT_PROTOCOL_VERSION);
            return PT_E_VERSION;
        }
        *value = ctl->filter ? PT_FEATURE_FILTER : 0;
        return PT_OK;
    case PT_OP_STATS:
        return do_stats(ctl, a[0], value);
    case PT_OP_REGISTER_GATE:
        return register_gate(ctl, a[0]);
    case PT_OP_BIND_MAILBOX:
        return bind_mailbox(a[0]);
    case PT_OP_MAILBOX_CALL:
        if (!thread_mailbox) {
            return PT_E_FAULT;
        }
        serve(ctl, thread_mailbox, PT_VIA_SYSCALL);
        return PT_OK;
    default:
        return PT_E_BAD_OP;
    }
}

/*
 * Checks the reply block the guest pointed at. The magic (and HELLO's nonce)
 * must read back at that address: otherwise guest addresses are not host
 * addresses (guest_base != 0) and writing there would hit the wrong memory.
 */
static bool reply_usable(uint64_t addr, uint64_t op, uint64_t nonce)
{
    PtReply r;
    static bool warned;

    if (!pt_guest_read(addr, &r, sizeof(r))) {
        pt_log_verbose("%s: reply block %#" G_GINT64_MODIFIER "x unreadable",
                       op_name(op), addr);
        return false;
    }
    if (r.magic != PT_REPLY_MAGIC || (op == PT_OP_HELLO && r.nonce != nonce)) {
        if (op == PT_OP_HELLO && !warned) {
            warned = true;
            pt_log("HELLO's reply block does not read back at its guest "
                   "address: guest_base != 0? Passthrough needs guest_base "
                   "0; the guest will use its own libraries");
        }
        return false;
    }
    return true;
}

int64_t pt_control_syscall(PtControl *ctl, const uint64_t args[6])
{
    uint64_t op = args[0];
    bool with_reply = (op & PT_OP_REPLY) ||
                      (op >= PT_OP_HELLO && op != PT_OP_MAILBOX_CALL);
    uint64_t base = op & ~(uint64_t)PT_OP_REPLY;
    const uint64_t *a = with_reply ? args + 2 : args + 1;
    uint64_t reply = args[1];
    bool reply_ok = with_reply && reply_usable(reply, base, a[1]);
    int64_t value = 0;
    int32_t host_errno = 0;
    PtStatus st;

    __atomic_fetch_add(&ctl->ops, 1, __ATOMIC_RELAXED);
    if (with_reply && !reply_ok) {
        st = PT_E_FAULT;
    } else {
        st = dispatch(ctl, base, a, &value, &host_errno);
    }
    if (st != PT_OK) {
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
