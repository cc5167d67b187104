// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace checks of an acc_mdev mediated device (vfio cdev + iommufd).
 * The backing VF's name comes from the mdev's sysfs; the VF's own side is
 * seen through its sysfs config/resource files and the simulator's debugfs.
 *
 *   mdev_check all <uuid>       BAR2 window mmap, DMA into the IOAS, MSI
 *                               to eventfds and masking, error eventfd,
 *                               reset with the BAR mapped
 *   mdev_check container <uuid> in a type1 container every step works but
 *                               the device open, which fails EOPNOTSUPP
 *   mdev_check hold <uuid>      keep the device open until its request
 *                               eventfd fires (mdev removal, PF unbind)
 *   mdev_check config <uuid>    virtualized config space: IDs, read-only
 *                               fields, BAR/ROM sizing, command register;
 *                               no write reaches the VF but Bus Master
 *   mdev_check bounds <uuid>    region info and read/write/mmap bounds:
 *                               the migration window stays unreachable
 *   mdev_check dma <uuid> <uuid2>  the VF's DMA reaches only its IOAS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>

#include "sim_test_util.h"
#include "vfio_dev.h"

#define FUNC_SIZE	0x8000UL
#define IOVA_BASE	0x200000UL
#define BUF_PAGES	4

static char sysfs[256];
static char vf_name[64];

/* BAR2's functional window maps and accepts region writes. */
static void check_regions(struct vfio_dev *d)
{
	struct vfio_region_info info;
	uint32_t v = 0x12345678, back = 0;
	volatile uint32_t *bar;

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
	printf("BAR2: 32 KiB mmapped, mmap write seen by pread\n");
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

/* VFIO_DEVICE_SET_IRQS with @count entries of @data: 0 or -errno. */
static int irq_set(struct vfio_dev *d, unsigned int index, uint32_t flags,
		   unsigned int start, unsigned int count, const void *data,
		   size_t data_len)
{
	struct vfio_irq_set *set;
	int ret = 0;

	set = calloc(1, sizeof(*set) + data_len);
	if (!set)
		die("out of memory");
	set->argsz = sizeof(*set) + data_len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	if (ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, set))
		ret = -errno;
	free(set);
	return ret;
}

static uint32_t vf_msi_mask_bits(void);
static void vf_config(uint8_t *cfg);

/* Vector @v raised by the VF while masked must wait for the unmask. */
static void check_msi_masked(struct vfio_dev *d, int efd, int v,
			     bool use_bool, int n)
{
	uint32_t flags = use_bool ? VFIO_IRQ_SET_DATA_BOOL :
				    VFIO_IRQ_SET_DATA_NONE;
	uint8_t sel[32] = { 0 };
	unsigned int start = use_bool ? 0 : v, count = use_bool ? n : 1;
	int ret;

	sel[v] = 1;
	ret = irq_set(d, VFIO_PCI_MSI_IRQ_INDEX,
		      flags | VFIO_IRQ_SET_ACTION_MASK, start, count, sel,
		      use_bool ? count : 0);
	if (ret)
		die("mask MSI vector %d: %s", v, strerror(-ret));
	if (vf_msi_mask_bits() != (1u << v))
		die("vector %d masked: the VF's MSI mask bits are 0x%x",
		    v, vf_msi_mask_bits());
	if (sim_hook("irq", "%d", v))
		die("raise vector %d", v);
	if (vfio_eventfd_wait(efd, 500))
		die("masked vector %d reached its eventfd", v);
	ret = irq_set(d, VFIO_PCI_MSI_IRQ_INDEX,
		      flags | VFIO_IRQ_SET_ACTION_UNMASK, start, count, sel,
		      use_bool ? count : 0);
	if (ret)
		die("unmask MSI vector %d: %s", v, strerror(-ret));
	if (vfio_eventfd_wait(efd, 5000) != 1)
		die("vector %d raised while masked was not delivered on unmask",
		    v);
	if (vf_msi_mask_bits())
		die("after unmask the VF's MSI mask bits are 0x%x",
		    vf_msi_mask_bits());
}

/* The VF's MSI Mask Bits register, as the host's PCI core reads it. */
static uint32_t vf_msi_mask_bits(void)
{
	uint8_t cfg[256];
	unsigned int pos, mask;
	uint16_t ctl;

	vf_config(cfg);
	pos = cfg[PCI_CAPABILITY_LIST] & ~3;
	while (pos && cfg[pos] != PCI_CAP_ID_MSI)
		pos = cfg[pos + 1] & ~3;
	if (!pos)
		die("VF %s has no MSI capability", vf_name);
	ctl = cfg[pos + PCI_MSI_FLAGS] | cfg[pos + PCI_MSI_FLAGS + 1] << 8;
	if (!(ctl & PCI_MSI_FLAGS_MASKBIT))
		die("VF %s MSI has no per-vector masking", vf_name);
	mask = pos + ((ctl & PCI_MSI_FLAGS_64BIT) ? PCI_MSI_MASK_64 :
						    PCI_MSI_MASK_32);
	return cfg[mask] | cfg[mask + 1] << 8 | cfg[mask + 2] << 16 |
	       (uint32_t)cfg[mask + 3] << 24;
}

static void expect_irq_set_einval(struct vfio_dev *d, unsigned int index,
				  uint32_t flags, unsigned int start,
				  unsigned int count, const char *what)
{
	int32_t fd = -1;
	int ret;

	ret = irq_set(d, index, flags, start, count, &fd,
		      (flags & VFIO_IRQ_SET_DATA_EVENTFD) && count ?
		      sizeof(fd) : 0);
	if (ret != -EINVAL)
		die("%s: got %d, expected -EINVAL", what, ret);
}

