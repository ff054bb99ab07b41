#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# zlib's own test programs, example and minigzip from Debian's zlib source,
# built for the guest against the real zlib and run unmodified against the
# GTL with passthrough: same output as on the guest's own zlib, byte for
# byte, and host calls counted for every run.
#
# usage: run_zlib_programs_test.sh ARCH RUNNER PLUGIN HTL GTL GUEST_ZLIB
#                                  EXAMPLE MINIGZIP [QEMU PATH]
#   QEMU: the qemu-ARCH binary, or "system" (default) for the one on PATH;
#   PATH: the control path the plugin's stats must name (default
#   syscall-entry; "filter" on the project-built filter QEMU).
set -euo pipefail

arch=$1 runner=$2 plugin=$3 htl=$4 gtl=$5 guest_zlib=$6 example=$7 minigzip=$8
qemu=${9:-system} control_path=${10:-syscall-entry}
tmp=${TEST_TMPDIR:-$(mktemp -d)}
runner=$(realpath "$runner")
common=(--arch "$arch" --plugin "$(realpath "$plugin")"
        --gtl-dir "$(dirname "$(realpath "$gtl")")"
        --htl-dir "$(dirname "$(realpath "$htl")")")
[ "$qemu" = system ] || common+=(--qemu "$(realpath "$qemu")")
own_env=(-E "LD_LIBRARY_PATH=$(dirname "$(realpath "$guest_zlib")")")
example=$(realpath "$example")
minigzip=$(realpath "$minigzip")
n=0

fail() {
    echo "FAIL (zlib programs, $arch): $*" >&2
    exit 1
}

# pt NAME CMD... : run with passthrough; fails unless host calls counted.
pt() {
    local name=$1
    shift
    n=$((n + 1))
    "$runner" "${common[@]}" --stats="$tmp/$name.stats" -- "$@" ||
        fail "$name: exited with $?"
    path=$(awk '$1 == "control_path" { print $2 }' "$tmp/$name.stats")
    [ "$path" = "$control_path" ] ||
        fail "$name: control path '$path', expected '$control_path'"
    calls=$(awk '$1 == "host_calls" { print $2 }' "$tmp/$name.stats")
    [ "${calls:-0}" -gt 0 ] || fail "$name: no host calls counted"
    echo "$name: $calls host calls" >&2
}

own() {
    "$runner" "${common[@]}" --no-gtl "${own_env[@]}" -- "$@" ||
        fail "own zlib run of $* exited with $?"
}

cd "$tmp"
# example: its own checks, and the same output as on the guest's zlib.
pt example "$example" pt.gz > example.pt
own "$example" own.gz > example.own
cmp -s example.pt example.own || { diff example.own example.pt >&2; fail "example output differs"; }
grep -q 'large_inflate(): OK' example.pt || fail "example did not finish"

# A corpus: text and binary.
{
    for i in $(seq 1 4000); do echo "line $i of the minigzip corpus, more or less text"; done
    head -c 300000 "$minigzip"
} > corpus

# minigzip through stdin/stdout, several levels: byte-identical to the
# guest's own zlib, and each side reads the other's output.
for level in 1 6 9; do
    pt "minigzip_$level" "$minigzip" "-$level" < corpus > "pt$level.gz"
    own "$minigzip" "-$level" < corpus > "own$level.gz"
    cmp -s "pt$level.gz" "own$level.gz" || fail "level $level output differs"
    own "$minigzip" -d < "pt$level.gz" > back_own
    cmp -s back_own corpus || fail "guest zlib cannot read passthrough output"
    pt "minigzip_d$level" "$minigzip" -d < "own$level.gz" > back_pt
    cmp -s back_pt corpus || fail "passthrough cannot read guest zlib output"
done

# minigzip on files (gzopen by path), with -r (RLE) and -h (Huffman only).
cp corpus f1
pt minigzip_file "$minigzip" -r f1
[ -f f1.gz ] && [ ! -e f1 ] || fail "minigzip f1 did not replace f1 by f1.gz"
own "$minigzip" -d f1.gz
cmp -s f1 corpus || fail "file round trip differs"
echo "ok: example and minigzip ($n runs) match the guest's own zlib," \
    "every run with host calls counted"
