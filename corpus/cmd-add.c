/* cmd-add.c - "evidence add": one-off additions, harvested then indexed */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "harvest.h"
#include "parse.h"
#include "setup.h"
#include "text.h"

static const char usage[] =
    "evidence add [--format FORMAT] [--no-index] DOI|PMID|URL|FILE|DIR...";

static void print_note(void *arg, const char *source, const char *msg)
{
	(void)arg;
	(void)source;
	cli_error("add: %s (skipped)", msg);
}

/* What an argument names: a file or folder that exists, a URL, a DOI
 * ("10.1136/bmj.m3353", "doi:...", "https://doi.org/..."), a PMID
 * ("31488421", "pmid:..."); anything else is taken as a file, which
 * then fails with the system's reason. */
enum arg_kind { ARG_FILE, ARG_URL, ARG_DOI, ARG_PMID };

static enum arg_kind arg_kind(const char *arg, char *key, size_t keysz)
{
	struct stat st;
	const char *p = arg;

	snprintf(key, keysz, "%s", arg);
	if (stat(arg, &st) == 0)
		return ARG_FILE;
	if (str_istarts_with(arg, "doi:") ||
	    str_istarts_with(arg, "https://doi.org/") ||
	    str_istarts_with(arg, "http://dx.doi.org/") ||
	    str_starts_with(arg, "10.")) {
		if (doi_normalise(key))
			return ARG_DOI;
		snprintf(key, keysz, "%s", arg);
	}
	if (str_istarts_with(arg, "http://") ||
	    str_istarts_with(arg, "https://") ||
	    str_istarts_with(arg, "file://"))
		return ARG_URL;
	if (str_istarts_with(p, "pmid:"))
		p += 5;
	if (*p && strlen(p) <= 9 && strspn(p, "0123456789") == strlen(p)) {
		snprintf(key, keysz, "%s", p);
		return ARG_PMID;
	}
	return ARG_FILE;
}

/* The section of SRC that takes KIND, made on first use; provenance
 * then names the kind ("file", "page", "crossref", "pubmed"). */
static ev_status kind_source(struct sources *src, enum arg_kind kind,
			     int file_url, const char *format,
			     struct source **out)
{
	static const char *const names[] = {"file", "page", "crossref",
					    "pubmed"};
	static const enum source_type types[] = {
	    SOURCE_FILE, SOURCE_PAGE, SOURCE_CROSSREF, SOURCE_PUBMED};
	size_t k = file_url ? ARG_FILE : kind;
	ev_status rc;

	for (size_t i = 0; i < src->n; i++)
		if (!strcmp(src->v[i].name, names[k])) {
			*out = &src->v[i];
			return EV_OK;
		}
	rc = sources_add(src, names[k], types[k], out);
	if (!rc && format && (types[k] == SOURCE_FILE ||
			      types[k] == SOURCE_PAGE))
		rc = source_append(*out, "format", format);
	return rc;
}

/*
 * DOIs and PMIDs are fetched with the contact details, keys and base URL
 * of the collection's first crossref and pubmed sources, when its
 * sources file has them: the services then know who asks, and a test
 * collection points add at its own server.  Returns an exit code.
 */
static int borrow_settings(struct sources *src, const char *path)
{
	static const char *const keys[] = {"base", "email", "api_key",
					   "mailto"};
	struct sources conf;
	char err[600] = "";
	ev_status rc;

	sources_init(&conf);
	rc = sources_load(path, &conf, err, sizeof(err));
	if (rc == EV_NOT_FOUND) {
		sources_release(&conf);
		return EXIT_OK;
	}
	if (rc) {
		cli_error("%s", err);
		sources_release(&conf);
		return rc == EV_USAGE ? EXIT_USAGE : status_to_exit(rc);
	}
	for (size_t i = 0; !rc && i < src->n; i++) {
		struct source *s = &src->v[i];
		const struct source *from = NULL;

		if (s->type != SOURCE_PUBMED && s->type != SOURCE_CROSSREF)
			continue;
		for (size_t j = 0; !from && j < conf.n; j++)
			if (conf.v[j].type == s->type)
				from = &conf.v[j];
		for (size_t k = 0; from && !rc && k < 4; k++) {
			const char *v = source_get(from, keys[k]);

			if (v && *v)
				rc = source_append(s, keys[k], v);
		}
	}
	sources_release(&conf);
	return rc ? cli_fail(rc, "add", NULL) : EXIT_OK;
}

