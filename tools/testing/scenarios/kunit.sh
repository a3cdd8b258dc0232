#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine's KUnit suites: loading dm-mpath-pr-test.ko runs them; print
# their KTAP report for the host's count. Fails unless every case passed,
# and (check.sh) when fewer than the minimum reported: 229 results in a run
# on 2026-12-08 (195, and the 34 of dm_mpath_pr_sgio): a suite that no
# longer registers must not pass as a shorter report. Raise the minimum
# with the cases.
. "$DMPR_LIB/kunit.sh"
kunit_run --min 229 dm-mpath-pr-test
