/* search.c - ranked evidence for a query */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "evidence-type.h"
#include "fields.h"
#include "passage-score.h"
#include "reader.h"
#include "search.h"
#include "text.h"
#include "xdb.h"

/*
 * Ranking weights.  BM25 scores of a two- or three-word query over
 * passages run from about 2 to 15.  The boosts are sized to reorder
 * near-ties, not to swamp the words: the evidence-type prior adds up to
 * TYPE_BOOST, a lesson the query names adds up to LESSON_BOOST times the
 * passage's strength.  Tuned on ../shared/eval/seed-queries.tsv (see
 * "make eval").
 */
#define TYPE_BOOST 0.6
#define LESSON_BOOST 2.5
#define LESSON_FILTER_BOOST 1.0
/* How much of a lesson's threshold a query must reach to name it: a
 * query is a few words, not a paragraph. */
#define QUERY_LESSON_FRACTION 0.5
/* Characters of context in a snippet. */
#define SNIPPET_LENGTH 320

struct searcher {
	xdb_t *db;
	int db_borrowed; /* the caller's (search_options.db): not closed */
	xdb_qp_t *qp;
	/* The cap on value-weighted boosts.  0 (none) for a stub file,
	 * which may name remote shards: Xapian sends only registered
	 * posting sources to xapian-tcpsrv, and the capped one is not.
	 * The indexer writes lesson strengths and type priors in [0, 1],
	 * so both give the same weights. */
	double value_cap;
	/* What the query's weights were divided by (see build_query()). */
	double weight_scale;
	struct strvec lesson_names; /* slot order, from the index */
	/* What choosing a hit's passage needs: the query's words, the
	 * lessons it names (with how strongly) and the --lesson ones. */
	struct passage_scorer *scorer;
	struct named_lesson {
		size_t lesson;
		double strength;
	} *named;
	size_t n_named;
	size_t *filter;
	size_t n_filter;
	/* The query's words, inside its filters and exclusions
	 * (xdb_query_core()), only gather documents
	 * (xdb_query_only_gathers()): the lessons it names may add
	 * theirs.  Words that require (AND, +word) keep to that, and the
	 * lessons only weigh. */
	int gathers;
	char *lesson_values; /* META_LESSON_VALUES, once read */
	struct buf msg;
};

/* The index at DIR into S: OPEN when not NULL (DIR open already). */
static ev_status open_index(struct searcher *s, const char *dir, xdb_t *open)
{
	char *msg = NULL;
	ev_status rc = EV_OK;

	s->value_cap = reader_is_stub(dir) ? 0 : 1.0;
	if (open) {
		s->db = open;
		s->db_borrowed = 1;
		return EV_OK;
	}
	rc = reader_open(dir, &s->db, &msg);
	if (rc)
		buf_setf(&s->msg, "%s", msg ? msg : status_to_string(rc));
	free(msg);
	return rc;
}

static ev_status load_lesson_names(struct searcher *s)
{
	char *names = NULL;
	ev_status rc = xdb_get_metadata(s->db, META_LESSONS, &names);
	char *p, *save = NULL;

	if (rc) {
		buf_setf(&s->msg, "cannot read the index: %s",
			 xdb_errmsg(s->db));
		return rc;
	}
	for (p = strtok_r(names, ",", &save); p && !rc;
	     p = strtok_r(NULL, ",", &save))
		rc = strvec_push(&s->lesson_names, p);
	free(names);
	return rc;
}

static ev_status setup_parser(struct searcher *s)
{
	ev_status rc = EV_OK;

	s->qp = xdb_qp_new(s->db);
	if (!s->qp)
		return EV_NOMEM;
	for (size_t i = 0; !rc && i < n_fields; i++) {
		if (fields[i].kind == FIELD_TEXT)
			rc = xdb_qp_add_prefix(s->qp, fields[i].name,
					       fields[i].prefix);
		else
			rc = xdb_qp_add_boolean_prefix(s->qp, fields[i].name,
						       fields[i].prefix, 1);
	}
	if (!rc)
		rc = xdb_qp_add_number_range(s->qp, SLOT_YEAR, "year:");
	if (!rc)
		rc = xdb_qp_set_max_expansion(s->qp, SEARCH_MAX_EXPANSION);
	if (!rc)
		rc = xdb_qp_set_default_op(s->qp, XDB_OP_OR);
	if (rc)
		buf_setf(&s->msg, "cannot set up the query parser: %s",
			 xdb_qp_errmsg(s->qp));
	return rc;
}

/* Replace *Q by OP(*Q, R), freeing both; NULL R leaves *Q alone. */
static ev_status combine(enum xdb_op op, xdb_query_t **q, xdb_query_t *r)
{
	xdb_query_t *c;

	if (!r)
		return EV_NOMEM;
	c = xdb_query_combine(op, *q, r);
	xdb_query_free(r);
	if (!c)
		return EV_NOMEM;
	xdb_query_free(*q);
	*q = c;
	return EV_OK;
}

/* OR of PREFIX+value for each of VALUES (lower-cased), or NULL. */
static xdb_query_t *any_of(const char *prefix, const struct strvec *values)
{
	xdb_query_t *q = NULL;

	for (size_t i = 0; i < values->n; i++) {
		char term[XDB_MAX_TERM + 64];
		char *lower = strdup(values->v[i]);
		xdb_query_t *t;

		if (!lower)
			goto fail;
		text_ascii_lower(lower);
		field_id_term(prefix, lower, term, sizeof(term));
		free(lower);
		t = xdb_query_term(term, 1);
		if (!t)
			goto fail;
		if (!q) {
			q = t;
		} else if (combine(XDB_OP_OR, &q, t)) {
			goto fail;
		}
	}
	return q;
fail:
	xdb_query_free(q);
	return NULL;
}

static long lesson_slot(const struct searcher *s, const char *name)
{
	long i = strvec_find(&s->lesson_names, name);

	return i < 0 ? -1 : SLOT_LESSON_BASE + i;
}

static ev_status note_lesson(struct named_lesson **v, size_t *n,
			     size_t lesson, double strength)
{
	struct named_lesson *l = realloc(*v, (*n + 1) * sizeof(*l));

	if (!l)
		return EV_NOMEM;
	*v = l;
	l[*n].lesson = lesson;
	l[(*n)++].strength = strength;
	return EV_OK;
}

static ev_status note_filter(struct searcher *s, size_t lesson)
{
	size_t *f = realloc(s->filter, (s->n_filter + 1) * sizeof(*f));

	if (!f)
		return EV_NOMEM;
	s->filter = f;
	s->filter[s->n_filter++] = lesson;
	return EV_OK;
}

/* The type terms of an index (note_type()). */
struct type_terms {
	struct strvec terms;
	unsigned long docs; /* the sum of their termfreqs */
	int failed;
};

