/* test-record.c - records: normalising, keys, ids, hashes, JSON */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>
#include <wchar.h>

#include <jansson.h>

#include "buf.h"
#include "evidence-type.h"
#include "fsutil.h"
#include "passages.h"
#include "record.h"
#include "tap.h"
#include "text.h"

static void test_doi_normalise(void)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: not a DOI */
	} cases[] = {
		{ "10.1136/bmj.m3353", "10.1136/bmj.m3353" },
		{ "https://doi.org/10.1136/BMJ.M3353", "10.1136/bmj.m3353" },
		{ "http://dx.doi.org/10.3399/bjgp18X694997",
		  "10.3399/bjgp18x694997" },
		{ "doi:10.1016/j.healthpol.2018.10.017.",
		  "10.1016/j.healthpol.2018.10.017" },
		/* A DOI quoted at the end of a sentence. */
		{ "  DOI: 10.1136/bmj.l5311),", "10.1136/bmj.l5311" },
		{ "info:doi/10.1126/science.1", "10.1126/science.1" },
		{ "11.1136/bmj", NULL },
		{ "10.1136", NULL },
		{ "", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *d = strdup(cases[i].in);
		int ok = doi_normalise(d);

		if (cases[i].want)
			is_str(ok ? d : NULL, cases[i].want, "doi '%s'",
			       cases[i].in);
		else
			ok(!ok, "'%s' is not a DOI", cases[i].in);
		free(d);
	}
}

static void test_collapse_space(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "  a  b\tc\n", "a b c" },
		/* No-break and thin spaces count as space. */
		{ "a\xc2\xa0\xc2\xa0" "b\xe2\x80\x89" "c", "a b c" },
		{ "", "" },
		{ "\n\n", "" },
		{ "caf\xc3\xa9  au  lait", "caf\xc3\xa9 au lait" },
		/* A byte that is not UTF-8 stays; the line separator and
		 * a no-break space at the ends go. */
		{ "\xe2\x80\xa8 a\xff \r\x0b b\xc2\xa0", "a\xff b" },
		{ "\xe2\x80", "\xe2\x80" },
		/* Other control characters are kept, as text. */
		{ "ab\x01 cd \x7f ef\xc2\xa0\x02gh  ",
		  "ab\x01 cd \x7f ef \x02gh" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *s = strdup(cases[i].in);

		is_str(text_collapse_space(s), cases[i].want,
		       "collapse space %zu", i);
		free(s);
	}
}

/* Which strings the parsers and the harvest take for web addresses. */
static void test_http_url(void)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "http://example.org/a", 1 },
		{ "https://doi.org/10.5555/x", 1 },
		/* a scheme's case does not count */
		{ "HTTPS://Example.org", 1 },
		/* the parsers check the rest */
		{ "https://", 1 },
		{ "ftp://example.org", 0 },
		{ "file:///etc/passwd", 0 },
		{ "httpx://example.org", 0 },
		{ "http:/example.org", 0 },
		/* callers trim first */
		{ " https://example.org", 0 },
		{ "doi:10.5555/x", 0 },
		{ "http", 0 },
		{ "", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		ok(str_is_http_url(cases[i].s) == cases[i].want,
		   "http url: \"%s\"", cases[i].s);
	ok(!str_is_http_url(NULL), "http url: NULL is none");
}

