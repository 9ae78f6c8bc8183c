/* fetch.h - concurrent, bounded HTTP(S) and file:// fetching (libcurl) */
#ifndef EVIDENCE_FETCH_H
#define EVIDENCE_FETCH_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/*
 * The only module that uses libcurl.  Requests are queued with
 * fetch_add() and run by fetch_run() over curl's multi interface, at most
 * MAX_TOTAL at a time, at most MAX_PER_HOST per host, and no more than
 * RATE_PER_SEC starts per host per second (an interval per host, 5% over
 * 1/RATE_PER_SEC; retries count as starts).  Requests start in the
 * order they were added, each as soon as the limits allow it (a slot a
 * transfer frees is filled before fetch_run() waits again).  Each
 * finished request is handed to the DONE callback once, with its final
 * result.
 *
 * Hardening that holds whatever the options say: only http, https and
 * file URLs; redirects only to http and https, at most 5; TLS
 * verification on; no proxy from the environment (only OPTS.proxy); the
 * body cap counts decompressed bytes and a body over it fails with
 * EV_TOO_BIG; a body cut short is an error, never a success.
 *
 * Retries: timeouts, connection failures, truncated bodies, 408, 429 and
 * 5xx, up to MAX_ATTEMPTS in all, after BACKOFF_BASE_MS doubling with
 * jitter (up to half again), or after Retry-After (seconds or HTTP-date)
 * clamped to [RETRY_AFTER_MIN_MS, RETRY_AFTER_MAX_MS].  Other 4xx are
 * never retried.
 *
 * Unless ALLOW_PRIVATE is set, a connection to a loopback, private,
 * link-local or unspecified address is refused before it is made
 * (EV_NETWORK, not retried).  Callers set it only for a source whose
 * own configured URL is loopback (the tests' server on 127.0.0.1).
 */
struct fetch_opts {
	long max_total;		/* concurrent transfers (default 8) */
	long max_per_host;	/* concurrent per host (default 2) */
	double rate_per_sec;	/* starts per host per second (default 3) */
	long connect_timeout_ms; /* default 10 s */
	long timeout_ms;	/* whole transfer; default 120 s */
	long low_speed_limit;	/* bytes/s (default 1024) ... */
	long low_speed_time;	/* ... for this many seconds (default 30) */
	size_t max_body;	/* decompressed bytes (default 64 MiB) */
	int max_attempts;	/* default 5 */
	long backoff_base_ms;	/* default 1000 */
	long retry_after_min_ms; /* default 1 s */
	long retry_after_max_ms; /* default 15 min */
	int allow_private;	/* default 0 */
	const char *proxy;	/* NULL: no proxy at all */
	const char *user_agent; /* NULL: "evidence/VERSION (+contact)" */
};

/* Fill OPTS with the production defaults above. */
void fetch_opts_default(struct fetch_opts *opts);

/*
 * The outcome of one request.  Valid only during the DONE callback; take
 * BODY's memory with buf_detach() to keep it.  STATUS is EV_OK for a 2xx
 * (or a file read) and for 304, which sets NOT_MODIFIED and leaves BODY
 * empty.  ERROR is one line naming the URL and the cause when STATUS is
 * not EV_OK.  Strings absent from the response are NULL.
 */
struct fetch_result {
	const char *url;
	void *user;
	ev_status status;
	long http_code;		/* 0 for file:// and when nothing came back */
	int not_modified;
	int attempts;		/* transfers made, retries included */
	struct buf body;
	const char *content_type; /* without parameters, e.g. "text/html" */
	const char *charset;	/* from Content-Type, or NULL */
	const char *etag;
	const char *last_modified;
	const char *error;
};

typedef void fetch_done_fn(struct fetch_result *res, void *arg);

struct fetcher;

/* A new fetcher with a copy of OPTS (NULL: defaults).  EV_NOMEM,
 * EV_NETWORK when libcurl cannot start; message in ERR (may be NULL). */
ev_status fetch_new(struct fetcher **out, const struct fetch_opts *opts,
		    struct buf *err);

/* Queue URL.  ETAG and LAST_MODIFIED (either may be NULL) make the
 * request conditional.  EV_USAGE for a validator with a line break. */
ev_status fetch_add(struct fetcher *f, const char *url, const char *etag,
		    const char *last_modified, void *user);

/* Run every queued request to its end, calling DONE(res, ARG) for each.
 * EV_OK when all ran (each result has its own status); EV_NOMEM or
 * EV_NETWORK when the fetcher itself failed. */
ev_status fetch_run(struct fetcher *f, fetch_done_fn *done, void *arg);

void fetch_free(struct fetcher *f);

#endif
