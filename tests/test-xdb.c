/* test-xdb.c - unit tests for the C binding over Xapian (lib/xdb.cc) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "fsutil.h"
#include "status.h"
#include "xdb.h"

#include "tap.h"

/* Value slots of the main test database. */
enum { SLOT_YEAR, SLOT_WORK, SLOT_TYPE, SLOT_STRENGTH, SLOT_PRIOR };

/* Short enough that every path made from it fits in PATH_MAX. */
static char tmpdir[256];

/* TMPDIR/NAME in a static buffer (one at a time). */
static const char *tmp_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Print a skipped check, in TAP. */
static void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_n, why);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Open PATH read-only; NULL, and a failed check, when it cannot be. */
static xdb_t *open_reader(const char *path)
{
	xdb_t *db = NULL;
	char *msg = NULL;

	if (xdb_open(path, XDB_READ, &db, &msg) != EV_OK)
		ok(0, "open %s: %s", path, msg ? msg : "");
	free(msg);
	return db;
}

/* A growing string for callbacks to append to. */
struct strbuf {
	char s[4096];
	size_t len;
};

static void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->s[0] = '\0';
}

static void sb_add(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len >= sizeof(sb->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->s + sb->len, sizeof(sb->s) - sb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n < sizeof(sb->s) - sb->len
				   ? (size_t)n
				   : sizeof(sb->s) - sb->len - 1;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* The docids of MSET as "1,2,3", sorted when SORTED, else in rank order. */
static void mset_ids(xdb_mset_t *mset, int sorted, struct strbuf *out)
{
	unsigned ids[512], n = xdb_mset_size(mset);

	sb_reset(out);
	if (n > 512)
		n = 512;
	for (unsigned i = 0; i < n; i++)
		if (xdb_mset_hit(mset, i, &ids[i], NULL, NULL) != EV_OK)
			ids[i] = 0;
	if (sorted)
		qsort(ids, n, sizeof(ids[0]), cmp_unsigned);
	for (unsigned i = 0; i < n; i++)
		sb_add(out, "%s%u", i ? "," : "", ids[i]);
}

/* Run Q on DB and put the matching docids in OUT (see mset_ids()). */
static ev_status query_ids(xdb_t *db, const xdb_query_t *q, int sorted,
			   struct strbuf *out)
{
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;
	ev_status rc;

	sb_reset(out);
	if (!enq)
		return EV_NOMEM;
	rc = xdb_enquire_set_query(enq, q);
	if (rc == EV_OK)
		rc = xdb_enquire_get_mset(enq, 0, 100, 100, &mset);
	if (rc == EV_OK)
		mset_ids(mset, sorted, out);
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	return rc;
}

/* Parse TEXT with QP and put the sorted docids of the matches in OUT. */
static ev_status search_ids(xdb_t *db, xdb_qp_t *qp, const char *text,
			    unsigned flags, struct strbuf *out)
{
	xdb_query_t *q = NULL;
	ev_status rc;

	sb_reset(out);
	rc = xdb_qp_parse(qp, text, flags, &q);
	if (rc == EV_OK)
		rc = query_ids(db, q, 1, out);
	xdb_query_free(q);
	return rc;
}

/* A search held open for a block of checks: the first ten hits of a
 * query (MSET NULL when it would not parse or run). */
struct held_search {
	xdb_enquire_t *enq;
	xdb_query_t *q;
	xdb_mset_t *mset;
};

static void hold_search(struct held_search *h, xdb_t *db, xdb_qp_t *qp,
			const char *text)
{
	h->enq = xdb_enquire_new(db);
	h->q = NULL;
	h->mset = NULL;
	if (xdb_qp_parse(qp, text, XDB_QP_DEFAULT, &h->q) == EV_OK &&
	    xdb_enquire_set_query(h->enq, h->q) == EV_OK)
		xdb_enquire_get_mset(h->enq, 0, 10, 0, &h->mset);
}

static void release_search(struct held_search *h)
{
	xdb_mset_free(h->mset);
	xdb_query_free(h->q);
	xdb_enquire_free(h->enq);
	memset(h, 0, sizeof(*h));
}

static int add_term_cb(const char *term, unsigned wdf, void *ctx)
{
	sb_add(ctx, "%s%s:%u", ((struct strbuf *)ctx)->len ? " " : "", term,
	       wdf);
	return 0;
}

static int add_name_cb(const char *term, unsigned wdf, void *ctx)
{
	(void)wdf;
	sb_add(ctx, "%s%s", ((struct strbuf *)ctx)->len ? " " : "", term);
	return 0;
}

static int add_docid_cb(unsigned docid, void *ctx)
{
	sb_add(ctx, "%s%u", ((struct strbuf *)ctx)->len ? "," : "", docid);
	return 0;
}

static int stop_after_one_cb(const char *term, unsigned freq, void *ctx)
{
	(void)term;
	(void)freq;
	++*(int *)ctx;
	return 1;
}

static int add_facet_cb(const char *value, size_t len, unsigned count,
			void *ctx)
{
	sb_add(ctx, "%s%.*s:%u", ((struct strbuf *)ctx)->len ? " " : "",
	       (int)len, value, count);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The main test database: passages of three works on GP collaboration */

static const struct passage {
	const char *id;      /* unique id term */
	const char *work;    /* collapse key */
	const char *title;   /* indexed with prefix S and unprefixed */
	const char *body;    /* indexed unprefixed; also the data */
	const char *lessons; /* space-separated, boolean XL terms */
	const char *type;    /* XT term and SLOT_TYPE */
	int year;            /* SLOT_YEAR */
} passages[] = {
	{ "Qw1-p1", "w1", "Mission creep in primary care networks",
	  "Networks that take on too much too soon risk mission creep and "
	  "lose focus.",
	  "focus pacing", "review", 2019 },
	{ "Qw1-p2", "w1", "Mission creep in primary care networks",
	  "Trust between member practices is built over years: a marathon, "
	  "not a sprint.",
	  "pacing relationships", "review", 2019 },
	{ "Qw2-p1", "w2", "GP federations after the PCN",
	  "Each PCN shared staff & <costs> across practices.", "relationships",
	  "study", 2020 },
	{ "Qw3-p1", "w3", "Super-partnerships at scale",
	  "Super-partnerships grew quickly after 2016, merging practices.", "",
	  "study", 2016 },
	{ "Qw4-p1", "w4", "Funding general practice",
	  "Funding followed the network contract.", "focus", "commentary",
	  2021 },
};
#define N_PASSAGES ARRAY_SIZE(passages)

/* Index P into a new document. */
static ev_status passage_document(xdb_termgen_t *tg, const struct passage *p,
				  xdb_doc_t **docp)
{
	xdb_doc_t *doc = xdb_doc_new();
	char buf[64], year[18], *save = NULL, *lesson;
	size_t len;
	ev_status rc;

	*docp = NULL;
	if (!doc)
		return EV_NOMEM;
	rc = xdb_termgen_set_document(tg, doc);
	if (!rc)
		rc = xdb_termgen_index_text(tg, p->title, 1, "S");
	/* A gap, so that a phrase cannot run from one field into the
	 * next. */
	if (!rc)
		rc = xdb_termgen_increase_termpos(tg, 100);
	if (!rc)
		rc = xdb_termgen_index_text(tg, p->title, 1, "");
	if (!rc)
		rc = xdb_termgen_increase_termpos(tg, 100);
	if (!rc)
		rc = xdb_termgen_index_text(tg, p->body, 1, "");
	if (!rc)
		rc = xdb_doc_add_boolean_term(doc, p->id);
	snprintf(buf, sizeof(buf), "XT%s", p->type);
	if (!rc)
		rc = xdb_doc_add_boolean_term(doc, buf);
	snprintf(buf, sizeof(buf), "%s", p->lessons);
	for (lesson = strtok_r(buf, " ", &save); lesson && !rc;
	     lesson = strtok_r(NULL, " ", &save)) {
		char term[64];

		snprintf(term, sizeof(term), "XL%s", lesson);
		rc = xdb_doc_add_boolean_term(doc, term);
	}
	len = xdb_sortable_serialise(p->year, year);
	if (!rc)
		rc = xdb_doc_set_value(doc, SLOT_YEAR, year, len);
	if (!rc)
		rc = xdb_doc_set_value(doc, SLOT_WORK, p->work,
				       strlen(p->work));
	if (!rc)
		rc = xdb_doc_set_value(doc, SLOT_TYPE, p->type,
				       strlen(p->type));
	if (!rc)
		rc = xdb_doc_set_data(doc, p->body, strlen(p->body));
	if (rc) {
		xdb_doc_free(doc);
		return rc;
	}
	*docp = doc;
	return EV_OK;
}

static void build_main(const char *path)
{
	xdb_t *db = NULL;
	xdb_termgen_t *tg = NULL;
	char *msg = NULL;
	ev_status rc;
	unsigned count = 0, docid = 0;

	rc = xdb_open(path, XDB_CREATE_OVERWRITE, &db, &msg);
	is_int(rc, EV_OK, "create the main database (%s)", msg ? msg : "");
	free(msg);
	if (rc)
		return;
	tg = xdb_termgen_new(db);
	ok(tg != NULL, "a term generator on a writable database");
	for (size_t i = 0; tg && i < N_PASSAGES; i++) {
		xdb_doc_t *doc = NULL;

		rc = passage_document(tg, &passages[i], &doc);
		if (!rc)
			rc = xdb_replace_document(db, passages[i].id, doc);
		xdb_doc_free(doc);
		if (rc) {
			ok(0, "index passage %zu: %s", i, xdb_errmsg(db));
			break;
		}
	}
	/* A multiword key: QueryParser's auto-multiword-synonyms flag turns
	 * "primary care network" into (primary care network) OR pcn. */
	is_int(xdb_add_synonym(db, "primary care network", "pcn"), EV_OK,
	       "add a multiword synonym");
	/* A one-word key, for ~term and the auto-synonyms flag. */
	is_int(xdb_add_synonym(db, "workforce", "staff"), EV_OK,
	       "add a synonym");
	is_int(xdb_set_metadata(db, "schema", "1"), EV_OK, "set metadata");
	is_int(xdb_commit(db), EV_OK, "commit the main database");
	is_int(xdb_doccount(db, &count), EV_OK, "doccount");
	is_int(count, N_PASSAGES, "one document per passage");

	/* A replace by an id term already present keeps one document. */
	{
		xdb_doc_t *doc = NULL;

		rc = passage_document(tg, &passages[0], &doc);
		if (!rc)
			rc = xdb_replace_document(db, passages[0].id, doc);
		xdb_doc_free(doc);
		is_int(rc, EV_OK, "replace a passage by its id term");
		xdb_doccount(db, &count);
		is_int(count, N_PASSAGES, "replace by id term adds nothing");
		is_int(xdb_termfreq(db, passages[0].id, &count), EV_OK,
		       "termfreq");
		is_int(count, 1, "the id term indexes one document");
		doc = NULL;
		is_int(xdb_find_document(db, passages[0].id, &doc), EV_OK,
		       "find the replaced passage");
		xdb_doc_free(doc);
	}
	/* Add then delete a document by a term of its own. */
	{
		xdb_doc_t *doc = xdb_doc_new();

		xdb_doc_add_boolean_term(doc, "Qtemporary");
		is_int(xdb_add_document(db, doc, &docid), EV_OK,
		       "add a document");
		is_int(docid, N_PASSAGES + 1, "it gets the next docid");
		xdb_doc_free(doc);
		is_int(xdb_delete_documents(db, "Qtemporary"), EV_OK,
		       "delete documents by term");
		xdb_doccount(db, &count);
		is_int(count, N_PASSAGES, "the document is gone");
		doc = NULL;
		is_int(xdb_find_document(db, "Qtemporary", &doc),
		       EV_NOT_FOUND, "find a deleted document: EV_NOT_FOUND");
		ok(doc == NULL, "no handle for a missing document");
		ok(strstr(xdb_errmsg(db), "Qtemporary") != NULL,
		   "the message names the term: %s", xdb_errmsg(db));
	}
	is_int(xdb_commit(db), EV_OK, "commit again");
	xdb_termgen_free(tg);
	xdb_close(db);
}

/* A query parser set up the way the search command will set it up. */
static xdb_qp_t *main_qp(xdb_t *db)
{
	xdb_qp_t *qp = xdb_qp_new(db);

	if (!qp)
		return NULL;
	if (xdb_qp_add_prefix(qp, "title", "S") ||
	    xdb_qp_add_boolean_prefix(qp, "lesson", "XL", 0) ||
	    xdb_qp_add_boolean_prefix(qp, "type", "XT", 1) ||
	    xdb_qp_add_number_range(qp, SLOT_YEAR, "year:")) {
		xdb_qp_free(qp);
		return NULL;
	}
	return qp;
}

#define NO_MULTIWORD (XDB_QP_DEFAULT & ~XDB_QP_AUTO_MULTIWORD_SYNONYMS)

/* Searches on the main database, each worked out from the passages. */
static const struct search_case {
	const char *text;
	unsigned flags;
	enum xdb_op default_op;
	const char *want; /* sorted docids */
} search_cases[] = {
	{ "mission creep", XDB_QP_DEFAULT, XDB_OP_OR, "1,2" },
	/* a free-text field: only the titles say "creep" */
	{ "title:creep", XDB_QP_DEFAULT, XDB_OP_OR, "1,2" },
	/* stemmed inside a field: "Funding" is indexed as ZSfund */
	{ "title:funding", XDB_QP_DEFAULT, XDB_OP_OR, "5" },
	/* a phrase with a stopword in it ("a" is kept in phrases) */
	{ "\"marathon not a sprint\"", XDB_QP_DEFAULT, XDB_OP_OR, "2" },
	{ "\"sprint not a marathon\"", XDB_QP_DEFAULT, XDB_OP_OR, "" },
	{ "\"primary care networks\"", XDB_QP_DEFAULT, XDB_OP_OR, "1,2" },
	/* the title ends and the body starts with "networks", but the
	 * position gap between fields stops the phrase */
	{ "\"primary care networks networks\"", XDB_QP_DEFAULT, XDB_OP_OR,
	  "" },
	/* a boolean filter alone */
	{ "lesson:pacing", XDB_QP_DEFAULT, XDB_OP_OR, "1,2" },
	/* "practice(s)" is in 2, 3, 4 and the title of 5 */
	{ "practices lesson:relationships", XDB_QP_DEFAULT, XDB_OP_OR,
	  "2,3" },
	/* exclusive = 0: two lessons must both be present */
	{ "lesson:focus lesson:pacing", XDB_QP_DEFAULT, XDB_OP_OR, "1" },
	/* exclusive = 1: two types are alternatives */
	{ "type:review type:study", XDB_QP_DEFAULT, XDB_OP_OR, "1,2,3,4" },
	{ "year:2019..2020", XDB_QP_DEFAULT, XDB_OP_OR, "1,2,3" },
	{ "year:2016..2016", XDB_QP_DEFAULT, XDB_OP_OR, "4" },
	{ "practices year:2020..2021", XDB_QP_DEFAULT, XDB_OP_OR, "3,5" },
	/* "Super-partnerships" is split at the hyphen */
	{ "super*", XDB_QP_DEFAULT, XDB_OP_OR, "4" },
	/* "networks" (1, 2) and "network" (5), not the Z stems */
	{ "net*", XDB_QP_DEFAULT, XDB_OP_OR, "1,2,5" },
	/* an unknown prefix is text: the phrase "member practices" */
	{ "member:practices", XDB_QP_DEFAULT, XDB_OP_OR, "2" },
	{ "networks -mission", XDB_QP_DEFAULT, XDB_OP_OR, "5" },
	/* "<costs>" in the text is still the word costs */
	{ "costs", XDB_QP_DEFAULT, XDB_OP_OR, "3" },
	/* capitalised, so not stemmed: the unstemmed term pcn */
	{ "PCN", XDB_QP_DEFAULT, XDB_OP_OR, "3" },
	/* the multiword synonym brings in 3, which says "PCN" */
	{ "primary care network", XDB_QP_DEFAULT, XDB_OP_AND, "1,2,3" },
	{ "primary care network", NO_MULTIWORD, XDB_OP_AND, "1,2" },
	/* stopwords are dropped from free text */
	{ "how many practices", XDB_QP_DEFAULT, XDB_OP_AND, "2,3,4,5" },
	/* "not" is no stopword, so a term unless operators may be lower
	 * case */
	{ "networks not mission", XDB_QP_DEFAULT, XDB_OP_OR, "1,2,5" },
	{ "networks not mission", XDB_QP_DEFAULT | XDB_QP_BOOLEAN_ANY_CASE,
	  XDB_OP_OR, "5" },
	{ "mission AND practices", XDB_QP_DEFAULT, XDB_OP_OR, "2" },
	{ "mission practices", XDB_QP_DEFAULT, XDB_OP_AND, "2" },
	/* without the boolean flag, AND is a word */
	{ "mission AND practices", XDB_QP_PHRASE, XDB_OP_OR, "1,2,3,4,5" },
};

static void test_search(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp = NULL;
	struct strbuf got;

	db = open_reader(path);
	if (!db)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(search_cases); i++) {
		const struct search_case *c = &search_cases[i];
		ev_status rc;

		qp = main_qp(db);
		if (!qp || xdb_qp_set_default_op(qp, c->default_op)) {
			ok(0, "set up the query parser");
			break;
		}
		rc = search_ids(db, qp, c->text, c->flags, &got);
		is_int(rc, EV_OK, "search '%s' (%s)", c->text,
		       xdb_qp_errmsg(qp));
		is_str(got.s, c->want, "search '%s' flags %#x op %d", c->text,
		       c->flags, (int)c->default_op);
		xdb_qp_free(qp);
		qp = NULL;
	}

	qp = main_qp(db);
	is_int(xdb_qp_set_default_op(qp, XDB_OP_AND_NOT), EV_USAGE,
	       "AND_NOT is no default operator: EV_USAGE");
	ok(strstr(xdb_qp_errmsg(qp), "set_default_op") != NULL,
	   "and the message says why: %s", xdb_qp_errmsg(qp));
	{
		xdb_query_t *q = NULL;

		is_int(xdb_qp_parse(qp, "mission", 1u << 20, &q), EV_USAGE,
		       "unknown parser flags: EV_USAGE");
		ok(q == NULL, "no query for unknown flags");
		is_int(xdb_qp_add_boolean_prefix(qp, "title", "XX", 1),
		       EV_USAGE, "a field both free and boolean: EV_USAGE");
	}
	xdb_qp_free(qp);
	xdb_close(db);
}

/* Synonyms of one word: "workforce" is in no passage; its synonym "staff"
 * is in passage 3. */
static const struct {
	const char *text;
	unsigned flags;
	const char *want;
} synonym_cases[] = {
	{ "workforce", NO_MULTIWORD, "" },
	{ "~workforce", NO_MULTIWORD | XDB_QP_SYNONYM, "3" },
	/* without the flag, ~ is no operator */
	{ "~workforce", NO_MULTIWORD, "" },
	{ "workforce", NO_MULTIWORD | XDB_QP_AUTO_SYNONYMS, "3" },
	/* the multiword flag covers single words too */
	{ "workforce", XDB_QP_DEFAULT, "3" },
};

/* Run the synonym cases on PATH, expecting them to match (CLEARED = 0)
 * or, once the synonyms are cleared, to match nothing. */
static void run_synonym_cases(const char *path, int cleared)
{
	xdb_t *db = open_reader(path);
	xdb_qp_t *qp;
	struct strbuf got;

	if (!db)
		return;
	qp = main_qp(db);
	for (size_t i = 0; qp && i < ARRAY_SIZE(synonym_cases); i++) {
		const char *want = cleared ? "" : synonym_cases[i].want;

		is_int(search_ids(db, qp, synonym_cases[i].text,
				  synonym_cases[i].flags, &got),
		       EV_OK, "search '%s'", synonym_cases[i].text);
		is_str(got.s, want, "search '%s' flags %#x%s",
		       synonym_cases[i].text, synonym_cases[i].flags,
		       cleared ? " after clearing" : "");
	}
	xdb_qp_free(qp);
	xdb_close(db);
}

static void test_synonyms(const char *path)
{
	xdb_t *db = NULL;

	run_synonym_cases(path, 0);
	if (xdb_open(path, XDB_WRITE, &db, NULL) != EV_OK) {
		ok(0, "open the main database to write");
		return;
	}
	is_int(xdb_clear_synonyms(db, "workforce"), EV_OK, "clear synonyms");
	xdb_commit(db);
	xdb_close(db);
	run_synonym_cases(path, 1);
}

/* The terms QueryParser makes, stems included, in query order. */
static const struct {
	const char *text;
	const char *want;
} query_term_cases[] = {
	{ "mission creep", "Zmission Zcreep" },
	/* capitalised words are not stemmed (STEM_SOME) */
	{ "Mission creep", "mission Zcreep" },
	/* stopwords dropped */
	{ "how many practices", "Zpractic" },
	/* a boolean filter term has no position (0), so it comes first */
	{ "title:networks lesson:focus", "XLfocus ZSnetwork" },
	/* the synonym comes right after the words it stands for */
	{ "primary care network", "Zprimari pcn Zcare Znetwork" },
};

static void test_query_terms(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp;

	db = open_reader(path);
	if (!db)
		return;
	qp = main_qp(db);
	for (size_t i = 0; qp && i < ARRAY_SIZE(query_term_cases); i++) {
		xdb_query_t *q = NULL;
		struct strbuf got;

		sb_reset(&got);
		is_int(xdb_qp_parse(qp, query_term_cases[i].text,
				    XDB_QP_DEFAULT, &q),
		       EV_OK, "parse '%s'", query_term_cases[i].text);
		is_int(xdb_query_terms(q, add_name_cb, &got), EV_OK,
		       "walk the query terms");
		is_str(got.s, query_term_cases[i].want, "terms of '%s'",
		       query_term_cases[i].text);
		xdb_query_free(q);
	}
	xdb_qp_free(qp);
	xdb_close(db);
}

/* The correction a query parser on the database at PATH gives for
 * QUERY must be WANT (NULL: none). */
static void expect_corrected(const char *path, const char *query,
			     const char *want, const char *name)
{
	xdb_t *db = open_reader(path);
	xdb_qp_t *qp = db ? xdb_qp_new(db) : NULL;
	xdb_query_t *q = NULL;
	char *fixed = NULL;

	if (qp && xdb_qp_parse(qp, query, XDB_QP_DEFAULT, &q) == EV_OK)
		is_int(xdb_qp_correct(qp, query, q, &fixed), EV_OK,
		       "%s: corrected", name);
	xdb_query_free(q);
	xdb_qp_free(qp);
	xdb_close(db);
	if (want)
		is_str(fixed, want, "%s", name);
	else
		ok(fixed == NULL, "%s (%s)", name, fixed ? fixed : "none");
	free(fixed);
}

/* Add a document whose one word is WORD, WDF times, and its spelling;
 * GATHER: its words walked beforehand (xdb_doc_gather_spellings()). */
static int add_spelt(xdb_t *db, const char *word, unsigned wdf, int gather)
{
	xdb_doc_t *doc = xdb_doc_new();
	int done = doc && !xdb_doc_add_term(doc, word, wdf) &&
		   !xdb_doc_add_term(doc, "Sprefixed", 9) &&
		   !(gather && xdb_doc_gather_spellings(doc)) &&
		   !xdb_add_spellings(db, doc) &&
		   !xdb_add_document(db, doc, NULL);

	xdb_doc_free(doc);
	return done;
}

/*
 * xdb_add_spellings() sums each word over the documents of a batch and
 * hands the sums to Xapian at the commit.  "carx" is one edit from both
 * "card" and "cart", and Xapian suggests the more frequent: "cart" once
 * with wdf 3 against "card" in four documents with wdf 1 wins only if
 * the four are summed, three of them walked by the thread that built
 * them (xdb_doc_gather_spellings()).  Nothing is suggested before the
 * commit, a cancelled transaction's words are dropped, and a close
 * commits.
 */
static void test_spelling_sums(void)
{
	const char *path = tmp_path("spelling-sums");
	xdb_t *db = NULL;
	int done;

	is_int(xdb_open(path, XDB_WRITE, &db, NULL), EV_OK, "a new writer");
	if (!db)
		return;
	done = add_spelt(db, "cart", 3, 0);
	for (int i = 0; i < 4; i++)
		done = done && add_spelt(db, "card", 1, i > 0);
	ok(done, "five documents with their spellings");
	expect_corrected(path, "carx", NULL,
			 "nothing suggested before the commit");
	is_int(xdb_commit(db), EV_OK, "commit");
	expect_corrected(path, "carx", "card",
			 "the word of four documents outweighs wdf 3");
	expect_corrected(path, "cart carx", "cart card",
			 "a word a document has is kept, though \"card\" is "
			 "one edit away and more frequent");
	expect_corrected(path, "\"Cartx carx\" -zebrx", "\"cart card\" -zebrx",
			 "the rest of the text is kept as it was");
	expect_corrected(path, "Sprefixex", NULL, "a prefixed term is no word");
	expect_corrected(path, "prefixex", NULL, "nor is it without its prefix");

	is_int(xdb_begin_transaction(db, 0), EV_OK, "a transaction");
	done = add_spelt(db, "gazebo", 1, 1);
	ok(done && xdb_cancel_transaction(db) == EV_OK, "cancelled");
	done = add_spelt(db, "lantern", 1, 1);
	ok(done, "a word after it");
	xdb_close(db);
	expect_corrected(path, "lanterx", "lantern",
			 "the close committed the word after");
	expect_corrected(path, "gazebx", NULL, "the cancelled word is gone");
}

/* The documents PATH holds as committed; 0 when it cannot tell. */
static unsigned doccount_of(const char *path)
{
	xdb_t *db = open_reader(path);
	unsigned count = 0;

	if (db && xdb_doccount(db, &count) != EV_OK)
		count = 0;
	xdb_close(db);
	return count;
}

/* Does PATH hold the spelling mark (SPELLING_BEHIND_KEY in xdb.cc)? */
static int spelling_marked(const char *path)
{
	xdb_t *db = open_reader(path);
	char *v = NULL;
	int marked = db &&
		     xdb_get_metadata(db, "evidence-spelling-behind", &v) ==
			     EV_OK &&
		     v && *v;

	free(v);
	xdb_close(db);
	return marked;
}

/* In a child process: open PATH, add WORD in four documents, commit them
 * (their words left pending) and stop without a full commit, as a run
 * killed between two batches does.  The commit is a batch's, or with
 * AUTO one that Xapian makes on its own every two documents. */
static void stopped_run(const char *path, const char *word, int autoflush)
{
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		xdb_t *db = NULL;
		int done;

		if (autoflush)
			setenv("XAPIAN_FLUSH_THRESHOLD", "2", 1);
		done = xdb_open(path, XDB_WRITE, &db, NULL) == EV_OK;
		for (int i = 0; done && i < 4; i++)
			done = add_spelt(db, word, 1, 1);
		_exit(done && (autoflush || xdb_commit_batch(db) == EV_OK)
			      ? 0
			      : 1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a run commits %s and stops",
	   autoflush ? "as Xapian flushes" : "a batch");
}

/*
 * xdb_commit_batch() commits the documents and leaves their words
 * pending, marked in the index, until the full commit; a run that stops
 * before it leaves the mark, and the next writer's full commit rebuilds
 * the words from the documents.  "carx" is one edit from "cart" (wdf 3)
 * and "card" (four documents, wdf 1 each): "card" is suggested only when
 * its frequency is whole.  Past XDB_SPELLING_PENDING_MAX distinct words,
 * a batch's commit flushes them.
 */
static void test_spelling_batches(void)
{
	const char *path = tmp_path("spelling-batches");
	xdb_t *db = NULL;
	xdb_doc_t *doc;
	int done;

	is_int(xdb_open(path, XDB_WRITE, &db, NULL), EV_OK, "a new writer");
	if (!db)
		return;
	done = add_spelt(db, "cart", 3, 1);
	ok(done && xdb_commit_batch(db) == EV_OK, "a batch committed");
	is_int(doccount_of(path), 1, "its document is there");
	expect_corrected(path, "carx", NULL, "its word waits");
	ok(spelling_marked(path), "and the index says so");
	is_int(xdb_commit(db), EV_OK, "the full commit");
	expect_corrected(path, "carx", "cart", "brings the word");
	ok(!spelling_marked(path), "and clears the mark");
	ok(xdb_commit_batch(db) == EV_OK && !spelling_marked(path),
	   "a batch with no words leaves no mark");
	xdb_close(db);
	db = NULL;

	stopped_run(path, "card", 0);
	expect_corrected(path, "carx", "cart",
			 "the stopped run's words are missing");
	ok(spelling_marked(path), "the mark stays");
	is_int(xdb_open(path, XDB_WRITE, &db, NULL), EV_OK, "the next run");
	if (!db)
		return;
	ok(add_spelt(db, "cartoon", 1, 1) && xdb_commit_batch(db) == EV_OK,
	   "commits a batch of its own");
	expect_corrected(path, "carx", "cart", "still missing");
	is_int(xdb_commit(db), EV_OK, "then its full commit");
	expect_corrected(path, "carx", "card",
			 "catches up the four documents' word, whole");
	expect_corrected(path, "cartoox", "cartoon", "its own word too");
	ok(!spelling_marked(path), "and clears the mark");

	/* A commit Xapian makes by itself carries the mark too. */
	xdb_close(db);
	db = NULL;
	stopped_run(path, "zebra", 1);
	is_int(doccount_of(path), 10, "its four documents are there");
	expect_corrected(path, "zebrx", NULL, "their word is not");
	ok(spelling_marked(path), "the mark is");
	is_int(xdb_open(path, XDB_WRITE, &db, NULL), EV_OK, "the next run");
	if (!db)
		return;
	is_int(xdb_commit(db), EV_OK, "its full commit");
	expect_corrected(path, "zebrx", "zebra", "catches the word up");

	/* A cancelled transaction drops every waiting word, a batch's
	 * committed before it too: the full commit catches that up. */
	ok(add_spelt(db, "walrus", 1, 1) && xdb_commit_batch(db) == EV_OK,
	   "a batch committed, its word waiting");
	ok(xdb_begin_transaction(db, 0) == EV_OK &&
		   add_spelt(db, "gazelle", 1, 1) &&
		   xdb_cancel_transaction(db) == EV_OK,
	   "a transaction cancelled");
	is_int(xdb_commit(db), EV_OK, "the full commit");
	expect_corrected(path, "walrux", "walrus",
			 "brings the batch's word all the same");
	expect_corrected(path, "gazellx", NULL, "not the cancelled one");
	ok(!spelling_marked(path), "and clears the mark");

	/* Too many words to wait. */
	doc = xdb_doc_new();
	done = doc != NULL;
	for (unsigned i = 0; done && i <= XDB_SPELLING_PENDING_MAX; i++) {
		char word[16];

		snprintf(word, sizeof(word), "w%07u", i);
		done = xdb_doc_add_term(doc, word, 1) == EV_OK;
	}
	ok(!xdb_commit_flushes(db), "no batch commit due to hand words over");
	ok(done && xdb_doc_add_term(doc, "quince", 1) == EV_OK &&
		   xdb_add_spellings(db, doc) == EV_OK &&
		   xdb_add_document(db, doc, NULL) == EV_OK,
	   "a document of %u words", XDB_SPELLING_PENDING_MAX + 2);
	xdb_doc_free(doc);
	ok(xdb_commit_flushes(db),
	   "its batch commit is due to hand them over");
	is_int(xdb_commit_batch(db), EV_OK, "its batch committed");
	ok(!xdb_commit_flushes(db), "and none is due after it");
	expect_corrected(path, "quincx", "quince", "flushed its words");
	ok(!spelling_marked(path), "with no mark");
	xdb_close(db);
}

static void test_spelling(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp;
	xdb_query_t *q = NULL;
	char *fixed;

	db = open_reader(path);
	if (!db)
		return;
	qp = main_qp(db);
	is_int(xdb_qp_parse(qp, "primery cair", XDB_QP_DEFAULT, &q), EV_OK,
	       "parse a misspelt query");
	fixed = NULL;
	is_int(xdb_qp_correct(qp, "primery cair", q, &fixed), EV_OK,
	       "look for corrections");
	is_str(fixed, "primary care",
	       "spelling data from the term generator corrects it");
	xdb_query_free(q);
	q = NULL;
	free(fixed);
	is_int(xdb_qp_parse(qp, "mission creep", XDB_QP_DEFAULT, &q), EV_OK,
	       "parse a well spelt query");
	fixed = NULL;
	is_int(xdb_qp_correct(qp, "mission creep", q, &fixed), EV_OK,
	       "look for corrections");
	ok(fixed == NULL, "no correction: NULL");
	xdb_query_free(q);
	q = NULL;
	free(fixed);
	/* In a phrase the words are not stemmed: "missions" is a term no
	 * document has, but its stem is. */
	is_int(xdb_qp_parse(qp, "\"missions creap\"", XDB_QP_DEFAULT, &q),
	       EV_OK, "parse a phrase with a word the index has the stem of");
	fixed = NULL;
	is_int(xdb_qp_correct(qp, "\"missions creap\"", q, &fixed), EV_OK,
	       "look for corrections");
	is_str(fixed, "\"missions creep\"", "that word is kept");
	xdb_query_free(q);
	free(fixed);
	xdb_qp_free(qp);
	xdb_close(db);
}

/* Malformed queries: each parses, or fails with EV_BAD_QUERY and a
 * message; none crashes. */
static const struct {
	const char *text;
	int want; /* EV_OK, EV_BAD_QUERY, or -1 for either */
} malformed_cases[] = {
	{ "\"abc", -1 },
	{ "(a OR b", -1 },
	{ ")(", -1 },
	/* an operator with nothing on its right is a syntax error, not a
	 * "parse error" that Xapian retries without flags */
	{ "a AND", EV_BAD_QUERY },
	{ "NOT", EV_BAD_QUERY },
	{ "title:", -1 },
	{ "\"\"", -1 },
	{ "-", -1 },
	{ "*", -1 },
	{ "AND OR NOT", -1 },
	{ "((((((((((a", -1 },
	{ "year:..", -1 },
	{ "year:2020..abc", -1 },
	{ "year:abc..def", -1 },
	{ "lesson:", -1 },
	{ "a NEAR/ b", -1 },
	/* ranges with no processor for them */
	{ "1..2", EV_BAD_QUERY },
	/* invalid UTF-8: a lone continuation byte, a truncated sequence,
	 * an overlong NUL, bytes that are never UTF-8 */
	{ "\x80 mission", -1 },
	{ "mission \xc3", -1 },
	{ "\xc0\x80 creep", -1 },
	{ "\xff\xfe\xfd", -1 },
	{ "net\xe2\x82*", -1 },
};

static void test_malformed(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp;

	db = open_reader(path);
	if (!db)
		return;
	qp = main_qp(db);
	for (size_t i = 0; qp && i < ARRAY_SIZE(malformed_cases); i++) {
		xdb_query_t *q = NULL;
		ev_status rc = xdb_qp_parse(qp, malformed_cases[i].text,
					    XDB_QP_DEFAULT, &q);
		int want = malformed_cases[i].want;

		if (want >= 0)
			is_int(rc, want, "query '%s'",
			       malformed_cases[i].text);
		else
			ok(rc == EV_OK || rc == EV_BAD_QUERY,
			   "query '%s' parses or is refused (%d)",
			   malformed_cases[i].text, (int)rc);
		if (rc == EV_OK) {
			struct strbuf got;

			ok(q != NULL, "a query for '%s'",
			   malformed_cases[i].text);
			is_int(query_ids(db, q, 1, &got), EV_OK,
			       "and it runs");
		} else {
			ok(q == NULL && *xdb_qp_errmsg(qp),
			   "no query, a message: %s", xdb_qp_errmsg(qp));
		}
		xdb_query_free(q);
	}
	{
		/* The empty query matches nothing. */
		xdb_query_t *q = NULL;
		struct strbuf got;

		is_int(xdb_qp_parse(qp, "", XDB_QP_DEFAULT, &q), EV_OK,
		       "parse the empty query");
		is_int(query_ids(db, q, 1, &got), EV_OK, "run it");
		is_str(got.s, "", "it matches nothing");
		xdb_query_free(q);
	}
	xdb_qp_free(qp);
	xdb_close(db);
}

static void test_wildcard_limit(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp;
	xdb_query_t *q = NULL;
	xdb_enquire_t *enq;
	xdb_mset_t *mset = NULL;

	db = open_reader(path);
	if (!db)
		return;
	qp = main_qp(db);
	/* "net*" expands to network and networks: two terms. */
	is_int(xdb_qp_set_max_expansion(qp, 1), EV_OK, "cap expansion at 1");
	is_int(xdb_qp_parse(qp, "net*", XDB_QP_DEFAULT, &q), EV_OK,
	       "a wildcard parses (Xapian expands it when matching)");
	enq = xdb_enquire_new(db);
	xdb_enquire_set_query(enq, q);
	is_int(xdb_enquire_get_mset(enq, 0, 10, 0, &mset), EV_BAD_QUERY,
	       "over the cap: EV_BAD_QUERY");
	ok(mset == NULL, "no result set");
	ok(strstr(xdb_enquire_errmsg(enq), "net*") &&
		   strstr(xdb_enquire_errmsg(enq), "more than 1"),
	   "the message names the wildcard and the cap: %s",
	   xdb_enquire_errmsg(enq));
	xdb_query_free(q);
	q = NULL;
	is_int(xdb_qp_set_max_expansion(qp, 2), EV_OK, "cap expansion at 2");
	xdb_qp_parse(qp, "net*", XDB_QP_DEFAULT, &q);
	xdb_enquire_set_query(enq, q);
	is_int(xdb_enquire_get_mset(enq, 0, 10, 0, &mset), EV_OK,
	       "at the cap: fine");
	is_int(xdb_mset_size(mset), 3, "and it matches 1, 2 and 5");
	xdb_mset_free(mset);
	xdb_query_free(q);
	xdb_enquire_free(enq);
	xdb_qp_free(qp);
	xdb_close(db);
}

/* Collapse, sort, facets and snippets on the main database. */
static void test_enquire(const char *path)
{
	xdb_t *db = NULL;
	xdb_qp_t *qp;
	xdb_query_t *q = NULL, *all = xdb_query_match_all();
	xdb_enquire_t *enq;
	xdb_mset_t *mset = NULL;
	struct held_search h;
	struct strbuf got;
	unsigned collapsed, sum = 0;

	db = open_reader(path);
	if (!db)
		return;
	qp = main_qp(db);
	enq = xdb_enquire_new(db);

	/* mission: 1, 2; practices: 2, 3, 4, 5.  Works w1 (1, 2), w2, w3,
	 * w4: four hits, and one passage of w1 folded into the other. */
	xdb_qp_parse(qp, "mission OR practices", XDB_QP_DEFAULT, &q);
	xdb_enquire_set_query(enq, q);
	is_int(xdb_enquire_set_collapse_key(enq, SLOT_WORK, 1), EV_OK,
	       "collapse on the work");
	is_int(xdb_enquire_get_mset(enq, 0, 10, 10, &mset), EV_OK,
	       "search with a collapse key");
	is_int(xdb_mset_size(mset), 4, "one hit per work");
	for (unsigned i = 0; i < xdb_mset_size(mset); i++) {
		unsigned docid;

		xdb_mset_hit(mset, i, &docid, NULL, &collapsed);
		sum += collapsed;
	}
	is_int(sum, 1, "one passage collapsed");
	is_int(xdb_mset_hit(mset, 4, NULL, NULL, NULL), EV_USAGE,
	       "hit past the end: EV_USAGE");
	ok(strstr(xdb_mset_errmsg(mset), "out of range") != NULL,
	   "with a message: %s", xdb_mset_errmsg(mset));
	xdb_mset_free(mset);
	mset = NULL;
	xdb_enquire_set_collapse_key(enq, 0, 0);
	xdb_enquire_get_mset(enq, 0, 10, 10, &mset);
	is_int(xdb_mset_size(mset), 5, "max 0 turns collapsing off");
	is_int(xdb_mset_matches_lower_bound(mset), 5, "lower bound");
	is_int(xdb_mset_matches_upper_bound(mset), 5, "upper bound");
	is_int(xdb_mset_matches_estimated(mset), 5, "estimate");
	xdb_mset_free(mset);
	mset = NULL;
	xdb_query_free(q);
	q = NULL;

	/* Sort by year, ties by relevance then docid. */
	xdb_enquire_set_query(enq, all);
	is_int(xdb_enquire_set_sort_by_value_then_relevance(enq, SLOT_YEAR,
							    0),
	       EV_OK, "sort by year");
	xdb_enquire_get_mset(enq, 0, 10, 0, &mset);
	mset_ids(mset, 0, &got);
	is_str(got.s, "4,1,2,3,5", "oldest first: 2016, 2019 x2, 2020, 2021");
	xdb_mset_free(mset);
	mset = NULL;
	xdb_enquire_set_sort_by_value_then_relevance(enq, SLOT_YEAR, 1);
	xdb_enquire_get_mset(enq, 0, 10, 0, &mset);
	mset_ids(mset, 0, &got);
	is_str(got.s, "5,3,1,2,4", "newest first");
	xdb_mset_free(mset);
	mset = NULL;
	xdb_enquire_free(enq);

	/* Facets over every passage.  Ties are in value order. */
	enq = xdb_enquire_new(db);
	xdb_enquire_set_query(enq, all);
	is_int(xdb_enquire_add_facet(enq, SLOT_TYPE), EV_OK, "facet 0: type");
	is_int(xdb_enquire_add_facet(enq, SLOT_WORK), EV_OK, "facet 1: work");
	xdb_enquire_add_facet(enq, SLOT_YEAR);
	xdb_enquire_add_facet(enq, SLOT_YEAR);
	is_int(xdb_enquire_add_facet(enq, SLOT_YEAR), EV_USAGE,
	       "a fifth facet: EV_USAGE");
	/* Run twice: counts must not add up across searches. */
	xdb_enquire_get_mset(enq, 0, 10, 10, &mset);
	xdb_mset_free(mset);
	mset = NULL;
	is_int(xdb_enquire_get_mset(enq, 0, 10, 10, &mset), EV_OK,
	       "search with facets");
	sb_reset(&got);
	is_int(xdb_mset_facets(mset, 0, add_facet_cb, &got), EV_OK,
	       "read facet 0");
	is_str(got.s, "review:2 study:2 commentary:1",
	       "types, most frequent first");
	sb_reset(&got);
	xdb_mset_facets(mset, 1, add_facet_cb, &got);
	is_str(got.s, "w1:2 w2:1 w3:1 w4:1", "works, most frequent first");
	is_int(xdb_mset_facets(mset, 4, add_facet_cb, &got), EV_USAGE,
	       "no facet 4: EV_USAGE");
	xdb_mset_free(mset);
	mset = NULL;
	/* Facets count matches, not the page. */
	xdb_qp_parse(qp, "type:study", XDB_QP_DEFAULT, &q);
	xdb_enquire_set_query(enq, q);
	xdb_enquire_get_mset(enq, 0, 1, 10, &mset);
	sb_reset(&got);
	xdb_mset_facets(mset, 1, add_facet_cb, &got);
	is_str(got.s, "w2:1 w3:1", "facets of a filtered search");
	xdb_mset_free(mset);
	mset = NULL;
	xdb_query_free(q);
	q = NULL;
	xdb_enquire_free(enq);

	/* Snippets. */
	{
		static const struct {
			const char *hi_start, *hi_end, *omit;
			int raw;
			const char *want;
		} cases[] = {
			{ "[", "]", "...", 0,
			  "Each PCN shared staff &amp; &lt;[costs]&gt; across "
			  "[practices]." },
			{ "[", "]", "...", 1,
			  "Each PCN shared staff & <[costs]> across "
			  "[practices]." },
			/* markers that look like HTML survive raw mode */
			{ "<b>", "</b>", "...", 1,
			  "Each PCN shared staff & <<b>costs</b>> across "
			  "<b>practices</b>." },
			{ "&lt;", "&gt;", "", 1,
			  "Each PCN shared staff & <&lt;costs&gt;> across "
			  "&lt;practices&gt;." },
		};
		const char *text = passages[2].body;

		hold_search(&h, db, qp, "costs practices");
		for (size_t i = 0; h.mset && i < ARRAY_SIZE(cases); i++) {
			char *s = NULL;

			is_int(xdb_mset_snippet(h.mset, text, 200,
						cases[i].hi_start,
						cases[i].hi_end, cases[i].omit,
						cases[i].raw, &s),
			       EV_OK, "snippet %zu", i);
			is_str(s, cases[i].want, "snippet %zu", i);
			free(s);
		}
		if (h.mset) {
			/* A long text and a short snippet: cut, marked. */
			const char *long_text =
				"Alpha beta gamma delta epsilon zeta eta "
				"theta iota kappa lambda mu nu xi omicron pi. "
				"The practices pooled costs. Rho sigma tau "
				"upsilon phi chi psi omega alpha beta gamma "
				"delta epsilon zeta eta theta iota kappa.";
			char *s = NULL;

			xdb_mset_snippet(h.mset, long_text, 30, "[", "]",
					 "~", 1, &s);
			ok(s && strstr(s, "[costs]") && strstr(s, "~") &&
				   strlen(s) < strlen(long_text) / 2,
			   "a cut snippet keeps the match and marks the "
			   "cut: %s",
			   s ? s : "NULL");
			free(s);
		}
		if (h.mset) {
			/* Snippets stem with the stemmer given, shared: freed
			 * here, it lives on in the result set.  "Costing"
			 * stems to the query's "cost" in English; French
			 * Snowball leaves the English "-ing" alone. */
			const char *text2 = "Costing the practices.";
			xdb_stem_t *french = xdb_stem_new("french", NULL);
			xdb_stem_t *english = xdb_stem_new("english", NULL);
			char *s = NULL, *t = NULL;

			xdb_mset_set_stem(h.mset, french);
			xdb_stem_free(french);
			xdb_mset_snippet(h.mset, text2, 200, "[", "]", "~",
					 1, &s);
			xdb_mset_set_stem(h.mset, english);
			xdb_stem_free(english);
			xdb_mset_snippet(h.mset, text2, 200, "[", "]", "~",
					 1, &t);
			ok(s && !strstr(s, "[Costing]"),
			   "a French stemmer: 'Costing' is not 'cost' (%s)",
			   s ? s : "NULL");
			is_str(t, "[Costing] the [practices].",
			       "an English one: both words match");
			free(s);
			free(t);
		}
		release_search(&h);
	}
	{
		/* An English snippet stems only the words that begin as a
		 * stem of the query does: the rest cannot match.  Those
		 * that do are still stemmed, "runs" and "running" to the
		 * query's "run", and "x's" to its one-byte "x"; "ran",
		 * "runner" and "xs" stem to other words. */
		const char *text = "He runs and ran; the runner was running, "
				   "x's and x and xs.";
		char *s = NULL;

		hold_search(&h, db, qp, "running x's costs");
		is_int(h.mset ? xdb_mset_snippet(h.mset, text, 200, "[", "]",
						 "~", 1, &s)
			      : EV_NOMEM,
		       EV_OK, "a snippet with stemmed matches");
		is_str(s,
		       "He [runs] and ran; the runner was [running], [x's] "
		       "and [x] and xs.",
		       "each word that stems to the query's, and no other");
		free(s);
		s = NULL;
		/* Plain text: two highlights with only blanks between them
		 * are one; a comma keeps them apart. */
		is_int(h.mset ? xdb_mset_snippet(h.mset,
						 "Running  x's, x's: running.",
						 200, "[", "]", "~", 1, &s)
			      : EV_NOMEM,
		       EV_OK, "a snippet of neighbours");
		is_str(s, "[Running  x's], [x's]: [running].",
		       "neighbours joined across blanks, not a comma");
		free(s);
		release_search(&h);
	}

	/* Documents from a result set. */
	{
		xdb_doc_t *doc = NULL;
		char *data = NULL;
		size_t len = 0;

		hold_search(&h, db, qp, "costs");
		is_int(xdb_mset_document(h.mset, 0, &doc), EV_OK,
		       "the document of hit 0");
		xdb_doc_get_data(doc, &data, &len);
		is_str(data, passages[2].body, "its data");
		is_int(len, strlen(passages[2].body), "its length");
		free(data);
		/* Values are read when asked for, not with the document. */
		is_int(xdb_doc_get_value(doc, SLOT_WORK, &data, &len), EV_OK,
		       "a value of it, read later");
		is_str(data, passages[2].work, "is its value");
		free(data);
		xdb_doc_free(doc);
		doc = NULL;
		is_int(xdb_mset_document(h.mset, 1, &doc), EV_USAGE,
		       "no hit 1: EV_USAGE");
		ok(doc == NULL, "and no document");
		release_search(&h);
	}
	xdb_query_free(all);
	xdb_qp_free(qp);
	xdb_close(db);
}

/* Reading back documents, terms, values; allterms and postlists. */
static void test_documents(const char *path)
{
	xdb_t *db = NULL;
	xdb_doc_t *doc = NULL;
	struct strbuf got;
	char *value = NULL;
	size_t len = 0;
	unsigned freq;
	int calls = 0;

	sb_reset(&got);
	db = open_reader(path);
	if (!db)
		return;
	is_int(xdb_get_document(db, 2, &doc), EV_OK, "get document 2");
	is_int(xdb_doc_terms(doc, "XL", add_term_cb, &got), EV_OK,
	       "its lesson terms");
	is_str(got.s, "XLpacing:0 XLrelationships:0",
	       "boolean terms have wdf 0");
	sb_reset(&got);
	/* Title twice (once prefixed S) and body once: "mission" is in the
	 * unprefixed title only; its stem has no position but the same
	 * wdf. */
	xdb_doc_terms(doc, "mission", add_term_cb, &got);
	is_str(got.s, "mission:1", "an unstemmed term");
	sb_reset(&got);
	xdb_doc_terms(doc, "Zmission", add_term_cb, &got);
	is_str(got.s, "Zmission:1", "its stem");
	sb_reset(&got);
	/* "is" is a stopword: kept unstemmed (for phrases), never
	 * stemmed. */
	xdb_doc_terms(doc, "is", add_term_cb, &got);
	is_str(got.s, "is:1", "a stopword is indexed unstemmed");
	sb_reset(&got);
	xdb_doc_terms(doc, "Zis", add_term_cb, &got);
	is_str(got.s, "", "but has no stem");
	xdb_doc_get_value(doc, SLOT_WORK, &value, &len);
	is_str(value, "w1", "value slot");
	is_int(len, 2, "value length");
	free(value);
	value = NULL;
	xdb_doc_get_value(doc, 99, &value, &len);
	is_str(value, "", "an unset value is empty");
	is_int(len, 0, "of length 0");
	free(value);
	xdb_doc_free(doc);
	doc = NULL;

	is_int(xdb_get_document(db, 99, &doc), EV_NOT_FOUND,
	       "get a missing document: EV_NOT_FOUND");
	ok(doc == NULL, "and no handle");
	is_int(xdb_get_document(db, 0, &doc), EV_USAGE,
	       "docid 0: EV_USAGE");

	sb_reset(&got);
	is_int(xdb_allterms(db, "XL", add_term_cb, &got), EV_OK,
	       "allterms with a prefix");
	is_str(got.s, "XLfocus:2 XLpacing:2 XLrelationships:2",
	       "every lesson with its termfreq, sorted");
	is_int(xdb_allterms(db, "", stop_after_one_cb, &calls), EV_OK,
	       "a walk stopped by the callback is no error");
	is_int(calls, 1, "and it stops at once");
	sb_reset(&got);
	is_int(xdb_postlist(db, "Zpractic", add_docid_cb, &got), EV_OK,
	       "postlist");
	is_str(got.s, "2,3,4,5", "docids in order");
	sb_reset(&got);
	xdb_postlist(db, "nosuchterm", add_docid_cb, &got);
	is_str(got.s, "", "an absent term has no postings");
	xdb_termfreq(db, "XTstudy", &freq);
	is_int(freq, 2, "termfreq of a type");
	xdb_termfreq(db, "nosuchterm", &freq);
	is_int(freq, 0, "termfreq of an absent term");

	is_int(xdb_get_metadata(db, "schema", &value), EV_OK,
	       "get metadata");
	is_str(value, "1", "the value set");
	free(value);
	xdb_get_metadata(db, "unset", &value);
	is_str(value, "", "an unset key is empty");
	free(value);
	is_int(xdb_set_metadata(db, "schema", "2"), EV_USAGE,
	       "set metadata on a read-only handle: EV_USAGE");
	is_int(xdb_add_document(db, NULL, NULL), EV_USAGE,
	       "add to a read-only handle: EV_USAGE");
	ok(strstr(xdb_errmsg(db), "read-only") != NULL, "message: %s",
	   xdb_errmsg(db));
	is_int(xdb_begin_transaction(db, 1), EV_USAGE,
	       "a transaction on a read-only handle: EV_USAGE");
	xdb_close(db);
}

/* A document built by hand, read back before it is stored. */
static void test_doc_handle(void)
{
	xdb_doc_t *doc = xdb_doc_new();
	struct strbuf got;
	char *data = NULL, term[300];
	size_t len = 0;

	sb_reset(&got);
	xdb_doc_add_term(doc, "alpha", 2);
	xdb_doc_add_term(doc, "alpha", 1);
	xdb_doc_add_posting(doc, "beta", 1, 1);
	xdb_doc_add_posting(doc, "beta", 2, 1);
	xdb_doc_add_boolean_term(doc, "Qid");
	xdb_doc_terms(doc, "", add_term_cb, &got);
	is_str(got.s, "Qid:0 alpha:3 beta:2", "terms with wdf, sorted");
	is_int(xdb_doc_set_data(doc, "a\0b", 3), EV_OK, "binary data");
	xdb_doc_get_data(doc, &data, &len);
	is_int(len, 3, "keeps its length");
	ok(data && !memcmp(data, "a\0b", 4), "and its bytes, NUL-ended");
	free(data);
	is_int(xdb_doc_add_term(doc, "", 1), EV_USAGE,
	       "an empty term: EV_USAGE");

	/* The term length limit, at and over it. */
	memset(term, 't', sizeof(term));
	term[XDB_MAX_TERM] = '\0';
	is_int(xdb_doc_add_term(doc, term, 1), EV_OK, "a term of 245 bytes");
	term[XDB_MAX_TERM] = 't';
	term[XDB_MAX_TERM + 1] = '\0';
	is_int(xdb_doc_add_term(doc, term, 1), EV_USAGE,
	       "a term of 246 bytes: EV_USAGE");
	ok(strstr(xdb_doc_errmsg(doc), "too long") &&
		   strstr(xdb_doc_errmsg(doc), "246"),
	   "the message says so: %s", xdb_doc_errmsg(doc));
	is_int(xdb_doc_add_boolean_term(doc, term), EV_USAGE,
	       "a long boolean term: EV_USAGE");
	is_int(xdb_doc_add_posting(doc, term, 1, 1), EV_USAGE,
	       "a long posting: EV_USAGE");
	xdb_doc_free(doc);
	xdb_doc_free(NULL);
}

/* Text indexed without positions matches words but not phrases; a term
 * generator needs no database. */
static void test_termgen_nopos(void)
{
	const char *path = tmp_path("nopos");
	static const char *const words[] = { "alpha", "beta" };
	xdb_t *db = NULL;
	xdb_termgen_t *tg = xdb_termgen_new(NULL);
	xdb_query_t *q;
	struct strbuf got;

	ok(tg != NULL, "a term generator with no database");
	if (!tg || xdb_open(path, XDB_CREATE_OVERWRITE, &db, NULL)) {
		ok(0, "create a database");
		xdb_termgen_free(tg);
		return;
	}
	for (int positions = 0; positions < 2; positions++) {
		xdb_doc_t *doc = xdb_doc_new();

		xdb_termgen_set_document(tg, doc);
		if (positions)
			is_int(xdb_termgen_index_text(tg, "Alpha beta", 1, ""),
			       EV_OK, "index with positions");
		else
			is_int(xdb_termgen_index_text_nopos(tg, "Alpha beta",
							    1, ""),
			       EV_OK, "index without positions");
		xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
	}
	xdb_commit(db);
	q = xdb_query_terms_op(XDB_OP_AND, words, 2, 0);
	query_ids(db, q, 1, &got);
	is_str(got.s, "1,2", "both have the words");
	xdb_query_free(q);
	q = xdb_query_terms_op(XDB_OP_PHRASE, words, 2, 0);
	query_ids(db, q, 1, &got);
	is_str(got.s, "2", "only the one with positions has the phrase");
	xdb_query_free(q);
	xdb_termgen_free(tg);
	xdb_close(db);
}

/* Long terms never reach Xapian on a database either. */
static void test_long_terms(void)
{
	xdb_t *db = NULL;
	xdb_doc_t *doc = xdb_doc_new();
	xdb_termgen_t *tg;
	char term[300], prefix[200];
	unsigned count = 0;

	memset(term, 'q', sizeof(term));
	term[sizeof(term) - 1] = '\0';
	if (xdb_open(tmp_path("long"), XDB_WRITE, &db, NULL) != EV_OK) {
		ok(0, "create a database");
		xdb_doc_free(doc);
		return;
	}
	is_int(xdb_replace_document(db, term, doc), EV_USAGE,
	       "replace by a long id term: EV_USAGE");
	is_int(xdb_delete_documents(db, term), EV_USAGE,
	       "delete by a long term: EV_USAGE");
	/* Glass writes a synonym over 255 bytes without complaint and then
	 * cannot read the list back. */
	is_int(xdb_add_synonym(db, "x", term), EV_USAGE,
	       "a long synonym: EV_USAGE");
	is_int(xdb_add_synonym(db, term, "x"), EV_USAGE,
	       "a long synonym key: EV_USAGE");
	is_int(xdb_clear_synonyms(db, term), EV_USAGE,
	       "clear a long synonym key: EV_USAGE");
	is_int(xdb_replace_document(db, "", doc), EV_USAGE,
	       "an empty id term: EV_USAGE");
	tg = xdb_termgen_new(db);
	memset(prefix, 'P', sizeof(prefix));
	prefix[sizeof(prefix) - 1] = '\0';
	xdb_termgen_set_document(tg, doc);
	is_int(xdb_termgen_index_text(tg, "words", 1, prefix), EV_USAGE,
	       "a term prefix that could make long terms: EV_USAGE");
	ok(strstr(xdb_termgen_errmsg(tg), "prefix") != NULL, "message: %s",
	   xdb_termgen_errmsg(tg));
	xdb_termgen_free(tg);
	is_int(xdb_commit(db), EV_OK, "and the commit still works");
	xdb_doccount(db, &count);
	is_int(count, 0, "with nothing added");
	xdb_doc_free(doc);
	xdb_close(db);
}

/* ------------------------------------------------------------------ */
/* Query builders, on a database of terms at known positions           */

static const struct {
	const char *terms; /* "term@pos ..." */
} ops_docs[] = {
	{ "a@1 b@2" },     /* 1 */
	{ "a@1" },         /* 2 */
	{ "b@1 c@2" },     /* 3 */
	{ "c@1" },         /* 4 */
	{ "b@1 a@2" },     /* 5: reversed */
	{ "a@1 x@2 b@3" }, /* 6: one word between */
};

static void build_ops(const char *path)
{
	xdb_t *db = NULL;

	if (xdb_open(path, XDB_CREATE_OVERWRITE, &db, NULL) != EV_OK) {
		ok(0, "create the ops database");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops_docs); i++) {
		xdb_doc_t *doc = xdb_doc_new();
		char buf[64], *save = NULL, *tok;

		snprintf(buf, sizeof(buf), "%s", ops_docs[i].terms);
		for (tok = strtok_r(buf, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			char *at = strchr(tok, '@');

			*at = '\0';
			xdb_doc_add_posting(doc, tok, atoi(at + 1), 1);
		}
		xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
	}
	is_int(xdb_commit(db), EV_OK, "commit the ops database");
	xdb_close(db);
}

static const struct {
	enum xdb_op op;
	unsigned window; /* for terms_op; 0 = number of terms */
	const char *want;
} ops_cases[] = {
	{ XDB_OP_AND, 0, "1,5,6" },
	{ XDB_OP_OR, 0, "1,2,3,5,6" },
	{ XDB_OP_AND_NOT, 0, "2" },
	{ XDB_OP_FILTER, 0, "1,5,6" },
	{ XDB_OP_AND_MAYBE, 0, "1,2,5,6" },
	{ XDB_OP_SYNONYM, 0, "1,2,3,5,6" },
	/* in order, adjacent */
	{ XDB_OP_PHRASE, 0, "1" },
	/* in order, within three positions */
	{ XDB_OP_PHRASE, 3, "1,6" },
	/* any order, adjacent */
	{ XDB_OP_NEAR, 0, "1,5" },
	{ XDB_OP_NEAR, 3, "1,5,6" },
};

static void test_builders(const char *path)
{
	xdb_t *db = NULL;
	xdb_query_t *a = xdb_query_term("a", 1), *b = xdb_query_term("b", 1);
	static const char *const ab[] = { "a", "b" };
	struct strbuf got;
	char *desc;

	db = open_reader(path);
	if (!db)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ops_cases); i++) {
		xdb_query_t *q = xdb_query_terms_op(ops_cases[i].op, ab, 2,
						    ops_cases[i].window);

		ok(q != NULL, "terms_op %d window %u", (int)ops_cases[i].op,
		   ops_cases[i].window);
		is_int(query_ids(db, q, 1, &got), EV_OK, "run it");
		is_str(got.s, ops_cases[i].want, "terms_op %d window %u",
		       (int)ops_cases[i].op, ops_cases[i].window);
		xdb_query_free(q);
		if (ops_cases[i].window)
			continue;
		q = xdb_query_combine(ops_cases[i].op, a, b);
		query_ids(db, q, 1, &got);
		is_str(got.s, ops_cases[i].want, "combine %d",
		       (int)ops_cases[i].op);
		xdb_query_free(q);
	}
	{
		xdb_query_t *all = xdb_query_match_all();
		xdb_query_t *none = xdb_query_match_nothing();

		query_ids(db, all, 1, &got);
		is_str(got.s, "1,2,3,4,5,6", "match all");
		query_ids(db, none, 1, &got);
		is_str(got.s, "", "match nothing");
		xdb_query_free(all);
		xdb_query_free(none);
	}
	desc = xdb_query_describe(a);
	is_str(desc, "Query(a)", "describe a term query");
	free(desc);
	{
		/* ((a OR b) AND_NOT c) FILTER d: its core is a OR b, which
		 * only gathers; the whole does not; and x in the core's
		 * place keeps the exclusion and the filter around it. */
		xdb_query_t *c = xdb_query_term("c", 1);
		xdb_query_t *d = xdb_query_term("d", 1);
		xdb_query_t *x = xdb_query_term("x", 1);
		xdb_query_t *either = xdb_query_combine(XDB_OP_OR, a, b);
		xdb_query_t *but = xdb_query_combine(XDB_OP_AND_NOT, either, c);
		xdb_query_t *whole = xdb_query_combine(XDB_OP_FILTER, but, d);
		xdb_query_t *core = xdb_query_core(whole);
		xdb_query_t *back = xdb_query_with_core(whole, x);
		xdb_query_t *both = xdb_query_combine(XDB_OP_AND, a, b);
		char *w = xdb_query_describe(core);
		char *v = xdb_query_describe(either);

		is_str(w, v, "the core of a filtered exclusion: its words");
		free(w);
		free(v);
		w = xdb_query_describe(back);
		is_str(w, "Query(((x AND_NOT c) FILTER d))",
		       "another core inside the same exclusion and filter");
		free(w);
		xdb_query_free(back);
		back = xdb_query_with_core(either, x);
		w = xdb_query_describe(back);
		is_str(w, "Query(x)",
		       "a query with nothing around it: the core");
		free(w);
		ok(xdb_query_only_gathers(core) && xdb_query_only_gathers(a),
		   "words ORed, or one term, only gather");
		ok(!xdb_query_only_gathers(whole) &&
		   !xdb_query_only_gathers(but) &&
		   !xdb_query_only_gathers(both),
		   "a filter, an exclusion or an AND does not");
		xdb_query_free(both);
		xdb_query_free(back);
		xdb_query_free(core);
		xdb_query_free(whole);
		xdb_query_free(but);
		xdb_query_free(either);
		xdb_query_free(x);
		xdb_query_free(d);
		xdb_query_free(c);
	}
	ok(xdb_query_term("", 1) == NULL, "an empty term: NULL");
	ok(xdb_query_scale(a, -1) == NULL, "a negative scale: NULL");
	ok(xdb_query_combine(XDB_OP_AND, a, NULL) == NULL,
	   "combine with NULL: NULL");
	ok(xdb_query_combine((enum xdb_op)99, a, b) == NULL,
	   "an unknown operator: NULL");
	xdb_query_free(a);
	xdb_query_free(b);
	xdb_query_free(NULL);
	xdb_close(db);
}

