// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kernel uevent parser of the daemon (a datagram of
 * NUL-separated KEY=VALUE strings).
 */
#include <stdint.h>

#include "uevent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uevent ue;

	uevent_parse((const char *)data, size, &ue);
	return 0;
}
