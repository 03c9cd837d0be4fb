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
 * The console: printf(9), log(9), aprint(9), device_printf(9) and
 * panic(9).  Output is assembled into whole lines (autoconf prints
 * "balloon0 at xenbus0" and the driver ": Xen Balloon driver\n"), and
 * each line goes to the host's console in one piece.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/device.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include <stdarg.h>

#include <rumpuser.h>

#include "rump_private.h"

#define CONS_LINE	512

static kmutex_t cons_lock;
static bool cons_ready;
static char cons_buf[CONS_LINE];	/* protected by cons_lock */
static size_t cons_len;			/* protected by cons_lock */

void
rump_cons_init(void)
{

	mutex_init(&cons_lock, MUTEX_DEFAULT, IPL_NONE);
	cons_ready = true;
}

static void
cons_put(const char *s)
{

	if (cons_ready)
		mutex_enter(&cons_lock);
	for (; *s != '\0'; s++) {
		if (cons_len < sizeof(cons_buf) - 2)
			cons_buf[cons_len++] = *s;
		if (*s == '\n' || cons_len == sizeof(cons_buf) - 2) {
			if (cons_buf[cons_len - 1] != '\n')
				cons_buf[cons_len++] = '\n';
			cons_buf[cons_len] = '\0';
			rumpuser_putstr(cons_buf);
			cons_len = 0;
		}
	}
	if (cons_ready)
		mutex_exit(&cons_lock);
}

void
vprintf(const char *fmt, va_list ap)
{
	char buf[CONS_LINE];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	cons_put(buf);
}

void
printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void
log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void
dev_vprintf(device_t dev, const char *fmt, va_list ap)
{
	char buf[CONS_LINE];
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", device_xname(dev));
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	cons_put(buf);
}

void
device_printf(device_t dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dev_vprintf(dev, fmt, ap);
	va_end(ap);
}

/* The bench boots verbose: aprint_verbose is shown, aprint_naive not. */
#define APRINT(name, show)						\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	if (!(show))							\
		return;							\
	va_start(ap, fmt);						\
	vprintf(fmt, ap);						\
	va_end(ap);							\
}									\
void									\
name##_dev(device_t dev, const char *fmt, ...)				\
{									\
	va_list ap;							\
									\
	if (!(show))							\
		return;							\
	va_start(ap, fmt);						\
	dev_vprintf(dev, fmt, ap);					\
	va_end(ap);							\
}

APRINT(aprint_normal, true)
APRINT(aprint_verbose, true)
APRINT(aprint_error, true)

void
aprint_naive(const char *fmt, ...)
{

}

void
panic(const char *fmt, ...)
{
	char buf[CONS_LINE];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "panic: ");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	rumpuser_putstr(buf);
	rumpuser_putstr("\n");
	rumpuser_exit(RUMPUSER_PANIC);
}
