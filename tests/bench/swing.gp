# swing.gp: make bench's plot.  One swing of 1 GiB out and back on the
# bench, target and tot_pages over time, superpages against single
# pages; below it, where make bench-xen has run (xen lists its traces,
# trace-GUEST-FROM-TO.dat), Linux's guest and ours on the real Xen.
#   gnuplot -e "dir='obj/bench'; xen=''" swing.gp > swing.svg
set terminal svg size 960,(xen ne "" ? 900 : 500) dynamic font "sans,11"
set termoption noenhanced
f(n) = dir . "/" . n
set xlabel "ms since the memory/target write"
set ylabel "MiB"
set key outside right top
set grid
if (xen ne "") { set multiplot layout 2,1 }
set title "bench (xensimd): 1 GiB out and back, guests of 1152 MiB"
plot f("swing-PV-super.dat") using 1:2 with steps dt 2 lc rgb "#888888" title "target", \
     f("swing-PV-super.dat") using 1:3 with steps lw 2 lc rgb "#1f77b4" title "PV, superpages", \
     f("swing-PV-4k.dat") using 1:3 with steps lw 2 lc rgb "#ff7f0e" title "PV, 4 KiB extents", \
     f("swing-PVH-super.dat") using 1:3 with steps lw 2 dt 3 lc rgb "#2ca02c" title "PVH, superpages", \
     f("swing-PVH-4k.dat") using 1:3 with steps lw 2 dt 3 lc rgb "#d62728" title "PVH, 4 KiB extents"
if (xen ne "") {
	set title "real Xen (make bench-xen): xl mem-set, tot_pages"
	set xlabel "ms since xl mem-set"
	plot for [i = 1:words(xen)] word(xen, i) using 1:2 with lines lw 2 \
	    title word(xen, i)[strstrt(word(xen, i), "trace-") + 6:strlen(word(xen, i)) - 4]
	unset multiplot
}
