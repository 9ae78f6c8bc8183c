/* fields.h - the index schema: one table for the indexer and the parser */
#ifndef EVIDENCE_FIELDS_H
#define EVIDENCE_FIELDS_H

#include <stddef.h>

/*
 * Term prefixes follow Xapian omega's conventions (docs/termprefixes.rst):
 * single capitals for the standard ones, X + capitals for ours.  The
 * indexer writes terms with these prefixes and the query parser reads
 * the same table, so a field can never be indexed under one prefix and
 * searched under another.  doc/evidence-query-syntax.7 lists them.
 */
enum field_kind {
	FIELD_TEXT,   /* free text: "title:networks" is stemmed, ranked */
	FIELD_BOOLEAN /* a filter: "type:review" matches exactly */
};

struct field {
	const char *name;   /* as typed in a query, without the colon */
	const char *prefix; /* term prefix */
	enum field_kind kind;
	const char *help;
};

extern const struct field fields[];
extern const size_t n_fields;

/* The field called NAME, or NULL. */
const struct field *field_lookup(const char *name);

/* Prefixes the indexer uses that users do not type. */
#define PREFIX_ID "Q"	 /* unique id: the work id */
#define PREFIX_WORK "XW" /* the work id again (schema 1 put it on passages) */
#define PREFIX_KIND "XK" /* "XKwork" */
#define PREFIX_YEAR "Y"
#define PREFIX_TYPE "XT"
#define PREFIX_LESSON "XL"
/* "XLVfocus:0.75": the work's strength in a lesson, as the term of that
 * value (field_lesson_value_term()) */
#define PREFIX_LESSON_VALUE "XLV"
#define PREFIX_DOI "XDOI"
#define PREFIX_PMID "XPMID"
#define PREFIX_SOURCE "XSRC"
#define PREFIX_TITLE "S"
#define PREFIX_AUTHOR "A"
#define PREFIX_JOURNAL "XJ"
#define PREFIX_KEYWORD "K"

/*
 * Value slots.  Schema 2 writes one document per work: its passages are
 * indexed in it one after another (100 positions apart, so no phrase
 * spans two), and the document's data says which lessons each carries.
 */
enum {
	SLOT_WORK_ID = 0,     /* the work id */
	SLOT_YEAR = 1,	      /* sortable year, for ranges and sorting */
	SLOT_TYPE_PRIOR = 2,  /* sortable evidence-type prior, for boosts */
	SLOT_COUNTS = 3,      /* "P C0 C1...": passages, and how many of them
				 carry lesson 0, 1... (decimal, space-separated) */
	SLOT_HASH = 4,	      /* content hash, a space, file stamp (index.c) */
	SLOT_LESSON_MAX = 5,  /* the strongest lesson's strength */
	/* 15 is the binding's: the document data (xdb.h, XDB_DATA_SLOT) */
	SLOT_LESSON_BASE = 16 /* + i: strength of lesson i of the taxonomy in
				 the work's strongest passage for it */
};

/* Database metadata keys. */
#define META_SCHEMA "evidence-schema" /* SCHEMA_VERSION */
#define META_LESSONS                                                          \
	"evidence-lessons" /* lesson names, comma-separated,                  \
			      in slot order */
#define META_LESSONS_DIGEST "evidence-lessons-digest"
#define META_SYNONYMS_DIGEST "evidence-synonyms-digest"
#define META_STEMS "evidence-stems" /* lessons_stems(): the cue words' stems */
#define META_COMPILED "evidence-lessons-compiled" /* lessons_compile() */
/* A line for each lesson: its name, then each strength its value terms
 * hold (field_strength_text()), blank-separated */
#define META_LESSON_VALUES "evidence-lesson-values"
/* Strengths listed for a lesson at most: a list that would pass it (or
 * a forged one) leaves searches reading that lesson's values, instead of
 * weighing hundreds of terms. */
#define MAX_LESSON_STRENGTHS 256
#define SCHEMA_VERSION 5

/*
 * The id term for ID with PREFIX: PREFIX + ID, or, when that would pass
 * Xapian's 245-byte term limit, PREFIX + "#" + SHA-256 of ID, so a
 * 1,000-byte id still indexes.  Written into OUT (>= 246 bytes).
 */
void field_id_term(const char *prefix, const char *id, char *out,
		   size_t outsz);

/* STRENGTH as the text of a lesson value term: "%.17g", which reads back
 * (strtod()) as the very same double.  OUT holds at least 32 bytes. */
void field_strength_text(double strength, char *out, size_t outsz);
/* The term of the documents whose strength in LESSON is TEXT (as
 * field_strength_text() writes it).  OUT as for field_id_term(). */
void field_lesson_value_term(const char *lesson, const char *text, char *out,
			     size_t outsz);

#endif
