#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The GTL must export exactly what the real library exports, with the same
# symbol versions and SONAME: compared with Debian's own library of that
# SONAME (DEBIAN: Debian's binary for that guest; by default the host's)
# and with the real library built for the same guest.
#
# usage: run_exports_test.sh ARCH SONAME GTL REAL [DEBIAN...]
set -euo pipefail

arch=$1 want_soname=$2 gtl=$3 guest_lib=$4
debian=${5:-/lib/x86_64-linux-gnu/$want_soname}
debian_objdump=/usr/bin/objdump
[ -z "${5:-}" ] || debian_objdump=/usr/bin/$arch-linux-gnu-objdump
objdump=/usr/bin/$arch-linux-gnu-objdump
readelf=/usr/bin/$arch-linux-gnu-readelf
tmp=${TEST_TMPDIR:-$(mktemp -d)}

# "VERSION NAME" for each defined global symbol (functions, data, version
# nodes), sorted.
exports() {
    "$1" -T "$2" | awk '$2 == "g" && $4 != "*UND*" { print $(NF - 1), $NF }' |
        sort
}

exports "$debian_objdump" "$(readlink -f "$debian")" > "$tmp/debian.txt"
exports "$objdump" "$gtl" > "$tmp/gtl.txt"
exports "$objdump" "$guest_lib" > "$tmp/guest.txt"
[ "$(wc -l < "$tmp/debian.txt")" -gt 10 ] || {
    echo "FAIL: could not read the exports of Debian's $want_soname" >&2
    exit 1
}
for ref in debian guest; do
    if ! cmp -s "$tmp/$ref.txt" "$tmp/gtl.txt"; then
        echo "FAIL ($arch): GTL exports differ from $ref $want_soname:" >&2
        diff "$tmp/$ref.txt" "$tmp/gtl.txt" >&2 || true
        exit 1
    fi
done
soname=$("$readelf" -d "$gtl" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$want_soname" ] || { echo "FAIL: SONAME '$soname'" >&2; exit 1; }
echo "ok: $(wc -l < "$tmp/gtl.txt") exported symbols and versions match," \
    "SONAME $soname"
