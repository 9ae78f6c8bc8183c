/* cmd-search.c - "evidence search": ranked evidence for a query */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "csv.h"
#include "evidence-type.h"
#include "query/cite-emit.h"
#include "search.h"
#include "setup.h"
#include "sprinter.h"
#include "store.h"

static const char usage[] =
	"evidence search [--lesson L]... [--type T]... [--since YEAR] "
	"[--until YEAR] [--limit N] [--offset N] [--all-passages] "
	"[--format text|json|csv] [--cite STYLE] QUERY...";

/* --cite STYLE: each hit followed by its reference (style -1: none). */
struct cite_opt {
	int style;
	struct cite_keys *keys; /* for BibTeX */
};

/* The reference of W in CO's style into B ("" without --cite). */
static void hit_reference(const struct cite_opt *co, const struct record *w,
			  struct buf *b)
{
	buf_reset(b);
	if (co->style >= 0)
		cite_format(w, (enum cite_style)co->style, CITE_TEXT, co->keys,
			    b);
	while (b->len && b->ptr[b->len - 1] == '\n')
		b->ptr[--b->len] = '\0';
}

/* "Family Given" for an author, as the JSON output gives names. */
static void author_name(const struct author *a, struct buf *b)
{
	if (a->literal)
		buf_addstr(b, a->literal);
	else if (a->family && a->given)
		buf_printf(b, "%s %s", a->family, a->given);
	else if (a->family)
		buf_addstr(b, a->family);
}

/* "Pettigrew LM" for a reference line: family name and initials. */
static void author_short(const struct author *a, struct buf *b)
{
	const char *g = a->given;

	if (a->literal || !a->family) {
		author_name(a, b);
		return;
	}
	buf_addstr(b, a->family);
	if (g && *g)
		buf_addch(b, ' ');
	for (int start = 1; g && *g; g++) {
		if (*g == ' ' || *g == '-' || *g == '.') {
			start = 1;
		} else if (start) {
			/* The whole first character, even when it is not
			 * ASCII. */
			size_t n = 1;

			while ((g[n] & 0xc0) == 0x80)
				n++;
			buf_add(b, g, n);
			start = 0;
		}
	}
}

static void print_json(const struct search_options *o,
		       const struct search_result *res,
		       const struct cite_opt *co)
{
	struct sprinter *sp = sprinter_json_document(stdout, 1);
	struct buf ref = BUF_INIT;

	if (!sp)
		return;
	sp_str(sp, "query", o->query);
	sp_int(sp, "total", res->total);
	sp->map_key(sp, "total_exact");
	sp->boolean(sp, res->total_exact);
	if (res->suggestion)
		sp_str(sp, "suggestion", res->suggestion);
	sp->map_key(sp, "hits");
	sp->begin_list(sp);
	for (size_t i = 0; i < res->n_hits; i++) {
		const struct search_hit *h = &res->hits[i];
		const struct record *w = &h->work;

		sp->begin_map(sp);
		sp_int(sp, "rank", h->rank);
		sp_real(sp, "score", h->score);
		sp_str(sp, "id", w->id);
		sp_str(sp, "title", w->title);
		sp->map_key(sp, "authors");
		sp->begin_list(sp);
		for (size_t k = 0; k < w->n_authors; k++) {
			struct buf name = BUF_INIT;

			author_name(&w->authors[k], &name);
			sp->string(sp, buf_str(&name));
			buf_release(&name);
		}
		sp->end(sp);
		sp->map_key(sp, "year");
		if (w->issued.year)
			sp->integer(sp, w->issued.year);
		else
			sp->null(sp);
		sp_str(sp, "container", w->container_title);
		sp_str(sp, "doi", w->doi);
		sp_str(sp, "pmid", w->pmid);
		sp_str(sp, "url", w->url);
		sp_str(sp, "evidence_type", w->evidence_type);
		sp->map_key(sp, "lessons");
		sp->begin_list(sp);
		for (size_t k = 0; k < h->n_lessons; k++) {
			sp->begin_map(sp);
			sp_str(sp, "lesson", h->lessons[k].lesson);
			sp_real(sp, "strength", h->lessons[k].strength);
			sp->end(sp);
		}
		sp->end(sp);
		sp->map_key(sp, "passage");
		if (h->passage) {
			sp->begin_map(sp);
			sp_int(sp, "n", h->passage);
			sp_str(sp, "text", h->passage_text);
			sp_str(sp, "snippet", h->snippet);
			sp->end(sp);
		} else {
			sp->null(sp);
		}
		if (co->style >= 0) {
			hit_reference(co, w, &ref);
			sp_str(sp, "citation", buf_str(&ref));
		}
		sp->end(sp);
	}
	sp->end(sp);
	sprinter_document_end(sp);
	buf_release(&ref);
}

