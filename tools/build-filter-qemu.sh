#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds a filter-capable qemu-user: Debian's QEMU source package plus the
# project's own patches (qemu-patches/), which add the syscall-filter plugin
# API in its QEMU 11.0 form. Only qemu-x86_64, qemu-aarch64 and
# qemu-riscv64 (linux-user), with plugins enabled. No Debian binary has both
# the filter API and plugin support (see ../shared/notes/qemu.md).
#
# Built once per machine: the result is cached under
#   $CACHE_DIR/qemu-filter-<source version>-<recipe hash>/
# (recipe hash: the patches and the configure arguments), and
# $CACHE_DIR/qemu-filter points at it; Bazel sees it as @filter_qemu. A run
# that finds its key built does nothing. Idempotent; run as root.
#
# Everything comes from Debian through private apt configurations written
# from the system's apt sources (tools/apt_sources.sh; those are never
# edited): the source package with `apt-get source` (sid or trixie, on the
# system's Debian archive mirror), unpacked by dpkg-source so Debian's own
# patches apply, and the build dependencies (the release, its updates and
# security updates on the system's mirrors), of which meson >= 1.5 and
# python3-pycotap come from the release's backports (bookworm-backports).
#
# usage: build-filter-qemu.sh [--print-dir]
#   QEMU_SOURCE_VERSION  Debian source version (default below)
#   PASSTHROUGH_CACHE    cache directory (default /var/cache/qemu-passthrough)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
# shellcheck source=apt_sources.sh
source "$here/apt_sources.sh"

CACHE_DIR=${PASSTHROUGH_CACHE:-/var/cache/qemu-passthrough}
# sid's 10.2.2 builds here with bookworm-backports' meson; the patches are
# written against it. (trixie's 10.0.13 is the other reachable one; the 11.x
# sources are listed but not downloadable.)
QEMU_SOURCE_VERSION=${QEMU_SOURCE_VERSION:-1:10.2.2+ds-1}
SOURCE_SUITES=(sid trixie)
PATCH_DIR=$top/qemu-patches
TARGETS=(x86_64 aarch64 riscv64)
CONFIGURE_ARGS=(
    --target-list=x86_64-linux-user,aarch64-linux-user,riscv64-linux-user
    --enable-plugins --disable-docs --disable-tools --disable-system
    --disable-download --disable-rust --disable-install-blobs
)
# Build dependencies from bookworm, and those that must come from backports.
BUILD_DEPS=(build-essential dpkg-dev pkg-config ninja-build flex bison
            python3 python3-venv python3-distlib libglib2.0-dev zlib1g-dev)
BACKPORTS_DEPS=(meson python3-pycotap)
MESON_MIN=1.5.0

log() { echo "build-filter-qemu: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
    cat <<'USAGE'
usage: tools/build-filter-qemu.sh [--print-dir]
Builds qemu-{x86_64,aarch64,riscv64} with the syscall-filter plugin API
from Debian's QEMU source and qemu-patches/, once per machine (cached).
Run as root.
  --print-dir  print the cached build's directory when done
  -h, --help   this text
Environment: QEMU_SOURCE_VERSION, PASSTHROUGH_CACHE
USAGE
}
print_dir=0
for a in "$@"; do
    case "$a" in
    --print-dir) print_dir=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) log "unknown option '$a'"; usage >&2; exit 2 ;;
    *) log "unknown argument '$a'"; usage >&2; exit 2 ;;
    esac
done

