/* test-index.c - the index writer fed while a store is written */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "collection.h"
#include "defaults.h"
#include "fields.h"
#include "index.h"
#include "lessons.h"
#include "search.h"
#include "setup.h"
#include "store.h"
#include "tap.h"
#include "xdb.h"

static char dir[256], store_path[300], index_dir[300];
static struct lessons *lessons;

static void rm_rf(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

/* PubMed record PMID with TITLE and ABSTRACT, as a parser gives it. */
static void make(struct record *r, const char *pmid, const char *title,
		 const char *abstract)
{
	char url[64];
	struct provenance p = {"file", url, "pubmed", "2026-01-01T00:00:00Z",
			       "hash", NULL, NULL};

	snprintf(url, sizeof(url), "https://pubmed.example/%s", pmid);
	record_init(r);
	record_set(&r->title, title);
	record_set(&r->abstract, abstract);
	record_set(&r->pmid, pmid);
	record_add_provenance(r, &p);
	record_normalise(r);
}

static void put(struct store *s, const char *pmid, const char *title,
		const char *abstract)
{
	struct record r;
	enum store_outcome o;

	make(&r, pmid, title, abstract);
	ok(store_put(s, &r, &o) == EV_OK, "store pmid %s", pmid);
	record_release(&r);
}

/* Give stored work ID a new TITLE. */
static void retitle(struct store *s, const char *id, const char *title)
{
	struct record r;

	record_init(&r);
	ok(store_get(s, id, &r, NULL) == EV_OK &&
	       record_set(&r.title, title) == EV_OK &&
	       store_replace(s, &r) == EV_OK,
	   "retitle %s", id);
	record_release(&r);
}

static struct index *open_index(void)
{
	struct index_options opts = {0};
	struct index *ix = NULL;
	char *msg = NULL;
	ev_status rc;

	opts.lessons = lessons;
	rc = index_open(index_dir, &opts, &ix, &msg);
	if (rc)
		printf("# index_open: %s\n", msg ? msg : "?");
	free(msg);
	return ix;
}

static void close_index(struct index *ix)
{
	char *msg = NULL;

	ok(index_close(ix, &msg) == EV_OK, "index closed");
	free(msg);
}

static int warnings;
static char last_warning[256];

static void warn(const char *msg, void *ctx)
{
	(void)ctx;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
	warnings++;
}

/* Close IX; then a full pass over the store must find its N works all
 * indexed as stored. */
static void check_agrees(struct index *ix, struct store *s, unsigned long n)
{
	struct index_counts c;

	memset(&c, 0, sizeof(c));
	close_index(ix);
	ix = open_index();
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "index_sync");
	if (ix)
		close_index(ix);
	is_int(c.indexed, 0, "the index has what the store has");
	is_int(c.unchanged, n, "all %lu works unchanged", n);
}

/* A fresh index fed the works as they are stored. */
static void test_fresh_feed(struct store *s)
{
	struct index *ix = open_index();
	struct index_feed *f = NULL;
	struct index_counts c;

	ok(ix && index_is_fresh(ix), "a new index is fresh");
	ok(index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "feed started");
	put(s, "101", "Practice mergers and trust", "Trust took years.");
	index_feed_add(f, "pmid:101");
	put(s, "102", "Federations and focus", "Mission creep hurt.");
	index_feed_add(f, "pmid:102");
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.works, 2, "two works fed");
	is_int(c.indexed, 2, "both indexed");
	check_agrees(ix, s, 2);
}

/* Works the index has as stored are not built again, and one the store
 * lacks is reported and counted, not fatal. */
static void test_same_and_missing(struct store *s)
{
	struct index *ix = open_index();
	struct index_feed *f = NULL;
	struct index_counts c;

	ok(ix && !index_is_fresh(ix), "the index is live now");
	ok(index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "feed started");
	warnings = 0;
	index_feed_add(f, "pmid:101");
	index_feed_add(f, "pmid:999");
	retitle(s, "pmid:102", "Federations, focus and goals");
	index_feed_add(f, "pmid:102");
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.works, 2, "two works read");
	is_int(c.unchanged, 1, "one the same");
	is_int(c.indexed, 1, "one changed");
	is_int(c.failed, 1, "one missing");
	is_int(warnings, 1, "and said so");
	is_str(last_warning, "no work with id 'pmid:999'", "naming it");
	check_agrees(ix, s, 2);
}

/*
 * The reader compares with the index as last committed; the writer has
 * written since.  Here the writer's index holds a version of work 101
 * that the store never had (index_record() of a changed record, not
 * committed), so the reader finds the stored version the same as the
 * committed one while the writer's is not: the work must be indexed
 * again, as stored.
 */
