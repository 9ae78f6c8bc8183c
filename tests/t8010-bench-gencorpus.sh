#!/bin/sh
# t8010-bench-gencorpus.sh - bench/gencorpus, the benchmarks' input: the
# same bytes for the same seed, the layout run.sh expects, and words that
# follow Zipf's law rather than a flat draw
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

GENCORPUS=$top_builddir/bench/gencorpus

# The words of a page's or record's text, one to a line, lower case.
words() {
	sed 's/<[^>]*>/ /g' "$@" | tr -cs 'A-Za-z' '\n' | tr 'A-Z' 'a-z' |
		grep .
}

test_expect_success 'html: N pages, a thousand to a folder' '
	"$GENCORPUS" html 1001 7 pages &&
	test "$(ls pages)" = "$(printf "000\n001")" &&
	test "$(ls pages/000 | wc -l)" = 1000 &&
	test "$(ls pages/001)" = page-0001000.html &&
	grep -q "<meta name=\"citation_doi\" content=\"10.5555/bench.1000\">" \
		pages/001/page-0001000.html
'
test_expect_success 'html: the same seed gives the same bytes' '
	"$GENCORPUS" html 1001 7 again &&
	diff -r pages again
'
test_expect_success 'html: another seed, other words' '
	"$GENCORPUS" html 3 8 other &&
	! cmp -s pages/000/page-0000002.html other/000/page-0000002.html
'
test_expect_success 'pubmed: PER_FILE records a file, numbered on' '
	"$GENCORPUS" pubmed 1001 7 records 500 &&
	test "$(ls records)" = "$(printf "pubmed-0000.xml\npubmed-0001.xml\npubmed-0002.xml")" &&
	test "$(cat records/*.xml | grep -c "^<PubmedArticle>")" = 1001 &&
	test "$(grep -c "^<PubmedArticle>" records/pubmed-0002.xml)" = 1 &&
	grep -q "<PMID Version=\"1\">30001000</PMID>" records/pubmed-0002.xml
'
if command -v xmllint >/dev/null; then
	test_expect_success 'pubmed: each file is well-formed XML' '
		for f in records/*.xml; do
			xmllint --noout "$f" || exit 1
		done
	'
else
	test_skip 'pubmed: each file is well-formed XML' "no xmllint"
fi

# The vocabulary.  The figures come from the weights the generator
# documents, worked out apart from it: 300 pages draw about 249,000
# words, among which some 21,500 distinct words are expected, and "the"
# (rank 1) has a weight of 3.24%.  A flat draw from the few hundred words
# of the head, as the generator made before, gives under 300 distinct
# words and "the" under 1%.
"$GENCORPUS" html 300 1 zipf
words zipf/000/*.html | sort | uniq -c | sort -rn >freq
test_expect_success 'words: a long tail of distinct words, as prose has' '
	n=$(wc -l <freq) &&
	test "$n" -gt 18000 && test "$n" -lt 25000
'
test_expect_success 'words: "the" the most frequent, at about 3%' '
	set -- $(head -1 freq) &&
	test "$2" = the &&
	total=$(awk "{ s += \$1 } END { print s }" freq) &&
	test "$(($1 * 1000 / total))" -ge 28 &&
	test "$(($1 * 1000 / total))" -le 36
'
# Heaps' law: the distinct words grow with the text, more slowly than it.
words zipf/000/page-00000[0-2]?.html | sort -u | wc -l >few
test_expect_success 'words: ten times the text, more words, not ten times' '
	n=$(cat few) && many=$(wc -l <freq) &&
	test "$many" -gt $((n * 3)) && test "$many" -lt $((n * 10))
'
# Past the head's 267 words, the made-up ones, worked out by hand from
# word_of_rank(): rank 268 is stem 0 (syllables 0 and 0, "ba" "ba") with
# no ending, rank 269 the same with "s"; rank 272 is stem 1, scrambled to
# 0x9e3779b1 & 1023 = 433 = 17 + 13 * 32, syllables "nel" and "ma".  Each
# has a weight of 0.044%, some 110 of the 249,000 words.
test_expect_success 'words: made-up words after the head'"'"'s' '
	grep -q " practice\$" freq &&
	grep -q " baba\$" freq && grep -q " babas\$" freq &&
	grep -q " nelma\$" freq
'
test_expect_code 2 'usage: an unknown kind' '
	"$GENCORPUS" csv 3 1 out
'
test_expect_code 2 'usage: N must be a positive number' '
	"$GENCORPUS" html 0 1 out
'
test_expect_code 2 'usage: PER_FILE must be a positive number' '
	"$GENCORPUS" pubmed 3 1 out 0
'
test_expect_exit 1 'a folder that cannot be made: 1, said why' '
	: >file &&
	"$GENCORPUS" html 3 1 file/sub 2>err
' '
	grep -q "^gencorpus: file/sub: " err
'
test_done
