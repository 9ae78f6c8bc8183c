/* reader.h - opening the index for reading, and counting what it holds */
#ifndef EVIDENCE_READER_H
#define EVIDENCE_READER_H

#include "status.h"
#include "xdb.h"

/*
 * Open the index at DIR read-only.  A rebuild swaps directories with two
 * renames while Xapian opens an index's files one by one, by name, so an
 * open that finds nothing, finds one of the files missing, or sees DIR
 * replaced before it is done (its files could be of two indexes) is tried
 * again a few times before it counts.  On failure *MSGP is a malloc'd
 * message that says what to do: run "evidence index", or "--rebuild" for
 * a damaged index.
 */
ev_status reader_open(const char *dir, xdb_t **dbp, char **msgp);

/* 1 when PATH is a file, which Xapian reads as a stub database: a list
 * of local or remote (xapian-tcpsrv) shards searched as one index. */
int reader_is_stub(const char *path);

/* What to tell a user whose index failed with RC: for a damaged index,
 * how to rebuild it; "" otherwise. */
const char *reader_advice(ev_status rc);

/* Say that COMMAND failed with RC reading the index and return the exit
 * code for RC (cli_fail()): why is MSG when there is one (reader_open()'s
 * message), else DB's own message with reader_advice(). */
int reader_fail(const char *command, ev_status rc, xdb_t *db,
		const char *msg);

/* Number of works (KIND "work") or of passages ("passage"), which are
 * counted from each work's SLOT_COUNTS, not documents of their own. */
ev_status reader_count_kind(xdb_t *db, const char *kind, unsigned *countp);

/*
 * For every term value under PREFIX (e.g. "XT" for evidence types), the
 * number of works (KIND "work") that have it, or, for PREFIX_LESSON
 * only, of passages (KIND "passage") that carry it: FN(value, count,
 * ctx), in term order.  FN returning non-zero stops.
 */
typedef int (*reader_facet_fn)(const char *value, unsigned count, void *ctx);
ev_status reader_facet(xdb_t *db, const char *kind, const char *prefix,
		       reader_facet_fn fn, void *ctx);

#endif
