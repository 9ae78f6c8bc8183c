/* evidence.c - main(): the command table, global options and exit codes */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <libxml/parser.h>
#include <curl/curl.h>

#include "cli.h"
#include "fsutil.h"

/*
 * Adding a command?  It needs:
 *   1. cmd_NAME() in the cmd-NAME.c of the folder that owns its stage
 *      (corpus/, indexer/ or query/), declared in lib/cli.h;
 *   2. a row in commands[] below;
 *   3. its .c file in Makefile.am (evidence_SOURCES);
 *   4. a man page doc/evidence-NAME.1, listed in Makefile.am and in
 *      doc/evidence.1;
 *   5. tests in tests/tNNNN-*.sh.
 */

enum cmd_flags {
	CMD_NONE = 0,
	CMD_DB_READ = 1, /* reads the collection */
	CMD_DB_WRITE = 2 /* writes the store or the index */
};

struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	enum cmd_flags flags;
	const char *summary;
};

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct command commands[] = {
	{"init", cmd_init, CMD_DB_WRITE, "create a collection"},
	{"harvest", cmd_harvest, CMD_DB_WRITE,
	 "fetch what the sources file names; store and index it"},
	{"log", cmd_log, CMD_DB_READ, "every harvest run with its counts"},
	{"add", cmd_add, CMD_DB_WRITE,
	 "add works by DOI, PMID, URL or file, and index them"},
	{"index", cmd_index, CMD_DB_WRITE, "bring the index up to date"},
	{"search", cmd_search, CMD_DB_READ, "rank evidence for a query"},
	{"show", cmd_show, CMD_DB_READ,
	 "one record with its passages and lessons"},
	{"tag", cmd_tag, CMD_NONE,
	 "split text into passages and show their lessons"},
	{"lessons", cmd_lessons, CMD_DB_READ,
	 "the lesson taxonomy with counts"},
	{"stats", cmd_stats, CMD_DB_READ,
	 "counts by evidence type, year, source and lesson"},
	{"cite", cmd_cite, CMD_DB_READ, "references for stored works"},
	{"export", cmd_export, CMD_DB_READ,
	 "works as JSON Lines, CSL-JSON, RIS, BibTeX or CSV"},
	{"map", cmd_map, CMD_DB_READ,
	 "works per lesson and evidence type, year or source"},
	{"report", cmd_report, CMD_DB_READ,
	 "a one-file HTML brief: the map, quotations, references"},
	{"help", cmd_help, CMD_NONE, "show the manual for a command"},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: evidence [--dir DIR] [--lessons FILE] COMMAND "
		     "[ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'evidence help COMMAND' shows a command's manual; "
		     "'evidence help' the overview.\n");
}

/*
 * "evidence help [CMD]": man evidence-CMD.  An uninstalled build finds
 * its pages through EVIDENCE_MANDIR or the doc/ folder next to the
 * binary; without man(1), the summary above is printed instead.
 */
static int cmd_help(struct cli *cli, int argc, char **argv)
{
	const char *topic = argc > 1 ? argv[1] : NULL;
	char page[128], local[4200], self[4096];
	const char *mandir = getenv("EVIDENCE_MANDIR");
	pid_t pid;
	int status;
	ssize_t n;

	(void)cli;
	if (topic && strcmp(topic, "evidence") != 0) {
		if (strncmp(topic, "evidence-", 9) == 0)
			topic += 9;
		if (!find_command(topic) &&
		    strcmp(topic, "query-syntax") != 0 &&
		    strcmp(topic, "lessons.conf") != 0 &&
		    strcmp(topic, "collection") != 0 &&
		    strcmp(topic, "sources.conf") != 0 &&
		    strcmp(topic, "json") != 0) {
			cli_error("help: no manual for '%s'; the commands "
				  "are listed by 'evidence --help'",
				  topic);
			return EXIT_USAGE;
		}
		snprintf(page, sizeof(page), "evidence-%s", topic);
	} else {
		snprintf(page, sizeof(page), "evidence");
	}

	local[0] = '\0';
	if (!mandir) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			char *slash;

			self[n] = '\0';
			slash = strrchr(self, '/');
			if (slash) {
				*slash = '\0';
				snprintf(local, sizeof(local), "%s/doc", self);
				mandir = local;
			}
		}
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static const char *const sections[] = {"1", "5", "7"};

		if (mandir) {
			for (size_t i = 0; i < 3; i++) {
				char path[4352];

				snprintf(path, sizeof(path), "%s/%s.%s",
					 mandir, page, sections[i]);
				if (access(path, R_OK) == 0)
					execlp("man", "man", "-l", path,
					       (char *)NULL);
			}
		}
		execlp("man", "man", page, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		/* No man, or no page: the summary is better than nothing. */
		usage(stdout);
		if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127)
			fprintf(stdout, "\n(man(1) is not installed; "
					"apt-get install man-db)\n");
	}
	return EXIT_OK;
}

/* Exit with an error when standard output could not be written: a full
 * disk or a closed pipe must not look like success. */
static int check_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return code;
		fprintf(stderr,
			"evidence: write error on standard output: "
			"%s\n",
			strerror(errno));
		return code ? code : EXIT_IOERR;
	}
	return code;
}

static void print_version(void)
{
	printf("evidence %s\n", PACKAGE_VERSION);
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	const struct command *cmd;
	int i, code;

	cli.progress = isatty(STDERR_FILENO);
	/* A reader of our output that goes away is not an error of ours. */
	signal(SIGPIPE, SIG_IGN);

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int opt = 0;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return check_stdout(EXIT_OK);
		}
		if (!strcmp(a, "--version")) {
			print_version();
			return check_stdout(EXIT_OK);
		}
		if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			cli_common_option(&cli, OPT_QUIET, NULL);
			continue;
		}
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			cli_common_option(&cli, OPT_VERBOSE, NULL);
			continue;
		}
		if (!strncmp(a, "--dir", 5))
			opt = OPT_DIR;
		else if (!strncmp(a, "--lessons", 9))
			opt = OPT_LESSONS;
		else if (!strncmp(a, "--wait", 6))
			opt = OPT_WAIT;
		if (opt) {
			const char *eq = strchr(a, '=');

			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
		}
		if (!opt || !val) {
			fprintf(stderr, "evidence: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
		cli_common_option(&cli, opt, val);
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr,
			"evidence: '%s' is not a command; see "
			"'evidence --help'\n",
			argv[i]);
		return EXIT_USAGE;
	}

	/* Both libraries want initialising once, before any thread. */
	xmlInitParser();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cli_error("cannot initialise libcurl");
		return EXIT_SOFTWARE;
	}
	optind = 1;
	code = cmd->fn(&cli, argc - i, argv + i);
	code = check_stdout(code);
	curl_global_cleanup();
	xmlCleanupParser();
	return code;
}
