/* parse-html.c - article pages: metadata from meta tags and JSON-LD, text
 * from the main content */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * Metadata.  Four vocabularies are read, each into a record of its own,
 * and merged field by field; the first that has a field gives it:
 *
 *   1. Highwire Press citation_* tags (Google Scholar's): written for
 *      citation, per article, by the publisher;
 *   2. schema.org JSON-LD (ScholarlyArticle, Article, NewsArticle,
 *      BlogPosting...): typed and structured (a person is a Person,
 *      dates are ISO 8601), so it comes before Dublin Core;
 *   3. Dublin Core (DC.*, dcterms.*) and PRISM (prism.*): often written
 *      by a site template for every page, and DC.identifier or DC.date
 *      are not always the article's;
 *   4. OpenGraph (og:*, article:*): made for link previews, last.
 *
 * The URL is the canonical link, else og:url, else a citation_*_url, else
 * the address the page was fetched from.  The type is "post-weblog" when
 * JSON-LD says BlogPosting, "article-journal" when a journal title is
 * known (citation_journal_title, prism.publicationName or a JSON-LD
 * Periodical), "article-newspaper" for a JSON-LD NewsArticle, else
 * "webpage".  Titles, abstracts and names have HTML that was escaped into
 * the attribute ("&lt;i&gt;") removed.
 *
 * Text.  The main content is the element, among <main>, role="main",
 * <article>, itemprop="articleBody" and the usual content containers
 * ("article-body", "entry-content", id "content"...), holding the most
 * paragraph text (the innermost one on a tie); the whole body when there
 * is none.  Within it, paragraphs (<p>, list items that are not link
 * lists, quotes, and divisions of plain text) are passages, under the
 * latest <h2>-<h6> heading; navigation, headers, footers, asides, forms,
 * scripts, hidden elements, cookie banners, share and "related" widgets
 * are left out by tag, role and class, and so is everything after a
 * heading such as "References" or "Author information" up to the next
 * heading of the same rank.
 *
 * A page with neither metadata (title or DOI) nor text is EV_PARSE: what
 * comes back instead of an article (a bot challenge, an error page) is
 * not a record.
 */

/* The character set, when the HTTP header does not give one: the page's
 * own bytes when they are UTF-8, its <meta> when it names a legacy
 * charset, and Windows-1252 (which browsers use for Latin-1 too) for
 * bytes that are not UTF-8 and say nothing. */
static const char *choose_charset(const char *given, const char *data,
				  size_t len)
{
	const char *p, *end = data + (len < 4096 ? len : 4096);
	int ascii = 1;

	if (given && *given)
		return given;
	if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
			 (data[0] == '\xfe' && data[1] == '\xff')))
		return NULL; /* UTF-16: libxml2 reads the BOM */
	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char)data[i] < 0x80;
	if (ascii)
		return NULL;
	if (utf8_valid(data, len))
		return "UTF-8";
	for (p = data; p + 8 < end; p++)
		if (!strncasecmp(p, "charset=", 8)) {
			const char *c = p + 8;

			c += *c == '"' || *c == '\'';
			if (strncasecmp(c, "utf-8", 5) &&
			    strncasecmp(c, "utf8", 4))
				return NULL; /* legacy: libxml2 reads it */
			break;
		}
	return "windows-1252";
}

/* --- Collecting the page's metadata --- */

struct meta_tag {
	char *key;         /* lower case: "citation_title", "og:url" */
	const char *value; /* in the tree */
};

struct page {
	struct meta_tag *tags;
	size_t n_tags;
	size_t alloc;
	const char *canonical;
	const char *lang;
	const xmlNode *title;
	struct strvec jsonld;
};

static void page_release(struct page *pg)
{
	for (size_t i = 0; i < pg->n_tags; i++)
		free(pg->tags[i].key);
	free(pg->tags);
	strvec_release(&pg->jsonld);
}

static ev_status add_tag(struct page *pg, const char *key, const char *value)
{
	char *k;

	if (pg->n_tags == pg->alloc) {
		size_t alloc = pg->alloc ? 2 * pg->alloc : 64;
		struct meta_tag *t = realloc(pg->tags, alloc * sizeof(*t));

		if (!t)
			return EV_NOMEM;
		pg->tags = t;
		pg->alloc = alloc;
	}
	k = strdup(key);
	if (!k)
		return EV_NOMEM;
	text_ascii_lower(str_trim(k));
	memmove(k, str_trim(k), strlen(str_trim(k)) + 1);
	pg->tags[pg->n_tags].key = k;
	pg->tags[pg->n_tags].value = value;
	pg->n_tags++;
	return EV_OK;
}

static int attr_is(const xmlNode *n, const char *attr, const char *value)
{
	const char *v = xml_attr(n, attr);

	return v && !strcasecmp(v, value);
}

