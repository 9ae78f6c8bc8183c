/* reader.c - opening the index for reading, and counting what it holds */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "fields.h"
#include "reader.h"
#include "strvec.h"

/* Tries at opening an index before a failure counts (reader_open()). */
#define OPEN_TRIES 4

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* An index written with another schema cannot be read: EV_VERSION.  An
 * empty one (no metadata yet) is fine. */
static ev_status check_schema(xdb_t *db)
{
	char *have = NULL;
	ev_status rc = xdb_get_metadata(db, META_SCHEMA, &have);

	if (!rc && *have && atoi(have) != SCHEMA_VERSION)
		rc = EV_VERSION;
	free(have);
	return rc;
}

/*
 * Whether an open that failed with RC and MSG may succeed if tried again:
 * no index yet, a revision gone, or one of its files missing while the
 * rest is there.  Xapian opens the files of an index one by one, by
 * name, and "index --rebuild" swaps its new index in with two renames
 * (indexer/index.c, swap_in()): a reader that read the old version file
 * just before them finds no table file between them.
 */
static int worth_retrying(ev_status rc, const char *msg)
{
	return rc == EV_NOT_FOUND || rc == EV_MODIFIED ||
	       (rc == EV_INDEX && msg &&
		strstr(msg, "No such file or directory"));
}

/*
 * Whether DIR, which was BEFORE when the open began, was replaced while
 * it went on: then the files opened may be of two indexes (the version
 * file of the old, a table of the new), which no error need show.
 */
static int replaced(const char *dir, const struct stat *before)
{
	struct stat now;

	return stat(dir, &now) != 0 || now.st_ino != before->st_ino ||
	       now.st_dev != before->st_dev;
}

ev_status reader_open(const char *dir, xdb_t **dbp, char **msgp)
{
	char *msg = NULL;
	ev_status rc = EV_OK;
	int n = -1;

	*msgp = NULL;
	for (int attempt = 0; attempt < OPEN_TRIES; attempt++) {
		struct stat before;
		int known = stat(dir, &before) == 0;

		free(msg);
		msg = NULL;
		rc = xdb_open(dir, XDB_READ, dbp, &msg);
		if (known && replaced(dir, &before)) {
			if (!rc)
				xdb_close(*dbp);
			*dbp = NULL;
			free(msg);
			msg = strdup("it was replaced while being opened");
			rc = EV_MODIFIED;
		} else if (!worth_retrying(rc, msg)) {
			break;
		}
		/* 50, 100, 200 ms; none after the last try. */
		if (attempt + 1 < OPEN_TRIES)
			sleep_ms(50L << attempt);
	}
	if (!rc) {
		rc = check_schema(*dbp);
		if (rc) {
			xdb_close(*dbp);
			*dbp = NULL;
		}
	}
	if (rc == EV_NOT_FOUND)
		n = asprintf(msgp, "no index at %s: run 'evidence index'",
			     dir);
	else if (rc == EV_CORRUPT)
		n = asprintf(msgp,
			     "the index at %s is damaged (%s): run "
			     "'evidence index --rebuild' to rebuild it from "
			     "the store",
			     dir, msg ? msg : "corrupt");
	else if (rc == EV_VERSION)
		n = asprintf(msgp,
			     "the index at %s was written by another "
			     "version of Xapian or evidence: run 'evidence "
			     "index --rebuild'",
			     dir);
	else if (rc)
		n = asprintf(msgp, "cannot open the index at %s: %s", dir,
			     msg ? msg : status_to_string(rc));
	if (rc && n < 0)
		*msgp = NULL;
	free(msg);
	return rc;
}

int reader_is_stub(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *reader_advice(ev_status rc)
{
	return rc == EV_CORRUPT ? "; the index is damaged: run 'evidence "
				  "index --rebuild' to rebuild it from the "
				  "store"
				: "";
}

int reader_fail(const char *command, ev_status rc, xdb_t *db,
		const char *msg)
{
	char *why = NULL;
	int code;

	if (!msg && asprintf(&why, "%s%s", xdb_errmsg(db),
			     reader_advice(rc)) < 0)
		why = NULL;
	code = cli_fail(rc, command, msg ? msg : why);
	free(why);
	return code;
}

/* Documents matching both TERM and KIND's term. */
static ev_status count_both(xdb_t *db, const char *kind_term, const char *term,
			    unsigned total, unsigned *countp)
{
	xdb_query_t *a = xdb_query_term(kind_term, 1);
	xdb_query_t *b = term ? xdb_query_term(term, 1) : NULL;
	xdb_query_t *q = NULL;
	xdb_enquire_t *enq = NULL;
	xdb_mset_t *mset = NULL;
	ev_status rc = EV_NOMEM;

	*countp = 0;
	if (!a || (term && !b))
		goto out;
	q = term ? xdb_query_combine(XDB_OP_FILTER, a, b) : NULL;
	if (term && !q)
		goto out;
	enq = xdb_enquire_new(db);
	if (!enq)
		goto out;
	rc = xdb_enquire_set_query(enq, q ? q : a);
	/* Counting every match makes the estimate exact. */
	if (!rc)
		rc = xdb_enquire_get_mset(enq, 0, 0, total, &mset);
	if (!rc)
		*countp = xdb_mset_matches_estimated(mset);
out:
	xdb_mset_free(mset);
	xdb_enquire_free(enq);
	xdb_query_free(q);
	xdb_query_free(a);
	xdb_query_free(b);
	return rc;
}

struct count_sum {
	unsigned total;
	unsigned *per;
	size_t n;
};

static int add_counts(unsigned docid, const char *value, size_t len,
		      void *ctx)
{
	struct count_sum *c = ctx;
	char buf[512], *p, *end;
	size_t i = 0;

	(void)docid;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, value, len);
	buf[len] = '\0';
	c->total += (unsigned)strtoul(buf, &end, 10);
	for (p = end; *p && i < c->n; i++, p = end)
		c->per[i] += (unsigned)strtoul(p, &end, 10);
	return 0;
}

