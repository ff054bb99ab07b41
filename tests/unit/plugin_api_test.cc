// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's QEMU-facing side (plugin.c), one build per plugin API level
// (PT_QEMU_API): this file stands in for QEMU. It implements the few
// qemu_plugin_* functions the plugin calls, installs the plugin, and calls
// the callbacks it registered with the arguments that QEMU of that level
// passes: the 11.1 form has no plugin id, a userdata last and an int64_t
// result slot; the 11.0 form has the id first and a uint64_t slot; 7.2 has
// no filter at all. The test process is its own "guest" (guest_base 0).
#include <gtest/gtest.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "htl_arg.h"

extern "C" {
#include "passthrough_protocol.h"
#include "qemu_plugin_api.h"

extern int qemu_plugin_version;
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                        int argc, char **argv);
}

std::string g_htl_dir;  // set by main from argv

// What QEMU keeps of a translation block: instructions and their callbacks.
struct qemu_plugin_insn {
    uint64_t vaddr;
    qemu_plugin_vcpu_udata_cb_t cb;
    enum qemu_plugin_cb_flags flags;
    void *userdata;
};

struct qemu_plugin_tb {
    std::vector<qemu_plugin_insn> insns;
};

namespace {

const qemu_plugin_id_t kId = 0x51;

// What the plugin registered.
struct Registered {
    qemu_plugin_udata_cb_t atexit_cb = nullptr;
    void *atexit_userdata = nullptr;
    qemu_plugin_vcpu_tb_trans_cb_t tb_trans = nullptr;
    void *tb_trans_userdata = nullptr;
#if PT_HAVE_SYSCALL_FILTER
    qemu_plugin_vcpu_syscall_filter_cb_t filter = nullptr;
    void *filter_userdata = nullptr;
#endif
    qemu_plugin_vcpu_syscall_cb_t syscall = nullptr;
    void *syscall_userdata = nullptr;
    qemu_plugin_vcpu_syscall_ret_cb_t syscall_ret = nullptr;
    void *syscall_ret_userdata = nullptr;
    int ids_wrong = 0;  // registrations with an id the plugin was not given
} reg;

void CheckId(qemu_plugin_id_t id)
{
    if (id != kId) {
        reg.ids_wrong++;
    }
}

}  // namespace

// The QEMU side of the API, as far as the plugin uses it.
extern "C" {

// Each registration keeps its callback (and, from QEMU 11.1 on, its
// userdata) in reg.FIELD.
#if PT_QEMU_API == PT_QEMU_API_11_1
#define FAKE_REGISTER(what, field)                                         \
    void qemu_plugin_register_vcpu_##what##_cb(                            \
        qemu_plugin_id_t id, qemu_plugin_vcpu_##what##_cb_t cb,            \
        void *userdata)                                                    \
    {                                                                      \
        CheckId(id);                                                       \
        reg.field = cb;                                                    \
        reg.field##_userdata = userdata;                                   \
    }
#else
#define FAKE_REGISTER(what, field)                                         \
    void qemu_plugin_register_vcpu_##what##_cb(                            \
        qemu_plugin_id_t id, qemu_plugin_vcpu_##what##_cb_t cb)            \
    {                                                                      \
        CheckId(id);                                                       \
        reg.field = cb;                                                    \
    }
#endif
FAKE_REGISTER(tb_trans, tb_trans)
FAKE_REGISTER(syscall, syscall)
FAKE_REGISTER(syscall_ret, syscall_ret)
#if PT_HAVE_SYSCALL_FILTER
FAKE_REGISTER(syscall_filter, filter)
#endif

void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
                                    qemu_plugin_udata_cb_t cb, void *userdata)
{
    CheckId(id);
    reg.atexit_cb = cb;
    reg.atexit_userdata = userdata;
}

void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags,
                                            void *userdata)
{
    insn->cb = cb;
    insn->flags = flags;
    insn->userdata = userdata;
}

size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb)
{
    return tb->insns.size();
}

struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
                                                 size_t idx)
{
    return const_cast<qemu_plugin_insn *>(&tb->insns.at(idx));
}

uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn)
{
    return insn->vaddr;
}

void qemu_plugin_outs(const char *string)
{
    fputs(string, stderr);
}

}  // extern "C"

