/* test-index.c - the index writer fed while a store is written */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "collection.h"
#include "defaults.h"
#include "fields.h"
#include "index.h"
#include "lessons.h"
#include "lessons-form.h"
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

static struct index *open_index_at(const char *path)
{
	struct index_options opts = {0};
	struct index *ix = NULL;
	char *msg = NULL;
	ev_status rc;

	opts.lessons = lessons;
	rc = index_open(path, &opts, &ix, &msg);
	if (rc)
		printf("# index_open: %s\n", msg ? msg : "?");
	free(msg);
	return ix;
}

static struct index *open_index(void)
{
	return open_index_at(index_dir);
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

/* How many of this process's threads are called NAME (Linux's
 * /proc/self/task/TID/comm); -1 when /proc cannot tell. */
static int threads_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		n += strcmp(comm, name) == 0;
	}
	closedir(d);
	return n;
}

/* The feed's two threads carry their names (for top -H, perf and
 * bench/threadtime) from the moment index_feed_start() returns. */
static void check_thread_names(void)
{
#ifdef HAVE_PTHREAD_SETNAME_NP
	if (threads_named("evidence-read") >= 0) {
		is_int(threads_named("evidence-read"), 1,
		       "the feed's reader is named");
		is_int(threads_named("evidence-write"), 1,
		       "the feed's writer is named");
		return;
	}
#endif
	for (int i = 0; i < 2; i++)
		printf("ok %d # SKIP thread names: no pthread_setname_np() or "
		       "no /proc/self/task\n", ++tap_n);
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
	check_thread_names();
	put(s, "101", "Practice mergers and trust", "Trust took years.");
	index_feed_add(f, "pmid:101", NULL);
	put(s, "102", "Federations and focus", "Mission creep hurt.");
	index_feed_add(f, "pmid:102", NULL);
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	ok(threads_named("evidence-write") <= 0, "and its threads are gone");
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
	index_feed_add(f, "pmid:101", NULL);
	index_feed_add(f, "pmid:999", NULL);
	retitle(s, "pmid:102", "Federations, focus and goals");
	index_feed_add(f, "pmid:102", NULL);
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
	index_feed_add(f, "pmid:101", NULL);
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.indexed, 1, "the stored version is indexed again");
	is_int(c.unchanged, 0, "not taken as unchanged");
	check_agrees(ix, s, 2);
}

/* A search for QUERY, into *RES, in the index OPEN (search_open()) or,
 * when NULL, the one at index_dir; the status. */
static ev_status search_in(xdb_t *open, const char *query,
			   struct search_result *res, char **msgp)
{
	struct search_options o = {0};

	o.db = open;
	o.query = query;
	o.limit = 10;
	o.taxonomy = lessons;
	memset(res, 0, sizeof(*res));
	*msgp = NULL;
	return search_run(index_dir, &o, res, msgp);
}

/* One full pass of a newly opened index over S, closed after; its
 * counts in *C.  1 when it went through. */
static int sync_once(struct store *s, struct index_counts *c)
{
	struct index *ix = open_index();
	int done;

	memset(c, 0, sizeof(*c));
	done = ix && index_sync(ix, s, c, warn, NULL, NULL) == EV_OK;
	if (ix)
		close_index(ix);
	return done;
}

/* The term frequency of TERM in the committed index; -1 when it cannot
 * be read. */
static long term_count(const char *term)
{
	xdb_t *db = NULL;
	unsigned n = 0;
	long r = -1;

	if (xdb_open(index_dir, XDB_READ, &db, NULL) == EV_OK &&
	    xdb_termfreq(db, term, &n) == EV_OK)
		r = n;
	xdb_close(db);
	return r;
}

/*
 * A record handed with its id is indexed as handed, its file only
 * stat'ed: a copy that says "zebra" where the file does not is found by
 * it.  With the stamp of the file it came with, a later index_sync()
 * then sees the file as indexed already, so it must not carry "zebra"
 * into a full pass: a handed record must be the record as written.  A
 * handed record whose file is gone is a work that cannot be read, and
 * the record is freed.
 */
static void test_handed_record(struct store *s)
{
	struct index *ix = open_index();
	struct index_feed *f = NULL;
	struct index_counts c;
	struct record *copy = NULL, *orphan = NULL;
	struct record r;
	enum store_outcome o;

	make(&r, "104", "Goodwill between partners", "It took years.");
	ok(store_put(s, &r, &o) == EV_OK && o == STORE_NEW, "store 104");
	ok(record_dup(&r, &copy) == EV_OK && copy, "a copy as stored");
	ok(copy && copy->n_passages == 1 &&
	       record_set(&copy->passages[0].text,
			  "It took years, said the zebra.") == EV_OK,
	   "which says what the file does not");
	record_release(&r);
	make(&r, "105", "Never stored", "A record without a file.");
	r.id = strdup("pmid:105");
	ok(record_dup(&r, &orphan) == EV_OK, "a record with no file");
	record_release(&r);
	ok(ix && index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "feed started");
	warnings = 0;
	index_feed_add(f, "pmid:104", copy);
	index_feed_add(f, "pmid:105", orphan);
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.indexed, 1, "the handed record indexed");
	is_int(c.failed, 1, "the one without a file not");
	is_str(last_warning, "no work with id 'pmid:105'", "and named");
	if (ix)
		close_index(ix);
	is_int(term_count("zebra"), 1, "indexed as handed, not as read");

	/* The file's stamp came with it: a full pass passes it over. */
	ok(sync_once(s, &c), "index_sync");
	is_int(c.indexed, 0, "the stamp taken: nothing read again");
	is_int(term_count("zebra"), 1, "so the handed text stays");

	/* Put right: a rebuild reads the file. */
	retitle(s, "pmid:104", "Goodwill between partner practices");
	ok(sync_once(s, &c) && c.indexed == 1, "a changed file is read");
	is_int(term_count("zebra"), 0, "and indexed as stored");
}

/*
 * What a feed holds is bounded by the text of its records as well as by
 * their number: 64 works of about 16 KB each, stored and handed at once
 * to a feed allowed 64 KB, all get indexed, and the feed never held more
 * than the bound plus the one record it always takes.  (Without the
 * bound the reader, slower than this loop, would let most of the
 * megabyte queue up.)
 */
static void test_feed_bound(struct store *s)
{
	struct index *ix = open_index();
	struct index_feed *f = NULL;
	struct index_counts c;
	struct record *copies[64] = {0};
	size_t biggest = 0;
	struct buf text = BUF_INIT;
	int stored = 1;

	for (int i = 0; i < 400; i++)
		buf_addstr(&text, "Trust between practices grew over years. ");
	for (int i = 0; i < 64; i++) {
		struct record r;
		enum store_outcome o;
		char pmid[16];

		snprintf(pmid, sizeof(pmid), "%d", 200 + i);
		make(&r, pmid, "Goodwill in a large federation", buf_str(&text));
		stored = stored && store_put(s, &r, &o) == EV_OK &&
			 record_dup(&r, &copies[i]) == EV_OK;
		if (copies[i] && record_text_size(copies[i]) > biggest)
			biggest = record_text_size(copies[i]);
		record_release(&r);
	}
	buf_release(&text);
	ok(stored && biggest > 16000, "64 works of %zu bytes stored", biggest);
	ok(ix && index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "feed started");
	if (!f) {
		for (int i = 0; i < 64; i++)
			record_free(copies[i]);
		return;
	}
	index_feed_limit(f, 64 * 1024);
	for (int i = 0; i < 64; i++) {
		char id[32];

		snprintf(id, sizeof(id), "pmid:%d", 200 + i);
		index_feed_add(f, id, copies[i]);
	}
	ok(index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.indexed, 64, "every work indexed");
	ok(c.held_peak > 0 && c.held_peak <= 64 * 1024 + biggest,
	   "held at most the bound and one more (%zu bytes)", c.held_peak);
	close_index(ix);
}

