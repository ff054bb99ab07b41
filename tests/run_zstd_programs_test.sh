#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# libzstd's users, unmodified, run as guests against the GTL with
# passthrough and compared with the same programs on Debian's own
# libzstd.so.1 for that architecture:
#   zstd       the command from Debian's libzstd source, dynamically linked
#              (Debian's own zstd carries a static libzstd and never loads
#              libzstd.so.1: //deps:zstd): levels 1, 3 and 19, --long=27,
#              -T2, -d, --train on a sample set, -D with that dictionary
#   dpkg-deb   Debian's: -b -Zzstd of a package tree, --fsys-tarfile of
#              that .deb
# Where the guest's own libzstd is another version than the host's (the
# riscv64 guest's is Debian 13's 1.5.7, the host's 12's 1.5.4), frames
# are compared with those of Debian's amd64 zstd (1.5.4) on the host
# instead: the host's libzstd makes them. Each passthrough run must count
# host calls, and the entries each program is known to use.
#
# usage: run_zstd_programs_test.sh ZSTD NATIVE_ROOT ARCH DEBIAN_ROOT RUNNER
#                                  PLUGIN HTL GTL [QEMU PATH]
#   ZSTD: the zstd command built for ARCH; NATIVE_ROOT: Debian's amd64
#   packages (its zstd); the rest as programs_lib.sh says.
set -euo pipefail

zstd=$(realpath "$1") native=$(realpath "$2")/usr/bin/zstd
shift 2
# shellcheck source=programs_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/programs_lib.sh"
programs_setup "zstd programs" libzstd.so.1 'Z(STD|DICT)_' "$@"

{
    for i in $(seq 1 20000); do echo "record $i: the quick brown fox, again"; done
    head -c 600000 "$zstd"
} > corpus

# The reference for compressed output: the same zstd on Debian's own
# libzstd, or, if that is not the host's version, Debian's amd64 zstd.
own_version=$(basename "$(readlink -f "$ownlibdir/libzstd.so.1")")
host_version=$(basename "$(readlink -f /usr/lib/x86_64-linux-gnu/libzstd.so.1)")
ref() {
    if [ "$own_version" = "$host_version" ]; then
        own "$zstd" "$@"
    else
        LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu "$native" "$@"
    fi
}

for opts in -1 -3 -19 "-3 -T2" "--long=27 -3"; do
    name=zstd${opts// /}
    # shellcheck disable=SC2086
    pt "$name" ZSTD_compressStream2 -- "$zstd" $opts -c < corpus > pt.zst
    # shellcheck disable=SC2086
    ref $opts -c < corpus > ref.zst
    same "zstd $opts" pt.zst ref.zst
done
own "$zstd" -3 -c < corpus > own.zst
pt zstd-d ZSTD_decompressStream -- "$zstd" -d -c < own.zst > back
cmp -s back corpus || fail "zstd -d did not give the corpus back"
own "$zstd" --long=27 -3 -c < corpus > own.long.zst
pt zstd-d-long ZSTD_decompressStream -- "$zstd" -d --long=27 -c < own.long.zst > back
cmp -s back corpus || fail "zstd -d --long=27 did not give the corpus back"

# A dictionary trained on small samples, then used both ways.
mkdir -p samples
for i in $(seq 1 300); do
    printf 'sample %d: {"id": %d, "name": "user%d", "tags": ["a", "b", "c%d"]}\n' \
        "$i" "$i" "$((i % 17))" "$((i % 5))" > "samples/s$i.json"
done
pt zstd-train ZDICT_optimizeTrainFromBuffer_fastCover -- \
    "$zstd" --train samples/* --maxdict=4096 -o pt.dict > /dev/null 2>&1
ref --train samples/* --maxdict=4096 -o ref.dict > /dev/null 2>&1
same "zstd --train" pt.dict ref.dict
cat samples/* > joined
pt zstd-D ZSTD_CCtx_loadDictionary ZSTD_compressStream2 -- \
    "$zstd" -D ref.dict -3 -c < joined > pt.dzst
ref -D ref.dict -3 -c < joined > ref.dzst
same "zstd -D" pt.dzst ref.dzst
pt zstd-D-d ZSTD_DCtx_loadDictionary ZSTD_decompressStream -- \
    "$zstd" -D ref.dict -d -c < ref.dzst > back
cmp -s back joined || fail "zstd -D -d did not give the samples back"

# dpkg-deb: -b -Zzstd of a tree (timestamps fixed: the same .deb twice),
# then --fsys-tarfile of it.
dpkg_deb=$root/usr/bin/dpkg-deb
mkdir -p pkg/DEBIAN pkg/usr/share/demo
printf 'Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: demo\n test package\n' \
    > pkg/DEBIAN/control
cp corpus pkg/usr/share/demo/corpus
find pkg -exec touch -h -d @1700000000 {} +
export SOURCE_DATE_EPOCH=1700000000
pt dpkg-deb-b ZSTD_compressStream2 -- \
    "$dpkg_deb" --root-owner-group -b -Zzstd pkg pt.deb > /dev/null
if [ "$own_version" = "$host_version" ]; then
    own "$dpkg_deb" --root-owner-group -b -Zzstd pkg own.deb > /dev/null
    same "dpkg-deb -b -Zzstd" pt.deb own.deb
fi
pt dpkg-deb-x ZSTD_decompressStream -- "$dpkg_deb" --fsys-tarfile pt.deb > pt.tar
own "$dpkg_deb" --fsys-tarfile pt.deb > own.tar
same "dpkg-deb --fsys-tarfile" pt.tar own.tar

echo "ok: zstd (-1, -3, -19, -T2, --long=27, -d, --train, -D), dpkg-deb" \
    "(-b -Zzstd, --fsys-tarfile): same results as on $([ "$own_version" = "$host_version" ] &&
        echo "Debian's libzstd" || echo "Debian's zstd 1.5.4 (the guest's own is $own_version)"),"\
    "with host calls counted"
