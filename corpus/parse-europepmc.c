/* parse-europepmc.c - Europe PMC search results: JSON, XML and Dublin Core */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
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
 * The REST search answers in three shapes, all read here:
 * - JSON: {"resultList":{"result":[...]}} (resultType lite or core);
 * - XML: <responseWrapper><resultList><result>..., the same fields as
 *   elements; each <result> is turned into the JSON object it stands
 *   for, so both go through one reader;
 * - Dublin Core (format=dc): <responseWrapper><rdf:RDF> with one
 *   <rdf:Description> per work.
 * An answer with no results is no records and EV_OK; one with errCode
 * or errMsg (Europe PMC's way of refusing a query) is an error.
 *
 * Choices worth knowing:
 * - Authors come from authorList (lastName/firstName, collectiveName),
 *   else from authorString ("Schoenfeld JD, Haas-Kogan DA."), where the
 *   initials follow the family name.
 * - The date is the journal issue's (journalInfo.dateOfPublication,
 *   "2025 Dec"), as PubMed gives it, else firstPublicationDate, else
 *   pubYear.  The lite format has only the latter two, so the same work
 *   can get a day there that it has not in core.
 * - An abstract with <h4> headings is a passage per section.
 * - source PPR is a preprint (CSL "article", publication type
 *   "Preprint"); other sources are journal articles.
 * - The URL is the first full text link in HTML, else the DOI link,
 *   else the work's page on europepmc.org.
 */

/* --- Shared by JSON and XML results --- */

/* "Schoenfeld JD": the family name, then the initials. */
static ev_status add_short_name(struct record *rec, const char *name)
{
	const char *sp = strrchr(name, ' ');
	size_t n = 0;

	if (sp) {
		for (const char *c = sp + 1; *c; c++, n++)
			if (!isupper((unsigned char)*c) && *c != '-')
				break;
		if (n && !sp[1 + n] && n <= 4) {
			char *family = xstrndup(name, (size_t)(sp - name));
			ev_status rc;

			if (!family)
				return EV_NOMEM;
			rc = record_add_author(rec, family, sp + 1, NULL);
			free(family);
			return rc;
		}
	}
	return author_add_name(rec, name);
}

static ev_status add_author_string(struct record *rec, const char *s)
{
	char *copy, *save = NULL;
	ev_status rc = EV_OK;

	if (!s)
		return EV_OK;
	copy = strdup(s);
	if (!copy)
		return EV_NOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t len;

		tok = str_trim(tok);
		len = strlen(tok);
		if (len && tok[len - 1] == '.')
			tok[--len] = '\0';
		if (len)
			rc = add_short_name(rec, tok);
	}
	free(copy);
	return rc;
}

static ev_status add_authors(struct record *rec, json_t *r)
{
	json_t *list = api_get(r, "authorList/author");
	ev_status rc = EV_OK;

	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		json_t *a = api_item(list, i);
		const char *family = api_str(a, "lastName");

		if (family)
			rc = author_add_parts(rec, family,
					      api_str(a, "firstName")
						      ? api_str(a, "firstName")
						      : api_str(a, "initials"),
					      NULL);
		else if (api_str(a, "collectiveName"))
			rc = record_add_author(rec, NULL, NULL,
					       api_str(a, "collectiveName"));
		else if (api_str(a, "fullName"))
			rc = add_short_name(rec, api_str(a, "fullName"));
	}
	if (!rc && !rec->n_authors)
		rc = add_author_string(rec, api_str(r, "authorString"));
	return rc;
}

/* Append the strings of LIST (or the string itself), each split at
 * SEP when SEP is not NULL. */
static ev_status add_strings(struct strvec *sv, json_t *list, const char *sep)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < api_count(list) && !rc; i++) {
		const char *s = api_str(api_item(list, i), "");
		char *copy, *save = NULL;

		if (!s)
			continue;
		if (!sep) {
			rc = api_push(sv, s);
			continue;
		}
		copy = strdup(s);
		if (!copy)
			return EV_NOMEM;
		for (char *t = strtok_r(copy, sep, &save); t && !rc;
		     t = strtok_r(NULL, sep, &save)) {
			t = str_trim(t);
			if (*t)
				rc = api_push(sv, t);
		}
		free(copy);
	}
	return rc;
}

