#!/bin/sh
# t5110-export.sh - export in every format, atomic -o, stable BibTeX keys
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add "$FIXTURES/cite/seven.json" "$FIXTURES/cite/awkward.json" \
	"$FIXTURES/cite/keys-first.json" >/dev/null
N=10

have() {
	command -v "$1" >/dev/null 2>&1
}

test_expect_success 'jsonl: one full record per line' '
	evidence export >all.jsonl &&
	test "$(wc -l <all.jsonl)" = $N &&
	jq -e "select(.id == \"doi:10.5555/cite.anon\") |
		.PMID == \"26917636\" and .PMCID == \"PMC4758480\" and
		(.passages | length) >= 0" all.jsonl >/dev/null
'
test_expect_success 'csl-json: an array of CSL items without project fields' '
	evidence export --format csl-json >all.json &&
	test "$(jq length all.json)" = $N &&
	test "$(jq "[.[] | select(has(\"passages\") or
		has(\"evidence_type\") or has(\"provenance\"))] | length" \
		all.json)" = 0 &&
	jq -e ".[] | select(.DOI == \"10.5555/cite.anon\") |
		.PMID == \"26917636\" and .PMCID == \"PMC4758480\"" \
		all.json >/dev/null
'
if have pandoc; then
	test_expect_success 'csl-json: pandoc reads it and keeps the identifiers' '
		pandoc -f csljson -t csljson all.json >back.json &&
		test "$(jq length back.json)" = $N &&
		jq -e ".[] | select(.DOI == \"10.5555/cite.online\") |
			.URL == \"https://www.ijic.org/articles/10.5555/cite.online\"" \
			back.json >/dev/null &&
		jq -e ".[] | select(.DOI == \"10.5555/cite.anon\") |
			.PMID == \"26917636\" and .PMCID == \"PMC4758480\"" \
			back.json >/dev/null
	'
else
	test_skip 'csl-json: pandoc reads it' 'pandoc is not installed'
fi

# The fixtures of awkward.json carry CSL ids ("anon", "accents"), which
# evidence keeps as their citation keys; keys-first.json carries none.
# expect-bibtex.txt holds lines worked out by hand: LaTeX accents for
# the names, specials escaped, identifiers in their own fields.
test_expect_success 'bibtex: unique keys, escaped text, identifiers kept' '
	evidence export --format bibtex -o all.bib &&
	test "$(grep -c "^@" all.bib)" = $N &&
	test "$(sed -n "s/^@[a-z]*{\(.*\),$/\1/p" all.bib | sort -u |
		wc -l)" = $N &&
	while IFS= read -r line; do
		grep -qxF "$line" all.bib || { echo "missing: $line"; exit 1; }
	done <"$FIXTURES/cite/expect-bibtex.txt"
'
if have pandoc; then
	test_expect_success 'bibtex: pandoc reads every entry with its fields' '
		pandoc -f bibtex -t csljson all.bib >bib.json &&
		test "$(jq length bib.json)" = $N &&
		jq -e ".[] | select(.id == \"anon\") |
			.DOI == \"10.5555/cite.anon\" and .PMID == \"26917636\" and
			.PMCID == \"PMC4758480\" and .page == \"120-1\"" \
			bib.json >/dev/null &&
		jq -e ".[] | select(.id == \"seven\") |
			.author[0].family == \"Ó Súilleabháin\"" bib.json >/dev/null
	'
else
	test_skip 'bibtex: pandoc reads it' 'pandoc is not installed'
fi
if have bibtool; then
	# bibtool knows the BibTeX types; @online is biblatex's, declared.
	test_expect_success 'bibtex: bibtool reads it without a complaint' '
		bibtool -- "new.entry.type{online}" -o checked.bib \
			-i ./all.bib 2>complaints &&
		test ! -s complaints &&
		test "$(grep -c "^@" checked.bib)" = $N
	'
else
	test_skip 'bibtex: bibtool reads it' 'bibtool is not installed'
fi

test_expect_success 'bibtex: keys already given stay when works are added' '
	sed -n "s/^@[a-z]*{\(.*\),$/\1/p" all.bib | sort >keys.before &&
	evidence add "$FIXTURES/cite/keys-later.json" >/dev/null &&
	evidence export --format bibtex >later.bib &&
	sed -n "s/^@[a-z]*{\(.*\),$/\1/p" later.bib | sort >keys.after &&
	comm -23 keys.before keys.after >lost &&
	test ! -s lost &&
	comm -13 keys.before keys.after >new &&
	echo smith2019planb >want &&
	test_cmp want new
'

test_expect_success 'ris: one record per work, TY first and ER last' '
	evidence export --format ris >all.ris &&
	test "$(grep -c "^TY  - " all.ris)" = 11 &&
	test "$(grep -c "^ER  - $" all.ris)" = 11 &&
	! grep -v "^$" all.ris | grep -qv "^[A-Z][A-Z0-9]  - " &&
	awk "/^TY/ { if (open) exit 1; open = 1 } /^ER/ { open = 0 }
		END { exit open }" all.ris
'
test_expect_success 'ris: DOI, URL, PMID and PMCID where readers look' '
	awk "/^TY/ { r = \"\" } { r = r \$0 \"\\n\" }
		/^ER/ && /x/ { } /^ER/ { if (r ~ /DO  - 10.5555\/cite.anon/)
		printf \"%s\", r }" all.ris >anon.ris &&
	grep -qx "N1  - PMID: 26917636" anon.ris &&
	grep -qx "N1  - PMCID: PMC4758480" anon.ris &&
	grep -qx "TY  - JOUR" anon.ris &&
	grep -qx "SP  - 120" anon.ris && grep -qx "EP  - 1" anon.ris &&
	grep -qx "UR  - https://www.nhsconfed.org/gp-federations" all.ris
'

test_expect_success 'csv: a header and one row per work, RFC 4180 quoting' '
	evidence export --format csv >all.csv &&
	python3 - all.csv <<-\EOF
	import csv, sys
	rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
	assert rows[0][:3] == ["key", "id", "type"], rows[0]
	assert len(rows) == 12, len(rows)
	assert all(len(r) == len(rows[0]) for r in rows)
	seven = [r for r in rows if r[1] == "doi:10.5555/cite.test.7"][0]
	assert seven[3].startswith("Ó Súilleabháin, Aoife; Müller, Jörg Peter;")
	assert open(sys.argv[1], "rb").read().count(b"\r\n") == 12
	EOF
'

test_expect_success 'export -o replaces the file, leaves no temporary file' '
	echo old >out.ris &&
	(umask 022 && evidence export --format ris -o out.ris) &&
	test_cmp all.ris out.ris &&
	test "$(stat -c %a out.ris)" = 644 &&
	test -z "$(ls | grep "tmp-")"
'
test_expect_success 'a failed export leaves the old file as it was' '
	echo old >keep.bib &&
	expect_exit 2 evidence export --format bibtex --query "(a OR" \
		-o keep.bib &&
	echo old >want &&
	test_cmp want keep.bib &&
	test -z "$(ls | grep "tmp-")"
'
test_expect_code 74 'export -o into a missing folder fails' \
	'evidence export -o no/such/dir/out.jsonl'
test_expect_success 'export --query writes only what the search finds' '
	evidence export --format csl-json --query "online-only" >q.json &&
	test "$(jq -r ".[].DOI" q.json)" = 10.5555/cite.online
'
test_expect_exit 1 'export --query with no results exits 1' \
	'evidence export --query zzzyyyxxx 2>err' \
	'grep -qx "evidence: no results for .zzzyyyxxx." err'
test_expect_exit 1 'export: filters that keep nothing exit 1' \
	'evidence export --query " " --since 2999 >out 2>err' \
	'grep -qx "evidence: no work passes the filters" err && ! test -s out'
test_expect_exit 1 'cite: filters that keep nothing exit 1' \
	'evidence cite --query "" --until 1000 >out 2>err' \
	'grep -qx "evidence: no work passes the filters" err && ! test -s out'
test_expect_success 'cite --query cites what the search finds' '
	evidence cite --style apa --query "online-only" >out &&
	grep -q "^Rosen, R., & Curry, N. (2019)" out
'
test_expect_success 'search --cite puts the reference under each hit' '
	evidence search --cite vancouver "online-only" >out &&
	grep -qx "   Rosen R, Curry N. An online-only article with no pages. International Journal of Integrated Care \[Internet\]. 2019 Aug 9;19(3). Available from: https://www.ijic.org/articles/10.5555/cite.online" out &&
	evidence search --format json --cite apa "online-only" >out.json &&
	jq -e ".hits[0].citation | startswith(\"Rosen, R., & Curry, N.\")" \
		out.json >/dev/null
'
test_expect_code 2 'search --cite with an unknown style' \
	'evidence search --cite chicago federations'
test_expect_code 2 'export: an unknown format is a usage error' \
	'evidence export --format xml'
test_expect_code 2 'export: filters without --query are a usage error' \
	'evidence export --since 2019'
for q in '' ' ' '  	 '; do
	test_expect_exit 2 "export --query [$q] without a filter is a usage error" \
		"evidence export --query '$q' -o blank.ris 2>err" "
		grep -qx 'evidence export: no query given' err &&
		sed -n 2p err | grep -q '^usage: ' && ! test -e blank.ris"
done
# The works of 2019 on, picked from the full export by jq, not by search.
test_expect_success 'a blank --query with a filter: what the filter keeps' '
	evidence export --format csl-json >all.json &&
	jq -r ".[] | select(.issued[\"date-parts\"][0][0] >= 2019) | .id" \
		all.json | sort >want &&
	test "$(wc -l <want)" -gt 0 && test "$(wc -l <want)" -lt $N &&
	evidence export --format csl-json --query " " --since 2019 >got.json &&
	jq -r ".[].id" got.json | sort >got &&
	test_cmp want got &&
	evidence cite --query "	" --since 2019 >cited &&
	test "$(grep -c "^[0-9]*\. " cited)" = "$(wc -l <want)"
'
test_expect_success 'help export shows the manual page' '
	MANPAGER=cat MANWIDTH=80 evidence help export >h 2>&1 &&
	grep -q "csl-json" h
'
test_done
