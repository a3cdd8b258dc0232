// SPDX-License-Identifier: GPL-2.0
/*
 * prcall - one persistent-reservation ioctl, and what it returned.
 *
 *   prcall DEV register NEW [OLD]
 *   prcall DEV reserve KEY TYPE
 *   prcall DEV release KEY TYPE
 *   prcall DEV preempt KEY VICTIM TYPE
 *   prcall DEV clear KEY
 *
 * TYPE is enum pr_type's number (1 write exclusive, 2 exclusive access,
 * 3 write exclusive registrants only, 4 exclusive access registrants only,
 * 5 and 6 their all-registrants variants). Prints the ioctl's result in
 * decimal, "ret=N": 0, a positive PR status (24 = 0x18, reservation
 * conflict; on kernels before the PR_STS_* values, a raw SCSI result such
 * as 280 = 0x118) or, if the ioctl failed, minus errno, followed by the
 * errno's name. For comparing the return codes of the kernels, which
 * prtool's exit codes would hide. Exit status 0 if the call was made, 2
 * on a usage error or if DEV cannot be opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/pr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "prcall: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char *argv[])
{
	const char *op = argc > 2 ? argv[2] : "";
	int fd, r;

	if (argc < 4) {
		fprintf(stderr, "usage: prcall DEV register|reserve|release|preempt|clear ARGS...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "prcall: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (!strcmp(op, "register") && (argc == 4 || argc == 5)) {
		struct pr_registration g = {
			.new_key = num(argv[3]),
			.old_key = argc == 5 ? num(argv[4]) : 0,
		};
		r = ioctl(fd, IOC_PR_REGISTER, &g);
	} else if ((!strcmp(op, "reserve") || !strcmp(op, "release")) && argc == 5) {
		struct pr_reservation v = {
			.key = num(argv[3]),
			.type = (__u32)num(argv[4]),
		};
		r = ioctl(fd, !strcmp(op, "reserve") ? IOC_PR_RESERVE : IOC_PR_RELEASE, &v);
	} else if (!strcmp(op, "preempt") && argc == 6) {
		struct pr_preempt p = {
			.old_key = num(argv[3]),
			.new_key = num(argv[4]),
			.type = (__u32)num(argv[5]),
		};
		r = ioctl(fd, IOC_PR_PREEMPT, &p);
	} else if (!strcmp(op, "clear") && argc == 4) {
		struct pr_clear c = { .key = num(argv[3]) };
		r = ioctl(fd, IOC_PR_CLEAR, &c);
	} else {
		fprintf(stderr, "prcall: bad operation or argument count: %s\n", op);
		close(fd);
		return 2;
	}
	if (r < 0)
		printf("ret=%d %s\n", -errno,
		       strerrorname_np(errno) ? strerrorname_np(errno) : "");
	else
		printf("ret=%d\n", r);
	close(fd);
	return 0;
}
