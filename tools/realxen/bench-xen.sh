#!/bin/sh
#
# bench-xen.sh OBJ: make bench-xen.  Boots the real Xen once (run.sh)
# with dom0 running bench-xen-dom0.sh against a Debian Linux PVH guest
# (linux-guest.sh) and ours (pvhxen), then prints the table and writes
# the plot (bench-xen-report.sh), all under OBJ/bench-xen.  The boot is
# cut after BOOT_LIMIT seconds (1500 unless set); QEMU gets 4 GiB, for
# dom0 and both guests at once.
#
set -eu
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$obj/bench-xen
mkdir -p "$out"

sh "$here/fetch.sh" "$obj/realxen/pkgs"
sh "$here/linux-guest.sh" "$obj/realxen/pkgs" "$out"
BOOT_LIMIT=${BOOT_LIMIT:-1500} QEMU_MEM=4096 REALXEN_OUT=$out \
    sh "$here/run.sh" "$obj" "$here/bench-xen-dom0.sh" "$out/vmlinux" \
    "$out/linux-initrd.gz" "$obj/bin/xenmemtime" ||
    echo "bench-xen: the run did not finish (see $out/console.log)" >&2
rm -f "$out/dom0.gz"
sh "$here/bench-xen-report.sh" "$out/console.log" "$out"
echo "bench-xen: $out/table.txt, $out/bench-xen.svg"
