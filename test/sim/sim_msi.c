// SPDX-License-Identifier: GPL-2.0
/*
 * MSI for the simulated bus: a top-level PCI/MSI irq domain (the bus is its
 * own interrupt controller, like VMD's), and the device side of the MSI
 * capability: honour enable, Multiple Message Enable, per-vector mask and
 * pending bits, and turn the programmed message back into a Linux irq.
 */
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/pci.h>

#include "sim.h"

#define MSI(reg)	(SIM_CAP_MSI + (reg))

static void sim_msi_compose_msg(struct irq_data *d, struct msi_msg *msg)
{
	msg->address_hi = upper_32_bits(SIM_MSI_ADDR);
	msg->address_lo = lower_32_bits(SIM_MSI_ADDR);
	msg->data = irqd_to_hwirq(d);
}

/* Mask, unmask and message writes come from MSI_FLAG_USE_DEF_CHIP_OPS. */
static struct irq_chip sim_msi_chip = {
	.name			= "ACC-SIM-MSI",
	.irq_compose_msi_msg	= sim_msi_compose_msg,
};

/* hwirq = message data of the vector: function and vector number. */
static void sim_msi_set_desc(msi_alloc_info_t *arg, struct msi_desc *desc)
{
	struct pci_dev *pdev = msi_desc_to_pci_dev(desc);

	arg->desc = desc;
	arg->hwirq = SIM_MSI_HWIRQ(pdev->devfn, desc->msi_index);
}

static struct msi_domain_ops sim_msi_ops = {
	.set_desc	= sim_msi_set_desc,
};

static struct msi_domain_info sim_msi_info = {
	.flags		= MSI_FLAG_USE_DEF_DOM_OPS | MSI_FLAG_USE_DEF_CHIP_OPS |
			  MSI_FLAG_NO_AFFINITY | MSI_FLAG_MULTI_PCI_MSI,
	.ops		= &sim_msi_ops,
	.chip		= &sim_msi_chip,
	.handler	= handle_simple_irq,
	.handler_name	= "simple",
};

/**
 * sim_msi_init() - create the bus's MSI domain
 * @sim: simulator
 *
 * Return: 0 or -ENOMEM.
 */
int sim_msi_init(struct acc_sim *sim)
{
	struct fwnode_handle *fn;
	struct irq_domain *d;

	fn = irq_domain_alloc_named_id_fwnode("ACC-SIM-MSI",
					      sim->sysdata.domain);
	if (!fn)
		return -ENOMEM;
	d = pci_msi_create_irq_domain(fn, &sim_msi_info, NULL);
	if (!d) {
		irq_domain_free_fwnode(fn);
		return -ENOMEM;
	}
	/*
	 * Isolated MSI, truthfully: a simulated function cannot forge a
	 * message. Its only way to interrupt a CPU is sim_msi_send(), which
	 * accepts only this domain's doorbell with the data naming the sending
	 * function itself, so it can reach no vector allocated to another
	 * device; and its DMA goes through acc_sim_iommu_dma() into memory,
	 * never to an interrupt controller. That is what interrupt remapping
	 * guarantees for real devices.
	 */
	d->flags |= IRQ_DOMAIN_FLAG_ISOLATED_MSI;
	sim->msi_domain = d;
	return 0;
}

/**
 * sim_msi_exit() - remove the MSI domain; no function may hold vectors
 * @sim: simulator
 */
void sim_msi_exit(struct acc_sim *sim)
{
	struct fwnode_handle *fn = sim->msi_domain->fwnode;

	irq_domain_remove(sim->msi_domain);
	irq_domain_free_fwnode(fn);
	sim->msi_domain = NULL;
}

/*
 * The message @f would send now, for any vector below *@nvec. Caller holds
 * pf->lock.
 */
static int sim_msi_message(struct sim_func *f, u64 *addr, u32 *data,
			   unsigned int *nvec)
{
	u16 ctrl;

	if (!sim_func_present(f) || f->in_reset)
		return -ENODEV;
	ctrl = sim_cfg16(f, MSI(PCI_MSI_FLAGS));
	if (!(ctrl & PCI_MSI_FLAGS_ENABLE))
		return -ENXIO;
	/* An MSI is a memory write: no Bus Master Enable, no interrupt. */
	if (!(sim_cfg16(f, PCI_COMMAND) & PCI_COMMAND_MASTER))
		return -EIO;
	*nvec = 1U << FIELD_GET(PCI_MSI_FLAGS_QSIZE, ctrl);
	*addr = (u64)sim_cfg32(f, MSI(PCI_MSI_ADDRESS_HI)) << 32 |
		sim_cfg32(f, MSI(PCI_MSI_ADDRESS_LO));
	*data = sim_cfg16(f, MSI(PCI_MSI_DATA_64)) & ~(*nvec - 1);
	return 0;
}

