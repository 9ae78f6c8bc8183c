/* map.c - the evidence map: works per lesson and type, year or source */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "evidence-type.h"
#include "fields.h"
#include "map.h"
#include "reader.h"
#include "text.h"
#include "xdb.h"

static const char *const axis_names[] = {"type", "year", "source"};
static const char *const axis_titles[] = {"evidence type", "year", "source"};
static const char *const axis_prefixes[] = {PREFIX_TYPE, PREFIX_YEAR,
					    PREFIX_SOURCE};
static const char *const axis_headings[] = {"Evidence type", "Year", "Source"};
static const char *const none_labels[] = {"no type", "no year", "no source"};

const char *map_axis_name(enum map_axis by)
{
	return axis_names[by];
}

const char *map_axis_title(enum map_axis by)
{
	return axis_titles[by];
}

int map_axis_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(axis_names) / sizeof(*axis_names); i++)
		if (strcmp(axis_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *map_column_label(const struct evidence_map *m, size_t col)
{
	const char *v = m->columns.v[col];

	return *v ? v : none_labels[m->by];
}

/* ------------------------------------------------------------------ */
/* A set of strings, to count distinct works                           */

struct strset {
	char **slot;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Add KEY: 1 when it is new, 0 when it was there, -1 out of memory. */
static int strset_add(struct strset *set, const char *key)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 1024;
		char **slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return -1;
		for (size_t k = 0; k < set->cap; k++) {
			if (!set->slot[k])
				continue;
			i = hash_str(set->slot[k]) & (cap - 1);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = set->slot[k];
		}
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	i = hash_str(key) & (set->cap - 1);
	while (set->slot[i]) {
		if (strcmp(set->slot[i], key) == 0)
			return 0;
		i = (i + 1) & (set->cap - 1);
	}
	set->slot[i] = strdup(key);
	if (!set->slot[i])
		return -1;
	set->n++;
	return 1;
}

static void strset_release(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */

struct counter {
	struct evidence_map *m;
	size_t row;
	struct strset seen;   /* "id" and "column\037id" */
	struct strvec values; /* the current document's column values */
	struct buf key;
	ev_status rc;
};

static int collect_value(const char *term, unsigned wdf, void *ctx)
{
	struct counter *k = ctx;
	const char *prefix = axis_prefixes[k->m->by];

	(void)wdf;
	if (strvec_push(&k->values, term + strlen(prefix))) {
		k->rc = EV_NOMEM;
		return 1;
	}
	return 0;
}

/* The column of VALUE, added at the end when it is new. */
static long column_of(struct evidence_map *m, const char *value)
{
	long c = strvec_find(&m->columns, value);
	size_t nc = m->columns.n + 1, nr = m->row_names.n;
	unsigned *cells, *totals;

	if (c >= 0)
		return c;
	cells = calloc(nr * nc + 1, sizeof(*cells));
	totals = realloc(m->col_totals, nc * sizeof(*totals));
	if (!cells || !totals) {
		free(cells);
		if (totals)
			m->col_totals = totals;
		return -1;
	}
	m->col_totals = totals;
	totals[nc - 1] = 0;
	for (size_t r = 0; r < nr; r++)
		for (size_t i = 0; i + 1 < nc; i++)
			cells[r * nc + i] = m->cells[r * (nc - 1) + i];
	if (strvec_push(&m->columns, value)) {
		free(cells);
		return -1;
	}
	free(m->cells);
	m->cells = cells;
	return (long)nc - 1;
}

static int count_work(xdb_doc_t *doc, void *ctx)
{
	struct counter *k = ctx;
	struct evidence_map *m = k->m;
	char *id = NULL;
	int isnew;

	strvec_release(&k->values);
	strvec_init(&k->values);
	k->rc = xdb_doc_get_value(doc, SLOT_WORK_ID, &id, NULL);
	if (!k->rc)
		k->rc = xdb_doc_terms(doc, axis_prefixes[m->by], collect_value,
				      k);
	if (!k->rc && k->values.n == 0)
		k->rc = strvec_push(&k->values, "");
	if (k->rc)
		goto out;
	m->row_totals[k->row]++;
	isnew = strset_add(&k->seen, id);
	if (isnew < 0)
		goto nomem;
	m->total += (unsigned)isnew;
	for (size_t i = 0; i < k->values.n; i++) {
		long c = column_of(m, k->values.v[i]);
		unsigned *cell;

		if (c < 0)
			goto nomem;
		cell = &m->cells[k->row * m->columns.n + (size_t)c];
		if (++*cell > m->max_cell)
			m->max_cell = *cell;
		buf_reset(&k->key);
		if (buf_printf(&k->key, "%ld\037%s", c, id))
			goto nomem;
		isnew = strset_add(&k->seen, buf_str(&k->key));
		if (isnew < 0)
			goto nomem;
		m->col_totals[c] += (unsigned)isnew;
	}
out:
	free(id);
	return k->rc != EV_OK;
nomem:
	k->rc = EV_NOMEM;
	free(id);
	return 1;
}

/* The column values the collection holds, in the axis's order. */
static int add_column(const char *value, unsigned count, void *ctx)
{
	(void)count;
	return strvec_push(ctx, value) ? -1 : 0;
}

static int type_order(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int tx = evidence_type_lookup(x), ty = evidence_type_lookup(y);

	if (tx < 0)
		tx = ET_COUNT;
	if (ty < 0)
		ty = ET_COUNT;
	return tx != ty ? tx - ty : strcmp(x, y);
}

static int year_order(const void *a, const void *b)
{
	long x = atol(*(char *const *)a), y = atol(*(char *const *)b);

	return (x > y) - (x < y);
}

/* The span of years bin B of width W covers, as "1990-1994". */
static void span_name(long b, long w, char *out, size_t size)
{
	snprintf(out, size, "%ld-%ld", b * w, b * w + w - 1);
}

ev_status map_bin_years(struct evidence_map *m, size_t max_columns)
{
	static const long widths[] = {2,  5,   10,  20,	 25,
				      50, 100, 250, 500, 1000};
	struct strvec columns = STRVEC_INIT;
	size_t n_years = 0, nr = m->row_names.n, nc, none;
	unsigned *cells = NULL, *totals = NULL;
	long lo, hi, w = 0, first_bin;
	char name[48];
	ev_status rc = EV_OK;

	for (size_t c = 0; c < m->columns.n; c++)
		n_years += *m->columns.v[c] != '\0';
	if (n_years <= max_columns || max_columns < 2)
		return EV_OK;
	/* The years come first, in order; "no year" (if any) last. */
	lo = atol(m->columns.v[0]);
	hi = atol(m->columns.v[n_years - 1]);
	for (size_t i = 0; !w && i < sizeof(widths) / sizeof(*widths); i++)
		if ((size_t)(hi / widths[i] - lo / widths[i] + 1) <=
		    max_columns)
			w = widths[i];
	if (!w || lo < 0)
		return EV_OK;
	first_bin = lo / w;
	for (long b = first_bin; !rc && b <= hi / w; b++) {
		span_name(b, w, name, sizeof(name));
		rc = strvec_push(&columns, name);
	}
	none = columns.n;
	if (!rc && n_years < m->columns.n)
		rc = strvec_push(&columns, "");
	nc = columns.n;
	if (!rc) {
		cells = calloc(nr * nc + 1, sizeof(*cells));
		totals = calloc(nc + 1, sizeof(*totals));
		if (!cells || !totals)
			rc = EV_NOMEM;
	}
	if (rc)
		goto out;
	/* A work has one year, so a span's works are the sum of its
	 * years': cells and column totals add up exactly. */
	m->max_cell = 0;
	for (size_t c = 0; c < m->columns.n; c++) {
		size_t to = *m->columns.v[c]
				    ? (size_t)(atol(m->columns.v[c]) / w -
					       first_bin)
				    : none;

		totals[to] += m->col_totals[c];
		for (size_t r = 0; r < nr; r++)
			cells[r * nc + to] += map_cell(m, r, c);
	}
	for (size_t i = 0; i < nr * nc; i++)
		if (cells[i] > m->max_cell)
			m->max_cell = cells[i];
	strvec_release(&m->columns);
	m->columns = columns;
	strvec_init(&columns);
	free(m->cells);
	m->cells = cells;
	cells = NULL;
	free(m->col_totals);
	m->col_totals = totals;
	totals = NULL;
out:
	strvec_release(&columns);
	free(cells);
	free(totals);
	return rc;
}

static ev_status read_columns(xdb_t *db, struct evidence_map *m)
{
	struct strvec values = STRVEC_INIT;
	ev_status rc;

	rc = reader_facet(db, "work", axis_prefixes[m->by], add_column,
			  &values);
	if (!rc && m->by == MAP_BY_TYPE)
		qsort(values.v, values.n, sizeof(*values.v), type_order);
	/* Terms sort as strings: year 850 would follow 2019. */
	if (!rc && m->by == MAP_BY_YEAR)
		qsort(values.v, values.n, sizeof(*values.v), year_order);
	for (size_t i = 0; !rc && i < values.n; i++)
		if (column_of(m, values.v[i]) < 0)
			rc = EV_NOMEM;
	strvec_release(&values);
	return rc;
}

static ev_status set_rows(struct evidence_map *m, const struct lessons *tax,
			  const struct strvec *rows, char **msgp)
{
	size_t n = rows && rows->n ? rows->n : lessons_count(tax);
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < lessons_count(tax); i++) {
		const char *name = lessons_name(tax, i);

		/* Taxonomy order, whatever order ROWS gives. */
		if (rows && rows->n && strvec_find(rows, name) < 0)
			continue;
		rc = strvec_push(&m->row_names, name);
		if (!rc)
			rc = strvec_push(&m->row_labels,
					 lessons_label(tax, i)
						 ? lessons_label(tax, i)
						 : name);
	}
	if (rc)
		return rc;
	for (size_t i = 0; rows && i < rows->n; i++)
		if (lessons_find(tax, rows->v[i]) < 0) {
			if (msgp && asprintf(msgp, "unknown lesson '%s'",
					     rows->v[i]) < 0)
				*msgp = NULL;
			return EV_USAGE;
		}
	m->row_totals = calloc(n + 1, sizeof(unsigned));
	m->cells = calloc(n + 1, sizeof(unsigned));
	return m->row_totals && m->cells ? EV_OK : EV_NOMEM;
}

ev_status map_build(const char *index_dir, const struct search_options *o,
		    enum map_axis by, const struct lessons *tax,
		    const struct strvec *rows, struct evidence_map *m,
		    char **msgp)
{
	struct counter k = {0};
	struct search_options row_opts = *o;
	xdb_t *db = NULL;
	char *msg = NULL;
	ev_status rc;

	memset(m, 0, sizeof(*m));
	m->by = by;
	strvec_init(&m->row_names);
	strvec_init(&m->row_labels);
	strvec_init(&m->columns);
	strvec_init(&k.values);
	if (msgp)
		*msgp = NULL;
	rc = set_rows(m, tax, rows, msgp);
	if (rc)
		return rc;
	rc = reader_open(index_dir, &db, &msg);
	if (rc == EV_NOT_FOUND) {
		/* Nothing indexed yet: an empty map. */
		free(msg);
		return EV_OK;
	}
	if (!rc)
		rc = reader_count_kind(db, "work", &m->works);
	if (!rc)
		rc = reader_count_kind(db, "passage", &m->passages);
	if (!rc)
		rc = read_columns(db, m);
	if (rc) {
		if (msgp && !msg &&
		    asprintf(&msg, "%s%s", xdb_errmsg(db), reader_advice(rc)) <
			    0)
			msg = NULL;
		goto out;
	}
	xdb_close(db);
	db = NULL;
	if (m->works == 0)
		goto out;

	k.m = m;
	strvec_init(&row_opts.lessons);
	row_opts.limit = row_opts.offset = 0;
	row_opts.all_passages = 0;
	for (size_t r = 0; !rc && r < m->row_names.n; r++) {
		strvec_release(&row_opts.lessons);
		rc = strvec_push(&row_opts.lessons, m->row_names.v[r]);
		if (rc)
			break;
		k.row = r;
		rc = search_each_work(index_dir, &row_opts, count_work, &k,
				      &msg);
		if (!rc)
			rc = k.rc;
	}
	strvec_release(&row_opts.lessons);
	if (!rc && by == MAP_BY_YEAR)
		rc = map_bin_years(m, MAP_MAX_YEAR_COLUMNS);
out:
	if (rc && msgp && !*msgp)
		*msgp = msg ? msg : strdup(status_to_string(rc));
	else
		free(msg);
	xdb_close(db);
	strset_release(&k.seen);
	strvec_release(&k.values);
	buf_release(&k.key);
	return rc;
}

void map_release(struct evidence_map *m)
{
	strvec_release(&m->row_names);
	strvec_release(&m->row_labels);
	strvec_release(&m->columns);
	free(m->cells);
	free(m->row_totals);
	free(m->col_totals);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Colours                                                             */

/*
 * A sequential blue scale, pale to dark, that reads in print and for the
 * common colour-blindnesses (lightness carries it).  Counts are placed
 * on it by their square root, so one large cell does not wash out the
 * rest.
 */
static const unsigned char ramp[][3] = {
	{0xde, 0xeb, 0xf7}, {0x9e, 0xca, 0xe1}, {0x42, 0x92, 0xc6},
	{0x21, 0x66, 0xac}, {0x08, 0x30, 0x6b},
};
#define RAMP_N (sizeof(ramp) / sizeof(*ramp))

static double scale_of(unsigned count, unsigned max)
{
	if (max <= 1)
		return 1;
	return sqrt((double)(count - 1) / (double)(max - 1));
}

void map_colour(unsigned count, unsigned max, char out[8])
{
	double t, pos;
	size_t i;
	unsigned char c[3];

	if (count == 0) {
		memcpy(out, "#f2f2f2", 8);
		return;
	}
	t = scale_of(count > max ? max : count, max);
	pos = t * (RAMP_N - 1);
	i = (size_t)pos;
	if (i >= RAMP_N - 1)
		i = RAMP_N - 2;
	pos -= (double)i;
	for (int k = 0; k < 3; k++)
		c[k] = (unsigned char)(ramp[i][k] +
				       (ramp[i + 1][k] - ramp[i][k]) * pos +
				       0.5);
	snprintf(out, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* Dark cells take white text. */
static int colour_is_dark(unsigned count, unsigned max)
{
	return count && scale_of(count, max) > 0.45;
}

/* ------------------------------------------------------------------ */
/* Text, JSON, CSV                                                     */

static size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static size_t digits(unsigned n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

/* COUNT right-aligned in WIDTH, on a background shade with COLOUR. */
static void text_cell(FILE *out, unsigned count, unsigned max, size_t width,
		      int colour)
{
	char num[16];
	int len = snprintf(num, sizeof(num), "%u", count);

	fputs("  ", out);
	if (colour && count == 0) {
		/* Zero stays out of the way: grey, on the terminal's own
		 * background. */
		pad(out, width - (size_t)len);
		fprintf(out, "\033[38;5;244m%s\033[0m", num);
		return;
	}
	if (!colour) {
		pad(out, width - (size_t)len);
		fputs(num, out);
		return;
	}
	{
		char hex[8];
		unsigned rgb[3], cube = 16;

		/* The nearest colour of the 6x6x6 cube of 256-colour
		 * terminals, which more terminals show than 24-bit. */
		map_colour(count, max, hex);
		sscanf(hex + 1, "%2x%2x%2x", &rgb[0], &rgb[1], &rgb[2]);
		for (int i = 0; i < 3; i++)
			rgb[i] = (rgb[i] * 5 + 127) / 255;
		cube += 36 * rgb[0] + 6 * rgb[1] + rgb[2];
		fprintf(out, "\033[48;5;%um\033[38;5;%dm", cube,
			colour_is_dark(count, max) ? 231 : 16);
		pad(out, width - (size_t)len);
		fputs(num, out);
		fputs("\033[0m", out);
	}
}

void map_print_text(FILE *out, const struct evidence_map *m, int colour)
{
	size_t label_w = strlen("lesson"), total_w = strlen("total");
	size_t nc = m->columns.n;
	size_t *w = calloc(nc + 1, sizeof(*w));

	if (!w)
		return;
	for (size_t r = 0; r < m->row_labels.n; r++)
		if (utf8_width(m->row_labels.v[r]) > label_w)
			label_w = utf8_width(m->row_labels.v[r]);
	/* A column is as wide as its label or its largest number, which
	 * is its total (a cell never exceeds it). */
	for (size_t c = 0; c < nc; c++) {
		w[c] = utf8_width(map_column_label(m, c));
		if (w[c] < digits(m->col_totals[c]))
			w[c] = digits(m->col_totals[c]);
	}
	for (size_t r = 0; r < m->row_names.n; r++)
		if (total_w < digits(m->row_totals[r]))
			total_w = digits(m->row_totals[r]);
	if (total_w < digits(m->total))
		total_w = digits(m->total);
	fputs("lesson", out);
	pad(out, label_w - strlen("lesson"));
	for (size_t c = 0; c < nc; c++) {
		const char *l = map_column_label(m, c);

		fputs("  ", out);
		pad(out, w[c] - utf8_width(l));
		fputs(l, out);
	}
	fputs("  ", out);
	pad(out, total_w - strlen("total"));
	fputs("total\n", out);
	for (size_t r = 0; r < m->row_names.n; r++) {
		fputs(m->row_labels.v[r], out);
		pad(out, label_w - utf8_width(m->row_labels.v[r]));
		for (size_t c = 0; c < nc; c++)
			text_cell(out, map_cell(m, r, c), m->max_cell, w[c],
				  colour);
		fprintf(out, "  %*u\n", (int)total_w, m->row_totals[r]);
	}
	fputs("total", out);
	pad(out, label_w - strlen("total"));
	for (size_t c = 0; c < nc; c++)
		fprintf(out, "  %*u", (int)w[c], m->col_totals[c]);
	fprintf(out, "  %*u\n", (int)total_w, m->total);
	free(w);
}

void map_print_json(struct sprinter *sp, const struct evidence_map *m)
{
	sp_str(sp, "by", map_axis_name(m->by));
	sp_int(sp, "works", m->works);
	sp_int(sp, "passages", m->passages);
	sp->map_key(sp, "rows");
	sp->begin_list(sp);
	for (size_t r = 0; r < m->row_names.n; r++) {
		sp->begin_map(sp);
		sp_str(sp, "lesson", m->row_names.v[r]);
		sp_str(sp, "label", m->row_labels.v[r]);
		sp->end(sp);
	}
	sp->end(sp);
	sp->map_key(sp, "columns");
	sp->begin_list(sp);
	for (size_t c = 0; c < m->columns.n; c++) {
		sp->begin_map(sp);
		sp->map_key(sp, "value");
		if (*m->columns.v[c])
			sp->string(sp, m->columns.v[c]);
		else
			sp->null(sp);
		sp_str(sp, "label", map_column_label(m, c));
		sp->end(sp);
	}
	sp->end(sp);
	sp->map_key(sp, "cells");
	sp->begin_list(sp);
	for (size_t r = 0; r < m->row_names.n; r++) {
		sp->begin_list(sp);
		for (size_t c = 0; c < m->columns.n; c++)
			sp->integer(sp, map_cell(m, r, c));
		sp->end(sp);
	}
	sp->end(sp);
	sp->map_key(sp, "totals");
	sp->begin_map(sp);
	sp->map_key(sp, "rows");
	sp->begin_list(sp);
	for (size_t r = 0; r < m->row_names.n; r++)
		sp->integer(sp, m->row_totals[r]);
	sp->end(sp);
	sp->map_key(sp, "columns");
	sp->begin_list(sp);
	for (size_t c = 0; c < m->columns.n; c++)
		sp->integer(sp, m->col_totals[c]);
	sp->end(sp);
	sp_int(sp, "works", m->total);
	sp->end(sp);
}

void map_print_csv(FILE *out, const struct evidence_map *m)
{
	char num[16];

	csv_field(out, "lesson", 1);
	csv_field(out, "label", 0);
	for (size_t c = 0; c < m->columns.n; c++)
		csv_field(out, map_column_label(m, c), 0);
	csv_field(out, "total", 0);
	csv_end_row(out);
	for (size_t r = 0; r <= m->row_names.n; r++) {
		int last = r == m->row_names.n;

		csv_field(out, last ? "total" : m->row_names.v[r], 1);
		csv_field(out, last ? "" : m->row_labels.v[r], 0);
		for (size_t c = 0; c < m->columns.n; c++) {
			snprintf(num, sizeof(num), "%u",
				 last ? m->col_totals[c] : map_cell(m, r, c));
			csv_field(out, num, 0);
		}
		snprintf(num, sizeof(num), "%u",
			 last ? m->total : m->row_totals[r]);
		csv_field(out, num, 0);
		csv_end_row(out);
	}
}

/* ------------------------------------------------------------------ */
/* SVG                                                                 */

ev_status map_escape(struct buf *out, const char *s)
{
	ev_status rc = EV_OK;

	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '&':
			rc = buf_addstr(out, "&amp;");
			break;
		case '<':
			rc = buf_addstr(out, "&lt;");
			break;
		case '>':
			rc = buf_addstr(out, "&gt;");
			break;
		case '"':
			rc = buf_addstr(out, "&quot;");
			break;
		case '\'':
			rc = buf_addstr(out, "&#39;");
			break;
		default:
			/* XML 1.0 has no place for other control
			 * characters, even escaped. */
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\n' && *s != '\r')
				rc = buf_addch(out, ' ');
			else
				rc = buf_addch(out, *s);
		}
	}
	return rc;
}

/* Labels longer than this are cut, with the whole in a tooltip. */
#define LABEL_MAX 24

/* S cut to LABEL_MAX characters (UTF-8 aware), with an ellipsis. */
static ev_status add_short(struct buf *out, const char *s)
{
	size_t chars = 0, i = 0;
	char *cut;
	ev_status rc;

	if (utf8_width(s) <= LABEL_MAX)
		return map_escape(out, s);
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 &&
		    chars++ == LABEL_MAX - 1)
			break;
	while (i && s[i - 1] == ' ')
		i--;
	cut = xstrndup(s, i);
	if (!cut)
		return EV_NOMEM;
	rc = map_escape(out, cut);
	free(cut);
	return rc ? rc : buf_addstr(out, "\xe2\x80\xa6");
}

static size_t short_width(const char *s)
{
	size_t w = utf8_width(s);

	return w > LABEL_MAX ? LABEL_MAX : w;
}

/* Geometry, in pixels.  Text widths are estimated from the character
 * count: a generic sans-serif averages under 0.6 em per character. */
enum {
	MARGIN = 16,
	FONT = 13,	/* labels */
	FONT_CELL = 12, /* counts */
	FONT_TITLE = 16,
	CELL_H = 30,
	GAP = 8, /* before the totals column and row */
	SWATCH_W = 36,
	SWATCH_H = 14,
	INLINE_LIFT = 30 /* the title line, left out inside a page */
};
#define CHAR_W (FONT * 0.6)
#define SIN45 0.7071

ev_status map_svg(const struct evidence_map *m, const char *title,
		  int standalone, struct buf *out)
{
	size_t nr = m->row_names.n, nc = m->columns.n;
	unsigned cell_w = nc > 16 ? 40 : 56;
	size_t longest_row = 6, longest_col = 5;
	double label_w, head_h, extra_right;
	double x0, y0, width, height, legend_y;
	unsigned legend[8];
	size_t n_legend = 0;
	char fill[8];
	ev_status rc = EV_OK;

	for (size_t r = 0; r < nr; r++)
		if (short_width(m->row_labels.v[r]) > longest_row)
			longest_row = short_width(m->row_labels.v[r]);
	for (size_t c = 0; c < nc; c++)
		if (short_width(map_column_label(m, c)) > longest_col)
			longest_col = short_width(map_column_label(m, c));
	label_w = longest_row * CHAR_W + 12;
	/* Column labels are turned 45 degrees, so long ones need height
	 * above the grid and reach right past their column. */
	head_h = longest_col * CHAR_W * SIN45 + 16;
	extra_right = longest_col * CHAR_W * SIN45;
	x0 = MARGIN + 24 + label_w;
	y0 = MARGIN + 66 + head_h;
	width = x0 + (double)(nc + 1) * cell_w + GAP + extra_right + MARGIN;

	/* Legend values: every count when there are few, else five steps
	 * from 1 to the largest, with zero first. */
	legend[n_legend++] = 0;
	if (m->max_cell <= 6) {
		for (unsigned v = 1; v <= m->max_cell; v++)
			legend[n_legend++] = v;
	} else {
		for (unsigned k = 0; k < 5; k++) {
			unsigned v = 1 + (unsigned)((m->max_cell - 1) * k / 4);

			if (v != legend[n_legend - 1])
				legend[n_legend++] = v;
		}
	}
	if (width < MARGIN * 2 + 160 + n_legend * (SWATCH_W + 4))
		width = MARGIN * 2 + 160 + n_legend * (SWATCH_W + 4);
	if (width < 420)
		width = 420;
	legend_y = y0 + (double)(nr + 1) * CELL_H + GAP + 28;
	height = legend_y + SWATCH_H + 46 + (m->works ? 0 : 20) -
		 (standalone ? 0 : INLINE_LIFT);

	if (standalone)
		rc = buf_addstr(out, "<?xml version=\"1.0\" "
				     "encoding=\"UTF-8\"?>\n");
	if (!rc)
		rc = buf_printf(
			out,
			"<svg %swidth=\"%.0f\" height=\"%.0f\" "
			"viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
			"aria-labelledby=\"evidence-map-title\" "
			"class=\"evidence-map\" font-family=\"sans-serif\" "
			"font-size=\"%d\">\n",
			standalone ? "xmlns=\"http://www.w3.org/2000/svg\" "
				   : "",
			width, height, width, height, FONT);
	if (!rc)
		rc = buf_addstr(out, "<title id=\"evidence-map-title\">");
	if (!rc)
		rc = map_escape(out, title);
	if (!rc)
		rc = buf_addstr(out, "</title>\n<rect width=\"100%\" "
				     "height=\"100%\" fill=\"#ffffff\"/>\n");
	/* Inside a page, the page's heading names the map: no title line,
	 * and everything moves up into its place. */
	if (!rc && !standalone)
		rc = buf_printf(out, "<g transform=\"translate(0 -%d)\">\n",
				INLINE_LIFT);
	if (!rc && standalone)
		rc = buf_printf(out,
				"<text x=\"%d\" y=\"%d\" font-size=\"%d\" "
				"font-weight=\"bold\" fill=\"#111111\">",
				MARGIN, MARGIN + 16, FONT_TITLE);
	if (!rc && standalone)
		rc = map_escape(out, title);
	if (!rc && standalone)
		rc = buf_addstr(out, "</text>\n");
	if (!rc)
		rc = buf_printf(out,
				"<text x=\"%d\" y=\"%d\" "
				"fill=\"#444444\">Works with at least one "
				"passage carrying each lesson, by %s</text>\n",
				MARGIN, MARGIN + 38, map_axis_title(m->by));
	/* Axis titles. */
	if (!rc)
		rc = buf_printf(out,
				"<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" "
				"font-weight=\"bold\" text-anchor=\"middle\" "
				"fill=\"#222222\">%s</text>\n",
				x0 + (double)nc * cell_w / 2 +
					(nc ? 0 : cell_w / 2.0),
				(double)MARGIN + 58, axis_headings[m->by]);
	if (!rc)
		rc = buf_printf(out,
				"<text class=\"axis\" x=\"%d\" y=\"%.1f\" "
				"font-weight=\"bold\" text-anchor=\"middle\" "
				"fill=\"#222222\" transform=\"rotate(-90 %d "
				"%.1f)\">Lesson</text>\n",
				MARGIN + 10, y0 + (double)nr * CELL_H / 2,
				MARGIN + 10, y0 + (double)nr * CELL_H / 2);
	/* Column labels, turned so long ones never overlap. */
	for (size_t c = 0; !rc && c <= nc; c++) {
		double cx = x0 + (double)c * cell_w + cell_w / 2.0 +
			    (c == nc ? GAP : 0);
		const char *label = c == nc ? "Total" : map_column_label(m, c);

		rc = buf_printf(out,
				"<text x=\"%.1f\" y=\"%.1f\" "
				"transform=\"rotate(-45 %.1f %.1f)\" "
				"fill=\"#222222\"%s><title>",
				cx - 2, y0 - 8, cx - 2, y0 - 8,
				c == nc ? " font-weight=\"bold\"" : "");
		if (!rc)
			rc = map_escape(out, label);
		if (!rc)
			rc = buf_addstr(out, "</title>");
		if (!rc)
			rc = add_short(out, label);
		if (!rc)
			rc = buf_addstr(out, "</text>\n");
	}
	/* Rows: a label, a cell per column, the row's total. */
	for (size_t r = 0; !rc && r <= nr; r++) {
		int last = r == nr;
		double y = y0 + (double)r * CELL_H + (last ? GAP : 0);

		rc = buf_printf(out,
				"<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"end\" fill=\"#222222\"%s>",
				x0 - 8, y + CELL_H / 2.0 + FONT * 0.35,
				last ? " font-weight=\"bold\"" : "");
		if (!rc)
			rc = add_short(out, last ? "All lessons"
						 : m->row_labels.v[r]);
		if (!rc)
			rc = buf_addstr(out, "</text>\n");
		for (size_t c = 0; !rc && c <= nc; c++) {
			int total = last || c == nc;
			unsigned n =
				last ? (c == nc ? m->total : m->col_totals[c])
				: c == nc ? m->row_totals[r]
					  : map_cell(m, r, c);
			double x =
				x0 + (double)c * cell_w + (c == nc ? GAP : 0);

			if (total)
				memcpy(fill, "#ffffff", 8);
			else
				map_colour(n, m->max_cell, fill);
			rc = buf_printf(
				out,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%u\" "
				"height=\"%d\" fill=\"%s\" stroke=\"%s\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" font-size=\"%d\" "
				"fill=\"%s\"%s>%u</text>\n",
				x + 1, y + 1, cell_w - 2, CELL_H - 2, fill,
				total ? "#bbbbbb" : "none", x + cell_w / 2.0,
				y + CELL_H / 2.0 + FONT_CELL * 0.35, FONT_CELL,
				!total && colour_is_dark(n, m->max_cell)
					? "#ffffff"
				: n ? "#111111"
				    : "#888888",
				total ? " font-weight=\"bold\"" : "", n);
		}
	}
	/* The legend: the colour scale with the counts it stands for. */
	if (!rc)
		rc = buf_printf(out,
				"<g class=\"legend\"><text x=\"%d\" "
				"y=\"%.1f\" fill=\"#222222\">Works per "
				"cell:</text>\n",
				MARGIN, legend_y + SWATCH_H - 2);
	for (size_t i = 0; !rc && i < n_legend; i++) {
		double x = MARGIN + 110 + (double)i * (SWATCH_W + 4);

		map_colour(legend[i], m->max_cell, fill);
		rc = buf_printf(
			out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
			"height=\"%d\" fill=\"%s\" "
			"stroke=\"#999999\"/><text x=\"%.1f\" "
			"y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"%d\" fill=\"#222222\">%u</text>\n",
			x, legend_y, SWATCH_W, SWATCH_H, fill,
			x + SWATCH_W / 2.0,
			legend_y + SWATCH_H + FONT_CELL + 2, FONT_CELL,
			legend[i]);
	}
	if (!rc)
		rc = buf_printf(out,
				"</g>\n<text x=\"%d\" y=\"%.1f\" "
				"font-size=\"%d\" fill=\"#555555\">Totals "
				"count distinct works (%u in the "
				"collection).</text>\n",
				MARGIN, legend_y + SWATCH_H + 36, FONT_CELL,
				m->works);
	if (!rc && !m->works)
		rc = buf_printf(out,
				"<text x=\"%d\" y=\"%.1f\" font-size=\"%d\" "
				"fill=\"#555555\">The collection holds no "
				"works yet.</text>\n",
				MARGIN, legend_y + SWATCH_H + 54, FONT_CELL);
	if (!rc && !standalone)
		rc = buf_addstr(out, "</g>\n");
	if (!rc)
		rc = buf_addstr(out, "</svg>\n");
	return rc;
}
