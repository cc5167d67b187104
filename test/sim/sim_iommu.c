// SPDX-License-Identifier: GPL-2.0
/*
 * Software IOMMU for the simulated HiSilicon ACC platform.
 *
 * Registered with no firmware node, so with no vIOMMU in the VM the core
 * offers it every device; it claims only the PCI functions of the
 * simulator's domain (ACC_SIM_PCI_DOMAIN), one group each. Domains:
 *  - identity: the default, so host drivers DMA with physical addresses;
 *  - blocked;
 *  - paging: 4 KiB PTEs in an xarray, dirty tracking for iommufd;
 *  - nested: stage 1 in bypass over a paging parent. In Linux 6.12 this is
 *    the only kind of iommufd HWPT that may carry a fault queue, so it is
 *    how recoverable I/O page faults reach userspace.
 *
 * acc_sim_iommu_dma() is the device models' only way to memory: it walks
 * the attached domain page by page, marks written pages dirty, and turns a
 * translation miss into a page request (when the domain takes faults) or a
 * refused access.
 *
 * Locking: sim_dev.lock guards a function's attached domain; the model holds
 * it, and the page table's xa_lock, while it copies one page, so attach,
 * unmap and free never race with an access in flight.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <uapi/linux/iommufd.h>

#include "acc_sim.h"
#include "acc_sim_iommu_uapi.h"

#define SIM_IO_PAGE_SHIFT	12
#define SIM_IO_PAGE_SIZE	BIT(SIM_IO_PAGE_SHIFT)
#define SIM_IO_PAGE_MASK	(SIM_IO_PAGE_SIZE - 1)
#define SIM_APERTURE_END	((1ULL << 48) - 1)

/* A PTE is an xarray value: 4 KiB frame number and access bits. */
#define SIM_PTE_READ		BIT(0)
#define SIM_PTE_WRITE		BIT(1)
#define SIM_PTE_FRAME_SHIFT	2
#define SIM_PTE_DIRTY		XA_MARK_0

/* PCIe page request group index is 9 bits wide */
#define SIM_PRG_INDEX_MASK	0x1ff

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Check the page table code at load; refuse to load if it fails");

static unsigned int iopf_timeout_ms = 5000;
module_param(iopf_timeout_ms, uint, 0644);
MODULE_PARM_DESC(iopf_timeout_ms, "How long a faulting DMA waits for the page response (ms)");

struct sim_pt {
	struct iommu_domain domain;
	/* IOVA frame -> PTE; its xa_lock also guards dirty_tracking */
	struct xarray ptes;
	bool dirty_tracking;
	bool nest_parent;
};

struct sim_nested {
	struct iommu_domain domain;
	struct sim_pt *parent;
};

struct sim_iopf_wait {
	struct list_head node;
	struct completion done;
	u32 grpid;
	u32 code;
	bool answered;
};

struct sim_dev {
	struct list_head node;		/* on sim_devs */
	struct kref ref;
	struct device *dev;
	struct mutex feat_lock;		/* IOPF on/off vs. fault reports */
	spinlock_t lock;		/* the fields below up to waiters */
	struct iommu_domain *domain;
	bool iopf_on;
	u32 next_grpid;
	struct list_head waiters;	/* sim_iopf_wait, answered by grpid */
	atomic64_t dma_reads;
	atomic64_t dma_writes;
	atomic64_t faults;
	atomic64_t last_fault_iova;
	atomic64_t iopf_reported;
	atomic64_t iopf_resolved;
};

static struct iommu_device sim_iommu;
static struct iopf_queue *sim_iopfq;

/* Functions probed, for the exported entry points' lookups */
static LIST_HEAD(sim_devs);
static DEFINE_SPINLOCK(sim_devs_lock);

static struct sim_pt *to_sim_pt(struct iommu_domain *domain)
{
	return container_of(domain, struct sim_pt, domain);
}

static struct sim_nested *to_sim_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct sim_nested, domain);
}

/* ---- memory access ------------------------------------------------------ */

