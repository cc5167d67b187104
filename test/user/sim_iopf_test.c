// SPDX-License-Identifier: GPL-2.0
/*
 * Recoverable I/O page faults of the simulator's software IOMMU, from
 * userspace through stock vfio-pci (vfio cdev + iommufd), the way a VMM
 * would see them. Linux 6.12 delivers faults only through a NESTED HWPT
 * with a fault queue, over a NEST_PARENT HWPT (acc_sim_iommu_uapi.h), and
 * never for a VF.
 *
 *   sim_iopf_test pf <pci-name>   on a PF: a DMA to an unmapped IOVA becomes
 *                                 a page request on the fault fd; mapping the
 *                                 page and answering SUCCESS completes it;
 *                                 INVALID, SUCCESS without a mapping and no
 *                                 answer (iopf_timeout_ms) refuse it; the
 *                                 dma_stats iopf counters follow.
 *   sim_iopf_test vf <pci-name>   on a VF: iommufd refuses to attach the
 *                                 fault-capable HWPT (EINVAL); the parent
 *                                 still works and misses are plain faults.
 *
 * The device's side of each DMA is acc_sim's debugfs "dma" hook. Its write()
 * blocks until the page request is answered, so it runs in a second thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>

#include "sim_test_util.h"
#include "vfio_dev.h"
#include "../sim/acc_sim_iommu_uapi.h"

#define IOVA_BASE	0x100000UL
#define BUF_PAGES	16
#define TIMEOUT_PARAM	"/sys/module/acc_sim_iommu/parameters/iopf_timeout_ms"
#define SHORT_TIMEOUT_MS 500
/* How long to wait for a page request to show up on the fault fd. */
#define FAULT_WAIT_MS	5000

static char saved_timeout[32];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void set_timeout(unsigned int ms)
{
	char val[32];
	int ret;

	if (!saved_timeout[0])
		sim_read_file(TIMEOUT_PARAM, saved_timeout, sizeof(saved_timeout));
	snprintf(val, sizeof(val), "%u", ms);
	ret = sim_write_file(TIMEOUT_PARAM, val);
	if (ret)
		die("write %s: %s", TIMEOUT_PARAM, strerror(-ret));
}

static void restore_timeout(void)
{
	if (saved_timeout[0] && sim_write_file(TIMEOUT_PARAM, saved_timeout))
		fprintf(stderr, "warning: could not restore %s to %s\n",
			TIMEOUT_PARAM, saved_timeout);
	saved_timeout[0] = 0;
}

static void expect_domain(const char *want)
{
	char path[256], desc[64];

	sim_debugfs_path(path, sizeof(path), "iommu_domain");
	sim_read_file(path, desc, sizeof(desc));
	if (strcmp(desc, want))
		die("iommu_domain of %s is '%s', expected '%s'", sim_pci_name, desc,
		    want);
}

/* One "<counter> <value>" line of dma_stats. */
static uint64_t dma_stat(const char *name)
{
	char path[256], line[128], key[64];
	unsigned long long v;
	FILE *f;

	sim_debugfs_path(path, sizeof(path), "dma_stats");
	f = fopen(path, "r");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lli", key, &v) == 2 &&
		    !strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	die("no '%s' in %s", name, path);
	return 0;
}

struct iopf_counts {
	uint64_t reported, resolved;
};

static struct iopf_counts iopf_counts(void)
{
	return (struct iopf_counts){ dma_stat("iopf_reported"),
				     dma_stat("iopf_resolved") };
}

static void expect_counts(const struct iopf_counts *base, uint64_t reported,
			  uint64_t resolved, const char *what)
{
	struct iopf_counts c = iopf_counts();

	if (c.reported - base->reported != reported ||
	    c.resolved - base->resolved != resolved)
		die("%s: dma_stats iopf_reported +%" PRIu64 " iopf_resolved +%"
		    PRIu64 ", expected +%" PRIu64 " +%" PRIu64, what,
		    c.reported - base->reported, c.resolved - base->resolved,
		    reported, resolved);
}

/* ---- the device's DMA, in a thread -------------------------------------- */

struct dma_job {
	pthread_t thread;
	char cmd[128];
	int ret;		/* 0 or -errno of the hook's write() */
	double start, end;
	volatile bool done;
};

