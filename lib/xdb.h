/* xdb.h - a thin C binding over xapian-core */
#ifndef EVIDENCE_XDB_H
#define EVIDENCE_XDB_H

/*
 * The only C++ in evidence is xdb.cc, behind this header.  Everything is
 * an opaque handle; no exception ever crosses into C.  Each Xapian error
 * is mapped to an ev_status and its text kept on the handle that was
 * passed in (xdb_errmsg() and friends), valid until the next call on that
 * handle.  status.h is our own plain C header; no Xapian or C++ header is
 * visible from here.
 *
 * Ownership: every char * returned through an out-parameter is malloc'd
 * and the caller frees it.  Handles are freed with their own _free or
 * _close function, which accept NULL.  A handle is used by one thread at
 * a time.
 *
 * Status mapping:
 *   DatabaseLockError          EV_LOCKED (EV_READONLY when the lock file
 *                              cannot be opened for lack of permission)
 *   any error from a missing
 *   permission (EACCES, EROFS) EV_READONLY
 *   DatabaseNotFoundError,
 *   DatabaseOpeningError on a
 *   missing path, DocNotFound  EV_NOT_FOUND
 *   DatabaseCorruptError, or a
 *   truncated table file       EV_CORRUPT
 *   DatabaseVersionError       EV_VERSION
 *   DatabaseModifiedError      reopened and retried inside the binding up
 *                              to three times, then EV_MODIFIED
 *   QueryParserError,
 *   WildcardError              EV_BAD_QUERY
 *   InvalidArgumentError,
 *   InvalidOperationError      EV_USAGE
 *   DatabaseError with ENOSPC
 *   or EIO behind it           EV_IO
 *   std::bad_alloc             EV_NOMEM
 *   anything else              EV_INDEX
 */

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xdb xdb_t;                 /* a database */
typedef struct xdb_doc xdb_doc_t;         /* a document */
typedef struct xdb_termgen xdb_termgen_t; /* TermGenerator */
typedef struct xdb_qp xdb_qp_t;           /* QueryParser */
typedef struct xdb_query xdb_query_t;     /* Query (immutable) */
typedef struct xdb_enquire xdb_enquire_t; /* Enquire */
typedef struct xdb_mset xdb_mset_t;       /* a page of results */
typedef struct xdb_stem xdb_stem_t;       /* a Snowball stemmer */

/* Xapian's limit on the length of a term in bytes (glass). */
#define XDB_MAX_TERM 245

/* ---------------------------------------------------------------- */
/* Databases                                                         */

enum xdb_mode {
	XDB_READ,   /* read-only; the path may be a directory or a stub file */
	XDB_WRITE,  /* writable, created if missing; takes the write lock */
	XDB_CREATE_OVERWRITE, /* writable, emptied first */
	/* As XDB_CREATE_OVERWRITE, but commits are not flushed to disk:
	 * for a database nobody opens until the caller has made its files
	 * durable (fs_fsync_files()) and renamed it into place. */
	XDB_BUILD
};

/*
 * Open the database at PATH.  On success *DBP is the handle.  On failure
 * *DBP is NULL and, if MSGP is not NULL, *MSGP is a malloc'd message
 * (caller frees).  XDB_WRITE never waits for the lock: another writer
 * gives EV_LOCKED at once (callers loop with their own deadline).  A
 * writer on a directory that cannot be written is refused here with
 * EV_READONLY (Xapian itself would fail only at the first commit).  A
 * writer on a database that was never committed (killed while creating
 * it: no "iamglass") starts it afresh.
 */
ev_status xdb_open(const char *path, enum xdb_mode mode, xdb_t **dbp,
		   char **msgp);

/*
 * Combine several read-only databases (shards) into one handle for
 * searching.  Each path is a directory, a stub file, or a remote stub.
 * N = 0 is EV_USAGE; the message of a failure names the shard.
 */
ev_status xdb_open_shards(const char *const *paths, size_t n, xdb_t **dbp,
			  char **msgp);

/* Close the database.  A writable database commits pending changes the
 * way Xapian does on close; call xdb_commit() first to see errors. */
void xdb_close(xdb_t *db);

/* The message for the last failure on DB. */
const char *xdb_errmsg(const xdb_t *db);
/* The version of the Xapian library in use, "1.4.22". */
const char *xdb_version(void);

