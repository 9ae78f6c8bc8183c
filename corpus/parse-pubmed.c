/* parse-pubmed.c - PubMed efetch XML, streamed one record at a time */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * PubMed's efetch XML (a PubmedArticleSet, or one bare PubmedArticle) is
 * read with libxml2's streaming reader: each PubmedArticle or
 * PubmedBookArticle is expanded into a small tree, turned into a record,
 * passed on, and freed, so a 1 GB file needs the memory of its largest
 * record only.  A record bigger than the payload cap (parse_input's
 * max_size) fails the parse with EV_TOO_BIG.
 *
 * Choices worth knowing:
 * - The title loses PubMed's closing full stop, and a translated title
 *   PubMed puts in brackets ("[A Broader Scope ...].") loses the
 *   brackets.  VernacularTitle (the title in the original language) is
 *   not kept: it is not a subject keyword, and citations use the English
 *   title; it stands in only when there is no ArticleTitle.
 * - Authors come from the AuthorList of type "authors" (or untyped);
 *   editors are left out.  A Suffix ("Jr") follows the given name.
 *   Authors marked ValidYN="N" are left out.
 * - The date is PubDate (Year/Month/Day, or MedlineDate "2019 Jan-Feb"),
 *   else ArticleDate; DateCompleted or DateCreated give only a year.  A
 *   book chapter's date is its ContributionDate, else the book's PubDate.
 * - Each AbstractText is a passage with its Label as the section; the
 *   abstract is the texts joined by blank lines (labels left out).
 * - MeSH descriptors and KeywordList keywords are the keywords.
 * - CommentsCorrections become relations named from RefType in lower
 *   case with hyphens (ErratumFor -> "erratum-for", CommentIn ->
 *   "comment-in"), aimed at "pmid:N", else at the DOI in RefSource;
 *   RefType Cites and the ReferenceList become cites (pmid preferred,
 *   else doi, one per reference).
 */

static const char *const record_names[] = {
	"PubmedArticle", "PubmedBookArticle", NULL,
};

/* Set *FIELD to NODE's text unless it is set already. */
static ev_status text_if_unset(char **field, const xmlNode *node)
{
	char *t = NULL;
	ev_status rc;

	if (*field || !node)
		return EV_OK;
	rc = xml_text(node, &t);
	*field = t;
	return rc;
}

void pubmed_tidy_title(char *t)
{
	size_t len = strlen(t);
	int depth = 0;

	if (len > 1 && t[len - 1] == '.' && t[len - 2] != '.')
		t[--len] = '\0';
	if (len < 2 || t[0] != '[' || t[len - 1] != ']')
		return;
	for (size_t i = 0; i < len; i++) {
		depth += t[i] == '[' ? 1 : t[i] == ']' ? -1 : 0;
		if (depth == 0 && i + 1 < len)
			return; /* "[a] b [c]": not one bracketed title */
	}
	memmove(t, t + 1, len - 2);
	t[len - 2] = '\0';
	len -= 2;
	if (len > 1 && t[len - 1] == '.' && t[len - 2] != '.')
		t[len - 1] = '\0';
}

static ev_status set_title(struct record *rec, const xmlNode *title)
{
	ev_status rc;

	if (rec->title || !title)
		return EV_OK;
	rc = xml_text(title, &rec->title);
	if (!rc && rec->title)
		pubmed_tidy_title(rec->title);
	return rc;
}

static int node_int(const xmlNode *node)
{
	char *t = NULL;
	int v = 0;

	if (xml_text(node, &t) == EV_OK && t)
		v = isdigit((unsigned char)*t) ? atoi(t)
					       : month_from_name(t, strlen(t));
	free(t);
	return v;
}

