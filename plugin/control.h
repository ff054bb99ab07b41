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

typedef struct PtControl {
    PtRegistry *reg;
    bool filter;          /* results also go back as the syscall value */
    bool gate_disabled;   /* gate=off: REGISTER_GATE is refused */
    uint64_t ops;         /* control ops answered */
    uint64_t errors;      /* ... of which with an error */
    /* Registered gate addresses; appended under a lock, read without. */
    uint64_t gates[PT_MAX_GATES];
    int n_gates;
} PtControl;

/*
 * args[0] is the op, args[1..5] its arguments (the syscall's a1..a6).
 * Returns what a filter would hand the guest as the syscall's value: the
 * op's result, or -status on error.
 */
int64_t pt_control_syscall(PtControl *ctl, const uint64_t args[6]);

/* True if vaddr is a registered gate (called at translation time). */
bool pt_control_is_gate(PtControl *ctl, uint64_t vaddr);

/*
 * Serves one gate call: runs the call in the calling thread's mailbox
 * (bound by BIND_MAILBOX). Does nothing for a thread without a mailbox; the
 * guest then sees its preset status and takes the syscall path.
 */
void pt_control_gate(PtControl *ctl);

#endif
