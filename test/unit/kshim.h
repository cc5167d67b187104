/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types the pure-C sources (acc_mig_stream.c) use, for the
 * userspace unit test and fuzzer that compile them unchanged.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define BIT(n)		(1UL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif
