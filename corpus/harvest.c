/* harvest.c - run the sources: files, pages and feeds, state and counts */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "harvest-int.h"
#include "text.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

/* Folders deeper than this are a loop or a mistake. */
#define MAX_DEPTH 32

/* --- A set of strings --- */

static int idset_has(const struct idset *set, const char *s)
{
	size_t mask = set->alloc - 1;

	if (!set->alloc)
		return 0;
	for (size_t i = text_hash(s, strlen(s)) & mask; set->slots[i];
	     i = (i + 1) & mask)
		if (!strcmp(set->slots[i], s))
			return 1;
	return 0;
}

static void idset_place(struct idset *set, char *s)
{
	size_t i = text_hash(s, strlen(s)) & (set->alloc - 1);

	while (set->slots[i])
		i = (i + 1) & (set->alloc - 1);
	set->slots[i] = s;
}

static ev_status idset_add(struct idset *set, const char *s)
{
	char *copy;

	if (idset_has(set, s))
		return EV_OK;
	if ((set->n + 1) * 2 > set->alloc) {
		size_t alloc = set->alloc ? set->alloc * 2 : 64;
		struct idset grown = {calloc(alloc, sizeof(char *)), set->n,
				      alloc};

		if (!grown.slots)
			return EV_NOMEM;
		for (size_t i = 0; i < set->alloc; i++)
			if (set->slots[i])
				idset_place(&grown, set->slots[i]);
		free(set->slots);
		*set = grown;
	}
	copy = strdup(s);
	if (!copy)
		return EV_NOMEM;
	idset_place(set, copy);
	set->n++;
	return EV_OK;
}

