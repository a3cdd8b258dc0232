// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the lvmpersist front end's commands (start, stop, remove, clear,
 * devtest, check-key, read-keys, read-reservation), each as LVM2's
 * lvmpersist script runs it on every device of the set, through
 * libprtool's public API. lvmpersist.c parses the command line and calls
 * these.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "lvmpersist.h"
#include "prtool.h"

static const struct lvp_type *type_for(const struct lvp *l,
				       const struct lvp_dev *d)
{
	switch (d->bi.kind) {
	case BLKDEV_NVME:
		return l->nvme;
	case BLKDEV_MPATH:
		return l->mpath;
	default:
		return l->scsi;
	}
}

static const struct lvp_type *type_by_value(unsigned int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lvp_types); i++)
		if (lvp_types[i].type == type)
			return &lvp_types[i];
	return NULL;
}

static bool all_regs(const struct lvp_type *t)
{
	return t && (t->type == PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS ||
		     t->type == PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS);
}

/* Why @ret failed on @d, by name: "Reservation conflict (...)". */
const char *lvp_why(struct lvp_dev *d, int ret, char *buf, size_t len)
{
	char name[96];
	const char *detail = d->dev ? prtool_dev_detail(d->dev) : "";

	prtool_status_str(ret, name, sizeof(name));
	if (detail && detail[0])
		snprintf(buf, len, "%s (%s)", name, detail);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

int lvp_dev_open(struct lvp_dev *d)
{
	return d->dev ? 0 : prtool_open(d->path, &d->dev);
}

/* REGISTER AND IGNORE EXISTING KEY with our key. */
static int do_register(struct lvp *l, struct lvp_dev *d)
{
	char buf[256];
	int ret;

	ret = lvp_dev_open(d);
	if (!ret)
		ret = prtool_register(d->dev, 0, l->ourkey,
				      PRTOOL_REG_IGNORE_KEY);
	if (ret) {
		lvp_logmsg(l, "register error on %s: %s", d->path,
			   lvp_why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	d->registered = true;
	return 0;
}

/* Remove our key where this run registered it. */
static void undo_register(struct lvp *l)
{
	char buf[256];
	size_t i;
	int ret;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!d->registered)
			continue;
		ret = prtool_register(d->dev, l->ourkey, 0, 0);
		if (ret)
			lvp_logmsg(l, "unregister error on %s: %s", d->path,
				   lvp_why(d, ret, buf, sizeof(buf)));
		d->registered = false;
	}
}

/* Our key off the device again; for stop. */
static int do_unregister(struct lvp_dev *d, uint64_t key)
{
	int ret = lvp_dev_open(d);

	return ret ? ret : prtool_register(d->dev, key, 0, 0);
}

/* 0: @key is registered on @d; 1: it is not; 2: it cannot be told. */
static int key_is_on_device(struct lvp *l, struct lvp_dev *d, uint64_t key)
{
	struct prtool_keys k;
	char buf[256];
	uint32_t i;
	int ret;

	ret = lvp_dev_open(d);
	if (!ret)
		ret = prtool_read_keys(d->dev, &k);
	if (ret) {
		lvp_logmsg(l, "read-keys error on %s: %s", d->path,
			   lvp_why(d, ret, buf, sizeof(buf)));
		return 2;
	}
	for (i = 0; i < k.num_keys && k.keys[i] != key; i++)
		;
	ret = i < k.num_keys ? 0 : 1;
	prtool_keys_free(&k);
	return ret;
}

/*
 * The reservation on @d: *type is its type, or NULL for none; *holder its
 * key. Return: 0, or -1 after a message.
 */
static int get_reservation(struct lvp *l, struct lvp_dev *d,
			   const struct lvp_type **type, uint64_t *holder)
{
	struct prtool_reservation r;
	char buf[256];
	int ret;

	*type = NULL;
	*holder = 0;
	ret = lvp_dev_open(d);
	if (!ret)
		ret = prtool_read_reservation(d->dev, &r);
	if (ret) {
		lvp_logmsg(l, "read-reservation error on %s: %s", d->path,
			   lvp_why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	if (!r.held)
		return 0;
	*type = type_by_value(r.type);
	if (!*type) {
		lvp_logmsg(l, "read-reservation on %s: unknown reservation type "
			      "0x%x", d->path, r.scsi_type);
		return -1;
	}
	*holder = r.key;
	return 0;
}

/*
 * 0: @d supports reservation type @t; 1: it does not; 2: it cannot be
 * told. SCSI disks and maps answer REPORT CAPABILITIES (over SG_IO; a map
 * passes it to a path); NVMe namespaces support every type once they can
 * report their registrations.
 */
static int supports_type(struct lvp *l, struct lvp_dev *d,
			 const struct lvp_type *t)
{
	struct prtool_capabilities caps;
	struct prtool_keys k;
	char buf[256];
	int ret;

	ret = lvp_dev_open(d);
	if (!ret && d->bi.kind == BLKDEV_NVME) {
		ret = prtool_read_keys(d->dev, &k);
		if (!ret) {
			prtool_keys_free(&k);
			return 0;
		}
	} else if (!ret) {
		ret = prtool_report_capabilities(d->dev, &caps);
		if (!ret)
			return caps.tmv && (caps.type_mask & t->cap_mask) ? 0 :
									     1;
	}
	lvp_logmsg(l, "report-capabilities error on %s: %s", d->path,
		   lvp_why(d, ret, buf, sizeof(buf)));
	return 2;
}

/* The device answers PR at all (REPORT CAPABILITIES, or READ KEYS). */
static bool supports_pr(struct lvp *l, struct lvp_dev *d)
{
	struct prtool_capabilities caps;
	struct prtool_keys k;

	(void)l;
	if (lvp_dev_open(d))
		return false;
	if (d->bi.kind == BLKDEV_NVME) {
		if (prtool_read_keys(d->dev, &k))
			return false;
		prtool_keys_free(&k);
		return true;
	}
	return !prtool_report_capabilities(d->dev, &caps);
}

/* Check that every device supports its type; 0 or 1 after the messages. */
static int check_types(struct lvp *l, const char *cmd)
{
	size_t i;
	int err = 0;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);
		int rc = supports_type(l, d, t);

		if (rc == 2) {
			lvp_logmsg(l, "%s %s %s failed to query reservation type "
				      "%s.", cmd, l->group, d->path, t->abbr);
			err = 1;
		} else if (rc) {
			lvp_logmsg(l, "%s %s %s does not support reservation type "
				      "%s.", cmd, l->group, d->path, t->abbr);
			err = 1;
		}
	}
	return err ? lvp_errorexit(l, "%s %s failed.", cmd, l->group) : 0;
}

static int interrupted(struct lvp *l)
{
	if (!lvp_signal)
		return 0;
	lvp_logmsg(l, "interrupted by signal %d: undoing the registrations of "
		      "this run.", (int)lvp_signal);
	undo_register(l);
	return 1;
}

static int register_all(struct lvp *l)
{
	size_t i;

	for (i = 0; i < l->ndevs; i++) {
		if (do_register(l, &l->devs[i]) || interrupted(l)) {
			if (!lvp_signal)
				lvp_logmsg(l, "start %s failed to register our "
					      "key.", l->group);
			undo_register(l);
			return 1;
		}
	}
	return 0;
}

int lvp_takeover(struct lvp *l)
{
	char buf[256];
	size_t i;
	int rc;

	if (check_types(l, "start"))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		rc = key_is_on_device(l, &l->devs[i], l->remkey);
		if (rc == 1) {
			lvp_logerror(l, "start %s specified key to remove %s not "
					"found on %s.", l->group, l->remkey_s,
				     l->devs[i].path);
			return 1;
		} else if (rc == 2) {
			lvp_logerror(l, "start %s failed to check for key %s on "
					"%s.", l->group, l->remkey_s,
				     l->devs[i].path);
			return 1;
		}
	}
	if (register_all(l))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		int ret;

		ret = prtool_preempt(d->dev, l->ourkey, l->remkey,
				     type_for(l, d)->type, !l->no_abort);
		if (ret || interrupted(l)) {
			if (ret)
				lvp_logmsg(l, "start %s failed to preempt%s %s on "
					      "%s: %s.", l->group,
					   l->no_abort ? "" : "-abort",
					   l->remkey_s, d->path,
					   lvp_why(d, ret, buf, sizeof(buf)));
			undo_register(l);
			return 1;
		}
	}
	lvp_logmsg(l, "started %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

int lvp_start(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	char buf[256];
	size_t i;
	int ret;

	if (check_types(l, "start"))
		return 1;
	if (register_all(l))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);

		/*
		 * An all-registrants reservation is taken once, by the first
		 * host; the others only register.
		 */
		if (all_regs(t) && !get_reservation(l, d, &cur, &holder) &&
		    cur == t)
			continue;
		ret = prtool_reserve(d->dev, l->ourkey, t->type);
		/* Another host may have taken it in between. */
		if (ret && all_regs(t) &&
		    !get_reservation(l, d, &cur, &holder) && cur == t)
			ret = 0;
		if (ret || interrupted(l)) {
			if (ret)
				lvp_logmsg(l, "start %s failed to reserve %s: %s.",
					   l->group, d->path,
					   lvp_why(d, ret, buf, sizeof(buf)));
			undo_register(l);
			return 1;
		}
	}
	lvp_logmsg(l, "started %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

int lvp_stop(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	/*
	 * Removing our key is enough: a reservation we hold goes with it
	 * (the last registrant of an all-registrants one, or the holder).
	 * Whether the unregister itself succeeded does not matter: the key
	 * must be gone afterwards.
	 */
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		do_unregister(d, l->ourkey);
		rc = key_is_on_device(l, d, l->ourkey);
		if (rc == 0) {
			lvp_logmsg(l, "stop %s failed to unregister our key %s "
				      "from %s.", l->group, l->ourkey_s, d->path);
			err = 1;
		} else if (rc == 2) {
			lvp_logmsg(l, "stop %s failed to verify our key %s was "
				      "unregistered from %s.", l->group,
				   l->ourkey_s, d->path);
			err = 1;
		}
	}
	if (err)
		return lvp_errorexit(l, "stop %s failed.", l->group);
	lvp_logmsg(l, "stopped %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

int lvp_remove(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	char buf[256];
	size_t i;
	int err = 0, rc, ret;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = key_is_on_device(l, d, l->ourkey);
		if (rc) {
			if (rc == 1)
				lvp_logmsg(l, "cannot remove %s from %s without "
					      "ourkey %s being registered",
					   l->remkey_s, d->path, l->ourkey_s);
			else
				lvp_logmsg(l, "cannot remove %s from %s, failed "
					      "to check ourkey %s.", l->remkey_s,
					   d->path, l->ourkey_s);
			err = 1;
			continue;
		}
		/* The reservation's own type, else the one configured. */
		if (get_reservation(l, d, &cur, &holder)) {
			lvp_logmsg(l, "cannot remove %s from %s, failed to read "
				      "reservation type.", l->remkey_s, d->path);
			err = 1;
			continue;
		}
		if (!cur)
			cur = type_for(l, d);
		ret = prtool_preempt(d->dev, l->ourkey, l->remkey, cur->type,
				     !l->no_abort);
		if (ret)
			lvp_logmsg(l, "preempt%s error on %s: %s",
				   l->no_abort ? "" : "-abort", d->path,
				   lvp_why(d, ret, buf, sizeof(buf)));
		rc = key_is_on_device(l, d, l->remkey);
		if (rc == 0) {
			lvp_logmsg(l, "failed to remove key %s from %s in %s.",
				   l->remkey_s, d->path, l->group);
			err = 1;
		} else if (rc == 2) {
			lvp_logmsg(l, "failed to verify key %s was removed from "
				      "%s in %s.", l->remkey_s, d->path, l->group);
			err = 1;
		}
	}
	/*
	 * A PV that is missing may still carry the key: the other host is
	 * not fenced from it.
	 */
	if (l->missing) {
		lvp_logmsg(l, "remove failed: %zu missing device(s) in VG %s.",
			   l->missing, l->vg);
		err = 1;
	}
	if (err)
		return lvp_errorexit(l, "remove %s failed.", l->group);
	lvp_logmsg(l, "removed key %s for %s.", l->remkey_s, l->group);
	return 0;
}

/* The distinct keys of @d, ascending; *n of them. */
static int key_list(struct lvp *l, struct lvp_dev *d, uint64_t **keys,
		    size_t *n)
{
	struct prtool_keys k;
	char buf[256];
	uint32_t i, j;
	int ret;

	*keys = NULL;
	*n = 0;
	ret = lvp_dev_open(d);
	if (!ret)
		ret = prtool_read_keys(d->dev, &k);
	if (ret) {
		lvp_logmsg(l, "read-keys error on %s: %s", d->path,
			   lvp_why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	/* Insertion sort, dropping repeats (one per I_T nexus). */
	for (i = 0; i < k.num_keys; i++) {
		uint64_t v = k.keys[i];

		for (j = 0; j < *n && k.keys[j] < v; j++)
			;
		if (j < *n && k.keys[j] == v)
			continue;
		memmove(&k.keys[j + 1], &k.keys[j], (*n - j) * sizeof(v));
		k.keys[j] = v;
		(*n)++;
	}
	*keys = k.keys;
	return 0;
}

int lvp_clear(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder, *keys;
	char buf[256];
	size_t i, n, j;
	int err = 0, rc, ret;
	bool *clear = xcalloc(l->ndevs, sizeof(*clear));

	/*
	 * CLEAR needs our key registered: register where it is not, skip
	 * what does not support PR or refuses the registration.
	 */
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!supports_pr(l, d)) {
			lvp_logerror(l, "Device %s: does not support PR", d->path);
			continue;
		}
		rc = key_is_on_device(l, d, l->ourkey);
		if (rc == 0) {
			clear[i] = true;
		} else if (rc == 1) {
			if (!do_register(l, d))
				clear[i] = true;
			else
				lvp_logmsg(l, "clear %s skip %s without "
					      "registration", l->group, d->path);
		} else {
			lvp_logmsg(l, "clear %s failed to check for our key %s on "
				      "%s.", l->group, l->ourkey_s, d->path);
			err = 1;
		}
	}
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!clear[i])
			continue;
		ret = prtool_clear(d->dev, l->ourkey);
		if (ret)
			lvp_logmsg(l, "clear error on %s: %s", d->path,
				   lvp_why(d, ret, buf, sizeof(buf)));
		/* What counts is that nothing is left. */
		if (key_list(l, d, &keys, &n)) {
			lvp_logmsg(l, "clear %s failed to read keys from %s",
				   l->group, d->path);
			err = 1;
		} else if (n) {
			char list[512] = "";
			size_t o = 0;

			for (j = 0; j < n && o < sizeof(list); j++)
				o += (size_t)snprintf(list + o,
						      sizeof(list) - o,
						      "%s0x%" PRIx64,
						      j ? " " : "", keys[j]);
			lvp_logmsg(l, "clear %s keys not cleared from %s - %s",
				   l->group, d->path, list);
			err = 1;
		}
		free(keys);
		if (get_reservation(l, d, &cur, &holder) || cur) {
			lvp_logmsg(l, "clear %s reservation not cleared from %s",
				   l->group, d->path);
			err = 1;
		}
	}
	free(clear);
	if (err)
		return lvp_errorexit(l, "clear %s failed.", l->group);
	lvp_logmsg(l, "cleared %s reservation and keys", l->group);
	return 0;
}