static void test_changed_since_commit(struct store *s)
{
	struct index *ix = open_index();
	struct index_feed *f = NULL;
	struct index_counts c;
	struct record other;
	int changed = 0;

	make(&other, "101", "Practice mergers and trust",
	     "A version the store never held.");
	other.id = strdup("pmid:101");
	ok(ix && index_record(ix, &other, NULL, &changed) == EV_OK && changed,
	   "a version not in the store is written, not committed");
	record_release(&other);
	ok(index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "feed started");
	index_feed_add(f, "pmid:101");
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.indexed, 1, "the stored version is indexed again");
	is_int(c.unchanged, 0, "not taken as unchanged");
	check_agrees(ix, s, 2);
}

/* The first hit of a search for QUERY, into *HIT; the status. */
static ev_status first_hit(const char *query, struct search_result *res,
			   char **msgp)
{
	struct search_options o = {0};

	o.query = query;
	o.limit = 10;
	o.taxonomy = lessons;
	memset(res, 0, sizeof(*res));
	*msgp = NULL;
	return search_run(index_dir, &o, res, msgp);
}

/* A work's passages come back from its document data as they were
 * stored; data cut short is a damaged entry, not a shorter passage. */
static void test_data_read_back(struct store *s)
{
	struct index *ix;
	struct index_counts c;
	struct search_result res;
	struct record r;
	enum store_outcome o;
	char term[XDB_MAX_TERM + 64], *data = NULL, *msg = NULL;
	xdb_doc_t *doc = NULL;
	xdb_t *db = NULL;
	size_t len = 0;
	ev_status rc;

	make(&r, "103", "Reciprocity between member practices", NULL);
	record_add_passage(&r, "Practices agreed to share staff.", NULL);
	record_add_passage(&r, "Reciprocity kept the network going when "
			       "one practice was short of nurses.",
			   "Findings");
	ok(store_put(s, &r, &o) == EV_OK, "store a work with passages");
	record_release(&r);
	ix = open_index();
	memset(&c, 0, sizeof(c));
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK &&
	       c.indexed == 1,
	   "indexed");
	if (ix)
		close_index(ix);

	rc = first_hit("nurses", &res, &msg);
	ok(rc == EV_OK && res.n_hits == 1, "found by a word of passage 2");
	if (res.n_hits) {
		is_int(res.hits[0].passage, 2, "its passage");
		is_str(res.hits[0].passage_text,
		       "Reciprocity kept the network going when one practice "
		       "was short of nurses.",
		       "whole, as stored");
	}
	search_result_release(&res);
	free(msg);

	/* Cut the data inside the last passage's text. */
	field_id_term(PREFIX_ID, "pmid:103", term, sizeof(term));
	ok(xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK &&
	       xdb_find_document(db, term, &doc) == EV_OK &&
	       xdb_doc_get_data(doc, &data, &len) == EV_OK && len > 20 &&
	       xdb_doc_set_data(doc, data, len - 10) == EV_OK &&
	       xdb_replace_document(db, term, doc) == EV_OK &&
	       xdb_commit(db) == EV_OK,
	   "data cut short");
	free(data);
	xdb_doc_free(doc);
	xdb_close(db);
	rc = first_hit("nurses", &res, &msg);
	is_int(rc, EV_CORRUPT, "a damaged entry");
	ok(msg && strstr(msg, "damaged"), "says so: %s", msg ? msg : "");
	search_result_release(&res);
	free(msg);
}

/* The collection's lessons.conf in the memo tests. */
#define TRUSTED_CONF "[t]\nthreshold = 2\nword 2 trusted\n"

/* How many lessons setup_lessons() (the collection's lessons.conf, the
 * memos its index keeps) finds in TEXT. */
static size_t setup_tags_in(const char *index, const char *text)
{
	struct cli cli = {0};
	struct collection c = {0};
	struct lessons *l = NULL;
	struct lesson_tags tags;
	char conf[320], err[256];
	size_t n = (size_t)-1;
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/lessons.conf", dir);
	f = fopen(conf, "w");
	if (!f)
		return n;
	fputs(TRUSTED_CONF, f);
	fclose(f);
	c.lessons_path = conf;
	c.index_dir = (char *)index;
	if (setup_lessons(&cli, &c, &l, NULL, err, sizeof(err))) {
		printf("# setup_lessons: %s\n", err);
		return n;
	}
	lesson_tags_init(&tags);
	if (lessons_tag(l, text, 1.0, &tags) == EV_OK)
		n = tags.n;
	lesson_tags_release(&tags);
	lessons_free(l);
	return n;
}

static size_t setup_tags(const char *index)
{
	return setup_tags_in(index, "They trusted us.");
}