/* ------------------------------------------------------------------ */
/* Ranking, worked out by hand                                          */

/*
 * BM25 as Xapian computes it, for a one-term query (the idf is the same
 * for every document, so only the wdf part orders them):
 *   (k1 + 1) wdf / (k1 ((1 - b) + b L) + wdf),  L = max(len / avlen, 0.5)
 * Lengths 10, 10, 30, 10: avlen 15.  With k1 = 1, b = 0.5:
 *   r1 wdf 1 len 10: L = 2/3, 2 * 1 / (5/6 + 1)  = 1.091
 *   r2 wdf 3 len 10: L = 2/3, 2 * 3 / (5/6 + 3)  = 1.565
 *   r3 wdf 3 len 30: L = 2,   2 * 3 / (3/2 + 3)  = 1.333
 * so r2, r3, r1.  With b = 0 the length no longer counts: r2 = r3.
 * With k1 = 0 the wdf no longer counts either: all equal.
 */
static const struct {
	unsigned alpha, filler; /* wdf of each */
	const char *strength;   /* SLOT_STRENGTH, for value weights */
	const char *prior;      /* SLOT_PRIOR, for summed ones */
} rank_docs[] = {
	{ 1, 9, "2.5", "0.5" },
	{ 3, 7, "0.5", NULL },
	{ 3, 27, "4", "1" },
	{ 0, 10, NULL, "2" },
};

