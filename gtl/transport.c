/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "transport.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static PtStatus control_nonce(uint32_t op, uint64_t nonce, int64_t *value,
                              uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    volatile PtReply reply = {
        .magic = PT_REPLY_MAGIC,
        .nonce = nonce,
        .status = PT_E_NO_ANSWER,
    };
    int saved = errno;
    uint64_t full_op = op < PT_OP_HELLO ? (op | PT_OP_REPLY) : op;

    /* Stock QEMU answers -ENOSYS; the answer is in the reply block. */
    syscall(PT_SYSCALL_NR, full_op, &reply, a, b, c, d);
    errno = saved;
    if (reply.status == PT_OK && value) {
        *value = reply.value;
    }
    return (PtStatus)reply.status;
}

PtStatus gtl_control(uint32_t op, int64_t *value, uint64_t a, uint64_t b,
                     uint64_t c, uint64_t d)
{
    return control_nonce(op, 0, value, a, b, c, d);
}

PtStatus gtl_hello(int64_t *features)
{
    struct timespec ts;
    uint64_t nonce;

    /* A value that will not sit at the same host address by chance. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    nonce = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
            ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
    return control_nonce(PT_OP_HELLO, nonce, features, PT_PROTOCOL_VERSION,
                         nonce, 0, 0);
}

PtStatus gtl_invoke(uint64_t token, void **args, void *ret)
{
    return gtl_control(PT_OP_INVOKE, NULL, token, (uint64_t)(uintptr_t)args,
                       (uint64_t)(uintptr_t)ret, 0);
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
