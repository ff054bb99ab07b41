#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Passthrough without the runner, in a user and mount namespace with a
# binfmt_misc instance of its own (Linux 6.7 and later), so the host's
# registrations are never touched:
#   binfmt  qemu-passthrough --binfmt=install registers an entry for
#           aarch64 programs; Debian's arm64 pigz then runs as ./pigz, with
#           passthrough, and an arm64 python3 that runs pigz as a
#           subprocess gets host calls in both processes; after
#           --binfmt=remove, ./pigz no longer runs there at all.
#   chroot  an arm64 Debian tree (Debian's packages as setup unpacked them,
#           with the C library of Debian's libc6-arm64-cross) readied by
#           --install-gtl and entered with chroot: its own /usr/bin/pigz,
#           and its python3 running pigz, with host calls in every
#           process; --install-gtl refuses to overwrite a file of the
#           tree's and leaves the tree as it was; --remove-gtl leaves it
#           exactly as it was before.
#
# usage: run_namespace_test.sh binfmt|chroot RUNNER INTERP PLUGIN HTL GTL
#                              DEBIAN_ROOT
set -euo pipefail

mode=$1
runner=$(realpath "$2") interp=$(realpath "$3") plugin=$(realpath "$4")
htl_dir=$(dirname "$(realpath "$5")") gtl_dir=$(dirname "$(realpath "$6")")
debian=$(realpath "$7")
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/$mode.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export tmp runner interp plugin htl_dir gtl_dir debian

fail() {
    echo "FAIL ($mode): $*" >&2
    exit 1
}

unshare --user --map-root-user --mount true ||
    fail "no user namespace here (unshare --user --map-root-user --mount)"

