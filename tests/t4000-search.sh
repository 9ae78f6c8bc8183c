#!/bin/sh
# t4000-search.sh - ranked evidence: words, phrases, fields, filters
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add "$FIXTURES/text" "$FIXTURES/csl/review.json" >/dev/null

search_json() {
	evidence search --format json "$@" >res.json
}

test_expect_success 'a phrase ranks the note that has it first' '
	search_json "\"mission creep\"" &&
	test "$(jq -r ".hits[0].title" res.json)" = "When a network tries to do everything" &&
	test "$(jq ".hits[0].passage.n" res.json)" = 3 &&
	jq -r ".hits[0].passage.snippet" res.json | grep -q "\*\*mission creep\*\*"
'
test_expect_success 'the JSON has the documented shape' '
	search_json marathon &&
	test "$(jq .format_version res.json)" = 1 &&
	test "$(jq -r .query res.json)" = marathon &&
	jq -e ".hits[0] | has(\"rank\") and has(\"score\") and has(\"id\") and
		has(\"authors\") and has(\"year\") and has(\"container\") and
		has(\"doi\") and has(\"pmid\") and has(\"url\") and
		has(\"evidence_type\") and has(\"lessons\") and has(\"passage\")" res.json
'
test_expect_success 'hits carry their passage lessons' '
	search_json marathon &&
	jq -e "[.hits[0].lessons[].lesson] | index(\"pacing\") != null" res.json
'
test_expect_success 'a query naming a lesson finds its passages without the words' '
	search_json "mission creep" &&
	jq -e "[.hits[].title] | index(\"Collaboration between general practices: a test review\") != null" res.json
'
test_expect_success 'one hit per work unless --all-passages' '
	search_json practices &&
	test "$(jq "[.hits[].id] | length" res.json)" = "$(jq "[.hits[].id] | unique | length" res.json)" &&
	search_json --all-passages practices &&
	test "$(jq "[.hits[].id] | length" res.json)" -gt "$(jq "[.hits[].id] | unique | length" res.json)"
'
test_expect_success 'author: and year ranges' '
	search_json "author:okafor" &&
	test "$(jq -r ".hits[0].doi" res.json)" = "10.5555/evidence.test.1" &&
	search_json "federation year:2018..2019" &&
	test "$(jq -r ".hits[0].title" res.json)" = "Federations after five years" &&
	test "$(jq .total res.json)" = 1
'
test_expect_success '--type, --since and --until filter' '
	search_json --type news federation &&
	test "$(jq .total res.json)" = 1 &&
	search_json --since 2020 goals &&
	test "$(jq -r ".hits[0].year" res.json)" = 2021 &&
	search_json --until 2020 --since 2020 goals; test $? = 1
'
test_expect_success '--lesson keeps only passages that carry it' '
	search_json --lesson relationships --all-passages practices &&
	test "$(jq ".hits | length" res.json)" -ge 1 &&
	jq -e "all(.hits[]; [.lessons[].lesson] | index(\"relationships\") != null)" res.json
'
test_expect_success 'synonyms: PCN finds primary care network' '
	printf "About PCNs\n\nEvery primary care network must hire a pharmacist.\n" >pcn.txt &&
	evidence add pcn.txt >/dev/null &&
	search_json pcn &&
	jq -e "[.hits[].title] | index(\"About PCNs\") != null" res.json
'
test_expect_success '--limit and --offset page through results' '
	search_json --limit 1 practices && test "$(jq ".hits | length" res.json)" = 1 &&
	first=$(jq -r ".hits[0].id" res.json) &&
	search_json --limit 1 --offset 1 practices &&
	test "$(jq ".hits[0].rank" res.json)" = 2 &&
	test "$(jq -r ".hits[0].id" res.json)" != "$first"
'
# Enough works for Xapian to prune as it ranks: the ten best must be the
# ten a search for all of them puts first.  Every record has "trust"; how
# strongly it carries relationships (the lesson "trust" names) varies,
# strongest last, so a lesson boost dropped part way through the index
# shows.  Xapian's own value source, scaled above 1, did that: with it
# all three lesson queries below failed here (with 400 works they did
# not: the matcher had not yet raised its minimum far enough).
pruning_set() {
	awk 'BEGIN {
		cue[0] = "Trust"
		cue[1] = "Trust and goodwill"
		cue[2] = "Trust, goodwill and reciprocity"
		cue[4] = "Trust, goodwill, reciprocity, rapport and solidarity"
		print "<?xml version=\"1.0\"?>\n<PubmedArticleSet>"
		for (i = 1; i <= 1000; i++) {
			k = i > 950 ? 4 : i % 3
			printf "<PubmedArticle><MedlineCitation><PMID>%d</PMID>", 71000000 + i
			printf "<Article><Journal><Title>Ranking Test Journal</Title>"
			printf "<JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal>"
			printf "<ArticleTitle>Practices in network %d</ArticleTitle>", i
			printf "<Abstract><AbstractText>Practices met in network %d.", i
			printf " %s grew between the practices.", cue[k]
			print "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
		}
		print "</PubmedArticleSet>"
	}'
}
test_expect_success 'on 1000 works the top ten are the top ten of a full ranking' '
	mkdir many && pruning_set >many.xml &&
	EVIDENCE_DIR=$PWD/many evidence init >/dev/null &&
	EVIDENCE_DIR=$PWD/many evidence add many.xml >/dev/null &&
	for q in "trust goodwill reciprocity" "trust between practices" \
		"network practices" "\"trust and goodwill\""; do
		EVIDENCE_DIR=$PWD/many evidence search --format csv --limit 10 \
			"$q" | cut -d, -f1-3 >top || return 1
		EVIDENCE_DIR=$PWD/many evidence search --format csv --limit 1000 \
			"$q" | cut -d, -f1-3 | head -n 11 >all || return 1
		test $(wc -l <top) = 11 && test_cmp all top || return 1
	done
'
test_expect_success 'CSV has a header and a row per hit' '
	evidence search --format csv marathon >res.csv &&
	head -1 res.csv | grep -q "^rank,score,id,title,authors,year" &&
	test $(wc -l <res.csv) -ge 2
'
test_expect_success 'text output names the work and the passage' '
	evidence search mission creep >res.txt &&
	grep -q "^1\. When a network tries to do everything" res.txt &&
	grep -q "\[passage 3\]" res.txt
'
test_expect_exit 1 'nothing matched: exit 1 and a message' \
	'evidence search zzyzxqv 2>err' \
	'grep -qx "evidence: no results for .zzyzxqv." err'
test_expect_exit 1 'filters that keep nothing: exit 1, and they are named' \
	'evidence search --since 2999 >out 2>err' \
	'grep -qx "evidence: no work passes the filters" err && ! test -s out'
test_expect_success 'a misspelling gets a suggestion' '
	evidence search marathn 2>err; grep -q "did you mean .marathon" err
'
test_expect_exit 1 'words the works have are not corrected' \
	'evidence search "\"social roles\"" 2>err' \
	'grep -qx "evidence: no results for .\"social roles\"." err'
test_expect_exit 1 'only the word no work has is corrected' \
	'evidence search "\"larger clinicz\"" 2>err' \
	'grep -q "did you mean .\"larger clinics\".?\$" err'
for q in '"abc' '(a OR b' ')(' 'a AND' 'NOT' 'title:' '""' '-' '*' \
	'foo:bar' 'a NEAR' 'AND OR NOT' '((((((((((x'; do
	test_expect_success "odd query [$q] gives results or exit 2, never a crash" "
		evidence search --format json '$q' >/dev/null 2>err; code=\$?
		test \$code = 0 || test \$code = 1 || { test \$code = 2 && test \$(wc -l <err) = 1; }
	"
done
test_expect_success 'invalid UTF-8 in a query is not an error' '
	q=$(printf "marat\377hon") &&
	evidence search "$q" >/dev/null 2>&1; test $? -le 1
'
test_expect_exit 2 'a query over the size cap is refused in one line' '
	q=$(head -c 20000 /dev/zero | tr "\0" "a") &&
	evidence search "$q" 2>err
' 'test $(wc -l <err) = 1'
# No words: a usage error, blanks as much as nothing; with a filter,
# the works it keeps.
for q in '' ' ' '  	 '; do
	test_expect_exit 2 "a query of [$q] without a filter is a usage error" \
		"evidence search '$q' 2>err" "
		grep -q 'no query given' err && sed -n 2p err | grep -q '^usage: ' &&
		test \$(wc -l <err) = 2"
done
test_expect_success 'blanks with a filter list what the filter keeps' '
	evidence search --format json --since 2020 >none.json &&
	evidence search --format json --since 2020 "   " >blank.json &&
	test "$(jq .total none.json)" -gt 0 &&
	jq -e ".query == \"\" and all(.hits[]; .year >= 2020)" blank.json \
		>/dev/null &&
	test_cmp none.json blank.json
'
test_expect_code 2 'an unknown lesson is a usage error' \
	'evidence search --lesson patience x'
test_expect_code 2 'an unknown type is a usage error' \
	'evidence search --type novel x'
# 400 notes with both words; "back office" as a phrase in the first K.
count_notes() {
	mkdir "$1" && i=0 &&
	while [ $i -lt 400 ]; do
		if [ $i -lt "$2" ]; then
			words="the back office of the network"
		else
			words="the office sent the work back to the network"
		fi
		printf "Note %d\n\nIn note %d %s.\n" $i $i "$words" \
			>"$1/note$i.txt" || return 1
		i=$((i + 1))
	done
}
test_expect_success 'the total of a phrase is exact up to 100 past the page' '
	count_notes count60 60 &&
	count_notes count150 150 &&
	EVIDENCE_DIR=$PWD/c60 evidence init >/dev/null &&
	EVIDENCE_DIR=$PWD/c60 evidence add count60 >/dev/null &&
	EVIDENCE_DIR=$PWD/c150 evidence init >/dev/null &&
	EVIDENCE_DIR=$PWD/c150 evidence add count150 >/dev/null &&
	EVIDENCE_DIR=$PWD/c60 evidence search --format json \
		"\"back office\"" >res.json &&
	test "$(jq .total res.json)" = 60 &&
	test "$(jq .total_exact res.json)" = true &&
	test "$(jq ".hits | length" res.json)" = 10 &&
	EVIDENCE_DIR=$PWD/c150 evidence search --format json --offset 50 \
		"\"back office\"" >res.json &&
	test "$(jq .total res.json)" = 150 &&
	test "$(jq .total_exact res.json)" = true &&
	EVIDENCE_DIR=$PWD/c150 evidence search --format json \
		"\"back office\"" >res.json &&
	test "$(jq .total res.json)" -ge 110 &&
	test "$(jq .total_exact res.json)" = false &&
	EVIDENCE_DIR=$PWD/c60 evidence search "\"back office\"" >res.txt &&
	grep -q "^10 of 60 works shown\.$" res.txt &&
	EVIDENCE_DIR=$PWD/c150 evidence search "\"back office\"" >res.txt &&
	grep -q "^10 of about [0-9]* works shown\.$" res.txt
'
test_done
