/* test-parse.c - the import parsers: fixtures, helpers, hostile input */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "fsutil.h"
#include "parse-formats.h"
#include "parse.h"
#include "record.h"
#include "parse-check.h"
#include "tap.h"
#include "text.h"
#include "xml.h"

static char tmpdir[256];
static char fixtures[1024];

static char *tmp_path(const char *name)
{
	return fs_join(tmpdir, name);
}

static void write_file(const char *name, const void *data, size_t len)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	free(path);
}

/* Write DATA (LEN bytes, or a string when LEN is 0) to tmpdir/NAME and
 * parse it. */
static ev_status run_bytes(const char *name, const char *data, size_t len,
			   const struct run *opt, struct collected *c,
			   char *err, size_t errsz)
{
	char *path = tmp_path(name);
	ev_status rc;

	write_file(name, data, len ? len : strlen(data));
	rc = run_path(path, opt, c, err, errsz);
	unlink(path);
	free(path);
	return rc;
}

static char *fixture(const char *name)
{
	return fs_join(fixtures, name);
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* --- The fixtures, field by field --- */

/* Every value here was read off the fixture by hand. */
static const struct expect fixture_cases[] = {
	/* PubMed set, record 1: structured abstract, inline markup in the
	 * title and abstract, an invalid author, a suffix, MeSH plus a
	 * keyword list with a duplicate, Cites and a reference list. */
	{ .file = "pubmed-set.xml", .n_records = 3, .index = 0,
	  .type = "article-journal", .evidence_type = "systematic-review",
	  .title = "Large-scale general practice collaborations in England: "
		   "a systematic review",
	  .container = "The British journal of general practice : the "
		       "journal of the Royal College of General "
		       "Practitioners",
	  .publisher = "", .doi = "10.3399/bjgp19x704585",
	  .pmid = "90000001", .pmcid = "PMC6592331", .volume = "69",
	  .issue = "684", .page = "e456-e463", .language = "en", .url = "",
	  .abstract = "General practices in England are joining networks, "
		      "federations and super-partnerships.\n\nWe searched "
		      "for studies of collaborations between practices "
		      "published from 1990 to 2018.\n\nCollaborations with "
		      "focused goals and dedicated support reported more "
		      "success; benefits took years to appear (H2 in 3 of "
		      "12 studies).\n\nExpectations should be modest and "
		      "timescales long.",
	  .year = 2019, .month = 7, .day = 1,
	  .n_authors = 3, .author1 = "Pettigrew|Luisa M",
	  .author_last = "Mays|N Jr",
	  .n_passages = 4,
	  .passage1 = "BACKGROUND|General practices in England are joining "
		      "networks, federations and super-partnerships.",
	  .passage_last = "CONCLUSION|Expectations should be modest and "
			  "timescales long.",
	  .n_keywords = 3, .keyword = "primary care networks",
	  .pubtype = "Systematic Review", .n_relations = 0, .n_cites = 3,
	  .cite = "doi:10.1000/xyz.2017.1",
	  .absent = { "Mistaken", "Copyright", "British Journal of General "
		      "Practice 2019", "trends" } },
	/* Record 2: collective author, MedlineDate, CommentOn by PMID,
	 * ErratumIn by the DOI in RefSource, UpdateIn with no target. */
	{ .file = "pubmed-set.xml", .n_records = 3, .index = 1,
	  .evidence_type = "editorial",
	  .title = "Primary care networks: a marathon, not a sprint",
	  .container = "BMJ (Clinical research ed.)", .doi = "",
	  .page = "l5311", .issue = "", .abstract = "",
	  .year = 2019, .month = 1, .day = 0,
	  .n_authors = 2, .author1 = "=Primary Care Network Evaluation Group",
	  .author_last = "Smith|Judith", .n_passages = 0, .n_keywords = 0,
	  .relation = "erratum-in=doi:10.1136/bmj.l6000", .n_relations = 2,
	  .n_cites = 0, .absent = { "update-in" } },
	/* Record 3: no year in PubDate, so ArticleDate; ISOAbbreviation
	 * when there is no Title; ErratumFor. */
	{ .file = "pubmed-set.xml", .n_records = 3, .index = 2,
	  .title = "Erratum: Large-scale general practice collaborations in "
		   "England",
	  .container = "Br J Gen Pract", .year = 2019, .month = 8, .day = 15,
	  .n_authors = 1, .n_passages = 0, .n_keywords = -1,
	  .pubtype = "Published Erratum",
	  .relation = "erratum-for=pmid:90000001", .n_relations = 1,
	  .n_cites = 0 },
	/* A bare PubmedArticle, no declaration: bracketed translated title,
	 * VernacularTitle not used, only a Season so DateCreated's year. */
	{ .file = "pubmed-bare.xml", .n_records = 1,
	  .title = "Cooperation between general practices in Germany",
	  .container = "Zeitschrift fur Allgemeinmedizin", .pmid = "90000004",
	  .language = "de", .page = "12-8",
	  .year = 2003, .month = 0, .day = 0,
	  .n_authors = 1, .author1 = "M\xc3\xbcller|Anke", .n_passages = 0,
	  .n_keywords = -1, .n_relations = -1, .n_cites = -1,
	  .absent = { "Kooperation" } },
	/* A book chapter: editors are not authors, the chapter's
	 * ContributionDate, the publisher, <sup> in the book title. */
	{ .file = "pubmed-book.xml", .n_records = 1,
	  .type = "chapter", .title = "GP federations",
	  .container = "Working at Scale\xc2\xae: a guide for practices",
	  .publisher = "Example Health Policy Institute", .pmid = "90000005",
	  .year = 2016, .month = 3, .day = 9,
	  .n_authors = 1, .author1 = "Chapman|Carl", .n_passages = 1,
	  .passage1 = "SUMMARY|Federations let practices share back-office "
		      "work and bid for contracts together.",
	  .n_keywords = -1, .pubtype = "Review", .n_relations = -1,
	  .n_cites = -1, .absent = { "Editorson", "NBK900005" } },
	/* JATS: subtitle, suffix, collab, an editor left out, ppub over
	 * epub with a month name, PMC id digits, the teaser abstract left
	 * out, citation markers dropped, list items, a box, no figure or
	 * table text, references. */
	{ .file = "jats-article.xml", .n_records = 1,
	  .type = "article-journal", .evidence_type = "review",
	  .title = "Working at scale in general practice: lessons from "
		   "federations and networks",
	  .container = "British Journal of General Practice",
	  .publisher = "Royal College of General Practitioners",
	  .doi = "10.3399/bjgp20x000001", .pmid = "90000011",
	  .pmcid = "PMC6592999", .volume = "70", .issue = "691",
	  .page = "88-94", .language = "en",
	  .abstract = "Practices have formed federations to share staff and "
		      "services.\n\nTo draw lessons for primary care "
		      "networks.",
	  .year = 2020, .month = 2, .day = 0,
	  .n_authors = 3, .author1 = "Ahmed|Fatima",
	  .author_last = "=North Tyneside GP Federation", .n_passages = 8,
	  .passage1 = "Background|Practices have formed federations to share "
		      "staff and services.",
	  .passage_last = "Key points|Trust is built slowly.",
	  .n_keywords = 2, .keyword = "primary care networks",
	  .pubtype = "Review", .n_relations = 0, .n_cites = 2,
	  .cite = "pmid:30509873",
	  .absent = { "Editorson", "teaser", "figure caption", "table caption",
		      "cell text", "We thank", "[, ]", "practices.1" } },
	/* HTML with every vocabulary: citation_* wins over JSON-LD, DC and
	 * OG field by field, JSON-LD fills the publisher; boilerplate of
	 * every kind stays out of the passages. */
	{ .file = "html-article.html", .n_records = 1,
	  .type = "article-journal",
	  .title = "Primary care networks one year on: focus, pace & "
		   "relationships",
	  .container = "Example Journal of Primary Care",
	  .publisher = "Example Health Think Tank",
	  .doi = "10.5555/ejpc.2020.0101", .volume = "12", .issue = "3",
	  .page = "101-109", .language = "en",
	  .url = "https://example.org/reports/pcn-one-year-on",
	  .year = 2020, .month = 1, .day = 23,
	  .n_authors = 2, .author1 = "Baird|Beccy",
	  .author_last = "Charles|Anna", .n_passages = 5,
	  .passage1 = "|Primary care networks brought practices together in "
		      "July 2019.",
	  .passage_last = "Pace|Expect change to take years, not months.",
	  .n_keywords = 2, .keyword = "collaboration", .n_relations = 0,
	  .n_cites = 0,
	  .absent = { "cookies", "Home", "tagline", "Share this", "Aside",
		      "reference entry", "sidebar", "Footer", "script text",
		      "style text", "link list item", "loses" } },
	/* Dublin Core only, double-escaped "&amp;amp;", a DOI among the
	 * identifiers, no main container (all <p> of the body), a navbar. */
	{ .file = "html-dc.html", .n_records = 1,
	  .type = "webpage", .title = "GP federations & the long game",
	  .container = "", .publisher = "Example Trust",
	  .doi = "10.5555/blog.2019.6", .language = "en", .url = "",
	  .year = 2019, .month = 6, .day = 12,
	  .n_authors = 2, .author1 = "Smith|Judith",
	  .author_last = "Harshfield|Amelia", .n_passages = 2,
	  .passage1 = "|GP federations began as a way to bid for community "
		      "contracts.",
	  .n_keywords = 2, .keyword = "workforce", .n_relations = 0,
	  .n_cites = 0, .absent = { "Menu text", "&amp;" } },
	/* Plain text: capitals before the title, a blank line holding a
	 * tab, every paragraph a passage. */
	{ .file = "text-seed.txt", .n_records = 1,
	  .type = "article",
	  .title = "Primary care networks: focus before scale",
	  .year = 0, .month = 0, .day = 0, .n_authors = 0, .n_passages = 6,
	  .passage1 = "|LETTERS",
	  .passage_last = "|It takes years for trust between practices to "
			  "grow.",
	  .n_keywords = 0, .n_relations = 0, .n_cites = 0 },
	/* CSL-JSON: an array of two; literal authors, "keyword" split. */
	{ .file = "csl.json", .n_records = 2, .index = 0,
	  .type = "article-journal",
	  .title = "Primary care networks: the impact of covid-19 and the "
		   "challenges ahead",
	  .container = "BMJ", .doi = "10.1136/bmj.m3353", .volume = "370",
	  .page = "m3353", .year = 2020, .month = 9, .day = 3,
	  .n_authors = 2, .author1 = "Baird|Beccy",
	  .author_last = "=The King's Fund", .n_passages = 0,
	  .n_keywords = 2, .keyword = "covid-19", .n_relations = 0,
	  .n_cites = 0 },
	/* The second item: the abstract split into passages. */
	{ .file = "csl.json", .n_records = 2, .index = 1,
	  .type = "report", .evidence_type = "report",
	  .url = "https://example.org/federations", .year = 2018,
	  .month = 0, .day = 0, .n_authors = 0, .n_passages = 2,
	  .passage1 = "|Federations took years to mature.",
	  .passage_last = "|Relationships mattered most.", .n_keywords = 0,
	  .n_relations = 0, .n_cites = 0 },
};

static void test_fixtures(void)
{
	struct collected c = { .n = 0 };
	char err[512];

	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(*fixture_cases);
	     i++) {
		const struct expect *fc = &fixture_cases[i];
		char *path = fixture(fc->file);
		char name[128];
		ev_status rc;

		snprintf(name, sizeof(name), "%s[%zu]", fc->file, fc->index);
		rc = run_path(path, NULL, &c, err, sizeof(err));
		free(path);
		is_int(rc, fc->rc, "%s parses (%s)", name, rc ? err : "ok");
		is_int(c.seen, fc->n_records, "%s: records", name);
		if (fc->index >= c.n)
			ok(0, "%s: no record %zu", name, fc->index);
		else
			check_expect(name, &c.recs[fc->index], fc);
	}
	collected_release(&c);
}

