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
	char digest[65];
};

static int collect_word(const char *word, size_t len, size_t off, void *ctx)
{
	(void)off;
	return strvec_pushn(ctx, word, len) ? -1 : 0;
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
	struct strvec words = STRVEC_INIT;
	ev_status rc = EV_OK;

	if (!syn || syn->n_members == 0)
		return EV_OK;
	if (text_words(text, collect_word, &words)) {
		strvec_release(&words);
		return EV_NOMEM;
	}
	for (size_t w = 0; !rc && w < words.n; w++) {
		/* Binary search for the first member starting with this
		 * word, then try each such member. */
		size_t lo = 0, hi = syn->n_members;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct member *m =
			    &syn->members[syn->by_first[mid]];

			if (strcmp(m->words.v[0], words.v[w]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; !rc && lo < syn->n_members; lo++) {
			const struct member *m =
			    &syn->members[syn->by_first[lo]];
			const char *canon = syn->canonical.v[m->group];
			size_t k;

			if (strcmp(m->words.v[0], words.v[w]) != 0)
				break;
			/* The canonical word itself is indexed anyway. */
			if (m->words.n == 1 && !strcmp(m->joined, canon))
				continue;
			if (w + m->words.n > words.n)
				continue;
			for (k = 1; k < m->words.n; k++)
				if (strcmp(m->words.v[k], words.v[w + k]))
					break;
			if (k == m->words.n)
				rc = fn(canon, ctx);
		}
	}
	strvec_release(&words);
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
