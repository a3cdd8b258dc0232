// SPDX-License-Identifier: GPL-2.0
/*
 * The pr_ops entry points of an attached disk.
 *
 * Each one looks the attachment up by the caller's disk (mpr_call_begin()):
 * attached, the operation goes to the engine inside the attachment's own
 * SRCU read section; not attached any more (the caller loaded our pr_ops
 * just before a detach), it goes to the disk's current pr_ops, which are
 * the original again.
 * Documentation/kernel.md ("Entry points", "Lifetime") says why that is
 * safe.
 */

#include <linux/blkdev.h>
#include <linux/pr.h>
#include <linux/rculist.h>
#include <linux/srcu.h>

#include "attach.h"
#include "engine.h"
#include "sgio.h"

/* Look up the attachment of @disk inside an mpr_srcu read section. */
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
 * mpr_call_begin() - find where a call on @bdev goes
 * @bdev: the dm block device the caller used
 * @call: filled in; mpr_call_end() ends it
 *
 * The lookup runs in an mpr_srcu read section, which is never held
 * longer than that. Attached: the call enters the attachment's own SRCU
 * domain, which only a detach of this device waits for. Not attached any
 * more (the caller loaded our pr_ops just before a detach): the call goes
 * to whatever the disk has now, which is the original again, in no read
 * section at all: it runs dm's code, and ours stays loaded (the module is
 * pinned, mpr_pin()).
 */
void mpr_call_begin(struct block_device *bdev, struct mpr_call *call)
	__acquires(call)
{
	const struct pr_ops *ops = NULL;
	struct mpr_attach *att;
	int idx;

	idx = srcu_read_lock(&mpr_srcu);
	att = mpr_attach_find_srcu(bdev->bd_disk);
	if (!att) {
		ops = READ_ONCE(bdev->bd_disk->fops)->pr_ops;
		/* Ours again: attached again since the lookup. */
		if (ops == &mpr_pr_ops)
			att = mpr_attach_find_srcu(bdev->bd_disk);
	}
	call->att = att;
	if (att) {
		call->idx = srcu_read_lock(&att->srcu);
	} else {
		/* A copy of our operations that someone else made: no loop. */
		call->ops = ops == &mpr_pr_ops ? NULL : ops;
		/* For sparse: a forwarded call holds nothing, but ends alike. */
		__acquire(call);
	}
	srcu_read_unlock(&mpr_srcu, idx);
}

/**
 * mpr_orig_fops() - the operations @disk had before it was attached
 * @disk: a disk whose operations are (or were) our copy
 *
 * Attached: the original operations (dm's, which live as long as the
 * disk). Detached since: the disk's current ones, which are the original
 * again, unless they are someone else's copy of ours.
 *
 * Return: the operations to forward to, or NULL for none.
 */
const struct block_device_operations *mpr_orig_fops(struct gendisk *disk)
{
	const struct block_device_operations *fops;
	struct mpr_attach *att;
	int idx;

	idx = srcu_read_lock(&mpr_srcu);
	att = mpr_attach_find_srcu(disk);
	fops = att ? att->orig_fops : READ_ONCE(disk->fops);
	srcu_read_unlock(&mpr_srcu, idx);
	return fops->ioctl == mpr_blk_ioctl ? NULL : fops;
}

/**
 * mpr_sgio_on() - whether SG_IO PR commands on @disk are answered here
 * @disk: a disk whose operations are (or were) our copy
 *
 * Return: true if @disk is attached and its SGIO setting is on (the
 * default); false sends the caller's SG_IO to dm untouched.
 */
bool mpr_sgio_on(struct gendisk *disk)
{
	struct mpr_attach *att;
	bool on;
	int idx;

	idx = srcu_read_lock(&mpr_srcu);
	att = mpr_attach_find_srcu(disk);
	on = att && READ_ONCE(att->params.sgio);
	srcu_read_unlock(&mpr_srcu, idx);
	return on;
}

void mpr_call_end(struct mpr_call *call)
	__releases(call)
{
	if (call->att)
		srcu_read_unlock(&call->att->srcu, call->idx);
	else
		__release(call);
}

/*
 * Every entry point: attached devices go to the engine, others (detached
 * since the caller loaded our pr_ops) to the disk's current pr_ops.
 */
static int mpr_pr_register(struct block_device *bdev, u64 old_key,
			   u64 new_key, u32 flags)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_register(&call.att->eng, old_key, new_key,
					flags);
	else if (call.ops && call.ops->pr_register)
		r = call.ops->pr_register(bdev, old_key, new_key, flags);
	mpr_call_end(&call);
	return r;
}

static int mpr_pr_reserve(struct block_device *bdev, u64 key,
			  enum pr_type type, u32 flags)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_reserve(&call.att->eng, key, type, flags);
	else if (call.ops && call.ops->pr_reserve)
		r = call.ops->pr_reserve(bdev, key, type, flags);
	mpr_call_end(&call);
	return r;
}

static int mpr_pr_release(struct block_device *bdev, u64 key,
			  enum pr_type type)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_release(&call.att->eng, key, type);
	else if (call.ops && call.ops->pr_release)
		r = call.ops->pr_release(bdev, key, type);
	mpr_call_end(&call);
	return r;
}

/* The abort flag goes to the paths as the block layer gave it. */
static int mpr_pr_preempt(struct block_device *bdev, u64 old_key,
			  u64 new_key, enum pr_type type, bool abort)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_preempt(&call.att->eng, old_key, new_key, type,
				       abort);
	else if (call.ops && call.ops->pr_preempt)
		r = call.ops->pr_preempt(bdev, old_key, new_key, type, abort);
	mpr_call_end(&call);
	return r;
}

static int mpr_pr_clear(struct block_device *bdev, u64 key)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_clear(&call.att->eng, key);
	else if (call.ops && call.ops->pr_clear)
		r = call.ops->pr_clear(bdev, key);
	mpr_call_end(&call);
	return r;
}

#ifdef COMPAT_HAVE_PR_READ_KEYS
static int mpr_pr_read_keys(struct block_device *bdev,
			    struct pr_keys *keys_info)
{
	struct mpr_call call;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att)
		r = mpr_engine_read_keys(&call.att->eng,
					 &keys_info->generation,
					 &keys_info->num_keys, keys_info->keys);
	else if (call.ops && call.ops->pr_read_keys)
		r = call.ops->pr_read_keys(bdev, keys_info);
	mpr_call_end(&call);
	return r;
}

static int mpr_pr_read_reservation(struct block_device *bdev,
				   struct pr_held_reservation *rsv)
{
	struct mpr_call call;
	struct mpr_resv res;
	int r = -EOPNOTSUPP;

	mpr_call_begin(bdev, &call);
	if (call.att) {
		r = mpr_engine_read_reservation(&call.att->eng, &res);
		if (!r) {
			rsv->key = res.key;
			rsv->generation = res.generation;
			rsv->type = res.type;
		}
	} else if (call.ops && call.ops->pr_read_reservation) {
		r = call.ops->pr_read_reservation(bdev, rsv);
	}
	mpr_call_end(&call);
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
