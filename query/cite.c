/* cite.c - the reference writer the styles share, and Vancouver */
#include "config.h"

#include "query/cite-writer.h"
#include "lib/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cite_style_lookup(const char *name)
{
	static const char *const names[] = {"vancouver", "apa", "bibtex",
					    "ris", "csl-json"};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

int cite_markup_lookup(const char *name)
{
	if (!strcmp(name, "text"))
		return CITE_TEXT;
	if (!strcmp(name, "markdown"))
		return CITE_MARKDOWN;
	if (!strcmp(name, "html"))
		return CITE_HTML;
	return -1;
}

int cite_type_is(const struct record *rec, const char *types)
{
	const char *t = rec->type ? rec->type : "article";
	size_t n = strlen(t);

	for (const char *p = types; (p = strstr(p, t)); p += n)
		if ((p == types || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

const char *cite_month_long(int m)
{
	static const char *const names[] = {"January", "February", "March",
					    "April",   "May",	   "June",
					    "July",    "August",   "September",
					    "October", "November", "December"};

	return m >= 1 && m <= 12 ? names[m - 1] : "";
}

const char *cite_month_short(int m)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec"};

	return m >= 1 && m <= 12 ? names[m - 1] : "";
}

void cw_init(struct cite_writer *w, struct buf *out, enum cite_markup m)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->markup = m;
}

/* Append N bytes of S, escaped for the markup. */
static void put(struct cite_writer *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !w->st; i++) {
		char c = s[i];

		if (w->markup == CITE_HTML && strchr("&<>\"", c) && c)
			w->st = buf_addstr(w->out, c == '&'   ? "&amp;"
						   : c == '<' ? "&lt;"
						   : c == '>' ? "&gt;"
							      : "&quot;");
		else if (w->markup == CITE_MARKDOWN && c &&
			 strchr("\\*_[]`<", c))
			w->st = buf_printf(w->out, "\\%c", c);
		else
			w->st = buf_addch(w->out, c);
	}
	if (n) {
		w->last = s[n - 1];
		w->ends_quote = 0;
	}
}

void cw_plain(struct cite_writer *w, const char *s)
{
	if (s)
		put(w, s, strlen(s));
}

void cw_italic(struct cite_writer *w, int on)
{
	const char *m = w->markup == CITE_HTML	     ? (on ? "<i>" : "</i>")
			: w->markup == CITE_MARKDOWN ? "*"
						     : "";

	if (!w->st && *m)
		w->st = buf_addstr(w->out, m);
	/* citeproc moves no punctuation into a quote across the end of
	 * italics */
	if (!on)
		w->ends_quote = 0;
}

void cw_punct(struct cite_writer *w, const char *p)
{
	if (w->st || !*p)
		return;
	if (w->ends_quote && (p[0] == '.' || p[0] == ',')) {
		/* "quoted”" + "." -> "quoted.”", unless the quotation
		 * already ends a sentence */
		char before = w->quote_at ? w->out->ptr[w->quote_at - 1] : 0;
		char *tail;

		if (!(p[0] == '.' && before && strchr(".?!", before))) {
			tail = strdup(w->out->ptr + w->quote_at);
			if (!tail) {
				w->st = EV_NOMEM;
				return;
			}
			w->out->len = w->quote_at;
			w->out->ptr[w->out->len] = '\0';
			w->st = buf_addch(w->out, p[0]);
			if (!w->st)
				w->st = buf_addstr(w->out, tail);
			free(tail);
		}
		p++;
		w->ends_quote = 0;
		w->last = '.';
	} else if ((p[0] == '.' && w->last && strchr(".?!;:", w->last)) ||
		   (p[0] == ':' && w->last && strchr(";:", w->last))) {
		p++;
	}
	put(w, p, strlen(p));
}

ev_status cw_finish(struct cite_writer *w)
{
	while (!w->st && w->out->len && w->out->ptr[w->out->len - 1] == ' ')
		w->out->ptr[--w->out->len] = '\0';
	return w->st;
}

/* --- quotes --------------------------------------------------------- */

enum qmark { Q_NONE, Q_OPEN, Q_CLOSE, Q_APOS };

/* The quote character at S: 1 double, 2 single, 0 none; *LEN its bytes
 * and *CURLY -1 opening curly, 1 closing curly, 0 straight. */
static int quote_at(const char *s, size_t *len, int *curly)
{
	const unsigned char *u = (const unsigned char *)s;

	*len = 1;
	*curly = 0;
	if (*s == '"')
		return 1;
	if (*s == '\'')
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9d &&
	    u[2] != 0x9a && u[2] != 0x9b) {
		*len = 3;
		*curly = (u[2] == 0x98 || u[2] == 0x9c) ? -1 : 1;
		return u[2] >= 0x9c ? 2 - 1 : 2;
	}
	return 0;
}

