# SPDX-License-Identifier: GPL-2.0-or-later
#
# Users' programs chart: each program's time on each guest over its native
# time, emulated and passthrough (log scale), with passthrough's target
# (1.10 of native) drawn across.
# gnuplot -e "datadir='...'; outfile='program.png'" program.gp
# Data file: datadir/program.dat, lines "\"LABEL\nGUEST\" EMU/NAT PT/NAT".

set terminal pngcairo size 1400,700 font "DejaVu Sans,11" noenhanced
set output outfile

set title "Users' programs: time over native (minigzip, optipng, xz), per guest" font ",14"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.5:*]
set ylabel "time / native time (log scale; lower is faster)"
set xtics scale 0 nomirror font ",9"
set bmargin 4
set grid ytics
set key above horizontal

plot datadir."/program.dat" using 2:xtic(1) title "emulated" linecolor rgb "#c62828", \
     '' using 3 title "passthrough" linecolor rgb "#1565c0", \
     1.10 with lines dashtype 2 linecolor rgb "#333333" title "passthrough target (1.10)"
