/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The protocol-level attacks of the hostile guest test programs
 * (evil_guest, lzma_evil): it speaks the protocol with raw
 * syscall(4096, ...) and sends thousands of bad requests: unknown ops, junk
 * in unused argument slots, bad pointers (NULL, unmapped, read-only, kernel,
 * misaligned, a string running into an unmapped page), forged and stale
 * handles and tokens, path-like and overlong library names, entries that
 * are not entries (and bad pointers handed to libz_HTL.so's real entries),
 * mailboxes bound and then unmapped or write-protected, junk gates (one on
 * code it then runs), closes racing invokes in other threads, and a long
 * run of random requests. Every answer it can check is checked.
 *
 * Not sent on purpose: a valid token with bad argument pointers. HTL
 * entries do not check their arguments yet (issue 8, item 2); every call
 * that could run an entry gets well-formed, all-zero arguments.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "evil_protocol.h"
#include "soft_checksums.h"
#include "test_data.h"

#include "passthrough_protocol.h"

static int failures;

#define PAGE 4096
#define KERNEL_ADDR 0xffff800000001000ULL

static uint64_t U(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* Memory for bad pointers: mapped once at start. */
static uint8_t *ro_page;        /* PROT_READ */
static uint8_t *gone_page;      /* PROT_NONE: no access at all */
static uint8_t *edge_page;      /* RW, followed by gone_page */
static uint8_t *zero_args_page; /* RW, zero: a well-formed call of anything */

/* A safe call: args[i] points at a zero 64-bit value, ret at a slot. */
static void **safe_args(void)
{
    void **a = (void **)zero_args_page;

    for (int i = 0; i < 16; i++) {
        a[i] = zero_args_page + 1024 + 8 * i;
    }
    memset(zero_args_page + 1024, 0, 1024);
    return a;
}

static void *safe_ret(void)
{
    return zero_args_page + 2048;
}

static void raw(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                uint64_t e)
{
    /* Stock QEMU answers -ENOSYS; results are in the reply block. */
    syscall(PT_SYSCALL_NR, op, a, b, c, d, e);
}

/* An op with a reply block at r (prepared unless told otherwise). */
static int op_at(volatile PtReply *r, uint64_t op, uint64_t a, uint64_t b,
                 uint64_t c, uint64_t d, int64_t *value)
{
    r->magic = PT_REPLY_MAGIC;
    r->nonce = 0;
    r->value = 0x5a5a5a5a;
    r->status = PT_E_NO_ANSWER;
    r->host_errno = 0;
    raw(op < PT_OP_HELLO ? (op | PT_OP_REPLY) : op, U(r), a, b, c, d);
    if (value) {
        *value = r->value;
    }
    return r->status;
}

static int op(uint64_t o, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
              int64_t *value)
{
    volatile PtReply r;

    return op_at(&r, o, a, b, c, d, value);
}

static int64_t load(const char *name, int *st)
{
    int64_t v = 0;

    *st = op(PT_OP_LOAD_HTL, U(name), 0, 0, 0, &v);
    return v;
}

/* The gate of this program: the plugin serves the calling thread's mailbox
 * before its first instruction runs. */
__attribute__((noinline, noipa)) static void evil_gate(void)
{
    __asm__ volatile("" ::: "memory");
}

/* Registered as a junk gate before it ever runs; then called. */
__attribute__((noinline, noipa)) static int junk_target(int x)
{
    __asm__ volatile("" ::: "memory");
    return x + 1;
}

static uint64_t crc_token, libz_handle;
static long requests;

static void hello_checks(void)
{
    volatile PtReply r = { .magic = PT_REPLY_MAGIC, .nonce = 77,
                           .status = PT_E_NO_ANSWER };

    raw(PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 77, 0, 0);
    CHECK(r.status == PT_OK, "HELLO: status %d", r.status);
    /* Another version: refused, and told the plugin's. */
    r.status = PT_E_NO_ANSWER;
    raw(PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION + 41, 77, 0, 0);
    CHECK(r.status == PT_E_VERSION && r.value == PT_PROTOCOL_VERSION,
          "HELLO v+41: status %d value %lld", r.status, (long long)r.value);
    /* A nonce that does not read back: not answered. */
    r.status = PT_E_NO_ANSWER;
    raw(PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 78, 0, 0);
    CHECK(r.status == PT_E_NO_ANSWER, "HELLO bad nonce: status %d", r.status);
    /* Reply blocks nowhere, read-only, in the kernel: nothing happens. */
    uint64_t bad[] = { 0, U(gone_page), U(ro_page), KERNEL_ADDR,
                       U(edge_page) + PAGE - 8, 1 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        raw(PT_OP_HELLO, bad[i], PT_PROTOCOL_VERSION, 0, 0, 0);
        raw(PT_OP_LOAD_HTL | PT_OP_REPLY, bad[i], U("libz.so"), 0, 0, 0);
        raw(PT_OP_STATS, bad[i], 0, 0, 0, 0);
        requests += 3;
    }
    requests += 3;
}

static void name_checks(void)
{
    static const char *const bad[] = {
        "../libz.so", "/usr/lib/x86_64-linux-gnu/libz.so.1", "libz", "z.so",
        "libz.so/..", "lib.so", "libz.so.", "libz.so.1a", "lib z.so",
        "libz.so\n", "", "..", "/", "libz.sox", "libz_HTL.so/../../x.so",
        "libzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.so",
    };
    char *edge = (char *)edge_page + PAGE - 5;
    int st;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        load(bad[i], &st);
        CHECK(st == PT_E_BAD_NAME, "LOAD '%s': status %d", bad[i], st);
    }
    load("libnothere.so", &st);
    CHECK(st == PT_E_NOT_FOUND, "LOAD libnothere.so: status %d", st);
    /* Unterminated, running into an unmapped page; NULL; kernel. */
    memcpy(edge, "libzz", 5);
    load(edge, &st);
    CHECK(st == PT_E_FAULT, "LOAD unterminated at a page's end: status %d", st);
    load(NULL, &st);
    CHECK(st == PT_E_FAULT, "LOAD NULL: status %d", st);
    load((const char *)KERNEL_ADDR, &st);
    CHECK(st == PT_E_FAULT, "LOAD kernel address: status %d", st);
    load((const char *)gone_page, &st);
    CHECK(st == PT_E_FAULT, "LOAD unmapped: status %d", st);
    requests += sizeof(bad) / sizeof(bad[0]) + 5;
}

static void handle_and_token_checks(void)
{
    static const char *const not_entries[] = {
        "system", "exit", "abort", "crc32", "dlopen", "execve", "_init",
        "compress2", "crc32_HTLx", "bad name_HTL", "no_such_HTL",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    };
    int64_t v, h, h2;
    int st;

    h = load("libz.so.1", &st);
    CHECK(st == PT_OK && ((uint64_t)h & PT_TAG_MASK) == PT_HANDLE_TAG,
          "LOAD libz.so.1: status %d", st);
    libz_handle = (uint64_t)h;
    st = op(PT_OP_DLSYM, (uint64_t)h, U("crc32_HTL"), 0, 0, &v);
    CHECK(st == PT_OK, "DLSYM crc32_HTL: status %d", st);
    crc_token = (uint64_t)v;
    for (size_t i = 0; i < sizeof(not_entries) / sizeof(not_entries[0]); i++) {
        st = op(PT_OP_DLSYM, (uint64_t)h, U(not_entries[i]), 0, 0, &v);
        CHECK(st == PT_E_BAD_NAME || st == PT_E_NOT_FOUND,
              "DLSYM %s: status %d", not_entries[i], st);
        CHECK(v == 0, "DLSYM %s: error with value %#llx", not_entries[i],
              (long long)v);
        requests++;
    }
    /* Junk in argument slots an op does not take: ignored. */
    st = op(PT_OP_DLSYM, (uint64_t)h, U("crc32_HTL"), ~0ULL, 1, &v);
    CHECK(st == PT_OK && (uint64_t)v == crc_token, "DLSYM with junk: %d", st);

    /* Handles: forged, closed twice, stale after a reuse of their slot. */
    h2 = load("libz.so", &st);
    CHECK(op(PT_OP_CLOSE_HTL, (uint64_t)h2, 0, 0, 0, NULL) == PT_OK,
          "CLOSE_HTL");
    st = op(PT_OP_CLOSE_HTL, (uint64_t)h2, 0, 0, 0, NULL);
    CHECK(st == PT_E_BAD_HANDLE, "CLOSE_HTL twice: status %d", st);
    st = op(PT_OP_DLSYM, (uint64_t)h2, U("crc32_HTL"), 0, 0, NULL);
    CHECK(st == PT_E_BAD_HANDLE, "DLSYM on a closed handle: status %d", st);
    int64_t h3 = load("libz.so", &st);
    CHECK(h3 != h2, "a reused slot gave the old handle back");
    st = op(PT_OP_CLOSE_HTL, (uint64_t)h2, 0, 0, 0, NULL);
    CHECK(st == PT_E_BAD_HANDLE, "stale handle closed the new one: %d", st);
    op(PT_OP_CLOSE_HTL, (uint64_t)h3, 0, 0, 0, NULL);
    uint64_t forged[] = { 0, 1, PT_HANDLE_TAG | 999, PT_HANDLE_TAG | (7ULL << 32),
                          PT_TOKEN_TAG, (uint64_t)h & ~PT_TAG_MASK, ~0ULL,
                          U(&forged) };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        st = op(PT_OP_DLSYM, forged[i], U("crc32_HTL"), 0, 0, NULL);
        CHECK(st == PT_E_BAD_HANDLE, "DLSYM forged %#llx: %d",
              (unsigned long long)forged[i], st);
        st = op(PT_OP_CLOSE_HTL, forged[i], 0, 0, 0, NULL);
        CHECK(st == PT_E_BAD_HANDLE, "CLOSE forged %#llx: %d",
              (unsigned long long)forged[i], st);
        requests += 2;
    }

    /* Tokens: forged ones never run, whatever the pointers. */
    uint64_t bad_tokens[] = { 0, 1, PT_TOKEN_TAG | 0xffffff, PT_HANDLE_TAG,
                              crc_token | (1ULL << 40), ~0ULL, U(&crc32),
                              U(&forged), PT_GATE_PING };
    uint64_t ptrs[] = { 0, U(gone_page), U(ro_page), KERNEL_ADDR, 3 };
    for (size_t i = 0; i < sizeof(bad_tokens) / sizeof(bad_tokens[0]); i++) {
        for (size_t j = 0; j < sizeof(ptrs) / sizeof(ptrs[0]); j++) {
            st = op(PT_OP_INVOKE, bad_tokens[i], ptrs[j], ptrs[j], 0, NULL);
            CHECK(st == PT_E_BAD_TOKEN || st == PT_E_FAULT,
                  "INVOKE forged %#llx: %d",
                  (unsigned long long)bad_tokens[i], st);
            requests++;
        }
    }
    /* A real token: NULL args or ret are refused, a real call works. */
    st = op(PT_OP_INVOKE, crc_token, 0, U(safe_ret()), 0, NULL);
    CHECK(st == PT_E_FAULT, "INVOKE with NULL args: %d", st);
    st = op(PT_OP_INVOKE, crc_token, U(safe_args()), 0, 0, NULL);
    CHECK(st == PT_E_FAULT, "INVOKE with NULL ret: %d", st);
    requests += 20;
}

