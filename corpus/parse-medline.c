/* parse-medline.c - MEDLINE/PubMed text records (.nbib) */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"

/*
 * PubMed's "MEDLINE" text format, as its Send to > Citation manager
 * writes it: a tag of up to four characters padded to four, "- ", the
 * value; continuation lines start with six spaces; a blank line ends a
 * record (and a PMID line starts one).  A leading blank line is allowed,
 * as older exports had one.  A file with no PMID, TI or BTI line in any
 * record is EV_PARSE.
 *
 * The fields, with the choices the PubMed XML parser makes:
 * - PMID, PMC; the DOI from "AID - ... [doi]", else "LID - ... [doi]".
 * - TI without its closing full stop, and without the brackets of a
 *   translated title; BTI (a book) stands in when there is no TI.
 * - FAU ("Family, Given") are the authors and CN the organisations, in
 *   file order; AU ("Family Initials") only when there is no FAU.
 * - JT, else TA, is the container; VI, IP, PG.
 * - DP ("2006 Mar 1", "2019 Jan-Feb"), else DEP (YYYYMMDD).
 * - AB, with its continuation lines, is the abstract; LA the language.
 * - PT are the publication types (the evidence-type classifier reads
 *   them); MH (without the "*" and "/qualifiers") and OT are keywords.
 * - CON, CIN, EFR, EIN, ROF, RIN, UOF, UIN and the like become relations
 *   ("comment-on", "erratum-in", ...), aimed at the "PMID: N" in their
 *   value, else at a DOI in it.
 */

/* A tag line: four characters of tag (letters, digits, padding), "-",
 * then a space or nothing. */
static int medline_tag_line(const char *s, size_t len, size_t *taglen,
			    const char **value)
{
	size_t t = 0;

	if (len < 5 || s[4] != '-' || (len > 5 && s[5] != ' '))
		return 0;
	while (t < 4 &&
	       (isupper((unsigned char)s[t]) || isdigit((unsigned char)s[t])))
		t++;
	if (!t)
		return 0;
	for (size_t i = t; i < 4; i++)
		if (s[i] != ' ')
			return 0;
	*taglen = t;
	*value = len > 6 ? s + 6 : s + len;
	return 1;
}

/* "10.1186/x [doi]" -> the DOI, when the bracket says doi. */
static ev_status medline_doi(struct record *rec, const char *value)
{
	const char *b = value ? strstr(value, " [doi]") : NULL;
	char *doi;
	ev_status rc = EV_OK;

	if (rec->doi || !b)
		return EV_OK;
	doi = xstrndup(value, (size_t)(b - value));
	if (!doi)
		return EV_NOMEM;
	if (doi_normalise(doi))
		rc = record_set(&rec->doi, doi);
	free(doi);
	return rc;
}

/* MH "Information Storage and Retrieval/methods" and OT "Leaching" are
 * keywords without the qualifiers and the star that marks a major
 * topic. */
static ev_status medline_keyword(struct record *rec, const char *value,
				 int cut_qualifiers)
{
	size_t len;

	while (*value == '*')
		value++;
	len = cut_qualifiers ? strcspn(value, "/") : strlen(value);
	while (len && value[len - 1] == ' ')
		len--;
	if (!len)
		return EV_OK;
	{
		char *k = xstrndup(value, len);
		ev_status rc =
			k ? tagged_add_term(&rec->keywords, k) : EV_NOMEM;

		free(k);
		return rc;
	}
}

static const char *const relation_tags[][2] = {
	{"CON", "comment-on"},
	{"CIN", "comment-in"},
	{"EFR", "erratum-for"},
	{"EIN", "erratum-in"},
	{"ROF", "retraction-of"},
	{"RIN", "retraction-in"},
	{"UOF", "update-of"},
	{"UIN", "update-in"},
	{"RPF", "republished-from"},
	{"RPI", "republished-in"},
	{"CRF", "corrected-and-republished-from"},
	{"CRI", "corrected-and-republished-in"},
	{"ECF", "expression-of-concern-for"},
	{"ECI", "expression-of-concern-in"},
};

/* "Am J Public Health. 2021 Sep;111(9):1625-7. PMID: 34473563" ->
 * "pmid:34473563"; else the DOI in it. */
static ev_status medline_relation(struct record *rec, const char *type,
				  const char *value)
{
	struct record tmp;
	struct buf target = BUF_INIT;
	const char *d = strstr(value, "doi: ");
	ev_status rc;

	record_init(&tmp);
	rc = tagged_note_ids(&tmp, value);
	if (!rc && !tmp.pmid && d)
		rc = tagged_find_ids(&tmp, d + 5, 1);
	if (!rc && (tmp.pmid || tmp.doi))
		rc = buf_printf(&target, tmp.pmid ? "pmid:%s" : "doi:%s",
				tmp.pmid ? tmp.pmid : tmp.doi);
	if (!rc && target.len && rec->n_relations < TAGGED_MAX_TERMS)
		rc = record_add_relation(rec, type, buf_str(&target));
	buf_release(&target);
	record_release(&tmp);
	return rc;
}

/* DEP: "20060110". */
static void compact_date(const char *s, struct date *d)
{
	memset(d, 0, sizeof(*d));
	if (!s || strspn(s, "0123456789") < 4)
		return;
	d->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		  (s[2] - '0') * 10 + (s[3] - '0');
	if (strspn(s, "0123456789") >= 8) {
		d->month = (s[4] - '0') * 10 + (s[5] - '0');
		d->day = (s[6] - '0') * 10 + (s[7] - '0');
		if (d->month < 1 || d->month > 12)
			d->month = d->day = 0;
		if (d->day < 1 || d->day > 31)
			d->day = 0;
	}
}

