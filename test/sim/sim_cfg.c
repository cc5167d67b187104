// SPDX-License-Identifier: GPL-2.0
/*
 * Config space of a simulated function: header, PCI Express capability
 * (Root Complex Integrated Endpoint, like the real ACCs on the Kunpeng root
 * complex), MSI capability and, for a PF, the SR-IOV capability. The write
 * semantics come from per-byte masks; the few registers with side effects
 * (FLR, MSI, SR-IOV control) are handled after the masked write.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "sim.h"

#define SIM_REVISION		0x30	/* QM hardware V3 */

#define SIM_STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			 PCI_STATUS_REC_TARGET_ABORT |			    \
			 PCI_STATUS_REC_MASTER_ABORT |			    \
			 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

#define SIM_DEVCAP	(1 /* MPS 256 */ | PCI_EXP_DEVCAP_EXT_TAG | \
			 PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_FLR)
#define SIM_DEVCTL_RW	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
			 PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |  \
			 PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD | \
			 PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN | \
			 PCI_EXP_DEVCTL_READRQ)
#define SIM_DEVCTL_INIT	(PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
			 PCI_EXP_DEVCTL_READRQ_512B)
#define SIM_DEVSTA_W1C	(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | \
			 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD)

static void lay(struct sim_layout *l, unsigned int off, unsigned int len,
		u32 init, u32 wmask, u32 w1c)
{
	sim_put(l->init, off, init, len);
	sim_put(l->wmask, off, wmask, len);
	sim_put(l->w1c, off, w1c, len);
}

static void sim_layout_bars(struct sim_layout *l)
{
	unsigned int i, off;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u64 size = l->bar_size[i];

		if (!size)
			continue;
		/* Every implemented BAR is 64-bit prefetchable memory. */
		off = PCI_BASE_ADDRESS_0 + 4 * i;
		lay(l, off, 4, PCI_BASE_ADDRESS_MEM_TYPE_64 |
		    PCI_BASE_ADDRESS_MEM_PREFETCH,
		    lower_32_bits(~(size - 1)) & PCI_BASE_ADDRESS_MEM_MASK, 0);
		lay(l, off + 4, 4, 0, upper_32_bits(~(size - 1)), 0);
		i++;
	}
}

/**
 * sim_layout_build() - reset values and write masks of one kind of function
 * @l: filled in
 * @e: engine identity
 * @vf: build the VF layout instead of the PF one
 * @total_vfs: TotalVFs of the PF's SR-IOV capability
 */
void sim_layout_build(struct sim_layout *l, const struct sim_engine *e,
		      bool vf, unsigned int total_vfs)
{
	u16 cmd_rw = PCI_COMMAND_MASTER;
	unsigned int nvec;

	memset(l, 0, sizeof(*l));

	/*
	 * A VF reads 0xffff as vendor and device ID (the kernel takes them
	 * from the PF), and its Memory Space and INTx Disable bits are
	 * hardwired to 0: the PF's VF MSE bit enables all VF BARs.
	 */
	lay(l, PCI_VENDOR_ID, 2, vf ? 0xffff : PCI_VENDOR_ID_HUAWEI, 0, 0);
	lay(l, PCI_DEVICE_ID, 2, vf ? 0xffff : e->pf_device, 0, 0);
	if (!vf)
		cmd_rw |= PCI_COMMAND_MEMORY | PCI_COMMAND_PARITY |
			  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE;
	lay(l, PCI_COMMAND, 2, 0, cmd_rw, 0);
	lay(l, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0, SIM_STATUS_W1C);
	/* Upstream reads the VFs' revision from VF0 itself. */
	lay(l, PCI_CLASS_REVISION, 4, e->class << 8 | SIM_REVISION, 0, 0);
	lay(l, PCI_CACHE_LINE_SIZE, 1, 0, vf ? 0 : 0xff, 0);
	lay(l, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL, 0, 0);
	/* A VF's BARs live in the PF's SR-IOV capability. */
	l->bar_size[2] = vf ? SIM_VF_BAR2_SIZE : SIM_PF_BAR2_SIZE;
	if (!vf)
		sim_layout_bars(l);
	lay(l, PCI_SUBSYSTEM_VENDOR_ID, 2, PCI_VENDOR_ID_HUAWEI, 0, 0);
	lay(l, PCI_CAPABILITY_LIST, 1, SIM_CAP_EXP, 0, 0);
	/* MSI only, no INTx pin; the line register is scratch for software. */
	lay(l, PCI_INTERRUPT_LINE, 1, 0, vf ? 0 : 0xff, 0);

	lay(l, SIM_CAP_EXP, 2, PCI_CAP_ID_EXP | SIM_CAP_MSI << 8, 0, 0);
	lay(l, SIM_CAP_EXP + PCI_EXP_FLAGS, 2,
	    2 | PCI_EXP_TYPE_RC_END << 4, 0, 0);
	lay(l, SIM_CAP_EXP + PCI_EXP_DEVCAP, 4, SIM_DEVCAP, 0, 0);
	/* Initiate FLR is not in the mask: it always reads 0. */
	lay(l, SIM_CAP_EXP + PCI_EXP_DEVCTL, 2, SIM_DEVCTL_INIT, SIM_DEVCTL_RW,
	    0);
	lay(l, SIM_CAP_EXP + PCI_EXP_DEVSTA, 2, 0, 0, SIM_DEVSTA_W1C);

	l->msi_log2 = vf ? SIM_VF_MSI_LOG2 : SIM_PF_MSI_LOG2;
	nvec = 1U << l->msi_log2;
	lay(l, SIM_CAP_MSI, 2, PCI_CAP_ID_MSI, 0, 0);
	lay(l, SIM_CAP_MSI + PCI_MSI_FLAGS, 2,
	    l->msi_log2 << 1 | PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT,
	    PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0);
	lay(l, SIM_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc, 0);
	lay(l, SIM_CAP_MSI + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff, 0);
	/* No extended message data: the upper 16 bits stay 0. */
	lay(l, SIM_CAP_MSI + PCI_MSI_DATA_64, 2, 0, 0xffff, 0);
	lay(l, SIM_CAP_MSI + PCI_MSI_MASK_64, 4, 0,
	    nvec >= 32 ? 0xffffffff : BIT(nvec) - 1, 0);
	/* Pending bits are set by the device only. */

	if (!vf)
		sim_sriov_build_layout(l, total_vfs, e->vf_device);
}

