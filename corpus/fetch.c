/* fetch.c - the fetcher over libcurl's multi interface */
#include "config.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fetch.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#define FETCH_UA "evidence/" PACKAGE_VERSION \
	" (+https://github.com/evidence-kb/evidence; evidence@example.org)"

enum req_state { REQ_WAITING, REQ_ACTIVE, REQ_DONE };

struct host {
	char *name;
	long active;
	long long next_start_ms;
	size_t waiting;		/* its requests in REQ_WAITING */
	unsigned long held;	/* start_ready() pass that found it full */
};

struct request {
	char *url;
	char *etag_in, *lastmod_in;
	void *user;
	struct host *host;
	size_t idx;		/* in fetcher.reqs */
	enum req_state state;
	int attempts;
	int refused;		/* private address refused */
	int too_big;
	long long not_before_ms;
	CURL *easy;
	struct curl_slist *headers;
	struct buf body;
	char errbuf[CURL_ERROR_SIZE];
};

struct fetcher {
	struct fetch_opts opts;
	CURLM *multi;
	struct request **reqs;
	size_t nreqs, alloc;
	size_t left;		/* requests not REQ_DONE */
	size_t first;		/* none before it is REQ_WAITING */
	struct host **hosts;
	size_t nhosts;
	size_t hosts_waiting;	/* hosts with a request waiting */
	unsigned long pass;	/* start_ready() calls */
	unsigned long long rnd;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fetch_opts_default(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_total = 8;
	o->max_per_host = 2;
	o->rate_per_sec = 3;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 120000;
	o->low_speed_limit = 1024;
	o->low_speed_time = 30;
	o->max_body = 64u << 20;
	o->max_attempts = 5;
	o->backoff_base_ms = 1000;
	o->retry_after_min_ms = 1000;
	o->retry_after_max_ms = 15 * 60 * 1000;
}

ev_status fetch_new(struct fetcher **out, const struct fetch_opts *opts,
		    struct buf *err)
{
	struct fetcher *f;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		if (err)
			buf_setf(err, "fetch: libcurl failed to initialise");
		return EV_NETWORK;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		curl_global_cleanup();
		return EV_NOMEM;
	}
	if (opts)
		f->opts = *opts;
	else
		fetch_opts_default(&f->opts);
	if (f->opts.max_total < 1)
		f->opts.max_total = 1;
	if (f->opts.max_per_host < 1)
		f->opts.max_per_host = 1;
	if (f->opts.max_attempts < 1)
		f->opts.max_attempts = 1;
	f->rnd = (unsigned long long)now_ms() * 2654435761u ^ getpid();
	f->multi = curl_multi_init();
	if (!f->multi) {
		if (err)
			buf_setf(err, "fetch: libcurl failed to initialise");
		fetch_free(f);
		return EV_NETWORK;
	}
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  f->opts.max_total);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  f->opts.max_per_host);
	*out = f;
	return EV_OK;
}

static struct host *host_get(struct fetcher *f, const char *url)
{
	CURLU *u = curl_url();
	char *name = NULL;
	struct host **nh, *h = NULL;
	size_t i;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &name, 0))
		name = NULL;
	curl_url_cleanup(u);
	for (i = 0; i < f->nhosts; i++)
		if (!strcmp(f->hosts[i]->name, name ? name : "")) {
			h = f->hosts[i];
			goto out;
		}
	nh = realloc(f->hosts, (f->nhosts + 1) * sizeof(*nh));
	if (!nh)
		goto out;
	f->hosts = nh;
	h = calloc(1, sizeof(*h));
	if (h)
		h->name = strdup(name ? name : "");
	if (h && !h->name) {
		free(h);
		h = NULL;
	}
	if (h)
		f->hosts[f->nhosts++] = h;
out:
	curl_free(name);
	return h;
}

static int has_newline(const char *s)
{
	return s && strpbrk(s, "\r\n");
}

/* R waits to start (again): count it, and let start_ready() look from
 * it on. */
static void set_waiting(struct fetcher *f, struct request *r)
{
	r->state = REQ_WAITING;
	if (r->host->waiting++ == 0)
		f->hosts_waiting++;
	if (r->idx < f->first)
		f->first = r->idx;
}

