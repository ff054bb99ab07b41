#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The system's apt sources, read as apt reads them, for the private apt
# configurations of tools/setup.sh and tools/build-filter-qemu.sh: which
# Debian mirrors serve the machine's release and its -updates, -security
# and -backports suites, and with which keyring. Sourced, not run. Pure
# bash and awk: it runs on a fresh Debian before anything is installed.
#
# Read, in apt's order: etc/apt/sources.list and etc/apt/sources.list.d/
# *.list (one-line format), etc/apt/sources.list.d/*.sources (deb822);
# other names in sources.list.d are ignored, as apt ignores them.
#   APT_SOURCES_ROOT   read ROOT/etc/apt/... and ROOT/etc/os-release
#                      instead of /etc/... (tests/apt_sources/)
#
# A Debian mirror is an entry with component main whose keyring, if it
# names one (Signed-By), is a Debian one (its file name says "debian"):
# another repository using the same suite name for its own packages signs
# with its own key. cdrom: entries and flat repositories serve no suite.
# A keyring embedded in a .sources file cannot go into a one-line list:
# such an entry gets the default keyring (Debian's archive keyring).
#
# Functions (each reads the files afresh):
#   apt_sources_entries        every enabled entry, one line per type, URI
#                              and suite: "TYPE URI SUITE COMPONENTS
#                              SIGNED_BY" (lists comma-separated, "-" for
#                              none; URIs without a trailing slash)
#   apt_sources_release        the Debian release (codename) the sources
#                              are for; /etc/os-release's if they say none
#   apt_sources_mirrors SUITE  "URI KEYRING" of each Debian mirror serving
#                              SUITE's main component
#   apt_sources_archive        "URI KEYRING": the first mirror serving the
#                              release itself (the Debian archive)
#   apt_sources_security       "URI KEYRING": the first serving
#                              RELEASE-security (empty if none does)
#   apt_sources_lines TYPE OPTIONS SUITE...
#                              sources.list lines ("TYPE [OPTIONS
#                              signed-by=KEYRING] URI SUITE main") for each
#                              SUITE on every mirror serving it; a SUITE no
#                              mirror serves gets none
#   apt_sources_archive_lines TYPE OPTIONS SUITE...
#                              the same, but a SUITE no mirror serves (sid,
#                              trixie, backports) goes on the archive's
#   apt_sources_check PREFIX   fails with a one-line error (to stderr,
#                              after PREFIX) unless there is a release and
#                              a Debian archive mirror for it

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "apt_sources.sh: a library, sourced by tools/setup.sh and" \
        "tools/build-filter-qemu.sh; not a command" >&2
    exit 2
fi

APT_SOURCES_DEFAULT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The files apt reads, in its order: sources.list, then sources.list.d's
# *.list and *.sources files sorted by name (apt skips hidden files and
# names with other characters or other extensions).
apt_sources_files() {
    local root=${APT_SOURCES_ROOT:-} f name
    [ ! -f "$root/etc/apt/sources.list" ] || echo "$root/etc/apt/sources.list"
    for f in "$root"/etc/apt/sources.list.d/*; do
        name=${f##*/}
        [ -f "$f" ] || continue
        [[ $name =~ ^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(list|sources)$ ]] || continue
        echo "$f"
    done | LC_ALL=C sort
}

