#!/bin/sh
# t2110-harvest-http.sh - page sources and add URL over a misbehaving
# loopback server: conditional GET, retries, failures, exit codes
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

. "$top_srcdir/tests/harvest-lib.sh"

evidence init >/dev/null
start_server "$FIXTURES/harvest/http"

cat >pages.conf <<EOF
[pages]
type = page
url = $BASE/cond/article.html
url = $BASE/cond/second.html
EOF

test_expect_success 'pages are fetched, parsed as article pages, stored' '
	evidence harvest --sources pages.conf >out &&
	grep -q "^1 source: found 2, new 2, updated 0, unchanged 0, not modified 0, duplicate 0, failed 0$" out &&
	evidence show --format json 10.5555/harvest.page.1 >show.json &&
	test "$(jq -r .title show.json)" = "Federations and trust: what member practices said" &&
	test "$(jq -r ".author[1].family" show.json)" = Marsh &&
	test "$(jq -r ".provenance[0].url" show.json)" = "$BASE/cond/article.html" &&
	test "$(jq -r ".provenance[0].source" show.json)" = pages
'
test_expect_success 'the second run gets 304s: no body, nothing written' '
	snapshot >before &&
	evidence harvest --sources pages.conf >out &&
	grep -q "found 0, new 0, updated 0, unchanged 0, not modified 2, duplicate 0, failed 0$" out &&
	test "$(server_count /304/cond/article.html)" = 1 &&
	test "$(server_count /304/cond/second.html)" = 1 &&
	snapshot >after &&
	test_cmp before after
'
test_expect_success 'a changed page is fetched whole and its work updated' '
	sed "s/relationships soured/relationships suffered/" \
		"$SERVED/article.html" >tmp && mv tmp "$SERVED/article.html" &&
	touch -d "2026-01-02 03:04:05" "$SERVED/article.html" &&
	evidence harvest --sources pages.conf >out &&
	grep -q "found 1, new 0, updated 1, unchanged 0, not modified 1, duplicate 0, failed 0$" out &&
	evidence search --format json suffered | jq -r ".hits[].id" >ids &&
	grep -q "^doi:10.5555/harvest.page.1$" ids
'
test_expect_success 'the log has both runs with their counts' '
	evidence log --format json >log.json &&
	test "$(jq ".runs | length" log.json)" = 3 &&
	test "$(jq -c "[.runs[].sources[0] | [.found, .new, .updated, .not_modified]]" log.json)" = "[[2,2,0,0],[0,0,0,2],[1,0,1,1]]"
'
test_expect_success 'a page that fails twice with 503 is retried and stored' '
	printf "[flaky]\ntype = page\nurl = $BASE/flaky/2\n" >flaky.conf &&
	evidence harvest --sources flaky.conf >out &&
	grep -q "found 1, new 1," out &&
	test "$(server_count /flaky/2)" = 3
