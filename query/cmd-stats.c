/* cmd-stats.c - "evidence stats": what the collection holds */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fields.h"
#include "reader.h"
#include "sprinter.h"
#include "strvec.h"

static const char usage[] = "evidence stats [--format text|json]";

/* One facet's values and counts, kept to print after counting. */
struct facet {
	const char *key;   /* JSON key: "by_type" */
	const char *title; /* heading in text output */
	const char *prefix;
	const char *kind;
	struct strvec values;
	unsigned *counts;
	size_t n;
};

static int collect(const char *value, unsigned count, void *ctx)
{
	struct facet *f = ctx;
	unsigned *c = realloc(f->counts, (f->n + 1) * sizeof(*c));

	if (!c || strvec_push(&f->values, value)) {
		free(c);
		return -1;
	}
	f->counts = c;
	f->counts[f->n++] = count;
	return 0;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct facet facets[] = {
	    {"by_type", "evidence type", PREFIX_TYPE, "work", STRVEC_INIT,
	     NULL, 0},
	    {"by_year", "year", PREFIX_YEAR, "work", STRVEC_INIT, NULL, 0},
	    {"by_source", "source", PREFIX_SOURCE, "work", STRVEC_INIT, NULL,
	     0},
	    {"by_lesson", "lesson (passages)", PREFIX_LESSON, "passage",
	     STRVEC_INIT, NULL, 0},
	};
	const size_t n_facets = sizeof(facets) / sizeof(*facets);
	struct collection c;
	xdb_t *db = NULL;
	unsigned works = 0, passages = 0;
	char *msg = NULL;
	int opt, format = OUT_TEXT, code;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'f') {
			if (cli_format_option("stats", usage, optarg,
					      OUT_ALLOW(OUT_TEXT) |
						  OUT_ALLOW(OUT_JSON),
					      &format))
				return EXIT_USAGE;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("stats", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(
		    "stats", usage, "unexpected argument '%s'", argv[optind]);
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	rc = reader_open(c.index_dir, &db, &msg);
	if (!rc)
		rc = reader_count_kind(db, "work", &works);
	if (!rc)
		rc = reader_count_kind(db, "passage", &passages);
	for (size_t i = 0; !rc && i < n_facets; i++)
		rc = reader_facet(db, facets[i].kind, facets[i].prefix,
				  collect, &facets[i]);
	if (rc) {
		code = reader_fail("stats", rc, db, msg);
		goto out;
	}
	if (format == OUT_JSON) {
		struct sprinter *sp = sprinter_json_document(stdout, 1);

		if (!sp) {
			code = cli_fail(EV_NOMEM, "stats", NULL);
			goto out;
		}
		sp_int(sp, "works", works);
		sp_int(sp, "passages", passages);
		for (size_t i = 0; i < n_facets; i++) {
			sp->map_key(sp, facets[i].key);
			sp->begin_map(sp);
			for (size_t k = 0; k < facets[i].n; k++)
				sp_int(sp, facets[i].values.v[k],
				       facets[i].counts[k]);
			sp->end(sp);
		}
		sprinter_document_end(sp);
	} else {
		printf("works: %u\npassages: %u\n", works, passages);
		for (size_t i = 0; i < n_facets; i++) {
			printf("\nby %s:\n", facets[i].title);
			for (size_t k = 0; k < facets[i].n; k++)
				printf("  %-20s %6u\n", facets[i].values.v[k],
				       facets[i].counts[k]);
		}
	}
out:
	for (size_t i = 0; i < n_facets; i++) {
		strvec_release(&facets[i].values);
		free(facets[i].counts);
	}
	xdb_close(db);
	free(msg);
	collection_release(&c);
	return code;
}
