/* test-cite.c - unit tests for the reference formatters */
#include <stdlib.h>

#include "query/cite.h"
#include "tests/tap.h"

struct row {
	const char *what;
	int n_authors; /* people named Author1 A .. AuthorN N */
	const char *org;
	const char *title, *journal, *volume, *issue, *page, *doi, *url;
	int year;
	const char *want;
};

static const struct row rows[] = {
	{ "two people, full journal reference", 2, NULL, "A title",
	  "Br J Gen Pract", "68", "668", "e168-77", "10.3399/x", NULL, 2018,
	  "Family1 GA, Family2 GB. A title. Br J Gen Pract. "
	  "2018;68(668):e168-77. doi:10.3399/x" },
	/* seven authors: the first six then et al. */
	{ "et al. after six", 7, NULL, "T", "J", NULL, NULL, NULL, NULL, NULL,
	  2020,
	  "Family1 GA, Family2 GB, Family3 GC, Family4 GD, Family5 GE, "
	  "Family6 GF, et al. T. J. 2020." },
	{ "organisation as author, URL, no date", 0, "The King's Fund",
	  "Report title?", NULL, NULL, NULL, NULL, NULL, "https://x.org/r",
	  0, "The King's Fund. Report title? Available from: https://x.org/r" },
	{ "no authors", 0, NULL, "Only a title", NULL, NULL, NULL, NULL, NULL,
	  NULL, 2019, "Only a title. 2019." },
};

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct record rec;
		struct buf out = BUF_INIT;
		int k;

		record_init(&rec);
		for (k = 0; k < r->n_authors; k++) {
			char fam[16], giv[4];

			snprintf(fam, sizeof(fam), "Family%d", k + 1);
			snprintf(giv, sizeof(giv), "G %c", 'A' + k);
			record_add_author(&rec, fam, giv, NULL);
		}
		if (r->org)
			record_add_author(&rec, NULL, NULL, r->org);
		record_set(&rec.title, r->title);
		record_set(&rec.container_title, r->journal);
		record_set(&rec.volume, r->volume);
		record_set(&rec.issue, r->issue);
		record_set(&rec.page, r->page);
		record_set(&rec.doi, r->doi);
		record_set(&rec.url, r->url);
		rec.issued.year = r->year;
		ok(cite_vancouver(&rec, &out) == EV_OK, "%s: status", r->what);
		is_str(buf_str(&out), r->want, "%s", r->what);
		buf_release(&out);
		record_release(&rec);
	}
	return tap_done();
}
