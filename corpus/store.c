/* store.c - the record store: one atomic JSON file per work */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "namecache.h"
#include "store.h"
#include "text.h"

/* A record file larger than this is damaged, not big. */
#define MAX_RECORD_FILE (64u * 1024 * 1024)

/* A batch is full at this many record files or bytes held. */
#define BATCH_RECORDS 256
#define BATCH_BYTES (16u * 1024 * 1024)

/* A file written since the last commit, held in memory until then. */
struct pending {
	char *path; /* its final name */
	char *data; /* NULL once a later write of PATH superseded it */
	size_t len;
	int is_key; /* under keys/: renamed before the records */
	char *tmp;  /* its name in tmp/ while being committed */
};

struct store {
	char *dir;
	char *records_dir;
	char *keys_dir;
	char *tmp_dir;
	int writable;
	/* What this writer knows is in records/ and keys/ (namecache.h);
	 * NULL when reading. */
	struct namecache *records_names, *keys_names;
	struct buf msg;
	struct strvec changed; /* other works store_put() updated */
	int batching;	       /* store_begin() was called */
	struct pending *pend;  /* in the order written */
	size_t n_pend, alloc_pend;
	size_t *slots; /* 1 + index in PEND, by hash of path; 0: free */
	size_t n_slots;
	size_t pend_bytes, pend_records; /* live ones */
	unsigned long n_temps;		 /* files made in tmp/ */
};

const char *store_errmsg(const struct store *s)
{
	return buf_str(&s->msg);
}

const char *store_dir(const struct store *s)
{
	return s->dir;
}

/* Forget the files held since the last commit. */
static void discard_pending(struct store *s)
{
	for (size_t i = 0; i < s->n_pend; i++) {
		free(s->pend[i].path);
		free(s->pend[i].data);
		free(s->pend[i].tmp);
	}
	free(s->pend);
	free(s->slots);
	s->pend = NULL;
	s->slots = NULL;
	s->n_pend = s->alloc_pend = s->n_slots = 0;
	s->pend_bytes = s->pend_records = 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	discard_pending(s);
	free(s->dir);
	free(s->records_dir);
	free(s->keys_dir);
	free(s->tmp_dir);
	namecache_free(s->records_names);
	namecache_free(s->keys_names);
	buf_release(&s->msg);
	strvec_release(&s->changed);
	free(s);
}

/*
 * Empty tmp/.  A writer killed between a file's two renames (into tmp/,
 * then into place) leaves it there whole, under its final name, where
 * fs_remove_temps() does not look; nothing in tmp/ is ever read, and the
 * caller holds the collection lock, so all of it can go.
 */
static void clean_tmp(const char *tmp_dir)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char *p;

		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		p = fs_join(tmp_dir, e->d_name);
		if (p)
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
}

ev_status store_open(const char *dir, int writable, struct store **out,
		     char **msgp)
{
	struct store *s = calloc(1, sizeof(*s));
	ev_status rc = EV_OK;

	*out = NULL;
	if (msgp)
		*msgp = NULL;
	if (!s)
		return EV_NOMEM;
	s->writable = writable;
	strvec_init(&s->changed);
	s->dir = strdup(dir);
	s->records_dir = fs_join(dir, "records");
	s->keys_dir = fs_join(dir, "keys");
	s->tmp_dir = fs_join(dir, "tmp");
	if (!s->dir || !s->records_dir || !s->keys_dir || !s->tmp_dir) {
		rc = EV_NOMEM;
		goto out;
	}
	if (writable) {
		if ((rc = fs_mkdirs(s->records_dir, 0755)) ||
		    (rc = fs_mkdirs(s->keys_dir, 0755)) ||
		    (rc = fs_mkdirs(s->tmp_dir, 0755))) {
			if (msgp && asprintf(msgp, "cannot create %s: %s", dir,
					     strerror(errno)) < 0)
				*msgp = NULL;
			goto out;
		}
		clean_tmp(s->tmp_dir);
		/* Without them (out of memory) every look-up asks the
		 * file system, as a reader's do. */
		s->records_names = namecache_new(s->records_dir);
		s->keys_names = namecache_new(s->keys_dir);
	} else if (!fs_is_dir(dir)) {
		rc = EV_NOT_FOUND;
		if (msgp && asprintf(msgp, "no store at %s", dir) < 0)
			*msgp = NULL;
		goto out;
	}
	*out = s;
	return EV_OK;
out:
	store_close(s);
	return rc;
}

