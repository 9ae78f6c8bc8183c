/* test-sources.c - the sources file: sections, keys, checks, messages */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harvest-int.h"
#include "runlog.h"
#include "sources.h"
#include "tap.h"

/* Files that must be refused, with the line and words of the message. */
static const struct bad_case {
	const char *text;
	const char *message; /* expected start of ERR */
} bad_cases[] = {
    {"type = file\n", "dir/s.conf:1: 'type' before any [section]"},
    {"[a]\ntype = ftp\n", "dir/s.conf:2: unknown type 'ftp'"},
    {"[a]\ntype = feed\nurl = http://x/\ncolour = red\n",
     "dir/s.conf:4: unknown key 'colour'"},
    {"[a]\nquery = x\n", "dir/s.conf:2: [a] must start with 'type ='"},
    {"[a]\ntype = feed\n", "dir/s.conf:1: [a] (type feed) needs 'url'"},
    {"[a]\ntype = pubmed\nquery = a\nquery = b\n",
     "dir/s.conf:4: 'query' given twice in [a]"},
    {"[a]\ntype = page\nurl = http://x/\nquery = q\n",
     "dir/s.conf:4: 'query' does not apply to type page"},
    {"[a]\ntype = pubmed\nquery = q\nsince = 2020-13-01\n",
     "dir/s.conf:4: '2020-13-01' is not a date"},
    {"[a]\ntype = pubmed\nquery = q\nsince = 20201\n",
     "dir/s.conf:4: '20201' is not a date"},
    {"[a]\ntype = file\npath = x\n[a]\ntype = file\npath = y\n",
     "dir/s.conf:4: [a] given twice"},
    {"[a b]\n", "dir/s.conf:1: bad section name 'a b'"},
    {"[a\n", "dir/s.conf:1: a section header is '[name]'"},
    {"[a]\ntype = file\njust words\n",
     "dir/s.conf:3: expected 'key = value'"},
    {"[a]\ntype = pubmed\nquery = ${UNCLOSED\n",
     "dir/s.conf:3: '${' without its '}'"},
    {"[a]\ntype = pubmed\nquery = ${A-B}\n",
     "dir/s.conf:3: bad variable name 'A-B'"},
    {"[a]\ntype = references\ndepth = 9\n",
     "dir/s.conf:3: depth must be 1 to 5"},
    {"[a]\ntype = file\nurl = http://x/\n",
     "dir/s.conf:3: type file takes only file:// URLs"},
    {"[a]\ntype = crossref\nmailto =\n", "dir/s.conf:3: 'mailto' has no"},
    {"[a]\ntype = page\nurl = http://x/\nrate = 0\n",
     "dir/s.conf:4: rate must be a whole number from 1 to 1000"},
    {"[a]\ntype = page\nurl = http://x/\nconnections = 2x\n",
     "dir/s.conf:4: connections must be a whole number from 1 to 1000"},
    /* The section is checked when the next one starts, so the message
     * names the header of the section at fault, not the next one. */
    {"[a]\ntype = pubmed\n\n[b]\ntype = file\npath = x\n",
     "dir/s.conf:1: [a] (type pubmed) needs 'query' or 'pmid'"},
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct sources s;
		char err[256];
		ev_status rc;

		sources_init(&s);
		rc = sources_parse(c->text, strlen(c->text), "dir/s.conf", &s,
				   err, sizeof(err));
		is_int(rc, EV_USAGE, "bad case %zu refused", i);
		ok(!strncmp(err, c->message, strlen(c->message)),
		   "bad case %zu: '%s' starts with '%s'", i, err, c->message);
		ok(!strchr(err, '\n'), "bad case %zu: one line", i);
		sources_release(&s);
	}
}

