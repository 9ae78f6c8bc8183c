/* parse-crossref.c - Crossref works: REST API JSON, unixref and unixsd XML */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "parse-api.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * The REST API answers {"status":"ok","message-type":"work",
 * "message":{...}} for one DOI and "work-list" with message.items for a
 * search; any other status is Crossref saying why it failed, and is an
 * error (an error in an HTTP 200 body is not an empty result).  The XML
 * forms are <doi_records> (unixref) and <crossref_result> (unixsd, the
 * same records inside query results), one record per <doi_record>.
 *
 * Choices worth knowing:
 * - The title is title and subtitle joined by ": " (CSL has no
 *   subtitle of its own); markup in titles (<i>, <sub>) is removed.
 * - The date is "issued" (Crossref's earliest of print and online),
 *   else published-print, published-online, published.
 * - Crossref types become CSL types (journal-article ->
 *   article-journal, posted-content -> article, book-chapter ->
 *   chapter...); the Crossref type is also kept as a publication type.
 * - The abstract is JATS held in a string: each <jats:p> is a passage
 *   under the nearest <jats:title> (a title reading "Abstract" is no
 *   section); when the string is not well-formed XML its tags are
 *   stripped and the text is one abstract.
 * - References with a DOI become cites.
 * - update-to (this work corrects or retracts another) becomes a
 *   relation aimed at "doi:...", named as PubMed's CommentsCorrections
 *   are ("retraction-of", "erratum-for", "expression-of-concern-for",
 *   else "update-of"), and the notice gets the PubMed publication type
 *   ("Retraction of Publication", "Published Erratum") so that the
 *   evidence classifier does not count it as evidence.  updated-by
 *   (this work was corrected or retracted) is the same the other way
 *   ("retraction-in", "erratum-in"...), and a retracted work gets
 *   "Retracted Publication".
 */

/* --- Types --- */

static const char *csl_type_of(const char *crossref)
{
	static const char *const map[][2] = {
		{"journal-article", "article-journal"},
		{"posted-content", "article"},
		{"report", "report"},
		{"report-component", "report"},
		{"report-series", "report"},
		{"book-chapter", "chapter"},
		{"book-section", "chapter"},
		{"book-part", "chapter"},
		{"book", "book"},
		{"edited-book", "book"},
		{"monograph", "book"},
		{"reference-book", "book"},
		{"book-set", "book"},
		{"book-series", "book"},
		{"proceedings-article", "paper-conference"},
		{"proceedings", "book"},
		{"dissertation", "thesis"},
		{"dataset", "dataset"},
		{"reference-entry", "entry-encyclopedia"},
		{"peer-review", "review"},
		{"standard", "standard"},
		/* unixref's element names */
		{"journal_article", "article-journal"},
		{"conference_paper", "paper-conference"},
		{"content_item", "chapter"},
		{"posted_content", "article"},
		{"report-paper", "report"},
		{"report-paper_metadata", "report"},
		{"book_metadata", "book"},
		{"database", "dataset"},
	};

	if (!crossref)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(crossref, map[i][0]))
			return map[i][1];
	return "article";
}

/*
 * What an update says, in PubMed's words: the relation from the notice
 * to the work it concerns (update-to) and back (updated-by), and the
 * publication types of the notice and of the work.  Kinds not listed
 * ("new_version", "addendum"...) are "update-of" and "update-in".
 */
static const struct update_kind {
	const char *type;
	const char *of, *in;
	const char *notice_type, *work_type;
} update_kinds[] = {
	{"retraction", "retraction-of", "retraction-in",
	 "Retraction of Publication", "Retracted Publication"},
	{"partial_retraction", "retraction-of", "retraction-in",
	 "Retraction of Publication", "Retracted Publication"},
	{"withdrawal", "retraction-of", "retraction-in",
	 "Retraction of Publication", "Retracted Publication"},
	{"removal", "retraction-of", "retraction-in",
	 "Retraction of Publication", "Retracted Publication"},
	{"correction", "erratum-for", "erratum-in", "Published Erratum", NULL},
	{"erratum", "erratum-for", "erratum-in", "Published Erratum", NULL},
	{"corrigendum", "erratum-for", "erratum-in", "Published Erratum",
	 NULL},
	{"expression_of_concern", "expression-of-concern-for",
	 "expression-of-concern-in", "Expression of Concern", NULL},
};

