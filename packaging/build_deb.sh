#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds qemu-passthrough_<version>_amd64.deb from Bazel's outputs with
# Debian's own tools (dpkg-shlibdeps for the host libraries' Depends,
# dpkg-deb for the archive); //packaging:deb runs it. Layout:
#   /usr/bin/qemu-passthrough                       the runner
#   /usr/lib/qemu-passthrough/*.so                  plugins and HTLs (host)
#   /usr/lib/qemu-passthrough/qemu-passthrough-binfmt  binfmt_misc interpreter
#   /usr/lib/qemu-passthrough/<triple>/<SONAME>     GTLs, one folder a guest
#   /usr/share/man/man1/qemu-passthrough.1.gz, /usr/share/doc/..., lintian
#   overrides.
# usage: build_deb.sh OUT VERSION PACKAGING_DIR RUNNER MANPAGE INTERP
#                     --host FILE... --gtl TRIPLE=FILE...
#   PACKAGING_DIR: control.in, changelog, copyright, lintian-overrides,
#   prerm, postrm.
set -euo pipefail

usage() {
    echo "usage: build_deb.sh OUT VERSION PACKAGING_DIR RUNNER MANPAGE INTERP --host FILE... --gtl TRIPLE=FILE..."
}
[ $# -ge 6 ] || { echo "build_deb: too few arguments" >&2; usage >&2; exit 2; }
out=$1 version=$2 pkgdir=$3 runner=$4 manpage=$5 interp=$6
shift 6
host=() gtl=() list=
while [ $# -gt 0 ]; do
    case "$1" in
    --host) list=host ;;
    --gtl) list=gtl ;;
    -*) echo "build_deb: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) case "$list" in
       host) host+=("$1") ;;
       gtl) gtl+=("$1") ;;
       *) echo "build_deb: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
       esac ;;
    esac
    shift
done
if [ ${#host[@]} = 0 ] || [ ${#gtl[@]} = 0 ]; then
    echo "build_deb: no --host or no --gtl files" >&2
    usage >&2
    exit 2
fi

die() { echo "build_deb: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/build_deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Source files carry an SPDX line as a '#' comment; the shipped ones not.
nocomment() { grep -v '^#' "$1" || true; }

# The version is the changelog's; VERSION (from version.bzl, which names
# the .deb) must agree with it.
nocomment "$pkgdir/changelog" > "$work/changelog"
clver=$(dpkg-parsechangelog -l "$work/changelog" -S Version)
[ "$clver" = "$version" ] ||
    die "packaging/version.bzl says $version, packaging/changelog $clver: make them agree"
# Reproducible: every timestamp is the changelog entry's.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$work/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH

# The tree, under debian/<package>/ as dpkg-shlibdeps expects it.
pkg=qemu-passthrough
root=$work/debian/$pkg
lib=$root/usr/lib/$pkg
doc=$root/usr/share/doc/$pkg
install -d -m 0755 "$root/usr/bin" "$lib" "$root/usr/share/man/man1" "$doc" \
    "$root/DEBIAN"
install -m 0755 "$runner" "$root/usr/bin/$pkg"
gzip -9n < "$manpage" > "$root/usr/share/man/man1/$pkg.1.gz"
gzip -9n < "$work/changelog" > "$doc/changelog.gz"
install -m 0644 "$pkgdir/copyright" "$doc/copyright"
chmod 0644 "$root/usr/share/man/man1/$pkg.1.gz" "$doc/changelog.gz"
nocomment "$pkgdir/lintian-overrides" > "$work/overrides"
if [ -s "$work/overrides" ]; then
    install -D -m 0644 "$work/overrides" "$root/usr/share/lintian/overrides/$pkg"
fi

# Shared objects, stripped of their debugging data as Debian's are (the
# strip of each one's own architecture).
strip_so() {
    "$1" --remove-section=.comment --remove-section=.note --strip-unneeded "$2"
}
install -m 0755 "$interp" "$lib/qemu-passthrough-binfmt"
strip --remove-section=.comment --remove-section=.note "$lib/qemu-passthrough-binfmt"
host_installed=()
for f in "${host[@]}"; do
    install -m 0644 "$f" "$lib/$(basename "$f")"
    strip_so strip "$lib/$(basename "$f")"
    host_installed+=("$lib/$(basename "$f")")
done
for tf in "${gtl[@]}"; do
    triple=${tf%%=*} f=${tf#*=}
    case "$triple" in
    x86_64-linux-gnu|aarch64-linux-gnu|riscv64-linux-gnu) ;;
    *) die "unknown guest triple '$triple'" ;;
    esac
    install -d -m 0755 "$lib/$triple"
    install -m 0644 "$f" "$lib/$triple/$(basename "$f")"
    strip_so "$triple-strip" "$lib/$triple/$(basename "$f")"
done

# Depends: QEMU's user-mode emulator with plugin support (Debian's 7.2
# is dynamic and loads plugins), and the host libraries the plugins and
# HTLs link, as dpkg-shlibdeps finds them (the GTLs are guest code: their
# libraries come from the guest's own root).
mkdir -p "$work/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$pkg" "$pkg" \
    > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O "${host_installed[@]}" 2>"$work/shlibdeps.err") ||
    { cat "$work/shlibdeps.err" >&2; die "dpkg-shlibdeps failed"; }
shlibs=${shlibs#shlibs:Depends=}
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no libraries"
depends="qemu-user (>= 1:7.2), $shlibs"

size=$(du -sk --apparent-size "$root/usr" | cut -f1)
nocomment "$pkgdir/control.in" |
    sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" \
        -e "s/@DEPENDS@/$depends/" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
# Maintainer scripts: binfmt_misc entries away before removal, the
# interpreters' copies on purge.
for script in prerm postrm; do
    install -m 0755 "$pkgdir/$script" "$root/DEBIAN/$script"
done
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$work/out.deb" > /dev/null
cp "$work/out.deb" "$out"
