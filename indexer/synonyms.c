/* synonyms.c - groups of words and phrases that mean the same thing */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strvec.h"
#include "synonyms.h"
#include "text.h"
#include "xdb.h"

/* Runs of words longer than this are not synonyms but sentences. */
#define MAX_MEMBER_WORDS 8

struct member {
	struct strvec words; /* lower-case words, as text_words() gives */
	char *joined;	     /* the words joined by single spaces */
	size_t group;
};

struct synonyms {
	struct member *members;
	size_t n_members;
	struct strvec canonical; /* per group */
	size_t *by_first;	 /* member indexes sorted by first word */
	/* The distinct first words, in an open-addressing table: each
	 * entry is 1 + the position in BY_FIRST of the first member that
	 * starts with its word, 0 when empty.  FIRST_SIZE is a power of two
	 * at least twice their number. */
	size_t *first;
	size_t first_size;
	char digest[65];
};

static int collect_word(const char *word, size_t len, size_t off, void *ctx)
{
	(void)off;
	return strvec_pushn(ctx, word, len) ? -1 : 0;
}

static const char *first_word(const struct synonyms *syn, size_t entry)
{
	return syn->members[syn->by_first[entry - 1]].words.v[0];
}

/* The FIRST entry of the LEN bytes of WORD: 0 when no member starts
 * with it. */
static size_t first_lookup(const struct synonyms *syn, const char *word,
			   size_t len)
{
	size_t mask = syn->first_size - 1;

	for (size_t i = text_hash(word, len) & mask; syn->first[i];
	     i = (i + 1) & mask) {
		const char *w = first_word(syn, syn->first[i]);

		if (strncmp(w, word, len) == 0 && w[len] == '\0')
			return syn->first[i];
	}
	return 0;
}

/* Fill syn->first from syn->by_first. */
static ev_status first_build(struct synonyms *syn)
{
	size_t size = 16;

	while (size < 2 * syn->n_members)
		size *= 2;
	syn->first = calloc(size, sizeof(*syn->first));
	if (!syn->first)
		return EV_NOMEM;
	syn->first_size = size;
	for (size_t k = 0; k < syn->n_members; k++) {
		const char *w = syn->members[syn->by_first[k]].words.v[0];
		size_t i;

		if (k > 0 && strcmp(w, first_word(syn, k)) == 0)
			continue; /* the same first word as member k - 1 */
		for (i = text_hash(w, strlen(w)) & (size - 1); syn->first[i];
		     i = (i + 1) & (size - 1))
			;
		syn->first[i] = k + 1;
	}
	return EV_OK;
}

void synonyms_free(struct synonyms *syn)
{
	if (!syn)
		return;
	for (size_t i = 0; i < syn->n_members; i++) {
		strvec_release(&syn->members[i].words);
		free(syn->members[i].joined);
	}
	free(syn->members);
	free(syn->by_first);
	free(syn->first);
	strvec_release(&syn->canonical);
	free(syn);
}

static int cmp_first(const void *a, const void *b, void *ctx)
{
	const struct synonyms *syn = ctx;
	const struct member *ma = &syn->members[*(const size_t *)a];
	const struct member *mb = &syn->members[*(const size_t *)b];

	return strcmp(ma->words.v[0], mb->words.v[0]);
}

/* Add MEMBER (text) to group G; EV_PARSE when it has no words. */
static ev_status add_member(struct synonyms *syn, const char *text, size_t g)
{
	struct member *m;
	struct buf joined = BUF_INIT;
	void *p;

	p = realloc(syn->members, (syn->n_members + 1) * sizeof(*m));
	if (!p)
		return EV_NOMEM;
	syn->members = p;
	m = &syn->members[syn->n_members];
	memset(m, 0, sizeof(*m));
	m->group = g;
	if (text_words(text, collect_word, &m->words)) {
		strvec_release(&m->words);
		return EV_NOMEM;
	}
	if (m->words.n == 0 || m->words.n > MAX_MEMBER_WORDS) {
		strvec_release(&m->words);
		return EV_PARSE;
	}
	for (size_t i = 0; i < m->words.n; i++)
		if ((i && buf_addch(&joined, ' ')) ||
		    buf_addstr(&joined, m->words.v[i])) {
			buf_release(&joined);
			strvec_release(&m->words);
			return EV_NOMEM;
		}
	m->joined = buf_detach(&joined);
	syn->n_members++;
	return EV_OK;
}

ev_status synonyms_parse(const char *text, size_t len, const char *name,
			 struct synonyms **out, char *err, size_t errsz)
{
	struct synonyms *syn = calloc(1, sizeof(*syn));
	struct buf canon = BUF_INIT;
	ev_status rc = EV_OK;
	size_t lineno = 0, pos = 0;

