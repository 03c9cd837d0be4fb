#!/bin/sh
#
# fetch.sh DIR: the Debian packages a real Xen run boots from, fetched
# by package name with apt-get download and unpacked under DIR (cached:
# a second run fetches nothing).  Prints nothing on success.
#
#	DIR/xen.elf		the hypervisor, for QEMU's multiboot loader
#	DIR/vmlinuz		dom0's kernel (the one linux-image-amd64 names)
#	DIR/root/		the unpacked kernel package (dom0's modules)
#	DIR/busybox		a static busybox for dom0's userland
#
set -eu
dir=$1
[ -f "$dir/.done" ] && exit 0
mkdir -p "$dir/debs" "$dir/root"

kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
if [ -z "$kpkg" ]; then
	apt-get update -q >/dev/null 2>&1 || true
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
fi
[ -n "$kpkg" ] || { echo "fetch: no package for linux-image-amd64" >&2; exit 1; }

cd "$dir/debs"
for p in xen-hypervisor-4.17-amd64 "$kpkg" busybox-static; do
	ls ./"$p"_*.deb >/dev/null 2>&1 && continue
	apt-get download -q "$p" >/dev/null 2>&1 || {
		apt-get update -q >/dev/null 2>&1 || true
		apt-get download -q "$p" >/dev/null
	}
done
for d in ./*.deb; do
	dpkg-deb -x "$d" "$dir/root"
done
zcat "$dir"/root/boot/xen-4.17-amd64.gz >"$dir/xen.elf"
cp "$dir"/root/boot/vmlinuz-* "$dir/vmlinuz"
cp "$dir/root/bin/busybox" "$dir/busybox"
touch "$dir/.done"
