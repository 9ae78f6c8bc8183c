/* parse-formats.h - what the format parsers share, behind parse_input() */
#ifndef EVIDENCE_PARSE_FORMATS_H
#define EVIDENCE_PARSE_FORMATS_H

#include <stddef.h>

#include "parse.h"
#include "record.h"
#include "status.h"

/*
 * Not a public interface: parse.h is.  parse_input() fills a struct
 * parser (the payload, its hash, where to send records) and calls the
 * parser for the format; a parser fills a record at a time and hands it
 * to parser_emit(), which adds the provenance, normalises it and passes
 * it to the sink.
 */
struct parser {
	const struct parse_input *in;
	enum format fmt;
	record_sink sink;
	void *sink_ctx;
	char *err;
	size_t errsz;
	size_t max_size;       /* cap on bytes held in memory */
	char *url;             /* provenance URL: in->url, or file:// */
	char hash[65];         /* SHA-256 of the whole payload */
	char fetched_at[21];

	/* For the streamed formats: the payload is read through
	 * parser_read(), from in->fd or from DATA when it was read into
	 * memory already (a pipe). */
	const char *data;
	size_t len;
	size_t pos;
	int from_fd;
	size_t consumed;       /* bytes handed out by parser_read() */
	size_t mark;           /* CONSUMED where the current record began */
	ev_status read_rc;     /* why parser_read() failed */

	size_t n_records;      /* passed to the sink so far */
};

/* Add the provenance entry, normalise REC, pass it to the sink, and
 * release it (REC is left empty and initialised, ready for the next).
 * Returns the sink's status, or EV_NOMEM. */
ev_status parser_emit(struct parser *p, struct record *rec);

/* parser_emit(), with "#FRAGMENT" after the provenance URL: one of many
 * records in a file (a BibTeX key, a record number), so that records
 * with no identifier of their own are not taken for one work because
 * they share the file's URL. */
ev_status parser_emit_at(struct parser *p, struct record *rec,
			 const char *fragment);

