#!/bin/sh
# t4010-search-taxonomy.sh - search reads the taxonomy only when it needs it
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# The taxonomy serves to see which lessons the query's words name and to
# check --lesson; a search on filters alone does not read it.  A broken
# taxonomy shows whether it was read.
evidence init >/dev/null &&
	evidence add "$FIXTURES/text" >/dev/null || exit 1
printf '[focus\n' >broken.conf

test_expect_success 'a search on filters alone does not read the taxonomy' '
	EVIDENCE_LESSONS=$TRASH/broken.conf evidence search --type other >out &&
	grep -q "^3 of about 3 works shown" out
'
test_expect_code 65 'a search with words reads it (and fails on a broken one)' '
	EVIDENCE_LESSONS=$TRASH/broken.conf evidence search --type other trust
'
test_expect_code 65 '--lesson alone reads it, to check the name' '
	EVIDENCE_LESSONS=$TRASH/broken.conf evidence search --lesson focus
'
test_expect_code 2 'an unknown --lesson is still a usage error' '
	evidence search --lesson nosuch 2>err; code=$?;
	grep -q "unknown lesson .nosuch." err; exit $code
'
# "remit" is not in focus-note.txt: only a taxonomy in which the word
# names focus finds it (the index tags the note with focus).
printf '[focus]\nlabel = Focus\nthreshold = 2\nword 2 remit\n' >remit.conf
printf '[focus]\nlabel = Focus\nthreshold = 2\nword 2 zzzq\n' >other.conf
test_expect_success 'the words still name lessons through the taxonomy' '
	! grep -qi remit "$FIXTURES/text/focus-note.txt" &&
	EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json remit \
		>res.json &&
	grep -q "focus-note.txt" res.json &&
	{ EVIDENCE_LESSONS=$TRASH/other.conf evidence search remit; test $? = 1; }
'
test_done
