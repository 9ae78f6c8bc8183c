/* cite-bibtex.c - BibTeX entries and their stable citation keys */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "query/cite.h"

/*
 * Latin letters U+00C0 to U+017F: the ASCII letter each folds to (for
 * keys), and the LaTeX accent that makes it from that letter ('-' where
 * there is none and the letter is written as UTF-8, which biber reads).
 */
static const char fold_c0[] =
	"AAAAAAACEEEEIIIIDNOOOOO OUUUUYTsaaaaaaaceeeeiiiidnooooo ouuuuyty";
static const char accent_c0[] =
	"`'^~\"rAc`'^\"`'^\"-~`'^~\"-/`'^\"'-S`'^~\"rac`'^\"`'^\"-~`'^~\"-/"
	"`'^\"'-\"";
static const char fold_100[] =
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkk"
	"LlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUu"
	"WwYyYZzZzZzs";
static const char accent_100[] =
	"==uukk''^^..vvvv--==uu..kkvv^^uu..cc^^--~~==uukk.---^^cc-"
	"''ccvv--LL''ccvv---==uuHHOO''ccvv''^^ccvvccvv--~~==uurrHHkk"
	"^^^^\"''..vv-";

/* The code point of the UTF-8 character at S (*LEN its bytes); -1 for
 * one outside U+00C0..U+017F. */
static int latin(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;

	*len = 1;
	if (u[0] < 0x80)
		return -1;
	*len = 1;
	while (u[*len] && (u[*len] & 0xc0) == 0x80)
		(*len)++;
	if (*len == 2 && (u[0] == 0xc3 || u[0] == 0xc4 || u[0] == 0xc5)) {
		int cp = ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);

		if (cp >= 0xc0 && cp <= 0x17f)
			return cp;
	}
	return -1;
}

static char fold(int cp)
{
	return cp < 0x100 ? fold_c0[cp - 0xc0] : fold_100[cp - 0x100];
}

/* Append lower-case ASCII letters and digits of S[0..N) to OUT. */
static ev_status add_folded(struct buf *out, const char *s, size_t n)
{
	ev_status st = EV_OK;
	size_t len;

	for (size_t i = 0; !st && i < n; i += len) {
		int cp = latin(s + i, &len);
		char c = cp >= 0 ? fold(cp) : s[i];

		if (len == 1 || cp >= 0)
			if (isalnum((unsigned char)c))
				st = buf_addch(
					out, (char)tolower((unsigned char)c));
	}
	return st;
}

static int key_stop_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"a",	"an",	 "and",	  "are",  "as",	 "at",	 "by", "can",
		"do",	"does",	 "for",	  "from", "how", "in",	 "is", "it",
		"its",	"of",	 "on",	  "or",	  "the", "this", "to", "what",
		"when", "where", "which", "who",  "why", "with", "de", "la",
		"le",	"les",	 "el",	  "der",  "die", "das"};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], s, n))
			return 1;
	return 0;
}

#define KEY_PART_MAX 24

ev_status cite_key_base(const struct record *rec, struct buf *out)
{
	const char *t = rec->title;
	ev_status st = EV_OK;
	size_t start = out->len;

	if (rec->n_authors) {
		const struct author *a = &rec->authors[0];
		const char *name = a->family ? a->family : a->literal;

		if (name) {
			/* an organisation: its words but the stop words */
			for (const char *p = name; !st && *p;) {
				size_t n = strcspn(p, " ");

				if (!key_stop_word(p, n) || !a->literal)
					st = add_folded(out, p, n);
				p += n;
				p += strspn(p, " ");
			}
		}
	}
	if (out->len == start && !st)
		st = buf_addstr(out, "anon");
	if (out->len > start + KEY_PART_MAX) {
		out->len = start + KEY_PART_MAX;
		out->ptr[out->len] = '\0';
	}
	if (!st) {
		if (rec->issued.year > 0)
			st = buf_printf(out, "%d", rec->issued.year);
		else
			st = buf_addstr(out, "nd");
	}
	/* the first word of the title that says something */
	while (!st && t && *t) {
		size_t n = 0, before = out->len;

		while (t[n] && !isspace((unsigned char)t[n]) && t[n] != '-' &&
		       t[n] != ':' && t[n] != '/')
			n++;
		if (n && !key_stop_word(t, n)) {
			st = add_folded(out, t, n);
			if (out->len > before)
				break;
		}
		t += n;
		while (*t && (isspace((unsigned char)*t) || *t == '-' ||
			      *t == ':' || *t == '/'))
			t++;
	}
	if (!st && out->len > start + 2 * KEY_PART_MAX + 4) {
		out->len = start + 2 * KEY_PART_MAX + 4;
		out->ptr[out->len] = '\0';
	}
	return st;
}

