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
 *
 *   prcall --fail-nth N DEV ...
 *
 * makes the N-th allocation that the kernel's fault injection counts
 * during the ioctl fail (/proc/thread-self/fail-nth; with failslab's
 * stack filter, the module's allocations), and adds " fail-nth=injected"
 * or " fail-nth=unused" (the ioctl made fewer than N such allocations).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/pr.h>
#include <stdbool.h>
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

/* /proc/thread-self/fail-nth: write N (0: off), or read what is left */
static int fail_nth(unsigned long n, bool set)
{
	char buf[32];
	ssize_t len;
	int fd = open("/proc/thread-self/fail-nth", set ? O_WRONLY : O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "prcall: /proc/thread-self/fail-nth: %s\n", strerror(errno));
		exit(2);
	}
	if (set) {
		len = snprintf(buf, sizeof(buf), "%lu", n);
		len = write(fd, buf, (size_t)len);
	} else {
		len = read(fd, buf, sizeof(buf) - 1);
	}
	close(fd);
	if (len < 0) {
		fprintf(stderr, "prcall: fail-nth: %s\n", strerror(errno));
		exit(2);
	}
	buf[set ? 0 : len] = '\0';
	return set ? 0 : atoi(buf);
}

int main(int argc, char *argv[])
{
	unsigned long nth = 0;
	const char *op;
	int fd, r, left = 0;

	if (argc > 2 && !strcmp(argv[1], "--fail-nth")) {
		nth = num(argv[2]);
		argc -= 2;
		argv += 2;
	}
	op = argc > 2 ? argv[2] : "";
	if (argc < 4) {
		fprintf(stderr, "usage: prcall DEV register|reserve|release|preempt|clear ARGS...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "prcall: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (nth)
		fail_nth(nth, true);
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
		r = -errno;
	if (nth) {
		left = fail_nth(0, false);
		fail_nth(0, true);
	}
	if (r < 0)
		printf("ret=%d %s", r, strerrorname_np(-r) ? strerrorname_np(-r) : "");
	else
		printf("ret=%d", r);
	if (nth)
		printf(" fail-nth=%s", left ? "unused" : "injected");
	printf("\n");
	close(fd);
	return 0;
}