static int wordch(unsigned char c)
{
	return c >= 0x80 || isalnum(c);
}

void cw_text(struct cite_writer *w, const char *s)
{
	size_t n, i, len, start;
	unsigned char *mark = NULL;
	size_t stack[32];
	int depth[32], kind[32], sp = 0, curly, q;
	int *pair_depth = NULL;

	if (!s || w->st)
		return;
	n = strlen(s);
	mark = calloc(n + 1, 1);
	pair_depth = calloc(n + 1, sizeof(int));
	if (!mark || !pair_depth) {
		w->st = EV_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i += len) {
		unsigned char prev = i ? (unsigned char)s[i - 1] : 0;
		unsigned char next;
		int can_open, can_close;

		q = quote_at(s + i, &len, &curly);
		if (!q)
			continue;
		next = (unsigned char)s[i + len];
		if (q == 2 && wordch(prev) && wordch(next)) {
			mark[i] = Q_APOS;
			continue;
		}
		can_open =
			curly < 0 ||
			(!curly && (!prev || strchr(" ([{-/\u2014", prev)) &&
			 next && next != ' ');
		can_close = curly > 0 ||
			    (!curly && prev && prev != ' ' && !can_open);
		if (can_close && sp && kind[sp - 1] == q) {
			sp--;
			mark[stack[sp]] = Q_OPEN;
			mark[i] = Q_CLOSE;
			pair_depth[stack[sp]] = depth[sp];
			pair_depth[i] = depth[sp];
		} else if (can_open && sp < 32) {
			stack[sp] = i;
			kind[sp] = q;
			depth[sp] = sp;
			sp++;
		} else if (q == 2) {
			mark[i] = Q_APOS;
		}
	}
	/* An unmatched straight single quote is an apostrophe ('tis). */
	while (sp--)
		if (kind[sp] == 2 && s[stack[sp]] == '\'')
			mark[stack[sp]] = Q_APOS;
	for (i = start = 0; i < n; i += len) {
		q = quote_at(s + i, &len, &curly);
		if (!q || mark[i] == Q_NONE) {
			len = 1;
			continue;
		}
		put(w, s + start, i - start);
		start = i + len;
		if (mark[i] == Q_APOS) {
			put(w, "\u2019", 3);
			continue;
		}
		if (mark[i] == Q_OPEN) {
			put(w, pair_depth[i] % 2 ? "\u2018" : "\u201c", 3);
		} else {
			size_t at = w->out->len;

			put(w, pair_depth[i] % 2 ? "\u2019" : "\u201d", 3);
			w->quote_at = at;
			w->ends_quote = 1;
		}
	}
	if (start < n)
		put(w, s + start, n - start);
out:
	free(mark);
	free(pair_depth);
}

/* --- names, pages, case ------------------------------------------------ */

/* Length of the UTF-8 character at S. */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = 1;

	if (c >= 0x80)
		while (s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	return n;
}