/* "records/XY/<32 hex>.json" or "keys/XY/<32 hex>" for NAME. */
static char *hashed_path(const char *base, const char *name, const char *ext)
{
	char hex[65];
	char *p;

	text_sha256_hex(name, strlen(name), hex);
	hex[32] = '\0';
	if (asprintf(&p, "%s/%.2s/%s%s", base, hex, hex, ext) < 0)
		return NULL;
	return p;
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */

/* The slot for PATH: where it is, or the free one where it would go. */
static size_t *slot_of(struct store *s, const char *path)
{
	size_t mask = s->n_slots - 1;
	size_t i = text_hash(path, strlen(path)) & mask;

	while (s->slots[i] && strcmp(s->pend[s->slots[i] - 1].path, path))
		i = (i + 1) & mask;
	return &s->slots[i];
}

/* The file held for PATH, or NULL. */
static const struct pending *find_pending(struct store *s, const char *path)
{
	size_t *slot;

	if (!s->n_pend)
		return NULL;
	slot = slot_of(s, path);
	return *slot ? &s->pend[*slot - 1] : NULL;
}

/* Room in S for one more file and its slot. */
static ev_status grow_pending(struct store *s)
{
	if (s->n_pend == s->alloc_pend) {
		size_t alloc = s->alloc_pend ? s->alloc_pend * 2 : 64;
		struct pending *v = realloc(s->pend, alloc * sizeof(*v));

		if (!v)
			return EV_NOMEM;
		s->pend = v;
		s->alloc_pend = alloc;
	}
	if ((s->n_pend + 1) * 2 > s->n_slots) {
		size_t n = s->n_slots ? s->n_slots * 2 : 128;
		size_t *slots = calloc(n, sizeof(*slots));

		if (!slots)
			return EV_NOMEM;
		free(s->slots);
		s->slots = slots;
		s->n_slots = n;
		/* Only the latest write of a path has a slot. */
		for (size_t i = 0; i < s->n_pend; i++)
			if (s->pend[i].data)
				*slot_of(s, s->pend[i].path) = i + 1;
	}
	return EV_OK;
}

/*
 * Hold LEN bytes of DATA for PATH until the next commit.  A path written
 * twice keeps only its second content, placed after every file held
 * before it: the commit renames files in the order written, and a work
 * that a later write names (a notice updating a work held earlier) must
 * not come before it.
 */
static ev_status write_file(struct store *s, const char *path,
			    const char *data, size_t len)
{
	struct pending *p;
	size_t *slot;
	ev_status rc;

	if (!s->writable) {
		buf_setf(&s->msg, "store opened read-only");
		return EV_READONLY;
	}
	rc = grow_pending(s);
	if (rc)
		return rc;
	p = &s->pend[s->n_pend];
	memset(p, 0, sizeof(*p));
	p->path = strdup(path);
	p->data = malloc(len + 1);
	if (!p->path || !p->data) {
		free(p->path);
		free(p->data);
		return EV_NOMEM;
	}
	memcpy(p->data, data, len);
	p->data[len] = '\0';
	p->len = len;
	/* Before the file exists, as the caches ask. */
	namecache_add(s->records_names, path);
	namecache_add(s->keys_names, path);
	p->is_key = !!str_starts_with(path, s->keys_dir);
	slot = slot_of(s, path);
	if (*slot) {
		struct pending *old = &s->pend[*slot - 1];

		s->pend_bytes -= old->len;
		s->pend_records -= !old->is_key;
		free(old->data);
		old->data = NULL;
	}
	*slot = ++s->n_pend;
	s->pend_bytes += len;
	s->pend_records += !p->is_key;
	return EV_OK;
}

/* 1 when PATH, a record or key file not held, is known not to be on
 * disk (without a system call, as a rule). */
static int surely_absent(struct store *s, const char *path)
{
	return namecache_absent(s->records_names, path) ||
	       namecache_absent(s->keys_names, path);
}

/* Read PATH, or what is held for it, into OUT as fs_read_file() does. */
static ev_status read_path(struct store *s, const char *path, size_t max,
			   struct buf *out)
{
	const struct pending *p = find_pending(s, path);

	if (!p && surely_absent(s, path)) {
		errno = ENOENT;
		return EV_NOT_FOUND;
	}
	if (!p)
		return fs_read_file(path, max, out);
	if (p->len > max) {
		errno = EFBIG;
		return EV_TOO_BIG;
	}
	return buf_add(out, p->data, p->len);
}

void store_begin(struct store *s)
{
	s->batching = 1;
}

int store_batch_full(const struct store *s)
{
	return s->pend_records >= BATCH_RECORDS ||
	       s->pend_bytes >= BATCH_BYTES;
}

/*
 * Name P's file in tmp/: P's name with a number.  tmp/ is this writer's
 * alone (emptied at store_open(), under the collection lock), so a count
 * is enough; O_EXCL and link() make sure.  -1 when out of memory.
 */
static int name_temp(struct store *s, struct pending *p)
{
	const char *base = strrchr(p->path, '/');

	free(p->tmp);
	if (asprintf(&p->tmp, "%s/%s.%lu", s->tmp_dir,
		     base ? base + 1 : p->path, ++s->n_temps) < 0) {
		p->tmp = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Create P's file in tmp/, with a plain create's mode (0644 less the
 * umask), with no fchmod(); its descriptor, or -1 and errno. */
static int create_temp(struct store *s, struct pending *p)
{
	int fd;

	do {
		if (name_temp(s, p) < 0)
			return -1;
		fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0644);
	} while (fd < 0 && errno == EEXIST);
	if (fd < 0) {
		int err = errno;

		free(p->tmp);
		p->tmp = NULL;
		errno = err;
	}
	return fd;
}

/*
 * Give P, a key file, the file of SAME (the key written before it in
 * tmp/) under a name of its own in tmp/, when both hold the same id: one
 * work's keys (its URL, its title...) are then one inode and one block
 * between them rather than one each (a web page stored three files, two
 * of them keys; bench/RESULTS.md, change 60).  Nothing ever writes into
 * a key file in place (a new content is a new file renamed over the
 * name), so names sharing a file never see each other's changes.  0, or
 * -1 when the file system has no hard links or refuses one more, and P
 * gets a file of its own.
 */
static int link_temp(struct store *s, struct pending *p,
		     const struct pending *same)
{
	if (!same || !same->tmp || p->len != same->len ||
	    memcmp(p->data, same->data, p->len))
		return -1;
	for (;;) {
		if (name_temp(s, p) < 0)
			return -1;
		if (link(same->tmp, p->tmp) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(p->tmp);
	p->tmp = NULL;
	return -1;
}

/* Write the held files to tmp/. */
static ev_status write_temps(struct store *s)
{
	const struct pending *last_key = NULL;
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < s->n_pend; i++) {
		struct pending *p = &s->pend[i];
		int fd, err = 0;

		if (!p->data)
			continue;
		if (p->is_key) {
			if (link_temp(s, p, last_key) == 0)
				continue;
			last_key = p;
		}
		fd = create_temp(s, p);
		if (fd < 0) {
			err = errno;
		} else {
			if (fs_write_all(fd, p->data, p->len))
				err = errno;
			if (close(fd) < 0 && !err)
				err = errno;
		}
		if (err) {
			rc = status_from_errno(err);
			buf_setf(&s->msg, "cannot write %s: %s", p->path,
				 strerror(err));
		}
	}
	return rc;
}

/* Make all that was written so far durable. */
static ev_status sync_all(struct store *s)
{
	ev_status rc = fs_sync_fs(s->tmp_dir);

	if (rc)
		buf_setf(&s->msg, "cannot sync %s: %s", s->dir,
			 strerror(errno));
	return rc;
}

/* 1 when a cache knows that the folder PATH goes in exists. */
static int has_folder(struct store *s, const char *path)
{
	return namecache_has_folder(s->records_names, path) ||
	       namecache_has_folder(s->keys_names, path);
}

/* Make the directory of PATH unless the caches know it is there. */
static ev_status make_dir(struct store *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	ev_status rc = EV_OK;

	if (has_folder(s, path))
		return EV_OK;
	dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
	if (!dir)
		return EV_NOMEM;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		rc = fs_mkdirs(dir, 0755);
	if (rc) {
		buf_setf(&s->msg, "cannot create %s: %s", dir, strerror(errno));
	} else {
		namecache_made(s->records_names, path);
		namecache_made(s->keys_names, path);
	}
	free(dir);
	return rc;
}

/* Rename the written key files (KEYS) or record files into place, then
 * make the new names durable. */
static ev_status rename_all(struct store *s, int keys)
{
	ev_status rc = EV_OK;
	int renamed = 0;

	for (size_t i = 0; !rc && i < s->n_pend; i++) {
		struct pending *p = &s->pend[i];

		if (!p->tmp || p->is_key != keys)
			continue;
		rc = make_dir(s, p->path);
		if (!rc && rename(p->tmp, p->path) < 0) {
			int err = errno;

			rc = status_from_errno(err);
			buf_setf(&s->msg, "cannot rename into %s: %s", p->path,
				 strerror(err));
		}
		if (!rc) {
			free(p->tmp);
			p->tmp = NULL;
			renamed = 1;
		}
	}
	if (!rc && renamed)
		rc = sync_all(s);
	return rc;
}

/*
 * The commit.  Nothing is renamed to its final name before all of the
 * batch is durable in tmp/; then the keys are renamed into place and
 * made durable, and only then the records, so that a crash anywhere
 * leaves at worst keys to records not there yet, which lookups ignore
 * and the next run writes again (see store.h).  One syncfs() per step
 * rather than an fsync() per file and directory: on ext4 each of those
 * is a journal commit and a cache flush of its own (about 1 ms), and a
 * batch has a thousand of them.
 */
ev_status store_commit(struct store *s)
{
	ev_status rc;

	if (!s->n_pend)
		return EV_OK;
	rc = write_temps(s);
	if (!rc)
		rc = sync_all(s);
	if (!rc)
		rc = rename_all(s, 1);
	if (!rc)
		rc = rename_all(s, 0);
	/* What a failure left in tmp/ goes now (else the next writer's
	 * store_open() removes it). */
	for (size_t i = 0; i < s->n_pend; i++)
		if (s->pend[i].tmp)
			unlink(s->pend[i].tmp);
	if (rc) {
		namecache_forget(s->records_names);
		namecache_forget(s->keys_names);
	}
	discard_pending(s);
	return rc;
}

/* Commit unless a batch is open (store_begin()). */
static ev_status commit_unless_batch(struct store *s, ev_status rc)
{
	if (s->batching)
		return rc;
	if (rc) {
		discard_pending(s);
		return rc;
	}
	return store_commit(s);
}

ev_status store_stamp(const char *path, char stamp[STORE_STAMP_MAX])
{
	const char *name = strrchr(path, '/');
	char tag[FS_STAT_TAG_MAX];
	struct stat st;

	if (stat(path, &st) < 0)
		return status_from_errno(errno);
	/* The store never writes in place, so the change time adds
	 * nothing. */
	fs_stat_tag(&st, 0, tag);
	snprintf(stamp, STORE_STAMP_MAX, "%.40s %s", name ? name + 1 : path,
		 tag);
	return EV_OK;
}

/* The stamp of record file PATH in STAMP: "" while the open batch holds
 * it, which has none yet. */
static ev_status stamp_path(struct store *s, const char *path,
			    char stamp[STORE_STAMP_MAX])
{
	stamp[0] = '\0';
	return find_pending(s, path) ? EV_OK : store_stamp(path, stamp);
}

ev_status store_stamp_of(struct store *s, const char *id,
			 char stamp[STORE_STAMP_MAX])
{
	char *path = hashed_path(s->records_dir, id, ".json");
	ev_status rc;

	stamp[0] = '\0';
	if (!path)
		return EV_NOMEM;
	rc = stamp_path(s, path, stamp);
	if (rc == EV_NOT_FOUND)
		buf_setf(&s->msg, "no work with id '%s'", id);
	else if (rc)
		buf_setf(&s->msg, "cannot read %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

ev_status store_read_file(struct store *s, const char *path,
			  struct record *rec, char *stamp)
{
	struct buf b = BUF_INIT;
	char err[256];
	ev_status rc = EV_OK;

	if (stamp)
		rc = stamp_path(s, path, stamp);
	if (!rc)
		rc = read_path(s, path, MAX_RECORD_FILE, &b);
	if (rc) {
		if (rc != EV_NOT_FOUND)
			buf_setf(&s->msg, "cannot read %s: %s", path,
				 rc == EV_TOO_BIG ? "too large"
						  : strerror(errno));
		buf_release(&b);
		return rc == EV_TOO_BIG ? EV_CORRUPT : rc;
	}
	rc = record_from_json(buf_str(&b), b.len, rec, err, sizeof(err));
	if (rc == EV_PARSE) {
		buf_setf(&s->msg, "damaged record file %s: %s", path, err);
		rc = EV_CORRUPT;
	} else if (!rc && !rec->id) {
		buf_setf(&s->msg, "damaged record file %s: no id", path);
		rc = EV_CORRUPT;
	}
	buf_release(&b);
	return rc;
}

ev_status store_get(struct store *s, const char *id, struct record *rec,
		    char *stamp)
{
	char *path = hashed_path(s->records_dir, id, ".json");
	ev_status rc;

	if (!path)
		return EV_NOMEM;
	rc = store_read_file(s, path, rec, stamp);
	if (!rc && strcmp(rec->id, id) != 0) {
		/* Two ids with one hash prefix: 128 bits make it a
		 * corruption sooner than a collision. */
		buf_setf(&s->msg, "record file %s holds '%s', not '%s'", path,
			 rec->id, id);
		record_release(rec);
		rc = EV_CORRUPT;
	}
	if (rc == EV_NOT_FOUND)
		buf_setf(&s->msg, "no work with id '%s'", id);
	free(path);
	return rc;
}

/* The id a key file points to, or EV_NOT_FOUND. */
static ev_status read_key(struct store *s, const char *key, char **idp)
{
	char *path = hashed_path(s->keys_dir, key, "");
	struct buf b = BUF_INIT;
	ev_status rc;

	*idp = NULL;
	if (!path)
		return EV_NOMEM;
	rc = read_path(s, path, 4096, &b);
	free(path);
	if (rc) {
		buf_release(&b);
		return rc == EV_NOT_FOUND ? rc : EV_CORRUPT;
	}
	*idp = strdup(str_trim(b.ptr ? b.ptr : (char *)""));
	buf_release(&b);
	if (!*idp)
		return EV_NOMEM;
	if (!**idp) {
		free(*idp);
		*idp = NULL;
		return EV_NOT_FOUND;
	}
	return EV_OK;
}

static int record_exists(struct store *s, const char *id)
{
	char *path = hashed_path(s->records_dir, id, ".json");
	int exists = path && (find_pending(s, path) ||
			      (!surely_absent(s, path) && fs_exists(path)));

	free(path);
	return exists;
}

/* Find the stored work that KEY (an id or an identity key) names. */
static ev_status lookup(struct store *s, const char *key, char **idp)
{
	ev_status rc;

	*idp = NULL;
	if (record_exists(s, key)) {
		*idp = strdup(key);
		return *idp ? EV_OK : EV_NOMEM;
	}
	rc = read_key(s, key, idp);
	if (rc == EV_OK && !record_exists(s, *idp)) {
		/* A key written before a crash that lost its record. */
		free(*idp);
		*idp = NULL;
		rc = EV_NOT_FOUND;
	}
	return rc;
}

/* KEY as record_keys() writes it: a "doi:" key with its DOI normalised,
 * anything else as it is.  Into B (empty). */
static ev_status canonical_key(const char *key, struct buf *b)
{
	char *doi;
	ev_status rc;

	if (!str_istarts_with(key, "doi:"))
		return buf_addstr(b, key);
	doi = strdup(key + 4);
	if (!doi)
		return EV_NOMEM;
	doi_normalise(doi);
	rc = buf_printf(b, "doi:%s", doi);
	free(doi);
	return rc;
}

ev_status store_resolve(struct store *s, const char *key, char **idp)
{
	struct buf b = BUF_INIT;
	const char *k = key;
	ev_status rc;

	/* Accept what users type: a bare DOI, a doi.org URL, a PMID. */
	if (strncmp(key, "10.", 3) == 0 || strstr(key, "doi.org/")) {
		char *doi = strdup(key);

		if (!doi)
			return EV_NOMEM;
		if (doi_normalise(doi))
			buf_printf(&b, "doi:%s", doi);
		free(doi);
		k = buf_str(&b);
	} else if (key[0] && strspn(key, "0123456789") == strlen(key)) {
		buf_printf(&b, "pmid:%s", key);
		k = buf_str(&b);
	} else if (str_istarts_with(key, "doi:")) {
		if (canonical_key(key, &b))
			return EV_NOMEM;
		k = buf_str(&b);
	}
	rc = lookup(s, k, idp);
	if (rc == EV_NOT_FOUND)
		buf_setf(&s->msg, "no work with id or key '%s'", key);
	buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Merging                                                             */

/*
 * How far each format is trusted for bibliographic fields, when two
 * sources disagree: curated indexes over publisher metadata over page
 * scraping over bare text.  Documented in doc/evidence-store.5.
 */
static int format_rank(const char *format)
{
	static const struct {
		const char *name;
		int rank;
	} ranks[] = {
	    {"pubmed", 90},   {"jats", 80},    {"crossref", 75},
	    {"csl-json", 70}, {"medline", 65}, {"europepmc", 60},
	    {"ris", 55},      {"bibtex", 55},  {"openalex", 50},
	    {"html", 40},     {"feed", 30},    {"text", 10},
	};

	if (!format)
		return 0;
	for (size_t i = 0; i < sizeof(ranks) / sizeof(*ranks); i++)
		if (strcmp(format, ranks[i].name) == 0)
			return ranks[i].rank;
	return 20;
}

static int record_rank(const struct record *rec)
{
	int best = 0;

	for (size_t i = 0; i < rec->n_provenance; i++) {
		int r = format_rank(rec->provenance[i].format);

		if (r > best)
			best = r;
	}
	return best;
}

/* 1 when IN comes from a place OLD already came from: a refresh. */
static int same_origin(const struct record *old, const struct record *in)
{
	for (size_t i = 0; i < in->n_provenance; i++)
		for (size_t j = 0; j < old->n_provenance; j++)
			if (in->provenance[i].url && old->provenance[j].url &&
			    !strcmp(in->provenance[i].url,
				    old->provenance[j].url))
				return 1;
	return 0;
}

static size_t passages_length(const struct record *rec)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->n_passages; i++)
		n += strlen(rec->passages[i].text);
	return n;
}

/* Move *FROM into *TO when TAKE (or *TO is empty) and *FROM is set. */
static void take(char **to, char **from, int prefer_from)
{
	if (*from && (prefer_from || !*to)) {
		free(*to);
		*to = *from;
		*from = NULL;
	}
}

static void swap_authors(struct record *a, struct record *b)
{
	struct author *v = a->authors;
	size_t n = a->n_authors;

	a->authors = b->authors;
	a->n_authors = b->n_authors;
	b->authors = v;
	b->n_authors = n;
}

static void swap_passages(struct record *a, struct record *b)
{
	struct passage *v = a->passages;
	size_t n = a->n_passages;

	a->passages = b->passages;
	a->n_passages = b->n_passages;
	b->passages = v;
	b->n_passages = n;
}

static void swap_strvec(struct strvec *a, struct strvec *b)
{
	struct strvec t = *a;

	*a = *b;
	*b = t;
}

static ev_status union_strvec(struct strvec *to, const struct strvec *from)
{
	for (size_t i = 0; i < from->n; i++) {
		ev_status rc = strvec_push_unique(to, from->v[i]);

		if (rc)
			return rc;
	}
	return EV_OK;
}

/* Add or refresh IN's provenance entries in OLD, matched by URL. */
static ev_status merge_provenance(struct record *old, const struct record *in)
{
	for (size_t i = 0; i < in->n_provenance; i++) {
		const struct provenance *p = &in->provenance[i];
		size_t j;

		for (j = 0; j < old->n_provenance; j++) {
			struct provenance *q = &old->provenance[j];

			if (p->url && q->url && !strcmp(p->url, q->url) &&
			    (!p->source || !q->source ||
			     !strcmp(p->source, q->source)))
				break;
		}
		if (j < old->n_provenance) {
			struct provenance *q = &old->provenance[j];

			/* A refetch of identical content keeps its old
			 * entry, so the stored file does not change. */
			if (p->content_hash && q->content_hash &&
			    !strcmp(p->content_hash, q->content_hash))
				continue;
			if (record_set(&q->source, p->source) ||
			    record_set(&q->format, p->format) ||
			    record_set(&q->fetched_at, p->fetched_at) ||
			    record_set(&q->content_hash, p->content_hash) ||
			    record_set(&q->etag, p->etag) ||
			    record_set(&q->last_modified, p->last_modified))
				return EV_NOMEM;
		} else if (record_add_provenance(old, p)) {
			return EV_NOMEM;
		}
	}
	return EV_OK;
}

/*
 * Merge IN into OLD.  A refresh from the same place replaces what it
 * has; a different source fills gaps, and overrides only when its format
 * ranks higher.  The id, added_at, citation key and cited_by of OLD
 * always stay.  IN is left with what was not taken.
 */
static ev_status merge(struct record *old, struct record *in)
{
	int refresh = same_origin(old, in);
	int prefer =
	    refresh || format_rank(in->n_provenance ? in->provenance[0].format
						    : NULL) > record_rank(old);
	ev_status rc;

	take(&old->type, &in->type, prefer);
	take(&old->title, &in->title, prefer);
	take(&old->container_title, &in->container_title, prefer);
	if (in->issued.year && (prefer || !old->issued.year))
		old->issued = in->issued;
	take(&old->doi, &in->doi, prefer && !old->doi);
	take(&old->pmid, &in->pmid, prefer && !old->pmid);
	take(&old->pmcid, &in->pmcid, prefer && !old->pmcid);
	take(&old->url, &in->url, prefer);
	take(&old->abstract, &in->abstract, prefer);
	take(&old->publisher, &in->publisher, prefer);
	take(&old->volume, &in->volume, prefer);
	take(&old->issue, &in->issue, prefer);
	take(&old->page, &in->page, prefer);
	take(&old->language, &in->language, prefer);
	take(&old->evidence_type, &in->evidence_type, prefer);
	take(&old->citation_key, &in->citation_key, 0);
	if (in->n_authors && (prefer || !old->n_authors))
		swap_authors(old, in);
	/* Text: a refresh replaces it; otherwise the fuller text wins (full
	 * text from a page over an abstract from an index). */
	if (in->n_passages &&
	    (refresh || passages_length(in) > passages_length(old)))
		swap_passages(old, in);
	if (refresh) {
		if (in->keywords.n)
			swap_strvec(&old->keywords, &in->keywords);
		if (in->publication_types.n)
			swap_strvec(&old->publication_types,
				    &in->publication_types);
	} else {
		if ((rc = union_strvec(&old->keywords, &in->keywords)) ||
		    (rc = union_strvec(&old->publication_types,
				       &in->publication_types)))
			return rc;
	}
	if ((rc = union_strvec(&old->cites, &in->cites)) ||
	    (rc = union_strvec(&old->cited_by, &in->cited_by)))
		return rc;
	for (size_t i = 0; i < in->n_relations; i++) {
		size_t j;

		for (j = 0; j < old->n_relations; j++)
			if (!strcmp(old->relations[j].type,
				    in->relations[i].type) &&
			    !strcmp(old->relations[j].target,
				    in->relations[i].target))
				break;
		if (j == old->n_relations &&
		    (rc = record_add_relation(old, in->relations[i].type,
					      in->relations[i].target)))
			return rc;
	}
	return merge_provenance(old, in);
}

/* Point every key of REC (but its id) at REC's id, unless the key
 * already belongs to another stored work.  UNOWNED: find_existing()
 * has just found none of them (a new work), so none is looked up. */
static ev_status write_keys(struct store *s, const struct record *rec,
			    int unowned)
{
	struct strvec keys = STRVEC_INIT;
	ev_status rc = record_keys(rec, &keys);

	for (size_t i = 0; !rc && i < keys.n; i++) {
		char *owner = NULL;
		char *path;
		struct buf line = BUF_INIT;

		if (!strcmp(keys.v[i], rec->id))
			continue;
		rc = unowned ? EV_NOT_FOUND : lookup(s, keys.v[i], &owner);
		if (rc == EV_OK) {
			free(owner);
			continue; /* first come, first served */
		}
		if (rc != EV_NOT_FOUND)
			break;
		path = hashed_path(s->keys_dir, keys.v[i], "");
		rc = path ? buf_printf(&line, "%s\n", rec->id) : EV_NOMEM;
		if (!rc)
			rc = write_file(s, path, line.ptr, line.len);
		free(path);
		buf_release(&line);
	}
	strvec_release(&keys);
	return rc;
}

/* Write REC's file and its keys (UNOWNED as write_keys() takes it). */
static ev_status write_record(struct store *s, struct record *rec, int unowned)
{
	char *json = NULL, *path = NULL;
	ev_status rc;

	rc = record_to_json(rec, &json);
	if (rc)
		goto out;
	path = hashed_path(s->records_dir, rec->id, ".json");
	if (!path) {
		rc = EV_NOMEM;
		goto out;
	}
	/* Keys first: a crash after them leaves keys to nothing, which
	 * lookups ignore; a crash after the record alone would leave a
	 * work that its DOI cannot find. */
	rc = write_keys(s, rec, unowned);
	if (!rc)
		rc = write_file(s, path, json, strlen(json));
out:
	free(json);
	free(path);
	return rc;
}

/* Find the stored work that REC is, by its id and then by its keys. */
static ev_status find_existing(struct store *s, const struct record *rec,
			       char **idp)
{
	struct strvec keys = STRVEC_INIT;
	ev_status rc = EV_NOT_FOUND;

	*idp = NULL;
	if (rec->id)
		rc = lookup(s, rec->id, idp);
	if (rc != EV_NOT_FOUND)
		return rc;
	rc = record_keys(rec, &keys);
	if (rc)
		goto out;
	rc = EV_NOT_FOUND;
	for (size_t i = 0; rc == EV_NOT_FOUND && i < keys.n; i++)
		if (!rec->id || strcmp(keys.v[i], rec->id))
			rc = lookup(s, keys.v[i], idp);
out:
	strvec_release(&keys);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Notices                                                             */

/*
 * The relations by which a notice (a retraction, an erratum, an
 * expression of concern) names the work it concerns, as the parsers
 * write them: PubMed's RefType split at capitals, MEDLINE's ROF, EFR,
 * ECF... and Crossref's update-to all come out as these names.  Each
 * gives the relation the work gets back, aimed at the notice's id, and
 * the publication type that flags the work, if any.  Documented in
 * doc/evidence-collection.5.
 */
static const struct notice_kind {
	const char *of;
	const char *in;
	const char *work_type;
} notice_kinds[] = {
    {"retraction-of", "retraction-in", "Retracted Publication"},
    {"partial-retraction-of", "partial-retraction-in", NULL},
    {"erratum-for", "erratum-in", NULL},
    {"corrected-and-republished-from", "corrected-and-republished-in",
     NULL},
    /* PubMed's CorrectedandRepublishedFrom, split at its capitals. */
    {"correctedand-republished-from", "corrected-and-republished-in",
     NULL},
    {"expression-of-concern-for", "expression-of-concern-in", NULL},
};

static const struct notice_kind *notice_kind(const char *relation)
{
	for (size_t i = 0; i < sizeof(notice_kinds) / sizeof(*notice_kinds);
	     i++)
		if (!strcmp(relation, notice_kinds[i].of))
			return &notice_kinds[i];
	return NULL;
}

/* The key file that lists the notices concerning KEY. */
static char *notice_path(struct store *s, const char *key)
{
	struct buf name = BUF_INIT;
	char *path = NULL;

	if (!buf_printf(&name, "notice:%s", key))
		path = hashed_path(s->keys_dir, buf_str(&name), "");
	buf_release(&name);
	return path;
}

/* Append to IDS the ids of the notices waiting for KEY (none when there
 * is no key file). */
static ev_status read_notices(struct store *s, const char *key,
			      struct strvec *ids)
{
	char *path = notice_path(s, key);
	struct buf b = BUF_INIT;
	char *line, *next;
	ev_status rc;

	if (!path)
		return EV_NOMEM;
	rc = read_path(s, path, 1024 * 1024, &b);
	if (rc == EV_NOT_FOUND) {
		rc = EV_OK;
	} else if (rc) {
		buf_setf(&s->msg, "cannot read %s: %s", path,
			 rc == EV_TOO_BIG ? "too large" : strerror(errno));
		rc = EV_CORRUPT;
	}
	for (line = b.ptr; !rc && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line = str_trim(line);
		if (*line)
			rc = strvec_push_unique(ids, line);
	}
	buf_release(&b);
	free(path);
	return rc;
}

/* Record that notice NOTICE_ID concerns KEY, unless it is known. */
static ev_status add_notice_key(struct store *s, const char *key,
				const char *notice_id)
{
	struct strvec ids = STRVEC_INIT;
	struct buf data = BUF_INIT;
	char *path = NULL;
	ev_status rc = read_notices(s, key, &ids);

	if (rc || strvec_find(&ids, notice_id) >= 0)
		goto out;
	rc = strvec_push(&ids, notice_id);
	for (size_t i = 0; !rc && i < ids.n; i++)
		rc = buf_printf(&data, "%s\n", ids.v[i]);
	if (!rc && !(path = notice_path(s, key)))
		rc = EV_NOMEM;
	if (!rc)
		rc = write_file(s, path, data.ptr, data.len);
out:
	free(path);
	buf_release(&data);
	strvec_release(&ids);
	return rc;
}

/* A key file for each work that notice REC concerns, so that the work
 * finds the notice when it is stored after it. */
static ev_status write_notice_keys(struct store *s, const struct record *rec)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < rec->n_relations; i++) {
		struct buf key = BUF_INIT;

		if (!notice_kind(rec->relations[i].type))
			continue;
		rc = canonical_key(rec->relations[i].target, &key);
		if (!rc)
			rc = add_notice_key(s, buf_str(&key), rec->id);
		buf_release(&key);
	}
	return rc;
}

/* Mark WORK with what notice NOTICE_ID of kind K says; *CHANGED becomes 1
 * when WORK changed.  A relation back that names the notice by another
 * of its keys counts as there. */
static ev_status apply_notice(struct store *s, struct record *work,
			      const char *notice_id,
			      const struct notice_kind *k, int *changed)
{
	ev_status rc = EV_OK;
	size_t j;

	for (j = 0; j < work->n_relations; j++) {
		const struct relation *r = &work->relations[j];
		struct buf key = BUF_INIT;
		char *id = NULL;
		int same;

		if (strcmp(r->type, k->in) != 0)
			continue;
		same = !strcmp(r->target, notice_id);
		if (!same && !(rc = canonical_key(r->target, &key)) &&
		    lookup(s, buf_str(&key), &id) == EV_OK)
			same = !strcmp(id, notice_id);
		free(id);
		buf_release(&key);
		if (rc)
			return rc;
		if (same)
			break;
	}
	if (j == work->n_relations) {
		rc = record_add_relation(work, k->in, notice_id);
		*changed = 1;
	}
	if (!rc && k->work_type) {
		for (j = 0; j < work->publication_types.n; j++)
			if (!strcasecmp(work->publication_types.v[j],
					k->work_type))
				break;
		if (j == work->publication_types.n) {
			rc = strvec_push(&work->publication_types,
					 k->work_type);
			*changed = 1;
		}
	}
	return rc;
}

/* 1 when relation type TYPE is one a notice gives back to its work. */
static int notice_inverse(const char *type)
{
	for (size_t i = 0; i < sizeof(notice_kinds) / sizeof(*notice_kinds);
	     i++)
		if (!strcmp(type, notice_kinds[i].in))
			return 1;
	return 0;
}

/*
 * Drop from REC a relation back from a notice that names, by another of
 * its keys, the same stored notice as an earlier one: the store added
 * "retraction-in" the notice's id, and the work's next record from PubMed
 * says "retraction-in" its PMID.
 */
static ev_status dedupe_notice_relations(struct store *s, struct record *rec)
{
	struct strvec seen = STRVEC_INIT;
	ev_status rc = EV_OK;
	size_t kept = 0;

	for (size_t i = 0; i < rec->n_relations; i++) {
		struct relation *r = &rec->relations[i];
		struct buf key = BUF_INIT;
		char *id = NULL;
		int dup = 0;

		if (!rc && notice_inverse(r->type) &&
		    !(rc = canonical_key(r->target, &key))) {
			if (lookup(s, buf_str(&key), &id) != EV_OK)
				id = NULL;
			buf_reset(&key);
			rc = buf_printf(&key, "%s %s", r->type,
					id ? id : r->target);
			if (!rc) {
				dup = strvec_find(&seen, buf_str(&key)) >= 0;
				rc = strvec_push(&seen, buf_str(&key));
			}
		}
		free(id);
		buf_release(&key);
		if (dup) {
			free(r->type);
			free(r->target);
		} else {
			rec->relations[kept++] = *r;
		}
	}
	rec->n_relations = kept;
	strvec_release(&seen);
	return rc;
}

/* Apply to REC (about to be written) the stored notices that wait for
 * one of its keys. */
static ev_status take_notices(struct store *s, struct record *rec)
{
	struct strvec keys = STRVEC_INIT, ids = STRVEC_INIT;
	ev_status rc = record_keys(rec, &keys);
	int changed = 0;

	if (!rc)
		rc = strvec_push_unique(&keys, rec->id);
	for (size_t i = 0; !rc && i < keys.n; i++)
		rc = read_notices(s, keys.v[i], &ids);
	for (size_t i = 0; !rc && i < ids.n; i++) {
		struct record notice;

		if (!strcmp(ids.v[i], rec->id))
			continue;
		record_init(&notice);
		rc = store_get(s, ids.v[i], &notice, NULL);
		if (rc == EV_NOT_FOUND)
			rc = EV_OK; /* its key, written before a crash */
		for (size_t j = 0; !rc && j < notice.n_relations; j++) {
			const struct notice_kind *k =
			    notice_kind(notice.relations[j].type);
			struct buf key = BUF_INIT;

			if (k)
				rc = canonical_key(notice.relations[j].target,
						   &key);
			if (k && !rc && strvec_find(&keys, buf_str(&key)) >= 0)
				rc = apply_notice(s, rec, notice.id, k,
						  &changed);
			buf_release(&key);
		}
		record_release(&notice);
	}
	strvec_release(&ids);
	strvec_release(&keys);
	return rc;
}

/* Mark the stored works that notice REC (stored) concerns, and remember
 * their ids for store_take_changed(). */
static ev_status update_targets(struct store *s, const struct record *rec,
				const char *now)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < rec->n_relations; i++) {
		const struct notice_kind *k =
		    notice_kind(rec->relations[i].type);
		struct buf key = BUF_INIT;
		struct record work;
		char *id = NULL;
		int changed = 0;

		if (!k)
			continue;
		record_init(&work);
		rc = canonical_key(rec->relations[i].target, &key);
		if (!rc)
			rc = lookup(s, buf_str(&key), &id);
		if (rc == EV_NOT_FOUND || (!rc && !strcmp(id, rec->id))) {
			rc = EV_OK; /* not here yet: its key file waits */
			goto next;
		}
		if (!rc)
			rc = store_get(s, id, &work, NULL);
		if (!rc)
			rc = apply_notice(s, &work, rec->id, k, &changed);
		if (!rc && changed) {
			rc = record_set(&work.updated_at, now);
			if (!rc)
				rc = write_record(s, &work, 0);
			if (!rc)
				rc = strvec_push_unique(&s->changed, id);
		}
	next:
		record_release(&work);
		buf_release(&key);
		free(id);
	}
	return rc;
}

ev_status store_take_changed(struct store *s, struct strvec *out)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < s->changed.n; i++)
		rc = strvec_push_unique(out, s->changed.v[i]);
	strvec_release(&s->changed);
	return rc;
}

