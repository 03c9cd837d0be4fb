#!/bin/sh
#
# make bench-xen's part in dom0 (run by dom0-init.sh as
# /guest/scenarios.sh): a Debian Linux PVH guest (/guest/vmlinux,
# /guest/linux-initrd.gz) and ours (/guest/pvhxen), both at once (QEMU
# gets 4 GiB), each memory = maxmem = 1024 MiB; three runs of
# 1024 -> 512 -> 1024 and 1024 -> 128 -> 1024 MiB, each timed by
# /guest/xenmemtime from xl mem-set until tot_pages reaches the target.
# Prints
#	XENBENCH guest run transition XENTIME|XENTRACE ...
# and "XENBENCH guest fail: why" when a guest does not come up.
#
RUNS=${RUNS:-3}
XENLOG=/tmp/xen.log
: >"$XENLOG"

wait_for()
{
	local n=$(($1 * 4))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
		n=$((n - 1))
	done
	return 1
}

# Our guest's console: Xen prints its debug-port lines as "(dN) text".
ours_up()
{
	xl dmesg -c >>"$XENLOG" 2>/dev/null
	grep -qF "(d$1) balloon0: auto-translated" "$XENLOG"
}

linux_up()
{
	grep -q "XENLINUX up" /var/log/xen/console/guest-$1.log
}

# create NAME KIND: the guest's config, xl create, wait until it is up.
create()
{
	local name=$1 kind=$2 d
	if [ "$kind" = linux ]; then
		cat >/tmp/$name.cfg <<EOC
name = "$name"
type = "pvh"
kernel = "/guest/vmlinux"
ramdisk = "/guest/linux-initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 1024
maxmem = 1024
vcpus = 1
EOC
	else
		cat >/tmp/$name.cfg <<EOC
name = "$name"
type = "pvh"
kernel = "/guest/pvhxen"
memory = 1024
maxmem = 1024
vcpus = 1
EOC
	fi
	xl create -q /tmp/$name.cfg ||
	    { echo "XENBENCH $kind fail: xl create"; return 1; }
	d=$(xl domid "$name")
	if ! wait_for 180 ${kind}_up "$([ $kind = linux ] && echo $name || echo $d)"
	then
		echo "XENBENCH $kind fail: not up in 180 s"
		xl destroy "$name"
		return 1
	fi
	echo "XENBENCH $kind up"
}

# Both guests at once, their transitions taken in turn, so that both
# see the same load on the emulated machine.
KINDS=
create gours ours && KINDS="$KINDS ours"
create glinux linux && KINDS="$KINDS linux"
for run in $(seq 1 $RUNS); do
	from=1024
	for to in 512 1024 128 1024; do
		for kind in $KINDS; do
			/guest/xenmemtime g$kind "$(xl domid g$kind)" "$to" |
			    sed "s/^/XENBENCH $kind $run $from-$to /"
		done
		from=$to
	done
done
for kind in $KINDS; do
	xl destroy g$kind
done
