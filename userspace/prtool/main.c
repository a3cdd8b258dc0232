// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: entry point (kept apart so that the tests can link prtool_main).
 */
#include <stdio.h>

#include "prtool.h"

int main(int argc, char *argv[])
{
	int ret = prtool_main(argc, argv);

	if (fflush(stdout) || ferror(stdout)) {
		perror(PROG_NAME ": write error");
		return ret ? ret : PRTOOL_EXIT_OS;
	}
	return ret;
}
