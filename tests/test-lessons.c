/* test-lessons.c - unit tests of the taxonomy parser, the tagger, digests */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "defaults.h"
#include "lessons.h"
#include "lessons-form.h"
#include "tap.h"
#include "text.h"
#include "xdb.h"

/* A one-lesson taxonomy around CUES, with THRESHOLD. */
static struct lessons *one_lesson(const char *threshold, const char *cues)
{
	char text[2048], err[256];
	struct lessons *l = NULL;

	snprintf(text, sizeof(text), "[t]\nthreshold = %s\n%s\n", threshold,
		 cues);
	if (lessons_parse(text, strlen(text), "t.conf", &l, err, sizeof(err)))
		printf("# unexpected parse error: %s\n", err);
	return l;
}

/* ------------------------------------------------------------------ */
/* Malformed files: every error, with the line it names.               */

static const struct bad_case {
	const char *why;
	const char *text;
	const char *want; /* the whole message: "bad.conf:LINE: ..." */
} bad_cases[] = {
	{ "a cue before any section",
	  "# comment\nword 1 trust\n",
	  "bad.conf:2: cue outside a [lesson] section" },
	{ "a setting before any section",
	  "\n\nlabel = Focus\n",
	  "bad.conf:3: 'label' is outside a [lesson] section" },
	{ "a header without its ']'",
	  "[focus\n",
	  "bad.conf:1: a section header needs a closing ']'" },
	{ "a bare '['",
	  "[\n",
	  "bad.conf:1: a section header needs a closing ']'" },
	{ "an upper-case lesson name",
	  "[Focus]\n",
	  "bad.conf:1: lesson name 'Focus' must start with a lower-case "
	  "letter and hold only a-z, 0-9, '-' and '_'" },
	{ "an empty lesson name",
	  "[ ]\n",
	  "bad.conf:1: lesson name '' must start with a lower-case letter "
	  "and hold only a-z, 0-9, '-' and '_'" },
	{ "a lesson name with a space",
	  "[a b]\n",
	  "bad.conf:1: lesson name 'a b' must start with a lower-case "
	  "letter and hold only a-z, 0-9, '-' and '_'" },
	{ "a lesson defined twice",
	  "[a]\nthreshold = 1\nword 1 x\n[b]\nthreshold = 1\nword 1 y\n"
	  "[a]\n",
	  "bad.conf:7: lesson 'a' is defined twice (first at line 1)" },
	{ "no threshold: the error names the section's line",
	  "[a]\nthreshold = 1\nword 1 x\n\n[b]\nword 1 y\n",
	  "bad.conf:5: [b] has no threshold (add 'threshold = 2', say)" },
	{ "no threshold in the last section, found at the end",
	  "[a]\nword 1 x\n# end\n",
	  "bad.conf:1: [a] has no threshold (add 'threshold = 2', say)" },
	{ "only negative cues can never fire",
	  "[a]\nthreshold = 1\nword -1 x\n",
	  "bad.conf:1: [a] has no cue with a positive weight, so it could "
	  "never be found" },
	{ "a section with no cues at all",
	  "[a]\nthreshold = 1\n[b]\nthreshold = 1\nword 1 x\n",
	  "bad.conf:1: [a] has no cue with a positive weight, so it could "
	  "never be found" },
	{ "the threshold twice",
	  "[a]\nthreshold = 1\nthreshold = 2\n",
	  "bad.conf:3: threshold is set twice in [a]" },
	{ "a threshold that is not a number",
	  "[a]\nthreshold = two\n",
	  "bad.conf:2: threshold 'two' is not a number above 0" },
	{ "a threshold of zero",
	  "[a]\nthreshold = 0\n",
	  "bad.conf:2: threshold '0' is not a number above 0" },
	{ "a negative threshold",
	  "[a]\nthreshold = -1\n",
	  "bad.conf:2: threshold '-1' is not a number above 0" },
	{ "an empty threshold",
	  "[a]\nthreshold =\n",
	  "bad.conf:2: threshold '' is not a number above 0" },
	{ "an unknown setting",
	  "[a]\ncolour = red\n",
	  "bad.conf:2: unknown setting 'colour' (label, description or "
	  "threshold)" },
	{ "an empty label",
	  "[a]\nlabel =   \n",
	  "bad.conf:2: label is empty" },
	{ "an unknown cue kind",
	  "[a]\nthreshold = 1\nwords 1 x\n",
	  "bad.conf:3: unknown cue kind 'words' (word, phrase or near; "
	  "settings are written 'key = value')" },
	{ "a setting written without '='",
	  "[a]\nthreshold 1\n",
	  "bad.conf:2: unknown cue kind 'threshold' (word, phrase or near; "
	  "settings are written 'key = value')" },
	{ "a cue with no weight",
	  "[a]\nthreshold = 1\nphrase\n",
	  "bad.conf:3: phrase cue has no weight" },
	{ "a weight that is not a number",
	  "[a]\nthreshold = 1\nword heavy trust\n",
	  "bad.conf:3: weight 'heavy' is not a number other than 0" },
	{ "a weight of zero",
	  "[a]\nthreshold = 1\nword 0 trust\n",
	  "bad.conf:3: weight '0' is not a number other than 0" },
	{ "an infinite weight",
	  "[a]\nthreshold = 1\nword inf trust\n",
	  "bad.conf:3: weight 'inf' is not a number other than 0" },
	{ "a near cue without its window",
	  "[a]\nthreshold = 1\nnear 1 clear goals\n",
	  "bad.conf:3: near cue needs a window of 2 to 200 words after its "
	  "weight" },
	{ "a near window that is not whole",
	  "[a]\nthreshold = 1\nnear 1 2.5 clear goals\n",
	  "bad.conf:3: near cue needs a window of 2 to 200 words after its "
	  "weight" },
	{ "a near window of 1",
	  "[a]\nthreshold = 1\nnear 1 1 clear goals\n",
	  "bad.conf:3: near cue needs a window of 2 to 200 words after its "
	  "weight" },
	{ "a near window over 200",
	  "[a]\nthreshold = 1\nnear 1 201 clear goals\n",
	  "bad.conf:3: near cue needs a window of 2 to 200 words after its "
	  "weight" },
	{ "a cue with no words",
	  "[a]\nthreshold = 1\nword 1\n",
	  "bad.conf:3: word cue has no words" },
	{ "a near cue with no words",
	  "[a]\nthreshold = 1\nnear 1 5\n",
	  "bad.conf:3: near cue has no words" },
	{ "a hyphenated word in a word cue",
	  "[a]\nthreshold = 1\nword 1 long-term\n",
	  "bad.conf:3: 'long-term' is more than one word: use a phrase cue" },
	{ "a two-word alternative",
	  "[a]\nthreshold = 1\nphrase 1 too soon|long-term\n",
	  "bad.conf:3: 'long-term' is more than one word: an alternative "
	  "must be one word" },
	{ "a two-word exact word",
	  "[a]\nthreshold = 1\nphrase 1 too =long-term\n",
	  "bad.conf:3: '=long-term' is more than one word: '=' takes one "
	  "word" },
	{ "an empty alternative inside",
	  "[a]\nthreshold = 1\nphrase 1 too a||b\n",
	  "bad.conf:3: empty alternative in 'a||b'" },
	{ "an empty alternative first",
	  "[a]\nthreshold = 1\nphrase 1 too |a\n",
	  "bad.conf:3: empty alternative in '|a'" },
	{ "an empty alternative last",
	  "[a]\nthreshold = 1\nword 1 a|\n",
	  "bad.conf:3: empty alternative in 'a|'" },
	{ "an item of punctuation",
	  "[a]\nthreshold = 1\nphrase 1 too --\n",
	  "bad.conf:3: '--' has no letters or digits" },
	{ "a bare '='",
	  "[a]\nthreshold = 1\nword 1 =\n",
	  "bad.conf:3: '=' has no letters or digits" },
	{ "a one-word phrase",
	  "[a]\nthreshold = 1\nphrase 1 creep\n",
	  "bad.conf:3: a phrase cue needs at least two words (use a word cue "
	  "for one)" },
	{ "a one-word near cue",
	  "[a]\nthreshold = 1\nnear 1 5 creep\n",
	  "bad.conf:3: a near cue needs at least two words (use a word cue "
	  "for one)" },
	{ "a window smaller than the words it must hold",
	  "[a]\nthreshold = 1\nnear 1 2 clear measurable goals\n",
	  "bad.conf:3: window 2 cannot hold the 3 words of the near cue" },
	{ "the same word (by stem) in two places of a near cue",
	  "[a]\nthreshold = 1\nnear 1 5 trust goodwill|trusting\n",
	  "bad.conf:3: 'trust' (as stemmed) is in two places of the near "
	  "cue" },
	{ "a phrase of 17 words",
	  "[a]\nthreshold = 1\nphrase 1 a b c d e f g h i j k l m n o p q\n",
	  "bad.conf:3: a phrase cue may hold at most 16 words" },
	{ "one item of 17 words",
	  "[a]\nthreshold = 1\nphrase 1 x a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q\n",
	  "bad.conf:3: 'a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q' has too many "
	  "words" },
	{ "invalid UTF-8 names its line",
	  "[a]\nthreshold = 1\nword 1 caf\xc3\n",
	  "bad.conf:3: not valid UTF-8" },
	{ "an empty file",
	  "",
	  "bad.conf:1: no lessons: the file needs at least one [lesson] "
	  "section" },
	{ "only comments",
	  "# nothing\n\n   # here either\n",
	  "bad.conf:1: no lessons: the file needs at least one [lesson] "
	  "section" },
};

