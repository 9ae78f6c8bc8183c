/* bench-query.c - query latency: many searches in one process */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lessons.h"
#include "search.h"
#include "strvec.h"

/*
 * usage: bench-query INDEX LESSONS.CONF QUERIES [ROUNDS]
 *
 * Runs every line of QUERIES (Xapian query syntax, as "evidence search"
 * takes it; "lesson:NAME" filters by lesson) through search_run(), the
 * same call "evidence search" makes, with snippets and the default
 * limit of 10, ROUNDS times (default 3; the first round warms the page
 * cache and is not counted).  Prints one line:
 *   queries N p50_ms X p95_ms Y max_ms Z hits H
 * Each search opens the index afresh, as search_run() does.  With
 * BENCH_VERBOSE set, each query's time in the last round goes to stderr,
 * slowest last when sorted (sort -n), to see which queries cost.
 */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct strvec queries = STRVEC_INIT;
	struct lessons *taxonomy = NULL;
	double *ms = NULL;
	unsigned long hits = 0;
	size_t n_ms = 0;
	char line[4096], err[512];
	int rounds = argc > 4 ? atoi(argv[4]) : 3;
	FILE *f;
	int code = 1;

	if (argc < 4 || rounds < 2) {
		fputs("usage: bench-query INDEX LESSONS.CONF QUERIES "
		      "[ROUNDS>=2]\n",
		      stderr);
		return 2;
	}
	if (lessons_load(argv[2], &taxonomy, err, sizeof(err))) {
		fprintf(stderr, "bench-query: %s\n", err);
		return 1;
	}
	f = fopen(argv[3], "r");
	if (!f) {
		perror(argv[3]);
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line && *line != '#' && strvec_push(&queries, line))
			break;
	}
	fclose(f);
	ms = calloc(queries.n * (size_t)rounds + 1, sizeof(*ms));
	if (!ms || !queries.n)
		goto out;
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < queries.n; i++) {
			struct search_options o = {0};
			struct search_result res = {0};
			char *msg = NULL;
			double t0 = now_ms();
			ev_status rc;

			o.query = queries.v[i];
			o.limit = 10;
			o.taxonomy = taxonomy;
			rc = search_run(argv[1], &o, &res, &msg);
			if (rc) {
				fprintf(stderr, "bench-query: %s: %s\n",
					queries.v[i],
					msg ? msg : status_to_string(rc));
				free(msg);
				goto out;
			}
			if (r > 0) {
				ms[n_ms++] = now_ms() - t0;
				if (r == rounds - 1 && getenv("BENCH_VERBOSE"))
					fprintf(stderr, "%.2f %s\n",
						ms[n_ms - 1], queries.v[i]);
				hits += res.n_hits;
			}
			search_result_release(&res);
		}
	}
	qsort(ms, n_ms, sizeof(*ms), cmp_double);
	printf("queries %zu p50_ms %.2f p95_ms %.2f max_ms %.2f hits %lu\n",
	       queries.n, ms[n_ms / 2], ms[(n_ms * 95) / 100],
	       ms[n_ms - 1], hits / (unsigned long)(rounds - 1));
	code = 0;
out:
	free(ms);
	strvec_release(&queries);
	lessons_free(taxonomy);
	return code;
}
