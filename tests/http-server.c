/* http-server.c - a small HTTP/1.1 server for tests that misbehaves on demand */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/*
 * Usage: http-server FIXTURE-DIR [--max-seconds N]
 * Listens on 127.0.0.1 on an ephemeral port, prints the port on stdout
 * and serves until stdin closes or N seconds (default 60) pass.  One
 * child per connection; every response closes the connection.  Counters
 * shared between the children live in an anonymous shared mapping.
 *
 * Paths: /status/N, /flaky/K (503 K times, then 200), /retry-after/N
 * (429 with Retry-After: N once, then 200), /retry-after-date (503 with
 * Retry-After as an HTTP-date 2 s ahead once, then 200), /slow-body?ms=N, /slow-headers,
 * /reset-mid-body, /short-body, /redirect-loop, /redirect-to?url=U,
 * /gzip-bomb, /endless, /etag (304 for If-None-Match "v1" or, without
 * it, If-Modified-Since on 2 Nov 2026), /error-in-200, /rate/X (logged), /log
 * (the monotonic milliseconds of each /rate/ request, one per line),
 * /count/P (requests seen for a counted path P), /conc/X (200 ms each)
 * and /conc-max (the most /conc/ requests served at once);
 * /cond/P serves the file P with an ETag and Last-Modified made from its
 * size and mtime, and answers 304 to a matching If-None-Match (counted
 * as /304/cond/P, so /count/304/cond/P tells how many bodies were saved);
 * /eutils/esearch.fcgi and /eutils/efetch.fcgi act as NCBI's E-utilities
 * (see eutils() below); every request to them is logged, with its
 * monotonic milliseconds, to FIXTURE-DIR/requests.log;
 * /api/P?...cursor=C (or cursorMark=C) serves the page
 * FIXTURE-DIR/api/P-<query>-<cursor>.json, query and cursor reduced to
 * [a-z0-9-] ("*" becomes "_"), for the cursor-paged APIs; requests under
 * /api/ are logged like the E-utilities';
 * /latency/MS/gen/N waits MS milliseconds, then serves a small generated
 * article page number N (for the benchmark);
 * anything else is a file under FIXTURE-DIR.
 */

#define NPATHS 64
#define NLOG 256

struct shared {
	char paths[NPATHS][128];
	int counts[NPATHS];
	int nlog;
	long long log_ms[NLOG];
	int conc, conc_max;
};

static struct shared *sh;
static const char *fixtures;
static unsigned char *bomb;
static size_t bomb_len;
static int max_seconds = 60;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Increment and return the number of earlier requests for PATH. */
static int path_count(const char *path)
{
	int i;

	for (i = 0; i < NPATHS && sh->paths[i][0]; i++)
		if (!strcmp(sh->paths[i], path))
			return __atomic_fetch_add(&sh->counts[i], 1,
						  __ATOMIC_SEQ_CST);
	if (i == NPATHS)
		return 0;
	snprintf(sh->paths[i], sizeof(sh->paths[i]), "%s", path);
	sh->counts[i] = 1;
	return 0;
}

static void make_bomb(void)
{
	static unsigned char zeros[65536];
	z_stream z;
	size_t cap = 1 << 20;
	int i;

	bomb = malloc(cap);
	memset(&z, 0, sizeof(z));
	if (!bomb || deflateInit2(&z, 9, Z_DEFLATED, 31, 9,
				  Z_DEFAULT_STRATEGY) != Z_OK)
		exit(2);
	z.next_out = bomb;
	z.avail_out = cap;
	for (i = 0; i < 1024; i++) { /* 64 MiB of zeros */
		z.next_in = zeros;
		z.avail_in = sizeof(zeros);
		deflate(&z, Z_NO_FLUSH);
	}
	deflate(&z, Z_FINISH);
	bomb_len = cap - z.avail_out;
	deflateEnd(&z);
}

static void put(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			_exit(0);
		s += w;
		n -= w;
	}
}

