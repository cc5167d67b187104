// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev hardware layer: every PF and VF register access lives here.
 */
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/pci.h>

#include "acc_qm.h"

/* PF registers (BAR2) */
#define QM_MEM_START_INIT	0x100040
#define QM_MEM_INIT_DONE	0x100044
#define QM_VFT_CFG_OP_ENABLE	0x100054
#define QM_VFT_CFG_OP_WR	0x100058
#define QM_VFT_CFG_TYPE		0x10005c
#define QM_VFT_CFG		0x100060
#define QM_VFT_CFG_DATA_L	0x100064
#define QM_VFT_CFG_DATA_H	0x100068
#define QM_VFT_CFG_RDY		0x10006c
#define QM_CAP_TOTAL_QP		0x100158
#define QM_TOTAL_QP_MASK	GENMASK(10, 0)
/* Each engine's own interrupt status, which must be idle to migrate */
#define HZIP_CORE_INT_STATUS	0x3010ac
#define SEC_CORE_INT_STATUS	0x301008
#define HPRE_CORE_INT_STATUS	0x301800
#define ACC_QM_PF_BAR_MIN	(HPRE_CORE_INT_STATUS + 4)

/* VFT entry types and words */
#define QM_VFT_SQC		0
#define QM_VFT_CQC		1
#define QM_SQC_VFT_BASE_SHIFT	28
#define QM_SQC_VFT_VALID	BIT_ULL(44)
#define QM_SQC_VFT_NUM_SHIFT	45
#define QM_CQC_VFT_VALID	BIT_ULL(28)

/*
 * The hardware answers a VFT request in microseconds; hisi_qm allows 1 ms.
 * We allow 100 ms and sleep between polls: nothing here is time critical,
 * and a loaded host (or an emulator) must not make SR-IOV set-up fail.
 */
#define QM_VFT_POLL_US		20
#define QM_VFT_TIMEOUT_US	100000
/* Memory init: hisi_qm allows 1 ms; same reasoning as above. */
#define QM_MEM_INIT_TIMEOUT_US	100000

/* Clear the QM's internal memories (contexts, VFT) before first use. */
static int acc_qm_mem_init(struct acc_qm_pf *qm)
{
	u32 v;
	int ret;

	writel(1, qm->io + QM_MEM_START_INIT);
	ret = readl_poll_timeout(qm->io + QM_MEM_INIT_DONE, v, v & 1,
				 QM_VFT_POLL_US, QM_MEM_INIT_TIMEOUT_US);
	if (ret)
		pci_err(qm->pdev, "QM memory init not done within %u ms\n",
			QM_MEM_INIT_TIMEOUT_US / 1000);
	return ret;
}

int acc_qm_pf_enable(struct acc_qm_pf *qm, struct pci_dev *pdev)
{
	resource_size_t len = pci_resource_len(pdev, ACC_QM_BAR);
	int ret;

	qm->pdev = pdev;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (len < ACC_QM_PF_BAR_MIN) {
		pci_err(pdev, "BAR%d is %llu bytes, the QM registers need %u\n",
			ACC_QM_BAR, (unsigned long long)len, ACC_QM_PF_BAR_MIN);
		return -ENODEV;
	}
	qm->io = pcim_iomap(pdev, ACC_QM_BAR, 0);
	if (!qm->io)
		return -ENOMEM;
	qm->total_qp = readl(qm->io + QM_CAP_TOTAL_QP) & QM_TOTAL_QP_MASK;
	if (!qm->total_qp) {
		pci_err(pdev, "the QM reports no queue pairs (0x%x reads 0)\n",
			QM_CAP_TOTAL_QP);
		return -ENODEV;
	}
	switch (pdev->device) {
	case 0xa250:
		qm->core_int_status = HZIP_CORE_INT_STATUS;
		break;
	case 0xa255:
		qm->core_int_status = SEC_CORE_INT_STATUS;
		break;
	default:
		qm->core_int_status = HPRE_CORE_INT_STATUS;
		break;
	}
	ret = acc_qm_mem_init(qm);
	if (ret)
		return ret;
	mutex_init(&qm->vft_lock);
	pci_set_master(pdev);
	return 0;
}

void acc_qm_pf_disable(struct acc_qm_pf *qm)
{
	pci_clear_master(qm->pdev);
	mutex_destroy(&qm->vft_lock);
}

static int acc_qm_vft_ready(struct acc_qm_pf *qm)
{
	u32 v;

	return readl_poll_timeout(qm->io + QM_VFT_CFG_RDY, v, v & 1,
				  QM_VFT_POLL_US, QM_VFT_TIMEOUT_US);
}

/* One VFT request: write *data, or (@rd) read the entry into *data. */
static int acc_qm_vft_op(struct acc_qm_pf *qm, bool rd, u32 type,
			 unsigned int fun, u64 *data)
{
	u64 out = rd ? 0 : *data;
	int ret;

	lockdep_assert_held(&qm->vft_lock);
	ret = acc_qm_vft_ready(qm);
	if (ret)
		return ret;
	writel(rd, qm->io + QM_VFT_CFG_OP_WR);
	writel(type, qm->io + QM_VFT_CFG_TYPE);
	writel(fun, qm->io + QM_VFT_CFG);
	/*
	 * A read starts from zeroed DATA, so a device that completes it
	 * without filling DATA cannot pass for an echo of the write.
	 */
	writel(lower_32_bits(out), qm->io + QM_VFT_CFG_DATA_L);
	writel(upper_32_bits(out), qm->io + QM_VFT_CFG_DATA_H);
	writel(0, qm->io + QM_VFT_CFG_RDY);
	writel(1, qm->io + QM_VFT_CFG_OP_ENABLE);
	ret = acc_qm_vft_ready(qm);
	if (ret)
		return ret;
	if (rd)
		*data = readl(qm->io + QM_VFT_CFG_DATA_L) |
			(u64)readl(qm->io + QM_VFT_CFG_DATA_H) << 32;
	return 0;
}

