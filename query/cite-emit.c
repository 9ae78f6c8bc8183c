/* cite-emit.c - writing a list of works in one citation or export format */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query/cite-emit.h"

static ev_status add_key(struct record *rec, void *keys)
{
	return cite_keys_add(keys, rec);
}

ev_status cite_keys_of_store(struct store *store, struct cite_keys **keysp)
{
	struct cite_keys *keys = cite_keys_new();
	ev_status st;

	*keysp = NULL;
	if (!keys)
		return EV_NOMEM;
	st = store_walk_records(store, add_key, keys);
	if (!st)
		st = cite_keys_finish(keys);
	if (st)
		cite_keys_free(keys);
	else
		*keysp = keys;
	return st;
}

ev_status cite_format(const struct record *rec, enum cite_style style,
		      enum cite_markup markup, const struct cite_keys *keys,
		      struct buf *out)
{
	const char *key = keys ? cite_keys_get(keys, rec->id) : NULL;
	char *json = NULL;
	ev_status st;

	switch (style) {
	case CITE_APA:
		return cite_apa(rec, markup, out);
	case CITE_BIBTEX:
		return cite_bibtex(rec, key ? key : "", out);
	case CITE_RIS:
		return cite_ris(rec, out);
	case CITE_CSL_JSON:
		st = cite_csl_json(rec, &json);
		if (!st)
			st = buf_addstr(out, json);
		free(json);
		return st;
	case CITE_VANCOUVER:
		break;
	}
	return cite_vancouver(rec, markup, out);
}

ev_status emit_begin(struct emitter *e, enum emit_format format,
		     enum cite_markup markup, FILE *out, struct store *store)
{
	ev_status st = EV_OK;

	memset(e, 0, sizeof(*e));
	e->format = format;
	e->markup = markup;
	e->out = out;
	if (format == EMIT_BIBTEX || format == EMIT_CSV)
		st = cite_keys_of_store(store, &e->keys);
	if (!st && format == EMIT_CSV)
		cite_csv_header(out);
	if (!st && format == EMIT_CSL_JSON)
		fputs("[\n", out);
	if (!st && format == EMIT_VANCOUVER && markup == CITE_HTML)
		fputs("<ol>\n", out);
	return st;
}

/* One formatted reference, numbered for Vancouver. */
static ev_status emit_reference(struct emitter *e, const struct record *rec,
				const char *suffix)
{
	ev_status st;

	buf_reset(&e->buf);
	st = e->format == EMIT_APA
		     ? cite_apa_suffixed(rec, e->markup, suffix, &e->buf)
		     : cite_vancouver(rec, e->markup, &e->buf);
	if (st)
		return st;
	if (e->markup == CITE_HTML)
		fprintf(e->out,
			e->format == EMIT_APA ? "<p>%s</p>\n"
					      : "<li>%s</li>\n",
			buf_str(&e->buf));
	else if (e->format == EMIT_APA)
		fprintf(e->out, "%s%s\n",
			e->markup == CITE_MARKDOWN && e->count ? "\n" : "",
			buf_str(&e->buf));
	else
		fprintf(e->out, "%zu. %s\n", e->count + 1, buf_str(&e->buf));
	return EV_OK;
}

/* Keep a copy of REC, without its text, for emit_end(). */
static ev_status hold(struct emitter *e, const struct record *rec)
{
	struct record *r;
	ev_status st;

	if (e->n_held == e->alloc_held) {
		size_t n = e->alloc_held ? 2 * e->alloc_held : 16;

		r = realloc(e->held, n * sizeof(*r));
		if (!r)
			return EV_NOMEM;
		e->held = r;
		e->alloc_held = n;
	}
	r = &e->held[e->n_held];
	record_init(r);
	st = record_copy(r, rec);
	if (st) {
		record_release(r);
		return st;
	}
	for (size_t i = 0; i < r->n_passages; i++) {
		free(r->passages[i].text);
		free(r->passages[i].section);
	}
	free(r->passages);
	r->passages = NULL;
	r->n_passages = 0;
	e->n_held++;
	return EV_OK;
}

/* Write the APA references held, with their year suffixes. */
static ev_status emit_held(struct emitter *e)
{
	char(*suffix)[4] = calloc(e->n_held + 1, sizeof(*suffix));
	ev_status st;

	if (!suffix)
		return EV_NOMEM;
	st = cite_apa_suffixes(e->held, e->n_held, suffix);
	for (size_t i = 0; !st && i < e->n_held; i++) {
		st = emit_reference(e, &e->held[i], suffix[i]);
		if (!st)
			e->count++;
	}
	free(suffix);
	if (!st && ferror(e->out))
		st = errno == EPIPE ? EV_INTERRUPTED : EV_IO;
	return st;
}

ev_status emit_record(struct emitter *e, const struct record *rec)
{
	const char *key = NULL;
	char *json = NULL;
	ev_status st = EV_OK;

	buf_reset(&e->buf);
	if (e->keys && !(key = cite_keys_get(e->keys, rec->id)))
		key = "";
	switch (e->format) {
	case EMIT_VANCOUVER:
		st = emit_reference(e, rec, NULL);
		break;
	case EMIT_APA:
		st = hold(e, rec);
		return st;
	case EMIT_BIBTEX:
		st = cite_bibtex(rec, key, &e->buf);
		if (!st)
			fprintf(e->out, "%s%s", e->count ? "\n" : "",
				buf_str(&e->buf));
		break;
	case EMIT_RIS:
		st = cite_ris(rec, &e->buf);
		if (!st)
			fputs(buf_str(&e->buf), e->out);
		break;
	case EMIT_CSL_JSON:
		st = cite_csl_json(rec, &json);
		if (!st)
			fprintf(e->out, "%s%s", e->count ? ",\n" : "", json);
		break;
	case EMIT_JSONL:
		st = record_to_json(rec, &json);
		/* JSON strings cannot hold a raw newline, so dropping every
		 * newline keeps the JSON intact on one line. */
		for (char *s = json; !st && *s; s++)
			if (*s != '\n')
				putc(*s, e->out);
		if (!st)
			putc('\n', e->out);
		break;
	case EMIT_CSV:
		cite_csv_row(e->out, rec, key);
		break;
	}
	free(json);
	if (!st)
		e->count++;
	if (!st && ferror(e->out))
		st = errno == EPIPE ? EV_INTERRUPTED : EV_IO;
	return st;
}

ev_status emit_end(struct emitter *e)
{
	ev_status st = EV_OK;

	if (e->out && e->n_held)
		st = emit_held(e);
	for (size_t i = 0; i < e->n_held; i++)
		record_release(&e->held[i]);
	free(e->held);
	e->held = NULL;
	e->n_held = e->alloc_held = 0;

	if (e->out && e->format == EMIT_CSL_JSON)
		fputs(e->count ? "\n]\n" : "]\n", e->out);
	if (e->out && e->format == EMIT_VANCOUVER && e->markup == CITE_HTML)
		fputs("</ol>\n", e->out);
	if (!st && e->out && ferror(e->out))
		st = EV_IO;
	cite_keys_free(e->keys);
	e->keys = NULL;
	buf_release(&e->buf);
	return st;
}