/* RESOLVE: the whole table at once, and hostile arrays refused whole. */
static void resolve_checks(void)
{
    const char *names[] = { "crc32_HTL", NULL, "system", "no_such_HTL" };
    const char **edge = (const char **)(edge_page + PAGE - sizeof(char *));
    const char *gone_name[] = { (const char *)gone_page };
    uint64_t tokens[4] = { 1, 1, 1, 1 };
    int64_t v;
    int st;

    st = op(PT_OP_RESOLVE, libz_handle, U(names), 4, U(tokens), &v);
    CHECK(st == PT_OK && v == 1, "RESOLVE: status %d, %lld found", st,
          (long long)v);
    CHECK(tokens[0] == crc_token && !tokens[1] && !tokens[2] && !tokens[3],
          "RESOLVE: tokens %#llx %#llx %#llx %#llx",
          (unsigned long long)tokens[0], (unsigned long long)tokens[1],
          (unsigned long long)tokens[2], (unsigned long long)tokens[3]);
    tokens[0] = 1;
    *edge = "crc32_HTL";
    struct {
        uint64_t handle, names, n, tokens;
        int want;
    } bad[] = {
        { libz_handle, U(gone_page), 1, U(tokens), PT_E_FAULT },
        { libz_handle, U(edge), 2, U(tokens), PT_E_FAULT },
        { libz_handle, U(gone_name), 1, U(tokens), PT_E_FAULT },
        { libz_handle, KERNEL_ADDR, 1, U(tokens), PT_E_FAULT },
        { libz_handle, U(names), 1, U(ro_page), PT_E_FAULT },
        { libz_handle, U(names), 1, KERNEL_ADDR, PT_E_FAULT },
        { libz_handle, U(names), PT_RESOLVE_MAX + 1, U(tokens), PT_E_LIMIT },
        { libz_handle, U(names), ~0ULL, U(tokens), PT_E_LIMIT },
        { PT_HANDLE_TAG | 999, U(names), 1, U(tokens), PT_E_BAD_HANDLE },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st = op(PT_OP_RESOLVE, bad[i].handle, bad[i].names, bad[i].n,
                bad[i].tokens, &v);
        CHECK(st == bad[i].want, "RESOLVE bad %zu: status %d", i, st);
        requests++;
    }
    CHECK(tokens[0] == 1, "a refused RESOLVE wrote a token");
    requests++;
}

