/* cmd-init.c - "evidence init": create a collection */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <unistd.h>

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

/*
 * The default sources file: the bundled corpus through file://, and the
 * real topic's sources as commented examples to switch on.  %s is the
 * bundled corpus folder.
 */
static const char default_sources[] =
    "# sources.conf - what \"evidence harvest\" fetches; see\n"
    "# evidence-sources.conf(5).  One [name] section per source; lines\n"
    "# starting with # are comments; ${VAR} is the environment variable\n"
    "# VAR.  Take the # off a section's lines to switch it on.\n"
    "\n"
    "# The corpus that comes with evidence: commentary and studies on\n"
    "# collaboration between general practices in England.\n"
    "[bundled]\n"
    "type = file\n"
    "url = file://%s\n"
    "\n"
    "# PubMed: primary care networks, GP federations and\n"
    "# super-partnerships.  NCBI asks for an email address; with an API\n"
    "# key (export NCBI_API_KEY=...) requests may go at 10/s, not 3/s.\n"
    "#[pcn-pubmed]\n"
    "#type = pubmed\n"
    "#query = (\"primary care network*\"[tiab] OR \"GP federation*\"[tiab]"
    " OR \"general practice federation*\"[tiab] OR "
    "\"super-partnership*\"[tiab]) AND (England OR NHS)\n"
    "#since = 2014\n"
    "#email = ${EMAIL}\n"
    "#api_key = ${NCBI_API_KEY}\n"
    "\n"
    "# Europe PMC: the same topic, with preprints and grey literature.\n"
    "#[pcn-europepmc]\n"
    "#type = europepmc\n"
    "#query = (\"primary care networks\" OR \"GP federations\") AND "
    "(England OR NHS)\n"
    "#since = 2016\n"
    "\n"
    "# The seed articles, by DOI, through Crossref (mailto joins the\n"
    "# polite pool).\n"
    "#[seeds]\n"
    "#type = crossref\n"
    "#doi = 10.1136/bmj.m3353\n"
    "#doi = 10.1136/bmj.l5311\n"
    "#doi = 10.1136/bmj.l5978\n"
    "#mailto = ${EMAIL}\n"
    "\n"
    "# Think tanks' feeds; follow also reads each item's page.\n"
    "#[think-tanks]\n"
    "#type = feed\n"
    "#url = https://www.kingsfund.org.uk/rss/blog\n"
    "#url = https://www.health.org.uk/rss.xml\n"
    "#url = https://www.nuffieldtrust.org.uk/rss.xml\n"
    "#follow = yes\n"
    "\n"
    "# The works that harvested records cite, resolved through Crossref\n"
    "# and PubMed.\n"
    "#[snowball]\n"
    "#type = references\n"
    "#depth = 1\n";

/* The bundled corpus: beside the program in a build tree, else where
 * "make install" put it. */
static char *bundled_corpus(void)
{
	char self[4096], *slash, *path = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			path = fs_join(self, "corpus/bundled");
			if (path && fs_is_dir(path))
				return path;
			free(path);
		}
	}
	return strdup(PKGDATADIR "/corpus");
}

static ev_status write_default_sources(const char *path, int *written)
{
	char *corpus = bundled_corpus(), *text = NULL;
	ev_status rc;

	if (!corpus || asprintf(&text, default_sources, corpus) < 0) {
		free(corpus);
		return EV_NOMEM;
	}
	rc = write_default(path, text, written);
	free(text);
	free(corpus);
	return rc;
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
	rc = write_default_sources(c.sources_path, &wrote);
	if (rc) {
		int code = cli_fail(rc, c.sources_path, strerror(errno));

		collection_release(&c);
		return code;
	}
	if (wrote && cli->verbose)
		fprintf(stderr, "wrote %s\n", c.sources_path);
	if (!cli->quiet)
		printf("%s collection in %s\n",
		       existed ? "Kept the existing" : "Created a", c.dir);
	collection_release(&c);
	return EXIT_OK;
}
