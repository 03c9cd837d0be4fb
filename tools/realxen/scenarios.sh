#!/bin/sh
#
# The real-Xen scenarios, run by dom0's init (tools/realxen/dom0-init.sh)
# with Debian's xl and xenstore tools against guests running pvhxen, the
# PVH guest kernel with the balloon driver.  Each scenario prints
#	XENTEST name ok		or	XENTEST name fail: why
# and the guest's console lines it caused as "XENCON name line".  The
# ATF program tests/sys/arch/xen/t_realxen turns these into results.
#

# Pages a PVH guest of pvhxen holds beyond its RAM: 8 special pages and
# 9 ACPI pages (a Linux guest maps its shared info over a RAM page,
# which Xen frees: 16 there).
SLACK=17
SEQ=0
XENLOG=/tmp/xen.log
: >"$XENLOG"

# Everything the hypervisor printed since the last call, kept in order.
xen_read()
{
	xl dmesg -c >>"$XENLOG" 2>/dev/null
}

# The guest's console: Xen prints its debug-port lines as "(dN) text".
guest_log()
{
	xen_read
	sed -n "s/^(d$1) //p" "$XENLOG"
}

# tot_pages and max_pages as the hypervisor itself reports them.
xen_pages()
{
	xl debug-keys q
	xen_read
	awk -v d="$1:" '
	    /General information for domain/ { dom = $NF }
	    dom == d && /nr_pages=/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^nr_pages=/) { sub(/.*=/, "", $i); t = $i }
			if ($i ~ /^max_pages=/) { sub(/.*=/, "", $i); m = $i }
		}
	    }
	    END { print t, m }' "$XENLOG"
}

# gsysctl D read NAME | gsysctl D write NAME VALUE: the guest's answer
# over data/sysctl, "ERRNO" then "name = value" lines; "timeout" when
# none came in 60 s (emulation on a loaded machine is slow).
gsysctl()
{
	local d=$1 r i=0
	shift
	# A new id every call, subshells included: a reply to an earlier
	# request must never pass for this one's.
	SEQ=$(($(cat /tmp/gsysctl.seq 2>/dev/null || echo 0) + 1))
	echo "$SEQ" >/tmp/gsysctl.seq
	xenstore-write /local/domain/$d/data/sysctl/request "$SEQ $*"
	while [ $i -lt 300 ]; do
		r=$(xenstore-read -R /local/domain/$d/data/sysctl/reply)
		case "$r" in
		"$SEQ "*)
			printf '%s\n' "$r" | sed '1s/^[0-9]* //'
			return 0
			;;
		esac
		sleep 0.2
		i=$((i + 1))
	done
	echo timeout
}

# gwrite D NAME VALUE: a sysctl write over data/sysctl that must succeed.
gwrite()
{
	local r
	r=$(gsysctl "$1" write "$2" "$3")
	[ "$(printf '%s\n' "$r" | head -n 1)" = 0 ] ||
	    fail "$2=$3 answered \"$r\""
}

# gval D NAME: one node's value from the guest.
gval()
{
	gsysctl "$1" read "$2" | sed -n "s/^$2 = //p"
}

# gevcnt D NAME: the balloon's evcnt(9) counter NAME from the guest.
gevcnt()
{
	gsysctl "$1" evcnt | sed -n "s/^balloon0 $2 = //p"
}

