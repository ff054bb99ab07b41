#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What passthrough costs a process at start-up, per guest, side by side in
# one run: Debian's pigz -V (links zlib, does no work) and xz -V (links
# liblzma), started by qemu-ARCH directly (the runner's own shell start is
# not QEMU's) as
#   emulated     plain qemu-user on the guest's Debian libraries
#   plugin       the plugin loaded with the HTLs, no GTL: a foreign process
#                that does not use a passed-through library
#   passthrough  the plugin and the GTLs: a GTL connects on its library's
#                first call (pigz -V makes two, zlibVersion and
#                get_crc_table; xz -V none), so the rows show both kinds
#                of process
# Rounds interleave the configurations; each row is the median over the
# rounds of the process's CPU time (user + system), or the wall clock
# with --clock=wall. Writes startup.tsv and startup.md. Figures, not a
# timed test.
# usage: startup.sh [--arch=ARCH] [--out=DIR] [--quick] [--clock=cpu|wall]
set -euo pipefail

export RUNFILES_DIR=${RUNFILES_DIR:-$0.runfiles}
# shellcheck source=bench_lib.sh
source "$RUNFILES_DIR/qemu_passthrough/bench/bench_lib.sh"
bench_parse_args "$@"
out=$bench_out
echo "$bench_quick" > "$out/.quick_startup"
# A sample is the mean of `per` runs: the shell's clock counts whole
# milliseconds, a few percent of a start.
rounds=31 per=5
[ "$bench_quick" = 0 ] || { rounds=3; per=1; }

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/no_htl"
debian=$RUNFILES_DIR/debian_programs

# command_of ARCH CONFIG PROG [STATS]: sets cmd to the qemu command line,
# as the runner builds it (the plugin's stats to STATS, if given).
command_of() {
    local arch=$1 config=$2 prog=$3 stats=${4:-} root libs line args=()
    local i
    root=$debian/$(debian_arch "$arch")
    libs=$root/usr/lib/$arch-linux-gnu:$root/lib/$arch-linux-gnu
    [ ! -e "$root/usr/lib/$arch-linux-gnu/libc.so.6" ] || args+=(-L "$root")
    case "$config" in
    emulated) args+=(--no-gtl -E "LD_LIBRARY_PATH=$libs") ;;
    # The runner's passthrough command (a sanitized plugin's runtimes
    # included), the GTLs' folder left out of the guest's search path.
    plugin) args+=(--plugin "$bench_plugin" --htl-dir "$bench_htl_dir"
                   --gtl-dir "$bench_dir/gtl_$arch"
                   -E "LD_LIBRARY_PATH=$libs") ;;
    passthrough) args+=(--plugin "$bench_plugin" --htl-dir "$bench_htl_dir"
                        --gtl-dir "$bench_dir/gtl_$arch"
                        -E "LD_LIBRARY_PATH=$bench_dir/gtl_$arch:$libs") ;;
    esac
    line=$("$bench_runner" --dry-run --arch "$arch" "${args[@]}" -- \
           "$root/usr/bin/$prog" -V)
    eval "cmd=($line)"
    for i in "${!cmd[@]}"; do
        if [ -n "$stats" ] && [ "${cmd[$i]}" = -plugin ]; then
            cmd[$((i + 1))]+=,stats=$stats
        fi
    done
}

