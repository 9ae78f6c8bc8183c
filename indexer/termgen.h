/* termgen.h - a text's words as the terms Xapian's TermGenerator makes */
#ifndef EVIDENCE_TERMGEN_H
#define EVIDENCE_TERMGEN_H

/*
 * The indexer's term generator.  It gives a document exactly the terms,
 * wdfs and positions that xdb_termgen_*() (Xapian's TermGenerator with
 * the English stemmer, STEM_SOME and our stopwords) gives it: the same
 * word boundaries (Xapian's own Unicode tables, through xdb.h), acronyms
 * ("U.N." -> "un"), infixes ("AT&T", "don't", "1,000"), suffixes ("C++"),
 * the 64-byte word limit, and an unstemmed term with its position for
 * every word plus a "Z" term for the stem of every word that is not a
 * stopword and starts with a letter.  tests/test-termgen.c holds it to
 * that, text by text, against TermGenerator itself.
 *
 * It is faster because it does less per word: each word's stem term is
 * counted in a table and handed to the document once per distinct word
 * at termgen_finish(), where TermGenerator stems every occurrence and
 * adds it to the document's std::map each time; and ASCII, most of what
 * we index, is classified from a table.
 *
 * With XAPIAN_CJK_NGRAM set in the environment TermGenerator splits
 * Chinese, Japanese and Korean text into n-grams (and so does
 * QueryParser); this generator does not, so it hands every call to
 * TermGenerator instead.
 *
 * One thread uses a term generator at a time.
 */

#include "status.h"
#include "xdb.h"

struct termgen;

/* A new term generator, or NULL when out of memory. */
struct termgen *termgen_new(void);
void termgen_free(struct termgen *tg);
const char *termgen_errmsg(const struct termgen *tg);

/* Index into DOC (borrowed until termgen_finish()) from term position 0.
 * NULL lets go of the current document and drops what it had pending. */
ev_status termgen_start(struct termgen *tg, xdb_doc_t *doc);

/* Index TEXT with WDFINC per occurrence and PREFIX ("" for none) before
 * every term; with POSITIONS, each word takes the next term position.
 * A PREFIX over 116 bytes, which could make terms over XDB_MAX_TERM, is
 * EV_USAGE. */
ev_status termgen_index(struct termgen *tg, const char *text, unsigned wdfinc,
			const char *prefix, int positions);

/* Leave a gap of DELTA term positions, so phrases do not match across
 * fields. */
ev_status termgen_skip(struct termgen *tg, unsigned delta);

/* Add the pending stem terms to the document and let go of it, also on
 * failure.  Call it (or termgen_start() with NULL) before the document
 * goes to another thread: with XAPIAN_CJK_NGRAM, TermGenerator holds a
 * share of it, which Xapian counts without atomics (xdb.h). */
ev_status termgen_finish(struct termgen *tg);

#endif