/* A crc32 call through INVOKE; checks its result. */
static void invoke_crc(uint64_t token, const unsigned char *buf, unsigned len)
{
    uLong seed = 0, ret = 0;
    const unsigned char *p = buf;
    unsigned l = len;
    void *args[] = { &seed, &p, &l };
    int st = op(PT_OP_INVOKE, token, U(args), U(&ret), 0, NULL);

    CHECK(st == PT_OK && ret == soft_crc32(buf, len),
          "INVOKE crc32: status %d, %#lx", st, (unsigned long)ret);
}

static uint64_t rnd(void);

static uint64_t entry(const char *name)
{
    int64_t v = 0;
    int st = op(PT_OP_DLSYM, libz_handle, U(name), 0, 0, &v);

    CHECK(st == PT_OK, "DLSYM %s: status %d", name, st);
    return (uint64_t)v;
}

/* INVOKE token(args) into *ret; the plugin must answer PT_OK. */
static void call(uint64_t token, void *args, void *ret)
{
    int st = op(PT_OP_INVOKE, token, U(args), U(ret), 0, NULL);

    CHECK(st == PT_OK, "INVOKE %#llx: status %d", (unsigned long long)token,
          st);
    requests++;
}

/*
 * Bad pointers handed to real zlib entries: each must come back as zlib's
 * error value, with nothing touched, and QEMU up.
 */
