/* targets.c - fuzz targets: every parser, the record files, lessons, queries */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "defaults.h"
#include "index.h"
#include "lessons.h"
#include "parse.h"
#include "record.h"
#include "search.h"
#include "synonyms.h"
#include "targets.h"
#include "text.h"

/* Text the taxonomy and synonym targets tag and scan. */
static const char sample_text[] =
    "The network grew too fast: mission creep, too much too soon. It "
    "takes years to build trust between member practices; a primary care "
    "network (PCN) is a marathon, not a sprint.";

/* The bytes as a NUL-terminated string (cut at the first NUL). */
static char *as_string(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* Parsers                                                             */

/* Every record a parser gives must survive the store's JSON and come
 * back the same: what the store writes, it must read. */
static ev_status check_record(struct record *rec, void *ctx)
{
	struct record back;
	char *json = NULL, *again = NULL, hash[65], err[256];

	(*(unsigned long *)ctx)++;
	if (record_content_hash(rec, hash) || record_assign_id(rec))
		return EV_OK;
	if (record_to_json(rec, &json))
		return EV_OK;
	record_init(&back);
	if (record_from_json(json, strlen(json), &back, err, sizeof(err)) ||
	    record_to_json(&back, &again)) {
		fprintf(stderr, "the store cannot read back what it wrote: "
				"%s\n%s\n",
			err, json);
		abort();
	}
	if (strcmp(json, again) != 0) {
		fprintf(stderr, "a record changed on its way through the "
				"store:\n%s\n%s\n",
			json, again);
		abort();
	}
	record_release(&back);
	free(json);
	free(again);
	return EV_OK;
}

static int run_parser(const struct fuzz_target *t, const uint8_t *data,
		      size_t len)
{
	struct parse_input in = {0};
	unsigned long records = 0;
	char err[512];
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	in.name = "fuzz-input";
	in.url = "file:///fuzz/input";
	in.fd = fd;
	in.max_size = 1u << 20;
	parse_input((enum format)t->format, &in, check_record, &records, err,
		    sizeof(err));
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Record files in the store                                           */

static int run_record(const struct fuzz_target *t, const uint8_t *data,
		      size_t len)
{
	struct record rec;
	unsigned long n = 0;
	char err[256];

	(void)t;
	record_init(&rec);
	if (record_from_json((const char *)data, len, &rec, err,
			     sizeof(err)) == EV_OK)
		check_record(&rec, &n);
	record_release(&rec);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Taxonomy and synonym files                                          */

static struct lessons *default_lessons;

static const struct lessons *the_default_lessons(void)
{
	char err[256];

	if (!default_lessons &&
	    lessons_parse(default_lessons_conf, strlen(default_lessons_conf),
			  "lessons.conf", &default_lessons, err, sizeof(err)))
		abort();
	return default_lessons;
}

static void tag(const struct lessons *l, const char *text)
{
	struct lesson_tags tags;

	lesson_tags_init(&tags);
	lessons_tag(l, text, 1.0, &tags);
	lesson_tags_release(&tags);
	lesson_tags_init(&tags);
	lessons_tag(l, text, 0.5, &tags);
	lesson_tags_release(&tags);
}

/* A small taxonomy with a cue of each kind, and the head of its compiled
 * form: everything up to the end of the hash that names the text it was
 * made from. */
static const char small_conf[] = "[t]\nthreshold = 2\nword 2 trusted\n"
				 "phrase 1 long term\nnear 1 5 plan =NHS\n";

static const struct buf *small_form_head(void)
{
	static struct buf head = BUF_INIT;
	struct buf form = BUF_INIT;
	struct lessons *l = NULL;
	uint64_t hash = text_hash64(small_conf, strlen(small_conf));
	char err[256];
	const char *at;

	if (head.len)
		return &head;
	if (lessons_parse(small_conf, strlen(small_conf), "small.conf", &l,
			  err, sizeof(err)) ||
	    lessons_compile(l, &form))
		abort();
	at = memmem(form.ptr, form.len, &hash, sizeof(hash));
	if (!at || buf_add(&head, form.ptr,
			   (size_t)(at - form.ptr) + sizeof(hash)))
		abort();
	buf_release(&form);
	lessons_free(l);
	return &head;
}

static int run_lessons(const struct fuzz_target *t, const uint8_t *data,
		       size_t len)
{
	const struct buf *head = small_form_head();
	struct buf form = BUF_INIT;
	struct lessons *l = NULL;
	char err[256], *text;

	(void)t;
	/* As a taxonomy file... */
	if (lessons_parse((const char *)data, len, "fuzz.conf", &l, err,
			  sizeof(err)) == EV_OK) {
		char digest[65];

		lessons_digest(l, digest);
		tag(l, sample_text);
		lessons_free(l);
	}
	/* ...as the body of a compiled form: taken or refused, never a
	 * crash... */
	if (buf_add(&form, head->ptr, head->len) == EV_OK &&
	    buf_add(&form, data, len) == EV_OK &&
	    lessons_parse_memo(small_conf, strlen(small_conf), "small.conf",
			       &(struct lessons_memo){.compiled = form.ptr,
						      .compiled_len = form.len},
			       &l, err, sizeof(err)) == EV_OK) {
		char digest[65];

		lessons_digest(l, digest);
		tag(l, sample_text);
		lessons_free(l);
	}
	buf_release(&form);
	/* ...and as text for the shipped taxonomy to tag. */
	text = as_string(data, len);
	tag(the_default_lessons(), text);
	free(text);
	return 0;
}

static ev_status count_canonical(const char *canonical, void *ctx)
{
	(void)canonical;
	(*(unsigned long *)ctx)++;
	return EV_OK;
}

static int run_synonyms(const struct fuzz_target *t, const uint8_t *data,
			size_t len)
{
	static struct synonyms *def;
	struct synonyms *syn = NULL;
	unsigned long n = 0;
	char err[256], *text;

	(void)t;
	if (synonyms_parse((const char *)data, len, "fuzz.conf", &syn, err,
			   sizeof(err)) == EV_OK) {
		(void)synonyms_digest(syn);
		synonyms_scan(syn, sample_text, count_canonical, &n);
		synonyms_free(syn);
	}
	if (!def && synonyms_parse(default_synonyms_conf,
				   strlen(default_synonyms_conf),
				   "synonyms.conf", &def, err, sizeof(err)))
		abort();
	text = as_string(data, len);
	synonyms_scan(def, text, count_canonical, &n);
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static char index_dir[4096];

static ev_status index_one(struct record *rec, void *ctx)
{
	ev_status rc = record_assign_id(rec);

	return rc ? rc : index_record(ctx, rec, NULL, NULL);
}

/* A small index, built once, for the query target to search. */
static const char *the_index(void)
{
	static const char *const texts[] = {
	    "When a network tries to do everything\n\nStaff called it "
	    "mission creep: care homes, a frailty hub, a digital front "
	    "door.\n\nCutting back to two measurable goals helped.\n",
	    "Federations after five years\n\nTrust and goodwill between "
	    "practices took years; it was a marathon, not a sprint.\n",
	    "Primary care networks 2019\n\nEvery PCN hired a pharmacist "
	    "and shared workforce across practices.\n",
	};
	struct index_options opts = {0};
	struct index *ix = NULL;
	const char *tmp;

	if (index_dir[0])
		return index_dir;
	tmp = getenv("TMPDIR");
	snprintf(index_dir, sizeof(index_dir) - sizeof("/index"),
		 "%s/evidence-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(index_dir))
		abort();
	strcat(index_dir, "/index");
	opts.lessons = the_default_lessons();
	opts.synonyms = default_synonyms_conf;
	if (index_open(index_dir, &opts, &ix, NULL))
		abort();
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct parse_input in = {0};
		char err[256], url[64];
		int fd = memfd_create("fuzz-seed", MFD_CLOEXEC);

		if (fd < 0 || write(fd, texts[i], strlen(texts[i])) < 0 ||
		    lseek(fd, 0, SEEK_SET) != 0)
			abort();
		snprintf(url, sizeof(url), "file:///fuzz/seed%zu.txt", i);
		in.name = url;
		in.url = url;
		in.fd = fd;
		if (parse_input(FORMAT_TEXT, &in, index_one, ix, err,
				sizeof(err)))
			abort();
		close(fd);
	}
	if (index_close(ix, NULL))
		abort();
	return index_dir;
}

static int run_query(const struct fuzz_target *t, const uint8_t *data,
		     size_t len)
{
	struct search_options o = {0};
	struct search_result res;
	char *query;

	(void)t;
	/* The first byte picks the options; the rest is the query. */
	o.all_passages = len && (data[0] & 1);
	o.limit = len && (data[0] & 2) ? 1 : 10;
	o.offset = len && (data[0] & 4) ? 1 : 0;
	query = as_string(len ? data + 1 : data, len ? len - 1 : 0);
	o.query = query;
	strvec_init(&o.lessons);
	strvec_init(&o.types);
	o.taxonomy = the_default_lessons();
	if (search_run(the_index(), &o, &res, NULL) == EV_OK)
		search_result_release(&res);
	free(query);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

/* Inputs other than the formats of corpus/parse.h: one row each. */
static const struct {
	const char *name;
	int (*run)(const struct fuzz_target *t, const uint8_t *data,
		   size_t len);
} fuzz_targets[] = {
    {"record-json", run_record}, /* store/records/XY/<hash>.json */
    {"lessons", run_lessons},	 /* lessons.conf, and text to tag */
    {"synonyms", run_synonyms},	 /* synonyms.conf, and text to scan */
    {"query", run_query},	 /* search: the query parser and ranking */
};

int fuzz_target_find(const char *name, struct fuzz_target *t)
{
	memset(t, 0, sizeof(*t));
	if (!strcmp(name, "parse-detect")) {
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->run = run_parser;
		t->format = FORMAT_UNKNOWN;
		return 0;
	}
	for (int f = FORMAT_UNKNOWN + 1; f < FORMAT_COUNT; f++) {
		char n[sizeof(t->name)];

		snprintf(n, sizeof(n), "parse-%s", format_name((enum format)f));
		if (!strcmp(n, name)) {
			memcpy(t->name, n, sizeof(n));
			t->run = run_parser;
			t->format = f;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(fuzz_targets) / sizeof(*fuzz_targets);
	     i++)
		if (!strcmp(fuzz_targets[i].name, name)) {
			snprintf(t->name, sizeof(t->name), "%s", name);
			t->run = fuzz_targets[i].run;
			return 0;
		}
	return -1;
}

void fuzz_target_names(void (*fn)(const char *name, void *ctx), void *ctx)
{
	char n[64];

	fn("parse-detect", ctx);
	for (int f = FORMAT_UNKNOWN + 1; f < FORMAT_COUNT; f++) {
		snprintf(n, sizeof(n), "parse-%s", format_name((enum format)f));
		fn(n, ctx);
	}
	for (size_t i = 0; i < sizeof(fuzz_targets) / sizeof(*fuzz_targets);
	     i++)
		fn(fuzz_targets[i].name, ctx);
}

/* The index is a flat directory of files: empty it, then remove it. */
static void remove_flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

void fuzz_targets_cleanup(void)
{
	if (index_dir[0]) {
		remove_flat_dir(index_dir);
		*strrchr(index_dir, '/') = '\0';
		rmdir(index_dir);
		index_dir[0] = '\0';
	}
	lessons_free(default_lessons);
	default_lessons = NULL;
}
