#!/bin/sh
# t2120-harvest-pubmed.sh - PubMed sources against a loopback E-utilities:
# history server, batches, date splits, errors inside 200, rate, add PMID
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/harvest-lib.sh"

evidence init >/dev/null
start_server "$FIXTURES/harvest"

# pubmed_conf NAME QUERY [MORE LINES]: a sources file with one source.
pubmed_conf() {
	printf '[%s]\ntype = pubmed\nbase = %s/eutils/\nquery = %s\nemail = tester@example.org\n%s' \
		"$1" "$BASE" "$2" "${3:-}" >"$1.conf"
}

test_expect_success 'esearch with the history server, then efetch' '
	pubmed_conf pcn pcn &&
	evidence harvest --sources pcn.conf >out &&
	grep -q "^1 source: found 3, new 3, updated 0, unchanged 0, not modified 0, duplicate 0, failed 0$" out &&
	test $(requests esearch | wc -l) = 1 &&
	requests esearch | grep -q "db=pubmed&term=pcn&usehistory=y&retmax=0&tool=evidence&email=tester%40example.org$" &&
	test $(requests efetch | wc -l) = 1 &&
	requests efetch | grep -q "query_key=1&WebEnv=MCID_PCN&retstart=0&retmax=200&retmode=xml&tool=evidence&email=tester%40example.org$"
'
test_expect_success 'the PubMed records are stored with their key fields' '
	evidence show --format json pmid:90000001 >show.json &&
	test "$(jq -r .id show.json)" = doi:10.5555/pubmed.fix.1 &&
	test "$(jq -r .PMID show.json)" = 90000001 &&
	test "$(jq -r ".author[0].family" show.json)" = Quayle &&
	test "$(jq -c .issued show.json)" = "{\"date-parts\":[[2021,3]]}" &&
	test "$(jq -r ".provenance[0].source" show.json)" = pcn &&
	evidence show --format json pmid:90000002 >show2.json &&
	test "$(jq -r .id show2.json)" = pmid:90000002
'
test_expect_success 'the log names the query' '
	evidence log --format json >log.json &&
	test "$(jq -r ".runs[0].sources[0].query" log.json)" = pcn &&
	test "$(jq -r ".runs[0].sources[0].type" log.json)" = pubmed
'
test_expect_success 'the same work from a file source is a duplicate' '
	printf "[local]\ntype = file\npath = %s\n" "$FIXTURES/harvest/files/pair.json" >both.conf &&
	cat pcn.conf >>both.conf &&
	rm -rf "$EVIDENCE_DIR/store/harvest/urls" &&
	evidence harvest --sources both.conf -v >out &&
	grep -q "^local (file): found 2, new 1, updated 1, unchanged 0," out &&
	grep -q "^pcn (pubmed): found 3, new 0, updated 0, unchanged 2, not modified 0, duplicate 1, failed 0$" out
'
test_expect_success 'over 10,000 records: the date window is split in halves' '
	: >"$SERVED/requests.log" &&
	pubmed_conf big big "since = 2019
until = 2020
" &&
	evidence harvest --sources big.conf >out &&
	grep -q "^1 source: found 500, new 500, updated 0, unchanged 0, not modified 0, duplicate 0, failed 0$" out &&
	test $(requests esearch | wc -l) = 3 &&
	requests esearch | grep -q "datetype=pdat&mindate=2019/01/01&maxdate=2020/12/31&" &&
	requests esearch | grep -q "mindate=2019/01/01&maxdate=2020/01/01&" &&
	requests esearch | grep -q "mindate=2020/01/02&maxdate=2020/12/31&" &&
	test $(requests efetch | wc -l) = 4 &&
	test $(requests "WebEnv=WIN_2019&retstart=200&retmax=200" | wc -l) = 1 &&
	evidence show --format json pmid:12000249 >/dev/null &&
	evidence show --format json pmid:11900000 >/dev/null
'
# The two halves of a split are asked for together, so the gap between
# their esearch requests is the rate limit's interval: 333 ms without a
# key, 100 ms with one.  The server logs arrival times, which jitter a
# little under load, so the bounds leave room.
esearch_gap() {
	requests esearch | cut -d" " -f1 | sed -n "2p;3p" | tr "\n" " " |
		awk "{ print \$2 - \$1 }"
}
# The shortest gap between two requests to the E-utilities, in ms.  With
# a key the limiter spaces them 100 ms apart.  A loaded machine only
# lengthens gaps, so the test bounds them from below; that the key
# raises the rate to 10 a second (and its absence keeps 3) is
# test-sources' to check, where no clock is read.
shortest_gap() {
	requests eutils | cut -d" " -f1 |
		awk "NR > 1 && (m == \"\" || \$1 - p < m) { m = \$1 - p }
			{ p = \$1 } END { print m }"
}
test_expect_success 'without a key, at most 3 requests a second' '
	gap=$(esearch_gap) && test "$gap" -ge 250 &&
	requests eutils | cut -d" " -f1 >times &&
	awk "{ t[NR] = \$1 } END { for (i = 1; i <= NR; i++) { n = 0;
		for (j = i; j <= NR && t[j] - t[i] < 1000; j++) n++;
		if (n > 4) exit 1 } }" times