static void idset_release(struct idset *set)
{
	for (size_t i = 0; i < set->alloc; i++)
		free(set->slots[i]);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

/* --- Records held until a payload parsed whole --- */

void recvec_release(struct recvec *rv)
{
	for (size_t i = 0; i < rv->n; i++)
		record_release(&rv->v[i]);
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
}

static ev_status recvec_sink(struct record *rec, void *ctx)
{
	struct recvec *rv = ctx;

	if (rv->n == rv->alloc) {
		size_t alloc = rv->alloc ? rv->alloc * 2 : 16;
		struct record *grown = realloc(rv->v, alloc * sizeof(*grown));

		if (!grown)
			return EV_NOMEM;
		rv->v = grown;
		rv->alloc = alloc;
	}
	/* Moved out: the parser releases an empty record. */
	rv->v[rv->n++] = *rec;
	record_init(rec);
	return EV_OK;
}

/* --- Small helpers --- */

struct run_counts *hs_counts(struct hsource *hs)
{
	return &hs->h->res->run.sources[hs->idx].counts;
}

struct harvest_outcome *hs_outcome(struct hsource *hs)
{
	return &hs->h->res->outcomes[hs->idx];
}

static void note(struct hsource *hs, const char *msg)
{
	const struct harvest_opts *o = hs->h->opts;

	if (o->note)
		o->note(o->arg, hs->src->name, msg);
}

void hs_note(struct hsource *hs, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	note(hs, msg);
}

void hs_fail(struct hsource *hs, ev_status rc, int temporary,
	     const char *what, const char *fmt, ...)
{
	struct harvest_outcome *out = hs_outcome(hs);
	char msg[1024];
	int n;
	va_list ap;

	hs_counts(hs)->failed++;
	/* A source is a temporary failure only when all its failures were
	 * temporary: one for good decides. */
	if (!out->status)
		out->temporary = temporary;
	else if (!temporary)
		out->temporary = 0;
	if (!out->status || !temporary)
		out->status = rc;
	n = what ? snprintf(msg, sizeof(msg), "%s: ", what) : 0;
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	note(hs, msg);
}

void hs_fetch_failed(struct hsource *hs, const struct fetch_result *res)
{
	long code = res->http_code;
	int temporary = res->status == EV_NETWORK ||
			(res->status == EV_HTTP &&
			 (code == 408 || code == 429 || code >= 500));

	/* A refused private address is EV_NETWORK but no rerun cures it;
	 * fetch.c says so in its message. */
	if (res->error &&
	    strstr(res->error, "refused to connect to a private address"))
		temporary = 0;
	hs_fail(hs, res->status, temporary, NULL, "%s",
		res->error ? res->error : status_to_string(res->status));
}

ev_status url_encode(struct buf *out, const char *s)
{
	return url_percent_encode(out, s, "-._~");
}

int url_is_loopback(const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;

	if (!host)
		return 0;
	host += 3;
	if (*host == '[')
		return !strncmp(host, "[::1]", 5);
	n = strcspn(host, ":/?#");
	/* Only a literal 127.x.y.z: a name such as 127.0.0.1.example.org
	 * may resolve anywhere. */
	if (n >= 7 && !strncmp(host, "127.", 4)) {
		int dots = 0;

		for (size_t i = 0; i < n; i++) {
			if (host[i] == '.')
				dots++;
			else if (host[i] < '0' || host[i] > '9')
				return 0;
		}
		return dots == 3;
	}
	return n == 9 && !strncasecmp(host, "localhost", 9);
}

enum format hs_format(const char *name)
{
	return format_lookup(name);
}

const char *hs_since(struct hsource *hs)
{
	return hs->h->opts->since ? hs->h->opts->since
				  : source_get(hs->src, "since");
}

char *hs_base(struct hsource *hs, const char *key, const char *def)
{
	const char *base = source_get(hs->src, key);
	char *out = NULL;

	if (!base)
		return strdup(def);
	if (asprintf(&out, "%s%s", base,
		     base[0] && base[strlen(base) - 1] == '/' ? "" : "/") < 0)
		return NULL;
	return out;
}

/* --- Per-URL state --- */

struct url_state {
	char *etag;
	char *last_modified;
	char hash[65];
	int current; /* written by this version of evidence */
};

static void url_state_release(struct url_state *st)
{
	free(st->etag);
	free(st->last_modified);
	memset(st, 0, sizeof(*st));
}

/* The state is kept per source and URL: two sources that read the same
 * URL each count what they found in it. */
static char *state_path(struct harvest *h, const char *source,
			const char *url)
{
	char hash[65], name[40];
	char *key = NULL;

	if (asprintf(&key, "%s\n%s", source, url) < 0)
		return NULL;
	text_sha256_hex(key, strlen(key), hash);
	free(key);
	snprintf(name, sizeof(name), "%.32s.json", hash);
	return fs_join(h->state_dir, name);
}

/* Missing or unreadable state is no state: the payload is fetched whole
 * and parsed, which is always safe. */
static void state_load(struct hsource *hs, const char *url,
		       struct url_state *st)
{
	struct harvest *h = hs->h;
	char *path;
	struct buf b = BUF_INIT;
	json_t *o = NULL;
	const char *v;

	memset(st, 0, sizeof(*st));
	if (h->opts->no_state ||
	    !(path = state_path(h, hs->src->name, url)))
		return;
	if (!fs_read_file(path, 1 << 16, &b) && b.len &&
	    (o = json_loadb(b.ptr, b.len, 0, NULL)) != NULL &&
	    (v = json_string_value(json_object_get(o, "url"))) &&
	    !strcmp(v, url)) {
		v = json_string_value(json_object_get(o, "etag"));
		st->etag = v ? strdup(v) : NULL;
		v = json_string_value(json_object_get(o, "last_modified"));
		st->last_modified = v ? strdup(v) : NULL;
		v = json_string_value(json_object_get(o, "hash"));
		if (v && strlen(v) == 64)
			memcpy(st->hash, v, 65);
		v = json_string_value(json_object_get(o, "version"));
		st->current = v && !strcmp(v, PACKAGE_VERSION);
	}
	json_decref(o);
	buf_release(&b);
	free(path);
}

/*
 * Write PATH whole or not at all, by a rename over it, but without the
 * fsyncs of fs_write_atomic(): a state file lost to a power cut only
 * makes the next run fetch and parse that URL again, which is always
 * safe, and two fsyncs per URL would halve the harvest's speed.  A
 * killed run leaves at most a "*.tmp-*" file, removed by the next.
 */
static ev_status write_renamed(const char *path, const char *data,
			       size_t len)
{
	char *tmp = NULL;
	ev_status rc = EV_OK;
	size_t off = 0;
	int fd;

	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0)
		return EV_NOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = status_from_errno(errno);
		free(tmp);
		return rc;
	}
	while (!rc && off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno != EINTR)
			rc = status_from_errno(errno);
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) < 0 && !rc)
		rc = status_from_errno(errno);
	if (!rc && rename(tmp, path) < 0)
		rc = status_from_errno(errno);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static ev_status commit(struct harvest *h);

/* States held past this many are written (with a store commit first):
 * a first run over 100,000 known files tags each of them. */
#define STATE_HELD 4096

/*
 * Held until the store has committed the payload's records (see
 * commit()), so a kill in between makes the next run parse it again,
 * never skip it.
 */
