/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the plugin's control plane as a guest drives it, with
 * real HTLs loaded from a real htl_dir ($PT_FUZZ_HTL_DIR: libz_HTL.so, the
 * fixture HTL, and a symbolic link, a junk file, a directory and a FIFO
 * named like HTLs; tests/fuzz/run_fuzz.sh sets it up).
 *
 * An input is a little program of records, read front to back; bytes past
 * the end read as 0. Each record starts with a kind byte:
 *   CONTROL  op (u16) flags (u8), then 6 argument encodings: one
 *            pt_control_syscall(). Op 0..15 picks a known op (with or
 *            without PT_OP_REPLY, by flags bit 0), larger values are raw.
 *   POKE     offset (u16), length (u8), bytes: written into the arena.
 *   GATE     pt_control_gate(): the gate's instruction ran.
 *   MEMORY   which (u8), 3 argument encodings: a guest memory syscall
 *            seen before it runs (munmap, mprotect, mmap, mremap, brk...).
 * An argument encoding is a tag byte and its payload, so that guest
 * pointers mean something: raw 64-bit values, NULL, pointers into the
 * arena (fuzzer-written memory), a read-only page, a PROT_NONE page, a
 * kernel address, a prepared reply block, a handle or token the plugin
 * handed out earlier, one of a set of library and entry names (paths,
 * traversal, overlong, unterminated at a page's end), a mailbox slot,
 * the gate's ping token.
 *
 * The "guest" is one mapping of the harness (pt_guest_mem_set_check), and
 * MEMORY records that munmap or mprotect the mailbox page take effect, so
 * a mailbox the plugin should have dropped faults when it is used. The
 * harness also checks that every answer agrees with itself (status,
 * syscall value, reply value; no value with an error).
 *
 * HTL entries check the guest pointers they are given (pt_guest_check,
 * here narrowed to the "guest" mapping like the plugin's own accesses:
 * harness memory is QEMU's memory, not the guest's). When a call would
 * really run an entry (valid token, non-NULL args and ret), the harness
 * either leaves args and ret as the fuzzer wrote them, for the entries'
 * checks to refuse, or (by an input bit) makes them a well-formed call of
 * that entry with every buffer inside the arena, so that entries also do
 * real work. An entry it has no model for is not run (its args are
 * cleared): gzdopen's descriptor, say, would be the harness's own.
 * Everything the plugin itself decodes stays as the fuzzer wrote it.
 *
 * State that outlives an input is reset before the next one: the
 * registry, and the mailbox the plugin keeps per thread (else a mailbox
 * bound by an earlier input, now in memory the fuzzer writes, would run
 * calls the harness never saw).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "control.h"
#include "guest_check.h"
#include "guest_mem.h"
#include "log.h"
#include "passthrough_protocol.h"
#include "registry.h"

#define PAGE 4096
#define ARENA_SIZE (16 * PAGE)
#define N_REPLIES 8
#define N_MAILBOXES 4
#define N_KEPT 16

/*
 * Memory the "guest" owns, one mapping: the arena (read-write), then the
 * reply page, the mailbox page (MEMORY records that munmap or mprotect it
 * take effect for real, so a mailbox the plugin failed to drop faults),
 * the call page (args the harness builds), the names page (read-only), a
 * read-only page, a PROT_NONE page.
 */
static uint8_t *arena;
static PtReply *replies;
static PtMailbox *mailboxes;
static uint8_t *call_page;
static uint8_t *names_page;
static uint8_t *ro_page;
static uint8_t *none_page;
static int mailbox_prot;  /* the mailbox page's protection now */
static bool mailbox_readable(uint64_t addr);

static const char *const names[] = {
    "libz.so", "libz.so.1", "libptfixture.so", "liblink.so", "libjunk.so",
    "libdir.so", "libfifo.so", "libnothere.so", "../libz.so", "/usr/lib/libz.so",
    "libz_HTL.so", "lib.so", "libz.so.1a", "", "crc32_HTL", "adler32_HTL",
    "compress_HTL", "compress2_HTL", "uncompress_HTL", "compressBound_HTL",
    "zlibVersion_HTL", "own_HTL", "dep_HTL", "table_HTL", "system", "crc32",
    "no_such_HTL", "bad name_HTL", "_init", "inflateInit__ga_HTL",
    "deflateEnd_ga_HTL", "ga_resume_HTL",
    "libzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.so",
    "entryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy_HTL",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))
