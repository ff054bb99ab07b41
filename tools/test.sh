#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole test suite: installs what is needed (Debian packages), then runs
# every unit and integration test. Extra arguments go to `bazel test`.
# usage: tools/test.sh [BAZEL_TEST_ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
    bash tools/setup.sh
else
    sudo bash tools/setup.sh
fi
exec bazel test "$@" //...