static ev_status state_save(struct hsource *hs, const char *url,
			    const char *etag, const char *last_modified,
			    const char *hash)
{
	struct harvest *h = hs->h;
	char *path = NULL, *text = NULL;
	json_t *o;
	ev_status rc = EV_NOMEM;

	if (h->opts->no_state || h->opts->dry_run)
		return EV_OK;
	o = json_pack("{s:s, s:s?, s:s?, s:s, s:s}", "url", url, "etag", etag,
		      "last_modified", last_modified, "hash", hash,
		      "version", PACKAGE_VERSION);
	if (!o)
		goto out;
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	path = state_path(h, hs->src->name, url);
	if (!text || !path)
		goto out;
	rc = strvec_push(&h->state_paths, path);
	if (!rc)
		rc = strvec_push(&h->state_texts, text);
	if (!rc && h->state_paths.n >= STATE_HELD)
		rc = commit(h);
out:
	json_decref(o);
	free(text);
	free(path);
	return rc;
}

/* Set the run's fatal failure, unless one is set already. */
static void set_fatal(struct harvest *h, ev_status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_fatal(struct harvest *h, ev_status rc, const char *fmt, ...)
{
	va_list ap;

	if (h->res->fatal)
		return;
	h->res->fatal = rc;
	va_start(ap, fmt);
	vsnprintf(h->res->fatal_msg, sizeof(h->res->fatal_msg), fmt, ap);
	va_end(ap);
}

ev_status harvest_note_stored(struct harvest *h, const char *id,
			      const struct record *rec)
{
	struct noted *n;

	if (!h->opts->stored)
		return EV_OK;
	if (h->n_batch == h->alloc_batch) {
		size_t alloc = h->alloc_batch ? 2 * h->alloc_batch : 64;
		struct noted *v = realloc(h->batch, alloc * sizeof(*v));

		if (!v)
			return EV_NOMEM;
		h->batch = v;
		h->alloc_batch = alloc;
	}
	n = &h->batch[h->n_batch];
	n->rec = NULL;
	n->id = strdup(id);
	if (!n->id || (rec && record_dup(rec, &n->rec))) {
		free(n->id);
		return EV_NOMEM;
	}
	h->n_batch++;
	return EV_OK;
}

/* Forget the works noted since the last commit. */
static void release_batch(struct harvest *h)
{
	for (size_t i = 0; i < h->n_batch; i++) {
		free(h->batch[i].id);
		record_free(h->batch[i].rec);
	}
	h->n_batch = 0;
}

/* Tell OPTS->stored of the works the last commit wrote.  A work written
 * again later in the batch (by a notice too, which comes without a copy)
 * is in its file as last written: an earlier copy is stale, and the hook
 * reads the file for that one instead.  The batch is walked from its
 * end, with the works seen so far in a set. */
static void tell_stored(struct harvest *h)
{
	struct idset later = {0};
	size_t copies = 0;
	int lost = 0;

	for (size_t i = 0; i < h->n_batch; i++)
		copies += h->batch[i].rec != NULL;
	for (size_t i = h->n_batch; copies && i-- > 0;) {
		struct noted *n = &h->batch[i];

		if (n->rec && (lost || idset_has(&later, n->id))) {
			record_free(n->rec);
			n->rec = NULL;
		}
		/* Out of memory, the set cannot tell: the files can. */
		if (!lost && idset_add(&later, n->id))
			lost = 1;
	}
	idset_release(&later);
	for (size_t i = 0; i < h->n_batch; i++) {
		struct record *rec = h->batch[i].rec;

		h->batch[i].rec = NULL;
		h->opts->stored(h->opts->stored_arg, h->batch[i].id, rec);
	}
}

/* Commit the store's batch, tell OPTS->stored what it made durable, then
 * write the state held for the payloads whose records it holds. */
static ev_status commit(struct harvest *h)
{
	ev_status rc = store_commit(h->store);

	if (rc) {
		set_fatal(h, rc, "%s", store_errmsg(h->store));
		goto out;
	}
	tell_stored(h);
	if (h->state_paths.n && (rc = fs_mkdirs(h->state_dir, 0755))) {
		set_fatal(h, rc, "%s: %s", h->state_dir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; !rc && i < h->state_paths.n; i++) {
		const char *text = h->state_texts.v[i];

		rc = write_renamed(h->state_paths.v[i], text, strlen(text));
		if (rc)
			set_fatal(h, rc, "%s: %s", h->state_paths.v[i],
				  strerror(errno));
	}
out:
	release_batch(h);
	strvec_release(&h->state_paths);
	strvec_release(&h->state_texts);
	return rc;
}

/* --- Storing what a payload gave --- */

/* Dry run: tell new works from known ones without writing. */
static ev_status dry_count(struct hsource *hs, struct record *rec)
{
	struct strvec keys = STRVEC_INIT;
	struct run_counts *c = hs_counts(hs);
	ev_status rc = record_keys(rec, &keys);
	int known = 0;

	for (size_t i = 0; !rc && !known && i < keys.n; i++) {
		char *id = NULL;

		known = store_resolve(hs->h->store, keys.v[i], &id) == EV_OK;
		free(id);
	}
	if (!rc && keys.n && idset_has(&hs->h->seen, keys.v[0]))
		c->duplicate++;
	else if (!rc && known)
		c->unchanged++;
	else if (!rc)
		c->added++;
	if (!rc && keys.n)
		rc = idset_add(&hs->h->seen, keys.v[0]);
	strvec_release(&keys);
	return rc;
}

static ev_status store_one(struct hsource *hs, struct record *rec)
{
	struct harvest *h = hs->h;
	struct run_counts *c = hs_counts(hs);
	struct strvec changed = STRVEC_INIT;
	enum store_outcome outcome;
	ev_status rc;
	int seen;

	c->found++;
	/* The provenance names the section that harvested the record. */
	if (rec->n_provenance &&
	    (rc = record_set(&rec->provenance[rec->n_provenance - 1].source,
			     hs->src->name)))
		return rc;
	if (h->opts->dry_run)
		return dry_count(hs, rec);
	rc = store_put(h->store, rec, &outcome);
	if (rc) {
		set_fatal(h, rc, "%s", store_errmsg(h->store));
		return rc;
	}
	seen = idset_has(&h->seen, rec->id);
	if (seen) {
		c->duplicate++;
	} else {
		if (outcome == STORE_NEW)
			c->added++;
		else if (outcome == STORE_UPDATED)
			c->updated++;
		else
			c->unchanged++;
		rc = idset_add(&h->seen, rec->id);
	}
	/* Unchanged works go to the indexer too, which skips those whose
	 * content hash it has: a run killed after the store and before the
	 * index commit leaves works that only this catches.  Once per id:
	 * SEEN says whether it is listed already. */
	if (!rc && !seen)
		rc = strvec_push(&h->res->ids, rec->id);
	/* Works that a notice among them updated are indexed too, every
	 * time: one stored earlier in the run has changed again. */
	if (!rc)
		rc = store_take_changed(h->store, &changed);
	if (!rc)
		rc = harvest_note_stored(
		    h, rec->id, outcome == STORE_UNCHANGED ? NULL : rec);
	for (size_t i = 0; !rc && i < changed.n; i++) {
		rc = strvec_push_unique(&h->res->ids, changed.v[i]);
		if (!rc)
			rc = harvest_note_stored(h, changed.v[i], NULL);
	}
	strvec_release(&changed);
	if (!rc && store_batch_full(h->store))
		rc = commit(h);
	return rc;
}

/*
 * A payload's records are held until all of it has parsed, so that a
 * file broken half way stores nothing.  Past this many, holding them
 * would make memory grow with the file (5,000 PubMed records held take
 * 30 MB): the parse goes on only to see that the payload is whole, and
 * a second one stores each record as it comes.
 */
#define PAYLOAD_HELD 512

struct held {
	struct recvec rv;
	size_t max; /* records held at most */
	int over;   /* there were more: none held */
};

static ev_status held_sink(struct record *rec, void *ctx)
{
	struct held *hd = ctx;

	if (hd->over)
		return EV_OK; /* the parser releases REC */
	if (hd->rv.n == hd->max) {
		recvec_release(&hd->rv);
		hd->over = 1;
		return EV_OK;
	}
	return recvec_sink(rec, &hd->rv);
}

static ev_status store_sink(struct record *rec, void *ctx)
{
	return store_one(ctx, rec);
}

ev_status hs_take_fd(struct hsource *hs, enum format fmt, const char *name,
		     const char *url, int fd, const char *charset,
		     const char *hash, struct recvec *keep)
{
	struct parse_input in = {0};
	/* KEEP wants every record anyway: no point in a second parse. */
	struct held hd = {.max = keep ? SIZE_MAX : PAYLOAD_HELD};
	char err[512] = "";
	ev_status rc;

	in.name = name;
	in.url = url;
	in.fd = fd;
	in.charset = charset;
	in.hash = hash;
	rc = parse_input(fmt, &in, held_sink, &hd, err, sizeof(err));
	if (rc == EV_NOMEM)
		goto out;
	if (rc) {
		/* All or nothing: records parsed before the failure are
		 * dropped with the rest. */
		hs_fail(hs, rc, 0, name, "%s",
			err[0] ? err : status_to_string(rc));
		rc = EV_OK;
		goto out;
	}
	for (size_t i = 0; !rc && i < hd.rv.n; i++) {
		rc = store_one(hs, &hd.rv.v[i]);
		if (!rc && keep)
			rc = recvec_sink(&hd.rv.v[i], keep);
	}
	if (!rc && hd.over) {
		if (lseek(fd, 0, SEEK_SET) < 0) {
			hs_fail(hs, status_from_errno(errno), 0, name, "%s",
				strerror(errno));
			goto out;
		}
		err[0] = '\0';
		rc = parse_input(fmt, &in, store_sink, hs, err, sizeof(err));
		/* The payload parsed whole a moment ago: only a file changed
		 * in between, or the store, fails here. */
		if (rc && !hs->h->res->fatal && rc != EV_NOMEM) {
			hs_fail(hs, rc, 0, name, "%s (read again)",
				err[0] ? err : status_to_string(rc));
			rc = EV_OK;
		}
	}
out:
	recvec_release(&hd.rv);
	if (hs->h->opts->progress)
		hs->h->opts->progress(hs->h->opts->arg, hs->src->name,
				      hs_outcome(hs)->payloads);
	return rc;
}

ev_status hs_take_mem(struct hsource *hs, enum format fmt, const char *name,
		      const char *url, const char *data, size_t len,
		      const char *charset, const char *hash,
		      struct recvec *keep)
{
	ev_status rc = EV_OK;
	size_t off = 0;
	int fd;

	/* The parsers read a seekable descriptor (PubMed XML is streamed
	 * from it); an anonymous memory file is one. */
	fd = memfd_create("evidence-payload", MFD_CLOEXEC);
	if (fd < 0)
		return status_from_errno(errno);
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = status_from_errno(errno);
			break;
		}
		off += (size_t)w;
	}
	if (!rc && lseek(fd, 0, SEEK_SET) < 0)
		rc = status_from_errno(errno);
	if (!rc)
		rc = hs_take_fd(hs, fmt, name, url, fd, charset, hash, keep);
	close(fd);
	return rc;
}

