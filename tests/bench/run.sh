#!/bin/sh
#
# make bench: the balloon's numbers beside the host's limit, one table
# (tests/bench/balloon_bench.c), and a plot of one swing with gnuplot
# (tests/bench/swing.gp) in $obj/bench/swing.svg.  BENCH_ROWS selects
# rows (see balloon_bench.c's main).  Benchmarks report;
# they never pass or fail on time.
#
set -eu
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$obj/bench
mkdir -p "$out"
rm -rf "$out/xensim" "$out"/swing-*.dat
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
# The document the README points to: this run's table and plot, from a
# run of every row only.
[ -z "${BENCH_ROWS:-}" ] || exit 0
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
} >"$doc/bench.md"
cp "$out/swing.svg" "$doc/bench.svg"
echo "written: share/doc/bench.md, share/doc/bench.svg"
