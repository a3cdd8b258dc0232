// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: persistent reservation commands on a block device.
 *
 * Permission checks of the PR ioctls (block/ioctl.c, blkdev_pr_allowed()):
 *  - 6.1: CAP_SYS_ADMIN, whatever the open mode; partitions allowed.
 *  - 6.5 and later: partitions refused; CAP_SYS_ADMIN, or else a
 *    descriptor opened for writing.
 *  - since the read ioctls were relaxed (6.19 stable): IOC_PR_READ_* need
 *    only a descriptor opened for reading.
 * So prtool opens read-only and reopens read-write only after an EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <scsi/sg.h>

#include "lpt.h"
#include "pr.h"
#include "pr_compat.h"
#include "status.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515 /* kernel-internal; should not leak, but has */
#endif

#define PR_IN_OPCODE		0x5e
#define PR_OUT_OPCODE		0x5f
#define SG_TIMEOUT_MS		30000

static int open_path(struct pr_dev *d, int flags)
{
	struct stat st;
	int fd;

	/*
	 * Refuse what is not a block device before opening it: open() of a
	 * FIFO waits for a writer, for ever. (O_NONBLOCK would not wait, but
	 * it would stay in the block device's open mode, and sd then fails
	 * ioctls at once while the device recovers from an error, instead of
	 * waiting for it.) The fstat() below checks what was opened.
	 */
	if (stat(d->path, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	fd = open(d->path, flags | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = errno;

		close(fd);
		return -err;
	}
	if (!S_ISBLK(st.st_mode)) {
		close(fd);
		return -ENOTBLK;
	}
	d->fd = fd;
	d->rw = (flags & O_ACCMODE) == O_RDWR;
	d->major = major(st.st_rdev);
	d->minor = minor(st.st_rdev);
	return 0;
}

/* Find the device node for @arg; 0, -EINVAL (empty) or -ENOENT. */
static int resolve_path(struct pr_dev *d, const char *arg)
{
	if (!*arg)
		return -EINVAL;
	if (strchr(arg, '/')) {
		snprintf(d->path, sizeof(d->path), "%s", arg);
		return 0;
	}
	/* A dm name first, then a kernel name (sdb, dm-3, nvme0n1). */
	snprintf(d->path, sizeof(d->path), "/dev/mapper/%s", arg);
	if (access(d->path, F_OK))
		snprintf(d->path, sizeof(d->path), "/dev/%s", arg);
	if (access(d->path, F_OK))
		return -ENOENT;
	return 0;
}

/* Say why in @d->detail; cut to fit, as a path may be long. */
static void __attribute__((format(printf, 2, 3)))
set_detail(struct pr_dev *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
}

int pr_dev_open(struct pr_dev *d, const char *arg)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	ret = resolve_path(d, arg);
	if (ret == -EINVAL) {
		set_detail(d, "the device name is empty");
		return ret;
	}
	if (ret) {
		set_detail(d, "%s: no such device (looked for /dev/mapper/%s "
			   "and /dev/%s)", arg, arg, arg);
		return ret;
	}
	ret = open_path(d, O_RDONLY);
	if (ret == -ENOTBLK)
		set_detail(d, "%s: not a block device", d->path);
	else if (ret)
		set_detail(d, "cannot open %s for reading: %s", d->path,
			   strerror(-ret));
	return ret;
}

int pr_dev_use_fd(struct pr_dev *d, int fd)
{
	struct stat st;
	int fl;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	d->fd = fd;
	d->borrowed = true;
	d->rw = (fl & O_ACCMODE) == O_RDWR;
	d->major = major(st.st_rdev);
	d->minor = minor(st.st_rdev);
	snprintf(d->path, sizeof(d->path), "/dev/block/%u:%u", d->major,
		 d->minor);
	return 0;
}

void pr_dev_close(struct pr_dev *d)
{
	if (d->fd >= 0 && !d->borrowed)
		close(d->fd);
	d->fd = -1;
}

static bool is_partition(const struct pr_dev *d)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition",
		 d->major, d->minor);
	return access(path, F_OK) == 0;
}

/* Switch @d to a read-write descriptor; 0 or -errno (kept in rw_errno). */
static int reopen_rw(struct pr_dev *d)
{
	int old = d->fd, ret;

	ret = open_path(d, O_RDWR);
	if (ret) {
		d->rw_errno = -ret;
		return ret;
	}
	close(old);
	return 0;
}

/*
 * Run one PR ioctl: 0, -errno or a positive PR status. On EPERM with a
 * read-only descriptor, retry once read-write.
 */
