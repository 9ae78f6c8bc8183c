/* harvest-api.c - Crossref, Europe PMC and OpenAlex: cursor paging */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harvest-int.h"
#include "text.h"

/*
 * The three services page the same way: ask with a cursor of "*", get
 * a page of records and the cursor for the next page, stop at an empty
 * page, a missing cursor, or a cursor seen already (a server that
 * repeats itself would otherwise be asked forever).  Each answer is
 * read for its paging fields and its error fields here; its records go
 * to the format's parser.
 */

enum api { API_CROSSREF, API_EUROPEPMC, API_OPENALEX };

static const struct api_info {
	const char *format; /* format_lookup() name of the parser */
	const char *base;   /* the real service */
	int rows;	    /* records per page */
} apis[] = {
    [API_CROSSREF] = {"crossref", "https://api.crossref.org/", 100},
    [API_EUROPEPMC] = {"europepmc",
		       "https://www.ebi.ac.uk/europepmc/webservices/rest/",
		       100},
    [API_OPENALEX] = {"openalex", "https://api.openalex.org/", 100},
};

/* A search of more pages than this is cut short, with a note. */
#define API_MAX_PAGES 1000

static ev_status add_param(struct buf *b, const char *key, const char *v)
{
	ev_status rc;

	if (!v || !*v)
		return EV_OK;
	rc = buf_printf(b, "&%s=", key);
	return rc ? rc : url_encode(b, v);
}

