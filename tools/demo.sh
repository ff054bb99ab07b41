#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job: installs what is needed (Debian packages), builds, and runs
# the demo on a guest with and without passthrough, printing the speed-up.
# usage: tools/demo.sh [ARCH...|all]    (default: aarch64)
#        tools/demo.sh --bench [OPTIONS]  the whole benchmark set instead
#                                         (//bench; results/report.md)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
    bash tools/setup.sh
else
    sudo bash tools/setup.sh
fi
if [ "${1:-}" = --bench ]; then
    shift
    # Ends with the report's headline.
    exec bazel run //bench -- "$@"
fi
bazel run //demo:compare -- "$@"

# The benchmark report's headline, when there is one.
echo
if [ -f results/report.md ]; then
    echo "Benchmark (results/report.md, $(date -r results/report.md '+%F %R')):"
    head -n 1 results/report.md | sed 's/\*\*//g'
else
    echo "Throughput and crossover figures, with charts: tools/demo.sh --bench"
fi