static int note_type(const char *term, unsigned freq, void *ctx)
{
	struct type_terms *t = ctx;

	if (strvec_push(&t->terms, term)) {
		t->failed = 1;
		return 1;
	}
	t->docs += freq;
	return 0;
}

/*
 * The type terms of the canonical type names into T, as xdb_allterms()
 * would give them (in byte order, those with documents), by one look-up
 * each: walking the prefix instead reads every block of the types'
 * posting lists, 51 of the 253 blocks "title:network" read on 100,000
 * pages.  Each document has at most one type term, so when these
 * account for every document there are no others.
 */
static ev_status known_types(struct searcher *s, struct type_terms *t)
{
	char term[XDB_MAX_TERM + 64];

	for (int et = 0; et < ET_COUNT && !t->failed; et++) {
		unsigned freq = 0;
		ev_status rc;

		field_id_term(PREFIX_TYPE,
			      evidence_type_name((enum evidence_type)et), term,
			      sizeof(term));
		rc = xdb_termfreq(s->db, term, &freq);
		if (rc)
			return rc;
		if (freq)
			note_type(term, freq, t);
	}
	strvec_sort(&t->terms);
	return EV_OK;
}

/* Terms and the weight each gives, for a term-weight source
 * (xdb_query_term_weights()) or a sum of them (xdb_query_term_sum()):
 * empty when the boost cannot be given by terms. */
struct term_list {
	struct strvec terms;
	double *weight;
};

#define TERM_LIST_INIT                                                        \
	{                                                                     \
		STRVEC_INIT, NULL                                             \
	}

static void term_list_release(struct term_list *l)
{
	strvec_release(&l->terms);
	free(l->weight);
	l->weight = NULL;
}

/* L as one list of xdb_query_term_sum(). */
static struct xdb_term_weights term_list_part(const struct term_list *l,
					      int match)
{
	struct xdb_term_weights p = {(const char *const *)l->terms.v,
				     l->weight, l->terms.n, match};

	return p;
}

/* The source over L's terms, or NULL without memory. */
static xdb_query_t *term_list_query(const struct term_list *l)
{
	return xdb_query_term_weights((const char *const *)l->terms.v,
				      l->weight, l->terms.n);
}

/*
 * The evidence-type prior over the type terms ("XTreview") in *OUT, in
 * place of the value source over SLOT_TYPE_PRIOR, with the same weights
 * to the bit: the matcher can then skip whole runs of documents whose
 * type cannot lift them into the page, where the source reads every
 * document's value (a phrase of common words on 100,000 pages spent 40%
 * of its time there).  The indexer writes one type term per document,
 * lower-cased (hashed when long, which no type name is), beside the prior
 * of the type it names, so a term names its documents' prior.  The
 * terms must match every document, as the value source does: when their
 * frequencies do not add up to the number of documents (a document with
 * no type), *OUT is left empty and the caller keeps the value source.
 */
static ev_status prior_by_type(struct searcher *s, double scale,
			       struct term_list *out)
{
	struct type_terms t = {STRVEC_INIT, 0, 0};
	unsigned docs = 0;
	ev_status rc;

	rc = xdb_doccount(s->db, &docs);
	if (!rc)
		rc = known_types(s, &t);
	if (!rc && !t.failed && t.docs != docs) {
		/* Some documents have another type, or none: find out. */
		strvec_release(&t.terms);
		t.docs = 0;
		rc = xdb_allterms(s->db, PREFIX_TYPE, note_type, &t);
	}
	if (rc)
		buf_setf(&s->msg, "search failed: %s", xdb_errmsg(s->db));
	else if (t.failed)
		rc = EV_NOMEM;
	else if (t.terms.n && t.docs == docs &&
		 !(out->weight = calloc(t.terms.n, sizeof(*out->weight))))
		rc = EV_NOMEM;
	if (out->weight) {
		for (size_t i = 0; i < t.terms.n; i++) {
			int et = evidence_type_lookup(t.terms.v[i] +
						      strlen(PREFIX_TYPE));

			out->weight[i] =
				scale *
				evidence_type_prior(
					et < 0 ? ET_OTHER
					       : (enum evidence_type)et);
		}
		out->terms = t.terms;
		strvec_init(&t.terms);
	}
	strvec_release(&t.terms);
	return rc;
}

/* The value of the lesson's SLOT (its strength) capped as a source caps
 * it: the weight a value source gives is SCALE times this. */
static double capped(const struct searcher *s, double x)
{
	return x < 0 ? 0 : x > s->value_cap ? s->value_cap : x;
}

/*
 * The boost of named lesson LESSON (SCALE times the work's strength in
 * it) over its value terms ("XLVfocus:0.75", listed in
 * META_LESSON_VALUES: see the indexer) in *OUT, in place of the value
 * source over its slot, with the same weights to the bit: the matcher
 * then passes over the works whose strength cannot lift them into the
 * page, where the source reads every work's value ('trust between
 * practices' on 100,000 pages spent two thirds of its instructions
 * there).  When the listed terms do not account for every work with a
 * value in the slot (an index written before the terms, or only partly
 * since), *OUT is left empty and the caller keeps the source.
 */
static ev_status lesson_by_terms(struct searcher *s, size_t lesson,
				 double scale, struct term_list *out)
{
	const char *name = s->lesson_names.v[lesson];
	struct term_list l = TERM_LIST_INIT;
	unsigned long sum = 0;
	unsigned with_value = 0;
	char *line = NULL, *save = NULL, *v;
	size_t nlen = strlen(name), listed = 0;
	ev_status rc = EV_OK;

	if (!s->lesson_values)
		rc = xdb_get_metadata(s->db, META_LESSON_VALUES,
				      &s->lesson_values);
	/* The line "NAME strength...". */
	for (const char *p = s->lesson_values; !rc && p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == ' ') {
			line = xstrndup(p + nlen, len - nlen);
			if (!line)
				rc = EV_NOMEM;
			break;
		}
		p += len + (end != NULL);
	}
	if (line)
		l.weight = calloc(strlen(line) / 2 + 1, sizeof(*l.weight));
	if (line && !l.weight)
		rc = EV_NOMEM;
	for (v = line ? strtok_r(line, " ", &save) : NULL; !rc && v;
	     v = strtok_r(NULL, " ", &save)) {
		if (++listed > MAX_LESSON_STRENGTHS)
			break; /* too many to weigh: the values it is */
		char term[XDB_MAX_TERM + 64], *end;
		unsigned freq = 0;
		double x = strtod(v, &end);

		if (*end || !isfinite(x))
			continue; /* not a list this code wrote */
		field_lesson_value_term(name, v, term, sizeof(term));
		rc = xdb_termfreq(s->db, term, &freq);
		if (rc || freq == 0)
			continue;
		l.weight[l.terms.n] = scale * capped(s, x);
		rc = strvec_push(&l.terms, term);
		sum += freq;
	}
	if (!rc)
		rc = xdb_value_freq(s->db,
				    (unsigned)(SLOT_LESSON_BASE + lesson),
				    &with_value);
	if (rc && rc != EV_NOMEM)
		buf_setf(&s->msg, "search failed: %s", xdb_errmsg(s->db));
	if (!rc && l.terms.n && sum == with_value &&
	    listed <= MAX_LESSON_STRENGTHS) {
		*out = l;
		l = (struct term_list)TERM_LIST_INIT;
	}
	term_list_release(&l);
	free(line);
	return rc;
}