static void build_rank(const char *path)
{
	xdb_t *db = NULL;

	if (xdb_open(path, XDB_CREATE_OVERWRITE, &db, NULL) != EV_OK) {
		ok(0, "create the rank database");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rank_docs); i++) {
		xdb_doc_t *doc = xdb_doc_new();

		if (rank_docs[i].alpha)
			xdb_doc_add_term(doc, "alpha", rank_docs[i].alpha);
		xdb_doc_add_term(doc, "filler", rank_docs[i].filler);
		if (rank_docs[i].strength) {
			char v[18];
			size_t n = xdb_sortable_serialise(
				atof(rank_docs[i].strength), v);

			xdb_doc_set_value(doc, SLOT_STRENGTH, v, n);
		}
		if (rank_docs[i].prior) {
			char v[18];
			size_t n = xdb_sortable_serialise(
				atof(rank_docs[i].prior), v);

			xdb_doc_set_value(doc, SLOT_PRIOR, v, n);
		}
		xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
	}
	is_int(xdb_commit(db), EV_OK, "commit the rank database");
	xdb_close(db);
}

/* Run Q with BM25 parameters K1 and B; the weights of docs 1..3 in W. */
static void rank_weights(xdb_t *db, const xdb_query_t *q, double k1, double b,
			 struct strbuf *order, double w[4])
{
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;

