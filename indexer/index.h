/* index.h - records into the Xapian index: works, passages, lessons */
#ifndef EVIDENCE_INDEX_H
#define EVIDENCE_INDEX_H

#include "lessons.h"
#include "record.h"
#include "status.h"

struct store;

/*
 * The index is derived from the store: one Xapian document per work,
 * with its title, authors, journal, keywords, filters and every passage's
 * text, and in its data the record and the lessons each passage carries
 * (schema: lib/fields.h).  A work is replaced in place by its id term;
 * its document keeps the record's content hash, so unchanged works are
 * skipped.
 */
struct index;

/*
 * Works written between two commits, unless the options say otherwise:
 * one for every INDEX_BATCH_PER works the index holds, at least
 * INDEX_BATCH and at most INDEX_BATCH_MAX (index_batch_for()), worked
 * out again at each commit.  Xapian holds a batch's postings in memory
 * until the commit; small batches stay in the cache, and the commit that
 * stops the writer is shorter: 250 indexed 10,000 pages 8% faster than
 * 1,000, and 10,000 PubMed records 4% faster, at half the memory.  But a
 * commit rewrites every B-tree block its batch touched, which costs more
 * as the index grows: adding 300,000 PubMed records took 13% less time
 * at 1,000 works a commit than at 250, with a third less system time
 * (bench/RESULTS.md).
 */
#define INDEX_BATCH 250
#define INDEX_BATCH_PER 250
#define INDEX_BATCH_MAX 1000

/*
 * A fresh build (index_is_fresh()) writes its works in segments of
 * INDEX_SEGMENT: the first into the index it opened, each next into a new
 * database beside it (DIR.parts/N), and index_close() merges them all
 * into one compact copy (xdb_compact()) and swaps that in.  Each commit
 * rewrites the B-tree blocks its batch touched, and with a rich
 * vocabulary a batch touches most of the index's blocks: in one growing
 * database the bytes written grow with the square of the works (87.5 GB
 * written for 100,000 pages and an index of 3.7 GB), while segments keep
 * every commit as cheap as the first ones (bench/RESULTS.md).
 */
#define INDEX_SEGMENT 10000
/*
 * A fresh build fed by its reader thread (index_sync(), a feed) writes
 * the works after its first INDEX_ALONE with INDEX_WRITERS writers where
 * as many cores are online: each work goes to the writer its id hashes
 * to, each writer writes segments of its own, and index_close() merges
 * them all, as it would one writer's.  Xapian's writer is most of a
 * build's time, and two of them share nothing (bench/RESULTS.md, changes
 * 82 and 83).  A build of up to INDEX_ALONE works (or a segment's, if
 * fewer) is written by one writer and needs no merge: for 10 to 500
 * works a second writer, its database and the merge cost more than they
 * save; from about 1,000 on they pay.
 */
#define INDEX_ALONE 1000
#define INDEX_WRITERS 2

/* How many databases the merge of a fresh build's segments reads at
 * once, from the limit on open files (which it raises to the hard
 * limit) less the files open already; past it, segments are merged in
 * groups first. */
size_t index_merge_width(void);

/* The works per commit for an index of DOCCOUNT documents. */
unsigned index_batch_for(unsigned doccount);

/* The works IX writes before its next commit (for the tests). */
unsigned index_batch(const struct index *ix);

struct index_options {
	const struct lessons *lessons; /* borrowed; must outlive the index */
	const char *synonyms;	       /* text of synonyms.conf, or NULL */
	int rebuild;	/* build afresh beside the old one, then swap */
	int compact;	/* at index_close(), swap in a compact copy */
	unsigned batch; /* works per commit (0: index_batch_for()) */
	/* works per segment of a fresh build (0: INDEX_SEGMENT; UINT_MAX:
	 * one database, one writer) */
	unsigned segment;
	/* writers of a fresh build (0: INDEX_WRITERS where as many cores
	 * are online, else one) */
	unsigned writers;
	/* works the first writer writes alone before the others start (0:
	 * INDEX_ALONE, or a segment's if fewer) */
	unsigned alone;
};

/*
 * Open the index at DIR for writing (creating it when missing).  Takes
 * Xapian's write lock: EV_LOCKED when another writer has it.  EV_VERSION
 * when a newer evidence wrote the index.  When the taxonomy differs from
 * the one the index was tagged with, every work is re-tagged on the next
 * index_sync().  On failure *MSGP is a malloc'd message.
 */
ev_status index_open(const char *dir, const struct index_options *opts,
		     struct index **out, char **msgp);

/*
 * Whether index_open() with OPTS would build the index at DIR afresh
 * because it holds works written with another schema, taxonomy or
 * synonym list: *STALE 1, else 0 (also when there is no index).  Reads
 * without the write lock.  EV_VERSION when a newer evidence wrote it.
 */
ev_status index_stale(const char *dir, const struct index_options *opts,
		      int *stale);

/* Commit, swap in a rebuilt index (or, with the compact option, a
 * compact copy of the index as committed: xdb_compact()), and close.
 * Returns the status of the final commit or of the copy; *MSGP as for
 * index_open(). */
ev_status index_close(struct index *ix, char **msgp);

