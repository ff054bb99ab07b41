#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qemu-passthrough --check on the built tree, with the real qemu-<arch>.
#   ok:       the plugin, HTL and GTLs as built, given on the command line
#             (one guest at a time), then the same files laid out as the
#             package installs them (PREFIX/bin, PREFIX/lib/qemu-passthrough)
#             and found with no option at all: every fact on its line, the
#             plugin loaded (API level 1 on Debian's QEMU), guest_base 0,
#             binfmt_misc read from a sample directory; no problem, status 0.
#   problems: an empty HTL directory, a missing GTL, a non-zero guest_base,
#             the filter plugin on Debian's QEMU: each a "problem: ...;
#             fix: ..." line naming the way out, and status 1; and the
#             runner without a plugin says so in one line (status 2).
# usage: run_check_test.sh ok|problems RUNNER PLUGIN FILTER_PLUGIN HTL
#                          GTL_X86_64 GTL_AARCH64 GTL_RISCV64
#   zlib's HTL and GTLs; the folders they really are in hold every
#   library's HTL, and every GTL of that guest.
set -euo pipefail

mode=$1 runner=$(realpath "$2") plugin=$(realpath "$3")
filter_plugin=$(realpath "$4") htl_dir=$(dirname "$(realpath "$5")")
declare -A gtl_dir=([x86_64]=$(dirname "$(realpath "$6")")
                    [aarch64]=$(dirname "$(realpath "$7")")
                    [riscv64]=$(dirname "$(realpath "$8")"))
# The libraries (their GTLs' names) and the HTL of each.
libs=(libz.so.1 liblzma.so.5 libbz2.so.1.0 libzstd.so.1)
declare -A htl_of=([libz.so.1]=libz_HTL.so [liblzma.so.5]=liblzma_HTL.so
                   [libbz2.so.1.0]=libbz2_HTL.so [libzstd.so.1]=libzstd_HTL.so)
tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
arches=(x86_64 aarch64 riscv64)
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=$((failed + 1))
}

# check ARGS...: $cmd --check (the runner as built, or installed); output
# in $tmp/out, status in $rc.
check() {
    rc=0
    "$cmd" --check "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
    sed 's/^/    | /' "$tmp/out"
    [ ! -s "$tmp/err" ] || sed 's/^/    stderr: /' "$tmp/err"
}

# has REGEX: a line of the last output matches (grep -E, whole line).
has() {
    grep -Eqx -- "$1" "$tmp/out" || fail "no line matching '$1'"
}

hasnt() {
    ! grep -Eq -- "$1" "$tmp/out" || fail "a line matches '$1'"
}

status() {
    [ "$rc" = "$1" ] || fail "exit status $rc, want $1"
}

# A binfmt_misc directory as the kernel shows it: one aarch64 entry (as
# Debian's qemu-user-binfmt registers it), none for riscv64.
binfmt=$tmp/binfmt
mkdir -p "$binfmt"
echo enabled > "$binfmt/status"
: > "$binfmt/register"
cat > "$binfmt/qemu-aarch64" <<'EOF'
enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POCF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
EOF
export PT_BINFMT_DIR=$binfmt

# The package's layout, from the built files: no option needed.
prefix=$tmp/prefix/usr
mkdir -p "$prefix/bin" "$prefix/lib/qemu-passthrough"
cp "$runner" "$prefix/bin/qemu-passthrough"
cp "$plugin" "$filter_plugin" "$prefix/lib/qemu-passthrough/"
for lib in "${libs[@]}"; do
    cp "$htl_dir/${htl_of[$lib]}" "$prefix/lib/qemu-passthrough/"
done
for a in "${arches[@]}"; do
    mkdir -p "$prefix/lib/qemu-passthrough/$a-linux-gnu"
    for lib in "${libs[@]}"; do
        cp "${gtl_dir[$a]}/$lib" "$prefix/lib/qemu-passthrough/$a-linux-gnu/"
    done
done
installed=$prefix/bin/qemu-passthrough
cmd=$runner

# guest_lines ARCH GTL_DIR: the lines of one guest with nothing wrong.
guest_lines() {
    local a=$1 g=$2 lib
    has "$a: qemu: /[^ ]*/qemu-$a, version [0-9]+\.[0-9.]+.*"
    for lib in "${libs[@]}"; do
        has "$a: ${lib//./\\.}: GTL $g/${lib//./\\.}"
    done
    has "$a: guest_base: 0 .*"
    has "$a: plugin: loads into qemu-$a; plugin API level 1 \(accepted by this QEMU\), control path syscall-entry"
    case $a in
    x86_64) has "$a: binfmt_misc: not needed .*" ;;
    aarch64) has "$a: sysroot: /usr/aarch64-linux-gnu"
             has "$a: binfmt_misc: qemu-aarch64 registered, enabled, flags POCF, interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P" ;;
    riscv64) has "$a: sysroot: /usr/riscv64-linux-gnu"
             has "$a: binfmt_misc: no entry for riscv64 programs in $binfmt .*" ;;
    esac
}