	w[0] = w[1] = w[2] = w[3] = -1;
	xdb_enquire_set_query(enq, q);
	xdb_enquire_set_bm25(enq, k1, 0, 1, b, 0.5);
	if (xdb_enquire_get_mset(enq, 0, 10, 0, &mset) == EV_OK) {
		for (unsigned i = 0; i < xdb_mset_size(mset); i++) {
			unsigned id;
			double wt;

			xdb_mset_hit(mset, i, &id, &wt, NULL);
			if (id >= 1 && id <= 4)
				w[id - 1] = wt;
		}
		mset_ids(mset, 0, order);
	}
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
}

static void test_ranking(const char *path)
{
	xdb_t *db = NULL;
	xdb_query_t *q = xdb_query_term("alpha", 1), *scaled;
	struct strbuf order;
	double w[4], w2[4];

	db = open_reader(path);
	if (!db)
		return;
	rank_weights(db, q, 1, 0.5, &order, w);
	is_str(order.s, "2,3,1", "BM25 order: more wdf, then shorter");
	/* The ratios of the wdf parts, from the comment above. */
	ok(fabs(w[1] / w[0] - (6 / (5.0 / 6 + 3)) / (2 / (5.0 / 6 + 1))) <
		   1e-9,
	   "r2/r1 as computed by hand (%g)", w[1] / w[0]);
	ok(fabs(w[2] / w[0] - (6 / 4.5) / (2 / (5.0 / 6 + 1))) < 1e-9,
	   "r3/r1 as computed by hand (%g)", w[2] / w[0]);
	rank_weights(db, q, 1, 0, &order, w2);
	ok(fabs(w2[1] - w2[2]) < 1e-12, "b = 0: length does not count");
	is_str(order.s, "2,3,1", "ties go by docid");
	rank_weights(db, q, 0, 0.5, &order, w2);
	ok(fabs(w2[0] - w2[1]) < 1e-12 && fabs(w2[1] - w2[2]) < 1e-12,
	   "k1 = 0: wdf does not count");

	scaled = xdb_query_scale(q, 2);
	rank_weights(db, scaled, 1, 0.5, &order, w2);
	ok(fabs(w2[1] - 2 * w[1]) < 1e-9, "scale by 2 doubles the weight");
	xdb_query_free(scaled);
	scaled = xdb_query_scale(q, 0);
	rank_weights(db, scaled, 1, 0.5, &order, w2);
	is_str(order.s, "1,2,3", "scale by 0: all match, weight 0");
	ok(w2[0] == 0 && w2[1] == 0, "weights 0");
	xdb_query_free(scaled);

	{
		/* Weighted by the strength value: 2.5, 0.5, 4 (doc 4 has
		 * none), and with a cap of 3, 2.5, 0.5, 3. */
		xdb_query_t *vw = xdb_query_value_weight(SLOT_STRENGTH, 0, 1);

		rank_weights(db, vw, 1, 0.5, &order, w2);
		is_str(order.s, "3,1,2", "value weight order");
		ok(w2[0] == 2.5 && w2[1] == 0.5 && w2[2] == 4 && w2[3] == -1,
		   "the weights are the values (%g %g %g %g)", w2[0], w2[1],
		   w2[2], w2[3]);
		xdb_query_free(vw);
		vw = xdb_query_value_weight(SLOT_STRENGTH, 3, 1);
		rank_weights(db, vw, 1, 0.5, &order, w2);
		is_str(order.s, "3,1,2", "capped value weight order");
		ok(w2[0] == 2.5 && w2[1] == 0.5 && w2[2] == 3,
		   "capped at 3 (%g %g %g)", w2[0], w2[1], w2[2]);
		{
			double most = -1;

			is_int(xdb_query_max_weight(db, vw, &most), EV_OK,
			       "the most a query can weigh");
			ok(most == 3, "capped value weight: at most 3 (%g)",
			   most);
			is_int(xdb_query_max_weight(db, q, &most), EV_OK,
			       "the most the words can weigh");
			rank_weights(db, q, 1, 0.5, &order, w2);
			ok(most >= w2[0] && most >= w2[1] && most >= w2[2] &&
				   most < 2 * w2[1],
			   "alpha: a bound near its best (%g; %g %g %g)",
			   most, w2[0], w2[1], w2[2]);
		}
		xdb_query_free(vw);
		/* Scaled after the cap, on both paths. */
		vw = xdb_query_value_weight(SLOT_STRENGTH, 3, 2);
		rank_weights(db, vw, 1, 0.5, &order, w2);
		ok(w2[0] == 5 && w2[1] == 1 && w2[2] == 6,
		   "capped at 3, then doubled (%g %g %g)", w2[0], w2[1], w2[2]);
		xdb_query_free(vw);
		vw = xdb_query_value_weight(SLOT_STRENGTH, 0, 0.5);
		rank_weights(db, vw, 1, 0.5, &order, w2);
		ok(w2[0] == 1.25 && w2[1] == 0.25 && w2[2] == 2,
		   "no cap, halved (%g %g %g)", w2[0], w2[1], w2[2]);
		xdb_query_free(vw);
		ok(xdb_query_value_weight(SLOT_STRENGTH, 3, -1) == NULL,
		   "a negative scale: NULL");
		/* Summed with half the prior (0.5, none, 1, 2), capped at
		 * 3: 2.5 + 0.25, 0.5, 3 + 0.5; doc 4 has no strength, so
		 * matches only when the prior may match too, at 3 * 0.5. */
		{
			struct xdb_value_weight sum[] = {
				{ SLOT_STRENGTH, 1, 1 },
				{ SLOT_PRIOR, 0.5, 0 },
			};
			xdb_query_t *words10;

			vw = xdb_query_value_sum(sum, 2, 3);
			rank_weights(db, vw, 1, 0.5, &order, w2);
			is_str(order.s, "3,1,2", "summed: strength matches");
			ok(w2[0] == 2.75 && w2[1] == 0.5 && w2[2] == 3.5 &&
				   w2[3] == -1,
			   "summed weights (%g %g %g %g)", w2[0], w2[1], w2[2],
			   w2[3]);
			xdb_query_free(vw);
			sum[1].match = 1;
			vw = xdb_query_value_sum(sum, 2, 3);
			rank_weights(db, vw, 1, 0.5, &order, w2);
			is_str(order.s, "3,1,4,2", "summed: either matches");
			ok(w2[3] == 1, "doc 4 by its prior alone (%g)", w2[3]);
			/* The heavier of the words (ten times the BM25 in
			 * W, from the top: 2.1, 3.0, 2.6; none for doc 4)
			 * and the sum: the words win for doc 2 only. */
			words10 = xdb_query_scale(q, 10);
			scaled = xdb_query_combine(XDB_OP_MAX, words10, vw);
			rank_weights(db, scaled, 1, 0.5, &order, w2);
			ok(w2[0] == 2.75 && fabs(w2[1] - 10 * w[1]) < 1e-9 &&
				   w2[1] > 0.5 && w2[2] == 3.5 && w2[3] == 1,
			   "MAX: each document's heavier weight (%g %g %g "
			   "%g; BM25 %g %g %g)",
			   w2[0], w2[1], w2[2], w2[3], w[0], w[1], w[2]);
			is_str(order.s, "3,2,1,4", "MAX order");
			xdb_query_free(words10);
			xdb_query_free(scaled);
			xdb_query_free(vw);
			/* No slot marked: every document, doc 2 (no
			 * prior) at 0. */
			sum[1].match = 0;
			vw = xdb_query_value_sum(sum + 1, 1, 3);
			rank_weights(db, vw, 1, 0.5, &order, w2);
			is_str(order.s, "4,3,1,2", "no slot marked: all match");
			ok(w2[0] == 0.25 && w2[1] == 0 && w2[2] == 0.5 &&
				   w2[3] == 1,
			   "weighed by the prior alone (%g %g %g %g)", w2[0],
			   w2[1], w2[2], w2[3]);
			xdb_query_free(vw);
			ok(!xdb_query_value_sum(sum, 2, 0) &&
				   !xdb_query_value_sum(sum, 0, 3),
			   "no cap or no slot: NULL");
			sum[1].scale = -1;
			ok(!xdb_query_value_sum(sum, 2, 3),
			   "a negative scale: NULL");
		}
		/* A value range: strength in [1, 3]. */
		vw = xdb_query_value_range(SLOT_STRENGTH, 1, 3);
		query_ids(db, vw, 1, &order);
		is_str(order.s, "1", "value range");
		xdb_query_free(vw);
	}
	xdb_query_free(q);
	xdb_close(db);
}