static void pointer_checks(void)
{
    uint64_t crc = entry("crc32_HTL"), comp = entry("compress2_HTL");
    uint64_t dinit = entry("deflateInit__HTL"), def = entry("deflate_HTL");
    uint64_t dend = entry("deflateEnd_HTL"), gzw = entry("gzwrite_HTL");
    const void *bad[] = { NULL, gone_page, (void *)KERNEL_ADDR,
                          edge_page + PAGE - 8, (void *)0x10 };
    static unsigned char text[4096], out[8192];
    uLong seed = 0, r;
    const unsigned char *p;
    unsigned len;
    void *args3[] = { &seed, &p, &len };
    int rc;

    /* crc32: a buffer partly or wholly outside mapped memory. */
    for (size_t i = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = bad[i];
        len = 16;
        r = 1;
        call(crc, args3, &r);
        CHECK(r == 0, "crc32 of bad buffer %p: %#lx", bad[i], r);
    }
    /* The args array, an argument slot, the return slot. */
    r = 1;
    call(crc, gone_page, &r);
    CHECK(r == 0, "crc32 with args unmapped: %#lx", r);
    void *slot_gone[] = { &seed, gone_page, &len };
    r = 1;
    call(crc, slot_gone, &r);
    CHECK(r == 0, "crc32 with an argument unmapped: %#lx", r);
    p = text;
    len = 9;
    call(crc, args3, ro_page);
    CHECK(ro_page[0] == 0, "a result written to read-only memory");

    /* compress2 into read-only memory, with a length past the mapping. */
    Bytef *dst = ro_page;
    uLongf dst_len = 256, *dlp = &dst_len;
    const Bytef *src = text;
    uLong src_len = sizeof(text);
    int level = 6;
    void *args5[] = { &dst, &dlp, &src, &src_len, &level };
    rc = 0;
    call(comp, args5, &rc);
    CHECK(rc == Z_STREAM_ERROR, "compress2 into read-only: %d", rc);
    dst = edge_page + PAGE - 64;
    rc = 0;
    call(comp, args5, &rc);
    CHECK(rc == Z_STREAM_ERROR, "compress2 past the mapping: %d", rc);
    dlp = (uLongf *)gone_page;
    rc = 0;
    call(comp, args5, &rc);
    CHECK(rc == Z_STREAM_ERROR, "compress2 with destLen unmapped: %d", rc);

    /* Streams: forged, unmapped, with bad buffers, ended twice. */
    z_stream zs, forged;
    z_streamp zp = &zs;
    int flush = Z_FINISH, size = (int)sizeof(z_stream);
    const char *version = ZLIB_VERSION;
    void *init[] = { &zp, &level, &version, &size };
    void *d2[] = { &zp, &flush };
    memset(&forged, 0x41, sizeof(forged));
    zp = &forged;
    rc = 0;
    call(def, d2, &rc);
    CHECK(rc == Z_STREAM_ERROR, "deflate on a forged stream: %d", rc);
    zp = (z_streamp)gone_page;
    rc = 0;
    call(def, d2, &rc);
    CHECK(rc == Z_STREAM_ERROR, "deflate on an unmapped stream: %d", rc);
    memset(&zs, 0, sizeof(zs));
    zp = &zs;
    call(dinit, init, &rc);
    CHECK(rc == Z_OK, "deflateInit_: %d", rc);
    zs.next_in = text;
    zs.avail_in = sizeof(text);
    zs.next_out = ro_page;
    zs.avail_out = 100;
    rc = 0;
    call(def, d2, &rc);
    CHECK(rc == Z_STREAM_ERROR, "deflate into read-only: %d", rc);
    zs.next_in = gone_page;
    zs.next_out = out;
    zs.avail_out = sizeof(out);
    rc = 0;
    call(def, d2, &rc);
    CHECK(rc == Z_STREAM_ERROR, "deflate from unmapped input: %d", rc);
    /* A guest address as allocator: the host never calls it. */
    zs.zalloc = (alloc_func)gone_page;
    zs.zfree = (free_func)KERNEL_ADDR;
    zs.next_in = text;
    call(def, d2, &rc);
    CHECK(rc == Z_STREAM_END, "deflate with a bogus zalloc: %d", rc);
    void *e1[] = { &zp };
    call(dend, e1, &rc);
    CHECK(rc == Z_OK, "deflateEnd: %d", rc);
    call(dend, e1, &rc);
    CHECK(rc == Z_STREAM_ERROR, "deflateEnd twice: %d", rc);

    /* A gzFile the host never opened. */
    gzFile gf = (gzFile)zero_args_page;
    const void *buf = text;
    unsigned n = 10;
    void *w3[] = { &gf, &buf, &n };
    rc = 1;
    call(gzw, w3, &rc);
    CHECK(rc == 0, "gzwrite to a forged gzFile: %d", rc);

    /* Every entry, random bad pointers everywhere. */
    static const char *const names[] = {
        "crc32_HTL", "adler32_z_HTL", "compress2_HTL", "uncompress2_HTL",
        "deflate_HTL", "inflate_HTL", "deflateCopy_HTL", "inflateGetHeader_HTL",
        "deflateSetHeader_HTL", "deflatePending_HTL", "deflateGetDictionary_HTL",
        "gzread_HTL", "gzwrite_HTL", "gzdopen_HTL", "gzclose_HTL",
        "gzerror_HTL", "gzprintf_n_HTL", "gzfread_HTL", "inflateInit2__HTL",
    };
    uint64_t tokens[sizeof(names) / sizeof(names[0])];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        tokens[i] = entry(names[i]);
    }
    for (int i = 0; i < 5000; i++) {
        uint64_t vals[8];
        void *args[8];
        uint64_t ret[4];

        for (int j = 0; j < 8; j++) {
            uint64_t x = rnd();

            vals[j] = x & 1 ? U(bad[(x >> 1) % 5]) : (x >> 8) % 70000;
            args[j] = (x >> 3) % 16 ? (void *)&vals[j] : (void *)gone_page;
        }
        call(tokens[rnd() % (sizeof(tokens) / sizeof(tokens[0]))], args, ret);
    }
}

