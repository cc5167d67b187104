// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace checks of the simulated platform through stock vfio-pci: BAR
 * mmap, DMA through the software IOMMU (both open paths), blocked DMA,
 * iommufd dirty tracking, MSI to eventfds, reset. The device's side of each
 * DMA is driven through acc_sim's debugfs test hooks.
 *
 *   sim_platform_test dma iommufd|container <pci-name>
 *   sim_platform_test dirty <pci-name>
 *   sim_platform_test irq iommufd|container <pci-name>
 *   sim_platform_test reset iommufd|container <pci-name>
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "sim_test_util.h"
#include "vfio_dev.h"

#define IOVA_BASE	0x100000UL
#define BUF_PAGES	16
#define MAPPED_PAGES	8

static enum vfio_open_mode parse_mode(const char *s)
{
	if (!strcmp(s, "iommufd"))
		return VFIO_MODE_IOMMUFD;
	if (!strcmp(s, "container"))
		return VFIO_MODE_CONTAINER;
	die("mode must be iommufd or container, not %s", s);
	return VFIO_MODE_IOMMUFD;
}

/*
 * What a guest driver's pci_set_master() does: without Bus Master Enable a
 * function issues no DMA and no MSI (the simulator honours it).
 */
static void set_master(struct vfio_dev *d)
{
	uint16_t cmd;

	if (vfio_dev_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, 2, false) != 2)
		die("read PCI_COMMAND");
	cmd |= PCI_COMMAND_MASTER;
	if (vfio_dev_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, 2, true) != 2)
		die("write PCI_COMMAND");
}

static void open_dev(struct vfio_dev *d, enum vfio_open_mode mode)
{
	char sysfs[256];

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/pci/devices/%s", sim_pci_name);
	if (vfio_dev_open(d, sysfs, mode))
		die("cannot open %s", sysfs);
	set_master(d);
}

static void check_bar2(struct vfio_dev *d)
{
	uint32_t magic = 0x5a17c0de, back = 0;
	volatile uint32_t *bar;
	size_t len;

	bar = vfio_dev_region_mmap(d, VFIO_PCI_BAR2_REGION_INDEX, &len);
	if (!bar)
		die("cannot mmap BAR2");
	/* An offset no model register uses. */
	bar[0x7ff0 / 4] = magic;
	if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX, 0x7ff0, &back,
			       4, false) != 4 || back != magic)
		die("BAR2 mmap write not seen by region read (0x%x)", back);
	munmap((void *)bar, len);
	printf("BAR2: %zu bytes mmapped, write via mmap read back via pread\n",
	       len);
}