/* --- Helpers, table by table --- */

static void test_detect(void)
{
	static const struct {
		const char *head;
		size_t len; /* 0: strlen */
		const char *name;
		enum format want;
	} cases[] = {
	    {"<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "
	     "\"-//NLM//DTD PubMedArticle//EN\" \"x.dtd\">",
	     0, NULL, FORMAT_PUBMED},
	    {"<PubmedArticle><MedlineCitation>", 0, NULL, FORMAT_PUBMED},
	    {"<?xml version=\"1.0\"?><PubmedBookArticle>", 0, NULL,
	     FORMAT_PUBMED},
	    {"<?xml version=\"1.0\"?><pmc-articleset><article>", 0, NULL,
	     FORMAT_JATS},
	    {"<!DOCTYPE article PUBLIC \"-//NLM//DTD JATS\" \"a.dtd\">\n"
	     "<article>",
	     0, "x.xml", FORMAT_JATS},
	    /* a namespace prefix on the root */
	    {"<j:article xmlns:j=\"http://jats.nlm.nih.gov\">", 0, NULL,
	     FORMAT_JATS},
	    /* BOM, then a doctype */
	    {"\xef\xbb\xbf<!DOCTYPE html><html>", 0, NULL, FORMAT_HTML},
	    {"<!-- saved page --><html lang=\"en\">", 0, NULL, FORMAT_HTML},
	    {"  \n<HTML><HEAD>", 0, NULL, FORMAT_HTML},
	    {"<meta charset=utf-8><p>x", 0, NULL, FORMAT_HTML},
	    /* UTF-16LE with a BOM */
	    {"\xff\xfe<\0h\0t\0m\0l\0>\0", 14, NULL, FORMAT_HTML},
	    /* feeds are read by content, whatever the extension */
	    {"<?xml version=\"1.0\"?><rss version=\"2.0\">", 0, "feed.xml",
	     FORMAT_FEED},
	    {"<!-- c -->\n<!DOCTYPE rss [<!ENTITY id \"x\">]>\n<rss>", 0,
	     "a.txt", FORMAT_FEED},
	    /* other XML is not ours */
	    {"<eSearchResult><Count>0</Count>", 0, NULL, FORMAT_UNKNOWN},
	    {"{\"title\": \"x\", \"type\": \"report\"}", 0, NULL,
	     FORMAT_CSL_JSON},
	    {"[{\"DOI\": \"10.1/x\"}]", 0, "items", FORMAT_CSL_JSON},
	    /* API envelopes are not CSL, even named .json */
	    {"{\"status\":\"ok\",\"message-type\":\"work\",\"message\":"
	     "{\"DOI\":\"10.1/x\",\"title\":[\"t\"]}}",
	     0, "work.json", FORMAT_CROSSREF},
	    {"{\"a\": 1}", 0, NULL, FORMAT_UNKNOWN},
	    /* only the first item's own keys count: not the second
	     * item's, not a nested object's */
	    {"[{\"a\": 1}, {\"title\": \"x\"}]", 0, NULL, FORMAT_UNKNOWN},
	    {"{\"x\": {\"title\": \"t\", \"DOI\": \"10.1/x\"}}", 0, NULL,
	     FORMAT_UNKNOWN},
	    /* escaped quotes, in a key and in a value, end no string */
	    {"{\"ti\\\"tle\": \"a \\\"quoted\\\" \\\\\", \"type\": \"report\"}",
	     0, NULL, FORMAT_CSL_JSON},
	    {"{\"note\": \"\\\"title\\\": 1\"}", 0, NULL, FORMAT_UNKNOWN},
	    /* an envelope's key in the item makes it not ours */
	    {"{\"title\": \"x\", \"hitCount\": 3}", 0, "x.json",
	     FORMAT_UNKNOWN},
	    /* a CSL item cut off in the head: the extension decides */
	    {"{\"abstract\": \"a very long abstract that goes on", 0, "x.json",
	     FORMAT_CSL_JSON},
	    {"Primary care networks\n\nText.", 0, "notes.txt", FORMAT_TEXT},
	    {"Primary care networks\n\nText.", 0, NULL, FORMAT_TEXT},
	    {"Plain text in a file named .html", 0, "page.html", FORMAT_HTML},
	    {"Caf\xe9 au lait\n", 0, NULL, FORMAT_TEXT},
	    {"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 0, "paper.txt", FORMAT_UNKNOWN},
	    {"abc\0def", 7, NULL, FORMAT_UNKNOWN},
	    {"", 0, NULL, FORMAT_TEXT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len =
		    cases[i].len ? cases[i].len : strlen(cases[i].head);

		is_str(format_name(format_detect(cases[i].head, len,
						 cases[i].name)),
		       format_name(cases[i].want), "detect case %zu", i);
	}
	/* Regression: a head cut right after a root element's name (a
	 * truncated sample) was read past its end, since the name's end
	 * was found with strspn(), which wants a NUL.  Exact-size copies
	 * without one, so that ASan sees any byte read beyond. */
	{
		static const char *const cut[] = {"<?xml version=\"1.0\"?>\n<rss",
						  "<feed", "<rdf:RDF", "<doi_records",
						  /* JSON cut right after a key,
						   * or a blank after it: the
						   * next byte was read to look
						   * for ':' (found by the
						   * fuzzer) */
						  "{\"title\"", "[{\"DOI\"",
						  "{\"type\" \n", "{\"a\":{\"b\"",
						  /* inside a string, after a
						   * backslash */
						  "{\"title\": \"x\\"};

		for (size_t i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
			size_t n = strlen(cut[i]);
			char *head = malloc(n);

			memcpy(head, cut[i], n);
			ok(format_detect(head, n, NULL) < FORMAT_COUNT,
			   "a head cut after '%s' is read within its bounds",
			   cut[i]);
			free(head);
		}
	}
	is_int(format_lookup("csl-json"), FORMAT_CSL_JSON, "lookup csl-json");
	is_int(format_lookup("PUBMED"), FORMAT_PUBMED, "lookup is caseless");
	is_int(format_lookup("docx"), FORMAT_UNKNOWN, "lookup unknown");
	is_str(format_name(FORMAT_COUNT), "unknown", "name out of range");
}

static void test_dates(void)
{
	static const struct {
		const char *s;
		int found, year, month, day;
	} cases[] = {
		{ "1955", 1, 1955, 0, 0 },
		{ "2019-04-22", 1, 2019, 4, 22 },
		{ "2008/02/04", 1, 2008, 2, 4 },
		{ "2010/09", 1, 2010, 9, 0 },
		{ "2010-05-05T00:00:00Z", 1, 2010, 5, 5 },
		{ "Apr 22, 2019", 1, 2019, 4, 22 },
		{ "22 April 2019", 1, 2019, 4, 22 },
		{ "September 2019", 1, 2019, 9, 0 },
		{ "2019 Jan-Feb", 1, 2019, 1, 0 },     /* MedlineDate */
		{ "1998 Dec 15-1999 Jan 2", 1, 1998, 12, 15 },
		{ "2000 Spring", 1, 2000, 0, 0 },
		{ "04/22/2019", 1, 2019, 4, 22 },      /* US order */
		{ "22/04/2019", 1, 2019, 4, 22 },      /* day first */
		{ "03/04/2019", 1, 2019, 0, 0 },       /* ambiguous: year */
		{ "04/2019", 1, 2019, 4, 0 },
		{ "2019-13-01", 1, 2019, 0, 0 },       /* no month 13 */
		{ "Sept. 3, 2020", 1, 2020, 9, 3 },
		{ "no date here", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 },
		{ "12345", 0, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct date d;
		int found = date_parse(cases[i].s, &d);

		ok(found == cases[i].found && d.year == cases[i].year &&
			   d.month == cases[i].month && d.day == cases[i].day,
		   "date '%s' -> %d %d-%d-%d", cases[i].s, found, d.year,
		   d.month, d.day);
	}
}

/* PubMed's titles, the same rule for its XML and for MEDLINE. */
static void test_pubmed_titles(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Networks in England.", "Networks in England" },
		{ "Networks in England", "Networks in England" },
		{ "Wait...", "Wait..." }, /* an ellipsis is kept */
		{ "[Cooperation in Germany].", "Cooperation in Germany" },
		{ "[Cooperation in Germany]", "Cooperation in Germany" },
		/* a full stop inside the brackets goes too */
		{ "[Cooperation in Germany.]", "Cooperation in Germany" },
		/* brackets inside the translated title stay */
		{ "[Cooperation [a review] in Germany].",
		  "Cooperation [a review] in Germany" },
		/* two bracketed parts are not one translated title */
		{ "[a] b [c].", "[a] b [c]" },
		{ "[a][b]", "[a][b]" },
		{ "[unclosed.", "[unclosed" },
		{ "[]", "" },
		{ ".", "." },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *t = strdup(cases[i].in);

		pubmed_tidy_title(t);
		is_str(t, cases[i].want, "pubmed title '%s'", cases[i].in);
		free(t);
	}
}

static void test_author_names(void)
{
	static const struct {
		const char *name;
		const char *want; /* as check_author() prints; NULL: none */
	} cases[] = {
		{ "Baird, Beccy", "Baird|Beccy" },
		{ "Beccy Baird", "Baird|Beccy" },
		{ "Jevan Alexander Hutson", "Hutson|Jevan Alexander" },
		{ "Ludwig van Beethoven", "van Beethoven|Ludwig" },
		{ "Marylee J van der Meulen", "van der Meulen|Marylee J" },
		{ "Martin Luther King Jr", "King|Martin Luther Jr" },
		{ "Bandyopadhyay-Ghosh, Sanchita",
		  "Bandyopadhyay-Ghosh|Sanchita" },
		{ "NHS England", "=NHS England" },
		{ "The Nuffield Trust", "=The Nuffield Trust" },
		{ "Primary Care Network Evaluation Group",
		  "=Primary Care Network Evaluation Group" },
		{ "Anonymous", "=Anonymous" },
		{ "  Judith   Smith ", "Smith|Judith" },
		{ "   ", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct record rec;

		record_init(&rec);
		is_int(author_add_name(&rec, cases[i].name), EV_OK,
		       "author '%s' added", cases[i].name);
		if (!cases[i].want)
			is_int(rec.n_authors, 0, "no author from '%s'",
			       cases[i].name);
		else
			check_author(cases[i].name, "split", rec.authors,
				     cases[i].want);
		record_release(&rec);
	}
}

static void test_markup(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Maize (<i>Zea mays</i> L.) Grain Yield",
	     "Maize (Zea mays L.) Grain Yield"},
	    {"Pediatr&iacute;a (Asunci&oacute;n)", "Pediatr\xc3\xad"
						   "a (Asunci\xc3\xb3n)"},
	    {"In&nbsp;Vitro", "In\xc2\xa0Vitro"},
	    {"p < 0.05 and a<b", "p < 0.05 and a<b"},
	    {"&lt;i&gt;Zea&lt;/i&gt;", "Zea"},
	    {"A&#x2019;s &#8211; &#146;",
	     "A\xe2\x80\x99s \xe2\x80\x93 \xe2\x80\x99"},
	    {"&unknown; &amp no semicolon", "&unknown; &amp no semicolon"},
	    {"line<br/>break", "line break"},
	    {"<!-- note -->text", "text"},
	    {"bad &#0; &#xD800; &#x110000;",
	     "bad \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd"},
	    {"&Eacute;tude &amp;amp; &beta;-blocker",
	     "\xc3\x89tude &amp; \xce\xb2-blocker"},
	    {"unclosed <b tag", "unclosed <b tag"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *s = strdup(cases[i].in);

		is_str(markup_flatten(s), cases[i].want, "flatten '%s'",
		       cases[i].in);
		free(s);
	}
}

static void test_languages(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "eng", "en" }, { "ENG", "en" }, { "ger", "de" },
		{ "fre", "fr" }, { "en-GB", "en" }, { "fr_FR", "fr" },
		{ "En", "en" }, { "English", "en" }, { "cym", "cy" },
		{ "und", NULL }, { "", NULL }, { "x", NULL },
		{ "klingon", NULL }, { "123", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct record rec;

		record_init(&rec);
		is_int(record_set_language(&rec, cases[i].in), EV_OK,
		       "language '%s' read", cases[i].in);
		is_str(rec.language, cases[i].want, "language '%s'",
		       cases[i].in);
		record_release(&rec);
	}
}

/* --- Plain text --- */

static void test_text(void)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *title;
		long passages;
		const char *passage2; /* NULL: not checked */
	} cases[] = {
	    /* No blank line: one paragraph per line. */
	    {"Federations and networks: a long view\nGP federations formed "
	     "from 2014.\nNetworks followed in 2019.\n",
	     0, "Federations and networks: a long view", 3,
	     "GP federations formed from 2014."},
	    /* A first paragraph too long for a title: its first
	     * sentence ("Dr." and "J." do not end it). */
	    {"Primary care networks must under-promise and over-deliver, "
	     "says Dr. J. Smith, to keep the support of their member "
	     "practices. They must put in place new services for local "
	     "people and build an evidence base for the future, which "
	     "takes time and patience from everyone involved.\n\nSecond.",
	     0,
	     "Primary care networks must under-promise and "
	     "over-deliver, says Dr. J. Smith, to keep the support of "
	     "their member practices.",
	     2, "Second."},
	    /* Only capitals: no title. */
	    {"LETTERS\n\nPRIMARY CARE\n", 0, NULL, 2, "PRIMARY CARE"},
	    /* CRLF and a blank line holding spaces. */
	    {"Title line\r\n  \r\nBody one\r\nstill one\r\n\r\nBody two\r\n",
	     0, "Title line", 3, "Body one still one"},
	    /* Windows-1252: no valid UTF-8 sequence, so decoded as such. */
	    {"Caf\xe9 \x93quoted\x94 and GP\x92s\n", 0,
	     "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d and "
	     "GP\xe2\x80\x99s",
	     1, NULL},
	    /* UTF-8 with one damaged byte: kept as UTF-8, U+FFFD. */
	    {"Caf\xc3\xa9 and na\xc3\xafve \xff end\n", 0,
	     "Caf\xc3\xa9 and na\xc3\xafve \xef\xbf\xbd end", 1, NULL},
	    /* UTF-16LE with a BOM. */
	    {"\xff\xfeT\0i\0t\0l\0\xe9\0\n\0\n\0B\0o\0d\0y\0", 24,
	     "Titl\xc3\xa9", 2, "Body"},
	    /* UTF-16BE with a BOM and a surrogate pair (U+1F600). */
	    {"\xfe\xff\0H\0i\xd8\x3d\xde\x00", 10, "Hi\xf0\x9f\x98\x80", 1,
	     NULL},
	    /* A UTF-8 BOM is not text. */
	    {"\xef\xbb\xbfTitle\n\nBody\n", 0, "Title", 2, "Body"},
	    /* Nothing at all: no record. */
	    {"\n\n  \n", 0, NULL, -1, NULL},
	};
	struct run opt = { FORMAT_TEXT, 0, NULL, NULL };
	struct collected c = { .n = 0 };
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len =
		    cases[i].len ? cases[i].len : strlen(cases[i].text);
		ev_status rc = run_bytes("t.txt", cases[i].text, len, &opt, &c,
					 err, sizeof(err));

		is_int(rc, EV_OK, "text %zu parses", i);
		if (cases[i].passages < 0) {
			is_int(c.seen, 0, "text %zu: no record", i);
			continue;
		}
		if (!c.n) {
			ok(0, "text %zu: a record", i);
			continue;
		}
		is_str(c.recs[0].title, cases[i].title, "text %zu: title", i);
		is_int(c.recs[0].n_passages, cases[i].passages,
		       "text %zu: passages", i);
		if (cases[i].passage2 && c.recs[0].n_passages > 1)
			is_str(c.recs[0].passages[1].text, cases[i].passage2,
			       "text %zu: second passage", i);
	}
	/* A NUL byte is not text: refused when detected, replaced when
	 * the caller says it is text. */
	is_int(run_bytes("nul.dat", "abc\0def", 7, NULL, &c, err, sizeof(err)),
	       EV_UNSUPPORTED, "a NUL byte is not text (%s)", err);
	is_int(run_bytes("nul.dat", "abc\0def", 7, &opt, &c, err, sizeof(err)),
	       EV_OK, "forced text with a NUL parses");
	if (c.n)
		is_str(c.recs[0].title, "abc\xef\xbf\xbd" "def",
		       "the NUL is U+FFFD");
	collected_release(&c);
}

