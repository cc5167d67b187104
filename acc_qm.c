// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev hardware layer: every PF and VF register access lives here.
 */
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/pci.h>

#include "acc_qm.h"

/* PF VFT configuration registers (BAR2) */
#define QM_VFT_CFG_OP_ENABLE	0x100054
#define QM_VFT_CFG_OP_WR	0x100058
#define QM_VFT_CFG_TYPE		0x10005c
#define QM_VFT_CFG		0x100060
#define QM_VFT_CFG_DATA_L	0x100064
#define QM_VFT_CFG_DATA_H	0x100068
#define QM_VFT_CFG_RDY		0x10006c
#define QM_VFT_SQC		0
#define QM_VFT_CQC		1
#define QM_SQC_VFT_BASE_SHIFT	28
#define QM_SQC_VFT_VALID	BIT_ULL(44)
#define QM_SQC_VFT_NUM_SHIFT	45
#define QM_CQC_VFT_VALID	BIT_ULL(28)
#define QM_VFT_TIMEOUT_US	100000

int acc_qm_pf_enable(struct acc_qm_pf *qm, struct pci_dev *pdev, bool vft)
{
	int ret;

	qm->pdev = pdev;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (vft) {
		qm->io = pcim_iomap(pdev, ACC_QM_BAR, 0);
		if (!qm->io)
			return -ENOMEM;
	}
	pci_set_master(pdev);
	return 0;
}

void acc_qm_pf_disable(struct acc_qm_pf *qm)
{
	pci_clear_master(qm->pdev);
}

static int acc_qm_vft_wait(struct acc_qm_pf *qm)
{
	u32 v;

	return readl_poll_timeout(qm->io + QM_VFT_CFG_RDY, v, v & 1, 10,
				  QM_VFT_TIMEOUT_US);
}

static int acc_qm_vft_write(struct acc_qm_pf *qm, u32 type, u32 fun, u64 data)
{
	int ret;

	ret = acc_qm_vft_wait(qm);
	if (ret)
		return ret;
	writel(0, qm->io + QM_VFT_CFG_OP_WR);
	writel(type, qm->io + QM_VFT_CFG_TYPE);
	writel(fun, qm->io + QM_VFT_CFG);
	writel(lower_32_bits(data), qm->io + QM_VFT_CFG_DATA_L);
	writel(upper_32_bits(data), qm->io + QM_VFT_CFG_DATA_H);
	writel(0, qm->io + QM_VFT_CFG_RDY);
	writel(1, qm->io + QM_VFT_CFG_OP_ENABLE);
	return acc_qm_vft_wait(qm);
}

/*
 * Queue-pair assignment for function @fun (0 = PF, n = VF n) through the
 * PF's VFT configuration: SQC then CQC; @num == 0 clears the entry. Without
 * a mapped BAR (module parameter vft off) the request is only logged.
 */
int acc_qm_pf_set_vft(struct acc_qm_pf *qm, unsigned int fun, u32 base,
		      u32 num)
{
	u64 sqc = 0, cqc = 0;
	int ret;

	if (!qm->io) {
		pci_dbg(qm->pdev, "VFT: function %u qp %u+%u not programmed\n",
			fun, base, num);
		return 0;
	}
	if (num) {
		sqc = (u64)base << QM_SQC_VFT_BASE_SHIFT | QM_SQC_VFT_VALID |
		      (u64)(num - 1) << QM_SQC_VFT_NUM_SHIFT;
		cqc = QM_CQC_VFT_VALID;
	}
	ret = acc_qm_vft_write(qm, QM_VFT_SQC, fun, sqc);
	if (!ret)
		ret = acc_qm_vft_write(qm, QM_VFT_CQC, fun, cqc);
	if (ret)
		pci_err(qm->pdev, "VFT for function %u: no handshake (%d)\n",
			fun, ret);
	return ret;
}

int acc_qm_vf_map(struct acc_qm_vf *vf, struct pci_dev *pdev)
{
	if (pci_resource_len(pdev, ACC_QM_BAR) < ACC_QM_FUNC_SIZE)
		return -ENODEV;
	vf->bar2 = pci_iomap(pdev, ACC_QM_BAR, ACC_QM_FUNC_SIZE);
	if (!vf->bar2)
		return -ENOMEM;
	vf->pdev = pdev;
	return 0;
}

void acc_qm_vf_unmap(struct acc_qm_vf *vf)
{
	if (vf->bar2)
		pci_iounmap(vf->pdev, vf->bar2);
	vf->bar2 = NULL;
}

static bool acc_qm_vf_range_ok(u32 off, size_t len)
{
	return len && len <= 4 && off < ACC_QM_FUNC_SIZE &&
	       len <= ACC_QM_FUNC_SIZE - off && !(off & (len - 1)) &&
	       len != 3;
}

int acc_qm_vf_read(struct acc_qm_vf *vf, u32 off, void *val, size_t len)
{
	if (!vf->bar2 || !acc_qm_vf_range_ok(off, len))
		return -EINVAL;
	switch (len) {
	case 4:
		*(u32 *)val = ioread32(vf->bar2 + off);
		break;
	case 2:
		*(u16 *)val = ioread16(vf->bar2 + off);
		break;
	default:
		*(u8 *)val = ioread8(vf->bar2 + off);
		break;
	}
	return 0;
}

int acc_qm_vf_write(struct acc_qm_vf *vf, u32 off, const void *val,
		    size_t len)
{
	if (!vf->bar2 || !acc_qm_vf_range_ok(off, len))
		return -EINVAL;
	switch (len) {
	case 4:
		iowrite32(*(const u32 *)val, vf->bar2 + off);
		break;
	case 2:
		iowrite16(*(const u16 *)val, vf->bar2 + off);
		break;
	default:
		iowrite8(*(const u8 *)val, vf->bar2 + off);
		break;
	}
	return 0;
}
