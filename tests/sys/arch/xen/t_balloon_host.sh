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
# The balloon driver when Xen or the host says no: the host out of
# memory, calls cut short, max_pages lowered under a deflate, and the
# retry that resumes a stalled move.

. @TESTLIB@/balloon.subr

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
	    atf_fail "no short call: partial $(evcnt_get "$d1" partial)"
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

twin exhaustion "host exhaustion gives short calls, exact accounting, and" \
    "recovery when memory comes back"

# retries_above DOM N: the thread has retried more than N times.
retries_above()
{
	[ "$(evcnt_get "$1" retries)" -gt "$2" ]
}

# pool TYPE: an empty host pool stalls the guest with ENOMEM; once the
# pool refills, the stalled balloon's own retry finishes the job, with
# no new target from dom0.
pool()
{
	booted "$1"
	local d=$D extra=$EXTRA r
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check_equal "$(sysctl_get "$d" retry)" 60
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w machdep.xen.balloon.retry=1
	move "$d" 262144 $((65536 + extra))
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" pool=empty
	xenstore-write /local/domain/$d/memory/target 524288
	wait_for stalled "$d" ||
	    atf_fail "not stalled: state $(sysctl_get "$d" stats.state)"
	atf_check_equal "$(sysctl_get "$d" stats.error)" 12
	atf_check_equal "$(tot_pages "$d")" $((65536 + extra))
	[ "$(evcnt_get "$d" retries)" -gt 0 ] || atf_fail "no retries"
	accounted "$d" "$1"
	atf_check -o match:"stalled at 262144 KiB.*retrying every 1 s" \
	    cat "$XENSIM_DIR/domains/$d/console.log"

	# Fruitless tries leave the stall, its reason and one log line.
	r=$(evcnt_get "$d" retries)
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

twin pool "an empty host pool stalls; the stall's own retry resumes once" \
    "the pool refills"

# retry_range: the stall retry interval takes 1 to 3600 s, no other.
retry_range()
{
	local d
	booted pv libxl 64
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

# budget TYPE: the host gives exactly 1000 more pages, then no more.
budget()
{
	booted "$1"
	local d=$D extra=$EXTRA
	move "$d" 262144 $((65536 + extra))
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" budget=1000
	xenstore-write /local/domain/$d/memory/target 524288
	wait_for backing_off "$d" || atf_fail "no short call"
	atf_check_equal "$(tot_pages "$d")" $((66536 + extra))
	accounted "$d" "$1"
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	recover "$d" $((131072 + extra))
	accounted "$d" "$1"
}

twin budget "a call cut short after 1000 pages keeps them all"

atf_test_case pvh_maxpages cleanup
pvh_maxpages_head()
{
	atf_set descr "PVH: max_pages lowered by dom0 stops the deflate" \
	    "short; raising it lets the guest finish"
}

pvh_maxpages_body()
{
	local d
	booted pvh libxl
	d=$D
	move "$d" 262144 65553
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

# frozen DOM CALLS: a reservation call after the freeze came back with
# nothing done and the thread sleeps on it: its counts hold still.
frozen()
{
	[ "$(evcnt_get "$1" hypercalls)" -gt "$2" ] &&
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
	calls=$(evcnt_get "$d" hypercalls)
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl fault "$d" $mo extents=0
	wait_for frozen "$d" "$calls" || atf_fail "k=$k: not frozen"
	accounted "$d" "$type"
	# Lift the fault; the same target again wakes the thread at once.
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" clear
	move "$d" "$5" "$6"
	accounted "$d" "$type"
}

# short TYPE: Xen stops each call after K extents, at order
# ORDER (9: superpages, 0: single pages), inflating and deflating;
# nothing is lost.  Between them, the PV and PVH cases cover k = 0, 1
# and 511 at both orders.
short()
{
	local d extra type=$1 ok
	extra=$(builder_pages "$type")
	booted "$type" libxl
	d=$D
	case $type in
	pv)	set -- 9:0 9:1 0:511 ;;
	pvh)	set -- 9:1 0:0 0:1 ;;
	esac
	for ok in "$@"; do
		short_move "$d" "$type" "${ok%:*}" "${ok#*:}" 262144 \
		    $((65536 + extra))
		short_move "$d" "$type" "${ok%:*}" "${ok#*:}" 524288 \
		    $((131072 + extra))
	done
}

twin short "calls Xen stops after 0, 1 or 511 extents lose nothing"

atf_init_test_cases()
{
	add_twin exhaustion
	add_twin pool
	atf_add_test_case retry_range
	add_twin budget
	atf_add_test_case pvh_maxpages
	add_twin short
}