static void *dma_thread(void *arg)
{
	struct dma_job *j = arg;
	char path[256];

	sim_debugfs_path(path, sizeof(path), "dma");
	j->ret = sim_write_file(path, j->cmd);
	j->end = now();
	__atomic_store_n(&j->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void dma_start(struct dma_job *j, const char *fmt, ...)
{
	va_list ap;
	int ret;

	memset(j, 0, sizeof(*j));
	va_start(ap, fmt);
	vsnprintf(j->cmd, sizeof(j->cmd), fmt, ap);
	va_end(ap);
	j->start = now();
	ret = pthread_create(&j->thread, NULL, dma_thread, j);
	if (ret)
		die("pthread_create: %s", strerror(ret));
}

static int dma_finish(struct dma_job *j)
{
	int ret = pthread_join(j->thread, NULL);

	if (ret)
		die("pthread_join: %s", strerror(ret));
	return j->ret;
}

static bool dma_done(struct dma_job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE);
}

/* Synchronous DMA (one that must not fault, or must fail at once). */
static int dma_sync(const char *fmt, ...)
{
	char path[256], cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	sim_debugfs_path(path, sizeof(path), "dma");
	return sim_write_file(path, cmd);
}

/* ---- fault queue -------------------------------------------------------- */

/* Next fault record; dies if none arrives within FAULT_WAIT_MS. */
static struct iommu_hwpt_pgfault get_fault(int fault_fd, const char *what)
{
	struct pollfd p = { .fd = fault_fd, .events = POLLIN };
	struct iommu_hwpt_pgfault f;
	ssize_t n;
	int ret;

	ret = poll(&p, 1, FAULT_WAIT_MS);
	if (ret < 0)
		die("%s: poll fault fd: %s", what, strerror(errno));
	if (!ret)
		die("%s: no fault record within %d ms", what, FAULT_WAIT_MS);
	n = read(fault_fd, &f, sizeof(f));
	if (n != sizeof(f))
		die("%s: read fault fd: %s", what,
		    n < 0 ? strerror(errno) : "short read");
	return f;
}

static void no_fault(int fault_fd, const char *what)
{
	struct pollfd p = { .fd = fault_fd, .events = POLLIN };

	if (poll(&p, 1, 0) != 0)
		die("%s: unexpected fault record on the fault fd", what);
}

/* Fault record for a one-page request at page @addr with @perm. */
static void check_fault(const struct iommu_hwpt_pgfault *f,
			const struct vfio_dev *d, uint64_t addr, uint32_t perm,
			const char *what)
{
	printf("  fault: addr 0x%llx perm 0x%x flags 0x%x grpid %u dev_id %u cookie %u\n",
	       (unsigned long long)f->addr, f->perm, f->flags, f->grpid,
	       f->dev_id, f->cookie);
	if (f->addr != addr)
		die("%s: fault addr 0x%llx, expected 0x%" PRIx64, what,
		    (unsigned long long)f->addr, addr);
	if (f->perm != perm)
		die("%s: fault perm 0x%x, expected 0x%x", what, f->perm, perm);
	if (!(f->flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE))
		die("%s: fault flags 0x%x lack LAST_PAGE", what, f->flags);
	if (f->flags & IOMMU_PGFAULT_FLAGS_PASID_VALID)
		die("%s: fault flags 0x%x claim a PASID", what, f->flags);
	if (f->dev_id != d->dev_id)
		die("%s: fault dev_id %u, expected %u", what, f->dev_id,
		    d->dev_id);
}

static void respond(int fault_fd, uint32_t cookie, uint32_t code,
		    const char *what)
{
	struct iommu_hwpt_page_response r = { .cookie = cookie, .code = code };
	ssize_t n = write(fault_fd, &r, sizeof(r));

	if (n != sizeof(r))
		die("%s: page response: %s", what,
		    n < 0 ? strerror(errno) : "short write");
}

/* ---- buffers ------------------------------------------------------------ */

static void map_page(struct vfio_dev *d, uint8_t *buf, unsigned int page)
{
	if (vfio_dev_dma_map(d, buf + page * PAGE, IOVA_BASE + page * PAGE,
			     PAGE))
		die("map page %u", page);
}

static uint64_t iova(unsigned int page)
{
	return IOVA_BASE + page * PAGE;
}

/*
 * Open the function unattached, allocate NEST_PARENT HWPT + fault queue +
 * nested HWPT with the fault id. Returns the nested HWPT id; the parent's
 * in *parent.
 */
static uint32_t setup_fault_hwpt(struct vfio_dev *d, int *fault_fd,
				 uint32_t *parent)
{
	struct acc_sim_iommu_hwpt_nested data = { 0 };
	uint32_t fault_id, nested;
	char sysfs[256];

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/pci/devices/%s", sim_pci_name);
	if (vfio_dev_open_unattached(d, sysfs))
		die("cannot open %s through the vfio cdev", sysfs);
	if (vfio_dev_set_master(d))
		die("set Bus Master Enable");
	if (vfio_dev_fault_queue_alloc(d, &fault_id, fault_fd))
		die("allocate a fault queue");
	if (vfio_dev_hwpt_alloc(d, d->ioas_id, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				0, NULL, 0, parent))
		die("allocate the NEST_PARENT HWPT");
	if (vfio_dev_hwpt_alloc(d, *parent, IOMMU_HWPT_FAULT_ID_VALID,
				fault_id, ACC_SIM_IOMMU_HWPT_DATA_NESTED,
				&data, sizeof(data), &nested))
		die("allocate the nested HWPT with fault id %u", fault_id);
	return nested;
}

/* ---- PF ----------------------------------------------------------------- */

static int cmd_pf(void)
{
	struct iommu_hwpt_pgfault f;
	struct iopf_counts base;
	uint32_t parent, nested;
	struct vfio_dev d;
	struct dma_job j;
	uint64_t faults0;
	double waited;
	uint8_t *buf;
	int fault_fd, ret;

	nested = setup_fault_hwpt(&d, &fault_fd, &parent);
	if (vfio_dev_attach_pt(&d, nested))
		die("attach the fault-capable nested HWPT %u", nested);
	expect_domain("paging+iopf");
	buf = sim_alloc_buf(BUF_PAGES);
	base = iopf_counts();

	/* Mapped in the parent's IOAS: translated, no page request. */
	map_page(&d, buf, 0);
	ret = dma_sync("write 0x%lx 64 0x11", iova(0));
	if (ret)
		die("DMA to a mapped IOVA: %s", strerror(-ret));
	expect_bytes(buf, 64, 0x11, "mapped page");
	no_fault(fault_fd, "DMA to a mapped IOVA");
	expect_counts(&base, 0, 0, "DMA to a mapped IOVA");
	printf("mapped IOVA: DMA through the nested HWPT, no page request\n");

	/* (a) write miss -> fault -> map + SUCCESS -> retried, data landed */
	dma_start(&j, "write 0x%lx 256 0x5a", iova(4) + 0x80);
	f = get_fault(fault_fd, "write to an unmapped IOVA");
	check_fault(&f, &d, iova(4), IOMMU_PGFAULT_PERM_WRITE,
		    "write to an unmapped IOVA");
	usleep(100 * 1000);
	if (dma_done(&j))
		die("the faulting DMA finished before the page response (ret %d)",
		    j.ret);
	expect_counts(&base, 1, 0, "fault pending");
	map_page(&d, buf, 4);
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "write fault");
	ret = dma_finish(&j);
	if (ret)
		die("DMA after map + SUCCESS failed: %s", strerror(-ret));
	expect_bytes(buf + 4 * PAGE, 0x80, 0, "page 4 before the DMA");
	expect_bytes(buf + 4 * PAGE + 0x80, 256, 0x5a, "page 4 written range");
	expect_bytes(buf + 4 * PAGE + 0x180, PAGE - 0x180, 0,
		     "page 4 after the DMA");
	expect_counts(&base, 1, 1, "write fault resolved");
	printf("(a) write fault: record OK, map + SUCCESS, DMA completed, data in the buffer\n");

	/* Read miss (copy from unmapped page 5 to mapped page 0). */
	memset(buf + 5 * PAGE, 0x3c, PAGE);
	dma_start(&j, "copy 0x%lx 0x%lx 128", iova(5) + 0x100, iova(0));
	f = get_fault(fault_fd, "read from an unmapped IOVA");
	check_fault(&f, &d, iova(5), IOMMU_PGFAULT_PERM_READ,
		    "read from an unmapped IOVA");
	map_page(&d, buf, 5);
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "read fault");
	ret = dma_finish(&j);
	if (ret)
		die("copy after map + SUCCESS failed: %s", strerror(-ret));
	expect_bytes(buf, 128, 0x3c, "copy destination");
	expect_bytes(buf + 128, PAGE - 128, 0, "after the copy destination");
	expect_counts(&base, 2, 2, "read fault resolved");
	printf("(a) read fault: record OK, map + SUCCESS, copy completed\n");

	/* A write across two unmapped pages: one request per page, in order. */
	dma_start(&j, "write 0x%lx 32 0x77", iova(7) - 16);
	f = get_fault(fault_fd, "first page of a 2-page miss");
	check_fault(&f, &d, iova(6), IOMMU_PGFAULT_PERM_WRITE,
		    "first page of a 2-page miss");
	map_page(&d, buf, 6);
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "page 6");
	f = get_fault(fault_fd, "second page of a 2-page miss");
	check_fault(&f, &d, iova(7), IOMMU_PGFAULT_PERM_WRITE,
		    "second page of a 2-page miss");
	map_page(&d, buf, 7);
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "page 7");
	ret = dma_finish(&j);
	if (ret)
		die("2-page DMA after two faults failed: %s", strerror(-ret));
	expect_bytes(buf + 7 * PAGE - 16, 32, 0x77, "2-page range");
	expect_counts(&base, 4, 4, "2-page miss resolved");
	printf("(a) 2-page miss: two page requests, both resolved, DMA completed\n");

	/*
	 * (b) INVALID: the access is refused even though the page was mapped
	 * meanwhile (no retry), and nothing is written.
	 */
	faults0 = dma_stat("faults");
	dma_start(&j, "write 0x%lx 64 0xee", iova(8) + 0x40);
	f = get_fault(fault_fd, "write answered INVALID");
	check_fault(&f, &d, iova(8), IOMMU_PGFAULT_PERM_WRITE,
		    "write answered INVALID");
	map_page(&d, buf, 8);
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_INVALID, "INVALID");
	ret = dma_finish(&j);
	if (ret != -EFAULT)
		die("DMA answered INVALID: got %d (%s), expected -EFAULT", ret,
		    strerror(-ret));
	expect_bytes(buf + 8 * PAGE, PAGE, 0, "page 8 after INVALID");
	expect_counts(&base, 5, 4, "INVALID");
	if (dma_stat("faults") != faults0 + 1)
		die("INVALID: dma_stats faults %" PRIu64 ", expected %" PRIu64,
		    dma_stat("faults"), faults0 + 1);
	if (dma_stat("last_fault_iova") != iova(8) + 0x40)
		die("INVALID: last_fault_iova 0x%" PRIx64 ", expected 0x%lx",
		    dma_stat("last_fault_iova"), iova(8) + 0x40);
	printf("(b) INVALID: DMA refused with EFAULT, memory untouched, fault counted\n");

	/* SUCCESS without mapping: one retry, then refused. */
	dma_start(&j, "write 0x%lx 8 0xee", iova(9));
	f = get_fault(fault_fd, "SUCCESS without a mapping");
	check_fault(&f, &d, iova(9), IOMMU_PGFAULT_PERM_WRITE,
		    "SUCCESS without a mapping");
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "SUCCESS, unmapped");
	ret = dma_finish(&j);
	if (ret != -EFAULT)
		die("SUCCESS without a mapping: got %d, expected -EFAULT", ret);
	no_fault(fault_fd, "SUCCESS without a mapping (no second request)");
	expect_counts(&base, 6, 4, "SUCCESS without a mapping");
	printf("(b) SUCCESS without a mapping: retried once, refused with EFAULT\n");

	/* (c) no answer: refused after iopf_timeout_ms */
	set_timeout(SHORT_TIMEOUT_MS);
	dma_start(&j, "write 0x%lx 8 0xee", iova(10));
	f = get_fault(fault_fd, "unanswered fault");
	check_fault(&f, &d, iova(10), IOMMU_PGFAULT_PERM_WRITE,
		    "unanswered fault");
	ret = dma_finish(&j);
	waited = j.end - j.start;
	restore_timeout();
	if (ret != -EFAULT)
		die("unanswered fault: got %d, expected -EFAULT", ret);
	if (waited < SHORT_TIMEOUT_MS / 1000.0 * 0.9 || waited > 5.0)
		die("unanswered fault refused after %.3f s, iopf_timeout_ms is %d",
		    waited, SHORT_TIMEOUT_MS);
	expect_bytes(buf + 10 * PAGE, PAGE, 0, "page 10 after the timeout");
	expect_counts(&base, 7, 4, "unanswered fault");
	/* A late answer is accepted by iommufd and ignored by the device. */
	respond(fault_fd, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS, "late answer");
	expect_counts(&base, 7, 4, "late answer");
	printf("(c) unanswered: refused with EFAULT after %.3f s (iopf_timeout_ms %d); late answer ignored\n",
	       waited, SHORT_TIMEOUT_MS);

	/* A page resolved before stays mapped: no new request. */
	ret = dma_sync("write 0x%lx 8 0x42", iova(4));
	if (ret)
		die("DMA to a page mapped by a fault: %s", strerror(-ret));
	no_fault(fault_fd, "page mapped by an earlier fault");
	expect_counts(&base, 7, 4, "page mapped by an earlier fault");
	printf("(d) dma_stats: iopf_reported +7, iopf_resolved +4 as expected\n");

	close(fault_fd);
	vfio_dev_close(&d);
	munmap(buf, BUF_PAGES * PAGE);
	return 0;
}

