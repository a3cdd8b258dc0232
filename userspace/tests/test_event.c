// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the module's notifications as prtool monitor and prtool
 * daemon print them (text and JSON, the JSON read back by a parser), and
 * the kernel uevents the daemon follows.
 */
#include "test_util.h"

#include <errno.h>
#include <stdint.h>

#include "event.h"
#include "jsonp.h"
#include "uevent.h"

static struct mpr_event *ev;

static int setup(void **state)
{
	(void)state;
	ev = calloc(1, sizeof(*ev));
	assert_non_null(ev);
	ev->major = 253;
	ev->minor = 3;
	strcpy(ev->name, "dm-3");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ev);
	return 0;
}

static void add_path(uint32_t minor, const char *name, bool has_result,
		     int32_t result, uint64_t latency)
{
	struct mpr_event_path *p = &ev->paths[ev->nr_paths++];

	p->major = 8;
	p->minor = minor;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	p->has_result = has_result;
	p->result = result;
	p->has_latency = latency != 0;
	p->latency_us = latency;
}

/* The text line of ev, for map @map. */
static char *text(const char *map)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	mpr_event_text(f, ev, map);
	fclose(f);
	return buf;
}

/* ev as JSON, parsed; exactly one line. */
static struct jv *json(const char *map)
{
	char *buf = NULL, why[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jv *doc;

	assert_non_null(f);
	mpr_event_json(f, ev, map);
	fclose(f);
	assert_true(len > 1);
	assert_int_equal(buf[len - 1], '\n');
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
	doc = jv_parse(buf, why, sizeof(why));
	if (!doc)
		fail_msg("%s: %s", why, buf);
	free(buf);
	return doc;
}

#define assert_text(map, want)                                               \
	do {                                                                 \
		char *t_ = text(map);                                        \
		assert_string_equal(t_, want);                               \
		free(t_);                                                    \
	} while (0)

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mpr_event_name(DM_MPATH_PR_CMD_PATH_REGISTERED),
			    "path-registered");
	assert_string_equal(mpr_event_name(DM_MPATH_PR_CMD_DETACHED),
			    "detached");
	assert_string_equal(mpr_event_name(DM_MPATH_PR_CMD_GET), "unknown");
	assert_string_equal(mpr_event_name(200), "unknown");
	assert_string_equal(mpr_op_name(DM_MPATH_PR_OP_PREEMPT_ABORT),
			    "preempt-abort");
	assert_string_equal(mpr_op_name(DM_MPATH_PR_OP_READ_RESERVATION),
			    "read-reservation");
	assert_string_equal(mpr_op_name(0), "unknown");
	assert_string_equal(mpr_op_name(99), "unknown");
}

static void test_path_events_text(void **state)
{
	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_PATH_REGISTERED;
	ev->has_key = true;
	ev->key = 0x123abc;
	add_path(16, "sdb", false, 0, 0);
	assert_text("mpatha", "path-registered mpatha (dm-3, 253:3): path sdb "
			      "(8:16), key 0x123abc\n");
	/* Unknown map: the kernel name. */
	assert_text(NULL, "path-registered dm-3 (253:3): path sdb (8:16), key "
			  "0x123abc\n");

	ev->cmd = DM_MPATH_PR_CMD_PATH_FAILED;
	ev->has_key = false;
	ev->paths[0].has_result = true;
	ev->paths[0].result = 0x10000;
	assert_text("mpatha", "path-failed mpatha (dm-3, 253:3): path sdb "
			      "(8:16), result: path failed (no connection to "
			      "the target)\n");
	/* A result by name, errno too; a path without a name by number. */
	ev->cmd = DM_MPATH_PR_CMD_PATH_UNREGISTERED;
	ev->paths[0].result = -EIO;
	ev->paths[0].name[0] = '\0';
	assert_text("mpatha", "path-unregistered mpatha (dm-3, 253:3): path "
			      "8:16, result: Input/output error\n");
}