/* --- keys for a collection ------------------------------------------ */

struct key_entry {
	char *id;
	char *added_at; /* "" when unknown */
	char *want;	/* the key the record carries, or its base */
	char *key;	/* settled */
};

struct cite_keys {
	struct key_entry *v;
	size_t n, alloc;
	int finished;
};

struct cite_keys *cite_keys_new(void)
{
	return calloc(1, sizeof(struct cite_keys));
}

void cite_keys_free(struct cite_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].id);
		free(k->v[i].added_at);
		free(k->v[i].want);
		free(k->v[i].key);
	}
	free(k->v);
	free(k);
}

ev_status cite_keys_add(struct cite_keys *k, const struct record *rec)
{
	struct key_entry *e;
	struct buf b = BUF_INIT;
	ev_status st = EV_OK;

	if (!rec->id)
		return EV_OK;
	if (k->n == k->alloc) {
		size_t na = k->alloc ? 2 * k->alloc : 64;
		struct key_entry *v = realloc(k->v, na * sizeof(*v));

		if (!v)
			return EV_NOMEM;
		k->v = v;
		k->alloc = na;
	}
	/* A carried key keeps the characters BibTeX and biber take in a
	 * key; one with none of them is made afresh. */
	for (const char *p = rec->citation_key; p && *p && !st; p++)
		if (isalnum((unsigned char)*p) || strchr("-_:./+", *p))
			st = buf_addch(&b, *p);
	if (!st && !b.len)
		st = cite_key_base(rec, &b);
	e = &k->v[k->n];
	memset(e, 0, sizeof(*e));
	e->id = strdup(rec->id);
	e->added_at = strdup(rec->added_at ? rec->added_at : "");
	e->want = st ? NULL : buf_detach(&b);
	buf_release(&b);
	if (!e->id || !e->added_at || !e->want) {
		free(e->id);
		free(e->added_at);
		free(e->want);
		return st ? st : EV_NOMEM;
	}
	k->n++;
	return EV_OK;
}

/* Oldest first: when added, then id, so the order never changes for
 * works already stored. */
static int by_age(const void *a, const void *b)
{
	const struct key_entry *x = a, *y = b;
	int c = strcmp(x->added_at, y->added_at);

	return c ? c : strcmp(x->id, y->id);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct key_entry *)a)->id,
		      ((const struct key_entry *)b)->id);
}

ev_status cite_keys_finish(struct cite_keys *k)
{
	char **taken = NULL;
	size_t nt = 0;
	ev_status st = EV_OK;

	qsort(k->v, k->n, sizeof(*k->v), by_age);
	taken = calloc(k->n + 1, sizeof(*taken));
	if (!taken)
		return EV_NOMEM;
	/* In age order, each work takes the key it wants (the one it
	 * carries, or its base) when free, else the first free one of
	 * key+a, key+b ...  A work added later is younger than every work
	 * already stored, so it can never take a key given before it. */
	for (size_t i = 0; i < k->n && !st; i++) {
		struct key_entry *e = &k->v[i];
		struct buf b = BUF_INIT;

		for (int n = 0;; n++) {
			buf_reset(&b);
			st = buf_addstr(&b, e->want);
			/* a..z, then aa, ab ... */
			if (!st && n > 26)
				st = buf_addch(&b,
					       (char)('a' + (n - 1) / 26 - 1));
			if (!st && n)
				st = buf_addch(&b, (char)('a' + (n - 1) % 26));
			if (st || !bsearch(&b.ptr, taken, nt, sizeof(*taken),
					   by_key))
				break;
		}
		if (!st && !(e->key = buf_detach(&b)))
			st = EV_NOMEM;
		buf_release(&b);
		if (st)
			break;
		taken[nt++] = e->key;
		qsort(taken, nt, sizeof(*taken), by_key);
	}
	free(taken);
	qsort(k->v, k->n, sizeof(*k->v), by_id);
	k->finished = 1;
	return st;
}

const char *cite_keys_get(const struct cite_keys *k, const char *id)
{
	struct key_entry probe = {0}, *e;

	if (!k->finished)
		return NULL;
	probe.id = (char *)id;
	e = bsearch(&probe, k->v, k->n, sizeof(*k->v), by_id);
	return e ? e->key : NULL;
}

/* --- entries --------------------------------------------------------- */

/* S with LaTeX's special characters escaped and accented Latin letters
 * as accent commands. */
