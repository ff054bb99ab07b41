#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real, unmodified zlib users from Debian's archive (12; for riscv64, which
# 12 lacks, 13 with its C library), run as guests against the GTL with
# passthrough, compared with the same programs on Debian's own libz.so.1
# for that architecture:
#   pigz -p 4      compression on 4 threads: byte-identical output
#   pigz -d        decompression (zlib's inflateBack with pigz's callbacks)
#   minizip -9     through libminizip: byte-identical archive
#   miniunzip -x   extraction
#   optipng        through libpng, which gives zlib its own zalloc/zfree:
#                  those streams run on the host all the same, their
#                  blocks asked of libpng's allocator through paused host
#                  calls (the host never calls guest code); byte-identical
#                  PNGs, from a PPM and then re-optimised
#   python3        CPython's zlib module (its own allocator too): one-shot,
#                  streams with copies, gzip and raw windows, checksums;
#                  the same output as on Debian's zlib
# Each passthrough run must count host calls, and the entries each program
# is known to use.
#
# usage: run_debian_programs_test.sh ARCH DEBIAN_ROOT RUNNER PLUGIN HTL GTL
#                                    [QEMU PATH]
#   QEMU: the qemu-ARCH binary, or "system" (default) for the one on PATH;
#   PATH: the control path the plugin's stats must name (default
#   syscall-entry; "filter" on the project-built filter QEMU).
set -euo pipefail

arch=$1 root=$2 runner=$3 plugin=$4 htl=$5 gtl=$6
qemu=${7:-system} control_path=${8:-syscall-entry}
tmp=${TEST_TMPDIR:-$(mktemp -d)}
root=$(realpath "$root")
runner=$(realpath "$runner")
gtl_dir=$(dirname "$(realpath "$gtl")")
libdir=$root/usr/lib/$arch-linux-gnu
# Debian 12 keeps libz.so.1 in /lib, 13 (merged /usr) in /usr/lib.
zlibdir=$root/lib/$arch-linux-gnu
[ -e "$zlibdir/libz.so.1" ] || zlibdir=$libdir
common=(--arch "$arch" --plugin "$(realpath "$plugin")" --gtl-dir "$gtl_dir"
        --htl-dir "$(dirname "$(realpath "$htl")")")
[ "$qemu" = system ] || common+=(--qemu "$(realpath "$qemu")")
# Programs that came with their C library (riscv64's, from Debian 13) run
# on it: it is their sysroot.
[ ! -e "$libdir/libc.so.6" ] || common+=(-L "$root")

fail() {
    echo "FAIL (Debian programs, $arch): $*" >&2
    exit 1
}

# pt NAME ENTRY... -- CMD...: with passthrough; the listed entries must have
# run on the host.
pt() {
    local name=$1 entries=() e got
    shift
    while [ "$1" != -- ]; do
        entries+=("$1")
        shift
    done
    shift
    "$runner" "${common[@]}" --stats="$tmp/$name.stats" \
        -E "LD_LIBRARY_PATH=$gtl_dir:$libdir:$tmp/lib" -- "$@" ||
        fail "$name exited with $?"
    got=$(awk '$1 == "control_path" { print $2 }' "$tmp/$name.stats")
    [ "$got" = "$control_path" ] ||
        fail "$name: control path '$got', expected '$control_path'"
    for e in "${entries[@]}"; do
        got=$(awk -v e="${e}_HTL" '$1 == "call" && $3 == e { print $4 }' \
            "$tmp/$name.stats")
        [ "${got:-0}" -gt 0 ] || fail "$name: $e did not run on the host"
    done
    echo "$name: $(awk '$1 == "host_calls" { print $2 }' "$tmp/$name.stats") host calls," \
        "$(awk '$1 == "memory_map_reloads" { print $2 }' "$tmp/$name.stats") map reloads," \
        "$(awk '$1 == "pointer_table_misses" { print $2 }' "$tmp/$name.stats") table misses" >&2
}

# not_called NAME ENTRY...: after pt NAME, none of these entries ran.
not_called() {
    local name=$1 e got
    shift
    for e in "$@"; do
        got=$(awk -v e="${e}_HTL" '$1 == "call" && $3 == e { print $4 }' \
            "$tmp/$name.stats")
        [ "${got:-0}" = 0 ] || fail "$name: $e ran on the host ($got calls)"
    done
}

own() {
    "$runner" "${common[@]}" --no-gtl -E "LD_LIBRARY_PATH=$zlibdir:$libdir" \
        -- "$@" || fail "own-zlib run of $* exited with $?"
}

