// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: read-full-status and report-capabilities, the PR IN commands the
 * kernel has no ioctl for: SCSI PERSISTENT RESERVE IN over SG_IO, path by
 * path for a multipath map, with their text and JSON printers.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "cli.h"
#include "dm.h"
#include "json.h"
#include "libprtool_int.h"
#include "parse.h"
#include "pr.h"
#include "pr_compat.h"
#include "prtool.h"
#include "status.h"

/* ---- read-full-status, report-capabilities (SG_IO) ---------------------- */

static const char read_full_status_help[] =
	"Usage: " PROG_NAME " read-full-status DEVICE [--json]\n"
	"\n"
	"List every registration on DEVICE with its I_T nexus: key, relative\n"
	"target port, TransportID of the initiator port, and whether it holds\n"
	"the reservation (READ FULL STATUS). The kernel has no ioctl for it:\n"
	"SCSI PERSISTENT RESERVE IN goes over SG_IO to the path device-mapper\n"
	"picks, and, if that path cannot be reached, to each path of the map\n"
	"in turn.\n"
	"\n"
	"  -j, --json          JSON output\n"
	"  -h, --help          show this help\n";

static const char report_capabilities_help[] =
	"Usage: " PROG_NAME " report-capabilities DEVICE [--json]\n"
	"\n"
	"Show the persistent reservation capabilities of DEVICE and the types\n"
	"it supports (REPORT CAPABILITIES, over SG_IO as for read-full-status).\n"
	"\n"
	"  -j, --json          JSON output\n"
	"  -h, --help          show this help\n";

enum sg_read_op {
	SG_FULL_STATUS,
	SG_CAPABILITIES,
};

/*
 * One PERSISTENT RESERVE IN through libprtool on @d's device node; the
 * outcome (sense data, read-write retry) is copied back into @d for
 * cli_pr_failure().
 */
static int sg_read_one(struct pr_dev *d, enum sg_read_op op, void *out)
{
	struct prtool_dev *h;
	struct pr_dev *hd;
	int ret;

	ret = prtool_open(d->path, &h);
	if (ret)
		return ret;
	if (op == SG_FULL_STATUS)
		ret = prtool_read_full_status(h, out);
	else
		ret = prtool_report_capabilities(h, out);
	hd = lpt_pr_dev(h);
	d->sg = hd->sg;
	d->rw_errno = hd->rw_errno;
	memcpy(d->detail, hd->detail, sizeof(d->detail));
	prtool_close(h);
	return ret;
}

/* The command did not reach the device: another path may do better. */
static bool unreached(int ret)
{
	if (ret > 0)
		return pr_status_classify(ret) == PR_CLASS_PATH;
	return ret == -EIO || ret == -ENOTCONN || ret == -EAGAIN ||
	       ret == -ENXIO || ret == -ENODEV || ret == -ENOLINK;
}

/*
 * Run @op on @d; if it did not reach the device and @d is a multipath map,
 * on each of its paths until one answers. On failure prints one line for
 * the map and one per path tried, and returns the exit code.
 */
static int sg_read(struct pr_dev *d, const char *cmd, enum sg_read_op op,
		   void *out)
{
	struct mpath_map *m;
	char why[128];
	unsigned int i;
	int ret, pret;

	ret = sg_read_one(d, op, out);
	if (!ret)
		return PRTOOL_EXIT_OK;
	m = unreached(ret) ? calloc(1, sizeof(*m)) : NULL;
	if (!m || dm_mpath_lookup(d->major, d->minor, m, why, sizeof(why))) {
		free(m);
		return cli_pr_failure(d, cmd, ret);
	}
	ret = cli_pr_failure(d, cmd, ret);
	for (i = 0; i < m->table.nr_paths; i++) {
		struct pr_dev pd;

		memset(&pd, 0, sizeof(pd));
		snprintf(pd.path, sizeof(pd.path), "/dev/block/%u:%u",
			 m->table.paths[i].major, m->table.paths[i].minor);
		pret = sg_read_one(&pd, op, out);
		if (!pret) {
			free(m);
			return PRTOOL_EXIT_OK;
		}
		cli_pr_failure(&pd, cmd, pret);
	}
	free(m);
	return ret;
}

static const char *type_name_scsi(unsigned int scsi)
{
	const struct pr_type_desc *t = pr_type_by_value(pr_type_from_scsi(scsi));

	return t ? t->name : NULL;
}

