#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real, unmodified liblzma users from Debian's archive (12; riscv64's from
# 13, xz 5.8 with its C library), run as guests against the GTL with
# passthrough and compared with the same programs on Debian's own
# liblzma.so.5 for that architecture:
#   xz         levels 0 to 9, -e, -T1 and -T2, -d, --list, --format=lzma
#              and --format=raw: byte-identical output; where xz has it
#              (riscv64's 5.8), --riscv, a filter the host's liblzma lacks:
#              on the guest's own liblzma, the same output, and decoded
#              (the host's decoder hands the stream over)
#   xzcat      decompression of what xz made
#   python3    CPython's lzma module (its own lzma_allocator: the streams
#              run on the host all the same, their blocks asked of Python's
#              allocator through paused host calls): one-shot, incremental
#              compressor and decompressor, filter chains, the three formats
#   dpkg-deb   --fsys-tarfile of Debian's own xz-utils package (data.tar.xz)
#              and -b -Zxz of a package tree: the same tar and .deb
# Each passthrough run must count host calls, and the entries each program
# is known to use.
#
# usage: run_xz_programs_test.sh ARCH DEBIAN_ROOT RUNNER PLUGIN HTL GTL
#                                [QEMU PATH]   (programs_lib.sh)
set -euo pipefail

# shellcheck source=programs_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/programs_lib.sh"
programs_setup "xz programs" liblzma.so.5 lzma_ "$@"

{
    for i in $(seq 1 6000); do echo "record $i: the quick brown fox, again"; done
    head -c 250000 "$root/usr/bin/xz"
} > corpus
xz=$root/usr/bin/xz