/* The case of code point CP: 1 upper, -1 lower, 0 neither (digits,
 * marks, modifier letters); *OTHER its counterpart in the other case,
 * or 0.  Latin (but the irregular parts of Extended-B), Greek and
 * Cyrillic; other scripts count as uncased. */
static int cp_case(unsigned cp, unsigned *other)
{
	*other = 0;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z') {
			*other = cp + 0x20;
			return 1;
		}
		if (cp >= 'a' && cp <= 'z') {
			*other = cp - 0x20;
			return -1;
		}
		return 0;
	}
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) {
		*other = cp + 0x20;
		return 1;
	}
	if (cp >= 0xdf && cp <= 0xff && cp != 0xf7) {
		if (cp == 0xdf)
			return -1;
		*other = cp == 0xff ? 0x178 : cp - 0x20;
		return -1;
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		if (cp == 0x138 || cp == 0x149 || cp == 0x17f)
			return -1;
		if (cp == 0x178) {
			*other = 0xff;
			return 1;
		}
		/* pairs: upper at even code points, but odd in two runs */
		if ((cp >= 0x139 && cp <= 0x148) ||
		    (cp >= 0x179 && cp <= 0x17e)) {
			*other = cp % 2 ? cp + 1 : cp - 1;
			return cp % 2 ? 1 : -1;
		}
		*other = cp % 2 ? cp - 1 : cp + 1;
		return cp % 2 ? -1 : 1;
	}
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f)) {
		*other = cp + 0x20;
		return 1;
	}
	if ((cp >= 0x3b1 && cp <= 0x3c9) || (cp >= 0x430 && cp <= 0x44f)) {
		*other = cp == 0x3c2 ? 0x3a3 : cp - 0x20;
		return -1;
	}
	if (cp >= 0x400 && cp <= 0x40f) {
		*other = cp + 0x50;
		return 1;
	}
	if (cp >= 0x450 && cp <= 0x45f) {
		*other = cp - 0x50;
		return -1;
	}
	/* Latin Extended-B in its regular runs, and Latin Extended
	 * Additional ("Ḥ"): pairs, upper first */
	if ((cp >= 0x1cd && cp <= 0x1dc) || (cp >= 0x1de && cp <= 0x1ef) ||
	    (cp >= 0x1f8 && cp <= 0x21f) || (cp >= 0x222 && cp <= 0x233) ||
	    (cp >= 0x1e00 && cp <= 0x1e95) || (cp >= 0x1ea0 && cp <= 0x1eff)) {
		int up = cp >= 0x1cd && cp <= 0x1dc ? cp % 2 : !(cp % 2);

		*other = up ? cp + 1 : cp - 1;
		return up ? 1 : -1;
	}
	/* Greek with tonos */
	if (cp == 0x386 || (cp >= 0x388 && cp <= 0x38a)) {
		*other = cp == 0x386 ? 0x3ac : cp + 0x25;
		return 1;
	}
	if (cp == 0x38c || cp == 0x38e || cp == 0x38f) {
		*other = cp == 0x38c ? 0x3cc : cp + 0x3f;
		return 1;
	}
	if (cp == 0x3ac || (cp >= 0x3ad && cp <= 0x3af)) {
		*other = cp == 0x3ac ? 0x386 : cp - 0x25;
		return -1;
	}
	if (cp == 0x3cc || cp == 0x3cd || cp == 0x3ce) {
		*other = cp == 0x3cc ? 0x38c : cp - 0x3f;
		return -1;
	}
	return 0;
}

/* The code point at S (an invalid byte counts as itself) and its
 * length in *LEN. */
static unsigned cp_at(const char *s, size_t *len)
{
	unsigned cp;

	*len = utf8_decode(s, strlen(s), &cp);
	if (!*len) {
		*len = 1;
		cp = (unsigned char)*s;
	}
	return cp;
}

/* Append code point CP to B. */
static ev_status buf_add_cp(struct buf *b, unsigned cp)
{
	char u[4];

	return buf_add(b, u, utf8_encode(cp, u));
}

