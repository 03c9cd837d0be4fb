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
 * vsnprintf(9) and snprintf(9): the kernel's own formatting, free of
 * libc, for every platform kernel.  Supports the conversions kernel code
 * uses: %d %i %u %x %X %o %s %c %p %%, the flags '-' and '0', a width,
 * and the length modifiers h, hh, l, ll, j, z, t and q.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/types.h>
#include <sys/systm.h>

#include <stdarg.h>

struct prf_out {
	char	*po_buf;
	size_t	 po_size;
	size_t	 po_len;	/* what would have been written */
};

static void
prf_putc(struct prf_out *po, char c)
{

	if (po->po_len + 1 < po->po_size)
		po->po_buf[po->po_len] = c;
	po->po_len++;
}

static void
prf_pad(struct prf_out *po, char c, int n)
{

	while (n-- > 0)
		prf_putc(po, c);
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct prf_out po = { buf, size, 0 };
	char num[24], *p;
	const char *s;
	uintmax_t u;
	intmax_t sv;
	int width, lmod, base, left, zero, neg, n;
	char c;

	for (; (c = *fmt) != '\0'; fmt++) {
		if (c != '%') {
			prf_putc(&po, c);
			continue;
		}
		left = zero = 0;
		for (;;) {
			c = *++fmt;
			if (c == '-')
				left = 1;
			else if (c == '0')
				zero = 1;
			else
				break;
		}
		width = 0;
		if (c == '*') {
			width = va_arg(ap, int);
			c = *++fmt;
		}
		for (; c >= '0' && c <= '9'; c = *++fmt)
			width = width * 10 + (c - '0');
		lmod = 0;	/* 0 int, 1 long, 2 long long, 3 size, 4 max */
		for (;; c = *++fmt) {
			if (c == 'l')
				lmod = lmod == 1 ? 2 : 1;
			else if (c == 'q')
				lmod = 2;
			else if (c == 'z' || c == 't')
				lmod = 3;
			else if (c == 'j')
				lmod = 4;
			else if (c != 'h')
				break;
		}
		base = 10;
		neg = 0;
		switch (c) {
		case '%':
			prf_putc(&po, '%');
			continue;
		case 'c':
			prf_putc(&po, (char)va_arg(ap, int));
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			for (n = 0; s[n] != '\0'; n++)
				continue;
			if (!left)
				prf_pad(&po, ' ', width - n);
			while (*s != '\0')
				prf_putc(&po, *s++);
			if (left)
				prf_pad(&po, ' ', width - n);
			continue;
		case 'd':
		case 'i':
			switch (lmod) {
			case 0: sv = va_arg(ap, int); break;
			case 1: sv = va_arg(ap, long); break;
			case 2: sv = va_arg(ap, long long); break;
			case 3: sv = va_arg(ap, ssize_t); break;
			default: sv = va_arg(ap, intmax_t); break;
			}
			neg = sv < 0;
			u = neg ? -(uintmax_t)sv : (uintmax_t)sv;
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			base = 16;
			prf_putc(&po, '0');
			prf_putc(&po, 'x');
			break;
		case 'o':
		case 'u':
		case 'x':
		case 'X':
			base = c == 'o' ? 8 : c == 'u' ? 10 : 16;
			switch (lmod) {
			case 0: u = va_arg(ap, unsigned int); break;
			case 1: u = va_arg(ap, unsigned long); break;
			case 2: u = va_arg(ap, unsigned long long); break;
			case 3: u = va_arg(ap, size_t); break;
			default: u = va_arg(ap, uintmax_t); break;
			}
			break;
		default:
			/* Unknown: print it as is, never read an argument. */
			prf_putc(&po, '%');
			if (c == '\0')
				goto done;
			prf_putc(&po, c);
			continue;
		}
		p = num + sizeof(num);
		do {
			*--p = (c == 'X' ? "0123456789ABCDEF" :
			    "0123456789abcdef")[u % base];
			u /= base;
		} while (u != 0);
		n = (int)(num + sizeof(num) - p) + neg;
		if (!left && !zero)
			prf_pad(&po, ' ', width - n);
		if (neg)
			prf_putc(&po, '-');
		if (!left && zero)
			prf_pad(&po, '0', width - n);
		while (p < num + sizeof(num))
			prf_putc(&po, *p++);
		if (left)
			prf_pad(&po, ' ', width - n);
	}
done:
	if (size > 0)
		buf[po.po_len < size ? po.po_len : size - 1] = '\0';
	return (int)po.po_len;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
