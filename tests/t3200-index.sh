#!/bin/sh
# t3200-index.sh - the index: incremental, rebuilt, re-tagged, repaired
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add --no-index "$FIXTURES/text" "$FIXTURES/csl/review.json" >/dev/null

test_expect_success 'add --no-index stores without indexing' '
	test $(find "$EVIDENCE_DIR/store/records" -name "*.json" | wc -l) = 5 &&
	! test -d "$EVIDENCE_DIR/index"
'
test_expect_exit 1 'search before any index says to run index' \
	'evidence search trust 2>err' 'grep -q "run .evidence index." err'
test_expect_success 'index indexes every work once' '
	evidence index >out &&
	grep -q "^5 works: 5 indexed" out &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test_expect_success 'a second run changes nothing' '
	evidence index >out &&
	grep -q "^5 works: 0 indexed (0 passages), 5 unchanged, 0 removed" out
'
test_expect_success 'the schema version is in the database metadata' '
	test "$(xapian-delve -V0 "$EVIDENCE_DIR/index" >/dev/null 2>&1; echo ok)" = ok &&
	evidence stats --format json >s.json && test "$(jq .works s.json)" = 5
'
test_expect_success 'a changed record is re-indexed, the others are not' '
	printf "Networks need years, not months\n\nNow with a new paragraph about patience.\n" >"$TRASH/pacing.txt" &&
	cp "$FIXTURES/text/pacing-note.txt" "$TRASH/p2.txt" &&
	evidence add "$TRASH/p2.txt" >/dev/null &&
	echo "Another paragraph, added later, about trust and goodwill." >>"$TRASH/p2.txt" &&
	evidence add "$TRASH/p2.txt" >out &&
	grep -q "0 new, 1 updated" out &&
	evidence index >out && grep -q "0 indexed" out
'
test_expect_success 'editing the taxonomy re-tags everything' '
	evidence lessons --format json >before.json &&
	cat >>"$EVIDENCE_DIR/lessons.conf" <<-\CONF &&
	[colour]
	label = Colour
	description = Test lesson: colours.
	threshold = 1
	word 1 red blue green
	CONF
	evidence index >out &&
	grep -q "^6 works: 6 indexed" out &&
	evidence lessons --format json >after.json &&
	test "$(jq -r ".lessons[-1].lesson" after.json)" = colour
'
test_expect_success '--rebuild builds afresh and swaps it in' '
	evidence index --rebuild >out &&
	grep -q "^6 works: 6 indexed" out &&
	! test -e "$EVIDENCE_DIR/index.new" && ! test -e "$EVIDENCE_DIR/index.old"
'
# A compact copy is a new database (its own UUID, revision 1), no bigger,
# that answers as the old one did and takes updates after; a copy left
# by a run that died is no obstacle.
index_info() {
	xapian-delve -v "$EVIDENCE_DIR/index" | sed -n "s/^$1 = //p"
}
test_expect_success 'index --compact swaps in a compact copy that answers the same' '
	evidence search --format json trust goodwill >before.json &&
	uuid=$(index_info UUID) &&
	size=$(du -sk "$EVIDENCE_DIR/index" | cut -f1) &&
	mkdir "$EVIDENCE_DIR/index.compact" && : >"$EVIDENCE_DIR/index.compact/junk" &&
	evidence index --compact >out &&
	grep -q "^6 works: .* 0 removed, 0 failed" out &&
	test "$(index_info revision)" = 1 && test "$(index_info UUID)" != "$uuid" &&
	test $(du -sk "$EVIDENCE_DIR/index" | cut -f1) -le $size &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null &&
	evidence search --format json trust goodwill >after.json &&
	test_cmp before.json after.json &&
	! test -e "$EVIDENCE_DIR/index.compact" && ! test -e "$EVIDENCE_DIR/index.old"
'
test_expect_success 'a compacted index takes updates; --rebuild --compact too' '
	printf "Trust between practices took years.\n" >"$TRASH/later.txt" &&
	evidence add "$TRASH/later.txt" >/dev/null &&
	evidence search trust >out && grep -q "later" out &&
	evidence index --rebuild --compact >out &&
	grep -q "^7 works: 7 indexed" out &&
	test "$(index_info revision)" = 1 &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null &&
	! test -e "$EVIDENCE_DIR/index.new" && ! test -e "$EVIDENCE_DIR/index.compact"
'
# A collection folder that takes no new entry (immutable: root only).
if chattr +i "$EVIDENCE_DIR" 2>/dev/null; then
	chattr -i "$EVIDENCE_DIR"
	test_expect_code 77 'a compact copy that cannot be written leaves the index as it was' '
		uuid=$(index_info UUID) && chattr +i "$EVIDENCE_DIR" || exit 1
		evidence index --compact >out 2>err; code=$?
		chattr -i "$EVIDENCE_DIR"
		test $(wc -l <err) = 1 && grep -q "compact copy" err &&
		test "$(index_info UUID)" = "$uuid" &&
		! test -e "$EVIDENCE_DIR/index.compact" || exit 1
		exit $code
	'
else
	test_skip 'a compact copy that cannot be written leaves the index as it was' \
		'chattr +i is not allowed here'
fi
test_expect_success 'a work removed from the store leaves the index' '
	f=$(grep -l "Trust before structures" $(find "$EVIDENCE_DIR/store/records" -name "*.json")) &&
	rm "$f" &&
	evidence index >out && grep -q "1 removed" out &&
	evidence search --format json "trust before structures" >res.json; \
	! jq -r ".hits[].title" res.json | grep -q "^Trust before structures$"
