// SPDX-License-Identifier: GPL-2.0-or-later
// libz_HTL.so's entries, called in the proposal's convention, against the
// host's zlib called directly.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

extern "C" {
#include "guest_check.h"
#include "passthrough_pause.h"
}

#include <algorithm>
#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "htl_arg.h"
#include "htl_loaded.h"

std::string g_htl_path;

namespace {

class HtlTest : public HtlLoaded {
};

TEST_F(HtlTest, EveryEntryOfTheSpecIsExported)
{
    for (const char *n : {"zlibVersion_HTL", "compressBound_HTL", "compress_HTL",
                          "compress2_HTL", "uncompress_HTL", "crc32_HTL",
                          "adler32_HTL"}) {
        EXPECT_NE(dlsym(dl_, n), nullptr) << n;
    }
    // Only entries: the HTL does not re-export zlib itself.
    EXPECT_EQ(dlsym(dl_, "compress2") == (void *)&compress2 ||
                  dlsym(dl_, "compress2") == nullptr, true);
}

TEST_F(HtlTest, ScalarEntriesMatchHostZlib)
{
    const char *v = nullptr;
    Get("zlibVersion_HTL")(nullptr, &v);
    EXPECT_STREQ(v, zlibVersion());

    uLong n = 123456, bound = 0;
    void *a1[] = {&n};
    Get("compressBound_HTL")(a1, &bound);
    EXPECT_EQ(bound, compressBound(n));

    std::vector<Bytef> data(100000);
    for (size_t i = 0; i < data.size(); i++) {
        data[i] = (Bytef)(i * 7 + (i >> 5));
    }
    const Bytef *p = data.data();
    uLong seed = 0;
    uInt len = data.size();
    uLong crc = 0, adler = 0;
    void *a3[] = {&seed, &p, &len};
    Get("crc32_HTL")(a3, &crc);
    EXPECT_EQ(crc, crc32(0, data.data(), len));
    seed = 1;
    Get("adler32_HTL")(a3, &adler);
    EXPECT_EQ(adler, adler32(1, data.data(), len));
}

TEST_F(HtlTest, CompressEntriesGiveTheSameBytesAsHostZlib)
{
    std::string text;
    while (text.size() < 300000) {
        text += "the quick brown fox jumps over the lazy dog ";
    }
    const Bytef *src = (const Bytef *)text.data();
    uLong src_len = text.size();
    for (int level = 0; level <= 9; level++) {
        std::vector<Bytef> a(compressBound(src_len)), b(a.size());
        uLongf alen = a.size(), blen = b.size();
        Bytef *dst = a.data();
        uLongf *dlen = &alen;
        int rc = -99;
        void *args[] = {&dst, &dlen, &src, &src_len, &level};
        Get("compress2_HTL")(args, &rc);
        ASSERT_EQ(rc, Z_OK);
        ASSERT_EQ(compress2(b.data(), &blen, src, src_len, level), Z_OK);
        ASSERT_EQ(alen, blen) << "level " << level;
        EXPECT_EQ(memcmp(a.data(), b.data(), alen), 0) << "level " << level;

        std::vector<Bytef> out(src_len);
        uLongf out_len = out.size();
        Bytef *o = out.data();
        uLongf *olen = &out_len;
        const Bytef *c = a.data();
        uLong clen = alen;
        void *uargs[] = {&o, &olen, &c, &clen};
        rc = -99;
        Get("uncompress_HTL")(uargs, &rc);
        ASSERT_EQ(rc, Z_OK);
        ASSERT_EQ(out_len, src_len);
        EXPECT_EQ(memcmp(out.data(), src, src_len), 0);
    }
}

TEST_F(HtlTest, ErrorsPassThrough)
{
    Bytef small[4];
    uLongf small_len = sizeof(small);
    Bytef *dst = small;
    uLongf *dlen = &small_len;
    const Bytef *src = (const Bytef *)"garbage, not a zlib stream";
    uLong src_len = 26;
    int rc = 0;
    void *args[] = {&dst, &dlen, &src, &src_len};
    Get("uncompress_HTL")(args, &rc);
    EXPECT_EQ(rc, Z_DATA_ERROR);
}

// A page that is readable, then one that is not mapped.
struct Edge {
    Edge()
    {
        long page = sysconf(_SC_PAGESIZE);
        base = (Bytef *)mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(base + page, page);
        last = base + page - 16;
        gone = base + page;
        size = page;
    }
    ~Edge() { munmap(base, size); }
    Bytef *base, *last, *gone;
    long size;
};

TEST_F(HtlTest, BadBuffersAreRefusedNotTouched)
{
    Edge e;
    const Bytef *p = e.last;
    uLong seed = 0, crc = 1;
    uInt len = 16;
    void *a3[] = {&seed, &p, &len};
    uint64_t before = pt_guest_check_refusals();

    Get("crc32_HTL")(a3, &crc);  // the 16 bytes before the hole: fine
    EXPECT_EQ(crc, crc32(0, e.last, 16));
    len = 17;                    // one byte into the hole
    Get("crc32_HTL")(a3, &crc);
    EXPECT_EQ(crc, 0u);
    p = e.gone;
    len = 1;
    Get("crc32_HTL")(a3, &crc);
    EXPECT_EQ(crc, 0u);
    p = (const Bytef *)0xffff800000001000ULL;  // a kernel address
    Get("crc32_HTL")(a3, &crc);
    EXPECT_EQ(crc, 0u);
    p = nullptr;                 // zlib's own meaning: the initial value
    len = 100;
    crc = 7;
    Get("crc32_HTL")(a3, &crc);
    EXPECT_EQ(crc, 0u);
    EXPECT_EQ(pt_guest_check_refusals() - before, 3u);

    // compress2 into read-only memory, and with a length past the mapping.
    mprotect(e.base, e.size, PROT_READ);
    Bytef *dst = e.base;
    uLongf dst_len = 64, *dlen = &dst_len;
    const Bytef *src = (const Bytef *)"hello hello hello hello";
    uLong src_len = 23;
    int level = 6, rc = 0;
    void *a5[] = {&dst, &dlen, &src, &src_len, &level};
    Get("compress2_HTL")(a5, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
    mprotect(e.base, e.size, PROT_READ | PROT_WRITE);
    dst = e.last;
    dst_len = 64;
    rc = 0;
    Get("compress2_HTL")(a5, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
    dst_len = 8;                 // fits, but too small: zlib's answer
    Get("compress2_HTL")(a5, &rc);
    EXPECT_EQ(rc, Z_BUF_ERROR);

    // The args array and the return slot are guest memory too.
    rc = 0;
    Get("compress2_HTL")((void **)e.gone, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
    Get("compress2_HTL")(a5, e.gone);  // nowhere to answer: nothing happens
    EXPECT_GE(pt_guest_check_refusals() - before, 7u);
}

// The guest's z_stream names a host record; the host never follows a
// pointer from it.
TEST_F(HtlTest, StreamsAreHandlesTheGuestCannotForge)
{
    z_stream g;
    memset(&g, 0, sizeof(g));
    z_streamp gp = &g;
    int level = 6, size = (int)sizeof(z_stream), rc = -99, flush = Z_FINISH;
    const char *version = ZLIB_VERSION;
    void *init[] = {&gp, &level, &version, &size};
    Get("deflateInit__HTL")(init, &rc);
    ASSERT_EQ(rc, Z_OK);
    ASSERT_NE(g.state, nullptr);
    ASSERT_NE(g.zalloc, nullptr);  // the host's: the GTL routes by it

    // A copy of the z_stream is not the stream.
    z_stream copy = g;
    z_streamp cp = &copy;
    void *dc[] = {&cp, &flush};
    Get("deflate_HTL")(dc, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);

    // A forged state is refused; so is a guest function as allocator,
    // which the host never calls.
    void *state = g.state;
    g.state = (struct internal_state *)((uintptr_t)state ^ (1ULL << 40));
    void *d[] = {&gp, &flush};
    Get("deflate_HTL")(d, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
    g.state = (struct internal_state *)state;
    g.zalloc = (alloc_func)0x1234;
    g.zfree = (free_func)0x5678;

    std::string text(100000, 'x');
    std::vector<Bytef> out(1000);
    g.next_in = (Bytef *)text.data();
    g.avail_in = text.size();
    g.next_out = out.data();
    g.avail_out = out.size();
    Get("deflate_HTL")(d, &rc);
    ASSERT_EQ(rc, Z_STREAM_END);
    std::vector<Bytef> back(text.size());
    uLongf back_len = back.size();
    ASSERT_EQ(uncompress(back.data(), &back_len, out.data(), g.total_out),
              Z_OK);
    EXPECT_EQ(std::string((char *)back.data(), back_len), text);

    void *e[] = {&gp};
    Get("deflateEnd_HTL")(e, &rc);
    EXPECT_EQ(rc, Z_OK);
    EXPECT_EQ(g.state, nullptr);
    g.state = (struct internal_state *)state;  // used after its end
    Get("deflate_HTL")(d, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
    Get("deflateEnd_HTL")(e, &rc);
    EXPECT_EQ(rc, Z_STREAM_ERROR);
}

TEST_F(HtlTest, InflateFillsTheGuestsHeaderThroughAHostCopy)
{
    // A gzip stream with a name and an extra field.
    z_stream w;
    memset(&w, 0, sizeof(w));
    ASSERT_EQ(deflateInit2(&w, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY),
              Z_OK);
    gz_header h;
    memset(&h, 0, sizeof(h));
    h.name = (Bytef *)"file.txt";
    h.extra = (Bytef *)"EXTRA";
    h.extra_len = 5;
    ASSERT_EQ(deflateSetHeader(&w, &h), Z_OK);
    Bytef gz[256], out[64];
    w.next_in = (Bytef *)"payload";
    w.avail_in = 7;
    w.next_out = gz;
    w.avail_out = sizeof(gz);
    ASSERT_EQ(deflate(&w, Z_FINISH), Z_STREAM_END);
    uLong gz_len = w.total_out;
    deflateEnd(&w);

    z_stream g;
    memset(&g, 0, sizeof(g));
    z_streamp gp = &g;
    int wbits = 31, size = (int)sizeof(z_stream), rc = -99, flush = Z_FINISH;
    const char *version = ZLIB_VERSION;
    void *init[] = {&gp, &wbits, &version, &size};
    Get("inflateInit2__HTL")(init, &rc);
    ASSERT_EQ(rc, Z_OK);
    char name[16] = "", extra[8] = "";
    gz_header got;
    memset(&got, 0, sizeof(got));
    got.name = (Bytef *)name;
    got.name_max = sizeof(name);
    got.extra = (Bytef *)extra;
    got.extra_max = 3;           // zlib keeps what fits
    gz_headerp hp = &got;
    void *gh[] = {&gp, &hp};
    Get("inflateGetHeader_HTL")(gh, &rc);
    ASSERT_EQ(rc, Z_OK);
    g.next_in = gz;
    g.avail_in = gz_len;
    g.next_out = out;
    g.avail_out = sizeof(out);
    void *d[] = {&gp, &flush};
    Get("inflate_HTL")(d, &rc);
    ASSERT_EQ(rc, Z_STREAM_END);
    EXPECT_EQ(std::string((char *)out, g.total_out), "payload");
    EXPECT_EQ(got.done, 1);
    EXPECT_STREQ(name, "file.txt");
    EXPECT_EQ(got.extra_len, 5u);
    EXPECT_EQ(std::string(extra, 3), "EXT");
    EXPECT_EQ(extra[3], 0);
    void *e[] = {&gp};
    Get("inflateEnd_HTL")(e, &rc);
    EXPECT_EQ(rc, Z_OK);
}

TEST_F(HtlTest, GzFilesMustBeOpenOnTheHost)
{
    char path[] = "/tmp/htl_test_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const char *mode = "wb";
    gzFile f = nullptr;
    void *open_args[] = {&fd, &mode};
    Get("gzdopen_HTL")(open_args, &f);
    ASSERT_NE(f, nullptr);

    // gzprintf's text with a NUL in it, written whole.
    const char text[] = "a\0b\n";
    const char *t = text;
    int len = 4, rc = -99;
    void *pa[] = {&f, &t, &len};
    Get("gzprintf_n_HTL")(pa, &rc);
    EXPECT_EQ(rc, 4);

    gzFile forged = (gzFile)((uintptr_t)f + 64);
    void *fa[] = {&forged, &t, &len};
    rc = 0;
    Get("gzprintf_n_HTL")(fa, &rc);
    EXPECT_EQ(rc, -1);
    void *ca[] = {&f};
    Get("gzclose_HTL")(ca, &rc);
    EXPECT_EQ(rc, Z_OK);
    Get("gzclose_HTL")(ca, &rc);  // closed twice
    EXPECT_EQ(rc, Z_STREAM_ERROR);

    gzFile r = gzopen(path, "rb");
    char back[8];
    EXPECT_EQ(gzread(r, back, sizeof(back)), 4);
    EXPECT_EQ(memcmp(back, text, 4), 0);
    gzclose(r);
    unlink(path);
}


// The GTL's side of a paused call, for a guest allocator that gives
// malloc'd blocks and refuses its refuse_at-th request (0: none).
struct GuestAllocator {
    Entry resume;
    int refuse_at = 0, asked_n = 0;
    std::vector<std::pair<uint64_t, uint64_t>> asked;
    std::vector<void *> given, freed;

    // Serves the pauses of the call that just returned; false if a resume
    // was refused.
    bool Serve(PtPause *pause)
    {
        return ServePauses(resume, pause, [this](PtPause *p) {
            if (p->what == PT_PAUSE_ALLOC) {
                asked.push_back({p->items, p->size});
                void *b = ++asked_n == refuse_at
                              ? nullptr : malloc(p->items * p->size);
                if (b) {
                    given.push_back(b);
                }
                p->ptr = (uint64_t)(uintptr_t)b;
            } else if (p->what == PT_PAUSE_FREE) {
                freed.push_back((void *)(uintptr_t)p->ptr);
                free((void *)(uintptr_t)p->ptr);
            } else {
                return false;
            }
            return true;
        });
    }
};

// inflateInit_'s arguments, NAME_ga_HTL style, for a z_stream with a
// guest allocator (never called by the host); pause: where it asks.
struct InflateInitCall {
    explicit InflateInitCall(PtPause *pause) : pp(pause)
    {
        memset(&g, 0, sizeof(g));
        g.zalloc = (alloc_func)0x1234;
    }
    InflateInitCall(const InflateInitCall &) = delete;
    z_stream g;
    z_streamp gp = &g;
    int size = (int)sizeof(z_stream), rc = -99;
    const char *version = ZLIB_VERSION;
    PtPause *pp;
    void *args[4] = {&gp, &version, &size, &pp};
    void *end_args[2] = {&gp, &pp};
};

TEST_F(HtlTest, AGuestAllocatorIsAskedForEachBlockAndGetsItBack)
{
    GuestAllocator ga;
    ga.resume = Get("ga_resume_HTL");
    z_stream g;
    memset(&g, 0, sizeof(g));
    g.zalloc = (alloc_func)0x1234;   // the guest's: never called here
    g.zfree = (free_func)0x5678;
    z_streamp gp = &g;
    int level = 6, method = Z_DEFLATED, wbits = 15, mem = 8, strategy = 0;
    int size = (int)sizeof(z_stream), rc = -99, flush = Z_FINISH;
    const char *version = ZLIB_VERSION;
    PtPause pause = {}, *pp = &pause;
    void *init[] = {&gp, &level, &method, &wbits, &mem, &strategy,
                    &version, &size, &pp};

    Get("deflateInit2__ga_HTL")(init, &rc);
    ASSERT_TRUE(ga.Serve(&pause));
    ASSERT_EQ(rc, Z_OK);
    // zlib 1.2.13's deflateInit2_: its state, then window, prev, head and
    // pending buffer, each asked of the guest as zlib asks for it.
    ASSERT_EQ(ga.asked.size(), 5u);
    EXPECT_EQ(ga.asked[1], std::make_pair(uint64_t{32768}, uint64_t{2}));
    EXPECT_EQ(ga.asked[2], std::make_pair(uint64_t{32768}, uint64_t{2}));
    EXPECT_EQ(ga.asked[3], std::make_pair(uint64_t{32768}, uint64_t{2}));
    EXPECT_EQ(ga.asked[4], std::make_pair(uint64_t{16384}, uint64_t{4}));
    // A host handle that says so; the guest keeps its allocator.
    EXPECT_EQ((uintptr_t)g.state >> 62, 3u);
    EXPECT_EQ(g.zalloc, (alloc_func)0x1234);
    EXPECT_EQ(g.zfree, (free_func)0x5678);

    // deflate never allocates: the plain entry, no pause.
    std::string text;
    while (text.size() < 200000) {
        text += "the guest's allocator, asked for every block ";
    }
    std::vector<Bytef> out(compressBound(text.size())), ref(out.size());
    g.next_in = (Bytef *)text.data();
    g.avail_in = text.size();
    g.next_out = out.data();
    g.avail_out = out.size();
    void *d[] = {&gp, &flush};
    Get("deflate_HTL")(d, &rc);
    ASSERT_EQ(rc, Z_STREAM_END);
    uLongf ref_len = ref.size();
    ASSERT_EQ(compress2(ref.data(), &ref_len, (const Bytef *)text.data(),
                        text.size(), 6), Z_OK);
    ASSERT_EQ(g.total_out, ref_len);
    EXPECT_EQ(memcmp(out.data(), ref.data(), ref_len), 0);
    // The guest's blocks are held, not written: host zlib has its own.
    for (size_t i = 0; i < ga.given.size(); i++) {
        EXPECT_NE(ga.given[i], nullptr);
    }

    // Its end hands every block back, last given first, as zlib frees.
    void *e[] = {&gp, &pp};
    Get("deflateEnd_ga_HTL")(e, &rc);
    ASSERT_TRUE(ga.Serve(&pause));
    EXPECT_EQ(rc, Z_OK);
    EXPECT_EQ(g.state, nullptr);
    std::vector<void *> reversed(ga.given.rbegin(), ga.given.rend());
    EXPECT_EQ(ga.freed, reversed);
}

TEST_F(HtlTest, ARefusedBlockFailsTheCallAsZlibWould)
{
    for (int refuse_at = 1; refuse_at <= 5; refuse_at++) {
        GuestAllocator ga;
        ga.resume = Get("ga_resume_HTL");
        ga.refuse_at = refuse_at;
        z_stream g;
        memset(&g, 0, sizeof(g));
        g.zalloc = (alloc_func)0x1234;
        z_streamp gp = &g;
        int level = 6, size = (int)sizeof(z_stream), rc = -99;
        const char *version = ZLIB_VERSION;
        PtPause pause = {}, *pp = &pause;
        void *init[] = {&gp, &level, &version, &size, &pp};

        Get("deflateInit__ga_HTL")(init, &rc);
        ASSERT_TRUE(ga.Serve(&pause));
        EXPECT_EQ(rc, Z_MEM_ERROR) << refuse_at;
        // zlib's deflateInit2_ asks for all four buffers before it looks.
        EXPECT_EQ(ga.asked.size(), refuse_at == 1 ? 1u : 5u) << refuse_at;
        std::vector<void *> reversed(ga.given.rbegin(), ga.given.rend());
        EXPECT_EQ(ga.freed, reversed) << refuse_at;
    }
}

TEST_F(HtlTest, APausedCallIsResumedOnlyByItsThreadAndCookie)
{
    Entry init = Get("inflateInit__ga_HTL"), resume = Get("ga_resume_HTL");
    uint64_t before = pt_guest_check_refusals();
    PtPause forged = {}, *fp = &forged;
    void *fa[] = {&fp};
    int rs = -99;

    forged.cookie = 12345;   // never issued
    resume(fa, &rs);
    EXPECT_EQ(rs, -1);

    // A call paused here cannot be resumed from another thread.
    PtPause pause = {};
    InflateInitCall call(&pause);
    int &rc = call.rc;
    init(call.args, &rc);
    ASSERT_NE(pause.cookie, 0u);
    ASSERT_EQ(pause.what, (uint32_t)PT_PAUSE_ALLOC);
    EXPECT_EQ(rc, -99);      // not done: paused
    forged = pause;
    forged.ptr = (uint64_t)(uintptr_t)malloc(pause.items * pause.size);
    std::thread([&] { resume(fa, &rs); }).join();
    EXPECT_EQ(rs, -1);
    EXPECT_EQ(pt_guest_check_refusals() - before, 2u);
    free((void *)(uintptr_t)forged.ptr);

    // Here it goes on.
    GuestAllocator ga;
    ga.resume = resume;
    ASSERT_TRUE(ga.Serve(&pause));
    EXPECT_EQ(rc, Z_OK);
    Get("inflateEnd_ga_HTL")(call.end_args, &rc);
    ASSERT_TRUE(ga.Serve(&pause));
    EXPECT_EQ(rc, Z_OK);
    EXPECT_EQ(ga.freed, ga.given);   // one block: the state
}

TEST_F(HtlTest, WithNoWritablePauseEveryBlockIsRefused)
{
    long page = sysconf(_SC_PAGESIZE);
    void *ro = mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
    ASSERT_NE(ro, MAP_FAILED);
    InflateInitCall call((PtPause *)ro);

    Get("inflateInit__ga_HTL")(call.args, &call.rc);
    EXPECT_EQ(call.rc, Z_MEM_ERROR);
    EXPECT_EQ(((PtPause *)ro)->cookie, 0u);
    munmap(ro, page);
}


TEST_F(HtlTest, PausedCallsNestAndAreBounded)
{
    Entry init = Get("inflateInit__ga_HTL"), end = Get("inflateEnd_ga_HTL");
    const int n = 64;        // guest_alloc.c's MAX_PAUSED
    std::vector<PtPause> pause(n + 1);
    std::deque<InflateInitCall> calls;
    GuestAllocator ga;
    ga.resume = Get("ga_resume_HTL");

    for (int i = 0; i <= n; i++) {
        calls.emplace_back(&pause[i]);
        init(calls[i].args, &calls[i].rc);
    }
    for (int i = 0; i < n; i++) {
        ASSERT_NE(pause[i].cookie, 0u) << i;
    }
    // One too many: not asked, so refused.
    EXPECT_EQ(pause[n].cookie, 0u);
    EXPECT_EQ(calls[n].rc, Z_MEM_ERROR);
    // Resumed in the order they were made, not the reverse.
    for (int i = 0; i < n; i++) {
        ASSERT_TRUE(ga.Serve(&pause[i]));
        EXPECT_EQ(calls[i].rc, Z_OK) << i;
        end(calls[i].end_args, &calls[i].rc);
        ASSERT_TRUE(ga.Serve(&pause[i]));
        EXPECT_EQ(calls[i].rc, Z_OK) << i;
    }
    EXPECT_EQ(ga.given.size(), (size_t)n);
    EXPECT_EQ(ga.freed, ga.given);
}

}  // namespace

int main(int argc, char **argv)
{
    g_htl_path = HtlArg(&argc, argv);
    return RUN_ALL_TESTS();
}
