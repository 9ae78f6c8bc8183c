/* test-store.c - the record store: dedupe, merge, atomic files */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "store.h"
#include "tap.h"
#include "text.h"

static char dir[256];

/* A record as a parser would hand it over. */
static void make(struct record *r, const char *format, const char *url,
		 const char *title)
{
	struct provenance p = { "file", (char *)url, (char *)format,
				"2026-01-01T00:00:00Z", "hash", NULL, NULL };

	record_init(r);
	record_set(&r->title, title);
	record_add_provenance(r, &p);
}

static ev_status put(struct store *s, struct record *r,
		     enum store_outcome *o)
{
	record_normalise(r);
	return store_put(s, r, o);
}

static ev_status count_file(const char *path, void *ctx)
{
	struct strvec *sv = ctx;

	return strvec_push(sv, path);
}

/* store_walk_records()'s FN: the records' titles, and a stop after
 * *LIMIT of them when it is not 0. */
struct titles {
	struct strvec v;
	size_t limit;
};

static ev_status take_title(struct record *rec, void *ctx)
{
	struct titles *t = ctx;

	if (t->limit && t->v.n == t->limit)
		return EV_INTERRUPTED;
	return strvec_push(&t->v, rec->title ? rec->title : "(none)");
}

static void rm_rf(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

/* A PubMed record with PMID PMID and, when REL, a relation REL to
 * TARGET. */
static void make_pubmed(struct record *r, const char *pmid,
			const char *title, const char *rel,
			const char *target)
{
	char url[64];

	snprintf(url, sizeof(url), "https://pubmed.example/%s", pmid);
	make(r, "pubmed", url, title);
	record_set(&r->pmid, pmid);
	if (rel)
		record_add_relation(r, rel, target);
}

/* How many relations of REC are TYPE to TARGET. */
static int count_relation(const struct record *rec, const char *type,
			  const char *target)
{
	int n = 0;

	for (size_t i = 0; i < rec->n_relations; i++)
		if (!strcmp(rec->relations[i].type, type) &&
		    !strcmp(rec->relations[i].target, target))
			n++;
	return n;
}

static int has_pubtype(const struct record *rec, const char *type)
{
	return strvec_find(&rec->publication_types, type) >= 0;
}

/* Notices update the work they concern, in either order. */
static void test_notices(void)
{
	struct store *s = NULL;
	struct record r, got;
	struct strvec changed = STRVEC_INIT;
	enum store_outcome o;
	char sub[300];

	snprintf(sub, sizeof(sub), "%s/notices", dir);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "notices: open");

	/* The work first, then its retraction: the work is updated and
	 * reported as changed. */
	make_pubmed(&r, "1001", "A study of networks", NULL, NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "work stored");
	record_release(&r);
	ok(store_take_changed(s, &changed) == EV_OK && changed.n == 0,
	   "a plain work changes no other");
	make_pubmed(&r, "1002", "Retraction: A study of networks",
		    "retraction-of", "pmid:1001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "retraction stored");
	record_release(&r);
	ok(store_take_changed(s, &changed) == EV_OK && changed.n == 1 &&
	       !strcmp(changed.v[0], "pmid:1001"),
	   "the retracted work is reported changed");
	strvec_release(&changed);
	ok(store_take_changed(s, &changed) == EV_OK && changed.n == 0,
	   "and forgotten once taken");
	record_init(&got);
	ok(store_get(s, "pmid:1001", &got, NULL) == EV_OK, "read the work back");
	is_int(count_relation(&got, "retraction-in", "pmid:1002"), 1,
	       "work has the relation back");
	ok(has_pubtype(&got, "Retracted Publication"), "work is flagged");
	record_release(&got);

	/* The same notice again: nothing changes anywhere. */
	make_pubmed(&r, "1002", "Retraction: A study of networks",
		    "retraction-of", "pmid:1001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_UNCHANGED,
	   "notice again: unchanged");
	record_release(&r);
	ok(store_take_changed(s, &changed) == EV_OK && changed.n == 0,
	   "notice again: the work is not rewritten");

	/* The work again, from its source, which already links the
	 * notice: still one relation, one flag. */
	make_pubmed(&r, "1001", "A study of networks", "retraction-in",
		    "pmid:1002");
	strvec_push(&r.publication_types, "Retracted Publication");
	ok(put(s, &r, &o) == EV_OK, "work again");
	is_int(count_relation(&r, "retraction-in", "pmid:1002"), 1,
	       "no duplicate relation");
	is_int(r.publication_types.n, 1, "no duplicate flag");
	record_release(&r);

	/* The notice first (an erratum naming a DOI in capitals), the work
	 * later: the work arrives updated, and is new. */
	make_pubmed(&r, "2002", "Erratum", "erratum-for",
		    "doi:10.1000/LATER");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "erratum stored");
	record_release(&r);
	ok(store_take_changed(s, &changed) == EV_OK && changed.n == 0,
	   "nothing to update yet");
	make(&r, "crossref", "https://api.example/later", "Later work");
	record_set(&r.doi, "10.1000/later");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "work after notice");
	is_int(count_relation(&r, "erratum-in", "pmid:2002"), 1,
	       "arrives with the relation back");
	ok(!has_pubtype(&r, "Retracted Publication"),
	   "an erratum does not flag it retracted");
	record_release(&r);
	record_init(&got);
	ok(store_get(s, "doi:10.1000/later", &got, NULL) == EV_OK &&
	       count_relation(&got, "erratum-in", "pmid:2002") == 1,
	   "and is stored so");
	record_release(&got);

	/* A notice stored before a work already in the store gets a new
	 * source: merging brings the notice in (regression: only new works
	 * looked for waiting notices). */
	make_pubmed(&r, "3002", "Expression of concern",
		    "expression-of-concern-for", "pmid:3001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "concern stored");
	record_release(&r);
	make(&r, "html", "https://example.org/3001", "Third work");
	record_set(&r.url, "https://example.org/3001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "page, no PMID");
	is_int(r.n_relations, 0, "page alone: no notice");
	record_release(&r);
	make_pubmed(&r, "3001", "Third work", NULL, NULL);
	record_set(&r.url, "https://example.org/3001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_UPDATED,
	   "PubMed record merged");
	is_int(count_relation(&r, "expression-of-concern-in", "pmid:3002"),
	       1, "merged work takes the waiting notice");
	record_release(&r);

	/* A notice with a DOI is named by it; the work's next record names
	 * the notice by its PMID: still one relation (regression: the
	 * merge kept both). */
	make_pubmed(&r, "5001", "Fifth work", NULL, NULL);
	ok(put(s, &r, &o) == EV_OK, "fifth work");
	record_release(&r);
	make_pubmed(&r, "5002", "Retraction of the fifth", "retraction-of",
		    "pmid:5001");
	record_set(&r.doi, "10.1000/notice5");
	ok(put(s, &r, &o) == EV_OK, "retraction with a DOI");
	record_release(&r);
	make_pubmed(&r, "5001", "Fifth work", "retraction-in", "pmid:5002");
	ok(put(s, &r, &o) == EV_OK, "work again, naming the PMID");
	is_int(r.n_relations, 1, "one relation to the notice");
	is_int(count_relation(&r, "retraction-in", "doi:10.1000/notice5"), 1,
	       "by the notice's id");
	record_release(&r);

	/* A comment is not a notice: no key file, no update. */
	make_pubmed(&r, "4001", "Commented work", NULL, NULL);
	ok(put(s, &r, &o) == EV_OK, "commented work");
	record_release(&r);
	make_pubmed(&r, "4002", "A comment", "comment-on", "pmid:4001");
	ok(put(s, &r, &o) == EV_OK, "comment");
	record_release(&r);
	record_init(&got);
	ok(store_get(s, "pmid:4001", &got, NULL) == EV_OK && got.n_relations == 0,
	   "a comment leaves the work alone");
	record_release(&got);

	strvec_release(&changed);
	store_close(s);
}

/* How many files are under DIR, at any depth. */
static int count_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char sub[1024];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		n += fs_is_dir(sub) ? count_files(sub) : 1;
	}
	closedir(d);
	return n;
}