static void reply(int fd, int code, const char *extra, const char *body)
{
	char head[1024];
	size_t n = strlen(body);

	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n"
		 "Content-Type: text/plain; charset=utf-8\r\n"
		 "Connection: close\r\n%s\r\n", code, n, extra ? extra : "");
	put(fd, head, strlen(head));
	put(fd, body, n);
}

static void serve_file(int fd, const char *path)
{
	char full[4096], buf[8192];
	FILE *fp;
	size_t n, len;
	char head[256];

	if (strstr(path, "..") || snprintf(full, sizeof(full), "%s%s",
					   fixtures, path) >= (int)sizeof(full)) {
		reply(fd, 403, NULL, "forbidden\n");
		return;
	}
	fp = fopen(full, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (long)(len = ftell(fp)) < 0) {
		if (fp)
			fclose(fp);
		reply(fd, 404, NULL, "not found\n");
		return;
	}
	rewind(fp);
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu"
		 "\r\nConnection: close\r\n\r\n", len);
	put(fd, head, strlen(head));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		put(fd, buf, n);
	fclose(fp);
}

/* A fixture with validators, for conditional GET. */
static void serve_conditional(int fd, const char *path, const char *req)
{
	char full[4096], etag[64], lastmod[64], extra[256], key[2100];
	const char *inm = strcasestr(req, "\r\nIf-None-Match: ");
	struct stat st;
	struct tm tm;

	path_count(path);
	if (strstr(path, "..") ||
	    snprintf(full, sizeof(full), "%s%s", fixtures, path + 5) >=
		(int)sizeof(full) ||
	    stat(full, &st) < 0) {
		reply(fd, 404, NULL, "not found\n");
		return;
	}
	snprintf(etag, sizeof(etag), "\"%lld-%lld\"", (long long)st.st_size,
		 (long long)st.st_mtime);
	strftime(lastmod, sizeof(lastmod), "%a, %d %b %Y %H:%M:%S GMT",
		 gmtime_r(&st.st_mtime, &tm));
	if (inm && !strncmp(inm + 17, etag, strlen(etag))) {
		snprintf(key, sizeof(key), "/304%s", path);
		path_count(key);
		snprintf(extra, sizeof(extra), "HTTP/1.1 304 Not Modified\r\n"
			 "ETag: %s\r\nConnection: close\r\n\r\n", etag);
		put(fd, extra, strlen(extra));
		return;
	}
	snprintf(extra, sizeof(extra), "ETag: %s\r\nLast-Modified: %s\r\n",
		 etag, lastmod);
	{
		FILE *fp = fopen(full, "rb");
		char body[65536];
		size_t n = fp ? fread(body, 1, sizeof(body) - 1, fp) : 0;
		char head[1024];

		if (fp)
			fclose(fp);
		body[n] = '\0';
		snprintf(head, sizeof(head),
			 "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
			 "Content-Type: %s\r\nConnection: close\r\n%s\r\n",
			 n, strstr(path, ".htm") ? "text/html; charset=utf-8"
						  : "application/octet-stream",
			 extra);
		put(fd, head, strlen(head));
		put(fd, body, n);
	}
}

/* The value of NAME in the query string Q, %-decoded, or "". */
static void param(const char *q, const char *name, char *out, size_t outsz)
{
	size_t n = strlen(name), o = 0;
	const char *p = q;

	out[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, name, n) && p[n] == '=') {
			for (p += n + 1; *p && *p != '&' && o + 1 < outsz; p++) {
				if (*p == '%' && p[1] && p[2]) {
					char hex[3] = {p[1], p[2], 0};

					out[o++] = (char)strtol(hex, NULL, 16);
					p += 2;
				} else {
					out[o++] = *p == '+' ? ' ' : *p;
				}
			}
			out[o] = '\0';
			return;
		}
		p = strchr(p, '&');
		if (p)
			p++;
	}
}