/* --- The fetcher --- */

ev_status hs_queue(struct hsource *hs, const char *url, hreq_fn *done,
		   long start, const char *arg, const char *etag,
		   const char *last_modified)
{
	struct hreq *rq = calloc(1, sizeof(*rq));
	ev_status rc;

	if (!rq)
		return EV_NOMEM;
	rq->done = done;
	rq->hs = hs;
	rq->start = start;
	rq->url = strdup(url);
	rq->arg = arg ? strdup(arg) : NULL;
	if (!rq->url || (arg && !rq->arg)) {
		rc = EV_NOMEM;
		goto fail;
	}
	rc = fetch_add(hs->f, url, etag, last_modified, rq);
	if (!rc)
		return EV_OK;
fail:
	free(rq->url);
	free(rq->arg);
	free(rq);
	return rc;
}

static void dispatch(struct fetch_result *res, void *arg)
{
	struct hreq *rq = res->user;

	(void)arg;
	/* After a store failure the rest only drains. */
	if (!rq->hs->h->res->fatal)
		rq->done(rq->hs, rq, res);
	free(rq->url);
	free(rq->arg);
	free(rq);
}

ev_status hs_run(struct hsource *hs)
{
	return fetch_run(hs->f, dispatch, NULL);
}

/* --- file --- */

