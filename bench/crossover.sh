#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crossover sweep runner: per guest, side by side in one run, the time of
# one crc32, adler32, compress2 (level 6) and inflate call for buffers of
# 16 bytes to 16 MiB (powers of 4), in four configurations (bench_lib.sh):
# native, emulated, host (passthrough with every call on the host) and
# passthrough (the GTL's default, adaptive dispatch). From emulated vs host:
# the size from which a host call wins, per guest and function, for the
# GTL's dispatch thresholds; from emulated vs passthrough: whether the
# default GTL is ever slower than emulation (target T3).
# Writes crossover.tsv (every point), crossover_sizes.tsv, crossover.md,
# PNG charts and report.md into the results directory. Figures, not a
# timed test.
# usage: crossover.sh [--arch=ARCH] [--out=DIR] [--quick] [-E VAR=VALUE]
set -euo pipefail

export RUNFILES_DIR=${RUNFILES_DIR:-$0.runfiles}
# shellcheck source=bench_lib.sh
source "$RUNFILES_DIR/qemu_passthrough/bench/bench_lib.sh"
bench_parse_args "$@"
out=$bench_out
echo "$bench_quick" > "$out/.quick_crossover"
quick_note=
[ "$bench_quick" = 0 ] || quick_note=" (quick run: not a measurement)"

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/crossover.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ "$bench_quick" = 1 ]; then
    # One short run per point, up to 64 KiB: the pipeline, not the machine.
    args=(-m $((64 << 10)) -t 1 -r 1 -b 0)
else
    # Runs of at least 20 ms, best of 3, at most ~1.5 s per point.
    args=(-m $((16 << 20)) -t 20 -r 3 -b 1500)
fi
funcs="crc32 adler32 compress2 inflate"

tsv=$out/crossover.tsv
printf 'arch\tfunction\tbytes\tconfig\tns_per_call\titerations\truns\n' > "$tsv"
load_start=$(bench_load)
start=$(date +%s)
shares=()
for arch in "${bench_arches[@]}"; do
    echo "crossover: $arch" >&2
    for f in $funcs; do
        # One function in every configuration back to back, so that a
        # change in the machine's load between them skews the ratios least.
        for config in native emulated host passthrough; do
            run=$tmp/$arch.$f.$config
            # host: every call must have run on the host. passthrough: the
            # GTL may keep small calls in the guest; the share is reported.
            check=all
            [ "$config" != passthrough ] || check=some
            bench_run "$config" "$arch" crossover "$run" "$check" -- "${args[@]}" -F "$f"
            awk -v a="$arch" -v c="$config" -v OFS='\t' '$1 == "point" {
                print a, $2, $3, c, $4, $5, $6 }' "$run" >> "$tsv"
        done
    done
    # Calls on the host per function, over the passthrough runs.
    share=$(cat "$tmp/$arch".*.passthrough.share | awk '
        !($1 in h) { order[n++] = $1 }
        { h[$1] += $2; g[$1] += $3 }
        END { for (i = 0; i < n; i++) printf "%s%s %.1f%%", i ? ", " : "",
                  order[i], 100 * h[order[i]] / g[order[i]] }')
    shares+=("$arch: $share")
done
elapsed=$(($(date +%s) - start))

# Per guest and function, from r = host/emulated time at each size (sizes
# ascending):
#   win_from_bytes    smallest size from which a host call is faster at
#                     every measured size ("none": not even at the largest)
#   last_loss_bytes   largest size at which it is not faster (0: none)
#   break_even_bytes  where r crosses 1 between those two, interpolated on
#                     log(size) and log(r) (0: wins everywhere; "none")
#   host_over_emu_min_size, host_over_emu_max_size   r at both ends
# and from a = passthrough (default dispatch)/emulated time:
#   worst_pt_over_emu, worst_pt_bytes   the largest a, and its size
#   t3_fail_sizes     sizes where a > 1.05 (target T3; "-": none)
sizes_tsv=$out/crossover_sizes.tsv
awk -F'\t' -v OFS='\t' '
NR == 1 { next }
{
    k = $1 OFS $2
    if (!(k in seen)) { seen[k] = 1; order[n++] = k }
    v[k, $3, $4] = $5
    if (!((k, $3) in has)) { has[k, $3] = 1; sz[k, cnt[k]++] = $3 }
}
END {
    print "arch", "function", "win_from_bytes", "last_loss_bytes",
          "break_even_bytes", "host_over_emu_min_size",
          "host_over_emu_max_size", "worst_pt_over_emu", "worst_pt_bytes",
          "t3_fail_sizes"
    for (i = 0; i < n; i++) {
        k = order[i]
        m = cnt[k]
        win = "none"; loss = 0; fails = ""; worst = 0; worst_s = 0
        for (j = 0; j < m; j++) {
            s = sz[k, j]
            r[j] = v[k, s, "host"] / v[k, s, "emulated"]
            a = v[k, s, "passthrough"] / v[k, s, "emulated"]
            if (a > worst) { worst = a; worst_s = s }
            if (a > 1.05) fails = fails (fails == "" ? "" : ",") s
        }
        c = m
        while (c > 0 && r[c - 1] < 1) c--
        if (c < m) win = sz[k, c]
        if (c > 0) loss = sz[k, c - 1]
        if (c == m) be = "none"
        else if (c == 0) be = 0
        else {
            x1 = log(sz[k, c - 1]); y1 = log(r[c - 1])
            x2 = log(sz[k, c]); y2 = log(r[c])
            be = sprintf("%d", exp(x1 + (0 - y1) * (x2 - x1) / (y2 - y1)))
        }
        print k, win, loss, be, sprintf("%.3f", r[0]),
              sprintf("%.3f", r[m - 1]), sprintf("%.3f", worst), worst_s,
              fails == "" ? "-" : fails
    }
}' "$tsv" > "$sizes_tsv"

human() {
    awk -v b="$1" 'BEGIN {
        if (b == "none" || b == "-") { print b; exit }
        if (b >= 1048576) printf "%.3g MiB\n", b / 1048576
        else if (b >= 1024) printf "%.3g KiB\n", b / 1024
        else printf "%d B\n", b }'
}