/* An abstract in HTML: "<h4>Objective</h4>text<h4>Design</h4>text". */
static ev_status add_abstract(struct record *rec, const char *html)
{
	struct buf joined = BUF_INIT;
	char *copy, *section = NULL, *s;
	ev_status rc = EV_OK;

	if (!html || rec->abstract)
		return EV_OK;
	copy = strdup(html);
	if (!copy)
		return EV_NOMEM;
	s = copy;
	while (s && !rc) {
		char *h = strstr(s, "<h4>"), *text = s, *end;

		if (h == s) {
			end = strstr(s + 4, "</h4>");
			if (!end)
				h = NULL; /* unclosed: the rest is text */
		}
		if (h == s) {
			*end = '\0';
			free(section);
			section = strdup(s + 4);
			if (!section) {
				rc = EV_NOMEM;
				break;
			}
			text_collapse_space(markup_flatten(section));
			s = end + 5;
			continue;
		}
		if (h)
			*h = '\0';
		text_collapse_space(markup_flatten(text));
		rc = api_abstract_part(rec, &joined, text,
				       section && *section ? section : NULL);
		if (h)
			*h = '<';
		s = h;
	}
	if (!rc && joined.len) {
		rec->abstract = buf_detach(&joined);
		if (!rec->abstract)
			rc = EV_NOMEM;
	}
	buf_release(&joined);
	free(section);
	free(copy);
	return rc;
}

/* A full-text link: the first in HTML, else the DOI's. */
static const char *pick_url(json_t *r)
{
	json_t *list = api_get(r, "fullTextUrlList/fullTextUrl");
	static const char *const styles[] = {"html", "doi"};

	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < api_count(list); i++) {
			json_t *u = api_item(list, i);
			const char *style = api_str(u, "documentStyle");

			if (style && !strcmp(style, styles[s]) &&
			    api_str(u, "url"))
				return api_str(u, "url");
		}
	return NULL;
}

static ev_status read_result(json_t *r, struct record *rec)
{
	static const char *const dates[] = {
		"journalInfo/dateOfPublication",
		"firstPublicationDate",
		"electronicPublicationDate",
		"pubYear",
	};
	const char *source = api_str(r, "source"), *id = api_str(r, "id");
	char num[32];
	ev_status rc;

	rc = api_set_flat(&rec->title, r, "title");
	if (!rc)
		rc = add_authors(rec, r);
	if (!rc)
		rc = api_set_flat(&rec->container_title, r,
				  "journalInfo/journal/title");
	if (!rc)
		rc = api_set_flat(&rec->container_title, r, "journalTitle");
	if (!rc)
		rc = set_if_unset(
			&rec->volume,
			api_text(r, "journalInfo/volume", num, sizeof(num)));
	if (!rc)
		rc = set_if_unset(&rec->volume, api_str(r, "journalVolume"));
	if (!rc)
		rc = set_if_unset(&rec->issue, api_text(r, "journalInfo/issue",
							num, sizeof(num)));
	if (!rc)
		rc = set_if_unset(&rec->issue, api_str(r, "issue"));
	if (!rc)
		rc = record_set_pages(rec, api_str(r, "pageInfo"), NULL);
	for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++)
		if (date_parse(api_text(r, dates[i], num, sizeof(num)),
			       &rec->issued))
			break;
	if (!rc)
		rc = set_if_unset(&rec->pmid,
				  api_text(r, "pmid", num, sizeof(num)));
	if (!rc)
		rc = set_if_unset(&rec->pmcid, api_str(r, "pmcid"));
	if (!rc)
		rc = set_if_unset(&rec->doi, api_str(r, "doi"));
	if (!rc)
		rc = add_abstract(rec, api_str(r, "abstractText"));
	if (!rc)
		rc = add_strings(&rec->publication_types,
				 api_get(r, "pubTypeList/pubType"), NULL);
	if (!rc)
		rc = add_strings(&rec->publication_types,
				 api_get(r, "pubType"), ";");
	if (!rc)
		rc = add_strings(&rec->keywords,
				 api_get(r, "keywordList/keyword"), NULL);
	{
		json_t *mesh = api_get(r, "meshHeadingList/meshHeading");

		for (size_t i = 0; i < api_count(mesh) && !rc; i++) {
			const char *d =
				api_str(api_item(mesh, i), "descriptorName");

			if (d)
				rc = api_push(&rec->keywords, d);
		}
	}
	if (!rc)
		rc = set_if_unset(&rec->publisher,
				  api_str(r, "bookOrReportDetails/publisher"));
	if (!rc)
		rc = record_set_language(rec, api_str(r, "language"));
	if (!rc)
		rc = set_if_unset(&rec->url, pick_url(r));
	if (!rc && !rec->url && source && id) {
		struct buf b = BUF_INIT;

		rc = buf_printf(&b, "https://europepmc.org/article/%s/%s",
				source, id);
		if (!rc)
			rc = set_if_unset(&rec->url, b.ptr);
		buf_release(&b);
	}
	if (!rc && source && !strcmp(source, "PPR")) {
		rc = set_if_unset(&rec->type, "article");
		if (!rc)
			rc = api_push(&rec->publication_types, "Preprint");
	} else if (!rc && source && !strcmp(source, "PAT")) {
		rc = set_if_unset(&rec->type, "patent");
	} else if (!rc && source && !strcmp(source, "ETH")) {
		rc = set_if_unset(&rec->type, "thesis");
	} else if (!rc) {
		rc = set_if_unset(&rec->type, "article-journal");
	}
	return rc;
}

