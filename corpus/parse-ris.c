/* parse-ris.c - RIS exports, and what the line-tagged formats share */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"
#include "xml.h"

/*
 * RIS as reference managers and databases write it: "TY  - JOUR" opens
 * a record, "XX  - value" lines fill it, "ER  - " closes it.  Real files
 * bend the rules, and this reader bends with them:
 * - the spacing around the dash varies ("TY -  BOOK", "ER  -" with no
 *   trailing space); a tag is two capitals or a capital and a digit,
 *   then at least one space, a dash, and a space or the end of the line;
 * - lines outside records are ignored (Ovid's "1." numbering before each
 *   record and "Link to the Ovid Full Text" lines after it);
 * - an untagged line inside a record continues the tag before it: one
 *   more keyword after KW (Rayyan and CINAHL put each on its own line),
 *   more text after anything else;
 * - a record still open at the end of the file is kept.
 * A file with tag lines but no TY at all is not RIS: EV_PARSE.
 *
 * The fields: TY the type; TI/T1 (else CT, BT) the title; AU/A1 the
 * authors (A2, the editors, only when there are none); JF, T2, JO, JA,
 * J2 (else BT for a chapter) the container; DA, PY, Y1 the date, the
 * most precise that agrees on the year; VL, IS, SP/EP; DO, and DOIs in
 * UR, L1-L4 and M3; UR the URL; AB (else N2) the abstract; PB; LA; KW;
 * M3 (Embase's "Article", "Review") a publication type.  The PMID comes
 * from "N1  - PMID: N" (what evidence's own export writes), from an all
 * digit AN when DB or DP names PubMed or MEDLINE, or from a PubMed URL;
 * the PMCID from "N1  - PMCID: PMCN" or a PMC URL.  ID, when it holds a
 * letter, is kept as the citation key.  A record with neither a title
 * nor an identifier is left out (tagged_emit()).
 */

/* --- What the tagged formats share (MEDLINE, RIS, BibTeX) --- */

/* The line of the first byte at DATA that is a NUL or not UTF-8, or 0. */
static size_t first_bad_line(const char *data, size_t len, int *nul)
{
	size_t i = 0, line = 1;

	while (i < len) {
		unsigned cp;
		size_t n;

		if ((unsigned char)data[i] < 0x80) {
			if (!data[i]) {
				*nul = 1;
				return line;
			}
			line += data[i] == '\n';
			i++;
			continue;
		}
		n = utf8_decode(data + i, len - i, &cp);
		if (!n) {
			*nul = 0;
			return line;
		}
		i += n;
	}
	return 0;
}

/* HTTP charsets that mean Windows-1252 (as browsers read them). */
static int cp1252_charset(const char *charset)
{
	static const char *const names[] = {
		"iso-8859-1", "iso8859-1", "latin1",	   "latin-1",
		"l1",	      "cp1252",	   "windows-1252", "us-ascii",
	};

	for (size_t i = 0; charset && i < sizeof(names) / sizeof(*names); i++)
		if (!strcasecmp(charset, names[i]))
			return 1;
	return 0;
}