static void check_irq(struct vfio_dev *d)
{
	struct vfio_irq_info info = { .argsz = sizeof(info),
				      .index = VFIO_PCI_MSI_IRQ_INDEX };
	uint8_t sel[32] = { 0 };
	int efds[32], n, v, ret;

	if (ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		die("MSI irq info: %s", strerror(errno));
	if (!(info.flags & VFIO_IRQ_INFO_MASKABLE))
		die("MSI not reported maskable (flags 0x%x)", info.flags);
	n = info.count;
	if (n < 2 || n > 32)
		die("MSI count %d", n);
	expect_irq_set_einval(d, VFIO_PCI_MSI_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_MASK, 0, 1,
			      "mask before MSI is enabled");
	if (vfio_dev_irq_enable(d, VFIO_PCI_MSI_IRQ_INDEX, n, efds))
		die("enable MSI");
	for (v = 0; v < n; v++) {
		if (sim_hook("irq", "%d", v))
			die("raise vector %d", v);
		if (vfio_eventfd_wait(efds[v], 5000) != 1)
			die("vector %d did not reach its eventfd", v);
	}
	check_msi_masked(d, efds[0], 0, false, n);
	check_msi_masked(d, efds[n - 1], n - 1, true, n);
	/* Loopback with a bool array: only the selected vector fires. */
	sel[1] = 1;
	ret = irq_set(d, VFIO_PCI_MSI_IRQ_INDEX,
		      VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      n, sel, n);
	if (ret)
		die("bool trigger: %s", strerror(-ret));
	if (vfio_eventfd_wait(efds[1], 2000) != 1 ||
	    vfio_eventfd_wait(efds[0], 200))
		die("bool trigger did not signal exactly vector 1");
	expect_irq_set_einval(d, VFIO_PCI_MSI_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_EVENTFD |
			      VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
			      "eventfd unmask of MSI");
	expect_irq_set_einval(d, VFIO_PCI_MSI_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_EVENTFD |
			      VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
			      "eventfd trigger naming no vector");
	expect_irq_set_einval(d, VFIO_PCI_MSI_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_MASK, n - 1, 2,
			      "mask past the last vector");
	/* Masked at disable: a later enable starts unmasked. */
	if (irq_set(d, VFIO_PCI_MSI_IRQ_INDEX,
		    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, 0, 1,
		    NULL, 0))
		die("mask vector 0");
	if (vfio_dev_irq_disable(d, VFIO_PCI_MSI_IRQ_INDEX))
		die("disable MSI");
	if (vfio_dev_irq_enable(d, VFIO_PCI_MSI_IRQ_INDEX, 1, efds))
		die("enable MSI again");
	if (sim_hook("irq", "0") || vfio_eventfd_wait(efds[0], 5000) != 1)
		die("vector 0 after re-enable did not reach its eventfd");
	if (vfio_dev_irq_disable(d, VFIO_PCI_MSI_IRQ_INDEX))
		die("disable MSI");
	printf("MSI: %d vectors reached their eventfds; masked vectors held pending in the VF and delivered on unmask\n",
	       n);
}

/* The error index: one eventfd, as vfio-pci offers on PCIe functions. */
static void check_err_irq(struct vfio_dev *d)
{
	int efd;

	if (vfio_dev_irq_count(d, VFIO_PCI_ERR_IRQ_INDEX) != 1)
		die("error irq count %d, expected 1",
		    vfio_dev_irq_count(d, VFIO_PCI_ERR_IRQ_INDEX));
	if (vfio_dev_irq_enable(d, VFIO_PCI_ERR_IRQ_INDEX, 1, &efd))
		die("error eventfd");
	if (irq_set(d, VFIO_PCI_ERR_IRQ_INDEX,
		    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
		    NULL, 0) || vfio_eventfd_wait(efd, 2000) != 1)
		die("error eventfd loopback");
	if (sim_hook("aer", "nonfatal"))
		die("report an error on VF %s", vf_name);
	if (vfio_eventfd_wait(efd, 5000) != 1)
		die("error reported on VF %s did not reach the error eventfd",
		    vf_name);
	expect_irq_set_einval(d, VFIO_PCI_ERR_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_MASK, 0, 1,
			      "mask of the error index");
	if (vfio_dev_irq_disable(d, VFIO_PCI_ERR_IRQ_INDEX))
		die("error eventfd off");
	close(efd);
	printf("ERR: the error eventfd gets the VF's error reports\n");
}

#define QM_IFC_INT_MASK	0x0024	/* resets to 1 */

/*
 * Reset takes BAR2 away from the user's mappings while the VF resets and
 * gives it back after: a process touching the mapping all along neither
 * crashes nor sees anything but the register's values.
 */
static void check_reset(struct vfio_dev *d)
{
	volatile uint32_t *bar;
	int i, status;
	pid_t child;

	bar = vfio_dev_region_mmap_range(d, VFIO_PCI_BAR2_REGION_INDEX, 0,
					 FUNC_SIZE);
	if (!bar)
		die("mmap BAR2");
	bar[QM_IFC_INT_MASK / 4] = 0;
	if (bar[QM_IFC_INT_MASK / 4] != 0)
		die("QM_IFC_INT_MASK did not take 0");
	if (vfio_dev_reset(d))
		die("reset");
	if (bar[QM_IFC_INT_MASK / 4] != 1)
		die("after VFIO_DEVICE_RESET QM_IFC_INT_MASK is %u, reset value 1",
		    bar[QM_IFC_INT_MASK / 4]);

	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		for (;;) {
			uint32_t v = bar[QM_IFC_INT_MASK / 4];

			if (v > 1)
				_exit(3);
			bar[QM_IFC_INT_MASK / 4] = 0;
		}
	}
	for (i = 0; i < 20; i++) {
		usleep(20000);
		if (vfio_dev_reset(d))
			die("reset %d with the BAR in use", i);
	}
	kill(child, SIGTERM);
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
		die("process using the BAR across resets ended with status 0x%x",
		    status);
	munmap((void *)bar, FUNC_SIZE);
	printf("RESET: VF registers back to reset values; BAR2 mapping usable across 20 resets\n");
}