/* One update-to (NOTICE 1: REC is the notice) or updated-by (NOTICE 0:
 * REC is the work) entry. */
static ev_status add_update(struct record *rec, const char *type,
			    const char *doi, int notice)
{
	static const struct update_kind other = {NULL, "update-of",
						 "update-in", NULL, NULL};
	const struct update_kind *k = &other;
	const char *pubtype;
	struct buf target = BUF_INIT;
	char *d;
	ev_status rc = EV_OK;

	if (!doi)
		return EV_OK;
	for (size_t i = 0;
	     type && i < sizeof(update_kinds) / sizeof(*update_kinds); i++)
		if (!strcasecmp(type, update_kinds[i].type))
			k = &update_kinds[i];
	pubtype = notice ? k->notice_type : k->work_type;
	d = strdup(doi);
	if (!d)
		return EV_NOMEM;
	if (doi_normalise(d)) {
		rc = buf_printf(&target, "doi:%s", d);
		if (!rc)
			rc = record_add_relation(rec, notice ? k->of : k->in,
						 buf_str(&target));
		if (!rc && pubtype)
			rc = api_push(&rec->publication_types, pubtype);
	}
	buf_release(&target);
	free(d);
	return rc;
}

/* --- The abstract: JATS in a tree, or in a string --- */

static int is_abstract_word(const char *s)
{
	return s && !strcasecmp(s, "abstract");
}

/* Each <p> under ROOT a passage under the nearest <title> before it. */
static ev_status abstract_from_tree(struct record *rec, const xmlNode *root,
				    struct buf *joined)
{
	char *section = NULL;
	ev_status rc = EV_OK;

	for (const xmlNode *n = root; n && !rc;) {
		char *t = NULL;

		if (n != root && (xml_is(n, "title") || xml_is(n, "p"))) {
			rc = xml_text_flat(n, &t);
			if (!rc && xml_is(n, "title")) {
				free(section);
				section = NULL;
				if (t && *t && !is_abstract_word(t)) {
					section = t;
					t = NULL;
				}
			} else if (!rc) {
				rc = api_abstract_part(rec, joined, t,
						       section);
			}
			free(t);
			n = xml_walk(root, n, 0);
			continue;
		}
		n = xml_walk(root, n, 1);
	}
	free(section);
	return rc;
}

static ev_status set_abstract(struct record *rec, struct buf *joined)
{
	if (!joined->len || rec->abstract)
		return EV_OK;
	rec->abstract = buf_detach(joined);
	return rec->abstract ? EV_OK : EV_NOMEM;
}

/* A JATS abstract held in a JSON string.  Wrapped in an element that
 * declares the prefixes Crossref uses, it is parsed through xml.c; what
 * does not parse (an HTML entity, a stray "<") is flattened to text. */
static ev_status abstract_from_string(struct record *rec, const char *s)
{
	static const char open[] =
		"<abstract xmlns:jats=\"http://www.ncbi.nlm.nih.gov/JATS1\" "
		"xmlns:mml=\"http://www.w3.org/1998/Math/MathML\" "
		"xmlns:xlink=\"http://www.w3.org/1999/xlink\">";
	struct buf xml = BUF_INIT, joined = BUF_INIT;
	xmlDoc *doc = NULL;
	char err[160];
	ev_status rc;

	if (!s || rec->abstract)
		return EV_OK;
	rc = buf_printf(&xml, "%s%s</abstract>", open, s);
	if (rc)
		goto out;
	if (xml_parse(xml.ptr, xml.len, NULL, &doc, err, sizeof(err)) ==
	    EV_OK) {
		xmlNode *root = xmlDocGetRootElement(doc);

		rc = abstract_from_tree(rec, root, &joined);
		if (!rc && !joined.len) {
			char *t = NULL;

			rc = xml_text(root, &t);
			if (!rc && t)
				rc = buf_addstr(&joined, t);
			free(t);
		}
	} else {
		rc = buf_addstr(&joined, s);
		if (!rc) {
			text_collapse_space(markup_flatten(joined.ptr));
			joined.len = strlen(joined.ptr);
		}
	}
	if (!rc)
		rc = set_abstract(rec, &joined);
out:
	xml_free(doc);
	buf_release(&xml);
	buf_release(&joined);
	return rc;
}

