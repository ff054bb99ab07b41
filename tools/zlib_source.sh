#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian's zlib source for the guest fallback zlib, fetched through a
# private apt configuration written from the system's apt sources
# (apt_sources.sh: the release, -updates and -security suites on their own
# mirrors), so the system's sources stay as they are. Sourced by
# tools/setup.sh, not run. The fetching is debian_source.sh's, shared with
# the other source packages (xz-utils).
#
# zlib_source_fetch VERSION CACHE_DIR
#   Unpacks (dpkg-source -x) the zlib source VERSION (the installed
#   zlib1g's source version) into CACHE_DIR/zlib-VERSION/src, once, and
#   sets zlib_source_dir to CACHE_DIR/zlib-VERSION.
#   If apt-get source cannot get VERSION from the system's Debian mirrors
#   (gone from the archive, or listed but not served), it takes the newest
#   source of the same upstream version that it can get, says so in one
#   line, and sets zlib_source_dir to that version's directory: a directory
#   is always named by the version unpacked in it. When VERSION is not even
#   listed any more, CACHE_DIR/zlib-VERSION.substitute records the choice,
#   so later runs need no network; a version that is listed is tried again
#   on each run. If no source of that upstream version can be had, it fails
#   with a one-line error saying what to do.
#   Private apt lists: CACHE_DIR/apt; deb-src lines: the release, its
#   -updates and -security on the system's own mirrors.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "zlib_source.sh: a library, sourced by tools/setup.sh; not a command" >&2
    exit 2
fi
# shellcheck source=debian_source.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian_source.sh"

zlib_source_fetch() {
    DEBIAN_SOURCE_HINT="install a zlib1g whose source they have (apt-cache showsrc zlib)" \
        debian_source_fetch zlib "$1" "$2" "$2/apt" debian_source_release_lines || return 1
    zlib_source_dir=$debian_source_dir
}