/* Files a folder walk reads: those whose format their name tells, so
 * that a README or an image beside the records is left alone. */
static int importable(const char *name)
{
	static const char *const exts[] = {
	    ".txt", ".text", ".html",	 ".htm",  ".xhtml", ".xml",
	    ".nxml", ".json", ".ris",	 ".bib",  ".nbib",  ".medline",
	    ".rss", ".atom", ".rdf", ".jsonl",
	};

	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++)
		if (str_iends_with(name, exts[i]))
			return 1;
	return 0;
}

/*
 * A local file's entity tag, as web servers make them: its inode, size,
 * and modification and change times, which any write changes (the change
 * time cannot be set back).  "" when the file changed too recently to
 * trust: timestamps move in ticks of a few milliseconds, so a write in
 * the same tick as our read would leave the same tag on other bytes.
 */
static void file_tag(int fd, char tag[FS_STAT_TAG_MAX])
{
	struct stat sb;
	struct timespec now;

	tag[0] = '\0';
	if (fstat(fd, &sb) < 0 || clock_gettime(CLOCK_REALTIME, &now) < 0 ||
	    sb.st_mtim.tv_sec >= now.tv_sec - 1 ||
	    sb.st_ctim.tv_sec >= now.tv_sec - 1)
		return;
	fs_stat_tag(&sb, 1, tag);
}

