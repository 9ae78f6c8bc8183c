/* evidence.c - main(): the command table, global options and exit codes */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#ifdef EVIDENCE_HELPER
#include <libxml/parser.h>
#include <curl/curl.h>
#endif

#include "cli.h"
#include "fsutil.h"

/*
 * Two programs are built from this file, as git keeps libcurl out of git
 * itself: "evidence", which runs every command but add, harvest and
 * index, and "evidence-harvest" (compiled with EVIDENCE_HELPER), which
 * runs those three, the ones that write the collection in bulk.  Only
 * the helper links libcurl and libxml2: loading those and the dozens of
 * libraries they bring cost every search more time than the search
 * itself.  Only the helper links tcmalloc, when the build has it, which
 * makes indexing a fifth faster and would cost a search more page faults
 * than it has (configure.ac).  "evidence add ..." execs the helper with
 * the same arguments and environment: its messages and exit status are
 * the command's.  helper_exec() below finds it.
 */
#define HELPER_NAME "evidence-harvest"
#ifdef EVIDENCE_HELPER
#define MAIN_CMD(fn) NULL
#define HELPER_CMD(fn) fn
#else
#define MAIN_CMD(fn) fn
#define HELPER_CMD(fn) NULL
#endif

/*
 * Adding a command?  It needs:
 *   1. cmd_NAME() in the cmd-NAME.c of the folder that owns its stage
 *      (corpus/, indexer/ or query/), declared in lib/cli.h;
 *   2. a row in commands[] below, with HELPER_CMD() when it needs
 *      libcurl or libxml2 or writes the collection in bulk (then it runs
 *      in evidence-harvest), MAIN_CMD() otherwise;
 *   3. its .c file in Makefile.am (libevidence_a_SOURCES);
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

#ifndef EVIDENCE_HELPER
static int cmd_help(struct cli *cli, int argc, char **argv);
#endif

/* Both programs hold the whole table, so that both print the same
 * usage; a NULL fn is a command the other program runs. */
