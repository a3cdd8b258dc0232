/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: parsing of keys and reservation types.
 */
#ifndef PRTOOL_PARSE_H
#define PRTOOL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * parse_key() - parse a reservation key
 * @s: the text: 0x-prefixed hex (1 to 16 significant digits) or decimal,
 *	0 to 2^64-1, nothing else (no sign, blanks, size suffix, octal)
 * @key: the result
 * @why: on failure, a reason for the user
 *
 * Return: 0 on success, -1 on failure.
 */
int parse_key(const char *s, uint64_t *key, const char **why);

/**
 * struct pr_type_desc - a reservation type, blkpr style
 * @value: enum pr_type value (linux/pr.h)
 * @name: canonical name, used for input and output
 * @alias: short name accepted on input
 * @scsi: SPC-4 PR type code of the same type
 * @help: human description (SPC wording)
 */
struct pr_type_desc {
	unsigned int value;
	const char *name;
	const char *alias;
	unsigned int scsi;
	const char *help;
};

extern const struct pr_type_desc pr_types[];
extern const unsigned int nr_pr_types;

/* The table entry for an enum pr_type value, or NULL. */
const struct pr_type_desc *pr_type_by_value(unsigned int value);
/* The enum pr_type value of a SPC-4 type code, 0 if it has none. */
unsigned int pr_type_from_scsi(unsigned int scsi_type);
/*
 * Parse a type given by name or alias, or by a number with its numbering:
 * "pr:N" the kernel's enum pr_type (1-6), "scsi:N" the SPC-4 type code
 * (1, 3, 5-8); decimal or 0x hex. A bare number is refused: the two
 * numberings disagree.
 * Return: 0 on success, -1 on failure.
 */
int parse_pr_type(const char *s, unsigned int *type);

#endif /* PRTOOL_PARSE_H */
