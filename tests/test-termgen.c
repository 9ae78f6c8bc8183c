/* test-termgen.c - the indexer's term generator against Xapian's own */
#include "config.h"

#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "stopwords.h"
#include "termgen.h"
#include "text.h"
#include "xdb.h"

#include "tap.h"

/*
 * indexer/termgen.c must give a document exactly the terms, wdfs and
 * positions Xapian's TermGenerator gives it (xdb_termgen_*(), set up as
 * the indexer used it): a term it makes differently is a word that
 * searches miss.  So most checks here index the same calls into two
 * documents, one through each, and compare every term of the two
 * (xdb_doc_describe_terms()).  A few cases are also worked by hand, so
 * that a fault both generators shared would not pass unseen.
 */

/* One call on a term generator. */
struct call {
	const char *text; /* NULL: skip POS term positions */
	unsigned wdf;
	const char *prefix;
	int positions;
	unsigned skip;
};

/* The terms of the document CALLS make through Xapian's TermGenerator
 * (XAPIAN set) or ours; malloc'd. */
static char *terms_of(int xapian, const struct call *calls, size_t n)
{
	xdb_doc_t *doc = xdb_doc_new();
	xdb_termgen_t *xtg = xapian ? xdb_termgen_new(NULL) : NULL;
	struct termgen *tg = xapian ? NULL : termgen_new();
	char *out = NULL;
	ev_status rc;

	if (!doc || (xapian ? !xtg : !tg)) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	rc = xapian ? xdb_termgen_set_document(xtg, doc)
		    : termgen_start(tg, doc);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct call *c = &calls[i];

		if (!c->text)
			rc = xapian ? xdb_termgen_increase_termpos(xtg, c->skip)
				    : termgen_skip(tg, c->skip);
		else if (xapian)
			rc = c->positions
				     ? xdb_termgen_index_text(xtg, c->text,
							      c->wdf, c->prefix)
				     : xdb_termgen_index_text_nopos(
					       xtg, c->text, c->wdf, c->prefix);
		else
			rc = termgen_index(tg, c->text, c->wdf, c->prefix,
					   c->positions);
	}
	if (!rc)
		rc = xapian ? xdb_termgen_set_document(xtg, NULL)
			    : termgen_finish(tg);
	if (!rc)
		rc = xdb_doc_describe_terms(doc, &out);
	if (rc) {
		printf("# %s: %s\n", xapian ? "TermGenerator" : "termgen",
		       xapian ? xdb_termgen_errmsg(xtg) : termgen_errmsg(tg));
		free(out);
		out = NULL;
	}
	xdb_termgen_free(xtg);
	termgen_free(tg);
	xdb_doc_free(doc);
	return out;
}

/* 1 when CALLS give the same terms through both; NAME says which, and a
 * difference is shown. */
static int same_terms(const struct call *calls, size_t n, const char *name,
		      int verbose)
{
	char *want = terms_of(1, calls, n);
	char *got = terms_of(0, calls, n);
	int same = want && got && !strcmp(want, got);

	if (!same && verbose) {
		printf("# %s differs\n", name);
		printf("#   TermGenerator:\n%s", want ? want : "(failed)\n");
		printf("#   termgen:\n%s", got ? got : "(failed)\n");
	}
	free(want);
	free(got);
	return same;
}

/* One text indexed with positions, wdf 1 and no prefix. */
static const char *one_text(const char *text)
{
	static char *last;
	struct call c = {text, 1, "", 1, 0};

	free(last);
	last = terms_of(0, &c, 1);
	return last ? last : "(failed)";
}

/* Worked by hand from TermGenerator's rules (and Snowball's English
 * stems: "reports" -> "report", "trusted" -> "trust"). */
static void test_by_hand(void)
{
	is_str(one_text("Trust reports"),
	       "Zreport 1\nZtrust 1\nreports 1 2\ntrust 1 1\n",
	       "two words: each with its position, each stem once");
	is_str(one_text("the trust, the trusted"),
	       "Ztrust 2\nthe 2 1,3\ntrust 1 2\ntrusted 1 4\n",
	       "a stopword has no stem term; stems summed over words");
	is_str(one_text("U.N. AT&T C++ C#"),
	       "Zat&t 1\nZc# 1\nZc++ 1\nZun 1\nat&t 1 2\nc# 1 4\nc++ 1 3\n"
	       "un 1 1\n",
	       "an acronym, an infix '&', suffixes '+' and '#'");
	is_str(one_text("1,000.5 2020s x"),
	       "1,000.5 1 1\n2020s 1 2\nZx 1\nx 1 3\n",
	       "digits joined by ',' and '.'; no stem for a word that "
	       "starts with a digit");
	is_str(one_text("fish+chips C++++"),
	       "Zc 1\nZchip 1\nZfish 1\nc 1 3\nchips 1 2\nfish 1 1\n",
	       "'+' before a letter, and a fourth '+', end the word there");
	is_str(one_text("GP\xe2\x80\x99s don't"),
	       "Zdon't 1\nZgp 1\ndon't 1 2\ngp's 1 1\n",
	       "a curly apostrophe inside a word is kept as '''");
	is_str(one_text("A.B.c"), "Zb 1\nZc 1\na 1 1\nb 1 2\nc 1 3\n",
	       "no acronym when a letter follows (and \"a\" is a stopword)");
	{
		char word[80];

		memset(word, 'a', 65);
		strcpy(word + 65, " b");
		is_str(one_text(word), "Zb 1\nb 1 1\n",
		       "a word over 64 bytes is dropped, and takes no "
		       "position");
	}
}

