/* test-parse-api.c - Crossref, Europe PMC, OpenAlex and feed parsers */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "parse-api.h"
#include "parse-check.h"
#include "parse.h"
#include "tap.h"
#include "xml.h"

/*
 * Four parts:
 *   1. our fixtures (tests/fixtures/parse/{crossref,europepmc,openalex,
 *      feed}-*), field by field, values read off the fixtures;
 *   2. detection, names, links, caps and hostile payloads;
 *   3. every fixture cut at every 1/32 of its length: EV_PARSE, never a
 *      crash;
 *   4. when ../shared/samples is there: every file of the crossref,
 *      europepmc, openalex and feeds folders and the feed files of
 *      awkward/, with record counts and key fields read off the samples
 *      by hand.
 */

static char fixtures[1024];
static char samples[1100];
static char tmpdir[256];

/* An expect row with nothing checked but what the row sets: counts and
 * the date at -1.  The rows then set some of them again, which is what
 * designated initialisers allow and -Woverride-init warns about. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define UNCHECKED                                                        \
	.year = -1, .n_authors = -1, .n_passages = -1, .n_keywords = -1,  \
	.n_relations = -1, .n_cites = -1

struct api_case {
	const char *url; /* the payload's URL (fetched), or NULL */
	struct expect e;
};

