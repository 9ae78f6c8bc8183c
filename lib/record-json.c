/* record-json.c - records as CSL-JSON with project fields (read: jansson) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "record.h"
#include "text.h"

/*
 * Writing.  A record goes straight from its struct to text, in the bytes
 * jansson's json_dumps() would make of the same value built as an object
 * (keys in the order below, absent fields left out): JSON_INDENT(1) for
 * the store's record files, JSON_COMPACT into SHA-256 for the content
 * hash.  Building the jansson value first cost more than writing it
 * (every string copied and its UTF-8 checked), in the harvest for every
 * record stored and in the indexer for every hash.  So: compact, "," and
 * ":" alone; indented, each member or element on a line of its own, n
 * spaces deeper than its container, ": " after a key, and an empty
 * object or array as "{}" or "[]"; integers in decimal; in strings '"'
 * and '\\' escaped, \b \f \n \r \t, other control characters as \u00XX
 * (upper-case hex), everything else as it is.  A byte that is not part
 * of valid UTF-8 is written as U+FFFD, so that the file always reads
 * back (jansson refused to make such a string at all).
 */
struct json_out {
	struct text_sha256 *sha; /* the text goes into this hash */
	struct buf *buf;	 /* or onto the end of this */
	int indent;		 /* 0: JSON_COMPACT; 1: JSON_INDENT(1) */
	size_t depth;		 /* containers open */
	ev_status rc;		 /* of the appending */
	size_t len;		 /* bytes waiting in CHUNK for the hash */
	char *chunk;		 /* CHUNK_SIZE bytes */
};

#define CHUNK_SIZE 8192

/* Which parts out_record() writes. */
enum {
	JSON_ALL = 0,
	JSON_CONTENT = 1 /* leave out times that change on every fetch */
};

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

/* Bytes that end a run of a string: those escaped, and those that start
 * a multi-byte character, which is checked. */
static int ends_run(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

/* The bytes of a string go out in runs between those escaped or
 * replaced. */
static void out_string(struct json_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;

	out_put(o, "\"", 1);
	for (;;) {
		size_t start = i, len;
		char esc[6] = { '\\', 0, '0', '0', 0, 0 };
		unsigned char c;
		unsigned cp;

		/* The run: bytes that need nothing, and whole characters. */
		while (i < n) {
			if (!ends_run((unsigned char)s[i]))
				i++;
			else if ((unsigned char)s[i] >= 0x80 &&
				 (len = utf8_decode(s + i, n - i, &cp)) > 0)
				i += len;
			else
				break;
		}
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
			if (c >= 0x80) {
				out_put(o, "\xef\xbf\xbd", 3); /* U+FFFD */
				continue;
			}
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			out_put(o, esc, 6);
			continue;
		}
		out_put(o, esc, 2);
	}
	out_put(o, "\"", 1);
}

/* An object or array opens (C is '{' or '['): its members or elements
 * are counted in *N from 0, for out_item() and out_close(). */
static void out_open(struct json_out *o, char c, size_t *n)
{
	out_put(o, &c, 1);
	o->depth++;
	*n = 0;
}

/* Before each member or element: the comma, and its line. */
static void out_item(struct json_out *o, size_t *n)
{
	if ((*n)++)
		out_put(o, ",", 1);
	out_line(o, o->depth);
}

static void out_close(struct json_out *o, char c, size_t n)
{
	o->depth--;
	if (n)
		out_line(o, o->depth);
	out_put(o, &c, 1);
}

static void out_key(struct json_out *o, size_t *n, const char *key)
{
	out_item(o, n);
	out_string(o, key, strlen(key));
	out_put(o, ": ", o->indent ? 2 : 1);
}

/* Member KEY, unless VALUE is NULL. */
static void out_str(struct json_out *o, size_t *n, const char *key,
		    const char *value)
{
	if (!value)
		return;
	out_key(o, n, key);
	out_string(o, value, strlen(value));
}

static void out_int(struct json_out *o, size_t *n, const char *key, int v)
{
	char num[16];
	int len = snprintf(num, sizeof(num), "%d", v);

	if (key)
		out_key(o, n, key);
	else
		out_item(o, n);
	out_put(o, num, (size_t)len);
}

/* Member KEY, an array of strings, unless SV is empty. */
static void out_strvec(struct json_out *o, size_t *n, const char *key,
		       const struct strvec *sv)
{
	size_t k;

	if (sv->n == 0)
		return;
	out_key(o, n, key);
	out_open(o, '[', &k);
	for (size_t i = 0; i < sv->n; i++) {
		out_item(o, &k);
		out_string(o, sv->v[i], strlen(sv->v[i]));
	}
	out_close(o, ']', k);
}

/* "issued": {"date-parts": [[year, month, day]]}, as CSL-JSON has it. */
static void out_issued(struct json_out *o, size_t *n, const struct date *d)
{
	size_t obj, outer, parts;

	out_key(o, n, "issued");
	out_open(o, '{', &obj);
	out_key(o, &obj, "date-parts");
	out_open(o, '[', &outer);
	out_item(o, &outer);
	out_open(o, '[', &parts);
	out_int(o, &parts, NULL, d->year);
	if (d->month) {
		out_int(o, &parts, NULL, d->month);
		if (d->day)
			out_int(o, &parts, NULL, d->day);
	}
	out_close(o, ']', parts);
	out_close(o, ']', outer);
	out_close(o, '}', obj);
}

