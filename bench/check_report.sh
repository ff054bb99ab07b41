#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Checks that a results directory holds a complete, sane report: every row
# and point for every guest and configuration, positive numbers, the PNGs
# (non-empty, PNG signature) and report.md with its headline and images.
# No timing assertions: any positive figure passes.
# usage: check_report.sh DIR [ARCH...]
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: check_report.sh DIR [ARCH...]
Checks that the results directory DIR holds a complete, sane report for
each guest ARCH: x86_64, aarch64, riscv64 or all (default all).
  -h, --help   this text
USAGE
}
bad_usage() {
    echo "check_report: $*" >&2
    usage >&2
    exit 2
}
dir= arches=()
for a in "$@"; do
    case "$a" in
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$a'" ;;
    esac
    if [ -z "$dir" ]; then
        dir=$a
        continue
    fi
    case "$a" in
    all) arches+=(x86_64 aarch64 riscv64) ;;
    x86_64|aarch64|riscv64) arches+=("$a") ;;
    *) bad_usage "unknown guest '$a' (x86_64, aarch64, riscv64, all)" ;;
    esac
done
[ -n "$dir" ] || bad_usage "no results directory given"
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 aarch64 riscv64)
errors=0

bad() {
    echo "check_report: $*" >&2
    errors=$((errors + 1))
}

png_ok() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

for f in report.md throughput.tsv throughput_table.tsv throughput.md \
         crossover.tsv crossover_sizes.tsv crossover.md program.tsv program.md \
         deb.tsv deb.md startup.tsv startup.md; do
    [ -s "$dir/$f" ] || bad "$f missing or empty"
done
[ "$errors" = 0 ] || exit 1

head -n 1 "$dir/report.md" | grep -q '^\*\*Headline\*\*: on the .* guest, passthrough runs zlib [0-9.]*x faster' ||
    bad "report.md does not start with the headline"
sed -n 3p "$dir/report.md" | grep -q '^\*\*dpkg-deb\*\*: on the .* guest, passthrough unpacks .* faster than emulation' ||
    bad "report.md has no dpkg-deb headline on its third line"

for arch in "${arches[@]}"; do
    # Throughput: 2 data sets x 4 ops x 3 levels x 3 configurations.
    n=$(awk -F'\t' -v a="$arch" 'NR > 1 && $1 == a && $3 > 0 && $7 > 0 && $8 > 0' \
        "$dir/throughput.tsv" | wc -l)
    [ "$n" = 72 ] || bad "$arch: $n positive throughput rows, want 72"
    for ds in payload corpus; do
        for op in compress2 deflate uncompress inflate; do
            for level in 1 6 9; do
                awk -F'\t' -v a="$arch" -v d="$ds" -v o="$op" -v l="$level" '
                    NR > 1 && $1 == a && $2 == d && $4 == o && $5 == l &&
                    $6 > 0 && $7 > 0 && $8 > 0 && $9 > 0 && $10 > 0 && $11 > 0 { ok = 1 }
                    END { exit !ok }' "$dir/throughput_table.tsv" ||
                    bad "$arch: throughput row $ds $op level $level missing or not positive"
            done
        done
    done
    # Crossover: 4 functions x sizes from 16 B x 4 configurations.
    for f in crc32 adler32 compress2 inflate; do
        for config in native emulated host passthrough; do
            n=$(awk -F'\t' -v a="$arch" -v f="$f" -v c="$config" '
                NR > 1 && $1 == a && $2 == f && $4 == c && $5 > 0 && $6 > 0' \
                "$dir/crossover.tsv" | wc -l)
            [ "$n" -ge 6 ] || bad "$arch: $f $config: $n crossover points, want 6 or more"
        done
        awk -F'\t' -v a="$arch" -v f="$f" 'NR > 1 && $1 == a && $2 == f { ok = 1 }
            END { exit !ok }' "$dir/crossover_sizes.tsv" ||
            bad "$arch: no crossover size for $f"
    done
    # minigzip (compress, decompress), optipng, xz (-6 -T1, -d, -6 -T2),
    # bzip2 (-9, -d), zstd (-3, -d, -3 -T2) and the four programs' start
    # rows, 3 configurations each, host calls counted (a native start may
    # take under the clock's 1 ms).
    n=$(awk -F'\t' -v a="$arch" 'NR > 1 && $1 == a &&
        ($5 > 0 || ($2 ~ /^start_/ && $4 == "native" && $5 >= 0)) &&
        ($4 != "passthrough" || $6 > 0)' "$dir/program.tsv" | wc -l)
    [ "$n" = 45 ] || bad "$arch: $n sane program rows, want 45"
    for row in "minigzip -6" "minigzip -d" "optipng -o2" "xz -6 -T1" "xz -d" "xz -6 -T2" \
               "bzip2 -9" "bzip2 -d" "zstd -3" "zstd -d" "zstd -3 -T2" "zstd start"; do
        grep -q "^| $arch | $row |" "$dir/report.md" ||
            bad "report.md has no $row row for $arch"
    done
    # dpkg-deb: unpack and build, of the package and of a tiny one, 3
    # compressors, 3 configurations; native dpkg-deb may take under 1 ms.
    n=$(awk -F'\t' -v a="$arch" 'NR > 1 && $1 == a && $5 > 0 && $6 > 0 &&
        ($7 == "native" ? $8 >= 0 : $8 > 0) && ($7 != "passthrough" || $9 > 0)' \
        "$dir/deb.tsv" | wc -l)
    [ "$n" = 36 ] || bad "$arch: $n sane dpkg-deb rows, want 36"
    for row in "--fsys-tarfile | xz" "--fsys-tarfile | zstd" "--fsys-tarfile | gzip" \
               "-b | xz" "-b | zstd" "-b | gzip" "-b, tiny | xz"; do
        grep -qF -- "| $arch | $row |" "$dir/report.md" ||
            bad "report.md has no dpkg-deb $row row for $arch"
    done
    # Start-up: pigz -V and xz -V, three configurations each.
    n=$(awk -F'\t' -v a="$arch" 'NR > 1 && $1 == a && $4 > 0' "$dir/startup.tsv" | wc -l)
    [ "$n" = 6 ] || bad "$arch: $n start-up rows, want 6"
    for png in "throughput_$arch.png" "crossover_$arch.png"; do
        png_ok "$dir/$png" || bad "$png missing, empty or not a PNG"
        grep -q "($png)" "$dir/report.md" || bad "report.md does not embed $png"
    done
done
png_ok "$dir/program.png" || bad "program.png missing, empty or not a PNG"
grep -q "(program.png)" "$dir/report.md" || bad "report.md does not embed program.png"
png_ok "$dir/crossover_speedup.png" || bad "crossover_speedup.png missing, empty or not a PNG"
grep -q "(crossover_speedup.png)" "$dir/report.md" ||
    bad "report.md does not embed crossover_speedup.png"

if [ "$errors" != 0 ]; then
    echo "check_report: $errors problem(s) in $dir" >&2
    exit 1
fi
echo "check_report: $dir is complete (${arches[*]})"
