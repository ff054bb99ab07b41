# SPDX-License-Identifier: GPL-2.0-or-later
#
# Throughput chart for one guest: MB/s of native, emulated and passthrough
# zlib per row, demo payload above, corpus below (log scale: level-9
# compression and inflate differ by 100x).
# gnuplot -e "arch='aarch64'; datadir='...'; outfile='x.png';
#             payload_size='8.0 MiB'; corpus_size='34.3 MiB'" throughput.gp
# Data files: datadir/throughput_ARCH_{payload,corpus}.dat, lines
# "LABEL NATIVE EMULATED PASSTHROUGH" (MB/s).

set terminal pngcairo size 1400,1000 font "DejaVu Sans,11" noenhanced
set output outfile

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [*:*]
set ylabel "MB/s (log scale; higher is faster)"
set xlabel "operation and compression level (uncompress/inflate: of data compressed at that level)"
set xtics rotate by -35 scale 0 nomirror
set grid ytics mytics
set key above horizontal

set multiplot layout 2,1 title sprintf("zlib throughput, %s guest: native host zlib, emulated guest zlib (qemu-user), passthrough", arch) font ",14"

set title sprintf("demo payload (%s)", payload_size)
plot datadir."/throughput_".arch."_payload.dat" \
        using 2:xtic(1) title "native" linecolor rgb "#2e7d32", \
     '' using 3 title "emulated" linecolor rgb "#c62828", \
     '' using 4 title "passthrough" linecolor rgb "#1565c0"

set title sprintf("corpus of Debian files (%s)", corpus_size)
plot datadir."/throughput_".arch."_corpus.dat" \
        using 2:xtic(1) title "native" linecolor rgb "#2e7d32", \
     '' using 3 title "emulated" linecolor rgb "#c62828", \
     '' using 4 title "passthrough" linecolor rgb "#1565c0"

unset multiplot
