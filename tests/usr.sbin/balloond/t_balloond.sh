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
# balloond(8): each rule of the policy on a simulated host with rumpxen
# guests (or kernel-less domains for guests with no balloon driver), the
# daemon in the foreground logging to a file.  Every case waits for a
# result and asserts it; none asserts a duration.

. @TESTLIB@/xensim.subr

# guest NAME MEMORY [MAXMEM]: a running PV rumpxen guest publishing its
# figures; prints its id.
guest()
{
	local d
	[ -x "$BINDIR/rumpxen" ] || atf_skip "no rumpxen guest built"
	d=$(mkdom $1 memory=$2 maxmem=${3:-$2} type=${GTYPE:-pv} \
	    kernel="$BINDIR/rumpxen")
	wait_for xenstore-read /local/domain/$d/data/meminfo_free ||
	    atf_fail "guest $1 never published its free memory"
	echo $d
}

# two_guests: a host of 768 MiB and two guests of 256 MiB, g1 and g2.
two_guests()
{
	xensim_start -m 768
	g1=$(guest g1 256)
	g2=$(guest g2 256)
}

# growing_pair MIB: a host of MIB MiB and two PVH guests, g1 and g2,
# booted at 128 MiB of 512.
growing_pair()
{
	xensim_start -m "$1"
	GTYPE=pvh
	g1=$(guest g1 128 512)
	g2=$(guest g2 128 512)
}

# oom_on DOM...: deflate on OOM in each.
oom_on()
{
	local d
	for d in "$@"; do
		RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl atf_check -o ignore \
		    rump.sysctl -w machdep.xen.balloon.deflate_on_oom=1
	done
}

target()
{
	xsread /local/domain/$1/memory/target
}

target_is()
{
	[ "$(target $1)" = "$2" ]
}

target_below()
{
	[ "$(target $1)" -lt "$2" ]
}

target_above()
{
	[ "$(target $1)" -gt "$2" ]
}

maxpages()
{
	xensimctl list -l | awk -v d="$1" 'NR > 1 && $2 == d { print $5 }'
}

hostfree()
{
	xensimctl info | awk '/^free_memory/ { print $3 }'
}

free_atleast()
{
	[ "$(hostfree)" -ge "$1" ]
}

# bdlog: balloond's lines on one line, for a failure's reason.
bdlog()
{
	tr '\n' '|' <balloond.log
}

logged()
{
	grep -q -- "$1" balloond.log
}

# bd_start [balloond options]: balloond in the foreground, its lines in
# ./balloond.log; returns once its socket is there.
bd_start()
{
	balloond -f "$@" 2>balloond.log &
	echo $! >balloond.pid
	wait_for test -S "$XENSIM_DIR/balloond.sock" ||
	    atf_fail "balloond did not start: $(bdlog)"
}

bd_stop()
{
	[ -f balloond.pid ] && kill "$(cat balloond.pid)" 2>/dev/null
	xensim_stop
}

# bd_case NAME DESCR...: the test case NAME (its body NAME_body), with
# balloond and xensimd stopped in its cleanup.
bd_case()
{
	local name=$1
	shift
	atf_test_case $name cleanup
	eval "${name}_head() { atf_set descr \"$*\"; }"
	eval "${name}_cleanup() { bd_stop; }"
}

bd_case reserve_kept "Guests with memory to spare are lowered until the" \
    "host has the reserve free, none below its dynamic-min"
reserve_kept_body()
{
	two_guests
	free_atleast 384 && atf_fail "the host already has the reserve"
	bd_start -r 384M
	wait_for free_atleast 384 ||
	    atf_fail "host free $(hostfree) MiB, reserve 384: $(bdlog)"
	for d in $g1 $g2; do
		[ "$(target $d)" -ge 65536 ] ||
		    atf_fail "domain $d below its dynamic-min: $(target $d)"
	done
}