static ev_status take_file(struct hsource *hs, const char *path)
{
	struct url_state st;
	char *url;
	char hash[65], tag[FS_STAT_TAG_MAX];
	unsigned long failed;
	ev_status rc = EV_OK;
	int fd;

	hs_outcome(hs)->payloads++;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		hs_fail(hs, status_from_errno(errno), 0, path, "%s",
			strerror(errno));
		return EV_OK;
	}
	url = fs_file_url(path);
	if (!url) {
		rc = EV_NOMEM;
		goto out;
	}
	state_load(hs, url, &st);
	/* The tag says "unchanged" without reading the file; the bytes'
	 * hash says it after reading, and then the tag is kept for next
	 * time (the file was touched, copied back, or is new). */
	file_tag(fd, tag);
	if (st.current && *tag && st.etag && !strcmp(st.etag, tag)) {
		hs_counts(hs)->not_modified++;
		goto out_state;
	}
	if (text_sha256_fd(fd, hash) || lseek(fd, 0, SEEK_SET) < 0) {
		hs_fail(hs, EV_IO, 0, path, "%s", strerror(errno));
		goto out_state;
	}
	if (st.current && !strcmp(st.hash, hash)) {
		hs_counts(hs)->not_modified++;
		if (*tag)
			rc = state_save(hs, url, tag, NULL, hash);
		goto out_state;
	}
	failed = hs_counts(hs)->failed;
	rc = hs_take_fd(hs, hs->format, path, url, fd, NULL, hash, NULL);
	if (!rc && hs_counts(hs)->failed == failed)
		rc = state_save(hs, url, *tag ? tag : NULL, NULL, hash);
out_state:
	url_state_release(&st);
out:
	close(fd);
	free(url);
	return rc;
}

static ev_status take_path(struct hsource *hs, const char *path, int depth,
			   int named);

static ev_status take_dir(struct hsource *hs, const char *path, int depth)
{
	struct strvec names = STRVEC_INIT;
	struct dirent *e;
	ev_status rc = EV_OK;
	DIR *d;

	if (depth > MAX_DEPTH) {
		hs_fail(hs, EV_TOO_BIG, 0, path, "folders nested too deep");
		return EV_OK;
	}
	d = opendir(path);
	if (!d) {
		hs_fail(hs, status_from_errno(errno), 0, path, "%s",
			strerror(errno));
		return EV_OK;
	}
	while (!rc && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = strvec_push(&names, e->d_name);
	closedir(d);
	/* Sorted, so that the same folder always harvests the same way. */
	strvec_sort(&names);
	for (size_t i = 0; !rc && i < names.n; i++) {
		char *child = fs_join(path, names.v[i]);

		rc = child ? take_path(hs, child, depth + 1, 0) : EV_NOMEM;
		free(child);
	}
	strvec_release(&names);
	return rc;
}

static ev_status take_path(struct hsource *hs, const char *path, int depth,
			   int named)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		hs_fail(hs, status_from_errno(errno), 0, path, "%s",
			strerror(errno));
		return EV_OK;
	}
	if (S_ISDIR(st.st_mode))
		return take_dir(hs, path, depth);
	if (!S_ISREG(st.st_mode)) {
		if (named)
			hs_fail(hs, EV_UNSUPPORTED, 0, path,
				"not a regular file");
		return EV_OK;
	}
	if (!named && !importable(path))
		return EV_OK;
	return take_file(hs, path);
}

static ev_status harvest_files(struct hsource *hs)
{
	const char *v;
	size_t pos = 0;
	ev_status rc = EV_OK;

	while (!rc && (v = source_next(hs->src, "path", &pos)) != NULL)
		rc = take_path(hs, v, 0, hs->h->opts->named);
	pos = 0;
	while (!rc && (v = source_next(hs->src, "url", &pos)) != NULL) {
		char *path = fs_file_url_path(v);

		if (!path) {
			hs_fail(hs, EV_UNSUPPORTED, 0, v,
				"not a local file:// URL");
			continue;
		}
		rc = take_path(hs, path, 0, hs->h->opts->named);
		free(path);
	}
	return rc;
}

/* --- page and feed --- */

static void page_done(struct hsource *hs, struct hreq *rq,
		      struct fetch_result *res);

/* Queue URL conditionally, with the validators last seen for it. */
static ev_status queue_page(struct hsource *hs, const char *url,
			    hreq_fn *done, long kind)
{
	struct url_state st;
	ev_status rc;

	state_load(hs, url, &st);
	rc = hs_queue(hs, url, done, kind, NULL, st.current ? st.etag : NULL,
		      st.current ? st.last_modified : NULL);
	url_state_release(&st);
	return rc;
}

/* START of a request: what the payload is. */
enum { PAYLOAD_PAGE, PAYLOAD_FEED, PAYLOAD_FOLLOWED };

static void page_done(struct hsource *hs, struct hreq *rq,
		      struct fetch_result *res)
{
	struct recvec items = {0};
	struct url_state st;
	char hash[65];
	enum format fmt = hs->format;
	ev_status rc = EV_OK;

