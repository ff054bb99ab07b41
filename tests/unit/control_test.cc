// SPDX-License-Identifier: GPL-2.0-or-later
// The control plane: op decoding, reply blocks, handles and tokens, driven
// as the syscall-entry callback drives it, with the real libz_HTL.so.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <glib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "control.h"
#include "guest_check.h"
#include "passthrough_protocol.h"
}

// A real directory (Bazel's runfiles are symbolic links, which the plugin
// refuses) holding copies of libz_HTL.so and the fixture HTLs; set by main.
std::string g_htl_dir;
std::string g_tmp_dir;

static void CopyFile(const std::string &from, const std::string &to)
{
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary);
    out << in.rdbuf();
    if (!in || !out) {
        fprintf(stderr, "cannot copy %s to %s\n", from.c_str(), to.c_str());
        exit(2);
    }
}

namespace {

uint64_t U(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

class ControlTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ctl_.reg = pt_registry_new(g_htl_dir.c_str());
        ctl_.filter = false;
        ASSERT_TRUE(pt_control_set_target(&ctl_, "x86_64"));
    }
    void TearDown() override { pt_registry_free(ctl_.reg); }

    // Runs op with a reply block, as the GTL does; returns the reply.
    PtReply Op(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0,
               uint64_t d = 0)
    {
        PtReply r = pt_reply_new(0);
        if (op < PT_OP_HELLO) {
            op |= PT_OP_REPLY;
        }
        uint64_t args[6] = {op, U(&r), a, b, c, d};
        pt_control_syscall(&ctl_, args);
        return r;
    }

    uint64_t Load()
    {
        PtReply r = Op(PT_OP_LOAD_HTL, U("libz.so"));
        EXPECT_EQ(r.status, PT_OK);
        return (uint64_t)r.value;
    }

    uint64_t Sym(uint64_t handle, const char *name)
    {
        PtReply r = Op(PT_OP_DLSYM, handle, U(name));
        EXPECT_EQ(r.status, PT_OK) << name;
        return (uint64_t)r.value;
    }

    PtControl ctl_{};
};

TEST_F(ControlTest, HelloAnswersVersionCheckedWithNonce)
{
    PtReply r = pt_reply_new(0x1234);
    uint64_t args[6] = {PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 0x1234};
    EXPECT_EQ(pt_control_syscall(&ctl_, args), 0);
    EXPECT_EQ(r.status, PT_OK);

    r = pt_reply_new(0x1234);
    uint64_t bad_version[6] = {PT_OP_HELLO, U(&r), 99, 0x1234};
    EXPECT_EQ(pt_control_syscall(&ctl_, bad_version), -PT_E_VERSION);
    EXPECT_EQ(r.status, PT_E_VERSION);
    // The guest can say which version it would need.
    EXPECT_EQ(r.value, PT_PROTOCOL_VERSION);
}

TEST_F(ControlTest, HelloWithAForeignNonceIsNotAnswered)
{
    // What the plugin sees when guest addresses are not host addresses:
    // the block at that address does not hold what the guest wrote.
    PtReply r = pt_reply_new(0x1111);
    uint64_t args[6] = {PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 0x2222};
    EXPECT_EQ(pt_control_syscall(&ctl_, args), -PT_E_FAULT);
    EXPECT_EQ(r.status, PT_E_NO_ANSWER);

    r = pt_reply_new(0x1111);
    r.magic = 0;
    uint64_t no_magic[6] = {PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 0x1111};
    EXPECT_EQ(pt_control_syscall(&ctl_, no_magic), -PT_E_FAULT);
    EXPECT_EQ(r.status, PT_E_NO_ANSWER);
}

TEST_F(ControlTest, BadReplyPointersAreRefusedNotTouched)
{
    uint64_t null_reply[6] = {PT_OP_HELLO, 0, PT_PROTOCOL_VERSION};
    EXPECT_EQ(pt_control_syscall(&ctl_, null_reply), -PT_E_FAULT);

    // An unmapped page, and a read-only one holding a valid block.
    void *page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(page, MAP_FAILED);
    PtReply r = pt_reply_new(7);
    memcpy(page, &r, sizeof(r));
    ASSERT_EQ(mprotect(page, 4096, PROT_READ), 0);
    uint64_t ro[6] = {PT_OP_HELLO, U(page), PT_PROTOCOL_VERSION, 7};
    pt_control_syscall(&ctl_, ro);  // must not crash
    EXPECT_EQ(((PtReply *)page)->status, PT_E_NO_ANSWER);
    munmap(page, 4096);
    uint64_t gone[6] = {PT_OP_HELLO, U(page), PT_PROTOCOL_VERSION, 7};
    EXPECT_EQ(pt_control_syscall(&ctl_, gone), -PT_E_FAULT);
}

