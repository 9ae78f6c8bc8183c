/* cite-select.h - the works a cite or export command is about */
#ifndef EVIDENCE_CITE_SELECT_H
#define EVIDENCE_CITE_SELECT_H

#include "cli.h"
#include "query/cite-emit.h"
#include "record.h"
#include "search.h"
#include "store.h"

/*
 * "cite" and "export" act on works named by id, on the works a search
 * finds (--query with the search filters), or on every stored work.
 */
struct cite_select {
	struct search_options search; /* query NULL: no --query */
	struct strvec ids;
	const char *query;
};

void cite_select_init(struct cite_select *sel);
void cite_select_release(struct cite_select *sel);

/* Options cite and export share with search, for their getopt tables. */
enum {
	OPT_QUERY = 0x2000,
	OPT_LESSON,
	OPT_TYPE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_LIMIT
};
#define CITE_SELECT_OPTIONS                                                   \
	{"query", required_argument, NULL, OPT_QUERY},                        \
		{"lesson", required_argument, NULL, OPT_LESSON},              \
		{"type", required_argument, NULL, OPT_TYPE},                  \
		{"since", required_argument, NULL, OPT_SINCE},                \
		{"until", required_argument, NULL, OPT_UNTIL},                \
	{                                                                     \
		"limit", required_argument, NULL, OPT_LIMIT                   \
	}

/* Handle one of those options.  Returns 1 when OPT was one, 0 when not,
 * and an exit code (after printing why: EXIT_USAGE for a bad value). */
int cite_select_option(struct cite_select *sel, const char *cmd,
		       const char *usage, int opt, const char *arg);

/* Why the options given cannot go together (a usage error, exit 2), or
 * NULL: ids with --query, filters (or --limit) without --query, or a
 * --query of blanks with no filter, which would pick every work. */
const char *cite_select_misuse(const struct cite_select *sel);

/*
 * Call FN with each selected work, read from the store: the ids in
 * order, or the search hits in rank order, or every stored work (when
 * ALL and neither was given).  FN's non-OK status stops the run.  On
 * failure *MSGP is a malloc'd message.  EV_NOT_FOUND for an id that
 * names no work.
 */
typedef ev_status (*cite_work_fn)(struct record *rec, void *ctx);
ev_status cite_select_run(const struct cite_select *sel, struct cli *cli,
			  struct collection *c, struct store *store,
			  cite_work_fn fn, void *ctx, char **msgp);

/* The whole of a cite or export run: emit_begin(), every selected work
 * through emit_record(), emit_end(). */
ev_status cite_select_emit(const struct cite_select *sel, struct cli *cli,
			   struct collection *c, struct store *store,
			   enum emit_format format, enum cite_markup markup,
			   FILE *out, char **msgp);

#endif
