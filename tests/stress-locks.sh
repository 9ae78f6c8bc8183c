#!/bin/sh
# stress-locks.sh - 50 writers started at once (make stress)
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

: "${T6_WRITERS:=50}"

evidence init >/dev/null
evidence add "$FIXTURES/text" >/dev/null
i=1
while [ $i -le "$T6_WRITERS" ]; do
	mkdir -p "in$i"
	printf 'Writer %d\n\nA note from writer %d about trust and federations.\n' \
		$i $i >"in$i/note.txt"
	i=$((i + 1))
done

# start_all WAIT: every writer at once, with --wait WAIT; codes in code.N.
start_all() {
	rm -f code.* err.*
	i=1
	while [ $i -le "$T6_WRITERS" ]; do
		{ evidence add --wait "$1" "in$i" >/dev/null 2>"err.$i"; echo $? >"code.$i"; } &
		i=$((i + 1))
	done
	wait
}

test_expect_success "$T6_WRITERS writers, no waiting: each works or gives 75 at once" '
	t0=$(date +%s) && start_all 0 && t1=$(date +%s) &&
	ok=$(cat code.* | grep -c "^0$") && busy=$(cat code.* | grep -c "^75$") &&
	echo "$ok wrote, $busy were told the collection is locked, in $((t1 - t0)) s" >>figures &&
	test $((ok + busy)) = "$T6_WRITERS" && test "$ok" -ge 1 &&
	for f in err.*; do
		test ! -s "$f" || { test $(wc -l <"$f") = 1 && grep -q "locked by another writer" "$f"; } || exit 1
	done &&
	evidence stats --format json >s.json && test "$(jq .works s.json)" = $((3 + ok)) &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test_expect_success "$T6_WRITERS writers waiting up to 300 s: all of them write" '
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null &&
	start_all 300 &&
	test "$(cat code.* | grep -c "^0$")" = "$T6_WRITERS" &&
	evidence stats --format json >s.json && test "$(jq .works s.json)" = "$T6_WRITERS" &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test -f figures && sed "s/^/# /" figures
test_done