apt_sources_entries() {
    local files
    mapfile -t files < <(apt_sources_files)
    [ ${#files[@]} -gt 0 ] || return 0
    awk '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function uri(u) { while (u ~ /[^\/:]\/$/) sub(/\/$/, "", u); return u }
    function join(s) { s = trim(s); gsub(/[ \t,]+/, ",", s); return s == "" ? "-" : s }
    function emit(type, u, suite, comps, sb) {
        if (u == "" || u ~ /^cdrom:/ || suite == "" || suite ~ /\/$/) return
        print type, uri(u), suite, join(comps), sb
    }
    # deb822: the stanza read so far, if any.
    function flush(   nt, t, nu, u, ns, s, i, j, k, sb, en) {
        if (!stanza) return
        stanza = 0
        en = tolower(f["enabled"])
        sb = f["signed-by"] ~ /BEGIN PGP/ ? "-" : join(f["signed-by"])
        if (en !~ /^(no|false|without|off|disable)$/) {
            nt = split(f["types"], t, " ")
            nu = split(f["uris"], u, " ")
            ns = split(f["suites"], s, " ")
            for (i = 1; i <= nt; i++)
                if (t[i] == "deb" || t[i] == "deb-src")
                    for (j = 1; j <= nu; j++)
                        for (k = 1; k <= ns; k++)
                            emit(t[i], u[j], s[k], f["components"], sb)
        }
        split("", f)
        field = ""
    }
    FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
    deb822 && /^#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 && /^[ \t]/ {
        if (field != "") f[field] = f[field] " " trim($0)
        next
    }
    deb822 {
        i = index($0, ":")
        if (i == 0) { field = ""; next }
        field = tolower(trim(substr($0, 1, i - 1)))
        f[field] = trim(substr($0, i + 1))
        stanza = 1
        next
    }
    {
        # One-line format: TYPE [OPTIONS] URI SUITE [COMPONENT...]; a "#"
        # starts a comment anywhere on the line.
        line = $0
        sub(/#.*/, "", line)
        n = split(line, w, " ")
        if (n == 0 || (w[1] != "deb" && w[1] != "deb-src")) next
        i = 2
        sb = "-"
        if (w[i] ~ /^\[/) {
            opts = w[i]
            while (opts !~ /\]$/ && i < n) opts = opts " " w[++i]
            i++
            gsub(/[\[\]]/, " ", opts)
            no = split(opts, o, " ")
            for (j = 1; j <= no; j++)
                if (tolower(o[j]) ~ /^signed-by=/) sb = join(substr(o[j], 11))
        }
        u = w[i]
        # cdrom:[Label with spaces]/
        if (u ~ /^cdrom:\[/) while (u !~ /\]/ && i < n) u = u " " w[++i]
        suite = w[i + 1]
        comps = ""
        for (j = i + 2; j <= n; j++) comps = comps " " w[j]
        emit(w[1], u, suite, comps, sb)
    }
    END { flush() }
    ' "${files[@]}"
}

# The entries of Debian mirrors (main, a Debian keyring or none), each line
# "URI SUITE KEYRING" with the default keyring where none is named.
apt_sources_debian() {
    apt_sources_entries | awk -v def="$APT_SOURCES_DEFAULT_KEYRING" '
    function debian(sb,   n, a, i, b) {
        if (sb == "-") return 1
        n = split(sb, a, ",")
        for (i = 1; i <= n; i++) {
            b = a[i]
            sub(/.*\//, "", b)
            if (tolower(b) ~ /debian/) return 1
        }
        return 0
    }
    ("," $4 ",") ~ /,main,/ && debian($5) { print $2, $3, ($5 == "-" ? def : $5) }'
}

# The codename in ROOT/etc/os-release (or ROOT/usr/lib/os-release).
apt_sources_os_codename() {
    local root=${APT_SOURCES_ROOT:-} f
    for f in "$root/etc/os-release" "$root/usr/lib/os-release"; do
        if [ -f "$f" ]; then
            sed -n 's/^VERSION_CODENAME=["'\'']\{0,1\}\([^"'\'']*\).*/\1/p' "$f" | head -n 1
            return 0
        fi
    done
}

# The release: of the suites Debian mirrors serve (their -updates,
# -security, -backports... stripped), os-release's codename if it is one of
# them, else the first; os-release's if they name none.
apt_sources_release() {
    local os cands
    os=$(apt_sources_os_codename)
    cands=$(apt_sources_debian | awk '{
        s = $2
        sub(/-(updates|security|backports|backports-sloppy|proposed-updates)$/, "", s)
        if (s !~ /\// && !(s in seen)) { seen[s] = 1; print s }
    }')
    if [ -n "$os" ] && grep -qxF -- "$os" <<<"$cands"; then
        echo "$os"
    elif [ -n "$cands" ]; then
        head -n 1 <<<"$cands"
    elif [ -n "$os" ]; then
        echo "$os"
    else
        return 1
    fi
}

apt_sources_mirrors() {
    apt_sources_debian | awk -v s="$1" '$2 == s && !($1 in seen) { seen[$1] = 1; print $1, $3 }'
}

apt_sources_archive() {
    local rel
    rel=$(apt_sources_release) || return 0
    apt_sources_mirrors "$rel" | head -n 1
}

apt_sources_security() {
    local rel
    rel=$(apt_sources_release) || return 0
    apt_sources_mirrors "$rel-security" | head -n 1
}

# apt_sources_line TYPE OPTIONS URI KEYRING SUITE
apt_sources_line() {
    echo "$1 [${2:+$2 }signed-by=$4] $3 $5 main"
}

apt_sources_lines() {
    local type=$1 opts=$2 suite uri key
    shift 2
    for suite in "$@"; do
        while read -r uri key; do
            apt_sources_line "$type" "$opts" "$uri" "$key" "$suite"
        done < <(apt_sources_mirrors "$suite")
    done
}

apt_sources_archive_lines() {
    local type=$1 opts=$2 suite uri key archive lines
    shift 2
    archive=$(apt_sources_archive)
    for suite in "$@"; do
        lines=$(apt_sources_lines "$type" "$opts" "$suite")
        if [ -z "$lines" ] && [ -n "$archive" ]; then
            read -r uri key <<<"$archive"
            lines=$(apt_sources_line "$type" "$opts" "$uri" "$key" "$suite")
        fi
        [ -z "$lines" ] || echo "$lines"
    done
}

apt_sources_check() {
    local prefix=$1 root=${APT_SOURCES_ROOT:-} rel
    if ! rel=$(apt_sources_release); then
        echo "$prefix: cannot tell the Debian release: no Debian entry in" \
            "$root/etc/apt/sources.list{,.d/} and no VERSION_CODENAME in" \
            "$root/etc/os-release; add the Debian archive to the system's" \
            "apt sources" >&2
        return 1
    fi
    if [ -z "$(apt_sources_archive)" ]; then
        echo "$prefix: no Debian mirror for $rel in the system's apt sources" \
            "($root/etc/apt/sources.list, $root/etc/apt/sources.list.d/*.list," \
            "*.sources): add one serving '$rel main' there (see" \
            "sources.list(5)) and run this again" >&2
        return 1
    fi
}