/* Deliver one message; the "interrupt controller" side. Any context. */
static int sim_msi_send(struct sim_func *f, u64 addr, u32 data)
{
	struct irq_domain *d = f->pf->sim->msi_domain;
	unsigned int virq;
	int ret;

	/* Stale or foreign messages (e.g. zeroed on deactivation) are dropped. */
	if (addr != SIM_MSI_ADDR || SIM_MSI_DEVFN(data) != f->devfn)
		return -EIO;
	virq = irq_find_mapping(d, data);
	if (!virq)
		return -EIO;
	ret = generic_handle_irq_safe(virq);
	if (!ret)
		atomic64_inc(&f->irqs_raised);
	return ret;
}

/**
 * sim_msi_raise() - function @f signals MSI vector @vector
 * @f: function
 * @vector: vector number
 *
 * Context: any; takes pf->lock, must not be called with it held.
 * Return: 0 if delivered or left pending (vector masked), -ENXIO if MSI is
 * disabled or @vector is beyond the enabled vectors, -EIO if Bus Master is
 * off or the programmed message reaches no irq, -ENODEV if the function is
 * absent or in reset.
 */
int sim_msi_raise(struct sim_func *f, unsigned int vector)
{
	unsigned long flags;
	unsigned int nvec;
	u64 addr;
	u32 data;
	int ret;

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	ret = sim_msi_message(f, &addr, &data, &nvec);
	if (!ret && vector >= nvec)
		ret = -ENXIO;
	if (!ret && sim_cfg32(f, MSI(PCI_MSI_MASK_64)) & BIT(vector)) {
		sim_put(f->cfg, MSI(PCI_MSI_PENDING_64),
			sim_cfg32(f, MSI(PCI_MSI_PENDING_64)) | BIT(vector), 4);
		raw_spin_unlock_irqrestore(&f->pf->lock, flags);
		return 0;
	}
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
	if (ret)
		return ret;
	return sim_msi_send(f, addr, data | vector);
}

/**
 * sim_msi_work() - send the vectors that were pending when unmasked
 * @work: the function's msi_work
 *
 * Unmasking happens in a config write, possibly under the irq descriptor
 * lock, so the message goes out from irq_work instead.
 */
void sim_msi_work(struct irq_work *work)
{
	struct sim_func *f = container_of(work, struct sim_func, msi_work);
	unsigned long flags, fire;
	unsigned int nvec, vec;
	u64 addr;
	u32 data;

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	fire = f->msi_fire;
	f->msi_fire = 0;
	if (fire && sim_msi_message(f, &addr, &data, &nvec))
		fire = 0;
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);

	for_each_set_bit(vec, &fire, 32)
		if (vec < nvec)
			sim_msi_send(f, addr, data | vec);
}

/**
 * sim_msi_written() - act on a write to the MSI capability
 * @f: function; caller holds pf->lock
 */
void sim_msi_written(struct sim_func *f)
{
	u16 ctrl = sim_cfg16(f, MSI(PCI_MSI_FLAGS));
	unsigned int mme = FIELD_GET(PCI_MSI_FLAGS_QSIZE, ctrl);
	u32 pending, fire;

	/* Software may not enable more than capable; keep it consistent. */
	if (mme > f->layout->msi_log2) {
		ctrl &= ~PCI_MSI_FLAGS_QSIZE;
		ctrl |= FIELD_PREP(PCI_MSI_FLAGS_QSIZE, f->layout->msi_log2);
		sim_put(f->cfg, MSI(PCI_MSI_FLAGS), ctrl, 2);
	}

	pending = sim_cfg32(f, MSI(PCI_MSI_PENDING_64));
	if (!pending)
		return;
	/* A function with MSI disabled will send nothing: drop what waits. */
	if (!(ctrl & PCI_MSI_FLAGS_ENABLE)) {
		sim_put(f->cfg, MSI(PCI_MSI_PENDING_64), 0, 4);
		return;
	}
	fire = pending & ~sim_cfg32(f, MSI(PCI_MSI_MASK_64));
	if (!fire)
		return;
	sim_put(f->cfg, MSI(PCI_MSI_PENDING_64), pending & ~fire, 4);
	f->msi_fire |= fire;
	irq_work_queue(&f->msi_work);
}
