/* parse-jats.c - JATS and NLM full-text article XML */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * One <article> (JATS Archiving 1.0, Publishing 1.1, the older NLM 2.3
 * layout with journal-title directly under journal-meta), or several
 * inside a <pmc-articleset>.  Only the article's own front, body and back
 * are read; sub-articles (replies, translations) are not.
 *
 * Choices worth knowing:
 * - The date is the print issue's when there is one (pub-type ppub,
 *   epub-ppub, or date-type pub in print format), else the electronic
 *   one, else the collection's: the issue date is what PubMed and
 *   citations use, so the same work gets the same year from both.
 * - Text that came from CDATA may carry HTML tags and entities as
 *   literal text (SciELO writes "&oacute;" inside CDATA): every field
 *   and passage has them removed and decoded (markup_flatten()).  A body
 *   that is HTML held as text is parsed as HTML for its paragraphs.
 * - The abstract is the first one without an abstract-type (else the
 *   first that is not a teaser or graphical abstract); each of its
 *   paragraphs is a passage under its section title, as are the body's.
 *   Figures, tables, formulas and footnotes are not passages.
 * - article-type becomes a PubMed-style publication type the evidence
 *   classifier knows ("review-article" -> "Review"); other values are
 *   kept as they are.
 * - Each reference with a pmid or doi pub-id is a cite (pmid preferred).
 */

static ev_status jats_text_if_unset(char **field, const xmlNode *node)
{
	char *t = NULL;
	ev_status rc;

	if (*field || !node)
		return EV_OK;
	rc = xml_text_flat(node, &t);
	*field = t;
	return rc;
}

static ev_status set_title(struct record *rec, const xmlNode *group)
{
	char *title = NULL, *subtitle = NULL;
	struct buf b = BUF_INIT;
	ev_status rc;

	rc = xml_text_flat(xml_child(group, "article-title"), &title);
	if (!rc)
		rc = xml_text_flat(xml_child(group, "subtitle"), &subtitle);
	if (!rc && title && subtitle) {
		/* "Title: subtitle", unless the title ends in punctuation. */
		size_t len = strlen(title);
		int punct = len && strchr(":?!.", title[len - 1]);

		rc = buf_printf(&b, "%s%s %s", title, punct ? "" : ":",
				subtitle);
		if (!rc)
			rc = record_set(&rec->title, buf_str(&b));
	} else if (!rc && title) {
		rec->title = title;
		title = NULL;
	}
	buf_release(&b);
	free(title);
	free(subtitle);
	return rc;
}

static ev_status add_name(struct record *rec, const xmlNode *name)
{
	char *family = NULL, *given = NULL, *suffix = NULL;
	ev_status rc;

	rc = xml_text_flat(xml_child(name, "surname"), &family);
	if (!rc)
		rc = xml_text_flat(xml_child(name, "given-names"), &given);
	if (!rc)
		rc = xml_text_flat(xml_child(name, "suffix"), &suffix);
	if (!rc)
		rc = author_add_parts(rec, family, given, suffix);
	free(family);
	free(given);
	free(suffix);
	return rc;
}

static ev_status add_contributors(struct record *rec, const xmlNode *meta)
{
	ev_status rc = EV_OK;

	for (const xmlNode *g = xml_child(meta, "contrib-group"); g && !rc;
	     g = xml_next(g, "contrib-group"))
		for (const xmlNode *c = xml_child(g, "contrib"); c && !rc;
		     c = xml_next(c, "contrib")) {
			const char *type = xml_attr(c, "contrib-type");
			const xmlNode *n;
			char *text = NULL;

			if (type && strcmp(type, "author"))
				continue; /* editors, reviewers... */
			n = xml_child(c, "name");
			if (!n)
				n = xml_path(c, "name-alternatives/name");
			if (n) {
				rc = add_name(rec, n);
				continue;
			}
			n = xml_child(c, "string-name");
			if (n && xml_child(n, "surname")) {
				rc = add_name(rec, n);
				continue;
			}
			if (n) {
				rc = xml_text_flat(n, &text);
				if (!rc)
					rc = author_add_name(rec, text);
			} else if ((n = xml_child(c, "collab"))) {
				rc = xml_text_flat(n, &text);
				if (!rc && text)
					rc = record_add_author(rec, NULL, NULL,
							       text);
			}
			free(text);
		}
	return rc;
}

