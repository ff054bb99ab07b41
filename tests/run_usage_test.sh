#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every command the project ships rejects an option or a guest name it does
# not know: exit status 2, nothing on stdout, on stderr first one line
# naming the bad input, then the usage text ("usage: ..."), and nothing
# run before that: apt-get, sudo, bazel, nginx, qemu and the builds are
# stubs here that record being called, and must not be.
# Then call_overhead with a guest as --arch=ARCH (it once took that for a
# guest named "--arch=ARCH" and printed an empty table) and as ARCH, on
# stand-ins for its programs: one table row, for that guest.
# Run from the workspace root (bazel test: the runfiles' one).
set -euo pipefail

root=$PWD
[ -f "$root/tools/setup.sh" ] || { echo "run me from the workspace root" >&2; exit 1; }
tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/usage.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A runfiles tree for the benchmark runners: qemu_passthrough is this root.
mkdir -p "$tmp/runfiles" "$tmp/stubs" "$tmp/work" "$tmp/cache"
ln -s "$root" "$tmp/runfiles/qemu_passthrough"
for s in apt-get apt-cache sudo bazel nginx dpkg-source ninja gnuplot \
         qemu-x86_64 qemu-aarch64 qemu-riscv64; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\nexit 97\n' "$s" "$tmp/stubs.log" \
        > "$tmp/stubs/$s"
    chmod +x "$tmp/stubs/$s"
done
: > "$tmp/stubs.log"

failed=0 checked=0

# run CMD ARGS...: the command with stubs first on PATH, a scratch cache
# and working directory; stdout, stderr and status in $tmp/out, err, rc.
run() {
    local rc=0
    (cd "$tmp/work" &&
        env PATH="$tmp/stubs:$PATH" PASSTHROUGH_CACHE="$tmp/cache" \
            RUNFILES_DIR="$tmp/runfiles" timeout 60 bash "$root/$@") \
        >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
    echo "$rc" > "$tmp/rc"
}

fail() {
    echo "FAIL: $*" >&2
    sed 's/^/    stderr: /' "$tmp/err" >&2
    sed 's/^/    stdout: /' "$tmp/out" >&2
    failed=$((failed + 1))
}