/* Tell the model; caller holds pf->lock. */
static void sim_func_decode_changed(struct sim_func *f)
{
	const struct sim_model_ops *model = f->pf->sim->model;

	if (model && model->decode_changed)
		model->decode_changed(f);
}

static void sim_func_reset_work(struct work_struct *work)
{
	struct sim_func *f = container_of(work, struct sim_func, reset_work);
	const struct sim_model_ops *model = f->pf->sim->model;
	unsigned long flags;

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	f->reset_queued = false;
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);

	if (model && model->func_reset)
		model->func_reset(f);

	/* A reset requested meanwhile keeps the function unready. */
	raw_spin_lock_irqsave(&f->pf->lock, flags);
	if (!f->reset_queued) {
		f->in_reset = false;
		sim_func_decode_changed(f);
	}
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
}

/**
 * sim_func_init() - set up function @vf (0 = the PF) of @pf in reset state
 * @f: function
 * @pf: its PF
 * @vf: 0 for the PF, n for VF n
 */
void sim_func_init(struct sim_func *f, struct sim_pf *pf, unsigned int vf)
{
	f->pf = pf;
	f->vf = vf;
	f->devfn = sim_pf_devfn(pf->index) + vf;
	f->layout = vf ? &pf->sim->vf_layout : &pf->sim->pf_layout;
	memcpy(f->cfg, f->layout->init, sizeof(f->cfg));
	INIT_WORK(&f->reset_work, sim_func_reset_work);
	init_irq_work(&f->msi_work, sim_msi_work);
	atomic64_set(&f->irqs_raised, 0);
}

/**
 * sim_func_reset_state() - return config space to its reset values
 * @f: function; caller holds pf->lock
 *
 * Resetting a PF also clears VF Enable, so its VFs vanish (and get reset).
 */
void sim_func_reset_state(struct sim_func *f)
{
	lockdep_assert_held(&f->pf->lock);

	if (sim_func_is_pf(f))
		sim_sriov_drop_vfs(f->pf);
	memcpy(f->cfg, f->layout->init, sizeof(f->cfg));
	f->msi_fire = 0;
}

/**
 * sim_func_start_reset() - run the device model's reset for @f
 * @f: function; caller holds pf->lock
 *
 * The model may sleep, so it runs from a workqueue; until it is done the
 * function does not respond to config requests, which the PCI core handles
 * after an FLR by polling the Command register.
 */
void sim_func_start_reset(struct sim_func *f)
{
	lockdep_assert_held(&f->pf->lock);

	f->in_reset = true;
	f->reset_queued = true;
	queue_work(f->pf->sim->wq, &f->reset_work);
}

