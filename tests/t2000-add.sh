#!/bin/sh
# t2000-add.sh - importing local files into the store and the index
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null

test_expect_success 'add a folder of text files' '
	evidence add "$FIXTURES/text" >out &&
	grep -q "^3 inputs: 3 new, 0 updated, 0 unchanged works; 0 skipped" out
'
test_expect_success 'the works are in the store, one file each' '
	test $(find "$EVIDENCE_DIR/store/records" -name "*.json" | wc -l) = 3
'
test_expect_success 'and in the index' '
	evidence stats --format json >stats.json &&
	test "$(jq .works stats.json)" = 3 &&
	test "$(jq .by_type.other stats.json)" -ge 0
'
test_expect_success 'adding the same files again changes nothing' '
	before=$(find "$EVIDENCE_DIR/store" -type f -newer stats.json | wc -l) &&
	evidence add "$FIXTURES/text" >out &&
	grep -q "0 new, 0 updated, 3 unchanged" out &&
	after=$(find "$EVIDENCE_DIR/store" -type f -newer stats.json | wc -l) &&
	test "$before" = "$after"
'
# A file whose name holds what a URL cannot: its URL escapes it.
mkdir -p odd
printf "An odd name\n\nTrust between practices takes years.\n" \
	>"odd/a b#1%41.txt"
odd_url="file://$(cd odd && pwd -P | sed "s/ /%20/g")/a%20b%231%2541.txt"
test_expect_success 'a name with a space, "#" and "%": a URL that names it' '
	evidence add odd >out &&
	grep -q "^1 input: 1 new," out &&
	evidence show --format json "url:$odd_url" >show.json &&
	test "$(jq -r .id show.json)" = "url:$odd_url" &&
	test "$(jq -r ".provenance[0].url" show.json)" = "$odd_url" &&
	evidence add odd >out &&
	grep -q "0 new, 0 updated, 1 unchanged" out
'
test_expect_success 'and a sources file reads that file from its URL' '
	printf "[odd]\ntype = file\nurl = %s\n" "$odd_url" >odd.conf &&
	evidence harvest --sources odd.conf >out &&
	grep -q "^1 source: found 1, new 0, updated 1," out
'
test_expect_success 'a plain-text title skips the byline' '
	id=$(evidence search --format json "mission creep" | jq -r ".hits[0].id") &&
	evidence show --format json "$id" >show.json &&
	test "$(jq -r .title show.json)" = "When a network tries to do everything" &&
	test "$(jq ".passages | length" show.json)" = 5
'
test_expect_success 'CSL-JSON: fields, a foreign id kept as citation key' '
	evidence add "$FIXTURES/csl/review.json" >out &&
	grep -q "2 new" out &&
	evidence show --format json 10.5555/evidence.test.1 >show.json &&
	test "$(jq -r .id show.json)" = "doi:10.5555/evidence.test.1" &&
	test "$(jq -r ".author[2].literal" show.json)" = "Evidence Test Collaborative" &&
	test "$(jq -r ".\"citation-key\"" show.json)" = "ITEM-1" &&
	test "$(jq -r .volume show.json)" = 4 &&
	test "$(jq -c ".issued" show.json)" = "{\"date-parts\":[[2021,3]]}"
'
test_expect_success 'the same work from another source merges, keeps its id' '
	mkdir -p again &&
	cat >again/dup.json <<-\JSON &&
	{"type":"article-journal","title":"Collaboration between general practices: a test review","DOI":"https://doi.org/10.5555/evidence.test.1","PMID":"99999999"}
	JSON
	evidence add again/dup.json >out &&
	grep -q "0 new, 1 updated" out &&
	evidence show --format json pmid:99999999 >show.json &&
	test "$(jq -r .id show.json)" = "doi:10.5555/evidence.test.1" &&
	test "$(jq ".provenance | length" show.json)" = 2
'
test_expect_exit 1 'a broken file is skipped, the rest imported, exit 1' '
	mkdir -p mixed &&
	printf "{\"title\": \"cut off" >mixed/broken.json &&
	printf "A fine title\n\nA fine paragraph of text.\n" >mixed/fine.txt &&
	evidence add mixed >out 2>err
' '
	grep -q "broken.json" err && grep -q "1 new" out &&
	test $(wc -l <err) = 1
'
test_expect_exit 1 'a binary file named on the command line is skipped' '
	head -c 2000 /dev/urandom >noise.bin && printf "\0\0" >>noise.bin &&
	evidence add noise.bin 2>err
' 'grep -q "noise.bin" err && test $(wc -l <err) = 1'
test_expect_success 'a folder walk leaves README-like files alone' '
	mkdir -p withreadme && cp "$FIXTURES/text/focus-note.txt" withreadme/ &&
	echo "# not a work" >withreadme/README.md &&
	evidence add withreadme >out &&
	grep -q "^1 input:" out
'
test_expect_success 'a file of 600 records is stored whole (read twice)' '
	rm -rf bulk && mkdir bulk && EVIDENCE_DIR=$PWD/bulk evidence init >/dev/null &&
	pubmed_set 600 >bulk600.xml &&
	EVIDENCE_DIR=$PWD/bulk evidence add --no-index bulk600.xml >out &&
	grep -q "600 new" out &&
	test $(find bulk/store/records -name "*.json" | wc -l) = 600