static int pr_ioctl(struct pr_dev *d, unsigned long req, void *arg)
{
	int ret;

	ret = ioctl(d->fd, req, arg);
	if (ret < 0)
		ret = -errno;
	if (ret == -EPERM && !d->rw && !d->borrowed && !is_partition(d) &&
	    !reopen_rw(d)) {
		ret = ioctl(d->fd, req, arg);
		if (ret < 0)
			ret = -errno;
	}
	return ret;
}

int pr_register(struct pr_dev *d, uint64_t old_key, uint64_t new_key,
		uint32_t flags)
{
	struct pr_registration reg = {
		.old_key = old_key,
		.new_key = new_key,
		.flags = flags,
	};

	d->detail[0] = '\0';
	return pr_ioctl(d, IOC_PR_REGISTER, &reg);
}

int pr_reserve(struct pr_dev *d, uint64_t key, uint32_t type, uint32_t flags)
{
	struct pr_reservation rsv = {
		.key = key,
		.type = type,
		.flags = flags,
	};

	d->detail[0] = '\0';
	return pr_ioctl(d, IOC_PR_RESERVE, &rsv);
}

int pr_release(struct pr_dev *d, uint64_t key, uint32_t type)
{
	struct pr_reservation rsv = {
		.key = key,
		.type = type,
	};

	d->detail[0] = '\0';
	return pr_ioctl(d, IOC_PR_RELEASE, &rsv);
}

int pr_preempt(struct pr_dev *d, uint64_t old_key, uint64_t new_key,
	       uint32_t type, bool abort)
{
	struct pr_preempt pp = {
		.old_key = old_key,
		.new_key = new_key,
		.type = type,
	};

	d->detail[0] = '\0';
	return pr_ioctl(d, abort ? IOC_PR_PREEMPT_ABORT : IOC_PR_PREEMPT, &pp);
}

int pr_clear(struct pr_dev *d, uint64_t key)
{
	struct pr_clear c = {
		.key = key,
	};

	d->detail[0] = '\0';
	return pr_ioctl(d, IOC_PR_CLEAR, &c);
}