/*
 * The search WANT (one hit, for "nurses") again through an index the
 * caller opened (search_open()): the same hit, and the index is still
 * the caller's, open, after.  A missing index is told as search_run()
 * tells it.
 */
static void check_search_open(const struct search_result *want)
{
	struct search_result res = {0};
	char *msg = NULL, missing[320];
	xdb_t *db = NULL;
	unsigned docs = 0;

	is_int(search_open(index_dir, &db, &msg), EV_OK, "search_open()");
	ok(db && want->n_hits == 1 &&
	   search_in(db, "nurses", &res, &msg) == EV_OK && res.n_hits == 1 &&
	   res.hits[0].passage == want->hits[0].passage &&
	   res.hits[0].score == want->hits[0].score,
	   "search_open(): the same hit through the caller's open index");
	ok(db && xdb_doccount(db, &docs) == EV_OK && docs > 0,
	   "search_open(): the index is still open after the search");
	search_result_release(&res);
	xdb_close(db);
	free(msg);

	msg = NULL;
	snprintf(missing, sizeof(missing), "%s/no-index", dir);
	is_int(search_open(missing, &db, &msg), EV_NOT_FOUND,
	       "search_open(): no index");
	ok(!db && msg && strstr(msg, "no index at"),
	   "search_open(): says so as a search would: %s", msg ? msg : "");
	free(msg);
}

/* A work's passages come back from its document data as they were
 * stored; data cut short is a damaged entry, not a shorter passage. */
static void test_data_read_back(struct store *s)
{
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
	ok(sync_once(s, &c) && c.indexed == 1, "indexed");

	rc = search_in(NULL, "nurses", &res, &msg);
	ok(rc == EV_OK && res.n_hits == 1, "found by a word of passage 2");
	if (res.n_hits) {
		is_int(res.hits[0].passage, 2, "its passage");
		is_str(res.hits[0].passage_text,
		       "Reciprocity kept the network going when one practice "
		       "was short of nurses.",
		       "whole, as stored");
	}
	free(msg);
	check_search_open(&res);
	search_result_release(&res);

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
	rc = search_in(NULL, "nurses", &res, &msg);
	is_int(rc, EV_CORRUPT, "a damaged entry");
	ok(msg && strstr(msg, "damaged"), "says so: %s", msg ? msg : "");
	search_result_release(&res);
	free(msg);
}

/* Metadata KEY of the index as LEN bytes, written as a forger would. */
static void forge_meta(const char *key, const char *value, size_t len)
{
	xdb_t *db = NULL;

	if (xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK) {
		xdb_set_metadata_bytes(db, key, value, len);
		xdb_commit(db);
		xdb_close(db);
	}
}

/* Metadata KEY of the index (malloc'd, LENP bytes; NULL on failure). */
static char *read_meta(const char *key, size_t *lenp)
{
	char *value = NULL;
	xdb_t *db = NULL;

	*lenp = 0;
	if (xdb_open(index_dir, XDB_READ, &db, NULL) == EV_OK) {
		xdb_get_metadata_bytes(db, key, &value, lenp);
		xdb_close(db);
	}
	return value;
}

/* The hit of work ID in RES, or NULL. */
static const struct search_hit *find_hit(const struct search_result *res,
					 const char *id)
{
	for (size_t i = 0; i < res->n_hits; i++)
		if (res->hits[i].work.id && !strcmp(res->hits[i].work.id, id))
			return &res->hits[i];
	return NULL;
}

/* Replace the document of ID with DATA (LEN bytes) as a forger would;
 * 1 when it went in. */
static int forge_data(const char *id, const char *data, size_t len)
{
	char term[XDB_MAX_TERM + 64];
	xdb_doc_t *doc = NULL;
	xdb_t *db = NULL;
	int done;

	field_id_term(PREFIX_ID, id, term, sizeof(term));
	done = xdb_open(index_dir, XDB_WRITE, &db, NULL) == EV_OK &&
	       xdb_find_document(db, term, &doc) == EV_OK &&
	       xdb_doc_set_data(doc, data, len) == EV_OK &&
	       xdb_replace_document(db, term, doc) == EV_OK &&
	       xdb_commit(db) == EV_OK;
	xdb_doc_free(doc);
	xdb_close(db);
	return done;
}

/*
 * Each passage's lessons follow its text in the document data as
 * "INDEX:STRENGTH" pairs (schema 5): a hit carries the lessons they
 * name, and pairs that are not what the indexer writes make a damaged
 * entry, never a lesson read wrong.
 */
static void test_data_lessons(struct store *s)
{
	static const struct {
		const char *tags, *why;
	} bad[] = {
		{ "999:0.5", "a lesson past the taxonomy" },
		{ "1:0.5 ", "a blank after the last pair" },
		{ " 1:0.5", "a blank before the first" },
		{ "1:0.5  2:0.5", "two blanks between pairs" },
		{ "1:-0.5", "a sign" },
		{ "1:nan", "not a number" },
		{ "1:1e999", "a number too large" },
		{ "1:", "no strength" },
		{ ":0.5", "no lesson" },
		{ "1;0.5", "no colon" },
		{ "1:0.5x", "more after the strength" },
	};
	struct index_counts c;
	struct search_result res;
	struct record r;
	enum store_outcome o;
	struct buf b = BUF_INIT;
	struct strvec names = STRVEC_INIT;
	const struct search_hit *hit;
	char *meta, *msg = NULL;
	size_t len = 0, head;
	ev_status rc;

	make(&r, "104", "Goodwill between member practices", NULL);
	record_add_passage(&r, "Trust and goodwill grew between practices.",
			   NULL);
	ok(store_put(s, &r, &o) == EV_OK, "store a work with a passage");
	record_release(&r);
	ok(sync_once(s, &c) && c.indexed == 1, "indexed");
	meta = read_meta(META_LESSONS, &len);
	for (char *save = NULL, *p = meta ? strtok_r(meta, ",", &save) : NULL;
	     p; p = strtok_r(NULL, ",", &save))
		strvec_push(&names, p);
	ok(names.n > 2, "the index's lessons (%zu)", names.n);
	free(meta);
	if (names.n < 3) {
		strvec_release(&names);
		return;
	}

	/* A head, then the passage's section, text and lessons. */
	buf_addstr(&b, "{\"record\":{\"id\":\"pmid:104\",\"title\":\"G\"}}");
	head = b.len + 1;
	buf_add(&b, "", 1);
	buf_add(&b, "", 1);
	buf_addstr(&b, "Trust and goodwill grew between practices.");
	buf_add(&b, "", 1);
	buf_addstr(&b, "1:0.5 2:0.75");
	buf_add(&b, "", 1);
	ok(forge_data("pmid:104", b.ptr, b.len), "forged with two lessons");
	rc = search_in(NULL, "goodwill grew", &res, &msg);
	hit = rc == EV_OK ? find_hit(&res, "pmid:104") : NULL;
	ok(hit && hit->passage == 1 && hit->n_lessons == 2,
	   "read back: %s", msg ? msg : status_to_string(rc));
	if (hit && hit->n_lessons == 2) {
		is_str(hit->lessons[0].lesson, names.v[1],
		       "the first names lesson 1");
		ok(hit->lessons[0].strength == 0.5, "at 0.5");
		is_str(hit->lessons[1].lesson, names.v[2],
		       "the second lesson 2");
		ok(hit->lessons[1].strength == 0.75, "at 0.75");
	}
	search_result_release(&res);
	free(msg);

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf f = BUF_INIT;

		buf_add(&f, b.ptr, b.len - strlen("1:0.5 2:0.75") - 1);
		buf_addstr(&f, bad[i].tags);
		buf_add(&f, "", 1);
		ok(forge_data("pmid:104", f.ptr, f.len), "forged: %s",
		   bad[i].why);
		rc = search_in(NULL, "goodwill grew", &res, &msg);
		is_int(rc, EV_CORRUPT, "%s ('%s'): a damaged entry",
		       bad[i].why, bad[i].tags);
		ok(msg && strstr(msg, "damaged"), "says so: %s",
		   msg ? msg : "");
		search_result_release(&res);
		free(msg);
		buf_release(&f);
	}

	/* A passage without its lessons: two strings where three are
	 * due. */
	ok(forge_data("pmid:104", b.ptr, b.len - strlen("1:0.5 2:0.75") - 1),
	   "forged without the lessons");
	rc = search_in(NULL, "goodwill grew", &res, &msg);
	is_int(rc, EV_CORRUPT, "a passage short of its lessons is damage");
	search_result_release(&res);
	free(msg);

	/* No passages at all: the work alone. */
	ok(forge_data("pmid:104", b.ptr, head), "forged without passages");
	rc = search_in(NULL, "goodwill grew", &res, &msg);
	hit = rc == EV_OK ? find_hit(&res, "pmid:104") : NULL;
	ok(hit && hit->passage == 0, "a work without passages is found, "
				     "with none");
	search_result_release(&res);
	free(msg);
	buf_release(&b);
	strvec_release(&names);
}