# Milliseconds since boot, to 10 ms (busybox's date has no %N).
now_ms()
{
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# wait_for SECONDS CMD...: until CMD succeeds, or SECONDS of wall time
# passed (a CMD such as gsysctl may itself take seconds).
wait_for()
{
	local end=$(($(now_ms) + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.25
	done
}

current_is()
{
	[ "$(gval "$1" machdep.xen.balloon.current)" = "$2" ]
}

state_is()
{
	[ "$(gval "$1" machdep.xen.balloon.stats.state)" = "$2" ]
}

# val_is D NAME VALUE, val_above D NAME VALUE: one node's value.
val_is()
{
	[ "$(gval "$1" "$2")" = "$3" ]
}

val_above()
{
	[ "$(gval "$1" "$2")" -gt "$3" ]
}

xs_is()
{
	[ "$(xenstore-read "$1")" = "$2" ]
}

# tot_below D PAGES: the hypervisor's tot_pages for D is at most PAGES.
tot_below()
{
	local p
	p=$(xen_pages "$1")
	[ "${p% *}" -le "$2" ]
}

console_has()
{
	guest_log "$1" | grep -qF -- "$2"
}

FAIL=
fail()
{
	# One console line: an answer's newlines show as "|".
	[ -n "$FAIL" ] || FAIL=$(printf '%s' "$*" | tr '\n' '|')
}

# reached D NAME MiB: the guest settled at MiB, seen from every side.
reached()
{
	local d=$1 name=$2 mib=$3 kb want pages
	kb=$((mib * 1024))
	want=$((kb + SLACK * 4))
	if ! wait_for 60 current_is "$d" "$want"; then
		fail "$name: current $(gval "$d" machdep.xen.balloon.current)" \
		    "KiB, not $want, for $mib MiB"
		return 1
	fi
	pages=$(xen_pages "$d")
	[ "${pages% *}" = $((mib * 256 + SLACK)) ] ||
	    fail "$name: Xen tot_pages ${pages% *}, not" \
	    "$((mib * 256 + SLACK)) for $mib MiB"
	[ "$(xl list "$name" | awk 'NR == 2 { print $3 }')" = "$mib" ] ||
	    fail "$name: xl list says $(xl list "$name" |
	    awk 'NR == 2 { print $3 }') MiB, not $mib"
	wait_for 30 state_is "$d" 0 ||
	    fail "$name: balloon thread state" \
	    "$(gval "$d" machdep.xen.balloon.stats.state), not idle, at $mib MiB"
	echo "XENINFO $name at $mib MiB: tot_pages ${pages% *}," \
	    "max_pages ${pages#* }, current $want KiB"
}

# accounted D NAME MiB: a guest of MiB of RAM: Xen's tot_pages is the
# driver's current, and the balloon holds the rest of the RAM.
accounted()
{
	local d=$1 name=$2 cur bal pages
	cur=$(gval "$d" machdep.xen.balloon.current)
	bal=$(gval "$d" machdep.xen.balloon.stats.balloon)
	pages=$(xen_pages "$d")
	[ "$cur" = $((${pages% *} * 4)) ] ||
	    fail "$name: current $cur KiB, Xen tot_pages ${pages% *}"
	[ $((cur + bal)) = $(($3 * 1024 + SLACK * 4)) ] ||
	    fail "$name: current $cur + balloon $bal KiB is not $3 MiB +" \
	    "$SLACK pages"
}

# mem_set NAME MiB: xl mem-set, then reached.
mem_set()
{
	xl mem-set "$1" "$2" || fail "xl mem-set $1 $2 failed"
	reached "$(xl domid "$1")" "$1" "$2"
	[ "$(xenstore-read /local/domain/$(xl domid "$1")/memory/target)" = \
	    $(($2 * 1024)) ] || fail "$1: memory/target is not $(($2 * 1024))"
}

# xl_create NAME MEMORY MAXMEM: xl create a PVH guest of pvhxen (MiB);
# false, with the failure noted, if xl refuses.
xl_create()
{
	cat >/tmp/$1.cfg <<EOC
name = "$1"
type = "pvh"
kernel = "/guest/pvhxen"
memory = $2
maxmem = $3
vcpus = 1
EOC
	xl create -q /tmp/$1.cfg || { fail "xl create $1 failed"; return 1; }
}

# create NAME MiB: a PVH guest with memory = maxmem = MiB, balloon0 up.
create()
{
	xl_create "$1" "$2" "$2" || return 1
	D=$(xl domid "$1")
	wait_for 60 console_has "$D" "balloon0: auto-translated" ||
	    { fail "$1: balloon0 did not attach"; return 1; }
	wait_for 30 current_is "$D" $(($2 * 1024 + SLACK * 4)) ||
	    { fail "$1: no sysctl answers over data/sysctl"; return 1; }
}

# Scenario bracket: the guest console lines from con_mark on are the
# scenario's.
begin()
{
	CASE=$1
	FAIL=
	CONDOM=
}

con_mark()
{
	CONDOM=$1
	CONSTART=${2:-$(guest_log "$1" | wc -l)}
}

end()
{
	[ -z "$CONDOM" ] || guest_log "$CONDOM" |
	    tail -n +$((CONSTART + 1)) | sed "s/^/XENCON $CASE /"
	if [ -z "$FAIL" ]; then
		echo "XENTEST $CASE ok"
	else
		echo "XENTEST $CASE fail: $FAIL"
	fi
}

# --- memory = maxmem = 256: 256 -> 128 -> 256 MiB.
begin pvh_256
if create g256 256; then
	G=$D
	con_mark "$G" 0
	reached "$G" g256 256 && mem_set g256 128 && mem_set g256 256
fi
end

# --- the control/feature-balloon node: libxl gives the guest none.
begin feature_balloon
con_mark "$G"
if xenstore-read /local/domain/$G/control/feature-balloon >/dev/null 2>&1
then
	fail "control/feature-balloon exists"
fi
n=$(guest_log "$G" | grep -c 'feature-balloon')
[ "$n" = 1 ] || fail "$n console lines about feature-balloon, not 1"
console_has "$G" \
    "balloon0: control/feature-balloon not writable, not advertised" ||
    fail "no quiet line about control/feature-balloon"
guest_log "$G" | grep 'feature-balloon' | sed 's/^/XENCON feature_balloon /'
end

# --- min: a target below it is refused, with the reason on the console.
begin below_min
con_mark "$G"
r=$(gsysctl "$G" write machdep.xen.balloon.min 1)
[ "$r" = 1 ] || fail "min 1 answered \"$r\", not EPERM"
wait_for 10 console_has "$G" "min 1 KiB below the floor of 2048 KiB, refused" ||
    fail "no console line for min below the floor"
gwrite "$G" machdep.xen.balloon.min 65536
[ "$(gval "$G" machdep.xen.balloon.min)" = 65536 ] || fail "min not set"
xl mem-set g256 32
wait_for 20 console_has "$G" \
    "memory/target 32768 KiB below min 65536 KiB, ignored" ||
    fail "no console line for a target below min"
[ "$(gval "$G" machdep.xen.balloon.target)" = 262144 ] ||
    fail "target moved to $(gval "$G" machdep.xen.balloon.target)"
[ "$(gval "$G" machdep.xen.balloon.current)" = $((262144 + SLACK * 4)) ] ||
    fail "current moved to $(gval "$G" machdep.xen.balloon.current)"
gsysctl "$G" write machdep.xen.balloon.min 2048 >/dev/null
mem_set g256 256
end

# --- malformed memory/target values are refused; the next good one wins.
begin malformed
con_mark "$G"
for v in 12x -5 "" 0x100 " 64" 99999999999999999999999; do
	xenstore-write -- /local/domain/$G/memory/target "$v"
	wait_for 20 console_has "$G" "memory/target \"$v\" not a KiB value" ||
	    fail "no console line for memory/target \"$v\""
done
[ "$(gval "$G" machdep.xen.balloon.target)" = 262144 ] ||
    fail "target moved to $(gval "$G" machdep.xen.balloon.target)"
xenstore-write /local/domain/$G/memory/target 196608
reached "$G" g256 192
end

# --- a sysctl write from dom0 over data/sysctl, then xl mem-set wins.
begin sysctl_target
con_mark "$G"
r=$(gsysctl "$G" write machdep.xen.balloon.target 163840)
[ "$r" = "0
machdep.xen.balloon.target = 163840" ] || fail "target write answered \"$r\""
reached "$G" g256 160
r=$(gsysctl "$G" write machdep.xen.balloon.current 1)
[ "$r" = 1 ] || fail "a write to current answered \"$r\", not EPERM"
r=$(gsysctl "$G" write machdep.xen.balloon.target 100)
[ "$r" = 1 ] || fail "target 100 answered \"$r\", not EPERM"
wait_for 10 console_has "$G" "target 100 KiB below min 2048 KiB, refused" ||
    fail "no console line for target 100"
r=$(gsysctl "$G" write machdep.xen.balloon.target 12ab)
[ "$r" = 22 ] || fail "target 12ab answered \"$r\", not EINVAL"
mem_set g256 224
end

# --- every node readable from dom0, with the hypervisor's numbers.
begin sysctl_read
con_mark "$G"
gsysctl "$G" read machdep.xen.balloon >/tmp/tree
sed 's/^/XENINFO sysctl /' /tmp/tree
[ "$(head -n 1 /tmp/tree)" = 0 ] || fail "read answered $(head -n 1 /tmp/tree)"
for n in current target min max stats.balloon stats.inflated \
    stats.deflated stats.state stats.error stats.delay; do
	grep -q "^machdep.xen.balloon.$n = [0-9][0-9]*\$" /tmp/tree ||
	    fail "no node $n"
done
gsysctl "$G" evcnt >/tmp/evcnt
sed 's/^/XENINFO evcnt /' /tmp/evcnt
for n in hypercalls partial retries oom_deflations oom_pages oom_maxpages; do
	grep -q "^balloon0 $n = [0-9][0-9]*\$" /tmp/evcnt ||
	    fail "no evcnt $n"
done
[ "$(gevcnt "$G" hypercalls)" -gt 0 ] || fail "no hypercall counted"
grep -qx "machdep.xen.balloon.target = 229376" /tmp/tree || fail "target"
grep -qx "machdep.xen.balloon.max = 230400" /tmp/tree ||
    fail "max is not (224 + 1) MiB"
grep -qx "machdep.xen.balloon.stats.balloon = 32768" /tmp/tree ||
    fail "the balloon does not hold 32 MiB"
r=$(gsysctl "$G" read machdep.xen.nosuch)
[ "$r" = 2 ] || fail "an unknown node answered \"$r\", not ENOENT"
end

# --- balloonctl's dom0 commands on the real hypervisor (libxenctrl).
begin balloonctl
con_mark "$G"
/guest/balloonctl mem-set g256 192 || fail "balloonctl mem-set g256 192 failed"
reached "$G" g256 192
pages=$(xen_pages "$G")
[ "${pages#* }" = $(((192 + 1) * 256)) ] ||
    fail "max_pages ${pages#* } after balloonctl mem-set 192"
[ "$(xenstore-read /local/domain/$G/memory/target)" = 196608 ] ||
    fail "memory/target is not 196608"
[ "$(xenstore-read "$(xenstore-read /local/domain/$G/vm)/memory")" = 192 ] ||
    fail "/vm/.../memory is not 192"
/guest/balloonctl list >/tmp/bl
sed 's/^/XENINFO balloonctl list: /' /tmp/bl
xl list | sed 's/^/XENINFO xl list: /'
for n in Domain-0 g256; do
	[ "$(awk -v n=$n '$1 == n { print $2, $3 }' /tmp/bl)" = \
	    "$(xl list | awk -v n=$n '$1 == n { print $2, $3 }')" ] ||
	    fail "balloonctl list and xl list disagree on $n"
done
[ "$(awk '$1 == "g256" { print $4, $5 }' /tmp/bl)" = "192 256" ] ||
    fail "balloonctl list: target and max of g256 not 192 256"
# Free memory as the guest published it, read on either side of a list.
f0=$(xenstore-read /local/domain/$G/data/meminfo_free)
free=$(/guest/balloonctl list | awk '$1 == "g256" { print $7 }')
f1=$(xenstore-read /local/domain/$G/data/meminfo_free)
[ "$free" = $((f0 / 1024)) ] || [ "$free" = $((f1 / 1024)) ] ||
    fail "balloonctl list: free of g256 $free MiB, not data/meminfo_free" \
    "$f0 KiB"
/guest/balloonctl mem-max g256 300 || fail "balloonctl mem-max g256 300 failed"
pages=$(xen_pages "$G")
[ "${pages#* }" = $(((300 + 1) * 256)) ] ||
    fail "max_pages ${pages#* } after balloonctl mem-max 300"
[ "$(xenstore-read /local/domain/$G/memory/static-max)" = 307200 ] ||
    fail "memory/static-max is not 307200"
if /guest/balloonctl mem-max g256 100 2>/tmp/err; then
	fail "balloonctl mem-max below the target succeeded"
fi
grep -q "memory_static_max must be greater than or or equal to" /tmp/err ||
    fail "mem-max 100: $(cat /tmp/err)"
sed 's/^/XENINFO balloonctl mem-max g256 100: /' /tmp/err
pages=$(xen_pages "$G")
[ "${pages#* }" = $(((300 + 1) * 256)) ] || fail "a refused mem-max moved max_pages"
end
xl destroy g256

# --- memory = maxmem = 1024: 1024 -> 128 -> 1024 MiB.
begin pvh_1024
if create g1024 1024; then
	con_mark "$D" 0
	reached "$D" g1024 1024 && mem_set g1024 128 && mem_set g1024 1024
fi
end
xl destroy g1024

# --- deflate on OOM, the case Firecracker's users reported: a 1 GiB
# guest ballooned to 124 MiB by balloonctl mem-set (which leaves
# max_pages alone for a guest that advertises the option) whose
# workload (debug.memhog) asks for 800 MiB.
begin oom_deflate
if create goom 1024; then
	G=$D
	con_mark "$G" 0
	gwrite "$G" machdep.xen.balloon.deflate_on_oom 1
	wait_for 10 xs_is /local/domain/$G/data/balloon-deflate-on-oom 1 ||
	    fail "data/balloon-deflate-on-oom is not 1"
	max0=$(xen_pages "$G")
	/guest/balloonctl mem-set goom 124 ||
	    fail "balloonctl mem-set goom 124 failed"
	reached "$G" goom 124
	pages=$(xen_pages "$G")
	[ "${pages#* }" = "${max0#* }" ] ||
	    fail "max_pages ${pages#* }, not ${max0#* }, after balloonctl mem-set"
	t0=$(now_ms)
	gsysctl "$G" write debug.memhog 819200 >/dev/null
	wait_for 180 val_is "$G" debug.memhog_held 819200 ||
	    fail "the workload holds $(gval "$G" debug.memhog_held) KiB"
	t1=$(now_ms)
	wait_for 30 state_is "$G" 0 || fail "the balloon did not go idle"
	failed=$(gval "$G" debug.memhog_failed)
	n=$(gevcnt "$G" oom_deflations)
	[ "$failed" = 0 ] || fail "$failed failed allocations"
	[ "${n:-0}" -ge 1 ] || fail "no deflation on OOM"
	accounted "$G" goom 1024
	tgt=$(gval "$G" machdep.xen.balloon.target)
	[ "$(xenstore-read /local/domain/$G/data/balloon-target)" = "$tgt" ] ||
	    fail "data/balloon-target is not the target reached, $tgt KiB"
	[ "$(gval "$G" machdep.xen.balloon.stats.inflated_total)" = 0 ] ||
	    fail "inflated_total is not 0 with deflate_on_oom on"
	pages=$(xen_pages "$G")
	echo "XENINFO goom: 800 MiB held $((t1 - t0)) ms after" \
	    "it was asked (QEMU without KVM), $n deflations on OOM," \
	    "$failed failed allocations; target $tgt KiB, tot_pages" \
	    "${pages% *}, max_pages ${pages#* }"
	gsysctl "$G" write debug.memhog 0 >/dev/null
	wait_for 60 val_is "$G" debug.memhog_held 0 ||
	    fail "the workload did not let go"
fi
end

# --- xl mem-set sets max_pages to the target + 1 MiB: a deflation on
# OOM stops there, the driver says so once, the workload fails cleanly
# and the guest stays up.
begin oom_maxpages
con_mark "$G"
mem_set goom 124
pages=$(xen_pages "$G")
[ "${pages#* }" = $(((124 + 1) * 256)) ] ||
    fail "max_pages ${pages#* } after xl mem-set 124"
gsysctl "$G" write debug.memhog 819200 >/dev/null
wait_for 120 val_above "$G" debug.memhog_failed 0 ||
    fail "no failed allocation: the workload holds" \
    "$(gval "$G" debug.memhog_held) KiB"
wait_for 30 console_has "$G" "balloon0: deflate on OOM: stopped at max_pages" ||
    fail "no console line for max_pages"
gsysctl "$G" write debug.memhog 0 >/dev/null
wait_for 60 val_is "$G" debug.memhog_held 0 || fail "the workload did not let go"
n=$(guest_log "$G" | grep -c 'stopped at max_pages')
[ "$n" = 1 ] || fail "$n console lines about max_pages, not 1"
[ "$(gevcnt "$G" oom_maxpages)" -ge 1 ] ||
    fail "evcnt oom_maxpages is 0"
wait_for 30 state_is "$G" 0 || fail "the balloon did not go idle"
accounted "$G" goom 1024
echo "XENINFO goom: at max_pages $(gval "$G" machdep.xen.balloon.current)" \
    "KiB, $(gval "$G" debug.memhog_failed) failed allocations," \
    "$(gevcnt "$G" oom_maxpages) deflations" \
    "stopped by max_pages"
mem_set goom 1024
end

# --- free page reporting: 512 MiB the workload frees goes back to Xen
# without a change of target, and the workload takes it all again
# without a failed allocation; turned off, every reported run comes
# back.
begin free_page_reporting
con_mark "$G"
failed=$(gval "$G" debug.memhog_failed)
gwrite "$G" machdep.xen.balloon.free_page_reporting 1
gsysctl "$G" write debug.memhog 524288 >/dev/null
wait_for 120 val_is "$G" debug.memhog_held 524288 ||
    fail "the workload holds $(gval "$G" debug.memhog_held) KiB, not 524288"
tot0=$(xen_pages "$G")
tot0=${tot0% *}
t0=$(now_ms)
gsysctl "$G" write debug.memhog 0 >/dev/null
wait_for 60 tot_below "$G" $((tot0 - 131072 * 9 / 10)) ||
    fail "Xen tot_pages $(xen_pages "$G"), not 90% of 512 MiB below $tot0"
t1=$(now_ms)
rep=$(gval "$G" machdep.xen.balloon.stats.reported)
[ "$(gval "$G" machdep.xen.balloon.target)" = 1048576 ] ||
    fail "reporting moved the target"
pages=$(xen_pages "$G")
echo "XENINFO goom: 512 MiB freed, tot_pages $tot0 -> ${pages% *}" \
    "$((t1 - t0)) ms later (QEMU without KVM), $rep KiB" \
    "reported"
gsysctl "$G" write debug.memhog 524288 >/dev/null
wait_for 120 val_is "$G" debug.memhog_held 524288 ||
    fail "the workload holds $(gval "$G" debug.memhog_held) KiB, not 524288"
[ "$(gval "$G" debug.memhog_failed)" = "$failed" ] ||
    fail "$(gval "$G" debug.memhog_failed) failed allocations, not $failed"
[ "$(gval "$G" debug.memhog_dirty)" = 0 ] ||
    fail "$(gval "$G" debug.memhog_dirty) pages came with data"
gsysctl "$G" write debug.memhog 0 >/dev/null
wait_for 60 val_is "$G" debug.memhog_held 0 || fail "the workload did not let go"
gwrite "$G" machdep.xen.balloon.free_page_reporting 0
[ "$(gval "$G" machdep.xen.balloon.stats.reported)" = 0 ] ||
    fail "$(gval "$G" machdep.xen.balloon.stats.reported) KiB still reported"
reached "$G" goom 1024
end
xl destroy goom

# --- a guest booted below maxmem (memory = 128, maxmem = 256:
# populate-on-demand) balloons out what lies above its target at boot,
# then grows past its boot memory to maxmem, where its workload takes
# 192 MiB, and back.
begin pod_grow
if xl_create ggrow 128 256; then
	G=$(xl domid ggrow)
	con_mark "$G" 0
	wait_for 60 console_has "$G" \
	    "balloon0: populate-on-demand: 131072 KiB above the target ballooned out" ||
	    fail "ggrow: no console line for the populate-on-demand balloon"
	reached "$G" ggrow 128
	mem_set ggrow 256
	accounted "$G" ggrow 256
	gsysctl "$G" write debug.memhog 196608 >/dev/null
	wait_for 120 val_is "$G" debug.memhog_held 196608 ||
	    fail "the workload holds $(gval "$G" debug.memhog_held) KiB," \
	    "not 196608"
	[ "$(gval "$G" debug.memhog_failed)" = 0 ] ||
	    fail "$(gval "$G" debug.memhog_failed) failed allocations"
	[ "$(gval "$G" debug.memhog_dirty)" = 0 ] ||
	    fail "$(gval "$G" debug.memhog_dirty) pages came with data"
	gsysctl "$G" write debug.memhog 0 >/dev/null
	wait_for 60 val_is "$G" debug.memhog_held 0 ||
	    fail "the workload did not let go"
	mem_set ggrow 128
	accounted "$G" ggrow 256
	xl destroy ggrow
fi
end

# --- Xen runs out of memory halfway through a deflation: a guest of
# maxmem 3072 MiB, more than this Xen has free, is mem-set to all of
# it.  The driver keeps every page it got, says once that it backs off,
# and the next target is reached; Xen gets all of it back.
begin host_short
free0=$(xl info free_memory)
if xl_create gbig 256 3072; then
	G=$(xl domid gbig)
	con_mark "$G" 0
	wait_for 60 console_has "$G" "balloon0: populate-on-demand" ||
	    fail "gbig: the balloon did not attach"
	reached "$G" gbig 256
	xl mem-set gbig 3072 || fail "xl mem-set gbig 3072 failed"
	wait_for 120 val_above "$G" machdep.xen.balloon.stats.state 2 ||
	    fail "no back-off: state $(gval "$G" machdep.xen.balloon.stats.state)"
	wait_for 30 console_has "$G" "pages done (error 12), backing off" ||
	    fail "no console line for the back-off"
	accounted "$G" gbig 3072
	pages=$(xen_pages "$G")
	echo "XENINFO gbig: Xen had $free0 MiB free; at $(gval "$G" \
	    machdep.xen.balloon.current) KiB of 3072 MiB, tot_pages" \
	    "${pages% *}, Xen free $(xl info free_memory) MiB, state" \
	    "$(gval "$G" machdep.xen.balloon.stats.state)"
	n=$(guest_log "$G" | grep -c 'backing off')
	[ "$n" = 1 ] || fail "$n console lines about backing off, not 1"
	mem_set gbig 256
	accounted "$G" gbig 3072
	xl destroy gbig
	free1=$(xl info free_memory)
	[ "$free1" -ge $((free0 - 1)) ] ||
	    fail "Xen free $free1 MiB after, $free0 MiB before"
fi
end

# --- balloond(8) in dom0 shares what Xen has among two guests of 128
# MiB: with a reserve 64 MiB above what is free, it lowers both, then
# gives the one whose workload bursts (gb) memory taken from the other
# (ga), within their policies: ga never below its dynamic-min, gb never
# above its dynamic-max.
target_of()
{
	xenstore-read /local/domain/$1/memory/target
}

bd_settled()
{
	[ "$(xl info free_memory)" -ge "$1" ]
}

bd_granted()
{
	val_is "$1" debug.memhog_held "$2" && [ "$(target_of "$1")" -gt "$3" ]
}

begin balloond
BD=
if create ga 128 && A=$D && create gb 128; then
	B=$D
	con_mark "$B" 0
	xenstore-write /local/domain/$A/memory/dynamic-min 65536 \
	    /local/domain/$B/memory/dynamic-max 122880 ||
	    fail "cannot write the policy nodes"
	reserve=$(($(xl info free_memory) + 64))
	/guest/balloond -f -r ${reserve}M -g 16M -m 32M -t 3600 2>/tmp/balloond.log &
	BD=$!
	wait_for 60 bd_settled "$reserve" ||
	    fail "host free $(xl info free_memory) MiB, reserve $reserve;" \
	    "targets $(target_of "$A") $(target_of "$B")"
	[ "$(target_of "$B")" -lt 131072 ] ||
	    fail "gb not lowered: the other may give it nothing back"
	a0=$(target_of "$A")
	b0=$(target_of "$B")
	gwrite "$B" debug.memhog 90112
	wait_for 120 bd_granted "$B" 90112 "$b0" ||
	    fail "gb holds $(gval "$B" debug.memhog_held) KiB, target" \
	    "$(target_of "$B") (was $b0)"
	wait_for 60 bd_settled "$reserve" ||
	    fail "host free $(xl info free_memory) MiB after the burst," \
	    "reserve $reserve"
	a1=$(target_of "$A")
	b1=$(target_of "$B")
	[ "$a1" -lt "$a0" ] || fail "ga gave nothing: target $a0 -> $a1"
	[ "$a1" -ge 65536 ] || fail "ga at $a1 KiB, below its dynamic-min"
	[ "$b1" -le 122880 ] || fail "gb at $b1 KiB, above its dynamic-max"
	pages=$(xen_pages "$B")
	[ "${pages#* }" -le $(((120 + 1) * 256)) ] ||
	    fail "gb's max_pages ${pages#* }, above its dynamic-max + 1 MiB"
	grep -q "domain $B (gb): target" /tmp/balloond.log ||
	    fail "no move of gb logged"
	echo "XENINFO balloond: reserve $reserve MiB, Xen free" \
	    "$(xl info free_memory) MiB; ga $a0 -> $a1 KiB, gb $b0 -> $b1" \
	    "KiB, gb max_pages ${pages#* }, its workload failed" \
	    "$(gval "$B" debug.memhog_failed) allocations on the way"
fi
[ -z "$BD" ] || kill "$BD"
sed 's/^/XENCON balloond /' /tmp/balloond.log 2>/dev/null | tail -n 20
xl destroy ga 2>/dev/null
xl destroy gb 2>/dev/null
end

# --- the XENMEM conformance sequence (debug.xenmem_conform) in a guest
# of its own, memory = maxmem = 128 as the bench guest it is compared
# with (tools/realxen/conform.sh); then once in populate-on-demand mode.
begin conformance
if create gconf 128; then
	con_mark "$D" 0
	gwrite "$D" debug.xenmem_conform 1
	wait_for 30 console_has "$D" "xenmem_conform end" ||
	    fail "the sequence did not end"
	guest_log "$D" | grep '^xenmem_conform ' | sed 's/^/XENCONFORM /'
fi
xl destroy gconf
end

begin conformance_pod
if xl_create gpod 128 256; then
	D=$(xl domid gpod)
	con_mark "$D" 0
	if wait_for 60 console_has "$D" "balloon0: auto-translated"; then
		r=$(gsysctl "$D" write debug.xenmem_conform 1)
		wait_for 30 console_has "$D" "xenmem_conform end" ||
		    fail "the sequence did not end: \"$r\""
	else
		fail "gpod: balloon0 did not attach"
	fi
	guest_log "$D" | grep '^xenmem_conform ' |
	    sed 's/^/XENCONFORM-POD /'
	xl destroy gpod
fi
end
