# bench-xen.gp: make bench-xen's plot, tot_pages (MiB) over the seconds
# since xl mem-set, ours and Linux's, one panel per transition; every
# run is drawn.  gnuplot -e "dir='OUTDIR'" bench-xen.gp > plot.svg
set terminal svg size 1000,700 dynamic font "sans,11"
set multiplot layout 2,2 title "Xen 4.17 under QEMU, PVH guests, memory = maxmem = 1024 MiB: tot\\_pages after xl mem-set"
set xlabel "seconds since xl mem-set"
set ylabel "tot\\_pages (MiB)"
set key right center
set grid
has(f) = system("test -s '" . f . "' && echo 1 || echo 0") + 0
do for [tr in "1024-512 512-1024 1024-128 128-1024"] {
	set title tr . " MiB"
	o = dir . "/trace-ours-" . tr . ".dat"
	l = dir . "/trace-linux-" . tr . ".dat"
	if (has(o) && has(l)) {
		plot o using ($1/1000):2 with lines lw 1.5 \
		    lc rgb "#1f77b4" title "ours (pvhxen)", \
		    l using ($1/1000):2 with lines lw 1.5 \
		    lc rgb "#d62728" title "Linux 6.1"
	} else { if (has(o)) {
		plot o using ($1/1000):2 with lines lw 1.5 \
		    lc rgb "#1f77b4" title "ours (pvhxen)"
	} else { if (has(l)) {
		plot l using ($1/1000):2 with lines lw 1.5 \
		    lc rgb "#d62728" title "Linux 6.1"
	} } }
}
unset multiplot
