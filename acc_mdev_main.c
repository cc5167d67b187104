// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: module init/exit, PF and VF PCI drivers, mdev parent and types.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "acc_mdev.h"

#define PCI_VENDOR_ID_HUAWEI_ACC	0x19e5
#define ACC_QM_MIN_REVISION		0x30

/* Two queue pairs: one per direction for a compress + decompress user. */
static unsigned int qp_per_vf = 2;

static int acc_mdev_qp_per_vf_set(const char *val,
				  const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, ACC_QM_VFT_MAX_QP);
}

static const struct kernel_param_ops acc_mdev_qp_per_vf_ops = {
	.set = acc_mdev_qp_per_vf_set,
	.get = param_get_uint,
};
module_param_cb(qp_per_vf, &acc_mdev_qp_per_vf_ops, &qp_per_vf, 0444);
MODULE_PARM_DESC(qp_per_vf, "queue pairs assigned to each VF, 1-1024 (default 2)");

static const char *acc_mdev_engine(unsigned short device)
{
	switch (device) {
	case 0xa250:
		return "zip";
	case 0xa255:
		return "sec";
	default:
		return "hpre";
	}
}

struct acc_mdev_vf *acc_mdev_vf_get(struct acc_mdev_pf *pf,
				    struct acc_mdev_dev *ad)
{
	struct acc_mdev_vf *found = NULL;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS && !pf->vfs_closing; i++) {
		if (pf->vfs[i].pdev && !pf->vfs[i].ad) {
			found = &pf->vfs[i];
			found->ad = ad;
			break;
		}
	}
	mutex_unlock(&pf->lock);
	return found;
}

void acc_mdev_vf_put(struct acc_mdev_vf *vf)
{
	mutex_lock(&vf->pf->lock);
	vf->ad = NULL;
	mutex_unlock(&vf->pf->lock);
}

unsigned int acc_mdev_available(struct acc_mdev_pf *pf)
{
	unsigned int n = 0;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS && !pf->vfs_closing; i++)
		if (pf->vfs[i].pdev && !pf->vfs[i].ad)
			n++;
	mutex_unlock(&pf->lock);
	return n;
}

/*
 * Start closing the VFs unless one backs an mdev; from here on no mdev can
 * take a VF, so none is in use when the VFs go away.
 */
static bool acc_mdev_vfs_close(struct acc_mdev_pf *pf)
{
	bool busy = false;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS; i++)
		busy |= !!pf->vfs[i].ad;
	pf->vfs_closing = !busy;
	mutex_unlock(&pf->lock);
	return !busy;
}

static void acc_mdev_vfs_closed(struct acc_mdev_pf *pf)
{
	mutex_lock(&pf->lock);
	pf->vfs_closing = false;
	mutex_unlock(&pf->lock);
}

/* VF n owns queue pairs [n * qp_per_vf, (n + 1) * qp_per_vf). */
static u32 acc_mdev_vf_qp_base(struct acc_mdev_pf *pf, unsigned int vf)
{
	return vf * pf->qp_per_vf;
}

