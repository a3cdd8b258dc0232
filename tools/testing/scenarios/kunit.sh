#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine's KUnit suites: loading dm-mpath-pr-test.ko runs them; print
# their KTAP report for the host's count. Fails unless every case passed,
# and (check.sh) when fewer than 150 cases reported (counted in a run on
# 2026-12-07; README counts more since): a suite that no longer registers
# must not pass as a shorter report. Raise the minimum with the cases.
. "$DMPR_LIB/kunit.sh"
kunit_run --min 174 dm-mpath-pr-test