static const struct command commands[] = {
	{"init", MAIN_CMD(cmd_init), CMD_DB_WRITE, "create a collection"},
	{"harvest", HELPER_CMD(cmd_harvest), CMD_DB_WRITE,
	 "fetch what the sources file names; store and index it"},
	{"log", MAIN_CMD(cmd_log), CMD_DB_READ,
	 "every harvest run with its counts"},
	{"add", HELPER_CMD(cmd_add), CMD_DB_WRITE,
	 "add works by DOI, PMID, URL or file, and index them"},
	{"index", HELPER_CMD(cmd_index), CMD_DB_WRITE,
	 "bring the index up to date"},
	{"search", MAIN_CMD(cmd_search), CMD_DB_READ,
	 "rank evidence for a query"},
	{"show", MAIN_CMD(cmd_show), CMD_DB_READ,
	 "one record with its passages and lessons"},
	{"tag", MAIN_CMD(cmd_tag), CMD_NONE,
	 "split text into passages and show their lessons"},
	{"lessons", MAIN_CMD(cmd_lessons), CMD_DB_READ,
	 "the lesson taxonomy with counts"},
	{"stats", MAIN_CMD(cmd_stats), CMD_DB_READ,
	 "counts by evidence type, year, source and lesson"},
	{"cite", MAIN_CMD(cmd_cite), CMD_DB_READ,
	 "references for stored works"},
	{"export", MAIN_CMD(cmd_export), CMD_DB_READ,
	 "works as JSON Lines, CSL-JSON, RIS, BibTeX or CSV"},
	{"map", MAIN_CMD(cmd_map), CMD_DB_READ,
	 "works per lesson and evidence type, year or source"},
	{"report", MAIN_CMD(cmd_report), CMD_DB_READ,
	 "a one-file HTML brief: the map, quotations, references"},
	{"help", MAIN_CMD(cmd_help), CMD_NONE,
	 "show the manual for a command"},
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

#ifndef EVIDENCE_HELPER
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
#endif

#ifndef EVIDENCE_HELPER
/*
 * The relative path from folder FROM to folder TO, both absolute and
 * without "." or ".." ("/usr/local/bin" to "/usr/local/libexec/evidence"
 * is "../libexec/evidence"), into OUT; "" when they are the same.
 */
static void relative_dir(const char *from, const char *to, char *out,
			 size_t outsz)
{
	size_t common = 0, len = 0;

	/* The longest common prefix that ends at a whole component. */
	for (size_t k = 0; from[k] && from[k] == to[k];) {
		k++;
		if ((from[k] == '/' || !from[k]) && (to[k] == '/' || !to[k]))
			common = k;
	}
	out[0] = '\0';
	/* One ".." for each component of FROM past it... */
	for (const char *p = from + common; *p; p++)
		if (*p != '/' && p[-1] == '/' && len < outsz)
			len += (size_t)snprintf(out + len, outsz - len, "%s..",
						len ? "/" : "");
	/* ...then the rest of TO. */
	while (to[common] == '/')
		common++;
	if (to[common] && len < outsz)
		snprintf(out + len, outsz - len, "%s%s", len ? "/" : "",
			 to + common);
}

/*
 * Run the helper program NAME for command CMD with the whole command
 * line ARGV, in place of this process.  It is looked for, in order:
 * beside this program (a build tree, or an install that keeps both in
 * one folder); in $EVIDENCE_EXEC_PATH when that is set (and only there);
 * in the installed PKGLIBEXECDIR, found from this program's folder first
 * (an install under DESTDIR or moved elsewhere) and then as configured.
 * Returns only when none could be run, with EXIT_UNAVAILABLE.
 */
static int helper_exec(const char *name, const char *cmd, char **argv)
{
	char self[4096], rel[4096], rel_dir[8200], path[8400];
	const char *env = getenv("EVIDENCE_EXEC_PATH");
	const char *dirs[3], *tried_dir = NULL;
	size_t nd = 0;
	int saved = ENOENT;
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	else
		self[0] = '\0';
	relative_dir(BINDIR, PKGLIBEXECDIR, rel, sizeof(rel));

	/* The folders to try, in order. */
	if (self[0])
		dirs[nd++] = self;
	if (env && *env) {
		dirs[nd++] = env;
	} else {
		if (self[0] && rel[0]) {
			snprintf(rel_dir, sizeof(rel_dir), "%s/%s", self, rel);
			dirs[nd++] = rel_dir;
		}
		dirs[nd++] = PKGLIBEXECDIR;
	}
	for (size_t k = 0; k < nd; k++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[k], name);
		execv(path, argv); /* returns only when it failed */
		/* A helper that is there but cannot run says more than a
		 * later folder without one. */
		if (errno != ENOENT && errno != ENOTDIR && saved == ENOENT) {
			saved = errno;
			tried_dir = dirs[k];
		}
	}
	fflush(stdout);
	if (tried_dir) {
		fprintf(stderr, "evidence: %s: cannot run %s/%s: %s\n", cmd,
			tried_dir, name, strerror(saved));
	} else {
		fprintf(stderr,
			"evidence: %s: its program %s is missing "
			"(looked in ",
			cmd, name);
		for (size_t k = 0; k < nd; k++)
			fprintf(stderr, "%s%s", k ? ", " : "", dirs[k]);
		fprintf(stderr, "); reinstall evidence, or set "
				"EVIDENCE_EXEC_PATH to its folder\n");
	}
	return EXIT_UNAVAILABLE;
}
#endif

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

	if (!cmd->fn) {
#ifdef EVIDENCE_HELPER
		fprintf(stderr,
			"evidence-harvest: '%s' is run by evidence itself; "
			"this program only runs the commands evidence "
			"hands it\n",
			cmd->name);
		return EXIT_USAGE;
#else
		/* Returns only when the helper could not be run. */
		return helper_exec(HELPER_NAME, cmd->name, argv);
#endif
	}

#ifdef EVIDENCE_HELPER
	/* Both libraries want initialising once, before any thread. */
	xmlInitParser();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cli_error("cannot initialise libcurl");
		return EXIT_SOFTWARE;
	}
#endif
	optind = 1;
	code = cmd->fn(&cli, argc - i, argv + i);
	code = check_stdout(code);
#ifdef EVIDENCE_HELPER
	curl_global_cleanup();
	xmlCleanupParser();
#endif
	return code;
}
