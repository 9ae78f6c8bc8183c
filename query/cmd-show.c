/* cmd-show.c - "evidence show": one record, its passages and lessons */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evidence-type.h"
#include "printer.h"
#include "setup.h"
#include "store.h"

static const char usage[] =
    "evidence show [--format text|json] [--explain] ID";

static void print_text(const struct record *rec, const struct lessons *tax,
		       const struct lesson_tags *tags, int explain)
{
	size_t i;

	printf("%s%s\n", evidence_type_retracted(rec) ? "[retracted] " : "",
	       rec->title ? rec->title : "(untitled)");
	for (i = 0; i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];

		if (a->literal)
			printf("%s%s", i ? ", " : "", a->literal);
		else
			printf("%s%s%s%s", i ? ", " : "",
			       a->given ? a->given : "", a->given ? " " : "",
			       a->family ? a->family : "");
	}
	if (rec->n_authors)
		printf("\n");
	if (rec->container_title)
		printf("%s", rec->container_title);
	if (rec->issued.year)
		printf("%s%d", rec->container_title ? ", " : "",
		       rec->issued.year);
	if (rec->volume)
		printf(";%s", rec->volume);
	if (rec->issue)
		printf("(%s)", rec->issue);
	if (rec->page)
		printf(":%s", rec->page);
	if (rec->container_title || rec->issued.year)
		printf("\n");
	printf("id: %s\n", rec->id);
	printf("evidence type: %s\n",
	       rec->evidence_type ? rec->evidence_type : "other");
	if (rec->doi)
		printf("doi: %s\n", rec->doi);
	if (rec->pmid)
		printf("pmid: %s\n", rec->pmid);
	if (rec->pmcid)
		printf("pmcid: %s\n", rec->pmcid);
	if (rec->url)
		printf("url: %s\n", rec->url);
	if (rec->keywords.n) {
		printf("keywords:");
		for (i = 0; i < rec->keywords.n; i++)
			printf("%s %s", i ? ";" : "", rec->keywords.v[i]);
		printf("\n");
	}
	for (i = 0; i < rec->n_relations; i++)
		printf("%s: %s\n", rec->relations[i].type,
		       rec->relations[i].target);
	for (i = 0; i < rec->n_provenance; i++)
		printf("source: %s %s%s%s\n",
		       rec->provenance[i].source ? rec->provenance[i].source
						 : "?",
		       rec->provenance[i].url ? rec->provenance[i].url : "",
		       rec->provenance[i].fetched_at ? " at " : "",
		       rec->provenance[i].fetched_at
			   ? rec->provenance[i].fetched_at
			   : "");
	for (i = 0; i < rec->n_passages; i++) {
		const struct lesson_tags *t = &tags[i];

		printf("\n[%zu]%s%s%s %s\n", i + 1,
		       rec->passages[i].section ? " (" : "",
		       rec->passages[i].section ? rec->passages[i].section
						: "",
		       rec->passages[i].section ? ")" : "",
		       rec->passages[i].text);
		for (size_t k = 0; k < t->n; k++) {
			printf("    lesson: %s %.2f",
			       lessons_name(tax, t->v[k].lesson),
			       t->v[k].strength);
			if (explain) {
				printf(" (");
				for (size_t c = 0; c < t->v[k].cues.n; c++)
					printf("%s%s", c ? "; " : "",
					       t->v[k].cues.v[c]);
				printf(")");
			}
			printf("\n");
		}
	}
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"explain", no_argument, NULL, 'e'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct lessons *tax = NULL;
	struct lesson_tags *tags = NULL;
	struct store *store = NULL;
	struct collection c;
	struct record rec;
	char err[512] = "";
	char *msg = NULL, *id = NULL;
	int opt, format = OUT_TEXT, explain = 0, code;
	ev_status rc;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'f') {
			if (cli_format_option("show", usage, optarg,
					      OUT_ALLOW(OUT_TEXT) |
						  OUT_ALLOW(OUT_JSON),
					      &format))
				return EXIT_USAGE;
		} else if (opt == 'e') {
			explain = 1;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("show", usage);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("show", usage,
				       optind >= argc ? "no id given"
						      : "one id at a time");
	code = cli_open_collection(cli, &c, 0);
	if (code)
		return code;
	record_init(&rec);
	rc = store_open(c.store_dir, 0, &store, &msg);
	if (!rc)
		rc = store_resolve(store, argv[optind], &id);
	if (!rc)
		rc = store_get(store, id, &rec, NULL);
	if (rc) {
		code = cli_fail(rc, "show", msg ? msg : store_errmsg(store));
		goto out;
	}
	rc = setup_lessons(cli, &c, NULL, &tax, NULL, err, sizeof(err));
	if (rc) {
		code = cli_fail(rc, "lessons", err);
		goto out;
	}
	tags = calloc(rec.n_passages + 1, sizeof(*tags));
	if (!tags) {
		code = cli_fail(EV_NOMEM, "show", NULL);
		goto out;
	}
	for (size_t i = 0; !rc && i < rec.n_passages; i++) {
		lesson_tags_init(&tags[i]);
		rc = lessons_tag(tax, rec.passages[i].text, 1.0, &tags[i]);
	}
	if (rc) {
		code = cli_fail(rc, "show", "cannot tag passages");
		goto out;
	}
	if (format == OUT_JSON) {
		struct sprinter *sp = sprinter_json_document(stdout, 1);

		if (!sp) {
			code = cli_fail(EV_NOMEM, "show", NULL);
			goto out;
		}
		print_record(sp, &rec, tax, tags);
		sprinter_document_end(sp);
	} else {
		print_text(&rec, tax, tags, explain);
	}
out:
	if (tags)
		for (size_t i = 0; i < rec.n_passages; i++)
			lesson_tags_release(&tags[i]);
	free(tags);
	record_release(&rec);
	lessons_free(tax);
	store_close(store);
	free(id);
	free(msg);
	collection_release(&c);
	return code;
}