static const char *proto_name(unsigned int proto)
{
	switch (proto) {
	case PRTOOL_PROTO_FC:
		return "fc";
	case PRTOOL_PROTO_ISCSI:
		return "iscsi";
	case PRTOOL_PROTO_SAS:
		return "sas";
	default:
		return "other";
	}
}

/*
 * The initiator port of a TransportID as text: the iSCSI name, a SAS
 * address or FC N_Port name as 0x + 16 hex digits, or the bytes in hex.
 */
static void tid_text(const struct prtool_registrant *r, char *buf,
		     size_t len)
{
	size_t n, i, max = r->tid_len < PRTOOL_TID_MAX ? r->tid_len :
							  PRTOOL_TID_MAX;
	const uint8_t *p = r->tid;
	int off = 0;

	buf[0] = '\0';
	if (r->protocol_id == PRTOOL_PROTO_ISCSI && max >= 4) {
		n = (size_t)p[2] << 8 | p[3];
		if (n > max - 4)
			n = max - 4;
		n = strnlen((const char *)p + 4, n);
		snprintf(buf, len, "%.*s", (int)n, p + 4);
		return;
	}
	if ((r->protocol_id == PRTOOL_PROTO_SAS && max >= 12) ||
	    (r->protocol_id == PRTOOL_PROTO_FC && max >= 16)) {
		p += r->protocol_id == PRTOOL_PROTO_SAS ? 4 : 8;
		max = 8;
		off = snprintf(buf, len, "0x");
	}
	for (i = 0; i < max && (size_t)off + 3 <= len; i++)
		off += snprintf(buf + off, len - (size_t)off, "%02x", p[i]);
}