/* --- HTML beyond the fixtures --- */

/* 1,000 levels of arrays around an article type and a DOI. */
#define ARRAYS_10 "[[[[[[[[[["
#define ARRAYS_100 \
	ARRAYS_10 ARRAYS_10 ARRAYS_10 ARRAYS_10 ARRAYS_10 ARRAYS_10 \
	ARRAYS_10 ARRAYS_10 ARRAYS_10 ARRAYS_10
#define ARRAYS_1000 \
	ARRAYS_100 ARRAYS_100 ARRAYS_100 ARRAYS_100 ARRAYS_100 ARRAYS_100 \
	ARRAYS_100 ARRAYS_100 ARRAYS_100 ARRAYS_100
#define CLOSE_10 "]]]]]]]]]]"
#define CLOSE_100 \
	CLOSE_10 CLOSE_10 CLOSE_10 CLOSE_10 CLOSE_10 CLOSE_10 CLOSE_10 \
	CLOSE_10 CLOSE_10 CLOSE_10
#define CLOSE_1000 \
	CLOSE_100 CLOSE_100 CLOSE_100 CLOSE_100 CLOSE_100 CLOSE_100 \
	CLOSE_100 CLOSE_100 CLOSE_100 CLOSE_100
#define NESTED_JSONLD \
	"<html><head><title>Nested</title><script type=\"application/" \
	"ld+json\">{\"@type\": " ARRAYS_1000 "\"Article\"" CLOSE_1000 \
	", \"identifier\": " ARRAYS_1000 "\"doi:10.1/x\"" CLOSE_1000 \
	"}</script></head><body><p>Nested arrays.</p></body></html>"

