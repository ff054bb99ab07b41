#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dpkg-deb end to end: what a multi-architecture container build spends on
# packages, per guest, native, emulated and passthrough side by side.
# A large real Debian package (libicu72 from Debian 12, amd64: 9 MB of xz,
# 36 MB unpacked, as tools/setup.sh keeps it; --quick: bzip2's, small),
# its tree rebuilt with each compressor dpkg uses (xz, zstd, gzip):
#   unpack   dpkg-deb --fsys-tarfile PKG.deb > data.tar, what unpacking a
#            package decompresses (best of 3, interleaved);
#   build    dpkg-deb -b -ZCOMP TREE PKG.deb (once: xz takes a while).
# Each also on a package of one line (OP_start rows, every round): the
# start-up, which the table's net pt/nat takes off both sides.
# Native: Debian's amd64 dpkg-deb on the host's libraries; emulated: the
# guest's dpkg-deb (riscv64's from Debian 13) on Debian's libraries for
# the guest; passthrough: the same with the four GTLs first. dpkg-deb
# runs tar (the host's own in every configuration) and decompresses in a
# forked child, whose own stats the plugin writes. Every unpack must give
# the native tar; every .deb built must unpack (natively) to it;
# passthrough runs must show the compressor's calls on the host. Writes
# deb.tsv and deb.md. Figures, not a timed test.
# usage: deb.sh [--arch=ARCH] [--out=DIR] [--quick] [--clock=cpu|wall]
#               [-E VAR=VALUE]
set -euo pipefail

export RUNFILES_DIR=${RUNFILES_DIR:-$0.runfiles}
# shellcheck source=bench_lib.sh
source "$RUNFILES_DIR/qemu_passthrough/bench/bench_lib.sh"
bench_parse_args "$@"
out=$bench_out
echo "$bench_quick" > "$out/.quick_deb"

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

debian=$RUNFILES_DIR/debian_programs
host_root=$debian/amd64
package=libicu72
rounds=3
if [ "$bench_quick" = 1 ]; then
    package=bzip2
    rounds=1
fi
debs=("$host_root"/debs/"$package"_*_amd64.deb)
[ -e "${debs[0]}" ] ||
    bench_die "no $package .deb in $host_root/debs (run tools/setup.sh)"
deb=${debs[-1]}
native_dpkg_deb=(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu "$host_root/usr/bin/dpkg-deb")

# The package's tree (its control files too), and a tiny one (a control
# file and one line: each operation's start-up, dpkg-deb's and QEMU's),
# timestamps fixed so that every build makes the same tar.
"${native_dpkg_deb[@]}" -R "$deb" "$tmp/tree.full"
mkdir -p "$tmp/tree.start/DEBIAN" "$tmp/tree.start/usr/share/tiny"
printf 'Package: tiny\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: tiny\n a package of one line\n' \
    > "$tmp/tree.start/DEBIAN/control"
echo tiny > "$tmp/tree.start/usr/share/tiny/line"
find "$tmp/tree.full" "$tmp/tree.start" -exec touch -h -d @1700000000 {} +
export SOURCE_DATE_EPOCH=1700000000
deb_bytes=$(stat -c %s "$deb")
version=$("${native_dpkg_deb[@]}" --show --showformat='${Version}' "$deb")
compressors=(xz zstd gzip)
for kind in full start; do
    for comp in "${compressors[@]}"; do
        "${native_dpkg_deb[@]}" --root-owner-group -Z"$comp" -b "$tmp/tree.$kind" \
            "$tmp/in.$kind.$comp.deb" > /dev/null
    done
    # The files every unpack must give: the same tar in each rebuilt .deb.
    "${native_dpkg_deb[@]}" --fsys-tarfile "$tmp/in.$kind.xz.deb" > "$tmp/want.$kind.tar"
done
tar_bytes=$(stat -c %s "$tmp/want.full.tar")

# The compressor's entry that must have run on the host, per operation.
host_entry() {
    case "$1.$2" in
    unpack.xz|build.xz) echo lzma_code_HTL ;;
    unpack.zstd) echo ZSTD_decompressStream_HTL ;;
    build.zstd) echo ZSTD_compressStream2_HTL ;;
    unpack.gzip) echo gzread_HTL ;;
    build.gzip) echo gzwrite_HTL ;;
    esac
}

# The package an operation works on: OP_start, the tiny one.
kind_of() {
    case $1 in *_start) echo start ;; *) echo full ;; esac
}

