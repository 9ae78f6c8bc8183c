#!/bin/sh
# t3000-tag.sh - "evidence tag": passages, lessons, formats and errors
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# colours.conf tags red things and round-and-square things; the expected
# output below was worked out by hand from its comments.
LESSONS_FILE="$FIXTURES/lessons/colours.conf"
INPUT="$FIXTURES/lessons/colours.txt"

cat >expect.text <<'EOF'
1. The red door.
   colours         0.50
2. Light blue and red sky, ...
   colours         0.75
3. A square, round peg.
   shapes          0.50
4. A round table and a square room: too far apart.
   (no lessons)
5. A reddish red glow.
   (no lessons)
EOF

cat >expect.explain <<'EOF'
1. The red door.
   colours         0.50  (score 2.00)
      word 2 red
2. Light blue and red sky, ...
   colours         0.75  (score 4.00)
      word 2 red
      phrase 2 light blue
3. A square, round peg.
   shapes          0.50  (score 1.00)
      near 1 3 round square
4. A round table and a square room: too far apart.
   (no lessons)
5. A reddish red glow.
   (no lessons)
EOF

cat >expect.json <<'EOF'
{"format_version":1,"passages":[{"n":1,"text":"The red door.","lessons":[{"lesson":"colours","strength":0.5000,"score":2.0000,"cues":["word 2 red"]}]},{"n":2,"text":"Light blue and red sky,\nover two lines.","lessons":[{"lesson":"colours","strength":0.7500,"score":4.0000,"cues":["word 2 red","phrase 2 light blue"]}]},{"n":3,"text":"A square, round peg.","lessons":[{"lesson":"shapes","strength":0.5000,"score":1.0000,"cues":["near 1 3 round square"]}]},{"n":4,"text":"A round table and a square room: too far apart.","lessons":[]},{"n":5,"text":"A reddish red glow.","lessons":[]}]}
EOF

test_expect_success 'text output: every passage, its lessons and strengths' '
	evidence tag --lessons "$LESSONS_FILE" "$INPUT" >out &&
	test_cmp expect.text out
'

test_expect_success '--lessons also works before the command' '
	evidence --lessons "$LESSONS_FILE" tag "$INPUT" >out &&
	test_cmp expect.text out
'

test_expect_success '--explain adds scores and the cues as written' '
	evidence tag --explain --lessons "$LESSONS_FILE" "$INPUT" >out &&
	test_cmp expect.explain out
'

test_expect_success 'JSON output, byte for byte' '
	evidence tag --format json --lessons "$LESSONS_FILE" "$INPUT" >out &&
	test_cmp expect.json out
'

test_expect_success 'JSON output: numbered from 1, every passage listed' '
	evidence tag --format=json --lessons "$LESSONS_FILE" "$INPUT" >out &&
	test "$(jq ".passages | length" out)" = 5 &&
	test "$(jq -c "[.passages[].n]" out)" = "[1,2,3,4,5]" &&
	test "$(jq -c "[.passages[] | [.lessons[].lesson]]" out)" = \
		"[[\"colours\"],[\"colours\"],[\"shapes\"],[],[]]"
'

test_expect_success 'reads standard input with no file' '
	evidence tag --lessons "$LESSONS_FILE" <"$INPUT" >out &&
	test_cmp expect.text out
'

test_expect_success 'reads standard input for "-"' '
	evidence tag --format json --lessons "$LESSONS_FILE" - \
		<"$INPUT" >out &&
	test_cmp expect.json out
'

test_expect_success 'a text with no blank line has a passage per line' '
	printf "Red one.\nSquare and round.\n\n\n" |
		evidence tag --format json --lessons "$LESSONS_FILE" >out &&
	test "$(jq -c "[.passages[] | [.n, .text]]" out)" = \
		"[[1,\"Red one.\"],[2,\"Square and round.\"]]"
'

test_expect_success 'empty input: no passages, success' '
	evidence tag --format json --lessons "$LESSONS_FILE" </dev/null >out &&
	echo "{\"format_version\":1,\"passages\":[]}" >expect &&
	test_cmp expect out &&
	evidence tag --lessons "$LESSONS_FILE" </dev/null >out &&
	test_cmp /dev/null out &&
	printf "\n \n\t\n" | evidence tag --format json >out &&
	test_cmp expect out
'