TEST_F(ControlTest, UnknownOpIsAnError)
{
    EXPECT_EQ(Op(0x77).status, PT_E_BAD_OP);
    EXPECT_EQ(Op(PT_OP_HELLO + 50).status, PT_E_BAD_OP);
    uint64_t args[6] = {0, 0, 0, 0, 0, 0};
    EXPECT_EQ(pt_control_syscall(&ctl_, args), -PT_E_BAD_OP);
}

TEST_F(ControlTest, LibraryNamesAreNamesNotPaths)
{
    const char *bad[] = {
        "../libz.so", "/usr/lib/libz.so", "libz", "libz.so/..", "lib.so",
        "z.so", "libz.so.", "libz.so.1a", "lib z.so", "libz.sox",
        "libzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.so",
    };
    for (const char *name : bad) {
        EXPECT_EQ(Op(PT_OP_LOAD_HTL, U(name)).status, PT_E_BAD_NAME) << name;
    }
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libnothere.so")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, 0).status, PT_E_FAULT);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libz.so.1")).status, PT_OK);
}

TEST_F(ControlTest, UnterminatedNameIsRefused)
{
    char name[PT_NAME_MAX + 16];
    memset(name, 'a', sizeof(name));
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U(name)).status, PT_E_BAD_NAME);
}

TEST_F(ControlTest, ResolveGivesEveryNamesTokenInOneOp)
{
    uint64_t h = Load();
    const char *names[] = {"crc32_HTL", nullptr,    "no_such_HTL",
                           "system",    "bad name", "adler32_HTL"};
    uint64_t tokens[6];

    memset(tokens, 0xff, sizeof(tokens));
    PtReply r = Op(PT_OP_RESOLVE, h, U(names), 6, U(tokens));
    ASSERT_EQ(r.status, PT_OK);
    EXPECT_EQ(r.value, 2);
    EXPECT_EQ(tokens[0], Sym(h, "crc32_HTL"));
    EXPECT_EQ(tokens[5], Sym(h, "adler32_HTL"));
    // NULL, missing, not the HTL's own, refused: no token, as DLSYM.
    for (int i = 1; i < 5; i++) {
        EXPECT_EQ(tokens[i], 0u) << i;
    }
    r = Op(PT_OP_RESOLVE, h, U(names), 0, U(tokens));
    EXPECT_EQ(r.status, PT_OK);
    EXPECT_EQ(r.value, 0);
}

TEST_F(ControlTest, ResolveRefusesWhatItCannotUseAndWritesNothing)
{
    uint64_t h = Load();
    const char *names[] = {"crc32_HTL"};
    uint64_t tokens[1] = {7};
    char *page = (char *)mmap(nullptr, 8192, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    ASSERT_NE(page, MAP_FAILED);
    EXPECT_EQ(Op(PT_OP_RESOLVE, h + 1000, U(names), 1, U(tokens)).status,
              PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_RESOLVE, h, U(names), PT_RESOLVE_MAX + 1,
                 U(tokens)).status, PT_E_LIMIT);
    EXPECT_EQ(Op(PT_OP_RESOLVE, h, U(names), UINT64_MAX, U(tokens)).status,
              PT_E_LIMIT);
    ASSERT_EQ(mprotect(page + 4096, 4096, PROT_NONE), 0);
    // The array runs into an unmapped page; a name is there.
    const char **edge = (const char **)(page + 4096 - sizeof(char *));
    edge[0] = "crc32_HTL";
    EXPECT_EQ(Op(PT_OP_RESOLVE, h, U(edge), 2, U(tokens)).status,
              PT_E_FAULT);
    const char *unmapped[] = {page + 4096};
    EXPECT_EQ(Op(PT_OP_RESOLVE, h, U(unmapped), 1, U(tokens)).status,
              PT_E_FAULT);
    EXPECT_EQ(tokens[0], 7u);
    // Tokens to read-only memory: refused, nothing written.
    ASSERT_EQ(mprotect(page, 4096, PROT_READ), 0);
    EXPECT_EQ(Op(PT_OP_RESOLVE, h, U(names), 1, U(page)).status, PT_E_FAULT);
    EXPECT_EQ(page[0], 0);
    munmap(page, 8192);
}

