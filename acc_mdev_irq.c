// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev: interrupts the user sees. The VF's MSI vectors are relayed to
 * the user's eventfds and can be masked at the VF; the error and device
 * request indexes are eventfds the driver signals.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "acc_mdev.h"

static int acc_mdev_msi_count(struct acc_mdev_dev *ad)
{
	int n = pci_msi_vec_count(ad->vf->pdev);

	return n < 0 ? 0 : min(n, ACC_MDEV_MAX_MSI);
}

/* vfio-pci offers the error index on PCIe functions only; so do we. */
static int acc_mdev_irq_count(struct acc_mdev_dev *ad, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_MSI_IRQ_INDEX:
		return acc_mdev_msi_count(ad);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(ad->vf->pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

long acc_mdev_irq_info(struct acc_mdev_dev *ad, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = acc_mdev_irq_count(ad, info.index);
	if (info.index == VFIO_PCI_MSI_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static irqreturn_t acc_mdev_msi_handler(int irq, void *arg)
{
	struct acc_mdev_irq *mi = arg;

	eventfd_signal(mi->trigger);
	return IRQ_HANDLED;
}

static void acc_mdev_vector_free(struct acc_mdev_dev *ad, unsigned int i)
{
	struct acc_mdev_irq *mi = &ad->irqs[i];

	if (!mi->trigger)
		return;
	free_irq(mi->virq, mi);
	irq_clear_status_flags(mi->virq, IRQ_DISABLE_UNLAZY);
	eventfd_ctx_put(mi->trigger);
	mi->trigger = NULL;
}

static int acc_mdev_vector_set(struct acc_mdev_dev *ad, unsigned int i,
			       int fd)
{
	struct acc_mdev_irq *mi = &ad->irqs[i];
	struct eventfd_ctx *trigger;
	unsigned int flags = 0;
	int ret;

	acc_mdev_vector_free(ad, i);
	if (fd < 0)
		return 0;
	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	mi->virq = pci_irq_vector(ad->vf->pdev, i);
	snprintf(mi->name, sizeof(mi->name), "acc_mdev-msi%u(%s)", i,
		 pci_name(ad->vf->pdev));
	mi->trigger = trigger;
	/*
	 * Masking disables the irq; unlazy makes that set the VF's mask bit
	 * at once, so the VF holds the message pending instead of the irq
	 * core dropping or replaying it.
	 */
	irq_set_status_flags(mi->virq, IRQ_DISABLE_UNLAZY);
	if (mi->masked)
		flags = IRQF_NO_AUTOEN;
	ret = request_irq(mi->virq, acc_mdev_msi_handler, flags, mi->name, mi);
	if (ret) {
		irq_clear_status_flags(mi->virq, IRQ_DISABLE_UNLAZY);
		eventfd_ctx_put(trigger);
		mi->trigger = NULL;
	}
	return ret;
}

/* Caller holds state_lock. */
static void __acc_mdev_msi_disable(struct acc_mdev_dev *ad)
{
	unsigned int i;

	if (!ad->num_irqs)
		return;
	for (i = 0; i < ad->num_irqs; i++) {
		acc_mdev_vector_free(ad, i);
		ad->irqs[i].masked = false;
	}
	pci_free_irq_vectors(ad->vf->pdev);
	ad->num_irqs = 0;
}

static void acc_mdev_eventfd_drop(struct eventfd_ctx **trigger)
{
	if (*trigger)
		eventfd_ctx_put(*trigger);
	*trigger = NULL;
}

void acc_mdev_irqs_teardown(struct acc_mdev_dev *ad)
{
	mutex_lock(&ad->state_lock);
	__acc_mdev_msi_disable(ad);
	acc_mdev_eventfd_drop(&ad->err_trigger);
	acc_mdev_eventfd_drop(&ad->req_trigger);
	mutex_unlock(&ad->state_lock);
}

/* Should vector @i of the set be acted on (DATA_NONE: all of them)? */
static bool acc_mdev_irq_selected(struct vfio_irq_set *hdr, const void *data,
				  unsigned int i)
{
	if (hdr->flags & VFIO_IRQ_SET_DATA_BOOL)
		return ((const u8 *)data)[i];
	return true;
}

static int acc_mdev_msi_trigger(struct acc_mdev_dev *ad,
				struct vfio_irq_set *hdr, const void *data)
{
	const s32 *fds = data;
	unsigned int i;
	int ret;

	if ((hdr->flags & VFIO_IRQ_SET_DATA_NONE) && !hdr->count) {
		__acc_mdev_msi_disable(ad);
		return 0;
	}
	if (!(hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		/* Loopback: signal the user's eventfds from here. */
		for (i = 0; i < hdr->count; i++) {
			struct acc_mdev_irq *mi = &ad->irqs[hdr->start + i];

			if (hdr->start + i < ad->num_irqs && mi->trigger &&
			    acc_mdev_irq_selected(hdr, data, i))
				eventfd_signal(mi->trigger);
		}
		return 0;
	}
	if (ad->num_irqs < hdr->start + hdr->count) {
		unsigned int n = hdr->start + hdr->count;

		__acc_mdev_msi_disable(ad);
		ret = pci_alloc_irq_vectors(ad->vf->pdev, n, n, PCI_IRQ_MSI);
		if (ret < 0) {
			dev_err(ad->vdev.dev,
				"enabling %u MSI vectors of VF %s failed (%d)\n",
				n, pci_name(ad->vf->pdev), ret);
			return ret;
		}
		ad->num_irqs = n;
	}
	for (i = 0; i < hdr->count; i++) {
		ret = acc_mdev_vector_set(ad, hdr->start + i, fds[i]);
		if (ret) {
			__acc_mdev_msi_disable(ad);
			return ret;
		}
	}
	return 0;
}

/*
 * Mask or unmask enabled vectors. A masked vector's interrupt stays
 * pending in the VF and reaches the eventfd when it is unmasked.
 */
static int acc_mdev_msi_mask(struct acc_mdev_dev *ad, struct vfio_irq_set *hdr,
			     const void *data, bool mask)
{
	unsigned int i;

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;	/* no irqfd-style unmask */
	if (hdr->start + hdr->count > ad->num_irqs) {
		dev_err(ad->vdev.dev,
			"%s MSI vectors %u-%u: only %u enabled\n",
			mask ? "masking" : "unmasking", hdr->start,
			hdr->start + hdr->count - 1, ad->num_irqs);
		return -EINVAL;
	}
	for (i = 0; i < hdr->count; i++) {
		struct acc_mdev_irq *mi = &ad->irqs[hdr->start + i];

		if (!acc_mdev_irq_selected(hdr, data, i) || mi->masked == mask)
			continue;
		mi->masked = mask;
		if (!mi->trigger)
			continue;	/* applied when a trigger is set */
		if (mask)
			disable_irq(mi->virq);
		else
			enable_irq(mi->virq);
	}
	return 0;
}

/* Error and request: one eventfd each, signalled by the driver. */
static int acc_mdev_ctx_trigger(struct eventfd_ctx **trigger,
				struct vfio_irq_set *hdr, const void *data)
{
	struct eventfd_ctx *ctx = NULL;
	s32 fd;

	if (!(hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		if (!hdr->count)
			acc_mdev_eventfd_drop(trigger);
		else if (*trigger && acc_mdev_irq_selected(hdr, data, 0))
			eventfd_signal(*trigger);
		return 0;
	}
	fd = *(const s32 *)data;
	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	acc_mdev_eventfd_drop(trigger);
	*trigger = ctx;
	return 0;
}

long acc_mdev_set_irqs(struct acc_mdev_dev *ad, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	u32 action;
	int max, ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;
	max = hdr.index < VFIO_PCI_NUM_IRQS ?
	      acc_mdev_irq_count(ad, hdr.index) : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, max, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	/* Only "disable" (DATA_NONE) may name no vector. */
	if (!hdr.count && !(hdr.flags & VFIO_IRQ_SET_DATA_NONE))
		return -EINVAL;
	if (!max ||
	    (action != VFIO_IRQ_SET_ACTION_TRIGGER &&
	     hdr.index != VFIO_PCI_MSI_IRQ_INDEX))
		return -EINVAL;
	if (data_size) {
		data = memdup_user((void __user *)(arg + minsz), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&ad->state_lock);
	switch (hdr.index) {
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			ret = acc_mdev_msi_trigger(ad, &hdr, data);
		else
			ret = acc_mdev_msi_mask(ad, &hdr, data,
						action == VFIO_IRQ_SET_ACTION_MASK);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		ret = acc_mdev_ctx_trigger(&ad->err_trigger, &hdr, data);
		break;
	default:
		ret = acc_mdev_ctx_trigger(&ad->req_trigger, &hdr, data);
		break;
	}
	mutex_unlock(&ad->state_lock);
	kfree(data);
	return ret;
}

/* The VF reported an error (AER): tell the user, as vfio-pci does. */
void acc_mdev_error_notify(struct acc_mdev_dev *ad)
{
	mutex_lock(&ad->state_lock);
	if (ad->err_trigger)
		eventfd_signal(ad->err_trigger);
	else
		dev_warn(ad->vdev.dev,
			 "VF %s reported an error; the user has no error eventfd\n",
			 pci_name(ad->vf->pdev));
	mutex_unlock(&ad->state_lock);
}

/* Called by the vfio core on removal while the device is open. */
void acc_mdev_request_notify(struct acc_mdev_dev *ad, unsigned int count)
{
	mutex_lock(&ad->state_lock);
	if (ad->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(ad->vdev.dev,
					       "relaying device request to user (#%u)\n",
					       count);
		eventfd_signal(ad->req_trigger);
	} else if (count == 0) {
		dev_notice(ad->vdev.dev,
			   "no device request channel, blocked until released by user\n");
	}
	mutex_unlock(&ad->state_lock);
}