test_expect_success 'invalid UTF-8 and NUL bytes still make valid JSON' '
	printf "red \377\376 door\000 and more\n" |
		evidence tag --format json --lessons "$LESSONS_FILE" >out &&
	test "$(jq -r ".passages[0].lessons[0].lesson" out)" = colours &&
	jq -r ".passages[0].text" out >text &&
	printf "red \357\277\275\357\277\275 door  and more\n" >expect &&
	test_cmp expect text
'

cat >bad.conf <<'EOF'
# a taxonomy with a mistake on line 5
[red]
threshold = 1

word heavy red
EOF

test_expect_success 'a malformed taxonomy: one line FILE:LINE, exit 65' '
	expect_exit 65 evidence tag --lessons bad.conf "$INPUT" \
		>out 2>err &&
	test_cmp /dev/null out &&
	echo "evidence: bad.conf:5: weight '"'heavy'"' is not a number" \
		"other than 0" >expect &&
	test_cmp expect err
'

test_expect_success 'a missing taxonomy file says which, exit 1' '
	expect_exit 1 evidence tag --lessons nosuch.conf "$INPUT" 2>err &&
	grep "^evidence: nosuch.conf: No such file or directory$" err
'

test_expect_success 'a missing input file says which, exit 1' '
	expect_exit 1 evidence tag --lessons "$LESSONS_FILE" nosuch.txt \
		2>err &&
	grep "^evidence: nosuch.txt: No such file or directory$" err
'

test_expect_success 'an unknown format is a usage error' '
	expect_exit 2 evidence tag --format csv "$INPUT" 2>err &&
	grep "unknown format" err
'

test_expect_success 'two inputs is a usage error' '
	expect_exit 2 evidence tag "$INPUT" "$INPUT" 2>err &&
	grep "^usage: evidence tag" err
'

test_expect_success 'an unknown option is a usage error' '
	expect_exit 2 evidence tag --colour "$INPUT" 2>err &&
	grep "^usage: evidence tag" err
'

# Which taxonomy: --lessons, else the collection's, else the built-in.
test_expect_success 'with no collection, the built-in taxonomy' '
	test ! -e "$EVIDENCE_DIR" &&
	echo "The risk of mission creep is real." |
		evidence tag --format json >out &&
	test "$(jq -r ".passages[0].lessons[0].lesson" out)" = focus
'

test_expect_success 'the collection'"'"'s lessons.conf when there is one' '
	evidence init >/dev/null &&
	cp "$LESSONS_FILE" "$EVIDENCE_DIR/lessons.conf" &&
	evidence tag "$INPUT" >out &&
	test_cmp expect.text out
'

test_expect_success '--lessons wins over the collection'"'"'s' '
	printf "[other]\nthreshold = 1\nword 1 door\n" >other.conf &&
	echo "The red door." | evidence tag --lessons other.conf >out &&
	grep "^   other " out &&
	! grep colours out
'

test_expect_success 'a malformed collection taxonomy is reported too' '
	cp bad.conf "$EVIDENCE_DIR/lessons.conf" &&
	expect_exit 65 evidence tag "$INPUT" 2>err &&
	grep "^evidence: .*/lessons.conf:5: weight" err
'

test_expect_success 'the shipped taxonomy tags the obvious cases' '
	printf "%s\n\n%s\n\n%s\n\n%s\n" \
		"Networks must avoid mission creep and keep clear goals." \
		"This is a marathon, not a sprint: change takes years." \
		"Trust and goodwill between practices matter most." \
		"There are 1,250 networks in England." |
		evidence tag --format json \
			--lessons "$top_srcdir/indexer/lessons.conf" >out &&
	test "$(jq -c "[.passages[] | [.lessons[].lesson]]" out)" = \
		"[[\"focus\"],[\"pacing\"],[\"relationships\"],[]]"
'

test_expect_success 'the example in evidence-lessons.conf(5) is valid' '
	sed -n "/^\.SH EXAMPLE/,/^\.fi/p" \
		"$top_srcdir/doc/evidence-lessons.conf.5" |
		sed -e "1,2d" -e "\$d" -e "s/\\\\-/-/g" >example.conf &&
	grep "^\[pacing\]" example.conf &&
	echo "Too soon: mission creep." |
		evidence tag --format json --lessons example.conf >out &&
	test "$(jq -c "[.passages[0].lessons[].lesson]" out)" = \
		"[\"focus\",\"pacing\"]"
'

test_done