static ev_status collect(struct page *pg, const xmlNode *root)
{
	ev_status rc = EV_OK;

	for (const xmlNode *n = root; n && !rc; n = xml_walk(root, n, 1)) {
		const char *key, *value;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xml_is(n, "meta")) {
			key = xml_attr(n, "name");
			if (!key)
				key = xml_attr(n, "property");
			value = xml_attr(n, "content");
			if (key && value && *value)
				rc = add_tag(pg, key, value);
		} else if (xml_is(n, "link") && !pg->canonical &&
			   attr_is(n, "rel", "canonical")) {
			pg->canonical = xml_attr(n, "href");
		} else if (xml_is(n, "html") && !pg->lang) {
			pg->lang = xml_attr(n, "lang");
		} else if (xml_is(n, "title") && !pg->title) {
			pg->title = n;
		} else if (xml_is(n, "script") &&
			   attr_is(n, "type", "application/ld+json")) {
			char *json = NULL;

			rc = xml_text(n, &json);
			if (!rc && json)
				rc = strvec_push(&pg->jsonld, json);
			free(json);
		}
	}
	return rc;
}

/* The first value of KEY, or NULL. */
static const char *meta(const struct page *pg, const char *key)
{
	for (size_t i = 0; i < pg->n_tags; i++)
		if (!strcmp(pg->tags[i].key, key))
			return pg->tags[i].value;
	return NULL;
}

/* The first of KEYS (NULL-terminated) that the page has. */
static const char *meta_any(const struct page *pg, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *v = meta(pg, *keys);

		if (v)
			return v;
	}
	return NULL;
}

/* Copy VALUE into *FIELD (unless set) with escaped markup removed. */
static ev_status set_flat(char **field, const char *value)
{
	ev_status rc;

	if (*field || !value)
		return EV_OK;
	rc = record_set(field, value);
	if (!rc && *field) {
		text_collapse_space(markup_flatten(*field));
		if (!**field) {
			free(*field);
			*field = NULL;
		}
	}
	return rc;
}

static ev_status set_date(struct record *rec, const char *value)
{
	struct date d;

	if (!rec->issued.year && value && date_parse(value, &d))
		rec->issued = d;
	return EV_OK;
}

/* Add each of VALUE's items, split at SEPS, to SV. */
static ev_status add_split(struct strvec *sv, const char *value,
			   const char *seps)
{
	ev_status rc = EV_OK;

	while (value && *value && !rc) {
		size_t len = strcspn(value, seps);
		char *item = xstrndup(value, len);

		if (!item)
			return EV_NOMEM;
		text_collapse_space(markup_flatten(item));
		if (*item)
			rc = strvec_push_unique(sv, item);
		free(item);
		value += len;
		value += strspn(value, seps);
	}
	return rc;
}

/* Every value of KEY, split at SEPS, into SV. */
static ev_status add_all(const struct page *pg, const char *key,
			 struct strvec *sv, const char *seps)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < pg->n_tags && !rc; i++)
		if (!strcmp(pg->tags[i].key, key))
			rc = add_split(sv, pg->tags[i].value, seps);
	return rc;
}

static ev_status add_authors(const struct page *pg, const char *key,
			     struct record *rec)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < pg->n_tags && !rc; i++)
		if (!strcmp(pg->tags[i].key, key) &&
		    !str_is_http_url(pg->tags[i].value)) {
			char *name = strdup(pg->tags[i].value);

			if (!name)
				return EV_NOMEM;
			rc = author_add_name(rec, markup_flatten(name));
			free(name);
		}
	return rc;
}

/* The first of the values of KEY that is a DOI. */
static ev_status set_doi_from(struct record *rec, const struct page *pg,
			      const char *key)
{
	for (size_t i = 0; i < pg->n_tags && !rec->doi; i++) {
		char *d;

		if (strcmp(pg->tags[i].key, key))
			continue;
		d = strdup(pg->tags[i].value);
		if (!d)
			return EV_NOMEM;
		if (doi_normalise(d))
			rec->doi = d;
		else
			free(d);
	}
	return EV_OK;
}

#define TRY(expr) \
	do { \
		if (!rc) \
			rc = (expr); \
	} while (0)

static ev_status read_highwire(const struct page *pg, struct record *hw,
			       int *journal)
{
	static const char *const dates[] = {
		"citation_publication_date", "citation_date",
		"citation_cover_date", "citation_year", "citation_online_date",
		NULL,
	};
	static const char *const containers[] = {
		"citation_journal_title", "citation_conference_title",
		"citation_inbook_title", "citation_book_title", NULL,
	};
	static const char *const publishers[] = {
		"citation_publisher", "citation_technical_report_institution",
		"citation_dissertation_institution", NULL,
	};
	ev_status rc = EV_OK;

	TRY(set_flat(&hw->title, meta(pg, "citation_title")));
	TRY(add_authors(pg, "citation_author", hw));
	if (!rc && hw->n_authors == 0) {
		/* One tag, "Last, First; Last, First" (Hindawi). */
		struct strvec names = STRVEC_INIT;

		rc = add_all(pg, "citation_authors", &names, ";");
		for (size_t i = 0; i < names.n && !rc; i++)
			rc = author_add_name(hw, names.v[i]);
		strvec_release(&names);
	}
	for (const char *const *k = dates; *k && !hw->issued.year; k++)
		set_date(hw, meta(pg, *k));
	*journal = meta(pg, "citation_journal_title") != NULL;
	TRY(set_flat(&hw->container_title, meta_any(pg, containers)));
	TRY(set_flat(&hw->publisher, meta_any(pg, publishers)));
	TRY(set_if_unset(&hw->volume, meta(pg, "citation_volume")));
	TRY(set_if_unset(&hw->issue, meta(pg, "citation_issue")));
	TRY(record_set_pages(hw, meta(pg, "citation_firstpage"),
		      meta(pg, "citation_lastpage")));
	TRY(set_doi_from(hw, pg, "citation_doi"));
	TRY(set_if_unset(&hw->pmid, meta(pg, "citation_pmid")));
	TRY(set_flat(&hw->abstract, meta(pg, "citation_abstract")));
	TRY(add_all(pg, "citation_keywords", &hw->keywords, ";"));
	TRY(record_set_language(hw, meta(pg, "citation_language")));
	TRY(add_all(pg, "citation_article_type", &hw->publication_types, ";"));
	return rc;
}

