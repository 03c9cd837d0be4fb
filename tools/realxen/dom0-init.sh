#!/bin/busybox sh
#
# dom0's init on a real Xen run: mount, load the Xen modules, start the
# Xen daemons, run /guest/scenarios.sh, power off (QEMU then exits).
#
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/usr/lib/xen-4.17/bin
# A sanitizer build's programs: errors count, leaks are the bench's to find.
export ASAN_OPTIONS=detect_leaks=0
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /run/xen /run/xenstored /var/log/xen/console
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs; do
	insmod /lib/modules/$m.ko
done
mount -t xenfs xenfs /proc/xen
xenstored --pid-file=/run/xenstored.pid
xen-init-dom0 >/dev/null
xenconsoled --log=guest --log-dir=/var/log/xen/console
echo "XENTEST dom0 up"
sh /guest/scenarios.sh
echo "XENTEST dom0 done"
sync
poweroff -f
