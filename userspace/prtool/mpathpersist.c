// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the mpathpersist front end.
 *
 * When prtool runs as "mpathpersist" (by that name, or as "prtool
 * mpathpersist ..."), it takes multipath-tools 0.14.3 mpathpersist's
 * options, checks them in the same order with the same messages, prints
 * the same output and exits with the same codes (MPATH_PR_*); see
 * shared/reference/mpathpersist-spec.md section 1 and prtool(8), section
 * MPATHPERSIST COMPATIBILITY. The commands run through libprtool's
 * libmpathpersist-compatible engine, so on the map's pr_ops (dm_mpath_pr
 * when attached) instead of SG_IO to each path.
 *
 * Deliberate differences, all documented in prtool(8):
 * - keys (-K, -S), types (-T), -l and -v are parsed strictly: what
 *   0.14.3's sscanf() would cut short or saturate ("12zz", "-1", 17 hex
 *   digits) is a bad argument;
 * - -X accepts only well-formed transport IDs and encodes them as SPC-4
 *   says (0.14.3 takes anything, copies SAS addresses as ASCII, misplaces
 *   the iSCSI name, does not bound the count);
 * - a batch file exits with the status of its first failing command, as
 *   the man page says (0.14.3 returns the last one); -l and -H given on a
 *   batch line apply to that line;
 * - there is no reservation_key configuration to check keys against.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <prtool/mpath_persist_compat.h>
#include <prtool/prtool.h>

#include "mpp_format.h"
#include "prtool.h"

static const struct option long_options[] = {
	{ "verbose", required_argument, NULL, 'v' },
	{ "clear", no_argument, NULL, 'C' },
	{ "device", required_argument, NULL, 'd' },
	{ "batch-file", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "hex", no_argument, NULL, 'H' },
	{ "in", no_argument, NULL, 'i' },
	{ "out", no_argument, NULL, 'o' },
	{ "param-alltgpt", no_argument, NULL, 'Y' },
	{ "param-aptpl", no_argument, NULL, 'Z' },
	{ "param-rk", required_argument, NULL, 'K' },
	{ "param-sark", required_argument, NULL, 'S' },
	{ "preempt", no_argument, NULL, 'P' },
	{ "preempt-abort", no_argument, NULL, 'A' },
	{ "prout-type", required_argument, NULL, 'T' },
	{ "read-full-status", no_argument, NULL, 's' },
	{ "read-keys", no_argument, NULL, 'k' },
	{ "read-reservation", no_argument, NULL, 'r' },
	{ "register", no_argument, NULL, 'G' },
	{ "register-ignore", no_argument, NULL, 'I' },
	{ "release", no_argument, NULL, 'L' },
	{ "report-capabilities", no_argument, NULL, 'c' },
	{ "reserve", no_argument, NULL, 'R' },
	{ "transport-id", required_argument, NULL, 'X' },
	{ "alloc-length", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 }
};

static const char optstring[] = "v:Cd:hHioYZK:S:PAT:skrGILcRX:l:f:";

/**
 * struct mpp_cli - settings of one mpathpersist run
 * @loglevel: -v of the command line
 * @noisy: hex dumps, from the command line (-H, or -v 3)
 * @alloc_len: -l of the command line (0: default)
 */
struct mpp_cli {
	int loglevel;
	int noisy;
	unsigned int alloc_len;
};

