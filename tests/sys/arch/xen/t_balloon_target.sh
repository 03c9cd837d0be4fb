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
# The balloon driver following memory/target: down and up, rounding to
# pages, a repeated or malformed target, a burst of them, targets off
# the 2 MiB grid; the four nodes and stats.* on the way.

. @TESTLIB@/balloon.subr

# down_up TYPE: 512 MiB to 256 MiB and back; hypervisor, sysctl and host
# memory agree at each step.
down_up()
{
	booted "$1"
	local d=$D extra=$EXTRA

	move "$d" 262144 $((65536 + extra))
	atf_check_equal "$(ram_pages "$d")" $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((65536 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 262144

	move "$d" 524288 $((131072 + extra))
	atf_check_equal "$(ram_pages "$d")" $((131072 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((131072 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 524288
}

twin down_up "the reservation follows memory/target down and up (with the" \
    "builder's pages)"

# stats TYPE: this driver's own, apart from the interface: its attach
# line, and its stats.* through 512 MiB to 256 MiB and back.
stats()
{
	booted "$1"
	local d=$D extra=$EXTRA
	atf_check -o match:"^balloon0 at xenbus0: Xen Balloon driver$" \
	    -o match:"^xenbus0 at hypervisor0: " \
	    -o match:"^balloon0: .* min 2048 KiB" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	atf_check_equal "$(evcnt_get "$d" hypercalls)" 0
	atf_check_equal "$(sysctl_get "$d" stats.state)" 0

	move "$d" 262144 $((65536 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 262144
	move "$d" 524288 $((131072 + extra))
	atf_check_equal "$(sysctl_get "$d" stats.balloon)" 0
	atf_check_equal "$(sysctl_get "$d" stats.inflated)" 262144
	atf_check_equal "$(sysctl_get "$d" stats.deflated)" 262144
	# 256 MiB is 128 order-9 extents: out in calls of 8, each after
	# zeroing those 16 MiB, and back in one call.
	atf_check_equal "$(evcnt_get "$d" hypercalls)" 17
	atf_check_equal "$(evcnt_get "$d" partial)" 0
}

twin stats "this driver's attach line and stats.* through a move down and up"

# nodes TYPE: the four nodes right after boot.
nodes()
{
	booted "$1"
	local d=$D extra=$EXTRA
	atf_check_equal "$(sysctl_get "$d" current)" $(((131072 + extra) * 4))
	atf_check_equal "$(sysctl_get "$d" target)" 524288
	# uvm's free minimum (256 pages) and the ballast (256 pages)
	atf_check_equal "$(sysctl_get "$d" min)" 2048
	# libxl: max_pages = (memory + 1 MiB) / 4 KiB
	atf_check_equal "$(sysctl_get "$d" max)" 525312
	atf_check_equal "$(tot_pages "$d")" $((131072 + extra))
}

twin nodes "current, target, min and max read right"

# roundup TYPE: a target that is not a multiple of 4 KiB rounds up.
roundup()
{
	booted "$1"
	local d=$D extra=$EXTRA
	move "$d" 262145 $((65537 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 262148
	atf_check_equal "$(ram_pages "$d")" $((65537 + extra))
}

twin roundup "a target of 262145 KiB becomes 65537 pages"

# same TYPE: writing the target the guest is at makes no hypercall.
same()
{
	booted "$1"
	local d=$D extra=$EXTRA h
	move "$d" 262144 $((65536 + extra))
	h=$(evcnt_get "$d" hypercalls)
	xenstore-write /local/domain/$d/memory/target 262144
	xenstore-write /local/domain/$d/memory/target 262144
	# A barrier: one page more takes exactly one hypercall.
	move "$d" 262148 $((65537 + extra))
	atf_check_equal "$(evcnt_get "$d" hypercalls)" $((h + 1))
}

twin same "a target equal to the current one does nothing"

# burst TYPE: 1000 targets in a row end at the last one.
burst()
{
	booted "$1"
	local d=$D extra=$EXTRA i
	i=0
	while [ $i -lt 999 ]; do
		echo "/local/domain/$d/memory/target" \
		    $((200000 + (i % 7) * 40000))
		i=$((i + 1))
	done | xargs -n 2 -P 1 xenstore-write
	move "$d" 300000 $((75000 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 300000
	atf_check_equal "$(ram_pages "$d")" $((75000 + extra))
	atf_check_equal "$(sysctl_get "$d" current)" $(((75000 + extra) * 4))
}

twin burst "a burst of 1000 targets ends at the last one"

# malformed TYPE: bad memory/target values change nothing, each is
# logged once, and the next good one is followed.
malformed()
{
	booted "$1"
	local d=$D extra=$EXTRA n v
	move "$d" 262144 $((65536 + extra))

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
	atf_check_equal "$(evcnt_get "$d" hypercalls)" 16
	atf_check_equal "$(console_count "$d" "not a KiB value" $n; echo $?)" 0

	move "$d" 393216 $((98304 + extra))
	atf_check_equal "$(sysctl_get "$d" target)" 393216
}

twin malformed "malformed memory/target values change nothing"

# odd TYPE: targets that are no multiple of 2 MiB, up and down.
odd()
{
	local d h
	booted "$1" libxl
	d=$D
	swing "$d" "$1" 300004 400000 262148 524284 524288
	# 30 with superpages (8 a call out, 16 MiB zeroed before each) and
	# the odd pages at order 0; order 0 alone would take 480.
	h=$(evcnt_get "$d" hypercalls)
	[ "$h" -le 30 ] || atf_fail "$h hypercalls"
	atf_check_equal "$(evcnt_get "$d" partial)" 0
}

twin odd "targets off the 2 MiB grid are reached exactly"

atf_init_test_cases()
{
	add_twin down_up
	add_twin stats
	add_twin nodes
	add_twin roundup
	add_twin same
	add_twin burst
	add_twin malformed
	add_twin odd
}