static void mailbox_checks(void)
{
    uint64_t bad[] = { 0, U(gone_page), U(ro_page), KERNEL_ADDR,
                       U(edge_page) + 4, U(edge_page) + PAGE - 8 };
    /* Far apart, so dropping one leaves the other (64 KiB granules). */
    uint8_t *area = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile PtMailbox *mb = (volatile PtMailbox *)area;
    uint8_t *far = area + (512 << 10);
    unsigned char data[64];
    int st;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st = op(PT_OP_BIND_MAILBOX, bad[i], 0, 0, 0, NULL);
        CHECK(st == PT_E_FAULT, "BIND %#llx: status %d",
              (unsigned long long)bad[i], st);
        requests++;
    }
    /* Junk gates: NULL, unmapped, kernel refused; data is harmless. */
    CHECK(op(PT_OP_REGISTER_GATE, U(evil_gate), 0, 0, 0, NULL) == PT_OK,
          "REGISTER_GATE of a real function");
    CHECK(op(PT_OP_REGISTER_GATE, U(junk_target), 0, 0, 0, NULL) == PT_OK,
          "REGISTER_GATE of junk_target");
    st = op(PT_OP_REGISTER_GATE, 0, 0, 0, 0, NULL);
    CHECK(st == PT_E_FAULT, "REGISTER_GATE NULL: %d", st);
    st = op(PT_OP_REGISTER_GATE, U(gone_page), 0, 0, 0, NULL);
    CHECK(st == PT_E_FAULT, "REGISTER_GATE unmapped: %d", st);
    st = op(PT_OP_REGISTER_GATE, KERNEL_ADDR, 0, 0, 0, NULL);
    CHECK(st == PT_E_FAULT, "REGISTER_GATE kernel: %d", st);
    requests += 5;

    /* A real call through our own gate and mailbox. */
    for (int i = 0; i < 64; i++) {
        data[i] = (unsigned char)(i * 7);
    }
    uLong seed = 0;
    const unsigned char *p = far;
    unsigned len = sizeof(data);
    void **args = (void **)(far + 1024);
    memcpy(far, data, sizeof(data));
    args[0] = &seed;
    args[1] = &p;
    args[2] = &len;
    uLong *ret = (uLong *)(far + 2048);
    CHECK(op(PT_OP_BIND_MAILBOX, U(mb), 0, 0, 0, NULL) == PT_OK, "BIND");
    mb->token = crc_token;
    mb->args = U(args);
    mb->ret = U(ret);
    mb->status = PT_E_NO_ANSWER;
    evil_gate();
    CHECK(mb->status == PT_OK && *ret == soft_crc32(data, sizeof(data)),
          "gate call: status %d", mb->status);
    /* Its arguments go away; the mailbox still holds the old call. A junk
     * gate on code we run now must not run it again. */
    munmap(far, 64 << 10);
    mb->status = PT_E_NO_ANSWER;
    CHECK(junk_target(1) == 2, "junk_target");
    CHECK(mb->status == PT_E_BAD_TOKEN,
          "the junk gate ran the used call again? status %d", mb->status);
    /* The mailbox itself goes: unmapped, then a gate call and a syscall
     * call; then write-protected; then moved by mremap. */
    munmap(area, 64 << 10);
    evil_gate();
    raw(PT_OP_MAILBOX_CALL, 0, 0, 0, 0, 0);
    mb = (volatile PtMailbox *)(area + (128 << 10));
    CHECK(op(PT_OP_BIND_MAILBOX, U(mb), 0, 0, 0, NULL) == PT_OK, "BIND 2");
    mprotect(area + (128 << 10), 64 << 10, PROT_READ);
    evil_gate();
    raw(PT_OP_MAILBOX_CALL, 0, 0, 0, 0, 0);
    mprotect(area + (128 << 10), 64 << 10, PROT_READ | PROT_WRITE);
    CHECK(op(PT_OP_BIND_MAILBOX, U(mb), 0, 0, 0, NULL) == PT_OK, "BIND 3");
    void *moved = mremap(area + (128 << 10), 64 << 10, 128 << 10,
                         MREMAP_MAYMOVE);
    CHECK(moved != MAP_FAILED, "mremap");
    evil_gate();
    raw(PT_OP_MAILBOX_CALL, 0, 0, 0, 0, 0);
    /* Bound at the end of a page followed by nothing: refused. */
    st = op(PT_OP_BIND_MAILBOX, U(edge_page) + PAGE - 16, 0, 0, 0, NULL);
    CHECK(st == PT_E_FAULT, "BIND across the edge: %d", st);
    requests += 14;

    /* Gates: more than the plugin keeps. */
    for (int i = 0; i < 80; i++) {
        st = op(PT_OP_REGISTER_GATE, U(zero_args_page) + 3000 + i, 0, 0, 0,
                NULL);
        requests++;
    }
    CHECK(st == PT_E_LIMIT, "80 junk gates: last status %d", st);
}