static void test_good(void)
{
	static const char text[] =
	    "# comment\n"
	    "; another comment\n"
	    "\n"
	    "[local]\n"
	    "type = file\n"
	    "path = corpus\n"
	    "path = /abs/elsewhere\n"
	    "  format = csl-json  \n"
	    "[pcn-pubmed]\n"
	    "type = pubmed\n"
	    "query = \"primary care network\"[tiab] AND ${TEST_SOURCES_Q}\n"
	    "api_key = ${TEST_SOURCES_UNSET}\n"
	    "since = 2019/01\n"
	    "until = 2020-12-31\n"
	    "pmid = 1\n"
	    "pmid = 2\n"
	    "[blogs]\n"
	    "type = feed\n"
	    "url = https://example.org/feed#frag\n"
	    "follow = yes\n";
	struct sources s;
	const struct source *src;
	char err[256] = "";
	size_t pos = 0;
	ev_status rc;

	setenv("TEST_SOURCES_Q", "England", 1);
	unsetenv("TEST_SOURCES_UNSET");
	sources_init(&s);
	rc = sources_parse(text, sizeof(text) - 1, "/etc/ev/sources.conf", &s,
			   err, sizeof(err));
	is_int(rc, EV_OK, "a good file parses (%s)", err);
	is_int((long)s.n, 3, "three sections");
	src = sources_find(&s, "local");
	ok(src && src->type == SOURCE_FILE, "[local] is a file source");
	if (src) {
		is_str(source_next(src, "path", &pos), "/etc/ev/corpus",
		       "a relative path is taken from the file's folder");
		is_str(source_next(src, "path", &pos), "/abs/elsewhere",
		       "an absolute path is kept");
		ok(source_next(src, "path", &pos) == NULL, "two paths");
		is_str(source_get(src, "format"), "csl-json",
		       "values are trimmed");
		is_int(src->line, 4, "the header's line is kept");
	}
	src = sources_find(&s, "pcn-pubmed");
	ok(src && src->type == SOURCE_PUBMED, "[pcn-pubmed] is pubmed");
	if (src) {
		is_str(source_get(src, "query"),
		       "\"primary care network\"[tiab] AND England",
		       "${VAR} expands from the environment");
		is_str(source_get(src, "api_key"), "",
		       "an unset variable is empty");
		is_str(source_get(src, "since"), "2019/01",
		       "a date with slashes");
		pos = 0;
		is_str(source_next(src, "pmid", &pos), "1", "first pmid");
		is_str(source_next(src, "pmid", &pos), "2", "second pmid");
	}
	src = sources_find(&s, "blogs");
	ok(src && source_flag(src, "follow"), "follow = yes is on");
	is_str(src ? source_get(src, "url") : NULL,
	       "https://example.org/feed#frag",
	       "a '#' inside a value is not a comment");
	ok(src && !source_flag(src, "nothing"), "an absent flag is off");
	sources_release(&s);

	sources_init(&s);
	rc = sources_parse("", 0, NULL, &s, err, sizeof(err));
	ok(rc == EV_OK && s.n == 0, "an empty file has no sources");
	sources_release(&s);
}

