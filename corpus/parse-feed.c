/* parse-feed.c - RSS 0.9x, 2.0 and 1.0 (RDF) and Atom feeds: one record per
 * item */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "parse-api.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * Every <item> (RSS, wherever it sits: in <channel> for RSS 2.0, beside
 * it for RSS 1.0 and 0.90) and every <entry> (Atom) is a record.
 * Elements are matched by local name, so RSS 2.0 feeds that put
 * everything in a namespace read as those that do not.
 *
 * Choices worth knowing:
 * - The type is CSL "post": a feed item is a piece published on the
 *   web by a site (a think tank's blog, a news page, a journal's
 *   table of contents), and "post" says so without claiming a
 *   newspaper; the evidence classifier reads "post" as news or blog
 *   commentary, not as a study.  An item that carries a DOI and PRISM
 *   journal fields (a journal's table of contents in RSS 1.0) is an
 *   "article-journal".
 * - The URL is the item's link (feedburner's and pheedo's origLink
 *   first: link is then a tracking redirect), else a guid that is a
 *   permalink, else an Atom id that is an http URL.  Relative links
 *   are resolved against the feed's own URL when it was fetched over
 *   http(s), else against its xml:base or rel="self" link; a link that
 *   stays relative is dropped.
 * - The date is prism:publicationDate (an issue date), else pubDate
 *   (RFC 822), dc:date, published, updated.
 * - description, summary: the abstract, tags removed; content
 *   (content:encoded, Atom content): the passages, one per <p> of
 *   HTML or XHTML, the whole text when it has none.  With no content,
 *   a description in HTML paragraphs gives the passages.
 * - Authors: dc:creator, author (its name, "jo@x.org (Jo Bloggs)" ->
 *   "Jo Bloggs"), Atom author/name; else the channel's or feed's.
 * - Categories (category, dc:subject, Atom category) are keywords.
 * - An item with no title, link or text is skipped.
 * - Encoding: the feed's XML declaration (else UTF-8) decides, as XML
 *   documents label themselves; an HTTP charset is not consulted.
 *   libxml2 decodes the declared encodings (ISO-8859-1, Windows-1251...)
 *   to UTF-8, and xml.c reads C1 controls as Windows-1252.
 * - Entities: internal entities declared in the feed's DTD are
 *   expanded (within xml.c's budget); external ones are never loaded.
 *   A feed that is not well-formed (an unescaped "&") fails with
 *   libxml2's one-line reason: no recovery, as for every API answer.
 */

struct feed {
	struct parser *p;
	const xmlNode *channel; /* <channel> or Atom <feed> */
	char *base;		/* absolute http(s) URL, or NULL */
	char *title;
	char *language;
	char *publisher;
	char *author;
	int journal; /* the channel names a journal (PRISM) */
};

/* --- Links --- */

/* 1 when REF starts with a scheme ("tag:", "mailto:", "http:"). */
static int has_scheme(const char *ref)
{
	const char *c = ref;

	if (!isalpha((unsigned char)*c))
		return 0;
	while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' ||
	       *c == '.')
		c++;
	return *c == ':';
}

/*
 * REF resolved against BASE (an http(s) URL), malloc'd; NULL when REF
 * is not an http(s) URL and cannot be made one.  Handles "//host/x",
 * "/x", "?q", "x" and "../x" (RFC 3986 section 5.2, without the
 * corner cases feeds do not produce).
 */
