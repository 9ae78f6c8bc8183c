/* report.h - a one-file HTML brief: what was searched, the map, quotations */
#ifndef EVIDENCE_REPORT_H
#define EVIDENCE_REPORT_H

#include "buf.h"
#include "lessons.h"
#include "map.h"
#include "search.h"
#include "status.h"
#include "strvec.h"

/*
 * A brief is one self-contained HTML5 file for a policy writer: inline
 * CSS (with an A4 print stylesheet), the evidence map as inline SVG, no
 * scripts, no fonts and no reference to anything outside the file.  It
 * says what was searched and when, shows the map, quotes the strongest
 * passages for each lesson with numbered references, and ends with the
 * reference list (only the works quoted).  Every piece of text from the
 * collection is HTML-escaped.
 */

/* Quotations longer than this many bytes are cut at a word. */
#define REPORT_QUOTE_MAX 1200
#define REPORT_TOP_DEFAULT 5
#define REPORT_TOP_MAX 100

struct report_options {
	struct search_options search; /* query and filters (not lessons) */
	struct strvec lessons; /* to quote; empty: the core lessons (focus,
				  pacing, relationships) and every other
				  lesson that has works */
	enum map_axis by;      /* the map's columns */
	unsigned top;	       /* passages quoted per lesson */
	const char *style;     /* reference style: "vancouver", "apa" */
	const char *generated; /* when, for people: "23 November 2026, ..." */
};

/* 1 when NAME is a reference style the brief can use. */
int report_style_known(const char *name);

/*
 * Write the brief for the index at INDEX_DIR and taxonomy TAX into HTML
 * (appending).  An index not built yet gives a brief that says the
 * collection is empty.  EV_USAGE for a lesson TAX does not have; other
 * statuses and *MSGP as for search_run().
 */
ev_status report_build(const char *index_dir, const struct report_options *o,
		       const struct lessons *tax, struct buf *html,
		       char **msgp);

#endif