# timed OP COMP CONFIG ARCH: one dpkg-deb run; prints its time in seconds
# (CPU time of dpkg-deb and the children it waited for, or the wall
# clock). unpack writes $tmp/tar.CONFIG, build $tmp/out.CONFIG.deb.
timed() {
    local op=${1%_start} kind comp=$2 config=$3 arch=$4 cmd=() sysroot=() args
    local root=$debian/$(debian_arch "$arch") stats=$tmp/stats
    local libs entry n
    kind=$(kind_of "$1")
    [ ! -e "$root/usr/lib/$arch-linux-gnu/libc.so.6" ] || sysroot=(-L "$root")
    libs=$(lib_dir "$root" "$arch" libz.so.1):$root/usr/lib/$arch-linux-gnu
    case "$config" in
    native) cmd=("${native_dpkg_deb[@]}") ;;
    emulated)
        direct --arch "$arch" "${sysroot[@]}" --no-gtl -E "LD_LIBRARY_PATH=$libs" \
            "$root/usr/bin/dpkg-deb"
        ;;
    passthrough)
        rm -f "$stats"*
        direct --arch "$arch" "${sysroot[@]}" --plugin "$bench_plugin" \
            --htl-dir "$bench_htl_dir" --gtl-dir "$bench_dir/gtl_$arch" \
            --stats="$stats" -E "LD_LIBRARY_PATH=$bench_dir/gtl_$arch:$libs" \
            "${bench_pt_env[@]}" "$root/usr/bin/dpkg-deb"
        ;;
    esac
    if [ "$op" = unpack ]; then
        args=(--fsys-tarfile "$tmp/in.$kind.$comp.deb")
    else
        args=(--root-owner-group -Z"$comp" -b "$tmp/tree.$kind" "$tmp/out.$config.deb")
        rm -f "$tmp/out.$config.deb"
    fi
    TIMEFORMAT='%3R %3U %3S'
    { time "${cmd[@]}" "${args[@]}" > "$tmp/stdout" 2> "$tmp/err"; } 2> "$tmp/time" ||
        { cat "$tmp/err" >&2; bench_die "dpkg-deb ${args[*]} $config on $arch failed"; }
    [ "$op" = build ] || mv "$tmp/stdout" "$tmp/tar.$config"
    if [ "$config" = passthrough ]; then
        entry=$(host_entry "$op" "$comp")
        # Summed over dpkg-deb and its forked children (STATS.<pid>).
        n=$(awk -v e="$entry" '$1 == "call" && $3 == e { n += $4 } END { print n + 0 }' \
            "$stats"*)
        [ "$n" -gt 0 ] ||
            bench_die "dpkg-deb $op $comp on $arch: no $entry on the host (stats: $stats)"
        awk '$1 == "host_calls" { n += $2 } END { print n + 0 }' "$stats"* \
            > "$tmp/host_calls"
    fi
    if [ "$bench_clock" = wall ]; then
        awk '{ print $1 }' "$tmp/time"
    else
        awk '{ printf "%.3f\n", $2 + $3 }' "$tmp/time"
    fi
}

# three OP COMP: OP in each configuration on $arch, the times added to
# the row's; each must give the package's tar. Passthrough right after
# native: on a shared machine whose speed drifts, their ratio is the point.
three() {
    local op=$1 comp=$2 config
    for config in native passthrough emulated; do
        timed "$op" "$comp" "$config" "$arch" >> "$tmp/$arch.$op.$comp.$config"
        [ "$config" != passthrough ] ||
            cp "$tmp/host_calls" "$tmp/$arch.$op.$comp.calls"
        if [ "${op%_start}" = build ]; then
            "${native_dpkg_deb[@]}" --fsys-tarfile "$tmp/out.$config.deb" > "$tmp/tar.$config"
        fi
        cmp -s "$tmp/want.$(kind_of "$op").tar" "$tmp/tar.$config" ||
            bench_die "dpkg-deb $op $comp $config on $arch: not the package's files"
    done
}

best() {
    sort -g | head -n 1
}

tsv=$out/deb.tsv
printf 'arch\top\tcompressor\tpackage\tdeb_bytes\ttar_bytes\tconfig\tseconds\thost_calls\n' \
    > "$tsv"
