// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace checks of an acc_mdev mediated device (vfio cdev + iommufd):
 * BAR2 shows only its functional 32 KiB and refuses read/write/mmap beyond
 * it, device DMA of the backing VF lands in the user's IOAS, MSI of the VF
 * reaches the user's eventfds, reset works; a type1 container open fails
 * with EOPNOTSUPP. The backing VF's name comes from the mdev's sysfs.
 *
 *   mdev_check all <uuid>
 *   mdev_check container <uuid>
 *   mdev_check hold <uuid>    keep the device open until its request
 *                             eventfd fires (mdev removal, PF unbind)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/pci_regs.h>

#include "sim_test_util.h"
#include "vfio_dev.h"

#define FUNC_SIZE	0x8000UL
#define IOVA_BASE	0x200000UL
#define BUF_PAGES	4

static char sysfs[256];
static char vf_name[64];

static void backing_vf(const char *uuid)
{
	char path[320];

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/mdev/devices/%s", uuid);
	snprintf(path, sizeof(path), "%s/acc_mdev/backing_vf", sysfs);
	sim_read_file(path, vf_name, sizeof(vf_name));
	sim_pci_name = vf_name;
}

static void check_regions(struct vfio_dev *d)
{
	struct vfio_region_info info;
	uint32_t v = 0x12345678, back = 0;
	volatile uint32_t *bar;
	void *p;

	if (vfio_dev_region_info(d, VFIO_PCI_BAR2_REGION_INDEX, &info))
		die("BAR2 region info");
	if (info.size != FUNC_SIZE)
		die("BAR2 region size 0x%llx, expected 0x%lx",
		    (unsigned long long)info.size, FUNC_SIZE);
	bar = vfio_dev_region_mmap_range(d, VFIO_PCI_BAR2_REGION_INDEX, 0,
					 FUNC_SIZE);
	if (!bar)
		die("mmap of BAR2's functional window");
	bar[0x7ff0 / 4] = v;
	if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX, 0x7ff0, &back, 4,
			       false) != 4 || back != v)
		die("BAR2 mmap write not seen by pread (0x%x)", back);
	munmap((void *)bar, FUNC_SIZE);

	if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX, FUNC_SIZE, &back,
			       4, false) != -EINVAL)
		die("read at BAR2 0x8000 not refused with EINVAL");
	if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX, 0xfffc, &back,
			       4, true) != -EINVAL)
		die("write at BAR2 0xfffc not refused with EINVAL");
	if (vfio_dev_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX, 0x7ffe, &back,
			       4, false) != -EINVAL)
		die("read across BAR2 0x8000 not refused with EINVAL");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d->device_fd,
		 info.offset + FUNC_SIZE);
	if (p != MAP_FAILED || errno != EINVAL)
		die("mmap of BAR2 0x8000 not refused with EINVAL");
	p = mmap(NULL, 2 * FUNC_SIZE, PROT_READ, MAP_SHARED, d->device_fd,
		 info.offset);
	if (p != MAP_FAILED || errno != EINVAL)
		die("mmap of all 64 KiB of BAR2 not refused with EINVAL");
	printf("BAR2: 32 KiB mmapped; upper half read/write/mmap -> EINVAL\n");
}

static void check_dma(struct vfio_dev *d)
{
	uint8_t *buf = sim_alloc_buf(BUF_PAGES);
	int ret;

	if (vfio_dev_dma_map(d, buf, IOVA_BASE, BUF_PAGES * PAGE))
		die("DMA map");
	ret = sim_hook("dma", "write 0x%lx 64 0x3c", IOVA_BASE + 0x100);
	if (ret)
		die("VF DMA into the IOAS failed: %s", strerror(-ret));
	expect_bytes(buf + 0x100, 64, 0x3c, "DMA-written range");
	expect_bytes(buf, 0x100, 0, "before the written range");
	if (sim_hook("dma", "write 0x%lx 16 0xee", 0x40000000UL) != -EFAULT)
		die("DMA outside the IOAS was not refused");
	if (vfio_dev_dma_unmap(d, IOVA_BASE, BUF_PAGES * PAGE))
		die("DMA unmap");
	printf("DMA: VF %s writes into the user's IOAS; outside it refused\n",
	       vf_name);
}

static void check_irq(struct vfio_dev *d)
{
	int efds[32], n, v;

	n = vfio_dev_irq_count(d, VFIO_PCI_MSI_IRQ_INDEX);
	if (n < 1 || n > 32)
		die("MSI count %d", n);
	if (vfio_dev_irq_enable(d, VFIO_PCI_MSI_IRQ_INDEX, n, efds))
		die("enable MSI");
	for (v = 0; v < n; v++) {
		if (sim_hook("irq", "%d", v))
			die("raise vector %d", v);
		if (vfio_eventfd_wait(efds[v], 5000) != 1)
			die("vector %d did not reach its eventfd", v);
	}
	if (vfio_dev_irq_disable(d, VFIO_PCI_MSI_IRQ_INDEX))
		die("disable MSI");
	printf("MSI: %d vectors reached their eventfds\n", n);
}

static int cmd_hold(void)
{
	struct vfio_dev d;
	struct {
		struct vfio_irq_set set;
		int fd;
	} req = { { .argsz = sizeof(req), .index = VFIO_PCI_REQ_IRQ_INDEX,
		    .flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER, .count = 1 }, -1 };

	if (vfio_dev_open(&d, sysfs, VFIO_MODE_IOMMUFD))
		die("cannot open %s", sysfs);
	req.fd = eventfd(0, EFD_CLOEXEC);
	if (req.fd < 0 || ioctl(d.device_fd, VFIO_DEVICE_SET_IRQS, &req))
		die("request eventfd: %s", strerror(errno));
	printf("holding %s open\n", sysfs);
	if (!vfio_eventfd_wait(req.fd, 60000))
		die("no device request within 60 s");
	printf("device request received, closing\n");
	vfio_dev_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	struct vfio_dev d;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: %s all|container|hold <mdev uuid>\n",
			argv[0]);
		return 2;
	}
	backing_vf(argv[2]);
	if (!strcmp(argv[1], "container")) {
		ret = vfio_dev_open(&d, sysfs, VFIO_MODE_CONTAINER);
		if (ret != -EOPNOTSUPP)
			die("container open: got %d, expected -EOPNOTSUPP", ret);
		printf("type1 container open refused with EOPNOTSUPP\n");
		return 0;
	}
	if (!strcmp(argv[1], "hold"))
		return cmd_hold();
	if (strcmp(argv[1], "all"))
		die("unknown command %s", argv[1]);
	if (vfio_dev_open(&d, sysfs, VFIO_MODE_IOMMUFD))
		die("cannot open %s", sysfs);
	if (vfio_dev_set_master(&d))
		die("set bus master");
	check_regions(&d);
	check_dma(&d);
	check_irq(&d);
	if (vfio_dev_reset(&d))
		die("reset");
	printf("VFIO_DEVICE_RESET OK\n");
	vfio_dev_close(&d);
	return 0;
}
