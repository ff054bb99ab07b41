#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Zlib users' programs, not the project's, per guest, native, emulated and
# passthrough side by side (best of 3, interleaved):
#   minigzip     zlib's own (Debian's zlib source, unmodified, dynamically
#                linked against libz.so.1) compresses the benchmark corpus
#                at level 6 through stdin/stdout, then decompresses it;
#   optipng -o2  Debian's, through Debian's libpng, which gives zlib its
#                own allocator: a 1024x1024 image made of corpus bytes
#                (riscv64's from Debian 13, on its C library);
#   xz           Debian's, on liblzma: -6 -T1 and -6 -T2 of the corpus,
#                then -d -T1 of the -6 output. Native: Debian's amd64 xz
#                on the host's liblzma; emulated: the guest's xz on
#                Debian's liblzma for that guest (riscv64's from 13).
#   bzip2        Debian's, on libbz2: -9 of the corpus, then -d of that;
#                native and emulated as for xz.
#   zstd         from Debian's libzstd source (Debian's own links libzstd
#                statically: //deps:zstd), on libzstd: -3, -3 -T2 and -d
#                of that, on 64 MiB (the corpus twice, cut). Native:
#                Debian's amd64 zstd (1.5.4, as the host's libzstd).
#                Emulated: on Debian's libzstd for the guest; riscv64's is
#                13's 1.5.7, whose frames are not 1.5.4's: its outputs are
#                checked by decoding them back instead.
# Every run must give the same bytes; passthrough runs must show their
# calls (gzwrite/gzread, deflate, lzma_code, the multi-threaded encoder,
# BZ2_bzCompress/BZ2_bzDecompress, ZSTD_compressStream2 /
# ZSTD_decompressStream) on the host in the plugin's stats. Next
# to minigzip's rows: the same speed-up as //bench:throughput measured it
# with its own program (compress2 / uncompress level 6 on the corpus), if
# that ran in the same results directory. Writes program.tsv and
# program.md. Figures, not a timed test.
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
# zstd's input: 64 MiB, the corpus twice, cut (1 MiB in a quick run).
zinput=$tmp/zinput.bin
cat "$corpus" "$corpus" > "$zinput"
truncate -s $(( bench_quick ? 1 << 20 : 64 << 20 )) "$zinput"
zbytes=$(stat -c %s "$zinput")

# Debian's optipng and libpng, as tools/setup.sh unpacked them; an image of
# corpus bytes for it.
debian=$RUNFILES_DIR/debian_programs
side=1024
[ "$bench_quick" = 0 ] || side=256
{ printf 'P6\n%d %d\n255\n' "$side" "$side"; head -c $((side * side * 3)) "$corpus"; } \
    > "$tmp/image.ppm"
image_bytes=$(stat -c %s "$tmp/image.ppm")

