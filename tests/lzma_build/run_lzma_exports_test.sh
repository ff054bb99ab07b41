#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The liblzma.so.5 built from Debian's source must export exactly what
# Debian's own liblzma5 for that guest exports: every name with its symbol
# version, the XZ_5.2.2 and XZ_5.1.2alpha compatibility versions included,
# and the same SONAME and NEEDED entries.
#
# usage: run_lzma_exports_test.sh ARCH OURS DEBIAN_FILE...
#   DEBIAN_FILE: Debian's liblzma.so.5 and its liblzma.so.5.x.y (the one
#   that is not a link to the other is used)
set -euo pipefail

usage() {
    echo "usage: run_lzma_exports_test.sh ARCH OURS DEBIAN_FILE..." >&2
    exit 2
}
for a in "$@"; do
    case "$a" in
    -*) echo "run_lzma_exports_test: unknown option '$a'" >&2; usage ;;
    esac
done
[ $# -ge 3 ] || usage
case "$1" in
x86_64|aarch64|riscv64) ;;
*) echo "run_lzma_exports_test: unknown guest architecture '$1'" >&2; usage ;;
esac
arch=$1 ours=$2
shift 2
objdump=/usr/bin/$arch-linux-gnu-objdump
readelf=/usr/bin/$arch-linux-gnu-readelf
tmp=${TEST_TMPDIR:-$(mktemp -d)}

fail() {
    echo "FAIL (liblzma exports, $arch): $*" >&2
    exit 1
}

debian=
for f in "$@"; do
    case $(basename "$f") in
    liblzma.so.5.*) debian=$f ;;
    esac
done
[ -n "$debian" ] || fail "no liblzma.so.5.x.y among: $*"

# "VERSION NAME" for each defined global symbol (functions, data, version
# nodes; a hidden version shows in parentheses), sorted.
exports() {
    "$objdump" -T "$1" | awk '$2 == "g" && $4 != "*UND*" { print $(NF - 1), $NF }' |
        sort
}
dynamic() {
    "$readelf" -d "$1" | sed -n 's/.*(\(NEEDED\|SONAME\)).*\[\(.*\)\]/\1 \2/p' | sort
}

exports "$debian" > "$tmp/debian.txt"
exports "$ours" > "$tmp/ours.txt"
[ "$(wc -l < "$tmp/debian.txt")" -gt 100 ] ||
    fail "could not read the exports of $debian"
if ! cmp -s "$tmp/debian.txt" "$tmp/ours.txt"; then
    diff "$tmp/debian.txt" "$tmp/ours.txt" >&2 || true
    fail "exports differ from Debian's $(basename "$debian") (< Debian, > ours)"
fi
dynamic "$debian" > "$tmp/debian.dyn"
dynamic "$ours" > "$tmp/ours.dyn"
if ! cmp -s "$tmp/debian.dyn" "$tmp/ours.dyn"; then
    diff "$tmp/debian.dyn" "$tmp/ours.dyn" >&2 || true
    fail "SONAME or NEEDED differ from Debian's"
fi
echo "ok ($arch): $(wc -l < "$tmp/ours.txt") exported names and versions," \
    "SONAME and NEEDED as Debian's $(basename "$debian")"