static ev_status read_dublin_core(const struct page *pg, struct record *dc,
				  int *journal)
{
	static const char *const titles[] = {
		"dc.title", "dcterms.title", NULL,
	};
	static const char *const creators[] = {
		"dc.creator", "dcterms.creator", "dc.creator.personalname",
		NULL,
	};
	static const char *const dates[] = {
		"dcterms.issued", "dc.date.issued", "dc.date", "dcterms.date",
		"prism.publicationdate", "prism.coverdate", "dcterms.created",
		"dc.date.created", NULL,
	};
	static const char *const containers[] = {
		"prism.publicationname", "dc.relation.ispartof",
		"dcterms.ispartof", NULL,
	};
	static const char *const dois[] = {
		"dc.identifier.doi", "prism.doi", "dc.identifier",
		"dcterms.identifier", NULL,
	};
	static const char *const abstracts[] = {
		"dcterms.abstract", "dc.description", "dcterms.description",
		NULL,
	};
	ev_status rc = EV_OK;

	TRY(set_flat(&dc->title, meta_any(pg, titles)));
	for (const char *const *k = creators; *k && !rc && !dc->n_authors; k++)
		rc = add_authors(pg, *k, dc);
	for (const char *const *k = dates; *k && !dc->issued.year; k++)
		set_date(dc, meta(pg, *k));
	*journal = meta(pg, "prism.publicationname") != NULL;
	TRY(set_flat(&dc->container_title, meta_any(pg, containers)));
	TRY(set_flat(&dc->publisher, meta_any(pg, (const char *const[]){
					  "dc.publisher", "dcterms.publisher",
					  NULL })));
	TRY(set_if_unset(&dc->volume, meta_any(pg, (const char *const[]){
					   "prism.volume",
					   "dc.citation.volume", NULL })));
	TRY(set_if_unset(&dc->issue, meta_any(pg, (const char *const[]){
					  "prism.number", "dc.citation.issue",
					  NULL })));
	TRY(record_set_pages(dc, meta_any(pg, (const char *const[]){
			      "prism.startingpage", "dc.citation.spage",
			      NULL }),
		      meta_any(pg, (const char *const[]){
			      "prism.endingpage", "dc.citation.epage",
			      NULL })));
	for (const char *const *k = dois; *k && !rc && !dc->doi; k++)
		rc = set_doi_from(dc, pg, *k);
	TRY(set_flat(&dc->abstract, meta_any(pg, abstracts)));
	TRY(add_all(pg, "dc.subject", &dc->keywords, ";"));
	TRY(add_all(pg, "dcterms.subject", &dc->keywords, ";"));
	TRY(record_set_language(dc, meta_any(pg, (const char *const[]){
					    "dc.language", "dcterms.language",
					    NULL })));
	for (size_t i = 0; i < pg->n_tags && !rc; i++)
		if (!strcmp(pg->tags[i].key, "dc.type") &&
		    !str_istarts_with(pg->tags[i].value, "text"))
			rc = add_split(&dc->publication_types,
				       pg->tags[i].value, ";");
	return rc;
}

static ev_status read_opengraph(const struct page *pg, struct record *og)
{
	ev_status rc = EV_OK;

	TRY(set_flat(&og->title, meta_any(pg, (const char *const[]){
					 "og:title", "twitter:title",
					 NULL })));
	TRY(add_authors(pg, "article:author", og));
	if (!rc && !og->n_authors)
		rc = add_authors(pg, "author", og);
	set_date(og, meta(pg, "article:published_time"));
	TRY(set_flat(&og->container_title, meta(pg, "og:site_name")));
	TRY(set_flat(&og->abstract, meta_any(pg, (const char *const[]){
					    "og:description",
					    "twitter:description", NULL })));
	TRY(add_all(pg, "keywords", &og->keywords, ",;"));
	TRY(record_set_language(og, meta(pg, "og:locale")));
	return rc;
}

/* --- JSON-LD --- */

struct ld_flags {
	int journal;
	int blog;
	int news;
};

static int type_is(json_t *type, const char *const *names)
{
	size_t i;
	json_t *t;

	if (json_is_array(type)) {
		/* One level: an array of type names, not arrays of them. */
		json_array_foreach(type, i, t)
			if (!json_is_array(t) && type_is(t, names))
				return 1;
		return 0;
	}
	if (!json_is_string(type))
		return 0;
	for (const char *s = json_string_value(type); *names; names++) {
		const char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');

		if (slash && (!colon || slash > colon))
			s = slash + 1; /* "http://schema.org/Article" */
		else if (colon)
			s = colon + 1; /* "schema:Article" */
		if (!strcmp(s, *names))
			return 1;
	}
	return 0;
}

