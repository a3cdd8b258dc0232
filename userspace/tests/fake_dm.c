// SPDX-License-Identifier: GPL-2.0
/*
 * Fake libdevmapper for the unit tests (see fake_dm.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdevmapper.h>

#include "fake_dm.h"

struct fake_dm fake_dm;

struct fake_task {
	int type;
	char name[128];
	bool by_devt;
	int major, minor;
};

void fake_dm_reset(void)
{
	memset(&fake_dm, 0, sizeof(fake_dm));
	fake_dm.exists = true;
	fake_dm.name = "mpatha";
	fake_dm.uuid = "mpath-3600140512345678";
	fake_dm.major = 253;
	fake_dm.minor = 3;
	fake_dm.type = "multipath";
	fake_dm.params = "0 0 1 1 service-time 0 2 1 8:16 1 8:32 1";
}

struct dm_task *__wrap_dm_task_create(int type);
struct dm_task *__wrap_dm_task_create(int type)
{
	struct fake_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->type = type;
	fake_dm.tasks_open++;
	return (struct dm_task *)t;
}

void __wrap_dm_task_destroy(struct dm_task *dmt);
void __wrap_dm_task_destroy(struct dm_task *dmt)
{
	fake_dm.tasks_open--;
	free(dmt);
}

int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name);
int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name)
{
	snprintf(((struct fake_task *)dmt)->name, 128, "%s", name);
	return 1;
}

int __wrap_dm_task_set_major_minor(struct dm_task *dmt, int major, int minor,
				   int allow_default_major_fallback);
int __wrap_dm_task_set_major_minor(struct dm_task *dmt, int major, int minor,
				   int allow_default_major_fallback)
{
	struct fake_task *t = (struct fake_task *)dmt;

	(void)allow_default_major_fallback;
	t->by_devt = true;
	t->major = major;
	t->minor = minor;
	return 1;
}

int __wrap_dm_task_run(struct dm_task *dmt);
int __wrap_dm_task_run(struct dm_task *dmt)
{
	(void)dmt;
	return !fake_dm.run_fails;
}

static bool matches(const struct fake_task *t)
{
	if (!fake_dm.exists)
		return false;
	if (t->by_devt)
		return (unsigned int)t->major == fake_dm.major &&
		       (unsigned int)t->minor == fake_dm.minor;
	return !strcmp(t->name, fake_dm.name);
}

int __wrap_dm_task_get_info(struct dm_task *dmt, struct dm_info *info);
int __wrap_dm_task_get_info(struct dm_task *dmt, struct dm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->exists = matches((struct fake_task *)dmt);
	if (info->exists) {
		info->major = (int)fake_dm.major;
		info->minor = (int)fake_dm.minor;
		info->target_count = fake_dm.type ? 1 : 0;
	}
	return 1;
}

const char *__wrap_dm_task_get_name(const struct dm_task *dmt);
const char *__wrap_dm_task_get_name(const struct dm_task *dmt)
{
	(void)dmt;
	return fake_dm.name;
}

const char *__wrap_dm_task_get_uuid(const struct dm_task *dmt);
const char *__wrap_dm_task_get_uuid(const struct dm_task *dmt)
{
	(void)dmt;
	return fake_dm.uuid;
}

void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params);
void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params)
{
	(void)dmt;
	*start = 0;
	*length = 1000;
	if (next || !fake_dm.type || !matches((struct fake_task *)dmt)) {
		*target_type = NULL;
		*params = NULL;
		return NULL;
	}
	*target_type = (char *)fake_dm.type;
	*params = (char *)fake_dm.params;
	return NULL;
}
