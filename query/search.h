/* search.h - ranked evidence for a query */
#ifndef EVIDENCE_SEARCH_H
#define EVIDENCE_SEARCH_H

#include <stddef.h>

#include "lessons.h"
#include "record.h"
#include "status.h"
#include "strvec.h"
#include "xdb.h"

/*
 * A search ranks works (one Xapian document each) with BM25 and adds two
 * boosts: stronger evidence types rank higher, and works whose passages
 * carry a lesson the query names (by the taxonomy's cues: "mission creep"
 * names focus) rank higher, and are found even when they share no word
 * with the query.  Each hit shows the work's passage that best answers
 * the query (passage-score.h), or, with all_passages, each of those
 * that answer it at all.  doc/evidence-search.1 explains the ranking;
 * doc/evidence-query-syntax.7 the query language.
 */

/* Caps that keep a hostile query from taking the machine. */
#define SEARCH_MAX_QUERY_BYTES 16384
#define SEARCH_MAX_EXPANSION 1000 /* terms one wildcard may expand to */
#define SEARCH_MAX_LIMIT 10000

struct search_options {
	const char *query;     /* Xapian query syntax; may be "" */
	struct strvec lessons; /* --lesson: any of these */
	struct strvec types;   /* --type: any of these */
	int since, until;      /* years, 0 when not given */
	unsigned limit, offset;
	int all_passages; /* every answering passage, not one per work */
	const struct lessons
	    *taxonomy; /* to see which lessons a query names */
	/* The index at INDEX_DIR open already (search_open()), or NULL to
	 * open it here: a search tried again after the index changed opens
	 * it afresh.  It stays the caller's to close. */
	xdb_t *db;
};

struct hit_lesson {
	char *lesson;
	double strength;
};

struct search_hit {
	unsigned rank; /* from 1, counting the offset */
	double score;
	struct record work; /* the work, without its text */
	unsigned passage;   /* passage number, 0 when none */
	char *passage_text;
	char *snippet;		    /* matched terms wrapped in ** */
	struct hit_lesson *lessons; /* of the passage (of the work if none) */
	size_t n_lessons;
};

struct search_result {
	/* The matching works: counted when total_exact, else Xapian's
	 * estimate (search.c, rank_works()). */
	unsigned total;
	int total_exact;
	struct search_hit *hits;
	size_t n_hits;
	char *suggestion; /* spelling correction when nothing matched */
	struct strvec named_lessons; /* lessons the query named */
};

/* Whether QUERY (NULL when none was given) has no word, only blanks.
 * search_run() takes such a query for "every work the filters keep". */
int search_query_blank(const char *query);

/* Whether O has a filter (--lesson, --type, --since, --until), which
 * may stand alone: without one, search, cite and export take a blank
 * query for no query given, not for every work. */
int search_has_filter(const struct search_options *o);

/* Tell on standard error that a search for QUERY found nothing: "no
 * results for 'QUERY'", or, for a blank QUERY, that no work passes the
 * filters. */
void search_tell_nothing(const char *query);

/* Search the index at INDEX_DIR.  On failure *MSGP (if MSGP) is a
 * malloc'd message: EV_BAD_QUERY for a query that does not parse or
 * breaks a cap, EV_NOT_FOUND when there is no index yet, EV_CORRUPT for a
 * damaged one. */
ev_status search_run(const char *index_dir, const struct search_options *o,
		     struct search_result *res, char **msgp);

/*
 * Open the index at INDEX_DIR for search_options.db, so that a command
 * reads the taxonomy's memo from the same open as its search (each open
 * costs a search process about 0.1 ms).  A failure that search_run()
 * would try again (the index changed or looked damaged while being
 * opened) gives EV_OK and *DBP NULL, for search_run() to open it anew;
 * any other is final, with *MSGP as search_run() gives it.
 */
ev_status search_open(const char *index_dir, xdb_t **dbp, char **msgp);

void search_result_release(struct search_result *res);

/*
 * Walk every work that search_run() would list for O, whatever O->limit
 * and O->offset say, without loading the works: FN(DOC, CTX) once per
 * work, best first, with the work's document (its filter terms, its id
 * in SLOT_WORK_ID).  DOC is valid during the call only.  FN
 * returning non-zero stops the walk; that is not an error.  Statuses and
 * *MSGP as for search_run().  This is how "evidence map" counts.
 */
typedef int (*search_work_fn)(xdb_doc_t *doc, void *ctx);
ev_status search_each_work(const char *index_dir,
			   const struct search_options *o, search_work_fn fn,
			   void *ctx, char **msgp);

#endif
