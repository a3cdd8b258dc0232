// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the native C API (include/prtool/prtool.h).
 *
 * A thin layer over the code prtool itself runs (pr.c, parse.c, status.c):
 * one implementation, two callers. Nothing here prints or
 * exits; every failure is a return value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "libprtool_int.h"
#include "parse.h"
#include "pr.h"
#include "pr_compat.h"
#include "status.h"

struct prtool_dev {
	struct pr_dev d;
};

struct pr_dev *lpt_pr_dev(struct prtool_dev *dev)
{
	return &dev->d;
}

int prtool_test_unit_ready(struct prtool_dev *dev)
{
	return pr_test_unit_ready(&dev->d);
}

const char *prtool_version(void)
{
	return PRTOOL_VERSION;
}

int prtool_open(const char *name, struct prtool_dev **devp)
{
	struct prtool_dev *dev;
	int ret;

	*devp = NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	ret = pr_dev_open(&dev->d, name ? name : "");
	if (ret) {
		free(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

int prtool_open_fd(int fd, struct prtool_dev **devp)
{
	struct prtool_dev *dev;
	int ret;

	*devp = NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	ret = pr_dev_use_fd(&dev->d, fd);
	if (ret) {
		free(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

void prtool_close(struct prtool_dev *dev)
{
	if (!dev)
		return;
	pr_dev_close(&dev->d);
	free(dev);
}

int prtool_dev_fd(const struct prtool_dev *dev)
{
	return dev->d.fd;
}

const char *prtool_dev_path(const struct prtool_dev *dev)
{
	return dev->d.path;
}

const char *prtool_dev_detail(const struct prtool_dev *dev)
{
	return dev->d.detail;
}

int prtool_register(struct prtool_dev *dev, uint64_t old_key,
		    uint64_t new_key, unsigned int flags)
{
	if (flags & ~PRTOOL_REG_IGNORE_KEY)
		return -EINVAL;
	return pr_register(&dev->d, old_key, new_key,
			   flags & PRTOOL_REG_IGNORE_KEY ? PR_FL_IGNORE_KEY :
							  0);
}

int prtool_reserve(struct prtool_dev *dev, uint64_t key, unsigned int type)
{
	return pr_reserve(&dev->d, key, type, 0);
}

int prtool_release(struct prtool_dev *dev, uint64_t key, unsigned int type)
{
	return pr_release(&dev->d, key, type);
}

int prtool_preempt(struct prtool_dev *dev, uint64_t key, uint64_t victim,
		   unsigned int type, bool abort)
{
	return pr_preempt(&dev->d, key, victim, type, abort);
}

int prtool_clear(struct prtool_dev *dev, uint64_t key)
{
	return pr_clear(&dev->d, key);
}

static enum prtool_source source(enum pr_source src)
{
	return src == PR_SRC_IOCTL ? PRTOOL_SRC_IOCTL : PRTOOL_SRC_SG_IO;
}

int prtool_read_keys(struct prtool_dev *dev, struct prtool_keys *keys)
{
	struct pr_keys k;
	int ret;

	memset(keys, 0, sizeof(*keys));
	ret = pr_read_keys(&dev->d, &k);
	if (ret)
		return ret;
	keys->generation = k.generation;
	keys->num_keys = k.num_keys;
	keys->keys = k.keys;
	keys->source = source(k.source);
	return 0;
}

void prtool_keys_free(struct prtool_keys *keys)
{
	free(keys->keys);
	keys->keys = NULL;
	keys->num_keys = 0;
}

int prtool_read_reservation(struct prtool_dev *dev,
			    struct prtool_reservation *res)
{
	struct pr_resv r;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = pr_read_reservation(&dev->d, &r);
	if (ret)
		return ret;
	res->generation = r.generation;
	res->held = r.held;
	res->key = r.key;
	res->scope = r.scope;
	res->source = source(r.source);
	if (r.source == PR_SRC_SG_IO) {
		res->scsi_type = r.held ? r.scsi_type : 0;
		res->type = r.held ? pr_type_from_scsi(r.scsi_type) : 0;
	} else {
		res->type = r.type;
		res->scsi_type = prtool_type_to_scsi(r.type);
	}
	return 0;
}

int prtool_pr_in(struct prtool_dev *dev, unsigned int sa, uint8_t *buf,
		 size_t len, size_t *got)
{
	return pr_in(&dev->d, sa, buf, len, got);
}

int prtool_pr_out(struct prtool_dev *dev, unsigned int sa,
		  uint8_t scope_type, const uint8_t *param, size_t plen)
{
	return pr_out(&dev->d, sa, scope_type, param, plen);
}

int prtool_last_scsi(const struct prtool_dev *dev,
		     struct prtool_scsi_outcome *out)
{
	const struct pr_sg_status *sg = &dev->d.sg;

	memset(out, 0, sizeof(*out));
	out->sense_key = -1;
	if (!sg->valid)
		return -ENODATA;
	out->status = sg->status;
	out->host = sg->host;
	out->driver = sg->driver;
	out->sense_key = sg->sense_key;
	out->asc = sg->asc;
	out->ascq = sg->ascq;
	return 0;
}

enum prtool_status_class prtool_status_classify(int status)
{
	switch (pr_status_classify(status)) {
	case PR_CLASS_OK:
		return PRTOOL_CLASS_OK;
	case PR_CLASS_ERRNO:
		return PRTOOL_CLASS_ERRNO;
	case PR_CLASS_CONFLICT:
		return PRTOOL_CLASS_CONFLICT;
	case PR_CLASS_PATH:
		return PRTOOL_CLASS_PATH;
	case PR_CLASS_IO:
		return PRTOOL_CLASS_IO;
	default:
		return PRTOOL_CLASS_OTHER;
	}
}

const char *prtool_status_str(int status, char *buf, size_t len)
{
	return pr_status_str(status, buf, len);
}

const char *prtool_sense_key_name(unsigned int key)
{
	return scsi_sense_key_name(key);
}

int prtool_parse_key(const char *s, uint64_t *key, const char **why)
{
	return parse_key(s, key, why);
}

int prtool_parse_type(const char *s, unsigned int *type)
{
	return parse_pr_type(s, type);
}

const char *prtool_type_name(unsigned int type)
{
	const struct pr_type_desc *t = pr_type_by_value(type);

	return t ? t->name : NULL;
}

const char *prtool_type_description(unsigned int type)
{
	const struct pr_type_desc *t = pr_type_by_value(type);

	return t ? t->help : NULL;
}

unsigned int prtool_type_to_scsi(unsigned int type)
{
	const struct pr_type_desc *t = pr_type_by_value(type);

	return t ? t->scsi : 0;
}

unsigned int prtool_type_from_scsi(unsigned int scsi_type)
{
	return pr_type_from_scsi(scsi_type);
}