int cmd_add(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"no-index", no_argument, NULL, 'n'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct harvest_opts opts = {0};
	struct harvest_result res;
	struct index_counts counts = {0};
	struct sources src;
	struct collection c;
	struct store *store = NULL;
	struct indexing *ing = NULL;
	const char *format = NULL;
	char *msg = NULL;
	unsigned long files = 0, added = 0, updated = 0, unchanged = 0,
		      skipped = 0;
	ev_status rc = EV_OK;
	int opt, code, no_index = 0;

	sources_init(&src);
	harvest_result_init(&res);
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		if (opt == 'f') {
			if (format_lookup(optarg) == FORMAT_UNKNOWN)
				return cli_usage_error("add", usage,
						       "unknown format '%s'",
						       optarg);
			format = optarg;
		} else if (opt == 'n') {
			no_index = 1;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("add", usage);
		}
	}
	if (optind >= argc)
		return cli_usage_error("add", usage, "nothing to add");
	for (int i = optind; !rc && i < argc; i++) {
		char key[1024];
		enum arg_kind kind = arg_kind(argv[i], key, sizeof(key));
		int file_url = kind == ARG_URL &&
			       str_istarts_with(argv[i], "file://");
		static const char *const keys[] = {"path", "url", "doi",
						   "pmid"};
		struct source *s;

		rc = kind_source(&src, kind, file_url, format, &s);
		if (!rc)
			rc = source_append(s, keys[kind], key);
	}
	if (rc)
		return cli_fail(rc, "add", NULL);

	code = cli_open_collection(cli, &c, 1);
	if (code) {
		sources_release(&src);
		return code;
	}
	code = borrow_settings(&src, c.sources_path);
	if (code)
		goto out;
	rc = store_open(c.store_dir, 1, &store, &msg);
	if (rc) {
		code = cli_fail(rc, "store", msg);
		goto out;
	}
	opts.no_state = 1;
	opts.named = 1;
	opts.note = print_note;
	opts.arg = cli;
	/* The works are indexed as they are stored, on the other core. */
	if (!no_index && (code = indexing_start(cli, &c, &ing)) != EXIT_OK)
		goto out;
	if (ing) {
		opts.stored = indexing_stored;
		opts.stored_arg = ing;
	}
	rc = harvest_run(store, &src, &opts, &res);
	if (rc) {
		/* What was stored stays stored, and indexed as far as it
		 * went; the index catches up on the next run of "evidence
		 * index". */
		code = cli_fail(rc, "add", res.fatal ? res.fatal_msg : NULL);
		indexing_stop(ing);
		ing = NULL;
		goto out;
	}
	store_close(store);
	store = NULL;
	code = harvest_exit_code(&res);
	if (!no_index) {
		int icode = indexing_finish(ing, &res.ids, &counts);

		ing = NULL;
		if (icode > EXIT_NOTHING) {
			code = icode;
			goto out;
		}
		code = code ? code : icode;
	}
	for (size_t i = 0; i < res.run.n_sources; i++) {
		const struct run_counts *n = &res.run.sources[i].counts;

		files += res.outcomes[i].payloads;
		added += n->added;
		updated += n->updated;
		unchanged += n->unchanged + n->duplicate;
		skipped += n->failed;
	}
	if (!cli->quiet)
		printf("%lu input%s: %lu new, %lu updated, %lu unchanged "
		       "works; %lu skipped\n",
		       files, files == 1 ? "" : "s", added, updated, unchanged,
		       skipped);
out:
	indexing_stop(ing);
	free(msg);
	store_close(store);
	harvest_result_release(&res);
	sources_release(&src);
	collection_release(&c);
	return code;
}