/* "YYYY-MM-DD" for the first (END 0) or last day of a since/until. */
static void iso_day(const char *s, int end, char out[16])
{
	int y, m, d;

	harvest_civil_from_days(harvest_date_days(s, end), &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
}

/* The URL of the search page that CURSOR starts. */
static ev_status search_url(struct hsource *hs, enum api api,
			    const char *cursor, struct buf *url)
{
	const struct source *src = hs->src;
	const char *query = source_get(src, "query");
	const char *since = hs_since(hs), *until = source_get(src, "until");
	char *base = hs_base(hs, "base", apis[api].base);
	char from[16], to[16];
	ev_status rc;

	if (!base)
		return EV_NOMEM;
	if (since)
		iso_day(since, 0, from);
	if (until)
		iso_day(until, 1, to);
	switch (api) {
	case API_CROSSREF:
		rc = buf_printf(url, "%sworks?rows=%d", base,
				apis[api].rows);
		if (!rc)
			rc = add_param(url, "query", query);
		if (!rc && (since || until))
			rc = buf_printf(url, "&filter=%s%s%s%s%s",
					since ? "from-pub-date:" : "",
					since ? from : "",
					since && until ? "," : "",
					until ? "until-pub-date:" : "",
					until ? to : "");
		if (!rc)
			rc = add_param(url, "mailto",
				       source_get(src, "mailto"));
		if (!rc)
			rc = add_param(url, "cursor", cursor);
		break;
	case API_EUROPEPMC: {
		struct buf q = BUF_INIT;

		rc = buf_addstr(&q, query);
		if (!rc && (since || until))
			rc = buf_printf(&q, " AND (FIRST_PDATE:[%s TO %s])",
					since ? from : "1800-01-01",
					until ? to : "3000-12-31");
		if (!rc)
			rc = buf_printf(url,
					"%ssearch?resultType=core&format=json"
					"&pageSize=%d",
					base, apis[api].rows);
		if (!rc)
			rc = add_param(url, "query", buf_str(&q));
		if (!rc)
			rc = add_param(url, "email",
				       source_get(src, "mailto"));
		if (!rc)
			rc = add_param(url, "cursorMark", cursor);
		buf_release(&q);
		break;
	}
	case API_OPENALEX: {
		struct buf f = BUF_INIT;
		const char *filter = source_get(src, "filter");

		rc = filter ? buf_addstr(&f, filter) : EV_OK;
		if (!rc && since)
			rc = buf_printf(&f, "%sfrom_publication_date:%s",
					f.len ? "," : "", from);
		if (!rc && until)
			rc = buf_printf(&f, "%sto_publication_date:%s",
					f.len ? "," : "", to);
		if (!rc)
			rc = buf_printf(url, "%sworks?per-page=%d", base,
					apis[api].rows);
		if (!rc)
			rc = add_param(url, "search", query);
		if (!rc)
			rc = add_param(url, "filter", buf_str(&f));
		if (!rc)
			rc = add_param(url, "mailto",
				       source_get(src, "mailto"));
		if (!rc)
			rc = add_param(url, "api_key",
				       source_get(src, "api_key"));
		if (!rc)
			rc = add_param(url, "cursor", cursor);
		buf_release(&f);
		break;
	}
	default:
		rc = EV_USAGE;
	}
	free(base);
	return rc;
}

static void page_done(struct hsource *hs, struct hreq *rq,
		      struct fetch_result *res);

/* START of a request: the page number times 4, plus the api. */
static ev_status queue_search(struct hsource *hs, enum api api,
			      const char *cursor, long page)
{
	struct buf url = BUF_INIT;
	ev_status rc = search_url(hs, api, cursor, &url);

	if (!rc)
		rc = hs_queue(hs, buf_str(&url), page_done, page * 4 + api,
			      cursor, NULL, NULL);
	buf_release(&url);
	return rc;
}

/* The paging fields of a page: the error a 200 answer carries, the
 * next cursor, and how many records the page holds. */
struct page_meta {
	const char *error;
	const char *next; /* NULL: no next page */
	size_t n_items;
	long long total;
};

static void read_meta(enum api api, json_t *root, struct page_meta *m)
{
	json_t *msg, *list;

	memset(m, 0, sizeof(*m));
	m->total = -1;
	switch (api) {
	case API_CROSSREF: {
		const char *status =
		    json_string_value(json_object_get(root, "status"));

		msg = json_object_get(root, "message");
		if (status && strcmp(status, "ok")) {
			/* "status": "failed", "message": [{"message": ..}]
			 * or a string. */
			json_t *first = json_array_get(msg, 0);

			m->error = json_string_value(
			    json_object_get(first, "message"));
			if (!m->error)
				m->error = json_string_value(msg);
			if (!m->error)
				m->error = "the answer says it failed";
			return;
		}
		if (!json_is_object(msg)) {
			m->error = "no message in the answer";
			return;
		}
		list = json_object_get(msg, "items");
		m->n_items = json_array_size(list);
		m->next = json_string_value(
		    json_object_get(msg, "next-cursor"));
		m->total = json_integer_value(
		    json_object_get(msg, "total-results"));
		break;
	}
	case API_EUROPEPMC:
		m->error = json_string_value(json_object_get(root, "errMsg"));
		if (m->error)
			return;
		list = json_object_get(json_object_get(root, "resultList"),
				       "result");
		if (!json_is_array(list)) {
			m->error = "no resultList in the answer";
			return;
		}
		m->n_items = json_array_size(list);
		m->next = json_string_value(
		    json_object_get(root, "nextCursorMark"));
		m->total =
		    json_integer_value(json_object_get(root, "hitCount"));
		break;
	case API_OPENALEX:
		m->error = json_string_value(json_object_get(root, "error"));
		if (m->error) {
			const char *more = json_string_value(
			    json_object_get(root, "message"));

			m->error = more ? more : m->error;
			return;
		}
		list = json_object_get(root, "results");
		if (!json_is_array(list)) {
			m->error = "no results in the answer";
			return;
		}
		m->n_items = json_array_size(list);
		msg = json_object_get(root, "meta");
		m->next =
		    json_string_value(json_object_get(msg, "next_cursor"));
		m->total = json_integer_value(json_object_get(msg, "count"));
		break;
	}
}

static void page_done(struct hsource *hs, struct hreq *rq,
		      struct fetch_result *res)
{
	enum api api = (enum api)(rq->start % 4);
	long page = rq->start / 4;
	const char *body = res->body.ptr ? res->body.ptr : "";
	struct page_meta m;
	json_error_t jerr;
	json_t *root;
	ev_status rc = EV_OK;

	hs_outcome(hs)->payloads++;
	if (res->status) {
		hs_fetch_failed(hs, res);
		return;
	}
	root = json_loadb(body, res->body.len, 0, &jerr);
	if (!root) {
		hs_fail(hs, EV_PARSE, 0, rq->url, "not JSON: %s at line %d",
			jerr.text, jerr.line);
		return;
	}
	read_meta(api, root, &m);
	if (m.error) {
		/* An error inside an HTTP 200: not an empty result, and the
		 * cursor does not move on. */
		hs_fail(hs, EV_PARSE, 0, rq->url, "%s said: %s",
			apis[api].format, m.error);
		goto out;
	}
	if (m.n_items && m.next && *m.next) {
		if (rq->arg && !strcmp(m.next, rq->arg))
			; /* the same cursor again: the last page */
		else if (page + 1 >= API_MAX_PAGES)
			hs_note(hs, "stopped after %d pages of %lld records",
				API_MAX_PAGES, m.total);
		else
			rc = queue_search(hs, api, m.next, page + 1);
	}
	if (!rc && m.n_items)
		rc = hs_take_mem(hs, hs_format(apis[api].format), rq->url,
				 rq->url, body, res->body.len, NULL, NULL,
				 NULL);
	if (rc && !hs->h->res->fatal)
		hs_fail(hs, rc, 0, rq->url, "%s", status_to_string(rc));
out:
	json_decref(root);
}

/* --- Crossref works by DOI --- */

static void work_done(struct hsource *hs, struct hreq *rq,
		      struct fetch_result *res)
{
	const char *body = res->body.ptr ? res->body.ptr : "";
	struct page_meta m;
	json_t *root;

	hs_outcome(hs)->payloads++;
	if (res->status) {
		hs_fetch_failed(hs, res);
		return;
	}
	root = json_loadb(body, res->body.len, 0, NULL);
	if (!root) {
		hs_fail(hs, EV_PARSE, 0, rq->url, "not JSON");
		return;
	}
	read_meta(API_CROSSREF, root, &m);
	json_decref(root);
	if (m.error) {
		hs_fail(hs, EV_PARSE, 0, rq->url, "crossref said: %s",
			m.error);
		return;
	}
	hs_take_mem(hs, hs_format("crossref"), rq->url, rq->url, body,
		    res->body.len, NULL, NULL, NULL);
}

ev_status harvest_crossref_doi(struct hsource *hs, const char *doi)
{
	char *base = hs_base(hs, "base", apis[API_CROSSREF].base);
	char *norm = strdup(doi);
	struct buf url = BUF_INIT;
	ev_status rc = base && norm ? EV_OK : EV_NOMEM;

	if (!rc && !doi_normalise(norm)) {
		hs_fail(hs, EV_USAGE, 0, doi, "not a DOI");
		goto out;
	}
	if (!rc)
		rc = buf_printf(&url, "%sworks/", base);
	/* The DOI's own slashes stay: the API takes them as they are. */
	for (const char *p = norm; !rc && p && *p; p++) {
		char one[2] = {*p, 0};

		rc = *p == '/' ? buf_addch(&url, '/') : url_encode(&url, one);
	}
	if (!rc && source_get(hs->src, "mailto"))
		rc = buf_addstr(&url, "?mailto=");
	if (!rc && source_get(hs->src, "mailto"))
		rc = url_encode(&url, source_get(hs->src, "mailto"));
	if (!rc)
		rc = hs_queue(hs, buf_str(&url), work_done, 0, NULL, NULL,
			      NULL);
out:
	buf_release(&url);
	free(norm);
	free(base);
	return rc;
}

ev_status harvest_crossref(struct hsource *hs)
{
	const char *doi;
	size_t pos = 0;
	ev_status rc = EV_OK;

	while (!rc && (doi = source_next(hs->src, "doi", &pos)) != NULL)
		rc = harvest_crossref_doi(hs, doi);
	if (!rc && source_get(hs->src, "query"))
		rc = queue_search(hs, API_CROSSREF, "*", 0);
	return rc;
}

ev_status harvest_europepmc(struct hsource *hs)
{
	return queue_search(hs, API_EUROPEPMC, "*", 0);
}

ev_status harvest_openalex(struct hsource *hs)
{
	return queue_search(hs, API_OPENALEX, "*", 0);
}
