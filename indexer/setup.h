/* setup.h - the taxonomy and synonyms a command should use */
#ifndef EVIDENCE_SETUP_H
#define EVIDENCE_SETUP_H

#include <stddef.h>

#include "cli.h"
#include "index.h"
#include "lessons.h"
#include "strvec.h"
#include "xdb.h"

/*
 * The taxonomy for a command: the file given with --lessons, else
 * $EVIDENCE_LESSONS, else the collection's lessons.conf (when C is not
 * NULL and the file exists), else the default compiled into evidence.
 * What the index keeps to make that cheap is read from DB, C's index
 * already open, when not NULL (a search opens it once for both), else
 * from an open of its own.  On failure ERR holds "FILE:LINE: reason" or
 * "FILE: reason".  *USEDP (may be NULL) names where it came from.
 */
ev_status setup_lessons(const struct cli *cli, const struct collection *c,
			xdb_t *db, struct lessons **out, const char **usedp,
			char *err, size_t errsz);
/* The same taxonomy, always parsed (with the index's stem memo), never
 * taken from the index's compiled form: for the indexer, which writes
 * both memos again from it (lessons_stems() needs a parsed one). */
ev_status setup_lessons_parsed(const struct cli *cli,
			       const struct collection *c,
			       struct lessons **out, char *err, size_t errsz);

/* The text of the collection's synonyms.conf, else the default.  *TEXTP
 * is malloc'd. */
ev_status setup_synonyms(const struct collection *c, char **textp);

/* How index_collection() goes about it (or'd together). */
#define INDEX_REBUILD 1u /* build afresh beside the old index, then swap */
#define INDEX_COMPACT 2u /* then swap in a compact copy (xdb_compact()) */

/*
 * Open the collection's index and bring it up to date: every work of the
 * store, or only those IDS names (when not NULL and the index does not
 * need building afresh), as FLAGS say.  Prints its own errors; returns
 * an exit code (EXIT_NOTHING when some stored records could not be
 * read).  Used by "index" and by "add", which indexes what it stored.
 */
int index_collection(struct cli *cli, struct collection *c, unsigned flags,
		     const struct strvec *ids, struct index_counts *counts);

/*
 * Indexing what a harvest stores while it stores it, on the other core
 * (index.h, index_feed_start()).  indexing_start() before the harvest;
 * pass indexing_stored() and the struct as its stored hook (the index is
 * opened at the first work stored).  After the harvest, indexing_finish()
 * with the ids it stored (IDS) writes the rest, commits and returns an
 * exit code as index_collection() does.  When the feed could not start
 * (the index is locked or needs every work of the store, the taxonomy
 * does not parse) nothing was said then: indexing_finish() indexes IDS
 * with index_collection(), which reports it.  After a failed harvest,
 * indexing_stop() instead commits what was fed and says nothing more: the
 * next run of "evidence index" takes the rest.
 */
struct indexing;
int indexing_start(struct cli *cli, struct collection *c,
		   struct indexing **out);
/*
 * 1 when C's index holds works but the next index run would build it
 * afresh: it was written with another schema, taxonomy or synonym list
 * (evidence upgraded, lessons.conf edited), and searches may refuse it
 * until then.  A harvest that stored nothing new indexes anyway when
 * this says so ("add" syncs the works its inputs name in any case).  0
 * otherwise, and when it cannot tell: the run that follows says what is
 * wrong.
 */
int indexing_stale(struct cli *cli, struct collection *c);
void indexing_stored(void *arg, const char *id, struct record *rec);
int indexing_finish(struct indexing *g, const struct strvec *ids,
		    struct index_counts *counts);
void indexing_stop(struct indexing *g);

#endif
