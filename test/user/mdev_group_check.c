// SPDX-License-Identifier: GPL-2.0
/*
 * An acc_mdev mediated device opened through its VFIO group (legacy
 * group API) with an iommufd as the group's container:
 *
 *   mdev_group_check iommufd <uuid>  BAR2 region info and mmap; DMA of the
 *                                    backing VF into buffers mapped on the
 *                                    iommufd's compat IOAS, both with
 *                                    IOMMU_IOAS_MAP and with type1-style
 *                                    VFIO_IOMMU_MAP_DMA on the iommufd
 *   mdev_group_check type1 <uuid>    a plain type1 container: every step
 *                                    works but the device open
 *                                    (VFIO_GROUP_GET_DEVICE_FD), which must
 *                                    fail with EOPNOTSUPP
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>

#include "sim_test_util.h"
#include "vfio_dev.h"

#define FUNC_SIZE	0x8000UL
#define SCRATCH_OFF	0x7ff0UL	/* a plain register of the window */
#define IOVA_IOAS	0x200000UL	/* mapped with IOMMU_IOAS_MAP */
#define IOVA_TYPE1	0x400000UL	/* mapped with VFIO_IOMMU_MAP_DMA */
#define BUF_PAGES	4

static char sysfs[256];
static char vf_name[64];

/* BAR2 is the 32 KiB functional window; its mmap is the VF's BAR. */
static void check_bar2(struct vfio_dev *d)
{
	static const uint32_t vals[] = { 0x5a5aa5a5, 0x0badf00d };
	struct vfio_region_info info;
	volatile uint32_t *bar;
	unsigned int i;

	if (vfio_dev_region_info(d, VFIO_PCI_BAR2_REGION_INDEX, &info))
		die("BAR2 region info");
	if (info.size != FUNC_SIZE)
		die("BAR2 region size 0x%llx, expected 0x%lx",
		    (unsigned long long)info.size, FUNC_SIZE);
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		die("BAR2 region flags 0x%x lack MMAP", info.flags);
	bar = vfio_dev_region_mmap_range(d, VFIO_PCI_BAR2_REGION_INDEX, 0,
					 FUNC_SIZE);
	if (!bar)
		die("mmap of BAR2's functional window");
	for (i = 0; i < 2; i++) {
		uint32_t v = vals[i];

		if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX,
				       SCRATCH_OFF, &v, 4, true) != 4)
			die("pwrite of BAR2 0x%lx", SCRATCH_OFF);
		if (bar[SCRATCH_OFF / 4] != vals[i])
			die("mmap read of BAR2 0x%lx: 0x%x, pwrite put 0x%x",
			    SCRATCH_OFF, bar[SCRATCH_OFF / 4], vals[i]);
	}
	munmap((void *)bar, FUNC_SIZE);
	printf("BAR2: region size 0x%llx, flags 0x%x; mmap reads what pwrite wrote\n",
	       (unsigned long long)info.size, info.flags);
}

static void vf_dma_write(uint64_t iova, uint8_t *buf, uint8_t v,
			 const char *how)
{
	int ret = sim_hook("dma", "write 0x%lx 64 0x%x",
			   (unsigned long)iova + 0x80, v);

	if (ret)
		die("VF DMA to IOVA 0x%lx (%s) failed: %s",
		    (unsigned long)iova + 0x80, how, strerror(-ret));
	expect_bytes(buf + 0x80, 64, v, how);
	expect_bytes(buf, 0x80, 0, "bytes before the DMA-written range");
}

