#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# No guest input may stop QEMU: fails if plugin or HTL code calls abort(),
# exit(), assert() or their glib forms. A call that guest input cannot reach
# (plugin start-up, say) may stay if its line carries the marker
#     pt-noabort-ok: <why it is unreachable from guest input>
# with a reason after the colon.
#
# usage: check_no_abort.sh BAD_FIXTURE GOOD_FIXTURE -- FILE...
#   First checks itself: BAD_FIXTURE must be caught on every line marked
#   "expect-caught", GOOD_FIXTURE must pass. Then checks FILE...
set -uo pipefail

# Calls that end the process (or may, like g_assert with G_DEBUG).
pattern='(^|[^A-Za-z0-9_])(abort|exit|_exit|_Exit|quick_exit|assert|g_abort|g_error|g_assert[A-Za-z0-9_]*|__builtin_trap|__builtin_unreachable|raise)[[:space:]]*\('

# Prints file:line:text for each call without a justified marker. C and
# C++ comments are blanked first, so prose may name the functions.
scan() {
    local f
    for f in "$@"; do
        awk -v file="$f" -v pat="$pattern" '
        {
            line = $0
            raw = $0
            out = ""
            # Blank /* ... */ (also across lines) and // comments.
            while (length(line) > 0) {
                if (in_comment) {
                    e = index(line, "*/")
                    if (e == 0) { line = ""; break }
                    line = substr(line, e + 2)
                    in_comment = 0
                } else {
                    s = index(line, "/*")
                    d = index(line, "//")
                    if (d > 0 && (s == 0 || d < s)) {
                        out = out substr(line, 1, d - 1); line = ""; break
                    }
                    if (s == 0) { out = out line; line = ""; break }
                    out = out substr(line, 1, s - 1)
                    line = substr(line, s + 2)
                    in_comment = 1
                }
            }
            if (out ~ pat && raw !~ /pt-noabort-ok: *[A-Za-z]/) {
                printf "%s:%d: %s\n", file, FNR, raw
            }
        }' "$f"
    done
}

bad=$1 good=$2
shift 2
[ "${1:-}" = -- ] && shift

# Self-check: every "expect-caught" line of the bad fixture is reported,
# nothing else, and the good fixture passes.
want=$(grep -n 'expect-caught' "$bad" | cut -d: -f1 | sort -n)
got=$(scan "$bad" | cut -d: -f2 | sort -n)
if [ "$want" != "$got" ]; then
    echo "check_no_abort.sh is broken: on $bad it reported lines" \
        "[$(echo $got)], expected [$(echo $want)]" >&2
    exit 2
fi
if [ -n "$(scan "$good")" ]; then
    echo "check_no_abort.sh is broken: it reported in $good:" >&2
    scan "$good" >&2
    exit 2
fi
echo "self-check: $(echo "$want" | wc -w) calls caught in the bad fixture, none in the good one"

[ $# -gt 0 ] || { echo "no files to check" >&2; exit 2; }
for f in "$@"; do
    [ -r "$f" ] || { echo "cannot read $f" >&2; exit 2; }
done
found=$(scan "$@")
if [ -n "$found" ]; then
    echo "Calls that end the process, in code guest input may reach:" >&2
    echo "$found" >&2
    echo "Return an error instead, or, where guest input cannot reach the" \
        "call, justify it on the line with 'pt-noabort-ok: <reason>'." >&2
    exit 1
fi
echo "ok: $# files, no abort/exit/assert reachable without a justification"