/*
 * Passages are not documents: each work's SLOT_COUNTS says how many it
 * has and how many carry each lesson (in META_LESSONS order).  Sum them
 * over the index into *TOTAL, and into *PER_LESSON (malloc'd, NAMES->n
 * entries, the lesson names pushed onto NAMES) when it is not NULL.
 */
static ev_status passage_counts(xdb_t *db, struct strvec *names,
				unsigned *total, unsigned **per_lesson)
{
	struct count_sum c = {0, NULL, 0};
	char *list = NULL, *p, *save = NULL;
	ev_status rc = xdb_get_metadata(db, META_LESSONS, &list);

	for (p = rc ? NULL : strtok_r(list, ",", &save); p && !rc;
	     p = strtok_r(NULL, ",", &save))
		rc = strvec_push(names, p);
	free(list);
	if (!rc) {
		c.n = names->n;
		c.per = calloc(c.n + 1, sizeof(*c.per));
		if (!c.per)
			rc = EV_NOMEM;
	}
	if (!rc)
		rc = xdb_valuestream(db, SLOT_COUNTS, add_counts, &c);
	*total = c.total;
	if (!rc && per_lesson)
		*per_lesson = c.per;
	else
		free(c.per);
	return rc;
}

ev_status reader_count_kind(xdb_t *db, const char *kind, unsigned *countp)
{
	char term[64];

	if (!strcmp(kind, "passage")) {
		struct strvec names = STRVEC_INIT;
		ev_status rc = passage_counts(db, &names, countp, NULL);

		strvec_release(&names);
		return rc;
	}
	snprintf(term, sizeof(term), "%s%s", PREFIX_KIND, kind);
	return xdb_termfreq(db, term, countp);
}

/* reader_facet() over passages: lessons only, from SLOT_COUNTS, in the
 * order of their terms (as for works). */
static ev_status passage_facet(xdb_t *db, const struct strvec *terms,
			       size_t plen, reader_facet_fn fn, void *ctx)
{
	struct strvec names = STRVEC_INIT;
	unsigned total = 0, *per = NULL;
	ev_status rc = passage_counts(db, &names, &total, &per);

	for (size_t i = 0; !rc && i < terms->n; i++) {
		long k = strvec_find(&names, terms->v[i] + plen);

		if (k >= 0 && per[k] && fn(terms->v[i] + plen, per[k], ctx))
			break;
	}
	free(per);
	strvec_release(&names);
	return rc;
}

static int collect(const char *term, unsigned freq, void *ctx)
{
	(void)freq;
	return strvec_push(ctx, term) ? -1 : 0;
}

ev_status reader_facet(xdb_t *db, const char *kind, const char *prefix,
		       reader_facet_fn fn, void *ctx)
{
	struct strvec terms = STRVEC_INIT;
	char kind_term[64];
	unsigned total = 0;
	size_t plen = strlen(prefix);
	ev_status rc;

	snprintf(kind_term, sizeof(kind_term), "%s%s", PREFIX_KIND, kind);
	rc = xdb_doccount(db, &total);
	if (!rc)
		rc = xdb_allterms(db, prefix, collect, &terms);
	if (!rc && !strcmp(kind, "passage")) {
		if (strcmp(prefix, PREFIX_LESSON))
			rc = EV_USAGE; /* passages carry nothing else */
		else
			rc = passage_facet(db, &terms, plen, fn, ctx);
		strvec_release(&terms);
		return rc;
	}
	for (size_t i = 0; !rc && i < terms.n; i++) {
		unsigned count = 0;

		/* "X" + capitals prefixes: skip terms of a longer prefix
		 * that starts with this one ("XT" vs a future "XTX"). */
		if (terms.v[i][plen] >= 'A' && terms.v[i][plen] <= 'Z')
			continue;
		rc = count_both(db, kind_term, terms.v[i], total, &count);
		if (!rc && count && fn(terms.v[i] + plen, count, ctx))
			break;
	}
	strvec_release(&terms);
	return rc;
}
