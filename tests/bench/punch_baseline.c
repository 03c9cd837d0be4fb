/*	$NetBSD$	*/

/*
 * The host's own speed at what ballooning costs it: allocating pages in a
 * memfd (fallocate) and punching them out again (FALLOC_FL_PUNCH_HOLE).
 * The balloon's throughput is measured against this ceiling.
 *
 * usage: punch_baseline MiB
 */

#include <sys/mman.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096L

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	long mib, pages, i, chunk;
	double t0, t1, t2;
	int fd;

	if (argc != 2 || (mib = atol(argv[1])) <= 0)
		errx(1, "usage: punch_baseline MiB");
	pages = mib * 256;
	if ((fd = memfd_create("baseline", MFD_CLOEXEC)) == -1)
		err(1, "memfd_create");
	if (ftruncate(fd, pages * PAGE) == -1)
		err(1, "ftruncate");

	/* Page by page (order-0 extents), then 2 MiB at a time (order 9). */
	for (chunk = 1; chunk <= 512; chunk *= 512) {
		t0 = now();
		for (i = 0; i < pages; i += chunk)
			if (fallocate(fd, 0, i * PAGE, chunk * PAGE) == -1)
				err(1, "fallocate");
		t1 = now();
		for (i = 0; i < pages; i += chunk)
			if (fallocate(fd,
			    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    i * PAGE, chunk * PAGE) == -1)
				err(1, "punch");
		t2 = now();
		printf("host memfd, %ld MiB in %s extents: populate %.0f MiB/s, "
		    "punch %.0f MiB/s\n", mib, chunk == 1 ? "4 KiB" : "2 MiB",
		    mib / (t1 - t0), mib / (t2 - t1));
	}
	return 0;
}