static void test_bad_files(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct lessons *l = NULL;
		char err[512] = "";
		ev_status rc;

		rc = lessons_parse(c->text, strlen(c->text), "bad.conf", &l,
				   err, sizeof(err));
		is_int(rc, EV_PARSE, "bad file: %s: EV_PARSE", c->why);
		ok(l == NULL, "bad file: %s: no taxonomy", c->why);
		is_str(err, c->want, "bad file: %s: message", c->why);
		lessons_free(l);
	}
}

/* A NUL byte is found wherever it is, with its line. */
static void test_nul_byte(void)
{
	static const char text[] = "[a]\nthreshold = 1\n\nword 1 x\0y\n";
	struct lessons *l = NULL;
	char err[256];

	is_int(lessons_parse(text, sizeof(text) - 1, "nul.conf", &l, err,
			     sizeof(err)),
	       EV_PARSE, "NUL byte: EV_PARSE");
	is_str(err, "nul.conf:4: NUL byte in the file", "NUL byte: line 4");
}

/* A message longer than the buffer is cut, never overrun. */
static void test_small_error_buffer(void)
{
	struct lessons *l = NULL;
	char err[12];

	memset(err, 'x', sizeof(err));
	is_int(lessons_parse("[A]\n", 4, "bad.conf", &l, err, sizeof(err)),
	       EV_PARSE, "tiny buffer: still EV_PARSE");
	is_str(err, "bad.conf:1:", "tiny buffer: cut at 11 bytes");
}

/* ------------------------------------------------------------------ */
/* Well-formed files.                                                  */

static void test_good_file(void)
{
	static const char text[] =
		"# A taxonomy with everything in it.\r\n"
		"[focus]\n"
		"label = Focus   \n"
		"description = Scope and remit #1 would be cut here\n"
		"threshold = 2.5\n"
		"  phrase 2.5 mission creep   # trailing comment\n"
		"word 1 =relations\n"
		"\n"
		"[pacing-2_x]\n"
		"threshold=1\n"
		"near 1 3 marathon sprint\n";
	struct lessons *l = NULL;
	char err[256] = "";

	is_int(lessons_parse(text, strlen(text), "good.conf", &l, err,
			     sizeof(err)),
	       EV_OK, "good file parses (%s)", err);
	if (!l)
		return;
	is_int(lessons_count(l), 2, "two lessons");
	is_str(lessons_name(l, 0), "focus", "first name");
	is_str(lessons_label(l, 0), "Focus", "label, trailing blanks cut");
	/* "#" after a blank starts a comment, in settings too. */
	is_str(lessons_description(l, 0), "Scope and remit",
	       "description up to the comment");
	is_str(lessons_name(l, 1), "pacing-2_x", "second name");
	is_str(lessons_label(l, 1), "pacing-2_x", "label defaults to name");
	is_str(lessons_description(l, 1), "", "description defaults to ''");
	is_int(lessons_find(l, "pacing-2_x"), 1, "find the second");
	is_int(lessons_find(l, "relationships"), -1, "find a missing one");
	ok(lessons_name(l, 2) == NULL, "name past the end is NULL");
	{
		char digest[65];

		lessons_digest(l, digest);
		is_int(strlen(digest), 64, "digest is 64 hex digits");
	}
	lessons_free(l);
}

