#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole benchmark set into one results directory: throughput, the
# crossover sweep, start-up, users' programs (minigzip, optipng, xz, bzip2,
# zstd), dpkg-deb end to end, then report.md (headlines first) and a
# sanity check of what was written. Takes the runners' options
# (bench_lib.sh), e.g.
#   bazel run //bench                 every guest, results/ (~5 min)
#   bazel run //bench -- --quick      every row once (seconds)
set -euo pipefail

export RUNFILES_DIR=${RUNFILES_DIR:-$0.runfiles}
# shellcheck source=bench_lib.sh
source "$RUNFILES_DIR/qemu_passthrough/bench/bench_lib.sh"
bench_parse_args "$@"

start=$(date +%s)
# The same arguments, with the results directory made absolute.
args=(--out="$bench_out" --arch="$(IFS=,; echo "${bench_arches[*]}")" "${bench_pt_env[@]}")
[ "$bench_quick" = 0 ] || args+=(--quick)
args+=(--clock="$bench_clock")
bash "$bench_dir/throughput.sh" "${args[@]}"
echo
bash "$bench_dir/crossover.sh" "${args[@]}"
echo
bash "$bench_dir/startup.sh" "${args[@]}"
echo
bash "$bench_dir/program.sh" "${args[@]}"
echo
bash "$bench_dir/deb.sh" "${args[@]}"
echo
bash "$bench_dir/check_report.sh" "$bench_out" "${bench_arches[@]}"
echo "benchmark set: $(($(date +%s) - start)) s for ${bench_arches[*]}" \
    "$([ "$bench_quick" = 1 ] && echo '(quick)')"
echo
head -n 1 "$bench_out/report.md" | sed 's/\*\*//g'
