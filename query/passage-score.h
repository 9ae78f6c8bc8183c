/* passage-score.h - how well each passage of a hit answers the query */
#ifndef EVIDENCE_PASSAGE_SCORE_H
#define EVIDENCE_PASSAGE_SCORE_H

#include "status.h"
#include "xdb.h"

/*
 * The index ranks works; the passage a result shows is chosen afterwards
 * among the work's passages, by the query's words each contains.  A
 * word counts by its rarity in the index (BM25's inverse document
 * frequency, from DB) with a saturating count, so "the" in every
 * sentence weighs less than "creep" once.  A query term matches a word
 * the way the indexer made terms: "mission" the word itself, "Zmission"
 * any word with that English stem.  Field-prefixed and boolean terms
 * (author:, lesson filters) say nothing about a passage and are left
 * out.
 */
struct passage_scorer;

/* A scorer for QUERY over DB.  EV_NOMEM, or the database's status when
 * a term frequency cannot be read (message in xdb_errmsg(DB)). */
ev_status passage_scorer_new(xdb_t *db, const xdb_query_t *query,
			     struct passage_scorer **out);
void passage_scorer_free(struct passage_scorer *ps);

/* Does the query have any word a passage could match? */
int passage_scorer_has_words(const struct passage_scorer *ps);

/* The scorer's stemmer, whose cache holds the words of every passage it
 * scored: for the page's snippets (xdb_mset_set_stem()). */
const xdb_stem_t *passage_scorer_stem(const struct passage_scorer *ps);

/* The score of a passage with heading SECTION (may be NULL) and TEXT:
 * 0 when it has none of the query's words. */
double passage_score(struct passage_scorer *ps, const char *section,
		     const char *text);

#endif