/* Threads: invokes racing loads and closes, and mailboxes unmapped. */
static volatile int stop_threads;

static void *invoker(void *arg)
{
    unsigned char buf[32];
    long n = 0;

    (void)arg;
    for (int i = 0; i < 32; i++) {
        buf[i] = (unsigned char)(i + 100);
    }
    while (!stop_threads || n < 500) {
        invoke_crc(crc_token, buf, sizeof(buf));
        n++;
    }
    __atomic_fetch_add(&requests, n, __ATOMIC_RELAXED);
    return NULL;
}

static void *loader(void *arg)
{
    int st;

    (void)arg;
    for (int i = 0; i < 1500; i++) {
        int64_t h = load(i & 1 ? "libz.so" : "libz.so.1", &st), v;

        CHECK(st == PT_OK, "racing LOAD: %d", st);
        st = op(PT_OP_DLSYM, (uint64_t)h, U("crc32_HTL"), 0, 0, &v);
        CHECK(st == PT_OK && (uint64_t)v == crc_token, "racing DLSYM: %d", st);
        CHECK(op(PT_OP_CLOSE_HTL, (uint64_t)h, 0, 0, 0, NULL) == PT_OK,
              "racing CLOSE");
        st = op(PT_OP_CLOSE_HTL, (uint64_t)h, 0, 0, 0, NULL);
        CHECK(st == PT_E_BAD_HANDLE, "racing double CLOSE: %d", st);
    }
    __atomic_fetch_add(&requests, 6000, __ATOMIC_RELAXED);
    return NULL;
}

