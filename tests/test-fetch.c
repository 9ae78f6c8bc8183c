/* test-fetch.c - the fetcher against tests/http-server and file:// */
#include "config.h"
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../corpus/fetch.h"
#include "tap.h"

static int port;
static pid_t server;
static int server_stdin = -1;

/*
 * libcurl waits in poll().  While count_idle is set, every wait that ran
 * out a timeout of the fetcher's own length (90 ms or more: curl's own
 * timers are shorter) with nothing ready counts as idle: against a local
 * server that answers at once, the fetcher was then asleep with a
 * request it could have started (test_refill()).
 */
static int count_idle, idle_polls;

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	static int (*real_poll)(struct pollfd *, nfds_t, int);
	int rc;

	if (!real_poll)
		*(void **)&real_poll = dlsym(RTLD_NEXT, "poll");
	if (!real_poll)
		abort();
	rc = real_poll(fds, n, timeout);
	if (count_idle && rc == 0 && timeout >= 90)
		idle_polls++;
	return rc;
}

static void start_server(const char *builddir, const char *srcdir)
{
	int in[2], out[2];
	char exe[4096], fix[4096], line[32];
	FILE *fp;

	snprintf(exe, sizeof(exe), "%s/tests/http-server", builddir);
	snprintf(fix, sizeof(fix), "%s/tests/fixtures/fetch", srcdir);
	if (pipe(in) || pipe(out))
		exit(1);
	server = fork();
	if (server == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(exe, exe, fix, "--max-seconds", "60", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	server_stdin = in[1];
	fp = fdopen(out[0], "r");
	if (!fp || !fgets(line, sizeof(line), fp)) {
		printf("Bail out! http-server did not start (%s)\n", exe);
		exit(1);
	}
	fclose(fp);
	port = atoi(line);
}

static void stop_server(void)
{
	close(server_stdin);
	waitpid(server, NULL, 0);
}

/* What one request ended as, copied out of the callback. */
struct outcome {
	ev_status status;
	long code;
	int attempts;
	int not_modified;
	int order;		/* 1 for the first to finish, and so on */
	size_t len;
	char body[4096];
	char error[256];
	char etag[32];
	char lastmod[48];
	char ctype[32];
	char charset[16];
};

static int finished;

static void on_done(struct fetch_result *res, void *arg)
{
	struct outcome *o = res->user;

	(void)arg;
	o->order = ++finished;
	o->status = res->status;
	o->code = res->http_code;
	o->attempts = res->attempts;
	o->not_modified = res->not_modified;
	o->len = res->body.len;
	snprintf(o->body, sizeof(o->body), "%s", buf_str(&res->body));
	snprintf(o->error, sizeof(o->error), "%s",
		 res->error ? res->error : "");
	snprintf(o->etag, sizeof(o->etag), "%s", res->etag ? res->etag : "");
	snprintf(o->lastmod, sizeof(o->lastmod), "%s",
		 res->last_modified ? res->last_modified : "");
	snprintf(o->ctype, sizeof(o->ctype), "%s",
		 res->content_type ? res->content_type : "");
	snprintf(o->charset, sizeof(o->charset), "%s",
		 res->charset ? res->charset : "");
}

static void test_opts(struct fetch_opts *o)
{
	fetch_opts_default(o);
	o->allow_private = 1;
	o->rate_per_sec = 0;
	o->max_per_host = 8;
	o->backoff_base_ms = 10;
	o->retry_after_min_ms = 10;
	o->retry_after_max_ms = 2000;
	o->timeout_ms = 10000;
	o->low_speed_time = 2;
	o->low_speed_limit = 1024;
	o->max_body = 1 << 20;
}

/* Fetch one URL with OPTS and return its outcome in OUT. */
static void fetch_one(const struct fetch_opts *opts, const char *url,
		      const char *etag, struct outcome *out)
{
	struct fetcher *f;
	struct buf err = BUF_INIT;

	memset(out, 0, sizeof(*out));
	out->status = EV_STATUS_LAST;
	if (fetch_new(&f, opts, &err) || fetch_add(f, url, etag, NULL, out) ||
	    fetch_run(f, on_done, NULL))
		out->status = EV_STATUS_LAST;
	fetch_free(f);
	buf_release(&err);
}

static struct {
	const char *path;	/* on the server; "file:" for the fixture */
	ev_status status;
	long code;
	int attempts;
	const char *body;	/* prefix of the body, NULL: don't care */
	const char *error;	/* substring of the message, NULL: none */
} cases[] = {
	{ "/hello.txt", EV_OK, 200, 1, "hello fetch\n", NULL },
	/* 4xx other than 408/429 are never retried */
	{ "/status/404", EV_HTTP, 404, 1, "", "HTTP 404" },
	{ "/status/403", EV_HTTP, 403, 1, "", "HTTP 403" },
	/* 5xx are retried up to 5 attempts in all */
	{ "/status/503", EV_HTTP, 503, 5, "", "HTTP 503" },
	{ "/status/408", EV_HTTP, 408, 5, "", "HTTP 408" },
	/* two 503s, then success on the third attempt */
	{ "/flaky/2", EV_OK, 200, 3, "ok after retries\n", NULL },
	/* 429 with Retry-After: 1, then 200 */
	{ "/retry-after/1", EV_OK, 200, 2, "ok\n", NULL },
	/* an error page served as 200 is a success at this layer */
	{ "/error-in-200", EV_OK, 200, 1, "error: no such record\n", NULL },
	/* Content-Length larger than the body: error and retried */
	{ "/short-body", EV_NETWORK, 200, 5, "", "/short-body" },
	{ "/reset-mid-body", EV_NETWORK, 200, 5, "", "/reset-mid-body" },
	/* the cap counts decompressed bytes */
	{ "/gzip-bomb", EV_TOO_BIG, 200, 1, "", "cap" },
	{ "/endless", EV_TOO_BIG, 200, 1, "", "cap" },
	/* redirects to other schemes refused before anything is read */
	{ "/redirect-to?url=file:///etc/passwd", EV_UNSUPPORTED, 302, 1, "",
	  "scheme" },
	{ "/redirect-to?url=gopher://127.0.0.1/", EV_UNSUPPORTED, 302, 1, "",
	  "scheme" },
	{ "/redirect-loop", EV_HTTP, 302, 1, "", "more than 5 redirects" },
	/* the fixture through file:// takes the same path */
	{ "file:", EV_OK, 0, 1, "hello fetch\n", NULL },
	{ "file:missing", EV_NOT_FOUND, 0, 1, "", "no such file" },
	/* scheme not allowed at all */
	{ "gopher://127.0.0.1/", EV_UNSUPPORTED, 0, 1, "", "scheme" },
};

static void make_url(char *url, size_t n, const char *path,
		     const char *srcdir)
{
	if (!strcmp(path, "file:"))
		snprintf(url, n, "file://%s/tests/fixtures/fetch/hello.txt",
			 srcdir);
	else if (!strncmp(path, "file:", 5))
		snprintf(url, n, "file://%s/tests/fixtures/fetch/%s", srcdir,
			 path + 5);
	else if (path[0] == '/')
		snprintf(url, n, "http://127.0.0.1:%d%s", port, path);
	else
		snprintf(url, n, "%s", path);
}

static void test_cases(const char *srcdir)
{
	struct fetch_opts o;
	struct outcome out;
	char url[4096];
	size_t i;

	test_opts(&o);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_url(url, sizeof(url), cases[i].path, srcdir);
		fetch_one(&o, url, NULL, &out);
		is_int(out.status, cases[i].status, "%s: status",
		       cases[i].path);
		is_int(out.code, cases[i].code, "%s: HTTP code", cases[i].path);
		is_int(out.attempts, cases[i].attempts, "%s: attempts",
		       cases[i].path);
		if (cases[i].body)
			is_str(out.body, cases[i].body, "%s: body",
			       cases[i].path);
		if (cases[i].error)
			ok(strstr(out.error, cases[i].error), "%s: error '%s'",
			   cases[i].path, out.error);
		else
			is_str(out.error, "", "%s: no error", cases[i].path);
		if (cases[i].status != EV_OK)
			is_int(out.len, 0, "%s: no body on failure",
			       cases[i].path);
	}
}

static void test_etag(void)
{
	struct fetch_opts o;
	struct outcome out;
	char url[256];

	test_opts(&o);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/etag", port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_OK, "etag: first fetch");
	is_str(out.etag, "\"v1\"", "etag: the response's ETag");
	is_str(out.ctype, "text/plain", "etag: content type");
	is_str(out.charset, "utf-8", "etag: charset");
	is_str(out.lastmod, "Mon, 02 Nov 2026 10:00:00 GMT",
	       "etag: the response's Last-Modified");
	ok(!out.not_modified, "etag: first fetch is modified");
	fetch_one(&o, url, "\"v1\"", &out);
	is_int(out.status, EV_OK, "etag: conditional fetch");
	is_int(out.code, 304, "etag: 304");
	ok(out.not_modified, "etag: not modified");
	is_int(out.len, 0, "etag: empty body");
	/* Last-Modified alone makes the request conditional too */
	{
		struct fetcher *f;

		fetch_new(&f, &o, NULL);
		fetch_add(f, url, NULL, "Mon, 02 Nov 2026 10:00:00 GMT", &out);
		fetch_run(f, on_done, NULL);
		fetch_free(f);
		is_int(out.code, 304, "last-modified: 304");
		ok(out.not_modified, "last-modified: not modified");
	}
	/* a validator with a line break would inject a header */
	{
		struct fetcher *f;

		fetch_new(&f, &o, NULL);
		is_int(fetch_add(f, url, "\"x\"\r\nEvil: 1", NULL, NULL),
		       EV_USAGE, "etag: validator with CRLF refused");
		fetch_free(f);
	}
}

static void test_timeouts(void)
{
	struct fetch_opts o;
	struct outcome out;
	char url[256];

	test_opts(&o);
	o.max_attempts = 2;
	o.low_speed_time = 1;
	/* 1 byte per 400 ms is under 1 KiB/s: aborted, retried once */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/slow-body?ms=400",
		 port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_NETWORK, "slow body: network error");
	is_int(out.attempts, 2, "slow body: retried");
	o.timeout_ms = 700;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/slow-headers", port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_NETWORK, "slow headers: network error");
	ok(strstr(out.error, "imeout") || strstr(out.error, "imed out"),
	   "slow headers: timeout message '%s'", out.error);
}

