/* test-samples.c - the parsers on the real-world samples in ../shared */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "parse-check.h"
#include "parse.h"
#include "passages.h"
#include "tap.h"
#include "text.h"

/*
 * Runs when ../shared (or $EVIDENCE_SHARED) is there, and skips saying so
 * when it is not.  Three parts:
 *   1. key fields of each sample, read off the files by hand;
 *   2. every file of the pubmed-efetch, html, jats and awkward folders
 *      parses to a clean status (under ASan: no crash, no leak), and so
 *      does each file cut at every 1/64 of its length (as the format of
 *      the whole file: truncated XML must be EV_PARSE);
 *   3. the seed texts split into the paragraphs ../shared/eval numbers,
 *      and get the titles a reader would give them.
 */

static char samples[1100];
static char shared[1024];
static char tmpdir[256];

static const struct expect sample_cases[] = {
	/* Editorial + Comment, CommentOn, no abstract, 9 of 11 references
	 * with identifiers. */
	{ .file = "pubmed-efetch/ajph-editorial-comment-public-health.xml",
	  .n_records = 1, .type = "article-journal",
	  .evidence_type = "editorial",
	  .title = "Public Health Responses to Pandemics in 1918 and 2020",
	  .container = "American journal of public health",
	  .doi = "10.2105/ajph.2021.306453", .pmid = "34529508",
	  .pmcid = "PMC8561171", .volume = "111", .issue = "10",
	  .page = "1715-1717", .language = "en", .abstract = "",
	  .year = 2021, .month = 10, .day = 0,
	  .n_authors = 1, .author1 = "Ewing|E Thomas", .n_passages = 0,
	  .n_keywords = 5, .keyword = "Pandemics", .pubtype = "Comment",
	  .relation = "comment-on=pmid:34473563", .n_relations = 1,
	  .n_cites = 9, .cite = "doi:10.1377/hblog20200508.769108/full" },
	/* Two records; the second is PubMed-not-MEDLINE. */
	{ .file = "pubmed-efetch/biopython-two-records-medline-and-not-"
		  "medline.xml",
	  .n_records = 2, .index = 0, .pmid = "11748933",
	  .doi = "10.1006/cryo.2001.2328", .container = "Cryobiology",
	  .year = 2001, .month = 6, .day = 0, .n_authors = 8,
	  .author1 = "Taddei|A R", .n_passages = 1, .n_keywords = -1,
	  .n_relations = -1, .n_cites = -1 },
	{ .file = "pubmed-efetch/biopython-two-records-medline-and-not-"
		  "medline.xml",
	  .n_records = 2, .index = 1, .pmid = "11700088",
	  .title = "Proton MRI of (13)C distribution by J and chemical shift "
		   "editing",
	  .year = 2001, .month = 11, .day = 0, .n_authors = 6,
	  .author1 = "Casieri|C", .n_passages = 1, .n_keywords = 0,
	  .n_relations = -1, .n_cites = -1 },
	/* A Season in PubDate: the year only. */
	{ .file = "pubmed-efetch/biopython-two-records-review-and-article.xml",
	  .n_records = 2, .index = 0, .pmid = "12091962",
	  .evidence_type = "review", .doi = "",
	  .year = 1990, .month = 0, .day = 0, .n_authors = 1,
	  .author1 = "Olivero|J Michael", .n_passages = 0, .n_keywords = -1,
	  .keyword = "Public Policy", .pubtype = "Review", .n_relations = -1,
	  .n_cites = -1 },
	{ .file = "pubmed-efetch/biopython-two-records-review-and-article.xml",
	  .n_records = 2, .index = 1, .pmid = "9997",
	  .doi = "10.1016/0005-2795(76)90109-4", .year = 1976, .month = 9,
	  .day = 28, .n_authors = 1, .author1 = "Strekas|T C",
	  .n_passages = 1, .n_keywords = -1, .n_relations = -1,
	  .n_cites = -1 },
	/* A book chapter: editors left out, ContributionDate, sections. */
	{ .file = "pubmed-efetch/book-article-genereviews.xml",
	  .n_records = 1, .type = "chapter",
	  .title = "CACNA1C-Related Disorders",
	  .container = "GeneReviews\xc2\xae",
	  .publisher = "University of Washington, Seattle",
	  .pmid = "20301577", .year = 2006, .month = 2, .day = 15,
	  .n_authors = 2, .author1 = "Napolitano|Carlo",
	  .author_last = "Priori|Silvia G", .n_passages = 4,
	  .passage_last = NULL, .n_keywords = -1,
	  .keyword = "Timothy Syndrome", .pubtype = "Review",
	  .n_relations = 0, .n_cites = 30, .cite = "pmid:29097296",
	  .absent = { "Adam", "Copyright" } },
	{ .file = "pubmed-efetch/empty-article-set-unknown-pmid.xml",
	  .n_records = 0, .index = 99 },
	/* A bracketed translation; the German title is not kept. */
	{ .file = "pubmed-efetch/german-editorial-vernacular-title.xml",
	  .n_records = 1,
	  .title = "A Broader Scope - Bio-Psycho-Social Medicine In Global "
		   "Focus",
	  .language = "de", .doi = "10.1055/a-2189-0166",
	  .year = 2023, .month = 12, .day = 0, .n_authors = 5,
	  .author1 = "Zipfel|Stephan", .n_passages = 0, .n_keywords = 2,
	  .n_relations = 0, .n_cites = 0,
	  .absent = { "Bio-psycho-soziale" } },
	{ .file = "pubmed-efetch/letter-reply-no-abstract.xml",
	  .n_records = 1, .title = "Reply", .evidence_type = "letter",
	  .pmcid = "PMC9274343", .year = 2022, .month = 7, .day = 0,
	  .n_authors = 2, .author1 = "Ghavidel-Parsa|Banafsheh",
	  .n_passages = 0, .n_keywords = 0, .pubtype = "Letter",
	  .n_relations = 0, .n_cites = -1 },
	/* The 2013 DTD, pretty printed; CommentsCorrections Cites. */
	{ .file = "pubmed-efetch/ncbi-2013-dtd-two-records-datecreated.xml",
	  .n_records = 2, .index = 0, .pmid = "17284678",
	  .doi = "10.1101/gr.5823007", .pmcid = "PMC1800922",
	  .year = 2007, .month = 3, .day = 0, .author1 = "Ling|King-Hwa",
	  .n_authors = -1, .n_passages = 1, .n_keywords = -1,
	  .n_relations = 0, .n_cites = -1, .cite = "pmid:9862982" },
	/* Structured abstract with <sub> inside; CommentIn. */
	{ .file = "pubmed-efetch/nejm-rct-structured-abstract-inline-"
		  "markup.xml",
	  .n_records = 1, .evidence_type = "study",
	  .title = "Inhaled Combined Budesonide-Formoterol as Needed in Mild "
		   "Asthma",
	  .pmid = "29768149", .doi = "10.1056/nejmoa1715274",
	  .year = 2018, .month = 5, .day = 17, .n_authors = -1,
	  .author1 = "O'Byrne|Paul M", .n_passages = 4, .n_keywords = -1,
	  .pubtype = "Randomized Controlled Trial",
	  .relation = "comment-in=pmid:29768146", .n_relations = 2,
	  .n_cites = -1 },
	{ .file = "pubmed-efetch/published-erratum.xml", .n_records = 1,
	  .pubtype = "Published Erratum",
	  .relation = "erratum-for=pmid:33279609", .n_relations = 1,
	  .author1 = "Pascucci|Franco Andr\xc3\xa9s", .n_authors = 6,
	  .year = 2024, .month = 8, .day = 0, .n_passages = 0,
	  .n_keywords = -1, .n_cites = -1 },
	{ .file = "pubmed-efetch/retraction-notice-publisher-status.xml",
	  .n_records = 1, .title = "Retraction Notice", .language = "en",
	  .pubtype = "RETRACTION OF PUBLICATION",
	  .relation = "retraction-of=pmid:26435620", .n_relations = 1,
	  .n_authors = 0, .year = 2016, .month = 5, .day = 0,
	  .n_passages = 1, .n_keywords = -1, .n_cites = -1 },
	{ .file = "pubmed-efetch/systematic-review.xml", .n_records = 1,
	  .evidence_type = "systematic-review", .doi = "10.1037/prj0000481",
	  .year = 2021, .month = 12, .day = 0, .n_authors = 3,
	  .author1 = "Manoli|Romina", .n_passages = 4,
	  .passage_last = NULL, .n_keywords = -1, .n_relations = 0,
	  .n_cites = -1 },
	/* No set wrapper, no declaration; RetractionIn; "[corrected]". */
	{ .file = "awkward/pubmed-bare-article-no-set-wrapper-no-decl.xml",
	  .n_records = 1, .pmid = "10066780",
	  .title = "CREB-binding [corrected] protein interacts with the "
		   "homeodomain protein Cdx2 and enhances transcriptional "
		   "activity",
	  .year = 1999, .month = 3, .day = 12, .n_authors = -1,
	  .n_passages = 1, .n_keywords = -1,
	  .pubtype = "Retracted Publication",
	  .relation = "retraction-in=pmid:11905463", .n_relations = 1,
	  .n_cites = -1 },
	/* JATS Publishing 1.1 without journal-title: the journal id. */
	{ .file = "jats/bmj-general-practice-consultation-jats-publishing-"
		  "1.1.xml",
	  .n_records = 1, .type = "article-journal",
	  .title = "Evolving general practice consultation in Britain: "
		   "issues of length and context",
	  .container = "BMJ", .publisher = "BMJ", .pmid = "11950738",
	  .volume = "324", .issue = "7342", .page = "880-882",
	  .language = "en", .year = 2002, .month = 4, .day = 13,
	  .n_authors = 7, .author1 = "Freeman|George K",
	  .author_last = "Wilson|Andrew", .n_passages = -1,
	  .n_keywords = 0, .n_relations = 0, .n_cites = -1,
	  .absent = { "Shah1", "general practice2" } },
	/* Archiving 1.0: ppub (2013) over epub (2012). */
	{ .file = "jats/pmc-oa-annals-oncology-uk-cancer-stage-"
		  "inequalities.xml",
	  .n_records = 1, .container = "Annals of Oncology",
	  .publisher = "Oxford University Press",
	  .doi = "10.1093/annonc/mds526", .pmid = "23149571",
	  .pmcid = "PMC3574550", .volume = "24", .issue = "3",
	  .page = "843-850", .year = 2013, .month = 3, .day = 0,
	  .n_authors = 7, .author1 = "Lyratzopoulos|G.",
	  .author_last = "Greenberg|D. C.", .n_passages = -1,
	  .passage1 = "Background|Understanding socio-demographic "
		      "inequalities in stage at diagnosis can inform "
		      "priorities for cancer control.",
	  .n_keywords = 6, .keyword = "inequalities", .n_relations = 0,
	  .n_cites = -1 },
	/* NLM 2.3: journal-title under journal-meta; epub date. */
	{ .file = "jats/pmc-oa-bmc-oral-health-nlm-archiving-2.3.xml",
	  .n_records = 1,
	  .title = "The Dutch version of the Oral Health Impact Profile "
		   "(OHIP-NL): Translation, reliability and construct "
		   "validity",
	  .container = "BMC Oral Health", .publisher = "BioMed Central",
	  .doi = "10.1186/1472-6831-8-11", .pmcid = "PMC2329613",
	  .volume = "8", .page = "11", .year = 2008, .month = 4, .day = 11,
	  .n_authors = 4, .author1 = "van der Meulen|Marylee J",
	  .n_passages = -1, .n_keywords = -1, .n_relations = 0,
	  .n_cites = -1 },
	/* ISO-8859-1, CDATA, HTML entities as text, HTML body. */
	{ .file = "awkward/scielo-jats-iso-8859-1-cdata.xml", .n_records = 1,
	  .title = "Prevalencia de desnutrici\xc3\xb3n y h\xc3\xa1" "bitos "
		   "alimentarios en ni\xc3\xb1os menores de 5 a\xc3\xb1os en "
		   "las comunidades ind\xc3\xadgenas de Yby Yau y "
		   "Azote\xe2\x80\x99y, 2011", /* 0x92: Windows-1252 */
	  .container = "Pediatr\xc3\xad" "a (Asunci\xc3\xb3n)",
	  .publisher = "Sociedad Paraguaya de Pediatr\xc3\xad" "a",
	  .doi = "10.18004/ped.2015.agosto.102-107", .volume = "42",
	  .issue = "2", .page = "102-107", .language = "es",
	  .year = 2015, .month = 8, .day = 30, .n_authors = 3,
	  .author1 = "Ruiz Valiente|Syntia Carolina", .n_passages = -1,
	  .n_keywords = 6, .keyword = "Desnutrici\xc3\xb3n aguda",
	  .n_relations = 0, .n_cites = -1,
	  .absent = { "&oacute;", "&nbsp;", "&aacute;", "&ntilde;",
		      "<font", "<p" } },
	{ .file = "html/hal-french-article-citation-and-dc-meta.html",
	  .n_records = 1, .type = "article-journal",
	  .title = "D\xc3\xa9placement de Knight dans les alliages",
	  .container = "Journal de Physique et le Radium",
	  .doi = "10.1051/jphysrad:01955001606044400", .volume = "16",
	  .issue = "6", .page = "444-445", .language = "fr",
	  .url = "https://hal.science/jpa-00235190",
	  .year = 1955, .month = 0, .day = 0, .n_authors = 1,
	  .author1 = "Friedel|Jacques", .n_passages = -1, .n_keywords = 2,
	  .keyword = "nuclear magnetic resonance", .n_relations = 0,
	  .n_cites = 0 },
	/* One aggregated citation_authors; <i> escaped into the title. */
	{ .file = "html/hindawi-article-citation-authors-dc-prism-meta.html",
	  .n_records = 1,
	  .title = "Effect of Seed Distribution and Population on Maize (Zea "
		   "mays L.) Grain Yield",
	  .container = "International Journal of Agronomy",
	  .publisher = "Hindawi Publishing Corporation",
	  .doi = "10.1155/2014/125258", .volume = "2014",
	  .year = 2014, .month = 12, .day = 9, .n_authors = 6,
	  .author1 = "Chim|Bee Khim", .author_last = "Raun|William",
	  .n_passages = -1, .n_keywords = -1, .n_relations = 0,
	  .n_cites = 0, .absent = { "<i>", "&lt;" } },
	/* Dublin Core and PRISM only; a news feature. */
	{ .file = "html/nature-news-feature-dc-meta-only.html",
	  .n_records = 1, .evidence_type = "news",
	  .title = "More than 100 scientific journals have disappeared from "
		   "the Internet",
	  .container = "Nature", .publisher = "Nature Publishing Group",
	  .doi = "10.1038/d41586-020-02610-z", .language = "en",
	  .url = "https://www.nature.com/articles/d41586-020-02610-z",
	  .year = 2020, .month = 9, .day = 10, .n_authors = 1,
	  .author1 = "Kwon|Diana", .n_passages = -1,
	  /* The paragraph as the page has it, its reference marker
	   * <sup><a href="#ref-CR1">1</a></sup> left out. */
	  .passage1 = "|Scholarly journals are supposed to provide a lasting "
		      "record of science. But over the past two decades, "
		      "176 open-access journals \xe2\x80\x94 and many of the "
		      "papers published in them \xe2\x80\x94 have disappeared "
		      "from the Internet, according to an analysis published "
		      "on 27 August.",
	  .n_keywords = 1, .pubtype = "News", .n_relations = 0,
	  .n_cites = 0 },
	{ .file = "html/ojs3-first-monday-landing-citation-and-dc-meta.html",
	  .n_records = 1,
	  .title = "Surveillance, stigma & sociotechnical design for HIV",
	  .container = "First Monday", .doi = "10.5210/fm.v25i10.10274",
	  .year = 2020, .month = 9, .day = 10, .n_authors = 3,
	  .author1 = "Liang|Calvin", .author_last = "Keyes|Os",
	  .n_passages = -1, .n_keywords = 8, .keyword = "social justice",
	  .n_relations = 0, .n_cites = 0 },
	{ .file = "html/plos-one-article-highwire-citation-meta.html",
	  .n_records = 1,
	  .title = "Assessment on reticuloendotheliosis virus infection in "
		   "specific-pathogen-free chickens based on detection of "
		   "yolk antibody",
	  .container = "PLOS ONE", .publisher = "Public Library of Science",
	  .doi = "10.1371/journal.pone.0213978", .volume = "14",
	  .issue = "4", .page = "e0213978", .year = 2019, .month = 4,
	  .day = 22, .n_authors = 11, .author1 = "Li|Yang",
	  .author_last = "Zhao|Peng", .n_passages = -1, .n_keywords = -1,
	  .n_relations = 0, .n_cites = 0,
	  .absent = { "\"text\": \"https://doi.org/" } },
	/* JSON-LD inside a WebPage; &nbsp; in the title. */
	{ .file = "html/springerlink-article-jsonld-scholarlyarticle-"
		  "citation-dc.html",
	  .n_records = 1,
	  .title = "In Vitro Cytotoxicity of Amylose-Based Bioplastic for "
		   "Packaging Applications",
	  .container = "Journal of Polymers and the Environment",
	  .publisher = "Springer US", .doi = "10.1007/s10924-010-0192-1",
	  .volume = "18", .issue = "3", .page = "231-234", .language = "en",
	  .year = 2010, .month = 9, .day = 0, .n_authors = 4,
	  .author1 = "Bandyopadhyay-Ghosh|Sanchita",
	  .author_last = "Sain|Mohini", .n_passages = -1, .n_keywords = 13,
	  .keyword = "Amylose", .n_relations = 0, .n_cites = 0 },
	{ .file = "awkward/html-cloudflare-challenge-instead-of-article.html",
	  .rc = EV_PARSE, .n_records = 0, .index = 99 },
	{ .file = "awkward/efetch-html-wrapped-asn1-not-xml.html",
	  .rc = EV_PARSE, .n_records = 0, .index = 99 },
	/* No charset, Windows-1252 bytes (0xA9 is the copyright sign). */
	{ .file = "awkward/html-windows-1252-no-charset-stray-end-tags.html",
	  .n_records = 1, .type = "webpage", .n_authors = 0,
	  .year = 0, .month = 0, .day = 0, .n_passages = -1,
	  .n_keywords = -1, .n_relations = 0, .n_cites = 0,
	  .absent = { "\xef\xbf\xbd", "\xc2\x92" } },
	{ .file = "awkward/eutils-einfo-truncated-response.xml",
	  .rc = EV_UNSUPPORTED, .n_records = 0, .index = 99 },
};