static uint64_t name_addr[N_NAMES + 1];  /* + one unterminated at the end */

static const uint64_t known_ops[16] = {
    0, PT_OP_LOAD_HTL, PT_OP_DLSYM, PT_OP_INVOKE, PT_OP_CLOSE_HTL,
    PT_OP_HELLO, PT_OP_STATS, PT_OP_REGISTER_GATE, PT_OP_BIND_MAILBOX,
    PT_OP_MAILBOX_CALL, PT_OP_INVOKE, PT_OP_INVOKE, PT_OP_DLSYM,
    PT_OP_LOAD_HTL, 5, PT_OP_HELLO + 5,
};

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static uint64_t take(Input *in, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)(in->left ? (in->left--, *in->p++) : 0) << (8 * i);
    }
    return v;
}

static uint64_t U(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* Per input: the plugin's state, and what it handed out. */
static PtControl ctl;
static uint64_t kept_handles[N_KEPT], kept_tokens[N_KEPT];
static int n_handles, n_tokens;
static uint64_t bound;    /* the mailbox the last BIND said OK to */
static bool trace;        /* PT_FUZZ_TRACE=1: print each op (seed debugging) */

static void keep(uint64_t *list, int *n, uint64_t v)
{
    list[(*n)++ % N_KEPT] = v;
}

static uint64_t arg(Input *in, uint64_t *nonce_for)
{
    uint8_t tag = take(in, 1);
    uint64_t v;
    PtReply *r;

    switch (tag % 15) {
    case 0:
        return take(in, 8);
    case 1:
        return 0;
    case 2:
        return U(arena) + take(in, 2) % ARENA_SIZE;
    case 3:
        return U(arena) + (take(in, 2) % ARENA_SIZE & ~7ULL);
    case 4:
        return U(ro_page) + take(in, 2) % PAGE;
    case 5:
        return U(none_page) + take(in, 2) % PAGE;
    case 6:
        return 0xffff800000000000ULL + take(in, 4);
    case 7:
        /* A reply block ready for the op: magic, and HELLO's nonce if the
         * next byte says so. */
        v = take(in, 1);
        r = &replies[v % N_REPLIES];
        r->magic = (v & 0x80) ? take(in, 8) : PT_REPLY_MAGIC;
        r->status = PT_E_NO_ANSWER;
        r->nonce = 0;
        *nonce_for = U(r);
        return U(r);
    case 8:
        v = take(in, 1);
        return n_handles ? kept_handles[v % N_KEPT % (n_handles < N_KEPT
                                                      ? n_handles : N_KEPT)]
                         : PT_HANDLE_TAG | v;
    case 9:
        v = take(in, 1);
        return n_tokens ? kept_tokens[v % N_KEPT % (n_tokens < N_KEPT
                                                    ? n_tokens : N_KEPT)]
                        : PT_TOKEN_TAG | v;
    case 10:
        return name_addr[take(in, 1) % (N_NAMES + 1)];
    case 11:
        return U(&mailboxes[take(in, 1) % N_MAILBOXES]);
    case 12:
        /* Tag bits with an index the plugin may or may not have issued. */
        v = take(in, 1);
        return ((v & 1) ? PT_TOKEN_TAG : PT_HANDLE_TAG) |
               (take(in, 2) << 32) | take(in, 2);
    case 13:
        return PT_GATE_PING;
    default:
        return take(in, 1);
    }
}

/*
 * A buffer in one half of the arena (so a call's input and output never
 * overlap, which zlib does not allow either), from the input; at most
 * 1 KiB, so one input runs in microseconds, not in a level-9 compress.
 */
#define MAX_BUFFER 1024

static void buffer(Input *in, int half, uint64_t *ptr, uint64_t *len)
{
    uint64_t off = take(in, 2) % (ARENA_SIZE / 2);
    uint64_t room = ARENA_SIZE / 2 - off;

    *ptr = U(arena) + half * (ARENA_SIZE / 2) + off;
    *len = take(in, 2) % ((room < MAX_BUFFER ? room : MAX_BUFFER) + 1);
}

/* Entries the harness can build a call of (see make_safe). */
static bool modelled(const char *entry)
{
    static const char *const known[] = {
        "crc32_HTL", "adler32_HTL", "compressBound_HTL", "compress_HTL",
        "compress2_HTL", "uncompress_HTL", "zlibVersion_HTL", "own_HTL",
        "inflateInit__ga_HTL", "deflateEnd_ga_HTL", "ga_resume_HTL",
    };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (!strcmp(entry, known[i])) {
            return true;
        }
    }
    return false;
}

