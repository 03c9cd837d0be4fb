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
# balloonctl(8): the dom0 commands against domains made with xensimctl,
# checked with the real xenstore-read, and the domU commands against a
# running rumpxen guest.

. @TESTLIB@/xensim.subr

# xsequals PATH VALUE: the node holds VALUE now (for wait_for).
xsequals()
{
	[ "$(xsread "$1")" = "$2" ]
}

# maxpages DOMID: the domain's max_pages, from xensimctl list -l.
maxpages()
{
	xensimctl list -l | awk -v d="$1" 'NR > 1 && $2 == d { print $5 }'
}

# state DOMID: what mem-set/mem-max may change, on one line.
state()
{
	local vm
	vm=$(xsread /local/domain/$1/vm)
	echo "target=$(xsread /local/domain/$1/memory/target)" \
	    "static-max=$(xsread /local/domain/$1/memory/static-max)" \
	    "vm-memory=$(xsread $vm/memory)" \
	    "max_pages=$(maxpages $1)"
}

# check_state DOMID EXPECTED: state DOMID must print EXPECTED.
check_state()
{
	local got
	got=$(state $1)
	[ "$got" = "$2" ] ||
	    atf_fail "domain $1: got \"$got\", expected \"$2\""
}

# -------------------------------------------------------------------------
# Arguments, with no host at all.
# -------------------------------------------------------------------------

atf_test_case usage
usage_head()
{
	atf_set "descr" "Wrong invocations print one line or the synopsis" \
	    "and exit 1"
}
usage_body()
{
	unset RUMP_SERVER
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: no guest: set RUMP_SERVER or use -s socket\n" \
	    balloonctl
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: unknown command: frobnicate\n" \
	    balloonctl frobnicate
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: $(pwd)/nosock: No such file or directory\n" \
	    balloonctl -s $(pwd)/nosock
	atf_check -s exit:1 -o empty -e inline:"balloonctl: empty socket path\n" \
	    balloonctl -s ""
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: invalid memory size: 5x: unknown suffix\n" \
	    balloonctl -s /nonexistent wait 5x
	touch plain
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: $(pwd)/plain: not a socket\n" \
	    env RUMP_SERVER=unix://$(pwd)/plain balloonctl stats
	for args in "-x" "mem-set" "mem-set 1" "mem-set 1 2 3" "mem-max 1" \
	    "list extra" "stats extra" "wait 1 2" "-s sock list" \
	    "-w target=1 stats"; do
		atf_check -s exit:1 -o empty -e match:"^usage: balloonctl" \
		    balloonctl $args
	done
}

atf_test_case bad_sizes
bad_sizes_head()
{
	atf_set "descr" "Every bad size gets one line naming it and why"
}
bad_sizes_body()
{
	# Parsed before anything is opened: no host needed.
	export XENSIM_DIR=$(pwd)/nohost
	while read size why; do
		[ "$size" = '""' ] && size=
		for cmd in mem-set mem-max; do
			atf_check -s exit:1 -o empty -e inline:"balloonctl: invalid memory size: $size: $why\n" \
			    balloonctl $cmd 1 "$size"
		done
		atf_check -s exit:1 -o empty -e inline:"balloonctl: invalid memory size: $size: $why\n" \
		    balloonctl -s /nonexistent -w target="$size"
	done <<'SIZES'
"" empty
-1 negative
-256m negative
abc not a number
+5 not a number
256q unknown suffix
256mb unknown suffix
0x10 unknown suffix
1.5g not a whole number
0 zero
0m zero
1023b less than 1 KiB
1048577t too large
99999999999999999999 too large
SIZES
}

# -------------------------------------------------------------------------
# dom0: mem-set, mem-max, list against a kernel-less domain.
# -------------------------------------------------------------------------

