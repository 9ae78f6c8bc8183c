/* cite-csl.c - CSL-JSON items and CSV rows for exports */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/csv.h"
#include "query/cite.h"

/*
 * The CSL fields of a stored record, in the order they are written.  The
 * record's own JSON (record_to_json()) already spells them as CSL-JSON,
 * so the item is that object with the project's fields (passages,
 * provenance, evidence type...) left out.  "id" stays the evidence id so
 * that an item read back by "evidence add" finds its work again.
 */
static const char *const csl_keys[] = {
	"id",	    "type",	   "title", "author", "container-title",
	"issued",   "volume",	   "issue", "page",   "publisher",
	"DOI",	    "PMID",	   "PMCID", "URL",    "language",
	"abstract", "citation-key"};

ev_status cite_csl_json(const struct record *rec, char **jsonp)
{
	json_t *full = NULL, *item = NULL;
	json_error_t jerr;
	char *json = NULL;
	ev_status st;

	*jsonp = NULL;
	st = record_to_json(rec, &json);
	if (st)
		goto out;
	full = json_loads(json, 0, &jerr);
	item = json_object();
	if (!full || !item) {
		st = EV_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < sizeof(csl_keys) / sizeof(*csl_keys); i++) {
		json_t *v = json_object_get(full, csl_keys[i]);

		if (v && json_object_set(item, csl_keys[i], v)) {
			st = EV_NOMEM;
			goto out;
		}
	}
	if (!json_object_get(item, "type") &&
	    json_object_set_new(item, "type", json_string("article"))) {
		st = EV_NOMEM;
		goto out;
	}
	*jsonp = json_dumps(item, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!*jsonp)
		st = EV_NOMEM;
out:
	free(json);
	json_decref(full);
	json_decref(item);
	return st;
}

static const char *const csv_columns[] = {
	"key",	     "id",     "type",	"authors",	"year",	     "title",
	"container", "volume", "issue", "pages",	"publisher", "doi",
	"pmid",	     "pmcid",  "url",	"evidence_type"};

void cite_csv_header(FILE *out)
{
	for (size_t i = 0; i < sizeof(csv_columns) / sizeof(*csv_columns); i++)
		csv_field(out, csv_columns[i], i == 0);
	csv_end_row(out);
}

void cite_csv_row(FILE *out, const struct record *rec, const char *key)
{
	struct buf names = BUF_INIT;
	char year[16] = "";

	/* "Family, Given; Family, Given; Organisation" */
	for (size_t i = 0; i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];

		if (i)
			buf_addstr(&names, "; ");
		if (a->literal || !a->family)
			buf_addstr(&names,
				   a->literal ? a->literal
					      : (a->given ? a->given : ""));
		else if (a->given)
			buf_printf(&names, "%s, %s", a->family, a->given);
		else
			buf_addstr(&names, a->family);
	}
	if (rec->issued.year > 0)
		snprintf(year, sizeof(year), "%d", rec->issued.year);
	csv_field(out, key, 1);
	csv_field(out, rec->id, 0);
	csv_field(out, rec->type, 0);
	csv_field(out, buf_str(&names), 0);
	csv_field(out, year, 0);
	csv_field(out, rec->title, 0);
	csv_field(out, rec->container_title, 0);
	csv_field(out, rec->volume, 0);
	csv_field(out, rec->issue, 0);
	csv_field(out, rec->page, 0);
	csv_field(out, rec->publisher, 0);
	csv_field(out, rec->doi, 0);
	csv_field(out, rec->pmid, 0);
	csv_field(out, rec->pmcid, 0);
	csv_field(out, rec->url, 0);
	csv_field(out, rec->evidence_type, 0);
	csv_end_row(out);
	buf_release(&names);
}