static ev_status emit_result(struct parser *p, json_t *r)
{
	return api_emit(p, r, read_result, "a Europe PMC result");
}

/* --- JSON --- */

static ev_status parse_json(struct parser *p, const char *data, size_t len)
{
	json_t *root = NULL, *list;
	ev_status rc;

	rc = api_load(p, data, len, &root);
	if (rc)
		return rc;
	list = api_get(root, "resultList/result");
	if (api_get(root, "errMsg") || api_get(root, "errCode")) {
		char code[32];
		const char *msg = api_str(root, "errMsg");

		if (!msg)
			msg = api_text(root, "errCode", code, sizeof(code));
		rc = parser_fail(p, EV_PARSE, "Europe PMC says: %.200s",
				 msg ? msg : "an error");
		goto out;
	}
	if (!json_is_object(api_get(root, "resultList"))) {
		rc = parser_fail(p, EV_PARSE,
				 "not a Europe PMC answer: no resultList");
		goto out;
	}
	for (size_t i = 0; i < api_count(list) && !rc; i++)
		rc = emit_result(p, api_item(list, i));
out:
	json_decref(root);
	return rc;
}

/* --- XML --- */

/* 1 when NODE has text of its own (not only white space between
 * elements): mixed content is read as one string. */
static int has_own_text(const xmlNode *node)
{
	for (const xmlNode *c = node->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    c->content &&
		    strspn((const char *)c->content, " \t\r\n") !=
			    strlen((const char *)c->content))
			return 1;
	return 0;
}

/*
 * The JSON object an element of a result stands for: an element with
 * no element children (or with text of its own) is a string, any other
 * an object of its children, where a name that repeats becomes an
 * array.  Attributes are not read.  Recursion is bounded by libxml2's
 * depth limit (256).
 */