atf_test_case mem_set cleanup
mem_set_head()
{
	atf_set "descr" "mem-set writes memory/target (KiB), /vm/<uuid>/memory" \
	    "(MiB) and max_pages = target + 1 MiB, as xl does"
}
mem_set_body()
{
	xensim_start
	d=$(mkdom g1 memory=512 maxmem=1024 type=pvh)
	check_state $d "target=524288 static-max=1048576 vm-memory=ABSENT max_pages=131328"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 256
	check_state $d "target=262144 static-max=1048576 vm-memory=256 max_pages=65792"
	# By id, with suffixes; a bare number is MiB.
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 409600k
	check_state $d "target=409600 static-max=1048576 vm-memory=400 max_pages=102656"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 1G
	check_state $d "target=1048576 static-max=1048576 vm-memory=1024 max_pages=262400"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 209715200b
	check_state $d "target=204800 static-max=1048576 vm-memory=200 max_pages=51456"
	# Not a whole MiB: /vm/<uuid>/memory is rounded down, as libxl does.
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 300001k
	check_state $d "target=300001 static-max=1048576 vm-memory=292 max_pages=75256"
}
mem_set_cleanup()
{
	xensim_stop
}

atf_test_case mem_set_refused cleanup
mem_set_refused_head()
{
	atf_set "descr" "mem-set above memory/static-max, of an unknown" \
	    "domain or with a bad size is refused and changes nothing"
}
mem_set_refused_body()
{
	xensim_start
	d=$(mkdom g1 memory=256 maxmem=512 type=pv)
	before="target=262144 static-max=524288 vm-memory=ABSENT max_pages=65792"
	check_state $d "$before"

	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: memory_dynamic_max must be less than or equal to memory_static_max\n" \
	    balloonctl mem-set g1 513
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: memory_dynamic_max must be less than or equal to memory_static_max\n" \
	    balloonctl mem-set $d 524289k
	for dom in nosuch 4242 G1 g 1x ""; do
		atf_check -s exit:1 -o empty -e not-empty balloonctl mem-set "$dom" 128
	done
	atf_check -s exit:1 -o empty -e inline:"balloonctl: nosuch: no such domain\n" \
	    balloonctl mem-set nosuch 128
	atf_check -s exit:1 -o empty -e inline:"balloonctl: 4242: no such domain\n" \
	    balloonctl mem-set 4242 128
	for size in 0 -1 12q 1.5 99999999999999999999; do
		atf_check -s exit:1 -o empty -e match:"^balloonctl: invalid memory size: " \
		    balloonctl mem-set g1 "$size"
	done
	check_state $d "$before"

	# Exactly static-max is allowed.
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 512
	check_state $d "target=524288 static-max=524288 vm-memory=512 max_pages=131328"
}
mem_set_refused_cleanup()
{
	xensim_stop
}

atf_test_case mem_max cleanup
mem_max_head()
{
	atf_set "descr" "mem-max sets memory/static-max and max_pages =" \
	    "value + 1 MiB; below the target it is refused, changing nothing"
}
mem_max_body()
{
	xensim_start
	d=$(mkdom g1 memory=256 maxmem=512 type=pvh)
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 400
	check_state $d "target=409600 static-max=524288 vm-memory=400 max_pages=102656"

	# The ground truth's sequence: 300 refused, 450 and 600 accepted.
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: memory_static_max must be greater than or or equal to memory_dynamic_max\n" \
	    balloonctl mem-max g1 300
	check_state $d "target=409600 static-max=524288 vm-memory=400 max_pages=102656"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-max g1 450
	check_state $d "target=409600 static-max=460800 vm-memory=400 max_pages=115456"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-max $d 600
	check_state $d "target=409600 static-max=614400 vm-memory=400 max_pages=153856"
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: memory_dynamic_max must be less than or equal to memory_static_max\n" \
	    balloonctl mem-set g1 700
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 256
	check_state $d "target=262144 static-max=614400 vm-memory=256 max_pages=65792"
	# Equal to the target is allowed.
	atf_check -s exit:0 -o empty -e empty balloonctl mem-max g1 262144k
	check_state $d "target=262144 static-max=262144 vm-memory=256 max_pages=65792"

	for args in "nosuch 512" "g1 0" "g1 -5" "g1 5x" "g1 1048577t"; do
		atf_check -s exit:1 -o empty -e not-empty balloonctl mem-max $args
	done
	check_state $d "target=262144 static-max=262144 vm-memory=256 max_pages=65792"
}
mem_max_cleanup()
{
	xensim_stop
}

