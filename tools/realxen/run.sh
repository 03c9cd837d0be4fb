#!/bin/sh
#
# run.sh OBJ: one real-Xen run.  Fetches the Debian packages (cached in
# OBJ/realxen/pkgs), builds dom0's initramfs with the guest kernel
# (OBJ/bin/pvhxen), balloonctl and the scenarios, boots QEMU once and leaves the
# serial console in OBJ/realxen/console.log.  Exit status: 0 when dom0
# ran every scenario, 2 when QEMU or the packages cannot be had (the
# reason on stderr), 1 otherwise.
#
set -u
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$obj/realxen
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
sh "$here/fetch.sh" "$dir/pkgs" || {
	echo "cannot fetch the Xen, kernel and busybox packages from Debian" >&2
	exit 2
}
sh "$here/initramfs.sh" "$dir/pkgs" "$dir/dom0.gz" "$obj/bin/pvhxen" \
    "$obj/bin/balloonctl" "$here/scenarios.sh" || exit 1
start=$(date +%s)
sh "$here/boot.sh" "$dir/pkgs" "$dir/dom0.gz" "$dir/console.log.new"
rc=$?
echo $(($(date +%s) - start)) >"$dir/elapsed"
mv "$dir/console.log.new" "$dir/console.log"
[ $rc = 0 ] || exit 1
