// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO client library for the tests: see vfio_dev.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

#define fail_errno(what) ({						\
	int __e = errno;						\
	fprintf(stderr, "vfio_dev: %s: %s\n", what, strerror(__e));	\
	-__e;								\
})

/* /sys/.../vfio-dev/vfioN -> /dev/vfio/devices/vfioN */
static int find_cdev(const char *sysfs, char *path, size_t len)
{
	char dir[512];
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/vfio-dev", sysfs);
	dp = opendir(dir);
	if (!dp)
		return fail_errno("no vfio-dev in sysfs (CONFIG_VFIO_DEVICE_CDEV?)");
	while ((e = readdir(dp))) {
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(path, len, "/dev/vfio/devices/%s", e->d_name);
			closedir(dp);
			return 0;
		}
	}
	closedir(dp);
	errno = ENOENT;
	return fail_errno("no vfioN under vfio-dev");
}

static int get_info(struct vfio_dev *d)
{
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_INFO, &d->info))
		return fail_errno("VFIO_DEVICE_GET_INFO");
	return 0;
}

/* What an iommufd-mode open attaches the device to. */
enum attach_to {
	ATTACH_IOAS,
	ATTACH_DIRTY_HWPT,
	ATTACH_NOTHING,
};

static int open_iommufd(struct vfio_dev *d, enum attach_to to)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[300];
	int ret;

	ret = find_cdev(d->sysfs, path, sizeof(path));
	if (ret)
		return ret;
	d->iommufd = open("/dev/iommu", O_RDWR);
	if (d->iommufd < 0)
		return fail_errno("open /dev/iommu");
	d->device_fd = open(path, O_RDWR);
	if (d->device_fd < 0)
		return fail_errno(path);
	bind.iommufd = d->iommufd;
	if (ioctl(d->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return fail_errno("VFIO_DEVICE_BIND_IOMMUFD");
	d->dev_id = bind.out_devid;
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return fail_errno("IOMMU_IOAS_ALLOC");
	d->ioas_id = ioas.out_ioas_id;
	if (to == ATTACH_NOTHING)
		return 0;
	attach.pt_id = d->ioas_id;
	if (to == ATTACH_DIRTY_HWPT) {
		struct iommu_hwpt_alloc hwpt = {
			.size = sizeof(hwpt),
			.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			.dev_id = d->dev_id,
			.pt_id = d->ioas_id,
		};

		if (ioctl(d->iommufd, IOMMU_HWPT_ALLOC, &hwpt))
			return fail_errno("IOMMU_HWPT_ALLOC(dirty tracking)");
		d->hwpt_id = hwpt.out_hwpt_id;
		attach.pt_id = d->hwpt_id;
	}
	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return fail_errno("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	return 0;
}

/* Open the device's VFIO group; it must be viable. */
static int open_group(struct vfio_dev *d)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char link[512], target[512], path[300];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/iommu_group", d->sysfs);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail_errno("device has no iommu_group");
	target[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(target));
	d->group_fd = open(path, O_RDWR);
	if (d->group_fd < 0)
		return fail_errno(path);
	if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &st))
		return fail_errno("VFIO_GROUP_GET_STATUS");
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail_errno("group not viable (all devices bound to vfio?)");
	}
	return 0;
}

static int get_group_device_fd(struct vfio_dev *d)
{
	d->device_fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD,
			     basename(d->sysfs));
	if (d->device_fd < 0)
		return fail_errno("VFIO_GROUP_GET_DEVICE_FD");
	return 0;
}

static int open_container(struct vfio_dev *d)
{
	int ret;

	d->container_fd = open("/dev/vfio/vfio", O_RDWR);
	if (d->container_fd < 0)
		return fail_errno("open /dev/vfio/vfio");
	if (ioctl(d->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		errno = EINVAL;
		return fail_errno("VFIO_GET_API_VERSION");
	}
	ret = open_group(d);
	if (ret)
		return ret;
	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->container_fd))
		return fail_errno("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(d->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail_errno("VFIO_SET_IOMMU(TYPE1v2)");
	return get_group_device_fd(d);
}

/*
 * The group's container is an iommufd: SET_CONTAINER creates (or takes)
 * the iommufd's compat IOAS, and opening the device binds it to that ctx
 * and attaches it to that IOAS, so IOMMU_IOAS_MAP on it reaches the device.
 */
static int open_group_iommufd(struct vfio_dev *d)
{
	struct iommu_vfio_ioas compat = {
		.size = sizeof(compat),
		.op = IOMMU_VFIO_IOAS_GET,
	};
	int ret;

	d->iommufd = open("/dev/iommu", O_RDWR);
	if (d->iommufd < 0)
		return fail_errno("open /dev/iommu");
	ret = open_group(d);
	if (ret)
		return ret;
	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->iommufd))
		return fail_errno("VFIO_GROUP_SET_CONTAINER(iommufd)");
	if (ioctl(d->iommufd, IOMMU_VFIO_IOAS, &compat))
		return fail_errno("IOMMU_VFIO_IOAS(GET)");
	d->ioas_id = compat.ioas_id;
	return get_group_device_fd(d);
}

