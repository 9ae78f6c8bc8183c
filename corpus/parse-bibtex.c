/* parse-bibtex.c - BibTeX and biblatex databases */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "parse-formats.h"
#include "text.h"

/*
 * A tokenizer, not pattern matching: "@type{key, name = value, ...}" or
 * with parentheses; a value is {braced} (nesting counted, not recursed,
 * so depth costs nothing), "quoted" (braces inside counted), a number or
 * a macro name, joined with "#".  @string defines macros (jan..dec are
 * predefined as the month names), @comment and @preamble are skipped,
 * @set and @xdata are not works, and text outside entries is ignored
 * (a "%" line there too, so that an address in a comment does not open
 * an entry).  A line inside a value whose first non-blank is "%" is a
 * comment and is dropped; a "%" elsewhere is kept (URLs hold %2F).
 *
 * The whole file is read before any record is passed on, because a
 * crossref parent may come after its child (as BibTeX wants it): a
 * child takes each field it lacks from its parent, and the parent's
 * title as its booktitle.  Each entry inherits once, in file order, so a
 * crossref loop cannot hang.
 *
 * Values are LaTeX: accents (\"{o}, {\'e}, \v{c}, \c c), letters (\ss,
 * \o, \ae, \l, \i), escapes (\&, \%, \$, \_), dashes (-- and ---),
 * quotes (`` and ''), ties (~) and protection braces become Unicode text;
 * formatting commands (\emph, \textit, \url) leave their argument, other
 * unknown commands vanish.  Names are split on "and" at brace depth 0 and
 * read in the three BibTeX forms ("First von Last", "von Last, First",
 * "von Last, Jr, First"); a name that is one braced group ("{NHS
 * England}") is an organisation; "others" is dropped.  An abstract also
 * loses HTML tags (PLOS wraps it in <p>).
 *
 * The file must be UTF-8: BibTeX files declare no encoding, so a file in
 * another (the GBK sample) is refused with its line rather than stored
 * as mojibake.  Macro expansion is capped at the payload cap
 * (parse_input's max_size), so "@string{b = a # a}" chains cannot
 * explode; an entry has at most BIB_MAX_FIELDS fields.  Any syntax error
 * fails the whole file with EV_PARSE and its line, before anything is
 * passed on.
 */

#define BIB_MAX_FIELDS 512

struct bib_field {
	char *name;  /* lower case */
	char *value; /* LaTeX, delimiters removed, macros expanded */
};

struct bib_entry {
	char *type; /* lower case */
	char *key;
	size_t line;
	struct bib_field *fields;
	size_t n_fields;
};

/* A string -> index map (open addressing), for macros and keys: a file
 * of 100,000 entries must not cost 100,000 squared. */
struct bib_map {
	char **keys; /* lower case, owned */
	size_t *vals;
	size_t n, size; /* size: a power of two */
};

struct bib_reader {
	struct parser *p;
	const char *data, *s, *end;
	struct bib_entry *entries;
	size_t n_entries, alloc_entries;
	struct bib_map entry_keys;  /* key -> entry */
	struct bib_map macro_names; /* name -> macros[] */
	char **macros;
	size_t n_macros, alloc_macros;
	size_t expanded;     /* bytes of values built, against the cap */
	const char *line_at; /* bib_line()'s last position and its line */
	size_t line;
};

/* --- The map --- */

static uint64_t bib_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) *
		    1099511628211ULL;
	return h;
}

static size_t bib_map_slot(const struct bib_map *m, const char *key)
{
	size_t i = (size_t)bib_hash(key) & (m->size - 1);

	while (m->keys[i] && strcasecmp(m->keys[i], key))
		i = (i + 1) & (m->size - 1);
	return i;
}

/* 1 and *VAL when KEY is there. */
static int bib_map_get(const struct bib_map *m, const char *key, size_t *val)
{
	size_t i;

	if (!m->size)
		return 0;
	i = bib_map_slot(m, key);
	if (!m->keys[i])
		return 0;
	*val = m->vals[i];
	return 1;
}

/* Set KEY to VAL (a later definition wins). */
static ev_status bib_map_put(struct bib_map *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->size) {
		struct bib_map big = {NULL, NULL, 0,
				      m->size ? m->size * 2 : 64};

		big.keys = calloc(big.size, sizeof(*big.keys));
		big.vals = calloc(big.size, sizeof(*big.vals));
		if (!big.keys || !big.vals) {
			free(big.keys);
			free(big.vals);
			return EV_NOMEM;
		}
		for (size_t k = 0; k < m->size; k++)
			if (m->keys[k]) {
				i = bib_map_slot(&big, m->keys[k]);
				big.keys[i] = m->keys[k];
				big.vals[i] = m->vals[k];
			}
		big.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = big;
	}
	i = bib_map_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = strdup(key);
		if (!m->keys[i])
			return EV_NOMEM;
		m->n++;
	}
	m->vals[i] = val;
	return EV_OK;
}