# host_calls DIR: every process's stats in DIR (a file each) must count
# host calls; prints how many processes there were.
host_calls() {
    local f n=0
    for f in "$1"/*; do
        [ -e "$f" ] || fail "no stats in $1"
        awk '$1 == "host_calls" { exit !($2 > 0) }' "$f" ||
            fail "$(basename "$f"): no host calls"
        n=$((n + 1))
    done
    echo "$n"
}

# The script run in the namespace, as root there: mounts its binfmt_misc
# and registers the aarch64 entry, then runs the mode's part.
inside_start='
set -euo pipefail
mkdir "$tmp/binfmt"
mount -t binfmt_misc binfmt_misc "$tmp/binfmt"
export PT_BINFMT_DIR=$tmp/binfmt PT_BINFMT_STATE=$tmp/state
export PT_BINFMT_INTERP=$interp
paths=(--plugin "$plugin" --htl-dir "$htl_dir" --gtl-dir "$gtl_dir")
'

binfmt_test() {
    local python
    cp "$debian/usr/bin/pigz" "$tmp/pigz"
    python=$(ls "$debian"/usr/bin/python3.[0-9]* | head -n 1)
    export python libs=$debian/usr/lib/aarch64-linux-gnu:$debian/lib/aarch64-linux-gnu
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
    cat > "$tmp/inside.sh" <<SH
$inside_start
cd "\$tmp"
mkdir stats
LD_LIBRARY_PATH_GUEST=\$libs "\$runner" --binfmt=install --guest=aarch64 \\
    "\${paths[@]}" --stats="\$tmp/stats"
"\$runner" --binfmt=status --guest=aarch64 > status.txt
cat status.txt
grep -q 'qemu-passthrough-aarch64 registered, enabled, flags PF' status.txt
./pigz -c in.txt > in.gz
./pigz -d -c in.gz > back.txt
cmp in.txt back.txt
"\$python" -S -B sub.py > py.txt
# A configuration the interpreter does not understand: one clear line.
conf=state/qemu-passthrough-aarch64.conf
cp "\$conf" conf.good
echo "bogus line" >> "\$conf"
rc=0
./pigz -V 2> bad.txt || rc=\$?
cat bad.txt
[ "\$rc" = 126 ]
grep -q '^qemu-passthrough-binfmt: .*\\.conf: a line of an unknown kind\$' bad.txt
cp conf.good "\$conf"
"\$runner" --binfmt=remove --guest=aarch64
[ ! -e binfmt/qemu-passthrough-aarch64 ]
[ ! -e state/qemu-passthrough-aarch64 ]
[ ! -e state/qemu-passthrough-aarch64.conf ]
# No entry left: the kernel cannot run an arm64 program here.
if ./pigz -V 2> after.txt; then
    echo "./pigz still ran after --binfmt=remove"
    exit 1
fi
SH
    unshare --user --map-root-user --mount bash "$tmp/inside.sh" ||
        fail "in the namespace: exited with $?"
    # Two pigz runs, the one python started a third; python itself one.
    [ "$(host_calls "$tmp/stats")" = 4 ] ||
        fail "expected 4 processes' stats: $(ls "$tmp/stats")"
    [ -n "$(ls "$tmp/stats/$(basename "$python")".*)" ] || fail "no stats of python"
    grep -q '^python [0-9]* pigz [0-9]*$' "$tmp/py.txt" ||
        fail "python: $(cat "$tmp/py.txt")"
    echo "ok: ./pigz, and python3 running ./pigz, through binfmt_misc with" \
        "passthrough: $(ls "$tmp/stats" | paste -sd ' ')"
}

chroot_test() {
    local cross=/usr/aarch64-linux-gnu/lib l
    # The tree: real files (the unpacked packages are links into Bazel's
    # cache), and the C library where an arm64 Debian system has it.
    export root=$tmp/root
    mkdir "$root"
    cp -rL "$debian/." "$root/"
    rm -rf "$root/debs" "$root"/.done-* "$root/.packages"
    mkdir -p "$root/lib/aarch64-linux-gnu" "$root/proc" "$root/tmp"
    cp -L "$cross/ld-linux-aarch64.so.1" "$root/lib/"
    for l in "$cross"/lib*.so.[0-9]*; do
        cp -L "$l" "$root/lib/aarch64-linux-gnu/"
    done
    (cd "$root" && find . -printf '%p %s %m %y\n' | LC_ALL=C sort) > "$tmp/before.txt"
    seq 1 100000 > "$tmp/in.txt"
    cat > "$tmp/inside.sh" <<SH
$inside_start
"\$runner" --binfmt=install --guest=aarch64 "\${paths[@]}"
own=\$root/usr/lib/qemu-passthrough/aarch64-linux-gnu/libz.so.1
# A file of the tree's where a GTL would go: refused, nothing left.
mkdir -p "\$(dirname "\$own")"
echo "the tree's own" > "\$own"
if "\$runner" --install-gtl="\$root" "\${paths[@]}" 2> "\$tmp/refused.txt"; then
    echo "--install-gtl overwrote the tree's own libz.so.1"
    exit 1
fi
cat "\$tmp/refused.txt"
grep -q "exists: the tree's own file is not overwritten" "\$tmp/refused.txt"
[ "\$(cat "\$own")" = "the tree's own" ]
[ "\$(ls -A "\$root/usr/lib/qemu-passthrough")" = aarch64-linux-gnu ]
rm -r "\$root/usr/lib/qemu-passthrough"

"\$runner" --install-gtl="\$root" "\${paths[@]}" --stats=/tmp/stats
mkdir "\$root/tmp/stats"
cp "\$tmp/in.txt" "\$root/tmp/in.txt"
mount --rbind /proc "\$root/proc"
chroot "\$root" /usr/bin/pigz -c /tmp/in.txt > "\$tmp/out.gz"
python=\$(cd "\$root" && ls usr/bin/python3.[0-9]* | head -n 1)
chroot "\$root" "/\$python" -S -B -c '
import subprocess, zlib
data = open("/tmp/in.txt", "rb").read()
packed = zlib.compress(data, 6)
out = subprocess.run(["/usr/bin/pigz", "-c", "/tmp/in.txt"], check=True,
                     stdout=subprocess.PIPE).stdout
assert zlib.decompress(out, 31) == data and zlib.decompress(packed) == data
print("python: zlib and pigz agree")'
umount -l "\$root/proc"
mv "\$root/tmp/stats" "\$tmp/stats"
rm "\$root/tmp/in.txt"
"\$runner" --remove-gtl="\$root"
SH
    unshare --user --map-root-user --mount bash "$tmp/inside.sh" ||
        fail "in the namespace: exited with $?"
    gzip -dc "$tmp/out.gz" | cmp -s - "$tmp/in.txt" || fail "pigz's output is not the input's"
    # pigz, python3, the pigz python started.
    [ "$(host_calls "$tmp/stats")" = 3 ] ||
        fail "expected stats of 3 processes: $(ls "$tmp/stats")"
    (cd "$root" && find . -printf '%p %s %m %y\n' | LC_ALL=C sort) > "$tmp/after.txt"
    diff "$tmp/before.txt" "$tmp/after.txt" >&2 ||
        fail "the tree is not as it was before --install-gtl"
    echo "ok: the tree's own pigz and python3 (and the pigz it ran) with host" \
        "calls in a chroot: $(ls "$tmp/stats" | paste -sd ' '); the tree" \
        "restored exactly"
}

case "$mode" in
binfmt) binfmt_test ;;
chroot) chroot_test ;;
*) echo "usage: run_namespace_test.sh binfmt|chroot RUNNER INTERP PLUGIN HTL GTL DEBIAN_ROOT" >&2
   exit 2 ;;
esac
