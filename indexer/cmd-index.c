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
    "evidence index [--rebuild] [--compact] [--shards N --shard-dir DIR] "
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

/* What indexing a collection holds open. */
struct opened {
	struct lessons *lessons;
	char *synonyms;
	struct store *store; /* read-only */
	struct index *ix;
};

/* Open what indexing C needs.  On failure *WHAT names what failed and
 * *MSGP (malloc'd, or NULL) says why, for cli_fail(). */
static ev_status open_all(struct cli *cli, struct collection *c, unsigned flags,
			  struct opened *o, const char **what, char **msgp)
{
	struct index_options opts = {0};
	char err[512] = "";
	ev_status rc;

	memset(o, 0, sizeof(*o));
	*msgp = NULL;
	*what = "lessons";
	rc = setup_lessons_parsed(cli, c, &o->lessons, err, sizeof(err));
	if (rc) {
		*msgp = strdup(err);
		return rc;
	}
	*what = c->synonyms_path;
	rc = setup_synonyms(c, &o->synonyms);
	if (rc)
		return rc;
	*what = "store";
	rc = store_open(c->store_dir, 0, &o->store, msgp);
	if (rc)
		return rc;
	*what = "index";
	opts.lessons = o->lessons;
	opts.synonyms = o->synonyms;
	opts.rebuild = !!(flags & INDEX_REBUILD);
	opts.compact = !!(flags & INDEX_COMPACT);
	return index_open(c->index_dir, &opts, &o->ix, msgp);
}

static void close_all(struct opened *o)
{
	if (o->ix)
		index_abort(o->ix);
	free(o->synonyms);
	store_close(o->store);
	lessons_free(o->lessons);
	memset(o, 0, sizeof(*o));
}

/* After indexing with status RC: commit and close the index, or report
 * RC (unless QUIET) and leave it as it was.  Returns an exit code. */
static int close_index(struct cli *cli, struct opened *o, ev_status rc,
		       const struct index_counts *counts, int quiet)
{
	char *msg = NULL;
	int code;

	if (cli->progress && counts->works >= 100)
		fputc('\n', stderr);
	if (rc) {
		code = status_to_exit(rc);
		if (!quiet)
			code = cli_fail(rc, "index",
					*index_errmsg(o->ix)
					    ? index_errmsg(o->ix)
					    : store_errmsg(o->store));
		index_abort(o->ix);
		o->ix = NULL;
		return code;
	}
	rc = index_close(o->ix, &msg);
	o->ix = NULL;
	if (rc) {
		code = quiet ? status_to_exit(rc) : cli_fail(rc, "index", msg);
		free(msg);
		return code;
	}
	return counts->failed ? EXIT_NOTHING : EXIT_OK;
}

int index_collection(struct cli *cli, struct collection *c, unsigned flags,
		     const struct strvec *ids, struct index_counts *counts)
{
	struct opened o;
	const char *what;
	char *msg = NULL;
	ev_status rc;
	int code;

	memset(counts, 0, sizeof(*counts));
	rc = open_all(cli, c, flags, &o, &what, &msg);
	if (rc) {
		code = cli_fail(rc, what, msg);
	} else {
		if (ids && !index_is_fresh(o.ix))
			rc = index_ids(o.ix, o.store, ids, counts);
		else
			rc = index_sync(o.ix, o.store, counts, warn, progress,
					cli);
		code = close_index(cli, &o, rc, counts, 0);
	}
	free(msg);
	close_all(&o);
	return code;
}

struct indexing {
	struct cli *cli;
	struct collection *c;
	int was_empty; /* the store held no work before the harvest */
	int tried;     /* the first work stored has been told */
	struct opened o;
	struct index_feed *feed; /* NULL: index after the harvest */
	/* An I/O error that kept the feed from starting, told at the end
	 * instead of indexing after the harvest: a disk that was full for
	 * one write is not met again, and the run must not look whole. */
	ev_status io_rc;
	const char *io_what;
	char *io_msg;
};