/* 1 when every character of the N bytes at S is a lower-case letter. */
static int all_lower(const char *s, size_t n)
{
	unsigned other;

	for (size_t i = 0, len; i < n; i += len)
		if (cp_case(cp_at(s + i, &len), &other) >= 0)
			return 0;
	return n > 0;
}

/* The number of characters in the N bytes at S. */
static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0, len; i < n; i += len, k++)
		cp_at(s + i, &len);
	return k;
}

/*
 * One piece of a given name, shortened as citeproc (pandoc 2.17) does.
 * An INITIAL (a piece ended by a period, or a single letter) is kept as
 * it is, "Jr." giving "Jr".  A word all in lower case ("de", "heise") is
 * kept whole, between spaces.  Another word gives its first letter when
 * that is a capital ("Anna" -> "A"; "THomas" -> "Th", a capital and a
 * lower-case one when only lower case follows), or a hyphen and its
 * capital for the second part of a hyphenated name ("-Luc" -> "-L", or
 * "L" without hyphens; "-ping" -> nothing); a word starting with
 * anything else ("ʿAlī", "2nd") is kept whole.  What is kept is followed
 * by SEP: "" for Vancouver, ". " for APA.
 */
static ev_status given_piece(struct buf *b, const char *t, size_t n,
			     int initial, int apa)
{
	const char *sep = apa ? ". " : "";
	ev_status st = EV_OK;
	unsigned c, d, other;
	size_t l1, l2;

	if (!n)
		return EV_OK;
	if (initial)
		goto whole;
	if (all_lower(t, n)) {
		st = buf_add(b, " ", apa ? 0 : 1);
		if (!st)
			st = buf_add(b, t, n);
		return st ? st : buf_addch(b, ' ');
	}
	c = cp_at(t, &l1);
	if (c == '-') {
		if (l1 >= n || cp_case(cp_at(t + 1, &l2), &other) <= 0)
			return EV_OK;
		/* "-L" with hyphens (APA), "L" without (Vancouver) */
		st = apa ? buf_add(b, t, 1 + l2) : buf_add(b, t + 1, l2);
		return st ? st : buf_addstr(b, sep);
	}
	if (cp_case(c, &other) <= 0)
		goto whole;
	st = buf_add(b, t, l1);
	if (!st && l1 < n) {
		d = cp_at(t + l1, &l2);
		if (cp_case(d, &other) > 0 && l1 + l2 < n &&
		    all_lower(t + l1 + l2, n - l1 - l2))
			st = buf_add_cp(b, other);
	}
	return st ? st : buf_addstr(b, sep);
whole:
	st = buf_add(b, t, n);
	return st ? st : buf_addstr(b, sep);
}

/* Split the N bytes of GIVEN into pieces for given_piece(): a period
 * ends an initial, a space a word (an initial when it is one character),
 * a hyphen starts a piece of its own. */
static ev_status given_pieces(struct buf *b, const char *given, size_t n,
			      int apa)
{
	size_t start = 0, i = 0, len;
	ev_status st = EV_OK;

	for (; i <= n && !st; i += len) {
		char c = i < n ? given[i] : ' ';

		len = 1;
		if (c == '.') {
			st = given_piece(b, given + start, i - start, 1, apa);
			start = i + 1;
		} else if (c == '-') {
			if (i > start)
				st = given_piece(b, given + start, i - start,
						 0, apa);
			start = i;
		} else if (c == ' ') {
			st = given_piece(b, given + start, i - start,
					 cp_count(given + start,
						  i - start) == 1,
					 apa);
			start = i + 1;
		} else {
			cp_at(given + i, &len);
		}
	}
	return st;
}