/* The collection's lessons.conf in the memo tests. */
#define TRUSTED_CONF "[t]\nthreshold = 2\nword 2 trusted\n"

/* How many lessons setup_lessons() (the collection's lessons.conf, the
 * memos its index keeps, read through DB when not NULL) finds in TEXT. */
static size_t setup_tags_in(const char *index, xdb_t *db, const char *text)
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
	if (setup_lessons(&cli, &c, db, &l, NULL, err, sizeof(err))) {
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
	return setup_tags_in(index, NULL, "They trusted us.");
}

/*
 * The index keeps the stems of its taxonomy's cue words, and a command
 * that reads a taxonomy takes them from there: shown by forging one.
 */
static void test_stem_memo(void)
{
	struct buf want = BUF_INIT, forged = BUF_INIT;
	char *have = NULL, missing[320];
	size_t len;

	unsetenv("EVIDENCE_LESSONS");
	close_index(open_index());
	lessons_stems(lessons, &want);
	have = read_meta(META_STEMS, &len);
	ok(have && strcmp(have, buf_str(&want)) == 0,
	   "the index keeps its taxonomy's stems");
	free(have);

	snprintf(missing, sizeof(missing), "%s/no-index", dir);
	ok(setup_tags(missing) == 1, "no index: 'trusted' fires");
	ok(setup_tags(index_dir) == 1, "the index's own stems: 'trusted' fires");
	buf_printf(&forged, "stems of xapian %s english\ntrusted\tzzz\n",
		   xdb_version());
	forge_meta(META_STEMS, forged.ptr, forged.len);
	ok(setup_tags(index_dir) == 0,
	   "a forged stem in the index is taken: the memo is read");
	buf_release(&forged);
	buf_release(&want);
}

/*
 * With the index's compiled form at hand (the shipped taxonomy's, no
 * lessons.conf in the collection), setup_lessons() takes the taxonomy
 * from it, and that one has no stem memo to give; the indexer's
 * setup_lessons_parsed() parses, and its memo is the index's.
 */
static void test_read_or_parsed(void)
{
	struct cli cli = {0};
	struct collection c = {0};
	struct lessons *r = NULL, *w = NULL;
	struct buf x = BUF_INIT;
	char none[320], err[256], *have;
	size_t len = 0;

	snprintf(none, sizeof(none), "%s/no-lessons.conf", dir);
	c.lessons_path = none;
	c.index_dir = index_dir;
	is_int(setup_lessons(&cli, &c, NULL, &r, NULL, err, sizeof(err)), EV_OK,
	       "setup_lessons() with the index's form");
	is_int(r ? lessons_stems(r, &x) : EV_OK, EV_USAGE,
	       "setup_lessons(): taken from the form, no stem memo");
	is_int(setup_lessons_parsed(&cli, &c, &w, err, sizeof(err)), EV_OK,
	       "setup_lessons_parsed() with the index's form");
	is_int(w ? lessons_stems(w, &x) : EV_USAGE, EV_OK,
	       "setup_lessons_parsed(): parsed, it has a stem memo");
	have = read_meta(META_STEMS, &len);
	ok(have && strcmp(have, buf_str(&x)) == 0,
	   "setup_lessons_parsed(): its memo is the index's");
	free(have);
	buf_release(&x);
	lessons_free(r);
	lessons_free(w);
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
	char *have = NULL, err[256];
	size_t len = 0;
	xdb_t *before = NULL;

	unsetenv("EVIDENCE_LESSONS");
	close_index(open_index());
	lessons_compile(lessons, &want);
	have = read_meta(META_COMPILED, &len);
	ok(have && want.len > 0 && len == want.len &&
	   memcmp(have, want.ptr, len) == 0,
	   "the index keeps its taxonomy compiled (%zu bytes)", len);
	free(have);
	test_read_or_parsed();

	ok(setup_tags_in(index_dir, NULL, "They planned it.") == 0,
	   "another text than the index's: parsed, 'planned' is no cue");
	if (lessons_parse(planned, strlen(planned), "p", &p, err,
			  sizeof(err)) == EV_OK &&
	    lessons_compile(p, &forged) == EV_OK &&
	    form_rename(forged.ptr, forged.len, planned, TRUSTED_CONF)) {
		/* An index opened before the forgery reads the memo it
		 * had, through the caller's open of it. */
		xdb_open(index_dir, XDB_READ, &before, NULL);
		forge_meta(META_COMPILED, forged.ptr, forged.len);
	}
	ok(setup_tags_in(index_dir, NULL, "They planned it.") == 1,
	   "a forged form for the collection's text is taken: it is read");
	ok(before && setup_tags_in(index_dir, before, "They planned it.") == 0,
	   "through an open index, the form of that open is read");
	xdb_close(before);
	forge_meta(META_COMPILED, forged.ptr, forged.len / 2);
	ok(setup_tags_in(index_dir, NULL, "They planned it.") == 0,
	   "a damaged one is not: the text is parsed");
	lessons_free(p);
	buf_release(&forged);
	buf_release(&want);
}

/* The strengths in SLOT, as field_strength_text() writes them. */
struct slot_values {
	struct strvec texts;
	unsigned docs;
};

static int note_slot_value(unsigned docid, const char *value, size_t len,
			   void *ctx)
{
	struct slot_values *sv = ctx;
	char text[32];

	(void)docid;
	field_strength_text(xdb_sortable_unserialise(value, len), text,
			    sizeof(text));
	strvec_push_unique(&sv->texts, text);
	sv->docs++;
	return 0;
}

/*
 * Against the index: how many strengths of relationships (slot SLOT) the
 * list names in *LISTED, how many of those the slot lacks in *MISSING,
 * and the works with their terms in *SUM; the slot's own in SV.
 */
