// SPDX-License-Identifier: GPL-2.0
/*
 * The PF's SR-IOV extended capability and the lifetime of its VFs: VFs
 * answer config requests only while VF Enable is set, as many as NumVFs
 * said when it was set. The kernel's own pci_enable_sriov() drives this.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "sim.h"

#define IOV(reg)		(SIM_EXT_SRIOV + (reg))

/*
 * Page sizes 4K to 64K: a 64 KiB VF BAR is then a multiple of every
 * System Page Size software may choose, so its size never changes.
 */
#define SIM_SRIOV_PGSIZES	0x1f

/**
 * sim_sriov_build_layout() - add the SR-IOV capability to the PF layout
 * @l: PF layout
 * @total_vfs: TotalVFs and InitialVFs
 * @vf_device: VF Device ID
 */
void sim_sriov_build_layout(struct sim_layout *l, unsigned int total_vfs,
			    u16 vf_device)
{
	u64 size = SIM_VF_BAR2_SIZE;
	unsigned int bar = IOV(PCI_SRIOV_BAR) + 4 * 2;

	sim_put(l->init, IOV(0), PCI_EXT_CAP_ID_SRIOV | 1 << 16, 4);
	sim_put(l->wmask, IOV(PCI_SRIOV_CTRL),
		PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI, 2);
	sim_put(l->init, IOV(PCI_SRIOV_INITIAL_VF), total_vfs, 2);
	sim_put(l->init, IOV(PCI_SRIOV_TOTAL_VF), total_vfs, 2);
	sim_put(l->wmask, IOV(PCI_SRIOV_NUM_VF), 0xffff, 2);
	/* Function Dependency Link: the PF's own function number. */
	sim_put(l->init, IOV(PCI_SRIOV_FUNC_LINK), 0, 1);
	sim_put(l->init, IOV(PCI_SRIOV_VF_OFFSET), 1, 2);
	sim_put(l->init, IOV(PCI_SRIOV_VF_STRIDE), 1, 2);
	sim_put(l->init, IOV(PCI_SRIOV_VF_DID), vf_device, 2);
	sim_put(l->init, IOV(PCI_SRIOV_SUP_PGSIZE), SIM_SRIOV_PGSIZES, 4);
	sim_put(l->init, IOV(PCI_SRIOV_SYS_PGSIZE), 1, 4);
	sim_put(l->wmask, IOV(PCI_SRIOV_SYS_PGSIZE), SIM_SRIOV_PGSIZES, 4);

	/* VF BAR2: 64-bit prefetchable, 64 KiB per VF; the others absent. */
	sim_put(l->init, bar, PCI_BASE_ADDRESS_MEM_TYPE_64 |
		PCI_BASE_ADDRESS_MEM_PREFETCH, 4);
	sim_put(l->wmask, bar,
		lower_32_bits(~(size - 1)) & PCI_BASE_ADDRESS_MEM_MASK, 4);
	sim_put(l->wmask, bar + 4, upper_32_bits(~(size - 1)), 4);
}

/**
 * sim_sriov_firmware_setup() - program VF BAR2 as firmware would
 * @pf: PF, not yet visible on the bus
 */
void sim_sriov_firmware_setup(struct sim_pf *pf)
{
	sim_cfg_set_bar(&pf->funcs[0], IOV(PCI_SRIOV_BAR) + 4 * 2,
			pf->vf_bar2);
}

/**
 * sim_sriov_write_locked() - is the byte at @off frozen right now?
 * @pf_func: the PF; caller holds pf->lock
 * @off: config offset being written
 *
 * NumVFs and System Page Size may change only while VF Enable is clear.
 *
 * Return: true to discard the write of that byte.
 */
bool sim_sriov_write_locked(struct sim_func *pf_func, unsigned int off)
{
	if (!(sim_cfg16(pf_func, IOV(PCI_SRIOV_CTRL)) & PCI_SRIOV_CTRL_VFE))
		return false;
	return (off >= IOV(PCI_SRIOV_NUM_VF) && off < IOV(PCI_SRIOV_NUM_VF) + 2) ||
	       (off >= IOV(PCI_SRIOV_SYS_PGSIZE) &&
		off < IOV(PCI_SRIOV_SYS_PGSIZE) + 4);
}

/**
 * sim_sriov_drop_vfs() - VFs vanish (VF Enable cleared or PF reset)
 * @pf: PF; caller holds pf->lock
 */
void sim_sriov_drop_vfs(struct sim_pf *pf)
{
	unsigned int i;

	lockdep_assert_held(&pf->lock);

	for (i = 1; i <= pf->num_vfs; i++) {
		pf->funcs[i].msi_fire = 0;
		sim_func_start_reset(&pf->funcs[i]);
	}
	pf->num_vfs = 0;
}

/**
 * sim_sriov_ctrl_written() - act on a write to SR-IOV Control
 * @pf_func: the PF; caller holds pf->lock
 * @old_ctrl: value before the write
 */
void sim_sriov_ctrl_written(struct sim_func *pf_func, u16 old_ctrl)
{
	struct sim_pf *pf = pf_func->pf;
	u16 ctrl = sim_cfg16(pf_func, IOV(PCI_SRIOV_CTRL));
	unsigned int i, n;

	if (!(old_ctrl & PCI_SRIOV_CTRL_VFE) && ctrl & PCI_SRIOV_CTRL_VFE) {
		n = min_t(unsigned int, sim_cfg16(pf_func, IOV(PCI_SRIOV_NUM_VF)),
			  pf->sim->total_vfs);
		for (i = 1; i <= n; i++) {
			struct sim_func *vf = &pf->funcs[i];

			memcpy(vf->cfg, vf->layout->init, sizeof(vf->cfg));
			vf->msi_fire = 0;
		}
		pf->num_vfs = n;
	} else if (old_ctrl & PCI_SRIOV_CTRL_VFE &&
		   !(ctrl & PCI_SRIOV_CTRL_VFE)) {
		sim_sriov_drop_vfs(pf);
	}
}

/**
 * sim_sriov_vf_bar() - address of a VF's BAR, from the PF's VF BAR
 * @vf: the VF; caller holds pf->lock
 * @bar: BAR number, implemented
 * @base: result
 *
 * Return: true.
 */
bool sim_sriov_vf_bar(struct sim_func *vf, unsigned int bar, u64 *base)
{
	struct sim_func *pf_func = &vf->pf->funcs[0];
	unsigned int off = IOV(PCI_SRIOV_BAR) + 4 * bar;
	u64 start;

	start = (u64)sim_cfg32(pf_func, off + 4) << 32 |
		(sim_cfg32(pf_func, off) & PCI_BASE_ADDRESS_MEM_MASK);
	*base = start + (vf->vf - 1) * vf->layout->bar_size[bar];
	return true;
}
