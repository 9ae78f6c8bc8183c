#!/bin/sh
# t6400-corrupt.sh - a damaged index: one line advising --rebuild, which cures it
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"

command -v xapian-check >/dev/null ||
	skip_all "xapian-check is not installed (apt-get install xapian-tools)"

# t3200-index.sh has one case (postlist.glass zeroed, then search); here
# every table is truncated, halved and zeroed, and every command that
# opens the index is run on it.

evidence init >/dev/null
evidence add "$FIXTURES/text" "$FIXTURES/csl/review.json" \
	"$FIXTURES/parse/pubmed-set.xml" >/dev/null
cp -a "$EVIDENCE_DIR" healthy
canon healthy healthy.canon
id=$(evidence export | jq -r .id | head -1)

# The commands that open the index, readers and writers.  A new one is
# one line.
index_commands='
search trust
search --format json "mission creep"
show ID
stats
lessons
cite ID
index
add FIXTURE
'

ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# damage FILE HOW: truncate, halve or zero one file of the index.
damage() {
	f="$EVIDENCE_DIR/index/$1"
	case $2 in
	truncate) : >"$f" ;;
	halve) truncate -s $(( $(stat -c %s "$f") / 2 )) "$f" ;;
	zero) dd if=/dev/zero of="$f" bs=1 count=$(stat -c %s "$f") \
		conv=notrunc 2>/dev/null ;;
	esac
}

# Every command either works (the damage is where it does not look) or
# exits 65 with one line that says to rebuild; one that hangs is stopped
# by timeout(1) (124) and fails.  The times go to "figures", unjudged.
try_commands() {
	detected=0
	while read -r line <&4; do
		test -n "$line" || continue
		cmd=$(echo "$line" | sed "s|ID|$id|; s|FIXTURE|$FIXTURES/text/focus-note.txt|")
		t0=$(ms)
		eval "timeout 60 evidence $cmd" >/dev/null 2>err
		code=$?
		t=$(( $(ms) - t0 ))
		echo "$1: $cmd: exit $code, $t ms" >>figures
		case $code in
		0 | 1) ;;
		65)
			detected=$((detected + 1))
			test $(wc -l <err) = 1 && grep -q "evidence index --rebuild" err || {
				echo "$1: $cmd: exit 65 without one line of advice:"
				cat err
				return 1
			}
			;;
		*)
			echo "$1: $cmd: exit $code"
			cat err
			return 1
			;;
		esac
	done 4<<-EOF
	$index_commands
	EOF
	echo "$1: $detected commands saw the damage" >>figures
	test $detected -ge 1 || { echo "$1: no command saw the damage"; return 1; }
}

# No docdata.glass: since schema 4 the document data is in a value slot,
# inside postlist.glass (lib/xdb.h).
for file in iamglass postlist.glass termlist.glass position.glass; do
	for how in truncate halve zero; do
		test_expect_success "$file $how: 65 and advice, or a clean answer" "
			rm -rf \"\$EVIDENCE_DIR\" && cp -a healthy \"\$EVIDENCE_DIR\" &&
			damage $file $how &&
			! xapian-check \"\$EVIDENCE_DIR/index\" >/dev/null 2>&1 &&
			try_commands '$file $how'
		"
		test_expect_success "$file $how: index --rebuild restores it all" "
			evidence index --rebuild >/dev/null &&
			xapian-check \"\$EVIDENCE_DIR/index\" >/dev/null &&
			canon \"\$EVIDENCE_DIR\" got && test_cmp healthy.canon got
		"
	done
done

test_expect_success 'an index directory that is not a database at all' '
	rm -rf "$EVIDENCE_DIR/index" && mkdir "$EVIDENCE_DIR/index" &&
	echo "not a database" >"$EVIDENCE_DIR/index/iamglass" &&
	evidence search trust 2>err; test $? = 65 &&
	grep -q "index --rebuild" err && test $(wc -l <err) = 1 &&
	evidence index --rebuild >/dev/null &&
	canon "$EVIDENCE_DIR" got && test_cmp healthy.canon got
'
test_expect_success 'a missing index says to run index' '
	rm -rf "$EVIDENCE_DIR/index" &&
	evidence search trust 2>err; test $? -ne 0 &&
	grep -q "run .evidence index." err && test $(wc -l <err) = 1
'
test -f figures && sed 's/^/# /' figures
test_done
