/* record-json.c - a record as CSL-JSON plus project fields (jansson) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "record.h"
#include "text.h"

/* Which parts record_json_object() writes. */
enum {
	JSON_ALL = 0,
	JSON_CONTENT = 1 /* leave out times that change on every fetch */
};

static int set_str(json_t *obj, const char *key, const char *value)
{
	if (!value)
		return 0;
	return json_object_set_new(obj, key, json_string(value));
}

static int set_strvec(json_t *obj, const char *key, const struct strvec *sv)
{
	json_t *a;

	if (sv->n == 0)
		return 0;
	a = json_array();
	if (!a)
		return -1;
	for (size_t i = 0; i < sv->n; i++)
		if (json_array_append_new(a, json_string(sv->v[i]))) {
			json_decref(a);
			return -1;
		}
	return json_object_set_new(obj, key, a);
}

static json_t *issued_json(const struct date *d)
{
	json_t *parts = json_array(), *outer, *obj;

	json_array_append_new(parts, json_integer(d->year));
	if (d->month) {
		json_array_append_new(parts, json_integer(d->month));
		if (d->day)
			json_array_append_new(parts, json_integer(d->day));
	}
	outer = json_array();
	json_array_append_new(outer, parts);
	obj = json_object();
	json_object_set_new(obj, "date-parts", outer);
	return obj;
}

