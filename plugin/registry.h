/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host thunk libraries (HTLs), the handles and entry tokens handed to the
 * guest, and per-entry call counters.
 *
 * The guest never sees a host address: LOAD_HTL gives a handle and DLSYM a
 * token, both a tag plus an index checked against these tables. A library
 * stays mapped until QEMU exits, so closing a handle while another guest
 * thread is inside one of its entries cannot pull code from under it; a
 * closed library's tokens are refused once no handle to it is open.
 */
#ifndef PASSTHROUGH_REGISTRY_H
#define PASSTHROUGH_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "passthrough_protocol.h"

typedef void (*PtHtlEntry)(void **args, void *ret);

typedef enum PtTransport {
    PT_VIA_SYSCALL,
    PT_VIA_GATE,
    PT_TRANSPORTS,
} PtTransport;

typedef struct PtRegistry PtRegistry;

PtRegistry *pt_registry_new(const char *htl_dir);
void pt_registry_free(PtRegistry *reg);

/* True if name is an acceptable library name ("lib<stem>.so[.N...]"). */
bool pt_valid_lib_name(const char *name);
/* True if name is an acceptable entry name (a C identifier ending _HTL). */
bool pt_valid_entry_name(const char *name);

PtStatus pt_registry_load(PtRegistry *reg, const char *name, uint64_t *handle);
PtStatus pt_registry_dlsym(PtRegistry *reg, uint64_t handle,
                           const char *entry, uint64_t *token);
PtStatus pt_registry_close(PtRegistry *reg, uint64_t handle);

/* Hot path: no lock. Counts the call under `via` when it succeeds. */
PtStatus pt_registry_entry(PtRegistry *reg, uint64_t token, PtTransport via,
                           PtHtlEntry *fn);

/*
 * What pt_registry_entry would run for token, without counting it: PT_OK
 * and the entry's name, or its error. For tests and the fuzzer.
 */
PtStatus pt_registry_lookup(PtRegistry *reg, uint64_t token,
                            const char **entry);

uint64_t pt_registry_calls(PtRegistry *reg, PtTransport via);

/* Writes per-entry call counts, one "call" line per entry called. */
void pt_registry_write_stats(PtRegistry *reg, FILE *out);

#endif