/* Files under SUB/NAME ("records", "keys", "tmp"). */
static int files_in(const char *sub, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", sub, name);
	return count_files(path);
}

/* A page with URL https://example.org/N and, when DOI, that DOI. */
static void make_page(struct record *r, int n, const char *doi,
		      const char *text)
{
	char url[64];

	snprintf(url, sizeof(url), "https://example.org/%d", n);
	make(r, "html", url, "A page");
	record_set(&r->url, url);
	if (doi)
		record_set(&r->doi, doi);
	record_add_passage(r, text, NULL);
}

/* Batches: held in memory and seen by lookups, written by the commit,
 * lost when not committed, and a failed commit leaves no record. */
/*
 * A writer takes the store as its own while it holds the lock (see
 * evidence-collection.5): a key file planted by hand in a folder it has
 * listed is not seen until the next writer opens the store.  This shows
 * that its look-ups are answered from what it knows, not from the disk.
 */
static void test_own_store(void)
{
	struct store *s = NULL;
	struct record r;
	enum store_outcome o;
	char sub[300], path[600], hex[65];
	char *id = NULL, *a_id = NULL;
	FILE *f;

	mode_t mask = umask(027);
	struct stat st = {0};
	int found = 0;

	snprintf(sub, sizeof(sub), "%s/own", dir);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "own: open");
	make_page(&r, 1, "10.1000/a", "Work A.");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW && r.id &&
	       (a_id = strdup(r.id)),
	   "work A stored");
	record_release(&r);
	/* Its file as a plain create makes it: 0644 less the umask. */
	text_sha256_hex(a_id ? a_id : "", a_id ? strlen(a_id) : 0, hex);
	snprintf(path, sizeof(path), "%s/records/%.2s/%.32s.json", sub, hex,
		 hex);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640,
	   "record file mode 0640 under umask 027 (%o)",
	   (unsigned)(st.st_mode & 0777));
	umask(mask);
	/* Often enough that its folders are listed (a small folder takes
	 * four look-ups; a missing one, one). */
	for (int i = 0; i < 8; i++)
		found += store_resolve(s, "10.1000/planted", &id) !=
			 EV_NOT_FOUND;
	is_int(found, 0, "no work has the planted DOI yet");

	/* Behind the writer's back: the DOI's key file, naming A. */
	text_sha256_hex("doi:10.1000/planted", 19, hex);
	snprintf(path, sizeof(path), "%s/keys/%.2s", sub, hex);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/keys/%.2s/%.32s", sub, hex, hex);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", a_id ? a_id : "");
		fclose(f);
	}
	ok(store_resolve(s, "10.1000/planted", &id) == EV_NOT_FOUND,
	   "the writer does not look again for a name it knows is absent");
	make_page(&r, 2, "10.1000/b", "Work B.");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW,
	   "and goes on storing");
	record_release(&r);
	store_close(s);

	ok(store_open(sub, 1, &s, NULL) == EV_OK, "the next writer");
	ok(store_resolve(s, "10.1000/planted", &id) == EV_OK && a_id &&
	       !strcmp(id, a_id),
	   "finds the planted key");
	free(id);
	id = NULL;
	ok(store_resolve(s, "10.1000/b", &id) == EV_OK, "and B");
	free(id);
	store_close(s);
	free(a_id);
}

