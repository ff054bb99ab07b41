#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Call-overhead benchmark runner: per guest, side by side in one run,
# nanoseconds per call of
#   - an empty function: native on the host, and emulated in the guest;
#   - an empty HTL entry: through the gate, and through the syscall path;
#   - crc32 over 16 bytes: native, emulated, through the gate and the
#     syscall path;
# and the ratio gate/syscall. Figures, not a timed test.
# Each guest runs in three set-ups, one row each: Debian's stock qemu-user
# 7.2 (plugin control plane: syscall-entry callback, QEMU answers -ENOSYS),
# and the project-built filter QEMU (10.2 + qemu-patches/) first with the
# same syscall-entry control plane (plugin argument control=syscall-entry),
# then with the filter claiming the syscall: the last two compare the
# control paths on one QEMU. --stock-only runs the first only.
# usage: call_overhead.sh [--scale N] [--stock-only] [--arch=ARCH[,ARCH]]
#                         [ARCH...]      (default: all guests)
set -euo pipefail

top=${RUNFILES_DIR:-$0.runfiles}
runfiles=$top/qemu_passthrough
runner=$runfiles/tools/qemu-passthrough
# shellcheck source=bench_args.sh
source "$runfiles/bench/bench_args.sh"

usage() {
    cat <<USAGE
usage: $bench_name [--scale N] [--stock-only] [--arch=ARCH[,ARCH...]] [ARCH...]
Nanoseconds per call (empty function, HTL nop entry, crc32 of 16 bytes):
native, emulated, through the gate and the syscall path, per guest, on
Debian's qemu-user and on the filter QEMU.
  --arch=ARCH[,ARCH...]  guests: x86_64, aarch64, riscv64, all (default all;
                         repeatable; bare ARCH arguments mean the same)
  --scale N              multiply the calls per measurement by N (default 1)
  --stock-only           Debian's qemu-user only, not the filter QEMU
  -h, --help             this text
USAGE
}
bench_usage_fn=usage

scale=1 qemus=(stock filter-entry filter)
bench_arches=()
while [ $# -gt 0 ]; do
    case "$1" in
    --scale|--scale=*)
        if [ "$1" = --scale ]; then
            [ $# -ge 2 ] || bench_usage_error "--scale needs a number"
            scale=$2
            shift
        else
            scale=${1#*=}
        fi
        [[ $scale =~ ^[1-9][0-9]*$ ]] ||
            bench_usage_error "--scale wants a positive whole number, not '$scale'"
        shift ;;
    --stock-only) qemus=(stock); shift ;;
    --arch=*) bench_add_arches "${1#*=}"; shift ;;
    --arch) [ $# -ge 2 ] || bench_usage_error "--arch needs a value"
            bench_add_arches "$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) bench_usage_error "unknown option '$1'" ;;
    *) bench_add_arches "$1"; shift ;;
    esac
done
[ ${#bench_arches[@]} -gt 0 ] || bench_add_arches all
arches=("${bench_arches[@]}")

# The plugin loads HTLs only as regular files directly in htl_dir (runfiles
# are symbolic links): the directory the genrule really wrote them to.
htl_dir=$(dirname "$(readlink -f "$runfiles/bench/htl/libz_HTL.so")")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# result NAME VALUE -> VALUE
pick() {
    awk -v k="$1" '$1 == "result" && $2 == k { print $3 }'
}

# Native: the x86_64 build run on the host itself, with the host's zlib.
native=$(env LD_LIBRARY_PATH=/lib/x86_64-linux-gnu \
    "$runfiles/bench/call_overhead_x86_64" "$scale")
n_empty=$(pick empty <<<"$native")
n_crc=$(pick crc32_16 <<<"$native")

echo
echo "| guest | qemu | control path | empty fn native | empty fn emulated | HTL nop gate | HTL nop syscall | crc32/16B native | crc32/16B emulated | crc32/16B gate | crc32/16B syscall | gate/syscall |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for arch in "${arches[@]}"; do
    prog=$runfiles/bench/call_overhead_$arch
    for q in "${qemus[@]}"; do
        if [ "$q" = stock ]; then
            qemu=$(command -v "qemu-$arch")
            plugin=$runfiles/plugin/libpassthrough.so
            path=syscall-entry
        else
            qemu=$top/filter_qemu/bin/qemu-$arch
            plugin=$runfiles/plugin/libpassthrough_filter.so
            path=${q#filter-}
            [ "$path" != entry ] || path=syscall-entry
        fi
        version=$("$qemu" --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')
        common=(--arch "$arch" --qemu "$qemu" --plugin "$plugin"
                --htl-dir "$htl_dir" --gtl-dir "$runfiles/bench/gtl_$arch"
                --plugin-arg "control=$path" --stats="$tmp/stats")
        emu=$("$runner" "${common[@]}" --no-gtl \
            -E "LD_LIBRARY_PATH=$runfiles/bench/guest_zlib_$arch" "$prog" "$scale")
        # Every call to the host: these rows measure the transports (the
        # adaptive dispatcher would keep 16-byte checksums in the guest).
        gate=$("$runner" "${common[@]}" -E PASSTHROUGH_DISPATCH=host \
            -E PASSTHROUGH_TRANSPORT=gate "$prog" "$scale")
        sys=$("$runner" "${common[@]}" -E PASSTHROUGH_DISPATCH=host \
            -E PASSTHROUGH_TRANSPORT=syscall "$prog" "$scale")
        grep -q '^transport gate' <<<"$gate" || { echo "the gate was not used: $gate" >&2; exit 1; }
        grep -q '^transport syscall' <<<"$sys" || { echo "the syscall path was not used" >&2; exit 1; }
        grep -qx "control_path $path" "$tmp/stats" ||
            { echo "the plugin did not use control path $path" >&2; exit 1; }
        g_nop=$(pick htl_nop <<<"$gate")
        s_nop=$(pick htl_nop <<<"$sys")
        printf '| %s | %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.3f |\n' \
            "$arch" "${q%-entry}" "$version" "$path" \
            "$n_empty" "$(pick empty <<<"$emu")" "$g_nop" "$s_nop" \
            "$n_crc" "$(pick crc32_16 <<<"$emu")" "$(pick crc32_16 <<<"$gate")" \
            "$(pick crc32_16 <<<"$sys")" \
            "$(awk -v g="$g_nop" -v s="$s_nop" 'BEGIN { print g / s }')"
    done
done
echo
echo "ns per call, best of 3 runs; gate/syscall compares the HTL nop entry."
echo "The syscall columns go through the control path: syscall-entry answers"
echo "from the syscall-entry callback (QEMU then runs the unknown syscall and"
echo "returns -ENOSYS); filter claims the syscall and QEMU skips it."