namespace {

uint64_t U(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

// A magic syscall as QEMU of this level delivers it. Returns whether the
// plugin claimed it; *value is what the guest would get back.
bool Syscall(int64_t num, uint64_t a1, uint64_t a2 = 0, uint64_t a3 = 0,
             uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0,
             int64_t *value = nullptr)
{
    int64_t v = -ENOSYS;
    bool claimed = false;
#if PT_QEMU_API == PT_QEMU_API_11_1
    int64_t ret = 0x5eed;
    claimed = reg.filter(3, num, a1, a2, a3, a4, a5, a6, 0, 0, &ret,
                         reg.filter_userdata);
    if (claimed) {
        v = ret;
    }
#elif PT_QEMU_API == PT_QEMU_API_11_0
    uint64_t ret = 0x5eed;
    claimed = reg.filter(kId, 3, num, a1, a2, a3, a4, a5, a6, 0, 0, &ret);
    if (claimed) {
        v = (int64_t)ret;
    }
#else
    // Syscall-entry: QEMU runs the syscall afterwards (and answers ENOSYS).
    reg.syscall(kId, 3, num, a1, a2, a3, a4, a5, a6, 0, 0);
#endif
    if (value) {
        *value = v;
    }
    return claimed;
}

// An op with a reply block (works at every level); *value gets the
// syscall's value.
PtReply Op(uint64_t op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0,
           int64_t *value = nullptr)
{
    PtReply r = pt_reply_new(0);
    if (op < PT_OP_HELLO) {
        op |= PT_OP_REPLY;
    }
    Syscall(PT_SYSCALL_NR, op, U(&r), a, b, c, 0, value);
    return r;
}

std::string StatsPath()
{
    const char *dir = getenv("TEST_TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/plugin_api_test_stats.txt";
}

class PluginApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        static std::string htl = "htl_dir=" + g_htl_dir;
        static std::string stats = "stats=" + StatsPath();
        static char *argv[] = { &htl[0], &stats[0] };
        qemu_info_t info{};
        info.target_name = "aarch64";
        info.version.min = 1;
        info.version.cur = PT_QEMU_PLUGIN_API_VERSION;
        info.system_emulation = false;
        ASSERT_EQ(qemu_plugin_install(kId, &info, 2, argv), 0);
    }
};

TEST_F(PluginApiTest, DeclaresTheApiVersionOfItsLevel)
{
#if PT_QEMU_API == PT_QEMU_API_11_1
    EXPECT_EQ(qemu_plugin_version, 7);
#elif PT_QEMU_API == PT_QEMU_API_11_0
    EXPECT_EQ(qemu_plugin_version, 6);
#else
    EXPECT_EQ(qemu_plugin_version, 1);
#endif
}

TEST_F(PluginApiTest, RegistersTheCallbacksOfItsLevel)
{
    EXPECT_EQ(reg.ids_wrong, 0);
    // Blocks are watched for gates only once one is registered (the gate
    // test, later in this file): translation before costs nothing more.
    EXPECT_EQ(reg.tb_trans, nullptr);
    EXPECT_NE(reg.atexit_cb, nullptr);
    // Memory syscalls' results keep the pointer checks current.
    EXPECT_NE(reg.syscall_ret, nullptr);
#if PT_HAVE_SYSCALL_FILTER
    // The filter by default, and then not the syscall-entry callback too.
    EXPECT_NE(reg.filter, nullptr);
    EXPECT_EQ(reg.syscall, nullptr);
#else
    EXPECT_NE(reg.syscall, nullptr);
#endif
}

TEST_F(PluginApiTest, OtherSyscallsGoThrough)
{
    int64_t value = 0;
    EXPECT_FALSE(Syscall(64 /* write */, 1, 0, 0, 0, 0, 0, &value));
    EXPECT_EQ(value, -ENOSYS);  // untouched: QEMU runs the real syscall
}

TEST_F(PluginApiTest, HelloIsAnsweredInTheReplyBlockAndTheValue)
{
    PtReply r = pt_reply_new(0xabc);
    int64_t value = 0;
    bool claimed = Syscall(PT_SYSCALL_NR, PT_OP_HELLO, U(&r),
                           PT_PROTOCOL_VERSION, 0xabc, 0, 0, &value);
    EXPECT_EQ(r.status, PT_OK);
#if PT_HAVE_SYSCALL_FILTER
    // Claimed: the guest sees the op's result, not -ENOSYS.
    EXPECT_TRUE(claimed);
    EXPECT_EQ(value, PT_FEATURE_FILTER);
    EXPECT_EQ(r.value, PT_FEATURE_FILTER);
#else
    EXPECT_FALSE(claimed);
    EXPECT_EQ(value, -ENOSYS);
    EXPECT_EQ(r.value, 0);
#endif
}

#if PT_HAVE_SYSCALL_FILTER
// The upstream proposal's ops: no reply block, the value is the answer.
TEST_F(PluginApiTest, UpstreamOpsAnswerThroughTheSyscallValue)
{
    int64_t handle = 0, entry = 0, value = -1;
    ASSERT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_LOAD_HTL, U("libz.so"), 0, 0, 0,
                        0, &handle));
    EXPECT_EQ((uint64_t)handle & PT_TAG_MASK, PT_HANDLE_TAG);
    ASSERT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_DLSYM, (uint64_t)handle,
                        U("compressBound_HTL"), 0, 0, 0, &entry));
    EXPECT_EQ((uint64_t)entry & PT_TAG_MASK, PT_TOKEN_TAG);

    uLong n = 100000, bound = 0;
    void *args[] = { &n };
    ASSERT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_INVOKE, (uint64_t)entry,
                        U(args), U(&bound), 0, 0, &value));
    EXPECT_EQ(value, 0);
    EXPECT_EQ(bound, compressBound(n));

    // Errors come back as -status, never as -ENOSYS or an abort.
    EXPECT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_INVOKE, (uint64_t)entry + 999,
                        U(args), U(&bound), 0, 0, &value));
    EXPECT_EQ(value, -PT_E_BAD_TOKEN);
    EXPECT_TRUE(Syscall(PT_SYSCALL_NR, 77, 0, 0, 0, 0, 0, &value));
    EXPECT_EQ(value, -PT_E_BAD_OP);
    EXPECT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_CLOSE_HTL, (uint64_t)handle, 0,
                        0, 0, 0, &value));
    EXPECT_EQ(value, 0);
    EXPECT_TRUE(Syscall(PT_SYSCALL_NR, PT_OP_CLOSE_HTL, (uint64_t)handle, 0,
                        0, 0, 0, &value));
    EXPECT_EQ(value, -PT_E_BAD_HANDLE);
}
#endif

