#!/bin/sh
# t5000-cite.sh - cite: Vancouver references and exit codes
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add "$FIXTURES/cite/seven.json" >/dev/null

test_expect_success 'Vancouver: six authors, et al., initials, DOI' '
	evidence cite 10.5555/cite.test.7 >out &&
	echo "1. Ó Súilleabháin A, Müller JP, Smith A, Jones B, Brown C, Green D, et al. Seven authors write about federations. Br J Gen Pract. 2018;68(668):e168-77. doi:10.5555/cite.test.7" >want &&
	test_cmp want out
'
test_expect_code 1 'an unknown id fails' 'evidence cite 10.5555/no.such'
test_expect_code 2 'an unknown style is a usage error' \
	'evidence cite --style chicago 10.5555/cite.test.7'
test_expect_code 2 'no id is a usage error' 'evidence cite'
test_expect_success 'help cite shows the manual page' '
	MANPAGER=cat MANWIDTH=80 evidence help cite >h 2>&1 &&
	grep -q "references for stored works" h
'
test_expect_success 'export -o writes one JSON record per line' '
	evidence export -o all.jsonl &&
	test "$(wc -l <all.jsonl)" = 1 &&
	test "$(jq -r .title all.jsonl)" = "Seven authors write about federations"
'
test_expect_code 2 'export: an unknown format is a usage error' \
	'evidence export --format xml'

test_done
