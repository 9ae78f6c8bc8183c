/* record.c - one work: building, tidying, identifying and hashing it */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "evidence-type.h"
#include "record.h"
#include "text.h"

void record_init(struct record *rec)
{
	memset(rec, 0, sizeof(*rec));
	strvec_init(&rec->keywords);
	strvec_init(&rec->publication_types);
	strvec_init(&rec->cites);
	strvec_init(&rec->cited_by);
}

static void provenance_release(struct provenance *p)
{
	free(p->source);
	free(p->url);
	free(p->format);
	free(p->fetched_at);
	free(p->content_hash);
	free(p->etag);
	free(p->last_modified);
}

void record_release(struct record *rec)
{
	size_t i;

	free(rec->id);
	free(rec->type);
	free(rec->title);
	for (i = 0; i < rec->n_authors; i++) {
		free(rec->authors[i].family);
		free(rec->authors[i].given);
		free(rec->authors[i].literal);
	}
	free(rec->authors);
	free(rec->container_title);
	free(rec->doi);
	free(rec->pmid);
	free(rec->pmcid);
	free(rec->url);
	free(rec->abstract);
	free(rec->publisher);
	free(rec->volume);
	free(rec->issue);
	free(rec->page);
	free(rec->language);
	strvec_release(&rec->keywords);
	strvec_release(&rec->publication_types);
	for (i = 0; i < rec->n_passages; i++) {
		free(rec->passages[i].text);
		free(rec->passages[i].section);
	}
	free(rec->passages);
	free(rec->evidence_type);
	for (i = 0; i < rec->n_provenance; i++)
		provenance_release(&rec->provenance[i]);
	free(rec->provenance);
	strvec_release(&rec->cites);
	strvec_release(&rec->cited_by);
	for (i = 0; i < rec->n_relations; i++) {
		free(rec->relations[i].type);
		free(rec->relations[i].target);
	}
	free(rec->relations);
	free(rec->citation_key);
	free(rec->added_at);
	free(rec->updated_at);
	record_init(rec);
}

ev_status record_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return EV_NOMEM;
	}
	free(*field);
	*field = copy;
	return EV_OK;
}

/* Grow the array *V of N elements of SIZE bytes by one zeroed element. */
static void *grow_one(void *v, size_t n, size_t size)
{
	char *p = realloc(v, (n + 1) * size);

	if (p)
		memset(p + n * size, 0, size);
	return p;
}

ev_status record_add_author(struct record *rec, const char *family,
			    const char *given, const char *literal)
{
	struct author *a = grow_one(rec->authors, rec->n_authors, sizeof(*a));

	if (!a)
		return EV_NOMEM;
	rec->authors = a;
	a += rec->n_authors;
	if (record_set(&a->family, family) || record_set(&a->given, given) ||
	    record_set(&a->literal, literal)) {
		free(a->family);
		free(a->given);
		free(a->literal);
		memset(a, 0, sizeof(*a));
		return EV_NOMEM;
	}
	rec->n_authors++;
	return EV_OK;
}

ev_status record_add_passage(struct record *rec, const char *text,
			     const char *section)
{
	struct passage *p =
	    grow_one(rec->passages, rec->n_passages, sizeof(*p));

	if (!p)
		return EV_NOMEM;
	rec->passages = p;
	p += rec->n_passages;
	if (record_set(&p->text, text) || record_set(&p->section, section)) {
		free(p->text);
		free(p->section);
		memset(p, 0, sizeof(*p));
		return EV_NOMEM;
	}
	rec->n_passages++;
	return EV_OK;
}

ev_status record_add_provenance(struct record *rec,
				const struct provenance *prov)
{
	struct provenance *p =
	    grow_one(rec->provenance, rec->n_provenance, sizeof(*p));

	if (!p)
		return EV_NOMEM;
	rec->provenance = p;
	p += rec->n_provenance;
	if (record_set(&p->source, prov->source) ||
	    record_set(&p->url, prov->url) ||
	    record_set(&p->format, prov->format) ||
	    record_set(&p->fetched_at, prov->fetched_at) ||
	    record_set(&p->content_hash, prov->content_hash) ||
	    record_set(&p->etag, prov->etag) ||
	    record_set(&p->last_modified, prov->last_modified)) {
		provenance_release(p);
		memset(p, 0, sizeof(*p));
		return EV_NOMEM;
	}
	rec->n_provenance++;
	return EV_OK;
}