/* The shipped taxonomy must always parse and hold the core lessons. */
static void test_default_taxonomy(void)
{
	static const char *const core[] = { "focus", "pacing",
					    "relationships" };
	struct lessons *l = NULL;
	char err[256] = "";

	is_int(lessons_parse(default_lessons_conf,
			     strlen(default_lessons_conf), "lessons.conf",
			     &l, err, sizeof(err)),
	       EV_OK, "shipped lessons.conf parses (%s)", err);
	if (!l)
		return;
	for (size_t i = 0; i < 3; i++)
		ok(lessons_find(l, core[i]) >= 0, "shipped taxonomy has %s",
		   core[i]);
	lessons_free(l);
}

static void test_load(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4000], path[4096], err[512] = "";
	static const char comment[] = "# a line of comment, to be long\n";
	struct lessons *l = NULL;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/test-lessons-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	is_int(lessons_load(path, &l, err, sizeof(err)), EV_NOT_FOUND,
	       "load: a missing file is EV_NOT_FOUND");
	ok(strstr(err, "none.conf: No such file") != NULL,
	   "load: message names the file (%s)", err);

	snprintf(path, sizeof(path), "%s/ok.conf", dir);
	f = fopen(path, "w");
	fputs("[a]\nthreshold = 1\nword 1 x\n", f);
	fclose(f);
	is_int(lessons_load(path, &l, err, sizeof(err)), EV_OK,
	       "load: a good file");
	lessons_free(l);
	l = NULL;

	/* The parse errors of a loaded file name its path. */
	f = fopen(path, "w");
	fputs("[a]\nthreshold = 1\nword x\n", f);
	fclose(f);
	is_int(lessons_load(path, &l, err, sizeof(err)), EV_PARSE,
	       "load: a bad file");
	ok(strstr(err, "ok.conf:3: weight 'x'") != NULL,
	   "load: message is PATH:LINE: (%s)", err);
	unlink(path);

	/* Anything past 4 MiB is not a taxonomy. */
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	f = fopen(path, "w");
	for (size_t n = 0; n <= (4u << 20); n += strlen(comment))
		fputs(comment, f);
	fclose(f);
	is_int(lessons_load(path, &l, err, sizeof(err)), EV_TOO_BIG,
	       "load: over 4 MiB is EV_TOO_BIG");
	ok(strstr(err, "larger than 4 MiB") != NULL, "load: says why (%s)",
	   err);
	unlink(path);
	rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* The matcher.                                                        */

static const struct tag_case {
	const char *why;
	const char *threshold;
	const char *cues;
	const char *text;
	double score; /* 0: the lesson must not be found */
} tag_cases[] = {
	/* Words are stemmed on both sides. */
	{ "word: same form", "1", "word 1 trust", "We trust them.", 1 },
	{ "word: a stemmed form", "1", "word 1 trust",
	  "Practices trusted one another.", 1 },
	{ "word: the cue stemmed too", "1", "word 1 trusting",
	  "A matter of trust.", 1 },
	{ "word: case does not matter", "1", "word 1 trust", "TRUST", 1 },
	{ "word: any of the words", "1", "word 1 goodwill reciprocity",
	  "Built on reciprocity.", 1 },
	{ "word: a different word", "1", "word 1 trust", "A trustee.", 0 },
	{ "word: another form of it", "1", "word 1 creep", "creeping", 1 },
	{ "word: apostrophe s", "1", "word 1 gp", "The GP's list.", 1 },
	{ "word: curly apostrophe s", "1", "word 1 gp",
	  "The GP\xe2\x80\x99s list.", 1 },
	/* Exact words are not stemmed. */
	{ "exact: the word itself", "1", "word 1 =relations",
	  "Good relations.", 1 },
	{ "exact: not a word of the same stem", "1", "word 1 =relations",
	  "Not related.", 0 },
	{ "exact: in a phrase", "1", "phrase 1 good =relations",
	  "good relations", 1 },
	{ "exact: phrase with the wrong form", "1", "phrase 1 good =relations",
	  "good relation", 0 },
	/* Phrases: consecutive words, in order. */
	{ "phrase: in a row", "1", "phrase 1 mission creep",
	  "the risk of mission creep", 1 },
	{ "phrase: across punctuation", "1", "phrase 1 mission creep",
	  "\xe2\x80\x9cmission-creep\xe2\x80\x9d", 1 },
	{ "phrase: reversed", "1", "phrase 1 mission creep",
	  "creep, mission", 0 },
	{ "phrase: a word between", "1", "phrase 1 mission creep",
	  "mission and creep", 0 },
	{ "phrase: at the very end", "1", "phrase 1 too soon",
	  "much too soon", 1 },
	{ "phrase: cut off by the end", "1", "phrase 1 too soon now",
	  "much too soon", 0 },
	{ "phrase: alternatives", "1", "phrase 1 too soon|quickly",
	  "too quickly", 1 },
	{ "phrase: a hyphenated item is two words", "1", "phrase 1 long-term",
	  "a long term view", 1 },
	{ "phrase: a repeated word", "1", "phrase 1 too much too soon",
	  "too much too soon", 1 },
	{ "phrase: a repeated word, half there", "1",
	  "phrase 1 too much too soon", "too much soon", 0 },
	/* Near: every word within WINDOW consecutive words, any order. */
	{ "near: adjacent", "1", "near 1 3 clear goals", "clear goals", 1 },
	{ "near: span 3 in window 3", "1", "near 1 3 clear goals",
	  "clear, agreed goals", 1 },
	{ "near: span 4 in window 3", "1", "near 1 3 clear goals",
	  "clear and agreed goals", 0 },
	{ "near: reversed order", "1", "near 1 3 clear goals",
	  "goals made clear", 1 },
	{ "near: a later pair is close enough", "1", "near 1 3 clear goals",
	  "clear as day, many words later the goals were clear", 1 },
	{ "near: three words", "1", "near 1 5 marathon not sprint",
	  "a marathon and not a sprint", 1 },
	{ "near: three words, one missing", "1",
	  "near 1 5 marathon not sprint",
	  "a marathon and a sprint", 0 },
	{ "near: alternatives", "1", "near 1 4 build|building trust",
	  "trust takes building", 1 },
	/* Weights add up; each cue counts once. */
	{ "weights add", "2", "word 1 trust\nword 1 goodwill",
	  "trust and goodwill", 2 },
	{ "a cue counts once", "2", "word 1 trust", "trust, trust, trust", 0 },
	{ "a cue counts once, score", "1", "word 1 trust",
	  "trust, trust, trust", 1 },
	{ "negative weight cancels", "2",
	  "word 2 trust\nphrase -2 nhs trust", "the NHS trust board", 0 },
	{ "negative weight not matched", "2",
	  "word 2 trust\nphrase -2 nhs trust", "trust between practices", 2 },
	{ "negative weight lowers below", "2",
	  "word 2 trust\nword 1 goodwill\nword -0.5 patients",
	  "patients, trust and goodwill", 2.5 },
	/* The threshold. */
	{ "threshold: exactly reached", "2", "word 1 a1\nword 1 b1",
	  "a1 b1", 2 },
	{ "threshold: just short", "2", "word 1 a1\nword 0.99 b1",
	  "a1 b1", 0 },
	{ "threshold: decimal sums reach it", "0.3",
	  "word 0.1 a1\nword 0.2 b1", "a1 b1", 0.3 },
	/* Nothing to find. */
	{ "empty text", "1", "word 1 trust", "", 0 },
	{ "no words at all", "1", "word 1 trust", "... -- !!", 0 },
	{ "numbers are words", "1", "phrase 1 5 year", "a 5-year plan", 1 },
};