atf_test_case mem_set_videoram cleanup
mem_set_videoram_head()
{
	atf_set "descr" "mem-set takes memory/videoram off the target, as" \
	    "libxl does, and refuses a bad static-max without writing"
}
mem_set_videoram_body()
{
	xensim_start
	d=$(mkdom g1 memory=512 maxmem=512 type=pvh)
	xenstore-write /local/domain/$d/memory/videoram 8192
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 256
	check_state $d "target=253952 static-max=524288 vm-memory=248 max_pages=65792"

	xenstore-write /local/domain/$d/memory/static-max 12x
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: invalid value in /local/domain/$d/memory/static-max: \"12x\"\n" \
	    balloonctl mem-set g1 128
	check_state $d "target=253952 static-max=12x vm-memory=248 max_pages=65792"
}
mem_set_videoram_cleanup()
{
	xensim_stop
}

atf_test_case list cleanup
list_head()
{
	atf_set "descr" "list shows name, id, memory, target, static-max and" \
	    "whether the guest advertises the balloon"
}
list_body()
{
	xensim_start
	d1=$(mkdom alpha memory=512 maxmem=1024 type=pvh)
	d2=$(mkdom beta memory=256 type=pv)
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set beta 200
	atf_check -s exit:0 -o save:list -e empty balloonctl list
	atf_check -s exit:0 \
	    -o inline:"Name                                        ID   Mem Target   Max Balloon  Free\n" \
	    head -1 list
	# No guest runs in these domains: no free memory is published.
	atf_check -s exit:0 -o inline:"alpha $d1 512 1024 no -\n" \
	    awk '$1 == "alpha" { print $1, $2, $4, $5, $6, $7 }' list
	atf_check -s exit:0 -o inline:"beta $d2 200 256 no -\n" \
	    awk '$1 == "beta" { print $1, $2, $4, $5, $6, $7 }' list
	# Mem is the hypervisor's tot_pages, in MiB.
	tot=$(xensimctl list -l | awk -v d="$d1" \
	    'NR > 1 && $2 == d { print int($4 * 4 / 1024) }')
	atf_check -s exit:0 -o inline:"$tot\n" \
	    awk '$1 == "alpha" { print $3 }' list

	# A guest that advertises the balloon (as a XAPI toolstack allows).
	xenstore-write /local/domain/$d1/control/feature-balloon 1
	atf_check -s exit:0 -o inline:"yes\n" \
	    sh -c "balloonctl list | awk '\$1 == \"alpha\" { print \$6 }'"
}
list_cleanup()
{
	xensim_stop
}

# freecol NAME: the Free column of balloonctl list for a domain.
freecol()
{
	balloonctl list | awk -v n="$1" '$1 == n { print $7 }'
}

# freeis NAME MIB: the Free column shows MIB.
freeis()
{
	[ "$(freecol "$1")" = "$2" ]
}

# free_near NAME MIB: the Free column shows MIB, give or take one (the
# kernel's own pools may take a page meanwhile).
free_near()
{
	local f
	f=$(freecol "$1")
	[ "$f" -ge $(($2 - 1)) ] && [ "$f" -le $(($2 + 1)) ]
}

# published_free NAME DOMID: the Free column is what the guest published.
published_free()
{
	[ "$(freecol "$1")" = "$(( $(xenstore-read \
	    /local/domain/$2/data/meminfo_free 2>/dev/null || echo -1024) \
	    / 1024 ))" ]
}

