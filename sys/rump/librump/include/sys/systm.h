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

#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/types.h>

#include <stdarg.h>

/*
 * The kernel's own printf family shares a process with libc on the bench:
 * give it rump's symbol namespace so neither interposes on the other.
 */
#define printf		rumpns_printf
#define vprintf		rumpns_vprintf
#define snprintf	rumpns_snprintf
#define vsnprintf	rumpns_vsnprintf
#define log		rumpns_log

void	printf(const char *, ...) __printflike(1, 2);
void	vprintf(const char *, va_list);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list);
void	log(int, const char *, ...) __printflike(2, 3);
void	panic(const char *, ...) __dead __printflike(1, 2);

void	*memset(void *, int, size_t);
void	*memcpy(void *, const void *, size_t);
int	memcmp(const void *, const void *, size_t);
size_t	strlen(const char *);
int	strcmp(const char *, const char *);
int	strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);

void	kpreempt_disable(void);
void	kpreempt_enable(void);
bool	kpreempt_disabled(void);

#define KASSERT(e)	((e) ? (void)0 :				\
	panic("kernel diagnostic assertion \"%s\" failed: file \"%s\", "\
	    "line %d", #e, __FILE__, __LINE__))
#define KASSERTMSG(e, ...) ((e) ? (void)0 : panic(__VA_ARGS__))
#define CTASSERT(e)	_Static_assert(e, #e)

extern int ncpu;		/* number of CPUs configured */

#endif /* _SYS_SYSTM_H_ */
