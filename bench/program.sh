#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A zlib user's program, not the project's: zlib's own minigzip (Debian's
# zlib source, unmodified, dynamically linked against libz.so.1) compresses
# the benchmark corpus at level 6 through stdin/stdout, then decompresses
# it, per guest, native, emulated and passthrough side by side (best of 3,
# interleaved). Every run must give the same bytes; passthrough runs must
# show gzwrite/gzread on the host in the plugin's stats. Next to each row:
# the same speed-up as //bench:throughput measured it with its own program
# (compress2 / uncompress level 6 on the corpus), if that ran in the same
# results directory. Writes program.tsv and program.md. Figures, not a
# timed test.
# usage: program.sh [--arch=ARCH] [--out=DIR] [--quick] [-E VAR=VALUE]
set -euo pipefail

export RUNFILES_DIR=${RUNFILES_DIR:-$0.runfiles}
# shellcheck source=bench_lib.sh
source "$RUNFILES_DIR/qemu_passthrough/bench/bench_lib.sh"
bench_parse_args "$@"
out=$bench_out
echo "$bench_quick" > "$out/.quick_program"

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/program.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

corpus=$tmp/corpus.bin
bash "$bench_dir/corpus.sh" build "$bench_dir/corpus.sha256" "$corpus" >&2
if [ "$bench_quick" = 1 ]; then
    head -c $((1 << 20)) "$corpus" > "$tmp/c" && mv "$tmp/c" "$corpus"
    rounds=1
else
    rounds=3
fi
bytes=$(stat -c %s "$corpus")

# timed CONFIG ARCH IN OUT ARGS...: minigzip ARGS < IN > OUT in CONFIG;
# prints its time in seconds (the process's CPU time, or the wall clock).
timed() {
    local config=$1 arch=$2 in=$3 outf=$4 t
    shift 4
    local bin=$bench_dir/minigzip_$arch stats=$tmp/stats err=$tmp/err
    local cmd
    case "$config" in
    native)
        cmd=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$bench_dir/minigzip_x86_64")
        ;;
    emulated)
        cmd=("$bench_runner" --arch "$arch" --no-gtl
             -E "LD_LIBRARY_PATH=$bench_dir/guest_zlib_$arch" "$bin")
        ;;
    passthrough)
        rm -f "$stats"
        cmd=("$bench_runner" --arch "$arch" --plugin "$bench_plugin"
             --htl-dir "$bench_htl_dir" --gtl-dir "$bench_dir/gtl_$arch"
             --stats="$stats" "${bench_pt_env[@]}" "$bin")
        ;;
    esac
    TIMEFORMAT='%3R %3U %3S'
    { time "${cmd[@]}" "$@" < "$in" > "$outf" 2> "$err"; } 2> "$tmp/time" ||
        { cat "$err" >&2; bench_die "minigzip $* $config on $arch failed"; }
    if [ "$config" = passthrough ]; then
        local entry=gzwrite_HTL n
        [ "$1" != -d ] || entry=gzread_HTL
        n=$(awk -v e="$entry" '$1 == "call" && $3 == e { print $4 }' "$stats")
        [ "${n:-0}" -gt 0 ] ||
            bench_die "minigzip $* on $arch: no $entry on the host (stats: $stats)"
        echo "$n" > "$tmp/host_calls"
    fi
    if [ "$bench_clock" = wall ]; then
        awk '{ print $1 }' "$tmp/time"
    else
        awk '{ printf "%.3f\n", $2 + $3 }' "$tmp/time"
    fi
}

best() {
    sort -g | head -n 1
}

