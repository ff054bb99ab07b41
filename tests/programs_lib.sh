#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What the tests of real, unmodified Debian programs on one library share
# (run_xz_programs_test.sh, run_bz2_programs_test.sh): sourced, not run.
#
# programs_setup WHAT SONAME PREFIX ARCH DEBIAN_ROOT RUNNER PLUGIN HTL GTL
#                [QEMU PATH]
#   WHAT names the test in messages; SONAME is the library's (Debian keeps
#   it in /lib in 12, /usr/lib in 13); PREFIX a regular expression for
#   the start of its entries' names (host_calls). QEMU: the qemu-ARCH binary, or "system" (default)
#   for the one on PATH; PATH: the control path the plugin's stats must
#   name (default syscall-entry; "filter" on the project-built filter
#   QEMU). Sets root, libdir, ownlibdir, common and tmp, and cds to $tmp.
# pt NAME ENTRY... -- CMD...   with passthrough; the listed entries (NAME
#                              without _HTL) must have run on the host
# own CMD...                   on Debian's own library
# same WHAT PT_FILE OWN_FILE   byte-identical, or the test fails
# host_calls NAME              the library's calls on the host in pt NAME
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "programs_lib.sh: a library, sourced by the program tests; not a command" >&2
    exit 2
fi

programs_setup() {
    programs_what=$1 programs_soname=$2 programs_prefix=$3
    arch=$4 root=$5 runner=$6
    local plugin=$7 htl=$8 gtl=$9 qemu=${10:-system} f
    programs_path=${11:-syscall-entry}
    tmp=${TEST_TMPDIR:-$(mktemp -d)}
    root=$(realpath "$root")
    runner=$(realpath "$runner")
    gtl_dir=$(dirname "$(realpath "$gtl")")
    libdir=$root/usr/lib/$arch-linux-gnu
    ownlibdir=$root/lib/$arch-linux-gnu
    [ -e "$ownlibdir/$programs_soname" ] || ownlibdir=$libdir
    common=(--arch "$arch" --plugin "$(realpath "$plugin")" --gtl-dir "$gtl_dir"
            --htl-dir "$(dirname "$(realpath "$htl")")")
    [ "$qemu" = system ] || common+=(--qemu "$(realpath "$qemu")")
    # Debian 13's trees carry their C library: the guest's sysroot.
    [ ! -e "$libdir/libc.so.6" ] || common+=(-L "$root")
    # The libraries Debian puts beside the library, without it, for the
    # passthrough runs (after the GTLs' folder).
    mkdir -p "$tmp/lib"
    for f in "$ownlibdir"/*; do
        case $(basename "$f") in
        "${programs_soname%%.so*}".so*) ;;
        *) ln -sf "$f" "$tmp/lib/" ;;
        esac
    done
    cd "$tmp"
}

fail() {
    echo "FAIL ($programs_what, $arch): $*" >&2
    exit 1
}

pt() {
    local name=$1 entries=() e got
    shift
    while [ "$1" != -- ]; do
        entries+=("$1")
        shift
    done
    shift
    rm -f "$tmp/$name".stats*
    "$runner" "${common[@]}" --stats="$tmp/$name.stats" \
        -E "LD_LIBRARY_PATH=$gtl_dir:$tmp/lib:$libdir:$root/lib/$arch-linux-gnu" \
        -- "$@" ||
        fail "$name exited with $?"
    got=$(awk '$1 == "control_path" { print $2 }' "$tmp/$name.stats")
    [ "$got" = "$programs_path" ] ||
        fail "$name: control path '$got', expected '$programs_path'"
    for e in "${entries[@]}"; do
        # Summed: every HTL has its own ga_resume_HTL, and a forked child
        # (dpkg-deb's decompressor) writes its own NAME.stats.<pid>.
        got=$(awk -v e="${e}_HTL" '$1 == "call" && $3 == e { n += $4 }
            END { print n + 0 }' "$tmp/$name".stats*)
        [ "$got" -gt 0 ] || fail "$name: $e did not run on the host"
    done
    echo "$name: $(host_calls "$name") host calls" >&2
}

host_calls() {
    awk -v p="^$programs_prefix" '$1 == "call" && $3 ~ p { n += $4 }
        END { print n + 0 }' "$tmp/$1".stats*
}

own() {
    "$runner" "${common[@]}" --no-gtl \
        -E "LD_LIBRARY_PATH=$ownlibdir:$libdir:$root/lib/$arch-linux-gnu" \
        -- "$@" || fail "own-${programs_soname%%.so*} run of $* exited with $?"
}

same() {
    cmp -s "$2" "$3" || fail "$1: output differs from Debian's ${programs_soname%%.so*}'s"
}
