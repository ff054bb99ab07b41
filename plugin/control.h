/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control plane: decodes one magic syscall (op and arguments as the
 * guest passed them) and answers it, through the reply block when the op
 * asks for one. Independent of QEMU, so unit tests drive it directly.
 */
#ifndef PASSTHROUGH_CONTROL_H
#define PASSTHROUGH_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "registry.h"

#define PT_MAX_GATES 64
/* Mailboxes a guest thread may bind: one per GTL in its process. */
#define PT_THREAD_MAILBOXES 8

typedef struct PtControl PtControl;

/* A registered gate: its address is the key of the mailboxes it serves. */
typedef struct PtGate {
    PtControl *ctl;
    uint64_t addr;
} PtGate;

/* The guest's syscall numbers that can take memory away from a mailbox. */
typedef struct PtMemSyscalls {
    int64_t mmap, mprotect, munmap, brk, mremap, shmat, shmdt, pkey_mprotect;
} PtMemSyscalls;

struct PtControl {
    PtRegistry *reg;
    bool filter;          /* results also go back as the syscall value */
    bool gate_disabled;   /* gate=off: REGISTER_GATE is refused */
    /* The guest's memory syscalls (pt_control_set_target); NULL: unknown
     * target, so mailboxes are refused. */
    const PtMemSyscalls *mem;
    uint64_t brk_max;     /* the highest break the guest asked for */
    uint64_t mailbox_drops; /* mailboxes dropped by memory syscalls */
    bool version_warned;  /* logged once: a guest may repeat itself */
    bool base_warned;
    uint64_t ops;         /* control ops answered */
    uint64_t errors;      /* ... of which with an error */
    /* Registered gate addresses; appended under a lock, read without. */
    PtGate gates[PT_MAX_GATES];
    int n_gates;
    /* Called once, when the first gate is registered (before its call
     * returns to the guest): translation need not look for gates before. */
    void (*first_gate)(void);
};

/*
 * args[0] is the op, args[1..5] its arguments (the syscall's a1..a6).
 * Returns what a filter would hand the guest as the syscall's value: the
 * op's result, or -status on error.
 */
int64_t pt_control_syscall(PtControl *ctl, const uint64_t args[6]);

/*
 * Sets the guest's syscall numbers from QEMU's target name ("x86_64",
 * "aarch64", "riscv64"). False for another target: BIND_MAILBOX is then
 * refused, and guests call through the reply block.
 */
bool pt_control_set_target(PtControl *ctl, const char *target);

/*
 * Every guest syscall but the magic one, before it runs: one that may unmap
 * or write-protect a bound mailbox (munmap, mprotect, mmap MAP_FIXED,
 * mremap, brk, shmat, shmdt) drops it first, so the gate never touches
 * memory that is gone; its thread binds again on its next call. The
 * pointer checks forget that memory too.
 */
void pt_control_memory_syscall(PtControl *ctl, int64_t num,
                               const uint64_t a[6]);

/*
 * The same syscalls at their return (ret: the kernel's answer): keeps the
 * pointer checks' view of guest memory current (guest_check.h).
 */
void pt_control_memory_syscall_ret(PtControl *ctl, int64_t num, int64_t ret);

/* Drops every bound mailbox that overlaps [start, end); returns how many. */
int pt_control_drop_mailboxes(uint64_t start, uint64_t end);

/* The gate registered at vaddr, or NULL (called at translation time). */
PtGate *pt_control_find_gate(PtControl *ctl, uint64_t vaddr);

/*
 * Serves one call of the gate at address `gate`: runs the call in the
 * calling thread's mailbox bound under that key (BIND_MAILBOX), else the
 * one bound under key 0. Does nothing for a thread without one; the guest
 * then sees its preset status and takes the syscall path.
 */
void pt_control_gate(PtControl *ctl, uint64_t gate);

#endif