/* Text that must be somewhere in a sample's record (as JSON). */
static const struct {
	const char *file, *text, *why;
} contains[] = {
    {"awkward/html-windows-1252-no-charset-stray-end-tags.html",
     "Copyright \xc2\xa9"
     "2010 Ann Kibbey",
     "0xA9 is decoded as Windows-1252"},
    {"awkward/scielo-jats-iso-8859-1-cdata.xml",
     "\"text\": \"ART\xc3\x8d"
     "CULO ORIGINAL\"",
     "the SciELO body (HTML in CDATA) is read as HTML, entities decoded"},
    {"awkward/scielo-jats-iso-8859-1-cdata.xml",
     "\"text\": \"Introducci\xc3\xb3n: La infancia es una etapa",
     "the SciELO abstract, from CDATA, is a passage"},
};

static void test_sample_fields(void)
{
	struct collected c = { .n = 0 };
	char err[512];

	for (size_t i = 0; i < sizeof(sample_cases) / sizeof(*sample_cases);
	     i++) {
		const struct expect *e = &sample_cases[i];
		char *path = fs_join(samples, e->file);
		char name[160];
		ev_status rc;

		snprintf(name, sizeof(name), "%s[%zu]",
			 strrchr(e->file, '/') + 1, e->index);
		rc = run_path(path, NULL, &c, err, sizeof(err));
		free(path);
		is_int(rc, e->rc, "%s: status (%s)", name, rc ? err : "ok");
		is_int(c.seen, e->n_records, "%s: records", name);
		if (e->index < c.n)
			check_expect(name, &c.recs[e->index], e);
	}
	for (size_t i = 0; i < sizeof(contains) / sizeof(*contains); i++) {
		char *path = fs_join(samples, contains[i].file);

		run_path(path, NULL, &c, err, sizeof(err));
		ok(c.n && record_contains(&c.recs[0], contains[i].text) == 1,
		   "%s", contains[i].why);
		free(path);
	}
	collected_release(&c);
}