static int cmd_dma(enum vfio_open_mode mode)
{
	uint64_t faults0, faults1, last;
	struct vfio_dev d;
	uint8_t *buf;
	int ret;

	open_dev(&d, mode);
	check_bar2(&d);
	buf = sim_alloc_buf(BUF_PAGES);
	if (vfio_dev_dma_map(&d, buf, IOVA_BASE, MAPPED_PAGES * PAGE))
		die("DMA map");

	ret = sim_hook("dma", "write 0x%lx 100 0xab", IOVA_BASE + 0x10);
	if (ret)
		die("device write to mapped IOVA failed: %s", strerror(-ret));
	expect_bytes(buf, 0x10, 0, "before written range");
	expect_bytes(buf + 0x10, 100, 0xab, "written range");
	expect_bytes(buf + 0x10 + 100, PAGE - 0x10 - 100, 0, "after written range");

	memset(buf + PAGE, 0x5c, PAGE);
	ret = sim_hook("dma", "copy 0x%lx 0x%lx %lu", IOVA_BASE + PAGE,
		   IOVA_BASE + 3 * PAGE, PAGE);
	if (ret)
		die("device copy failed: %s", strerror(-ret));
	expect_bytes(buf + 3 * PAGE, PAGE, 0x5c, "copied page");
	printf("DMA (%s): device write and read through the IOMMU OK\n",
	       mode == VFIO_MODE_IOMMUFD ? "iommufd" : "container");

	/* Crossing from the last mapped page into an unmapped one. */
	faults0 = sim_read_u64("dma_faults");
	ret = sim_hook("dma", "write 0x%lx %lu 0xcd",
		   IOVA_BASE + MAPPED_PAGES * PAGE - 0x800, PAGE);
	if (ret != -EFAULT)
		die("DMA across the mapping end: got %d, expected -EFAULT", ret);
	faults1 = sim_read_u64("dma_faults");
	last = sim_read_u64("last_fault_iova");
	if (faults1 <= faults0)
		die("fault not counted (%" PRIu64 " -> %" PRIu64 ")", faults0,
		    faults1);
	if (last != IOVA_BASE + MAPPED_PAGES * PAGE)
		die("last_fault_iova 0x%" PRIx64 ", expected 0x%lx", last,
		    IOVA_BASE + MAPPED_PAGES * PAGE);
	expect_bytes(buf + MAPPED_PAGES * PAGE, (BUF_PAGES - MAPPED_PAGES) * PAGE,
		     0, "memory beyond the mapping");

	/* Nowhere near a mapping, and after unmap. */
	if (sim_hook("dma", "write 0x%lx 16 0xee", 0x40000000UL) != -EFAULT)
		die("DMA to an unmapped IOVA was not refused");
	if (vfio_dev_dma_unmap(&d, IOVA_BASE, MAPPED_PAGES * PAGE))
		die("DMA unmap");
	memset(buf, 0, PAGE);
	if (sim_hook("dma", "write 0x%lx 16 0xee", IOVA_BASE) != -EFAULT)
		die("DMA to an unmapped (former) IOVA was not refused");
	expect_bytes(buf, PAGE, 0, "unmapped buffer");
	printf("blocked DMA: refused, counted (%" PRIu64 " faults), memory untouched\n",
	       sim_read_u64("dma_faults") - faults0);
	vfio_dev_close(&d);
	return 0;
}

static int cmd_dirty(void)
{
	uint64_t bitmap[1] = { 0 }, want;
	char sysfs[256];
	struct vfio_dev d;
	uint8_t *buf;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/pci/devices/%s", sim_pci_name);
	if (vfio_dev_open_dirty(&d, sysfs))
		die("cannot open %s with a dirty-tracking HWPT", sysfs);
	set_master(&d);
	buf = sim_alloc_buf(BUF_PAGES);
	if (vfio_dev_dma_map(&d, buf, IOVA_BASE, BUF_PAGES * PAGE))
		die("DMA map");
	if (vfio_dev_dirty_tracking(&d, true))
		die("enable dirty tracking");
	if (vfio_dev_dirty_bitmap(&d, IOVA_BASE, BUF_PAGES * PAGE, bitmap))
		die("first bitmap read");
	if (bitmap[0])
		die("pages dirty before any DMA: 0x%" PRIx64, bitmap[0]);

	/* Device writes to pages 1, 3, 7; reads page 2 and writes page 9. */
	if (sim_hook("dma", "write 0x%lx 8 1", IOVA_BASE + 1 * PAGE + 100) ||
	    sim_hook("dma", "write 0x%lx 8 1", IOVA_BASE + 3 * PAGE) ||
	    sim_hook("dma", "write 0x%lx 8 1", IOVA_BASE + 8 * PAGE - 8) ||
	    sim_hook("dma", "copy 0x%lx 0x%lx 64", IOVA_BASE + 2 * PAGE,
		 IOVA_BASE + 9 * PAGE))
		die("device DMA failed");
	want = (1 << 1) | (1 << 3) | (1 << 7) | (1 << 9);
	if (vfio_dev_dirty_bitmap(&d, IOVA_BASE, BUF_PAGES * PAGE, bitmap))
		die("bitmap read");
	if (bitmap[0] != want)
		die("dirty bitmap 0x%" PRIx64 ", expected 0x%" PRIx64, bitmap[0],
		    want);
	bitmap[0] = 0;
	if (vfio_dev_dirty_bitmap(&d, IOVA_BASE, BUF_PAGES * PAGE, bitmap))
		die("bitmap re-read");
	if (bitmap[0])
		die("bitmap not cleared by the read: 0x%" PRIx64, bitmap[0]);
	if (vfio_dev_dirty_tracking(&d, false))
		die("disable dirty tracking");
	if (sim_hook("dma", "write 0x%lx 8 1", IOVA_BASE + 5 * PAGE))
		die("device DMA failed");
	if (vfio_dev_dirty_bitmap(&d, IOVA_BASE, BUF_PAGES * PAGE, bitmap))
		die("bitmap read");
	if (bitmap[0])
		die("page dirtied while tracking was off: 0x%" PRIx64, bitmap[0]);
	printf("dirty tracking: bitmap 0x%" PRIx64 " = exactly the written pages\n",
	       want);
	vfio_dev_close(&d);
	return 0;
}