static void test_html(void)
{
	static const struct {
		const char *html;
		const char *charset;
		ev_status rc;
		const char *type, *title, *author1, *passage1, *date;
	} cases[] = {
	    /* A bot challenge: nothing to keep. */
	    {.html = "<html><head><title>Just a moment...</title><script>"
		     "x()</script></head><body><div class=\"main-content"
		     "\"><noscript>Enable JavaScript</noscript></div>"
		     "</body></html>",
	     .rc = EV_PARSE},
	    /* JSON-LD BlogPosting in an array, Person and Organization
	     * authors, no main container: post-weblog. */
	    {.html = "<html><head><script type=\"application/ld+json\">"
		     "[{\"@type\":\"BreadcrumbList\"},{\"@type\":"
		     "\"BlogPosting\",\"headline\":\"Why PCNs need time"
		     "\",\"author\":[{\"@type\":\"Person\",\"givenName"
		     "\":\"Amelia\",\"familyName\":\"Harshfield\"},"
		     "{\"@type\":\"Organization\",\"name\":\"Nuffield "
		     "Trust\"}],\"datePublished\":\"2019-03-20T09:00:00"
		     "+00:00\"}]</script></head><body><p>Networks need "
		     "breathing space.</p></body></html>",
	     .type = "post-weblog",
	     .title = "Why PCNs need time",
	     .author1 = "Harshfield|Amelia",
	     .passage1 = "|Networks need breathing space.",
	     .date = "2019-3-20"},
	    /* NewsArticle via mainEntity: a newspaper article. */
	    {.html = "<html><head><script type=\"application/ld+json\">"
		     "{\"@type\":\"WebPage\",\"mainEntity\":{\"@type\":"
		     "\"NewsArticle\",\"name\":\"GPs sign up to networks"
		     "\",\"author\":\"Jo Bloggs\"}}</script></head><body>"
		     "<article><p>Almost every practice joined.</p>"
		     "</article></body></html>",
	     .type = "article-newspaper",
	     .title = "GPs sign up to networks",
	     .author1 = "Bloggs|Jo",
	     .passage1 = "|Almost every practice joined."},
	    /* Regression: nested arrays in @type and identifier were
	     * followed as deep as jansson parses (2048 levels). */
	    {.html = NESTED_JSONLD,
	     .type = "webpage",
	     .title = "Nested",
	     .passage1 = "|Nested arrays."},
	    /* Broken JSON-LD is ignored; OpenGraph gives the title. */
	    {.html = "<html><head><meta property=\"og:title\" content="
		     "\"OG only\"><meta property=\"article:published_time"
		     "\" content=\"2021-05-04\"><script type=\"application"
		     "/ld+json\">{not json</script></head><body><main><p>"
		     "Text.</p></main></body></html>",
	     .type = "webpage",
	     .title = "OG only",
	     .passage1 = "|Text.",
	     .date = "2021-5-4"},
	    /* No metadata but text: the <h1> is the title. */
	    {.html = "<html><head><title>Site | Page</title></head><body>"
		     "<main><h1>Federations at five</h1><p>They grew.</p>"
		     "</main></body></html>",
	     .type = "webpage",
	     .title = "Federations at five",
	     .passage1 = "|They grew."},
	    /* Windows-1252 bytes and no charset anywhere. */
	    {.html = "<html><body><p>The practice\x92s \x93network\x94"
		     "</p></body></html>",
	     .passage1 = "|The practice\xe2\x80\x99s \xe2\x80\x9cnetwork"
			 "\xe2\x80\x9d"},
	    /* The HTTP charset is used... */
	    {.html = "<html><body><p>Caf\xe9</p></body></html>",
	     .charset = "iso-8859-1",
	     .passage1 = "|Caf\xc3\xa9"},
	    /* ...and one libxml2 does not know is ignored. */
	    {.html = "<html><body><p>Plain</p></body></html>",
	     .charset = "x-no-such-charset",
	     .passage1 = "|Plain"},
	    /* A <meta> naming a legacy charset is followed. */
	    {.html = "<html><head><meta http-equiv=\"Content-Type\" "
		     "content=\"text/html; charset=windows-1251\"></head>"
		     "<body><p>\xcf\xf0\xe8</p></body></html>",
	     .passage1 = "|\xd0\x9f\xd1\x80\xd0\xb8"},
	};
	struct collected c = { .n = 0 };
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct run opt = { FORMAT_UNKNOWN, 0, cases[i].charset, NULL };
		ev_status rc = run_bytes("page.html", cases[i].html, 0, &opt,
					 &c, err, sizeof(err));
		const struct record *r = c.n ? &c.recs[0] : NULL;
		char date[32];

		is_int(rc, cases[i].rc, "html %zu: status (%s)", i,
		       rc ? err : "ok");
		if (cases[i].rc) {
			is_str(err, "no article metadata or text found",
			       "html %zu: message", i);
			continue;
		}
		if (!r) {
			ok(0, "html %zu: a record", i);
			continue;
		}
		if (cases[i].type)
			is_str(r->type, cases[i].type, "html %zu: type", i);
		if (cases[i].title)
			is_str(r->title, cases[i].title, "html %zu: title", i);
		check_author("html", "first author",
			     r->n_authors ? r->authors : NULL,
			     cases[i].author1);
		check_passage("html", "first passage",
			      r->n_passages ? r->passages : NULL,
			      cases[i].passage1);
		snprintf(date, sizeof(date), "%d-%d-%d", r->issued.year,
			 r->issued.month, r->issued.day);
		if (cases[i].date)
			is_str(date, cases[i].date, "html %zu: date", i);
	}
	collected_release(&c);
}

