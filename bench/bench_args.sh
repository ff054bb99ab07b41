#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The benchmark runners' command line: options, guest names, usage, and
# the one-line error (exit status 2) for anything else. Shared by
# bench_lib.sh (throughput.sh, crossover.sh, program.sh, bench.sh),
# call_overhead.sh and tools/demo.sh, which checks what it will hand on
# before it installs or builds anything. Sourced, not run; needs nothing
# but bash.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "bench_args.sh: a library, sourced by the benchmark runners; not a command" >&2
    exit 2
fi

BENCH_GUESTS=(x86_64 aarch64 riscv64)

# The command's name in messages; a runner may set it before parsing.
bench_name=${bench_name:-$(basename "$0" .sh)}

bench_usage() {
    cat <<USAGE
usage: $bench_name [OPTIONS] [ARCH...]
Options (all benchmark runners):
  --arch=ARCH[,ARCH...]  guests: x86_64, aarch64, riscv64, all (default all;
                         repeatable; bare ARCH arguments mean the same)
  --out=DIR              results directory (default: results/ in the
                         checkout under bazel run, else ./results)
  --quick                every row once on small data: checks the pipeline,
                         not the machine (CI)
  --clock=cpu|wall       time the calling thread's CPU time (default: other
                         work on a shared machine does not count) or the
                         wall clock
  -E VAR=VALUE           extra guest environment for the passthrough runs
                         (repeatable), e.g. PASSTHROUGH_TRANSPORT=syscall
  -h, --help             this text
USAGE
}

# bench_usage_error MESSAGE: the one-line error, the usage, exit status 2.
# A runner with options of its own sets bench_usage_fn to its usage.
bench_usage_error() {
    echo "$bench_name: $*" >&2
    "${bench_usage_fn:-bench_usage}" >&2
    exit 2
}

# bench_add_arches LIST: append the guests of a comma-separated LIST
# (x86_64, aarch64, riscv64, all) to bench_arches, each once, in order.
bench_add_arches() {
    local item a seen list names
    IFS=, read -ra list <<<"$1"
    [ ${#list[@]} -gt 0 ] ||
        bench_usage_error "--arch needs a guest name (x86_64, aarch64, riscv64, all)"
    for item in "${list[@]}"; do
        case "$item" in
        all) names=("${BENCH_GUESTS[@]}") ;;
        x86_64|aarch64|riscv64) names=("$item") ;;
        *) bench_usage_error "unknown guest '$item' (x86_64, aarch64, riscv64, all)" ;;
        esac
        for a in "${names[@]}"; do
            for seen in "${bench_arches[@]}"; do
                [ "$seen" != "$a" ] || continue 2
            done
            bench_arches+=("$a")
        done
    done
}

# bench_parse_options ARGS...: sets bench_arches (array; all guests if none
# named), bench_out (as given, maybe empty), bench_quick, bench_clock,
# bench_pt_env (array). Checks only: touches nothing.
bench_parse_options() {
    bench_arches=()
    bench_quick=0
    bench_clock=cpu
    bench_out=
    bench_pt_env=()
    while [ $# -gt 0 ]; do
        case "$1" in
        --arch=*) bench_add_arches "${1#*=}"; shift ;;
        --arch) [ $# -ge 2 ] || bench_usage_error "--arch needs a value"
                bench_add_arches "$2"; shift 2 ;;
        --out=*) bench_out=${1#*=}
                 [ -n "$bench_out" ] || bench_usage_error "--out needs a directory"
                 shift ;;
        --out) [ $# -ge 2 ] && [ -n "$2" ] || bench_usage_error "--out needs a directory"
               bench_out=$2; shift 2 ;;
        --quick) bench_quick=1; shift ;;
        --clock=cpu|--clock=wall) bench_clock=${1#*=}; shift ;;
        --clock=*) bench_usage_error "unknown clock '${1#*=}' (cpu or wall)" ;;
        -E) [ $# -ge 2 ] && [[ $2 == ?*=* ]] ||
                bench_usage_error "-E needs VAR=VALUE${2:+, not '$2'}"
            bench_pt_env+=(-E "$2"); shift 2 ;;
        -h|--help) "${bench_usage_fn:-bench_usage}"; exit 0 ;;
        # Bare guest names, as call_overhead and demo/compare take them.
        -*) bench_usage_error "unknown option '$1'" ;;
        *) bench_add_arches "$1"; shift ;;
        esac
    done
    [ ${#bench_arches[@]} -gt 0 ] || bench_add_arches all
}
