// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the multipath table parser (the params of a live dm
 * table, as libdevmapper returns them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpath_table *t = calloc(1, sizeof(*t));
	char *params = malloc(size + 1);
	char err[256];

	if (t && params) {
		memcpy(params, data, size);
		params[size] = '\0';
		mpath_parse_params(params, t, err, sizeof(err));
	}
	free(params);
	free(t);
	return 0;
}
