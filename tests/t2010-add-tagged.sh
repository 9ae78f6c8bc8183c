#!/bin/sh
# t2010-add-tagged.sh - "evidence add" of RIS, BibTeX and MEDLINE files
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null

test_expect_success 'add a .ris, a .bib and a .nbib file' '
	evidence add "$FIXTURES/parse/tagged.ris" "$FIXTURES/parse/tagged.bib" \
		"$FIXTURES/parse/tagged.nbib" >out &&
	grep -q "^3 inputs: 14 new, 0 updated, 0 unchanged works; 0 skipped" out
'
test_expect_success 'show finds the RIS work by DOI' '
	evidence show --format json 10.5555/evidence.ris.1 >show.json &&
	test "$(jq -r .title show.json)" = "Collaboration between general practices: what networks have learned" &&
	test "$(jq -r .PMID show.json)" = 90000021 &&
	test "$(jq -r .PMCID show.json)" = PMC9000021 &&
	test "$(jq -r ".provenance[0].format" show.json)" = ris
'
test_expect_success 'show finds the BibTeX work by DOI' '
	evidence show --format json 10.5555/evidence.bib.1 >show.json &&
	test "$(jq -r ".author[2].literal" show.json)" = "NHS England" &&
	test "$(jq -r ".\"citation-key\"" show.json)" = pettigrew2019 &&
	test "$(jq -r ".provenance[0].format" show.json)" = bibtex
'
test_expect_success 'show finds the MEDLINE work by DOI' '
	evidence show --format json 10.5555/evidence.nbib.1 >show.json &&
	test "$(jq -r .PMID show.json)" = 90000031 &&
	test "$(jq -r ".provenance[0].format" show.json)" = medline
'
test_expect_success '--format ris reads a file named .txt' '
	cp "$FIXTURES/parse/tagged.ris" refs.txt &&
	evidence add --format ris refs.txt >out &&
	grep -q "0 new, 4 updated, 0 unchanged" out
'
test_expect_success 'and so does detection by content' '
	evidence add refs.txt >out &&
	grep -q "0 new, 0 updated, 4 unchanged" out
'
# 14 new above: the three BibTeX entries with no identifier share the
# file's URL and would have merged into one work without their keys.
test_expect_success 'a work with no identifier is told apart by its key' '
	evidence search --format json Sartre >hits.json &&
	case "$(jq -r ".hits[0].id" hits.json)" in
	url:file://*/tagged.bib#sartre2017) ;;
	*) false ;;
	esac
'
test_expect_exit 1 'a BibTeX file that is not UTF-8 is skipped with one line' '
	printf "@ARTICLE{k,\n  title = {\\277\\255}}\n" >gbk.bib &&
	evidence add gbk.bib >out 2>err
' '
	grep -q "gbk.bib: line 2: not UTF-8\|gbk.bib: not UTF-8 at line 2" err &&
	test $(wc -l <err) = 1
'
test_done
