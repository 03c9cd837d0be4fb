#!/bin/sh
#
# conform.sh OBJ [LOG]: the XENMEM conformance sequence's answers on a
# real Xen (the XENCONFORM lines of a real-Xen run's console, LOG or
# OBJ/realxen/console.log) and in a bench guest (conform-bench.sh, run
# now), side by side: per step the call's result, the change of
# XENMEM_current_reservation it made (the start: its value) and
# XENMEM_maximum_reservation after it.  Each row ends "same", "explained:
# why" (a difference xensimd(8) lists under CAVEATS) or "DIFFERENT".
# Then the same for a guest booted populate-on-demand (memory 128 MiB,
# maxmem 256 MiB: the XENCONFORM-POD lines, scenario conformance_pod).
# Exit status 1 when a row is DIFFERENT or a side is missing.
#
set -u
obj=$1
log=${2:-$obj/realxen/console.log}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conform.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# side TAG MAXMEM: Xen's lines tagged TAG in $tmp/xen, the bench's with
# memory 128 and that maxmem in $tmp/bench.
side()
{
	tr -d '\r' <"$log" 2>/dev/null |
	    sed -n "s/^$1 xenmem_conform //p" >"$tmp/xen"
	[ -s "$tmp/xen" ] || {
		echo "conform: no $1 lines in $log (make test-xen runs them)" >&2
		return 1
	}
	sh "$here/conform-bench.sh" "$obj" "$2" |
	    sed 's/^xenmem_conform //' >"$tmp/bench" || {
		echo "conform: the bench side failed (maxmem $2)" >&2
		return 1
	}
}

# compare: the two sides' rows.  The difference xensimd(8) explains, only
# as large as its cause: what a frame populated again holds (neither Xen
# nor xensimd scrubs it: Xen gave zeros or the frame's old data).
compare()
{
	awk '
function row(s, x, b,   v, xa, ba) {
	v = "same"
	if (x != b) {
		split(x, xa, " "); split(b, ba, " ")
		if (s == "read_pop" && xa[2] == ba[2] && xa[3] == ba[3])
			v = "explained: neither promises a scrubbed frame" \
			    " (xensimd -s scrubs); Xen gave " \
			    (xa[1] == "0x0" ? "a zeroed one" : "old data")
		else {
			v = "DIFFERENT"
			bad = 1
		}
	}
	printf "%-12s %-26s %-26s %s\n", s, x, b, v
}
# step result cur max -> "result dcur max"
function norm(r, c, m, p) { return r " " (p == "" ? c : c - p) " " m }
FNR == 1 { f++ }
f == 1 { xs[++nx] = $1; xv[nx] = norm($2, $3, $4, xp); xp = $3 }
f == 2 { bs[++nb] = $1; bv[nb] = norm($2, $3, $4, bp); bp = $3 }
END {
	printf "%-12s %-26s %-26s %s\n", "step", "Xen: rc dcur max",
	    "bench: rc dcur max", "verdict"
	for (i = 1; i <= nx || i <= nb; i++) {
		if (xs[i] != bs[i]) {
			printf "%-12s %-26s %-26s %s\n", xs[i] "/" bs[i],
			    xv[i], bv[i], "DIFFERENT (steps)"
			bad = 1
			continue
		}
		row(xs[i], xv[i], bv[i])
	}
	exit bad
}' "$tmp/xen" "$tmp/bench"
}

rc=0
{ side XENCONFORM 128 && compare; } || rc=1
echo
echo "populate-on-demand: memory 128 MiB, maxmem 256 MiB"
{ side XENCONFORM-POD 256 && compare; } || rc=1
exit $rc