/* Close without committing what is pending (after a failure). */
void index_abort(struct index *ix);

const char *index_errmsg(const struct index *ix);

/* 1 when the index is being built from empty (new, or rebuilt because
 * --rebuild was given or the schema, taxonomy or synonyms changed):
 * every work must then be indexed, not just the changed ones. */
int index_is_fresh(const struct index *ix);

struct index_counts {
	unsigned long works;	 /* records seen */
	unsigned long indexed;	 /* (re)indexed because new or changed */
	unsigned long unchanged; /* skipped: same content hash */
	unsigned long removed;	 /* in the index, gone from the store */
	unsigned long passages;	 /* passages of the works (re)indexed */
	unsigned long failed;	 /* records that could not be read */
	size_t held_peak; /* a feed: most bytes of records held at once */
};

/*
 * Index REC (which has an id) if it is new or changed, or always when
 * the index is being rebuilt or re-tagged.  Commits every opts->batch
 * works.  *CHANGED (may be NULL) says whether anything was written.
 * STAMP is the stamp of the record file REC was read from (store.h), or
 * NULL or "": kept with the work, it lets index_sync() pass over the file
 * unread while its stamp stays the same.
 */
ev_status index_record(struct index *ix, const struct record *rec,
		       const char *stamp, int *changed);

/* index_record() each work IDS names, read from S, adding to COUNTS
 * (after "add", and for what a feed left to the end).  A work S cannot
 * read stops it, its message in index_errmsg(). */
ev_status index_ids(struct index *ix, struct store *s,
		    const struct strvec *ids, struct index_counts *counts);

/*
 * Bring the index up to date with the store: index every new or changed
 * record, and remove works the store no longer has.  A record file that
 * cannot be read is counted as failed, reported through WARN (may be
 * NULL) and skipped.  PROGRESS (may be NULL) is called after each record.
 */
typedef void (*index_warn_fn)(const char *msg, void *ctx);
typedef void (*index_progress_fn)(unsigned long done, void *ctx);
ev_status index_sync(struct index *ix, struct store *s,
		     struct index_counts *counts, index_warn_fn warn,
		     index_progress_fn progress, void *ctx);

/*
 * Indexing while a harvest stores ("evidence add" and "harvest").  After
 * index_feed_start(), index_feed_add() names each work as soon as the
 * store has committed it, with the record as written when the caller has
 * it (the feed takes it, and frees it with record_free()); a reader
 * thread takes that record, or else reads the work back from S (a handle
 * used by nothing else meanwhile), tags it and builds its document, and a
 * writer thread writes it as index_record() would: in place of the one
 * the index has, unless that has the same content.  The caller's thread
 * is left to the harvest; index_feed_add() waits while 1,024 named works,
 * or records holding 32 MB of text (record_text_size()), are still
 * unread (one is always taken, however large), so that what waits stays
 * bounded; COUNTS' held_peak says how much did.  A work that cannot be
 * read is counted as failed and
 * reported through WARN, from the writer thread.
 *
 * A fresh index (index_is_fresh()) must get every work of the store: feed
 * it only when the store held none before the harvest; otherwise index
 * with index_sync() once the harvest is done.  EV_NOMEM when the threads
 * cannot start.  index_feed_finish() waits for the threads,
 * fills COUNTS, frees the feed and returns the first failure (the
 * message in index_errmsg()); the index is then closed as usual.  After a
 * failure the rest of the works named are not indexed: the store keeps
 * them and the next index_sync() takes them.
 */
struct index_feed;
ev_status index_feed_start(struct index *ix, struct store *s,
			   index_warn_fn warn, void *ctx,
			   struct index_feed **out);
void index_feed_add(struct index_feed *f, const char *id,
		    struct record *rec);
/* Hold at most BYTES of record text instead of 32 MB (tests). */
void index_feed_limit(struct index_feed *f, size_t bytes);
ev_status index_feed_finish(struct index_feed *f,
			    struct index_counts *counts);

/* ------------------------------------------------------------------ */
/* Shards (shards.c; deployment in doc/evidence-shards.7)              */

#define INDEX_MAX_SHARDS 256

/* The shard, 0 to N-1, of work ID: FNV-1a (64-bit) of the id, modulo
 * N.  Stable: the same id always lands in the same shard. */
unsigned index_shard_of(const char *id, unsigned n);

/*
 * Split the index at SRC (read-only; a writer may keep working on it)
 * into N shards in the new folder DIR, which must not exist:
 *   DIR/shard-K     every document (work and passages) of the works
 *                   whose id falls in shard K, with the index metadata,
 *                   synonyms and spelling data
 *   DIR/meta        no documents: the metadata, synonyms and spelling
 *                   data alone, for searches over remote shards
 *   DIR/local.stub  a Xapian stub file naming meta and the shards
 * COUNTS (N entries) receives the documents written to each shard.
 * Searching the stub ranks as searching SRC does.  EV_USAGE when N is
 * not 1 to INDEX_MAX_SHARDS or DIR exists.  On failure *MSGP is a
 * malloc'd message and DIR may hold part of the shards.
 */
ev_status index_split(const char *src, const char *dir, unsigned n,
		      unsigned long *counts, char **msgp);

#endif