static void test_path_event_json(void **state)
{
	const struct jv *p, *r;
	struct jv *doc;

	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_PATH_RESTORED;
	add_path(32, "sdc", true, 0, 0);
	doc = json("mpatha");
	assert_string_equal(jv_get_string(doc, "event"), "path-restored");
	assert_string_equal(jv_get_string(doc, "device"), "dm-3");
	assert_string_equal(jv_get_string(doc, "map"), "mpatha");
	assert_string_equal(jv_get(doc, "major")->text, "253");
	assert_null(jv_get(doc, "key"));
	p = jv_get(doc, "paths")->child;
	assert_string_equal(jv_get_string(p, "name"), "sdc");
	assert_string_equal(jv_get(p, "minor")->text, "32");
	r = jv_get(p, "result");
	assert_string_equal(jv_get(r, "code")->text, "0");
	assert_string_equal(jv_get_string(r, "name"), "success");
	assert_null(p->next);
	jv_free(doc);

	/* Map unknown: null. */
	doc = json(NULL);
	assert_int_equal(jv_get(doc, "map")->type, JV_NULL);
	jv_free(doc);
}

static void test_reservation_changed(void **state)
{
	const struct jv *res, *h;
	struct jv *doc;

	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_RESERVATION_CHANGED;
	ev->has_key = true;
	ev->key = 0xfeed;
	ev->has_res_type = true;
	ev->res_type = 3;
	ev->has_holder = true;
	ev->holder_major = 8;
	ev->holder_minor = 48;
	assert_text("mpatha", "reservation-changed mpatha (dm-3, 253:3): key "
			      "0xfeed, reservation write-exclusive-reg-only "
			      "held via 8:48\n");
	add_path(48, "sdd", false, 0, 0);
	assert_text("mpatha", "reservation-changed mpatha (dm-3, 253:3): key "
			      "0xfeed, reservation write-exclusive-reg-only "
			      "held via sdd (8:48)\n");
	doc = json("mpatha");
	assert_string_equal(jv_get_string(doc, "key"), "0xfeed");
	res = jv_get(doc, "reservation");
	assert_string_equal(jv_get_string(res, "type"),
			    "write-exclusive-reg-only");
	assert_string_equal(jv_get(res, "type_value")->text, "3");
	h = jv_get(res, "holder");
	assert_string_equal(jv_get_string(h, "name"), "sdd");
	assert_string_equal(jv_get(h, "minor")->text, "48");
	jv_free(doc);

	ev->res_type = 0;
	ev->has_holder = false;
	ev->key = 0;
	assert_text("mpatha", "reservation-changed mpatha (dm-3, 253:3): no "
			      "key, no reservation\n");
	doc = json("mpatha");
	assert_int_equal(jv_get(doc, "reservation")->type, JV_NULL);
	assert_int_equal(jv_get(doc, "key")->type, JV_NULL);
	jv_free(doc);
}

static void test_preempted(void **state)
{
	struct jv *doc;

	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_PREEMPTED;
	ev->has_key = true;
	ev->key = 0xabc;
	assert_text("mpatha", "preempted mpatha (dm-3, 253:3): key 0xabc is "
			      "gone from the device: this host was preempted "
			      "(fenced); paths are no longer registered\n");
	doc = json("mpatha");
	assert_string_equal(jv_get_string(doc, "event"), "preempted");
	assert_string_equal(jv_get_string(doc, "key"), "0xabc");
	assert_int_equal(jv_get(doc, "paths")->type, JV_ARRAY);
	assert_null(jv_get(doc, "paths")->child);
	jv_free(doc);
}

