// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the netlink connection with its failures printed as prtool's
 * messages (apart from cli.c, whose cli_attached() calls these: the unit
 * tests replace them with -Wl,--wrap, which reaches calls between objects
 * only).
 */
#include "cli.h"
#include "ipc.h"
#include "prtool.h"

/* The netlink layer's explanations, as prtool's messages. */
static void report(void *arg, const char *msg)
{
	(void)arg;
	prtool_err("%s", msg);
}

int ipc_open(struct ipc **ipcp, bool load)
{
	return ipc_open_report(ipcp, load, report, NULL);
}

int ipc_events_open(struct ipc **ipcp, bool load)
{
	return ipc_events_open_report(ipcp, load, report, NULL);
}
