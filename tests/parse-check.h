/* parse-check.h - running the parsers and checking records, for tests */
#ifndef EVIDENCE_TEST_PARSE_CHECK_H
#define EVIDENCE_TEST_PARSE_CHECK_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "record.h"
#include "tap.h"

/* --- Running the parser --- */

struct collected {
	struct record recs[8];
	size_t n;
	size_t seen;
	size_t stop_after; /* 0: never stop */
};

static inline void collected_release(struct collected *c)
{
	for (size_t i = 0; i < c->n; i++)
		record_release(&c->recs[i]);
	c->n = c->seen = 0;
}

static inline ev_status collect(struct record *rec, void *ctx)
{
	struct collected *c = ctx;

	c->seen++;
	if (c->n < sizeof(c->recs) / sizeof(*c->recs)) {
		record_init(&c->recs[c->n]);
		if (record_copy(&c->recs[c->n], rec))
			return EV_NOMEM;
		c->n++;
	}
	if (c->stop_after && c->seen >= c->stop_after)
		return EV_INTERRUPTED;
	return EV_OK;
}

struct run {
	enum format fmt;     /* FORMAT_UNKNOWN: detect */
	size_t max_size;
	const char *charset;
	const char *url;
};

static inline ev_status run_path(const char *path, const struct run *opt,
			  struct collected *c, char *err, size_t errsz)
{
	struct parse_input in = { .name = path,
				  .url = opt ? opt->url : NULL,
				  .fd = -1,
				  .charset = opt ? opt->charset : NULL,
				  .max_size = opt ? opt->max_size : 0 };
	ev_status rc;

	collected_release(c);
	in.fd = open(path, O_RDONLY);
	if (in.fd < 0) {
		snprintf(err, errsz, "cannot open %s", path);
		return EV_IO;
	}
	rc = parse_input(opt ? opt->fmt : FORMAT_UNKNOWN, &in, collect, c,
			 err, errsz);
	close(in.fd);
	return rc;
}

/* The record as JSON, to look for text anywhere in it. */
static inline int record_contains(const struct record *rec, const char *needle)
{
	char *json = NULL;
	int found;

	if (record_to_json(rec, &json))
		return -1;
	found = strstr(json, needle) != NULL;
	free(json);
	return found;
}

/*
 * A string field: NULL is "not checked", "" is "must be absent".  An
 * author is "family|given" or "=literal"; a passage "section|text" (an
 * empty section is none).  A count of -1 is "not checked"; a count or
 * date left at 0 is checked as 0.
 */
struct expect {
	const char *file;
	ev_status rc;
	size_t n_records;
	size_t index;
	const char *type, *evidence_type, *title, *container, *publisher;
	const char *doi, *pmid, *pmcid, *volume, *issue, *page, *language;
	const char *url, *abstract;
	int year, month, day;
	long n_authors;
	const char *author1, *author_last;
	long n_passages;
	const char *passage1, *passage_last;
	long n_keywords;
	const char *keyword, *pubtype, *relation, *cite;
	long n_relations, n_cites;
	const char *absent[12];
};

static inline void check_str(const char *file, const char *what,
			     const char *got, const char *want)
{
	if (want)
		is_str(got, *want ? want : NULL, "%s: %s", file, what);
}

static inline void check_author(const char *file, const char *what,
			 const struct author *a, const char *want)
{
	char got[512];

	if (!want)
		return;
	if (!a)
		snprintf(got, sizeof(got), "(none)");
	else if (a->literal)
		snprintf(got, sizeof(got), "=%s", a->literal);
	else
		snprintf(got, sizeof(got), "%s|%s", a->family ? a->family : "",
			 a->given ? a->given : "");
	is_str(got, want, "%s: %s", file, what);
}

static inline void check_passage(const char *file, const char *what,
			  const struct passage *p, const char *want)
{
	char got[1024];

	if (!want)
		return;
	if (!p)
		snprintf(got, sizeof(got), "(none)");
	else
		snprintf(got, sizeof(got), "%s|%s",
			 p->section ? p->section : "", p->text);
	is_str(got, want, "%s: %s", file, what);
}

static inline void check_count(const char *file, const char *what, long got,
			long want)
{
	if (want >= 0)
		is_int(got, want, "%s: %s", file, what);
}

/* Check REC against everything FC says about it; NAME labels the
 * checks. */
static inline void check_expect(const char *name, const struct record *r,
			 const struct expect *fc)
{
	check_str(name, "type", r->type, fc->type);
	check_str(name, "evidence type", r->evidence_type,
		  fc->evidence_type);
	check_str(name, "title", r->title, fc->title);
	check_str(name, "container", r->container_title, fc->container);
	check_str(name, "publisher", r->publisher, fc->publisher);
	check_str(name, "doi", r->doi, fc->doi);
	check_str(name, "pmid", r->pmid, fc->pmid);
	check_str(name, "pmcid", r->pmcid, fc->pmcid);
	check_str(name, "volume", r->volume, fc->volume);
	check_str(name, "issue", r->issue, fc->issue);
	check_str(name, "page", r->page, fc->page);
	check_str(name, "language", r->language, fc->language);
	check_str(name, "url", r->url, fc->url);
	check_str(name, "abstract", r->abstract, fc->abstract);
	if (fc->year >= 0)
		ok(r->issued.year == fc->year &&
			   r->issued.month == fc->month &&
			   r->issued.day == fc->day,
		   "%s: issued %d-%d-%d (want %d-%d-%d)", name,
		   r->issued.year, r->issued.month, r->issued.day,
		   fc->year, fc->month, fc->day);
	check_count(name, "authors", (long)r->n_authors, fc->n_authors);
	check_author(name, "first author",
		     r->n_authors ? &r->authors[0] : NULL, fc->author1);
	check_author(name, "last author",
		     r->n_authors ? &r->authors[r->n_authors - 1]
				  : NULL,
		     fc->author_last);
	check_count(name, "passages", (long)r->n_passages,
		    fc->n_passages);
	check_passage(name, "first passage",
		      r->n_passages ? &r->passages[0] : NULL,
		      fc->passage1);
	check_passage(name, "last passage",
		      r->n_passages ? &r->passages[r->n_passages - 1]
				    : NULL,
		      fc->passage_last);
	check_count(name, "keywords", (long)r->keywords.n,
		    fc->n_keywords);
	if (fc->keyword)
		ok(strvec_find(&r->keywords, fc->keyword) >= 0,
		   "%s: keyword '%s'", name, fc->keyword);
	if (fc->pubtype)
		ok(strvec_find(&r->publication_types, fc->pubtype) >= 0,
		   "%s: publication type '%s'", name, fc->pubtype);
	check_count(name, "relations", (long)r->n_relations,
		    fc->n_relations);
	if (fc->relation) {
		int found = 0;

		for (size_t k = 0; k < r->n_relations; k++) {
			char rel[512];

			snprintf(rel, sizeof(rel), "%s=%s",
				 r->relations[k].type,
				 r->relations[k].target);
			found |= !strcmp(rel, fc->relation);
		}
		ok(found, "%s: relation %s", name, fc->relation);
	}
	check_count(name, "cites", (long)r->cites.n, fc->n_cites);
	if (fc->cite)
		ok(strvec_find(&r->cites, fc->cite) >= 0,
		   "%s: cites %s", name, fc->cite);
	for (size_t k = 0; k < 12 && fc->absent[k]; k++)
		is_int(record_contains(r, fc->absent[k]), 0,
		       "%s: no '%s' anywhere", name, fc->absent[k]);
}

#endif