static void test_tag_cases(void)
{
	struct wordlist wl = WORDLIST_INIT;
	struct lessons_cache *cache = NULL, *fresh;

	for (size_t i = 0; i < sizeof(tag_cases) / sizeof(*tag_cases); i++) {
		const struct tag_case *c = &tag_cases[i];
		struct lessons *l = one_lesson(c->threshold, c->cues);
		struct lesson_tags tags;
		ev_status rc;

		if (!l) {
			ok(0, "tag: %s: taxonomy parses", c->why);
			continue;
		}
		lesson_tags_init(&tags);
		rc = lessons_tag(l, c->text, 1.0, &tags);
		is_int(rc, EV_OK, "tag: %s: EV_OK", c->why);
		is_int(tags.n, c->score > 0, "tag: %s: %s", c->why,
		       c->score > 0 ? "found" : "not found");
		if (tags.n && c->score > 0)
			ok(fabs(tags.v[0].score - c->score) < 1e-9,
			   "tag: %s: score %g (got %g)", c->why, c->score,
			   tags.v[0].score);
		lesson_tags_release(&tags);
		/* The same from the text's words split beforehand, into a
		 * list that held the case before; with no cache, with a new
		 * one, with it again (every word remembered), and with the
		 * previous case's cache, which is not for this taxonomy. */
		if (!cache)
			cache = lessons_cache_new(l);
		fresh = lessons_cache_new(l);
		for (int k = 0; k < 4; k++) {
			struct lessons_cache *ck[] = { NULL, fresh, fresh,
						       cache };

			lesson_tags_init(&tags);
			rc = wordlist_fill(&wl, c->text);
			if (!rc)
				rc = lessons_tag_words(l, &wl, ck[k], 1.0,
						       &tags);
			is_int(rc, EV_OK, "tag words %d: %s: EV_OK", k, c->why);
			ok(tags.n == (c->score > 0) &&
			       (!tags.n ||
				fabs(tags.v[0].score - c->score) < 1e-9),
			   "tag words %d: %s: as the text", k, c->why);
			lesson_tags_release(&tags);
		}
		lessons_cache_free(cache);
		cache = fresh;
		lessons_free(l);
	}
	lessons_cache_free(cache);
	wordlist_release(&wl);
}

/* A cache fills and starts again: 20,000 distinct words, with cues among
 * the first and the last, tag as without one, twice over. */
static void test_cache_refills(void)
{
	struct lessons *l = one_lesson("2", "word 1 trusted\n"
					    "phrase 1 breathing space\n");
	struct lessons_cache *cache;
	struct wordlist wl = WORDLIST_INIT;
	struct buf b = BUF_INIT;
	struct lesson_tags plain, with;
	int same = 1;

	if (!l)
		return;
	cache = lessons_cache_new(l);
	ok(cache != NULL, "cache: made");
	buf_addstr(&b, "Trusting ");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "w%dq ", i);
	buf_addstr(&b, "a breathing space");
	wordlist_fill(&wl, buf_str(&b));
	lesson_tags_init(&plain);
	is_int(lessons_tag_words(l, &wl, NULL, 1.0, &plain), EV_OK,
	       "cache: 20,000 words without one");
	is_int((int)plain.n, 1, "cache: the lesson found");
	for (int k = 0; k < 2; k++) {
		lesson_tags_init(&with);
		same &= lessons_tag_words(l, &wl, cache, 1.0, &with) == EV_OK &&
			with.n == plain.n &&
			fabs(with.v[0].score - plain.v[0].score) < 1e-9;
		lesson_tags_release(&with);
	}
	ok(same, "cache: the same with one, twice");
	lesson_tags_release(&plain);
	lessons_cache_free(cache);
	wordlist_release(&wl);
	buf_release(&b);
	lessons_free(l);
}

/* The cues a tag reports: those that fired, as written (blanks
 * collapsed, comments cut), in file order, negative ones included. */
static void test_cues_reported(void)
{
	struct lessons *l = one_lesson("1",
				       "near  1   3 clear|clearer goals\n"
				       "word 0.5 never\n"
				       "phrase 2 mission creep # why\n"
				       "word -0.5 risk\n");
	struct lesson_tags tags;

	if (!l)
		return;
	lesson_tags_init(&tags);
	is_int(lessons_tag(l, "The risk of mission creep: clearer goals!",
			   1.0, &tags),
	       EV_OK, "cues: tagged");
	is_int(tags.n, 1, "cues: one lesson");
	if (tags.n == 1) {
		is_int(tags.v[0].cues.n, 3, "cues: three fired");
		is_str(tags.v[0].cues.v[0], "near 1 3 clear|clearer goals",
		       "cues: first in file order, blanks collapsed");
		is_str(tags.v[0].cues.v[1], "phrase 2 mission creep",
		       "cues: comment cut");
		is_str(tags.v[0].cues.v[2], "word -0.5 risk",
		       "cues: the negative one too");
		ok(fabs(tags.v[0].score - 2.5) < 1e-9, "cues: score 2.5");
	}
	lesson_tags_release(&tags);
	lessons_free(l);
}