/*
 * Value weights on enough documents for the matcher to prune, ORed (or
 * AND_MAYBEd) with words that give every document almost the same small
 * weight: the case where the capped source passes over documents under
 * the matcher's minimum.  The top 20 must be what a full sort of every
 * document's weight, worked out here, puts first: BM25 of the words
 * (read from a search for them alone) plus scale times the value.  The
 * uncapped source (Xapian's own) is checked at scale 1 with the words
 * scaled down, which is how search.c uses it; above 1 it is refused,
 * because Xapian 1.4 ends it too soon (the ranking it gave failed this
 * test before that was refused).
 */
#define SKIP_DOCS 3000
#define SKIP_TOP 20

static double skip_strength(unsigned id)
{
	/* Spread over [0, 1), no two neighbours alike; every fifth
	 * document has none. */
	return id % 5 ? (id * 7919u % 1000) / 1000.0 : -1;
}

/* A second value, as search.c's type prior: in [0.5, 0.8], on every
 * document but each thirteenth. */
static double skip_prior(unsigned id)
{
	return id % 13 ? 0.5 + (id * 31u % 4) / 10.0 : -1;
}

struct skip_hit {
	unsigned id;
	double w;
};

static int by_weight(const void *a, const void *b)
{
	const struct skip_hit *x = a, *y = b;

	if (x->w != y->w)
		return x->w < y->w ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The type term of a document, as search.c's "XTreview": none on each
 * seventeenth, else one of four, whose weights are skip_type_weight[].
 * The lightest, "XTa", is on most documents, as commentary is on the
 * generated pages. */
static const char *skip_type(unsigned id)
{
	static const char *const types[] = { "XTa", "XTb", "XTc", "XTd" };

	if (id % 17 == 0)
		return NULL;
	return id % 3 ? "XTa" : types[id * 13u % 4];
}

static const double skip_type_weight[] = { 0.5, 0.6, 0.7, 0.8 };

/* The term of the documents skip_type() gives none, and its weight when
 * a test lists it: with it, every document has one of the terms. */
#define SKIP_UNTYPED "XTe"
#define SKIP_UNTYPED_WEIGHT 0.65

/* BM25[id] for every document WORD matches, else 0 (a match of weight 0
 * counts as 1e-300).  0 when the search fails. */
static int words_by_hand(xdb_t *db, const char *word, double *bm25)
{
	xdb_query_t *q = xdb_query_term(word, 1);
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;

	memset(bm25, 0, (SKIP_DOCS + 1) * sizeof(*bm25));
	xdb_enquire_set_query(enq, q);
	xdb_query_free(q);
	if (xdb_enquire_get_mset(enq, 0, SKIP_DOCS, 0, &mset) != EV_OK) {
		xdb_enquire_free(enq);
		return 0;
	}
	for (unsigned i = 0; i < xdb_mset_size(mset); i++) {
		unsigned id;
		double w;

		if (xdb_mset_hit(mset, i, &id, &w, NULL) == EV_OK &&
		    id <= SKIP_DOCS)
			bm25[id] = w > 0 ? w : 1e-300; /* matched */
	}
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	return 1;
}

/* The weight of document ID, whose BM25 for the word is BM25 (0 when
 * the word is not in it), or -1 when it does not match. */
typedef double skip_weigh_fn(unsigned id, double bm25, const void *arg);

/* The top SKIP_TOP documents by WEIGH: 0 when fewer match or the search
 * for WORD fails. */
static int top_by(xdb_t *db, const char *word, skip_weigh_fn *weigh,
		  const void *arg, struct skip_hit *top)
{
	static double bm25[SKIP_DOCS + 1];
	static struct skip_hit all[SKIP_DOCS];
	size_t n = 0;

	if (!words_by_hand(db, word, bm25))
		return 0;
	for (unsigned id = 1; id <= SKIP_DOCS; id++) {
		double w = weigh(id, bm25[id], arg);

		if (w < 0)
			continue;
		all[n].id = id;
		all[n++].w = w;
	}
	qsort(all, n, sizeof(*all), by_weight);
	memcpy(top, all, SKIP_TOP * sizeof(*top));
	return n >= SKIP_TOP;
}

/* top_by() into WANT, or a failed test and 0. */
static int want_top(xdb_t *db, const char *word, skip_weigh_fn *weigh,
		    const void *arg, struct skip_hit *want)
{
	if (top_by(db, word, weigh, arg, want))
		return 1;
	ok(0, "rank %s by hand", word);
	return 0;
}

/* The words scaled, OP (OR or AND_MAYBE) the strength scaled, plus the
 * prior scaled. */
struct value_ranking {
	double word_scale, scale, prior_scale;
	enum xdb_op op;
};

static double weigh_by_value(unsigned id, double bm25, const void *arg)
{
	const struct value_ranking *r = arg;
	double v = skip_strength(id);
	int in_words = bm25 != 0, in_values = v >= 0;

	if (r->op == XDB_OP_OR ? !(in_words || in_values) : !in_words)
		return -1;
	return r->word_scale * (in_words ? bm25 : 0) +
	       (in_values ? r->scale * v : 0) +
	       (skip_prior(id) >= 0 ? r->prior_scale * skip_prior(id) : 0);
}

static int top_by_hand(xdb_t *db, const char *word, double word_scale,
		       double scale, double prior_scale, enum xdb_op op,
		       struct skip_hit *top)
{
	struct value_ranking r = { word_scale, scale, prior_scale, op };

	return top_by(db, word, weigh_by_value, &r, top);
}

/* Whether Q's top SKIP_TOP are WANT; if not, WHY says where not.  Q is
 * freed. */
static int same_top(xdb_t *db, xdb_query_t *q, const struct skip_hit *want,
		    struct strbuf *why)
{
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;
	int same = 0;

	xdb_enquire_set_query(enq, q);
	if (q && xdb_enquire_get_mset(enq, 0, SKIP_TOP, 0, &mset) == EV_OK &&
	    xdb_mset_size(mset) == SKIP_TOP) {
		same = 1;
		for (unsigned i = 0; i < SKIP_TOP; i++) {
			unsigned id;
			double wt;

			xdb_mset_hit(mset, i, &id, &wt, NULL);
			if (id != want[i].id || fabs(wt - want[i].w) > 1e-9) {
				sb_add(why, "#%u is %u (%g), not %u (%g)",
					  i + 1, id, wt, want[i].id,
					  want[i].w);
				same = 0;
				break;
			}
		}
	}
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	xdb_query_free(q);
	return same;
}

/* The words scaled, OP (AND or AND_MAYBE) the weight of the type; with
 * COVERED, SKIP_UNTYPED counts as a type. */
struct type_ranking {
	double word_scale;
	enum xdb_op op;
	int covered;
};

static double weigh_by_type(unsigned id, double bm25, const void *arg)
{
	const struct type_ranking *r = arg;
	const char *t = skip_type(id);
	double prior = -1;

	if (t)
		prior = skip_type_weight[t[2] - 'a'];
	else if (r->covered)
		prior = SKIP_UNTYPED_WEIGHT;

	if (!bm25 || (r->op == XDB_OP_AND && prior < 0))
		return -1;
	return r->word_scale * bm25 + (prior < 0 ? 0 : prior);
}

/* WORD scaled by WORD_SCALE, OP xdb_query_term_weights() of the types,
 * and of SKIP_UNTYPED too with COVERED. */
static xdb_query_t *words_op_types(const char *word, double word_scale,
				   enum xdb_op op, int covered)
{
	static const char *const terms[] = { "XTb", "XTa", "XTd", "XTc",
					     SKIP_UNTYPED };
	static const double weights[] = { 0.6, 0.5, 0.8, 0.7,
					  SKIP_UNTYPED_WEIGHT };
	xdb_query_t *w = xdb_query_term(word, 1);
	xdb_query_t *ws = xdb_query_scale(w, word_scale);
	xdb_query_t *tw =
		xdb_query_term_weights(terms, weights, covered ? 5 : 4);
	xdb_query_t *q = xdb_query_combine(op, ws, tw);

	xdb_query_free(tw);
	xdb_query_free(ws);
	xdb_query_free(w);
	return q;
}

/* Q's estimated number of matches, with its first hit in *ID and *WT
 * (0 and 0 when the search fails). */
static unsigned first_match(xdb_t *db, const xdb_query_t *q, unsigned *id,
			    double *wt)
{
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;
	unsigned n = 0;

	*id = 0;
	*wt = 0;
	xdb_enquire_set_query(enq, q);
	if (xdb_enquire_get_mset(enq, 0, 5, 0, &mset) == EV_OK) {
		n = xdb_mset_matches_estimated(mset);
		xdb_mset_hit(mset, 0, id, wt, NULL);
	}
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	return n;
}

/*
 * xdb_query_term_weights() as search.c uses it for the type prior: the
 * words AND (or AND_MAYBE) the weights of the type terms.  With the words
 * scaled down the types decide the page, and the source skips the lighter
 * types once they cannot reach it: the top must still be the one worked
 * out by hand, weights to the bit.
 */
static void test_term_weights_skip(xdb_t *db)
{
	static const enum xdb_op ops[] = { XDB_OP_AND, XDB_OP_AND_MAYBE };
	static const char *const words[] = { "word", "rare" };
	static const double scales[] = { 1, 0.05 };
	static const char *const one[] = { "XTa" }, *const bad[] = { "" };
	static const double w1[] = { 0.5 }, neg[] = { -1 };
	xdb_query_t *q;
	unsigned typed = 0, of_a = 0, id = 0;
	double wt = 0;

	/* Then with SKIP_UNTYPED listed: every document has a term, and
	 * check() names the most frequent ("XTa") without reading it. */
	for (size_t c = 0; c < 16; c++) {
		enum xdb_op op = ops[c % 2];
		const char *word = words[c / 2 % 2];
		double scale = scales[c / 4 % 2];
		struct type_ranking r = { scale, op, c >= 8 };
		struct skip_hit want[SKIP_TOP];
		struct strbuf why;

		sb_reset(&why);
		if (!want_top(db, word, weigh_by_type, &r, want))
			continue;
		ok(same_top(db, words_op_types(word, scale, op, r.covered),
			    want, &why),
		   "%s x %g %s the type weights%s: the top %d by hand %s",
		   word, scale, op == XDB_OP_AND ? "AND" : "AND_MAYBE",
		   r.covered ? ", every document typed" : "", SKIP_TOP,
		   why.s);
	}

	/* Alone: the documents of its one term at its weight, counted
	 * exactly; and every document AND the four terms: the typed ones,
	 * counted exactly too. */
	for (unsigned d = 1; d <= SKIP_DOCS; d++) {
		typed += skip_type(d) != NULL;
		of_a += skip_type(d) && strcmp(skip_type(d), "XTa") == 0;
	}
	q = xdb_query_term_weights(one, w1, 1);
	is_int((int)first_match(db, q, &id, &wt), (int)of_a,
	       "one term: as many matches as it has documents");
	ok(wt == 0.5 && id && strcmp(skip_type(id), "XTa") == 0,
	   "one term: its documents weigh its weight (%u, %g)", id, wt);
	xdb_query_free(q);
	q = words_op_types("padding", 0, XDB_OP_AND, 0);
	is_int((int)first_match(db, q, &id, &wt), (int)typed,
	       "every document AND the types: as many as are typed");
	xdb_query_free(q);
	q = words_op_types("padding", 0, XDB_OP_AND, 1);
	is_int((int)first_match(db, q, &id, &wt), SKIP_DOCS,
	       "every document AND the types with the untyped one: all");
	ok(wt == 0.8 && id && skip_type(id) &&
		   strcmp(skip_type(id), "XTd") == 0,
	   "every document AND all the types: the heaviest type first "
	   "(%u, %g)",
	   id, wt);
	xdb_query_free(q);
	ok(!xdb_query_term_weights(bad, w1, 1) &&
		   !xdb_query_term_weights(one, neg, 1),
	   "an empty term or a negative weight: NULL");
}

/* WORD scaled by WORD_SCALE, OP the value weight of SLOT_STRENGTH. */
static xdb_query_t *words_op_value(const char *word, double word_scale,
				   enum xdb_op op, double cap, double scale)
{
	xdb_query_t *w = xdb_query_term(word, 1);
	xdb_query_t *ws = xdb_query_scale(w, word_scale);
	xdb_query_t *vw = xdb_query_value_weight(SLOT_STRENGTH, cap, scale);
	xdb_query_t *q = xdb_query_combine(op, ws, vw);

	xdb_query_free(vw);
	xdb_query_free(ws);
	xdb_query_free(w);
	return q;
}

/*
 * Two lessons' strength terms, as search.c's "XLVfocus:0.75": lesson 0
 * on three documents of four, lesson 1 on five of six, each document at
 * one level of each (skip_lesson(): its index, -1 for none), so that many
 * documents have both and the sum of the two decides where either alone
 * would not.
 */
static const char *const skip_lesson_terms[2][5] = {
	{ "XLa:1", "XLa:2", "XLa:3", "XLa:4", "XLa:5" },
	{ "XLb:1", "XLb:2", "XLb:3", "XLb:4", NULL },
};
static const double skip_lesson_weight[2][5] = {
	{ 1.0, 0.9, 0.75, 0.6, 0.5 },
	{ 0.45, 0.4, 0.3, 0.25, 0 },
};
static const unsigned skip_lesson_levels[2] = { 5, 4 };

static int skip_lesson(unsigned id, unsigned k)
{
	if (k == 0)
		return id % 4 ? (int)(id * 7u % 5) : -1;
	return id % 6 != 1 ? (int)(id * 11u % 4) : -1;
}

/* The words scaled, AND_MAYBE the lessons' sum (those of LESSONS, 1 or
 * 2) and the type's weight: what xdb_query_term_sum() of the lessons
 * (marked match) and the types (with COVERED, SKIP_UNTYPED too) gives,
 * summed in its order, the lessons first. */
struct sum_ranking {
	double word_scale;
	unsigned lessons;
	int covered;
};

static double weigh_by_sum(unsigned id, double bm25, const void *arg)
{
	const struct sum_ranking *r = arg;
	const char *t = skip_type(id);
	double sum = 0;
	int any = 0;

	for (unsigned k = 0; k < r->lessons; k++)
		if (skip_lesson(id, k) >= 0) {
			sum += skip_lesson_weight[k][skip_lesson(id, k)];
			any = 1;
		}
	if (!any || (!t && !r->covered))
		return -1;
	sum += t ? skip_type_weight[t[2] - 'a'] : SKIP_UNTYPED_WEIGHT;
	return sum + (bm25 ? r->word_scale * bm25 : 0);
}

/* The lists of the lessons and types for xdb_query_term_sum(): LESSONS
 * lessons marked match, then the types; in *N, how many. */
static void sum_lists(unsigned lessons, int covered,
		      struct xdb_term_weights *l, size_t *n)
{
	static const char *const types[] = { "XTb", "XTa", "XTd", "XTc",
					     SKIP_UNTYPED };
	static const double weights[] = { 0.6, 0.5, 0.8, 0.7,
					  SKIP_UNTYPED_WEIGHT };
	unsigned k;

	for (k = 0; k < lessons; k++) {
		l[k].terms = skip_lesson_terms[k];
		l[k].weights = skip_lesson_weight[k];
		l[k].n = skip_lesson_levels[k];
		l[k].match = 1;
	}
	l[k].terms = types;
	l[k].weights = weights;
	l[k].n = covered ? 5 : 4;
	l[k].match = 0;
	*n = k + 1;
}

/* The sum (or, with COMPOSED, "(lesson OR lesson) AND types" of the single
 * lists' queries) AND_MAYBE WORD scaled by WORD_SCALE; the sum alone when
 * WORD is NULL. */
static xdb_query_t *sum_query(const char *word, double word_scale,
			      unsigned lessons, int covered, int composed)
{
	struct xdb_term_weights l[3];
	xdb_query_t *q = NULL, *w, *ws, *r;
	size_t n;

	sum_lists(lessons, covered, l, &n);
	if (!composed) {
		q = xdb_query_term_sum(l, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			xdb_query_t *one = xdb_query_term_weights(
			    l[i].terms, l[i].weights, l[i].n);

			r = q ? xdb_query_combine(l[i].match ? XDB_OP_OR
							     : XDB_OP_AND,
						  q, one)
			      : one;
			if (q)
				xdb_query_free(one);
			xdb_query_free(q);
			q = r;
		}
	}
	if (!word)
		return q;
	w = xdb_query_term(word, 1);
	ws = xdb_query_scale(w, word_scale);
	r = xdb_query_combine(XDB_OP_AND_MAYBE, q, ws);
	xdb_query_free(ws);
	xdb_query_free(w);
	xdb_query_free(q);
	return r;
}

/* Every match of Q (freed) counted, and the matcher's estimate for a page
 * of SKIP_TOP in *EST. */
static unsigned count_all(xdb_t *db, xdb_query_t *q, unsigned *est)
{
	xdb_enquire_t *enq = xdb_enquire_new(db);
	xdb_mset_t *mset = NULL;
	unsigned n = 0;

	*est = 0;
	xdb_enquire_set_query(enq, q);
	if (xdb_enquire_get_mset(enq, 0, SKIP_DOCS, 0, &mset) == EV_OK)
		n = xdb_mset_size(mset);
	xdb_mset_free(mset);
	mset = NULL;
	if (xdb_enquire_get_mset(enq, 0, SKIP_TOP, 0, &mset) == EV_OK)
		*est = xdb_mset_matches_estimated(mset);
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	xdb_query_free(q);
	return n;
}

/*
 * xdb_query_term_sum() as search.c uses it for a query that names
 * lessons: the lessons' strength terms and the types summed by one
 * source, AND_MAYBE the words.  With the words scaled down the sum
 * decides the page and the source passes over the documents whose lists
 * together fall short (with a lesson needed, it drives by that lesson
 * alone); with them at full weight, the words do.  The top must be the
 * one worked out by hand, and the same as Xapian's OR and AND of the
 * single lists give, with the same estimate of the matches.
 */
static void test_term_sum_skip(xdb_t *db)
{
	static const char *const words[] = { "word", "rare" };
	static const double scales[] = { 1, 0.05 };
	static const char *const one[] = { "XLa:1" }, *const bad[] = { "" };
	static const double w1[] = { 1 }, neg[] = { -1 };
	unsigned want_n, n, est, est_composed;

	for (size_t c = 0; c < 16; c++) {
		const char *word = words[c % 2];
		double scale = scales[c / 2 % 2];
		struct sum_ranking r = { scale, 1 + (unsigned)(c / 4 % 2),
					 c >= 8 };
		struct skip_hit want[SKIP_TOP];
		struct strbuf why;

		sb_reset(&why);
		if (!want_top(db, word, weigh_by_sum, &r, want))
			continue;
		ok(same_top(db,
			    sum_query(word, scale, r.lessons, r.covered, 0),
			    want, &why),
		   "%u lesson%s and the types%s summed, AND_MAYBE %s x %g: "
		   "the top %d by hand %s",
		   r.lessons, r.lessons > 1 ? "s" : "",
		   r.covered ? " (every document typed)" : "", word, scale,
		   SKIP_TOP, why.s);
		sb_reset(&why);
		ok(same_top(db,
			    sum_query(word, scale, r.lessons, r.covered, 1),
			    want, &why),
		   "the same as Xapian's OR and AND of the lists %s", why.s);
	}

	/* Alone: every document with a lesson and a type, counted. */
	for (unsigned lessons = 1; lessons <= 2; lessons++) {
		for (int covered = 0; covered <= 1; covered++) {
			want_n = 0;
			for (unsigned id = 1; id <= SKIP_DOCS; id++) {
				struct sum_ranking r = { 0, lessons, covered };

				want_n += weigh_by_sum(id, 0, &r) >= 0;
			}
			n = count_all(db,
				      sum_query(NULL, 0, lessons, covered, 0),
				      &est);
			count_all(db, sum_query(NULL, 0, lessons, covered, 1),
				  &est_composed);
			is_int((int)n, (int)want_n,
			       "%u lesson%s and the types%s alone: every "
			       "document with both",
			       lessons, lessons > 1 ? "s" : "",
			       covered ? " (every document typed)" : "");
			is_int((int)est, (int)est_composed,
			       "  estimated as Xapian's OR and AND of the "
			       "lists estimate it");
		}
	}
	{
		struct xdb_term_weights l[2] = {
			{ one, w1, 1, 0 },
			{ one, w1, 1, 0 },
		};

		ok(!xdb_query_term_sum(l, 2), "no list marked match: NULL");
		l[0].match = 1;
		l[1].terms = bad;
		ok(!xdb_query_term_sum(l, 2), "an empty term: NULL");
		l[1].terms = one;
		l[1].weights = neg;
		ok(!xdb_query_term_sum(l, 2), "a negative weight: NULL");
	}
}

/*
 * search.c's shape for a query that names a lesson, on a local index:
 * (strength and prior, matching on strength) AND_MAYBE words, MAX words
 * AND (prior, matching every document).  With EVERY_SLOT, the second sum
 * also has SLOT_WORK, which every document has, at scale 0: it walks that
 * slot's values instead of the list of every document.
 */
static xdb_query_t *words_max_sum(const char *word, double scale,
				  double prior_scale, int every_slot)
{
	struct xdb_value_weight vw[] = {
		{ SLOT_STRENGTH, scale, 1 },
		{ SLOT_PRIOR, prior_scale, 0 },
		{ SLOT_WORK, 0, 0 },
	};
	xdb_query_t *w = xdb_query_term(word, 1);
	xdb_query_t *a = xdb_query_value_sum(vw, 2, 1);
	xdb_query_t *b, *left, *right, *q;

	b = xdb_query_value_sum(vw + 1, every_slot ? 2 : 1, 1);
	left = xdb_query_combine(XDB_OP_AND_MAYBE, a, w);
	right = xdb_query_combine(XDB_OP_AND, w, b);
	q = xdb_query_combine(XDB_OP_MAX, left, right);
	xdb_query_free(right);
	xdb_query_free(left);
	xdb_query_free(b);
	xdb_query_free(a);
	xdb_query_free(w);
	return q;
}

static void test_value_weight_skip(void)
{
	static const enum xdb_op ops[] = { XDB_OP_OR, XDB_OP_AND_MAYBE };
	static const char *const words[] = { "word", "rare" };
	xdb_t *db = NULL;
	char value[18];

	if (xdb_open(tmp_path("skip"), XDB_CREATE_OVERWRITE, &db, NULL) !=
	    EV_OK) {
		ok(0, "create the database");
		return;
	}
	for (unsigned id = 1; id <= SKIP_DOCS; id++) {
		xdb_doc_t *doc = xdb_doc_new();

		if (id % 3)
			xdb_doc_add_term(doc, "word", id % 7 + 1);
		if (id % 50 == 0)
			xdb_doc_add_term(doc, "rare", 1);
		xdb_doc_add_term(doc, "padding", id % 11 + 1);
		if (skip_strength(id) >= 0)
			xdb_doc_set_value(
			    doc, SLOT_STRENGTH, value,
			    xdb_sortable_serialise(skip_strength(id), value));
		if (skip_prior(id) >= 0)
			xdb_doc_set_value(
			    doc, SLOT_PRIOR, value,
			    xdb_sortable_serialise(skip_prior(id), value));
		xdb_doc_set_value(doc, SLOT_WORK, value,
				  xdb_sortable_serialise(id, value));
		xdb_doc_add_boolean_term(doc, skip_type(id) ? skip_type(id)
							    : SKIP_UNTYPED);
		for (unsigned k = 0; k < 2; k++)
			if (skip_lesson(id, k) >= 0)
				xdb_doc_add_boolean_term(
				    doc, skip_lesson_terms[k][skip_lesson(id, k)]);
		xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
	}
	xdb_commit(db);
	for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
		for (size_t t = 0; t < ARRAY_SIZE(words); t++) {
			const char *opname = o ? "AND_MAYBE" : "OR";
			struct skip_hit want[SKIP_TOP];
			struct strbuf why;

			sb_reset(&why);
			if (!top_by_hand(db, words[t], 1, 2.5, 0, ops[o],
					 want)) {
				ok(0, "rank %s by hand", words[t]);
				continue;
			}
			ok(same_top(db,
				    words_op_value(words[t], 1, ops[o], 1,
						   2.5),
				    want, &why),
			   "%s %s, capped source scaled by 2.5: the top %d "
			   "by hand %s",
			   opname, words[t], SKIP_TOP, why.s);
			sb_reset(&why);
			top_by_hand(db, words[t], 0.4, 1, 0, ops[o], want);
			ok(same_top(db,
				    words_op_value(words[t], 0.4, ops[o], 0,
						   1),
				    want, &why),
			   "%s %s, Xapian's source at 1, words at 0.4: the "
			   "top %d by hand %s",
			   opname, words[t], SKIP_TOP, why.s);
		}
	}
	/* Strength and prior summed: the prior is large enough to reorder
	 * documents of near strength, and matches nothing by itself. */
	for (size_t t = 0; t < 2 * ARRAY_SIZE(words); t++) {
		struct skip_hit want[SKIP_TOP];
		struct strbuf why;
		const char *word = words[t / 2];

		sb_reset(&why);
		top_by_hand(db, word, 1, 2.5, 0.6, XDB_OP_OR, want);
		ok(same_top(db, words_max_sum(word, 2.5, 0.6, t % 2), want,
			    &why),
		   "%s with strength and prior summed, under MAX%s: the "
		   "top %d by hand %s",
		   word, t % 2 ? ", a slot for every document" : "", SKIP_TOP,
		   why.s);
	}
	ok(xdb_query_value_weight(SLOT_STRENGTH, 0, 2.5) == NULL,
	   "no cap and a scale above 1: refused");
	test_term_weights_skip(db);
	test_term_sum_skip(db);
	xdb_close(db);
}