/*
 * A's weights (see add_boosts()) through terms, in *OUT: the named
 * lessons' strength terms (the first s->n_named of W), each list marked
 * match, and the type prior's terms PRIOR, summed by one source
 * (xdb_query_term_sum()) in the order the value source sums its slots,
 * the lessons' and then the prior's, so that the weights are the same to
 * the bit.  One source rather than an OR of the lessons AND the prior:
 * the matcher bounds each of those by its own most, and on 100,000
 * generated pages 'leadership board decisions' weighed the words of
 * 58,000 works.  *OUT is NULL when a lesson has no complete list of
 * terms (the value source it is).
 */
static ev_status lessons_by_terms(struct searcher *s,
				  const struct xdb_value_weight *w,
				  const struct term_list *prior,
				  xdb_query_t **out)
{
	size_t n = s->n_named, i;
	struct term_list *l = calloc(n + 1, sizeof(*l));
	struct xdb_term_weights *part = calloc(n + 1, sizeof(*part));
	ev_status rc = l && part ? EV_OK : EV_NOMEM;

	*out = NULL;
	for (i = 0; !rc && i < n; i++) {
		rc = lesson_by_terms(s, s->named[i].lesson, w[i].scale, &l[i]);
		if (!rc && !l[i].terms.n)
			break; /* no complete list */
		part[i] = term_list_part(&l[i], 1);
	}
	if (!rc && n && i == n) {
		part[n] = term_list_part(prior, 0);
		*out = xdb_query_term_sum(part, n + 1);
		rc = *out ? EV_OK : EV_NOMEM;
	}
	for (i = 0; l && i < n; i++)
		term_list_release(&l[i]);
	free(l);
	free(part);
	return rc;
}

/*
 * The boost of the I-th named lesson alone (its slot and scale W), in
 * *OUT: through its strength terms where they can give it
 * (lesson_by_terms(), a local index), else the value source over its
 * slot.  Beside words that weigh more than the lessons, the terms cost
 * less than the value stream: 4.8% fewer instructions for the 50
 * benchmark queries on 100,000 pages, and a batch p95 6% lower on a
 * million PubMed records, with the same results (bench/RESULTS.md,
 * change 84).
 */
static ev_status named_lesson_boost(struct searcher *s, size_t i,
				    const struct xdb_value_weight *w,
				    xdb_query_t **out)
{
	struct term_list l = TERM_LIST_INIT;
	ev_status rc = EV_OK;

	*out = NULL;
	if (s->value_cap)
		rc = lesson_by_terms(s, s->named[i].lesson, w->scale, &l);
	if (!rc) {
		*out = l.terms.n ? term_list_query(&l)
				 : xdb_query_value_weight(
					   w->slot, s->value_cap, w->scale);
		rc = *out ? EV_OK : EV_NOMEM;
	}
	term_list_release(&l);
	return rc;
}

/*
 * The boosts, added to the words Q: the strength of each lesson the
 * query names, which also finds that lesson's passages without the
 * words when the words only gather (s->gathers; otherwise it only
 * weighs the words' documents, AND_MAYBE); of each --lesson lesson; and
 * the evidence-type prior.
 *
 * A stub file may name remote shards, which run Xapian's own sources
 * only: one source per boost, the named lessons ORed with the words
 * (AND_MAYBE when they do not only gather), the others AND_MAYBE.  A
 * local index gets the same weights and the same matches in a shape
 * chosen for the matcher, from the most the words can weigh (Xapian's
 * bound) against the most the boosts can:
 *
 * - The other boosts are one source that matches every document, so
 *   "words AND boosts" matches what AND_MAYBE would.  When the boosts can
 *   outweigh the words (a phrase of common words against the prior), AND
 *   lets Xapian check the phrase's positions last, only where the boosts
 *   could still lift a document into the page; when the words weigh
 *   more, AND_MAYBE asks the source about the words' documents alone.
 *
 * - When the named lessons can outweigh the words, the query is the
 *   heavier (MAX) of "the lessons' documents weighed by every boost at
 *   once, AND_MAYBE the words" (A) and "the words AND the other boosts"
 *   (B).  A document of A weighs its whole sum there and less in B (it
 *   lacks the lesson strengths), so MAX gives it the sum OR gave it.
 *   Under OR the matcher would check the words in every document whose
 *   strength alone came near the page (thousands a query on 100,000
 *   generated pages, where nearly every page carries every lesson);
 *   MAX hands each side the page's full minimum, and A's source passes
 *   over every document whose boosts together fall short of it.  When
 *   the words weigh more, both sides would do the whole work, and the
 *   lessons are ORed.
 *
 * - The type prior, one of the other boosts, is a source of its own
 *   over the type terms (prior_by_type()) in B: it skips whole types at
 *   a time where a sum would read every value.  In A it is summed with
 *   the lessons' strength terms by one source (lessons_by_terms()),
 *   where they can be, and ANDed with the value sum where not.
 *
 * bench/RESULTS.md (changes 14 to 17, 23, 81 and 84) has the measurements.
 */