static void *unmapper(void *arg)
{
    (void)arg;
    for (int i = 0; i < 300; i++) {
        uint8_t *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        volatile PtMailbox *mb = (volatile PtMailbox *)m;

        CHECK(op(PT_OP_BIND_MAILBOX, U(mb), 0, 0, 0, NULL) == PT_OK,
              "BIND in a thread");
        mb->token = PT_GATE_PING;
        mb->status = PT_E_NO_ANSWER;
        evil_gate();
        CHECK(mb->status == PT_OK, "ping through a thread's mailbox");
        munmap(m, PAGE);
        evil_gate();
        raw(PT_OP_MAILBOX_CALL, 0, 0, 0, 0, 0);
    }
    __atomic_fetch_add(&requests, 900, __ATOMIC_RELAXED);
    return NULL;
}

static void thread_checks(void)
{
    pthread_t t[5];

    pthread_create(&t[0], NULL, invoker, NULL);
    pthread_create(&t[1], NULL, invoker, NULL);
    pthread_create(&t[2], NULL, loader, NULL);
    pthread_create(&t[3], NULL, loader, NULL);
    pthread_create(&t[4], NULL, unmapper, NULL);
    for (int i = 2; i < 5; i++) {
        pthread_join(t[i], NULL);
    }
    stop_threads = 1;
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
}