/* Texts with each rule's corners, through both generators. */
static const char *const corner_texts[] = {
	"",
	"   ...   ",
	"U.N",
	"U.N.",
	"U.N.C.L.E. and P.T.O",
	"A. B. C.",
	"M&S and AT&T&T, R&D's",
	"U.S.A.F.1",
	"AB.CD",
	"I.e. e.g. Ph.D.",
	"x&", "&x", "x&&y", "x'y'z", "'quoted'",
	"rock 'n' roll",
	"C++ C+++ C++++ c++x a+ a+b a#b #hash x## F#.",
	"1,000,000 3.14 1;2 1.a a.1 1..2 1,,2 1. .1",
	"\xd9\xa3,\xd9\xa4 3\xcd\xbe""4 5\xe2\x81\x84""6 7\xef\xb8\x90""8",
	"x\xe2\x80\x8by x\xe2\x80\x8c\xe2\x80\x8dy 1\xe2\x81\xa0""2 "
	"a\xef\xbb\xbf""b \xe2\x80\x8b""lead trail\xe2\x80\x8b",
	"it\xe2\x80\x99s it\xe2\x80\x9bs a\xc2\xb7""b a\xd7\xb4""b "
	"a\xe2\x80\xa7""b",
	"caf\xc3\xa9 \xc3\x89""COLE \xc3\x89.T. stra\xc3\x9f""e "
	"\xc7\x85ungla \xca\xb0""ello",
	"\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 \xd0\x9c\xd0\xbe\xd1\x81"
	"\xd0\xba\xd0\xb2\xd0\xb0",
	"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 \xe6\x97\xa5\xe6\x9c\xac"
	"\xe8\xaa\x9e text",
	"emoji \xf0\x9f\x98\x80 and \xf0\x9d\x90\x80""bold",
	"e\xcc\x81t\xcc\x88 combining",
	"under_score __init__ _x x_",
	"\x80\x81 lone continuation, caf\xe9 Latin-1, \xc3 cut, "
	"\xe0\x80\x80 overlong, \xed\xa0\x80 surrogate, \xf4\x90\x80\x80 "
	"too high, \xf0\x9f\x98 cut, \xc0\xaf, \xff\xfe",
	"The the THE tHe Und under over no not",
	"th thes whic ourselve yourselve theirsx thee an a i I ab yo",
	"Primary Care Networks (PCNs) and GP federations: a marathon, not "
	"a sprint; under-promise and over-deliver.",
	"end with acronym U.K.",
	"end with suffix C++",
	"end with infix x&",
	"\xef\xbd\x81\xef\xbd\x82 fullwidth \xe2\x85\xa0 roman "
	"\xc2\xbd half \xc2\xb2 two",
};

static void test_corners(void)
{
	static const char *const prefixes[] = {"", "S", "XJ"};

	for (size_t i = 0; i < sizeof(corner_texts) / sizeof(*corner_texts);
	     i++) {
		for (size_t p = 0; p < 3; p++) {
			for (int pos = 0; pos < 2; pos++) {
				struct call c[] = {
					{corner_texts[i], 1 + (unsigned)p,
					 prefixes[p], pos, 0},
					{NULL, 0, NULL, 0, 7},
					{corner_texts[i], 2, prefixes[p], pos,
					 0},
				};
				char name[64];

				snprintf(name, sizeof(name),
					 "corner text %zu, prefix '%s', %s", i,
					 prefixes[p],
					 pos ? "positions" : "no positions");
				ok(same_terms(c, 3, name, 1), "%s", name);
			}
		}
	}
	{
		char word[200];
		struct call c = {word, 1, "", 1, 0};

		/* 64 bytes with or without a suffix, 63 + a 2-byte letter. */
		for (size_t len = 60; len < 70; len++) {
			memset(word, 'b', len);
			strcpy(word + len, "++ x ");
			memset(word + len + 5, 'c', len - 1);
			strcpy(word + len + 5 + len - 1, "\xc3\xa9 y");
			ok(same_terms(&c, 1, "long word", 1),
			   "words of %zu bytes and about", len);
		}
	}
}

/* Pieces random texts are made of: every class of character the rules
 * treat apart, and bytes that are not UTF-8. */
static const char *const pieces[] = {
	"a", "e", "z", "A", "Q", "Z", "0", "7", " ", " ", " ", "\n", "\t",
	".", ",", ";", ":", "'", "&", "+", "#", "-", "_", "(", ")", "/",
	"the", "and", "not", "trust", "Trust", "GP", "PCN", "networks",
	"\xc3\xa9", "\xc3\x89", "\xc3\x9f", "\xc7\x85", "\xca\xb0",
	"\xe2\x80\x99", "\xe2\x80\x9b", "\xc2\xb7", "\xd7\xb4", "\xe2\x80\xa7",
	"\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x81\xa0", "\xef\xbb\xbf",
	"\xcd\xbe", "\xe2\x81\x84", "\xd9\xa3", "\xef\xbc\x91", "\xc2\xbd",
	"\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xf0\x9d\x90\x80", "\xcc\x81",
	"\xe2\x80\x94", "\xc2\xa0", "\x80", "\xc3", "\xe9", "\xe0\x80",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff",
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned next_rand(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A random text of up to MAX pieces into B. */
static void random_text(struct buf *b, unsigned max)
{
	unsigned n = next_rand(max + 1);

	buf_reset(b);
	for (unsigned i = 0; i < n; i++) {
		const char *p = pieces[next_rand(sizeof(pieces) /
						 sizeof(*pieces))];

		/* Runs of one piece make long words and long suffixes. */
		for (unsigned k = next_rand(8) == 0 ? 1 + next_rand(40) : 1;
		     k > 0; k--)
			buf_addstr(b, p);
	}
}

static void test_random(void)
{
	static const char *const prefixes[] = {"", "", "S", "A", "XK"};
	struct buf texts[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	unsigned differ = 0, docs = 20000;

	for (unsigned d = 0; d < docs; d++) {
		struct call c[4];
		size_t n = 1 + next_rand(4);
		char name[32];

		for (size_t i = 0; i < n; i++) {
			if (i > 0 && next_rand(4) == 0) {
				c[i] = (struct call){NULL, 0, NULL, 0,
						     next_rand(200)};
				continue;
			}
			random_text(&texts[i], 60);
			c[i] = (struct call){buf_str(&texts[i]),
					     1 + next_rand(3),
					     prefixes[next_rand(5)],
					     next_rand(3) != 0, 0};
		}
		snprintf(name, sizeof(name), "random document %u", d);
		if (!same_terms(c, n, name, differ < 3))
			differ++;
	}
	is_int(differ, 0, "%u random documents: the same terms as "
		       "TermGenerator", docs);
	for (size_t i = 0; i < 4; i++)
		buf_release(&texts[i]);
}

/* Each file under a folder as one text. */
static unsigned files_seen, files_differ;

static int file_terms(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	struct buf b = BUF_INIT;
	char *data;

	(void)ftw;
	if (flag != FTW_F || st->st_size > (8 << 20))
		return 0;
	if (fs_read_file(path, 8 << 20, &b) || !b.ptr) {
		buf_release(&b);
		return 0;
	}
	data = b.ptr;
	for (size_t i = 0; i < b.len; i++)
		if (data[i] == '\0')
			data[i] = ' ';
	{
		struct call c[] = {
			{data, 1, "", 1, 0},
			{NULL, 0, NULL, 0, 100},
			{data, 2, "T", 0, 0},
		};

		files_seen++;
		if (!same_terms(c, 3, path, files_differ < 3))
			files_differ++;
	}
	buf_release(&b);
	return 0;
}

static void test_files(const char *dir, const char *what)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		printf("ok %d # skip %s: %s is absent\n", ++tap_n, what, dir);
		return;
	}
	files_seen = files_differ = 0;
	nftw(dir, file_terms, 16, FTW_PHYS);
	ok(files_seen > 0, "%s: %u files read", what, files_seen);
	is_int(files_differ, 0, "%s: the same terms as TermGenerator", what);
}

/* With XAPIAN_CJK_NGRAM set, every call goes to TermGenerator, which then
 * splits Chinese, Japanese and Korean into n-grams.  Xapian reads the
 * variable once per process, so this runs in a child, before any
 * TermGenerator has run in the parent. */
static void test_cjk_ngram(void)
{
	pid_t pid;
	int status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const char *text = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 x";
		struct call c = {text, 1, "", 1, 0};
		char *got;

		setenv("XAPIAN_CJK_NGRAM", "1", 1);
		got = terms_of(0, &c, 1);
		/* 中 文 字 as unigrams with positions, 中文 and 文字 as
		 * bigrams without, then x. */
		_exit(got && same_terms(&c, 1, "CJK", 0) &&
				      strstr(got, "\xe4\xb8\xad\xe6\x96\x87 1\n") &&
				      strstr(got, "\xe4\xb8\xad 1 1\n")
			      ? 0
			      : 1);
	}
	waitpid(pid, &status, 0);
	ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "XAPIAN_CJK_NGRAM: n-grams, as TermGenerator makes them");
	{
		/* Without it the same text is one word. */
		is_str(one_text("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97"),
		       "Z\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 1\n"
		       "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 1 1\n",
		       "without XAPIAN_CJK_NGRAM: a run of CJK is one word");
	}
}

