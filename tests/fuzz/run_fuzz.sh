#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A bounded run of the control-plane fuzzer: sets up a real htl_dir
# (libz_HTL.so, liblzma_HTL.so, libbz2_HTL.so, libzstd_HTL.so and the
# fixture HTLs as regular files, plus a symbolic link, a junk file, a
# directory and a FIFO named like HTLs), copies the seed corpus where the
# fuzzer may add to it, and runs for PT_FUZZ_SECONDS (default 60). Fails
# on any crash, sanitizer report, leak or timeout; prints libFuzzer's
# final figures. Inputs the run found are
# left in $TEST_UNDECLARED_OUTPUTS_DIR (Bazel keeps them in test.outputs).
# usage: run_fuzz.sh FUZZER LIBZ_HTL LIBLZMA_HTL LIBBZ2_HTL LIBZSTD_HTL
#                    FIXTURE_HTL FIXTURE_DEP SEED_DIR
set -euo pipefail

fuzzer=$1 libz=$2 liblzma=$3 libbz2=$4 libzstd=$5 fixture=$6 dep=$7 seeds=$8
seconds=${PT_FUZZ_SECONDS:-60}
tmp=${TEST_TMPDIR:-$(mktemp -d)}
out=${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp}

htl=$tmp/htl
rm -rf "$htl" "$tmp/corpus"
mkdir -p "$htl" "$tmp/corpus"
cp "$libz" "$htl/libz_HTL.so"
cp "$liblzma" "$htl/liblzma_HTL.so"
cp "$libbz2" "$htl/libbz2_HTL.so"
cp "$libzstd" "$htl/libzstd_HTL.so"
cp "$fixture" "$htl/libptfixture_HTL.so"
cp "$dep" "$htl/libptfixture_dep.so"
ln -s libz_HTL.so "$htl/liblink_HTL.so"
echo "not an ELF file" > "$htl/libjunk_HTL.so"
mkdir "$htl/libdir_HTL.so"
mkfifo "$htl/libfifo_HTL.so"
cp "$seeds"/* "$tmp/corpus/"
n_seeds=$(ls "$tmp/corpus" | wc -l)

export PT_FUZZ_HTL_DIR=$htl
# Leaks are checked; the plugin's own stderr lines (refused loads) are
# dropped (-close_fd_mask=2 keeps libFuzzer's and the sanitizers' output).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# What each entry the harness built calls of returned ("model" lines).
export PT_FUZZ_STATS=1
echo "fuzzing the control plane for ${seconds}s from $n_seeds seeds"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$out/" \
    "$tmp/corpus" >"$tmp/fuzz.log" 2>&1 || status=$?
grep -vE '^(#[0-9]+.*(NEW|REDUCE|pulse)|model )' "$tmp/fuzz.log" | tail -n 60
grep -E '^model ' "$tmp/fuzz.log" || true
cp -r "$tmp/corpus" "$out/corpus" 2>/dev/null || true

execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$tmp/fuzz.log")
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$tmp/fuzz.log" | tail -n 1)
echo "fuzz: ${execs:-?} inputs in ${seconds}s, ${cov:-no coverage line}," \
    "corpus $n_seeds -> $(ls "$tmp/corpus" | wc -l) inputs"
if [ "$status" != 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$tmp/fuzz.log"; then
    echo "FAIL: the fuzzer found a problem (exit $status); reproducer in $out" >&2
    exit 1
fi
echo "ok: no crash, sanitizer report or leak"