/* Clear the VFT entries of VFs 1..@num_vfs; returns the first error. */
static int acc_mdev_vft_clear(struct acc_mdev_pf *pf, int num_vfs)
{
	int i, err, ret = 0;

	for (i = 1; i <= num_vfs; i++) {
		err = acc_qm_pf_set_vft(&pf->qm, i, 0, 0);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* Disable SR-IOV and take the queues back from the VFs. */
static int acc_mdev_sriov_disable(struct acc_mdev_pf *pf)
{
	int num_vfs = pci_num_vf(pf->pdev);
	int ret;

	pci_disable_sriov(pf->pdev);
	ret = acc_mdev_vft_clear(pf, num_vfs);
	if (ret)
		pci_err(pf->pdev, "VFT entries of %d VFs not cleared (%d)\n",
			num_vfs, ret);
	return ret;
}

static int acc_mdev_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct acc_mdev_pf *pf = pci_get_drvdata(pdev);
	u32 need;
	int i, ret;

	if (!num_vfs) {
		if (!acc_mdev_vfs_close(pf)) {
			pci_err(pdev, "VFs back mdevs: remove the mdevs first\n");
			return -EBUSY;
		}
		ret = acc_mdev_sriov_disable(pf);
		acc_mdev_vfs_closed(pf);
		return ret;
	}
	if (num_vfs > ACC_MDEV_MAX_VFS) {
		pci_err(pdev, "%d VFs requested, at most %d supported\n",
			num_vfs, ACC_MDEV_MAX_VFS);
		return -ERANGE;
	}
	/* The first block stays with the PF, as hisi_qm's layout has it. */
	need = acc_mdev_vf_qp_base(pf, num_vfs + 1);
	if (need > pf->qm.total_qp) {
		pci_err(pdev,
			"%d VFs x %u queue pairs (qp_per_vf) do not fit in the device's %u queue pairs with the PF's first %u: at most %u VFs\n",
			num_vfs, pf->qp_per_vf, pf->qm.total_qp, pf->qp_per_vf,
			pf->qm.total_qp / pf->qp_per_vf - 1);
		return -ENOSPC;
	}
	for (i = 1; i <= num_vfs; i++) {
		ret = acc_qm_pf_set_vft(&pf->qm, i, acc_mdev_vf_qp_base(pf, i),
					pf->qp_per_vf);
		if (ret) {
			/* Function i may be half programmed too. */
			acc_mdev_vft_clear(pf, i);
			return ret;
		}
	}
	ret = pci_enable_sriov(pdev, num_vfs);
	if (ret) {
		pci_err(pdev, "enabling %d VFs failed (%d)\n", num_vfs, ret);
		acc_mdev_vft_clear(pf, num_vfs);
		return ret;
	}
	return num_vfs;
}

static int acc_mdev_pf_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	struct acc_mdev_pf *pf;
	int ret;

	if (pdev->revision < ACC_QM_MIN_REVISION)
		return -ENODEV;
	pf = devm_kzalloc(&pdev->dev, sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->pdev = pdev;
	pf->engine = acc_mdev_engine(pdev->device);
	pf->qp_per_vf = qp_per_vf;
	mutex_init(&pf->lock);
	pci_set_drvdata(pdev, pf);

	ret = acc_qm_pf_enable(&pf->qm, pdev);
	if (ret)
		goto err_lock;
	if (acc_mdev_vf_qp_base(pf, 2) > pf->qm.total_qp) {
		pci_err(pdev,
			"qp_per_vf=%u: the device's %u queue pairs leave none for a VF after the PF's first %u\n",
			pf->qp_per_vf, pf->qm.total_qp, pf->qp_per_vf);
		ret = -EINVAL;
		goto err_qm;
	}
	/* VFs left by another driver have queues we did not assign. */
	if (pci_num_vf(pdev)) {
		pci_err(pdev, "%d VFs already enabled: disable them first\n",
			pci_num_vf(pdev));
		ret = -EBUSY;
		goto err_qm;
	}

	pf->type.sysfs_name = pf->engine;
	pf->type.pretty_name = pf->engine;
	pf->types[0] = &pf->type;
	ret = mdev_register_parent(&pf->parent, &pdev->dev, &acc_mdev_driver,
				   pf->types, ARRAY_SIZE(pf->types));
	if (ret)
		goto err_qm;
	pf->parent_registered = true;
	return 0;

err_qm:
	acc_qm_pf_disable(&pf->qm);
err_lock:
	mutex_destroy(&pf->lock);
	return ret;
}

static void acc_mdev_pf_remove(struct pci_dev *pdev)
{
	struct acc_mdev_pf *pf = pci_get_drvdata(pdev);

	/* Removes every mdev; each removal waits for its user to close. */
	mdev_unregister_parent(&pf->parent);
	acc_mdev_sriov_disable(pf);
	acc_qm_pf_disable(&pf->qm);
	mutex_destroy(&pf->lock);
}

static const struct pci_device_id acc_mdev_pf_ids[] = {
	{ PCI_VDEVICE(HUAWEI, 0xa250) },
	{ PCI_VDEVICE(HUAWEI, 0xa255) },
	{ PCI_VDEVICE(HUAWEI, 0xa258) },
	{ }
};
MODULE_DEVICE_TABLE(pci, acc_mdev_pf_ids);

static struct pci_driver acc_mdev_pf_driver = {
	.name = ACC_MDEV_NAME,
	.id_table = acc_mdev_pf_ids,
	.probe = acc_mdev_pf_probe,
	.remove = acc_mdev_pf_remove,
	.sriov_configure = acc_mdev_sriov_configure,
};

/* VF driver: claims the VF for DMA ownership by the mdev, does nothing. */
static int acc_mdev_vf_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	struct pci_dev *pfdev = pci_physfn(pdev);
	struct acc_mdev_pf *pf;
	int idx;

	if (!pdev->is_virtfn || pfdev->driver != &acc_mdev_pf_driver)
		return -ENODEV;
	pf = pci_get_drvdata(pfdev);
	idx = pci_iov_vf_id(pdev);
	if (idx < 0 || idx >= ACC_MDEV_MAX_VFS)
		return -ENODEV;

	mutex_lock(&pf->lock);
	pf->vfs[idx].pf = pf;
	pf->vfs[idx].pdev = pdev;
	pf->vfs[idx].ad = NULL;
	mutex_unlock(&pf->lock);
	pci_set_drvdata(pdev, &pf->vfs[idx]);
	return 0;
}

