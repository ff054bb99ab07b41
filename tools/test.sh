#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole test suite: installs what is needed (Debian packages), then runs
# every unit and integration test.
# usage: tools/test.sh [--config=NAME...] [-- BAZEL_TEST_ARGS...]
#   --config=NAME   a configuration of .bazelrc (ci, asan, ...)
#   after --         anything else for `bazel test`, as is
# The arguments are checked before anything is installed or built.
set -euo pipefail
cd "$(dirname "$0")/.."

# The configurations .bazelrc defines ("build:NAME ...", "test:NAME ...").
configs() {
    [ ! -f .bazelrc ] ||
        sed -n 's/^[a-z_]*:\([A-Za-z0-9_-]*\)[[:space:]].*/\1/p' .bazelrc | sort -u
}

usage() {
    cat <<USAGE
usage: tools/test.sh [--config=NAME...] [-- BAZEL_TEST_ARGS...]
Installs what is needed (tools/setup.sh, as root or through sudo), then
runs every test: bazel test [--config=NAME...] [BAZEL_TEST_ARGS...] //...
  --config=NAME  one of .bazelrc's configurations: $(configs | paste -sd ' ')
  -- ARGS...     what follows goes to bazel test as is
  -h, --help     this text
USAGE
}
bad_usage() {
    echo "test: $*" >&2
    usage >&2
    exit 2
}

bazel_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --config=*)
        configs | grep -qxF -- "${1#*=}" ||
            bad_usage "unknown configuration '${1#*=}' (not in .bazelrc)"
        bazel_args+=("$1")
        shift ;;
    --config)
        [ $# -ge 2 ] || bad_usage "--config needs a name"
        configs | grep -qxF -- "$2" ||
            bad_usage "unknown configuration '$2' (not in .bazelrc)"
        bazel_args+=("--config=$2")
        shift 2 ;;
    --) shift; bazel_args+=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$1' (bazel test options go after --)" ;;
    *) bad_usage "unknown argument '$1' (bazel test arguments go after --)" ;;
    esac
done

if [ "$(id -u)" = 0 ]; then
    bash tools/setup.sh
else
    sudo bash tools/setup.sh
fi
exec bazel test "${bazel_args[@]}" //...