/* How many /rate/ requests the server has logged. */
static int logged(struct outcome *log)
{
	struct fetch_opts o;
	char url[256];
	int n = 0;

	test_opts(&o);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/log", port);
	fetch_one(&o, url, NULL, log);
	for (char *p = log->body; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

static void test_private(void)
{
	struct fetch_opts o;
	struct outcome out, log;
	char url[256];
	int before = logged(&log);

	test_opts(&o);
	o.allow_private = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/rate/private", port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_NETWORK, "private: refused");
	is_int(out.attempts, 1, "private: not retried");
	ok(strstr(out.error, "private address"), "private: message '%s'",
	   out.error);
	is_int(logged(&log), before, "private: server saw no request");
}

/* Fetch PREFIX0 .. PREFIX<N-1> in one run; each must succeed. */
static void fetch_many(const struct fetch_opts *o, const char *prefix, int n,
		       struct outcome *outs, const char *what)
{
	struct fetcher *f;
	char url[256];
	int i;

	fetch_new(&f, o, NULL);
	for (i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%d%s%d", port,
			 prefix, i);
		fetch_add(f, url, NULL, NULL, &outs[i]);
	}
	is_int(fetch_run(f, on_done, NULL), EV_OK, "%s: run", what);
	fetch_free(f);
	for (i = 0; i < n; i++)
		is_int(outs[i].status, EV_OK, "%s: request %d", what, i);
}

static struct outcome rated[7];

static void test_rate(void)
{
	struct fetch_opts o;
	struct outcome log;
	long long t[64];
	int i, j, n = 0, worst = 0, before = logged(&log);
	char *p;

	test_opts(&o);
	o.rate_per_sec = 3;
	fetch_many(&o, "/rate/", 7, rated, "rate");
	is_int(logged(&log), before + 7, "rate: server saw 7 requests");
	for (p = log.body, i = 0; *p && n < 64; p = strchr(p, '\n') + 1, i++)
		if (i >= before)
			t[n++] = atoll(p);
	/*
	 * The server logs when a request arrives, not when the fetcher
	 * started it, and on a loaded machine one arrival can lag behind
	 * its start by a few hundred ms and bunch up with the next.  So
	 * allow one extra arrival per window, and check the spread as
	 * well: seven starts at 3/s take at least 2 s, and an unlimited
	 * fetcher sends all seven within a few ms, failing both checks.
	 */
	for (i = 0; i < n; i++) {
		int c = 0;

		for (j = 0; j < n; j++)
			c += t[j] >= t[i] && t[j] < t[i] + 1000;
		if (c > worst)
			worst = c;
	}
	ok(worst <= 4, "rate: at most 3 (+1 for lag) requests in any second "
	   "(saw %d)", worst);
	ok(n == 7 && t[n - 1] - t[0] >= 1500,
	   "rate: seven requests spread over 1.5 s or more (%lld ms)",
	   n ? t[n - 1] - t[0] : 0);
}

/* GET PATH on the server and return the number in the body. */
static long server_number(const char *path)
{
	struct fetch_opts o;
	struct outcome out;
	char url[256];

	test_opts(&o);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	fetch_one(&o, url, NULL, &out);
	return out.status == EV_OK ? atol(out.body) : -1;
}

static struct outcome conc[6];

static void test_limits(void)
{
	struct fetch_opts o;
	struct outcome out;
	char url[256];

	/* the first request and 5 redirects reach the server, no more */
	is_int(server_number("/count/redirect-loop"), 6,
	       "redirect loop: stopped after 5 redirects");

	/* six slow requests to one host, at most two at a time */
	test_opts(&o);
	o.max_per_host = 2;
	fetch_many(&o, "/conc/", 6, conc, "per host");
	is_int(server_number("/conc-max"), 2,
	       "per host: at most 2 connections at once");

	/* a huge Retry-After is clamped to the configured bound */
	test_opts(&o);
	o.retry_after_max_ms = 50;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/retry-after/100000",
		 port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_OK, "retry-after clamp: success");
	is_int(out.attempts, 2, "retry-after clamp: second attempt");

	/* Retry-After as an HTTP-date: waited for, not the 60 s backoff */
	test_opts(&o);
	o.backoff_base_ms = 60000;
	o.retry_after_max_ms = 5000;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/retry-after-date",
		 port);
	fetch_one(&o, url, NULL, &out);
	is_int(out.status, EV_OK, "retry-after date: success");
	is_int(out.attempts, 2, "retry-after date: second attempt");
}