void cw_initials(struct cite_writer *w, const char *sep, const char *given,
		 int apa, int suffix)
{
	struct buf b = BUF_INIT;
	const char *comma, *tail = NULL;
	char *s, *d;

	if (w->st || !given)
		return;
	/* as in citeproc-js, what follows a comma is a suffix ("Jr.") */
	comma = strchr(given, ',');
	if (comma) {
		tail = comma + 1;
		while (*tail == ' ')
			tail++;
	}
	w->st = given_pieces(&b, given,
			     comma ? (size_t)(comma - given) : strlen(given),
			     apa);
	if (w->st)
		goto out;
	/* " -" -> "-"; no double, leading or trailing spaces */
	if (b.ptr) {
		for (s = d = b.ptr; *s; s++) {
			if (*s == ' ' && (d == b.ptr || d[-1] == ' ' ||
					  s[1] == '-' || !s[1]))
				continue;
			*d++ = *s;
		}
		while (d > b.ptr && d[-1] == ' ')
			d--;
		if (d > b.ptr) {
			cw_punct(w, sep);
			put(w, b.ptr, (size_t)(d - b.ptr));
			sep = apa ? ", " : " ";
		}
	}
	if (suffix && tail && *tail) {
		size_t n = strlen(tail);

		while (n && tail[n - 1] == ' ')
			n--;
		cw_punct(w, sep);
		put(w, tail, n);
	}
out:
	buf_release(&b);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Write one range, FIRST-LAST, already trimmed. */
static void one_range(struct cite_writer *w, const char *a, size_t na,
		      const char *b, size_t nb, enum page_format f)
{
	size_t np = 0, nx, ny, k;
	char y[64];

	while (np < na && !isdigit((unsigned char)a[np]))
		np++;
	nx = na - np;
	/* Only "prefix+digits" ranges whose second half carries the same
	 * prefix (or none, when there is no prefix) are shortened or
	 * lengthened; anything else is written as given. */
	if (nb < np || memcmp(a, b, np) || !all_digits(a + np, nx) ||
	    !all_digits(b + np, nb - np) || nb - np >= sizeof(y) ||
	    nx >= sizeof(y)) {
		put(w, a, na);
		put(w, "\u2013", 3);
		put(w, b, nb);
		return;
	}
	ny = nb - np;
	/* expand: "321-8" -> "321-328" */
	if (ny < nx) {
		memcpy(y, a + np, nx - ny);
		memcpy(y + nx - ny, b + np, ny);
		ny = nx;
	} else {
		memcpy(y, b + np, ny);
	}
	y[ny] = '\0';
	put(w, a, na);
	put(w, "\u2013", 3);
	if (ny == 0)
		return; /* "-": nothing on either side */
	if (f == PAGES_EXPANDED) {
		put(w, a, np);
		put(w, y, ny);
		return;
	}
	/* minimal: leave out the digits the two share, keeping one */
	for (k = 0; k < nx && k < ny && a[np + k] == y[k]; k++)
		;
	if (k >= ny)
		k = ny - 1;
	put(w, y + k, ny - k);
}

/* Trimmed [S, S+N). */
static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

void cw_pages(struct cite_writer *w, const char *page, enum page_format f)
{
	const char *p = page;

	while (p && *p && !w->st) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *dash = NULL, *q;
		size_t dl = 0, dashes = 0, na, nb;
		const char *a = p, *b;

		for (q = p; q < p + n; q++) {
			size_t l = *q == '-'		      ? 1
				   : !strncmp(q, "\u2013", 3) ? 3
							      : 0;

			if (l) {
				dashes++;
				dash = q;
				dl = l;
				q += l - 1;
			}
		}
		if (dashes == 1) {
			na = (size_t)(dash - p);
			b = dash + dl;
			nb = (size_t)(p + n - b);
			trim(&a, &na);
			trim(&b, &nb);
			one_range(w, a, na, b, nb, f);
		} else {
			na = n;
			trim(&a, &na);
			put(w, a, na);
		}
		if (!end)
			break;
		put(w, ", ", 2);
		p = end + 1;
	}
}