TEST_F(ControlTest, HandlesAreTaggedAndChecked)
{
    uint64_t h = Load();
    EXPECT_EQ(h & PT_TAG_MASK, PT_HANDLE_TAG);
    EXPECT_EQ(Op(PT_OP_DLSYM, h + 1000, U("crc32_HTL")).status, PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_DLSYM, h & ~PT_TAG_MASK, U("crc32_HTL")).status,
              PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("no_such_HTL")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("bad name")).status, PT_E_BAD_NAME);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h).status, PT_OK);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h).status, PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("crc32_HTL")).status, PT_E_BAD_HANDLE);
}

TEST_F(ControlTest, DlsymHandsOutOnlyTheHtlsOwnEntries)
{
    uint64_t h = Load();
    // dlsym() on a handle also searches the HTL's dependencies (host zlib,
    // libc): a token for one of those would let the guest call any host
    // function with guest-chosen arguments.
    for (const char *name : {"system", "crc32", "dlopen", "execve", "exit",
                             "abort", "crc32_HTLx", "_init", "_fini"}) {
        EXPECT_NE(Op(PT_OP_DLSYM, h, U(name)).status, PT_OK) << name;
    }
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("crc32_HTL")).status, PT_OK);
}

TEST_F(ControlTest, AnHtlIsARegularFileDirectlyInHtlDir)
{
    std::string dir = g_htl_dir, outside = g_tmp_dir + "/outside";
    mkdir(outside.c_str(), 0755);
    CopyFile(dir + "/libz_HTL.so", outside + "/libz_HTL.so");
    // Links are refused wherever they lead, inside htl_dir or out of it.
    ASSERT_EQ(symlink("libz_HTL.so", (dir + "/liblinkin_HTL.so").c_str()), 0);
    ASSERT_EQ(symlink((outside + "/libz_HTL.so").c_str(),
                      (dir + "/liblinkout_HTL.so").c_str()), 0);
    { std::ofstream(dir + "/libjunk_HTL.so") << "not an ELF file\n"; }
    mkdir((dir + "/libdir_HTL.so").c_str(), 0755);
    ASSERT_EQ(mkfifo((dir + "/libfifo_HTL.so").c_str(), 0644), 0);

    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("liblinkin.so")).status, PT_E_LOAD);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("liblinkout.so")).status, PT_E_LOAD);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libjunk.so")).status, PT_E_LOAD);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libdir.so")).status, PT_E_LOAD);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libfifo.so")).status, PT_E_LOAD);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libmissing.so")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libz.so")).status, PT_OK);
}

TEST_F(ControlTest, HtlDirItselfMayBeALink)
{
    std::string link = g_tmp_dir + "/htl_link";
    ASSERT_EQ(symlink(g_htl_dir.c_str(), link.c_str()), 0);
    PtControl ctl{};
    ctl.reg = pt_registry_new(link.c_str());
    PtReply r = pt_reply_new(0);
    uint64_t args[6] = {PT_OP_LOAD_HTL | PT_OP_REPLY, U(&r), U("libz.so")};
    pt_control_syscall(&ctl, args);
    EXPECT_EQ(r.status, PT_OK);
    pt_registry_free(ctl.reg);
}

TEST_F(ControlTest, OnlyTheHtlsOwnFunctionsAreEntries)
{
    uint64_t h = (uint64_t)Op(PT_OP_LOAD_HTL, U("libptfixture.so")).value;
    uint64_t tok = Sym(h, "own_HTL");
    // Defined by the HTL's dependency, a data object, not named *_HTL.
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("dep_HTL")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("table_HTL")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("call_dep")).status, PT_E_BAD_NAME);
    int ret = 0;
    void *args[1] = {};
    EXPECT_EQ(Op(PT_OP_INVOKE, tok, U(args), U(&ret)).status, PT_OK);
    EXPECT_EQ(ret, 42);
}

TEST_F(ControlTest, EachHtlFileIsItsOwnLibrary)
{
    // Loaded one after the other, each through a /proc/self/fd path: the
    // second must not be mistaken for the first.
    uint64_t z = Load();
    uint64_t f = (uint64_t)Op(PT_OP_LOAD_HTL, U("libptfixture.so")).value;
    EXPECT_EQ(Op(PT_OP_DLSYM, f, U("own_HTL")).status, PT_OK);
    EXPECT_EQ(Op(PT_OP_DLSYM, f, U("crc32_HTL")).status, PT_E_NOT_FOUND);
    EXPECT_EQ(Op(PT_OP_DLSYM, z, U("own_HTL")).status, PT_E_NOT_FOUND);
    // Two names of one HTL file: one library, the same tokens.
    uint64_t z1 = (uint64_t)Op(PT_OP_LOAD_HTL, U("libz.so.1")).value;
    EXPECT_EQ(Sym(z, "crc32_HTL"), Sym(z1, "crc32_HTL"));
}