static int cmd_irq(enum vfio_open_mode mode)
{
	struct vfio_irq_info info = { .argsz = sizeof(info),
				      .index = VFIO_PCI_MSI_IRQ_INDEX };
	int efds[32];
	unsigned int v, w;
	struct vfio_dev d;

	open_dev(&d, mode);
	if (ioctl(d.device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		die("VFIO_DEVICE_GET_IRQ_INFO: %s", strerror(errno));
	if (info.count < 1 || info.count > 32)
		die("MSI count %u", info.count);
	if (sim_hook("irq", "0") != -ENXIO)
		die("raising an MSI with MSI disabled did not fail with ENXIO");
	if (vfio_dev_irq_enable(&d, VFIO_PCI_MSI_IRQ_INDEX, info.count, efds))
		die("enable MSI");
	for (v = 0; v < info.count; v++) {
		if (sim_hook("irq", "%u", v))
			die("raise vector %u", v);
		if (vfio_eventfd_wait(efds[v], 5000) != 1)
			die("vector %u did not reach its eventfd", v);
		for (w = 0; w < info.count; w++)
			if (w != v && vfio_eventfd_wait(efds[w], 0))
				die("vector %u fired eventfd %u", v, w);
	}
	if (sim_hook("irq", "%u", info.count) != -ENXIO)
		die("vector beyond the enabled ones accepted");
	if (vfio_dev_irq_disable(&d, VFIO_PCI_MSI_IRQ_INDEX))
		die("disable MSI");
	if (sim_hook("irq", "0") != -ENXIO)
		die("raising an MSI after disable did not fail with ENXIO");
	printf("MSI: %u vectors each reached only its own eventfd\n", info.count);
	vfio_dev_close(&d);
	return 0;
}

static int cmd_reset(enum vfio_open_mode mode)
{
	struct vfio_dev d;

	open_dev(&d, mode);
	if (!(d.info.flags & VFIO_DEVICE_FLAGS_RESET))
		die("device does not report VFIO_DEVICE_FLAGS_RESET");
	if (vfio_dev_reset(&d))
		die("reset");
	printf("VFIO_DEVICE_RESET OK\n");
	vfio_dev_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "dirty")) {
		sim_pci_name = argv[2];
		return cmd_dirty();
	}
	if (argc != 4) {
		fprintf(stderr, "usage: %s dma|irq|reset iommufd|container <pci>\n"
			"       %s dirty <pci>\n", argv[0], argv[0]);
		return 2;
	}
	sim_pci_name = argv[3];
	if (!strcmp(argv[1], "dma"))
		return cmd_dma(parse_mode(argv[2]));
	if (!strcmp(argv[1], "irq"))
		return cmd_irq(parse_mode(argv[2]));
	if (!strcmp(argv[1], "reset"))
		return cmd_reset(parse_mode(argv[2]));
	die("unknown command %s", argv[1]);
	return 2;
}