static char *resolve(const char *base, const char *ref)
{
	struct buf b = BUF_INIT;
	const char *host, *path_start, *end;
	size_t keep;

	while (ref && isspace((unsigned char)*ref))
		ref++;
	if (!ref || !*ref)
		return NULL;
	if (has_scheme(ref))
		return str_is_http_url(ref) ? strdup(ref) : NULL;
	if (!str_is_http_url(base))
		return NULL;
	host = strstr(base, "://") + 3;
	path_start = host + strcspn(host, "/?#");
	if (ref[0] == '/' && ref[1] == '/') {
		keep = (size_t)(host - 2 - base); /* "https:" */
	} else if (ref[0] == '/') {
		keep = (size_t)(path_start - base);
	} else if (ref[0] == '?' || ref[0] == '#') {
		keep = strcspn(base, ref[0] == '?' ? "?#" : "#");
	} else {
		end = path_start + strcspn(path_start, "?#");
		while (end > path_start && end[-1] != '/')
			end--;
		keep = (size_t)(end - base);
		for (;;) {
			if (!strncmp(ref, "./", 2)) {
				ref += 2;
			} else if (!strncmp(ref, "../", 3)) {
				ref += 3;
				/* Drop the last directory of what is kept. */
				if (keep > (size_t)(path_start - base) + 1) {
					keep--;
					while (keep > (size_t)(path_start -
							       base) &&
					       base[keep - 1] != '/')
						keep--;
				}
			} else {
				break;
			}
		}
		if (keep == (size_t)(path_start - base)) {
			/* The base has no path: the reference starts one. */
			if (buf_add(&b, base, keep) || buf_addch(&b, '/') ||
			    buf_addstr(&b, ref))
				goto fail;
			return buf_detach(&b);
		}
	}
	if (buf_add(&b, base, keep) || buf_addstr(&b, ref))
		goto fail;
	return buf_detach(&b);
fail:
	buf_release(&b);
	return NULL;
}

/* The href of an Atom link (or the text of an RSS <link>). */
static const char *link_target(const xmlNode *link, char **text)
{
	const char *href = xml_attr(link, "href");

	if (href)
		return href;
	if (xml_text(link, text))
		return NULL;
	return *text;
}

/* NODE's link: the alternate one (or one with no rel) for Atom, the
 * text of <link> for RSS; REL picks another ("self"). */
static char *find_link(const xmlNode *node, const char *rel, const char *base)
{
	for (const xmlNode *l = xml_child(node, "link"); l;
	     l = xml_next(l, "link")) {
		const char *r = xml_attr(l, "rel");
		char *text = NULL, *url = NULL;
		const char *target;

		if (rel ? !r || strcmp(r, rel) : r && strcmp(r, "alternate"))
			continue;
		target = link_target(l, &text);
		url = resolve(base, target);
		free(text);
		if (url)
			return url;
	}
	return NULL;
}

/* --- Text --- */

/* The first child of NODE with one of NAMES (NULL-terminated). */
static const xmlNode *child_any(const xmlNode *node, const char *const *names)
{
	for (; *names; names++) {
		const xmlNode *c = xml_child(node, *names);

		if (c)
			return c;
	}
	return NULL;
}

/* "jo@x.org (Jo Bloggs)" -> "Jo Bloggs"; an address alone is no name. */
static ev_status add_author_text(struct record *rec, const char *s)
{
	const char *open = strchr(s, '('), *close = strrchr(s, ')');

	if (open && close > open + 1) {
		char *name = xstrndup(open + 1, (size_t)(close - open - 1));
		ev_status rc;

		if (!name)
			return EV_NOMEM;
		rc = author_add_name(rec, name);
		free(name);
		return rc;
	}
	if (strchr(s, '@'))
		return EV_OK;
	return author_add_name(rec, s);
}

/* The name an author element holds (RSS author and managingEditor,
 * dc:creator, Atom author/name), in *OUT; NULL for other elements. */
static ev_status author_text(const xmlNode *c, char **out)
{
	*out = NULL;
	if (xml_is(c, "creator") || xml_is(c, "managingEditor") ||
	    (xml_is(c, "author") && !xml_child(c, NULL)))
		return xml_text_flat(c, out);
	if (xml_is(c, "author"))
		return xml_text_flat(xml_child(c, "name"), out);
	return EV_OK;
}

static ev_status add_authors(struct record *rec, const xmlNode *node)
{
	ev_status rc = EV_OK;

	for (const xmlNode *c = xml_child(node, NULL); c && !rc;
	     c = xml_next(c, NULL)) {
		char *t = NULL;

		rc = author_text(c, &t);
		if (!rc && t)
			rc = add_author_text(rec, t);
		free(t);
	}
	return rc;
}