static json_t *record_json_object(const struct record *rec, int what)
{
	json_t *o = json_object();
	size_t i;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= set_str(o, "id", rec->id);
	bad |= set_str(o, "type", rec->type);
	bad |= set_str(o, "title", rec->title);
	if (rec->n_authors) {
		json_t *a = json_array();

		for (i = 0; i < rec->n_authors; i++) {
			json_t *n = json_object();

			set_str(n, "family", rec->authors[i].family);
			set_str(n, "given", rec->authors[i].given);
			set_str(n, "literal", rec->authors[i].literal);
			bad |= json_array_append_new(a, n);
		}
		bad |= json_object_set_new(o, "author", a);
	}
	bad |= set_str(o, "container-title", rec->container_title);
	if (rec->issued.year)
		bad |= json_object_set_new(o, "issued",
					   issued_json(&rec->issued));
	bad |= set_str(o, "DOI", rec->doi);
	bad |= set_str(o, "PMID", rec->pmid);
	bad |= set_str(o, "PMCID", rec->pmcid);
	bad |= set_str(o, "URL", rec->url);
	bad |= set_str(o, "publisher", rec->publisher);
	bad |= set_str(o, "volume", rec->volume);
	bad |= set_str(o, "issue", rec->issue);
	bad |= set_str(o, "page", rec->page);
	bad |= set_str(o, "language", rec->language);
	bad |= set_str(o, "citation-key", rec->citation_key);
	bad |= set_str(o, "abstract", rec->abstract);

	/* Project fields. */
	bad |= set_str(o, "evidence_type", rec->evidence_type);
	bad |= set_strvec(o, "keywords", &rec->keywords);
	bad |= set_strvec(o, "publication_types", &rec->publication_types);
	if (rec->n_passages) {
		json_t *a = json_array();

		for (i = 0; i < rec->n_passages; i++) {
			json_t *p = json_object();

			json_object_set_new(p, "n", json_integer((int)i + 1));
			set_str(p, "section", rec->passages[i].section);
			set_str(p, "text", rec->passages[i].text);
			bad |= json_array_append_new(a, p);
		}
		bad |= json_object_set_new(o, "passages", a);
	}
	bad |= set_strvec(o, "cites", &rec->cites);
	bad |= set_strvec(o, "cited_by", &rec->cited_by);
	if (rec->n_relations) {
		json_t *a = json_array();

		for (i = 0; i < rec->n_relations; i++) {
			json_t *r = json_object();

			set_str(r, "type", rec->relations[i].type);
			set_str(r, "id", rec->relations[i].target);
			bad |= json_array_append_new(a, r);
		}
		bad |= json_object_set_new(o, "relations", a);
	}
	if (rec->n_provenance) {
		json_t *a = json_array();

		for (i = 0; i < rec->n_provenance; i++) {
			const struct provenance *pv = &rec->provenance[i];
			json_t *p = json_object();

			set_str(p, "source", pv->source);
			set_str(p, "url", pv->url);
			set_str(p, "format", pv->format);
			set_str(p, "content_hash", pv->content_hash);
			if (what != JSON_CONTENT) {
				set_str(p, "fetched_at", pv->fetched_at);
				set_str(p, "etag", pv->etag);
				set_str(p, "last_modified", pv->last_modified);
			}
			bad |= json_array_append_new(a, p);
		}
		bad |= json_object_set_new(o, "provenance", a);
	}
	if (what != JSON_CONTENT) {
		bad |= set_str(o, "added_at", rec->added_at);
		bad |= set_str(o, "updated_at", rec->updated_at);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * A value as json_dumps() writes it, without jansson's dump, which
 * decodes every character of every string and grows the text through a
 * callback: for each record stored it cost more than everything else the
 * store does, and for each record read more than the SHA-256 of its
 * content hash.  The bytes are jansson's, for JSON_COMPACT and for
 * JSON_INDENT(n): keys in the object's order; compact, "," and ":"
 * alone; indented, each member or element on a line of its own, n
 * spaces deeper than its container, ": " after a key, and an empty
 * object or array as "{}" or "[]"; integers in decimal; in strings '"'
 * and '\\' escaped, \b \f \n \r \t, other control characters as \u00XX
 * (upper-case hex), everything else as it is (jansson checked the UTF-8
 * when the string was made).  Keys are taken to hold no NUL (a record's
 * never do).  A real number, which records never hold, is left to
 * jansson: the whole value is then dumped by it instead.
 */
struct json_out {
	struct text_sha256 *sha; /* the text goes into this hash */
	struct buf *buf;	 /* or onto the end of this */
	int indent;		 /* 0: JSON_COMPACT; n: JSON_INDENT(n) */
	int real;		 /* met a real: leave it all to jansson */
	ev_status rc;		 /* of the appending */
	size_t len;		 /* bytes waiting in CHUNK for the hash */
	char *chunk;		 /* CHUNK_SIZE bytes */
};

#define CHUNK_SIZE 8192

static void out_put(struct json_out *o, const char *s, size_t n)
{
	if (o->buf) {
		if (!o->rc)
			o->rc = buf_add(o->buf, s, n);
		return;
	}
	if (o->len + n > CHUNK_SIZE) {
		text_sha256_add(o->sha, o->chunk, o->len);
		o->len = 0;
		if (n > CHUNK_SIZE) {
			text_sha256_add(o->sha, s, n);
			return;
		}
	}
	memcpy(o->chunk + o->len, s, n);
	o->len += n;
}

/* Indented, a new line for something DEPTH levels deep. */
static void out_line(struct json_out *o, size_t depth)
{
	static const char blanks[] = "\n                                ";
	size_t n = depth * (size_t)o->indent;

	if (!o->indent)
		return;
	out_put(o, blanks, 1);
	for (; n > sizeof(blanks) - 2; n -= sizeof(blanks) - 2)
		out_put(o, blanks + 1, sizeof(blanks) - 2);
	out_put(o, blanks + 1, n);
}

static int must_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* The bytes of a string go out in runs between those escaped. */
static void out_string(struct json_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;

	out_put(o, "\"", 1);
	for (;;) {
		size_t start = i;
		char esc[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t elen = 2;
		unsigned char c;

		while (i < n && !must_escape((unsigned char)s[i]))
			i++;
		out_put(o, s + start, i - start);
		if (i == n)
			break;
		c = (unsigned char)s[i++];
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		out_put(o, esc, elen);
	}
	out_put(o, "\"", 1);
}

static void out_value(struct json_out *o, json_t *v, size_t depth)
{
	char num[32];
	const char *key;
	json_t *item;
	size_t i;
	int n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		out_put(o, "{", 1);
		i = 0;
		json_object_foreach(v, key, item) {
			if (i++)
				out_put(o, ",", 1);
			out_line(o, depth + 1);
			out_string(o, key, strlen(key));
			out_put(o, ": ", o->indent ? 2 : 1);
			out_value(o, item, depth + 1);
		}
		if (i)
			out_line(o, depth);
		out_put(o, "}", 1);
		break;
	case JSON_ARRAY:
		out_put(o, "[", 1);
		json_array_foreach(v, i, item) {
			if (i)
				out_put(o, ",", 1);
			out_line(o, depth + 1);
			out_value(o, item, depth + 1);
		}
		if (json_array_size(v))
			out_line(o, depth);
		out_put(o, "]", 1);
		break;
	case JSON_STRING:
		out_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
		out_put(o, num, (size_t)n);
		break;
	case JSON_TRUE:
		out_put(o, "true", 4);
		break;
	case JSON_FALSE:
		out_put(o, "false", 5);
		break;
	case JSON_NULL:
		out_put(o, "null", 4);
		break;
	case JSON_REAL:
		o->real = 1;
		break;
	}
}

ev_status record_json_dump(void *value, int indent, char **textp)
{
	json_t *root = value;
	struct buf b = BUF_INIT;
	struct json_out o = {.buf = &b, .indent = indent};
	ev_status rc;

	*textp = NULL;
	if (!json_is_object(root) && !json_is_array(root))
		return EV_USAGE; /* json_dumps() would refuse it too */
	if (indent < 0 || indent > JSON_MAX_INDENT)
		return EV_USAGE;
	/* A stored record is a few kB: room for most at once. */
	rc = buf_grow(&b, 4096);
	if (!rc) {
		out_value(&o, root, 0);
		rc = o.rc;
	}
	if (!rc && o.real)
		*textp = json_dumps(root, indent ? JSON_INDENT(indent)
						 : JSON_COMPACT);
	else if (!rc)
		*textp = buf_detach(&b);
	if (!rc && !*textp)
		rc = EV_NOMEM;
	buf_release(&b);
	return rc;
}

ev_status record_to_json(const struct record *rec, char **jsonp)
{
	json_t *o = record_json_object(rec, JSON_ALL);
	ev_status rc;

	*jsonp = NULL;
	if (!o)
		return EV_NOMEM;
	rc = record_json_dump(o, 1, jsonp);
	json_decref(o);
	return rc;
}

ev_status record_json_sha256(void *value, char out[65])
{
	json_t *root = value;
	struct json_out o = {0};
	ev_status rc;

	out[0] = '\0';
	if (!json_is_object(root) && !json_is_array(root))
		return EV_USAGE; /* json_dumps() would refuse it too */
	o.chunk = malloc(CHUNK_SIZE);
	o.sha = o.chunk ? text_sha256_begin() : NULL;
	if (!o.sha) {
		free(o.chunk);
		return EV_NOMEM;
	}
	out_value(&o, root, 0);
	text_sha256_add(o.sha, o.chunk, o.len);
	rc = text_sha256_end(o.sha, out);
	if (!rc && o.real) {
		char *s = json_dumps(value, JSON_COMPACT);

		if (s)
			text_sha256_hex(s, strlen(s), out);
		else
			rc = EV_NOMEM;
		free(s);
	}
	free(o.chunk);
	return rc;
}

ev_status record_content_hash(const struct record *rec, char out[65])
{
	json_t *o = record_json_object(rec, JSON_CONTENT);
	ev_status rc;

	out[0] = '\0';
	if (!o)
		return EV_NOMEM;
	rc = record_json_sha256(o, out);
	json_decref(o);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

/* A JSON value as a string: strings as they are, numbers written out
 * (CSL-JSON allows "volume": 12). */
static const char *json_text(json_t *v, char *tmp, size_t tmpsz)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, tmpsz, "%g", json_real_value(v));
		return tmp;
	}
	return NULL;
}