ev_status tagged_text(struct parser *p, const char **data, size_t *len,
		      char **owned)
{
	const unsigned char *u = (const unsigned char *)*data;
	size_t line;
	int nul = 0;

	*owned = NULL;
	if (*len >= 2 &&
	    ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return parser_fail(p, EV_PARSE,
				   "UTF-16 text (convert the file to UTF-8 "
				   "first, e.g. with iconv)");
	if (*len >= 3 && !memcmp(*data, "\xef\xbb\xbf", 3)) {
		*data += 3;
		*len -= 3;
	}
	line = first_bad_line(*data, *len, &nul);
	if (line && !nul && cp1252_charset(p->in->charset)) {
		struct buf b = BUF_INIT;
		ev_status rc = EV_OK;

		for (size_t i = 0; i < *len && !rc; i++) {
			char enc[4];
			unsigned char c = (unsigned char)(*data)[i];

			rc = c < 0x80 ? buf_addch(&b, (char)c)
				      : buf_add(&b, enc,
						utf8_encode(markup_cp1252(c),
							    enc));
		}
		if (rc) {
			buf_release(&b);
			return parser_fail(p, rc, "out of memory");
		}
		*len = b.len;
		*data = *owned = buf_detach(&b);
		if (!*owned)
			return parser_fail(p, EV_NOMEM, "out of memory");
		return EV_OK;
	}
	if (line && nul)
		return parser_fail(
			p, EV_PARSE,
			"a NUL byte at line %zu: not a %s text file", line,
			format_name(p->fmt));
	if (line)
		return parser_fail(p, EV_PARSE,
				   "not UTF-8 at line %zu (convert the file "
				   "to UTF-8 first, e.g. with iconv)",
				   line);
	return EV_OK;
}

const char *tagged_next_line(const char **pos, const char *end, size_t *len)
{
	const char *s = *pos, *e;

	if (s >= end)
		return NULL;
	e = memchr(s, '\n', (size_t)(end - s));
	*pos = e ? e + 1 : end;
	if (!e)
		e = end;
	while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*len = (size_t)(e - s);
	return s;
}

/* Initials as Vancouver-style names write them: "JA", "D.G.", "C.-H.",
 * at most four letters, all capitals. */
static int initials_word(const char *w, size_t len)
{
	size_t letters = 0;

	for (size_t i = 0; i < len; i++) {
		if (isupper((unsigned char)w[i]))
			letters++;
		else if (w[i] != '.' && w[i] != '-')
			return 0;
	}
	return letters >= 1 && letters <= 4;
}

/* "Family Initials" (de Hoon MJ, Liu R.): the length of the family part
 * of the LEN bytes at S, or 0 when the last word is not initials. */
static size_t initials_form(const char *s, size_t len)
{
	size_t last;

	while (len && s[len - 1] == ' ')
		len--;
	last = len;
	while (last && s[last - 1] != ' ')
		last--;
	if (!last || !initials_word(s + last, len - last))
		return 0;
	while (last && s[last - 1] == ' ')
		last--;
	return last;
}

static ev_status add_initials_name(struct record *rec, const char *s,
				   size_t len)
{
	size_t fam = initials_form(s, len);
	char *family = xstrndup(s, fam);
	char *given = xstrndup(s + fam, len - fam);
	ev_status rc = EV_NOMEM;

	if (family && given)
		rc = record_add_author(rec, family, str_trim(given), NULL);
	free(family);
	free(given);
	return rc;
}

ev_status tagged_add_term(struct strvec *sv, const char *s)
{
	if (sv->n >= TAGGED_MAX_TERMS)
		return EV_OK;
	return strvec_push_unique(sv, s);
}

ev_status tagged_add_author(struct record *rec, const char *value)
{
	char *copy = strdup(value ? value : "");
	const char *s;
	size_t parts = 0, vancouver = 0;
	ev_status rc = EV_OK;

	if (!copy)
		return EV_NOMEM;
	if (rec->n_authors >= TAGGED_MAX_AUTHORS)
		goto out;
	text_collapse_space(copy);
	if (!*copy)
		goto out;
	/* "Achterbergh RCA, van der Helm JJ, de Vries HJC" (Ovid) is a
	 * list; "Stall, Ron" and "Mills, Thomas C." are one name. */
	for (s = copy;; s++) {
		size_t len = strcspn(s, ","), fam;

		while (len && *s == ' ') {
			s++;
			len--;
		}
		fam = initials_form(s, len);
		parts++;
		vancouver += fam > 0;
		s += len;
		if (!*s)
			break;
	}
	if (vancouver == parts) {
		for (s = copy; !rc && rec->n_authors < TAGGED_MAX_AUTHORS;) {
			size_t len = strcspn(s, ",");

			while (len && *s == ' ') {
				s++;
				len--;
			}
			rc = add_initials_name(rec, s, len);
			s += len;
			if (!*s)
				break;
			s++;
		}
	} else {
		rc = author_add_name(rec, copy);
	}
out:
	free(copy);
	return rc;
}

/* The digits after PREFIX in S (case-insensitive), as a malloc'd string,
 * or NULL. */
static char *digits_after(const char *s, const char *prefix, int pmc)
{
	size_t plen = strlen(prefix);

	for (; s && *s; s++) {
		const char *d;
		size_t n;

		if (strncasecmp(s, prefix, plen))
			continue;
		d = s + plen;
		while (*d == ' ')
			d++;
		if (pmc && !strncasecmp(d, "PMC", 3))
			d += 3;
		n = strspn(d, "0123456789");
		if (n && n < 12)
			return xstrndup(d, n);
	}
	return NULL;
}

ev_status tagged_find_ids(struct record *rec, const char *text, int bare_doi)
{
	static const char *const pubmed_urls[] = {
		"pubmed.ncbi.nlm.nih.gov/",
		"ncbi.nlm.nih.gov/pubmed/",
		"europepmc.org/abstract/MED/",
		"europepmc.org/article/MED/",
	};
	static const char *const pmc_urls[] = {
		"ncbi.nlm.nih.gov/pmc/articles/",
		"europepmc.org/articles/",
	};
	const char *d;
	char *id;
	ev_status rc = EV_OK;

	if (!text)
		return EV_OK;
	d = strstr(text, "doi.org/");
	if (!d && bare_doi && !strncmp(text, "10.", 3))
		d = text;
	if (!rec->doi && d) {
		char *doi;

		if (d != text)
			d += strlen("doi.org/");
		doi = xstrndup(d, strcspn(d, " \t?#"));
		if (!doi)
			return EV_NOMEM;
		/* URLs percent-encode the slash (10.1371%2Fjournal...). */
		for (char *c = doi; *c; c++)
			if (!strncasecmp(c, "%2F", 3)) {
				*c = '/';
				memmove(c + 1, c + 3, strlen(c + 3) + 1);
			}
		if (doi_normalise(doi))
			rc = record_set(&rec->doi, doi);
		free(doi);
	}
	for (size_t i = 0; !rc && !rec->pmid &&
			   i < sizeof(pubmed_urls) / sizeof(*pubmed_urls);
	     i++) {
		id = digits_after(strstr(text, pubmed_urls[i]), pubmed_urls[i],
				  0);
		if (id)
			rc = record_set(&rec->pmid, id);
		free(id);
	}
	for (size_t i = 0;
	     !rc && !rec->pmcid && i < sizeof(pmc_urls) / sizeof(*pmc_urls);
	     i++) {
		const char *u = strstr(text, pmc_urls[i]);

		id = u && !strncasecmp(u + strlen(pmc_urls[i]), "PMC", 3)
			     ? digits_after(u, pmc_urls[i], 1)
			     : NULL;
		if (id)
			rc = record_set(&rec->pmcid, id);
		free(id);
	}
	return rc;
}

ev_status tagged_note_ids(struct record *rec, const char *text)
{
	char *id;
	ev_status rc = EV_OK;

	if (!text)
		return EV_OK;
	if (!rec->pmcid && (id = digits_after(text, "PMCID:", 1))) {
		rc = record_set(&rec->pmcid, id);
		free(id);
	}
	/* "PMID:" must not match inside "PMCID:". */
	for (const char *s = text; !rc && !rec->pmid && s;) {
		s = strcasestr(s, "PMID:");
		if (s && (s == text || !isalpha((unsigned char)s[-1]))) {
			id = digits_after(s, "PMID:", 0);
			if (id)
				rc = record_set(&rec->pmid, id);
			free(id);
			break;
		}
		if (s)
			s++;
	}
	return rc;
}

ev_status tagged_fill(struct record *rec, const struct tagged_record *r,
		      const struct tagged_map *map, size_t n)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < n; i++)
		rc = set_if_unset((char **)((char *)rec + map[i].offset),
				  tagged_get(r, map[i].tag));
	return rc;
}

