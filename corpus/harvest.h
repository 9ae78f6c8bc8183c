/* harvest.h - fetch, parse and store what the sources file names */
#ifndef EVIDENCE_HARVEST_H
#define EVIDENCE_HARVEST_H

#include "fetch.h"
#include "runlog.h"
#include "sources.h"
#include "store.h"
#include "strvec.h"

/*
 * Harvesting runs each source of a sources list in turn: it fetches its
 * payloads (fetch.h: file://, http, https, with the per-host limits),
 * parses each one whole (parse.h) and only then stores its records
 * (store.h), so a payload that fails half-way stores nothing.  A failing
 * payload is counted and reported, and the source goes on; a failing
 * source never stops the others.  Only a failure of the store itself
 * stops the run.
 *
 * Incremental: for pages, feeds and files the state of every URL (ETag,
 * Last-Modified, SHA-256 of the last payload parsed) is kept in the
 * store, one atomically written file per URL under harvest/urls/, and
 * written only after the records of that payload are stored.  A payload
 * that the server says is unchanged (304), or whose hash is the one last
 * parsed, is counted as not_modified and not parsed again.  A run killed
 * at any point leaves whole files only; the next run redoes what the
 * killed one had not finished.
 */

struct harvest_opts {
	const char *only;  /* harvest only the source so named */
	const char *since; /* overrides "since" of the API sources */
	int dry_run;	   /* fetch and parse, write nothing */
	int no_state;	   /* parse every payload (evidence add) */
	int named;	   /* files of file sources are read whatever
			      their name (evidence add) */
	/* Called with one line (no newline) for each payload that failed
	 * or was skipped, and for progress when PROGRESS is set; may be
	 * NULL.  SOURCE is the section's name. */
	void (*note)(void *arg, const char *source, const char *msg);
	void (*progress)(void *arg, const char *source, unsigned long done);
	void *arg;
	/* Fetch options to start from (NULL: fetch_opts_default()).  Each
	 * source kind then sets its own rate; allow_private is set only for
	 * a source whose own configured URL or base is loopback. */
	const struct fetch_opts *fetch;
	/* Called after each commit of the store with the id of each work
	 * it wrote, once per write (a work written in two batches is told
	 * twice): the work is durable and may be read back, for indexing
	 * while harvesting.  REC, unless NULL, is the work as that commit
	 * wrote it (malloc'd, record_free()), which the hook takes, so that
	 * it need not read and parse the file again; NULL when the harvest
	 * has no copy (a work a notice or a reference updated) or a later
	 * write in the same batch superseded it.  May be NULL. */
	void (*stored)(void *arg, const char *id, struct record *rec);
	void *stored_arg;
};

/* What happened to one source. */
struct harvest_outcome {
	ev_status status; /* EV_OK, or the worst failure of the source */
	int temporary;	  /* every failure was worth retrying */
	unsigned long payloads; /* payloads read (files, pages, batches) */
};

struct harvest_result {
	struct run run; /* the run log entry: one run_source per source */
	struct harvest_outcome *outcomes; /* parallel to run.sources */
	struct strvec ids; /* works new or updated: to index */
	ev_status fatal;   /* the store failed: the run stopped */
	char fatal_msg[512];
};

void harvest_result_init(struct harvest_result *res);
void harvest_result_release(struct harvest_result *res);

/*
 * Harvest every source of SRC (or OPTS->only) into STORE (opened
 * writable unless OPTS->dry_run).  Fills RES (initialised).  Returns
 * EV_OK when the run went through, whatever single sources did (see
 * RES->outcomes); EV_NOT_FOUND when OPTS->only names no source; the
 * store's status when it failed (RES->fatal_msg says why); EV_NOMEM.
 */
ev_status harvest_run(struct store *store, const struct sources *src,
		      const struct harvest_opts *opts,
		      struct harvest_result *res);

/*
 * The exit code for a finished run: 0 when every source succeeded,
 * EXIT_TEMPFAIL (75) when some failed in a way a rerun may cure (network,
 * timeouts, 429 and 5xx), else EXIT_NOTHING (1) when some failed for good
 * (a 404, a malformed payload, an error inside a 200 answer).
 */
int harvest_exit_code(const struct harvest_result *res);

#endif
