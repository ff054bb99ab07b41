#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job: installs what is needed (Debian packages), builds, and runs
# the demo on a guest with and without passthrough, printing the speed-up.
# usage: tools/demo.sh [ARCH...|all]    (default: aarch64)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
    bash tools/setup.sh
else
    sudo bash tools/setup.sh
fi
exec bazel run //demo:compare -- "$@"
