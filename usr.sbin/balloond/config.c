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
 * balloond's settings: the options' values, overridden by the lines
 * "name value" of the configuration file (-c), read again on SIGHUP.
 * A file with one bad line changes nothing.
 */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balloond.h"
#include "size.h"

#define SECS_MAX	86400

static int
set_size(const char *s, uint64_t *kibp, const char **whyp)
{

	if (strcmp(s, "0") == 0) {
		*kibp = 0;
		return 0;
	}
	return size_parse_unit(s, SIZE_BARE_MIB, kibp, whyp);
}

static int
set_secs(const char *s, unsigned int *secsp, const char **whyp)
{
	unsigned long v;
	char *ep;

	errno = 0;
	v = strtoul(s, &ep, 10);
	if (!isdigit((unsigned char)*s) || *ep != '\0' || errno != 0 ||
	    v == 0 || v > SECS_MAX) {
		*whyp = "not a number of seconds from 1 to 86400";
		return -1;
	}
	*secsp = (unsigned int)v;
	return 0;
}

/* One setting by name; -1 and *whyp set if the name or value is bad. */
int
config_set(struct bd_config *c, const char *name, const char *val,
    const char **whyp)
{

	if (strcmp(name, "reserve") == 0)
		return set_size(val, &c->reserve, whyp);
	if (strcmp(name, "goal") == 0)
		return set_size(val, &c->goal, whyp);
	if (strcmp(name, "floor") == 0)
		return set_size(val, &c->floor, whyp);
	if (strcmp(name, "stall") == 0)
		return set_secs(val, &c->stall, whyp);
	if (strcmp(name, "interval") == 0)
		return set_secs(val, &c->interval, whyp);
	if (strcmp(name, "hold") == 0)
		return set_secs(val, &c->hold, whyp);
	*whyp = "unknown setting";
	return -1;
}

/* The file over *c; -1, one log line and *c untouched if it is bad. */
int
config_load(const char *path, struct bd_config *c)
{
	struct bd_config n = *c;
	char line[256], name[64], val[128], extra[2];
	const char *why;
	unsigned int lineno = 0;
	FILE *fp;
	char *p;
	int k;

	if ((fp = fopen(path, "r")) == NULL) {
		log_info("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		k = sscanf(line, "%63s %127s %1s", name, val, extra);
		if (k <= 0)
			continue;
		why = "expected \"name value\"";
		if (k != 2 || config_set(&n, name, val, &why) == -1) {
			log_info("%s:%u: %s: configuration not changed", path,
			    lineno, why);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	*c = n;
	return 0;
}
