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
 * The packet I/O of xensimd's hypercall socket, written once for the
 * client (libxensim) and the server (xensimd): one datagram a packet, and
 * with it at most one descriptor (a domain's RAM, a watched range).
 */

#include <sys/socket.h>
#include <sys/uio.h>

#include <string.h>
#include <unistd.h>

#include "xensim_wire.h"

/*
 * Send iov as one packet, with fd when it is not -1.  The result is
 * sendmsg(2)'s.
 */
ssize_t
xw_sendfd(int s, struct iovec *iov, int iovcnt, int fd, int flags)
{
	struct msghdr msg;
	union {
		struct cmsghdr	cm;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = iovcnt;
	if (fd != -1) {
		memset(&cmsg, 0, sizeof(cmsg));
		msg.msg_control = cmsg.buf;
		msg.msg_controllen = sizeof(cmsg.buf);
		cmsg.cm.cmsg_level = SOL_SOCKET;
		cmsg.cm.cmsg_type = SCM_RIGHTS;
		cmsg.cm.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cmsg.cm), &fd, sizeof(int));
	}
	return sendmsg(s, &msg, flags | MSG_NOSIGNAL);
}

/*
 * Receive one packet into buf; the descriptor that came with it, close on
 * exec, in *fdp (-1 if none).  The result is recvmsg(2)'s; on an error no
 * descriptor is returned.
 */
ssize_t
xw_recvfd(int s, void *buf, size_t len, int flags, int *fdp)
{
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr	cm;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsg;
	struct cmsghdr *cm;
	ssize_t n;

	*fdp = -1;
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsg.buf;
	msg.msg_controllen = sizeof(cmsg.buf);
	if ((n = recvmsg(s, &msg, flags | MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)) && *fdp == -1)
			memcpy(fdp, CMSG_DATA(cm), sizeof(int));
	return n;
}
