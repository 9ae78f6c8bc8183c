#!/bin/sh
# t2100-harvest.sh - harvest from file sources: counts, log, exit codes,
# idempotence and kills
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/harvest-lib.sh"

evidence init >/dev/null

# A copy of the fixtures that the tests may change.
cp -R "$FIXTURES/harvest/files" files
cp -R "$FIXTURES/harvest/broken" broken
cat >local.conf <<EOF
# Two file sources; the path of the first is relative to this file.
[local]
type = file
path = files

[again]
type = file
url = file://$TRASH/files/pair.json
EOF

# The log without its timestamps.
log_counts() {
	evidence log --format json |
		sed 's/"started":"[^"]*","finished":"[^"]*",//g'
}

test_expect_success 'init writes a sources file that harvest reads' '
	grep -q "^\[bundled\]" "$EVIDENCE_DIR/sources.conf" &&
	grep -q "^type = file" "$EVIDENCE_DIR/sources.conf" &&
	grep -q "^#type = pubmed" "$EVIDENCE_DIR/sources.conf" &&
	evidence harvest --dry-run >out &&
	grep -q "^dry run: 1 source: found 29, new 29," out
'
test_expect_success 'a dry run writes nothing, not even the log' '
	test ! -e "$EVIDENCE_DIR/store/harvest/runs.jsonl" &&
	test $(find "$EVIDENCE_DIR/store/records" -type f | wc -l) = 0
'
test_expect_success 'harvest: two file sources, one summary line' '
	evidence harvest --sources local.conf >out 2>err &&
	test $(wc -l <out) = 1 &&
	grep -q "^2 sources: found 5, new 3, updated 0, unchanged 0, not modified 0, duplicate 2, failed 0$" out &&
	test ! -s err
'
test_expect_success 'the log says which source found what (exact JSON)' '
	cat >expect <<-\EOF &&
	{"format_version":1,"runs":[{"exit":0,"sources":[{"name":"local","type":"file","query":null,"found":3,"new":3,"updated":0,"unchanged":0,"not_modified":0,"duplicate":0,"failed":0},{"name":"again","type":"file","query":null,"found":2,"new":0,"updated":0,"unchanged":0,"not_modified":0,"duplicate":2,"failed":0}]}]}
	EOF
	log_counts >actual &&
	test_cmp expect actual
'
test_expect_success 'the log as text: a line per run, a line per source' '
	evidence log >log.txt &&
	test $(wc -l <log.txt) = 3 &&
	grep -q "^20[0-9-]*T[0-9:]*Z  20[0-9-]*T[0-9:]*Z  exit 0$" log.txt &&
	grep -q "^  local (file): found 3, new 3, updated 0, unchanged 0, not modified 0, duplicate 0, failed 0$" log.txt &&
	grep -q "^  again (file): found 2, new 0, updated 0, unchanged 0, not modified 0, duplicate 2, failed 0$" log.txt
'
test_expect_success 'a run cut short in the log is skipped, saying so' '
	cp "$EVIDENCE_DIR/store/harvest/runs.jsonl" saved.jsonl &&
	printf "{\"started\":\"2026" >>"$EVIDENCE_DIR/store/harvest/runs.jsonl" &&
	evidence log --format json >log.json 2>err &&
	test "$(jq ".runs | length" log.json)" = 1 &&
	grep -q "1 unreadable lines skipped" err &&
	cp saved.jsonl "$EVIDENCE_DIR/store/harvest/runs.jsonl"
'
test_expect_success 'help shows the harvest, log and sources.conf pages' '
	if command -v man >/dev/null 2>&1; then
		evidence help harvest | grep -q "not modified" &&
		evidence help sources.conf | grep -q "pubmed_base" &&
		evidence help log | grep -q "format_version"
	fi
'
test_expect_success 'the works are stored and indexed, provenance names the source' '
	evidence show --format json 10.5555/harvest.fix.1 >show.json &&
	test "$(jq -r ".provenance[0].source" show.json)" = local &&
	evidence search --format json "back-office" >hits.json &&
	test "$(jq -r ".hits[0].id" hits.json)" = doi:10.5555/harvest.fix.1
