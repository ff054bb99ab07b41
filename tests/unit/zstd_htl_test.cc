// SPDX-License-Identifier: GPL-2.0-or-later
// libzstd_HTL.so's paused calls that reach past the calling thread, driven
// as the GTL drives them: the service that runs the program's allocator
// for libzstd's worker threads (PtServe), and a sequence producer of the
// program's, run through PT_PAUSE_SCRATCH and PT_PAUSE_CALL. This
// process is the "guest": its memory passes the pointer checks.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ZSTD_STATIC_LINKING_ONLY
/* The buffer-less API, the host copies of which are checked here. */
#define ZSTD_DISABLE_DEPRECATE_WARNINGS
#include <zstd.h>
#include <zstd_errors.h>

extern "C" {
#include "guest_check.h"
#include "passthrough_pause.h"
}
#include "libs/zstd/spec.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "htl_arg.h"
#include "htl_loaded.h"

std::string g_htl_path;

namespace {

typedef size_t ProducerFn(void *, ZSTD_Sequence *, size_t, const void *,
                          size_t, const void *, size_t, int, size_t);

// The program's allocator: blocks of its own, never written by the host.
struct Blocks {
    std::mutex lock;
    std::set<void *> live;
    int given = 0, freed = 0;

    void *Take(uint64_t n)
    {
        void *b = malloc(n ? n : 1);
        std::lock_guard<std::mutex> g(lock);
        live.insert(b);
        given++;
        return b;
    }
    bool Give(void *b)
    {
        std::lock_guard<std::mutex> g(lock);
        if (!live.erase(b)) {
            return false;
        }
        free(b);
        freed++;
        return true;
    }
};

// One PtServe for the process: the HTL serves the first it is given.
PtServe g_serve;

class ZstdHtlTest : public HtlLoaded {
protected:
    void SetUp() override
    {
        HtlLoaded::SetUp();
        if (!HasFatalFailure()) {
            resume_ = Get("ga_resume_HTL");
            serve_ = Get("ga_serve_HTL");
        }
    }
    void TearDown() override
    {
        StopService();
        HtlLoaded::TearDown();
    }

    // The GTL's side of a paused call: the allocator, a scratch buffer,
    // the producer. False if a resume was refused.
    bool Serve(PtPause *pause)
    {
        std::vector<char> scratch;

        return ServePauses(resume_, pause, [&](PtPause *p) {
            switch (p->what) {
            case PT_PAUSE_ALLOC:
                p->ptr = (uint64_t)(uintptr_t)blocks_.Take(p->items * p->size);
                return true;
            case PT_PAUSE_FREE:
                if (p->ptr) {
                    EXPECT_TRUE(blocks_.Give((void *)(uintptr_t)p->ptr));
                }
                return true;
            case PT_PAUSE_SCRATCH:
                scratch.resize(p->size);
                // A new mapping maybe, as the plugin would see.
                pt_guest_check_stale();
                p->ptr = refuse_scratch_ ? 0
                                         : (uint64_t)(uintptr_t)scratch.data();
                return true;
            case PT_PAUSE_CALL: {
                auto *c = (ZstdProducerCall *)(uintptr_t)p->ptr;
                auto *fn = (ProducerFn *)(uintptr_t)c->fn;

                p->ptr = fn((void *)(uintptr_t)c->state,
                            (ZSTD_Sequence *)(uintptr_t)c->seqs, c->capacity,
                            (void *)(uintptr_t)c->src, c->src_size,
                            (void *)(uintptr_t)c->dict, c->dict_size,
                            (int)c->level, c->window);
                return true;
            }
            }
            return false;
        });
    }

    // A call through a NAME_ga_HTL entry with n arguments, served.
    bool GaCall(const char *name, std::vector<void *> args, void *ret)
    {
        PtPause pause = {}, *pp = &pause;

        args.push_back(&pp);
        Get(name)(args.data(), ret);
        return Serve(&pause);
    }