'
test_expect_exit 1 'a file of 600 records broken at the end stores nothing' '
	rm -rf bulk && mkdir bulk && EVIDENCE_DIR=$PWD/bulk evidence init >/dev/null &&
	pubmed_set 600 broken >broken600.xml &&
	EVIDENCE_DIR=$PWD/bulk evidence add --no-index broken600.xml >out 2>err
' '
	grep -q "broken600.xml" err &&
	test $(find bulk/store/records -name "*.json" | wc -l) = 0
'
# add indexes each batch of works as soon as the store has committed it;
# a work stored again in a later batch must be indexed again.  The 300
# records make two batches; the abstract of one.xml reaches the first
# record only in the second.
test_expect_success 'a work stored again in a later batch is indexed as stored last' '
	rm -rf twice && mkdir twice && EVIDENCE_DIR=$PWD/twice evidence init >/dev/null &&
	pubmed_set 300 "" bare1 >many.xml &&
	cat >one.xml <<-\EOF &&
	<?xml version="1.0"?>
	<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>70000001</PMID>
	<Article><Journal><Title>Bulk Test Journal</Title></Journal>
	<ArticleTitle>Practice network record 1</ArticleTitle>
	<Abstract><AbstractText>Reworded findings about federations.</AbstractText></Abstract>
	</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
	EOF
	EVIDENCE_DIR=$PWD/twice evidence add many.xml one.xml >out &&
	grep -q "^2 inputs: 300 new, 0 updated, 1 unchanged" out &&
	EVIDENCE_DIR=$PWD/twice evidence search reworded >hits &&
	grep -q "id: pmid:70000001 " hits &&
	EVIDENCE_DIR=$PWD/twice evidence index >out &&
	grep -q "^300 works: 0 indexed (0 passages), 300 unchanged" out
'
test_expect_success 'works stored earlier without an index are indexed with the new ones' '
	rm -rf late && mkdir late && EVIDENCE_DIR=$PWD/late evidence init >/dev/null &&
	pubmed_set 3 >three.xml &&
	EVIDENCE_DIR=$PWD/late evidence add --no-index three.xml >/dev/null &&
	test ! -e late/index &&
	EVIDENCE_DIR=$PWD/late evidence add "$FIXTURES/text" >/dev/null &&
	EVIDENCE_DIR=$PWD/late evidence stats --format json >late.json &&
	test "$(jq .works late.json)" = 6
'
test_expect_success 'adding works already indexed leaves the index as it was' '
	EVIDENCE_DIR=$PWD/late evidence add three.xml >out &&
	grep -q "0 new, 0 updated, 3 unchanged" out &&
	EVIDENCE_DIR=$PWD/late evidence stats --format json >again.json &&
	test_cmp late.json again.json &&
	EVIDENCE_DIR=$PWD/late evidence index >out &&
	grep -q "^6 works: 0 indexed (0 passages), 6 unchanged" out
'
# add hands the indexer each work as it wrote it, rather than the indexer
# reading the file back: the index must come out as index --rebuild
# makes it from the files, content hashes and file stamps too (-s).  A
# fresh index first, then a second add into the live one, with a
# retraction that updates a work stored earlier.
test_expect_success 'add indexes what index --rebuild would, stamps too' '
	rm -rf same && mkdir same && EVIDENCE_DIR=$PWD/same evidence init >/dev/null &&
	{ EVIDENCE_DIR=$PWD/same evidence add "$FIXTURES/parse" "$FIXTURES/csl" \
		"$FIXTURES/notices/article.xml" >out 2>err; test $? = 1; } &&
	grep -q "^29 inputs: 54 new, 0 updated, 1 unchanged works; 2 skipped" out &&
	"$top_builddir/tests/index-dump" -s same/index >added &&
	EVIDENCE_DIR=$PWD/same evidence index --rebuild >/dev/null &&
	"$top_builddir/tests/index-dump" -s same/index >rebuilt &&
	test_cmp rebuilt added &&
	EVIDENCE_DIR=$PWD/same evidence add "$FIXTURES/text" \
		"$FIXTURES/notices/notice.xml" >out &&
	grep -q "^4 inputs: 4 new, 0 updated" out &&
	"$top_builddir/tests/index-dump" -s same/index >added &&
	EVIDENCE_DIR=$PWD/same evidence index --rebuild >/dev/null &&
	"$top_builddir/tests/index-dump" -s same/index >rebuilt &&
	test_cmp rebuilt added
'
test_expect_code 2 'add with nothing is a usage error' 'evidence add'
test_expect_code 2 'an unknown --format is a usage error' \
	'evidence add --format docx x'
test_expect_success 'a second writer gives up with 75, naming the lock' '
	mkfifo hold &&
	{ "$top_builddir/tests/lock-holder" "$EVIDENCE_DIR/lock" <hold >held & } &&
	exec 8>hold &&
	while ! grep -q locked held 2>/dev/null; do sleep 0.1; done &&
	{ evidence add --wait 0.3 "$FIXTURES/text" 2>err; code=$?; } ;
	exec 8>&- ; wait
	test "$code" = 75 && grep -q "locked by another writer" err &&
	grep -q "lock" err
'
test_expect_success 'the lock is free again once its holder is gone' '
	evidence add "$FIXTURES/text" >/dev/null
'
test_done
