/* test-parse-tagged.c - the MEDLINE, RIS and BibTeX readers */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "parse-check.h"
#include "parse-formats.h"
#include "parse.h"
#include "record.h"
#include "tap.h"
#include "text.h"

static char tmpdir[256];
static char fixtures[1024];
static char samples[1100];

/* Every record of a parse, however many (parse-check.h keeps eight). */
struct all {
	struct record *recs;
	size_t n, alloc;
};

static ev_status collect_all(struct record *rec, void *ctx)
{
	struct all *a = ctx;

	if (a->n == a->alloc) {
		size_t alloc = a->alloc ? a->alloc * 2 : 16;
		struct record *r = realloc(a->recs, alloc * sizeof(*r));

		if (!r)
			return EV_NOMEM;
		a->recs = r;
		a->alloc = alloc;
	}
	record_init(&a->recs[a->n]);
	if (record_copy(&a->recs[a->n], rec))
		return EV_NOMEM;
	a->n++;
	return EV_OK;
}

static void all_release(struct all *a)
{
	for (size_t i = 0; i < a->n; i++)
		record_release(&a->recs[i]);
	free(a->recs);
	a->recs = NULL;
	a->n = a->alloc = 0;
}

static ev_status parse_file(const char *path, enum format fmt, size_t max_size,
			    struct all *a, char *err, size_t errsz)
{
	struct parse_input in = { .name = path, .fd = -1,
				  .max_size = max_size };
	ev_status rc;

	all_release(a);
	in.fd = open(path, O_RDONLY);
	if (in.fd < 0) {
		snprintf(err, errsz, "cannot open %s", path);
		return EV_IO;
	}
	rc = parse_input(fmt, &in, collect_all, a, err, errsz);
	close(in.fd);
	return rc;
}

/* Write LEN bytes (a string when LEN is 0) to a temporary file NAME and
 * parse it as FMT. */
static ev_status parse_bytes(const char *name, const char *data, size_t len,
			     enum format fmt, size_t max_size, struct all *a,
			     char *err, size_t errsz)
{
	char *path = fs_join(tmpdir, name);
	ev_status rc;

	if (fs_write_atomic(path, data, len ? len : strlen(data))) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	rc = parse_file(path, fmt, max_size, a, err, errsz);
	unlink(path);
	free(path);
	return rc;
}

static const struct record *by_key(const struct all *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->recs[i].citation_key &&
		    !strcmp(a->recs[i].citation_key, key))
			return &a->recs[i];
	return NULL;
}

/* --- The fixtures, field by field; every value read off by hand --- */