static void bib_map_release(struct bib_map *m)
{
	for (size_t i = 0; i < m->size; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* --- Reading the file --- */

/* The line of AT.  Counted on from the last answer when AT is past it,
 * so that asking at each entry in turn costs one pass over the file. */
static size_t bib_line(struct bib_reader *r, const char *at)
{
	if (!r->line_at || at < r->line_at) {
		r->line_at = r->data;
		r->line = 1;
	}
	for (; r->line_at < at && r->line_at < r->end; r->line_at++)
		r->line += *r->line_at == '\n';
	return r->line;
}

static ev_status bib_fail(struct bib_reader *r, const char *at,
			  const char *what)
{
	return parser_fail(r->p, EV_PARSE, "line %zu: %s", bib_line(r, at),
			   what);
}

static void bib_skip_space(struct bib_reader *r)
{
	while (r->s < r->end && isspace((unsigned char)*r->s))
		r->s++;
}

static int bib_name_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("\"#%'(),={}", c);
}

/* A name (entry type, field, macro) at r->s, lower-cased into *OUT. */
static ev_status bib_read_name(struct bib_reader *r, char **out)
{
	const char *start = r->s;

	while (r->s < r->end && bib_name_char(*r->s))
		r->s++;
	*out = xstrndup(start, (size_t)(r->s - start));
	if (!*out)
		return EV_NOMEM;
	text_ascii_lower(*out);
	return EV_OK;
}

static ev_status bib_add(struct bib_reader *r, struct buf *b, const char *s,
			 size_t len)
{
	r->expanded += len;
	if (r->expanded > r->p->max_size)
		return parser_fail(r->p, EV_TOO_BIG,
				   "line %zu: values over the %zu-byte cap "
				   "(@string macros expanding?)",
				   bib_line(r, r->s), r->p->max_size);
	return buf_add(b, s, len);
}

/* After a newline inside a value: a line whose first non-blank is "%"
 * is a comment; skip it (the newline before it stays). */
static void bib_skip_comment_line(struct bib_reader *r)
{
	const char *q = r->s;

	while (q < r->end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < r->end && *q == '%') {
		const char *nl = memchr(q, '\n', (size_t)(r->end - q));

		r->s = nl ? nl : r->end;
	}
}

/* A {braced} or "quoted" part of a value, delimiters dropped, inner
 * braces kept (names and protection need them). */
static ev_status bib_read_delimited(struct bib_reader *r, struct buf *b)
{
	const char *start = r->s;
	char close = *r->s == '{' ? '}' : '"';
	size_t depth = 0;
	ev_status rc = EV_OK;

	r->s++;
	while (!rc) {
		const char *run = r->s;

		while (r->s < r->end && *r->s != '{' && *r->s != '}' &&
		       *r->s != '"' && *r->s != '\n' && *r->s != '\\')
			r->s++;
		rc = bib_add(r, b, run, (size_t)(r->s - run));
		if (rc)
			break;
		if (r->s >= r->end)
			return bib_fail(
				r, start,
				close == '}' ? "unbalanced braces in a value"
					     : "unterminated quoted value");
		if (*r->s == '\\' && r->s + 1 < r->end) {
			/* An escaped brace or quote is not a delimiter. */
			rc = bib_add(r, b, r->s, 2);
			r->s += 2;
			continue;
		}
		if (*r->s == '\n') {
			rc = bib_add(r, b, "\n", 1);
			r->s++;
			bib_skip_comment_line(r);
			continue;
		}
		if (*r->s == close && depth == 0) {
			r->s++;
			return EV_OK;
		}
		if (*r->s == '{')
			depth++;
		else if (*r->s == '}') {
			if (!depth)
				return bib_fail(r, r->s,
						"a \"}\" closes "
						"nothing in a value");
			depth--;
		}
		rc = bib_add(r, b, r->s, 1);
		r->s++;
	}
	return rc;
}

/* A value: parts joined by "#", into B. */
static ev_status bib_read_value(struct bib_reader *r, struct buf *b)
{
	ev_status rc = EV_OK;

	for (;;) {
		bib_skip_space(r);
		if (r->s >= r->end)
			return bib_fail(r, r->s,
					"a value is missing at the "
					"end of the file");
		if (*r->s == '{' || *r->s == '"') {
			rc = bib_read_delimited(r, b);
		} else if (isdigit((unsigned char)*r->s)) {
			const char *start = r->s;

			while (r->s < r->end && isalnum((unsigned char)*r->s))
				r->s++;
			rc = bib_add(r, b, start, (size_t)(r->s - start));
		} else if (bib_name_char(*r->s)) {
			char *name = NULL;
			size_t m;

			rc = bib_read_name(r, &name);
			/* An undefined macro is empty, as in BibTeX. */
			if (!rc && bib_map_get(&r->macro_names, name, &m))
				rc = bib_add(r, b, r->macros[m],
					     strlen(r->macros[m]));
			free(name);
		} else {
			return bib_fail(r, r->s,
					"expected a value: {text}, "
					"\"text\", a number or a "
					"macro");
		}
		if (rc)
			return rc;
		bib_skip_space(r);
		if (r->s < r->end && *r->s == '#') {
			r->s++;
			continue;
		}
		return EV_OK;
	}
}

/* Skip a balanced block at r->s ("{...}" or "(...)"). */
static ev_status bib_skip_block(struct bib_reader *r)
{
	const char *start = r->s;
	char open = *r->s, close = open == '{' ? '}' : ')';
	size_t depth = 0;

	for (; r->s < r->end; r->s++) {
		if (*r->s == open)
			depth++;
		else if (*r->s == close && --depth == 0) {
			r->s++;
			return EV_OK;
		}
	}
	return bib_fail(r, start,
			"unbalanced braces in @comment or "
			"@preamble");
}

static ev_status bib_define(struct bib_reader *r, char close)
{
	struct buf v = BUF_INIT;
	char *name = NULL;
	const char *at = r->s;
	ev_status rc;

	bib_skip_space(r);
	rc = bib_read_name(r, &name);
	if (!rc && !*name)
		rc = bib_fail(r, at, "@string without a name");
	bib_skip_space(r);
	if (!rc && (r->s >= r->end || *r->s != '='))
		rc = bib_fail(r, r->s, "expected \"=\" in @string");
	if (!rc) {
		r->s++;
		rc = bib_read_value(r, &v);
	}
	bib_skip_space(r);
	if (!rc && (r->s >= r->end || *r->s != close))
		rc = bib_fail(r, r->s, "@string not closed");
	if (!rc) {
		r->s++;
		if (r->n_macros == r->alloc_macros) {
			size_t alloc =
				r->alloc_macros ? r->alloc_macros * 2 : 32;
			char **m = realloc(r->macros, alloc * sizeof(*m));

			if (!m)
				rc = EV_NOMEM;
			else {
				r->macros = m;
				r->alloc_macros = alloc;
			}
		}
	}
	if (!rc) {
		r->macros[r->n_macros] = buf_detach(&v);
		if (!r->macros[r->n_macros])
			rc = EV_NOMEM;
		else
			rc = bib_map_put(&r->macro_names, name, r->n_macros++);
	}
	free(name);
	buf_release(&v);
	return rc;
}

static ev_status bib_add_field(struct bib_entry *e, char *name, char *value)
{
	struct bib_field *f =
		realloc(e->fields, (e->n_fields + 1) * sizeof(*f));

	if (!f)
		return EV_NOMEM;
	e->fields = f;
	f[e->n_fields].name = name;
	f[e->n_fields].value = value;
	e->n_fields++;
	return EV_OK;
}

static void bib_entry_release(struct bib_entry *e)
{
	for (size_t i = 0; i < e->n_fields; i++) {
		free(e->fields[i].name);
		free(e->fields[i].value);
	}
	free(e->fields);
	free(e->type);
	free(e->key);
}

/* The fields of an entry, after its "{" or "(". */
static ev_status bib_read_fields(struct bib_reader *r, struct bib_entry *e,
				 char close)
{
	ev_status rc = EV_OK;

	while (!rc) {
		char *name = NULL;
		struct buf v = BUF_INIT;

		bib_skip_space(r);
		if (r->s >= r->end)
			return parser_fail(r->p, EV_PARSE,
					   "line %zu: entry '%s' is not "
					   "closed",
					   e->line, e->key);
		if (*r->s == close) {
			r->s++;
			return EV_OK;
		}
		if (*r->s == ',') {
			r->s++;
			continue;
		}
		rc = bib_read_name(r, &name);
		if (!rc && !*name)
			rc = bib_fail(r, r->s, "expected a field name");
		if (!rc) {
			bib_skip_space(r);
			if (r->s >= r->end || *r->s != '=')
				rc = bib_fail(r, r->s,
					      "expected \"=\" after a field "
					      "name");
		}
		if (!rc && e->n_fields >= BIB_MAX_FIELDS)
			rc = parser_fail(r->p, EV_TOO_BIG,
					 "line %zu: entry with over %d "
					 "fields",
					 e->line, BIB_MAX_FIELDS);
		if (!rc) {
			r->s++;
			rc = bib_read_value(r, &v);
		}
		if (!rc) {
			char *value = buf_detach(&v);

			rc = value ? bib_add_field(e, name, value) : EV_NOMEM;
			if (rc)
				free(value);
			else
				name = NULL;
		}
		free(name);
		buf_release(&v);
	}
	return rc;
}

static ev_status bib_read_entry(struct bib_reader *r, char *type, char close)
{
	struct bib_entry e = {type, NULL, bib_line(r, r->s), NULL, 0};
	const char *start;
	ev_status rc = EV_OK;

	bib_skip_space(r);
	start = r->s;
	while (r->s < r->end && *r->s != ',' && *r->s != close &&
	       !isspace((unsigned char)*r->s) && *r->s != '=')
		r->s++;
	if (r->s < r->end && *r->s == '=') {
		r->s = start; /* no key: the first field starts here */
		e.key = strdup("");
	} else {
		e.key = xstrndup(start, (size_t)(r->s - start));
	}
	if (!e.key)
		rc = EV_NOMEM;
	if (!rc)
		rc = bib_read_fields(r, &e, close);
	if (!rc && r->n_entries == r->alloc_entries) {
		size_t alloc = r->alloc_entries ? r->alloc_entries * 2 : 32;
		struct bib_entry *n = realloc(r->entries, alloc * sizeof(*n));

		if (!n)
			rc = EV_NOMEM;
		else {
			r->entries = n;
			r->alloc_entries = alloc;
		}
	}
	if (!rc && *e.key) {
		size_t old;

		/* The first of two entries with one key is the one a
		 * crossref finds, as in BibTeX. */
		if (!bib_map_get(&r->entry_keys, e.key, &old))
			rc = bib_map_put(&r->entry_keys, e.key, r->n_entries);
	}
	if (rc) {
		bib_entry_release(&e);
		return rc;
	}
	r->entries[r->n_entries++] = e;
	return EV_OK;
}

static ev_status bib_read(struct bib_reader *r)
{
	static const char *const months[] = {
		"jan", "January", "feb", "February", "mar", "March",
		"apr", "April",	  "may", "May",	     "jun", "June",
		"jul", "July",	  "aug", "August",   "sep", "September",
		"oct", "October", "nov", "November", "dec", "December",
	};
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < 24; i += 2) {
		struct buf b = BUF_INIT;

		if (r->n_macros == r->alloc_macros) {
			char **m = realloc(r->macros, 64 * sizeof(*m));

			if (!m)
				return EV_NOMEM;
			r->macros = m;
			r->alloc_macros = 64;
		}
		rc = buf_addstr(&b, months[i + 1]);
		r->macros[r->n_macros] = rc ? NULL : buf_detach(&b);
		if (!rc && !r->macros[r->n_macros])
			rc = EV_NOMEM;
		if (!rc)
			rc = bib_map_put(&r->macro_names, months[i],
					 r->n_macros++);
		buf_release(&b);
	}
	while (!rc && r->s < r->end) {
		char *type = NULL;
		char close;

		if (*r->s == '%') {
			const char *nl =
				memchr(r->s, '\n', (size_t)(r->end - r->s));

			r->s = nl ? nl + 1 : r->end;
			continue;
		}
		if (*r->s != '@') {
			r->s++;
			continue;
		}
		r->s++;
		bib_skip_space(r);
		rc = bib_read_name(r, &type);
		if (rc)
			break;
		bib_skip_space(r);
		if (!*type || r->s >= r->end ||
		    (*r->s != '{' && *r->s != '(')) {
			free(type); /* an "@" in free text */
			continue;
		}
		close = *r->s == '{' ? '}' : ')';
		if (!strcmp(type, "comment") || !strcmp(type, "preamble")) {
			free(type);
			rc = bib_skip_block(r);
		} else if (!strcmp(type, "string")) {
			free(type);
			r->s++;
			rc = bib_define(r, close);
		} else {
			r->s++;
			rc = bib_read_entry(r, type, close);
		}
	}
	if (rc == EV_NOMEM)
		rc = parser_fail(r->p, rc, "out of memory");
	return rc;
}

