# balloond.gp: make bench's plot of balloond_bench: host free memory over
# the run against the reserve, and how soon bursts were granted, for the
# host sides (bd-MODE.dat, bdlat-MODE.dat).
#   gnuplot -e "dir='obj/bench'" balloond.gp > balloond.svg
set terminal svg size 960,800 dynamic font "sans,11"
set termoption noenhanced
f(n) = dir . "/" . n
set key outside right top
set grid
set multiplot layout 2,1
set title "50 guests, host overcommitted 2:1, bursty workloads: host free memory"
set xlabel "s (workload from 4 s)"
set ylabel "MiB free on the host"
plot f("bd-static.dat") using 1:2 with lines lw 2 lc rgb "#888888" title "static sizes", \
     f("bd-reporting.dat") using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "free page reporting", \
     f("bd-balloond.dat") using 1:2 with lines lw 2 lc rgb "#1f77b4" title "balloond", \
     f("bd-fast.dat") using 1:2 with lines lw 1 lc rgb "#2ca02c" title "balloond, full-speed workloads", \
     64 with lines dt 2 lc rgb "#d62728" title "reserve (64 MiB)"
set title "from a burst (debug.memhog written) to the workload holding it all"
set xlabel "ms"
set ylabel "fraction of bursts granted"
set logscale x
set yrange [0:1]
plot f("bdlat-static.dat") using 1:2 with steps lw 2 lc rgb "#888888" title "static sizes", \
     f("bdlat-reporting.dat") using 1:2 with steps lw 2 lc rgb "#ff7f0e" title "free page reporting", \
     f("bdlat-balloond.dat") using 1:2 with steps lw 2 lc rgb "#1f77b4" title "balloond", \
     f("bdlat-fast.dat") using 1:2 with steps lw 1 lc rgb "#2ca02c" title "balloond, full-speed workloads"
unset multiplot
