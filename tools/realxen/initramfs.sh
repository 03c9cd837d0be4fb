#!/bin/sh
#
# initramfs.sh PKGDIR OUT FILE...: dom0's initramfs (gzip'd cpio) for a
# real Xen run: busybox, the Xen modules of dom0's kernel, this host's
# Debian Xen tools (xl, xenstored, xenconsoled, the xenstore-* commands)
# with every library they load, the init script, and FILE... copied
# into /guest (the guest kernel, the scenarios).
#
set -eu
pkg=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/realxen-root.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/bin "$root"/lib/modules "$root"/guest "$root"/etc \
    "$root"/proc "$root"/sys "$root"/dev "$root"/run "$root"/tmp \
    "$root"/var/lib/xen "$root"/var/lib/xenstored "$root"/var/log/xen \
    "$root"/usr/bin "$root"/usr/lib
ln -s ../run "$root"/var/run
cp "$pkg/busybox" "$root/bin/busybox"
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs; do
	find "$pkg"/root/lib/modules -name "$m.ko*" -exec cp {} \
	    "$root/lib/modules/" \;
done

cp -a /usr/lib/xen-4.17 "$root/usr/lib/"
rm -rf "$root/usr/lib/xen-4.17/lib/python"
cp -a /etc/xen "$root/etc/"
for t in /usr/bin/xenstore /usr/bin/xenstore-*; do
	[ -L "$t" ] && continue
	cp "$t" "$root/usr/bin/"
done
# Every shared library the tools (and our programs) load, at the same
# path: a sanitizer build's balloonctl brings its runtime along.
for f in "$root"/usr/lib/xen-4.17/bin/* "$root"/usr/bin/xenstore* "$@"; do
	ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'
done | sort -u | while read -r l; do
	mkdir -p "$root$(dirname "$l")"
	cp -L "$l" "$root$l"
done
g=$(find /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu -name 'libgcc_s.so.1' | head -n 1)
cp -L "$g" "$root/lib/x86_64-linux-gnu/"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || {
	mkdir -p "$root/lib64"
	cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
}

for f in "$@"; do
	cp "$f" "$root/guest/"
done
cp "$here/dom0-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
