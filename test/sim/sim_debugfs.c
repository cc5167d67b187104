// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs of acc_sim.ko, one directory per function while the PCI core
 * knows it; the layout is documented at the end of acc_sim.h.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "acc_sim.h"
#include "sim.h"

/* Largest transfer of the dma test hook. */
#define SIM_DBG_DMA_MAX		SZ_4M

static int bars_show(struct seq_file *m, void *unused)
{
	struct sim_func *f = m->private;
	u64 base[PCI_STD_NUM_BARS], size[PCI_STD_NUM_BARS];
	bool impl[PCI_STD_NUM_BARS];
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		impl[i] = sim_func_bar(f, i, &base[i], &size[i]);
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);

	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (impl[i])
			seq_printf(m, "BAR%u 0x%llx 0x%llx\n", i, base[i], size[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bars);

static int iommu_domain_show(struct seq_file *m, void *unused)
{
	struct sim_func *f = m->private;

	seq_printf(m, "%s\n", acc_sim_iommu_domain_desc(&f->pdev->dev));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iommu_domain);

static int sim_dbg_stats(struct seq_file *m, struct acc_sim_iommu_stats *st)
{
	struct sim_func *f = m->private;

	return acc_sim_iommu_get_stats(&f->pdev->dev, st);
}

static int dma_stats_show(struct seq_file *m, void *unused)
{
	struct acc_sim_iommu_stats st;
	int ret = sim_dbg_stats(m, &st);

	if (ret)
		return ret;
	seq_printf(m, "dma_reads %llu\n", st.dma_reads);
	seq_printf(m, "dma_writes %llu\n", st.dma_writes);
	seq_printf(m, "faults %llu\n", st.faults);
	seq_printf(m, "last_fault_iova 0x%llx\n", st.last_fault_iova);
	seq_printf(m, "iopf_reported %llu\n", st.iopf_reported);
	seq_printf(m, "iopf_resolved %llu\n", st.iopf_resolved);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dma_stats);

static int dma_faults_show(struct seq_file *m, void *unused)
{
	struct acc_sim_iommu_stats st;
	int ret = sim_dbg_stats(m, &st);

	if (!ret)
		seq_printf(m, "%llu\n", st.faults);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(dma_faults);

static int last_fault_iova_show(struct seq_file *m, void *unused)
{
	struct acc_sim_iommu_stats st;
	int ret = sim_dbg_stats(m, &st);

	if (!ret)
		seq_printf(m, "0x%llx\n", st.last_fault_iova);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(last_fault_iova);

static int irqs_raised_show(struct seq_file *m, void *unused)
{
	struct sim_func *f = m->private;

	seq_printf(m, "%lld\n", atomic64_read(&f->irqs_raised));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(irqs_raised);

static int qm_stats_show(struct seq_file *m, void *unused)
{
	struct sim_func *f = m->private;
	const struct sim_model_ops *model = f->pf->sim->model;

	if (model && model->stats_show)
		model->stats_show(f, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(qm_stats);

/* Device-initiated DMA, as the model will do it: through the IOMMU. */
static int sim_dbg_dma(struct sim_func *f, bool copy, u64 a, u64 b, u64 len,
		       u8 byte)
{
	struct device *dev = &f->pdev->dev;
	void *buf;
	int ret;

	if (!len || len > SIM_DBG_DMA_MAX)
		return -EINVAL;
	/* A function without Bus Master Enable issues no memory requests. */
	if (!sim_func_master(f))
		return -EIO;
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy) {
		ret = acc_sim_iommu_dma(dev, a, buf, len, false);
		if (!ret)
			ret = acc_sim_iommu_dma(dev, b, buf, len, true);
	} else {
		memset(buf, byte, len);
		ret = acc_sim_iommu_dma(dev, a, buf, len, true);
	}
	kvfree(buf);
	return ret;
}

static int sim_dbg_parse_dma(struct sim_func *f, char *cmd)
{
	u64 n[3];
	char **argv;
	int argc, i, ret;
	bool copy;

	argv = argv_split(GFP_KERNEL, cmd, &argc);
	if (!argv)
		return -ENOMEM;
	ret = -EINVAL;
	if (argc != 4)
		goto out;
	if (!strcmp(argv[0], "write"))
		copy = false;
	else if (!strcmp(argv[0], "copy"))
		copy = true;
	else
		goto out;
	for (i = 0; i < 3; i++) {
		ret = kstrtou64(argv[i + 1], 0, &n[i]);
		if (ret)
			goto out;
	}
	if (copy)
		ret = sim_dbg_dma(f, true, n[0], n[1], n[2], 0);
	else if (n[2] > U8_MAX)
		ret = -EINVAL;
	else
		ret = sim_dbg_dma(f, false, n[0], 0, n[1], n[2]);
out:
	argv_free(argv);
	return ret;
}

static ssize_t dma_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct sim_func *f = file->private_data;
	char cmd[128];
	int ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	ret = sim_dbg_parse_dma(f, cmd);
	return ret ? ret : count;
}

static const struct file_operations dma_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= dma_write,
	.llseek	= noop_llseek,
};

static ssize_t irq_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct sim_func *f = file->private_data;
	unsigned int vec;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &vec);
	if (ret)
		return ret;
	ret = sim_msi_raise(f, vec);
	return ret ? ret : count;
}

static const struct file_operations irq_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= irq_write,
	.llseek	= noop_llseek,
};