case "$mode" in
ok)
    for a in "${arches[@]}"; do
        echo "--check --guest=$a on the built tree:"
        check --guest="$a" --plugin "$plugin" --htl-dir "$htl_dir" \
            --gtl-dir "${gtl_dir[$a]}"
        status 0
        has "plugin: $plugin"
        has "htl_dir: $htl_dir"
        for lib in "${libs[@]}"; do
            has "${lib//./\\.}: HTL $htl_dir/${htl_of[$lib]}"
        done
        guest_lines "$a" "${gtl_dir[$a]}"
        has "summary: no problem found"
        hasnt "^problem:"
        # Only the guest asked for.
        for b in "${arches[@]}"; do
            [ "$b" = "$a" ] || hasnt "^$b: "
        done
    done
    echo "--check installed, every guest, no option:"
    cmd=$installed
    check
    status 0
    has "layout: installed \($prefix\)"
    has "plugin: $prefix/lib/qemu-passthrough/libpassthrough\.so"
    has "htl_dir: $prefix/lib/qemu-passthrough"
    for lib in "${libs[@]}"; do
        has "${lib//./\\.}: HTL $prefix/lib/qemu-passthrough/${htl_of[$lib]}"
    done
    for a in "${arches[@]}"; do
        guest_lines "$a" "$prefix/lib/qemu-passthrough/$a-linux-gnu"
    done
    has "summary: no problem found"
    # Installed, the runner runs a program with those files, no option.
    "$installed" --dry-run /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 \
        > "$tmp/out"
    has ".*LD_LIBRARY_PATH=$prefix/lib/qemu-passthrough/aarch64-linux-gnu -plugin $prefix/lib/qemu-passthrough/libpassthrough\.so\\\\,htl_dir=$prefix/lib/qemu-passthrough\\\\,.*"
    ;;
problems)
    mkdir -p "$tmp/empty"
    echo "--check with an empty HTL directory:"
    check --guest=aarch64 --plugin "$plugin" --htl-dir "$tmp/empty" \
        --gtl-dir "${gtl_dir[aarch64]}"
    status 1
    has "htl_dir: $tmp/empty"
    has "problem: libz\.so\.1: no HTL libz_HTL\.so in $tmp/empty; fix: .*--htl-dir.*"
    has "problem: liblzma\.so\.5: no HTL liblzma_HTL\.so in $tmp/empty; fix: .*--htl-dir.*"
    has "problem: libbz2\.so\.1\.0: no HTL libbz2_HTL\.so in $tmp/empty; fix: .*--htl-dir.*"
    has "problem: libzstd\.so\.1: no HTL libzstd_HTL\.so in $tmp/empty; fix: .*--htl-dir.*"
    has "summary: 4 problem\(s\)"

    echo "--check installed, riscv64's GTL gone:"
    cmd=$installed
    rm -r "$prefix/lib/qemu-passthrough/riscv64-linux-gnu"
    check --guest=riscv64
    status 1
    has "problem: riscv64: libz\.so\.1: no GTL in '$prefix/lib/qemu-passthrough/riscv64-linux-gnu'; fix: reinstall the package: apt-get install --reinstall qemu-passthrough"
    has "problem: riscv64: liblzma\.so\.5: no GTL in '$prefix/lib/qemu-passthrough/riscv64-linux-gnu'; fix: reinstall the package: apt-get install --reinstall qemu-passthrough"
    has "problem: riscv64: libbz2\.so\.1\.0: no GTL in '$prefix/lib/qemu-passthrough/riscv64-linux-gnu'; fix: reinstall the package: apt-get install --reinstall qemu-passthrough"
    has "problem: riscv64: libzstd\.so\.1: no GTL in '$prefix/lib/qemu-passthrough/riscv64-linux-gnu'; fix: reinstall the package: apt-get install --reinstall qemu-passthrough"
    has "riscv64: plugin: loads into qemu-riscv64; .*"
    has "summary: 4 problem\(s\)"

    echo "--check installed, -B 0x10000000:"
    check --guest=aarch64 -B 0x10000000
    status 1
    has "problem: aarch64: guest_base 0x10000000, not 0: passthrough turns itself off; fix: drop -B and QEMU_GUEST_BASE"

    echo "--check installed, the filter plugin on Debian's QEMU:"
    check --guest=aarch64 --plugin "$prefix/lib/qemu-passthrough/$(basename "$filter_plugin")" \
        --qemu "$(command -v qemu-aarch64)"
    status 1
    has "problem: aarch64: the plugin does not load \(status 1\): .*qemu_plugin_register_vcpu_syscall_filter_cb; fix: this QEMU has no syscall-filter API: .*"

    echo "--check installed, the plugin gone:"
    rm "$prefix/lib/qemu-passthrough/libpassthrough.so"
    check --guest=x86_64
    status 1
    has "problem: no plugin at '$prefix/lib/qemu-passthrough/libpassthrough\.so'; fix: reinstall the package: .*"
    has "x86_64: plugin: not tried \(no plugin\)"

    echo "running a program without the plugin:"
    rc=0
    "$installed" --arch x86_64 /bin/true > "$tmp/out" 2> "$tmp/err" || rc=$?
    cat "$tmp/err"
    status 2
    [ "$(wc -l < "$tmp/err")" = 1 ] || fail "not one line of error"
    grep -q "no plugin at '$prefix/lib/qemu-passthrough/libpassthrough.so' (reinstall" \
        "$tmp/err" || fail "the error does not name the plugin and the fix"
    ;;
*)
    echo "usage: run_check_test.sh ok|problems RUNNER ..." >&2
    exit 2
    ;;
esac

if [ $failed != 0 ]; then
    echo "$failed check(s) failed" >&2
    exit 1
fi
echo "ok: --check $mode"