ev_status tagged_emit(struct parser *p, struct record *rec,
		      const char *fragment)
{
	if (!rec->title && !rec->doi && !rec->pmid && !rec->pmcid &&
	    !rec->url) {
		record_release(rec); /* nothing to find it by */
		return EV_OK;
	}
	return parser_emit_at(p, rec, fragment);
}

/* --- RIS --- */

void tagged_clear(struct tagged_record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i].value);
	r->n = 0;
}

void tagged_release(struct tagged_record *r)
{
	tagged_clear(r);
	free(r->fields);
	r->fields = NULL;
	r->alloc = 0;
}

ev_status tagged_push(struct tagged_record *r, const char *tag, size_t taglen,
		      const char *value, size_t len)
{
	struct tagged_field *f;

	if (r->n == r->alloc) {
		size_t alloc = r->alloc ? r->alloc * 2 : 32;

		f = realloc(r->fields, alloc * sizeof(*f));
		if (!f)
			return EV_NOMEM;
		r->fields = f;
		r->alloc = alloc;
	}
	f = &r->fields[r->n];
	if (taglen >= sizeof(f->tag))
		taglen = sizeof(f->tag) - 1;
	memcpy(f->tag, tag, taglen);
	f->tag[taglen] = '\0';
	f->value = xstrndup(value, len);
	f->len = len;
	f->alloc = len + 1;
	if (!f->value)
		return EV_NOMEM;
	r->n++;
	return EV_OK;
}