static ev_status add_latex(struct buf *out, const char *s)
{
	ev_status st = EV_OK;
	size_t len;

	for (size_t i = 0; !st && s[i]; i += len) {
		int cp = latin(s + i, &len);
		unsigned char c = (unsigned char)s[i];

		if (cp >= 0) {
			char a = cp < 0x100 ? accent_c0[cp - 0xc0]
					    : accent_100[cp - 0x100];
			char base = fold(cp);

			switch (a) {
			case '\'':
			case '`':
			case '^':
			case '"':
			case '~':
			case '=':
			case '.':
				st = buf_printf(out, "{\\%c%c}", a, base);
				break;
			case 'u':
			case 'k':
			case 'v':
			case 'c':
			case 'H':
			case 'r':
				st = buf_printf(out, "{\\%c{%c}}", a, base);
				break;
			case 'A':
				st = buf_addstr(out, "{\\AE}");
				break;
			case 'a':
				st = buf_addstr(out, "{\\ae}");
				break;
			case 'O':
				st = buf_addstr(out, base == 'O' ? "{\\OE}"
								 : "{\\oe}");
				break;
			case 'L':
				st = buf_addstr(out, base == 'L' ? "{\\L}"
								 : "{\\l}");
				break;
			case '/':
				st = buf_addstr(out, base == 'o' ? "{\\o}"
								 : "{\\O}");
				break;
			case 'S':
				st = buf_addstr(out, "{\\ss}");
				break;
			default:
				st = buf_add(out, s + i, len);
			}
			continue;
		}
		if (len == 3 && !strncmp(s + i, "\u2013", 3))
			st = buf_addstr(out, "--");
		else if (len == 3 && !strncmp(s + i, "\u2014", 3))
			st = buf_addstr(out, "---");
		else if (len == 3 && (!strncmp(s + i, "\u2018", 3)))
			st = buf_addstr(out, "`");
		/* not "'", which a reader cannot tell from an apostrophe
		 * typed as one */
		else if (len == 3 && (!strncmp(s + i, "\u2019", 3)))
			st = buf_addstr(out, "\\textquoteright{}");
		else if (len == 3 && (!strncmp(s + i, "\u201c", 3)))
			st = buf_addstr(out, "``");
		else if (len == 3 && (!strncmp(s + i, "\u201d", 3)))
			st = buf_addstr(out, "''");
		else if (len > 1)
			st = buf_add(out, s + i, len);
		else if (strchr("&%$#_", c) && c)
			st = buf_printf(out, "\\%c", c);
		/* BibTeX counts "\{" as a brace, so a lone one would
		 * unbalance the entry */
		else if (c == '{')
			st = buf_addstr(out, "\\textbraceleft{}");
		else if (c == '}')
			st = buf_addstr(out, "\\textbraceright{}");
		else if (c == '\\')
			st = buf_addstr(out, "\\textbackslash{}");
		else if (c == '"')
			st = buf_addstr(out, "{\"}"); /* babel's shorthand */
		else if (c == '^')
			st = buf_addstr(out, "\\textasciicircum{}");
		else if (c == '~')
			st = buf_addstr(out, "\\textasciitilde{}");
		else if (c == '\n' || c == '\r' || c == '\t')
			st = buf_addch(out, ' ');
		else
			st = buf_addch(out, (char)c);
	}
	return st;
}

/* S for a verbatim field (url, doi): braces, which would unbalance the
 * entry, and white space percent-encoded as in a URL. */
static ev_status add_verbatim(struct buf *out, const char *s)
{
	ev_status st = EV_OK;

	for (; !st && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '{' || c == '}' || c == '%' || c == '\\' || c <= ' ')
			st = buf_printf(out, "%%%02X", c);
		else
			st = buf_addch(out, (char)c);
	}
	return st;
}

enum { RAW, LATEX, VERBATIM };

static ev_status field(struct buf *out, const char *name, const char *v,
		       int how)
{
	ev_status st;

	if (!v || !*v)
		return EV_OK;
	st = buf_printf(out, "  %-9s = {", name);
	if (!st)
		st = how == LATEX      ? add_latex(out, v)
		     : how == VERBATIM ? add_verbatim(out, v)
				       : buf_addstr(out, v);
	return st ? st : buf_addstr(out, "},\n");
}

/* A name part with a comma or " and " in it is braced, so that BibTeX
 * does not split it. */
static ev_status add_name_part(struct buf *out, const char *s)
{
	int brace = strchr(s, ',') || strstr(s, " and ") || strstr(s, " AND ");
	ev_status st = brace ? buf_addch(out, '{') : EV_OK;

	if (!st)
		st = add_latex(out, s);
	if (!st && brace)
		st = buf_addch(out, '}');
	return st;
}

