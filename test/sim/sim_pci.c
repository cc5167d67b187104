// SPDX-License-Identifier: GPL-2.0
/*
 * The software PCI host bridge: a root bus in its own domain whose config
 * accessors are the simulated functions, and whose memory window is the
 * range the kernel command line reserved with memmap=, so BARs are plain
 * memory that ioremap() and userspace mmap() accept.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/pci.h>

#include "sim.h"

/**
 * sim_func_lookup() - the simulated function at @devfn of @bus
 * @sim: simulator
 * @bus: bus; must be the simulator's
 * @devfn: device and function
 *
 * Return: the function, present or not, or NULL if no such devfn exists.
 */
struct sim_func *sim_func_lookup(struct acc_sim *sim, struct pci_bus *bus,
				 unsigned int devfn)
{
	unsigned int p = devfn / SIM_FUNCS_PER_PF;
	unsigned int n = devfn % SIM_FUNCS_PER_PF;

	if (bus->number || p >= sim->num_pfs || n > sim->total_vfs)
		return NULL;
	return &sim->pf[p].funcs[n];
}

static bool sim_pci_bad_reg(int where, int size)
{
	return (size != 1 && size != 2 && size != 4) || where < 0 ||
	       where & (size - 1) || where + size > PCI_CFG_SPACE_EXP_SIZE;
}

/*
 * x86 (PCI_LOCKLESS_CONFIG) calls these without pci_lock, from any context,
 * including under irq descriptor locks: pf->lock is a raw spinlock taken
 * with interrupts off.
 */
static int sim_pci_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	struct sim_func *f = sim_func_lookup(sim_from_bus(bus), bus, devfn);
	unsigned long flags;
	int ret;

	if (!f) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	if (sim_pci_bad_reg(where, size)) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
	raw_spin_lock_irqsave(&f->pf->lock, flags);
	ret = sim_cfg_read(f, where, size, val);
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
	return ret;
}

static int sim_pci_write(struct pci_bus *bus, unsigned int devfn, int where,
			 int size, u32 val)
{
	struct sim_func *f = sim_func_lookup(sim_from_bus(bus), bus, devfn);
	unsigned long flags;

	if (!f)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (sim_pci_bad_reg(where, size))
		return PCIBIOS_BAD_REGISTER_NUMBER;
	raw_spin_lock_irqsave(&f->pf->lock, flags);
	sim_cfg_write(f, where, size, val);
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops sim_pci_ops = {
	.read	= sim_pci_read,
	.write	= sim_pci_write,
};

/*
 * Put the window into iomem_resource. When memmap= reserved exactly this
 * range, insert_resource() makes the e820 "Reserved" entry our child, where
 * it would collide with every BAR; nest inside that entry instead.
 */
static int sim_window_claim(struct acc_sim *sim, u64 base, u64 size)
{
	struct resource *res = &sim->window;
	struct resource *child;

	res->name = "acc_sim window";
	res->start = base;
	res->end = base + size - 1;
	res->flags = IORESOURCE_MEM;

	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("window %pR overlaps System RAM: boot with memmap=0x%llx$0x%llx\n",
		       res, size, base);
		return -EBUSY;
	}
	if (insert_resource(&iomem_resource, res)) {
		pr_err("window %pR conflicts with another resource\n", res);
		return -EBUSY;
	}
	child = res->child;
	if (!child)
		return 0;
	remove_resource(res);
	/* remove_resource() hands the children back but leaves the link. */
	res->child = NULL;
	if (child->start != res->start || child->end != res->end ||
	    request_resource(child, res)) {
		pr_err("window %pR overlaps %s %pR\n", res, child->name, child);
		return -EBUSY;
	}
	return 0;
}

/* A fresh device: BAR memory reads zero. */
static int sim_zero(u64 start, u64 size)
{
	void __iomem *va = ioremap(start, size);

	if (!va)
		return -ENOMEM;
	memset_io(va, 0, size);
	iounmap(va);
	return 0;
}

/* Firmware's part: place every PF's BAR2 and VF BAR2 array in the window. */
static int sim_firmware_setup(struct acc_sim *sim)
{
	unsigned int i;
	int ret;

	for (i = 0; i < sim->num_pfs; i++) {
		struct sim_pf *pf = &sim->pf[i];

		pf->bar2 = sim->window.start + i * SIM_PF_SPAN;
		pf->vf_bar2 = pf->bar2 + SIM_PF_BAR2_SIZE;
		ret = sim_zero(pf->bar2, SIM_PF_BAR2_SIZE);
		if (!ret)
			ret = sim_zero(pf->vf_bar2,
				       sim->total_vfs * SIM_VF_BAR2_SIZE);
		if (ret)
			return ret;
		sim_cfg_set_bar(&pf->funcs[0], PCI_BASE_ADDRESS_2, pf->bar2);
		sim_sriov_firmware_setup(pf);
	}
	return 0;
}

