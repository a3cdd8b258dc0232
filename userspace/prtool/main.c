// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: entry point (kept apart so that the tests can link prtool_main).
 */
#include "prtool.h"

int main(int argc, char *argv[])
{
	return prtool_exit(argv[0], prtool_main(argc, argv));
}
