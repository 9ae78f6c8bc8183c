/* replay.c - run every fuzz target over the seeds and saved crashes (TAP) */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"
#include "strvec.h"
#include "targets.h"

#include "tap.h"

/*
 * make check builds this with the suite's compiler and sanitizers, so
 * the fuzz targets themselves are tested, and every input a fuzzer once
 * crashed on stays fixed:
 *
 *   tests/fixtures/...        our fixtures, through every target
 *   fuzz/regress/TARGET/...   saved crashes, through TARGET
 *   fuzz/regress/any/...      saved inputs, through every target
 *   ../shared/samples/...     the samples, when they are there
 *
 * A crash ends the run (the sanitizers abort), which the TAP driver
 * reports as a failure.  Inputs over 4 MiB are left out.
 */

#define REPLAY_MAX_INPUT (4u * 1024 * 1024)

/* Every regular file under DIR, recursively, sorted. */
static void collect(const char *dir, struct strvec *out)
{
	struct strvec names = STRVEC_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			strvec_push(&names, e->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		char *p = fs_join(dir, names.v[i]);

		if (p && fs_is_dir(p))
			collect(p, out);
		else if (p)
			strvec_push(out, p);
		free(p);
	}
	strvec_release(&names);
}

/* Inputs no file holds: the empty one and a few edges. */
static const struct {
	const char *bytes;
	size_t len;
} edges[] = {
    {"", 0},
    {"\0", 1},
    {"<", 1},
    {"{", 1},
    {"[", 1},
    {"<?xml version=\"1.0\" encoding=\"UTF-16\"?>", 38},
    {"\xff\xfe\x00", 3},
    {"((((((((((((((((((((((((((((((((", 32},
    {"[lesson]\nword 1 \xff\n", 18},
};

struct run {
	struct fuzz_target t;
	unsigned long inputs;
};

static void run_file(struct run *r, const char *path)
{
	struct buf b = BUF_INIT;

	if (fs_read_file(path, REPLAY_MAX_INPUT, &b) == EV_OK) {
		r->t.run(&r->t, (const uint8_t *)(b.ptr ? b.ptr : ""), b.len);
		r->inputs++;
	}
	buf_release(&b);
}

static void run_target(const char *name, void *ctx)
{
	const struct strvec *common = ctx;
	struct strvec own = STRVEC_INIT;
	struct run r = {.inputs = 0};
	const char *top = getenv("top_srcdir");
	char *dir = NULL;

	if (fuzz_target_find(name, &r.t)) {
		ok(0, "%s: no such target", name);
		return;
	}
	if (asprintf(&dir, "%s/fuzz/regress/%s", top ? top : ".", name) > 0)
		collect(dir, &own);
	free(dir);
	for (size_t i = 0; i < sizeof(edges) / sizeof(*edges); i++) {
		r.t.run(&r.t, (const uint8_t *)edges[i].bytes, edges[i].len);
		r.inputs++;
	}
	for (size_t i = 0; i < common->n; i++)
		run_file(&r, common->v[i]);
	for (size_t i = 0; i < own.n; i++)
		run_file(&r, own.v[i]);
	ok(r.inputs > 0, "%s: %lu inputs (%zu saved crashes), no crash",
	   name, r.inputs, own.n);
	strvec_release(&own);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *shared = getenv("EVIDENCE_SHARED");
	struct strvec common = STRVEC_INIT;
	char *dir = NULL;

	if (!top)
		top = ".";
	if (asprintf(&dir, "%s/tests/fixtures", top) > 0)
		collect(dir, &common);
	free(dir);
	if (asprintf(&dir, "%s/fuzz/regress/any", top) > 0)
		collect(dir, &common);
	free(dir);
	if (shared && *shared)
		dir = fs_join(shared, "samples");
	else if (asprintf(&dir, "%s/../shared/samples", top) < 0)
		dir = NULL;
	if (dir && fs_is_dir(dir))
		collect(dir, &common);
	else
		printf("# no samples at %s: fixtures only\n", dir ? dir : "?");
	free(dir);
	{
		struct fuzz_target t;

		/* The parser targets come from the format table. */
		is_int(fuzz_target_find("parse-text", &t), 0,
		       "parse-text is a target");
		is_str(t.name, "parse-text", "and says so");
		ok(fuzz_target_find("parse-nosuch", &t) != 0,
		   "an unknown format is not");
	}
	fuzz_target_names(run_target, &common);
	strvec_release(&common);
	fuzz_targets_cleanup();
	return tap_done();
}
