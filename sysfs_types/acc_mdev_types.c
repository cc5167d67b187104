// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: type description and per-mdev sysfs attributes.
 */
#include <linux/sysfs.h>

#include "../acc_mdev.h"

ssize_t acc_mdev_type_description(struct mdev_type *mtype, char *buf)
{
	struct acc_mdev_pf *pf = container_of(mtype->parent,
					      struct acc_mdev_pf, parent);

	return sysfs_emit(buf, "HiSilicon %s engine VF, %u queue pairs\n",
			  pf->engine, pf->qp_per_vf);
}

static ssize_t backing_vf_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct acc_mdev_dev *ad = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", pci_name(ad->vf->pdev));
}
static DEVICE_ATTR_RO(backing_vf);

static ssize_t queue_pairs_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct acc_mdev_dev *ad = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", ad->pf->qp_per_vf);
}
static DEVICE_ATTR_RO(queue_pairs);

static struct attribute *acc_mdev_dev_attrs[] = {
	&dev_attr_backing_vf.attr,
	&dev_attr_queue_pairs.attr,
	NULL
};

static const struct attribute_group acc_mdev_dev_group = {
	.name = "acc_mdev",
	.attrs = acc_mdev_dev_attrs,
};

const struct attribute_group *acc_mdev_dev_groups[] = {
	&acc_mdev_dev_group,
	NULL
};