static int stop_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"a",	"an",	"and",	"as",	"at",	"but", "by",
		"down", "for",	"from", "in",	"into", "nor", "of",
		"on",	"onto", "or",	"over", "so",	"the", "till",
		"to",	"up",	"via",	"with", "yet"};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], s, n))
			return 1;
	return 0;
}

/* Whether the character at S belongs to a word: letters and digits,
 * not the punctuation of U+2000..U+206F (curly quotes, dashes). */
static int title_wordch(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80)
		return isalnum(u[0]);
	return !(u[0] == 0xe2 && (u[1] == 0x80 || u[1] == 0x81));
}

void cw_title_case(struct cite_writer *w, const char *s,
		   const struct record *rec)
{
	struct buf t = BUF_INIT;
	const char *lang = rec->language;
	int first = 1;

	if (!s)
		return;
	/* citeproc title-cases only works in English: no language, "en"
	 * or "en-..." (not ISO 639-2's "eng") */
	if (lang && *lang && strcasecmp(lang, "en") &&
	    strncasecmp(lang, "en-", 3)) {
		cw_text(w, s);
		return;
	}
	/*
	 * As citeproc does it: a word (letters, digits, apostrophes; a
	 * hyphen or a slash starts another) is put in lower case with a
	 * capital first unless it is a stop word or a single character;
	 * the first word of the title, and of what follows ".", ":", "?" or
	 * "!", whatever it is.  Words in mixed case, and words all in
	 * capitals, are left alone; "622X" (no lower case, but not all
	 * capitals either) becomes "622x".
	 */
	for (const char *p = s; *p && !w->st;) {
		const char *e = p;
		size_t chars = 0, len;
		int upper = 0, lower = 0, other_ch = 0;
		unsigned cp, other;

		if (!title_wordch(p)) {
			size_t n = utf8_len(p);

			if (strchr(".:?!", *p))
				first = 2; /* once a space follows */
			else if (*p == ' ' && first == 2)
				first = 1;
			else if (first == 2)
				first = 0;
			w->st = buf_add(&t, p, n);
			p += n;
			continue;
		}
		if (first == 2)
			first = 0; /* "a.b": no space after the stop */
		/* an apostrophe inside a word belongs to it ("women's"), one
		 * at its end closes a quotation */
		while (*e &&
		       (title_wordch(e) ||
			(*e == '\'' && title_wordch(e + 1)) ||
			(!strncmp(e, "\u2019", 3) && title_wordch(e + 3)))) {
			int c = cp_case(cp_at(e, &len), &other);

			upper |= c > 0;
			lower |= c < 0;
			other_ch |= c == 0;
			e += len;
			chars++;
		}
		/* mixed case ("iPhone", "2Xy") and all capitals ("NHS") stay;
		 * other words ("622X" too) are lowered, then capitalised */
		if ((upper && lower) || (upper && !other_ch) ||
		    !(first ||
		      (chars > 1 && !stop_word(p, (size_t)(e - p))))) {
			w->st = buf_add(&t, p, (size_t)(e - p));
		} else {
			for (const char *q = p; q < e && !w->st; q += len) {
				cp = cp_at(q, &len);
				if (cp_case(cp, &other) > 0 && q > p)
					cp = other;
				else if (cp_case(cp, &other) < 0 && q == p)
					cp = other ? other : cp;
				w->st = buf_add_cp(&t, cp);
			}
		}
		p = e;
		first = 0;
	}
	cw_text(w, buf_str(&t));
	buf_release(&t);
}

/* The letter U+00C0..U+017F stands for when sorting: accents and case
 * set aside, as the Unicode collation citeproc sorts with does first. */
static const char latin_base[] =
	"aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo/ouuuuyty"
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
	"lllnnnnnnnnnoooooooorrrrrrsssssssstttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* The primary sort weight of CP. */