static void print_csv(const struct search_result *res,
		      const struct cite_opt *co)
{
	static const char *const header[] = {
		"rank",		 "score",     "id",	 "title",   "authors",
		"year",		 "container", "doi",	 "pmid",    "url",
		"evidence_type", "lessons",   "passage", "snippet",
	};

	for (size_t i = 0; i < sizeof(header) / sizeof(*header); i++)
		csv_field(stdout, header[i], i == 0);
	if (co->style >= 0)
		csv_field(stdout, "citation", 0);
	csv_end_row(stdout);
	for (size_t i = 0; i < res->n_hits; i++) {
		const struct search_hit *h = &res->hits[i];
		const struct record *w = &h->work;
		struct buf b = BUF_INIT;
		char num[32];

		snprintf(num, sizeof(num), "%u", h->rank);
		csv_field(stdout, num, 1);
		snprintf(num, sizeof(num), "%.4f", h->score);
		csv_field(stdout, num, 0);
		csv_field(stdout, w->id, 0);
		csv_field(stdout, w->title, 0);
		for (size_t k = 0; k < w->n_authors; k++) {
			if (k)
				buf_addstr(&b, "; ");
			author_name(&w->authors[k], &b);
		}
		csv_field(stdout, buf_str(&b), 0);
		buf_reset(&b);
		if (w->issued.year)
			snprintf(num, sizeof(num), "%d", w->issued.year);
		csv_field(stdout, w->issued.year ? num : NULL, 0);
		csv_field(stdout, w->container_title, 0);
		csv_field(stdout, w->doi, 0);
		csv_field(stdout, w->pmid, 0);
		csv_field(stdout, w->url, 0);
		csv_field(stdout, w->evidence_type, 0);
		for (size_t k = 0; k < h->n_lessons; k++)
			buf_printf(&b, "%s%s:%.2f", k ? ";" : "",
				   h->lessons[k].lesson,
				   h->lessons[k].strength);
		csv_field(stdout, buf_str(&b), 0);
		if (h->passage)
			snprintf(num, sizeof(num), "%u", h->passage);
		csv_field(stdout, h->passage ? num : NULL, 0);
		csv_field(stdout, h->snippet, 0);
		if (co->style >= 0) {
			hit_reference(co, w, &b);
			csv_field(stdout, buf_str(&b), 0);
		}
		csv_end_row(stdout);
		buf_release(&b);
	}
}

/* The snippet with its ** markers turned into bold on a terminal. */
static void print_snippet(const char *s, int tty)
{
	int open = 0;

	while (*s) {
		if (s[0] == '*' && s[1] == '*') {
			if (tty)
				fputs(open ? "\033[0m" : "\033[1m", stdout);
			else
				fputs("**", stdout);
			open = !open;
			s += 2;
			continue;
		}
		putchar(*s++);
	}
	if (open && tty)
		fputs("\033[0m", stdout);
}