/* Regions by index, as vfio-pci encodes them (checked in cmd_bounds). */
#define REGION_SHIFT	40
#define REGION(i)	((uint64_t)(i) << REGION_SHIFT)
#define CFG_SIZE	256
#define BAR2		VFIO_PCI_BAR2_REGION_INDEX
#define CFG		VFIO_PCI_CONFIG_REGION_INDEX

/* pread/pwrite at @off of region @index: bytes done or -errno. */
static ssize_t rrw(struct vfio_dev *d, unsigned int index, uint64_t off,
		   void *buf, size_t len, bool write)
{
	ssize_t n;

	n = write ? pwrite(d->device_fd, buf, len, REGION(index) + off) :
		    pread(d->device_fd, buf, len, REGION(index) + off);
	return n < 0 ? -errno : n;
}

static uint32_t cfg_rd(struct vfio_dev *d, unsigned int off, size_t len)
{
	uint32_t v = 0;
	ssize_t n = rrw(d, CFG, off, &v, len, false);

	if (n != (ssize_t)len)
		die("config read 0x%x+%zu: %zd", off, len, n);
	return v;
}

static void cfg_wr(struct vfio_dev *d, unsigned int off, uint32_t v,
		   size_t len)
{
	ssize_t n = rrw(d, CFG, off, &v, len, true);

	if (n != (ssize_t)len)
		die("config write 0x%x+%zu: %zd", off, len, n);
}

/* The VF's own config space as the host's PCI core reads it. */
static void vf_config(uint8_t *cfg)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 vf_name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	n = pread(fd, cfg, CFG_SIZE, 0);
	if (n != CFG_SIZE)
		die("read %s: %zd", path, n);
	close(fd);
}

static void vf_config_unchanged(const uint8_t *before, const char *what)
{
	uint8_t now[CFG_SIZE];
	int i;

	vf_config(now);
	for (i = 0; i < CFG_SIZE; i++)
		if (now[i] != before[i])
			die("%s reached VF %s: its config byte 0x%02x is 0x%02x, was 0x%02x",
			    what, vf_name, i, now[i], before[i]);
}

static uint64_t vf_sysfs_u64(const char *file)
{
	char path[320], buf[64];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", vf_name,
		 file);
	sim_read_file(path, buf, sizeof(buf));
	return strtoull(buf, NULL, 0);
}

#define IORESOURCE_PREFETCH	0x00002000	/* include/linux/ioport.h */

/* Flags column of the VF's sysfs resource file for BAR @bar. */
static uint64_t vf_resource_flags(int bar)
{
	unsigned long long start, end, flags;
	char path[320];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 vf_name);
	f = fopen(path, "r");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	for (i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			die("parse %s line %d", path, i);
	fclose(f);
	return flags;
}

