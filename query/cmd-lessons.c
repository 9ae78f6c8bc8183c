/* cmd-lessons.c - "evidence lessons": the taxonomy, with counts */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fields.h"
#include "reader.h"
#include "setup.h"
#include "sprinter.h"

static const char usage[] = "evidence lessons [--format text|json]";

struct counts {
	const struct lessons *tax;
	unsigned *n;
};

static int count_lesson(const char *value, unsigned count, void *ctx)
{
	struct counts *c = ctx;
	long i = lessons_find(c->tax, value);

	if (i >= 0)
		c->n[i] = count;
	return 0;
}

int cmd_lessons(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct lessons *tax = NULL;
	struct collection c;
	struct counts passages = {0}, works = {0};
	xdb_t *db = NULL;
	char err[512] = "";
	char *msg = NULL;
	const char *used = NULL;
	int opt, format = OUT_TEXT, code;
	size_t n;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'f') {
			if (cli_format_option("lessons", usage, optarg,
					      OUT_ALLOW(OUT_TEXT) |
						  OUT_ALLOW(OUT_JSON),
					      &format))
				return EXIT_USAGE;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("lessons", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("lessons", usage,
				       "unexpected argument '%s'",
				       argv[optind]);
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	rc = setup_lessons(cli, &c, NULL, &tax, &used, err, sizeof(err));
	if (rc) {
		code = cli_fail(rc, "lessons", err);
		goto out;
	}
	n = lessons_count(tax);
	passages.tax = works.tax = tax;
	passages.n = calloc(n + 1, sizeof(unsigned));
	works.n = calloc(n + 1, sizeof(unsigned));
	if (!passages.n || !works.n) {
		code = cli_fail(EV_NOMEM, "lessons", NULL);
		goto out;
	}
	/* Counts come from the index; a collection not indexed yet has
	 * none, which is not an error for a listing of the taxonomy. */
	rc = reader_open(c.index_dir, &db, &msg);
	if (rc == EV_NOT_FOUND) {
		rc = EV_OK;
	} else if (!rc) {
		rc = reader_facet(db, "passage", PREFIX_LESSON, count_lesson,
				  &passages);
		if (!rc)
			rc = reader_facet(db, "work", PREFIX_LESSON,
					  count_lesson, &works);
	}
	if (rc) {
		code = reader_fail("lessons", rc, db, msg);
		goto out;
	}
	if (format == OUT_JSON) {
		struct sprinter *sp = sprinter_json_document(stdout, 1);

		if (!sp) {
			code = cli_fail(EV_NOMEM, "lessons", NULL);
			goto out;
		}
		sp_str(sp, "taxonomy", used);
		sp->map_key(sp, "lessons");
		sp->begin_list(sp);
		for (size_t i = 0; i < n; i++) {
			sp->begin_map(sp);
			sp_str(sp, "lesson", lessons_name(tax, i));
			sp_str(sp, "label", lessons_label(tax, i));
			sp_str(sp, "description", lessons_description(tax, i));
			sp_int(sp, "passages", passages.n[i]);
			sp_int(sp, "works", works.n[i]);
			sp->end(sp);
		}
		sp->end(sp);
		sprinter_document_end(sp);
	} else {
		printf("%-16s %8s %6s  %s\n", "lesson", "passages", "works",
		       "description");
		for (size_t i = 0; i < n; i++)
			printf("%-16s %8u %6u  %s\n", lessons_name(tax, i),
			       passages.n[i], works.n[i],
			       lessons_description(tax, i)
				   ? lessons_description(tax, i)
				   : "");
		printf("\n(taxonomy: %s)\n", used);
	}
out:
	free(passages.n);
	free(works.n);
	xdb_close(db);
	free(msg);
	lessons_free(tax);
	collection_release(&c);
	return code;
}
