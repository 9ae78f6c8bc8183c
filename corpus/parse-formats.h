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