/* Re-read the latest committed revision (read-only handles). */
ev_status xdb_reopen(xdb_t *db);

/* Make every change so far durable, the spelling data included. */
ev_status xdb_commit(xdb_t *db);
/* The same for a batch of a longer run: the documents and everything
 * else, but the words xdb_add_spellings() gathered may stay pending
 * (up to XDB_SPELLING_PENDING_MAX distinct words) until a later batch's
 * commit or the full commit, xdb_commit() or xdb_close(), that ends the
 * run.  Searches meanwhile find the batch's documents but are not
 * offered its new words as spelling corrections.  If the run stops
 * before its full commit, the index says so, and the next full commit
 * of a writer on it adds what is missing from the documents' own
 * terms. */
ev_status xdb_commit_batch(xdb_t *db);
#define XDB_SPELLING_PENDING_MAX 131072
/* Whether xdb_commit_batch() would now hand the words waiting to Xapian,
 * as xdb_commit() always does.  Such a commit takes the most memory:
 * Xapian holds every fragment of every word it is given until the
 * commit writes them. */
int xdb_commit_flushes(const xdb_t *db);

/* Transactions: all changes between begin and commit land together or not
 * at all.  FLUSHED != 0 asks for a flushed transaction (a commit on
 * success); begin commits what is pending first.  Cancel throws away
 * every change not committed: since begin, and for an unflushed
 * transaction what was pending before it too.  Spelling words waiting
 * from documents committed earlier go with them, and the next full
 * commit rebuilds them from those documents. */
ev_status xdb_begin_transaction(xdb_t *db, int flushed);
ev_status xdb_commit_transaction(xdb_t *db);
ev_status xdb_cancel_transaction(xdb_t *db);

/* Number of documents. */
ev_status xdb_doccount(xdb_t *db, unsigned *countp);

/* Number of documents indexed by TERM (0 when absent). */
ev_status xdb_termfreq(xdb_t *db, const char *term, unsigned *freqp);
/* How many documents have a value in SLOT. */
ev_status xdb_value_freq(xdb_t *db, unsigned slot, unsigned *freqp);

/* Call FN for every term that starts with PREFIX, in sorted order, with
 * the term and its termfreq.  FN returning non-zero stops the walk; that
 * value is not an error.  A walk that meets a modified database restarts
 * only if FN has not been called yet; otherwise it gives EV_MODIFIED. */
typedef int (*xdb_term_fn)(const char *term, unsigned termfreq, void *ctx);
ev_status xdb_allterms(xdb_t *db, const char *prefix, xdb_term_fn fn,
		       void *ctx);

/* Call FN for every word of DB's spelling data, in sorted order, with
 * its spelling frequency; FN returning non-zero stops, as for
 * xdb_allterms(). */
ev_status xdb_spellings(xdb_t *db, xdb_term_fn fn, void *ctx);

/* Call FN for every document that TERM indexes, in docid order; FN
 * returning non-zero stops, as for xdb_allterms(). */
typedef int (*xdb_docid_fn)(unsigned docid, void *ctx);
ev_status xdb_postlist(xdb_t *db, const char *term, xdb_docid_fn fn,
		       void *ctx);

/* Call FN for every document with a value in SLOT, in docid order, with
 * the value (LEN bytes, NUL-terminated too; valid during the call): one
 * pass over Xapian's value stream, no document read.  FN returning
 * non-zero stops, as for xdb_allterms(). */
typedef int (*xdb_value_fn)(unsigned docid, const char *value, size_t len,
			    void *ctx);
ev_status xdb_valuestream(xdb_t *db, unsigned slot, xdb_value_fn fn,
			  void *ctx);

/* Metadata: *VALUEP is malloc'd, "" when the key is not set. */
ev_status xdb_get_metadata(xdb_t *db, const char *key, char **valuep);
ev_status xdb_set_metadata(xdb_t *db, const char *key, const char *value);
/* The same for bytes that may hold NULs: *LENP bytes in *VALUEP, with a
 * NUL after them. */
ev_status xdb_get_metadata_bytes(xdb_t *db, const char *key, char **valuep,
				 size_t *lenp);
ev_status xdb_set_metadata_bytes(xdb_t *db, const char *key,
				 const char *value, size_t len);

/* Copy SRC's metadata, synonym table and spelling data into DEST (a
 * writable database), adding to what DEST has: what a shard needs
 * beside its documents.  A failure on either side leaves its message on
 * DEST. */
