#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the demo side by side, in one run, for each guest asked for:
#   native       the x86_64 build on the host itself, with Debian's libz
#   emulated     the guest program and the guest's own zlib under qemu-user
#   gtl-fallback the GTL in place of libz.so.1, no plugin (guest zlib)
#   passthrough  the GTL with the plugin: zlib runs on the host
# and prints the times and the speed-up of passthrough over emulation.
# usage: compare.sh [ARCH...]   (default: aarch64; "all" for every guest)
set -euo pipefail

runfiles=${RUNFILES_DIR:-$0.runfiles}/qemu_passthrough
runner=$runfiles/tools/qemu-passthrough
plugin=$runfiles/plugin/libpassthrough.so
# The plugin loads HTLs only as regular files directly in htl_dir (runfiles
# are symbolic links): the directory the HTL really is in.
htl_dir=$(dirname "$(readlink -f "$runfiles/htl/libz_HTL.so")")

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(aarch64)
[ "${arches[0]}" != all ] || arches=(x86_64 aarch64 riscv64)

total_ms() {
    awk '$1 == "total:" { print $2 }'
}

run_one() {
    local label=$1
    shift
    local out
    if ! out=$("$@" 2>&1); then
        echo "demo failed ($label):" >&2
        echo "$out" >&2
        exit 1
    fi
    grep -q '^round trip: OK' <<<"$out" || { echo "$out" >&2; exit 1; }
    echo "$out" > "$tmp/$label.out"
    total_ms <<<"$out"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Native: the x86_64 demo on the host, with the host's own zlib.
native=$(run_one native env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu \
    "$runfiles/demo/demo_x86_64")

printf '\n%-8s %12s %12s %14s %14s %9s %11s\n' guest "native ms" \
    "emulated ms" "gtl-fallback ms" "passthrough ms" "speed-up" "host calls"
for arch in "${arches[@]}"; do
    demo=$runfiles/demo/demo_$arch
    gtl_dir=$runfiles/demo/gtl_$arch
    guest_zlib_dir=$runfiles/demo/guest_zlib_$arch
    [ -f "$demo" ] || { echo "no demo for guest '$arch'" >&2; exit 2; }
    common=(--arch "$arch" --plugin "$plugin" --htl-dir "$htl_dir"
            --gtl-dir "$gtl_dir")
    emulated=$(run_one emu "$runner" "${common[@]}" --no-gtl \
        -E "LD_LIBRARY_PATH=$guest_zlib_dir" "$demo")
    fallback=$(run_one fb "$runner" "${common[@]}" --no-passthrough "$demo")
    pass=$(run_one pt "$runner" "${common[@]}" "$demo")
    calls=$(sed -n 's/^passthrough: yes (\([0-9]*\) host calls)/\1/p' "$tmp/pt.out")
    [ -n "$calls" ] || { echo "passthrough was not used:" >&2; cat "$tmp/pt.out" >&2; exit 1; }
    printf '%-8s %12s %12s %14s %14s %8.2fx %11s\n' "$arch" "$native" \
        "$emulated" "$fallback" "$pass" \
        "$(awk -v e="$emulated" -v p="$pass" 'BEGIN { print e / p }')" "$calls"
done
echo
echo "8 MiB payload, compress2 level 9 + uncompress; speed-up = emulated / passthrough."
