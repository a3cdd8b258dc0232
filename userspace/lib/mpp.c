// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the engine behind the libmpathpersist-compatible API and the
 * mpathpersist front end.
 *
 * libmpathpersist sends every PR command itself, over SG_IO, to the path
 * devices of a map, and needs multipathd for the key. Here the map's own
 * pr_ops do the work: PERSISTENT RESERVE OUT goes through the IOC_PR_*
 * ioctls (dm_mpath_pr, when attached, runs them on every path and keeps the
 * key for returning paths; device-mapper's stock pr_ops run otherwise).
 * What the ioctls cannot express is sent as SCSI over SG_IO on the map.
 * PERSISTENT RESERVE IN uses IOC_PR_READ_* where the kernel has them and
 * SG_IO otherwise: on the map (device-mapper hands it to the current path),
 * then on each path of the map's table until one answers.
 *
 * Results are mapped to MPATH_PR_* as libmpathpersist does (sense key to
 * code, RESERVATION CONFLICT to 11, anything else to 15); for the ioctls,
 * a conflict status is 11, -EINVAL/-EOPNOTSUPP (the kernel's answer to
 * ILLEGAL REQUEST with an invalid field, or to a command the driver lacks)
 * is 5, a missing device or path is 13, the rest is 15.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <prtool/mpath_persist_compat.h>
#include <prtool/prtool.h>

#include "dm.h"
#include "mpp.h"
#include "parse.h"
#include "pr.h"
#include "pr_compat.h"
#include "status.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif

/* UNIT ATTENTION and NOT READY 04/07 retries, as libmpathpersist. */
#define MPP_RETRIES	5

unsigned int mpp_prin_default_len(int sa)
{
	switch (sa) {
	case MPATH_PRIN_RKEY_SA:
	case MPATH_PRIN_RFSTAT_SA:
		return MPATH_MAX_PARAM_LEN;
	case MPATH_PRIN_RRES_SA:
		return 24;
	case MPATH_PRIN_RCAP_SA:
		return 8;
	default:
		return 0;
	}
}

unsigned int mpp_prin_alloc_len(int sa)
{
	unsigned int len = mpp_prin_default_len(sa);

	if (len && mpath_mx_alloc_len)
		len = mpath_mx_alloc_len < MPATH_MAX_PARAM_LEN ?
			      mpath_mx_alloc_len :
			      MPATH_MAX_PARAM_LEN;
	return len;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* The code for a command sent over SG_IO (libmpathpersist's mapping). */
static int sg_code(const struct pr_dev *d, int ret)
{
	if (!ret)
		return MPATH_PR_SUCCESS;
	if (ret < 0 || !d->sg.valid)
		return MPATH_PR_OTHER;
	switch (d->sg.status & 0x7e) {
	case 0x00:
		/* GOOD with a host or driver error: the path failed. */
		return MPATH_PR_OTHER;
	case 0x02:
		switch (d->sg.sense_key) {
		case 0x0:
			return MPATH_PR_NO_SENSE;
		case 0x1:
			return MPATH_PR_SUCCESS;
		case 0x2:
			return MPATH_PR_SENSE_NOT_READY;
		case 0x3:
			return MPATH_PR_SENSE_MEDIUM_ERROR;
		case 0x4:
			return MPATH_PR_SENSE_HARDWARE_ERROR;
		case 0x5:
			return MPATH_PR_ILLEGAL_REQ;
		case 0x6:
			return MPATH_PR_SENSE_UNIT_ATTENTION;
		case 0xb:
			return MPATH_PR_SENSE_ABORTED_COMMAND;
		default:
			return MPATH_PR_OTHER;
		}
	case 0x18:
		return MPATH_PR_RESERV_CONFLICT;
	default:
		return MPATH_PR_OTHER;
	}
}

/* The code for the result of an IOC_PR_* ioctl. */
static int ioctl_code(int ret)
{
	if (!ret)
		return MPATH_PR_SUCCESS;
	if (ret > 0)
		return pr_status_classify(ret) == PR_CLASS_CONFLICT ?
			       MPATH_PR_RESERV_CONFLICT :
			       MPATH_PR_OTHER;
	switch (-ret) {
	case EBADE:
		/* BLK_STS_RESV_CONFLICT as an errno. */
		return MPATH_PR_RESERV_CONFLICT;
	case EINVAL:
	case EOPNOTSUPP:
	case ENOTTY:
	case ENOIOCTLCMD:
		return MPATH_PR_ILLEGAL_REQ;
	case ENODEV:
	case ENXIO:
	case ENOTCONN:
		return MPATH_PR_DMMP_ERROR;
	default:
		return MPATH_PR_OTHER;
	}
}

static void log_failure(const struct pr_dev *d, const char *what, int ret,
			int code)
{
	char name[96];

	if (code == MPATH_PR_SUCCESS)
		return;
	mpp_log(1, "%s: %s failed: %s%s%s%s (MPATH_PR code %d)", d->path,
		what, pr_status_str(ret, name, sizeof(name)),
		d->detail[0] ? " (" : "", d->detail, d->detail[0] ? ")" : "",
		code);
}

/*
 * A PERSISTENT RESERVE command over SG_IO, retried like libmpathpersist:
 * up to MPP_RETRIES times on UNIT ATTENTION (at once) and NOT READY,
 * LOGICAL UNIT NOT READY, OPERATION IN PROGRESS (04/07, after 1 ms).
 */
static int sg_cmd(struct pr_dev *d, bool in, unsigned int sa, uint8_t st,
		  uint8_t *buf, size_t len, size_t *got, int *raw)
{
	int retries = MPP_RETRIES, ret, code;

	for (;;) {
		if (in)
			ret = pr_in(d, sa, buf, len, got);
		else
			ret = pr_out(d, sa, st, buf, len);
		code = sg_code(d, ret);
		if (retries > 0 && code == MPATH_PR_SENSE_UNIT_ATTENTION) {
			retries--;
			mpp_log(3, "%s: UNIT ATTENTION, retrying (%d left)",
				d->path, retries);
			continue;
		}
		if (retries > 0 && code == MPATH_PR_SENSE_NOT_READY &&
		    d->sg.asc == 0x04 && d->sg.ascq == 0x07) {
			retries--;
			usleep(1000);
			continue;
		}
		log_failure(d, in ? "PERSISTENT RESERVE IN" :
				    "PERSISTENT RESERVE OUT", ret, code);
		if (raw)
			*raw = ret;
		return code;
	}
}

/* Use the caller's descriptor; it must be a dm-multipath map. */
static int open_map(int fd, struct pr_dev *d, struct mpath_map *m)
{
	char why[512];
	int ret;

	ret = pr_dev_use_fd(d, fd);
	if (ret) {
		mpp_log(1, "fd %d: %s", fd,
			ret == -ENOTBLK ? "not a block device" :
					  strerror(-ret));
		return MPATH_PR_FILE_ERROR;
	}
	ret = dm_mpath_lookup(d->major, d->minor, m, why, sizeof(why));
	if (ret) {
		mpp_log(1, "%u:%u: not a multipath map: %s", d->major,
			d->minor, why);
		return MPATH_PR_DMMP_ERROR;
	}
	if (m->name[0])
		snprintf(d->path, sizeof(d->path), "%s", m->name);
	return MPATH_PR_SUCCESS;
}

/* SG_IO could not reach a path (as opposed to: SG_IO is not supported). */
static bool sg_io_unsupported(int ret)
{
	return ret == -ENOTTY || ret == -EINVAL || ret == -EOPNOTSUPP ||
	       ret == -ENOIOCTLCMD;
}

/* Open path @i of map @m's table for @what on map @d; 0, or -1 (logged). */
static int open_table_path(const struct pr_dev *d, const struct mpath_map *m,
			   unsigned int i, struct pr_dev *pd, const char *what)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/block/%u:%u",
		 m->table.paths[i].major, m->table.paths[i].minor);
	if (pr_dev_open(pd, path)) {
		mpp_log(2, "%s: cannot open path %s", d->path, path);
		return -1;
	}
	mpp_log(3, "%s: %s on path %s", d->path, what, path);
	return 0;
}

/*
 * PR IN over SG_IO: on the map, then on each path of its table, until one
 * succeeds or answers ILLEGAL REQUEST (as libmpathpersist: no fail-over on
 * that). If SG_IO never reached a path: MPATH_PR_DMMP_ERROR, no path.
 */
static int prin_sg(struct pr_dev *d, const struct mpath_map *m, int sa,
		   uint8_t *buf, size_t len, size_t *got)
{
	bool reached;
	int code, pcode, raw = 0;
	unsigned int i;

	code = sg_cmd(d, true, (unsigned int)sa, 0, buf, len, got, &raw);
	if (code == MPATH_PR_SUCCESS || code == MPATH_PR_ILLEGAL_REQ ||
	    sg_io_unsupported(raw))
		return code;
	reached = raw > 0;
	for (i = 0; i < m->table.nr_paths; i++) {
		struct pr_dev pd;

		if (open_table_path(d, m, i, &pd, "PERSISTENT RESERVE IN"))
			continue;
		pcode = sg_cmd(&pd, true, (unsigned int)sa, 0, buf, len, got,
			       &raw);
		pr_dev_close(&pd);
		if (pcode == MPATH_PR_SUCCESS || pcode == MPATH_PR_ILLEGAL_REQ)
			return pcode;
		reached |= raw > 0;
		code = pcode;
	}
	if (!reached) {
		mpp_log(1, "%s: no path available", d->path);
		return MPATH_PR_DMMP_ERROR;
	}
	return code;
}

/*
 * READ KEYS / READ RESERVATION through IOC_PR_READ_*, with the response
 * built as the device would have sent it for allocation length @len.
 * Return: MPATH_PR_* code, or -1 if the kernel has no such ioctl.
 */
static int prin_ioctl(struct pr_dev *d, int sa, uint8_t *buf, size_t len,
		      size_t *got)
{
	uint8_t *full;
	size_t need;
	int ret;

	if (sa == MPATH_PRIN_RKEY_SA) {
		struct pr_keys k;
		uint32_t i;

		ret = pr_read_keys_ioctl(d, &k);
		if (ret)
			goto fail;
		need = 8 + 8 * (size_t)k.num_keys;
		full = calloc(1, need);
		if (!full) {
			free(k.keys);
			return MPATH_PR_OTHER;
		}
		put_be32(full, k.generation);
		put_be32(full + 4, 8 * k.num_keys);
		for (i = 0; i < k.num_keys; i++)
			put_be64(full + 8 + 8 * i, k.keys[i]);
		free(k.keys);
	} else {
		struct pr_resv r;

		ret = pr_read_reservation_ioctl(d, &r);
		if (ret)
			goto fail;
		need = r.held ? 24 : 8;
		full = calloc(1, 24);
		if (!full)
			return MPATH_PR_OTHER;
		put_be32(full, r.generation);
		if (r.held) {
			const struct pr_type_desc *t = pr_type_by_value(r.type);

			put_be32(full + 4, 16);
			put_be64(full + 8, r.key);
			full[21] = t ? (uint8_t)t->scsi : 0;
		}
	}
	memset(buf, 0, len);
	*got = need < len ? need : len;
	memcpy(buf, full, *got);
	free(full);
	mpp_log(3, "%s: %s by ioctl", d->path,
		sa == MPATH_PRIN_RKEY_SA ? "READ KEYS" : "READ RESERVATION");
	return MPATH_PR_SUCCESS;
fail:
	if (pr_read_ioctl_missing(ret))
		return -1;
	log_failure(d, sa == MPATH_PRIN_RKEY_SA ? "IOC_PR_READ_KEYS" :
						  "IOC_PR_READ_RESERVATION",
		    ret, ioctl_code(ret));
	return ioctl_code(ret);
}

int mpp_prin(int fd, int sa, uint8_t *buf, size_t len, size_t *got,
	     int noisy)
{
	struct mpath_map *m;
	struct pr_dev d;
	int code = -1;

	*got = 0;
	if (!mpp_prin_default_len(sa)) {
		mpp_log(0, "invalid service action, %d", sa);
		return MPATH_PR_SYNTAX_ERROR;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return MPATH_PR_OTHER;
	code = open_map(fd, &d, m);
	if (code)
		goto out;
	code = -1;
	if (sa == MPATH_PRIN_RKEY_SA || sa == MPATH_PRIN_RRES_SA)
		code = prin_ioctl(&d, sa, buf, len, got);
	if (code < 0)
		code = prin_sg(&d, m, sa, buf, len, got);
	if (code == MPATH_PR_SUCCESS && noisy)
		mpp_hexdump(buf, *got);
out:
	pr_dev_close(&d);
	free(m);
	return code;
}

/* An SPC-4 type code the IOC_PR_* ioctls can carry (0: none given). */
static bool ioctl_type(unsigned int type, uint32_t *pr_type)
{
	*pr_type = pr_type_from_scsi(type);
	return type == 0 || *pr_type;
}

/*
 * RELEASE, judged as libmpathpersist judges it: what counts is that this
 * host's key no longer holds the reservation. device-mapper's own RELEASE
 * (a map that is not attached to dm_mpath_pr) goes to every path, and a
 * path after the first one answers UNIT ATTENTION for the release the first
 * one did (Linux 6.1: the ioctl returns CHECK CONDITION although the
 * reservation is gone). So a failure other than a conflict is followed by
 * READ RESERVATION: if the reservation is gone, or another key holds it
 * (RELEASE by a non-holder does nothing), the release succeeded.
 */
static int release(struct pr_dev *d, uint64_t key, uint32_t pr_type)
{
	struct pr_resv r;
	char name[96];
	int ret;

	ret = pr_release(d, key, pr_type);
	if (ret <= 0 || pr_status_classify(ret) == PR_CLASS_CONFLICT)
		return ret;
	if (pr_read_reservation(d, &r) || (r.held && r.key == key))
		return ret;
	mpp_log(2, "%s: RELEASE returned %s, but key 0x%llx holds no "
		   "reservation any more: released", d->path,
		pr_status_str(ret, name, sizeof(name)),
		(unsigned long long)key);
	return 0;
}

static const char *const prout_names[] = {
	"REGISTER", "RESERVE", "RELEASE", "CLEAR", "PREEMPT",
	"PREEMPT AND ABORT", "REGISTER AND IGNORE EXISTING KEY",
};

/*
 * A PR OUT that the ioctls cannot carry and the map must not get (a
 * REGISTER with SPEC_I_PT: dm would send it down one path, and
 * dm_mpath_pr, which registers every path itself, refuses it): send it to
 * the map's paths directly, until one of them answers. With no path that
 * can be opened, the map gets it, as before.
 */
static int prout_sg_path(struct pr_dev *d, const struct mpath_map *m,
			 unsigned int sa, uint8_t st, uint8_t *param,
			 size_t plen)
{
	int code = MPATH_PR_DMMP_ERROR, raw = 0;
	size_t got = 0;
	unsigned int i;

	for (i = 0; i < m->table.nr_paths; i++) {
		struct pr_dev pd;

		if (open_table_path(d, m, i, &pd, "PERSISTENT RESERVE OUT"))
			continue;
		raw = -EIO;
		code = sg_cmd(&pd, false, sa, st, param, plen, &got, &raw);
		pr_dev_close(&pd);
		if (code == MPATH_PR_SUCCESS || raw > 0)
			return code;
	}
	if (code != MPATH_PR_DMMP_ERROR)
		return code;
	return sg_cmd(d, false, sa, st, param, plen, &got, NULL);
}

int mpp_prout(int fd, int sa, unsigned int scope, unsigned int type,
	      const struct mpp_out *p, int noisy)
{
	uint8_t param[MPATH_MAX_PARAM_LEN] = { 0 };
	uint8_t st = (uint8_t)((scope & 0xf) << 4 | (type & 0xf));
	bool spec_i_pt = p->sa_flags & MPATH_F_SPEC_I_PT_MASK;
	struct mpath_map *m;
	struct pr_dev d;
	uint32_t pr_type = 0;
	size_t plen = 24, got;
	int code, ret;

	if (sa < 0 || sa >= (int)(sizeof(prout_names) / sizeof(*prout_names))) {
		mpp_log(0, "PERSISTENT RESERVE OUT service action %d is not "
			   "supported", sa);
		return MPATH_PR_OTHER;
	}
	if (spec_i_pt && p->tids_len > sizeof(param) - 28) {
		mpp_log(0, "the transport IDs do not fit into %d bytes",
			MPATH_MAX_PARAM_LEN);
		return MPATH_PR_SYNTAX_ERROR;
	}
	put_be64(param, p->key);
	put_be64(param + 8, p->sa_key);
	param[20] = p->sa_flags & (MPATH_F_SPEC_I_PT_MASK |
				   MPATH_F_ALL_TG_PT_MASK | MPATH_F_APTPL_MASK);
	if (spec_i_pt) {
		put_be32(param + 24, (uint32_t)p->tids_len);
		if (p->tids_len)
			memcpy(param + 28, p->tids, p->tids_len);
		plen = 28 + p->tids_len;
	}

	m = calloc(1, sizeof(*m));
	if (!m)
		return MPATH_PR_OTHER;
	code = open_map(fd, &d, m);
	if (code) {
		free(m);
		pr_dev_close(&d);
		return code;
	}
	mpp_log(3, "%s: %s, scope %u, type 0x%x, key 0x%llx, sa_key 0x%llx, "
		   "flags 0x%02x", d.path, prout_names[sa], scope & 0xf,
		type & 0xf, (unsigned long long)p->key,
		(unsigned long long)p->sa_key, param[20]);
	if (noisy) {
		mpp_log(3, "%s: Persistent Reservation OUT parameter:", d.path);
		mpp_hexdump(param, plen);
	}

	switch (sa) {
	case MPATH_PROUT_REG_SA:
	case MPATH_PROUT_REG_IGN_SA:
		if (spec_i_pt) {
			/*
			 * The ioctl has no transport IDs: register them
			 * through one path, then every path.
			 */
			code = prout_sg_path(&d, m, (unsigned int)sa, st,
					     param, plen);
			if (code || sa != MPATH_PROUT_REG_SA || !p->sa_key)
				break;
			ret = pr_register(&d, 0, p->sa_key, PR_FL_IGNORE_KEY);
			code = ioctl_code(ret);
			log_failure(&d, "IOC_PR_REGISTER", ret, code);
			break;
		}
		if (p->sa_flags & MPATH_F_ALL_TG_PT_MASK)
			mpp_log(2, "%s: ALL_TG_PT is not sent: every path of "
				   "the map is registered", d.path);
		if (sa == MPATH_PROUT_REG_SA)
			ret = pr_register(&d, p->key, p->sa_key, 0);
		else
			ret = pr_register(&d, 0, p->sa_key, PR_FL_IGNORE_KEY);
		code = ioctl_code(ret);
		log_failure(&d, "IOC_PR_REGISTER", ret, code);
		break;
	case MPATH_PROUT_CLEAR_SA:
		ret = pr_clear(&d, p->key);
		code = ioctl_code(ret);
		log_failure(&d, "IOC_PR_CLEAR", ret, code);
		break;
	default:
		if ((scope & 0xf) || !ioctl_type(type & 0xf, &pr_type)) {
			/* Not for IOC_PR_*: let the device judge it. */
			mpp_log(2, "%s: scope %u / type 0x%x: sent over SG_IO",
				d.path, scope & 0xf, type & 0xf);
			code = sg_cmd(&d, false, (unsigned int)sa, st, param,
				      plen, &got, NULL);
			break;
		}
		if (sa == MPATH_PROUT_RES_SA)
			ret = pr_reserve(&d, p->key, pr_type, 0);
		else if (sa == MPATH_PROUT_REL_SA)
			ret = release(&d, p->key, pr_type);
		else
			ret = pr_preempt(&d, p->key, p->sa_key, pr_type,
					 sa == MPATH_PROUT_PREE_AB_SA);
		code = ioctl_code(ret);
		log_failure(&d, prout_names[sa], ret, code);
		break;
	}
	free(m);
	pr_dev_close(&d);
	return code;
}

int mpp_encode_tid(unsigned int proto, unsigned int format, const uint8_t *id,
		   size_t id_len, uint8_t *out)
{
	size_t alen;

	memset(out, 0, MPP_TID_MAX);
	switch (proto) {
	case MPATH_PROTOCOL_ID_FC:
		if (format || id_len != 8)
			return -EINVAL;
		out[0] = MPATH_PROTOCOL_ID_FC;
		memcpy(out + 8, id, 8);
		return 24;
	case MPATH_PROTOCOL_ID_SAS:
		if (format || id_len != 8)
			return -EINVAL;
		out[0] = MPATH_PROTOCOL_ID_SAS;
		memcpy(out + 4, id, 8);
		return 24;
	case MPATH_PROTOCOL_ID_ISCSI:
		if (format > 1 || !id_len || memchr(id, '\0', id_len))
			return -EINVAL;
		/* Format 1 is NAME,i,0xISID; format 0 a plain name. */
		if (!memmem(id, id_len, ",i,0x", 5) != !format)
			return -EINVAL;
		/* NUL-terminated, padded to 4 bytes, at least 20. */
		alen = (id_len + 1 + 3) & ~(size_t)3;
		if (alen < 20)
			alen = 20;
		if (alen > MPP_TID_MAX - 4)
			return -EINVAL;
		out[0] = (uint8_t)(format << 6 | MPATH_PROTOCOL_ID_ISCSI);
		out[2] = (uint8_t)(alen >> 8);
		out[3] = (uint8_t)alen;
		memcpy(out + 4, id, id_len);
		return (int)(4 + alen);
	default:
		return -EINVAL;
	}
}