/* --- REST JSON --- */

/* The first string of an array ("title": ["..."]), or the string. */
static const char *first_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return api_str(api_item(v, 0), "");
}

static ev_status set_title(struct record *rec, const char *title,
			   const char *subtitle)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	if (!title || rec->title)
		return EV_OK;
	if (subtitle && strcasecmp(subtitle, title))
		rc = buf_printf(&b, "%s: %s", title, subtitle);
	else
		rc = buf_addstr(&b, title);
	if (!rc) {
		text_collapse_space(markup_flatten(b.ptr));
		rc = set_if_unset(&rec->title, b.ptr);
	}
	buf_release(&b);
	return rc;
}

/* "date-parts": [[2019, 4, 22]]; [[null]] is no date. */
static int date_from_parts(json_t *date, struct date *d)
{
	json_t *parts = api_item(api_get(date, "date-parts"), 0);
	json_int_t v[3] = {0, 0, 0};

	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < 3; i++)
		if (json_is_integer(json_array_get(parts, i)))
			v[i] = json_integer_value(json_array_get(parts, i));
	if (v[0] < 1000 || v[0] > 2999)
		return 0;
	d->year = (int)v[0];
	if (v[1] >= 1 && v[1] <= 12) {
		d->month = (int)v[1];
		if (v[2] >= 1 && v[2] <= 31)
			d->day = (int)v[2];
	}
	return 1;
}

static ev_status rest_authors(struct record *rec, json_t *list)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		json_t *a = api_item(list, i);
		const char *family = api_str(a, "family");

		if (family)
			rc = author_add_parts(rec, family, api_str(a, "given"),
					      api_str(a, "suffix"));
		else if (api_str(a, "name"))
			rc = record_add_author(rec, NULL, NULL,
					       api_str(a, "name"));
		else if (api_str(a, "given"))
			rc = author_add_name(rec, api_str(a, "given"));
	}
	return rc;
}

static ev_status rest_work(json_t *w, struct record *rec)
{
	static const char *const dates[] = {
		"issued",
		"published-print",
		"published-online",
		"published",
	};
	const char *type = api_str(w, "type");
	json_t *list;
	ev_status rc;

	rc = set_title(rec, first_str(w, "title"), first_str(w, "subtitle"));
	if (!rc)
		rc = rest_authors(rec, json_object_get(w, "author"));
	if (!rc && !rec->n_authors)
		rc = rest_authors(rec, json_object_get(w, "editor"));
	if (!rc)
		rc = set_if_unset(&rec->container_title,
				  first_str(w, "container-title"));
	for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++)
		if (date_from_parts(json_object_get(w, dates[i]),
				    &rec->issued))
			break;
	if (!rc)
		rc = set_if_unset(&rec->volume, api_str(w, "volume"));
	if (!rc)
		rc = set_if_unset(&rec->issue, api_str(w, "issue"));
	if (!rc)
		rc = record_set_pages(rec, api_str(w, "page"), NULL);
	if (!rc)
		rc = set_if_unset(&rec->doi, api_str(w, "DOI"));
	if (!rc)
		rc = set_if_unset(&rec->url, api_str(w, "URL"));
	if (!rc)
		rc = set_if_unset(&rec->publisher, api_str(w, "publisher"));
	if (!rc)
		rc = record_set_language(rec, api_str(w, "language"));
	if (!rc)
		rc = set_if_unset(&rec->type, csl_type_of(type));
	if (!rc && type)
		rc = api_push(&rec->publication_types, type);
	if (!rc)
		rc = abstract_from_string(rec, api_str(w, "abstract"));
	list = json_object_get(w, "reference");
	for (size_t i = 0; i < api_count(list) && !rc; i++)
		rc = api_add_cite(rec, NULL,
				  api_str(api_item(list, i), "DOI"));
	list = json_object_get(w, "update-to");
	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		json_t *u = api_item(list, i);

		rc = add_update(rec, api_str(u, "type"), api_str(u, "DOI"), 1);
	}
	list = json_object_get(w, "updated-by");
	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		json_t *u = api_item(list, i);

		rc = add_update(rec, api_str(u, "type"), api_str(u, "DOI"), 0);
	}
	list = json_object_get(w, "subject");
	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		const char *s = api_str(api_item(list, i), "");

		if (s)
			rc = api_push(&rec->keywords, s);
	}
	return rc;
}

