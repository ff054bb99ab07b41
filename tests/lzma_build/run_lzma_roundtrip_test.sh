#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The liblzma built from Debian's source, run under qemu-ARCH:
#   shared:   lzma_roundtrip against liblzma.so.5 (it must be the one
#             loaded): its known answers and round trips pass, and the .xz
#             it writes is read back by Debian's own xz on Debian's own
#             liblzma. Then Debian's xz runs on liblzma.so.5 built here:
#             its output must be byte-identical to Debian's xz on Debian's
#             liblzma, and it must decompress that.
#   fallback: lzma_roundtrip_fallback (the fallback archive linked in, no
#             liblzma.so.5): the same checks of the program, and Debian's
#             xz reads its .xz back.
# Debian's programs: 12's; riscv64's from 13, run on their own C library.
#
# usage: run_lzma_roundtrip_test.sh MODE ARCH DEBIAN_ROOT PROGRAM LIBLZMA
set -euo pipefail

usage() {
    echo "usage: run_lzma_roundtrip_test.sh shared|fallback ARCH DEBIAN_ROOT PROGRAM LIBLZMA" >&2
    exit 2
}
for a in "$@"; do
    case "$a" in
    -*) echo "run_lzma_roundtrip_test: unknown option '$a'" >&2; usage ;;
    esac
done
[ $# = 5 ] || usage
mode=$1 arch=$2 root=$3 prog=$4 lib=$5
case "$mode" in
shared|fallback) ;;
*) echo "run_lzma_roundtrip_test: unknown mode '$mode'" >&2; usage ;;
esac
case "$arch" in
x86_64|aarch64|riscv64) ;;
*) echo "run_lzma_roundtrip_test: unknown guest architecture '$arch'" >&2; usage ;;
esac
tmp=${TEST_TMPDIR:-$(mktemp -d)}
root=$(realpath "$root")
prog=$(realpath "$prog")
lib=$(realpath "$lib")
libdir=$(dirname "$lib")
triple=$arch-linux-gnu
debian_libs=$root/lib/$triple:$root/usr/lib/$triple
xz=$root/usr/bin/xz

fail() {
    echo "FAIL (liblzma $mode, $arch): $*" >&2
    exit 1
}

# qemu with the cross C library (our programs; none for x86_64: the host's)
# or with the tree's own (Debian 13's programs come with it).
qemu_cross=("qemu-$arch")
[ "$arch" = x86_64 ] || qemu_cross+=(-L "/usr/$triple")
qemu_debian=("qemu-$arch")
if [ -e "$root/usr/lib/$triple/libc.so.6" ] || [ -e "$root/lib/$triple/libc.so.6" ]; then
    qemu_debian+=(-L "$root")
elif [ "$arch" != x86_64 ]; then
    qemu_debian+=(-L "/usr/$triple")
fi

# The liblzma.so.5 a guest program loads, as its dynamic loader resolves it.
loaded_lzma() {
    "$@" 2>&1 | awk '$1 == "liblzma.so.5" && $2 == "=>" { print $3 }'
}

cd "$tmp"
{
    for i in $(seq 1 15000); do echo "record $i: the quick brown fox, again"; done
    cat "$xz"
    cat "$lib"
} > corpus

if [ "$mode" = shared ]; then
    got=$(loaded_lzma "${qemu_cross[@]}" -E LD_TRACE_LOADED_OBJECTS=1 "$prog")
    [ "$(realpath "$got" 2>/dev/null)" = "$libdir/liblzma.so.5" ] ||
        fail "$(basename "$prog") loads '$got', not $libdir/liblzma.so.5"
else
    if readelf -d "$prog" | awk '/NEEDED/ && /liblzma/ { n++ } END { exit !n }'; then
        fail "$(basename "$prog") needs a liblzma.so"
    fi
fi

"${qemu_cross[@]}" "$prog" corpus ours.xz > prog.out 2>&1 || {
    rc=$?
    cat prog.out >&2
    fail "$(basename "$prog") exited with $rc"
}
grep -q '^PASS$' prog.out || { cat prog.out >&2; fail "no PASS"; }
head -n 1 prog.out

# Debian's xz on Debian's liblzma reads what ours wrote.
"${qemu_debian[@]}" -E "LD_LIBRARY_PATH=$debian_libs" "$xz" -dc ours.xz > back ||
    fail "Debian's xz could not decompress our .xz"
cmp -s back corpus || fail "Debian's xz read our .xz back wrong"

if [ "$mode" = shared ]; then
    on_ours=(-E "LD_LIBRARY_PATH=$libdir")
    on_debian=(-E "LD_LIBRARY_PATH=$debian_libs")
    got=$(loaded_lzma "${qemu_debian[@]}" "${on_ours[@]}" -E LD_TRACE_LOADED_OBJECTS=1 "$xz")
    [ "$(realpath "$got" 2>/dev/null)" = "$libdir/liblzma.so.5" ] ||
        fail "Debian's xz loads '$got', not ours"
    for opts in "-6 -T1" "-1e -T2 --check=sha256" "--format=lzma -3"; do
        # shellcheck disable=SC2086
        "${qemu_debian[@]}" "${on_ours[@]}" "$xz" $opts -c < corpus > a.xz ||
            fail "xz $opts on our liblzma exited with $?"
        # shellcheck disable=SC2086
        "${qemu_debian[@]}" "${on_debian[@]}" "$xz" $opts -c < corpus > b.xz ||
            fail "xz $opts on Debian's liblzma exited with $?"
        cmp -s a.xz b.xz || fail "xz $opts: output differs from Debian's liblzma's"
        "${qemu_debian[@]}" "${on_ours[@]}" "$xz" -dc < b.xz > back ||
            fail "xz -d on our liblzma exited with $?"
        cmp -s back corpus || fail "xz $opts -d on our liblzma: not the corpus"
        echo "xz $opts: $(wc -c < a.xz) bytes, as on Debian's liblzma, and back"
    done
    versions=$("${qemu_debian[@]}" "${on_ours[@]}" "$xz" --version | tr '\n' ' ')
    echo "Debian's xz on our liblzma.so.5: $versions"
fi
echo "ok ($mode, $arch)"