static void scan_values(unsigned slot, struct slot_values *sv,
			size_t *listed, size_t *missing, unsigned *sum)
{
	xdb_t *db = NULL;
	char *list = NULL, *line, term[XDB_MAX_TERM + 64];

	*listed = *missing = 0;
	*sum = 0;
	strvec_release(&sv->texts);
	sv->docs = 0;
	if (xdb_open(index_dir, XDB_READ, &db, NULL) != EV_OK)
		return;
	xdb_get_metadata(db, META_LESSON_VALUES, &list);
	xdb_valuestream(db, slot, note_slot_value, sv);
	line = list ? strstr(list, "relationships ") : NULL;
	while (line && *line && *line != '\n') {
		char *end = line + strcspn(line, " \n"), text[64];
		unsigned f = 0;

		line = end + (*end == ' ');
		end = line + strcspn(line, " \n");
		if (end == line || end - line >= (long)sizeof(text))
			break;
		snprintf(text, sizeof(text), "%.*s", (int)(end - line), line);
		(*listed)++;
		*missing += strvec_find(&sv->texts, text) < 0;
		field_lesson_value_term("relationships", text, term,
					sizeof(term));
		xdb_termfreq(db, term, &f);
		*sum += f;
		line = end;
	}
	free(list);
	xdb_close(db);
}

/* Work ID's score among the hits of QUERY, or -1. */
static double score_of(const char *query, const char *id, char **named)
{
	struct search_result res;
	char *msg = NULL;
	double score = -1;

	if (search_in(NULL, query, &res, &msg) != EV_OK)
		printf("# search: %s\n", msg ? msg : "?");
	for (size_t i = 0; i < res.n_hits; i++)
		if (!strcmp(res.hits[i].work.id, id))
			score = res.hits[i].score;
	if (named)
		*named = res.named_lessons.n == 1
				 ? strdup(res.named_lessons.v[0])
				 : NULL;
	search_result_release(&res);
	free(msg);
	return score;
}

static void set_values_list(const char *text)
{
	forge_meta(META_LESSON_VALUES, text, strlen(text));
}

/* Forge work ID's value in SLOT to X, leaving its terms as they are. */
static void forge_value(const char *id, unsigned slot, double x)
{
	char term[XDB_MAX_TERM + 64], v[32];
	size_t n = xdb_sortable_serialise(x, v);
	xdb_doc_t *doc = NULL;
	xdb_t *db = NULL;

	field_id_term(PREFIX_ID, id, term, sizeof(term));
	if (xdb_open(index_dir, XDB_WRITE, &db, NULL) != EV_OK)
		return;
	if (xdb_find_document(db, term, &doc) == EV_OK &&
	    xdb_doc_set_value(doc, slot, v, n) == EV_OK)
		xdb_replace_document(db, term, doc);
	xdb_commit(db);
	xdb_close(db);
	xdb_doc_free(doc);
}

/* Store a work for each of the N TEXTS (one passage each), PMIDs from
 * FIRST on, and index the store: how many works were indexed. */
static unsigned long index_passages(struct store *s, unsigned first,
				    const char *const *texts, size_t n)
{
	struct index_counts c;
	struct index *ix;
	char pmid[16];

	for (size_t i = 0; i < n; i++) {
		struct record r;
		enum store_outcome o;

		snprintf(pmid, sizeof(pmid), "%zu", first + i);
		make(&r, pmid, "Working together", NULL);
		record_add_passage(&r, texts[i], NULL);
		store_put(s, &r, &o);
		record_release(&r);
	}
	memset(&c, 0, sizeof(c));
	ix = open_index();
	if (!ix || index_sync(ix, s, &c, warn, NULL, NULL) != EV_OK)
		c.indexed = 0;
	if (ix)
		close_index(ix);
	return c.indexed;
}

/* A collection of its own for a test: the store and index NAME in the
 * test folder, holding a work for each of the N TEXTS (PMIDs from FIRST
 * on).  How many works were indexed (0 when the store cannot open). */
static unsigned long new_collection(const char *name, unsigned first,
				    const char *const *texts, size_t n)
{
	struct store *s = NULL;
	char *msg = NULL;
	unsigned long indexed;

	snprintf(store_path, sizeof(store_path), "%s/store-%s", dir, name);
	snprintf(index_dir, sizeof(index_dir), "%s/index-%s", dir, name);
	if (store_open(store_path, 1, &s, &msg)) {
		printf("# store_open: %s\n", msg ? msg : "?");
		free(msg);
		return 0;
	}
	indexed = index_passages(s, first, texts, n);
	store_close(s);
	return indexed;
}

/*
 * A work's strength in each lesson is also a term ("XLVrelationships:
 * 0.75"), the index lists each lesson's strengths, and a search weighs a
 * lesson the query names through those terms when they account for
 * every work with the lesson: the same scores as through the values.
 */
static void test_lesson_values(void)
{
	const char *texts[] = {
		"Trust between the practices grew slowly.",
		"Trust, goodwill and reciprocity held the network together.",
		"Relationships and trust mattered; goodwill and a shared "
		"culture made it work, with reciprocity between partners.",
		"The estates strategy was revised.",
	};
	long rel = lessons_find(lessons, "relationships");
	unsigned slot = SLOT_LESSON_BASE + (unsigned)rel, sum = 0;
	struct slot_values sv = {STRVEC_INIT, 0};
	struct store *s = NULL;
	struct index *ix;
	char *list = NULL, *named = NULL, *msg = NULL;
	size_t listed = 0, missing = 0, len;
	double before, by_values, forged, forged_values;

	if (rel < 0)
		return;
	is_int(new_collection("values", 201, texts, 4), 4,
	       "four works indexed");

	/* The list names each strength the slot holds, and the terms of
	 * those strengths are on as many works as the slot has values. */
	scan_values(slot, &sv, &listed, &missing, &sum);
	ok(sv.docs == 3 && sv.texts.n >= 2,
	   "three works have the lesson, with %zu strengths", sv.texts.n);
	ok(listed == sv.texts.n && missing == 0,
	   "the list names each of them (%zu listed)", listed);
	is_int(sum, sv.docs, "their terms are on the works with the lesson");

	/* A later run adds to the list what its works bring. */
	if (store_open(store_path, 1, &s, &msg) == EV_OK) {
		const char *trust = "Trust.";

		is_int(index_passages(s, 205, &trust, 1), 1,
		       "a fifth work indexed");
		store_close(s);
	}
	scan_values(slot, &sv, &listed, &missing, &sum);
	ok(sv.docs == 4 && listed == sv.texts.n && missing == 0 &&
		   sum == sv.docs,
	   "the list grows with it: %zu strengths, %u works", listed, sum);
	list = read_meta(META_LESSON_VALUES, &len);

	/* The same scores through the terms as through the values (no
	 * list: the search reads the values). */
	before = score_of("trust", "pmid:203", &named);
	is_str(named ? named : "", "relationships",
	       "'trust' names relationships alone");
	set_values_list("");
	by_values = score_of("trust", "pmid:203", NULL);
	ok(before > 0 && before == by_values,
	   "the same score either way (%.17g, %.17g)", before, by_values);

	/* A damaged or hostile list is not trusted past what it can
	 * show: the scores stay the same. */
	{
		const char *bad[] = {
			"relationships",
			"relationships ",
			"relationships nan inf -1 1e308 0x1p-3 abc",
			"relationships 0.5 0.5 0.5 0.5\nrelationships 1",
			"\n\n\nfocus\nrelationships\t0.5\n",
		};
		size_t same = 0;

		struct buf many = BUF_INIT;

		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			set_values_list(bad[i]);
			same += score_of("trust", "pmid:203", NULL) == before;
		}
		ok(same == sizeof(bad) / sizeof(*bad),
		   "%zu of %zu damaged lists change no score", same,
		   sizeof(bad) / sizeof(*bad));
		/* Past MAX_LESSON_STRENGTHS the search does not weigh them
		 * (nor look up 100,000 terms): it reads the values. */
		buf_addstr(&many, "relationships");
		for (int i = 0; i < 100000; i++)
			buf_printf(&many, " 0.%d", i);
		buf_printf(&many, "\n%s", list ? list : "");
		set_values_list(buf_str(&many));
		ok(score_of("trust", "pmid:203", NULL) == before,
		   "a list of 100,000 strengths changes no score");
		/* The indexer reads it too, up to the same cap. */
		ix = open_index();
		ok(ix != NULL, "the index opens with that list");
		if (ix)
			close_index(ix);
		buf_release(&many);
	}

	/* They are taken: a work whose value is forged low keeps the
	 * weight of its term, while the list is there. */
	set_values_list(list ? list : "");
	forge_value("pmid:203", slot, 0.01);
	forged = score_of("trust", "pmid:203", NULL);
	set_values_list("");
	forged_values = score_of("trust", "pmid:203", NULL);
	ok(forged == before && forged_values < before,
	   "with the list the terms weigh (%.17g), without it the forged "
	   "value (%.17g)", forged, forged_values);

	strvec_release(&sv.texts);
	free(named);
	free(list);
	free(msg);
}

