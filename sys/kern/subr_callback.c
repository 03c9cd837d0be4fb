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
 * callback(9): every entry of a chain, once per run, each run starting
 * where the last one stopped, so that no entry is always served last.
 * An entry runs without the chain's lock held; unregistering waits
 * for runs under way to end, so the entry is not in use once it
 * returns.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD$");

#include <sys/param.h>
#include <sys/callback.h>
#include <sys/condvar.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/systm.h>

static int	callback_runone(struct callback_head *, void *);

void
callback_head_init(struct callback_head *ch, int ipl)
{

	mutex_init(&ch->ch_lock, MUTEX_DEFAULT, ipl);
	cv_init(&ch->ch_cv, "callback");
	TAILQ_INIT(&ch->ch_q);
	ch->ch_next = NULL;
	ch->ch_nentries = 0;
	ch->ch_running = 0;
	ch->ch_flags = 0;
}

void
callback_head_destroy(struct callback_head *ch)
{

	KASSERT(ch->ch_nentries == 0);
	KASSERT(ch->ch_running == 0);
	cv_destroy(&ch->ch_cv);
	mutex_destroy(&ch->ch_lock);
}

void
callback_register(struct callback_head *ch, struct callback_entry *ce,
    void *obj, int (*fn)(struct callback_entry *, void *, void *))
{

	ce->ce_func = fn;
	ce->ce_obj = obj;
	mutex_enter(&ch->ch_lock);
	TAILQ_INSERT_TAIL(&ch->ch_q, ce, ce_q);
	ch->ch_nentries++;
	mutex_exit(&ch->ch_lock);
}

void
callback_unregister(struct callback_head *ch, struct callback_entry *ce)
{

	mutex_enter(&ch->ch_lock);
	while (ch->ch_running > 0)
		cv_wait(&ch->ch_cv, &ch->ch_lock);
	if (ch->ch_next == ce)
		ch->ch_next = TAILQ_NEXT(ce, ce_q);
	TAILQ_REMOVE(&ch->ch_q, ce, ce_q);
	ch->ch_nentries--;
	mutex_exit(&ch->ch_lock);
}

static int
callback_runone(struct callback_head *ch, void *arg)
{
	struct callback_entry *ce;

	mutex_enter(&ch->ch_lock);
	if ((ce = ch->ch_next) == NULL)
		ce = TAILQ_FIRST(&ch->ch_q);
	KASSERT(ce != NULL);
	ch->ch_next = TAILQ_NEXT(ce, ce_q);
	mutex_exit(&ch->ch_lock);
	return (*ce->ce_func)(ce, ce->ce_obj, arg);
}

/*
 * Run the entries registered now, each once, until one returns other
 * than CALLBACK_CHAIN_CONTINUE; what the last one run returned.
 */
int
callback_run_roundrobin(struct callback_head *ch, void *arg)
{
	int i, n, result = CALLBACK_CHAIN_CONTINUE;

	mutex_enter(&ch->ch_lock);
	ch->ch_running++;
	n = ch->ch_nentries;
	mutex_exit(&ch->ch_lock);
	for (i = 0; i < n; i++) {
		result = callback_runone(ch, arg);
		if (result != CALLBACK_CHAIN_CONTINUE)
			break;
	}
	mutex_enter(&ch->ch_lock);
	KASSERT(ch->ch_running > 0);
	if (--ch->ch_running == 0)
		cv_broadcast(&ch->ch_cv);
	mutex_exit(&ch->ch_lock);
	return result;
}
