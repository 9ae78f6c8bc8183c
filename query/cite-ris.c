/* cite-ris.c - RIS records for reference managers */
#include "config.h"

#include "query/cite-writer.h"

#include <string.h>

/* RIS type for a CSL type. */
static const char *ris_type(const struct record *rec)
{
	static const struct {
		const char *csl, *ris;
	} map[] = {{"article-journal", "JOUR"},
		   {"article-magazine", "MGZN"},
		   {"article-newspaper", "NEWS"},
		   {"report", "RPRT"},
		   {"book", "BOOK"},
		   {"chapter", "CHAP"},
		   {"paper-conference", "CPAPER"},
		   {"thesis", "THES"},
		   {"webpage", "ELEC"},
		   {"post-weblog", "BLOG"},
		   {"dataset", "DATA"},
		   {"review", "JOUR"}};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (rec->type && !strcmp(rec->type, map[i].csl))
			return map[i].ris;
	return "GEN";
}

/* "TAG  - value": RIS values are one line, so line breaks become
 * spaces. */
static ev_status tag(struct buf *out, const char *t, const char *v)
{
	ev_status st;

	if (!v || !*v)
		return EV_OK;
	st = buf_printf(out, "%s  - ", t);
	for (; !st && *v; v++)
		st = buf_addch(out, *v == '\n' || *v == '\r' ? ' ' : *v);
	return st ? st : buf_addch(out, '\n');
}

ev_status cite_ris(const struct record *rec, struct buf *out)
{
	ev_status st = buf_printf(out, "TY  - %s\n", ris_type(rec));
	struct buf b = BUF_INIT;
	const char *dash;

	for (size_t i = 0; !st && i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];

		buf_reset(&b);
		if (a->literal || !a->family)
			st = buf_addstr(
				&b, a->literal ? a->literal
					       : (a->given ? a->given : ""));
		else if (a->given && *a->given)
			st = buf_printf(&b, "%s, %s", a->family, a->given);
		else
			st = buf_addstr(&b, a->family);
		if (!st)
			st = tag(out, "AU", buf_str(&b));
	}
	if (!st)
		st = tag(out, "TI", rec->title);
	if (!st)
		st = tag(out, "T2", rec->container_title);
	if (!st && rec->issued.year > 0) {
		buf_reset(&b);
		st = buf_printf(&b, "%04d", rec->issued.year);
		if (!st)
			st = tag(out, "PY", buf_str(&b));
		if (!st && rec->issued.month) {
			buf_reset(&b);
			st = buf_printf(&b, "%04d/%02d/", rec->issued.year,
					rec->issued.month);
			if (!st && rec->issued.day)
				st = buf_printf(&b, "%02d", rec->issued.day);
			if (!st)
				st = buf_addch(&b, '/');
			if (!st)
				st = tag(out, "DA", buf_str(&b));
		}
	}
	if (!st)
		st = tag(out, "VL", rec->volume);
	if (!st)
		st = tag(out, "IS", rec->issue);
	/* pages: SP and EP for a range, SP alone otherwise */
	dash = rec->page ? strchr(rec->page, '-') : NULL;
	if (!st && dash && !strchr(dash + 1, '-') && !strchr(rec->page, ',')) {
		buf_reset(&b);
		st = buf_add(&b, rec->page, (size_t)(dash - rec->page));
		if (!st)
			st = tag(out, "SP", buf_str(&b));
		if (!st)
			st = tag(out, "EP", dash + 1);
	} else if (!st) {
		st = tag(out, "SP", rec->page);
	}
	if (!st)
		st = tag(out, "PB", rec->publisher);
	if (!st)
		st = tag(out, "LA", rec->language);
	if (!st)
		st = tag(out, "DO", rec->doi);
	if (!st)
		st = tag(out, "UR", rec->url);
	if (!st && rec->pmid) {
		buf_reset(&b);
		st = buf_printf(&b, "PMID: %s", rec->pmid);
		if (!st)
			st = tag(out, "N1", buf_str(&b));
	}
	if (!st && rec->pmcid) {
		buf_reset(&b);
		st = buf_printf(&b, "PMCID: %s", rec->pmcid);
		if (!st)
			st = tag(out, "N1", buf_str(&b));
	}
	for (size_t i = 0; !st && i < rec->keywords.n; i++)
		st = tag(out, "KW", rec->keywords.v[i]);
	if (!st)
		st = tag(out, "AB", rec->abstract);
	if (!st)
		st = buf_addstr(out, "ER  - \n\n");
	buf_release(&b);
	return st;
}