TEST_F(ControlTest, ClosedHandlesStayDeadWhileSlotsAreReused)
{
    uint64_t h1 = Load();
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h1).status, PT_OK);
    uint64_t h2 = Load();
    EXPECT_NE(h1, h2);
    EXPECT_EQ(Op(PT_OP_DLSYM, h1, U("crc32_HTL")).status, PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h1).status, PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_DLSYM, h2, U("crc32_HTL")).status, PT_OK);
    // A forged handle: right tag and slot, a generation never issued.
    EXPECT_EQ(Op(PT_OP_DLSYM, h2 + (5ULL << 32), U("crc32_HTL")).status,
              PT_E_BAD_HANDLE);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h2).status, PT_OK);

    // Opening and closing forever never runs out of handles.
    for (int i = 0; i < 5000; i++) {
        PtReply r = Op(PT_OP_LOAD_HTL, U("libz.so"));
        ASSERT_EQ(r.status, PT_OK) << i;
        ASSERT_EQ(Op(PT_OP_CLOSE_HTL, (uint64_t)r.value).status, PT_OK);
    }
    // Handles kept open do, with an error, until one is closed.
    std::vector<uint64_t> open;
    PtReply r;
    while ((r = Op(PT_OP_LOAD_HTL, U("libz.so"))).status == PT_OK) {
        open.push_back((uint64_t)r.value);
        ASSERT_LT(open.size(), 100000u);
    }
    EXPECT_EQ(r.status, PT_E_LIMIT);
    EXPECT_GT(open.size(), 100u);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, open[3]).status, PT_OK);
    EXPECT_EQ(Op(PT_OP_LOAD_HTL, U("libz.so")).status, PT_OK);
}

TEST_F(ControlTest, InvokeRunsTheHostEntryAndCountsIt)
{
    uint64_t h = Load();
    uint64_t tok = Sym(h, "crc32_HTL");
    EXPECT_EQ(tok & PT_TAG_MASK, PT_TOKEN_TAG);
    EXPECT_EQ(Sym(h, "crc32_HTL"), tok);  // one entry per name

    uLong crc = 0;
    const Bytef *buf = (const Bytef *)"123456789";
    uInt len = 9;
    uLong ret = 0;
    void *args[] = {&crc, &buf, &len};
    EXPECT_EQ(Op(PT_OP_INVOKE, tok, U(args), U(&ret)).status, PT_OK);
    EXPECT_EQ(ret, 0xcbf43926UL);
    EXPECT_EQ(pt_registry_calls(ctl_.reg, PT_VIA_SYSCALL), 1u);

    // The proposal's form, without a reply block: the value is the result.
    ret = 0;
    uint64_t plain[6] = {PT_OP_INVOKE, tok, U(args), U(&ret)};
    EXPECT_EQ(pt_control_syscall(&ctl_, plain), 0);
    EXPECT_EQ(ret, 0xcbf43926UL);
    EXPECT_EQ(pt_registry_calls(ctl_.reg, PT_VIA_SYSCALL), 2u);

    PtStats st{};
    EXPECT_EQ(Op(PT_OP_STATS, U(&st)).value, 2);
    EXPECT_EQ(st.host_calls, 2u);
    EXPECT_EQ(st.syscall_calls, 2u);
}

TEST_F(ControlTest, ForgedAndStaleTokensAreRefused)
{
    uint64_t h = Load();
    uint64_t tok = Sym(h, "adler32_HTL");
    uLong ret = 0;
    void *args[3] = {};
    // A raw host address, as the upstream proposal would have passed.
    EXPECT_EQ(Op(PT_OP_INVOKE, U((void *)&adler32), U(args), U(&ret)).status,
              PT_E_BAD_TOKEN);
    EXPECT_EQ(Op(PT_OP_INVOKE, tok + 5000, U(args), U(&ret)).status,
              PT_E_BAD_TOKEN);
    EXPECT_EQ(Op(PT_OP_INVOKE, tok, 0, U(&ret)).status, PT_E_FAULT);
    EXPECT_EQ(Op(PT_OP_INVOKE, tok, U(args), 0).status, PT_E_FAULT);
    EXPECT_EQ(Op(PT_OP_CLOSE_HTL, h).status, PT_OK);
    EXPECT_EQ(Op(PT_OP_INVOKE, tok, U(args), U(&ret)).status, PT_E_BAD_TOKEN);
    EXPECT_EQ(pt_registry_calls(ctl_.reg, PT_VIA_SYSCALL), 0u);
}

