/* parse-openalex.c - OpenAlex works: one work, or a page of a search */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse-api.h"
#include "parse-formats.h"
#include "text.h"

/*
 * A work object ({"id":"https://openalex.org/W...",...}) or a page of
 * them ({"meta":{...},"results":[...]}); {"error":...} is OpenAlex
 * saying why it failed, and is an error.  An empty page is no records.
 *
 * Choices worth knowing:
 * - The title is "title", else "display_name".  Authors are
 *   authorships[].author.display_name (else raw_author_name); an
 *   authorship with no person but an institution gives the institution
 *   as a literal author.
 * - The container is primary_location.source (else the older
 *   host_venue); the publisher its host organisation.
 * - The identifiers in ids are URLs: the DOI, PMID and PMCID are taken
 *   from their last path segment.
 * - The abstract is rebuilt from abstract_inverted_index (word ->
 *   positions).  An index with a position that is not a whole number
 *   in [0, OA_MAX_WORDS), or with more than OA_MAX_WORDS positions in
 *   all, is hostile or broken: the work keeps no abstract, and memory
 *   stays bounded by OA_MAX_WORDS pointers.
 * - OpenAlex types become CSL types, and the ones the evidence
 *   classifier knows under PubMed's names ("review" -> "Review",
 *   "erratum" -> "Published Erratum") become publication types.
 */

#define OA_MAX_WORDS 100000

/* --- The abstract --- */

static ev_status add_abstract(struct record *rec, json_t *index)
{
	const char **slot = NULL;
	struct buf text = BUF_INIT;
	const char *word;
	json_t *positions;
	size_t total = 0, n_slots = 0;
	ev_status rc = EV_OK;

	if (!json_is_object(index) || rec->abstract)
		return EV_OK;
	/* First pass: check every position, find the highest. */
	json_object_foreach(index, word, positions)
	{
		if (!json_is_array(positions))
			return EV_OK;
		for (size_t i = 0; i < json_array_size(positions); i++) {
			json_t *pos = json_array_get(positions, i);
			json_int_t v;

			if (!json_is_integer(pos))
				return EV_OK;
			v = json_integer_value(pos);
			if (v < 0 || v >= OA_MAX_WORDS ||
			    ++total > OA_MAX_WORDS)
				return EV_OK;
			if ((size_t)v + 1 > n_slots)
				n_slots = (size_t)v + 1;
		}
	}
	if (!n_slots)
		return EV_OK;
	slot = calloc(n_slots, sizeof(*slot));
	if (!slot)
		return EV_NOMEM;
	json_object_foreach(index, word,
			    positions) for (size_t i = 0;
					    i < json_array_size(positions);
					    i++)
	{
		size_t v = (size_t)json_integer_value(
			json_array_get(positions, i));

		if (!slot[v])
			slot[v] = word;
	}
	for (size_t i = 0; i < n_slots && !rc; i++)
		if (slot[i]) {
			if (text.len)
				rc = buf_addch(&text, ' ');
			if (!rc)
				rc = buf_addstr(&text, slot[i]);
		}
	if (!rc && text.len) {
		text_collapse_space(text.ptr);
		rc = set_if_unset(&rec->abstract, text.ptr);
	}
	buf_release(&text);
	free(slot);
	return rc;
}

/* --- Types --- */

static const char *csl_type_of(const char *type, const char *source_type)
{
	static const char *const map[][2] = {
		{"book-chapter", "chapter"},
		{"book", "book"},
		{"dataset", "dataset"},
		{"dissertation", "thesis"},
		{"preprint", "article"},
		{"report", "report"},
		{"review", "article-journal"},
		{"editorial", "article-journal"},
		{"letter", "article-journal"},
		{"erratum", "article-journal"},
		{"retraction", "article-journal"},
		{"standard", "standard"},
	};

	if (!type)
		return NULL;
	if (!strcmp(type, "article")) {
		if (!source_type || !strcmp(source_type, "journal"))
			return "article-journal";
		if (!strcmp(source_type, "conference"))
			return "paper-conference";
		return "article";
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(type, map[i][0]))
			return map[i][1];
	return "article";
}

static const char *pubtype_of(const char *type)
{
	static const char *const map[][2] = {
		{"review", "Review"},
		{"editorial", "Editorial"},
		{"letter", "Letter"},
		{"erratum", "Published Erratum"},
		{"retraction", "Retraction of Publication"},
		{"preprint", "Preprint"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(type, map[i][0]))
			return map[i][1];
	return type;
}

/* --- One work --- */

static ev_status add_authors(struct record *rec, json_t *list)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		json_t *a = api_item(list, i);
		const char *name = api_str(a, "author/display_name");

		if (!name)
			name = api_str(a, "raw_author_name");
		if (name) {
			rc = author_add_name(rec, name);
			continue;
		}
		name = api_str(api_item(json_object_get(a, "institutions"), 0),
			       "display_name");
		if (name)
			rc = record_add_author(rec, NULL, NULL, name);
	}
	return rc;
}