/* Lessons come out in taxonomy order, each with its own cues. */
static void test_several_lessons(void)
{
	static const char text[] =
		"[b]\nthreshold = 1\nword 1 trust\n"
		"[a]\nthreshold = 1\nword 1 creep\n"
		"[c]\nthreshold = 1\nword 1 sprint\n";
	struct lessons *l = NULL;
	struct lesson_tags tags;
	char err[256];

	if (lessons_parse(text, strlen(text), "t", &l, err, sizeof(err))) {
		ok(0, "several: parses (%s)", err);
		return;
	}
	lesson_tags_init(&tags);
	lessons_tag(l, "creep of trust", 1.0, &tags);
	is_int(tags.n, 2, "several: two found");
	if (tags.n == 2) {
		is_str(lessons_name(l, tags.v[0].lesson), "b",
		       "several: file order first");
		is_str(lessons_name(l, tags.v[1].lesson), "a",
		       "several: file order second");
		is_str(tags.v[1].cues.v[0], "word 1 creep",
		       "several: each lesson has its own cues");
		is_int(tags.v[0].cues.n, 1, "several: one cue each");
	}
	lesson_tags_release(&tags);
	lessons_free(l);
}

/* Strength is 1 - 2^(-score/threshold); MIN_FRACTION lets weaker
 * lessons through. */
static void test_strength(void)
{
	static const struct {
		const char *text;
		double min_fraction;
		int found;
		double strength;
	} cases[] = {
		{ "a1 b1", 1.0, 1, 0.5 },	   /* score 2 = threshold */
		{ "a1 b1 c1 d1", 1.0, 1, 0.75 }, /* twice the threshold */
		{ "a1", 1.0, 0, 0 },		   /* half the threshold */
		{ "a1", 0.5, 1, 1 - 0.7071067811865476 },
		{ "a1", 0.6, 0, 0 },
		{ "zz", 0.0, 0, 0 },		   /* score 0 never */
	};
	struct lessons *l = one_lesson("2", "word 1 a1\nword 1 b1\n"
					    "word 1 c1\nword 1 d1");

	if (!l)
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct lesson_tags tags;

		lesson_tags_init(&tags);
		lessons_tag(l, cases[i].text, cases[i].min_fraction, &tags);
		is_int(tags.n, cases[i].found,
		       "strength: '%s' at fraction %g", cases[i].text,
		       cases[i].min_fraction);
		if (tags.n && cases[i].found)
			ok(fabs(tags.v[0].strength - cases[i].strength) <
				   1e-9,
			   "strength: '%s' is %.4f (got %.4f)", cases[i].text,
			   cases[i].strength, tags.v[0].strength);
		lesson_tags_release(&tags);
	}
	lessons_free(l);
}

/* A passage longer than the tagger's first buffer of words. */
static void test_long_passage(void)
{
	struct lessons *l = one_lesson("1", "phrase 1 breathing space");
	struct buf b = BUF_INIT;
	struct lesson_tags tags;

	if (!l)
		return;
	for (int i = 0; i < 3000; i++)
		buf_addstr(&b, "word ");
	buf_addstr(&b, "breathing space");
	lesson_tags_init(&tags);
	is_int(lessons_tag(l, buf_str(&b), 1.0, &tags), EV_OK,
	       "long passage: EV_OK");
	is_int(tags.n, 1, "long passage: phrase at word 3001 found");
	lesson_tags_release(&tags);
	buf_release(&b);
	lessons_free(l);
}

/*
 * A taxonomy larger than the tagger's state on the stack: 70 lessons
 * (over 64), 16 cues each (1120, over 1024) and a near cue of 4 words in
 * each (280 slots, over 256).  Lesson lK's cues are "word 1 wKx0", "near
 * 1 5 wKx1 wKx2 wKx3 wKx4" and 14 "word 0.1 wKxJ" (J = 5..18), threshold
 * 2; words with digits are their own stems.
 */
static void test_large_taxonomy(void)
{
	static const struct {
		const char *text;
		const char *want; /* the lessons found, with scores */
	} cases[] = {
		/* the first and the last lesson, each by a word and a
		 * near cue (score 2) */
		{ "w0x0 w0x4 w0x3 w0x2 w0x1 and w69x0 w69x1 w69x2 w69x3 "
		  "w69x4",
		  "l0:2 l69:2" },
		/* a word cue alone stays under the threshold */
		{ "w7x0", "" },
		/* the near cue spread over 6 words misses its window of 5,
		 * ten fillers (0.1 each) make up for it */
		{ "w65x0 w65x1 w65x2 w65x3 x x w65x4 w65x5 w65x6 w65x7 "
		  "w65x8 w65x9 w65x10 w65x11 w65x12 w65x13 w65x14",
		  "l65:2" },
	};
	struct buf conf = BUF_INIT;
	struct lessons *l = NULL;
	char err[256];

	for (int k = 0; k < 70; k++) {
		buf_printf(&conf, "[l%d]\nthreshold = 2\nword 1 w%dx0\n"
			   "near 1 5 w%dx1 w%dx2 w%dx3 w%dx4\n", k, k, k, k,
			   k, k);
		for (int j = 5; j <= 18; j++)
			buf_printf(&conf, "word 0.1 w%dx%d\n", k, j);
	}
	if (lessons_parse(buf_str(&conf), conf.len, "large", &l, err,
			  sizeof(err))) {
		ok(0, "large taxonomy parses (%s)", err);
		buf_release(&conf);
		return;
	}
	is_int(lessons_count(l), 70, "large taxonomy: 70 lessons");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct lesson_tags tags;
		struct buf got = BUF_INIT;

		lesson_tags_init(&tags);
		is_int(lessons_tag(l, cases[i].text, 1.0, &tags), EV_OK,
		       "large taxonomy: tag case %zu", i);
		for (size_t t = 0; t < tags.n; t++)
			buf_printf(&got, "%s%s:%g", t ? " " : "",
				   lessons_name(l, tags.v[t].lesson),
				   tags.v[t].score);
		is_str(buf_str(&got), cases[i].want,
		       "large taxonomy: '%.30s...'", cases[i].text);
		buf_release(&got);
		lesson_tags_release(&tags);
	}
	lessons_free(l);
	buf_release(&conf);
}

/* ------------------------------------------------------------------ */
/* The digest.                                                         */

