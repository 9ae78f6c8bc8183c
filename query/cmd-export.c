/* cmd-export.c - "evidence export": stored works in one format, to a file */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "lib/fsutil.h"
#include "query/cite-select.h"
#include "store.h"

static const char usage[] =
	"evidence export [--format jsonl|csl-json|ris|bibtex|csv] "
	"[--query QUERY [--lesson L]... [--type T]... [--since YEAR] "
	"[--until YEAR] [--limit N]] [-o FILE]";

static const struct {
	const char *name;
	enum emit_format format;
} formats[] = {{"jsonl", EMIT_JSONL},
	       {"csl-json", EMIT_CSL_JSON},
	       {"ris", EMIT_RIS},
	       {"bibtex", EMIT_BIBTEX},
	       {"csv", EMIT_CSV}};

/*
 * -o FILE is written the way fs_write_atomic() writes: into a temporary
 * file beside it, synced and renamed over it, so that a reader of FILE
 * sees the old export or the new one, never half of one.  Unlike
 * fs_write_atomic() the export is streamed into the temporary file, one
 * work at a time.
 */
static FILE *temp_open(const char *file, char **tmpp)
{
	mode_t mask = umask(0);
	FILE *f = NULL;
	int fd;

	umask(mask);
	if (asprintf(tmpp, "%s.tmp-XXXXXX", file) < 0) {
		*tmpp = NULL;
		return NULL;
	}
	fd = mkstemp(*tmpp);
	if (fd < 0)
		goto fail;
	/* what a plain create would give, so that others can read it */
	if (fchmod(fd, 0666 & ~mask) == 0)
		f = fdopen(fd, "w");
	if (f)
		return f;
	close(fd);
	unlink(*tmpp);
fail:
	free(*tmpp);
	*tmpp = NULL;
	return NULL;
}

static ev_status temp_commit(FILE *f, const char *tmp, const char *file)
{
	ev_status st = EV_OK;
	char *dir, *slash;

	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		st = status_from_errno(errno ? errno : EIO);
	if (fclose(f) && !st)
		st = status_from_errno(errno);
	if (!st && rename(tmp, file))
		st = status_from_errno(errno);
	if (st) {
		unlink(tmp);
		return st;
	}
	dir = strdup(file);
	if (!dir)
		return EV_NOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	st = fs_fsync_dir(slash ? dir : ".");
	free(dir);
	return st;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		CITE_SELECT_OPTIONS,
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0}};
	enum emit_format format = EMIT_JSONL;
	struct cite_select sel;
	struct store *store = NULL;
	struct collection c;
	const char *file = NULL, *misuse;
	char *msg = NULL, *tmp = NULL;
	FILE *out = stdout;
	int opt, code = EXIT_OK, collection_open = 0;
	ev_status rc;

	cite_select_init(&sel);
	while ((opt = getopt_long(argc, argv, "o:" CLI_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		int r = cite_select_option(&sel, "export", usage, opt, optarg);
		size_t i;

		if (r > 1) {
			code = r;
			goto out;
		} else if (r) {
			continue;
		}
		if (opt == 'f') {
			for (i = 0; i < sizeof(formats) / sizeof(*formats);
			     i++)
				if (!strcmp(optarg, formats[i].name))
					break;
			if (i == sizeof(formats) / sizeof(*formats)) {
				code = cli_usage_error("export", usage,
						       "unknown format '%s' "
						       "(jsonl, csl-json, "
						       "ris, bibtex or csv)",
						       optarg);
				goto out;
			}
			format = formats[i].format;
		} else if (opt == 'o') {
			file = optarg;
		} else if (!cli_common_option(cli, opt, optarg)) {
			code = cli_bad_option("export", usage);
			goto out;
		}
	}
	if (optind != argc) {
		code = cli_usage_error("export", usage, "too many arguments");
		goto out;
	}
	misuse = cite_select_misuse(&sel);
	if (misuse) {
		code = cli_usage_error("export", usage, "%s", misuse);
		goto out;
	}
	code = cli_open_collection(cli, &c, 0);
	if (code)
		goto out;
	collection_open = 1;
	rc = store_open(c.store_dir, 0, &store, &msg);
	if (!rc && file && !(out = temp_open(file, &tmp))) {
		/* any failure to create the output is an I/O error (74) */
		if (asprintf(&msg, "cannot write %s: %s", file,
			     strerror(errno)) < 0)
			msg = NULL;
		rc = EV_IO;
	}
	if (!rc)
		rc = cite_select_emit(&sel, cli, &c, store, format, CITE_TEXT,
				      out, &msg);
	if (file && out) {
		if (!rc) {
			rc = temp_commit(out, tmp, file);
			if (rc && !msg)
				msg = strdup(file);
		} else {
			fclose(out);
			unlink(tmp);
		}
	}
	if (rc == EV_INTERRUPTED)
		rc = EV_OK; /* the reader of our output went away */
	if (rc == EV_NOT_FOUND && sel.query && !msg) {
		search_tell_nothing(sel.query);
		code = EXIT_NOTHING;
	} else if (rc) {
		code = cli_fail(rc, "export", msg ? msg : store_errmsg(store));
	}
out:
	free(msg);
	free(tmp);
	store_close(store);
	if (collection_open)
		collection_release(&c);
	cite_select_release(&sel);
	return code;
}
