# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the benchmark runners (throughput.sh, crossover.sh, program.sh,
# deb.sh, bench.sh): options (bench_args.sh), the three configurations,
# and the checks that each configuration really runs what its name says.
# Sourced, not run.
#
# Configurations, as in demo/compare.sh:
#   native       the x86_64 build of the guest program, run on the host with
#                Debian's zlib (LD_LIBRARY_PATH=/lib/x86_64-linux-gnu)
#   emulated     the guest build under qemu-<arch>, on the guest's own real
#                zlib (//deps:libz.so.1), no GTL, no plugin
#   passthrough  the guest build under qemu-<arch> with the GTL in place of
#                libz.so.1 and the plugin: zlib runs on the host, as the GTL
#                dispatches by default (small checksums may stay in the
#                guest: adaptive dispatch)
#   host         the same with PASSTHROUGH_DISPATCH=host: every call on the
#                host, the raw cost of passthrough (crossover sweep)

bench_runfiles=${RUNFILES_DIR:-$0.runfiles}/qemu_passthrough
bench_dir=$bench_runfiles/bench
bench_runner=$bench_runfiles/tools/qemu-passthrough
bench_plugin=$bench_runfiles/plugin/libpassthrough.so
# The plugin loads HTLs only as regular files directly in htl_dir (runfiles
# are symbolic links): the directory the genrule really wrote them to.
bench_htl_dir=$(dirname "$(readlink -f "$bench_dir/htl/libz_HTL.so")")

# debian_arch ARCH: the Debian architecture of a guest (its tree in
# @debian_programs).
debian_arch() {
    case "$1" in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    riscv64) echo riscv64 ;;
    esac
}

bench_die() {
    echo "bench: $*" >&2
    exit 1
}

# shellcheck source=bench_args.sh
source "$bench_dir/bench_args.sh"

