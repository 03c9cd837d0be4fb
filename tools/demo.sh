#!/bin/sh
#
# make demo: the first thing to run.  A guest on the simulated Xen host is
# ballooned from 512 MiB down to 256 MiB and back up from dom0, as
# `xl mem-set' would do it, while the host's memory is watched.
#
#	sh tools/demo.sh OBJDIR
#
# Everything runs in a temporary directory that is removed at the end,
# also when the demo is interrupted; nothing is left running.
#
set -eu

obj=${1:?usage: sh tools/demo.sh objdir}
bin=$obj/bin
for p in xensimd xensimctl balloonctl rumpxen; do
	if [ ! -x "$bin/$p" ]; then
		echo "demo: $bin/$p is not built (run make build)" >&2
		exit 1
	fi
done
PATH=$bin:$PATH
export PATH

XENSIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xenballoon-demo.XXXXXX")
XENSTORED_PATH=$XENSIM_DIR/socket
export XENSIM_DIR XENSTORED_PATH

stop_host()
{
	pid=$(cat "$XENSIM_DIR/xensimd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

cleanup()
{
	# Finish cleaning up even if interrupted again.
	trap '' INT TERM
	trap - EXIT
	stop_host
	rm -rf "$XENSIM_DIR"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted; host stopped, $XENSIM_DIR removed"; exit 130' INT
trap 'exit 143' TERM

# Step titles in bold on a terminal, plain in a log.
if [ -t 1 ]; then
	bold=$(printf '\033[1m') plain=$(printf '\033[0m')
else
	bold= plain=
fi
step=0
say()
{
	step=$((step + 1))
	printf '\n%s%d. %s%s\n' "$bold" "$step" "$*" "$plain"
}

# Show a command, run it, show its output; stop the demo if it fails.
run()
{
	printf '   $ %s\n' "$*"
	if "$@" >"$XENSIM_DIR/demo.out" 2>&1; then
		sed 's/^/     /' "$XENSIM_DIR/demo.out"
	else
		sed 's/^/     /' "$XENSIM_DIR/demo.out"
		echo "demo: '$*' failed" >&2
		exit 1
	fi
}

# balloonctl wait: straight to a terminal, so its progress bar shows live.
run_wait()
{
	if [ -t 1 ]; then
		printf '   $ %s\n' "$*"
		"$@" || { echo "demo: '$*' failed" >&2; exit 1; }
	else
		run "$@"
	fi
}

# The guest RAM memfd's allocated MiB, as the host kernel counts it: the
# memfd is open in xensimd, and its st_blocks shrink as pages are punched.
ram_mib()
{
	xensimctl list -l | awk -v d="$domid" \
	    'NR > 1 && $2 == d { printf "%d", $6 / 256 }'
}

host_free_mib()
{
	xensimctl info | awk '$1 == "free_memory" { print $3 }'
}

tot_mib()
{
	balloonctl list | awk -v d="$domid" '$2 == d { print $3 }'
}

say "Start the simulated Xen host (xensimd) in $XENSIM_DIR"
run xensimd -d "$XENSIM_DIR"

say "Create a guest as 'xl create' would: 512 MiB, PVH, running the balloon driver"
run xensimctl create name=demo memory=512 maxmem=512 type=pvh \
    kernel="$bin/rumpxen"
domid=$(xensimctl domid demo)
RUMP_SERVER=$XENSIM_DIR/domains/$domid/sysctl
export RUMP_SERVER
i=0
until balloonctl >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "demo: the guest never came up; its log:" >&2
		cat "$XENSIM_DIR"/*.log >&2 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
done
echo "   the guest is domain $domid; inside it, RUMP_SERVER=$RUMP_SERVER"

say "Inside the guest: its balloon, as 'sysctl machdep.xen.balloon' shows it (KiB)"
run balloonctl

say "dom0: the host and its domains"
run xensimctl info
run balloonctl list
r0=$(ram_mib); f0=$(host_free_mib); t0=$(tot_mib)
echo "   the guest's RAM (a memfd on the host) holds $r0 MiB"

say "dom0: balloonctl mem-set demo 256   (what 'xl mem-set demo 256' does)"
run balloonctl mem-set demo 256
run xenstore-read /local/domain/$domid/memory/target
echo "   inside the guest, the driver gives pages back to Xen (it inflates the balloon):"
run_wait balloonctl wait 256

say "dom0: the host got the memory back"
run balloonctl list
r1=$(ram_mib); f1=$(host_free_mib); t1=$(tot_mib)
echo "   the guest's RAM memfd now holds $r1 MiB (was $r0): $((r0 - r1)) MiB returned to the host"

say "dom0: balloonctl mem-set demo 512   (and back up)"
run balloonctl mem-set demo 512
run_wait balloonctl wait 512

say "dom0: the guest has taken its memory back"
run balloonctl list
echo "   inside the guest, the driver's counters:"
run balloonctl stats
r2=$(ram_mib); f2=$(host_free_mib); t2=$(tot_mib)
echo "   the guest's RAM memfd holds $r2 MiB again"

say "Summary"
printf '   %-28s %12s %14s %14s\n' "" "guest (MiB)" "guest RAM" "host free"
printf '   %-28s %12s %14s %14s\n' "" "tot_pages" "memfd (MiB)" "(MiB)"
printf '   %-28s %12s %14s %14s\n' "created, 512 MiB" "$t0" "$r0" "$f0"
printf '   %-28s %12s %14s %14s\n' "mem-set 256" "$t1" "$r1" "$f1"
printf '   %-28s %12s %14s %14s\n' "mem-set 512" "$t2" "$r2" "$f2"
echo
echo "   The balloon driver in the guest gave $((r0 - r1)) MiB back to the host and took"
echo "   it back again, driven from dom0 through xenstore's memory/target."
echo "   Next: man share/man/man8/balloonctl.8, and 'make test'."
