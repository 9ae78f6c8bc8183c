/* cite-writer.h - what the reference styles share: text, quotes, names */
#ifndef EVIDENCE_CITE_WRITER_H
#define EVIDENCE_CITE_WRITER_H

#include "query/cite.h"

/*
 * A writer appends a reference to a buffer piece by piece and keeps
 * enough state to join the pieces the way citeproc does: a period after
 * "?", "!", ".", ";" or ":" is dropped, as is a colon after ";" or ":",
 * and a period or comma after a closing quote moves inside it (American
 * punctuation, the en-US locale both styles use) unless italics end
 * between them.  The first error sticks in ST; later calls do nothing.
 */
struct cite_writer {
	struct buf *out;
	enum cite_markup markup;
	ev_status st;
	size_t quote_at; /* where the closing quote that ends OUT starts */
	int ends_quote;
	char last; /* last visible byte, 0 at the start */
};

void cw_init(struct cite_writer *w, struct buf *out, enum cite_markup m);

/* Text from the record: quotes made typographic and nested as citeproc
 * nests them, and escaped for the markup. */
void cw_text(struct cite_writer *w, const char *s);

/* Text taken as it is (URLs, DOIs, numbers), escaped for the markup. */
void cw_plain(struct cite_writer *w, const char *s);

/* Punctuation or a delimiter between pieces (see above). */
void cw_punct(struct cite_writer *w, const char *p);

/* Start or end italics. */
void cw_italic(struct cite_writer *w, int on);

/* Drop trailing spaces; returns the writer's status. */
ev_status cw_finish(struct cite_writer *w);

/* Initials of GIVEN as citeproc makes them: "Jean-Pierre Louis" ->
 * "JPL" (Vancouver) or "J.-P. L." (APA, when APA is set); words in
 * lower case ("de la") and words not starting with a letter ("ʿAlī")
 * are kept whole, and "Jr." stays "Jr".  What follows a comma in GIVEN
 * is a suffix, written after the initials (after ", " for APA) when
 * SUFFIX is set and left out otherwise.  SEP (what parts them from the
 * family name) comes first, when anything follows it. */
void cw_initials(struct cite_writer *w, const char *sep, const char *given,
		 int apa, int suffix);

/* A page range as the style wants it: "minimal" (Vancouver: 321-8) or
 * "expanded" (APA: 321-328), with an en dash. */
enum page_format { PAGES_MINIMAL, PAGES_EXPANDED };
void cw_pages(struct cite_writer *w, const char *page, enum page_format f);

/* Title case as CSL defines it (lower-case words other than the stop
 * words get a capital), for English records only. */
void cw_title_case(struct cite_writer *w, const char *s,
		   const struct record *rec);

/* Compare A and B as citeproc sorts them, case and accents set aside
 * ("Änderungen" with the A's); < 0, 0 or > 0 like strcmp. */
int cw_collate(const char *a, const char *b);

/* English month names, 1-12. */
const char *cite_month_long(int month);
const char *cite_month_short(int month);

/* True when the record's type is one of the space-separated TYPES. */
int cite_type_is(const struct record *rec, const char *types);

#endif
