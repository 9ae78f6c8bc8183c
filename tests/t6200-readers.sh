#!/bin/sh
# t6200-readers.sh - searches keep working while a writer commits
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"

# How long the readers run: make stress sets T6_DOCS=3000.
: "${T6_DOCS:=400}"
: "${T6_READERS:=2}"

evidence init >/dev/null
evidence add "$FIXTURES/text" >/dev/null
mkdir -p many
i=1
while [ $i -le "$T6_DOCS" ]; do
	printf 'Note %d on networks\n\nPractice %d joined a federation; trust grew over %d years.\n\nA second paragraph, number %d, about goodwill.\n' \
		"$i" "$i" "$i" "$i" >many/note$i.txt
	i=$((i + 1))
done

# reader N QUERY: search in a loop until the file "stop" appears; every
# search must find something (the fixtures were indexed first).  Counts
# go to reader.N: "ok" or the failure.
reader() {
	: >"reader.$1"
	while ! test -f stop; do
		evidence search --format json --limit 3 "$2" >"res.$1" 2>"err.$1"
		code=$?
		if [ $code = 0 ] && [ "$(jq ".hits | length" "res.$1")" -ge 1 ]; then
			echo ok >>"reader.$1"
		else
			echo "exit $code: $(cat "err.$1")" >>"reader.$1"
		fi
	done
}

# run_readers WRITER...: readers on while the writer runs.
run_readers() {
	rm -f stop reader.*
	n=1
	while [ $n -le "$T6_READERS" ]; do
		reader $n trust &
		n=$((n + 1))
	done
	"$@"
	wcode=$?
	touch stop
	wait
	cat reader.* >readers
	oks=$(grep -c "^ok$" readers)
	bad=$(grep -vc "^ok$" readers)
	echo "$*: writer exit $wcode, $oks searches ok, $bad failed" >>figures
	grep -v "^ok$" readers | sort | uniq -c | head -5
	test $wcode = 0 && test "$oks" -ge 1 && test "$bad" = 0
}

# Xapian commits every 3 changes: a reader's revision goes stale under
# it again and again (DatabaseModifiedError after two more commits),
# which the binding answers by reopening and retrying.
test_expect_success 'searches while add commits every few documents' '
	XAPIAN_FLUSH_THRESHOLD=3 run_readers evidence add --quiet many
'
test_expect_success 'searches while index --rebuild swaps the index in' '
	run_readers sh -c "for i in 1 2 3 4 5; do evidence index --rebuild >/dev/null || exit 1; done"
'
test_expect_success 'searches while works are re-indexed (taxonomy edit)' '
	printf "[colour]\nlabel = Colour\ndescription = Test lesson.\nthreshold = 1\nword 1 red blue green\n" \
		>>"$EVIDENCE_DIR/lessons.conf" &&
	sed -i "s/trust grew/trust grew slowly/" many/note1.txt &&
	XAPIAN_FLUSH_THRESHOLD=5 run_readers evidence index --quiet
'
# The default sources file: the bundled corpus, stored and indexed.
test_expect_success 'searches while harvest stores and commits' '
	XAPIAN_FLUSH_THRESHOLD=3 run_readers evidence harvest --quiet
'
# The race of the second test, played every time: Xapian opens an
# index's files one by one, by name, so a search that read the version
# file just before "index --rebuild" renames the old index away finds no
# table file until the new one is renamed in.  The search's own open of
# postlist.glass is its last (an earlier one reads the taxonomy's stems):
# make that one fail once, as in the swap, and the search must open the
# index again; make every one fail, as in an index that lost the file,
# and it must say so in one line, exit 70.
if ! [ -f "$INJECT_SO" ]; then
	test_skip 'a table file missing for a moment' 'tests/inject.so is not built'
	test_skip 'a table file gone for good' 'tests/inject.so is not built'
	test_skip 'an index swapped whole during the open' \
		'tests/inject.so is not built'
else
test_expect_success 'a table file missing for a moment: opened again' '
	last=$(INJECT_PATH=postlist.glass count_points open search trust) &&
	test "$last" -ge 1 &&
	INJECT_PATH=postlist.glass inject_run "open:$last:ENOENT" \
		search --format json trust >res.json &&
	test "$(jq ".hits | length" res.json)" -ge 1
'
test_expect_code 70 'a table file gone for good: exit 70 and the file named' '
	INJECT_PATH=postlist.glass inject_run "open:1+:ENOENT" \
		search trust 2>err; code=$?
	test "$(wc -l <err)" = 1 && grep -q "postlist.glass" err &&
		grep -q "No such file or directory" err && exit $code
'
# And the swap done whole while the search is between its first table
# files and postlist.glass: stopped (SIGSTOP) at its own open of that
# file, the index is replaced by one of another collection, then the
# search goes on.  It would hold the old index's other tables and the new
# one's postings, and say, wrongly, that nothing matches (it did): it
# must see that the directory was replaced, open it again and answer
# from the new index.
test_expect_success 'an index swapped whole during the open: opened again' '
	mkdir swap swap/in &&
	printf "Zebrafinch swap note\n\nOnly the new index has it.\n" \
		>swap/in/note.txt &&
	EVIDENCE_DIR=$TRASH/swap/old evidence init >/dev/null &&
	EVIDENCE_DIR=$TRASH/swap/old evidence add --quiet "$FIXTURES/text" &&
	EVIDENCE_DIR=$TRASH/swap/new evidence init >/dev/null &&
	EVIDENCE_DIR=$TRASH/swap/new evidence add --quiet swap/in &&
	last=$(EVIDENCE_DIR=$TRASH/swap/old INJECT_PATH=postlist.glass \
		count_points open search trust) || exit 1
	test "$last" -ge 1 || {
		echo "no open of postlist.glass counted"
		exit 1
	}
	# On a line of its own: "&" would put a whole && list in the
	# background, and $! would be a shell, not the search.
	(exec env EVIDENCE_DIR="$TRASH/swap/old" INJECT_PATH=postlist.glass \
		INJECT_FAULT="open:$last:stop" LD_PRELOAD="$INJECT_SO" \
		"$EVIDENCE" search --format json --limit 3 zebrafinch \
		>res.json 2>err) &
	pid=$!
	i=0
	until ps -o stat= -p $pid | grep -q T; do
		i=$((i + 1)) && test $i -lt 600 && sleep 0.05 || break
	done
	swapped=no
	if ps -o stat= -p $pid | grep -q T; then
		mv swap/old/index swap/old/index.prev &&
			mv swap/new/index swap/old/index && swapped=yes
	else
		echo "the search did not stop: $(ps -o stat=,args= -p $pid)"
	fi
	# Never leave it stopped, whatever failed.
	kill -CONT $pid 2>/dev/null
	wait $pid &&
	test $swapped = yes &&
	test "$(jq -r ".hits[0].title" res.json)" = "Zebrafinch swap note"
'
fi
test -f figures && sed 's/^/# /' figures
test_done