/*
 * If running token with (args, ret) would run an entry, make it a well-formed
 * call of that entry inside harness memory (see the comment at the top).
 */
static void make_safe(Input *in, uint64_t token, uint64_t *args,
                      uint64_t *ret)
{
    void **a = (void **)call_page;
    uint64_t *val = (uint64_t *)(call_page + 256);
    uint64_t p1, n1, p2, n2;
    const char *entry;

    if (!*args || !*ret ||
        pt_registry_lookup(ctl.reg, token, &entry) != PT_OK) {
        return;   /* the plugin will refuse it: leave it as it is */
    }
    if (!modelled(entry)) {
        *args = 0;            /* the plugin answers PT_E_FAULT */
        return;
    }
    /* Raw: the entry's own checks decide. libz_HTL's entries check; the
     * fixture's own_HTL, proposal-style, trusts its pointers. */
    if (strcmp(entry, "own_HTL") && (take(in, 1) & 1)) {
        return;
    }
    /* Calls that may pause for the guest's allocator: raw only (a paused
     * call would outlive the input). */
    if (strstr(entry, "ga_")) {
        return;
    }
    memset(call_page, 0, 512);
    for (int i = 0; i < 8; i++) {
        a[i] = &val[i];
    }
    *args = U(a);
    *ret = U(call_page + 480);
    if (!strcmp(entry, "crc32_HTL") || !strcmp(entry, "adler32_HTL")) {
        buffer(in, 0, &p1, &n1);
        val[0] = take(in, 4);
        val[1] = take(in, 1) & 1 ? 0 : p1;
        val[2] = val[1] ? (uint32_t)n1 : 0;
    } else if (!strcmp(entry, "compressBound_HTL")) {
        val[0] = take(in, 8);
    } else if (!strcmp(entry, "compress_HTL") ||
               !strcmp(entry, "compress2_HTL") ||
               !strcmp(entry, "uncompress_HTL")) {
        buffer(in, 0, &p1, &n1);
        buffer(in, 1, &p2, &n2);
        val[0] = p1;
        val[6] = n1;          /* *destLen: in/out */
        val[1] = U(&val[6]);
        val[2] = p2;
        val[3] = n2;
        val[4] = (uint64_t)(int64_t)(int8_t)take(in, 1);
    }
}

static void control(Input *in)
{
    uint64_t sel = take(in, 2), flags = take(in, 1);
    uint64_t args[6], op, nonce_for = 0;
    bool reply_form;
    int64_t rv;
    PtReply *r;

    op = sel < 16 ? known_ops[sel] : sel;
    if (flags & 1) {
        op |= PT_OP_REPLY;
    }
    args[0] = op;
    for (int i = 1; i < 6; i++) {
        args[i] = arg(in, &nonce_for);
    }
    reply_form = (op & PT_OP_REPLY) ||
                 (op >= PT_OP_HELLO && op != PT_OP_MAILBOX_CALL);
    /* HELLO's nonce: the one the guest passed, or not (flags bit 1). */
    if (reply_form && nonce_for && nonce_for == args[1] && !(flags & 2)) {
        ((PtReply *)(uintptr_t)args[1])->nonce = args[3];
    }
    uint64_t base = op & ~(uint64_t)PT_OP_REPLY;
    uint64_t *a = reply_form ? args + 2 : args + 1;
    if (base == PT_OP_INVOKE) {
        make_safe(in, a[0], &a[1], &a[2]);
    }
    /* One mailbox, under key 0, so `bound` is the one every gate and
     * MAILBOX_CALL serves (keys: control_test's EachGtlHasItsOwnMailbox). */
    if (base == PT_OP_BIND_MAILBOX) {
        a[1] = 0;
    } else if (base == PT_OP_MAILBOX_CALL) {
        a[0] = 0;
    }
    if (base == PT_OP_MAILBOX_CALL && bound && mailbox_readable(bound)) {
        PtMailbox *mb = (PtMailbox *)(uintptr_t)bound;
        make_safe(in, mb->token, &mb->args, &mb->ret);
    }

    rv = pt_control_syscall(&ctl, args);
    if (trace) {
        fprintf(stderr, "op %#llx a1 %#llx a2 %#llx a3 %#llx -> %lld",
                (unsigned long long)op, (unsigned long long)args[1],
                (unsigned long long)args[2], (unsigned long long)args[3],
                (long long)rv);
        if (reply_form && nonce_for && nonce_for == args[1]) {
            PtReply *t = (PtReply *)(uintptr_t)args[1];
            fprintf(stderr, " reply status %d value %#llx", t->status,
                    (unsigned long long)t->value);
        }
        fprintf(stderr, "\n");
    }

    /* What the plugin answered must agree with itself, and an error
     * carries no value (it once carried uninitialized host stack). */
    if (reply_form && nonce_for && nonce_for == args[1]) {
        PtReply *t = (PtReply *)(uintptr_t)args[1];
        bool version = t->status == PT_E_VERSION;

        if (t->status != PT_E_NO_ANSWER &&
            ((t->status == PT_OK) != (rv >= 0) ||
             (t->status == PT_OK && rv != t->value) ||
             (t->status != PT_OK && rv != -(int64_t)t->status) ||
             (t->status != PT_OK && !version && t->value != 0))) {
            fprintf(stderr, "inconsistent answer: rv %lld status %d value "
                    "%#llx\n", (long long)rv, t->status,
                    (unsigned long long)t->value);
            __builtin_trap();
        }
    }

    /* Remember what the plugin handed out, for later records. */
    r = reply_form && nonce_for && nonce_for == args[1]
            ? (PtReply *)(uintptr_t)args[1] : NULL;
    if (r && r->status == PT_OK) {
        rv = r->value;
    } else if (r || rv < 0) {
        return;
    }
    if (base == PT_OP_LOAD_HTL) {
        keep(kept_handles, &n_handles, (uint64_t)rv);
    } else if (base == PT_OP_DLSYM) {
        keep(kept_tokens, &n_tokens, (uint64_t)rv);
    } else if (base == PT_OP_BIND_MAILBOX) {
        bound = a[0];
    }
}