static ev_status add_boosts(struct searcher *s, xdb_query_t **q)
{
	struct xdb_value_weight *w;
	size_t n = 0, others;
	xdb_query_t *a = NULL, *b, *c, *prior = NULL;
	struct term_list prior_terms = TERM_LIST_INIT;
	double words_max = 0, lessons_max = 0, others_max = 0;
	enum xdb_op and_others;
	ev_status rc = EV_OK;

	w = calloc(s->n_named + s->n_filter + 1, sizeof(*w));
	if (!w)
		return EV_NOMEM;
	for (size_t i = 0; i < s->n_named; i++, n++) {
		w[n].slot = (unsigned)(SLOT_LESSON_BASE + s->named[i].lesson);
		w[n].scale = LESSON_BOOST * s->named[i].strength /
			     s->weight_scale;
		w[n].match = 1;
	}
	for (size_t i = 0; i < s->n_filter; i++, n++) {
		w[n].slot = (unsigned)(SLOT_LESSON_BASE + s->filter[i]);
		w[n].scale = LESSON_FILTER_BOOST / s->weight_scale;
	}
	w[n].slot = SLOT_TYPE_PRIOR;
	w[n++].scale = TYPE_BOOST / s->weight_scale;

	for (size_t i = 0; i < n; i++) {
		if (i < s->n_named)
			lessons_max += w[i].scale * s->value_cap;
		else
			others_max += w[i].scale * s->value_cap;
	}
	/* How much the words can add (a stub file: no shape to choose). */
	if (s->value_cap &&
	    (rc = xdb_query_max_weight(s->db, *q, &words_max))) {
		buf_setf(&s->msg, "search failed: %s", xdb_errmsg(s->db));
		free(w);
		return rc;
	}
	/* The type prior (the last slot) over the type terms where it can
	 * be: a local index only. */
	if (s->value_cap)
		rc = prior_by_type(s, w[n - 1].scale, &prior_terms);
	if (!rc && prior_terms.terms.n &&
	    !(prior = term_list_query(&prior_terms)))
		rc = EV_NOMEM;
	if (!rc && s->value_cap && s->gathers && words_max < lessons_max) {
		/* A: the named lessons' documents, weighed by every boost;
		 * the lessons and the prior through their terms, where they
		 * can be, so that the works too weak in them are skipped. */
		if (prior && n - 1 == s->n_named)
			rc = lessons_by_terms(s, w, &prior_terms, &a);
		if (!rc && !a) {
			a = xdb_query_value_sum(w, n - (prior != NULL),
						s->value_cap);
			if (a && prior) {
				/* The prior is a second source beside the
				 * sum: the weights add as they did in one. */
				xdb_query_t *both = xdb_query_combine(
					XDB_OP_AND, a, prior);

				xdb_query_free(a);
				a = both;
			}
			rc = a ? EV_OK : EV_NOMEM;
		}
	} else if (!rc) {
		/* The words weigh more, or only their documents count: the
		 * matcher visits them whatever the lessons hold, and asks
		 * each named lesson about them. */
		for (size_t i = 0; !rc && i < s->n_named; i++) {
			xdb_query_t *lesson;

			rc = named_lesson_boost(s, i, &w[i], &lesson);
			if (!rc)
				rc = combine(s->gathers ? XDB_OP_OR
							: XDB_OP_AND_MAYBE,
					     q, lesson);
		}
	}
	if (rc || !s->value_cap) {
		/* A stub file (or a failure): the others AND_MAYBE. */
		for (size_t i = s->n_named; !rc && i < n; i++)
			rc = combine(XDB_OP_AND_MAYBE, q,
				     xdb_query_value_weight(w[i].slot, 0,
							    w[i].scale));
		free(w);
		term_list_release(&prior_terms);
		xdb_query_free(a);
		xdb_query_free(prior);
		return rc;
	}
	term_list_release(&prior_terms);
	and_others = words_max < others_max ? XDB_OP_AND : XDB_OP_AND_MAYBE;

	/* The other boosts, of every document (no slot marked match): the
	 * prior, the rest (or all) one value source. */
	others = n - s->n_named - (prior != NULL);
	b = prior;
	if (others) {
		b = xdb_query_value_sum(w + s->n_named, others,
					s->value_cap);
		if (!b) {
			xdb_query_free(prior);
			rc = EV_NOMEM;
		} else if (prior) {
			rc = combine(and_others, &b, prior);
		}
	}
	free(w);
	if (rc) {
		xdb_query_free(a);
		xdb_query_free(b);
		return rc;
	}
	if (!a)
		return combine(and_others, q, b);
	c = xdb_query_combine(and_others, *q, b);
	xdb_query_free(b);
	/* combine() frees the words either way; A stands in for them. */
	rc = combine(XDB_OP_AND_MAYBE, &a, *q);
	*q = a;
	if (rc) {
		xdb_query_free(c);
		return rc;
	}
	return combine(XDB_OP_MAX, q, c);
}

/*
 * How the query text is parsed.  Spelling corrections are looked for
 * only when a search finds nothing (suggest()): they never change the
 * query, only what it offers.
 */
#define QP_FLAGS (XDB_QP_DEFAULT | XDB_QP_AUTO_SYNONYMS)

/* A corrected query for QUERY, to offer when it found nothing, or NULL:
 * its words that no work has, corrected (xdb_qp_correct()). */
static char *suggest(struct searcher *s, const char *query)
{
	char *text = utf8_sanitise(query, strlen(query)), *fix = NULL;
	xdb_query_t *q = NULL;

	if (!text)
		return NULL;
	text_collapse_space(text);
	if (*text && xdb_qp_parse(s->qp, text, QP_FLAGS, &q) == EV_OK &&
	    xdb_qp_correct(s->qp, text, q, &fix) != EV_OK)
		fix = NULL;
	xdb_query_free(q);
	free(text);
	return fix;
}

int search_query_blank(const char *query)
{
	return !query || !query[strspn(query, " \t\n\v\f\r")];
}

int search_has_filter(const struct search_options *o)
{
	return o->lessons.n || o->types.n || o->since || o->until;
}

void search_tell_nothing(const char *query)
{
	if (search_query_blank(query))
		cli_error("no work passes the filters");
	else
		cli_error("no results for '%s'", query);
}

/*
 * Build the whole query: the user's words, widened by the lessons they
 * name, boosted by evidence type and lesson strength, and filtered.
 */
static ev_status build_query(struct searcher *s,
			     const struct search_options *o,
			     struct search_result *res, xdb_query_t **out)
{
	xdb_query_t *q = NULL, *whole = NULL, *f;
	char *text = NULL;
	int has_words;
	ev_status rc = EV_OK;

	*out = NULL;
	text = utf8_sanitise(o->query, strlen(o->query));
	if (!text)
		return EV_NOMEM;
	text_collapse_space(text);
	has_words = *text != '\0';
	if (has_words) {
		rc = xdb_qp_parse(s->qp, text, QP_FLAGS, &whole);
		if (rc) {
			buf_setf(&s->msg, "bad query: %s",
				 xdb_qp_errmsg(s->qp));
			goto out;
		}
	} else {
		whole = xdb_query_match_all();
	}
	/* The boosts go to the words inside the query's filters and
	 * exclusions ("type:review trust NOT patient": trust), so that the
	 * works a named lesson adds are filtered and excluded too. */
	q = whole ? xdb_query_core(whole) : NULL;
	if (!q) {
		rc = EV_NOMEM;
		goto out;
	}
	s->gathers = has_words && xdb_query_only_gathers(q);

	/* Lessons the query names and lessons asked for with --lesson. */
	if (has_words && o->taxonomy) {
		struct lesson_tags tags;

		lesson_tags_init(&tags);
		rc = lessons_tag(o->taxonomy, text, QUERY_LESSON_FRACTION,
				 &tags);
		for (size_t i = 0; !rc && i < tags.n; i++) {
			const char *name =
			    lessons_name(o->taxonomy, tags.v[i].lesson);
			long slot = lesson_slot(s, name);

			if (slot < 0)
				continue;
			rc = note_lesson(&s->named, &s->n_named,
					 (size_t)(slot - SLOT_LESSON_BASE),
					 tags.v[i].strength);
			if (!rc)
				rc = strvec_push(&res->named_lessons, name);
		}
		lesson_tags_release(&tags);
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < o->lessons.n; i++) {
		long slot = lesson_slot(s, o->lessons.v[i]);

		if (slot >= 0 &&
		    (rc = note_filter(s, (size_t)(slot - SLOT_LESSON_BASE))))
			goto out;
	}