# timed CMD...: its CPU time (or wall clock) in milliseconds, the mean of
# per runs.
timed() {
    local i ok=1
    TIMEFORMAT='%3R %3U %3S'
    { time for ((i = 0; i < per; i++)); do
          "$@" > /dev/null 2>&1 || { ok=0; break; }
      done; } 2> "$tmp/time"
    [ $ok = 1 ] || bench_die "failed: $*"
    if [ "$bench_clock" = wall ]; then
        awk -v n="$per" '{ printf "%.2f\n", $1 * 1000 / n }' "$tmp/time"
    else
        awk -v n="$per" '{ printf "%.2f\n", ($2 + $3) * 1000 / n }' "$tmp/time"
    fi
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

configs=(emulated plugin passthrough)
tsv=$out/startup.tsv
printf 'arch\tprogram\tconfig\tms\n' > "$tsv"
load_start=$(bench_load)
start=$(date +%s)
for arch in "${bench_arches[@]}"; do
    echo "startup: $arch" >&2
    for prog in pigz xz; do
        # The plugin must have loaded; with the GTLs, the guest's loader
        # must have run a GTL's initialisers, and the GTL connected if
        # and only if a call went to the host (the row's host calls).
        for config in plugin passthrough; do
            rm -f "$tmp/stats"
            command_of "$arch" "$config" "$prog" "$tmp/stats"
            QEMU_SET_ENV=LD_DEBUG=libs "${cmd[@]}" > /dev/null 2> "$tmp/ld" ||
                bench_die "$prog -V ($config) on $arch failed"
            [ -s "$tmp/stats" ] || bench_die "$prog -V ($config) on $arch: no plugin stats"
            n=$(awk '$1 == "control_ops" { print $2 }' "$tmp/stats")
            calls=$(awk '$1 == "host_calls" { print $2 }' "$tmp/stats")
            gtl_init=$(grep -c "calling init: .*/gtl_$arch/lib" "$tmp/ld" || true)
            if [ "$config" = passthrough ]; then
                [ "$gtl_init" -gt 0 ] ||
                    bench_die "$prog -V on $arch: no GTL was loaded"
                if [ "${calls:-0}" -gt 0 ] && [ "${n:-0}" = 0 ]; then
                    bench_die "$prog -V on $arch: host calls without a connection?"
                elif [ "${calls:-0}" = 0 ] && [ "${n:-0}" != 0 ]; then
                    bench_die "$prog -V on $arch: $n control ops, no call: the GTL connected at load"
                fi
                printf '%s\t%s\t%s\n' "$arch" "$prog" "${calls:-0}" >> "$tmp/calls"
            else
                [ "$gtl_init" = 0 ] || bench_die "$prog -V ($config) on $arch: a GTL was loaded"
                [ "${n:-0}" = 0 ] || bench_die "$prog -V ($config) on $arch: $n control ops without a GTL?"
            fi
        done
        for config in "${configs[@]}"; do
            command_of "$arch" "$config" "$prog"
            printf '%q ' "${cmd[@]}" > "$tmp/$config.cmd"
        done
        for r in $(seq "$rounds"); do
            for config in "${configs[@]}"; do
                eval "cmd=($(cat "$tmp/$config.cmd"))"
                timed "${cmd[@]}" >> "$tmp/$arch.$prog.$config"
            done
        done
        for config in "${configs[@]}"; do
            printf '%s\t%s\t%s\t%s\n' "$arch" "$prog" "$config" \
                "$(median < "$tmp/$arch.$prog.$config")" >> "$tsv"
        done
    done
done
elapsed=$(($(date +%s) - start))

md=$out/startup.md
{
    echo "## Start-up: a process that loads a passed-through library"
    echo
    echo "Debian's \`pigz -V\` (links zlib) and \`xz -V\` (links liblzma),"
    echo "riscv64's from Debian 13, started by \`qemu-ARCH\` directly:"
    echo "**emulated** on the guest's own libraries; **plugin**, the plugin"
    echo "and the HTLs loaded, no GTL (a foreign process that uses no"
    echo "passed-through library, as under binfmt_misc); **passthrough**, the"
    echo "plugin and the GTLs, which connect on their library's first call:"
    echo "\`pigz -V\` calls zlib (host calls > 0, it connects), \`xz -V\` does"
    echo "not (the GTL is loaded, and idle). The median of"
    echo "$rounds interleaved rounds (each the mean of $per runs), in ms of $([ "$bench_clock" = wall ] && echo "wall-clock time" || echo "CPU time (user + system)")."
    [ "$bench_quick" = 0 ] || echo "Quick run: $rounds rounds; not a measurement."
    echo
    echo "| guest | program | host calls | emulated ms | plugin ms | passthrough ms | plugin/emu | pt/emu |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'FILENAME != ARGV[1] { c[$1, $2] = $3; next }
        FNR > 1 { t[$1, $2, $3] = $4
                         if (!(($1, $2) in seen)) { seen[$1, $2] = 1; order[n++] = $1 SUBSEP $2 } }
        END {
            for (i = 0; i < n; i++) {
                split(order[i], k, SUBSEP)
                e = t[k[1], k[2], "emulated"]; p = t[k[1], k[2], "plugin"]
                q = t[k[1], k[2], "passthrough"]
                printf "| %s | %s -V | %d | %.2f | %.2f | %.2f | %.3f | %.3f |\n",
                    k[1], k[2], c[k[1], k[2]], e, p, q, p / e, q / e
            }
        }' "$tsv" "$tmp/calls"
    echo
    echo "Measured in ${elapsed} s; load average $load_start at the start," \
        "$(bench_load) at the end, on $(nproc) CPUs."
} > "$md"

sed -n '/^| guest/,/^$/p' "$md"
echo "results: $md, $tsv"
