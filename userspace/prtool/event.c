// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: names and output of the module's notifications.
 *
 * Text: "EVENT MAP (DEV, MAJ:MIN): details", one line per notification.
 * JSON: one object per line with the same content; "paths" is always an
 * array (one element for a path event, one per path for op-done), results
 * are {"code": N, "name": "..."} objects, keys "0x..." strings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "json.h"
#include "parse.h"
#include "prtool.h"
#include "status.h"

const char *mpr_event_name(uint8_t cmd)
{
	switch (cmd) {
	case DM_MPATH_PR_CMD_PATH_REGISTERED:
		return "path-registered";
	case DM_MPATH_PR_CMD_PATH_UNREGISTERED:
		return "path-unregistered";
	case DM_MPATH_PR_CMD_PATH_FAILED:
		return "path-failed";
	case DM_MPATH_PR_CMD_PATH_RESTORED:
		return "path-restored";
	case DM_MPATH_PR_CMD_RESERVATION_CHANGED:
		return "reservation-changed";
	case DM_MPATH_PR_CMD_PREEMPTED:
		return "preempted";
	case DM_MPATH_PR_CMD_OP_DONE:
		return "op-done";
	case DM_MPATH_PR_CMD_DETACHED:
		return "detached";
	default:
		return "unknown";
	}
}

