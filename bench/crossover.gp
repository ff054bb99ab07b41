# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crossover chart for one guest: time per call by buffer size, log-log,
# native, emulated, host (every call on the host) and passthrough (the
# GTL's default dispatch), one panel per function.
# gnuplot -e "arch='aarch64'; datadir='...'; outfile='x.png'" crossover.gp
# Data files: datadir/crossover_ARCH_FUNC.dat, lines
# "BYTES NATIVE EMULATED HOST PASSTHROUGH" (ns per call).

set terminal pngcairo size 1400,1000 font "DejaVu Sans,11" noenhanced
set output outfile

set logscale xy 10
set xtics ("16 B" 16, "64 B" 64, "256 B" 256, "1 KiB" 1024, "4 KiB" 4096, \
           "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576, \
           "4 MiB" 4194304, "16 MiB" 16777216) rotate by -30
set format y "%.0s%c"
set xlabel "buffer size (log scale)"
# Exactly the measured sizes, with a little room at both ends.
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set ylabel "ns per call (log scale; lower is faster)"
set rmargin 7
set grid xtics ytics mytics
set key top left box opaque font ",10"
set style data linespoints

set multiplot layout 2,2 title sprintf("time per call by buffer size, %s guest", arch) font ",14"
do for [f in "crc32 adler32 compress2 inflate"] {
    set title (f eq "compress2" ? "compress2 (level 6)" : \
               f eq "inflate" ? "inflate (inflateReset + inflate, level-6 data)" : f)
    plot datadir."/crossover_".arch."_".f.".dat" \
            using 1:3 title "emulated" linewidth 2 pointtype 7 linecolor rgb "#c62828", \
         '' using 1:4 title "passthrough, every call on the host" linewidth 2 pointtype 5 linecolor rgb "#1565c0", \
         '' using 1:5 title "passthrough, default dispatch" linewidth 2 pointtype 4 pointsize 1.6 dashtype 3 linecolor rgb "#6a1b9a", \
         '' using 1:2 title "native" linewidth 1 pointtype 1 dashtype 2 linecolor rgb "#2e7d32"
}
unset multiplot