/* Crossref's own words for a failure: message[0].message, or the
 * message itself when it is a string. */
static const char *failure_text(json_t *root)
{
	json_t *m = json_object_get(root, "message");
	const char *s = api_str(m, "");

	if (!s)
		s = api_str(api_item(m, 0), "message");
	return s ? s : "no reason given";
}

static ev_status parse_rest(struct parser *p, const char *data, size_t len)
{
	json_t *root = NULL, *msg, *items;
	const char *status, *mtype;
	ev_status rc;

	rc = api_load(p, data, len, &root);
	if (rc)
		goto out;
	status = api_str(root, "status");
	mtype = api_str(root, "message-type");
	msg = json_object_get(root, "message");
	if (!json_is_object(root) || !mtype) {
		rc = parser_fail(p, EV_PARSE, "not a Crossref API answer");
		goto out;
	}
	if (!status || strcmp(status, "ok")) {
		rc = parser_fail(p, EV_PARSE, "Crossref says %s: %.200s",
				 status ? status : "no status",
				 failure_text(root));
		goto out;
	}
	if (!strcmp(mtype, "work")) {
		rc = api_emit(p, msg, rest_work, "a Crossref work");
		goto out;
	}
	if (strcmp(mtype, "work-list")) {
		rc = parser_fail(p, EV_UNSUPPORTED,
				 "a Crossref \"%.60s\" answer holds no works",
				 mtype);
		goto out;
	}
	items = api_get(msg, "items");
	if (!json_is_array(items)) {
		rc = parser_fail(p, EV_PARSE,
				 "Crossref work-list without items");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(items) && !rc; i++)
		rc = api_emit(p, json_array_get(items, i), rest_work,
			      "a Crossref work");
out:
	json_decref(root);
	return rc;
}

/* --- unixref / unixsd XML --- */

/* The elements that hold one work's own metadata, most specific
 * first. */
static const char *const work_elements[] = {
	"journal_article",
	"conference_paper",
	"content_item",
	"posted_content",
	"dissertation",
	"report-paper_metadata",
	"book_metadata",
	"database",
	"dataset",
	"standard",
	NULL,
};

static xmlNode *find_work(const xmlNode *crossref)
{
	for (size_t i = 0; work_elements[i]; i++) {
		xmlNode *n = xml_find(crossref, work_elements[i]);

		if (n)
			return n;
	}
	return NULL;
}

static int xml_date(const xmlNode *pd, struct date *d)
{
	char *y = NULL, *m = NULL, *day = NULL;
	int ok = 0;

	memset(d, 0, sizeof(*d));
	if (!pd || xml_text(xml_child(pd, "year"), &y) ||
	    xml_text(xml_child(pd, "month"), &m) ||
	    xml_text(xml_child(pd, "day"), &day))
		goto out;
	if (y && atoi(y) >= 1000 && atoi(y) <= 2999) {
		ok = 1;
		d->year = atoi(y);
		if (m && atoi(m) >= 1 && atoi(m) <= 12) {
			d->month = atoi(m);
			if (day && atoi(day) >= 1 && atoi(day) <= 31)
				d->day = atoi(day);
		}
	}
out:
	free(y);
	free(m);
	free(day);
	return ok;
}