static void test_op_done(void **state)
{
	const struct jv *p;
	struct jv *doc;

	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_OP_DONE;
	ev->has_op = true;
	ev->op = DM_MPATH_PR_OP_REGISTER;
	ev->has_key = true;
	ev->key = 0x1234abcd;
	ev->has_result = true;
	ev->result = 0;
	ev->has_latency = true;
	ev->latency_us = 1234;
	add_path(16, "sdb", true, 0, 600);
	add_path(32, "sdc", true, 0x10000, 3000);
	assert_text("mpatha", "op-done mpatha (dm-3, 253:3): register key "
			      "0x1234abcd, result: success, 1234 us; paths: "
			      "sdb (8:16) success 600 us, sdc (8:32) path "
			      "failed (no connection to the target) 3000 us\n");
	doc = json("mpatha");
	assert_string_equal(jv_get_string(doc, "op"), "register");
	assert_string_equal(jv_get_string(jv_get(doc, "result"), "name"),
			    "success");
	assert_string_equal(jv_get(doc, "latency_us")->text, "1234");
	p = jv_get(doc, "paths")->child;
	assert_string_equal(jv_get(p, "latency_us")->text, "600");
	p = p->next;
	assert_string_equal(jv_get(jv_get(p, "result"), "code")->text,
			    "65536");
	assert_string_equal(jv_get_string(jv_get(p, "result"), "name"),
			    "path failed (no connection to the target)");
	assert_null(jv_get(doc, "truncated"));
	jv_free(doc);

	/* A conflict, by name. */
	ev->op = DM_MPATH_PR_OP_RESERVE;
	ev->has_key = false;
	ev->result = 0x18;
	ev->nr_paths = 0;
	assert_text("mpatha", "op-done mpatha (dm-3, 253:3): reserve, result: "
			      "Reservation conflict, 1234 us\n");
	ev->truncated = true;
	doc = json("mpatha");
	assert_true(jv_get(doc, "truncated")->boolean);
	jv_free(doc);
}

static void test_detached(void **state)
{
	struct jv *doc;

	(void)state;
	ev->cmd = DM_MPATH_PR_CMD_DETACHED;
	assert_text(NULL, "detached dm-3 (253:3)\n");
	ev->name[0] = '\0';
	assert_text(NULL, "detached ? (253:3)\n");
	doc = json(NULL);
	assert_int_equal(jv_get(doc, "device")->type, JV_NULL);
	jv_free(doc);
}

/* ---- uevents ------------------------------------------------------------ */

/* A kernel uevent from "ACTION@DEVPATH|KEY=VAL|..." ('|' becomes NUL). */
static size_t mk(char *buf, const char *spec)
{
	size_t n = strlen(spec) + 1, i;

	memcpy(buf, spec, n);
	for (i = 0; i < n; i++)
		if (buf[i] == '|')
			buf[i] = '\0';
	return n;
}