ev_status xdb_copy_tables(xdb_t *src, xdb_t *dest);

/* Write a compact copy of DB as last committed into a new database at
 * DEST (which must not exist): every B-tree block full, the same
 * documents under the same docids, the same metadata, spelling and
 * synonym data.  A database written a batch at a time leaves its blocks
 * part full (glass splits a full block in half when a flush inserts into
 * it); the copy is smaller and its lists take fewer block reads.
 *
 * With N_MORE other databases (the paths in MORE, committed and closed),
 * the copy merges them all in one pass: DB's documents first, then each
 * of MORE's in turn, numbered on from the last (so a document written
 * later has the higher docid); spelling frequencies summed, synonyms
 * joined, and a metadata key set in several taking DB's value, or else
 * the first that has it.  The copy's termlist and spelling tables are
 * set to store what is written into them later plain, as a new
 * database's are.
 *
 * On failure DEST may hold a partial copy, for the caller to remove, and
 * DB the message. */
ev_status xdb_compact(xdb_t *db, const char *const *more, size_t n_more,
		      const char *dest);

/* Of the documents each term that starts with PREFIX indexes, keep only
 * the one with the highest docid, deleting the others, and count them in
 * *DROPPEDP: for an id prefix, after a merge in which a document may have
 * been written again in a later database.  Not committed. */
ev_status xdb_keep_last(xdb_t *db, const char *prefix,
			unsigned long *droppedp);

/* Add DOC's words (its terms without a prefix) to DB's spelling data,
 * each as often as it occurs (its wdf): what a TermGenerator bound to DB
 * would have recorded, but callable from the thread that writes when
 * documents are built in another.  The words are summed in DB's handle
 * and reach Xapian at the next xdb_commit(), xdb_commit_transaction()
 * or xdb_close() (a cancelled transaction drops them), or at an
 * xdb_commit_batch() that finds many waiting; spelling suggestions see
 * them once that is committed. */
ev_status xdb_add_spellings(xdb_t *db, xdb_doc_t *doc);

/* Walk DOC's words now, in the thread that built it, so that
 * xdb_add_spellings() only sums them: the walk was half of its cost in
 * the writer.  DOC's terms must not change afterwards. */
ev_status xdb_doc_gather_spellings(xdb_doc_t *doc);

/* Synonyms (writable databases).  TERM may be several words ("primary
 * care network") to match with the auto-multiword-synonyms flag; terms are
 * lower case and unstemmed, as QueryParser looks them up.  A SYNONYM is
 * one term: Xapian 1.4 does not parse it, so "pcn" -> "primary care
 * network" would look for the single term "primary care network".  Terms
 * over XDB_MAX_TERM bytes are refused with EV_USAGE (glass would store a
 * synonym list it cannot read back). */
ev_status xdb_add_synonym(xdb_t *db, const char *term, const char *synonym);
ev_status xdb_clear_synonyms(xdb_t *db, const char *term);

/* ---------------------------------------------------------------- */
/* Documents                                                         */

/* A new empty document, or NULL when out of memory. */
xdb_doc_t *xdb_doc_new(void);
void xdb_doc_free(xdb_doc_t *doc);
const char *xdb_doc_errmsg(const xdb_doc_t *doc);

/* Terms: a term with a wdf increment (a probabilistic term) or a
 * boolean term (wdf 0, for filters).  Terms over XDB_MAX_TERM bytes are
 * refused with EV_USAGE. */
ev_status xdb_doc_add_term(xdb_doc_t *doc, const char *term, unsigned wdfinc);
ev_status xdb_doc_add_boolean_term(xdb_doc_t *doc, const char *term);
ev_status xdb_doc_add_posting(xdb_doc_t *doc, const char *term,
			      unsigned pos, unsigned wdfinc);

/*
 * Values and data: byte strings of length LEN.
 *
 * A document's data is not kept where Xapian keeps it but in value slot
 * XDB_DATA_SLOT, as xdb_doc_set_data() packs it: the data's length and
 * its CRC-32, each as four bytes, most significant first, then the data
 * as one LZ4 block.  Xapian would deflate its own document data inside
 * add_document(), on the one thread that writes, at zlib's default level,
 * clearing 64 KB of zlib's tables each time: in an index --rebuild that
 * was nearly a quarter of the writer's instructions, and the writer sets
 * the pace.  LZ4 in the thread that builds the document costs an eighth
 * of that (bench/RESULTS.md).  The slot is the binding's:
 * xdb_doc_set_value() refuses it.  Data is at most XDB_MAX_DATA bytes
 * (EV_TOO_BIG); a slot that does not unpack to its length and CRC reads
 * as EV_CORRUPT.
 */
