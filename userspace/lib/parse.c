// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: parsing of keys and reservation types.
 *
 * Keys are parsed by hand rather than with strtoull(): strtoull() accepts
 * leading blanks, a sign ("-1" becomes 2^64-1), octal and partial input,
 * and util-linux's size parser (blkpr) even takes "1K". A key is a 64-bit
 * identity that fences a host; a typo must never turn into a different
 * valid key.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lpt.h"
#include "parse.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_key(const char *s, uint64_t *key, const char **why)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s) {
		*why = "the key is empty";
		return -1;
	}
	if (isspace((unsigned char)*s)) {
		*why = "leading blanks are not accepted";
		return -1;
	}
	if (*s == '-') {
		*why = "keys are not negative";
		return -1;
	}
	if (*s == '+') {
		*why = "a sign is not accepted";
		return -1;
	}

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		p = s + 2;
		if (!*p) {
			*why = "hex digits are missing after 0x";
			return -1;
		}
		for (; *p; p++) {
			int d = hex_digit(*p);

			if (d < 0) {
				*why = "not a hex digit after 0x";
				return -1;
			}
			if (v > (UINT64_MAX >> 4)) {
				*why = "the key does not fit in 64 bits";
				return -1;
			}
			v = (v << 4) | (uint64_t)d;
		}
		*key = v;
		return 0;
	}

	if (!isdigit((unsigned char)*s)) {
		*why = "not a number (use decimal, or hex with a 0x prefix)";
		return -1;
	}
	if (s[0] == '0' && s[1]) {
		*why = "a leading zero is ambiguous (octal is not accepted; "
		       "write hex with a 0x prefix)";
		return -1;
	}
	for (p = s; *p; p++) {
		unsigned int d;

		if (!isdigit((unsigned char)*p)) {
			if (strchr("KMGTPE", toupper((unsigned char)*p)) &&
			    (!p[1] || !strcmp(p + 1, "B") || !strcmp(p + 1, "iB")))
				*why = "size suffixes are not accepted";
			else if (hex_digit(*p) >= 0)
				*why = "hex digits need a 0x prefix";
			else
				*why = "trailing characters after the number";
			return -1;
		}
		d = (unsigned int)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*why = "the key does not fit in 64 bits";
			return -1;
		}
		v = v * 10 + d;
	}
	*key = v;
	return 0;
}

const struct pr_type_desc pr_types[] = {
	{ 1, "write-exclusive", "we", 0x1, "Write Exclusive" },
	{ 2, "exclusive-access", "ea", 0x3, "Exclusive Access" },
	{ 3, "write-exclusive-reg-only", "wero", 0x5,
	  "Write Exclusive, registrants only" },
	{ 4, "exclusive-access-reg-only", "earo", 0x6,
	  "Exclusive Access, registrants only" },
	{ 5, "write-exclusive-all-regs", "wear", 0x7,
	  "Write Exclusive, all registrants" },
	{ 6, "exclusive-access-all-regs", "eaar", 0x8,
	  "Exclusive Access, all registrants" },
};

const unsigned int nr_pr_types = ARRAY_SIZE(pr_types);

const struct pr_type_desc *pr_type_by_value(unsigned int value)
{
	unsigned int i;

	for (i = 0; i < nr_pr_types; i++)
		if (pr_types[i].value == value)
			return &pr_types[i];
	return NULL;
}

unsigned int pr_type_from_scsi(unsigned int scsi_type)
{
	unsigned int i;

	for (i = 0; i < nr_pr_types; i++)
		if (pr_types[i].scsi == scsi_type)
			return pr_types[i].value;
	return 0;
}

int parse_pr_type(const char *s, unsigned int *type)
{
	const char *why;
	uint64_t v;
	unsigned int i;
	char shrt[5] = "";

	/* "we-ro", "ea-ar": the four-letter short names with a dash. */
	if (strlen(s) == 5 && s[2] == '-') {
		memcpy(shrt, s, 2);
		memcpy(shrt + 2, s + 3, 2);
	}
	for (i = 0; i < nr_pr_types; i++) {
		if (!strcasecmp(s, pr_types[i].name) ||
		    !strcasecmp(s, pr_types[i].alias) ||
		    (shrt[0] && !strcasecmp(shrt, pr_types[i].alias))) {
			*type = pr_types[i].value;
			return 0;
		}
	}
	/*
	 * A number only with its numbering: the kernel's enum pr_type and the
	 * SPC-4 type code differ (5 is write-exclusive-all-regs to the kernel
	 * and registrants-only to the device, mpathpersist -T and sg_persist),
	 * so a bare number could mean either.
	 */
	if (!strncasecmp(s, "pr:", 3)) {
		if (parse_key(s + 3, &v, &why) || v > UINT32_MAX ||
		    !pr_type_by_value((unsigned int)v))
			return -1;
		*type = (unsigned int)v;
		return 0;
	}
	if (!strncasecmp(s, "scsi:", 5)) {
		if (parse_key(s + 5, &v, &why) || v > 0xf ||
		    !pr_type_from_scsi((unsigned int)v))
			return -1;
		*type = pr_type_from_scsi((unsigned int)v);
		return 0;
	}
	return -1;
}
