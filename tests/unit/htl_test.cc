// SPDX-License-Identifier: GPL-2.0-or-later
// libz_HTL.so's entries, called in the proposal's convention, against the
// host's zlib called directly.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <string.h>
#include <zlib.h>

#include <string>
#include <vector>

std::string g_htl_path;

namespace {

typedef void (*Entry)(void **args, void *ret);

class HtlTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dl_ = dlopen(g_htl_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(dl_, nullptr) << dlerror();
    }
    void TearDown() override { dlclose(dl_); }
    Entry Get(const char *name)
    {
        Entry e = (Entry)dlsym(dl_, name);
        EXPECT_NE(e, nullptr) << name;
        return e;
    }
    void *dl_ = nullptr;
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

}  // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH_TO_libz_HTL.so\n", argv[0]);
        return 2;
    }
    g_htl_path = argv[1];
    return RUN_ALL_TESTS();
}
