#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package on this machine, for real (as root; otherwise it says
# it skipped and passes): apt-get install ./qemu-passthrough_*.deb, then
# /usr/bin/qemu-passthrough --check for aarch64, then Debian's arm64 pigz
# through /usr/bin/qemu-passthrough with no path given (compress on 2
# threads and decompress; the output checked with the host's gzip, host
# calls counted by the plugin's stats), then the installed
# --binfmt=install in a user and mount namespace with a binfmt_misc of its
# own: the same pigz started as ./pigz, host calls counted; then apt-get
# purge, and nothing of the package may be left: dpkg -L lists nothing, its
# files and folders are gone, and so is what --binfmt=install copied. It changes the machine's package state: tagged exclusive, and it
# refuses to run if the package is installed already (it would remove it).
# usage: run_deb_install_test.sh DEB DEBIAN_ARM64_ROOT
set -euo pipefail

deb=$(realpath "$1") root=$(realpath "$2")
pkg=qemu-passthrough

fail() {
    echo "FAIL (package install): $*" >&2
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: not root, so the package cannot be installed here"
    exit 0
fi
state=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
case "$state" in
''|un*) ;;
*) fail "$pkg is on this machine already ($state); the test would remove it: apt-get purge $pkg first" ;;
esac

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/deb.XXXXXX")
installed=0
cleanup() {
    if [ $installed = 1 ]; then
        apt-get purge -y -qq "$pkg" > /dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive

# apt reads the file as its own user (_apt): a copy it can read.
chmod 0755 "$tmp"
cp "$deb" "$tmp/"
chmod 0644 "$tmp/$(basename "$deb")"
echo "apt-get install ./$(basename "$deb")"
installed=1
(cd "$tmp" && apt-get install -y -qq --no-install-recommends \
    "./$(basename "$deb")") > "$tmp/apt.log" 2>&1 ||
    { cat "$tmp/apt.log" >&2; fail "apt-get install failed"; }
dpkg -L "$pkg" > "$tmp/files"
for f in /usr/bin/qemu-passthrough /usr/lib/qemu-passthrough/libpassthrough.so \
         /usr/lib/qemu-passthrough/libz_HTL.so \
         /usr/lib/qemu-passthrough/aarch64-linux-gnu/libz.so.1 \
         /usr/lib/qemu-passthrough/riscv64-linux-gnu/libz.so.1 \
         /usr/lib/qemu-passthrough/x86_64-linux-gnu/libz.so.1 \
         /usr/lib/qemu-passthrough/libbz2_HTL.so \
         /usr/lib/qemu-passthrough/aarch64-linux-gnu/libbz2.so.1.0 \
         /usr/lib/qemu-passthrough/libzstd_HTL.so \
         /usr/lib/qemu-passthrough/aarch64-linux-gnu/libzstd.so.1 \
         /usr/share/man/man1/qemu-passthrough.1.gz \
         /usr/share/doc/qemu-passthrough/copyright \
         /usr/share/doc/qemu-passthrough/changelog.gz; do
    grep -qx "$f" "$tmp/files" || fail "the package has no $f"
    [ -f "$f" ] || fail "$f is not on the machine"
done
echo "installed: $(grep -c . "$tmp/files") paths"

# Its own diagnosis, from the installed paths.
rc=0
/usr/bin/qemu-passthrough --check --guest=aarch64 > "$tmp/check" 2>&1 || rc=$?
sed 's/^/    | /' "$tmp/check"
[ $rc = 0 ] || fail "--check found a problem (status $rc)"
grep -qx "layout: installed (/usr)" "$tmp/check" || fail "--check: not the installed layout"

# Debian's arm64 pigz, its zlib calls on the host.
cd "$tmp"
{
    for i in $(seq 1 20000); do echo "record $i: the quick brown fox, again"; done
    head -c 1000000 "$root/usr/bin/pigz"
} > corpus
# pt NAME ENTRY... -- ARGS: pigz ARGS through the installed runner; the
# entries must have run on the host.
pt() {
    local name=$1 e got
    shift
    local entries=()
    while [ "$1" != -- ]; do
        entries+=("$1")
        shift
    done
    shift
    /usr/bin/qemu-passthrough --stats="$tmp/$name.stats" -- "$root/usr/bin/pigz" "$@" ||
        fail "pigz $* exited with $?"
    got=$(awk '$1 == "host_calls" { print $2 }' "$tmp/$name.stats")
    [ "${got:-0}" -gt 0 ] || fail "$name: no call ran on the host"
    for e in "${entries[@]}"; do
        got=$(awk -v e="${e}_HTL" '$1 == "call" && $3 == e { print $4 }' \
            "$tmp/$name.stats")
        [ "${got:-0}" -gt 0 ] || fail "$name: $e did not run on the host"
    done
    echo "$name: $(awk '$1 == "host_calls" { print $2 }' "$tmp/$name.stats") host calls" \
        "($(awk '$1 == "control_path" { print $2 }' "$tmp/$name.stats"))" >&2
}
pt pigz deflate crc32 -- -p 2 -n -c < corpus > pt.gz
gzip -dc pt.gz | cmp -s - corpus || fail "pigz's output does not decompress to the corpus"
gzip -9n -c corpus > host.gz
pt pigz_d inflate -- -d -c < host.gz > back
cmp -s back corpus || fail "pigz -d did not give the corpus back"

# Transparent: binfmt_misc in a namespace of its own, the installed
# interpreter, copied to the default place (/var/lib/qemu-passthrough).
cp "$root/usr/bin/pigz" "$tmp/pigz"
mkdir "$tmp/binfmt" "$tmp/binfmt_stats"
unshare --user --map-root-user --mount sh -c '
    set -e
    mount -t binfmt_misc binfmt_misc "$0/binfmt"
    PT_BINFMT_DIR=$0/binfmt qemu-passthrough --binfmt=install --guest=aarch64 \
        --stats="$0/binfmt_stats"
    cd "$0" && ./pigz -n -c < corpus > binfmt.gz' "$tmp" ||
    fail "pigz through binfmt_misc exited with $?"
cmp -s binfmt.gz pt.gz || fail "./pigz gave other bytes than pigz through the runner"
[ -e /var/lib/qemu-passthrough/binfmt/qemu-passthrough-aarch64 ] ||
    fail "--binfmt=install copied no interpreter to /var/lib/qemu-passthrough/binfmt"
n=$(cat "$tmp"/binfmt_stats/pigz.* | awk '$1 == "host_calls" { print $2 }')
[ "${n:-0}" -gt 0 ] || fail "./pigz: no call ran on the host"
echo "./pigz through binfmt_misc: $n host calls" >&2

# Purge: nothing of it may be left.
cd /
apt-get purge -y -qq "$pkg" > "$tmp/apt.log" 2>&1 ||
    { cat "$tmp/apt.log" >&2; fail "apt-get purge failed"; }
installed=0
left=$(dpkg -L "$pkg" 2>/dev/null || true)
[ -z "$left" ] || fail "dpkg -L still lists: $left"
state=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
case "$state" in
''|un*) ;;
*) fail "dpkg still knows $pkg: $state" ;;
esac
while read -r f; do
    # Folders other packages share (/usr, /usr/bin, ...) stay.
    case "$f" in
    /.|/usr|/usr/bin|/usr/lib|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man1|/usr/share/lintian|/usr/share/lintian/overrides) continue ;;
    esac
    if [ -e "$f" ] || [ -L "$f" ]; then
        fail "$f is still there after purge"
    fi
done < "$tmp/files"
[ ! -e /var/lib/qemu-passthrough ] ||
    fail "/var/lib/qemu-passthrough (--binfmt=install's copies) is still there after purge"
echo "ok: installed, --check clean, arm64 pigz with host calls counted (by the runner and as ./pigz through binfmt_misc), purged without a trace"