static ev_status xml_contributors(struct record *rec, const xmlNode *list)
{
	ev_status rc = EV_OK;

	for (const xmlNode *c = xml_child(list, NULL); c && !rc;
	     c = xml_next(c, NULL)) {
		const char *role = xml_attr(c, "contributor_role");
		char *given = NULL, *family = NULL, *suffix = NULL;

		if (role && strcmp(role, "author"))
			continue;
		if (xml_is(c, "organization")) {
			rc = api_xml_set(&family, c);
			if (!rc && family)
				rc = record_add_author(rec, NULL, NULL,
						       family);
		} else if (xml_is(c, "person_name")) {
			rc = api_xml_set(&given, xml_child(c, "given_name"));
			if (!rc)
				rc = api_xml_set(&family,
						 xml_child(c, "surname"));
			if (!rc)
				rc = api_xml_set(&suffix,
						 xml_child(c, "suffix"));
			if (!rc && (family || given))
				rc = author_add_parts(rec, family, given,
						      suffix);
		}
		free(given);
		free(family);
		free(suffix);
	}
	return rc;
}

/* The container: the journal's, the proceedings', the book's (for a
 * chapter), the posted content's group. */
static const xmlNode *xml_container(const xmlNode *crossref,
				    const xmlNode *work)
{
	const xmlNode *n;

	if ((n = xml_path(xml_find(crossref, "journal_metadata"),
			  "full_title")))
		return n;
	if ((n = xml_find(xml_find(crossref, "proceedings_metadata"),
			  "proceedings_title")))
		return n;
	if (work && xml_is(work, "content_item") &&
	    (n = xml_path(xml_find(crossref, "book_metadata"),
			  "titles/title")))
		return n;
	if (work && (n = xml_child(work, "group_title")))
		return n;
	return NULL;
}

/* The volume of the journal issue, or of the book or proceedings (not
 * a volume named in the citation list). */
static const xmlNode *xml_volume(const xmlNode *crossref)
{
	static const char *const holders[] = {
		"book_metadata",
		"book_series_metadata",
		"proceedings_metadata",
	};
	const xmlNode *n = xml_path(xml_find(crossref, "journal_issue"),
				    "journal_volume/volume");

	for (size_t i = 0; !n && i < sizeof(holders) / sizeof(*holders); i++)
		n = xml_child(xml_find(crossref, holders[i]), "volume");
	return n;
}

/* The abstract to read: the first without abstract-type, else the
 * first. */
static const xmlNode *xml_abstract(const xmlNode *work)
{
	const xmlNode *first = NULL;

	for (const xmlNode *n = xml_child(work, "abstract"); n;
	     n = xml_next(n, "abstract")) {
		if (!xml_attr(n, "abstract-type"))
			return n;
		if (!first)
			first = n;
	}
	return first;
}

/* The crm-item named NAME of the unixsd query holding RECORD. */
static const xmlNode *crm_item(const xmlNode *record, const char *name)
{
	for (const xmlNode *n = xml_child(record->parent, "crm-item"); n;
	     n = xml_next(n, "crm-item")) {
		const char *a = xml_attr(n, "name");

		if (a && !strcmp(a, name))
			return n;
	}
	return NULL;
}

