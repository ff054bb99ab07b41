/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GTL's side of the control plane: the magic syscall with a reply block,
 * which works whether or not QEMU has the syscall-filter API.
 */
#ifndef PASSTHROUGH_GTL_TRANSPORT_H
#define PASSTHROUGH_GTL_TRANSPORT_H

#include <stdint.h>

#include "passthrough_protocol.h"

#define GTL_HIDDEN __attribute__((visibility("hidden")))

/*
 * Issues op (PT_OP_REPLY is added for upstream ops) with up to four
 * arguments after the reply block. Returns the status; on PT_OK stores the
 * op's result in *value. errno is preserved.
 */
GTL_HIDDEN PtStatus gtl_control(uint32_t op, int64_t *value, uint64_t a,
                                uint64_t b, uint64_t c, uint64_t d);

/* HELLO; true if a plugin answered and accepted our protocol version. */
GTL_HIDDEN PtStatus gtl_hello(int64_t *features);

/* INVOKE through the syscall: the slow path, and the one stock QEMU has. */
GTL_HIDDEN PtStatus gtl_invoke(uint64_t token, void **args, void *ret);

/* Writes a one-time warning to stderr unless PASSTHROUGH_QUIET is set. */
GTL_HIDDEN void gtl_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
