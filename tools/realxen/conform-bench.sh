#!/bin/sh
#
# conform-bench.sh OBJ [MAXMEM]: the XENMEM conformance sequence in a
# bench guest: xensimd in a directory of its own, a PVH domain running
# rumpxen with memory 128 MiB and maxmem MAXMEM MiB (default 128; above
# it, populate-on-demand), as on the real Xen (scenarios.sh), the
# sequence started with rump.sysctl -w debug.xenmem_conform=1 once the
# balloon attached.  Prints the guest's xenmem_conform lines; exit
# status 1 when there are none.
#
set -u
obj=$1
maxmem=${2:-128}
bin=$obj/bin
dir=$(mktemp -d "${TMPDIR:-/tmp}/conform.XXXXXX")
XENSIM_DIR=$dir/xensim
XENSTORED_PATH=$XENSIM_DIR/socket
export XENSIM_DIR XENSTORED_PATH

stop()
{
	local pid
	if [ -f "$XENSIM_DIR/xensimd.pid" ]; then
		pid=$(cat "$XENSIM_DIR/xensimd.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -rf "$dir"
}
trap stop EXIT

"$bin/xensimd" -d "$XENSIM_DIR" >/dev/null 2>&1 ||
    { echo "conform-bench: xensimd did not start" >&2; exit 1; }
d=$("$bin/xensimctl" create name=conform memory=128 maxmem=$maxmem type=pvh \
    toolstack=libxl kernel="$bin/rumpxen") ||
    { echo "conform-bench: cannot create the guest" >&2; exit 1; }
RUMP_SERVER=unix://$XENSIM_DIR/domains/$d/sysctl \
    "$bin/rump.sysctl" -w debug.xenmem_conform=1 >/dev/null ||
    { echo "conform-bench: the sequence did not run" >&2; exit 1; }
grep '^xenmem_conform ' "$XENSIM_DIR/domains/$d/console.log" || exit 1