static void test_percent_encode(void)
{
	static const struct {
		const char *s, *keep, *want;
	} cases[] = {
		{ "plain-Text_1.0~", "-._~", "plain-Text_1.0~" },
		{ "a b&c=d", "-._~", "a%20b%26c%3Dd" },
		/* a path keeps its slashes and sub-delimiters */
		{ "/notes/a b/x(1).txt", "/().", "/notes/a%20b/x(1).txt" },
		/* what would end a path or start an escape is escaped */
		{ "50%#1?.txt", "/.", "50%25%231%3F.txt" },
		/* every byte of UTF-8, upper-case hex */
		{ "caf\xc3\xa9", "", "caf%C3%A9" },
		{ "\x7f\x01", "", "%7F%01" },
		{ "", "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;

		ok(url_percent_encode(&b, cases[i].s, cases[i].keep) == EV_OK,
		   "percent-encode case %zu", i);
		is_str(buf_str(&b), cases[i].want, "percent-encode \"%s\"",
		       cases[i].s);
		buf_release(&b);
	}
}

static void test_percent_decode(void)
{
	static const struct {
		const char *s, *stop;
		int form;
		ev_status rc;
		const char *want;
	} cases[] = {
		{ "Lancet%20%28London%2c%20England%29", "&", 1, EV_OK,
		  "Lancet (London, England)" },
		/* "+" is a space only in a query's value */
		{ "a+b&next=1", "&", 1, EV_OK, "a b" },
		{ "/a+b?q#f", "?#", 0, EV_OK, "/a+b" },
		/* a stray or short escape is kept as it is */
		{ "50%", "", 0, EV_OK, "50%" },
		{ "5%zz%4", "", 0, EV_OK, "5%zz%4" },
		{ "caf%C3%A9", "", 0, EV_OK, "caf\xc3\xa9" },
		/* a NUL escape stops it, with what came before */
		{ "ab%00cd", "", 0, EV_PARSE, "ab" },
		{ "", "", 0, EV_OK, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;

		ok(url_percent_decode(&b, cases[i].s, cases[i].stop,
				      cases[i].form) == cases[i].rc,
		   "percent-decode status, case %zu", i);
		is_str(buf_str(&b), cases[i].want, "percent-decode \"%s\"",
		       cases[i].s);
		buf_release(&b);
	}
}

static void test_file_url(void)
{
	static const struct {
		const char *url, *want;
	} back[] = {
		{ "file:///a%20b", "/a b" },
		{ "FILE://localhost/x%2fy", "/x/y" },
		/* a query or fragment is not part of the path */
		{ "file:///notes/a.txt?v=2", "/notes/a.txt" },
		{ "file:///notes/a.txt#p3", "/notes/a.txt" },
		/* a stray percent is kept as it is */
		{ "file:///50%", "/50%" },
		{ "file:///5%zz", "/5%zz" },
		{ "file://host/x", NULL },
		/* a NUL would cut the path short */
		{ "file:///etc/passwd%00.txt", NULL },
		{ "file:relative", NULL },
		{ "https://example.org/a", NULL },
	};
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], *url, *again, *real;
	int fd;

	for (size_t i = 0; i < sizeof(back) / sizeof(*back); i++) {
		char *got = fs_file_url_path(back[i].url);

		if (back[i].want)
			is_str(got, back[i].want, "file URL path of %s",
			       back[i].url);
		else
			ok(!got, "no file URL path in %s", back[i].url);
		free(got);
	}

	/* A name with a space, a '#', a '%' and a '?' makes a URL that
	 * means that file, and comes back to the same path. */
	snprintf(dir, sizeof(dir), "%s/evidence-url-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ok(mkdtemp(dir) != NULL, "temporary folder");
	snprintf(path, sizeof(path), "%s/a b#1%%41?.txt", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
	ok(fd >= 0, "a file with an awkward name");
	close(fd);
	real = realpath(dir, NULL);
	url = fs_file_url(path);
	ok(url && real && !strncmp(url, "file://", 7) &&
		   !strncmp(url + 7, real, strlen(real)),
	   "file URL starts with the folder's real path: %s", url);
	is_str(url ? strrchr(url, '/') : NULL, "/a%20b%231%2541%3F.txt",
	       "file URL escapes the name");
	again = url ? fs_file_url_path(url) : NULL;
	ok(again && real && !strncmp(again, real, strlen(real)) &&
		   !strcmp(again + strlen(real), "/a b#1%41?.txt"),
	   "its path is the file's: %s", again);
	free(again);
	free(url);
	unlink(path);
	rmdir(dir);
	free(real);

	/* A name that does not resolve is taken as given. */
	url = fs_file_url("no such/file");
	is_str(url, "file:///no%20such/file", "unresolved relative name");
	free(url);
	url = fs_file_url("/no such/file");
	is_str(url, "file:///no%20such/file", "unresolved absolute name");
	free(url);
}

static int join_words(const char *w, size_t len, size_t off, void *ctx)
{
	char *out = ctx;

	(void)off;
	if (*out)
		strcat(out, "|");
	strncat(out, w, len);
	return 0;
}

static void test_words(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Primary care networks (PCNs)", "primary|care|networks|pcns" },
		/* Curly quotes and dashes split; an apostrophe inside a word
		 * stays, one at the edge goes. */
		{ "\xe2\x80\x9cmission creep\xe2\x80\x9d\xe2\x80\x94risks",
		  "mission|creep|risks" },
		{ "GP\xe2\x80\x99s practices' goals", "gp's|practices|goals" },
		{ "Asunci\xc3\x93N covid-19", "asunci\xc3\xb3n|covid|19" },
		{ "", "" },
		/* ASCII letters and digits are folded without decoding;
		 * Latin-1 capitals after them still are. */
		{ "COVID19x CAF\xc3\x89", "covid19x|caf\xc3\xa9" },
		/* an apostrophe at the very end, or before an invalid byte,
		 * ends the word and goes */
		{ "GP'", "gp" },
		{ "GP'\xff" "s", "gp|s" },
		/* an invalid byte inside a word splits it */
		{ "net\xffwork", "net|work" },
		/* an apostrophe before a digit stays */
		{ "rock'n'roll 90's", "rock'n'roll|90's" },
		/* words that start with a letter beyond ASCII, after marks
		 * and spaces of both kinds */
		{ " ,\xc3\x89lan\xc2\xa0\xce\x91\xce\xb2 x.",
		  "\xc3\xa9lan|\xce\xb1\xce\xb2|x" },
	};

	struct wordlist wl = WORDLIST_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char out[256] = "", kept[256] = "";
		int lengths = 1;

		text_words(cases[i].in, join_words, out);
		is_str(out, cases[i].want, "words of '%s'", cases[i].in);
		/* The same words kept, in one list refilled each time. */
		is_int(wordlist_fill(&wl, cases[i].in), EV_OK, "kept");
		for (size_t k = 0; k < wl.n; k++) {
			const char *w = wl.bytes + wl.v[k].off;

			join_words(w, wl.v[k].len, 0, kept);
			lengths &= strlen(w) == wl.v[k].len;
		}
		is_str(kept, cases[i].want, "kept words of '%s'", cases[i].in);
		ok(lengths, "their lengths");
	}
	wordlist_release(&wl);
}

/* A word list grows past its first room and is reused smaller. */
static void test_wordlist_reuse(void)
{
	struct wordlist wl = WORDLIST_INIT;
	struct buf text = BUF_INIT;
	int right = 1;

	for (int i = 0; i < 2000; i++)
		buf_printf(&text, "W%d, ", i);
	is_int(wordlist_fill(&wl, buf_str(&text)), EV_OK, "2,000 words");
	is_int((int)wl.n, 2000, "all kept");
	for (size_t k = 0; k < wl.n && right; k++) {
		char want[32];

		snprintf(want, sizeof(want), "w%zu", k);
		right = !strcmp(wl.bytes + wl.v[k].off, want) &&
			wl.v[k].len == strlen(want);
	}
	ok(right, "each in order, lower-cased, with its length");
	is_int(wordlist_fill(&wl, "-- Trust --"), EV_OK, "refilled");
	ok(wl.n == 1 && !strcmp(wl.bytes, "trust") && wl.v[0].off == 0 &&
	       wl.v[0].len == 5 && wl.len == 6,
	   "holds only the new text's word");
	is_int(wordlist_fill(&wl, " ,; "), EV_OK, "a text of no words");
	is_int((int)wl.n, 0, "an empty list");
	wordlist_release(&wl);
	ok(!wl.bytes && !wl.v && !wl.n, "released");
	buf_release(&text);
}

struct word_log {
	size_t n, len[4];
	char last[4][4]; /* the last three bytes of each word */
};

static int log_word(const char *w, size_t len, size_t off, void *ctx)
{
	struct word_log *log = ctx;

	(void)off;
	if (log->n < 4) {
		log->len[log->n] = len;
		snprintf(log->last[log->n], 4, "%s",
			 w + (len > 3 ? len - 3 : 0));
	}
	log->n++;
	return 0;
}

/* A word is cut where its next character might not fit in 256 bytes
 * with the NUL (the cut is at 252 bytes or more), and the rest of it is
 * skipped rather than made into a word of its own. */
static void test_long_words(void)
{
	char text[600];
	struct word_log log = { 0 };

	memset(text, 'A', 300);
	strcpy(text + 300, " b");
	text_words(text, log_word, &log);
	is_int(log.n, 2, "300 letters and one: two words");
	is_int(log.len[0], 252, "the long one cut at 252 bytes");
	is_str(log.last[1], "b", "then the next word");

	/* 251 ASCII letters, then É: it still fits (2 bytes), the z
	 * after it does not. */
	memset(&log, 0, sizeof(log));
	memset(text, 'a', 251);
	strcpy(text + 251, "\xc3\x89z y");
	text_words(text, log_word, &log);
	is_int(log.n, 2, "a cut word with a capital at the cut");
	is_int(log.len[0], 253, "253 bytes: the capital folded, z dropped");
	is_str(log.last[0], "a\xc3\xa9", "ending in a lower-case e-acute");
	is_str(log.last[1], "y", "then the next word");
}

static void test_utf8(void)
{
	char *s;

	ok(utf8_valid("caf\xc3\xa9", 5), "valid UTF-8");
	ok(!utf8_valid("caf\xe9", 4), "Latin-1 byte is not UTF-8");
	ok(!utf8_valid("a\0b", 3), "NUL is refused");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong form refused");
	ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	/* ASCII is passed over without decoding: what follows it, and a
	 * NUL inside it, are still checked. */
	ok(utf8_valid("plain \x7f text, then caf\xc3\xa9", 24),
	   "ASCII, DEL and a two-byte letter");
	ok(!utf8_valid("a long run of plain ASCII text, then \xe9", 38),
	   "a Latin-1 byte after a run of ASCII is refused");
	ok(!utf8_valid("ASCII\0ASCII", 11), "a NUL amid ASCII is refused");
	ok(!utf8_valid("ASCII \xc3", 7), "a letter cut short at the end");
	s = utf8_sanitise("a\xe9" "b\x01" "c", 5);
	is_str(s, "a\xef\xbf\xbd" "b c", "sanitise replaces and blanks");
	free(s);
}

static void test_passages(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *first, *last;
	} cases[] = {
		{ "\n\n\nTitle\n\nOne\ntwo\n\n  \nThree  \n", 3, "Title",
		  "Three" },
		/* No blank line at all: a paragraph per line. */
		{ "A\nB\n\nC", 2, "A\nB", "C" },
		{ "A\nB\nC\n", 3, "A", "C" },
		{ "only", 1, "only", "only" },
		{ "", 0, NULL, NULL },
		/* Blank lines with spaces, tabs or CR separate too. */
		{ "a\r\n\r\nb", 2, "a", "b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strvec sv = STRVEC_INIT;

		passages_split(cases[i].in, &sv);
		is_int(sv.n, cases[i].n, "passages of case %zu", i);
		if (cases[i].n && sv.n) {
			is_str(sv.v[0], cases[i].first, "first of %zu", i);
			is_str(sv.v[sv.n - 1], cases[i].last, "last of %zu", i);
		}
		strvec_release(&sv);
	}
}

static void fill(struct record *r)
{
	record_init(r);
	record_set(&r->title, "  The impact of  new forms of large-scale "
			      "general practice provider collaborations ");
	record_add_author(r, "Pettigrew", "Luisa M", NULL);
	record_add_author(r, NULL, NULL, "  ");
	record_add_author(r, "Mays", "Nicholas", NULL);
	record_set(&r->doi, "https://doi.org/10.3399/BJGP18X694997");
	record_set(&r->pmid, "PMID: 29440013");
	/* Regression: a PMCID without its prefix lost three digits. */
	record_set(&r->pmcid, "5863670");
	r->issued.year = 2018;
	record_set(&r->container_title, "Br J Gen Pract");
	record_add_passage(r, "  first  passage ", NULL);
	record_add_passage(r, "   ", NULL);
	record_add_passage(r, "second", "Results");
	strvec_push(&r->publication_types, "Systematic Review");
}

static void test_normalise(void)
{
	struct record r;
	struct strvec keys = STRVEC_INIT;

	fill(&r);
	ok(record_normalise(&r) == EV_OK, "normalise");
	is_str(r.title, "The impact of new forms of large-scale general "
			"practice provider collaborations", "title tidied");
	is_str(r.doi, "10.3399/bjgp18x694997", "doi normalised");
	is_str(r.pmid, "29440013", "pmid digits");
	is_str(r.pmcid, "PMC5863670", "pmcid form");
	is_int(r.n_authors, 2, "empty author dropped");
	is_int(r.n_passages, 2, "empty passage dropped");
	is_str(r.passages[0].text, "first passage", "passage tidied");
	is_str(r.evidence_type, "systematic-review", "type from pubtype");

	record_keys(&r, &keys);
	is_int(keys.n, 4, "doi, pmid, pmcid and title keys");
	is_str(keys.v[0], "doi:10.3399/bjgp18x694997", "doi key first");
	is_str(keys.v[1], "pmid:29440013", "pmid key");
	is_str(keys.v[3],
	       "title:the impact of new forms of large scale general "
	       "practice provider collaborations|2018|pettigrew",
	       "title key");
	strvec_release(&keys);

	record_assign_id(&r);
	is_str(r.id, "doi:10.3399/bjgp18x694997", "id from the DOI");
	record_release(&r);
}

/*
 * A date is kept as the store can read it back (date_check()): the
 * fuzzer found a PubMed <Year>201910.</Year> kept by the parser, written
 * to the store and dropped by its reader.
 */
static void test_dates(void)
{
	static const struct {
		struct date in, want;
	} cases[] = {
		{ { 2019, 7, 1 }, { 2019, 7, 1 } },
		{ { 9999, 12, 31 }, { 9999, 12, 31 } },
		{ { 201910, 7, 1 }, { 0, 0, 0 } },  /* no year: nothing */
		{ { -5, 7, 1 }, { 0, 0, 0 } },
		{ { 2019, 13, 1 }, { 2019, 0, 0 } }, /* no month: no day */
		{ { 2019, 0, 5 }, { 2019, 0, 0 } },
		{ { 2019, 7, 32 }, { 2019, 7, 0 } },
		{ { 2019, 7, -1 }, { 2019, 7, 0 } },
	};
	struct record r, back;
	char *json = NULL, *again = NULL, err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct date d = cases[i].in;

		date_check(&d);
		ok(d.year == cases[i].want.year &&
			   d.month == cases[i].want.month &&
			   d.day == cases[i].want.day,
		   "date %d-%d-%d kept as %d-%d-%d", cases[i].in.year,
		   cases[i].in.month, cases[i].in.day, d.year, d.month, d.day);
	}

	record_init(&r);
	record_set(&r.title, "A date too far");
	r.issued.year = 201910;
	r.issued.month = 7;
	ok(record_normalise(&r) == EV_OK && r.issued.year == 0 &&
		   r.issued.month == 0,
	   "normalise drops a year past 9999, and its month");
	record_assign_id(&r);
	r.issued.year = 201910; /* as a parser without the check had it */
	record_to_json(&r, &json);
	record_init(&back);
	ok(json && record_from_json(json, strlen(json), &back, err,
				    sizeof(err)) == EV_OK &&
		   back.issued.year == 0,
	   "the reader drops it too");
	r.issued.year = 0;
	r.issued.month = 0;
	free(json);
	json = NULL;
	record_to_json(&r, &json);
	record_to_json(&back, &again);
	ok(json && again && strcmp(json, again) == 0,
	   "so the record read back is the one normalised");
	free(json);
	free(again);
	record_release(&r);
	record_release(&back);
}

