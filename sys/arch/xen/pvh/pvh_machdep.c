/*	$NetBSD$	*/

/*-
 * Copyright (c) 2026 The xenballoon project.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * The PVH guest kernel's machine-dependent half: from the entry in
 * locore.S to the rump kernel's main, and the host services rumpuser(3)
 * names that a bare PVH domain provides itself: the hypercall page, the
 * console on Xen's debug port, the Xen clock, a kernel heap above the
 * image, and the boot facts from struct hvm_start_info.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/errno.h>
#include <sys/systm.h>

#include <xen/include/public/xen.h>
#include <xen/include/public/memory.h>
#include <xen/include/public/sched.h>
#include <xen/include/public/version.h>
#include <xen/include/public/arch-x86/hvm/start_info.h>

#include <rumpuser.h>

#include "pvh.h"
#include "pvh_xs.h"

#define XEN_CPUID_BASE		0x40000000
#define XEN_CPUID_SIGNATURE_EBX	0x566e6558	/* "XenV" */

/* shared_info goes to a free frame of the hole below 4 GiB. */
#define PVH_SHARED_INFO_PFN	0xfd000UL

#define PVH_MEMMAP_MAX		16

/* Kernel heap: power-of-two blocks, 16 B to 128 MiB, kept for reuse. */
#define HEAP_MINSHIFT		4
#define HEAP_MAXSHIFT		27

void	pvh_main(uint32_t);

char pvh_hypercall_page[PAGE_SIZE] __attribute__((__aligned__(PAGE_SIZE)));
struct shared_info *pvh_shared_info;
const struct rumpuser_hyperup *pvh_hyperup;

extern char _end[];

static uint64_t pvh_ram_pages;		/* RAM frames below the hole */
static uint64_t pvh_kern_pages;		/* frames the kernel itself holds */

static char *heap_next, *heap_limit;
static void *heap_free[HEAP_MAXSHIFT + 1];

static inline void
outb(uint16_t port, uint8_t v)
{

	__asm__ volatile("outb %0, %1" : : "a" (v), "Nd" (port));
}

static inline void
cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{

	__asm__ volatile("cpuid" : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
	    : "0" (leaf), "2" (0));
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (uint64_t)hi << 32 | lo;
}

void
pvh_cons_puts(const char *s)
{

	for (; *s != '\0'; s++)
		outb(0xe9, (uint8_t)*s);
}

static __dead void
pvh_halt(unsigned int reason)
{
	struct sched_shutdown sd = { .reason = reason };

	for (;;)
		(void)pvh_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
		    (unsigned long)&sd, 0);
}

static void
pvh_fatal(const char *msg)
{

	pvh_cons_puts("pvh: ");
	pvh_cons_puts(msg);
	pvh_cons_puts("\n");
	pvh_halt(SHUTDOWN_crash);
}

/* Xen's CPUID leaves: the hypercall page's MSR; fill the page. */
static void
pvh_hypercall_init(void)
{
	uint32_t base, a, b, c, d;
	uint64_t pa = (uint64_t)(uintptr_t)pvh_hypercall_page;

	for (base = XEN_CPUID_BASE; base < XEN_CPUID_BASE + 0x10000;
	    base += 0x100) {
		cpuid(base, &a, &b, &c, &d);
		if (b == XEN_CPUID_SIGNATURE_EBX && a - base >= 2)
			break;
	}
	if (base >= XEN_CPUID_BASE + 0x10000)
		pvh_fatal("not running on Xen");
	cpuid(base + 2, &a, &b, &c, &d);
	__asm__ volatile("wrmsr" : : "c" (b), "a" ((uint32_t)pa),
	    "d" ((uint32_t)(pa >> 32)));
}

/* shared_info: the clock and the event channels' pending bits. */
static void
pvh_shared_info_init(void)
{
	struct xen_add_to_physmap xatp;

	memset(&xatp, 0, sizeof(xatp));
	xatp.domid = DOMID_SELF;
	xatp.space = XENMAPSPACE_shared_info;
	xatp.idx = 0;
	xatp.gpfn = PVH_SHARED_INFO_PFN;
	if (pvh_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
	    (unsigned long)&xatp, 0) != 0)
		pvh_fatal("cannot map shared_info");
	pvh_shared_info = (struct shared_info *)(PVH_SHARED_INFO_PFN <<
	    PAGE_SHIFT);
}

