/* search.c - ranked evidence for a query */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fields.h"
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
	xdb_qp_t *qp;
	/* The cap on value-weighted boosts.  0 (none) for a stub file,
	 * which may name remote shards: Xapian sends only registered
	 * posting sources to xapian-tcpsrv, and the capped one is not.
	 * The indexer writes lesson strengths and type priors in [0, 1],
	 * so both give the same weights. */
	double value_cap;
	struct strvec lesson_names; /* slot order, from the index */
	struct buf msg;
};

static ev_status open_index(struct searcher *s, const char *dir)
{
	char *msg = NULL;
	ev_status rc = reader_open(dir, &s->db, &msg);

	s->value_cap = reader_is_stub(dir) ? 0 : 1.0;
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

/*
 * Build the whole query: the user's words, widened by the lessons they
 * name, boosted by evidence type and lesson strength, and filtered.
 */
static ev_status build_query(struct searcher *s,
			     const struct search_options *o,
			     struct search_result *res, xdb_query_t **out)
{
	xdb_query_t *q = NULL, *f;
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
		rc = xdb_qp_parse(s->qp, text,
				  XDB_QP_DEFAULT | XDB_QP_SPELLING_CORRECTION |
				      XDB_QP_AUTO_SYNONYMS,
				  &q);
		if (rc) {
			buf_setf(&s->msg, "bad query: %s",
				 xdb_qp_errmsg(s->qp));
			goto out;
		}
	} else {
		q = xdb_query_match_all();
		if (!q) {
			rc = EV_NOMEM;
			goto out;
		}
	}

	/* Lessons the query names: find their passages even without the
	 * words, weighted by how strongly each passage carries them. */
	if (has_words && o->taxonomy) {
		struct lesson_tags tags;

		lesson_tags_init(&tags);
		rc = lessons_tag(o->taxonomy, text, QUERY_LESSON_FRACTION,
				 &tags);
		for (size_t i = 0; !rc && i < tags.n; i++) {
			const char *name =
			    lessons_name(o->taxonomy, tags.v[i].lesson);
			long slot = lesson_slot(s, name);
			xdb_query_t *v;

			if (slot < 0)
				continue;
			rc = strvec_push(&res->named_lessons, name);
			v = xdb_query_value_weight((unsigned)slot, s->value_cap);
			if (!rc && v) {
				xdb_query_t *scaled = xdb_query_scale(
				    v, LESSON_BOOST * tags.v[i].strength);

				xdb_query_free(v);
				rc = combine(XDB_OP_OR, &q, scaled);
			} else if (!rc) {
				rc = EV_NOMEM;
			}
		}
		lesson_tags_release(&tags);
		if (rc)
			goto out;
	}
	/* Lessons asked for with --lesson: stronger passages first. */
	for (size_t i = 0; i < o->lessons.n; i++) {
		long slot = lesson_slot(s, o->lessons.v[i]);

		if (slot < 0)
			continue;
		f = xdb_query_value_weight((unsigned)slot, s->value_cap);
		if (f) {
			xdb_query_t *scaled =
			    xdb_query_scale(f, LESSON_FILTER_BOOST);

			xdb_query_free(f);
			f = scaled;
		}
		if ((rc = combine(XDB_OP_AND_MAYBE, &q, f)))
			goto out;
	}
	/* Stronger evidence a little higher. */
	f = xdb_query_value_weight(SLOT_TYPE_PRIOR, s->value_cap);
	if (f) {
		xdb_query_t *scaled = xdb_query_scale(f, TYPE_BOOST);

		xdb_query_free(f);
		f = scaled;
	}
	if ((rc = combine(XDB_OP_AND_MAYBE, &q, f)))
		goto out;

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
	if (o->all_passages &&
	    (rc = combine(XDB_OP_FILTER, &q,
			  xdb_query_term(PREFIX_KIND "passage", 1))))
		goto out;
	*out = q;
	q = NULL;
out:
	if (rc == EV_NOMEM && !s->msg.len)
		buf_setf(&s->msg, "out of memory");
	xdb_query_free(q);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading hits                                                        */

static double value_number(xdb_doc_t *doc, unsigned slot, int *present)
{
	char *v = NULL;
	size_t len = 0;
	double x = 0;

	*present = 0;
	if (xdb_doc_get_value(doc, slot, &v, &len) == EV_OK && len) {
		x = xdb_sortable_unserialise(v, len);
		*present = 1;
	}
	free(v);
	return x;
}

static ev_status hit_lessons(struct searcher *s, xdb_doc_t *doc,
			     struct search_hit *hit)
{
	for (size_t i = 0; i < s->lesson_names.n; i++) {
		int present;
		double x = value_number(doc, SLOT_LESSON_BASE + (unsigned)i,
					&present);
		struct hit_lesson *l;

		if (!present || x <= 0)
			continue;
		l = realloc(hit->lessons, (hit->n_lessons + 1) * sizeof(*l));
		if (!l)
			return EV_NOMEM;
		hit->lessons = l;
		l += hit->n_lessons;
		l->lesson = strdup(s->lesson_names.v[i]);
		l->strength = x;
		if (!l->lesson)
			return EV_NOMEM;
		hit->n_lessons++;
	}
	return EV_OK;
}

/* Fill HIT->work from the work document of work ID. */
static ev_status load_work(struct searcher *s, const char *id,
			   struct search_hit *hit, xdb_doc_t **workdocp)
{
	char term[XDB_MAX_TERM + 64], err[256];
	xdb_doc_t *doc = NULL;
	char *data = NULL;
	size_t len = 0;
	ev_status rc;

	*workdocp = NULL;
	field_id_term(PREFIX_ID, id, term, sizeof(term));
	rc = xdb_find_document(s->db, term, &doc);
	if (!rc)
		rc = xdb_doc_get_data(doc, &data, &len);
	if (!rc)
		rc = record_from_json(data, len, &hit->work, err, sizeof(err));
	if (rc == EV_PARSE) {
		buf_setf(&s->msg, "the index entry for %s is damaged: %s", id,
			 err);
		rc = EV_CORRUPT;
	} else if (rc && rc != EV_NOT_FOUND) {
		buf_setf(&s->msg, "cannot read the index entry for %s: %s", id,
			 xdb_errmsg(s->db));
	}
	free(data);
	if (rc)
		xdb_doc_free(doc);
	else
		*workdocp = doc;
	return rc;
}

/* Fill the passage part of HIT from passage document DOC. */
static ev_status load_passage(struct searcher *s, xdb_doc_t *doc,
			      struct search_hit *hit)
{
	int present;
	double n = value_number(doc, SLOT_PASSAGE, &present);
	ev_status rc;

	hit->passage = present ? (unsigned)n : 0;
	rc = xdb_doc_get_data(doc, &hit->passage_text, NULL);
	if (!rc)
		rc = hit_lessons(s, doc, hit);
	return rc;
}

/*
 * The best passage of work ID for QUERY, for a hit on the work document
 * itself (its title or authors matched): so every hit can show text.
 * *DOCP is NULL when the work has no passage that matches; the caller
 * then shows passage 1.
 */
static ev_status best_passage(struct searcher *s, const xdb_query_t *query,
			      const char *id, xdb_doc_t **docp)
{
	char term[XDB_MAX_TERM + 64];
	xdb_query_t *q = NULL, *f = NULL, *k = NULL;
	xdb_enquire_t *enq = NULL;
	xdb_mset_t *mset = NULL;
	ev_status rc = EV_NOMEM;

	*docp = NULL;
	field_id_term(PREFIX_WORK, id, term, sizeof(term));
	f = xdb_query_term(term, 1);
	k = xdb_query_term(PREFIX_KIND "passage", 1);
	if (!f || !k)
		goto out;
	q = xdb_query_combine(XDB_OP_FILTER, query, f);
	xdb_query_free(f);
	f = q ? xdb_query_combine(XDB_OP_FILTER, q, k) : NULL;
	if (!f)
		goto out;
	enq = xdb_enquire_new(s->db);
	if (!enq)
		goto out;
	rc = xdb_enquire_set_query(enq, f);
	if (!rc)
		rc = xdb_enquire_get_mset(enq, 0, 1, 1, &mset);
	if (!rc && xdb_mset_size(mset) > 0)
		rc = xdb_mset_document(mset, 0, docp);
	if (rc)
		buf_setf(&s->msg, "search failed: %s",
			 xdb_enquire_errmsg(enq));
out:
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	xdb_query_free(q);
	xdb_query_free(f);
	xdb_query_free(k);
	return rc;
}

static ev_status first_passage(struct searcher *s, const char *id,
			       xdb_doc_t **docp)
{
	char term[XDB_MAX_TERM + 64];
	struct buf b = BUF_INIT;
	ev_status rc;

	*docp = NULL;
	rc = buf_printf(&b, "%s#1", id);
	if (rc)
		return rc;
	field_id_term(PREFIX_ID, buf_str(&b), term, sizeof(term));
	buf_release(&b);
	rc = xdb_find_document(s->db, term, docp);
	return rc == EV_NOT_FOUND ? EV_OK : rc;
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

/* Fill HIT from result I of MSET.  EV_NOT_FOUND when the hit's work
 * document is not in the index (yet). */
static ev_status load_hit(struct searcher *s, xdb_mset_t *mset, unsigned i,
			  const xdb_query_t *query, struct search_hit *hit)
{
	xdb_doc_t *doc = NULL, *work = NULL, *passage = NULL;
	char *id = NULL;
	int is_passage;
	ev_status rc;

	rc = xdb_mset_hit(mset, i, NULL, &hit->score, NULL);
	if (!rc)
		rc = xdb_mset_document(mset, i, &doc);
	if (rc) {
		buf_setf(&s->msg, "cannot read a result: %s",
			 xdb_mset_errmsg(mset));
		goto out;
	}
	rc = xdb_doc_get_value(doc, SLOT_WORK_ID, &id, NULL);
	if (!rc)
		rc = load_work(s, id, hit, &work);
	if (rc)
		goto out;
	value_number(doc, SLOT_PASSAGE, &is_passage);
	if (is_passage) {
		rc = load_passage(s, doc, hit);
	} else {
		rc = best_passage(s, query, id, &passage);
		if (!rc && !passage)
			rc = first_passage(s, id, &passage);
		if (!rc && passage)
			rc = load_passage(s, passage, hit);
		else if (!rc)
			rc = hit_lessons(s, work, hit);
	}
	if (!rc && hit->passage_text) {
		rc = xdb_mset_snippet(mset, hit->passage_text, SNIPPET_LENGTH,
				      "**", "**", "...", 1, &hit->snippet);
		if (rc)
			buf_setf(&s->msg, "cannot make a snippet: %s",
				 xdb_mset_errmsg(mset));
	}
out:
	free(id);
	xdb_doc_free(doc);
	xdb_doc_free(work);
	xdb_doc_free(passage);
	return rc;
}

static void searcher_release(struct searcher *s)
{
	xdb_qp_free(s->qp);
	xdb_close(s->db);
	strvec_release(&s->lesson_names);
	buf_release(&s->msg);
}

/*
 * What search_run() and search_each_work() share: check the query, open
 * the index, build the query and an Enquire for it, collapsed by work
 * unless O asks for all passages.  Lessons the query names go into RES.
 */
static ev_status prepare(struct searcher *s, const char *index_dir,
			 const struct search_options *o,
			 struct search_result *res, xdb_query_t **queryp,
			 xdb_enquire_t **enqp)
{
	ev_status rc;

	if (strlen(o->query) > SEARCH_MAX_QUERY_BYTES) {
		buf_setf(&s->msg, "query too long: %zu bytes, the limit is %d",
			 strlen(o->query), SEARCH_MAX_QUERY_BYTES);
		return EV_BAD_QUERY;
	}
	rc = open_index(s, index_dir);
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
	if (!rc && !o->all_passages)
		rc = xdb_enquire_set_collapse_key(*enqp, SLOT_WORK_ID, 1);
	if (rc)
		buf_setf(&s->msg, "search failed: %s",
			 xdb_enquire_errmsg(*enqp));
	return rc;
}

static ev_status search_once(const char *index_dir,
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
	rc = prepare(&s, index_dir, o, res, &query, &enq);
	if (rc)
		goto out;
	rc = xdb_enquire_get_mset(enq, o->offset, limit,
				  o->offset + limit + 1000, &mset);
	if (rc) {
		buf_setf(&s.msg, "search failed: %s", xdb_enquire_errmsg(enq));
		goto out;
	}
	res->total = xdb_mset_matches_estimated(mset);
	res->n_hits = xdb_mset_size(mset);
	if (res->n_hits) {
		res->hits = calloc(res->n_hits, sizeof(*res->hits));
		if (!res->hits) {
			rc = EV_NOMEM;
			goto out;
		}
	}
	/* A passage whose work document is not there (a writer between
	 * the two, or killed there; the next index run completes it) is
	 * left out, not an error.  Slots past KEPT stay zeroed, so on a
	 * failure all N are released as before. */
	{
		size_t n = res->n_hits, kept = 0;

		for (size_t i = 0; !rc && i < n; i++) {
			struct search_hit *hit = &res->hits[kept];

			record_init(&hit->work);
			hit->rank = o->offset + (unsigned)kept + 1;
			rc = load_hit(&s, mset, (unsigned)i, query, hit);
			if (rc == EV_NOT_FOUND) {
				hit_release(hit);
				rc = EV_OK;
				continue;
			}
			kept++;
		}
		if (!rc)
			res->n_hits = kept;
	}
	if (!rc && res->n_hits == 0 && o->offset == 0)
		res->suggestion = xdb_qp_corrected(s.qp);
out:
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
		rc = search_once(index_dir, o, res, msgp);
		if (rc == EV_CORRUPT && ++corrupt < SEARCH_CORRUPT_RETRIES)
			continue;
		if (rc != EV_MODIFIED)
			break;
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
	rc = prepare(&s, index_dir, o, &named, &query, &enq);
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