'
test_expect_success 'a second run over unchanged sources writes nothing' '
	snapshot >before &&
	sleep 1 &&
	evidence harvest --sources local.conf -v >out &&
	grep -q "^local (file): found 0, new 0, updated 0, unchanged 0, not modified 2, duplicate 0, failed 0$" out &&
	grep -q "^again (file): found 0, .* not modified 1," out &&
	snapshot >after &&
	test_cmp before after
'
# An upgrade of evidence to a new index schema (or an edited
# lessons.conf) makes searches refuse the index until it is rebuilt: a
# nightly harvest of unchanged sources rebuilds it, and stores nothing.
# On a copy of the collection, whose log the later cases count.
if command -v xapian-metadata >/dev/null; then
	test_expect_success 'a run of unchanged sources rebuilds an index of another schema' '
		cp -a "$EVIDENCE_DIR" upgraded &&
		export EVIDENCE_DIR="$TRASH/upgraded" &&
		xapian-metadata set "$EVIDENCE_DIR/index" evidence-schema 4 &&
		{ evidence search trust >/dev/null 2>err; test $? = 65; } &&
		find "$EVIDENCE_DIR/store/records" -type f | sort | xargs cksum >records.before &&
		evidence harvest --sources local.conf >out &&
		grep -q "found 0, new 0" out &&
		test "$(xapian-metadata get "$EVIDENCE_DIR/index" evidence-schema)" = 5 &&
		evidence search --format json "back-office" >hits.json &&
		test "$(jq -r ".hits[0].id" hits.json)" = doi:10.5555/harvest.fix.1 &&
		find "$EVIDENCE_DIR/store/records" -type f | sort | xargs cksum >records.after &&
		test_cmp records.before records.after
	'
fi
test_expect_success 'a changed file is parsed again and its work updated' '
	sed "s/kept the trust/kept the goodwill/" files/pair.json >tmp &&
	mv tmp files/pair.json &&
	evidence harvest --sources local.conf --only local >out &&
	grep -q "found 2, new 0, updated 2, unchanged 0, not modified 1," out &&
	evidence search --format json goodwill >hits.json &&
	jq -r ".hits[].id" hits.json | grep -q "^doi:10.5555/harvest.fix.1$"
