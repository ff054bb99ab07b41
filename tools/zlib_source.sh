#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Debian's zlib source for the guest fallback zlib, fetched through a
# private apt configuration written from the system's apt sources
# (apt_sources.sh: the release, -updates and -security suites on their own
# mirrors), so the system's sources stay as they are. Sourced by
# tools/setup.sh, not run.
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

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "zlib_source.sh: a library, sourced by tools/setup.sh; not a command" >&2
    exit 2
fi
# shellcheck source=apt_sources.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_sources.sh"

zlib_source_log() { echo "setup: $*" >&2; }

# "1:1.2.13.dfsg-1+deb12u1" -> "1:1.2.13.dfsg" (epoch kept, revision not)
zlib_source_upstream() {
    echo "${1%-*}"
}

# zlib_source_get VERSION DIR: download source VERSION with the private
# configuration in zlib_source_apt_opts and unpack it into DIR/src (kept:
# DIR/.unpacked). apt-get's complaints go to DIR.log; fails if it fails.
zlib_source_get() {
    local v=$1 dir=$2 work
    if [ -f "$dir/.unpacked" ]; then
        return 0
    fi
    mkdir -p "$dir"
    work=$(mktemp -d)
    if ! (cd "$work" && apt-get "${zlib_source_apt_opts[@]}" source \
            --download-only -qq "zlib=$v" >/dev/null 2>"$dir.log"); then
        rm -rf "$work" "$dir"
        return 1
    fi
    rm -f "$dir.log"
    rm -rf "$dir/src"
    dpkg-source -x "$work"/zlib_*.dsc "$dir/src" >/dev/null ||
        { rm -rf "$work"; zlib_source_log "dpkg-source -x failed on zlib $v"; return 1; }
    rm -rf "$work"
    touch "$dir/.unpacked"
}

# Versions (one a line) in dpkg's order, newest first.
zlib_source_newest_first() {
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

zlib_source_fetch() {
    local zver=$1 cache=$2 subst alt rel v up versions listed why apt_dir
    local src_list
    subst=$cache/zlib-$zver.substitute
    if [ -f "$cache/zlib-$zver/.unpacked" ]; then
        zlib_source_dir=$cache/zlib-$zver
        return 0
    fi
    if [ -f "$subst" ]; then
        alt=$(cat "$subst")
        if [ -f "$cache/zlib-$alt/.unpacked" ]; then
            zlib_source_log "zlib source $zver is not in the archive; using $alt (same upstream version)"
            zlib_source_dir=$cache/zlib-$alt
            return 0
        fi
    fi

    apt_sources_check setup || return 1
    rel=$(apt_sources_release)
    zlib_source_log "fetching Debian zlib source $zver"
    apt_dir=$cache/apt
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    src_list=$apt_dir/sources.list
    # deb-src lines for the system's own mirrors of the release, its
    # updates and its security updates (zlib1g may come from any of them).
    apt_sources_lines deb-src "" "$rel" "$rel-updates" "$rel-security" > "$src_list"
    zlib_source_apt_opts=(-o "Dir::Etc::SourceList=$src_list"
                          -o "Dir::Etc::SourceParts=-"
                          -o "Dir::State::Lists=$apt_dir/lists"
                          -o "Dir::Cache=$apt_dir")
    apt-get "${zlib_source_apt_opts[@]}" update -qq
    if zlib_source_get "$zver" "$cache/zlib-$zver"; then
        zlib_source_dir=$cache/zlib-$zver
        return 0
    fi
    # Not to be had: why (apt-get's first error), and which versions of
    # the same upstream version the mirrors list, newest first.
    why=$(grep -m 1 '^E:' "$cache/zlib-$zver.log" || true)
    rm -f "$cache/zlib-$zver.log"
    versions=$(apt-cache "${zlib_source_apt_opts[@]}" showsrc zlib 2>/dev/null |
        awk '/^Package: / { p = $2 } /^Version: / && p == "zlib" { print $2 }' |
        sort -u)
    listed=0
    ! grep -qxF -- "$zver" <<<"$versions" || listed=1
    up=$(zlib_source_upstream "$zver")
    alt=
    for v in $(while read -r w; do
                   [ -n "$w" ] && [ "$w" != "$zver" ] &&
                       [ "$(zlib_source_upstream "$w")" = "$up" ] && echo "$w"
               done <<<"$versions" | zlib_source_newest_first); do
        if zlib_source_get "$v" "$cache/zlib-$v"; then
            alt=$v
            break
        fi
        rm -f "$cache/zlib-$v.log"
    done
    if [ -z "$alt" ]; then
        zlib_source_log "no zlib source of upstream version ${up#*:} can be" \
            "had from the system's Debian mirrors (listed: ${versions//$'\n'/ };" \
            "$zver: ${why:-not listed}): install a zlib1g whose source they" \
            "have (apt-cache showsrc zlib), or add a Debian mirror that has" \
            "zlib $zver to the system's apt sources"
        return 1
    fi
    if [ $listed = 1 ]; then
        zlib_source_log "zlib source $zver is listed but cannot be downloaded" \
            "(${why:-apt-get source failed}); using $alt, the newest of" \
            "upstream ${up#*:} that can"
    else
        zlib_source_log "zlib source $zver is not in the archive any more;" \
            "using $alt, the newest of upstream ${up#*:} there"
        echo "$alt" > "$subst"
    fi
    zlib_source_dir=$cache/zlib-$alt
}
