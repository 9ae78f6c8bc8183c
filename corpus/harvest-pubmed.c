/* harvest-pubmed.c - PubMed through the E-utilities: esearch, then efetch */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harvest-int.h"
#include "text.h"
#include "xml.h"

#define PUBMED_BASE "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
/* esearch gives at most this many records of one search through the
 * history server; a bigger search is split into date windows. */
#define PUBMED_CAP 10000
/* Records per efetch. */
#define PUBMED_BATCH 200

/* --- Days, for date windows --- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void harvest_civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

long harvest_date_days(const char *s, int end)
{
	int y = 0, m = 0, d = 0;

	if (!s || sscanf(s, "%d%*[-/]%d%*[-/]%d", &y, &m, &d) < 1)
		return -1;
	if (!m)
		return end ? days_from_civil(y, 12, 31)
			   : days_from_civil(y, 1, 1);
	if (!d)
		return end ? days_from_civil(m == 12 ? y + 1 : y,
					     m == 12 ? 1 : m + 1, 1) -
				 1
			   : days_from_civil(y, m, 1);
	return days_from_civil(y, m, d);
}

static ev_status add_day(struct buf *b, const char *key, long days)
{
	int y, m, d;

	harvest_civil_from_days(days, &y, &m, &d);
	return buf_printf(b, "&%s=%04d/%02d/%02d", key, y, m, d);
}

/* --- Requests --- */

/* tool, email and api_key, as NCBI asks every client to send. */
static ev_status add_identity(struct hsource *hs, struct buf *b)
{
	const char *email = source_get(hs->src, "email");
	const char *key = source_get(hs->src, "api_key");
	ev_status rc = buf_addstr(b, "&tool=evidence");

	if (!rc && email && *email && !(rc = buf_addstr(b, "&email=")))
		rc = url_encode(b, email);
	if (!rc && key && *key && !(rc = buf_addstr(b, "&api_key=")))
		rc = url_encode(b, key);
	return rc;
}

static void esearch_done(struct hsource *hs, struct hreq *rq,
			 struct fetch_result *res);
static void efetch_done(struct hsource *hs, struct hreq *rq,
			struct fetch_result *res);

/* esearch for the source's query over [LO, HI] (days; -1: open). */
static ev_status queue_esearch(struct hsource *hs, long lo, long hi)
{
	char *base = hs_base(hs, "base", PUBMED_BASE);
	struct buf url = BUF_INIT;
	char window[64];
	ev_status rc = EV_NOMEM;

	if (!base)
		goto out;
	rc = buf_printf(&url, "%sesearch.fcgi?db=pubmed&term=", base);
	if (!rc)
		rc = url_encode(&url, source_get(hs->src, "query"));
	if (!rc)
		rc = buf_addstr(&url, "&usehistory=y&retmax=0");
	if (!rc && (lo >= 0 || hi >= 0)) {
		/* Both ends are needed by esearch. */
		if (lo < 0)
			lo = days_from_civil(1800, 1, 1);
		if (hi < 0)
			hi = days_from_civil(3000, 12, 31);
		rc = buf_addstr(&url, "&datetype=pdat");
		if (!rc)
			rc = add_day(&url, "mindate", lo);
		if (!rc)
			rc = add_day(&url, "maxdate", hi);
	}
	if (!rc)
		rc = add_identity(hs, &url);
	snprintf(window, sizeof(window), "%ld", hi);
	if (!rc)
		rc = hs_queue(hs, buf_str(&url), esearch_done, lo, window,
			      NULL, NULL);
out:
	buf_release(&url);
	free(base);
	return rc;
}

/* The text of the first child NAME of ROOT, malloc'd, or NULL. */
static char *child_text(xmlNode *root, const char *name)
{
	char *text = NULL;

	xml_text(xml_child(root, name), &text);
	return text;
}

static void esearch_done(struct hsource *hs, struct hreq *rq,
			 struct fetch_result *res)
{
	char err[256] = "";
	char *count_s = NULL, *webenv = NULL, *qkey = NULL, *error = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root;
	long lo = rq->start, hi = atol(rq->arg), count;
	ev_status rc = EV_OK;