static void test_ids(void)
{
	struct record a, b;

	record_init(&a);
	record_set(&a.pmid, "123");
	record_set(&a.url, "https://example.org/x");
	record_assign_id(&a);
	is_str(a.id, "pmid:123", "PMID before URL");
	record_release(&a);

	record_init(&a);
	record_set(&a.url, "HTTPS://Example.ORG/Path/#frag");
	record_assign_id(&a);
	is_str(a.id, "url:https://example.org/Path", "URL key tidied");
	record_release(&a);

	/* Nothing but text: an id from the content, the same each time. */
	record_init(&a);
	record_init(&b);
	record_set(&a.title, "Notes");
	record_add_passage(&a, "text", NULL);
	record_set(&b.title, "Notes");
	record_add_passage(&b, "text", NULL);
	record_assign_id(&a);
	record_assign_id(&b);
	ok(a.id && str_starts_with(a.id, "sha:"), "content id");
	is_str(a.id, b.id, "content ids are stable");
	/* An id once given is kept. */
	record_set(&a.doi, "10.1/x");
	record_assign_id(&a);
	ok(str_starts_with(a.id, "sha:"), "id never changes");
	record_release(&a);
	record_release(&b);
}

static void test_json_round_trip(void)
{
	struct record r, back;
	char *json = NULL, *again = NULL;
	char err[256], h1[65], h2[65];
	struct provenance p = { "file", "file:///x.txt", "text",
				"2026-01-01T00:00:00Z", "abc", NULL, NULL };

	fill(&r);
	record_normalise(&r);
	record_assign_id(&r);
	record_add_provenance(&r, &p);
	record_add_relation(&r, "erratum-for", "pmid:1");
	strvec_push(&r.cites, "doi:10.1/y");
	r.issued.month = 2;
	ok(record_to_json(&r, &json) == EV_OK, "to json");
	/* It is the text jansson makes of the same value. */
	{
		json_t *v = json_loads(json, JSON_ALLOW_NUL, NULL);
		char *dumped = v ? json_dumps(v, JSON_INDENT(1)) : NULL;

		is_str(dumped, json, "a record file is jansson's text of it");
		free(dumped);
		json_decref(v);
	}
	record_init(&back);
	ok(record_from_json(json, strlen(json), &back, err, sizeof(err)) ==
		   EV_OK, "from json");
	record_to_json(&back, &again);
	is_str(again, json, "JSON round trip is byte-identical");
	is_int(back.issued.month, 2, "month kept");
	is_str(back.relations[0].target, "pmid:1", "relation kept");

	/* The hash ignores when it was fetched, not what was fetched. */
	record_content_hash(&r, h1);
	record_set(&back.provenance[0].fetched_at, "2030-01-01T00:00:00Z");
	record_content_hash(&back, h2);
	is_str(h2, h1, "fetch time does not change the hash");
	record_set(&back.title, "Other");
	record_content_hash(&back, h2);
	ok(strcmp(h1, h2) != 0, "a new title changes the hash");

	free(json);
	free(again);
	record_release(&r);
	record_release(&back);
}

