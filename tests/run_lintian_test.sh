#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# lintian on the Debian package: no error and no warning (overridden tags,
# each with its reason in packaging/lintian-overrides, are listed).
# usage: run_lintian_test.sh DEB
set -euo pipefail

command -v lintian > /dev/null ||
    { echo "FAIL: no lintian (tools/setup.sh installs it)" >&2; exit 1; }
# lintian wants a writable home and temporary folder, as root or not.
export HOME=${TEST_TMPDIR:-$(mktemp -d)} TMPDIR=${TEST_TMPDIR:-${TMPDIR:-/tmp}}
# The tags overridden, for the log (with --show-overrides, lintian counts
# them for --fail-on as if not overridden: a run of its own).
lintian --fail-on none --show-overrides "$1" 2>&1 |
    grep -v '^running with root privileges' || true
rc=0
lintian --fail-on error,warning "$1" 2>&1 |
    grep -v '^running with root privileges' || rc=${PIPESTATUS[0]}
if [ "$rc" != 0 ]; then
    echo "FAIL: lintian reports errors or warnings (status $rc)" >&2
    exit 1
fi
echo "ok: lintian reports no error and no warning"