static char *digest_of(const char *text)
{
	struct lessons *l = NULL;
	char err[256], digest[65], *d = NULL;

	if (lessons_parse(text, strlen(text), "d", &l, err, sizeof(err)) ==
	    EV_OK) {
		lessons_digest(l, digest);
		d = strdup(digest);
	} else {
		printf("# digest: parse error: %s\n", err);
	}
	lessons_free(l);
	return d;
}

static const struct digest_case {
	const char *why;
	const char *text;
	int same; /* 1: the same digest as the base */
} digest_cases[] = {
	{ "comments, blank lines and spacing do not count",
	  "# A comment\n\n[a]   \n  label = A\nthreshold = 2  # two\n\n"
	  "word   1   trust     goodwill   # words\n"
	  "phrase 2 mission  creep\n",
	  1 },
	{ "a label and description do not count",
	  "[a]\nlabel = Another\ndescription = words\nthreshold = 2\n"
	  "word 1 trust goodwill\nphrase 2 mission creep\n",
	  1 },
	{ "the same threshold written differently",
	  "[a]\nthreshold = 2.0\nword 1 trust goodwill\n"
	  "phrase 2 mission creep\n",
	  1 },
	{ "a weight changes it",
	  "[a]\nthreshold = 2\nword 1.5 trust goodwill\n"
	  "phrase 2 mission creep\n",
	  0 },
	{ "a threshold changes it",
	  "[a]\nthreshold = 3\nword 1 trust goodwill\n"
	  "phrase 2 mission creep\n",
	  0 },
	{ "a word changes it",
	  "[a]\nthreshold = 2\nword 1 trust\nphrase 2 mission creep\n", 0 },
	{ "the order of cues changes it",
	  "[a]\nthreshold = 2\nphrase 2 mission creep\n"
	  "word 1 trust goodwill\n",
	  0 },
	{ "the lesson's name changes it",
	  "[b]\nthreshold = 2\nword 1 trust goodwill\n"
	  "phrase 2 mission creep\n",
	  0 },
	{ "a cue's kind changes it",
	  "[a]\nthreshold = 2\nword 1 trust goodwill\n"
	  "near 2 2 mission creep\n",
	  0 },
};

static void test_digest(void)
{
	char *base = digest_of("[a]\nthreshold = 2\nword 1 trust goodwill\n"
			       "phrase 2 mission creep\n");

	ok(base != NULL, "digest: base parses");
	for (size_t i = 0; base && i < sizeof(digest_cases) /
					       sizeof(*digest_cases); i++) {
		char *d = digest_of(digest_cases[i].text);

		ok(d && (strcmp(d, base) == 0) == digest_cases[i].same,
		   "digest: %s", digest_cases[i].why);
		free(d);
	}
	free(base);
}

/* ------------------------------------------------------------------ */
/* Stem memos                                                          */

/* How many lessons CONF, parsed with MEMO, finds in TEXT. */
static size_t tags_with(const char *conf, const struct lessons_memo *memo,
			const char *text)
{
	struct lessons *l = NULL;
	struct lesson_tags tags;
	char err[256];
	size_t n = (size_t)-1;

	if (lessons_parse_memo(conf, strlen(conf), "m.conf", memo, &l, err,
			       sizeof(err))) {
		printf("# unexpected parse error: %s\n", err);
		return n;
	}
	lesson_tags_init(&tags);
	if (lessons_tag(l, text, 1.0, &tags) == EV_OK)
		n = tags.n;
	lesson_tags_release(&tags);
	lessons_free(l);
	return n;
}

/* The same with the stem memo STEMS. */
static size_t tags_with_memo(const char *conf, const char *stems,
			     const char *text)
{
	return tags_with(conf, &(struct lessons_memo){.stems = stems}, text);
}

static void test_stem_memo(void)
{
	const char *conf = "[t]\nthreshold = 2\nword 2 trusted\n";
	struct lessons *l = NULL, *m = NULL;
	struct buf memo = BUF_INIT, forged = BUF_INIT;
	char err[256], header[128], d1[65], d2[65];
	xdb_stem_t *stem = xdb_stem_new("english", NULL);
	size_t lines = 0, right = 0, ordered = 1;
	const char *prev = NULL;

	/* The shipped taxonomy's memo: a header naming this Xapian, then
	 * each word once, in byte order, with the stem the stemmer gives
	 * it (checked against a stemmer of our own). */
	is_int(lessons_parse(default_lessons_conf,
			     strlen(default_lessons_conf), "default", &l, err,
			     sizeof(err)),
	       EV_OK, "memo: the shipped taxonomy parses");
	is_int(l ? lessons_stems(l, &memo) : EV_USAGE, EV_OK,
	       "memo: written");
	snprintf(header, sizeof(header), "stems of xapian %s english\n",
		 xdb_version());
	ok(strncmp(buf_str(&memo), header, strlen(header)) == 0,
	   "memo: names the Xapian that made it");
	for (char *line = strchr(buf_str(&memo), '\n') + 1, *end;
	     (end = strchr(line, '\n')); line = end + 1) {
		char *tab = memchr(line, '\t', (size_t)(end - line));
		char got[300];

		*end = '\0';
		lines++;
		if (prev && strcmp(prev, line) >= 0)
			ordered = 0;
		prev = line;
		if (!tab)
			continue;
		*tab = '\0';
		xdb_stem_word(stem, line, strlen(line), got, sizeof(got));
		right += strcmp(got, tab + 1) == 0;
		*tab = '\t';
	}
	ok(lines > 1000 && right == lines,
	   "memo: %zu words, %zu with the stemmer's stem", lines, right);
	ok(ordered, "memo: each word once, in byte order");

	/* Read again with it: the same taxonomy. */
	buf_reset(&memo);
	lessons_stems(l, &memo);
	is_int(lessons_parse_memo(default_lessons_conf,
				  strlen(default_lessons_conf), "default",
				  &(struct lessons_memo){.stems =
							     buf_str(&memo)},
				  &m, err, sizeof(err)),
	       EV_OK, "memo: the taxonomy parses with it");
	if (l && m) {
		lessons_digest(l, d1);
		lessons_digest(m, d2);
		is_str(d2, d1, "memo: the same taxonomy (digest)");
	}

	/* It is used: a forged stem stops the cue from firing. */
	ok(tags_with_memo(conf, NULL, "They trusted us.") == 1,
	   "memo: without one, 'trusted' fires");
	buf_printf(&forged, "%strusted\tzzz\n", header);
	ok(tags_with_memo(conf, buf_str(&forged), "They trusted us.") == 0,
	   "memo: its stem is taken instead of the stemmer's");
	/* Not used: another Xapian's, or one out of order. */
	buf_reset(&forged);
	buf_printf(&forged, "stems of xapian 0.0.1 english\ntrusted\tzzz\n");
	ok(tags_with_memo(conf, buf_str(&forged), "They trusted us.") == 1,
	   "memo: another Xapian's is not used");
	buf_reset(&forged);
	buf_printf(&forged, "%strusted\tzzz\nalpha\talpha\n", header);
	ok(tags_with_memo(conf, buf_str(&forged), "They trusted us.") == 1,
	   "memo: one out of order is not used at all");
	buf_reset(&forged);
	buf_printf(&forged, "%strusted zzz\n", header);
	ok(tags_with_memo(conf, buf_str(&forged), "They trusted us.") == 1,
	   "memo: a line without a tab: none of it is used");

	buf_release(&forged);
	buf_release(&memo);
	xdb_stem_free(stem);
	lessons_free(m);
	lessons_free(l);
}

