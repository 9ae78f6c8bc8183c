/* cmd-cite.c - "evidence cite": references for stored works */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query/cite.h"
#include "store.h"

static const char usage[] = "evidence cite [--style vancouver] ID...";

int cmd_cite(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"style", required_argument, NULL, 's'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct store *store = NULL;
	struct collection c;
	struct buf out = BUF_INIT;
	char *msg = NULL;
	int opt, code, i;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		if (opt == 's') {
			if (strcmp(optarg, "vancouver"))
				return cli_usage_error("cite", usage,
						       "unknown style");
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("cite", usage);
		}
	}
	if (optind >= argc)
		return cli_usage_error("cite", usage, "no id given");
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	rc = store_open(c.store_dir, 0, &store, &msg);
	if (rc) {
		code = cli_fail(rc, "cite", msg);
		goto out;
	}
	for (i = optind; i < argc; i++) {
		struct record rec;
		char *id = NULL;

		record_init(&rec);
		buf_reset(&out);
		rc = store_resolve(store, argv[i], &id);
		if (!rc)
			rc = store_get(store, id, &rec);
		if (!rc)
			rc = cite_vancouver(&rec, &out);
		if (!rc)
			printf("%d. %s\n", i - optind + 1, buf_str(&out));
		record_release(&rec);
		free(id);
		if (rc) {
			code = cli_fail(rc, "cite", store_errmsg(store));
			goto out;
		}
	}
out:
	buf_release(&out);
	store_close(store);
	free(msg);
	collection_release(&c);
	return code;
}
