// SPDX-License-Identifier: GPL-2.0-or-later
// The mapping cache: updates as the syscalls would make them, checks of
// ranges across mappings, reloading from /proc/self/maps, overflow, readers
// racing a writer, and what a check costs.
#include <glib.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

extern "C" {
#include "guest_ranges.h"
}

namespace {

const int R = PT_RANGE_READ, W = PT_RANGE_WRITE, X = PT_RANGE_EXEC;
const uint64_t K = 0x1000;

class RangesTest : public ::testing::Test {
protected:
    void SetUp() override { r_ = pt_ranges_new(0); }
    void TearDown() override { pt_ranges_free(r_); }
    PtRangeAnswer Check(uint64_t a, uint64_t len, int prot)
    {
        return pt_ranges_check(r_, a, len, prot);
    }
    PtGuestRanges *r_;
};

TEST_F(RangesTest, EmptyKnowsNothingIsMapped)
{
    EXPECT_EQ(Check(0x1000, 1, R), PT_RANGE_NO);
    EXPECT_EQ(Check(0x1000, 0, R), PT_RANGE_YES);  // nothing is touched
    EXPECT_EQ(pt_ranges_count(r_), 0);
}

TEST_F(RangesTest, MapUnmapProtect)
{
    pt_ranges_map(r_, 10 * K, 4 * K, R | W);
    EXPECT_EQ(Check(10 * K, 4 * K, R | W), PT_RANGE_YES);
    EXPECT_EQ(Check(10 * K - 1, 2, R), PT_RANGE_NO);    // starts before
    EXPECT_EQ(Check(14 * K - 1, 2, R), PT_RANGE_NO);    // runs off the end
    EXPECT_EQ(Check(11 * K, 1, X), PT_RANGE_NO);        // not executable

    // A hole in the middle: two ranges, neither spans it.
    pt_ranges_unmap(r_, 11 * K, K);
    EXPECT_EQ(pt_ranges_count(r_), 2);
    EXPECT_EQ(Check(10 * K, K, R), PT_RANGE_YES);
    EXPECT_EQ(Check(10 * K, K + 1, R), PT_RANGE_NO);
    EXPECT_EQ(Check(12 * K, 2 * K, W), PT_RANGE_YES);

    // Read-only in part: writes there are refused, reads are not.
    pt_ranges_protect(r_, 13 * K, 4 * K, R);  // only the mapped part changes
    EXPECT_EQ(Check(12 * K, 2 * K, R), PT_RANGE_YES);
    EXPECT_EQ(Check(12 * K, 2 * K, W), PT_RANGE_NO);
    EXPECT_EQ(Check(14 * K, 1, R), PT_RANGE_NO);       // still unmapped
    // Back to read-write: neighbours merge again.
    pt_ranges_protect(r_, 13 * K, K, R | W);
    EXPECT_EQ(pt_ranges_count(r_), 2);
}

// mprotect's entry only takes access away: PROT_WRITE asked for a
// read-only page does not make it writable before the kernel says so.
TEST_F(RangesTest, NarrowOnlyTakesAccessAway)
{
    pt_ranges_map(r_, 10 * K, K, R);
    pt_ranges_map(r_, 11 * K, K, R | W);
    pt_ranges_narrow(r_, 10 * K, 2 * K, W);
    EXPECT_EQ(Check(10 * K, 1, W), PT_RANGE_NO);
    EXPECT_EQ(Check(10 * K, 1, R), PT_RANGE_NO);
    EXPECT_EQ(Check(11 * K, K, W), PT_RANGE_YES);
    EXPECT_EQ(Check(11 * K, 1, R), PT_RANGE_NO);
    EXPECT_EQ(Check(12 * K, 1, W), PT_RANGE_NO);       // never mapped
}

TEST_F(RangesTest, AdjacentMappingsCoverTogether)
{
    pt_ranges_map(r_, 0x10000, 0x1000, R | W);
    pt_ranges_map(r_, 0x11000, 0x1000, R | W | X);
    EXPECT_EQ(pt_ranges_count(r_), 2);
    EXPECT_EQ(Check(0x10800, 0x1000, R | W), PT_RANGE_YES);
    EXPECT_EQ(Check(0x10800, 0x1000, X), PT_RANGE_NO);
    // MAP_FIXED over both replaces what was there.
    pt_ranges_map(r_, 0x10800, 0x1000, R);
    EXPECT_EQ(pt_ranges_count(r_), 3);
    EXPECT_EQ(Check(0x10000, 0x800, W), PT_RANGE_YES);
    EXPECT_EQ(Check(0x10800, 0x1000, W), PT_RANGE_NO);
    EXPECT_EQ(Check(0x11800, 0x800, X), PT_RANGE_YES);
}

TEST_F(RangesTest, RemapMovesWithItsProtection)
{
    pt_ranges_map(r_, 0x20000, 0x2000, R);
    pt_ranges_remap(r_, 0x20000, 0x2000, 0x80000, 0x4000);
    EXPECT_EQ(Check(0x20000, 1, R), PT_RANGE_NO);
    EXPECT_EQ(Check(0x80000, 0x4000, R), PT_RANGE_YES);
    EXPECT_EQ(Check(0x80000, 1, W), PT_RANGE_NO);
}

TEST_F(RangesTest, EdgesOfTheAddressSpace)
{
    pt_ranges_map(r_, UINT64_MAX - 0xfff, 0x1000, R);  // end saturates
    EXPECT_EQ(Check(UINT64_MAX - 0x10, 0x10, R), PT_RANGE_YES);
    EXPECT_EQ(Check(UINT64_MAX - 0x10, 0x20, R), PT_RANGE_NO);  // wraps
    pt_ranges_map(r_, 0, 0x1000, R);
    EXPECT_EQ(Check(0, 1, R), PT_RANGE_YES);
    pt_ranges_unmap(r_, 0, UINT64_MAX);
    EXPECT_EQ(pt_ranges_count(r_), 0);
}

TEST_F(RangesTest, LoadsProcSelfMaps)
{
    const char *maps =
        "00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/x\n"
        "00651000-00652000 r--p 00051000 08:02 173521 /usr/bin/x\n"
        "00652000-00655000 rw-p 00052000 08:02 173521 /usr/bin/x\n"
        "7ffc1000-7ffc3000 rw-p 00000000 00:00 0 [stack]\n";
    EXPECT_EQ(pt_ranges_load_maps(r_, maps), 4);
    EXPECT_EQ(Check(0x400000, 0x52000, R | X), PT_RANGE_YES);
    EXPECT_EQ(Check(0x651000, 0x4000, R), PT_RANGE_YES);
    EXPECT_EQ(Check(0x651000, 0x4000, W), PT_RANGE_NO);
    EXPECT_EQ(Check(0x652000, 0x3000, R | W), PT_RANGE_YES);
    EXPECT_EQ(Check(0x452000, 1, R), PT_RANGE_NO);
    EXPECT_EQ(pt_ranges_load_maps(r_, "garbage\n"), -1);
    EXPECT_EQ(Check(0x400000, 1, R), PT_RANGE_YES);  // unchanged

    // This process's own: a fresh mapping is in it, an unmapped one not.
    void *p = mmap(nullptr, 3 * K, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    munmap((char *)p + K, K);
    std::string text;
    char buf[4096];
    int fd = open("/proc/self/maps", O_RDONLY);
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        text.append(buf, n);
    }
    close(fd);
    EXPECT_GT(pt_ranges_load_maps(r_, text.c_str()), 3);
    EXPECT_EQ(Check((uint64_t)(uintptr_t)p, K, R), PT_RANGE_YES);
    EXPECT_EQ(Check((uint64_t)(uintptr_t)p, K, W), PT_RANGE_NO);
    EXPECT_EQ(Check((uint64_t)(uintptr_t)p + K, 1, R), PT_RANGE_NO);
    munmap(p, 3 * K);
}

// A reload reads its text under the writers' lock: an update made while
// it reads (a mapping the text cannot have) waits, and lands after it.
PtGuestRanges *reloading;
std::thread updater;

char *ReadWhileAnUpdateWaits()
{
    updater = std::thread([] { pt_ranges_map(reloading, 10 * K, K, R | W); });
    usleep(50 * 1000);   // long enough for it to reach the lock
    return g_strdup("1000-2000 r--p 0 0:0 0\n");
}

char *ReadNothing()
{
    return nullptr;
}

TEST_F(RangesTest, ReloadKeepsAnUpdateMadeWhileItReads)
{
    reloading = r_;
    EXPECT_EQ(pt_ranges_reload(r_, ReadWhileAnUpdateWaits), 1);
    updater.join();
    EXPECT_EQ(Check(0x1000, 1, R), PT_RANGE_YES);          // the text's
    EXPECT_EQ(Check(10 * K, K, R | W), PT_RANGE_YES);     // and the update
    EXPECT_EQ(pt_ranges_reload(r_, ReadNothing), -1);
    EXPECT_EQ(Check(0x1000, 1, R), PT_RANGE_NO);           // nothing known
}

TEST(Ranges, OverflowMakesEveryAnswerUnknown)
{
    PtGuestRanges *r = pt_ranges_new(4);
    for (uint64_t i = 0; i < 4; i++) {
        pt_ranges_map(r, i * 0x10000, 0x1000, R);
    }
    EXPECT_EQ(pt_ranges_check(r, 0x30000, 1, R), PT_RANGE_YES);
    pt_ranges_map(r, 0x50000, 0x1000, R);  // a fifth: does not fit
    EXPECT_EQ(pt_ranges_check(r, 0x30000, 1, R), PT_RANGE_UNKNOWN);
    EXPECT_EQ(pt_ranges_check(r, 0x90000, 1, R), PT_RANGE_UNKNOWN);
    EXPECT_EQ(pt_ranges_count(r), -1);
    EXPECT_EQ(pt_ranges_load_maps(r, "1000-2000 r--p 0 0:0 0\n"), 1);
    EXPECT_EQ(pt_ranges_check(r, 0x1000, 1, R), PT_RANGE_YES);
    pt_ranges_free(r);
}

TEST(Ranges, ReadersNeverSeeATornTable)
{
    // A block of 2,000 adjacent mappings (alternating protections, so they
    // stay apart) is always there; a writer keeps adding and removing one
    // mapping below it, which moves every entry of the block in the table.
    // A reader checking the whole block must always get YES: a torn copy
    // shows as a gap or an overlap somewhere in it.
    PtGuestRanges *r = pt_ranges_new(0);
    const uint64_t base = 0x50000000, pages = 2000;
    for (uint64_t i = 0; i < pages; i++) {
        pt_ranges_map(r, base + i * K, K, i & 1 ? R | W | X : R | W);
    }
    std::atomic<bool> stop{false};
    std::atomic<long> wrong{0}, checks{0};
    std::thread writer([&] {
        for (int i = 0; i < 3000; i++) {
            pt_ranges_map(r, 0x10000000, K, R);
            pt_ranges_unmap(r, 0x10000000, K);
        }
        stop = true;
    });
    std::thread reader([&] {
        while (!stop) {
            if (pt_ranges_check(r, base, pages * K, R | W) != PT_RANGE_YES) {
                wrong++;
            }
            if (pt_ranges_check(r, base - 1, 2, R) != PT_RANGE_NO) {
                wrong++;
            }
            checks += 2;
        }
    });
    writer.join();
    reader.join();
    EXPECT_EQ(wrong, 0) << "of " << checks << " checks";
    EXPECT_GT(checks, 0);
    pt_ranges_free(r);
}

TEST(Ranges, WhatACheckCosts)
{
    // Figures for the report, not a timed assertion: a table the size of a
    // zlib program's (a few hundred mappings).
    PtGuestRanges *r = pt_ranges_new(0);
    for (uint64_t i = 0; i < 300; i++) {
        pt_ranges_map(r, 0x10000000 + i * 0x20000, 0x10000, i % 3 ? R | W : R);
    }
    const int n = 2000000;
    struct timespec t0, t1;
    long yes = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) {
        uint64_t a = 0x10000000 + (uint64_t)(i % 300) * 0x20000 + 64;
        yes += pt_ranges_check(r, a, 4096, R) == PT_RANGE_YES;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
    printf("pt_ranges_check: %.1f ns per check over 300 ranges\n", ns);
    RecordProperty("ns_per_check", std::to_string(ns));
    EXPECT_EQ(yes, n);
    pt_ranges_free(r);
}

}  // namespace
