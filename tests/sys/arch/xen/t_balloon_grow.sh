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
# A guest booted below maxmem: the rest hot-plugged and ballooned,
# populate-on-demand, a target clipped at maxmem, 16 GiB guests, a
# kernel without hot-plug.

. @TESTLIB@/balloon.subr

# below_max_create NAME TYPE MEMORY MAXMEM [KERNEL]: a domain running
# rumpxen booted at MEMORY of MAXMEM MiB, its id in $D once it is up.
below_max_create()
{
	D=$(xensimctl create name=$1 memory=$3 maxmem=$4 type=$2 \
	    kernel="$BINDIR/${5:-rumpxen}") ||
	    atf_fail "cannot create the domain"
	guest_up "$D"
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
	move "$d" 786432 $((131072 + extra))
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

twin clip "booted below maxmem grows up to maxmem, no clip; a target beyond" \
    "maxmem is clipped to it, logged once"

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
	d=$D log=$LOG
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
	hog "$d" 307200
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
	d=$D log=$LOG
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
	d=$D log=$LOG
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

# hog DOM KIB: the guest's workload (debug.memhog) holds KIB; its
# sysctl server is RUMP_SERVER from then on.
hog()
{
	export RUMP_SERVER=$XENSIM_DIR/domains/$1/sysctl
	atf_check -s exit:0 -o ignore -e ignore \
	    rump.sysctl -w debug.memhog=$2
	wait_for held $2 || atf_fail "the workload holds" \
	    "$(rump.sysctl -n debug.memhog_held) KiB, not $2"
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
	d=$D log=$LOG
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
	hog "$d" 307200
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

twin size "created with memory 3072 of maxmem 4096: 3 GiB usable and a 1" \
    "GiB balloon from the start"

atf_init_test_cases()
{
	atf_add_test_case pvh_pod_grow
	atf_add_test_case pvh_16g
	atf_add_test_case pv_16g
	atf_add_test_case pv_grow
	atf_add_test_case pv_nohotplug
	atf_add_test_case plug_probe
	add_twin size
	add_twin clip
}
