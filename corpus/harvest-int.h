/* harvest-int.h - what the harvest drivers share (not a public header) */
#ifndef EVIDENCE_HARVEST_INT_H
#define EVIDENCE_HARVEST_INT_H

#include <stddef.h>

#include "fetch.h"
#include "harvest.h"
#include "parse.h"
#include "record.h"

/* A set of strings (the works this run has produced). */
struct idset {
	char **slots;
	size_t n, alloc;
};

struct harvest {
	struct store *store;
	const struct harvest_opts *opts;
	struct harvest_result *res;
	char *state_dir; /* STORE/harvest/urls */
	struct idset seen;
	/* Per-URL state waiting for the store commit of its records:
	 * paths and contents, in step. */
	struct strvec state_paths, state_texts;
	/* The works stored since the last commit, for OPTS->stored: every
	 * time, so that a work stored again later is told again. */
	struct noted {
		char *id;
		struct record *rec; /* a copy as written, or NULL */
	} *batch;
	size_t n_batch, alloc_batch;
};

/* Work ID was written to the store's open batch as REC (NULL when the
 * caller has no copy): OPTS->stored hears of it after the commit. */
ev_status harvest_note_stored(struct harvest *h, const char *id,
			      const struct record *rec);

/* Records parsed from one payload, held until the parse succeeded. */
struct recvec {
	struct record *v;
	size_t n, alloc;
};

void recvec_release(struct recvec *rv);

/* One source being harvested. */
struct hsource {
	struct harvest *h;
	const struct source *src;
	size_t idx; /* in h->res->run.sources and ->outcomes */
	struct fetcher *f;
	struct fetch_opts fopts;
	enum format format; /* from the "format" key, or FORMAT_UNKNOWN */
};

/* One request in flight; the driver's handler gets it back. */
struct hreq;
typedef void hreq_fn(struct hsource *hs, struct hreq *rq,
		     struct fetch_result *res);
struct hreq {
	hreq_fn *done;
	char *url;
	long start; /* a page offset, a batch start, a depth */
	char *arg;  /* the driver's own: a cursor, a DOI */
	struct hsource *hs;
};

struct run_counts *hs_counts(struct hsource *hs);
struct harvest_outcome *hs_outcome(struct hsource *hs);

/* Count a failed payload or request, keep the worst status for the
 * source and pass "WHAT: MESSAGE" to the note callback. */
void hs_fail(struct hsource *hs, ev_status rc, int temporary,
	     const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Count and report a failed fetch result. */
void hs_fetch_failed(struct hsource *hs, const struct fetch_result *res);

/* A message for the note callback, not counted as a failure. */
void hs_note(struct hsource *hs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Requests per second for SRC's service, as its operators ask (PubMed:
 * 10 with an api_key, else 3; Crossref: 3 with a mailto, else 1), or
 * DFLT for a service that asks nothing.  A source's own "rate" setting
 * overrides it (run_source()). */
double hs_source_rate(const struct source *src, double dflt);

/*
 * Parse the payload (an open, seekable FD, or LEN bytes at DATA) as FMT,
 * and, when the whole of it parsed, store its records (counting each).
 * HASH, unless NULL, is the SHA-256 (hex) of the payload's bytes, which
 * the caller has computed (struct parse_input).
 * KEEP (may be NULL) receives copies of the records as stored.  A parse
 * failure is counted with hs_fail(); EV_OK then.  Returns non-OK only
 * when the store failed (h->res->fatal set) or memory ran out.
 */
ev_status hs_take_fd(struct hsource *hs, enum format fmt, const char *name,
		     const char *url, int fd, const char *charset,
		     const char *hash, struct recvec *keep);
ev_status hs_take_mem(struct hsource *hs, enum format fmt, const char *name,
		      const char *url, const char *data, size_t len,
		      const char *charset, const char *hash,
		      struct recvec *keep);

/* Queue URL for the source's fetcher, handing the result to DONE with
 * START and ARG (copied).  ETAG, LAST_MODIFIED may be NULL. */
ev_status hs_queue(struct hsource *hs, const char *url, hreq_fn *done,
		   long start, const char *arg, const char *etag,
		   const char *last_modified);

/* Percent-encode S for a query string, appending to OUT. */
ev_status url_encode(struct buf *out, const char *s);

/* 1 when URL's host is loopback (127.0.0.0/8, ::1, localhost). */
int url_is_loopback(const char *url);

/* A format by name, FORMAT_UNKNOWN when this build has no such parser
 * (detection is used then). */
enum format hs_format(const char *name);

/* The drivers: queue the source's first requests (or do its work). */
ev_status harvest_pubmed(struct hsource *hs);
ev_status harvest_crossref(struct hsource *hs);
ev_status harvest_europepmc(struct hsource *hs);
ev_status harvest_openalex(struct hsource *hs);
ev_status harvest_references(struct hsource *hs);

/* Queue efetch for the PMIDs in IDS, 200 a request, at the base URL
 * that the source's BASE_KEY names (the references driver uses it). */
ev_status harvest_pubmed_ids(struct hsource *hs, const struct strvec *ids,
			     const char *base_key);

/* Run what is queued on the source's fetcher now (a driver that works
 * in rounds). */
ev_status hs_run(struct hsource *hs);

/* Queue Crossref's /works/DOI for DOI (the references driver uses it). */
ev_status harvest_crossref_doi(struct hsource *hs, const char *doi);

/* The first (END 0) or last (END 1) day of a "since"/"until" value, in
 * days since 1970-01-01: "2019" is 2019-01-01 or 2019-12-31.  -1 when S
 * is NULL. */
long harvest_date_days(const char *s, int end);
void harvest_civil_from_days(long days, int *y, int *m, int *d);

/* The "since" in force for the source (--since wins), or NULL. */
const char *hs_since(struct hsource *hs);

/* The base URL: the source's "base" (a "/" added when missing) or DEF.
 * Malloc'd. */
char *hs_base(struct hsource *hs, const char *key, const char *def);

#endif