for opts in -0 -1 -2 -3 -4 -5 -6 -7 -8 -9 "-6e" "-6 -T1"; do
    name=xz${opts// /}
    # shellcheck disable=SC2086
    pt "$name" lzma_code -- "$xz" $opts -c < corpus > pt.xz
    # shellcheck disable=SC2086
    own "$xz" $opts -c < corpus > own.xz
    same "xz $opts" pt.xz own.xz
done
# Two threads, in blocks small enough for both to work.
pt xz-T2 lzma_stream_encoder_mt lzma_code -- \
    "$xz" -6 -T2 --block-size=65536 -c < corpus > pt.xz
own "$xz" -6 -T2 --block-size=65536 -c < corpus > own.xz
same "xz -T2" pt.xz own.xz
pt xz-d lzma_code -- "$xz" -d -c < own.xz > back
cmp -s back corpus || fail "xz -d did not give the corpus back"
pt xz-T2-d lzma_code -- "$xz" -d -T2 -c < own.xz > back
cmp -s back corpus || fail "xz -d -T2 did not give the corpus back"
cp own.xz list.xz
pt xz-list -- "$xz" --list --verbose list.xz > pt.list
own "$xz" --list --verbose list.xz > own.list
same "xz --list" pt.list own.list
for f in lzma raw; do
    enc=lzma_alone_encoder filter=--lzma1=preset=6
    [ $f = lzma ] || enc=lzma_raw_encoder filter=--lzma2=preset=6
    pt "xz-$f" "$enc" lzma_code -- "$xz" --format=$f $filter -c < corpus > pt.$f
    own "$xz" --format=$f $filter -c < corpus > own.$f
    same "xz --format=$f" pt.$f own.$f
    pt "xz-$f-d" lzma_code -- "$xz" --format=$f $filter -d -c < own.$f > back
    cmp -s back corpus || fail "xz --format=$f -d did not give the corpus back"
done
# A filter newer than the host's liblzma (5.8's RISC-V BCJ, riscv64's xz):
# the guest's own liblzma runs that stream, with the same output.
own "$xz" --long-help > xz-help.txt
if grep -q -- '--riscv' xz-help.txt; then
    pt xz-riscv -- "$xz" --riscv --lzma2=preset=1 -c < corpus > pt.rv
    own "$xz" --riscv --lzma2=preset=1 -c < corpus > own.rv
    same "xz --riscv" pt.rv own.rv
    # Decoding it: the host's decoder meets the filter in the data, after
    # the stream was set up on the host; the GTL gives the stream to the
    # guest's liblzma then, once the decoder has said so (set up on the
    # host: lzma_stream_decoder or, with threads, its _mt twin).
    for t in 1 2; do
        pt "xz-riscv-d-T$t" -- "$xz" -d -T$t -c < own.rv > back
        cmp -s back corpus || fail "xz -d -T$t of a --riscv stream did not give the corpus back"
        got=$(awk '$1 == "call" && $3 ~ /^lzma_stream_decoder(_mt)?_HTL$/ { n += $4 }
            END { print n + 0 }' "$tmp/xz-riscv-d-T$t.stats")
        [ "$got" -gt 0 ] || fail "xz -d -T$t of a --riscv stream set up no host decoder"
    done
    # And python's (lzma_auto_decoder, with Python's allocator).
    pt python-riscv-d lzma_auto_decoder_ga -- "$(ls "$root"/usr/bin/python3.[0-9]* | head -n 1)" -S -c \
        'import lzma, sys; sys.stdout.buffer.write(lzma.decompress(open("own.rv", "rb").read()))' > back
    cmp -s back corpus || fail "python's lzma.decompress of a --riscv stream did not give the corpus back"
fi
pt xzcat lzma_code -- "$root/usr/bin/xzcat" own.xz > back
cmp -s back corpus || fail "xzcat did not give the corpus back"

# CPython's lzma module, as a script would use it: every result hashed.
cat > lzma_user.py <<'EOF'
import hashlib, lzma, sys
data = open(sys.argv[1], 'rb').read()
out = []
for preset in (0, 6, 9 | lzma.PRESET_EXTREME):
    c = lzma.compress(data, preset=preset)
    assert lzma.decompress(c) == data
    out.append(c)
chain = [{'id': lzma.FILTER_DELTA, 'dist': 4},
         {'id': lzma.FILTER_LZMA2, 'preset': 6, 'nice_len': 64}]
for fmt, filters, check in ((lzma.FORMAT_XZ, chain, lzma.CHECK_SHA256),
                            (lzma.FORMAT_RAW, chain, -1),
                            (lzma.FORMAT_ALONE, None, -1)):
    comp = lzma.LZMACompressor(fmt, check=check, filters=filters)
    c = b''.join(comp.compress(data[i:i + 50000])
                 for i in range(0, len(data), 50000)) + comp.flush()
    out.append(c)
    dec = lzma.LZMADecompressor(fmt, filters=filters if fmt == lzma.FORMAT_RAW else None)
    back = dec.decompress(c[:len(c) // 2], max_length=70000)
    back += dec.decompress(c[len(c) // 2:], max_length=70000)
    while not dec.eof:
        back += dec.decompress(b'', max_length=70000)
    assert back == data
for c in out:
    print(len(c), hashlib.sha256(c).hexdigest())
print(lzma.is_check_supported(lzma.CHECK_CRC64))
EOF
python=$(ls "$root"/usr/bin/python3.[0-9]* | head -n 1)
py=("$python" -S lzma_user.py corpus)
# With Python's allocator: through the _ga entries, paused for the guest.
pt python lzma_code_ga lzma_end_ga ga_resume -- "${py[@]}" > pt.py.txt
own "${py[@]}" > own.py.txt
same "python's lzma" pt.py.txt own.py.txt

# dpkg-deb on a real package: xz-utils' own, whose data.tar is .xz.
deb=$(ls "$root"/debs/xz-utils_*.deb | head -n 1)
dpkg_deb=$root/usr/bin/dpkg-deb
pt dpkg-deb-x lzma_code -- "$dpkg_deb" --fsys-tarfile "$deb" > pt.tar
own "$dpkg_deb" --fsys-tarfile "$deb" > own.tar
same "dpkg-deb --fsys-tarfile" pt.tar own.tar
# And -b -Zxz of a tree (timestamps fixed: the same .deb twice).
mkdir -p pkg/DEBIAN pkg/usr/share/demo
printf 'Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: demo\n test package\n' \
    > pkg/DEBIAN/control
cp corpus pkg/usr/share/demo/corpus
find pkg -exec touch -h -d @1700000000 {} +
export SOURCE_DATE_EPOCH=1700000000
pt dpkg-deb-b lzma_code -- "$dpkg_deb" --root-owner-group -b -Zxz pkg pt.deb > /dev/null
own "$dpkg_deb" --root-owner-group -b -Zxz pkg own.deb > /dev/null
same "dpkg-deb -b -Zxz" pt.deb own.deb

echo "ok: xz (levels 0-9, -e, -T1, -T2, -d, --list, lzma, raw$([ ! -e pt.rv ] || echo ", riscv")), xzcat," \
    "$(basename "$python")'s lzma, dpkg-deb: same results as on Debian's" \
    "liblzma, with host calls counted"
