/* passage-score.c - how well each passage of a hit answers the query */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passage-score.h"
#include "text.h"

/* BM25's k1: the third occurrence of a word adds less than the first. */
#define TF_SATURATION 1.2
/* Words the scorer's stemmer remembers: 64 KiB. */
#define PASSAGE_STEMS 1024
/* Longest word worth stemming; the indexer's terms stop well short. */
#define MAX_WORD 64

struct qterm {
	char *word;  /* the word ("mission") or stem ("mission" of Zmission) */
	size_t len;
	int stemmed; /* matches a word whose stem is WORD */
	double idf;
	unsigned tf; /* in the passage being scored */
};

/* A word's first two bytes (the second NUL for a one-byte word), as an
 * index into passage_scorer.heads. */
#define HEAD(w, len) ((unsigned char)(w)[0] | \
		      ((len) > 1 ? (unsigned)(unsigned char)(w)[1] << 8 : 0))

struct passage_scorer {
	xdb_stem_t *stem;
	struct qterm *t;
	size_t n, alloc;
	unsigned doccount;
	xdb_t *db;
	ev_status rc;
	/* A bit for the first two bytes of each term, so that most words
	 * of a passage are passed over at one look; ANY_HEAD when a
	 * one-byte stem could match words of any second byte. */
	uint64_t heads[65536 / 64];
	int any_head;
};

void passage_scorer_free(struct passage_scorer *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		free(ps->t[i].word);
	free(ps->t);
	xdb_stem_free(ps->stem);
	free(ps);
}

const xdb_stem_t *passage_scorer_stem(const struct passage_scorer *ps)
{
	return ps ? ps->stem : NULL;
}

int passage_scorer_has_words(const struct passage_scorer *ps)
{
	return ps->n > 0;
}

/* Collect the unprefixed terms of the query, each once, with its idf. */
static int add_term(const char *term, unsigned wdf, void *ctx)
{
	struct passage_scorer *ps = ctx;
	int stemmed = term[0] == 'Z';
	const char *word = term + stemmed;
	unsigned freq = 0;
	struct qterm *q;
	double n, N;

	(void)wdf;
	/* Prefixes are capitals; words are not. */
	if (!*word || (*word >= 'A' && *word <= 'Z'))
		return 0;
	for (size_t i = 0; i < ps->n; i++)
		if (ps->t[i].stemmed == stemmed && !strcmp(ps->t[i].word, word))
			return 0;
	ps->rc = xdb_termfreq(ps->db, term, &freq);
	if (ps->rc)
		return 1;
	if (ps->n == ps->alloc) {
		size_t a = ps->alloc ? 2 * ps->alloc : 8;

		q = realloc(ps->t, a * sizeof(*q));
		if (!q) {
			ps->rc = EV_NOMEM;
			return 1;
		}
		ps->t = q;
		ps->alloc = a;
	}
	q = &ps->t[ps->n];
	q->word = strdup(word);
	if (!q->word) {
		ps->rc = EV_NOMEM;
		return 1;
	}
	q->len = strlen(word);
	q->stemmed = stemmed;
	if (stemmed && q->len < 2)
		ps->any_head = 1;
	ps->heads[HEAD(word, q->len) / 64] |= 1ull << (HEAD(word, q->len) % 64);
	/* BM25's idf, kept positive so a word in most works still counts
	 * a little. */
	n = freq;
	N = ps->doccount > freq ? ps->doccount : freq;
	q->idf = log((N - n + 0.5) / (n + 0.5));
	if (q->idf < 0.01)
		q->idf = 0.01;
	ps->n++;
	return 0;
}

ev_status passage_scorer_new(xdb_t *db, const xdb_query_t *query,
			     struct passage_scorer **out)
{
	struct passage_scorer *ps = calloc(1, sizeof(*ps));
	ev_status rc;

	*out = NULL;
	if (!ps)
		return EV_NOMEM;
	ps->db = db;
	ps->stem = xdb_stem_new("english", NULL);
	/* A page's passages stem a few hundred distinct words: the default
	 * cache (2 MiB) would cost a page fault for most of them. */
	if (ps->stem)
		xdb_stem_set_cache(ps->stem, PASSAGE_STEMS);
	rc = ps->stem ? xdb_doccount(db, &ps->doccount) : EV_NOMEM;
	if (!rc)
		rc = xdb_query_terms(query, add_term, ps);
	if (!rc)
		rc = ps->rc;
	if (rc) {
		passage_scorer_free(ps);
		return rc;
	}
	*out = ps;
	return EV_OK;
}

/* Count WORD against the query's terms.  A stem is computed only when
 * some stemmed term shares the word's first two bytes: English stemming
 * changes the end of a word, never its start. */
static int count_word(const char *word, size_t len, size_t offset, void *ctx)
{
	struct passage_scorer *ps = ctx;
	char stem[MAX_WORD + 1];
	size_t slen = 0;
	int stemmed = 0;

	(void)offset;
	if (!ps->any_head &&
	    !(ps->heads[HEAD(word, len) / 64] >> (HEAD(word, len) % 64) & 1))
		return 0;
	for (size_t i = 0; i < ps->n; i++) {
		struct qterm *q = &ps->t[i];
		size_t head = q->len < 2 ? q->len : 2;

		if (!q->stemmed) {
			if (q->len == len && !memcmp(q->word, word, len))
				q->tf++;
			continue;
		}
		if (len > MAX_WORD || len < head || memcmp(q->word, word, head))
			continue;
		if (!stemmed) {
			slen = xdb_stem_word(ps->stem, word, len, stem,
					     sizeof(stem));
			stemmed = 1;
		}
		if (slen == q->len && !memcmp(q->word, stem, slen))
			q->tf++;
	}
	return 0;
}

double passage_score(struct passage_scorer *ps, const char *section,
		     const char *text)
{
	double score = 0;

	/* No words in the query (title:, author:, lessons alone): nothing
	 * to count, and reading the passages would be most of the cost. */
	if (ps->n == 0)
		return 0;
	for (size_t i = 0; i < ps->n; i++)
		ps->t[i].tf = 0;
	if (section)
		text_words(section, count_word, ps);
	if (text)
		text_words(text, count_word, ps);
	for (size_t i = 0; i < ps->n; i++) {
		double tf = ps->t[i].tf;

		if (tf > 0)
			score += ps->t[i].idf * tf * (TF_SATURATION + 1) /
				 (tf + TF_SATURATION);
	}
	return score;
}