#define XDB_DATA_SLOT 15u
#define XDB_MAX_DATA (64u << 20)
ev_status xdb_doc_set_value(xdb_doc_t *doc, unsigned slot, const char *value,
			    size_t len);
ev_status xdb_doc_set_data(xdb_doc_t *doc, const char *data, size_t len);

/* Read back: *OUTP is malloc'd and NUL-terminated, *LENP its length
 * (LENP may be NULL).  An unset value is "". */
ev_status xdb_doc_get_value(xdb_doc_t *doc, unsigned slot, char **outp,
			    size_t *lenp);
ev_status xdb_doc_get_data(xdb_doc_t *doc, char **outp, size_t *lenp);

/* Call FN(term, wdf, ctx) for each term of DOC starting with PREFIX. */
typedef int (*xdb_doc_term_fn)(const char *term, unsigned wdf, void *ctx);
ev_status xdb_doc_terms(xdb_doc_t *doc, const char *prefix,
			xdb_doc_term_fn fn, void *ctx);

/* Every term of DOC, one per line in term order: the term, a space, its
 * wdf and, when it has positions, a space and them joined by commas.
 * *OUTP is malloc'd.  For tests that compare two documents' terms. */
ev_status xdb_doc_describe_terms(xdb_doc_t *doc, char **outp);

/* Add, replace or delete documents (writable databases).  Replacing by
 * IDTERM adds the document when no document has that term, and replaces
 * the first (deleting any others) when one does; DOC must carry IDTERM
 * itself for the next replace to find it.  Deleting by TERM removes every
 * document indexed by it.  IDTERM and TERM must not be empty. */
ev_status xdb_add_document(xdb_t *db, xdb_doc_t *doc, unsigned *docidp);
ev_status xdb_replace_document(xdb_t *db, const char *idterm, xdb_doc_t *doc);
ev_status xdb_delete_documents(xdb_t *db, const char *term);

/* Fetch document DOCID; *DOCP is a new handle the caller frees.  Its data
 * and values are read now (with the reopen-and-retry above); its terms
 * are read when walked, and can give EV_MODIFIED then.  DOCID 0 is
 * EV_USAGE. */
ev_status xdb_get_document(xdb_t *db, unsigned docid, xdb_doc_t **docp);

/* The first document indexed by TERM: EV_NOT_FOUND when none. */
ev_status xdb_find_document(xdb_t *db, const char *term, xdb_doc_t **docp);

/* ---------------------------------------------------------------- */
/* Stemming and indexing text                                        */

/* A stemmer for LANG ("english", "none"...).  NULL and *MSGP set on an
 * unknown language. */
xdb_stem_t *xdb_stem_new(const char *lang, char **msgp);
void xdb_stem_free(xdb_stem_t *stem);

/* Stem the LEN bytes of WORD (lower case UTF-8) into OUT, NUL-terminated,
 * and return the length of the stem.  When it does not fit in OUTSZ
 * bytes, it is cut and the full length is still returned (like
 * snprintf).  Never throws; returns 0 when stemming failed. */
size_t xdb_stem_word(xdb_stem_t *stem, const char *word, size_t len,
		     char *out, size_t outsz);

/* Stemmers (and term generators) keep the stems of about
 * XDB_STEM_CACHE_DEFAULT words, 2 MiB, and give the same stems as
 * without.  Keep about ENTRIES instead (0: none), forgetting those kept:
 * for tests, and for a run of words that seldom repeat. */
#define XDB_STEM_CACHE_DEFAULT 32768
void xdb_stem_set_cache(xdb_stem_t *stem, size_t entries);

/* A TermGenerator with the English stemmer, Xapian's STEM_SOME strategy
 * and an English stopword list.  When DB is a writable database, it also
 * records spelling data into it (for xdb_qp_correct()).  DB may be
 * NULL.  NULL when out of memory.  The indexer makes the same terms with
 * indexer/termgen.c, faster, and comes here only with XAPIAN_CJK_NGRAM
 * set; test-termgen holds the two to each other. */