# Sets bench_arches (array), bench_out (absolute, made), bench_quick,
# bench_clock, bench_pt_env (array); rejects anything else (bench_args.sh).
bench_parse_args() {
    bench_parse_options "$@"
    if [ -z "$bench_out" ]; then
        bench_out=${BUILD_WORKSPACE_DIRECTORY:-$PWD}/results
    fi
    case "$bench_out" in
    /*) ;;
    # bazel run starts in the runfiles tree: relative means the caller's.
    *) bench_out=${BUILD_WORKING_DIRECTORY:-$PWD}/$bench_out ;;
    esac
    mkdir -p "$bench_out/data"
}

# The file providing compress2 in a run ("lib PATH" line), resolved.
bench_lib_of() {
    local lib
    lib=$(awk '$1 == "lib" { print $2; exit }' "$1")
    [ -n "$lib" ] && [ "$lib" != "?" ] || return 1
    readlink -f "$lib"
}

bench_field() {
    awk -v k="$1" '$1 == k { print $2; exit }' "$2"
}

# bench_run CONFIG ARCH PROGRAM OUT CHECK -- ARGS...
# Runs PROGRAM (throughput or crossover) for ARCH in CONFIG, its stdout to
# OUT, and fails unless the run was what CONFIG says: the libz.so.1 that
# served compress2, no plugin for native and emulated, and for passthrough
# host calls in the plugin's stats for each function the program says it
# called ("calls NAME N"): CHECK "all" wants all N on the host, "some"
# (where a GTL may keep small calls in the guest) at least one; the shares
# go to OUT.share as "NAME HOST_CALLS GUEST_CALLS".
bench_run() {
    local config=$1 arch=$2 prog=$3 out=$4 check=$5
    shift 6
    set -- "$@" -k "$bench_clock"
    local bin=$bench_dir/${prog}_$arch err=$out.err stats=$out.stats
    local want lib calls name n m
    rm -f "$stats"
    case "$config" in
    native)
        bin=$bench_dir/${prog}_x86_64
        env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$bin" "$@" >"$out" 2>"$err" ||
            { cat "$err" >&2; bench_die "$prog native failed"; }
        want=$(readlink -f /lib/x86_64-linux-gnu/libz.so.1)
        ;;
    emulated)
        "$bench_runner" --arch "$arch" --no-gtl \
            -E "LD_LIBRARY_PATH=$bench_dir/guest_zlib_$arch" \
            "$bin" "$@" >"$out" 2>"$err" ||
            { cat "$err" >&2; bench_die "$prog emulated on $arch failed"; }
        want=$(readlink -f "$bench_dir/guest_zlib_$arch/libz.so.1")
        ;;
    passthrough|host)
        local dispatch=()
        [ "$config" = passthrough ] || dispatch=(-E PASSTHROUGH_DISPATCH=host)
        "$bench_runner" --arch "$arch" --plugin "$bench_plugin" \
            --htl-dir "$bench_htl_dir" --gtl-dir "$bench_dir/gtl_$arch" \
            --stats="$stats" "${dispatch[@]}" "${bench_pt_env[@]}" \
            "$bin" "$@" >"$out" 2>"$err" ||
            { cat "$err" >&2; bench_die "$prog $config on $arch failed"; }
        want=$(readlink -f "$bench_dir/gtl_$arch/libz.so.1")
        ;;
    *) bench_die "unknown configuration $config" ;;
    esac
    grep -qx done "$out" || bench_die "$prog $config $arch: no 'done' line"
    [ "$(bench_field clock "$out")" = "$bench_clock" ] ||
        bench_die "$prog $config $arch: not timed with the $bench_clock clock"
    lib=$(bench_lib_of "$out") || bench_die "$prog $config $arch: no 'lib' line"
    [ "$lib" = "$want" ] ||
        bench_die "$prog $config $arch: compress2 came from $lib, not $want"
    calls=$(bench_field host_calls "$out")
    if [ "$config" = passthrough ] || [ "$config" = host ]; then
        [ -s "$stats" ] || bench_die "$prog $config $arch: the plugin wrote no stats"
        n=$(bench_field host_calls "$stats")
        [ "${n:-0}" -gt 0 ] ||
            bench_die "$prog $config $arch: the plugin counted no host calls"
        : > "$out.share"
        while read -r _ name n; do
            m=$(awk -v e="${name}_HTL" '$1 == "call" && $3 == e { print $4 }' "$stats")
            m=${m:-0}
            echo "$name $m $n" >> "$out.share"
            if [ "$check" = all ] && [ "$m" != "$n" ]; then
                bench_die "$prog $config $arch: $name: $n calls, $m on the host (stats: $stats)"
            fi
            [ "$m" -gt 0 ] && [ "$m" -le "$n" ] ||
                bench_die "$prog $config $arch: $name: $n calls, $m on the host (stats: $stats)"
        done < <(grep '^calls ' "$out")
        [ -s "$out.share" ] || bench_die "$prog $config $arch: no 'calls' lines"
        [ "$calls" -ge 0 ] ||
            bench_die "$prog $config $arch: the guest saw no plugin"
    else
        # No plugin answered: nothing this process did can have run on the
        # host through passthrough.
        [ "$calls" = -1 ] ||
            bench_die "$prog $config $arch: a plugin answered ($calls host calls)"
    fi
}

# What the times are, for the reports.
bench_clock_note() {
    if [ "$bench_clock" = cpu ]; then
        echo "Times are the CPU time (user + system) of the thread making the"
        echo "calls (under qemu-user: the host thread running it, host calls"
        echo "included), so that other work on a shared machine does not count;"
        echo "\`--clock=wall\` times the wall clock."
    else
        echo "Times are wall-clock time (\`--clock=wall\`): other work on the"
        echo "machine counts."
    fi
}

# lib_dir ROOT ARCH SONAME: where Debian keeps a library, /lib (12) or
# /usr/lib (13, merged /usr); bin_of ROOT PROG: a program, /bin or /usr/bin.
lib_dir() {
    local d=$1/lib/$2-linux-gnu
    [ -e "$d/$3" ] || d=$1/usr/lib/$2-linux-gnu
    echo "$d"
}
bin_of() {
    local f=$1/bin/$2
    [ -e "$f" ] || f=$1/usr/bin/$2
    echo "$f"
}

# direct RUNNER-ARGS...: sets cmd to the runner's qemu command line, run
# without the runner: native runs start their program directly, and so do
# emulated and passthrough ones (qemu-ARCH), so no row pays a shell's start
# (program.sh, deb.sh).
direct() {
    local line
    line=$("$bench_runner" --dry-run "$@") || bench_die "runner --dry-run $* failed"
    eval "cmd=($line)"
}

# Load average now, for the report: figures from a busy machine say so.
bench_load() {
    cut -d' ' -f1-3 /proc/loadavg
}