ev_status store_put(struct store *s, struct record *rec,
		    enum store_outcome *outcome)
{
	struct record old;
	char *id = NULL;
	char before[65], after[65], now[21];
	ev_status rc;

	record_init(&old);
	text_now_iso8601(now);
	rc = find_existing(s, rec, &id);
	if (rc == EV_NOT_FOUND) {
		rc = record_assign_id(rec);
		if (!rc)
			rc = record_set(&rec->added_at, now);
		if (!rc)
			rc = record_set(&rec->updated_at, now);
		if (!rc)
			rc = take_notices(s, rec);
		if (!rc)
			rc = write_notice_keys(s, rec);
		/* Notices change no key: find_existing() saw them all. */
		if (!rc)
			rc = write_record(s, rec, 1);
		if (!rc)
			rc = update_targets(s, rec, now);
		*outcome = STORE_NEW;
		rc = commit_unless_batch(s, rc);
		goto out;
	}
	if (rc)
		goto out;
	rc = store_get(s, id, &old, NULL);
	if (rc)
		goto out;
	rc = record_content_hash(&old, before);
	if (!rc)
		rc = merge(&old, rec);
	if (!rc)
		rc = take_notices(s, &old);
	if (!rc)
		rc = dedupe_notice_relations(s, &old);
	if (!rc)
		rc = record_content_hash(&old, after);
	if (!rc)
		rc = write_notice_keys(s, &old);
	if (rc)
		goto out;
	if (!strcmp(before, after)) {
		*outcome = STORE_UNCHANGED;
	} else {
		*outcome = STORE_UPDATED;
		rc = record_set(&old.updated_at, now);
		if (!rc)
			rc = write_record(s, &old, 0);
	}
	if (!rc)
		rc = update_targets(s, &old, now);
	rc = commit_unless_batch(s, rc);
	if (rc)
		goto out;
	/* Hand the stored form back to the caller. */
	record_release(rec);
	*rec = old;
	record_init(&old);
out:
	record_release(&old);
	free(id);
	return rc;
}