/* --- Every file, whole and cut --- */

static ev_status count_only(struct record *rec, void *ctx)
{
	(void)rec;
	(*(size_t *)ctx)++;
	return EV_OK;
}

static ev_status parse_bytes(const char *data, size_t len, enum format fmt,
			     size_t *n, char *err, size_t errsz)
{
	char *path = fs_join(tmpdir, "cut");
	struct parse_input in = { .name = "cut", .fd = -1 };
	ev_status rc;

	if (fs_write_atomic(path, data, len)) {
		free(path);
		return EV_IO;
	}
	in.fd = open(path, O_RDONLY);
	*n = 0;
	rc = parse_input(fmt, &in, count_only, n, err, errsz);
	close(in.fd);
	unlink(path);
	free(path);
	return rc;
}

static int clean(ev_status rc)
{
	return rc == EV_OK || rc == EV_PARSE || rc == EV_UNSUPPORTED;
}

static void test_folder(const char *folder)
{
	char *dir = fs_join(samples, folder);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char *path = fs_join(dir, names[i]->d_name);
		struct buf data = BUF_INIT;
		char err[512] = "";
		struct parse_input in = { .name = path, .fd = -1 };
		enum format fmt;
		size_t count = 0;
		int bad = 0;
		ev_status rc;

		if (names[i]->d_name[0] == '.' || !fs_exists(path) ||
		    fs_is_dir(path) || fs_read_file(path, 0, &data)) {
			free(path);
			buf_release(&data);
			free(names[i]);
			continue;
		}
		in.fd = open(path, O_RDONLY);
		rc = parse_input(FORMAT_UNKNOWN, &in, count_only, &count, err,
				 sizeof(err));
		close(in.fd);
		ok(clean(rc) && (rc || !*err), "%s/%s: %s (%zu records%s%s)",
		   folder, names[i]->d_name, status_to_string(rc), count,
		   rc ? ": " : "", rc ? err : "");
		ok(!rc || (*err && !strchr(err, '\n')),
		   "%s/%s: a one-line message when it fails", folder,
		   names[i]->d_name);

		/* Cut at every 1/64, read as the whole file's format. */
		fmt = format_detect(data.ptr,
				    data.len < 8192 ? data.len : 8192, path);
		for (size_t k = 1; k < 64 && fmt != FORMAT_UNKNOWN; k++) {
			size_t len = data.len * k / 64;

			rc = parse_bytes(data.ptr, len, fmt, &count, err,
					 sizeof(err));
			if (!clean(rc) ||
			    ((fmt == FORMAT_PUBMED || fmt == FORMAT_JATS) &&
			     rc != EV_PARSE)) {
				bad++;
				printf("# %s/%s cut at %zu: %s %s\n", folder,
				       names[i]->d_name, len,
				       status_to_string(rc), err);
			}
		}
		ok(!bad, "%s/%s: 63 cuts, each clean%s", folder,
		   names[i]->d_name,
		   fmt == FORMAT_PUBMED || fmt == FORMAT_JATS
			   ? " and EV_PARSE"
			   : "");
		buf_release(&data);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* --- The seeds against the evaluation's paragraph numbers --- */

/* The first 60 characters (code points), as the eval's first60. */
static void first60(const char *s, char *out, size_t size)
{
	size_t chars = 0, i = 0;

	while (s[i] && chars < 60) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, size, "%.*s", (int)i, s);
}