static void test_json_errors(void)
{
	static const char *const bad[] = {
		"", "{", "[1,2]", "{\"id\":\"doi:1\",\"id\":\"doi:2\"}",
		"{\"title\":\"a\\u0000b\"}", "\"text\"",
	};
	struct record r;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ev_status rc;

		record_init(&r);
		err[0] = '\0';
		rc = record_from_json(bad[i], strlen(bad[i]), &r, err,
				      sizeof(err));
		ok(rc == EV_PARSE && err[0], "bad JSON %zu refused: %s", i,
		   err);
		record_release(&r);
	}

	/* CSL-JSON from elsewhere: a foreign id becomes a citation key,
	 * numbers become strings, "raw" dates are read. */
	record_init(&r);
	{
		const char *csl = "{\"id\":\"smith2019\",\"type\":\"report\","
				  "\"volume\":12,\"issued\":{\"raw\":"
				  "\"2019-05-03\"},\"keyword\":\"a, b;c\"}";

		ok(record_from_json(csl, strlen(csl), &r, err, sizeof(err)) ==
			   EV_OK, "CSL item read");
	}
	ok(r.id == NULL, "foreign id not taken as ours");
	is_str(r.citation_key, "smith2019", "foreign id kept as key");
	is_str(r.volume, "12", "number as string");
	is_int(r.issued.day, 3, "raw date read");
	is_int(r.keywords.n, 3, "keyword string split");
	record_release(&r);
}

