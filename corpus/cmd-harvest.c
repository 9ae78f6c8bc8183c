/* cmd-harvest.c - "evidence harvest": refresh the store from the sources */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "harvest.h"
#include "setup.h"
#include "text.h"

static const char usage[] =
    "evidence harvest [--sources FILE] [--only NAME] [--since DATE] "
    "[--dry-run] [--no-index] [--verbose]";

static void print_note(void *arg, const char *source, const char *msg)
{
	struct cli *cli = arg;

	if (cli->progress)
		fputs("\r\033[K", stderr);
	cli_error("harvest: [%s] %s", source, msg);
}

static void print_progress(void *arg, const char *source,
			   unsigned long done)
{
	(void)arg;
	fprintf(stderr, "\r\033[K[%s] %lu payloads", source, done);
}

static void add_counts(struct run_counts *sum, const struct run_counts *c)
{
	sum->found += c->found;
	sum->added += c->added;
	sum->updated += c->updated;
	sum->unchanged += c->unchanged;
	sum->not_modified += c->not_modified;
	sum->duplicate += c->duplicate;
	sum->failed += c->failed;
}

static void print_counts(const struct run_counts *c)
{
	printf("found %lu, new %lu, updated %lu, unchanged %lu, "
	       "not modified %lu, duplicate %lu, failed %lu\n",
	       c->found, c->added, c->updated, c->unchanged, c->not_modified,
	       c->duplicate, c->failed);
}

/* While this file exists, works may be stored that the index has not
 * seen: a run killed between the two leaves it, and the next run then
 * brings the whole index up to date. */
static char *pending_path(const struct collection *c)
{
	return fs_join(c->store_dir, "harvest/index-pending");
}

