/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: mpathpersist's text output of PERSISTENT RESERVE IN responses.
 */
#ifndef PRTOOL_MPP_FORMAT_H
#define PRTOOL_MPP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

/**
 * mpp_print_prin() - print a PR IN response as mpathpersist 0.14.3 does
 * @out: where the decoded text goes (stdout)
 * @err: where messages go (stderr): "Unexpected response for PRIN Report
 *	Capabilities", and, with @notes, a note when the allocation length
 *	cut the response short
 * @notes: print that note (mpathpersist prints none: the front end asks
 *	for it at -v 3 and up only, where mpathpersist's own log lines make
 *	stderr differ anyway)
 * @sa: service action: 0 READ KEYS, 1 READ RESERVATION, 2 REPORT
 *	CAPABILITIES, 3 READ FULL STATUS
 * @buf: the response as the device sent it
 * @len: its length; bytes past it count as zero (mpathpersist's response
 *	buffer is zeroed), except that keys and full status descriptors that
 *	did not arrive are not printed
 *
 * A pure function of (@sa, @buf, @len): the golden-file tests feed it
 * made-up responses.
 */
void mpp_print_prin(FILE *out, FILE *err, bool notes, int sa,
		    const uint8_t *buf, size_t len);

#endif /* PRTOOL_MPP_FORMAT_H */
