/* cmd-report.c - "evidence report": a one-file HTML brief */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "report.h"

static const char usage[] =
	"evidence report [--query Q] [--lesson L]... [--type T]... "
	"[--since YEAR] [--until YEAR] [--by type|year|source] [--top N] "
	"[--style vancouver|apa] -o FILE|-";

/* "23 November 2026, 11:02 UTC": now, or SOURCE_DATE_EPOCH when set, so
 * a brief can be made reproducibly. */
static void when(char *out, size_t size)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (epoch && *epoch) {
		char *end;
		long long v = strtoll(epoch, &end, 10);

		if (!*end && v >= 0)
			t = (time_t)v;
	}
	gmtime_r(&t, &tm);
	strftime(out, size, "%-d %B %Y, %H:%M UTC", &tm);
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		MAP_LONG_OPTIONS,
		{"top", required_argument, NULL, 'n'},
		{"style", required_argument, NULL, 'S'},
		{"output", required_argument, NULL, 'o'},
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0}};
	struct report_options o = {0};
	struct lessons *taxonomy = NULL;
	struct collection c;
	struct buf html = BUF_INIT;
	const char *output = NULL;
	char date[64];
	char *msg = NULL;
	int opt, code = EXIT_OK, collection_open = 0;
	long n;
	ev_status rc;

	strvec_init(&o.search.types);
	strvec_init(&o.search.lessons);
	strvec_init(&o.lessons);
	o.search.query = "";
	o.by = MAP_BY_TYPE;
	o.top = REPORT_TOP_DEFAULT;
	o.style = "vancouver";
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS "o:", longopts,
				  NULL)) != -1) {
		if (opt == 'n') {
			n = cli_parse_count(optarg);
			if (n < 0 || n > REPORT_TOP_MAX)
				code = cli_usage_error(
					"report", usage,
					"--top: '%s' is not a number from 0 "
					"to %d",
					optarg, REPORT_TOP_MAX);
			else
				o.top = (unsigned)n;
		} else if (opt == 'S') {
			if (!report_style_known(optarg))
				code = cli_usage_error(
					"report", usage,
					"unknown reference style '%s' (the "
					"brief knows: vancouver, apa)",
					optarg);
			o.style = optarg;
		} else if (opt == 'o') {
			output = optarg;
		} else {
			code = cmd_map_option(cli, "report", usage, opt,
					      optarg, &o.search, &o.lessons,
					      &o.by);
		}
		if (code)
			goto out;
	}
	if (!output && optind >= argc) {
		code = cli_usage_error("report", usage,
				       "say where the brief goes: -o FILE, "
				       "or -o - for standard output");
		goto out;
	}
	code = cmd_map_open(cli, "report", usage, argc, argv, &c, &taxonomy);
	if (code)
		goto out;
	collection_open = 1;
	o.search.taxonomy = taxonomy;
	when(date, sizeof(date));
	o.generated = date;
	rc = report_build(c.index_dir, &o, taxonomy, &html, &msg);
	if (rc == EV_USAGE) {
		code = cli_usage_error("report", usage, "%s", msg ? msg : "");
		goto out;
	}
	if (rc) {
		code = cli_fail(rc, "report", msg);
		goto out;
	}
	code = cmd_write_output("report", output, html.ptr, html.len);
out:
	free(msg);
	buf_release(&html);
	lessons_free(taxonomy);
	strvec_release(&o.lessons);
	strvec_release(&o.search.types);
	strvec_release(&o.search.lessons);
	if (collection_open)
		collection_release(&c);
	return code;
}
