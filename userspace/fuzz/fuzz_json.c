// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the JSON reader and lvm's report on top of it (what
 * "lvm pvs --reportformat json" prints, read by lvmpersist).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonp.h"
#include "lvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvm_vg_pvs pvs;
	char *s = malloc(size + 1);
	char why[256];
	struct jv *v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	v = jv_parse(s, why, sizeof(why));
	jv_free(v);
	if (!lvm_parse_vg_pvs(s, "vg0", &pvs, why, sizeof(why)))
		lvm_vg_pvs_free(&pvs);
	free(s);
	return 0;
}