ev_status fetch_add(struct fetcher *f, const char *url, const char *etag,
		    const char *last_modified, void *user)
{
	struct request *r, **nr;

	if (!url || has_newline(url) || has_newline(etag) ||
	    has_newline(last_modified))
		return EV_USAGE;
	if (f->nreqs == f->alloc) {
		size_t n = f->alloc ? f->alloc * 2 : 16;

		nr = realloc(f->reqs, n * sizeof(*nr));
		if (!nr)
			return EV_NOMEM;
		f->reqs = nr;
		f->alloc = n;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return EV_NOMEM;
	r->url = strdup(url);
	r->etag_in = etag ? strdup(etag) : NULL;
	r->lastmod_in = last_modified ? strdup(last_modified) : NULL;
	r->host = host_get(f, url);
	if (!r->url || (etag && !r->etag_in) ||
	    (last_modified && !r->lastmod_in) || !r->host) {
		free(r->url);
		free(r->etag_in);
		free(r->lastmod_in);
		free(r);
		return EV_NOMEM;
	}
	r->user = user;
	buf_init(&r->body, f->opts.max_body);
	r->idx = f->nreqs;
	f->reqs[f->nreqs++] = r;
	f->left++;
	set_waiting(f, r);
	return EV_OK;
}

static size_t on_write(char *data, size_t size, size_t n, void *p)
{
	struct request *r = p;

	if (buf_add(&r->body, data, size * n)) {
		r->too_big = 1;
		return 0;
	} /* over the cap (or no memory): abort */
	return size * n;
}

static int is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		unsigned long a = ntohl(in->sin_addr.s_addr);

		return (a >> 24) == 127 || (a >> 24) == 10 ||
		       (a >> 24) == 0 || (a >> 20) == 0xac1 ||
		       (a >> 16) == 0xc0a8 || (a >> 16) == 0xa9fe ||
		       (a >> 22) == (100u << 2 | 1) || (a >> 28) >= 0xe;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		const struct in6_addr *a = &in6->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			struct sockaddr_in v4;

			memset(&v4, 0, sizeof(v4));
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, a->s6_addr + 12, 4);
			return is_private((const struct sockaddr *)&v4);
		}
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) ||
		       IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MULTICAST(a) ||
		       (a->s6_addr[0] & 0xfe) == 0xfc;
	}
	return 1;
}

static curl_socket_t on_open(void *p, curlsocktype purpose,
			     struct curl_sockaddr *addr)
{
	struct request *r = p;

