#!/bin/sh
# t7000-map.sh - the evidence map: counts, formats, colour, errors
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

command -v xmllint >/dev/null 2>&1 ||
	skip_all "xmllint is absent (libxml2-utils: tests/install-deps.sh)"

# The fixture collection (tests/fixtures/report/collection.json), with the
# lessons its passages were written to carry (checked by hand against the
# cues of indexer/lessons.conf: "mission creep" is focus, "a marathon
# rather than a sprint" pacing, "goodwill ... trust" relationships):
#
#   work  type    year  sources        lessons
#   W1    review  2019  file, pubmed   focus, pacing ("lighthouse" in the
#                                      pacing passage)
#   W2    study   2019  file           focus, relationships
#   W3    study   2021  file           relationships (in two passages;
#                                      "lighthouse" in the first)
#   W4    news    2021  file           none
#   W5    review  -     file           pacing
#   W6    study   2020  file           focus and relationships, in one
#                                      passage
#
# Columns by type run strongest first (review, study, news); by year,
# oldest first with "no year" last; by source, by name.
evidence init >/dev/null
evidence add "$FIXTURES/report/collection.json" >/dev/null

# row LESSON FILE: the cells and total of a lesson's row of text output.
row() {
	grep "^$1 " "$2" | tr -s ' ' | cut -d' ' -f2-
}

test_expect_success 'map by type: counts of distinct works per cell' '
	evidence map >m.txt &&
	test "$(row Focus m.txt)" = "1 2 0 3" &&
	test "$(row Pacing m.txt)" = "2 0 0 2" &&
	test "$(row Relationships m.txt)" = "0 3 0 3" &&
	test "$(row Governance m.txt)" = "0 0 0 0" &&
	test "$(row total m.txt)" = "2 3 0 5"
'
test_expect_success 'map text: a header in column order, lines aligned' '
	head -n1 m.txt | tr -s " " >h.txt &&
	echo "lesson review study news total" >expect &&
	test_cmp expect h.txt &&
	test "$(awk "{ print length }" m.txt | sort -u | wc -l)" = 1
'
test_expect_success 'map by year: oldest first, works without a year last' '
	evidence map --by year >y.txt &&
	test "$(head -n1 y.txt | tr -s " ")" = "lesson 2019 2020 2021 no year total" &&
	test "$(row Focus y.txt)" = "2 1 0 0 3" &&
	test "$(row Pacing y.txt)" = "1 0 0 1 2" &&
	test "$(row Relationships y.txt)" = "1 1 1 0 3" &&
	test "$(row total y.txt)" = "2 1 1 1 5"
'
test_expect_success 'map by source: a work from two sources counts once in totals' '
	evidence map --by source >s.txt &&
	test "$(row Focus s.txt)" = "3 1 3" &&
	test "$(row Pacing s.txt)" = "2 1 2" &&
	test "$(row total s.txt)" = "5 1 5"
'
# "lighthouse" is in map.1 (a review: its passage 2 carries pacing, its
# passage 1 focus) and map.3 (a study, relationships).  A work counts
# under every lesson it carries, wherever in it the query matched.
test_expect_success 'map --query: only works the query finds with the lesson' '
	evidence map --query lighthouse >q.txt &&
	test "$(row Focus q.txt)" = "1 0 0 1" &&
	test "$(row Pacing q.txt)" = "1 0 0 1" &&
	test "$(row Relationships q.txt)" = "0 1 0 1"
'
test_expect_success 'map --query of blanks maps the whole collection' '
	evidence map --format json >all.json &&
	evidence map --format json --query "  	" >blank.json &&
	test_cmp all.json blank.json &&
	jq -e ".query == \"\" and .works > 0" blank.json >/dev/null &&
	evidence map --format svg >all.svg &&
	evidence map --format svg --query " " >blank.svg &&
	test_cmp all.svg blank.svg
