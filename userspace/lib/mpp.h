/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: the engine behind the libmpathpersist-compatible API and the
 * mpathpersist front end (not exported). Results are MPATH_PR_* codes.
 */
#ifndef LIBPRTOOL_MPP_H
#define LIBPRTOOL_MPP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Diagnostics for levels up to this (0-3), like libmpathpersist. */
extern int mpp_verbosity;

/*
 * Hand the message to the function of prtool_mpath_set_log(), if any and
 * if @prio <= mpp_verbosity (level 0 always passes, as in libmpathpersist).
 */
void mpp_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Hex dump of @len bytes through mpp_log(0, ...): 8 blanks, then 16 bytes
 * a line with an extra blank after the eighth, full lines padded with
 * blanks to 76 characters (multipath-tools' dumpHex()).
 */
void mpp_hexdump(const uint8_t *buf, size_t len);

/* Default PR IN allocation length of @sa (0 if @sa is not one). */
unsigned int mpp_prin_default_len(int sa);

/*
 * The allocation length to use for @sa: mpath_mx_alloc_len if set (at
 * most MPATH_MAX_PARAM_LEN), else the default.
 */
unsigned int mpp_prin_alloc_len(int sa);

/**
 * mpp_prin() - PERSISTENT RESERVE IN on a multipath map
 * @fd: the map
 * @sa: service action
 * @buf: receives the response, as the device sent it (or as built from
 *	the IOC_PR_READ_* result), zero-filled after *@got bytes
 * @len: allocation length (mpp_prin_alloc_len()), the size of @buf
 * @got: receives the length of the response
 * @noisy: dump the response with mpp_hexdump()
 *
 * Return: MPATH_PR_* code.
 */
int mpp_prin(int fd, int sa, uint8_t *buf, size_t len, size_t *got,
	     int noisy);

/**
 * struct mpp_out - PERSISTENT RESERVE OUT parameters
 * @key: reservation key (RK)
 * @sa_key: service action reservation key (SARK)
 * @sa_flags: MPATH_F_APTPL_MASK, MPATH_F_ALL_TG_PT_MASK,
 *	MPATH_F_SPEC_I_PT_MASK
 * @tids: TransportIDs, encoded (mpp_encode_tid()) and concatenated
 * @tids_len: their length
 */
struct mpp_out {
	uint64_t key;
	uint64_t sa_key;
	uint8_t sa_flags;
	const uint8_t *tids;
	size_t tids_len;
};

/**
 * mpp_prout() - PERSISTENT RESERVE OUT on a multipath map
 * @fd: the map
 * @sa: service action
 * @scope: scope (0)
 * @type: SPC-4 type code
 * @p: parameters
 * @noisy: dump the parameter list with mpp_hexdump()
 *
 * Return: MPATH_PR_* code.
 */
int mpp_prout(int fd, int sa, unsigned int scope, unsigned int type,
	      const struct mpp_out *p, int noisy);

/* Longest TransportID mpp_encode_tid() makes (iSCSI: 4 + 252). */
#define MPP_TID_MAX 256

/**
 * mpp_encode_tid() - encode a TransportID (SPC-4 7.6.4)
 * @proto: protocol identifier: 0 FC, 5 iSCSI, 6 SAS
 * @format: format code, 0, or 1 (iSCSI name with ",i,0x" ISID)
 * @id: FC N_PORT_NAME or SAS address (8 bytes), or the iSCSI name
 * @id_len: length of @id (8; for iSCSI the name's length)
 * @out: receives the TransportID, MPP_TID_MAX bytes
 *
 * Return: its length, or -EINVAL (unknown protocol, bad length, iSCSI name
 * too long for a 252-byte field).
 */
int mpp_encode_tid(unsigned int proto, unsigned int format, const uint8_t *id,
		   size_t id_len, uint8_t *out);

#endif /* LIBPRTOOL_MPP_H */