/* HTML held as text: a passage per <p>, else the whole text as one. */
static ev_status html_passages(struct record *rec, const char *html)
{
	size_t before = rec->n_passages;
	char *flat;
	ev_status rc;

	rc = html_fragment_passages(html, strlen(html), rec, NULL);
	if (rc || rec->n_passages > before)
		return rc;
	flat = strdup(html);
	if (!flat)
		return EV_NOMEM;
	text_collapse_space(markup_flatten(flat));
	if (*flat)
		rc = record_add_passage(rec, flat, NULL);
	free(flat);
	return rc;
}

/* How content is written: Atom's type attribute (absent is "text"),
 * and RSS content:encoded is always HTML. */
enum content_kind { CONTENT_TEXT, CONTENT_HTML, CONTENT_XHTML, CONTENT_NONE };

static enum content_kind content_kind(const xmlNode *content)
{
	const char *type = xml_attr(content, "type");

	if (xml_is(content, "encoded"))
		return CONTENT_HTML;
	if (xml_attr(content, "src"))
		return CONTENT_NONE; /* out of line: not fetched */
	if (!type || !strcmp(type, "text") || !strcmp(type, "text/plain"))
		return CONTENT_TEXT;
	if (!strcmp(type, "html") || !strcmp(type, "text/html"))
		return CONTENT_HTML;
	if (!strcmp(type, "xhtml") || !strcmp(type, "application/xhtml+xml"))
		return CONTENT_XHTML;
	return CONTENT_NONE;
}

/* Atom content or RSS content:encoded: the passages. */
static ev_status add_content(struct record *rec, const xmlNode *content)
{
	enum content_kind kind = content_kind(content);
	size_t before = rec->n_passages;
	char *t = NULL;
	ev_status rc = EV_OK;

	if (kind == CONTENT_XHTML) {
		/* XHTML is part of the tree: read its paragraphs. */
		const xmlNode *root = content;

		for (const xmlNode *n = root; n && !rc;) {
			if (n != root && xml_is(n, "p")) {
				rc = xml_text_flat(n, &t);
				if (!rc && t)
					rc = record_add_passage(rec, t, NULL);
				free(t);
				t = NULL;
				n = xml_walk(root, n, 0);
			} else {
				n = xml_walk(root, n, 1);
			}
		}
		if (!rc && rec->n_passages == before) {
			rc = xml_text_flat(content, &t);
			if (!rc && t)
				rc = record_add_passage(rec, t, NULL);
		}
	} else if (kind == CONTENT_TEXT) {
		rc = xml_text(content, &t);
		if (!rc && t)
			rc = record_add_passage(rec, t, NULL);
	} else if (kind == CONTENT_HTML) {
		rc = xml_text(content, &t);
		if (!rc && t)
			rc = html_passages(rec, t);
	}
	free(t);
	return rc;
}

/* description or summary: the abstract.  When it is HTML paragraphs,
 * the abstract is their text (links and buttons around them left out),
 * and they are the passages when the item has no content. */
static ev_status add_summary(struct record *rec, const xmlNode *summary)
{
	struct record paras;
	struct buf joined = BUF_INIT;
	int take = !rec->n_passages;
	char *t = NULL;
	ev_status rc;

	record_init(&paras);
	rc = xml_text(summary, &t);
	if (!rc && t && (strstr(t, "<p") || strstr(t, "<P")))
		rc = html_fragment_passages(t, strlen(t), &paras, NULL);
	for (size_t i = 0; i < paras.n_passages && !rc; i++) {
		rc = joined.len ? buf_addstr(&joined, "\n\n") : EV_OK;
		if (!rc)
			rc = buf_addstr(&joined, paras.passages[i].text);
		if (!rc && take)
			rc = record_add_passage(rec, paras.passages[i].text,
						NULL);
	}
	if (!rc && joined.len) {
		rc = set_if_unset(&rec->abstract, joined.ptr);
	} else if (!rc && t) {
		text_collapse_space(markup_flatten(t));
		rc = set_if_unset(&rec->abstract, t);
	}
	buf_release(&joined);
	record_release(&paras);
	free(t);
	return rc;
}

/* --- Items --- */