bd_case dynamic_min "A reserve that cannot be kept lowers guests to their" \
    "dynamic-min and not below, and says so once"
dynamic_min_body()
{
	two_guests
	atf_check xenstore-write /local/domain/$g1/memory/dynamic-min 204800
	bd_start -r 700M
	wait_for target_is $g2 65536 ||
	    atf_fail "g2 at $(target $g2), not its floor: $(bdlog)"
	wait_for target_is $g1 204800 ||
	    atf_fail "g1 at $(target $g1), not its dynamic-min"
	wait_for logged "cannot keep" || atf_fail "the shortage not said"
	[ "$(grep -c "cannot keep" balloond.log)" = 1 ] ||
	    atf_fail "the shortage said more than once"
}

bd_case dynamic_max_liar \
    "A guest whose data/ nodes claim a huge need gets its" \
    "dynamic-max and max_pages to match, and no other guest is" \
    "pushed below its dynamic-min"
dynamic_max_liar_body()
{
	xensim_start -m 640
	g1=$(guest g1 256)
	atf_check xenstore-write /local/domain/$g1/memory/dynamic-min 262144
	e=$(mkdom liar memory=128 maxmem=1024 type=pv)
	for kv in meminfo_free=0 meminfo_total=131072 \
	    balloon-target=1048576 balloon-deflate-on-oom=1; do
		atf_check xenstore-write /local/domain/$e/data/${kv%%=*} \
		    ${kv#*=}
	done
	atf_check xenstore-write /local/domain/$e/memory/dynamic-max 262144
	bd_start -r 64M -t 3600
	wait_for target_is $e 262144 ||
	    atf_fail "liar at $(target $e), not its dynamic-max: $(bdlog)"
	# Room to deflate into, but none past dynamic-max.
	atf_check_equal "$(maxpages $e)" 65792
	atf_check_equal "$(target $g1)" 262144
}

bd_case burst "A guest whose workload bursts is given memory until" \
    "it has free memory again"
burst_body()
{
	xensim_start -m 1024
	g1=$(guest g1 256 512)
	bd_start -r 64M
	RUMP_SERVER=$XENSIM_DIR/domains/$g1/sysctl
	export RUMP_SERVER
	atf_check -s exit:0 -o ignore rump.sysctl -w debug.memhog=235520
	wait_for target_above $g1 262144 ||
	    atf_fail "no memory given: $(bdlog)"
	held()
	{
		[ "$(rump.sysctl -n debug.memhog_held)" -ge 235520 ] &&
		    [ "$(xsread /local/domain/$g1/data/meminfo_free)" -ge 32768 ]
	}
	wait_for held || atf_fail "held $(rump.sysctl -n debug.memhog_held)" \
	    "KiB, free $(xsread /local/domain/$g1/data/meminfo_free) KiB"
}

bd_case stalled "A guest with no balloon driver that does not move is" \
    "left where it is and logged once"
stalled_body()
{
	xensim_start -m 768
	e=$(mkdom e1 memory=512 type=pv)
	bd_start -r 400M -t 2
	wait_for logged "domain $e (e1): did not move" ||
	    atf_fail "the stall not said: $(bdlog)"
	wait_for target_is $e 524288 ||
	    atf_fail "e1 at $(target $e), not where it is"
	atf_check_equal "$(maxpages $e)" 131328
	# Three stall times more: still said only once, still left alone.
	sleep 6
	atf_check_equal "$(grep -c 'did not move' balloond.log)" 1
	atf_check_equal "$(target $e)" 524288
}

bd_case malformed "A malformed or inconsistent policy node is refused" \
    "with a log line and changes nothing; a good one is then used"
malformed_body()
{
	xensim_start -m 768
	g1=$(guest g1 256)
	atf_check xenstore-write /local/domain/$g1/memory/dynamic-min 12x
	bd_start -r 600M
	wait_for logged 'memory/dynamic-min "12x" is not a number of KiB' ||
	    atf_fail "no refusal: $(bdlog)"
	atf_check_equal "$(target $g1)" 262144
	atf_check xenstore-write /local/domain/$g1/memory/dynamic-min 300000
	wait_for logged "dynamic-min 300000 is above memory/dynamic-max" ||
	    atf_fail "no refusal: $(bdlog)"
	atf_check_equal "$(target $g1)" 262144
	atf_check xenstore-write /local/domain/$g1/memory/dynamic-min 204800
	wait_for target_is $g1 204800 ||
	    atf_fail "g1 at $(target $g1) with a good policy"
}

bd_case sighup "SIGHUP reads the configuration file again; a bad" \
    "file changes nothing"
sighup_body()
{
	two_guests
	echo "reserve 128M" >balloond.conf
	bd_start -c balloond.conf
	wait_for logged started || atf_fail "not started"
	echo "reserve 400M junk" >balloond.conf
	kill -HUP "$(cat balloond.pid)"
	wait_for logged "configuration not changed" ||
	    atf_fail "bad file accepted: $(bdlog)"
	free_atleast 400 && atf_fail "a bad file changed the reserve"
	echo "reserve 400M	# for a new domain" >balloond.conf
	kill -HUP "$(cat balloond.pid)"
	wait_for free_atleast 400 ||
	    atf_fail "host free $(hostfree) MiB: $(bdlog)"
}

bd_case reserve_request "balloonctl reserve returns once the memory is free," \
    "and says why when it cannot be"
reserve_request_body()
{
	two_guests
	bd_start -r 64M
	atf_check -s exit:0 -o empty -e empty balloonctl reserve 400M
	free_atleast 464 || atf_fail "host free $(hostfree) MiB after reserve"
	atf_check -s exit:0 -o ignore xensimctl create name=new memory=400 \
	    type=pv
	atf_check -s exit:1 -o empty \
	    -e match:"^balloonctl: cannot reserve 2G: the guests can free at most [0-9]+ KiB" \
	    balloonctl reserve 2G
}

# hog DOM KIB: the guest's workload asks for KIB.
hog()
{
	RUMP_SERVER=$XENSIM_DIR/domains/$1/sysctl rump.sysctl -w \
	    debug.memhog=$2 >/dev/null
}

gsysctl()
{
	RUMP_SERVER=$XENSIM_DIR/domains/$1/sysctl rump.sysctl -n $2
}

# held DOM KIB: the workload holds all it asked for.
held()
{
	[ "$(gsysctl $1 debug.memhog_held)" = "$2" ]
}

bd_case weights "Two guests in the same need on a short host share" \
    "what is free in proportion to need times weight"
weights_body()
{
	growing_pair 768
	atf_check xenstore-write /local/domain/$g2/memory/weight 768
	# Each asks 400 MiB and is full before balloond looks: the same
	# need, 512 MiB with a goal as large as the burst, for each.
	hog $g1 409600
	hog $g2 409600
	full()
	{
		[ "$(xsread /local/domain/$1/data/meminfo_free)" -lt 16384 ]
	}
	wait_for full $g1 && wait_for full $g2 || atf_fail "not full"
	# Each one's floor, what it uses and a quarter of the goal, first.
	d=/local/domain/$g1/data
	lo=$(($(xsread $d/meminfo_total) - $(xsread $d/meminfo_ballooned) -
	    $(xsread $d/meminfo_free) + 102400))
	bd_start -r 64M -g 400M -t 3600
	shared()
	{
		[ $(($(target $g1) + $(target $g2))) -ge 614400 ]
	}
	wait_for shared ||
	    atf_fail "targets $(target $g1) and $(target $g2): $(bdlog)"
	# Weights 256 and 768, the same need: g2 given three times g1's
	# above the floor.
	up1=$(($(target $g1) - lo))
	up2=$(($(target $g2) - lo))
	[ $((up2 * 10)) -ge $((up1 * 25)) ] && [ $((up2 * 10)) -le $((up1 * 35)) ] ||
	    atf_fail "given $up1 and $up2 KiB with weights 256 and 768: $(bdlog)"
}

bd_case oom_room "A guest that turns deflate on OOM on is given" \
    "max_pages room above its target, within its dynamic-max, and" \
    "its workload grows into it"
oom_room_body()
{
	xensim_start -m 1024
	GTYPE=pvh
	g1=$(guest g1 256 512)
	bd_start -r 64M -t 3600
	wait_for logged started || atf_fail "not started"
	sleep 1
	atf_check_equal "$(maxpages $g1)" 65792
	oom_on $g1
	room()
	{
		[ $(($(maxpages $g1) * 4 - $(target $g1))) -gt 65536 ]
	}
	wait_for room || atf_fail "max_pages $(maxpages $g1) pages," \
	    "target $(target $g1) KiB: $(bdlog)"
	[ "$(maxpages $g1)" -le 131328 ] ||
	    atf_fail "max_pages $(maxpages $g1) past dynamic-max"
	hog $g1 307200
	wait_for held $g1 307200 ||
	    atf_fail "held $(gsysctl $g1 debug.memhog_held) KiB: $(bdlog)"
}

bd_case steady "Two guests whose workloads grow and then hold steady" \
    "on a short host have their targets raised, never lowered on" \
    "the way, and left alone once settled"
steady_body()
{
	growing_pair 768
	bd_start -r 64M -g 400M -t 3600
	hog $g1 409600
	hog $g2 409600
	wait_for logged "domain $g2 (g2): target" || atf_fail "no move"
	sleep 5
	awk '/: target / && $(NF - 1) < $(NF - 3) { bad = 1 } END {
	    exit bad }' balloond.log || atf_fail "lowered on the way: $(bdlog)"
	n=$(grep -c ": target " balloond.log)
	sleep 5
	atf_check_equal "$(grep -c ": target " balloond.log)" "$n"
}

