#!/bin/sh
# t4100-show-stats.sh - show, stats and lessons
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add "$FIXTURES/text" "$FIXTURES/csl/review.json" >/dev/null

test_expect_success 'stats counts works by type, year and source' '
	evidence stats --format json >s.json &&
	test "$(jq .format_version s.json)" = 1 &&
	test "$(jq .works s.json)" = 5 &&
	test "$(jq -c .by_type s.json)" = "{\"news\":1,\"other\":3,\"study\":1}" &&
	test "$(jq -c .by_year s.json)" = "{\"2019\":1,\"2021\":1}" &&
	test "$(jq -c .by_source s.json)" = "{\"file\":5}" &&
	test "$(jq .by_lesson.pacing s.json)" -ge 1
'
# Passages are not index documents: their counts come from each work's
# document.  They must agree with the store (how many passages) and with
# "show", which tags each passage afresh.
test_expect_success 'stats counts passages and passages per lesson' '
	evidence export --format jsonl >all.jsonl &&
	test "$(jq .passages s.json)" = \
		"$(jq -s "map(.passages | length) | add" all.jsonl)" &&
	for id in $(jq -r .id all.jsonl); do
		evidence show --format json "$id" || return 1
	done >shown.json &&
	for l in focus pacing relationships; do
		n=$(jq -s "[.[].passages[].lessons[].lesson |
			select(. == \"$l\")] | length" shown.json) &&
		test "$(jq ".by_lesson.$l // 0" s.json)" = "$n" || return 1
	done &&
	test "$(jq .passages s.json)" -gt "$(jq .works s.json)"
'
test_expect_success 'stats in text' '
	evidence stats >s.txt && grep -q "^works: 5" s.txt
'
test_expect_success 'show by DOI, as JSON, with lessons and cues' '
	evidence show --format json 10.5555/evidence.test.1 >r.json &&
	test "$(jq .format_version r.json)" = 1 &&
	test "$(jq -r .title r.json)" = "Collaboration between general practices: a test review" &&
	test "$(jq -r .evidence_type r.json)" = study &&
	test "$(jq ".passages[0].n" r.json)" = 1 &&
	jq -e ".passages[0].lessons | map(.lesson) | index(\"focus\") != null" r.json &&
	jq -e ".passages[0].lessons[0].cues | length > 0" r.json
'
test_expect_success 'show --explain names the cues in text' '
	id=$(evidence search --format json "mission creep" | jq -r ".hits[0].id") &&
	evidence show --explain "$id" >r.txt &&
	grep -q "lesson: focus" r.txt && grep -q "mission creep" r.txt
'
test_expect_exit 1 'show of an unknown id exits 1' \
	'evidence show doi:10.0000/none 2>err' 'grep -q "no work" err'
test_expect_code 2 'show wants exactly one id' 'evidence show a b'
test_expect_success 'lessons lists the taxonomy with counts' '
	evidence lessons --format json >l.json &&
	test "$(jq -r ".lessons[0].lesson" l.json)" = focus &&
	test "$(jq -r ".lessons[1].lesson" l.json)" = pacing &&
	test "$(jq -r ".lessons[2].lesson" l.json)" = relationships &&
	test "$(jq ".lessons[] | select(.lesson == \"pacing\") | .works" l.json)" -ge 1
'
test_expect_success 'lessons before any index shows zero counts' '
	evidence --dir "$TRASH/empty" init >/dev/null &&
	evidence --dir "$TRASH/empty" lessons --format json >l.json &&
	test "$(jq "[.lessons[].passages] | add" l.json)" = 0
'
test_done
