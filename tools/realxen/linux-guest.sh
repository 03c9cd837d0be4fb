#!/bin/sh
#
# linux-guest.sh PKGDIR OUTDIR: a Debian Linux PVH guest for make
# bench-xen, from the packages fetch.sh unpacked in PKGDIR (dom0's own
# kernel and busybox):
#	OUTDIR/vmlinux		the ELF kernel out of vmlinuz's XZ payload
#				(xl create starts an ELF in 2-4 s, a
#				compressed kernel in about 10 under QEMU)
#	OUTDIR/linux-initrd.gz	busybox and an init that says
#				"XENLINUX up" on hvc0, then waits
# Linux's own balloon driver (CONFIG_XEN_BALLOON=y) does the rest.
#
set -eu
pkg=$1
out=$2
mkdir -p "$out"

off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$pkg/vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "linux-guest: no XZ payload in vmlinuz" >&2; exit 1; }
# xz stops at the end of its stream and complains of what follows.
tail -c +$((off + 1)) "$pkg/vmlinuz" | xz -dc >"$out/vmlinux.new" 2>/dev/null ||
    true
head -c 4 "$out/vmlinux.new" | grep -q 'ELF' ||
    { echo "linux-guest: the payload is not an ELF kernel" >&2; exit 1; }
mv "$out/vmlinux.new" "$out/vmlinux"

root=$(mktemp -d "${TMPDIR:-/tmp}/linux-guest.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$pkg/busybox" "$root/bin/busybox"
cat >"$root/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo "XENLINUX up"
while :; do /bin/busybox sleep 3600; done
EOI
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out/linux-initrd.gz"