static const char *const article_types[] = {
	"ScholarlyArticle", "MedicalScholarlyArticle", "Article",
	"NewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
	"ReportageNewsArticle", "BackgroundNewsArticle", "BlogPosting",
	"LiveBlogPosting", "Report", "TechArticle", NULL,
};

/* The article object in a JSON-LD value: the value itself, or one in an
 * array, an @graph or a mainEntity, not deeper than a few levels. */
static json_t *find_article(json_t *v, int depth)
{
	json_t *item, *found;
	size_t i;

	if (!v || depth > 4)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if ((found = find_article(item, depth + 1)))
				return found;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	if (type_is(json_object_get(v, "@type"), article_types))
		return v;
	if ((found = find_article(json_object_get(v, "@graph"), depth + 1)))
		return found;
	return find_article(json_object_get(v, "mainEntity"), depth + 1);
}

/* A value as a string: itself, an object's name or @value, an array's
 * first. */
static const char *ld_str(json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v)) {
		json_t *n = json_object_get(v, "name");

		v = n ? n : json_object_get(v, "@value");
	}
	if (json_is_integer(v) || json_is_real(v))
		return NULL;
	return json_string_value(v);
}

/* A number or a string, as text in BUF. */
static const char *ld_text(json_t *v, char *buf, size_t size)
{
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return ld_str(v);
}

static ev_status ld_author(struct record *ld, json_t *a)
{
	static const char *const orgs[] = {
		"Organization", "NewsMediaOrganization",
		"GovernmentOrganization", "EducationalOrganization",
		"Corporation", NULL,
	};
	const char *family, *given, *name;

	if (json_is_string(a))
		return str_is_http_url(json_string_value(a))
			       ? EV_OK
			       : author_add_name(ld, json_string_value(a));
	if (!json_is_object(a))
		return EV_OK;
	name = json_string_value(json_object_get(a, "name"));
	if (type_is(json_object_get(a, "@type"), orgs))
		return name ? record_add_author(ld, NULL, NULL, name) : EV_OK;
	family = json_string_value(json_object_get(a, "familyName"));
	given = json_string_value(json_object_get(a, "givenName"));
	if (family)
		return record_add_author(ld, family, given, NULL);
	return name ? author_add_name(ld, name) : EV_OK;
}

static ev_status ld_doi(struct record *ld, json_t *v)
{
	json_t *item;
	size_t i;
	const char *s = NULL;
	char *d;

	if (ld->doi || !v)
		return EV_OK;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			ev_status rc = json_is_array(item) ? EV_OK
							   : ld_doi(ld, item);

			if (rc || ld->doi)
				return rc;
		}
		return EV_OK;
	}
	if (json_is_object(v)) {
		const char *prop = json_string_value(
			json_object_get(v, "propertyID"));

		if (prop && strcasecmp(prop, "doi"))
			return EV_OK;
		s = json_string_value(json_object_get(v, "value"));
	} else {
		s = json_string_value(v);
	}
	if (!s)
		return EV_OK;
	d = strdup(s);
	if (!d)
		return EV_NOMEM;
	if (doi_normalise(d) && (str_istarts_with(s, "doi") ||
				 str_istarts_with(s, "10.") ||
				 strstr(s, "doi.org/")))
		ld->doi = d;
	else
		free(d);
	return EV_OK;
}

static ev_status ld_read(json_t *a, struct record *ld, struct ld_flags *fl)
{
	static const char *const blog[] = {
		"BlogPosting", "LiveBlogPosting", NULL,
	};
	static const char *const news[] = {
		"NewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
		"ReportageNewsArticle", "BackgroundNewsArticle", NULL,
	};
	static const char *const periodical[] = { "Periodical", NULL };
	static const char *const volume[] = { "PublicationVolume", NULL };
	static const char *const issue[] = { "PublicationIssue", NULL };
	json_t *authors, *item, *part, *kw;
	char num[32], num2[32];
	size_t i;
	ev_status rc = EV_OK;

	fl->blog = type_is(json_object_get(a, "@type"), blog);
	fl->news = type_is(json_object_get(a, "@type"), news);
	TRY(set_flat(&ld->title, ld_str(json_object_get(a, "headline"))));
	TRY(set_flat(&ld->title, ld_str(json_object_get(a, "name"))));
	authors = json_object_get(a, "author");
	if (!authors)
		authors = json_object_get(a, "creator");
	if (json_is_array(authors)) {
		json_array_foreach(authors, i, item)
			TRY(ld_author(ld, item));
	} else {
		TRY(ld_author(ld, authors));
	}
	set_date(ld, ld_str(json_object_get(a, "datePublished")));
	set_date(ld, ld_str(json_object_get(a, "dateCreated")));
	TRY(set_flat(&ld->publisher, ld_str(json_object_get(a, "publisher"))));
	/* isPartOf: issue, in a volume, in a periodical. */
	part = json_object_get(a, "isPartOf");
	for (int depth = 0; json_is_object(part) && depth < 4 && !rc;
	     depth++) {
		json_t *type = json_object_get(part, "@type");

		TRY(set_if_unset(&ld->volume,
				 ld_text(json_object_get(part, "volumeNumber"),
					 num, sizeof(num))));
		TRY(set_if_unset(&ld->issue,
				 ld_text(json_object_get(part, "issueNumber"),
					 num, sizeof(num))));
		if (type_is(type, periodical)) {
			fl->journal = 1;
			free(ld->container_title);
			ld->container_title = NULL;
			TRY(set_flat(&ld->container_title,
				     ld_str(json_object_get(part, "name"))));
		} else if (!type_is(type, volume) && !type_is(type, issue)) {
			TRY(set_flat(&ld->container_title,
				     ld_str(json_object_get(part, "name"))));
		}
		part = json_object_get(part, "isPartOf");
	}
	TRY(record_set_pages(ld,
		      ld_text(json_object_get(a, "pageStart"), num,
			      sizeof(num)),
		      ld_text(json_object_get(a, "pageEnd"), num2,
			      sizeof(num2))));
	TRY(set_if_unset(&ld->page, ld_str(json_object_get(a, "pagination"))));
	TRY(ld_doi(ld, json_object_get(a, "identifier")));
	TRY(ld_doi(ld, json_object_get(a, "sameAs")));
	TRY(set_flat(&ld->abstract,
		     ld_str(json_object_get(a, "description"))));
	kw = json_object_get(a, "keywords");
	if (json_is_array(kw)) {
		json_array_foreach(kw, i, item)
			if (json_is_string(item))
				TRY(add_split(&ld->keywords,
					      json_string_value(item), ";"));
	} else if (json_is_string(kw)) {
		TRY(add_split(&ld->keywords, json_string_value(kw), ",;"));
	}
	TRY(record_set_language(ld, ld_str(json_object_get(a, "inLanguage"))));
	if (!rc && str_is_http_url(ld_str(json_object_get(a, "url"))))
		rc = record_set(&ld->url, ld_str(json_object_get(a, "url")));
	return rc;
}

