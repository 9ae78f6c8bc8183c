/* bench-fetch.c - fetch a list of URLs through corpus/fetch.h, and count */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "strvec.h"

/*
 * usage: bench-fetch URLS MAX_TOTAL MAX_PER_HOST RATE_PER_SEC
 *
 * Queues every URL of the file URLS (one per line) on one fetcher with
 * those limits (RATE_PER_SEC 0: no rate limit) and loopback allowed, runs
 * them all, and prints:
 *   pages N ok K failed F bytes B seconds S pages_per_s R
 * Bodies are counted and dropped, as a harvest would hand them to a
 * parser.
 */

struct tally {
	unsigned long ok, failed, bytes;
};

static void done(struct fetch_result *res, void *arg)
{
	struct tally *t = arg;

	if (res->status == EV_OK) {
		t->ok++;
		t->bytes += res->body.len;
	} else {
		if (t->failed++ < 5)
			fprintf(stderr, "bench-fetch: %s\n",
				res->error ? res->error : res->url);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct strvec urls = STRVEC_INIT;
	struct fetch_opts opts;
	struct fetcher *f = NULL;
	struct tally t = {0};
	struct buf err = BUF_INIT;
	char line[4096];
	double t0, secs;
	FILE *in;
	int code = 1;

	if (argc != 5) {
		fputs("usage: bench-fetch URLS MAX_TOTAL MAX_PER_HOST "
		      "RATE_PER_SEC\n",
		      stderr);
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line && strvec_push(&urls, line))
			break;
	}
	fclose(in);
	fetch_opts_default(&opts);
	opts.max_total = atol(argv[2]);
	opts.max_per_host = atol(argv[3]);
	opts.rate_per_sec = atof(argv[4]);
	opts.allow_private = 1;
	if (fetch_new(&f, &opts, &err)) {
		fprintf(stderr, "bench-fetch: %s\n", buf_str(&err));
		goto out;
	}
	for (size_t i = 0; i < urls.n; i++)
		if (fetch_add(f, urls.v[i], NULL, NULL, NULL))
			goto out;
	t0 = now_s();
	if (fetch_run(f, done, &t) != EV_OK)
		goto out;
	secs = now_s() - t0;
	printf("pages %zu ok %lu failed %lu bytes %lu seconds %.2f "
	       "pages_per_s %.1f\n",
	       urls.n, t.ok, t.failed, t.bytes, secs,
	       secs > 0 ? urls.n / secs : 0);
	code = t.failed ? 1 : 0;
out:
	fetch_free(f);
	buf_release(&err);
	strvec_release(&urls);
	return code;
}