static const struct expect fixture_cases[] = {
	/* RIS 1: BOM and blank lines first, an indented title
	 * continuation, an untagged abstract line, a keyword continued
	 * untagged (Rayyan), an organisation author, DA over PY, PMID and
	 * PMCID from N1 notes as evidence's export writes them. */
	{.file = "tagged.ris",
	 .n_records = 4,
	 .index = 0,
	 .type = "article-journal",
	 .title = "Collaboration between general practices: what networks "
		  "have learned",
	 .container = "British Journal of General Practice",
	 .publisher = "Royal College of General Practitioners",
	 .doi = "10.5555/evidence.ris.1",
	 .pmid = "90000021",
	 .pmcid = "PMC9000021",
	 .volume = "69",
	 .issue = "684",
	 .page = "e456-e463",
	 .language = "en",
	 .url = "https://example.org/articles/ris-1",
	 .abstract = "Practices in England are joining networks. Benefits "
		     "took years to appear.",
	 .year = 2019,
	 .month = 7,
	 .day = 1,
	 .n_authors = 3,
	 .author1 = "Pettigrew|Luisa M.",
	 .author_last = "=NHS England",
	 .n_passages = -1,
	 .n_keywords = 3,
	 .keyword = "super-partnerships",
	 .n_relations = 0,
	 .n_cites = 0},
	/* RIS 2: "TY - RPRT" with one space, after an Ovid "1." line;
	 * "ER  -" with nothing after; a slashed date; the DOI only in a
	 * doi.org URL; AN is the PMID because DB says PubMed. */
	{.file = "tagged.ris",
	 .n_records = 4,
	 .index = 1,
	 .type = "report",
	 .evidence_type = "report",
	 .title = "Primary care networks explained",
	 .container = "",
	 .doi = "10.5555/evidence.ris.2",
	 .pmid = "90000022",
	 .pmcid = "",
	 .url = "https://doi.org/10.5555/evidence.ris.2",
	 .abstract = "",
	 .year = 2018,
	 .month = 4,
	 .day = 22,
	 .n_authors = 1,
	 .author1 = "=The King's Fund",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"Link to the full text", "not-a-record"}},
	/* RIS 3: a chapter; "Family Initials" authors (Embase, Ovid); M3
	 * as a publication type; a bare DOI in L3; Y1. */
	{.file = "tagged.ris",
	 .n_records = 4,
	 .index = 2,
	 .type = "chapter",
	 .evidence_type = "review",
	 .title = "Working at scale",
	 .container = "Primary care in the "
		      "2020s",
	 .doi = "10.5555/evidence.ris.3",
	 .pmid = "",
	 .page = "10-20",
	 .year = 2020,
	 .month = 0,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "de Vries|HJC",
	 .author_last = "Smith|J.A.",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .pubtype = "Review",
	 .n_relations = 0,
	 .n_cites = 0},
	/* RIS 4: no ER before the end of the file; an Ovid author list
	 * in one line; the PMID from a PubMed URL. */
	{.file = "tagged.ris",
	 .n_records = 4,
	 .index = 3,
	 .type = "post-weblog",
	 .evidence_type = "news",
	 .title = "A marathon, not a sprint",
	 .container = "Health Policy "
		      "Blog",
	 .pmid = "90000024",
	 .doi = "",
	 .url = "https://www.ncbi.nlm.nih.gov/pubmed/90000024",
	 .abstract = "Networks need time.",
	 .year = 2021,
	 .month = 3,
	 .day = 4,
	 .n_authors = 2,
	 .author1 = "Achterbergh|RCA",
	 .author_last = "van der Helm|JJ",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},

	/* MEDLINE 1: a leading blank line; continued TI and AB; FAU over
	 * AU, CN in order; JT over TA; DP over DEP; the DOI from LID/AID;
	 * MH without "*" and qualifiers. */
	{.file = "tagged.nbib",
	 .n_records = 3,
	 .index = 0,
	 .type = "article-journal",
	 .evidence_type = "systematic-review",
	 .title = "Large-scale general practice in England: a systematic "
		  "review of collaborations",
	 .container = "The British journal of general practice",
	 .doi = "10.5555/evidence.nbib.1",
	 .pmid = "90000031",
	 .pmcid = "PMC9000031",
	 .volume = "69",
	 .issue = "684",
	 .page = "e456-e463",
	 .language = "en",
	 .abstract = "BACKGROUND: Practices are joining networks. RESULTS: "
		     "Benefits took years to appear.",
	 .year = 2019,
	 .month = 7,
	 .day = 0,
	 .n_authors = 3,
	 .author1 = "Pettigrew|Luisa M",
	 .author_last = "=Primary Care Research Group",
	 .n_passages = -1,
	 .n_keywords = 3,
	 .keyword = "Primary Health Care",
	 .pubtype = "Systematic Review",
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"organization & administration", "bjgp19X704585",
		    "Pettigrew LM"}},
	/* MEDLINE 2: a PMID line with no blank line before it starts a
	 * record; AU only ("Family Initials"); TA; MedlineDate-style DP;
	 * CON as a relation. */
	{.file = "tagged.nbib",
	 .n_records = 3,
	 .index = 1,
	 .evidence_type = "editorial",
	 .title = "Primary care networks: a marathon, not a sprint",
	 .container = "BMJ",
	 .pmid = "90000032",
	 .doi = "",
	 .page = "12",
	 .year = 2020,
	 .month = 1,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "Smith|JA",
	 .author_last = "de Hoon|MJ",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .pubtype = "Comment",
	 .relation = "comment-on=pmid:90000031",
	 .n_relations = 1,
	 .n_cites = 0},
	/* MEDLINE 3: a bracketed translated title; EFR by PMID, EIN by
	 * DOI; an erratum is type other. */
	{.file = "tagged.nbib",
	 .n_records = 3,
	 .index = 2,
	 .evidence_type = "other",
	 .title = "Cooperation between general practices in Germany",
	 .container = "Zeitschrift fur Allgemeinmedizin",
	 .pmid = "90000033",
	 .language = "de",
	 .year = 2020,
	 .month = 0,
	 .day = 0,
	 .n_authors = 0,
	 .n_passages = 0,
	 .n_keywords = 0,
	 .pubtype = "Published Erratum",
	 .relation = "erratum-in=doi:10.5555/evidence.nbib.9",
	 .n_relations = 2,
	 .n_cites = 0},

	/* BibTeX 1: a BOM, comments, @comment/@preamble skipped, @string
	 * macros (one concatenated), month macro, all three name forms
	 * with a braced organisation and "others", accents, protection
	 * braces, ---, a DOI as a URL, pmid/pmcid fields as evidence's
	 * export writes them, keywords, HTML and a comment line in the
	 * abstract, "%" kept inside a URL. */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 0,
	 .type = "article-journal",
	 .title = "Large-scale general practice in England: what can we "
		  "learn? \xe2\x80\x94 a review",
	 .container = "Br J Gen Pract",
	 .doi = "10.5555/evidence.bib.1",
	 .pmid = "90000041",
	 .pmcid = "PMC9000041",
	 .volume = "69",
	 .issue = "684",
	 .page = "e456-e463",
	 .language = "en",
	 .url = "https://example.org/bib-1?x=10%2F",
	 .abstract = "Practices & networks: \xe2\x80\x9ctrust\xe2\x80\x9d "
		     "takes years\xe2\x80\xa6",
	 .year = 2019,
	 .month = 7,
	 .day = 0,
	 .n_authors = 5,
	 .author1 = "Pettigrew|Luisa M.",
	 .author_last = "de la Cruz|Juan Jr",
	 .n_passages = -1,
	 .n_keywords = 3,
	 .keyword = "primary care",
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"Not a work", "<p>", "comment line", "others", "noop"}},
	/* BibTeX 2: crossref to a parent later in the file: booktitle from
	 * its title, publisher and year inherited; LaTeX accents and
	 * escapes; "First von Last". */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 1,
	 .type = "chapter",
	 .title = "Caf\xc3\xa9 culture, \xc4\x8c"
		  "esk\xc3\xbd \xc3\x9f "
		  "\xc3\xb8 and 50% & more",
	 .container = "Primary care networks in practice",
	 .publisher = "Policy Press",
	 .page = "10-20",
	 .year = 2017,
	 .month = 0,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "Sartre|Jean-Paul",
	 .author_last = "van Beethoven|Ludwig",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"Bristol"}},
	/* BibTeX 3: the parent, editors are not authors. */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 2,
	 .type = "book",
	 .title = "Primary care networks in practice",
	 .publisher = "Policy Press",
	 .year = 2017,
	 .month = 0,
	 .day = 0,
	 .n_authors = 0,
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"Ham"}},
	/* BibTeX 4: parentheses, quoted values with {"} inside, a quoted
	 * braced organisation, institution as publisher, the DOI from a
	 * doi.org URL, eprint with eprinttype pubmed, trailing comma. */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 3,
	 .type = "report",
	 .evidence_type = "report",
	 .title = "Super-partnerships: \"scale\" in general practice",
	 .publisher = "Nuffield Trust",
	 .doi = "10.5555/evidence.bib.3",
	 .pmid = "90000043",
	 .year = 2020,
	 .month = 4,
	 .day = 0,
	 .n_authors = 1,
	 .author1 = "=The Nuffield Trust",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	/* BibTeX 5: biblatex @online, date, langid (babel's "british");
	 * the URL verbatim: "~" and "--" kept, "\_" unescaped. */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 4,
	 .type = "webpage",
	 .title = "A marathon, not a sprint",
	 .url = "https://example.org/~smith/blog_post--marathon",
	 .language = "en",
	 .year = 2021,
	 .month = 3,
	 .day = 4,
	 .n_authors = 1,
	 .author1 = "Smith|John",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	/* BibTeX 6: school as publisher, a PMID in the note, the URL in
	 * howpublished's \url{} ("\_" unescaped). */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 5,
	 .type = "thesis",
	 .title = "Federations of general practices",
	 .publisher = "University of Manchester",
	 .pmid = "90000045",
	 .url = "https://example.org/theses/van_der_berg",
	 .year = 2015,
	 .n_authors = 1,
	 .author1 = "van der Berg|Anna",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	/* BibTeX 7: booktitle is the container of a conference paper. */
	{.file = "tagged.bib",
	 .n_records = 7,
	 .index = 6,
	 .type = "paper-conference",
	 .title = "Networks at scale",
	 .container = "Proceedings of the RCGP Conference",
	 .page = "5",
	 .year = 2016,
	 .n_authors = 1,
	 .author1 = "Brown|Bill",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
};

/* Parse each case's file (under DIR) and check its record. */
static void run_cases(const char *dir, const struct expect *cases, size_t n)
{
	struct collected c = {.n = 0};
	char err[512];

	for (size_t i = 0; i < n; i++) {
		const struct expect *e = &cases[i];
		const char *base = strrchr(e->file, '/');
		char *path = fs_join(dir, e->file);
		char name[160];
		ev_status rc;

		snprintf(name, sizeof(name), "%s[%zu]",
			 base ? base + 1 : e->file, e->index);
		rc = run_path(path, NULL, &c, err, sizeof(err));
		free(path);
		is_int(rc, e->rc, "%s: status (%s)", name, rc ? err : "ok");
		is_int(c.seen, e->n_records, "%s: records", name);
		if (e->index < c.n)
			check_expect(name, &c.recs[e->index], e);
		else
			ok(e->n_records == 0, "%s: record is there", name);
	}
	collected_release(&c);
}

