// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: mdev probe/remove, vfio_device_ops, ioctl dispatch and the
 * iommufd DMA binding (the backing VF joins the user's IOAS).
 */
#include <linux/iommufd.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "acc_mdev.h"

static struct acc_mdev_dev *to_ad(struct vfio_device *vdev)
{
	return container_of(vdev, struct acc_mdev_dev, vdev);
}

#if IS_ENABLED(CONFIG_IOMMUFD)
static int acc_mdev_bind_iommufd(struct vfio_device *vdev,
				 struct iommufd_ctx *ictx, u32 *out_device_id)
{
	struct acc_mdev_dev *ad = to_ad(vdev);
	struct iommufd_device *idev;

	idev = iommufd_device_bind(ictx, &ad->vf->pdev->dev, out_device_id);
	if (IS_ERR(idev))
		return PTR_ERR(idev);
	vdev->iommufd_device = idev;
	return 0;
}

#define ACC_MDEV_BIND		acc_mdev_bind_iommufd
MODULE_IMPORT_NS(IOMMUFD);

static bool acc_mdev_iommufd_bound(struct vfio_device *vdev)
{
	return vdev->iommufd_device;
}
#else
#define ACC_MDEV_BIND		NULL

static bool acc_mdev_iommufd_bound(struct vfio_device *vdev)
{
	return false;
}
#endif

static int acc_mdev_open(struct vfio_device *vdev)
{
	struct acc_mdev_dev *ad = to_ad(vdev);
	int ret;

	if (!IS_ENABLED(CONFIG_IOMMUFD)) {
		dev_err(vdev->dev,
			"kernel built without CONFIG_IOMMUFD: the VF's DMA needs iommufd, type1 containers are not supported\n");
		return -EOPNOTSUPP;
	}
	if (!acc_mdev_iommufd_bound(vdev)) {
		dev_err(vdev->dev,
			"DMA needs iommufd (vfio cdev or iommufd compat container); type1 containers are not supported\n");
		return -EOPNOTSUPP;
	}
	ret = pci_enable_device(ad->vf->pdev);
	if (ret)
		return ret;
	/* Each user starts from a reset VF, whatever the last one left. */
	ret = acc_mdev_reset(ad);
	if (ret) {
		dev_err(vdev->dev, "VF %s could not be reset for a new user (%d)\n",
			pci_name(ad->vf->pdev), ret);
		pci_disable_device(ad->vf->pdev);
		return ret;
	}
	acc_mdev_config_init(ad);
	return 0;
}

static void acc_mdev_close(struct vfio_device *vdev)
{
	struct acc_mdev_dev *ad = to_ad(vdev);

	acc_mdev_irqs_teardown(ad);
	if (acc_mdev_reset(ad) == -EAGAIN)
		dev_info(vdev->dev, "VF %s busy (going away?): not reset on close\n",
			 pci_name(ad->vf->pdev));
	/* Data files outlive the device fd: they must let go of it now. */
	mutex_lock(&ad->mig.lock);
	acc_mdev_mig_reset_done(ad);
	mutex_unlock(&ad->mig.lock);
	pci_clear_master(ad->vf->pdev);
	pci_disable_device(ad->vf->pdev);
}

static ssize_t acc_mdev_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return acc_mdev_rw(to_ad(vdev), buf, count, ppos, false);
}

static ssize_t acc_mdev_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	return acc_mdev_rw(to_ad(vdev), (char __user *)buf, count, ppos, true);
}

static int acc_mdev_vmmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	return acc_mdev_mmap(to_ad(vdev), vma);
}

static void acc_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	acc_mdev_request_notify(to_ad(vdev), count);
}

static long acc_mdev_device_info(unsigned long arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long acc_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct acc_mdev_dev *ad = to_ad(vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return acc_mdev_device_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return acc_mdev_region_info(ad, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return acc_mdev_irq_info(ad, arg);
	case VFIO_DEVICE_SET_IRQS:
		return acc_mdev_set_irqs(ad, arg);
	case VFIO_DEVICE_RESET:
		return acc_mdev_reset(ad);
	default:
		return -ENOTTY;
	}
}

static int acc_mdev_init_dev(struct vfio_device *vdev)
{
	struct acc_mdev_dev *ad = to_ad(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct acc_mdev_pf *pf = container_of(mdev->type->parent,
					      struct acc_mdev_pf, parent);
	int ret;

	ad->mdev = mdev;
	ad->pf = pf;
	mutex_init(&ad->state_lock);
	init_rwsem(&ad->memory_lock);
	acc_mdev_mig_init(ad);
	ad->vf = acc_mdev_vf_get(pf, ad);
	if (!ad->vf) {
		dev_err(&pf->pdev->dev,
			"mdev %s: no free VF (each mdev needs a VF of its own)\n",
			dev_name(&mdev->dev));
		return -ENOSPC;
	}
	ret = acc_qm_vf_map(&ad->qm, &pf->qm, ad->vf->pdev);
	if (ret) {
		acc_mdev_vf_put(ad->vf);
		return ret;
	}
	return 0;
}

static void acc_mdev_release(struct vfio_device *vdev)
{
	struct acc_mdev_dev *ad = to_ad(vdev);

	acc_qm_vf_unmap(&ad->qm);
	acc_mdev_vf_put(ad->vf);
	acc_mdev_mig_uninit(ad);
	mutex_destroy(&ad->state_lock);
}

static const struct vfio_device_ops acc_mdev_dev_ops = {
	.name = ACC_MDEV_NAME,
	.init = acc_mdev_init_dev,
	.release = acc_mdev_release,
	.bind_iommufd = ACC_MDEV_BIND,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
	.open_device = acc_mdev_open,
	.close_device = acc_mdev_close,
	.read = acc_mdev_read,
	.write = acc_mdev_write,
	.ioctl = acc_mdev_ioctl,
	.mmap = acc_mdev_vmmap,
	.request = acc_mdev_request,
};

static int acc_mdev_probe(struct mdev_device *mdev)
{
	struct acc_mdev_dev *ad;
	int ret;

	ad = vfio_alloc_device(acc_mdev_dev, vdev, &mdev->dev,
			       &acc_mdev_dev_ops);
	if (IS_ERR(ad))
		return PTR_ERR(ad);
	ret = vfio_register_emulated_iommu_dev(&ad->vdev);
	if (ret) {
		vfio_put_device(&ad->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, ad);
	return 0;
}

static void acc_mdev_remove(struct mdev_device *mdev)
{
	struct acc_mdev_dev *ad = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&ad->vdev);
	vfio_put_device(&ad->vdev);
}

static unsigned int acc_mdev_get_available(struct mdev_type *mtype)
{
	return acc_mdev_available(container_of(mtype->parent,
					       struct acc_mdev_pf, parent));
}

struct mdev_driver acc_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = ACC_MDEV_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = acc_mdev_dev_groups,
	},
	.probe = acc_mdev_probe,
	.remove = acc_mdev_remove,
	.get_available = acc_mdev_get_available,
	.show_description = acc_mdev_type_description,
};