static ev_status medline_fill(const struct tagged_record *r,
			      struct record *rec)
{
	static const struct tagged_map fields[] = {
		{"PMID", offsetof(struct record, pmid)},
		{"PMC", offsetof(struct record, pmcid)},
		{"JT", offsetof(struct record, container_title)},
		{"TA", offsetof(struct record, container_title)},
		{"VI", offsetof(struct record, volume)},
		{"IP", offsetof(struct record, issue)},
		{"PG", offsetof(struct record, page)},
		{"AB", offsetof(struct record, abstract)},
		{"PB", offsetof(struct record, publisher)},
	};
	const char *ti = tagged_get(r, "TI"), *bti = tagged_get(r, "BTI");
	int has_fau = tagged_get(r, "FAU") != NULL;
	ev_status rc;

	rc = record_set(&rec->type, !bti ? "article-journal"
				    : ti ? "chapter"
					 : "book");
	if (!rc)
		rc = set_if_unset(&rec->title, ti ? ti : bti);
	if (!rc && rec->title)
		pubmed_tidy_title(rec->title);
	/* A chapter is in its book. */
	if (!rc && ti)
		rc = set_if_unset(&rec->container_title, bti);
	if (!rc)
		rc = tagged_fill(rec, r, fields,
				 sizeof(fields) / sizeof(*fields));
	if (!rc)
		rc = record_set_language(rec, tagged_get(r, "LA"));
	if (!date_parse(tagged_get(r, "DP"), &rec->issued))
		compact_date(tagged_get(r, "DEP"), &rec->issued);

	for (size_t i = 0; !rc && i < r->n; i++) {
		const char *tag = r->fields[i].tag, *val = r->fields[i].value;

		if (!*val)
			continue;
		if (!strcmp(tag, "FAU") || (!has_fau && !strcmp(tag, "AU")))
			rc = tagged_add_author(rec, val);
		else if (!strcmp(tag, "CN"))
			rc = rec->n_authors < TAGGED_MAX_AUTHORS
				     ? record_add_author(rec, NULL, NULL, val)
				     : EV_OK;
		else if (!strcmp(tag, "PT"))
			rc = tagged_add_term(&rec->publication_types, val);
		else if (!strcmp(tag, "MH") || !strcmp(tag, "OT"))
			rc = medline_keyword(rec, val, tag[0] == 'M');
		else if (!strcmp(tag, "AID"))
			rc = medline_doi(rec, val);
		for (size_t k = 0;
		     !rc && k < sizeof(relation_tags) / sizeof(*relation_tags);
		     k++)
			if (!strcmp(tag, relation_tags[k][0]))
				rc = medline_relation(rec, relation_tags[k][1],
						      val);
	}
	/* LID holds the DOI too, or only the pii / elocation. */
	for (size_t i = 0; !rc && i < r->n; i++)
		if (!strcmp(r->fields[i].tag, "LID"))
			rc = medline_doi(rec, r->fields[i].value);
	return rc;
}

/* Emit the record R holds, if it is one. */
static ev_status medline_flush(struct parser *p, struct tagged_record *r,
			       struct record *rec, size_t *records)
{
	ev_status rc = EV_OK;

	if (tagged_get(r, "PMID") || tagged_get(r, "TI") ||
	    tagged_get(r, "BTI")) {
		char fragment[32];

		snprintf(fragment, sizeof(fragment), "record-%zu", ++*records);
		rc = medline_fill(r, rec);
		if (!rc)
			rc = tagged_emit(p, rec, fragment);
		else
			record_release(rec);
	}
	tagged_clear(r);
	return rc;
}

ev_status parse_medline(struct parser *p, const char *data, size_t len)
{
	const char *pos, *end, *line;
	struct tagged_record r = {NULL, 0, 0};
	struct record rec;
	size_t n, records = 0, text_lines = 0;
	char *owned = NULL;
	ev_status rc;

	record_init(&rec);
	rc = tagged_text(p, &data, &len, &owned);
	pos = data;
	end = data + len;
	while (!rc && (line = tagged_next_line(&pos, end, &n))) {
		const char *value;
		size_t taglen;

		if (!n) {
			rc = medline_flush(p, &r, &rec, &records);
			continue;
		}
		text_lines++;
		if (medline_tag_line(line, n, &taglen, &value)) {
			if (taglen == 4 && !memcmp(line, "PMID", 4) && r.n)
				rc = medline_flush(p, &r, &rec, &records);
			if (!rc)
				rc = tagged_push(&r, line, taglen, value,
						 (size_t)(line + n - value));
		} else if (r.n && (*line == ' ' || *line == '\t')) {
			while (*line == ' ' || *line == '\t') {
				line++;
				n--;
			}
			rc = tagged_continue(&r, line, n);
		}
		/* Anything else is not MEDLINE and is left out. */
	}
	if (!rc)
		rc = medline_flush(p, &r, &rec, &records);
	if (!rc && !records && text_lines)
		rc = parser_fail(p, EV_PARSE,
				 "no \"PMID- \" or \"TI  - \" line: not a "
				 "MEDLINE file");
	if (rc == EV_NOMEM)
		rc = parser_fail(p, rc, "out of memory");
	tagged_release(&r);
	free(owned);
	record_release(&rec);
	return rc;
}
