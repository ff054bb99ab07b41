#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fallback liblzma archive, as a GTL will link it:
#   - every global symbol it defines is named fb_lzma_* and is hidden, so
#     it can sit inside a GTL that exports liblzma's own names;
#   - it references no lzma_* symbol (a name the renaming missed would
#     bind to the real liblzma);
#   - each name liblzma's version map exports has its fb_ twin;
# and the guest program linked with it needs no liblzma.so.5, calls only
# fb_lzma_* and contains no lzma_* symbol.
#
# usage: run_lzma_fallback_symbols_test.sh ARCH MAP PROGRAM ARCHIVE...
set -euo pipefail

usage() {
    echo "usage: run_lzma_fallback_symbols_test.sh ARCH MAP PROGRAM ARCHIVE..." >&2
    exit 2
}
for a in "$@"; do
    case "$a" in
    -*) echo "run_lzma_fallback_symbols_test: unknown option '$a'" >&2; usage ;;
    esac
done
[ $# -ge 4 ] || usage
case "$1" in
x86_64|aarch64|riscv64) ;;
*) echo "run_lzma_fallback_symbols_test: unknown guest architecture '$1'" >&2; usage ;;
esac
arch=$1 map=$2 prog=$3
shift 3
nm=/usr/bin/$arch-linux-gnu-nm
readelf=/usr/bin/$arch-linux-gnu-readelf
tmp=${TEST_TMPDIR:-$(mktemp -d)}

fail() {
    echo "FAIL (liblzma fallback, $arch): $*" >&2
    exit 1
}
# The first names of a list file, on one line.
first() { head -n 5 "$1" | tr '\n' ' '; }

# The API names of the map ("lzma_code;" lines), sorted.
sed -n 's/^[[:space:]]*\(lzma_[a-z0-9_]*\);.*/\1/p' "$map" |
    sort -u > "$tmp/api.txt"
[ "$(wc -l < "$tmp/api.txt")" -gt 90 ] ||
    fail "could not read the names of $map"

checked=0
for a in "$@"; do
    case $a in
    *.a|*.lo) ;;
    *) continue ;;
    esac
    name=$(basename "$a")
    "$nm" -g -P --defined-only "$a" | awk 'NF >= 2 { print $1 }' |
        sort -u > "$tmp/defined.txt"
    [ "$(wc -l < "$tmp/defined.txt")" -gt 100 ] || fail "$name: too few symbols"
    if grep -v '^fb_lzma_' "$tmp/defined.txt" > "$tmp/bad.txt"; then
        fail "$name defines names other than fb_lzma_*: $(first "$tmp/bad.txt")"
    fi
    "$readelf" -sW "$a" |
        awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" &&
             $6 != "HIDDEN" { print $8 }' > "$tmp/visible.txt"
    [ ! -s "$tmp/visible.txt" ] ||
        fail "$name: symbols not hidden: $(first "$tmp/visible.txt")"
    "$nm" -u -P "$a" | awk '$1 ~ /^lzma_/ { print $1 }' |
        sort -u > "$tmp/undef.txt"
    [ ! -s "$tmp/undef.txt" ] ||
        fail "$name references lzma_* names: $(first "$tmp/undef.txt")"
    sed 's/^/fb_/' "$tmp/api.txt" | comm -23 - "$tmp/defined.txt" \
        > "$tmp/missing.txt"
    [ ! -s "$tmp/missing.txt" ] ||
        fail "$name lacks: $(first "$tmp/missing.txt")"
    echo "$name: $(wc -l < "$tmp/defined.txt") symbols, all fb_lzma_* and" \
        "hidden, $(wc -l < "$tmp/api.txt") API names of the map among them"
    checked=$((checked + 1))
done
[ $checked -gt 0 ] || fail "no archive among: $*"

p=$(basename "$prog")
if "$readelf" -d "$prog" | awk '/NEEDED/ && /liblzma/ { n++ } END { exit !n }'; then
    fail "$p needs a liblzma.so"
fi
# Global or undefined ones: liblzma's static functions (lzma_decode in
# lzma_decoder.c) keep their names, as local symbols.
"$nm" -g -P "$prog" | awk '$1 ~ /^lzma_/ { print $1 }' > "$tmp/prog.txt"
[ ! -s "$tmp/prog.txt" ] ||
    fail "$p has global lzma_* symbols: $(first "$tmp/prog.txt")"
"$nm" -P "$prog" | awk '$1 == "fb_lzma_code" { n++ } END { exit !n }' ||
    fail "$p has no fb_lzma_code"
echo "ok ($arch): $checked archive(s); $p links the fallback only"
