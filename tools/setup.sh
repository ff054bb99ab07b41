#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installs everything this project needs, from Debian's packages only.
# Idempotent: a second run installs nothing and exits quickly. Run as root.
#
# Besides the packages, it unpacks Debian's zlib source, Debian 12's and
# 13's xz-utils and libzstd sources and Debian's bzip2 source (the guests'
# own libraries and the GTLs' fallbacks are built from them) into a cache directory on the machine,
# through a private apt configuration written from the system's apt
# sources (tools/apt_sources.sh), so the system's sources stay as they are,
# and builds the filter-capable qemu-user (tools/build-filter-qemu.sh,
# cached: several minutes the first time, nothing after).
# usage: tools/setup.sh     (PASSTHROUGH_CACHE: the cache directory)
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tools/setup.sh
Installs the Debian packages the project needs, unpacks Debian's zlib,
xz-utils, bzip2 and libzstd sources and the guests' Debian programs into the cache, and
builds the filter QEMU once. Idempotent; run as root. Takes no arguments.
  -h, --help   this text
Environment: PASSTHROUGH_CACHE (default /var/cache/qemu-passthrough)
USAGE
}
for a in "$@"; do
    case "$a" in
    -h|--help) usage; exit 0 ;;
    -*) echo "setup: unknown option '$a'" >&2 ;;
    *) echo "setup: unknown argument '$a' (it takes none)" >&2 ;;
    esac
    usage >&2
    exit 2
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=apt_sources.sh
source "$here/apt_sources.sh"
# shellcheck source=debian_source.sh
source "$here/debian_source.sh"
# shellcheck source=zlib_source.sh
source "$here/zlib_source.sh"

CACHE_DIR=${PASSTHROUGH_CACHE:-/var/cache/qemu-passthrough}
ZLIB_SRC_LINK="$CACHE_DIR/zlib-src"
XZ_SRC_LINK="$CACHE_DIR/xz-src"
XZ_SRC_13_LINK="$CACHE_DIR/xz-src-13"
BZIP2_SRC_LINK="$CACHE_DIR/bzip2-src"
ZSTD_SRC_LINK="$CACHE_DIR/zstd-src"
ZSTD_SRC_13_LINK="$CACHE_DIR/zstd-src-13"

PACKAGES=(
    bazel-bootstrap bazel-rules-cc bazel-rules-java bazel-skylib
    default-jdk-headless
    build-essential pkg-config dpkg-dev file
    lintian
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    qemu-user
    libglib2.0-dev zlib1g-dev liblzma-dev libbz2-dev libzstd-dev googletest
    clang-14 libclang-rt-14-dev
    nginx
    gnuplot-nox
)