static ev_status set_journal(struct record *rec, const xmlNode *jm)
{
	static const char *const id_types[] = {
		"nlm-ta", "iso-abbrev", "pubmed", "publisher",
	};
	static const char *const paths[] = {
		"journal-title-group/journal-title", "journal-title",
		"journal-title-group/abbrev-journal-title",
		"abbrev-journal-title",
	};
	ev_status rc = EV_OK;

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths) && !rc; i++)
		rc = jats_text_if_unset(&rec->container_title,
					xml_path(jm, paths[i]));
	/* Some publishers (the BMJ) give only journal ids. */
	for (size_t i = 0; i < sizeof(id_types) / sizeof(*id_types) && !rc;
	     i++)
		for (const xmlNode *id = xml_child(jm, "journal-id");
		     id && !rc && !rec->container_title;
		     id = xml_next(id, "journal-id")) {
			const char *type = xml_attr(id, "journal-id-type");

			if (type && !strcmp(type, id_types[i]))
				rc = jats_text_if_unset(&rec->container_title,
							id);
		}
	if (!rc)
		rc = jats_text_if_unset(&rec->publisher,
					xml_path(jm, "publisher/"
						     "publisher-name"));
	return rc;
}

/* Lower is better; 0: not a publication date. */
static int pub_date_rank(const xmlNode *d)
{
	const char *type = xml_attr(d, "pub-type");
	const char *dtype = xml_attr(d, "date-type");
	const char *format = xml_attr(d, "publication-format");

	if (!type)
		type = dtype;
	if (!type)
		return 6;
	if (!strcmp(type, "ppub") ||
	    (!strcmp(type, "pub") && format && !strcmp(format, "print")))
		return 1;
	if (!strcmp(type, "epub-ppub"))
		return 2;
	if (!strcmp(type, "pub"))
		return 3;
	if (!strcmp(type, "epub"))
		return 4;
	if (!strcmp(type, "collection"))
		return 5;
	return 0; /* pmc-release, accepted, received... */
}

static int node_number(const xmlNode *node)
{
	char *t = NULL;
	int v = 0;

	if (xml_text_flat(node, &t) == EV_OK && t)
		v = isdigit((unsigned char)*t) ? atoi(t)
					       : month_from_name(t, strlen(t));
	free(t);
	return v;
}

static void read_date(const xmlNode *d, struct date *out)
{
	struct date dt = { 0, 0, 0 };

	dt.year = node_number(xml_child(d, "year"));
	if (dt.year) {
		dt.month = node_number(xml_child(d, "month"));
		dt.day = node_number(xml_child(d, "day"));
		if (dt.month < 1 || dt.month > 12)
			dt.month = dt.day = 0;
		if (dt.day < 1 || dt.day > 31)
			dt.day = 0;
	} else if (xml_attr(d, "iso-8601-date")) {
		date_parse(xml_attr(d, "iso-8601-date"), &dt);
	}
	*out = dt;
}

static void set_date(struct record *rec, const xmlNode *meta)
{
	int best = 0;

	for (const xmlNode *d = xml_child(meta, "pub-date"); d;
	     d = xml_next(d, "pub-date")) {
		int rank = pub_date_rank(d);
		struct date dt;

		if (!rank || (best && rank >= best))
			continue;
		read_date(d, &dt);
		if (dt.year) {
			rec->issued = dt;
			best = rank;
		}
	}
}

