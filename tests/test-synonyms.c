/* test-synonyms.c - unit tests of synonym groups and the synonym scan */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"
#include "synonyms.h"
#include "tap.h"
#include "text.h"

/* Group canonicals: pcn, gp, carehome, primary ("primary" is also the
 * first word of two members of the first group). */
static const char conf[] =
	"# comment\n"
	"pcn = pcns = primary care network = primary care networks\n"
	"gp = gps = general practice = general practitioner = "
	"general practitioners\n"
	"\n"
	"carehome = care home = nursing home\n"
	"primary = first\n";

/* The canonicals, comma-separated, in the order of the calls. */
static ev_status record_canonical(const char *canonical, void *ctx)
{
	struct buf *b = ctx;

	return buf_printf(b, "%s%s", b->len ? "," : "", canonical);
}

static const struct {
	const char *text, *want;
} scan_cases[] = {
	/* "networks" is its own member: the three-word one with
	 * "network" does not match; "primary" names itself, not added */
	{ "Primary Care Networks and GPs", "pcn,gp" },
	/* a one-word member, then the same group twice */
	{ "first, the care home; then a nursing home",
	  "primary,carehome,carehome" },
	/* the apostrophe at the end goes, so the member matches */
	{ "general practitioners' views", "gp" },
	/* a member cut off by the end of the text */
	{ "primary care", "" },
	/* a canonical word alone adds nothing */
	{ "pcn", "" },
	{ "pcns", "pcn" },
	{ "", "" },
	/* words that start no member, and members in capitals and
	 * split by punctuation */
	{ "the NURSING-home of a General Practice", "carehome,gp" },
};

static void test_scan_cases(const struct synonyms *syn)
{
	struct wordlist wl = WORDLIST_INIT;

	for (size_t i = 0; i < sizeof(scan_cases) / sizeof(*scan_cases);
	     i++) {
		struct buf got = BUF_INIT;

		is_int(synonyms_scan(syn, scan_cases[i].text,
				     record_canonical, &got),
		       EV_OK, "scan '%s'", scan_cases[i].text);
		is_str(buf_str(&got), scan_cases[i].want, "found in '%s'",
		       scan_cases[i].text);
		/* The same from its words split beforehand, into a list
		 * that held the case before. */
		buf_reset(&got);
		is_int(wordlist_fill(&wl, scan_cases[i].text), EV_OK,
		       "split '%s'", scan_cases[i].text);
		is_int(synonyms_scan_words(syn, &wl, record_canonical, &got),
		       EV_OK, "scan its words");
		is_str(buf_str(&got), scan_cases[i].want,
		       "found in its words");
		buf_release(&got);
	}
	wordlist_release(&wl);
}

/* A text of over a thousand words, with a member across word 512 and
 * one at the end. */
static void test_long_text(const struct synonyms *syn)
{
	struct buf text = BUF_INIT, got = BUF_INIT;

	for (int i = 0; i < 510; i++)
		buf_addstr(&text, "fillerword ");
	buf_addstr(&text, "primary care network ");
	for (int i = 0; i < 600; i++)
		buf_addstr(&text, "x ");
	buf_addstr(&text, "nursing home");
	is_int(synonyms_scan(syn, buf_str(&text), record_canonical, &got),
	       EV_OK, "long text: EV_OK");
	is_str(buf_str(&got), "pcn,carehome",
	       "long text: a member across word 512, one at the end");
	buf_release(&text);
	buf_release(&got);
}

static ev_status stop_at_second(const char *canonical, void *ctx)
{
	int *calls = ctx;

	(void)canonical;
	return ++*calls == 2 ? EV_USAGE : EV_OK;
}

static void test_callback_error(const struct synonyms *syn)
{
	int calls = 0;

	is_int(synonyms_scan(syn, "gps gps gps", stop_at_second, &calls),
	       EV_USAGE, "the callback's error is returned");
	is_int(calls, 2, "and stops the scan");
	is_int(synonyms_scan(NULL, "gps", stop_at_second, &calls), EV_OK,
	       "no synonyms: nothing to do");
}

int main(void)
{
	struct synonyms *syn = NULL;
	char err[256] = "";

	ok(synonyms_parse(conf, strlen(conf), "t.conf", &syn, err,
			  sizeof(err)) == EV_OK,
	   "parse (%s)", err);
	if (syn) {
		test_scan_cases(syn);
		test_long_text(syn);
		test_callback_error(syn);
	}
	synonyms_free(syn);
	return tap_done();
}
