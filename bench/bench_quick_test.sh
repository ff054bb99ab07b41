#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The benchmark set in --quick mode for every guest: it must run every
# configuration (with the honesty checks of bench_lib.sh) and write a
# complete, sane report (check_report.sh, run by bench.sh). Not timed.
set -euo pipefail

out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-$(mktemp -d)}}/results
bash "$RUNFILES_DIR/qemu_passthrough/bench/bench.sh" --quick --out="$out" all
