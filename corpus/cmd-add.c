/* cmd-add.c - "evidence add": import files into the store, index them */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "parse.h"
#include "setup.h"
#include "store.h"
#include "text.h"

static const char usage[] =
    "evidence add [--format FORMAT] [--no-index] FILE|DIR...";

/* Folders deeper than this are a loop or a mistake. */
#define MAX_DEPTH 32

struct add_ctx {
	struct cli *cli;
	struct store *store;
	enum format format;
	struct strvec ids; /* works stored or updated, to index */
	unsigned long files, skipped;
	unsigned long added, updated, unchanged;
	const char *current; /* the file being read */
	ev_status store_rc;  /* a store failure stops everything */
};

static ev_status store_one(struct record *rec, void *arg)
{
	struct add_ctx *a = arg;
	enum store_outcome outcome;
	ev_status rc;

	rc = store_put(a->store, rec, &outcome);
	if (rc) {
		a->store_rc = rc;
		return rc;
	}
	switch (outcome) {
	case STORE_NEW:
		a->added++;
		break;
	case STORE_UPDATED:
		a->updated++;
		break;
	case STORE_UNCHANGED:
		a->unchanged++;
		break;
	}
	/* Unchanged works are indexed too: a run killed after the store
	 * and before the index commit leaves works that only this catches.
	 * The index skips those whose hash it already has. */
	return strvec_push_unique(&a->ids, rec->id);
}

/* Import one file.  A file that cannot be read or parsed is reported,
 * counted and skipped; only a failure of the store stops the run. */
static ev_status add_file(struct add_ctx *a, const char *path)
{
	struct parse_input in = {0};
	char *abs = NULL, *url = NULL;
	char err[512] = "";
	ev_status rc;
	int fd;

	a->files++;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_error("add: %s: %s (skipped)", path, strerror(errno));
		a->skipped++;
		return EV_OK;
	}
	abs = realpath(path, NULL);
	if (abs && asprintf(&url, "file://%s", abs) < 0)
		url = NULL;
	in.name = path;
	in.url = url;
	in.fd = fd;
	a->current = path;
	rc = parse_input(a->format, &in, store_one, a, err, sizeof(err));
	close(fd);
	free(abs);
	free(url);
	if (a->store_rc) {
		cli_error("add: %s: %s", path, store_errmsg(a->store));
		return a->store_rc;
	}
	if (rc == EV_NOMEM)
		return rc;
	if (rc) {
		cli_error("add: %s: %s (skipped)", path,
			  err[0] ? err : status_to_string(rc));
		a->skipped++;
	}
	return EV_OK;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Files a folder walk imports: those whose format is told by their
 * name, so that a README or an image beside the records is left alone.
 * A file named on the command line is always read. */
static int importable(const char *name)
{
	static const char *const exts[] = {
	    ".txt",   ".text", ".html", ".htm",
	    ".xhtml", ".xml",  ".nxml", ".json",
	};

	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++)
		if (str_iends_with(name, exts[i]))
			return 1;
	return 0;
}

static ev_status add_path(struct add_ctx *a, const char *path, int depth,
			  int named);

static ev_status add_dir(struct add_ctx *a, const char *path, int depth)
{
	struct strvec names = STRVEC_INIT;
	struct dirent *e;
	ev_status rc = EV_OK;
	DIR *d;

	if (depth > MAX_DEPTH) {
		cli_error("add: %s: folders nested too deep (skipped)", path);
		a->skipped++;
		return EV_OK;
	}
	d = opendir(path);
	if (!d) {
		cli_error("add: %s: %s (skipped)", path, strerror(errno));
		a->skipped++;
		return EV_OK;
	}
	while (!rc && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = strvec_push(&names, e->d_name);
	closedir(d);
	/* Sorted, so that the same folder always imports the same way. */
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; !rc && i < names.n; i++) {
		char *child = fs_join(path, names.v[i]);

		rc = child ? add_path(a, child, depth + 1, 0) : EV_NOMEM;
		free(child);
	}
	strvec_release(&names);
	return rc;
}

static ev_status add_path(struct add_ctx *a, const char *path, int depth,
			  int named)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		cli_error("add: %s: %s (skipped)", path, strerror(errno));
		a->skipped++;
		return EV_OK;
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(a, path, depth);
	if (!S_ISREG(st.st_mode)) {
		if (named) {
			cli_error("add: %s: not a regular file (skipped)",
				  path);
			a->skipped++;
		}
		return EV_OK;
	}
	if (!named && !importable(path))
		return EV_OK;
	return add_file(a, path);
}

int cmd_add(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"no-index", no_argument, NULL, 'n'},
	    CLI_COMMON_OPTIONS,
	    {NULL, 0, NULL, 0}};
	struct add_ctx a = {0};
	struct index_counts counts = {0};
	struct collection c;
	char *msg = NULL;
	ev_status rc = EV_OK;
	int opt, code, no_index = 0;

	a.cli = cli;
	a.format = FORMAT_UNKNOWN;
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == 'f') {
			a.format = format_lookup(optarg);
			if (a.format == FORMAT_UNKNOWN)
				return cli_usage_error("add", usage,
						       "unknown format '%s'",
						       optarg);
		} else if (opt == 'n') {
			no_index = 1;
		} else if (!cli_common_option(cli, opt, optarg)) {
			return cli_bad_option("add", usage);
		}
	}
	if (optind >= argc)
		return cli_usage_error("add", usage, "nothing to add");
	code = cli_open_collection(cli, &c, 1);
	if (code)
		return code;
	rc = store_open(c.store_dir, 1, &a.store, &msg);
	if (rc) {
		code = cli_fail(rc, "store", msg);
		free(msg);
		collection_release(&c);
		return code;
	}
	for (int i = optind; !rc && i < argc; i++)
		rc = add_path(&a, argv[i], 0, 1);
	if (rc) {
		/* What was stored stays stored; the index catches up on the
		 * next run of "evidence index". */
		code = status_to_exit(rc);
		goto out;
	}
	if (!no_index) {
		code = index_collection(cli, &c, 0, &a.ids, &counts);
		if (code > EXIT_NOTHING)
			goto out;
	}
	if (!cli->quiet)
		printf("%lu files: %lu new, %lu updated, %lu unchanged works; "
		       "%lu skipped\n",
		       a.files, a.added, a.updated, a.unchanged, a.skipped);
	code = a.skipped ? EXIT_NOTHING : code;
out:
	strvec_release(&a.ids);
	store_close(a.store);
	collection_release(&c);
	return code;
}
