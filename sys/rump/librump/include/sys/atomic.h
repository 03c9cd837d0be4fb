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

#ifndef _SYS_ATOMIC_H_
#define _SYS_ATOMIC_H_

/*
 * atomic_ops(3) and membar_ops(3) with NetBSD's names and prototypes,
 * over the compiler's __atomic builtins.  Every operation is sequentially
 * consistent, as NetBSD's are on x86 (a locked instruction).
 */

#include <sys/types.h>

#define __ATOMIC_OPS(name, type)					\
static __inline void							\
atomic_inc_##name(volatile type *p)					\
{									\
	(void)__atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);		\
}									\
static __inline type							\
atomic_inc_##name##_nv(volatile type *p)				\
{									\
	return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);		\
}									\
static __inline void							\
atomic_dec_##name(volatile type *p)					\
{									\
	(void)__atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);		\
}									\
static __inline type							\
atomic_dec_##name##_nv(volatile type *p)				\
{									\
	return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);		\
}									\
static __inline type							\
atomic_cas_##name(volatile type *p, type expected, type new)		\
{									\
	(void)__atomic_compare_exchange_n(p, &expected, new, false,	\
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);			\
	return expected;						\
}									\
static __inline type							\
atomic_swap_##name(volatile type *p, type new)				\
{									\
	return __atomic_exchange_n(p, new, __ATOMIC_SEQ_CST);		\
}									\
static __inline void							\
atomic_or_##name(volatile type *p, type v)				\
{									\
	(void)__atomic_or_fetch(p, v, __ATOMIC_SEQ_CST);		\
}									\
static __inline void							\
atomic_and_##name(volatile type *p, type v)				\
{									\
	(void)__atomic_and_fetch(p, v, __ATOMIC_SEQ_CST);		\
}

#define __ATOMIC_ADD(name, type, stype)					\
static __inline void							\
atomic_add_##name(volatile type *p, stype delta)			\
{									\
	(void)__atomic_add_fetch(p, (type)delta, __ATOMIC_SEQ_CST);	\
}									\
static __inline type							\
atomic_add_##name##_nv(volatile type *p, stype delta)			\
{									\
	return __atomic_add_fetch(p, (type)delta, __ATOMIC_SEQ_CST);	\
}

__ATOMIC_OPS(32, uint32_t)
__ATOMIC_OPS(64, uint64_t)
__ATOMIC_OPS(uint, unsigned int)
__ATOMIC_OPS(ulong, unsigned long)
__ATOMIC_ADD(32, uint32_t, int32_t)
__ATOMIC_ADD(64, uint64_t, int64_t)
__ATOMIC_ADD(int, unsigned int, int)
__ATOMIC_ADD(long, unsigned long, long)

#undef __ATOMIC_OPS
#undef __ATOMIC_ADD

static __inline void *
atomic_cas_ptr(volatile void *p, void *expected, void *new)
{
	(void)__atomic_compare_exchange_n((void * volatile *)p, &expected,
	    new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return expected;
}

static __inline void *
atomic_swap_ptr(volatile void *p, void *new)
{
	return __atomic_exchange_n((void * volatile *)p, new,
	    __ATOMIC_SEQ_CST);
}

static __inline void
atomic_add_ptr(volatile void *p, ssize_t delta)
{
	(void)__atomic_add_fetch((char * volatile *)p, delta,
	    __ATOMIC_SEQ_CST);
}

/* membar_ops(3) */
static __inline void
membar_acquire(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static __inline void
membar_release(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static __inline void
membar_sync(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define membar_enter()		membar_sync()
#define membar_exit()		membar_release()
#define membar_producer()	membar_release()
#define membar_consumer()	membar_acquire()

/* NetBSD-current's relaxed loads and stores of a word. */
#define atomic_load_relaxed(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_store_relaxed(p, v)					\
	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

#endif /* _SYS_ATOMIC_H_ */