static ev_status read_jsonld(const struct page *pg, struct record *ld,
			     struct ld_flags *fl)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; i < pg->jsonld.n && !rc; i++) {
		json_t *root = json_loads(pg->jsonld.v[i], 0, NULL);
		json_t *a = find_article(root, 0);

		/* Scripts that are not JSON, or describe no article (a
		 * WebSite, a BreadcrumbList), are not ours to judge. */
		if (a)
			rc = ld_read(a, ld, fl);
		json_decref(root);
		if (a)
			break;
	}
	return rc;
}

/* --- Merging --- */

static void take(char **dst, char **src)
{
	if (!*dst && *src) {
		*dst = *src;
		*src = NULL;
	}
}

/* Fill the fields of REC that are unset from SRC, moving them. */
static void merge(struct record *rec, struct record *src)
{
	take(&rec->title, &src->title);
	take(&rec->container_title, &src->container_title);
	take(&rec->doi, &src->doi);
	take(&rec->pmid, &src->pmid);
	take(&rec->url, &src->url);
	take(&rec->abstract, &src->abstract);
	take(&rec->publisher, &src->publisher);
	take(&rec->volume, &src->volume);
	take(&rec->issue, &src->issue);
	take(&rec->page, &src->page);
	take(&rec->language, &src->language);
	if (!rec->issued.year)
		rec->issued = src->issued;
	if (!rec->n_authors && src->n_authors) {
		rec->authors = src->authors;
		rec->n_authors = src->n_authors;
		src->authors = NULL;
		src->n_authors = 0;
	}
	if (!rec->keywords.n && src->keywords.n) {
		rec->keywords = src->keywords;
		strvec_init(&src->keywords);
	}
	if (!rec->publication_types.n && src->publication_types.n) {
		rec->publication_types = src->publication_types;
		strvec_init(&src->publication_types);
	}
}

/* --- The main content --- */

static int has_word(const char *list, const char *const *words)
{
	/* LIST is a class or id attribute: words split at anything but
	 * letters, digits lost at the end ("Bib1" is "bib"). */
	const char *p = list;

	while (p && *p) {
		char w[32];
		size_t n = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)*p)) {
			if (n + 1 < sizeof(w))
				w[n++] = (char)tolower((unsigned char)*p);
			p++;
		}
		while (n > 0 && isdigit((unsigned char)w[n - 1]))
			n--;
		w[n] = '\0';
		for (const char *const *k = words; n && *k; k++)
			if (!strcmp(w, *k))
				return 1;
	}
	return 0;
}

/* Marks on nodes of the HTML tree, in xmlNode._private (libxml2 leaves
 * it to us): bit 0, "holds a main-content candidate"; above it, the
 * candidate's index + 1. */
#define MARK_HOLDS_CANDIDATE 1u

static uintptr_t mark_of(const xmlNode *n)
{
	return (uintptr_t)n->_private;
}

static const char *const boilerplate_tags[] = {
	"script", "style", "noscript", "template", "nav", "header", "footer",
	"aside", "form", "button", "select", "textarea", "iframe", "svg",
	"canvas", "object", "embed", "figure", "menu", "dialog", "head",
	"input", "video", "audio", "map", "pre", "code", NULL,
};

static const char *const boilerplate_roles[] = {
	"navigation", "banner", "contentinfo", "complementary", "search",
	"dialog", "alertdialog", "menu", "menubar", "toolbar", "tablist",
	"tabpanel", NULL,
};

