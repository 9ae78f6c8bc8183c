/* test-map.c - unit tests for the map's escaping, colours and printers */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/map.h"
#include "tests/tap.h"

static const struct {
	const char *in, *want;
} escapes[] = {
	{"plain", "plain"},
	{"", ""},
	{"R&D", "R&amp;D"},
	{"<b class=\"x\">", "&lt;b class=&quot;x&quot;&gt;"},
	{"O'Brien", "O&#39;Brien"},
	/* XML 1.0 cannot hold other control characters even escaped:
	 * xmllint rejected an SVG with a form feed in a label. */
	{"a\fb\x01", "a b "},
	{"tab\tand\nline", "tab\tand\nline"},
	{"caf\xc3\xa9", "caf\xc3\xa9"},
};

static const struct {
	unsigned count, max;
	const char *want;
} colours[] = {
	{0, 5, "#f2f2f2"},
	{1, 5, "#deebf7"}, /* the palest blue for the smallest count */
	{5, 5, "#08306b"}, /* the darkest for the largest */
	{1, 1, "#08306b"}, /* a scale of one: 1 is the largest */
	{9, 5, "#08306b"}, /* past the largest: clamped, no overrun */
	{0, 0, "#f2f2f2"},
};

/* A map filled from a table: N_ROWS rows named lesson0.., labels given,
 * columns given ("" is the "none" column), CELLS row-major. */
static void fill(struct evidence_map *m, enum map_axis by,
		 const char *const *labels, size_t n_rows,
		 const char *const *columns, size_t n_cols,
		 const unsigned *cells)
{
	memset(m, 0, sizeof(*m));
	m->by = by;
	strvec_init(&m->row_names);
	strvec_init(&m->row_labels);
	strvec_init(&m->columns);
	for (size_t r = 0; r < n_rows; r++) {
		char name[32];

		snprintf(name, sizeof(name), "lesson%zu", r);
		strvec_push(&m->row_names, name);
		strvec_push(&m->row_labels, labels[r]);
	}
	for (size_t c = 0; c < n_cols; c++)
		strvec_push(&m->columns, columns[c]);
	m->cells = calloc(n_rows * n_cols + 1, sizeof(unsigned));
	m->row_totals = calloc(n_rows + 1, sizeof(unsigned));
	m->col_totals = calloc(n_cols + 1, sizeof(unsigned));
	for (size_t r = 0; r < n_rows; r++)
		for (size_t c = 0; c < n_cols; c++) {
			unsigned v = cells[r * n_cols + c];

			m->cells[r * n_cols + c] = v;
			m->row_totals[r] += v;
			m->col_totals[c] += v;
			m->total += v;
			if (v > m->max_cell)
				m->max_cell = v;
		}
	m->works = m->total;
}

static char *text_of(const struct evidence_map *m, int csv)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (csv)
		map_print_csv(f, m);
	else
		map_print_text(f, m, 0);
	fclose(f);
	return s;
}

/* 1 when every line of S has the same number of characters. */
static int aligned(const char *s)
{
	long want = -1;

	while (*s) {
		const char *nl = strchr(s, '\n');
		long n = 0;

		for (const char *p = s; p < nl; p++)
			n += ((unsigned char)*p & 0xc0) != 0x80;
		if (want >= 0 && n != want)
			return 0;
		want = n;
		s = nl + 1;
	}
	return 1;
}

static void test_text(void)
{
	static const char *const labels[] = {"Focus", "Relationships"};
	static const char *const cols[] = {"2019", ""};
	/* Regression: a count wider than its column's label made the
	 * padding wrap round to a huge number. */
	static const unsigned cells[] = {12345, 0, 7, 3};
	struct evidence_map m;
	char *s;

	fill(&m, MAP_BY_YEAR, labels, 2, cols, 2, cells);
	s = text_of(&m, 0);
	ok(aligned(s), "text: every line as wide as the header");
	ok(strstr(s, "12345") != NULL, "text: a wide count is whole");
	ok(strstr(s, "no year") != NULL, "text: the none column's label");
	ok(strncmp(s, "lesson", 6) == 0, "text: header first");
	free(s);

	s = text_of(&m, 1);
	is_str(s,
	       "lesson,label,2019,no year,total\r\n"
	       "lesson0,Focus,12345,0,12345\r\n"
	       "lesson1,Relationships,7,3,10\r\n"
	       "total,,12352,3,12355\r\n",
	       "csv: header, rows, totals");
	free(s);
	map_release(&m);
}