atf_test_case list_free cleanup
list_free_head()
{
	atf_set "descr" "list shows the free memory a guest publishes in" \
	    "data/meminfo_free, following its workload, and - for a guest" \
	    "that publishes none or garbage"
}
list_free_body()
{
	[ -x "$BINDIR/rumpxen" ] || atf_skip "no rumpxen guest built"
	xensim_start
	g=$(mkdom g1 memory=256 maxmem=256 type=pv kernel="$BINDIR/rumpxen")
	e=$(mkdom e1 memory=64 type=pvh)
	# All but what its kernel took of 256 MiB (its pools and kmem come
	# from its RAM), as it says in data/meminfo_free.
	wait_for published_free g1 $g || atf_fail "free: $(freecol g1)"
	[ "$(freecol g1)" -ge 250 ] || atf_fail "free: $(freecol g1) of 256"
	before=$(freecol g1)
	freeis e1 - || atf_fail "free: $(freecol e1), not -"
	RUMP_SERVER=$XENSIM_DIR/domains/$g/sysctl
	export RUMP_SERVER
	atf_check -s exit:0 -o ignore rump.sysctl -w debug.memhog=102400
	wait_for free_near g1 $((before - 100)) ||
	    atf_fail "free: $(freecol g1), not $((before - 100))"
	published_free g1 $g || atf_fail "free: $(freecol g1), not published"
	atf_check -s exit:0 -o inline:"262144\n" \
	    xenstore-read /local/domain/$g/data/meminfo_total
	# What a guest writes there is not trusted.
	atf_check -s exit:0 xenstore-write /local/domain/$e/data/meminfo_free 12x
	freeis e1 - || atf_fail "free: $(freecol e1), not -"
	atf_check -s exit:0 xenstore-write /local/domain/$e/data/meminfo_free 99999999999999999999999
	freeis e1 - || atf_fail "free: $(freecol e1), not -"
	atf_check -s exit:0 xenstore-write /local/domain/$e/data/meminfo_free 10240
	freeis e1 10 || atf_fail "free: $(freecol e1), not 10"
}
list_free_cleanup()
{
	xensim_stop
}

# -------------------------------------------------------------------------
# domU: the sysctl tree of a running rumpxen guest.
# -------------------------------------------------------------------------

# guest NAME MEMORY MAXMEM [TYPE]: a running rumpxen guest (PVH unless
# TYPE says pv); sets RUMP_SERVER.
guest()
{
	local name mem max type d
	[ -x "$BINDIR/rumpxen" ] || atf_skip "no rumpxen guest built"
	name=$1 mem=$2 max=$3 type=${4:-pvh}
	d=$(mkdom $name memory=$mem maxmem=$max type=$type \
	    kernel="$BINDIR/rumpxen")
	RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	export RUMP_SERVER
	wait_for test -S "$RUMP_SERVER" ||
	    atf_fail "guest $name never served its sysctl tree"
	wait_for balloonctl || atf_fail "guest $name has no balloon tree"
	echo $d
}

atf_test_case wait_after_move cleanup
wait_after_move_head()
{
	atf_set "descr" "wait after a move that ended before it began " \
	    "shows no rate rather than 0.0 MiB/s"
}
wait_after_move_body()
{
	xensim_start
	guest g1 256 256 pv >domid
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-set g1 128
	wait_for sh -c "balloonctl | grep -qx \
	    'machdep.xen.balloon.current = 131072'" ||
	    atf_fail "the guest never reached 128 MiB"
	atf_check -s exit:0 -e empty \
	    -o match:"^at target 131072 KiB \(128 MiB\): current 131072 KiB, nothing moved while waiting$" \
	    -o not-match:"MiB/s" balloonctl wait
}
wait_after_move_cleanup()
{
	xensim_stop
}

atf_test_case tree cleanup
tree_head()
{
	atf_set "descr" "With no arguments the tree prints as sysctl(8) does"
}
tree_body()
{
	xensim_start
	guest g1 512 512 >domid
	atf_check -s exit:0 -o save:tree -e empty balloonctl
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.target = 524288' tree
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.max = [0-9]*' tree
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.current = [0-9]*' tree
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.min = [0-9]*' tree
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.stats\.state = 0' tree
	atf_check -s exit:0 -o ignore -e empty \
	    grep -x 'machdep\.xen\.balloon\.free_page_reporting = 0' tree
	# Every line is one node, name = number.
	atf_check -s exit:1 -o empty -e empty \
	    grep -v '^machdep\.xen\.balloon\.[a-z_.]* = [0-9]*$' tree
	# -s names the same guest.
	atf_check -s exit:0 -o file:tree -e empty \
	    env -u RUMP_SERVER balloonctl -s "unix://$RUMP_SERVER"
}
tree_cleanup()
{
	xensim_stop
}

