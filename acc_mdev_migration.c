// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: VFIO live migration, protocol v2 (STOP_COPY, P2P, PRE_COPY).
 *
 * What each arc does to the VF:
 *   RUNNING -> RUNNING_P2P, PRE_COPY -> PRE_COPY_P2P
 *	quiesce: PAUSE_QM, idle checks, context write-back. The VF has no
 *	peer-to-peer traffic of its own, so "no P2P" is "paused", and STOP
 *	changes nothing more.
 *   RUNNING_P2P -> RUNNING, PRE_COPY_P2P -> PRE_COPY
 *	restart doorbells, if the VF was paused or loaded.
 *   RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P
 *	saving file holding the COMPAT record (PF registers only): the
 *	destination checks it before the source stops.
 *   PRE_COPY_P2P -> STOP_COPY, STOP -> STOP_COPY
 *	the QM state appended (the same file, or a new one with both).
 *   STOP -> RESUMING, RESUMING -> STOP
 *	resuming file; every record is checked as it arrives and the state
 *	is loaded into the VF only once the whole stream is in.
 *
 * Locking: mig_lock orders the arcs, reset and close; a file's own lock
 * guards its buffer. No user copy runs under mig_lock, and file
 * operations never take it: they see the device only through the file.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "acc_mdev.h"
#include "acc_mig_stream.h"

struct acc_mdev_mig_file {
	struct file *filp;
	struct mutex lock;		/* everything below */
	struct device *dev;		/* for messages, while !disabled */
	bool disabled;			/* the device let go of it */
	bool precopy;			/* saving, device in a PRE_COPY state */
	bool complete;			/* saving: the QM state is in */
	u8 data[ACC_MIG_STREAM_MAX];
	size_t len;			/* saving: produced; resuming: unparsed */
	size_t pos;			/* saving: read so far */
	size_t received;		/* resuming: bytes written */
	int error;			/* resuming: sticky, first bad record */
	struct acc_mig_compat local;	/* resuming: what the stream must match */
	struct acc_mig_parser parser;
};

static struct acc_mdev_dev *to_ad(struct vfio_device *vdev)
{
	return container_of(vdev, struct acc_mdev_dev, vdev);
}

static int acc_mdev_mig_release(struct inode *inode, struct file *filp)
{
	struct acc_mdev_mig_file *migf = filp->private_data;

	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

static ssize_t acc_mdev_mig_read(struct file *filp, char __user *buf,
				 size_t len, loff_t *pos)
{
	struct acc_mdev_mig_file *migf = filp->private_data;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
	} else if (migf->pos == migf->len) {
		/* PRE_COPY has a temporary end: more comes in STOP_COPY. */
		ret = migf->complete ? 0 : -ENOMSG;
	} else {
		ret = min(len, migf->len - migf->pos);
		if (copy_to_user(buf, migf->data + migf->pos, ret))
			ret = -EFAULT;
		else
			migf->pos += ret;
	}
	mutex_unlock(&migf->lock);
	return ret;
}

static long acc_mdev_mig_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct acc_mdev_mig_file *migf = filp->private_data;
	unsigned long minsz = offsetofend(struct vfio_precopy_info,
					  dirty_bytes);
	struct vfio_precopy_info info;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&migf->lock);
	if (migf->disabled || !migf->precopy) {
		mutex_unlock(&migf->lock);
		return -EINVAL;
	}
	/* Only the compat record exists before STOP_COPY; nothing dirties. */
	info.initial_bytes = migf->len - migf->pos;
	info.dirty_bytes = 0;
	mutex_unlock(&migf->lock);
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static const struct file_operations acc_mdev_save_fops = {
	.owner = THIS_MODULE,
	.read = acc_mdev_mig_read,
	.unlocked_ioctl = acc_mdev_mig_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = acc_mdev_mig_release,
};

