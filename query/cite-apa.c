/* cite-apa.c - APA 7 references, as apa.csl renders them */
#include "config.h"

#include "query/cite-writer.h"

#include <stdio.h>

/* APA lists up to 20 authors; past that the first 19, an ellipsis and
 * the last (apa.csl: et-al-min 21, et-al-use-first 19, use-last). */
#define APA_MAX_AUTHORS 20
#define APA_FIRST_AUTHORS 19

static int has(const char *s)
{
	return s && *s;
}

static void apa_name(struct cite_writer *w, const struct author *a)
{
	if (a->literal || !a->family) {
		cw_text(w, a->literal ? a->literal : a->given);
		return;
	}
	cw_text(w, a->family);
	if (has(a->given)) {
		cw_punct(w, ", ");
		cw_initials(w, a->given, 1);
	}
}

static void apa_authors(struct cite_writer *w, const struct record *rec)
{
	size_t n = rec->n_authors;

	if (n > APA_MAX_AUTHORS) {
		for (size_t i = 0; i < APA_FIRST_AUTHORS; i++) {
			apa_name(w, &rec->authors[i]);
			cw_punct(w, ", ");
		}
		cw_plain(w, "\u2026 ");
		apa_name(w, &rec->authors[n - 1]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			cw_punct(w, i == n - 1 ? ", & " : ", ");
		apa_name(w, &rec->authors[i]);
	}
}

static void apa_title(struct cite_writer *w, const struct record *rec)
{
	int italic = cite_type_is(rec, "post webpage") ||
		     !has(rec->container_title);

	if (italic)
		cw_italic(w, 1);
	cw_text(w, rec->title);
	if (italic)
		cw_italic(w, 0);
}

static void apa_date(struct cite_writer *w, const struct record *rec)
{
	char num[16];

	cw_punct(w, "(");
	if (rec->issued.year <= 0) {
		cw_plain(w, "n.d.");
	} else {
		snprintf(num, sizeof(num), "%d", rec->issued.year);
		cw_plain(w, num);
		if (rec->issued.month &&
		    cite_type_is(rec, "article-magazine article-newspaper "
				      "broadcast interview motion_picture "
				      "pamphlet personal_communication post "
				      "post-weblog song speech webpage")) {
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

ev_status cite_apa(const struct record *rec, enum cite_markup markup,
		   struct buf *out)
{
	struct cite_writer w;
	int web = cite_type_is(rec, "post webpage");
	int periodical = cite_type_is(rec, "article-journal article-magazine "
					   "article-newspaper post-weblog "
					   "review review-book "
					   "paper-conference");
	int title_done = 0;

	cw_init(&w, out, markup);
	/* Author, or the title in its place; then the date. */
	if (rec->n_authors) {
		apa_authors(&w, rec);
		cw_punct(&w, ". ");
	} else if (has(rec->title)) {
		apa_title(&w, rec);
		cw_punct(&w, ". ");
		title_done = 1;
	}
	apa_date(&w, rec);
	if (has(rec->title) && !title_done) {
		cw_punct(&w, ". ");
		apa_title(&w, rec);
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
		cw_italic(&w, 0);
		if (has(rec->page) && !cite_type_is(rec, "book")) {
			cw_punct(&w, " (");
			cw_plain(&w, "pp. ");
			cw_pages(&w, rec->page, PAGES_EXPANDED);
			cw_punct(&w, ")");
		}
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
		   !periodical) {
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