/* What the expect table cannot say: keys, formats, second values. */
static void test_fixture_extras(void)
{
	struct all a = {NULL, 0, 0};
	char err[512];
	char *path = fs_join(fixtures, "tagged.bib");

	is_int(parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err)),
	       EV_OK, "tagged.bib parses");
	free(path);
	ok(by_key(&a, "pettigrew2019") && by_key(&a, "sartre2017") &&
		   by_key(&a, "nuffield2020") && by_key(&a, "conf2016"),
	   "BibTeX keys are citation keys");
	ok(a.n && a.recs[0].n_authors == 5 &&
		   !strcmp(a.recs[0].authors[3].family, "M\xc3\xbcller") &&
		   !strcmp(a.recs[0].authors[3].given, "J\xc3\xb6rg"),
	   "\\\"{u} and \\\"{o} inside names");
	ok(a.n && a.recs[0].n_provenance == 1 &&
		   !strcmp(a.recs[0].provenance[0].format, "bibtex"),
	   "provenance names the bibtex format");
	path = fs_join(fixtures, "tagged.ris");
	parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	free(path);
	is_str(a.n ? a.recs[0].citation_key : NULL, "pettigrew2019",
	       "RIS ID with letters is the citation key");
	ok(a.n && !strcmp(a.recs[0].provenance[0].format, "ris"),
	   "provenance names the ris format");
	path = fs_join(fixtures, "tagged.nbib");
	parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	free(path);
	ok(a.n == 3 && a.recs[0].n_authors == 3 &&
		   !strcmp(a.recs[0].authors[1].family, "van der Berg"),
	   "MEDLINE FAU with a particle");
	ok(a.n && !strcmp(a.recs[0].provenance[0].format, "medline"),
	   "provenance names the medline format");
	/* A book chapter: BTI is its container. */
	parse_bytes("chapter.nbib",
		    "PMID- 9\nTI  - Federations.\nBTI - Working at Scale\n"
		    "PB  - Example Press\n",
		    0, FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	ok(a.n == 1 && !strcmp(a.recs[0].type, "chapter") &&
		   !strcmp(a.recs[0].title, "Federations") &&
		   !strcmp(a.recs[0].container_title, "Working at Scale") &&
		   !strcmp(a.recs[0].publisher, "Example Press"),
	   "MEDLINE TI with BTI: a chapter in its book");
	/* DEP (YYYYMMDD) when DP has no year. */
	parse_bytes("dep.nbib", "PMID- 1\nDP  - Spring\nDEP - 20200115\n", 0,
		    FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	ok(a.n == 1 && a.recs[0].issued.year == 2020 &&
		   a.recs[0].issued.month == 1 && a.recs[0].issued.day == 15,
	   "MEDLINE DEP 20200115 when DP has no year");
	/* RIS: DA's month when PY has only the year, Zotero's
	 * "undefined" day ignored. */
	parse_bytes("py.ris",
		    "TY  - JOUR\nTI  - T\nPY  - 2019\nDA  - 2019/10//x\n", 0,
		    FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	ok(a.n == 1 && a.recs[0].issued.year == 2019 &&
		   a.recs[0].issued.month == 10 && a.recs[0].issued.day == 0,
	   "RIS DA 2019/10//x: October 2019");
	all_release(&a);
}

/* --- Detection and names --- */

static void test_detect(void)
{
	static const struct {
		const char *head, *name;
		enum format want;
	} cases[] = {
		{"TY  - JOUR\nTI  - x\n", NULL, FORMAT_RIS},
		/* BOM, blank lines, odd spacing */
		{"\xef\xbb\xbf\n\r\nTY -  BOOK\n", NULL, FORMAT_RIS},
		{"TY - RPRT\n", "x.txt", FORMAT_RIS},
		/* Ovid numbers each record */
		{"1. \nTY  - ELEC\n", NULL, FORMAT_RIS},
		{"PMID- 123\nTI  - x\n", NULL, FORMAT_MEDLINE},
		/* a leading blank line, as older PubMed exports have */
		{"\nPMID- 12230038\nOWN - NLM\n", NULL, FORMAT_MEDLINE},
		{"@article{k, title = {x}}", NULL, FORMAT_BIBTEX},
		{"\xef\xbb\xbf@TechReport{Page99,\n", NULL, FORMAT_BIBTEX},
		{"% comment\n%more\n\n@string{a = \"b\"}", NULL,
		 FORMAT_BIBTEX},
		{"@comment{x}\n@book (k,", NULL, FORMAT_BIBTEX},
		{"\n@article{10.1371_journal,", "x.txt", FORMAT_BIBTEX},
		/* by extension when the content does not say */
		{"Some notes\n", "refs.ris", FORMAT_RIS},
		{"Some notes\n", "refs.nbib", FORMAT_MEDLINE},
		{"Some notes\n", "refs.MEDLINE", FORMAT_MEDLINE},
		{"Some notes\n", "refs.bib", FORMAT_BIBTEX},
		/* not these */
		{"TYPE - x\n", NULL, FORMAT_TEXT},
		{"@ home\n", NULL, FORMAT_TEXT},
		{"email me @ work{ok}\n", NULL, FORMAT_TEXT},
		{"PMID: 123\n", NULL, FORMAT_TEXT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		is_str(format_name(format_detect(cases[i].head,
						 strlen(cases[i].head),
						 cases[i].name)),
		       format_name(cases[i].want), "detect case %zu", i);
	is_int(format_lookup("ris"), FORMAT_RIS, "lookup ris");
	is_int(format_lookup("medline"), FORMAT_MEDLINE, "lookup medline");
	is_int(format_lookup("BibTeX"), FORMAT_BIBTEX, "lookup bibtex");
	is_str(format_name(FORMAT_BIBTEX), "bibtex", "name bibtex");
}

/* --- Small cases: odd but valid, and malformed --- */

static const struct {
	const char *what, *data;
	enum format fmt;
	ev_status rc;
	size_t n;
	const char *title, *err;
} small_cases[] = {
	{"RIS: empty", "", FORMAT_RIS, EV_OK, 0, NULL, NULL},
	{"RIS: tags but no TY", "TI  - A title\nAU  - Smith, J\nER  - \n",
	 FORMAT_RIS, EV_PARSE, 0, NULL, "no \"TY  - \" line"},
	{"RIS: prose", "This is not RIS at all.\n", FORMAT_RIS, EV_OK, 0, NULL,
	 NULL},
	{"RIS: CRLF, ER without space",
	 "TY  - JOUR\r\nTI  - Crlf title\r\nER  -\r\n", FORMAT_RIS, EV_OK, 1,
	 "Crlf title", NULL},
	{"RIS: two records without ER",
	 "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\n", FORMAT_RIS, EV_OK,
	 2, "One", NULL},
	{"RIS: Latin-1 bytes", "TY  - JOUR\nTI  - Caf\xe9\nER  - \n",
	 FORMAT_RIS, EV_PARSE, 0, NULL, "not UTF-8 at line 2"},
	{"MEDLINE: no PMID or TI", "OWN - NLM\nSTAT- MEDLINE\n",
	 FORMAT_MEDLINE, EV_PARSE, 0, NULL, "not a MEDLINE file"},
	{"MEDLINE: DEP when DP has no year",
	 "PMID- 1\nDP  - Spring\nDEP - 20200115\nTI  - Dated.\n",
	 FORMAT_MEDLINE, EV_OK, 1, "Dated", NULL},
	{"MEDLINE: NUL byte", "PMID- 1\nTI  - a\0b\n", FORMAT_MEDLINE,
	 EV_PARSE, 0, NULL, "NUL byte at line 2"},
	{"BibTeX: empty", "", FORMAT_BIBTEX, EV_OK, 0, NULL, NULL},
	{"BibTeX: only comments", "% nothing\n@comment{x}\n", FORMAT_BIBTEX,
	 EV_OK, 0, NULL, NULL},
	{"BibTeX: unbalanced braces", "@article{k,\n title = {Open {brace}\n",
	 FORMAT_BIBTEX, EV_PARSE, 0, NULL, "line 2: unbalanced braces"},
	{"BibTeX: unterminated quote", "@misc{k, title = \"open\n",
	 FORMAT_BIBTEX, EV_PARSE, 0, NULL, "unterminated quoted value"},
	{"BibTeX: missing =", "@misc{k,\n\n title {x}}\n", FORMAT_BIBTEX,
	 EV_PARSE, 0, NULL, "line 3: expected \"=\""},
	{"BibTeX: entry not closed", "@misc{k, title = {x},\n", FORMAT_BIBTEX,
	 EV_PARSE, 0, NULL, "entry 'k' is not closed"},
	{"BibTeX: stray closing brace outside entries",
	 "@misc{k, title = {x}}}\n}", FORMAT_BIBTEX, EV_OK, 1, "x", NULL},
	{"BibTeX: nothing to find an entry by",
	 "@misc{k, year = 2000, author = {A B}}", FORMAT_BIBTEX, EV_OK, 0,
	 NULL, NULL},
	{"RIS: nothing to find a record by",
	 "TY  - JOUR\nPY  - 2000\nER  - \n", FORMAT_RIS, EV_OK, 0, NULL, NULL},
	/* \} is an escaped brace: it closes nothing. */
	{"BibTeX: escaped closing brace", "@misc{k, title = {a\\}}\n",
	 FORMAT_BIBTEX, EV_PARSE, 0, NULL, "entry 'k' is not closed"},
	{"BibTeX: an error anywhere passes nothing",
	 "@misc{a, title = {Fine}}\n@misc{b, title = }\n", FORMAT_BIBTEX,
	 EV_PARSE, 0, NULL, "expected a value"},
	{"BibTeX: undefined macro is empty, a number stays",
	 "@misc{k, title = undefinedmacro # {Kept} # 2020}", FORMAT_BIBTEX,
	 EV_OK, 1, "Kept2020", NULL},
	{"BibTeX: crossref cycle",
	 "@misc{a, crossref = {b}, title = {A}}\n"
	 "@misc{b, crossref = {a}, title = {B}}\n",
	 FORMAT_BIBTEX, EV_OK, 2, "A", NULL},
	/* The awkward sample in miniature: GBK bytes. */
	{"BibTeX: GBK",
	 "@ARTICLE{\xbf\xad\xc8\xf6"
	 "2013,\n  author = "
	 "{\xbf\xad\xc8\xf6}}\n",
	 FORMAT_BIBTEX, EV_PARSE, 0, NULL, "not UTF-8 at line 1"},
};

static void test_small(void)
{
	struct all a = {NULL, 0, 0};

	for (size_t i = 0; i < sizeof(small_cases) / sizeof(*small_cases);
	     i++) {
		char err[512] = "";
		size_t len = strlen(small_cases[i].data);
		ev_status rc;

		/* The NUL case: count through the embedded NUL. */
		if (strstr(small_cases[i].what, "NUL"))
			len += 1 + strlen(small_cases[i].data + len + 1);
		rc = parse_bytes("small", small_cases[i].data, len,
				 small_cases[i].fmt, 0, &a, err, sizeof(err));
		is_int(rc, small_cases[i].rc, "%s: status (%s)",
		       small_cases[i].what, err);
		is_int(a.n, small_cases[i].n, "%s: records",
		       small_cases[i].what);
		if (small_cases[i].title)
			is_str(a.n ? a.recs[0].title : NULL,
			       small_cases[i].title, "%s: title",
			       small_cases[i].what);
		if (small_cases[i].err)
			ok(strstr(err, small_cases[i].err) &&
				   !strchr(err, '\n'),
			   "%s: one-line message '%s'", small_cases[i].what,
			   err);
	}
	all_release(&a);
}

/* LaTeX in a BibTeX title, to Unicode. */
static void test_latex(void)
{
	static const struct {
		const char *latex, *text;
	} cases[] = {
		{"\\\"{o}\\\"a", "\xc3\xb6\xc3\xa4"},
		{"{\\'e}t{\\'E}", "\xc3\xa9t\xc3\x89"},
		{"\\v{c}\\v Z", "\xc4\x8d\xc5\xbd"},
		{"\\c c\\c{S}", "\xc3\xa7\xc5\x9e"},
		{"\\'{\\i}\\^\\i", "\xc3\xad\xc3\xae"},
		{"\\H{o} \\k{a} \\r{a} \\={u} \\u{g} \\.{z}",
		 "\xc5\x91 \xc4\x85 \xc3\xa5 \xc5\xab \xc4\x9f \xc5\xbc"},
		/* no precomposed letter: the base and a combining mark */
		{"\\d{s}\\'x", "s\xcc\xa3x\xcc\x81"},
		{"\\ss{} \\o{} {\\AE} \\l{}",
		 "\xc3\x9f \xc3\xb8 \xc3\x86 \xc5\x82"},
		/* TeX eats the space after a control word */
		{"Gro\\ss e", "Gro\xc3\x9f"
			      "e"},
		{"\\& \\% \\$ \\# \\_", "& % $ # _"},
		{"1--2, a---b", "1\xe2\x80\x93"
				"2, a\xe2\x80\x94"
				"b"},
		{"``quoted'' `x'",
		 "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x98x'"},
		{"a~b", "a b"},
		{"{Protected} {{Deeply}}", "Protected Deeply"},
		{"\\emph{word} \\textbf{bold}", "word bold"},
		{"\\unknowncommand{kept}", "kept"},
		{"$x^2$ \\textless{}y\\textgreater{}", "x^2 <y>"},
		{"\\ldots\\textendash", "\xe2\x80\xa6\xe2\x80\x93"},
		/* Already UTF-8 passes through. */
		{"Caf\xc3\xa9", "Caf\xc3\xa9"},
		/* A command cut off at the end. */
		{"end\\\"", "end"},
	};
	struct all a = {NULL, 0, 0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		char err[512] = "";

		buf_printf(&b, "@misc{k, doi = {10.5555/x}, title = {%s}}",
			   cases[i].latex);
		parse_bytes("latex.bib", b.ptr, b.len, FORMAT_BIBTEX, 0, &a,
			    err, sizeof(err));
		is_str(a.n ? a.recs[0].title : NULL, cases[i].text,
		       "LaTeX case %zu: %s", i, cases[i].latex);
		buf_release(&b);
	}
	all_release(&a);
}

/* BibTeX names: the three forms, von parts, braces. */
static void test_bib_names(void)
{
	static const struct {
		const char *names, *first;
		size_t n;
	} cases[] = {
		{"Jean-Paul Sartre", "Sartre|Jean-Paul", 1},
		{"Ludwig van Beethoven", "van Beethoven|Ludwig", 1},
		{"van Beethoven, Ludwig", "van Beethoven|Ludwig", 1},
		{"de la Cruz, Jr, Juan", "de la Cruz|Juan Jr", 1},
		/* von is lower-case words before the last word; the rest
		 * of the last part stays with it */
		{"Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
		 "de la Vall\xc3\xa9"
		 "e Poussin|Charles Louis Xavier Joseph",
		 1},
		{"Brinch Hansen, Per", "Brinch Hansen|Per", 1},
		{"{\\\"O}fele, Karl",
		 "\xc3\x96"
		 "fele|Karl",
		 1},
		/* a braced group is caseless: not von */
		{"{al-Hasan}, Ali", "al-Hasan|Ali", 1},
		{"{NHS England}", "=NHS England", 1},
		{"{Barnes and Noble, Inc.}", "=Barnes and Noble, Inc.", 1},
		{"Aristotle", "Aristotle|", 1},
		{"Smith, John and others", "Smith|John", 1},
		{"A Smith AND B Jones and\tC Brown", "Smith|A", 3},
		{"Anderson, Anna and Sand, Andy", "Anderson|Anna", 2},
	};
	struct all a = {NULL, 0, 0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		char err[512] = "", got[512] = "(none)";
		const struct author *au;

		buf_printf(&b,
			   "@misc{k, doi = {10.5555/x}, title = {t}, "
			   "author = {%s}}",
			   cases[i].names);
		parse_bytes("names.bib", b.ptr, b.len, FORMAT_BIBTEX, 0, &a,
			    err, sizeof(err));
		au = a.n && a.recs[0].n_authors ? &a.recs[0].authors[0] : NULL;
		if (au && au->literal)
			snprintf(got, sizeof(got), "=%s", au->literal);
		else if (au)
			snprintf(got, sizeof(got), "%s|%s",
				 au->family ? au->family : "",
				 au->given ? au->given : "");
		is_str(got, cases[i].first, "names case %zu: %s", i,
		       cases[i].names);
		is_int(a.n ? a.recs[0].n_authors : 0, cases[i].n,
		       "names case %zu: count", i);
		buf_release(&b);
	}
	all_release(&a);
}

/* RIS and MEDLINE names as databases write them (tagged_add_author()). */
static void test_tagged_names(void)
{
	static const struct {
		const char *name, *first, *last;
		size_t n;
	} cases[] = {
		{"Stall, Ron", "Stall|Ron", NULL, 1},
		{"Park, C. S.", "Park|C. S.", NULL, 1},
		{"Mills, Thomas C.", "Mills|Thomas C.", NULL, 1},
		/* Embase, MEDLINE AU: Family Initials */
		{"Liu R.", "Liu|R.", NULL, 1},
		{"Adler D.G.", "Adler|D.G.", NULL, 1},
		{"de Hoon MJ", "de Hoon|MJ", NULL, 1},
		/* Ovid: a list in one line */
		{"Achterbergh RCA, van der Helm JJ, de Vries HJC",
		 "Achterbergh|RCA", "de Vries|HJC", 3},
		{"Given Family", "Family|Given", NULL, 1},
		{"NHS England", "=NHS England", NULL, 1},
		{"World Health Organization", "=World Health Organization",
		 NULL, 1},
		/* a trial registration number as author (Ovid) */
		{"NCT04381559", "=NCT04381559", NULL, 1},
		{"  ", NULL, NULL, 0},
	};
	struct all a = {NULL, 0, 0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		char err[512] = "";

		buf_printf(&b, "TY  - JOUR\nTI  - t\nAU  - %s\nER  - \n",
			   cases[i].name);
		parse_bytes("names.ris", b.ptr, b.len, FORMAT_RIS, 0, &a, err,
			    sizeof(err));
		is_int(a.n ? a.recs[0].n_authors : 99, cases[i].n,
		       "RIS name %zu: '%s' count", i, cases[i].name);
		if (a.n && cases[i].first)
			check_author("RIS name", cases[i].name,
				     a.recs[0].n_authors
					     ? &a.recs[0].authors[0]
					     : NULL,
				     cases[i].first);
		if (a.n && cases[i].last)
			check_author(
				"RIS name", cases[i].name,
				a.recs[0].n_authors
					? &a.recs[0].authors
						   [a.recs[0].n_authors - 1]
					: NULL,
				cases[i].last);
		buf_release(&b);
	}
	all_release(&a);
}

/* Text in another encoding: refused, unless HTTP said which. */
static void test_charset(void)
{
	static const char latin1[] = "TY  - JOUR\nTI  - Caf\xe9 \x93"
				     "au "
				     "lait\x94\nER  - \n";
	static const char utf16[] = "\xff\xfeT\0Y\0 \0 \0-\0 \0";
	char *path = fs_join(tmpdir, "latin1.ris");
	struct all a = {NULL, 0, 0};
	struct parse_input in = { .name = path, .fd = -1,
				  .charset = "ISO-8859-1" };
	char err[512] = "";
	ev_status rc;

	fs_write_atomic(path, latin1, sizeof(latin1) - 1);
	in.fd = open(path, O_RDONLY);
	rc = parse_input(FORMAT_UNKNOWN, &in, collect_all, &a, err,
			 sizeof(err));
	close(in.fd);
	is_int(rc, EV_OK, "Latin-1 RIS with an HTTP charset (%s)", err);
	/* Labelled ISO-8859-1, read as Windows-1252 as browsers do: 0x93
	 * and 0x94 are curly quotes. */
	is_str(a.n ? a.recs[0].title : NULL,
	       "Caf\xc3\xa9 \xe2\x80\x9c"
	       "au lait\xe2\x80\x9d",
	       "and its title decoded");
	rc = parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	ok(rc == EV_PARSE && strstr(err, "not UTF-8 at line 2"),
	   "without the charset it is refused (%s)", err);
	rc = parse_bytes("utf16.ris", utf16, sizeof(utf16) - 1, FORMAT_RIS, 0,
			 &a, err, sizeof(err));
	ok(rc == EV_PARSE && strstr(err, "UTF-16"), "UTF-16 is named (%s)",
	   err);
	unlink(path);
	free(path);
	all_release(&a);
}

/* --- Hostile input --- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile(void)
{
	struct all a = {NULL, 0, 0};
	struct buf b = BUF_INIT;
	char err[512];
	double t;
	ev_status rc;

	/* @string doubling: 2^40 bytes if expanded; the cap stops it. */
	buf_addstr(&b, "@string{a0 = \"xxxxxxxxxxxxxxxx\"}\n");
	for (int i = 1; i <= 40; i++)
		buf_printf(&b, "@string{a%d = a%d # a%d}\n", i, i - 1, i - 1);
	buf_addstr(&b, "@misc{k, title = a40}\n");
	t = now();
	rc = parse_bytes("bomb.bib", b.ptr, b.len, FORMAT_UNKNOWN, 1 << 20, &a,
			 err, sizeof(err));
	is_int(rc, EV_TOO_BIG, "macro bomb: EV_TOO_BIG (%s)", err);
	ok(now() - t < 5, "macro bomb: stopped quickly");

	/* A million nested braces: a counter, not recursion. */
	buf_reset(&b);
	buf_addstr(&b, "@misc{deep, title = ");
	for (int i = 0; i < 1000000; i++)
		buf_addch(&b, '{');
	buf_addstr(&b, "Deep");
	for (int i = 0; i < 1000000; i++)
		buf_addch(&b, '}');
	buf_addstr(&b, "}\n");
	t = now();
	rc = parse_bytes("deep.bib", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	is_int(rc, EV_OK, "a million nested braces parse (%s)", err);
	is_str(a.n ? a.recs[0].title : NULL, "Deep", "and the title is Deep");
	ok(now() - t < 10, "deep braces: linear time");
	/* Unbalanced, as deep. */
	b.len -= 10;
	rc = parse_bytes("deep.bib", b.ptr, b.len, FORMAT_BIBTEX, 0, &a, err,
			 sizeof(err));
	is_int(rc, EV_PARSE, "a million open braces: EV_PARSE (%s)", err);

	/* 20,000 entries with crossrefs and macros: linear (a quadratic
	 * key lookup would take minutes under ASan). */
	buf_reset(&b);
	buf_addstr(&b, "@string{j = {Journal}}\n");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b,
			   "@article{k%d, crossref = {k%d}, title = {T%d}, "
			   "journal = j, year = 2000}\n",
			   i, (i * 7919) % 20000, i);
	t = now();
	rc = parse_bytes("many.bib", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	is_int(rc, EV_OK, "20,000 BibTeX entries (%s)", err);
	is_int(a.n, 20000, "20,000 records");
	ok(now() - t < 60, "20,000 entries in %.1f s", now() - t);

	/* 50,000 RIS records, 100,000 MEDLINE lines. */
	buf_reset(&b);
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "TY  - JOUR\nTI  - Title %d\nER  - \n\n", i);
	t = now();
	rc = parse_bytes("many.ris", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	ok(rc == EV_OK && a.n == 50000, "50,000 RIS records (%zu)", a.n);
	buf_reset(&b);
	buf_addstr(&b, "PMID- 1\nTI  - One long abstract\n");
	for (int i = 0; i < 100000; i++)
		buf_addstr(&b, "AB  - more\n      and more\n");
	rc = parse_bytes("long.nbib", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	ok(rc == EV_OK && a.n == 1, "a MEDLINE record of 200,000 lines");
	ok(now() - t < 60, "RIS and MEDLINE in %.1f s", now() - t);

	/* Long lists in one record: kept to the caps, in linear time
	 * (appending one at a time, or checking each keyword against all
	 * the others, would be quadratic). */
	buf_reset(&b);
	buf_addstr(&b, "TY  - JOUR\nTI  - Many\nKW  - k0\n");
	for (int i = 1; i < 100000; i++)
		buf_printf(&b, "k%d\n", i);
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "AU  - Smith%d, J\n", i);
	buf_addstr(&b, "AB  - x\n");
	for (int i = 0; i < 200000; i++)
		buf_addstr(&b, "continued\n");
	t = now();
	rc = parse_bytes("lists.ris", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	ok(rc == EV_OK && a.n == 1 && a.recs[0].keywords.n == 1000 &&
		   a.recs[0].n_authors == 5000,
	   "100,000 keywords and authors: 1,000 and 5,000 kept");
	buf_reset(&b);
	buf_addstr(&b, "@misc{k, title = {T}, author = {A");
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, " and B%d", i);
	buf_addstr(&b, "}}\n");
	rc = parse_bytes("names.bib", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	ok(rc == EV_OK && a.n == 1 && a.recs[0].n_authors == 5000,
	   "100,001 BibTeX names: 5,000 kept");
	ok(now() - t < 30, "long lists in %.1f s", now() - t);

	/* 600 fields in one entry. */
	buf_reset(&b);
	buf_addstr(&b, "@misc{wide,");
	for (int i = 0; i < 600; i++)
		buf_printf(&b, " f%d = {x},", i);
	buf_addstr(&b, "}\n");
	rc = parse_bytes("wide.bib", b.ptr, b.len, FORMAT_UNKNOWN, 0, &a, err,
			 sizeof(err));
	is_int(rc, EV_TOO_BIG, "an entry with 600 fields: EV_TOO_BIG (%s)",
	       err);

	/* The payload cap applies to these in-memory formats. */
	buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		buf_addstr(&b, "TY  - JOUR\nTI  - Title\nER  - \n");
	rc = parse_bytes("big.ris", b.ptr, b.len, FORMAT_UNKNOWN, 4096, &a,
			 err, sizeof(err));
	ok(rc == EV_TOO_BIG && a.n == 0 && !strchr(err, '\n'),
	   "a RIS file over max_size: EV_TOO_BIG, nothing passed (%s)", err);
	buf_release(&b);
	all_release(&a);
}

/* --- The real-world samples in ../shared (read by hand) --- */

static const struct expect sample_cases[] = {
	{.file = "medline/biopython-four-records.nbib",
	 .n_records = 4,
	 .index = 0,
	 .title = "A high level interface to SCOP and ASTRAL implemented in "
		  "python",
	 .container = "BMC bioinformatics",
	 .pmid = "16403221",
	 .pmcid = "PMC1373603",
	 .doi = "10.1186/1471-2105-7-10",
	 .volume = "7",
	 .page = "10",
	 .language = "en",
	 .year = 2006,
	 .month = 0,
	 .day = 0,
	 .n_authors = 3,
	 .author1 = "Casbon|James A",
	 .author_last = "Saqi|Mansoor A S",
	 .n_passages = -1,
	 .n_keywords = 9,
	 .keyword = "Software",
	 .pubtype = "Evaluation Studies",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "medline/biopython-four-records.nbib",
	 .n_records = 4,
	 .index = 3,
	 .pmid = "14630660",
	 .doi = "",
	 .year = 2003,
	 .month = 11,
	 .day = 22,
	 .author1 = "Hamelryck|Thomas",
	 .n_authors = 2,
	 .n_passages = -1,
	 .n_keywords = -1,
	 .pubtype = "Validation Studies",
	 .evidence_type = "study",
	 .n_relations = -1,
	 .n_cites = -1},
	{.file = "medline/biopython-single-record-leading-blank-line.nbib",
	 .n_records = 1,
	 .pmid = "12230038",
	 .title = "The Bio* toolkits--a brief overview",
	 .container = "Briefings in bioinformatics",
	 .volume = "3",
	 .issue = "3",
	 .page = "296-302",
	 .year = 2002,
	 .month = 9,
	 .day = 0,
	 .n_authors = 1,
	 .author1 = "Mangalam|Harry",
	 .n_passages = -1,
	 .n_keywords = 7,
	 .keyword = "Programming Languages",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "medline/synthesisr-three-records-2017-format.nbib",
	 .n_records = 3,
	 .index = 0,
	 .pmid = "28441597",
	 .doi = "10.1016/j.scitotenv.2017.04.075",
	 .volume = "598",
	 .page = "188-197",
	 .year = 2017,
	 .month = 11,
	 .day = 15,
	 .container = "The Science of the total environment",
	 .n_authors = 5,
	 .author1 = "Neilen|Amanda D",
	 .author_last = "Burford|Michele A",
	 .n_passages = -1,
	 .n_keywords = 7,
	 .keyword = "Structural equation modelling",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "medline/synthesisr-three-records-2017-format.nbib",
	 .n_records = 3,
	 .index = 2,
	 .pmid = "29967742",
	 .pmcid = "PMC6022731",
	 .doi = "10.7717/peerj.5082",
	 .page = "e5082",
	 .container = "PeerJ",
	 .year = 2018,
	 .month = 0,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "Bavougian|Christina M",
	 .n_passages = -1,
	 .n_keywords = -1,
	 .n_relations = -1,
	 .n_cites = -1},
	{.file = "ris/crossref-content-negotiation-journal-article.ris",
	 .n_records = 1,
	 .type = "article-journal",
	 .title = "Effects of mineralocorticoid-receptor stimulation on "
		  "risk taking behavior in young healthy men and women",
	 .container = "Psychoneuroendocrinology",
	 .publisher = "Elsevier BV",
	 .doi = "10.1016/j.psyneuen.2016.10.018",
	 .volume = "75",
	 .page = "132-140",
	 .year = 2017,
	 .month = 1,
	 .day = 0,
	 .url = "http://dx.doi.org/10.1016/j.psyneuen.2016.10.018",
	 .n_authors = 6,
	 .author1 = "Deuter|Christian Eric",
	 .author_last = "Otte|Christian",
	 .n_passages = 0,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "ris/embase-export-utf8-bom.ris",
	 .n_records = 6,
	 .index = 0,
	 .title = "Duplication cysts: Diagnosis, management, and the role "
		  "of endoscopic ultrasound",
	 .container = "Endoscopic Ultrasound",
	 .doi = "10.4103/2303-9027.138783",
	 .volume = "3",
	 .issue = "3",
	 .page = "152-160",
	 .language = "en",
	 .year = 2014,
	 .month = 0,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "Liu|R.",
	 .author_last = "Adler|D.G.",
	 .n_passages = -1,
	 .n_keywords = 22,
	 .keyword = "endoscopic ultrasonography",
	 .pubtype = "Article",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "ris/malformed-type-tag-spacing.ris",
	 .n_records = 1,
	 .type = "book",
	 .doi = "10.17918/ernk-6431",
	 .publisher = "Drexel University",
	 .year = 2018,
	 .month = 0,
	 .day = 0,
	 .n_authors = 1,
	 .author1 = "Balakrishnan|Vishnuvardhan",
	 .url = "https://idea.library.drexel.edu/islandora/object/"
		"idea:8247",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "ris/ovid-cochrane-numbered-records-trailing-link-lines.ris",
	 .n_records = 15,
	 .index = 1,
	 .title = "Design of a syndemic based intervention to facilitate "
		  "care for men who have sex with men with high risk "
		  "behaviour: the syn.bas.in randomized controlled trial",
	 .container = "BMC infectious diseases",
	 .volume = "17",
	 .issue = "1",
	 .page = "398",
	 .year = 2017,
	 .month = 0,
	 .day = 0,
	 .n_authors = 4,
	 .author1 = "Achterbergh|RCA",
	 .author_last = "de Vries|HJC",
	 .n_passages = -1,
	 .n_keywords = 24,
	 .keyword = "Help-Seeking Behavior",
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"Link to the Ovid"}},
	{.file = "ris/rayyan-cinahl-untagged-keyword-continuation-lines.ris",
	 .n_records = 19,
	 .index = 0,
	 .title = "Overcoming Medication Reconciliation Challenges",
	 .container = "Joint Commission Perspectives on Patient Safety",
	 .volume = "11",
	 .issue = "11",
	 .page = "1-5",
	 .year = 2011,
	 .month = 0,
	 .day = 0,
	 .n_authors = 0,
	 .n_passages = 0,
	 .n_keywords = 13,
	 .keyword = "Patient Education",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "ris/zotero-export-ajph-date-slashes.ris",
	 .n_records = 1,
	 .container = "American Journal of Public Health",
	 .doi = "10.2105/ajph.93.6.939",
	 .volume = "93",
	 .issue = "6",
	 .page = "939-942",
	 .year = 2003,
	 .month = 0,
	 .day = 0,
	 .n_authors = 10,
	 .author1 = "Stall|Ron",
	 .author_last = "Catania|Joseph A.",
	 .n_passages = -1,
	 .n_keywords = 6,
	 .keyword = "Syndemic",
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "ris/zotero-export-of-pubmed-records.ris",
	 .n_records = 6,
	 .index = 3,
	 .doi = "10.2196/14432",
	 .container = "JMIR research protocols",
	 .volume = "8",
	 .issue = "7",
	 .page = "e14432",
	 .language = "en",
	 .year = 2019,
	 .month = 7,
	 .day = 24,
	 .n_authors = 5,
	 .author1 = "Ewais|Tatjana",
	 .n_passages = -1,
	 .n_keywords = -1,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "bibtex/aps-multiline-fields-with-comments.bib",
	 .n_records = 1,
	 .type = "article-journal",
	 .title = "Room-Temperature Implementation of the Deutsch-Jozsa "
		  "Algorithm with a Single Electronic Spin in Diamond",
	 .container = "Phys. Rev. Lett.",
	 .publisher = "American Physical Society",
	 .doi = "10.1103/physrevlett.105.040504",
	 .volume = "105",
	 .issue = "4",
	 .page = "040504",
	 .year = 2010,
	 .month = 7,
	 .day = 0,
	 .n_authors = 12,
	 .author1 = "Shi|Fazhan",
	 .author_last = "Du|Jiangfeng",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0,
	 .abstract = "... to 100 %(concurrent intercalation)...",
	 .absent = {"some comments"}},
	{.file = "bibtex/bibutils-xml2bib-bom-multiline-authors.bib",
	 .n_records = 1,
	 .type = "report",
	 .title = "The PageRank Citation Ranking: Bringing Order to the "
		  "Web.",
	 .publisher = "Stanford InfoLab",
	 .year = 1999,
	 .month = 11,
	 .day = 0,
	 .n_authors = 4,
	 .author1 = "Page|Lawrence",
	 .author_last = "Winograd|Terry",
	 .url = "http://ilpubs.stanford.edu:8090/422/",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "bibtex/crossref-content-negotiation-elife.bib",
	 .n_records = 1,
	 .title = "Automated quantitative histology reveals vascular "
		  "morphodynamics during Arabidopsis hypocotyl secondary "
		  "growth",
	 .container = "eLife",
	 .publisher = "eLife Sciences Organisation, Ltd.",
	 .doi = "10.7554/elife.01567",
	 .volume = "3",
	 .year = 2014,
	 .month = 2,
	 .day = 0,
	 .n_authors = 5,
	 .author1 = "Sankar|Martial",
	 .author_last = "Hardtke|Christian S",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "bibtex/nber-site-export-utf8-quotes.bib",
	 .n_records = 1,
	 .type = "report",
	 .title = "The Narrow Channel of Quantitative Easing: Evidence from "
		  "YCC Down Under",
	 .publisher = "National Bureau of Economic Research",
	 .doi = "10.3386/w29971",
	 .year = 2022,
	 .month = 4,
	 .day = 0,
	 .n_authors = 2,
	 .author1 = "Lucca|David",
	 .author_last = "Wright|Jonathan H",
	 .url = "http://www.nber.org/papers/w29971",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0},
	{.file = "bibtex/plos-one-site-export-html-in-abstract.bib",
	 .n_records = 1,
	 .title = "Interactive Language Learning by Robots: The Transition "
		  "from Babbling to Word Forms",
	 .container = "PLoS ONE",
	 .publisher = "Public Library of Science",
	 .doi = "10.1371/journal.pone.0038236",
	 .volume = "7",
	 .issue = "6",
	 .page = "e38236",
	 .year = 2012,
	 .month = 6,
	 .day = 0,
	 .n_authors = 3,
	 .author1 = "Lyon|Caroline",
	 .author_last = "Saunders|Joe",
	 .n_passages = -1,
	 .n_keywords = 0,
	 .n_relations = 0,
	 .n_cites = 0,
	 .absent = {"<p>", "</p>"}},
	{.file = "awkward/bibtex-gbk-encoded-cjk.bib",
	 .rc = EV_PARSE,
	 .n_records = 0,
	 .index = 99},
};

/* The biber test database: 126 "@" entries, of which 8 @STRING and 3
 * @Set; of the 115 left, 16 have neither a title nor a DOI or URL
 * (alias1, pages1-9, the second tmn4...), so 99 works. */
static void test_biber(void)
{
	struct all a = {NULL, 0, 0};
	char *path = fs_join(samples, "bibtex/biber-examples-latex-escapes-"
				      "strings-crossref.bib");
	const struct record *r;
	char err[512];

	is_int(parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err)),
	       EV_OK, "biber examples parse (%s)", err);
	free(path);
	is_int(a.n, 99, "biber examples: 99 works");
	ok(!by_key(&a, "pages1") && !by_key(&a, "alias1") &&
		   by_key(&a, "url1"),
	   "entries with no title and no identifier are left out");
	/* crossref to a @Collection later in the file */
	r = by_key(&a, "westfahl:space");
	ok(r && r->container_title &&
		   !strcmp(r->container_title, "Space and Beyond: The "
					       "Frontier Theme in Science "
					       "Fiction") &&
		   r->publisher && !strcmp(r->publisher, "Greenwood") &&
		   r->issued.year == 2000 && r->page &&
		   !strcmp(r->page, "55-65") && r->type &&
		   !strcmp(r->type, "chapter"),
	   "westfahl:space inherits from westfahl:frontier");
	r = by_key(&a, "angenendt");
	is_str(r ? r->container_title : NULL,
	       "Revue d'Histoire Eccl\xc3\xa9siastique", "{\\'e} in a value");
	is_str(r ? r->title : NULL,
	       "In Honore Salvatoris \xe2\x80\x93 Vom Sinn und Unsinn der "
	       "Patrozinienkunde",
	       "~-- is a space and an en dash");
	is_str(r ? r->page : NULL, "431-456, 791-823", "page ranges");
	is_str(r ? r->language : NULL, "de", "langid german");
	r = by_key(&a, "bertram");
	is_str(r ? r->container_title : NULL, "J. Amer. Math. Soc.",
	       "@STRING macro jams");
	r = by_key(&a, "set:herrmann");
	ok(r && r->n_authors >= 2 && r->authors[1].family &&
		   !strcmp(r->authors[1].family, "\xc3\x96"
						 "fele"),
	   "{\\\"O}fele");
	r = by_key(&a, "nietzsche:ksa");
	is_str(r ? r->publisher : NULL,
	       "Deutscher Taschenbuch-Verlag and Walter de Gruyter",
	       "macro # {text}");
	r = by_key(&a, "vazques-de-parga");
	ok(r && r->n_authors == 3 && r->authors[0].family &&
		   !strcmp(r->authors[0].family, "V\xc3\xa1zques de Parga"),
	   "von Last, First with an accent");
	r = by_key(&a, "hasan");
	ok(r && r->n_authors == 1 && r->authors[0].family &&
		   !strcmp(r->authors[0].family, "al-Hasan"),
	   "{al-Hasan}, First");
	r = by_key(&a, "t1");
	is_str(r ? r->title : NULL,
	       "10% of [100] and 90% of Normal_2 | & # things ^3",
	       "escapes and math in a title");
	ok(!by_key(&a, "set") && !by_key(&a, "stdmodel"),
	   "@Set entries are not works");
	all_release(&a);
}

static const struct record *by_title(const struct all *a, const char *title)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->recs[i].title && !strcmp(a->recs[i].title, title))
			return &a->recs[i];
	return NULL;
}