/*
 * What a record's file and its content hash must be: the text jansson
 * makes of the value the file holds (JSON_INDENT(1)), and the SHA-256 of
 * its compact text once the times are taken out.  Say WHAT on failure.
 */
static void check_record_json(const struct record *r, const char *what)
{
	static const char *const times[] = { "fetched_at", "etag",
					     "last_modified" };
	char *text = NULL, *dumped, *compact, want[65], got[65];
	json_t *v = NULL, *prov, *item;
	size_t i;

	ok(record_to_json(r, &text) == EV_OK &&
		   (v = json_loads(text, 0, NULL)) != NULL,
	   "%s: written, and jansson reads it", what);
	if (!v) {
		free(text);
		return;
	}
	dumped = json_dumps(v, JSON_INDENT(1));
	is_str(text, dumped, "%s: the file is jansson's text of it", what);
	json_object_del(v, "added_at");
	json_object_del(v, "updated_at");
	prov = json_object_get(v, "provenance");
	json_array_foreach(prov, i, item)
		for (size_t k = 0; k < sizeof(times) / sizeof(*times); k++)
			json_object_del(item, times[k]);
	compact = json_dumps(v, JSON_COMPACT);
	text_sha256_hex(compact, strlen(compact), want);
	is_int(record_content_hash(r, got), EV_OK, "%s: hashed", what);
	is_str(got, want, "%s: the hash is that of the compact text without "
			  "the times", what);
	free(compact);
	free(dumped);
	json_decref(v);
	free(text);
}

/* A seeded random string of the pieces that matter to the writer. */
static char *random_text(unsigned *seed, int max_pieces)
{
	static const char *const pieces[] = {
		"\"", "\\", "\x01", "\x1f", "\n", "\t", "\b", "\f", "\r", "a",
		"Zz", " ", "/", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xe2\x80\xa8",
	};
	struct buf b = BUF_INIT;
	int n;

	*seed = *seed * 1103515245u + 12345u;
	n = (int)((*seed >> 16) % (unsigned)(max_pieces + 1));
	buf_addstr(&b, "");
	for (int k = 0; k < n; k++) {
		*seed = *seed * 1103515245u + 12345u;
		buf_addstr(&b, pieces[(*seed >> 16) %
				      (sizeof(pieces) / sizeof(*pieces))]);
	}
	return buf_detach(&b);
}

