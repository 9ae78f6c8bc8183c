/* runlog.c - the harvest run log, one JSON line per run, fsynced */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "runlog.h"

/* A log over this size is not read whole: it would take years of
 * nightly runs to get there. */
#define RUNLOG_MAX_SIZE (256u << 20)

void run_release(struct run *run)
{
	for (size_t i = 0; i < run->n_sources; i++) {
		free(run->sources[i].name);
		free(run->sources[i].type);
		free(run->sources[i].query);
	}
	free(run->sources);
	run->sources = NULL;
	run->n_sources = 0;
}

ev_status run_add_source(struct run *run, const char *name,
			 const char *type, const char *query,
			 struct run_source **out)
{
	struct run_source *grown, *s;

	grown = realloc(run->sources,
			(run->n_sources + 1) * sizeof(*run->sources));
	if (!grown)
		return EV_NOMEM;
	run->sources = grown;
	s = &run->sources[run->n_sources];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name ? name : "");
	s->type = strdup(type ? type : "");
	s->query = query ? strdup(query) : NULL;
	if (!s->name || !s->type || (query && !s->query)) {
		free(s->name);
		free(s->type);
		free(s->query);
		return EV_NOMEM;
	}
	run->n_sources++;
	if (out)
		*out = s;
	return EV_OK;
}

char *runlog_path(const char *store_dir)
{
	return fs_join(store_dir, "harvest/runs.jsonl");
}

/* The fields in the order "evidence log --format json" prints them. */
static const char *const count_keys[] = {
    "found",	"new",	     "updated", "unchanged",
    "not_modified", "duplicate", "failed",
};

static unsigned long *count_field(struct run_counts *c, size_t i)
{
	unsigned long *f[] = {&c->found,	&c->added,
			      &c->updated,	&c->unchanged,
			      &c->not_modified, &c->duplicate,
			      &c->failed};

	return f[i];
}

static json_t *run_to_json(const struct run *run)
{
	json_t *o = json_object(), *list = json_array();

	if (!o || !list)
		goto fail;
	if (json_object_set_new(o, "started", json_string(run->started)) ||
	    json_object_set_new(o, "finished", json_string(run->finished)) ||
	    json_object_set_new(o, "exit", json_integer(run->exit_code)))
		goto fail;
	for (size_t i = 0; i < run->n_sources; i++) {
		const struct run_source *s = &run->sources[i];
		struct run_counts c = s->counts;
		json_t *so = json_object();

		if (!so || json_array_append_new(list, so))
			goto fail;
		if (json_object_set_new(so, "name", json_string(s->name)) ||
		    json_object_set_new(so, "type", json_string(s->type)) ||
		    json_object_set_new(so, "query",
					s->query ? json_string(s->query)
						 : json_null()))
			goto fail;
		for (size_t k = 0; k < 7; k++)
			if (json_object_set_new(
				so, count_keys[k],
				json_integer((json_int_t)*count_field(&c, k))))
				goto fail;
	}
	if (json_object_set_new(o, "sources", list))
		goto fail_o;
	return o;
fail:
	json_decref(list);
fail_o:
	json_decref(o);
	return NULL;
}

static ev_status write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return status_from_errno(errno);
		p += w;
		n -= (size_t)w;
	}
	return EV_OK;
}

ev_status runlog_append(const char *store_dir, const struct run *run)
{
	char *path = runlog_path(store_dir), *dir = NULL, *text = NULL;
	struct buf line = BUF_INIT;
	json_t *o = NULL;
	struct stat st;
	ev_status rc = EV_NOMEM;
	int fd = -1;

	if (!path)
		goto out;
	dir = fs_join(store_dir, "harvest");
	o = run_to_json(run);
	if (!dir || !o)
		goto out;
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		goto out;
	rc = fs_mkdirs(dir, 0755);
	if (rc)
		goto out;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = status_from_errno(errno);
		goto out;
	}
	/* A line cut short by a crash stays on its own line. */
	if (st.st_size > 0) {
		char last = '\n';

		if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
		    (rc = buf_addch(&line, '\n')))
			goto out;
	}
	if ((rc = buf_addstr(&line, text)) || (rc = buf_addch(&line, '\n')))
		goto out;
	/* One write, so that a kill leaves the line whole or partial,
	 * never interleaved with another run's. */
	rc = write_all(fd, line.ptr, line.len);
	if (!rc && fsync(fd) < 0)
		rc = status_from_errno(errno);
	if (!rc && st.st_size == 0)
		rc = fs_fsync_dir(dir);
out:
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = status_from_errno(errno);
	buf_release(&line);
	free(text);
	json_decref(o);
	free(dir);
	free(path);
	return rc;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* RUN from one line's JSON; EV_PARSE when it is not a run. */
static ev_status run_from_json(json_t *o, struct run *run)
{
	json_t *list = json_object_get(o, "sources"), *so;
	const char *started = jstr(o, "started"), *finished =
							jstr(o, "finished");
	size_t i;

	if (!json_is_object(o) || !started || !finished ||
	    !json_is_integer(json_object_get(o, "exit")) ||
	    !json_is_array(list))
		return EV_PARSE;
	snprintf(run->started, sizeof(run->started), "%s", started);
	snprintf(run->finished, sizeof(run->finished), "%s", finished);
	run->exit_code = (int)json_integer_value(json_object_get(o, "exit"));
	json_array_foreach(list, i, so)
	{
		struct run_source *s;
		ev_status rc = run_add_source(run, jstr(so, "name"),
					      jstr(so, "type"),
					      jstr(so, "query"), &s);

		if (rc)
			return rc;
		for (size_t k = 0; k < 7; k++) {
			json_int_t v = json_integer_value(
			    json_object_get(so, count_keys[k]));

			*count_field(&s->counts, k) =
			    v > 0 ? (unsigned long)v : 0;
		}
	}
	return EV_OK;
}

ev_status runlog_read(const char *store_dir, runlog_fn fn, void *ctx,
		      unsigned long *skipped)
{
	char *path = runlog_path(store_dir);
	struct buf b = BUF_INIT;
	ev_status rc;
	char *p, *end;

	if (skipped)
		*skipped = 0;
	if (!path)
		return EV_NOMEM;
	rc = fs_read_file(path, RUNLOG_MAX_SIZE, &b);
	if (rc == EV_NOT_FOUND) {
		rc = EV_OK;
		goto out;
	}
	if (rc || !b.len)
		goto out;
	p = b.ptr;
	end = b.ptr + b.len;
	while (!rc && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct run run;
		json_t *o;

		memset(&run, 0, sizeof(run));
		o = n ? json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
		p = nl ? nl + 1 : end;
		if (!n)
			continue;
		rc = o ? run_from_json(o, &run) : EV_PARSE;
		json_decref(o);
		if (rc == EV_PARSE) {
			if (skipped)
				(*skipped)++;
			rc = EV_OK;
		} else if (!rc) {
			rc = fn(&run, ctx);
		}
		run_release(&run);
	}
out:
	buf_release(&b);
	free(path);
	return rc;
}
