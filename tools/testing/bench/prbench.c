// SPDX-License-Identifier: GPL-2.0
/*
 * prbench - time IOC_PR_REGISTER on a block device, in one process, so that
 * process start-up does not hide the cost of the command itself.
 *
 *   prbench DEV ROUNDS KEY
 *
 * Each round registers KEY (REGISTER AND IGNORE) and unregisters it again.
 * Prints "register_us=<median> unregister_us=<median> rounds=<n>".
 * Exit status 1 when an ioctl fails (the error is printed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/pr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int pr_reg(int fd, const char *dev, uint64_t old, uint64_t new,
		  uint32_t flags)
{
	struct pr_registration r = {
		.old_key = old, .new_key = new, .flags = flags,
	};
	int ret = ioctl(fd, IOC_PR_REGISTER, &r);

	if (ret) {
		if (ret < 0)
			fprintf(stderr, "prbench: %s: IOC_PR_REGISTER: %s\n",
				dev, strerror(errno));
		else
			fprintf(stderr, "prbench: %s: IOC_PR_REGISTER: PR status 0x%x\n",
				dev, ret);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	uint64_t *reg, *unreg, key, t;
	int fd, n, i;
	char *end;

	if (argc != 4) {
		fprintf(stderr, "usage: prbench DEV ROUNDS KEY\n");
		return 2;
	}
	n = atoi(argv[2]);
	errno = 0;
	key = strtoull(argv[3], &end, 0);
	if (n <= 0 || n > 100000 || errno || *end || !key) {
		fprintf(stderr, "prbench: bad ROUNDS or KEY\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "prbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	reg = calloc(n, sizeof(*reg));
	unreg = calloc(n, sizeof(*unreg));
	if (!reg || !unreg)
		return 1;
	for (i = 0; i < n; i++) {
		t = now_us();
		if (pr_reg(fd, argv[1], 0, key, PR_FL_IGNORE_KEY))
			return 1;
		reg[i] = now_us() - t;
		t = now_us();
		if (pr_reg(fd, argv[1], key, 0, 0))
			return 1;
		unreg[i] = now_us() - t;
	}
	qsort(reg, n, sizeof(*reg), cmp_u64);
	qsort(unreg, n, sizeof(*unreg), cmp_u64);
	printf("register_us=%" PRIu64 " unregister_us=%" PRIu64 " rounds=%d\n",
	       reg[n / 2], unreg[n / 2], n);
	close(fd);
	free(reg);
	free(unreg);
	return 0;
}