int indexing_stale(struct cli *cli, struct collection *c)
{
	struct index_options opts = {0};
	struct lessons *l = NULL;
	char *synonyms = NULL, err[512];
	int stale = 0;

	if (setup_lessons(cli, c, NULL, &l, NULL, err, sizeof(err)) == EV_OK &&
	    setup_synonyms(c, &synonyms) == EV_OK) {
		opts.lessons = l;
		opts.synonyms = synonyms;
		if (index_stale(c->index_dir, &opts, &stale) != EV_OK)
			stale = 0;
	}
	free(synonyms);
	lessons_free(l);
	return stale;
}

int indexing_start(struct cli *cli, struct collection *c,
		   struct indexing **out)
{
	struct indexing *g = calloc(1, sizeof(*g));
	struct store *store = NULL;
	char *msg = NULL;

	*out = NULL;
	if (!g)
		return cli_fail(EV_NOMEM, "index", NULL);
	g->cli = cli;
	g->c = c;
	if (store_open(c->store_dir, 0, &store, &msg) == EV_OK)
		g->was_empty = store_is_empty(store);
	store_close(store);
	free(msg);
	*out = g;
	return EXIT_OK;
}

/* At the first work stored: open the index and start the feed.  The index
 * is not touched by a run that stores nothing.  Whatever stops the feed
 * from starting is met again, and told, by index_collection() after the
 * harvest; so is a fresh index over works stored before, which needs
 * them all. */
static void start_feed(struct indexing *g)
{
	const char *what;
	char *msg = NULL;
	ev_status rc;

	g->tried = 1;
	rc = open_all(g->cli, g->c, 0, &g->o, &what, &msg);
	if (rc == EV_IO) {
		g->io_rc = rc;
		g->io_what = what;
		g->io_msg = msg;
		msg = NULL;
	}
	if (rc || (index_is_fresh(g->o.ix) && !g->was_empty) ||
	    index_feed_start(g->o.ix, g->o.store, warn, g->cli, &g->feed))
		close_all(&g->o);
	free(msg);
}

void indexing_stored(void *arg, const char *id, struct record *rec)
{
	struct indexing *g = arg;

	if (!g->tried)
		start_feed(g);
	if (g->feed)
		index_feed_add(g->feed, id, rec);
	else
		record_free(rec);
}

/* Finish the feed, if any, and free G; QUIET as for close_index(). */
static int finish(struct indexing *g, const struct strvec *ids,
		  struct index_counts *counts, int quiet)
{
	int code = EXIT_OK;

	memset(counts, 0, sizeof(*counts));
	if (!g)
		return EXIT_OK;
	if (g->feed) {
		ev_status rc = index_feed_finish(g->feed, counts);

		g->feed = NULL;
		code = close_index(g->cli, &g->o, rc, counts, quiet);
	} else if (g->io_rc) {
		code = quiet ? status_to_exit(g->io_rc)
			     : cli_fail(g->io_rc, g->io_what, g->io_msg);
	} else if (!quiet && (!ids || ids->n)) {
		code = index_collection(g->cli, g->c, 0, ids, counts);
	}
	close_all(&g->o);
	free(g->io_msg);
	free(g);
	return code;
}

int indexing_finish(struct indexing *g, const struct strvec *ids,
		    struct index_counts *counts)
{
	return finish(g, ids, counts, 0);
}

void indexing_stop(struct indexing *g)
{
	struct index_counts counts;

	finish(g, NULL, &counts, 1);
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
	    {"compact", no_argument, NULL, 'c'},
	    {"shards", required_argument, NULL, 'N'},
	    {"shard-dir", required_argument, NULL, 'D'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct index_counts counts;
	struct collection c;
	const char *shard_dir = NULL;
	unsigned long shards = 0;
	unsigned flags = 0;
	int opt, code;
	char *end;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'r') {
			flags |= INDEX_REBUILD;
		} else if (opt == 'c') {
			flags |= INDEX_COMPACT;
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
	code = index_collection(cli, &c, flags, NULL, &counts);
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
