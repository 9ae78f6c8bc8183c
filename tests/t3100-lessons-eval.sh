#!/bin/sh
# t3100-lessons-eval.sh - the shipped taxonomy keeps F1 >= 0.85 on the seeds
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

[ -f "$SHARED/eval/seed-passages.tsv" ] && [ -d "$SHARED/seeds" ] ||
	skip_all "../shared/eval is absent (set EVIDENCE_SHARED)"
command -v jq >/dev/null 2>&1 ||
	skip_all "jq is not installed (apt-get install jq)"

EVAL="$top_srcdir/tests/eval-lessons.sh"
export EVIDENCE_SHARED="$SHARED"

test_expect_success 'F1 on the seed passages is at least 0.85 for each' '
	$SHELL "$EVAL" --sets seeds --check 0.85 >out 2>err ||
		{ cat out err; false; } &&
	for lesson in focus pacing relationships; do
		grep "^seeds  *$lesson  *P=[0-9.]* R=[0-9.]* F1=[0-9.]*" out ||
			return 1
	done
'

test_expect_success 'the check is not vacuous: a weak taxonomy fails it' '
	printf "[focus]\nthreshold = 1\nword 1 creep\n" >weak.conf &&
	! LESSONS="$PWD/weak.conf" $SHELL "$EVAL" --sets seeds \
		--check 0.85 >out 2>err &&
	grep "F1 .* is below 0.85" err
'

test_expect_success 'the held-out and development sets are measured' '
	$SHELL "$EVAL" --sets "dev holdout" >out &&
	test "$(grep -c "^holdout  *[a-z]* *P=" out)" = 3 &&
	test "$(grep -c "^dev  *[a-z]* *P=" out)" = 3
'

# A copy of the shared folder in which one seed's paragraphs differ from
# the labels: the script must refuse to score it.
test_expect_success 'a splitting that disagrees with the labels fails' '
	mkdir -p fake/eval fake/seeds &&
	cp "$SHARED/eval/seed-passages.tsv" fake/eval/ &&
	cp "$SHARED"/seeds/*.txt fake/seeds/ &&
	f=$(ls fake/seeds | head -n 1) &&
	printf "An extra paragraph at the top of the file.\n\n" >fake/top &&
	cat fake/top "$SHARED/seeds/$f" >"fake/seeds/$f" &&
	! EVIDENCE_SHARED="$PWD/fake" $SHELL "$EVAL" --sets seeds \
		>out 2>err &&
	grep "splitting disagrees" err
'

test_done
