/* map.h - the evidence map: works per lesson and type, year or source */
#ifndef EVIDENCE_MAP_H
#define EVIDENCE_MAP_H

#include <stdio.h>

#include "buf.h"
#include "cli.h"
#include "lessons.h"
#include "search.h"
#include "sprinter.h"
#include "status.h"
#include "strvec.h"

/*
 * An evidence map is a grid: one row per lesson, in taxonomy order, one
 * column per evidence type (strongest first), year (oldest first) or
 * source (by name), plus a last column for works that have none (no
 * year, say) when there are any.  Cell (L, C) is the number of distinct
 * works in column C that "evidence search --lesson L" would list for the
 * same query and filters: without a query, the works that have at least
 * one passage carrying L.  A passage carries a lesson when the tagger's
 * score reaches the lesson's threshold (lessons.conf); the index records
 * exactly those as lesson terms, and search, stats and the map all read
 * them.  A work harvested from two sources counts in both source columns,
 * so totals count distinct works and are not sums of cells.
 *
 * Columns are the values held by the works of the whole collection, so
 * maps of different queries line up.
 */

enum map_axis { MAP_BY_TYPE, MAP_BY_YEAR, MAP_BY_SOURCE };

/* "type", "year", "source"; and the axis called NAME, or -1. */
const char *map_axis_name(enum map_axis by);
int map_axis_lookup(const char *name);
/* What the columns are, for people: "evidence type", "year", "source". */
const char *map_axis_title(enum map_axis by);

struct evidence_map {
	enum map_axis by;
	struct strvec row_names;  /* lesson names: "focus" */
	struct strvec row_labels; /* lesson labels: "Focus" */
	struct strvec columns;	  /* column values; "" for "none" */
	unsigned *cells;	  /* row-major, n_rows x n_columns */
	unsigned *row_totals;	  /* distinct works per lesson */
	unsigned *col_totals;	  /* distinct works per column, any lesson */
	unsigned total;		  /* distinct works with any lesson shown */
	unsigned max_cell;
	unsigned works;	   /* works in the collection */
	unsigned passages; /* passages in the collection */
};

/*
 * Build the map of the index at INDEX_DIR for the query and filters of O
 * (O->lessons, limit and offset are ignored) over the lessons ROWS of
 * TAX (all of TAX's lessons when ROWS is NULL or empty; a name that TAX
 * does not have is EV_USAGE).  An index not built yet is an empty
 * collection, not an error.  M is filled from scratch; release it with
 * map_release() whatever the status.  Statuses and *MSGP as for
 * search_run().
 */
ev_status map_build(const char *index_dir, const struct search_options *o,
		    enum map_axis by, const struct lessons *tax,
		    const struct strvec *rows, struct evidence_map *m,
		    char **msgp);
void map_release(struct evidence_map *m);

/*
 * With more than MAX_COLUMNS years (not counting "no year"), group the
 * year columns of M into spans of 2, 5, 10, 20, 25, 50, 100... years,
 * the narrowest that gives at most MAX_COLUMNS, aligned on multiples of
 * the width ("1990-1994"), every span from the first year's to the
 * last's.  Counts add up exactly, as a work has one year.  map_build()
 * does this with MAP_MAX_YEAR_COLUMNS, so a map of a long period stays
 * legible.  EV_NOMEM leaves M as it was.
 */
#define MAP_MAX_YEAR_COLUMNS 16
ev_status map_bin_years(struct evidence_map *m, size_t max_columns);

static inline unsigned map_cell(const struct evidence_map *m, size_t row,
				size_t col)
{
	return m->cells[row * m->columns.n + col];
}

/* A column's heading: its value, or "no type"/"no year"/"no source". */
const char *map_column_label(const struct evidence_map *m, size_t col);

/* An aligned table on OUT; with COLOUR, each count on an ANSI 256-colour
 * background that darkens with the count. */
void map_print_text(FILE *out, const struct evidence_map *m, int colour);

/* The map's keys into SP's open map (doc/evidence-json.7 has the shape):
 * "by", "rows", "columns", "cells", "totals". */
void map_print_json(struct sprinter *sp, const struct evidence_map *m);

/* One CSV row per lesson: lesson, label, one count per column, total;
 * a header row first and a "total" row last. */
void map_print_csv(FILE *out, const struct evidence_map *m);

/*
 * Append the map as an SVG heat map to OUT: titled TITLE, labelled axes,
 * counts in the cells, a totals column and a legend.  With STANDALONE,
 * a complete XML document; otherwise an <svg> element for inline HTML.
 * EV_NOMEM or EV_TOO_BIG from OUT.
 */
ev_status map_svg(const struct evidence_map *m, const char *title,
		  int standalone, struct buf *out);

/* The fill colour ("#rrggbb" into OUT, 8 bytes) for COUNT on a scale
 * whose darkest colour is MAX; zero has its own pale grey. */
void map_colour(unsigned count, unsigned max, char out[8]);

/* Append S to OUT with &, <, >, " and ' escaped for XML and HTML. */
ev_status map_escape(struct buf *out, const char *s);

/* For cmd-map.c and cmd-report.c, which share their filter options and
 * their output (defined in cmd-map.c, as they print). */

/* The options both commands take, for their getopt_long tables. */
#define MAP_LONG_OPTIONS                                                      \
	{"by", required_argument, NULL, 'b'},                                 \
		{"query", required_argument, NULL, 'Q'},                      \
		{"lesson", required_argument, NULL, 'l'},                     \
		{"type", required_argument, NULL, 't'},                       \
		{"since", required_argument, NULL, 's'},                      \
	{                                                                     \
		"until", required_argument, NULL, 'u'                         \
	}

/*
 * Handle option OPT of command CMD: one of MAP_LONG_OPTIONS (into O,
 * LESSONS and BY) or a common option (into CLI).  Returns 0 when done,
 * else an exit code after printing what was wrong.
 */
int cmd_map_option(struct cli *cli, const char *cmd, const char *usage_line,
		   int opt, const char *arg, struct search_options *o,
		   struct strvec *lessons, enum map_axis *by);

/*
 * After the options: refuse other arguments, open the collection into C
 * and its taxonomy into *TAX.  Returns an exit code; on 0, C is open
 * (collection_release() it) and *TAX is the caller's to free.
 */
int cmd_map_open(struct cli *cli, const char *cmd, const char *usage_line,
		 int argc, char **argv, struct collection *c,
		 struct lessons **tax);

/* Write LEN bytes of DATA to PATH atomically, or to stdout when PATH is
 * NULL or "-".  Returns an exit code after printing any error. */
int cmd_write_output(const char *cmd, const char *path, const char *data,
		     size_t len);

#endif
