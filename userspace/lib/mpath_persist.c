// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the libmpathpersist API (include/prtool/mpath_persist_compat.h).
 *
 * The work is done by mpp.c; this file translates between libmpathpersist's
 * structures and the bytes of the SCSI commands. It only ever writes the
 * member of struct prin_resp that the service action uses (callers size
 * the structure for it), at most MPATH_MAX_FULL_DESCRIPTORS full status
 * descriptors into private_buffer, and nothing into the caller's
 * prout_param_descriptor (libmpathpersist builds the transport IDs in its
 * private_buffer, shared by its threads).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/mpath_persist_compat.h>
#include <prtool/prtool.h>

#include "mpp.h"

unsigned int mpath_mx_alloc_len;

/* What mpath_lib_init() hands out: there is no configuration. */
struct config {
	int unused;
};

static struct config no_config;

int libmpathpersist_init(void)
{
	return 0;
}

int libmpathpersist_exit(void)
{
	return 0;
}

struct config *mpath_lib_init(void)
{
	return &no_config;
}

int mpath_lib_exit(struct config *conf)
{
	(void)conf;
	return 0;
}

int mpath_persistent_reserve_init_vecs(int verbose)
{
	mpp_verbosity = verbose;
	return MPATH_PR_SUCCESS;
}

