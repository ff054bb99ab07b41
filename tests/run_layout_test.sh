#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The GTL's SIZED functions (libs/zlib/gtl_sized.c) keep the layout that makes
# their guest path no slower than the guest's own zlib under qemu-user:
# each exported function has zlib's code inlined (it is at least as big as
# zlib's own z_crc32_z or z_adler32_z), and the function and its host path
# gtl_x_NAME_host (gtl/wrap.h's GTL_WRAP_SIZED) lie in one 4 KiB page (qemu-user 7.2 chains translation blocks
# only within a page).
#
# usage: run_layout_test.sh ARCH GTL
set -euo pipefail

arch=$1 gtl=$2
readelf=/usr/bin/$arch-linux-gnu-readelf
page=4096

# "ADDRESS SIZE" of a function symbol (.symtab: the plain name).
sym() {
    "$readelf" -sW "$gtl" | awk -v n="$1" '$4 == "FUNC" && $8 == n {
        print $2, $3; exit }'
}

fail=0
for f in crc32 crc32_z adler32 adler32_z; do
    read -r _ zsize <<<"$(sym "z_${f%_z}_z")" || true
    lo= hi= missing=0
    for s in "$f" "gtl_x_${f}_host"; do
        read -r addr size <<<"$(sym "$s")" || true
        if [ -z "${addr:-}" ]; then
            echo "FAIL ($arch): no symbol $s in the GTL" >&2
            fail=1 missing=1
            continue
        fi
        start=$((16#$addr))
        end=$((start + size))
        if [ "$s" = "$f" ] && [ "$size" -lt "${zsize:-1000000}" ]; then
            echo "FAIL ($arch): $f is $size bytes, z_${f%_z}_z ${zsize:-?}:" \
                "zlib's code not inlined" >&2
            fail=1
        fi
        if [ -z "$lo" ] || [ "$start" -lt "$lo" ]; then
            lo=$start
        fi
        if [ -z "$hi" ] || [ "$end" -gt "$hi" ]; then
            hi=$end
        fi
    done
    [ "$missing" = 0 ] || continue
    if [ $((lo / page)) != $(((hi - 1) / page)) ]; then
        printf 'FAIL (%s): %s and gtl_x_%s_host span 0x%x-0x%x, more than one page\n' \
            "$arch" "$f" "$f" "$lo" "$hi" >&2
        fail=1
    else
        printf 'ok: %s and gtl_x_%s_host in page 0x%x (%d bytes)\n' \
            "$f" "$f" $((lo / page * page)) $((hi - lo))
    fi
done
exit $fail