xdb_termgen_t *xdb_termgen_new(xdb_t *db);
void xdb_termgen_free(xdb_termgen_t *tg);
const char *xdb_termgen_errmsg(const xdb_termgen_t *tg);

/*
 * Set the document that following calls index into; DOC is borrowed and
 * must outlive its use by TG.  Resets the term position to 0.  NULL lets
 * go of the current one (what is indexed then goes nowhere).
 *
 * TG keeps a share of its document until the next call, and Xapian
 * counts such shares without atomics: a document that another thread
 * will write or free must be let go of (NULL) before it is handed over.
 */
ev_status xdb_termgen_set_document(xdb_termgen_t *tg, xdb_doc_t *doc);

/* Index TEXT into the current document, with WDFINC per occurrence, and
 * PREFIX ("" for none) in front of every term.  Words over 64 bytes are
 * skipped; a PREFIX over 116 bytes, which could make terms over
 * XDB_MAX_TERM, is EV_USAGE. */
ev_status xdb_termgen_index_text(xdb_termgen_t *tg, const char *text,
				 unsigned wdfinc, const char *prefix);

/* Same, but without positional information. */
ev_status xdb_termgen_index_text_nopos(xdb_termgen_t *tg, const char *text,
				       unsigned wdfinc, const char *prefix);

/* Leave a gap in term positions, so phrases do not match across fields. */
ev_status xdb_termgen_increase_termpos(xdb_termgen_t *tg, unsigned delta);

/*
 * Characters as Xapian sees them, for indexer/termgen.c, which must cut
 * words exactly where TermGenerator and QueryParser do.
 *
 * xdb_utf8_char(): the character at P (LEFT bytes) as Xapian's
 * Utf8Iterator reads it, with its length in bytes in *LENP (0 when LEFT
 * is 0).  A byte that does not start a valid sequence is read alone, as
 * the Latin-1 character of its value.
 *
 * xdb_char_class(): the XDB_CHAR_* classes of CH, and its lower case
 * (Unicode::tolower()) in *LOWERP.
 */
enum {
	XDB_CHAR_WORD = 1 << 0,	 /* Unicode::is_wordchar() */
	XDB_CHAR_DIGIT = 1 << 1, /* a decimal digit (category Nd) */
	/* A letter of a category whose words TermGenerator's STEM_SOME
	 * stems when they start with it: lower case, title case, modifier
	 * or other letters. */
	XDB_CHAR_STEMS = 1 << 2
};
unsigned xdb_utf8_char(const char *p, size_t left, size_t *lenp);
unsigned xdb_char_class(unsigned ch, unsigned *lowerp);

/* ---------------------------------------------------------------- */
/* Queries                                                           */

/* QueryParser flags: combine with |.  XDB_QP_DEFAULT is phrase, boolean,
 * love-hate, wildcard and auto multiword synonyms. */
enum {
	XDB_QP_BOOLEAN = 1 << 0,
	XDB_QP_PHRASE = 1 << 1,
	XDB_QP_LOVEHATE = 1 << 2,
	XDB_QP_WILDCARD = 1 << 3,
	XDB_QP_SYNONYM = 1 << 4,        /* ~term expands synonyms */
	XDB_QP_AUTO_SYNONYMS = 1 << 5,
	XDB_QP_AUTO_MULTIWORD_SYNONYMS = 1 << 6, /* single words too */
	XDB_QP_BOOLEAN_ANY_CASE = 1 << 7,
	XDB_QP_DEFAULT = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 6)
};

/* Default operator between terms. */
enum xdb_op {
	XDB_OP_AND,
	XDB_OP_OR,
	XDB_OP_AND_NOT,
	XDB_OP_FILTER,     /* left, restricted to docs matching right */
	XDB_OP_AND_MAYBE,  /* left, with weight added from right */
	XDB_OP_PHRASE,
	XDB_OP_NEAR,
	XDB_OP_SYNONYM,
	XDB_OP_MAX         /* either; weighted as the heavier of the two */
};

/* A QueryParser with the English stemmer (STEM_SOME), stopwords, and DB
 * for wildcard expansion, synonyms and spelling (DB is borrowed; it may
 * be NULL).  NULL when out of memory. */
xdb_qp_t *xdb_qp_new(xdb_t *db);
void xdb_qp_free(xdb_qp_t *qp);
const char *xdb_qp_errmsg(const xdb_qp_t *qp);

