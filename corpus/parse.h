/* parse.h - payloads in, records out: one parser per format */
#ifndef EVIDENCE_PARSE_H
#define EVIDENCE_PARSE_H

#include <stddef.h>

#include "record.h"
#include "status.h"

/* The formats evidence reads.  format_detect() tells them apart by
 * content; the names are what --format options and messages use. */
enum format {
	FORMAT_UNKNOWN,
	FORMAT_TEXT,     /* plain text: paragraphs separated by blank lines */
	FORMAT_HTML,     /* an article page: citation_*, DC, JSON-LD, OG */
	FORMAT_PUBMED,   /* PubMed efetch XML, streamed */
	FORMAT_JATS,     /* JATS / NLM full-text XML */
	FORMAT_CSL_JSON, /* CSL-JSON items, and evidence's stored records */
	FORMAT_CROSSREF,  /* Crossref REST JSON, unixref and unixsd XML */
	FORMAT_EUROPEPMC, /* Europe PMC search results, JSON or XML */
	FORMAT_OPENALEX,  /* OpenAlex works, one or a page of them */
	FORMAT_FEED,      /* RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom feeds */
	/* Tagged bibliographic exports. */
	FORMAT_MEDLINE,  /* MEDLINE/PubMed text (.nbib): "PMID- " lines */
	FORMAT_RIS,      /* RIS: "TY  - " ... "ER  - " records */
	FORMAT_BIBTEX,   /* BibTeX and biblatex .bib databases */
	FORMAT_COUNT
};

const char *format_name(enum format fmt);
/* FORMAT_UNKNOWN when NAME is not a format name. */
enum format format_lookup(const char *name);

/*
 * What kind of payload the LEN bytes at HEAD (the first few KiB of it)
 * are: by content first (an XML root element, "<html", a JSON object with
 * CSL fields), then by the extension of NAME, then FORMAT_TEXT when the
 * bytes look like text and FORMAT_UNKNOWN when they do not.
 */
enum format format_detect(const char *head, size_t len, const char *name);

/* A payload to parse. */
struct parse_input {
	const char *name;    /* for messages: a path or URL */
	const char *url;     /* base URL for the records, or NULL */
	int fd;              /* readable, seekable, at offset 0 */
	const char *charset; /* from an HTTP Content-Type, or NULL */
	size_t max_size;     /* cap on bytes held in memory; 0: default */
	/* The SHA-256 (hex) of all of FD's bytes when the caller has it,
	 * for the records' provenance: the parser then need not hash them
	 * again (nor read a streamed format twice).  NULL: it does. */
	const char *hash;
};

/* Default cap on a payload held in memory (formats that are not
 * streamed). */
#define PARSE_DEFAULT_MAX_SIZE (64u * 1024 * 1024)

/*
 * Receives each record as it is parsed.  The record belongs to the
 * parser, which releases it when the sink returns; a sink that keeps it
 * copies it (record_copy()) or moves it out and record_init()s it.  A
 * sink returning non-OK stops the parse, and parse_input() returns that
 * status.
 */
typedef ev_status (*record_sink)(struct record *rec, void *ctx);

/*
 * Parse IN as FMT (FORMAT_UNKNOWN: detect it), passing each record to
 * SINK.  Records are normalised (record_normalise()) and carry a
 * provenance entry with the format, URL and payload hash; ids are not
 * assigned (the store does that).  On failure ERR (ERRSZ bytes) holds a
 * one-line reason without the input's name ("not well-formed XML at line
 * 12: ...").  Records passed to SINK before a failure stay passed: a
 * caller that wants all-or-nothing collects them and commits at the end.
 *
 * Statuses: EV_PARSE (malformed or truncated), EV_TOO_BIG (over a cap),
 * EV_UNSUPPORTED (a format we do not read), EV_IO, EV_NOMEM, or whatever
 * SINK returned.  A payload with no records at all is EV_OK with none
 * passed.
 */
ev_status parse_input(enum format fmt, const struct parse_input *in,
		      record_sink sink, void *ctx, char *err, size_t errsz);

#endif
