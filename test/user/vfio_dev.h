/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small VFIO client library for the tests: opens a device the two ways
 * userspace can (vfio cdev + iommufd, or group + type1 container), maps
 * memory for DMA, mmaps regions and wires MSI vectors to eventfds.
 */
#ifndef VFIO_DEV_H
#define VFIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

enum vfio_open_mode {
	VFIO_MODE_IOMMUFD,	/* /dev/vfio/devices/vfioN + /dev/iommu */
	VFIO_MODE_CONTAINER,	/* /dev/vfio/<group> + /dev/vfio/vfio, type1 */
	/*
	 * /dev/vfio/<group> with /dev/iommu as its container: the device is
	 * bound to the iommufd's compat IOAS (ioas_id), maps go there.
	 */
	VFIO_MODE_GROUP_IOMMUFD,
};

struct vfio_dev {
	enum vfio_open_mode mode;
	char sysfs[256];	/* /sys/bus/{pci,mdev}/devices/<name> */
	int device_fd;
	int iommufd;		/* iommufd and group-iommufd modes */
	uint32_t dev_id;
	uint32_t ioas_id;	/* the compat IOAS in group-iommufd mode */
	uint32_t hwpt_id;	/* 0 unless attached to an explicit HWPT */
	int container_fd;	/* container mode */
	int group_fd;		/* container and group-iommufd modes */
	struct vfio_device_info info;
};

/* Errors print a message naming the call and return -errno. */
int vfio_dev_open(struct vfio_dev *d, const char *sysfs_path,
		  enum vfio_open_mode mode);
/* Iommufd mode: attach to a dirty-tracking HWPT instead of the IOAS. */
int vfio_dev_open_dirty(struct vfio_dev *d, const char *sysfs_path);
/*
 * Iommufd mode: bind and allocate the IOAS but attach nothing (the device
 * stays blocked); attach later with vfio_dev_attach_pt().
 */
int vfio_dev_open_unattached(struct vfio_dev *d, const char *sysfs_path);
void vfio_dev_close(struct vfio_dev *d);

/* Iommufd mode: attach (or replace) to an IOAS or HWPT id; detach. */
int vfio_dev_attach_pt(struct vfio_dev *d, uint32_t pt_id);
int vfio_dev_detach_pt(struct vfio_dev *d);
/*
 * IOMMU_HWPT_ALLOC for the device over pt_id (an IOAS, or a NEST_PARENT
 * HWPT for a nested one); fault_id is used with IOMMU_HWPT_FAULT_ID_VALID,
 * data_type/data/data_len are the driver-specific data (0/NULL/0 if none).
 */
int vfio_dev_hwpt_alloc(struct vfio_dev *d, uint32_t pt_id, uint32_t flags,
			uint32_t fault_id, uint32_t data_type,
			const void *data, uint32_t data_len, uint32_t *out_id);
/* IOMMU_FAULT_QUEUE_ALLOC: a fault object id and the fd to read it. */
int vfio_dev_fault_queue_alloc(struct vfio_dev *d, uint32_t *fault_id,
			       int *fault_fd);

int vfio_dev_dma_map(struct vfio_dev *d, void *va, uint64_t iova, size_t len);
int vfio_dev_dma_unmap(struct vfio_dev *d, uint64_t iova, size_t len);

int vfio_dev_region_info(struct vfio_dev *d, unsigned int index,
			 struct vfio_region_info *info);
/* mmap a whole region (or its first mmappable area); NULL on error. */
void *vfio_dev_region_mmap(struct vfio_dev *d, unsigned int index,
			   size_t *len);
/*
 * mmap [off, off + len) of a region (page aligned), for devices where only
 * part of a region may be mapped (sparse mmap); NULL on error.
 */
void *vfio_dev_region_mmap_range(struct vfio_dev *d, unsigned int index,
				 uint64_t off, size_t len);
ssize_t vfio_dev_region_rw(struct vfio_dev *d, unsigned int index,
			   uint64_t off, void *buf, size_t len, bool write);

/* Set Bus Master Enable in PCI_COMMAND (what pci_set_master() does). */
int vfio_dev_set_master(struct vfio_dev *d);
/* Number of vectors of an irq index (VFIO_DEVICE_GET_IRQ_INFO), or -errno. */
int vfio_dev_irq_count(struct vfio_dev *d, unsigned int index);

/* Wire vectors [0, n) of irq index to new eventfds (stored in efds). */
int vfio_dev_irq_enable(struct vfio_dev *d, unsigned int index,
			unsigned int n, int *efds);
int vfio_dev_irq_disable(struct vfio_dev *d, unsigned int index);
/* Wait up to timeout_ms for an eventfd; returns the count read or 0. */
uint64_t vfio_eventfd_wait(int efd, int timeout_ms);

int vfio_dev_reset(struct vfio_dev *d);

/* Dirty tracking on the HWPT (iommufd mode, vfio_dev_open_dirty). */
int vfio_dev_dirty_tracking(struct vfio_dev *d, bool enable);
int vfio_dev_dirty_bitmap(struct vfio_dev *d, uint64_t iova, size_t len,
			  uint64_t *bitmap);

#endif