/* --- LaTeX to Unicode --- */

/* Accented letters: for each accent command, the letters it takes and
 * the code points they become. */
static const struct {
	char accent;
	const char *letters;
	unsigned short cps[24];
	unsigned short combining;
} accents[] = {
	{'`',
	 "AEIOUaeiou",
	 {0xc0, 0xc8, 0xcc, 0xd2, 0xd9, 0xe0, 0xe8, 0xec, 0xf2, 0xf9},
	 0x300},
	{'\'',
	 "AEIOUYaeiouyCcNnSsZzLlRr",
	 {0xc1,	 0xc9,	0xcd,  0xd3,  0xda,  0xdd,  0xe1,  0xe9,
	  0xed,	 0xf3,	0xfa,  0xfd,  0x106, 0x107, 0x143, 0x144,
	  0x15a, 0x15b, 0x179, 0x17a, 0x139, 0x13a, 0x154, 0x155},
	 0x301},
	{'^',
	 "AEIOUaeiouCcGgHhJjSsWwYy",
	 {0xc2,	 0xca,	0xce,  0xd4,  0xdb,  0xe2,  0xea,  0xee,
	  0xf4,	 0xfb,	0x108, 0x109, 0x11c, 0x11d, 0x124, 0x125,
	  0x134, 0x135, 0x15c, 0x15d, 0x174, 0x175, 0x176, 0x177},
	 0x302},
	{'~',
	 "ANOanoIiUu",
	 {0xc3, 0xd1, 0xd5, 0xe3, 0xf1, 0xf5, 0x128, 0x129, 0x168, 0x169},
	 0x303},
	{'"',
	 "AEIOUaeiouyY",
	 {0xc4, 0xcb, 0xcf, 0xd6, 0xdc, 0xe4, 0xeb, 0xef, 0xf6, 0xfc, 0xff,
	  0x178},
	 0x308},
	{'r', "AaUu", {0xc5, 0xe5, 0x16e, 0x16f}, 0x30a},
	{'c',
	 "CcSsTtGgKkLlNnRr",
	 {0xc7, 0xe7, 0x15e, 0x15f, 0x162, 0x163, 0x122, 0x123, 0x136, 0x137,
	  0x13b, 0x13c, 0x145, 0x146, 0x156, 0x157},
	 0x327},
	{'v',
	 "CcDdEeNnRrSsTtZz",
	 {0x10c, 0x10d, 0x10e, 0x10f, 0x11a, 0x11b, 0x147, 0x148, 0x158, 0x159,
	  0x160, 0x161, 0x164, 0x165, 0x17d, 0x17e},
	 0x30c},
	{'u',
	 "AaGgUuEeIiOo",
	 {0x102, 0x103, 0x11e, 0x11f, 0x16c, 0x16d, 0x114, 0x115, 0x12c, 0x12d,
	  0x14e, 0x14f},
	 0x306},
	{'=',
	 "AaEeIiOoUu",
	 {0x100, 0x101, 0x112, 0x113, 0x12a, 0x12b, 0x14c, 0x14d, 0x16a,
	  0x16b},
	 0x304},
	{'.',
	 "CcEeGgIZz",
	 {0x10a, 0x10b, 0x116, 0x117, 0x120, 0x121, 0x130, 0x17b, 0x17c},
	 0x307},
	{'H', "OoUu", {0x150, 0x151, 0x170, 0x171}, 0x30b},
	{'k',
	 "AaEeIiUu",
	 {0x104, 0x105, 0x118, 0x119, 0x12e, 0x12f, 0x172, 0x173},
	 0x328},
	{'d', "", {0}, 0x323},
	{'b', "", {0}, 0x331},
	{'t', "", {0}, 0x361},
};