/* Offset of capability @id in the user's view of config space, or 0. */
static unsigned int find_cap(const uint8_t *cfg, uint8_t id)
{
	unsigned int pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	int n;

	for (n = 0; n < 48 && pos >= PCI_STD_HEADER_SIZEOF; n++) {
		if (cfg[pos] == id)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

static const struct {
	unsigned int off, len;
	const char *name;
} cfg_ro[] = {
	{ PCI_VENDOR_ID, 2, "vendor ID" },
	{ PCI_DEVICE_ID, 2, "device ID" },
	{ PCI_STATUS, 2, "status" },
	{ PCI_CLASS_REVISION, 4, "class/revision" },
	{ PCI_LATENCY_TIMER, 1, "latency timer" },
	{ PCI_HEADER_TYPE, 1, "header type" },
	{ PCI_BIST, 1, "BIST" },
	{ PCI_CARDBUS_CIS, 4, "CardBus CIS" },
	{ PCI_SUBSYSTEM_VENDOR_ID, 2, "subsystem vendor" },
	{ PCI_SUBSYSTEM_ID, 2, "subsystem ID" },
	{ PCI_CAPABILITY_LIST, 1, "capability pointer" },
	{ PCI_INTERRUPT_PIN, 1, "interrupt pin" },
	{ PCI_MIN_GNT, 1, "Min_Gnt" },
	{ PCI_MAX_LAT, 1, "Max_Lat" },
};

/* Read-only registers and capability headers ignore writes. */
static void check_cfg_ro(struct vfio_dev *d, const uint8_t *virt)
{
	unsigned int i, b, pos;
	uint32_t want, got;
	int n;

	for (i = 0; i < sizeof(cfg_ro) / sizeof(cfg_ro[0]); i++) {
		unsigned int off = cfg_ro[i].off, len = cfg_ro[i].len;

		want = 0;
		memcpy(&want, virt + off, len);
		cfg_wr(d, off, ~want, len);
		for (b = 0; b < len; b++)
			cfg_wr(d, off + b, 0xff, 1);
		got = cfg_rd(d, off, len);
		if (got != want)
			die("read-only %s (0x%02x) took a write: 0x%x, was 0x%x",
			    cfg_ro[i].name, off, got, want);
	}
	pos = virt[PCI_CAPABILITY_LIST];
	for (n = 0; n < 48 && pos >= PCI_STD_HEADER_SIZEOF; n++) {
		want = virt[pos] | virt[pos + 1] << 8;
		cfg_wr(d, pos, ~want, 2);
		got = cfg_rd(d, pos, 2);
		if (got != want)
			die("capability header at 0x%02x took a write: 0x%04x, was 0x%04x",
			    pos, got, want);
		pos = virt[pos + 1];
	}
	if (!n)
		die("no capability list in the user's config space");
}

/* BAR sizing and programming as on vfio-pci: masks follow region sizes. */
static void check_cfg_bars(struct vfio_dev *d, const uint8_t *virt)
{
	uint64_t size[PCI_STD_NUM_BARS];
	uint32_t orig, flags, mask, want, got;
	struct vfio_region_info info;
	bool upper = false;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (vfio_dev_region_info(d, VFIO_PCI_BAR0_REGION_INDEX + i,
					 &info))
			die("BAR%d region info", i);
		size[i] = info.size;
	}
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;

		memcpy(&orig, virt + off, 4);
		if (upper) {
			/* Upper half of the 64-bit BAR below. */
			want = (uint32_t)(~(size[i - 1] - 1) >> 32);
			cfg_wr(d, off, 0xffffffff, 4);
			got = cfg_rd(d, off, 4);
			if (got != want)
				die("BAR%d (upper half) sizing: 0x%08x, expected 0x%08x",
				    i, got, want);
			cfg_wr(d, off, orig, 4);
			upper = false;
			continue;
		}
		if (!size[i]) {
			cfg_wr(d, off, 0xffffffff, 4);
			got = cfg_rd(d, off, 4);
			if (got || orig)
				die("BAR%d has no region but reads 0x%08x (sized 0x%08x)",
				    i, orig, got);
			continue;
		}
		if (orig & PCI_BASE_ADDRESS_SPACE_IO)
			die("BAR%d is an I/O BAR (0x%08x)", i, orig);
		flags = orig & ~PCI_BASE_ADDRESS_MEM_MASK;
		if (!!(flags & PCI_BASE_ADDRESS_MEM_PREFETCH) !=
		    !!(vf_resource_flags(i) & IORESOURCE_PREFETCH))
			die("BAR%d prefetchable bit differs from the VF's BAR", i);
		upper = (flags & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
			PCI_BASE_ADDRESS_MEM_TYPE_64;
		mask = (uint32_t)~(size[i] - 1) & PCI_BASE_ADDRESS_MEM_MASK;
		cfg_wr(d, off, 0xffffffff, 4);
		got = cfg_rd(d, off, 4);
		if (got != (mask | flags))
			die("BAR%d sizing: 0x%08x, expected 0x%08x (region size 0x%llx)",
			    i, got, mask | flags, (unsigned long long)size[i]);
		cfg_wr(d, off, 0xfe012345, 4);
		got = cfg_rd(d, off, 4);
		if (got != ((0xfe012345 & mask) | flags))
			die("BAR%d address 0xfe012345 reads 0x%08x", i, got);
		cfg_wr(d, off, 0, 4);
		cfg_wr(d, off + 1, 0xff, 1);
		got = cfg_rd(d, off, 4);
		if (got != ((0xff00 & mask) | flags))
			die("BAR%d byte write: 0x%08x, expected 0x%08x", i, got,
			    (0xff00 & mask) | flags);
		cfg_wr(d, off, orig, 4);
		if (cfg_rd(d, off, 4) != orig)
			die("BAR%d does not restore 0x%08x", i, orig);
		printf("BAR%d: sizes as 0x%08x (0x%llx bytes)\n", i,
		       mask | flags, (unsigned long long)size[i]);
	}
	if (vfio_dev_region_info(d, VFIO_PCI_ROM_REGION_INDEX, &info))
		die("ROM region info");
	cfg_wr(d, PCI_ROM_ADDRESS, 0xffffffff, 4);
	got = cfg_rd(d, PCI_ROM_ADDRESS, 4);
	if (info.size || got)
		die("ROM: region size 0x%llx, sizing reads 0x%08x; expected none",
		    (unsigned long long)info.size, got);
}

/* Memory Space and Bus Master: the latter reaches the VF, and gates DMA. */
static void check_cfg_command(struct vfio_dev *d, const uint8_t *real0)
{
	const uint16_t hardwired = PCI_COMMAND_IO | PCI_COMMAND_SPECIAL |
				   PCI_COMMAND_INVALIDATE |
				   PCI_COMMAND_VGA_PALETTE | PCI_COMMAND_WAIT |
				   PCI_COMMAND_FAST_BACK;
	uint8_t *buf = sim_alloc_buf(1), real[CFG_SIZE];
	uint16_t cmd;
	int ret;

	if (vfio_dev_dma_map(d, buf, IOVA_BASE, PAGE))
		die("DMA map");
	cmd = cfg_rd(d, PCI_COMMAND, 2);
	if ((cmd & PCI_COMMAND_MASTER) || (real0[PCI_COMMAND] & PCI_COMMAND_MASTER))
		die("Bus Master on at open (user 0x%04x, VF 0x%02x)", cmd,
		    real0[PCI_COMMAND]);
	ret = sim_hook("dma", "write 0x%lx 16 0x11", IOVA_BASE);
	if (ret != -EIO)
		die("VF DMA without Bus Master: %d, expected -EIO", ret);

	cfg_wr(d, PCI_COMMAND, 0xffff, 2);
	cmd = cfg_rd(d, PCI_COMMAND, 2);
	if (!(cmd & PCI_COMMAND_MEMORY) || !(cmd & PCI_COMMAND_MASTER) ||
	    (cmd & hardwired))
		die("command 0xffff reads back 0x%04x", cmd);
	vf_config(real);
	if (!(real[PCI_COMMAND] & PCI_COMMAND_MASTER))
		die("Bus Master set by the user is off on VF %s", vf_name);
	ret = sim_hook("dma", "write 0x%lx 16 0x22", IOVA_BASE);
	if (ret)
		die("VF DMA with Bus Master: %s", strerror(-ret));
	expect_bytes(buf, 16, 0x22, "DMA with Bus Master");

	/* The upper byte alone leaves Memory and Master as they are. */
	cfg_wr(d, PCI_COMMAND + 1, 0, 1);
	cmd = cfg_rd(d, PCI_COMMAND, 2);
	if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
	    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		die("upper command byte write changed the lower: 0x%04x", cmd);

	cfg_wr(d, PCI_COMMAND, PCI_COMMAND_MEMORY, 1);
	cmd = cfg_rd(d, PCI_COMMAND, 2);
	if (cmd != PCI_COMMAND_MEMORY)
		die("command MEMORY reads back 0x%04x", cmd);
	vf_config(real);
	if (real[PCI_COMMAND] & PCI_COMMAND_MASTER)
		die("Bus Master cleared by the user still set on VF %s", vf_name);
	ret = sim_hook("dma", "write 0x%lx 16 0x33", IOVA_BASE);
	if (ret != -EIO)
		die("VF DMA after clearing Bus Master: %d, expected -EIO", ret);
	expect_bytes(buf, 16, 0x22, "memory after DMA without Bus Master");

	cfg_wr(d, PCI_COMMAND, 0, 2);
	if (cfg_rd(d, PCI_COMMAND, 2))
		die("command 0 does not read back 0");
	if (vfio_dev_dma_unmap(d, IOVA_BASE, PAGE))
		die("DMA unmap");
	munmap(buf, PAGE);
	printf("command: Memory/Master read back, Master reaches the VF and gates its DMA\n");
}

static int cmd_config(void)
{
	uint8_t real0[CFG_SIZE], virt[CFG_SIZE];
	struct vfio_dev d;
	uint32_t v;

	if (vfio_dev_open(&d, sysfs, VFIO_MODE_IOMMUFD))
		die("cannot open %s", sysfs);
	vf_config(real0);
	if (rrw(&d, CFG, 0, virt, CFG_SIZE, false) != CFG_SIZE)
		die("read the user's config space");
	v = virt[0] | virt[1] << 8;
	if (v != vf_sysfs_u64("vendor"))
		die("vendor ID 0x%04x, the VF's is 0x%04llx", v,
		    (unsigned long long)vf_sysfs_u64("vendor"));
	v = virt[2] | virt[3] << 8;
	if (v != vf_sysfs_u64("device"))
		die("device ID 0x%04x, the VF's is 0x%04llx", v,
		    (unsigned long long)vf_sysfs_u64("device"));
	if (!find_cap(virt, PCI_CAP_ID_MSI))
		die("no MSI capability in the user's config space");

	check_cfg_ro(&d, virt);
	check_cfg_bars(&d, virt);
	/* Capability bodies: FLR and MSI enable must not reach the VF. */
	v = find_cap(virt, PCI_CAP_ID_EXP);
	if (v)
		cfg_wr(&d, v + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_BCR_FLR, 2);
	v = find_cap(virt, PCI_CAP_ID_MSI);
	cfg_wr(&d, v + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	vf_config_unchanged(real0, "a config write");
	printf("config: IDs virtualized, read-only fields kept, BARs/ROM size like vfio-pci, nothing reached the VF\n");

	check_cfg_command(&d, real0);
	vf_config_unchanged(real0, "a config write");
	vfio_dev_close(&d);
	return 0;
}

#define VF_BAR2_SIZE	0x10000UL	/* the VF's whole BAR2 */
#define SENTINEL(i)	(0x5e000000u | (i))

/* The VF's real BAR2, mapped through its sysfs resource file. */
static volatile uint32_t *vf_bar2_host(void)
{
	char path[320];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2",
		 vf_name);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	p = mmap(NULL, VF_BAR2_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	close(fd);
	return p;
}

static void sentinels_intact(volatile uint32_t *host, const char *after)
{
	uint32_t i;

	for (i = FUNC_SIZE / 4; i < VF_BAR2_SIZE / 4; i++)
		if (host[i] != SENTINEL(i))
			die("after %s the VF's BAR2 0x%x is 0x%08x", after,
			    i * 4, host[i]);
}

/* read and write of [off, off + len) in region @index both fail EINVAL. */
static void expect_rw_einval(struct vfio_dev *d, unsigned int index,
			     uint64_t off, size_t len)
{
	static uint8_t buf[0x2000];
	size_t i;
	ssize_t n;
	int w;

	for (w = 0; w < 2; w++) {
		memset(buf, 0xa5, len);
		n = rrw(d, index, off, buf, len, w);
		if (n != -EINVAL)
			die("%s of region %u at 0x%llx+0x%zx: %zd, expected -EINVAL",
			    w ? "write" : "read", index,
			    (unsigned long long)off, len, n);
		for (i = 0; i < len; i++)
			if (buf[i] != 0xa5)
				die("refused read of region %u at 0x%llx filled the buffer",
				    index, (unsigned long long)off);
	}
}

static void expect_mmap_einval(struct vfio_dev *d, unsigned int index,
			       uint64_t off, size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, d->device_fd,
		       REGION(index) + off);

	if (p != MAP_FAILED || errno != EINVAL)
		die("mmap of region %u at 0x%llx+0x%zx%s: %s, expected EINVAL",
		    index, (unsigned long long)off, len,
		    flags & MAP_PRIVATE ? " (private)" : "",
		    p == MAP_FAILED ? strerror(errno) : "mapped");
}

/* Every region info; only BAR2 has a capability, inside the window. */
static void check_region_infos(struct vfio_dev *d)
{
	union {
		struct vfio_region_info info;
		uint8_t raw[4096];
	} u;
	struct vfio_region_info *info = &u.info;
	unsigned int i, pos, n;

	if (d->info.num_regions != VFIO_PCI_NUM_REGIONS)
		die("%u regions, expected %u (no device-specific ones)",
		    d->info.num_regions, VFIO_PCI_NUM_REGIONS);
	if (d->info.flags & VFIO_DEVICE_FLAGS_CAPS)
		die("device info has capabilities (flags 0x%x)", d->info.flags);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		bool bar2 = i == BAR2;

		memset(&u, 0, sizeof(u));
		info->argsz = sizeof(u);
		info->index = i;
		if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info))
			die("region info %u: %s", i, strerror(errno));
		if (info->offset != REGION(i))
			die("region %u at 0x%llx, expected index << 40", i,
			    (unsigned long long)info->offset);
		if (info->size > (i == CFG ? CFG_SIZE : bar2 ? FUNC_SIZE : 0))
			die("region %u is 0x%llx bytes", i,
			    (unsigned long long)info->size);
		if (bar2 && (info->size != FUNC_SIZE ||
			     info->flags != (VFIO_REGION_INFO_FLAG_READ |
					     VFIO_REGION_INFO_FLAG_WRITE |
					     VFIO_REGION_INFO_FLAG_MMAP |
					     VFIO_REGION_INFO_FLAG_CAPS)))
			die("BAR2: size 0x%llx flags 0x%x",
			    (unsigned long long)info->size, info->flags);
		if (!bar2 && (info->flags & (VFIO_REGION_INFO_FLAG_MMAP |
					     VFIO_REGION_INFO_FLAG_CAPS)))
			die("region %u flags 0x%x", i, info->flags);
		if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
			continue;
		for (pos = info->cap_offset, n = 0; pos; n++) {
			struct vfio_info_cap_header *h = (void *)(u.raw + pos);
			struct vfio_region_info_cap_sparse_mmap *sp =
				(void *)h;
			unsigned int a;

			if (n > 8 || pos < sizeof(*info) ||
			    pos + sizeof(*sp) > info->argsz)
				die("region %u: capability chain broken at %u",
				    i, pos);
			if (h->id != VFIO_REGION_INFO_CAP_SPARSE_MMAP)
				die("region %u: unexpected capability %u", i,
				    h->id);
			if (!sp->nr_areas ||
			    pos + sizeof(*sp) + sp->nr_areas *
			    sizeof(sp->areas[0]) > info->argsz)
				die("region %u: %u sparse areas", i,
				    sp->nr_areas);
			for (a = 0; a < sp->nr_areas; a++)
				if (!sp->areas[a].size ||
				    sp->areas[a].offset + sp->areas[a].size >
				    FUNC_SIZE || sp->areas[a].offset > FUNC_SIZE)
					die("region %u: sparse area 0x%llx+0x%llx beyond 0x%lx",
					    i,
					    (unsigned long long)sp->areas[a].offset,
					    (unsigned long long)sp->areas[a].size,
					    FUNC_SIZE);
			pos = h->next;
		}
		if (!n)
			die("region %u: CAPS flag without capabilities", i);
	}

	/* Too small for the capability: told the size, no capability. */
	memset(&u, 0, sizeof(u));
	info->argsz = sizeof(*info);
	info->index = BAR2;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info) ||
	    info->argsz <= sizeof(*info) || info->cap_offset)
		die("BAR2 info with a short argsz: argsz %u cap_offset %u",
		    info->argsz, info->cap_offset);
	for (i = VFIO_PCI_NUM_REGIONS; i < 0x200; i += i < 16 ? 1 : 0x40) {
		memset(&u, 0, sizeof(u));
		info->argsz = sizeof(*info);
		info->index = i;
		errno = 0;
		if (!ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info) ||
		    errno != EINVAL)
			die("region info %u: %s, expected EINVAL", i,
			    strerror(errno));
	}
	info->index = BAR2;
	info->argsz = 8;
	if (!ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info) ||
	    errno != EINVAL)
		die("region info with argsz 8: %s, expected EINVAL",
		    strerror(errno));
	printf("region info: BAR2 0x%lx bytes, sparse areas inside it, nothing else mappable or sized beyond it\n",
	       FUNC_SIZE);
}