static ev_status add_keywords(struct record *rec, const xmlNode *item)
{
	ev_status rc = EV_OK;

	for (const xmlNode *c = xml_child(item, NULL); c && !rc;
	     c = xml_next(c, NULL)) {
		char *t = NULL;

		if (xml_is(c, "category") && xml_attr(c, "term")) {
			const char *term = xml_attr(c, "label")
						   ? xml_attr(c, "label")
						   : xml_attr(c, "term");

			if (*term)
				rc = api_push(&rec->keywords, term);
			continue;
		}
		if (!xml_is(c, "category") && !xml_is(c, "subject"))
			continue;
		rc = xml_text_flat(c, &t);
		if (!rc && t)
			rc = api_push(&rec->keywords, t);
		free(t);
	}
	return rc;
}

static ev_status add_doi(struct record *rec, const xmlNode *item)
{
	ev_status rc = EV_OK;

	for (const xmlNode *c = xml_child(item, NULL); c && !rc && !rec->doi;
	     c = xml_next(c, NULL)) {
		char *t = NULL;

		if (!xml_is(c, "doi") && !xml_is(c, "identifier"))
			continue;
		rc = xml_text(c, &t);
		if (!rc && t && doi_normalise(t))
			rc = set_if_unset(&rec->doi, t);
		free(t);
	}
	return rc;
}

static ev_status set_date(struct record *rec, const xmlNode *item)
{
	static const char *const names[] = {
		"publicationDate", "pubDate", "date",
		"published",	   "updated", "issued",
		"modified",	   "created", NULL,
	};
	ev_status rc = EV_OK;

	for (size_t i = 0; names[i] && !rec->issued.year && !rc; i++) {
		char *t = NULL;

		rc = xml_text(xml_child(item, names[i]), &t);
		if (!rc && t)
			date_parse(t, &rec->issued);
		free(t);
	}
	return rc;
}

static ev_status set_url(struct feed *f, struct record *rec,
			 const xmlNode *item)
{
	static const char *const orig[] = {"origLink", NULL};
	const char *base = xml_attr(item, "base");
	const xmlNode *n;
	char *t = NULL, *url = NULL;
	ev_status rc = EV_OK;

	if (!str_is_http_url(base))
		base = f->base;
	n = child_any(item, orig);
	if (n && !(rc = xml_text(n, &t)))
		url = resolve(base, t);
	if (!rc && !url)
		url = find_link(item, NULL, base);
	n = xml_child(item, "guid");
	if (!rc && !url && n &&
	    (!xml_attr(n, "isPermaLink") ||
	     strcmp(xml_attr(n, "isPermaLink"), "false"))) {
		free(t);
		t = NULL;
		if (!(rc = xml_text(n, &t)) && str_is_http_url(t))
			url = strdup(t);
	}
	n = xml_child(item, "id");
	if (!rc && !url && n) {
		free(t);
		t = NULL;
		if (!(rc = xml_text(n, &t)) && str_is_http_url(t))
			url = strdup(t);
	}
	if (!rc && url)
		rc = set_if_unset(&rec->url, url);
	free(url);
	free(t);
	return rc;
}

static ev_status read_item(struct feed *f, const xmlNode *item,
			   struct record *rec)
{
	static const char *const contents[] = {"encoded", "content", NULL};
	static const char *const summaries[] = {"description", "summary",
						NULL};
	static const char *const titles[] = {"title", NULL};
	const xmlNode *n;
	char *first = NULL, *last = NULL;
	ev_status rc;

