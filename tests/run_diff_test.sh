#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Differential test: the same guest program, on the same inputs, run
#   1. through the GTL with passthrough (host zlib),
#   2. through the GTL without the plugin (the GTL's built-in guest zlib),
#   3. on the guest's own libz.so.1 (no GTL),
# must print identical transcripts (return codes, output hashes, stream
# fields, messages). Run 1 must have run its calls on the host, through the
# gate, and have called every entry of the HTL at least once, those for
# streams with the guest's allocator included. With a plugin built with
# the sanitizers the program runs its quick pass (fewer compression
# levels): ASan's allocator maps every large coder afresh, and the levels'
# host code is the same.
#
# usage: run_diff_test.sh ARCH RUNNER PLUGIN HTL GTL GUEST_ZLIB PROGRAM
#                         [QEMU PATH]
#   QEMU: the qemu-ARCH binary, or "system" (default) for the one on PATH;
#   PATH: the control path the plugin's stats must name (default
#   syscall-entry; "filter" on the project-built filter QEMU).
set -euo pipefail

arch=$1 runner=$2 plugin=$3 htl=$4 gtl=$5 guest_zlib=$6 prog=$7
qemu=${8:-system} control_path=${9:-syscall-entry}
qemu_args=()
[ "$qemu" = system ] || qemu_args=(--qemu "$qemu")
tmp=${TEST_TMPDIR:-$(mktemp -d)}
scratch=$tmp/scratch
quick=()
! ldd "$plugin" | grep -q 'libasan\.so' || quick=(quick)
stats=$tmp/stats.txt

fail() {
    echo "FAIL (diff, $arch): $*" >&2
    exit 1
}

run() {
    local name=$1
    shift
    rm -rf "$scratch"
    mkdir -p "$scratch"
    "$runner" --arch "$arch" "${qemu_args[@]}" --plugin "$plugin" \
        --gtl-dir "$(dirname "$gtl")" \
        "$@" -- "$prog" "$scratch" "${quick[@]}" >"$tmp/$name.txt" 2>"$tmp/$name.err" ||
        { cat "$tmp/$name.err" >&2; fail "$name run exited with $?"; }
    [ "$(tail -n 1 "$tmp/$name.txt")" = END ] || fail "$name run did not finish"
}

# Every call to the host, so each host entry is exercised (the adaptive
# dispatcher's own runs are below).
# The plugin loads HTLs only as regular files directly in htl_dir, and
# runfiles are symbolic links: the directory the HTL really is in.
htl_dir=$(dirname "$(readlink -f "$htl")")
run passthrough --htl-dir "$htl_dir" --stats="$stats" \
    -E PASSTHROUGH_DISPATCH=host -E PASSTHROUGH_TRANSPORT=gate
run adaptive --htl-dir "$htl_dir"
run fallback --no-passthrough
run own --no-gtl -E "LD_LIBRARY_PATH=$(dirname "$guest_zlib")"

for other in fallback passthrough adaptive; do
    if ! cmp -s "$tmp/own.txt" "$tmp/$other.txt"; then
        diff "$tmp/own.txt" "$tmp/$other.txt" | head -n 40 >&2
        fail "$other differs from the guest's own zlib"
    fi
done

stat() {
    awk -v k="$1" '$1 == k { print $2 }' "$stats"
}
[ "$(stat control_path)" = "$control_path" ] ||
    fail "control path '$(stat control_path)', expected '$control_path'"
[ "$(stat syscall_calls)" = 0 ] || fail "calls went through the syscall path"
[ "$(stat gate_calls)" -gt 1000 ] || fail "too few host calls: $(stat gate_calls)"
# ga_resume_HTL serves the _ga entries: a library with none never calls it.
unused=$(awk '$1 == "call" { n[$3] = $4; if ($3 ~ /_ga_HTL$/) ga = 1 }
    END { for (e in n) if (!n[e] && (e != "ga_resume_HTL" || ga)) print e }' "$stats")
[ -z "$unused" ] || fail "entries never called on the host: $unused"
# Every entry the HTL exports was resolved by the GTL (and, above, called).
exported=$(nm -D --defined-only "$htl" | awk '$3 ~ /_HTL$/ { print $3 }' | sort)
resolved=$(awk '$1 == "call" { print $3 }' "$stats" | sort)
missing=$(comm -23 <(echo "$exported") <(echo "$resolved") | paste -sd ' ')
[ -z "$missing" ] || fail "entries the GTL never resolved: $missing"
entries=$(echo "$resolved" | wc -l)
# Streams with the guest's allocator ran on the host (their NAME_ga_HTL
# entries, all called as checked above) and paused calls were resumed.
if grep -q '_ga_HTL$' <<<"$exported"; then
    [ "$(awk '$1 == "call" && $3 == "ga_resume_HTL" { print $4 }' "$stats")" -gt 0 ] 2>/dev/null ||
        fail "no paused host call was resumed (ga_resume_HTL)"
fi
echo "ok: $(wc -l < "$tmp/own.txt") transcript lines identical three ways;" \
    "$(stat gate_calls) host calls over all $entries entries"