static const struct api_case fixture_cases[] = {
	/* Crossref REST, one work: subtitle joined, markup out of the
	 * title, ORCID ignored, suffix with the given name, an
	 * organisation by "name", JATS abstract in sections (the
	 * "Abstract" title is no section), duplicate references once. */
	{ NULL,
	  { .file = "crossref-work.json", .n_records = 1,
	    .type = "article-journal", .evidence_type = NULL,
	    .title = "Primary care networks in England: a qualitative study "
		     "of the first year",
	    .container = "BMJ Open", .publisher = "BMJ",
	    .doi = "10.1136/bmjopen-2019-029944", .volume = "10",
	    .issue = "7", .page = "e029944", .language = "en",
	    .url = "http://dx.doi.org/10.1136/bmjopen-2019-029944",
	    .abstract = "To explore how GP practices formed networks & what "
			"they expected.\n\nTrust between practices took "
			"years to build.\n\nRelationships mattered more than "
			"money.",
	    .year = 2020, .month = 7, .day = 15, .n_authors = 3,
	    .author1 = "Smith|Ruth",
	    .author_last = "=PRUComm Research Group", .n_passages = 3,
	    .passage1 = "Objectives|To explore how GP practices formed "
			"networks & what they expected.",
	    .passage_last = "Results|Relationships mattered more than money.",
	    .n_keywords = 1, .keyword = "General Medicine",
	    .pubtype = "journal-article", .n_relations = 0, .n_cites = 2,
	    .cite = "doi:10.1136/bmj.l1816",
	    .absent = { "0000-0002-1825-0097", "jats:" } } },
	{ NULL,
	  { .file = "crossref-work.json", .n_records = 1, UNCHECKED,
	    .cite = "doi:10.3399/bjgp19x702209" } },
	/* A list: a preprint whose issued date is [[null]] takes
	 * published-online. */
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 0,
	    UNCHECKED, .type = "article", .doi = "10.31235/osf.io/abcde",
	    .title = "Super-partnerships and the future of general practice",
	    .publisher = "Center for Open Science",
	    .url = "https://osf.io/abcde", .year = 2021, .month = 2,
	    .day = 4, .n_authors = 1, .author1 = "Jones|Ann",
	    .pubtype = "posted-content" } },
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 1,
	    UNCHECKED, .type = "report", .evidence_type = "report",
	    .year = 2019, .month = 0, .day = 0, .n_authors = 1,
	    .author1 = "=The King's Fund", .publisher = "The King's Fund",
	    /* an HTML entity: not XML, so the tags are stripped */
	    .abstract = "Caf\xc3\xa9 talks grew fast." } },
	/* update-to: a retraction notice points at what it retracts and
	 * is not evidence itself. */
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 2,
	    UNCHECKED, .doi = "10.1234/notice.9", .evidence_type = "other",
	    .pubtype = "Retraction of Publication", .n_relations = 1,
	    .relation = "retraction-of=doi:10.1234/original.1",
	    .n_authors = 0, .container = "Journal of Things" } },
	/* A chapter with editors only: they stand as its authors. */
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 3,
	    UNCHECKED, .type = "chapter", .container = "Primary Care Reform",
	    .language = "en", .n_authors = 1, .author1 = "Editor|Bo",
	    .year = 2018, .month = 5, .day = 0 } },
	/* updated-by: the retracted work points at its notices. */
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 4,
	    UNCHECKED, .doi = "10.1234/original.1",
	    .pubtype = "Retracted Publication", .n_relations = 2,
	    .relation = "erratum-in=doi:10.1234/fix.2" } },
	{ NULL,
	  { .file = "crossref-list.json", .n_records = 5, .index = 4,
	    UNCHECKED, .relation = "retraction-in=doi:10.1234/notice.9" } },
	/* Crossref's error envelope is an error, not an empty answer. */
	{ NULL,
	  { .file = "crossref-failed.json", .rc = EV_PARSE, .n_records = 0,
	    UNCHECKED } },
	/* unixref: an editor left out, an organisation, the abstract
	 * without abstract-type, the article's own date over the issue's,
	 * an <error/> record skipped. */
	{ NULL,
	  { .file = "crossref-unixref.xml", .n_records = 2,
	    .type = "article-journal",
	    .title = "Collaboration at scale in general practice: lessons "
		     "from GP federations",
	    .container = "British Journal of General Practice",
	    .publisher = "", .doi = "10.3399/bjgp21x715997", .volume = "71",
	    .issue = "707", .page = "250-252", .language = "en",
	    .url = "https://bjgp.org/content/71/707/250",
	    .abstract = "Practices have worked together for decades.",
	    .year = 2021, .month = 5, .day = 27, .n_authors = 2,
	    .author1 = "Doe|Jane", .author_last = "=Nuffield Trust",
	    .n_passages = 1,
	    .passage1 = "Background|Practices have worked together for "
			"decades.",
	    .n_keywords = 0, .n_relations = 0, .n_cites = 2,
	    .cite = "doi:10.3399/bjgp19x702209",
	    .absent = { "Itor", "teaser" } } },
	/* A journal without volumes: a cited work's volume is not the
	 * article's. */
	{ NULL,
	  { .file = "crossref-unixref.xml", .n_records = 2, .index = 1,
	    UNCHECKED, .title = "No volume here", .volume = "",
	    .container = "Online Only Journal", .page = "", .year = 0,
	    .month = 0, .day = 0, .n_cites = 0 } },
	/* Europe PMC core JSON: authorList with a collective name, the
	 * issue's date, <h4> sections, MeSH with the keywords, the HTML
	 * full text link over the DOI's. */
	{ NULL,
	  { .file = "europepmc-core.json", .n_records = 3, .index = 0,
	    .type = "article-journal",
	    .title = "Primary care networks: a mixed-methods evaluation.",
	    .container = "The British journal of general practice : the "
			 "journal of the Royal College of General "
			 "Practitioners",
	    .doi = "10.3399/bjgp20x711111", .pmid = "33000001",
	    .pmcid = "PMC7000001", .volume = "70", .issue = "698",
	    .page = "e612-e620", .language = "en",
	    .url = "https://europepmc.org/articles/PMC7000001",
	    .abstract = "Networks began in 2019.\n\nTrust took time; goals "
			"were too broad.",
	    .year = 2020, .month = 9, .day = 0, .n_authors = 3,
	    .author1 = "Brown|Alice", .author_last = "=PCN Evaluation Team",
	    .n_passages = 2, .passage1 = "Background|Networks began in 2019.",
	    .passage_last = "Results|Trust took time; goals were too broad.",
	    .n_keywords = 3, .keyword = "Primary Health Care",
	    .pubtype = "research-article", .n_relations = 0, .n_cites = 0 } },
	/* A preprint with only an authorString: family names first,
	 * particles kept, the record's page on europepmc.org. */
	{ NULL,
	  { .file = "europepmc-core.json", .n_records = 3, .index = 1,
	    UNCHECKED, .type = "article", .pubtype = "Preprint",
	    .publisher = "medRxiv", .pmid = "",
	    .url = "https://europepmc.org/article/PPR/PPR123456",
	    /* an <h4> never closed: the rest is text, not dropped */
	    .abstract = "We counted practices.\n\nLarger ones did not do "
			"better.",
	    .year = 2021, .month = 1, .day = 5, .n_authors = 3,
	    .author1 = "van der Berg|J", .author_last = "Smith-Jones|K" } },
	{ NULL,
	  { .file = "europepmc-core.json", .n_records = 3, .index = 2,
	    UNCHECKED, .pmcid = "PMC7999999", .volume = "12",
	    .pmid = "31000003", /* a number, not a string */
	    .container = "Journal of Integrated Care", .year = 2019,
	    .month = 0, .day = 0, .n_authors = 1, .author1 = "Taylor|R" } },
	/* Europe PMC XML: one author is an element, not a list; the
	 * abstract's HTML is escaped text. */
	{ NULL,
	  { .file = "europepmc-lite.xml", .n_records = 2, .index = 0,
	    .type = "article-journal",
	    .title = "GP federations & the at-scale agenda.",
	    .container = "Health & social care in the community",
	    .doi = "10.1111/hsc.12345", .pmid = "31111111", .volume = "27",
	    .issue = "4", .page = "1001-1010", .language = "en",
	    .year = 2019, .month = 7, .day = 0, .n_authors = 1,
	    .author1 = "Khan|Sara", .n_passages = 1,
	    .passage1 = "Aims|To describe federations.", .n_keywords = 1,
	    .keyword = "Federations", .pubtype = "Review",
	    .evidence_type = "review", .n_relations = 0, .n_cites = 0 } },
	/* The lite shape: journalTitle, pubType split at ";". */
	{ NULL,
	  { .file = "europepmc-lite.xml", .n_records = 2, .index = 1,
	    UNCHECKED, .container = "BMJ", .volume = "365", .page = "l1234",
	    .pubtype = "published erratum", .evidence_type = "other",
	    .year = 2019, .month = 4, .day = 2, .n_authors = 0 } },
	{ NULL,
	  { .file = "europepmc-empty.json", .n_records = 0, UNCHECKED } },
	/* OpenAlex: the abstract rebuilt, ids from URLs, an
	 * institution-only authorship, type review. */
	{ NULL,
	  { .file = "openalex-work.json", .n_records = 1,
	    .type = "article-journal", .evidence_type = "review",
	    .title = "Primary care networks: a review of the first year",
	    .container = "BMJ", .publisher = "BMJ Publishing Group",
	    .doi = "10.1136/bmj.m3353", .pmid = "32900000",
	    .pmcid = "PMC7400001", .volume = "370", .issue = "",
	    .page = "m3353", .language = "en",
	    .url = "https://www.bmj.com/content/370/bmj.m3353",
	    .abstract = "Networks took years, and trust took years.",
	    .year = 2020, .month = 9, .day = 8, .n_authors = 3,
	    .author1 = "Fisher|Rebecca", .author_last = "=NHS England",
	    .n_passages = 1,
	    .passage1 = "|Networks took years, and trust took years.",
	    .n_keywords = 1, .keyword = "Primary Care", .pubtype = "Review",
	    .n_relations = 0, .n_cites = 0 } },
	{ NULL,
	  { .file = "openalex-work.json", .n_records = 1, UNCHECKED,
	    .title = NULL, .n_authors = 3,
	    .author1 = "Fisher|Rebecca" } },
	/* A position of 10^9 in the index: no abstract, no huge array. */
	{ NULL,
	  { .file = "openalex-list.json", .n_records = 2, .index = 0,
	    UNCHECKED, .title = "Hostile index", .abstract = "",
	    .n_passages = 0, .year = 2021, .month = 0, .day = 0,
	    .absent = { "small" } } },
	/* The older host_venue; a position that is not a number; an
	 * erratum that was retracted. */
	{ NULL,
	  { .file = "openalex-list.json", .n_records = 2, .index = 1,
	    UNCHECKED, .container = "Journal of Old APIs",
	    .publisher = "Old Publisher", .doi = "10.1234/erratum.1",
	    .abstract = "", .page = "10-12", .issue = "2",
	    .pubtype = "Retracted Publication", .evidence_type = "other",
	    .n_authors = 1, .author1 = "Smith|John" } },
	/* RSS 2.0: an internal entity expanded, a relative link against
	 * the rel="self" link, content:encoded paragraphs as passages,
	 * the description as abstract. */
	{ NULL,
	  { .file = "feed-rss2.rss", .n_records = 3, .index = 0,
	    .type = "post", .evidence_type = "news",
	    .title = "What a primary care network needs in its first year",
	    .container = "Health Policy Blog", .doi = "", .language = "en",
	    .url = "https://example.org/blog/2021/first-year",
	    .abstract = "Focus on a few goals.", .year = 2021, .month = 3,
	    .day = 2, .n_authors = 1, .author1 = "Reed|Sarah",
	    .n_passages = 2,
	    .passage1 = "|Networks that tried to do everything at once "
			"struggled.",
	    .passage_last = "|It takes years to build trust between "
			    "practices.",
	    .n_keywords = 2, .keyword = "Networks", .n_relations = 0,
	    .n_cites = 0 } },
	/* A permalink guid as URL; "address (Name)" authors; HTML
	 * escaped twice in a description. */
	{ NULL,
	  { .file = "feed-rss2.rss", .n_records = 3, .index = 1, UNCHECKED,
	    .url = "https://example.org/blog/2020/federations-at-ten",
	    .abstract = "Ten years on, what have federations achieved? Less "
			"than hoped & more than feared.",
	    .n_authors = 1, .author1 = "Bloggs|Jo", .year = 2020,
	    .month = 11, .day = 1 } },
	/* No author of its own: the managing editor's name. */
	{ NULL,
	  { .file = "feed-rss2.rss", .n_records = 3, .index = 2, UNCHECKED,
	    .url = "https://example.org/blog/2020/merger?a=1&b=2",
	    .n_authors = 1, .author1 = "Editor|Pat", .year = 2020,
	    .month = 10, .day = 5 } },
	/* Fetched over https: relative links resolve against the feed's
	 * own URL. */
	{ "https://example.org/feeds/rss",
	  { .file = "feed-rss2.rss", .n_records = 3, .index = 0, UNCHECKED,
	    .url = "https://example.org/feeds/2021/first-year" } },
	/* RSS 1.0 with PRISM: a journal's item, the issue's date. */
	{ NULL,
	  { .file = "feed-rss1.rdf", .n_records = 2, .index = 0,
	    .type = "article-journal",
	    .title = "Mission creep in GP federations",
	    .container = "Journal of Primary Care",
	    .publisher = "Example Press", .doi = "10.5555/jpc.2022.001",
	    .volume = "12", .issue = "1", .page = "15-22",
	    .url = "https://journal.example.org/a/1",
	    .abstract = "Federations took on too much, too soon.",
	    .year = 2022, .month = 2, .day = 1, .n_authors = 2,
	    .author1 = "Patel|Nina", .author_last = "Wong|K.",
	    .n_passages = 1, .n_keywords = 1, .keyword = "Federations",
	    .n_relations = 0, .n_cites = 0 } },
	{ NULL,
	  { .file = "feed-rss1.rdf", .n_records = 2, .index = 1, UNCHECKED,
	    .type = "article-journal", .doi = "10.5555/jpc.2022.002",
	    .year = 2022, .month = 1, .day = 10, .n_authors = 0 } },
	/* Atom: html title and content, a relative link against
	 * rel="self", published over updated, categories by label. */
	{ NULL,
	  { .file = "feed-atom.atom", .n_records = 3, .index = 0,
	    .type = "post", .title = "Relationships before structures",
	    .container = "Think Tank Insights", .language = "en",
	    .url = "https://thinktank.example.org/insights/posts/"
		   "relationships",
	    .abstract = "Why trust comes first.", .year = 2023, .month = 4,
	    .day = 30, .n_authors = 1, .author1 = "Hassan|Amira",
	    .n_passages = 2,
	    .passage1 = "|Practices that knew each other moved faster.",
	    .passage_last = "|Goodwill is finite.", .n_keywords = 2,
	    .keyword = "Relationships", .n_relations = 0, .n_cites = 0,
	    .absent = { "amira@example.org", "tag:thinktank" } } },
	/* xhtml title and content; the feed's author stands in. */
	{ NULL,
	  { .file = "feed-atom.atom", .n_records = 3, .index = 1, UNCHECKED,
	    .title = "Pacing: a marathon",
	    .url = "https://thinktank.example.org/insights/pacing",
	    .n_authors = 1, .author1 = "=Think Tank Staff", .n_passages = 2,
	    .passage1 = "|Under-promise and over-deliver.",
	    .passage_last = "|Change takes years.", .year = 2023,
	    .month = 3, .day = 15, .absent = { "pacing.mp3" } } },
	/* Text content stays text; an http id is the URL. */
	{ NULL,
	  { .file = "feed-atom.atom", .n_records = 3, .index = 2, UNCHECKED,
	    .url = "https://thinktank.example.org/insights/plain",
	    .n_passages = 1,
	    .passage1 = "|Text content <b> stays literal text." } },
	/* Encodings: ISO-8859-1 and Windows-1251 bytes, UTF-8 out. */
	{ NULL,
	  { .file = "feed-latin1.rss", .n_records = 1, UNCHECKED,
	    .title = "A\xc3\xa7\xc3\xa3o social em sa\xc3\xba" "de",
	    .container = "Not\xc3\xad" "cias de Sa\xc3\xba" "de",
	    .language = "pt",
	    .abstract = "Cr\xc3\xb3nica sobre m\xc3\xa9" "dicos de "
			"fam\xc3\xad" "lia." } },
	{ NULL,
	  { .file = "feed-cp1251.rss", .n_records = 1, UNCHECKED,
	    .title = "Врачи общей практики", .container = "Новости",
	    .keyword = "Здоровье", .n_keywords = 1 } },
	/* Not well-formed: no recovery, one line with libxml2's reason. */
	{ NULL,
	  { .file = "feed-bad-amp.rss", .rc = EV_PARSE, .n_records = 0,
	    UNCHECKED } },
	/* An external entity is never read: the reference is left out. */
	{ NULL,
	  { .file = "feed-xxe.rss", .n_records = 1, UNCHECKED,
	    .title = "Leak here", .absent = { "root:", "/bin/" } } },
};

/* Parse DIR/E->file (fetched from URL when not NULL) and check the
 * record at E->index against E. */
static void run_case(const char *dir, const struct expect *e,
		     const char *url, struct collected *c)
{
	struct run opt = { .url = url };
	char *path = fs_join(dir, e->file);
	const char *base = strrchr(e->file, '/');
	char name[160], err[512];
	ev_status rc;

	snprintf(name, sizeof(name), "%s[%zu]%s", base ? base + 1 : e->file,
		 e->index, url ? " (fetched)" : "");
	rc = run_path(path, &opt, c, err, sizeof(err));
	free(path);
	is_int(rc, e->rc, "%s: status (%s)", name, rc ? err : "ok");
	is_int(c->seen, e->n_records, "%s: records", name);
	if (rc)
		ok(*err && !strchr(err, '\n'), "%s: one line: %s", name, err);
	else if (e->index < c->n)
		check_expect(name, &c->recs[e->index], e);
}

static void test_fixtures(void)
{
	struct collected c = { .n = 0 };

	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(*fixture_cases);
	     i++)
		run_case(fixtures, &fixture_cases[i].e, fixture_cases[i].url,
			 &c);
	collected_release(&c);
}

/* --- Detection and names --- */

static void test_detect(void)
{
	static const struct {
		const char *head;
		enum format want;
	} cases[] = {
	    {"{\"status\":\"ok\",\"message-type\":\"work-list\",\"message\":{",
	     FORMAT_CROSSREF},
	    /* Crossref's errors are Crossref's, so they are reported */
	    {"{\"status\":\"failed\",\"message-type\":\"validation-failure\"",
	     FORMAT_CROSSREF},
	    {"<?xml version=\"1.0\"?>\n<doi_records>", FORMAT_CROSSREF},
	    {"<crossref_result xmlns=\"http://www.crossref.org/qrschema/3.0\"",
	     FORMAT_CROSSREF},
	    {"{\"version\":\"6.9\",\"hitCount\":0,\"request\":{\"a\":1},"
	     "\"resultList\":{",
	     FORMAT_EUROPEPMC},
	    {"<?xml version=\"1.0\"?><responseWrapper><version>",
	     FORMAT_EUROPEPMC},
	    {"{\"id\":\"https://openalex.org/W2741809807\",\"doi\":",
	     FORMAT_OPENALEX},
	    {"{\"meta\":{\"count\":0},\"results\":[]}", FORMAT_OPENALEX},
	    /* an OpenAlex author is not a work */
	    {"{\"id\":\"https://openalex.org/A5048491430\",\"x\":1}",
	     FORMAT_UNKNOWN},
	    /* a key named like ours, one level down, decides nothing */
	    {"{\"a\":{\"resultList\":1}}", FORMAT_UNKNOWN},
	    {"<rss version=\"0.91\">", FORMAT_FEED},
	    {"<feed xmlns=\"http://www.w3.org/2005/Atom\">", FORMAT_FEED},
	    {"<?xml version=\"1.0\"?><atom:feed "
	     "xmlns:atom=\"http://www.w3.org/2005/Atom\">",
	     FORMAT_FEED},
	    /* a <feed> of another vocabulary */
	    {"<?xml version=\"1.0\"?><feed xmlns=\"urn:example\">",
	     FORMAT_UNKNOWN},
	    {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-"
	     "ns#\" xmlns=\"http://purl.org/rss/1.0/\">",
	     FORMAT_FEED},
	    /* RDF that is not RSS */
	    {"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/"
	     "1999/02/22-rdf-syntax-ns#\"><rdf:Description>",
	     FORMAT_UNKNOWN},
	};
	static const char *const names[] = {
		"crossref", "europepmc", "openalex", "feed",
	};
	static const enum format formats[] = {
		FORMAT_CROSSREF,
		FORMAT_EUROPEPMC,
		FORMAT_OPENALEX,
		FORMAT_FEED,
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		is_str(format_name(format_detect(cases[i].head,
						 strlen(cases[i].head), NULL)),
		       format_name(cases[i].want), "detect case %zu", i);
	for (size_t i = 0; i < 4; i++) {
		is_int(format_lookup(names[i]), formats[i], "lookup %s",
		       names[i]);
		is_str(format_name(formats[i]), names[i], "name of %s",
		       names[i]);
	}
}

/* --- Payloads written here: links, caps, hostile input --- */

static ev_status run_bytes(const char *data, size_t len, enum format fmt,
			   const char *url, struct collected *c, char *err,
			   size_t errsz)
{
	char *path = fs_join(tmpdir, "payload");
	struct run opt = { .fmt = fmt, .url = url };
	ev_status rc;

	if (fs_write_atomic(path, data, len)) {
		free(path);
		return EV_IO;
	}
	rc = run_path(path, &opt, c, err, errsz);
	unlink(path);
	free(path);
	return rc;
}

/* A feed of one item whose link is LINK, for resolving. */
static void test_links(void)
{
	static const struct {
		const char *base; /* the feed's URL */
		const char *link;
		const char *want; /* "" for none */
	} cases[] = {
	    {"https://a.example/blog/feed.xml", "post/1",
	     "https://a.example/blog/post/1"},
	    {"https://a.example/blog/feed.xml", "/post/1",
	     "https://a.example/post/1"},
	    {"https://a.example/blog/feed.xml", "//b.example/x",
	     "https://b.example/x"},
	    {"https://a.example/blog/2020/feed.xml", "../post/1",
	     "https://a.example/blog/post/1"},
	    {"https://a.example/blog/feed.xml?page=2", "?page=3",
	     "https://a.example/blog/feed.xml?page=3"},
	    /* a base with no path */
	    {"https://a.example", "post", "https://a.example/post"},
	    /* absolute links stay as they are */
	    {"https://a.example/feed", "http://c.example/y",
	     "http://c.example/y"},
	    /* only http(s) links are a record's URL */
	    {"https://a.example/feed", "javascript:alert(1)", ""},
	    {"https://a.example/feed", "mailto:x@a.example", ""},
	    /* a local file gives no base: a relative link is dropped */
	    {NULL, "post/1", ""},
	};
	struct collected c = { .n = 0 };
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		ev_status rc;

		buf_printf(&b,
			   "<rss version=\"2.0\"><channel><title>T</title>"
			   "<item><title>Item</title><link>%s</link></item>"
			   "</channel></rss>",
			   cases[i].link);
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, cases[i].base, &c,
			       err, sizeof(err));
		is_int(rc, EV_OK, "link case %zu: parsed", i);
		if (c.n)
			is_str(c.recs[0].url, *cases[i].want ? cases[i].want
							      : NULL,
			       "link case %zu: %s", i, cases[i].link);
		buf_release(&b);
	}
	collected_release(&c);
}