# The libraries Debian puts beside its libz.so.1 (libexpat), without it,
# for the passthrough runs.
mkdir -p "$tmp/lib"
for f in "$zlibdir"/*; do
    case $(basename "$f") in
    libz.so*) ;;
    *) ln -sf "$f" "$tmp/lib/" ;;
    esac
done

cd "$tmp"
{
    for i in $(seq 1 40000); do echo "record $i: the quick brown fox, again"; done
    head -c 1500000 "$root/usr/bin/pigz"
    head -c 1500000 "$libdir/libminizip.so.1"
} > corpus

pt pigz crc32 deflate deflateInit2_ -- "$root/usr/bin/pigz" -p 4 -n -c < corpus > pt.gz
own "$root/usr/bin/pigz" -p 4 -n -c < corpus > own.gz
cmp -s pt.gz own.gz || fail "pigz output differs from Debian's zlib's"
pt pigz_d inflate inflateInit2_ -- "$root/usr/bin/pigz" -d -c < own.gz > back
cmp -s back corpus || fail "pigz -d did not give the corpus back"

cp corpus data.txt
pt minizip deflate crc32 -- "$root/usr/bin/minizip" -o -9 pt.zip data.txt > /dev/null
own "$root/usr/bin/minizip" -o -9 own.zip data.txt > /dev/null
cmp -s pt.zip own.zip || fail "minizip archive differs from Debian's zlib's"
mkdir -p out
pt miniunzip inflate -- "$root/usr/bin/miniunzip" -x -o own.zip -d out > /dev/null
cmp -s out/data.txt corpus || fail "miniunzip did not extract the corpus"

# A 256x256 image of text bytes: compressible, but not trivially.
{ printf 'P6\n256 256\n255\n'; head -c 196608 corpus; } > image.ppm
pt optipng crc32 deflateInit2__ga deflate deflateEnd_ga ga_resume -- \
    "$root/usr/bin/optipng" -quiet -o2 -out pt.png image.ppm
# With libpng's allocator, never through the default allocator's entries.
not_called optipng deflateInit2_ deflateEnd
own "$root/usr/bin/optipng" -quiet -o2 -out own.png image.ppm
cmp -s pt.png own.png || fail "optipng's PNG differs from Debian's zlib's"
pt optipng_png crc32 inflate_ga inflateEnd_ga ga_resume -- \
    "$root/usr/bin/optipng" -quiet -o3 -out pt3.png own.png
not_called optipng_png inflateInit_ inflateInit2_ inflateEnd
own "$root/usr/bin/optipng" -quiet -o3 -out own3.png own.png
cmp -s pt3.png own3.png || fail "optipng -o3 differs from Debian's zlib's"
# CPython's zlib module, as a script would use it: every result hashed.
cat > zlib_user.py <<'EOF'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
out = []
for level in (1, 6, 9):
    c = zlib.compress(data, level)
    assert zlib.decompress(c) == data
    out.append(c)
for wbits in (31, -12):
    o = zlib.compressobj(6, zlib.DEFLATED, wbits, 9, zlib.Z_FILTERED)
    half = o.compress(data[:len(data) // 2])
    copy = o.copy()
    tail = o.compress(data[len(data) // 2:]) + o.flush()
    out += [half + tail, half + copy.flush()]
    d = zlib.decompressobj(47 if wbits > 0 else wbits)
    back = d.decompress(half + tail, 65536)
    while d.unconsumed_tail:
        back += d.decompress(d.unconsumed_tail, 65536)
    assert back + d.flush() == data
for c in out:
    print(len(c), zlib.crc32(c), zlib.adler32(c))
print(zlib.crc32(data))
# Whose zlib ran (Debian 13's is 1.3.1, the host's 1.2.13): not compared.
print('zlib', zlib.ZLIB_RUNTIME_VERSION, file=sys.stderr)
EOF
python=$(ls "$root"/usr/bin/python3.[0-9]* | head -n 1)
py=("$python" -S zlib_user.py corpus)
pt python crc32 deflateInit2__ga deflate deflateCopy_ga inflate_ga \
    inflateEnd_ga ga_resume -- "${py[@]}" > pt.py.txt
not_called python deflateInit2_ inflateInit2_
own "${py[@]}" > own.py.txt
cmp -s pt.py.txt own.py.txt || fail "python's zlib results differ from Debian's zlib's"

echo "ok: pigz (4 threads, -d), minizip, miniunzip, optipng, $(basename "$python"):" \
    "same results as on Debian's zlib, with host calls counted"
