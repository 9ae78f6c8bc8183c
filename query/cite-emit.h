/* cite-emit.h - writing a list of works in one citation or export format */
#ifndef EVIDENCE_CITE_EMIT_H
#define EVIDENCE_CITE_EMIT_H

#include <stdio.h>

#include "query/cite.h"
#include "store.h"

/* Every format cite and export write. */
enum emit_format {
	EMIT_VANCOUVER = CITE_VANCOUVER,
	EMIT_APA = CITE_APA,
	EMIT_BIBTEX = CITE_BIBTEX,
	EMIT_RIS = CITE_RIS,
	EMIT_CSL_JSON = CITE_CSL_JSON,
	EMIT_JSONL,
	EMIT_CSV
};

/*
 * An emitter writes works to OUT one at a time, so that an export never
 * holds more than one record in memory (BibTeX and CSV also hold the
 * collection's citation keys, which need every work: see cite_keys).
 * APA is the exception: its year suffixes ("2019a") depend on every
 * work cited, so the works (without their text) are held and written by
 * emit_end().
 */
struct emitter {
	enum emit_format format;
	enum cite_markup markup;
	FILE *out;
	struct cite_keys *keys; /* BibTeX and CSV */
	struct buf buf;
	size_t count;
	/* APA: the works, kept for their year suffixes until the end */
	struct record *held;
	size_t n_held, alloc_held;
};

/* The citation keys of every work in STORE (cite_keys), into *KEYSP
 * (free with cite_keys_free()). */
ev_status cite_keys_of_store(struct store *store, struct cite_keys **keysp);

/*
 * REC in STYLE as one string appended to OUT: a reference for Vancouver
 * and APA, an entry for BibTeX (its key from KEYS, which may be NULL for
 * the other styles) and RIS, a compact item for CSL-JSON.  For
 * "search --cite".
 */
ev_status cite_format(const struct record *rec, enum cite_style style,
		      enum cite_markup markup, const struct cite_keys *keys,
		      struct buf *out);

/* Start: for BibTeX and CSV, walk STORE for the keys.  EV_NOMEM, or the
 * store's error. */
ev_status emit_begin(struct emitter *e, enum emit_format format,
		     enum cite_markup markup, FILE *out, struct store *store);

/* Write one work.  EV_IO when OUT fails; EV_INTERRUPTED when its
 * reader went away (EPIPE: "evidence export | head"), which the commands
 * take as the end of the run, not as an error. */
ev_status emit_record(struct emitter *e, const struct record *rec);

/* Finish the list (the closing bracket of CSL-JSON, the APA references
 * held) and free what E holds.  With E->out set to NULL it only frees.
 * Safe on an emitter whose emit_begin() failed. */
ev_status emit_end(struct emitter *e);

#endif
