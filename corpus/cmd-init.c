/* cmd-init.c - "evidence init": create a collection */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "defaults.h"
#include "fsutil.h"

static const char usage[] = "evidence init [--dir DIR]";

/* Write CONTENT to PATH unless the file is there already: a user's edits
 * to the collection's copy are never overwritten. */
static ev_status write_default(const char *path, const char *content,
			       int *written)
{
	*written = 0;
	if (fs_exists(path))
		return EV_OK;
	*written = 1;
	return fs_write_atomic(path, content, strlen(content));
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {CLI_COMMON_OPTIONS,
						 {NULL, 0, NULL, 0}};
	struct collection c;
	ev_status rc;
	int opt, existed, wrote;

	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1)
		if (!cli_common_option(cli, opt, optarg))
			return cli_bad_option("init", usage);
	if (optind < argc)
		return cli_usage_error("init", usage,
				       "unexpected argument "
				       "'%s'",
				       argv[optind]);

	rc = collection_locate(&c, cli->dir);
	if (rc == EV_USAGE) {
		cli_error("init: no directory given: use --dir DIR or set "
			  "EVIDENCE_DIR");
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc, "init", NULL);
	existed = collection_check(&c) == EV_OK;
	rc = collection_create(&c);
	if (rc) {
		int code = cli_fail(rc, c.dir, strerror(errno));

		collection_release(&c);
		return code;
	}
	rc = collection_lock(&c, cli->wait);
	if (rc) {
		int code =
		    cli_fail(rc, c.lock_path,
			     rc == EV_LOCKED ? "locked by another writer"
					     : strerror(errno));

		collection_release(&c);
		return code;
	}
	const char *paths[] = {c.lessons_path, c.synonyms_path};
	const char *contents[] = {default_lessons_conf, default_synonyms_conf};

	for (size_t i = 0; i < 2; i++) {
		const char *path = paths[i];

		rc = write_default(path, contents[i], &wrote);
		if (rc) {
			int code = cli_fail(rc, path, strerror(errno));

			collection_release(&c);
			return code;
		}
		if (wrote && cli->verbose)
			fprintf(stderr, "wrote %s\n", path);
	}
	if (!cli->quiet)
		printf("%s collection in %s\n",
		       existed ? "Kept the existing" : "Created a", c.dir);
	collection_release(&c);
	return EXIT_OK;
}
