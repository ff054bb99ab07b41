#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Transparent execution: qemu-passthrough --binfmt=install registers an
# entry for aarch64 programs, and Debian's arm64 pigz then runs as
# ./pigz, with passthrough; an arm64 python3 that runs pigz as a
# subprocess gets host calls in both processes. All inside a user and
# mount namespace with a binfmt_misc instance of its own (Linux 6.7 and
# later), so the host's registrations are never touched; and after
# --binfmt=remove, ./pigz no longer runs there at all.
#
# usage: run_binfmt_test.sh RUNNER INTERP PLUGIN HTL GTL DEBIAN_ROOT
set -euo pipefail

runner=$(realpath "$1") interp=$(realpath "$2") plugin=$(realpath "$3")
htl_dir=$(dirname "$(realpath "$4")") gtl_dir=$(dirname "$(realpath "$5")")
root=$(realpath "$6")
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/binfmt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
libs=$root/usr/lib/aarch64-linux-gnu:$root/lib/aarch64-linux-gnu

fail() {
    echo "FAIL (binfmt): $*" >&2
    exit 1
}

unshare --user --map-root-user --mount true ||
    fail "no user namespace here (unshare --user --map-root-user --mount)"

cp "$root/usr/bin/pigz" "$tmp/pigz"
python=$(ls "$root"/usr/bin/python3.[0-9]* | head -n 1)
seq 1 200000 > "$tmp/in.txt"
cat > "$tmp/sub.py" <<'PY'
import subprocess, sys, zlib
data = open('in.txt', 'rb').read()
packed = zlib.compress(data, 6)
out = subprocess.run(['./pigz', '-c', 'in.txt'], check=True,
                     stdout=subprocess.PIPE).stdout
back = zlib.decompress(out, 31)
assert back == data and zlib.decompress(packed) == data
print('python', len(packed), 'pigz', len(out))
PY

# In the namespace: as root there, with a binfmt_misc instance of its own.
cat > "$tmp/inside.sh" <<'SH'
set -euo pipefail
cd "$tmp"
mkdir binfmt stats
mount -t binfmt_misc binfmt_misc binfmt
export PT_BINFMT_DIR=$tmp/binfmt PT_BINFMT_STATE=$tmp/state
export PT_BINFMT_INTERP=$interp
LD_LIBRARY_PATH_GUEST=$libs "$runner" --binfmt=install --guest=aarch64 \
    --plugin "$plugin" --htl-dir "$htl_dir" --gtl-dir "$gtl_dir" \
    --stats="$tmp/stats"
"$runner" --binfmt=status --guest=aarch64 > status.txt
cat status.txt
grep -q 'qemu-passthrough-aarch64 registered, enabled, flags PF' status.txt

./pigz -c in.txt > in.gz
./pigz -d -c in.gz > back.txt
cmp in.txt back.txt
"$python" -S sub.py > py.txt

"$runner" --binfmt=remove --guest=aarch64
[ ! -e binfmt/qemu-passthrough-aarch64 ]
[ ! -e state/qemu-passthrough-aarch64 ] && [ ! -e state/qemu-passthrough-aarch64.conf ]
# No entry left: the kernel cannot run an arm64 program here.
if ./pigz -V 2> after.txt; then
    echo "./pigz still ran after --binfmt=remove"
    exit 1
fi
SH
export tmp runner interp plugin htl_dir gtl_dir libs python
unshare --user --map-root-user --mount bash "$tmp/inside.sh" ||
    fail "in the namespace: exited with $?"

# host_calls NAME: each process NAME's stats (a file per process).
calls() {
    local f n=0
    for f in "$tmp/stats/$1".*; do
        [ -e "$f" ] || fail "no stats of $1"
        awk '$1 == "host_calls" { exit !($2 > 0) }' "$f" ||
            fail "$1: no host calls in $(basename "$f")"
        n=$((n + 1))
    done
    echo "$n"
}
# Two pigz runs, the one python started a third; python itself one.
[ "$(calls pigz)" = 3 ] || fail "expected 3 pigz processes' stats: $(ls "$tmp/stats")"
[ "$(calls "$(basename "$python")")" = 1 ] || fail "expected python's stats"
grep -q '^python [0-9]* pigz [0-9]*$' "$tmp/py.txt" || fail "python: $(cat "$tmp/py.txt")"
echo "ok: ./pigz and python3 -> ./pigz ran through binfmt_misc with" \
    "passthrough: $(ls "$tmp/stats" | paste -sd ' ')"