/* Each field absent or a random string; lists of 0 to 3. */
static void random_record(struct record *r, unsigned *seed)
{
	char **fields[] = {
		&r->id, &r->type, &r->title, &r->container_title, &r->doi,
		&r->pmid, &r->pmcid, &r->url, &r->publisher, &r->volume,
		&r->issue, &r->page, &r->language, &r->citation_key,
		&r->abstract, &r->evidence_type, &r->added_at, &r->updated_at,
	};
#define COIN() ((*seed = *seed * 1103515245u + 12345u) >> 16 & 1)
#define UPTO3() ((*seed = *seed * 1103515245u + 12345u) >> 16 & 3)
#define TEXT_OR_NULL() (COIN() ? random_text(seed, 6) : NULL)
	record_init(r);
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		*fields[i] = TEXT_OR_NULL();
	if (COIN()) {
		r->issued.year = 1990 + (int)UPTO3();
		r->issued.month = (int)UPTO3() * 4;
		r->issued.day = (int)UPTO3() * 9;
	}
	for (unsigned k = UPTO3(); k > 0; k--) {
		struct author *a = calloc(1, sizeof(*a));

		a->family = TEXT_OR_NULL();
		a->given = TEXT_OR_NULL();
		a->literal = TEXT_OR_NULL();
		record_add_author(r, a->family, a->given, a->literal);
		free(a->family);
		free(a->given);
		free(a->literal);
		free(a);
	}
	for (unsigned k = UPTO3(); k > 0; k--) {
		char *t = random_text(seed, 8), *sec = TEXT_OR_NULL();

		/* Passages are taken as they are: no trimming here. */
		r->passages =
		    realloc(r->passages,
			    (r->n_passages + 1) * sizeof(*r->passages));
		r->passages[r->n_passages].text = t;
		r->passages[r->n_passages].section = sec;
		r->n_passages++;
	}
	for (unsigned k = UPTO3(); k > 0; k--) {
		char *t = random_text(seed, 4);

		strvec_push(COIN() ? &r->keywords : &r->cites, t);
		free(t);
	}
	for (unsigned k = UPTO3(); k > 0; k--) {
		struct provenance p = { NULL };

		p.source = TEXT_OR_NULL();
		p.url = TEXT_OR_NULL();
		p.format = TEXT_OR_NULL();
		p.content_hash = TEXT_OR_NULL();
		p.fetched_at = TEXT_OR_NULL();
		p.etag = TEXT_OR_NULL();
		p.last_modified = TEXT_OR_NULL();
		record_add_provenance(r, &p);
		free(p.source);
		free(p.url);
		free(p.format);
		free(p.content_hash);
		free(p.fetched_at);
		free(p.etag);
		free(p.last_modified);
	}
	if (COIN()) {
		char *t = random_text(seed, 3);

		record_add_relation(r, "retraction-of", t);
		free(t);
	}
#undef COIN
#undef UPTO3
#undef TEXT_OR_NULL
}

static void test_record_json(void)
{
	struct record r;
	unsigned seed = 2026;
	char *big, *text = NULL, name[64];
	json_t *v;

	/* Every field, every list. */
	fill(&r);
	record_normalise(&r);
	record_assign_id(&r);
	{
		struct provenance p = { "file", "file:///x.txt", "text",
					"2026-01-01T00:00:00Z", "abc",
					"\"e1\"", "Tue, 24 Nov 2026" };

		record_add_provenance(&r, &p);
	}
	record_add_relation(&r, "erratum-for", "pmid:1");
	strvec_push(&r.cites, "doi:10.1/y");
	strvec_push(&r.cited_by, "pmid:2");
	strvec_push(&r.keywords, "trust");
	r.issued.month = 2;
	r.issued.day = 29;
	record_set(&r.added_at, "2026-11-24T00:00:00Z");
	record_set(&r.updated_at, "2026-11-24T00:00:01Z");
	check_record_json(&r, "a full record");
	/* Its keys: CSL's, then the project's in the order
	 * evidence-collection(5) gives them. */
	if (record_to_json(&r, &text) == EV_OK &&
	    (v = json_loads(text, 0, NULL)) != NULL) {
		struct buf keys = BUF_INIT;
		const char *key;
		json_t *item;

		json_object_foreach(v, key, item)
			buf_printf(&keys, "%s ", key);
		is_str(buf_str(&keys),
		       "id type title author container-title issued DOI "
		       "PMID PMCID evidence_type keywords publication_types "
		       "passages cites cited_by relations provenance "
		       "added_at updated_at ",
		       "a full record's keys, in order");
		buf_release(&keys);
		json_decref(v);
	}
	free(text);
	record_release(&r);

	/* One hash worked out apart from the program:
	 *   printf '%s' '{"id":"doi:10.1/x","title":"Trust, \"goodwill\"",'\
	 *   '"issued":{"date-parts":[[2019,4]]},"passages":[{"n":1,'\
	 *   '"text":"a\tb"}],"provenance":[{"source":"s"}]}' | sha256sum */
	record_init(&r);
	record_set(&r.id, "doi:10.1/x");
	record_set(&r.title, "Trust, \"goodwill\"");
	r.issued.year = 2019;
	r.issued.month = 4;
	record_add_passage(&r, "a\tb", NULL);
	{
		struct provenance p = { "s", NULL, NULL, "2026-01-01", NULL,
					NULL, NULL };
		char h[65];

		record_add_provenance(&r, &p);
		record_content_hash(&r, h);
		is_str(h, "227be6a394c1839dc55ce9542fd7af65"
			  "54609ddf07dd5802ed585be729f3f223",
		       "the content hash of a small record, by sha256sum");
	}
	record_release(&r);

	record_init(&r);
	check_record_json(&r, "an empty record");
	ok(record_to_json(&r, &text) == EV_OK && !strcmp(text, "{}"),
	   "an empty record is {}");
	free(text);
	record_release(&r);

	/* Strings longer than the hasher's buffer, escapes across its
	 * flushes. */
	record_init(&r);
	big = malloc(20001);
	for (int i = 0; i < 20000; i++)
		big[i] = i % 997 == 0 ? '"' : i % 1009 == 0 ? '\n' : 'x';
	big[20000] = '\0';
	record_add_passage(&r, big, NULL);
	record_add_passage(&r, big, "Big");
	record_set(&r.title, big + 10000);
	check_record_json(&r, "40 kB with escapes");
	free(big);
	record_release(&r);

	for (int i = 0; i < 300; i++) {
		random_record(&r, &seed);
		snprintf(name, sizeof(name), "random record %d", i);
		check_record_json(&r, name);
		record_release(&r);
	}

	/* Bytes that are not UTF-8: each becomes U+FFFD, and the file
	 * reads back.  A truncated sequence, a lone continuation byte, a
	 * surrogate (three bytes, each bad) and an overlong '/'. */
	record_init(&r);
	record_set(&r.title, "a\xff" "b\xe2\x82");
	record_set(&r.abstract, "\xed\xa0\x80|\xc0\xaf|\x80");
	v = NULL;
	ok(record_to_json(&r, &text) == EV_OK &&
		   (v = json_loads(text, 0, NULL)) != NULL,
	   "bad UTF-8: written, and jansson reads it");
	is_str(json_string_value(json_object_get(v, "title")),
	       "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd",
	       "bad UTF-8: each bad byte of the title replaced");
	is_str(json_string_value(json_object_get(v, "abstract")),
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
	       "\xef\xbf\xbd",
	       "bad UTF-8: a surrogate, an overlong form, a lone byte");
	json_decref(v);
	free(text);
	record_release(&r);
}