tsv=$out/program.tsv
printf 'arch\top\tbytes\tconfig\tseconds\thost_calls\n' > "$tsv"
load_start=$(bench_load)
start=$(date +%s)
for arch in "${bench_arches[@]}"; do
    echo "program: $arch" >&2
    for r in $(seq "$rounds"); do
        for config in native emulated passthrough; do
            timed "$config" "$arch" "$corpus" "$tmp/z.$config" -6 >> "$tmp/$arch.compress.$config"
            [ "$config" != passthrough ] || cp "$tmp/host_calls" "$tmp/$arch.compress.calls"
        done
        cmp -s "$tmp/z.native" "$tmp/z.emulated" && cmp -s "$tmp/z.native" "$tmp/z.passthrough" ||
            bench_die "minigzip -6 on $arch: the three configurations wrote different bytes"
        for config in native emulated passthrough; do
            timed "$config" "$arch" "$tmp/z.native" "$tmp/d.$config" -d >> "$tmp/$arch.decompress.$config"
            [ "$config" != passthrough ] || cp "$tmp/host_calls" "$tmp/$arch.decompress.calls"
            cmp -s "$corpus" "$tmp/d.$config" ||
                bench_die "minigzip -d $config on $arch: not the corpus back"
        done
    done
    for op in compress decompress; do
        for config in native emulated passthrough; do
            calls=-
            [ "$config" != passthrough ] || calls=$(cat "$tmp/$arch.$op.calls")
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$arch" "$op" "$bytes" "$config" \
                "$(best < "$tmp/$arch.$op.$config")" "$calls" >> "$tsv"
        done
    done
done
elapsed=$(($(date +%s) - start))

md=$out/program.md
{
    echo "## A zlib user's program: minigzip on the corpus"
    echo
    echo "zlib's own \`minigzip\` from Debian's zlib source, built for each"
    echo "guest against zlib and run unmodified: \`minigzip -6 < corpus >"
    echo "corpus.gz\` (zlib's gz API: gzdopen, gzwrite; 16 KiB per write),"
    echo "then \`minigzip -d\`, on the $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
    echo "corpus. Native: its x86_64 build on the host's zlib. Every run"
    echo "wrote the same bytes; passthrough runs counted gzwrite or gzread on"
    echo "the host (host calls). Best of $rounds, interleaved. **bench emu/pt**:"
    echo "the speed-up //bench:throughput measured for the same work with its"
    echo "own program in this results directory (compress2 / uncompress,"
    echo "level 6, corpus)."
    if [ "$bench_clock" = cpu ]; then
        echo "Times are the CPU time (user + system) of the whole process, QEMU"
        echo "included; \`--clock=wall\` times the wall clock."
    else
        echo "Times are wall-clock time (\`--clock=wall\`)."
    fi
    [ "$bench_quick" = 0 ] || echo "Quick run: 1 MiB of the corpus, once; not a measurement."
    echo
    echo "| guest | program | native s | emulated s | passthrough s | pt/nat | emu/pt | bench emu/pt | host calls |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v table="$out/throughput_table.tsv" '
        BEGIN {
            while ((getline line < table) > 0) {
                split(line, f, "\t")
                if (f[2] == "corpus" && f[5] == 6) { bench[f[1], f[4]] = f[10] }
            }
        }
        NR > 1 { t[$1, $2, $4] = $5; if ($6 != "-") calls[$1, $2] = $6
                 if (!(($1, $2) in seen)) { seen[$1, $2] = 1; order[n++] = $1 SUBSEP $2 } }
        END {
            for (i = 0; i < n; i++) {
                split(order[i], k, SUBSEP)
                a = k[1]; op = k[2]
                nat = t[a, op, "native"]; emu = t[a, op, "emulated"]; pt = t[a, op, "passthrough"]
                b = bench[a, op == "compress" ? "compress2" : "uncompress"]
                printf "| %s | minigzip %s | %.2f | %.2f | %.2f | %.3f | %.2f | %s | %d |\n",
                    a, op == "compress" ? "-6" : "-d", nat, emu, pt,
                    pt / nat, emu / pt, b != "" ? sprintf("%.2f", b) : "-", calls[a, op]
            }
        }' "$tsv"
    echo
    echo "Measured in ${elapsed} s; load average $load_start at the start," \
        "$(bench_load) at the end, on $(nproc) CPUs."
} > "$md"

sed -n '/^| guest/,/^$/p' "$md"
echo "results: $md, $tsv"
bash "$bench_dir/report.sh" "$out" >/dev/null
