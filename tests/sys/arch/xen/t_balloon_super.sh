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
# The pages the balloon driver moves: 2 MiB extents and the fall back to
# single pages, frames zeroed in batches before they go, pages from Xen
# reaching programs zeroed, a frame given away touched.

. @TESTLIB@/balloon.subr

# superpages TYPE: 512 MiB to 256 MiB and back in order-9 extents.
superpages()
{
	local d h m
	booted "$1" libxl
	d=$D
	m=$(mmu_calls "$d")
	swing "$d" "$1" 262144 524288
	# Order 0 would take 256 hypercalls: 16 out (16 MiB zeroed before
	# each) and one back.
	h=$(evcnt_get "$d" hypercalls)
	[ "$h" -le 17 ] || atf_fail "$h hypercalls for 512 MiB moved"
	# PV places the 128 runs that came back 4 to an mmu_update.
	[ "$1" = pvh ] ||
	    atf_check_equal $(($(mmu_calls "$d") - m)) 32
	atf_check_equal "$(evcnt_get "$d" partial)" 0
	atf_check_equal "$(console_count "$d" "extents refused" 0; echo $?)" 0
}

twin superpages "memory moves in 2 MiB extents"

# fallback TYPE: a hypervisor refusing superpages; order 0 does it all.
fallback()
{
	local d
	booted "$1" libxl
	d=$D
	atf_check -s exit:1 -e match:"maxorder: invalid extent order: 10" \
	    xensimctl fault "$d" maxorder=10
	atf_check -s exit:0 -o ignore -e ignore xensimctl fault "$d" maxorder=0
	swing "$d" "$1" 262144 524288
	# One refused order-9 call per target, then 128 at order 0.
	atf_check_equal "$(evcnt_get "$d" partial)" 2
	atf_check_equal "$(evcnt_get "$d" hypercalls)" 258
	atf_check_equal "$(evcnt_get "$d" retries)" 0
	atf_check_equal "$(console_count "$d" \
	    "inflate: order-9 extents refused" 1; echo $?)" 0
	atf_check_equal "$(console_count "$d" \
	    "deflate: order-9 extents refused" 1; echo $?)" 0
}

twin fallback "superpages refused, order 0 reaches the target"

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

twin zeroed "pages from Xen reach programs zeroed"

# given_after_use TYPE: pages a workload wrote, then freed, reach Xen
# zeroed; pages never written since boot, which the bench leaves as
# they are (they read as zero), too.  xensimd looks at every frame
# given back.
given_after_use()
{
	booted "$1"
	local d=$D extra=$EXTRA
	export RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.memhog=262144
	wait_for held 262144 || atf_fail "the workload holds" \
	    "$(rump.sysctl -n debug.memhog_held) KiB"
	atf_check -s exit:0 -o ignore -e ignore rump.sysctl -w debug.memhog=0
	wait_for held 0 || atf_fail "the workload did not let go"
	move "$d" 65536 $((16384 + extra))
	atf_check_equal "$(dirty_given "$d")" 0
	accounted "$d" "$1"
}

twin given_after_use "pages written, then freed, reach Xen zeroed"

# scrub_batches TYPE: an inflate goes in calls of 8 superpages, each
# after zeroing those 16 MiB only (not 18), so that the first frames
# leave before the rest is zeroed.  uvm keeps no "known zero" state, so
# frames fresh from boot and frames a deflate brought back cost the
# same.  Xen sees no data either way.
scrub_batches()
{
	booted "$1"
	local d=$D extra=$EXTRA h
	# 72 MiB: 36 superpages, 5 calls of at most 8 (4 of 9 would do).
	move "$d" 450560 $((112640 + extra))
	atf_check_equal "$(evcnt_get "$d" hypercalls)" 5
	move "$d" 524288 $((131072 + extra))
	h=$(evcnt_get "$d" hypercalls)
	move "$d" 450560 $((112640 + extra))
	atf_check_equal "$(evcnt_get "$d" hypercalls)" $((h + 5))
	atf_check_equal "$(evcnt_get "$d" partial)" 0
	accounted "$d" "$1"
}

twin scrub_batches "frames to zero go to Xen 16 MiB a call"

# touch_given TYPE: a guest that touches a frame it gave away (the bug
# debug.touch_given plays) reads all ones, loses its write, and the
# access is counted: the Foreign check of every test would fail.
touch_given()
{
	local d foreign
	booted "$1" libxl 256
	d=$D
	settle "$d" $((65536 + $(builder_pages "$1")))
	RUMP_SERVER=$XENSIM_DIR/domains/$d/sysctl atf_check -s exit:0 \
	    -o ignore -e ignore rump.sysctl -w debug.touch_given=1
	atf_check -o match:"touch_given: frame 0x[0-9a-f]* given away: read 0xffffffffffffffff, wrote 0x5a5a5a5a5a5a5a5a, read 0xffffffffffffffff after a hypercall" \
	    cat "$XENSIM_DIR/domains/$d/console.log"
	# The read, and the read again after the write was dropped.
	foreign=$(xensimctl list -l | awk -v d="$d" '$2 == d { print $11 }')
	atf_check_equal "$foreign" 2
	atf_check -o match:"d$d: read of gfn 0x[0-9a-f]*, not the domain's" \
	    cat "$XENSIM_DIR/xensimd.log"
	# The frame came back: the pages still add up.
	atf_check_equal "$(ram_pages "$d")" "$(tot_pages "$d")"
	atf_check_equal "$(dirty_given "$d")" 0
}

twin touch_given "touching a frame given away reads all ones, drops the" \
    "write and counts the access"

atf_init_test_cases()
{
	add_twin touch_given
	add_twin superpages
	add_twin zeroed
	add_twin given_after_use
	add_twin scrub_batches
	add_twin fallback
}
