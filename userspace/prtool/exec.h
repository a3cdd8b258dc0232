/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: running another program (lvm2's reporting commands).
 */
#ifndef PRTOOL_EXEC_H
#define PRTOOL_EXEC_H

/**
 * run_capture() - run a program and collect its standard output
 * @path: the program, an absolute path
 * @argv: its arguments, argv[0] included, NULL-terminated
 * @out: receives standard output, NUL-terminated (free() it); NULL on
 *	failure to run
 *
 * Standard input is /dev/null, standard error is ours. The environment is
 * passed on.
 *
 * Return: the exit status (0-255), 128 + the signal that ended it, or a
 * negative errno if it could not be run.
 */
int run_capture(const char *path, char *const argv[], char **out);

#endif /* PRTOOL_EXEC_H */