/* Xen system time from vcpu 0's time record and the TSC. */
uint64_t
pvh_clock_ns(void)
{
	volatile struct vcpu_time_info *t =
	    &pvh_shared_info->vcpu_info[0].time;
	uint32_t version, mul;
	uint64_t sys, stamp, delta;
	int8_t shift;

	do {
		version = t->version;
		__asm__ volatile("" ::: "memory");
		sys = t->system_time;
		stamp = t->tsc_timestamp;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		delta = rdtsc() - stamp;
		__asm__ volatile("" ::: "memory");
	} while ((version & 1) != 0 || version != t->version);
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

bool
pvh_evtchn_test_and_clear(unsigned int port)
{
	volatile unsigned long *word =
	    &pvh_shared_info->evtchn_pending[port / 64];
	unsigned long bit = 1UL << (port % 64);

	return (__atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

int
pvh_evtchn_send(unsigned int port)
{
	struct evtchn_send send = { .port = port };

	return (int)pvh_hypercall(__HYPERVISOR_event_channel_op,
	    EVTCHNOP_send, (unsigned long)&send, 0);
}

/* RAM from the start info's memory map; where the kernel ends. */
static void
pvh_memmap_init(uint32_t si_pa)
{
	const struct hvm_start_info *si =
	    (const struct hvm_start_info *)(uintptr_t)si_pa;
	const struct hvm_memmap_table_entry *mm;
	uint64_t end, top, kend;
	uint32_t i, n;

	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		pvh_fatal("bad hvm_start_info magic");
	if (si->version < 1 || si->memmap_paddr == 0)
		pvh_fatal("no memory map in hvm_start_info");
	mm = (const struct hvm_memmap_table_entry *)
	    (uintptr_t)si->memmap_paddr;

	/* RAM starts at 0; uvm manages it up to the first gap. */
	top = 0;
	for (n = 0; n < PVH_MEMMAP_MAX; n++)	/* the map is not sorted */
		for (i = 0; i < si->memmap_entries && i < PVH_MEMMAP_MAX;
		    i++) {
			if (mm[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
				continue;
			end = mm[i].addr + mm[i].size;
			if (mm[i].addr <= top && end > top &&
			    end <= 0xfc000000UL)
				top = end;
		}
	pvh_ram_pages = top >> PAGE_SHIFT;

	/* The start info and its tables follow the image: keep them. */
	kend = (uint64_t)(uintptr_t)_end;
	kend = MAX(kend, (uint64_t)si_pa + sizeof(*si));
	kend = MAX(kend, si->memmap_paddr +
	    si->memmap_entries * sizeof(*mm));
	if (si->cmdline_paddr != 0)
		kend = MAX(kend, si->cmdline_paddr + PAGE_SIZE);
	kend = roundup(kend, PAGE_SIZE);

	/* The heap: vm_page records for all RAM, and room for the rest. */
	heap_next = (char *)(uintptr_t)kend;
	heap_limit = heap_next + 16 * 1024 * 1024 + pvh_ram_pages * 64;
	pvh_kern_pages = (uint64_t)(uintptr_t)heap_limit >> PAGE_SHIFT;
	if (pvh_kern_pages + 1024 > pvh_ram_pages)
		pvh_fatal("too little RAM");
}

void
pvh_main(uint32_t si_pa)
{
	int error;

	pvh_hypercall_init();
	pvh_memmap_init(si_pa);
	pvh_shared_info_init();
	pvh_sched_init();
	pvh_xs_init();
	error = rump_xen_main();
	pvh_halt(error == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

/* rumpuser(3), as a bare PVH domain provides it. */

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{

	if (version != RUMPUSER_VERSION)
		return EINVAL;
	pvh_hyperup = hyp;
	return 0;
}

/*
 * No environment: the one parameter is where the sysctl server lives,
 * the guest's own xenstore directory.
 */
int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{

	if (strcmp(name, "XENSIM_DOMDIR") != 0)
		return ENOENT;
	if (buflen < sizeof("data"))
		return E2BIG;
	memcpy(buf, "data", sizeof("data"));
	return 0;
}

void
rumpuser_exit(int status)
{

	pvh_halt(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

static u_int
heap_shift(size_t size)
{
	u_int shift = HEAP_MINSHIFT;

	while (((size_t)1 << shift) < size)
		shift++;
	return shift;
}

int
rumpuser_malloc(size_t size, int alignment, void **pp)
{
	size_t bsize, balign;
	u_int shift;
	char *p;

	shift = heap_shift(size);
	if (shift > HEAP_MAXSHIFT)
		return ENOMEM;
	bsize = (size_t)1 << shift;
	balign = MIN(bsize, (size_t)PAGE_SIZE);
	if (alignment > 0 && (size_t)alignment > balign)
		return EINVAL;
	if ((p = heap_free[shift]) != NULL) {
		heap_free[shift] = *(void **)p;
		*pp = p;
		return 0;
	}
	p = (char *)roundup((uintptr_t)heap_next, balign);
	if (p + bsize > heap_limit)
		return ENOMEM;
	heap_next = p + bsize;
	*pp = p;
	return 0;
}

void
rumpuser_free(void *p, size_t size)
{
	u_int shift = heap_shift(size);

	*(void **)p = heap_free[shift];
	heap_free[shift] = p;
}

void
rumpuser_putstr(const char *s)
{

	pvh_cons_puts(s);
}

int
rumpuser_clock_gettime(int which, int64_t *sec, long *nsec)
{
	uint64_t ns = pvh_clock_ns();

	(void)which;
	*sec = (int64_t)(ns / 1000000000);
	*nsec = (long)(ns % 1000000000);
	return 0;
}

int
rumpuser_xen_boot(struct rumpuser_xen_boot *boot)
{
	char buf[16];
	size_t len;
	unsigned int domid = 0;
	int error;
	char *p;

	if ((error = pvh_xs_read("domid", buf, sizeof(buf), &len)) != 0)
		return error;
	for (p = buf; *p >= '0' && *p <= '9'; p++)
		domid = domid * 10 + (unsigned int)(*p - '0');
	boot->domid = domid;
	boot->pv = 0;
	boot->nr_pages = pvh_ram_pages;
	boot->kern_pages = pvh_kern_pages;
	boot->ram = (void *)PVH_DIRECT_MAP;
	boot->p2m = NULL;
	return 0;
}

void
rumpuser_xen_zero_page(uint64_t pa)
{

	memset((char *)PVH_DIRECT_MAP + pa, 0, PAGE_SIZE);
}

long
rumpuser_xen_memory_op(unsigned int cmd, void *arg)
{

	return pvh_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg,
	    0);
}

/* A PVH guest has no P2M of its own to update. */
int
rumpuser_xen_mmu_update(void *req, unsigned int count, unsigned int *done,
    unsigned int domid)
{

	(void)req;
	(void)count;
	(void)domid;
	*done = 0;
	return -ENOSYS;
}

int
rumpuser_xen_version(int cmd, void *arg)
{

	return (int)pvh_hypercall(__HYPERVISOR_xen_version,
	    (unsigned long)cmd, (unsigned long)arg, 0);
}
