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
    // takes to answer its first request.
    void StartService(std::chrono::milliseconds delay_first)
    {
        stop_ = false;
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
    std::atomic<bool> stop_{ false }, refused_{ false };
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
    // The late block is handed back through the service itself.
    for (int i = 0; i < 100 && served_frees_.load() == 0; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    StopService();
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

}  // namespace

int main(int argc, char **argv)
{
    g_htl_path = HtlArg(&argc, argv);
    return RUN_ALL_TESTS();
}