static ev_status set_pages(struct record *rec, const xmlNode *meta)
{
	char *first = NULL, *last = NULL;
	ev_status rc;

	rc = xml_text_flat(xml_child(meta, "fpage"), &first);
	if (!rc)
		rc = xml_text_flat(xml_child(meta, "lpage"), &last);
	if (!rc)
		rc = record_set_pages(rec, first, last);
	if (!rc)
		rc = jats_text_if_unset(&rec->page,
					xml_child(meta, "elocation-id"));
	free(first);
	free(last);
	return rc;
}

/* PMC gives "3574550" where others write "PMC3574550": always the
 * latter. */
static ev_status set_pmcid(struct record *rec, const xmlNode *id)
{
	struct buf b = BUF_INIT;
	char *t = NULL;
	ev_status rc = xml_text_flat(id, &t);

	if (!rc && t)
		rc = buf_printf(&b, "%s%s", str_istarts_with(t, "pmc") ? ""
								       : "PMC",
				t);
	if (!rc && b.len)
		rc = record_set(&rec->pmcid, buf_str(&b));
	buf_release(&b);
	free(t);
	return rc;
}

static ev_status set_ids(struct record *rec, const xmlNode *meta)
{
	ev_status rc = EV_OK;

	for (const xmlNode *id = xml_child(meta, "article-id"); id && !rc;
	     id = xml_next(id, "article-id")) {
		const char *type = xml_attr(id, "pub-id-type");

		if (!type)
			continue;
		if (!strcmp(type, "doi"))
			rc = jats_text_if_unset(&rec->doi, id);
		else if (!strcmp(type, "pmid"))
			rc = jats_text_if_unset(&rec->pmid, id);
		else if ((!strcmp(type, "pmc") || !strcmp(type, "pmcid")) &&
			 !rec->pmcid)
			rc = set_pmcid(rec, id);
	}
	return rc;
}

static ev_status set_article_type(struct record *rec, const char *type)
{
	static const char *const types[][2] = {
		{ "research-article", "Journal Article" },
		{ "brief-report", "Journal Article" },
		{ "rapid-communication", "Journal Article" },
		{ "review-article", "Review" },
		{ "systematic-review", "Systematic Review" },
		{ "editorial", "Editorial" },
		{ "letter", "Letter" },
		{ "reply", "Letter" },
		{ "commentary", "Comment" },
		{ "article-commentary", "Comment" },
		{ "discussion", "Comment" },
		{ "correction", "Published Erratum" },
		{ "retraction", "Retraction of Publication" },
		{ "news", "News" },
		{ "case-report", "Case Reports" },
		{ "meeting-report", "Congress" },
		{ "guideline", "Guideline" },
		{ "practice-guideline", "Practice Guideline" },
	};

	if (!type || !*type)
		return EV_OK;
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(type, types[i][0]))
			return strvec_push_unique(&rec->publication_types,
						  types[i][1]);
	return strvec_push_unique(&rec->publication_types, type);
}

/* Elements whose text is not running prose. */
static int not_prose(const xmlNode *n)
{
	static const char *const names[] = {
		"fig", "fig-group", "table-wrap", "table-wrap-group", "table",
		"disp-formula", "disp-formula-group", "supplementary-material",
		"media", "graphic", "alternatives", "ref-list", "fn-group",
		"tex-math", "math", "title", "label", "object-id",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (xml_is(n, names[i]))
			return 1;
	return 0;
}

/* Inside a paragraph: leave out what is not prose, and the blocks that
 * hold paragraphs of their own (lists, boxes, quotes), which the walk
 * reaches separately. */
static int skip_in_paragraph(const xmlNode *n, void *ctx)
{
	static const char *const blocks[] = {
		"list", "boxed-text", "disp-quote", "def-list", "sec", "p",
		"statement", "fn", "speech", "verse-group", "array",
	};

	(void)ctx;
	if (not_prose(n))
		return 1;
	/* Citation markers: "Shah1" reads (and is searched) as "Shah". */
	if (xml_is(n, "xref") && xml_attr(n, "ref-type") &&
	    !strcmp(xml_attr(n, "ref-type"), "bibr"))
		return 1;
	for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++)
		if (xml_is(n, blocks[i]))
			return 1;
	return 0;
}