/* Take the records that are complete; the first bad one sticks. */
static int acc_mdev_mig_take(struct acc_mdev_mig_file *migf)
{
	bool had_compat = acc_mig_parser_has(&migf->parser, ACC_MIG_REC_COMPAT);
	const char *why = NULL;
	size_t used;
	int ret;

	ret = acc_mig_parse(&migf->parser, migf->data, migf->len, &used, &why);
	memmove(migf->data, migf->data + used, migf->len - used);
	migf->len -= used;
	if (ret) {
		dev_err(migf->dev, "migration stream refused at byte %zu: %s (%d)\n",
			migf->received - migf->len, why, ret);
		return ret;
	}
	if (!had_compat &&
	    acc_mig_parser_has(&migf->parser, ACC_MIG_REC_COMPAT)) {
		ret = acc_mig_match_compat(&migf->parser.compat, &migf->local,
					   &why);
		if (ret)
			dev_err(migf->dev, "migration source does not match this device: %s differs (source %04x rev %02x %u queue pairs, here %04x rev %02x %u)\n",
				why, migf->parser.compat.device_id,
				migf->parser.compat.revision,
				migf->parser.compat.qp_num,
				migf->local.device_id, migf->local.revision,
				migf->local.qp_num);
	}
	return ret;
}

static ssize_t acc_mdev_mig_write(struct file *filp, const char __user *buf,
				  size_t len, loff_t *pos)
{
	struct acc_mdev_mig_file *migf = filp->private_data;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
	} else if (migf->error) {
		ret = migf->error;
	} else if (len > ACC_MIG_STREAM_MAX - migf->received) {
		dev_err(migf->dev, "migration stream longer than %u bytes\n",
			ACC_MIG_STREAM_MAX);
		ret = -EFBIG;
	} else if (copy_from_user(migf->data + migf->len, buf, len)) {
		ret = -EFAULT;
	} else {
		migf->len += len;
		migf->received += len;
		ret = acc_mdev_mig_take(migf);
		if (ret)
			migf->error = ret;
		else
			ret = len;
	}
	mutex_unlock(&migf->lock);
	return ret;
}

static const struct file_operations acc_mdev_resume_fops = {
	.owner = THIS_MODULE,
	.write = acc_mdev_mig_write,
	.release = acc_mdev_mig_release,
};

static struct acc_mdev_mig_file *
acc_mdev_mig_file_new(struct acc_mdev_dev *ad, bool saving)
{
	struct acc_mdev_mig_file *migf;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->filp = anon_inode_getfile("acc_mdev_mig",
					saving ? &acc_mdev_save_fops :
						 &acc_mdev_resume_fops,
					migf, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(migf->filp)) {
		struct file *err = migf->filp;

		kfree(migf);
		return ERR_CAST(err);
	}
	stream_open(migf->filp->f_inode, migf->filp);
	mutex_init(&migf->lock);
	migf->dev = ad->vdev.dev;
	/* The device keeps a reference until it disables the file. */
	get_file(migf->filp);
	return migf;
}

static void acc_mdev_mig_file_put(struct acc_mdev_mig_file **slot)
{
	struct acc_mdev_mig_file *migf = *slot;

	if (!migf)
		return;
	mutex_lock(&migf->lock);
	migf->disabled = true;
	migf->precopy = false;
	mutex_unlock(&migf->lock);
	fput(migf->filp);
	*slot = NULL;
}

static void acc_mdev_mig_files_put(struct acc_mdev_dev *ad)
{
	acc_mdev_mig_file_put(&ad->mig.saving);
	acc_mdev_mig_file_put(&ad->mig.resuming);
}

/* A saving file that starts with the COMPAT record. */
static struct file *acc_mdev_mig_save_start(struct acc_mdev_dev *ad,
					    bool precopy)
{
	struct acc_mdev_mig_file *migf;
	struct acc_mig_compat c;
	int ret;

	ret = acc_qm_vf_compat(&ad->qm, &c);
	if (ret)
		return ERR_PTR(ret);
	migf = acc_mdev_mig_file_new(ad, true);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	migf->len = acc_mig_put_compat(migf->data, sizeof(migf->data), &c);
	migf->precopy = precopy;
	ad->mig.saving = migf;
	return migf->filp;
}