static void gate(Input *in)
{
    if (bound && mailbox_readable(bound)) {
        PtMailbox *mb = (PtMailbox *)(uintptr_t)bound;
        /* Whatever the mailbox says: a fresh call, or stale contents. */
        if (take(in, 1) & 1) {
            mb->token = arg(in, &(uint64_t){0});
            mb->args = arg(in, &(uint64_t){0});
            mb->ret = arg(in, &(uint64_t){0});
        }
        make_safe(in, mb->token, &mb->args, &mb->ret);
    }
    pt_control_gate(&ctl, 0);
    if (trace && bound && mailbox_readable(bound)) {
        fprintf(stderr, "gate: status %d\n",
                ((PtMailbox *)(uintptr_t)bound)->status);
    }
}

static void memory(Input *in)
{
    /* x86_64 numbers (pt_control_set_target "x86_64"), and noise. */
    static const int64_t nums[] = { 11, 10, 9, 25, 12, 30, 67, 329, 0, 60 };
    int64_t num = nums[take(in, 1) % (sizeof(nums) / sizeof(nums[0]))];
    uint64_t a[6] = {0};
    uint64_t ignored = 0;

    for (int i = 0; i < 5; i++) {
        a[i] = arg(in, &ignored);
    }
    pt_control_memory_syscall(&ctl, num, a);

    /* munmap and mprotect of the mailbox page now happen: the plugin must
     * have let go of any mailbox there (PROT_NONE stands for unmapped). */
    uint64_t end = a[0] + a[1] < a[0] ? UINT64_MAX : a[0] + a[1];
    if ((num == 11 || num == 10) && a[0] < U(mailboxes) + PAGE &&
        end > U(mailboxes)) {
        mailbox_prot = num == 11 ? PROT_NONE
                                 : (int)(a[2] & (PROT_READ | PROT_WRITE));
        mprotect(mailboxes, PAGE, mailbox_prot);
    }
}

/* Whether the harness itself may look at the mailbox at addr. */
static bool mailbox_readable(uint64_t addr)
{
    return addr < U(mailboxes) || addr >= U(mailboxes) + PAGE ||
           (mailbox_prot & PROT_WRITE);
}

/*
 * The "guest" is the harness's one mapping: a raw value that happens to be
 * host memory (the fuzzer's heap, ASan's shadow) is not guest memory, as
 * QEMU's own memory is not the guest's in the real plugin (which cannot
 * tell them apart yet: README, pointer checks).
 */
static uint8_t *guest_lo, *guest_hi;