/* Stat the key file of KEY in store SUB into ST and read its first
 * line into LINE; 0 when both worked. */
static int key_file(const char *sub, const char *key, struct stat *st,
		    char *line, size_t size)
{
	char path[600], hex[65];
	FILE *f;
	int rc = -1;

	text_sha256_hex(key, strlen(key), hex);
	snprintf(path, sizeof(path), "%s/keys/%.2s/%.32s", sub, hex, hex);
	if (stat(path, st) < 0 || !(f = fopen(path, "r")))
		return -1;
	if (fgets(line, (int)size, f))
		rc = 0;
	fclose(f);
	return rc;
}

/* key_file() of the first work's two keys below: its PMID's into PM
 * and A, its URL's into URL and B (64 bytes each). */
static int pmid_and_url(const char *sub, struct stat *pm, char *a,
			struct stat *url, char *b)
{
	if (key_file(sub, "pmid:7001", pm, a, 64) < 0)
		return -1;
	return key_file(sub, "url:https://pubmed.example/7001", url, b, 64);
}

/*
 * One work's keys share one file (hard links): one inode and one block
 * for the lot.  A key that comes to name another work gets a file of its
 * own, and the keys it shared with keep naming theirs.
 */
static void test_shared_keys(void)
{
	struct store *s = NULL;
	struct record r;
	enum store_outcome o;
	struct stat pm = {0}, url = {0};
	char sub[300], path[600], hex[65], a[64] = "", b[64] = "";

	snprintf(sub, sizeof(sub), "%s/shared", dir);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "shared: open");
	store_begin(s);
	make_pubmed(&r, "7001", "A trial", NULL, NULL);
	record_set(&r.doi, "10.1000/shared");
	record_set(&r.url, "https://pubmed.example/7001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "a work with two keys");
	record_release(&r);
	make_pubmed(&r, "7002", "Another trial", NULL, NULL);
	record_set(&r.url, "https://pubmed.example/7002");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "a work with one key");
	record_release(&r);
	ok(store_commit(s) == EV_OK, "committed");
	ok(pmid_and_url(sub, &pm, a, &url, b) == 0, "both keys are there");
	is_str(a, "doi:10.1000/shared\n", "the PMID names the work");
	is_str(b, "doi:10.1000/shared\n", "so does the URL");
	ok(pm.st_ino == url.st_ino && pm.st_nlink == 2,
	   "one file under both names (inodes %lu and %lu, %lu links)",
	   (unsigned long)pm.st_ino, (unsigned long)url.st_ino,
	   (unsigned long)pm.st_nlink);
	ok(key_file(sub, "url:https://pubmed.example/7002", &url, b,
		    sizeof(b)) == 0 &&
	       url.st_nlink == 1 && url.st_ino != pm.st_ino,
	   "the other work's key is a file of its own");
	is_str(b, "pmid:7002\n", "naming that work");
	is_int(files_in(sub, "tmp"), 0, "tmp/ left empty");

	/* The work's record lost (as in a crash before it was renamed):
	 * its keys name nothing, and a new work may take the PMID. */
	text_sha256_hex("doi:10.1000/shared", 18, hex);
	snprintf(path, sizeof(path), "%s/records/%.2s/%.32s.json", sub, hex,
		 hex);
	ok(unlink(path) == 0, "record removed behind the store's back");
	store_close(s);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "reopened");
	make_pubmed(&r, "7001", "A trial, again", NULL, NULL);
	record_set(&r.doi, "10.1000/taker");
	record_set(&r.url, "https://example.org/taker");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "a new work, same PMID");
	record_release(&r);
	ok(pmid_and_url(sub, &pm, a, &url, b) == 0, "both keys still there");
	is_str(a, "doi:10.1000/taker\n", "the PMID names the new work");
	is_str(b, "doi:10.1000/shared\n", "the old URL still the old one");
	ok(pm.st_ino != url.st_ino && url.st_nlink == 1,
	   "no longer one file (%lu links)", (unsigned long)url.st_nlink);
	store_close(s);
}