static void test_hostile(void)
{
	static const struct {
		const char *data;
		enum format fmt;
		ev_status rc;
		size_t n_records;
		const char *why;
	} cases[] = {
	    {"{\"status\":\"ok\",\"message-type\":\"work\",\"message\":[1]}",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "a Crossref work that is a list"},
	    {"{\"status\":\"ok\",\"message-type\":\"work-list\","
	     "\"message\":{\"items\":{}}}",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "Crossref items that are no list"},
	    {"{\"status\":\"ok\",\"message-type\":\"member\",\"message\":{}}",
	     FORMAT_UNKNOWN, EV_UNSUPPORTED, 0, "a Crossref member, no work"},
	    {"{\"status\":\"ok\",\"message-type\":\"work\",\"message\":"
	     "{\"title\":[\"cut",
	     FORMAT_CROSSREF, EV_PARSE, 0, "truncated JSON"},
	    {"{\"resultList\":[]}", FORMAT_UNKNOWN, EV_PARSE, 0,
	     "a resultList that is no object"},
	    {"{\"resultList\":{\"result\":[{\"title\":\"A\"},7]}}",
	     FORMAT_UNKNOWN, EV_PARSE, 1,
	     "a result that is no object, after a good one"},
	    {"{\"version\":\"6.9\",\"errCode\":400,\"errMsg\":\"bad query\"}",
	     FORMAT_EUROPEPMC, EV_PARSE, 0, "Europe PMC's error, in JSON"},
	    {"<responseWrapper><version>6.9</version><errCode>400</errCode>"
	     "<errMsg>bad query</errMsg></responseWrapper>",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "Europe PMC's error, in XML"},
	    {"{\"meta\":{},\"results\":[\"W1\"]}", FORMAT_UNKNOWN, EV_PARSE, 0,
	     "an OpenAlex result that is a string"},
	    {"{\"error\":\"Invalid query parameters error.\",\"message\":"
	     "\"x is not a valid field\"}",
	     FORMAT_OPENALEX, EV_PARSE, 0, "OpenAlex's error"},
	    /* jansson: invalid UTF-8 and NUL are refused */
	    {"{\"meta\":{},\"results\":[{\"id\":\"https://openalex.org/W1\","
	     "\"title\":\"\xff\"}]}",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "invalid UTF-8 in JSON"},
	    {"{\"id\":\"https://openalex.org/W1\",\"title\":\"a\\u0000b\"}",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "NUL in JSON"},
	    {"<rss><channel><item><title>x</title></item>", FORMAT_UNKNOWN,
	     EV_PARSE, 0, "truncated feed"},
	    {"<?xml version=\"1.0\"?><html><body/></html>", FORMAT_FEED,
	     EV_PARSE, 0, "a page read as a feed"},
	    {"<responseWrapper><resultList><result><title>A</title></result>"
	     "</resultList></responseWrapper>",
	     FORMAT_UNKNOWN, EV_OK, 1, "a bare Europe PMC XML result"},
	    {"<doi_records><doi_record><crossref><error>x</error></crossref>"
	     "</doi_record></doi_records>",
	     FORMAT_UNKNOWN, EV_OK, 0, "Crossref XML with only an error"},
	    /* billion laughs: libxml2 stops it (an "entity reference
	     * loop") before xml.c's entity budget is needed */
	    {"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">"
	     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	     "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	     "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
	     "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	     "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
	     "<rss><channel><item><title>&g;&g;&g;&g;&g;&g;&g;&g;</title>"
	     "<link>https://x.example/</link></item></channel></rss>",
	     FORMAT_UNKNOWN, EV_PARSE, 0, "billion laughs"},
	};
	struct collected c = { .n = 0 };
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ev_status rc;

		err[0] = '\0';
		rc = run_bytes(cases[i].data, strlen(cases[i].data),
			       cases[i].fmt, NULL, &c, err, sizeof(err));
		is_int(rc, cases[i].rc, "%s: status (%s)", cases[i].why, err);
		is_int(c.seen, cases[i].n_records, "%s: records",
		       cases[i].why);
		ok(!rc || (*err && !strchr(err, '\n')), "%s: one line",
		   cases[i].why);
		if (!rc && c.n && c.recs[0].title)
			ok(strlen(c.recs[0].title) <= 2u * 1024 * 1024,
			   "%s: bounded title (%zu bytes)", cases[i].why,
			   strlen(c.recs[0].title));
	}

	/* Deep nesting: 5,000 JSON arrays, 5,000 XML elements. */
	{
		struct buf b = BUF_INIT;
		ev_status rc;

		buf_addstr(&b, "{\"meta\":{},\"results\":");
		for (int i = 0; i < 5000; i++)
			buf_addch(&b, '[');
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_PARSE, "5,000 nested JSON arrays: %s", err);
		buf_reset(&b);
		buf_addstr(&b, "<rss><channel>");
		for (int i = 0; i < 5000; i++)
			buf_addstr(&b, "<item>");
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_PARSE, "5,000 nested XML elements: %s", err);
		buf_release(&b);
	}

	/* The cap on a payload held in memory. */
	{
		char *path = fs_join(fixtures, "crossref-work.json");
		struct run opt = { .max_size = 256 };
		ev_status rc = run_path(path, &opt, &c, err, sizeof(err));

		is_int(rc, EV_TOO_BIG, "over max_size: %s", err);
		is_int(c.seen, 0, "over max_size: nothing passed");
		free(path);
	}

	/* Small under the size cap, huge as a tree: refused before
	 * jansson builds it. */
	{
		struct buf b = BUF_INIT;
		ev_status rc;

		buf_addstr(&b, "{\"meta\":{},\"results\":[");
		for (unsigned i = 0; i < API_MAX_VALUES; i++)
			buf_addstr(&b, i ? ",[]" : "[]");
		buf_addstr(&b, "]}");
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_TOO_BIG, "%u empty arrays: %s", API_MAX_VALUES,
		       err);
		buf_reset(&b);
		buf_addstr(&b, "<rss><channel>");
		for (unsigned i = 0; i < API_MAX_VALUES; i++)
			buf_addstr(&b, "<a/>");
		buf_addstr(&b, "</channel></rss>");
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_TOO_BIG, "%u empty elements: %s", API_MAX_VALUES,
		       err);
		buf_release(&b);
	}

	/* A work citing 6,000 works keeps the first API_MAX_LIST. */
	{
		struct buf b = BUF_INIT;
		ev_status rc;

		buf_addstr(&b, "{\"status\":\"ok\",\"message-type\":\"work\","
			       "\"message\":{\"title\":[\"T\"],"
			       "\"reference\":[");
		for (int i = 0; i < 6000; i++)
			buf_printf(&b, "%s{\"DOI\":\"10.1000/r%d\"}",
				   i ? "," : "", i);
		buf_addstr(&b, "]}}");
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_OK, "6,000 references: parsed");
		is_int(c.n ? c.recs[0].cites.n : 0, API_MAX_LIST,
		       "6,000 references: %d cites kept", API_MAX_LIST);
		buf_release(&b);
	}

	/* OpenAlex: an index with more positions than the cap. */
	{
		struct buf b = BUF_INIT;
		ev_status rc;

		buf_addstr(&b, "{\"id\":\"https://openalex.org/W9\",\"title\":"
			       "\"T\",\"abstract_inverted_index\":{\"w\":[");
		for (int i = 0; i < 100001; i++)
			buf_printf(&b, "%s%d", i ? "," : "", i % 1000);
		buf_addstr(&b, "]}}");
		rc = run_bytes(b.ptr, b.len, FORMAT_UNKNOWN, NULL, &c, err,
			       sizeof(err));
		is_int(rc, EV_OK, "100,001 positions: parsed");
		ok(c.n && !c.recs[0].abstract,
		   "100,001 positions: no abstract");
		buf_release(&b);
	}
	collected_release(&c);
}