static void usage(void)
{
	fprintf(stderr,
		"mpathpersist (prtool " PRTOOL_VERSION
		", compatible with multipath-tools 0.14.3)\n"
		"Usage: mpathpersist [OPTIONS] [DEVICE]\n"
		" Options:\n"
		"    --verbose|-v level         verbosity level\n"
		"                   0           Critical messages\n"
		"                   1           Error messages\n"
		"                   2           Warning messages\n"
		"                   3           Informational messages\n"
		"    --clear|-C                 PR Out: Clear\n"
		"    --device=DEVICE|-d DEVICE  query or change DEVICE\n"
		"    --batch-file|-f FILE       run commands from FILE\n"
		"    --help|-h                  output this usage message\n"
		"    --hex|-H                   output response in hex\n"
		"    --in|-i                    request PR In command \n"
		"    --out|-o                   request PR Out command\n"
		"    --param-alltgpt|-Y         PR Out parameter 'ALL_TG_PT'\n"
		"    --param-aptpl|-Z           PR Out parameter 'APTPL'\n"
		"    --read-keys|-k             PR In: Read Keys\n"
		"    --param-rk=RK|-K RK        PR Out parameter reservation key\n"
		"    --param-sark=SARK|-S SARK  PR Out parameter service action\n"
		"                               reservation key (SARK is in hex)\n"
		"    --preempt|-P               PR Out: Preempt\n"
		"    --preempt-abort|-A         PR Out: Preempt and Abort\n"
		"    --prout-type=TYPE|-T TYPE  PR Out command type\n"
		"    --read-full-status|-s      PR In: Read Full Status\n"
		"    --read-reservation|-r      PR In: Read Reservation\n"
		"    --register|-G              PR Out: Register\n"
		"    --register-ignore|-I       PR Out: Register and Ignore\n"
		"    --release|-L               PR Out: Release\n"
		"    --report-capabilities|-c   PR In: Report Capabilities\n"
		"    --reserve|-R               PR Out: Reserve\n"
		"    --transport-id=TIDS|-X TIDS  TransportIDs: fcp,<16 hex "
		"digits>,\n"
		"                                 sas,<16 hex digits> or "
		"iqn.<name>[,i,0x<ISID>]\n"
		"    --alloc-length=LEN|-l LEN  PR In: maximum allocation "
		"length\n");
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A hex number of up to @max_digits digits, with optional leading blanks
 * and 0x prefix, and nothing after it: 0 or -1.
 */
static int parse_hex(const char *s, unsigned int max_digits, uint64_t *v)
{
	unsigned int n = 0;

	*v = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d = hex_digit(*s);

		if (d < 0 || n == max_digits)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return n ? 0 : -1;
}

/* A decimal number (optional leading blanks and sign): 0 or -1. */
static int parse_dec(const char *s, bool sign, long *v)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!sign && (*s == '-' || *s == '+'))
		return -1;
	if (!*s)
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || *end || end == s ? -1 : 0;
}

/*
 * One -X argument into @t: fcp,<16 hex digits>, sas,<16 hex digits>, or
 * an iSCSI name (iqn., eui., naa.) with an optional ",i,0x<ISID>".
 */
static int parse_tid(const char *s, struct transportid *t)
{
	const char *isid;
	uint64_t v;
	size_t len;
	int i;

	memset(t, 0, sizeof(*t));
	if (!strncasecmp(s, "fcp,", 4) || !strncasecmp(s, "sas,", 4)) {
		bool fc = tolower((unsigned char)s[0]) == 'f';

		if (strlen(s + 4) != 16 || parse_hex(s + 4, 16, &v)) {
			fprintf(stderr, "badly formed symbolic %s TransportID: "
					"%s\n", fc ? "FCP" : "SAS", s + 4);
			return -1;
		}
		t->protocol_id = fc ? MPATH_PROTOCOL_ID_FC :
				      MPATH_PROTOCOL_ID_SAS;
		for (i = 7; i >= 0; i--, v >>= 8)
			t->n_port_name[i] = (uint8_t)v;
		return 0;
	}
	if (strncmp(s, "iqn.", 4) && strncmp(s, "eui.", 4) &&
	    strncmp(s, "naa.", 4)) {
		fprintf(stderr, "unknown TransportID form: %s (use fcp,<16 hex "
				"digits>, sas,<16 hex digits> or "
				"iqn.<name>[,i,0x<ISID>])\n", s);
		return -1;
	}
	len = strlen(s);
	if (strpbrk(s, " \t")) {
		fprintf(stderr, "badly formed iSCSI TransportID: %s\n", s);
		return -1;
	}
	isid = strstr(s, ",i,0x");
	if (isid && (isid == s + 4 || parse_hex(isid + 5, 12, &v))) {
		fprintf(stderr, "badly formed iSCSI TransportID: %s (the ISID "
				"is 1 to 12 hex digits)\n", s);
		return -1;
	}
	/* The name, NUL-padded to 4 bytes, in a 252-byte field. */
	if (((len + 1 + 3) & ~(size_t)3) > MPATH_MX_TID_LEN - 4) {
		fprintf(stderr, "iSCSI name too long: %zu characters, at most "
				"%d\n", len, MPATH_MX_TID_LEN - 5);
		return -1;
	}
	t->protocol_id = MPATH_PROTOCOL_ID_ISCSI;
	t->format_code = isid ? MPATH_WWUI_PORT_IDENTIFIER :
				MPATH_WWUI_DEVICE_NAME;
	memcpy(t->iscsi_name, s, len);
	return 0;
}

static int handle_args(struct mpp_cli *cli, int argc, char *argv[],
		       int nline);

/*
 * Run the commands of @batch_fn, one command line per line. Every line
 * runs, whatever the previous ones did; the result is that of the first
 * that failed (0 if none did).
 */