/* array_grow() doubles from 8, keeps the array when it has room, and
 * refuses a size that would overflow, leaving the array as it was. */
static void test_array_grow(void)
{
	size_t alloc = 0;
	int *v = array_grow(NULL, &alloc, 1, sizeof(int)), *w;

	ok(v && alloc == 8, "from nothing: 8");
	v[7] = 42;
	ok(array_grow(v, &alloc, 8, sizeof(int)) == v && alloc == 8,
	   "room already: the same array");
	w = array_grow(v, &alloc, 9, sizeof(int));
	ok(w && alloc == 16 && w[7] == 42, "one more: doubled, kept");
	v = w ? w : v;
	w = array_grow(v, &alloc, 100, sizeof(int));
	ok(w && alloc == 128, "100: doubled to 128");
	v = w ? w : v;
	ok(array_grow(v, &alloc, (size_t)-1 / 2, sizeof(int)) == NULL &&
		   alloc == 128 && v[7] == 42,
	   "a size that overflows: NULL, the array as it was");
	free(v);
}

/* buf_printf() formats into the room the buffer has, growing only when
 * that is too small; a failure leaves the string as it was. */
static void test_buf_printf(void)
{
	struct buf b = BUF_INIT;
	char big[1001];

	is_int(buf_printf(&b, "%d-%s", 42, "x"), EV_OK, "printf into nothing");
	is_str(b.ptr, "42-x", "the text");
	is_int((int)b.len, 4, "its length");
	/* The first growth gives 64 bytes: 60 used, room for 3 and a NUL. */
	buf_reset(&b);
	memset(big, 'a', 60);
	big[60] = '\0';
	buf_addstr(&b, big);
	is_int((int)b.alloc, 64, "64 bytes held");
	is_int(buf_printf(&b, "%s", "xyz"), EV_OK, "fills the room exactly");
	ok(b.len == 63 && b.alloc == 64 && !strcmp(b.ptr + 60, "xyz"),
	   "in place, no growth");
	is_int(buf_printf(&b, "%c", 'q'), EV_OK, "one more byte");
	ok(b.len == 64 && b.alloc > 64 && !strcmp(b.ptr + 60, "xyzq") &&
	       strspn(b.ptr, "a") == 60,
	   "grown, and the text before kept");
	memset(big, 'b', 1000);
	big[1000] = '\0';
	is_int(buf_printf(&b, "<%s>", big), EV_OK, "a long one");
	ok(b.len == 1066 && strlen(b.ptr) == 1066 && b.ptr[64] == '<' &&
	       b.ptr[1065] == '>' && strspn(b.ptr + 65, "b") == 1000,
	   "all of it after the rest");
	buf_release(&b);

	/* Past the cap: refused, and the string ends where it did, though
	 * the room past it was written before the length was known. */
	buf_init(&b, 70);
	memset(big, 'c', 60);
	big[60] = '\0';
	buf_addstr(&b, big);
	is_int(buf_printf(&b, "%s", "0123456789"), EV_OK, "up to the cap");
	is_int(buf_printf(&b, "%s", "!"), EV_TOO_BIG, "one past it");
	ok(b.len == 70 && strlen(b.ptr) == 70 && b.ptr[69] == '9',
	   "the text unchanged");
	buf_reset(&b);
	buf_addstr(&b, big);
	is_int(buf_printf(&b, "%s%s", "0123456789", "abcdef"), EV_TOO_BIG,
	       "past the cap with room to spare in memory");
	ok(b.len == 60 && strlen(b.ptr) == 60, "what was written is dropped");
	buf_release(&b);

	/* An encoding error (a wide character the C locale cannot write). */
	buf_addstr(&b, "keep");
	is_int(buf_printf(&b, "x%lc", (wint_t)0x20ac), EV_USAGE,
	       "a format that fails");
	ok(b.len == 4 && !strcmp(b.ptr, "keep"), "the text unchanged");
	is_int(buf_setf(&b, "%s %u", "set", 7u), EV_OK, "buf_setf");
	is_str(b.ptr, "set 7", "replaces the text");
	buf_release(&b);
}