md=$out/crossover.md
{
    echo "## Crossover: from which size passthrough wins$quick_note"
    echo
    echo "Time of one call by buffer size: crc32, adler32, compress2 at level"
    echo "6, and inflate (one z_stream per size; each call is inflateReset +"
    echo "one inflate(Z_FINISH) over the level-6 stream of that size: two host"
    echo "calls). **emulated**: the guest's zlib under qemu-user; **host**:"
    echo "passthrough with every call on the host (PASSTHROUGH_DISPATCH=host),"
    echo "the raw cost of a host call; **passthrough**: the GTL as it ships"
    echo "(its default dispatch may keep small calls in the guest). Each point"
    echo "is the best of up to 3 runs of at least 20 ms, at most ~1.5 s per"
    echo "point (quick runs: one short run). Data: the demo payload's first"
    echo "bytes."
    echo
    echo "**Host wins from**: the smallest measured size from which a host"
    echo "call is faster than emulation at every larger measured size;"
    echo "**break-even**: where host/emulated time crosses 1, interpolated"
    echo "(log-log) between the sizes around it: the dispatch threshold."
    echo "**T3** (issue 7): at no size is passthrough (default dispatch) more"
    echo "than 5% slower than emulation. Machine-readable:"
    echo "\`crossover_sizes.tsv\` (every point: \`crossover.tsv\`)."
    bench_clock_note
    echo
    echo "| guest | function | host wins from | break-even | host/emu at smallest | host/emu at largest | passthrough/emu, worst (size) | T3: sizes > 5% slower |"
    echo "|---|---|---:|---:|---:|---:|---:|---|"
    while IFS=$'\t' read -r a f win _ be rmin rmax worst worst_s fails; do
        [ "$a" != arch ] || continue
        be_h=$be
        case "$be" in
        none) ;;
        0) be_h="below $(human 16)" ;;
        *) be_h="~$(human "$be")" ;;
        esac
        fails_h="none: holds"
        if [ "$fails" != - ]; then
            fails_h="**$(tr ',' '\n' <<<"$fails" | while read -r s; do human "$s"; done |
                paste -sd, - | sed 's/,/, /g')**"
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s (%s) | %s |\n' "$a" "$f" \
            "$(human "$win")" "$be_h" "$rmin" "$rmax" "$worst" \
            "$(human "$worst_s")" "$fails_h"
    done < "$sizes_tsv"
    echo
    echo "Calls the passthrough runs (default dispatch) made on the host, of"
    echo "all calls the program made (plugin stats):"
    echo
    for sh in "${shares[@]}"; do
        echo "- $sh"
    done
    echo
    echo "Time per call (ns) and ratios of time; **bold**: more than 5% slower"
    echo "than emulated."
    for arch in "${bench_arches[@]}"; do
        echo
        echo "**$arch guest**"
        echo
        awk -F'\t' -v a="$arch" '
        function human(b) {
            if (b >= 1048576) return sprintf("%g MiB", b / 1048576)
            if (b >= 1024) return sprintf("%g KiB", b / 1024)
            return sprintf("%d B", b)
        }
        function row(label, f, c) {
            printf "| %s %s |", f, label
            for (j = 0; j < ns; j++) printf " %.0f |", v[f, so[j], c]
            printf "\n"
        }
        function ratio(label, f, c) {
            printf "| %s %s |", f, label
            for (j = 0; j < ns; j++) {
                r = v[f, so[j], c] / v[f, so[j], "emulated"]
                printf (r > 1.05 ? " **%.2f** |" : " %.2f |"), r
            }
            printf "\n"
        }
        NR > 1 && $1 == a {
            if (!($2 in fseen)) { fseen[$2] = 1; fo[nf++] = $2 }
            if (!($3 in sseen)) { sseen[$3] = 1; so[ns++] = $3 }
            v[$2, $3, $4] = $5
        }
        END {
            printf "| |"
            for (j = 0; j < ns; j++) printf " %s |", human(so[j])
            printf "\n|---|"
            for (j = 0; j < ns; j++) printf "---:|"
            printf "\n"
            for (i = 0; i < nf; i++) {
                f = fo[i]
                row("emulated", f, "emulated")
                row("host", f, "host")
                row("passthrough", f, "passthrough")
                ratio("host/emu", f, "host")
                ratio("passthrough/emu", f, "passthrough")
            }
        }' "$tsv"
    done
    echo
    for arch in "${bench_arches[@]}"; do
        echo "![crossover, $arch guest](crossover_$arch.png)"
        echo
    done
    echo "![speed-up of passthrough over emulation by size](crossover_speedup.png)"
    echo
    echo "Measured in ${elapsed} s; load average $load_start at the start," \
        "$(bench_load) at the end, on $(nproc) CPUs."
} > "$md"

# Chart data: per guest and function, "BYTES NATIVE EMULATED HOST
# PASSTHROUGH" in ns per call.
for arch in "${bench_arches[@]}"; do
    for f in $funcs; do
        awk -F'\t' -v a="$arch" -v f="$f" '
        NR > 1 && $1 == a && $2 == f {
            if (!($3 in seen)) { seen[$3] = 1; so[n++] = $3 }
            v[$3, $4] = $5
        }
        END {
            for (j = 0; j < n; j++)
                print so[j], v[so[j], "native"], v[so[j], "emulated"],
                      v[so[j], "host"], v[so[j], "passthrough"]
        }' "$tsv" > "$out/data/crossover_${arch}_$f.dat"
    done
    gnuplot -e "arch='$arch'; datadir='$out/data'; outfile='$out/crossover_$arch.png'" \
        "$bench_dir/crossover.gp"
done
gnuplot -e "arches='${bench_arches[*]}'; datadir='$out/data'; outfile='$out/crossover_speedup.png'" \
    "$bench_dir/crossover_speedup.gp"

sed -n '/^| guest/,/^$/p' "$md"
echo "results: $md, $sizes_tsv, $tsv"
bash "$bench_dir/report.sh" "$out"
