/* cite-apa.c - APA 7 references, as apa.csl renders them */
#include "config.h"

#include "query/cite-writer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* APA lists up to 20 authors; past that the first 19, an ellipsis and
 * the last (apa.csl: et-al-min 21, et-al-use-first 19, use-last). */
#define APA_MAX_AUTHORS 20
#define APA_FIRST_AUTHORS 19

static int has(const char *s)
{
	return s && *s;
}

/* "Family, G. N." and, when SUFFIX is set, the given name's suffix. */
static void apa_name(struct cite_writer *w, const struct author *a,
		     int suffix)
{
	if (a->literal || !a->family) {
		cw_text(w, a->literal ? a->literal : a->given);
		return;
	}
	cw_text(w, a->family);
	cw_initials(w, ", ", a->given, 1, suffix);
}

/* The authors; SUFFIX as for apa_name(). */
static void apa_authors(struct cite_writer *w, const struct record *rec,
			int suffix)
{
	size_t n = rec->n_authors;

	if (n > APA_MAX_AUTHORS) {
		for (size_t i = 0; i < APA_FIRST_AUTHORS; i++) {
			apa_name(w, &rec->authors[i], suffix);
			cw_punct(w, ", ");
		}
		cw_plain(w, "\u2026 ");
		apa_name(w, &rec->authors[n - 1], suffix);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			cw_punct(w, i == n - 1 ? ", & " : ", ");
		apa_name(w, &rec->authors[i], suffix);
	}
}