'
test_expect_success 'a 404 fails its source for good: exit 1, the other goes on' '
	cat >mixed.conf <<-EOF &&
	[gone]
	type = page
	url = $BASE/status/404
	[fine]
	type = page
	url = $BASE/cond/second.html
	EOF
	{ evidence harvest --sources mixed.conf -v >out 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "^gone (page): .* failed 1$" out &&
	grep -q "^fine (page): found 1, " out &&
	grep -q "^evidence: harvest: \[gone\] .*404" err &&
	test "$(evidence log --format json | jq ".runs[-1].exit")" = 1
'
test_expect_success 'a body reset half-way: retried, nothing stored, exit 75' '
	printf "[cut]\ntype = page\nurl = $BASE/reset-mid-body\n" >cut.conf &&
	before=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	{ evidence harvest --sources cut.conf -v >out 2>err; code=$?; } &&
	test $code = 75 &&
	grep -q "^cut (page): found 0, .* failed 1$" out &&
	after=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	test "$before" = "$after" &&
	test "$(evidence log --format json | jq ".runs[-1].exit")" = 75
'
test_expect_success 'a body shorter than its Content-Length: nothing stored' '
	printf "[short]\ntype = page\nurl = $BASE/short-body\n" >short.conf &&
	before=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	{ evidence harvest --sources short.conf >out 2>err; code=$?; } &&
	test $code = 75 &&
	after=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	test "$before" = "$after"
'
test_expect_success 'a redirect to file:// is refused, nothing read' '
	printf "[redir]\ntype = page\nurl = $BASE/redirect-to?url=file:///etc/passwd\n" >redir.conf &&
	{ evidence harvest --sources redir.conf >out 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "redir" err &&
	test "$(evidence export | grep -c "root:")" = 0
'
test_expect_success 'a redirect loop stops, the source fails' '
	printf "[loop]\ntype = page\nurl = $BASE/redirect-loop\n" >loop.conf &&
	{ evidence harvest --sources loop.conf >out 2>err; code=$?; } &&
	test $code = 1 &&
	test "$(server_count /redirect-loop)" -le 6
'
test_expect_success 'a source not configured on loopback may not reach it' '
	n=$(server_count /cond/second.html) &&
	printf "[sneaky]\ntype = page\nurl = http://2130706433:$PORT/cond/second.html\n" >sneaky.conf &&
	{ evidence harvest --sources sneaky.conf >out 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "refused to connect to a private address" err &&
	test "$(server_count /cond/second.html)" = "$n"
'
test_expect_success 'an endless body stops at the cap: nothing stored, exit 1' '
	printf "[endless]\ntype = page\nurl = $BASE/endless\n" >endless.conf &&
	before=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	{ evidence harvest --sources endless.conf 2>err; code=$?; } &&
	test $code = 1 &&
	after=$(find "$EVIDENCE_DIR/store/records" -type f | wc -l) &&
	test "$before" = "$after"
'
test_expect_success 'search keeps working while a harvest runs' '
	printf "[slow]\ntype = page\nurl = $BASE/latency/2000/gen/7\n" >slow.conf &&
	{ evidence harvest --sources slow.conf >slow.out 2>&1 & } &&
	sleep 0.5 &&
	evidence search --format json trust >hits.json &&
	test "$(jq ".hits | length" hits.json)" -ge 1 &&
	wait &&
	grep -q "found 1, new 1," slow.out
'
test_expect_success 'add URL fetches and stores one page' '
	evidence add "$BASE/cond/second.html" >out &&
	grep -q "^1 input: 0 new, 1 updated, 0 unchanged works; 0 skipped$" out &&
	evidence export | jq -r ".provenance[].source" | grep -q "^page$"
'
test_expect_success 'add URL that fails: one line, exit 1' '
	{ evidence add "$BASE/status/410" >out 2>err; code=$?; } &&
	test $code = 1 &&
	test $(wc -l <err) = 1 && grep -q "410" err
'
if have_format feed; then
	test_expect_success 'a feed with follow: items and their pages' '
		sed "s/PORT/$PORT/g" "$SERVED/feed.rss" >"$SERVED/feed-here.rss" &&
		cat >feed.conf <<-EOF &&
		[blog]
		type = feed
		url = $BASE/cond/feed-here.rss
		follow = yes
		EOF
		EVIDENCE_DIR="$TRASH/feeds" && export EVIDENCE_DIR &&
		evidence init >/dev/null &&
		a=$(server_count /cond/article.html) &&
		evidence harvest --sources feed.conf -v >out &&
		grep -q "^blog (feed): found [2-9][0-9]*, .* failed 0$" out &&
		test "$(server_count /cond/article.html)" = $((a + 1)) &&
		evidence show --format json 10.5555/harvest.page.1 >show.json &&
		test "$(jq -r .title show.json)" = "Federations and trust: what member practices said"
	'
	test_expect_success 'a second feed run: the feed is not modified' '
		EVIDENCE_DIR="$TRASH/feeds" evidence harvest --sources feed.conf -v >out &&
		grep -q "^blog (feed): found 0, .* not modified 1, duplicate 0, failed 0$" out
	'
else
	test_skip 'a feed with follow: items and their pages' \
		'no feed parser in this build yet (format_lookup("feed"))'
fi
stop_server
test_done
