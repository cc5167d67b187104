/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acc_sim.ko internals: a software PCI host bridge carrying simulated
 * HiSilicon ACC physical functions with SR-IOV, an MSI irq domain, FLR and
 * debugfs test hooks. See acc_sim.h for the contract with acc_sim_iommu.ko.
 *
 * Topology: one root bus (bus 0) in PCI domain ACC_SIM_PCI_DOMAIN. PF p sits
 * at devfn 64 * p; its VFs follow it (First VF Offset 1, VF Stride 1), so a
 * PF and up to 63 VFs own one block of 64 devfns and no ARI is needed.
 */
#ifndef ACC_SIM_INTERNAL_H
#define ACC_SIM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#define SIM_MAX_PFS		4
#define SIM_FUNCS_PER_PF	64
#define SIM_MAX_VFS		(SIM_FUNCS_PER_PF - 1)

/* Where each PF's BARs go inside the window (acting as firmware). */
#define SIM_PF_BAR2_SIZE	SZ_4M
#define SIM_VF_BAR2_SIZE	SZ_64K
#define SIM_PF_SPAN		SZ_8M	/* PF BAR2, then the VF BAR2 array */

/* Config space layout, identical for every function of a kind. */
#define SIM_CAP_EXP		0x40
#define SIM_CAP_MSI		0x80
#define SIM_MSI_LEN		0x18	/* 64-bit address + per-vector masking */
#define SIM_EXT_SRIOV		0x100
#define SIM_SRIOV_LEN		0x40

#define SIM_PF_MSI_LOG2		5	/* Multiple Message Capable: 32 */
#define SIM_VF_MSI_LOG2		2	/* 4: upstream uses 3 on a VF */

/*
 * MSI messages: a fixed doorbell address outside RAM and the LAPIC window,
 * data = devfn << 5 | vector. Multiple-message MSI ORs the vector into the
 * low bits of the programmed data, so vector 0 is always aligned.
 */
#define SIM_MSI_ADDR		0xfef00000ULL
#define SIM_MSI_VEC_BITS	5
#define SIM_MSI_HWIRQ(devfn, vec)	(((devfn) << SIM_MSI_VEC_BITS) | (vec))
#define SIM_MSI_DEVFN(data)	(((data) >> SIM_MSI_VEC_BITS) & 0xff)

struct acc_sim;
struct seq_file;
struct sim_pf;
struct sim_func;
struct sim_qm;

/* Identity of one engine type. */
struct sim_engine {
	const char *name;
	u16 pf_device;
	u16 vf_device;
	u32 class;		/* class << 8 | prog-if, as in PCI_CLASS_REVISION */
};

/*
 * Reset value and write semantics of a config space, per byte: bits set in
 * wmask are read/write, bits set in w1c are write-one-to-clear, all others
 * read-only. BARs size themselves through wmask.
 */
struct sim_layout {
	u8 init[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_EXP_SIZE];
	u8 w1c[PCI_CFG_SPACE_EXP_SIZE];
	u64 bar_size[PCI_STD_NUM_BARS];	/* 0: not implemented */
	unsigned int msi_log2;		/* Multiple Message Capable */
};

/* Hooks for the device model (QM, engine) that sits behind the functions. */
struct sim_model_ops {
	/*
	 * The function was reset (FLR, or a VF vanished because VF Enable was
	 * cleared). Process context, may sleep; config space reads of the
	 * function return ~0 until this returns.
	 */
	void (*func_reset)(struct sim_func *f);
	/* A PF's BARs are set up / about to go (no function on the bus). */
	int (*pf_create)(struct sim_pf *pf);
	void (*pf_destroy)(struct sim_pf *pf);
	/* The PCI core added / is deleting the function's pci_dev. */
	void (*func_added)(struct sim_func *f);
	void (*func_removed)(struct sim_func *f);
	/*
	 * The PF is on the bus, IOMMU probed, no driver bound yet: a power-on
	 * self test may run and must leave the PF as it found it.
	 */
	int (*selftest)(struct sim_pf *pf);
	/*
	 * Memory decode of the function may have changed (Command, VF MSE,
	 * end of a reset): a device wakes up at once. Called with pf->lock
	 * held (raw spinlock): must not sleep or take a sleeping lock.
	 */
	void (*decode_changed)(struct sim_func *f);
	/* debugfs qm_stats of the function */
	void (*stats_show)(struct sim_func *f, struct seq_file *m);
};

/* Bits of sim_func.flags */
#define SIM_FUNC_MODREF		0	/* holds a module reference (driver bound) */

struct sim_func {
	struct sim_pf *pf;
	const struct sim_layout *layout;
	u8 devfn;
	u8 vf;			/* 0 for the PF, n for its n-th VF (1-based) */

	/* Under pf->lock: */
	bool in_reset;		/* FLR in progress: config reads return ~0 */
	bool reset_queued;
	u32 msi_fire;		/* unmasked pending vectors to deliver */
	u8 cfg[PCI_CFG_SPACE_EXP_SIZE] __aligned(4);

	/* Driver core side, process context only: */
	struct pci_dev *pdev;	/* between BUS_NOTIFY_ADD and _DEL_DEVICE */
	struct dentry *debugfs;
	unsigned long flags;