	(void)purpose;
	if (is_private(&addr->addr)) {
		r->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

static ev_status req_start(struct fetcher *f, struct request *r)
{
	const struct fetch_opts *o = &f->opts;
	struct buf h = BUF_INIT;
	CURL *e;

	buf_reset(&r->body);
	r->refused = 0;
	r->too_big = 0;
	r->errbuf[0] = '\0';
	e = r->easy = curl_easy_init();
	if (!e)
		return EV_NOMEM;
	if (!r->headers && r->etag_in) {
		if (buf_printf(&h, "If-None-Match: %s", r->etag_in))
			goto nomem;
		r->headers = curl_slist_append(NULL, buf_str(&h));
		if (!r->headers)
			goto nomem;
	}
	if (r->lastmod_in && r->attempts == 0) {
		struct curl_slist *l;

		buf_reset(&h);
		if (buf_printf(&h, "If-Modified-Since: %s", r->lastmod_in))
			goto nomem;
		l = curl_slist_append(r->headers, buf_str(&h));
		if (!l)
			goto nomem;
		r->headers = l;
	}
	buf_release(&h);
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROXY, o->proxy ? o->proxy : "");
	curl_easy_setopt(e, CURLOPT_USERAGENT,
			 o->user_agent ? o->user_agent : FETCH_UA);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	if (r->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	if (!o->allow_private) {
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
	}
	if (curl_multi_add_handle(f->multi, e)) {
		curl_easy_cleanup(e);
		r->easy = NULL;
		return EV_NOMEM;
	}
	r->attempts++;
	r->state = REQ_ACTIVE;
	r->host->active++;
	if (--r->host->waiting == 0)
		f->hosts_waiting--;
	return EV_OK;
nomem:
	buf_release(&h);
	curl_easy_cleanup(e);
	r->easy = NULL;
	return EV_NOMEM;
}

static long long backoff_ms(struct fetcher *f, struct request *r,
			    curl_off_t retry_after)
{
	long long d;
	int i;

	if (retry_after > 0) {
		d = (long long)retry_after * 1000;
		if (d < f->opts.retry_after_min_ms)
			d = f->opts.retry_after_min_ms;
		if (d > f->opts.retry_after_max_ms)
			d = f->opts.retry_after_max_ms;
		return d;
	}
	d = f->opts.backoff_base_ms;
	for (i = 1; i < r->attempts && d < 3600000; i++)
		d *= 2;
	f->rnd ^= f->rnd << 13;
	f->rnd ^= f->rnd >> 7;
	f->rnd ^= f->rnd << 17;
	if (d > 1)
		d += (long long)(f->rnd % (unsigned long long)(d / 2 + 1));
	return d;
}

static char *dup_header(CURL *e, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	return strdup(h->value);
}

/* Decide the status of a finished transfer; *RETRY when worth another go. */
static ev_status classify(struct request *r, CURLcode cc, long code,
			  int *retry, struct buf *msg)
{
	*retry = 0;
	if (r->refused) {
		buf_setf(msg, "%s: refused to connect to a private address",
			 r->url);
		return EV_NETWORK;
	}
	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_WRITE_ERROR:
		if (!r->too_big)
			goto other;
		buf_setf(msg, "%s: body over the %zu-byte cap", r->url,
			 r->body.max);
		return EV_TOO_BIG;
	case CURLE_UNSUPPORTED_PROTOCOL:
		buf_setf(msg, "%s: unsupported or refused scheme: %s", r->url,
			 r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
		return EV_UNSUPPORTED;
	case CURLE_TOO_MANY_REDIRECTS:
		buf_setf(msg, "%s: more than 5 redirects", r->url);
		return EV_HTTP;
	case CURLE_FILE_COULDNT_READ_FILE:
		buf_setf(msg, "%s: no such file", r->url);
		return EV_NOT_FOUND;
	case CURLE_BAD_CONTENT_ENCODING:
		buf_setf(msg, "%s: bad content encoding", r->url);
		return EV_PARSE;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		*retry = 1;
		/* fall through */
	default:
	other:
		buf_setf(msg, "%s: %s", r->url,
			 r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
		return EV_NETWORK;
	}
	if (code == 0 || (code >= 200 && code < 300) || code == 304)
		return EV_OK;
	if (code == 408 || code == 429 || code >= 500)
		*retry = 1;
	buf_setf(msg, "%s: HTTP %ld", r->url, code);
	return EV_HTTP;
}

static void req_finish(struct fetcher *f, struct request *r, CURLcode cc,
		       fetch_done_fn *done, void *arg)
{
	struct fetch_result res;
	struct buf msg = BUF_INIT;
	curl_off_t retry_after = 0;
	char *ct = NULL, *charset = NULL, *etag = NULL, *lastmod = NULL;
	const char *ctype = NULL;
	long code = 0;
	int retry;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	memset(&res, 0, sizeof(res));
	res.status = classify(r, cc, code, &retry, &msg);
	if (retry && r->attempts < f->opts.max_attempts) {
		curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &retry_after);
		r->not_before_ms = now_ms() + backoff_ms(f, r, retry_after);
		set_waiting(f, r);
		goto out;
	}
	res.url = r->url;
	res.user = r->user;
	res.http_code = code;
	res.attempts = r->attempts;
	res.not_modified = res.status == EV_OK && code == 304;
	if (res.status == EV_OK) {
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ctype);
		if (ctype) {
			char *p, *cs;

			ct = strdup(ctype);
			cs = ct ? strcasestr(ct, "charset=") : NULL;
			if (cs) {
				cs += 8;
				if (*cs == '"')
					cs++;
				charset = strndup(cs, strcspn(cs, "\"; \t"));
			}
			p = ct ? strpbrk(ct, "; \t") : NULL;
			if (p)
				*p = '\0';
		}
		etag = dup_header(r->easy, "ETag");
		lastmod = dup_header(r->easy, "Last-Modified");
	} else {
		buf_release(&r->body);
	}
	if (res.not_modified)
		buf_reset(&r->body);
	res.content_type = ct;
	res.charset = charset;
	res.etag = etag;
	res.last_modified = lastmod;
	res.error = res.status ? buf_str(&msg) : NULL;
	res.body = r->body;
	buf_init(&r->body, 0);
	r->state = REQ_DONE;
	f->left--;
	done(&res, arg);
	buf_release(&res.body);
out:
	curl_multi_remove_handle(f->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	r->host->active--;
	free(ct);
	free(charset);
	free(etag);
	free(lastmod);
	buf_release(&msg);
}

/*
 * Start what the limits allow, in the order the requests were added;
 * return ms until something may start.  Nothing before f->first waits,
 * and the scan stops once every host with a request waiting is held (at
 * its limit of transfers, or of starts for now), so a queue of
 * thousands for one host costs what its free slots do, not its length.
 */
static long start_ready(struct fetcher *f, long active, long *started,
			ev_status *rc)
{
	long long now = now_ms(), wait = 1000;
	size_t i, held = 0;

	*started = 0;
	f->pass++;
	while (f->first < f->nreqs && f->reqs[f->first]->state != REQ_WAITING)
		f->first++;
	for (i = f->first; i < f->nreqs && active < f->opts.max_total &&
			   held < f->hosts_waiting;
	     i++) {
		struct request *r = f->reqs[i];
		struct host *h = r->host;

		if (r->state != REQ_WAITING || h->held == f->pass)
			continue;
		if (h->active >= f->opts.max_per_host ||
		    h->next_start_ms > now) {
			if (h->next_start_ms > now &&
			    h->next_start_ms - now < wait)
				wait = h->next_start_ms - now;
			h->held = f->pass;
			held++;
			continue;
		}
		if (r->not_before_ms > now) {
			/* A retry's backoff holds this request only. */
			if (r->not_before_ms - now < wait)
				wait = r->not_before_ms - now;
			continue;
		}
		*rc = req_start(f, r);
		if (*rc)
			return 0;
		/* The interval has 5% to spare, so that jitter on the
		 * way cannot bunch RATE + 1 starts into one second at the
		 * server. */
		if (f->opts.rate_per_sec > 0)
			h->next_start_ms =
			    now + (long long)(1050.0 / f->opts.rate_per_sec) + 1;
		active++;
		(*started)++;
	}
	return (long)wait;
}

ev_status fetch_run(struct fetcher *f, fetch_done_fn *done, void *arg)
{
	ev_status rc = EV_OK;
	long active = 0, started, wait;

	while (f->left) {
		int running, nmsg;
		long finished = 0;
		CURLMsg *m;

		wait = start_ready(f, active, &started, &rc);
		if (rc)
			goto out;
		active += started;
		if (curl_multi_perform(f->multi, &running)) {
			rc = EV_NETWORK;
			goto out;
		}
		while ((m = curl_multi_info_read(f->multi, &nmsg))) {
			struct request *r;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
					  (char **)&r);
			req_finish(f, r, m->data.result, done, arg);
			active--;
			finished++;
		}
		/* A transfer that ended freed a slot: fill it now, not
		 * after the wait below, which with no other transfer
		 * running would pass in full. */
		if (finished)
			continue;
		/* Wake for the next start the limits allow, even while
		 * transfers run: waiting for their sockets instead would
		 * start one request per wake-up. */
		if (wait > 100)
			wait = 100;
		if (curl_multi_poll(f->multi, NULL, 0, (int)wait, NULL)) {
			rc = EV_NETWORK;
			goto out;
		}
	}
out:
	return rc;
}

void fetch_free(struct fetcher *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nreqs; i++) {
		struct request *r = f->reqs[i];

		if (r->easy) {
			curl_multi_remove_handle(f->multi, r->easy);
			curl_easy_cleanup(r->easy);
		}
		curl_slist_free_all(r->headers);
		buf_release(&r->body);
		free(r->url);
		free(r->etag_in);
		free(r->lastmod_in);
		free(r);
	}
	for (i = 0; i < f->nhosts; i++) {
		free(f->hosts[i]->name);
		free(f->hosts[i]);
	}
	free(f->hosts);
	free(f->reqs);
	if (f->multi)
		curl_multi_cleanup(f->multi);
	free(f);
	curl_global_cleanup();
}