/*
 * A query naming two or three lessons weighs them through their strength
 * terms, summed with the type prior by one source in the values' order:
 * the same scores as through the values, and a work's forged value
 * changes nothing while the list is there.
 */
static void test_named_lessons(void)
{
	const char *texts[] = {
		"Trust between the practices took years: a marathon, not a "
		"sprint.",
		"Trust and goodwill grew between partners.",
		"It took years; a marathon, not a sprint, said the leads.",
		"Mission creep took the network away from its focused goals.",
	};
	const char *queries[] = {"trust marathon",
				 "trust marathon mission creep"};
	long pacing = lessons_find(lessons, "pacing");
	struct search_result res;
	double before[2], by_values[2], forged[2], forged_values[2];
	char *list = NULL, *msg = NULL;
	size_t len;

	if (pacing < 0)
		return;
	is_int(new_collection("two", 301, texts, 4), 4, "four works indexed");
	for (size_t q = 0; q < 2; q++) {
		if (search_in(NULL, queries[q], &res, &msg) == EV_OK) {
			ok(res.named_lessons.n == q + 2,
			   "'%s' names %zu lessons", queries[q],
			   res.named_lessons.n);
			search_result_release(&res);
		}
		free(msg);
		msg = NULL;
	}
	list = read_meta(META_LESSON_VALUES, &len);
	for (size_t q = 0; q < 2; q++) {
		set_values_list(list ? list : "");
		before[q] = score_of(queries[q], "pmid:301", NULL);
		set_values_list("");
		by_values[q] = score_of(queries[q], "pmid:301", NULL);
	}
	set_values_list(list ? list : "");
	forge_value("pmid:301", SLOT_LESSON_BASE + (unsigned)pacing, 0.01);
	for (size_t q = 0; q < 2; q++) {
		set_values_list(list ? list : "");
		forged[q] = score_of(queries[q], "pmid:301", NULL);
		set_values_list("");
		forged_values[q] = score_of(queries[q], "pmid:301", NULL);
	}
	for (size_t q = 0; q < 2; q++) {
		ok(before[q] > 0 && before[q] == by_values[q],
		   "%zu lessons: the same score either way (%.17g, %.17g)",
		   q + 2, before[q], by_values[q]);
		ok(forged[q] == before[q] && forged_values[q] < before[q],
		   "%zu lessons: with the list the terms weigh (%.17g), "
		   "without it the forged value (%.17g)",
		   q + 2, forged[q], forged_values[q]);
	}
	free(list);
}

/*
 * The commit batch follows the index's size: INDEX_BATCH for a small
 * index, a work per INDEX_BATCH_PER documents above that, INDEX_BATCH_MAX
 * at most, worked out at the open and after each commit; a batch the
 * options set stays.
 */
static void test_batch_follows_size(void)
{
	struct index_options opts = {0};
	struct index *ix = NULL;
	char big[320], *msg = NULL;
	const unsigned n = 70000, per = n / INDEX_BATCH_PER;
	xdb_t *db = NULL;
	int fine = 1, changed = 0;

	is_int(index_batch_for(0), INDEX_BATCH, "an empty index: %d a batch",
	       INDEX_BATCH);
	is_int(index_batch_for(INDEX_BATCH * INDEX_BATCH_PER + INDEX_BATCH_PER -
			       1),
	       INDEX_BATCH, "up to %d documents: %d",
	       INDEX_BATCH * INDEX_BATCH_PER + INDEX_BATCH_PER - 1,
	       INDEX_BATCH);
	is_int(index_batch_for(100000), 100000 / INDEX_BATCH_PER,
	       "100,000 documents: one per %d", INDEX_BATCH_PER);
	is_int(index_batch_for(INDEX_BATCH_MAX * INDEX_BATCH_PER - 1),
	       INDEX_BATCH_MAX - 1, "just under the most");
	is_int(index_batch_for(UINT_MAX), INDEX_BATCH_MAX,
	       "never more than %d", INDEX_BATCH_MAX);

	snprintf(big, sizeof(big), "%s/big", dir);
	opts.lessons = lessons;
	ok(index_open(big, &opts, &ix, &msg) == EV_OK && ix, "a new index");
	is_int(ix ? index_batch(ix) : 0, INDEX_BATCH, "commits every %d works",
	       INDEX_BATCH);
	if (ix)
		close_index(ix);
	ix = NULL;
	/* Empty documents, behind the indexer's back: only their count
	 * matters here. */
	ok(xdb_open(big, XDB_WRITE, &db, &msg) == EV_OK, "opened by hand");
	for (unsigned i = 0; db && fine && i < n; i++) {
		xdb_doc_t *doc = xdb_doc_new();

		fine = doc && xdb_add_document(db, doc, NULL) == EV_OK;
		xdb_doc_free(doc);
	}
	ok(db && fine && xdb_commit(db) == EV_OK, "%u documents added", n);
	xdb_close(db);
	free(msg);
	msg = NULL;
	ok(index_open(big, &opts, &ix, &msg) == EV_OK && ix, "opened again");
	is_int(ix ? index_batch(ix) : 0, per, "%u documents: %u a batch", n,
	       per);
	/* A batch's worth of works: the commit after them sizes the next
	 * one by the documents then. */
	for (unsigned i = 0; ix && fine && i < per; i++) {
		struct record r;
		char pmid[16];

		char id[24];

		snprintf(pmid, sizeof(pmid), "%u", 900000 + i);
		snprintf(id, sizeof(id), "pmid:%s", pmid);
		make(&r, pmid, "Batches that follow the index", "Years.");
		record_set(&r.id, id);
		fine = index_record(ix, &r, NULL, &changed) == EV_OK;
		record_release(&r);
	}
	ok(fine, "%u works written", per);
	is_int(ix ? index_batch(ix) : 0, (n + per) / INDEX_BATCH_PER,
	       "then %u documents: %u a batch", n + per,
	       (n + per) / INDEX_BATCH_PER);
	if (ix)
		close_index(ix);
	ix = NULL;
	opts.batch = 4;
	ok(index_open(big, &opts, &ix, &msg) == EV_OK && ix,
	   "opened with a batch of 4");
	is_int(ix ? index_batch(ix) : 0, 4, "which stays");
	if (ix)
		close_index(ix);
	free(msg);
	rm_rf(big);
}

/* A store of its own at DIR/NAME-store holding N works, PMIDs from FIRST
 * on, with a few abstracts in turn; NULL (said) when it cannot be made. */
static struct store *store_works(const char *name, unsigned first, unsigned n)
{
	static const char *const abstracts[] = {
		"Trust took years to build between the practices.",
		"Mission creep hurt the federation; focus came back.",
		"Goodwill and reciprocity held the network together.",
		"A marathon, not a sprint: under-promise and deliver.",
		"The practices shared estates and a finance team."};
	char path[300], *msg = NULL;
	struct store *s = NULL;
	int fine = 1;