/* Commands that stand for a character or string. */
static const struct {
	const char *name, *text;
} symbols[] = {
	{"ss", "\xc3\x9f"},
	{"o", "\xc3\xb8"},
	{"O", "\xc3\x98"},
	{"ae", "\xc3\xa6"},
	{"AE", "\xc3\x86"},
	{"oe", "\xc5\x93"},
	{"OE", "\xc5\x92"},
	{"aa", "\xc3\xa5"},
	{"AA", "\xc3\x85"},
	{"l", "\xc5\x82"},
	{"L", "\xc5\x81"},
	{"i", "\xc4\xb1"},
	{"j", "\xc8\xb7"},
	{"dh", "\xc3\xb0"},
	{"DH", "\xc3\x90"},
	{"th", "\xc3\xbe"},
	{"TH", "\xc3\x9e"},
	{"ng", "\xc5\x8b"},
	{"NG", "\xc5\x8a"},
	{"textendash", "\xe2\x80\x93"},
	{"textemdash", "\xe2\x80\x94"},
	{"ldots", "\xe2\x80\xa6"},
	{"dots", "\xe2\x80\xa6"},
	{"textellipsis", "\xe2\x80\xa6"},
	{"textquoteleft", "\xe2\x80\x98"},
	{"textquoteright", "\xe2\x80\x99"},
	{"textquotedblleft", "\xe2\x80\x9c"},
	{"textquotedblright", "\xe2\x80\x9d"},
	{"guillemotleft", "\xc2\xab"},
	{"guillemotright", "\xc2\xbb"},
	{"textregistered", "\xc2\xae"},
	{"texttrademark", "\xe2\x84\xa2"},
	{"copyright", "\xc2\xa9"},
	{"textcopyright", "\xc2\xa9"},
	{"pounds", "\xc2\xa3"},
	{"textsterling", "\xc2\xa3"},
	{"euro", "\xe2\x82\xac"},
	{"texteuro", "\xe2\x82\xac"},
	{"S", "\xc2\xa7"},
	{"P", "\xc2\xb6"},
	{"dag", "\xe2\x80\xa0"},
	{"ddag", "\xe2\x80\xa1"},
	{"textdegree", "\xc2\xb0"},
	{"textbackslash", "\\"},
	{"slash", "/"},
	{"hyphen", "-"},
	{"textasciicircum", "^"},
	{"textbar", "|"},
	{"textless", "<"},
	{"textgreater", ">"},
	{"textbraceleft", "{"},
	{"textbraceright", "}"},
	{"textdollar", "$"},
	{"textasciitilde", "~"},
	{"textunderscore", "_"},
	{"alpha", "\xce\xb1"},
	{"beta", "\xce\xb2"},
	{"gamma", "\xce\xb3"},
	{"delta", "\xce\xb4"},
	{"epsilon", "\xce\xb5"},
	{"kappa", "\xce\xba"},
	{"lambda", "\xce\xbb"},
	{"mu", "\xce\xbc"},
	{"pi", "\xcf\x80"},
	{"sigma", "\xcf\x83"},
	{"tau", "\xcf\x84"},
	{"chi", "\xcf\x87"},
	{"omega", "\xcf\x89"},
	{"theta", "\xce\xb8"},
	{"pm", "\xc2\xb1"},
	{"times", "\xc3\x97"},
	{"le", "\xe2\x89\xa4"},
	{"leq", "\xe2\x89\xa4"},
	{"ge", "\xe2\x89\xa5"},
	{"geq", "\xe2\x89\xa5"},
	{"infty", "\xe2\x88\x9e"},
	{"quad", " "},
	{"qquad", " "},
	{"LaTeX", "LaTeX"},
	{"TeX", "TeX"},
	/* One-character commands. */
	{"&", "&"},
	{"%", "%"},
	{"$", "$"},
	{"#", "#"},
	{"_", "_"},
	{"{", "{"},
	{"}", "}"},
	{" ", " "},
	{",", " "},
	{";", " "},
	{"\\", " "},
	{"/", ""},
	{"-", ""},
	{"@", ""},
};

static ev_status add_cp(struct buf *b, unsigned cp)
{
	char enc[4];

	return buf_add(b, enc, utf8_encode(cp, enc));
}

