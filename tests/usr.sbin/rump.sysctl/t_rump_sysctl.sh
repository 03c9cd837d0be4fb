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
# rump.sysctl(8) against a running rumpxen guest: sysctl(8)'s syntax,
# output and messages.

. @TESTLIB@/xensim.subr

# guest MIB: a running PV rumpxen guest; exports RUMP_SERVER as NetBSD
# writes it (unix://path).
guest()
{
	local d
	[ -x "$BINDIR/rumpxen" ] || atf_skip "no rumpxen guest built"
	xensim_start
	d=$(xensimctl create name=g memory=$1 maxmem=$1 type=pv \
	    kernel="$BINDIR/rumpxen") || atf_fail "xensimctl create failed"
	RUMP_SERVER=unix://$XENSIM_DIR/domains/$d/sysctl
	export RUMP_SERVER
	wait_for rump.sysctl debug.memhog ||
	    atf_fail "the guest never served its sysctl tree"
}

# heldis KIB: the guest's workload holds KIB now (for wait_for).
heldis()
{
	[ "$(rump.sysctl -n debug.memhog_held)" = "$1" ]
}

atf_test_case read cleanup
read_head()
{
	atf_set "descr" "A leaf prints as 'name = value', -n the value" \
	    "alone, -e with '=', a node every leaf below it"
}
read_body()
{
	guest 64
	atf_check -s exit:0 -o inline:"debug.memhog = 0\n" -e empty \
	    rump.sysctl debug.memhog
	atf_check -s exit:0 -o inline:"0\n" -e empty \
	    rump.sysctl -n debug.memhog
	atf_check -s exit:0 -o inline:"debug.memhog=0\n" -e empty \
	    rump.sysctl -e debug.memhog
	atf_check -s exit:0 \
	    -o inline:"debug.memhog = 0\ndebug.memhog_held = 0\n\
debug.memhog_failed = 0\ndebug.memhog_dirty = 0\ndebug.memhog_rate = 0\n\
debug.meminfo_period_ms = 250\ndebug.xenmem_conform = 0\ndebug.touch_given = 0\n\
debug.selftest.migrate = 0\ndebug.selftest.xpq_unpinned = 0\n\
debug.selftest.pool_busy = 0\ndebug.selftest.pool_waitok = 0\n\
debug.selftest.detach = 0\ndebug.selftest.ncpu = 2\n\
debug.selftest.unbound_cpus = 0\ndebug.selftest.bound_cpus = 0\n\
debug.selftest.pinned_moved = 0\ndebug.selftest.waitok_done = 0\n\
debug.selftest.nowait_failed = 0\ndebug.selftest.waitok_slept = 0\n\
debug.selftest.waitok_woke = 0\ndebug.selftest.drain_cycle = 0\n\
debug.selftest.detach_error = 0\ndebug.selftest.detach_kept = 0\n\
debug.plug_probe = 0\n" \
	    -e empty rump.sysctl debug
	atf_check -s exit:0 \
	    -o inline:"machdep.xen.balloon.max = 66560\ndebug.memhog_held = 0\n" \
	    -e empty rump.sysctl machdep.xen.balloon.max debug.memhog_held
	# A bare path in RUMP_SERVER works as well.
	atf_check -s exit:0 -o inline:"65536\n" -e empty \
	    env RUMP_SERVER="${RUMP_SERVER#unix://}" \
	    rump.sysctl -n machdep.xen.balloon.target
}
read_cleanup()
{
	xensim_stop
}