int lvp_devtest(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);

		rc = supports_type(l, d, t);
		if (!rc) {
			printf("Device %s: supports type %s\n", d->path,
			       t->abbr);
		} else if (rc == 2) {
			lvp_logerror(l, "Device %s: failed to query type %s",
				     d->path, t->abbr);
			err = 1;
		} else {
			lvp_logerror(l, "Device %s: does not support type %s",
				     d->path, t->abbr);
			err = 1;
		}
	}
	return err ? lvp_errorexit(l, "devtest failed.") : 0;
}

int lvp_checkkey(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = key_is_on_device(l, d, l->ourkey);
		if (!rc) {
			printf("Device %s: has key %s\n", d->path,
			       l->ourkey_s);
		} else if (rc == 2) {
			lvp_logerror(l, "Device %s: failed to check for key %s",
				     d->path, l->ourkey_s);
			err = 1;
		} else {
			lvp_logerror(l, "Device %s: does not have key %s",
				     d->path, l->ourkey_s);
			err = 1;
		}
	}
	return err ? lvp_errorexit(l, "check-key failed.") : 0;
}

/* Type support for the reads: 0 go on, 1 skip (said), 2 error (said). */
static int read_check(struct lvp *l, struct lvp_dev *d)
{
	int rc = supports_type(l, d, type_for(l, d));

	if (rc == 1) {
		printf("Device %s: does not support PR\n", d->path);
	} else if (rc == 2) {
		lvp_logerror(l, "Device %s: failed to query reservation type",
			     d->path);
	}
	return rc;
}