static unsigned collate_weight(unsigned cp)
{
	unsigned other;

	if (cp >= 0xc0 && cp <= 0x17f)
		return (unsigned char)latin_base[cp - 0xc0];
	if (cp_case(cp, &other) > 0)
		return other;
	return cp;
}

int cw_collate(const char *a, const char *b)
{
	size_t la, lb;

	a = a ? a : "";
	b = b ? b : "";
	while (*a && *b) {
		unsigned x = collate_weight(cp_at(a, &la));
		unsigned y = collate_weight(cp_at(b, &lb));

		if (x != y)
			return x < y ? -1 : 1;
		a += la;
		b += lb;
	}
	return (*a != 0) - (*b != 0);
}

/* --- Vancouver ------------------------------------------------------- */

#define VANCOUVER_MAX_AUTHORS 6

static int has(const char *s)
{
	return s && *s;
}

/* "Pettigrew LM, Kumpunen S, ..., et al" without the final stop. */
static int vancouver_authors(struct cite_writer *w, const struct record *rec)
{
	size_t n = rec->n_authors;

	if (n > VANCOUVER_MAX_AUTHORS)
		n = VANCOUVER_MAX_AUTHORS;
	for (size_t i = 0; i < n; i++) {
		const struct author *a = &rec->authors[i];

		if (i)
			cw_punct(w, ", ");
		if (a->literal || !a->family) {
			cw_text(w, a->literal ? a->literal : a->given);
		} else {
			cw_text(w, a->family);
			cw_initials(w, " ", a->given, 0, 1);
		}
	}
	if (n < rec->n_authors)
		cw_punct(w, ", et al.");
	return n > 0;
}

/* The first piece of a group that follows others after a space. */
static void group_start(struct cite_writer *w, int *any, int *started)
{
	if (*started)
		return;
	if (*any)
		cw_punct(w, " ");
	*any = *started = 1;
}

ev_status cite_vancouver(const struct record *rec, enum cite_markup markup,
			 struct buf *out)
{
	struct cite_writer w;
	int journal = cite_type_is(rec, "article-journal article-magazine "
					"article-newspaper review "
					"review-book");
	int contained = journal || cite_type_is(rec, "chapter "
						     "paper-conference "
						     "entry-dictionary "
						     "entry-encyclopedia");
	int periodical = cite_type_is(rec, "article-journal article-magazine "
					   "review review-book");
	int any = 0, dated, g = 0;
	char num[32];

	cw_init(&w, out, markup);
	/* authors. title [Internet]. */
	if (vancouver_authors(&w, rec))
		any = 1;
	if (has(rec->title)) {
		if (any)
			cw_punct(&w, ". ");
		cw_text(&w, rec->title);
		if (!contained && has(rec->url))
			cw_punct(&w, " [Internet]");
		any = 1;
	}
	if (any)
		cw_punct(&w, ". ");

