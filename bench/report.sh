#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Writes DIR/report.md from the sections the runners left in DIR
# (throughput.md, crossover.md, program.md, deb.md, startup.md). Its first
# line is the headline: the speed-up of passthrough over emulation and its
# cost against native, for compress2 level 6 and inflate on the corpus, on
# the aarch64 guest (or the first guest measured). tools/demo.sh prints
# that line. The third, if //bench:deb ran: the same for dpkg-deb on a
# large package, per compressor, end to end.
# usage: report.sh DIR
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: report.sh DIR
Writes DIR/report.md from the sections the benchmark runners left in DIR
(throughput.md, crossover.md, program.md, deb.md, startup.md), headlines
first.
  -h, --help   this text
USAGE
}
bad_usage() {
    echo "report: $*" >&2
    usage >&2
    exit 2
}
args=()
for a in "$@"; do
    case "$a" in
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$a'" ;;
    *) args+=("$a") ;;
    esac
done
[ ${#args[@]} = 1 ] || bad_usage "wants one results directory, not ${#args[@]} arguments${args:+ (${args[*]})}"
[ -d "${args[0]}" ] || bad_usage "'${args[0]}' is not a directory"
dir=${args[0]}
table=$dir/throughput_table.tsv
sizes=$dir/crossover_sizes.tsv
debs=$dir/deb.tsv

headline() {
    local arch
    if [ ! -s "$table" ]; then
        if [ -s "$sizes" ]; then
            echo "**Headline**: crossover sweep only; run //bench:throughput" \
                "for throughput figures (see below)."
        else
            echo "**Headline**: no results yet."
        fi
        return
    fi
    arch=$(awk -F'\t' 'NR > 1 && $1 == "aarch64" { a = $1 }
                       NR > 1 && first == "" { first = $1 }
                       END { print a != "" ? a : first }' "$table")
    awk -F'\t' -v a="$arch" -v quick="$(cat "$dir/.quick_throughput" 2>/dev/null || echo 0)" '
    NR > 1 && $1 == a && $2 == "corpus" && $5 == 6 {
        if ($4 == "compress2") { c = $10; cn = $9; bytes = $3 }
        if ($4 == "inflate") { i = $10; in_ = $9 }
    }
    END {
        printf "**Headline**: on the %s guest, passthrough runs zlib %.1fx faster than emulation at %.2fx native time (compress2 level 6, %.1f MiB corpus); streaming inflate %.1fx faster at %.2fx native time.%s\n",
            a, c, cn, bytes / 1048576, i, in_,
            quick == 1 ? " (Quick run: small data, not a measurement.)" : ""
    }' "$table"
}

# dpkg-deb on the aarch64 guest (or the first measured): unpacking and
# building, per compressor.
deb_headline() {
    awk -F'\t' -v quick="$(cat "$dir/.quick_deb" 2>/dev/null || echo 0)" '
    NR > 1 { t[$1, $2, $3, $7] = $8
             if ($2 == "unpack") { pkg = $4; mib = $6 / 1048576 }
             if (a == "" || $1 == "aarch64") a = $1 }
    # Quick runs may time 0 s: "-" then.
    function ratio(x, y) {
        return (y > 0 ? sprintf("%.2fx", x / y) : "-")
    }
    function per(op, what,    c, s, s0, i, r, comps) {
        split("xz zstd gzip", comps, " ")
        for (i = 1; i <= 3; i++) {
            c = comps[i]
            s0 = op "_start"
            if (what == "speed-up") {
                r = ratio(t[a, op, c, "emulated"], t[a, op, c, "passthrough"])
            } else if (what == "net") {
                r = ratio(t[a, op, c, "passthrough"] - t[a, s0, c, "passthrough"],
                          t[a, op, c, "native"] - t[a, s0, c, "native"])
            } else {
                r = ratio(t[a, op, c, "passthrough"], t[a, op, c, "native"])
            }
            s = s (i > 1 ? " / " : "") r
        }
        return s
    }
    END {
        printf "**dpkg-deb**: on the %s guest, passthrough unpacks %s (`dpkg-deb --fsys-tarfile`, %.1f MiB of files) %s faster than emulation at %s native time (xz / zstd / gzip; %s net of start-up); it builds it (`-b`) %s faster at %s native time (%s net).%s\n",
            a, pkg, mib, per("unpack", "speed-up"), per("unpack", "cost"),
            per("unpack", "net"), per("build", "speed-up"),
            per("build", "cost"), per("build", "net"),
            (quick == 1 ? " (Quick run: a small package, not a measurement.)" : "")
    }' "$debs"
}

{
    headline
    echo
    if [ -s "$debs" ]; then
        deb_headline
        echo
    fi
    echo "# qemu-passthrough benchmark report"
    echo
    echo "Written $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n):" \
        "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))," \
        "$(qemu-aarch64 --version 2>/dev/null | head -n 1 || echo 'qemu-user ?')," \
        "host zlib $(dpkg-query -W -f='${Version}' zlib1g 2>/dev/null || echo '?')."
    echo "Timings depend on what else the machine runs: each section gives the"
    echo "load average around its run; compare figures taken on a quiet machine."
    if cat "$dir"/.quick_* 2>/dev/null | grep -qx 1; then
        echo
        echo "**Quick run** (\`--quick\`) in the sections marked so: every row"
        echo "once on small data. It checks that the benchmarks run and report;"
        echo "its figures are not measurements."
    fi
    for section in throughput crossover program deb startup; do
        if [ -s "$dir/$section.md" ]; then
            echo
            cat "$dir/$section.md"
        fi
    done
} > "$dir/report.md.tmp"
mv "$dir/report.md.tmp" "$dir/report.md"
echo "report: $dir/report.md"
head -n 1 "$dir/report.md"