static void test_batches(void)
{
	struct store *s = NULL;
	struct record r, got;
	enum store_outcome o;
	char sub[300], path[600], hex[65];
	char *id = NULL;
	int full_at = 0;

	snprintf(sub, sizeof(sub), "%s/batches", dir);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "batches: open");
	ok(fs_sync_fs(sub) == EV_OK, "fs_sync_fs on the store");
	snprintf(path, sizeof(path), "%s/none", sub);
	ok(fs_sync_fs(path) == EV_NOT_FOUND, "fs_sync_fs: no such path");
	store_begin(s);
	make_page(&r, 1, "10.1000/one", "First text.");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "held work is new");
	record_release(&r);
	is_int(files_in(sub, "records") + files_in(sub, "keys"), 0,
	       "nothing written before the commit");
	ok(store_resolve(s, "10.1000/one", &id) == EV_OK &&
	       !strcmp(id, "doi:10.1000/one"),
	   "a held key resolves");
	free(id);
	/* Row: the second source merges into the held work, whose file is
	 * then written once, with the merge. */
	make(&r, "pubmed", "https://pubmed.example/1", "A page, indexed");
	record_set(&r.doi, "10.1000/one");
	record_set(&r.pmid, "5001");
	ok(put(s, &r, &o) == EV_OK && o == STORE_UPDATED,
	   "merged into the held work");
	record_release(&r);
	ok(!store_batch_full(s), "two works do not fill a batch");
	ok(store_commit(s) == EV_OK, "commit");
	is_int(files_in(sub, "records"), 1, "one record file");
	/* Its keys but the id: the URL and the PMID. */
	is_int(files_in(sub, "keys"), 2, "two key files");
	is_int(files_in(sub, "tmp"), 0, "tmp/ left empty");
	record_init(&got);
	ok(store_get(s, "doi:10.1000/one", &got, NULL) == EV_OK &&
	       got.pmid && !strcmp(got.pmid, "5001") && got.n_provenance == 2,
	   "the committed record is the merged one");
	record_release(&got);
	ok(store_commit(s) == EV_OK, "an empty commit is no error");

	/* A work and its retraction in one batch: the work gets the
	 * relation back, as when they come one at a time. */
	make_pubmed(&r, "6001", "A trial", NULL, NULL);
	ok(put(s, &r, &o) == EV_OK, "held work");
	record_release(&r);
	make_pubmed(&r, "6002", "Retraction: A trial", "retraction-of",
		    "pmid:6001");
	ok(put(s, &r, &o) == EV_OK, "held retraction");
	record_release(&r);
	ok(store_commit(s) == EV_OK, "commit both");
	record_init(&got);
	ok(store_get(s, "pmid:6001", &got, NULL) == EV_OK &&
	       count_relation(&got, "retraction-in", "pmid:6002") == 1 &&
	       has_pubtype(&got, "Retracted Publication"),
	   "the work held with its notice is marked");
	record_release(&got);

	/* The batch fills at 256 works. */
	for (int i = 100; i < 356 && !full_at; i++) {
		make_page(&r, i, NULL, "Filler.");
		if (put(s, &r, &o) != EV_OK)
			break;
		record_release(&r);
		if (store_batch_full(s))
			full_at = i - 99;
	}
	record_release(&r);
	is_int(full_at, 256, "full at the 256th work");
	ok(store_commit(s) == EV_OK, "commit the full batch");
	is_int(files_in(sub, "records"), 259, "all of it written");

	/* A walk reads final names: it commits what is held first. */
	{
		struct strvec files = STRVEC_INIT;

		make_page(&r, 2, NULL, "Walked.");
		ok(put(s, &r, &o) == EV_OK, "held before a walk");
		record_release(&r);
		ok(store_walk(s, count_file, &files) == EV_OK &&
		       files.n == 260,
		   "the walk sees it");
		strvec_release(&files);
	}

	/* Closed without a commit: lost, as in a crash. */
	make_page(&r, 3, "10.1000/three", "Never committed.");
	ok(put(s, &r, &o) == EV_OK, "held, then closed");
	record_release(&r);
	store_close(s);
	ok(store_open(sub, 1, &s, NULL) == EV_OK, "reopen");
	store_begin(s);
	ok(store_resolve(s, "10.1000/three", &id) == EV_NOT_FOUND,
	   "what was not committed is not there");
	is_int(files_in(sub, "records"), 260, "no record file for it");

	/* Regression row: a record that cannot be renamed into place (its
	 * shard is a file, not a folder) fails the commit; its keys went
	 * first and point at nothing, which lookups ignore, and tmp/ is
	 * left empty. */
	text_sha256_hex("doi:10.1000/four", 16, hex);
	snprintf(path, sizeof(path), "%s/records/%.2s", sub, hex);
	rm_rf(path);
	{
		FILE *f = fopen(path, "w");

		if (f)
			fclose(f);
	}
	make_page(&r, 4, "10.1000/four", "Blocked.");
	ok(put(s, &r, &o) == EV_OK, "held");
	record_release(&r);
	ok(store_commit(s) == EV_NOT_FOUND, "the commit fails");
	ok(strstr(store_errmsg(s), "cannot rename into") != NULL,
	   "and says where: %s", store_errmsg(s));
	is_int(files_in(sub, "tmp"), 0, "tmp/ emptied after the failure");
	ok(store_resolve(s, "10.1000/four", &id) == EV_NOT_FOUND,
	   "the key without its record finds nothing");
	unlink(path);
	make_page(&r, 4, "10.1000/four", "Blocked.");
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW && !store_commit(s),
	   "the next run stores it");
	record_release(&r);
	ok(store_resolve(s, "10.1000/four", &id) == EV_OK, "found then");
	free(id);
	store_close(s);
}

