// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's key=value argument parsing.
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string>
#include <vector>

extern "C" {
#include "options.h"
}

namespace {

struct Parsed {
    bool ok;
    PtOptions opts;
    std::string error;
};

Parsed Parse(std::vector<std::string> args)
{
    std::vector<char *> argv;
    for (auto &a : args) {
        argv.push_back(&a[0]);
    }
    Parsed p{};
    char *error = nullptr;
    p.ok = pt_options_parse(&p.opts, argv.size(), argv.data(), &error);
    if (error) {
        p.error = error;
        free(error);
    }
    return p;
}

TEST(Options, HtlDirIsRequired)
{
    Parsed p = Parse({});
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("htl_dir=PATH is required"), std::string::npos);
}

TEST(Options, HtlDirMustExistAndBeADirectory)
{
    Parsed p = Parse({"htl_dir=/nonexistent/dir"});
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("/nonexistent/dir"), std::string::npos);
    p = Parse({"htl_dir=/etc/hostname"});
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("not a directory"), std::string::npos);
}

TEST(Options, HtlDirMustBeReadable)
{
    char dir[] = "/tmp/options_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    ASSERT_EQ(chmod(dir, 0), 0);
    // Root reads any directory: as root, ask as nobody, in a child.
    bool as_root = geteuid() == 0;
    pid_t pid = as_root ? fork() : 0;
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (as_root && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(77);  // a user namespace without nobody in it
        }
        Parsed p = Parse({std::string("htl_dir=") + dir});
        bool refused = !p.ok &&
                       p.error.find("Permission denied") != std::string::npos;
        if (as_root) {
            _exit(refused ? 0 : 1);
        }
        EXPECT_TRUE(refused) << p.error;
    } else {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
            rmdir(dir);
            GTEST_SKIP() << "cannot become nobody here";
        }
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "as nobody, an unreadable htl_dir was accepted (status "
            << status << ")";
    }
    rmdir(dir);
}

TEST(Options, Defaults)
{
    Parsed p = Parse({"htl_dir=/tmp"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_STREQ(p.opts.htl_dir, "/tmp");
    EXPECT_FALSE(p.opts.verbose);
    EXPECT_EQ(p.opts.stats, PT_STATS_OFF);
    pt_options_clear(&p.opts);
}

TEST(Options, VerboseAndStats)
{
    Parsed p = Parse({"htl_dir=/tmp", "verbose=on", "stats=on"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_TRUE(p.opts.verbose);
    EXPECT_EQ(p.opts.stats, PT_STATS_STDERR);
    pt_options_clear(&p.opts);

    p = Parse({"htl_dir=/tmp", "verbose=off", "stats=/tmp/s.txt"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_FALSE(p.opts.verbose);
    EXPECT_EQ(p.opts.stats, PT_STATS_FILE);
    EXPECT_STREQ(p.opts.stats_path, "/tmp/s.txt");
    pt_options_clear(&p.opts);

    p = Parse({"htl_dir=/tmp", "stats=off"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.opts.stats, PT_STATS_OFF);
    pt_options_clear(&p.opts);
}

TEST(Options, ControlPath)
{
    Parsed p = Parse({"htl_dir=/tmp"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.opts.control, PT_CONTROL_DEFAULT);
    pt_options_clear(&p.opts);

    p = Parse({"htl_dir=/tmp", "control=filter"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.opts.control, PT_CONTROL_FILTER);
    pt_options_clear(&p.opts);

    p = Parse({"htl_dir=/tmp", "control=syscall-entry"});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.opts.control, PT_CONTROL_ENTRY);
    pt_options_clear(&p.opts);

    p = Parse({"htl_dir=/tmp", "control=magic"});
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("control=magic"), std::string::npos) << p.error;
}

TEST(Options, RejectsMalformedArguments)
{
    EXPECT_FALSE(Parse({"htl_dir=/tmp", "verbose=maybe"}).ok);
    EXPECT_FALSE(Parse({"htl_dir=/tmp", "stats="}).ok);
    EXPECT_FALSE(Parse({"htl_dir=/tmp", "colour=blue"}).ok);
    Parsed p = Parse({"htl_dir=/tmp", "verbose"});
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("not key=value"), std::string::npos);
}

}  // namespace