/* The title of the section (or box) NODE is in, below STOP. */
static ev_status section_of(const xmlNode *node, const xmlNode *stop,
			    char **out)
{
	*out = NULL;
	for (const xmlNode *a = node->parent; a && a != stop; a = a->parent)
		if ((xml_is(a, "sec") || xml_is(a, "boxed-text") ||
		     xml_is(a, "app")) && xml_child(a, "title"))
			return xml_text_flat(xml_child(a, "title"), out);
	return EV_OK;
}

/* Paragraphs below ROOT as passages; their text joined into JOINED when
 * it is not NULL. */
static ev_status add_paragraphs(struct record *rec, const xmlNode *root,
				struct buf *joined)
{
	ev_status rc = EV_OK;

	for (const xmlNode *n = root; n && !rc;) {
		char *text = NULL, *section = NULL;

		if (n != root && not_prose(n)) {
			n = xml_walk(root, n, 0);
			continue;
		}
		if (xml_is(n, "p")) {
			rc = xml_text_skip(n, skip_in_paragraph, NULL, &text);
			if (!rc && text) {
				text_collapse_space(markup_flatten(text));
				text_drop_empty_brackets(text);
				rc = section_of(n, root, &section);
			}
			if (!rc && text && *text)
				rc = record_add_passage(rec, text, section);
			if (!rc && joined && text && *text) {
				if (joined->len)
					rc = buf_addstr(joined, "\n\n");
				if (!rc)
					rc = buf_addstr(joined, text);
			}
			free(text);
			free(section);
		}
		n = xml_walk(root, n, 1);
	}
	return rc;
}

static const xmlNode *choose_abstract(const xmlNode *meta)
{
	const xmlNode *first = NULL, *plain = NULL;

	for (const xmlNode *a = xml_child(meta, "abstract"); a;
	     a = xml_next(a, "abstract")) {
		const char *type = xml_attr(a, "abstract-type");

		if (!type)
			return a;
		if (!plain && strcmp(type, "teaser") &&
		    strcmp(type, "graphical") && strcmp(type, "toc"))
			plain = a;
		if (!first)
			first = a;
	}
	return plain ? plain : first;
}

static ev_status set_abstract(struct record *rec, const xmlNode *abstract)
{
	struct buf joined = BUF_INIT;
	size_t before = rec->n_passages;
	ev_status rc;

	if (!abstract)
		return EV_OK;
	rc = add_paragraphs(rec, abstract, &joined);
	if (!rc && rec->n_passages == before) {
		/* An abstract with no <p>: its text is one passage. */
		char *text = NULL;

		rc = xml_text_flat(abstract, &text);
		if (!rc && text) {
			rc = record_add_passage(rec, text, NULL);
			if (!rc)
				rc = buf_addstr(&joined, text);
		}
		free(text);
	}
	if (!rc && joined.len) {
		rec->abstract = buf_detach(&joined);
		if (!rec->abstract)
			rc = EV_NOMEM;
	}
	buf_release(&joined);
	return rc;
}

static ev_status add_body(struct record *rec, const xmlNode *body)
{
	char *html = NULL;
	ev_status rc;

	if (xml_child(body, NULL))
		return add_paragraphs(rec, body, NULL);
	/* No elements: HTML kept as text (SciELO wraps it in CDATA). */
	rc = xml_text(body, &html);
	if (!rc && html && strchr(html, '<'))
		rc = html_fragment_passages(html, strlen(html), rec, NULL);
	else if (!rc && html)
		rc = record_add_passage(rec, markup_flatten(html), NULL);
	free(html);
	return rc;
}

