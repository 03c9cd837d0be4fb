#!/bin/sh
#
# make bench: the balloon's numbers beside the host's limit, one table
# (tests/bench/balloon_bench.c), and a plot of one swing with gnuplot
# (tests/bench/swing.gp) in $obj/bench/swing.svg; then balloond(8) on an
# overcommitted host against static sizes and free page reporting
# (tests/bench/balloond_bench.c, balloond.gp) in $obj/bench/balloond.md
# and balloond.svg.  BENCH_ROWS selects rows of the first (see
# balloon_bench.c's main) and skips the second.  Benchmarks report;
# they never pass or fail on time.
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
# BENCH_ROWS without the swings: nothing to plot.
if ls "$out"/swing-*.dat >/dev/null 2>&1; then
	gnuplot -e "dir='$out'; xen='$xen'" "$here/swing.gp" >"$out/swing.svg"
	echo "plot: $out/swing.svg"
fi
rm -rf "$out/xensim"
# The document the README points to: this run's tables and plots, from a
# run of every row only.
[ -z "${BENCH_ROWS:-}" ] || exit 0
"$out/balloond_bench" "$obj/bin" "$out" | tee "$out/balloond.md"
gnuplot -e "dir='$out'" "$here/balloond.gp" >"$out/balloond.svg"
echo "plot: $out/balloond.svg"
rm -rf "$out/xensim"
doc=$here/../../share/doc
mkdir -p "$doc"
{
	echo "# make bench"
	echo
	echo "Written by \`make bench\` (tests/bench/run.sh), on $(nproc) cores,"
	echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	echo "Every time is measured in C, beside the host's own limit measured in"
	echo "the same run; the plot is one 1 GiB swing (bench.svg)."
	echo
	cat "$out/table.md"
	echo
	echo "## balloond(8) on a host overcommitted two to one (balloond.svg)"
	echo
	cat "$out/balloond.md"
} >"$doc/bench.md"
cp "$out/swing.svg" "$doc/bench.svg"
cp "$out/balloond.svg" "$doc/balloond.svg"
echo "written: share/doc/bench.md, bench.svg, balloond.svg"
