// SPDX-License-Identifier: GPL-2.0
/*
 * Fake block device for the unit tests (see fake_sys.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fake_sys.h"

int __real_open(const char *path, int flags, ...);
int __real_fstat(int fd, struct stat *st);
int __real_stat(const char *path, struct stat *st);
int __real_ioctl(int fd, unsigned long req, ...);
int __real_close(int fd);
int __real_access(const char *path, int mode);
int __real_fcntl(int fd, int cmd, ...);

struct fake_blk fake_blk;
int fake_opens_ro, fake_opens_rw, fake_open_fds;

#define FAKE_FDS 16
static bool fd_used[FAKE_FDS];
static bool fd_rw[FAKE_FDS];

void fake_blk_reset(const struct fake_blk *blk)
{
	fake_blk = *blk;
	fake_opens_ro = fake_opens_rw = fake_open_fds = 0;
	memset(fd_used, 0, sizeof(fd_used));
}

static bool is_fake_path(const char *path)
{
	return fake_blk.path && !strcmp(path, fake_blk.path);
}

static int fake_index(int fd)
{
	int i = fd - FAKE_FD_BASE;

	return i >= 0 && i < FAKE_FDS && fd_used[i] ? i : -1;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	bool rw = (flags & O_ACCMODE) != O_RDONLY;
	int i, err;

	if (!is_fake_path(path) &&
	    !(fake_blk.alias && !strcmp(path, fake_blk.alias))) {
		if (!strncmp(path, "/dev/", 5)) {
			errno = ENOENT;
			return -1;
		}
		if (flags & O_CREAT) {
			va_list ap;
			int mode;

			va_start(ap, flags);
			mode = va_arg(ap, int);
			va_end(ap);
			return __real_open(path, flags, mode);
		}
		return __real_open(path, flags);
	}
	err = rw ? fake_blk.open_rw_errno : fake_blk.open_ro_errno;
	if (rw)
		fake_opens_rw++;
	else
		fake_opens_ro++;
	if (err) {
		errno = err;
		return -1;
	}
	for (i = 0; i < FAKE_FDS; i++) {
		if (!fd_used[i]) {
			fd_used[i] = true;
			fd_rw[i] = rw;
			fake_open_fds++;
			return FAKE_FD_BASE + i;
		}
	}
	errno = EMFILE;
	return -1;
}

int __wrap_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st)
{
	if (fake_index(fd) < 0)
		return __real_fstat(fd, st);
	memset(st, 0, sizeof(*st));
	st->st_mode = fake_blk.not_blk ? (S_IFREG | 0644) : (S_IFBLK | 0660);
	st->st_rdev = makedev(fake_blk.major, fake_blk.minor);
	return 0;
}

int __wrap_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st)
{
	if (is_fake_path(path) ||
	    (fake_blk.alias && !strcmp(path, fake_blk.alias))) {
		memset(st, 0, sizeof(*st));
		st->st_mode = fake_blk.not_blk ? (S_IFREG | 0644) :
						 (S_IFBLK | 0660);
		st->st_rdev = makedev(fake_blk.major, fake_blk.minor);
		return 0;
	}
	if (!strncmp(path, "/dev/", 5)) {
		errno = ENOENT;
		return -1;
	}
	return __real_stat(path, st);
}

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int i;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	i = fake_index(fd);
	if (i < 0)
		return __real_ioctl(fd, req, arg);
	if (!fake_blk.ioctl) {
		errno = ENOTTY;
		return -1;
	}
	return fake_blk.ioctl(req, arg, fd_rw[i]);
}

int __wrap_close(int fd);
int __wrap_close(int fd)
{
	int i = fake_index(fd);

	if (i < 0)
		return __real_close(fd);
	fd_used[i] = false;
	fake_open_fds--;
	return 0;
}

int __wrap_access(const char *path, int mode);
int __wrap_access(const char *path, int mode)
{
	char part[64];

	if (is_fake_path(path) ||
	    (fake_blk.alias && !strcmp(path, fake_blk.alias)))
		return 0;
	snprintf(part, sizeof(part), "/sys/dev/block/%u:%u/partition",
		 fake_blk.major, fake_blk.minor);
	if (fake_blk.path && !strcmp(path, part)) {
		if (fake_blk.partition)
			return 0;
		errno = ENOENT;
		return -1;
	}
	if (!strncmp(path, "/dev/", 5)) {
		errno = ENOENT;
		return -1;
	}
	return __real_access(path, mode);
}

int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
	int i = fake_index(fd);
	va_list ap;
	long arg;

	if (i >= 0) {
		if (cmd == F_GETFL)
			return fd_rw[i] ? O_RDWR : O_RDONLY;
		errno = EINVAL;
		return -1;
	}
	if (cmd == F_GETFL || cmd == F_GETFD)
		return __real_fcntl(fd, cmd);
	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return __real_fcntl(fd, cmd, arg);
}
