/* shards.c - split an index into shards by a stable hash of the work id */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fields.h"
#include "fsutil.h"
#include "index.h"
#include "xdb.h"

unsigned index_shard_of(const char *id, unsigned n)
{
	/* 64-bit FNV-1a: fixed by its definition, so a work stays in the
	 * same shard across versions, machines and runs. */
	unsigned long long h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return n ? (unsigned)(h % n) : 0;
}

struct splitter {
	xdb_t *src;
	xdb_t **shards;
	unsigned n;
	unsigned long *counts;
	struct buf msg;
	ev_status rc;
};

/* Copy document DOCID of the source into the shard of its work. */
static int copy_doc(unsigned docid, void *arg)
{
	struct splitter *sp = arg;
	xdb_doc_t *doc = NULL;
	char *id = NULL;
	unsigned k;

	sp->rc = xdb_get_document(sp->src, docid, &doc);
	if (!sp->rc)
		sp->rc = xdb_doc_get_value(doc, SLOT_WORK_ID, &id, NULL);
	if (sp->rc) {
		buf_setf(&sp->msg, "cannot read document %u: %s", docid,
			 xdb_errmsg(sp->src));
		goto out;
	}
	k = index_shard_of(id, sp->n);
	sp->rc = xdb_add_document(sp->shards[k], doc, NULL);
	if (sp->rc)
		buf_setf(&sp->msg, "cannot write shard %u: %s", k,
			 xdb_errmsg(sp->shards[k]));
	else
		sp->counts[k]++;
out:
	free(id);
	xdb_doc_free(doc);
	return sp->rc != EV_OK;
}

/* Open DIR/NAME as a new writable database. */
static ev_status create_db(struct splitter *sp, const char *dir,
			   const char *name, xdb_t **dbp)
{
	char *path = fs_join(dir, name), *msg = NULL;
	ev_status rc;

	if (!path)
		return EV_NOMEM;
	rc = xdb_open(path, XDB_CREATE_OVERWRITE, dbp, &msg);
	if (rc)
		buf_setf(&sp->msg, "cannot create %s: %s", path,
			 msg ? msg : status_to_string(rc));
	free(msg);
	free(path);
	return rc;
}

/* DIR/local.stub: the meta database and every shard, as one index. */
static ev_status write_stub(struct splitter *sp, const char *dir)
{
	struct buf text = BUF_INIT;
	char *path = fs_join(dir, "local.stub");
	ev_status rc = path ? buf_addstr(&text, "auto meta\n") : EV_NOMEM;

	for (unsigned k = 0; !rc && k < sp->n; k++)
		rc = buf_printf(&text, "auto shard-%u\n", k);
	if (!rc)
		rc = fs_write_atomic(path, text.ptr, text.len);
	if (rc)
		buf_setf(&sp->msg, "cannot write %s: %s", path ? path : dir,
			 status_to_string(rc));
	buf_release(&text);
	free(path);
	return rc;
}

ev_status index_split(const char *src, const char *dir, unsigned n,
		      unsigned long *counts, char **msgp)
{
	struct splitter sp = {0};
	xdb_t *meta = NULL;
	char name[32], *msg = NULL;
	ev_status rc;

	*msgp = NULL;
	buf_init(&sp.msg, 0);
	sp.n = n;
	sp.counts = counts;
	if (n < 1 || n > INDEX_MAX_SHARDS) {
		buf_setf(&sp.msg, "the number of shards must be 1 to %d",
			 INDEX_MAX_SHARDS);
		rc = EV_USAGE;
		goto out;
	}
	memset(counts, 0, n * sizeof(*counts));
	if (fs_exists(dir)) {
		buf_setf(&sp.msg, "%s exists: shards are written to a new "
				  "folder",
			 dir);
		rc = EV_USAGE;
		goto out;
	}
	rc = fs_mkdirs(dir, 0777);
	if (rc) {
		buf_setf(&sp.msg, "cannot create %s: %s", dir,
			 strerror(errno));
		goto out;
	}
	rc = xdb_open(src, XDB_READ, &sp.src, &msg);
	if (rc) {
		buf_setf(&sp.msg, "cannot open the index %s: %s", src,
			 msg ? msg : status_to_string(rc));
		goto out;
	}
	sp.shards = calloc(n, sizeof(*sp.shards));
	if (!sp.shards) {
		rc = EV_NOMEM;
		goto out;
	}
	for (unsigned k = 0; !rc && k < n; k++) {
		snprintf(name, sizeof(name), "shard-%u", k);
		rc = create_db(&sp, dir, name, &sp.shards[k]);
	}
	/* The meta database has no documents: it carries the metadata,
	 * synonyms and spelling data for searches through remote shards,
	 * which do not serve those tables. */
	if (!rc)
		rc = create_db(&sp, dir, "meta", &meta);
	if (rc)
		goto out;
	rc = xdb_copy_tables(sp.src, meta);
	if (rc) {
		buf_setf(&sp.msg, "cannot copy the index tables: %s",
			 xdb_errmsg(meta));
		goto out;
	}
	/* The empty term walks every document, in docid order, so each
	 * shard keeps the order of the whole index. */
	rc = xdb_postlist(sp.src, "", copy_doc, &sp);
	if (!rc)
		rc = sp.rc;
	else if (!sp.msg.len)
		buf_setf(&sp.msg, "cannot read the index: %s",
			 xdb_errmsg(sp.src));
	for (unsigned k = 0; !rc && k < n; k++) {
		/* Each shard carries the metadata too, so that one can be
		 * searched, checked or served on its own. */
		rc = xdb_copy_tables(sp.src, sp.shards[k]);
		if (!rc)
			rc = xdb_commit(sp.shards[k]);
		if (rc)
			buf_setf(&sp.msg, "cannot write shard %u: %s", k,
				 xdb_errmsg(sp.shards[k]));
	}
	if (!rc) {
		rc = xdb_commit(meta);
		if (rc)
			buf_setf(&sp.msg, "cannot write the meta database: %s",
				 xdb_errmsg(meta));
	}
	if (!rc)
		rc = write_stub(&sp, dir);
out:
	if (rc && !sp.msg.len)
		buf_setf(&sp.msg, "%s", status_to_string(rc));
	if (rc)
		*msgp = strdup(buf_str(&sp.msg));
	for (unsigned k = 0; sp.shards && k < n; k++)
		xdb_close(sp.shards[k]);
	free(sp.shards);
	xdb_close(meta);
	xdb_close(sp.src);
	free(msg);
	buf_release(&sp.msg);
	return rc;
}
