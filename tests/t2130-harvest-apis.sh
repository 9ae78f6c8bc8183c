#!/bin/sh
# t2130-harvest-apis.sh - Crossref, Europe PMC and OpenAlex sources
# against loopback fixtures: cursor paging, errors inside 200, add DOI.
# The record checks run once the parsers for these formats are built in;
# the paging checks run always.
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/harvest-lib.sh"

evidence init >/dev/null
start_server "$FIXTURES/harvest"

# api_conf NAME TYPE QUERY [MORE]: a sources file with one source.
api_conf() {
	printf '[%s]\ntype = %s\nbase = %s/api/%s/\nquery = %s\nmailto = tester@example.org\n%s' \
		"$1" "$2" "$BASE" "$2" "$3" "${4:-}" >"$1.conf"
}

# run_source NAME: harvest NAME.conf, keeping the exit code in $code.
# Each test runs in a subshell, so a later test that looks at the same
# run reads it back with last_run NAME.
run_source() {
	: >"$SERVED/requests.log"
	evidence harvest --sources "$1.conf" -v >out 2>err
	code=$?
	echo $code >"$1.code"
	cp out "$1.out"
}
last_run() {
	code=$(cat "$1.code") && cp "$1.out" out
}

for kind in crossref europepmc openalex; do
	if have_format $kind; then
		eval "have_$kind=yes"
	else
		eval "have_$kind="
		say "no $kind parser in this build yet: record checks skipped"
	fi
done

test_expect_success 'crossref: cursor paging until an empty page' '
	api_conf cr crossref pcn &&
	run_source cr &&
	test $(requests "/api/crossref/works?" | wc -l) = 3 &&
	requests works | sed -n 1p | grep -q "works?rows=100&query=pcn&mailto=tester%40example.org&cursor=%2A$" &&
	requests works | sed -n 2p | grep -q "&cursor=dnf1zxj5-page2$" &&
	requests works | sed -n 3p | grep -q "&cursor=dnf1zxj5-page3$"
'
if [ -n "$have_crossref" ]; then
	test_expect_success 'crossref: the works of every page are stored' '
		last_run cr &&
		test $code = 0 &&
		grep -q "^cr (crossref): found 3, new 3, .* failed 0$" out &&
		evidence show --format json 10.5555/cr.1 >show.json &&
		test "$(jq -r .title show.json)" = "Primary care networks and the pace of change" &&
		test "$(jq -r ".author[1].family" show.json)" = Boateng
	'
else
	test_skip 'crossref: the works of every page are stored' \
		'no crossref parser in this build yet'
fi
test_expect_success 'crossref: the date window becomes a filter' '
	api_conf crd crossref pcn "since = 2019
until = 2020-06
" &&
	run_source crd &&
	requests works | sed -n 1p | grep -q "&filter=from-pub-date:2019-01-01,until-pub-date:2020-06-30&"
'
test_expect_success 'crossref: "status": "failed" in a 200 fails the source' '
	api_conf crf crossref failed &&
	run_source crf &&
	test $code = 1 &&
	grep -q "crossref said: Filter from-pub-dat specified" err &&
	grep -q "^crf (crossref): found 0, .* failed 1$" out &&
	test $(requests works | wc -l) = 1
'
test_expect_success 'crossref: a repeated cursor stops the paging' '
	api_conf crl crossref loop &&
	run_source crl &&
	test $(requests works | wc -l) = 2
'
test_expect_success 'crossref: DOI keys fetch /works/DOI' '
	printf "[dois]\ntype = crossref\nbase = %s/api/crossref/\ndoi = https://doi.org/10.5555/CR.1\nmailto = t@example.org\n" "$BASE" >dois.conf &&
	run_source dois &&
	test $(requests works | wc -l) = 1 &&
	requests works | grep -q " /api/crossref/works/10.5555/cr.1?mailto=t%40example.org$"
'
test_expect_success 'crossref: an unknown DOI (404) fails for good' '
	printf "[gone]\ntype = crossref\nbase = %s/api/crossref/\ndoi = 10.5555/nope\n" "$BASE" >gone.conf &&
	run_source gone &&
	test $code = 1 && grep -q "404" err
'
test_expect_success 'europepmc: core JSON with cursorMark paging' '
	api_conf epmc europepmc pcn &&
	run_source epmc &&
	test $(requests search | wc -l) = 2 &&
	requests search | sed -n 1p | grep -q "search?resultType=core&format=json&pageSize=100&query=pcn&email=tester%40example.org&cursorMark=%2A$" &&
	requests search | sed -n 2p | grep -q "&cursorMark=anvc3rhcnq$"
'
if [ -n "$have_europepmc" ]; then
	test_expect_success 'europepmc: the results are stored' '
		last_run epmc &&
		test $code = 0 &&
		grep -q "^epmc (europepmc): found 2, new 2," out &&
		evidence show --format json pmid:90000001 >/dev/null
	'
else
	test_skip 'europepmc: the results are stored' \
		'no europepmc parser in this build yet'