static int do_open(struct vfio_dev *d, const char *sysfs,
		   enum vfio_open_mode mode, enum attach_to to)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->mode = mode;
	d->device_fd = d->iommufd = d->container_fd = d->group_fd = -1;
	snprintf(d->sysfs, sizeof(d->sysfs), "%s", sysfs);
	if (mode == VFIO_MODE_IOMMUFD)
		ret = open_iommufd(d, to);
	else if (mode == VFIO_MODE_GROUP_IOMMUFD)
		ret = open_group_iommufd(d);
	else
		ret = open_container(d);
	if (!ret)
		ret = get_info(d);
	if (ret)
		vfio_dev_close(d);
	return ret;
}

int vfio_dev_open(struct vfio_dev *d, const char *sysfs,
		  enum vfio_open_mode mode)
{
	return do_open(d, sysfs, mode, ATTACH_IOAS);
}

int vfio_dev_open_dirty(struct vfio_dev *d, const char *sysfs)
{
	return do_open(d, sysfs, VFIO_MODE_IOMMUFD, ATTACH_DIRTY_HWPT);
}

int vfio_dev_open_unattached(struct vfio_dev *d, const char *sysfs)
{
	return do_open(d, sysfs, VFIO_MODE_IOMMUFD, ATTACH_NOTHING);
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->device_fd >= 0)
		close(d->device_fd);
	if (d->group_fd >= 0)
		close(d->group_fd);
	if (d->container_fd >= 0)
		close(d->container_fd);
	if (d->iommufd >= 0)
		close(d->iommufd);
	d->device_fd = d->group_fd = d->container_fd = d->iommufd = -1;
}

int vfio_dev_dma_map(struct vfio_dev *d, void *va, uint64_t iova, size_t len)
{
	if (d->mode != VFIO_MODE_CONTAINER) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = d->ioas_id,
			.user_va = (uintptr_t)va,
			.length = len,
			.iova = iova,
		};

		if (ioctl(d->iommufd, IOMMU_IOAS_MAP, &map))
			return fail_errno("IOMMU_IOAS_MAP");
	} else {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va,
			.iova = iova,
			.size = len,
		};

		if (ioctl(d->container_fd, VFIO_IOMMU_MAP_DMA, &map))
			return fail_errno("VFIO_IOMMU_MAP_DMA");
	}
	return 0;
}

int vfio_dev_dma_unmap(struct vfio_dev *d, uint64_t iova, size_t len)
{
	if (d->mode != VFIO_MODE_CONTAINER) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = d->ioas_id,
			.iova = iova,
			.length = len,
		};

		if (ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &unmap))
			return fail_errno("IOMMU_IOAS_UNMAP");
	} else {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = iova,
			.size = len,
		};

		if (ioctl(d->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return fail_errno("VFIO_IOMMU_UNMAP_DMA");
	}
	return 0;
}

int vfio_dev_region_info(struct vfio_dev *d, unsigned int index,
			 struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return fail_errno("VFIO_DEVICE_GET_REGION_INFO");
	return 0;
}

void *vfio_dev_region_mmap(struct vfio_dev *d, unsigned int index, size_t *len)
{
	struct vfio_region_info info;
	void *p;

	if (vfio_dev_region_info(d, index, &info))
		return NULL;
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		fprintf(stderr, "vfio_dev: region %u is not mmappable\n", index);
		return NULL;
	}
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d->device_fd, info.offset);
	if (p == MAP_FAILED) {
		fail_errno("mmap region");
		return NULL;
	}
	*len = info.size;
	return p;
}

void *vfio_dev_region_mmap_range(struct vfio_dev *d, unsigned int index,
				 uint64_t off, size_t len)
{
	struct vfio_region_info info;
	void *p;

	if (vfio_dev_region_info(d, index, &info))
		return NULL;
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		fprintf(stderr, "vfio_dev: region %u is not mmappable\n", index);
		return NULL;
	}
	if (off > info.size || len > info.size - off) {
		fprintf(stderr, "vfio_dev: region %u: range 0x%llx+0x%zx beyond its size 0x%llx\n",
			index, (unsigned long long)off, len,
			(unsigned long long)info.size);
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->device_fd,
		 info.offset + off);
	if (p == MAP_FAILED) {
		fail_errno("mmap region range");
		return NULL;
	}
	return p;
}

