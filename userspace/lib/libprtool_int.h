/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: declarations shared inside the library (not exported).
 */
#ifndef LIBPRTOOL_INT_H
#define LIBPRTOOL_INT_H

#include <prtool/prtool.h>

#include "pr.h"

/* The PR layer's device behind a library handle. */
struct pr_dev *lpt_pr_dev(struct prtool_dev *dev);

#endif /* LIBPRTOOL_INT_H */