/* --- Payload handling: provenance, pipes, caps, the sink --- */

static void test_provenance(void)
{
	char *path = fixture("pubmed-set.xml"), *abs = realpath(path, NULL);
	struct buf data = BUF_INIT, url = BUF_INIT;
	struct collected c = { .n = 0 };
	struct run opt = { FORMAT_UNKNOWN, 0, NULL, NULL };
	char err[256], hash[65];

	fs_read_file(path, 0, &data);
	text_sha256_hex(data.ptr, data.len, hash);
	buf_printf(&url, "file://%s", abs);
	is_int(run_path(path, NULL, &c, err, sizeof(err)), EV_OK,
	       "provenance: parses");
	for (size_t i = 0; i < c.n; i++) {
		const struct provenance *p = c.recs[i].provenance;

		is_int(c.recs[i].n_provenance, 1, "record %zu: one provenance",
		       i);
		is_str(p->source, "file", "record %zu: source", i);
		is_str(p->format, "pubmed", "record %zu: format", i);
		is_str(p->url, buf_str(&url), "record %zu: file:// url", i);
		is_str(p->content_hash, hash, "record %zu: payload hash", i);
		ok(p->fetched_at && strlen(p->fetched_at) == 20 &&
			   p->fetched_at[19] == 'Z',
		   "record %zu: fetched_at '%s'", i, p->fetched_at);
		ok(!c.recs[i].id, "record %zu: no id assigned", i);
	}
	opt.url = "https://pubmed.example/efetch?id=1";
	is_int(run_path(path, &opt, &c, err, sizeof(err)), EV_OK,
	       "provenance with a URL: parses");
	if (c.n)
		is_str(c.recs[0].provenance->url, opt.url,
		       "the given URL is the provenance URL");
	collected_release(&c);

	/* A hash the caller has is the records' as given, for a streamed
	 * format and one read into memory: the parser does not hash the
	 * bytes again (this one is not theirs, to tell). */
	for (int k = 0; k < 2; k++) {
		static const char given[] = "0123456789abcdef0123456789abcdef"
					    "0123456789abcdef0123456789abcdef";
		char *f = fixture(k ? "html-article.html" : "pubmed-set.xml");
		struct parse_input in = { .name = f, .hash = given };
		int all = 1;

		in.fd = open(f, O_RDONLY);
		is_int(parse_input(FORMAT_UNKNOWN, &in, collect, &c, err,
				   sizeof(err)),
		       EV_OK, "given hash, %s: parses", f);
		for (size_t i = 0; i < c.n; i++)
			all &= !strcmp(c.recs[i].provenance->content_hash,
				       given);
		ok(c.n > 0 && all, "given hash, %s: the records carry it", f);
		close(in.fd);
		collected_release(&c);
		free(f);
	}
	buf_release(&data);
	buf_release(&url);
	free(abs);
	free(path);
}

struct feeder {
	int fd;
	const char *data;
	size_t len;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	size_t off = 0;

