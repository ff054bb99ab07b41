/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "transport.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

GtlTransport gtl_transport = GTL_NONE;

/*
 * The gate is registered at a process's GTL_GATE_AFTER-th host call, not
 * at connect: once a gate is registered, QEMU hands the plugin every block
 * it translates from then on, which costs a short process more than its
 * few calls save (pigz -V makes two). PASSTHROUGH_TRANSPORT=gate
 * registers it at connect.
 */
#define GTL_GATE_AFTER 64
static long gate_after = -1;    /* -1: never (syscall forced, or done) */
static long syscall_path_calls;

static PtStatus control_nonce(uint32_t op, uint64_t nonce, int64_t *value,
                              int32_t *host_errno, uint64_t a, uint64_t b,
                              uint64_t c, uint64_t d)
{
    volatile PtReply reply = pt_reply_new(nonce);
    int saved = errno;
    uint64_t full_op = op < PT_OP_HELLO ? (op | PT_OP_REPLY) : op;

    /* Stock QEMU answers -ENOSYS; the answer is in the reply block. */
    syscall(PT_SYSCALL_NR, full_op, &reply, a, b, c, d);
    errno = saved;
    /* HELLO's value also says something on PT_E_VERSION. */
    if (value && (reply.status == PT_OK || op == PT_OP_HELLO)) {
        *value = reply.value;
    }
    if (host_errno) {
        *host_errno = reply.host_errno;
    }
    return (PtStatus)reply.status;
}

PtStatus gtl_control(uint32_t op, int64_t *value, uint64_t a, uint64_t b,
                     uint64_t c, uint64_t d)
{
    return control_nonce(op, 0, value, NULL, a, b, c, d);
}

