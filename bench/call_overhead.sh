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
# usage: call_overhead.sh [--scale N] [ARCH...]   (default: all guests)
set -euo pipefail

runfiles=${RUNFILES_DIR:-$0.runfiles}/qemu_passthrough
runner=$runfiles/tools/qemu-passthrough
plugin=$runfiles/plugin/libpassthrough.so
# The plugin loads HTLs only as regular files directly in htl_dir (runfiles
# are symbolic links): the directory the genrule really wrote them to.
htl_dir=$(dirname "$(readlink -f "$runfiles/bench/htl/libz_HTL.so")")

scale=1
if [ "${1:-}" = --scale ]; then
    scale=$2
    shift 2
fi
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 aarch64 riscv64)

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
echo "| guest | empty fn native | empty fn emulated | HTL nop gate | HTL nop syscall | crc32/16B native | crc32/16B emulated | crc32/16B gate | crc32/16B syscall | gate/syscall |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for arch in "${arches[@]}"; do
    prog=$runfiles/bench/call_overhead_$arch
    common=(--arch "$arch" --plugin "$plugin" --htl-dir "$htl_dir"
            --gtl-dir "$runfiles/bench/gtl_$arch")
    emu=$("$runner" "${common[@]}" --no-gtl \
        -E "LD_LIBRARY_PATH=$runfiles/bench/guest_zlib_$arch" "$prog" "$scale")
    gate=$("$runner" "${common[@]}" -E PASSTHROUGH_TRANSPORT=gate "$prog" "$scale")
    sys=$("$runner" "${common[@]}" -E PASSTHROUGH_TRANSPORT=syscall "$prog" "$scale")
    grep -q '^transport gate' <<<"$gate" || { echo "the gate was not used: $gate" >&2; exit 1; }
    grep -q '^transport syscall' <<<"$sys" || { echo "the syscall path was not used" >&2; exit 1; }
    g_nop=$(pick htl_nop <<<"$gate")
    s_nop=$(pick htl_nop <<<"$sys")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.3f |\n' "$arch" \
        "$n_empty" "$(pick empty <<<"$emu")" "$g_nop" "$s_nop" \
        "$n_crc" "$(pick crc32_16 <<<"$emu")" "$(pick crc32_16 <<<"$gate")" \
        "$(pick crc32_16 <<<"$sys")" \
        "$(awk -v g="$g_nop" -v s="$s_nop" 'BEGIN { print g / s }')"
done
echo
echo "ns per call, best of 3 runs; gate/syscall compares the HTL nop entry."
