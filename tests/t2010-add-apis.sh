#!/bin/sh
# t2010-add-apis.sh - adding Crossref, Europe PMC, OpenAlex and feed files
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null

test_expect_success 'a Crossref work, detected by content' '
	evidence add "$FIXTURES/parse/crossref-work.json" >out &&
	grep -q "1 new" out &&
	evidence show --format json doi:10.1136/bmjopen-2019-029944 >show.json &&
	test "$(jq -r .title show.json)" = "Primary care networks in England: a qualitative study of the first year" &&
	test "$(jq -r ".provenance[0].format" show.json)" = crossref &&
	test "$(jq ".cites | length" show.json)" = 2
'
test_expect_success 'a Europe PMC answer: one work per result' '
	evidence add "$FIXTURES/parse/europepmc-core.json" >out &&
	grep -q "3 new" out &&
	evidence show --format json pmid:33000001 >show.json &&
	test "$(jq -r .PMCID show.json)" = PMC7000001 &&
	test "$(jq -r ".passages[1].section" show.json)" = Results
'
test_expect_success 'an OpenAlex work, the abstract rebuilt' '
	evidence add "$FIXTURES/parse/openalex-work.json" >out &&
	grep -q "1 new" out &&
	evidence show --format json doi:10.1136/bmj.m3353 >show.json &&
	test "$(jq -r .abstract show.json)" = "Networks took years, and trust took years." &&
	test "$(jq -r .PMID show.json)" = 32900000
'
test_expect_success 'an Atom feed: each entry a post' '
	evidence add "$FIXTURES/parse/feed-atom.atom" >out &&
	grep -q "3 new" out &&
	evidence show --format json url:https://thinktank.example.org/insights/pacing >show.json &&
	test "$(jq -r .type show.json)" = post &&
	test "$(jq -r .title show.json)" = "Pacing: a marathon"
'
test_expect_success 'search finds the works of every format' '
	evidence search --format json "goodwill" >hits.json &&
	test "$(jq -r ".hits[0].title" hits.json)" = "Relationships before structures" &&
	evidence search --format json "relationships mattered more than money" >hits.json &&
	test "$(jq -r ".hits[0].id" hits.json)" = "doi:10.1136/bmjopen-2019-029944" &&
	evidence search --format json "trust took time" >hits.json &&
	jq -r ".hits[].id" hits.json | grep -q "^doi:10.3399/bjgp20x711111$" &&
	evidence search --format json "networks took years" >hits.json &&
	jq -r ".hits[].id" hits.json | grep -q "^doi:10.1136/bmj.m3353$"
'
test_expect_success '--format names the new formats' '
	cp "$FIXTURES/parse/feed-rss2.rss" feed.txt &&
	evidence add --format feed feed.txt >out &&
	grep -q "3 new" out &&
	evidence add --format openalex "$FIXTURES/parse/crossref-work.json" >out 2>err;
	test $? -ne 0 && grep -q "crossref-work.json" err
'
test_expect_exit 1 'a feed that is not well-formed is skipped with one line' \
	'evidence add "$FIXTURES/parse/feed-bad-amp.rss" >out 2>err' \
	'grep -q "not well-formed XML at line 11" err && test $(wc -l <err) = 1'
test_done
