// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: mpathpersist's text output of PERSISTENT RESERVE IN responses.
 *
 * Byte for byte what multipath-tools 0.14.3's mpathpersist prints (see
 * shared/reference/mpathpersist-spec.md 1.3), including its oddities: the
 * TAB after "PR generation=0x..,", the blank before the newline of "there
 * is NO reservation held" and of the full status header, "Allow Commands"
 * as 0/1, the two blanks in "scope: LU_SCOPE,  type:". Where 0.14.3 reads
 * memory that the response did not fill, this prints what the response
 * holds:
 * - READ KEYS: the count comes from ADDITIONAL LENGTH, as in 0.14.3, but
 *   only keys that arrived are listed (0.14.3 lists zeros), with a note on
 *   stderr if asked for (-v 3);
 * - READ FULL STATUS: the descriptors that arrived are decoded (a cut
 *   TransportID with zeros for the rest), with a note on stderr if asked
 *   for (-v 3), however many there are (0.14.3 overflows its buffer
 *   beyond about 30); a descriptor without a
 *   TransportID prints no transport line (0.14.3 repeats the previous
 *   one); an iSCSI TransportID with a reserved format code is dumped in
 *   lines (0.14.3 runs them together).
 */
#include <inttypes.h>
#include <string.h>

#include <prtool/prtool.h>

#include "mpp_format.h"

static const char *const pr_type_strs[16] = {
	"obsolete [0]",
	"Write Exclusive",
	"obsolete [2]",
	"Exclusive Access",
	"obsolete [4]",
	"Write Exclusive, registrants only",
	"Exclusive Access, registrants only",
	"Write Exclusive, all registrants",
	"Exclusive Access, all registrants",
	"obsolete [9]",
	"obsolete [0xa]",
	"obsolete [0xb]",
	"obsolete [0xc]",
	"obsolete [0xd]",
	"obsolete [0xe]",
	"obsolete [0xf]",
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* The first @n bytes of the response, zero-padded. */
static void head(uint8_t *b, size_t n, const uint8_t *buf, size_t len)
{
	memset(b, 0, n);
	memcpy(b, buf, len < n ? len : n);
}

static void print_keys(FILE *out, FILE *err, bool notes, const uint8_t *buf,
		       size_t len)
{
	uint32_t num, avail, i;
	uint8_t h[8];

	head(h, sizeof(h), buf, len);
	fprintf(out, "  PR generation=0x%" PRIx32 ", ", get_be32(h));
	num = get_be32(h + 4) / 8;
	if (num == 0) {
		fprintf(out, "\t0 registered reservation key.\n");
		return;
	}
	if (num == 1)
		fprintf(out, "\t1 registered reservation key follows:\n");
	else
		fprintf(out, "\t%" PRIu32 " registered reservation keys "
			     "follow:\n", num);
	avail = len > 8 ? (uint32_t)((len - 8) / 8) : 0;
	for (i = 0; i < num && i < avail; i++)
		fprintf(out, "    0x%" PRIx64 "\n", get_be64(buf + 8 + 8 * i));
	if (notes && avail < num)
		fprintf(err, "only %" PRIu32 " of %" PRIu32 " keys arrived: "
			     "the response was cut at %zu bytes "
			     "(--alloc-length)\n", avail, num, len);
}

static void print_reservation(FILE *out, const uint8_t *buf, size_t len)
{
	unsigned int scope, type;
	uint8_t b[24];

	head(b, sizeof(b), buf, len);
	if (get_be32(b + 4) / 8 == 0) {
		fprintf(out, "  PR generation=0x%" PRIx32 ", there is NO "
			     "reservation held \n", get_be32(b));
		return;
	}
	fprintf(out, "  PR generation=0x%" PRIx32 ", Reservation follows:\n",
		get_be32(b));
	fprintf(out, "   Key = 0x%" PRIx64 "\n", get_be64(b + 8));
	scope = b[21] >> 4;
	type = b[21] & 0xf;
	if (scope == 0)
		fprintf(out, "  scope = LU_SCOPE, type = %s", pr_type_strs[type]);
	else
		fprintf(out, "  scope = %u, type = %s", scope,
			pr_type_strs[type]);
	fprintf(out, "\n");
}

static void print_capabilities(FILE *out, FILE *err, const uint8_t *buf,
			       size_t len)
{
	struct prtool_capabilities c;

	prtool_parse_capabilities(buf, len, &c);
	if (c.length <= 2) {
		fprintf(err, "Unexpected response for PRIN Report "
			     "Capabilities\n");
		return;
	}
	fprintf(out, "Report capabilities response:\n");
	fprintf(out, "  Compatible Reservation Handling(CRH): %d\n", c.crh);
	fprintf(out, "  Specify Initiator Ports Capable(SIP_C): %d\n",
		c.sip_c);
	fprintf(out, "  All Target Ports Capable(ATP_C): %d\n", c.atp_c);
	fprintf(out, "  Persist Through Power Loss Capable(PTPL_C): %d\n",
		c.ptpl_c);
	fprintf(out, "  Type Mask Valid(TMV): %d\n", c.tmv);
	/* 0.14.3 prints whether any of the 3 bits is set. */
	fprintf(out, "  Allow Commands: %d\n", !!c.allow_commands);
	fprintf(out, "  Persist Through Power Loss Active(PTPL_A): %d\n",
		c.ptpl_a);
	if (!c.tmv)
		return;
	fprintf(out, "    Support indicated in Type mask:\n");
	fprintf(out, "      %s: %d\n", pr_type_strs[7],
		!!(c.type_mask & 0x8000));
	fprintf(out, "      %s: %d\n", pr_type_strs[6],
		!!(c.type_mask & 0x4000));
	fprintf(out, "      %s: %d\n", pr_type_strs[5],
		!!(c.type_mask & 0x2000));
	fprintf(out, "      %s: %d\n", pr_type_strs[3],
		!!(c.type_mask & 0x0800));
	fprintf(out, "      %s: %d\n", pr_type_strs[1],
		!!(c.type_mask & 0x0200));
	fprintf(out, "      %s: %d\n", pr_type_strs[8],
		!!(c.type_mask & 0x0001));
}

/* multipath-tools' dumpHex() to stdout: 8 blanks, 16 bytes a line. */
static void hex_lines(FILE *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			fprintf(out, "       ");
		fprintf(out, "%s %02x", i % 16 == 8 ? " " : "", p[i]);
		if (i % 16 == 15 || i + 1 == n)
			fprintf(out, "\n");
	}
}