/* Copy within one 4 KiB frame at @phys. */
static int sim_copy_ram(phys_addr_t phys, void *buf, size_t len, bool write)
{
	unsigned long pfn = PHYS_PFN(phys);
	struct page *page;
	void *va;

	/*
	 * A software device reaches RAM only: no MMIO, no BAR, no hole. Pages
	 * the allocator manages are RAM; only reserved ones need the (slow,
	 * resource-tree) check, and those may be read, never written.
	 */
	if (!pfn_valid(pfn))
		return -EFAULT;
	page = pfn_to_page(pfn);
	if (PageReserved(page) && (write || !page_is_ram(pfn)))
		return -EFAULT;

	va = kmap_local_page(page);
	if (write)
		memcpy(va + offset_in_page(phys), buf, len);
	else
		memcpy(buf, va + offset_in_page(phys), len);
	kunmap_local(va);
	return 0;
}

/*
 * Access within one IO page through a page table. Returns -ENOENT for a
 * miss that a page request could resolve (not present, or not permitted),
 * -EFAULT for anything else.
 */
static int sim_pt_access(struct sim_pt *pt, u64 iova, void *buf, size_t len,
			 bool write)
{
	unsigned long frame = iova >> SIM_IO_PAGE_SHIFT;
	unsigned long need = write ? SIM_PTE_WRITE : SIM_PTE_READ;
	unsigned long pte;
	void *entry;
	int ret;

	if (iova > pt->domain.geometry.aperture_end)
		return -EFAULT;

	/* Held across the copy: unmap of this page waits for it. */
	xa_lock(&pt->ptes);
	entry = xa_load(&pt->ptes, frame);
	pte = entry ? xa_to_value(entry) : 0;
	if (!(pte & need)) {
		ret = -ENOENT;
		goto out;
	}
	ret = sim_copy_ram(((phys_addr_t)(pte >> SIM_PTE_FRAME_SHIFT) <<
			    SIM_IO_PAGE_SHIFT) | (iova & SIM_IO_PAGE_MASK),
			   buf, len, write);
	if (!ret && write && pt->dirty_tracking)
		__xa_set_mark(&pt->ptes, frame, SIM_PTE_DIRTY);
out:
	xa_unlock(&pt->ptes);
	return ret;
}

/* ---- domains -------------------------------------------------------------- */

static int sim_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct sim_dev *sd = dev_iommu_priv_get(dev);

	/* Waits for a page copy in flight through the old domain. */
	spin_lock(&sd->lock);
	sd->domain = domain;
	spin_unlock(&sd->lock);
	return 0;
}

static int sim_map_pages(struct iommu_domain *domain, unsigned long iova,
			 phys_addr_t paddr, size_t pgsize, size_t pgcount,
			 int prot, gfp_t gfp, size_t *mapped)
{
	struct sim_pt *pt = to_sim_pt(domain);
	unsigned long frame = iova >> SIM_IO_PAGE_SHIFT;
	unsigned long pfn = paddr >> SIM_IO_PAGE_SHIFT;
	size_t i, n = (pgsize >> SIM_IO_PAGE_SHIFT) * pgcount;
	unsigned long perm = 0;
	int ret = 0;

	if (prot & IOMMU_READ)
		perm |= SIM_PTE_READ;
	if (prot & IOMMU_WRITE)
		perm |= SIM_PTE_WRITE;

	for (i = 0; i < n; i++) {
		ret = xa_insert(&pt->ptes, frame + i,
				xa_mk_value(((pfn + i) << SIM_PTE_FRAME_SHIFT) |
					    perm), gfp);
		if (ret) {
			if (ret == -EBUSY)
				ret = -EEXIST;
			break;
		}
		/* The core unmaps what was mapped if a later page fails. */
		*mapped += SIM_IO_PAGE_SIZE;
	}
	return ret;
}

static size_t sim_unmap_pages(struct iommu_domain *domain, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather)
{
	struct sim_pt *pt = to_sim_pt(domain);
	unsigned long frame = iova >> SIM_IO_PAGE_SHIFT;
	size_t i, n = (pgsize >> SIM_IO_PAGE_SHIFT) * pgcount;

	/* No TLB: once erased, no access can reach the page. */
	for (i = 0; i < n; i++)
		xa_erase(&pt->ptes, frame + i);
	return pgsize * pgcount;
}