/* A PubMed date element: Year/Month/Day, or a MedlineDate. */
static int read_date(const xmlNode *node, struct date *d)
{
	const xmlNode *year = xml_child(node, "Year");
	char *t = NULL;
	int found = 0;

	memset(d, 0, sizeof(*d));
	if (!node)
		return 0;
	if (year) {
		d->year = node_int(year);
		d->month = node_int(xml_child(node, "Month"));
		d->day = node_int(xml_child(node, "Day"));
		if (d->month < 1 || d->month > 12)
			d->month = d->day = 0;
		if (d->day < 1 || d->day > 31)
			d->day = 0;
		return d->year > 0;
	}
	if (xml_text(xml_child(node, "MedlineDate"), &t) == EV_OK && t)
		found = date_parse(t, d);
	free(t);
	return found;
}

static ev_status add_authors(struct record *rec, const xmlNode *list)
{
	ev_status rc = EV_OK;

	for (const xmlNode *a = xml_child(list, "Author"); a && !rc;
	     a = xml_next(a, "Author")) {
		char *family = NULL, *given = NULL, *suffix = NULL;
		char *collective = NULL;
		const char *valid = xml_attr(a, "ValidYN");

		if (valid && !strcmp(valid, "N"))
			continue;
		rc = xml_text(xml_child(a, "LastName"), &family);
		if (!rc)
			rc = xml_text(xml_child(a, "ForeName"), &given);
		if (!rc && !given)
			rc = xml_text(xml_child(a, "Initials"), &given);
		if (!rc)
			rc = xml_text(xml_child(a, "Suffix"), &suffix);
		if (!rc)
			rc = xml_text(xml_child(a, "CollectiveName"),
				      &collective);
		if (!rc && family)
			rc = author_add_parts(rec, family, given, suffix);
		else if (!rc && collective)
			rc = record_add_author(rec, NULL, NULL, collective);
		free(family);
		free(given);
		free(suffix);
		free(collective);
	}
	return rc;
}

/* The author lists of ELEMENT that are lists of authors (not editors). */
static ev_status add_author_lists(struct record *rec, const xmlNode *element)
{
	ev_status rc = EV_OK;

	for (const xmlNode *l = xml_child(element, "AuthorList"); l && !rc;
	     l = xml_next(l, "AuthorList")) {
		const char *type = xml_attr(l, "Type");

		if (!type || !strcmp(type, "authors"))
			rc = add_authors(rec, l);
	}
	return rc;
}

static ev_status add_abstract(struct record *rec, const xmlNode *abstract)
{
	struct buf joined = BUF_INIT;
	ev_status rc = EV_OK;

	for (const xmlNode *t = xml_child(abstract, "AbstractText"); t && !rc;
	     t = xml_next(t, "AbstractText")) {
		char *text = NULL, *label = NULL;

		rc = xml_text(t, &text);
		if (!rc && xml_attr(t, "Label")) {
			label = strdup(xml_attr(t, "Label"));
			if (!label)
				rc = EV_NOMEM;
			else if (!*text_collapse_space(label)) {
				free(label);
				label = NULL;
			}
		}
		if (!rc && text) {
			rc = record_add_passage(rec, text, label);
			if (!rc && joined.len)
				rc = buf_addstr(&joined, "\n\n");
			if (!rc)
				rc = buf_addstr(&joined, text);
		}
		free(text);
		free(label);
	}
	if (!rc && joined.len && !rec->abstract) {
		rec->abstract = buf_detach(&joined);
		if (!rec->abstract)
			rc = EV_NOMEM;
	}
	buf_release(&joined);
	return rc;
}

static ev_status add_texts(struct strvec *sv, const xmlNode *parent,
			   const char *name)
{
	ev_status rc = EV_OK;

	for (const xmlNode *n = xml_child(parent, name); n && !rc;
	     n = xml_next(n, name)) {
		char *t = NULL;

		rc = xml_text(n, &t);
		if (!rc && t)
			rc = strvec_push_unique(sv, t);
		free(t);
	}
	return rc;
}