static void print_transport_id(FILE *out, const struct prtool_registrant *r)
{
	const uint8_t *name = r->tid + 4;
	size_t n;

	if (!r->tid_len)
		return;
	switch (r->protocol_id) {
	case PRTOOL_PROTO_FC:
		fprintf(out, "   FCP-2 ");
		if (r->format_code)
			fprintf(out, " [Unexpected format code: %d]\n",
				r->format_code);
		hex_lines(out, r->tid + 8, 8);
		break;
	case PRTOOL_PROTO_ISCSI:
		fprintf(out, "   iSCSI ");
		/* ISCSI NAME: ADDITIONAL LENGTH bytes from byte 4, to a NUL. */
		n = (size_t)r->tid[2] << 8 | r->tid[3];
		if (n > PRTOOL_TID_MAX - 4)
			n = PRTOOL_TID_MAX - 4;
		if (r->tid_len < 4)
			n = 0;
		else if (n > r->tid_len - 4)
			n = r->tid_len - 4;
		n = strnlen((const char *)name, n);
		if (r->format_code == 0) {
			fprintf(out, "name: %.*s\n", (int)n, name);
		} else if (r->format_code == 1) {
			fprintf(out, "world wide unique port id: %.*s\n",
				(int)n, name);
		} else {
			fprintf(out, "  [Unexpected format code: %d]\n",
				r->format_code);
			hex_lines(out, name, PRTOOL_TID_MAX - 4);
		}
		break;
	case PRTOOL_PROTO_SAS:
		fprintf(out, "   SAS ");
		if (r->format_code)
			fprintf(out, " [Unexpected format code: %d]\n",
				r->format_code);
		hex_lines(out, r->tid + 4, 8);
		break;
	default:
		break;
	}
}

static void print_full_status(FILE *out, FILE *err, bool notes,
			      const uint8_t *buf, size_t len)
{
	struct prtool_full_status fs;
	uint8_t h[8];
	uint32_t i;

	head(h, sizeof(h), buf, len);
	if (prtool_parse_full_status(len < 8 ? h : buf, len < 8 ? 8 : len,
				     &fs)) {
		fprintf(err, "out of memory\n");
		return;
	}
	fprintf(out, "  PR generation=0x%" PRIx32 " \n", fs.generation);
	for (i = 0; i < fs.num; i++) {
		const struct prtool_registrant *r = &fs.regs[i];

		fprintf(out, "   Key = 0x%" PRIx64 "\n", r->key);
		if (r->all_tg_pt) {
			fprintf(out, "      All target ports bit set\n");
		} else {
			fprintf(out, "      All target ports bit clear\n");
			fprintf(out, "      Relative port address: 0x%x\n",
				r->rtpi);
		}
		if (r->holder) {
			fprintf(out, "      << Reservation holder >>\n");
			if (r->scope == 0)
				fprintf(out, "      scope: LU_SCOPE, ");
			else
				fprintf(out, "      scope: %d ", r->scope);
			fprintf(out, " type: %s\n", pr_type_strs[r->type]);
		} else {
			fprintf(out, "      not reservation holder\n");
		}
		print_transport_id(out, r);
	}
	if (notes && fs.truncated)
		fprintf(err, "the READ FULL STATUS response was cut at %zu "
			     "bytes: its ADDITIONAL LENGTH is %" PRIu32
			     " (--alloc-length)\n", len, fs.additional_length);
	prtool_full_status_free(&fs);
}

void mpp_print_prin(FILE *out, FILE *err, bool notes, int sa,
		    const uint8_t *buf, size_t len)
{
	switch (sa) {
	case 0:
		print_keys(out, err, notes, buf, len);
		break;
	case 1:
		print_reservation(out, buf, len);
		break;
	case 2:
		print_capabilities(out, err, buf, len);
		break;
	case 3:
		print_full_status(out, err, notes, buf, len);
		break;
	default:
		break;
	}
}