bd_case guest_min "A guest is never asked below the min it publishes" \
    "(data/meminfo_min), even when the reserve cannot be kept"
guest_min_body()
{
	xensim_start -m 768
	g1=$(guest g1 256)
	RUMP_SERVER=$XENSIM_DIR/domains/$g1/sysctl atf_check -o ignore \
	    rump.sysctl -w machdep.xen.balloon.min=204800
	published()
	{
		[ "$(xsread /local/domain/$g1/data/meminfo_min)" = 204800 ]
	}
	wait_for published || atf_fail "min not published"
	bd_start -r 700M -m 16M -t 2
	wait_for target_is $g1 204800 ||
	    atf_fail "g1 at $(target $g1), its min 204800: $(bdlog)"
	sleep 3
	atf_check_equal "$(target $g1)" 204800
	logged "did not move" && atf_fail "asked below its min: $(bdlog)"
	return 0
}

bd_case spare_in_band "On a short host a guest whose free memory is within" \
    "the hysteresis gives what it has beyond its goal to one in need"
spare_in_band_body()
{
	xensim_start -m 640
	GTYPE=pvh
	g1=$(guest g1 256)
	g2=$(guest g2 128 512)
	# g1 uses 160 MiB: 96 free, within half and twice the 64 MiB goal.
	hog $g1 163840
	wait_for held $g1 163840 || atf_fail "g1 holds no 160 MiB"
	bd_start -r 64M -t 3600
	hog $g2 307200
	wait_for target_above $g2 337920 ||
	    atf_fail "g2 at $(target $g2), g1 at $(target $g1): $(bdlog)"
	[ "$(target $g1)" -lt 262144 ] || atf_fail "g1 gave nothing"
}