/* "title:" style fields: free text with PREFIX (may be called several
 * times for one FIELD), or a boolean filter.  Boolean prefixes with the
 * same FIELD are ORed; different fields are ANDed.  EXCLUSIVE = 0 makes
 * several values of the field AND instead (for "lesson:a lesson:b"). */
ev_status xdb_qp_add_prefix(xdb_qp_t *qp, const char *field,
			    const char *prefix);
ev_status xdb_qp_add_boolean_prefix(xdb_qp_t *qp, const char *field,
				    const char *prefix, int exclusive);

/* A numeric range "FIELD:A..B" over value SLOT, whose values are written
 * with xdb_sortable_serialise().  FIELD includes the colon ("year:"). */
ev_status xdb_qp_add_number_range(xdb_qp_t *qp, unsigned slot,
				  const char *field);

/* Cap wildcard expansion at MAX terms (0: no cap, Xapian's default).
 * Xapian expands wildcards when matching, so a wildcard over more terms
 * gives EV_BAD_QUERY from xdb_enquire_get_mset(), with a message that
 * names it and the cap. */
ev_status xdb_qp_set_max_expansion(xdb_qp_t *qp, unsigned max);

ev_status xdb_qp_set_default_op(xdb_qp_t *qp, enum xdb_op op);

/* Parse TEXT into *QUERYP (caller frees).  On EV_BAD_QUERY the message on
 * QP says why.  An empty query gives a query that matches nothing.  Flag
 * bits that are not XDB_QP_* are EV_USAGE. */
ev_status xdb_qp_parse(xdb_qp_t *qp, const char *text, unsigned flags,
		       xdb_query_t **queryp);

/* TEXT corrected, into *OUT (malloc'd; NULL when nothing was changed):
 * each word of TEXT that Q (QP's parse of TEXT) has as a word or its stem
 * (no field prefix) but no document of QP's database has, replaced by
 * the word of the database's spelling data Xapian finds closest (fewest
 * edits, at most two; the most frequent of those).  Words a document has
 * are left alone.  EV_NOMEM, or the database's status with
 * the message on QP. */
ev_status xdb_qp_correct(xdb_qp_t *qp, const char *text, const xdb_query_t *q,
			 char **out);

/* Call FN for each term of Q, stems included, in order of position in
 * the query; boolean filter terms have no position and come first (for
 * highlighting and explanation).  FN's wdf argument is 0.  Only memory
 * can fail (EV_NOMEM). */
ev_status xdb_query_terms(const xdb_query_t *q, xdb_doc_term_fn fn,
			  void *ctx);
/* Whether Q only gathers documents: a term, or words, phrases or
 * wildcards ORed (the parser's default), so that ORing more documents
 * to it breaks nothing it asks for.  0 when it also requires or
 * excludes (AND, +word, NOT, -word, XOR, a field filter such as type:,
 * a range, a weight scaled). */
int xdb_query_only_gathers(const xdb_query_t *q);
/* The words of Q under the filters and exclusions around them: its left
 * operand through every FILTER and AND_NOT at its top ("type:review
 * trust NOT patient" gives "trust"), or Q itself.  And Q with CORE in
 * that place, the same filters and exclusions around it.  Both NULL
 * when out of memory. */
xdb_query_t *xdb_query_core(const xdb_query_t *q);
xdb_query_t *xdb_query_with_core(const xdb_query_t *q,
				 const xdb_query_t *core);

/* Query builders.  Each returns a new query the caller frees with
 * xdb_query_free(), or NULL when out of memory or an argument is invalid
 * (an empty term, a NULL query, an unknown operator, FACTOR < 0).  Inputs
 * are not consumed. */
xdb_query_t *xdb_query_term(const char *term, unsigned wqf);
xdb_query_t *xdb_query_match_all(void);
xdb_query_t *xdb_query_match_nothing(void);
xdb_query_t *xdb_query_combine(enum xdb_op op, const xdb_query_t *a,
			       const xdb_query_t *b);
/* Combine N terms with OP (AND, OR, PHRASE, NEAR, SYNONYM); WINDOW is
 * used by PHRASE and NEAR (0 = number of terms). */
xdb_query_t *xdb_query_terms_op(enum xdb_op op, const char *const *terms,
				size_t n, unsigned window);
