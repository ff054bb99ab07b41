#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs a guest test program under the real qemu-<arch> through
# tools/qemu-passthrough and checks both its verdict and, from the plugin's
# stats, where its calls ran.
#
# usage: run_guest_test.sh MODE ARCH RUNNER PLUGIN HTL GTL PROGRAM
#   passthrough: plugin + HTL; every call the program reports ("expect
#                ENTRY N") must be counted by the plugin as a host call.
#   fallback:    no plugin; the GTL must run the guest's own zlib.
#   nohtl:       plugin, but an empty htl_dir; the GTL must warn, fall
#                back, and the plugin must count no host call.
set -euo pipefail

mode=$1 arch=$2 runner=$3 plugin=$4 htl=$5 gtl=$6 prog=$7
tmp=${TEST_TMPDIR:-$(mktemp -d)}
stats=$tmp/stats.txt
out=$tmp/stdout.txt
err=$tmp/stderr.txt
rm -f "$stats"

fail() {
    echo "FAIL ($mode, $arch): $*" >&2
    echo "--- guest stdout" >&2; cat "$out" >&2 || true
    echo "--- guest stderr" >&2; cat "$err" >&2 || true
    echo "--- stats" >&2; cat "$stats" >&2 2>/dev/null || true
    exit 1
}

run() {
    "$runner" --arch "$arch" --plugin "$plugin" --gtl-dir "$(dirname "$gtl")" \
        "$@" -- "$prog" >"$out" 2>"$err" || fail "guest exited with $?"
}

case "$mode" in
passthrough)
    run --htl-dir "$(dirname "$htl")" --stats="$stats"
    ;;
fallback)
    run --no-passthrough
    ;;
nohtl)
    mkdir -p "$tmp/empty_htl_dir"
    run --htl-dir "$tmp/empty_htl_dir" --stats="$stats"
    ;;
*)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac

grep -qx PASS "$out" || fail "the program did not report PASS"
expects=$(grep -c '^expect ' "$out" || true)
[ "$expects" -gt 0 ] || fail "the program reported no call counts"

host_calls() {
    awk '$1 == "host_calls" { print $2 }' "$stats"
}

case "$mode" in
passthrough)
    [ -s "$stats" ] || fail "the plugin wrote no stats"
    # Every call the guest made must have run on the host, entry by entry.
    while read -r _ entry want; do
        got=$(awk -v e="$entry" '$1 == "call" && $3 == e { print $4 }' "$stats")
        [ "${got:-0}" = "$want" ] ||
            fail "$entry: guest made $want calls, plugin ran ${got:-0} on the host"
    done < <(grep '^expect ' "$out")
    total=$(host_calls)
    [ "${total:-0}" -gt 0 ] || fail "no host calls counted"
    echo "ok: $total host calls, each matching the guest's own count"
    ;;
fallback)
    [ ! -e "$stats" ] || fail "stats written without a plugin?"
    grep -q 'passthrough' "$err" && fail "unexpected passthrough message"
    echo "ok: passed on the guest's own zlib, no plugin loaded"
    ;;
nohtl)
    [ "$(host_calls)" = 0 ] || fail "host calls counted without an HTL"
    grep -q 'cannot load libz_HTL.so' "$err" ||
        fail "the GTL did not warn that the HTL is missing"
    echo "ok: passed on the guest's own zlib; the plugin ran no host call"
    ;;
esac
