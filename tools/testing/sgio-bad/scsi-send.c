// SPDX-License-Identifier: GPL-2.0
/*
 * scsi-send: one PERSISTENT RESERVE command through the legacy
 * SCSI_IOCTL_SEND_COMMAND ioctl, for scenario 34-sgio-sg-persist.
 *
 *   scsi-send DEV register SARK        REGISTER (key 0 registered: none)
 *   scsi-send DEV unregister RK        REGISTER with service action key 0
 *   scsi-send DEV reserve RK TYPE      RESERVE, TYPE the SPC-4 code
 *   scsi-send DEV read-keys            READ KEYS
 *
 * Prints "status 0xNN" (the ioctl's value: the SCSI status), then for
 * GOOD READ KEYS one "0x<key>" line per key, for CHECK CONDITION
 * "sense KEY/ASC/ASCQ". Exit status: 0 if the ioctl returned a status,
 * 1 if it failed (errno printed), 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/scsi_ioctl.h>

#define PR_IN		0x5e
#define PR_OUT		0x5f
#define CDB_LEN		10
#define PLEN		24
#define IN_LEN		256

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int usage(void)
{
	fprintf(stderr, "usage: scsi-send DEV register SARK | unregister RK | reserve RK TYPE | read-keys\n");
	return 2;
}

int main(int argc, char **argv)
{
	/* inlen, outlen, then CDB and data: the layout of scsi_ioctl_command */
	union {
		struct {
			unsigned int inlen;
			unsigned int outlen;
			uint8_t data[CDB_LEN + IN_LEN];
		} c;
		uint8_t raw[8 + CDB_LEN + IN_LEN];
	} u;
	uint8_t *cdb = u.c.data, *data = u.c.data + CDB_LEN;
	uint8_t opcode;
	int fd, r;

	if (argc < 3)
		return usage();
	memset(&u, 0, sizeof(u));
	if (!strcmp(argv[2], "read-keys") && argc == 3) {
		cdb[0] = PR_IN;
		cdb[1] = 0x00;
		cdb[7] = IN_LEN >> 8;
		cdb[8] = IN_LEN & 0xff;
		u.c.outlen = IN_LEN;
	} else if ((!strcmp(argv[2], "register") || !strcmp(argv[2], "unregister")) &&
		   argc == 4) {
		uint64_t k = strtoull(argv[3], NULL, 0);

		cdb[0] = PR_OUT;
		cdb[1] = 0x00;
		cdb[8] = PLEN;
		if (!strcmp(argv[2], "register"))
			put_be64(data + 8, k);
		else
			put_be64(data, k);
		u.c.inlen = PLEN;
	} else if (!strcmp(argv[2], "reserve") && argc == 5) {
		cdb[0] = PR_OUT;
		cdb[1] = 0x01;
		cdb[2] = strtoul(argv[4], NULL, 0) & 0x0f;
		cdb[8] = PLEN;
		put_be64(data, strtoull(argv[3], NULL, 0));
		u.c.inlen = PLEN;
	} else {
		return usage();
	}

	opcode = cdb[0];
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "scsi-send: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	r = ioctl(fd, SCSI_IOCTL_SEND_COMMAND, &u);
	close(fd);
	if (r < 0) {
		printf("errno %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	printf("status 0x%02x\n", r);
	if (r == 0 && opcode == PR_IN) {
		/* the response replaces the CDB at data[0] */
		uint32_t n = (uint32_t)u.c.data[4] << 24 | u.c.data[5] << 16 |
			     u.c.data[6] << 8 | u.c.data[7];

		for (uint32_t i = 0; i < n / 8 && 8 + 8 * (i + 1) <= IN_LEN; i++)
			printf("0x%" PRIx64 "\n", get_be64(u.c.data + 8 + 8 * i));
	} else if (r == 0x02) {
		printf("sense %x/%02x/%02x\n", u.c.data[2] & 0x0f, u.c.data[12],
		       u.c.data[13]);
	}
	return 0;
}
