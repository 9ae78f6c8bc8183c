#!/bin/sh
# t2140-harvest-references.sh - snowballing: the works stored works cite,
# fetched through PubMed and Crossref and linked both ways
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/harvest-lib.sh"

evidence init >/dev/null
start_server "$FIXTURES/harvest"
if have_format crossref; then
	have_crossref=yes
else
	have_crossref=
	say "no crossref parser in this build yet: the cited DOI fails"
fi
blog='url:https://thinktank.example.org/blog/pace'

cat >refs.conf <<EOF
[blog]
type = file
path = $FIXTURES/harvest/refs/commentary.json

[snowball]
type = references
base = $BASE/api/crossref/
pubmed_base = $BASE/eutils/
email = tester@example.org
EOF
cat >deep.conf <<EOF
[deeper]
type = references
depth = 2
base = $BASE/api/crossref/
pubmed_base = $BASE/eutils/
EOF

test_expect_success 'cited PMIDs and DOIs are fetched, one request each kind' '
	evidence harvest --sources refs.conf -v >out 2>err; code=$?
	grep -q "^blog (file): found 2, new 2," out &&
	test $(requests efetch | wc -l) = 1 &&
	requests efetch | grep -q "efetch.fcgi?db=pubmed&id=777,778&retmode=xml&tool=evidence&email=tester%40example.org$" &&
	test $(requests "/api/crossref/works/10.5555/cr.3" | wc -l) = 1 &&
	if [ -n "$have_crossref" ]; then
		test $code = 0 &&
		grep -q "^snowball (references): found 3, new 3, .* failed 0$" out
	else
		test $code = 1 &&
		grep -q "^snowball (references): found 2, new 2, .* failed 1$" out
	fi
'
test_expect_success 'a cited work links back to the work that cites it' '
	evidence show --format json pmid:777 >777.json &&
	test "$(jq -c .cited_by 777.json)" = "[\"$blog\"]" &&
	evidence show --format json pmid:778 >778.json &&
	test "$(jq -c .cited_by 778.json)" = "[\"$blog\"]" &&
	test "$(jq -r ".provenance[0].source" 777.json)" = snowball
'
test_expect_success 'a cited work that was stored already is linked too' '
	evidence show --format json 10.5555/refs.local >local.json &&
	test "$(jq -c .cited_by local.json)" = "[\"$blog\"]"
'
test_expect_success 'depth 1 stops at the works the commentary cites' '
	! evidence show pmid:888 >/dev/null 2>&1
'
test_expect_success 'depth 2 goes one step further, and links it' '
	: >"$SERVED/requests.log" &&
	evidence harvest --sources deep.conf -v >out 2>err; code=$?
	grep -q "^deeper (references): found 1, new 1," out &&
	requests efetch | grep -q "id=888&" &&
	evidence show --format json pmid:888 >888.json &&
	test "$(jq -c .cited_by 888.json)" = "[\"pmid:777\"]"
'
test_expect_success 'a second run over the same store writes nothing' '
	snapshot >before &&
	: >"$SERVED/requests.log" &&
	evidence harvest --sources deep.conf -v >out 2>err; code=$?
	grep -q "^deeper (references): found 0, new 0, updated 0, unchanged 0," out &&
	test $(requests efetch | wc -l) = 0 &&
	snapshot >after &&
	test_cmp before after
'
stop_server
test_done