static void test_sortable(void)
{
	static const double values[] = { -1e10, -2.5, -1, 0,    0.5,
					  1,     2,    2018, 1e10 };
	char prev[18], cur[18];
	size_t prevlen = 0;

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		size_t len = xdb_sortable_serialise(values[i], cur);

		ok(len <= 18, "%g serialises in %zu bytes", values[i], len);
		ok(xdb_sortable_unserialise(cur, len) == values[i],
		   "%g round-trips", values[i]);
		if (i > 0) {
			size_t n = len < prevlen ? len : prevlen;
			int c = memcmp(prev, cur, n);

			ok(c < 0 || (c == 0 && prevlen < len),
			   "%g sorts before %g", values[i - 1], values[i]);
		}
		memcpy(prev, cur, len);
		prevlen = len;
	}
}

static void test_stem(void)
{
	char *msg = NULL, out[8];
	xdb_stem_t *stem = xdb_stem_new("english", &msg);

	ok(stem != NULL, "an English stemmer");
	is_int(xdb_stem_word(stem, "networks", 8, out, sizeof(out)), 7,
	       "stem length");
	is_str(out, "network", "networks -> network");
	is_int(xdb_stem_word(stem, "partnerships", 12, out, 4), 11,
	       "a cut stem still gives its full length");
	is_str(out, "par", "cut to fit");
	xdb_stem_free(stem);
	ok(xdb_stem_new("klingon", &msg) == NULL && msg,
	   "an unknown language: NULL and a message");
	free(msg);
}

/*
 * The stem cache (lib/xdb.cc, CachedStem) must give exactly what Snowball
 * gives.  The words: every prefix + root + second root + suffix (the
 * first STEM_GENERATED_SMALL have no second root), distinct and more
 * than the cache holds, then the hand-picked ones of stem_extra.
 */
static const char *const stem_prefixes[] = { "", "re", "un", "co", "over" };
static const char *const stem_roots[] = {
	"connect", "consign", "general", "organ", "collaborat", "partner",
	"federat", "network", "practic", "fund", "govern", "merg",
	"integrat", "commission", "pilot", "lead", "communit", "relat",
	"trust", "pac",
};
static const char *const stem_roots2[] = {
	"", "ship", "care", "work", "hood", "land", "way", "point", "line",
	"house", "craft", "field", "stone", "time", "wise", "light", "ward",
	"side", "man", "book",
};
static const char *const stem_suffixes[] = {
	"", "s", "ed", "ing", "ion", "ions", "ional", "ment", "ments", "ness",
	"ies", "ly", "ity", "ive", "ised", "isation", "izations", "er", "ers",
	"able",
};
#define STEM_GENERATED_SMALL (20 * 20 * 5)
#define STEM_GENERATED (STEM_GENERATED_SMALL * 20)

static const char *const stem_extra[] = {
	"",				 /* nothing to stem */
	"a", "s", "is",			 /* shorter than any suffix */
	"abcdefghijklmnopqrstuvwxyzabc", /* 29 bytes: the longest kept */
	"abcdefghijklmnopqrstuvwxyzabcd", /* 30 bytes: never kept */
	"internationalisationalisation", /* 29 bytes, stemmed shorter */
	"café", "naïve", "coöperation", "résumés", /* UTF-8 */
	"connections", "connection",	 /* one stem, two words */
};

static size_t stem_word_count(void)
{
	return STEM_GENERATED + sizeof(stem_extra) / sizeof(*stem_extra);
}

/* Word I of the list into OUT (64 bytes). */
static void stem_word_at(size_t i, char out[64])
{
	if (i >= STEM_GENERATED) {
		snprintf(out, 64, "%s", stem_extra[i - STEM_GENERATED]);
		return;
	}
	snprintf(out, 64, "%s%s%s%s", stem_prefixes[(i / 400) % 5],
		 stem_roots[(i / 20) % 20], stem_roots2[(i / 2000) % 20],
		 stem_suffixes[i % 20]);
}

/* Stem the first N words with CACHED and REF in ORDER (0 forwards, 1
 * backwards, 2 strided); the number of words they stem differently. */
static size_t stem_mismatches(xdb_stem_t *cached, xdb_stem_t *ref, size_t n,
			      int order)
{
	size_t bad = 0;

	for (size_t k = 0; k < n; k++) {
		size_t i = order == 0 ? k : order == 1 ? n - 1 - k
						       : (k * 7919) % n;
		char word[64], a[64], b[64];
		size_t la, lb;

		stem_word_at(i, word);
		la = xdb_stem_word(cached, word, strlen(word), a, sizeof(a));
		lb = xdb_stem_word(ref, word, strlen(word), b, sizeof(b));
		if (la != lb || strcmp(a, b) != 0) {
			if (!bad)
				printf("# '%s': cached '%s', Snowball '%s'\n",
				       word, a, b);
			bad++;
		}
	}
	return bad;
}

/* Stems checked by hand against the Porter2 (Snowball English) rules. */
static const struct {
	const char *word, *stem;
} stem_cases[] = {
	{ "networks", "network" },
	{ "connections", "connect" },
	{ "consistency", "consist" },
	{ "knackeries", "knackeri" },
	{ "ponies", "poni" },
	{ "caresses", "caress" },
	{ "federations", "feder" },
	/* a hit must not answer for a word that shares its start */
	{ "network", "network" },
	{ "net", "net" },
};

static void test_stem_cache(void)
{
	static const size_t sizes[] = { 4, 8, 64, 32768 };
	const size_t ncases = sizeof(stem_cases) / sizeof(*stem_cases);
	xdb_stem_t *ref = xdb_stem_new("english", NULL);
	xdb_stem_t *none = xdb_stem_new("none", NULL);
	char out[64];

	if (!ref || !none) {
		ok(0, "stemmers");
		xdb_stem_free(ref);
		xdb_stem_free(none);
		return;
	}
	xdb_stem_set_cache(ref, 0); /* Snowball alone */
	for (size_t z = 0; z < sizeof(sizes) / sizeof(*sizes); z++) {
		xdb_stem_t *stem = xdb_stem_new("english", NULL);
		size_t n = sizes[z] < 100 ? STEM_GENERATED_SMALL
					  : stem_word_count();
		size_t bad = 0;

		xdb_stem_set_cache(stem, sizes[z]);
		/* Each case three times: a miss, a hit, and (small caches)
		 * again after the other cases evicted it. */
		for (int pass = 0; pass < 3; pass++)
			for (size_t c = 0; c < ncases; c++) {
				const char *w = stem_cases[c].word;

				xdb_stem_word(stem, w, strlen(w), out,
					      sizeof(out));
				if (strcmp(out, stem_cases[c].stem) != 0) {
					printf("# %s: '%s', want '%s'\n", w,
					       out, stem_cases[c].stem);
					bad++;
				}
			}
		is_int(bad, 0, "cache of %zu: the hand-checked stems, three "
		       "times", sizes[z]);
		for (int order = 0; order < 3; order++)
			is_int(stem_mismatches(stem, ref, n, order), 0,
			       "cache of %zu: %zu words as Snowball stems "
			       "them (order %d)", sizes[z], n, order);
		xdb_stem_free(stem);
	}
	/* The list is worth something only if most words change. */
	{
		size_t changed = 0;

		for (size_t i = 0; i < STEM_GENERATED_SMALL; i++) {
			char word[64];

			stem_word_at(i, word);
			xdb_stem_word(ref, word, strlen(word), out,
				      sizeof(out));
			changed += strcmp(word, out) != 0;
		}
		ok(changed > STEM_GENERATED_SMALL / 2,
		   "most test words have a stem of their own (%zu)", changed);
	}
	xdb_stem_set_cache(none, 8); /* no cache to size: harmless */
	is_int(xdb_stem_word(none, "networks", 8, out, sizeof(out)), 8,
	       "'none' stems nothing");
	is_str(out, "networks", "'none' gives the word back");
	xdb_stem_free(ref);
	xdb_stem_free(none);
}

/* The term generator's stems ("Z" terms) through its own cache, with
 * more distinct words than the cache holds, each indexed twice. */
struct z_walk {
	char **want; /* sorted, distinct */
	size_t n, at, bad;
	unsigned long wdf;
};