/*
 * The simulated bus has no root port and no AER capability, so an error
 * report is delivered as the AER core's recovery would deliver it to an
 * endpoint: error_detected, then mmio_enabled and resume by the answer.
 */
static int sim_dbg_report_error(struct pci_dev *pdev,
				pci_channel_state_t state)
{
	const struct pci_error_handlers *eh;
	pci_ers_result_t res;
	int ret = 0;

	device_lock(&pdev->dev);
	eh = pdev->driver ? pdev->driver->err_handler : NULL;
	if (!eh || !eh->error_detected) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	pdev->error_state = state;
	res = eh->error_detected(pdev, state);
	if (res == PCI_ERS_RESULT_CAN_RECOVER && eh->mmio_enabled)
		res = eh->mmio_enabled(pdev);
	pdev->error_state = pci_channel_io_normal;
	if (res != PCI_ERS_RESULT_DISCONNECT && eh->resume)
		eh->resume(pdev);
	if (res == PCI_ERS_RESULT_DISCONNECT)
		ret = -EIO;
out:
	device_unlock(&pdev->dev);
	return ret;
}

/* "nonfatal": an uncorrectable non-fatal error, the link still up. */
static ssize_t aer_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct sim_func *f = file->private_data;
	char buf[16];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	if (strcmp(strim(buf), "nonfatal"))
		return -EINVAL;
	ret = sim_dbg_report_error(f->pdev, pci_channel_io_normal);
	return ret ? ret : count;
}

static const struct file_operations aer_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= aer_write,
	.llseek	= noop_llseek,
};

/**
 * sim_debugfs_init() - create the acc_sim debugfs root
 * @sim: simulator
 */
void sim_debugfs_init(struct acc_sim *sim)
{
	sim->debugfs = debugfs_create_dir("acc_sim", NULL);
}

/**
 * sim_debugfs_exit() - remove the acc_sim debugfs tree
 * @sim: simulator
 */
void sim_debugfs_exit(struct acc_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
}

/**
 * sim_debugfs_add_func() - directory of a function the PCI core added
 * @f: function, with f->pdev set
 */
void sim_debugfs_add_func(struct sim_func *f)
{
	struct dentry *d;

	d = debugfs_create_dir(pci_name(f->pdev), f->pf->sim->debugfs);
	debugfs_create_file("bars", 0444, d, f, &bars_fops);
	debugfs_create_file("iommu_domain", 0444, d, f, &iommu_domain_fops);
	debugfs_create_file("dma_stats", 0444, d, f, &dma_stats_fops);
	debugfs_create_file("dma_faults", 0444, d, f, &dma_faults_fops);
	debugfs_create_file("last_fault_iova", 0444, d, f,
			    &last_fault_iova_fops);
	debugfs_create_file("irqs_raised", 0444, d, f, &irqs_raised_fops);
	debugfs_create_file("qm_stats", 0444, d, f, &qm_stats_fops);
	debugfs_create_file("dma", 0200, d, f, &dma_fops);
	debugfs_create_file("irq", 0200, d, f, &irq_fops);
	debugfs_create_file("aer", 0200, d, f, &aer_fops);
	f->debugfs = d;
}

/**
 * sim_debugfs_del_func() - remove the directory; waits for running hooks
 * @f: function
 */
void sim_debugfs_del_func(struct sim_func *f)
{
	debugfs_remove_recursive(f->debugfs);
	f->debugfs = NULL;
}
