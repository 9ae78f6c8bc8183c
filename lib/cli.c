/* cli.c - what every command shares: global options, messages, exits */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("evidence: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "evidence %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, const char *usage)
{
	/* getopt_long has already said what was wrong. */
	fprintf(stderr, "usage: %s\n", usage);
	(void)cmd;
	return EXIT_USAGE;
}

int cli_common_option(struct cli *cli, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case OPT_DIR:
		cli->dir = arg;
		return 1;
	case OPT_LESSONS:
		cli->lessons = arg;
		return 1;
	case OPT_WAIT:
		errno = 0;
		cli->wait = strtod(arg, &end);
		if (errno || *end || cli->wait < 0 || cli->wait > 86400) {
			cli_error("--wait: '%s' is not a number of seconds "
				  "between 0 and 86400",
				  arg);
			exit(EXIT_USAGE);
		}
		return 1;
	case 'q':
	case OPT_QUIET:
		cli->quiet = 1;
		cli->progress = 0;
		return 1;
	case 'v':
	case OPT_VERBOSE:
		cli->verbose++;
		return 1;
	default:
		return 0;
	}
}

int cli_fail(ev_status rc, const char *what, const char *detail)
{
	cli_error("%s: %s", what,
		  detail && *detail ? detail : status_to_string(rc));
	return status_to_exit(rc);
}

int cli_open_collection(struct cli *cli, struct collection *c, int write)
{
	ev_status rc = collection_locate(c, cli->dir);

	if (rc == EV_USAGE) {
		cli_error("no collection given: use --dir DIR or set "
			  "EVIDENCE_DIR (HOME is not set either)");
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc, "collection", NULL);
	rc = collection_check(c);
	if (rc == EV_NOT_FOUND) {
		cli_error("no collection at '%s': run 'evidence init' first "
			  "(or give --dir)",
			  c->dir);
		collection_release(c);
		return EXIT_USAGE;
	}
	if (rc) {
		int code = cli_fail(rc, c->dir,
				    rc == EV_VERSION
					? "made by a newer version of evidence"
					: "evidence.conf is damaged");

		collection_release(c);
		return code;
	}
	if (write) {
		rc = collection_lock(c, cli->wait);
		if (rc == EV_LOCKED) {
			cli_error("collection '%s' is locked by another "
				  "writer (lock file %s); try again later or "
				  "use --wait SECONDS",
				  c->dir, c->lock_path);
			collection_release(c);
			return EXIT_TEMPFAIL;
		}
		if (rc) {
			int code = cli_fail(rc, c->lock_path,
					    rc == EV_READONLY
						? "collection is read-only"
						: strerror(errno));

			collection_release(c);
			return code;
		}
	}
	return EXIT_OK;
}

int cli_output_format(const char *name, unsigned allowed)
{
	static const char *const names[] = {"text", "json", "csv"};

	for (int i = 0; i < 3; i++)
		if (strcasecmp(name, names[i]) == 0 &&
		    (allowed & OUT_ALLOW(i)))
			return i;
	return -1;
}

int cli_format_option(const char *cmd, const char *usage, const char *arg,
		      unsigned allowed, int *format)
{
	int f = cli_output_format(arg, allowed);

	if (f < 0)
		return cli_usage_error(cmd, usage, "unknown format '%s'", arg);
	*format = f;
	return 0;
}

long cli_parse_count(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0)
		return -1;
	return n;
}