// The gate: registered by the guest, instrumented at translation time, its
// callback runs the thread's mailbox call.
TEST_F(PluginApiTest, GateIsInstrumentedAndServed)
{
    static const unsigned char code[16] = { 0x90 };
    PtMailbox mb{};
    int64_t value = -1;

    EXPECT_EQ(Op(PT_OP_REGISTER_GATE, U(&code[4]), 0, 0, &value).status,
              PT_OK);
#if PT_HAVE_SYSCALL_FILTER
    EXPECT_EQ(value, 0);
#endif
    EXPECT_EQ(Op(PT_OP_BIND_MAILBOX, U(&mb)).status, PT_OK);
    ASSERT_NE(reg.tb_trans, nullptr);

    qemu_plugin_tb tb;
    for (int i = 0; i < 4; i++) {
        tb.insns.push_back({ U(&code[i * 4]), nullptr, QEMU_PLUGIN_CB_RW_REGS,
                             nullptr });
    }
#if PT_QEMU_API == PT_QEMU_API_11_1
    reg.tb_trans(&tb, reg.tb_trans_userdata);
#else
    reg.tb_trans(kId, &tb);
#endif
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(tb.insns[i].cb != nullptr, i == 1) << "insn " << i;
    }
    ASSERT_NE(tb.insns[1].cb, nullptr);
    EXPECT_EQ(tb.insns[1].flags, QEMU_PLUGIN_CB_NO_REGS);

    PtReply r = Op(PT_OP_LOAD_HTL, U("libz.so"));
    ASSERT_EQ(r.status, PT_OK);
    PtReply e = Op(PT_OP_DLSYM, (uint64_t)r.value, U("crc32_HTL"));
    ASSERT_EQ(e.status, PT_OK);

    uLong crc = 0, ret = 0;
    const Bytef *buf = (const Bytef *)"123456789";
    uInt len = 9;
    void *args[] = { &crc, &buf, &len };
    mb.token = (uint64_t)e.value;
    mb.args = U(args);
    mb.ret = U(&ret);
    mb.status = PT_E_NO_ANSWER;
    tb.insns[1].cb(3, tb.insns[1].userdata);  // the gate insn executes
    EXPECT_EQ(mb.status, PT_OK);
    EXPECT_EQ(ret, 0xcbf43926UL);
}

// Runs last (gtest keeps the order of definition within a file).
TEST_F(PluginApiTest, StatsAtExitNameTheControlPath)
{
#if PT_QEMU_API == PT_QEMU_API_11_1
    reg.atexit_cb(reg.atexit_userdata);
#else
    reg.atexit_cb(kId, reg.atexit_userdata);
#endif
    std::ifstream in(StatsPath());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
#if PT_HAVE_SYSCALL_FILTER
    EXPECT_NE(s.find("\ncontrol_path filter\n"), std::string::npos) << s;
#else
    EXPECT_NE(s.find("\ncontrol_path syscall-entry\n"), std::string::npos) << s;
#endif
    EXPECT_NE(s.find("\nplugin_api " +
                     std::to_string(PT_QEMU_PLUGIN_API_VERSION) + "\n"),
              std::string::npos) << s;
    EXPECT_NE(s.find("\ngate_calls 1\n"), std::string::npos) << s;
}

}  // namespace

int main(int argc, char **argv)
{
    const char *htl = HtlArg(&argc, argv);
    /* The plugin loads only regular files in htl_dir, and runfiles are
     * symbolic links: use the directory the HTL really is in. */
    char *real = realpath(htl, nullptr);
    if (!real) {
        fprintf(stderr, "%s: %s: cannot resolve\n", argv[0], htl);
        return 2;
    }
    g_htl_dir = real;
    free(real);
    g_htl_dir.erase(g_htl_dir.rfind('/'));
    return RUN_ALL_TESTS();
}