static void test_sha256_pieces(void)
{
	struct text_sha256 *h = text_sha256_begin();
	char out[65];

	text_sha256_add(h, "a", 1);
	text_sha256_add(h, "", 0);
	text_sha256_add(h, "bc", 2);
	is_int(text_sha256_end(h, out), EV_OK, "sha256 in pieces");
	is_str(out,
	       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "sha256 of abc");
	is_int(text_sha256_end(NULL, out), EV_NOMEM,
	       "no hasher (out of memory at the start): EV_NOMEM");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* text_hash64(): a changed bit anywhere, a word moved, a NUL added, all
 * tell; where the bytes lie in memory does not. */
static void test_hash64(void)
{
	const char text[] = "mission creep: a marathon, not a sprint";
	enum { LEN = sizeof(text) - 1 };
	uint64_t h[LEN * 8 + 1], base = text_hash64(text, LEN);
	char copy[LEN + 1], moved[LEN + 2];
	size_t n = 0, distinct = 1;

	is_int(LEN % 8 != 0, 1, "hash64: the text ends in a part word");
	for (size_t i = 0; i < LEN; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(copy, text, LEN);
			copy[i] ^= (char)(1 << bit);
			h[n++] = text_hash64(copy, LEN);
		}
	h[n++] = base;
	qsort(h, n, sizeof(*h), cmp_u64);
	for (size_t i = 1; i < n; i++)
		distinct += h[i] != h[i - 1];
	ok(distinct == n, "hash64: %zu one-bit changes, %zu values", n - 1,
	   distinct - 1);
	memcpy(copy, text + 8, 8);
	memcpy(copy + 8, text, 8);
	memcpy(copy + 16, text + 16, LEN - 16);
	ok(text_hash64(copy, LEN) != base, "hash64: two words swapped");
	ok(text_hash64("", 0) != text_hash64("\0", 1) &&
	   text_hash64("\0", 1) != text_hash64("\0\0", 2) &&
	   text_hash64(text, LEN) != text_hash64(text, LEN + 1),
	   "hash64: a NUL more is another text");
	memcpy(moved + 1, text, LEN);
	ok(text_hash64(moved + 1, LEN) == base,
	   "hash64: the same bytes at an odd address, the same value");
}

static void test_evidence_types(void)
{
	static const struct {
		const char *title, *type, *pubtype, *want;
	} cases[] = {
		{ "Anything", "article-journal", "Review", "review" },
		{ "Anything", "article-journal", "Letter", "letter" },
		{ "A systematic review of federations", "article-journal",
		  NULL, "systematic-review" },
		{ "Is bigger better?", "report", NULL, "report" },
		{ "Caution needed", "post-weblog", NULL, "news" },
		{ "Early development of PCNs: a mixed-methods evaluation",
		  "article-journal", NULL, "study" },
		{ "Retraction: a trial", "article-journal",
		  "Retraction of Publication", "other" },
		/* Publication type wins over a title cue. */
		{ "Evaluation of X", "article-journal", "Editorial",
		  "editorial" },
		/* Title cues in any ASCII case, after any byte. */
		{ "EVALUATION OF X", "article-journal", NULL, "study" },
		{ "\xc3\x87" "a: A Meta-Analysis", "article-journal", NULL,
		  "systematic-review" },
		{ "(Survey)", "article-journal", NULL, "study" },
		{ "Nothing to go on", "article-journal", NULL, "commentary" },
		/* A news container, in any case. */
		{ "Notes", "article-journal", NULL, "news" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct record r;

		record_init(&r);
		record_set(&r.title, cases[i].title);
		if (!strcmp(cases[i].title, "Notes"))
			record_set(&r.container_title, "GP PULSE Today");
		record_set(&r.type, cases[i].type);
		if (cases[i].pubtype)
			strvec_push(&r.publication_types, cases[i].pubtype);
		is_str(evidence_type_name(evidence_type_classify(&r)),
		       cases[i].want, "type of '%s'", cases[i].title);
		record_release(&r);
	}
	is_int(evidence_type_lookup("blog"), ET_NEWS, "alias blog");
	is_int(evidence_type_lookup("nonsense"), -1, "unknown type");
}

/* Regressions: an empty read left no NUL; a capped read overran the cap
 * by the size of the buffer's allocation. */
static void test_read_caps(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/evidence-read-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	struct buf b = BUF_INIT;

	ok(fd >= 0, "temporary file");
	ok(fs_read_fd(fd, 100, &b) == EV_OK, "empty file reads");
	is_str(buf_str(&b), "", "empty read is an empty string");
	ok(write(fd, "0123456789", 10) == 10, "write ten bytes");
	lseek(fd, 0, SEEK_SET);
	buf_reset(&b);
	ok(fs_read_fd(fd, 4, &b) == EV_TOO_BIG, "over the cap: too big");
	ok(b.len <= 4, "never more than the cap read (%zu)", b.len);
	lseek(fd, 0, SEEK_SET);
	buf_reset(&b);
	ok(fs_read_fd(fd, 10, &b) == EV_OK, "exactly the cap: fine");
	is_str(buf_str(&b), "0123456789", "all of it");
	buf_release(&b);
	close(fd);
	unlink(path);
}

int main(void)
{
	test_read_caps();
	test_doi_normalise();
	test_collapse_space();
	test_http_url();
	test_percent_encode();
	test_percent_decode();
	test_file_url();
	test_words();
	test_wordlist_reuse();
	test_long_words();
	test_record_json();
	test_sha256_pieces();
	test_hash64();
	test_buf_printf();
	test_array_grow();
	test_utf8();
	test_passages();
	test_normalise();
	test_dates();
	test_ids();
	test_json_round_trip();
	test_json_errors();
	test_evidence_types();
	return tap_done();
}