static ev_status get_str(json_t *o, const char *key, char **field)
{
	char tmp[64];
	const char *s = json_text(json_object_get(o, key), tmp, sizeof(tmp));

	if (!s)
		return EV_OK;
	return record_set(field, s);
}

static ev_status get_strvec(json_t *o, const char *key, struct strvec *sv)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;
	char tmp[64];

	if (json_is_string(a))
		return strvec_push(sv, json_string_value(a));
	json_array_foreach(a, i, v)
	{
		const char *s = json_text(v, tmp, sizeof(tmp));

		if (s) {
			ev_status rc = strvec_push(sv, s);

			if (rc)
				return rc;
		}
	}
	return EV_OK;
}

static int json_int(json_t *v)
{
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v))
		return atoi(json_string_value(v));
	return 0;
}

static void get_issued(json_t *o, struct date *d)
{
	json_t *issued = json_object_get(o, "issued");
	json_t *parts = json_object_get(issued, "date-parts");
	json_t *first = json_array_get(parts, 0);
	const char *raw;

	if (json_is_array(first)) {
		d->year = json_int(json_array_get(first, 0));
		d->month = json_int(json_array_get(first, 1));
		d->day = json_int(json_array_get(first, 2));
	} else if ((raw = json_string_value(json_object_get(issued, "raw"))) ||
		   (raw = json_string_value(
			json_object_get(issued, "literal")))) {
		/* "2019-09-03", "2019/9", "2019" */
		sscanf(raw, "%d%*[-/]%d%*[-/]%d", &d->year, &d->month,
		       &d->day);
	}
	date_check(d);
}