	hs_outcome(hs)->payloads++;
	if (res->status) {
		hs_fetch_failed(hs, res);
		return;
	}
	if (res->not_modified) {
		hs_counts(hs)->not_modified++;
		return;
	}
	text_sha256_hex(res->body.ptr ? res->body.ptr : "", res->body.len,
			hash);
	state_load(hs, rq->url, &st);
	if (st.current && !strcmp(st.hash, hash)) {
		/* Same bytes as last time, without validators to say so:
		 * nothing to parse, but remember the new validators. */
		hs_counts(hs)->not_modified++;
		rc = state_save(hs, rq->url, res->etag, res->last_modified,
				hash);
		url_state_release(&st);
		return;
	}
	url_state_release(&st);
	if (rq->start == PAYLOAD_FEED && fmt == FORMAT_UNKNOWN)
		fmt = hs_format("feed");
	else if (rq->start == PAYLOAD_FOLLOWED)
		fmt = FORMAT_UNKNOWN;
	{
		unsigned long failed = hs_counts(hs)->failed;
		int follow = rq->start == PAYLOAD_FEED &&
			     source_flag(hs->src, "follow");

		rc = hs_take_mem(hs, fmt, rq->url, rq->url,
				 res->body.ptr ? res->body.ptr : "",
				 res->body.len, res->charset, hash,
				 follow ? &items : NULL);
		if (!rc && hs_counts(hs)->failed == failed)
			rc = state_save(hs, rq->url, res->etag,
					res->last_modified, hash);
	}
	/* Each item's own page, parsed as an article page. */
	for (size_t i = 0; !rc && i < items.n; i++) {
		const char *u = items.v[i].url;

		if (str_is_http_url(u))
			rc = queue_page(hs, u, page_done, PAYLOAD_FOLLOWED);
	}
	recvec_release(&items);
	if (rc && !hs->h->res->fatal)
		hs_fail(hs, rc, 0, rq->url, "%s", status_to_string(rc));
}

static ev_status harvest_pages(struct hsource *hs)
{
	const char *v;
	size_t pos = 0;
	ev_status rc = EV_OK;
	long kind = hs->src->type == SOURCE_FEED ? PAYLOAD_FEED
						 : PAYLOAD_PAGE;

	while (!rc && (v = source_next(hs->src, "url", &pos)) != NULL)
		rc = queue_page(hs, v, page_done, kind);
	return rc;
}

/* --- Running the sources --- */

void harvest_result_init(struct harvest_result *res)
{
	memset(res, 0, sizeof(*res));
	strvec_init(&res->ids);
}

void harvest_result_release(struct harvest_result *res)
{
	run_release(&res->run);
	free(res->outcomes);
	strvec_release(&res->ids);
	harvest_result_init(res);
}

/* The source's own URLs or base are loopback: the tests' server. */
static int source_loopback(const struct source *src)
{
	static const char *const keys[] = {"url", "base", "pubmed_base"};

	for (size_t k = 0; k < 3; k++) {
		const char *v;
		size_t pos = 0;

		while ((v = source_next(src, keys[k], &pos)) != NULL)
			if (url_is_loopback(v))
				return 1;
	}
	return 0;
}

double hs_source_rate(const struct source *src, double dflt)
{
	switch (src->type) {
	case SOURCE_PUBMED:
	case SOURCE_REFERENCES:
		return source_get(src, "api_key") &&
			       *source_get(src, "api_key")
			   ? 10
			   : 3;
	case SOURCE_CROSSREF:
		return source_get(src, "mailto") ? 3 : 1;
	case SOURCE_EUROPEPMC:
	case SOURCE_OPENALEX:
		return 5;
	default:
		return dflt;
	}
}

