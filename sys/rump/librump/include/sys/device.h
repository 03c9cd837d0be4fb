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

#ifndef _SYS_DEVICE_H_
#define _SYS_DEVICE_H_

#include <sys/types.h>
#include <sys/evcnt.h>
#include <sys/queue.h>

typedef struct device *device_t;
typedef struct cfdata *cfdata_t;
typedef struct pmf_qual pmf_qual_t;

struct cfdata {
	const char	*cf_name;
	int		cf_unit;
	const int	*cf_loc;	/* locators, as locators.h names them */
};

struct cfattach {
	const char	*ca_name;
	size_t		ca_devsize;
	int		(*ca_match)(device_t, cfdata_t, void *);
	void		(*ca_attach)(device_t, device_t, void *);
	int		(*ca_detach)(device_t, int);
	int		(*ca_activate)(device_t, int);
};

#define CFATTACH_DECL_NEW(name, ddsize, matfn, attfn, detfn, actfn)	\
struct cfattach name##_ca = {						\
	.ca_name = #name,						\
	.ca_devsize = ddsize,						\
	.ca_match = matfn,						\
	.ca_attach = attfn,						\
	.ca_detach = detfn,						\
	.ca_activate = actfn						\
}

struct device {
	char		dv_xname[16];	/* "balloon0" */
	device_t	dv_parent;
	void		*dv_private;	/* the softc */
	struct cfattach	*dv_cfattach;
	TAILQ_ENTRY(device) dv_list;
	/* pmf(9): registered handlers, or NULL. */
	bool		(*dv_pmf_suspend)(device_t, const pmf_qual_t *);
	bool		(*dv_pmf_resume)(device_t, const pmf_qual_t *);
	bool		dv_pmf_registered;
};

#define DETACH_FORCE	0x01
#define DETACH_QUIET	0x02

const char	*device_xname(device_t);
void		*device_private(device_t);
device_t	device_parent(device_t);

void	device_printf(device_t, const char *, ...) __printflike(2, 3);
void	aprint_normal(const char *, ...) __printflike(1, 2);
void	aprint_naive(const char *, ...) __printflike(1, 2);
void	aprint_verbose(const char *, ...) __printflike(1, 2);
void	aprint_error(const char *, ...) __printflike(1, 2);
void	aprint_normal_dev(device_t, const char *, ...) __printflike(2, 3);
void	aprint_verbose_dev(device_t, const char *, ...) __printflike(2, 3);
void	aprint_error_dev(device_t, const char *, ...) __printflike(2, 3);

device_t config_attach(device_t, cfdata_t, void *, struct cfattach *);
int	config_detach(device_t, int);

/*
 * pmf(9): a device without registered handlers vetoes a system
 * suspend, as in NetBSD.
 */
extern const pmf_qual_t * const PMF_Q_NONE;

bool	pmf_device_register1(device_t,
	    bool (*)(device_t, const pmf_qual_t *),
	    bool (*)(device_t, const pmf_qual_t *),
	    bool (*)(device_t, int));
#define pmf_device_register(d, s, r) pmf_device_register1((d), (s), (r), NULL)
void	pmf_device_deregister(device_t);
bool	pmf_system_suspend(const pmf_qual_t *);
void	pmf_system_resume(const pmf_qual_t *);

#endif /* _SYS_DEVICE_H_ */
