/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: the physical volumes of a volume group, from lvm2's reporting
 * commands in JSON form.
 */
#ifndef PRTOOL_LVM_H
#define PRTOOL_LVM_H

#include <stddef.h>

/**
 * struct lvm_vg_pvs - the PVs of a volume group
 * @devs: device paths of the PVs that are present, in pv_uuid order
 * @n: number of @devs
 * @missing: PVs lvm knows of but cannot find ("[unknown]")
 */
struct lvm_vg_pvs {
	char **devs;
	size_t n;
	size_t missing;
};

/**
 * lvm_binary() - the lvm program to run
 * @buf: receives its path
 * @len: size of @buf
 * @why: on failure, what is wrong
 * @wlen: size of @why
 *
 * $LVM_BINARY if set: it must be an absolute path to an executable file
 * that root owns, in directories only root can change (the check of
 * LVM2's lvmpersist). Otherwise "lvm" in /sbin, /usr/sbin, /bin, /usr/bin.
 *
 * Return: 0, or -1 with @why set.
 */
int lvm_binary(char *buf, size_t len, char *why, size_t wlen);

/**
 * lvm_vg_pvs() - list the PVs of a volume group
 * @vg: the VG's name
 * @pvs: the result; free with lvm_vg_pvs_free()
 * @why: on failure, what is wrong
 * @wlen: size of @why
 *
 * Runs "lvm vgs --reportformat json --nolocking --sort pv_uuid
 * -o vg_name,pv_name VG" and reads its report.
 *
 * Return: 0, or -1 with @why set (lvm failed, or its report is not what
 * was asked for).
 */
int lvm_vg_pvs(const char *vg, struct lvm_vg_pvs *pvs, char *why,
	       size_t wlen);

/* Parse the report of lvm_vg_pvs()'s command; for the unit tests too. */
int lvm_parse_vg_pvs(const char *json, const char *vg,
		     struct lvm_vg_pvs *pvs, char *why, size_t wlen);

void lvm_vg_pvs_free(struct lvm_vg_pvs *pvs);

#endif /* PRTOOL_LVM_H */