int lvp_readkeys(struct lvp *l)
{
	uint64_t *keys;
	size_t i, j, n;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = read_check(l, d);
		if (rc) {
			err |= rc == 2;
			continue;
		}
		if (key_list(l, d, &keys, &n)) {
			lvp_logerror(l, "Device %s: failed to read registered keys",
				     d->path);
			err = 1;
			continue;
		}
		printf("Device %s: registered keys:", d->path);
		if (!n)
			printf(" none");
		for (j = 0; j < n; j++)
			printf(" 0x%" PRIx64, keys[j]);
		printf("\n");
		free(keys);
	}
	return err ? lvp_errorexit(l, "read-keys failed.") : 0;
}

int lvp_readreservation(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = read_check(l, d);
		if (rc) {
			err |= rc == 2;
			continue;
		}
		if (get_reservation(l, d, &cur, &holder)) {
			lvp_logerror(l, "Device %s: failed to read reservation",
				     d->path);
			err = 1;
		} else if (!cur) {
			printf("Device %s: reservation: none\n", d->path);
		} else if (all_regs(cur)) {
			printf("Device %s: reservation: %s\n", d->path,
			       cur->abbr);
		} else {
			printf("Device %s: reservation: %s holder 0x%" PRIx64
			       "\n", d->path, cur->abbr, holder);
		}
	}
	return err ? lvp_errorexit(l, "read-reservation failed.") : 0;
}