/* The QM state of the quiesced VF, appended to the saving file. */
static int acc_mdev_mig_save_state(struct acc_mdev_dev *ad)
{
	struct acc_mdev_mig_file *migf = ad->mig.saving;
	struct acc_mig_qm_state s;
	const char *why;
	int ret;

	ret = acc_qm_vf_save(&ad->qm, &s);
	if (ret)
		return ret;
	ret = acc_mig_check_qm_state(&s, &why);
	if (ret) {
		dev_err(ad->vdev.dev, "VF state cannot be migrated: %s\n", why);
		return ret;
	}
	mutex_lock(&migf->lock);
	migf->len += acc_mig_put_qm_state(migf->data + migf->len,
					  sizeof(migf->data) - migf->len, &s);
	migf->precopy = false;
	migf->complete = true;
	mutex_unlock(&migf->lock);
	return 0;
}

/* Let the VF run again if we stopped or loaded it. */
static void acc_mdev_mig_restart(struct acc_mdev_dev *ad)
{
	struct acc_mig_compat c;

	if (acc_qm_vf_compat(&ad->qm, &c))
		return;
	acc_qm_vf_restart(&ad->qm, c.qp_num);
	ad->mig.paused = false;
}

static int acc_mdev_mig_quiesce(struct acc_mdev_dev *ad)
{
	int ret = acc_qm_vf_quiesce(&ad->qm);

	if (ret) {
		/* Leave it running, as the state we stay in says. */
		acc_mdev_mig_restart(ad);
		return ret;
	}
	ad->mig.paused = true;
	return 0;
}

static struct file *acc_mdev_mig_resume_start(struct acc_mdev_dev *ad)
{
	struct acc_mdev_mig_file *migf;
	struct acc_mig_compat local;
	int ret;

	ret = acc_qm_vf_compat(&ad->qm, &local);
	if (ret)
		return ERR_PTR(ret);
	migf = acc_mdev_mig_file_new(ad, false);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	migf->local = local;
	ad->mig.resuming = migf;
	return migf->filp;
}

/* RESUMING -> STOP: the whole stream must be in, then it is loaded. */
static int acc_mdev_mig_resume_end(struct acc_mdev_dev *ad)
{
	struct acc_mdev_mig_file *migf = ad->mig.resuming;
	struct acc_mig_qm_state s;
	int ret = 0;

	mutex_lock(&migf->lock);
	if (migf->error) {
		ret = migf->error;
	} else if (!acc_mig_parser_has(&migf->parser, ACC_MIG_REC_QM_STATE) ||
		   migf->len) {
		dev_err(ad->vdev.dev, "migration stream incomplete: %zu bytes, %zu of them not a whole record\n",
			migf->received, migf->len);
		ret = -EINVAL;
	}
	s = migf->parser.qm;
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	if (s.vf_ready) {
		ret = acc_qm_vf_load(&ad->qm, &s);
		if (ret)
			return ret;
		ad->mig.paused = true;	/* loaded: runs on the next restart */
	}
	acc_mdev_mig_file_put(&ad->mig.resuming);
	return 0;
}