static const char *const boilerplate_words[] = {
	"cookie", "cookies", "consent", "gdpr", "share", "sharing", "social",
	"breadcrumb", "breadcrumbs", "sidebar", "related", "recommendations",
	"recommended", "newsletter", "subscribe", "subscription", "advert",
	"advertisement", "ad", "ads", "banner", "promo", "popup", "modal",
	"toast", "comments", "footer", "masthead", "navbar", "nav", "menu",
	"toolbar", "references", "bibliography", "bib", "reflist",
	"buybox", "paywall", "metrics", "skip", "hidden", "affiliation",
	"affiliations",
	"tooltip", "print", NULL,
};

/* Elements whose subtree is not article text.  Tag, role and hidden
 * always count; a class or id counts only on an element that holds no
 * main-content candidate ("l-with-sidebar" wraps Springer's article). */
static int boilerplate(const xmlNode *n, void *ctx)
{
	const char *v;

	(void)ctx;
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	for (const char *const *t = boilerplate_tags; *t; t++)
		if (xml_is(n, *t))
			return 1;
	if (xml_attr(n, "hidden") || attr_is(n, "aria-hidden", "true") ||
	    attr_is(n, "aria-modal", "true"))
		return 1;
	v = xml_attr(n, "style");
	if (v && (strstr(v, "display:none") || strstr(v, "display: none")))
		return 1;
	v = xml_attr(n, "role");
	for (const char *const *r = boilerplate_roles; v && *r; r++)
		if (!strcasecmp(v, *r))
			return 1;
	if (mark_of(n) & MARK_HOLDS_CANDIDATE)
		return 0;
	return has_word(xml_attr(n, "class"), boilerplate_words) ||
	       has_word(xml_attr(n, "id"), boilerplate_words);
}

/* An in-page link whose text is only a citation number ("1", "2-4",
 * "[3]"): a reference marker, which would glue itself to the word
 * before it ("August1"). */
static int citation_marker(const xmlNode *n)
{
	const char *href = xml_attr(n, "href");
	char *t = NULL;
	int marker;

	if (!xml_is(n, "a") || !href || href[0] != '#')
		return 0;
	if (xml_text(n, &t) || !t)
		return 0;
	marker = strlen(t) <= 12 && strspn(t, "0123456789,-[]() ") ==
					    strlen(t);
	free(t);
	return marker;
}

/* Inside a passage: boilerplate, and citation markers. */
static int skip_in_passage(const xmlNode *n, void *ctx)
{
	return boilerplate(n, ctx) || citation_marker(n);
}

/* Content containers by class or id, as whole class tokens. */
static int content_class(const xmlNode *n)
{
	static const char *const classes[] = {
		"article-body", "article__body", "articlebody",
		"c-article-body", "article-content", "article-text",
		"article-fulltext", "fulltext", "entry-content",
		"post-content", "post-body", "story-body", "main-content",
		"content-main", "maincontent", "xml-content", NULL,
	};
	static const char *const ids[] = {
		"content", "main-content", "maincontent", "article",
		"articlebody", "article-body", "main", NULL,
	};
	const char *c = xml_attr(n, "class"), *id = xml_attr(n, "id");

	for (const char *const *k = ids; id && *k; k++)
		if (!strcasecmp(id, *k))
			return 1;
	while (c && *c) {
		size_t len;

		c += strspn(c, " \t\r\n");
		len = strcspn(c, " \t\r\n");
		for (const char *const *k = classes; len && *k; k++)
			if (strlen(*k) == len && !strncasecmp(c, *k, len))
				return 1;
		c += len;
	}
	return 0;
}

static int is_candidate(const xmlNode *n)
{
	return xml_is(n, "main") || xml_is(n, "article") ||
	       attr_is(n, "role", "main") ||
	       attr_is(n, "itemprop", "articleBody") || content_class(n);
}

static int is_heading(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->name[0] == 'h' &&
	       n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2];
}

static int is_inline(const xmlNode *n)
{
	static const char *const names[] = {
		"a", "abbr", "b", "br", "cite", "em", "font", "i", "small",
		"span", "strong", "sub", "sup", "u", "q", "mark", "time",
		NULL,
	};

	if (n->type != XML_ELEMENT_NODE)
		return n->type == XML_TEXT_NODE || n->type == XML_COMMENT_NODE;
	for (const char *const *k = names; *k; k++)
		if (xml_is(n, *k))
			return 1;
	return 0;
}

/* A block whose text is one passage: <p>; a list item, quote,
 * definition or division with nothing but inline content (a <div> of
 * plain text needs some length to count). */
static int is_passage(const xmlNode *n)
{
	int text = 0;

	if (xml_is(n, "p"))
		return 1;
	if (!xml_is(n, "li") && !xml_is(n, "blockquote") &&
	    !xml_is(n, "dd") && !xml_is(n, "div") && !xml_is(n, "td"))
		return 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (!is_inline(c))
			return 0;
		if (c->type == XML_TEXT_NODE && c->content &&
		    strlen((const char *)c->content) > 80)
			text = 1;
	}
	return xml_is(n, "li") || xml_is(n, "blockquote") ||
	       xml_is(n, "dd") || text;
}

/* Lists of links are navigation, whatever their class says. */
static int mostly_links(const xmlNode *n, size_t text_len)
{
	size_t links = 0;

	for (const xmlNode *c = n; c; c = xml_walk(n, c, 1))
		if (xml_is(c, "a")) {
			char *t = NULL;

			if (xml_text(c, &t) == EV_OK && t)
				links += strlen(t);
			free(t);
		}
	return links * 2 > text_len;
}