int main(void)
{
	struct store *s = NULL;
	struct record r, got;
	enum store_outcome o;
	char *msg = NULL, *id = NULL;
	struct strvec files = STRVEC_INIT;
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/evstore-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		tap_skip_all("cannot make a temporary directory");

	{
		char nowhere[300];

		snprintf(nowhere, sizeof(nowhere), "%s/none", dir);
		ok(store_open(nowhere, 0, &s, &msg) == EV_NOT_FOUND,
		   "read-only open of nothing: not found (%s)", msg);
	}
	free(msg);
	msg = NULL;
	ok(store_open(dir, 1, &s, &msg) == EV_OK, "writable open creates");

	/* A new work from a page, found by its URL. */
	make(&r, "html", "https://example.org/pcn", "Networks at work");
	record_set(&r.url, "https://example.org/pcn");
	record_add_passage(&r, "Short page text.", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "new work stored");
	is_str(r.id, "url:https://example.org/pcn", "id from the URL");
	ok(r.added_at != NULL, "added_at stamped");
	record_release(&r);

	/* The same page again: nothing changes, nothing is written. */
	make(&r, "html", "https://example.org/pcn", "Networks at work");
	record_set(&r.url, "https://example.org/pcn");
	record_add_passage(&r, "Short page text.", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_UNCHANGED,
	   "same content: unchanged");
	record_release(&r);

	/* PubMed knows it with a DOI and a PMID: merged into the same
	 * work, the id stays, PubMed's title wins (higher rank), the
	 * page's longer text stays. */
	make(&r, "pubmed", "https://pubmed.example/1", "Networks at work: "
						      "a study");
	record_set(&r.url, "https://example.org/pcn");
	record_set(&r.doi, "10.1000/ABC");
	record_set(&r.pmid, "4242");
	record_add_passage(&r, "Abstract.", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_UPDATED,
	   "second source merged");
	is_str(r.id, "url:https://example.org/pcn", "id never changes");
	is_str(r.title, "Networks at work: a study", "higher rank wins");
	is_str(r.passages[0].text, "Short page text.", "fuller text kept");
	is_str(r.doi, "10.1000/abc", "DOI added");
	is_int(r.n_provenance, 2, "both sources recorded");
	record_release(&r);

	/* Found again by DOI alone, from a third source. */
	make(&r, "text", "file:///notes.txt", "Networks at work");
	record_set(&r.doi, "https://doi.org/10.1000/abc");
	ok(put(s, &r, &o) == EV_OK, "third source");
	is_str(r.id, "url:https://example.org/pcn", "found by DOI key");
	is_str(r.title, "Networks at work: a study",
	       "lower rank does not override");
	record_release(&r);

	/* Resolve what users type. */
	ok(store_resolve(s, "10.1000/ABC", &id) == EV_OK, "resolve DOI");
	is_str(id, "url:https://example.org/pcn", "DOI resolves to the id");
	free(id);
	ok(store_resolve(s, "4242", &id) == EV_OK, "resolve PMID");
	free(id);
	ok(store_resolve(s, "pmid:999", &id) == EV_NOT_FOUND,
	   "unknown PMID");
	ok(strstr(store_errmsg(s), "pmid:999") != NULL, "message names it");

	/* A second work with the same title but another year and author is
	 * another work. */
	make(&r, "text", "file:///other.txt",
	     "Networks at work: a study");
	r.issued.year = 1999;
	record_add_passage(&r, "Different.", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "distinct work");
	record_release(&r);

	/* Title + year + first author finds a work with no identifiers. */
	make(&r, "text", "file:///a.txt", "Lessons for large-scale general "
					  "practice");
	r.issued.year = 2016;
	record_add_author(&r, "Rosen", "Rebecca", NULL);
	record_add_passage(&r, "One.", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_NEW, "work by title");
	record_release(&r);
	make(&r, "csl-json", "file:///b.json", "Lessons for Large-Scale "
					       "General Practice.");
	r.issued.year = 2016;
	record_add_author(&r, "ROSEN", "R", NULL);
	ok(put(s, &r, &o) == EV_OK && o == STORE_UPDATED,
	   "same title, year and author: merged");
	record_release(&r);

	ok(store_walk(s, count_file, &files) == EV_OK, "walk");
	is_int(files.n, 3, "three works stored");
	for (size_t i = 1; i < files.n; i++)
		ok(strcmp(files.v[i - 1], files.v[i]) < 0, "walk is sorted");
	/* The records, read, in the same order as their files. */
	{
		struct titles t = { STRVEC_INIT, 0 };
		int same = 1;

		ok(store_walk_records(s, take_title, &t) == EV_OK,
		   "walk records");
		is_int(t.v.n, 3, "each work read once");
		for (size_t i = 0; i < t.v.n && i < files.n; i++) {
			record_init(&got);
			same &= store_read_file(s, files.v[i], &got, NULL) ==
					EV_OK &&
				got.title && !strcmp(got.title, t.v.v[i]);
			record_release(&got);
		}
		ok(same, "in the files' order");
		strvec_release(&t.v);
		t.limit = 2;
		ok(store_walk_records(s, take_title, &t) == EV_INTERRUPTED &&
			   t.v.n == 2,
		   "FN's status stops the walk");
		strvec_release(&t.v);
	}

	/* A damaged record file is reported, not trusted. */
	{
		FILE *f = fopen(files.v[0], "w");

		fputs("{ \"id\": ", f);
		fclose(f);
	}
	record_init(&got);
	ok(store_read_file(s, files.v[0], &got, NULL) == EV_CORRUPT,
	   "truncated record file is corrupt");
	ok(strstr(store_errmsg(s), "damaged") != NULL, "and says so: %s",
	   store_errmsg(s));
	record_release(&got);
	{
		struct titles t = { STRVEC_INIT, 0 };

		ok(store_walk_records(s, take_title, &t) == EV_CORRUPT &&
			   t.v.n == 0,
		   "a damaged record stops a walk of records");
		ok(strstr(store_errmsg(s), files.v[0]) != NULL,
		   "naming its file: %s", store_errmsg(s));
		strvec_release(&t.v);
	}
	store_close(s);

	/* A writer killed mid-write leaves its temporary file in tmp/;
	 * the next writer removes it, and no final name is touched. */
	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/tmp/x.json.tmp-123456", dir);
		f = fopen(path, "w");
		fputs("partial", f);
		fclose(f);
		ok(store_open(dir, 1, &s, &msg) == EV_OK, "reopen");
		ok(!fs_exists(path), "leftover temporary file removed");
		store_close(s);
	}

	strvec_release(&files);
	test_notices();
	test_batches();
	test_shared_keys();
	test_own_store();
	rm_rf(dir);
	return tap_done();
}