	/*
	 * Every weight is divided by the largest boost so that no value
	 * weight is scaled above 1: Xapian 1.4 hands a posting source the
	 * matcher's minimum weight unscaled, and its own value source
	 * (the one remote shards run) stops at the first call where that
	 * exceeds its unscaled maximum, dropping documents that belong in
	 * the results.  Hit scores are multiplied back in fill_hit().
	 */
	s->weight_scale = TYPE_BOOST;
	if (s->n_filter && LESSON_FILTER_BOOST > s->weight_scale)
		s->weight_scale = LESSON_FILTER_BOOST;
	for (size_t i = 0; i < s->n_named; i++)
		if (LESSON_BOOST * s->named[i].strength > s->weight_scale)
			s->weight_scale = LESSON_BOOST * s->named[i].strength;
	if (s->weight_scale < 1)
		s->weight_scale = 1;
	if (s->weight_scale > 1) {
		f = xdb_query_scale(q, 1 / s->weight_scale);
		xdb_query_free(q);
		q = f;
		if (!q) {
			rc = EV_NOMEM;
			goto out;
		}
	}
	if ((rc = add_boosts(s, &q)))
		goto out;
	f = xdb_query_with_core(whole, q);
	xdb_query_free(q);
	q = f;
	if (!q) {
		rc = EV_NOMEM;
		goto out;
	}

	/* Filters. */
	if (o->lessons.n && (rc = combine(XDB_OP_FILTER, &q,
					  any_of(PREFIX_LESSON, &o->lessons))))
		goto out;
	if (o->types.n &&
	    (rc = combine(XDB_OP_FILTER, &q, any_of(PREFIX_TYPE, &o->types))))
		goto out;
	if (o->since || o->until) {
		f = xdb_query_value_range(SLOT_YEAR, o->since ? o->since : 0,
					  o->until ? o->until : 9999);
		if ((rc = combine(XDB_OP_FILTER, &q, f)))
			goto out;
	}
	*out = q;
	q = NULL;
out:
	if (rc == EV_NOMEM && !s->msg.len)
		buf_setf(&s->msg, "out of memory");
	xdb_query_free(q);
	xdb_query_free(whole);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading hits                                                        */

/* The number in SLOT of DOC in *X; 0 and *PRESENT false when unset. */
static ev_status value_number(xdb_doc_t *doc, unsigned slot, double *x,
			      int *present)
{
	char *v = NULL;
	size_t len = 0;
	ev_status rc = xdb_doc_get_value(doc, slot, &v, &len);

	*x = 0;
	*present = rc == EV_OK && len;
	if (*present)
		*x = xdb_sortable_unserialise(v, len);
	free(v);
	return rc;
}

/*
 * A hit's work as its document holds it: the record, its passages, and
 * the lessons each passage carries (see work_data() in the indexer: the
 * JSON {"record": {...}}, a NUL, then each passage's section, text and
 * lessons, each NUL-terminated).
 */
struct passage_tag {
	size_t lesson; /* index into searcher.lesson_names */
	double strength;
};

struct passage_tags {
	struct passage_tag *v;
	size_t n;
};

struct work_view {
	struct record rec;	/* without its passages: */
	struct passage *passages; /* those are here */
	struct passage_tags *tags; /* N of each */
	size_t n;
};

static void work_view_release(struct work_view *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->passages[i].text);
		free(w->passages[i].section);
		if (w->tags)
			free(w->tags[i].v);
	}
	free(w->passages);
	free(w->tags);
	record_release(&w->rec);
	w->passages = NULL;
	w->tags = NULL;
	w->n = 0;
}

/* A passage's lessons as work_data() writes them, "INDEX:STRENGTH"
 * pairs, blank-separated, from S into T: EV_PARSE when S is anything
 * else or names a lesson past N_LESSONS. */
static ev_status read_tags(const char *s, size_t n_lessons,
			   struct passage_tags *t)
{
	size_t n = *s != '\0';

	for (const char *p = s; *p; p++)
		n += *p == ' ';
	t->v = calloc(n + 1, sizeof(*t->v));
	if (!t->v)
		return EV_NOMEM;
	while (*s) {
		const char *x = s;
		size_t lesson = 0;
		double strength;
		char *end;

		/* Digits, a colon, a number that starts with a digit:
		 * strtoul() and strtod() alone would take blanks and signs
		 * too. */
		for (; *x >= '0' && *x <= '9' && lesson < n_lessons; x++)
			lesson = lesson * 10 + (size_t)(*x - '0');
		if (x == s || *x != ':' || lesson >= n_lessons ||
		    !(x[1] >= '0' && x[1] <= '9'))
			return EV_PARSE;
		strength = strtod(x + 1, &end);
		if (!isfinite(strength) || (*end != ' ' && *end) || t->n == n)
			return EV_PARSE;
		t->v[t->n].lesson = lesson;
		t->v[t->n++].strength = strength;
		s = end + (*end == ' ');
		if (*end == ' ' && !*s)
			return EV_PARSE;
	}
	return EV_OK;
}

/* The NUL-terminated string at *P, which must end before END, into *OUT
 * (NULL when empty); *P moves past it.  EV_PARSE when it has no NUL: the
 * data was cut short. */
static ev_status take_string(const char **p, const char *end, char **out)
{
	size_t len = *p < end ? strnlen(*p, (size_t)(end - *p)) : 0;

	if (*p + len >= end)
		return EV_PARSE;
	if (len && !(*out = strndup(*p, len)))
		return EV_NOMEM;
	*p += len + 1;
	return EV_OK;
}

/* The passages that follow the JSON head of a work's data, from P to
 * END, into W, with their lessons (N_LESSONS in the index): EV_PARSE
 * when they are not all there. */
static ev_status read_passages(const char *p, const char *end,
			       size_t n_lessons, struct work_view *w)
{
	size_t strings = 0, n;
	ev_status rc = EV_OK;

	for (const char *q = p; q < end;) {
		const char *nul = memchr(q, '\0', (size_t)(end - q));

		if (!nul)
			return EV_PARSE;
		strings++;
		q = nul + 1;
	}
	if (strings % 3)
		return EV_PARSE;
	n = strings / 3;
	w->passages = calloc(n + 1, sizeof(*w->passages));
	w->tags = calloc(n + 1, sizeof(*w->tags));
	if (!w->passages || !w->tags)
		return EV_NOMEM;
	w->n = n;
	for (size_t i = 0; !rc && i < n; i++) {
		rc = take_string(&p, end, &w->passages[i].section);
		if (!rc)
			rc = take_string(&p, end, &w->passages[i].text);
		if (!rc && !w->passages[i].text)
			rc = EV_PARSE;
		if (!rc) {
			/* The lessons are read where they lie. */
			rc = read_tags(p, n_lessons, &w->tags[i]);
			p += strlen(p) + 1;
		}
	}
	return rc;
}

