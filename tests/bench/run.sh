#!/bin/sh
#
# make bench: the balloon's numbers beside the host's limit, one table
# (tests/bench/balloon_bench.c), and a plot of one swing with gnuplot
# (tests/bench/swing.gp) in $obj/bench/swing.svg; then balloond(8) on an
# overcommitted host against static sizes and free page reporting
# (tests/bench/balloond_bench.c, balloond.gp) in $obj/bench/balloond.md
# and balloond.svg.  Benchmarks report; they never pass or fail on time.
#
set -eu
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$obj/bench
mkdir -p "$out"
rm -rf "$out/xensim" "$out"/swing-*.dat "$out"/bd-*.dat "$out"/bdlat-*.dat
"$out/balloon_bench" "$obj/bin" "$out" | tee "$out/table.md"
# Linux's guest on the real Xen, where make bench-xen left its traces.
xen=$(ls "$obj"/bench-xen/trace-*-1024-512.dat \
    "$obj"/bench-xen/trace-*-512-1024.dat 2>/dev/null | tr '\n' ' ') || true
gnuplot -e "dir='$out'; xen='$xen'" "$here/swing.gp" >"$out/swing.svg"
echo "plot: $out/swing.svg"
rm -rf "$out/xensim"
"$out/balloond_bench" "$obj/bin" "$out" | tee "$out/balloond.md"
gnuplot -e "dir='$out'" "$here/balloond.gp" >"$out/balloond.svg"
echo "plot: $out/balloond.svg"
rm -rf "$out/xensim"