/* Rayyan's CINAHL export, past the eight records parse-check.h keeps. */
static void test_rayyan(void)
{
	struct all a = {NULL, 0, 0};
	char *path = fs_join(samples, "ris/rayyan-cinahl-untagged-keyword-"
				      "continuation-lines.ris");
	const struct record *r;
	char err[512];

	parse_file(path, FORMAT_UNKNOWN, 0, &a, err, sizeof(err));
	free(path);
	is_int(a.n, 19, "rayyan: 19 records");
	r = by_title(&a, "Hospital reduces med errors to 0.1 per 1,000");
	ok(r && r->pmid && !strcmp(r->pmid, "23162881") &&
		   r->keywords.n == 10 && r->issued.year == 2012 &&
		   r->issued.month == 11 && r->page &&
		   !strcmp(r->page, "105-106"),
	   "rayyan: PMID from a PubMed URL, \"DA  - Nov\" with PY 2012, "
	   "10 keywords");
	r = by_title(&a, "Clinical Integration");
	ok(r && r->type && !strcmp(r->type, "legal_case") &&
		   r->n_authors == 1 && r->authors[0].family &&
		   !strcmp(r->authors[0].family, "Karash") &&
		   r->container_title &&
		   !strcmp(r->container_title,
			   "H&HN: Hospitals & Health Networks"),
	   "rayyan: CASE, A2 when there is no AU, J2");
	all_release(&a);
}