static void out_record(struct json_out *o, const struct record *rec,
		       int what)
{
	size_t n, a, m;

	out_open(o, '{', &n);
	out_str(o, &n, "id", rec->id);
	out_str(o, &n, "type", rec->type);
	out_str(o, &n, "title", rec->title);
	if (rec->n_authors) {
		out_key(o, &n, "author");
		out_open(o, '[', &a);
		for (size_t i = 0; i < rec->n_authors; i++) {
			const struct author *au = &rec->authors[i];

			out_item(o, &a);
			out_open(o, '{', &m);
			out_str(o, &m, "family", au->family);
			out_str(o, &m, "given", au->given);
			out_str(o, &m, "literal", au->literal);
			out_close(o, '}', m);
		}
		out_close(o, ']', a);
	}
	out_str(o, &n, "container-title", rec->container_title);
	if (rec->issued.year)
		out_issued(o, &n, &rec->issued);
	out_str(o, &n, "DOI", rec->doi);
	out_str(o, &n, "PMID", rec->pmid);
	out_str(o, &n, "PMCID", rec->pmcid);
	out_str(o, &n, "URL", rec->url);
	out_str(o, &n, "publisher", rec->publisher);
	out_str(o, &n, "volume", rec->volume);
	out_str(o, &n, "issue", rec->issue);
	out_str(o, &n, "page", rec->page);
	out_str(o, &n, "language", rec->language);
	out_str(o, &n, "citation-key", rec->citation_key);
	out_str(o, &n, "abstract", rec->abstract);

	/* Project fields. */
	out_str(o, &n, "evidence_type", rec->evidence_type);
	out_strvec(o, &n, "keywords", &rec->keywords);
	out_strvec(o, &n, "publication_types", &rec->publication_types);
	if (rec->n_passages) {
		out_key(o, &n, "passages");
		out_open(o, '[', &a);
		for (size_t i = 0; i < rec->n_passages; i++) {
			out_item(o, &a);
			out_open(o, '{', &m);
			out_int(o, &m, "n", (int)i + 1);
			out_str(o, &m, "section", rec->passages[i].section);
			out_str(o, &m, "text", rec->passages[i].text);
			out_close(o, '}', m);
		}
		out_close(o, ']', a);
	}
	out_strvec(o, &n, "cites", &rec->cites);
	out_strvec(o, &n, "cited_by", &rec->cited_by);
	if (rec->n_relations) {
		out_key(o, &n, "relations");
		out_open(o, '[', &a);
		for (size_t i = 0; i < rec->n_relations; i++) {
			out_item(o, &a);
			out_open(o, '{', &m);
			out_str(o, &m, "type", rec->relations[i].type);
			out_str(o, &m, "id", rec->relations[i].target);
			out_close(o, '}', m);
		}
		out_close(o, ']', a);
	}
	if (rec->n_provenance) {
		out_key(o, &n, "provenance");
		out_open(o, '[', &a);
		for (size_t i = 0; i < rec->n_provenance; i++) {
			const struct provenance *pv = &rec->provenance[i];

			out_item(o, &a);
			out_open(o, '{', &m);
			out_str(o, &m, "source", pv->source);
			out_str(o, &m, "url", pv->url);
			out_str(o, &m, "format", pv->format);
			out_str(o, &m, "content_hash", pv->content_hash);
			if (what != JSON_CONTENT) {
				out_str(o, &m, "fetched_at", pv->fetched_at);
				out_str(o, &m, "etag", pv->etag);
				out_str(o, &m, "last_modified",
					pv->last_modified);
			}
			out_close(o, '}', m);
		}
		out_close(o, ']', a);
	}
	if (what != JSON_CONTENT) {
		out_str(o, &n, "added_at", rec->added_at);
		out_str(o, &n, "updated_at", rec->updated_at);
	}
	out_close(o, '}', n);
}

ev_status record_to_json(const struct record *rec, char **jsonp)
{
	struct buf b = BUF_INIT;
	struct json_out o = {.buf = &b, .indent = 1};
	ev_status rc;

	*jsonp = NULL;
	/* A stored record is a few kB: room for most at once. */
	rc = buf_grow(&b, 4096);
	if (!rc) {
		out_record(&o, rec, JSON_ALL);
		rc = o.rc;
	}
	if (!rc && !(*jsonp = buf_detach(&b)))
		rc = EV_NOMEM;
	buf_release(&b);
	return rc;
}

ev_status record_content_hash(const struct record *rec, char out[65])
{
	char chunk[CHUNK_SIZE];
	struct json_out o = {.chunk = chunk};

	out[0] = '\0';
	o.sha = text_sha256_begin();
	if (!o.sha)
		return EV_NOMEM;
	out_record(&o, rec, JSON_CONTENT);
	text_sha256_add(o.sha, o.chunk, o.len);
	return text_sha256_end(o.sha, out);
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
