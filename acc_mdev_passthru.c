// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: what the user sees of the VF: virtualized config space, BAR
 * regions (BAR2 limited to its functional window) and reset.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "acc_mdev.h"

/* Size the user sees for a BAR: BAR2 never shows the migration window. */
static u64 acc_mdev_bar_size(struct acc_mdev_dev *ad, int bar)
{
	struct pci_dev *vf = ad->vf->pdev;

	if (bar != ACC_QM_BAR)
		return 0;	/* the QM VF implements BAR2 only */
	if (!(pci_resource_flags(vf, bar) & IORESOURCE_MEM))
		return 0;
	return min_t(u64, pci_resource_len(vf, bar), ACC_QM_FUNC_SIZE);
}

void acc_mdev_config_init(struct acc_mdev_dev *ad)
{
	struct pci_dev *vf = ad->vf->pdev;
	__le32 *cfg = (__le32 *)ad->config;
	int i;

	mutex_lock(&ad->state_lock);
	for (i = 0; i < PCI_CFG_SPACE_SIZE / 4; i++) {
		u32 v;

		pci_read_config_dword(vf, i * 4, &v);
		cfg[i] = cpu_to_le32(v);
	}
	/* A VF reads 0xffff here; present the IDs as vfio-pci does. */
	*(__le16 *)&ad->config[PCI_VENDOR_ID] = cpu_to_le16(vf->vendor);
	*(__le16 *)&ad->config[PCI_DEVICE_ID] = cpu_to_le16(vf->device);
	*(__le16 *)&ad->config[PCI_COMMAND] = 0;
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u64 size = acc_mdev_bar_size(ad, i);
		u32 flags = 0;

		ad->bar_mask[i] = 0;
		if (size) {
			flags = PCI_BASE_ADDRESS_SPACE_MEMORY;
			if (pci_resource_flags(vf, i) & IORESOURCE_PREFETCH)
				flags |= PCI_BASE_ADDRESS_MEM_PREFETCH;
			ad->bar_mask[i] = ~((u32)size - 1) &
					  PCI_BASE_ADDRESS_MEM_MASK;
		}
		cfg[PCI_BASE_ADDRESS_0 / 4 + i] = cpu_to_le32(flags);
	}
	cfg[PCI_ROM_ADDRESS / 4] = 0;
	mutex_unlock(&ad->state_lock);
}

/* Capability IDs and next pointers are read-only, as on the device. */
static bool acc_mdev_cap_header(struct acc_mdev_dev *ad, unsigned int off)
{
	unsigned int pos = ad->config[PCI_CAPABILITY_LIST] & ~3;
	int ttl = 48;

	while (pos >= PCI_STD_HEADER_SIZEOF && ttl--) {
		if (off == pos || off == pos + 1)
			return true;
		pos = ad->config[pos + 1] & ~3;
	}
	return false;
}

static void acc_mdev_config_write_byte(struct acc_mdev_dev *ad,
				       unsigned int off, u8 val)
{
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 24) {
		int bar = (off - PCI_BASE_ADDRESS_0) / 4;
		unsigned int shift = (off & 3) * 8;
		__le32 *reg = (__le32 *)&ad->config[PCI_BASE_ADDRESS_0 +
							    bar * 4];
		u32 v = le32_to_cpu(*reg);
		u32 flags = v & ~PCI_BASE_ADDRESS_MEM_MASK;

		v &= ~(0xffU << shift);
		v |= (u32)val << shift;
		v = (v & ad->bar_mask[bar]) | flags;
		*reg = cpu_to_le32(v);
		return;
	}
	if (off == PCI_COMMAND) {
		ad->config[off] = val & (PCI_COMMAND_MEMORY |
					 PCI_COMMAND_MASTER);
		return;
	}
	if (off == PCI_COMMAND + 1) {
		ad->config[off] = val & (PCI_COMMAND_INTX_DISABLE >> 8);
		return;
	}
	/* Interrupt line and the capability area are scratch for the user. */
	if (off == PCI_INTERRUPT_LINE ||
	    (off >= PCI_STD_HEADER_SIZEOF && !acc_mdev_cap_header(ad, off)))
		ad->config[off] = val;
}

