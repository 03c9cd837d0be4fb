/*	$NetBSD$	*/

/*
 * The wire format between librumpsysctl and a bench guest's sysctl
 * server (sys/rump).  A stream socket; the client sends a request, the
 * server answers it, and the connection may carry any number of them.
 * All integers are in host byte order (both ends are on one host).
 *
 *	request:  struct rumpsysctl_req, then namelen bytes of the dotted
 *		  name (no NUL), then newlen bytes of the new value
 *	reply:    struct rumpsysctl_rep, then datalen bytes: the old value
 *		  (LOOKUP, at most the oldlen asked for) or an array of
 *		  struct rumpsysctl_node (CHILDREN)
 *
 * Writes are allowed only to a peer with uid 0 (SO_PEERCRED); others get
 * EPERM, as sysctl(3) gives a non-root writer.
 */

#ifndef _LIBRUMPSYSCTL_RUMPSYSCTL_WIRE_H_
#define _LIBRUMPSYSCTL_RUMPSYSCTL_WIRE_H_

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#define RUMPSYSCTL_OP_LOOKUP	1	/* read and/or write one node */
#define RUMPSYSCTL_OP_CHILDREN	2	/* list a node's children */

#define RUMPSYSCTL_NAMEMAX	256
#define RUMPSYSCTL_DATAMAX	65536
#define RUMPSYSCTL_ERRMAX	4095	/* rep.error: 0 or an errno value */

struct rumpsysctl_req {
	uint32_t	op;
	uint32_t	namelen;
	uint64_t	oldlen;		/* room for the old value; 0: none wanted */
	uint32_t	newlen;		/* 0: no new value */
	uint32_t	wantold;	/* 1: oldp != NULL in the caller */
};

struct rumpsysctl_rep {
	int32_t		error;		/* 0 or an errno value */
	uint32_t	datalen;
	uint64_t	oldlen;		/* the value's full size, as *oldlenp */
};

/*
 * All of len bytes, read (out == 0) or sent, for both ends; -1 on an
 * error or a hangup (ECONNRESET).  Inline, so that the guest's server
 * needs no library of the client's.
 */
static inline int
rumpsysctl_io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif /* _LIBRUMPSYSCTL_RUMPSYSCTL_WIRE_H_ */
