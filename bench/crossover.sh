#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crossover sweep runner: per guest, side by side in one run, the time of
# one crc32, adler32, compress2 (level 6) and inflate call for buffers of
# 16 bytes to 16 MiB (powers of 4), native, emulated and passthrough
# (bench_lib.sh), and the size from which passthrough beats emulation.
# Writes crossover.tsv (every point), crossover_sizes.tsv (per guest and
# function: where passthrough starts to win, for the GTL's dispatch
# thresholds), crossover.md, PNG charts and report.md into the results
# directory. Figures, not a timed test.
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
    for config in native emulated passthrough; do
        echo "crossover: $arch $config" >&2
        # A GTL that keeps small calls in the guest (adaptive dispatch)
        # still passes; the share of calls on the host is reported.
        bench_run "$config" "$arch" crossover "$tmp/$arch.$config" some -- "${args[@]}"
        awk -v a="$arch" -v c="$config" -v OFS='\t' '$1 == "point" {
            print a, $2, $3, c, $4, $5, $6 }' "$tmp/$arch.$config" >> "$tsv"
    done
    share=$(awk '{ printf "%s%s %.0f%%", sep, $1, 100 * $2 / $3; sep = ", " }' \
        "$tmp/$arch.passthrough.share")
    shares+=("$arch: $share")
done
elapsed=$(($(date +%s) - start))

# Per guest and function, from the ratio r = passthrough/emulated time at
# each size (sizes ascending):
#   win_from_bytes    smallest size from which passthrough is faster at
#                     every measured size ("none": not even at the largest)
#   last_loss_bytes   largest size at which it is not faster (0: none)
#   break_even_bytes  where r crosses 1 between those two, interpolated on
#                     log(size) and log(r) (0: wins everywhere; "none")
#   pt_over_emu_min_size, pt_over_emu_max_size   r at both ends
#   t3_fail_sizes     sizes where passthrough is over 5% slower (target T3)
sizes_tsv=$out/crossover_sizes.tsv
awk -F'\t' -v OFS='\t' '
NR == 1 { next }
{
    k = $1 OFS $2
    if (!(k in seen)) { seen[k] = 1; order[n++] = k }
    if ($4 == "emulated") emu[k, $3] = $5
    if ($4 == "passthrough") pt[k, $3] = $5
    if (!((k, $3) in has)) { has[k, $3] = 1; sz[k, cnt[k]++] = $3 }
}
END {
    print "arch", "function", "win_from_bytes", "last_loss_bytes",
          "break_even_bytes", "pt_over_emu_min_size", "pt_over_emu_max_size",
          "t3_fail_sizes"
    for (i = 0; i < n; i++) {
        k = order[i]
        m = cnt[k]
        win = "none"; loss = 0; fails = ""
        for (j = 0; j < m; j++) {
            s = sz[k, j]
            r[j] = pt[k, s] / emu[k, s]
            if (r[j] > 1.05) fails = fails (fails == "" ? "" : ",") s
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
              sprintf("%.3f", r[m - 1]), fails == "" ? "-" : fails
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
    echo "Time of one call, emulated (guest zlib under qemu-user) against"
    echo "passthrough, by buffer size: crc32, adler32, compress2 at level 6,"
    echo "and inflate (one z_stream per size; each call is inflateReset +"
    echo "one inflate(Z_FINISH) over the level-6 stream of that size: two"
    echo "host calls under passthrough). Each point is the best of up to 3"
    echo "runs of at least 20 ms (quick runs: one short run). Data: the demo"
    echo "payload's first bytes."
    echo
    echo "**Wins from**: the smallest measured size from which passthrough is"
    echo "faster at every larger measured size; **break-even**: where the"
    echo "time ratio crosses 1, interpolated (log-log) between the two sizes"
    echo "around it. **T3** (issue 7): at no size is passthrough more than 5%"
    echo "slower than emulation; it lists the sizes where it is. Machine-"
    echo "readable: \`crossover_sizes.tsv\` (every point: \`crossover.tsv\`)."
    echo
    echo "| guest | function | passthrough wins from | break-even | pt/emu at smallest | pt/emu at largest | T3: sizes > 5% slower |"
    echo "|---|---|---:|---:|---:|---:|---|"
    while IFS=$'\t' read -r a f win loss be rmin rmax fails; do
        [ "$a" != arch ] || continue
        be_h=$be
        case "$be" in
        none) ;;
        0) be_h="below $(human 16)" ;;
        *) be_h="~$(human "$be")" ;;
        esac
        fails_h="none (holds)"
        if [ "$fails" != - ]; then
            fails_h=$(tr ',' '\n' <<<"$fails" | while read -r s; do human "$s"; done |
                paste -sd, - | sed 's/,/, /g')
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$a" "$f" \
            "$(human "$win")" "$be_h" "$rmin" "$rmax" "$fails_h"
    done < "$sizes_tsv"
    echo
    echo "Calls the passthrough runs made on the host (plugin stats), of all"
    echo "calls the program made:"
    echo
    for sh in "${shares[@]}"; do
        echo "- $sh"
    done
    echo
    echo "Time per call (ns), emulated / passthrough, and their ratio:"
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
        NR > 1 && $1 == a {
            if (!($2 in fseen)) { fseen[$2] = 1; fo[nf++] = $2 }
            if (!($3 in sseen)) { sseen[$3] = 1; so[ns++] = $3 }
            v[$2, $3, $4] = $5
        }
        END {
            printf "| function |"
            for (j = 0; j < ns; j++) printf " %s |", human(so[j])
            printf "\n|---|"
            for (j = 0; j < ns; j++) printf "---:|"
            printf "\n"
            for (i = 0; i < nf; i++) {
                f = fo[i]
                printf "| %s emulated |", f
                for (j = 0; j < ns; j++) printf " %.0f |", v[f, so[j], "emulated"]
                printf "\n| %s passthrough |", f
                for (j = 0; j < ns; j++) printf " %.0f |", v[f, so[j], "passthrough"]
                printf "\n| %s pt/emu |", f
                for (j = 0; j < ns; j++) {
                    r = v[f, so[j], "passthrough"] / v[f, so[j], "emulated"]
                    printf (r > 1.05 ? " **%.2f** |" : " %.2f |"), r
                }
                printf "\n"
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

# Chart data: per guest and function, "BYTES NATIVE EMULATED PASSTHROUGH"
# in ns per call.
for arch in "${bench_arches[@]}"; do
    for f in $funcs; do
        awk -F'\t' -v a="$arch" -v f="$f" '
        NR > 1 && $1 == a && $2 == f {
            if (!($3 in seen)) { seen[$3] = 1; so[n++] = $3 }
            v[$3, $4] = $5
        }
        END {
            for (j = 0; j < n; j++)
                print so[j], v[so[j], "native"], v[so[j], "emulated"], v[so[j], "passthrough"]
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
