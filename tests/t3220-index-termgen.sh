#!/bin/sh
# t3220-index-termgen.sh - the indexer's own term generator
# (indexer/termgen.c) gives an index exactly the terms, wdfs and positions
# Xapian's TermGenerator gives it.  With XAPIAN_CJK_NGRAM set, every text
# goes to TermGenerator (which then splits CJK text into n-grams); the
# texts here have no CJK, so the two indexes must be the same, byte for
# byte, positions included (index-dump -p).
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

DUMP="$top_builddir/tests/index-dump"

evidence init >/dev/null
evidence harvest >/dev/null 2>&1
evidence add --no-index "$FIXTURES/parse" "$FIXTURES/text" >/dev/null 2>&1
if [ -d "$SAMPLES" ]; then
	evidence add --no-index "$SAMPLES" >/dev/null 2>&1
	say "with ../shared/samples"
else
	say "../shared/samples is absent: the bundled corpus and fixtures only"
fi

test_expect_success 'the collection has works with passages to index' '
	evidence index --rebuild >out &&
	n=$(sed -n "s/^\([0-9]*\) works: .*/\1/p" out) &&
	test "$n" -ge 30 &&
	"$DUMP" -p "$EVIDENCE_DIR/index" >ours &&
	grep -q "	positions .* [0-9]*,[0-9]" ours
'
test_expect_success 'TermGenerator builds the same index, positions included' '
	XAPIAN_CJK_NGRAM=1 evidence index --rebuild >/dev/null &&
	"$DUMP" -p "$EVIDENCE_DIR/index" >xapians &&
	test_cmp xapians ours
'
test_expect_success 'and so does an incremental run, work by work' '
	rm -rf "$EVIDENCE_DIR/index" &&
	evidence index >/dev/null &&
	"$DUMP" -p "$EVIDENCE_DIR/index" >incremental &&
	test_cmp xapians incremental
'

test_done