TEST_F(ControlTest, AnErrorCarriesNoValue)
{
    // A refused LOAD_HTL or DLSYM used to hand back whatever its result
    // variable held: a previous handle, or host stack contents.
    uint64_t h = Load();
    Sym(h, "crc32_HTL");
    PtReply r = Op(PT_OP_DLSYM, h, U("no_such_HTL"));
    EXPECT_EQ(r.status, PT_E_NOT_FOUND);
    EXPECT_EQ(r.value, 0);
    r = Op(PT_OP_DLSYM, h + 1, U("crc32_HTL"));
    EXPECT_EQ(r.status, PT_E_BAD_HANDLE);
    EXPECT_EQ(r.value, 0);
    r = Op(PT_OP_LOAD_HTL, U("libnothere.so"));
    EXPECT_EQ(r.status, PT_E_NOT_FOUND);
    EXPECT_EQ(r.value, 0);
    r = Op(PT_OP_LOAD_HTL, U("../x.so"));
    EXPECT_EQ(r.status, PT_E_BAD_NAME);
    EXPECT_EQ(r.value, 0);
}

TEST_F(ControlTest, JunkInUnusedArgumentSlotsIsIgnored)
{
    // syscall(4096, op, reply, a) leaves whatever the registers held in
    // the slots after a: that must not change the answer.
    uint64_t h = (uint64_t)Op(PT_OP_LOAD_HTL, U("libz.so"), 0xdead, 0xbeef,
                              0x1234).value;
    EXPECT_EQ(h & PT_TAG_MASK, PT_HANDLE_TAG);
    EXPECT_EQ(Op(PT_OP_DLSYM, h, U("crc32_HTL"), 7, 7).status, PT_OK);
    PtStats st{};
    EXPECT_EQ(Op(PT_OP_STATS, U(&st), 5, 5, 5).status, PT_OK);
    PtReply r = pt_reply_new(3);
    uint64_t hello[6] = {PT_OP_HELLO, U(&r), PT_PROTOCOL_VERSION, 3, 7, 7};
    EXPECT_EQ(pt_control_syscall(&ctl_, hello), 0);
    uint64_t plain[6] = {PT_OP_LOAD_HTL, U("libz.so"), 0xdead, 0xbeef, 1, 2};
    EXPECT_GT(pt_control_syscall(&ctl_, plain), 0);
}