static ev_status run_source(struct harvest *h, const struct source *src,
			    size_t idx)
{
	struct hsource hs = {0};
	struct buf err = BUF_INIT;
	const char *fmt = source_get(src, "format");
	ev_status rc = EV_OK;

	hs.h = h;
	hs.src = src;
	hs.idx = idx;
	hs.format = fmt ? hs_format(fmt) : FORMAT_UNKNOWN;
	if (fmt && hs.format == FORMAT_UNKNOWN)
		hs_note(&hs, "format '%s' is not known to this build; "
			     "detecting it instead",
			fmt);
	if (h->opts->fetch) {
		hs.fopts = *h->opts->fetch;
	} else {
		const char *env = getenv("EVIDENCE_RETRY_BASE_MS");

		fetch_opts_default(&hs.fopts);
		/* The first wait before a retry, doubling after; tests and
		 * impatient users shorten it (evidence-harvest(1)). */
		if (env && atol(env) > 0)
			hs.fopts.backoff_base_ms = atol(env);
	}
	hs.fopts.rate_per_sec = hs_source_rate(src, hs.fopts.rate_per_sec);
	if (src->type == SOURCE_CROSSREF)
		hs.fopts.max_per_host = 1;
	/* The source's own limits, for a server that allows more (or
	 * asks for less) than the defaults. */
	if (source_get(src, "rate"))
		hs.fopts.rate_per_sec = atol(source_get(src, "rate"));
	if (source_get(src, "connections")) {
		hs.fopts.max_per_host = atol(source_get(src, "connections"));
		if (hs.fopts.max_total < hs.fopts.max_per_host)
			hs.fopts.max_total = hs.fopts.max_per_host;
	}
	if (source_loopback(src))
		hs.fopts.allow_private = 1;

	if (src->type == SOURCE_FILE)
		return harvest_files(&hs);

	rc = fetch_new(&hs.f, &hs.fopts, &err);
	if (rc) {
		hs_fail(&hs, rc, 1, NULL, "%s", buf_str(&err));
		buf_release(&err);
		return EV_OK;
	}
	switch (src->type) {
	case SOURCE_PAGE:
	case SOURCE_FEED:
		rc = harvest_pages(&hs);
		break;
	case SOURCE_PUBMED:
		rc = harvest_pubmed(&hs);
		break;
	case SOURCE_CROSSREF:
		rc = harvest_crossref(&hs);
		break;
	case SOURCE_EUROPEPMC:
		rc = harvest_europepmc(&hs);
		break;
	case SOURCE_OPENALEX:
		rc = harvest_openalex(&hs);
		break;
	case SOURCE_REFERENCES:
		rc = harvest_references(&hs);
		break;
	default:
		break;
	}
	if (rc && !h->res->fatal)
		hs_fail(&hs, rc, 0, NULL, "%s", status_to_string(rc));
	/* Whatever was queued runs to its end, so nothing leaks. */
	rc = fetch_run(hs.f, dispatch, NULL);
	if (rc && !h->res->fatal)
		hs_fail(&hs, rc, 1, NULL, "%s", status_to_string(rc));
	fetch_free(hs.f);
	buf_release(&err);
	return h->res->fatal ? h->res->fatal : EV_OK;
}

static const char *source_query(const struct source *src)
{
	const char *q = source_get(src, "query");

	return q ? q : source_get(src, "filter");
}

ev_status harvest_run(struct store *store, const struct sources *src,
		      const struct harvest_opts *opts,
		      struct harvest_result *res)
{
	struct harvest h = {0};
	ev_status rc = EV_OK;
	size_t n = 0;

	if (opts->only && !sources_find(src, opts->only))
		return EV_NOT_FOUND;
	h.store = store;
	h.opts = opts;
	h.res = res;
	strvec_init(&h.state_paths);
	strvec_init(&h.state_texts);
	/* Records are committed a batch at a time (store.h), by store_one()
	 * when the batch is full and at the end. */
	store_begin(store);
	h.state_dir = fs_join(store_dir(store), "harvest/urls");
	res->outcomes = calloc(src->n ? src->n : 1, sizeof(*res->outcomes));
	if (!h.state_dir || !res->outcomes) {
		rc = EV_NOMEM;
		goto out;
	}
	text_now_iso8601(res->run.started);
	if (!opts->dry_run && !opts->no_state && fs_is_dir(h.state_dir))
		fs_remove_temps(h.state_dir);
	for (size_t i = 0; !rc && i < src->n; i++) {
		const struct source *s = &src->v[i];

		if (opts->only && strcmp(opts->only, s->name))
			continue;
		rc = run_add_source(&res->run, s->name,
				    source_type_name(s->type), source_query(s),
				    NULL);
		if (!rc)
			rc = run_source(&h, s, n++);
	}
	/* After a failure too: what was stored before it stays stored (a
	 * failed commit has emptied the batch). */
	if (!opts->dry_run) {
		ev_status crc = commit(&h);

		rc = rc ? rc : crc;
	}
	text_now_iso8601(res->run.finished);
out:
	strvec_release(&h.state_paths);
	strvec_release(&h.state_texts);
	release_batch(&h);
	free(h.batch);
	idset_release(&h.seen);
	free(h.state_dir);
	return rc;
}

int harvest_exit_code(const struct harvest_result *res)
{
	int temporary = 0, permanent = 0;

	for (size_t i = 0; i < res->run.n_sources; i++) {
		if (!res->outcomes[i].status)
			continue;
		if (res->outcomes[i].temporary)
			temporary = 1;
		else
			permanent = 1;
	}
	if (temporary)
		return EXIT_TEMPFAIL;
	return permanent ? EXIT_NOTHING : EXIT_OK;
}
