/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the simulated-platform test tools: failing loudly, the
 * acc_sim debugfs files of the function under test, DMA buffers.
 */
#ifndef SIM_TEST_UTIL_H
#define SIM_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define PAGE		4096UL

/* PCI name of the function under test, e.g. "10000:00:00.1". */
extern const char *sim_pci_name;
/* Called by die() before exiting, if set (undo global changes). */
extern void (*sim_die_cleanup)(void);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void sim_debugfs_path(char *buf, size_t len, const char *file);
/* Write a string to a file; 0 or -errno of the open/write. */
int sim_write_file(const char *path, const char *val);
/* First line of a file, without the newline; dies on error. */
void sim_read_file(const char *path, char *buf, size_t len);
/* Write a command to one of the function's debugfs hooks; 0 or -errno. */
int sim_hook(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A number read from one of the function's debugfs files. */
uint64_t sim_read_u64(const char *file);
/*
 * An acc_mdev mdev: its sysfs path into @sysfs and its backing VF's name
 * into @vf, which becomes sim_pci_name (the debugfs hooks act on the VF).
 */
void mdev_backing_vf(const char *uuid, char *sysfs, size_t sysfs_len,
		     char *vf, size_t vf_len);

/* Zeroed, populated anonymous memory of @pages pages. */
uint8_t *sim_alloc_buf(size_t pages);
void expect_bytes(const uint8_t *p, size_t len, uint8_t v, const char *what);

/* The type1 path opened step by step; only GET_DEVICE_FD may fail (EOPNOTSUPP). */
void vfio_type1_open_refused(const char *sysfs_path, const char *name);

#endif
