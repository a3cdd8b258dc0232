// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the PERSISTENT RESERVE IN parsers, which read what a
 * device (or anything answering SG_IO) returns. The first byte picks the
 * parser, the rest is the response.
 */
#include <stdint.h>
#include <stdlib.h>

#include <prtool/prtool.h>

#include "pr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prtool_full_status fs;
	struct prtool_capabilities caps;
	struct pr_keys k = { 0 };
	struct pr_resv r;

	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0:
		if (pr_parse_read_keys(data + 1, size - 1, &k) >= 0)
			free(k.keys);
		break;
	case 1:
		pr_parse_read_reservation(data + 1, size - 1, &r);
		break;
	case 2:
		if (!prtool_parse_full_status(data + 1, size - 1, &fs))
			prtool_full_status_free(&fs);
		break;
	default:
		prtool_parse_capabilities(data + 1, size - 1, &caps);
		break;
	}
	return 0;
}