/* Random requests: ops and argument values from pools of the good and the
 * bad, never a valid token with bad pointers. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    return test_rand(&rng_state);
}

static void random_checks(int n)
{
    static const char *const names[] = {
        "libz.so", "libz.so.1", "../libz.so", "libz_HTL.so", "crc32_HTL",
        "system", "", "libnothere.so", "zlibVersion_HTL", "adler32_HTL",
    };
    static uint8_t zero_mailbox[64] __attribute__((aligned(64)));
    volatile PtReply reply;
    uint64_t own_handles[8] = { 0 };
    int n_own = 0;

    for (int i = 0; i < n; i++) {
        uint64_t r = rnd();
        uint64_t pool[] = {
            0, rnd(), U(gone_page), U(ro_page), KERNEL_ADDR, 1,
            U(names[r % 10]), U(names[(r >> 8) % 10]), U(edge_page) + 5,
            own_handles[(r >> 16) % 8],
            PT_HANDLE_TAG | (0x7777ULL << 32) | (r >> 24) % 16,
            /* Tagged, but past every entry there is: a valid token would
             * run an entry the round trip's counts then include. */
            PT_TOKEN_TAG | (4096 + (r >> 24) % 64), U(zero_mailbox),
        };
        uint64_t pick[5];
        uint64_t op_num;
        uint64_t reply_ptr;

        for (int k = 0; k < 5; k++) {
            pick[k] = pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
        }
        switch (r % 12) {
        case 0: op_num = PT_OP_LOAD_HTL; break;
        case 1: op_num = PT_OP_DLSYM; break;
        case 2: op_num = PT_OP_INVOKE; break;
        case 3: op_num = PT_OP_CLOSE_HTL; break;
        case 4: op_num = PT_OP_HELLO; break;
        case 5: op_num = PT_OP_STATS; break;
        case 6: op_num = PT_OP_BIND_MAILBOX; break;
        case 7: op_num = PT_OP_MAILBOX_CALL; break;
        case 8: op_num = rnd() & 0xffff; break;
        case 9: op_num = rnd(); break;
        case 10: op_num = PT_OP_REGISTER_GATE; break;
        default: op_num = PT_OP_RESOLVE; break;
        }
        /* Our own handles only: closing the GTL's would take passthrough
         * away from the round trip at the end (that is allowed, but then
         * the test could not see the host do it). */
        if ((op_num & ~(uint64_t)PT_OP_REPLY) == PT_OP_CLOSE_HTL &&
            (pick[0] & PT_TAG_MASK) == PT_HANDLE_TAG &&
            ((pick[0] >> 32) & 0xffff) == 0 && (pick[0] & 0xffffffff) < 4) {
            pick[0] = own_handles[0];
        }
        /* Anything that could run an entry runs a well-formed call. */
        if ((op_num & ~(uint64_t)PT_OP_REPLY & 0xfff) == PT_OP_INVOKE) {
            pick[1] = rnd() & 1 ? U(safe_args()) : 0;
            pick[2] = rnd() & 1 ? U(safe_ret()) : 0;
        }
        /* RESOLVE writes its tokens to scratch, or to a bad pointer. */
        if ((op_num & ~(uint64_t)PT_OP_REPLY) == PT_OP_RESOLVE &&
            pick[3] != 0 && pick[3] != U(gone_page) &&
            pick[3] != U(ro_page) && pick[3] != KERNEL_ADDR) {
            pick[2] %= 16;
            pick[3] = U(zero_args_page) + 3072;
        }
        /* Only a zeroed mailbox, or a bad pointer, is bound at random. */
        if ((op_num & ~(uint64_t)PT_OP_REPLY) == PT_OP_BIND_MAILBOX &&
            pick[0] != 0 && pick[0] != U(gone_page) &&
            pick[0] != U(ro_page) && pick[0] != KERNEL_ADDR) {
            pick[0] = U(zero_mailbox);
        }
        /* Gates on data only. */
        if ((op_num & ~(uint64_t)PT_OP_REPLY) == PT_OP_REGISTER_GATE) {
            pick[0] = U(zero_args_page) + 3200 + (r >> 40) % 64;
        }
        memset(zero_mailbox, 0, sizeof(zero_mailbox));
        switch ((r >> 4) % 6) {
        case 0: reply_ptr = 0; break;
        case 1: reply_ptr = U(gone_page); break;
        case 2: reply_ptr = U(ro_page); break;
        case 3: reply_ptr = KERNEL_ADDR; break;
        default: reply_ptr = U(&reply); break;
        }
        if ((r >> 12) & 1) {
            op_num |= PT_OP_REPLY;
        }
        reply.magic = (r >> 13) & 7 ? PT_REPLY_MAGIC : rnd();
        reply.nonce = pick[1];
        reply.status = PT_E_NO_ANSWER;
        syscall(PT_SYSCALL_NR, op_num, reply_ptr, pick[0], pick[1], pick[2],
                pick[3]);
        if ((op_num & ~(uint64_t)PT_OP_REPLY) == PT_OP_LOAD_HTL &&
            reply_ptr == U(&reply) && reply.status == PT_OK) {
            own_handles[n_own++ % 8] = (uint64_t)reply.value;
        }
        /* No answer may carry a value with an error. */
        if (reply_ptr == U(&reply) && reply.status != PT_OK &&
            reply.status != PT_E_NO_ANSWER && reply.status != PT_E_VERSION) {
            CHECK(reply.value == 0, "op %#llx: error %d with value %#llx",
                  (unsigned long long)op_num, reply.status,
                  (unsigned long long)reply.value);
        }
    }
    requests += n;
}

int evil_protocol_attacks(void)
{
    PtStats stats;
    int64_t v;

    ro_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    edge_page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* Inaccessible, and kept reserved: an unmapped page would be handed
     * out again by the next mmap (it was, under ASan). */
    gone_page = edge_page + PAGE;
    mprotect(gone_page, PAGE, PROT_NONE);
    zero_args_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    /* Is the plugin there at all? (The GTL asked already.) */
    CHECK(op(PT_OP_HELLO, PT_PROTOCOL_VERSION, 0, 0, 0, NULL) == PT_OK,
          "no plugin answers: this test needs one");
    hello_checks();
    name_checks();
    handle_and_token_checks();
    resolve_checks();
    invoke_crc(crc_token, (const unsigned char *)"123456789", 9);
    pointer_checks();
    mailbox_checks();
    thread_checks();
    random_checks(20000);

    CHECK(op(PT_OP_STATS, U(&stats), 0, 0, 0, &v) == PT_OK, "STATS");
    CHECK(stats.errors > 1000, "the plugin counted %llu errors",
          (unsigned long long)stats.errors);
    printf("requests %ld, plugin: %llu control ops, %llu errors\n", requests,
           (unsigned long long)stats.control_ops,
           (unsigned long long)stats.errors);
    return failures;
}

int evil_plugin_answers(void)
{
    return op(PT_OP_HELLO, PT_PROTOCOL_VERSION, 0, 0, 0, NULL) == PT_OK;
}
