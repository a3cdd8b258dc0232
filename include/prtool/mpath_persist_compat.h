/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: the libmpathpersist API (multipath-tools' <mpath_persist.h>,
 * LIBMPATHPERSIST_2.1.0 and 2.2.0) on top of the kernel's IOC_PR_* ioctls.
 *
 * Include this header instead of <mpath_persist.h> and link with
 * libprtool (pkg-config --cflags --libs libprtool). Constants, structures
 * and prototypes are those of libmpathpersist, with the same layouts, so
 * programs written for it build unchanged. This header and
 * <mpath_persist.h> use the same include guards: a program that ends up
 * with both gets one set of definitions.
 *
 * What is different (see libprtool(3)):
 * - No multipath.conf: there is no reservation_key to configure and
 *   nothing to check the keys against; with the dm_mpath_pr module
 *   attached, the kernel keeps the host's key and brings returning paths to
 *   it. The init functions only exist for source compatibility.
 * - PERSISTENT RESERVE OUT goes to the map through IOC_PR_* (every path,
 *   failed ones tracked, when dm_mpath_pr is attached; device-mapper's own
 *   pr_ops otherwise). What those ioctls cannot express (SPEC_I_PT with
 *   transport IDs, scopes other than LU_SCOPE, obsolete type codes) is sent
 *   as SCSI PERSISTENT RESERVE OUT over SG_IO on the map, which reaches one
 *   path. ALL_TG_PT and APTPL are not sent through the ioctls: the kernel
 *   registers every path, and its SCSI driver always sets APTPL.
 * - PERSISTENT RESERVE IN: READ KEYS and READ RESERVATION through
 *   IOC_PR_READ_* where the kernel has them (the response is built from
 *   the ioctl's result; scope is then LU_SCOPE), SCSI PERSISTENT RESERVE IN
 *   over SG_IO otherwise and for the other service actions, on the map
 *   first and then on each of its paths.
 * - READ FULL STATUS fills at most MPATH_MAX_FULL_DESCRIPTORS descriptors
 *   (as many as fit into private_buffer) and never writes past it; use
 *   prtool_read_full_status() (<prtool/prtool.h>) for all of them.
 * - Transport IDs are encoded as SPC-4 defines them (see struct
 *   transportid); malformed ones are refused with MPATH_PR_SYNTAX_ERROR.
 */
#if !defined(MPATH_PERSIST_LIB_H) && !defined(MPATH_PERSIST_H_INCLUDED)
#define MPATH_PERSIST_LIB_H
#define MPATH_PERSIST_H_INCLUDED
#define LIBPRTOOL_MPATH_PERSIST_COMPAT_H

#include <inttypes.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPATH_MAX_PARAM_LEN	8192	/* PR IN/OUT data, bytes */
#define MPATH_MX_TIDS		32	/* transport IDs per command */
#define MPATH_MX_TID_LEN	256	/* bytes per transport ID */

/* PERSISTENT RESERVE IN service actions. */
#define MPATH_PRIN_RKEY_SA	0x00	/* READ KEYS */
#define MPATH_PRIN_RRES_SA	0x01	/* READ RESERVATION */
#define MPATH_PRIN_RCAP_SA	0x02	/* REPORT CAPABILITIES */
#define MPATH_PRIN_RFSTAT_SA	0x03	/* READ FULL STATUS */

/* PERSISTENT RESERVE OUT service actions. */
#define MPATH_PROUT_REG_SA	0x00	/* REGISTER */
#define MPATH_PROUT_RES_SA	0x01	/* RESERVE */
#define MPATH_PROUT_REL_SA	0x02	/* RELEASE */
#define MPATH_PROUT_CLEAR_SA	0x03	/* CLEAR */
#define MPATH_PROUT_PREE_SA	0x04	/* PREEMPT */
#define MPATH_PROUT_PREE_AB_SA	0x05	/* PREEMPT AND ABORT */
#define MPATH_PROUT_REG_IGN_SA	0x06	/* REGISTER AND IGNORE EXISTING KEY */
#define MPATH_PROUT_REG_MOV_SA	0x07	/* REGISTER AND MOVE (not supported) */

#define MPATH_LU_SCOPE		0x00

/* Reservation types: SPC-4 type codes (not enum pr_type). */
#define MPATH_PRTPE_WE		0x01	/* Write Exclusive */
#define MPATH_PRTPE_EA		0x03	/* Exclusive Access */
#define MPATH_PRTPE_WE_RO	0x05	/* Write Exclusive, registrants only */
#define MPATH_PRTPE_EA_RO	0x06	/* Exclusive Access, registrants only */
#define MPATH_PRTPE_WE_AR	0x07	/* Write Exclusive, all registrants */
#define MPATH_PRTPE_EA_AR	0x08	/* Exclusive Access, all registrants */

/* Results. */
#define MPATH_PR_SKIP			-1  /* internal */
#define MPATH_PR_SUCCESS		0
#define MPATH_PR_SYNTAX_ERROR		1   /* bad parameter */
#define MPATH_PR_SENSE_NOT_READY	2   /* sense key 0x2 */
#define MPATH_PR_SENSE_MEDIUM_ERROR	3   /* sense key 0x3 */
#define MPATH_PR_SENSE_HARDWARE_ERROR	4   /* sense key 0x4 */
#define MPATH_PR_ILLEGAL_REQ		5   /* sense key 0x5 */
#define MPATH_PR_SENSE_UNIT_ATTENTION	6   /* sense key 0x6 */
#define MPATH_PR_SENSE_INVALID_OP	7   /* never returned */
#define MPATH_PR_SENSE_ABORTED_COMMAND	8   /* sense key 0xb */
#define MPATH_PR_NO_SENSE		9   /* sense key 0x0 */
#define MPATH_PR_SENSE_MALFORMED	10  /* never returned */
#define MPATH_PR_RESERV_CONFLICT	11  /* RESERVATION CONFLICT */
#define MPATH_PR_FILE_ERROR		12  /* not an open block device */
#define MPATH_PR_DMMP_ERROR		13  /* not a multipath map, no path */
#define MPATH_PR_THREAD_ERROR		14  /* never returned */
#define MPATH_PR_OTHER			15  /* transport, driver, other */
#define MPATH_PR_RETRYABLE_ERROR	16  /* internal, never returned */
#define MPATH_PR_SUCCESS_UNREGISTER	17  /* internal, never returned */

/* PR OUT parameter flags (struct prout_param_descriptor.sa_flags). */
#define MPATH_F_APTPL_MASK		0x01
#define MPATH_F_ALL_TG_PT_MASK		0x04
#define MPATH_F_SPEC_I_PT_MASK		0x08
#define MPATH_PR_TYPE_MASK		0x0f
#define MPATH_PR_SCOPE_MASK		0xf0

/* TransportID protocol identifiers. */
#define MPATH_PROTOCOL_ID_FC		0x00
#define MPATH_PROTOCOL_ID_ISCSI		0x05
#define MPATH_PROTOCOL_ID_SAS		0x06

/* TransportID format codes, as in byte 0 of a TransportID. */
#define MPATH_WWUI_DEVICE_NAME		0x00	/* iSCSI: name */
#define MPATH_WWUI_PORT_IDENTIFIER	0x40	/* iSCSI: name,i,0xISID */

/*
 * Allocation length of PERSISTENT RESERVE IN (at most MPATH_MAX_PARAM_LEN);
 * 0 selects the default of each service action (8192 for READ KEYS and
 * READ FULL STATUS, 24 for READ RESERVATION, 8 for REPORT CAPABILITIES).
 */
extern unsigned int mpath_mx_alloc_len;

/* READ KEYS: generation and length in host order, keys big-endian. */
struct prin_readdescr {
	uint32_t prgeneration;
	uint32_t additional_length;	/* 8 per key */
	uint8_t key_list[MPATH_MAX_PARAM_LEN];
};

/* READ RESERVATION: additional_length 0 (none) or 16; key big-endian. */
struct prin_resvdescr {
	uint32_t prgeneration;
	uint32_t additional_length;
	uint8_t key[8];
	uint32_t _obsolete;
	uint8_t _reserved;
	uint8_t scope_type;		/* scope << 4 | type */
	uint16_t _obsolete1;
};

/* REPORT CAPABILITIES: length and pr_type_mask in host order. */
struct prin_capdescr {
	uint16_t length;
	uint8_t flags[2];		/* bytes 2 and 3 of the response */
	uint16_t pr_type_mask;		/* bytes 4 and 5, big-endian value */
	uint16_t _reserved;
};

/*
 * A TransportID.
 *
 * Filled in by READ FULL STATUS: format_code is the 2-bit FORMAT CODE
 * (0 or 1), protocol_id the PROTOCOL IDENTIFIER, and the union holds the
 * N_PORT_NAME (FC), the SAS ADDRESS or the iSCSI NAME (NUL-terminated,
 * with ",i,0x<ISID>" for format 1).
 *
 * Given to PERSISTENT RESERVE OUT (SPEC_I_PT): protocol_id as above;
 * format_code MPATH_WWUI_DEVICE_NAME or MPATH_WWUI_PORT_IDENTIFIER (the
 * values 0 and 1 are taken as well); n_port_name and sas_address are 8
 * binary bytes; iscsi_name is either the name itself (starting with a
 * letter) or, as multipath-tools' mpathpersist builds it, a big-endian
 * 2-byte length followed by the NUL-padded name. The library encodes
 * 24-byte FC and SAS TransportIDs and iSCSI ones padded to a multiple of
 * four bytes (at least 24), as SPC-4 7.6.4 defines them.
 */
struct transportid {
	uint8_t format_code;
	uint8_t protocol_id;
	union {
		uint8_t n_port_name[8];		/* FC */
		uint8_t sas_address[8];		/* SAS */
		uint8_t iscsi_name[256];	/* iSCSI */
	};
};

/* One READ FULL STATUS descriptor. */
struct prin_fulldescr {
	uint8_t key[8];			/* big-endian */
	uint8_t flag;			/* 0x02 ALL_TG_PT, 0x01 R_HOLDER */
	uint8_t scope_type;		/* of the reservation, if R_HOLDER */
	uint16_t rtpi;			/* relative target port identifier */
	struct transportid trnptid;
};

/*
 * READ FULL STATUS: number_of_descriptor entries of descriptors[] point
 * into private_buffer. The caller provides room for the pointers after the
 * structure (sizeof(struct prin_resp) + MPATH_MX_TIDS pointers, as
 * libmpathpersist's own allocation does); at most
 * MPATH_MAX_FULL_DESCRIPTORS are filled in.
 */
struct print_fulldescr_list {
	uint32_t prgeneration;
	uint32_t number_of_descriptor;
	uint8_t private_buffer[MPATH_MAX_PARAM_LEN];
	struct prin_fulldescr *descriptors[];
};

/* Descriptors that fit into private_buffer (30). */
#define MPATH_MAX_FULL_DESCRIPTORS \
	(MPATH_MAX_PARAM_LEN / sizeof(struct prin_fulldescr))

struct prin_resp {
	union {
		struct prin_readdescr prin_readkeys;
		struct prin_resvdescr prin_readresv;
		struct prin_capdescr prin_readcap;
		struct print_fulldescr_list prin_readfd;
	} prin_descriptor;
};

/*
 * PERSISTENT RESERVE OUT parameters. key is the reservation key (RK),
 * sa_key the service action reservation key (SARK), both big-endian.
 * With MPATH_F_SPEC_I_PT_MASK, num_transportid entries of trnptid_list[]
 * (room for them follows the structure) are sent. private_buffer is the
 * library's.
 */
struct prout_param_descriptor {
	uint8_t key[8];
	uint8_t sa_key[8];
	uint32_t _obsolete;
	uint8_t sa_flags;
	uint8_t _reserved;
	uint16_t _obsolete1;
	uint8_t private_buffer[MPATH_MAX_PARAM_LEN];
	uint32_t num_transportid;
	struct transportid *trnptid_list[];
};

struct config;

/*
 * Initialisation and cleanup. There is no configuration to load: these
 * succeed (0, or a non-NULL handle that stands for none) and exist for
 * programs written against libmpathpersist.
 */
int libmpathpersist_init(void);
int libmpathpersist_exit(void);
struct config *mpath_lib_init(void);
int mpath_lib_exit(struct config *conf);

/**
 * mpath_persistent_reserve_in() - PERSISTENT RESERVE IN on a multipath map
 * @fd: an open multipath map (/dev/mapper/NAME, /dev/dm-N)
 * @rq_servact: MPATH_PRIN_*_SA
 * @resp: receives the response, the member for @rq_servact
 * @noisy: non-zero: dump the response in hex to stderr
 * @verbose: 0-3: diagnostics on stderr (0: none)
 *
 * Return: MPATH_PR_SUCCESS or another MPATH_PR_* code.
 */
int mpath_persistent_reserve_in(int fd, int rq_servact,
				struct prin_resp *resp, int noisy,
				int verbose);

/**
 * mpath_persistent_reserve_out() - PERSISTENT RESERVE OUT on a multipath map
 * @fd: an open multipath map
 * @rq_servact: MPATH_PROUT_*_SA
 * @rq_scope: MPATH_LU_SCOPE
 * @rq_type: MPATH_PRTPE_* (RESERVE, RELEASE, PREEMPT), 0 otherwise
 * @paramp: keys, flags and transport IDs
 * @noisy: non-zero: dump the parameter list in hex to stderr
 * @verbose: 0-3: diagnostics on stderr (0: none)
 *
 * Return: MPATH_PR_SUCCESS or another MPATH_PR_* code.
 */
int mpath_persistent_reserve_out(int fd, int rq_servact, int rq_scope,
				 unsigned int rq_type,
				 struct prout_param_descriptor *paramp,
				 int noisy, int verbose);

/*
 * The same, with the verbosity set by mpath_persistent_reserve_init_vecs()
 * (libmpathpersist caches the multipath topology between these calls;
 * there is nothing to cache here). The *__ names are the 2.2.0 spelling.
 */
int __mpath_persistent_reserve_in(int fd, int rq_servact,
				  struct prin_resp *resp, int noisy);
int __mpath_persistent_reserve_out(int fd, int rq_servact, int rq_scope,
				   unsigned int rq_type,
				   struct prout_param_descriptor *paramp,
				   int noisy);
int mpath_persistent_reserve_in__(int fd, int rq_servact,
				  struct prin_resp *resp, int noisy);
int mpath_persistent_reserve_out__(int fd, int rq_servact, int rq_scope,
				   unsigned int rq_type,
				   struct prout_param_descriptor *paramp,
				   int noisy);
int mpath_persistent_reserve_init_vecs(int verbose);
void mpath_persistent_reserve_free_vecs(void);

#ifdef __cplusplus
}
#endif

#endif /* MPATH_PERSIST_LIB_H, MPATH_PERSIST_H_INCLUDED */