/*
 * The index keeps the stems of its taxonomy's cue words, and a command
 * that reads a taxonomy takes them from there: shown by forging one.
 */
static void test_stem_memo(void)
{
	struct buf want = BUF_INIT, forged = BUF_INIT;
	xdb_t *db = NULL;
	char *have = NULL, missing[320];

	unsetenv("EVIDENCE_LESSONS");
	close_index(open_index());
	lessons_stems(lessons, &want);
	if (xdb_open(index_dir, XDB_READ, &db, NULL) == EV_OK) {
		xdb_get_metadata(db, META_STEMS, &have);
		xdb_close(db);
	}
	ok(have && strcmp(have, buf_str(&want)) == 0,
	   "the index keeps its taxonomy's stems");
	free(have);

	snprintf(missing, sizeof(missing), "%s/no-index", dir);
	ok(setup_tags(missing) == 1, "no index: 'trusted' fires");
	ok(setup_tags(index_dir) == 1, "the index's own stems: 'trusted' fires");
	buf_printf(&forged, "stems of xapian %s english\ntrusted\tzzz\n",
		   xdb_version());
	if (xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK) {
		xdb_set_metadata(db, META_STEMS, buf_str(&forged));
		xdb_commit(db);
		xdb_close(db);
	}
	ok(setup_tags(index_dir) == 0,
	   "a forged stem in the index is taken: the memo is read");
	buf_release(&forged);
	buf_release(&want);
}

/*
 * The index also keeps its taxonomy compiled, and a command reading the
 * same text takes it from there: shown by forging one, the form of a
 * taxonomy with another word under the text of the collection's.
 */
static void test_compiled_memo(void)
{
	const char *planned = "[t]\nthreshold = 2\nword 2 planned\n";
	struct buf want = BUF_INIT, forged = BUF_INIT;
	struct lessons *p = NULL;
	char *have = NULL, *at = NULL, err[256];
	size_t len = 0;
	xdb_t *db = NULL;

	unsetenv("EVIDENCE_LESSONS");
	close_index(open_index());
	lessons_compile(lessons, &want);
	if (xdb_open(index_dir, XDB_READ, &db, NULL) == EV_OK) {
		xdb_get_metadata_bytes(db, META_COMPILED, &have, &len);
		xdb_close(db);
	}
	ok(have && want.len > 0 && len == want.len &&
	   memcmp(have, want.ptr, len) == 0,
	   "the index keeps its taxonomy compiled (%zu bytes)", len);
	free(have);

	ok(setup_tags_in(index_dir, "They planned it.") == 0,
	   "another text than the index's: parsed, 'planned' is no cue");
	if (lessons_parse(planned, strlen(planned), "p", &p, err,
			  sizeof(err)) == EV_OK &&
	    lessons_compile(p, &forged) == EV_OK)
		at = memmem(forged.ptr, forged.len, planned, strlen(planned));
	if (at && strlen(planned) == strlen(TRUSTED_CONF) &&
	    xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK) {
		memcpy(at, TRUSTED_CONF, strlen(TRUSTED_CONF));
		xdb_set_metadata_bytes(db, META_COMPILED, forged.ptr,
				       forged.len);
		xdb_commit(db);
		xdb_close(db);
	}
	ok(setup_tags_in(index_dir, "They planned it.") == 1,
	   "a forged form for the collection's text is taken: it is read");
	if (xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK) {
		xdb_set_metadata_bytes(db, META_COMPILED, forged.ptr,
				       forged.len / 2);
		xdb_commit(db);
		xdb_close(db);
	}
	ok(setup_tags_in(index_dir, "They planned it.") == 0,
	   "a damaged one is not: the text is parsed");
	lessons_free(p);
	buf_release(&forged);
	buf_release(&want);
}

int main(void)
{
	struct store *s = NULL;
	char err[256], *msg = NULL;

	snprintf(dir, sizeof(dir), "%s/test-index.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 99;
	snprintf(store_path, sizeof(store_path), "%s/store", dir);
	snprintf(index_dir, sizeof(index_dir), "%s/index", dir);
	if (lessons_parse(default_lessons_conf, strlen(default_lessons_conf),
			  "lessons.conf", &lessons, err, sizeof(err)) ||
	    store_open(store_path, 1, &s, &msg)) {
		printf("# setup: %s %s\n", err, msg ? msg : "");
		return 99;
	}
	test_fresh_feed(s);
	test_same_and_missing(s);
	test_changed_since_commit(s);
	test_data_read_back(s);
	test_stem_memo();
	test_compiled_memo();
	store_close(s);
	lessons_free(lessons);
	free(msg);
	rm_rf(dir);
	return tap_done();
}