/* Every file of the three folders (and the GBK sample) parses to a clean
 * status, whole and cut at every 1/64 of its length. */
static void test_folders(void)
{
	static const char *const folders[] = {"ris", "bibtex", "medline"};
	struct all a = {NULL, 0, 0};

	for (size_t f = 0; f < sizeof(folders) / sizeof(*folders); f++) {
		char *dir = fs_join(samples, folders[f]);
		struct dirent **names = NULL;
		int n = scandir(dir, &names, NULL, alphasort);

		for (int i = 0; i < n; i++) {
			char *path = fs_join(dir, names[i]->d_name);
			struct buf data = BUF_INIT;
			char err[512] = "";
			enum format fmt;
			int bad = 0;
			ev_status rc;

			if (names[i]->d_name[0] == '.' ||
			    fs_read_file(path, 0, &data)) {
				free(path);
				free(names[i]);
				buf_release(&data);
				continue;
			}
			fmt = format_detect(data.ptr,
					    data.len < 8192 ? data.len : 8192,
					    path);
			is_str(format_name(fmt),
			       !strcmp(folders[f], "ris")      ? "ris"
			       : !strcmp(folders[f], "bibtex") ? "bibtex"
							       : "medline",
			       "%s/%s: detected", folders[f],
			       names[i]->d_name);
			rc = parse_file(path, FORMAT_UNKNOWN, 0, &a, err,
					sizeof(err));
			ok(rc == EV_OK && a.n > 0, "%s/%s: %zu records (%s)",
			   folders[f], names[i]->d_name, a.n, rc ? err : "ok");
			for (size_t k = 1; k < 64; k++) {
				rc = parse_bytes("cut", data.ptr,
						 data.len * k / 64 + 1, fmt, 0,
						 &a, err, sizeof(err));
				if ((rc != EV_OK && rc != EV_PARSE) ||
				    (rc && strchr(err, '\n'))) {
					bad++;
					printf("# cut at %zu: %s %s\n",
					       data.len * k / 64 + 1,
					       status_to_string(rc), err);
				}
			}
			ok(!bad, "%s/%s: 63 cuts, each clean", folders[f],
			   names[i]->d_name);
			buf_release(&data);
			free(path);
			free(names[i]);
		}
		free(names);
		free(dir);
	}
	all_release(&a);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *env = getenv("EVIDENCE_SHARED");
	const char *t = getenv("TMPDIR");

	snprintf(fixtures, sizeof(fixtures), "%s/tests/fixtures/parse",
		 top ? top : ".");
	snprintf(tmpdir, sizeof(tmpdir), "%s/evidence-test-tagged.XXXXXX",
		 t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make %s: %s\n", tmpdir,
		       strerror(errno));
		return 1;
	}
	run_cases(fixtures, fixture_cases,
		  sizeof(fixture_cases) / sizeof(*fixture_cases));
	test_fixture_extras();
	test_detect();
	test_small();
	test_latex();
	test_bib_names();
	test_tagged_names();
	test_charset();
	test_hostile();
	if (env && *env)
		snprintf(samples, sizeof(samples), "%s/samples", env);
	else
		snprintf(samples, sizeof(samples), "%s/../shared/samples",
			 top ? top : ".");
	if (fs_is_dir(samples)) {
		run_cases(samples, sample_cases,
			  sizeof(sample_cases) / sizeof(*sample_cases));
		test_biber();
		test_rayyan();
		test_folders();
	} else {
		printf("# skipping the sample conformance tests: %s is "
		       "absent (set EVIDENCE_SHARED)\n",
		       samples);
	}
	rmdir(tmpdir);
	return tap_done();
}
