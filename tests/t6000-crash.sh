#!/bin/sh
# t6000-crash.sh - SIGKILL anywhere in a writer loses nothing, adds nothing
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"

test_need_injector
command -v xapian-check >/dev/null ||
	skip_all "xapian-check is not installed (apt-get install xapian-tools)"

# How hard to try: make check does a few kills and every few commit
# points; "make stress" sets T6_KILLS=50 and T6_STRIDE=1 (every point).
: "${T6_KILLS:=3}"
: "${T6_POINTS:=8}"
: "${T6_STRIDE:=0}"

# T6_FLUSH=4 makes Xapian commit every 4 changes, so that a kill can
# land between commits inside one work (notmuch's T380 does the same).
# Not in make check: the indexer writes a work's documents in more than
# one change, and a commit between them loses its passages for good
# (see the report of issue 5); make stress-flush runs it.
if [ -n "${T6_FLUSH:-}" ]; then
	XAPIAN_FLUSH_THRESHOLD=$T6_FLUSH
	export XAPIAN_FLUSH_THRESHOLD
fi

# The input: our fixtures, copied once so that their file:// URLs (part
# of some ids) are the same in every run.
mkdir -p input/first input/more
cp "$FIXTURES"/text/*.txt input/first/
cp "$FIXTURES/csl/review.json" "$FIXTURES/parse/pubmed-set.xml" \
	"$FIXTURES/parse/jats-article.xml" "$FIXTURES/parse/html-article.html" \
	"$FIXTURES/parse/csl.json" input/more/

# The writers, one per line: NAME|SETUP|COMMAND.  SETUP makes the state
# the command starts from (in $EVIDENCE_DIR); COMMAND is what gets
# killed and then run again.  A new writer ("harvest") is one more line.
crash_commands='
add|evidence add input/first >/dev/null|add input/first input/more
index|evidence add --no-index input/first input/more >/dev/null|index
rebuild|evidence add input/first input/more >/dev/null|index --rebuild
harvest|:|harvest
'

# make_state NAME SETUP: the starting collection, kept in state.NAME.
make_state() {
	rm -rf "state.$1"
	EVIDENCE_DIR="$TRASH/state.$1" evidence init >/dev/null &&
		(EVIDENCE_DIR="$TRASH/state.$1" && export EVIDENCE_DIR &&
			eval "$2")
}

# fresh NAME: a copy of state.NAME in $TRASH/run.
fresh() {
	rm -rf run && cp -a "state.$1" run
}

# after_kill NAME COMMAND WHAT: the checks after a kill, then the rerun
# and the comparison with the uninterrupted run.
after_kill() {
	check_consistent run || { echo "after $3"; return 1; }
	# Searching what the kill left works: hits or none, never an error
	# (passages written without their work document are left out).
	if [ -f run/index/iamglass ]; then
		EVIDENCE_DIR="$TRASH/run" "$EVIDENCE" search trust \
			>/dev/null 2>search.err
		test $? -le 1 || {
			echo "a search after $3 failed:"
			cat search.err
			return 1
		}
	fi
	EVIDENCE_DIR="$TRASH/run" "$EVIDENCE" $2 >/dev/null 2>rerun.err || {
		echo "the rerun after $3 failed:"
		cat rerun.err
		return 1
	}
	canon run got
	test_cmp "golden.$1" got || { echo "after $3"; return 1; }
}

# random_ms MAX: a pseudo-random number below MAX.
seed=$$
random_ms() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	echo $(( seed % $1 ))
}

while IFS='|' read -r name setup cmd <&3; do
	test -n "$name" || continue
	make_state "$name" "$setup" || echo "cannot set up $name" >&2
	fresh "$name"
	start=$(date +%s%N)
	EVIDENCE_DIR="$TRASH/run" "$EVIDENCE" $cmd >/dev/null 2>&1
	ms=$(( ($(date +%s%N) - start) / 1000000 + 1 ))
	canon run "golden.$name"
	echo "$name $ms" >>durations
done 3<<EOF
$crash_commands
EOF

while IFS='|' read -r name setup cmd <&3; do
	test -n "$name" || continue
	ms=$(awk -v n="$name" '$1 == n { print $2 }' durations)

	test_expect_success "$name: the uninterrupted run is consistent" "
		fresh $name && EVIDENCE_DIR=\$TRASH/run evidence $cmd >/dev/null &&
		check_consistent run && canon run got &&
		test_cmp golden.$name got &&
		grep -q XKwork golden.$name
	"

	test_expect_success "$name: $T6_KILLS SIGKILLs at random moments" "
		survived=0
		for k in \$(seq $T6_KILLS); do
			fresh $name
			at=\$(random_ms $ms)
			EVIDENCE_DIR=\$TRASH/run \"\$EVIDENCE\" $cmd >/dev/null 2>&1 &
			pid=\$!
			sleep \$(printf '%d.%03d' \$((at / 1000)) \$((at % 1000)))
			kill -9 \$pid 2>/dev/null
			wait \$pid
			after_kill $name '$cmd' \"a kill at \${at} ms\" || exit 1
			survived=\$((survived + 1))
		done
		echo \"$name: \$survived of $T6_KILLS kills survived\" >>\$TRASH/figures
	"

	test_expect_success "$name: a kill at each commit point (fsync, rename)" "
		fresh $name &&
		points=\$(EVIDENCE_DIR=\$TRASH/run count_points sync $cmd) &&
		test \"\$points\" -gt 0 &&
		stride=$T6_STRIDE &&
		if [ \$stride = 0 ]; then stride=\$(( (points + $T6_POINTS - 1) / $T6_POINTS )); fi &&
		tried=0 &&
		last=\$(( (points - 1) % stride ? points : 0 )) &&
		for k in \$(seq 1 \$stride \$points) \${last#0}; do
			fresh $name
			EVIDENCE_DIR=\$TRASH/run inject_run sync:\$k:kill $cmd >/dev/null 2>&1
			code=\$?
			test \$code = 137 || { echo \"point \$k: exit \$code, not killed\"; exit 1; }
			after_kill $name '$cmd' \"a kill at point \$k of \$points\" || exit 1
			tried=\$((tried + 1))
		done &&
		echo \"$name: \$tried of \$points commit points swept\" >>\$TRASH/figures
	"

	test_expect_success "$name: a kill just after each commit point" "
		fresh $name &&
		points=\$(EVIDENCE_DIR=\$TRASH/run count_points sync $cmd) &&
		stride=$T6_STRIDE &&
		if [ \$stride = 0 ]; then stride=\$(( (points + $T6_POINTS - 1) / $T6_POINTS )); fi &&
		tried=0 &&
		for k in \$(seq 2 \$stride \$points); do
			fresh $name
			EVIDENCE_DIR=\$TRASH/run inject_run sync:\$k:killafter $cmd >/dev/null 2>&1
			test \$? = 137 || { echo \"point \$k: not killed\"; exit 1; }
			after_kill $name '$cmd' \"a kill after point \$k\" || exit 1
			tried=\$((tried + 1))
		done &&
		echo \"$name: \$tried kills just after a commit point\" >>\$TRASH/figures
	"
done 3<<EOF
$crash_commands
EOF

# Regression: a writer killed while creating the index (before its
# first commit) left a directory that no later run could open.
test_expect_success 'index killed before its first commit: the rerun works' '
	fresh index &&
	EVIDENCE_DIR=$TRASH/run inject_run sync:1:kill index >/dev/null 2>&1
	test $? = 137 && test -d run/index && ! test -f run/index/iamglass &&
	EVIDENCE_DIR=$TRASH/run evidence index >/dev/null &&
	canon run got && test_cmp golden.index got
'

# Regression: a writer killed between a file's two renames (into
# store/tmp, then into place) left the whole file in store/tmp for good.
test_expect_success 'store/tmp is emptied by the next writer' '
	fresh add &&
	EVIDENCE_DIR=$TRASH/run inject_run rename:1:killafter add input/more >/dev/null 2>&1
	test $? = 137 && test -n "$(ls run/store/tmp)" &&
	EVIDENCE_DIR=$TRASH/run evidence add input/first >/dev/null &&
	test -z "$(ls run/store/tmp)"
'

# The keys of one work share one file, hard links made in store/tmp
# before the renames (see evidence-collection(5)).  A kill at any of
# those links, a file system with none (EPERM), and one that refuses one
# more (EMLINK) all end in the same collection as the uninterrupted run.
add_cmd='add input/first input/more'
test_expect_success 'add: the keys of a work share one file' '
	fresh add && EVIDENCE_DIR=$TRASH/run evidence $add_cmd >/dev/null &&
	test "$(find run/store/keys -type f -links +1 | wc -l)" -gt 1
'
test_expect_success 'add: a kill at each link of a key' '
	fresh add &&
	points=$(EVIDENCE_DIR=$TRASH/run count_points link $add_cmd) &&
	test "$points" -gt 0 &&
	for k in $(seq 1 "$points"); do
		fresh add
		EVIDENCE_DIR=$TRASH/run inject_run link:$k:kill $add_cmd >/dev/null 2>&1
		test $? = 137 || { echo "link $k: not killed"; exit 1; }
		after_kill add "$add_cmd" "a kill at link $k of $points" || exit 1
	done &&
	echo "add: a kill at each of $points links" >>figures
'
test_expect_success 'add: no hard links, or one refused: the same collection' '
	fresh add &&
	EVIDENCE_DIR=$TRASH/run inject_run link:1+:EPERM $add_cmd >/dev/null &&
	canon run got && test_cmp golden.add got &&
	test -z "$(find run/store/keys -type f -links +1)" &&
	fresh add &&
	EVIDENCE_DIR=$TRASH/run inject_run link:2:EMLINK $add_cmd >/dev/null &&
	canon run got && test_cmp golden.add got
'

test -f figures && sed 's/^/# /' figures
test_done
