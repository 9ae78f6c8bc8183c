/* store.h - the record store: one atomic JSON file per work */
#ifndef EVIDENCE_STORE_H
#define EVIDENCE_STORE_H

#include "fsutil.h"
#include "record.h"
#include "status.h"

/*
 * The store is the source of truth: the index can always be rebuilt from
 * it.  Layout under the collection's store/ directory:
 *
 *   records/XY/<hash>.json   one record per work (record_to_json()),
 *                            <hash> = first 32 hex digits of SHA-256(id),
 *                            XY its first two
 *   keys/XY/<hash>           one line, the id of the work that the key
 *                            (a DOI, PMID, PMCID, URL or title key other
 *                            than the work's own id) belongs to
 *   tmp/                     where files are written before their rename
 *
 * Every file is written to tmp/, synced and renamed into place, so a
 * crash leaves either the old file or the new one, never half of one;
 * leftovers in tmp/ are removed when a writer opens the store.  Keys are
 * renamed into place (and their directories synced) before the records
 * they point to, so a crash between the two leaves a key to a record that
 * is not there yet, which lookups treat as absent, and the next run
 * writes both again.
 *
 * Files are written a batch at a time (store_begin()): all of a batch's
 * files are written to tmp/ and synced together, then renamed, so that
 * the file system commits its journal once per batch rather than several
 * times per record.
 *
 * Readers need no lock.  Writers hold the collection lock (collection.h):
 * the store does not lock by itself, and a writable store takes itself
 * to be the only writer: it answers look-ups of names it knows are not
 * on disk from memory (namecache.h), and names its files in tmp/ with a
 * count.
 */
struct store;

/* Open the store in DIR; WRITABLE creates what is missing and cleans
 * tmp/.  On failure *MSGP (if MSGP) is a malloc'd message. */
ev_status store_open(const char *dir, int writable, struct store **out,
		     char **msgp);
void store_close(struct store *s);

/* The message for the last failure on S. */
const char *store_errmsg(const struct store *s);

/* What store_put() did. */
enum store_outcome {
	STORE_NEW,	/* a work the store did not have */
	STORE_UPDATED,	/* merged into a stored work, which changed */
	STORE_UNCHANGED /* merged into a stored work, which did not change */
};

/*
 * Store REC: find the work it is (by id, then by each of its keys:
 * DOI, PMID, PMCID, URL, normalised title + year + first author), merge it
 * field by field into what is stored (see doc/evidence-store.5 for the
 * precedence), and write the result if it changed.  A new work gets an
 * id (record_assign_id()), which never changes afterwards.  On return
 * REC holds the merged record as stored, with its id.
 */
ev_status store_put(struct store *s, struct record *rec,
		    enum store_outcome *outcome);

/*
 * Notices: when a stored record is a retraction, an erratum or an
 * expression of concern of another work (a relation such as
 * "retraction-of" to "pmid:N" or "doi:..."), store_put() also updates
 * that work, now if it is stored and else when it arrives: it gets the
 * relation back ("retraction-in" the notice's id) and, for a retraction,
 * the publication type "Retracted Publication".  A key file
 * keys/XY/<hash of "notice:" + key> lists, one per line, the ids of the
 * notices concerning the work with that key; it is written before the
 * notice's record.
 *
 * The ids of the works other than REC that store_put() changed this way
 * collect on S: store_take_changed() appends them to OUT (unique) and
 * forgets them, so that a caller can index them too.
 */
ev_status store_take_changed(struct store *s, struct strvec *out);

/*
 * Batches.  After store_begin(), store_put() and store_replace() write
 * nothing: the files they would write are held in memory, where the
 * store's own lookups (store_get(), store_resolve(), the next
 * store_put()) find them, until store_commit() writes them all, makes
 * them durable and only then renames them into place.  store_walk()
 * commits first.  Without store_begin(), each store_put() and
 * store_replace() commits its own files before it returns.
 *
 * A caller that records elsewhere what it has stored (harvest state)
 * writes that only after the store_commit() that covers it.  What is not
 * committed when the store is closed is lost, as in a crash.  A failed
 * commit leaves nothing of the batch under a final name that is not
 * whole (but some of the batch may be in place) and empties the batch;
 * the store's message says which file failed and why.
 */
void store_begin(struct store *s);

/* 1 when the batch holds enough (256 records or 16 MB) to commit. */
int store_batch_full(const struct store *s);

ev_status store_commit(struct store *s);

/*
 * A record file's stamp: its name, inode, size and modification time in
 * one string.  The store only ever writes a record by renaming a new file
 * over it, so every write gives the file a new stamp, and a stamp that is
 * the same as before means the same bytes as before.  (A copy of the
 * collection has new inodes: new stamps for the same bytes, which costs
 * a reader one more read, never a missed change.)  The name, a space and
 * fs_stat_tag()'s tag.
 */
#define STORE_STAMP_MAX (41 + FS_STAT_TAG_MAX)
ev_status store_stamp(const char *path, char stamp[STORE_STAMP_MAX]);

/* The stamp of work ID's record file, as store_get() would give it,
 * without reading the file: for a caller that has the record already
 * (a harvest's, handed to the indexer).  "" while the open batch holds
 * it; EV_NOT_FOUND when there is no such file. */
ev_status store_stamp_of(struct store *s, const char *id,
			 char stamp[STORE_STAMP_MAX]);

/* Read the work with id ID into REC (initialised, empty).  EV_NOT_FOUND
 * when there is none; EV_CORRUPT when its file does not parse.  STAMP,
 * unless NULL, gets the file's stamp as store_read_file() gives it. */
ev_status store_get(struct store *s, const char *id, struct record *rec,
		    char *stamp);

/*
 * Find the id of the work that KEY names: an id, or a key such as
 * "doi:10.1136/bmj.m3353", "pmid:31488421", or a bare DOI or PMID as a
 * user types it.  *IDP is malloc'd.  EV_NOT_FOUND when none.
 */
ev_status store_resolve(struct store *s, const char *key, char **idp);

/* Write REC back as it is (it must carry an id and already be stored):
 * for updates that are not merges, such as a new cited_by link. */
ev_status store_replace(struct store *s, struct record *rec);

/*
 * Call FN with the path of every record file in the store, in a stable
 * order (sorted by file name).  FN returning non-OK stops the walk and
 * that status is returned.
 */
typedef ev_status (*store_walk_fn)(const char *path, void *ctx);
ev_status store_walk(struct store *s, store_walk_fn fn, void *ctx);

/* The same with each record read (store_read_file()): FN gets it, and it
 * is released after.  A record that cannot be read stops the walk with
 * its status, the store's message saying which. */
typedef ev_status (*store_record_fn)(struct record *rec, void *ctx);
ev_status store_walk_records(struct store *s, store_record_fn fn, void *ctx);

/* Read the record file PATH (from store_walk()) into REC.  STAMP, unless
 * NULL, gets its stamp (STORE_STAMP_MAX bytes), taken before the read, so
 * that a write in between leaves a stamp older than what was read, never
 * newer; "" for a file the open batch holds, which has none yet. */
ev_status store_read_file(struct store *s, const char *path,
			  struct record *rec, char *stamp);

/* Number of records (walks the store). */
ev_status store_count(struct store *s, unsigned long *countp);

/* 1 when the store holds no record at all (stops at the first one); 0
 * when it holds one or cannot be read. */
int store_is_empty(struct store *s);

/* The directory where the store keeps harvest state and logs. */
const char *store_dir(const struct store *s);

#endif
