#!/bin/sh
# t3210-index-termlists.sh - an index evidence creates stores its
# termlists and spelling lists plain (lib/xdb.cc: plain_tables()); one
# Xapian made otherwise is used as it is
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# glass_tables DB: one line per table of the glass database DB, in the
# order of its version file ("iamglass": magic and format, 16 bytes; the
# uuid, 16; the revision; then for each table its root block, flags,
# entry count, block size and compression threshold, then its free list
# as a length and bytes; integers seven bits a byte, low bits first):
# "NAME entries=N compress_min=N".  Written here from the format, apart
# from the code under test.
glass_tables() {
	od -An -v -tu1 "$1/iamglass" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function uint(   x, m, c) {
		x = 0; m = 1
		do { c = b[p++]; x += (c % 128) * m; m *= 128 } while (c >= 128)
		return x
	}
	END {
		split("postlist docdata termlist position spelling synonym", name)
		p = 32; uint()
		for (t = 1; t <= 6; t++) {
			uint(); uint(); entries = uint(); uint(); min = uint()
			p += uint()
			printf "%s entries=%d compress_min=%d\n", name[t], entries, min
		}
	}'
}

# set_table_min DB T N: give the T-th table (0 postlist ... 5 synonym) of
# DB the threshold N (< 128), as a database Xapian created itself has it
# (18); the table's current threshold must be one byte too.
set_table_min() {
	off=$(od -An -v -tu1 "$1/iamglass" | awk -v want="$2" '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function skip() { while (b[p++] >= 128) ; }
	END {
		p = 32; skip()
		for (t = 0; t < want; t++) {
			skip(); skip(); skip(); skip(); skip()
			len = b[p]; skip(); p += len
		}
		skip(); skip(); skip(); skip()
		print p
	}') &&
	printf "$(printf '\\%03o' "$3")" |
		dd of="$1/iamglass" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

evidence init >/dev/null
evidence add "$FIXTURES/text" >/dev/null

test_expect_success 'add creates an index whose termlists and spelling lists are stored plain' '
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist entries=[1-9][0-9]* compress_min=0$" tables &&
	grep -q "^spelling entries=[1-9][0-9]* compress_min=0$" tables
'
test_expect_success 'the other tables keep the thresholds Xapian gave them' '
	grep -q "^postlist .* compress_min=0$" tables &&
	grep -q "^docdata .* compress_min=18$" tables &&
	grep -q "^position .* compress_min=0$" tables &&
	grep -q "^synonym .* compress_min=18$" tables
'
test_expect_success 'xapian-check finds the index sound' '
	xapian-check "$EVIDENCE_DIR/index" >out &&
	grep -q "No errors found" out
'
test_expect_success 'termlists are read back: a work is replaced in place' '
	cp "$FIXTURES/text/pacing-note.txt" "$TRASH/note.txt" &&
	evidence add "$TRASH/note.txt" >/dev/null &&
	echo "A paragraph about zebras, added later." >>"$TRASH/note.txt" &&
	evidence add "$TRASH/note.txt" >out &&
	grep -q "0 new, 1 updated" out &&
	evidence search zebras --format json >hits.json &&
	test "$(jq .total hits.json)" = 1 &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test_expect_success 'an index with compressed termlists and spelling lists is left so' '
	set_table_min "$EVIDENCE_DIR/index" 2 18 &&
	set_table_min "$EVIDENCE_DIR/index" 4 18 &&
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist .* compress_min=18$" tables &&
	grep -q "^spelling .* compress_min=18$" tables &&
	echo "Another paragraph, about giraffes and trust." >>"$TRASH/note.txt" &&
	evidence add "$TRASH/note.txt" >out &&
	grep -q "0 new, 1 updated" out &&
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist .* compress_min=18$" tables &&
	grep -q "^spelling .* compress_min=18$" tables &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test_expect_success 'plain and compressed items are read alike' '
	n=$(find "$EVIDENCE_DIR/store/records" -name "*.json" | wc -l) &&
	evidence search giraffes --format json >hits.json &&
	test "$(jq .total hits.json)" = 1 &&
	evidence search giraffs >out 2>&1 &&
	grep -q "giraffes" out &&
	evidence index >out &&
	grep -q "^$n works: 0 indexed" out
'
# A compacted copy is a new database written by Xapian, with the default
# thresholds in its version file whatever its source had: the copy gets
# 0, so that what is written into it later is stored plain too.
test_expect_success 'index --compact keeps termlists and spelling lists plain for later works' '
	evidence index --compact >/dev/null &&
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist entries=[1-9][0-9]* compress_min=0$" tables &&
	grep -q "^spelling entries=[1-9][0-9]* compress_min=0$" tables &&
	grep -q "^docdata .* compress_min=18$" tables &&
	echo "A third paragraph, about okapis and goodwill." >>"$TRASH/note.txt" &&
	evidence add "$TRASH/note.txt" >out &&
	grep -q "0 new, 1 updated" out &&
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist .* compress_min=0$" tables &&
	grep -q "^spelling .* compress_min=0$" tables &&
	evidence search okapis --format json >hits.json &&
	test "$(jq .total hits.json)" = 1 &&
	evidence search giraffes --format json >hits.json &&
	test "$(jq .total hits.json)" = 1 &&
	xapian-check "$EVIDENCE_DIR/index" >out &&
	grep -q "No errors found" out
'
test_expect_success 'index --rebuild makes them plain again' '
	evidence index --rebuild >/dev/null &&
	glass_tables "$EVIDENCE_DIR/index" >tables &&
	grep -q "^termlist entries=[1-9][0-9]* compress_min=0$" tables &&
	grep -q "^spelling entries=[1-9][0-9]* compress_min=0$" tables &&
	xapian-check "$EVIDENCE_DIR/index" >/dev/null
'
test_done
