// SPDX-License-Identifier: GPL-2.0
/*
 * The pr_ops entry points of an attached disk.
 *
 * Each one runs inside an mpr_srcu read section and looks the attachment
 * up by the caller's disk: attached, the operation goes to the engine; not
 * attached any more (the caller loaded our pr_ops just before a detach), it
 * goes to the disk's current pr_ops, which are the original again.
 * Documentation/kernel.md ("Entry points", "Lifetime") says why that is
 * safe.
 */

#include <linux/blkdev.h>
#include <linux/pr.h>
#include <linux/rculist.h>
#include <linux/srcu.h>

#include "attach.h"
#include "engine.h"

/* Look up the attachment of @disk inside an SRCU read section. */
static struct mpr_attach *mpr_attach_find_srcu(struct gendisk *disk)
{
	struct mpr_attach *att;

	list_for_each_entry_srcu(att, &mpr_attachments, node,
				 srcu_read_lock_held(&mpr_srcu))
		if (att->disk == disk)
			return att;
	return NULL;
}

/**
 * mpr_orig_pr_ops() - the pr_ops a forwarded call goes to
 * @bdev: the dm block device the caller used
 * @att: set to the attachment, or NULL
 *
 * Caller is in an mpr_srcu read section. Attached: the disk's original
 * pr_ops. Not attached any more (the caller loaded our pr_ops just before a
 * detach): whatever the disk has now, which is the original again.
 *
 * Return: the pr_ops to use, or NULL if there are none.
 */
static const struct pr_ops *mpr_orig_pr_ops(struct block_device *bdev,
					    struct mpr_attach **att)
{
	const struct pr_ops *ops;

	*att = mpr_attach_find_srcu(bdev->bd_disk);
	if (*att)
		return (*att)->orig_fops->pr_ops;
	ops = READ_ONCE(bdev->bd_disk->fops)->pr_ops;
	/* Someone else's copy of our operations: do not loop. */
	return ops == &mpr_pr_ops ? NULL : ops;
}

/*
 * Every entry point: inside an mpr_srcu read section, find the attachment;
 * attached devices go to the engine, others (detached since the caller
 * loaded our pr_ops) to the disk's current pr_ops.
 */
static int mpr_pr_register(struct block_device *bdev, u64 old_key,
			   u64 new_key, u32 flags)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_register(&att->eng, old_key, new_key, flags);
	else if (ops && ops->pr_register)
		r = ops->pr_register(bdev, old_key, new_key, flags);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

static int mpr_pr_reserve(struct block_device *bdev, u64 key,
			  enum pr_type type, u32 flags)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_reserve(&att->eng, key, type, flags);
	else if (ops && ops->pr_reserve)
		r = ops->pr_reserve(bdev, key, type, flags);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

static int mpr_pr_release(struct block_device *bdev, u64 key,
			  enum pr_type type)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_release(&att->eng, key, type);
	else if (ops && ops->pr_release)
		r = ops->pr_release(bdev, key, type);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

/* The abort flag goes to the paths as the block layer gave it. */
static int mpr_pr_preempt(struct block_device *bdev, u64 old_key,
			  u64 new_key, enum pr_type type, bool abort)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_preempt(&att->eng, old_key, new_key, type,
				       abort);
	else if (ops && ops->pr_preempt)
		r = ops->pr_preempt(bdev, old_key, new_key, type, abort);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

static int mpr_pr_clear(struct block_device *bdev, u64 key)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_clear(&att->eng, key);
	else if (ops && ops->pr_clear)
		r = ops->pr_clear(bdev, key);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

#ifdef COMPAT_HAVE_PR_READ_KEYS
static int mpr_pr_read_keys(struct block_device *bdev,
			    struct pr_keys *keys_info)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att)
		r = mpr_engine_read_keys(&att->eng, &keys_info->generation,
					 &keys_info->num_keys, keys_info->keys);
	else if (ops && ops->pr_read_keys)
		r = ops->pr_read_keys(bdev, keys_info);
	else
		r = -EOPNOTSUPP;
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}

static int mpr_pr_read_reservation(struct block_device *bdev,
				   struct pr_held_reservation *rsv)
{
	const struct pr_ops *ops;
	struct mpr_attach *att;
	struct mpr_resv res;
	int idx, r;

	idx = srcu_read_lock(&mpr_srcu);
	ops = mpr_orig_pr_ops(bdev, &att);
	if (att) {
		r = mpr_engine_read_reservation(&att->eng, &res);
		if (!r) {
			rsv->key = res.key;
			rsv->generation = res.generation;
			rsv->type = res.type;
		}
	} else if (ops && ops->pr_read_reservation) {
		r = ops->pr_read_reservation(bdev, rsv);
	} else {
		r = -EOPNOTSUPP;
	}
	srcu_read_unlock(&mpr_srcu, idx);
	return r;
}
#endif

const struct pr_ops mpr_pr_ops = {
	.pr_register		= mpr_pr_register,
	.pr_reserve		= mpr_pr_reserve,
	.pr_release		= mpr_pr_release,
	.pr_preempt		= mpr_pr_preempt,
	.pr_clear		= mpr_pr_clear,
#ifdef COMPAT_HAVE_PR_READ_KEYS
	.pr_read_keys		= mpr_pr_read_keys,
	.pr_read_reservation	= mpr_pr_read_reservation,
#endif
};