static ev_status add_keywords(struct record *rec, const xmlNode *citation)
{
	ev_status rc = EV_OK;

	for (const xmlNode *m = xml_path(citation, "MeshHeadingList/"
						    "MeshHeading");
	     m && !rc; m = xml_next(m, "MeshHeading"))
		rc = add_texts(&rec->keywords, m, "DescriptorName");
	for (const xmlNode *k = xml_child(citation, "KeywordList"); k && !rc;
	     k = xml_next(k, "KeywordList"))
		rc = add_texts(&rec->keywords, k, "Keyword");
	return rc;
}

/* ArticleId elements: the record's own ids. */
static ev_status add_ids(struct record *rec, const xmlNode *list)
{
	ev_status rc = EV_OK;

	for (const xmlNode *id = xml_child(list, "ArticleId"); id && !rc;
	     id = xml_next(id, "ArticleId")) {
		const char *type = xml_attr(id, "IdType");

		if (!type)
			continue;
		if (!strcmp(type, "doi"))
			rc = text_if_unset(&rec->doi, id);
		else if (!strcmp(type, "pmc"))
			rc = text_if_unset(&rec->pmcid, id);
		else if (!strcmp(type, "pubmed"))
			rc = text_if_unset(&rec->pmid, id);
	}
	return rc;
}

/* The PubMed id and DOI in an ArticleIdList, for a citation. */
static ev_status cite_from_ids(struct record *rec, const xmlNode *list)
{
	char *pmid = NULL, *doi = NULL;
	ev_status rc = EV_OK;

	for (const xmlNode *id = xml_child(list, "ArticleId"); id && !rc;
	     id = xml_next(id, "ArticleId")) {
		const char *type = xml_attr(id, "IdType");

		if (type && !strcmp(type, "pubmed"))
			rc = text_if_unset(&pmid, id);
		else if (type && !strcmp(type, "doi"))
			rc = text_if_unset(&doi, id);
	}
	if (!rc)
		rc = record_add_cite(rec, pmid, doi);
	free(pmid);
	free(doi);
	return rc;
}

static ev_status add_references(struct record *rec, const xmlNode *list)
{
	ev_status rc = EV_OK;

	/* ReferenceList can nest (a titled sub-list); walk it all. */
	for (const xmlNode *n = list; n && !rc;) {
		if (xml_is(n, "Reference")) {
			rc = cite_from_ids(rec, xml_child(n, "ArticleIdList"));
			n = xml_walk(list, n, 0);
		} else {
			n = xml_walk(list, n, 1);
		}
	}
	return rc;
}

/* "ErratumFor" -> "erratum-for". */
static char *relation_name(const char *reftype)
{
	struct buf b = BUF_INIT;

	for (const char *c = reftype; *c; c++) {
		if (isupper((unsigned char)*c) && c != reftype &&
		    buf_addch(&b, '-'))
			goto fail;
		if (buf_addch(&b, (char)tolower((unsigned char)*c)))
			goto fail;
	}
	return buf_detach(&b);
fail:
	buf_release(&b);
	return NULL;
}

/* The DOI in a RefSource ("... 2021;111(10):1815-1823. doi:
 * 10.2105/AJPH.2021.306412."), or NULL. */
static char *doi_in(const char *source)
{
	const char *p = source ? strstr(source, "10.") : NULL;
	char *doi;

	if (!p)
		return NULL;
	doi = xstrndup(p, strcspn(p, " \t\n"));
	if (doi && !doi_normalise(doi)) {
		free(doi);
		doi = NULL;
	}
	return doi;
}