	hs_outcome(hs)->payloads++;
	if (res->status) {
		hs_fetch_failed(hs, res);
		return;
	}
	if (xml_parse(res->body.ptr ? res->body.ptr : "", res->body.len,
		      rq->url, &doc, err, sizeof(err))) {
		hs_fail(hs, EV_PARSE, 0, "esearch", "%s", err);
		return;
	}
	root = xmlDocGetRootElement(doc);
	error = child_text(root, "ERROR");
	if (!xml_is(root, "eSearchResult") || error) {
		/* An error inside an HTTP 200 answer: the search failed,
		 * it did not find nothing. */
		hs_fail(hs, EV_PARSE, 0, "esearch", "PubMed said: %s",
			error ? error : "not an esearch answer");
		goto out;
	}
	count_s = child_text(root, "Count");
	webenv = child_text(root, "WebEnv");
	qkey = child_text(root, "QueryKey");
	count = count_s ? atol(count_s) : -1;
	if (count < 0 || (count > 0 && (!webenv || !qkey))) {
		hs_fail(hs, EV_PARSE, 0, "esearch",
			"no Count, WebEnv or QueryKey in the answer");
		goto out;
	}
	if (count > PUBMED_CAP) {
		if (lo < 0)
			lo = harvest_date_days("1800", 0);
		if (hi < 0) {
			time_t now = time(NULL);

			hi = (long)(now / 86400) + 1;
		}
		if (hi > lo) {
			long mid = lo + (hi - lo) / 2;

			rc = queue_esearch(hs, lo, mid);
			if (!rc)
				rc = queue_esearch(hs, mid + 1, hi);
			goto out;
		}
		hs_note(hs, "%ld records on one day; only the first %d "
			    "fetched",
			count, PUBMED_CAP);
		count = PUBMED_CAP;
	}
	for (long start = 0; !rc && start < count; start += PUBMED_BATCH) {
		char *base = hs_base(hs, "base", PUBMED_BASE);
		struct buf url = BUF_INIT;

		rc = base ? buf_printf(&url,
				       "%sefetch.fcgi?db=pubmed&query_key=",
				       base)
			  : EV_NOMEM;
		if (!rc)
			rc = url_encode(&url, qkey);
		if (!rc)
			rc = buf_addstr(&url, "&WebEnv=");
		if (!rc)
			rc = url_encode(&url, webenv);
		if (!rc)
			rc = buf_printf(&url,
					"&retstart=%ld&retmax=%d&retmode=xml",
					start, PUBMED_BATCH);
		if (!rc)
			rc = add_identity(hs, &url);
		if (!rc)
			rc = hs_queue(hs, buf_str(&url), efetch_done, start,
				      NULL, NULL, NULL);
		buf_release(&url);
		free(base);
	}
out:
	if (rc)
		hs_fail(hs, rc, 0, "esearch", "%s", status_to_string(rc));
	free(count_s);
	free(webenv);
	free(qkey);
	free(error);
	xml_free(doc);
}

/* Where an efetch answer says it failed inside an HTTP 200: an
 * <ERROR> element, an eFetchResult, or no PubmedArticleSet at all. */
static int efetch_error(const char *body, size_t len, char *msg,
			size_t msgsz)
{
	size_t n = len < 4096 ? len : 4096;
	const char *e = memmem(body, n, "<ERROR>", 7);

	if (e) {
		const char *end = memmem(e, (size_t)(body + len - e),
					 "</ERROR>", 8);
		int elen = end ? (int)(end - e - 7) : 0;

		snprintf(msg, msgsz, "PubMed said: %.*s",
			 elen > 200 ? 200 : elen, e + 7);
		return 1;
	}
	if (!memmem(body, n, "<PubmedArticleSet", 17) &&
	    !memmem(body, n, "<PubmedBookArticleSet", 21)) {
		snprintf(msg, msgsz, "not a PubMed efetch answer");
		return 1;
	}
	return 0;
}

static void efetch_done(struct hsource *hs, struct hreq *rq,
			struct fetch_result *res)
{
	const char *body = res->body.ptr ? res->body.ptr : "";
	char msg[300];

	hs_outcome(hs)->payloads++;
	if (res->status) {
		hs_fetch_failed(hs, res);
		return;
	}
	if (efetch_error(body, res->body.len, msg, sizeof(msg))) {
		hs_fail(hs, EV_PARSE, 0, "efetch", "%s", msg);
		return;
	}
	hs_take_mem(hs, FORMAT_PUBMED, rq->url, rq->url, body, res->body.len,
		    NULL, NULL, NULL);
}

ev_status harvest_pubmed_ids(struct hsource *hs, const struct strvec *ids,
			     const char *base_key)
{
	char *base = hs_base(hs, base_key, PUBMED_BASE);
	struct buf url = BUF_INIT;
	int n = 0;
	ev_status rc = base ? EV_OK : EV_NOMEM;

	for (size_t i = 0; !rc && i <= ids->n; i++) {
		const char *pmid = i < ids->n ? ids->v[i] : NULL;

		if (pmid && (!*pmid || strspn(pmid, "0123456789") !=
					   strlen(pmid))) {
			hs_fail(hs, EV_USAGE, 0, pmid, "not a PMID");
			continue;
		}
		if (pmid)
			rc = n ? buf_printf(&url, ",%s", pmid)
			       : buf_printf(&url,
					    "%sefetch.fcgi?db=pubmed&id=%s",
					    base, pmid);
		if (pmid)
			n++;
		if (!rc && n && (!pmid || n == PUBMED_BATCH)) {
			rc = buf_addstr(&url, "&retmode=xml");
			if (!rc)
				rc = add_identity(hs, &url);
			if (!rc)
				rc = hs_queue(hs, buf_str(&url), efetch_done,
					      0, NULL, NULL, NULL);
			buf_reset(&url);
			n = 0;
		}
	}
	buf_release(&url);
	free(base);
	return rc;
}

ev_status harvest_pubmed(struct hsource *hs)
{
	ev_status rc = EV_OK;
	const char *until = source_get(hs->src, "until");

	if (source_get(hs->src, "pmid")) {
		struct strvec ids = STRVEC_INIT;
		const char *pmid;
		size_t pos = 0;

		while (!rc && (pmid = source_next(hs->src, "pmid", &pos)))
			rc = strvec_push(&ids, pmid);
		if (!rc)
			rc = harvest_pubmed_ids(hs, &ids, "base");
		strvec_release(&ids);
	}
	if (!rc && source_get(hs->src, "query"))
		rc = queue_esearch(hs, harvest_date_days(hs_since(hs), 0),
				   harvest_date_days(until, 1));
	return rc;
}
