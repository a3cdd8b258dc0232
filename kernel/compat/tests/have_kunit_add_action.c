// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit deferred actions, kunit_add_action_or_reset(), were added in v6.5,
 * ("kunit: Add kunit_add_action() to defer a call until
 * test exit").
 */
#include <kunit/test.h>
#include <kunit/resource.h>

static void probe_action(void *data)
{
}

static __maybe_unused int probe(struct kunit *test)
{
	return kunit_add_action_or_reset(test, probe_action, NULL);
}
