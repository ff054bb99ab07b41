#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs a guest test program under the real qemu-<arch> through
# tools/qemu-passthrough and checks both its verdict and, from the plugin's
# stats, where and how its calls ran.
#
# usage: run_guest_test.sh MODE ARCH RUNNER PLUGIN HTL GTL PROGRAM QEMU PATH
#                          [PARTIAL_HTL]
#   QEMU: the qemu-ARCH binary, or "system" for the one on PATH (stock 7.2).
#   PATH: the control path the plugin's stats must name: "syscall-entry"
#   (stock QEMU) or "filter" (the project-built filter QEMU).
#   gate:     plugin + HTL, PASSTHROUGH_TRANSPORT=gate; every call the
#             program reports ("expect ENTRY N") must have run on the host
#             through the gate.
#   syscall:  the same with PASSTHROUGH_TRANSPORT=syscall: every call
#             through the INVOKE syscall.
#   nogate:   the plugin refuses the gate (gate=off): the GTL must warn and
#             make every call through the syscall.
#   any:      every call on the host, through whichever transport (the
#             default: the syscall path, then the gate).
#   adaptive: the defaults (dispatcher, transport): exactly the calls the
#             program expects on the host ran there, the first 64 through
#             the syscall path and the rest through the gate.
#   fallback: no plugin; the GTL must run the guest's own library.
#   nohtl:    plugin, but an empty htl_dir; the GTL must warn, fall back,
#             and the plugin must count no host call.
#   upstream: GTL is a library in the upstream proposal's style (results
#             only as syscall values: needs the filter); every call must
#             have run on the host through the INVOKE syscall.
#   evil:     as gate, and the HTL must have refused many bad pointers; a
#             program that made the protocol attacks ("requests" line):
#             the plugin answered many with errors and dropped mailboxes.
#   partial:  an HTL lacking entries (PARTIAL_HTL, named as the HTL): the
#             GTL warns once, the entries it has run on the host, the rest
#             on the guest; with PASSTHROUGH_QUIET=1 the GTL says nothing.
#   guestbase: qemu -B (guest_base != 0): the plugin says why passthrough
#             is off, the program passes on its own library, no host call.
#   badhtldir: htl_dir missing, or a file: QEMU stops at start with the
#             plugin's one-line reason.
set -euo pipefail

mode=$1 arch=$2 runner=$3 plugin=$4 htl=$5 gtl=$6 prog=$7
qemu=${8:-system} control_path=${9:-syscall-entry} partial_htl=${10:-}
qemu_args=()
[ "$qemu" = system ] || qemu_args=(--qemu "$qemu")
tmp=${TEST_TMPDIR:-$(mktemp -d)}
stats=$tmp/stats.txt
out=$tmp/stdout.txt
err=$tmp/stderr.txt
rm -f "$stats"

fail() {
    echo "FAIL ($mode, $arch): $*" >&2
    echo "--- guest stdout (last lines)" >&2; tail -n 40 "$out" >&2 || true
    echo "--- guest stderr" >&2; cat "$err" >&2 || true
    echo "--- stats" >&2; cat "$stats" >&2 2>/dev/null || true
    exit 1
}

run() {
    "$runner" --arch "$arch" "${qemu_args[@]}" --plugin "$plugin" \
        --gtl-dir "$(dirname "$gtl")" \
        "$@" -- "$prog" >"$out" 2>"$err" || fail "guest exited with $?"
}

# The plugin loads HTLs only as regular files directly in htl_dir, and
# runfiles are symbolic links: give it the directory the HTL really is in.
htl_dir=$(dirname "$(readlink -f "$htl")")
# Every call to the host: these modes count each one (the adaptive
# dispatcher, which keeps small work in the guest, has a test of its own).
with_htl=(--htl-dir "$htl_dir" --stats="$stats" -E PASSTHROUGH_DISPATCH=host)
case "$mode" in
any|upstream) run "${with_htl[@]}" ;;
gate|evil) run "${with_htl[@]}" -E PASSTHROUGH_TRANSPORT=gate ;;
adaptive) run --htl-dir "$htl_dir" --stats="$stats" ;;
syscall) run "${with_htl[@]}" -E PASSTHROUGH_TRANSPORT=syscall ;;
nogate) run "${with_htl[@]}" -E PASSTHROUGH_TRANSPORT=gate --plugin-arg gate=off ;;
fallback) run --no-passthrough ;;
nohtl)
    mkdir -p "$tmp/empty_htl_dir"
    run --htl-dir "$tmp/empty_htl_dir" --stats="$stats"
    ;;
partial)
    partial_dir=$(dirname "$(readlink -f "$partial_htl")")
    run -E PASSTHROUGH_QUIET=1 -E PASSTHROUGH_DISPATCH=host \
        --htl-dir "$partial_dir" --stats="$stats"
    ! grep -q 'passthrough (guest)' "$err" ||
        fail "the GTL spoke despite PASSTHROUGH_QUIET=1"
    run -E PASSTHROUGH_DISPATCH=host --htl-dir "$partial_dir" --stats="$stats"
    ;;
guestbase) run "${with_htl[@]}" -B 0x1000000000 ;;
badhtldir)
    for bad in "$tmp/no-such-dir" "$prog"; do
        if "$runner" --arch "$arch" "${qemu_args[@]}" --plugin "$plugin" \
            --gtl-dir "$(dirname "$gtl")" \
            --htl-dir "$bad" -- "$prog" >"$out" 2>"$err"; then
            fail "QEMU ran with htl_dir=$bad"
        fi
        grep -qx "passthrough: htl_dir=$bad: \(No such file or directory\|not a directory\)" "$err" ||
            fail "no one-line reason for htl_dir=$bad"
        echo "ok: htl_dir=$bad: $(grep '^passthrough:' "$err")"
    done
    exit 0
    ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac

grep -qx PASS "$out" || fail "the program did not report PASS"
expects=$(grep -c '^expect ' "$out" || true)
[ "$expects" -gt 0 ] || fail "the program reported no call counts"

stat() {
    awk -v k="$1" '$1 == k { print $2 }' "$stats"
}

# The plugin says which control path served the magic syscalls.
if [ -e "$stats" ]; then
    got_path=$(stat control_path)
    [ "$got_path" = "$control_path" ] ||
        fail "control path '${got_path}', expected '$control_path'"
    echo "ok: control path $got_path (qemu: $qemu)"
fi

# Every call the guest made must have run on the host, entry by entry, all
# through the transport `via` (gate, syscall, or "any": their total).
check_host_calls() {
    local via=$1 other=$2 entry want got
    [ -s "$stats" ] || fail "the plugin wrote no stats"
    while read -r _ entry want; do
        got=$(awk -v e="$entry" -v f="$via=" '$1 == "call" && $3 == e {
            if (f == "any=") print $4
            for (i = 5; i <= NF; i++) if (index($i, f) == 1) print substr($i, length(f) + 1)
        }' "$stats")
        [ "${got:-0}" = "$want" ] ||
            fail "$entry: guest made $want calls, plugin ran ${got:-0} on the host via $via"
    done < <(grep '^expect ' "$out")
    [ -z "$other" ] || [ "$(stat "${other}_calls")" = 0 ] ||
        fail "calls went through $other"
    [ "$(stat host_calls)" -gt 0 ] || fail "no host calls counted"
    echo "ok: $(stat host_calls) host calls via $via, each matching the guest's count"
}

case "$mode" in
gate) check_host_calls gate syscall ;;
adaptive)
    check_host_calls any ""
    # The GTL's default: the gate from its 64th host call (transport.c).
    [ "$(stat syscall_calls)" -le 64 ] ||
        fail "$(stat syscall_calls) calls took the syscall path, not the first 64"
    [ "$(stat host_calls)" -le 64 ] || [ "$(stat gate_calls)" -gt 0 ] ||
        fail "$(stat host_calls) host calls, none through the gate"
    echo "ok: the first $(stat syscall_calls) through the syscall path," \
        "$(stat gate_calls) through the gate"
    ;;
any) check_host_calls any "" ;;
evil)
    # The GTL's mailbox was rebound under it: it must bind again and the
    # round trip still go through the gate.
    check_host_calls gate ""
    # The protocol attacks (evil_protocol.c), where the program made them.
    if grep -q '^requests' "$out"; then
        [ "$(stat control_errors)" -gt 1000 ] ||
            fail "only $(stat control_errors) control errors counted"
        [ "$(stat mailbox_drops)" -gt 0 ] || fail "no mailbox was dropped"
        grep '^requests' "$out"
    fi
    # Bad pointers reached the HTL's entries, which refused them.
    [ "$(stat pointer_refusals)" -gt 1000 ] ||
        fail "only $(stat pointer_refusals) calls refused for bad pointers"
    echo "ok: QEMU stayed up; $(stat control_errors) errors answered," \
        "$(stat mailbox_drops) mailboxes dropped," \
        "$(stat pointer_refusals) calls with bad pointers refused"
    ;;
syscall) check_host_calls syscall gate ;;
nogate)
    check_host_calls syscall gate
    grep -q 'did not serve the gate' "$err" || fail "the GTL did not warn"
    ;;
upstream)
    check_host_calls syscall gate
    grep -q '^upstream-style: handle ' "$out" ||
        fail "the upstream-style library did not report its handle"
    ;;
fallback)
    [ ! -e "$stats" ] || fail "stats written without a plugin?"
    ! grep -q 'passthrough' "$err" || fail "unexpected passthrough message"
    echo "ok: passed on the guest's own library, no plugin loaded"
    ;;
partial)
    n=$(grep -c 'passthrough (guest):' "$err" || true)
    [ "$n" = 1 ] && grep -q 'lacks' "$err" ||
        fail "the GTL did not warn once that the HTL lacks entries ($n lines)"
    # The entries the partial HTL has.
    has=$(nm -D --defined-only "$partial_htl" | awk '$3 ~ /_HTL$/ { print $3 }')
    [ -n "$has" ] || fail "no entries in $partial_htl"
    on_host=0
    while read -r _ entry want; do
        got=$(awk -v e="$entry" '$1 == "call" && $3 == e { print $4 }' "$stats")
        if grep -qx "$entry" <<<"$has"; then
            [ "${got:-0}" = "$want" ] ||
                fail "$entry: $want calls, ${got:-0} on the host"
            on_host=$((on_host + 1))
        else
            [ "${got:-0}" = 0 ] || fail "$entry ran on the host: not in the HTL"
        fi
    done < <(grep '^expect ' "$out")
    [ "$on_host" -gt 0 ] || fail "the program called none of the partial HTL's entries"
    echo "ok:" $has "on the host, the rest on the guest's own library; one warning"
    ;;
guestbase)
    [ "$(stat host_calls)" = 0 ] || fail "host calls with guest_base != 0"
    grep -q '^passthrough: .*guest_base != 0' "$err" ||
        fail "the plugin did not say why passthrough is off"
    echo "ok: $(grep '^passthrough: ' "$err")"
    ;;
nohtl)
    [ "$(stat host_calls)" = 0 ] || fail "host calls counted without an HTL"
    grep -q "cannot load $(basename "$htl")" "$err" ||
        fail "the GTL did not warn that the HTL is missing"
    echo "ok: passed on the guest's own library; the plugin ran no host call"
    ;;
esac