/**
 * sim_cfg_read() - config read as seen on the bus
 * @f: function; caller holds pf->lock
 * @where: offset, aligned to @size
 * @size: 1, 2 or 4
 * @val: result
 *
 * Return: a PCIBIOS_* code.
 */
int sim_cfg_read(struct sim_func *f, int where, int size, u32 *val)
{
	lockdep_assert_held(&f->pf->lock);

	if (!sim_func_present(f)) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	/* Root complex synthesizes all ones while the function is in reset. */
	if (f->in_reset) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_SUCCESSFUL;
	}
	*val = sim_get(f->cfg, where, size);
	return PCIBIOS_SUCCESSFUL;
}

static bool overlaps(int where, int size, unsigned int reg, unsigned int len)
{
	return where < reg + len && reg < where + size;
}

/**
 * sim_cfg_write() - config write as seen on the bus
 * @f: function; caller holds pf->lock
 * @where: offset, aligned to @size
 * @size: 1, 2 or 4
 * @val: value
 */
void sim_cfg_write(struct sim_func *f, int where, int size, u32 val)
{
	const struct sim_layout *l = f->layout;
	bool pf = sim_func_is_pf(f);
	u16 iov_ctrl = 0;
	bool flr = false;
	int i;

	lockdep_assert_held(&f->pf->lock);

	if (!sim_func_present(f) || f->in_reset)
		return;

	if (pf)
		iov_ctrl = sim_cfg16(f, SIM_EXT_SRIOV + PCI_SRIOV_CTRL);

	for (i = 0; i < size; i++, val >>= 8) {
		unsigned int off = where + i;
		u8 b = val & 0xff;
		u8 wm = l->wmask[off];

		if (wm && pf && sim_sriov_write_locked(f, off))
			wm = 0;
		f->cfg[off] = (f->cfg[off] & ~wm) | (b & wm);
		f->cfg[off] &= ~(b & l->w1c[off]);
		if (off == SIM_CAP_EXP + PCI_EXP_DEVCTL + 1 &&
		    b & (PCI_EXP_DEVCTL_BCR_FLR >> 8))
			flr = true;
	}

	if (flr) {
		sim_func_reset_state(f);
		sim_func_start_reset(f);
		return;
	}
	if (overlaps(where, size, SIM_CAP_MSI, SIM_MSI_LEN))
		sim_msi_written(f);
	if (pf && overlaps(where, size, SIM_EXT_SRIOV + PCI_SRIOV_CTRL, 2))
		sim_sriov_ctrl_written(f, iov_ctrl);
	if (overlaps(where, size, PCI_COMMAND, 2) ||
	    (pf && overlaps(where, size, SIM_EXT_SRIOV + PCI_SRIOV_CTRL, 2)))
		sim_func_decode_changed(f);
}

/**
 * sim_func_bar() - where a BAR of @f currently decodes
 * @f: function; caller holds pf->lock
 * @bar: BAR number
 * @base: programmed address
 * @size: BAR size
 *
 * Return: false if the function does not implement @bar.
 */
bool sim_func_bar(struct sim_func *f, unsigned int bar, u64 *base, u64 *size)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;

	lockdep_assert_held(&f->pf->lock);

	if (bar >= PCI_STD_NUM_BARS || !f->layout->bar_size[bar])
		return false;
	*size = f->layout->bar_size[bar];
	if (!sim_func_is_pf(f))
		return sim_sriov_vf_bar(f, bar, base);
	*base = (u64)sim_cfg32(f, off + 4) << 32 |
		(sim_cfg32(f, off) & PCI_BASE_ADDRESS_MEM_MASK);
	return true;
}

/**
 * sim_cfg_set_bar() - store an address in a 64-bit BAR register pair
 * @f: function, not yet visible on the bus (firmware setup)
 * @off: config offset of the lower BAR register
 * @addr: address
 */
void sim_cfg_set_bar(struct sim_func *f, unsigned int off, u64 addr)
{
	u32 flags = sim_cfg32(f, off) & ~PCI_BASE_ADDRESS_MEM_MASK;

	sim_put(f->cfg, off, lower_32_bits(addr) | flags, 4);
	sim_put(f->cfg, off + 4, upper_32_bits(addr), 4);
}

/**
 * sim_func_master() - may @f issue memory requests (DMA, MSI) now?
 * @f: function
 *
 * Return: true if present, not in reset and Bus Master Enable is set.
 */
bool sim_func_master(struct sim_func *f)
{
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	ret = sim_func_present(f) && !f->in_reset &&
	      sim_cfg16(f, PCI_COMMAND) & PCI_COMMAND_MASTER;
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
	return ret;
}
