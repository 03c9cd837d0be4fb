#!/bin/sh
#
# run.sh OBJ [SCENARIOS [FILE...]]: one real-Xen run.  Fetches the Debian
# packages (cached in OBJ/realxen/pkgs), builds dom0's initramfs with the
# guest kernel (OBJ/bin/pvhxen), balloonctl, balloond, FILE... and the scenarios
# (scenarios.sh unless named; dom0 runs it as /guest/scenarios.sh),
# boots QEMU once and leaves the serial console in
# OBJ/realxen/console.log (REALXEN_OUT/console.log when set).  Exit status: 0 when dom0
# ran every scenario, 2 when QEMU or the packages cannot be had (the
# reason on stderr), 1 otherwise.
#
set -u
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
scen=${2:-$here/scenarios.sh}
[ $# -ge 2 ] && shift 2 || shift 1
pkgs=$obj/realxen/pkgs
dir=${REALXEN_OUT:-$obj/realxen}
mkdir -p "$dir"
rm -f "$dir/console.log" "$dir/elapsed"

command -v qemu-system-x86_64 >/dev/null 2>&1 || {
	echo "qemu-system-x86_64 is not installed (make test-xen installs it)" >&2
	exit 2
}
[ -x /usr/lib/xen-4.17/bin/xl ] || {
	echo "xen-utils-4.17 is not installed (make test-xen installs it)" >&2
	exit 2
}
[ -f "$obj/bin/pvhxen" ] || { echo "no $obj/bin/pvhxen: run make" >&2; exit 1; }
sh "$here/fetch.sh" "$pkgs" || {
	echo "cannot fetch the Xen, kernel and busybox packages from Debian" >&2
	exit 2
}
cp "$scen" "$dir/scenarios.sh"
sh "$here/initramfs.sh" "$pkgs" "$dir/dom0.gz" "$obj/bin/pvhxen" \
    "$obj/bin/balloonctl" "$obj/bin/balloond" "$dir/scenarios.sh" "$@" ||
    exit 1
start=$(date +%s)
sh "$here/boot.sh" "$pkgs" "$dir/dom0.gz" "$dir/console.log.new"
rc=$?
echo $(($(date +%s) - start)) >"$dir/elapsed"
mv "$dir/console.log.new" "$dir/console.log"
[ $rc = 0 ] || exit 1
