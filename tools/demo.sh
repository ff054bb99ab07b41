#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job: installs what is needed (Debian packages), builds, and runs
# the demo on a guest with and without passthrough, printing the speed-up.
# usage: tools/demo.sh [--stock-only] [ARCH...|all]    (default: aarch64)
#        tools/demo.sh --bench [OPTIONS]  the whole benchmark set instead
#                                         (//bench; results/report.md)
# The arguments are checked before anything is installed or built.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
usage: tools/demo.sh [--stock-only] [--arch=ARCH[,ARCH...]] [ARCH...]
       tools/demo.sh --bench [BENCHMARK OPTIONS]   (--bench --help: those)
Installs what is needed (tools/setup.sh, as root or through sudo), builds,
and runs the demo natively, emulated and with passthrough
(//demo:compare), or with --bench the whole benchmark set (//bench).
  ARCH, --arch=ARCH      guests: x86_64, aarch64, riscv64, all (default
                         aarch64)
  --stock-only           Debian's qemu-user only, not the filter QEMU
  -h, --help             this text
USAGE
}

# The checks of the benchmark runners' options and guest names.
# shellcheck source=../bench/bench_args.sh
source bench/bench_args.sh
bench=0
if [ "${1:-}" = --bench ]; then
    bench=1
    bench_name="tools/demo.sh --bench"
    bench_parse_options "${@:2}"
else
    bench_name=demo
    bench_usage_fn=usage
    bench_arches=()
    args=("$@")
    while [ $# -gt 0 ]; do
        case "$1" in
        --stock-only) shift ;;
        --arch=*) bench_add_arches "${1#*=}"; shift ;;
        --arch) [ $# -ge 2 ] || bench_usage_error "--arch needs a value"
                bench_add_arches "$2"; shift 2 ;;
        --bench) bench_usage_error "--bench must be the first argument" ;;
        -h|--help) usage; exit 0 ;;
        -*) bench_usage_error "unknown option '$1'" ;;
        *) bench_add_arches "$1"; shift ;;
        esac
    done
    set -- "${args[@]}"
fi

if [ "$(id -u)" = 0 ]; then
    bash tools/setup.sh
else
    sudo bash tools/setup.sh
fi
if [ $bench = 1 ]; then
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