/* ---- VF ----------------------------------------------------------------- */

static int cmd_vf(void)
{
	struct iopf_counts base;
	uint32_t parent, nested;
	struct vfio_dev d;
	uint8_t *buf;
	double t0;
	int fault_fd, ret;

	nested = setup_fault_hwpt(&d, &fault_fd, &parent);
	base = iopf_counts();
	printf("  (the attach error below is expected)\n");
	ret = vfio_dev_attach_pt(&d, nested);
	if (!ret)
		die("a VF attached a fault-capable HWPT: iommufd should refuse IOPF on VFs");
	if (ret != -EINVAL)
		die("VF fault-capable attach failed with %s, expected EINVAL",
		    strerror(-ret));
	expect_domain("blocked");
	printf("(e) VF: attach of the fault-capable nested HWPT refused with EINVAL, device stays blocked\n");

	/* The parent alone works; a miss is a plain refused DMA. */
	if (vfio_dev_attach_pt(&d, parent))
		die("attach the NEST_PARENT HWPT to the VF");
	expect_domain("paging");
	buf = sim_alloc_buf(BUF_PAGES);
	map_page(&d, buf, 0);
	ret = dma_sync("write 0x%lx 16 0x21", iova(0));
	if (ret)
		die("VF DMA to a mapped IOVA: %s", strerror(-ret));
	expect_bytes(buf, 16, 0x21, "VF mapped page");
	t0 = now();
	ret = dma_sync("write 0x%lx 16 0x21", iova(3));
	if (ret != -EFAULT)
		die("VF DMA to an unmapped IOVA: got %d, expected -EFAULT", ret);
	if (now() - t0 > 1.0)
		die("VF DMA miss took %.3f s: it waited for a page response",
		    now() - t0);
	no_fault(fault_fd, "VF DMA miss");
	expect_counts(&base, 0, 0, "VF DMA miss");

	/* Replacing the parent with the fault-capable HWPT: refused too. */
	printf("  (the attach error below is expected)\n");
	ret = vfio_dev_attach_pt(&d, nested);
	if (!ret)
		die("a VF replaced its HWPT with a fault-capable one");
	if (ret != -EINVAL)
		die("VF fault-capable replace failed with %s, expected EINVAL",
		    strerror(-ret));
	expect_domain("paging");
	ret = dma_sync("write 0x%lx 16 0x22", iova(0));
	if (ret)
		die("VF DMA after the refused replace: %s", strerror(-ret));
	expect_bytes(buf, 16, 0x22, "VF mapped page after the refused replace");
	printf("(e) VF: on the parent, misses refused at once (no page request); replace with the fault HWPT refused, parent kept\n");

	close(fault_fd);
	vfio_dev_close(&d);
	munmap(buf, BUF_PAGES * PAGE);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: %s pf|vf <pci-name>\n", argv[0]);
		return 2;
	}
	sim_pci_name = argv[2];
	sim_die_cleanup = restore_timeout;
	if (!strcmp(argv[1], "pf"))
		return cmd_pf();
	if (!strcmp(argv[1], "vf"))
		return cmd_vf();
	die("unknown command %s", argv[1]);
	return 2;
}