/* On PT_E_VERSION, *plugin_version is the plugin's protocol version. */
static PtStatus hello(int64_t *plugin_version)
{
    struct timespec ts;
    uint64_t nonce;

    /* A value that will not sit at the same host address by chance. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    nonce = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
            ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
    return control_nonce(PT_OP_HELLO, nonce, plugin_version, NULL,
                         PT_PROTOCOL_VERSION, nonce, 0, 0);
}

/*
 * The gate. Its body does nothing: the plugin's callback on its first
 * instruction does the work. noipa: the compiler must assume a call may
 * change any memory (the mailbox), and must not inline or clone it.
 */
__attribute__((noinline, noipa)) void gtl_gate(void)
{
    __asm__ volatile("" ::: "memory");
}

GTL_TLS PtMailbox gtl_mailbox;
GTL_TLS volatile int gtl_mailbox_state;

/* The calling thread's idle mailbox, bound on its first call in this thread;
 * NULL if it cannot be bound or is busy. */
static volatile PtMailbox *thread_mailbox(void)
{
    if (gtl_mailbox_state == GTL_MAILBOX_UNBOUND) {
        /* Under this GTL's gate's address: another GTL in the process
         * binds its own. */
        PtStatus st = gtl_control(PT_OP_BIND_MAILBOX, NULL,
                                  (uint64_t)(uintptr_t)&gtl_mailbox,
                                  (uint64_t)(uintptr_t)&gtl_gate, 0, 0);
        gtl_mailbox_state = st == PT_OK ? GTL_MAILBOX_IDLE : GTL_MAILBOX_FAILED;
    }
    return gtl_mailbox_state == GTL_MAILBOX_IDLE ? &gtl_mailbox : NULL;
}

/* The syscall transport: the mailbox's call, run by the MAILBOX_CALL op. */
static PtStatus mailbox_syscall(volatile PtMailbox *mb, uint64_t token,
                                void **args, void *ret)
{
    int saved = errno;
    PtStatus st;

    gtl_mailbox_post(mb, token, args, ret);
    syscall(PT_SYSCALL_NR, PT_OP_MAILBOX_CALL, (uint64_t)(uintptr_t)&gtl_gate);
    st = (PtStatus)mb->status;
    errno = st == PT_OK && mb->host_errno ? mb->host_errno : saved;
    gtl_mailbox_state = GTL_MAILBOX_IDLE;
    return st;
}

static int gate_works(void);

/* Registers the gate once this many calls have taken the syscall path. */
static void count_for_gate(void)
{
    long after = __atomic_load_n(&gate_after, __ATOMIC_RELAXED);

    /* A call from a signal handler, the thread's mailbox in use: the gate
     * could not be tried now (and must not be given up for it). */
    if (gtl_mailbox_state == GTL_MAILBOX_BUSY) {
        return;
    }
    if (after < 0 ||
        __atomic_add_fetch(&syscall_path_calls, 1, __ATOMIC_RELAXED) < after ||
        !__atomic_compare_exchange_n(&gate_after, &after, -1, false,
                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        return;
    }
    if (gate_works()) {
        __atomic_store_n(&gtl_transport, GTL_GATE, __ATOMIC_RELEASE);
    } else {
        gtl_warn("the plugin did not serve the gate; calls take the slower "
                 "syscall path");
    }
}

PtStatus gtl_call_slow(uint64_t token, void **args, void *ret)
{
    volatile PtMailbox *mb;
    int32_t host_errno = 0;
    PtStatus st;

    if (gtl_transport == GTL_SYSCALL) {
        count_for_gate();
        if (gtl_transport == GTL_GATE) {
            /* Registered by this call: it goes through the gate too. */
            return gtl_call(token, args, ret);
        }
    }

    if (gtl_transport == GTL_GATE && gtl_mailbox_state == GTL_MAILBOX_IDLE) {
        /* The gate did not answer a bound mailbox: the plugin dropped it
         * (its memory was remapped, or another binding replaced it). */
        gtl_mailbox_state = GTL_MAILBOX_UNBOUND;
    }
    mb = thread_mailbox();
    if (mb && gtl_transport == GTL_GATE) {
        /* Now bound: the gate serves it, or else the syscall. */
        st = gtl_gate_call(token, args, ret);
        if (st != PT_E_NO_ANSWER) {
            return st;
        }
    }
    if (mb) {
        st = mailbox_syscall(mb, token, args, ret);
        if (st != PT_E_NO_ANSWER) {
            return st;
        }
        /* Dropped by the plugin: bind again, once. */
        gtl_mailbox_state = GTL_MAILBOX_UNBOUND;
        mb = thread_mailbox();
        if (mb) {
            st = mailbox_syscall(mb, token, args, ret);
            if (st != PT_E_NO_ANSWER) {
                return st;
            }
        }
    }
    /* No mailbox for this thread, or it is busy: INVOKE with a reply block. */
    st = control_nonce(PT_OP_INVOKE, 0, NULL, &host_errno, token,
                       (uint64_t)(uintptr_t)args, (uint64_t)(uintptr_t)ret, 0);
    if (st == PT_OK && host_errno) {
        errno = host_errno;
    }
    return st;
}

static int gate_works(void)
{
    PtStatus st = gtl_control(PT_OP_REGISTER_GATE, NULL,
                              (uint64_t)(uintptr_t)&gtl_gate, 0, 0, 0);
    volatile PtMailbox *mb;

    if (st != PT_OK) {
        return 0;
    }
    mb = thread_mailbox();
    if (!mb) {
        return 0;
    }
    /* A call that runs nothing: answered only if the gate is served. */
    gtl_mailbox_state = GTL_MAILBOX_BUSY;
    mb->token = PT_GATE_PING;
    mb->status = PT_E_NO_ANSWER;
    gtl_gate();
    gtl_mailbox_state = GTL_MAILBOX_IDLE;
    return mb->status == PT_OK;
}

GtlTransport gtl_transport_init(void)
{
    const char *env = getenv("PASSTHROUGH");
    const char *want = getenv("PASSTHROUGH_TRANSPORT");
    int64_t plugin_version = 0;
    PtStatus st;

    gtl_transport = GTL_NONE;
    if (env && !strcmp(env, "off")) {
        return gtl_transport;
    }
    st = hello(&plugin_version);
    if (st == PT_E_NO_ANSWER) {
        /* Not under the plugin (or guest_base != 0, which it reports). */
        return gtl_transport;
    }
    if (st == PT_E_VERSION) {
        gtl_warn("this GTL speaks protocol %d, the plugin %lld: using the "
                 "guest's own libraries (build both from one checkout)",
                 PT_PROTOCOL_VERSION, (long long)plugin_version);
        return gtl_transport;
    }
    if (st != PT_OK) {
        gtl_warn("the plugin refused HELLO (status %d); using the guest's "
                 "own libraries", st);
        return gtl_transport;
    }
    gtl_transport = GTL_SYSCALL;
    if (want && !strcmp(want, "syscall")) {
        return gtl_transport;
    }
    if (want && strcmp(want, "gate") && strcmp(want, "auto")) {
        gtl_warn("PASSTHROUGH_TRANSPORT=%s: expected auto, gate or syscall; "
                 "using auto", want);
    }
    gate_after = want && !strcmp(want, "gate") ? 0 : GTL_GATE_AFTER;
    if (gate_after == 0) {
        count_for_gate();
    }
    return gtl_transport;
}

void gtl_warn(const char *fmt, ...)
{
    va_list ap;
    char line[256];

    if (getenv("PASSTHROUGH_QUIET")) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "passthrough (guest): %s\n", line);
}
