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
# The balloon driver's life in a guest: attach and its failures, the
# features it advertises to each toolstack, shutdown and suspend in the
# middle of a move, xenstored dropping the guest.

. @TESTLIB@/balloon.subr

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
	booted pv xapi
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
	booted pv libxl
	d=$D
	atf_check_equal "$(console_count "$d" feature-balloon 1; echo $?)" 0
	atf_check -s not-exit:0 -o ignore -e ignore \
	    xenstore-read /local/domain/$d/control/feature-balloon
	atf_check -s exit:1 grep -i -e error -e panic \
	    "$XENSIM_DIR/domains/$d/console.log"
	move "$d" 400000 100000
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
	xensim_start
	extra=$(builder_pages "$1")
	guest_create "$1" libxl
	d=$D log=$LOG
	move "$d" 262144 $((65536 + extra))
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

twin shutdown "control/shutdown=poweroff mid-move: the guest detaches and" \
    "exits 0"

# attach_fails TYPE: each step of the attach that can fail fails in
# turn (RUMP_FAULT): the driver says which and that it did not attach,
# leaves no sysctl node, no thread and no ballooned page behind, the
# guest keeps running and powers off cleanly.
attach_fails()
{
	local d f log
	xensim_start
	for f in kthread:xenbalrp kthread:xenballoon sysctl:balloon \
	    sysctl:delay watch:memory/target; do
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

twin attach_fails "an attach that fails at any step undoes it all and the" \
    "guest runs on"

# suspend TYPE: control/shutdown=suspend while the balloon is inflating
# (each call held to one page): the driver parks its thread and lets
# the guest suspend and resume; afterwards the target is reached and
# nothing is lost.
suspend()
{
	booted "$1"
	local d=$D extra=$EXTRA log
	log=$LOG
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
	move "$d" 262144 $((65536 + extra))
	accounted "$d" "$1"
}

twin suspend "suspend and resume mid-inflate lose nothing"

# xs_drop TYPE: xenstored drops the guest's connection; the guest
# reconnects by itself, its balloon follows a target written right after
# the drop, and one written while a target change is in flight.
xs_drop()
{
	booted "$1"
	local d=$D extra=$EXTRA log
	log=$LOG

	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" xs=drop
	move "$d" 262144 $((65536 + extra))
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
	move "$d" 393216 $((98304 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 131072
	console_count "$d" "xenstore connection lost" 2 ||
	    atf_fail "not two losses: $(cat "$log")"
}

twin xs_drop "the guest reconnects when xenstored drops it and keeps" \
    "following memory/target"

atf_init_test_cases()
{
	atf_add_test_case feature_xapi
	atf_add_test_case feature_libxl
	add_twin shutdown
	add_twin attach_fails
	add_twin suspend
	add_twin xs_drop
}