static void full_status_json(FILE *f, const char *dev,
			     const struct prtool_full_status *fs)
{
	char tid[2 * PRTOOL_TID_MAX + 3];
	struct json j;
	uint32_t i;

	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "device", dev);
	json_kv_u64(&j, "generation", fs->generation);
	json_key(&j, "registrations");
	json_array_begin(&j);
	for (i = 0; i < fs->num; i++) {
		const struct prtool_registrant *r = &fs->regs[i];
		const char *tn = type_name_scsi(r->type);

		json_object_begin(&j);
		json_kv_hex64(&j, "key", r->key);
		json_kv_bool(&j, "holder", r->holder);
		json_key(&j, "type");
		if (r->holder && tn)
			json_string(&j, tn);
		else
			json_null(&j);
		json_key(&j, "scsi_type");
		if (r->holder)
			json_u64(&j, r->type);
		else
			json_null(&j);
		json_kv_u64(&j, "scope", r->scope);
		json_kv_bool(&j, "all_tg_pt", r->all_tg_pt);
		json_kv_u64(&j, "relative_target_port", r->rtpi);
		json_key(&j, "transport_id");
		if (r->tid_len) {
			tid_text(r, tid, sizeof(tid));
			json_object_begin(&j);
			json_kv_string(&j, "protocol",
				       proto_name(r->protocol_id));
			json_kv_u64(&j, "protocol_id", r->protocol_id);
			json_kv_u64(&j, "format", r->format_code);
			json_kv_string(&j, "name", tid);
			json_object_end(&j);
		} else {
			json_null(&j);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_kv_bool(&j, "truncated", fs->truncated);
	json_kv_string(&j, "source", "sg_io");
	json_object_end(&j);
	json_finish(&j);
}

static void full_status_text(FILE *f, const char *dev,
			     const struct prtool_full_status *fs)
{
	char tid[2 * PRTOOL_TID_MAX + 3];
	uint32_t i;

	fprintf(f, "%s: generation 0x%" PRIx32 ", %" PRIu32
		" registration%s%s\n", dev, fs->generation, fs->num, fs->num == 1 ? "" : "s",
	       fs->truncated ? " (response truncated)" : "");
	for (i = 0; i < fs->num; i++) {
		const struct prtool_registrant *r = &fs->regs[i];
		const char *tn = type_name_scsi(r->type);

		tid_text(r, tid, sizeof(tid));
		fprintf(f, "  key 0x%" PRIx64 ", port %u%s", r->key, r->rtpi,
			r->all_tg_pt ? " (all target ports)" : "");
		if (r->tid_len)
			fprintf(f, ", %s %s", proto_name(r->protocol_id), tid);
		if (r->holder) {
			if (tn)
				fprintf(f, ", holds %s", tn);
			else
				fprintf(f, ", holds SCSI type 0x%x", r->type);
		}
		fputc('\n', f);
	}
}

void pr_print_full_status(FILE *f, const char *dev,
			  const struct prtool_full_status *fs, bool json)
{
	if (json)
		full_status_json(f, dev, fs);
	else
		full_status_text(f, dev, fs);
}

int cmd_read_full_status(int argc, char *argv[])
{
	struct prtool_full_status fs = { 0 };
	struct pr_dev dev;
	bool json;
	int ret;

	if (!read_cmd_start(argc, argv, read_full_status_help, &json, &dev, &ret))
		return ret;
	ret = sg_read(&dev, argv[0], SG_FULL_STATUS, &fs);
	if (!ret)
		pr_print_full_status(stdout, dev.path, &fs, json);
	prtool_full_status_free(&fs);
	pr_dev_close(&dev);
	return ret;
}

/* Type Mask bits (SPC-4 6.15.4), with the enum pr_type of each. */
static const struct {
	uint16_t bit;
	unsigned int type;
} type_mask_bits[] = {
	{ 0x0200, 1 }, { 0x0800, 2 }, { 0x2000, 3 },
	{ 0x4000, 4 }, { 0x8000, 5 }, { 0x0001, 6 },
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void pr_print_capabilities(FILE *f, const char *dev,
			   const struct prtool_capabilities *c, bool json)
{
	struct json j;
	unsigned int i;

	if (json) {
		json_init(&j, f);
		json_object_begin(&j);
		json_kv_string(&j, "device", dev);
		json_kv_u64(&j, "length", c->length);
		json_kv_bool(&j, "rlr_c", c->rlr_c);
		json_kv_bool(&j, "crh", c->crh);
		json_kv_bool(&j, "sip_c", c->sip_c);
		json_kv_bool(&j, "atp_c", c->atp_c);
		json_kv_bool(&j, "ptpl_c", c->ptpl_c);
		json_kv_bool(&j, "tmv", c->tmv);
		json_kv_u64(&j, "allow_commands", c->allow_commands);
		json_kv_bool(&j, "ptpl_a", c->ptpl_a);
		json_kv_u64(&j, "type_mask", c->type_mask);
		json_key(&j, "types");
		if (c->tmv) {
			json_array_begin(&j);
			for (i = 0; i < ARRAY_SIZE(type_mask_bits); i++)
				if (c->type_mask & type_mask_bits[i].bit)
					json_string(&j, pr_type_by_value(
						type_mask_bits[i].type)->name);
			json_array_end(&j);
		} else {
			json_null(&j);
		}
		json_kv_string(&j, "source", "sg_io");
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	fprintf(f, "%s: REPORT CAPABILITIES, length %u\n", dev, c->length);
	fprintf(f, "  replace lost reservation capable (RLR_C): %s\n",
		yes_no(c->rlr_c));
	fprintf(f, "  compatible reservation handling (CRH): %s\n",
		yes_no(c->crh));
	fprintf(f, "  specify initiator ports capable (SIP_C): %s\n",
		yes_no(c->sip_c));
	fprintf(f, "  all target ports capable (ATP_C): %s\n",
		yes_no(c->atp_c));
	fprintf(f, "  persist through power loss capable (PTPL_C): %s\n",
		yes_no(c->ptpl_c));
	fprintf(f, "  persist through power loss active (PTPL_A): %s\n",
		yes_no(c->ptpl_a));
	fprintf(f, "  allow commands: %u\n", c->allow_commands);
	if (!c->tmv) {
		fputs("  types: not reported (type mask not valid)\n", f);
		return;
	}
	fprintf(f, "  types (mask 0x%04x):", c->type_mask);
	for (i = 0; i < ARRAY_SIZE(type_mask_bits); i++)
		if (c->type_mask & type_mask_bits[i].bit)
			fprintf(f, " %s",
				pr_type_by_value(type_mask_bits[i].type)->name);
	fputc('\n', f);
}

int cmd_report_capabilities(int argc, char *argv[])
{
	struct prtool_capabilities c = { 0 };
	struct pr_dev dev;
	bool json;
	int ret;

	if (!read_cmd_start(argc, argv, report_capabilities_help, &json, &dev, &ret))
		return ret;
	ret = sg_read(&dev, argv[0], SG_CAPABILITIES, &c);
	if (!ret)
		pr_print_capabilities(stdout, dev.path, &c, json);
	pr_dev_close(&dev);
	return ret;
}