atf_test_case write_wait cleanup
write_wait_head()
{
	atf_set "descr" "-w target= takes KiB and prints old -> new as sysctl" \
	    "-w does, and wait returns once the driver is idle at it"
}
write_wait_body()
{
	xensim_start
	guest g1 512 512 >domid
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.target: 524288 -> 262144\n" \
	    -e empty balloonctl -w target=262144
	atf_check -s exit:0 -o match:"^at target 262144 KiB \(256 MiB\)" \
	    -e empty balloonctl wait 256
	atf_check -s exit:0 -o inline:"0\n" -e empty \
	    sh -c "balloonctl | sed -n 's/^machdep.xen.balloon.stats.state = //p'"
	cur=$(balloonctl | sed -n 's/^machdep.xen.balloon.current = //p')
	[ "$cur" -ge 262144 ] && [ "$cur" -le $((262144 + 1024)) ] ||
	    atf_fail "current $cur KiB is not at the target 262144"
	# And back up, with the full name and a MiB suffix.
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.target: 262144 -> 524288\n" \
	    -e empty balloonctl -w machdep.xen.balloon.target=512m
	atf_check -s exit:0 -o match:"^at target 524288 KiB" -e empty \
	    balloonctl wait
	atf_check -s exit:0 -o match:"^state +idle" -e empty balloonctl stats
}
write_wait_cleanup()
{
	xensim_stop
}

atf_test_case write_refused cleanup
write_refused_head()
{
	atf_set "descr" "Bad -w assignments get one line and change nothing"
}
write_refused_body()
{
	xensim_start
	guest g1 512 512 >domid
	atf_check -s exit:0 -o save:before -e empty balloonctl
	max=$(sed -n 's/^machdep.xen.balloon.max = //p' before)
	min=$(sed -n 's/^machdep.xen.balloon.min = //p' before)
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.current: read-only node\n" \
	    balloonctl -w current=256
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.max: read-only node\n" \
	    balloonctl -w machdep.xen.balloon.max=256
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.stats.state: read-only node\n" \
	    balloonctl -w stats.state=1
	atf_check -s exit:1 -o empty -e inline:"balloonctl: unknown node: foo\n" \
	    balloonctl -w foo=1
	atf_check -s exit:1 -o empty -e inline:"balloonctl: target: expected node=size\n" \
	    balloonctl -w target
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: invalid memory size: 0: zero\n" \
	    balloonctl -w target=0
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.target: $((max + 1)) KiB is above machdep.xen.balloon.max ($max KiB)\n" \
	    balloonctl -w target=$((max + 1))k
	if [ "$min" -gt 1 ]; then
		atf_check -s exit:1 -o empty \
		    -e inline:"balloonctl: machdep.xen.balloon.target: $((min - 1)) KiB is below machdep.xen.balloon.min ($min KiB)\n" \
		    balloonctl -w target=$((min - 1))k
	fi
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.min: 1048576 KiB is above machdep.xen.balloon.target (524288 KiB)\n" \
	    balloonctl -w min=1g
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: 1 KiB is below machdep.xen.balloon.min ($min KiB)\n" \
	    balloonctl wait 1k
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: invalid memory size: 5x: unknown suffix\n" \
	    balloonctl wait 5x
	# The second assignment is bad: the first is not written either.
	atf_check -s exit:1 -o empty -e not-empty \
	    balloonctl -w target=256 -w min=12q
	atf_check -s exit:0 -o file:before -e empty balloonctl
}
write_refused_cleanup()
{
	xensim_stop
}

# pages DOMID: tot_pages, max_pages and the RAM memfd's pages, from
# xensimctl list -l.
pages()
{
	xensimctl list -l | awk -v d="$1" \
	    'NR > 1 && $2 == d { print "tot=" $4, "max=" $5, "ram=" $6 }'
}

check_pages()
{
	local got
	got=$(pages $1)
	[ "$got" = "$2" ] ||
	    atf_fail "domain $1: got \"$got\", expected \"$2\""
	no_foreign "$1"
}