/* Multiply Q's weights by FACTOR (>= 0). */
xdb_query_t *xdb_query_scale(const xdb_query_t *q, double factor);
/* Matches every document with a value in SLOT, weighted by SCALE (>= 0)
 * times that value (written with xdb_sortable_serialise()) capped at CAP.
 * A capped query works on local databases only (Xapian will not send it
 * to a remote shard), and passes over documents whose weight could not
 * put them among the results.  With CAP <= 0 there is no cap, values
 * must be >= 0 and SCALE at most 1 (NULL otherwise: Xapian's own source
 * would drop matches when scaled up; scale the rest of the query down
 * instead).  Not for use under xdb_query_scale() with a factor above 1,
 * for the same reason. */
xdb_query_t *xdb_query_value_weight(unsigned slot, double cap, double scale);
/* One slot of xdb_query_value_sum(). */
struct xdb_value_weight {
	unsigned slot;
	double scale; /* >= 0 */
	int match;    /* a value here makes a document match */
};
/*
 * The capped form of xdb_query_value_weight() over N slots at once: each
 * document with a value in a slot marked MATCH (every document, when no
 * slot is marked) is weighted by the sum of every slot's SCALE times its
 * value capped at CAP (> 0), summed in the order given (put the slots
 * that weigh most first: a document is passed over once the rest could
 * not lift it into the results).  Local databases only.
 */
xdb_query_t *xdb_query_value_sum(const struct xdb_value_weight *w, size_t n,
				 double cap);
/*
 * Matches every document indexed by one of the N TERMS (boolean ones,
 * say a document's type), weighing the WEIGHT (>= 0) of its term: a
 * boost by a field that lets the matcher skip the documents whose terms
 * weigh too little to count, where a value source reads every document.
 * No document may have two of the terms (one would weigh the heavier,
 * and the counts of matches would be wrong).  Local databases only.
 */
xdb_query_t *xdb_query_term_weights(const char *const *terms,
				    const double *weights, size_t n);
/* One list of xdb_query_term_sum(): N TERMS and their WEIGHTS, as
 * xdb_query_term_weights() takes them. */
struct xdb_term_weights {
	const char *const *terms;
	const double *weights;
	size_t n;
	int match; /* a term here makes a document match */
};
/*
 * xdb_query_term_weights() of N lists at once: the documents with a term
 * of a list marked MATCH and a term of every other list, weighing the sum
 * of the lists marked MATCH, in the order given, plus the others, in
 * theirs.  With at most two lists marked MATCH and one other, the weights
 * and the estimates of the matches are to the bit what "(A OR B) AND C"
 * of the single lists' queries gives; but a document whose weights
 * together cannot lift it into the results is passed over, where the
 * matcher bounds each of those queries by its own most alone.  NULL when
 * no list is marked MATCH.  Local databases only.
 */
xdb_query_t *xdb_query_term_sum(const struct xdb_term_weights *lists,
				size_t n);
/* Matches documents whose value in SLOT lies in [LO, HI] (serialised). */
xdb_query_t *xdb_query_value_range(unsigned slot, double lo, double hi);
void xdb_query_free(xdb_query_t *q);
/* Xapian's description of Q, malloc'd. */
char *xdb_query_describe(const xdb_query_t *q);

/* Encode a number so that byte order sorts as numeric order.  Writes at
 * most 18 bytes to OUT and returns the length. */
size_t xdb_sortable_serialise(double value, char *out);
double xdb_sortable_unserialise(const char *value, size_t len);

/* ---------------------------------------------------------------- */
/* Searching                                                         */

/* A search over DB; NULL when out of memory.  Free ENQ and its MSets
 * before closing DB. */
xdb_enquire_t *xdb_enquire_new(xdb_t *db);
void xdb_enquire_free(xdb_enquire_t *enq);
/* The most weight Q can give a document of DB, under the default
 * weighting: the bound the matcher starts from. */
ev_status xdb_query_max_weight(xdb_t *db, const xdb_query_t *q,
			       double *out);

const char *xdb_enquire_errmsg(const xdb_enquire_t *enq);

ev_status xdb_enquire_set_query(xdb_enquire_t *enq, const xdb_query_t *q);

/* BM25 with Xapian's parameters (defaults 1, 0, 1, 0.5, 0.5). */
ev_status xdb_enquire_set_bm25(xdb_enquire_t *enq, double k1, double k2,
			       double k3, double b, double min_normlen);

