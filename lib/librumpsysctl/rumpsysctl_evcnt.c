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
 * kern.evcnt, read as vmstat -e reads it: the room it wants, then the
 * records, again while the list grows under us.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rumpsysctl.h"

/* kern.evcnt, every type, every count: NetBSD's MIB in dotted form. */
#define RS_EVCNT_NAME	"kern.evcnt.-1.0"
#define RS_EVCNT_TRIES	8

/* NetBSD's struct evcnt_sysctl: the kernel's record, as it comes. */
struct rs_evcnt_rec {
	uint64_t	ev_count;
	uint64_t	ev_addr;
	uint64_t	ev_parent;
	uint8_t		ev_type;
	uint8_t		ev_grouplen;	/* strlen(group) */
	uint8_t		ev_namelen;	/* strlen(name) */
	uint8_t		ev_len;		/* in 8-byte words */
	char		ev_strings[];
};

static int	rs_evcnt_read(char **, size_t *);
static int	rs_evcnt_parse(const char *, size_t, struct rumpsysctl_evcnt *,
		    size_t *);

static int
rs_evcnt_read(char **bufp, size_t *lenp)
{
	char *buf;
	size_t len;
	int i;

	for (i = 0; i < RS_EVCNT_TRIES; i++) {
		if (sysctlbyname(RS_EVCNT_NAME, NULL, &len, NULL, 0) == -1)
			return -1;
		if ((buf = malloc(len > 0 ? len : 1)) == NULL)
			return -1;
		if (sysctlbyname(RS_EVCNT_NAME, buf, &len, NULL, 0) == 0) {
			*bufp = buf;
			*lenp = len;
			return 0;
		}
		free(buf);
		if (errno != ENOMEM)
			return -1;
	}
	errno = EAGAIN;
	return -1;
}

/* The records into evs (room for as many as could be); -1: EPROTO. */
static int
rs_evcnt_parse(const char *buf, size_t len, struct rumpsysctl_evcnt *evs,
    size_t *nevp)
{
	const size_t hdr = offsetof(struct rs_evcnt_rec, ev_strings);
	struct rs_evcnt_rec rec;
	const char *s;
	size_t off, n, rlen;

	for (off = 0, n = 0; off < len; off += rlen, n++) {
		if (len - off < hdr)
			goto bad;
		memcpy(&rec, buf + off, hdr);
		rlen = (size_t)rec.ev_len * 8;
		if (rlen < hdr + rec.ev_grouplen + 1 + rec.ev_namelen + 1 ||
		    rlen > len - off)
			goto bad;
		s = buf + off + hdr;
		if (s[rec.ev_grouplen] != '\0' ||
		    s[rec.ev_grouplen + 1 + rec.ev_namelen] != '\0')
			goto bad;
		evs[n].count = rec.ev_count;
		evs[n].type = rec.ev_type;
		memcpy(evs[n].group, s, (size_t)rec.ev_grouplen + 1);
		memcpy(evs[n].name, s + rec.ev_grouplen + 1,
		    (size_t)rec.ev_namelen + 1);
	}
	*nevp = n;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

int
rumpsysctl_evcnt(struct rumpsysctl_evcnt **evp, size_t *nevp)
{
	struct rumpsysctl_evcnt *evs;
	char *buf;
	size_t len;
	int e;

	if (rs_evcnt_read(&buf, &len) == -1)
		return -1;
	/* A record is at least 32 bytes: room enough for them all. */
	if ((evs = calloc(len / 32 + 1, sizeof(*evs))) == NULL ||
	    rs_evcnt_parse(buf, len, evs, nevp) == -1) {
		e = errno;
		free(evs);
		free(buf);
		errno = e;
		return -1;
	}
	free(buf);
	*evp = evs;
	return 0;
}
