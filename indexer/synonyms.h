/* synonyms.h - groups of words and phrases that mean the same thing */
#ifndef EVIDENCE_SYNONYMS_H
#define EVIDENCE_SYNONYMS_H

#include <stddef.h>

#include "status.h"

struct xdb;

/*
 * synonyms.conf holds one group a line: "pcn = primary care network".
 * Xapian's synonym table maps a word or a run of words to single terms,
 * so a phrase cannot be a synonym's value.  Each group therefore gets a
 * canonical term, its first one-word member ("pcn"): the indexer adds it
 * wherever any member occurs in the text, and the database maps every
 * other member to it.  A query for any member then finds text that uses
 * any other.  Format: evidence-lessons.conf(5), section SYNONYMS.
 */
struct synonyms;

/* Parse the LEN bytes of TEXT (NAME for messages); ERR gets
 * "NAME:LINE: reason" on EV_PARSE.  A group with no one-word member is an
 * error. */
ev_status synonyms_parse(const char *text, size_t len, const char *name,
			 struct synonyms **out, char *err, size_t errsz);
void synonyms_free(struct synonyms *syn);

/* SHA-256 over the groups, to notice a change. */
const char *synonyms_digest(const struct synonyms *syn);

/* Call FN with the canonical term of every group a member of which
 * occurs in TEXT, once per occurrence. */
typedef ev_status (*synonyms_fn)(const char *canonical, void *ctx);
ev_status synonyms_scan(const struct synonyms *syn, const char *text,
			synonyms_fn fn, void *ctx);
/* The same for a text already split (wordlist_fill()). */
struct wordlist;
ev_status synonyms_scan_words(const struct synonyms *syn,
			      const struct wordlist *text, synonyms_fn fn,
			      void *ctx);

/* Write the synonym table into DB (writable), replacing what a previous
 * list put there. */
ev_status synonyms_install(const struct synonyms *syn, struct xdb *db);

#endif