static void log_request(const char *path, const char *q)
{
	char name[4096], line[4096];
	int fd;

	snprintf(name, sizeof(name), "%s/requests.log", fixtures);
	fd = open(name, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "%lld %s?%s\n", now_ms(), path,
		 q ? q : "");
	put(fd, line, strlen(line));
	close(fd);
}

static void sanitise(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			*s = '_';
}

/* One generated PubmedArticle: PMID N, published in YEAR. */
static void add_article(char *out, size_t outsz, long n, int year)
{
	size_t len = strlen(out);

	snprintf(out + len, outsz - len,
		 "<PubmedArticle><MedlineCitation Status=\"MEDLINE\" "
		 "Owner=\"NLM\"><PMID Version=\"1\">%ld</PMID>"
		 "<Article PubModel=\"Print\"><Journal><JournalIssue "
		 "CitedMedium=\"Print\"><PubDate><Year>%d</Year></PubDate>"
		 "</JournalIssue><Title>Journal of Generated Fixtures</Title>"
		 "</Journal><ArticleTitle>Generated study %ld of general "
		 "practice collaboration.</ArticleTitle><Abstract>"
		 "<AbstractText>Practices in network %ld shared staff and "
		 "took years to build trust.</AbstractText></Abstract>"
		 "<AuthorList><Author><LastName>Fixture</LastName><ForeName>"
		 "Gen</ForeName></Author></AuthorList><Language>eng"
		 "</Language><PublicationTypeList><PublicationType>Journal "
		 "Article</PublicationType></PublicationTypeList></Article>"
		 "</MedlineCitation><PubmedData><ArticleIdList><ArticleId "
		 "IdType=\"pubmed\">%ld</ArticleId></ArticleIdList>"
		 "</PubmedData></PubmedArticle>\n",
		 n, year, n, n, n);
}

/*
 * The E-utilities, enough for the harvester's tests.  esearch: term
 * "big" counts 250 records in a window of at most 400 days (mindate to
 * maxdate) and 20000 otherwise, with WebEnv "WIN_<mindate>"; term
 * "slowdown" answers 429 (Retry-After: 1) once, then as "pcn"; any other
 * term T serves the fixture eutils/esearch-T.xml.  efetch: WebEnv
 * "WIN_<date>" generates the records retstart.. of that window (PMID
 * 10000000 + year%100 * 100000 + index); "id=" serves
 * eutils/efetch-id-<ids>.xml when there is one and generates the records
 * otherwise; any other WebEnv W serves eutils/efetch-W-<retstart>.xml.
 */
