# SPDX-License-Identifier: GPL-2.0-or-later
#
# Speed-up of passthrough over emulation (emulated time / passthrough time)
# by buffer size, log-log, one panel per function, one colour per guest:
# solid with every call on the host, dashed with the GTL's default
# dispatch. Above 1, passthrough wins.
# gnuplot -e "arches='x86_64 aarch64'; datadir='...'; outfile='x.png'" \
#     crossover_speedup.gp
# Data files as for crossover.gp.

set terminal pngcairo size 1400,1000 font "DejaVu Sans,11" noenhanced
set output outfile

set logscale xy 10
set xtics ("16 B" 16, "64 B" 64, "256 B" 256, "1 KiB" 1024, "4 KiB" 4096, \
           "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576, \
           "4 MiB" 4194304, "16 MiB" 16777216) rotate by -30
set xlabel "buffer size (log scale)"
# Exactly the measured sizes, with a little room at both ends.
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set ylabel "emulated time / passthrough time (log scale)"
set rmargin 7
set ytics ("0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, \
           "10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000)
set grid xtics ytics
set key below horizontal maxrows 3
set style data linespoints

colors = "#1565c0 #c62828 #2e7d32"
set multiplot layout 2,2 title "speed-up of passthrough over emulation (above 1: passthrough wins); solid: every call on the host, dotted: default dispatch" font ",13"
do for [f in "crc32 adler32 compress2 inflate"] {
    set title (f eq "compress2" ? "compress2 (level 6)" : \
               f eq "inflate" ? "inflate (inflateReset + inflate, level-6 data)" : f)
    # The break-even line always in view, with room on both sides.
    lo = 0.5
    hi = 2
    # stats only sees points inside the current range.
    set autoscale y
    do for [i = 1:words(arches)] {
        do for [col = 4:5] {
            stats datadir."/crossover_".word(arches, i)."_".f.".dat" \
                using ($3 / column(col)) nooutput
            lo = STATS_min < lo ? STATS_min : lo
            hi = STATS_max > hi ? STATS_max : hi
        }
    }
    set yrange [lo / 1.3 : hi * 1.3]
    plot for [i = 1:words(arches)] \
            datadir."/crossover_".word(arches, i)."_".f.".dat" \
            using 1:($3 / $4) title word(arches, i)." (host)" linewidth 2 \
            pointtype 7 linecolor rgb word(colors, i), \
         for [i = 1:words(arches)] \
            datadir."/crossover_".word(arches, i)."_".f.".dat" \
            using 1:($3 / $5) title word(arches, i)." (default)" linewidth 2 \
            dashtype 3 pointtype 4 pointsize 1.4 linecolor rgb word(colors, i), \
         1 title "break-even" dashtype 2 linewidth 1 linecolor rgb "black"
}
unset multiplot
