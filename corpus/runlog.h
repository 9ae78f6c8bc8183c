/* runlog.h - the harvest run log: one line per run, append-only */
#ifndef EVIDENCE_RUNLOG_H
#define EVIDENCE_RUNLOG_H

#include <stddef.h>

#include "status.h"

/*
 * What one source did in one run: the numbers a PRISMA flow diagram
 * needs.  FOUND counts the records read from payloads that were parsed;
 * each of them is then exactly one of ADDED (a new work), UPDATED,
 * UNCHANGED or DUPLICATE (a work this run had already produced, from
 * this source or an earlier one).  NOT_MODIFIED counts payloads (a page,
 * a feed, a file) skipped because they had not changed since the last
 * run; FAILED counts payloads or requests that could not be fetched or
 * parsed.
 */
struct run_counts {
	unsigned long found, added, updated, unchanged, not_modified,
	    duplicate, failed;
};

struct run_source {
	char *name;
	char *type;
	char *query; /* NULL when the source has none */
	struct run_counts counts;
};

struct run {
	char started[21]; /* ISO 8601 UTC */
	char finished[21];
	int exit_code;
	struct run_source *sources;
	size_t n_sources;
};

/* Free what RUN holds (not RUN itself). */
void run_release(struct run *run);

/* Append a copy of NAME, TYPE and QUERY (may be NULL) as a new source of
 * RUN with zero counts; *OUT points at it until the next append. */
ev_status run_add_source(struct run *run, const char *name,
			 const char *type, const char *query,
			 struct run_source **out);

/*
 * Append RUN to the log in STORE_DIR (STORE_DIR/harvest/runs.jsonl), one
 * line of JSON, and fsync it.  A run cut short by a crash leaves at most
 * a partial last line: the next append starts on a fresh line and
 * readers skip a line that does not parse.  EV_IO (errno kept), EV_NOMEM.
 */
ev_status runlog_append(const char *store_dir, const struct run *run);

/*
 * Call FN for every run in the log, oldest first.  Lines that do not
 * parse (a run cut short) are counted in *SKIPPED (may be NULL) and left
 * out.  No log yet is EV_OK with no call.  FN returning non-OK stops the
 * walk with that status.
 */
typedef ev_status (*runlog_fn)(const struct run *run, void *ctx);
ev_status runlog_read(const char *store_dir, runlog_fn fn, void *ctx,
		      unsigned long *skipped);

/* The log's path under STORE_DIR, malloc'd. */
char *runlog_path(const char *store_dir);

#endif