ev_status record_add_relation(struct record *rec, const char *type,
			      const char *target)
{
	struct relation *r =
	    grow_one(rec->relations, rec->n_relations, sizeof(*r));

	if (!r)
		return EV_NOMEM;
	rec->relations = r;
	r += rec->n_relations;
	if (record_set(&r->type, type) || record_set(&r->target, target)) {
		free(r->type);
		free(r->target);
		memset(r, 0, sizeof(*r));
		return EV_NOMEM;
	}
	rec->n_relations++;
	return EV_OK;
}

ev_status record_copy(struct record *dst, const struct record *src)
{
	ev_status rc = EV_OK;
	size_t i;

	dst->issued = src->issued;
#define COPY(f)                                                               \
	do {                                                                  \
		if ((rc = record_set(&dst->f, src->f)))                       \
			goto out;                                             \
	} while (0)
	COPY(id);
	COPY(type);
	COPY(title);
	COPY(container_title);
	COPY(doi);
	COPY(pmid);
	COPY(pmcid);
	COPY(url);
	COPY(abstract);
	COPY(publisher);
	COPY(volume);
	COPY(issue);
	COPY(page);
	COPY(language);
	COPY(evidence_type);
	COPY(citation_key);
	COPY(added_at);
	COPY(updated_at);
#undef COPY
	for (i = 0; i < src->n_authors && !rc; i++)
		rc = record_add_author(dst, src->authors[i].family,
				       src->authors[i].given,
				       src->authors[i].literal);
	for (i = 0; i < src->n_passages && !rc; i++)
		rc = record_add_passage(dst, src->passages[i].text,
					src->passages[i].section);
	for (i = 0; i < src->n_provenance && !rc; i++)
		rc = record_add_provenance(dst, &src->provenance[i]);
	for (i = 0; i < src->n_relations && !rc; i++)
		rc = record_add_relation(dst, src->relations[i].type,
					 src->relations[i].target);
	if (!rc)
		rc = strvec_copy(&dst->keywords, &src->keywords);
	if (!rc)
		rc = strvec_copy(&dst->publication_types,
				 &src->publication_types);
	if (!rc)
		rc = strvec_copy(&dst->cites, &src->cites);
	if (!rc)
		rc = strvec_copy(&dst->cited_by, &src->cited_by);
out:
	return rc;
}

ev_status record_dup(const struct record *src, struct record **out)
{
	struct record *rec = malloc(sizeof(*rec));
	ev_status rc;

	*out = NULL;
	if (!rec)
		return EV_NOMEM;
	record_init(rec);
	rc = record_copy(rec, src);
	if (rc)
		record_free(rec);
	else
		*out = rec;
	return rc;
}

void record_free(struct record *rec)
{
	if (!rec)
		return;
	record_release(rec);
	free(rec);
}

size_t record_text_size(const struct record *rec)
{
	size_t n = (rec->title ? strlen(rec->title) : 0) +
		   (rec->abstract ? strlen(rec->abstract) : 0);

	for (size_t i = 0; i < rec->n_passages; i++)
		n += (rec->passages[i].text ? strlen(rec->passages[i].text)
					    : 0) +
		     (rec->passages[i].section
			  ? strlen(rec->passages[i].section)
			  : 0);
	return n;
}

/* Collapse white space in *FIELD, and free it when nothing is left. */
static void tidy(char **field)
{
	if (!*field)
		return;
	text_collapse_space(*field);
	if (!**field) {
		free(*field);
		*field = NULL;
	}
}