atf_test_case dom0_pvh cleanup
dom0_pvh_head()
{
	atf_set "descr" "mem-set from dom0 balloons a PVH guest to Xen's" \
	    "numbers (tot = target + 17 pages) and returns the host memory"
}
dom0_pvh_body()
{
	xensim_start
	guest g1 512 512 pvh >domid
	d=$(cat domid)
	check_pages $d "tot=131089 max=131328 ram=131089"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 256
	atf_check -s exit:0 -o match:"^at target 262144 KiB \(256 MiB\)" \
	    -e empty balloonctl wait 256
	check_pages $d "tot=65553 max=65792 ram=65553"
	atf_check -s exit:0 -o match:"^balloon +262144 KiB" -e empty \
	    balloonctl stats
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 512
	atf_check -s exit:0 -o match:"^at target 524288 KiB" -e empty \
	    balloonctl wait 512
	check_pages $d "tot=131089 max=131328 ram=131089"
	atf_check -s exit:0 -o match:"^balloon +0 KiB" \
	    -o match:"^inflated +262144 KiB" -o match:"^deflated +262144 KiB" \
	    -e empty balloonctl stats
}
dom0_pvh_cleanup()
{
	xensim_stop
}

atf_test_case list_guests cleanup
list_guests_head()
{
	atf_set "descr" "list shows the balloon advertised by a guest under a" \
	    "XAPI toolstack, and not under libxl, where it cannot write it"
}
list_guests_body()
{
	[ -x "$BINDIR/rumpxen" ] || atf_skip "no rumpxen guest built"
	xensim_start
	x=$(mkdom x1 memory=256 maxmem=256 type=pvh toolstack=xapi \
	    kernel="$BINDIR/rumpxen")
	l=$(mkdom l1 memory=256 maxmem=256 type=pv toolstack=libxl \
	    kernel="$BINDIR/rumpxen")
	wait_for xsequals /local/domain/$x/control/feature-balloon 1 ||
	    atf_fail "the XAPI guest never advertised its balloon"
	# Once the libxl guest's driver is up, it has given up on it.
	RUMP_SERVER=$XENSIM_DIR/domains/$l/sysctl wait_for balloonctl ||
	    atf_fail "the libxl guest has no balloon tree"
	atf_check -s exit:0 -o save:list -e empty balloonctl list
	atf_check -s exit:0 -o inline:"x1 $x 256 256 256 yes\nl1 $l 256 256 256 no\n" \
	    awk 'NR > 1 { print $1, $2, $3, $4, $5, $6 }' list
}
list_guests_cleanup()
{
	xensim_stop
}

atf_test_case dom0_pv cleanup
dom0_pv_head()
{
	atf_set "descr" "mem-set from dom0 balloons a PV guest to Xen's" \
	    "numbers (tot = target)"
}
dom0_pv_body()
{
	xensim_start
	guest g1 256 512 pv >domid
	d=$(cat domid)
	check_pages $d "tot=65536 max=65792 ram=65536"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 200
	atf_check -s exit:0 -o match:"^at target 204800 KiB" -e empty \
	    balloonctl wait 200
	check_pages $d "tot=51200 max=51456 ram=51200"
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set $d 256
	atf_check -s exit:0 -o match:"^at target 262144 KiB" -e empty \
	    balloonctl wait 256
	check_pages $d "tot=65536 max=65792 ram=65536"
}
dom0_pv_cleanup()
{
	xensim_stop
}

atf_test_case write_min cleanup
write_min_head()
{
	atf_set "descr" "-w min= writes within the driver's floor and the" \
	    "target; below the floor the driver refuses and nothing changes"
}
write_min_body()
{
	xensim_start
	guest g1 512 512 >domid
	min=$(balloonctl | sed -n 's/^machdep.xen.balloon.min = //p')
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.min: $min -> 65536\n" \
	    -e empty balloonctl -w min=65536
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.target: 32768 KiB is below machdep.xen.balloon.min (65536 KiB)\n" \
	    balloonctl -w target=32m
	# In order: raise the target, then the min above the old target.
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.target: 524288 -> 131072\nmachdep.xen.balloon.min: 65536 -> 98304\n" \
	    -e empty balloonctl -w target=128M -w min=98304
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.min: 98304 -> $min\n" \
	    -e empty balloonctl -w min=${min}k
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.min: 1 KiB refused by the driver (see dmesg for why)\n" \
	    balloonctl -w min=1k
	atf_check -s exit:0 -o inline:"$min\n" -e empty \
	    sh -c "balloonctl | sed -n 's/^machdep.xen.balloon.min = //p'"
}
write_min_cleanup()
{
	xensim_stop
}

