/* cmd-cite.c - "evidence cite": references for stored works */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query/cite-select.h"
#include "store.h"

static const char usage[] =
	"evidence cite [--style vancouver|apa|bibtex|ris|csl-json] "
	"[--format text|markdown|html] ID...\n"
	"       evidence cite [--style STYLE] --query QUERY [--lesson L]... "
	"[--type T]... [--since YEAR] [--until YEAR] [--limit N]";

int cmd_cite(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"style", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		CITE_SELECT_OPTIONS,
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0}};
	struct cite_select sel;
	struct store *store = NULL;
	struct collection c;
	int opt, code = EXIT_OK, style = CITE_VANCOUVER, markup = CITE_TEXT;
	int collection_open = 0;
	const char *misuse;
	char *msg = NULL;
	ev_status rc;

	cite_select_init(&sel);
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		int r = cite_select_option(&sel, "cite", usage, opt, optarg);

		if (r > 1) {
			code = r;
			goto out;
		} else if (r) {
			continue;
		}
		if (opt == 's') {
			style = cite_style_lookup(optarg);
			if (style < 0) {
				code = cli_usage_error(
					"cite", usage,
					"unknown style '%s' (the styles are: "
					"vancouver, apa, bibtex, ris, "
					"csl-json)",
					optarg);
				goto out;
			}
		} else if (opt == 'f') {
			markup = cite_markup_lookup(optarg);
			if (markup < 0) {
				code = cli_usage_error("cite", usage,
						       "unknown format '%s' "
						       "(text, markdown or "
						       "html)",
						       optarg);
				goto out;
			}
		} else if (!cli_common_option(cli, opt, optarg)) {
			code = cli_bad_option("cite", usage);
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		if (strvec_push(&sel.ids, argv[i])) {
			code = cli_fail(EV_NOMEM, "cite", NULL);
			goto out;
		}
	misuse = cite_select_misuse(&sel);
	if (!misuse && !sel.ids.n && !sel.query)
		misuse = "no id given";
	if (misuse) {
		code = cli_usage_error("cite", usage, "%s", misuse);
		goto out;
	}
	code = cli_open_collection(cli, &c, 0);
	if (code)
		goto out;
	collection_open = 1;
	rc = store_open(c.store_dir, 0, &store, &msg);
	if (!rc)
		rc = cite_select_emit(&sel, cli, &c, store,
				      (enum emit_format)style, markup, stdout,
				      &msg);
	if (rc == EV_INTERRUPTED)
		rc = EV_OK; /* the reader of our output went away */
	if (rc == EV_NOT_FOUND && sel.query && !msg)
		search_tell_nothing(sel.query);
	if (rc == EV_NOT_FOUND)
		code = sel.query && !msg ? EXIT_NOTHING
					 : cli_fail(rc, "cite", msg);
	else if (rc)
		code = cli_fail(rc, "cite", msg ? msg : store_errmsg(store));
out:
	free(msg);
	store_close(store);
	if (collection_open)
		collection_release(&c);
	cite_select_release(&sel);
	return code;
}
