#!/bin/sh
#
# bench-xen-report.sh LOG OUTDIR: make bench-xen's table and plot from
# the XENBENCH lines of a real-Xen console LOG.  Prints, per guest and
# transition, min/median/max seconds from xl mem-set until tot_pages
# reached the target over the runs, and where a run stalled; writes
# OUTDIR/table.txt, OUTDIR/trace-GUEST-TRANSITION.dat (ms, MiB: every
# run, a blank line between runs) and, with gnuplot, OUTDIR/bench-xen.svg.
#
set -eu
log=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
rm -f "$out"/trace-*.dat "$out/table.txt"

tr -d '\r' <"$log" | grep '^XENBENCH ' >"$out/lines" || true
if grep -q '^XENBENCH [a-z]* fail' "$out/lines"; then
	grep '^XENBENCH [a-z]* fail' "$out/lines" >&2
fi
[ -n "$(grep ' XENTIME ' "$out/lines" || true)" ] ||
    { echo "bench-xen: no timings in $log" >&2; exit 1; }

# Traces for the plot: tot_pages in MiB over ms since xl mem-set.
awk -v out="$out" '
$5 == "XENTRACE" {
	f = out "/trace-" $2 "-" $4 ".dat"
	if (seen[f "," $3]++ == 0 && n[f]++ > 0)
		print "" >> f
	printf "%s %.2f\n", $6, $7 / 256 >> f
}' "$out/lines"

awk '
$5 == "XENTIME" {
	k = $2 " " $4
	if (!(k in cnt)) order[++nk] = k
	t[k, ++cnt[k]] = $7 / 1000
	if ($6 != "reached") {
		stall[k] = stall[k] sprintf(" run %d %s at %d MiB", $3, $6,
		    $8 / 256)
	}
}
function med(k, n,   i, j, x, a) {
	for (i = 1; i <= n; i++) a[i] = t[k, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			x = a[j]; a[j] = a[j - 1]; a[j - 1] = x
		}
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	printf "%-6s %-10s %4s %8s %8s %8s  %s\n", "guest", "MiB", "runs",
	    "min s", "median s", "max s", "not reached"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(k, p, " ")
		m = med(k, cnt[k])
		printf "%-6s %-10s %4d %8.2f %8.2f %8.2f  %s\n", p[1], p[2],
		    cnt[k], lo, m, hi, stall[k] == "" ? "-" : substr(stall[k], 2)
	}
}' "$out/lines" | tee "$out/table.txt"

command -v gnuplot >/dev/null 2>&1 || {
	echo "bench-xen: no gnuplot, no plot" >&2
	exit 0
}
gnuplot -e "dir='$out'" "$here/bench-xen.gp" >"$out/bench-xen.svg.new" &&
    mv "$out/bench-xen.svg.new" "$out/bench-xen.svg"