static int do_batch_file(struct mpp_cli *cli, const char *batch_fn)
{
	static char command[] = "mpathpersist";
	const char delims[] = " \t\n";
	char **argv = NULL, *line = NULL;
	size_t argl = 0, len = 0;
	int nline = 0, ret = MPATH_PR_SUCCESS;
	ssize_t n;
	FILE *fl;

	fl = fopen(batch_fn, "r");
	if (!fl) {
		fprintf(stderr, "unable to open %s: %s\n", batch_fn,
			strerror(errno));
		return MPATH_PR_SYNTAX_ERROR;
	}
	if (cli->loglevel >= 2)
		fprintf(stderr, "running batch file %s\n", batch_fn);

	while ((n = getline(&line, &len, fl)) != -1) {
		char *save, *token;
		int argc = 0, rv;

		nline++;
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (cli->loglevel >= 3)
			fprintf(stderr, "processing line %d: %s\n", nline,
				line);
		for (token = strtok_r(line, delims, &save);
		     token && *token != '#';
		     token = strtok_r(NULL, delims, &save)) {
			if (!argc && !strcmp(token, command))
				continue;
			if ((size_t)argc + 2 >= argl) {
				argl = argl ? 2 * argl : 16;
				argv = xreallocarray(argv, argl, sizeof(*argv));
			}
			if (!argc)
				argv[argc++] = command;
			argv[argc++] = token;
		}
		if (argc <= 1)
			continue;
		argv[argc] = NULL;
		if (cli->loglevel >= 2) {
			int i;

			fprintf(stderr, "## file %s line %d:", batch_fn,
				nline);
			for (i = 0; i < argc; i++)
				fprintf(stderr, " %s", argv[i]);
			fprintf(stderr, "\n");
		}
		rv = handle_args(cli, argc, argv, nline);
		if (rv != MPATH_PR_SUCCESS && ret == MPATH_PR_SUCCESS)
			ret = rv;
	}
	fclose(fl);
	free(argv);
	free(line);
	return ret;
}

/* PERSISTENT RESERVE IN, printed as mpathpersist prints it. */
static int run_prin(int fd, int sa, int noisy, bool notes)
{
	size_t len = prtool_mpath_prin_len(sa), got = 0;
	uint8_t *buf = xcalloc(1, len);
	int ret;

	ret = prtool_mpath_prin(fd, sa, buf, len, &got, noisy);
	if (ret == MPATH_PR_SUCCESS)
		mpp_print_prin(stdout, stderr, notes, sa, buf, got);
	else
		fprintf(stderr, "Persistent Reserve IN command failed\n");
	free(buf);
	return ret;
}

/* PERSISTENT RESERVE OUT through the libmpathpersist-compatible API. */
static int run_prout(int fd, int sa, unsigned int type, uint64_t rk,
		     uint64_t sark, uint8_t flags, struct transportid *tids,
		     unsigned int num_tids, int noisy)
{
	struct prout_param_descriptor *p;
	unsigned int i;
	int j, ret;

	p = xcalloc(1, sizeof(*p) + MPATH_MX_TIDS * sizeof(p->trnptid_list[0]));
	for (j = 7; j >= 0; j--, rk >>= 8, sark >>= 8) {
		p->key[j] = (uint8_t)rk;
		p->sa_key[j] = (uint8_t)sark;
	}
	p->sa_flags = flags;
	if (num_tids) {
		p->sa_flags |= MPATH_F_SPEC_I_PT_MASK;
		p->num_transportid = num_tids;
		for (i = 0; i < num_tids; i++)
			p->trnptid_list[i] = &tids[i];
	}
	ret = mpath_persistent_reserve_out__(fd, sa, 0, type, p, noisy);
	free(p);
	if (ret == MPATH_PR_SUCCESS)
		return ret;
	if (ret == MPATH_PR_SENSE_UNIT_ATTENTION)
		printf("persistent reserve out: scsi status: Unit Attention\n");
	else if (ret == MPATH_PR_RESERV_CONFLICT)
		printf("persistent reserve out: scsi status: Reservation "
		       "Conflict\n");
	printf("PR out: command failed\n");
	return ret;
}

