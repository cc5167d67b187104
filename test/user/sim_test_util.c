// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of the simulated-platform test tools: see sim_test_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sim_test_util.h"

const char *sim_pci_name;
void (*sim_die_cleanup)(void);

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (sim_die_cleanup)
		sim_die_cleanup();
	exit(1);
}

void sim_debugfs_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "/sys/kernel/debug/acc_sim/%s/%s", sim_pci_name,
		 file);
}

int sim_write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

void sim_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, len, f))
		die("read %s: %s", path, strerror(errno));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

int sim_hook(const char *file, const char *fmt, ...)
{
	char path[256], cmd[128];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	sim_debugfs_path(path, sizeof(path), file);
	ret = sim_write_file(path, cmd);
	if (ret == -ENOENT || ret == -EACCES)
		die("open %s: %s", path, strerror(-ret));
	return ret;
}

uint64_t sim_read_u64(const char *file)
{
	char path[256], buf[64];

	sim_debugfs_path(path, sizeof(path), file);
	sim_read_file(path, buf, sizeof(buf));
	return strtoull(buf, NULL, 0);
}

uint8_t *sim_alloc_buf(size_t pages)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap buffer: %s", strerror(errno));
	return p;
}

void expect_bytes(const uint8_t *p, size_t len, uint8_t v, const char *what)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			die("%s: byte %zu is 0x%02x, expected 0x%02x", what, i,
			    p[i], v);
}

void mdev_backing_vf(const char *uuid, char *sysfs, size_t sysfs_len,
		     char *vf, size_t vf_len)
{
	char path[320];

	snprintf(sysfs, sysfs_len, "/sys/bus/mdev/devices/%s", uuid);
	snprintf(path, sizeof(path), "%s/acc_mdev/backing_vf", sysfs);
	sim_read_file(path, vf, vf_len);
	sim_pci_name = vf;
}

/*
 * A type1 container, step by step: opening the container and the group,
 * attaching the group and choosing type1 must all work, and only
 * VFIO_GROUP_GET_DEVICE_FD (the driver's open_device) may fail, with
 * EOPNOTSUPP. vfio_dev_open() would pass on an EOPNOTSUPP from any step.
 */
void vfio_type1_open_refused(const char *path, const char *name)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char link[512], target[512], gpath[600];
	const char *g;
	int container, group, dev;
	ssize_t n;

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("open /dev/vfio/vfio: %s", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("VFIO_GET_API_VERSION: not %d", VFIO_API_VERSION);
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		die("/dev/vfio/vfio does not offer VFIO_TYPE1v2_IOMMU");
	snprintf(link, sizeof(link), "%s/iommu_group", path);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		die("readlink %s: %s", link, strerror(errno));
	target[n] = 0;
	g = strrchr(target, '/');
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%s", g ? g + 1 : target);
	group = open(gpath, O_RDWR);
	if (group < 0)
		die("open %s: %s", gpath, strerror(errno));
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st))
		die("VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group %s not viable", gpath);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU(TYPE1v2): %s", strerror(errno));
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (dev >= 0)
		die("VFIO_GROUP_GET_DEVICE_FD in a type1 container succeeded");
	if (errno != EOPNOTSUPP)
		die("VFIO_GROUP_GET_DEVICE_FD in a type1 container: %s, expected EOPNOTSUPP",
		    strerror(errno));
	close(group);
	close(container);
}
