/* harvest-references.c - snowballing: fetch the works stored works cite */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harvest-int.h"
#include "text.h"

/*
 * Round by round, up to the source's depth: walk the store, link every
 * cited work that is stored to the works that cite it (its cited_by),
 * and collect the DOIs and PMIDs cited but not stored; fetch those
 * (DOIs from Crossref, PMIDs from PubMed) and go round again, so that a
 * work fetched in one round is linked, and its own citations fetched,
 * in the next.  A key is asked for once per run, found or not.  Links
 * are written only when they change, so a rerun over the same store
 * writes nothing.
 */

struct link {
	char *target; /* id of the cited work */
	char *citer;  /* id of the work that cites it */
};

struct walk {
	struct hsource *hs;
	struct strvec missing; /* "doi:..." and "pmid:..." not stored */
	struct link *links;
	size_t n_links, alloc;
	ev_status rc;
};

static ev_status add_link(struct walk *w, const char *target,
			  const char *citer)
{
	struct link *l;

	if (w->n_links == w->alloc) {
		size_t alloc = w->alloc ? w->alloc * 2 : 64;
		struct link *grown = realloc(w->links, alloc * sizeof(*l));

		if (!grown)
			return EV_NOMEM;
		w->links = grown;
		w->alloc = alloc;
	}
	l = &w->links[w->n_links];
	l->target = strdup(target);
	l->citer = strdup(citer);
	if (!l->target || !l->citer) {
		free(l->target);
		free(l->citer);
		return EV_NOMEM;
	}
	w->n_links++;
	return EV_OK;
}

static void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->n_links; i++) {
		free(w->links[i].target);
		free(w->links[i].citer);
	}
	free(w->links);
	strvec_release(&w->missing);
	w->links = NULL;
	w->n_links = w->alloc = 0;
}

static ev_status visit(const char *path, void *ctx)
{
	struct walk *w = ctx;
	struct store *s = w->hs->h->store;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	rc = store_read_file(s, path, &rec, NULL);
	if (rc == EV_CORRUPT || rc == EV_PARSE) {
		/* One unreadable record does not stop the snowball. */
		record_release(&rec);
		return EV_OK;
	}
	for (size_t i = 0; !rc && rec.id && i < rec.cites.n; i++) {
		const char *key = rec.cites.v[i];
		char *id = NULL;
		ev_status found = store_resolve(s, key, &id);

		if (found == EV_OK && strcmp(id, rec.id))
			rc = add_link(w, id, rec.id);
		else if (found == EV_NOT_FOUND)
			rc = strvec_push_unique(&w->missing, key);
		else if (found && found != EV_OK)
			rc = found;
		free(id);
	}
	record_release(&rec);
	return rc;
}

static int cmp_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	return c ? c : strcmp(x->citer, y->citer);
}

/* Add each citer to its target's cited_by; write only what changed. */
static ev_status apply_links(struct walk *w)
{
	struct harvest *h = w->hs->h;
	ev_status rc = EV_OK;

	if (h->opts->dry_run)
		return EV_OK;
	qsort(w->links, w->n_links, sizeof(*w->links), cmp_link);
	for (size_t i = 0; !rc && i < w->n_links;) {
		struct record target;
		size_t j = i;
		int changed = 0;

		record_init(&target);
		rc = store_get(h->store, w->links[i].target, &target, NULL);
		for (; j < w->n_links &&
		       !strcmp(w->links[j].target, w->links[i].target);
		     j++)
			if (!rc && strvec_find(&target.cited_by,
					       w->links[j].citer) < 0) {
				rc = strvec_push(&target.cited_by,
						 w->links[j].citer);
				changed = 1;
			}
		if (rc == EV_NOT_FOUND || rc == EV_CORRUPT)
			rc = EV_OK; /* gone or damaged: nothing to link */
		else if (!rc && changed) {
			strvec_sort(&target.cited_by);
			rc = store_replace(h->store, &target);
			if (!rc)
				rc = strvec_push_unique(&h->res->ids,
							target.id);
			if (!rc)
				rc = harvest_note_stored(h, target.id, &target);
			if (rc) {
				h->res->fatal = rc;
				snprintf(h->res->fatal_msg,
					 sizeof(h->res->fatal_msg), "%s",
					 store_errmsg(h->store));
			}
		}
		record_release(&target);
		i = j;
	}
	return rc;
}

/* Fetch the keys not asked for yet in this run. */
static ev_status fetch_missing(struct hsource *hs, struct walk *w,
			       struct strvec *asked, int *queued)
{
	struct strvec pmids = STRVEC_INIT;
	ev_status rc = EV_OK;

	*queued = 0;
	for (size_t i = 0; !rc && i < w->missing.n; i++) {
		const char *key = w->missing.v[i];

		if (strvec_find(asked, key) >= 0)
			continue;
		rc = strvec_push(asked, key);
		if (!rc && str_starts_with(key, "doi:"))
			rc = harvest_crossref_doi(hs, key + 4);
		else if (!rc && str_starts_with(key, "pmid:"))
			rc = strvec_push(&pmids, key + 5);
		(*queued)++;
	}
	if (!rc && pmids.n)
		rc = harvest_pubmed_ids(hs, &pmids, "pubmed_base");
	strvec_release(&pmids);
	return rc;
}

ev_status harvest_references(struct hsource *hs)
{
	const char *d = source_get(hs->src, "depth");
	int depth = d ? atoi(d) : 1;
	struct strvec asked = STRVEC_INIT;
	ev_status rc = EV_OK;

	for (int round = 0; !rc; round++) {
		struct walk w = {0};
		int queued = 0;

		w.hs = hs;
		rc = store_walk(hs->h->store, visit, &w);
		if (!rc)
			rc = apply_links(&w);
		if (!rc && round < depth)
			rc = fetch_missing(hs, &w, &asked, &queued);
		walk_release(&w);
		if (rc || !queued)
			break;
		rc = hs_run(hs);
		if (!rc && hs->h->res->fatal)
			rc = hs->h->res->fatal;
	}
	strvec_release(&asked);
	return rc;
}
