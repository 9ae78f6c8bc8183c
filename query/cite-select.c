/* cite-select.c - the works a cite or export command is about */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence-type.h"
#include "query/cite-select.h"
#include "setup.h"

void cite_select_init(struct cite_select *sel)
{
	memset(sel, 0, sizeof(*sel));
	strvec_init(&sel->search.lessons);
	strvec_init(&sel->search.types);
	strvec_init(&sel->ids);
	sel->search.limit = SEARCH_MAX_LIMIT;
}

void cite_select_release(struct cite_select *sel)
{
	strvec_release(&sel->search.lessons);
	strvec_release(&sel->search.types);
	strvec_release(&sel->ids);
}

int cite_select_option(struct cite_select *sel, const char *cmd,
		       const char *usage, int opt, const char *arg)
{
	long n;
	int t;

	switch (opt) {
	case OPT_QUERY:
		sel->query = arg;
		return 1;
	case OPT_LESSON:
		if (strvec_push(&sel->search.lessons, arg))
			return cli_fail(EV_NOMEM, cmd, NULL);
		return 1;
	case OPT_TYPE:
		t = evidence_type_lookup(arg);
		if (t < 0)
			return cli_usage_error(
				cmd, usage, "unknown evidence type '%s'", arg);
		if (strvec_push(&sel->search.types, evidence_type_name(t)))
			return cli_fail(EV_NOMEM, cmd, NULL);
		return 1;
	case OPT_SINCE:
	case OPT_UNTIL:
		n = cli_parse_count(arg);
		if (n < 1000 || n > 9999)
			return cli_usage_error(cmd, usage,
					       "'%s' is not a year", arg);
		*(opt == OPT_SINCE ? &sel->search.since : &sel->search.until) =
			(int)n;
		return 1;
	case OPT_LIMIT:
		n = cli_parse_count(arg);
		if (n < 1 || n > SEARCH_MAX_LIMIT)
			return cli_usage_error(cmd, usage,
					       "'%s' is not a number from 1 "
					       "to %d",
					       arg, SEARCH_MAX_LIMIT);
		sel->search.limit = (unsigned)n;
		return 1;
	}
	return 0;
}

const char *cite_select_misuse(const struct cite_select *sel)
{
	const struct search_options *o = &sel->search;

	if (sel->ids.n && sel->query)
		return "give ids or --query, not both";
	if (!sel->query &&
	    (search_has_filter(o) || o->limit != SEARCH_MAX_LIMIT))
		return "the filters need --query";
	if (sel->query && search_query_blank(sel->query) &&
	    !search_has_filter(o))
		return "no query given";
	return NULL;
}

/* Read the work ID names and hand it to FN. */
static ev_status one_id(struct store *store, const char *key, cite_work_fn fn,
			void *ctx, char **msgp)
{
	struct record rec;
	char *id = NULL;
	ev_status st;

	record_init(&rec);
	st = store_resolve(store, key, &id);
	if (!st)
		st = store_get(store, id, &rec, NULL);
	if (st == EV_NOT_FOUND) {
		if (asprintf(msgp, "no work '%s' in the store", key) < 0)
			*msgp = NULL;
	} else if (st) {
		*msgp = strdup(store_errmsg(store));
	}
	if (!st)
		st = fn(&rec, ctx);
	record_release(&rec);
	free(id);
	return st;
}

ev_status cite_select_run(const struct cite_select *sel, struct cli *cli,
			  struct collection *c, struct store *store,
			  cite_work_fn fn, void *ctx, char **msgp)
{
	struct search_options o = sel->search;
	struct search_result res = {0};
	struct lessons *taxonomy = NULL;
	char err[512] = "";
	ev_status st = EV_OK;

	*msgp = NULL;
	for (size_t i = 0; !st && i < sel->ids.n; i++)
		st = one_id(store, sel->ids.v[i], fn, ctx, msgp);
	if (st || sel->ids.n)
		return st;
	if (!sel->query)
		return store_walk_records(store, fn, ctx);

	st = setup_lessons(cli, c, NULL, &taxonomy, NULL, err, sizeof(err));
	if (st) {
		*msgp = strdup(err);
		goto out;
	}
	for (size_t i = 0; i < o.lessons.n; i++)
		if (lessons_find(taxonomy, o.lessons.v[i]) < 0) {
			if (asprintf(msgp, "unknown lesson '%s'",
				     o.lessons.v[i]) < 0)
				*msgp = NULL;
			st = EV_USAGE;
			goto out;
		}
	o.query = sel->query;
	o.taxonomy = taxonomy;
	st = search_run(c->index_dir, &o, &res, msgp);
	for (size_t i = 0; !st && i < res.n_hits; i++)
		st = one_id(store, res.hits[i].work.id, fn, ctx, msgp);
	if (!st && !res.n_hits)
		st = EV_NOT_FOUND;
out:
	search_result_release(&res);
	lessons_free(taxonomy);
	return st;
}

static ev_status emit_one(struct record *rec, void *ctx)
{
	return emit_record(ctx, rec);
}

ev_status cite_select_emit(const struct cite_select *sel, struct cli *cli,
			   struct collection *c, struct store *store,
			   enum emit_format format, enum cite_markup markup,
			   FILE *out, char **msgp)
{
	struct emitter em;
	ev_status st, end;

	*msgp = NULL;
	st = emit_begin(&em, format, markup, out, store);
	if (!st)
		st = cite_select_run(sel, cli, c, store, emit_one, &em, msgp);
	if (st)
		em.out = NULL; /* a failed run writes nothing more */
	end = emit_end(&em);
	return st ? st : end;
}