static ssize_t acc_mdev_config_rw(struct acc_mdev_dev *ad, char __user *buf,
				  size_t count, loff_t pos, bool write)
{
	struct pci_dev *vf = ad->vf->pdev;
	u8 tmp[PCI_CFG_SPACE_SIZE];
	size_t i;

	if (pos >= PCI_CFG_SPACE_SIZE || count > PCI_CFG_SPACE_SIZE - pos)
		return -EINVAL;
	if (write && copy_from_user(tmp, buf, count))
		return -EFAULT;

	mutex_lock(&ad->state_lock);
	if (write) {
		u16 cmd, old = le16_to_cpu(*(__le16 *)&ad->config[PCI_COMMAND]);

		for (i = 0; i < count; i++)
			acc_mdev_config_write_byte(ad, pos + i, tmp[i]);
		cmd = le16_to_cpu(*(__le16 *)&ad->config[PCI_COMMAND]);
		if ((cmd ^ old) & PCI_COMMAND_MASTER) {
			if (cmd & PCI_COMMAND_MASTER)
				pci_set_master(vf);
			else
				pci_clear_master(vf);
		}
	} else {
		memcpy(tmp, &ad->config[pos], count);
	}
	mutex_unlock(&ad->state_lock);

	if (!write && copy_to_user(buf, tmp, count))
		return -EFAULT;
	return count;
}

static ssize_t acc_mdev_bar_rw(struct acc_mdev_dev *ad, char __user *buf,
			       size_t count, loff_t pos, bool write)
{
	size_t done = 0;

	if (!acc_mdev_bar_size(ad, ACC_QM_BAR) ||
	    pos >= ACC_QM_FUNC_SIZE || count > ACC_QM_FUNC_SIZE - pos)
		return -EINVAL;

	while (done < count) {
		loff_t off = pos + done;
		size_t n = 1;
		u32 val = 0;
		int ret;

		if (count - done >= 4 && !(off & 3))
			n = 4;
		else if (count - done >= 2 && !(off & 1))
			n = 2;
		/* User copies outside memory_lock: @buf may be our mmap. */
		if (write) {
			if (copy_from_user(&val, buf + done, n))
				return -EFAULT;
			down_read(&ad->memory_lock);
			ret = acc_qm_vf_write(&ad->qm, off, &val, n);
			up_read(&ad->memory_lock);
		} else {
			down_read(&ad->memory_lock);
			ret = acc_qm_vf_read(&ad->qm, off, &val, n);
			up_read(&ad->memory_lock);
			if (!ret && copy_to_user(buf + done, &val, n))
				return -EFAULT;
		}
		if (ret)
			return ret;
		done += n;
	}
	return done;
}

ssize_t acc_mdev_rw(struct acc_mdev_dev *ad, char __user *buf, size_t count,
		    loff_t *ppos, bool write)
{
	unsigned int index = ACC_MDEV_OFF_TO_INDEX(*ppos);
	loff_t pos = *ppos & ACC_MDEV_OFF_MASK;
	ssize_t ret;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		ret = acc_mdev_config_rw(ad, buf, count, pos, write);
	else if (index == VFIO_PCI_BAR0_REGION_INDEX + ACC_QM_BAR)
		ret = acc_mdev_bar_rw(ad, buf, count, pos, write);
	else
		ret = -EINVAL;
	if (ret > 0)
		*ppos += ret;
	return ret;
}

/*
 * BAR2 pages are inserted on fault rather than at mmap time, so that reset
 * (and later migration) can take them away from every mapping and make the
 * user's next access wait for the device.
 */
static vm_fault_t acc_mdev_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct acc_mdev_dev *ad = vma->vm_private_data;
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) & ACC_MDEV_OFF_MASK;
	unsigned long pfn;
	vm_fault_t ret;

	off += vmf->address - vma->vm_start;
	pfn = (pci_resource_start(ad->vf->pdev, ACC_QM_BAR) + off) >>
	      PAGE_SHIFT;
	down_read(&ad->memory_lock);
	ret = vmf_insert_pfn(vma, vmf->address, pfn);
	up_read(&ad->memory_lock);
	return ret;
}