static json_t *to_json(const xmlNode *node)
{
	json_t *obj;

	if (!xml_child(node, NULL) || has_own_text(node)) {
		char *t = NULL;
		json_t *s;

		if (xml_text(node, &t))
			return NULL;
		s = json_string(t ? t : "");
		free(t);
		return s;
	}
	obj = json_object();
	if (!obj)
		return NULL;
	for (const xmlNode *c = xml_child(node, NULL); c;
	     c = xml_next(c, NULL)) {
		const char *key = (const char *)c->name;
		json_t *v = to_json(c), *old = json_object_get(obj, key);
		int fail;

		if (!v)
			goto fail;
		if (!old) {
			fail = json_object_set_new(obj, key, v);
		} else if (json_is_array(old)) {
			fail = json_array_append_new(old, v);
		} else {
			json_t *arr = json_array();

			fail = !arr || json_array_append(arr, old) ||
			       json_array_append_new(arr, v) ||
			       json_object_set_new(obj, key, arr);
			if (fail && arr)
				json_decref(arr);
		}
		if (fail)
			goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

/* "&ctx_ver=...&rft.jtitle=Lancet%20%28London...": the value of KEY,
 * percent-decoded, malloc'd. */
static char *openurl_value(const char *q, const char *key)
{
	size_t klen = strlen(key);
	struct buf b = BUF_INIT;

	for (const char *s = q; s && *s; s = strchr(s, '&')) {
		if (*s == '&')
			s++;
		if (strncmp(s, key, klen) || s[klen] != '=')
			continue;
		/* A NUL escape ends the value, as it would a C string. */
		if (url_percent_decode(&b, s + klen + 1, "&", 1) == EV_NOMEM)
			buf_release(&b);
		break;
	}
	if (b.len && !utf8_valid(b.ptr, b.len)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static ev_status dc_openurl(struct record *rec, const char *q)
{
	static const struct {
		const char *key;
		size_t field;
	} keys[] = {
		{"rft.jtitle", offsetof(struct record, container_title)},
		{"rft.volume", offsetof(struct record, volume)},
		{"rft.issue", offsetof(struct record, issue)},
		{"rft.pages", offsetof(struct record, page)},
	};
	ev_status rc = EV_OK;

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys) && !rc; i++) {
		char *v = openurl_value(q, keys[i].key);

		rc = set_if_unset((char **)((char *)rec + keys[i].field), v);
		free(v);
	}
	return rc;
}

/* One <rdf:Description> of the Dublin Core format. */
static ev_status dc_record(const xmlNode *d, struct record *rec)
{
	ev_status rc = EV_OK;

	for (const xmlNode *n = xml_child(d, NULL); n && !rc;
	     n = xml_next(n, NULL)) {
		const char *name = (const char *)n->name;
		char *t = NULL;

		rc = xml_text(n, &t);
		if (rc || !t) {
			free(t);
			continue;
		}
		if (!strcmp(name, "title")) {
			rc = set_if_unset(
				&rec->title,
				text_collapse_space(markup_flatten(t)));
		} else if (!strcmp(name, "creator")) {
			rc = author_add_name(rec, t);
		} else if (!strcmp(name, "date")) {
			if (!rec->issued.year)
				date_parse(t, &rec->issued);
		} else if (!strcmp(name, "identifier")) {
			char *doi = strdup(t);

			if (!doi) {
				rc = EV_NOMEM;
			} else if (doi_normalise(doi)) {
				rc = set_if_unset(&rec->doi, doi);
			} else if (strstr(t, "europepmc.org/abstract/MED/")) {
				rc = set_if_unset(&rec->pmid,
						  strrchr(t, '/') + 1);
				if (!rc)
					rc = set_if_unset(&rec->url, t);
			} else if (strstr(t, "europepmc.org/")) {
				rc = set_if_unset(&rec->url, t);
			}
			free(doi);
		} else if (!strcmp(name, "isVersionOf") &&
			   strstr(t, "europepmc.org/articles/PMC")) {
			rc = set_if_unset(&rec->pmcid, strrchr(t, '/') + 1);
		} else if (!strcmp(name, "language")) {
			rc = record_set_language(rec, t);
		} else if (!strcmp(name, "subject")) {
			rc = api_push(&rec->keywords, t);
		} else if (!strcmp(name, "description")) {
			json_t *s = json_string(t);

			rc = s ? add_strings(&rec->publication_types, s, ";")
			       : EV_NOMEM;
			json_decref(s);
		} else if (!strcmp(name, "abstract")) {
			rc = add_abstract(rec, t);
		} else if (!strcmp(name, "bibliographicCitation") &&
			   str_starts_with(t, "&ctx_ver")) {
			rc = dc_openurl(rec, t);
		}
		free(t);
	}
	if (!rc)
		rc = set_if_unset(&rec->type, "article-journal");
	return rc;
}

static ev_status parse_xml(struct parser *p, const char *data, size_t len)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *list;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	rc = api_xml_parse(p, data, len, &doc);
	if (rc)
		goto out;
	root = xmlDocGetRootElement(doc);
	list = xml_child(root, "resultList");
	if (!xml_is(root, "responseWrapper")) {
		rc = parser_fail(p, EV_PARSE,
				 "not a Europe PMC answer: the root is "
				 "<%.60s>",
				 (const char *)root->name);
		goto out;
	}
	if (xml_child(root, "errMsg") || xml_child(root, "errCode")) {
		char *msg = NULL;

		rc = xml_text(xml_child(root, "errMsg")
				      ? xml_child(root, "errMsg")
				      : xml_child(root, "errCode"),
			      &msg);
		rc = parser_fail(p, rc ? rc : EV_PARSE,
				 "Europe PMC says: %.200s",
				 msg ? msg : "an error");
		free(msg);
		goto out;
	}
	for (xmlNode *r = xml_child(list, "result"); r && !rc;
	     r = xml_next(r, "result")) {
		json_t *obj = to_json(r);

		rc = obj ? emit_result(p, obj)
			 : parser_fail(p, EV_NOMEM, "out of memory");
		json_decref(obj);
	}
	for (xmlNode *d = xml_child(xml_child(root, "RDF"), "Description");
	     d && !rc; d = xml_next(d, "Description")) {
		rc = dc_record(d, &rec);
		if (rc)
			rc = parser_fail(p, rc, "out of memory");
		else
			rc = parser_emit(p, &rec);
		record_release(&rec);
		record_init(&rec);
	}
out:
	record_release(&rec);
	xml_free(doc);
	return rc;
}

ev_status parse_europepmc(struct parser *p, const char *data, size_t len)
{
	if (api_is_json(data, len))
		return parse_json(p, data, len);
	return parse_xml(p, data, len);
}