# timed PROG CONFIG ARCH IN OUT ARGS...: PROG (minigzip, optipng or xz)
# ARGS < IN > OUT in CONFIG; prints its time in seconds (the process's CPU
# time, or the wall clock).
timed() {
    local prog=$1 config=$2 arch=$3 in=$4 outf=$5
    shift 5
    local stats=$tmp/stats err=$tmp/err cmd=() bin= libs= sysroot=()
    local root=$debian/$(debian_arch "$arch") host_root=$debian/amd64
    # riscv64's programs come from Debian 13 with their C library.
    [ "$prog" = minigzip ] || [ ! -e "$root/usr/lib/$arch-linux-gnu/libc.so.6" ] ||
        sysroot=(-L "$root")
    case "$prog.$config" in
    minigzip.native)
        cmd=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$bench_dir/minigzip_x86_64")
        ;;
    minigzip.emulated)
        direct --arch "$arch" --no-gtl \
            -E "LD_LIBRARY_PATH=$bench_dir/guest_zlib_$arch" \
            "$bench_dir/minigzip_$arch"
        ;;
    minigzip.passthrough)
        bin=$bench_dir/minigzip_$arch
        ;;
    optipng.native)
        cmd=(env "LD_LIBRARY_PATH=$host_root/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu"
             "$host_root/usr/bin/optipng")
        ;;
    optipng.emulated)
        direct --arch "$arch" "${sysroot[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$bench_dir/guest_zlib_$arch:$root/usr/lib/$arch-linux-gnu" \
            "$root/usr/bin/optipng"
        ;;
    optipng.passthrough)
        bin=$root/usr/bin/optipng
        libs=$root/usr/lib/$arch-linux-gnu
        ;;
    xz.native)
        cmd=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$host_root/usr/bin/xz")
        ;;
    xz.emulated)
        direct --arch "$arch" "${sysroot[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$(lib_dir "$root" "$arch" liblzma.so.5):$root/usr/lib/$arch-linux-gnu" \
            "$root/usr/bin/xz"
        ;;
    xz.passthrough)
        # The GTLs' folder first: its liblzma.so.5 before Debian's.
        bin=$root/usr/bin/xz
        libs=$root/usr/lib/$arch-linux-gnu
        ;;
    bzip2.native)
        cmd=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$(bin_of "$host_root" bzip2)")
        ;;
    bzip2.emulated)
        direct --arch "$arch" "${sysroot[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$(lib_dir "$root" "$arch" libbz2.so.1.0)" \
            "$(bin_of "$root" bzip2)"
        ;;
    bzip2.passthrough)
        bin=$(bin_of "$root" bzip2)
        libs=$(lib_dir "$root" "$arch" libbz2.so.1.0)
        ;;
    zstd.native)
        cmd=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$host_root/usr/bin/zstd")
        ;;
    zstd.emulated)
        direct --arch "$arch" "${sysroot[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$(lib_dir "$root" "$arch" libzstd.so.1)" \
            "$bench_dir/zstd_$arch"
        ;;
    zstd.passthrough)
        bin=$bench_dir/zstd_$arch
        libs=$(lib_dir "$root" "$arch" libzstd.so.1)
        ;;
    esac
    if [ "$config" = passthrough ]; then
        rm -f "$stats"
        local args=(--arch "$arch" "${sysroot[@]}"
                    --plugin "$bench_plugin" --htl-dir "$bench_htl_dir"
                    --gtl-dir "$bench_dir/gtl_$arch" --stats="$stats")
        [ -z "$libs" ] ||
            args+=(-E "LD_LIBRARY_PATH=$bench_dir/gtl_$arch:$libs")
        direct "${args[@]}" "${bench_pt_env[@]}" "$bin"
    fi
    TIMEFORMAT='%3R %3U %3S'
    { time "${cmd[@]}" "$@" < "$in" > "$outf" 2> "$err"; } 2> "$tmp/time" ||
        { cat "$err" >&2; bench_die "$prog $* $config on $arch failed"; }
    if [ "$config" = passthrough ]; then
        local entries=(gzwrite_HTL) entry n
        [ "$1" != -d ] || entries=(gzread_HTL)
        [ "$prog" != optipng ] || entries=(deflate_HTL)
        [ "$prog" != xz ] || entries=(lzma_code_HTL)
        [ "$prog ${2:-}" != "xz -T2" ] || entries+=(lzma_stream_encoder_mt_HTL)
        [ "$prog" != bzip2 ] || entries=(BZ2_bzCompress_HTL)
        [ "$prog $1" != "bzip2 -d" ] || entries=(BZ2_bzDecompress_HTL)
        [ "$prog" != zstd ] || entries=(ZSTD_compressStream2_HTL)
        [ "$prog $1" != "zstd -d" ] || entries=(ZSTD_decompressStream_HTL)
        for entry in "${entries[@]}"; do
            n=$(awk -v e="$entry" '$1 == "call" && $3 == e { print $4 }' "$stats")
            [ "${n:-0}" -gt 0 ] ||
                bench_die "$prog $* on $arch: no $entry on the host (stats: $stats)"
        done
        awk '$1 == "host_calls" { print $2 }' "$stats" > "$tmp/host_calls"
    fi
    if [ "$bench_clock" = wall ]; then
        awk '{ print $1 }' "$tmp/time"
    else
        awk '{ printf "%.3f\n", $2 + $3 }' "$tmp/time"
    fi
}