static const struct vm_operations_struct acc_mdev_mmap_ops = {
	.fault = acc_mdev_mmap_fault,
};

int acc_mdev_mmap(struct acc_mdev_dev *ad, struct vm_area_struct *vma)
{
	unsigned int index = vma->vm_pgoff >>
			     (ACC_MDEV_OFF_SHIFT - PAGE_SHIFT);
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) & ACC_MDEV_OFF_MASK;
	u64 len = vma->vm_end - vma->vm_start;

	if (index != VFIO_PCI_BAR0_REGION_INDEX + ACC_QM_BAR ||
	    !acc_mdev_bar_size(ad, ACC_QM_BAR))
		return -EINVAL;
	if (off >= ACC_QM_FUNC_SIZE || len > ACC_QM_FUNC_SIZE - off)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	vma->vm_private_data = ad;
	vma->vm_ops = &acc_mdev_mmap_ops;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/*
 * Take BAR2's pages out of every user mapping and hold off faults and
 * region accesses until acc_mdev_bar_unblock(). The device file's mapping
 * (vfio_device.inode, as vfio-pci uses it) covers all mmaps of the device.
 */
void acc_mdev_bar_block(struct acc_mdev_dev *ad)
{
	down_write(&ad->memory_lock);
	unmap_mapping_range(ad->vdev.inode->i_mapping,
			    ACC_MDEV_INDEX_TO_OFF(VFIO_PCI_BAR0_REGION_INDEX +
						  ACC_QM_BAR),
			    ACC_QM_FUNC_SIZE, true);
}

void acc_mdev_bar_unblock(struct acc_mdev_dev *ad)
{
	up_write(&ad->memory_lock);
}

long acc_mdev_region_info(struct acc_mdev_dev *ad, unsigned long arg)
{
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.offset = ACC_MDEV_INDEX_TO_OFF(info.index);
	info.size = 0;
	info.flags = 0;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = PCI_CFG_SPACE_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		info.size = acc_mdev_bar_size(ad, info.index);
		if (!info.size)
			break;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP;
		if (info.index == ACC_QM_BAR) {
			struct vfio_region_info_cap_sparse_mmap *sparse;
			size_t sz = struct_size(sparse, areas, 1);

			sparse = kzalloc(sz, GFP_KERNEL);
			if (!sparse)
				return -ENOMEM;
			sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
			sparse->header.version = 1;
			sparse->nr_areas = 1;
			sparse->areas[0].offset = 0;
			sparse->areas[0].size = info.size;
			ret = vfio_info_add_capability(&caps, &sparse->header,
						       sz);
			kfree(sparse);
			if (ret)
				return ret;
		}
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
	case VFIO_PCI_VGA_REGION_INDEX:
		break;
	default:
		return -EINVAL;
	}

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user((void __user *)arg + sizeof(info),
					 caps.buf, caps.size))
				ret = -EFAULT;
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
		if (ret)
			return ret;
		minsz = sizeof(info);
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

int acc_mdev_reset(struct acc_mdev_dev *ad)
{
	int ret;

	/* No migration arc may touch the VF meanwhile. */
	mutex_lock(&ad->mig.lock);
	acc_mdev_bar_block(ad);
	/* Not pci_reset_function(): VF removal holds the VF's lock. */
	ret = pci_try_reset_function(ad->vf->pdev);
	acc_mdev_bar_unblock(ad);
	/* A reset VF is a running one with no migration under way. */
	if (!ret)
		acc_mdev_mig_reset_done(ad);
	mutex_unlock(&ad->mig.lock);
	/* -EAGAIN: the VF is locked, e.g. being unbound; the caller decides. */
	if (ret && ret != -EAGAIN)
		dev_err(ad->vdev.dev, "resetting VF %s failed (%d)\n",
			pci_name(ad->vf->pdev), ret);
	return ret;
}