static struct outcome seq[24];

/*
 * One transfer at a time: each one that ends must start the next at
 * once.  A fetcher that instead waits out its poll timeout first (up to
 * 100 ms with nothing running) fetched 10,000 pages from bench-server
 * at half the rate its 16 slots allow.  Counted in idle waits, not in
 * time: an idle wait needs the server to take 90 ms, which a local one
 * never does (/count/ answers at once), where the bug costs one wait per
 * request.
 */
static void test_refill(void)
{
	struct fetch_opts o;
	int n = (int)(sizeof(seq) / sizeof(seq[0]));

	test_opts(&o);
	o.max_total = 1;
	o.max_per_host = 1;
	idle_polls = 0;
	count_idle = 1;
	fetch_many(&o, "/count/refill", n, seq, "refill");
	count_idle = 0;
	ok(idle_polls <= n / 4,
	   "refill: a slot freed is filled before waiting (%d idle waits "
	   "for %d requests)", idle_polls, n);
}

static struct outcome queued[7];

/*
 * A host at its limit holds back only its own requests: the one file://
 * request queued behind six slow ones to the server (200 ms each, one
 * at a time) starts beside the first of them and ends first.
 */
static void test_hosts(const char *srcdir)
{
	struct fetch_opts o;
	struct fetcher *f;
	char url[4096];
	int i;

	test_opts(&o);
	o.max_total = 4;
	o.max_per_host = 1;
	fetch_new(&f, &o, NULL);
	for (i = 0; i < 6; i++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/conc/h%d",
			 port, i);
		fetch_add(f, url, NULL, NULL, &queued[i]);
	}
	make_url(url, sizeof(url), "file:", srcdir);
	fetch_add(f, url, NULL, NULL, &queued[6]);
	finished = 0;
	is_int(fetch_run(f, on_done, NULL), EV_OK, "hosts: run");
	fetch_free(f);
	for (i = 0; i < 7; i++)
		is_int(queued[i].status, EV_OK, "hosts: request %d", i);
	is_int(queued[6].order, 1, "hosts: the file:// request ended first");
	for (i = 0; i < 6; i++)
		is_int(queued[i].order, i + 2,
		       "hosts: the server's requests in their order (%d)", i);
}

static void test_memory(void)
{
	struct rusage ru;

	/* the 64 MiB gzip bomb and the endless body were cut at 1 MiB */
	getrusage(RUSAGE_SELF, &ru);
	ok(ru.ru_maxrss < 200 * 1024, "memory: peak RSS %ld KiB bounded",
	   ru.ru_maxrss);
}

int main(void)
{
	const char *src = getenv("top_srcdir"), *bld = getenv("top_builddir");

	if (!src)
		src = ".";
	if (!bld)
		bld = ".";
	alarm(120); /* whatever breaks, never hang the suite */
	start_server(bld, src);
	test_cases(src);
	test_etag();
	test_timeouts();
	test_private();
	test_rate();
	test_limits();
	test_refill();
	test_hosts(src);
	test_memory();
	stop_server();
	return tap_done();
}
