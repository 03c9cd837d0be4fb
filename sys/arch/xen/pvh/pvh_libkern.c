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
 * The few string functions of libkern the PVH guest kernel links with
 * (the bench's kernel takes them from the host's libc).
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/systm.h>

void	*memmove(void *, const void *, size_t);

/*
 * String instructions: one trap-free loop each, fast under emulation,
 * which pays per step of the loop: eight bytes a step where it can
 * (the balloon zeroes every page it gives away).
 */
void *
memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = 0x0101010101010101ULL * (uint8_t)c;
	size_t q = n / 8;

	n %= 8;
	__asm__ volatile("rep stosq" : "+D" (d), "+c" (q) : "a" (v)
	    : "memory");
	__asm__ volatile("rep stosb" : "+D" (d), "+c" (n) : "a" (v)
	    : "memory");
	return dst;
}

void *
memcpy(void *dst, const void *src, size_t n)
{

	return memmove(dst, src, n);
}

void *
memmove(void *dst, const void *src, size_t n)
{
	void *d = dst;
	const void *s = src;

	if ((uintptr_t)dst - (uintptr_t)src >= n) {
		/* No overlap that a forward copy would clobber. */
		size_t q = n / 8;

		n %= 8;
		__asm__ volatile("rep movsq" : "+D" (d), "+S" (s), "+c" (q)
		    : : "memory");
		__asm__ volatile("rep movsb" : "+D" (d), "+S" (s), "+c" (n)
		    : : "memory");
		return dst;
	}
	d = (char *)dst + n - 1;
	s = (const char *)src + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D" (d), "+S" (s),
	    "+c" (n) : : "memory");
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

int
strcmp(const char *a, const char *b)
{

	for (; *a == *b; a++, b++)
		if (*a == '\0')
			return 0;
	return (unsigned char)*a - (unsigned char)*b;
}

int
strncmp(const char *a, const char *b, size_t n)
{

	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (*a == '\0')
			return 0;
	}
	return 0;
}

char *
strchr(const char *s, int c)
{

	for (;; s++) {
		if (*s == (char)c)
			return __UNCONST(s);
		if (*s == '\0')
			return NULL;
	}
}