static phys_addr_t sim_iova_to_phys(struct iommu_domain *domain,
				    dma_addr_t iova)
{
	struct sim_pt *pt = to_sim_pt(domain);
	void *entry = xa_load(&pt->ptes, iova >> SIM_IO_PAGE_SHIFT);

	if (!entry)
		return 0;
	return ((phys_addr_t)(xa_to_value(entry) >> SIM_PTE_FRAME_SHIFT) <<
		SIM_IO_PAGE_SHIFT) | (iova & SIM_IO_PAGE_MASK);
}

static bool sim_enforce_cache_coherency(struct iommu_domain *domain)
{
	/* The model copies with the CPU: always coherent. */
	return true;
}

static void sim_pt_free(struct iommu_domain *domain)
{
	struct sim_pt *pt = to_sim_pt(domain);

	xa_destroy(&pt->ptes);
	kfree(pt);
}

static int sim_set_dirty_tracking(struct iommu_domain *domain, bool enabled)
{
	struct sim_pt *pt = to_sim_pt(domain);

	xa_lock(&pt->ptes);
	pt->dirty_tracking = enabled;
	xa_unlock(&pt->ptes);
	return 0;
}

static int sim_read_and_clear_dirty(struct iommu_domain *domain,
				    unsigned long iova, size_t size,
				    unsigned long flags,
				    struct iommu_dirty_bitmap *dirty)
{
	struct sim_pt *pt = to_sim_pt(domain);
	unsigned long frame = iova >> SIM_IO_PAGE_SHIFT;
	unsigned long last = (iova + size - 1) >> SIM_IO_PAGE_SHIFT;
	bool tracking;
	void *entry;

	if (!size)
		return 0;
	xa_lock(&pt->ptes);
	tracking = pt->dirty_tracking;
	xa_unlock(&pt->ptes);
	/* Clearing (no bitmap) is allowed before tracking starts. */
	if (!tracking && dirty->bitmap)
		return -EINVAL;

	/*
	 * xa_find() takes no lock across iterations, so recording (which may
	 * pin bitmap pages and sleep) is fine. Clear before recording: a write
	 * that lands in between marks the page again for the next round.
	 */
	for (entry = xa_find(&pt->ptes, &frame, last, SIM_PTE_DIRTY); entry;
	     entry = xa_find_after(&pt->ptes, &frame, last, SIM_PTE_DIRTY)) {
		if (!(flags & IOMMU_DIRTY_NO_CLEAR))
			xa_clear_mark(&pt->ptes, frame, SIM_PTE_DIRTY);
		iommu_dirty_bitmap_record(dirty, frame << SIM_IO_PAGE_SHIFT,
					  SIM_IO_PAGE_SIZE);
	}
	return 0;
}

static const struct iommu_dirty_ops sim_dirty_ops = {
	.set_dirty_tracking = sim_set_dirty_tracking,
	.read_and_clear_dirty = sim_read_and_clear_dirty,
};

static const struct iommu_domain_ops sim_paging_ops = {
	.attach_dev = sim_attach_dev,
	.map_pages = sim_map_pages,
	.unmap_pages = sim_unmap_pages,
	.iova_to_phys = sim_iova_to_phys,
	.enforce_cache_coherency = sim_enforce_cache_coherency,
	.free = sim_pt_free,
};

static int sim_nested_cache_invalidate(struct iommu_domain *domain,
				       struct iommu_user_data_array *array)
{
	/* Stage 1 is in bypass: it caches nothing, defines no request. */
	if (array->entry_num) {
		array->entry_num = 0;
		return -EOPNOTSUPP;
	}
	return 0;
}

static void sim_nested_free(struct iommu_domain *domain)
{
	kfree(to_sim_nested(domain));
}

static const struct iommu_domain_ops sim_nested_ops = {
	.attach_dev = sim_attach_dev,
	.cache_invalidate_user = sim_nested_cache_invalidate,
	.free = sim_nested_free,
};

static const struct iommu_domain_ops sim_static_ops = {
	.attach_dev = sim_attach_dev,
};

static struct iommu_domain sim_identity_domain = {
	.type = IOMMU_DOMAIN_IDENTITY,
	.ops = &sim_static_ops,
};

static struct iommu_domain sim_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sim_static_ops,
};

static bool sim_is_paging(struct iommu_domain *domain)
{
	return domain->ops == &sim_paging_ops;
}

static bool sim_is_nested(struct iommu_domain *domain)
{
	return domain->ops == &sim_nested_ops;
}