[ "$(id -u)" = 0 ] || die "must run as root (it installs Debian packages)"
shopt -s nullglob
patches=("$PATCH_DIR"/*.patch)
shopt -u nullglob
[ ${#patches[@]} -gt 0 ] || die "no patches in $PATCH_DIR"

# The key: source version + a hash of everything else that shapes the
# binaries (patches, configure arguments).
recipe_hash=$( { cat "${patches[@]}"; printf '%s\n' "${CONFIGURE_ARGS[@]}"; } |
    sha256sum | cut -c1-16)
key="qemu-filter-${QEMU_SOURCE_VERSION//:/_}-$recipe_hash"
out=$CACHE_DIR/$key
link=$CACHE_DIR/qemu-filter

if [ -f "$out/.built" ]; then
    ln -sfn "$out" "$link"
    [ $print_dir = 0 ] || echo "$out"
    log "cached: $link -> $key"
    exit 0
fi

mkdir -p "$CACHE_DIR"
# One build at a time on the machine; the loser of a race finds it built.
exec 9>"$CACHE_DIR/qemu-filter.lock"
flock 9
if [ -f "$out/.built" ]; then
    ln -sfn "$out" "$link"
    [ $print_dir = 0 ] || echo "$out"
    log "cached (built meanwhile): $link -> $key"
    exit 0
fi

t_start=$(date +%s)
log "building $key (first time on this machine: several minutes)"

# --- private apt configurations (the system's sources stay as they are)
apt_sources_check build-filter-qemu || exit 1
release=$(apt_sources_release)
apt_dir=$CACHE_DIR/apt-qemu
mkdir -p "$apt_dir/src/lists/partial" "$apt_dir/src/archives/partial" \
    "$apt_dir/deb/lists/partial" "$apt_dir/deb/archives/partial"
# The source suites on the Debian archive mirror (or the system's own
# mirrors of them, if it has any).
apt_sources_archive_lines deb-src "" "${SOURCE_SUITES[@]}" \
    > "$apt_dir/src/sources.list"
# The release, its updates and security updates where the system gets
# them; backports where the system gets them, else on the archive mirror.
{
    apt_sources_lines deb "" "$release" "$release-updates" "$release-security"
    apt_sources_archive_lines deb "" "$release-backports"
} > "$apt_dir/deb/sources.list"
apt_src=(-o "Dir::Etc::SourceList=$apt_dir/src/sources.list"
         -o "Dir::Etc::SourceParts=-"
         -o "Dir::State::Lists=$apt_dir/src/lists"
         -o "Dir::Cache=$apt_dir/src")
apt_deb=(-o "Dir::Etc::SourceList=$apt_dir/deb/sources.list"
         -o "Dir::Etc::SourceParts=-"
         -o "Dir::State::Lists=$apt_dir/deb/lists"
         -o "Dir::Cache=$apt_dir/deb")

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# --- build dependencies
missing=()
for p in "${BUILD_DEPS[@]}"; do
    installed "$p" || missing+=("$p")
done
bpo_missing=()
if ! installed meson || ! dpkg --compare-versions \
        "$(dpkg-query -W -f='${Version}' meson)" ge "$MESON_MIN"; then
    bpo_missing+=(meson)
fi
installed python3-pycotap || bpo_missing+=(python3-pycotap)
if [ $(( ${#missing[@]} + ${#bpo_missing[@]} )) -gt 0 ]; then
    log "installing build dependencies: ${missing[*]} ${bpo_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get "${apt_deb[@]}" update -qq
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get "${apt_deb[@]}" install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
    if [ ${#bpo_missing[@]} -gt 0 ]; then
        apt-get "${apt_deb[@]}" install -y -qq --no-install-recommends \
            -t "$release-backports" "${bpo_missing[@]}" >/dev/null
    fi
fi

# --- the source, unpacked with Debian's patches, then ours
work=$CACHE_DIR/qemu-filter-work
rm -rf "$work"
mkdir -p "$work/dl"
log "fetching Debian source qemu=$QEMU_SOURCE_VERSION"
apt-get "${apt_src[@]}" update -qq
(cd "$work/dl" && apt-get "${apt_src[@]}" source --download-only -qq \
    "qemu=$QEMU_SOURCE_VERSION" >/dev/null 2>"$work/fetch.log") ||
    { cat "$work/fetch.log" >&2; die "cannot fetch qemu=$QEMU_SOURCE_VERSION (set QEMU_SOURCE_VERSION to one that 'apt-cache showsrc qemu' lists)"; }
dsc=("$work"/dl/qemu_*.dsc)
dpkg-source -x "${dsc[0]}" "$work/src" >"$work/unpack.log" 2>&1 ||
    { tail -n 20 "$work/unpack.log" >&2; die "dpkg-source -x failed"; }
for p in "${patches[@]}"; do
    log "applying $(basename "$p")"
    patch -d "$work/src" -p1 --forward --quiet < "$p" ||
        die "$(basename "$p") does not apply to qemu $QEMU_SOURCE_VERSION"
done

# --- configure and build (Debian's python: meson is installed for it)
mkdir -p "$work/src/build"
cd "$work/src/build"
log "configuring"
../configure --python=/usr/bin/python3 "${CONFIGURE_ARGS[@]}" \
    >"$work/configure.log" 2>&1 ||
    { tail -n 30 "$work/configure.log" >&2; die "configure failed"; }
t_conf=$(date +%s)
log "compiling (ninja -j$(nproc))"
ninja -j"$(nproc)" "${TARGETS[@]/#/qemu-}" >"$work/ninja.log" 2>&1 ||
    { tail -n 40 "$work/ninja.log" >&2; die "build failed"; }
t_build=$(date +%s)

# --- check and install into the cache
tmp_out=$out.tmp
rm -rf "$tmp_out"
mkdir -p "$tmp_out/bin" "$tmp_out/include"
for t in "${TARGETS[@]}"; do
    # Debug info off; the dynamic symbols plugins link against stay.
    strip --strip-debug -o "$tmp_out/bin/qemu-$t" "qemu-$t"
    nm -D --defined-only "$tmp_out/bin/qemu-$t" |
        grep -q ' qemu_plugin_register_vcpu_syscall_filter_cb$' ||
        die "qemu-$t does not export the syscall-filter API"
    "$tmp_out/bin/qemu-$t" --version | head -n 1 >/dev/null ||
        die "qemu-$t does not run"
done
cp ../include/qemu/qemu-plugin.h "$tmp_out/include/"
api_cur=$(sed -n 's/^#define QEMU_PLUGIN_VERSION \([0-9]*\)/\1/p' \
    ../include/qemu/qemu-plugin.h)
api_min=$(sed -n 's/^#define QEMU_PLUGIN_MIN_VERSION \([0-9]*\)/\1/p' \
    ../plugins/plugin.h)
cat > "$tmp_out/BUILD-INFO" <<EOF
source qemu $QEMU_SOURCE_VERSION (Debian, dpkg-source -x)
patches $(for p in "${patches[@]}"; do basename "$p"; done | tr '\n' ' ')
recipe_hash $recipe_hash
configure ${CONFIGURE_ARGS[*]}
plugin_api_min $api_min
plugin_api_cur $api_cur
configure_seconds $((t_conf - t_start))
build_seconds $((t_build - t_conf))
built $(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
touch "$tmp_out/.built"
rm -rf "$out"
mv "$tmp_out" "$out"
ln -sfn "$out" "$link"
cd /
rm -rf "$work"
log "built in $(( $(date +%s) - t_start )) s (plugin API $api_min..$api_cur): $link -> $key"
[ $print_dir = 0 ] || echo "$out"
