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
# The balloon driver on a real Xen 4.17 hypervisor: pvhxen, the PVH guest
# kernel, ballooned by a real dom0's xl and xenstore tools under QEMU.
# One boot (tools/realxen/run.sh) runs every scenario in dom0
# (tools/realxen/scenarios.sh); each test case reads its scenario's
# verdict from that boot's console.  tools/kyua-run.sh removes that
# run's files before each suite run and, in make test, starts the boot
# beside the rest of the suite; else the first case to run boots.

OBJ=@OBJ@
TOP=@TOP@
LOG=$OBJ/realxen/console.log

# realxen CASE: pass, fail or skip as dom0 judged CASE.
realxen()
{
	local verdict
	# One attempt per suite run: run.err is its end.
	if [ -f "$OBJ/realxen/started" ]; then
		while [ ! -f "$OBJ/realxen/run.err" ]; do
			sleep 1
		done
	elif [ ! -f "$OBJ/realxen/run.err" ]; then
		sh "$TOP/tools/realxen/once.sh" "$OBJ"
	fi
	[ -f "$OBJ/realxen/skip" ] &&
	    atf_skip "no real Xen here: $(head -n 1 "$OBJ/realxen/skip")"
	[ -f "$LOG" ] || atf_fail "the real-Xen run failed: $(cat \
	    "$OBJ/realxen/run.err")"
	grep "^XENCON $1 " "$LOG" | tr -d '\r'
	grep "^XENINFO " "$LOG" | tr -d '\r'
	verdict=$(grep "^XENTEST $1 " "$LOG" | tr -d '\r' | head -n 1)
	case "$verdict" in
	"XENTEST $1 ok")
		;;
	"XENTEST $1 fail: "*)
		atf_fail "${verdict#XENTEST $1 fail: }"
		;;
	*)
		grep -q '^XENTEST dom0 done' "$LOG" ||
		    atf_fail "dom0 did not finish: $(tail -n 5 "$LOG")"
		atf_fail "no verdict for $1 in $LOG"
		;;
	esac
}

realxen_case()
{
	eval "
	atf_test_case $1
	$1_head()
	{
		atf_set descr '$2'
		atf_set require.user root
		atf_set timeout 600
	}
	$1_body()
	{
		realxen $1
	}"
}

realxen_case pvh_256 \
    "memory=maxmem=256: xl mem-set 256 -> 128 -> 256 MiB, each reached"
realxen_case feature_balloon \
    "control/feature-balloon, not writable by the guest: one quiet line"
realxen_case below_min \
    "a target below min is refused with the reason on the console"
realxen_case malformed \
    "malformed memory/target values refused, the next good one followed"
realxen_case sysctl_target \
    "a target written from dom0 over data/sysctl, then xl mem-set wins"
realxen_case sysctl_read \
    "dom0 reads every node of machdep.xen.balloon over data/sysctl"
realxen_case balloonctl \
    "balloonctl mem-set, mem-max and list on a real dom0 agree with xl"
realxen_case pvh_1024 \
    "memory=maxmem=1024: xl mem-set 1024 -> 128 -> 1024 MiB, each reached"
realxen_case oom_deflate \
    "deflate on OOM: a 1 GiB guest at 124 MiB gets the 800 MiB its workload asks for"
realxen_case oom_maxpages \
    "deflate on OOM stopped at the max_pages xl mem-set sets: said once, the workload fails cleanly"
realxen_case free_page_reporting \
    "512 MiB freed goes back to Xen, then is taken again without a failed allocation"
realxen_case pod_grow \
    "memory=128 maxmem=256 (populate-on-demand): grows past its boot memory to 256 MiB, its workload uses it, and back"
realxen_case host_short \
    "Xen runs out of memory mid-deflation: one back-off line, every page kept and accounted, the next target reached, Xen gets all back"
realxen_case balloond \
    "balloond in dom0 gives a guest whose workload bursts memory from another, within dynamic-min and dynamic-max"
realxen_case conformance_pod \
    "the XENMEM sequence runs to its end in a populate-on-demand guest"

# The XENMEM sequence on this boot's Xen and in a bench guest.
atf_test_case conformance
conformance_head()
{
	atf_set descr "the XENMEM sequence: the real Xen and xensimd answer" \
	    "alike, at maxmem and populate-on-demand, but for the" \
	    "differences xensimd(8) explains"
	atf_set require.user root
	atf_set timeout 600
}
conformance_body()
{
	realxen conformance
	sh "$TOP/tools/realxen/conform.sh" "$OBJ" "$LOG" >table 2>err
	rc=$?
	cat table err
	[ $rc = 0 ] || atf_fail "$(grep DIFFERENT table | head -n 1)$(cat err)"
}

atf_init_test_cases()
{
	atf_add_test_case pvh_256
	atf_add_test_case feature_balloon
	atf_add_test_case below_min
	atf_add_test_case malformed
	atf_add_test_case sysctl_target
	atf_add_test_case sysctl_read
	atf_add_test_case balloonctl
	atf_add_test_case pvh_1024
	atf_add_test_case oom_deflate
	atf_add_test_case oom_maxpages
	atf_add_test_case free_page_reporting
	atf_add_test_case pod_grow
	atf_add_test_case host_short
	atf_add_test_case balloond
	atf_add_test_case conformance
	atf_add_test_case conformance_pod
}