static void test_dates(void)
{
	static const struct {
		const char *s;
		int valid;
	} cases[] = {
	    {"2020", 1},       {"2020-02", 1},	  {"2020-02-29", 1},
	    {"2020/02/29", 1}, {"2020-02/29", 0}, {"2020-00", 0},
	    {"2020-1-1", 1},   {"20", 0},	  {"2020-", 0},
	    {"abcd", 0},       {"2020-01-01x", 0}, {"1700", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		is_int(sources_valid_date(cases[i].s), cases[i].valid,
		       "date '%s'", cases[i].s);
}

/* The run log survives a line cut short by a kill. */
static ev_status count_run(const struct run *run, void *ctx)
{
	int *n = ctx;

	(*n)++;
	if (*n == 2)
		is_int((long)run->sources[0].counts.not_modified, 7,
		       "the second run's counts read back");
	return EV_OK;
}

static void test_runlog(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], *path;
	struct run run;
	struct run_source *s;
	unsigned long skipped = 9;
	int n = 0;
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s/test-sources-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	memset(&run, 0, sizeof(run));
	snprintf(run.started, sizeof(run.started), "2026-01-01T00:00:00Z");
	snprintf(run.finished, sizeof(run.finished), "2026-01-01T00:01:00Z");
	run_add_source(&run, "a", "file", NULL, &s);
	s->counts.found = 3;
	is_int(runlog_append(dir, &run), EV_OK, "first run logged");
	/* A run killed in the middle of its line. */
	path = runlog_path(dir);
	fp = fopen(path, "a");
	fputs("{\"started\":\"2026-01-02T00:00:00Z\",\"fini", fp);
	fclose(fp);
	run.sources[0].counts.not_modified = 7;
	is_int(runlog_append(dir, &run), EV_OK, "next run logged");
	is_int(runlog_read(dir, count_run, &n, &skipped), EV_OK, "log read");
	is_int(n, 2, "both whole runs read");
	is_int((long)skipped, 1, "the cut line is skipped");
	run_release(&run);
	unlink(path);
	free(path);
	path = NULL;
	{
		char sub[sizeof(dir) + 16];

		snprintf(sub, sizeof(sub), "%s/harvest", dir);
		rmdir(sub);
	}
	rmdir(dir);
	n = 0;
	is_int(runlog_read("/nonexistent-evidence", count_run, &n, NULL),
	       EV_OK, "no log yet is fine");
	is_int(n, 0, "and has no runs");
}

/* The date windows harvest sends to the APIs. */
static void test_windows(void)
{
	static const struct {
		const char *s;
		int end;
		const char *want; /* YYYY-MM-DD */
	} cases[] = {
	    {"2019", 0, "2019-01-01"},
	    {"2019", 1, "2019-12-31"},
	    {"2020-02", 1, "2020-02-29"}, /* leap year */
	    {"2019-02", 1, "2019-02-28"},
	    {"2100-02", 1, "2100-02-28"}, /* a century is not leap */
	    {"2000-02", 1, "2000-02-29"}, /* but every 400th year is */
	    {"2019-12", 1, "2019-12-31"}, /* the month end rolls the year */
	    {"2019/03/04", 0, "2019-03-04"},
	    {"1800", 0, "1800-01-01"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int y, m, d;
		char got[16];

		harvest_civil_from_days(
		    harvest_date_days(cases[i].s, cases[i].end), &y, &m, &d);
		snprintf(got, sizeof(got), "%04d-%02d-%02d", y, m, d);
		is_str(got, cases[i].want, "window %s %s", cases[i].s,
		       cases[i].end ? "end" : "start");
	}
	is_int(harvest_date_days("1970", 0), 0, "day 0 is 1970-01-01");
	is_int(harvest_date_days(NULL, 0), -1, "no date, no day");
	is_int(harvest_date_days("2020-01-02", 0) -
		   harvest_date_days("2019-01-01", 0),
	       366, "2019 has 365 days");
}

/* The rate each service's operators ask for, and what changes it: the
 * harvest's shell tests can only bound the gaps from below, since a
 * loaded machine lengthens them. */
static void test_rates(void)
{
	static const char text[] =
		"[keyed]\ntype = pubmed\npmid = 1\napi_key = sekrit\n"
		"[keyless]\ntype = pubmed\npmid = 1\n"
		"[empty-key]\ntype = pubmed\npmid = 1\n"
		"api_key = ${TEST_SOURCES_UNSET}\n"
		"[refs-keyed]\ntype = references\napi_key = sekrit\n"
		"[refs]\ntype = references\n"
		"[polite]\ntype = crossref\ndoi = 10.1/x\nmailto = a@b.org\n"
		"[anonymous]\ntype = crossref\ndoi = 10.1/x\n"
		"[epmc]\ntype = europepmc\nquery = x\n"
		"[oa]\ntype = openalex\nquery = x\n"
		"[blog]\ntype = feed\nurl = https://example.org/feed\n";
	static const struct {
		const char *name;
		double rate;
	} want[] = {
		{"keyed", 10},	    {"keyless", 3}, {"empty-key", 3},
		{"refs-keyed", 10}, {"refs", 3},    {"polite", 3},
		{"anonymous", 1},   {"epmc", 5},    {"oa", 5},
		{"blog", 7.5}, /* the caller's default */
	};
	struct sources s;
	char err[256] = "";
	ev_status rc;

	unsetenv("TEST_SOURCES_UNSET"); /* an api_key that comes out empty */
	sources_init(&s);
	rc = sources_parse(text, sizeof(text) - 1, "sources.conf", &s, err,
			   sizeof(err));
	is_int(rc, EV_OK, "rates: the file parses (%s)", err);
	for (size_t i = 0; !rc && i < sizeof(want) / sizeof(*want); i++) {
		const struct source *src = sources_find(&s, want[i].name);

		ok(src && hs_source_rate(src, 7.5) == want[i].rate,
		   "rate of [%s]: %g a second", want[i].name, want[i].rate);
	}
	sources_release(&s);
}

static void test_loopback(void)
{
	static const struct {
		const char *url;
		int loopback;
	} cases[] = {
	    {"http://127.0.0.1:8080/x", 1},
	    {"http://127.9.9.9/", 1},
	    {"http://localhost/", 1},
	    {"http://LOCALHOST:1/", 1},
	    {"http://[::1]:80/", 1},
	    /* Other spellings of loopback are not loopback to the check,
	     * so the fetcher's address check refuses them. */
	    {"http://2130706433/", 0},
	    {"http://localhost.example.org/", 0},
	    /* A name that starts like a loopback address is a name. */
	    {"http://127.0.0.1.example.org/", 0},
	    {"http://127.1/", 0},
	    {"https://api.crossref.org/", 0},
	    {"file:///notes/x", 0},
	    {"no scheme", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		is_int(url_is_loopback(cases[i].url), cases[i].loopback,
		       "loopback: %s", cases[i].url);
}

int main(void)
{
	test_windows();
	test_loopback();
	test_rates();
	test_bad();
	test_good();
	test_dates();
	test_runlog();
	return tap_done();
}
