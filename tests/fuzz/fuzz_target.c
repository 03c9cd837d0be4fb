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
 * The driver's memory/target watch (sys/arch/xen/xen/balloon.c, as the
 * kernel compiles it), attached by the real rump kernel on the fuzz
 * host.  The input is the value dom0 left in memory/target, any bytes;
 * the watch fires and the driver's target is read back through
 * machdep.xen.balloon.target.
 *
 * Checked: the target changes only when the value is a decimal KiB
 * count (the string xenbus_read returns: up to the first NUL) within
 * [machdep.xen.balloon.min, the maximum reservation], and then to
 * exactly that count rounded up to whole pages; any other value
 * leaves it as it was.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_host.h"

/* The driver's buffer for the value: a longer one is refused (ERANGE). */
#define DRIVER_BUF	32

static uint64_t
sysctl_quad(const char *name)
{
	uint64_t v;
	size_t len = sizeof(v);
	int error;

	error = fuzz_sysctl(name, &v, &len, NULL, 0);
	FUZZ_CHECK(error == 0 && len == sizeof(v), "%s: error %d", name, error);
	return v;
}

/* The value as balloon(4) documents it: 1 and *kbp, or 0. */
static int
expect(const unsigned char *v, size_t len, uint64_t *kbp)
{
	unsigned __int128 kb = 0;
	size_t i;

	if (len >= DRIVER_BUF)
		return 0;
	for (i = 0; i < len && v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		kb = kb * 10 + (v[i] - '0');
		if (kb > UINT64_MAX)
			return 0;
	}
	if (i == 0)
		return 0;
	*kbp = (uint64_t)kb;
	return 1;
}

/* This target has no sysctl server; rump_xen_main starts none here. */
int
rumpuser_sp_init(const char *path)
{

	(void)path;
	return ENOENT;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fuzz_init();
	fuzz_kernel_boot();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	uint64_t before, after, min, max, kb;
	bool valid;

	if (size > FUZZ_XS_VALMAX)
		return -1;
	before = sysctl_quad("machdep.xen.balloon.target");
	min = sysctl_quad("machdep.xen.balloon.min");
	max = sysctl_quad("machdep.xen.balloon.max");
	FUZZ_CHECK(max == (uint64_t)FUZZ_MAX_PAGES * 4,
	    "max %ju KiB", (uintmax_t)max);

	fuzz_set_target(data, size);
	fuzz_fire(FUZZ_TARGET);
	after = sysctl_quad("machdep.xen.balloon.target");

	valid = expect(data, size, &kb) && kb >= min && kb <= max;
	if (valid)
		FUZZ_CHECK(after == (kb + 3) / 4 * 4, "memory/target %ju KiB "
		    "read back as %ju KiB", (uintmax_t)kb, (uintmax_t)after);
	else
		FUZZ_CHECK(after == before, "memory/target \"%.*s\" "
		    "refused, yet the target went from %ju to %ju KiB",
		    (int)(size < 40 ? size : 40), (const char *)data,
		    (uintmax_t)before, (uintmax_t)after);
	FUZZ_CHECK(after >= min && after <= (max + 3) / 4 * 4,
	    "target %ju KiB out of [%ju, %ju]", (uintmax_t)after,
	    (uintmax_t)min, (uintmax_t)max);
	return 0;
}