	snprintf(path, sizeof(path), "%s/%s-store", dir, name);
	if (store_open(path, 1, &s, &msg) != EV_OK) {
		ok(0, "a store of its own: %s", msg ? msg : "?");
		free(msg);
		return NULL;
	}
	store_begin(s);
	for (unsigned i = 0; fine && i < n; i++) {
		struct record r;
		enum store_outcome o;
		char pmid[16], title[64];

		snprintf(pmid, sizeof(pmid), "%u", first + i);
		snprintf(title, sizeof(title), "Federation %u, word%c%c", i,
			 'a' + i % 7, 'a' + i % 5);
		make(&r, pmid, title, abstracts[i % 5]);
		fine = store_put(s, &r, &o) == EV_OK && o == STORE_NEW;
		record_release(&r);
	}
	ok(fine && store_commit(s) == EV_OK, "%u works stored", n);
	return s;
}

/*
 * Many more works than the reader may queue ahead of the writer (64
 * jobs) and than a feed holds for the reader (1,024 names), through both
 * pipelines: a fresh build (index_sync() on a new index) and a feed.
 * Each queue fills, and its producer waits for the consumer: a wake-up
 * lost there hangs the test.  Under the sanitizers a job freed twice,
 * too soon or never shows here.
 */
static void test_many_works(void)
{
	char fresh[300], fed[300];
	struct index_counts c;
	struct index *ix = NULL;
	struct index_feed *f = NULL;
	struct store *s;
	const unsigned n = 1100;

	snprintf(fresh, sizeof(fresh), "%s/many-fresh", dir);
	snprintf(fed, sizeof(fed), "%s/many-fed", dir);
	s = store_works("many", 700000, n);
	if (!s)
		return;

	memset(&c, 0, sizeof(c));
	ix = open_index_at(fresh);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "a fresh build of them");
	is_int(c.indexed, n, "every work indexed");
	if (ix)
		close_index(ix);
	ix = NULL;

	memset(&c, 0, sizeof(c));
	ix = open_index_at(fed);
	ok(ix && index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "a feed of them");
	for (unsigned i = 0; f && i < n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "pmid:%u", 700000 + i);
		index_feed_add(f, id, NULL);
	}
	ok(f && index_feed_finish(f, &c) == EV_OK, "feed finished");
	is_int(c.indexed, n, "every work indexed");
	if (ix)
		close_index(ix);
	ix = NULL;

	/* Both indexes as the store has it: nothing to build again. */
	for (int k = 0; k < 2; k++) {
		memset(&c, 0, sizeof(c));
		ix = open_index_at(k ? fed : fresh);
		ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
		   "the %s index passed over", k ? "fed" : "fresh");
		is_int(c.unchanged, n, "all %u works unchanged", n);
		if (ix)
			close_index(ix);
		ix = NULL;
	}
	store_close(s);
}

/* The documents of the index at PATH; -1 when it cannot be read. */
static long doc_count(const char *path)
{
	xdb_t *db = NULL;
	unsigned n = 0;
	long r = -1;

	if (xdb_open(path, XDB_READ, &db, NULL) == EV_OK &&
	    xdb_doccount(db, &n) == EV_OK)
		r = n;
	xdb_close(db);
	return r;
}

static int add_spelling_line(const char *word, unsigned freq, void *ctx)
{
	return buf_printf(ctx, "%s %u\n", word, freq) != EV_OK;
}

/* The spelling data of the index at PATH, a line a word with its
 * frequency, into B. */
static void spellings_of(const char *path, struct buf *b)
{
	xdb_t *db = NULL;

	buf_reset(b);
	if (xdb_open(path, XDB_READ, &db, NULL) == EV_OK)
		xdb_spellings(db, add_spelling_line, b);
	xdb_close(db);
}

/* The ids of the hits for QUERY in the index at PATH, a line each with
 * the score, into B. */
/* Best first; equal scores in id order. */
static int cmp_hits(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->work.id, y->work.id);
}

/*
 * Every work QUERY finds in the index at PATH, one "id score" line each,
 * best first.  Works of equal score are put in id order: Xapian breaks
 * such ties by document number, which a build in segments merged in
 * another order (a second writer's) renumbers.
 */
static void ranking_of(const char *path, const char *query, struct buf *b)
{
	struct search_options o = {0};
	struct search_result res = {0};
	char *msg = NULL;

	buf_reset(b);
	o.query = query;
	o.limit = 1000;
	o.taxonomy = lessons;
	if (search_run(path, &o, &res, &msg) == EV_OK) {
		qsort(res.hits, res.n_hits, sizeof(*res.hits), cmp_hits);
		for (size_t i = 0; i < res.n_hits; i++)
			buf_printf(b, "%s %.17g\n", res.hits[i].work.id,
				   res.hits[i].score);
	} else {
		buf_printf(b, "failed: %s\n", msg ? msg : "?");
	}
	search_result_release(&res);
	free(msg);
}

static int is_there(const char *path)
{
	return access(path, F_OK) == 0;
}

/* An empty file at PATH; 1 when made. */
static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	return fd >= 0 && close(fd) == 0;
}

/* index_record() the N works of S from PMID FIRST on; 1 when all went. */
static int write_works(struct index *ix, struct store *s, unsigned first,
		       unsigned n)
{
	int fine = 1;

	for (unsigned i = 0; fine && i < n; i++) {
		struct record r;
		char id[32];

		snprintf(id, sizeof(id), "pmid:%u", first + i);
		record_init(&r);
		fine = store_get(s, id, &r, NULL) == EV_OK &&
		       index_record(ix, &r, NULL, NULL) == EV_OK;
		record_release(&r);
	}
	return fine;
}

/* Open a new index at PATH whose fresh build splits every SEGMENT works,
 * with WRITERS writers (0: as many as index_open() gives it). */
