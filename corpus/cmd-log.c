/* cmd-log.c - "evidence log": every harvest run with its counts */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "runlog.h"
#include "sprinter.h"

static const char usage[] = "evidence log [--format text|json]";

static ev_status print_text(const struct run *run, void *ctx)
{
	(void)ctx;
	printf("%s  %s  exit %d\n", run->started, run->finished,
	       run->exit_code);
	for (size_t i = 0; i < run->n_sources; i++) {
		const struct run_source *s = &run->sources[i];
		const struct run_counts *c = &s->counts;

		printf("  %s (%s)%s%s: found %lu, new %lu, updated %lu, "
		       "unchanged %lu, not modified %lu, duplicate %lu, "
		       "failed %lu\n",
		       s->name, s->type, s->query ? " " : "",
		       s->query ? s->query : "", c->found, c->added,
		       c->updated, c->unchanged, c->not_modified, c->duplicate,
		       c->failed);
	}
	return EV_OK;
}

static ev_status print_json(const struct run *run, void *ctx)
{
	struct sprinter *sp = ctx;

	sp->begin_map(sp);
	sp_str(sp, "started", run->started);
	sp_str(sp, "finished", run->finished);
	sp_int(sp, "exit", run->exit_code);
	sp->map_key(sp, "sources");
	sp->begin_list(sp);
	for (size_t i = 0; i < run->n_sources; i++) {
		const struct run_source *s = &run->sources[i];
		const struct run_counts *c = &s->counts;

		sp->begin_map(sp);
		sp_str(sp, "name", s->name);
		sp_str(sp, "type", s->type);
		sp_str(sp, "query", s->query);
		sp_int(sp, "found", (long long)c->found);
		sp_int(sp, "new", (long long)c->added);
		sp_int(sp, "updated", (long long)c->updated);
		sp_int(sp, "unchanged", (long long)c->unchanged);
		sp_int(sp, "not_modified", (long long)c->not_modified);
		sp_int(sp, "duplicate", (long long)c->duplicate);
		sp_int(sp, "failed", (long long)c->failed);
		sp->end(sp);
	}
	sp->end(sp);
	sp->end(sp);
	return EV_OK;
}

int cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct collection c;
	struct sprinter *sp = NULL;
	unsigned long skipped = 0;
	int opt, code, format = OUT_TEXT;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		if (opt == 'f') {
			code = cli_format_option(
			    "log", usage, optarg,
			    OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_JSON),
			    &format);
			if (code)
				return code;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("log", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("log", usage,
				       "unexpected argument '%s'",
				       argv[optind]);
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	if (format == OUT_JSON) {
		sp = sprinter_json_document(stdout, 1);
		if (!sp) {
			code = cli_fail(EV_NOMEM, "log", NULL);
			goto out;
		}
		sp->map_key(sp, "runs");
		sp->begin_list(sp);
		rc = runlog_read(c.store_dir, print_json, sp, &skipped);
		sp->end(sp);
		sprinter_document_end(sp);
	} else {
		rc = runlog_read(c.store_dir, print_text, NULL, &skipped);
	}
	if (rc) {
		code = cli_fail(rc, "run log", strerror(errno));
		goto out;
	}
	if (skipped)
		cli_error("log: %lu unreadable lines skipped (runs cut short)",
			  skipped);
	if (fflush(stdout) || ferror(stdout))
		code = cli_fail(EV_IO, "stdout", strerror(errno));
out:
	collection_release(&c);
	return code;
}
