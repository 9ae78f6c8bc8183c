#!/bin/sh
# t2150-notices.sh - a retraction notice updates the work it retracts
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

N="$FIXTURES/notices"
# The article (PMID 90000101, doi:10.5555/notices.article) and the notice
# that retracts it (PMID 90000102, doi:10.5555/notices.retraction, with
# CommentsCorrections RetractionOf 90000101).  The article as fetched
# before its retraction says nothing about it.

# retracted: the article in collection $EVIDENCE_DIR has one relation
# back to the notice (by the notice's id, its DOI), is flagged, keeps its
# evidence type, and the index shows it retracted.
retracted() {
	evidence show --format json pmid:90000101 >show.json &&
	test "$(jq -c .relations show.json)" = \
		'[{"type":"retraction-in","id":"doi:10.5555/notices.retraction"}]' &&
	test "$(jq '[.publication_types[] | select(. == "Retracted Publication")] | length' show.json)" = 1 &&
	test "$(jq -r .evidence_type show.json)" = study &&
	evidence show pmid:90000101 >show.txt &&
	head -n 1 show.txt | grep -q "^\[retracted\] Shared back-office staff" &&
	evidence search "pooling back-office staff" >search.txt &&
	grep -A1 "^1\. Shared back-office staff" search.txt |
		grep -q "\[study\] \[retracted\] doi:10.5555/notices.article"
}

new_collection() {
	EVIDENCE_DIR="$TRASH/$1" &&
	export EVIDENCE_DIR &&
	evidence init >/dev/null
}

test_expect_success 'article first, then its retraction, in two adds' '
	new_collection a &&
	evidence add "$N/article.xml" >out &&
	grep -q "1 new" out &&
	evidence search "pooling back-office staff" >search.txt &&
	grep -q "^1\. Shared back-office staff" search.txt &&
	! grep -q "retracted" search.txt &&
	evidence add "$N/notice.xml" >out &&
	grep -q "1 new" out &&
	retracted
'
test_expect_success 'the notice again changes nothing' '
	EVIDENCE_DIR="$TRASH/a" && export EVIDENCE_DIR &&
	touch stamp && sleep 1 &&
	evidence add "$N/notice.xml" >out &&
	grep -q "0 new, 0 updated, 1 unchanged" out &&
	test $(find "$EVIDENCE_DIR/store" -type f -newer stamp | wc -l) = 0 &&
	retracted
'
test_expect_success 'the article as PubMed gives it after: one relation' '
	EVIDENCE_DIR="$TRASH/a" && export EVIDENCE_DIR &&
	evidence add "$N/article-retracted.xml" >out &&
	retracted
'
test_expect_success 'retraction first, then the article, in two adds' '
	new_collection b &&
	evidence add "$N/notice.xml" >out &&
	grep -q "1 new" out &&
	evidence add "$N/article.xml" >out &&
	grep -q "1 new" out &&
	retracted
'
test_expect_success 'the notice waits in a key file' '
	EVIDENCE_DIR="$TRASH/b" && export EVIDENCE_DIR &&
	h=$(printf %s "notice:pmid:90000101" | sha256sum | cut -c1-32) &&
	echo "doi:10.5555/notices.retraction" >expect &&
	test_cmp expect "$EVIDENCE_DIR/store/keys/$(echo $h | cut -c1-2)/$h"
'
test_expect_success 'both in one add, article first' '
	new_collection c &&
	evidence add "$N/article.xml" "$N/notice.xml" >out &&
	grep -q "2 new" out &&
	retracted
'
test_expect_success 'both in one add, retraction first' '
	new_collection d &&
	evidence add "$N/notice.xml" "$N/article.xml" >out &&
	grep -q "2 new" out &&
	retracted
'
# add indexes each batch of works as the store commits it (256 records):
# a notice in a later batch changes a work an earlier batch indexed, and
# the work must be indexed again in the same run.
test_expect_success 'article, 300 others, then its retraction, in one add' '
	new_collection e &&
	pubmed_set 300 >others.xml &&
	evidence add "$N/article.xml" others.xml "$N/notice.xml" >out &&
	grep -q "302 new" out &&
	retracted &&
	evidence index >out &&
	grep -q "^302 works: 0 indexed (0 passages), 302 unchanged" out
'
test_expect_success 'both again in one add change nothing' '
	EVIDENCE_DIR="$TRASH/d" && export EVIDENCE_DIR &&
	touch stamp && sleep 1 &&
	evidence add "$N/notice.xml" "$N/article.xml" >out &&
	grep -q "0 new, 0 updated, 2 unchanged" out &&
	test $(find "$EVIDENCE_DIR/store" -type f -newer stamp | wc -l) = 0
'
test_done