const char *mpr_op_name(uint32_t op)
{
	static const char *const names[] = {
		[DM_MPATH_PR_OP_REGISTER] = "register",
		[DM_MPATH_PR_OP_REGISTER_IGNORE] = "register-ignore",
		[DM_MPATH_PR_OP_RESERVE] = "reserve",
		[DM_MPATH_PR_OP_RELEASE] = "release",
		[DM_MPATH_PR_OP_PREEMPT] = "preempt",
		[DM_MPATH_PR_OP_PREEMPT_ABORT] = "preempt-abort",
		[DM_MPATH_PR_OP_CLEAR] = "clear",
		[DM_MPATH_PR_OP_READ_KEYS] = "read-keys",
		[DM_MPATH_PR_OP_READ_RESERVATION] = "read-reservation",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "unknown";
}

static const char *type_name(uint32_t type)
{
	const struct pr_type_desc *t = pr_type_by_value(type);

	return t ? t->name : "unknown";
}

/* The path of @ev with this device number, for a name. */
static const struct mpr_event_path *ev_path(const struct mpr_event *ev,
					    uint32_t major, uint32_t minor)
{
	unsigned int i;

	for (i = 0; i < ev->nr_paths; i++)
		if (ev->paths[i].major == major && ev->paths[i].minor == minor)
			return &ev->paths[i];
	return NULL;
}

static void text_path(FILE *f, const struct mpr_event_path *p)
{
	if (p->name[0])
		fprintf(f, "%s (%" PRIu32 ":%" PRIu32 ")", p->name, p->major,
			p->minor);
	else
		fprintf(f, "%" PRIu32 ":%" PRIu32, p->major, p->minor);
}

static void text_result(FILE *f, int32_t result)
{
	char buf[96];

	fputs(pr_status_str(result, buf, sizeof(buf)), f);
}

void mpr_event_text(FILE *f, const struct mpr_event *ev, const char *map)
{
	const struct mpr_event_path *p = ev->nr_paths ? &ev->paths[0] : NULL;
	unsigned int i;

	fprintf(f, "%s ", mpr_event_name(ev->cmd));
	if (map)
		fprintf(f, "%s (%s, ", map, ev->name[0] ? ev->name : "?");
	else
		fprintf(f, "%s (", ev->name[0] ? ev->name : "?");
	fprintf(f, "%" PRIu32 ":%" PRIu32 ")", ev->major, ev->minor);

	switch (ev->cmd) {
	case DM_MPATH_PR_CMD_PATH_REGISTERED:
	case DM_MPATH_PR_CMD_PATH_UNREGISTERED:
	case DM_MPATH_PR_CMD_PATH_FAILED:
	case DM_MPATH_PR_CMD_PATH_RESTORED:
		if (p) {
			fputs(": path ", f);
			text_path(f, p);
		}
		if (ev->has_key && ev->key)
			fprintf(f, ", key 0x%" PRIx64, ev->key);
		if (p && p->has_result) {
			fputs(", result: ", f);
			text_result(f, p->result);
		}
		break;
	case DM_MPATH_PR_CMD_RESERVATION_CHANGED:
		fputs(":", f);
		if (ev->has_key)
			fprintf(f, ev->key ? " key 0x%" PRIx64 "," : " no key,",
				ev->key);
		if (!ev->has_res_type || !ev->res_type) {
			fputs(" no reservation", f);
			break;
		}
		fprintf(f, " reservation %s", type_name(ev->res_type));
		if (ev->has_holder) {
			const struct mpr_event_path *h =
				ev_path(ev, ev->holder_major, ev->holder_minor);
			struct mpr_event_path tmp = {
				.major = ev->holder_major,
				.minor = ev->holder_minor,
			};

			fputs(" held via ", f);
			text_path(f, h ? h : &tmp);
		}
		break;
	case DM_MPATH_PR_CMD_PREEMPTED:
		fputs(": ", f);
		if (ev->has_key)
			fprintf(f, "key 0x%" PRIx64 " ", ev->key);
		fputs("is gone from the device: this host was preempted "
		      "(fenced); paths are no longer registered", f);
		break;
	case DM_MPATH_PR_CMD_OP_DONE:
		fprintf(f, ": %s", ev->has_op ? mpr_op_name(ev->op) : "?");
		if (ev->has_key && ev->key)
			fprintf(f, " key 0x%" PRIx64, ev->key);
		if (ev->has_result) {
			fputs(", result: ", f);
			text_result(f, ev->result);
		}
		if (ev->has_latency)
			fprintf(f, ", %" PRIu64 " us", ev->latency_us);
		for (i = 0; i < ev->nr_paths; i++) {
			fputs(i ? ", " : "; paths: ", f);
			text_path(f, &ev->paths[i]);
			if (ev->paths[i].has_result) {
				fputc(' ', f);
				text_result(f, ev->paths[i].result);
			}
			if (ev->paths[i].has_latency)
				fprintf(f, " %" PRIu64 " us",
					ev->paths[i].latency_us);
		}
		if (ev->truncated)
			fputs(", ...", f);
		break;
	default:
		break;
	}
	fputc('\n', f);
}

static void json_result(struct json *j, const char *key, int32_t result)
{
	char buf[96];

	json_key(j, key);
	json_object_begin(j);
	json_kv_s64(j, "code", result);
	json_kv_string(j, "name", pr_status_str(result, buf, sizeof(buf)));
	json_object_end(j);
}

void mpr_event_json(FILE *f, const struct mpr_event *ev, const char *map)
{
	const struct mpr_event_path *h;
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "event", mpr_event_name(ev->cmd));
	json_kv_string(&j, "device", ev->name[0] ? ev->name : NULL);
	json_kv_string(&j, "map", map);
	json_kv_u64(&j, "major", ev->major);
	json_kv_u64(&j, "minor", ev->minor);
	if (ev->has_key && ev->key)
		json_kv_hex64(&j, "key", ev->key);
	else if (ev->has_key)
		json_kv_string(&j, "key", NULL);
	if (ev->cmd == DM_MPATH_PR_CMD_RESERVATION_CHANGED) {
		json_key(&j, "reservation");
		if (ev->has_res_type && ev->res_type) {
			json_object_begin(&j);
			json_kv_string(&j, "type", type_name(ev->res_type));
			json_kv_u64(&j, "type_value", ev->res_type);
			json_key(&j, "holder");
			if (ev->has_holder) {
				h = ev_path(ev, ev->holder_major,
					    ev->holder_minor);
				json_object_begin(&j);
				json_kv_string(&j, "name",
					       h && h->name[0] ? h->name
							       : NULL);
				json_kv_u64(&j, "major", ev->holder_major);
				json_kv_u64(&j, "minor", ev->holder_minor);
				json_object_end(&j);
			} else {
				json_null(&j);
			}
			json_object_end(&j);
		} else {
			json_null(&j);
		}
	}
	if (ev->has_op)
		json_kv_string(&j, "op", mpr_op_name(ev->op));
	if (ev->has_result)
		json_result(&j, "result", ev->result);
	if (ev->has_latency)
		json_kv_u64(&j, "latency_us", ev->latency_us);
	json_key(&j, "paths");
	json_array_begin(&j);
	for (i = 0; i < ev->nr_paths; i++) {
		const struct mpr_event_path *p = &ev->paths[i];

		json_object_begin(&j);
		json_kv_string(&j, "name", p->name[0] ? p->name : NULL);
		json_kv_u64(&j, "major", p->major);
		json_kv_u64(&j, "minor", p->minor);
		if (p->has_result)
			json_result(&j, "result", p->result);
		if (p->has_latency)
			json_kv_u64(&j, "latency_us", p->latency_us);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (ev->truncated)
		json_kv_bool(&j, "truncated", true);
	json_object_end(&j);
	json_finish(&j);
}