static const char *bibtex_type(const struct record *rec)
{
	static const struct {
		const char *csl, *bib;
	} map[] = {{"article-journal", "article"},
		   {"article-magazine", "article"},
		   {"article-newspaper", "article"},
		   {"review", "article"},
		   {"report", "techreport"},
		   {"book", "book"},
		   {"chapter", "incollection"},
		   {"paper-conference", "inproceedings"},
		   {"thesis", "phdthesis"},
		   {"webpage", "online"},
		   {"post-weblog", "online"},
		   {"post", "online"},
		   {"dataset", "misc"}};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (rec->type && !strcmp(rec->type, map[i].csl))
			return map[i].bib;
	return "misc";
}

ev_status cite_bibtex(const struct record *rec, const char *key,
		      struct buf *out)
{
	const char *type = bibtex_type(rec);
	struct buf b = BUF_INIT;
	ev_status st = buf_printf(out, "@%s{%s,\n", type, key);
	char num[32];

	/* Names: "Family, Given", organisations in braces so that BibTeX
	 * does not take their last word as a family name. */
	for (size_t i = 0; !st && i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];

		if (i)
			st = buf_addstr(&b, " and ");
		if (!st && (a->literal || !a->family)) {
			st = buf_addch(&b, '{');
			if (!st)
				st = add_latex(
					&b, a->literal ? a->literal
						       : (a->given ? a->given
								   : ""));
			if (!st)
				st = buf_addch(&b, '}');
		} else if (!st) {
			st = add_name_part(&b, a->family);
			if (!st && a->given && *a->given) {
				st = buf_addstr(&b, ", ");
				if (!st)
					st = add_name_part(&b, a->given);
			}
		}
	}
	if (!st && b.len)
		st = field(out, "author", buf_str(&b), RAW);
	if (!st)
		st = field(out, "title", rec->title, LATEX);
	if (!st && rec->container_title) {
		const char *name = !strcmp(type, "article")  ? "journal"
				   : !strcmp(type, "online") ? "journal"
							     : "booktitle";

		st = field(out, name, rec->container_title, LATEX);
	}
	if (!st && rec->issued.year > 0) {
		snprintf(num, sizeof(num), "%d", rec->issued.year);
		st = field(out, "year", num, RAW);
		if (!st && rec->issued.month) {
			snprintf(num, sizeof(num), "%d", rec->issued.month);
			st = field(out, "month", num, RAW);
		}
		if (!st && rec->issued.month && rec->issued.day) {
			snprintf(num, sizeof(num), "%04d-%02d-%02d",
				 rec->issued.year, rec->issued.month,
				 rec->issued.day);
			st = field(out, "date", num, RAW);
		}
	}
	if (!st)
		st = field(out, "volume", rec->volume, LATEX);
	if (!st)
		st = field(out, "number", rec->issue, LATEX);
	if (!st && rec->page) {
		buf_reset(&b);
		/* a range takes an en dash, "--" in TeX */
		for (const char *p = rec->page; !st && *p; p++)
			st = *p == '-' ? buf_addstr(&b, "--")
				       : buf_addch(&b, *p);
		if (!st)
			st = field(out, "pages", buf_str(&b), LATEX);
	}
	if (!st)
		st = field(out,
			   !strcmp(type, "techreport")	? "institution"
			   : !strcmp(type, "phdthesis") ? "school"
							: "publisher",
			   rec->publisher, LATEX);
	if (!st)
		st = field(out, "doi", rec->doi, VERBATIM);
	if (!st)
		st = field(out, "pmid", rec->pmid, LATEX);
	if (!st)
		st = field(out, "pmcid", rec->pmcid, LATEX);
	if (!st)
		st = field(out, "url", rec->url, VERBATIM);
	if (!st)
		st = field(out, "langid", rec->language, LATEX);
	/* @article and @online each stand for several CSL types: say
	 * which (biblatex's own words for magazines and newspapers), so
	 * that the type survives a round trip */
	if (!st && rec->type && !strcmp(rec->type, "article-magazine"))
		st = field(out, "entrysubtype", "magazine", RAW);
	else if (!st && rec->type && !strcmp(rec->type, "article-newspaper"))
		st = field(out, "entrysubtype", "newspaper", RAW);
	else if (!st && rec->type &&
		 (!strcmp(rec->type, "post-weblog") ||
		  !strcmp(rec->type, "post")))
		st = field(out, "entrysubtype", rec->type, RAW);
	if (!st && rec->keywords.n) {
		buf_reset(&b);
		for (size_t i = 0; !st && i < rec->keywords.n; i++)
			st = buf_printf(&b, "%s%s", i ? ", " : "",
					rec->keywords.v[i]);
		if (!st)
			st = field(out, "keywords", buf_str(&b), LATEX);
	}
	if (!st)
		st = field(out, "abstract", rec->abstract, LATEX);
	if (!st)
		st = buf_addstr(out, "}\n");
	buf_release(&b);
	return st;
}