static void print_text(const struct search_result *res,
		       const struct cite_opt *co)
{
	int tty = isatty(STDOUT_FILENO);

	for (size_t i = 0; i < res->n_hits; i++) {
		const struct search_hit *h = &res->hits[i];
		const struct record *w = &h->work;
		struct buf b = BUF_INIT;

		printf("%u. %s", h->rank, w->title ? w->title : "(untitled)");
		if (w->issued.year)
			printf(" (%d)", w->issued.year);
		printf("\n   ");
		for (size_t k = 0; k < w->n_authors && k < 3; k++) {
			if (k)
				buf_addstr(&b, ", ");
			author_short(&w->authors[k], &b);
		}
		if (w->n_authors > 3)
			buf_addstr(&b, ", et al");
		if (b.len)
			printf("%s. ", buf_str(&b));
		if (w->container_title)
			printf("%s. ", w->container_title);
		printf("[%s]", w->evidence_type ? w->evidence_type : "other");
		if (evidence_type_retracted(w))
			printf(" [retracted]");
		if (w->doi)
			printf(" doi:%s", w->doi);
		else if (w->pmid)
			printf(" pmid:%s", w->pmid);
		printf("\n   id: %s  score: %.2f", w->id, h->score);
		if (h->n_lessons) {
			printf("  lessons:");
			for (size_t k = 0; k < h->n_lessons; k++)
				printf(" %s %.2f", h->lessons[k].lesson,
				       h->lessons[k].strength);
		}
		printf("\n");
		if (h->passage) {
			printf("   [passage %u] ", h->passage);
			print_snippet(h->snippet && *h->snippet
					      ? h->snippet
					      : h->passage_text,
				      tty);
			printf("\n");
		}
		if (co->style >= 0) {
			/* the reference, every line indented like the hit */
			hit_reference(co, w, &b);
			printf("   ");
			for (const char *p = buf_str(&b); *p; p++) {
				putchar(*p);
				if (*p == '\n')
					printf("   ");
			}
			printf("\n");
		}
		printf("\n");
		buf_release(&b);
	}
	if (res->n_hits)
		printf("%zu of %s%u works shown.\n", res->n_hits,
		       res->total_exact ? "" : "about ", res->total);
}