'
# A record file keeps its stamp (name, inode, size, modification time)
# until the store writes it again, which it does by renaming a new file
# into place; index passes over a file with the stamp it had unread.
# garble FILE: other bytes in place, same size and modification time.
garble() {
	cp -p "$1" garbled.orig &&
	tr "a-y" "b-z" <garbled.orig >garbled &&
	dd if=garbled of="$1" conv=notrunc 2>/dev/null &&
	touch -r garbled.orig "$1" && ! cmp -s "$1" garbled.orig
}
test_expect_success 'index passes over a record file with its old stamp unread' '
	f=$(find "$EVIDENCE_DIR/store/records" -name "*.json" | head -1) &&
	garble "$f" &&
	evidence index >out &&
	grep -q "works: 0 indexed (0 passages), [1-9][0-9]* unchanged, 0 removed, 0 failed" out &&
	touch "$f" &&
	{ evidence index >out 2>err; test $? = 1; } &&
	grep -q "damaged record file" err && grep -q ", 1 failed" out
'
# The index keeps what it had for a work whose record file it cannot
# read, and reads the file again once it is mended.
test_expect_success 'a damaged record file leaves its work indexed as it was' '
	f=$(find "$EVIDENCE_DIR/store/records" -name "*.json" | head -1) &&
	grep -q " 0 removed, 1 failed" out &&
	id=$(jq -r .id garbled.orig) &&
	evidence search --format json --limit 50 "$(jq -r .title garbled.orig)" \
		>res.json &&
	jq -e --arg id "$id" "[.hits[].id] | index(\$id) != null" res.json &&
	cp garbled.orig "$f" &&
	evidence index >out &&
	grep -q "works: 0 indexed .*, 0 removed, 0 failed" out &&
	evidence index >out &&
	grep -q "works: 0 indexed .*, 0 removed, 0 failed" out
'
test_expect_success 'a copied collection is read once, then passed over' '
	cp -a "$EVIDENCE_DIR" copy &&
	EVIDENCE_DIR=$PWD/copy evidence index >out &&
	grep -q "works: 0 indexed .* 0 failed" out &&
	f=$(find copy/store/records -name "*.json" | head -1) &&
	garble "$f" &&
	EVIDENCE_DIR=$PWD/copy evidence index >out &&
	grep -q "works: 0 indexed .* 0 failed" out &&
	rm -rf copy
'
test_expect_exit 1 'a damaged record file is skipped and named' '
	f=$(find "$EVIDENCE_DIR/store/records" -name "*.json" | head -1) &&
	printf "{ not json" >"$f" &&
	evidence index --rebuild >out 2>err
' 'grep -q "damaged record file" err && grep -q "1 failed" out'
test_expect_exit 65 'a damaged index is reported with the cure' '
	find "$EVIDENCE_DIR/store/records" -name "*.json" -size -20c -delete
	dd if=/dev/zero of="$EVIDENCE_DIR/index/postlist.glass" bs=1024 count=8 conv=notrunc 2>/dev/null &&
	evidence search trust 2>err
' 'grep -q "index --rebuild" err && test $(wc -l <err) = 1'
test_expect_success 'index --rebuild repairs it from the store' '
	evidence index --rebuild >/dev/null &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null &&
	evidence search --format json goodwill >res.json &&
	test "$(jq ".hits | length" res.json)" -ge 1
'
# Schema 1 wrote a document per passage; schema 2 one per work, its data
# all JSON; schema 3 keeps the passages out of the JSON; schema 4 keeps
# the data compressed in a value slot; schema 5 keeps each passage's
# lessons beside it, out of the JSON too.  An old index is refused by
# readers and rebuilt by the next index run.
test_expect_success 'an index of another schema: readers refuse, index rebuilds' '
	test "$(xapian-metadata get "$EVIDENCE_DIR/index" evidence-schema)" = 5 &&
	xapian-metadata set "$EVIDENCE_DIR/index" evidence-schema 4 &&
	{ evidence search goodwill 2>err; test $? = 65; } &&
	grep -q "index --rebuild" err && test $(wc -l <err) = 1 &&
	evidence index >out &&
	grep -q "works: [1-9][0-9]* indexed" out &&
	test "$(xapian-metadata get "$EVIDENCE_DIR/index" evidence-schema)" = 5 &&
	evidence search goodwill >/dev/null
'
# add syncs the works its inputs name, new or not, so it rebuilds a
# stale index even when it stores nothing (harvest: t2100).
test_expect_success 'add of nothing new rebuilds an index of another schema' '
	evidence add "$FIXTURES/csl/review.json" >/dev/null &&
	xapian-metadata set "$EVIDENCE_DIR/index" evidence-schema 4 &&
	evidence add "$FIXTURES/csl/review.json" >out &&
	grep -q " 0 new, 0 updated" out &&
	test "$(xapian-metadata get "$EVIDENCE_DIR/index" evidence-schema)" = 5 &&
	evidence search goodwill >/dev/null
'
test_expect_exit 65 'a malformed taxonomy stops index with FILE:LINE' '
	echo "word notanumber x" >>"$EVIDENCE_DIR/lessons.conf" &&
	evidence index 2>err
' 'grep -q "lessons.conf:[0-9]" err'
test_done
