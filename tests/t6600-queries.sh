#!/bin/sh
# t6600-queries.sh - hostile queries, ids and options: an answer or exit 2
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# t4000-search.sh tries a first set of odd queries (unbalanced quotes and
# brackets, lone operators, "title:", "foo:bar", one invalid byte, one
# query over the cap); these are the rest of ../shared/RELIABILITY.md
# Q1-Q6, and the same for show, cite and tag.

evidence init >/dev/null
evidence add "$FIXTURES/text" "$FIXTURES/csl/review.json" >/dev/null
# A term list to expand wildcards over: 3,000 words starting "zq".
awk 'BEGIN { printf "Wildcard fodder\n\n"; for (i = 0; i < 3000; i++) printf "zq%05d ", i; print "" }' \
	>fodder.txt
evidence add fodder.txt >/dev/null

ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# answer_or_2 ARGS...: "evidence ARGS" answers (0, or 1 for nothing
# found) with at most two lines on stderr, or refuses with 2 and one
# line; no sanitizer report either way.  A hang is stopped by timeout(1)
# and fails (124); the times go to "figures", unjudged.  The status is
# left in $code.
answer_or_2() {
	t0=$(ms)
	timeout 60 evidence "$@" >out 2>err
	code=$?
	t=$(( $(ms) - t0 ))
	echo "$code $t ms: $(printf '%s' "$*" | cut -c1-40 | tr -c '[:print:]' '?')" >>figures
	if grep -q "Sanitizer\|runtime error" err; then cat err; return 1; fi
	case $code in
	0 | 1) test $(wc -l <err) -le 2 ;;
	# One line, or the house style for usage errors: the reason,
	# then "usage: ..." (cli_usage_error()).
	2) test $(wc -l <err) = 1 ||
		{ test $(wc -l <err) = 2 && sed -n 2p err | grep -q "^usage: "; } ||
		{ cat err; return 1; } ;;
	*) echo "exit $code"; cat err; return 1 ;;
	esac
}

# One query per line; a new case is one more line.
queries='

   
OR
NEAR
ADJ
+
"
(
)
a OR
OR a
NOT a
-a
+-x
a NEAR/3
a ADJ/999999999 b
"a b" NEAR/0 "c d"
author:
year:
type:
lesson:
doi:
pmid:
nosuchfield:x
XKwork
XK:work
Qdoi:10.5555/evidence.test.1
year:..
year:2020..2010
year:abc..def
year:99999999999999999999..1
year:-5..-1
zq*
z*
*a
a**
"zq* zq*"
zq* AND zq* AND zq*
(zq* OR z*) NEAR zq*
type:review OR lesson:focus NOT type:
'

test_expect_success 'each odd query: results or exit 2 with one line' '
	echo "$queries" | while IFS= read -r q; do
		answer_or_2 search --format json "$q" || { echo "query [$q]"; exit 1; }
	done
'
test_expect_success 'a wildcard over 3,000 terms: capped, one line' '
	answer_or_2 search "zq*" && { test $code = 2 || test $code = 0; }
'
test_expect_success 'invalid UTF-8 of every kind' '
	for bytes in "\200" "\300\257" "\355\240\200" "\364\220\200\200" "caf\303" \
		"\377\376" "a\033[31mred" "tab\there" "\001\002\003"; do
		q=$(printf "network $bytes")
		answer_or_2 search "$q" || exit 1
		answer_or_2 search --format json "$q" || exit 1
		answer_or_2 show "$q" || exit 1
	done