static void type1_map(struct vfio_dev *d, void *va, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = BUF_PAGES * PAGE,
	};

	if (ioctl(d->iommufd, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA on the iommufd: %s", strerror(errno));
}

static void type1_unmap(struct vfio_dev *d, uint64_t iova)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = BUF_PAGES * PAGE,
	};

	if (ioctl(d->iommufd, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("VFIO_IOMMU_UNMAP_DMA on the iommufd: %s",
		    strerror(errno));
	if (unmap.size != BUF_PAGES * PAGE)
		die("VFIO_IOMMU_UNMAP_DMA unmapped 0x%llx bytes",
		    (unsigned long long)unmap.size);
}

static void check_unmapped(uint64_t iova, const char *what)
{
	int ret = sim_hook("dma", "write 0x%lx 16 0xee", (unsigned long)iova);

	if (ret != -EFAULT)
		die("VF DMA to %s IOVA 0x%lx: %s, expected EFAULT", what,
		    (unsigned long)iova, ret ? strerror(-ret) : "succeeded");
}

static void check_dma(struct vfio_dev *d)
{
	uint8_t *a = sim_alloc_buf(BUF_PAGES), *b = sim_alloc_buf(BUF_PAGES);
	char dom[128], path[256];

	sim_debugfs_path(path, sizeof(path), "iommu_domain");
	sim_read_file(path, dom, sizeof(dom));
	printf("VF %s: compat IOAS %u, IOMMU domain: %s\n", vf_name,
	       d->ioas_id, dom);

	check_unmapped(IOVA_IOAS, "a not yet mapped");
	if (vfio_dev_dma_map(d, a, IOVA_IOAS, BUF_PAGES * PAGE))
		die("IOMMU_IOAS_MAP on the compat IOAS");
	vf_dma_write(IOVA_IOAS, a, 0x3c, "DMA into the IOMMU_IOAS_MAP buffer");

	/* What a type1 client does with the container it was given. */
	if (ioctl(d->iommufd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		die("VFIO_CHECK_EXTENSION(TYPE1v2) on the iommufd: not 1");
	if (ioctl(d->iommufd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU(TYPE1v2) on the iommufd: %s",
		    strerror(errno));
	type1_map(d, b, IOVA_TYPE1);
	vf_dma_write(IOVA_TYPE1, b, 0xc3,
		     "DMA into the VFIO_IOMMU_MAP_DMA buffer");
	expect_bytes(a + 0x80, 64, 0x3c, "first buffer after the second DMA");
	check_unmapped(0x40000000UL, "an unmapped");

	if (vfio_dev_dma_unmap(d, IOVA_IOAS, BUF_PAGES * PAGE))
		die("IOMMU_IOAS_UNMAP");
	type1_unmap(d, IOVA_TYPE1);
	check_unmapped(IOVA_IOAS + 0x80, "an IOAS_UNMAPped");
	check_unmapped(IOVA_TYPE1 + 0x80, "a VFIO_IOMMU_UNMAPped");
	printf("DMA: VF %s writes into the compat IOAS (IOAS_MAP, VFIO_IOMMU_MAP_DMA);\n"
	       "     unmapped and never-mapped IOVAs -> EFAULT\n", vf_name);
	munmap(a, BUF_PAGES * PAGE);
	munmap(b, BUF_PAGES * PAGE);
}

int main(int argc, char **argv)
{
	struct vfio_dev d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: %s iommufd|type1 <mdev uuid>\n",
			argv[0]);
		return 2;
	}
	mdev_backing_vf(argv[2], sysfs, sizeof(sysfs), vf_name,
			sizeof(vf_name));
	if (!strcmp(argv[1], "type1")) {
		vfio_type1_open_refused(sysfs, argv[2]);
		printf("type1 container: device open refused with EOPNOTSUPP\n");
		return 0;
	}
	if (strcmp(argv[1], "iommufd"))
		die("unknown command %s", argv[1]);
	if (vfio_dev_open(&d, sysfs, VFIO_MODE_GROUP_IOMMUFD))
		die("cannot open %s through its group with an iommufd", sysfs);
	if (!(d.info.flags & VFIO_DEVICE_FLAGS_PCI))
		die("device flags 0x%x lack PCI", d.info.flags);
	printf("opened %s through VFIO_GROUP_GET_DEVICE_FD, container = iommufd\n",
	       argv[2]);
	if (vfio_dev_set_master(&d))
		die("set bus master");
	check_bar2(&d);
	check_dma(&d);
	vfio_dev_close(&d);
	return 0;
}