static ev_status add_comments(struct record *rec, const xmlNode *list)
{
	ev_status rc = EV_OK;

	for (const xmlNode *c = xml_child(list, "CommentsCorrections");
	     c && !rc; c = xml_next(c, "CommentsCorrections")) {
		const char *type = xml_attr(c, "RefType");
		char *pmid = NULL, *source = NULL, *doi = NULL, *name = NULL;
		struct buf target = BUF_INIT;

		if (!type || !*type)
			continue;
		rc = xml_text(xml_child(c, "PMID"), &pmid);
		if (!rc)
			rc = xml_text(xml_child(c, "RefSource"), &source);
		if (!rc && !pmid)
			doi = doi_in(source);
		if (!rc && !strcmp(type, "Cites")) {
			rc = record_add_cite(rec, pmid, doi);
		} else if (!rc && (pmid || doi)) {
			name = relation_name(type);
			if (!name ||
			    buf_printf(&target, pmid ? "pmid:%s" : "doi:%s",
				       pmid ? pmid : doi))
				rc = EV_NOMEM;
			else
				rc = record_add_relation(rec, name,
							 buf_str(&target));
		}
		buf_release(&target);
		free(pmid);
		free(source);
		free(doi);
		free(name);
	}
	return rc;
}

static ev_status add_pages(struct record *rec, const xmlNode *pagination)
{
	char *start = NULL, *end = NULL;
	ev_status rc;

	rc = text_if_unset(&rec->page, xml_child(pagination, "MedlinePgn"));
	if (!rc)
		rc = xml_text(xml_child(pagination, "StartPage"), &start);
	if (!rc)
		rc = xml_text(xml_child(pagination, "EndPage"), &end);
	if (!rc)
		rc = record_set_pages(rec, start, end);
	free(start);
	free(end);
	return rc;
}

static ev_status read_article(struct record *rec, const xmlNode *element)
{
	const xmlNode *citation = xml_child(element, "MedlineCitation");
	const xmlNode *article = xml_child(citation, "Article");
	const xmlNode *journal = xml_child(article, "Journal");
	const xmlNode *issue = xml_child(journal, "JournalIssue");
	const xmlNode *data = xml_child(element, "PubmedData");
	ev_status rc;

	rc = record_set(&rec->type, "article-journal");
	if (!rc)
		rc = text_if_unset(&rec->pmid, xml_child(citation, "PMID"));
	if (!rc)
		rc = set_title(rec, xml_child(article, "ArticleTitle"));
	if (!rc)
		rc = set_title(rec, xml_child(article, "VernacularTitle"));
	if (!rc)
		rc = text_if_unset(&rec->container_title,
				   xml_child(journal, "Title"));
	if (!rc)
		rc = text_if_unset(&rec->container_title,
				   xml_child(journal, "ISOAbbreviation"));
	if (!rc)
		rc = text_if_unset(&rec->volume, xml_child(issue, "Volume"));
	if (!rc)
		rc = text_if_unset(&rec->issue, xml_child(issue, "Issue"));
	if (!rc)
		rc = add_pages(rec, xml_child(article, "Pagination"));
	if (!read_date(xml_child(issue, "PubDate"), &rec->issued) &&
	    !read_date(xml_child(article, "ArticleDate"), &rec->issued)) {
		struct date d;

		if (read_date(xml_child(citation, "DateCompleted"), &d) ||
		    read_date(xml_child(citation, "DateCreated"), &d))
			rec->issued.year = d.year;
	}
	for (const xmlNode *e = xml_child(article, "ELocationID"); e && !rc;
	     e = xml_next(e, "ELocationID")) {
		const char *type = xml_attr(e, "EIdType");
		const char *valid = xml_attr(e, "ValidYN");

		if (type && !strcmp(type, "doi") &&
		    !(valid && !strcmp(valid, "N")))
			rc = text_if_unset(&rec->doi, e);
	}
	if (!rc)
		rc = add_ids(rec, xml_child(data, "ArticleIdList"));
	if (!rc)
		rc = add_author_lists(rec, article);
	if (!rc) {
		char *lang = NULL;

		rc = xml_text(xml_child(article, "Language"), &lang);
		if (!rc)
			rc = record_set_language(rec, lang);
		free(lang);
	}
	if (!rc)
		rc = add_abstract(rec, xml_child(article, "Abstract"));
	if (!rc)
		rc = add_texts(&rec->publication_types,
			       xml_child(article, "PublicationTypeList"),
			       "PublicationType");
	if (!rc)
		rc = add_keywords(rec, citation);
	if (!rc)
		rc = add_comments(rec, xml_child(citation,
						 "CommentsCorrectionsList"));
	for (const xmlNode *l = xml_child(data, "ReferenceList"); l && !rc;
	     l = xml_next(l, "ReferenceList"))
		rc = add_references(rec, l);
	return rc;
}

