/* cmd-index.c - "evidence index": bring the index up to date */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index.h"
#include "record.h"
#include "setup.h"
#include "store.h"

static const char usage[] =
    "evidence index [--rebuild] [--shards N --shard-dir DIR] "
    "[--wait SECONDS] [--quiet]";

static void warn(const char *msg, void *ctx)
{
	(void)ctx;
	cli_error("index: %s (skipped)", msg);
}

static void progress(unsigned long done, void *ctx)
{
	const struct cli *cli = ctx;

	if (cli->progress && done % 100 == 0)
		fprintf(stderr, "\rindexing: %lu works", done);
}

/* Index just the works IDS names (after "add"). */
static ev_status index_some(struct index *ix, struct store *store,
			    const struct strvec *ids,
			    struct index_counts *counts)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < ids->n; i++) {
		struct record rec;
		char stamp[STORE_STAMP_MAX];
		int changed = 0;

		record_init(&rec);
		rc = store_get(store, ids->v[i], &rec, stamp);
		if (!rc)
			rc = index_record(ix, &rec, stamp, &changed);
		if (!rc) {
			counts->works++;
			if (changed) {
				counts->indexed++;
				counts->passages += rec.n_passages;
			} else {
				counts->unchanged++;
			}
		}
		record_release(&rec);
	}
	return rc;
}

int index_collection(struct cli *cli, struct collection *c, int rebuild,
		     const struct strvec *ids, struct index_counts *counts)
{
	struct index_options opts = {0};
	struct lessons *lessons = NULL;
	struct store *store = NULL;
	struct index *ix = NULL;
	char *synonyms = NULL, *msg = NULL;
	char err[512] = "";
	ev_status rc;
	int code = EXIT_OK;

	memset(counts, 0, sizeof(*counts));
	rc = setup_lessons(cli, c, &lessons, NULL, err, sizeof(err));
	if (rc) {
		code = cli_fail(rc, "lessons", err);
		goto out;
	}
	rc = setup_synonyms(c, &synonyms);
	if (rc) {
		code = cli_fail(rc, c->synonyms_path, NULL);
		goto out;
	}
	rc = store_open(c->store_dir, 0, &store, &msg);
	if (rc) {
		code = cli_fail(rc, "store", msg);
		goto out;
	}
	opts.lessons = lessons;
	opts.synonyms = synonyms;
	opts.rebuild = rebuild;
	rc = index_open(c->index_dir, &opts, &ix, &msg);
	if (rc) {
		code = cli_fail(rc, "index", msg);
		goto out;
	}
	if (ids && !index_is_fresh(ix))
		rc = index_some(ix, store, ids, counts);
	else
		rc = index_sync(ix, store, counts, warn, progress, cli);
	if (cli->progress && counts->works >= 100)
		fputc('\n', stderr);
	if (rc) {
		code = cli_fail(rc, "index",
				*index_errmsg(ix) ? index_errmsg(ix)
						  : store_errmsg(store));
		index_abort(ix);
		ix = NULL;
		goto out;
	}
	rc = index_close(ix, &msg);
	ix = NULL;
	if (rc) {
		code = cli_fail(rc, "index", msg);
		goto out;
	}
	if (counts->failed)
		code = EXIT_NOTHING;
out:
	free(msg);
	free(synonyms);
	store_close(store);
	lessons_free(lessons);
	return code;
}

/* After indexing: split the index into N shards in DIR. */
static int split(struct cli *cli, const struct collection *c, unsigned n,
		 const char *dir)
{
	unsigned long counts[INDEX_MAX_SHARDS];
	char *msg = NULL;
	ev_status rc = index_split(c->index_dir, dir, n, counts, &msg);

	if (rc) {
		int code = cli_fail(rc, "index", msg);

		free(msg);
		return code;
	}
	if (!cli->quiet) {
		printf("%u shards in %s:", n, dir);
		for (unsigned k = 0; k < n; k++)
			printf(" %lu", counts[k]);
		printf(" documents\n");
	}
	return EXIT_OK;
}

int cmd_index(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"rebuild", no_argument, NULL, 'r'},
	    {"shards", required_argument, NULL, 'N'},
	    {"shard-dir", required_argument, NULL, 'D'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct index_counts counts;
	struct collection c;
	const char *shard_dir = NULL;
	unsigned long shards = 0;
	int opt, rebuild = 0, code;
	char *end;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'r') {
			rebuild = 1;
		} else if (opt == 'N') {
			errno = 0;
			shards = strtoul(optarg, &end, 10);
			if (errno || *end || !isdigit((unsigned char)*optarg) ||
			    shards < 1 || shards > INDEX_MAX_SHARDS)
				return cli_usage_error(
				    "index", usage,
				    "--shards wants a number from 1 to %d",
				    INDEX_MAX_SHARDS);
		} else if (opt == 'D') {
			shard_dir = optarg;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("index", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(
		    "index", usage, "unexpected argument '%s'", argv[optind]);
	if (!shards != !shard_dir)
		return cli_usage_error("index", usage,
				       "--shards and --shard-dir go together");
	code = cli_open_collection(cli, &c, 1);
	if (code)
		return code;
	code = index_collection(cli, &c, rebuild, NULL, &counts);
	if (code <= EXIT_NOTHING && !cli->quiet)
		printf("%lu works: %lu indexed (%lu passages), %lu unchanged, "
		       "%lu removed, %lu failed\n",
		       counts.works, counts.indexed, counts.passages,
		       counts.unchanged, counts.removed, counts.failed);
	if (code <= EXIT_NOTHING && shards) {
		int split_code = split(cli, &c, (unsigned)shards, shard_dir);

		if (split_code)
			code = split_code;
	}
	collection_release(&c);
	return code;
}