/* Set *FIELD from the last path segment of the URL at PATH. */
static ev_status set_id(char **field, json_t *w, const char *path)
{
	char *id = api_last_segment(api_str(w, path));
	ev_status rc;

	if (!id)
		return api_str(w, path) ? EV_NOMEM : EV_OK;
	rc = set_if_unset(field, id);
	free(id);
	return rc;
}

static ev_status read_work(json_t *w, struct record *rec)
{
	json_t *source = api_get(w, "primary_location/source"), *list;
	const char *type = api_str(w, "type"), *doi;
	char num[32];
	ev_status rc;

	if (!json_is_object(source))
		source = api_get(w, "host_venue");
	rc = api_set_flat(&rec->title, w, "title");
	if (!rc)
		rc = api_set_flat(&rec->title, w, "display_name");
	if (!rc)
		rc = add_authors(rec, json_object_get(w, "authorships"));
	if (!rc)
		rc = set_if_unset(&rec->container_title,
				  api_str(source, "display_name"));
	if (!rc)
		rc = set_if_unset(&rec->publisher,
				  api_str(source, "host_organization_name"));
	if (!rc)
		rc = set_if_unset(&rec->publisher,
				  api_str(source, "publisher"));
	if (!date_parse(api_str(w, "publication_date"), &rec->issued))
		date_parse(api_text(w, "publication_year", num, sizeof(num)),
			   &rec->issued);
	if (!rc)
		rc = set_if_unset(&rec->volume, api_str(w, "biblio/volume"));
	if (!rc)
		rc = set_if_unset(&rec->issue, api_str(w, "biblio/issue"));
	if (!rc)
		rc = record_set_pages(rec, api_str(w, "biblio/first_page"),
				      api_str(w, "biblio/last_page"));
	doi = api_str(w, "ids/doi") ? api_str(w, "ids/doi")
				    : api_str(w, "doi");
	if (!rc)
		rc = set_if_unset(&rec->doi, doi);
	if (!rc)
		rc = set_id(&rec->pmid, w, "ids/pmid");
	if (!rc)
		rc = set_id(&rec->pmcid, w, "ids/pmcid");
	if (!rc)
		rc = set_if_unset(&rec->url, api_str(w, "primary_location/"
							"landing_page_url"));
	if (!rc)
		rc = set_if_unset(&rec->url, doi);
	if (!rc)
		rc = record_set_language(rec, api_str(w, "language"));
	if (!rc)
		rc = set_if_unset(&rec->type,
				  csl_type_of(type, api_str(source, "type")));
	if (!rc && type)
		rc = api_push(&rec->publication_types, pubtype_of(type));
	if (!rc && json_is_true(json_object_get(w, "is_retracted")))
		rc = api_push(&rec->publication_types,
			      "Retracted Publication");
	list = json_object_get(w, "keywords");
	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		const char *k = api_str(api_item(list, i), "display_name");

		if (k)
			rc = api_push(&rec->keywords, k);
	}
	if (!rc)
		rc = add_abstract(
			rec, json_object_get(w, "abstract_inverted_index"));
	return rc;
}

static ev_status emit_work(struct parser *p, json_t *w)
{
	return api_emit(p, w, read_work, "an OpenAlex work");
}

ev_status parse_openalex(struct parser *p, const char *data, size_t len)
{
	json_t *root = NULL, *results;
	ev_status rc;

	rc = api_load(p, data, len, &root);
	if (rc)
		return rc;
	results = json_object_get(root, "results");
	if (!json_is_object(root)) {
		rc = parser_fail(p, EV_PARSE, "not an OpenAlex answer");
	} else if (json_object_get(root, "error")) {
		rc = parser_fail(
			p, EV_PARSE, "OpenAlex says: %.200s",
			api_str(root, "message") ? api_str(root, "message")
			: api_str(root, "error") ? api_str(root, "error")
						 : "an error");
	} else if (json_is_array(results)) {
		for (size_t i = 0; i < json_array_size(results) && !rc; i++)
			rc = emit_work(p, json_array_get(results, i));
	} else if (api_str(root, "id") || api_str(root, "display_name")) {
		rc = emit_work(p, root);
	} else {
		rc = parser_fail(p, EV_PARSE,
				 "not an OpenAlex work or list of works");
	}
	json_decref(root);
	return rc;
}
