// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: module init/exit, PF and VF PCI drivers, mdev parent and types.
 */
#include <linux/module.h>
#include <linux/pci.h>

#include "acc_mdev.h"

#define PCI_VENDOR_ID_HUAWEI_ACC	0x19e5
#define ACC_QM_MIN_REVISION		0x30

static unsigned int qp_per_vf = 2;
module_param(qp_per_vf, uint, 0444);
MODULE_PARM_DESC(qp_per_vf, "queue pairs assigned to each VF (default 2)");

static bool vft;
module_param(vft, bool, 0444);
MODULE_PARM_DESC(vft, "program the VFT through the PF's QM (default off)");

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

struct acc_mdev_vf *acc_mdev_vf_get(struct acc_mdev_pf *pf)
{
	struct acc_mdev_vf *found = NULL;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS; i++) {
		if (pf->vfs[i].pdev && !pf->vfs[i].in_use) {
			found = &pf->vfs[i];
			found->in_use = true;
			break;
		}
	}
	mutex_unlock(&pf->lock);
	return found;
}

void acc_mdev_vf_put(struct acc_mdev_vf *vf)
{
	mutex_lock(&vf->pf->lock);
	vf->in_use = false;
	mutex_unlock(&vf->pf->lock);
}

unsigned int acc_mdev_available(struct acc_mdev_pf *pf)
{
	unsigned int n = 0;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS; i++)
		if (pf->vfs[i].pdev && !pf->vfs[i].in_use)
			n++;
	mutex_unlock(&pf->lock);
	return n;
}

static bool acc_mdev_pf_busy(struct acc_mdev_pf *pf)
{
	bool busy = false;
	int i;

	mutex_lock(&pf->lock);
	for (i = 0; i < ACC_MDEV_MAX_VFS; i++)
		busy |= pf->vfs[i].in_use;
	mutex_unlock(&pf->lock);
	return busy;
}

static int acc_mdev_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct acc_mdev_pf *pf = pci_get_drvdata(pdev);
	int i, ret;

	if (!num_vfs) {
		if (acc_mdev_pf_busy(pf))
			return -EBUSY;
		pci_disable_sriov(pdev);
		return 0;
	}
	if (num_vfs > ACC_MDEV_MAX_VFS)
		return -ERANGE;
	for (i = 1; i <= num_vfs; i++) {
		ret = acc_qm_pf_set_vft(&pf->qm, i, i * pf->qp_per_vf,
					pf->qp_per_vf);
		if (ret)
			return ret;
	}
	ret = pci_enable_sriov(pdev, num_vfs);
	return ret ? ret : num_vfs;
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
	pf->qp_per_vf = qp_per_vf ? qp_per_vf : 1;
	mutex_init(&pf->lock);
	pci_set_drvdata(pdev, pf);

	ret = acc_qm_pf_enable(&pf->qm, pdev, vft);
	if (ret)
		return ret;

	pf->type.sysfs_name = pf->engine;
	pf->type.pretty_name = pf->engine;
	pf->types[0] = &pf->type;
	ret = mdev_register_parent(&pf->parent, &pdev->dev, &acc_mdev_driver,
				   pf->types, ARRAY_SIZE(pf->types));
	if (ret) {
		acc_qm_pf_disable(&pf->qm);
		return ret;
	}
	pf->parent_registered = true;
	return 0;
}

static void acc_mdev_pf_remove(struct pci_dev *pdev)
{
	struct acc_mdev_pf *pf = pci_get_drvdata(pdev);

	/* Removes every mdev; each removal waits for its user to close. */
	mdev_unregister_parent(&pf->parent);
	pci_disable_sriov(pdev);
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
	pf->vfs[idx].in_use = false;
	mutex_unlock(&pf->lock);
	pci_set_drvdata(pdev, &pf->vfs[idx]);
	return 0;
}

static void acc_mdev_vf_remove(struct pci_dev *pdev)
{
	struct acc_mdev_vf *vf = pci_get_drvdata(pdev);

	mutex_lock(&vf->pf->lock);
	WARN_ON(vf->in_use);
	vf->pdev = NULL;
	mutex_unlock(&vf->pf->lock);
}

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
