// SPDX-License-Identifier: GPL-2.0
/*
 * mpp-demo: a program written against libmpathpersist's API, built with
 * libprtool instead:
 *
 *   cc -o mpp-demo mpp-demo.c $(pkg-config --cflags --libs libprtool)
 *
 * It registers KEY on a multipath map, reserves it (Write Exclusive,
 * registrants only), reads the keys and the reservation, and releases
 * the reservation; with -u it also removes the registration at the end.
 * Only <prtool/mpath_persist_compat.h> differs from a libmpathpersist
 * program.
 *
 * Usage: mpp-demo [-u] DEVICE KEY     (KEY in hex, as mpathpersist takes it)
 * Exit status: 0, or the MPATH_PR_* code of the first step that failed.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <prtool/mpath_persist_compat.h>

static void put_key(uint8_t *p, uint64_t key)
{
	int i;

	for (i = 7; i >= 0; i--, key >>= 8)
		p[i] = (uint8_t)key;
}

static uint64_t get_key(const uint8_t *p)
{
	uint64_t key = 0;
	int i;

	for (i = 0; i < 8; i++)
		key = key << 8 | p[i];
	return key;
}

/* One PERSISTENT RESERVE OUT; prints what failed. */
static int prout(int fd, const char *what, int sa, unsigned int type,
		 uint64_t rk, uint64_t sark)
{
	struct prout_param_descriptor *p;
	int ret;

	p = calloc(1, sizeof(*p) + MPATH_MX_TIDS * sizeof(p->trnptid_list[0]));
	if (!p)
		return MPATH_PR_OTHER;
	put_key(p->key, rk);
	put_key(p->sa_key, sark);
	ret = mpath_persistent_reserve_out(fd, sa, MPATH_LU_SCOPE, type, p, 0,
					   0);
	free(p);
	printf("%-28s %s (%d)\n", what,
	       ret == MPATH_PR_SUCCESS ? "ok" : "FAILED", ret);
	return ret;
}

static int read_keys(int fd)
{
	struct prin_resp *r;
	uint32_t i, n;
	int ret;

	r = calloc(1, sizeof(*r) + MPATH_MX_TIDS *
			      sizeof(struct prin_fulldescr *));
	if (!r)
		return MPATH_PR_OTHER;
	ret = mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r, 0, 0);
	if (ret == MPATH_PR_SUCCESS) {
		n = r->prin_descriptor.prin_readkeys.additional_length / 8;
		printf("%-28s generation 0x%" PRIx32 ", %" PRIu32 " key(s)\n",
		       "read keys",
		       r->prin_descriptor.prin_readkeys.prgeneration, n);
		for (i = 0; i < n && i < MPATH_MAX_PARAM_LEN / 8; i++)
			printf("    0x%" PRIx64 "\n",
			       get_key(&r->prin_descriptor.prin_readkeys
						 .key_list[8 * i]));
	} else {
		printf("%-28s FAILED (%d)\n", "read keys", ret);
	}
	free(r);
	return ret;
}

static int read_reservation(int fd)
{
	struct prin_resp *r;
	int ret;

	r = calloc(1, sizeof(*r) + MPATH_MX_TIDS *
			      sizeof(struct prin_fulldescr *));
	if (!r)
		return MPATH_PR_OTHER;
	ret = mpath_persistent_reserve_in(fd, MPATH_PRIN_RRES_SA, r, 0, 0);
	if (ret != MPATH_PR_SUCCESS)
		printf("%-28s FAILED (%d)\n", "read reservation", ret);
	else if (!r->prin_descriptor.prin_readresv.additional_length)
		printf("%-28s none\n", "read reservation");
	else
		printf("%-28s key 0x%" PRIx64 ", type 0x%x\n",
		       "read reservation",
		       get_key(r->prin_descriptor.prin_readresv.key),
		       r->prin_descriptor.prin_readresv.scope_type &
			       MPATH_PR_TYPE_MASK);
	free(r);
	return ret;
}

int main(int argc, char *argv[])
{
	int fd, ret, first = MPATH_PR_SUCCESS, unregister = 0;
	uint64_t key;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "-u")) {
		unregister = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "Usage: mpp-demo [-u] DEVICE KEY\n");
		return MPATH_PR_SYNTAX_ERROR;
	}
	key = strtoull(argv[2], &end, 16);
	if (!*argv[2] || *end || !key) {
		fprintf(stderr, "mpp-demo: KEY must be a non-zero hex number\n");
		return MPATH_PR_SYNTAX_ERROR;
	}
	if (libmpathpersist_init()) {
		fprintf(stderr, "mpp-demo: libmpathpersist_init failed\n");
		return MPATH_PR_OTHER;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		libmpathpersist_exit();
		return MPATH_PR_FILE_ERROR;
	}

#define STEP(call)                                                           \
	do {                                                                 \
		ret = (call);                                                \
		if (ret != MPATH_PR_SUCCESS && first == MPATH_PR_SUCCESS)    \
			first = ret;                                         \
	} while (0)

	STEP(prout(fd, "register", MPATH_PROUT_REG_SA, 0, 0, key));
	STEP(prout(fd, "reserve (WE, registrants)", MPATH_PROUT_RES_SA,
		   MPATH_PRTPE_WE_RO, key, 0));
	STEP(read_keys(fd));
	STEP(read_reservation(fd));
	STEP(prout(fd, "release", MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, key,
		   0));
	if (unregister)
		STEP(prout(fd, "unregister", MPATH_PROUT_REG_SA, 0, key, 0));

	close(fd);
	libmpathpersist_exit();
	return first;
}
