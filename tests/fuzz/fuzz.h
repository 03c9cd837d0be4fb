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
 * What every fuzz target shares: a check that stops the run with a
 * message beside the input that broke it.  The runs close stdout and
 * stderr (-close_fd_mask=3) so that the daemons' and the kernel's logs
 * do not slow them; the message goes to a copy of stderr taken first.
 */

#ifndef _FUZZ_FUZZ_H_
#define _FUZZ_FUZZ_H_

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fuzz_errfd = 2;

#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		dprintf(fuzz_errfd, "%s:%d: property broken: %s: ",	\
		    __FILE__, __LINE__, #cond);				\
		dprintf(fuzz_errfd, __VA_ARGS__);			\
		dprintf(fuzz_errfd, "\n");				\
		abort();						\
	}								\
} while (0)

/* From LLVMFuzzerInitialize, before libFuzzer closes stderr. */
static inline void
fuzz_init(void)
{
	int fd;

	if ((fd = dup(2)) != -1)
		fuzz_errfd = fd;
}

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#endif /* _FUZZ_FUZZ_H_ */