/**
 * sim_pci_claim() - claim the BARs "firmware" programmed into a function
 * @pdev: a function of the simulator, being added to the bus
 *
 * x86 will not allocate BARs inside e820 ranges, so the addresses set up by
 * sim_firmware_setup() must be claimed as they are. Doing it as each
 * function is added covers the first scan and a rescan after a sysfs
 * remove alike; VFs arrive with their BARs claimed from the PF's VF BAR.
 */
void sim_pci_claim(struct pci_dev *pdev)
{
	int i;

	for (i = 0; i < PCI_BRIDGE_RESOURCES; i++)
		if (pdev->resource[i].flags && !pdev->resource[i].parent)
			pci_claim_resource(pdev, i);
}

static int sim_bus_create(struct acc_sim *sim)
{
	struct pci_bus *bus;
	LIST_HEAD(resources);
	int ret;

	sim->busn.name = "acc_sim bus";
	sim->busn.start = 0;
	sim->busn.end = 0;
	sim->busn.flags = IORESOURCE_BUS;
	pci_add_resource(&resources, &sim->busn);
	pci_add_resource(&resources, &sim->window);

	pci_lock_rescan_remove();
	bus = pci_create_root_bus(sim->host, 0, &sim_pci_ops, &sim->sysdata,
				  &resources);
	if (!bus) {
		pci_unlock_rescan_remove();
		pci_free_resource_list(&resources);
		return -ENODEV;
	}
	/* Before the scan, so every function inherits the domain. */
	dev_set_msi_domain(&bus->dev, sim->msi_domain);
	/* Each function's BARs are claimed as it is added: sim_pci_claim(). */
	pci_scan_child_bus(bus);
	/* The functions exist, no driver has seen them yet. */
	ret = sim_model_selftest(sim);
	if (ret) {
		struct pci_host_bridge *bridge = pci_find_host_bridge(bus);

		pci_stop_root_bus(bus);
		pci_remove_root_bus(bus);
		pci_unlock_rescan_remove();
		put_device(&bridge->dev);
		return ret;
	}
	pci_bus_add_devices(bus);
	sim->bus = bus;
	pci_unlock_rescan_remove();
	return 0;
}

static void sim_bus_remove(struct acc_sim *sim)
{
	struct pci_host_bridge *bridge = pci_find_host_bridge(sim->bus);
	struct pci_dev *pdev;
	unsigned int i;

	pci_lock_rescan_remove();
	/* The core cannot release a PF that still has VFs. */
	for (i = 0; i < sim->num_pfs; i++) {
		pdev = pci_get_slot(sim->bus, sim_pf_devfn(i));
		if (pdev && pdev->is_physfn)
			pci_disable_sriov(pdev);
		pci_dev_put(pdev);
	}
	pci_stop_root_bus(sim->bus);
	pci_remove_root_bus(sim->bus);
	pci_unlock_rescan_remove();
	/* pci_create_root_bus() handed us the bridge's first reference. */
	put_device(&bridge->dev);
	sim->bus = NULL;
}

/**
 * sim_pci_init() - claim the window, set up the BARs, create the bus
 * @sim: simulator, with functions, MSI domain and host device ready
 * @base: window start
 * @size: window size
 *
 * Return: 0 or a negative errno.
 */
int sim_pci_init(struct acc_sim *sim, u64 base, u64 size)
{
	int ret;

	ret = sim_window_claim(sim, base, size);
	if (ret)
		return ret;
	ret = sim_firmware_setup(sim);
	if (ret)
		goto err;
	/* Registers have their reset values before anyone can probe. */
	ret = sim_model_start(sim);
	if (ret)
		goto err;
	ret = sim_bus_create(sim);
	if (ret)
		sim_model_stop(sim);
err:
	if (ret)
		release_resource(&sim->window);
	return ret;
}

/**
 * sim_pci_exit() - remove the bus and give the window back
 * @sim: simulator
 *
 * No driver may be bound (the module is pinned while one is).
 */
void sim_pci_exit(struct acc_sim *sim)
{
	sim_bus_remove(sim);
	release_resource(&sim->window);
}
