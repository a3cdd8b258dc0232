// SPDX-License-Identifier: GPL-2.0
/*
 * The engine under test: its files are compiled into the KUnit module
 * here, once (the engine is not exported by dm-mpath-pr.ko, and Kbuild
 * cannot link one object into two modules), so the tests need nothing but
 * KUnit. The suites (kernel/tests/kunit-*.c) call the engine through
 * engine.h and engine-int.h, like the rest of the module does; the fake
 * target they share is fake.c.
 */

#include <linux/module.h>

#include "../result.c"
#include "../rules.c"
#include "../engine.c"
#include "../events.c"
#include "../fanout.c"
#include "../send.c"
#include "../fence.c"
#include "../register.c"
#include "../reserve.c"
#include "../probe.c"
#include "../sgio-rules.c"

MODULE_DESCRIPTION("KUnit tests of the dm-mpath-pr engine");
MODULE_LICENSE("GPL");