# rejects BAD CMD ARGS...: CMD ARGS must be refused, naming BAD.
rejects() {
    local bad=$1 rc first second
    shift
    checked=$((checked + 1))
    : > "$tmp/stubs.log"
    run "$@"
    rc=$(cat "$tmp/rc")
    first=$(sed -n 1p "$tmp/err")
    second=$(sed -n 2p "$tmp/err")
    if [ "$rc" != 2 ]; then
        fail "$*: exit status $rc, want 2"
    elif [ -s "$tmp/out" ]; then
        fail "$*: wrote to stdout"
    elif [[ $first != *"$bad"* ]]; then
        fail "$*: the first line of stderr does not name '$bad'"
    elif [[ $first == [Uu]sage:* ]] || [[ $second != [Uu]sage:* ]]; then
        fail "$*: not one line of error, then the usage"
    elif [ -s "$tmp/stubs.log" ]; then
        fail "$*: ran $(tr '\n' ';' < "$tmp/stubs.log") before refusing"
    elif [ -n "$(ls -A "$tmp/work")" ]; then
        fail "$*: wrote $(ls -A "$tmp/work") before refusing"
    else
        echo "ok   $* -> $first"
    fi
    rm -rf "${tmp:?}/work"/* "${tmp:?}/work"/.[!.]* 2>/dev/null || true
}

# call_overhead_row ARCH ARGS...: call_overhead.sh ARGS on stand-ins (the
# benchmark programs, the runner, qemu-ARCH --version) must print a table
# of one row, for ARCH, and hand the runner --arch ARCH.
call_overhead_row() {
    local arch=$1 rf=$tmp/rf-co rc=0 rows
    shift
    checked=$((checked + 1))
    rm -rf "$rf"
    mkdir -p "$rf/qemu_passthrough/bench/htl" "$rf/qemu_passthrough/tools" "$rf/bin"
    ln -s "$root/bench/call_overhead.sh" "$root/bench/bench_args.sh" \
        "$rf/qemu_passthrough/bench/"
    : > "$rf/qemu_passthrough/bench/htl/libz_HTL.so"
    : > "$rf/qemu_passthrough/bench/call_overhead_$arch"
    printf '#!/bin/sh\necho "result empty 1.0"\necho "result crc32_16 2.0"\n' \
        > "$rf/qemu_passthrough/bench/call_overhead_x86_64"
    cat > "$rf/qemu_passthrough/tools/qemu-passthrough" <<STUB
#!/bin/sh
echo "runner \$*" >> "$tmp/runner.log"
stats= transport=gate control=
for a in "\$@"; do
    case "\$a" in
    --stats=*) stats=\${a#--stats=} ;;
    PASSTHROUGH_TRANSPORT=*) transport=\${a#*=} ;;
    control=*) control=\${a#control=} ;;
    esac
done
[ -z "\$stats" ] || echo "control_path \$control" > "\$stats"
echo "transport \$transport"
printf 'result empty 3.0\nresult htl_nop 4.0\nresult crc32_16 5.0\n'
STUB
    printf '#!/bin/sh\necho "qemu-%s version 7.2.0"\n' "$arch" > "$rf/bin/qemu-$arch"
    chmod +x "$rf/qemu_passthrough/bench/call_overhead_x86_64" \
        "$rf/qemu_passthrough/tools/qemu-passthrough" "$rf/bin/qemu-$arch"
    : > "$tmp/runner.log"
    (cd "$tmp/work" && env PATH="$rf/bin:$PATH" RUNFILES_DIR="$rf" \
        timeout 60 bash "$rf/qemu_passthrough/bench/call_overhead.sh" "$@") \
        >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
    rows=$(grep '^| ' "$tmp/out" | grep -v '^| guest ' || true)
    if [ "$rc" != 0 ]; then
        fail "call_overhead.sh $*: exit status $rc"
    elif [ "$(wc -l <<<"$rows")" != 1 ] || [[ $rows != "| $arch | stock 7.2.0 |"* ]]; then
        fail "call_overhead.sh $*: not one row, for $arch: ${rows:-no row}"
    elif ! grep -q -- "--arch $arch " "$tmp/runner.log"; then
        fail "call_overhead.sh $*: the runner did not get --arch $arch"
    else
        echo "ok   call_overhead.sh $* -> $rows"
    fi
}

for cmd in tools/setup.sh tools/build-filter-qemu.sh tools/test.sh \
           tools/remote-cache.sh bench/report.sh bench/corpus.sh; do
    rejects --bogus "$cmd" --bogus
    rejects --arch=mips "$cmd" --arch=mips
done
rejects mips tools/remote-cache.sh mips
rejects bogus tools/test.sh --config=bogus
rejects mips tools/test.sh mips

rejects --bogus tools/demo.sh --bogus
rejects mips tools/demo.sh mips
rejects mips tools/demo.sh --arch=mips
rejects --bogus tools/demo.sh --bench --bogus
rejects mips tools/demo.sh --bench --arch=mips
rejects mips tools/demo.sh --bench mips

rejects --bogus tools/qemu-passthrough --bogus /bin/true
rejects mips tools/qemu-passthrough --arch=mips /bin/true
rejects mips tools/qemu-passthrough --arch mips /bin/true
rejects --bogus tools/qemu-passthrough --check --bogus
rejects mips tools/qemu-passthrough --check --guest=mips
rejects mips tools/qemu-passthrough --check --guest mips
rejects /bin/true tools/qemu-passthrough --check /bin/true
rejects bogus tools/qemu-passthrough --binfmt=bogus
rejects mips tools/qemu-passthrough --binfmt=status --guest=mips
rejects /bin/true tools/qemu-passthrough --binfmt=install /bin/true
rejects --stats tools/qemu-passthrough --binfmt=install --stats
rejects --check tools/qemu-passthrough --binfmt=status --check
rejects /bin/true tools/qemu-passthrough --install-gtl=/tmp /bin/true
rejects --stats tools/qemu-passthrough --install-gtl=/tmp --stats=stats
rejects --check tools/qemu-passthrough --remove-gtl=/tmp --check

rejects --bogus demo/compare.sh --bogus
rejects mips demo/compare.sh mips
rejects mips demo/compare.sh --arch=mips

for cmd in bench/call_overhead.sh bench/throughput.sh bench/crossover.sh \
           bench/program.sh bench/startup.sh bench/bench.sh; do
    rejects --bogus "$cmd" --bogus
    rejects mips "$cmd" --arch=mips
    rejects mips "$cmd" --arch=aarch64,mips
    rejects mips "$cmd" mips
done
rejects x bench/call_overhead.sh --scale x
rejects bogus bench/throughput.sh --clock=bogus

rejects --bogus packaging/build_deb.sh out.deb 0 packaging r m i --bogus
rejects bogus packaging/build_deb.sh out.deb 0 packaging r m i bogus

rejects --bogus bench/check_report.sh --bogus
rejects --arch=mips bench/check_report.sh --arch=mips
rejects mips bench/check_report.sh "$tmp" mips

call_overhead_row aarch64 --stock-only --arch=aarch64
call_overhead_row riscv64 --stock-only riscv64

if [ $failed != 0 ]; then
    echo "$failed of $checked command lines not handled as they must be" >&2
    exit 1
fi
echo "all $checked command lines handled as they must be"