static ev_status add_references(struct record *rec, const xmlNode *back)
{
	ev_status rc = EV_OK;

	for (const xmlNode *n = back; n && !rc;) {
		char *pmid = NULL, *doi = NULL;

		if (!xml_is(n, "ref")) {
			n = xml_walk(back, n, 1);
			continue;
		}
		for (const xmlNode *id = n; id && !rc;
		     id = xml_walk(n, id, !xml_is(id, "pub-id"))) {
			const char *type = xml_attr(id, "pub-id-type");

			if (!xml_is(id, "pub-id") || !type)
				continue;
			if (!strcmp(type, "pmid"))
				rc = jats_text_if_unset(&pmid, id);
			else if (!strcmp(type, "doi"))
				rc = jats_text_if_unset(&doi, id);
		}
		if (!rc)
			rc = record_add_cite(rec, pmid, doi);
		free(pmid);
		free(doi);
		n = xml_walk(back, n, 0);
	}
	return rc;
}

static ev_status read_article(struct record *rec, const xmlNode *article)
{
	const xmlNode *front = xml_child(article, "front");
	const xmlNode *jm = xml_child(front, "journal-meta");
	const xmlNode *meta = xml_child(front, "article-meta");
	const xmlNode *group = xml_child(meta, "title-group");
	const char *lang;
	ev_status rc;

	rc = record_set(&rec->type, "article-journal");
	if (!rc)
		rc = set_title(rec, group);
	if (!rc)
		rc = add_contributors(rec, meta);
	if (!rc)
		rc = set_journal(rec, jm);
	set_date(rec, meta);
	if (!rc)
		rc = jats_text_if_unset(&rec->volume,
					xml_child(meta, "volume"));
	if (!rc)
		rc = jats_text_if_unset(&rec->issue, xml_child(meta, "issue"));
	if (!rc) /* SciELO's name for it */
		rc = jats_text_if_unset(&rec->issue,
					xml_child(meta, "numero"));
	if (!rc)
		rc = set_pages(rec, meta);
	if (!rc)
		rc = set_ids(rec, meta);
	lang = xml_attr(article, "lang");
	if (!lang)
		lang = xml_attr(xml_child(group, "article-title"), "lang");
	if (!rc)
		rc = record_set_language(rec, lang);
	if (!rc)
		rc = set_article_type(rec, xml_attr(article, "article-type"));
	for (const xmlNode *g = xml_child(meta, "kwd-group"); g && !rc;
	     g = xml_next(g, "kwd-group"))
		for (const xmlNode *k = xml_child(g, "kwd"); k && !rc;
		     k = xml_next(k, "kwd")) {
			char *kw = NULL;

			rc = xml_text_flat(k, &kw);
			if (!rc && kw)
				rc = strvec_push_unique(&rec->keywords, kw);
			free(kw);
		}
	if (!rc)
		rc = set_abstract(rec, choose_abstract(meta));
	for (const xmlNode *b = xml_child(article, "body"); b && !rc;
	     b = xml_next(b, "body"))
		rc = add_body(rec, b);
	for (const xmlNode *b = xml_child(article, "back"); b && !rc;
	     b = xml_next(b, "back"))
		rc = add_references(rec, b);
	return rc;
}

ev_status parse_jats(struct parser *p, const char *data, size_t len)
{
	struct record rec;
	xmlDoc *doc = NULL;
	const xmlNode *root, *a;
	ev_status rc;

	record_init(&rec);
	rc = xml_parse(data, len, p->url, &doc, p->err, p->errsz);
	if (rc)
		return rc;
	root = xmlDocGetRootElement(doc);
	/* One article, or a set of them (PMC's efetch wraps them). */
	a = xml_is(root, "article") ? root : xml_child(root, "article");
	if (!a) {
		rc = parser_fail(p, EV_PARSE, "no JATS <article> element");
		goto out;
	}
	for (; a && !rc; a = a == root ? NULL : xml_next(a, "article")) {
		rc = read_article(&rec, a);
		if (rc) {
			rc = parser_fail(p, rc, "out of memory");
			break;
		}
		rc = parser_emit(p, &rec);
	}
out:
	record_release(&rec);
	xml_free(doc);
	return rc;
}