atf_test_case all cleanup
all_head()
{
	atf_set "descr" "-a prints every leaf of the guest's tree, depth" \
	    "first in creation order, the same lines as each subtree"
}
all_body()
{
	guest 64
	atf_check -s exit:0 -o save:all -e empty rump.sysctl -a
	atf_check -s exit:0 -o save:debug -e empty rump.sysctl debug
	atf_check -s exit:0 -o save:machdep -e empty rump.sysctl machdep
	atf_check -s exit:0 -o file:all -e empty cat debug machdep
	atf_check -s exit:0 -o inline:"machdep.xen.balloon.target = 65536\n" \
	    grep '^machdep.xen.balloon.target = ' all
	atf_check -s exit:0 -o ignore grep -c ' = ' all
	# Every line is "name = value".
	atf_check -s exit:1 -o empty grep -v '^[a-z_.]* = [0-9]*$' all
}
all_cleanup()
{
	xensim_stop
}

atf_test_case write cleanup
write_head()
{
	atf_set "descr" "-w name=value writes and prints 'name: old -> new'," \
	    "-n the new value alone; the guest's workload follows"
}
write_body()
{
	guest 64
	atf_check -s exit:0 -o inline:"debug.memhog: 0 -> 8192\n" -e empty \
	    rump.sysctl -w debug.memhog=8192
	wait_for heldis 8192 || atf_fail "the workload never held 8192 KiB"
	atf_check -s exit:0 -o inline:"debug.memhog_held = 8192\n" -e empty \
	    rump.sysctl debug.memhog_held
	atf_check -s exit:0 -o inline:"4096\n" -e empty \
	    rump.sysctl -nw debug.memhog=4096
	# name=value writes without -w too, as sysctl(8) does.
	atf_check -s exit:0 -o inline:"debug.memhog: 4096 -> 0\n" -e empty \
	    rump.sysctl debug.memhog=0
	atf_check -s exit:0 -o inline:"machdep.xen.balloon.min: 2048 -> 4096\n" \
	    -e empty rump.sysctl -w machdep.xen.balloon.min=4096
}
write_cleanup()
{
	xensim_stop
}

atf_test_case errors cleanup
errors_head()
{
	atf_set "descr" "Unknown names, read-only nodes, bad values and a" \
	    "missing RUMP_SERVER are refused with sysctl(8)'s messages and" \
	    "change nothing"
}
errors_body()
{
	guest 64
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: second level name 'nosuch' in 'debug.nosuch' is invalid\n" \
	    rump.sysctl debug.nosuch
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: top level name 'nosuch' in 'nosuch.x' is invalid\n" \
	    rump.sysctl nosuch.x
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: fourth level name 'nosuch' in 'machdep.xen.balloon.nosuch' is invalid\n" \
	    rump.sysctl -w machdep.xen.balloon.nosuch=1
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug.memhog_held: Operation not permitted\n" \
	    rump.sysctl -w debug.memhog_held=1
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug.memhog: '12x' is not a valid value\n" \
	    rump.sysctl -w debug.memhog=12x
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug.memhog: '-1' is not a valid value\n" \
	    rump.sysctl -w debug.memhog=-1
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug: Is a directory\n" \
	    rump.sysctl -w debug=1
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug.memhog: Invalid argument\n" \
	    rump.sysctl -w debug.memhog=2000000000000
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: debug.memhog: must specify -w variable=value\n" \
	    rump.sysctl -w debug.memhog
	atf_check -s exit:0 -o inline:"0\n" -e empty rump.sysctl -n debug.memhog
	atf_check -s exit:1 -o empty -e match:"^usage: rump.sysctl" rump.sysctl
	atf_check -s exit:1 -o empty -e match:"^usage: rump.sysctl" \
	    rump.sysctl -a debug
	atf_check -s exit:1 -o empty \
	    -e inline:"rump.sysctl: RUMP_SERVER is not set: name the guest's sysctl socket\n" \
	    env -u RUMP_SERVER rump.sysctl debug.memhog
	atf_check -s exit:1 -o empty \
	    -e match:"^rump.sysctl: .*/nosock: " \
	    env RUMP_SERVER=unix://$(pwd)/nosock rump.sysctl -a
}
errors_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case read
	atf_add_test_case all
	atf_add_test_case write
	atf_add_test_case errors
}