# three OP PROG IN OUT WANT ARGS...: PROG ARGS < IN > OUT.CONFIG in each
# configuration on $arch, the times added to OP's; every output must be
# the file WANT, or with WANT "same", the same bytes in all three, or with
# WANT "zstd:FILE", what native zstd decodes to FILE.
# Passthrough runs right after native: on a shared machine whose speed
# drifts over minutes, the ratio of the two is what the rows are about.
three() {
    local op=$1 prog=$2 in=$3 outf=$4 want=$5 config
    shift 5
    for config in native passthrough emulated; do
        timed "$prog" "$config" "$arch" "$in" "$outf.$config" "$@" \
            >> "$tmp/$arch.$op.$config"
        [ "$config" != passthrough ] || cp "$tmp/host_calls" "$tmp/$arch.$op.calls"
        case $want in
        same) ;;
        zstd:*)
            "$debian/amd64/usr/bin/zstd" -d -c < "$outf.$config" |
                cmp -s "${want#zstd:}" - ||
                bench_die "$prog $* $config on $arch: not a frame of the input"
            ;;
        *)
            cmp -s "$want" "$outf.$config" ||
                bench_die "$prog $* $config on $arch: not the input back"
            ;;
        esac
    done
    [ "$want" != same ] || {
        cmp -s "$outf.native" "$outf.emulated" &&
            cmp -s "$outf.native" "$outf.passthrough"
    } || bench_die "$prog $* on $arch: the three configurations wrote different bytes"
}

best() {
    sort -g | head -n 1
}

# Empty input, compressed by Debian's amd64 programs: each program's
# start-up (QEMU's, the libraries' loading, the plugin's and GTLs' set-up)
# with a single call of its library, the rows' fixed cost.
: > "$tmp/empty"
env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$bench_dir/minigzip_x86_64" < /dev/null > "$tmp/empty.gz"
env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$debian/amd64/usr/bin/xz" -c < /dev/null > "$tmp/empty.xz"
env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$(bin_of "$debian/amd64" bzip2)" -c < /dev/null > "$tmp/empty.bz2"
env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$debian/amd64/usr/bin/zstd" -q -c < /dev/null > "$tmp/empty.zst"

tsv=$out/program.tsv
printf 'arch\top\tbytes\tconfig\tseconds\thost_calls\n' > "$tsv"
load_start=$(bench_load)
start=$(date +%s)
for arch in "${bench_arches[@]}"; do
    echo "program: $arch" >&2
    ops=(compress decompress optipng xz6 xzd xzT2 bzip9 bzipd zstd3 zstdd zstdT2
         start_minigzip start_xz start_bzip2 start_zstd)
    # Frames of a libzstd other than the host's (riscv64's 1.5.7) differ.
    zwant=same
    [ "$(basename "$(readlink -f "$(lib_dir "$debian/$(debian_arch "$arch")" "$arch" libzstd.so.1)/libzstd.so.1")")" = \
        "$(basename "$(readlink -f /usr/lib/x86_64-linux-gnu/libzstd.so.1)")" ] ||
        zwant=zstd:$zinput
    for r in $(seq "$rounds"); do
        three compress minigzip "$corpus" "$tmp/z" same -6
        three decompress minigzip "$tmp/z.native" "$tmp/d" "$corpus" -d
        for config in native passthrough emulated; do
            timed optipng "$config" "$arch" /dev/null /dev/null -quiet -clobber -o2 \
                -out "$tmp/o.$config.png" "$tmp/image.ppm" >> "$tmp/$arch.optipng.$config"
            [ "$config" != passthrough ] || cp "$tmp/host_calls" "$tmp/$arch.optipng.calls"
        done
        cmp -s "$tmp/o.native.png" "$tmp/o.emulated.png" &&
            cmp -s "$tmp/o.native.png" "$tmp/o.passthrough.png" ||
            bench_die "optipng on $arch: the three configurations wrote different PNGs"
        # xz: the thread count given, as 5.8 (riscv64's) starts as many
        # threads as CPUs by default, 5.4 one.
        three xz6 xz "$corpus" "$tmp/x" same -6 -T1 -c
        three xzd xz "$tmp/x.native" "$tmp/xd" "$corpus" -d -T1 -c
        three xzT2 xz "$corpus" "$tmp/xt" same -6 -T2 -c
        three bzip9 bzip2 "$corpus" "$tmp/b" same -9 -c
        three bzipd bzip2 "$tmp/b.native" "$tmp/bd" "$corpus" -d -c
        three zstd3 zstd "$zinput" "$tmp/z3" "$zwant" -3 -T1 -c
        three zstdd zstd "$tmp/z3.native" "$tmp/z3d" "$zinput" -d -c
        three zstdT2 zstd "$zinput" "$tmp/zt" "$zwant" -3 -T2 -c
        three start_minigzip minigzip "$tmp/empty.gz" "$tmp/s" "$tmp/empty" -d
        three start_xz xz "$tmp/empty.xz" "$tmp/s" "$tmp/empty" -d -T1 -c
        three start_bzip2 bzip2 "$tmp/empty.bz2" "$tmp/s" "$tmp/empty" -d -c
        three start_zstd zstd "$tmp/empty.zst" "$tmp/s" "$tmp/empty" -d -c
    done
    for op in "${ops[@]}"; do
        n=$bytes
        [ "$op" != optipng ] || n=$image_bytes
        case $op in zstd*) n=$zbytes ;; start_*) n=0 ;; esac
        for config in native emulated passthrough; do
            calls=-
            [ "$config" != passthrough ] || calls=$(cat "$tmp/$arch.$op.calls")
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$arch" "$op" "$n" "$config" \
                "$(best < "$tmp/$arch.$op.$config")" "$calls" >> "$tsv"
        done
    done