/* Read the work of document DOC into W (initialised by this call). */
static ev_status work_view_load(struct searcher *s, xdb_doc_t *doc,
				struct work_view *w)
{
	json_t *root = NULL;
	json_error_t jerr;
	char *data = NULL;
	size_t len = 0, head;
	ev_status rc;

	record_init(&w->rec);
	w->passages = NULL;
	w->tags = NULL;
	w->n = 0;
	rc = xdb_doc_get_data(doc, &data, &len);
	if (rc) {
		buf_setf(&s->msg, "cannot read a result: %s",
			 xdb_doc_errmsg(doc));
		return rc;
	}
	head = strnlen(data, len);
	root = json_loadb(data, head, 0, &jerr);
	rc = root ? record_from_json_value(json_object_get(root, "record"),
					   &w->rec)
		  : EV_PARSE;
	if (!rc && w->rec.n_passages)
		rc = EV_PARSE;
	if (!rc)
		rc = read_passages(data + head + (head < len), data + len,
				   s->lesson_names.n, w);
	if (rc == EV_PARSE || (!rc && !w->rec.id)) {
		buf_setf(&s->msg, "an index entry is damaged: %s",
			 root ? "unexpected data" : jerr.text);
		rc = EV_CORRUPT;
	}
	json_decref(root);
	free(data);
	if (rc)
		work_view_release(w);
	return rc;
}

/*
 * How well passage I of W answers the search: its words (s->scorer),
 * plus the lessons the query names and the --lesson lessons it carries,
 * weighted as the query weights them for works.  -1 when --lesson is
 * given and the passage carries none of those lessons.
 */
static double score_passage(struct searcher *s, const struct work_view *w,
			    size_t i)
{
	const struct passage_tags *t = &w->tags[i];
	const struct passage *p = &w->passages[i];
	int eligible = s->n_filter == 0;
	double score = 0;

	for (size_t k = 0; k < t->n; k++) {
		for (size_t f = 0; f < s->n_filter; f++)
			if (s->filter[f] == t->v[k].lesson) {
				eligible = 1;
				score += LESSON_FILTER_BOOST * t->v[k].strength;
			}
		for (size_t n = 0; n < s->n_named; n++)
			if (s->named[n].lesson == t->v[k].lesson)
				score += LESSON_BOOST * s->named[n].strength *
					 t->v[k].strength;
	}
	if (!eligible)
		return -1;
	return score + passage_score(s->scorer, p->section, p->text);
}

#define NO_PASSAGE ((size_t)-1)

/* The passage of W to show for the search: the best scoring one (the
 * first of equals), NO_PASSAGE when W has none it may show. */
static size_t best_passage(struct searcher *s, const struct work_view *w)
{
	size_t best = NO_PASSAGE;
	double top = -1;

	for (size_t i = 0; i < w->n; i++) {
		double x = score_passage(s, w, i);

		if (x > top) {
			top = x;
			best = i;
		}
	}
	return best;
}

/* MSET's snippets stem with the scorer's stemmer, which has stemmed
 * the words of the hits' passages already: set once for the result set,
 * which binds it to the query (xdb_mset_set_stem()). */
static void snippets_stem_as_scorer(struct searcher *s, xdb_mset_t *mset)
{
	xdb_mset_set_stem(mset, passage_scorer_stem(s->scorer));
}

/* Free what HIT holds and zero it. */
static void hit_release(struct search_hit *h)
{
	record_release(&h->work);
	free(h->passage_text);
	free(h->snippet);
	for (size_t k = 0; k < h->n_lessons; k++)
		free(h->lessons[k].lesson);
	free(h->lessons);
	memset(h, 0, sizeof(*h));
}

static ev_status add_hit_lesson(struct searcher *s, struct search_hit *hit,
				size_t lesson, double strength)
{
	struct hit_lesson *l =
	    realloc(hit->lessons, (hit->n_lessons + 1) * sizeof(*l));

	if (!l)
		return EV_NOMEM;
	hit->lessons = l;
	l += hit->n_lessons;
	l->lesson = strdup(s->lesson_names.v[lesson]);
	l->strength = strength;
	if (!l->lesson)
		return EV_NOMEM;
	hit->n_lessons++;
	return EV_OK;
}

/* The lessons of a work without passages, from its document's values. */
static ev_status hit_lessons(struct searcher *s, xdb_doc_t *doc,
			     struct search_hit *hit)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < s->lesson_names.n; i++) {
		int present;
		double x;

		rc = value_number(doc, SLOT_LESSON_BASE + (unsigned)i, &x,
				  &present);
		if (rc)
			buf_setf(&s->msg, "cannot read a result: %s",
				 xdb_doc_errmsg(doc));
		else if (present && x > 0)
			rc = add_hit_lesson(s, hit, i, x);
	}
	return rc;
}

/*
 * Fill HIT from W and its passage P (none when P is NO_PASSAGE), with
 * result I of MSET (document DOC) for its score and snippet.  W's record
 * moves into the hit.
 */
static ev_status fill_hit(struct searcher *s, xdb_mset_t *mset, unsigned i,
			  xdb_doc_t *doc, struct work_view *w, size_t p,
			  struct search_hit *hit)
{
	ev_status rc;

	rc = xdb_mset_hit(mset, i, NULL, &hit->score, NULL);
	if (rc) {
		buf_setf(&s->msg, "cannot read a result: %s",
			 xdb_mset_errmsg(mset));
		return rc;
	}
	hit->score *= s->weight_scale;
	hit->work = w->rec;
	record_init(&w->rec);
	if (p == NO_PASSAGE)
		return hit_lessons(s, doc, hit);
	hit->passage = (unsigned)p + 1;
	hit->passage_text = strdup(w->passages[p].text);
	if (!hit->passage_text)
		return EV_NOMEM;
	for (size_t k = 0; !rc && k < w->tags[p].n; k++)
		rc = add_hit_lesson(s, hit, w->tags[p].v[k].lesson,
				    w->tags[p].v[k].strength);
	if (!rc) {
		rc = xdb_mset_snippet(mset, hit->passage_text, SNIPPET_LENGTH,
				      "**", "**", "...", 1, &hit->snippet);
		if (rc)
			buf_setf(&s->msg, "cannot make a snippet: %s",
				 xdb_mset_errmsg(mset));
	}
	return rc;
}

static void searcher_release(struct searcher *s)
{
	passage_scorer_free(s->scorer);
	free(s->named);
	free(s->filter);
	xdb_qp_free(s->qp);
	if (!s->db_borrowed)
		xdb_close(s->db);
	strvec_release(&s->lesson_names);
	free(s->lesson_values);
	buf_release(&s->msg);
}