load_start=$(bench_load)
start=$(date +%s)
for arch in "${bench_arches[@]}"; do
    echo "deb: $arch" >&2
    for r in $(seq "$rounds"); do
        for comp in "${compressors[@]}"; do
            three unpack "$comp"
            [ "$r" != 1 ] || three build "$comp"
            three unpack_start "$comp"
            three build_start "$comp"
        done
    done
    for op in unpack build unpack_start build_start; do
        for comp in "${compressors[@]}"; do
            for config in native emulated passthrough; do
                calls=-
                [ "$config" != passthrough ] || calls=$(cat "$tmp/$arch.$op.$comp.calls")
                kind=$(kind_of "$op")
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$arch" "$op" \
                    "$comp" "$([ "$kind" = full ] && echo "$package" || echo tiny)" \
                    "$(stat -c %s "$tmp/in.$kind.$comp.deb")" \
                    "$(stat -c %s "$tmp/want.$kind.tar")" "$config" \
                    "$(best < "$tmp/$arch.$op.$comp.$config")" "$calls" >> "$tsv"
            done
        done
    done
done
elapsed=$(($(date +%s) - start))

md=$out/deb.md
{
    echo "## Packages end to end: dpkg-deb"
    echo
    echo "Debian's \`dpkg-deb\`, unmodified, on $package $version (amd64,"
    echo "$(awk -v b="$deb_bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }') as Debian ships it;" \
        "its files: a $(awk -v b="$tar_bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }') tar),"
    echo "its tree rebuilt with each compressor dpkg knows: **unpack** is"
    echo "\`dpkg-deb --fsys-tarfile\`, what installing the package decompresses"
    echo "(best of $rounds, interleaved); **build** is \`dpkg-deb -b -Z\`COMP of"
    echo "the tree (once), what making a package compresses. Native: Debian's"
    echo "amd64 dpkg-deb on the host's libraries; emulated: the guest's"
    echo "dpkg-deb (riscv64's from Debian 13) on Debian's zlib, liblzma and"
    echo "libzstd for the guest; passthrough: the same with the GTLs. dpkg-deb"
    echo "runs the host's tar in all three, and decompresses in a forked"
    echo "child. Every unpack gave the package's files, every .deb built"
    echo "unpacked to them; passthrough runs counted lzma_code,"
    echo "ZSTD_decompressStream / ZSTD_compressStream2 or gzread / gzwrite on"
    echo "the host (host calls: all, the child's included). The **tiny** rows"
    echo "are the same operations on a package of one line: the start-up"
    echo "(dpkg-deb's, its child's and QEMU's), which emulation pays too;"
    echo "**net pt/nat** takes it off both times, what passthrough costs per"
    echo "byte."
    if [ "$bench_clock" = cpu ]; then
        echo "Times are CPU time (user + system) of dpkg-deb and its children,"
        echo "QEMU included; \`--clock=wall\` times the wall clock."
    else
        echo "Times are wall-clock time (\`--clock=wall\`)."
    fi
    [ "$bench_quick" = 0 ] || echo "Quick run: a small package, once; not a measurement."
    echo
    echo "| guest | dpkg-deb | compressor | native s | emulated s | passthrough s | pt/nat | net pt/nat | emu/pt | host calls |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '
        NR > 1 { t[$1, $2, $3, $7] = $8; if ($9 != "-") calls[$1, $2, $3] = $9
                 if (!(($1, $2, $3) in seen)) { seen[$1, $2, $3] = 1
                                               order[n++] = $1 SUBSEP $2 SUBSEP $3 } }
        END {
            for (i = 0; i < n; i++) {
                split(order[i], k, SUBSEP)
                nat = t[k[1], k[2], k[3], "native"]; emu = t[k[1], k[2], k[3], "emulated"]
                pt = t[k[1], k[2], k[3], "passthrough"]
                # Quick runs may time 0 s: no ratio then.
                cost = "-"; gain = "-"; net = "-"
                if (nat > 0) cost = sprintf("%.3f", pt / nat)
                if (pt > 0) gain = sprintf("%.2f", emu / pt)
                s = k[2] "_start"
                sn = t[k[1], s, k[3], "native"]; sp = t[k[1], s, k[3], "passthrough"]
                if (k[2] !~ /_start$/ && nat - sn > 0)
                    net = sprintf("%.3f", (pt - sp) / (nat - sn))
                label = k[2] ~ /^unpack/ ? "--fsys-tarfile" : "-b"
                if (k[2] ~ /_start$/) label = label ", tiny"
                printf "| %s | %s | %s | %.2f | %.2f | %.2f | %s | %s | %s | %d |\n",
                    k[1], label, k[3], nat, emu, pt, cost, net, gain,
                    calls[k[1], k[2], k[3]]
            }
        }' "$tsv"
    echo
    echo "Measured in ${elapsed} s; load average $load_start at the start," \
        "$(bench_load) at the end, on $(nproc) CPUs."
} > "$md"

sed -n '/^| guest/,/^$/p' "$md"
echo "results: $md, $tsv"
bash "$bench_dir/report.sh" "$out" >/dev/null