class MailboxTest : public ControlTest {
protected:
    void TearDown() override
    {
        // Unbind this thread's mailbox before its memory goes.
        pt_control_drop_mailboxes(0, UINT64_MAX);
        ControlTest::TearDown();
    }
    PtStatus Bind(void *mb) { return (PtStatus)Op(PT_OP_BIND_MAILBOX, U(mb)).status; }
    // MAILBOX_CALL as the GTL sends it: no reply block.
    int64_t Call()
    {
        uint64_t args[6] = {PT_OP_MAILBOX_CALL};
        return pt_control_syscall(&ctl_, args);
    }
    void *Page(int prot = PROT_READ | PROT_WRITE)
    {
        void *p = mmap(nullptr, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT_NE(p, MAP_FAILED);
        return p;
    }
    // What the plugin sees before the guest's syscall runs (x86_64 numbers).
    void Syscall(int64_t num, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0,
                 uint64_t a3 = 0, uint64_t a4 = 0)
    {
        uint64_t a[6] = {a0, a1, a2, a3, a4};
        pt_control_memory_syscall(&ctl_, num, a);
    }
    void Prepare(PtMailbox *mb, uint64_t tok, void *args, void *ret)
    {
        mb->token = tok;
        mb->args = U(args);
        mb->ret = U(ret);
        mb->status = PT_E_NO_ANSWER;
    }
};

TEST_F(MailboxTest, BindChecksTheMailbox)
{
    void *ro = Page(PROT_READ);
    EXPECT_EQ(Bind(nullptr), PT_E_FAULT);
    EXPECT_EQ(Bind(ro), PT_E_FAULT);
    EXPECT_EQ(Bind((char *)Page() + 3), PT_E_FAULT);  // misaligned
    EXPECT_EQ(Bind((void *)0xffff800000000000ULL), PT_E_FAULT);
    EXPECT_EQ(Call(), -PT_E_FAULT);  // nothing bound
    pt_control_gate(&ctl_, 0);           // nothing bound: nothing happens

    PtControl other{};
    other.reg = ctl_.reg;
    EXPECT_FALSE(pt_control_set_target(&other, "sparc64"));
    PtMailbox mb{};
    PtReply r = pt_reply_new(0);
    uint64_t bind[6] = {PT_OP_BIND_MAILBOX, U(&r), U(&mb)};
    pt_control_syscall(&other, bind);
    EXPECT_EQ(r.status, PT_E_DISABLED);
}

TEST_F(MailboxTest, ACallIsRunOnce)
{
    uint64_t tok = Sym(Load(), "crc32_HTL");
    PtMailbox *mb = (PtMailbox *)Page();
    uLong crc = 0, ret = 0;
    const Bytef *buf = (const Bytef *)"123456789";
    uInt len = 9;
    void *args[] = {&crc, &buf, &len};

    ASSERT_EQ(Bind(mb), PT_OK);
    Prepare(mb, tok, args, &ret);
    pt_control_gate(&ctl_, 0);
    EXPECT_EQ(mb->status, PT_OK);
    EXPECT_EQ(ret, 0xcbf43926UL);
    // The gate's instruction running again without a new call runs nothing.
    mb->status = PT_E_NO_ANSWER;
    pt_control_gate(&ctl_, 0);
    EXPECT_EQ(mb->status, PT_E_BAD_TOKEN);
    EXPECT_EQ(Call(), 0);
    EXPECT_EQ(pt_registry_calls(ctl_.reg, PT_VIA_GATE), 1u);
    EXPECT_EQ(pt_registry_calls(ctl_.reg, PT_VIA_SYSCALL), 0u);
}

// Two GTLs in one process: each binds its own mailbox under its gate's
// address, and a gate runs only the call in its own.
TEST_F(MailboxTest, EachGtlHasItsOwnMailbox)
{
    uint64_t tok = Sym(Load(), "crc32_HTL");
    // Far apart: drops count in 64 KiB granules.
    char *area = (char *)mmap(nullptr, 256 << 10, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(area, MAP_FAILED);
    PtMailbox *a = (PtMailbox *)area, *b = (PtMailbox *)(area + (192 << 10));
    const uint64_t gate_a = 0x1000, gate_b = 0x2000;
    uLong crc = 0, ra = 0, rb = 0;
    const Bytef *buf = (const Bytef *)"123456789";
    uInt len = 9;
    void *args[] = {&crc, &buf, &len};

    ASSERT_EQ((PtStatus)Op(PT_OP_BIND_MAILBOX, U(a), gate_a).status, PT_OK);
    ASSERT_EQ((PtStatus)Op(PT_OP_BIND_MAILBOX, U(b), gate_b).status, PT_OK);
    Prepare(a, tok, args, &ra);
    Prepare(b, tok, args, &rb);
    pt_control_gate(&ctl_, gate_b);
    EXPECT_EQ(b->status, PT_OK);
    EXPECT_EQ(rb, 0xcbf43926UL);
    EXPECT_EQ(a->status, PT_E_NO_ANSWER);   // A's call is still A's
    EXPECT_EQ(ra, 0u);
    // A gate with no mailbox of its own and none under key 0: nothing runs.
    pt_control_gate(&ctl_, 0x3000);
    EXPECT_EQ(a->status, PT_E_NO_ANSWER);
    // MAILBOX_CALL names its GTL too.
    uint64_t call[6] = {PT_OP_MAILBOX_CALL, gate_a};
    EXPECT_EQ(pt_control_syscall(&ctl_, call), 0);
    EXPECT_EQ(a->status, PT_OK);
    EXPECT_EQ(ra, 0xcbf43926UL);
    // Rebinding a key moves it; dropping one mailbox leaves the other.
    ASSERT_EQ((PtStatus)Op(PT_OP_BIND_MAILBOX, U(b), gate_a).status, PT_OK);
    Prepare(b, tok, args, &rb);
    Syscall(11 /* munmap */, U(a), 4096);
    pt_control_gate(&ctl_, gate_a);
    EXPECT_EQ(b->status, PT_OK);
    // Key 0 serves every gate without a mailbox of its own.
    ASSERT_EQ(Bind(a), PT_OK);
    Prepare(a, tok, args, &ra);
    pt_control_gate(&ctl_, 0x3000);
    EXPECT_EQ(a->status, PT_OK);
    // A thread binds at most PT_THREAD_MAILBOXES keys.
    int refused = 0;
    for (uint64_t k = 1; k <= PT_THREAD_MAILBOXES; k++) {
        refused += Op(PT_OP_BIND_MAILBOX, U(b), 0x10000 * k).status ==
                   PT_E_LIMIT;
    }
    EXPECT_EQ(refused, 3);   // 0, gate_a and gate_b held three of the eight
    pt_control_drop_mailboxes(0, UINT64_MAX);
    munmap(area, 256 << 10);
}

TEST_F(MailboxTest, UnmappedOrProtectedMailboxesAreDroppedFirst)
{
    uint64_t tok = Sym(Load(), "adler32_HTL");
    uLong ret = 0;
    void *args[3] = {};

    // munmap: the plugin hears of it before the guest's syscall runs.
    PtMailbox *mb = (PtMailbox *)Page();
    ASSERT_EQ(Bind(mb), PT_OK);
    Prepare(mb, tok, args, &ret);
    Syscall(11 /* munmap */, U(mb), 4096);
    ASSERT_EQ(munmap(mb, 4096), 0);
    pt_control_gate(&ctl_, 0);           // must not touch it
    EXPECT_EQ(Call(), -PT_E_FAULT);

    // mprotect read-only: dropped; read-write: kept.
    mb = (PtMailbox *)Page();
    ASSERT_EQ(Bind(mb), PT_OK);
    Syscall(10 /* mprotect */, U(mb) & ~4095ULL, 4096, PROT_READ | PROT_WRITE);
    EXPECT_EQ(Call(), 0);
    Syscall(10, U(mb), 4096, PROT_READ);
    ASSERT_EQ(mprotect(mb, 4096, PROT_READ), 0);
    pt_control_gate(&ctl_, 0);
    EXPECT_EQ(Call(), -PT_E_FAULT);

    // mmap over it with MAP_FIXED: dropped; elsewhere: kept.
    mb = (PtMailbox *)Page();
    ASSERT_EQ(Bind(mb), PT_OK);
    // (Ranges count in 64 KiB granules: "elsewhere" is farther than that.)
    Syscall(9 /* mmap */, U(mb) + 0x20000, 4096, 3, MAP_PRIVATE | MAP_FIXED);
    Syscall(9, U(mb), 4096, 3, MAP_PRIVATE);
    EXPECT_EQ(Call(), 0);
    Syscall(9, U(mb) - 4096, 8192, PROT_NONE, MAP_PRIVATE | MAP_FIXED);
    EXPECT_EQ(Call(), -PT_E_FAULT);

    // mremap, brk and shmdt (whose sizes are unknown: all above).
    ASSERT_EQ(Bind(mb), PT_OK);
    Syscall(25 /* mremap */, U(mb), 4096, 8192, 1 /* MAYMOVE */);
    EXPECT_EQ(Call(), -PT_E_FAULT);
    ASSERT_EQ(Bind(mb), PT_OK);
    // brk: growing takes nothing; a shrink below it takes it.
    Syscall(12 /* brk */, U(mb) - 8192);
    Syscall(12, U(mb) + 0x30000);
    EXPECT_EQ(Call(), 0);
    Syscall(12, U(mb) + 0x20000);
    EXPECT_EQ(Call(), 0);
    Syscall(12, U(mb) - 4096);
    EXPECT_EQ(Call(), -PT_E_FAULT);
    ASSERT_EQ(Bind(mb), PT_OK);
    Syscall(67 /* shmdt */, U(mb) - 4096);
    EXPECT_EQ(Call(), -PT_E_FAULT);
    // Bound again: served again.
    ASSERT_EQ(Bind(mb), PT_OK);
    Prepare(mb, tok, args, &ret);
    uLong seed = 1;
    const Bytef *buf = nullptr;
    uInt len = 0;
    void *a3[] = {&seed, &buf, &len};
    mb->args = U(a3);
    pt_control_gate(&ctl_, 0);
    EXPECT_EQ(mb->status, PT_OK);
    EXPECT_EQ(ret, 1u);
}

// A munmap in flight while another thread maps the same addresses (the
// kernel hands them out again at once): the new mapping stays checkable
// after the munmap's return, whichever thread's syscall returns last. The
// syscalls are the plugin's view only: p stays mapped, so nothing else
// can take its addresses meanwhile (ASan's allocator would).
TEST_F(MailboxTest, AMappingMadeWhileAnUnmapIsInFlightStays)
{
    char *p = (char *)Page();

    pt_guest_check_stale();   // the table learns of p from the maps
    ASSERT_TRUE(pt_guest_check(U(p), 4096, PT_HTL_READ | PT_HTL_WRITE));
    Syscall(11 /* munmap */, U(p), 4096);
    EXPECT_FALSE(pt_guest_check(U(p), 4096, PT_HTL_READ));
    std::thread other([&] {
        Syscall(9 /* mmap */, 0, 4096, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS);
        pt_control_memory_syscall_ret(&ctl_, 9, (int64_t)U(p));
    });
    other.join();
    pt_control_memory_syscall_ret(&ctl_, 11, 0);
    EXPECT_TRUE(pt_guest_check(U(p), 4096, PT_HTL_READ | PT_HTL_WRITE));
    munmap(p, 4096);
}

// A reload whose reading of the maps the test holds up, to look at the
// table from another thread meanwhile.
std::atomic<int> g_reader_state;   // 1: reading, 2: may go on

char *HeldMapsReader()
{
    char *text = nullptr;

    g_reader_state = 1;
    while (g_reader_state != 2) {
        std::this_thread::yield();
    }
    g_file_get_contents("/proc/self/maps", &text, nullptr, nullptr);
    return text;
}

TEST_F(MailboxTest, NoAnswerFromATableBeingReplaced)
{
    // q appears behind the table's back (a change it does not follow, as
    // brk): a check on q while another thread is reloading must wait for
    // that reload, not answer from the table it replaces. (pigz under
    // load: its next block, in memory brk had just added, was refused.)
    char *p = (char *)Page();
    pt_guest_check_stale();
    ASSERT_TRUE(pt_guest_check(U(p), 4096, PT_HTL_READ));
    char *q = (char *)Page();
    pt_guest_check_stale();
    pt_guest_check_set_maps_reader(HeldMapsReader);
    g_reader_state = 0;
    std::thread reloading([&] { pt_guest_check(U(p), 4096, PT_HTL_READ); });
    while (g_reader_state != 1) {
        std::this_thread::yield();
    }
    std::atomic<int> answer{-1};
    std::thread checking([&] {
        answer = pt_guest_check(U(q), 4096, PT_HTL_READ | PT_HTL_WRITE);
    });
    // Time for a check that answers from the old table to have done so.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    g_reader_state = 2;
    reloading.join();
    checking.join();
    pt_guest_check_set_maps_reader(nullptr);
    EXPECT_EQ(answer, 1);
    munmap(p, 4096);
    munmap(q, 4096);
}

TEST_F(MailboxTest, RangesCountInWholePages)
{
    // The kernel rounds munmap's and mprotect's length up to whole pages:
    // 16 bytes at the page's start take the mailbox 64 bytes in. (Found by
    // the fuzzer.)
    char *page = (char *)Page();
    PtMailbox *mb = (PtMailbox *)(page + 64);
    ASSERT_EQ(Bind(mb), PT_OK);
    Syscall(10 /* mprotect */, U(page), 16, PROT_READ);
    EXPECT_EQ(Call(), -PT_E_FAULT);
    ASSERT_EQ(Bind(mb), PT_OK);
    Syscall(11 /* munmap */, U(page), 1);
    EXPECT_EQ(Call(), -PT_E_FAULT);
}

TEST_F(MailboxTest, OtherThreadsSyscallsDropThisThreadsMailbox)
{
    PtMailbox *mb = (PtMailbox *)Page();
    ASSERT_EQ(Bind(mb), PT_OK);
    std::thread t([&] { Syscall(11, U(mb), 4096); });
    t.join();
    EXPECT_EQ(Call(), -PT_E_FAULT);
}

TEST_F(MailboxTest, ExitedThreadsGiveTheirSlotBack)
{
    // More threads than slots, one after the other: each binds its own.
    for (int i = 0; i < 5000; i++) {
        PtMailbox mb{};
        PtStatus st = PT_E_NO_ANSWER;
        std::thread t([&] { st = Bind(&mb); });
        t.join();
        ASSERT_EQ(st, PT_OK) << i;
    }
}

}  // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (argc < 4) {
        fprintf(stderr, "usage: %s libz_HTL.so libptfixture_HTL.so "
                "libptfixture_dep.so\n", argv[0]);
        return 2;
    }
    const char *tmp = getenv("TEST_TMPDIR");
    char templ[] = "/tmp/control_test.XXXXXX";
    g_tmp_dir = tmp ? tmp : mkdtemp(templ);
    g_htl_dir = g_tmp_dir + "/htl";
    mkdir(g_htl_dir.c_str(), 0755);
    CopyFile(argv[1], g_htl_dir + "/libz_HTL.so");
    CopyFile(argv[2], g_htl_dir + "/libptfixture_HTL.so");
    CopyFile(argv[3], g_htl_dir + "/libptfixture_dep.so");
    // HTLs are loaded through /proc/self/fd/N, so their $ORIGIN is not
    // htl_dir: the fixture's dependency is found by its SONAME, loaded.
    if (!dlopen((g_htl_dir + "/libptfixture_dep.so").c_str(), RTLD_NOW)) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    return RUN_ALL_TESTS();
}