/* The letter an accent applies to, at *S: "o", "{o}", "{\i}", "\i". */
static ev_status latex_accent(const char **sp, char accent, struct buf *out)
{
	const char *s = *sp;
	char base = 0;
	int braced = 0;
	ev_status rc = EV_OK;
	size_t a;

	while (*s == ' ')
		s++;
	if (*s == '{') {
		braced = 1;
		s++;
	}
	if (*s == '\\' && (s[1] == 'i' || s[1] == 'j') &&
	    !isalpha((unsigned char)s[2])) {
		base = s[1];
		s += 2;
	} else if (*s && *s != '}' && (unsigned char)*s < 0x80) {
		base = *s++;
	}
	if (braced) {
		/* The rest of the group ("\c{cc}" is rare) is kept. */
		while (*s && *s != '}')
			s++;
		if (*s == '}')
			s++;
	}
	*sp = s;
	for (a = 0; a < sizeof(accents) / sizeof(*accents); a++)
		if (accents[a].accent == accent)
			break;
	if (!base) {
		/* "\^{}" is the accent itself. */
		return accent == '~' || accent == '^' || accent == '\''
			       ? buf_addch(out, accent)
			       : EV_OK;
	}
	if (a < sizeof(accents) / sizeof(*accents)) {
		const char *hit = strchr(accents[a].letters, base);

		if (hit && *hit)
			return add_cp(
				out, accents[a].cps[hit - accents[a].letters]);
		rc = buf_addch(out, base);
		if (!rc)
			rc = add_cp(out, accents[a].combining);
		return rc;
	}
	return buf_addch(out, base);
}

static int is_accent_command(const char *name, size_t len)
{
	return len == 1 && strchr("`'^\"~=.uvHckrdbt", *name);
}

/* LaTeX in S to UTF-8 text, appended to OUT. */
static ev_status latex_to_text(const char *s, struct buf *out)
{
	ev_status rc = EV_OK;

	while (*s && !rc) {
		const char *name;
		size_t len;

		switch (*s) {
		case '\\':
			name = ++s;
			if (isalpha((unsigned char)*s))
				while (isalpha((unsigned char)*s))
					s++;
			else if (*s)
				s++;
			len = (size_t)(s - name);
			if (!len)
				break;
			/* \"o, \'{e}; a letter accent wants its argument
			 * braced or after a space (\v{c}, \c c). */
			if (is_accent_command(name, len) &&
			    (!isalpha((unsigned char)*name) || *s == '{' ||
			     *s == ' ')) {
				rc = latex_accent(&s, *name, out);
				break;
			}
			if (isalpha((unsigned char)*name))
				while (*s == ' ')
					s++; /* TeX eats them */
			for (size_t i = 0;
			     i < sizeof(symbols) / sizeof(*symbols); i++)
				if (strlen(symbols[i].name) == len &&
				    !strncmp(symbols[i].name, name, len)) {
					rc = buf_addstr(out, symbols[i].text);
					break;
				}
			/* Other commands vanish; their {arguments} stay
			 * as text. */
			break;
		case '{':
		case '}':
		case '$':
			s++;
			break;
		case '~':
			rc = buf_addch(out, ' ');
			s++;
			break;
		case '-':
			if (!strncmp(s, "---", 3)) {
				rc = buf_addstr(out, "\xe2\x80\x94");
				s += 3;
			} else if (!strncmp(s, "--", 2)) {
				rc = buf_addstr(out, "\xe2\x80\x93");
				s += 2;
			} else {
				rc = buf_addch(out, *s++);
			}
			break;
		case '`':
			if (s[1] == '`') {
				rc = buf_addstr(out, "\xe2\x80\x9c");
				s += 2;
			} else {
				rc = buf_addstr(out, "\xe2\x80\x98");
				s++;
			}
			break;
		case '\'':
			if (s[1] == '\'') {
				rc = buf_addstr(out, "\xe2\x80\x9d");
				s += 2;
			} else {
				rc = buf_addch(out, *s++);
			}
			break;
		default:
			len = strcspn(s, "\\{}$~-`'");
			rc = buf_add(out, s, len);
			s += len;
		}
	}
	return rc;
}

/* A malloc'd text version of the LEN bytes of LaTeX at S. */
static char *latex_text(const char *s, size_t len)
{
	char *copy = xstrndup(s, len);
	struct buf b = BUF_INIT;
	char *t;

	if (!copy)
		return NULL;
	if (latex_to_text(copy, &b)) {
		buf_release(&b);
		free(copy);
		return NULL;
	}
	free(copy);
	t = buf_detach(&b);
	if (t)
		text_collapse_space(t);
	return t;
}

/* --- Names --- */

/* Whether the word of LEN bytes at W starts with a lower-case letter, as
 * BibTeX decides it for "von" parts: braces make a word caseless, except
 * a group opening with a command ({\"o}), which takes the case of its
 * letter. */
static int word_is_lower(const char *w, size_t len)
{
	const char *end = w + len;

	if (*w == '{') {
		if (len < 2 || w[1] != '\\')
			return 0;
		w += 2;
		while (w < end && isalpha((unsigned char)*w) &&
		       isalpha((unsigned char)w[1]))
			w++; /* a control word */
		if (w < end && !isalpha((unsigned char)*w))
			w++;
	}
	while (w < end && !isalpha((unsigned char)*w) &&
	       (unsigned char)*w < 0x80)
		w++;
	return w < end && islower((unsigned char)*w);
}

/* Split the LEN bytes at S at depth-0 occurrences of SEP (',' or ' '),
 * recording up to MAX pieces; returns how many there are. */
static size_t split_depth0(const char *s, size_t len, char sep,
			   const char **piece, size_t *plen, size_t max)
{
	size_t n = 0, depth = 0, i = 0, start = 0;

	for (; i <= len; i++) {
		char c = i < len ? s[i] : sep;
		int at_sep = sep != ' '
				     ? c == sep
				     : i == len || isspace((unsigned char)c) ||
					       c == '~';

		if (i < len && c == '{')
			depth++;
		else if (i < len && c == '}' && depth)
			depth--;
		if (at_sep && (depth == 0 || i == len)) {
			size_t a = start, b = i;

			while (a < b && isspace((unsigned char)s[a]))
				a++;
			while (b > a && isspace((unsigned char)s[b - 1]))
				b--;
			if (b > a || sep == ',') {
				if (n < max) {
					piece[n] = s + a;
					plen[n] = b - a;
				}
				n++;
			}
			start = i + 1;
		}
	}
	return n;
}