/* Write one entry and read it back: the device must hold what we wrote. */
static int acc_qm_vft_set_one(struct acc_qm_pf *qm, u32 type,
			      unsigned int fun, u64 data)
{
	const char *name = type == QM_VFT_SQC ? "SQC" : "CQC";
	u64 back;
	int ret;

	ret = acc_qm_vft_op(qm, false, type, fun, &data);
	if (!ret)
		ret = acc_qm_vft_op(qm, true, type, fun, &back);
	if (ret) {
		pci_err(qm->pdev,
			"VFT %s of function %u: no handshake within %u ms (%d)\n",
			name, fun, QM_VFT_TIMEOUT_US / 1000, ret);
		return ret;
	}
	if (back != data) {
		pci_err(qm->pdev,
			"VFT %s of function %u reads back 0x%016llx, wrote 0x%016llx\n",
			name, fun, back, data);
		return -EIO;
	}
	return 0;
}

/**
 * acc_qm_pf_set_vft() - assign queue pairs to a function through the PF
 * @qm: the PF's QM
 * @fun: function, 0 = PF, n = VF n
 * @base: first queue pair (device numbering)
 * @num: number of queue pairs; 0 clears the function's entries
 *
 * Programs the SQC then the CQC VFT entry and reads each back.
 *
 * Return: 0, -EINVAL for a range the device cannot hold, -ETIMEDOUT if
 * the device does not answer, -EIO if an entry reads back different.
 */
int acc_qm_pf_set_vft(struct acc_qm_pf *qm, unsigned int fun, u32 base,
		      u32 num)
{
	u64 sqc = 0, cqc = 0;
	int ret;

	if (num > ACC_QM_VFT_MAX_QP ||
	    (num && (base >= qm->total_qp || num > qm->total_qp - base))) {
		pci_err(qm->pdev,
			"VFT of function %u: queue pairs %u+%u outside the device's %u\n",
			fun, base, num, qm->total_qp);
		return -EINVAL;
	}
	if (num) {
		sqc = (u64)base << QM_SQC_VFT_BASE_SHIFT | QM_SQC_VFT_VALID |
		      (u64)(num - 1) << QM_SQC_VFT_NUM_SHIFT;
		cqc = QM_CQC_VFT_VALID;
	}
	mutex_lock(&qm->vft_lock);
	ret = acc_qm_vft_set_one(qm, QM_VFT_SQC, fun, sqc);
	if (!ret)
		ret = acc_qm_vft_set_one(qm, QM_VFT_CQC, fun, cqc);
	mutex_unlock(&qm->vft_lock);
	return ret;
}

/**
 * acc_qm_pf_get_vft() - the queue pairs the PF's VFT gives a function
 * @qm: the PF's QM
 * @fun: function, 0 = PF, n = VF n
 * @base: first queue pair (device numbering)
 * @num: number of queue pairs, 0 if the entry is not valid
 *
 * Return: 0, or -ETIMEDOUT if the device does not answer.
 */
int acc_qm_pf_get_vft(struct acc_qm_pf *qm, unsigned int fun, u32 *base,
		      u32 *num)
{
	u64 sqc;
	int ret;

	mutex_lock(&qm->vft_lock);
	ret = acc_qm_vft_op(qm, true, QM_VFT_SQC, fun, &sqc);
	mutex_unlock(&qm->vft_lock);
	if (ret) {
		pci_err(qm->pdev, "VFT SQC of function %u: no answer within %u ms\n",
			fun, QM_VFT_TIMEOUT_US / 1000);
		return ret;
	}
	*base = (sqc >> QM_SQC_VFT_BASE_SHIFT) & 0xffff;
	*num = sqc & QM_SQC_VFT_VALID ?
	       ((sqc >> QM_SQC_VFT_NUM_SHIFT) & 0x3ff) + 1 : 0;
	return 0;
}

int acc_qm_vf_map(struct acc_qm_vf *vf, struct acc_qm_pf *pf,
		  struct pci_dev *pdev)
{
	int id = pci_iov_vf_id(pdev);

	if (id < 0)
		return id;
	if (pci_resource_len(pdev, ACC_QM_BAR) < ACC_QM_MIG_END) {
		pci_err(pdev, "BAR%d is %llu bytes, the migration window needs %u\n",
			ACC_QM_BAR,
			(unsigned long long)pci_resource_len(pdev, ACC_QM_BAR),
			ACC_QM_MIG_END);
		return -ENODEV;
	}
	vf->bar2 = pci_iomap(pdev, ACC_QM_BAR, ACC_QM_FUNC_SIZE);
	vf->mig = pci_iomap_range(pdev, ACC_QM_BAR, ACC_QM_FUNC_SIZE,
				  ACC_QM_MIG_END - ACC_QM_FUNC_SIZE);
	if (!vf->bar2 || !vf->mig) {
		vf->pdev = pdev;
		acc_qm_vf_unmap(vf);
		return -ENOMEM;
	}
	vf->pdev = pdev;
	vf->pf = pf;
	vf->fun = id + 1;
	return 0;
}

void acc_qm_vf_unmap(struct acc_qm_vf *vf)
{
	if (vf->bar2)
		pci_iounmap(vf->pdev, vf->bar2);
	if (vf->mig)
		pci_iounmap(vf->pdev, vf->mig);
	vf->bar2 = NULL;
	vf->mig = NULL;
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