/* Page table that translates for @domain (paging or nested) */
static struct sim_pt *sim_domain_pt(struct iommu_domain *domain)
{
	if (sim_is_nested(domain))
		return to_sim_nested(domain)->parent;
	return to_sim_pt(domain);
}

static struct sim_pt *sim_pt_alloc(bool dirty)
{
	struct sim_pt *pt;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;
	xa_init(&pt->ptes);
	pt->domain.type = IOMMU_DOMAIN_UNMANAGED;
	pt->domain.ops = &sim_paging_ops;
	if (dirty)
		pt->domain.dirty_ops = &sim_dirty_ops;
	pt->domain.pgsize_bitmap = SIM_IO_PAGE_SIZE;
	pt->domain.geometry.aperture_start = 0;
	pt->domain.geometry.aperture_end = SIM_APERTURE_END;
	pt->domain.geometry.force_aperture = true;
	return pt;
}

static struct iommu_domain *sim_domain_alloc_paging(struct device *dev)
{
	struct sim_pt *pt = sim_pt_alloc(false);

	return pt ? &pt->domain : ERR_PTR(-ENOMEM);
}

static struct iommu_domain *
sim_nested_alloc(u32 flags, struct iommu_domain *parent,
		 const struct iommu_user_data *user_data)
{
	struct acc_sim_iommu_hwpt_nested data;
	struct sim_nested *nested;
	int ret;

	/* The core has taken IOMMU_HWPT_FAULT_ID_VALID out of @flags. */
	if (flags || !user_data)
		return ERR_PTR(-EOPNOTSUPP);
	if (!sim_is_paging(parent) || !to_sim_pt(parent)->nest_parent)
		return ERR_PTR(-EINVAL);
	ret = iommu_copy_struct_from_user(&data, user_data,
					  ACC_SIM_IOMMU_HWPT_DATA_NESTED,
					  __reserved);
	if (ret)
		return ERR_PTR(ret);
	if (data.flags || data.__reserved)
		return ERR_PTR(-EOPNOTSUPP);

	nested = kzalloc(sizeof(*nested), GFP_KERNEL);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	nested->domain.ops = &sim_nested_ops;
	nested->parent = to_sim_pt(parent);
	return &nested->domain;
}

static struct iommu_domain *
sim_domain_alloc_user(struct device *dev, u32 flags,
		      struct iommu_domain *parent,
		      const struct iommu_user_data *user_data)
{
	const u32 paging_flags = IOMMU_HWPT_ALLOC_NEST_PARENT |
				 IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct sim_pt *pt;

	if (parent)
		return sim_nested_alloc(flags, parent, user_data);
	if ((flags & ~paging_flags) || user_data)
		return ERR_PTR(-EOPNOTSUPP);

	pt = sim_pt_alloc(flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	if (!pt)
		return ERR_PTR(-ENOMEM);
	pt->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	return &pt->domain;
}

/* ---- functions -------------------------------------------------------------- */

static void sim_dev_free(struct kref *ref)
{
	struct sim_dev *sd = container_of(ref, struct sim_dev, ref);

	mutex_destroy(&sd->feat_lock);
	kfree(sd);
}

static struct sim_dev *sim_dev_get(struct device *dev)
{
	struct sim_dev *sd;

	spin_lock(&sim_devs_lock);
	list_for_each_entry(sd, &sim_devs, node) {
		if (sd->dev == dev) {
			kref_get(&sd->ref);
			spin_unlock(&sim_devs_lock);
			return sd;
		}
	}
	spin_unlock(&sim_devs_lock);
	return NULL;
}

static void sim_dev_put(struct sim_dev *sd)
{
	kref_put(&sd->ref, sim_dev_free);
}

static struct iommu_device *sim_probe_device(struct device *dev)
{
	struct sim_dev *sd;

	if (!dev_is_pci(dev) ||
	    pci_domain_nr(to_pci_dev(dev)->bus) != ACC_SIM_PCI_DOMAIN)
		return ERR_PTR(-ENODEV);

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return ERR_PTR(-ENOMEM);
	kref_init(&sd->ref);
	sd->dev = dev;
	mutex_init(&sd->feat_lock);
	spin_lock_init(&sd->lock);
	INIT_LIST_HEAD(&sd->waiters);
	atomic64_set(&sd->dma_reads, 0);
	atomic64_set(&sd->dma_writes, 0);
	atomic64_set(&sd->faults, 0);
	atomic64_set(&sd->last_fault_iova, 0);
	atomic64_set(&sd->iopf_reported, 0);
	atomic64_set(&sd->iopf_resolved, 0);

	dev_iommu_priv_set(dev, sd);
	spin_lock(&sim_devs_lock);
	list_add_tail(&sd->node, &sim_devs);
	spin_unlock(&sim_devs_lock);
	return &sim_iommu;
}

/* sd->feat_lock held */
static void sim_iopf_off(struct sim_dev *sd)
{
	spin_lock(&sd->lock);
	sd->iopf_on = false;
	spin_unlock(&sd->lock);
	/* Answers what is still pending with INVALID, waking the waiters. */
	iopf_queue_remove_device(sim_iopfq, sd->dev);
}

static void sim_release_device(struct device *dev)
{
	struct sim_dev *sd = dev_iommu_priv_get(dev);

	mutex_lock(&sd->feat_lock);
	if (sd->iopf_on)
		sim_iopf_off(sd);
	mutex_unlock(&sd->feat_lock);

	spin_lock(&sim_devs_lock);
	list_del(&sd->node);
	spin_unlock(&sim_devs_lock);

	/* The release domain is attached already; make it plain "none". */
	spin_lock(&sd->lock);
	sd->domain = NULL;
	spin_unlock(&sd->lock);
	sim_dev_put(sd);
}

static bool sim_capable(struct device *dev, enum iommu_cap cap)
{
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
	case IOMMU_CAP_DIRTY_TRACKING:
		return true;
	default:
		return false;
	}
}