/* The read ioctl is missing (old kernel) or the driver has no such op. */
bool pr_read_ioctl_missing(int ret)
{
	return ret == -ENOTTY || ret == -EINVAL || ret == -EOPNOTSUPP ||
	       ret == -ENOIOCTLCMD;
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

/* Well-known additional sense codes around PR. */
static const char *asc_name(unsigned int asc, unsigned int ascq)
{
	static const struct {
		uint8_t asc, ascq;
		const char *name;
	} t[] = {
		{ 0x04, 0x00, "logical unit not ready" },
		{ 0x20, 0x00, "invalid command operation code" },
		{ 0x24, 0x00, "invalid field in CDB" },
		{ 0x25, 0x00, "logical unit not supported" },
		{ 0x26, 0x00, "invalid field in parameter list" },
		{ 0x29, 0x00, "power on or reset occurred" },
		{ 0x2a, 0x03, "reservations preempted" },
		{ 0x2a, 0x04, "reservations released" },
		{ 0x2a, 0x05, "registrations preempted" },
		{ 0x55, 0x02, "insufficient registration resources" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i].asc == asc && t[i].ascq == ascq)
			return t[i].name;
	return NULL;
}

static void decode_sense(struct pr_dev *d, const uint8_t *sb, size_t len)
{
	unsigned int key, asc = 0, ascq = 0;
	const char *name;

	if (len < 3)
		return;
	if ((sb[0] & 0x7f) >= 0x72) {
		/* Descriptor format. */
		key = sb[1] & 0xf;
		if (len >= 4) {
			asc = sb[2];
			ascq = sb[3];
		}
	} else {
		key = sb[2] & 0xf;
		if (len >= 14) {
			asc = sb[12];
			ascq = sb[13];
		}
	}
	d->sg.sense_key = (int)key;
	d->sg.asc = (uint8_t)asc;
	d->sg.ascq = (uint8_t)ascq;
	name = asc_name(asc, ascq);
	snprintf(d->detail, sizeof(d->detail),
		 "sense key %s, additional sense 0x%02x/0x%02x%s%s%s",
		 scsi_sense_key_name(key), asc, ascq, name ? " (" : "",
		 name ? name : "", name ? ")" : "");
}

/*
 * One PERSISTENT RESERVE command over SG_IO: 0 with *got set to the bytes
 * transferred, -errno, or a positive status in SCSI result form (status
 * byte, host byte << 16, driver byte << 24), with the outcome in d->sg and
 * sense data decoded into d->detail.
 *
 * Data from the device lands in a bounce buffer of whole pages, and only
 * the @len bytes asked for are copied to @buf. SG_IO maps a suitably
 * aligned user buffer straight into the request, and a target that writes
 * more than the allocation length writes into those pages: LIO (its READ
 * FULL STATUS checks the room for a TransportID without the 24 bytes of
 * the descriptor before it, Linux up to at least 7.2) puts the last
 * descriptor up to 56 bytes past the end, which overwrote the heap after
 * the caller's buffer (glibc: "double free or corruption"). What lies past
 * the allocation length is not part of the response, so it is dropped.
 */
static int sg_pr_cmd(struct pr_dev *d, uint8_t *cdb, unsigned char cdb_len,
		     int dir, uint8_t *buf, size_t len, size_t *got)
{
	uint8_t sense[64] = { 0 };
	void *bounce = NULL;
	struct sg_io_hdr hdr = {
		.interface_id = 'S',
		.dxfer_direction = len ? dir : SG_DXFER_NONE,
		.cmd_len = cdb_len,
		.mx_sb_len = sizeof(sense),
		.dxfer_len = (unsigned int)len,
		.dxferp = len ? buf : NULL,
		.cmdp = cdb,
		.sbp = sense,
		.timeout = SG_TIMEOUT_MS,
	};
	int ret;

	memset(&d->sg, 0, sizeof(d->sg));
	d->sg.sense_key = -1;
	d->detail[0] = '\0';
	*got = 0;
	if (len && dir == SG_DXFER_FROM_DEV) {
		long page = sysconf(_SC_PAGESIZE);
		size_t psz = page > 0 ? (size_t)page : 4096;
		size_t blen = (len + psz - 1) / psz * psz;

		if (posix_memalign(&bounce, psz, blen))
			return -ENOMEM;
		memset(bounce, 0, blen);
		hdr.dxferp = bounce;
	}
	ret = pr_ioctl(d, SG_IO, &hdr);
	if (bounce) {
		memcpy(buf, bounce, len);
		free(bounce);
	}
	if (ret)
		return ret < 0 ? ret : -EIO;

	d->sg.valid = true;
	d->sg.status = hdr.status;
	d->sg.host = (uint8_t)hdr.host_status;
	d->sg.driver = (uint8_t)hdr.driver_status;
	if (hdr.sb_len_wr)
		decode_sense(d, sense, hdr.sb_len_wr);
	/* Also on failure: a RECOVERED ERROR still transferred its data. */
	if (hdr.resid < 0 || (size_t)hdr.resid > len)
		*got = len;
	else
		*got = len - (size_t)hdr.resid;
	if (hdr.host_status)
		return (int)(hdr.host_status & 0xff) << 16 | hdr.status;
	if (hdr.status)
		return hdr.status;
	/* DRIVER_SENSE (0x08) alone is not an error. */
	if (hdr.driver_status & ~0x08)
		return (int)(hdr.driver_status & 0xff) << 24;
	return 0;
}

int pr_in(struct pr_dev *d, unsigned int sa, uint8_t *buf, size_t len,
	  size_t *got)
{
	uint8_t cdb[10] = { PR_IN_OPCODE, (uint8_t)(sa & 0x1f), 0, 0, 0, 0, 0,
			    (uint8_t)(len >> 8), (uint8_t)len, 0 };

	if (len > PR_IN_MAX_ALLOC)
		return -EINVAL;
	memset(buf, 0, len);
	return sg_pr_cmd(d, cdb, sizeof(cdb), SG_DXFER_FROM_DEV, buf, len, got);
}

/*
 * A PERSISTENT RESERVE IN that found a UNIT ATTENTION did not run: the
 * device reported something else first (after a PR change through another
 * I_T nexus, every other nexus gets one). Read again, a few times.
 */
int pr_in_retry(struct pr_dev *d, unsigned int sa, uint8_t *buf, size_t len,
		size_t *got)
{
	int ret, tries = PR_IN_UA_RETRIES;

	do
		ret = pr_in(d, sa, buf, len, got);
	while (ret > 0 && d->sg.sense_key == 0x6 && tries-- > 0);
	return ret;
}

int pr_out(struct pr_dev *d, unsigned int sa, uint8_t scope_type,
	   const uint8_t *param, size_t plen)
{
	uint8_t cdb[10] = { PR_OUT_OPCODE, (uint8_t)(sa & 0x1f), scope_type,
			    0, 0, (uint8_t)(plen >> 24), (uint8_t)(plen >> 16),
			    (uint8_t)(plen >> 8), (uint8_t)plen, 0 };
	size_t got;

	if (plen > UINT32_MAX)
		return -EINVAL;
	/* SG_IO takes a non-const buffer; the data only goes out. */
	return sg_pr_cmd(d, cdb, sizeof(cdb), SG_DXFER_TO_DEV,
			 (uint8_t *)(uintptr_t)param, plen, &got);
}

int pr_test_unit_ready(struct pr_dev *d)
{
	uint8_t cdb[6] = { 0 };
	size_t got;

	return sg_pr_cmd(d, cdb, sizeof(cdb), SG_DXFER_NONE, NULL, 0, &got);
}

long pr_parse_read_keys(const uint8_t *buf, size_t len, struct pr_keys *k)
{
	uint32_t add_len, n, i;

	if (len < 8)
		return -EBADMSG;
	k->generation = get_be32(buf);
	add_len = get_be32(buf + 4);
	n = (uint32_t)((len - 8) / 8);
	if (n > add_len / 8)
		n = add_len / 8;
	free(k->keys);
	k->num_keys = 0;
	k->keys = calloc(n ? n : 1, sizeof(*k->keys));
	if (!k->keys)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		k->keys[i] = get_be64(buf + 8 + 8 * i);
	k->num_keys = n;
	return 8 + (long)add_len;
}

int pr_parse_read_reservation(const uint8_t *buf, size_t len,
			      struct pr_resv *r)
{
	uint32_t add_len;

	if (len < 8)
		return -EBADMSG;
	r->generation = get_be32(buf);
	add_len = get_be32(buf + 4);
	r->held = false;
	r->key = 0;
	r->type = 0;
	r->scsi_type = 0;
	r->scope = 0;
	if (!add_len)
		return 0;
	if (add_len < 16 || len < 24)
		return -EBADMSG;
	r->held = true;
	r->key = get_be64(buf + 8);
	r->scsi_type = buf[21] & 0xf;
	r->scope = buf[21] >> 4;
	return 0;
}

static int sg_read_keys(struct pr_dev *d, struct pr_keys *k)
{
	size_t len = 8192, got = 0;
	uint8_t *buf = NULL;
	long need;
	int ret, tries;

	for (tries = 0; tries < 3; tries++) {
		uint8_t *nbuf = realloc(buf, len);

		if (!nbuf) {
			ret = -ENOMEM;
			break;
		}
		buf = nbuf;
		ret = pr_in_retry(d, PR_IN_READ_KEYS, buf, len, &got);
		if (ret)
			break;
		need = pr_parse_read_keys(buf, got, k);
		if (need < 0) {
			ret = (int)need;
			break;
		}
		/* Done if it all fitted, or if it cannot grow further. */
		if ((size_t)need <= got || len == PR_IN_MAX_ALLOC)
			break;
		len = (size_t)need > PR_IN_MAX_ALLOC ? PR_IN_MAX_ALLOC
						     : (size_t)need;
	}
	free(buf);
	k->source = PR_SRC_SG_IO;
	return ret;
}

/*
 * The fallback cannot run either: the device takes no SG_IO (not SCSI, e.g.
 * NVMe or loop). Say so rather than pass on SG_IO's errno.
 */
static int no_sg_io(struct pr_dev *d, int ret, const char *ioctl_name)
{
	if (ret == -ENOTTY || ret == -EINVAL || ret == -ENOIOCTLCMD ||
	    ret == -EOPNOTSUPP) {
		snprintf(d->detail, sizeof(d->detail),
			 "the kernel has no %s for this device, and the device "
			 "does not take SCSI PERSISTENT RESERVE IN over SG_IO",
			 ioctl_name);
		return -EOPNOTSUPP;
	}
	return ret;
}

/* More keys than any PR IN response can carry (16-bit allocation length). */
#define PR_KEYS_ROOM_MAX 8192

int pr_read_keys_ioctl(struct pr_dev *d, struct pr_keys *k)
{
	struct pr_read_keys rk;
	uint32_t room = 64;
	int ret, tries;

	memset(k, 0, sizeof(*k));
	d->detail[0] = '\0';
	for (tries = 0;; tries++) {
		free(k->keys);
		k->keys = calloc(room, sizeof(*k->keys));
		if (!k->keys)
			return -ENOMEM;
		memset(&rk, 0, sizeof(rk));
		rk.num_keys = room;
		rk.keys_ptr = (uintptr_t)k->keys;
		ret = pr_ioctl(d, IOC_PR_READ_KEYS, &rk);
		if (ret)
			break;
		k->generation = rk.generation;
		k->source = PR_SRC_IOCTL;
		/* On return num_keys is the total, which may exceed room. */
		if (rk.num_keys <= room) {
			k->num_keys = rk.num_keys;
			return 0;
		}
		if (tries == 3 || room == PR_KEYS_ROOM_MAX) {
			/* Keys keep being added: report what fitted. */
			k->num_keys = room;
			return 0;
		}
		room = rk.num_keys > PR_KEYS_ROOM_MAX ? PR_KEYS_ROOM_MAX
						      : rk.num_keys;
	}
	free(k->keys);
	k->keys = NULL;
	return ret;
}

int pr_read_keys(struct pr_dev *d, struct pr_keys *k)
{
	int ret = pr_read_keys_ioctl(d, k);

	if (!ret || !pr_read_ioctl_missing(ret))
		return ret;

	ret = no_sg_io(d, sg_read_keys(d, k), "IOC_PR_READ_KEYS");
	if (ret) {
		free(k->keys);
		k->keys = NULL;
		k->num_keys = 0;
	}
	return ret;
}

int pr_read_reservation_ioctl(struct pr_dev *d, struct pr_resv *r)
{
	struct pr_read_reservation rr = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	d->detail[0] = '\0';
	ret = pr_ioctl(d, IOC_PR_READ_RESERVATION, &rr);
	if (ret)
		return ret;
	r->source = PR_SRC_IOCTL;
	r->generation = rr.generation;
	r->type = rr.type;
	r->key = rr.key;
	/* The ioctl reports "no reservation" as type 0. */
	r->held = rr.type != 0;
	if (!r->held && !r->generation) {
		struct pr_keys k;

		/*
		 * sd leaves the generation out when no reservation is held
		 * (it returns before reading it); READ KEYS has it.
		 */
		if (!pr_read_keys_ioctl(d, &k)) {
			r->generation = k.generation;
			free(k.keys);
		}
	}
	return 0;
}

int pr_read_reservation(struct pr_dev *d, struct pr_resv *r)
{
	uint8_t buf[24];
	size_t got = 0;
	int ret;

	ret = pr_read_reservation_ioctl(d, r);
	if (!ret || !pr_read_ioctl_missing(ret))
		return ret;

	ret = pr_in_retry(d, PR_IN_READ_RESERVATION, buf, sizeof(buf), &got);
	ret = no_sg_io(d, ret, "IOC_PR_READ_RESERVATION");
	if (ret)
		return ret;
	r->source = PR_SRC_SG_IO;
	return pr_parse_read_reservation(buf, got, r);
}

/* Advice for the errno values PR commands commonly return. */
static const char *errno_hint(const struct pr_dev *d, int err, char *buf,
			      size_t len)
{
	switch (err) {
	case EPERM:
		if (is_partition(d))
			return "persistent reservations apply to whole "
			       "devices, not to partitions";
		if (d->rw_errno) {
			snprintf(buf, len, "PR commands need CAP_SYS_ADMIN, "
				 "or a device opened for writing, and opening "
				 "it read-write failed: %s",
				 strerror(d->rw_errno));
			return buf;
		}
		return "PR commands need CAP_SYS_ADMIN (Linux 6.5 and later "
		       "also accept a device opened for writing)";
	case EOPNOTSUPP:
		return "the device's driver does not support this persistent "
		       "reservation command";
	case ENOTTY:
	case ENOIOCTLCMD:
		return "the device does not support persistent reservation "
		       "commands (for reads: neither the IOC_PR_READ ioctls "
		       "nor SCSI PERSISTENT RESERVE IN over SG_IO)";
	case EBADMSG:
		return "the device returned a malformed PERSISTENT RESERVE IN "
		       "response";
	default:
		return NULL;
	}
}

const char *pr_failure_text(const struct pr_dev *d, const char *op,
			    int ret, char *buf, size_t len)
{
	char name[96], hint_buf[192];
	const char *hint;

	if (ret < 0) {
		hint = d->detail[0] ? d->detail :
				      errno_hint(d, -ret, hint_buf,
						 sizeof(hint_buf));
		snprintf(buf, len, "%s on %s: %s%s%s%s", op, d->path,
			 strerror(-ret), hint ? " (" : "", hint ? hint : "",
			 hint ? ")" : "");
	} else {
		snprintf(buf, len, "%s on %s failed: %s%s%s%s", op, d->path,
			 pr_status_str(ret, name, sizeof(name)),
			 d->detail[0] ? " (" : "", d->detail,
			 d->detail[0] ? ")" : "");
	}
	return buf;
}