atf_test_case write_unprivileged cleanup
write_unprivileged_head()
{
	atf_set "descr" "Only root may write the tree; anyone may read it"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv"
}
write_unprivileged_body()
{
	xensim_start
	guest g1 512 512 >domid
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	atf_check -s exit:1 -o empty \
	    -e inline:"balloonctl: machdep.xen.balloon.target: Operation not permitted\n" \
	    $nobody balloonctl -w target=262144
	atf_check -s exit:0 -o match:"^machdep.xen.balloon.target = 524288$" \
	    -e empty $nobody balloonctl
}
write_unprivileged_cleanup()
{
	xensim_stop
}

atf_test_case wait_stalled cleanup
wait_stalled_head()
{
	atf_set "descr" "wait exits 1 with the reason when the host runs out" \
	    "of memory"
}
wait_stalled_body()
{
	# A 640 MiB host: the guest gives 384 MiB back, a second domain
	# takes 400 MiB of the host, and the guest cannot have it back.
	xensim_start -m 640
	guest g1 512 512 >domid
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 128
	atf_check -s exit:0 -o match:"^at target 131072 KiB" -e empty \
	    balloonctl wait 128
	mkdom hog memory=400 type=pv >/dev/null
	atf_check -s exit:0 -o empty -e empty balloonctl mem-set g1 512
	atf_check -s exit:1 -o ignore \
	    -e match:"^balloonctl: balloon stalled at [0-9]+ KiB, target 524288 KiB: the hypervisor would not give memory \(host out of memory or max_pages reached\)$" \
	    balloonctl wait 512
	atf_check -s exit:0 -o match:"^state +stalled" \
	    -o match:"^error +Cannot allocate memory" -e empty balloonctl stats
}
wait_stalled_cleanup()
{
	xensim_stop
}

atf_test_case stats_columns cleanup
stats_columns_head()
{
	atf_set "descr" "stats keeps its columns whatever the names' length" \
	    "and shows every KiB figure as N KiB (M MiB)"
}
stats_columns_body()
{
	xensim_start
	guest g1 512 512 >domid
	atf_check -s exit:0 -o ignore -e empty balloonctl -w target=262144
	atf_check -s exit:0 -o ignore -e empty balloonctl wait 256
	atf_check -s exit:0 -o save:stats -e empty balloonctl stats
	for n in inflated_total oom_deflations state; do
		grep -q "^$n " stats || atf_fail "no $n in: $(cat stats)"
	done
	# Each value starts where the others do.
	atf_check -s exit:0 -o inline:"1\n" -e empty sh -c \
	    "awk '{ match(\$0, /^[a-z_]+ +/); print RLENGTH }' stats | sort -u |
	    wc -l | tr -d ' '"
	for n in balloon inflated deflated inflated_total inflated_free keep; do
		grep -E -q "^$n +[0-9]+ KiB \([0-9]+ MiB\)( |\$)" stats ||
		    atf_fail "$n: $(grep "^$n " stats)"
	done
	atf_check -s exit:0 -o match:"^balloon +262144 KiB \(256 MiB\)" \
	    -o match:"^inflated +262144 KiB \(256 MiB\)" cat stats
}
stats_columns_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case usage
	atf_add_test_case bad_sizes
	atf_add_test_case mem_set
	atf_add_test_case mem_set_refused
	atf_add_test_case mem_max
	atf_add_test_case mem_set_videoram
	atf_add_test_case list
	atf_add_test_case tree
	atf_add_test_case write_wait
	atf_add_test_case write_refused
	atf_add_test_case dom0_pvh
	atf_add_test_case list_guests
	atf_add_test_case list_free
	atf_add_test_case dom0_pv
	atf_add_test_case write_min
	atf_add_test_case write_unprivileged
	atf_add_test_case wait_stalled
	atf_add_test_case wait_after_move
	atf_add_test_case stats_columns
}