static int cmd_bounds(void)
{
	static const struct {
		uint64_t off;
		size_t len;
	} bar2_bad[] = {
		{ FUNC_SIZE, 4 }, { FUNC_SIZE, 1 }, { FUNC_SIZE + 0x20, 4 },
		{ FUNC_SIZE + 0x20, 8 }, { 0xfffc, 4 }, { 0x7ffc, 8 },
		{ 0x7ffe, 4 }, { 0x7fff, 2 }, { 0x7000, 0x2000 },
		{ VF_BAR2_SIZE, 4 }, { VF_BAR2_SIZE + 0x8000, 4 },
		{ 0xffffffffULL, 1 }, { 1ULL << 39, 4 },
		{ REGION(1) - 4, 4 },
	};
	static const unsigned int bad_index[] = {
		VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX,
		VFIO_PCI_BAR3_REGION_INDEX, VFIO_PCI_BAR4_REGION_INDEX,
		VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_ROM_REGION_INDEX,
		VFIO_PCI_VGA_REGION_INDEX, VFIO_PCI_NUM_REGIONS, 10, 0xff,
		0x7fffff,
	};
	volatile uint32_t *host, *p;
	uint32_t i, v;
	struct vfio_dev d;
	void *q;

	if (vfio_dev_open(&d, sysfs, VFIO_MODE_IOMMUFD))
		die("cannot open %s", sysfs);
	check_region_infos(&d);

	host = vf_bar2_host();
	for (i = FUNC_SIZE / 4; i < VF_BAR2_SIZE / 4; i++)
		host[i] = SENTINEL(i);
	/* The last dword of the window is fine, and the whole window. */
	if (rrw(&d, BAR2, FUNC_SIZE - 4, &v, 4, false) != 4)
		die("read of BAR2 0x7ffc");
	q = malloc(FUNC_SIZE);
	if (!q || rrw(&d, BAR2, 0, q, FUNC_SIZE, false) != FUNC_SIZE)
		die("read of BAR2's whole window");
	free(q);

	for (i = 0; i < sizeof(bar2_bad) / sizeof(bar2_bad[0]); i++)
		expect_rw_einval(&d, BAR2, bar2_bad[i].off, bar2_bad[i].len);
	sentinels_intact(host, "refused BAR2 writes");
	for (i = 0; i < sizeof(bad_index) / sizeof(bad_index[0]); i++) {
		expect_rw_einval(&d, bad_index[i], 0, 4);
		if (bad_index[i] < 0x100)
			expect_mmap_einval(&d, bad_index[i], 0, PAGE,
					   MAP_SHARED);
	}
	expect_rw_einval(&d, CFG, CFG_SIZE, 4);
	expect_rw_einval(&d, CFG, CFG_SIZE - 4, 8);
	expect_rw_einval(&d, CFG, 0x1000, 4);
	expect_mmap_einval(&d, CFG, 0, PAGE, MAP_SHARED);
	printf("read/write: BAR2 >= 0x%lx, across it, past the BAR, other BARs, ROM, VGA, config beyond 0x%x, invalid indexes -> EINVAL\n",
	       FUNC_SIZE, CFG_SIZE);

	expect_mmap_einval(&d, BAR2, FUNC_SIZE, PAGE, MAP_SHARED);
	expect_mmap_einval(&d, BAR2, 0xf000, PAGE, MAP_SHARED);
	expect_mmap_einval(&d, BAR2, 0x7000, 2 * PAGE, MAP_SHARED);
	expect_mmap_einval(&d, BAR2, 0, VF_BAR2_SIZE, MAP_SHARED);
	expect_mmap_einval(&d, BAR2, VF_BAR2_SIZE, PAGE, MAP_SHARED);
	expect_mmap_einval(&d, BAR2, 0, PAGE, MAP_PRIVATE);
	/* The window's last page maps; it cannot be grown past the window. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d.device_fd,
		 REGION(BAR2) + FUNC_SIZE - PAGE);
	if (p == MAP_FAILED)
		die("mmap of BAR2's last functional page: %s", strerror(errno));
	p[PAGE / 4 - 1] = 0x600dcafe;
	if (host[FUNC_SIZE / 4 - 1] != 0x600dcafe)
		die("mmap of BAR2 0x7000 is not the VF's BAR2 (0x%08x)",
		    host[FUNC_SIZE / 4 - 1]);
	q = mremap((void *)p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	if (q != MAP_FAILED)
		die("mremap grew the BAR2 mapping past 0x%lx", FUNC_SIZE);
	munmap((void *)p, PAGE);
	sentinels_intact(host, "refused mmaps");
	printf("mmap: BAR2 beyond or across 0x%lx, private, other regions -> EINVAL; no growing by mremap\n",
	       FUNC_SIZE);
	munmap((void *)host, VF_BAR2_SIZE);
	vfio_dev_close(&d);
	return 0;
}

#define IOVA_OTHER	0x800000UL	/* mapped in the second mdev's IOAS only */
#define IOVA_RO		0xc00000UL	/* mapped read-only */
#define IOVA_NONE	0xfff00000000UL	/* mapped nowhere, not RAM either */

static const char *vf_a, *vf_b;

static void use_vf(const char *vf)
{
	sim_pci_name = vf;
}

static const char *dbg_str(const char *file, char *buf, size_t len)
{
	char path[256];

	sim_debugfs_path(path, sizeof(path), file);
	sim_read_file(path, buf, len);
	return buf;
}

static void expect_domain(const char *want)
{
	char buf[64];

	if (strcmp(dbg_str("iommu_domain", buf, sizeof(buf)), want))
		die("VF %s in IOMMU domain %s, expected %s", sim_pci_name, buf,
		    want);
}

/* A DMA write the IOMMU must refuse: -EFAULT, counted at @fault_iova. */
static void expect_blocked(uint64_t iova, size_t len, uint64_t fault_iova,
			   const char *what)
{
	uint64_t faults = sim_read_u64("dma_faults");
	int ret = sim_hook("dma", "write 0x%llx %zu 0xee",
			   (unsigned long long)iova, len);

	if (ret != -EFAULT)
		die("%s: VF %s DMA to 0x%llx: %d, expected -EFAULT", what,
		    sim_pci_name, (unsigned long long)iova, ret);
	if (sim_read_u64("dma_faults") != faults + 1)
		die("%s: fault not counted on VF %s", what, sim_pci_name);
	if (sim_read_u64("last_fault_iova") != fault_iova)
		die("%s: last_fault_iova 0x%llx, expected 0x%llx", what,
		    (unsigned long long)sim_read_u64("last_fault_iova"),
		    (unsigned long long)fault_iova);
}

static void open_master(struct vfio_dev *d, const char *uuid, bool attach)
{
	char path[300];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	ret = attach ? vfio_dev_open(d, path, VFIO_MODE_IOMMUFD) :
		       vfio_dev_open_unattached(d, path);
	if (ret)
		die("cannot open %s", path);
	if (vfio_dev_set_master(d))
		die("set bus master on %s", uuid);
}

static int cmd_dma_block(const char *uuid_a, const char *uuid_b)
{
	struct iommu_ioas_map ro_map = {
		.size = sizeof(ro_map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.iova = IOVA_RO,
		.length = PAGE,
	};
	uint8_t *a = sim_alloc_buf(BUF_PAGES + 1), *b = sim_alloc_buf(1);
	uint8_t *ro = sim_alloc_buf(1);
	struct vfio_dev da, db;
	char path[320], name_b[64];
	int ret;

	vf_a = vf_name;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/acc_mdev/backing_vf",
		 uuid_b);
	sim_read_file(path, name_b, sizeof(name_b));
	vf_b = name_b;
	if (!strcmp(vf_a, vf_b))
		die("both mdevs are backed by %s", vf_a);

	/* Bound but not attached: the VF is blocked outright. */
	open_master(&da, uuid_a, false);
	use_vf(vf_a);
	expect_domain("blocked");
	expect_blocked(IOVA_BASE, 16, IOVA_BASE, "before attach");
	if (vfio_dev_attach_pt(&da, da.ioas_id))
		die("attach to the IOAS");
	expect_domain("paging");
	if (vfio_dev_dma_map(&da, a, IOVA_BASE, BUF_PAGES * PAGE))
		die("DMA map");
	ret = sim_hook("dma", "write 0x%lx 64 0x3c", IOVA_BASE + 0x100);
	if (ret)
		die("VF DMA into the IOAS failed: %s", strerror(-ret));
	expect_bytes(a + 0x100, 64, 0x3c, "DMA-written range");
	ret = sim_hook("dma", "copy 0x%lx 0x%lx 64", IOVA_BASE + 0x100,
		       IOVA_BASE + PAGE);
	if (ret)
		die("VF DMA copy inside the IOAS failed: %s", strerror(-ret));
	expect_bytes(a + PAGE, 64, 0x3c, "DMA-copied range");
	expect_blocked(IOVA_NONE, 16, IOVA_NONE, "unmapped IOVA");
	/* Across the end of the mapping: stops at the first unmapped byte. */
	expect_blocked(IOVA_BASE + BUF_PAGES * PAGE - 8, 16,
		       IOVA_BASE + BUF_PAGES * PAGE, "across the mapping's end");
	expect_bytes(a + BUF_PAGES * PAGE, PAGE, 0, "memory past the mapping");
	ro_map.ioas_id = da.ioas_id;
	ro_map.user_va = (uintptr_t)ro;
	if (ioctl(da.iommufd, IOMMU_IOAS_MAP, &ro_map))
		die("read-only IOAS map: %s", strerror(errno));
	expect_blocked(IOVA_RO, 16, IOVA_RO, "read-only mapping");
	expect_bytes(ro, PAGE, 0, "read-only mapped page");

	/* The other mdev's IOAS is not ours, and ours is not its. */
	open_master(&db, uuid_b, true);
	if (vfio_dev_dma_map(&db, b, IOVA_OTHER, PAGE))
		die("DMA map on %s", uuid_b);
	use_vf(vf_a);
	expect_blocked(IOVA_OTHER, 16, IOVA_OTHER, "the other mdev's IOVA");
	ret = sim_hook("dma", "copy 0x%lx 0x%lx 16", IOVA_OTHER,
		       IOVA_BASE + 2 * PAGE);
	if (ret != -EFAULT)
		die("VF %s read from the other mdev's IOVA: %d", vf_a, ret);
	expect_bytes(a + 2 * PAGE, PAGE, 0, "copy target of a refused read");
	expect_bytes(b, PAGE, 0, "the other mdev's buffer");
	use_vf(vf_b);
	expect_blocked(IOVA_BASE, 16, IOVA_BASE, "the first mdev's IOVA");
	ret = sim_hook("dma", "write 0x%lx 16 0x5a", IOVA_OTHER);
	if (ret)
		die("VF %s DMA into its own IOAS: %s", vf_b, strerror(-ret));
	expect_bytes(b, 16, 0x5a, "the other mdev's DMA");
	vfio_dev_close(&db);

	/* Unmapped, then detached: blocked again. */
	use_vf(vf_a);
	if (vfio_dev_dma_unmap(&da, IOVA_BASE, BUF_PAGES * PAGE))
		die("DMA unmap");
	memset(a, 0, PAGE);
	expect_blocked(IOVA_BASE, 16, IOVA_BASE, "after unmap");
	expect_bytes(a, PAGE, 0, "unmapped buffer");
	if (vfio_dev_detach_pt(&da))
		die("detach");
	expect_domain("blocked");
	expect_blocked(IOVA_RO, 16, IOVA_RO, "after detach");
	vfio_dev_close(&da);
	/* Back in the default domain: closing must have stopped its DMA. */
	ret = sim_hook("dma", "write 0x%lx 16 0xee", IOVA_NONE);
	if (ret != -EIO)
		die("VF %s after close: DMA %d, expected -EIO (Bus Master off)",
		    vf_a, ret);
	printf("DMA: VF %s reaches only its IOAS (blocked before attach, outside mappings, read-only, other mdev's IOAS, after unmap/detach), faults counted; no DMA after close\n",
	       vf_a);
	return 0;
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

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 && !(argc == 4 && !strcmp(argv[1], "dma"))) {
		fprintf(stderr, "usage: %s all|container|hold|config|bounds <mdev uuid>\n"
			"       %s dma <mdev uuid> <other mdev uuid>\n",
			argv[0], argv[0]);
		return 2;
	}
	mdev_backing_vf(argv[2], sysfs, sizeof(sysfs), vf_name,
			sizeof(vf_name));
	if (!strcmp(argv[1], "container")) {
		vfio_type1_open_refused(sysfs, argv[2]);
		printf("type1 container: VFIO_GROUP_GET_DEVICE_FD refused with EOPNOTSUPP\n");
		return 0;
	}
	if (!strcmp(argv[1], "hold"))
		return cmd_hold();
	if (!strcmp(argv[1], "config"))
		return cmd_config();
	if (!strcmp(argv[1], "bounds"))
		return cmd_bounds();
	if (!strcmp(argv[1], "dma"))
		return cmd_dma_block(argv[2], argv[3]);
	if (strcmp(argv[1], "all"))
		die("unknown command %s", argv[1]);
	if (vfio_dev_open(&d, sysfs, VFIO_MODE_IOMMUFD))
		die("cannot open %s", sysfs);
	if (vfio_dev_set_master(&d))
		die("set bus master");
	check_regions(&d);
	check_dma(&d);
	check_irq(&d);
	check_err_irq(&d);
	check_reset(&d);
	vfio_dev_close(&d);
	return 0;
}
