// SPDX-License-Identifier: GPL-2.0-or-later
//
// The one argument the HTL unit tests take: the path of libz_HTL.so.
#ifndef PASSTHROUGH_TEST_HTL_ARG_H
#define PASSTHROUGH_TEST_HTL_ARG_H

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

// After googletest has taken its flags: argv[1], or the usage and exit 2.
inline const char *HtlArg(int *argc, char **argv)
{
    ::testing::InitGoogleTest(argc, argv);
    if (*argc < 2) {
        fprintf(stderr, "usage: %s PATH_TO_libz_HTL.so\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

#endif