	n = child_any(item, titles);
	if (n && xml_attr(n, "type") && !strcmp(xml_attr(n, "type"), "xhtml"))
		rc = xml_text(n, &rec->title);
	else
		rc = api_xml_set(&rec->title, n);
	if (!rc)
		rc = set_url(f, rec, item);
	if (!rc)
		rc = add_authors(rec, item);
	if (!rc && !rec->n_authors && f->author)
		rc = add_author_text(rec, f->author);
	if (!rc)
		rc = set_date(rec, item);
	n = child_any(item, contents);
	if (!rc && n)
		rc = add_content(rec, n);
	n = child_any(item, summaries);
	if (!rc && n)
		rc = add_summary(rec, n);
	if (!rc)
		rc = add_keywords(rec, item);
	if (!rc)
		rc = add_doi(rec, item);
	if (!rc)
		rc = api_xml_set(&rec->container_title,
				 xml_child(item, "publicationName"));
	if (!rc)
		rc = set_if_unset(&rec->container_title, f->title);
	if (!rc)
		rc = api_xml_set(&rec->publisher,
				 xml_child(item, "publisher"));
	if (!rc)
		rc = set_if_unset(&rec->publisher, f->publisher);
	if (!rc)
		rc = api_xml_set(&rec->volume, xml_child(item, "volume"));
	if (!rc)
		rc = api_xml_set(&rec->issue, xml_child(item, "number"));
	if (!rc)
		rc = api_xml_set(&first, xml_child(item, "startingPage"));
	if (!rc)
		rc = api_xml_set(&last, xml_child(item, "endingPage"));
	if (!rc)
		rc = record_set_pages(rec, first, last);
	if (!rc && xml_child(item, "language")) {
		char *t = NULL;

		rc = xml_text(xml_child(item, "language"), &t);
		if (!rc)
			rc = record_set_language(rec, t);
		free(t);
	}
	if (!rc)
		rc = record_set_language(rec, f->language);
	if (!rc)
		rc = set_if_unset(
			&rec->type,
			rec->doi && (rec->volume || f->journal ||
				     xml_child(item, "publicationName"))
				? "article-journal"
				: "post");
	free(first);
	free(last);
	return rc;
}

/* --- The feed --- */

static void feed_release(struct feed *f)
{
	free(f->base);
	free(f->title);
	free(f->language);
	free(f->publisher);
	free(f->author);
}

static ev_status read_channel(struct feed *f, const xmlNode *root)
{
	const xmlNode *ch =
		xml_is(root, "feed") ? root : xml_child(root, "channel");
	const char *in_url = f->p->in->url;
	ev_status rc;

	f->channel = ch;
	if (str_is_http_url(in_url))
		f->base = strdup(in_url);
	else if (str_is_http_url(xml_attr(ch, "base")))
		f->base = strdup(xml_attr(ch, "base"));
	else if (!(f->base = find_link(ch, "self", NULL)))
		f->base = find_link(ch, NULL, NULL);
	/* A journal's feed names the journal in PRISM. */
	f->journal = xml_child(ch, "publicationName") != NULL;
	rc = api_xml_set(&f->title, xml_child(ch, "publicationName"));
	if (!rc)
		rc = api_xml_set(&f->title, xml_child(ch, "title"));
	if (!rc)
		rc = api_xml_set(&f->language, xml_child(ch, "language"));
	if (!rc && !f->language && xml_attr(root, "lang"))
		rc = set_if_unset(&f->language, xml_attr(root, "lang"));
	if (!rc)
		rc = api_xml_set(&f->publisher, xml_child(ch, "publisher"));
	/* The channel's first author, for items that name none. */
	for (const xmlNode *c = xml_child(ch, NULL); c && !rc && !f->author;
	     c = xml_next(c, NULL))
		rc = author_text(c, &f->author);
	return rc;
}

static int item_is_empty(const struct record *rec)
{
	return !rec->title && !rec->url && !rec->abstract && !rec->n_passages;
}

ev_status parse_feed(struct parser *p, const char *data, size_t len)
{
	struct feed f = {.p = p};
	xmlDoc *doc = NULL;
	xmlNode *root;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	rc = api_xml_parse(p, data, len, &doc);
	if (rc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!xml_is(root, "rss") && !xml_is(root, "RDF") &&
	    !xml_is(root, "feed")) {
		rc = parser_fail(p, EV_PARSE,
				 "not an RSS or Atom feed: the root is "
				 "<%.60s>",
				 (const char *)root->name);
		goto out;
	}
	rc = read_channel(&f, root);
	if (rc)
		rc = parser_fail(p, rc, "out of memory");
	for (const xmlNode *n = root; n && !rc;) {
		if (n == root || !(xml_is(n, "item") || xml_is(n, "entry"))) {
			n = xml_walk(root, n, 1);
			continue;
		}
		rc = read_item(&f, n, &rec);
		if (!rc && !item_is_empty(&rec))
			rc = parser_emit(p, &rec);
		else if (rc)
			rc = parser_fail(p, rc, "out of memory");
		record_release(&rec);
		record_init(&rec);
		n = xml_walk(root, n, 0);
	}
out:
	record_release(&rec);
	feed_release(&f);
	xml_free(doc);
	return rc;
}