static int check_z_term(const char *term, unsigned wdf, void *ctx)
{
	struct z_walk *z = ctx;

	if (z->at >= z->n || strcmp(term, z->want[z->at]) != 0) {
		if (!z->bad)
			printf("# term %zu: got '%s', want '%s'\n", z->at,
			       term, z->at < z->n ? z->want[z->at] : "");
		z->bad++;
	}
	z->at++;
	z->wdf += wdf;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_termgen_stem_cache(void)
{
	xdb_stem_t *ref = xdb_stem_new("english", NULL);
	xdb_termgen_t *tg = xdb_termgen_new(NULL);
	xdb_doc_t *doc = xdb_doc_new();
	struct z_walk z = { 0 };
	size_t len = 0, kept = 0;
	char *text = malloc((size_t)STEM_GENERATED * 64);

	z.want = calloc(STEM_GENERATED, sizeof(*z.want));
	if (!ref || !tg || !doc || !text || !z.want) {
		ok(0, "stemmer, term generator, document");
		goto out;
	}
	xdb_stem_set_cache(ref, 0);
	for (size_t i = 0; i < STEM_GENERATED; i++) {
		char word[64], stem[64];

		stem_word_at(i, word);
		len += (size_t)sprintf(text + len, "%s ", word);
		xdb_stem_word(ref, word, strlen(word), stem, sizeof(stem));
		z.want[i] = malloc(strlen(stem) + 2);
		if (z.want[i])
			sprintf(z.want[i], "Z%s", stem);
	}
	qsort(z.want, STEM_GENERATED, sizeof(*z.want), cmp_strp);
	for (size_t i = 0; i < STEM_GENERATED; i++)
		if (kept == 0 || strcmp(z.want[i], z.want[kept - 1]) != 0)
			z.want[kept++] = z.want[i];
		else
			free(z.want[i]);
	z.n = kept;
	xdb_termgen_set_document(tg, doc);
	is_int(xdb_termgen_index_text(tg, text, 1, ""), EV_OK,
	       "index %d words", STEM_GENERATED);
	is_int(xdb_termgen_index_text(tg, text, 1, ""), EV_OK,
	       "and again, after the cache evicted the first ones");
	xdb_doc_terms(doc, "Z", check_z_term, &z);
	is_int(z.bad, 0, "every stem term is Snowball's");
	is_int(z.at, z.n, "as many stem terms as distinct stems (%zu)", z.n);
	is_int(z.wdf, 2 * STEM_GENERATED, "each word stemmed twice");
out:
	for (size_t i = 0; z.want && i < z.n; i++)
		free(z.want[i]);
	free(z.want);
	free(text);
	xdb_doc_free(doc);
	xdb_termgen_free(tg);
	xdb_stem_free(ref);
}

static int add_z_term(const char *term, unsigned wdf, void *ctx)
{
	(void)wdf;
	sb_add(ctx, "%s ", term);
	return 0;
}

/* Stopwords get no stem term; words the list leaves out on purpose
 * ("not", "over", "too", "much", "soon") and words that merely start
 * like a stopword do ("thereby", whose final y Porter2 turns to i). */
static void test_termgen_stopwords(void)
{
	xdb_termgen_t *tg = xdb_termgen_new(NULL);
	xdb_doc_t *doc = xdb_doc_new();
	struct strbuf got;

	sb_reset(&got);
	if (!tg || !doc) {
		ok(0, "term generator and document");
	} else {
		xdb_termgen_set_document(tg, doc);
		xdb_termgen_index_text(tg,
				       "the and a i ourselves yourselves not "
				       "over too much soon there thereby "
				       "an ant",
				       1, "");
		xdb_doc_terms(doc, "Z", add_z_term, &got);
		is_str(got.s, "Zant Zmuch Znot Zover Zsoon Ztherebi Ztoo ",
		       "stem terms for all but the stopwords");
	}
	xdb_doc_free(doc);
	xdb_termgen_free(tg);
}

/* Letting go of a document: what is indexed after that is not in it,
 * and the document lives on, whole, after the term generator is gone
 * (the indexer hands each document to its writer thread this way). */
static void test_termgen_let_go(void)
{
	xdb_termgen_t *tg = xdb_termgen_new(NULL);
	xdb_doc_t *doc = xdb_doc_new();
	struct strbuf got;

	sb_reset(&got);
	if (!tg || !doc) {
		ok(0, "term generator and document");
		xdb_doc_free(doc);
		xdb_termgen_free(tg);
		return;
	}
	xdb_termgen_set_document(tg, doc);
	xdb_termgen_index_text_nopos(tg, "trust", 1, "");
	is_int(xdb_termgen_set_document(tg, NULL), EV_OK, "let go");
	is_int(xdb_termgen_index_text_nopos(tg, "goodwill", 1, ""), EV_OK,
	       "indexing with no document is no error");
	xdb_termgen_free(tg);
	xdb_doc_terms(doc, "", add_term_cb, &got);
	is_str(got.s, "Ztrust:1 trust:1",
	       "the document has what came before, not after");
	xdb_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* Transactions, reopening and shards                                 */

static void add_plain(xdb_t *db, const char *idterm)
{
	xdb_doc_t *doc = xdb_doc_new();

	xdb_doc_add_boolean_term(doc, idterm);
	xdb_replace_document(db, idterm, doc);
	xdb_doc_free(doc);
}

static void test_transactions(void)
{
	xdb_t *db = NULL;
	unsigned count = 99, freq = 99;

	if (xdb_open(tmp_path("txn"), XDB_WRITE, &db, NULL) != EV_OK) {
		ok(0, "create a database");
		return;
	}
	add_plain(db, "Qbefore");
	xdb_commit(db);
	is_int(xdb_begin_transaction(db, 1), EV_OK, "begin a transaction");
	is_int(xdb_begin_transaction(db, 1), EV_USAGE,
	       "begin twice: EV_USAGE");
	add_plain(db, "Qcancelled");
	xdb_set_metadata(db, "cursor", "cancelled");
	is_int(xdb_cancel_transaction(db), EV_OK, "cancel it");
	xdb_doccount(db, &count);
	is_int(count, 1, "the cancelled document is gone");
	xdb_termfreq(db, "Qcancelled", &freq);
	is_int(freq, 0, "and its term");
	{
		char *v = NULL;

		xdb_get_metadata(db, "cursor", &v);
		is_str(v, "", "and its metadata");
		free(v);
	}
	is_int(xdb_commit_transaction(db), EV_USAGE,
	       "commit with no transaction: EV_USAGE");
	is_int(xdb_begin_transaction(db, 0), EV_OK, "begin an unflushed one");
	add_plain(db, "Qkept");
	is_int(xdb_commit_transaction(db), EV_OK, "commit it");
	xdb_doccount(db, &count);
	is_int(count, 2, "the document is in");
	xdb_commit(db);
	xdb_close(db);

	/* Committed for a new reader too. */
	if (xdb_open(tmp_path("txn"), XDB_READ, &db, NULL) == EV_OK) {
		xdb_doccount(db, &count);
		is_int(count, 2, "a new reader sees both");
		xdb_close(db);
	}
}

/*
 * XDB_BUILD: a database written aside, its commits not flushed, empties
 * what was at the path as XDB_CREATE_OVERWRITE does; once closed and
 * flushed with fs_fsync_files() it reads like any other.
 */
static void test_build_mode(void)
{
	char path[PATH_MAX], sub[PATH_MAX];
	xdb_t *db = NULL;
	unsigned count = 99;
	int docs_ok = 1;

	snprintf(path, sizeof(path), "%s", tmp_path("build"));
	snprintf(sub, sizeof(sub), "%s", tmp_path("build/sub"));
	if (xdb_open(path, XDB_WRITE, &db, NULL) != EV_OK) {
		ok(0, "create a database to build over");
		return;
	}
	for (int i = 0; i < 3 && docs_ok; i++) {
		xdb_doc_t *doc = xdb_doc_new();

		docs_ok = doc && !xdb_doc_add_term(doc, "old", 1) &&
			  !xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
	}
	ok(docs_ok && !xdb_commit(db), "three old documents committed");
	xdb_close(db);

	is_int(xdb_open(path, XDB_BUILD, &db, NULL), EV_OK,
	       "open the same path to build");
	if (!db)
		return;
	is_int(xdb_doccount(db, &count), EV_OK, "count the build");
	is_int(count, 0, "the build starts empty");
	for (int i = 0; i < 5 && docs_ok; i++) {
		xdb_doc_t *doc = xdb_doc_new();

		docs_ok = doc && !xdb_doc_add_term(doc, "new", 1) &&
			  !xdb_add_document(db, doc, NULL);
		xdb_doc_free(doc);
		/* Commits along the way, as a rebuild makes them. */
		docs_ok = docs_ok && !xdb_commit(db);
	}
	ok(docs_ok, "five documents, each committed");
	xdb_close(db);
	is_int(fs_fsync_files(path), EV_OK, "flush the built database");

	db = NULL;
	is_int(xdb_open(path, XDB_READ, &db, NULL), EV_OK,
	       "the flushed build opens for reading");
	count = 0;
	if (db) {
		unsigned freq = 0;

		xdb_doccount(db, &count);
		xdb_termfreq(db, "new", &freq);
		is_int((int)freq, 5, "every document of the build is there");
		xdb_termfreq(db, "old", &freq);
		is_int((int)freq, 0, "none of the old database is");
	}
	is_int(count, 5, "five documents read back");
	xdb_close(db);

	is_int(fs_fsync_files(tmp_path("no-such-dir")), EV_NOT_FOUND,
	       "flushing a missing folder: EV_NOT_FOUND");
	/* A folder inside is not descended into, nor is it an error. */
	ok(mkdir(sub, 0777) == 0, "make a folder inside");
	is_int(fs_fsync_files(path), EV_OK, "a folder beside the files");
}

/* Does the termlist table of the database at DIR hold WORD's bytes? */
static int termlist_holds(const char *dir, const char *word)
{
	char path[PATH_MAX + 32];
	struct buf b = BUF_INIT;
	int found;

	snprintf(path, sizeof(path), "%s/termlist.glass", dir);
	found = fs_read_file(path, 64 << 20, &b) == EV_OK &&
		memmem(b.ptr, b.len, word, strlen(word)) != NULL;
	buf_release(&b);
	return found;
}

/* A database at NAME (under the scratch folder) with one document of
 * 400 numbered terms and WORD, whose termlist deflate would shrink. */
static xdb_t *termlist_db(const char *name, const char *word)
{
	xdb_t *db = NULL;
	xdb_doc_t *doc = xdb_doc_new();
	int fine = doc && !xdb_open(tmp_path(name), XDB_BUILD, &db, NULL) &&
		   !xdb_doc_add_term(doc, word, 1);

	for (unsigned i = 0; fine && i < 400; i++) {
		char term[32];

		snprintf(term, sizeof(term), "numbered%03u", i);
		fine = !xdb_doc_add_term(doc, term, 1);
	}
	fine = fine && !xdb_add_document(db, doc, NULL) && !xdb_commit(db);
	xdb_doc_free(doc);
	if (!fine) {
		xdb_close(db);
		return NULL;
	}
	return db;
}

/*
 * A compaction copies termlists as they are (lib/xdb.cc, deflate()):
 * each source's item holds its terms' bytes plainly, and so must the
 * copy's, which Xapian alone would deflate.  Out of a compaction,
 * deflate() is zlib's.
 */
static void test_compact_plain(void)
{
	static const char word[] = "plainlymarkedterm";
	xdb_t *a = termlist_db("plain-a", word);
	xdb_t *b = termlist_db("plain-b", "other");
	char other[PATH_MAX], copy[PATH_MAX];
	const char *more[] = {other};
	unsigned count = 0, freq = 0;
	unsigned char in[4096], out[4096];
	z_stream z;

	ok(a && b, "two databases with long termlists");
	if (!a || !b) {
		xdb_close(a);
		xdb_close(b);
		return;
	}
	snprintf(other, sizeof(other), "%s", tmp_path("plain-b"));
	snprintf(copy, sizeof(copy), "%s", tmp_path("plain-copy"));
	ok(termlist_holds(tmp_path("plain-a"), word),
	   "a source's termlist holds its terms plainly");
	is_int(xdb_compact(a, more, 1, copy), EV_OK,
	       "the two merged into a copy");
	ok(termlist_holds(copy, word),
	   "the copy's termlist holds them plainly too");
	xdb_close(a);
	xdb_close(b);

	a = NULL;
	is_int(xdb_open(copy, XDB_READ, &a, NULL), EV_OK, "the copy opens");
	if (a) {
		xdb_doccount(a, &count);
		xdb_termfreq(a, word, &freq);
	}
	is_int(count, 2, "the copy has both documents");
	is_int(freq, 1, "and the first one's term");
	xdb_close(a);

	memset(in, 'e', sizeof(in));
	memset(&z, 0, sizeof(z));
	ok(deflateInit(&z, Z_DEFAULT_COMPRESSION) == Z_OK, "a deflate stream");
	z.next_in = in;
	z.avail_in = sizeof(in);
	z.next_out = out;
	z.avail_out = sizeof(out);
	is_int(deflate(&z, Z_FINISH), Z_STREAM_END,
	       "deflate() out of a compaction finishes");
	ok(z.total_out > 0 && z.total_out < 100,
	   "and shrinks 4 KB of one letter (to %lu bytes)", z.total_out);
	deflateEnd(&z);
}

static void test_reopen(void)
{
	xdb_t *w = NULL, *r = NULL;
	unsigned count = 0;

	xdb_open(tmp_path("txn"), XDB_WRITE, &w, NULL);
	xdb_open(tmp_path("txn"), XDB_READ, &r, NULL);
	if (!w || !r) {
		ok(0, "open a writer and a reader");
		xdb_close(r);
		xdb_close(w);
		return;
	}
	add_plain(w, "Qlater");
	xdb_commit(w);
	xdb_doccount(r, &count);
	is_int(count, 2, "a reader stays on its revision");
	is_int(xdb_reopen(r), EV_OK, "reopen");
	xdb_doccount(r, &count);
	is_int(count, 3, "and it sees the commit");
	xdb_close(r);
	xdb_close(w);
}

static void test_shards(const char *ops, const char *rank)
{
	const char *paths[] = { ops, rank, tmp_path("no-such-shard") };
	xdb_t *db = NULL;
	char *msg = NULL, stub[PATH_MAX];
	unsigned count = 0;
	struct strbuf got;
	FILE *f;

	/* Paths come from tmp_path()'s one buffer: copy before reuse. */
	char missing[PATH_MAX];

	snprintf(missing, sizeof(missing), "%s", paths[2]);
	paths[2] = missing;
	is_int(xdb_open_shards(paths, 2, &db, &msg), EV_OK, "open two shards");
	xdb_doccount(db, &count);
	is_int(count, 6 + 4, "documents of both");
	{
		/* "alpha" is in rank docs 1-3, and "a" in ops docs: with
		 * two shards, docids interleave (shard i of n: (d-1)n+i+1). */
		xdb_query_t *q = xdb_query_term("alpha", 1);

		query_ids(db, q, 1, &got);
		is_str(got.s, "2,4,6", "docids interleave across shards");
		xdb_query_free(q);
	}
	xdb_close(db);
	db = NULL;
	is_int(xdb_open_shards(paths, 3, &db, &msg), EV_NOT_FOUND,
	       "a missing shard: EV_NOT_FOUND");
	ok(db == NULL, "no handle");
	ok(msg && strstr(msg, "no-such-shard"), "the message names it: %s",
	   msg ? msg : "NULL");
	free(msg);
	msg = NULL;
	is_int(xdb_open_shards(paths, 0, &db, &msg), EV_USAGE,
	       "no shards: EV_USAGE");
	free(msg);
	msg = NULL;

	/* A stub file naming both. */
	snprintf(stub, sizeof(stub), "%s", tmp_path("both.stub"));
	f = fopen(stub, "w");
	if (f) {
		fprintf(f, "auto %s\nauto %s\n", ops, rank);
		fclose(f);
	}
	is_int(xdb_open(stub, XDB_READ, &db, &msg), EV_OK,
	       "open a stub file");
	xdb_doccount(db, &count);
	is_int(count, 10, "it combines both");
	xdb_close(db);
	free(msg);
}

/* ------------------------------------------------------------------ */
/* A reader that meets a database modified under it                    */

#define BUSY_DOCS 300

/* Replace every document with one whose data starts with MARK (a letter)
 * and goes on with bytes that do not compress, and with new terms, so
 * that each round rewrites many blocks of each table, then commit. */
static void busy_round(xdb_t *w, char mark, unsigned *seed)
{
	char data[2001], id[16], term[32];

	for (unsigned i = 1; i <= BUSY_DOCS; i++) {
		xdb_doc_t *doc = xdb_doc_new();

		data[0] = mark;
		for (size_t j = 1; j < sizeof(data) - 1; j++) {
			*seed = *seed * 1103515245u + 12345u;
			data[j] = 'a' + (*seed >> 16) % 26;
		}
		data[sizeof(data) - 1] = '\0';
		snprintf(id, sizeof(id), "Q%u", i);
		xdb_doc_add_boolean_term(doc, id);
		/* A new wdf each round: the postlist changes too (Xapian
		 * skips terms whose entry did not change). */
		xdb_doc_add_term(doc, "common", (unsigned)(mark - 'a' + 1));
		/* Terms of this round only, so that the postlist table has
		 * more than its root block, which a reader keeps in memory
		 * from the moment it opens. */
		for (unsigned t = 0; t < 20; t++) {
			snprintf(term, sizeof(term), "X%c%u-%u", mark, i, t);
			xdb_doc_add_term(doc, term, 1);
		}
		xdb_doc_set_data(doc, data, sizeof(data) - 1);
		xdb_replace_document(w, id, doc);
		xdb_doc_free(doc);
	}
	xdb_commit(w);
}

/* The first byte of DOC's data, or '?'. */
static char data_mark(xdb_doc_t *doc)
{
	char *data = NULL, c = '?';

	if (doc && xdb_doc_get_data(doc, &data, NULL) == EV_OK)
		c = data[0];
	free(data);
	return c;
}

/*
 * Glass reuses a revision's blocks once the writer has committed twice
 * more; a reader still on that revision then gets DatabaseModifiedError.
 * Each step below gives the writer three commits, and the reader must
 * answer from the newest revision, which it reaches only by reopening.
 */
static void test_modified(void)
{
	const char *path = tmp_path("busy");
	xdb_t *w = NULL, *r = NULL, *r2 = NULL;
	xdb_enquire_t *enq = NULL, *enq2 = NULL;
	xdb_mset_t *mset = NULL, *mset2 = NULL, *mset3 = NULL;
	xdb_query_t *q = xdb_query_term("common", 1);
	xdb_doc_t *doc = NULL;
	unsigned seed = 1;

	if (xdb_open(path, XDB_CREATE_OVERWRITE, &w, NULL) != EV_OK) {
		ok(0, "create the busy database");
		xdb_query_free(q);
		return;
	}
	busy_round(w, 'x', &seed);
	xdb_open(path, XDB_READ, &r, NULL);
	enq = xdb_enquire_new(r);
	xdb_enquire_set_query(enq, q);
	is_int(xdb_enquire_get_mset(enq, 0, BUSY_DOCS, 0, &mset), EV_OK,
	       "a reader searches");
	is_int(xdb_mset_size(mset), BUSY_DOCS, "and finds every document");

	for (char mark = 'a'; mark < 'd'; mark++)
		busy_round(w, mark, &seed);
	is_int(xdb_mset_document(mset, BUSY_DOCS - 1, &doc), EV_OK,
	       "a document from a result set made before three commits");
	is_int(data_mark(doc), 'c', "comes from the newest revision");
	xdb_doc_free(doc);
	doc = NULL;

	for (char mark = 'd'; mark < 'g'; mark++)
		busy_round(w, mark, &seed);
	is_int(xdb_enquire_get_mset(enq, 0, BUSY_DOCS, 0, &mset2), EV_OK,
	       "a search after three more commits");
	if (mset2 && xdb_mset_document(mset2, BUSY_DOCS / 2, &doc) == EV_OK)
		is_int(data_mark(doc), 'f', "sees the newest revision");
	else
		ok(0, "read a document: %s", xdb_mset_errmsg(mset2));
	xdb_doc_free(doc);
	doc = NULL;

	for (char mark = 'g'; mark < 'j'; mark++)
		busy_round(w, mark, &seed);
	is_int(xdb_get_document(r, BUSY_DOCS, &doc), EV_OK,
	       "get_document after three more commits");
	is_int(data_mark(doc), 'i', "from the newest revision");
	xdb_doc_free(doc);
	doc = NULL;

	/* A reader that has read nothing yet meets the reused blocks in
	 * the search itself. */
	xdb_open(path, XDB_READ, &r2, NULL);
	for (char mark = 'j'; mark < 'm'; mark++)
		busy_round(w, mark, &seed);
	enq2 = xdb_enquire_new(r2);
	xdb_enquire_set_query(enq2, q);
	is_int(xdb_enquire_get_mset(enq2, 0, BUSY_DOCS, 0, &mset3), EV_OK,
	       "a first search after three commits");
	is_int(xdb_mset_size(mset3), BUSY_DOCS, "finds every document");
	if (mset3 && xdb_mset_document(mset3, 0, &doc) == EV_OK)
		is_int(data_mark(doc), 'l', "from the newest revision");
	else
		ok(0, "read a document: %s", xdb_mset_errmsg(mset3));
	xdb_doc_free(doc);
	xdb_mset_free(mset3);
	xdb_enquire_free(enq2);
	xdb_close(r2);

	xdb_mset_free(mset);
	xdb_mset_free(mset2);
	xdb_enquire_free(enq);
	xdb_query_free(q);
	xdb_close(r);
	xdb_close(w);
}

/* ------------------------------------------------------------------ */
/* Opening: locks, permissions, missing and corrupt databases          */

/* PATH is a database; run as an ordinary user. */
static void test_readonly(const char *path)
{
	xdb_t *db = NULL;
	char *msg = NULL, sub[PATH_MAX + 8], file[PATH_MAX + 32];
	static const char *const files[] = {
		"flintlock",      "iamglass",       "postlist.glass",
		"termlist.glass", "position.glass",
	};

	/* The directory read-only, its files still writable: Xapian would
	 * open the writer and fail at its first commit. */
	chmod(path, 0555);
	is_int(xdb_open(path, XDB_WRITE, &db, &msg), EV_READONLY,
	       "a read-only directory: EV_READONLY at open");
	ok(db == NULL && msg && strstr(msg, "cannot write"), "message: %s",
	   msg ? msg : "NULL");
	free(msg);
	msg = NULL;
	is_int(xdb_open(path, XDB_READ, &db, &msg), EV_OK,
	       "but it can still be read");
	xdb_close(db);
	db = NULL;
	/* Creating a database in it. */
	snprintf(sub, sizeof(sub), "%s/new", path);
	is_int(xdb_open(sub, XDB_WRITE, &db, &msg), EV_READONLY,
	       "create under a read-only directory: EV_READONLY");
	free(msg);
	msg = NULL;
	chmod(path, 0755);

	/* The files read-only (a database of another user): the lock file
	 * cannot be opened, which is no other writer. */
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(file, sizeof(file), "%s/%s", path, files[i]);
		chmod(file, 0444);
	}
	is_int(xdb_open(path, XDB_WRITE, &db, &msg), EV_READONLY,
	       "read-only files: EV_READONLY, not EV_LOCKED");
	ok(msg && strstr(msg, "lockfile"), "message: %s", msg ? msg : "NULL");
	free(msg);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(file, sizeof(file), "%s/%s", path, files[i]);
		chmod(file, 0644);
	}
}