static ev_status read_book_article(struct record *rec,
				   const xmlNode *element)
{
	const xmlNode *doc = xml_child(element, "BookDocument");
	const xmlNode *book = xml_child(doc, "Book");
	const xmlNode *data = xml_child(element, "PubmedBookData");
	ev_status rc;

	rc = text_if_unset(&rec->pmid, xml_child(doc, "PMID"));
	if (!rc)
		rc = set_title(rec, xml_child(doc, "ArticleTitle"));
	/* A whole book has no ArticleTitle: the book is the work. */
	if (!rc && rec->title) {
		rc = record_set(&rec->type, "chapter");
		if (!rc)
			rc = text_if_unset(&rec->container_title,
					   xml_child(book, "BookTitle"));
	} else if (!rc) {
		rc = record_set(&rec->type, "book");
		if (!rc)
			rc = set_title(rec, xml_child(book, "BookTitle"));
	}
	if (!rc)
		rc = text_if_unset(&rec->publisher,
				   xml_path(book, "Publisher/PublisherName"));
	if (!rc)
		rc = text_if_unset(&rec->volume, xml_child(book, "Volume"));
	if (!read_date(xml_child(doc, "ContributionDate"), &rec->issued))
		read_date(xml_child(book, "PubDate"), &rec->issued);
	if (!rc)
		rc = add_ids(rec, xml_child(doc, "ArticleIdList"));
	if (!rc)
		rc = add_ids(rec, xml_child(data, "ArticleIdList"));
	/* Book/AuthorList holds the editors; the chapter's authors are in
	 * BookDocument. */
	if (!rc)
		rc = add_author_lists(rec, doc);
	if (!rc) {
		char *lang = NULL;

		rc = xml_text(xml_child(doc, "Language"), &lang);
		if (!rc)
			rc = record_set_language(rec, lang);
		free(lang);
	}
	if (!rc)
		rc = add_abstract(rec, xml_child(doc, "Abstract"));
	if (!rc)
		rc = add_texts(&rec->publication_types, doc,
			       "PublicationType");
	if (!rc)
		rc = add_keywords(rec, doc);
	for (const xmlNode *l = xml_child(doc, "ReferenceList"); l && !rc;
	     l = xml_next(l, "ReferenceList"))
		rc = add_references(rec, l);
	return rc;
}

static ev_status on_record(xmlNode *element, void *ctx)
{
	struct parser *p = ctx;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	if (xml_is(element, "PubmedArticle"))
		rc = read_article(&rec, element);
	else
		rc = read_book_article(&rec, element);
	/* The next record's bytes are counted from here (parser_read's
	 * per-record cap). */
	p->mark = p->consumed;
	if (rc) {
		record_release(&rec);
		return parser_fail(p, rc, "out of memory");
	}
	if (!rec.pmid && !rec.title) {
		record_release(&rec);
		return EV_OK; /* an empty shell: nothing to keep */
	}
	return parser_emit(p, &rec);
}

ev_status parse_pubmed(struct parser *p)
{
	ev_status rc;

	p->consumed = p->mark = 0;
	p->read_rc = EV_OK;
	rc = xml_stream(parser_read, p, p->url, record_names, on_record, p,
			p->err, p->errsz);
	if (rc && p->read_rc == EV_TOO_BIG)
		return parser_fail(p, EV_TOO_BIG,
				   "a PubMed record over the %zu-byte cap",
				   p->max_size);
	if (rc && p->read_rc)
		return parser_fail(p, p->read_rc, "cannot read the payload");
	return rc;
}