static void test_errors(void)
{
	struct termgen *tg = termgen_new();
	xdb_doc_t *doc = xdb_doc_new();
	char prefix[200];

	is_int(termgen_index(tg, "text", 1, "", 1), EV_USAGE,
	       "indexing with no document is refused");
	termgen_start(tg, doc);
	memset(prefix, 'P', 117);
	prefix[117] = '\0';
	is_int(termgen_index(tg, "text", 1, prefix, 1), EV_USAGE,
	       "a prefix of 117 bytes is refused");
	is_str(termgen_errmsg(tg),
	       "term prefix too long (the limit is 116 bytes)",
	       "and says why");
	prefix[116] = '\0';
	is_int(termgen_index(tg, "text", 1, prefix, 1), EV_OK,
	       "one of 116 is not");
	is_int(termgen_finish(tg), EV_OK, "finished");
	termgen_free(tg);
	xdb_doc_free(doc);
}

/* Each thread looks up every listed word; the first look-up fills the
 * table, so several threads race to it. */
static void *count_stopwords(void *arg)
{
	size_t *found = arg;

	for (size_t i = 0; i < N_ENGLISH_STOPWORDS; i++)
		*found += stopword(english_stopwords[i],
				   strlen(english_stopwords[i])) != 0;
	return NULL;
}

/* stopword(): every listed word and nothing else, by its LEN bytes. */
static void test_stopwords(void)
{
	pthread_t t[4];
	size_t found[4] = {0}, all = 0, hashed = 0, started = 0;

	for (size_t i = 0; i < 4; i++)
		started += pthread_create(&t[i], NULL, count_stopwords,
					  &found[i]) == 0;
	is_int((long)started, 4L, "four threads started");
	for (size_t i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		all += found[i];
	}
	is_int((long)all, (long)(4 * N_ENGLISH_STOPWORDS),
	       "every one of %zu stopwords found, by four threads at once",
	       N_ENGLISH_STOPWORDS);
	for (size_t i = 0; i < N_ENGLISH_STOPWORDS; i++) {
		const char *w = english_stopwords[i];

		hashed += stopword_hashed(w, strlen(w),
					  text_hash(w, strlen(w))) != 0;
	}
	is_int((long)hashed, (long)N_ENGLISH_STOPWORDS,
	       "stopword_hashed() finds them by their text_hash()");
	ok(!stopword("not", 3) && !stopword("no", 2) && !stopword("too", 3) &&
		   !stopword("soon", 4) && !stopword("over", 4) &&
		   !stopword("trust", 5),
	   "words that carry meaning here are not stopwords");
	ok(stopword("thereby", 3) && stopword("ourselves", 9) &&
		   stopword("an", 2),
	   "a stopword is its LEN bytes, whatever follows them");
	ok(!stopword("the", 2) && !stopword("theirsx", 7) &&
		   !stopword("", 0) && !stopword("a\0b", 3) &&
		   !stopword("THE", 3),
	   "no prefix, extension, empty word, NUL or upper case matches");
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	const char *shared = getenv("EVIDENCE_SHARED");
	char dir[1100], base[1024];

	/* First: Xapian reads XAPIAN_CJK_NGRAM once per process, and a
	 * child forked after a TermGenerator ran would inherit the answer. */
	test_cjk_ngram();
	test_stopwords();
	test_by_hand();
	test_corners();
	test_errors();
	test_random();
	snprintf(dir, sizeof(dir), "%s/tests/fixtures", top ? top : ".");
	test_files(dir, "the test fixtures");
	snprintf(base, sizeof(base), "%s", shared ? shared
						  : top ? top : ".");
	if (!shared)
		strncat(base, "/../shared", sizeof(base) - strlen(base) - 1);
	snprintf(dir, sizeof(dir), "%s/samples", base);
	test_files(dir, "../shared/samples");
	snprintf(dir, sizeof(dir), "%s/seeds", base);
	test_files(dir, "../shared/seeds");
	return tap_done();
}