/*
 * What search_run() and search_each_work() share: check the query, open
 * the index (or take OPEN, INDEX_DIR open already), build the query and
 * an Enquire for it.  Lessons the query names go into RES.
 */
static ev_status prepare(struct searcher *s, const char *index_dir,
			 xdb_t *open, const struct search_options *o,
			 struct search_result *res, xdb_query_t **queryp,
			 xdb_enquire_t **enqp)
{
	ev_status rc;

	if (strlen(o->query) > SEARCH_MAX_QUERY_BYTES) {
		buf_setf(&s->msg, "query too long: %zu bytes, the limit is %d",
			 strlen(o->query), SEARCH_MAX_QUERY_BYTES);
		return EV_BAD_QUERY;
	}
	rc = open_index(s, index_dir, open);
	if (!rc)
		rc = load_lesson_names(s);
	if (!rc)
		rc = setup_parser(s);
	if (!rc)
		rc = build_query(s, o, res, queryp);
	if (rc)
		return rc;
	*enqp = xdb_enquire_new(s->db);
	if (!*enqp)
		return EV_NOMEM;
	rc = xdb_enquire_set_query(*enqp, *queryp);
	if (rc)
		buf_setf(&s->msg, "search failed: %s",
			 xdb_enquire_errmsg(*enqp));
	return rc;
}

/* Result I of MSET, its document in *DOCP and its work in W. */
static ev_status load_result(struct searcher *s, xdb_mset_t *mset,
			     unsigned i, xdb_doc_t **docp, struct work_view *w)
{
	ev_status rc = xdb_mset_document(mset, i, docp);

	if (rc) {
		buf_setf(&s->msg, "cannot read a result: %s",
			 xdb_mset_errmsg(mset));
		record_init(&w->rec);
		w->passages = NULL;
		w->tags = NULL;
		w->n = 0;
		return rc;
	}
	return work_view_load(s, *docp, w);
}

/* HIT: result I of MSET with its best passage. */
static ev_status work_hit(struct searcher *s, xdb_mset_t *mset, unsigned i,
			  struct search_hit *hit)
{
	xdb_doc_t *doc = NULL;
	struct work_view w;
	ev_status rc = load_result(s, mset, i, &doc, &w);

	if (!rc)
		rc = fill_hit(s, mset, i, doc, &w, best_passage(s, &w), hit);
	work_view_release(&w);
	xdb_doc_free(doc);
	return rc;
}

struct passage_order {
	size_t i;
	double score;
};

