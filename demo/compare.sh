#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the demo side by side, in one run, for each guest asked for:
#   native       the x86_64 build on the host itself, with Debian's libz
#   emulated     the guest program and the guest's own zlib under qemu-user
#   gtl-fallback the GTL in place of libz.so.1, no plugin (guest zlib)
#   passthrough  the GTL with the plugin: zlib runs on the host
# and prints the times and the speed-up of passthrough over emulation.
# Each guest runs on two QEMUs, a row each: Debian's stock qemu-user 7.2
# (plugin control plane: syscall-entry) and the project-built filter QEMU
# (10.2 + qemu-patches/, control plane: syscall filter); --stock-only skips
# the second.
# usage: compare.sh [--stock-only] [--arch=ARCH[,ARCH...]] [ARCH...]
#        (default: aarch64; "all" for every guest)
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: compare.sh [--stock-only] [--arch=ARCH[,ARCH...]] [ARCH...]
The demo (8 MiB, compress2 level 9, uncompress) native, emulated, on the
GTL without the plugin, and with passthrough, per guest, on Debian's
qemu-user and on the filter QEMU.
  ARCH, --arch=ARCH      guests: x86_64, aarch64, riscv64, all (default
                         aarch64)
  --stock-only           Debian's qemu-user only, not the filter QEMU
  -h, --help             this text
USAGE
}
bad_usage() {
    echo "compare: $*" >&2
    usage >&2
    exit 2
}

qemus=(stock filter)
arches=()
add_arches() {
    local item list
    IFS=, read -ra list <<<"$1"
    [ ${#list[@]} -gt 0 ] || bad_usage "--arch needs a guest name"
    for item in "${list[@]}"; do
        case "$item" in
        all) arches+=(x86_64 aarch64 riscv64) ;;
        x86_64|aarch64|riscv64) arches+=("$item") ;;
        *) bad_usage "unknown guest '$item' (x86_64, aarch64, riscv64, all)" ;;
        esac
    done
}
while [ $# -gt 0 ]; do
    case "$1" in
    --stock-only) qemus=(stock); shift ;;
    --arch=*) add_arches "${1#*=}"; shift ;;
    --arch) [ $# -ge 2 ] || bad_usage "--arch needs a value"
            add_arches "$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$1'" ;;
    *) add_arches "$1"; shift ;;
    esac
done
[ ${#arches[@]} -gt 0 ] || arches=(aarch64)
# Each guest once, in the order given.
mapfile -t arches < <(printf '%s\n' "${arches[@]}" | awk '!seen[$0]++')

top=${RUNFILES_DIR:-$0.runfiles}
runfiles=$top/qemu_passthrough
runner=$runfiles/tools/qemu-passthrough
# The plugin loads HTLs only as regular files directly in htl_dir (runfiles
# are symbolic links): the directory the HTL really is in.
htl_dir=$(dirname "$(readlink -f "$runfiles/libs/libz_HTL.so")")

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

printf '\n%-8s %-13s %-13s %10s %12s %15s %15s %9s %11s\n' guest qemu \
    "control path" "native ms" "emulated ms" "gtl-fallback ms" \
    "passthrough ms" "speed-up" "host calls"
for arch in "${arches[@]}"; do
    demo=$runfiles/demo/demo_$arch
    gtl_dir=$runfiles/demo/gtl_$arch
    guest_zlib_dir=$runfiles/demo/guest_zlib_$arch
    [ -f "$demo" ] || { echo "no demo for guest '$arch'" >&2; exit 2; }
    for q in "${qemus[@]}"; do
        if [ "$q" = stock ]; then
            qemu=$(command -v "qemu-$arch")
            plugin=$runfiles/plugin/libpassthrough.so
            path=syscall-entry
        else
            qemu=$top/filter_qemu/bin/qemu-$arch
            plugin=$runfiles/plugin/libpassthrough_filter.so
            path=filter
        fi
        version=$("$qemu" --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')
        common=(--arch "$arch" --qemu "$qemu" --plugin "$plugin"
                --htl-dir "$htl_dir" --gtl-dir "$gtl_dir")
        emulated=$(run_one emu "$runner" "${common[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$guest_zlib_dir" "$demo")
        fallback=$(run_one fb "$runner" "${common[@]}" --no-passthrough "$demo")
        pass=$(run_one pt "$runner" "${common[@]}" "$demo")
        calls=$(sed -n 's/^passthrough: yes (\([0-9]*\) host calls)/\1/p' "$tmp/pt.out")
        [ -n "$calls" ] || { echo "passthrough was not used:" >&2; cat "$tmp/pt.out" >&2; exit 1; }
        printf '%-8s %-13s %-13s %10s %12s %15s %15s %8.2fx %11s\n' "$arch" \
            "$q $version" "$path" "$native" "$emulated" "$fallback" "$pass" \
            "$(awk -v e="$emulated" -v p="$pass" 'BEGIN { print e / p }')" "$calls"
    done
done
echo
echo "8 MiB payload, compress2 level 9 + uncompress; speed-up = emulated / passthrough"
echo "(both on the same QEMU)."