static int sim_def_domain_type(struct device *dev)
{
	return IOMMU_DOMAIN_IDENTITY;
}

static int sim_dev_enable_feat(struct device *dev, enum iommu_dev_features f)
{
	struct sim_dev *sd = dev_iommu_priv_get(dev);
	int ret;

	if (f != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;

	mutex_lock(&sd->feat_lock);
	if (sd->iopf_on) {
		ret = -EBUSY;
	} else {
		ret = iopf_queue_add_device(sim_iopfq, dev);
		if (!ret) {
			spin_lock(&sd->lock);
			sd->iopf_on = true;
			spin_unlock(&sd->lock);
		}
	}
	mutex_unlock(&sd->feat_lock);
	return ret;
}

static int sim_dev_disable_feat(struct device *dev, enum iommu_dev_features f)
{
	struct sim_dev *sd = dev_iommu_priv_get(dev);
	int ret = 0;

	if (f != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;

	mutex_lock(&sd->feat_lock);
	if (sd->iopf_on)
		sim_iopf_off(sd);
	else
		ret = -EINVAL;
	mutex_unlock(&sd->feat_lock);
	return ret;
}

static void sim_page_response(struct device *dev, struct iopf_fault *evt,
			      struct iommu_page_response *msg)
{
	struct sim_dev *sd = dev_iommu_priv_get(dev);
	struct sim_iopf_wait *w;

	spin_lock(&sd->lock);
	list_for_each_entry(w, &sd->waiters, node) {
		if (w->grpid != msg->grpid)
			continue;
		w->code = msg->code;
		w->answered = true;
		list_del_init(&w->node);
		complete(&w->done);
		break;
	}
	spin_unlock(&sd->lock);
}

static const struct iommu_ops sim_iommu_ops = {
	.capable = sim_capable,
	.domain_alloc_user = sim_domain_alloc_user,
	.domain_alloc_paging = sim_domain_alloc_paging,
	.probe_device = sim_probe_device,
	.release_device = sim_release_device,
	.device_group = generic_device_group,
	.dev_enable_feat = sim_dev_enable_feat,
	.dev_disable_feat = sim_dev_disable_feat,
	.page_response = sim_page_response,
	.def_domain_type = sim_def_domain_type,
	.default_domain_ops = &sim_paging_ops,
	.pgsize_bitmap = SIM_IO_PAGE_SIZE,
	.owner = THIS_MODULE,
	.identity_domain = &sim_identity_domain,
	.blocked_domain = &sim_blocked_domain,
	.release_domain = &sim_blocked_domain,
};

/* ---- the device models' DMA ------------------------------------------- */

/*
 * One access within one IO page through the attached domain. -EAGAIN: a
 * miss that the domain wants reported as a page request.
 */
static int sim_dev_access(struct sim_dev *sd, u64 iova, void *buf,
			  size_t len, bool write)
{
	struct iommu_domain *domain;
	int ret = -EFAULT;

	spin_lock(&sd->lock);
	domain = sd->domain;
	if (domain == &sim_identity_domain) {
		ret = sim_copy_ram(iova, buf, len, write);
	} else if (domain && (sim_is_paging(domain) || sim_is_nested(domain))) {
		ret = sim_pt_access(sim_domain_pt(domain), iova, buf, len,
				    write);
		if (ret == -ENOENT)
			ret = sd->iopf_on && domain->iopf_handler ?
			      -EAGAIN : -EFAULT;
	}
	spin_unlock(&sd->lock);
	return ret;
}

/* sd->lock held. A free PRG index, or -1 if all are waiting. */
static int sim_iopf_grpid(struct sim_dev *sd)
{
	struct sim_iopf_wait *w;
	int tries;

	for (tries = 0; tries <= SIM_PRG_INDEX_MASK; tries++) {
		u32 id = sd->next_grpid++ & SIM_PRG_INDEX_MASK;
		bool busy = false;

		list_for_each_entry(w, &sd->waiters, node)
			busy |= w->grpid == id;
		if (!busy)
			return id;
	}
	return -1;
}

/*
 * Send a one-page request for @iova and wait for the answer, as a PRI
 * capable function would. Returns 0 if the page was made available.
 */
static int sim_iopf(struct sim_dev *sd, u64 iova, bool write)
{
	struct iopf_fault evt = {};
	struct sim_iopf_wait w = {};
	long left;
	int id;

	init_completion(&w.done);
	INIT_LIST_HEAD(&w.node);

	/* Serialised with IOPF off: never report to a removed queue. */
	mutex_lock(&sd->feat_lock);
	spin_lock(&sd->lock);
	id = sd->iopf_on ? sim_iopf_grpid(sd) : -1;
	if (id >= 0) {
		w.grpid = id;
		list_add_tail(&w.node, &sd->waiters);
	}
	spin_unlock(&sd->lock);
	if (id < 0) {
		mutex_unlock(&sd->feat_lock);
		return -EFAULT;
	}

	evt.fault.type = IOMMU_FAULT_PAGE_REQ;
	evt.fault.prm.flags = IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	evt.fault.prm.grpid = w.grpid;
	evt.fault.prm.perm = write ? IOMMU_FAULT_PERM_WRITE :
				     IOMMU_FAULT_PERM_READ;
	evt.fault.prm.addr = iova & ~(u64)SIM_IO_PAGE_MASK;
	atomic64_inc(&sd->iopf_reported);
	/* On failure the core has answered through sim_page_response(). */
	iommu_report_device_fault(sd->dev, &evt);
	mutex_unlock(&sd->feat_lock);

	left = msecs_to_jiffies(READ_ONCE(iopf_timeout_ms));
	left = wait_for_completion_killable_timeout(&w.done, left);

	spin_lock(&sd->lock);
	if (!w.answered)
		list_del(&w.node);
	spin_unlock(&sd->lock);

	if (!w.answered) {
		dev_dbg(sd->dev, "page request for 0x%llx unanswered (%ld)\n",
			iova, left);
		return -EFAULT;
	}
	return w.code == IOMMU_PAGE_RESP_SUCCESS ? 0 : -EFAULT;
}

int acc_sim_iommu_dma(struct device *dev, u64 iova, void *buf, size_t len,
		      bool to_memory)
{
	struct sim_dev *sd;
	u8 *p = buf;
	int ret = 0;

	might_sleep();
	sd = sim_dev_get(dev);
	if (!sd)
		return -ENODEV;

	/* An access that wraps the address space is malformed as a whole. */
	if (len && iova + len - 1 < iova)
		ret = -EFAULT;

	while (!ret && len) {
		size_t n = min_t(size_t, len,
				 SIM_IO_PAGE_SIZE - (iova & SIM_IO_PAGE_MASK));

		ret = sim_dev_access(sd, iova, p, n, to_memory);
		if (ret == -EAGAIN) {
			/* One page request, one retry. */
			ret = sim_iopf(sd, iova, to_memory);
			if (!ret)
				ret = sim_dev_access(sd, iova, p, n, to_memory);
			if (!ret)
				atomic64_inc(&sd->iopf_resolved);
		}
		if (ret)
			break;
		atomic64_add(n, to_memory ? &sd->dma_writes : &sd->dma_reads);
		iova += n;
		p += n;
		len -= n;
	}
	if (ret) {
		ret = -EFAULT;
		atomic64_inc(&sd->faults);
		atomic64_set(&sd->last_fault_iova, iova);
	}
	sim_dev_put(sd);
	return ret;
}
EXPORT_SYMBOL_GPL(acc_sim_iommu_dma);

int acc_sim_iommu_get_stats(struct device *dev,
			    struct acc_sim_iommu_stats *stats)
{
	struct sim_dev *sd = sim_dev_get(dev);

	if (!sd)
		return -ENODEV;
	stats->dma_reads = atomic64_read(&sd->dma_reads);
	stats->dma_writes = atomic64_read(&sd->dma_writes);
	stats->faults = atomic64_read(&sd->faults);
	stats->last_fault_iova = atomic64_read(&sd->last_fault_iova);
	stats->iopf_reported = atomic64_read(&sd->iopf_reported);
	stats->iopf_resolved = atomic64_read(&sd->iopf_resolved);
	sim_dev_put(sd);
	return 0;
}
EXPORT_SYMBOL_GPL(acc_sim_iommu_get_stats);

const char *acc_sim_iommu_domain_desc(struct device *dev)
{
	struct sim_dev *sd = sim_dev_get(dev);
	struct iommu_domain *domain;
	const char *desc = "none";
	struct sim_pt *pt;

	if (!sd)
		return desc;

	spin_lock(&sd->lock);
	domain = sd->domain;
	if (!domain) {
		desc = "none";
	} else if (domain == &sim_identity_domain) {
		desc = "identity";
	} else if (domain == &sim_blocked_domain) {
		desc = "blocked";
	} else if (domain->iopf_handler) {
		desc = "paging+iopf";
	} else {
		pt = sim_domain_pt(domain);
		xa_lock(&pt->ptes);
		desc = pt->dirty_tracking ? "paging+dirty" : "paging";
		xa_unlock(&pt->ptes);
	}
	spin_unlock(&sd->lock);
	sim_dev_put(sd);
	return desc;
}
EXPORT_SYMBOL_GPL(acc_sim_iommu_domain_desc);

/* ---- self-test ------------------------------------------------------------ */

static bool sim_expect(bool ok, const char *what)
{
	if (!ok)
		pr_err("selftest: %s: failed\n", what);
	return ok;
}

/* Which pages read_and_clear_dirty() reports: first..last, or 0..0. */
static void sim_dirty_range(struct sim_pt *pt, unsigned long flags,
			    unsigned long *first, unsigned long *last)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;

	iommu_dirty_bitmap_init(&dirty, NULL, &gather);
	sim_read_and_clear_dirty(&pt->domain, 0, SZ_1M, flags, &dirty);
	*first = gather.end ? gather.start : 0;
	*last = gather.end;
}

/* Page table, permissions, dirty marks and the RAM check, without a bus. */
static int __init sim_selftest(void)
{
	const unsigned long ro = 0x10000, rw = 0x11000, hole = 0x12000;
	unsigned long first, last;
	struct iommu_domain *d;
	struct page *page;
	phys_addr_t phys;
	struct sim_pt *pt;
	char abc[] = "abc", xyz[] = "xyz", tmp[4];
	bool ok = true;
	u8 *va;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pt = sim_pt_alloc(true);
	if (!page || !pt) {
		if (page)
			__free_page(page);
		kfree(pt);
		return -ENOMEM;
	}
	d = &pt->domain;
	phys = page_to_phys(page);
	va = page_address(page);

	ok &= sim_expect(!iommu_map(d, ro, phys, SZ_4K, IOMMU_READ, GFP_KERNEL),
			 "map read-only");
	ok &= sim_expect(!iommu_map(d, rw, phys, SZ_4K,
				    IOMMU_READ | IOMMU_WRITE, GFP_KERNEL),
			 "map read-write");
	ok &= sim_expect(iommu_map(d, rw, phys, SZ_4K, IOMMU_READ,
				   GFP_KERNEL) == -EEXIST, "map twice refused");
	ok &= sim_expect(iommu_iova_to_phys(d, rw + 0x123) == phys + 0x123,
			 "iova_to_phys");
	ok &= sim_expect(!iommu_iova_to_phys(d, hole), "hole not mapped");

	ok &= sim_expect(!sim_pt_access(pt, rw + 8, abc, 3, true) &&
			 !memcmp(va + 8, "abc", 3), "write through rw");
	ok &= sim_expect(sim_pt_access(pt, ro + 16, xyz, 3, true) ==
			 -ENOENT && !va[16], "write through ro refused");
	ok &= sim_expect(!sim_pt_access(pt, ro + 8, tmp, 3, false) &&
			 !memcmp(tmp, "abc", 3), "read through ro");
	ok &= sim_expect(sim_pt_access(pt, hole, tmp, 1, false) == -ENOENT,
			 "read of a hole refused");
	ok &= sim_expect(sim_pt_access(pt, SIM_APERTURE_END + 1, tmp, 1,
				       false) == -EFAULT,
			 "beyond the aperture refused");

	sim_dirty_range(pt, 0, &first, &last);
	ok &= sim_expect(!last, "no dirty page while not tracking");
	sim_set_dirty_tracking(d, true);
	sim_pt_access(pt, ro, tmp, 1, false);
	sim_pt_access(pt, rw + 0xffc, abc, 1, true);
	sim_dirty_range(pt, IOMMU_DIRTY_NO_CLEAR, &first, &last);
	ok &= sim_expect(first == rw && last == rw + SZ_4K - 1,
			 "written page dirty, read page clean");
	sim_dirty_range(pt, 0, &first, &last);
	ok &= sim_expect(first == rw, "NO_CLEAR kept the mark");
	sim_dirty_range(pt, 0, &first, &last);
	ok &= sim_expect(!last, "read_and_clear cleared the mark");
	sim_set_dirty_tracking(d, false);

	ok &= sim_expect(iommu_unmap(d, ro, SZ_8K) == SZ_8K, "unmap");
	ok &= sim_expect(sim_pt_access(pt, rw, tmp, 1, false) == -ENOENT,
			 "unmapped page refused");
	ok &= sim_expect(!sim_copy_ram(phys, tmp, 1, false),
			 "identity read of RAM");
	ok &= sim_expect(sim_copy_ram(0xfee00000, tmp, 1, false) == -EFAULT,
			 "identity read of the MSI window refused");

	iommu_domain_free(d);
	__free_page(page);
	if (!ok)
		return -EINVAL;
	pr_info("selftest passed\n");
	return 0;
}

/* ---- module --------------------------------------------------------------- */

static int __init sim_iommu_init(void)
{
	int ret;

	if (selftest) {
		ret = sim_selftest();
		if (ret)
			return ret;
	}

	sim_iopfq = iopf_queue_alloc(KBUILD_MODNAME);
	if (!sim_iopfq)
		return -ENOMEM;

	ret = iommu_device_sysfs_add(&sim_iommu, NULL, NULL, KBUILD_MODNAME);
	if (ret)
		goto err_queue;

	/*
	 * No fwnode: the core asks this IOMMU about every device without a
	 * firmware-described one, now and on hotplug; probe declines all but
	 * the simulator's functions.
	 */
	ret = iommu_device_register(&sim_iommu, &sim_iommu_ops, NULL);
	if (ret)
		goto err_sysfs;
	return 0;

err_sysfs:
	iommu_device_sysfs_remove(&sim_iommu);
err_queue:
	iopf_queue_free(sim_iopfq);
	return ret;
}
module_init(sim_iommu_init);

static void __exit sim_iommu_exit(void)
{
	/* Every probed function holds a module reference: none is left. */
	iommu_device_unregister(&sim_iommu);
	iommu_device_sysfs_remove(&sim_iommu);
	iopf_queue_free(sim_iopfq);
}
module_exit(sim_iommu_exit);

MODULE_DESCRIPTION("Software IOMMU for the simulated HiSilicon ACC platform");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOMMUFD);
