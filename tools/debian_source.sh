#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian source packages the guest builds compile (zlib, xz-utils), fetched
# through a private apt configuration whose deb-src lines the caller writes
# from the system's apt sources (apt_sources.sh), so the system's sources
# stay as they are. Sourced by tools/setup.sh (through zlib_source.sh for
# zlib), not run.
#
# debian_source_fetch PACKAGE VERSION CACHE_DIR APT_DIR LIST_CMD...
#   Unpacks (dpkg-source -x) source package PACKAGE at VERSION into
#   CACHE_DIR/PACKAGE-VERSION/src, once, and sets debian_source_dir to
#   CACHE_DIR/PACKAGE-VERSION. APT_DIR holds the private apt lists; the
#   command LIST_CMD... prints its sources.list (deb-src lines), or fails
#   with a one-line error; it runs only when something must be fetched,
#   so a source already unpacked needs neither network nor apt sources.
#   If apt-get source cannot get VERSION from those mirrors (gone from the
#   archive, or listed but not served), it takes the newest source of the
#   same upstream version that it can get, says so in one line, and sets
#   debian_source_dir to that version's directory: a directory is always
#   named by the version unpacked in it. When VERSION is not even listed
#   any more, CACHE_DIR/PACKAGE-VERSION.substitute records the choice, so
#   later runs need no network; a version that is listed is tried again on
#   each run. If no source of that upstream version can be had, it fails
#   with a one-line error saying what to do (DEBIAN_SOURCE_HINT: what to
#   install, for that line).
#
# LIST_CMDs for it:
#   debian_source_release_lines   the system's own mirrors of its release,
#                                 -updates and -security (a binary package
#                                 installed here may come from any of them)
#   debian_source_suite_lines SUITE
#                                 SUITE (another release: trixie) on the
#                                 system's mirrors of it, or on its Debian
#                                 archive mirror

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "debian_source.sh: a library, sourced by tools/setup.sh; not a command" >&2
    exit 2
fi
# shellcheck source=apt_sources.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_sources.sh"

debian_source_release_lines() {
    local rel
    apt_sources_check setup || return 1
    rel=$(apt_sources_release)
    apt_sources_lines deb-src "" "$rel" "$rel-updates" "$rel-security"
}

debian_source_suite_lines() {
    apt_sources_check setup || return 1
    apt_sources_archive_lines deb-src "" "$1"
}

debian_source_log() { echo "setup: $*" >&2; }

# "1:1.2.13.dfsg-1+deb12u1" -> "1:1.2.13.dfsg" (epoch kept, revision not)
debian_source_upstream() {
    echo "${1%-*}"
}