	while (off < f->len) {
		ssize_t n = write(f->fd, f->data + off, f->len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(f->fd);
	return NULL;
}

/* A pipe cannot seek: read whole (under the cap), then parsed. */
static void test_pipe(void)
{
	static const char *const files[] = {
		"pubmed-set.xml", "jats-article.xml", "html-article.html",
	};
	static const size_t want[] = { 3, 1, 1 };

	for (size_t i = 0; i < 3; i++) {
		char *path = fixture(files[i]);
		struct buf data = BUF_INIT;
		struct collected c = { .n = 0 };
		struct parse_input in = { .name = files[i], .fd = -1 };
		struct feeder f;
		pthread_t th;
		int fds[2];
		char err[256];
		ev_status rc;

		fs_read_file(path, 0, &data);
		if (pipe(fds)) {
			ok(0, "pipe");
			continue;
		}
		f = (struct feeder){ fds[1], data.ptr, data.len };
		pthread_create(&th, NULL, feed, &f);
		in.fd = fds[0];
		rc = parse_input(FORMAT_UNKNOWN, &in, collect, &c, err,
				 sizeof(err));
		pthread_join(th, NULL);
		close(fds[0]);
		is_int(rc, EV_OK, "%s through a pipe (%s)", files[i],
		       rc ? err : "ok");
		is_int(c.seen, want[i], "%s through a pipe: records",
		       files[i]);
		collected_release(&c);
		buf_release(&data);
		free(path);
	}
}

static void test_caps_and_sink(void)
{
	struct collected c = { .n = 0 };
	struct run opt = { FORMAT_UNKNOWN, 1000, NULL, NULL };
	char *path, err[256];
	ev_status rc;

	path = fixture("html-article.html");
	rc = run_path(path, &opt, &c, err, sizeof(err));
	is_int(rc, EV_TOO_BIG, "HTML over a 1000-byte cap");
	is_str(err, "payload over the 1000-byte cap", "cap message");
	free(path);

	/* Streamed PubMed: the cap is per record.  The first record of
	 * the set is over 3000 bytes, the others under. */
	path = fixture("pubmed-set.xml");
	opt.max_size = 3000;
	rc = run_path(path, &opt, &c, err, sizeof(err));
	is_int(rc, EV_TOO_BIG, "PubMed record over a 3000-byte cap");
	is_str(err, "a PubMed record over the 3000-byte cap",
	       "per-record cap message");
	is_int(c.seen, 0, "nothing passed before the big record");
	opt.max_size = 8000;
	is_int(run_path(path, &opt, &c, err, sizeof(err)), EV_OK,
	       "the set fits an 8000-byte cap per record");

	/* A sink that says stop. */
	c.stop_after = 1;
	rc = run_path(path, NULL, &c, err, sizeof(err));
	is_int(rc, EV_INTERRUPTED, "the sink's status is returned");
	is_int(c.seen, 1, "no record after the sink said stop");
	c.stop_after = 0;
	free(path);

	/* A format given by the caller wins over detection. */
	opt = (struct run){ FORMAT_TEXT, 0, NULL, NULL };
	path = fixture("jats-article.xml");
	rc = run_path(path, &opt, &c, err, sizeof(err));
	is_int(rc, EV_OK, "JATS read as text when asked");
	if (c.n)
		ok(c.recs[0].provenance &&
			   !strcmp(c.recs[0].provenance->format, "text"),
		   "provenance says text");
	free(path);

	is_int(run_bytes("empty.xml",
			 "<?xml version=\"1.0\"?>"
			 "<PubmedArticleSet></PubmedArticleSet>",
			 0, NULL, &c, err, sizeof(err)),
	       EV_OK, "an empty PubMed set is OK");
	is_int(c.seen, 0, "an empty set has no records");
	is_int(run_bytes("x.bin", "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 0,
			 NULL, &c, err, sizeof(err)),
	       EV_UNSUPPORTED, "binary is unsupported");
	collected_release(&c);
}

/* --- Malformed and hostile input --- */

static void test_truncated(void)
{
	struct collected c = { .n = 0 };
	struct buf data = BUF_INIT;
	char *path = fixture("pubmed-set.xml"), err[256];
	const char *second;
	ev_status rc;

	fs_read_file(path, 0, &data);
	free(path);
	/* Cut inside the second record: the first has been passed. */
	second = strstr(strstr(data.ptr, "<PubmedArticle>") + 1,
			"<PubmedArticle>");
	rc = run_bytes("cut.xml", data.ptr, (size_t)(second - data.ptr) + 200,
		       NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "PubMed cut in record 2");
	ok(str_starts_with(err, "not well-formed XML at line "),
	   "message: %s", err);
	is_int(c.seen, 1, "record 1 was passed before the break");

	/* Cut in the first record. */
	rc = run_bytes("cut.xml", data.ptr, 900, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "PubMed cut in record 1");
	is_int(c.seen, 0, "nothing passed");
	buf_release(&data);

	path = fixture("jats-article.xml");
	fs_read_file(path, 0, &data);
	free(path);
	rc = run_bytes("cut.xml", data.ptr, data.len / 2, NULL, &c, err,
		       sizeof(err));
	is_int(rc, EV_PARSE, "JATS cut in half");
	ok(str_starts_with(err, "not well-formed XML at line "),
	   "message: %s", err);
	is_int(c.seen, 0, "a JATS document is all or nothing");
	buf_release(&data);

	rc = run_bytes("bad.xml", "<?xml version=\"1.0\"?>\n<article>\n<front>"
				  "\n</article>",
		       0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "mismatched tags");
	is_str(err,
	       "not well-formed XML at line 4: Opening and ending tag "
	       "mismatch: front line 3 and article",
	       "libxml2's reason and line");

	rc = run_bytes("bad.json", "[\n{\"title\": \"a\"},\n{\"title\": }\n]",
		       0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "JSON syntax error");
	ok(str_starts_with(err, "invalid JSON at line 3: "), "message: %s",
	   err);
	is_int(c.seen, 0, "nothing passed from bad JSON");
	rc = run_bytes("bad.json", "[{\"title\": \"a\"}, 42]", 0, NULL, &c,
		       err, sizeof(err));
	is_int(rc, EV_PARSE, "a non-object item");
	is_str(err, "item 2 of the array is not an object", "message");
	is_int(c.seen, 0, "nothing passed from a bad array");
	collected_release(&c);
}

static const char secret[] = "SECRET-6f1e9c-from-the-test";

static char secret_url[1024], dtd_url[1024];

static void check_no_secret(const char *what, ev_status rc,
			    const struct collected *c, const char *err)
{
	ok(rc == EV_OK || rc == EV_PARSE, "%s: OK or a clean EV_PARSE (%d %s)",
	   what, rc, err);
	for (size_t i = 0; i < c->n; i++)
		is_int(record_contains(&c->recs[i], "SECRET-6f1e9c"), 0,
		       "%s: the file's content is nowhere", what);
	ok(!strstr(err, "SECRET-6f1e9c"), "%s: nor in the message", what);
}

/* Each document names a file the test wrote (@URL@: the secret text
 * file, or a DTD declaring "leak" as the secret); none may be read. */
static const struct {
	const char *name, *file;
	int dtd; /* 1: @URL@ is the DTD's URL, 0: the text file's */
	const char *doc;
	const char *title, *passage; /* what is left, when checked */
} xxe_cases[] = {
	{ "XXE in JATS", "xxe.xml", 0,
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE article [\n<!ENTITY x SYSTEM "
	  "\"@URL@\">\n]>\n<article><front><article-meta><title-group>"
	  "<article-title>Before &x; after</article-title></title-group>"
	  "</article-meta></front></article>",
	  "Before after", NULL },
	/* The same in a streamed PubMed record. */
	{ "XXE in PubMed", "xxe-pubmed.xml", 0,
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY x "
	  "SYSTEM \"@URL@\">\n]>\n<PubmedArticleSet><PubmedArticle>"
	  "<MedlineCitation><PMID>1</PMID><Article><ArticleTitle>Title &x;"
	  "</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
	  "</PubmedArticleSet>",
	  "Title", NULL },
	/* An external DTD declaring the entity. */
	{ "external DTD", "dtd.xml", 1,
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE article SYSTEM \"@URL@\">\n"
	  "<article><body><p>Text &leak;</p></body></article>",
	  NULL, "Text" },
	/* A parameter entity pulling the DTD into the internal subset:
	 * libxml2 then knows "leak" is undeclared and says so. */
	{ "parameter entity", "pe.xml", 1,
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE article [\n<!ENTITY % p "
	  "SYSTEM \"@URL@\">\n%p;\n]>\n<article><body><p>&leak;</p></body>"
	  "</article>",
	  NULL, NULL },
	/* XInclude is never processed. */
	{ "xi:include", "xi.xml", 0,
	  "<?xml version=\"1.0\"?>\n<article xmlns:xi=\"http://www.w3.org/"
	  "2001/XInclude\"><body><p>Text <xi:include href=\"@URL@\" parse="
	  "\"text\"/></p></body></article>",
	  NULL, "Text" },
};

static void test_external_entities(void)
{
	struct collected c = { .n = 0 };
	struct buf doc = BUF_INIT;
	char err[256];
	char *dtd_path = tmp_path("secret.dtd"), *txt_path = tmp_path("s.txt");
	unsigned long before = xml_entity_loads_refused();
	xmlExternalEntityLoader loader;
	ev_status rc;

	/* The files an attacker would like us to read. */
	write_file("s.txt", secret, 0 + strlen(secret));
	{
		struct buf d = BUF_INIT;

		buf_printf(&d, "<!ENTITY leak \"%s\">", secret);
		write_file("secret.dtd", d.ptr, d.len);
		buf_release(&d);
	}
	snprintf(secret_url, sizeof(secret_url), "file://%s", txt_path);
	snprintf(dtd_url, sizeof(dtd_url), "file://%s", dtd_path);

	for (size_t i = 0; i < sizeof(xxe_cases) / sizeof(*xxe_cases); i++) {
		const char *at = strstr(xxe_cases[i].doc, "@URL@");

		buf_reset(&doc);
		buf_add(&doc, xxe_cases[i].doc,
			(size_t)(at - xxe_cases[i].doc));
		buf_addstr(&doc, xxe_cases[i].dtd ? dtd_url : secret_url);
		buf_addstr(&doc, at + 5);
		rc = run_bytes(xxe_cases[i].file, doc.ptr, 0, NULL, &c, err,
			       sizeof(err));
		check_no_secret(xxe_cases[i].name, rc, &c, err);
		if (xxe_cases[i].title)
			is_str(c.n ? c.recs[0].title : NULL,
			       xxe_cases[i].title, "%s: the rest of the title",
			       xxe_cases[i].name);
		if (xxe_cases[i].passage)
			is_str(c.n && c.recs[0].n_passages
				   ? c.recs[0].passages[0].text
				   : NULL,
			       xxe_cases[i].passage,
			       "%s: the rest of the text", xxe_cases[i].name);
	}

	/* The loader itself refuses whatever it is asked. */
	xml_setup();
	loader = xmlGetExternalEntityLoader();
	ok(loader(secret_url, NULL, NULL) == NULL,
	   "the entity loader refuses file://");
	ok(loader("http://127.0.0.1:9/x.dtd", NULL, NULL) == NULL,
	   "the entity loader refuses http://");
	ok(xml_entity_loads_refused() >= before + 2,
	   "refusals are counted (%lu)", xml_entity_loads_refused() - before);

	unlink(dtd_path);
	unlink(txt_path);
	free(dtd_path);
	free(txt_path);
	buf_release(&doc);
	collected_release(&c);
}

/* Billion laughs, in text and in an attribute, and a quadratic blowup:
 * rejected, or bounded by the expansion budget; RSS stays small.  Run
 * first, so that ru_maxrss measures them and not the other tests. */
static void test_bombs(void)
{
	struct collected c = { .n = 0 };
	struct buf doc = BUF_INIT;
	char err[256];
	ev_status rc;
	long rss;

	buf_addstr(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE article [\n"
			 "<!ENTITY l0 \"laugh\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(&doc, "<!ENTITY l%d \"", i);
		for (int k = 0; k < 10; k++)
			buf_printf(&doc, "&l%d;", i - 1);
		buf_addstr(&doc, "\">\n");
	}
	buf_addstr(&doc, "]>\n<article><body><p>&l9;</p></body></article>\n");
	rc = run_bytes("laughs.xml", doc.ptr, 0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "billion laughs is rejected (%s)", err);
	ok(strstr(err, "entity reference loop") != NULL,
	   "libxml2's amplification check said so: %s", err);

	/* The same in an attribute, which XML always expands. */
	buf_reset(&doc);
	buf_addstr(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE article [\n"
			 "<!ENTITY l0 \"laugh\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(&doc, "<!ENTITY l%d \"", i);
		for (int k = 0; k < 10; k++)
			buf_printf(&doc, "&l%d;", i - 1);
		buf_addstr(&doc, "\">\n");
	}
	buf_addstr(&doc,
		   "]>\n<article article-type=\"&l9;\"><body/></article>");
	rc = run_bytes("laughs-attr.xml", doc.ptr, 0, NULL, &c, err,
		       sizeof(err));
	is_int(rc, EV_PARSE, "billion laughs in an attribute is rejected");

	/* Quadratic: a 100 KB entity used 20,000 times.  libxml2 keeps the
	 * references; our expansion budget bounds the text. */
	buf_reset(&doc);
	buf_addstr(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE article [\n"
			 "<!ENTITY big \"");
	for (int i = 0; i < 100000 / 10; i++)
		buf_addstr(&doc, "blowup... ");
	buf_addstr(&doc, "\">\n]>\n<article><body><p>");
	for (int i = 0; i < 20000; i++)
		buf_addstr(&doc, "&big;");
	buf_addstr(&doc, "</p></body></article>\n");
	rc = run_bytes("quadratic.xml", doc.ptr, 0, NULL, &c, err,
		       sizeof(err));
	ok(rc == EV_OK || rc == EV_PARSE, "quadratic blowup: OK or EV_PARSE");
	if (rc == EV_OK && c.n && c.recs[0].n_passages)
		ok(strlen(c.recs[0].passages[0].text) <= 2u * 1024 * 1024,
		   "the text stays within the budget (%zu bytes, not 2 GB)",
		   strlen(c.recs[0].passages[0].text));
	rss = peak_rss_kb();
	ok(rss < 64 * 1024, "peak RSS after the bombs: %ld KiB (< 64 MiB)",
	   rss);
	printf("# peak RSS after the entity bombs: %ld KiB\n", rss);
	buf_release(&doc);
	collected_release(&c);
}

/* Deep trees: libxml2's XML depth limit, and walkers that never
 * recurse, checked on a small stack. */
struct deep_result {
	ev_status html_rc;
	ev_status xml_rc;
	char xml_err[256];
	int walk_ok;
};

static void *deep_thread(void *arg)
{
	struct deep_result *res = arg;
	struct collected c = { .n = 0 };
	struct buf doc = BUF_INIT;
	char err[256];

	buf_addstr(&doc, "<html><body>");
	for (int i = 0; i < 100000; i++)
		buf_addstr(&doc, "<div>");
	buf_addstr(&doc, "<p>deep text</p>");
	for (int i = 0; i < 100000; i++)
		buf_addstr(&doc, "</div>");
	buf_addstr(&doc, "</body></html>");
	res->html_rc = run_bytes("deep.html", doc.ptr, doc.len, NULL, &c, err,
				 sizeof(err));

	buf_reset(&doc);
	buf_addstr(&doc, "<?xml version=\"1.0\"?><article><body>");
	for (int i = 0; i < 10000; i++)
		buf_addstr(&doc, "<sec>");
	for (int i = 0; i < 10000; i++)
		buf_addstr(&doc, "</sec>");
	buf_addstr(&doc, "</body></article>");
	res->xml_rc = run_bytes("deep.xml", doc.ptr, doc.len, NULL, &c,
				res->xml_err, sizeof(res->xml_err));

	/* A tree built by hand, deeper than any parser allows. */
	{
		xmlDoc *d = xmlNewDoc((const xmlChar *)"1.0");
		xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"article");
		xmlNode *n = root;
		char *text = NULL;

		xmlDocSetRootElement(d, root);
		for (int i = 0; i < 100000; i++)
			n = xmlNewChild(n, NULL, (const xmlChar *)"sec", NULL);
		xmlNewChild(n, NULL, (const xmlChar *)"p",
			    (const xmlChar *)"bottom");
		res->walk_ok = xml_find(root, "p") != NULL &&
			       xml_text(root, &text) == EV_OK && text &&
			       !strcmp(text, "bottom");
		free(text);
		xml_free(d);
	}
	buf_release(&doc);
	collected_release(&c);
	return NULL;
}

static void test_deep(void)
{
	struct deep_result res = { EV_OK, EV_OK, "", 0 };
	pthread_attr_t attr;
	pthread_t th;

	/* 1 MiB of stack: a walk that recursed once per level would need
	 * tens of megabytes for these trees. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	if (pthread_create(&th, &attr, deep_thread, &res)) {
		ok(0, "start the deep-tree thread");
		return;
	}
	pthread_join(th, NULL);
	pthread_attr_destroy(&attr);
	ok(res.html_rc == EV_OK || res.html_rc == EV_PARSE,
	   "100,000-deep HTML: no crash (%d)", res.html_rc);
	is_int(res.xml_rc, EV_PARSE, "10,000-deep XML is refused");
	ok(strstr(res.xml_err, "depth") != NULL, "depth message: %s",
	   res.xml_err);
	ok(res.walk_ok, "walk and text of a 100,000-deep tree");
}

static void test_bad_encodings(void)
{
	struct collected c = { .n = 0 };
	char err[256];
	ev_status rc;

	rc = run_bytes("latin1.xml",
		       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		       "<article><front><article-meta><title-group>"
		       "<article-title>Caf\xe9</article-title>"
		       "</title-group></article-meta></front>"
		       "</article>",
		       0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "UTF-8 declared over Latin-1 bytes");
	ok(str_starts_with(err, "not well-formed XML at line 1: "),
	   "message: %s", err);

	rc = run_bytes("latin1-ok.xml",
		       "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
		       "<article><front><article-meta><title-group>"
		       "<article-title>Caf\xe9 &amp;eacute; "
		       "Pediatr&amp;iacute;a</article-title></title-group>"
		       "</article-meta></front></article>",
		       0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_OK, "ISO-8859-1 declared and used");
	if (c.n)
		is_str(c.recs[0].title,
		       "Caf\xc3\xa9 \xc3\xa9 Pediatr\xc3\xad" "a",
		       "Latin-1 to UTF-8, literal entities decoded");

	rc = run_bytes("bogus.xml", "<?xml version=\"1.0\" encoding=\"x-bogus"
				    "\"?><article/>",
		       0, NULL, &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "an unknown encoding name");

	{
		/* UTF-16LE with a BOM, made from ASCII. */
		static const char xml[] =
		    "<?xml version=\"1.0\"?><article>"
		    "<front><article-meta><title-group>"
		    "<article-title>Sixteen</article-title>"
		    "</title-group></article-meta></front>"
		    "</article>";
		char utf16[2 + 2 * sizeof(xml)];
		size_t n = 2;

		utf16[0] = '\xff';
		utf16[1] = '\xfe';
		for (const char *p = xml; *p; p++) {
			utf16[n++] = *p;
			utf16[n++] = '\0';
		}
		rc = run_bytes("utf16.xml", utf16, n, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_OK, "UTF-16LE XML with a BOM (%s)",
		       rc ? err : "ok");
		if (c.n)
			is_str(c.recs[0].title, "Sixteen", "UTF-16 title");
	}

	rc = run_bytes("bad-utf8.json", "[{\"title\": \"Caf\xe9\"}]", 0, NULL,
		       &c, err, sizeof(err));
	is_int(rc, EV_PARSE, "JSON with invalid UTF-8");
	ok(str_starts_with(err, "invalid JSON at line 1: "), "message: %s",
	   err);
	rc = run_bytes("nul.json", "[{\"title\": \"a\\u0000b\"}]", 0, NULL, &c,
		       err, sizeof(err));
	is_int(rc, EV_PARSE, "JSON with an escaped NUL");
	rc = run_bytes("nul2.json", "[{\"title\": \"a\0b\"}]", 18, NULL, &c,
		       err, sizeof(err));
	is_int(rc, EV_PARSE, "JSON with a NUL byte");
	collected_release(&c);
}

/* The byte-at-a-time form text_drop_empty_brackets() had, as the
 * reference for random texts. */
static void drop_brackets_slowly(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		char close = *in == '[' ? ']' : *in == '(' ? ')' : 0;
		const char *q = in + 1;

		if (close) {
			for (;;) {
				if (*q && strchr(" ,;-", *q))
					q++;
				else if (!strncmp(q, "\xe2\x80\x93", 3) ||
					 !strncmp(q, "\xe2\x80\x94", 3))
					q += 3; /* en and em dashes */
				else
					break;
			}
		}
		if (close && *q == close) {
			in = (char *)q + 1;
			if (out > s && out[-1] == ' ' &&
			    (!*in || strchr(" .,;:)", *in)))
				out--;
			continue;
		}
		*out++ = *in++;
	}
	*out = '\0';
}

static void test_empty_brackets(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "trust matters [, -].", "trust matters." },
		{ "no brackets here", "no brackets here" },
		{ "(see below) and []", "(see below) and" },
		{ "a (\xe2\x80\x93) b", "a b" },
		{ "[x] [;]", "[x]" },
		{ "f(,)(  )x", "fx" },
		{ "[a (,) b]", "[a b]" },
		{ "(unclosed , ;", "(unclosed , ;" },
		{ "[\xe2\x80\x94]", "" },
		{ "mismatch [,)", "mismatch [,)" },
		{ "", "" },
	};
	static const char *const pieces[] = {
		"[", "]", "(", ")", " ", ",", ";", "-", ".", ":", "ab",
		"\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x99",
	};
	unsigned seed = 20261124;
	int same = 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *t = strdup(cases[i].in);