/* One BibTeX name, LEN bytes of LaTeX at S. */
static ev_status bib_add_name(struct record *rec, const char *s, size_t len)
{
	const char *part[3], *word[64];
	size_t plen[3], wlen[64], n_parts, n_words;
	char *family = NULL, *given = NULL, *suffix = NULL;
	ev_status rc = EV_OK;

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || (len == 6 && !strncasecmp(s, "others", 6)))
		return EV_OK;
	/* "{NHS England}": one group, an organisation. */
	if (*s == '{' && s[len - 1] == '}') {
		size_t depth = 0, i;

		for (i = 0; i < len; i++) {
			depth += s[i] == '{';
			depth -= s[i] == '}';
			if (!depth)
				break;
		}
		if (i == len - 1) {
			char *lit = latex_text(s, len);

			rc = lit ? record_add_author(rec, NULL, NULL, lit)
				 : EV_NOMEM;
			free(lit);
			return rc;
		}
	}
	n_parts = split_depth0(s, len, ',', part, plen, 3);
	if (n_parts >= 2) {
		/* "von Last, First" or "von Last, Jr, First". */
		family = latex_text(part[0], plen[0]);
		given = latex_text(part[n_parts >= 3 ? 2 : 1],
				   plen[n_parts >= 3 ? 2 : 1]);
		if (n_parts >= 3)
			suffix = latex_text(part[1], plen[1]);
		if (!family || !given || (n_parts >= 3 && !suffix))
			rc = EV_NOMEM;
	} else {
		/* "First von Last": von runs from the first lower-case
		 * word to the last one before the final word. */
		size_t last, first_end;

		n_words = split_depth0(s, len, ' ', word, wlen, 64);
		if (n_words > 64)
			n_words = 64;
		last = n_words - 1;
		first_end = last;
		for (size_t i = 0; i < last; i++)
			if (word_is_lower(word[i], wlen[i])) {
				first_end = i;
				break;
			}
		family = latex_text(
			word[first_end],
			(size_t)(word[last] + wlen[last] - word[first_end]));
		if (first_end > 0)
			given = latex_text(word[0],
					   (size_t)(word[first_end - 1] +
						    wlen[first_end - 1] -
						    word[0]));
		if (!family || (first_end > 0 && !given))
			rc = EV_NOMEM;
	}
	if (!rc && family && *family)
		rc = author_add_parts(rec, family,
				      given && *given ? given : NULL,
				      suffix && *suffix ? suffix : NULL);
	else if (!rc && given && *given)
		rc = record_add_author(rec, NULL, NULL, given);
	free(family);
	free(given);
	free(suffix);
	return rc;
}

/* Split a name list on "and" at brace depth 0. */
static ev_status bib_add_names(struct record *rec, const char *list)
{
	size_t depth = 0, start = 0, i;
	ev_status rc = EV_OK;

	for (i = 0; list[i] && !rc && rec->n_authors < TAGGED_MAX_AUTHORS;
	     i++) {
		if (list[i] == '{')
			depth++;
		else if (list[i] == '}' && depth)
			depth--;
		else if (!depth && isspace((unsigned char)list[i]) &&
			 !strncasecmp(list + i + 1, "and", 3) &&
			 isspace((unsigned char)list[i + 4])) {
			rc = bib_add_name(rec, list + start, i - start);
			start = i + 4;
			i += 3;
		}
	}
	if (!rc && rec->n_authors < TAGGED_MAX_AUTHORS)
		rc = bib_add_name(rec, list + start, strlen(list + start));
	return rc;
}

/* --- Entries to records --- */

static const char *bib_get(const struct bib_entry *e, const char *name)
{
	for (size_t i = 0; i < e->n_fields; i++)
		if (!strcmp(e->fields[i].name, name))
			return e->fields[i].value;
	return NULL;
}

/* NULL: not a work (@set, @xdata). */
static const char *bib_csl_type(const char *type)
{
	static const char *const types[][2] = {
		{"article", "article-journal"},
		{"book", "book"},
		{"mvbook", "book"},
		{"booklet", "book"},
		{"collection", "book"},
		{"mvcollection", "book"},
		{"proceedings", "book"},
		{"mvproceedings", "book"},
		{"reference", "book"},
		{"mvreference", "book"},
		{"inbook", "chapter"},
		{"bookinbook", "chapter"},
		{"suppbook", "chapter"},
		{"incollection", "chapter"},
		{"suppcollection", "chapter"},
		{"inreference", "chapter"},
		{"inproceedings", "paper-conference"},
		{"conference", "paper-conference"},
		{"techreport", "report"},
		{"report", "report"},
		{"manual", "report"},
		{"phdthesis", "thesis"},
		{"mastersthesis", "thesis"},
		{"thesis", "thesis"},
		{"online", "webpage"},
		{"electronic", "webpage"},
		{"www", "webpage"},
		{"webpage", "webpage"},
		{"unpublished", "manuscript"},
		{"patent", "patent"},
		{"periodical", "periodical"},
		{"dataset", "dataset"},
		{"software", "software"},
		{"standard", "standard"},
		{"misc", "document"},
		{"set", NULL},
		{"xdata", NULL},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(type, types[i][0]))
			return types[i][1];
	return "document";
}

/* *FIELD, when unset, from the LaTeX VALUE (with ": SUB" after it). */
static ev_status set_latex(char **field, const char *value, const char *sub)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;
	char *t;

	if (*field || !value)
		return EV_OK;
	rc = latex_to_text(value, &b);
	if (!rc && sub && *sub) {
		rc = buf_addstr(&b, ": ");
		if (!rc)
			rc = latex_to_text(sub, &b);
	}
	t = rc ? NULL : buf_detach(&b);
	buf_release(&b);
	if (rc || !t)
		return EV_NOMEM;
	text_collapse_space(t);
	if (*t)
		*field = t;
	else
		free(t);
	return EV_OK;
}

/* *FIELD, when unset, from a value that is not text but an identifier
 * or URL (verbatim in biblatex): braces dropped and "\_", "\%", "\&",
 * "\#", "\~" unescaped, and nothing else touched, so that "--" and "~"
 * in a DOI or URL stay as they are. */
static ev_status set_verbatim(char **field, const char *value)
{
	char *t, *o;

	if (*field || !value)
		return EV_OK;
	t = strdup(value);
	if (!t)
		return EV_NOMEM;
	o = t;
	for (const char *c = value; *c; c++) {
		if (*c == '{' || *c == '}')
			continue;
		if (*c == '\\' && c[1] && !isalpha((unsigned char)c[1]))
			c++;
		*o++ = *c;
	}
	*o = '\0';
	text_collapse_space(t);
	if (*t)
		*field = t;
	else
		free(t);
	return EV_OK;
}

/* The URL in VALUE (verbatim; with IN_TEXT, the first \url{...} or
 * http(s) address in it, as @misc entries put them in howpublished or
 * note): REC's URL when unset, and its DOI, PMID or PMCID when it is a
 * resolver's or PubMed's. */