/* The stems a memo's load_stems hands over (a copy of ARG), counted. */
static int stems_loaded;

static char *load_stems(void *arg)
{
	stems_loaded++;
	return arg ? strdup(arg) : NULL;
}

/* The stems are loaded only for a parse, which a compiled form that fits
 * spares, and then used as if given. */
static void test_stems_on_demand(void)
{
	const char *conf = "[t]\nthreshold = 2\nword 2 trusted\n";
	const char *text = "They trusted us.";
	struct lessons *l = NULL;
	struct buf form = BUF_INIT, forged = BUF_INIT;
	char err[256];

	buf_printf(&forged, "stems of xapian %s english\ntrusted\tzzz\n",
		   xdb_version());
	lessons_parse(conf, strlen(conf), "d.conf", &l, err, sizeof(err));
	is_int(l ? lessons_compile(l, &form) : EV_USAGE, EV_OK,
	       "on demand: a compiled form");

	/* A form that fits: the forged stem would stop the cue. */
	stems_loaded = 0;
	ok(tags_with(conf,
		     &(struct lessons_memo){.compiled = form.ptr,
					    .compiled_len = form.len,
					    .load_stems = load_stems,
					    .arg = forged.ptr},
		     text) == 1,
	   "on demand: read with a form that fits, the cue fires");
	is_int(stems_loaded, 0, "on demand: the stems are not loaded");

	/* No form that fits: loaded once, and taken. */
	stems_loaded = 0;
	ok(tags_with(conf,
		     &(struct lessons_memo){.compiled = form.ptr,
					    .compiled_len = form.len / 2,
					    .load_stems = load_stems,
					    .arg = forged.ptr},
		     text) == 0,
	   "on demand: with a damaged form, the loaded stem stops the cue");
	is_int(stems_loaded, 1, "on demand: the stems are loaded once");

	/* A load that finds none leaves the stemmer's. */
	ok(tags_with(conf,
		     &(struct lessons_memo){.load_stems = load_stems},
		     text) == 1,
	   "on demand: a load that finds none: the stemmer's stems");

	lessons_free(l);
	buf_release(&forged);
	buf_release(&form);
}

/* ------------------------------------------------------------------ */
/* The compiled form                                                   */

/* What L finds in TEXT, on one line: "lesson score strength cues;"... */
static void tags_line(const struct lessons *l, const char *text,
		      struct buf *out)
{
	struct lesson_tags tags;

	buf_reset(out);
	lesson_tags_init(&tags);
	if (lessons_tag(l, text, 1.0, &tags) != EV_OK)
		buf_addstr(out, "error");
	for (size_t i = 0; i < tags.n; i++) {
		buf_printf(out, "%s %.17g %.17g",
			   lessons_name(l, tags.v[i].lesson), tags.v[i].score,
			   tags.v[i].strength);
		for (size_t k = 0; k < tags.v[i].cues.n; k++)
			buf_printf(out, " %s", tags.v[i].cues.v[k]);
		buf_addch(out, ';');
	}
	lesson_tags_release(&tags);
}

/* TEXT read with the compiled FORM as its memo, or NULL (with a note). */
static struct lessons *with_form(const char *text, const char *form,
				 size_t len, ev_status *rcp)
{
	struct lessons_memo memo = {.compiled = form, .compiled_len = len};
	struct lessons *l = NULL;
	char err[256];

	*rcp = lessons_parse_memo(text, strlen(text), "c.conf", &memo, &l, err,
				  sizeof(err));
	if (*rcp)
		printf("# parse error: %s\n", err);
	return l;
}

/* Do A and B say the same about every lesson and about TEXTS, and do
 * they compile to the same form?  (A taxonomy read from a form has no
 * stem memo to compare.) */
static int same_taxonomy(const struct lessons *a, const struct lessons *b,
			 const char *const *texts, size_t ntexts)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	char da[65], db[65];
	int same = lessons_count(a) == lessons_count(b);

	lessons_digest(a, da);
	lessons_digest(b, db);
	same = same && strcmp(da, db) == 0;
	for (size_t i = 0; same && i < lessons_count(a); i++)
		same = !strcmp(lessons_name(a, i), lessons_name(b, i)) &&
		       !strcmp(lessons_label(a, i), lessons_label(b, i)) &&
		       !strcmp(lessons_description(a, i),
			       lessons_description(b, i));
	same = same && lessons_compile(a, &x) == EV_OK &&
	       lessons_compile(b, &y) == EV_OK && x.len == y.len &&
	       memcmp(x.ptr, y.ptr, x.len) == 0;
	buf_reset(&x);
	buf_reset(&y);
	for (size_t i = 0; same && i < ntexts; i++) {
		tags_line(a, texts[i], &x);
		tags_line(b, texts[i], &y);
		if (strcmp(buf_str(&x), buf_str(&y)) != 0) {
			printf("# on '%s':\n#  %s\n#  %s\n", texts[i],
			       buf_str(&x), buf_str(&y));
			same = 0;
		}
	}
	buf_release(&x);
	buf_release(&y);
	return same;
}