/* One command line (@nline 0) or one line of a batch file. */
static int handle_args(struct mpp_cli *cli, int argc, char *argv[], int nline)
{
	int num_prin_sa = 0, num_prout_sa = 0, prin_flag = 0, prout_flag = 0;
	int prin_sa = -1, prout_sa = -1, ret = MPATH_PR_SUCCESS, hex = 0;
	struct transportid tids[MPATH_MX_TIDS];
	unsigned int num_tids = 0, prout_type = 0;
	unsigned int alloc_len = cli->alloc_len;
	const char *device_name = NULL;
	uint64_t param_rk = 0, param_sark = 0, v;
	uint8_t flags = 0;
	char *batch_fn = NULL;
	int c, fd, noisy;
	long n;

	/* Reinitialise getopt, which reports errors as mpathpersist does. */
	optind = 0;
	opterr = 1;
	while ((c = getopt_long(argc, argv, optstring, long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			if (nline) {
				fprintf(stderr, "ERROR: -f option not allowed "
						"in batch file\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			if (batch_fn) {
				fprintf(stderr, "ERROR: -f option can be used "
						"at most once\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			batch_fn = optarg;
			break;
		case 'v':
			/* Ignored in batch files. */
			if (nline)
				break;
			if (parse_dec(optarg, true, &n) || n < INT32_MIN ||
			    n > INT32_MAX) {
				fprintf(stderr, "bad argument to '--verbose'\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			cli->loglevel = (int)n;
			break;
		case 'C':
			prout_sa = MPATH_PROUT_CLEAR_SA;
			num_prout_sa++;
			break;
		case 'd':
			device_name = optarg;
			break;
		case 'h':
			usage();
			return MPATH_PR_SUCCESS;
		case 'H':
			hex = 1;
			break;
		case 'i':
			prin_flag = 1;
			break;
		case 'o':
			prout_flag = 1;
			break;
		case 'Y':
			flags |= MPATH_F_ALL_TG_PT_MASK;
			break;
		case 'Z':
			flags |= MPATH_F_APTPL_MASK;
			break;
		case 'K':
			if (parse_hex(optarg, 16, &param_rk)) {
				fprintf(stderr, "bad argument to "
						"'--param-rk'\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			break;
		case 'S':
			if (parse_hex(optarg, 16, &param_sark)) {
				fprintf(stderr, "bad argument to "
						"'--param-sark'\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			break;
		case 'P':
			prout_sa = MPATH_PROUT_PREE_SA;
			num_prout_sa++;
			break;
		case 'A':
			prout_sa = MPATH_PROUT_PREE_AB_SA;
			num_prout_sa++;
			break;
		case 'T':
			/* Hex, as in 0.14.3; only a type code (0-f). */
			if (parse_hex(optarg, 16, &v) || v > 0xf) {
				fprintf(stderr, "bad argument to "
						"'--prout-type'\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			prout_type = (unsigned int)v;
			break;
		case 's':
			prin_sa = MPATH_PRIN_RFSTAT_SA;
			num_prin_sa++;
			break;
		case 'k':
			prin_sa = MPATH_PRIN_RKEY_SA;
			num_prin_sa++;
			break;
		case 'r':
			prin_sa = MPATH_PRIN_RRES_SA;
			num_prin_sa++;
			break;
		case 'G':
			prout_sa = MPATH_PROUT_REG_SA;
			num_prout_sa++;
			break;
		case 'I':
			prout_sa = MPATH_PROUT_REG_IGN_SA;
			num_prout_sa++;
			break;
		case 'L':
			prout_sa = MPATH_PROUT_REL_SA;
			num_prout_sa++;
			break;
		case 'c':
			prin_sa = MPATH_PRIN_RCAP_SA;
			num_prin_sa++;
			break;
		case 'R':
			prout_sa = MPATH_PROUT_RES_SA;
			num_prout_sa++;
			break;
		case 'X':
			if (num_tids == MPATH_MX_TIDS) {
				fprintf(stderr, "too many transport IDs: at "
						"most %d\n", MPATH_MX_TIDS);
			} else if (!parse_tid(optarg, &tids[num_tids])) {
				num_tids++;
				break;
			}
			fprintf(stderr, "bad argument to '--transport-id'\n");
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		case 'l':
			if (parse_dec(optarg, false, &n)) {
				fprintf(stderr, "bad argument to "
						"'--alloc-length'\n");
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			if (n > MPATH_MAX_PARAM_LEN) {
				fprintf(stderr, "'--alloc-length' argument "
						"exceeds maximum limit(%d)\n",
					MPATH_MAX_PARAM_LEN);
				ret = MPATH_PR_SYNTAX_ERROR;
				goto out;
			}
			alloc_len = (unsigned int)n;
			if (!nline)
				cli->alloc_len = alloc_len;
			break;
		default:
			fprintf(stderr, "unrecognised switch code 0x%x ??\n",
				(unsigned int)c);
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		}
	}

	if (optind < argc) {
		if (!device_name)
			device_name = argv[optind++];
		if (optind < argc) {
			for (; optind < argc; optind++)
				fprintf(stderr, "Unexpected extra argument: "
						"%s\n", argv[optind]);
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		}
	}

	if (!nline)
		cli->noisy = cli->loglevel >= 3 ? 1 : hex;
	noisy = cli->noisy || hex;
	mpath_persistent_reserve_init_vecs(cli->loglevel >= 3 ? 3 :
					   cli->loglevel);
	mpath_mx_alloc_len = alloc_len;

	if ((prout_flag + prin_flag) == 0 && !batch_fn) {
		fprintf(stderr, "choose either '--in' or '--out' \n");
		ret = MPATH_PR_SYNTAX_ERROR;
		goto out;
	}
	if ((prout_flag + prin_flag) > 1) {
		fprintf(stderr, "choose either '--in' or '--out' \n");
		ret = MPATH_PR_SYNTAX_ERROR;
		goto out;
	} else if (prout_flag) {
		if (num_prout_sa != 1 || num_prin_sa != 0) {
			fprintf(stderr, " For Persistent Reserve Out only one "
					"appropriate\n service action must be "
					"chosen \n");
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		}
	} else if (prin_flag) {
		if (num_prout_sa > 0) {
			fprintf(stderr, " When a service action for Persistent "
					"Reserve Out is chosen the\n '--out' "
					"option must be given \n");
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		}
		if (num_prin_sa == 0) {
			fprintf(stderr, " No service action given for "
					"Persistent Reserve IN\n");
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		} else if (num_prin_sa > 1) {
			fprintf(stderr, " Too many service actions given; "
					"choose one only\n");
			ret = MPATH_PR_SYNTAX_ERROR;
			goto out;
		}
	} else {
		/* Only -f: the batch file is the work. */
		goto out;
	}

	if ((prout_sa == MPATH_PROUT_RES_SA || prout_sa == MPATH_PROUT_REL_SA ||
	     prout_sa == MPATH_PROUT_PREE_SA ||
	     prout_sa == MPATH_PROUT_PREE_AB_SA) && prout_type == 0)
		fprintf(stderr, "Warning: --prout-type probably needs to be "
				"given\n");

	if (!device_name) {
		fprintf(stderr, "No device name given \n");
		ret = MPATH_PR_SYNTAX_ERROR;
		goto out;
	}

	fd = open(device_name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: error opening file (rw) fd=%d\n",
			device_name, fd);
		ret = MPATH_PR_FILE_ERROR;
		goto out;
	}
	if (prin_flag)
		ret = run_prin(fd, prin_sa, noisy, cli->loglevel >= 3);
	else
		ret = run_prout(fd, prout_sa, prout_type, param_rk, param_sark,
				flags, tids, num_tids, noisy);
	close(fd);

out:
	if (ret == MPATH_PR_SYNTAX_ERROR) {
		if (!nline)
			usage();
		else
			fprintf(stderr, "syntax error on line %d in batch "
					"file\n", nline);
	} else if (batch_fn) {
		int rv = do_batch_file(cli, batch_fn);

		/* The command line failed first; else the file's first. */
		ret = ret == MPATH_PR_SUCCESS ? rv : ret;
	}
	return ret >= 0 ? ret : MPATH_PR_OTHER;
}

/* The library's diagnostics, printed as multipath-tools prints them. */
static void stderr_log(void *arg, int prio, const char *msg)
{
	struct timespec ts = { 0 };

	(void)arg;
	(void)prio;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "%lld.%06ld | %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000, msg);
}

int mpathpersist_main(int argc, char *argv[])
{
	struct mpp_cli cli = { 0 };
	int ret;

	if (argc <= 1) {
		fprintf(stderr, "No parameter used\n");
		usage();
		return MPATH_PR_SYNTAX_ERROR;
	}
	if (getuid() != 0) {
		fprintf(stderr, "need to be root\n");
		return MPATH_PR_SYNTAX_ERROR;
	}
	prtool_mpath_set_log(stderr_log, NULL);
	ret = handle_args(&cli, argc, argv, 0);
	prtool_mpath_set_log(NULL, NULL);
	mpath_mx_alloc_len = 0;
	mpath_persistent_reserve_init_vecs(0);
	fflush(stdout);
	return ret;
}

int cmd_mpathpersist(int argc, char *argv[])
{
	return mpathpersist_main(argc, argv);
}