static void acc_mdev_vf_remove(struct pci_dev *pdev)
{
	struct acc_mdev_vf *vf = pci_get_drvdata(pdev);
	struct mdev_device *mdev;

	/*
	 * Unbind or hot removal of a VF that backs an mdev: take the mdev's
	 * driver away first (that waits for its user to close). Loop, as a
	 * new mdev may take the VF in between.
	 */
	for (;;) {
		mutex_lock(&vf->pf->lock);
		if (!vf->ad) {
			vf->pdev = NULL;
			mutex_unlock(&vf->pf->lock);
			return;
		}
		mdev = vf->ad->mdev;
		get_device(&mdev->dev);
		mutex_unlock(&vf->pf->lock);
		if (device_is_bound(&mdev->dev)) {
			dev_warn(&pdev->dev,
				 "VF going away: unbinding mdev %s\n",
				 dev_name(&mdev->dev));
			device_release_driver(&mdev->dev);
		} else {
			msleep(20);	/* its last reference is on its way */
		}
		put_device(&mdev->dev);
	}
}

/* AER on a VF: the user owns it, so the user gets to recover it. */
static pci_ers_result_t acc_mdev_vf_error_detected(struct pci_dev *pdev,
						   pci_channel_state_t state)
{
	struct acc_mdev_vf *vf = pci_get_drvdata(pdev);

	mutex_lock(&vf->pf->lock);
	if (vf->ad)
		acc_mdev_error_notify(vf->ad);
	mutex_unlock(&vf->pf->lock);
	return PCI_ERS_RESULT_CAN_RECOVER;
}

static const struct pci_error_handlers acc_mdev_vf_err_handlers = {
	.error_detected = acc_mdev_vf_error_detected,
};

static const struct pci_device_id acc_mdev_vf_ids[] = {
	{ PCI_VDEVICE(HUAWEI, 0xa251) },
	{ PCI_VDEVICE(HUAWEI, 0xa256) },
	{ PCI_VDEVICE(HUAWEI, 0xa259) },
	{ }
};
MODULE_DEVICE_TABLE(pci, acc_mdev_vf_ids);

static struct pci_driver acc_mdev_vf_driver = {
	.name = ACC_MDEV_NAME "-vf",
	.id_table = acc_mdev_vf_ids,
	.probe = acc_mdev_vf_probe,
	.remove = acc_mdev_vf_remove,
	.err_handler = &acc_mdev_vf_err_handlers,
	.driver_managed_dma = true,
};

static int __init acc_mdev_init(void)
{
	int ret;

	ret = mdev_register_driver(&acc_mdev_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&acc_mdev_vf_driver);
	if (ret)
		goto err_mdev;
	ret = pci_register_driver(&acc_mdev_pf_driver);
	if (ret)
		goto err_vf;
	return 0;

err_vf:
	pci_unregister_driver(&acc_mdev_vf_driver);
err_mdev:
	mdev_unregister_driver(&acc_mdev_driver);
	return ret;
}

static void __exit acc_mdev_exit(void)
{
	pci_unregister_driver(&acc_mdev_pf_driver);
	pci_unregister_driver(&acc_mdev_vf_driver);
	mdev_unregister_driver(&acc_mdev_driver);
}

module_init(acc_mdev_init);
module_exit(acc_mdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("HiSilicon ACC VF-backed mediated devices");
