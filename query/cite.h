/* cite.h - references and exports formatted from records */
#ifndef EVIDENCE_CITE_H
#define EVIDENCE_CITE_H

#include <stdio.h>

#include "lib/buf.h"
#include "lib/record.h"
#include "lib/status.h"

/*
 * Formatted references follow the CSL styles Debian ships in
 * citation-style-language-styles (vancouver.csl, apa.csl) as pandoc's
 * citeproc renders them, so that a reference pasted from evidence reads
 * the same as one a CSL processor made from our CSL-JSON export.
 * tests/cite-compare.sh measures the agreement.
 */

enum cite_style {
	CITE_VANCOUVER,
	CITE_APA,
	CITE_BIBTEX,
	CITE_RIS,
	CITE_CSL_JSON
};

/* How a formatted reference marks italics: not at all, with *stars*, or
 * with <i> (the text is then HTML-escaped). */
enum cite_markup { CITE_TEXT, CITE_MARKDOWN, CITE_HTML };

/* The style or markup named NAME ("vancouver", "apa", "bibtex", "ris",
 * "csl-json"; "text", "markdown", "html"); -1 when unknown. */
int cite_style_lookup(const char *name);
int cite_markup_lookup(const char *name);

/*
 * Append REC's reference in Vancouver (ICMJE/NLM) or APA 7 style to OUT,
 * without a number and without a trailing newline.  Parts the record
 * lacks are left out as the CSL style leaves them out.  EV_NOMEM or
 * EV_TOO_BIG from OUT.
 */
ev_status cite_vancouver(const struct record *rec, enum cite_markup markup,
			 struct buf *out);
ev_status cite_apa(const struct record *rec, enum cite_markup markup,
		   struct buf *out);

/*
 * APA with a year suffix ("2019a", "n.d.-a"; SUFFIX NULL or "" for
 * none).  A reference list tells apart works by the same authors in the
 * same year with suffixes, as citeproc does: cite_apa_suffixes() fills
 * SUFFIXES[i] ("" or "a", "b"... "zz") for the N works of RECS cited
 * together, lettered by month and day (a bare year last), then title.
 */
ev_status cite_apa_suffixed(const struct record *rec, enum cite_markup markup,
			    const char *suffix, struct buf *out);
ev_status cite_apa_suffixes(const struct record *recs, size_t n,
			    char (*suffixes)[4]);

/*
 * Append REC as one BibTeX entry with key KEY (see cite_keys below),
 * special characters escaped for LaTeX and non-ASCII letters written as
 * LaTeX accent commands where one exists.  DOI, PMID ("pmid = {N}"),
 * PMCID ("pmcid = {PMCN}") and URL are kept.  Ends with a newline.
 */
ev_status cite_bibtex(const struct record *rec, const char *key,
		      struct buf *out);

/*
 * Append REC as one RIS record (TY ... ER), CRLF-free, UTF-8.  DOI in
 * DO, URL in UR, PMID and PMCID as "N1  - PMID: N" and
 * "N1  - PMCID: PMCN".  Ends with a blank line.
 */
ev_status cite_ris(const struct record *rec, struct buf *out);

/*
 * REC as one CSL-JSON item (the CSL fields of the record and nothing of
 * the project's own), compact, in a fixed key order: *JSONP is malloc'd.
 */
ev_status cite_csl_json(const struct record *rec, char **jsonp);

/* CSV: the header row and one row per work (RFC 4180, CRLF). */
void cite_csv_header(FILE *out);
void cite_csv_row(FILE *out, const struct record *rec, const char *key);

/*
 * Citation keys.  A work wants the key its record carries (from its
 * source, such as a BibTeX file or the bundled corpus), or else one made
 * from the first author's family name (an organisation's words without
 * "the", "of"...), the year ("nd" without one) and the first significant
 * word of the title, folded to lower-case ASCII: "pettigrew2018impact".
 * Works are settled oldest first (added_at, then id): each takes the key
 * it wants when free, else key+"a", key+"b" ... ("aa" after "z").  A
 * work added later is younger than every stored one, so it can never
 * take or change a key already given.  A made key follows the record's
 * author, year and title: a correction to those changes it, unless the
 * record carries its key (see doc/evidence-export.1).
 *
 * cite_keys_add() every work of the collection, then cite_keys_get().
 */
struct cite_keys;

struct cite_keys *cite_keys_new(void);
void cite_keys_free(struct cite_keys *k);
ev_status cite_keys_add(struct cite_keys *k, const struct record *rec);

/* Settle the keys once every work is added.  EV_NOMEM. */
ev_status cite_keys_finish(struct cite_keys *k);

/* The key of the work with id ID, or NULL when it was not added.  Valid
 * until cite_keys_free(). */
const char *cite_keys_get(const struct cite_keys *k, const char *id);

/* The key REC asks for before collisions are settled ("" when it has
 * neither author, year nor title), into OUT. */
ev_status cite_key_base(const struct record *rec, struct buf *out);

#endif
