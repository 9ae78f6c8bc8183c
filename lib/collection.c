/* collection.c - the collection directory: where everything lives */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "collection.h"
#include "fsutil.h"
#include "text.h"

static ev_status default_dir(struct buf *b)
{
	const char *env = getenv("EVIDENCE_DIR");

	if (env && *env)
		return buf_addstr(b, env);
	env = getenv("XDG_DATA_HOME");
	if (env && *env == '/')
		return buf_printf(b, "%s/evidence", env);
	env = getenv("HOME");
	if (!env || !*env)
		return EV_USAGE;
	return buf_printf(b, "%s/.local/share/evidence", env);
}

ev_status collection_locate(struct collection *c, const char *dir)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	if (dir && *dir)
		rc = buf_addstr(&b, dir);
	else
		rc = default_dir(&b);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	/* "dir/" and "dir" are the same collection. */
	while (b.len > 1 && b.ptr[b.len - 1] == '/')
		b.ptr[--b.len] = '\0';
	c->dir = buf_detach(&b);
	c->store_dir = fs_join(c->dir, "store");
	c->index_dir = fs_join(c->dir, "index");
	c->lessons_path = fs_join(c->dir, "lessons.conf");
	c->synonyms_path = fs_join(c->dir, "synonyms.conf");
	c->sources_path = fs_join(c->dir, "sources.conf");
	c->lock_path = fs_join(c->dir, "lock");
	c->marker_path = fs_join(c->dir, "evidence.conf");
	if (!c->dir || !c->store_dir || !c->index_dir || !c->lessons_path ||
	    !c->synonyms_path || !c->sources_path || !c->lock_path ||
	    !c->marker_path) {
		collection_release(c);
		return EV_NOMEM;
	}
	return EV_OK;
}

ev_status collection_check(const struct collection *c)
{
	struct buf b = BUF_INIT;
	ev_status rc;
	int version = 0;

	rc = fs_read_file(c->marker_path, 4096, &b);
	if (rc == EV_OK) {
		const char *v = strstr(buf_str(&b), "version");

		if (!v || sscanf(v, "version = %d", &version) != 1)
			rc = EV_CORRUPT;
		else if (version > COLLECTION_VERSION)
			rc = EV_VERSION;
	}
	buf_release(&b);
	return rc;
}

ev_status collection_create(struct collection *c)
{
	static const char marker[] =
	    "# This directory is an evidence collection; see "
	    "evidence-collection(5).\n"
	    "[collection]\n"
	    "version = 1\n";
	ev_status rc;

	rc = fs_mkdirs(c->dir, 0755);
	if (!rc)
		rc = fs_mkdirs(c->store_dir, 0755);
	if (!rc && !fs_exists(c->marker_path))
		rc = fs_write_atomic(c->marker_path, marker,
				     sizeof(marker) - 1);
	return rc;
}

ev_status collection_lock(struct collection *c, double wait_seconds)
{
	if (c->lock_fd >= 0)
		return EV_OK;
	return fs_lock(c->lock_path, wait_seconds, &c->lock_fd);
}

void collection_unlock(struct collection *c)
{
	fs_unlock(c->lock_fd);
	c->lock_fd = -1;
}

void collection_release(struct collection *c)
{
	collection_unlock(c);
	free(c->dir);
	free(c->store_dir);
	free(c->index_dir);
	free(c->lessons_path);
	free(c->synonyms_path);
	free(c->sources_path);
	free(c->lock_path);
	free(c->marker_path);
	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
}
