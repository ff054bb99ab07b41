#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds a libFuzzer binary with Debian's clang-14, outside Bazel's C++
# toolchain (which is gcc, and has no libFuzzer): called by a genrule with
# the output path and the sources; headers' directories become -I paths.
# The host's libbz2 and libzstd make the harness's bzip2 and zstd data (the
# HTLs use the same).
# usage: build_fuzzer.sh OUT SOURCE...
set -euo pipefail
out=$1
shift
cc=$(command -v clang-14 || command -v clang || true)
[ -n "$cc" ] || { echo "build_fuzzer.sh: clang-14 not found (run tools/setup.sh)" >&2; exit 1; }

srcs=() incs=()
for f in "$@"; do
    case "$f" in
    *.c) srcs+=("$f") ;;
    *.h) incs+=("-I$(dirname "$f")") ;;
    esac
done
# shellcheck disable=SC2046
"$cc" -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wall -Wno-unused-parameter \
    $(printf '%s\n' "${incs[@]}" | sort -u) \
    $(pkg-config --cflags glib-2.0) \
    "${srcs[@]}" -o "$out" \
    $(pkg-config --libs glib-2.0) -lbz2 -lzstd -ldl -lpthread
