// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: running another program and reading its output (exec.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

/* More output than any report of a volume group needs. */
#define RUN_MAX_OUTPUT (16u << 20)

static int read_all(int fd, char **out)
{
	size_t len = 0, room = 4096;
	char *buf = malloc(room), *nbuf;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (room - len < 2) {
			if (room >= RUN_MAX_OUTPUT) {
				free(buf);
				return -EFBIG;
			}
			room *= 2;
			nbuf = realloc(buf, room);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, room - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int run_capture(const char *path, char *const argv[], char **out)
{
	int pfd[2], status, ret, err;
	pid_t pid;

	*out = NULL;
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(pfd[1], STDOUT_FILENO) < 0)
			_exit(127);
		/* lvm complains about descriptors it did not expect. */
		setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
		execv(path, argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(pfd[1]);
	ret = read_all(pfd[0], out);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = -errno;
			free(*out);
			*out = NULL;
			return err;
		}
	}
	if (ret) {
		free(*out);
		*out = NULL;
		return ret;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