static void test_open_errors(void)
{
	xdb_t *w = NULL, *w2 = NULL;
	char *msg = NULL, path[PATH_MAX];
	int to_child[2], to_parent[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s", tmp_path("locked"));
	is_int(xdb_open(tmp_path("missing"), XDB_READ, &w, &msg),
	       EV_NOT_FOUND, "a missing database: EV_NOT_FOUND");
	ok(w == NULL && msg && *msg, "no handle, a message: %s",
	   msg ? msg : "NULL");
	free(msg);
	msg = NULL;
	is_int(xdb_open(tmpdir, XDB_READ, &w, &msg), EV_NOT_FOUND,
	       "a directory that is no database: EV_NOT_FOUND");
	free(msg);
	msg = NULL;

	/* Two writers in one process: Xapian's lock is per open, not per
	 * process. */
	is_int(xdb_open(path, XDB_WRITE, &w, NULL), EV_OK, "a writer");
	is_int(xdb_open(path, XDB_WRITE, &w2, &msg), EV_LOCKED,
	       "a second writer: EV_LOCKED");
	ok(w2 == NULL && msg && strstr(msg, "lock"), "message: %s",
	   msg ? msg : "NULL");
	free(msg);
	msg = NULL;
	xdb_close(w);
	w = NULL;
	is_int(xdb_open(path, XDB_WRITE, &w, NULL), EV_OK,
	       "closing the first lets the next in");
	xdb_close(w);
	w = NULL;

	/* A writer in another process. */
	if (pipe(to_child) || pipe(to_parent)) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c = 0;
		xdb_t *cw = NULL;

		if (xdb_open(path, XDB_WRITE, &cw, NULL) == EV_OK)
			c = 1;
		if (write(to_parent[1], &c, 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(1);
		xdb_close(cw);
		_exit(0);
	}
	if (pid > 0) {
		char c = 0;
		int st = 0;

		if (read(to_parent[0], &c, 1) != 1)
			c = 0;
		ok(c == 1, "a child process takes the write lock");
		is_int(xdb_open(path, XDB_WRITE, &w, &msg), EV_LOCKED,
		       "the parent cannot: EV_LOCKED");
		free(msg);
		msg = NULL;
		if (write(to_child[1], &c, 1) != 1)
			kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		is_int(xdb_open(path, XDB_WRITE, &w, NULL), EV_OK,
		       "once the child has gone, it can");
		xdb_close(w);
		w = NULL;
	} else {
		ok(0, "fork: %s", strerror(errno));
	}
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);

	/* Permissions do not stop root, so this needs an ordinary user. */
	if (geteuid() == 0)
		skip("running as root: permissions do not stop root, so "
		     "EV_READONLY cannot be tested");
	else
		test_readonly(path);
}

/* Damage one file of a small database in one of three ways. */
enum damage { TRUNCATE, HALVE, ZERO };

static const struct {
	const char *file;
	enum damage how;
} corrupt_cases[] = {
	{ "iamglass", TRUNCATE },
	{ "iamglass", HALVE },
	{ "iamglass", ZERO },
	{ "postlist.glass", TRUNCATE },
	{ "postlist.glass", ZERO },
	{ "termlist.glass", TRUNCATE },
	{ "termlist.glass", ZERO },
	{ "position.glass", TRUNCATE },
	{ "position.glass", ZERO },
};

static ev_status damage_file(const char *path, enum damage how)
{
	struct stat st;
	int fd = open(path, O_RDWR);
	ev_status rc = EV_IO;

	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	if (how == TRUNCATE) {
		if (ftruncate(fd, 0) < 0)
			goto out;
	} else if (how == HALVE) {
		if (ftruncate(fd, st.st_size / 2) < 0)
			goto out;
	} else {
		char zero[4096] = { 0 };

		for (off_t off = 0; off < st.st_size; off += sizeof(zero))
			if (pwrite(fd, zero, sizeof(zero), off) < 0)
				goto out;
	}
	rc = EV_OK;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Open, count, search with a phrase, read a document and its terms:
 * the first failure. */
static ev_status use_database(const char *path, char **msgp)
{
	xdb_t *db = NULL;
	xdb_enquire_t *enq = NULL;
	xdb_mset_t *mset = NULL;
	xdb_doc_t *doc = NULL;
	xdb_query_t *q = NULL;
	static const char *const phrase[] = { "common", "words" };
	struct strbuf got;
	unsigned count;
	ev_status rc;

	sb_reset(&got);
	rc = xdb_open(path, XDB_READ, &db, msgp);
	if (rc)
		goto out;
	rc = xdb_doccount(db, &count);
	if (rc) {
		*msgp = strdup(xdb_errmsg(db));
		goto out;
	}
	enq = xdb_enquire_new(db);
	q = xdb_query_terms_op(XDB_OP_PHRASE, phrase, 2, 0);
	rc = xdb_enquire_set_query(enq, q);
	if (!rc)
		rc = xdb_enquire_get_mset(enq, 0, 10, 0, &mset);
	if (rc) {
		*msgp = strdup(xdb_enquire_errmsg(enq));
		goto out;
	}
	rc = xdb_mset_document(mset, 0, &doc);
	if (!rc)
		rc = xdb_doc_terms(doc, "", add_term_cb, &got);
	if (rc)
		*msgp = strdup(doc ? xdb_doc_errmsg(doc)
				   : xdb_mset_errmsg(mset));
out:
	xdb_doc_free(doc);
	xdb_mset_free(mset);
	xdb_query_free(q);
	xdb_enquire_free(enq);
	xdb_close(db);
	return rc;
}

/*
 * In the table file PATH, overwrite the byte AT bytes past where the
 * first 16 bytes of SLOT (a data slot as read back) are, with BYTE.
 * 0 when done.
 */
static int patch_data_slot(const char *path, const char *slot, size_t at,
			   unsigned char byte)
{
	struct buf file = BUF_INIT;
	int rc = -1;

	if (fs_read_file(path, 64 << 20, &file) != EV_OK) {
		buf_release(&file);
		return -1;
	}
	for (size_t i = 0; i + 16 + at < file.len; i++)
		if (!memcmp(file.ptr + i, slot, 16)) {
			int fd = open(path, O_WRONLY);

			if (fd >= 0 &&
			    pwrite(fd, &byte, 1, (off_t)(i + at)) == 1)
				rc = 0;
			if (fd >= 0)
				close(fd);
			break;
		}
	buf_release(&file);
	return rc;
}

/* The data of the first document of the database at PATH, read with
 * xdb_get_document(), in *DATAP and *LENP, its data slot in *SLOTP; its
 * status, and its message in MSG. */
static ev_status first_data(const char *path, char **datap, size_t *lenp,
			    char **slotp, char *msg, size_t msgsz)
{
	xdb_t *db = NULL;
	xdb_doc_t *doc = NULL;
	ev_status rc = xdb_open(path, XDB_READ, &db, NULL);

	*datap = NULL;
	*lenp = 0;
	*slotp = NULL;
	msg[0] = '\0';
	if (!rc)
		rc = xdb_get_document(db, 1, &doc);
	if (!rc)
		rc = xdb_doc_get_value(doc, XDB_DATA_SLOT, slotp, NULL);
	if (!rc) {
		rc = xdb_doc_get_data(doc, datap, lenp);
		snprintf(msg, msgsz, "%s", xdb_doc_errmsg(doc));
	}
	xdb_doc_free(doc);
	xdb_close(db);
	return rc;
}

/* LEN bytes of words of pseudo-random letters, from SEED: LZ4 and zlib
 * find little to repeat, so the text packs to nearly its size. */
static void random_words(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = i % 7 == 6 ? ' ' : (char)('a' + (seed >> 16) % 26);
	}
}

/* Data that a data table would hold in several blocks. */
#define BIG_DATA (64u * 1024)

/* A database at PATH of one document with DATA, LEN bytes: 0 if done. */
static int write_data_db(const char *path, const char *data, size_t len)
{
	xdb_t *db = NULL;
	xdb_doc_t *doc = xdb_doc_new();
	int bad = !doc || xdb_open(path, XDB_CREATE_OVERWRITE, &db, NULL) ||
		  xdb_doc_set_data(doc, data, len) ||
		  xdb_add_document(db, doc, NULL) || xdb_commit(db);

	xdb_doc_free(doc);
	xdb_close(db);
	return bad;
}

/* Overwrite the byte AT of the data slot *SLOTP in TABLE, a file of the
 * database at PATH, with BYTE: reading the data is then EV_CORRUPT.
 * *SLOTP becomes the slot as read after. */
static void expect_damage(const char *path, const char *table, char **slotp,
			  size_t at, unsigned char byte, const char *what)
{
	char *got = NULL, msg[256];
	size_t len = 0;

	ok(*slotp && patch_data_slot(table, *slotp, at, byte) == 0,
	   "%s: written into the table file", what);
	free(*slotp);
	is_int(first_data(path, &got, &len, slotp, msg, sizeof(msg)),
	       EV_CORRUPT, "%s: EV_CORRUPT", what);
	ok(got == NULL && strstr(msg, "damaged") != NULL, "message: %s",
	   msg);
	free(got);
}

/*
 * The document data lives packed in the binding's value slot (xdb.h):
 * nothing goes to Xapian's own data table, the slot is refused to
 * callers, and a slot that does not unpack to its length and CRC is
 * damage.
 */
static void test_data_slot(void)
{
	char path[PATH_MAX], table[PATH_MAX + 32], data[3000], msg[256];
	xdb_doc_t *doc = xdb_doc_new();
	char *got = NULL, *slot = NULL, *big = malloc(BIG_DATA);
	size_t len = 0;
	struct stat st;

	snprintf(path, sizeof(path), "%s", tmp_path("dataslot"));
	random_words(data, sizeof(data), 7);
	is_int(xdb_doc_set_value(doc, XDB_DATA_SLOT, "x", 1), EV_USAGE,
	       "the data slot is refused to xdb_doc_set_value()");
	ok(strstr(xdb_doc_errmsg(doc), "holds the document data") != NULL,
	   "saying why: %s", xdb_doc_errmsg(doc));
	is_int(xdb_doc_set_data(doc, data, (size_t)XDB_MAX_DATA + 1),
	       EV_TOO_BIG, "data over XDB_MAX_DATA: EV_TOO_BIG");
	xdb_doc_free(doc);

	if (write_data_db(path, data, sizeof(data))) {
		ok(0, "write a document with data");
		return;
	}
	/* The data table of a new database is empty (xdb_open() opens it
	 * twice, and Xapian makes every table at revision 0): one block at
	 * most, where data of BIG_DATA bytes would take several. */
	snprintf(table, sizeof(table), "%s/docdata.glass",
		 tmp_path("bigdata"));
	if (big)
		random_words(big, BIG_DATA, 11);
	ok(big && !write_data_db(tmp_path("bigdata"), big, BIG_DATA) &&
		   (stat(table, &st) < 0 ? errno == ENOENT
					 : st.st_size <= 8192),
	   "Xapian's data table holds nothing");
	free(big);
	is_int(first_data(path, &got, &len, &slot, msg, sizeof(msg)), EV_OK,
	       "read the data back");
	ok(got && len == sizeof(data) && !memcmp(got, data, len) &&
		   got[len] == '\0',
	   "the same bytes, NUL-ended");
	ok(slot && !memcmp(slot, "\0\0\x0b\xb8", 4),
	   "the slot starts with the length");
	free(got);

	/* A byte of the text changed: LZ4 unpacks it, the CRC fails.  Then
	 * the length one more than the block holds, then over
	 * XDB_MAX_DATA. */
	snprintf(table, sizeof(table), "%s/postlist.glass", path);
	expect_damage(path, table, &slot, 100, 'A', "a changed byte");
	write_data_db(path, data, sizeof(data));
	free(slot);
	first_data(path, &got, &len, &slot, msg, sizeof(msg));
	free(got);
	expect_damage(path, table, &slot, 3, 0xb9,
		      "a length the block does not fill");
	expect_damage(path, table, &slot, 0, 0x7f,
		      "a length over XDB_MAX_DATA");
	free(slot);
}

static void test_corrupt(void)
{
	char dbpath[PATH_MAX], file[PATH_MAX + 32];

	snprintf(dbpath, sizeof(dbpath), "%s", tmp_path("corrupt"));
	for (size_t i = 0; i < ARRAY_SIZE(corrupt_cases); i++) {
		xdb_t *db = NULL;
		xdb_termgen_t *tg;
		char *msg = NULL;
		ev_status rc;

		if (xdb_open(dbpath, XDB_CREATE_OVERWRITE, &db, NULL)) {
			ok(0, "create a database to damage");
			return;
		}
		tg = xdb_termgen_new(db);
		for (int d = 0; d < 20; d++) {
			xdb_doc_t *doc = xdb_doc_new();

			xdb_termgen_set_document(tg, doc);
			xdb_termgen_index_text(tg,
					       "common words of a document", 1,
					       "");
			xdb_doc_set_data(doc, "data", 4);
			xdb_add_document(db, doc, NULL);
			xdb_doc_free(doc);
		}
		xdb_termgen_free(tg);
		xdb_commit(db);
		xdb_close(db);
		is_int(use_database(dbpath, &msg), EV_OK,
		       "the database works before the damage");
		free(msg);
		msg = NULL;

		snprintf(file, sizeof(file), "%s/%s", dbpath,
			 corrupt_cases[i].file);
		if (damage_file(file, corrupt_cases[i].how)) {
			ok(0, "damage %s: %s", file, strerror(errno));
			continue;
		}
		rc = use_database(dbpath, &msg);
		is_int(rc, EV_CORRUPT, "%s damaged (%d): EV_CORRUPT",
		       corrupt_cases[i].file, (int)corrupt_cases[i].how);
		ok(msg && *msg, "with a message: %s", msg ? msg : "NULL");
		free(msg);
	}
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	char main_db[PATH_MAX], ops_db[PATH_MAX], rank_db[PATH_MAX];

	if (!base || !*base)
		base = "/tmp";
	if (snprintf(tmpdir, sizeof(tmpdir), "%s/test-xdb.XXXXXX", base) >=
	    (int)sizeof(tmpdir)) {
		printf("Bail out! TMPDIR is too long: %s\n", base);
		return 1;
	}
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	snprintf(main_db, sizeof(main_db), "%s", tmp_path("main"));
	snprintf(ops_db, sizeof(ops_db), "%s", tmp_path("ops"));
	snprintf(rank_db, sizeof(rank_db), "%s", tmp_path("rank"));

	build_main(main_db);
	test_search(main_db);
	test_synonyms(main_db);
	test_query_terms(main_db);
	test_spelling(main_db);
	test_spelling_sums();
	test_spelling_batches();
	test_malformed(main_db);
	test_wildcard_limit(main_db);
	test_enquire(main_db);
	test_documents(main_db);
	test_doc_handle();
	test_long_terms();
	test_termgen_nopos();
	build_ops(ops_db);
	test_builders(ops_db);
	build_rank(rank_db);
	test_ranking(rank_db);
	test_value_weight_skip();
	test_sortable();
	test_stem();
	test_stem_cache();
	test_termgen_stem_cache();
	test_termgen_stopwords();
	test_termgen_let_go();
	test_transactions();
	test_reopen();
	test_build_mode();
	test_compact_plain();
	test_shards(ops_db, rank_db);
	test_modified();
	test_open_errors();
	test_corrupt();
	test_data_slot();

	rm_rf(tmpdir);
	return tap_done();
}