		text_drop_empty_brackets(t);
		is_str(t, cases[i].want, "brackets of '%s'", cases[i].in);
		free(t);
	}
	/* 20,000 texts of the pieces that matter, against the old form. */
	for (int n = 0; n < 20000 && same; n++) {
		char a[256] = "", b[256];
		int len;

		seed = seed * 1103515245u + 12345u;
		len = (int)(seed >> 16) % 24;
		for (int k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(a, pieces[(seed >> 16) %
					 (sizeof(pieces) / sizeof(*pieces))]);
		}
		memcpy(b, a, sizeof(b));
		text_drop_empty_brackets(a);
		drop_brackets_slowly(b);
		same = !strcmp(a, b);
	}
	ok(same, "random texts: as the byte-at-a-time form");
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *t = getenv("TMPDIR");

	snprintf(fixtures, sizeof(fixtures), "%s/tests/fixtures/parse",
		 top ? top : ".");
	snprintf(tmpdir, sizeof(tmpdir), "%s/evidence-test-parse.XXXXXX",
		 t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make %s: %s\n", tmpdir,
		       strerror(errno));
		return 1;
	}
	xml_setup();
	test_bombs();
	test_fixtures();
	test_detect();
	test_dates();
	test_pubmed_titles();
	test_author_names();
	test_markup();
	test_languages();
	test_text();
	test_empty_brackets();
	test_html();
	test_provenance();
	test_pipe();
	test_caps_and_sink();
	test_truncated();
	test_external_entities();
	test_deep();
	test_bad_encodings();
	rmdir(tmpdir);
	xmlCleanupParser();
	return tap_done();
}
