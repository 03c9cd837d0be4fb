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
 * The other pools of a kernel.  NetBSD-current's page daemon drains one
 * pool per wake-up, round robin over every pool of the kernel, and a
 * GENERIC amd64 kernel has well over a hundred of them after boot
 * (vmstat -m: some 30 kmem and pool_cache group pools, the page header
 * pools, and a pool for nearly every kernel object: lwps, processes,
 * files, vnodes, mbufs, sockets, PCBs, the name cache, amaps, anons...).
 * A drain hook therefore runs once in as many pool drains.  The bench's
 * own pools are few, so it registers RUMP_NPOOLS stand-ins named after
 * GENERIC's, each primed with one page of guest RAM that it keeps
 * (pool_prime): the drain thread visits each, and reclaims nothing.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/pool.h>
#include <sys/systm.h>

#include "rump_private.h"

static const struct {
	const char	*name;
	size_t		size;
} rump_pool_names[] = {
	{ "amappl", 80 }, { "anonpl", 32 }, { "biopl", 272 },
	{ "buf1k", 1024 }, { "buf2k", 2048 }, { "bufpl", 272 },
	{ "cwdi", 64 }, { "dirhash", 416 }, { "dirhashblk", 2048 },
	{ "execargs", 256 }, { "extent", 40 }, { "ffsdino2", 256 },
	{ "ffsino", 320 }, { "file", 128 }, { "filedesc", 832 },
	{ "fstrans", 64 }, { "in4pcbpl", 384 }, { "in6pcbpl", 384 },
	{ "inpcbpl", 256 }, { "ipflow", 128 }, { "ip6flow", 160 },
	{ "ipqepl", 48 }, { "ip6qpl", 64 }, { "kauthcred", 256 },
	{ "kcpuset", 64 }, { "knotepl", 128 }, { "kqueuepl", 256 },
	{ "ksiginfo", 136 }, { "llentrypl", 256 }, { "lockf", 128 },
	{ "lwppl", 1024 }, { "mbpl", 512 }, { "mclpl", 2048 },
	{ "mqmsgpl", 64 }, { "mqpl", 320 }, { "msgpool", 96 },
	{ "mutexobj", 64 }, { "namecache", 128 }, { "nd6llpl", 128 },
	{ "pcglarge", 1024 }, { "pcgnormal", 256 }, { "pdict16", 32 },
	{ "pdict1024", 1024 }, { "pdppl", 512 }, { "phpool-0", 48 },
	{ "phpool-64", 56 }, { "phpool-128", 64 }, { "phpool-256", 80 },
	{ "phpool-512", 112 }, { "phpool-1024", 176 }, { "pipepl", 512 },
	{ "plimitpl", 512 }, { "pmappl", 704 }, { "proc", 1024 },
	{ "pstatspl", 448 }, { "ptimerpl", 128 }, { "ptimerspl", 256 },
	{ "pvpl", 64 }, { "pvpage", 1024 }, { "radixnode", 64 },
	{ "rndsample", 544 }, { "rtentpl", 256 }, { "rwlock", 64 },
	{ "rwobj", 64 }, { "sa_tcpipqepl", 64 }, { "selcluster", 128 },
	{ "semu", 64 }, { "sigacts", 1024 }, { "sleeptab", 64 },
	{ "sockpl", 576 }, { "sotimer", 64 }, { "syncache", 192 },
	{ "tcpcbpl", 768 }, { "tcpipqepl", 64 }, { "tcpqepl", 64 },
	{ "tcpsackpl", 32 }, { "tstilepl", 192 }, { "uarea", 2048 },
	{ "uareasys", 2048 }, { "udpcbpl", 128 }, { "ufsdir", 192 },
	{ "unpcbpl", 256 }, { "uvmaiopl", 64 }, { "uvmvnodes", 64 },
	{ "vcachepl", 640 }, { "vmembt", 64 }, { "vmmpepl", 144 },
	{ "vmsppl", 384 }, { "vnodepl", 512 }, { "wapbl_entry", 64 },
	{ "wapbl_dealloc", 48 }, { "x86_fpu_save", 1024 }, { "xcall", 64 },
	{ "aiopl", 128 }, { "aiolwppl", 64 }, { "ataspl", 128 },
	{ "cdbpl", 64 }, { "pfsnodepl", 128 }, { "kmsgpl", 64 },
	{ "ptyfsnodepl", 128 },
};

#define RUMP_NPOOLS	__arraycount(rump_pool_names)

static struct pool rump_pools[RUMP_NPOOLS];

void
rump_pools_init(void)
{
	size_t i;

	for (i = 0; i < RUMP_NPOOLS; i++) {
		pool_init(&rump_pools[i], rump_pool_names[i].size, 0, 0, 0,
		    rump_pool_names[i].name, NULL, IPL_NONE);
		/* One page each, kept: as busy a kernel's pools are. */
		pool_prime(&rump_pools[i], 1);
	}
}