'
test_expect_success 'map --query agrees with search --lesson' '
	evidence search --format json --lesson pacing lighthouse >p.json &&
	test "$(jq ".hits | length" p.json)" = 1 &&
	test "$(jq -r ".hits[0].id" p.json)" = doi:10.5555/map.1
'
test_expect_success 'map --type and --since filter the works counted' '
	evidence map --type study >t.txt &&
	test "$(row Focus t.txt)" = "0 2 0 2" &&
	test "$(row Pacing t.txt)" = "0 0 0 0" &&
	evidence map --type study --until 2020 --format json >t.json &&
	test "$(jq -c .filters t.json)" = "{\"types\":[\"study\"],\"since\":null,\"until\":2020}" &&
	evidence map --since 2020 >since.txt &&
	test "$(row Relationships since.txt)" = "0 2 0 2"
'
test_expect_success 'map --lesson keeps those rows, in taxonomy order' '
	evidence map --lesson relationships --lesson focus >l.txt &&
	test "$(wc -l <l.txt)" = 4 &&
	sed -n 2p l.txt | grep -q "^Focus" &&
	sed -n 3p l.txt | grep -q "^Relationships"
'
test_expect_success 'map JSON: format_version, rows, columns, cells, totals' '
	evidence map --format json >m.json &&
	test "$(jq .format_version m.json)" = 1 &&
	test "$(jq -c .filters m.json)" = "{\"types\":[],\"since\":null,\"until\":null}" &&
	test "$(jq -r .by m.json)" = type &&
	test "$(jq .works m.json)" = 6 &&
	test "$(jq -c "[.rows[0:3][].lesson]" m.json)" = "[\"focus\",\"pacing\",\"relationships\"]" &&
	test "$(jq -r ".rows[0].label" m.json)" = Focus &&
	test "$(jq -c "[.columns[].value]" m.json)" = "[\"review\",\"study\",\"news\"]" &&
	test "$(jq -c ".cells[0:3]" m.json)" = "[[1,2,0],[2,0,0],[0,3,0]]" &&
	test "$(jq ".cells | length" m.json)" = "$(jq ".rows | length" m.json)" &&
	test "$(jq -c ".totals.rows[0:3]" m.json)" = "[3,2,3]" &&
	test "$(jq -c ".totals.columns" m.json)" = "[2,3,0]" &&
	test "$(jq .totals.works m.json)" = 5
'
test_expect_success 'map JSON: a column of works without a value has a null value' '
	evidence map --by year --format json >y.json &&
	test "$(jq -c ".columns[3]" y.json)" = "{\"value\":null,\"label\":\"no year\"}"
'
test_expect_success 'map CSV: a header, a row per lesson, a total row, CRLF' '
	evidence map --format csv >m.csv &&
	printf "lesson,label,review,study,news,total\r\n" >expect &&
	head -n1 m.csv >got && test_cmp expect got &&
	grep -q "^focus,Focus,1,2,0,3.\$" m.csv &&
	grep -q "^funding,Funding and support,0,0,0,0.\$" m.csv &&
	tail -n1 m.csv | grep -q "^total,,2,3,0,5.\$"
'
test_expect_success 'map SVG: valid XML, labelled axes, legend, every cell' '
	evidence map --format svg >m.svg &&
	xmllint --noout m.svg &&
	grep -q "<svg xmlns=\"http://www.w3.org/2000/svg\"" m.svg &&
	grep -q ">Evidence type</text>" m.svg &&
	grep -q ">Lesson</text>" m.svg &&
	grep -q "Works per cell" m.svg &&
	grep -q "rotate(-45" m.svg &&
	n=$(jq ".rows | length" m.json) &&
	test "$(grep -c "<rect [^>]*height=\"28\"[^>]*/><text [^>]*>[0-9]*</text>" m.svg)" = $(( (n + 1) * 4 ))
'
test_expect_success 'map SVG: the legend runs from 0 to the largest cell' '
	sed -n "/class=\"legend\"/,/<\/g>/p" m.svg |
		grep -o ">[0-9]*</text>" >legend &&
	printf ">0</text>\n>1</text>\n>2</text>\n>3</text>\n" >expect &&
	test_cmp expect legend
