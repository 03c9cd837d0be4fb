#!/bin/sh
#	$NetBSD$
#
# Copyright (c) 2026 The xenballoon project.
# All rights reserved.
#
# Redistribution and use in source and binary forms, with or without
# modification, are permitted provided that the following conditions
# are met:
# 1. Redistributions of source code must retain the above copyright
#    notice, this list of conditions and the following disclaimer.
# 2. Redistributions in binary form must reproduce the above copyright
#    notice, this list of conditions and the following disclaimer in the
#    documentation and/or other materials provided with the distribution.
#
# THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
# ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
# IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
# ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
# FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
# DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
# OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
# HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
# LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
# OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
# SUCH DAMAGE.
#
# balloon_bench.sh OBJ: inflate and deflate a bench guest by 1 GiB, PV
# and PVH, from dom0's memory/target write to the settled reservation;
# prints MiB/s and hypercalls per GiB.  Numbers only, never a verdict.

set -eu
obj=${1:-obj}
bin=$(cd "$obj/bin" && pwd)
work=$(mktemp -d /tmp/balloon_bench.XXXXXX)
XENSIM_DIR=$work/xensim
XENSTORED_PATH=$XENSIM_DIR/socket
PATH=$bin:$PATH
export XENSIM_DIR XENSTORED_PATH PATH

cleanup()
{
	[ -f "$XENSIM_DIR/xensimd.pid" ] &&
	    kill "$(cat "$XENSIM_DIR/xensimd.pid")" 2>/dev/null
	sleep 0.5
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

tot()
{
	xensimctl list -l | awk -v d="$1" '$2 == d { print $4 }'
}
stat()
{
	balloonctl -s "$XENSIM_DIR/domains/$1/sysctl" |
	    awk -F ' = ' -v n="machdep.xen.balloon.$2" '$1 == n { print $2 }'
}
now()
{
	date +%s%N
}

# swing DOM TARGET_KIB PAGES: write the target, wait for the pages and
# for the balloon thread to be idle (a PV guest maps the frames it got
# after the hypercall); ns.
swing()
{
	local t0
	t0=$(now)
	xenstore-write "/local/domain/$1/memory/target" "$2"
	while [ "$(tot "$1")" != "$3" ] || [ "$(stat "$1" stats.state)" != 0 ]
	do
		:
	done
	echo $(($(now) - t0))
}

report()
{
	# $1 what, $2 ns, $3 hypercalls
	awk -v w="$1" -v ns="$2" -v h="$3" 'BEGIN {
		printf "%-14s %8.1f MiB/s  %6d hypercalls/GiB  (%.3f s)\n",
		    w, 1024 / (ns / 1e9), h, ns / 1e9 }'
}

# -s -z: frames handed out scrubbed and frames given back not read, so
# the times are the driver's and the host's, not the simulator's checks.
echo "xensimd -s -z: no garbage written into frames handed out, no look"
echo "at frames given back"
xensimd -s -z -d "$XENSIM_DIR" -m 4096 >/dev/null
for type in pv pvh; do
	extra=0
	[ $type = pvh ] && extra=16
	d=$(xensimctl create name=bench$type memory=1152 maxmem=1152 \
	    type=$type kernel="$bin/rumpxen")
	while [ ! -S "$XENSIM_DIR/domains/$d/sysctl" ] ||
	    [ -z "$(stat "$d" target)" ]; do
		sleep 0.05
	done
	h0=$(stat "$d" stats.hypercalls)
	ns=$(swing "$d" 131072 $((32768 + extra)))
	h1=$(stat "$d" stats.hypercalls)
	report "$type inflate" "$ns" $((h1 - h0))
	ns=$(swing "$d" 1179648 $((294912 + extra)))
	h2=$(stat "$d" stats.hypercalls)
	report "$type deflate" "$ns" $((h2 - h1))
	# Latency: dom0's write to the guest's first hypercall, one page.
	h3=$(stat "$d" stats.hypercalls)
	t0=$(now)
	xenstore-write "/local/domain/$d/memory/target" 1179644
	while [ "$(stat "$d" stats.hypercalls)" = "$h3" ]; do
		:
	done
	awk -v w="$type latency" -v ns=$(($(now) - t0)) 'BEGIN {
		printf "%-14s %8.2f ms from memory/target to the first " \
		    "hypercall (upper bound)\n", w, ns / 1e6 }'
	xensimctl destroy "$d" >/dev/null
done