	struct work_struct reset_work;
	struct irq_work msi_work;
	atomic64_t irqs_raised;
};

struct sim_pf {
	struct acc_sim *sim;
	unsigned int index;
	/*
	 * Guards the config state of the PF and all its VFs. A raw spinlock:
	 * x86 calls config accessors with a raw spinlock held and interrupts
	 * off, and MSI masking runs under the irq descriptor lock.
	 */
	raw_spinlock_t lock;
	u16 num_vfs;		/* VFs present: VF Enable set with NumVFs */
	u64 bar2;		/* firmware-assigned addresses */
	u64 vf_bar2;
	struct sim_func *funcs;	/* [0] PF, [n] VF n */
	struct sim_qm *qm;	/* device model behind the BARs */
};

struct acc_sim {
	struct pci_sysdata sysdata;	/* bus->sysdata points here */
	const struct sim_engine *engine;
	const struct sim_model_ops *model;
	unsigned int num_pfs;
	unsigned int total_vfs;

	struct device *host;		/* parent of the host bridge */
	struct resource window;
	struct resource busn;
	struct pci_bus *bus;
	struct irq_domain *msi_domain;
	struct workqueue_struct *wq;
	struct dentry *debugfs;
	struct notifier_block nb;

	struct sim_layout pf_layout;
	struct sim_layout vf_layout;
	struct sim_pf pf[SIM_MAX_PFS];
};

static inline struct acc_sim *sim_from_bus(struct pci_bus *bus)
{
	return container_of(bus->sysdata, struct acc_sim, sysdata);
}

static inline bool sim_func_is_pf(const struct sim_func *f)
{
	return !f->vf;
}

/* Caller holds pf->lock. */
static inline bool sim_func_present(const struct sim_func *f)
{
	return f->vf <= f->pf->num_vfs;
}

static inline u8 sim_pf_devfn(unsigned int index)
{
	return index * SIM_FUNCS_PER_PF;
}

/* Little-endian register access to a config byte array. */
static inline u32 sim_get(const u8 *a, unsigned int off, unsigned int len)
{
	u32 v = 0;

	while (len--)
		v = v << 8 | a[off + len];
	return v;
}

static inline void sim_put(u8 *a, unsigned int off, u32 v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++, v >>= 8)
		a[off + i] = v & 0xff;
}

static inline u16 sim_cfg16(const struct sim_func *f, unsigned int off)
{
	return sim_get(f->cfg, off, 2);
}

static inline u32 sim_cfg32(const struct sim_func *f, unsigned int off)
{
	return sim_get(f->cfg, off, 4);
}

/* sim_cfg.c: config space of one function */
void sim_layout_build(struct sim_layout *l, const struct sim_engine *e,
		      bool vf, unsigned int total_vfs);
void sim_func_init(struct sim_func *f, struct sim_pf *pf, unsigned int vf);
int sim_cfg_read(struct sim_func *f, int where, int size, u32 *val);
void sim_cfg_write(struct sim_func *f, int where, int size, u32 val);
void sim_func_reset_state(struct sim_func *f);
void sim_func_start_reset(struct sim_func *f);
bool sim_func_bar(struct sim_func *f, unsigned int bar, u64 *base, u64 *size);
void sim_cfg_set_bar(struct sim_func *f, unsigned int off, u64 addr);
bool sim_func_master(struct sim_func *f);

/* sim_sriov.c: the PF's SR-IOV capability and VF lifetime */
void sim_sriov_build_layout(struct sim_layout *l, unsigned int total_vfs,
			    u16 vf_device);
void sim_sriov_firmware_setup(struct sim_pf *pf);
bool sim_sriov_write_locked(struct sim_func *pf_func, unsigned int off);
void sim_sriov_ctrl_written(struct sim_func *pf_func, u16 old_ctrl);
void sim_sriov_drop_vfs(struct sim_pf *pf);
bool sim_sriov_vf_bar(struct sim_func *vf, unsigned int bar, u64 *base);

/* sim_msi.c: irq domain and the device side of MSI */
int sim_msi_init(struct acc_sim *sim);
void sim_msi_exit(struct acc_sim *sim);
void sim_msi_written(struct sim_func *f);
void sim_msi_work(struct irq_work *work);
int sim_msi_raise(struct sim_func *f, unsigned int vector);

/* sim_main.c: the device model's life cycle */
int sim_model_start(struct acc_sim *sim);
void sim_model_stop(struct acc_sim *sim);
int sim_model_selftest(struct acc_sim *sim);

/* sim_qm.c: the QM + ZIP device model */
extern const struct sim_model_ops sim_qm_model;

/* sim_pci.c: host bridge, window, bus */
int sim_pci_init(struct acc_sim *sim, u64 base, u64 size);
void sim_pci_exit(struct acc_sim *sim);
struct sim_func *sim_func_lookup(struct acc_sim *sim, struct pci_bus *bus,
				 unsigned int devfn);
void sim_pci_claim(struct pci_dev *pdev);

/* sim_debugfs.c */
void sim_debugfs_init(struct acc_sim *sim);
void sim_debugfs_exit(struct acc_sim *sim);
void sim_debugfs_add_func(struct sim_func *f);
void sim_debugfs_del_func(struct sim_func *f);

#endif /* ACC_SIM_INTERNAL_H */