/* Write a message into p->err and return RC. */
ev_status parser_fail(struct parser *p, ev_status rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An xml_read_fn over the payload.  Fails (and sets p->read_rc) once
 * more than p->max_size bytes have been read since p->mark, which caps
 * the size of one streamed record. */
int parser_read(void *p, char *buf, int len);

/* The parsers.  The in-memory ones get the whole payload (LEN bytes at
 * DATA, with a NUL after them). */
ev_status parse_text(struct parser *p, const char *data, size_t len);
ev_status parse_html(struct parser *p, const char *data, size_t len);
ev_status parse_jats(struct parser *p, const char *data, size_t len);
ev_status parse_csljson(struct parser *p, const char *data, size_t len);
ev_status parse_pubmed(struct parser *p);
/* A PubMed title as a citation wants it, in place, for both of PubMed's
 * formats (parse-pubmed.c): without its closing full stop, and a title
 * translated into English without the brackets PubMed puts round it:
 * "[Translated title]." -> "Translated title".  "[a] b [c]" stays. */
void pubmed_tidy_title(char *t);
/* Tagged bibliographic exports (parse-medline.c, parse-ris.c,
 * parse-bibtex.c), in memory. */
ev_status parse_medline(struct parser *p, const char *data, size_t len);
ev_status parse_ris(struct parser *p, const char *data, size_t len);
ev_status parse_bibtex(struct parser *p, const char *data, size_t len);

/* --- What the tagged exports share (parse-ris.c) --- */

/*
 * The payload (*LEN bytes at *DATA) as UTF-8 text, a BOM skipped.  These
 * formats declare no encoding, and guessing one (GBK, Latin-1) would
 * store garbage, so text that is not UTF-8 fails P with EV_PARSE and the
 * line of the first bad byte; UTF-16 and NUL bytes fail too.  Only when
 * the HTTP charset (p->in->charset) says ISO-8859-1 or Windows-1252 is it
 * decoded as Windows-1252, into *OWNED (malloc'd; the caller frees it,
 * NULL when nothing was decoded), and *DATA and *LEN point there.
 */
ev_status tagged_text(struct parser *p, const char **data, size_t *len,
		      char **owned);

/* The next line at *POS (before END), without its line end and trailing
 * blanks; *LEN is its length.  NULL at the end. */
const char *tagged_next_line(const char **pos, const char *end,
			     size_t *len);

/* Add the author(s) in VALUE (nothing once REC has TAGGED_MAX_AUTHORS)
 * as databases write them: "Family, Given",
 * "Given Family", an organisation (author_add_name()), "Family
 * Initials" ("de Hoon MJ", "Liu R."), or a list of those joined by
 * commas ("Achterbergh RCA, van der Helm JJ"). */
ev_status tagged_add_author(struct record *rec, const char *value);

/* Set REC's DOI, PMID and PMCID, when unset, from the resolver or
 * database URLs in TEXT (doi.org/..., pubmed.ncbi.nlm.nih.gov/N,
 * ncbi.nlm.nih.gov/pmc/articles/PMCN, Europe PMC), and from a bare
 * "10.x/y" DOI at its start when BARE_DOI. */
ev_status tagged_find_ids(struct record *rec, const char *text,
			  int bare_doi);

/* A record of a tagged format as read: its lines in order, a
 * continuation line joined to the line before with a space. */
struct tagged_field {
	char tag[8];
	char *value;       /* malloc'd, NUL-terminated */
	size_t len, alloc; /* of VALUE, so that continuing is linear */
};

struct tagged_record {
	struct tagged_field *fields;
	size_t n, alloc;
};

/* Forget the fields (keep the array) / free everything. */
void tagged_clear(struct tagged_record *r);
void tagged_release(struct tagged_record *r);

/* Append a field (TAGLEN bytes of TAG, LEN bytes of VALUE); append " "
 * and LEN bytes of TEXT to the last field (there must be one).
 * EV_NOMEM. */
ev_status tagged_push(struct tagged_record *r, const char *tag,
		      size_t taglen, const char *value, size_t len);
ev_status tagged_continue(struct tagged_record *r, const char *text,
			  size_t len);

/* The first non-empty value of TAG, or NULL. */
const char *tagged_get(const struct tagged_record *r, const char *tag);

/* How many authors, and how many keywords, publication types or
 * relations, a record of these formats keeps; the rest of a hostile list
 * is dropped (appending to the record's arrays is linear, and checking
 * for duplicates is too). */
#define TAGGED_MAX_AUTHORS 5000
#define TAGGED_MAX_TERMS 1000

/* Append a copy of S to SV unless it is there or SV holds
 * TAGGED_MAX_TERMS strings. */
ev_status tagged_add_term(struct strvec *sv, const char *s);

/* parser_emit_at(), unless REC has neither a title nor an identifier
 * (DOI, PMID, PMCID, URL): such a shell is released and dropped, as
 * there is nothing to find or cite it by. */
ev_status tagged_emit(struct parser *p, struct record *rec,
		      const char *fragment);

/* A tag and the string field of struct record it fills. */
struct tagged_map {
	const char *tag;
	size_t offset; /* offsetof(struct record, ...) of a char * */
};

/* For each row of MAP in order, set its field from the first value of
 * its tag unless the field is set (so earlier rows win).  EV_NOMEM. */
ev_status tagged_fill(struct record *rec, const struct tagged_record *r,
		      const struct tagged_map *map, size_t n);

/* Set REC's PMID and PMCID, when unset, from "PMID: N" and "PMCID:
 * PMCN" in TEXT (a note). */
ev_status tagged_note_ids(struct record *rec, const char *text);

/* The API responses and feeds (parse-crossref.c, parse-europepmc.c,
 * parse-openalex.c, parse-feed.c). */
ev_status parse_crossref(struct parser *p, const char *data, size_t len);
ev_status parse_europepmc(struct parser *p, const char *data, size_t len);
ev_status parse_openalex(struct parser *p, const char *data, size_t len);
ev_status parse_feed(struct parser *p, const char *data, size_t len);

/* Which of those a payload is, by content (parse-api.c): an XML
 * document whose root element is NAME, with the rest of its start tag
 * (attributes, namespaces) from TAG up to '>' or END; or a JSON object
 * starting at P.  FORMAT_UNKNOWN when it is none of them. */
enum format format_of_api_root(const char *name, const char *tag,
			       const char *end);
enum format format_of_api_json(const char *p, const char *end);

/*
 * The keys at DEPTH of the JSON text in [P, END) (1: the top object's;
 * 2: those of the objects in a top-level array), found without parsing
 * so that a head cut anywhere still tells its format (parse.c).  FN gets
 * each key, the LEN bytes at KEY as written (escapes and all), and where
 * its value starts, white space skipped; a nonzero return stops the walk
 * and is returned.  Otherwise 0 when the first container at DEPTH closes
 * (*CUT = 0) or the text runs out first (*CUT = 1).
 */
typedef int json_key_fn(const char *key, size_t len, const char *value,
			const char *end, void *ctx);
int json_head_keys(const char *p, const char *end, int depth,
		   json_key_fn *fn, void *ctx, int *cut);

/* 1 when KEY, the LEN bytes json_head_keys() gave, is WORD. */
int json_key_is(const char *key, size_t len, const char *word);

/* The <p> paragraphs of an HTML fragment (JATS bodies from SciELO hold
 * HTML as text), appended to REC's passages with SECTION. */
ev_status html_fragment_passages(const char *html, size_t len,
				 struct record *rec, const char *section);

/* --- Field helpers every format needs --- */

/*
 * Read a date written any of the ways sources write them: "2019",
 * "2019-04-22", "2019/04", "2010-05-05T00:00:00Z", "Apr 22, 2019",
 * "22 April 2019", "2019 Jan-Feb" (MedlineDate: the first month), "1998
 * Dec 15", "04/22/2019" (a day over 12 tells the order; when both are 12
 * or under only the year is kept).  Fills what it finds of *D (zeroed
 * first); returns 1 when a year was found.
 */
int date_parse(const char *s, struct date *d);

/* A month from its English name or abbreviation ("Sep", "Sept",
 * "september", "Jan."), 1-12, or 0. */
int month_from_name(const char *s, size_t len);

/*
 * Add an author given as one string: "Family, Given" or "Given Family"
 * (particles such as "van der" stay with the family name, "Jr" with the
 * given name).  A single word, or a name with a word such as "Group",
 * "Network", "Collaboration" or "NHS", is an organisation: literal.
 */
ev_status author_add_name(struct record *rec, const char *name);

/* Add a person from separate parts; SUFFIX ("Jr", "III") follows the
 * given name.  A name without FAMILY is kept as a literal. */
ev_status author_add_parts(struct record *rec, const char *family,
			   const char *given, const char *suffix);

/* Set REC's page from a first and last page: "123-130", or FIRST alone
 * when LAST is missing, the same, or FIRST is a range already.  Nothing
 * when the page is set. */
ev_status record_set_pages(struct record *rec, const char *first,
			   const char *last);

/* Set REC's language from a code or tag: "en-GB" -> "en", "ENG" -> "en",
 * "ger" -> "de" (ISO 639-2 codes of common languages become ISO 639-1);
 * anything that is not a language code is ignored. */
ev_status record_set_language(struct record *rec, const char *lang);

/* Add one cited work: "pmid:N" when PMID has digits, else "doi:..." when
 * DOI is one; nothing otherwise.  Duplicates are dropped. */
ev_status record_add_cite(struct record *rec, const char *pmid,
			  const char *doi);

/* Remove brackets left holding nothing but separators once citation
 * markers were taken out ("too broad [, ]." -> "too broad."), in place. */
void text_drop_empty_brackets(char *s);

/* *FIELD = VALUE when *FIELD is NULL and VALUE is not empty. */
ev_status set_if_unset(char **field, const char *value);

#endif