static ev_status get_authors(json_t *o, struct record *rec)
{
	json_t *a = json_object_get(o, "author"), *n;
	size_t i;

	json_array_foreach(a, i, n)
	{
		const char *family =
		    json_string_value(json_object_get(n, "family"));
		const char *given =
		    json_string_value(json_object_get(n, "given"));
		const char *literal =
		    json_string_value(json_object_get(n, "literal"));
		const char *particle = json_string_value(
		    json_object_get(n, "non-dropping-particle"));
		char *joined = NULL;
		ev_status rc;

		if (!family && !given && !literal)
			continue;
		if (particle && family) {
			size_t len = strlen(particle) + strlen(family) + 2;

			joined = malloc(len);
			if (!joined)
				return EV_NOMEM;
			snprintf(joined, len, "%s %s", particle, family);
			family = joined;
		}
		rc = record_add_author(rec, family, given, literal);
		free(joined);
		if (rc)
			return rc;
	}
	return EV_OK;
}

static ev_status get_passages(json_t *o, struct record *rec)
{
	json_t *a = json_object_get(o, "passages"), *p;
	size_t i;

	json_array_foreach(a, i, p)
	{
		const char *text =
		    json_is_string(p)
			? json_string_value(p)
			: json_string_value(json_object_get(p, "text"));
		const char *section =
		    json_string_value(json_object_get(p, "section"));
		ev_status rc;

		if (!text)
			continue;
		rc = record_add_passage(rec, text, section);
		if (rc)
			return rc;
	}
	return EV_OK;
}

static ev_status get_provenance(json_t *o, struct record *rec)
{
	json_t *a = json_object_get(o, "provenance"), *p;
	size_t i;

	json_array_foreach(a, i, p)
	{
		struct provenance pv = {
		    .source = (char *)json_string_value(
			json_object_get(p, "source")),
		    .url =
			(char *)json_string_value(json_object_get(p, "url")),
		    .format = (char *)json_string_value(
			json_object_get(p, "format")),
		    .fetched_at = (char *)json_string_value(
			json_object_get(p, "fetched_at")),
		    .content_hash = (char *)json_string_value(
			json_object_get(p, "content_hash")),
		    .etag =
			(char *)json_string_value(json_object_get(p, "etag")),
		    .last_modified = (char *)json_string_value(
			json_object_get(p, "last_modified")),
		};
		ev_status rc = record_add_provenance(rec, &pv);

		if (rc)
			return rc;
	}
	return EV_OK;
}

static ev_status get_relations(json_t *o, struct record *rec)
{
	json_t *a = json_object_get(o, "relations"), *r;
	size_t i;

	json_array_foreach(a, i, r)
	{
		const char *type =
		    json_string_value(json_object_get(r, "type"));
		const char *id = json_string_value(json_object_get(r, "id"));
		ev_status rc;

		if (!type || !id)
			continue;
		rc = record_add_relation(rec, type, id);
		if (rc)
			return rc;
	}
	return EV_OK;
}