'
test_expect_success 'with an api_key: sent, and still spaced by the limiter' '
	: >"$SERVED/requests.log" &&
	pubmed_conf keyed big "since = 2019
until = 2020
api_key = \${TEST_NCBI_KEY}
" &&
	TEST_NCBI_KEY=sekrit evidence harvest --sources keyed.conf >out &&
	test $(requests "api_key=sekrit" | wc -l) = 7 &&
	gap=$(shortest_gap) && test "$gap" -ge 50
'
test_expect_success '--since overrides the source window' '
	: >"$SERVED/requests.log" &&
	evidence harvest --sources pcn.conf --since 2024-02 >out &&
	requests esearch | grep -q "mindate=2024/02/01&maxdate=3000/12/31&"
'
test_expect_success 'an ERROR inside a 200 esearch fails the source: exit 1' '
	pubmed_conf broken error &&
	{ evidence harvest --sources broken.conf -v >out 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "^broken (pubmed): found 0, .* failed 1$" out &&
	grep -q "PubMed said: Search Backend failed: fixture backend is down" err &&
	test "$(evidence log --format json | jq ".runs[-1].sources[0].failed")" = 1
'
test_expect_success 'no match at all is an empty result, not a failure' '
	pubmed_conf none none &&
	evidence harvest --sources none.conf >out &&
	grep -q "^1 source: found 0, new 0, .* failed 0$" out
'
test_expect_success 'an ERROR inside a 200 efetch fails, nothing stored' '
	pubmed_conf expired fetcherr &&
	before=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	{ evidence harvest --sources expired.conf 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "PubMed said: Unable to obtain query #1" err &&
	after=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	test "$before" = "$after"
'
test_expect_success 'truncated efetch XML stores nothing of the batch' '
	pubmed_conf cut trunc &&
	{ evidence harvest --sources cut.conf 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "^evidence: harvest: \[cut\] " err &&
	! evidence show pmid:90000011 >/dev/null 2>&1
'
test_expect_success '429 with Retry-After: waited for, retried, stored' '
	: >"$SERVED/requests.log" &&
	pubmed_conf slow slowdown &&
	evidence harvest --sources slow.conf >out &&
	grep -q "found 3, new 0, updated 3, unchanged 0," out &&
	test $(requests "term=slowdown" | wc -l) = 2 &&
	requests "term=slowdown" | cut -d" " -f1 >t &&
	test $(( $(sed -n 2p t) - $(sed -n 1p t) )) -ge 900
'
test_expect_success 'pmid keys are fetched by id' '
	: >"$SERVED/requests.log" &&
	printf "[ids]\ntype = pubmed\nbase = %s/eutils/\npmid = 555\npmid = 556\n" "$BASE" >ids.conf &&
	evidence harvest --sources ids.conf >out &&
	grep -q "found 2, new 2," out &&
	requests efetch | grep -q "db=pubmed&id=555,556&retmode=xml&tool=evidence$" &&
	evidence show --format json pmid:556 >/dev/null
'
test_expect_success 'add PMID fetches through the collection pubmed source' '
	cp pcn.conf "$EVIDENCE_DIR/sources.conf" &&
	: >"$SERVED/requests.log" &&
	evidence add pmid:4242 >out &&
	grep -q "^1 input: 1 new," out &&
	requests efetch | grep -q "id=4242&retmode=xml&tool=evidence&email=tester%40example.org$" &&
	evidence show --format json pmid:4242 >show.json &&
	test "$(jq -r ".provenance[0].source" show.json)" = pubmed
'

if [ -d "$SAMPLES/eutils" ] && [ -d "$SAMPLES/pubmed-efetch" ]; then
	test_expect_success 'samples: the real invalid-db error is a failure' '
		cp "$SAMPLES/eutils/esearch-error-invalid-db.xml" \
			"$SERVED/eutils/esearch-sampleerror.xml" &&
		pubmed_conf realerr sampleerror &&
		{ evidence harvest --sources realerr.conf 2>err; code=$?; } &&
		test $code = 1 &&
		grep -q "Invalid db name specified: fleegle" err
	'
	test_expect_success 'samples: a real efetch answer by id' '
		cp "$SAMPLES/pubmed-efetch/biopython-two-records-review-and-article.xml" \
			"$SERVED/eutils/efetch-id-12091962-9997.xml" &&
		printf "[real]\ntype = pubmed\nbase = %s/eutils/\npmid = 12091962\npmid = 9997\n" "$BASE" >real.conf &&
		evidence harvest --sources real.conf >out &&
		grep -q "found 2, new 2," out &&
		evidence show --format json pmid:9997 >/dev/null &&
		evidence show --format json pmid:12091962 >/dev/null
	'
else
	test_skip 'samples: real E-utilities answers' \
		'../shared/samples is absent (set EVIDENCE_SHARED)'
fi
stop_server
test_done
