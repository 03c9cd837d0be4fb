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
# The balloon driver in a bench guest (rumpxen), driven from dom0 through
# the real xenstore tools, checked against the hypervisor's reservation,
# the guest's sysctl tree and the host memory behind the guest's RAM.

. @TESTLIB@/xensim.subr

# Pages a PVH domain's reservation holds beyond its RAM (the builder's).
builder_pages()
{
	if [ "$1" = pvh ]; then echo 17; else echo 0; fi
}

# guest_up DOM: the guest is up as a toolstack sees it, whatever
# balloon(4) driver it runs: it announced control/feature-poweroff
# (rumpxen does once its balloon has read the first memory/target), and
# its sysctl tree answers with the target dom0 wrote.  Nothing of this
# driver's own (console wording, stats) is needed.
guest_up()
{
	local log=$XENSIM_DIR/domains/$1/console.log want
	[ "$(xenstore-read /local/domain/$1/control/feature-poweroff \
	    2>/dev/null)" = 1 ] ||
	    atf_fail "domain $1: not up: $(cat "$log")"
	want=$(xenstore-read /local/domain/$1/memory/target)
	wait_for target_is "$1" "$want" ||
	    atf_fail "domain $1: machdep.xen.balloon.target is" \
	    "\"$(sysctl_get "$1" target)\", memory/target $want: $(cat "$log")"
}

# guest_create TYPE TOOLSTACK [MiB]: a domain running rumpxen, its id in
# $D once it is up.
guest_create()
{
	local mem=${3:-512}
	D=$(xensimctl create name=g$(( ${D:-0} + 1 )) memory=$mem \
	    maxmem=$mem type=$1 toolstack=$2 kernel="$BINDIR/rumpxen") ||
	    atf_fail "cannot create a $1 domain"
	guest_up "$D"
}

# below_max_create NAME TYPE MEMORY MAXMEM [KERNEL]: a domain running
# rumpxen booted at MEMORY of MAXMEM MiB, its id in $D once it is up.
below_max_create()
{
	D=$(xensimctl create name=$1 memory=$3 maxmem=$4 type=$2 \
	    kernel="$BINDIR/${5:-rumpxen}") ||
	    atf_fail "cannot create the domain"
	guest_up "$D"
}

# The hypervisor's view: tot_pages, and the host pages behind the RAM.
tot_pages()
{
	xensimctl list -l | awk -v d="$1" '$2 == d { print $4 }'
}
ram_pages()
{
	xensimctl list -l | awk -v d="$1" '$2 == d { print $6 }'
}
# dirty_given DOM: frames the guest gave back holding data (must be 0).
dirty_given()
{
	xensimctl list -l | awk -v d="$1" '$2 == d { print $9 }'
}

# sysctl_get DOM NODE: machdep.xen.balloon.NODE inside the guest.
sysctl_get()
{
	balloonctl -s "$XENSIM_DIR/domains/$1/sysctl" |
	    awk -F ' = ' -v n="machdep.xen.balloon.$2" '$1 == n { print $2 }'
}

# target_is DOM KIB: the driver's target is KIB.
target_is()
{
	[ "$(sysctl_get "$1" target)" = "$2" ]
}

# settle DOM PAGES: wait until the reservation is PAGES, the guest's
# current says so, and the balloon thread is idle (its accounting done)
# as far as the driver says: this one's stats.state is 0; a driver
# without it is judged on the reservation alone.
settled()
{
	local all st
	[ "$(tot_pages "$1")" = "$2" ] || return 1
	all=$(balloonctl -s "$XENSIM_DIR/domains/$1/sysctl") || return 1
	[ "$(echo "$all" | awk -F ' = ' \
	    '$1 == "machdep.xen.balloon.current" { print $2 }')" = \
	    $(($2 * 4)) ] || return 1
	st=$(echo "$all" | awk -F ' = ' \
	    '$1 == "machdep.xen.balloon.stats.state" { print $2 }')
	[ -z "$st" ] || [ "$st" = 0 ]
}
settle()
{
	wait_for settled "$1" "$2" ||
	    atf_fail "domain $1: tot_pages $(tot_pages "$1"), current" \
	    "$(sysctl_get "$1" current) KiB, state" \
	    "$(sysctl_get "$1" stats.state), not $2 pages and idle" \
	    "$(grep "^panic: " "$XENSIM_DIR/domains/$1/console.log")"
	# Every frame the driver gave back carried no data.
	atf_check_equal "$(dirty_given "$1")" 0
	no_foreign "$1"
}

# mem_set DOM MIB: balloonctl mem-set from dom0, which writes MIB MiB to
# memory/target in KiB: a size read in the wrong unit fails here, not
# after a wait for a reservation that never comes.
mem_set()
{
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-set "$1" "$2"
	local id
	id=$(xensimctl list | awk -v n="$1" '$1 == n || $2 == n { print $2 }')
	atf_check_equal "$(xenstore-read /local/domain/$id/memory/target)" \
	    $(($2 * 1024))
}

# console_count DOM STRING N: the guest printed STRING on exactly N lines.
console_count()
{
	[ "$(grep -c -- "$2" "$XENSIM_DIR/domains/$1/console.log")" -eq "$3" ]
}