static ev_status bib_url(struct record *rec, const char *value, int in_text)
{
	const char *u = value;
	char *url = NULL, *clean = NULL;
	ev_status rc;

	if (!value)
		return EV_OK;
	if (in_text) {
		const char *cmd = strstr(value, "\\url{");
		const char *http = strstr(value, "http://");
		const char *https = strstr(value, "https://");

		u = cmd ? cmd + 5 : https ? https : http;
		if (!u)
			return EV_OK;
		url = cmd ? xstrndup(u, strcspn(u, "}"))
			  : xstrndup(u, strcspn(u, " \t\n{}"));
		if (!url)
			return EV_NOMEM;
		u = url;
	}
	rc = set_verbatim(&clean, u);
	if (!rc && str_is_http_url(clean))
		rc = set_if_unset(&rec->url, clean);
	if (!rc && clean)
		rc = tagged_find_ids(rec, clean, 0);
	free(clean);
	free(url);
	return rc;
}

/* "<p>The advent &amp; ...</p>" -> "The advent & ...", in place. */
static void strip_html(char *s)
{
	static const char *const entities[][2] = {
		{"&amp;", "&"},	  {"&lt;", "<"},  {"&gt;", ">"},
		{"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"},
		{"&nbsp;", " "},
	};
	char *in = s, *out = s;

	while (*in) {
		if (*in == '<' &&
		    (isalpha((unsigned char)in[1]) ||
		     (in[1] == '/' && isalpha((unsigned char)in[2])))) {
			char *close = strchr(in, '>');
			char *reopen = strchr(in + 1, '<');

			if (close && (!reopen || close < reopen)) {
				*out++ = ' ';
				in = close + 1;
				continue;
			}
		}
		if (*in == '&') {
			size_t i;

			for (i = 0; i < sizeof(entities) / sizeof(*entities);
			     i++)
				if (!strncmp(in, entities[i][0],
					     strlen(entities[i][0])))
					break;
			if (i < sizeof(entities) / sizeof(*entities)) {
				*out++ = entities[i][1][0];
				in += strlen(entities[i][0]);
				continue;
			}
		}
		*out++ = *in++;
	}
	*out = '\0';
}

static ev_status bib_keywords(struct record *rec, const char *list)
{
	char *t = latex_text(list, strlen(list));
	ev_status rc = EV_OK;

	if (!t)
		return EV_NOMEM;
	for (char *k = strtok(t, ",;"); k && !rc; k = strtok(NULL, ",;")) {
		str_trim(k);
		if (*k)
			rc = tagged_add_term(&rec->keywords, k);
	}
	free(t);
	return rc;
}

/* Pages "431--456, 791--823" -> "431-456, 791-823"; "100--" -> "100". */
static ev_status bib_pages(struct record *rec, const char *pages)
{
	struct buf b = BUF_INIT;
	char *t;
	ev_status rc = EV_OK;

	if (!pages || rec->page)
		return EV_OK;
	t = latex_text(pages, strlen(pages));
	if (!t)
		return EV_NOMEM;
	for (const char *c = t; *c && !rc; c++) {
		/* The en and em dashes "--" and "---" became. */
		if (!strncmp(c, "\xe2\x80\x93", 3) ||
		    !strncmp(c, "\xe2\x80\x94", 3)) {
			c += 2;
			rc = buf_addch(&b, '-');
		} else {
			rc = buf_addch(&b, *c);
		}
	}
	while (!rc && b.len &&
	       (b.ptr[b.len - 1] == '-' || b.ptr[b.len - 1] == ' '))
		b.ptr[--b.len] = '\0';
	if (!rc && b.len)
		rc = record_set_pages(rec, buf_str(&b), NULL);
	buf_release(&b);
	free(t);
	return rc;
}

static ev_status bib_date(struct record *rec, const struct bib_entry *e)
{
	const char *date = bib_get(e, "date"), *year = bib_get(e, "year");
	const char *month = bib_get(e, "month");
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	if (date && date_parse(date, &rec->issued))
		return EV_OK;
	if (!year)
		return EV_OK;
	rc = buf_printf(&b, "%s %s", year, month ? month : "");
	if (!rc) {
		/* Braces ("{Jul}") would hide the month from date_parse. */
		for (size_t i = 0; i < b.len; i++)
			if (b.ptr[i] == '{' || b.ptr[i] == '}')
				b.ptr[i] = ' ';
		date_parse(buf_str(&b), &rec->issued);
	}
	buf_release(&b);
	return rc;
}

/* biblatex's langid is a babel language name. */
static ev_status bib_langid(struct record *rec, const char *langid)
{
	static const char *const names[][2] = {
		{"british", "en"},    {"american", "en"},
		{"ukenglish", "en"},  {"usenglish", "en"},
		{"australian", "en"}, {"canadian", "en"},
		{"ngerman", "de"},    {"austrian", "de"},
		{"naustrian", "de"},  {"swissgerman", "de"},
		{"italian", "it"},    {"dutch", "nl"},
		{"portuguese", "pt"}, {"brazilian", "pt"},
		{"swedish", "sv"},    {"danish", "da"},
		{"norwegian", "no"},  {"finnish", "fi"},
		{"polish", "pl"},     {"russian", "ru"},
		{"greek", "el"},      {"welsh", "cy"},
	};

	if (!langid || rec->language)
		return EV_OK;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcasecmp(langid, names[i][0]))
			return record_set(&rec->language, names[i][1]);
	return record_set_language(rec, langid);
}

static ev_status bib_fill(const struct bib_entry *e, const char *type,
			  struct record *rec)
{
	static const char *const url_fields[] = {"url", "howpublished",
						 "note"};
	const char *v, *etype;
	int in_book =
		!strcmp(type, "chapter") || !strcmp(type, "paper-conference");
	ev_status rc;