static int parse_year(const char *arg, int *year)
{
	long y = cli_parse_count(arg);

	if (y < 1000 || y > 9999)
		return -1;
	*year = (int)y;
	return 0;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"lesson", required_argument, NULL, 'l'},
		{"type", required_argument, NULL, 't'},
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"limit", required_argument, NULL, 'n'},
		{"offset", required_argument, NULL, 'o'},
		{"all-passages", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"cite", required_argument, NULL, 'c'},
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0}};
	struct search_options o = {0};
	struct search_result res = {0};
	struct cite_opt co = {-1, NULL};
	struct lessons *taxonomy = NULL;
	struct collection c;
	struct buf query = BUF_INIT;
	char err[512] = "";
	char *msg = NULL;
	int opt, format = OUT_TEXT, code = EXIT_OK, collection_open = 0;
	int has_words; /* QUERY has a word, not only blanks */
	long n;
	ev_status rc;

	strvec_init(&o.lessons);
	strvec_init(&o.types);
	o.limit = 10;
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS "n:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			strvec_push(&o.lessons, optarg);
			break;
		case 't': {
			int t = evidence_type_lookup(optarg);

			if (t < 0) {
				code = cli_usage_error(
					"search", usage,
					"unknown evidence "
					"type '%s' (see 'evidence stats')",
					optarg);
				goto out;
			}
			strvec_push(&o.types, evidence_type_name(t));
			break;
		}
		case 's':
		case 'u':
			if (parse_year(optarg,
				       opt == 's' ? &o.since : &o.until)) {
				code = cli_usage_error("search", usage,
						       "'%s' is not a year",
						       optarg);
				goto out;
			}
			break;
		case 'n':
		case 'o':
			n = cli_parse_count(optarg);
			if (n < 0 || n > SEARCH_MAX_LIMIT) {
				code = cli_usage_error("search", usage,
						       "'%s' is not a "
						       "number from 0 to %d",
						       optarg,
						       SEARCH_MAX_LIMIT);
				goto out;
			}
			if (opt == 'n')
				o.limit = (unsigned)n;
			else
				o.offset = (unsigned)n;
			break;
		case 'a':
			o.all_passages = 1;
			break;
		case 'c':
			co.style = cite_style_lookup(optarg);
			if (co.style < 0) {
				code = cli_usage_error(
					"search", usage,
					"unknown citation style '%s' "
					"(vancouver, apa, bibtex, ris or "
					"csl-json)",
					optarg);
				goto out;
			}
			break;
		case 'f':
			code = cli_format_option("search", usage, optarg,
						 OUT_ALLOW(OUT_TEXT) |
							 OUT_ALLOW(OUT_JSON) |
							 OUT_ALLOW(OUT_CSV),
						 &format);
			if (code)
				goto out;
			break;
		default:
			if (!cli_common_option(cli, opt, optarg)) {
				code = cli_bad_option("search", usage);
				goto out;
			}
		}
	}
	for (int i = optind; i < argc; i++)
		buf_printf(&query, "%s%s", i > optind ? " " : "", argv[i]);
	o.query = buf_str(&query);
	/* A query of blanks has no words: like none, it needs a filter. */
	has_words = !search_query_blank(o.query);
	if (!has_words && !search_has_filter(&o)) {
		code = cli_usage_error("search", usage, "no query given");
		goto out;
	}
	if (!has_words)
		o.query = ""; /* and so the JSON says: none */
	code = cli_open_collection(cli, &c, 0);
	if (code)
		goto out;
	collection_open = 1;
	/*
	 * The taxonomy serves to see which lessons the query's words name,
	 * and to check the names given with --lesson.  Reading it is a
	 * good part of a search's start (a millisecond for the shipped
	 * file), so a search with neither, on filters only, goes without.
	 * With it, the index is opened once for the taxonomy's memo and
	 * the search; a failure to open it is told after any taxonomy's,
	 * as search_run() would tell it.
	 */
	if (has_words || o.lessons.n) {
		ev_status open_rc = search_open(c.index_dir, &o.db, &msg);

		rc = setup_lessons(cli, &c, o.db, &taxonomy, NULL, err,
				   sizeof(err));
		if (rc) {
			code = cli_fail(rc, "lessons", err);
			goto out;
		}
		if (open_rc) {
			code = cli_fail(open_rc, "search", msg);
			goto out;
		}
	}
	for (size_t i = 0; i < o.lessons.n; i++)
		if (lessons_find(taxonomy, o.lessons.v[i]) < 0) {
			struct buf names = BUF_INIT;

			for (size_t k = 0; k < lessons_count(taxonomy); k++)
				buf_printf(&names, "%s%s", k ? ", " : "",
					   lessons_name(taxonomy, k));
			code = cli_usage_error("search", usage,
					       "unknown "
					       "lesson '%s' (the lessons are: "
					       "%s)",
					       o.lessons.v[i],
					       buf_str(&names));
			buf_release(&names);
			goto out;
		}
	o.taxonomy = taxonomy;
	rc = search_run(c.index_dir, &o, &res, &msg);
	if (rc) {
		code = cli_fail(rc, "search", msg);
		goto out;
	}
	if (co.style == CITE_BIBTEX && res.n_hits) {
		/* BibTeX keys are settled over the whole collection */
		struct store *store = NULL;

		rc = store_open(c.store_dir, 0, &store, &msg);
		if (!rc)
			rc = cite_keys_of_store(store, &co.keys);
		store_close(store);
		if (rc) {
			code = cli_fail(rc, "search", msg);
			goto out;
		}
	}
	if (format == OUT_JSON)
		print_json(&o, &res, &co);
	else if (format == OUT_CSV)
		print_csv(&res, &co);
	else
		print_text(&res, &co);
	if (res.n_hits == 0) {
		code = EXIT_NOTHING;
		if (format == OUT_TEXT || !cli->quiet) {
			if (res.suggestion)
				fprintf(stderr,
					"evidence: no results for "
					"'%s'; did you mean '%s'?\n",
					o.query, res.suggestion);
			else if (o.offset)
				fprintf(stderr,
					"evidence: no results past "
					"%u\n",
					o.offset);
			else
				search_tell_nothing(o.query);
		}
	}
out:
	free(msg);
	cite_keys_free(co.keys);
	search_result_release(&res);
	xdb_close(o.db);
	lessons_free(taxonomy);
	buf_release(&query);
	strvec_release(&o.lessons);
	strvec_release(&o.types);
	if (collection_open)
		collection_release(&c);
	return code;
}