# down_up TYPE: 512 MiB to 256 MiB and back; hypervisor, sysctl and host
# memory agree at each step.
down_up()
{
	local d extra
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")

	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	atf_check_equal "$(ram_pages "$d")" $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((65536 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 262144

	xenstore-write /local/domain/$d/memory/target 524288
	settle "$d" $((131072 + extra))
	atf_check_equal "$(ram_pages "$d")" $((131072 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((131072 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 524288
}

# stats TYPE: this driver's own, apart from the interface: its attach
# line, and its stats.* through 512 MiB to 256 MiB and back.
stats()
{
	local d extra
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	atf_check -o match:"^balloon0 at xenbus0: Xen Balloon driver$" \
	    -o match:"^xenbus0 at hypervisor0: " \
	    -o match:"^balloon0: .* min 2048 KiB" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" 0
	atf_check_equal "$(sysctl_get "$d" stats.state)" 0

	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 262144
	xenstore-write /local/domain/$d/memory/target 524288
	settle "$d" $((131072 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 0
	atf_check_equal "$(sysctl_get "$d" stats.inflated)" 262144
	atf_check_equal "$(sysctl_get "$d" stats.deflated)" 262144
	# 256 MiB is 128 order-9 extents: out in calls of 8, each after
	# zeroing those 16 MiB, and back in one call.
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" 17
	atf_check_equal "$(sysctl_get "$d" stats.partial)" 0
}

atf_test_case pv_stats cleanup
pv_stats_head()
{
	atf_set descr "PV: this driver's attach line and stats.* through" \
	    "a move down and up"
}
pv_stats_body()
{
	xensim_start
	stats pv
}
pv_stats_cleanup()
{
	xensim_stop
}

atf_test_case pvh_stats cleanup
pvh_stats_head()
{
	atf_set descr "PVH: this driver's attach line and stats.* through" \
	    "a move down and up"
}
pvh_stats_body()
{
	xensim_start
	stats pvh
}
pvh_stats_cleanup()
{
	xensim_stop
}

atf_test_case pv_down_up cleanup
pv_down_up_head()
{
	atf_set descr "PV: memory/target moves the reservation down and up"
}
pv_down_up_body()
{
	xensim_start
	down_up pv
}
pv_down_up_cleanup()
{
	xensim_stop
}

atf_test_case pvh_down_up cleanup
pvh_down_up_head()
{
	atf_set descr "PVH: the reservation follows the target plus the" \
	    "17 builder pages"
}
pvh_down_up_body()
{
	xensim_start
	down_up pvh
}
pvh_down_up_cleanup()
{
	xensim_stop
}

# nodes TYPE: the four nodes right after boot.
nodes()
{
	local d extra
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	atf_check_equal "$(sysctl_get "$d" current)" $(((131072 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 524288
	# uvm's free minimum (256 pages) and the ballast (256 pages)
	atf_check_equal "$(sysctl_get "$d" min)" 2048
	# libxl: max_pages = (memory + 1 MiB) / 4 KiB
	atf_check_equal "$(sysctl_get "$d" max)" 525312
	atf_check_equal "$(tot_pages "$d")" $((131072 + extra))
}

atf_test_case pv_nodes cleanup
pv_nodes_head()
{
	atf_set descr "PV: current, target, min and max read right"
}
pv_nodes_body()
{
	xensim_start
	nodes pv
}
pv_nodes_cleanup()
{
	xensim_stop
}

atf_test_case pvh_nodes cleanup
pvh_nodes_head()
{
	atf_set descr "PVH: current, target, min and max read right"
}
pvh_nodes_body()
{
	xensim_start
	nodes pvh
}
pvh_nodes_cleanup()
{
	xensim_stop
}

# roundup TYPE: a target that is not a multiple of 4 KiB rounds up.
roundup()
{
	local d extra
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	xenstore-write /local/domain/$d/memory/target 262145
	settle "$d" $((65537 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 262148
	atf_check_equal "$(ram_pages "$d")" $((65537 + extra))
}

atf_test_case pv_roundup cleanup
pv_roundup_head()
{
	atf_set descr "PV: a target of 262145 KiB becomes 65537 pages"
}
pv_roundup_body()
{
	xensim_start
	roundup pv
}
pv_roundup_cleanup()
{
	xensim_stop
}

atf_test_case pvh_roundup cleanup
pvh_roundup_head()
{
	atf_set descr "PVH: a target of 262145 KiB becomes 65537 pages"
}
pvh_roundup_body()
{
	xensim_start
	roundup pvh
}
pvh_roundup_cleanup()
{
	xensim_stop
}

# same TYPE: writing the target the guest is at makes no hypercall.
same()
{
	local d extra h
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	h=$(sysctl_get "$d" stats.hypercalls)
	xenstore-write /local/domain/$d/memory/target 262144
	xenstore-write /local/domain/$d/memory/target 262144
	# A barrier: one page more takes exactly one hypercall.
	xenstore-write /local/domain/$d/memory/target 262148
	settle "$d" $((65537 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" $((h + 1))
}

atf_test_case pv_same cleanup
pv_same_head()
{
	atf_set descr "PV: a target equal to the current one does nothing"
}
pv_same_body()
{
	xensim_start
	same pv
}
pv_same_cleanup()
{
	xensim_stop
}

atf_test_case pvh_same cleanup
pvh_same_head()
{
	atf_set descr "PVH: a target equal to the current one does nothing"
}
pvh_same_body()
{
	xensim_start
	same pvh
}
pvh_same_cleanup()
{
	xensim_stop
}

# burst TYPE: 1000 targets in a row end at the last one.
burst()
{
	local d extra i
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	i=0
	while [ $i -lt 999 ]; do
		echo "/local/domain/$d/memory/target" \
		    $((200000 + (i % 7) * 40000))
		i=$((i + 1))
	done | xargs -n 2 -P 1 xenstore-write
	xenstore-write /local/domain/$d/memory/target 300000
	settle "$d" $((75000 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 300000
	atf_check_equal "$(ram_pages "$d")" $((75000 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((75000 + extra) * 4))
}

atf_test_case pv_burst cleanup
pv_burst_head()
{
	atf_set descr "PV: a burst of 1000 targets ends at the last one"
}
pv_burst_body()
{
	xensim_start
	burst pv
}
pv_burst_cleanup()
{
	xensim_stop
}

atf_test_case pvh_burst cleanup
pvh_burst_head()
{
	atf_set descr "PVH: a burst of 1000 targets ends at the last one"
}
pvh_burst_body()
{
	xensim_start
	burst pvh
}
pvh_burst_cleanup()
{
	xensim_stop
}

# malformed TYPE: bad memory/target values change nothing, each is
# logged once, and the next good one is followed.
malformed()
{
	local d extra n v
	guest_create "$1" libxl
	d=$D
	extra=$(builder_pages "$1")
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))

	n=0
	for v in abc -5 "" 99999999999999999999999 " 5" "5 " "+5" 0x10 \
	    "262144abc" 262144262144262144262144262144262144262144262144; do
		xenstore-write -- /local/domain/$d/memory/target "$v"
		n=$((n + 1))
		wait_for console_count "$d" "not a KiB value" $n ||
		    atf_fail "\"$v\" was not reported"
	done
	# Values out of range are reported and refused as well.
	xenstore-write /local/domain/$d/memory/target 1024
	wait_for console_count "$d" "below min" 1 ||
	    atf_fail "a target below min was not reported"
	xenstore-write /local/domain/$d/memory/target 999999999
	wait_for console_count "$d" "above max" 1 ||
	    atf_fail "a target above max was not reported"
	xenstore-rm /local/domain/$d/memory/target

	atf_check_equal "$(tot_pages "$d")" $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 262144
	# The 128 order-9 extents of the first target, 8 a call.
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" 16
	atf_check_equal "$(console_count "$d" "not a KiB value" $n; echo $?)" 0

	xenstore-write /local/domain/$d/memory/target 393216
	settle "$d" $((98304 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 393216
}

atf_test_case pv_malformed cleanup
pv_malformed_head()
{
	atf_set descr "PV: malformed memory/target values change nothing"
}
pv_malformed_body()
{
	xensim_start
	malformed pv
}
pv_malformed_cleanup()
{
	xensim_stop
}

atf_test_case pvh_malformed cleanup
pvh_malformed_head()
{
	atf_set descr "PVH: malformed memory/target values change nothing"
}
pvh_malformed_body()
{
	xensim_start
	malformed pvh
}
pvh_malformed_cleanup()
{
	xensim_stop
}

feature_balloon()
{
	[ "$(xenstore-read /local/domain/$1/control/feature-balloon)" = 1 ]
}

atf_test_case feature_xapi cleanup
feature_xapi_head()
{
	atf_set descr "Under XAPI the driver advertises control/feature-balloon"
}
feature_xapi_body()
{
	local d
	xensim_start
	guest_create pv xapi
	d=$D
	wait_for feature_balloon "$d" ||
	    atf_fail "control/feature-balloon is not 1"
	atf_check_equal "$(console_count "$d" feature-balloon 0; echo $?)" 0
}
feature_xapi_cleanup()
{
	xensim_stop
}

atf_test_case feature_libxl cleanup
feature_libxl_head()
{
	atf_set descr "Under libxl control/feature-balloon is not the" \
	    "guest's: one quiet line, and the driver works"
}
feature_libxl_body()
{
	local d
	xensim_start
	guest_create pv libxl
	d=$D
	atf_check_equal "$(console_count "$d" feature-balloon 1; echo $?)" 0
	atf_check -s not-exit:0 -o ignore -e ignore \
	    xenstore-read /local/domain/$d/control/feature-balloon
	atf_check -s exit:1 grep -i -e error -e panic \
	    "$XENSIM_DIR/domains/$d/console.log"
	xenstore-write /local/domain/$d/memory/target 400000
	settle "$d" 100000
}
feature_libxl_cleanup()
{
	xensim_stop
}

# shutdown TYPE: control/shutdown=poweroff in the middle of a move: the
# driver detaches (its thread joined, the move abandoned where it was,
# every page accounted), autoconf says so, and the guest exits 0 with
# nothing running on.
shutdown()
{
	local d extra log
	extra=$(builder_pages "$1")
	guest_create "$1" libxl
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	# A move held back one page a call, under way at the poweroff.
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl fault "$d" maxorder=0 extents=1
	xenstore-write /local/domain/$d/memory/target 524288
	atf_check -s exit:0 -o ignore -e ignore xensimctl shutdown "$d"
	wait_for grep -q "d$d: guest exited with status" \
	    "$XENSIM_DIR/xensimd.log" || atf_fail "guest did not exit"
	atf_check -o match:"d$d: guest exited with status 0" \
	    cat "$XENSIM_DIR/xensimd.log"
	atf_check -o match:"balloon0 detached" -o match:"^halted" cat "$log"
	atf_check -s exit:1 grep "^panic: " "$log"
	# halted is the last line: nothing ran on after the detach.
	atf_check -o inline:"halted\n" tail -n 1 "$log"
}

atf_test_case pv_shutdown cleanup
pv_shutdown_head()
{
	atf_set descr "PV: control/shutdown=poweroff mid-move: the guest" \
	    "detaches and exits 0"
}
pv_shutdown_body()
{
	xensim_start
	shutdown pv
}
pv_shutdown_cleanup()
{
	xensim_stop
}

atf_test_case pvh_shutdown cleanup
pvh_shutdown_head()
{
	atf_set descr "PVH: control/shutdown=poweroff mid-move: the guest" \
	    "detaches and exits 0"
}
pvh_shutdown_body()
{
	xensim_start
	shutdown pvh
}
pvh_shutdown_cleanup()
{
	xensim_stop
}

# attach_fails TYPE: each step of the attach that can fail fails in
# turn (RUMP_FAULT): the driver says which and that it did not attach,
# leaves no sysctl node, no thread and no ballooned page behind, the
# guest keeps running and powers off cleanly.
attach_fails()
{
	local d f log
	xensim_start
	for f in kthread:xenbalrp kthread:xenballoon sysctl:balloon \
	    sysctl:oom_maxpages watch:memory/target; do
		D=$(xensimctl create name=f memory=128 maxmem=128 type=$1 \
		    kernel="$BINDIR/rumpxen" cmdline="RUMP_FAULT=$f") ||
		    atf_fail "cannot create the domain"
		d=$D
		log=$XENSIM_DIR/domains/$d/console.log
		wait_for test -S "$XENSIM_DIR/domains/$d/sysctl" ||
		    atf_fail "$f: no sysctl server: $(cat "$log")"
		wait_for console_count "$d" \
		    "balloon0: not attached, memory left as it is" 1 ||
		    atf_fail "$f: attach did not fail: $(cat "$log")"
		console_count "$d" "balloon0: unable to " 1 ||
		    atf_fail "$f: the failed step not said: $(cat "$log")"
		export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
		atf_check -s not-exit:0 -o ignore -e ignore \
		    rump.sysctl -n machdep.xen.balloon.target
		atf_check -s exit:0 -o match:"^[0-9]" \
		    rump.sysctl -n debug.memhog_held
		xenstore-write /local/domain/$d/memory/target 65536
		sleep 0.5
		atf_check_equal "$(tot_pages "$d")" \
		    $((32768 + $(builder_pages "$1")))
		atf_check -s exit:0 -o ignore -e ignore xensimctl shutdown "$d"
		wait_for grep -q "d$d: guest exited with status 0" \
		    "$XENSIM_DIR/xensimd.log" ||
		    atf_fail "$f: guest did not exit 0: $(cat "$log")"
		console_count "$d" "panic" 0 || atf_fail "$f: panic: $(cat "$log")"
		console_count "$d" "^halted" 1 || atf_fail "$f: not halted"
	done
}

atf_test_case pv_attach_fails cleanup
pv_attach_fails_head()
{
	atf_set descr "PV: an attach that fails at any step undoes it all" \
	    "and the guest runs on"
}
pv_attach_fails_body()
{
	attach_fails pv
}
pv_attach_fails_cleanup()
{
	xensim_stop
}

atf_test_case pvh_attach_fails cleanup
pvh_attach_fails_head()
{
	atf_set descr "PVH: an attach that fails at any step undoes it all" \
	    "and the guest runs on"
}
pvh_attach_fails_body()
{
	attach_fails pvh
}
pvh_attach_fails_cleanup()
{
	xensim_stop
}

# backing_off DOM: a short call was seen and the thread is waiting.
backing_off()
{
	local st
	[ "$(sysctl_get "$1" stats.partial)" -gt 0 ] || return 1
	st=$(sysctl_get "$1" stats.state)
	[ "$st" = 3 ] || [ "$st" = 4 ]
}

stalled()
{
	[ "$(sysctl_get "$1" stats.state)" = 4 ]
}

# recover DOM PAGES: memory is back; the retry (or, once stalled, the
# next target) brings the reservation to PAGES.
recover()
{
	if [ "$(sysctl_get "$1" stats.state)" = 4 ]; then
		xenstore-write /local/domain/$1/memory/target \
		    "$(xenstore-read /local/domain/$1/memory/target)"
	fi
	settle "$1" "$2"
}

# accounted DOM TYPE: every page is in the guest or in the balloon.
accounted()
{
	local tot extra
	extra=$(builder_pages "$2")
	tot=$(tot_pages "$1")
	atf_check_equal "$(ram_pages "$1")" "$tot"
	atf_check_equal "$(sysctl_get "$1" stats.balloon)" \
	    $(((131072 + extra - tot) * 4))
	atf_check_equal "$(sysctl_get "$1" current)" $((tot * 4))
	atf_check_equal $(($(sysctl_get "$1" stats.inflated) - \
	    $(sysctl_get "$1" stats.deflated))) \
	    "$(sysctl_get "$1" stats.balloon)"
	no_foreign "$1"
}

# exhaustion TYPE: the host runs out while the guest deflates.
exhaustion()
{
	local d1 d2 extra
	extra=$(builder_pages "$1")
	xensim_start -m 800
	guest_create "$1" libxl
	d1=$D
	xenstore-write /local/domain/$d1/memory/target 131072
	settle "$d1" $((32768 + extra))
	guest_create pv libxl 512
	d2=$D

	xenstore-write /local/domain/$d1/memory/target 524288
	wait_for backing_off "$d1" ||
	    atf_fail "no short call: partial $(sysctl_get "$d1" stats.partial)"
	[ "$(tot_pages "$d1")" -lt $((131072 + extra)) ] ||
	    atf_fail "the host had room after all"
	accounted "$d1" "$1"
	atf_check -o match:"deflate: .* pages done" \
	    cat "$XENSIM_DIR/domains/$d1/console.log"

	atf_check -s exit:0 -o ignore -e ignore xensimctl destroy "$d2"
	recover "$d1" $((131072 + extra))
	accounted "$d1" "$1"
	atf_check_equal "$(sysctl_get "$d1" stats.balloon)" 0
}

atf_test_case pv_exhaustion cleanup
pv_exhaustion_head()
{
	atf_set descr "PV: host exhaustion gives short calls, exact" \
	    "accounting, and recovery when memory comes back"
}
pv_exhaustion_body()
{
	exhaustion pv
}
pv_exhaustion_cleanup()
{
	xensim_stop
}

atf_test_case pvh_exhaustion cleanup
pvh_exhaustion_head()
{
	atf_set descr "PVH: host exhaustion gives short calls, exact" \
	    "accounting, and recovery when memory comes back"
}
pvh_exhaustion_body()
{
	exhaustion pvh
}
pvh_exhaustion_cleanup()
{
	xensim_stop
}

# retries_above DOM N: the thread has retried more than N times.
retries_above()
{
	[ "$(sysctl_get "$1" stats.retries)" -gt "$2" ]
}

# pool TYPE: an empty host pool stalls the guest with ENOMEM; once the
# pool refills, the stalled balloon's own retry finishes the job, with
# no new target from dom0.
pool()
{
	local d extra r
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check_equal "$(sysctl_get "$d" retry)" 60
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w machdep.xen.balloon.retry=1
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" pool=empty
	xenstore-write /local/domain/$d/memory/target 524288
	wait_for stalled "$d" ||
	    atf_fail "not stalled: state $(sysctl_get "$d" stats.state)"
	atf_check_equal "$(sysctl_get "$d" stats.error)" 12
	atf_check_equal "$(tot_pages "$d")" $((65536 + extra))
	[ "$(sysctl_get "$d" stats.retries)" -gt 0 ] || atf_fail "no retries"
	accounted "$d" "$1"
	atf_check -o match:"stalled at 262144 KiB.*retrying every 1 s" \
	    cat "$XENSIM_DIR/domains/$d/console.log"

	# Fruitless tries leave the stall, its reason and one log line.
	r=$(sysctl_get "$d" stats.retries)
	wait_for retries_above "$d" $((r + 1)) || atf_fail "no stalled retry"
	atf_check_equal "$(sysctl_get "$d" stats.state)" 4
	atf_check_equal "$(sysctl_get "$d" stats.error)" 12
	console_count "$d" "stalled at" 1 || atf_fail "stall logged again"
	accounted "$d" "$1"

	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	settle "$d" $((131072 + extra))
	atf_check_equal "$(xenstore-read /local/domain/$d/memory/target)" \
	    524288
	atf_check_equal "$(sysctl_get "$d" stats.error)" 0
	console_count "$d" "deflate: resumed after a stall" 1 ||
	    atf_fail "no resume logged"
	accounted "$d" "$1"
	# Out of memory is not a refusal of superpages.
	console_count "$d" "order-9 extents refused" 0 ||
	    atf_fail "an empty pool was logged as refused superpages"
}

# retry_range: the stall retry interval takes 1 to 3600 s, no other.
retry_range()
{
	local d
	xensim_start
	guest_create pv libxl 64
	d=$D
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check -s not-exit:0 -o ignore -e ignore \
	    rump.sysctl -w machdep.xen.balloon.retry=0
	atf_check -s not-exit:0 -o ignore -e ignore \
	    rump.sysctl -w machdep.xen.balloon.retry=3601
	atf_check_equal "$(sysctl_get "$d" retry)" 60
	atf_check -o match:"retry 0 s not within 1 to 3600 s, refused" \
	    -o match:"retry 3601 s not within 1 to 3600 s, refused" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w machdep.xen.balloon.retry=3600
	atf_check_equal "$(sysctl_get "$d" retry)" 3600
}

atf_test_case retry_range cleanup
retry_range_head()
{
	atf_set descr "machdep.xen.balloon.retry: 60 s by default, 1 to" \
	    "3600 s accepted, others refused and logged"
}
retry_range_body()
{
	retry_range
}
retry_range_cleanup()
{
	xensim_stop
}

atf_test_case pv_pool cleanup
pv_pool_head()
{
	atf_set descr "PV: an empty host pool stalls; the stall's own" \
	    "retry resumes once the pool refills"
}
pv_pool_body()
{
	pool pv
}
pv_pool_cleanup()
{
	xensim_stop
}

atf_test_case pvh_pool cleanup
pvh_pool_head()
{
	atf_set descr "PVH: an empty host pool stalls; the stall's own" \
	    "retry resumes once the pool refills"
}
pvh_pool_body()
{
	pool pvh
}
pvh_pool_cleanup()
{
	xensim_stop
}

# budget TYPE: the host gives exactly 1000 more pages, then no more.
budget()
{
	local d extra
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" budget=1000
	xenstore-write /local/domain/$d/memory/target 524288
	wait_for backing_off "$d" || atf_fail "no short call"
	atf_check_equal "$(tot_pages "$d")" $((66536 + extra))
	accounted "$d" "$1"
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	recover "$d" $((131072 + extra))
	accounted "$d" "$1"
}

atf_test_case pv_budget cleanup
pv_budget_head()
{
	atf_set descr "PV: a call cut short after 1000 pages keeps them all"
}
pv_budget_body()
{
	budget pv
}
pv_budget_cleanup()
{
	xensim_stop
}

atf_test_case pvh_budget cleanup
pvh_budget_head()
{
	atf_set descr "PVH: a call cut short after 1000 pages keeps them all"
}
pvh_budget_body()
{
	budget pvh
}
pvh_budget_cleanup()
{
	xensim_stop
}

atf_test_case pvh_maxpages cleanup
pvh_maxpages_head()
{
	atf_set descr "PVH: max_pages lowered by dom0 stops the deflate" \
	    "short; raising it lets the guest finish"
}
pvh_maxpages_body()
{
	local d
	xensim_start
	guest_create pvh libxl
	d=$D
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" 65553
	# max_pages = 301 MiB; RAM of 301 MiB needs 17 pages more.
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-max "$d" 300
	xenstore-write /local/domain/$d/memory/target 308224
	wait_for backing_off "$d" || atf_fail "no short call"
	atf_check_equal "$(tot_pages "$d")" 77056
	accounted "$d" pvh
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-max "$d" 512
	recover "$d" 77073
	accounted "$d" pvh
}
pvh_maxpages_cleanup()
{
	xensim_stop
}

# grown_accounted DOM TYPE MAXMEM_PAGES: the driver, the hypervisor
# and the host memory behind the RAM agree, for a domain whose memory
# map is MAXMEM_PAGES of RAM; the rest of the map is in the balloon.
grown_accounted()
{
	local tot extra
	extra=$(builder_pages "$2")
	tot=$(tot_pages "$1")
	atf_check_equal "$(sysctl_get "$1" current)" $((tot * 4))
	atf_check_equal "$(sysctl_get "$1" stats.balloon)" \
	    $((($3 + extra - tot) * 4))
	if [ "$2" = pvh ]; then
		pod_accounted "$1"
	else
		atf_check_equal "$(ram_pages "$1")" "$tot"
	fi
	atf_check_equal "$(dirty_given "$1")" 0
	no_foreign "$1"
}

# clip TYPE: a domain booted at 256 MiB of maxmem 512 grows to 400 MiB
# unclipped; a target above maxmem (past a raised max_pages) is clipped
# to maxmem, logged once.
clip()
{
	local d extra
	extra=$(builder_pages "$1")
	xensim_start
	below_max_create clip "$1" 256 512
	d=$D
	mem_set "$d" 400
	settle "$d" $((102400 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 114688
	console_count "$d" "clipped" 0 ||
	    atf_fail "a target below maxmem was clipped"
	# Past maxmem only through a raised max_pages and a raw write.
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-max "$d" 1024
	xenstore-write /local/domain/$d/memory/target 786432
	settle "$d" $((131072 + extra))
	atf_check -o match:"target 786432 KiB beyond the RAM the guest can have, clipped to 524288 KiB" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	xenstore-write /local/domain/$d/memory/target 720896
	wait_for target_is "$d" 720896 ||
	    atf_fail "the second target was not taken"
	settle "$d" $((131072 + extra))
	console_count "$d" "clipped" 1 ||
	    atf_fail "the clip was not logged exactly once"
	grown_accounted "$d" "$1" 131072
}

atf_test_case pv_clip cleanup
pv_clip_head()
{
	atf_set descr "PV booted below maxmem grows up to maxmem, no" \
	    "clip; a target beyond maxmem is clipped to it, logged once"
}
pv_clip_body()
{
	clip pv
}
pv_clip_cleanup()
{
	xensim_stop
}

atf_test_case pvh_clip cleanup
pvh_clip_head()
{
	atf_set descr "PVH booted below maxmem grows up to maxmem, no" \
	    "clip; a target beyond maxmem is clipped to it, logged once"
}
pvh_clip_body()
{
	clip pvh
}
pvh_clip_cleanup()
{
	xensim_stop
}

# swing DOM TYPE KIB...: each target in turn, exactly reached, the host
# memory behind the RAM following.
swing()
{
	local d=$1 type=$2 kb extra
	extra=$(builder_pages "$type")
	shift 2
	for kb in "$@"; do
		xenstore-write /local/domain/$d/memory/target "$kb"
		settle "$d" $(((kb + 3) / 4 + extra))
		atf_check_equal "$(sysctl_get "$d" stats.balloon)" \
		    $((524288 - (kb + 3) / 4 * 4))
		accounted "$d" "$type"
	done
}

# superpages TYPE: 512 MiB to 256 MiB and back in order-9 extents.
superpages()
{
	local d h
	xensim_start
	guest_create "$1" libxl
	d=$D
	swing "$d" "$1" 262144 524288
	# Order 0 would take 256 hypercalls: 16 out (16 MiB zeroed before
	# each) and one back.
	h=$(sysctl_get "$d" stats.hypercalls)
	[ "$h" -le 17 ] || atf_fail "$h hypercalls for 512 MiB moved"
	atf_check_equal "$(sysctl_get "$d" stats.partial)" 0
	atf_check_equal "$(console_count "$d" "extents refused" 0; echo $?)" 0
}

atf_test_case pv_superpages cleanup
pv_superpages_head()
{
	atf_set descr "PV: memory moves in 2 MiB extents"
}
pv_superpages_body()
{
	superpages pv
}
pv_superpages_cleanup()
{
	xensim_stop
}

atf_test_case pvh_superpages cleanup
pvh_superpages_head()
{
	atf_set descr "PVH: memory moves in 2 MiB extents"
}
pvh_superpages_body()
{
	superpages pvh
}
pvh_superpages_cleanup()
{
	xensim_stop
}

# fallback TYPE: a hypervisor refusing superpages; order 0 does it all.
fallback()
{
	local d
	xensim_start
	guest_create "$1" libxl
	d=$D
	atf_check -s exit:1 -e match:"maxorder: invalid extent order: 10" \
	    xensimctl fault "$d" maxorder=10
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" maxorder=0
	swing "$d" "$1" 262144 524288
	# One refused order-9 call per target, then 128 at order 0.
	atf_check_equal "$(sysctl_get "$d" stats.partial)" 2
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" 258
	atf_check_equal "$(sysctl_get "$d" stats.retries)" 0
	atf_check_equal "$(console_count "$d" \
	    "inflate: order-9 extents refused" 1; echo $?)" 0
	atf_check_equal "$(console_count "$d" \
	    "deflate: order-9 extents refused" 1; echo $?)" 0
}

# frozen DOM CALLS: a reservation call after the freeze came back with
# nothing done and the thread sleeps on it: its counts hold still.
frozen()
{
	[ "$(sysctl_get "$1" stats.hypercalls)" -gt "$2" ] &&
	    [ "$(sysctl_get "$1" stats.state)" -ge 3 ]
}

# short_move DOM TYPE ORDER K TARGET PAGES: move to TARGET KiB with every
# reservation call stopped after K extents; once a call came back short,
# freeze the hypervisor (0 extents a call) and check that driver,
# hypervisor and host memory agree; then lift the fault and reach PAGES.
short_move()
{
	local d=$1 type=$2 order=$3 k=$4 calls mo=""
	[ "$order" = 0 ] && mo=maxorder=0
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl fault "$d" $mo extents="$k"
	xenstore-write /local/domain/$d/memory/target "$5"
	wait_for backing_off "$d" ||
	    atf_fail "k=$k order $order: no short call"
	calls=$(sysctl_get "$d" stats.hypercalls)
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl fault "$d" $mo extents=0
	wait_for frozen "$d" "$calls" || atf_fail "k=$k: not frozen"
	accounted "$d" "$type"
	# Lift the fault; the same target again wakes the thread at once.
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	xenstore-write /local/domain/$d/memory/target "$5"
	settle "$d" "$6"
	accounted "$d" "$type"
}

# short TYPE ORDER:K...: Xen stops each call after K extents, at order
# ORDER (9: superpages, 0: single pages), inflating and deflating;
# nothing is lost.  Between them, the PV and PVH cases cover k = 0, 1
# and 511 at both orders.
short()
{
	local d extra type=$1 ok
	extra=$(builder_pages "$type")
	xensim_start
	guest_create "$type" libxl
	d=$D
	shift
	for ok in "$@"; do
		short_move "$d" "$type" "${ok%:*}" "${ok#*:}" 262144 \
		    $((65536 + extra))
		short_move "$d" "$type" "${ok%:*}" "${ok#*:}" 524288 \
		    $((131072 + extra))
	done
}

atf_test_case pv_short cleanup
pv_short_head()
{
	atf_set descr "PV: calls Xen stops after 0, 1 or 511 extents lose nothing"
}
pv_short_body()
{
	short pv 9:0 9:1 0:511
}
pv_short_cleanup()
{
	xensim_stop
}

atf_test_case pvh_short cleanup
pvh_short_head()
{
	atf_set descr "PVH: calls Xen stops after 0, 1 or 511 extents lose nothing"
}
pvh_short_body()
{
	short pvh 9:1 0:0 0:1
}
pvh_short_cleanup()
{
	xensim_stop
}

# suspend TYPE: control/shutdown=suspend while the balloon is inflating
# (each call held to one page): the driver parks its thread and lets
# the guest suspend and resume; afterwards the target is reached and
# nothing is lost.
suspend()
{
	local d extra log
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl fault "$d" maxorder=0 extents=1
	xenstore-write /local/domain/$d/memory/target 262144
	wait_for backing_off "$d" || atf_fail "not inflating"
	xenstore-write /local/domain/$d/control/shutdown suspend
	wait_for grep -q "^xenbus0: resumed" "$log" ||
	    atf_fail "no resume: $(grep xenbus0 "$log")"
	atf_check -s exit:1 grep -q "does not support suspend\|refused" "$log"
	atf_check -o match:"^xenbus0: suspended" cat "$log"
	atf_check_equal "$(xenstore-read /local/domain/$d/control/shutdown)" ""
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	accounted "$d" "$1"
}

# memhog_full: the guest's workload holds all uvm gives it and has seen
# an allocation fail (rump.sysctl talks to $RUMP_SERVER).
memhog_full()
{
	[ "$(rump.sysctl -n debug.memhog_failed)" -gt 0 ]
}

# zeroed TYPE: Xen hands frames back holding another domain's garbage
# (xensimd's default, a Xen that does not scrub); after a deflate the
# guest's workload takes every page uvm gives, each asked for zeroed,
# and finds data in none of them.
zeroed()
{
	local extra held
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	xenstore-write /local/domain/$D/memory/target 131072
	settle "$D" $((32768 + extra))
	xenstore-write /local/domain/$D/memory/target 524288
	settle "$D" $((131072 + extra))
	RUMP_SERVER=unix://$XENSIM_DIR/domains/$D/sysctl
	export RUMP_SERVER
	atf_check -s exit:0 -o ignore rump.sysctl -w debug.memhog=524288
	wait_for memhog_full || atf_fail "the workload never ran out"
	# All but the kernel's own: the 384 MiB deflated among them.
	held=$(rump.sysctl -n debug.memhog_held)
	[ "$held" -ge 458752 ] || atf_fail "the workload holds $held KiB"
	atf_check -o inline:"0\n" rump.sysctl -n debug.memhog_dirty
	accounted "$D" "$1"
}

atf_test_case pv_zeroed cleanup
pv_zeroed_head()
{
	atf_set descr "PV: pages from Xen reach programs zeroed"
}
pv_zeroed_body()
{
	zeroed pv
}
pv_zeroed_cleanup()
{
	xensim_stop
}

atf_test_case pvh_zeroed cleanup
pvh_zeroed_head()
{
	atf_set descr "PVH: pages from Xen reach programs zeroed"
}
pvh_zeroed_body()
{
	zeroed pvh
}
pvh_zeroed_cleanup()
{
	xensim_stop
}

# scrub_batches TYPE: an inflate goes in calls of 8 superpages, each
# after zeroing those 16 MiB only (not 18), so that the first frames
# leave before the rest is zeroed.  uvm keeps no "known zero" state, so
# frames fresh from boot and frames a deflate brought back cost the
# same.  Xen sees no data either way.
scrub_batches()
{
	local d extra h
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	# 72 MiB: 36 superpages, 5 calls of at most 8 (4 of 9 would do).
	xenstore-write /local/domain/$d/memory/target 450560
	settle "$d" $((112640 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" 5
	xenstore-write /local/domain/$d/memory/target 524288
	settle "$d" $((131072 + extra))
	h=$(sysctl_get "$d" stats.hypercalls)
	xenstore-write /local/domain/$d/memory/target 450560
	settle "$d" $((112640 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.hypercalls)" $((h + 5))
	atf_check_equal "$(sysctl_get "$d" stats.partial)" 0
	accounted "$d" "$1"
}

atf_test_case pv_scrub_batches cleanup
pv_scrub_batches_head()
{
	atf_set descr "PV: frames to zero go to Xen 16 MiB a call"
}
pv_scrub_batches_body()
{
	scrub_batches pv
}
pv_scrub_batches_cleanup()
{
	xensim_stop
}

atf_test_case pvh_scrub_batches cleanup
pvh_scrub_batches_head()
{
	atf_set descr "PVH: frames to zero go to Xen 16 MiB a call"
}
pvh_scrub_batches_body()
{
	scrub_batches pvh
}
pvh_scrub_batches_cleanup()
{
	xensim_stop
}

atf_test_case pv_suspend cleanup
pv_suspend_head()
{
	atf_set descr "PV: suspend and resume mid-inflate lose nothing"
}
pv_suspend_body()
{
	suspend pv
}
pv_suspend_cleanup()
{
	xensim_stop
}

atf_test_case pvh_suspend cleanup
pvh_suspend_head()
{
	atf_set descr "PVH: suspend and resume mid-inflate lose nothing"
}
pvh_suspend_body()
{
	suspend pvh
}
pvh_suspend_cleanup()
{
	xensim_stop
}

atf_test_case pv_fallback cleanup
pv_fallback_head()
{
	atf_set descr "PV: superpages refused, order 0 reaches the target"
}
pv_fallback_body()
{
	fallback pv
}
pv_fallback_cleanup()
{
	xensim_stop
}

atf_test_case pvh_fallback cleanup
pvh_fallback_head()
{
	atf_set descr "PVH: superpages refused, order 0 reaches the target"
}
pvh_fallback_body()
{
	fallback pvh
}
pvh_fallback_cleanup()
{
	xensim_stop
}

# odd TYPE: targets that are no multiple of 2 MiB, up and down.
odd()
{
	local d h
	xensim_start
	guest_create "$1" libxl
	d=$D
	swing "$d" "$1" 300004 400000 262148 524284 524288
	# 30 with superpages (8 a call out, 16 MiB zeroed before each) and
	# the odd pages at order 0; order 0 alone would take 480.
	h=$(sysctl_get "$d" stats.hypercalls)
	[ "$h" -le 30 ] || atf_fail "$h hypercalls"
	atf_check_equal "$(sysctl_get "$d" stats.partial)" 0
}

atf_test_case pv_odd cleanup
pv_odd_head()
{
	atf_set descr "PV: targets off the 2 MiB grid are reached exactly"
}
pv_odd_body()
{
	odd pv
}
pv_odd_cleanup()
{
	xensim_stop
}

atf_test_case pvh_odd cleanup
pvh_odd_head()
{
	atf_set descr "PVH: targets off the 2 MiB grid are reached exactly"
}
pvh_odd_body()
{
	odd pvh
}
pvh_odd_cleanup()
{
	xensim_stop
}

# xs_drop TYPE: xenstored drops the guest's connection; the guest
# reconnects by itself, its balloon follows a target written right after
# the drop, and one written while a target change is in flight.
xs_drop()
{
	local d extra log
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log

	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" xs=drop
	xenstore-write /local/domain/$d/memory/target 262144
	settle "$d" $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 262144
	wait_for console_count "$d" "xenstore reconnected" 1 ||
	    atf_fail "no reconnection: $(cat "$log")"
	console_count "$d" "xenstore connection lost" 1 ||
	    atf_fail "not one loss: $(cat "$log")"

	# Dropped while the balloon is on its way back up.
	xenstore-write /local/domain/$d/memory/target 524288
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" xs=drop
	settle "$d" $((131072 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 524288
	wait_for console_count "$d" "xenstore reconnected" 2 ||
	    atf_fail "no second reconnection: $(cat "$log")"

	# Still following memory/target on the new connection.
	xenstore-write /local/domain/$d/memory/target 393216
	settle "$d" $((98304 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 131072
	console_count "$d" "xenstore connection lost" 2 ||
	    atf_fail "not two losses: $(cat "$log")"
}

atf_test_case pv_xs_drop cleanup
pv_xs_drop_head()
{
	atf_set descr "PV: the guest reconnects when xenstored drops it" \
	    "and keeps following memory/target"
}
pv_xs_drop_body()
{
	xs_drop pv
}
pv_xs_drop_cleanup()
{
	xensim_stop
}

atf_test_case pvh_xs_drop cleanup
pvh_xs_drop_head()
{
	atf_set descr "PVH: the guest reconnects when xenstored drops it" \
	    "and keeps following memory/target"
}
pvh_xs_drop_body()
{
	xs_drop pvh
}
pvh_xs_drop_cleanup()
{
	xensim_stop
}

# pod_accounted DOM: a populate-on-demand domain's frames are in its
# RAM file or in its PoD cache, and it has not crashed.
pod_accounted()
{
	local ram cache
	ram=$(ram_pages "$1")
	cache=$(xensimctl list -l | awk -v d="$1" '$2 == d { print $10 }')
	atf_check_equal $((ram + cache)) "$(tot_pages "$1")"
	xensimctl list | awk -v d="$1" '$2 == d { print $5 }' >state
	atf_check -o inline:"r-----\n" cat state
}

# held N: the guest's workload holds N KiB.
held()
{
	[ "$(rump.sysctl -n debug.memhog_held)" = "$1" ]
}

# given_after_use TYPE: pages a workload wrote, then freed, reach Xen
# zeroed; pages never written since boot, which the bench leaves as
# they are (they read as zero), too.  xensimd looks at every frame
# given back.
given_after_use()
{
	local d extra
	extra=$(builder_pages "$1")
	xensim_start
	guest_create "$1" libxl
	d=$D
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.memhog=262144
	wait_for held 262144 || atf_fail "the workload holds" \
	    "$(rump.sysctl -n debug.memhog_held) KiB"
	atf_check -s exit:0 -o ignore -e ignore rump.sysctl -w debug.memhog=0
	wait_for held 0 || atf_fail "the workload did not let go"
	xenstore-write /local/domain/$d/memory/target 65536
	settle "$d" $((16384 + extra))
	atf_check_equal "$(dirty_given "$d")" 0
	accounted "$d" "$1"
}

atf_test_case pv_given_after_use cleanup
pv_given_after_use_head()
{
	atf_set descr "PV: pages written, then freed, reach Xen zeroed"
}
pv_given_after_use_body()
{
	given_after_use pv
}
pv_given_after_use_cleanup()
{
	xensim_stop
}

atf_test_case pvh_given_after_use cleanup
pvh_given_after_use_head()
{
	atf_set descr "PVH: pages written, then freed, reach Xen zeroed"
}
pvh_given_after_use_body()
{
	given_after_use pvh
}
pvh_given_after_use_cleanup()
{
	xensim_stop
}

atf_test_case pvh_pod_grow cleanup
pvh_pod_grow_head()
{
	atf_set descr "PVH booted at 256 MiB of maxmem 1024 (populate-on-" \
	    "demand): the gap is ballooned out at attach, mem-set 1024" \
	    "reaches it and a workload uses it"
}
pvh_pod_grow_body()
{
	local d log
	xensim_start
	below_max_create g pvh 256 1024
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	atf_check -o match:"populate-on-demand: 786432 KiB above the target ballooned out" \
	    cat "$log"
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 786432
	atf_check_equal "$(sysctl_get "$d" target)" 262144
	settle "$d" 65553
	pod_accounted "$d"

	mem_set g 1024
	settle "$d" 262161
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 0
	atf_check_equal "$(sysctl_get "$d" current)" $((262161 * 4))
	pod_accounted "$d"
	console_count "$d" "clipped" 0 || atf_fail "a target was clipped"

	# The memory is the guest's: a workload holds more than it booted with.
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.memhog=307200
	wait_for held 307200 || atf_fail "the workload holds" \
	    "$(rump.sysctl -n debug.memhog_held) KiB"
	pod_accounted "$d"
	no_foreign "$d"
	atf_check -s exit:0 -o ignore -e ignore rump.sysctl -w debug.memhog=0
	wait_for held 0 || atf_fail "the workload did not let go"

	mem_set g 256
	settle "$d" 65553
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 786432
	pod_accounted "$d"
}
pvh_pod_grow_cleanup()
{
	xensim_stop
}

# touch_given TYPE: a guest that touches a frame it gave away (the bug
# debug.touch_given plays) reads all ones, loses its write, and the
# access is counted: the Foreign check of every test would fail.
touch_given()
{
	local d foreign
	guest_create "$1" libxl 256
	d=$D
	settle "$d" $((65536 + $(builder_pages "$1")))
	RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl atf_check -s exit:0 \
	    -o ignore -e ignore rump.sysctl -w debug.touch_given=1
	atf_check -o match:"touch_given: frame 0x[0-9a-f]* given away: read 0xffffffffffffffff, wrote 0x5a5a5a5a5a5a5a5a, read 0xffffffffffffffff after a hypercall" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	# The read, and the read again after the write was dropped.
	foreign=$(xensimctl list -l | awk -v d="$d" '$2 == d { print $NF }')
	atf_check_equal "$foreign" 2
	atf_check -o match:"d$d: read of gfn 0x[0-9a-f]*, not the domain's" \
	    cat "$XENSIM_DIR/xensimd.log"
	# The frame came back: the pages still add up.
	atf_check_equal "$(ram_pages "$d")" "$(tot_pages "$d")"
	atf_check_equal "$(dirty_given "$d")" 0
}

atf_test_case pv_touch_given cleanup
pv_touch_given_head()
{
	atf_set descr "PV: touching a frame given away reads all ones," \
	    "drops the write and counts the access"
}
pv_touch_given_body()
{
	xensim_start
	touch_given pv
}
pv_touch_given_cleanup()
{
	xensim_stop
}

atf_test_case pvh_touch_given cleanup
pvh_touch_given_head()
{
	atf_set descr "PVH: touching a frame given away reads all ones," \
	    "drops the write and counts the access"
}
pvh_touch_given_body()
{
	xensim_start
	touch_given pvh
}
pvh_touch_given_cleanup()
{
	xensim_stop
}

# settle_long DOM PAGES: settle, for a move of gigabytes.
settle_long()
{
	local i
	for i in $(seq 1 6); do
		wait_for settled "$1" "$2" && break
	done
	settle "$1" "$2"
}

atf_test_case pvh_16g cleanup
pvh_16g_head()
{
	atf_set descr "PVH of maxmem 16384 MiB booted at 4096: RAM below" \
	    "the hole under 4 GiB and above 4 GiB, two uvm segments;" \
	    "mem-set 10240 and back to 4096"
}
pvh_16g_body()
{
	local d log
	xensim_start -m 12288
	below_max_create g pvh 4096 16384
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	atf_check -o match:"total memory = 16777216 KiB" cat "$log"
	atf_check -o match:"populate-on-demand: 12582912 KiB above the target ballooned out" \
	    cat "$log"
	settle "$d" 1048593
	pod_accounted "$d"

	# 6 GiB each way: up to 3 minutes on a loaded host, not 30 s.
	mem_set g 10240
	settle_long "$d" 2621457
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 6291456
	atf_check_equal "$(sysctl_get "$d" current)" $((2621457 * 4))
	pod_accounted "$d"

	mem_set g 4096
	settle_long "$d" 1048593
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 12582912
	pod_accounted "$d"
	console_count "$d" "clipped" 0 || atf_fail "a target was clipped"
}
pvh_16g_cleanup()
{
	xensim_stop
}

atf_test_case pv_16g cleanup
pv_16g_head()
{
	atf_set descr "PV of maxmem 16384 MiB booted at 4096: 12 GiB" \
	    "hot-plugged ballooned; mem-set 10240 and back to 4096"
}
pv_16g_body()
{
	local d log
	xensim_start -m 12288
	below_max_create g pv 4096 16384
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	atf_check -o match:"12582912 KiB beyond boot memory, plugged as the target grows" \
	    cat "$log"
	settle "$d" 1048576
	grown_accounted "$d" pv 4194304

	# 6 GiB each way: up to 3 minutes on a loaded host, not 30 s.
	mem_set g 10240
	settle_long "$d" 2621440
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 6291456
	grown_accounted "$d" pv 4194304

	mem_set g 4096
	settle_long "$d" 1048576
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 12582912
	grown_accounted "$d" pv 4194304
	console_count "$d" "clipped" 0 || atf_fail "a target was clipped"
}
pv_16g_cleanup()
{
	xensim_stop
}

# memhog_ok: the workload counted no failed allocation.
memhog_ok()
{
	atf_check -o inline:"0\n" rump.sysctl -n debug.memhog_failed
}

atf_test_case pv_grow cleanup
pv_grow_head()
{
	atf_set descr "PV booted at 256 MiB of maxmem 1024: the rest of the" \
	    "memory map is hot-plugged into uvm ballooned, mem-set 1024" \
	    "reaches it, a workload uses it, and back to 256"
}
pv_grow_body()
{
	local d log
	xensim_start
	below_max_create g pv 256 1024
	d=$D
	log=$XENSIM_DIR/domains/$d/console.log
	atf_check -o match:"786432 KiB beyond boot memory, plugged as the target grows" \
	    cat "$log"
	console_count "$d" "populate-on-demand" 0 ||
	    atf_fail "a PV domain taken for populate-on-demand"
	atf_check_equal "$(sysctl_get "$d" target)" 262144
	settle "$d" 65536
	grown_accounted "$d" pv 262144
	atf_check_equal "$(sysctl_get "$d" stats.inflated)" 0

	mem_set g 1024
	settle "$d" 262144
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 0
	grown_accounted "$d" pv 262144
	console_count "$d" "clipped" 0 || atf_fail "a target was clipped"

	# The memory is the guest's: a workload holds more than it booted with.
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.memhog=307200
	wait_for held 307200 || atf_fail "the workload holds" \
	    "$(rump.sysctl -n debug.memhog_held) KiB"
	memhog_ok
	grown_accounted "$d" pv 262144
	atf_check -s exit:0 -o ignore -e ignore rump.sysctl -w debug.memhog=0
	wait_for held 0 || atf_fail "the workload did not let go"

	mem_set g 256
	settle "$d" 65536
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 786432
	grown_accounted "$d" pv 262144
}
pv_grow_cleanup()
{
	xensim_stop
}

atf_test_case pv_nohotplug cleanup
pv_nohotplug_head()
{
	atf_set descr "PV booted at 256 MiB of maxmem 1024 in a kernel" \
	    "without options UVM_HOTPLUG: the rest of the map is out of" \
	    "reach, said once; mem-set 1024 is clipped to boot memory," \
	    "nothing is plugged, every page accounted for"
}
pv_nohotplug_body()
{
	local d
	xensim_start
	below_max_create g pv 256 1024 rumpxen-nohotplug
	d=$D
	atf_check -o match:"786432 KiB beyond boot memory out of reach: no options UVM_HOTPLUG" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 0
	mem_set g 1024
	wait_for console_count "$d" \
	    "target 1048576 KiB beyond the RAM the guest can have, clipped to 262144 KiB" 1 ||
	    atf_fail "no clip said"
	mem_set g 768
	sleep 1
	console_count "$d" "clipped" 1 || atf_fail "the clip said twice"
	atf_check_equal "$(tot_pages "$d")" 65536
	atf_check_equal "$(ram_pages "$d")" 65536
	atf_check_equal "$(sysctl_get "$d" stats.deflated)" 0
	console_count "$d" "panic" 0 || atf_fail "the guest panicked"
}
pv_nohotplug_cleanup()
{
	xensim_stop
}

atf_test_case plug_probe cleanup
plug_probe_head()
{
	atf_set descr "The bench's uvm_physseg_plug after boot panics with" \
	    "NetBSD's message without options UVM_HOTPLUG, and not with it"
}
plug_probe_body()
{
	local d e
	xensim_start
	below_max_create h pvh 64 64
	d=$D
	below_max_create n pvh 64 64 rumpxen-nohotplug
	e=$D
	RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl \
	    atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.plug_probe=1
	atf_check -o match:"plug_probe: empty plug refused" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	RUMP_SERVER=$XENSIM_DIR/domains/$e/sysctl \
	    atf_check -s not-exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.plug_probe=1
	wait_for console_count "$e" \
	    "panic: Tried to add RAM after uvm_page_init" 1 ||
	    atf_fail "no panic: $(cat "$XENSIM_DIR/domains/$e/console.log")"
}
plug_probe_cleanup()
{
	xensim_stop
}

# size TYPE: created with memory 3072 of maxmem 4096 MiB, the guest has
# 3 GiB to use and a 1 GiB balloon from the start, and deflates from it.
size()
{
	local d extra
	extra=$(builder_pages "$1")
	xensim_start
	below_max_create s $1 3072 4096
	d=$D
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 1048576
	atf_check_equal "$(sysctl_get "$d" target)" 3145728
	settle "$d" $((786432 + extra))
	grown_accounted "$d" "$1" 1048576

	mem_set s 3328
	settle "$d" $((851968 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 786432
	grown_accounted "$d" "$1" 1048576
}

atf_test_case pv_size cleanup
pv_size_head()
{
	atf_set descr "PV created with memory 3072 of maxmem 4096: 3 GiB" \
	    "usable and a 1 GiB balloon from the start"
}
pv_size_body()
{
	size pv
}
pv_size_cleanup()
{
	xensim_stop
}

atf_test_case pvh_size cleanup
pvh_size_head()
{
	atf_set descr "PVH created with memory 3072 of maxmem 4096: 3 GiB" \
	    "usable and a 1 GiB balloon from the start"
}
pvh_size_body()
{
	size pvh
}
pvh_size_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case pv_down_up
	atf_add_test_case pvh_down_up
	atf_add_test_case pv_stats
	atf_add_test_case pvh_stats
	atf_add_test_case pv_nodes
	atf_add_test_case pvh_nodes
	atf_add_test_case pv_roundup
	atf_add_test_case pvh_roundup
	atf_add_test_case pv_same
	atf_add_test_case pvh_same
	atf_add_test_case pv_burst
	atf_add_test_case pvh_burst
	atf_add_test_case pv_malformed
	atf_add_test_case pvh_malformed
	atf_add_test_case feature_xapi
	atf_add_test_case feature_libxl
	atf_add_test_case pv_shutdown
	atf_add_test_case pvh_shutdown
	atf_add_test_case pv_exhaustion
	atf_add_test_case pvh_exhaustion
	atf_add_test_case pv_pool
	atf_add_test_case pvh_pool
	atf_add_test_case retry_range
	atf_add_test_case pvh_pod_grow
	atf_add_test_case pvh_16g
	atf_add_test_case pv_16g
	atf_add_test_case pv_touch_given
	atf_add_test_case pvh_touch_given
	atf_add_test_case pv_grow
	atf_add_test_case pv_nohotplug
	atf_add_test_case pv_attach_fails
	atf_add_test_case pvh_attach_fails
	atf_add_test_case plug_probe
	atf_add_test_case pv_size
	atf_add_test_case pvh_size
	atf_add_test_case pv_budget
	atf_add_test_case pvh_budget
	atf_add_test_case pvh_maxpages
	atf_add_test_case pv_clip
	atf_add_test_case pvh_clip
	atf_add_test_case pv_superpages
	atf_add_test_case pvh_superpages
	atf_add_test_case pv_short
	atf_add_test_case pvh_short
	atf_add_test_case pv_zeroed
	atf_add_test_case pvh_zeroed
	atf_add_test_case pv_given_after_use
	atf_add_test_case pvh_given_after_use
	atf_add_test_case pv_scrub_batches
	atf_add_test_case pvh_scrub_batches
	atf_add_test_case pv_suspend
	atf_add_test_case pvh_suspend
	atf_add_test_case pv_fallback
	atf_add_test_case pvh_fallback
	atf_add_test_case pv_odd
	atf_add_test_case pvh_odd
	atf_add_test_case pv_xs_drop
	atf_add_test_case pvh_xs_drop
}