static void test_compiled(void)
{
	const char *small = "[t]\nlabel = Trust\nthreshold = 2\n"
			    "word 2 trusted\nphrase 1 long term\n"
			    "near 1 5 plan =NHS\n";
	/* The same length, another word: only its own parse tags
	 * "planned". */
	const char *other = "[t]\nlabel = Trust\nthreshold = 2\n"
			    "word 2 planned\nphrase 1 long term\n"
			    "near 1 5 plan =NHS\n";
	const char *texts[sizeof(tag_cases) / sizeof(*tag_cases) + 4];
	struct buf form = BUF_INIT, small_form = BUF_INIT, line = BUF_INIT;
	struct lessons *l = NULL, *m = NULL, *s = NULL, *t;
	size_t ntexts = 0, same = 0, cases = 0, kept = 0, parsed = 0;
	char err[256];
	int renamed;
	ev_status rc;

	for (size_t i = 0; i < sizeof(tag_cases) / sizeof(*tag_cases); i++)
		texts[ntexts++] = tag_cases[i].text;
	texts[ntexts++] = "Trust takes years: a marathon, not a sprint, and "
			  "mission creep pulled the network from its focused, "
			  "measurable goals.";
	texts[ntexts++] = "The federation under-promised and over-delivered; "
			  "goodwill and reciprocity between practices grew.";

	/* The shipped taxonomy, read back from its form: the same in all
	 * that can be asked of it. */
	is_int(lessons_parse(default_lessons_conf,
			     strlen(default_lessons_conf), "default", &l, err,
			     sizeof(err)),
	       EV_OK, "compiled: the shipped taxonomy parses");
	is_int(l ? lessons_compile(l, &form) : EV_USAGE, EV_OK,
	       "compiled: and compiles");
	m = with_form(default_lessons_conf, form.ptr, form.len, &rc);
	is_int(rc, EV_OK, "compiled: read back");
	ok(l && m && same_taxonomy(l, m, texts, ntexts),
	   "compiled: the same lessons, digest, tags and form");
	is_int(m ? lessons_stems(m, &line) : EV_OK, EV_USAGE,
	       "compiled: read back, it has no stem memo to give");
	ok(form.len && !memmem(form.ptr, form.len, default_lessons_conf,
			       strlen(default_lessons_conf)),
	   "compiled: the form does not hold the text (%zu bytes for %zu)",
	   form.len, strlen(default_lessons_conf));
	lessons_free(m);

	/* Every one-lesson case of the matcher, through its form. */
	for (size_t i = 0; i < sizeof(tag_cases) / sizeof(*tag_cases); i++) {
		struct lessons *a = one_lesson(tag_cases[i].threshold,
					       tag_cases[i].cues), *b;
		char text[2048];
		struct buf f = BUF_INIT;

		if (!a)
			continue;
		cases++;
		snprintf(text, sizeof(text), "[t]\nthreshold = %s\n%s\n",
			 tag_cases[i].threshold, tag_cases[i].cues);
		lessons_compile(a, &f);
		b = with_form(text, f.ptr, f.len, &rc);
		same += b && same_taxonomy(a, b, &tag_cases[i].text, 1);
		lessons_free(b);
		lessons_free(a);
		buf_release(&f);
	}
	ok(cases == sizeof(tag_cases) / sizeof(*tag_cases) && same == cases,
	   "compiled: %zu of %zu matcher cases the same through the form",
	   same, cases);

	/* The form is taken, not parsed again: make SMALL's form name
	 * OTHER's text, and "trusted" is what fires. */
	if (lessons_parse(small, strlen(small), "s", &s, err, sizeof(err)) ||
	    lessons_compile(s, &small_form))
		printf("# small: %s\n", err);
	renamed = form_rename(small_form.ptr, small_form.len, small, other);
	ok(renamed, "compiled: the form names its text by its hash");
	t = with_form(other, small_form.ptr, small_form.len, &rc);
	tags_line(t, "They trusted us; it was planned.", &line);
	ok(t && strncmp(buf_str(&line), "t 2 ", 4) == 0 &&
	   strstr(buf_str(&line), "word 2 trusted"),
	   "compiled: a form for the text is taken as it is: %s",
	   buf_str(&line));
	lessons_free(t);
	/* Not taken: for another text, or made by another build. */
	t = with_form(small, small_form.ptr, small_form.len, &rc);
	ok(t && same_taxonomy(s, t, texts, ntexts),
	   "compiled: a form for another text is not used");
	lessons_free(t);
	small_form.ptr[10] ^= 1;
	t = with_form(other, small_form.ptr, small_form.len, &rc);
	tags_line(t, "They trusted us; it was planned.", &line);
	ok(t && strstr(buf_str(&line), "word 2 planned"),
	   "compiled: one with another header is not used: %s",
	   buf_str(&line));
	lessons_free(t);
	small_form.ptr[10] ^= 1;
	if (renamed)
		form_rename(small_form.ptr, small_form.len, other, small);

	/* Damage: every truncation is refused (the parse's taxonomy comes
	 * back), and no changed byte crashes the reader or fails the read. */
	for (size_t n = 0; n < small_form.len; n++) {
		t = with_form(small, small_form.ptr, n, &rc);
		kept += t && same_taxonomy(s, t, texts, 2);
		lessons_free(t);
	}
	ok(kept == small_form.len, "compiled: %zu of %zu truncations refused",
	   kept, small_form.len);
	for (size_t n = 0; n < form.len; n += 97) {
		t = with_form(default_lessons_conf, form.ptr, n, &rc);
		parsed += t && same_taxonomy(l, t, NULL, 0);
		lessons_free(t);
	}
	ok(parsed == (form.len + 96) / 97,
	   "compiled: the shipped one cut short: parsed instead (%zu)",
	   parsed);
	kept = 0;
	for (size_t i = 0; i < small_form.len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			small_form.ptr[i] ^= (char)(1 << bit);
			t = with_form(small, small_form.ptr, small_form.len,
				      &rc);
			if (t) {
				tags_line(t, texts[ntexts - 2], &line);
				kept++;
			}
			lessons_free(t);
			small_form.ptr[i] ^= (char)(1 << bit);
		}
	}
	ok(kept == 3 * small_form.len,
	   "compiled: %zu forms with a changed byte, every one read",
	   3 * small_form.len);

	buf_release(&line);
	buf_release(&small_form);
	buf_release(&form);
	lessons_free(s);
	lessons_free(l);
}

int main(void)
{
	test_bad_files();
	test_nul_byte();
	test_small_error_buffer();
	test_good_file();
	test_default_taxonomy();
	test_load();
	test_tag_cases();
	test_cache_refills();
	test_cues_reported();
	test_several_lessons();
	test_strength();
	test_long_passage();
	test_large_taxonomy();
	test_digest();
	test_stem_memo();
	test_stems_on_demand();
	test_compiled();
	return tap_done();
}