done
elapsed=$(($(date +%s) - start))

md=$out/program.md
{
    echo "## Users' programs: minigzip, optipng, xz, bzip2 and zstd"
    echo
    echo "zlib's own \`minigzip\` from Debian's zlib source, built for each"
    echo "guest against zlib and run unmodified: \`minigzip -6 < corpus >"
    echo "corpus.gz\` (zlib's gz API: gzdopen, gzwrite; 16 KiB per write),"
    echo "then \`minigzip -d\`, on the $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
    echo "corpus. Native: its x86_64 build on the host's zlib. And Debian's"
    echo "\`optipng -o2\` (riscv64's from Debian 13) on a ${side}x${side} image of"
    echo "corpus bytes: Debian's libpng gives zlib its own allocator, which"
    echo "passthrough asks for every block (paused host calls). Native:"
    echo "Debian's amd64 optipng and libpng on the host's zlib; emulated: the"
    echo "guest's, on the same guest zlib as minigzip's (built from Debian's"
    echo "source; Debian's own x86_64 binary, built -O3 with SSE2 loops, is"
    echo "several times slower still under qemu-user). Every run wrote the same"
    echo "bytes; passthrough runs counted gzwrite, gzread or deflate on the"
    echo "host (host calls: all of them). Best of $rounds, interleaved. **bench emu/pt**:"
    echo "the speed-up //bench:throughput measured for the same work with its"
    echo "own program in this results directory (compress2 / uncompress,"
    echo "level 6, corpus)."
    echo
    echo "Debian's \`xz\` (riscv64's from Debian 13, xz 5.8) on liblzma:"
    echo "\`xz -6 -T1\` and \`xz -6 -T2\` of the corpus, \`xz -d -T1\` of the"
    echo "\`-6\` output (the thread count given: 5.8 starts one thread per CPU"
    echo "by default). Native: Debian's amd64 xz on the host's liblzma;"
    echo "emulated: the guest's xz on Debian's liblzma for that guest."
    echo "Passthrough runs counted lzma_code (and, with -T2, the host's"
    echo "multi-threaded encoder, lzma_stream_encoder_mt) on the host."
    echo "Debian's \`bzip2 -9\` of the corpus and \`bzip2 -d\` of that, on"
    echo "libbz2, native and emulated as for xz; bzip2 does its I/O through"
    echo "libbz2's FILE functions, which the GTL runs over host streams"
    echo "(BZ2_bzCompress / BZ2_bzDecompress counted on the host)."
    echo "\`zstd -3\`, \`zstd -3 -T2\` and \`zstd -d\` on $(awk -v b="$zbytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }')"
    echo "(the corpus twice, cut): the zstd command from Debian's libzstd source,"
    echo "dynamically linked (Debian's own carries a static libzstd, which no"
    echo "GTL can stand in for); native: Debian's amd64 zstd; emulated: on"
    echo "Debian's libzstd for the guest (riscv64's is 1.5.7, whose frames"
    echo "differ from 1.5.4's: they were checked by decoding them). The chart"
    echo "(program.png) gives each row's time over native's."
    if [ "$bench_clock" = cpu ]; then
        echo "Times are the CPU time (user + system) of the whole process, QEMU"
        echo "included; \`--clock=wall\` times the wall clock."
    else
        echo "Times are wall-clock time (\`--clock=wall\`)."
    fi
    [ "$bench_quick" = 0 ] || echo "Quick run: 1 MiB of the corpus, once; not a measurement."
    echo
    echo "**start** rows: the program on an empty input (one call of its"
    echo "library): its start-up, QEMU's included, which no passthrough can"
    echo "take off (emulation pays it too). **net pt/nat**: the row's"
    echo "passthrough over native time with its program's start-up taken off"
    echo "both: what passthrough costs per byte."
    echo
    echo "| guest | program | native s | emulated s | passthrough s | pt/nat | net pt/nat | emu/pt | bench emu/pt | host calls |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v table="$out/throughput_table.tsv" -v chart="$out/data/program.dat" '
        BEGIN {
            labels["compress"] = "minigzip -6"; labels["decompress"] = "minigzip -d"
            labels["optipng"] = "optipng -o2"; labels["xz6"] = "xz -6 -T1"
            labels["xzd"] = "xz -d"; labels["xzT2"] = "xz -6 -T2"
            labels["bzip9"] = "bzip2 -9"; labels["bzipd"] = "bzip2 -d"
            labels["zstd3"] = "zstd -3"; labels["zstdd"] = "zstd -d"
            labels["zstdT2"] = "zstd -3 -T2"
            labels["start_minigzip"] = "minigzip start"
            labels["start_xz"] = "xz start"; labels["start_bzip2"] = "bzip2 start"
            labels["start_zstd"] = "zstd start"
            prog["compress"] = prog["decompress"] = "minigzip"
            prog["xz6"] = prog["xzd"] = prog["xzT2"] = "xz"
            prog["bzip9"] = prog["bzipd"] = "bzip2"
            prog["zstd3"] = prog["zstdd"] = prog["zstdT2"] = "zstd"
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
                b = op == "compress" ? bench[a, "compress2"] : op == "decompress" ? bench[a, "uncompress"] : ""
                label = labels[op]
                # Net of start-up: the same program on an empty input.
                net = "-"
                s = "start_" prog[op]
                if ((a, s, "native") in t) {
                    sn = t[a, s, "native"]; sp = t[a, s, "passthrough"]
                    if (nat - sn > 0) net = sprintf("%.3f", (pt - sp) / (nat - sn))
                }
                ratio = "-"
                if (nat > 0) ratio = sprintf("%.3f", pt / nat)
                printf "| %s | %s | %.2f | %.2f | %.2f | %s | %s | %.2f | %s | %d |\n",
                    a, label, nat, emu, pt, ratio, net, emu / pt,
                    b != "" ? sprintf("%.2f", b) : "-", calls[a, op]
                if (nat > 0 && op !~ /^start_/)
                    printf "\"%s\\n%s\" %.4f %.4f\n", label, a, emu / nat, pt / nat > chart
            }
        }' "$tsv"
    echo
    echo "Measured in ${elapsed} s; load average $load_start at the start," \
        "$(bench_load) at the end, on $(nproc) CPUs."
} > "$md"

gnuplot -e "datadir='$out/data'; outfile='$out/program.png'" "$bench_dir/program.gp" ||
    bench_die "gnuplot could not draw program.png"
printf '\n![Time over native per program and guest](program.png)\n' >> "$md"

sed -n '/^| guest/,/^$/p' "$md"
echo "results: $md, $tsv"
bash "$bench_dir/report.sh" "$out" >/dev/null
