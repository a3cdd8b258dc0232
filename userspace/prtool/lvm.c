// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the physical volumes of a volume group, from lvm2's reporting
 * commands in JSON form (lvm.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "jsonp.h"
#include "lvm.h"

/* Root owns every component of @path and only root can change it. */
static int check_owner(const char *path, char *why, size_t wlen)
{
	char p[PATH_MAX], *slash;
	struct stat st;

	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		if (stat(p[0] ? p : "/", &st)) {
			snprintf(why, wlen, "LVM_BINARY \"%s\" is not "
				 "accessible: %s", p[0] ? p : "/",
				 strerror(errno));
			return -1;
		}
		if (st.st_uid) {
			snprintf(why, wlen, "LVM_BINARY \"%s\" must be owned "
				 "by root", p[0] ? p : "/");
			return -1;
		}
		if ((st.st_mode & 022) &&
		    !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))) {
			snprintf(why, wlen, "LVM_BINARY \"%s\" must not be "
				 "group or world writable", p[0] ? p : "/");
			return -1;
		}
		if (!p[0])
			return 0;
		slash = strrchr(p, '/');
		*slash = '\0';
	}
}

int lvm_binary(char *buf, size_t len, char *why, size_t wlen)
{
	static const char *const dirs[] = { "/sbin", "/usr/sbin", "/bin",
					     "/usr/bin" };
	const char *env = getenv("LVM_BINARY");
	char real[PATH_MAX];
	struct stat st;
	size_t i;

	if (env && env[0]) {
		if (env[0] != '/') {
			snprintf(why, wlen, "LVM_BINARY must be an absolute "
				 "path");
			return -1;
		}
		if (!realpath(env, real)) {
			snprintf(why, wlen, "LVM_BINARY \"%s\" must be "
				 "accessible and owned by root", env);
			return -1;
		}
		if (check_owner(real, why, wlen))
			return -1;
		if (stat(real, &st) || !S_ISREG(st.st_mode) ||
		    access(real, X_OK)) {
			snprintf(why, wlen, "LVM_BINARY \"%s\" must be an "
				 "executable file", real);
			return -1;
		}
		snprintf(buf, len, "%s", real);
		return 0;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/lvm", dirs[i]);
		if (!access(buf, X_OK))
			return 0;
	}
	snprintf(why, wlen, "lvm command not found");
	return -1;
}

static int add_dev(struct lvm_vg_pvs *pvs, const char *name)
{
	char **devs = reallocarray(pvs->devs, pvs->n + 1, sizeof(*devs));

	if (!devs)
		return -1;
	pvs->devs = devs;
	devs[pvs->n] = strdup(name);
	if (!devs[pvs->n])
		return -1;
	pvs->n++;
	return 0;
}

int lvm_parse_vg_pvs(const char *json, const char *vg,
		     struct lvm_vg_pvs *pvs, char *why, size_t wlen)
{
	const struct jv *report, *r, *rows, *row;
	char err[160];
	struct jv *doc;
	int ret = -1;

	memset(pvs, 0, sizeof(*pvs));
	doc = jv_parse(json, err, sizeof(err));
	if (!doc) {
		snprintf(why, wlen, "lvm's report is not JSON: %s",
			 err[0] ? err : "out of memory");
		return -1;
	}
	report = jv_get(doc, "report");
	if (!report || report->type != JV_ARRAY) {
		snprintf(why, wlen, "lvm's report has no \"report\" array");
		goto out;
	}
	for (r = report->child; r; r = r->next) {
		rows = jv_get(r, "vg");
		if (!rows || rows->type != JV_ARRAY) {
			snprintf(why, wlen, "lvm's report has no \"vg\" rows");
			goto out;
		}
		for (row = rows->child; row; row = row->next) {
			const char *name = jv_get_string(row, "vg_name");
			const char *pv = jv_get_string(row, "pv_name");

			if (!name || !pv) {
				snprintf(why, wlen, "a row of lvm's report "
					 "lacks vg_name or pv_name");
				goto out;
			}
			if (strcmp(name, vg)) {
				snprintf(why, wlen, "lvm reported VG %s, not "
					 "%s", name, vg);
				goto out;
			}
			/* A PV lvm cannot find is "[unknown]" (or empty). */
			if (strncmp(pv, "/dev/", 5)) {
				pvs->missing++;
				continue;
			}
			if (add_dev(pvs, pv)) {
				snprintf(why, wlen, "out of memory");
				goto out;
			}
		}
	}
	ret = 0;
out:
	jv_free(doc);
	if (ret)
		lvm_vg_pvs_free(pvs);
	return ret;
}

int lvm_vg_pvs(const char *vg, struct lvm_vg_pvs *pvs, char *why,
	       size_t wlen)
{
	char lvm[PATH_MAX], *out = NULL;
	char *argv[] = { lvm, "vgs", "--reportformat", "json", "--nolocking",
			 "--sort", "pv_uuid", "-o", "vg_name,pv_name",
			 (char *)vg, NULL };
	int ret;

	memset(pvs, 0, sizeof(*pvs));
	if (!vg[0] || vg[0] == '-') {
		snprintf(why, wlen, "invalid VG name \"%s\"", vg);
		return -1;
	}
	if (lvm_binary(lvm, sizeof(lvm), why, wlen))
		return -1;
	ret = run_capture(lvm, argv, &out);
	if (ret < 0) {
		snprintf(why, wlen, "cannot run %s: %s", lvm, strerror(-ret));
		return -1;
	}
	if (ret) {
		snprintf(why, wlen, "%s vgs exited with status %d", lvm, ret);
		free(out);
		return -1;
	}
	ret = lvm_parse_vg_pvs(out, vg, pvs, why, wlen);
	free(out);
	return ret;
}

void lvm_vg_pvs_free(struct lvm_vg_pvs *pvs)
{
	size_t i;

	for (i = 0; i < pvs->n; i++)
		free(pvs->devs[i]);
	free(pvs->devs);
	memset(pvs, 0, sizeof(*pvs));
}
