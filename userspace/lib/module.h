/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: loading the kernel module.
 */
#ifndef PRTOOL_MODULE_H
#define PRTOOL_MODULE_H

#include <stddef.h>

#define MPR_MODULE_NAME "dm_mpath_pr"

/**
 * mpr_load_module() - load dm_mpath_pr (and its dependencies) with libkmod
 * @why: on failure, the reason
 * @len: size of @why
 *
 * Return: 0 on success (also if it was loaded already), -errno on failure.
 */
int mpr_load_module(char *why, size_t len);

#endif /* PRTOOL_MODULE_H */