    // The service thread, as the GTL runs it; delay_first: how long it
    // takes to answer its first request. Returns once the HTL has it, as
    // the GTL does: the HTL is loaded afresh for each test, and a worker
    // that asks before then gets a block of the host's alone.
    void StartService(std::chrono::milliseconds delay_first)
    {
        stop_ = false;
        ready_ = false;
        service_ = std::thread([this, delay_first] {
            PtServe *at = &g_serve;
            void *args[] = { &at };
            bool first = true;

            // Its stack is a new mapping, as the plugin would see.
            pt_guest_check_stale();

            for (;;) {
                uint32_t word = __atomic_load_n(&g_serve.word,
                                                __ATOMIC_ACQUIRE);
                int r = -99;

                serve_(args, &r);
                ready_ = true;
                if (r < 0) {
                    refused_ = true;
                    return;
                }
                if (!r && stop_) {
                    return;    // asked to stop, and nothing left
                }
                if (!r) {
                    struct timespec wait = { 0, 50 * 1000 * 1000 };

                    syscall(SYS_futex, &g_serve.word, FUTEX_WAIT_PRIVATE,
                            word, &wait, nullptr, 0);
                    continue;
                }
                if (first) {
                    std::this_thread::sleep_for(delay_first);
                    first = false;
                }
                if (g_serve.what == PT_PAUSE_ALLOC) {
                    g_serve.ptr = (uint64_t)(uintptr_t)blocks_.Take(
                        g_serve.items * g_serve.size);
                    served_allocs_++;
                } else {
                    EXPECT_EQ(g_serve.what, (uint32_t)PT_PAUSE_FREE);
                    EXPECT_TRUE(blocks_.Give((void *)(uintptr_t)g_serve.ptr));
                    g_serve.ptr = 0;
                    served_frees_++;
                }
            }
        });
        while (!ready_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    void StopService()
    {
        if (service_.joinable()) {
            stop_ = true;
            __atomic_add_fetch(&g_serve.word, 1, __ATOMIC_RELEASE);
            syscall(SYS_futex, &g_serve.word, FUTEX_WAKE_PRIVATE, 1, nullptr,
                    nullptr, 0);
            service_.join();
        }
    }

    // A context made with the program's allocator (the function pointers
    // are never called by the host: any will do).
    uint64_t NewCtx()
    {
        ZSTD_customMem mem = { reinterpret_cast<ZSTD_allocFunction>(1),
                               reinterpret_cast<ZSTD_freeFunction>(1),
                               nullptr };
        void *ctx = nullptr;

        EXPECT_TRUE(GaCall("ZSTD_createCCtx_advanced_ga_HTL", { &mem },
                           &ctx));
        EXPECT_NE(ctx, nullptr);
        return (uint64_t)(uintptr_t)ctx;
    }
    size_t SetParam(uint64_t ctx, ZSTD_cParameter p, int v)
    {
        size_t r = 0;
        void *args[] = { &ctx, &p, &v };

        Get("ZSTD_CCtx_setParameter_HTL")(args, &r);
        return r;
    }
    size_t Compress(uint64_t ctx, std::vector<char> &dst,
                    const std::vector<char> &src)
    {
        void *d = dst.data();
        const void *s = src.data();
        size_t cap = dst.size(), n = src.size(), r = 0;

        EXPECT_TRUE(GaCall("ZSTD_compress2_ga_HTL", { &ctx, &d, &cap, &s, &n },
                           &r));
        return r;
    }
    void Free(uint64_t ctx)
    {
        size_t r = 1;

        EXPECT_TRUE(GaCall("ZSTD_freeCCtx_ga_HTL", { &ctx }, &r));
        EXPECT_EQ(r, 0u);
    }

    Entry resume_ = nullptr, serve_ = nullptr;
    Blocks blocks_;
    bool refuse_scratch_ = false;
    std::thread service_;
    std::atomic<bool> stop_{ false }, ready_{ false }, refused_{ false };
    std::atomic<int> served_allocs_{ 0 }, served_frees_{ 0 };
};

// Text of many lines, some repeated: frames of several jobs.
std::vector<char> Text(size_t n)
{
    std::vector<char> t(n);
    uint32_t x = 1;

    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245 + 12345;
        t[i] = (char)("abcdefgh \n"[(x >> 16) % 10]);
        if (i >= 4096 && (x >> 24) < 200) {
            t[i] = t[i - 4096];
        }
    }
    return t;
}

bool Decodes(const std::vector<char> &frame, size_t n,
             const std::vector<char> &want)
{
    std::vector<char> back(want.size() + 1);

    return !ZSTD_isError(n) &&
           ZSTD_decompress(back.data(), back.size(), frame.data(), n) ==
               want.size() &&
           !memcmp(back.data(), want.data(), want.size());
}

TEST_F(ZstdHtlTest, WorkersAskTheServiceForTheirBlocks)
{
    std::vector<char> src = Text(6 << 20), dst(ZSTD_compressBound(6 << 20));

    StartService(std::chrono::milliseconds(0));
    uint64_t ctx = NewCtx();
    ASSERT_EQ(SetParam(ctx, ZSTD_c_nbWorkers, 2), 2u);
    ASSERT_FALSE(ZSTD_isError(SetParam(ctx, ZSTD_c_jobSize, 1 << 20)));
    size_t n = Compress(ctx, dst, src);
    EXPECT_TRUE(Decodes(dst, n, src)) << ZSTD_getErrorName(n);
    Free(ctx);
    StopService();
    EXPECT_FALSE(refused_);
    // The workers' buffers and contexts came from the service...
    EXPECT_GT(served_allocs_.load(), 0);
    // ... and every block went back to the allocator by the end.
    EXPECT_GT(blocks_.given, served_allocs_.load());
    EXPECT_EQ(blocks_.freed, blocks_.given);
    EXPECT_TRUE(blocks_.live.empty());
}

TEST_F(ZstdHtlTest, ABlockAnsweredTooLateComesBack)
{
    std::vector<char> src = Text(4 << 20), dst(ZSTD_compressBound(4 << 20));

    // guest_alloc.c's SERVE_WAIT_MS is 500: the first worker gives up.
    StartService(std::chrono::milliseconds(800));
    uint64_t ctx = NewCtx();
    ASSERT_EQ(SetParam(ctx, ZSTD_c_nbWorkers, 2), 2u);
    size_t n = Compress(ctx, dst, src);
    EXPECT_TRUE(Decodes(dst, n, src)) << ZSTD_getErrorName(n);
    Free(ctx);
    // The late block is handed back through the service itself (up to
    // 10 s: on a loaded machine the service thread may be slow to run).
    for (int i = 0; i < 500 && served_frees_.load() == 0; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    StopService();
    EXPECT_FALSE(refused_);
    EXPECT_GE(served_frees_.load(), 1) << served_allocs_.load() << " served, "
                                       << blocks_.given << " given";
    EXPECT_EQ(blocks_.freed, blocks_.given);
}

TEST_F(ZstdHtlTest, TheServiceIsOneAndTheGuests)
{
    PtServe other = {}, *at = &other;
    void *args[] = { &at };
    int r = -99;

    // The first PtServe given (this process's other tests', or this one)
    // is the one.
    PtServe *first = &g_serve;
    void *first_args[] = { &first };
    serve_(first_args, &r);
    EXPECT_GE(r, 0);
    serve_(args, &r);
    EXPECT_EQ(r, -1);
    // A ticket never issued is answered into nothing.
    g_serve.ticket = 0x7fffffff;
    g_serve.ptr = 0x1234;
    serve_(first_args, &r);
    EXPECT_GE(r, 0);
    g_serve.ticket = 0;
    // Not the guest's to write: refused.
    void *ro = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
    ASSERT_NE(ro, MAP_FAILED);
    pt_guest_check_stale();
    at = (PtServe *)ro;
    serve_(args, &r);
    EXPECT_EQ(r, -1);
    munmap(ro, 4096);
}

// A greedy producer of 4-byte matches; bad: a match of 1 first.
struct Producer {
    int calls = 0;
    bool bad = false;
};

size_t Produce(void *state, ZSTD_Sequence *out, size_t cap, const void *src,
               size_t size, const void *, size_t, int, size_t)
{
    auto *p = (Producer *)state;
    auto *s = (const unsigned char *)src;
    size_t n = 0, lit = 0, i = 0;

    p->calls++;
    while (i + 8 <= size && n + 2 < cap) {
        if (i >= 4096 && !memcmp(s + i, s + i - 4096, 4)) {
            size_t len = 4;

            while (i + len < size && s[i + len] == s[i + len - 4096]) {
                len++;
            }
            out[n++] = { 4096, (unsigned)lit, (unsigned)len, 0 };
            i += len;
            lit = 0;
        } else {
            i++;
            lit++;
        }
    }
    if (p->bad && n) {
        out[0].litLength += out[0].matchLength - 1;
        out[0].matchLength = 1;
    }
    out[n++] = { 0, (unsigned)(lit + size - i), 0, 0 };
    return n;
}

TEST_F(ZstdHtlTest, AProducerRunsThroughThePauses)
{
    std::vector<char> src = Text(1 << 20), dst(ZSTD_compressBound(1 << 20));
    Producer p;
    ProducerFn *fn = Produce;
    void *state = &p;
    void *ctx = nullptr;
    size_t n;

    Get("ZSTD_createCCtx_HTL")(nullptr, &ctx);
    ASSERT_NE(ctx, nullptr);
    uint64_t h = (uint64_t)(uintptr_t)ctx;
    void *reg[] = { &h, &state, &fn };
    char none;
    Get("ZSTD_registerSequenceProducer_HTL")(reg, &none);

    n = Compress(h, dst, src);
    EXPECT_TRUE(Decodes(dst, n, src)) << ZSTD_getErrorName(n);
    EXPECT_EQ(p.calls, 8);    // one a block of 128 KiB

    // A match of 1, not validated: the producer's error, not libzstd's
    // miscount; validated: libzstd's own error.
    p.bad = true;
    n = Compress(h, dst, src);
    EXPECT_EQ(ZSTD_getErrorCode(n), ZSTD_error_sequenceProducer_failed);
    ZSTD_ResetDirective session = ZSTD_reset_session_only;
    size_t rr;
    EXPECT_TRUE(GaCall("ZSTD_CCtx_reset_ga_HTL", { &h, &session }, &rr));
    ASSERT_FALSE(ZSTD_isError(SetParam(h, ZSTD_c_validateSequences, 1)));
    n = Compress(h, dst, src);
    EXPECT_EQ(ZSTD_getErrorCode(n), ZSTD_error_externalSequences_invalid);
    p.bad = false;

    // No guest buffer to run it in: the producer's error, and libzstd's
    // own parser where the context falls back.
    EXPECT_TRUE(GaCall("ZSTD_CCtx_reset_ga_HTL", { &h, &session }, &rr));
    ASSERT_FALSE(ZSTD_isError(SetParam(h, ZSTD_c_enableSeqProducerFallback,
                                       1)));
    refuse_scratch_ = true;
    int before = p.calls;
    n = Compress(h, dst, src);
    EXPECT_TRUE(Decodes(dst, n, src)) << ZSTD_getErrorName(n);
    EXPECT_EQ(p.calls, before);
    refuse_scratch_ = false;

    // Outside a paused call (a plain entry) it cannot run: the error.
    EXPECT_TRUE(GaCall("ZSTD_CCtx_reset_ga_HTL", { &h, &session }, &rr));
    ASSERT_FALSE(ZSTD_isError(SetParam(h, ZSTD_c_enableSeqProducerFallback,
                                       0)));
    void *d = dst.data();
    const void *s = src.data();
    size_t cap = dst.size(), len = src.size();
    void *plain[] = { &h, &d, &cap, &s, &len };
    Get("ZSTD_compress2_HTL")(plain, &n);
    EXPECT_EQ(ZSTD_getErrorCode(n), ZSTD_error_sequenceProducer_failed);
    EXPECT_EQ(p.calls, before);

    size_t fr;
    void *free_args[] = { &h };
    Get("ZSTD_freeCCtx_HTL")(free_args, &fr);
    EXPECT_EQ(fr, 0u);
}

// A copy's buffer-less frame on the host (ZSTD_copyCCtx of a context
// begun by streaming): pieces the program gives, at the places they are
// in its memory. Its pieces are written into buf (the program's buffers)
// before each call, as they are given.
struct Piece {
    char *at;
    size_t from, len;    // bytes of the input
};

class ZstdCopyTest : public ZstdHtlTest {
protected:
    uint64_t New()
    {
        void *ctx = nullptr;

        Get("ZSTD_createCCtx_HTL")(nullptr, &ctx);
        EXPECT_NE(ctx, nullptr);
        return (uint64_t)(uintptr_t)ctx;
    }
    size_t Call(const char *name, std::vector<void *> args)
    {
        size_t r = 0;

        Get(name)(args.data(), &r);
        return r;
    }
    // Begun by streaming its first 1000 bytes, still buffered.
    size_t Begin(uint64_t ctx, const std::vector<char> &src)
    {
        std::vector<char> out(64);
        ZSTD_outBuffer ob = { out.data(), out.size(), 0 };
        ZSTD_inBuffer ib = { src.data(), 1000, 0 };
        ZSTD_inBuffer *ip = &ib;
        ZSTD_outBuffer *op = &ob;
        ZSTD_EndDirective go = ZSTD_e_continue;

        return Call("ZSTD_compressStream2_HTL", { &ctx, &op, &ip, &go });
    }
    size_t Copy(uint64_t dst, uint64_t src)
    {
        unsigned long long pledged = 0;

        return Call("ZSTD_copyCCtx_HTL", { &dst, &src, &pledged });
    }
    // The pieces through the host's entries (host) or libzstd's own
    // (native): the frame, or the first error.
    size_t Feed(uint64_t host, ZSTD_CCtx *native, const std::vector<char> &src,
                const std::vector<Piece> &pieces, std::vector<char> &frame)
    {
        size_t n = 0;

        frame.assign(ZSTD_compressBound(src.size()) + 4096, 0);
        for (size_t i = 0; i < pieces.size(); i++) {
            const Piece &p = pieces[i];
            bool last = i + 1 == pieces.size();
            void *d = frame.data() + n;
            size_t cap = frame.size() - n, len = p.len, r;
            const void *s = p.at;

            memcpy(p.at, src.data() + p.from, p.len);
            if (native) {
                r = last ? ZSTD_compressEnd(native, d, cap, s, len)
                         : ZSTD_compressContinue(native, d, cap, s, len);
            } else {
                r = Call(last ? "ZSTD_compressEnd_HTL"
                              : "ZSTD_compressContinue_HTL",
                         { &host, &d, &cap, &s, &len });
            }
            if (ZSTD_isError(r)) {
                return r;
            }
            n += r;
        }
        return n;
    }
};

// Two mappings further apart than a mirror's arena spans (8 GiB), and
// the pieces of a 400 KiB input among them: a run, a ring over it, a
// jump to the far one and back.
TEST_F(ZstdCopyTest, ACopysFrameIsLibzstdsOwn)
{
    const size_t room = 1 << 20;
    char *near = (char *)mmap(nullptr, room, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *far = (char *)MAP_FAILED;

    ASSERT_NE(near, MAP_FAILED);
    for (uintptr_t gib = 16; gib < 64 && far == MAP_FAILED; gib += 8) {
        far = (char *)mmap(near + (gib << 30), room, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                           -1, 0);
    }
    ASSERT_NE(far, MAP_FAILED);
    pt_guest_check_stale();

    std::vector<char> src = Text(400000);
    std::vector<Piece> pieces;
    size_t from = 0;
    auto add = [&](char *at, size_t len) {
        pieces.push_back({ at, from, len });
        from += len;
    };
    for (int i = 0; i < 4; i++) {
        add(near + i * 20000, 20000);        // one run
    }
    for (int i = 0; i < 3; i++) {
        add(near + i * 20000, 20000);        // over it, as a ring
    }
    add(far, 30000);                         // far: an arena of its own
    add(far + 30000, 30000);
    add(near + 100000, 50000);               // and back
    add(far + 60000, 40000);
    add(near + 200000, src.size() - from);

    std::vector<char> want, got;
    ZSTD_CCtx *a = ZSTD_createCCtx(), *b = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(a, ZSTD_c_compressionLevel, 3);
    ZSTD_inBuffer ib = { src.data(), 1000, 0 };
    char out[64];
    ZSTD_outBuffer ob = { out, sizeof(out), 0 };
    ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(a, &ob, &ib,
                                                   ZSTD_e_continue)));
    ASSERT_EQ(ZSTD_copyCCtx(b, a, 0), 0u);
    size_t n_want = Feed(0, b, src, pieces, want);
    ASSERT_FALSE(ZSTD_isError(n_want)) << ZSTD_getErrorName(n_want);
    ZSTD_freeCCtx(a);
    ZSTD_freeCCtx(b);

    uint64_t ha = New(), hb = New();
    ASSERT_EQ(SetParam(ha, ZSTD_c_compressionLevel, 3), 3u);
    ASSERT_FALSE(ZSTD_isError(Begin(ha, src)));
    ASSERT_EQ(Copy(hb, ha), 0u);
    size_t n_got = Feed(hb, nullptr, src, pieces, got);
    ASSERT_FALSE(ZSTD_isError(n_got)) << ZSTD_getErrorName(n_got);
    EXPECT_EQ(n_got, n_want);
    EXPECT_TRUE(n_got == n_want && !memcmp(got.data(), want.data(), n_got));
    EXPECT_TRUE(Decodes(got, n_got, src));

    // Its frame is over: the next piece is refused, as libzstd's stage
    // would refuse it.
    void *d = got.data();
    size_t cap = got.size(), len = 10;
    const void *s = src.data();
    EXPECT_TRUE(ZSTD_isError(Call("ZSTD_compressContinue_HTL",
                                  { &hb, &d, &cap, &s, &len })));
    for (uint64_t h : { ha, hb }) {
        EXPECT_EQ(Call("ZSTD_freeCCtx_HTL", { &h }), 0u);
    }
    munmap(near, room);
    munmap(far, room);
}

// A source that drops its dictionary (libzstd frees it) leaves its copy
// refused; one freed by the guest is kept for its copy.
TEST_F(ZstdCopyTest, ASourcesDictionaryOutlivesItsCopyOrEndsIt)
{
    std::vector<char> src = Text(100000), dict = Text(20000), frame;
    std::vector<Piece> pieces = { { src.data() + 1000, 1000, 40000 },
                                  { src.data() + 41000, 41000, 59000 } };
    // Fed in place: the pieces are where they are.
    std::vector<char> in = src;
    for (Piece &p : pieces) {
        p.at = in.data() + p.from;
    }

    for (int drop = 0; drop < 2; drop++) {
        uint64_t a = New(), b = New();
        const void *d = dict.data();
        size_t dn = dict.size();
        ZSTD_ResetDirective params = ZSTD_reset_parameters;
        ZSTD_ResetDirective session = ZSTD_reset_session_only;

        ASSERT_EQ(Call("ZSTD_CCtx_loadDictionary_HTL", { &a, &d, &dn }), 0u);
        ASSERT_FALSE(ZSTD_isError(SetParam(a, ZSTD_c_forceAttachDict,
                                           ZSTD_dictForceCopy)));
        ASSERT_FALSE(ZSTD_isError(Begin(a, src)));
        ASSERT_EQ(Copy(b, a), 0u);
        if (drop) {
            // Its dictionary goes, and with it what the copy reads.
            ASSERT_EQ(Call("ZSTD_CCtx_reset_HTL", { &a, &session }), 0u);
            ASSERT_EQ(Call("ZSTD_CCtx_reset_HTL", { &a, &params }), 0u);
        } else {
            EXPECT_EQ(Call("ZSTD_freeCCtx_HTL", { &a }), 0u);
        }
        size_t n = Feed(b, nullptr, in, pieces, frame);
        if (drop) {
            EXPECT_EQ(ZSTD_getErrorCode(n), ZSTD_error_GENERIC);
            EXPECT_EQ(Call("ZSTD_freeCCtx_HTL", { &a }), 0u);
        } else {
            ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
            std::vector<char> back(src.size());
            ZSTD_DCtx *d = ZSTD_createDCtx();
            EXPECT_EQ(ZSTD_decompress_usingDict(d, back.data(), back.size(),
                                                frame.data(), n, dict.data(),
                                                dict.size()),
                      src.size() - 1000);
            EXPECT_TRUE(!memcmp(back.data(), src.data() + 1000,
                                src.size() - 1000));
            ZSTD_freeDCtx(d);
        }
        EXPECT_EQ(Call("ZSTD_freeCCtx_HTL", { &b }), 0u);
    }
}

}  // namespace

int main(int argc, char **argv)
{
    g_htl_path = HtlArg(&argc, argv);
    return RUN_ALL_TESTS();
}
