/* record.h - one work: CSL-JSON fields plus the project's own */
#ifndef EVIDENCE_RECORD_H
#define EVIDENCE_RECORD_H

#include <stddef.h>

#include "status.h"
#include "strvec.h"

/*
 * A record is one work (an article, a report, a blog post).  Its fields
 * follow CSL-JSON, the format Zotero, pandoc and citeproc speak, so that
 * the store can be read by those tools; the project's own fields
 * (passages, evidence type, provenance, citations) sit beside them.
 *
 * Every string is malloc'd and owned by the record; NULL means absent.
 * record_init() fills a zeroed record; record_release() frees everything
 * inside it and leaves it as after record_init().
 *
 * The JSON form is documented in doc/evidence-store.5.
 */

struct author {
	char *family;
	char *given;
	char *literal; /* an organisation, or a name that could not be split */
};

struct passage {
	char *text;
	char *section; /* heading the passage falls under, or NULL */
};

/* Where a record, or part of it, came from.  One per source that
 * contributed. */
struct provenance {
	char *source;        /* "file", "pubmed", a sources.conf section */
	char *url;           /* where it was read: file://... or https://... */
	char *format;        /* parser used: "text", "html", "pubmed"... */
	char *fetched_at;    /* ISO 8601 UTC, "2026-11-23T08:00:00Z" */
	char *content_hash;  /* SHA-256 of the payload it was parsed from */
	char *etag;          /* HTTP validators, for conditional GET */
	char *last_modified;
};

/* A link to another work: an erratum, a retraction, a comment. */
struct relation {
	char *type;   /* "erratum-for", "retraction-of", "comment-on", ... */
	char *target; /* "pmid:123", "doi:10.1/x" */
};

struct date {
	int year;  /* 0 when unknown */
	int month; /* 1-12, 0 when unknown */
	int day;   /* 1-31, 0 when unknown */
};

struct record {
	char *id;              /* "doi:10.1136/bmj.m3353", "pmid:...", ... */
	char *type;            /* CSL type: "article-journal", "report"... */
	char *title;
	struct author *authors;
	size_t n_authors;
	char *container_title; /* journal, blog or site */
	struct date issued;
	char *doi;             /* normalised: lower case, no resolver URL */
	char *pmid;
	char *pmcid;           /* "PMC1234567" */
	char *url;
	char *abstract;
	char *publisher;
	char *volume;
	char *issue;
	char *page;
	char *language;
	struct strvec keywords;          /* MeSH headings, author keywords */
	struct strvec publication_types; /* as the source gave them */

	struct passage *passages;  /* body text in reading order */
	size_t n_passages;
	char *evidence_type;       /* see evidence_type.h */
	struct provenance *provenance;
	size_t n_provenance;
	struct strvec cites;       /* "doi:..." and "pmid:..." it cites */
	struct strvec cited_by;    /* ids of stored works that cite it */
	struct relation *relations;
	size_t n_relations;
	char *citation_key;        /* BibTeX key, fixed once given */
	char *added_at;            /* when the store first saw it */
	char *updated_at;          /* when the store last changed it */
};

void record_init(struct record *rec);
void record_release(struct record *rec);

/* Append to the arrays; strings are copied (NULL stays NULL). */
ev_status record_add_author(struct record *rec, const char *family,
			    const char *given, const char *literal);
ev_status record_add_passage(struct record *rec, const char *text,
			     const char *section);
ev_status record_add_provenance(struct record *rec,
				const struct provenance *prov);
ev_status record_add_relation(struct record *rec, const char *type,
			      const char *target);

/* Replace *FIELD with a copy of VALUE (NULL clears it).  EV_NOMEM. */
ev_status record_set(char **field, const char *value);

/* Deep copy SRC into DST (an initialised, empty record). */
ev_status record_copy(struct record *dst, const struct record *src);

/* A malloc'd deep copy of SRC in *OUT (NULL on failure); record_free()
 * releases and frees one (NULL is fine). */
ev_status record_dup(const struct record *src, struct record **out);
void record_free(struct record *rec);

/* About how many bytes of text REC holds: its title, abstract and
 * passages, which are most of any record.  To bound what is held. */
size_t record_text_size(const struct record *rec);

/*
 * Tidy a freshly parsed record: trim and collapse white space in every
 * string, drop empty strings, normalise the DOI, PMID and PMCID, drop a
 * date date_check() refuses, split the abstract into passages when there
 * are none, and set the evidence type when unset.  Does not touch the id.
 */
ev_status record_normalise(struct record *rec);

/* Keep of D what a record can hold: a year from 1 to 9999 (else no date
 * at all), a month from 1 to 12 (else no month or day), a day from 1 to
 * 31 (else none).  The store's reader and record_normalise() both apply
 * it, so a date read back is the date written. */
void date_check(struct date *d);

/*
 * The identity keys of a record, strongest first: "doi:...", "pmid:...",
 * "pmcid:...", "url:..." (its URL; or, when it has no identifier at
 * all, the URLs of the places it was read from) and "title:<normalised title>|<year>|<first
 * author family name>" (only for titles of some length with a year).  Used to deduplicate.  Strings are malloc'd into
 * KEYS (an initialised strvec).
 */
ev_status record_keys(const struct record *rec, struct strvec *keys);

/*
 * Give REC an id when it has none: its DOI, else PMID, else PMCID, else
 * "url:" + its URL or the URL it was read from (file://... for a local
 * file), else "sha:" + a hash of its title and text.  An id,
 * once given, is never changed by anything in evidence.
 */
ev_status record_assign_id(struct record *rec);

/*
 * A SHA-256 (hex, 64 characters) over the record's content: everything
 * but the provenance times and the added/updated stamps, so that a
 * refetch of unchanged content gives the same hash.  Written into BUF.
 */
ev_status record_content_hash(const struct record *rec, char out[65]);

/* JSON.  record_to_json() writes keys in a fixed order, so the output
 * is byte-for-byte stable.  record_from_json() reads what it wrote, and
 * any CSL-JSON item; ERR (>= 128 bytes) receives a message on
 * EV_PARSE. */
ev_status record_to_json(const struct record *rec, char **jsonp);
ev_status record_from_json(const char *json, size_t len, struct record *rec,
			   char *err, size_t errsz);

/* Fill REC from VALUE, a jansson json_t * holding one CSL-JSON item or
 * stored record (for readers that walk an array of items).  EV_PARSE when
 * it is not an object. */
ev_status record_from_json_value(void *value, struct record *rec);

/* The first author's family name (or literal), "" when none. */
const char *record_first_author(const struct record *rec);

/* Normalise a DOI in place: strip "doi:", resolver prefixes
 * ("https://doi.org/"), surrounding punctuation; lower case.  Returns 0
 * when what is left does not look like a DOI ("10.<digits>/..."). */
int doi_normalise(char *doi);

#endif