ev_status tagged_continue(struct tagged_record *r, const char *text,
			  size_t len)
{
	struct tagged_field *f = &r->fields[r->n - 1];

	if (f->len + len + 2 > f->alloc) {
		size_t alloc = (f->len + len + 2) * 2;
		char *v = realloc(f->value, alloc);

		if (!v)
			return EV_NOMEM;
		f->value = v;
		f->alloc = alloc;
	}
	f->value[f->len++] = ' ';
	memcpy(f->value + f->len, text, len);
	f->len += len;
	f->value[f->len] = '\0';
	return EV_OK;
}

const char *tagged_get(const struct tagged_record *r, const char *tag)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->fields[i].tag, tag) && *r->fields[i].value)
			return r->fields[i].value;
	return NULL;
}

/* --- RIS --- */

/* A tag line: "XX", spaces, "-", then a space or nothing.  Sets *TAG
 * and *VALUE (past the spaces after the dash). */
static int ris_tag_line(const char *s, size_t len, const char **value)
{
	size_t i = 2;

	if (len < 4 || !isupper((unsigned char)s[0]) ||
	    !(isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1])) ||
	    (s[2] != ' ' && s[2] != '\t'))
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= len || s[i] != '-' || i > 6)
		return 0;
	i++;
	if (i < len && s[i] != ' ' && s[i] != '\t')
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*value = s + i;
	return 1;
}

