/* parse-api.c - telling the API answers and feeds apart; shared JSON helpers
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-api.h"
#include "text.h"
#include "xml.h"

/* --- Detection --- */

/* 1 when NEEDLE occurs in the LEN bytes at HAY. */
static int has(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

enum format format_of_api_root(const char *name, const char *tag,
			       const char *end)
{
	const char *close = tag < end ? memchr(tag, '>', (size_t)(end - tag))
				      : NULL;
	size_t len = tag < end ? (size_t)((close ? close : end) - tag) : 0;

	if (!strcmp(name, "doi_records") || !strcmp(name, "crossref_result"))
		return FORMAT_CROSSREF;
	if (!strcmp(name, "responseWrapper"))
		return FORMAT_EUROPEPMC;
	if (!strcmp(name, "rss"))
		return FORMAT_FEED;
	/* Atom 1.0 and 0.3; RSS 1.0 and 0.90 (both RDF).  Other feeds and
	 * RDF vocabularies share these root names, so the namespace
	 * decides. */
	if (!strcmp(name, "feed") &&
	    (has(tag, len, "http://www.w3.org/2005/Atom") ||
	     has(tag, len, "http://purl.org/atom/ns#")))
		return FORMAT_FEED;
	if (!strcmp(name, "RDF") &&
	    (has(tag, len, "http://purl.org/rss/1.0/") ||
	     has(tag, len, "http://my.netscape.com/rdf/simple/0.9/")))
		return FORMAT_FEED;
	return FORMAT_UNKNOWN;
}

/* What the flags of api_key() mean. */
enum { SAW_META = 1, SAW_RESULTS = 2 };

/*
 * A key of the top-level object: Crossref's envelope has "message-type"
 * (its errors too, so that they are reported as Crossref's), Europe
 * PMC's has "resultList", an OpenAlex list has "meta" and "results", and
 * an OpenAlex work an "id" in openalex.org/W.  *CTX gathers the flags.
 */
static int api_key(const char *key, size_t len, const char *value,
		   const char *end, void *ctx)
{
	static const char work_id[] = "\"https://openalex.org/W";
	int *saw = ctx;

	if (json_key_is(key, len, "message-type"))
		return FORMAT_CROSSREF;
	if (json_key_is(key, len, "resultList"))
		return FORMAT_EUROPEPMC;
	*saw |= json_key_is(key, len, "meta") ? SAW_META : 0;
	*saw |= json_key_is(key, len, "results") ? SAW_RESULTS : 0;
	if (*saw == (SAW_META | SAW_RESULTS))
		return FORMAT_OPENALEX;
	if (json_key_is(key, len, "id") &&
	    (size_t)(end - value) > sizeof(work_id) &&
	    !memcmp(value, work_id, sizeof(work_id) - 1))
		return FORMAT_OPENALEX;
	return 0;
}

enum format format_of_api_json(const char *p, const char *end)
{
	int saw = 0, cut;

	return (enum format)json_head_keys(p, end, 1, api_key, &saw, &cut);
}

/* --- JSON helpers --- */

/* About how many values the JSON text holds: every value but the first
 * follows a '[', '{' or ',' outside strings (an empty array or object
 * counts one more than it holds, so the count is at most twice the
 * values). */
static size_t count_values(const char *data, size_t len)
{
	size_t n = 1;
	int in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{' || c == ',') {
			n++;
		}
	}
	return n;
}

ev_status api_load(struct parser *p, const char *data, size_t len,
		   json_t **root)
{
	json_error_t jerr;

	/* A tree costs tens of bytes per value, so "[[],[],[],..." under
	 * the size cap could still take gigabytes. */
	if (count_values(data, len) > API_MAX_VALUES)
		return parser_fail(p, EV_TOO_BIG,
				   "JSON with more than %u values",
				   API_MAX_VALUES);

	/* jansson rejects invalid UTF-8 and NUL in strings; its nesting
	 * limit (2048) keeps a deep document from the stack. */
	*root = json_loadb(data, len, 0, &jerr);
	if (!*root)
		return parser_fail(p, EV_PARSE, "invalid JSON at line %d: %s",
				   jerr.line, jerr.text);
	return EV_OK;
}