ssize_t vfio_dev_region_rw(struct vfio_dev *d, unsigned int index,
			   uint64_t off, void *buf, size_t len, bool write)
{
	struct vfio_region_info info;
	ssize_t n;

	if (vfio_dev_region_info(d, index, &info))
		return -EINVAL;
	n = write ? pwrite(d->device_fd, buf, len, info.offset + off) :
		    pread(d->device_fd, buf, len, info.offset + off);
	return n < 0 ? -errno : n;
}

int vfio_dev_set_master(struct vfio_dev *d)
{
	uint16_t cmd;
	ssize_t n;

	n = vfio_dev_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, 2, false);
	if (n != 2) {
		fprintf(stderr, "vfio_dev: read PCI_COMMAND: %s\n",
			n < 0 ? strerror(-n) : "short read");
		return n < 0 ? n : -EIO;
	}
	cmd |= PCI_COMMAND_MASTER;
	n = vfio_dev_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, 2, true);
	if (n != 2) {
		fprintf(stderr, "vfio_dev: write PCI_COMMAND: %s\n",
			n < 0 ? strerror(-n) : "short write");
		return n < 0 ? n : -EIO;
	}
	return 0;
}

int vfio_dev_irq_count(struct vfio_dev *d, unsigned int index)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return fail_errno("VFIO_DEVICE_GET_IRQ_INFO");
	return info.count;
}

int vfio_dev_irq_enable(struct vfio_dev *d, unsigned int index,
			unsigned int n, int *efds)
{
	size_t sz = sizeof(struct vfio_irq_set) + n * sizeof(int);
	struct vfio_irq_set *set = calloc(1, sz);
	unsigned int i;
	int ret = 0;

	if (!set)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (efds[i] < 0) {
			ret = fail_errno("eventfd");
			goto out;
		}
	}
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->count = n;
	memcpy(set->data, efds, n * sizeof(int));
	if (ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, set))
		ret = fail_errno("VFIO_DEVICE_SET_IRQS(eventfd)");
out:
	free(set);
	return ret;
}

int vfio_dev_irq_disable(struct vfio_dev *d, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	if (ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, &set))
		return fail_errno("VFIO_DEVICE_SET_IRQS(disable)");
	return 0;
}

uint64_t vfio_eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, timeout_ms) == 1 && read(efd, &v, sizeof(v)) == sizeof(v))
		return v;
	return 0;
}

int vfio_dev_reset(struct vfio_dev *d)
{
	if (ioctl(d->device_fd, VFIO_DEVICE_RESET))
		return fail_errno("VFIO_DEVICE_RESET");
	return 0;
}

int vfio_dev_dirty_tracking(struct vfio_dev *d, bool enable)
{
	struct iommu_hwpt_set_dirty_tracking set = {
		.size = sizeof(set),
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = d->hwpt_id,
	};

	if (ioctl(d->iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set))
		return fail_errno("IOMMU_HWPT_SET_DIRTY_TRACKING");
	return 0;
}

int vfio_dev_dirty_bitmap(struct vfio_dev *d, uint64_t iova, size_t len,
			  uint64_t *bitmap)
{
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.hwpt_id = d->hwpt_id,
		.iova = iova,
		.length = len,
		.page_size = 4096,
		.data = (uintptr_t)bitmap,
	};

	if (ioctl(d->iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get))
		return fail_errno("IOMMU_HWPT_GET_DIRTY_BITMAP");
	return 0;
}

int vfio_dev_attach_pt(struct vfio_dev *d, uint32_t pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = pt_id,
	};

	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return fail_errno("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	d->hwpt_id = pt_id == d->ioas_id ? 0 : pt_id;
	return 0;
}

int vfio_dev_detach_pt(struct vfio_dev *d)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	if (ioctl(d->device_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach))
		return fail_errno("VFIO_DEVICE_DETACH_IOMMUFD_PT");
	d->hwpt_id = 0;
	return 0;
}

int vfio_dev_hwpt_alloc(struct vfio_dev *d, uint32_t pt_id, uint32_t flags,
			uint32_t fault_id, uint32_t data_type,
			const void *data, uint32_t data_len, uint32_t *out_id)
{
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = flags,
		.dev_id = d->dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};

	if (ioctl(d->iommufd, IOMMU_HWPT_ALLOC, &hwpt))
		return fail_errno("IOMMU_HWPT_ALLOC");
	*out_id = hwpt.out_hwpt_id;
	return 0;
}

int vfio_dev_fault_queue_alloc(struct vfio_dev *d, uint32_t *fault_id,
			       int *fault_fd)
{
	struct iommu_fault_alloc alloc = { .size = sizeof(alloc) };

	if (ioctl(d->iommufd, IOMMU_FAULT_QUEUE_ALLOC, &alloc))
		return fail_errno("IOMMU_FAULT_QUEUE_ALLOC");
	*fault_id = alloc.out_fault_id;
	*fault_fd = alloc.out_fault_fd;
	return 0;
}