void mpath_persistent_reserve_free_vecs(void)
{
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* One READ FULL STATUS descriptor, the way libmpathpersist decodes it. */
static void fill_fulldescr(struct prin_fulldescr *d,
			   const struct prtool_registrant *r)
{
	struct transportid *t = &d->trnptid;

	memset(d, 0, sizeof(*d));
	put_be64(d->key, r->key);
	d->flag = (uint8_t)((r->all_tg_pt ? 0x02 : 0) | (r->holder ? 0x01 : 0));
	d->scope_type = (uint8_t)(r->scope << 4 | r->type);
	d->rtpi = r->rtpi;
	if (!r->tid_len)
		return;
	t->format_code = r->format_code;
	t->protocol_id = r->protocol_id;
	switch (r->protocol_id) {
	case MPATH_PROTOCOL_ID_FC:
		if (r->tid_len >= 16)
			memcpy(t->n_port_name, r->tid + 8, 8);
		break;
	case MPATH_PROTOCOL_ID_SAS:
		if (r->tid_len >= 12)
			memcpy(t->sas_address, r->tid + 4, 8);
		break;
	case MPATH_PROTOCOL_ID_ISCSI:
		if (r->tid_len > 4) {
			size_t n = get_be16(r->tid + 2);
			size_t have = r->tid_len < PRTOOL_TID_MAX ?
					      r->tid_len :
					      PRTOOL_TID_MAX;

			if (n > have - 4)
				n = have - 4;
			memcpy(t->iscsi_name, r->tid + 4, n);
		}
		break;
	default:
		break;
	}
}

static int fill_full_status(const uint8_t *buf, size_t got,
			    struct print_fulldescr_list *fd)
{
	struct prtool_full_status fs;
	uint32_t i, n;

	memset(fd, 0, sizeof(*fd));
	if (prtool_parse_full_status(buf, got, &fs))
		return MPATH_PR_OTHER;
	fd->prgeneration = fs.generation;
	n = fs.num < MPATH_MAX_FULL_DESCRIPTORS ?
		    fs.num :
		    (uint32_t)MPATH_MAX_FULL_DESCRIPTORS;
	if (n < fs.num)
		mpp_log(1, "READ FULL STATUS: %u descriptors, %u fit into "
			   "struct prin_resp", fs.num, n);
	for (i = 0; i < n; i++) {
		struct prin_fulldescr *d = (struct prin_fulldescr *)
			(fd->private_buffer + i * sizeof(*d));

		fill_fulldescr(d, &fs.regs[i]);
		fd->descriptors[i] = d;
	}
	fd->number_of_descriptor = n;
	prtool_full_status_free(&fs);
	return MPATH_PR_SUCCESS;
}

/* Copy the response into the member of @resp for @sa, host order. */
static int fill_resp(int sa, const uint8_t *buf, size_t got,
		     struct prin_resp *resp)
{
	size_t n;

	switch (sa) {
	case MPATH_PRIN_RKEY_SA: {
		struct prin_readdescr *rk = &resp->prin_descriptor.prin_readkeys;

		memset(rk, 0, sizeof(*rk));
		rk->prgeneration = get_be32(buf);
		rk->additional_length = get_be32(buf + 4);
		n = got > 8 ? got - 8 : 0;
		memcpy(rk->key_list, buf + 8,
		       n < sizeof(rk->key_list) ? n : sizeof(rk->key_list));
		return MPATH_PR_SUCCESS;
	}
	case MPATH_PRIN_RRES_SA: {
		struct prin_resvdescr *rr = &resp->prin_descriptor.prin_readresv;

		memset(rr, 0, sizeof(*rr));
		memcpy(rr, buf, got < sizeof(*rr) ? got : sizeof(*rr));
		rr->prgeneration = get_be32(buf);
		rr->additional_length = get_be32(buf + 4);
		return MPATH_PR_SUCCESS;
	}
	case MPATH_PRIN_RCAP_SA: {
		struct prin_capdescr *rc = &resp->prin_descriptor.prin_readcap;

		memset(rc, 0, sizeof(*rc));
		memcpy(rc, buf, got < sizeof(*rc) ? got : sizeof(*rc));
		rc->length = get_be16(buf);
		rc->pr_type_mask = get_be16(buf + 4);
		return MPATH_PR_SUCCESS;
	}
	default:
		return fill_full_status(buf, got,
					&resp->prin_descriptor.prin_readfd);
	}
}

int __mpath_persistent_reserve_in(int fd, int rq_servact,
				  struct prin_resp *resp, int noisy)
{
	/* Room for the 8-byte header even if the allocation is smaller. */
	uint8_t *buf;
	size_t len, got;
	int code;

	len = mpp_prin_alloc_len(rq_servact);
	if (!len || !resp) {
		mpp_log(0, "invalid PERSISTENT RESERVE IN request");
		return MPATH_PR_SYNTAX_ERROR;
	}
	buf = calloc(1, len < 8 ? 8 : len);
	if (!buf)
		return MPATH_PR_OTHER;
	code = mpp_prin(fd, rq_servact, buf, len, &got, noisy);
	if (code == MPATH_PR_SUCCESS)
		code = fill_resp(rq_servact, buf, got, resp);
	free(buf);
	return code;
}

int mpath_persistent_reserve_in__(int fd, int rq_servact,
				  struct prin_resp *resp, int noisy)
{
	return __mpath_persistent_reserve_in(fd, rq_servact, resp, noisy);
}

int mpath_persistent_reserve_in(int fd, int rq_servact,
				struct prin_resp *resp, int noisy, int verbose)
{
	mpath_persistent_reserve_init_vecs(verbose);
	return __mpath_persistent_reserve_in(fd, rq_servact, resp, noisy);
}

/*
 * The identifier of a struct transportid for mpp_encode_tid(). An iSCSI
 * name is either the name itself or, as mpathpersist builds it, a 2-byte
 * big-endian length and the NUL-padded name.
 */
static int tid_id(const struct transportid *t, unsigned int *format,
		  const uint8_t **id, size_t *len)
{
	const uint8_t *name = t->iscsi_name;
	size_t max = sizeof(t->iscsi_name);

	if (t->format_code == MPATH_WWUI_PORT_IDENTIFIER)
		*format = 1;
	else if (t->format_code <= 1)
		*format = t->format_code;
	else
		return -EINVAL;
	switch (t->protocol_id) {
	case MPATH_PROTOCOL_ID_FC:
		*id = t->n_port_name;
		*len = 8;
		return 0;
	case MPATH_PROTOCOL_ID_SAS:
		*id = t->sas_address;
		*len = 8;
		return 0;
	case MPATH_PROTOCOL_ID_ISCSI:
		if (!isalpha(name[0])) {
			size_t field = get_be16(name);

			name += 2;
			max = field && field < max - 2 ? field : max - 2;
		}
		*id = name;
		*len = strnlen((const char *)name, max);
		return 0;
	default:
		return -EINVAL;
	}
}

int __mpath_persistent_reserve_out(int fd, int rq_servact, int rq_scope,
				   unsigned int rq_type,
				   struct prout_param_descriptor *paramp,
				   int noisy)
{
	struct mpp_out o = { 0 };
	uint8_t *tids = NULL;
	size_t off = 0;
	uint32_t i;
	int code;

	if (!paramp) {
		mpp_log(0, "no PERSISTENT RESERVE OUT parameters");
		return MPATH_PR_SYNTAX_ERROR;
	}
	o.key = get_be64(paramp->key);
	o.sa_key = get_be64(paramp->sa_key);
	o.sa_flags = paramp->sa_flags;
	if (paramp->sa_flags & MPATH_F_SPEC_I_PT_MASK) {
		tids = calloc(1, MPATH_MAX_PARAM_LEN + MPP_TID_MAX);
		if (!tids)
			return MPATH_PR_OTHER;
		for (i = 0; i < paramp->num_transportid; i++) {
			const struct transportid *t = paramp->trnptid_list[i];
			unsigned int format;
			const uint8_t *id;
			size_t len;
			int n;

			n = -EINVAL;
			if (t && !tid_id(t, &format, &id, &len))
				n = mpp_encode_tid(t->protocol_id, format, id,
						   len, tids + off);
			if (n < 0) {
				mpp_log(0, "transport ID %u is malformed", i);
				free(tids);
				return MPATH_PR_SYNTAX_ERROR;
			}
			off += (size_t)n;
			if (off > MPATH_MAX_PARAM_LEN - 28) {
				mpp_log(0, "the transport IDs do not fit into "
					   "%d bytes", MPATH_MAX_PARAM_LEN);
				free(tids);
				return MPATH_PR_SYNTAX_ERROR;
			}
		}
		o.tids = tids;
		o.tids_len = off;
	}
	code = mpp_prout(fd, rq_servact, (unsigned int)rq_scope, rq_type, &o,
			 noisy);
	free(tids);
	return code;
}

int mpath_persistent_reserve_out__(int fd, int rq_servact, int rq_scope,
				   unsigned int rq_type,
				   struct prout_param_descriptor *paramp,
				   int noisy)
{
	return __mpath_persistent_reserve_out(fd, rq_servact, rq_scope,
					      rq_type, paramp, noisy);
}

int mpath_persistent_reserve_out(int fd, int rq_servact, int rq_scope,
				 unsigned int rq_type,
				 struct prout_param_descriptor *paramp,
				 int noisy, int verbose)
{
	mpath_persistent_reserve_init_vecs(verbose);
	return __mpath_persistent_reserve_out(fd, rq_servact, rq_scope,
					      rq_type, paramp, noisy);
}

int prtool_mpath_prin(int fd, int sa, uint8_t *buf, size_t len, size_t *got,
		      int noisy)
{
	return mpp_prin(fd, sa, buf, len, got, noisy);
}

unsigned int prtool_mpath_prin_len(int sa)
{
	return mpp_prin_alloc_len(sa);
}
