/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GTL's side of the protocol, linked into every GTL: the control plane
 * (magic syscall with a reply block, which works whether or not QEMU has the
 * syscall-filter API) and the data plane (the gate and per-thread
 * mailboxes).
 */
#ifndef PASSTHROUGH_GTL_TRANSPORT_H
#define PASSTHROUGH_GTL_TRANSPORT_H

#include <errno.h>
#include <stdint.h>

#include "passthrough_protocol.h"

#define GTL_HIDDEN __attribute__((visibility("hidden")))

typedef enum GtlTransport {
    GTL_NONE,      /* no plugin: the guest's own library */
    GTL_SYSCALL,   /* INVOKE through the magic syscall */
    GTL_GATE,      /* the gate: an instrumented call, no syscall */
} GtlTransport;

/*
 * Issues op (PT_OP_REPLY is added for upstream ops) with up to four
 * arguments after the reply block. Returns the status; on PT_OK stores the
 * op's result in *value. errno is preserved.
 */
GTL_HIDDEN PtStatus gtl_control(uint32_t op, int64_t *value, uint64_t a,
                                uint64_t b, uint64_t c, uint64_t d);

/*
 * Says HELLO and picks the transport, once: the syscall path, and the gate
 * from the 64th call on (PASSTHROUGH_TRANSPORT=gate: from the first),
 * unless it cannot be registered or does not answer, or
 * PASSTHROUGH_TRANSPORT=syscall; GTL_NONE without a plugin or with
 * PASSTHROUGH=off.
 */
GTL_HIDDEN GtlTransport gtl_transport_init(void);

/* The transport gtl_transport_init() chose. */
GTL_HIDDEN extern GtlTransport gtl_transport;

/* Initial-exec: libz.so.1 is normally loaded at start-up, and the fast path
 * must not call __tls_get_addr. */
#define GTL_TLS __thread __attribute__((tls_model("initial-exec")))

/* The calling thread's mailbox and its state. */
enum {
    GTL_MAILBOX_FAILED = -1,
    GTL_MAILBOX_UNBOUND = 0,
    GTL_MAILBOX_IDLE = 1,
    /* A call is using it: a call made meanwhile (from a signal handler)
     * must not touch it, and takes the reply-block path instead. */
    GTL_MAILBOX_BUSY = 2,
};
GTL_HIDDEN extern GTL_TLS PtMailbox gtl_mailbox;
GTL_HIDDEN extern GTL_TLS volatile int gtl_mailbox_state;

/* The gate: the plugin runs the mailbox's call before its first insn. */
GTL_HIDDEN void gtl_gate(void);

/* Everything but a gate call on a bound thread: binding, the syscall path. */
GTL_HIDDEN PtStatus gtl_call_slow(uint64_t token, void **args, void *ret);

/* Writes a call into the thread's mailbox, which is then busy until the
 * plugin has served it (or not: the status stays PT_E_NO_ANSWER). */
static inline void gtl_mailbox_post(volatile PtMailbox *mb, uint64_t token,
                                    void **args, void *ret)
{
    gtl_mailbox_state = GTL_MAILBOX_BUSY;
    mb->token = token;
    mb->args = (uint64_t)(uintptr_t)args;
    mb->ret = (uint64_t)(uintptr_t)ret;
    mb->status = PT_E_NO_ANSWER;
}

/* One call through the gate with the thread's idle, bound mailbox;
 * PT_E_NO_ANSWER if the plugin did not serve it. */
static inline PtStatus gtl_gate_call(uint64_t token, void **args, void *ret)
{
    volatile PtMailbox *mb = &gtl_mailbox;
    PtStatus st;

    gtl_mailbox_post(mb, token, args, ret);
    gtl_gate();
    st = (PtStatus)mb->status;
    gtl_mailbox_state = GTL_MAILBOX_IDLE;
    if (__builtin_expect(st != PT_E_NO_ANSWER && mb->host_errno != 0, 0)) {
        errno = mb->host_errno;
    }
    return st;
}

/*
 * Runs entry `token` on the host: args[i] points at argument i, the entry
 * writes its return value at ret. Sets errno if the host entry did. Returns
 * PT_OK, or an error status (the caller then runs the guest's own code).
 * Inline: this is every passed-through call's fast path.
 */
static inline PtStatus gtl_call(uint64_t token, void **args, void *ret)
{
    if (__builtin_expect(__atomic_load_n(&gtl_transport, __ATOMIC_RELAXED) ==
                         GTL_GATE &&
                         gtl_mailbox_state == GTL_MAILBOX_IDLE, 1)) {
        PtStatus st = gtl_gate_call(token, args, ret);

        if (__builtin_expect(st != PT_E_NO_ANSWER, 1)) {
            return st;
        }
    }
    return gtl_call_slow(token, args, ret);
}

/* Writes a warning to stderr unless PASSTHROUGH_QUIET is set. */
GTL_HIDDEN void gtl_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