static struct index *open_segmented(const char *path, unsigned segment,
				    int rebuild, unsigned writers)
{
	struct index_options opts = {0};
	struct index *ix = NULL;
	char *msg = NULL;

	opts.lessons = lessons;
	opts.segment = segment;
	opts.rebuild = rebuild;
	opts.writers = writers;
	if (index_open(path, &opts, &ix, &msg) != EV_OK)
		printf("# index_open: %s\n", msg ? msg : "?");
	free(msg);
	return ix;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The strengths META_LESSON_VALUES lists for each lesson (a line each:
 * the lesson's name, then its strengths in the order first written), in
 * OUT with each line's strengths sorted. */
static void strengths_sorted(char *text, struct buf *out)
{
	char *line, *next, *save;

	buf_reset(out);
	for (line = text; line && *line; line = next) {
		struct strvec v = {0};
		char *w;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (w = strtok_r(line, " ", &save); w;
		     w = strtok_r(NULL, " ", &save))
			strvec_push(&v, w);
		if (v.n > 1)
			qsort(v.v + 1, v.n - 1, sizeof(*v.v), cmp_str);
		for (size_t i = 0; i < v.n; i++)
			buf_printf(out, "%s%s", v.v[i],
				   i + 1 < v.n ? " " : "\n");
		strvec_release(&v);
	}
}

/* The index at PATH answers as the one at ONE does: the same works,
 * rankings and scores, spelling data and lesson strengths (in any
 * order). */
static void same_as_one(const char *one, const char *path, const char *what)
{
	static const char *const queries[] = {"trust",
					      "years",
					      "federation goodwill",
					      "\"mission creep\"",
					      "lesson:relationships",
					      "practices -estates"};
	struct buf want = BUF_INIT, got = BUF_INIT;
	size_t len1 = 0, len2 = 0;
	char *v1, *v2;
	int same = 1;

	for (size_t q = 0; q < sizeof(queries) / sizeof(*queries); q++) {
		ranking_of(one, queries[q], &want);
		ranking_of(path, queries[q], &got);
		same &= want.len > 0 && !strcmp(buf_str(&want), buf_str(&got));
		if (!same)
			printf("# %s: one\n%s# %s\n%s", queries[q],
			       buf_str(&want), what, buf_str(&got));
	}
	ok(same,
	   "%s: every query ranks and scores the works as one "
	   "database",
	   what);
	spellings_of(one, &want);
	spellings_of(path, &got);
	ok(want.len && !strcmp(buf_str(&want), buf_str(&got)),
	   "%s: the same spelling data, frequencies summed", what);
	snprintf(index_dir, sizeof(index_dir), "%s", one);
	v1 = read_meta(META_LESSON_VALUES, &len1);
	snprintf(index_dir, sizeof(index_dir), "%s", path);
	v2 = read_meta(META_LESSON_VALUES, &len2);
	strengths_sorted(v1, &want);
	strengths_sorted(v2, &got);
	ok(len1 && want.len && !strcmp(buf_str(&want), buf_str(&got)),
	   "%s: the same strengths listed for each lesson", what);
	if (strcmp(buf_str(&want), buf_str(&got)))
		printf("# one:\n%s# %s:\n%s", buf_str(&want), what,
		       buf_str(&got));
	free(v1);
	free(v2);
	buf_release(&want);
	buf_release(&got);
}

/* The index at PATH, whose build in segments of 4 stopped, keeps its
 * first segment and no other (PARTS), and the next run indexes the rest
 * of the N works of S. */
static void catches_up(const char *path, const char *parts, struct store *s,
		       unsigned n)
{
	struct index_counts c = {0};
	struct index *ix;

	is_int(doc_count(path), 4, "a stopped build keeps its first segment");
	ok(!is_there(parts), "and no other");
	ix = open_index_at(path);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "the next run catches up");
	is_int(c.indexed, n - 4, "with the works it lacked");
	if (ix)
		close_index(ix);
}

/*
 * A fresh build in segments (INDEX_SEGMENT) merges them into one index
 * that answers as the one database would (same_as_one()), with nothing
 * left beside it: with one writer, and with two, where the second writes
 * segments of its own once the first has written its first works alone
 * (a segment's, or fewer).  Built from the
 * store, fed (where a work fed again after its segment is full must stay
 * one work, as last fed), rebuilt, stopped half way, with a merge that
 * cannot be written, and with a second writer that cannot write.
 */
static void test_segments(void)
{
	char one[300], split[300], fed[300], other[300];
	char parts[320], copy[400], *msg = NULL;
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct index_counts c;
	struct index *ix = NULL;
	struct index_feed *f = NULL;
	struct store *s;
	const unsigned n = 23;
	int fine = 1;

	snprintf(one, sizeof(one), "%s/seg-one", dir);
	snprintf(split, sizeof(split), "%s/seg-split", dir);
	snprintf(fed, sizeof(fed), "%s/seg-fed", dir);
	snprintf(other, sizeof(other), "%s/seg-other", dir);
	s = store_works("seg", 500000, n);
	if (!s)
		return;
	/* Works with relationships strengths no other work has (the store's
	 * abstracts give 0.5 and 0.75), all of them the second writer's:
	 * the strengths it saw must join the first's. */
	for (unsigned i = 0, k = 0; i < n && k < 4; i++) {
		static const char *const more[] = {"", " and respect",
						   " and social capital",
						   " and give and take"};
		struct record r;
		char id[32], text[200];

		snprintf(id, sizeof(id), "pmid:%u", 500000 + i);
		if (index_shard_of(id, 2) != 1)
			continue;
		/* 5.5 and more: strengths 0.85, 0.88, 0.94 and 0.96. */
		snprintf(text, sizeof(text),
			 "Goodwill, reciprocity, rapport%s%s%s.", more[k],
			 k > 2 ? " and social capital" : "",
			 k > 1 ? " and respect" : "");
		k++;
		record_init(&r);
		/* The abstract's one passage, as record_normalise() made
		 * it. */
		ok(store_get(s, id, &r, NULL) == EV_OK && r.n_passages == 1 &&
			   record_set(&r.abstract, text) == EV_OK &&
			   record_set(&r.passages[0].text, text) == EV_OK &&
			   store_replace(s, &r) == EV_OK,
		   "%s: %s", id, text);
		record_release(&r);
	}

	/* One database, then segments of 4 from the store, with one writer
	 * and with two. */
	memset(&c, 0, sizeof(c));
	ix = open_segmented(one, UINT_MAX, 0, 2);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "a fresh build in one database");
	is_int(c.indexed, n, "every work indexed");
	if (ix)
		close_index(ix);
	snprintf(parts, sizeof(parts), "%s.parts", split);
	for (unsigned writers = 1; writers <= 2; writers++) {
		char what[64], b1[340];

		rm_rf(split);
		memset(&c, 0, sizeof(c));
		ix = open_segmented(split, 4, 0, writers);
		ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
		   "a fresh build in segments of 4, %u writer%s", writers,
		   writers > 1 ? "s" : "");
		is_int(c.indexed, n, "every work indexed");
		is_int(c.works, n, "and counted once");
		snprintf(b1, sizeof(b1), "%s/b1", parts);
		ok(is_there(b1) == (writers > 1),
		   "the second writer wrote segments of its own: %s",
		   writers > 1 ? "yes" : "no");
		if (ix)
			close_index(ix);
		snprintf(copy, sizeof(copy), "%s.compact", split);
		is_int(doc_count(split), n,
		       "the merged index has every work once");
		ok(!is_there(parts) && !is_there(copy),
		   "nothing is left beside it");
		snprintf(what, sizeof(what), "%u writer%s", writers,
			 writers > 1 ? "s" : "");
		same_as_one(one, split, what);
	}
	/* The first writer writes the first works alone (index_options'
	 * alone): the second starts after them, and not before. */
	for (unsigned alone = 10; alone <= n; alone += n - 10) {
		struct index_options opts = {0};
		char what[64], b1[340];

		rm_rf(split);
		memset(&c, 0, sizeof(c));
		opts.lessons = lessons;
		opts.segment = 4;
		opts.writers = 2;
		opts.alone = alone;
		ix = NULL;
		ok(index_open(split, &opts, &ix, NULL) == EV_OK &&
			   index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK &&
			   c.indexed == n,
		   "a fresh build in segments of 4, the first %u works the "
		   "first writer's",
		   alone);
		snprintf(b1, sizeof(b1), "%s/b1", parts);
		ok(is_there(b1) == (alone < n),
		   "the second writer wrote segments of its own: %s",
		   alone < n ? "yes" : "no");
		if (ix)
			close_index(ix);
		snprintf(what, sizeof(what), "the first %u works alone",
			 alone);
		same_as_one(one, split, what);
	}
	/* A build that fits in its first segment is the first writer's
	 * alone, with nothing to merge. */
	rm_rf(split);
	memset(&c, 0, sizeof(c));
	ix = open_segmented(split, n, 0, 2);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK &&
		   c.indexed == n,
	   "a fresh build of one segment, 2 writers");
	ok(!is_there(parts), "one writer wrote it: no segment beside it");
	if (ix)
		close_index(ix);
	same_as_one(one, split, "one segment");
	memset(&c, 0, sizeof(c));
	ix = open_segmented(split, 4, 0, 0);
	ok(ix && !index_is_fresh(ix) &&
		   index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "the merged index synced again");
	is_int(c.unchanged, n, "every work found as stored");
	if (ix)
		close_index(ix);

	/* Rebuilt in segments, beside the live index. */
	ix = open_segmented(split, 3, 1, 2);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "rebuilt in segments of 3");
	if (ix)
		close_index(ix);
	snprintf(copy, sizeof(copy), "%s.new", split);
	is_int(doc_count(split), n, "the rebuilt index has every work once");
	ok(!is_there(parts) && !is_there(copy), "nothing left beside it");
	ranking_of(one, "trust", &want);
	ranking_of(split, "trust", &got);
	is_str(buf_str(&got), buf_str(&want), "and ranks as one database");

	/* Fed, with work 2 changed and fed again when its segment is full:
	 * one work, as fed last. */
	ix = open_segmented(fed, 4, 0, 2);
	ok(ix && index_feed_start(ix, s, warn, NULL, &f) == EV_OK && f,
	   "a feed in segments of 4");
	for (unsigned i = 0; f && i < n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "pmid:%u", 500000 + i);
		index_feed_add(f, id, NULL);
		if (i == 9) {
			retitle(s, "pmid:500002", "Zebras in the federation");
			index_feed_add(f, "pmid:500002", NULL);
		}
	}
	ok(f && index_feed_finish(f, &c) == EV_OK, "feed finished");
	if (ix)
		close_index(ix);
	snprintf(parts, sizeof(parts), "%s.parts", fed);
	is_int(doc_count(fed), n, "the work fed twice is there once");
	ok(!is_there(parts), "nothing left beside it");
	snprintf(index_dir, sizeof(index_dir), "%s", fed);
	is_int(term_count("Qpmid:500002"), 1, "under one id term");
	ranking_of(fed, "zebras", &got);
	ok(!strncmp(buf_str(&got), "pmid:500002 ", 12),
	   "as it was fed last: %s", buf_str(&got));
	memset(&c, 0, sizeof(c));
	ix = open_index_at(fed);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "synced again");
	is_int(c.unchanged, n, "every work found as stored");
	is_int(c.indexed, 0, "none indexed again");
	if (ix)
		close_index(ix);

	/* Stopped in its third segment: the first stays, committed; the
	 * others go. */
	snprintf(parts, sizeof(parts), "%s.parts", other);
	ix = open_segmented(other, 4, 0, 0);
	fine = ix && write_works(ix, s, 500000, 10);
	ok(ix && fine && is_there(parts), "ten works written, in segments");
	index_abort(ix);
	catches_up(other, parts, s, n);
	rm_rf(other);

	/* A merge that fails (a segment damaged on disk): said, and the
	 * next run catches up.  A segment folder left behind goes at the
	 * next open. */
	fine = 1;
	ix = open_segmented(other, 4, 0, 0);
	fine = ix && write_works(ix, s, 500000, 10);
	snprintf(copy, sizeof(copy), "%s/1/iamglass", parts);
	ok(ix && fine && unlink(copy) == 0, "a closed segment damaged");
	fine = ix && index_close(ix, &msg) != EV_OK;
	ok(fine && msg && strstr(msg, "cannot merge the index's segments"),
	   "a merge that fails says so: %s", msg ? msg : "(none)");
	free(msg);
	msg = NULL;
	snprintf(copy, sizeof(copy), "%s.compact", other);
	ok(!is_there(copy), "no partial copy left");
	is_int(doc_count(other), 4, "the index keeps its first segment");
	ok(!is_there(parts), "and no other");
	ok(mkdir(parts, 0777) == 0, "a segment folder left behind");
	memset(&c, 0, sizeof(c));
	ix = open_index_at(other);
	ok(ix && !is_there(parts), "goes when a writer opens the index");
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "the next run catches up");
	is_int(c.indexed, n - 4, "with the works it lacked");
	if (ix)
		close_index(ix);
	rm_rf(other);

	/* A second writer that cannot write (a file where its first
	 * segment goes): the build stops and says why, and the next run
	 * catches up. */
	ix = open_segmented(other, 4, 0, 2);
	snprintf(copy, sizeof(copy), "%s/b1", parts);
	fine = ix && mkdir(parts, 0777) == 0 && touch(copy);
	ok(fine, "the second writer's first segment taken by a file");
	memset(&c, 0, sizeof(c));
	ok(fine && index_sync(ix, s, &c, warn, NULL, NULL) != EV_OK,
	   "the build fails");
	ok(ix && strstr(index_errmsg(ix), "/b1"), "and says where: %s",
	   ix ? index_errmsg(ix) : "(no index)");
	index_abort(ix);
	catches_up(other, parts, s, n);

	buf_release(&want);
	buf_release(&got);
	store_close(s);
}