/* One arc of the FSM; returns the new data file, NULL, or an ERR_PTR. */
static struct file *acc_mdev_mig_step(struct acc_mdev_dev *ad, u32 next)
{
	u32 cur = ad->mig.state;
	int ret = 0;

#define ARC(a, b) (cur == VFIO_DEVICE_STATE_##a && next == VFIO_DEVICE_STATE_##b)
	if (ARC(RUNNING, RUNNING_P2P) || ARC(PRE_COPY, PRE_COPY_P2P)) {
		ret = acc_mdev_mig_quiesce(ad);
	} else if (ARC(RUNNING_P2P, RUNNING) || ARC(PRE_COPY_P2P, PRE_COPY)) {
		if (ad->mig.paused)
			acc_mdev_mig_restart(ad);
	} else if (ARC(RUNNING, PRE_COPY) || ARC(RUNNING_P2P, PRE_COPY_P2P)) {
		return acc_mdev_mig_save_start(ad, true);
	} else if (ARC(PRE_COPY, RUNNING) || ARC(PRE_COPY_P2P, RUNNING_P2P) ||
		   ARC(STOP_COPY, STOP)) {
		acc_mdev_mig_files_put(ad);
	} else if (ARC(PRE_COPY_P2P, STOP_COPY)) {
		ret = acc_mdev_mig_save_state(ad);
	} else if (ARC(STOP, STOP_COPY)) {
		struct file *filp = acc_mdev_mig_save_start(ad, false);

		if (IS_ERR(filp))
			return filp;
		ret = acc_mdev_mig_save_state(ad);
		if (ret) {
			acc_mdev_mig_files_put(ad);
			fput(filp);
			return ERR_PTR(ret);
		}
		return filp;
	} else if (ARC(STOP, RESUMING)) {
		return acc_mdev_mig_resume_start(ad);
	} else if (ARC(RESUMING, STOP)) {
		ret = acc_mdev_mig_resume_end(ad);
	} else if (!ARC(RUNNING_P2P, STOP) && !ARC(STOP, RUNNING_P2P)) {
		dev_err(ad->vdev.dev, "no migration arc from state %u to %u\n",
			cur, next);
		ret = -EINVAL;
	}
#undef ARC
	return ret ? ERR_PTR(ret) : NULL;
}

static struct file *acc_mdev_set_state(struct vfio_device *vdev,
				       enum vfio_device_mig_state new)
{
	struct acc_mdev_dev *ad = to_ad(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&ad->mig.lock);
	while (ad->mig.state != new) {
		ret = vfio_mig_get_next_state(vdev, ad->mig.state, new, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = acc_mdev_mig_step(ad, next);
		if (IS_ERR(res))
			break;
		ad->mig.state = next;
		/* The core's table puts every arc that makes a file last. */
		if (WARN_ON(res && next != new)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&ad->mig.lock);
	return res;
}

static int acc_mdev_get_state(struct vfio_device *vdev,
			      enum vfio_device_mig_state *state)
{
	struct acc_mdev_dev *ad = to_ad(vdev);

	mutex_lock(&ad->mig.lock);
	*state = ad->mig.state;
	mutex_unlock(&ad->mig.lock);
	return 0;
}

static int acc_mdev_get_data_size(struct vfio_device *vdev,
				  unsigned long *stop_copy_length)
{
	*stop_copy_length = ACC_MIG_STREAM_MAX;
	return 0;
}

static const struct vfio_migration_ops acc_mdev_mig_ops = {
	.migration_set_state = acc_mdev_set_state,
	.migration_get_state = acc_mdev_get_state,
	.migration_get_data_size = acc_mdev_get_data_size,
};

void acc_mdev_mig_init(struct acc_mdev_dev *ad)
{
	mutex_init(&ad->mig.lock);
	ad->mig.state = VFIO_DEVICE_STATE_RUNNING;
	ad->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				   VFIO_MIGRATION_P2P |
				   VFIO_MIGRATION_PRE_COPY;
	ad->vdev.mig_ops = &acc_mdev_mig_ops;
}

void acc_mdev_mig_uninit(struct acc_mdev_dev *ad)
{
	mutex_destroy(&ad->mig.lock);
}

/*
 * The VF was reset (or the device closed): a running, empty VF. Caller
 * holds mig.lock.
 */
void acc_mdev_mig_reset_done(struct acc_mdev_dev *ad)
{
	lockdep_assert_held(&ad->mig.lock);
	acc_mdev_mig_files_put(ad);
	ad->mig.state = VFIO_DEVICE_STATE_RUNNING;
	ad->mig.paused = false;
}