	/* biblatex's entrysubtype tells magazine and newspaper articles
	 * from journal ones; evidence also writes it on @online entries
	 * for blog posts and feed items (the CSL type's name). */
	v = bib_get(e, "entrysubtype");
	if (v && !strcmp(type, "article-journal") && !strcmp(v, "magazine"))
		type = "article-magazine";
	else if (v && !strcmp(type, "article-journal") &&
		 !strcmp(v, "newspaper"))
		type = "article-newspaper";
	else if (v && !strcmp(type, "webpage") &&
		 (!strcmp(v, "post-weblog") || !strcmp(v, "post")))
		type = v;
	rc = record_set(&rec->type, type);
	if (!rc && *e->key)
		rc = record_set(&rec->citation_key, e->key);
	if (!rc)
		rc = set_latex(&rec->title, bib_get(e, "title"),
			       bib_get(e, "subtitle"));
	if (!rc && in_book)
		rc = set_latex(&rec->container_title, bib_get(e, "booktitle"),
			       bib_get(e, "booksubtitle"));
	if (!rc)
		rc = set_latex(&rec->container_title, bib_get(e, "journal"),
			       NULL);
	if (!rc)
		rc = set_latex(&rec->container_title,
			       bib_get(e, "journaltitle"),
			       bib_get(e, "journalsubtitle"));
	if (!rc && (v = bib_get(e, "author")))
		rc = bib_add_names(rec, v);
	if (!rc)
		rc = bib_date(rec, e);
	if (!rc)
		rc = set_latex(&rec->volume, bib_get(e, "volume"), NULL);
	if (!rc && !strcmp(type, "article-journal"))
		rc = set_latex(&rec->issue, bib_get(e, "number"), NULL);
	if (!rc)
		rc = set_latex(&rec->issue, bib_get(e, "issue"), NULL);
	if (!rc)
		rc = bib_pages(rec, bib_get(e, "pages"));
	if (!rc)
		rc = bib_pages(rec, bib_get(e, "eid"));
	if (!rc)
		rc = set_verbatim(&rec->doi, bib_get(e, "doi"));
	if (!rc && rec->doi && !doi_normalise(rec->doi)) {
		free(rec->doi);
		rec->doi = NULL;
	}
	for (size_t i = 0; !rc && i < 3; i++)
		rc = bib_url(rec, bib_get(e, url_fields[i]), i > 0);
	if (!rc)
		rc = set_verbatim(&rec->pmid, bib_get(e, "pmid"));
	if (!rc)
		rc = set_verbatim(&rec->pmcid, bib_get(e, "pmcid"));
	etype = bib_get(e, "eprinttype");
	if (!etype)
		etype = bib_get(e, "archiveprefix");
	if (!rc && etype && (v = bib_get(e, "eprint"))) {
		if (!strcasecmp(etype, "pubmed") || !strcasecmp(etype, "pmid"))
			rc = set_verbatim(&rec->pmid, v);
		else if (!strcasecmp(etype, "pmc") ||
			 !strcasecmp(etype, "pmcid"))
			rc = set_verbatim(&rec->pmcid, v);
	}
	if (!rc)
		rc = tagged_note_ids(rec, bib_get(e, "note"));
	if (!rc)
		rc = set_latex(&rec->abstract, bib_get(e, "abstract"), NULL);
	if (!rc && rec->abstract) {
		strip_html(rec->abstract);
		text_collapse_space(rec->abstract);
	}
	if (!rc)
		rc = set_latex(&rec->publisher, bib_get(e, "publisher"), NULL);
	if (!rc)
		rc = set_latex(&rec->publisher, bib_get(e, "institution"),
			       NULL);
	if (!rc)
		rc = set_latex(&rec->publisher, bib_get(e, "school"), NULL);
	if (!rc)
		rc = set_latex(&rec->publisher, bib_get(e, "organization"),
			       NULL);
	if (!rc)
		rc = record_set_language(rec, bib_get(e, "language"));
	if (!rc)
		rc = bib_langid(rec, bib_get(e, "langid"));
	if (!rc && (v = bib_get(e, "keywords")))
		rc = bib_keywords(rec, v);
	return rc;
}

/* Fields a child takes from its crossref parent: all it lacks, but
 * these. */
static int inherited(const char *name)
{
	static const char *const not_inherited[] = {
		"crossref",   "xref",	 "entryset",   "ids",
		"key",	      "title",	 "subtitle",   "shorttitle",
		"indextitle", "sortkey", "annotation",
	};

	for (size_t i = 0; i < sizeof(not_inherited) / sizeof(*not_inherited);
	     i++)
		if (!strcmp(name, not_inherited[i]))
			return 0;
	return 1;
}

static ev_status bib_copy_field(struct bib_entry *e, const char *name,
				const char *value)
{
	char *n, *v;

	if (bib_get(e, name) || e->n_fields >= BIB_MAX_FIELDS)
		return EV_OK;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v || bib_add_field(e, n, v)) {
		free(n);
		free(v);
		return EV_NOMEM;
	}
	return EV_OK;
}

static ev_status bib_inherit(struct bib_reader *r, struct bib_entry *e)
{
	const char *ref = bib_get(e, "crossref");
	const struct bib_entry *parent;
	size_t n_parent;
	size_t pi;
	ev_status rc = EV_OK;

	if (!ref || !bib_map_get(&r->entry_keys, ref, &pi) ||
	    &r->entries[pi] == e)
		return EV_OK;
	parent = &r->entries[pi];
	/* Each entry inherits once, in file order, so a crossref cycle
	 * cannot loop; a parent earlier in the file passes on what it
	 * inherited itself. */
	n_parent = parent->n_fields;
	for (size_t i = 0; i < n_parent && !rc; i++) {
		const struct bib_field *f = &parent->fields[i];

		if (!strcmp(f->name, "title"))
			rc = bib_copy_field(e, "booktitle", f->value);
		else if (!strcmp(f->name, "subtitle"))
			rc = bib_copy_field(e, "booksubtitle", f->value);
		else if (inherited(f->name))
			rc = bib_copy_field(e, f->name, f->value);
	}
	return rc;
}

ev_status parse_bibtex(struct parser *p, const char *data, size_t len)
{
	struct bib_reader r;
	struct record rec;

	char *owned = NULL;
	ev_status rc;

	memset(&r, 0, sizeof(r));
	record_init(&rec);
	rc = tagged_text(p, &data, &len, &owned);
	r.p = p;
	r.data = r.s = data;
	r.end = data + len;
	if (!rc)
		rc = bib_read(&r);
	for (size_t i = 0; !rc && i < r.n_entries; i++)
		rc = bib_inherit(&r, &r.entries[i]);
	for (size_t i = 0; !rc && i < r.n_entries; i++) {
		const char *type = bib_csl_type(r.entries[i].type);

		if (!type)
			continue;
		rc = bib_fill(&r.entries[i], type, &rec);
		if (rc) {
			rc = parser_fail(p, rc, "out of memory");
			break;
		}
		if (*r.entries[i].key) {
			rc = tagged_emit(p, &rec, r.entries[i].key);
		} else {
			char fragment[32];

			snprintf(fragment, sizeof(fragment), "entry-%zu",
				 i + 1);
			rc = tagged_emit(p, &rec, fragment);
		}
	}
	if (rc == EV_NOMEM)
		parser_fail(p, rc, "out of memory");
	record_release(&rec);
	for (size_t i = 0; i < r.n_entries; i++)
		bib_entry_release(&r.entries[i]);
	free(r.entries);
	for (size_t i = 0; i < r.n_macros; i++)
		free(r.macros[i]);
	free(r.macros);
	bib_map_release(&r.entry_keys);
	bib_map_release(&r.macro_names);
	free(owned);
	return rc;
}