'
# A file's tag (inode, size, modification and change times) lets a rerun
# pass over it unread; one changed in the last second gets none.
# tagged FILE: how many harvest states tag FILE as it is now.
tagged() {
	prefix=$(printf "%x-%x-" $(stat -c "%i %s" "$1")) &&
	cat "$EVIDENCE_DIR"/store/harvest/urls/*.json |
		jq -r ".etag // empty" | grep -c "^$prefix"
}
test_expect_success 'a file just changed gets no tag, an older one does' '
	test "$(tagged files/pair.json)" = 0 &&
	touch -d "1 hour ago" files/pair.json &&
	sleep 2 && # for the change time that touch set
	evidence harvest --sources local.conf --only local >out &&
	grep -q "found 0, .* not modified 2," out &&
	test "$(tagged files/pair.json)" = 1
'
test_expect_success 'other bytes at the same size and times: the change time tells' '
	cp -p files/pair.json orig.json &&
	sed "s/kept the goodwill/kept the goodwolf/" orig.json >tmp &&
	test $(wc -c <tmp) = $(wc -c <orig.json) &&
	cat tmp >files/pair.json && touch -r orig.json files/pair.json &&
	sleep 2 &&
	evidence harvest --sources local.conf --only local >out &&
	grep -q "found 2, new 0, updated [12], unchanged [01], not modified 1," out &&
	evidence search --format json goodwolf >hits.json &&
	jq -r ".hits[].id" hits.json | grep -q "^doi:10.5555/harvest.fix.1$"
'
test_expect_success '--only runs one source; the log has one source' '
	log_counts >log.json &&
	test "$(jq ".runs[2].sources | length" log.json)" = 1 &&
	test "$(jq -r ".runs[2].sources[0].name" log.json)" = local
'
test_expect_success 'a broken file fails its source, the others go on: exit 1' '
	cat >mixed.conf <<-EOF &&
	[bad]
	type = file
	path = broken
	[good]
	type = file
	path = files
	EOF
	{ evidence harvest --sources mixed.conf -v >out 2>err; code=$?; } &&
	test $code = 1 &&
	grep -q "^evidence: harvest: \[bad\] .*cut.json: " err &&
	test $(wc -l <err) = 1 &&
	grep -q "^bad (file): found 0, .* failed 1$" out &&
	grep -q "^good (file): found 3, new 0, updated 3, unchanged 0," out &&
	grep -q "(1 failed)" out &&
	test "$(log_counts | jq ".runs[-1].exit")" = 1
'
test_expect_success 'nothing of the broken file was stored' '
	test "$(evidence export | jq -r .title | grep -c "Cut short")" = 0
'
test_expect_code 2 'an unknown --only is a usage error' \
	'evidence harvest --sources local.conf --only nope'
test_expect_code 2 'a bad --since is a usage error' \
	'evidence harvest --sources local.conf --since yesterday'
test_expect_code 2 'a mistake in the sources file: one line with its place' '
	printf "[x]\ntype = file\npath = a\nbogus = 1\n" >bad.conf &&
	evidence harvest --sources bad.conf 2>err; code=$?
	grep -q "bad.conf:4: unknown key .bogus." err &&
	test $(wc -l <err) = 1 || exit 99
	exit $code
'
test_expect_code 2 'no sources file says what to do' '
	evidence harvest --sources nothere.conf 2>err; code=$?
	grep -q "no sources file" err || exit 99
	exit $code
'
test_expect_success 'a lock held by another writer: exit 75' '
	mkfifo hold &&
	{ "$top_builddir/tests/lock-holder" "$EVIDENCE_DIR/lock" <hold >held & } &&
	exec 8>hold &&
	while ! grep -q locked held 2>/dev/null; do sleep 0.1; done &&
	{ evidence harvest --sources local.conf --wait 0.2 2>err; code=$?; } ;
	exec 8>&- ; wait
	test "$code" = 75 && grep -q "locked" err
'

# Kills: SIGKILL a harvest of the bundled corpus at several moments; each
# next run must finish the work, with every work stored and indexed once
# and no temporary file left under a final name.
test_expect_success 'SIGKILL at any moment: the next run completes' '
	export EVIDENCE_DIR="$TRASH/killed" &&
	evidence init >/dev/null &&
	for delay in 0.05 0.1 0.2 0.3 0.5 0.7; do
		evidence harvest >/dev/null 2>&1 &
		pid=$! &&
		sleep $delay &&
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		evidence harvest >out 2>&1 || { cat out; exit 1; }
		works=$(evidence stats --format json | jq .works)
		test "$works" = 29 || { echo "$delay: $works works"; exit 1; }
	done &&
	evidence export | jq -r .id | sort >ids &&
	test $(sort -u ids | wc -l) = 29 &&
	find "$EVIDENCE_DIR/store" -name "*.tmp-*" >temps &&
	test_cmp /dev/null temps &&
	test ! -e "$EVIDENCE_DIR/store/harvest/index-pending"
'
test_expect_success 'the killed collection equals a clean one' '
	export EVIDENCE_DIR="$TRASH/clean" &&
	evidence init >/dev/null && evidence harvest >/dev/null &&
	evidence export | jq -r .id | sort >clean-ids &&
	test_cmp clean-ids ids &&
	evidence search --format json "mission creep" | jq -r ".hits[].id" >a &&
	EVIDENCE_DIR="$TRASH/killed" evidence search --format json \
		"mission creep" | jq -r ".hits[].id" >b &&
	test_cmp a b
'
# Past 4096 URL states held, harvest writes them out (after a store
# commit) rather than hold more: a first run over a big folder.
test_expect_success 'a folder of 4,200 files: states written as it goes, all kept' '
	mkdir -p many/files &&
	i=0 && while test $i -lt 4200; do
		i=$((i + 1)) &&
		printf "Note %d on trust between practices.\n" $i >many/files/n$i.txt ||
		exit 1
	done &&
	printf "[many]\ntype = file\npath = files\n" >many/many.conf &&
	EVIDENCE_DIR=$PWD/many/col && export EVIDENCE_DIR &&
	evidence init >/dev/null &&
	evidence harvest --sources many/many.conf --no-index >out &&
	grep -q "found 4200, new 4200," out &&
	sleep 2 &&
	evidence harvest --sources many/many.conf --no-index >out &&
	grep -q "found 0, new 0, updated 0, unchanged 0, not modified 4200," out
'
test_done
