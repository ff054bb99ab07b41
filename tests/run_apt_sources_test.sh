#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/apt_sources.sh on sample apt configurations: for each case
# DIR/<case>/ (an etc/apt tree, maybe an etc/os-release), what the library
# reads there (every entry, the release, the mirrors of each suite, the
# lists setup.sh and build-filter-qemu.sh write from it, or the one-line
# error) must be exactly DIR/<case>/expected.
# usage: run_apt_sources_test.sh APT_SOURCES_SH DIR [--update]
#   --update  write each case's expected file from what the library says
#             now (then read the diff before committing it)
set -euo pipefail

lib=${1:?usage: run_apt_sources_test.sh APT_SOURCES_SH DIR [--update]}
dir=${2:?usage: run_apt_sources_test.sh APT_SOURCES_SH DIR [--update]}
update=0
[ "${3:-}" != --update ] || update=1
# shellcheck source=../tools/apt_sources.sh
source "$lib"

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/apt_sources.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Everything the scripts ask of the library, for the tree at $1.
report() {
    local root=$1 err rel s
    export APT_SOURCES_ROOT=$root
    echo "entries:"
    apt_sources_entries | sed 's/^/  /'
    if ! err=$(apt_sources_check test 2>&1); then
        echo "check failed:"
        echo "  ${err//$root/ROOT}"
        return 0
    fi
    [ -z "$err" ] || { echo "check said: $err"; return 0; }
    rel=$(apt_sources_release)
    echo "release: $rel"
    echo "archive: $(apt_sources_archive)"
    echo "security: $(apt_sources_security)"
    for s in "$rel" "$rel-updates" "$rel-security" "$rel-backports"; do
        echo "mirrors of $s:"
        apt_sources_mirrors "$s" | sed 's/^/  /'
    done
    echo "zlib source list (setup.sh):"
    apt_sources_lines deb-src "" "$rel" "$rel-updates" "$rel-security" | sed 's/^/  /'
    echo "qemu source list (build-filter-qemu.sh):"
    apt_sources_archive_lines deb-src "" sid trixie | sed 's/^/  /'
    echo "build dependency list (build-filter-qemu.sh):"
    { apt_sources_lines deb "" "$rel" "$rel-updates" "$rel-security"
      apt_sources_archive_lines deb "" "$rel-backports"; } | sed 's/^/  /'
    echo "guest programs, arm64 bookworm and riscv64 trixie (setup.sh):"
    { apt_sources_archive_lines deb arch=arm64 bookworm
      apt_sources_archive_lines deb arch=riscv64 trixie; } | sed 's/^/  /'
}

cases=0 failed=0
for case_dir in "$dir"/*/; do
    name=$(basename "$case_dir")
    [ -d "$case_dir/etc" ] || continue
    cases=$((cases + 1))
    root=$tmp/$name
    cp -rL "$case_dir" "$root"
    rm -f "$root/expected"
    if [ "$name" = ignored ]; then
        # Names apt skips that the repository does not hold as files.
        for n in '.hidden.list' 'bad name.list' 'old.list~'; do
            echo "deb http://disabled.example.org/debian bookworm-security main" \
                > "$root/etc/apt/sources.list.d/$n"
        done
    fi
    report "$root" > "$tmp/$name.out" 2> "$tmp/$name.err"
    if [ -s "$tmp/$name.err" ]; then
        echo "FAIL $name: the library wrote to stderr:" >&2
        cat "$tmp/$name.err" >&2
        failed=$((failed + 1))
        continue
    fi
    if [ $update = 1 ]; then
        cp "$tmp/$name.out" "$case_dir/expected"
        echo "wrote $case_dir/expected"
    elif diff -u "$case_dir/expected" "$tmp/$name.out" >&2; then
        echo "ok   $name"
    else
        echo "FAIL $name: not the expected output (diff above: - expected, + got)" >&2
        failed=$((failed + 1))
    fi
done
[ $cases -ge 6 ] || { echo "FAIL: only $cases cases found in $dir" >&2; exit 1; }
if [ $failed != 0 ]; then
    echo "$failed of $cases cases failed" >&2
    exit 1
fi
echo "all $cases cases as expected"