static int numeric(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Types apa.csl gives a book's locators (volume, issue, pages). */
static int booklike(const struct record *rec)
{
	return !cite_type_is(rec, "article-journal article-magazine "
				  "article-newspaper broadcast interview "
				  "patent post post-weblog review review-book "
				  "speech webpage paper-conference");
}

/* A volume that is not a number goes after the title or the book
 * ("Title: Vol. IV") for every type but the periodical and web ones. */
static int volume_words(const struct record *rec)
{
	return has(rec->volume) && !numeric(rec->volume) &&
	       !cite_type_is(rec, "article-journal article-magazine "
				  "article-newspaper post-weblog review "
				  "review-book paper-conference post webpage");
}

/* "Vol. 3, Issue 2, pp. 1-118" of a booklike work; 0 when empty. */
static int apa_locators(struct cite_writer *w, const struct record *rec)
{
	int any = 0;
	const char *p = rec->page;

	if (numeric(rec->volume)) {
		cw_plain(w, "Vol. ");
		cw_plain(w, rec->volume);
		any = 1;
	}
	if (has(rec->issue)) {
		if (any)
			cw_punct(w, ", ");
		cw_plain(w, "Issue ");
		cw_plain(w, rec->issue);
		any = 1;
	}
	if (has(p)) {
		if (any)
			cw_punct(w, ", ");
		/* "pp." for a range or a list */
		cw_plain(w, strpbrk(p, "-,&") || strstr(p, "\u2013") ? "pp. "
								     : "p. ");
		cw_pages(w, p, PAGES_EXPANDED);
		any = 1;
	}
	return any;
}

/* " (LOCATORS)" when there are any. */
static void apa_parenthetical(struct cite_writer *w, const struct record *rec)
{
	size_t at = w->out->len;
	char last = w->last;

	cw_punct(w, " (");
	if (apa_locators(w, rec)) {
		cw_punct(w, ")");
		return;
	}
	w->out->len = at;
	if (w->out->ptr)
		w->out->ptr[at] = '\0';
	w->last = last;
}

/* The title: in italics for web pages and for works that stand alone,
 * with a volume that is not a number after it ("Title: Vol. IV"). */
static void apa_title(struct cite_writer *w, const struct record *rec)
{
	int web = cite_type_is(rec, "post webpage");
	int italic = web || !has(rec->container_title);

	if (italic)
		cw_italic(w, 1);
	cw_text(w, rec->title);
	if (italic && volume_words(rec)) {
		cw_punct(w, ": ");
		cw_plain(w, "Vol. ");
		cw_plain(w, rec->volume);
	}
	if (italic)
		cw_italic(w, 0);
	if (!has(rec->container_title) && booklike(rec))
		apa_parenthetical(w, rec);
}

/* What follows the title in brackets: what a review reviews (unless
 * its title stands in for the author), a thesis's university (when it
 * is online), the kind of a data set, a map or an interview. */
static int bracketed(const struct record *rec)
{
	if (cite_type_is(rec, "review review-book"))
		return has(rec->title) && rec->n_authors;
	if (cite_type_is(rec, "thesis"))
		return has(rec->publisher) && (has(rec->doi) || has(rec->url));
	return cite_type_is(rec, "dataset map interview");
}

static void apa_bracketed(struct cite_writer *w, const struct record *rec)
{
	cw_punct(w, "[");
	if (cite_type_is(rec, "thesis")) {
		cw_text(w, rec->publisher);
	} else if (cite_type_is(rec, "dataset")) {
		cw_plain(w, "Data set");
	} else if (cite_type_is(rec, "map")) {
		cw_plain(w, "Map");
	} else if (cite_type_is(rec, "interview")) {
		/* one with nowhere to find it is a personal communication */
		cw_plain(w, has(rec->container_title) || has(rec->doi) ||
					    has(rec->publisher) ||
					    has(rec->url)
				    ? "Interview"
				    : "Personal communication");
	} else {
		cw_plain(w, "Review of ");
		cw_text(w, rec->title);
	}
	cw_punct(w, "]");
}

static void apa_date(struct cite_writer *w, const struct record *rec,
		     const char *suffix)
{
	char num[16];

	cw_punct(w, "(");
	if (rec->issued.year <= 0) {
		cw_plain(w, "n.d.");
		if (suffix && *suffix) {
			cw_plain(w, "-");
			cw_plain(w, suffix);
		}
	} else {
		snprintf(num, sizeof(num), "%d", rec->issued.year);
		cw_plain(w, num);
		cw_plain(w, suffix);
		if (rec->issued.month &&
		    (cite_type_is(rec, "article-magazine article-newspaper "
				       "broadcast interview motion_picture "
				       "pamphlet personal_communication post "
				       "post-weblog song speech webpage") ||
		     (cite_type_is(rec, "paper-conference") &&
		      !has(rec->issue) && !has(rec->page) &&
		      !has(rec->volume)))) {
			cw_punct(w, ", ");
			cw_plain(w, cite_month_long(rec->issued.month));
			if (rec->issued.day) {
				snprintf(num, sizeof(num), " %d",
					 rec->issued.day);
				cw_plain(w, num);
			}
		}
	}
	cw_punct(w, ")");
}

/* Journal, volume(issue), pages: "BMJ Open, 13(11), e075111". */
static int apa_periodical(struct cite_writer *w, const struct record *rec)
{
	int any = 0;

	if (has(rec->container_title)) {
		cw_italic(w, 1);
		cw_title_case(w, rec->container_title, rec);
		cw_italic(w, 0);
		any = 1;
	}
	if (has(rec->volume) || has(rec->issue)) {
		if (any)
			cw_punct(w, ", ");
		cw_italic(w, 1);
		cw_plain(w, has(rec->volume) ? rec->volume : rec->issue);
		cw_italic(w, 0);
		if (has(rec->volume) && has(rec->issue)) {
			cw_punct(w, "(");
			cw_plain(w, rec->issue);
			cw_punct(w, ")");
		}
		any = 1;
	}
	if (has(rec->page)) {
		if (any)
			cw_punct(w, ", ");
		cw_pages(w, rec->page, PAGES_EXPANDED);
		any = 1;
	}
	return any;
}

/* An act, a regulation or a court case, in the legal form APA takes
 * from the Bluebook: "Title, 3 Container 12 (2016). URL" (no authors,
 * no "n.d.").  A case in a reporter without a page gets "___" for it;
 * one in no reporter is dated in full: "(March 4, 2016)". */
static void apa_legislation(struct cite_writer *w, const struct record *rec)
{
	const char *parts[2] = {rec->volume, rec->container_title};
	int any = 0, inner = 0;
	int legal_case = cite_type_is(rec, "legal_case");
	char year[64];

	if (has(rec->title)) {
		cw_text(w, rec->title);
		any = 1;
	}
	for (size_t i = 0; i < 2; i++) {
		if (!has(parts[i]))
			continue;
		cw_punct(w, inner ? " " : any ? ", " : "");
		cw_text(w, parts[i]);
		inner = any = 1;
	}
	if (has(rec->page)) {
		/* the first page only */
		size_t n = strcspn(rec->page, "-,\xe2");
		char *first = strndup(rec->page, n);

		if (!first) {
			w->st = EV_NOMEM;
			return;
		}
		while (n && first[n - 1] == ' ')
			first[--n] = '\0';
		cw_punct(w, inner ? " " : any ? ", " : "");
		cw_plain(w, first);
		free(first);
		inner = any = 1;
	} else if (legal_case && has(rec->container_title)) {
		cw_punct(w, " ");
		cw_plain(w, "___");
	}
	if (legal_case && !has(rec->container_title) &&
	    rec->issued.year > 0 && rec->issued.month) {
		if (rec->issued.day)
			snprintf(year, sizeof(year), "(%s %d, %d)",
				 cite_month_long(rec->issued.month),
				 rec->issued.day, rec->issued.year);
		else
			snprintf(year, sizeof(year), "(%s %d)",
				 cite_month_long(rec->issued.month),
				 rec->issued.year);
		cw_punct(w, any ? ", " : "");
		cw_plain(w, year);
		any = 1;
	} else if (rec->issued.year > 0) {
		snprintf(year, sizeof(year), "(%d)", rec->issued.year);
		cw_punct(w, inner ? " " : any ? ", " : "");
		cw_plain(w, year);
		any = 1;
	}
	if (has(rec->doi) || has(rec->url)) {
		if (any)
			cw_punct(w, ". ");
		if (has(rec->doi))
			cw_plain(w, "https://doi.org/");
		cw_plain(w, has(rec->doi) ? rec->doi : rec->url);
	} else if (any) {
		cw_punct(w, ".");
	}
}

ev_status cite_apa(const struct record *rec, enum cite_markup markup,
		   struct buf *out)
{
	return cite_apa_suffixed(rec, markup, NULL, out);
}

ev_status cite_apa_suffixed(const struct record *rec, enum cite_markup markup,
			    const char *suffix, struct buf *out)
{
	struct cite_writer w;
	int web = cite_type_is(rec, "post webpage");
	int periodical = cite_type_is(rec, "article-journal article-magazine "
					   "article-newspaper post-weblog "
					   "review review-book "
					   "paper-conference");
	int title_done = 0;

	cw_init(&w, out, markup);
	if (cite_type_is(rec, "legislation legal_case")) {
		apa_legislation(&w, rec);
		return cw_finish(&w);
	}
	/* Author, or the title in its place; then the date. */
	if (rec->n_authors) {
		apa_authors(&w, rec, 1);
		cw_punct(&w, ". ");
	} else if (has(rec->title)) {
		apa_title(&w, rec);
		cw_punct(&w, ". ");
		title_done = 1;
	}
	apa_date(&w, rec, suffix);
	if (has(rec->title) && !title_done) {
		cw_punct(&w, ". ");
		apa_title(&w, rec);
		if (bracketed(rec)) {
			cw_punct(&w, " ");
			apa_bracketed(&w, rec);
		}
	} else {
		/* the title stood in for the author: what is left of the
		 * descriptions (citeproc repeats a numeric volume) */
		int vol = !has(rec->container_title) && booklike(rec) &&
			  numeric(rec->volume);

		if (bracketed(rec) || vol)
			cw_punct(&w, ". ");
		if (bracketed(rec)) {
			apa_bracketed(&w, rec);
			if (vol)
				cw_punct(&w, " ");
		}
		if (vol) {
			cw_punct(&w, "(");
			cw_plain(&w, "Vol. ");
			cw_plain(&w, rec->volume);
			cw_punct(&w, ")");
		}
	}
	if (periodical) {
		size_t at = out->len;

		cw_punct(&w, ". ");
		if (!apa_periodical(&w, rec)) {
			/* nothing followed: take the delimiter back */
			out->len = at;
			if (out->ptr)
				out->ptr[at] = '\0';
			w.last = at ? out->ptr[at - 1] : 0;
		}
	} else if (!web && has(rec->container_title)) {
		cw_punct(&w, ". ");
		cw_plain(&w, "In ");
		cw_italic(&w, 1);
		cw_text(&w, rec->container_title);
		if (volume_words(rec)) {
			cw_punct(&w, ": ");
			cw_plain(&w, "Vol. ");
			cw_plain(&w, rec->volume);
		}
		cw_italic(&w, 0);
		if (booklike(rec))
			apa_parenthetical(&w, rec);
	}
	/* the publisher (websites: the site's name, then the publisher) */
	if (web) {
		if (has(rec->container_title)) {
			cw_punct(&w, ". ");
			cw_title_case(&w, rec->container_title, rec);
		}
		if (has(rec->publisher)) {
			cw_punct(&w, has(rec->container_title) ? "; " : ". ");
			cw_text(&w, rec->publisher);
		}
	} else if (has(rec->publisher) &&
		   !(cite_type_is(rec, "thesis") &&
		     (has(rec->doi) || has(rec->url))) &&
		   !cite_type_is(rec, "article-journal article-magazine "
				      "article-newspaper post-weblog "
				      "paper-conference")) {
		cw_punct(&w, ". ");
		cw_text(&w, rec->publisher);
	}
	cw_punct(&w, ".");
	if (has(rec->doi)) {
		cw_punct(&w, " ");
		cw_plain(&w, "https://doi.org/");
		cw_plain(&w, rec->doi);
	} else if (has(rec->url)) {
		cw_punct(&w, " ");
		cw_plain(&w, rec->url);
	}
	return cw_finish(&w);
}

/* --- year suffixes --------------------------------------------------- */

struct same {
	char *key;  /* authors (or the title in their place) and year */
	char *sort; /* what stands first, as written: the title of a work
		       without authors comes with its locators */
	const struct record *rec;
	size_t i;
};

/* Within one author and year, citeproc orders by month and day (a bare
 * year after every full date), then by title, then as pandoc lists the
 * works: by id. */
static int by_same(const void *a, const void *b)
{
	const struct same *x = a, *y = b;
	int c = strcmp(x->key, y->key), mx, my;

	if (c)
		return c;
	c = cw_collate(x->sort, y->sort);
	if (c)
		return c;
	mx = x->rec->issued.month ? x->rec->issued.month : 13;
	my = y->rec->issued.month ? y->rec->issued.month : 13;
	if (mx != my)
		return mx - my;
	mx = x->rec->issued.day ? x->rec->issued.day : 32;
	my = y->rec->issued.day ? y->rec->issued.day : 32;
	if (mx != my)
		return mx - my;
	c = cw_collate(x->rec->title, y->rec->title);
	if (c)
		return c;
	/* pandoc hands citeproc the works in the order of their ids */
	c = strcmp(x->rec->id ? x->rec->id : "", y->rec->id ? y->rec->id : "");
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

ev_status cite_apa_suffixes(const struct record *recs, size_t n,
			    char (*suffix)[4])
{
	struct same *v = calloc(n ? n : 1, sizeof(*v));
	ev_status st = EV_OK;
	size_t i, j;

	if (!v)
		return EV_NOMEM;
	for (i = 0; i < n && !st; i++) {
		struct buf b = BUF_INIT;
		struct cite_writer w;

		cw_init(&w, &b, CITE_TEXT);
		/* acts are cited by their title, whoever wrote them */
		if (recs[i].n_authors &&
		    !cite_type_is(&recs[i], "legislation legal_case bill"))
			/* as in the citation: "(Ash, 2017)" whatever
			 * suffix the name has */
			apa_authors(&w, &recs[i], 0);
		else
			cw_text(&w, recs[i].title);
		st = w.st ? w.st : buf_printf(&b, "|%d", recs[i].issued.year);
		v[i].key = buf_detach(&b);
		cw_init(&w, &b, CITE_TEXT);
		if (!recs[i].n_authors ||
		    cite_type_is(&recs[i], "legislation legal_case bill"))
			apa_title(&w, &recs[i]);
		if (!st)
			st = w.st;
		v[i].sort = buf_detach(&b);
		buf_release(&b);
		if (!st && (!v[i].key || !v[i].sort))
			st = EV_NOMEM;
		v[i].rec = &recs[i];
		v[i].i = i;
		suffix[i][0] = '\0';
	}
	if (!st)
		qsort(v, n, sizeof(*v), by_same);
	for (i = 0; !st && i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(v[i].key, v[j].key); j++)
			;
		if (j - i < 2)
			continue;
		/* a..z, then aa, ab ... as far as two letters go */
		for (size_t k = i; k < j && k - i < 26 * 27; k++) {
			size_t m = k - i;
			char *s = suffix[v[k].i];

			if (m >= 26)
				*s++ = (char)('a' + m / 26 - 1);
			*s++ = (char)('a' + m % 26);
			*s = '\0';
		}
	}
	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].sort);
	}
	free(v);
	return st;
}
