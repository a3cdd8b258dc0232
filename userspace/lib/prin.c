// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: READ FULL STATUS and REPORT CAPABILITIES, and the decoders of
 * their responses.
 *
 * The decoders are pure functions of the response bytes: the mpathpersist
 * front end prints from them, and the tests feed them made-up responses.
 * They never read past the bytes they are given, whatever the lengths
 * inside the response claim.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "libprtool_int.h"
#include "pr.h"

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

void prtool_parse_capabilities(const uint8_t *buf, size_t len,
			       struct prtool_capabilities *caps)
{
	uint8_t b[8] = { 0 };

	memcpy(b, buf, len < sizeof(b) ? len : sizeof(b));
	memset(caps, 0, sizeof(*caps));
	caps->length = get_be16(b);
	caps->rlr_c = b[2] & 0x80;
	caps->crh = b[2] & 0x10;
	caps->sip_c = b[2] & 0x08;
	caps->atp_c = b[2] & 0x04;
	caps->ptpl_c = b[2] & 0x01;
	caps->tmv = b[3] & 0x80;
	caps->allow_commands = (b[3] >> 4) & 0x7;
	caps->ptpl_a = b[3] & 0x01;
	caps->type_mask = get_be16(b + 4);
}

/* Full status descriptor: 24 bytes, then the TransportID. */
#define FS_DESC_HDR	24

int prtool_parse_full_status(const uint8_t *buf, size_t len,
			     struct prtool_full_status *fs)
{
	struct prtool_registrant *r;
	size_t off, end, room = 0;

	memset(fs, 0, sizeof(*fs));
	if (len < 8)
		return -EBADMSG;
	fs->generation = get_be32(buf);
	fs->additional_length = get_be32(buf + 4);
	end = len;
	if (fs->additional_length < end - 8)
		end = 8 + (size_t)fs->additional_length;
	else if (fs->additional_length > end - 8)
		fs->truncated = true;

	for (off = 8; off + FS_DESC_HDR <= end;) {
		const uint8_t *p = buf + off;
		size_t tid_len = get_be32(p + 20);

		if (fs->num == room) {
			room = room ? 2 * room : 16;
			r = realloc(fs->regs, room * sizeof(*r));
			if (!r) {
				prtool_full_status_free(fs);
				return -ENOMEM;
			}
			fs->regs = r;
		}
		r = &fs->regs[fs->num++];
		memset(r, 0, sizeof(*r));
		r->key = get_be64(p);
		r->all_tg_pt = p[12] & 0x02;
		r->holder = p[12] & 0x01;
		r->scope = p[13] >> 4;
		r->type = p[13] & 0xf;
		r->rtpi = get_be16(p + 18);
		/* A TransportID running past the data is cut there. */
		if (tid_len > end - off - FS_DESC_HDR) {
			tid_len = end - off - FS_DESC_HDR;
			fs->truncated = true;
		}
		r->tid_len = (uint32_t)tid_len;
		if (tid_len) {
			r->protocol_id = p[FS_DESC_HDR] & 0xf;
			r->format_code = (p[FS_DESC_HDR] >> 6) & 0x3;
			memcpy(r->tid, p + FS_DESC_HDR,
			       tid_len < PRTOOL_TID_MAX ? tid_len :
							  PRTOOL_TID_MAX);
		}
		off += FS_DESC_HDR + tid_len;
	}
	if (off < end)
		fs->truncated = true;
	return 0;
}

void prtool_full_status_free(struct prtool_full_status *fs)
{
	free(fs->regs);
	fs->regs = NULL;
	fs->num = 0;
}

/*
 * READ FULL STATUS and REPORT CAPABILITIES have no ioctl: a device that
 * takes no SG_IO (loop answers EINVAL, NVMe ENOTTY) cannot answer them.
 * Say so in the detail, rather than pass on SG_IO's errno alone.
 */
static int sg_only(struct pr_dev *d, int ret, const char *what)
{
	if (ret != -EINVAL && ret != -ENOTTY)
		return ret;
	snprintf(d->detail, sizeof(d->detail),
		 "%s has no ioctl, and the device does not take SCSI "
		 "PERSISTENT RESERVE IN over SG_IO: it needs a SCSI device or "
		 "a multipath map of SCSI paths", what);
	return -EOPNOTSUPP;
}

int prtool_report_capabilities(struct prtool_dev *dev,
			       struct prtool_capabilities *caps)
{
	struct pr_dev *d = lpt_pr_dev(dev);
	uint8_t buf[8];
	size_t got;
	int ret;

	ret = pr_in_retry(d, PR_IN_REPORT_CAPABILITIES, buf, sizeof(buf), &got);
	if (ret)
		return sg_only(d, ret, "REPORT CAPABILITIES");
	prtool_parse_capabilities(buf, got, caps);
	return 0;
}

int prtool_read_full_status(struct prtool_dev *dev,
			    struct prtool_full_status *fs)
{
	struct pr_dev *d = lpt_pr_dev(dev);
	size_t len = 8192, got, need;
	uint8_t *buf = NULL, *nbuf;
	int ret, tries;

	memset(fs, 0, sizeof(*fs));
	for (tries = 0; tries < 3; tries++) {
		nbuf = realloc(buf, len);
		if (!nbuf) {
			ret = -ENOMEM;
			break;
		}
		buf = nbuf;
		ret = pr_in_retry(d, PR_IN_READ_FULL_STATUS, buf, len, &got);
		if (ret) {
			ret = sg_only(d, ret, "READ FULL STATUS");
			break;
		}
		prtool_full_status_free(fs);
		ret = prtool_parse_full_status(buf, got, fs);
		if (ret)
			break;
		need = 8 + (size_t)fs->additional_length;
		/* Done if it all fitted, or if it cannot grow further. */
		if (need <= got || len == PR_IN_MAX_ALLOC)
			break;
		len = need > PR_IN_MAX_ALLOC ? PR_IN_MAX_ALLOC : need;
	}
	free(buf);
	if (ret)
		prtool_full_status_free(fs);
	return ret;
}
