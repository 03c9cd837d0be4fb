#!/bin/sh
#
# make bench-xen's part in dom0 (run by dom0-init.sh as
# /guest/scenarios.sh): a Debian Linux PVH guest (/guest/vmlinux,
# /guest/linux-initrd.gz) and ours (/guest/pvhxen), one after the other,
# each memory = maxmem = 1024 MiB; three runs of 1024 -> 512 -> 1024 and
# 1024 -> 128 -> 1024 MiB, each timed by /guest/xenmemtime from xl
# mem-set until tot_pages reaches the target.  Prints
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

# guest NAME KIND: create, wait until up, time every transition.
guest()
{
	local name=$1 kind=$2 d run from to
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
	for run in $(seq 1 $RUNS); do
		from=1024
		for to in 512 1024 128 1024; do
			/guest/xenmemtime "$name" "$d" "$to" |
			    sed "s/^/XENBENCH $kind $run $from-$to /"
			from=$to
		done
	done
	xl destroy "$name"
}

# Ours first: if the time limit cuts the run, Linux's runs go.
guest gours ours
guest glinux linux