bd_case short_not_reserve "Guests that need more than the host has beyond the" \
    "reserve are not a reserve that cannot be kept: the host keeps" \
    "it and balloond does not say otherwise"
short_not_reserve_body()
{
	growing_pair 768
	bd_start -r 64M -g 400M -t 3600
	# Each needs 500 MiB, its workload and a quarter of the goal, of
	# the 700 MiB the host has beyond the reserve.
	hog $g1 409600
	hog $g2 409600
	grown()
	{
		[ $(($(target $g1) + $(target $g2))) -ge 614400 ]
	}
	wait_for grown ||
	    atf_fail "targets $(target $g1) and $(target $g2): $(bdlog)"
	sleep 2
	free_atleast 64 || atf_fail "host free $(hostfree) MiB: $(bdlog)"
	logged "cannot keep" && atf_fail "a shortage said: $(bdlog)"
	return 0
}

bd_case oom_keep "A guest that deflates on OOM is held at its need," \
    "what it uses and the goal beyond what its balloon keeps free" \
    "(data/meminfo_keep): lowered to it, which it reaches, never" \
    "below"
oom_keep_body()
{
	xensim_start -m 512
	GTYPE=pvh
	g1=$(guest g1 64)
	oom_on $g1
	d=/local/domain/$g1/data
	wait_for xenstore-read $d/meminfo_keep || atf_fail "no meminfo_keep"
	keep=$(xsread $d/meminfo_keep)
	bd_start -r 64M -g 1M -m 4M -t 3
	wait_for target_below $g1 32768 ||
	    atf_fail "not lowered: $(target $g1): $(bdlog)"
	reached()
	{
		[ $(($(xensimctl list -l | awk -v d="$g1" \
		    'NR > 1 && $2 == d { print $4 }') * 4)) -le \
		    $(($(target $g1) + 1024)) ]
	}
	wait_for reached || atf_fail "target $(target $g1) not reached"
	sleep 4
	logged "did not move" && atf_fail "asked below its keep: $(bdlog)"
	[ "$(target $g1)" -ge "$keep" ] ||
	    atf_fail "target $(target $g1) below its keep $keep"
	return 0
}

