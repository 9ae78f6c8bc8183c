/* setup.c - the taxonomy and synonyms a command should use */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "defaults.h"
#include "fields.h"
#include "fsutil.h"
#include "setup.h"
#include "xdb.h"

/* A taxonomy file larger than this is not one. */
#define MAX_CONF_FILE (4u * 1024 * 1024)

/* Where the memos are read: C's index, through OPEN when it is open
 * already (NULL: an open of its own). */
struct memo_source {
	const struct collection *c;
	xdb_t *open;
};

/* SRC's index if it is a local one, or NULL (not local, none yet, or it
 * will not open).  A stub file may name remote shards, and a round trip
 * to them would cost more than the parse the memos save.  Give it back
 * with local_release(). */
static xdb_t *local_index(const struct memo_source *src)
{
	const struct collection *c = src->c;
	xdb_t *db = NULL;

	if (!c || !c->index_dir || !fs_is_dir(c->index_dir))
		return NULL;
	if (src->open)
		return src->open;
	if (xdb_open(c->index_dir, XDB_READ, &db, NULL) != EV_OK)
		return NULL;
	return db;
}

static void local_release(const struct memo_source *src, xdb_t *db)
{
	if (db != src->open)
		xdb_close(db);
}

/* The stem memo of the index (ARG, a memo_source), for a parse that its
 * compiled form could not spare: NULL when there is none. */
static char *index_stems(void *arg)
{
	xdb_t *db = local_index(arg);
	char *stems = NULL;

	if (db)
		xdb_get_metadata(db, META_STEMS, &stems);
	local_release(arg, db);
	return stems;
}

/*
 * What the indexer kept in SRC's index to make reading the taxonomy
 * cheap (lessons_compile() when USE_FORM, and lessons_stems()), into
 * MEMO; free with memo_release().  The stems serve only a parse, which a
 * compiled form that fits spares: they are read on demand, so SRC must
 * outlive the parse.  Any failure just means parsing again.
 */
static void index_memo(const struct memo_source *src, int use_form,
		       struct lessons_memo *memo)
{
	char *compiled = NULL;
	xdb_t *db;

	memset(memo, 0, sizeof(*memo));
	memo->load_stems = index_stems;
	memo->arg = (void *)src;
	if (!use_form || !(db = local_index(src)))
		return;
	/* A failed read leaves it NULL: no compiled form. */
	xdb_get_metadata_bytes(db, META_COMPILED, &compiled,
			       &memo->compiled_len);
	memo->compiled = compiled;
	local_release(src, db);
}

static void memo_release(struct lessons_memo *memo)
{
	free((char *)memo->compiled);
}

/* setup_lessons(), from the index's compiled form when USE_FORM. */
static ev_status read_lessons(const struct cli *cli,
			      const struct collection *c, xdb_t *db,
			      int use_form, struct lessons **out,
			      const char **usedp, char *err, size_t errsz)
{
	const char *path = cli->lessons;
	struct memo_source src = {c, db};
	struct lessons_memo memo;
	ev_status rc;

	*out = NULL;
	if (!path || !*path)
		path = getenv("EVIDENCE_LESSONS");
	if ((!path || !*path) && c && fs_exists(c->lessons_path))
		path = c->lessons_path;
	index_memo(&src, use_form, &memo);
	if (!path || !*path) {
		if (usedp)
			*usedp = "the built-in taxonomy";
		rc = lessons_parse_memo(default_lessons_conf,
					strlen(default_lessons_conf),
					"built-in lessons.conf", &memo, out,
					err, errsz);
		memo_release(&memo);
		return rc;
	}
	if (usedp)
		*usedp = path;
	rc = lessons_load_memo(path, &memo, out, err, errsz);
	if (rc && rc != EV_PARSE && !err[0])
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	memo_release(&memo);
	return rc;
}

ev_status setup_lessons(const struct cli *cli, const struct collection *c,
			xdb_t *db, struct lessons **out, const char **usedp,
			char *err, size_t errsz)
{
	return read_lessons(cli, c, db, 1, out, usedp, err, errsz);
}

ev_status setup_lessons_parsed(const struct cli *cli,
			       const struct collection *c,
			       struct lessons **out, char *err, size_t errsz)
{
	return read_lessons(cli, c, NULL, 0, out, NULL, err, errsz);
}

ev_status setup_synonyms(const struct collection *c, char **textp)
{
	struct buf b = BUF_INIT;
	ev_status rc;

	*textp = NULL;
	if (c && fs_exists(c->synonyms_path)) {
		rc = fs_read_file(c->synonyms_path, MAX_CONF_FILE, &b);
		if (rc) {
			buf_release(&b);
			return rc;
		}
		*textp = buf_detach(&b);
		return EV_OK;
	}
	*textp = strdup(default_synonyms_conf);
	return *textp ? EV_OK : EV_NOMEM;
}