static bool guest_range(uint64_t addr, uint64_t len, bool write)
{
    /* addr <= guest_hi first: above it, guest_hi - addr wraps around. */
    return addr >= U(guest_lo) && addr <= U(guest_hi) &&
           len <= U(guest_hi) - addr;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("PT_FUZZ_HTL_DIR");
    uint8_t *mem;
    char dep[4096];
    size_t off = 0;

    if (!dir) {
        fprintf(stderr, "control_fuzz: set PT_FUZZ_HTL_DIR (run_fuzz.sh)\n");
        exit(2);
    }
    /* The fixture HTL's dependency is found by its SONAME, once loaded
     * (HTLs are loaded through /proc/self/fd: no $ORIGIN). */
    snprintf(dep, sizeof(dep), "%s/libptfixture_dep.so", dir);
    if (!dlopen(dep, RTLD_NOW)) {
        fprintf(stderr, "control_fuzz: %s\n", dlerror());
        exit(2);
    }

    mem = mmap(NULL, ARENA_SIZE + 6 * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        exit(2);
    }
    guest_lo = mem;
    guest_hi = mem + ARENA_SIZE + 6 * PAGE;
    pt_guest_mem_set_check(guest_range);
    pt_guest_check_set_filter(guest_range);
    arena = mem;
    replies = (PtReply *)(mem + ARENA_SIZE);
    mailboxes = (PtMailbox *)(mem + ARENA_SIZE + PAGE);
    call_page = mem + ARENA_SIZE + 2 * PAGE;
    names_page = mem + ARENA_SIZE + 3 * PAGE;
    ro_page = mem + ARENA_SIZE + 4 * PAGE;
    none_page = mem + ARENA_SIZE + 5 * PAGE;
    for (size_t i = 0; i < N_NAMES; i++) {
        name_addr[i] = U(names_page + off);
        memcpy(names_page + off, names[i], strlen(names[i]) + 1);
        off += strlen(names[i]) + 1;
    }
    /* Unterminated up to the PROT_NONE page. */
    memset(ro_page, 'l', PAGE);
    name_addr[N_NAMES] = U(ro_page + PAGE - 10);
    mprotect(names_page, 2 * PAGE, PROT_READ);
    mprotect(none_page, PAGE, PROT_NONE);
    setenv("PT_FUZZ_HTL_DIR_SET", dir, 1);
    trace = getenv("PT_FUZZ_TRACE") != NULL;
    return 0;
}

/*
 * The plugin's view of the guest's memory (guest_check.h), as it really
 * is: MEMORY records unmap or protect parts of it for the rest of an
 * input only, but the view outlives the input, and without this a single
 * munmap of the arena had every later input's pointers refused.
 */
static void reset_guest_view(void)
{
    pt_guest_check_map(U(guest_lo), U(guest_hi) - U(guest_lo),
                       PROT_READ | PROT_WRITE);
    pt_guest_check_protect(U(names_page), 2 * PAGE, PROT_READ);
    pt_guest_check_protect(U(none_page), PAGE, PROT_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };

    memset(&ctl, 0, sizeof(ctl));
    ctl.reg = pt_registry_new(getenv("PT_FUZZ_HTL_DIR_SET"));
    pt_control_set_target(&ctl, "x86_64");
    ctl.gate_disabled = size && (data[0] & 0x80);
    n_handles = n_tokens = 0;
    bound = 0;
    pt_control_drop_mailboxes(0, UINT64_MAX);
    mprotect(mailboxes, PAGE, PROT_READ | PROT_WRITE);
    mailbox_prot = PROT_READ | PROT_WRITE;
    reset_guest_view();
    memset(arena, 0, ARENA_SIZE + 2 * PAGE); /* arena, replies, mailboxes */

    for (int steps = 0; in.left && steps < 256; steps++) {
        switch (take(&in, 1) % 8) {
        case 0:
        case 1:
        case 2:
        case 3:
            control(&in);
            break;
        case 4: {
            uint64_t off = take(&in, 2) % ARENA_SIZE;
            uint64_t len = take(&in, 1);
            for (uint64_t i = 0; i < len && off + i < ARENA_SIZE; i++) {
                arena[off + i] = take(&in, 1);
            }
            break;
        }
        case 5:
        case 6:
            gate(&in);
            break;
        default:
            memory(&in);
            break;
        }
    }
    /* Nothing may stay bound to this input's memory. */
    pt_control_drop_mailboxes(0, UINT64_MAX);
    pt_registry_free(ctl.reg);
    return 0;
}