/* Keep at most MAX documents per distinct value in SLOT (MAX = 0: no
 * collapsing). */
ev_status xdb_enquire_set_collapse_key(xdb_enquire_t *enq, unsigned slot,
				       unsigned max);

/* Order by relevance (the default), or by the value in SLOT then
 * relevance, descending when REVERSE. */
ev_status xdb_enquire_set_sort_by_value_then_relevance(xdb_enquire_t *enq,
						       unsigned slot,
						       int reverse);

/* Count the distinct values in SLOT among all matches (facets).  Read
 * them back from the MSet with xdb_mset_facets(). At most 4 spies; a
 * fifth is EV_USAGE. */
ev_status xdb_enquire_add_facet(xdb_enquire_t *enq, unsigned slot);

/* Run the query: results FIRST .. FIRST+MAX-1, counting at least
 * CHECKATLEAST matches exactly.  *MSETP is freed by the caller.  A reader
 * that meets a database modified under it reopens and retries. */
ev_status xdb_enquire_get_mset(xdb_enquire_t *enq, unsigned first,
			       unsigned max, unsigned checkatleast,
			       xdb_mset_t **msetp);

void xdb_mset_free(xdb_mset_t *mset);
const char *xdb_mset_errmsg(const xdb_mset_t *mset);
unsigned xdb_mset_size(const xdb_mset_t *mset);
/* Estimated, lower and upper bound on the number of matches. */
unsigned xdb_mset_matches_estimated(const xdb_mset_t *mset);
unsigned xdb_mset_matches_lower_bound(const xdb_mset_t *mset);
unsigned xdb_mset_matches_upper_bound(const xdb_mset_t *mset);

/* Hit I (0-based): its docid, weight, and (with a collapse key) how many
 * documents were collapsed into it.  Each out-pointer may be NULL.  I
 * past the end is EV_USAGE (likewise for xdb_mset_document()). */
ev_status xdb_mset_hit(xdb_mset_t *mset, unsigned i, unsigned *docidp,
		       double *weightp, unsigned *collapsedp);
/* Hit I's document: a new handle the caller frees.  Its data is read
 * now, as by xdb_get_document(); its values and terms when asked for, so
 * xdb_doc_get_value() and xdb_doc_terms() on it can fail with EV_MODIFIED
 * if writers have committed twice since the search (search again). */
ev_status xdb_mset_document(xdb_mset_t *mset, unsigned i, xdb_doc_t **docp);

/* Make MSET's snippets stem with STEM (xdb_stem_new()), sharing its
 * cache: words its caller has stemmed are not stemmed again.  The stemmer
 * is shared, not borrowed: STEM may be freed first.  Without this call a
 * snippet stems English through a small cache of its own.  An English
 * stemmer stems only the words that begin as one of the query's stems
 * does, which are the only ones that can match it: the same snippets for
 * a third of the work (xdb.cc, QueryBoundStem).  Binding it to the query
 * is done here, so set it once for a result set, not before each
 * snippet. */
void xdb_mset_set_stem(xdb_mset_t *mset, const xdb_stem_t *stem);

/* A snippet of TEXT of about LENGTH bytes around the terms that matched,
 * each wrapped in HI_START .. HI_END, with OMIT where text was left out.
 * Xapian escapes &, < and > in TEXT as HTML; with RAW != 0 the binding
 * undoes that so the snippet is plain text, and makes one highlight of
 * two that only blanks keep apart ("[mission creep]").  *OUTP
 * malloc'd. */
ev_status xdb_mset_snippet(xdb_mset_t *mset, const char *text, size_t length,
			   const char *hi_start, const char *hi_end,
			   const char *omit, int raw, char **outp);

/* Facet counts from spy number K (in order of xdb_enquire_add_facet):
 * FN(value, count, ctx) for each distinct value, most frequent first,
 * ties in byte order of the value; FN returning non-zero stops.  VALUE
 * is NUL-terminated too.  K with no spy is EV_USAGE. */
typedef int (*xdb_facet_fn)(const char *value, size_t len, unsigned count,
			    void *ctx);
ev_status xdb_mset_facets(xdb_mset_t *mset, unsigned k, xdb_facet_fn fn,
			  void *ctx);

#ifdef __cplusplus
}
#endif

#endif
