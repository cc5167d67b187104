/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Userspace view of the simulator's software IOMMU (acc_sim_iommu.ko): the
 * driver-specific data of an iommufd nested HWPT. Plain C, includable from
 * test programs.
 *
 * Linux 6.12 delivers recoverable I/O page faults to userspace only through
 * a NESTED hw_pagetable allocated with IOMMU_HWPT_FAULT_ID_VALID (a PAGING
 * HWPT with a fault id is refused by the iommufd core), and only for
 * functions that are not VFs. The simulator's nested domain has a stage 1
 * in bypass: addresses translate through its parent (a HWPT allocated with
 * IOMMU_HWPT_ALLOC_NEST_PARENT), and a translation miss becomes a page
 * request on the fault queue. The VMM resolves it by mapping the page into
 * the parent's IOAS and answering IOMMUFD_PAGE_RESP_SUCCESS.
 */
#ifndef ACC_SIM_IOMMU_UAPI_H
#define ACC_SIM_IOMMU_UAPI_H

#include <linux/types.h>

/* struct iommu_hwpt_alloc.data_type for a nested HWPT on the simulator */
#define ACC_SIM_IOMMU_HWPT_DATA_NESTED	0xacc5

/**
 * struct acc_sim_iommu_hwpt_nested - nested HWPT data
 * @flags: must be 0 (stage 1 bypass)
 * @__reserved: must be 0
 */
struct acc_sim_iommu_hwpt_nested {
	__u32 flags;
	__u32 __reserved;
};

#endif /* ACC_SIM_IOMMU_UAPI_H */
