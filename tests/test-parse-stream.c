/* test-parse-stream.c - a large PubMed set parses in bounded memory */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "parse.h"
#include "record.h"
#include "tap.h"

/*
 * 20,000 synthetic records (about 40 MB) are written to a temporary file
 * and parsed through parse_input().  A parser that held the document (or
 * its tree) would need several times the file's size; the streaming one
 * needs about one record's worth.  Memory is measured as the process's
 * peak RSS (getrusage), never time.
 */
#define RECORDS 20000
#define RSS_BOUND_KB (100 * 1024)

#ifdef __SANITIZE_ADDRESS__
/* ASan keeps freed memory in quarantine (256 MB by default), which
 * would make any streaming parser look like it leaks RSS.  A small
 * quarantine still catches use-after-free in this test's short reuse
 * window; the other tests keep the default. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=8";
}
#endif

struct count {
	size_t n;
	size_t with_abstract;
	char last_pmid[16];
	char first_title[128];
};

static ev_status count_record(struct record *rec, void *ctx)
{
	struct count *c = ctx;

	if (c->n == 0 && rec->title)
		snprintf(c->first_title, sizeof(c->first_title), "%s",
			 rec->title);
	if (rec->pmid)
		snprintf(c->last_pmid, sizeof(c->last_pmid), "%s", rec->pmid);
	c->with_abstract += rec->n_passages == 4;
	c->n++;
	return EV_OK;
}

static int write_set(FILE *f)
{
	fputs("<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "
	      "\"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" "
	      "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\""
	      ">\n<PubmedArticleSet>\n",
	      f);
	for (int i = 0; i < RECORDS; i++) {
		fprintf(f,
			"<PubmedArticle><MedlineCitation Status=\"MEDLINE\" "
			"Owner=\"NLM\"><PMID Version=\"1\">%d</PMID><Article>"
			"<Journal><JournalIssue><Volume>%d</Volume><PubDate>"
			"<Year>%d</Year><Month>Mar</Month></PubDate>"
			"</JournalIssue><Title>Synthetic journal of primary "
			"care</Title></Journal><ArticleTitle>Synthetic record "
			"%d on collaboration between general practices."
			"</ArticleTitle><Abstract>",
			50000000 + i, i % 90, 2000 + i % 25, i);
		for (int s = 0; s < 4; s++) {
			fprintf(f, "<AbstractText Label=\"SECTION %d\">", s);
			for (int k = 0; k < 4; k++)
				fputs("Practices that shared staff and "
				      "services across a network reported "
				      "that trust took years to build. ",
				      f);
			fputs("</AbstractText>", f);
		}
		fprintf(f,
			"</Abstract><AuthorList><Author><LastName>Author%d"
			"</LastName><ForeName>Synthetic</ForeName></Author>"
			"</AuthorList><Language>eng</Language>"
			"<PublicationTypeList><PublicationType>Journal Article"
			"</PublicationType></PublicationTypeList></Article>"
			"</MedlineCitation><PubmedData><ArticleIdList>"
			"<ArticleId IdType=\"pubmed\">%d</ArticleId>"
			"<ArticleId IdType=\"doi\">10.5555/synthetic.%d"
			"</ArticleId></ArticleIdList></PubmedData>"
			"</PubmedArticle>\n",
			i, 50000000 + i, i);
	}
	fputs("</PubmedArticleSet>\n", f);
	return ferror(f);
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	char path[512], err[256];
	struct count c = { 0, 0, "", "" };
	struct parse_input in = { .fd = -1 };
	struct rusage ru;
	long before_kb;
	off_t size;
	FILE *f;
	int fd;
	ev_status rc;

	snprintf(path, sizeof(path), "%s/evidence-stream.XXXXXX",
		 t ? t : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		printf("Bail out! cannot create %s: %s\n", path,
		       strerror(errno));
		return 1;
	}
	if (write_set(f) || fclose(f)) {
		unlink(path);
		printf("Bail out! cannot write %s\n", path);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	before_kb = ru.ru_maxrss;

	in.name = path;
	in.fd = open(path, O_RDONLY);
	size = lseek(in.fd, 0, SEEK_END);
	lseek(in.fd, 0, SEEK_SET);
	rc = parse_input(FORMAT_UNKNOWN, &in, count_record, &c, err,
			 sizeof(err));
	close(in.fd);
	unlink(path);
	getrusage(RUSAGE_SELF, &ru);

	is_int(rc, EV_OK, "the set parses (%s)", rc ? err : "ok");
	ok(size > 35 * 1024 * 1024, "the payload is %lld bytes",
	   (long long)size);
	is_int(c.n, RECORDS, "every record was passed");
	is_int(c.with_abstract, RECORDS, "each with its four passages");
	is_str(c.first_title,
	       "Synthetic record 0 on collaboration between general "
	       "practices",
	       "the first record");
	is_str(c.last_pmid, "50019999", "the last record");
	ok(ru.ru_maxrss < RSS_BOUND_KB,
	   "peak RSS %ld KiB for a %lld KiB payload (bound %d KiB)",
	   ru.ru_maxrss, (long long)size / 1024, RSS_BOUND_KB);
	printf("# peak RSS: %ld KiB before parsing, %ld KiB after; "
	       "payload %lld KiB\n",
	       before_kb, ru.ru_maxrss, (long long)size / 1024);
	return tap_done();
}