ev_status store_replace(struct store *s, struct record *rec)
{
	char now[21];
	ev_status rc;

	if (!rec->id)
		return EV_USAGE;
	text_now_iso8601(now);
	rc = record_set(&rec->updated_at, now);
	if (!rc)
		rc = write_record(s, rec, 0);
	return commit_unless_batch(s, rc);
}

/* ------------------------------------------------------------------ */
/* Walking                                                             */

/* The entries of DIR (not "." or ".."), sorted, with SUFFIX when not
 * NULL. */
static ev_status list_dir(const char *dir, const char *suffix,
			  struct strvec *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	ev_status rc = EV_OK;

	if (!d)
		return errno == ENOENT ? EV_OK : status_from_errno(errno);
	while (!rc && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (suffix && !str_iends_with(e->d_name, suffix))
			continue;
		rc = strvec_push(out, e->d_name);
	}
	closedir(d);
	if (!rc)
		strvec_sort(out);
	return rc;
}

ev_status store_walk(struct store *s, store_walk_fn fn, void *ctx)
{
	struct strvec shards = STRVEC_INIT;
	ev_status rc;

	/* The walk reads the files under their final names. */
	if (s->n_pend && (rc = store_commit(s)))
		return rc;
	rc = list_dir(s->records_dir, NULL, &shards);
	if (rc)
		buf_setf(&s->msg, "cannot list %s: %s", s->records_dir,
			 strerror(errno));
	for (size_t i = 0; !rc && i < shards.n; i++) {
		struct strvec files = STRVEC_INIT;
		char *sub = fs_join(s->records_dir, shards.v[i]);

		rc = sub ? list_dir(sub, ".json", &files) : EV_NOMEM;
		if (rc && sub)
			buf_setf(&s->msg, "cannot list %s: %s", sub,
				 strerror(errno));
		for (size_t j = 0; !rc && j < files.n; j++) {
			char *path = fs_join(sub, files.v[j]);

			rc = path ? fn(path, ctx) : EV_NOMEM;
			free(path);
		}
		strvec_release(&files);
		free(sub);
	}
	strvec_release(&shards);
	return rc;
}

struct record_walk {
	struct store *s;
	store_record_fn fn;
	void *ctx;
};

static ev_status read_one(const char *path, void *ctx)
{
	struct record_walk *w = ctx;
	struct record rec;
	ev_status rc;

	record_init(&rec);
	rc = store_read_file(w->s, path, &rec, NULL);
	if (!rc)
		rc = w->fn(&rec, w->ctx);
	record_release(&rec);
	return rc;
}

ev_status store_walk_records(struct store *s, store_record_fn fn, void *ctx)
{
	struct record_walk w = { s, fn, ctx };

	return store_walk(s, read_one, &w);
}

static ev_status count_one(const char *path, void *ctx)
{
	(void)path;
	(*(unsigned long *)ctx)++;
	return EV_OK;
}

ev_status store_count(struct store *s, unsigned long *countp)
{
	*countp = 0;
	return store_walk(s, count_one, countp);
}

static ev_status stop_at_one(const char *path, void *ctx)
{
	(void)path;
	*(int *)ctx = 1;
	return EV_INTERRUPTED;
}

int store_is_empty(struct store *s)
{
	int any = 0;
	ev_status rc = store_walk(s, stop_at_one, &any);

	return !any && (rc == EV_OK || rc == EV_NOT_FOUND);
}