static int by_score(const void *a, const void *b)
{
	const struct passage_order *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Room for one more hit in RES; NULL when out of memory. */
static struct search_hit *new_hit(struct search_result *res, size_t *alloc)
{
	if (res->n_hits == *alloc) {
		size_t n = *alloc ? 2 * *alloc : 16;
		struct search_hit *h = realloc(res->hits, n * sizeof(*h));

		if (!h)
			return NULL;
		res->hits = h;
		*alloc = n;
	}
	memset(&res->hits[res->n_hits], 0, sizeof(*res->hits));
	record_init(&res->hits[res->n_hits].work);
	return &res->hits[res->n_hits];
}

/*
 * --all-passages: the passages of result I of MSET that answer the
 * search (carry a --lesson lesson if any is given, and have a query word
 * or named lesson unless the query has no words), best first, appended
 * to RES up to LIMIT hits after skipping *SKIP of them.
 */
static ev_status passage_hits(struct searcher *s, xdb_mset_t *mset,
			      unsigned i, unsigned limit, unsigned *skip,
			      struct search_result *res, size_t *alloc)
{
	xdb_doc_t *doc = NULL;
	struct work_view w;
	struct passage_order *order = NULL;
	size_t n = 0;
	ev_status rc = load_result(s, mset, i, &doc, &w);

	if (!rc && w.n) {
		order = calloc(w.n, sizeof(*order));
		if (!order)
			rc = EV_NOMEM;
	}
	for (size_t p = 0; !rc && p < w.n; p++) {
		double x = score_passage(s, &w, p);

		if (x > 0 || (x == 0 && !passage_scorer_has_words(s->scorer) &&
			      !s->n_named)) {
			order[n].i = p;
			order[n++].score = x;
		}
	}
	if (n > 1)
		qsort(order, n, sizeof(*order), by_score);
	for (size_t k = 0; !rc && k < n && res->n_hits < limit; k++) {
		struct search_hit *hit;

		if (*skip) {
			(*skip)--;
			continue;
		}
		hit = new_hit(res, alloc);
		if (!hit) {
			rc = EV_NOMEM;
			break;
		}
		/* Each hit owns its record: the view is read again for the
		 * next one. */
		if (!w.rec.id) {
			work_view_release(&w);
			rc = work_view_load(s, doc, &w);
		}
		if (!rc) {
			res->n_hits++;
			rc = fill_hit(s, mset, i, doc, &w, order[k].i, hit);
		}
	}
	free(order);
	work_view_release(&w);
	xdb_doc_free(doc);
	return rc;
}

/* RES's total from MSET: exact when Xapian's bounds meet (it saw every
 * match), its estimate otherwise. */
static void set_total(struct search_result *res, const xdb_mset_t *mset)
{
	res->total = xdb_mset_matches_estimated(mset);
	res->total_exact = xdb_mset_matches_lower_bound(mset) ==
			   xdb_mset_matches_upper_bound(mset);
}

/* One page of results: a hit per work, with its best passage. */
static ev_status rank_works(struct searcher *s, xdb_enquire_t *enq,
			    const struct search_options *o, unsigned limit,
			    struct search_result *res, xdb_mset_t **msetp)
{
	ev_status rc;

	/*
	 * Counting matches exactly past the page costs: Xapian must score
	 * every one of them rather than skip those that cannot reach the
	 * page (a phrase query on 100,000 pages took twice as long with
	 * 1,000 more than with 100).  So "total" is exact up to about a
	 * hundred works past the page and Xapian's estimate beyond.
	 */
	rc = xdb_enquire_get_mset(enq, o->offset, limit,
				  o->offset + limit + 100, msetp);
	if (rc)
		return rc;
	snippets_stem_as_scorer(s, *msetp);
	set_total(res, *msetp);
	res->n_hits = xdb_mset_size(*msetp);
	res->hits = calloc(res->n_hits + 1, sizeof(*res->hits));
	if (!res->hits)
		return EV_NOMEM;
	for (size_t i = 0; i < res->n_hits; i++) {
		record_init(&res->hits[i].work);
		res->hits[i].rank = o->offset + (unsigned)i + 1;
	}
	for (size_t i = 0; !rc && i < res->n_hits; i++)
		rc = work_hit(s, *msetp, (unsigned)i, &res->hits[i]);
	return rc;
}

/* Works are read this many at a time for --all-passages. */
#define PASSAGE_PAGE 100

static ev_status search_once(const char *index_dir, xdb_t *open,
			     const struct search_options *o,
			     struct search_result *res, char **msgp)
{
	struct searcher s = {0};
	xdb_query_t *query = NULL;
	xdb_enquire_t *enq = NULL;
	xdb_mset_t *mset = NULL;
	ev_status rc;
	unsigned limit =
	    o->limit > SEARCH_MAX_LIMIT ? SEARCH_MAX_LIMIT : o->limit;

	memset(res, 0, sizeof(*res));
	strvec_init(&res->named_lessons);
	if (msgp)
		*msgp = NULL;
	rc = prepare(&s, index_dir, open, o, res, &query, &enq);
	if (!rc) {
		rc = passage_scorer_new(s.db, query, &s.scorer);
		if (rc && rc != EV_NOMEM)
			buf_setf(&s.msg, "cannot read the index: %s",
				 xdb_errmsg(s.db));
	}
	if (rc)
		goto out;
	if (o->all_passages) {
		unsigned first = 0, size, skip = o->offset;
		size_t alloc = 0;

		do {
			rc = xdb_enquire_get_mset(enq, first, PASSAGE_PAGE,
						  first ? 0 : 1000, &mset);
			if (rc)
				break;
			snippets_stem_as_scorer(&s, mset);
			if (!first)
				set_total(res, mset);
			size = xdb_mset_size(mset);
			for (unsigned i = 0;
			     !rc && i < size && res->n_hits < limit; i++)
				rc = passage_hits(&s, mset, i, limit, &skip,
						  res, &alloc);
			xdb_mset_free(mset);
			mset = NULL;
			first += size;
		} while (!rc && size == PASSAGE_PAGE && res->n_hits < limit);
	} else {
		rc = rank_works(&s, enq, o, limit, res, &mset);
	}
	if (rc && !s.msg.len && rc != EV_NOMEM)
		buf_setf(&s.msg, "search failed: %s", xdb_enquire_errmsg(enq));
	for (size_t i = 0; !rc && o->all_passages && i < res->n_hits; i++)
		res->hits[i].rank = o->offset + (unsigned)i + 1;
	if (!rc && res->n_hits == 0 && o->offset == 0)
		res->suggestion = suggest(&s, o->query);
out:
	if (rc == EV_NOMEM && !s.msg.len)
		buf_setf(&s.msg, "out of memory");
	if (rc == EV_CORRUPT && !strstr(buf_str(&s.msg), "--rebuild"))
		buf_addstr(&s.msg, reader_advice(rc));
	if (rc && msgp)
		*msgp = strdup(s.msg.len ? buf_str(&s.msg)
					 : status_to_string(rc));
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	xdb_query_free(query);
	searcher_release(&s);
	return rc;
}

/*
 * A search is read-only, so when a writer commits faster than the
 * binding's own reopen-and-retry keeps up (EV_MODIFIED), it starts over
 * on the newest revision, up to eight times, waiting longer each time.
 * Glass can also report a block a writer is rewriting under a reader as
 * corrupt ("Expected block 10 to be level 1, not 0"): damage that is
 * real is there again on the next attempts, so that is tried twice more.
 */
#define SEARCH_RETRIES 8
#define SEARCH_CORRUPT_RETRIES 3

ev_status search_run(const char *index_dir, const struct search_options *o,
		     struct search_result *res, char **msgp)
{
	ev_status rc = EV_OK;
	int corrupt = 0;

	for (int attempt = 0; attempt <= SEARCH_RETRIES; attempt++) {
		if (attempt) {
			/* 20 ms, then 40... up to 640 ms: 2.5 s in all. */
			long ms = 10L << (attempt < 6 ? attempt : 6);
			struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

			search_result_release(res);
			if (msgp) {
				free(*msgp);
				*msgp = NULL;
			}
			nanosleep(&ts, NULL);
		}
		/* The caller's open index the first time: after a change
		 * or damage, the index is opened afresh. */
		rc = search_once(index_dir, attempt ? NULL : o->db, o, res,
				 msgp);
		if (rc == EV_CORRUPT && ++corrupt < SEARCH_CORRUPT_RETRIES)
			continue;
		if (rc != EV_MODIFIED)
			break;
	}
	return rc;
}

ev_status search_open(const char *index_dir, xdb_t **dbp, char **msgp)
{
	ev_status rc = reader_open(index_dir, dbp, msgp);

	if (rc)
		*dbp = NULL;
	if (rc == EV_MODIFIED || rc == EV_CORRUPT) {
		free(*msgp);
		*msgp = NULL;
		rc = EV_OK;
	}
	return rc;
}

void search_result_release(struct search_result *res)
{
	for (size_t i = 0; i < res->n_hits; i++)
		hit_release(&res->hits[i]);
	free(res->hits);
	free(res->suggestion);
	strvec_release(&res->named_lessons);
	memset(res, 0, sizeof(*res));
}

/* Works are read a page at a time, so a walk over a large collection
 * holds one page of results, not all of them. */
#define EACH_PAGE 2000

ev_status search_each_work(const char *index_dir,
			   const struct search_options *o, search_work_fn fn,
			   void *ctx, char **msgp)
{
	struct searcher s = {0};
	struct search_result named = {0};
	xdb_query_t *query = NULL;
	xdb_enquire_t *enq = NULL;
	xdb_mset_t *mset = NULL;
	unsigned first = 0, size;
	int stop = 0;
	ev_status rc;

	strvec_init(&named.named_lessons);
	if (msgp)
		*msgp = NULL;
	if (o->all_passages) {
		buf_setf(&s.msg, "a walk over works cannot list passages");
		rc = EV_USAGE;
		goto out;
	}
	rc = prepare(&s, index_dir, o->db, o, &named, &query, &enq);
	if (rc)
		goto out;
	do {
		rc = xdb_enquire_get_mset(enq, first, EACH_PAGE, 0, &mset);
		if (rc) {
			buf_setf(&s.msg, "search failed: %s",
				 xdb_enquire_errmsg(enq));
			break;
		}
		size = xdb_mset_size(mset);
		for (unsigned i = 0; !rc && !stop && i < size; i++) {
			xdb_doc_t *doc = NULL;

			rc = xdb_mset_document(mset, i, &doc);
			if (rc)
				buf_setf(&s.msg, "cannot read a result: %s",
					 xdb_mset_errmsg(mset));
			else
				stop = fn(doc, ctx);
			xdb_doc_free(doc);
		}
		xdb_mset_free(mset);
		mset = NULL;
		first += size;
	} while (!rc && !stop && size == EACH_PAGE);
out:
	if (rc == EV_CORRUPT && !strstr(buf_str(&s.msg), "--rebuild"))
		buf_addstr(&s.msg, reader_advice(rc));
	if (rc && msgp)
		*msgp = strdup(s.msg.len ? buf_str(&s.msg)
					 : status_to_string(rc));
	xdb_enquire_free(enq);
	xdb_query_free(query);
	search_result_release(&named);
	searcher_release(&s);
	return rc;
}