	*out = NULL;
	if (!syn)
		return EV_NOMEM;
	while (pos < len && !rc) {
		size_t eol = pos, start;
		char *line, *s, *end;
		size_t first_member = syn->n_members, g = syn->canonical.n;
		const char *canonical = NULL;

		while (eol < len && text[eol] != '\n')
			eol++;
		lineno++;
		line = xstrndup(text + pos, eol - pos);
		pos = eol + 1;
		if (!line) {
			rc = EV_NOMEM;
			break;
		}
		s = str_trim(line);
		if (*s == '#' || *s == '\0') {
			free(line);
			continue;
		}
		start = 0;
		for (;;) {
			end = strchr(s + start, '=');
			if (end)
				*end = '\0';
			rc = add_member(syn, str_trim(s + start), g);
			if (rc == EV_PARSE)
				snprintf(err, errsz,
					 "%s:%zu: empty or overlong "
					 "member in a synonym group",
					 name, lineno);
			if (rc || !end)
				break;
			start = (size_t)(end - s) + 1;
		}
		free(line);
		if (rc)
			break;
		if (syn->n_members - first_member < 2) {
			snprintf(err, errsz,
				 "%s:%zu: a synonym group needs at "
				 "least two members separated by '='",
				 name, lineno);
			rc = EV_PARSE;
			break;
		}
		for (size_t i = first_member; i < syn->n_members; i++)
			if (syn->members[i].words.n == 1) {
				canonical = syn->members[i].words.v[0];
				break;
			}
		if (!canonical) {
			snprintf(err, errsz,
				 "%s:%zu: a synonym group needs a "
				 "one-word member to index under",
				 name, lineno);
			rc = EV_PARSE;
			break;
		}
		rc = strvec_push(&syn->canonical, canonical);
		for (size_t i = first_member; !rc && i < syn->n_members; i++)
			rc = buf_printf(&canon, "%s%s",
					i == first_member ? "" : "=",
					syn->members[i].joined);
		if (!rc)
			rc = buf_addch(&canon, '\n');
	}
	if (!rc && syn->n_members) {
		syn->by_first = malloc(syn->n_members * sizeof(size_t));
		if (!syn->by_first) {
			rc = EV_NOMEM;
		} else {
			for (size_t i = 0; i < syn->n_members; i++)
				syn->by_first[i] = i;
			qsort_r(syn->by_first, syn->n_members, sizeof(size_t),
				cmp_first, syn);
			rc = first_build(syn);
		}
	}
	if (!rc)
		text_sha256_hex(canon.ptr ? canon.ptr : "", canon.len,
				syn->digest);
	buf_release(&canon);
	if (rc) {
		synonyms_free(syn);
		return rc;
	}
	*out = syn;
	return EV_OK;
}

const char *synonyms_digest(const struct synonyms *syn)
{
	return syn->digest;
}

ev_status synonyms_scan(const struct synonyms *syn, const char *text,
			synonyms_fn fn, void *ctx)
{
	struct wordlist words = WORDLIST_INIT;
	ev_status rc = EV_OK;

	if (syn && syn->n_members)
		rc = wordlist_fill(&words, text);
	if (!rc)
		rc = synonyms_scan_words(syn, &words, fn, ctx);
	wordlist_release(&words);
	return rc;
}

/* Each word is looked up once in the table of first words, so that only
 * a word some member starts with costs more than a probe. */
ev_status synonyms_scan_words(const struct synonyms *syn,
			      const struct wordlist *text, synonyms_fn fn,
			      void *ctx)
{
	ev_status rc = EV_OK;

	if (!syn || syn->n_members == 0)
		return EV_OK;
	for (size_t w = 0; !rc && w < text->n; w++) {
		const char *word = text->bytes + text->v[w].off;
		size_t k = first_lookup(syn, word, text->v[w].len);

		/* Each member that starts with this word, in BY_FIRST's
		 * order. */
		for (; !rc && k && k <= syn->n_members; k++) {
			const struct member *m =
			    &syn->members[syn->by_first[k - 1]];
			const char *canon = syn->canonical.v[m->group];
			size_t i;

			if (strcmp(m->words.v[0], word) != 0)
				break;
			/* The canonical word itself is indexed anyway. */
			if (m->words.n == 1 && !strcmp(m->joined, canon))
				continue;
			if (w + m->words.n > text->n)
				continue;
			for (i = 1; i < m->words.n; i++)
				if (strcmp(m->words.v[i],
					   text->bytes + text->v[w + i].off))
					break;
			if (i == m->words.n)
				rc = fn(canon, ctx);
		}
	}
	return rc;
}

ev_status synonyms_install(const struct synonyms *syn, struct xdb *db)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && syn && i < syn->n_members; i++) {
		const struct member *m = &syn->members[i];
		const char *canon = syn->canonical.v[m->group];

		rc = xdb_clear_synonyms(db, m->joined);
		if (!rc && strcmp(m->joined, canon) != 0)
			rc = xdb_add_synonym(db, m->joined, canon);
	}
	return rc;
}