static void eutils(int fd, const char *path, const char *q)
{
	static char body[1 << 20];
	char term[256], mindate[32], maxdate[32], webenv[128], ids[1024];
	char file[4200];

	log_request(path, q);
	param(q, "term", term, sizeof(term));
	param(q, "mindate", mindate, sizeof(mindate));
	param(q, "maxdate", maxdate, sizeof(maxdate));
	param(q, "WebEnv", webenv, sizeof(webenv));
	param(q, "id", ids, sizeof(ids));
	sanitise(term);
	if (strstr(path, "esearch")) {
		if (!strcmp(term, "slowdown")) {
			if (path_count("/eutils/slowdown") == 0) {
				reply(fd, 429, "Retry-After: 1\r\n",
				      "too many requests\n");
				return;
			}
			snprintf(term, sizeof(term), "pcn");
		}
		if (!strcmp(term, "big")) {
			int y1, m1, d1, y2, m2, d2;
			long days = 100000;

			if (sscanf(mindate, "%d/%d/%d", &y1, &m1, &d1) == 3 &&
			    sscanf(maxdate, "%d/%d/%d", &y2, &m2, &d2) == 3)
				days = (y2 - y1) * 366L + (m2 - m1) * 31L +
				       (d2 - d1);
			snprintf(body, sizeof(body),
				 "<?xml version=\"1.0\" encoding=\"UTF-8\" "
				 "?>\n<eSearchResult><Count>%d</Count>"
				 "<RetMax>0</RetMax><RetStart>0</RetStart>"
				 "<QueryKey>1</QueryKey><WebEnv>WIN_%.4s"
				 "</WebEnv><IdList></IdList>"
				 "<TranslationSet/><TranslationStack><TermSet>"
				 "<Term>big</Term><Field>All Fields</Field>"
				 "<Count>99999</Count><Explode>N</Explode>"
				 "</TermSet></TranslationStack>"
				 "</eSearchResult>\n",
				 days <= 400 ? 250 : 20000,
				 mindate[0] ? mindate : "0000");
			reply(fd, 200, NULL, body);
			return;
		}
		snprintf(file, sizeof(file), "/eutils/esearch-%s.xml", term);
		serve_file(fd, file);
		return;
	}
	if (!strncmp(webenv, "WIN_", 4)) {
		char start_s[32], max_s[32];
		long start, max, year = atol(webenv + 4);

		param(q, "retstart", start_s, sizeof(start_s));
		param(q, "retmax", max_s, sizeof(max_s));
		start = atol(start_s);
		max = atol(max_s);
		snprintf(body, sizeof(body),
			 "<?xml version=\"1.0\" ?>\n<PubmedArticleSet>\n");
		for (long i = start; i < 250 && i < start + max; i++)
			add_article(body, sizeof(body),
				    10000000 + (year % 100) * 100000 + i,
				    (int)year);
		strcat(body, "</PubmedArticleSet>\n");
		reply(fd, 200, NULL, body);
		return;
	}
	if (ids[0]) {
		char *id, *save = NULL;

		for (char *c = ids; *c; c++)
			if (*c == ',')
				*c = '-';
		snprintf(file, sizeof(file), "%s/eutils/efetch-id-%s.xml",
			 fixtures, ids);
		if (access(file, R_OK) == 0) {
			snprintf(file, sizeof(file),
				 "/eutils/efetch-id-%s.xml", ids);
			serve_file(fd, file);
			return;
		}
		snprintf(body, sizeof(body),
			 "<?xml version=\"1.0\" ?>\n<PubmedArticleSet>\n");
		for (id = strtok_r(ids, "-", &save); id;
		     id = strtok_r(NULL, "-", &save))
			add_article(body, sizeof(body), atol(id), 2021);
		strcat(body, "</PubmedArticleSet>\n");
		reply(fd, 200, NULL, body);
		return;
	}
	{
		char start_s[32];

		param(q, "retstart", start_s, sizeof(start_s));
		for (char *c = webenv; *c; c++)
			if (*c == '/' || *c == '.')
				*c = '_';
		snprintf(file, sizeof(file), "/eutils/efetch-%s-%ld.xml",
			 webenv, atol(start_s));
		serve_file(fd, file);
	}
}

/* A page of a cursor-paged API, or a file when no cursor is asked. */
static void cursor_api(int fd, const char *path, const char *q)
{
	char query[256], cursor[256], file[4200];

	log_request(path, q);
	param(q, "cursor", cursor, sizeof(cursor));
	if (!cursor[0])
		param(q, "cursorMark", cursor, sizeof(cursor));
	if (!q || !cursor[0]) {
		serve_file(fd, path);
		return;
	}
	param(q, "query", query, sizeof(query));
	if (!query[0])
		param(q, "search", query, sizeof(query));
	sanitise(query);
	sanitise(cursor);
	snprintf(file, sizeof(file), "%s-%s-%s.json", path, query, cursor);
	serve_file(fd, file);
}

/* Wait up to MS for the peer to close (or send); exit if it did. */
static void idle(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	if (poll(&p, 1, ms) > 0 && recv(fd, &c, 1, MSG_PEEK) <= 0)
		_exit(0);
}

