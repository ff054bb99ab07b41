/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wire protocol between a guest thunk library (GTL) and the
 * passthrough plugin. Included by guest code (GTL, demo, tests) and by host
 * code (plugin), so it uses fixed-width types only and no libc beyond
 * <stdint.h>. Guests are 64-bit little-endian, like the host.
 *
 * Control plane: syscall(PT_SYSCALL_NR, op, a2, a3, a4, a5, a6).
 *
 * Ops 1-4 are those of the upstream syscall-filter proposal, with the same
 * numbers and arguments; with the filter API their result is the syscall's
 * return value. Without it (stock QEMU), the plugin sees the syscall from its
 * syscall-entry callback and QEMU answers -ENOSYS, so a result can only come
 * back through guest memory: OR PT_OP_REPLY into the op and pass a PtReply
 * pointer first; the op's own arguments follow it. The project's own ops
 * always take a PtReply first. Argument slots an op does not take are
 * ignored (syscall() leaves junk in them).
 */
#ifndef PASSTHROUGH_PROTOCOL_H
#define PASSTHROUGH_PROTOCOL_H

#include <stdint.h>

#define PT_SYSCALL_NR 4096

/* Bumped on any incompatible change; HELLO refuses a mismatch. */
#define PT_PROTOCOL_VERSION 2

typedef enum PtOp {
    /* Upstream proposal: (name) -> handle; loads lib<name>_HTL.so. */
    PT_OP_LOAD_HTL = 1,
    /* Upstream proposal: (handle, entry name) -> entry token. */
    PT_OP_DLSYM = 2,
    /* Upstream proposal: (token, void *args[], void *ret) -> 0. */
    PT_OP_INVOKE = 3,
    /* Upstream proposal: (handle) -> 0. */
    PT_OP_CLOSE_HTL = 4,

    /* (reply, guest protocol version, nonce) -> plugin features; on
     * PT_E_VERSION, value is the plugin's protocol version. */
    PT_OP_HELLO = 0x100,
    /* (reply, PtStats *out) -> host calls served so far. */
    PT_OP_STATS = 0x101,
    /* (reply, gate address) -> 0: calls of that address are gate calls. */
    PT_OP_REGISTER_GATE = 0x102,
    /* (reply, PtMailbox *, key) -> 0: the calling thread's mailbox for
     * the GTL whose gate is at address key (0: for every gate that has
     * none of its own). Each GTL of a process binds its own (v2). */
    PT_OP_BIND_MAILBOX = 0x103,
    /* (key) : runs the call in the thread's mailbox for key, as its gate
     * would. The syscall transport: no reply block, the mailbox was
     * checked at bind. */
    PT_OP_MAILBOX_CALL = 0x104,
    /* (reply, handle, const char *names[n], n, uint64_t tokens[n]) ->
     * entries found: DLSYM of each name in one op, its token (0: a NULL
     * name, or one the HTL lacks) written to tokens[i]. A GTL resolves
     * its whole table at once; n <= PT_RESOLVE_MAX. */
    PT_OP_RESOLVE = 0x105,
} PtOp;

/* Flag: the op's first argument is a PtReply, its own arguments follow. */
#define PT_OP_REPLY 0x1000

/* Status codes. A filter-capable plugin returns -status as the syscall's
 * value; they never collide with ENOSYS (38), the "no plugin" answer. */
typedef enum PtStatus {
    PT_OK = 0,
    PT_E_NO_ANSWER = 1,   /* preset by the guest: nobody answered */
    PT_E_BAD_OP = 2,      /* unknown op */
    PT_E_FAULT = 3,       /* a guest pointer the plugin cannot use */
    PT_E_BAD_NAME = 4,    /* library or entry name refused */
    PT_E_NOT_FOUND = 5,   /* no such HTL in htl_dir, or no such entry */
    PT_E_BAD_HANDLE = 6,  /* handle never issued, or closed */
    PT_E_BAD_TOKEN = 7,   /* entry token never issued, or its HTL closed */
    PT_E_VERSION = 8,     /* protocol version mismatch */
    PT_E_LIMIT = 9,       /* too many handles or entries */
    PT_E_LOAD = 10,       /* the HTL exists but could not be loaded */
    PT_E_DISABLED = 11,   /* turned off by the plugin's arguments */
} PtStatus;

/* Written by the guest before the syscall: magic, nonce, status =
 * PT_E_NO_ANSWER. The plugin answers only if it reads the magic (and, for
 * HELLO, the nonce) back at the same address, which proves that a guest
 * address is the host address of the same byte (guest_base == 0). */
#define PT_REPLY_MAGIC 0x7470796c70657231ULL /* "1replypt" */

typedef struct PtReply {
    uint64_t magic;
    uint64_t nonce;
    int64_t value;
    int32_t status;
    int32_t host_errno;   /* INVOKE: errno the host entry left, or 0 */
} PtReply;

/* A reply block as the guest writes it before the syscall. */
static inline PtReply pt_reply_new(uint64_t nonce)
{
    PtReply r = { PT_REPLY_MAGIC, nonce, 0, PT_E_NO_ANSWER, 0 };

    return r;
}

/* One per guest thread, in guest memory. */
typedef struct PtMailbox {
    uint64_t token;       /* entry to run, or PT_GATE_PING */
    uint64_t args;        /* void *args[], as for INVOKE */
    uint64_t ret;         /* where the entry writes its return value */
    int32_t status;       /* guest presets PT_E_NO_ANSWER */
    int32_t host_errno;   /* errno the host entry left, or 0 */
} PtMailbox;

/* A gate call that runs nothing: proves the gate is served. */
#define PT_GATE_PING 0x50494e4750494e47ULL /* "GNIPGNIP" */

/* HELLO's answer: feature bits in PtReply.value. */
#define PT_FEATURE_FILTER (1u << 0) /* results also come as syscall value */

typedef struct PtStats {
    uint64_t host_calls;     /* HTL entries run on the host */
    uint64_t syscall_calls;  /* ... of which through the INVOKE syscall */
    uint64_t gate_calls;     /* ... of which through the gate */
    uint64_t control_ops;    /* control ops answered */
    uint64_t errors;         /* ops answered with an error */
} PtStats;

/* Library names: lib<name>_HTL.so is loaded for name "lib<name>.so". */
#define PT_NAME_MAX 64

/* Names one RESOLVE takes at most. */
#define PT_RESOLVE_MAX 1024

/* Tokens and handles carry a tag so a stray integer is not mistaken for
 * one; the index below it is checked against the plugin's tables. */
#define PT_HANDLE_TAG 0x4854000000000000ULL /* "TH" */
#define PT_TOKEN_TAG 0x4e45000000000000ULL  /* "EN" */
#define PT_TAG_MASK 0xffff000000000000ULL

#endif /* PASSTHROUGH_PROTOCOL_H */