static void test_svg(void)
{
	static const char *const labels[] = {"Focus & <scope>",
					     "A lesson label far too long to "
					     "show whole"};
	static const char *const cols[] = {"study", "\"quoted\" source"};
	static const unsigned cells[] = {1, 0, 2, 4};
	static const char *const no_cols[] = {NULL};
	struct evidence_map m;
	struct buf b = BUF_INIT;

	fill(&m, MAP_BY_SOURCE, labels, 2, cols, 2, cells);
	ok(map_svg(&m, "Map of <x> & y", 1, &b) == EV_OK, "svg: standalone");
	ok(strncmp(b.ptr, "<?xml ", 6) == 0, "svg: XML declaration");
	ok(strstr(b.ptr, "xmlns=\"http://www.w3.org/2000/svg\"") != NULL,
	   "svg: namespace when standalone");
	ok(strstr(b.ptr, ">Map of &lt;x&gt; &amp; y</text>") != NULL,
	   "svg: title escaped");
	ok(strstr(b.ptr, ">Focus &amp; &lt;scope&gt;</text>") != NULL,
	   "svg: row label escaped");
	ok(strstr(b.ptr, "&quot;quoted&quot; source") != NULL,
	   "svg: column label escaped");
	/* 23 characters and the ellipsis; the space before it dropped */
	ok(strstr(b.ptr, ">A lesson label far too\xe2\x80\xa6</text>") != NULL,
	   "svg: a long label cut to 24 characters");
	ok(strstr(b.ptr, ">Source</text>") != NULL, "svg: column axis title");
	ok(strstr(b.ptr, ">Lesson</text>") != NULL, "svg: row axis title");
	ok(strstr(b.ptr, "<") && !strstr(b.ptr, "<x>") &&
		   !strstr(b.ptr, "<scope>"),
	   "svg: no raw markup from labels");
	buf_release(&b);

	ok(map_svg(&m, "Inline", 0, &b) == EV_OK, "svg: inline");
	ok(strncmp(b.ptr, "<svg ", 5) == 0, "svg: inline starts at <svg");
	ok(strstr(b.ptr, "xmlns") == NULL && strstr(b.ptr, "http") == NULL,
	   "svg: inline names no URL");
	ok(strstr(b.ptr, ">Inline</text>") == NULL,
	   "svg: inline leaves the title line to the page");
	buf_release(&b);
	map_release(&m);

	fill(&m, MAP_BY_TYPE, labels, 2, no_cols, 0, cells);
	ok(map_svg(&m, "Empty", 1, &b) == EV_OK, "svg: no columns");
	ok(strstr(b.ptr, "no works yet") != NULL, "svg: says it is empty");
	ok(strstr(b.ptr, ">Total<") != NULL, "svg: still a totals column");
	buf_release(&b);
	map_release(&m);
}

static void test_bins(void)
{
	static const char *const labels[] = {"Pacing"};
	char *cols[31];
	unsigned cells[31];
	struct evidence_map m;
	char *s;

	/* 1990 to 2019, one work each, and two without a year. */
	for (int i = 0; i < 30; i++) {
		cols[i] = malloc(8);
		snprintf(cols[i], 8, "%d", 1990 + i);
		cells[i] = 1;
	}
	cols[30] = strdup("");
	cells[30] = 2;
	fill(&m, MAP_BY_YEAR, labels, 1, (const char *const *)cols, 31,
	     cells);
	ok(map_bin_years(&m, 30) == EV_OK && m.columns.n == 31,
	   "bins: 30 years fit 30 columns, left alone");
	ok(map_bin_years(&m, 16) == EV_OK, "bins: 30 years in 16 columns");
	is_int(m.columns.n, 16, "bins: 15 spans of two years and no year");
	is_str(m.columns.v[0], "1990-1991", "bins: first span");
	is_str(m.columns.v[14], "2018-2019", "bins: last span");
	is_str(m.columns.v[15], "", "bins: no year stays last");
	is_int(map_cell(&m, 0, 0), 2, "bins: a span sums its years");
	is_int(m.col_totals[15], 2, "bins: no year keeps its total");
	is_int(m.max_cell, 2, "bins: the largest cell follows");
	map_release(&m);

	fill(&m, MAP_BY_YEAR, labels, 1, (const char *const *)cols, 30,
	     cells);
	ok(map_bin_years(&m, 5) == EV_OK, "bins: 30 years in 5 columns");
	s = text_of(&m, 1);
	/* Five-year spans would need six columns: decades. */
	is_str(s,
	       "lesson,label,1990-1999,2000-2009,2010-2019,total\r\n"
	       "lesson0,Pacing,10,10,10,30\r\n"
	       "total,,10,10,10,30\r\n",
	       "bins: decades when five-year spans are too many");
	free(s);
	map_release(&m);
	for (int i = 0; i < 31; i++)
		free(cols[i]);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(*escapes); i++) {
		struct buf b = BUF_INIT;

		map_escape(&b, escapes[i].in);
		is_str(b.len ? b.ptr : "", escapes[i].want, "escape row %zu",
		       i);
		buf_release(&b);
	}
	for (size_t i = 0; i < sizeof(colours) / sizeof(*colours); i++) {
		char got[8];

		map_colour(colours[i].count, colours[i].max, got);
		is_str(got, colours[i].want, "colour of %u on a scale to %u",
		       colours[i].count, colours[i].max);
	}
	is_int(map_axis_lookup("year"), MAP_BY_YEAR, "axis: year");
	is_int(map_axis_lookup("colour"), -1, "axis: unknown");
	test_text();
	test_svg();
	test_bins();
	return tap_done();
}