fi
test_expect_success 'europepmc: the date window joins the query' '
	api_conf epd europepmc pcn "since = 2019-03
" &&
	run_source epd &&
	requests search | sed -n 1p | grep -q "query=pcn%20AND%20%28FIRST_PDATE%3A%5B2019-03-01%20TO%203000-12-31%5D%29&"
'
test_expect_success 'europepmc: errMsg in a 200 fails the source' '
	api_conf epb europepmc bad &&
	run_source epb &&
	test $code = 1 &&
	grep -q "europepmc said: Invalid query: unbalanced parentheses" err
'
test_expect_success 'openalex: cursor paging until next_cursor is null' '
	api_conf oa openalex pcn "filter = type:article
" &&
	run_source oa &&
	test $(requests works | wc -l) = 2 &&
	requests works | sed -n 1p | grep -q "works?per-page=100&search=pcn&filter=type%3Aarticle&mailto=tester%40example.org&cursor=%2A$" &&
	requests works | sed -n 2p | grep -q "&cursor=ioj0ldeuma$"
'
if [ -n "$have_openalex" ]; then
	test_expect_success 'openalex: the works are stored' '
		last_run oa &&
		test $code = 0 &&
		grep -q "^oa (openalex): found 2, new 2," out &&
		evidence show --format json 10.5555/oa.1 >/dev/null
	'
else
	test_skip 'openalex: the works are stored' \
		'no openalex parser in this build yet'
fi
test_expect_success 'openalex: an error object in a 200 fails the source' '
	api_conf oab openalex bad &&
	run_source oab &&
	test $code = 1 &&
	grep -q "openalex said: foo is not a valid field" err
'
test_expect_success 'add DOI asks Crossref, through the collection source' '
	cp cr.conf "$EVIDENCE_DIR/sources.conf" &&
	: >"$SERVED/requests.log" &&
	evidence add doi:10.5555/cr.1 >out 2>err; code=$?
	requests works | grep -q " /api/crossref/works/10.5555/cr.1?mailto=tester%40example.org$" &&
	if [ -n "$have_crossref" ]; then
		test $code = 0 && grep -q "^1 input: " out
	fi
'
# cursor_file CURSOR: a cursor as the test server names its page.
cursor_file() {
	printf %s "$1" | tr -c 'a-z0-9-' '_'
}

if [ -d "$SAMPLES/crossref" ] && [ -d "$SAMPLES/europepmc" ] &&
	[ -d "$SAMPLES/openalex" ]; then
	test_expect_success 'samples: a real Crossref list and work' '
		cp "$SAMPLES/crossref/rest-works-list-three-items.json" \
			"$SERVED/api/crossref/works-sample-_.json" &&
		mkdir -p "$SERVED/api/crossref/works/10.1017" &&
		cp "$SAMPLES/crossref/rest-works-single-cambridge-journal-article.json" \
			"$SERVED/api/crossref/works/10.1017/s1047951103000064" &&
		api_conf crs crossref sample "doi = 10.1017/S1047951103000064
" &&
		run_source crs &&
		test $(requests works | wc -l) = 2 &&
		if [ -n "$have_crossref" ]; then
			test $code = 0 &&
			grep -q "^crs (crossref): found 4, new 4, .* failed 0$" out
		fi
	'
	test_expect_success 'samples: real Europe PMC pages, to the empty one' '
		next=$(jq -r .nextCursorMark "$SAMPLES/europepmc/search-core-json-25-results.json") &&
		cp "$SAMPLES/europepmc/search-core-json-25-results.json" \
			"$SERVED/api/europepmc/search-sample-_.json" &&
		cp "$SAMPLES/europepmc/search-no-results.json" \
			"$SERVED/api/europepmc/search-sample-$(cursor_file "$next").json" &&
		api_conf eps europepmc sample &&
		run_source eps &&
		test $(requests search | wc -l) = 2 &&
		if [ -n "$have_europepmc" ]; then
			test $code = 0 &&
			grep -q "^eps (europepmc): found 25, .* failed 0$" out
		fi
	'
	test_expect_success 'samples: real OpenAlex pages, to next_cursor null' '
		next=$(jq -r .meta.next_cursor "$SAMPLES/openalex/works-list-cursor-page-1.json") &&
		cp "$SAMPLES/openalex/works-list-cursor-page-1.json" \
			"$SERVED/api/openalex/works-sample-_.json" &&
		cp "$SAMPLES/openalex/works-list-cursor-page-2-empty.json" \
			"$SERVED/api/openalex/works-sample-$(cursor_file "$next").json" &&
		api_conf oas openalex sample &&
		run_source oas &&
		test $(requests works | wc -l) = 2 &&
		if [ -n "$have_openalex" ]; then
			test $code = 0 &&
			grep -q "^oas (openalex): found 2, .* failed 0$" out
		fi
	'
else
	test_skip 'samples: real Crossref, Europe PMC and OpenAlex answers' \
		'../shared/samples is absent (set EVIDENCE_SHARED)'
fi
stop_server
test_done