int api_is_json(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && data[i] && strchr(" \t\r\n", data[i]))
		i++;
	return i < len && (data[i] == '{' || data[i] == '[');
}

json_t *api_get(json_t *v, const char *path)
{
	char part[64];

	while (v && *path) {
		size_t len = strcspn(path, "/");

		if (len >= sizeof(part) || !json_is_object(v))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		v = json_object_get(v, part);
		path += len;
		if (*path == '/')
			path++;
	}
	return v;
}

const char *api_str(json_t *v, const char *path)
{
	const char *s;

	v = api_get(v, path);
	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	return s && *s ? s : NULL;
}

const char *api_text(json_t *v, const char *path, char *buf, size_t size)
{
	json_t *x = api_get(v, path);

	if (json_is_integer(x)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(x));
		return buf;
	}
	return api_str(x, "");
}

size_t api_count(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	return json_is_array(v) ? json_array_size(v) : 1;
}

json_t *api_item(json_t *v, size_t i)
{
	if (json_is_array(v))
		return json_array_get(v, i);
	return i == 0 && !json_is_null(v) ? v : NULL;
}

ev_status api_set_flat(char **field, json_t *v, const char *path)
{
	const char *s = api_str(v, path);
	char *copy;
	ev_status rc;

	if (*field || !s)
		return EV_OK;
	copy = strdup(s);
	if (!copy)
		return EV_NOMEM;
	text_collapse_space(markup_flatten(copy));
	rc = set_if_unset(field, copy);
	free(copy);
	return rc;
}

ev_status api_abstract_part(struct record *rec, struct buf *joined,
			    const char *text, const char *section)
{
	ev_status rc;

	if (!text || !*text)
		return EV_OK;
	rc = record_add_passage(rec, text, section);
	if (!rc && joined->len)
		rc = buf_addstr(joined, "\n\n");
	if (!rc)
		rc = buf_addstr(joined, text);
	return rc;
}

char *api_last_segment(const char *url)
{
	const char *end, *start;

	if (!url)
		return NULL;
	end = url + strlen(url);
	while (end > url && end[-1] == '/')
		end--;
	start = end;
	while (start > url && start[-1] != '/')
		start--;
	return xstrndup(start, (size_t)(end - start));
}

ev_status api_emit(struct parser *p, json_t *obj, api_read_fn read,
		   const char *what)
{
	struct record rec;
	ev_status rc;

	if (!json_is_object(obj))
		return parser_fail(p, EV_PARSE, "%s is not an object", what);
	record_init(&rec);
	rc = read(obj, &rec);
	if (rc)
		rc = parser_fail(p, rc, "out of memory");
	else
		rc = parser_emit(p, &rec);
	record_release(&rec);
	return rc;
}

ev_status api_xml_parse(struct parser *p, const char *data, size_t len,
			xmlDoc **doc)
{
	size_t tags = 0;

	*doc = NULL;
	for (const char *c = data;
	     (c = memchr(c, '<', len - (size_t)(c - data))); c++)
		if (++tags > API_MAX_VALUES)
			return parser_fail(p, EV_TOO_BIG,
					   "XML with more than %u tags",
					   API_MAX_VALUES);
	return xml_parse(data, len, p->url, doc, p->err, p->errsz);
}

ev_status api_xml_set(char **field, const xmlNode *node)
{
	char *t = NULL;
	ev_status rc;

	if (*field || !node)
		return EV_OK;
	rc = xml_text_flat(node, &t);
	if (!rc)
		rc = set_if_unset(field, t);
	free(t);
	return rc;
}

ev_status api_push(struct strvec *sv, const char *s)
{
	if (!s || sv->n >= API_MAX_LIST)
		return EV_OK;
	return strvec_push_unique(sv, s);
}

ev_status api_add_cite(struct record *rec, const char *pmid, const char *doi)
{
	if (rec->cites.n >= API_MAX_LIST)
		return EV_OK;
	return record_add_cite(rec, pmid, doi);
}
