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
	grep -q "^3 of 3 works shown" out
'
test_expect_code 65 'a search with words reads it (and fails on a broken one)' '
	EVIDENCE_LESSONS=$TRASH/broken.conf evidence search --type other trust
'
test_expect_code 65 '--lesson alone reads it, to check the name' '
	EVIDENCE_LESSONS=$TRASH/broken.conf evidence search --lesson focus
'
test_expect_exit 2 'an unknown --lesson is still a usage error' \
	'evidence search --lesson nosuch 2>err' \
	'grep -q "unknown lesson .nosuch." err'
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
# The lessons a query names add their works to what its words gather,
# inside the query's filters and exclusions (a field such as type:, NOT,
# -word); words that require (AND, +word) keep to that, and the lessons
# only weigh.  The focus note holds "network" and "priorities", not
# "remit", and is of type other.
test_expect_success 'a query that requires a word does not get the lesson works without it' '
	{ EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"remit AND network" >res.json; test $? = 1; } &&
	! grep -q "focus-note.txt" res.json &&
	{ EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"+remit +network" >res.json; test $? = 1; } &&
	! grep -q "focus-note.txt" res.json
'
test_expect_success 'NOT keeps out the works of a lesson the query names' '
	EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"remit NOT zzzq" >res.json &&
	grep -q "focus-note.txt" res.json &&
	{ EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"remit NOT network" >res.json; test $? -le 1; } &&
	! grep -q "focus-note.txt" res.json
'
test_expect_success 'a field in the query filters the lesson works too' '
	{ EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"type:study remit" >res.json; test $? = 1; } &&
	! grep -q "focus-note.txt" res.json &&
	EVIDENCE_LESSONS=$TRASH/remit.conf evidence search --format json \
		"type:other remit" >res.json &&
	grep -q "focus-note.txt" res.json
'
# The index keeps the taxonomy it was built with, parsed, and a search
# given the same text takes it from there (test-lessons and test-index
# show that it is taken).  An edit of the collection's file, even one
# that leaves the digest alone, must take effect at once.
test_expect_success 'before the edit: the shipped label' '
	evidence search trust >/dev/null &&
	evidence lessons --format json >before.json &&
	grep -q "\"label\": *\"Focus\"" before.json
'
test_expect_success 'an edited lessons.conf is read, not the parsed copy' '
	sed -e "s/^label = Focus\$/label = Focus, edited/" \
		-e "s/^description = Scope, remit/description = Edited: remit/" \
		"$EVIDENCE_DIR/lessons.conf" >edited.conf &&
	! cmp -s edited.conf "$EVIDENCE_DIR/lessons.conf" &&
	cp edited.conf "$EVIDENCE_DIR/lessons.conf" &&
	evidence lessons --format json >after.json &&
	grep -q "\"label\": *\"Focus, edited\"" after.json &&
	evidence lessons | grep -q "^focus .*Edited: remit"
'
test_expect_success 'and so is a new cue, before any index' '
	! grep -qi zzqv "$FIXTURES/text/focus-note.txt" &&
	{ evidence search zzqv; test $? = 1; } &&
	printf "[focus]\nlabel = Focus\nthreshold = 2\nword 2 zzqv\n" \
		>"$EVIDENCE_DIR/lessons.conf" &&
	evidence search --format json zzqv >res.json &&
	grep -q "focus-note.txt" res.json
'
# The form names its text by the text's length and a hash: an edit that
# keeps the length is seen too.
test_expect_success 'an edit that keeps the length of the file is read' '
	evidence index >/dev/null &&
	evidence lessons --format json | grep -q "\"label\": *\"Focus\"" &&
	sed "s/^label = Focus\$/label = Fokus/" "$EVIDENCE_DIR/lessons.conf" \
		>same-length.conf &&
	test "$(wc -c <same-length.conf)" = \
		"$(wc -c <"$EVIDENCE_DIR/lessons.conf")" &&
	! cmp -s same-length.conf "$EVIDENCE_DIR/lessons.conf" &&
	cp same-length.conf "$EVIDENCE_DIR/lessons.conf" &&
	evidence lessons --format json | grep -q "\"label\": *\"Fokus\""
'
# A search opens the index once for the taxonomy and the search; a
# taxonomy that does not parse is still told before a missing index.
test_expect_code 65 'a broken taxonomy is told before a missing index' '
	EVIDENCE_DIR=$TRASH/empty evidence init >/dev/null &&
	EVIDENCE_DIR=$TRASH/empty EVIDENCE_LESSONS=$TRASH/broken.conf \
		evidence search trust 2>err; code=$?;
	grep -q "broken.conf:1:" err && ! grep -q "no index" err && exit $code
'
test_expect_exit 1 'and with a good one, the missing index' \
	'EVIDENCE_DIR=$TRASH/empty evidence search trust 2>err' \
	'grep -q "no index at .*: run .evidence index." err'
test_done
