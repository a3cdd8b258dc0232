// SPDX-License-Identifier: GPL-2.0
/*
 * prstress - many threads issuing persistent-reservation ioctls on one
 * block device, for stress tests: the scenario changes the device under
 * them (detach, module unload, map removal, path deletion) and checks that
 * nothing crashes; prstress counts what every call returned.
 *
 *   prstress DEV THREADS SECONDS [KEYBASE [UNREGISTER]]
 *
 * Each thread opens DEV, issues 16 calls and closes it again, until
 * SECONDS have passed or SIGINT/SIGTERM arrives. The calls are a random
 * mix of REGISTER AND IGNORE (the thread's key KEYBASE + thread, or, unless
 * UNREGISTER is 0, key 0 to unregister), READ KEYS, RESERVE (write
 * exclusive) and RELEASE. A call
 * the kernel does not know (READ KEYS before Linux 6.19) is counted like
 * any other result (ENOTTY).
 *
 * Output, one line per distinct outcome, sorted:
 *   outcome OP RESULT COUNT
 * OP: open, register, read-keys, reserve, release; RESULT: ok, an errno
 * name (ENXIO, ...) or pr-status-0xNN (a positive PR status, e.g. 0x18
 * reservation conflict). Then "total calls=N opens=N seconds=S".
 * Exit status 0 if the run ended as planned (results are not judged), 2 on
 * a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/pr.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#ifndef IOC_PR_READ_KEYS
/* Linux 6.19's layout and number (include/uapi/linux/pr.h). */
struct pr_read_keys {
	__u32 generation;
	__u32 num_keys;
	__u64 keys_ptr;
};
#define IOC_PR_READ_KEYS	_IOWR('p', 206, struct pr_read_keys)
#endif

enum { OP_OPEN, OP_REGISTER, OP_READ_KEYS, OP_RESERVE, OP_RELEASE, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"open", "register", "read-keys", "reserve", "release",
};

/* One distinct outcome: an operation and its result (-errno, 0 or a
 * positive PR status), with how often it came. */
/* Whether REGISTER AND IGNORE sometimes unregisters (key 0). */
static int unregister = 1;

struct outcome {
	int op;
	int res;
	unsigned long n;
};

#define NR_OUTCOMES	64

struct worker {
	pthread_t tid;
	uint64_t key;
	unsigned int seed;
	struct outcome out[NR_OUTCOMES];
	unsigned int nr_out;
	unsigned long lost;	/* outcomes beyond NR_OUTCOMES distinct ones */
};

static const char *dev;
static volatile sig_atomic_t stop;
static struct timespec deadline;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void add(struct outcome *out, unsigned int *nr, unsigned long *lost,
		int op, int res, unsigned long n)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		if (out[i].op == op && out[i].res == res) {
			out[i].n += n;
			return;
		}
	}
	if (*nr == NR_OUTCOMES) {
		*lost += n;
		return;
	}
	out[*nr] = (struct outcome){ .op = op, .res = res, .n = n };
	(*nr)++;
}

static void count(struct worker *w, int op, int ret, int err)
{
	add(w->out, &w->nr_out, &w->lost, op, ret < 0 ? -err : ret, 1);
}

static void one_call(struct worker *w, int fd)
{
	uint64_t keys[16];
	struct pr_read_keys rk = {
		.num_keys = 16, .keys_ptr = (uintptr_t)keys,
	};
	struct pr_reservation res = { .key = w->key, .type = PR_WRITE_EXCLUSIVE };
	unsigned int r = (unsigned int)rand_r(&w->seed) % 10;
	int op, ret;

	if (r < 4) {
		/* REGISTER AND IGNORE: to the thread's key, or unregister */
		struct pr_registration reg = {
			.new_key = r == 0 && unregister ? 0 : w->key,
			.flags = PR_FL_IGNORE_KEY,
		};

		op = OP_REGISTER;
		ret = ioctl(fd, IOC_PR_REGISTER, &reg);
	} else if (r < 6) {
		op = OP_READ_KEYS;
		ret = ioctl(fd, IOC_PR_READ_KEYS, &rk);
	} else if (r < 8) {
		op = OP_RESERVE;
		ret = ioctl(fd, IOC_PR_RESERVE, &res);
	} else {
		op = OP_RELEASE;
		ret = ioctl(fd, IOC_PR_RELEASE, &res);
	}
	count(w, op, ret, errno);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int fd, i;

	while (!stop && !past_deadline()) {
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			count(w, OP_OPEN, -1, errno);
			usleep(20000);
			continue;
		}
		count(w, OP_OPEN, 0, 0);
		for (i = 0; i < 16 && !stop; i++)
			one_call(w, fd);
		close(fd);
	}
	return NULL;
}

static const char *result_name(int res, char *buf, size_t len)
{
	const char *name;

	if (res == 0)
		return "ok";
	if (res > 0) {
		snprintf(buf, len, "pr-status-0x%x", (unsigned int)res);
		return buf;
	}
	name = strerrorname_np(-res);
	if (name)
		return name;
	snprintf(buf, len, "errno-%d", -res);
	return buf;
}

static int cmp_outcome(const void *a, const void *b)
{
	const struct outcome *x = a, *y = b;

	if (x->op != y->op)
		return x->op - y->op;
	return x->res < y->res ? -1 : x->res > y->res;
}

int main(int argc, char *argv[])
{
	struct outcome all[NR_OUTCOMES];
	unsigned long calls = 0, opens = 0, lost = 0;
	unsigned int nr_all = 0;
	struct worker *w;
	unsigned int n, t, i, secs;
	uint64_t keybase = 0x5000;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec t0, t1;
	char buf[64];
	int r;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: prstress DEV THREADS SECONDS [KEYBASE [UNREGISTER]]\n");
		return 2;
	}
	dev = argv[1];
	n = (unsigned int)atoi(argv[2]);
	secs = (unsigned int)atoi(argv[3]);
	if (argc >= 5)
		keybase = strtoull(argv[4], NULL, 0);
	if (argc == 6)
		unregister = strcmp(argv[5], "0") != 0;
	if (!n || n > 256 || !secs || !keybase) {
		fprintf(stderr, "prstress: bad THREADS, SECONDS or KEYBASE\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline = t0;
	deadline.tv_sec += secs;

	w = calloc(n, sizeof(*w));
	if (!w) {
		perror("prstress");
		return 2;
	}
	for (t = 0; t < n; t++) {
		w[t].key = keybase + t;
		w[t].seed = 0x9e3779b9u * (t + 1);
		r = pthread_create(&w[t].tid, NULL, work, &w[t]);
		if (r) {
			fprintf(stderr, "prstress: pthread_create: %s\n", strerror(r));
			stop = 1;
			n = t;
			break;
		}
	}
	for (t = 0; t < n; t++)
		pthread_join(w[t].tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (t = 0; t < n; t++) {
		for (i = 0; i < w[t].nr_out; i++)
			add(all, &nr_all, &lost, w[t].out[i].op, w[t].out[i].res,
			    w[t].out[i].n);
		lost += w[t].lost;
	}
	qsort(all, nr_all, sizeof(all[0]), cmp_outcome);
	for (i = 0; i < nr_all; i++) {
		if (all[i].op == OP_OPEN)
			opens += all[i].n;
		else
			calls += all[i].n;
		printf("outcome %s %s %lu\n", op_names[all[i].op],
		       result_name(all[i].res, buf, sizeof(buf)), all[i].n);
	}
	if (lost)
		printf("outcome other other %lu\n", lost);
	printf("total calls=%lu opens=%lu seconds=%.1f\n", calls, opens,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(w);
	return 0;
}
