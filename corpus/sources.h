/* sources.h - the sources file: what harvest fetches, one section each */
#ifndef EVIDENCE_SOURCES_H
#define EVIDENCE_SOURCES_H

#include <stddef.h>

#include "status.h"

/*
 * The sources file is INI-style (doc/evidence-sources.conf.5):
 *
 *   # a comment (also "; ..."), on a line of its own
 *   [pcn-pubmed]
 *   type = pubmed
 *   query = "primary care network"[tiab]
 *   api_key = ${NCBI_API_KEY}
 *
 * One [name] section per source; "key = value" lines, some keys
 * repeatable (doi, pmid, url, path).  ${VAR} in a value is replaced by
 * the environment variable VAR (empty when unset).  A relative "path" is
 * taken relative to the folder of the sources file.  Every key is
 * checked against the source's type when the file is read, so a typo
 * fails before anything is fetched.
 */

enum source_type {
	SOURCE_FILE,
	SOURCE_PAGE,
	SOURCE_FEED,
	SOURCE_PUBMED,
	SOURCE_EUROPEPMC,
	SOURCE_CROSSREF,
	SOURCE_OPENALEX,
	SOURCE_REFERENCES,
	SOURCE_TYPE_COUNT
};

/* "pubmed" for SOURCE_PUBMED... */
const char *source_type_name(enum source_type type);

struct source_entry {
	char *key;
	char *value; /* expanded; a "path" made absolute */
	int line;
};

struct source {
	char *name;
	enum source_type type;
	int line; /* of the [name] header */
	struct source_entry *entries;
	size_t n_entries;
};

struct sources {
	char *path; /* the file read, or NULL */
	struct source *v;
	size_t n;
};

void sources_init(struct sources *s);
void sources_release(struct sources *s);

/*
 * Parse LEN bytes of TEXT, read from PATH (for messages and relative
 * paths; NULL: relative paths are kept as they are), into S (initialised,
 * empty).  EV_USAGE with "PATH:LINE: reason" in ERR for any mistake: an
 * unknown key or type, a key that does not apply to the type, a
 * non-repeatable key given twice, a missing required key, a bad date,
 * a duplicate section name.  EV_NOMEM.
 */
ev_status sources_parse(const char *text, size_t len, const char *path,
			struct sources *s, char *err, size_t errsz);

/* Read and parse the file PATH.  EV_NOT_FOUND, EV_IO or EV_TOO_BIG
 * (over 1 MiB) with a message in ERR, or as sources_parse(). */
ev_status sources_load(const char *path, struct sources *s, char *err,
		       size_t errsz);

/* The last value of KEY in SRC, or NULL. */
const char *source_get(const struct source *src, const char *key);

/*
 * Walk the values of a repeatable KEY: start with *POS = 0; returns the
 * next value or NULL at the end.
 */
const char *source_next(const struct source *src, const char *key,
			size_t *pos);

/* The section named NAME, or NULL. */
const struct source *sources_find(const struct sources *s,
				  const char *name);

/*
 * Build a sources list in code (for "evidence add"): a new section NAME
 * of TYPE, then its values, taken as they are (no ${VAR}, no check).
 * *OUT is valid until the next sources_add().
 */
ev_status sources_add(struct sources *s, const char *name,
		      enum source_type type, struct source **out);
ev_status source_append(struct source *src, const char *key,
			const char *value);

/* 1 when S is a date as "since" and "until" take it: YYYY, YYYY-MM or
 * YYYY-MM-DD (slashes allowed for dashes). */
int sources_valid_date(const char *s);

/* 1 for "yes", "true", "on", "1"; 0 otherwise. */
int source_flag(const struct source *src, const char *key);

#endif
