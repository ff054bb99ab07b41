#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real, unmodified libbz2 users from Debian's archive (12; riscv64's from
# 13), run as guests against the GTL with passthrough and compared with the
# same programs on Debian's own libbz2.so.1.0 for that architecture:
#   bzip2      -1 to -9 from stdin, -d, -t, -k on files, a corrupt and a
#              truncated file (the same exit status and message): its I/O
#              goes through libbz2's FILE functions (BZ2_bzWriteOpen,
#              BZ2_bzRead, ...), which the GTL runs over host streams
#   bunzip2, bzcat  decompression of what bzip2 made, and of two streams
#              one after the other (BZ2_bzReadGetUnused)
#   python3    CPython's bz2 module: one-shot at levels 1 and 9, the
#              incremental compressor (its own allocator: through the
#              paused _ga entries) and decompressor with max_length,
#              bz2.open, multi-stream data
# Each passthrough run must count host calls, and the entries each program
# is known to use.
#
# usage: run_bz2_programs_test.sh ARCH DEBIAN_ROOT RUNNER PLUGIN HTL GTL
#                                 [QEMU PATH]   (programs_lib.sh)
set -euo pipefail

# shellcheck source=programs_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/programs_lib.sh"
programs_setup "bz2 programs" libbz2.so.1.0 BZ2_ "$@"

# Debian 12 has it in /bin, 13 (merged /usr) in /usr/bin.
bzip2=$root/bin/bzip2
[ -e "$bzip2" ] || bzip2=$root/usr/bin/bzip2
{
    for i in $(seq 1 6000); do echo "record $i: the quick brown fox, again"; done
    head -c 250000 "$bzip2"
} > corpus

for level in 1 2 3 4 5 6 7 8 9; do
    pt "bzip2-$level" BZ2_bzCompressInit BZ2_bzCompress BZ2_bzCompressEnd -- \
        "$bzip2" "-$level" -c < corpus > pt.bz2
    own "$bzip2" "-$level" -c < corpus > own.bz2
    same "bzip2 -$level" pt.bz2 own.bz2
done
pt bzip2-d BZ2_bzDecompressInit BZ2_bzDecompress BZ2_bzDecompressEnd -- \
    "$bzip2" -d -c < own.bz2 > back
cmp -s back corpus || fail "bzip2 -d did not give the corpus back"
pt bzip2-t BZ2_bzDecompress -- "$bzip2" -t own.bz2
# Files, as bzip2 is mostly run: -k keeps the input, makes FILE.bz2.
cp corpus file && rm -f file.bz2
pt bzip2-k BZ2_bzCompress -- "$bzip2" -9 -k file
same "bzip2 -k" file.bz2 own.bz2
rm file
pt bunzip2 BZ2_bzDecompress -- "${bzip2%/*}/bunzip2" file.bz2
cmp -s file corpus || fail "bunzip2 did not give the corpus back"
# Two streams in one file: bzcat reads the second from what the first left.
cat own.bz2 own.bz2 > two.bz2
pt bzcat BZ2_bzDecompress -- "${bzip2%/*}/bzcat" two.bz2 > back
cat corpus corpus | cmp -s - back || fail "bzcat of two streams did not give the corpus twice"

# Damaged data: the same verdict and message as on Debian's libbz2.
head -c 20000 own.bz2 > cut.bz2
{ head -c 5000 own.bz2; printf 'XXXXXXXX'; tail -c +5009 own.bz2; } > bad.bz2
for f in cut bad; do
    pt_rc=0 own_rc=0
    "$runner" "${common[@]}" --stats="$tmp/$f.stats" \
        -E "LD_LIBRARY_PATH=$gtl_dir:$tmp/lib:$libdir" -- "$bzip2" -t "$f.bz2" \
        2> "pt.$f.err" || pt_rc=$?
    "$runner" "${common[@]}" --no-gtl -E "LD_LIBRARY_PATH=$ownlibdir:$libdir" \
        -- "$bzip2" -t "$f.bz2" 2> "own.$f.err" || own_rc=$?
    [ "$pt_rc" != 0 ] && [ "$pt_rc" = "$own_rc" ] ||
        fail "bzip2 -t $f.bz2: exit status $pt_rc, Debian's libbz2's $own_rc"
    same "bzip2 -t $f.bz2's message" "pt.$f.err" "own.$f.err"
    [ "$(host_calls "$f")" -gt 0 ] || fail "bzip2 -t $f.bz2 made no host call"
done

# CPython's bz2 module, as a script would use it: every result hashed.
cat > bz2_user.py <<'PY'
import bz2, hashlib, sys
data = open(sys.argv[1], 'rb').read()
out = []
for level in (1, 9):
    c = bz2.compress(data, level)
    assert bz2.decompress(c) == data
    out.append(c)
comp = bz2.BZ2Compressor(5)
c = b''.join(comp.compress(data[i:i + 30000])
             for i in range(0, len(data), 30000)) + comp.flush()
out.append(c)
dec = bz2.BZ2Decompressor()
back = dec.decompress(c[:len(c) // 2], max_length=70000)
while not dec.needs_input:
    back += dec.decompress(b'', max_length=70000)
back += dec.decompress(c[len(c) // 2:], max_length=70000)
while not dec.eof:
    back += dec.decompress(b'', max_length=70000)
assert back == data
with bz2.open('py.bz2', 'wb', compresslevel=3) as f:
    f.write(data)
with bz2.open('py.bz2', 'rb') as f:
    assert f.read() == data
out.append(open('py.bz2', 'rb').read())
assert bz2.decompress(out[0] + out[1]) == data + data
for c in out:
    print(len(c), hashlib.sha256(c).hexdigest())
PY
python=$(ls "$root"/usr/bin/python3.[0-9]* | head -n 1)
py=("$python" -S bz2_user.py corpus)
# With Python's allocator: through the _ga entries, paused for the guest.
pt python BZ2_bzCompressInit_ga BZ2_bzCompress BZ2_bzDecompress ga_resume -- \
    "${py[@]}" > pt.py.txt
own "${py[@]}" > own.py.txt
same "python's bz2" pt.py.txt own.py.txt

echo "ok: bzip2 (-1 to -9, -d, -t, -k, damaged data), bunzip2, bzcat," \
    "$(basename "$python")'s bz2: same results as on Debian's libbz2," \
    "with host calls counted"
