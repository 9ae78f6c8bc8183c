/* lessons.h - the lesson taxonomy and the rule-based passage tagger */
#ifndef EVIDENCE_LESSONS_H
#define EVIDENCE_LESSONS_H

#include <stddef.h>

#include "buf.h"
#include "sprinter.h"
#include "status.h"
#include "strvec.h"

/*
 * A taxonomy defines each lesson by cues: stemmed words, phrases, words
 * near each other, each with a weight.  A passage carries a lesson when
 * the weights of the cues that fire reach the lesson's threshold.  The
 * file format is documented in doc/evidence-lessons.conf.5; the shipped
 * default is indexer/lessons.conf.
 *
 * A taxonomy is read-only once loaded, but tagging uses its stemmer, which
 * keeps state: give each thread its own taxonomy.
 */
struct lessons;

/* Read a taxonomy from PATH, or from the LEN bytes of TEXT (NAME is used
 * in messages).  On EV_PARSE, ERR holds "NAME:LINE: reason". */
ev_status lessons_load(const char *path, struct lessons **out, char *err,
		       size_t errsz);
ev_status lessons_parse(const char *text, size_t len, const char *name,
			struct lessons **out, char *err, size_t errsz);
/*
 * What an earlier parse left behind to make reading the same taxonomy
 * again cheap (the indexer keeps both in the index); either may be NULL.
 * STEMS is the text of lessons_stems(): the cue words' stems, taken
 * instead of stemming the words again.  COMPILED is lessons_compile(),
 * COMPILED_LEN bytes: when it was made by this build from a text of the
 * same length and hash (text_hash64()) as the one being read, the
 * taxonomy is taken from it without parsing.  A memo made by another
 * Xapian or another build, or damaged, is not used.
 *
 * The stems serve only a parse, which a compiled form that fits spares:
 * with STEMS NULL, LOAD_STEMS (when set) is called with ARG the first
 * time they would serve, for a malloc'd text of lessons_stems() (or
 * NULL), freed after the parse.
 */
struct lessons_memo {
	const char *stems;
	const char *compiled;
	size_t compiled_len;
	char *(*load_stems)(void *arg);
	void *arg;
};

/* lessons_load() and lessons_parse() with MEMO (may be NULL). */
ev_status lessons_load_memo(const char *path, const struct lessons_memo *memo,
			    struct lessons **out, char *err, size_t errsz);
ev_status lessons_parse_memo(const char *text, size_t len, const char *name,
			     const struct lessons_memo *memo,
			     struct lessons **out, char *err, size_t errsz);
void lessons_free(struct lessons *l);

/* Append to OUT the stem memo of L: each cue word with its stem.
 * EV_USAGE when L was taken from a compiled form, which leaves the
 * words out: a command that writes memos parses its taxonomy. */
ev_status lessons_stems(const struct lessons *l, struct buf *out);
/* Append to OUT the compiled form of L: bytes, with NULs. */
ev_status lessons_compile(const struct lessons *l, struct buf *out);

/* The lessons, in file order. */
size_t lessons_count(const struct lessons *l);
const char *lessons_name(const struct lessons *l, size_t i);  /* "focus" */
const char *lessons_label(const struct lessons *l, size_t i); /* title */
const char *lessons_description(const struct lessons *l, size_t i);
/* Index of the lesson called NAME, or -1. */
long lessons_find(const struct lessons *l, const char *name);

/* A SHA-256 over the taxonomy's meaning (not its comments), so the
 * indexer can tell when passages must be re-tagged: 64 hex digits and a
 * NUL in OUT. */
void lessons_digest(const struct lessons *l, char out[65]);

/* One lesson found in a passage. */
struct lesson_tag {
	size_t lesson;        /* index into the taxonomy */
	double score;         /* sum of the weights of the cues that fired */
	double strength;      /* 0 < strength <= 1, from score and threshold */
	struct strvec cues;   /* the cues that fired, as written in the file */
};

struct lesson_tags {
	struct lesson_tag *v;
	size_t n;
};

void lesson_tags_init(struct lesson_tags *tags);
void lesson_tags_release(struct lesson_tags *tags);

/*
 * Tag TEXT: fill TAGS (initialised, empty) with every lesson whose score
 * reaches its threshold, in taxonomy order.  With MIN_FRACTION < 1, also
 * lessons that reach that fraction of their threshold (the search side
 * uses this to see which lessons a short query names).
 */
ev_status lessons_tag(const struct lessons *l, const char *text,
		      double min_fraction, struct lesson_tags *tags);
/*
 * The same for a text already split (wordlist_fill()).  CACHE, unless
 * NULL, remembers the ids of the words it has seen, for a caller that
 * tags many texts with L in one thread (the indexer): each distinct word
 * is then stemmed and looked up once, not at every occurrence.  A cache
 * is made for one taxonomy (lessons_cache_new(), NULL when out of
 * memory) and ignored with any other: it knows its taxonomy by a number
 * each one is given, not by address, so a taxonomy allocated where a
 * freed one was is another.
 */
struct wordlist;
struct lessons_cache;
struct lessons_cache *lessons_cache_new(const struct lessons *l);
void lessons_cache_free(struct lessons_cache *cache);
ev_status lessons_tag_words(const struct lessons *l,
			    const struct wordlist *text,
			    struct lessons_cache *cache, double min_fraction,
			    struct lesson_tags *tags);

/* "lessons": [{"lesson", "strength", "score", "cues"}...] for one
 * passage (TAGS may be NULL: an empty list). */
void lessons_print_tags(struct sprinter *sp, const struct lessons *tax,
			   const struct lesson_tags *tags);

#endif
