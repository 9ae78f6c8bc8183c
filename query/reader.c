/* reader.c - opening the index for reading, and counting what it holds */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fields.h"
#include "reader.h"
#include "strvec.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

ev_status reader_open(const char *dir, xdb_t **dbp, char **msgp)
{
	char *msg = NULL;
	ev_status rc = EV_OK;
	int n = -1;

	*msgp = NULL;
	for (int attempt = 0; attempt < 4; attempt++) {
		free(msg);
		msg = NULL;
		rc = xdb_open(dir, XDB_READ, dbp, &msg);
		if (rc != EV_NOT_FOUND && rc != EV_MODIFIED)
			break;
		sleep_ms(50L << attempt);
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

ev_status reader_count_kind(xdb_t *db, const char *kind, unsigned *countp)
{
	char term[64];

	snprintf(term, sizeof(term), "%s%s", PREFIX_KIND, kind);
	return xdb_termfreq(db, term, countp);
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
