#!/bin/sh
#
# boot.sh PKGDIR INITRD LOG: boot Xen 4.17 and dom0 once under QEMU
# (software emulation), dom0 running INITRD's /init, the serial console
# (Xen's, dom0's and the guests' lines) into LOG.  Ends when dom0 powers
# off, or after BOOT_LIMIT seconds (400 unless set); the machine has
# QEMU_MEM MiB (3072 unless set).  Exit status 0 when dom0 finished its
# scenarios.
#
set -u
pkg=$1
initrd=$2
log=$3

xenargs="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M"
xenargs="$xenargs dom0_max_vcpus=1 loglvl=all guest_loglvl=all"
dom0args="console=hvc0 earlyprintk=xen quiet"

# HAP needs +npt: Debian's Xen has no shadow paging for PVH guests.
timeout -k 5 "${BOOT_LIMIT:-400}" qemu-system-x86_64 -accel tcg,thread=multi \
    -cpu qemu64,+svm,+npt -smp 2 -m "${QEMU_MEM:-3072}" \
    -display none -monitor none \
    -nodefaults -no-reboot -serial stdio \
    -kernel "$pkg/xen.elf" -append "$xenargs" \
    -initrd "$pkg/vmlinuz $dom0args,$initrd" </dev/null >"$log" 2>&1
grep -q '^XENTEST dom0 done' "$log"