static void handle(int fd)
{
	char req[8192], path[2048], extra[2200], *q, *inm;
	size_t len = 0;
	ssize_t n;
	int k;

	while (len < sizeof(req) - 1) {
		n = read(fd, req + len, sizeof(req) - 1 - len);
		if (n <= 0)
			return;
		len += n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	if (sscanf(req, "%*s %2047s", path) != 1)
		return;
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	inm = strcasestr(req, "\r\nIf-None-Match: ");
	if (!strncmp(path, "/status/", 8)) {
		reply(fd, atoi(path + 8), NULL, "status\n");
	} else if (!strncmp(path, "/flaky/", 7)) {
		k = path_count(path);
		if (k < atoi(path + 7))
			reply(fd, 503, NULL, "try later\n");
		else
			reply(fd, 200, NULL, "ok after retries\n");
	} else if (!strncmp(path, "/retry-after/", 13)) {
		snprintf(extra, sizeof(extra), "Retry-After: %s\r\n",
			 path + 13);
		if (path_count(path) == 0)
			reply(fd, 429, extra, "slow down\n");
		else
			reply(fd, 200, NULL, "ok\n");
	} else if (!strcmp(path, "/retry-after-date")) {
		time_t t = time(NULL) + 2;
		struct tm tm;

		strftime(extra, sizeof(extra),
			 "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n",
			 gmtime_r(&t, &tm));
		if (path_count(path) == 0)
			reply(fd, 503, extra, "down for maintenance\n");
		else
			reply(fd, 200, NULL, "ok\n");
	} else if (!strcmp(path, "/slow-body")) {
		int ms = q && !strncmp(q, "ms=", 3) ? atoi(q + 3) : 500;

		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
		    40);
		for (k = 0; k < 100; k++) {
			put(fd, "x", 1);
			idle(fd, ms);
		}
	} else if (!strcmp(path, "/slow-headers")) {
		for (k = 0; k < 100; k++) {
			put(fd, k ? "" : "HTTP/1.1 200 OK\r\n", k ? 0 : 17);
			idle(fd, 300);
		}
	} else if (!strcmp(path, "/reset-mid-body") ||
		   !strcmp(path, "/short-body")) {
		static char part[100];
		struct linger lg = { 1, 0 };

		memset(part, 'y', sizeof(part));
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
		    41);
		put(fd, part, sizeof(part));
		if (path[1] == 'r')
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
	} else if (!strcmp(path, "/redirect-loop")) {
		path_count(path);
		reply(fd, 302, "Location: /redirect-loop\r\n", "");
	} else if (!strcmp(path, "/redirect-to") && q &&
		   !strncmp(q, "url=", 4)) {
		snprintf(extra, sizeof(extra), "Location: %s\r\n", q + 4);
		reply(fd, 302, extra, "");
	} else if (!strcmp(path, "/gzip-bomb")) {
		snprintf(extra, sizeof(extra), "HTTP/1.1 200 OK\r\n"
			 "Content-Encoding: gzip\r\nContent-Length: %zu\r\n"
			 "\r\n", bomb_len);
		put(fd, extra, strlen(extra));
		put(fd, bomb, bomb_len);
	} else if (!strcmp(path, "/endless")) {
		static char chunk[4096 + 16];

		put(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		    47);
		memcpy(chunk, "1000\r\n", 6);
		memset(chunk + 6, 'z', 4096);
		memcpy(chunk + 6 + 4096, "\r\n", 2);
		for (;;)
			put(fd, chunk, 6 + 4096 + 2);
	} else if (!strcmp(path, "/etag")) {
		char *ims = strcasestr(req, "\r\nIf-Modified-Since: ");

		if ((inm && !strncmp(inm + 17, "\"v1\"", 4)) ||
		    (!inm && ims && !strncmp(ims + 21, "Mon, 02 Nov 2026", 16)))
			put(fd, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n"
				"Connection: close\r\n\r\n", 60);
		else
			reply(fd, 200, "ETag: \"v1\"\r\nLast-Modified: "
				       "Mon, 02 Nov 2026 10:00:00 GMT\r\n",
			      "versioned\n");
	} else if (!strcmp(path, "/eutils/esearch.fcgi") ||
		   !strcmp(path, "/eutils/efetch.fcgi")) {
		eutils(fd, path, q);
	} else if (!strncmp(path, "/latency/", 9)) {
		char *gen = strstr(path, "/gen/");
		char body[2048];
		long num = gen ? atol(gen + 5) : 0;

		usleep((useconds_t)atoi(path + 9) * 1000);
		snprintf(body, sizeof(body),
			 "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
			 "<meta name=\"citation_title\" content=\"Generated "
			 "page %ld on practices working together\">"
			 "<meta name=\"citation_author\" content=\"Bench, "
			 "Page\"><meta name=\"citation_publication_date\" "
			 "content=\"2024/01/01\"></head><body><article><p>"
			 "Page %ld: the practices in this network built trust "
			 "over years, one shared service at a time.</p><p>They "
			 "kept a focused remit and under-promised.</p>"
			 "</article></body></html>\n",
			 num, num);
		reply(fd, 200, NULL, body);
	} else if (!strncmp(path, "/api/", 5)) {
		cursor_api(fd, path, q);
	} else if (!strncmp(path, "/cond/", 6)) {
		serve_conditional(fd, path, req);
	} else if (!strcmp(path, "/error-in-200")) {
		reply(fd, 200, NULL, "error: no such record\n");
	} else if (!strncmp(path, "/rate/", 6)) {
		k = __atomic_fetch_add(&sh->nlog, 1, __ATOMIC_SEQ_CST);
		if (k < NLOG)
			sh->log_ms[k] = now_ms();
		reply(fd, 200, NULL, "rated\n");
	} else if (!strncmp(path, "/count/", 7)) {
		char body[32];

		for (k = 0; k < NPATHS && sh->paths[k][0]; k++)
			if (!strcmp(sh->paths[k], path + 6))
				break;
		snprintf(body, sizeof(body), "%d\n",
			 k < NPATHS ? sh->counts[k] : 0);
		reply(fd, 200, NULL, body);
	} else if (!strncmp(path, "/conc/", 6)) {
		int c = __atomic_add_fetch(&sh->conc, 1, __ATOMIC_SEQ_CST);
		int m = __atomic_load_n(&sh->conc_max, __ATOMIC_SEQ_CST);

		while (c > m && !__atomic_compare_exchange_n(
				    &sh->conc_max, &m, c, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST))
			;
		usleep(200000);
		__atomic_sub_fetch(&sh->conc, 1, __ATOMIC_SEQ_CST);
		reply(fd, 200, NULL, "concurrent\n");
	} else if (!strcmp(path, "/conc-max")) {
		char body[32];

		snprintf(body, sizeof(body), "%d\n", sh->conc_max);
		reply(fd, 200, NULL, body);
	} else if (!strcmp(path, "/log")) {
		char body[NLOG * 24] = "";
		size_t off = 0;

		for (k = 0; k < sh->nlog && k < NLOG; k++)
			off += snprintf(body + off, sizeof(body) - off,
					"%lld\n", sh->log_ms[k]);
		reply(fd, 200, NULL, body);
	} else {
		serve_file(fd, path);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int lfd, one = 1;
	long long end;

	if (argc < 2) {
		fprintf(stderr, "usage: http-server FIXTURE-DIR "
				"[--max-seconds N]\n");
		return 2;
	}
	fixtures = argv[1];
	if (argc > 3 && !strcmp(argv[2], "--max-seconds"))
		max_seconds = atoi(argv[3]);
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_DFL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset(sh, 0, sizeof(*sh));
	make_bomb();
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 64) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen)) {
		perror("http-server");
		return 2;
	}
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	end = now_ms() + max_seconds * 1000LL;
	while (now_ms() < end) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		char c;
		int fd;

		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents && read(0, &c, 1) <= 0)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			close(lfd);
			alarm(max_seconds);
			handle(fd);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
	return 0;
}
