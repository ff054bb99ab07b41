#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The benchmark corpus: a fixed list of text and binary files that Debian
# packages installed by tools/setup.sh ship, concatenated in the listed
# order. bench/corpus.sha256 records each file's checksum, so the corpus is
# the same bytes on every machine, or the build of it fails and says which
# file and package differ.
#
# usage: corpus.sh build MANIFEST OUT   verify every file, write the corpus
#        corpus.sh manifest             print a fresh manifest (stdout) for
#                                       the sources listed below
set -euo pipefail

# What goes in, in order: text first (licences, C/C++ sources and headers),
# then binaries (an x86_64 compiler, aarch64 and riscv64 C libraries). A
# directory stands for its regular files, sorted by name (LC_ALL=C).
SOURCES=(
    /usr/share/common-licenses/Apache-2.0
    /usr/share/common-licenses/Artistic
    /usr/share/common-licenses/GPL-2
    /usr/share/common-licenses/GPL-3
    /usr/share/common-licenses/LGPL-2.1
    /usr/share/common-licenses/MPL-2.0
    /usr/src/googletest
    /usr/aarch64-linux-gnu/include
    /usr/lib/gcc-cross/riscv64-linux-gnu/12/cc1
    /usr/aarch64-linux-gnu/lib/libc.so.6
    /usr/riscv64-linux-gnu/lib/libc.so.6
)
MIN_BYTES=$((32 << 20))

die() { echo "corpus: $*" >&2; exit 1; }

usage() {
    cat <<'USAGE'
usage: corpus.sh build MANIFEST OUT   verify every file, write the corpus
       corpus.sh manifest             print a fresh manifest (stdout)
       corpus.sh -h|--help            this text
USAGE
}
bad_usage() {
    echo "corpus: $*" >&2
    usage >&2
    exit 2
}

expand_sources() {
    local s
    for s in "${SOURCES[@]}"; do
        if [ -d "$s" ]; then
            find "$s" -type f | LC_ALL=C sort
        elif [ -f "$s" ]; then
            echo "$s"
        else
            die "$s: missing (run tools/setup.sh)"
        fi
    done
}

# The package and installed version that own a file, or "?".
owner() {
    local pkg
    pkg=$(dpkg -S "$1" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    if [ -n "$pkg" ]; then
        echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)"
    else
        echo "?"
    fi
}

manifest() {
    local files total
    mapfile -t files < <(expand_sources)
    total=$(cat "${files[@]}" | wc -c)
    [ "$total" -ge $MIN_BYTES ] || die "only $total bytes; need $MIN_BYTES"
    echo "# SPDX-License-Identifier: GPL-2.0-or-later"
    echo "# The benchmark corpus (bench/corpus.sh): $total bytes, these files"
    echo "# in this order. From Debian packages (version when recorded):"
    dpkg -S "${files[@]}" 2>/dev/null | cut -d: -f1 | tr ', ' '\n\n' |
        sed '/^$/d' | LC_ALL=C sort -u | while read -r pkg; do
        echo "#   $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
    done
    sha256sum "${files[@]}"
}

build() {
    local manifest=$1 out=$2 list bad total f
    [ -f "$manifest" ] || die "$manifest: no such manifest"
    list=$(grep -v '^#' "$manifest")
    [ -n "$list" ] || die "$manifest: no files listed"
    # Check every file first, so a mismatch names all that differ.
    if ! bad=$(sha256sum --check --quiet <<<"$list" 2>&1); then
        echo "corpus: files differ from the recorded checksums ($manifest):" >&2
        grep ': FAILED' <<<"$bad" | while read -r f; do
            f=${f%: FAILED*}
            if [ -e "$f" ]; then
                echo "  $f (now from: $(owner "$f"))" >&2
            else
                echo "  $f (missing)" >&2
            fi
        done
        echo "corpus: the packages above are not the versions recorded in" \
            "the manifest's header. Install those, or record the new ones" \
            "(bench/corpus.sh manifest > bench/corpus.sha256) and say so in" \
            "the commit: figures from different corpora do not compare." >&2
        exit 1
    fi
    cut -c67- <<<"$list" | tr '\n' '\0' | xargs -0 cat > "$out.tmp"
    total=$(wc -c < "$out.tmp")
    [ "$total" -ge $MIN_BYTES ] || die "corpus is $total bytes; need $MIN_BYTES"
    mv "$out.tmp" "$out"
}

for a in "$@"; do
    case "$a" in
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$a'" ;;
    esac
done
case "${1:-}" in
build) [ $# = 3 ] || bad_usage "build wants MANIFEST and OUT, not $(($# - 1)) arguments"
       build "$2" "$3" ;;
manifest) [ $# = 1 ] || bad_usage "manifest takes no arguments (got '$2')"
          manifest ;;
'') bad_usage "no command given" ;;
*) bad_usage "unknown command '$1'" ;;
esac