/* Feeds with external entities (ours, and the awkward sample with an
 * external parameter entity when the samples are there): no options
 * that load entities are set, so the entity loader (which would refuse)
 * is not even asked (RELIABILITY.md L1), and nothing of the files is
 * in the records (checked in the tables). */
static void test_xxe(const char *dir, const char *file)
{
	struct collected c = { .n = 0 };
	unsigned long before = xml_entity_loads_refused();
	char *path = fs_join(dir, file);
	char err[256];
	ev_status rc = run_path(path, NULL, &c, err, sizeof(err));

	is_int(rc, EV_OK, "%s: parsed (%s)", file, rc ? err : "ok");
	is_int(xml_entity_loads_refused() - before, 0,
	       "%s: the entity loader was never asked", file);
	free(path);
	collected_release(&c);
}

/* --- Cuts --- */

static int is_ours(const char *name)
{
	static const char *const prefixes[] = {
		"crossref-", "europepmc-", "openalex-", "feed-",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static void test_cuts(const char *dir, const char *label,
		      int (*want)(const char *name))
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	struct collected c = { .n = 0 };

	for (int i = 0; i < n; i++) {
		char *path = fs_join(dir, names[i]->d_name);
		struct buf data = BUF_INIT;
		enum format fmt;
		int bad = 0;

		if ((want && !want(names[i]->d_name)) ||
		    names[i]->d_name[0] == '.' || fs_is_dir(path) ||
		    fs_read_file(path, 0, &data)) {
			free(path);
			buf_release(&data);
			free(names[i]);
			continue;
		}
		fmt = format_detect(data.ptr,
				    data.len < 8192 ? data.len : 8192, path);
		for (size_t k = 1; k < 32 && fmt >= FORMAT_CROSSREF &&
				   fmt <= FORMAT_FEED;
		     k++) {
			char err[512] = "";
			ev_status rc = run_bytes(data.ptr, data.len * k / 32,
						 fmt, NULL, &c, err,
						 sizeof(err));

			if (rc != EV_PARSE || !*err || strchr(err, '\n')) {
				bad++;
				printf("# %s cut at %zu/32: %s %s\n",
				       names[i]->d_name, k,
				       status_to_string(rc), err);
			}
		}
		if (fmt >= FORMAT_CROSSREF && fmt <= FORMAT_FEED)
			ok(!bad, "%s/%s: 31 cuts, each EV_PARSE in one line",
			   label, names[i]->d_name);
		buf_release(&data);
		free(path);
		free(names[i]);
	}
	free(names);
	collected_release(&c);
}

/* --- The samples in ../shared --- */

static const struct expect sample_cases[] = {
	{ .file = "crossref/rest-works-single-cambridge-journal-article.json",
	  .n_records = 1, .type = "article-journal",
	  .title = "Clinical profile of acute rheumatic fever in Pakistan",
	  .container = "Cardiology in the Young",
	  .publisher = "Cambridge University Press (CUP)",
	  .doi = "10.1017/s1047951103000064", .volume = "13", .issue = "1",
	  .page = "28-35", .language = "en", .year = 2003, .month = 2,
	  .day = 0, .n_authors = 2, .author1 = "Chagani|Hasina Suleman",
	  .author_last = "Aziz|Kalimuddin", .n_passages = 1,
	  .n_keywords = 3, .keyword = "Pediatrics, Perinatology, and Child "
				     "Health",
	  .n_relations = 0, .n_cites = 22,
	  .cite = "doi:10.1056/nejm199109123251106",
	  .absent = { "jats:p" } },
	{ .file = "crossref/rest-works-list-three-items.json",
	  .n_records = 3, .index = 0, UNCHECKED,
	  .title = "Inside SSL: accelerating secure transactions",
	  .container = "IT Professional", .volume = "4", .issue = "5",
	  .page = "37-41", .doi = "10.1109/mitp.2002.1041177", .year = 2002,
	  .month = 9, .day = 0, .n_authors = 1, .author1 = "Chou|W." },
	/* issued [[null]] and no other date; family names only */
	{ .file = "crossref/rest-works-list-three-items.json",
	  .n_records = 3, .index = 1, UNCHECKED, .title = "Flow map layout",
	  .type = "paper-conference", .year = 0, .month = 0, .day = 0,
	  .n_authors = 5, .author1 = "Doantam Phan|",
	  .author_last = "Winograd|T.", .publisher = "IEEE" },
	{ .file = "crossref/rest-works-list-three-items.json",
	  .n_records = 3, .index = 2, UNCHECKED,
	  .doi = "10.1007/s10107-009-0306-5", .issue = "1-2",
	  .page = "321-353", .year = 2009, .month = 9, .day = 23,
	  .n_cites = 26 },
	{ .file = "crossref/unixref-doi-records-journal-article.xml",
	  .n_records = 1, UNCHECKED, .type = "article-journal",
	  .title = "Effects of mineralocorticoid-receptor stimulation on "
		   "risk taking behavior in young healthy men and women",
	  .container = "Psychoneuroendocrinology",
	  .doi = "10.1016/j.psyneuen.2016.10.018", .volume = "75",
	  .page = "132-140", .language = "en",
	  .url = "http://linkinghub.elsevier.com/retrieve/pii/"
		 "S0306453016308447",
	  .year = 2017, .month = 1, .day = 0, .n_authors = 6,
	  .author1 = "Deuter|Christian Eric", .author_last = "Otte|Christian",
	  .n_cites = 0 },
	/* unixsd: the publisher from crm-item; the eLife digest (an
	 * executive-summary abstract) is not the abstract */
	{ .file = "crossref/unixsd-elife-with-references-and-funding.xml",
	  .n_records = 1, UNCHECKED, .container = "eLife",
	  .publisher = "eLife Sciences Publications, Ltd",
	  .doi = "10.7554/elife.01567", .volume = "3",
	  .url = "https://elifesciences.org/articles/01567", .year = 2014,
	  .month = 2, .day = 11, .n_authors = 5, .author1 = "Sankar|Martial",
	  .author_last = "Hardtke|Christian S", .n_passages = 1,
	  .n_cites = 26, .cite = "doi:10.1007/bf00994018",
	  .absent = { "Thale cress" } },
	{ .file = "crossref/unixsd-preventive-medicine-journal-article.xml",
	  .n_records = 1, UNCHECKED, .container = "Preventive Medicine",
	  .publisher = "Elsevier BV", .doi = "10.1016/j.ypmed.2016.11.003",
	  .volume = "94", .page = "12-19", .year = 2017, .month = 1,
	  .day = 0, .n_authors = 4, .author1 = "Hu|Mandy Xian",
	  .author_last = "Penninx|Brenda W.J.H." },
	{ .file = "europepmc/search-core-json-25-results.json",
	  .n_records = 25, .index = 0, UNCHECKED,
	  .title = "Abscopal response in a patient with fibrolamellar "
		   "hepatocellular carcinoma following radiotherapy.",
	  .container = "Lancet (London, England)", .pmid = "39709209",
	  .doi = "10.1016/s0140-6736(24)02600-x", .volume = "404",
	  .issue = "10471", .page = "2603-2604", .language = "en",
	  .year = 2025, .month = 12, .day = 0, .n_authors = 3,
	  .author1 = "Schoenfeld|Jonathan D",
	  .author_last = "O'Neill|Allison F" },
	/* an erratum with a PMCID and no authors */
	{ .file = "europepmc/search-core-json-25-results.json",
	  .n_records = 25, .index = 1, UNCHECKED,
	  .title = "Department of Error.", .pmcid = "PMC12124214",
	  .pubtype = "Published Erratum", .evidence_type = "other",
	  .n_authors = 0 },
	{ .file = "europepmc/search-core-json-25-results.json",
	  .n_records = 25, .index = 2, UNCHECKED, .n_authors = 7,
	  .author1 = "Al-Abbadey|Miznah", .author_last = "McCracken|Lance",
	  .year = 2025, .month = 9, .day = 0, .n_keywords = 24,
	  .keyword = "Psychological Flexibility" }, /* 6 keywords, 18 MeSH */
	{ .file = "europepmc/search-lite-xml-cursor.xml", .n_records = 25,
	  .index = 0, UNCHECKED, .container = "Lancet", .pmid = "39709209",
	  .volume = "404", .issue = "10471", .year = 2025, .month = 12,
	  .day = 1, .n_authors = 3, .author1 = "Schoenfeld|JD",
	  .author_last = "O'Neill|AF" },
	{ .file = "europepmc/search-core-dublin-core-rdf.xml",
	  .n_records = 25, .index = 0, UNCHECKED,
	  .container = "Lancet (London, England)", .pmid = "39709209",
	  .doi = "10.1016/s0140-6736(24)02600-x", .volume = "404",
	  .issue = "10471", .page = "2603-2604", .language = "en",
	  .url = "http://europepmc.org/abstract/MED/39709209",
	  .year = 2025, .month = 12, .day = 1, .n_authors = 3,
	  .author1 = "Schoenfeld|JD", .author_last = "O'Neill|AF" },
	{ .file = "europepmc/search-core-dublin-core-rdf.xml",
	  .n_records = 25, .index = 1, UNCHECKED, .pmcid = "PMC12124214",
	  .pubtype = "Published Erratum" },
	{ .file = "europepmc/search-no-results.json", .n_records = 0,
	  UNCHECKED },
	{ .file = "openalex/work-single-peerj-state-of-oa.json",
	  .n_records = 1, UNCHECKED,
	  .title = "The state of OA: a large-scale analysis of the "
		   "prevalence and impact of Open Access articles",
	  .container = "PeerJ", .doi = "10.7717/peerj.4375",
	  .pmid = "29456894", .pmcid = "PMC5815332", .volume = "6",
	  .page = "e4375", .language = "en", .year = 2018, .month = 2,
	  .day = 13, .n_authors = 9, .author1 = "Piwowar|Heather",
	  .author_last = "Haustein|Stefanie", .n_passages = 1 },
	{ .file = "openalex/works-list-cursor-page-1.json", .n_records = 2,
	  .index = 0, UNCHECKED,
	  .title = "bibliometrix : An R-tool for comprehensive science "
		   "mapping analysis",
	  .container = "Journal of Informetrics", .volume = "11",
	  .issue = "4", .page = "959-975", .abstract = "", .year = 2017,
	  .month = 9, .day = 12, .n_authors = 2, .author1 = "Aria|Massimo",
	  .author_last = "Cuccurullo|Corrado" },
	{ .file = "openalex/works-list-cursor-page-2-empty.json",
	  .n_records = 0, UNCHECKED },
	{ .file = "feeds/heise-developer-atom-html-summary-content.atom",
	  .n_records = 15, .index = 0, UNCHECKED, .type = "post",
	  .title = "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
	  .url = "http://www.heise.de/developer/meldung/Java-"
		 "Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html"
		 "?wt_mc=rss.developer.beitrag.atom",
	  .container = "heise developer neueste Meldungen", .year = 2016,
	  .month = 2, .day = 1, .n_authors = 1, .n_passages = 1 },
	/* relative links against the feed's rel="self" */
	{ .file = "feeds/intertwingly-atom-xhtml-content-threading.atom",
	  .n_records = 20, .index = 0, UNCHECKED,
	  .title = "Inhibiting Suspend",
	  .url = "http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend",
	  .year = 2012, .month = 7, .day = 16, .n_authors = 1,
	  .author1 = "Ruby|Sam" },
	/* ISO-8859-1 with CRLF; feedburner's origLink over its redirect */
	{ .file = "feeds/jn-portugal-news-rss2-iso-8859-1-crlf.rss",
	  .n_records = 40, .index = 0, UNCHECKED,
	  .title = "M\xc3\xa3" "e de utente \xc3\xa9 a nova presidente da "
		   "Rar\xc3\xadssimas",
	  .url = "https://www.jn.pt/nacional/interior/sonia-laig-e-a-nova-"
		 "presidente-da-rarissimas-9021600.html",
	  .language = "pt", .keyword = "Nacional", .year = 2018, .month = 1,
	  .day = 3 },
	/* RSS 1.0 with PRISM: journal items */
	{ .file = "feeds/science-journal-rss1-rdf-prism-dc.rss",
	  .n_records = 69, .index = 0, UNCHECKED, .type = "article-journal",
	  .title = "Food for fungi", .container = "Science",
	  .doi = "10.1126/science.356.6343.1134-a", .volume = "356",
	  .issue = "6343", .page = "1134",
	  .publisher = "American Association for the Advancement of Science",
	  .year = 2017, .month = 6, .day = 16, .n_authors = 1,
	  .author1 = "Hines|P. J.", .keyword = "Botany, Microbiology" },
	{ .file = "feeds/washington-post-wellness-rss2-cdata-html-"
		  "descriptions.rss",
	  .n_records = 29, .index = 0, UNCHECKED, .type = "post",
	  .title = "Schools minister to kids\xe2\x80\x99 fitness and "
		   "nutrition needs",
	  .container = "Wellness: Health, Fitness, Nutrition & More - The "
		       "Washington Post",
	  .url = "http://www.washingtonpost.com/lifestyle/wellness/schools-"
		 "minister-to-kids-fitness-and-nutrition-needs/2012/08/21/"
		 "0ca90d46-e6eb-11e1-936a-b801f1abab19_story.html?wprss=rss_"
		 "wellness",
	  .language = "en", .year = 2012, .month = 8, .day = 21,
	  .n_authors = 1, .author1 = "Bernstein|Lenny",
	  .absent = { "Add to Facebook", "Read full article" } },
	/* The external parameter entity is never loaded; the feed is
	 * empty. */
	{ .file = "awkward/rss1-doctype-external-parameter-entity.rss",
	  .n_records = 0, UNCHECKED },
	/* The internal entity is fine, but its only item has nothing to
	 * cite (a guid that is not a permalink). */
	{ .file = "awkward/rss2-internal-entity-declaration.rss",
	  .n_records = 0, UNCHECKED },
	{ .file = "awkward/rss2-unescaped-ampersand-not-well-formed.rss",
	  .rc = EV_PARSE, .n_records = 0, UNCHECKED },
	{ .file = "awkward/rss2-windows-1251-encoding.rss", .n_records = 10,
	  .index = 0, UNCHECKED,
	  .title = "В Бузулуке главные стройплощадки – детсад и Ледовый "
		   "дворец",
	  .url = "http://www.oren.ru/news/2743422/", .year = 2014,
	  .month = 1, .day = 22, .keyword = "Раздел Новости/" },
};

static void test_sample_fields(void)
{
	struct collected c = { .n = 0 };
	char err[512];

	for (size_t i = 0; i < sizeof(sample_cases) / sizeof(*sample_cases);
	     i++)
		run_case(samples, &sample_cases[i], NULL, &c);

	/* The OpenAlex abstract, rebuilt, from its first word to its
	 * last. */
	{
		static const char start[] = "Despite growing interest in Open "
					    "Access (OA) to scholarly "
					    "literature, there is an unmet "
					    "need";
		static const char end[] = "as a way to inform OA policy and "
					  "practice.";
		char *path = fs_join(samples, "openalex/work-single-peerj-"
					      "state-of-oa.json");
		const char *a;
		size_t n;

		run_path(path, NULL, &c, err, sizeof(err));
		a = c.n ? c.recs[0].abstract : NULL;
		n = a ? strlen(a) : 0;
		ok(a && !strncmp(a, start, strlen(start)),
		   "peerj: the abstract starts as the paper's");
		ok(n > strlen(end) && !strcmp(a + n - strlen(end), end),
		   "peerj: and ends as it does");
		free(path);
	}
	collected_release(&c);
}

static int is_feed_or_crossref(const char *name)
{
	return !strncmp(name, "rss", 3) || !strncmp(name, "crossref", 8);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *env = getenv("EVIDENCE_SHARED");
	const char *t = getenv("TMPDIR");
	char shared[1024];

	snprintf(fixtures, sizeof(fixtures), "%s/tests/fixtures/parse",
		 top ? top : ".");
	snprintf(tmpdir, sizeof(tmpdir), "%s/evidence-test-api.XXXXXX",
		 t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make %s: %s\n", tmpdir,
		       strerror(errno));
		return 1;
	}
	test_fixtures();
	test_detect();
	test_links();
	test_hostile();
	test_xxe(fixtures, "feed-xxe.rss");
	test_cuts(fixtures, "fixtures", is_ours);

	if (env && *env)
		snprintf(shared, sizeof(shared), "%s", env);
	else
		snprintf(shared, sizeof(shared), "%s/../shared",
			 top ? top : ".");
	snprintf(samples, sizeof(samples), "%s/samples", shared);
	if (!fs_is_dir(samples)) {
		/* One skipped test, so that the run says so. */
		printf("ok %d # SKIP the samples: ../shared/samples is absent "
		       "(set EVIDENCE_SHARED)\n",
		       ++tap_n);
	} else {
		static const char *const folders[] = {
			"crossref", "europepmc", "openalex", "feeds",
		};
		char *dir;

		test_sample_fields();
		test_xxe(samples,
			 "awkward/rss1-doctype-external-parameter-entity.rss");
		for (size_t i = 0; i < 4; i++) {
			dir = fs_join(samples, folders[i]);
			test_cuts(dir, folders[i], NULL);
			free(dir);
		}
		dir = fs_join(samples, "awkward");
		test_cuts(dir, "awkward", is_feed_or_crossref);
		free(dir);
	}
	rmdir(tmpdir);
	return tap_done();
}
