// SPDX-License-Identifier: GPL-2.0-or-later
//
// The HTL unit tests' fixture: the HTL at g_htl_path loaded and bound as
// the plugin binds it, its entries looked up by name. This process is the
// "guest": its memory passes the pointer checks.
#ifndef PASSTHROUGH_TEST_HTL_LOADED_H
#define PASSTHROUGH_TEST_HTL_LOADED_H

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <functional>
#include <string>

extern "C" {
#include "guest_check.h"
#include "passthrough_pause.h"
}

extern std::string g_htl_path;

typedef void (*Entry)(void **args, void *ret);

// The GTL's side of a call that returned paused: answer does what each
// pause asks (false: a request it does not serve, a test failure), and
// the call is resumed through resume until done. False if a resume was
// refused or a request went unserved.
inline bool ServePauses(Entry resume, PtPause *pause,
                        const std::function<bool(PtPause *)> &answer)
{
    PtPause *pp = pause;
    void *args[] = { &pp };
    int rs;

    while (pause->cookie) {
        if (!answer(pause)) {
            ADD_FAILURE() << "pause for " << pause->what;
            return false;
        }
        rs = -99;
        resume(args, &rs);
        if (rs != 0) {
            return false;
        }
    }
    return true;
}

class HtlLoaded : public ::testing::Test {
protected:
    void SetUp() override
    {
        dl_ = dlopen(g_htl_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(dl_, nullptr) << dlerror();
        // What the plugin does right after loading an HTL.
        auto bind = (PtHtlBindFn)dlsym(dl_, PT_HTL_BIND_SYMBOL);
        ASSERT_NE(bind, nullptr);
        ASSERT_EQ(bind(pt_guest_check_api()), 0);
    }
    void TearDown() override
    {
        if (dl_) {
            dlclose(dl_);
        }
    }
    // No syscall callbacks here: every entry call first has the checks
    // read the process's mappings again, as a guest mmap would make them.
    Entry Get(const char *name)
    {
        Entry e = (Entry)dlsym(dl_, name);
        EXPECT_NE(e, nullptr) << name;
        pt_guest_check_stale();
        return e;
    }
    void *dl_ = nullptr;
};

#endif