/* Headings after which the page is no longer the article. */
static int stop_heading(const char *text)
{
	static const char *const stops[] = {
		"references", "bibliography", "notes", "footnotes",
		"author information", "authors and affiliations",
		"affiliations", "rights and permissions", "about this article",
		"additional information", "cite this article", "share this",
		"related articles", "related content", "comments",
		"acknowledgements", "acknowledgments", "funding",
		"ethics declarations", "supplementary information",
		"electronic supplementary material", "change history",
		"access options", "similar content", "you might also like",
		"most read", "read more", "sign up", "newsletter",
		"further reading", "citing articles", "metrics", NULL,
	};

	for (const char *const *s = stops; *s; s++)
		if (str_istarts_with(text, *s))
			return 1;
	return 0;
}

struct candidate {
	const xmlNode *node;
	size_t text;
};

struct content {
	struct candidate *cands;
	size_t n_cands;
};

#define MAX_CANDIDATES 512
/* How far up a paragraph's length is credited to its containers. */
#define CREDIT_DEPTH 32

static ev_status find_candidates(struct content *c, xmlNode *body)
{
	for (xmlNode *n = body; n; n = xml_walk(body, n, 1)) {
		if (n->type != XML_ELEMENT_NODE || n == body ||
		    !is_candidate(n))
			continue;
		if (c->n_cands == MAX_CANDIDATES)
			break;
		if (!c->n_cands) {
			c->cands = calloc(MAX_CANDIDATES, sizeof(*c->cands));
			if (!c->cands)
				return EV_NOMEM;
		}
		c->cands[c->n_cands].node = n;
		n->_private = (void *)(uintptr_t)((c->n_cands + 1) << 1 |
						  (mark_of(n) & 1));
		c->n_cands++;
		/* Its ancestors hold a candidate; stop where marked. */
		for (xmlNode *a = n->parent; a && a != body; a = a->parent) {
			if (mark_of(a) & MARK_HOLDS_CANDIDATE)
				break;
			a->_private = (void *)(mark_of(a) |
					       MARK_HOLDS_CANDIDATE);
		}
	}
	return EV_OK;
}

/* Credit each passage's length to the candidates above it. */
static ev_status score_candidates(struct content *c, xmlNode *body)
{
	for (xmlNode *n = body; n;) {
		char *t = NULL;
		size_t len;
		int depth = 0;

		if (n != body && boilerplate(n, NULL)) {
			n = xml_walk(body, n, 0);
			continue;
		}
		if (!is_passage(n)) {
			n = xml_walk(body, n, 1);
			continue;
		}
		if (xml_text_skip(n, boilerplate, NULL, &t))
			return EV_NOMEM;
		len = t ? strlen(t) : 0;
		free(t);
		for (xmlNode *a = n; a && a != body && depth < CREDIT_DEPTH;
		     a = a->parent, depth++) {
			uintptr_t idx = mark_of(a) >> 1;

			if (idx)
				c->cands[idx - 1].text += len;
		}
		n = xml_walk(body, n, 0);
	}
	return EV_OK;
}

struct extract {
	struct record *rec;
	char *section;
	char *h1;
	int stop_level; /* 0, or the rank of the heading that stopped us */
};

static ev_status extract_heading(struct extract *x, const xmlNode *n)
{
	int level = n->name[1] - '0';
	char *t = NULL;
	ev_status rc = xml_text_skip(n, boilerplate, NULL, &t);

	if (rc || !t)
		return rc;
	if (level == 1) {
		if (!x->h1) {
			x->h1 = t;
			t = NULL;
		}
		free(x->section);
		x->section = NULL;
		x->stop_level = 0;
	} else if (stop_heading(t)) {
		if (!x->stop_level || level <= x->stop_level)
			x->stop_level = level;
	} else if (!x->stop_level || level <= x->stop_level) {
		x->stop_level = 0;
		free(x->section);
		x->section = t;
		t = NULL;
	}
	free(t);
	return EV_OK;
}

static ev_status extract_passages(struct extract *x, xmlNode *root)
{
	ev_status rc = EV_OK;

	for (xmlNode *n = root; n && !rc;) {
		char *t = NULL;

		if (n != root && boilerplate(n, NULL)) {
			n = xml_walk(root, n, 0);
			continue;
		}
		if (is_heading(n)) {
			rc = extract_heading(x, n);
			n = xml_walk(root, n, 0);
			continue;
		}
		if (!is_passage(n)) {
			n = xml_walk(root, n, 1);
			continue;
		}
		if (!x->stop_level)
			rc = xml_text_skip(n, skip_in_passage, NULL, &t);
		if (!rc && t)
			text_drop_empty_brackets(t);
		/* Link lists and bare addresses ("https://doi.org/...t001"
		 * under a table) are not text. */
		if (!rc && t &&
		    !(xml_is(n, "li") && mostly_links(n, strlen(t))) &&
		    !(str_is_http_url(t) && !strchr(t, ' ')))
			rc = record_add_passage(x->rec, t, x->section);
		free(t);
		n = xml_walk(root, n, 0);
	}
	return rc;
}