int cmd_harvest(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"sources", required_argument, NULL, 's'},
	    {"only", required_argument, NULL, 'o'},
	    {"since", required_argument, NULL, 'S'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"no-index", no_argument, NULL, 'N'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct harvest_opts opts = {0};
	struct harvest_result res;
	struct sources src;
	struct collection c;
	struct store *store = NULL;
	struct indexing *ing = NULL;
	const char *sources_path = NULL;
	char *msg = NULL, *pending = NULL, *hdir = NULL;
	char err[600] = "";
	int opt, code, no_index = 0, was_pending = 0;
	ev_status rc;

	sources_init(&src);
	harvest_result_init(&res);
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		if (opt == 's')
			sources_path = optarg;
		else if (opt == 'o')
			opts.only = optarg;
		else if (opt == 'S')
			opts.since = optarg;
		else if (opt == 'n')
			opts.dry_run = 1;
		else if (opt == 'N')
			no_index = 1;
		else if (!cli_common_option(cli, opt, optarg))
			return cli_bad_option("harvest", usage);
	}
	if (optind < argc)
		return cli_usage_error("harvest", usage,
				       "unexpected argument '%s'",
				       argv[optind]);
	if (opts.since && !sources_valid_date(opts.since))
		return cli_usage_error("harvest", usage,
				       "--since '%s' is not a date (YYYY, "
				       "YYYY-MM or YYYY-MM-DD)",
				       opts.since);
	code = cli_open_collection(cli, &c, !opts.dry_run);
	if (code)
		return code;
	if (!sources_path)
		sources_path = c.sources_path;
	rc = sources_load(sources_path, &src, err, sizeof(err));
	if (rc == EV_NOT_FOUND) {
		cli_error("harvest: no sources file %s: run 'evidence init' "
			  "or give --sources FILE",
			  sources_path);
		code = EXIT_USAGE;
		goto out;
	}
	if (rc) {
		cli_error("%s", err);
		code = rc == EV_USAGE ? EXIT_USAGE : status_to_exit(rc);
		goto out;
	}
	rc = store_open(c.store_dir, !opts.dry_run, &store, &msg);
	if (rc) {
		code = cli_fail(rc, "store", msg);
		goto out;
	}
	pending = pending_path(&c);
	hdir = fs_join(c.store_dir, "harvest");
	if (!pending || !hdir) {
		code = cli_fail(EV_NOMEM, "harvest", NULL);
		goto out;
	}
	/* What a killed run left half-written here (the marker's
	 * temporary file) goes; the store cleans its own. */
	if (!opts.dry_run && fs_is_dir(hdir))
		fs_remove_temps(hdir);
	was_pending = fs_exists(pending);
	if (!opts.dry_run && !no_index && !was_pending &&
	    ((rc = fs_mkdirs(hdir, 0755)) ||
	     (rc = fs_write_atomic(pending, "", 0)))) {
		code = cli_fail(rc, pending, strerror(errno));
		goto out;
	}

	opts.note = print_note;
	opts.progress = cli->progress ? print_progress : NULL;
	opts.arg = cli;
	/* The works are indexed as they are stored, on the other core;
	 * after a run that did not finish its indexing, all of them after
	 * the harvest. */
	if (!opts.dry_run && !no_index && !was_pending &&
	    (code = indexing_start(cli, &c, &ing)) != EXIT_OK)
		goto out;
	if (ing) {
		opts.stored = indexing_stored;
		opts.stored_arg = ing;
	}
	rc = harvest_run(store, &src, &opts, &res);
	if (rc || !res.ids.n) {
		/* Stopped (what was stored stays indexed), or nothing to
		 * index. */
		indexing_stop(ing);
		ing = NULL;
	}
	if (cli->progress)
		fputs("\r\033[K", stderr);
	if (rc == EV_NOT_FOUND) {
		code = cli_usage_error("harvest", usage,
				       "no source named '%s' in %s", opts.only,
				       sources_path);
		goto out;
	}
	if (rc) {
		code = cli_fail(rc, "harvest",
				res.fatal ? res.fatal_msg : NULL);
		goto log;
	}
	code = harvest_exit_code(&res);
	store_close(store);
	store = NULL;
	if (!opts.dry_run && !no_index &&
	    (res.ids.n || was_pending || indexing_stale(cli, &c))) {
		struct index_counts counts;
		int icode =
		    ing ? indexing_finish(ing, &res.ids, &counts)
			: index_collection(cli, &c, 0, NULL, &counts);

		ing = NULL;

		if (icode > EXIT_NOTHING) {
			code = icode;
			goto log;
		}
	}
	if (!opts.dry_run && !no_index && unlink(pending) == 0 &&
	    (rc = fs_fsync_dir(hdir))) {
		/* A marker that a crash brings back only makes the next run
		 * index everything again, but a disk that fails a sync is
		 * to be told (74, like any other failed write). */
		code = cli_fail(rc, hdir, strerror(errno));
		goto log;
	}

	if (!cli->quiet) {
		struct run_counts sum = {0};
		size_t failed = 0;

		for (size_t i = 0; i < res.run.n_sources; i++) {
			const struct run_source *s = &res.run.sources[i];

			add_counts(&sum, &s->counts);
			failed += res.outcomes[i].status != EV_OK;
			if (cli->verbose) {
				printf("%s (%s): ", s->name, s->type);
				print_counts(&s->counts);
			}
		}
		printf("%s%zu source%s", opts.dry_run ? "dry run: " : "",
		       res.run.n_sources, res.run.n_sources == 1 ? "" : "s");
		if (failed)
			printf(" (%zu failed)", failed);
		printf(": ");
		print_counts(&sum);
	}
log:
	res.run.exit_code = code;
	if (!res.run.finished[0])
		text_now_iso8601(res.run.finished);
	if (!opts.dry_run && res.run.n_sources) {
		rc = runlog_append(c.store_dir, &res.run);
		/* A run that failed has said why in its one line; the log
		 * failing too (a full disk, most likely) is the same cause. */
		if (rc && !code)
			code = cli_fail(rc, "run log", strerror(errno));
	}
out:
	free(msg);
	free(pending);
	free(hdir);
	store_close(store);
	harvest_result_release(&res);
	sources_release(&src);
	collection_release(&c);
	return code;
}