/* Ids that evidence gives; any other "id" in a CSL-JSON item (Zotero's
 * "ITEM-1", a URI) is somebody else's and only kept as a citation key. */
static int is_our_id(const char *id)
{
	return str_starts_with(id, "doi:") || str_starts_with(id, "pmid:") ||
	       str_starts_with(id, "pmcid:") || str_starts_with(id, "url:") ||
	       str_starts_with(id, "sha:");
}

ev_status record_from_json_value(void *value, struct record *rec)
{
	json_t *o = value;
	const char *id;
	ev_status rc = EV_OK;

	if (!json_is_object(o))
		return EV_PARSE;
	id = json_string_value(json_object_get(o, "id"));
	if (id && is_our_id(id))
		rc = record_set(&rec->id, id);
	if (!rc)
		rc = get_str(o, "type", &rec->type);
	if (!rc)
		rc = get_str(o, "title", &rec->title);
	if (!rc)
		rc = get_authors(o, rec);
	if (!rc)
		rc = get_str(o, "container-title", &rec->container_title);
	if (!rc && !rec->container_title)
		rc = get_str(o, "container_title", &rec->container_title);
	get_issued(o, &rec->issued);
	if (!rc)
		rc = get_str(o, "DOI", &rec->doi);
	if (!rc)
		rc = get_str(o, "PMID", &rec->pmid);
	if (!rc)
		rc = get_str(o, "PMCID", &rec->pmcid);
	if (!rc)
		rc = get_str(o, "URL", &rec->url);
	if (!rc)
		rc = get_str(o, "publisher", &rec->publisher);
	if (!rc)
		rc = get_str(o, "volume", &rec->volume);
	if (!rc)
		rc = get_str(o, "issue", &rec->issue);
	if (!rc)
		rc = get_str(o, "page", &rec->page);
	if (!rc)
		rc = get_str(o, "language", &rec->language);
	if (!rc)
		rc = get_str(o, "citation-key", &rec->citation_key);
	if (!rc && !rec->citation_key && id && !is_our_id(id) &&
	    strlen(id) < 64 && !strchr(id, '/') && !strchr(id, ' '))
		rc = record_set(&rec->citation_key, id);
	if (!rc)
		rc = get_str(o, "abstract", &rec->abstract);
	if (!rc)
		rc = get_str(o, "evidence_type", &rec->evidence_type);
	if (!rc)
		rc = get_strvec(o, "keywords", &rec->keywords);
	if (!rc && rec->keywords.n == 0) {
		/* CSL's own "keyword" is one comma-separated string. */
		const char *kw =
		    json_string_value(json_object_get(o, "keyword"));

		while (!rc && kw && *kw) {
			size_t len = strcspn(kw, ",;");
			char *k = xstrndup(kw, len);

			if (!k)
				return EV_NOMEM;
			text_collapse_space(k);
			if (*k)
				rc = strvec_push(&rec->keywords, k);
			free(k);
			kw += len;
			kw += strspn(kw, ",; ");
		}
	}
	if (!rc)
		rc = get_strvec(o, "publication_types",
				&rec->publication_types);
	if (!rc)
		rc = get_passages(o, rec);
	if (!rc)
		rc = get_strvec(o, "cites", &rec->cites);
	if (!rc)
		rc = get_strvec(o, "cited_by", &rec->cited_by);
	if (!rc)
		rc = get_relations(o, rec);
	if (!rc)
		rc = get_provenance(o, rec);
	if (!rc)
		rc = get_str(o, "added_at", &rec->added_at);
	if (!rc)
		rc = get_str(o, "updated_at", &rec->updated_at);
	return rc;
}

ev_status record_from_json(const char *json, size_t len, struct record *rec,
			   char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *o;
	ev_status rc;

	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		snprintf(err, errsz, "line %d: %s", jerr.line, jerr.text);
		return EV_PARSE;
	}
	rc = record_from_json_value(o, rec);
	if (rc == EV_PARSE)
		snprintf(err, errsz, "not a JSON object");
	json_decref(o);
	return rc;
}