int doi_normalise(char *doi)
{
	static const char *const prefixes[] = {
	    "https://doi.org/",
	    "http://doi.org/",
	    "https://dx.doi.org/",
	    "http://dx.doi.org/",
	    "doi.org/",
	    "dx.doi.org/",
	    "doi:",
	    "info:doi/",
	    "doi ",
	};
	char *p = str_trim(doi);
	size_t i, len;
	int again = 1;

	while (again) {
		again = 0;
		for (i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
			if (str_istarts_with(p, prefixes[i])) {
				p += strlen(prefixes[i]);
				p = str_trim(p);
				again = 1;
			}
	}
	len = strlen(p);
	/* Punctuation that sentences and markup leave at the end. */
	while (len > 0 && strchr(".,;:)]}>\"'", p[len - 1]))
		p[--len] = '\0';
	memmove(doi, p, len + 1);
	text_ascii_lower(doi);
	if (strncmp(doi, "10.", 3) != 0 || !isdigit((unsigned char)doi[3]))
		return 0;
	p = strchr(doi, '/');
	return p && p[1] != '\0';
}

/* Keep only the digits of a PMID; free it when there are none. */
static void pmid_normalise(char **pmid)
{
	char *s = *pmid, *o = s;

	if (!s)
		return;
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			*o++ = *s;
	*o = '\0';
	if (!**pmid || strspn(*pmid, "0") == strlen(*pmid)) {
		free(*pmid);
		*pmid = NULL;
	}
}

static void pmcid_normalise(char **pmcid)
{
	const char *s = *pmcid;
	char *out, *o;

	if (!s)
		return;
	/* "PMC1234567", "pmc1234567", "1234567" all mean the same. */
	if (str_istarts_with(s, "pmc"))
		s += 3;
	out = malloc(strlen(s) + 4);
	if (!out)
		return;
	memcpy(out, "PMC", 3);
	o = out + 3;
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			*o++ = *s;
	*o = '\0';
	free(*pmcid);
	*pmcid = out;
	if (strlen(out) == 3) {
		free(out);
		*pmcid = NULL;
	}
}

/* Split an abstract into passages at blank lines (structured abstracts
 * come with one section per paragraph). */
static ev_status passages_from_abstract(struct record *rec)
{
	const char *s = rec->abstract;
	ev_status rc = EV_OK;

	while (*s && !rc) {
		const char *end = strstr(s, "\n\n");
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char *p = xstrndup(s, len);

		if (!p)
			return EV_NOMEM;
		text_collapse_space(p);
		if (*p)
			rc = record_add_passage(rec, p, NULL);
		free(p);
		s += len;
		while (*s == '\n')
			s++;
	}
	return rc;
}

void date_check(struct date *d)
{
	if (d->year < 1 || d->year > 9999)
		d->year = d->month = d->day = 0;
	if (d->month < 1 || d->month > 12)
		d->month = d->day = 0;
	if (d->day < 1 || d->day > 31)
		d->day = 0;
}

ev_status record_normalise(struct record *rec)
{
	size_t i, o;
	ev_status rc = EV_OK;

	tidy(&rec->type);
	tidy(&rec->title);
	tidy(&rec->container_title);
	tidy(&rec->doi);
	tidy(&rec->pmid);
	tidy(&rec->pmcid);
	tidy(&rec->url);
	tidy(&rec->publisher);
	tidy(&rec->volume);
	tidy(&rec->issue);
	tidy(&rec->page);
	tidy(&rec->language);
	tidy(&rec->evidence_type);
	tidy(&rec->citation_key);
	if (rec->abstract) {
		/* Keep paragraph breaks in the abstract; tidy each line. */
		char *a = rec->abstract;

		for (char *p = a; *p; p++)
			if (*p == '\r' || *p == '\t')
				*p = *p == '\r' ? '\n' : ' ';
		a = str_trim(a);
		memmove(rec->abstract, a, strlen(a) + 1);
		if (!*rec->abstract) {
			free(rec->abstract);
			rec->abstract = NULL;
		}
	}
	if (rec->doi && !doi_normalise(rec->doi)) {
		free(rec->doi);
		rec->doi = NULL;
	}
	pmid_normalise(&rec->pmid);
	pmcid_normalise(&rec->pmcid);
	date_check(&rec->issued);

	for (i = 0, o = 0; i < rec->n_authors; i++) {
		struct author *a = &rec->authors[i];

		tidy(&a->family);
		tidy(&a->given);
		tidy(&a->literal);
		if (!a->family && !a->literal && a->given) {
			a->literal = a->given;
			a->given = NULL;
		}
		if (!a->family && !a->literal)
			continue;
		rec->authors[o++] = *a;
	}
	rec->n_authors = o;

	for (i = 0, o = 0; i < rec->n_passages; i++) {
		struct passage *p = &rec->passages[i];

		tidy(&p->text);
		tidy(&p->section);
		if (!p->text) {
			free(p->section);
			continue;
		}
		rec->passages[o++] = *p;
	}
	rec->n_passages = o;
	if (rec->n_passages == 0 && rec->abstract)
		rc = passages_from_abstract(rec);

	if (!rc && !rec->type)
		rc = record_set(&rec->type, "article");
	if (!rc && !rec->evidence_type)
		rc = record_set(
		    &rec->evidence_type,
		    evidence_type_name(evidence_type_classify(rec)));
	return rc;
}

const char *record_first_author(const struct record *rec)
{
	if (rec->n_authors == 0)
		return "";
	if (rec->authors[0].family)
		return rec->authors[0].family;
	return rec->authors[0].literal ? rec->authors[0].literal : "";
}

static int add_word(const char *word, size_t len, size_t off, void *ctx)
{
	struct buf *b = ctx;

	(void)off;
	if (b->len && buf_addch(b, ' '))
		return -1;
	return buf_add(b, word, len) ? -1 : 0;
}

/* "https://Example.org/a/#x" -> "https://example.org/a": lower-case the
 * scheme and host, drop the fragment and a trailing slash. */
static char *url_key(const char *url)
{
	char *u = strdup(url), *p, *hash;
	size_t len;

	if (!u)
		return NULL;
	/* A fragment is part of the same web page; in a file:// URL it
	 * names one of the records of a file (parser_emit_at()). */
	hash = strchr(u, '#');
	if (hash && strncasecmp(u, "file:", 5))
		*hash = '\0';
	p = strstr(u, "://");
	if (p) {
		char *host_end = strchr(p + 3, '/');

		for (char *c = u; *c && (!host_end || c < host_end); c++)
			*c = (char)tolower((unsigned char)*c);
	}
	len = strlen(u);
	while (len > 0 && u[len - 1] == '/' && (!p || u + len > p + 3))
		u[--len] = '\0';
	return u;
}

ev_status record_keys(const struct record *rec, struct strvec *keys)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	if (rec->doi && (rc = buf_printf(&b, "doi:%s", rec->doi)) == EV_OK)
		rc = strvec_push(keys, buf_str(&b));
	buf_reset(&b);
	if (!rc && rec->pmid && !(rc = buf_printf(&b, "pmid:%s", rec->pmid)))
		rc = strvec_push(keys, buf_str(&b));
	buf_reset(&b);
	if (!rc && rec->pmcid &&
	    !(rc = buf_printf(&b, "pmcid:%s", rec->pmcid)))
		rc = strvec_push(keys, buf_str(&b));
	buf_reset(&b);
	/* The work's URL; failing any identifier, the places it was read
	 * from: a local text file has no URL of its own but is the same work
	 * each time it is read from the same path.  (Not when it has an
	 * identifier: the records of one CSL-JSON or PubMed file share the
	 * file's URL.) */
	for (size_t i = 0; !rc && i <= rec->n_provenance; i++) {
		const char *url = i == 0 ? rec->url : rec->provenance[i - 1].url;
		char *u;

		if (!url || (i > 0 && keys->n > 0))
			continue;
		u = url_key(url);
		buf_reset(&b);
		if (!u)
			rc = EV_NOMEM;
		else if (!(rc = buf_printf(&b, "url:%s", u)))
			rc = strvec_push_unique(keys, buf_str(&b));
		free(u);
	}
	buf_reset(&b);
	if (!rc && rec->title) {
		struct buf words = BUF_INIT;
		struct buf author = BUF_INIT;

		if (text_words(rec->title, add_word, &words) ||
		    text_words(record_first_author(rec), add_word, &author)) {
			rc = EV_NOMEM;
		} else if (words.len >= 12 && rec->issued.year) {
			/* Short titles ("Reply.") are not distinctive, and a
			 * title with no year could be anything's. */
			rc = buf_printf(&b, "title:%s|%d|%s", buf_str(&words),
					rec->issued.year, buf_str(&author));
			if (!rc)
				rc = strvec_push(keys, buf_str(&b));
		}
		buf_release(&words);
		buf_release(&author);
	}
	buf_release(&b);
	return rc;
}

ev_status record_assign_id(struct record *rec)
{
	struct strvec keys = STRVEC_INIT;
	ev_status rc;

	if (rec->id)
		return EV_OK;
	rc = record_keys(rec, &keys);
	if (!rc && keys.n && !str_starts_with(keys.v[0], "title:")) {
		rc = record_set(&rec->id, keys.v[0]);
	} else if (!rc) {
		/* Nothing to go by but the text itself. */
		struct buf b = BUF_INIT;
		char hex[65];

		rc = buf_addstr(&b, rec->title ? rec->title : "");
		for (size_t i = 0; !rc && i < rec->n_passages; i++) {
			rc = buf_addch(&b, '\n');
			if (!rc)
				rc = buf_addstr(&b, rec->passages[i].text);
		}
		if (!rc) {
			text_sha256_hex(b.ptr ? b.ptr : "", b.len, hex);
			hex[24] = '\0';
			buf_reset(&b);
			rc = buf_printf(&b, "sha:%s", hex);
		}
		if (!rc)
			rc = record_set(&rec->id, buf_str(&b));
		buf_release(&b);
	}
	strvec_release(&keys);
	return rc;
}