static ev_status main_text(struct record *rec, xmlDoc *doc, char **h1)
{
	xmlNode *body = xml_find(xmlDocGetRootElement(doc), "body");
	struct content c = { NULL, 0 };
	struct extract x = { rec, NULL, NULL, 0 };
	xmlNode *best = NULL;
	size_t best_text = 0;
	ev_status rc;

	if (!body)
		body = xmlDocGetRootElement(doc);
	if (!body)
		return EV_OK;
	rc = find_candidates(&c, body);
	if (!rc)
		rc = score_candidates(&c, body);
	for (size_t i = 0; !rc && i < c.n_cands; i++)
		if (c.cands[i].text && c.cands[i].text >= best_text) {
			/* >=: on a tie the later, inner one wins. */
			best = (xmlNode *)c.cands[i].node;
			best_text = c.cands[i].text;
		}
	if (!rc)
		rc = extract_passages(&x, best ? best : body);
	if (!rc && best && rec->n_passages == 0)
		rc = extract_passages(&x, body);
	*h1 = x.h1;
	free(x.section);
	free(c.cands);
	return rc;
}

/* --- Putting it together --- */

static ev_status set_url(struct record *rec, const struct page *pg,
			 struct record *ld, const struct parse_input *in)
{
	const char *const keys[] = {
		"og:url", "citation_abstract_html_url",
		"citation_fulltext_html_url", "prism.url", "dc.identifier.uri",
		NULL,
	};
	const char *url = pg->canonical;

	if (!str_is_http_url(url)) {
		url = NULL;
		for (const char *const *k = keys; *k && !url; k++)
			if (str_is_http_url(meta(pg, *k)))
				url = meta(pg, *k);
	}
	if (!url && ld->url)
		url = ld->url;
	if (!url && str_is_http_url(in->url))
		url = in->url;
	return url ? record_set(&rec->url, url) : EV_OK;
}

static ev_status build(struct parser *p, xmlDoc *doc, struct record *rec)
{
	struct page pg;
	struct record hw, ld, dc, og;
	struct ld_flags fl = { 0, 0, 0 };
	int hw_journal = 0, dc_journal = 0, has_meta;
	char *h1 = NULL;
	ev_status rc;

	memset(&pg, 0, sizeof(pg));
	strvec_init(&pg.jsonld);
	record_init(&hw);
	record_init(&ld);
	record_init(&dc);
	record_init(&og);
	rc = collect(&pg, (const xmlNode *)doc);
	TRY(read_highwire(&pg, &hw, &hw_journal));
	TRY(read_jsonld(&pg, &ld, &fl));
	TRY(read_dublin_core(&pg, &dc, &dc_journal));
	TRY(read_opengraph(&pg, &og));
	TRY(set_url(rec, &pg, &ld, p->in));
	if (rc)
		goto out;
	merge(rec, &hw);
	merge(rec, &ld);
	merge(rec, &dc);
	merge(rec, &og);
	has_meta = rec->title || rec->doi;
	TRY(record_set_language(rec, pg.lang));
	TRY(main_text(rec, doc, &h1));
	if (!rc && !has_meta && rec->n_passages == 0) {
		rc = parser_fail(p, EV_PARSE,
				 "no article metadata or text found");
		goto out;
	}
	TRY(set_if_unset(&rec->title, h1));
	if (!rc && !rec->title && pg.title)
		rc = xml_text(pg.title, &rec->title);
	if (!rc && fl.blog)
		rc = record_set(&rec->type, "post-weblog");
	else if (!rc && (hw_journal || dc_journal || fl.journal))
		rc = record_set(&rec->type, "article-journal");
	else if (!rc && fl.news)
		rc = record_set(&rec->type, "article-newspaper");
	else if (!rc)
		rc = record_set(&rec->type, "webpage");
	if (rc && rc != EV_PARSE)
		rc = parser_fail(p, rc, "out of memory");
out:
	free(h1);
	record_release(&hw);
	record_release(&ld);
	record_release(&dc);
	record_release(&og);
	page_release(&pg);
	return rc;
}

ev_status parse_html(struct parser *p, const char *data, size_t len)
{
	struct record rec;
	xmlDoc *doc = NULL;
	ev_status rc;

	record_init(&rec);
	rc = xml_parse_html(data, len, p->url,
			    choose_charset(p->in->charset, data, len), &doc,
			    p->err, p->errsz);
	if (!rc)
		rc = build(p, doc, &rec);
	if (!rc)
		rc = parser_emit(p, &rec);
	record_release(&rec);
	xml_free(doc);
	return rc;
}

ev_status html_fragment_passages(const char *html, size_t len,
				 struct record *rec, const char *section)
{
	char err[128];
	xmlDoc *doc = NULL;
	xmlNode *root;
	ev_status rc;

	rc = xml_parse_html(html, len, NULL, "UTF-8", &doc, err, sizeof(err));
	if (rc == EV_PARSE)
		return EV_OK; /* nothing readable: no passages */
	if (rc)
		return rc;
	root = xmlDocGetRootElement(doc);
	for (xmlNode *n = root; n && !rc;) {
		char *t = NULL;

		if (n != root && (xml_is(n, "script") || xml_is(n, "style"))) {
			n = xml_walk(root, n, 0);
			continue;
		}
		if (!xml_is(n, "p")) {
			n = xml_walk(root, n, 1);
			continue;
		}
		rc = xml_text(n, &t);
		if (!rc && t)
			rc = record_add_passage(rec, t, section);
		free(t);
		n = xml_walk(root, n, 0);
	}
	xml_free(doc);
	return rc;
}
