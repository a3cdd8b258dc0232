#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine's KUnit suites: loading dm-mpath-pr-test.ko runs them; print
# their KTAP report for the host's count. Fails unless every case passed.
. "$DMPR_LIB/kunit.sh"
kunit_run dm-mpath-pr-test