bd_case spare_first "On a short host memory for a guest in need comes" \
    "from the guest with the most to spare first: one with less," \
    "not needed, is left where it is"
spare_first_body()
{
	xensim_start -m 896
	g1=$(guest g1 384)
	g2=$(guest g2 192)
	GTYPE=pvh
	g3=$(guest g3 128 512)
	bd_start -r 64M -t 3600
	hog $g3 307200
	wait_for target_above $g3 327680 ||
	    atf_fail "g3 at $(target $g3): $(bdlog)"
	[ "$(target $g1)" -lt 393216 ] || atf_fail "g1 gave nothing: $(bdlog)"
	atf_check_equal "$(target $g2)" 196608
}

bd_case oom_room_shared "Two guests that deflate on OOM each get all the" \
    "host has free above the reserve as max_pages room, not half"
oom_room_shared_body()
{
	growing_pair 640
	oom_on $g1 $g2
	bd_start -r 64M -t 3600
	room()
	{
		[ $(($(maxpages $1) * 4 - $(target $1))) -gt 262144 ]
	}
	wait_for room $g1 && wait_for room $g2 ||
	    atf_fail "max_pages $(maxpages $g1) $(maxpages $g2), targets" \
	    "$(target $g1) $(target $g2): $(bdlog)"
}

atf_init_test_cases()
{
	atf_add_test_case reserve_kept
	atf_add_test_case dynamic_min
	atf_add_test_case dynamic_max_liar
	atf_add_test_case burst
	atf_add_test_case stalled
	atf_add_test_case malformed
	atf_add_test_case sighup
	atf_add_test_case reserve_request
	atf_add_test_case weights
	atf_add_test_case oom_room
	atf_add_test_case steady
	atf_add_test_case guest_min
	atf_add_test_case spare_in_band
	atf_add_test_case short_not_reserve
	atf_add_test_case oom_keep
	atf_add_test_case spare_first
	atf_add_test_case oom_room_shared
}