static const char *ris_type(const char *ty)
{
	static const char *const types[][2] = {
		{"JOUR", "article-journal"},
		{"JFULL", "article-journal"},
		{"EJOUR", "article-journal"},
		{"ABST", "article-journal"},
		{"INPR", "article-journal"},
		{"MGZN", "article-magazine"},
		{"NEWS", "article-newspaper"},
		{"BOOK", "book"},
		{"EBOOK", "book"},
		{"EDBOOK", "book"},
		{"SER", "book"},
		{"CHAP", "chapter"},
		{"ECHAP", "chapter"},
		{"RPRT", "report"},
		{"GOVDOC", "report"},
		{"ELEC", "webpage"},
		{"WEB", "webpage"},
		{"BLOG", "post-weblog"},
		{"CONF", "paper-conference"},
		{"CPAPER", "paper-conference"},
		{"THES", "thesis"},
		{"PAT", "patent"},
		{"STAT", "legislation"},
		{"BILL", "bill"},
		{"CASE", "legal_case"},
		{"DATA", "dataset"},
		{"COMP", "software"},
		{"UNPB", "manuscript"},
		{"MANSCPT", "manuscript"},
		{"MAP", "map"},
		{"VIDEO", "motion_picture"},
		{"MPCT", "motion_picture"},
		{"PAMP", "pamphlet"},
		{"PCOMM", "personal_communication"},
		{"GEN", "document"},
		{"CTLG", "document"},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (!strcasecmp(ty, types[i][0]))
			return types[i][1];
	return "document";
}

/* How many parts of a date are known: 1 year, 2 month, 3 day. */
static int date_precision(const struct date *d)
{
	return !d->year ? 0 : !d->month ? 1 : !d->day ? 2 : 3;
}

/* The most precise of DA, PY and Y1 that agree on the year; a DA with
 * no year ("Nov", CINAHL via Rayyan) gives its month to PY's year. */
static ev_status ris_date(const struct tagged_record *r, struct date *issued)
{
	static const char *const tags[] = {"DA", "PY", "Y1"};
	const char *da = tagged_get(r, "DA");
	struct date d;
	ev_status rc = EV_OK;

	memset(issued, 0, sizeof(*issued));
	for (size_t i = 0; i < sizeof(tags) / sizeof(*tags); i++) {
		if (!date_parse(tagged_get(r, tags[i]), &d))
			continue;
		if (!issued->year ||
		    (d.year == issued->year &&
		     date_precision(&d) > date_precision(issued)))
			*issued = d;
	}
	if (issued->year && !issued->month && da && !date_parse(da, &d)) {
		struct buf b = BUF_INIT;

		rc = buf_printf(&b, "%d %s", issued->year, da);
		if (!rc && date_parse(buf_str(&b), &d) &&
		    d.year == issued->year)
			*issued = d;
		buf_release(&b);
	}
	return rc;
}

static ev_status ris_record_fill(const struct tagged_record *r,
				 struct record *rec)
{
	static const struct tagged_map fields[] = {
		{"TI", offsetof(struct record, title)},
		{"T1", offsetof(struct record, title)},
		{"CT", offsetof(struct record, title)},
		{"VL", offsetof(struct record, volume)},
		{"IS", offsetof(struct record, issue)},
		{"AB", offsetof(struct record, abstract)},
		{"N2", offsetof(struct record, abstract)},
		{"PB", offsetof(struct record, publisher)},
		{"DO", offsetof(struct record, doi)},
	};
	static const char *const containers[] = {"JF", "T2", "JO", "JA", "J2"};
	const char *ty = tagged_get(r, "TY"), *v, *db;
	int pubmed_db = 0;
	size_t people = 0;
	ev_status rc;

	rc = record_set(&rec->type, ris_type(ty ? ty : "GEN"));
	if (!rc)
		rc = tagged_fill(rec, r, fields,
				 sizeof(fields) / sizeof(*fields));
	if (!rc && strcmp(rec->type, "chapter"))
		rc = set_if_unset(&rec->title, tagged_get(r, "BT"));
	for (size_t i = 0; !rc && i < sizeof(containers) / sizeof(*containers);
	     i++)
		if (!str_is_http_url(tagged_get(r, containers[i])))
			rc = set_if_unset(&rec->container_title,
					  tagged_get(r, containers[i]));
	if (!rc && !strcmp(rec->type, "chapter"))
		rc = set_if_unset(&rec->container_title, tagged_get(r, "BT"));
	if (!rc)
		rc = record_set_pages(rec, tagged_get(r, "SP"),
				      tagged_get(r, "EP"));
	if (!rc)
		rc = record_set_language(rec, tagged_get(r, "LA"));
	if (!rc && rec->doi && !doi_normalise(rec->doi)) {
		free(rec->doi);
		rec->doi = NULL;
	}
	v = tagged_get(r, "ID");
	if (!rc && v &&
	    strpbrk(v, "abcdefghijklmnopqrstuvwxyz"
		       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		rc = set_if_unset(&rec->citation_key, v);
	if (!rc)
		rc = ris_date(r, &rec->issued);

	for (size_t i = 0; i < r->n; i++) {
		const char *tag = r->fields[i].tag;

		if ((!strcmp(tag, "DB") || !strcmp(tag, "DP")) &&
		    (strcasestr(r->fields[i].value, "pubmed") ||
		     strcasestr(r->fields[i].value, "medline")))
			pubmed_db = 1;
		if (!strcmp(tag, "AU") || !strcmp(tag, "A1"))
			people++;
	}
	for (size_t i = 0; !rc && i < r->n; i++) {
		const char *tag = r->fields[i].tag, *val = r->fields[i].value;

		if (!*val)
			continue;
		if (!strcmp(tag, "AU") || !strcmp(tag, "A1") ||
		    (!people && !strcmp(tag, "A2")))
			rc = tagged_add_author(rec, val);
		else if (!strcmp(tag, "KW"))
			rc = tagged_add_term(&rec->keywords, val);
		else if (!strcmp(tag, "N1"))
			rc = tagged_note_ids(rec, val);
		else if (!strcmp(tag, "UR") && str_is_http_url(val) &&
			 !rec->url)
			rc = record_set(&rec->url, val);
		else if (!strcmp(tag, "M3") && !strchr(val, '/') &&
			 strlen(val) < 64)
			rc = tagged_add_term(&rec->publication_types, val);
		if (!rc && (!strcmp(tag, "UR") || !strcmp(tag, "M3") ||
			    (tag[0] == 'L' && tag[1] >= '1' && tag[1] <= '4')))
			rc = tagged_find_ids(rec, val, tag[0] != 'U');
	}
	db = tagged_get(r, "AN");
	if (!rc && pubmed_db && db && strspn(db, "0123456789") == strlen(db))
		rc = set_if_unset(&rec->pmid, db);
	return rc;
}

/* Fill REC from R, the Nth record of the file, and pass it on. */
static ev_status ris_emit(struct parser *p, const struct tagged_record *r,
			  struct record *rec, size_t n)
{
	char fragment[32];
	ev_status rc = ris_record_fill(r, rec);

	if (rc) {
		record_release(rec);
		return rc;
	}
	snprintf(fragment, sizeof(fragment), "record-%zu", n);
	return tagged_emit(p, rec, fragment);
}

ev_status parse_ris(struct parser *p, const char *data, size_t len)
{
	const char *pos, *end, *line;
	struct tagged_record r = {NULL, 0, 0};
	struct record rec;
	size_t n, lineno = 0, tag_lines = 0, records = 0;
	char *owned = NULL;
	int open = 0;
	ev_status rc;

	record_init(&rec);
	rc = tagged_text(p, &data, &len, &owned);
	pos = data;
	end = data + len;
	while (!rc && (line = tagged_next_line(&pos, end, &n))) {
		const char *value;

		lineno++;
		if (!ris_tag_line(line, n, &value)) {
			/* Continuation: another keyword after KW, more text
			 * after anything else. */
			while (n && (*line == ' ' || *line == '\t')) {
				line++;
				n--;
			}
			if (!open || !n || !r.n)
				continue;
			if (!strcmp(r.fields[r.n - 1].tag, "KW"))
				rc = tagged_push(&r, "KW", 2, line, n);
			else
				rc = tagged_continue(&r, line, n);
			continue;
		}
		tag_lines++;
		if (!memcmp(line, "TY", 2)) {
			if (open) /* a record without ER: keep it */
				rc = ris_emit(p, &r, &rec, ++records);
			tagged_clear(&r);
			open = 1;
		} else if (!memcmp(line, "ER", 2)) {
			if (open)
				rc = ris_emit(p, &r, &rec, ++records);
			tagged_clear(&r);
			open = 0;
			continue;
		}
		if (!rc && open)
			rc = tagged_push(&r, line, 2, value,
					 (size_t)(line + n - value));
	}
	if (!rc && open)
		rc = ris_emit(p, &r, &rec, ++records);
	if (!rc && !records && tag_lines)
		rc = parser_fail(p, EV_PARSE,
				 "no \"TY  - \" line: not a RIS file");
	if (rc == EV_NOMEM)
		rc = parser_fail(p, rc, "out of memory");
	tagged_release(&r);
	free(owned);
	record_release(&rec);
	return rc;
}