'
test_expect_success 'map SVG: no text smaller than 12px, labels 40px or more apart' '
	test -z "$(grep -o "font-size=\"[0-9]*\"" m.svg | tr -dc "0-9\n" | awk "\$1 < 12")" &&
	grep -o "transform=\"rotate(-45 [0-9.]*" m.svg | awk "{ print \$2 }" >xs &&
	awk "NR > 1 && \$1 - prev < 40 { bad = 1 } { prev = \$1 } END { exit bad }" xs
'
test_expect_success 'map SVG: a query with markup is escaped' '
	evidence map --format svg --query "<b>goodwill & trust</b>" >e.svg &&
	xmllint --noout e.svg &&
	grep -q "&lt;b&gt;goodwill &amp; trust&lt;/b&gt;" e.svg &&
	! grep -q "<b>" e.svg
'
test_expect_success 'map SVG: long source names are cut, the whole in a tooltip' '
	printf "[{\"title\":\"Long\",\"evidence_type\":\"study\",\"provenance\":[{\"source\":\"a-source-with-a-very-long-name-indeed\"}],\"passages\":[{\"text\":\"Staff called it mission creep.\"}]}]" >long.json &&
	evidence --dir long init >/dev/null &&
	evidence --dir long add long.json >/dev/null &&
	evidence --dir long map --by source --format svg >long.svg &&
	xmllint --noout long.svg &&
	grep -q "<title>a-source-with-a-very-long-name-indeed</title>" long.svg &&
	grep -q ">a-source-with-a-very-lo…</text>" long.svg
'
test_expect_success 'map -o FILE writes the file atomically, nothing on stdout' '
	evidence map --format json -o out.json >stdout &&
	test ! -s stdout &&
	jq -e . out.json >/dev/null &&
	cmp out.json m.json &&
	test -z "$(ls | grep "tmp-")"
'
test_expect_success 'map text: colour only on a terminal, and never with NO_COLOR' '
	esc=$(printf "\033") &&
	! grep -q "$esc" m.txt &&
	if command -v script >/dev/null 2>&1; then
		script -qec "evidence map" /dev/null >tty.txt &&
		grep -q "$esc\\[48;5;" tty.txt &&
		NO_COLOR=1 script -qec "evidence map" /dev/null >nc.txt &&
		! grep -q "$esc" nc.txt
	else
		say "script(1) is absent: the terminal case is not checked"
	fi
'
test_expect_success 'map of a collection with nothing indexed is empty, exit 0' '
	evidence --dir empty init >/dev/null &&
	evidence --dir empty map --format json >e.json &&
	test "$(jq .works e.json)" = 0 &&
	test "$(jq ".columns | length" e.json)" = 0 &&
	test "$(jq .totals.works e.json)" = 0 &&
	evidence --dir empty map --format svg >e.svg && xmllint --noout e.svg &&
	grep -q "no works yet" e.svg &&
	evidence --dir empty map >e.txt && test "$(row total e.txt)" = 0
'
test_expect_code 2 'map --by an unknown axis is a usage error' \
	'evidence map --by colour'
test_expect_code 2 'map --format pdf is a usage error' \
	'evidence map --format pdf'
test_expect_exit 2 'map --lesson of an unknown lesson is a usage error' \
	'evidence map --lesson nosuch 2>err' 'grep -q "unknown lesson" err'
test_expect_exit 2 'map with a stray argument says where a query goes' \
	'evidence map trust 2>err' 'grep -q -- "--query" err'
test_expect_exit 2 'map with a query over the length cap' \
	'evidence map --query "$(head -c 20000 /dev/zero | tr "\\0" a)" 2>err' \
	'grep -q "too long" err'
test_expect_success 'help map shows the manual' '
	evidence help map >help.txt 2>&1 &&
	grep -q "evidence map" help.txt
'
test_done