log() { echo "setup: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
    echo "setup: must run as root (it installs Debian packages)" >&2
    exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Package scripts must not start services (nginx) on this machine: the
    # remote cache server is started by .ci/run on loopback only.
    policy_made=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        policy_made=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ $policy_made = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
    fi
else
    log "all packages present"
fi

# Debian's zlib source, for the guest fallback zlib (riscv64 has no Debian 12
# zlib binary): the source version of the installed zlib1g, or if the
# archive no longer has it, the newest of the same upstream version
# (tools/zlib_source.sh). Keyed by the version unpacked.
zver=$(dpkg-query -W -f='${source:Version}' zlib1g)
zlib_source_fetch "$zver" "$CACHE_DIR"
ln -sfn "$zlib_source_dir/src" "$ZLIB_SRC_LINK"
log "zlib source at $ZLIB_SRC_LINK"

# Debian's xz-utils source, for the guests' liblzma and the GTL's fallback
# liblzma: the source version of the installed liblzma5, with zlib's
# fallback rules (tools/debian_source.sh).
xver=$(dpkg-query -W -f='${source:Version}' liblzma5)
DEBIAN_SOURCE_HINT="install a liblzma5 whose source they have (apt-cache showsrc xz-utils)" \
    debian_source_fetch xz-utils "$xver" "$CACHE_DIR" "$CACHE_DIR/apt" debian_source_release_lines
ln -sfn "$debian_source_dir/src" "$XZ_SRC_LINK"
log "xz-utils source at $XZ_SRC_LINK"

# Debian's bzip2 source, for the guests' libbz2 and the GTL's fallback:
# the source version of the installed libbz2-1.0 (the same upstream 1.0.8
# as riscv64's Debian 13 libbz2, whose API and exports are the same).
bver=$(dpkg-query -W -f='${source:Version}' libbz2-1.0)
DEBIAN_SOURCE_HINT="install a libbz2-1.0 whose source they have (apt-cache showsrc bzip2)" \
    debian_source_fetch bzip2 "$bver" "$CACHE_DIR" "$CACHE_DIR/apt" debian_source_release_lines
ln -sfn "$debian_source_dir/src" "$BZIP2_SRC_LINK"
log "bzip2 source at $BZIP2_SRC_LINK"

# Debian's libzstd source, for the guests' libzstd and the GTL's fallback:
# the source version of the installed libzstd1 (Debian 13's for riscv64,
# after the guests' packages below).
zsver=$(dpkg-query -W -f='${source:Version}' libzstd1)
DEBIAN_SOURCE_HINT="install a libzstd1 whose source they have (apt-cache showsrc libzstd)" \
    debian_source_fetch libzstd "$zsver" "$CACHE_DIR" "$CACHE_DIR/apt" debian_source_release_lines
ln -sfn "$debian_source_dir/src" "$ZSTD_SRC_LINK"
log "libzstd source at $ZSTD_SRC_LINK"

# Real zlib and liblzma users from Debian's archive, unpacked (not
# installed) for the tests that run them as guests: pigz (threads,
# inflateBack), minizip and miniunzip (through libminizip), optipng
# (through libpng, which sets its own zlib allocator), python3 (its zlib
# module, with CPython's own allocator; its lzma and bz2 modules, from the
# stdlib package), xz-utils (xz, xzcat, unxz), dpkg (dpkg-deb, which
# decompresses xz, zstd, bzip2 and gzip members in-process), bzip2 and
# zstd, and Debian's own zlib and liblzma for the comparison runs, with
# the libraries these need that the cross C library lacks (readelf -d:
# dpkg-deb needs libmd, zlib, liblzma, libzstd, libbz2; dpkg libselinux
# and so libpcre2; zstd liblz4 (13's: libxxhash) and pzstd libstdc++;
# python3's _lzma and _bz2 modules liblzma and libbz2). Debian 12 has
# no riscv64 port: riscv64's come from Debian 13, with its C library (the
# guest's sysroot for them: the cross one is 12's, too old for them).
GUEST_DEBS=(pigz minizip libminizip1 zlib1g optipng libpng16-16
            python3.11-minimal libpython3.11-minimal libexpat1
            libpython3.11-stdlib xz-utils liblzma5 bzip2 libbz2-1.0
            zstd libzstd1 liblz4-1 libstdc++6
            dpkg libmd0 libselinux1 libpcre2-8-0)
GUEST_DEBS_13=(pigz minizip libminizip1t64 zlib1g optipng libpng16-16t64
               python3.13-minimal libpython3.13-minimal libexpat1 libc6
               libpython3.13-stdlib xz-utils liblzma5 bzip2 libbz2-1.0
               zstd libzstd1 liblz4-1 libxxhash0 libstdc++6 libgcc-s1
               dpkg libmd0 libselinux1 libpcre2-8-0)
# Packages whose .deb files stay in the tree's debs/ folder, for tests
# that read packages (dpkg-deb); so does every .deb whose data member is
# compressed with anything but xz, so each compression the set has is
# there.
GUEST_DEBS_KEPT=(xz-utils liblzma5 dpkg zstd bzip2 libicu72)
# A large real package for //bench:deb (dpkg-deb end to end): libicu72,
# 9 MB of xz, 36 MB unpacked, which images with C++ or Python programs
# pull in. amd64 alone: its .deb is what every guest's dpkg-deb reads.
BENCH_DEBS=(libicu72)
# fetch_guest_debs ARCH SUITE PACKAGE...
# Unpacks the packages into CACHE_DIR/debian-programs/ARCH, once per list
# (.done-KEY). Additive: the tree is shared by every checkout on the
# machine, so a longer list only adds to it (a package already unpacked
# at the same version is not unpacked again; a newer version is unpacked
# over it), and what a shorter list unpacked before stays as it was.
# .packages lists what was unpacked ("PACKAGE VERSION SOURCE
# SOURCE_VERSION DEB-FILE" a line).
fetch_guest_debs() {
    local arch=$1 suite=$2 dest="$CACHE_DIR/debian-programs/$1"
    shift 2
    local key
    key=$(printf '%s\n' "$suite" "$@" | sha256sum | cut -c1-12)
    if [ -f "$dest/.done-$key" ]; then
        return
    fi
    log "fetching $* for $arch from $suite"
    local apt_dir="$CACHE_DIR/apt-$arch-$suite"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    # SUITE on the system's mirrors of it, or (a release the system does
    # not use) on its Debian archive mirror.
    apt_sources_check setup || exit 1
    apt_sources_archive_lines deb "arch=$arch" "$suite" > "$apt_dir/sources.list"
    # Not the machine's dpkg status: the machine's packages are not the
    # guest's, and with it apt wants an amd64 guest's packages at the
    # versions installed here, which SUITE may not have.
    local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
                -o "Dir::Etc::SourceParts=-"
                -o "Dir::State::Lists=$apt_dir/lists"
                -o "Dir::Cache=$apt_dir"
                -o "Dir::State::status=/dev/null"
                -o "APT::Architecture=$arch"
                -o "APT::Architectures::=$arch")
    apt-get "${opts[@]}" update -qq
    local work deb name info keep
    work=$(mktemp -d)
    chown _apt "$work" 2>/dev/null || true
    if ! (cd "$work" && apt-get "${opts[@]}" download -qq "$@" >/dev/null); then
        rm -rf "$work"
        log "cannot download the $arch packages from $suite"
        exit 1
    fi
    mkdir -p "$dest/debs"
    touch "$dest/.packages"
    for deb in "$work"/*.deb; do
        name=$(basename "$deb")
        info=$(dpkg-deb --show --showformat='${Package} ${Version} ${source:Package} ${source:Version}' "$deb")
        if ! grep -qxF -- "$info $name" "$dest/.packages"; then
            dpkg-deb -x "$deb" "$dest"
            # One line per package: the version unpacked last.
            awk -v p="${info%% *}" '$1 != p' "$dest/.packages" > "$dest/.packages.new"
            echo "$info $name" >> "$dest/.packages.new"
            sort -o "$dest/.packages" "$dest/.packages.new"
            rm -f "$dest/.packages.new"
        fi
        keep=0
        ! printf '%s\n' "${GUEST_DEBS_KEPT[@]}" | grep -qxF -- "${info%% *}" || keep=1
        ar t "$deb" | grep -qx 'data\.tar\.xz' || keep=1
        if [ $keep = 1 ] && [ ! -f "$dest/debs/$name" ]; then
            # Older versions of the same package go: one .deb each.
            rm -f "$dest/debs/${info%% *}"_*.deb
            cp "$deb" "$dest/debs/$name"
        fi
    done
    rm -rf "$work"
    # A merged-/usr C library: its loader where programs look for it
    # (/lib, which base-files would have made a link to usr/lib).
    for ld in "$dest"/usr/lib/ld-linux*.so.*; do
        if [ -e "$ld" ]; then
            mkdir -p "$dest/lib"
            ln -sfn "../usr/lib/$(basename "$ld")" "$dest/lib/$(basename "$ld")"
        fi
    done
    touch "$dest/.done-$key"
}
fetch_guest_debs arm64 bookworm "${GUEST_DEBS[@]}"
fetch_guest_debs amd64 bookworm "${GUEST_DEBS[@]}"
fetch_guest_debs amd64 bookworm "${BENCH_DEBS[@]}"
fetch_guest_debs riscv64 trixie "${GUEST_DEBS_13[@]}"

# Debian 13's xz-utils source, for riscv64's liblzma (Debian 12 has no
# riscv64 port): the source version of the liblzma5 unpacked for riscv64
# above, so the liblzma built from it is the one the riscv64 programs came
# with (the same fallback as above if the archive no longer serves it).
xver13=$(awk '$1 == "liblzma5" { print $4 }' "$CACHE_DIR/debian-programs/riscv64/.packages")
[ -n "$xver13" ] || { log "no liblzma5 in $CACHE_DIR/debian-programs/riscv64/.packages"; exit 1; }
DEBIAN_SOURCE_HINT="see apt-cache showsrc xz-utils with trixie's deb-src" \
    debian_source_fetch xz-utils "$xver13" "$CACHE_DIR" "$CACHE_DIR/apt-src-trixie" \
    debian_source_suite_lines trixie
ln -sfn "$debian_source_dir/src" "$XZ_SRC_13_LINK"
log "xz-utils source (Debian 13) at $XZ_SRC_13_LINK"

# And Debian 13's libzstd source, for riscv64's libzstd, the same way.
zver13=$(awk '$1 == "libzstd1" { print $4 }' "$CACHE_DIR/debian-programs/riscv64/.packages")
[ -n "$zver13" ] || { log "no libzstd1 in $CACHE_DIR/debian-programs/riscv64/.packages"; exit 1; }
DEBIAN_SOURCE_HINT="see apt-cache showsrc libzstd with trixie's deb-src" \
    debian_source_fetch libzstd "$zver13" "$CACHE_DIR" "$CACHE_DIR/apt-src-trixie" \
    debian_source_suite_lines trixie
ln -sfn "$debian_source_dir/src" "$ZSTD_SRC_13_LINK"
log "libzstd source (Debian 13) at $ZSTD_SRC_13_LINK"

# The filter-capable qemu-user the _filter tests run on: built from Debian's
# QEMU source and qemu-patches/ once per machine, then cached.
bash "$(dirname "$0")/build-filter-qemu.sh"
log "done"
