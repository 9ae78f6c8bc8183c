/* cli.h - what every command shares: global options, messages, exits */
#ifndef EVIDENCE_CLI_H
#define EVIDENCE_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "collection.h"
#include "status.h"

struct cli {
	const char *dir;     /* --dir, or NULL for the default */
	const char *lessons; /* --lessons FILE, or NULL */
	double wait;	     /* --wait SECONDS for the write lock */
	int verbose;
	int quiet;
	int progress; /* stderr is a terminal and not --quiet */
};

/*
 * Options every command accepts, to put at the end of its getopt_long
 * table; cli_common_option() handles them and returns 1 when it did.
 */
enum { OPT_DIR = 0x1000, OPT_LESSONS, OPT_WAIT, OPT_QUIET, OPT_VERBOSE };
#define CLI_COMMON_OPTIONS                                                    \
	{"dir", required_argument, NULL, OPT_DIR},                            \
	    {"lessons", required_argument, NULL, OPT_LESSONS},                \
	    {"wait", required_argument, NULL, OPT_WAIT},                      \
	    {"quiet", no_argument, NULL, OPT_QUIET},                          \
	{                                                                     \
		"verbose", no_argument, NULL, OPT_VERBOSE                     \
	}
/* The short forms: -q for --quiet, -v for --verbose. */
#define CLI_SHORT_OPTIONS "qv"
int cli_common_option(struct cli *cli, int opt, const char *arg);

/* "evidence: MESSAGE\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "evidence CMD: MESSAGE" and "usage: USAGE" on stderr; returns
 * EXIT_USAGE for the caller to return. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Handle what getopt_long returned for an unknown option or a missing
 * argument ('?' or ':'): prints the usage, returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, const char *usage);

/*
 * Locate the collection for CLI and check it is initialised; print a
 * message that says what to do when it is not.  With WRITE, also take the
 * write lock (waiting cli->wait seconds).  Returns an exit code.
 */
int cli_open_collection(struct cli *cli, struct collection *c, int write);

/* Print "evidence: WHAT: WHY" for status RC (WHY from status_to_string()
 * when DETAIL is NULL or empty) and return the exit code for RC. */
int cli_fail(ev_status rc, const char *what, const char *detail);

/* Output formats accepted by --format; returns -1 for an unknown name. */
enum output_format { OUT_TEXT, OUT_JSON, OUT_CSV };
int cli_output_format(const char *name, unsigned allowed);
#define OUT_ALLOW(f) (1u << (f))

/* Handle "--format ARG" for command CMD: set *FORMAT and return 0, or
 * print the usage error and return EXIT_USAGE. */
int cli_format_option(const char *cmd, const char *usage, const char *arg,
		      unsigned allowed, int *format);

/* Parse a non-negative integer option; -1 when ARG is not one. */
long cli_parse_count(const char *arg);

/* The command table's entry points. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_add(struct cli *cli, int argc, char **argv);
int cmd_index(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_tag(struct cli *cli, int argc, char **argv);
int cmd_lessons(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_cite(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_map(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_harvest(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);

#endif