'
test_expect_success 'a query just under the 16 KiB cap answers in time' '
	q=$(awk "BEGIN { for (i = 0; i < 2700; i++) printf \"w%d \", i }") &&
	test ${#q} -lt 16384 &&
	answer_or_2 search "$q"
'
test_expect_success 'a query of 100 KB is refused in one line' '
	q=$(awk "BEGIN { for (i = 0; i < 20000; i++) printf \"trust \" }") &&
	answer_or_2 search "$q" && test $code = 2 && grep -q "too long" err
'
test_expect_success '10,000 operators and brackets' '
	q=$(awk "BEGIN { for (i = 0; i < 1500; i++) printf \"(a OR \"; for (i = 0; i < 1500; i++) printf \")\" }") &&
	answer_or_2 search "$q" &&
	q=$(awk "BEGIN { for (i = 0; i < 3000; i++) printf \"NOT \" }") &&
	answer_or_2 search "$q"
'
test_expect_success 'hostile option values' '
	answer_or_2 search --limit 99999999999 trust &&
	answer_or_2 search --limit -1 trust && test $code = 2 &&
	answer_or_2 search --offset 4294967296 trust &&
	answer_or_2 search --since abc trust && test $code = 2 &&
	answer_or_2 search --until 99999999999 trust &&
	answer_or_2 search --lesson "" trust && test $code = 2 &&
	answer_or_2 search --type "" trust && test $code = 2 &&
	answer_or_2 search --format "" trust && test $code = 2
'
test_expect_success 'hostile ids for show and cite' '
	long=$(awk "BEGIN { for (i = 0; i < 10000; i++) printf \"x\" }") &&
	for id in "" "doi:" "pmid:" "10." "../../etc/passwd" "/etc/passwd" \
		"url:file:///etc/passwd" "$long" "doi:$long" "*" "%s%s%n"; do
		answer_or_2 show "$id" || exit 1
		answer_or_2 cite "$id" || exit 1
	done
'
test_expect_success 'tag: huge, binary and invalid UTF-8 input' '
	head -c 3000000 /dev/urandom >noise &&
	answer_or_2 tag noise &&
	printf "caf\303\n\n\377\376 bad\n\0nul\n" >bad.txt &&
	answer_or_2 tag bad.txt &&
	awk "BEGIN { for (i = 0; i < 20000; i++) print \"a line that goes on\" }" >long.txt &&
	answer_or_2 tag long.txt
'
# answer_or_65 ARGS...: as answer_or_2, but a refusal is 65 (bad data).
answer_or_65() {
	evidence "$@" >out 2>err
	code=$?
	if grep -q "Sanitizer\|runtime error" err; then cat err; return 1; fi
	case $code in
	0 | 1) ;;
	65) test $(wc -l <err) = 1 || { cat err; return 1; } ;;
	*) echo "exit $code"; cat err; return 1 ;;
	esac
}
test_expect_success 'hostile taxonomy files: tagged with, or 65 in one line' '
	echo "mission creep and trust over years" >t.txt &&
	head -c 100000 /dev/urandom >l1.conf &&
	printf "[x]\nlabel = X\nthreshold = nan\nword 1 creep\n" >l2.conf &&
	printf "[x]\nlabel = X\nthreshold = 1\nword 1e308 creep\nword -5 trust\n" >l3.conf &&
	printf "[x]\nlabel = X\nthreshold = 1\nnear 1 999999999 a b\nphrase 1 %s\n" \
		"$(awk "BEGIN { for (i = 0; i < 5000; i++) printf \"w%d \", i }")" >l4.conf &&
	awk "BEGIN { for (i = 0; i < 3000; i++) printf \"[l%d]\nlabel = L\nthreshold = 1\nword 1 w%d\n\", i, i }" >l5.conf &&
	printf "[x]\nlabel = X\nthreshold = 1\nword 1 \377\376\nphrase 1 caf\303\n" >l6.conf &&
	printf "[\nlabel\n=\n[]\nword\nnear 1\n" >l7.conf &&
	for f in l1 l2 l3 l4 l5 l6 l7; do
		answer_or_65 tag --lessons $f.conf t.txt || { echo "$f.conf"; exit 1; }
		echo "$f.conf: exit $code $(head -c 100 err)" >>taxonomy-outcomes
	done
'
test -f taxonomy-outcomes && sed 's/^/# /' taxonomy-outcomes
test -f figures && awk '{ n++; c[$1]++; if ($2 > max) max = $2 }
	END { printf "# %d runs: %d answered, %d found nothing, %d refused (exit 2); slowest %d ms\n", n, c[0], c[1], c[2], max }' figures
test_done