static void test_uevent_dm_path_failed(void **state)
{
	struct uevent ue;
	char buf[1024];
	size_t n;

	(void)state;
	n = mk(buf, "change@/devices/virtual/block/dm-3|ACTION=change|"
		    "DEVPATH=/devices/virtual/block/dm-3|SUBSYSTEM=block|"
		    "DM_TARGET=multipath|DM_ACTION=PATH_FAILED|DM_SEQNUM=1|"
		    "DM_PATH=8:32|DM_NR_VALID_PATHS=3|DM_NAME=mpatha|"
		    "DM_UUID=mpath-3600140512345678|MAJOR=253|MINOR=3|"
		    "DEVNAME=dm-3|DEVTYPE=disk|SEQNUM=4242");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_string_equal(ue.action, "change");
	assert_string_equal(ue.devname, "dm-3");
	assert_true(ue.has_devt);
	assert_int_equal(ue.major, 253);
	assert_int_equal(ue.minor, 3);
	assert_string_equal(ue.dm_action, "PATH_FAILED");
	assert_true(ue.has_dm_path);
	assert_int_equal(ue.dm_path_major, 8);
	assert_int_equal(ue.dm_path_minor, 32);
	assert_string_equal(ue.dm_name, "mpatha");
	assert_string_equal(ue.dm_uuid, "mpath-3600140512345678");
	assert_int_equal(uevent_classify(&ue), UEVENT_PATH_FAILED);

	n = mk(buf, "change@/devices/virtual/block/dm-3|ACTION=change|"
		    "DEVPATH=/devices/virtual/block/dm-3|SUBSYSTEM=block|"
		    "DM_ACTION=PATH_REINSTATED|DM_PATH=8:32|MAJOR=253|"
		    "MINOR=3|DEVNAME=dm-3|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_PATH_REINSTATED);

	/* A path event without a usable DM_PATH is nothing to relay. */
	n = mk(buf, "change@/d|ACTION=change|DEVPATH=/d|SUBSYSTEM=block|"
		    "DM_ACTION=PATH_FAILED|DM_PATH=sdc|MAJOR=253|MINOR=3|"
		    "DEVNAME=dm-3|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_false(ue.has_dm_path);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
	/* Another dm action (not a path event) is not a reload either. */
	n = mk(buf, "change@/d|ACTION=change|DEVPATH=/d|SUBSYSTEM=block|"
		    "DM_ACTION=SOMETHING|DM_PATH=8:1|MAJOR=253|MINOR=3|"
		    "DEVNAME=dm-3|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
}

static void test_uevent_map_and_disk(void **state)
{
	struct uevent ue;
	char buf[1024];
	size_t n;

	(void)state;
	/* A resume after a table load; MINOR before MAJOR is fine. */
	n = mk(buf, "change@/devices/virtual/block/dm-4|ACTION=change|"
		    "DEVPATH=/devices/virtual/block/dm-4|SUBSYSTEM=block|"
		    "DM_COOKIE=4194304|MINOR=4|MAJOR=253|DEVNAME=dm-4|"
		    "DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_true(ue.has_devt);
	assert_int_equal(ue.minor, 4);
	assert_int_equal(uevent_classify(&ue), UEVENT_MAP_CHANGED);
	n = mk(buf, "add@/devices/virtual/block/dm-4|ACTION=add|"
		    "DEVPATH=/devices/virtual/block/dm-4|SUBSYSTEM=block|"
		    "MAJOR=253|MINOR=4|DEVNAME=dm-4|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_MAP_CHANGED);
	n = mk(buf, "remove@/d|ACTION=remove|DEVPATH=/d|SUBSYSTEM=block|"
		    "MAJOR=253|MINOR=4|DEVNAME=dm-4|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);

	/* A new SCSI disk. */
	n = mk(buf, "add@/devices/platform/host3/session1/target3:0:0/"
		    "3:0:0:1/block/sdf|ACTION=add|DEVPATH=/devices/platform/"
		    "host3/session1/target3:0:0/3:0:0:1/block/sdf|"
		    "SUBSYSTEM=block|MAJOR=8|MINOR=80|DEVNAME=sdf|"
		    "DEVTYPE=disk|DISKSEQ=12|SEQNUM=3001");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_DISK_ADDED);
	/* Its partition, its change, another kind of disk: nothing. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=block|MAJOR=8|"
		    "MINOR=81|DEVNAME=sdf1|DEVTYPE=partition");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
	n = mk(buf, "change@/d|ACTION=change|DEVPATH=/d|SUBSYSTEM=block|"
		    "MAJOR=8|MINOR=80|DEVNAME=sdf|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=block|MAJOR=7|"
		    "MINOR=0|DEVNAME=loop0|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
	/* Not a block device. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=scsi|"
		    "DEVTYPE=scsi_device");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
	/* No device number. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=block|MAJOR=8|"
		    "DEVNAME=sdg|DEVTYPE=disk");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_false(ue.has_devt);
	assert_int_equal(uevent_classify(&ue), UEVENT_IGNORE);
}

static void test_uevent_rejects(void **state)
{
	struct uevent ue;
	char buf[256];
	size_t n;

	(void)state;
	/* udev's messages. */
	memcpy(buf, "libudev\0\xfe\xed\xca\xfe", 12);
	assert_int_equal(uevent_parse(buf, 12, &ue), -EINVAL);
	/* No header. */
	n = mk(buf, "ACTION=add|DEVPATH=/d|SUBSYSTEM=block");
	assert_int_equal(uevent_parse(buf, n, &ue), -EINVAL);
	/* Missing SUBSYSTEM. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d");
	assert_int_equal(uevent_parse(buf, n, &ue), -EINVAL);
	/* Not NUL-terminated. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=block");
	assert_int_equal(uevent_parse(buf, n - 1, &ue), -EINVAL);
	assert_int_equal(uevent_parse(buf, 0, &ue), -EINVAL);
	/* Long values are cut, not overflowed. */
	n = mk(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=block|"
		    "DEVTYPE=0123456789abcdefghijklmnopqrstuvwxyz");
	assert_int_equal(uevent_parse(buf, n, &ue), 0);
	assert_string_equal(ue.devtype, "0123456789abcde");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_names),
		T(test_path_events_text),
		T(test_path_event_json),
		T(test_reservation_changed),
		T(test_preempted),
		T(test_op_done),
		T(test_detached),
		T(test_uevent_dm_path_failed),
		T(test_uevent_map_and_disk),
		T(test_uevent_rejects),
	};

	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
