// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: mpathpersist's command line and its -f batch files.
 * The first byte picks the form: even, the rest is argv (NUL-separated
 * words); odd, the rest is a batch file.
 *
 * Nothing reaches a device: open() is wrapped (-Wl,--wrap=open) and fails
 * for every path but the batch file, which is read with fopen(). Its
 * output is dropped (make fuzz runs every target with -close_fd_mask=3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_words.h"
#include "prtool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_open(const char *path, int flags, ...);

int __wrap_open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

static char batch[] = "/tmp/fuzz_mpathpersist.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fd = mkstemp(batch);
	if (fd >= 0)
		close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words, *argv[FUZZ_MAX_ARGS];
	int argc = 0;
	FILE *f;

	if (!size || size > 4096)
		return 0;
	argv[argc++] = (char *)"mpathpersist";
	if (data[0] & 1) {
		f = fopen(batch, "w");
		if (!f)
			return 0;
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		argv[argc++] = (char *)"-f";
		argv[argc++] = batch;
		argv[argc] = NULL;
		mpathpersist_main(argc, argv);
		return 0;
	}
	words = fuzz_words("mpathpersist", data + 1, size - 1, argv, &argc);
	if (!words)
		return 0;
	mpathpersist_main(argc, argv);
	free(words);
	return 0;
}
