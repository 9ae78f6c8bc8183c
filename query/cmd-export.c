/* cmd-export.c - "evidence export": every stored work, one format */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib/fsutil.h"
#include "store.h"

static const char usage[] = "evidence export [--format jsonl] [-o FILE]";

struct export_ctx {
	struct store *store;
	struct buf out;
};

/* Append the record at PATH as one line of JSON.  JSON strings cannot
 * hold a raw newline, so dropping every newline keeps the JSON intact. */
static ev_status export_one(const char *path, void *p)
{
	struct export_ctx *x = p;
	struct record rec;
	char *json = NULL;
	ev_status st;

	record_init(&rec);
	st = store_read_file(x->store, path, &rec);
	if (!st)
		st = record_to_json(&rec, &json);
	for (char *s = json; !st && *s; s++)
		if (*s != '\n')
			st = buf_addch(&x->out, *s);
	if (!st)
		st = buf_addch(&x->out, '\n');
	free(json);
	record_release(&rec);
	return st;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct export_ctx x = {NULL, BUF_INIT};
	struct collection c;
	const char *file = NULL;
	char *msg = NULL;
	int opt, code;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, "o:" CLI_SHORT_OPTIONS,
				  longopts, NULL)) != -1) {
		if (opt == 'f') {
			if (strcmp(optarg, "jsonl"))
				return cli_usage_error("export", usage,
						       "unknown format");
		} else if (opt == 'o') {
			file = optarg;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("export", usage);
		}
	}
	if (optind != argc)
		return cli_usage_error("export", usage, "too many arguments");
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	rc = store_open(c.store_dir, 0, &x.store, &msg);
	if (!rc)
		rc = store_walk(x.store, export_one, &x);
	if (!rc && file)
		rc = fs_write_atomic(file, x.out.ptr ? x.out.ptr : "",
				     x.out.len);
	else if (!rc && x.out.len &&
		 fwrite(x.out.ptr, 1, x.out.len, stdout) != x.out.len)
		rc = EV_IO;
	if (rc)
		code = cli_fail(rc, "export",
				msg ? msg : (file ? file : NULL));
	buf_release(&x.out);
	store_close(x.store);
	free(msg);
	collection_release(&c);
	return code;
}