/* The file descriptors open, of the first 65,536. */
static unsigned fds_open(void)
{
	unsigned n = 0;

	for (int fd = 0; fd < 65536; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

/*
 * More segments than the limit on open files lets one merge read: they
 * are merged in groups first, and the index is the same.  The limit
 * leaves 94 descriptors free besides those open (inherited ones too),
 * and 66 of them are held once the works are written, before the
 * merge.  Last, since the hard limit cannot be raised
 * again.
 */
static void test_segments_in_groups(void)
{
	struct rlimit rl;
	int held[66], fine = 1;
	const size_t n_held = sizeof(held) / sizeof(*held);
	size_t width;
	char one[300], split[300];
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct index_counts c;
	struct index *ix;
	struct store *s;
	const unsigned n = 23;

	s = store_works("group", 400000, n);
	if (!s)
		return;
	snprintf(one, sizeof(one), "%s/group-one", dir);
	snprintf(split, sizeof(split), "%s/group-split", dir);
	ix = open_segmented(one, UINT_MAX, 0, 0);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "built in one database");
	if (ix)
		close_index(ix);
	rl.rlim_cur = rl.rlim_max = (rlim_t)fds_open() + 94;
	ok(setrlimit(RLIMIT_NOFILE, &rl) == 0, "at most %lu open files",
	   (unsigned long)rl.rlim_cur);
	width = index_merge_width();
	ok(width >= 3 && width < n, "so a merge reads %zu databases", width);
	/* Two writers, each a segment at a time. */
	ix = open_segmented(split, 1, 0, 2);
	ok(ix && index_sync(ix, s, &c, warn, NULL, NULL) == EV_OK,
	   "built in %u segments of one work", n);
	/* Files held open elsewhere leave fewer for the merge: with the
	 * width reckoned from the limit alone, it failed. */
	for (size_t i = 0; i < n_held; i++)
		fine &= (held[i] = open("/dev/null", O_RDONLY)) >= 0;
	ok(fine, "%zu more files open", n_held);
	if (access("/proc/self/fd", R_OK) == 0)
		ok(index_merge_width() < width, "so a merge reads fewer: %zu",
		   index_merge_width());
	if (ix)
		close_index(ix);
	for (size_t i = 0; i < n_held; i++)
		if (held[i] >= 0)
			close(held[i]);
	is_int(doc_count(split), n, "merged, every work once");
	ranking_of(one, "trust", &want);
	ranking_of(split, "trust", &got);
	ok(want.len && !strcmp(buf_str(&want), buf_str(&got)),
	   "ranked and scored as one database");
	spellings_of(one, &want);
	spellings_of(split, &got);
	ok(want.len && !strcmp(buf_str(&want), buf_str(&got)),
	   "with the same spelling data");
	buf_release(&want);
	buf_release(&got);
	store_close(s);
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
	test_handed_record(s);
	test_feed_bound(s);
	test_data_read_back(s);
	test_data_lessons(s);
	test_stem_memo();
	test_compiled_memo();
	store_close(s);
	test_lesson_values();
	test_named_lessons();
	test_batch_follows_size();
	test_many_works();
	test_segments();
	test_segments_in_groups();
	lessons_free(lessons);
	free(msg);
	rm_rf(dir);
	return tap_done();
}
