/* cmd-map.c - "evidence map": lessons against evidence type, year or source */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "evidence-type.h"
#include "fsutil.h"
#include "map.h"
#include "setup.h"
#include "sprinter.h"

static const char usage[] =
	"evidence map [--by type|year|source] [--query Q] [--lesson L]... "
	"[--type T]... [--since YEAR] [--until YEAR] "
	"[--format text|json|csv|svg] [-o FILE]";

enum { FORMAT_SVG = 100 };

int cmd_map_option(struct cli *cli, const char *cmd, const char *usage_line,
		   int opt, const char *arg, struct search_options *o,
		   struct strvec *lessons, enum map_axis *by)
{
	long y;
	int t;

	switch (opt) {
	case 'b':
		t = map_axis_lookup(arg);
		if (t < 0)
			return cli_usage_error(
				cmd, usage_line,
				"cannot map by '%s': type, year "
				"or source",
				arg);
		*by = (enum map_axis)t;
		return 0;
	case 'Q':
		/* Blanks are no query: the whole collection, as without. */
		o->query = search_query_blank(arg) ? "" : arg;
		return 0;
	case 'l':
		if (strvec_push(lessons, arg))
			return cli_fail(EV_NOMEM, cmd, NULL);
		return 0;
	case 't':
		t = evidence_type_lookup(arg);
		if (t < 0)
			return cli_usage_error(cmd, usage_line,
					       "unknown evidence type '%s' "
					       "(see 'evidence stats')",
					       arg);
		if (strvec_push(&o->types, evidence_type_name(t)))
			return cli_fail(EV_NOMEM, cmd, NULL);
		return 0;
	case 's':
	case 'u':
		y = cli_parse_count(arg);
		if (y < 1000 || y > 9999)
			return cli_usage_error(cmd, usage_line,
					       "'%s' is not a year", arg);
		*(opt == 's' ? &o->since : &o->until) = (int)y;
		return 0;
	default:
		if (cli_common_option(cli, opt, arg))
			return 0;
		return cli_bad_option(cmd, usage_line);
	}
}

int cmd_map_open(struct cli *cli, const char *cmd, const char *usage_line,
		 int argc, char **argv, struct collection *c,
		 struct lessons **tax)
{
	char err[512] = "";
	ev_status rc;
	int code;

	*tax = NULL;
	if (optind < argc)
		return cli_usage_error(cmd, usage_line,
				       "unexpected argument '%s' (a query "
				       "goes after --query)",
				       argv[optind]);
	code = cli_open_collection(cli, c, 0);
	if (code)
		return code;
	rc = setup_lessons(cli, c, NULL, tax, NULL, err, sizeof(err));
	if (rc) {
		collection_release(c);
		return cli_fail(rc, "lessons", err);
	}
	return EXIT_OK;
}

int cmd_write_output(const char *cmd, const char *path, const char *data,
		     size_t len)
{
	ev_status rc;

	if (!path || strcmp(path, "-") == 0) {
		fwrite(data, 1, len, stdout);
		return EXIT_OK;
	}
	rc = fs_write_atomic(path, data, len);
	if (rc) {
		cli_error("%s: cannot write '%s': %s", cmd, path,
			  strerror(errno));
		return status_to_exit(rc);
	}
	return EXIT_OK;
}

/* "filters": {"types": [...], "since": N|null, "until": N|null}. */
static void print_filters(struct sprinter *sp, const struct search_options *o)
{
	sp->map_key(sp, "filters");
	sp->begin_map(sp);
	sp->map_key(sp, "types");
	sp->begin_list(sp);
	for (size_t i = 0; i < o->types.n; i++)
		sp->string(sp, o->types.v[i]);
	sp->end(sp);
	sp->map_key(sp, "since");
	if (o->since)
		sp->integer(sp, o->since);
	else
		sp->null(sp);
	sp->map_key(sp, "until");
	if (o->until)
		sp->integer(sp, o->until);
	else
		sp->null(sp);
	sp->end(sp);
}

int cmd_map(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		MAP_LONG_OPTIONS,
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0}};
	struct search_options o = {0};
	struct evidence_map m = {0};
	struct lessons *taxonomy = NULL;
	struct strvec rows = STRVEC_INIT;
	struct collection c;
	const char *output = NULL;
	char *msg = NULL, *text = NULL;
	size_t text_len = 0;
	FILE *out = NULL;
	int opt, format = OUT_TEXT, code = EXIT_OK, collection_open = 0;
	enum map_axis by = MAP_BY_TYPE;
	ev_status rc;

	strvec_init(&o.types);
	strvec_init(&o.lessons);
	o.query = "";
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS "o:", longopts,
				  NULL)) != -1) {
		if (opt == 'f' && strcmp(optarg, "svg") == 0) {
			format = FORMAT_SVG;
		} else if (opt == 'f') {
			code = cli_format_option("map", usage, optarg,
						 OUT_ALLOW(OUT_TEXT) |
							 OUT_ALLOW(OUT_JSON) |
							 OUT_ALLOW(OUT_CSV),
						 &format);
		} else if (opt == 'o') {
			output = optarg;
		} else {
			code = cmd_map_option(cli, "map", usage, opt, optarg,
					      &o, &rows, &by);
		}
		if (code)
			goto out;
	}
	code = cmd_map_open(cli, "map", usage, argc, argv, &c, &taxonomy);
	if (code)
		goto out;
	collection_open = 1;
	o.taxonomy = taxonomy;
	rc = map_build(c.index_dir, &o, by, taxonomy, &rows, &m, &msg);
	if (rc == EV_USAGE) {
		code = cli_usage_error("map", usage, "%s", msg ? msg : "");
		goto out;
	}
	if (rc) {
		code = cli_fail(rc, "map", msg);
		goto out;
	}

	out = open_memstream(&text, &text_len);
	if (!out) {
		code = cli_fail(EV_NOMEM, "map", NULL);
		goto out;
	}
	if (format == FORMAT_SVG) {
		struct buf svg = BUF_INIT;
		struct buf title = BUF_INIT;

		rc = buf_printf(&title, "Evidence map%s%s%s",
				*o.query ? ": \u201c" : "", o.query,
				*o.query ? "\u201d" : "");
		if (!rc)
			rc = map_svg(&m, buf_str(&title), 1, &svg);
		if (!rc)
			fwrite(svg.ptr, 1, svg.len, out);
		buf_release(&svg);
		buf_release(&title);
	} else if (format == OUT_JSON) {
		struct sprinter *sp = sprinter_json_document(out, 1);

		if (!sp) {
			rc = EV_NOMEM;
		} else {
			sp_str(sp, "query", o.query);
			print_filters(sp, &o);
			map_print_json(sp, &m);
			sprinter_document_end(sp);
		}
	} else if (format == OUT_CSV) {
		map_print_csv(out, &m);
	} else {
		int colour = !output && isatty(STDOUT_FILENO) &&
			     !getenv("NO_COLOR");

		map_print_text(out, &m, colour);
	}
	if (fclose(out) != 0 && !rc)
		rc = EV_NOMEM;
	out = NULL;
	if (rc) {
		code = cli_fail(rc, "map", NULL);
		goto out;
	}
	code = cmd_write_output("map", output, text, text_len);
out:
	if (out)
		fclose(out);
	free(text);
	free(msg);
	map_release(&m);
	lessons_free(taxonomy);
	strvec_release(&rows);
	strvec_release(&o.types);
	strvec_release(&o.lessons);
	if (collection_open)
		collection_release(&c);
	return code;
}