	/* [In: ]container [Internet]. publisher; date;volume(issue):pages. */
	any = 0;
	if (contained) {
		int marker = cite_type_is(rec, "chapter paper-conference "
					       "entry-dictionary "
					       "entry-encyclopedia");

		if (marker) {
			cw_plain(&w, "In");
			any = 1;
		}
		/* "[Internet]" belongs to the container: no container,
		 * no "[Internet]" */
		if (has(rec->container_title)) {
			char *c = strdup(rec->container_title);

			if (!c) {
				w.st = EV_NOMEM;
				goto out;
			}
			if (marker)
				cw_punct(&w, ": ");
			/* strip-periods */
			for (char *p = c, *d = c;; p++)
				if (*p != '.' && !(*d++ = *p))
					break;
			cw_text(&w, c);
			free(c);
			if (has(rec->url)) {
				cw_punct(&w, " ");
				cw_plain(&w, "[Internet]");
			}
			cw_punct(&w, ".");
			any = 1;
		}
	} else if (cite_type_is(rec, "bill legislation")) {
		/* the code or journal it is in, as written */
		if (has(rec->container_title)) {
			cw_text(&w, rec->container_title);
			any = 1;
		}
	} else if (!cite_type_is(rec, "speech")) {
		int vol = has(rec->volume);

		if (vol) {
			cw_plain(&w, "Vol. ");
			cw_plain(&w, rec->volume);
		}
		if (has(rec->container_title)) {
			if (vol)
				cw_punct(&w, ", ");
			cw_text(&w, rec->container_title);
		}
		if (vol || has(rec->container_title)) {
			cw_punct(&w, ".");
			any = 1;
		}
	}
	/* publishers are left out for articles only */
	if (has(rec->publisher) &&
	    !cite_type_is(rec, "article-journal article-magazine "
			       "article-newspaper")) {
		if (any)
			cw_punct(&w, " ");
		cw_text(&w, rec->publisher);
		cw_punct(&w, ";");
		any = 1;
	}
	dated = rec->issued.year > 0;
	if (dated)
		snprintf(num, sizeof(num), "%d", rec->issued.year);
	/* date, volume(issue) and pages make one group with no delimiter */
	if (journal) {
		if (dated) {
			group_start(&w, &any, &g);
			cw_plain(&w, num);
			if (rec->issued.month) {
				cw_punct(&w, " ");
				cw_plain(&w,
					 cite_month_short(rec->issued.month));
			}
			if (rec->issued.month && rec->issued.day) {
				snprintf(num, sizeof(num), " %d",
					 rec->issued.day);
				cw_plain(&w, num);
			}
			cw_punct(&w, ";");
		}
		if (periodical && has(rec->volume)) {
			group_start(&w, &any, &g);
			cw_plain(&w, rec->volume);
		}
		if (periodical && has(rec->issue)) {
			group_start(&w, &any, &g);
			cw_punct(&w, "(");
			cw_plain(&w, rec->issue);
			cw_punct(&w, ")");
		}
		if (has(rec->page)) {
			group_start(&w, &any, &g);
			cw_punct(&w, ":");
			cw_pages(&w, rec->page, PAGES_MINIMAL);
		}
	} else if (cite_type_is(rec, "bill legislation")) {
		/* "Jan 27, 2023", "Sep, 1998" or "2023" */
		if (dated) {
			group_start(&w, &any, &g);
			if (rec->issued.month) {
				cw_plain(&w,
					 cite_month_short(rec->issued.month));
				if (rec->issued.day) {
					char d[16];

					snprintf(d, sizeof(d), " %d",
						 rec->issued.day);
					cw_plain(&w, d);
				}
				cw_punct(&w, ", ");
			}
			cw_plain(&w, num);
		}
	} else {
		if (dated) {
			group_start(&w, &any, &g);
			cw_plain(&w, num);
			if (cite_type_is(rec, "speech")) {
				/* "2020 Feb 22" */
				if (rec->issued.month) {
					cw_punct(&w, " ");
					cw_plain(&w,
						 cite_month_short(
							 rec->issued.month));
				}
				if (rec->issued.month && rec->issued.day) {
					snprintf(num, sizeof(num), " %d",
						 rec->issued.day);
					cw_plain(&w, num);
				}
			} else if (!cite_type_is(rec, "report")) {
				cw_punct(&w, ".");
			} else if (rec->issued.month) {
				cw_punct(&w, " ");
				cw_plain(&w,
					 cite_month_short(rec->issued.month));
			}
		}
	}
	if (!journal && has(rec->page) && !cite_type_is(rec, "book")) {
		/* " p. 1-5", its space inside the group */
		if (g)
			cw_punct(&w, " ");
		else
			group_start(&w, &any, &g);
		cw_plain(&w, "p. ");
		cw_pages(&w, rec->page, PAGES_MINIMAL);
	}
	if (any)
		cw_punct(&w, ". ");
	if (has(rec->url)) {
		cw_plain(&w, "Available from: ");
		cw_plain(&w, rec->url);
	}
out:
	return cw_finish(&w);
}