static void test_seeds(void)
{
	static const struct {
		const char *file, *title;
	} seeds[] = {
		{ "000_1c479e531d8d90a7.txt",
		  "Primary care networks: the risk of \xe2\x80\x9cmission "
		  "creep\xe2\x80\x9d calls for focused ambition" },
		{ "001_628840542967c40f.txt",
		  "Caution needed over ambitions for new primary care "
		  "networks" },
		/* No title line: the first sentence of the first paragraph. */
		{ "002_1fa071f8c11ba154.txt",
		  "Primary care networks must seek to under-promise, and "
		  "over-deliver to enable them to garner and sustain the "
		  "support of their constituent staff and practices, put in "
		  "place much-needed new services for local people, and build "
		  "an important and powerful evidence base for the future." },
		{ "003_b70c2d5194ea0dc3.txt",
		  "Primary care networks and the NHS long-term plan: the new "
		  "player on the pitch" },
		/* No blank lines: one paragraph per line. */
		{ "004_a3e55a9511adef35.txt",
		  "Primary care networks: the impact of covid-19 and the "
		  "challenges ahead" },
	};
	char *tsv_path = fs_join(shared, "eval/seed-passages.tsv");
	struct buf tsv = BUF_INIT;
	struct collected c = { .n = 0 };
	char err[256];

	if (fs_read_file(tsv_path, 0, &tsv)) {
		ok(0, "read eval/seed-passages.tsv");
		free(tsv_path);
		return;
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(*seeds); i++) {
		char *path = fs_join(shared, "seeds");
		char *seed = fs_join(path, seeds[i].file);
		size_t rows = 0, matched = 0;
		const char *line;

		free(path);
		is_int(run_path(seed, NULL, &c, err, sizeof(err)), EV_OK,
		       "seed %s parses", seeds[i].file);
		free(seed);
		if (!c.n)
			continue;
		is_str(c.recs[0].title, seeds[i].title, "seed %s: title",
		       seeds[i].file);
		/* Rows: file, para, first60, labels. */
		for (line = tsv.ptr; line && *line;) {
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			char row[1024], *para, *text, want[512], got[512];
			unsigned long n;

			snprintf(row, sizeof(row), "%.*s", (int)len, line);
			line = end ? end + 1 : NULL;
			para = strchr(row, '\t');
			if (!para ||
			    strncmp(row, seeds[i].file, (size_t)(para - row)))
				continue;
			text = strchr(++para, '\t');
			if (!text)
				continue;
			*strchr(text + 1, '\t') = '\0';
			n = strtoul(para, NULL, 10);
			rows++;
			snprintf(want, sizeof(want), "%s", text + 1);
			if (n == 0 || n > c.recs[0].n_passages)
				continue;
			first60(c.recs[0].passages[n - 1].text, got,
				sizeof(got));
			if (!strcmp(got, want))
				matched++;
			else
				printf("# %s para %lu: got '%s' want '%s'\n",
				       seeds[i].file, n, got, want);
		}
		is_int(c.recs[0].n_passages, rows,
		       "seed %s: as many passages as labelled paragraphs",
		       seeds[i].file);
		is_int(matched, rows,
		       "seed %s: every paragraph where the eval "
		       "numbers it",
		       seeds[i].file);
	}
	collected_release(&c);
	buf_release(&tsv);
	free(tsv_path);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *env = getenv("EVIDENCE_SHARED");
	const char *t = getenv("TMPDIR");

	if (env && *env)
		snprintf(shared, sizeof(shared), "%s", env);
	else
		snprintf(shared, sizeof(shared), "%s/../shared",
			 top ? top : ".");
	snprintf(samples, sizeof(samples), "%s/samples", shared);
	if (!fs_is_dir(samples))
		tap_skip_all("../shared/samples is absent (set "
			     "EVIDENCE_SHARED)");
	snprintf(tmpdir, sizeof(tmpdir), "%s/evidence-test-samples.XXXXXX",
		 t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make %s: %s\n", tmpdir,
		       strerror(errno));
		return 1;
	}
	test_sample_fields();
	test_folder("pubmed-efetch");
	test_folder("html");
	test_folder("jats");
	test_folder("awkward");
	if (fs_is_dir(shared) && fs_exists(samples))
		test_seeds();
	rmdir(tmpdir);
	return tap_done();
}