static ev_status xml_work(const xmlNode *record, struct record *rec)
{
	const xmlNode *crossref = xml_child(record, "crossref");
	const xmlNode *work = find_work(crossref), *n, *lang;
	struct buf joined = BUF_INIT;
	char *title = NULL, *subtitle = NULL;
	ev_status rc = EV_OK;

	if (!work)
		return EV_OK; /* an <error/> record, or nothing we read */
	n = xml_child(work, "titles");
	rc = api_xml_set(&title, xml_child(n, "title"));
	if (!rc)
		rc = api_xml_set(&subtitle, xml_child(n, "subtitle"));
	if (!rc)
		rc = set_title(rec, title, subtitle);
	if (!rc)
		rc = xml_contributors(rec, xml_child(work, "contributors"));
	if (!rc)
		rc = api_xml_set(&rec->container_title,
				 xml_container(crossref, work));
	if (!xml_date(xml_child(work, "publication_date"), &rec->issued))
		xml_date(xml_find(xml_find(crossref, "journal_issue"),
				  "publication_date"),
			 &rec->issued);
	if (!rc)
		rc = api_xml_set(&rec->volume, xml_volume(crossref));
	if (!rc)
		rc = api_xml_set(&rec->issue,
				 xml_child(xml_find(crossref, "journal_issue"),
					   "issue"));
	n = xml_child(work, "pages");
	if (!rc && n) {
		char *first = NULL, *last = NULL;

		rc = api_xml_set(&first, xml_child(n, "first_page"));
		if (!rc)
			rc = api_xml_set(&last, xml_child(n, "last_page"));
		if (!rc)
			rc = record_set_pages(rec, first, last);
		free(first);
		free(last);
	}
	n = xml_child(work, "doi_data");
	if (!rc)
		rc = api_xml_set(&rec->doi, xml_child(n, "doi"));
	if (!rc)
		rc = api_xml_set(&rec->url, xml_child(n, "resource"));
	if (!rc)
		rc = api_xml_set(&rec->publisher,
				 crm_item(record, "publisher-name"));
	if (!rc)
		rc = api_xml_set(&rec->publisher,
				 xml_path(xml_find(crossref, "publisher"),
					  "publisher_name"));
	lang = xml_attr(work, "language")
		       ? work
		       : xml_find(crossref, "journal_metadata");
	if (!rc)
		rc = record_set_language(rec, xml_attr(lang, "language"));
	if (!rc)
		rc = set_if_unset(&rec->type,
				  csl_type_of((const char *)work->name));
	n = xml_abstract(work);
	if (!rc && n)
		rc = abstract_from_tree(rec, n, &joined);
	if (!rc)
		rc = set_abstract(rec, &joined);
	n = xml_child(work, "citation_list");
	for (n = xml_child(n, "citation"); n && !rc;
	     n = xml_next(n, "citation")) {
		char *doi = NULL;

		rc = api_xml_set(&doi, xml_child(n, "doi"));
		if (!rc)
			rc = api_add_cite(rec, NULL, doi);
		free(doi);
	}
	free(title);
	free(subtitle);
	buf_release(&joined);
	return rc;
}

static ev_status parse_unixref(struct parser *p, const char *data, size_t len)
{
	xmlDoc *doc = NULL;
	xmlNode *root;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	rc = api_xml_parse(p, data, len, &doc);
	if (rc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "doi_records") && !xml_is(root, "crossref_result")) {
		rc = parser_fail(p, EV_PARSE,
				 "not Crossref XML: the root is <%.60s>",
				 (const char *)root->name);
		goto out;
	}
	for (xmlNode *n = root; n && !rc;) {
		if (!xml_is(n, "doi_record")) {
			n = xml_walk(root, n, 1);
			continue;
		}
		rc = xml_work(n, &rec);
		if (rc)
			rc = parser_fail(p, rc, "out of memory");
		else if (rec.title || rec.doi)
			rc = parser_emit(p, &rec);
		record_release(&rec);
		record_init(&rec);
		n = xml_walk(root, n, 0);
	}
out:
	record_release(&rec);
	xml_free(doc);
	return rc;
}

ev_status parse_crossref(struct parser *p, const char *data, size_t len)
{
	if (api_is_json(data, len))
		return parse_rest(p, data, len);
	return parse_unixref(p, data, len);
}
