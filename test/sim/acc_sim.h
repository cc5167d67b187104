/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated HiSilicon ACC platform: the contract between its two modules.
 *
 * acc_sim_iommu.ko  software IOMMU for the simulator's PCI domain only:
 *                   groups, domains, dirty tracking, I/O page faults, and the
 *                   DMA path every device model access goes through.
 * acc_sim.ko        software PCI host bridge, PF/VF config space with SR-IOV,
 *                   MSI irq domain, FLR, debugfs and test hooks; later the QM
 *                   and engine models.
 *
 * They are separate modules because every device the IOMMU probes pins the
 * IOMMU driver's module: a single module could never be unloaded.
 */
#ifndef ACC_SIM_H
#define ACC_SIM_H

#include <linux/types.h>

struct device;

/* PCI domain of the simulator's root bus; the IOMMU claims only this one. */
#define ACC_SIM_PCI_DOMAIN	0x10000

struct acc_sim_iommu_stats {
	u64 dma_reads;		/* device reads from memory (bytes) */
	u64 dma_writes;		/* device writes to memory (bytes) */
	u64 faults;		/* accesses refused: unmapped, blocked, bad perm */
	u64 last_fault_iova;
	u64 iopf_reported;	/* recoverable faults handed to the IOPF core */
	u64 iopf_resolved;	/* ... and retried successfully after the response */
};

/**
 * acc_sim_iommu_dma() - device-initiated DMA through the function's IOMMU
 * @dev: the simulated PCI function doing the access
 * @iova: I/O virtual address (a DMA address as the function's driver sees it)
 * @buf: kernel buffer: source for @to_memory, destination otherwise
 * @len: bytes
 * @to_memory: true for a device write into memory, false for a device read
 *
 * Translates page by page through the function's current domain (identity,
 * blocked or paging), records written pages dirty when the domain tracks
 * dirtiness, and for an unmapped IOVA either raises a recoverable I/O page
 * fault (fault-capable domain; may sleep waiting for the response, then
 * retries) or refuses the access. Nothing outside the mapping is touched: a
 * refused access copies no byte of the faulting page and stops there.
 *
 * Page requests go out only when the function has IOPF enabled (iommufd
 * does that when it attaches a HWPT with a fault queue; in Linux 6.12 only
 * a nested HWPT, and never for a VF: see acc_sim_iommu_uapi.h). The wait is
 * bounded by the module parameter iopf_timeout_ms (default 5000) and ends
 * early if the caller is killed; then the access is refused.
 *
 * Context: process context, may sleep. @dev must stay registered for the
 * whole call: stop the model's DMA before removing the function.
 * Return: 0, or -EFAULT if refused (counted in the stats, last_fault_iova is
 * the first byte not transferred), -ENODEV if @dev is not a function the
 * IOMMU probed.
 */
int acc_sim_iommu_dma(struct device *dev, u64 iova, void *buf, size_t len,
		      bool to_memory);

/**
 * acc_sim_iommu_get_stats() - copy a function's DMA counters
 * @dev: simulated PCI function
 * @stats: filled in
 *
 * Return: 0, or -ENODEV if @dev is not a function the IOMMU probed.
 */
int acc_sim_iommu_get_stats(struct device *dev,
			    struct acc_sim_iommu_stats *stats);

/**
 * acc_sim_iommu_domain_desc() - short description of the attached domain
 * @dev: simulated PCI function
 *
 * Return: "identity", "blocked", "paging", "paging+dirty" (dirty tracking
 * is on), "paging+iopf" (the domain delivers I/O page faults), or "none"
 * (not probed, or released) -- for debugfs and test output. A nested domain
 * without a fault queue reports as its parent.
 */
const char *acc_sim_iommu_domain_desc(struct device *dev);

#endif /* ACC_SIM_H */

/*
 * debugfs of acc_sim.ko, one directory per function:
 * /sys/kernel/debug/acc_sim/<pci name, e.g. 10000:00:00.1>/
 *   bars           "BAR<n> 0x<start> 0x<size>" per implemented BAR
 *   iommu_domain   acc_sim_iommu_domain_desc()
 *   dma_stats      "<counter> <value>" per acc_sim_iommu_stats field
 *   dma_faults     decimal
 *   last_fault_iova 0x<hex>
 *   irqs_raised    decimal: MSIs delivered to the CPU by the model
 *   qm_stats       "<counter> <value>" lines of the QM model: queue range,
 *                  mailbox commands, errors and latency, jobs, bytes,
 *                  doorbells, EQEs/AEQEs, MSIs (see sim_qm.c)
 *   dma            test hook, write-only:
 *                    "write <iova> <len> <byte>"  device writes <len> x <byte>
 *                    "copy <src> <dst> <len>"     device reads src, writes dst
 *                  numbers in C syntax (0x.. ok), len 1..4 MiB; the write()
 *                  fails with the DMA's errno (-EFAULT when the IOMMU refused
 *                  it), or -EIO if the function's Bus Master Enable is off
 *   irq            test hook, write-only: "<vector>" raises MSI vector n the
 *                  way the device would (pending if masked; -ENXIO if MSI is
 *                  disabled or n is beyond the enabled vectors; -EIO if Bus
 *                  Master Enable is off: an MSI is a memory write)
 *   aer            test hook, write-only: "nonfatal" reports an uncorrectable
 *                  non-fatal error to the function's driver as AER recovery
 *                  would (error_detected, mmio_enabled, resume); -EOPNOTSUPP
 *                  if the driver has no error handler
 */