# debian_source_get PACKAGE VERSION DIR: download source VERSION with the
# private configuration in debian_source_apt_opts and unpack it into
# DIR/src (kept: DIR/.unpacked). apt-get's complaints go to DIR.log; fails
# if it fails.
debian_source_get() {
    local pkg=$1 v=$2 dir=$3 work dsc
    if [ -f "$dir/.unpacked" ]; then
        return 0
    fi
    mkdir -p "$dir"
    work=$(mktemp -d)
    # apt-get source drops privileges to _apt where it can.
    chown _apt "$work" 2>/dev/null || true
    if ! (cd "$work" && apt-get "${debian_source_apt_opts[@]}" source \
            --download-only -qq "$pkg=$v" >/dev/null 2>"$dir.log"); then
        rm -rf "$work" "$dir"
        return 1
    fi
    rm -f "$dir.log"
    rm -rf "$dir/src"
    # The .dsc of this version (no epoch in file names).
    dsc=$work/${pkg}_${v#*:}.dsc
    # Its notes (the .dsc's signature cannot be checked without Debian's
    # keys; apt checked the files against the signed index) are shown only
    # if it fails.
    if ! dpkg-source -x "$dsc" "$dir/src" >"$dir.log" 2>&1; then
        cat "$dir.log" >&2
        rm -rf "$work" "$dir.log"
        debian_source_log "dpkg-source -x failed on $pkg $v"
        return 1
    fi
    rm -f "$dir.log"
    rm -rf "$work"
    touch "$dir/.unpacked"
}

# Versions (one a line) in dpkg's order, newest first.
debian_source_newest_first() {
    local sorted=() v i j
    while read -r v; do
        # Insertion: before the first older one.
        for ((i = 0; i < ${#sorted[@]}; i++)); do
            ! dpkg --compare-versions "$v" gt "${sorted[i]}" || break
        done
        for ((j = ${#sorted[@]}; j > i; j--)); do
            sorted[j]=${sorted[j - 1]}
        done
        sorted[i]=$v
    done
    [ ${#sorted[@]} = 0 ] || printf '%s\n' "${sorted[@]}"
}

debian_source_fetch() {
    local pkg=$1 ver=$2 cache=$3 apt_dir=$4 lines
    local subst alt v w up versions listed why
    shift 4
    subst=$cache/$pkg-$ver.substitute
    if [ -f "$cache/$pkg-$ver/.unpacked" ]; then
        debian_source_dir=$cache/$pkg-$ver
        return 0
    fi
    if [ -f "$subst" ]; then
        alt=$(cat "$subst")
        if [ -f "$cache/$pkg-$alt/.unpacked" ]; then
            debian_source_log "$pkg source $ver is not in the archive; using $alt (same upstream version)"
            debian_source_dir=$cache/$pkg-$alt
            return 0
        fi
    fi

    lines=$("$@") || return 1
    debian_source_log "fetching Debian $pkg source $ver"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    echo "$lines" > "$apt_dir/sources.list"
    debian_source_apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
                            -o "Dir::Etc::SourceParts=-"
                            -o "Dir::State::Lists=$apt_dir/lists"
                            -o "Dir::Cache=$apt_dir")
    apt-get "${debian_source_apt_opts[@]}" update -qq
    if debian_source_get "$pkg" "$ver" "$cache/$pkg-$ver"; then
        debian_source_dir=$cache/$pkg-$ver
        return 0
    fi
    # Not to be had: why (apt-get's first error), and which versions of
    # the same upstream version the mirrors list, newest first.
    why=$(grep -m 1 '^E:' "$cache/$pkg-$ver.log" || true)
    rm -f "$cache/$pkg-$ver.log"
    versions=$(apt-cache "${debian_source_apt_opts[@]}" showsrc "$pkg" 2>/dev/null |
        awk -v pkg="$pkg" '/^Package: / { p = $2 } /^Version: / && p == pkg { print $2 }' |
        sort -u)
    listed=0
    ! grep -qxF -- "$ver" <<<"$versions" || listed=1
    up=$(debian_source_upstream "$ver")
    alt=
    for v in $(while read -r w; do
                   [ -n "$w" ] && [ "$w" != "$ver" ] &&
                       [ "$(debian_source_upstream "$w")" = "$up" ] && echo "$w"
               done <<<"$versions" | debian_source_newest_first); do
        if debian_source_get "$pkg" "$v" "$cache/$pkg-$v"; then
            alt=$v
            break
        fi
        rm -f "$cache/$pkg-$v.log"
    done
    if [ -z "$alt" ]; then
        debian_source_log "no $pkg source of upstream version ${up#*:} can be" \
            "had from the system's Debian mirrors (listed: ${versions//$'\n'/ };" \
            "$ver: ${why:-not listed}): ${DEBIAN_SOURCE_HINT:-install a binary" \
            "package whose source they have (apt-cache showsrc $pkg)}, or add a" \
            "Debian mirror that has $pkg $ver to the system's apt sources"
        return 1
    fi
    if [ $listed = 1 ]; then
        debian_source_log "$pkg source $ver is listed but cannot be downloaded" \
            "(${why:-apt-get source failed}); using $alt, the newest of" \
            "upstream ${up#*:} that can"
    else
        debian_source_log "$pkg source $ver is not in the archive any more;" \
            "using $alt, the newest of upstream ${up#*:} there"
        echo "$alt" > "$subst"
    fi
    debian_source_dir=$cache/$pkg-$alt
}
