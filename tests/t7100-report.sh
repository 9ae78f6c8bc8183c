#!/bin/sh
# t7100-report.sh - the HTML brief: content, escaping, self-containment,
# scale, and a look in a real browser
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

command -v xmllint >/dev/null 2>&1 ||
	skip_all "xmllint is absent (libxml2-utils: tests/install-deps.sh)"

# The fixture collection of t7000-map.sh: six works, of which five carry
# lessons (focus: W1 W2 W6; pacing: W1 W5; relationships: W2 W3 W6) and
# W6 has markup in its title, journal and passage.
evidence init >/dev/null
evidence add "$FIXTURES/report/collection.json" >/dev/null
# 2026-01-01 00:00 UTC, so briefs can be compared byte for byte.
SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH

# The passages quoted in the section of lesson $1 of brief $2.
quotes() {
	sed -n "/<section class=\"lesson\" id=\"lesson-$1\">/,/<\/section>/p" "$2" |
		grep -c "^<blockquote>"
}

# The HTML parser errors of $1, less libxml2 2.9's complaint that it does
# not know HTML5's elements (section, figure, svg...).
html_errors() {
	xmllint --html --noout "$1" 2>&1 | grep "parser error" |
		grep -v "Tag [a-z]* invalid"
}

# Nothing in $1 that a browser would fetch: no src at all, every href a
# place in the page, no url() or @import, no elements that load things.
self_contained() {
	! grep -qi "src=" "$1" &&
	! grep -io "href=\"[^\"]*\"" "$1" | grep -qv "href=\"#" &&
	! grep -qi "url(" "$1" &&
	! grep -qi "@import" "$1" &&
	! grep -Eqi "<(script|link|img|iframe|object|embed|video|audio)[ >]" "$1"
}

test_expect_success 'report writes a brief: well-formed, valid HTML' '
	evidence report -o brief.html >stdout &&
	test ! -s stdout &&
	head -n1 brief.html | grep -q "^<!DOCTYPE html>" &&
	xmllint --noout brief.html &&
	test -z "$(html_errors brief.html)"
'
test_expect_success 'html_errors catches a bad end tag and unescaped text' '
	sed "s|</cite>|</cit>|" brief.html >broken.html &&
	test -n "$(html_errors broken.html)" &&
	sed "s|<dd>none</dd>|<dd>none \& <x</dd>|" brief.html >broken.html &&
	test -n "$(html_errors broken.html)"
'
test_expect_success 'a --query of blanks is the brief of the whole collection' '
	evidence report --query "  	" -o blank.html &&
	test_cmp brief.html blank.html
'
test_expect_success 'brief: what was searched and when' '
	grep -q "<dt>Query</dt><dd>none: the whole collection</dd>" brief.html &&
	grep -q "<dt>Filters</dt><dd>none</dd>" brief.html &&
	grep -q "<dt>Date</dt><dd>1 January 2026, 00:00 UTC</dd>" brief.html &&
	grep -q "<dd>6 works, 9 passages; 5 works carry" brief.html &&
	grep -q "<dd>focus, pacing, relationships</dd>" brief.html
'
test_expect_success 'brief: the map, inline, with its counts' '
	grep -q "<svg [^>]*class=\"evidence-map\"" brief.html &&
	! grep -q "<?xml" brief.html &&
	grep -q "Works per cell" brief.html
'
test_expect_success 'brief: the core lessons with their passages, no empty others' '
	test "$(quotes focus brief.html)" = 3 &&
	test "$(quotes pacing brief.html)" = 2 &&
	test "$(quotes relationships brief.html)" = 3 &&
	! grep -q "id=\"lesson-governance\"" brief.html &&
	grep -q "3 works in the collection have passages carrying this lesson, quoted below" brief.html
'
test_expect_success 'brief: references of the works quoted, numbered, linked' '
	test "$(grep -c "^<li id=\"ref-" brief.html)" = 5 &&
	grep -o "href=\"#ref-[0-9]*\"" brief.html | sort -u |
		sed "s/href=\"#//; s/\"//" >linked &&
	grep -o "<li id=\"ref-[0-9]*\"" brief.html |
		sed "s/<li id=\"//; s/\"//" | sort -u >listed &&
	test_cmp listed linked &&
	grep -q "<li id=\"ref-1\">Adebayo C, Fox MJ. Merging practices: a review. Journal of Test Fixtures. 2019 May;7(2):10–9.</li>" brief.html &&
	! grep -q "A new surgery opens" brief.html
'
test_expect_success 'brief: each quotation names its work and evidence type' '
	grep -q "<cite>Merging practices: a review</cite>, 2019 <span class=\"type\">review</span> <a href=\"#ref-1\">\[1\]</a>" brief.html
'
test_expect_success 'brief: text from the collection is escaped' '
	! grep -qi "<script" brief.html &&
	grep -q "<cite>Scripts &amp; &lt;script&gt;alert(1)&lt;/script&gt; in &quot;titles&quot;</cite>" brief.html &&
	grep -q "together &lt;b&gt;&amp;amp; more&lt;/b&gt;.</p>" brief.html &&
	grep -q "Journal of &lt;Awkward&gt; &amp; Odd Names" brief.html
'
test_expect_success 'brief: self-contained, nothing to fetch' '
	self_contained brief.html
'
test_expect_success 'self_contained catches a remote reference' '
	sed "s|</head>|<link rel=\"stylesheet\" href=\"https://example.org/a.css\"></head>|" brief.html >remote.html &&
	! self_contained remote.html &&
	sed "s|</style>|p{background:url(//example.org/x.png)}</style>|" brief.html >remote.html &&
	! self_contained remote.html
'
test_expect_success 'brief: an A4 print stylesheet' '
	grep -q "@page{size:A4;margin:" brief.html &&
	grep -q "@media print" brief.html &&
	grep -q "blockquote,figure,dl,ol.references li{break-inside:avoid" brief.html &&
	grep -q "a\[href\]:not(\[href^=\"#\"\])::after{content:" brief.html
'
test_expect_success 'report -o - writes the same brief to stdout' '
	evidence report -o - >stdout.html &&
	cmp brief.html stdout.html
'
test_expect_success 'report --lesson: that lesson only, in the map too' '
	evidence report --lesson pacing -o pacing.html &&
	test "$(grep -c "<section class=\"lesson\"" pacing.html)" = 1 &&
	test "$(quotes pacing pacing.html)" = 2 &&
	test "$(grep -c "<rect [^>]*height=\"28\"" pacing.html)" = 8
'
test_expect_success 'report --top 1: the strongest passage, the rest counted' '
	evidence report --top 1 -o top.html &&
	test "$(quotes focus top.html)" = 1 &&
	grep -q "the strongest is quoted below, the other 2 are counted in the map" top.html &&
	test "$(grep -c "^<li id=\"ref-" top.html)" -le 3
'
test_expect_success 'report --top 0: counts only, nothing to cite' '
	evidence report --top 0 -o none.html &&
	! grep -q "<blockquote>" none.html &&
	grep -q "3 works in the collection have passages carrying this lesson; they are counted in the map" none.html &&
	grep -q "Nothing was quoted" none.html
'
# "lighthouse" is in map.1 (its passage 2 carries pacing, its passage 1
# focus) and map.3 (relationships): each lesson quotes the passage of a
# found work that carries it, wherever the query matched in the work.
test_expect_success 'report --query: the query, escaped, and its passages' '
	evidence report --query "lighthouse <&>" -o q.html &&
	xmllint --noout q.html &&
	grep -q "<dt>Query</dt><dd>lighthouse &lt;&amp;&gt;</dd>" q.html &&
	test "$(quotes pacing q.html)" = 1 &&
	test "$(quotes relationships q.html)" = 1 &&
	test "$(quotes focus q.html)" = 1 &&
	! grep -q "No passage among" q.html &&
	evidence report --query lighthouse --lesson governance -o g.html &&
	test "$(quotes governance g.html)" = 0 &&
	grep -q "No passage among the works this search found carries this lesson" g.html
'
test_expect_code 2 'report --style of a style it does not know' \
	'evidence report --style chicago -o x.html'
test_expect_exit 2 'report without -o says where the brief goes' \
	'evidence report 2>err' 'grep -q -- "-o FILE" err'
test_expect_code 2 'report --top past the cap' \
	'evidence report --top 101 -o x.html'
test_expect_exit 2 'report --lesson of an unknown lesson' \
	'evidence report --lesson nosuch -o x.html 2>err' \
	'grep -q "unknown lesson .nosuch." err'
test_expect_exit 2 'report with a query over the length cap' \
	'q=$(head -c 20000 /dev/zero | tr "\\0" a) &&
	evidence report --query "$q" -o x.html 2>err' \
	'grep -q "too long" err'
# APA 7 as apa.csl has it: "&" before the last author, the year after
# the names, the title as the record has it (citeproc does not recase
# it), the journal and volume in italics (escaped by cite.c).
test_expect_success 'report --style apa lists APA references' '
	evidence report --style apa -o apa.html &&
	grep -q "<li id=\"ref-1\">Adebayo, C., &amp; Fox, M.-J. (2019)\. Merging practices: a review\. <i>Journal of Test Fixtures</i>, <i>7</i>(2), 10–19\. https://doi\.org/10\.5555/map\.1</li>" apa.html &&
	grep -q "references in APA style" apa.html &&
	rm apa.html
'
test_expect_success 'report to a folder that does not exist fails, leaves nothing' '
	! evidence report -o nowhere/brief.html 2>err &&
	grep -q "cannot write .nowhere/brief.html." err &&
	test ! -e nowhere &&
	test ! -e x.html
'
test_expect_success 'report of a folder that is not a collection says so' '
	! evidence --dir "$TRASH/not-there" report -o x.html 2>err &&
	test -s err && test ! -e x.html
'
test_expect_success 'report of an empty collection says so, exit 0' '
	evidence --dir empty init >/dev/null &&
	evidence --dir empty report -o empty.html &&
	xmllint --noout empty.html &&
	test -z "$(html_errors empty.html)" &&
	grep -q "holds no evidence yet" empty.html &&
	grep -q "<dd>0 works, 0 passages" empty.html &&
	self_contained empty.html
'
test_expect_success 'report of a single work' '
	printf "[{\"title\":\"Only one\",\"evidence_type\":\"report\",\"issued\":{\"date-parts\":[[2024]]},\"passages\":[{\"text\":\"They described the work as a marathon rather than a sprint.\"}]}]" >one.json &&
	evidence --dir one init >/dev/null &&
	evidence --dir one add one.json >/dev/null &&
	evidence --dir one report -o one.html &&
	xmllint --noout one.html &&
	test "$(quotes pacing one.html)" = 1 &&
	test "$(quotes focus one.html)" = 0 &&
	test "$(grep -c "^<li id=\"ref-" one.html)" = 1 &&
	grep -q "<dd>1 work, 1 passage; 1 work carry" one.html
'
test_expect_success 'report cuts a long passage at a word, marked' '
	awk "BEGIN { printf \"[{\\\"title\\\":\\\"Long\\\",\\\"passages\\\":[{\\\"text\\\":\\\"They described the work as a marathon rather than a sprint.\"; for (i = 0; i < 500; i++) printf \" word%d\", i; printf \"\\\"}]}]\" }" >long.json &&
	jq -e ".[0].passages[0].text | length > 3000" long.json &&
	evidence --dir long init >/dev/null &&
	evidence --dir long add long.json >/dev/null &&
	evidence --dir long report -o long.html &&
	q=$(grep "^<p>They described" long.html) &&
	test "${#q}" -lt 1300 && test "${#q}" -gt 600 &&
	echo "$q" | grep -q " word[0-9]* \[…\]</p>\$"
'

# --- 10,000 works -----------------------------------------------------
# Work i has two passages: cue (i mod 4) and cue (i div 4 mod 4), the
# cues being focus, pacing, relationships and none.  So a lesson is
# carried by the works with i mod 4 or i div 4 mod 4 equal to its cue:
# 4/16 + 4/16 - 1/16 = 7/16 of them, 4,375; and 15/16, 9,375, carry one
# at least.  Types cycle through five (i mod 5), independent of i mod 16
# over 10,000 works, so each type column holds 875 of a lesson's works.
# The collection goes on a tmpfs when there is one: the store syncs
# every record, which is slow on a disk.
big_dir="$TRASH/big"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	big_dir=$(mktemp -d /dev/shm/evidence-t7100.XXXXXX) || big_dir="$TRASH/big"
fi
awk 'BEGIN {
	cue[0] = "Staff called it mission creep, and the purpose was lost."
	cue[1] = "They described the work as a marathon rather than a sprint."
	cue[2] = "Goodwill and trust between the partners held the group together."
	cue[3] = "The building has a car park and a garden."
	split("review study news report other", type, " ")
	printf "["
	for (i = 0; i < 10000; i++)
		printf "%s{\"title\":\"Synthetic work %d\",\"DOI\":\"10.5555/syn.%d\",\"author\":[{\"family\":\"Author%d\",\"given\":\"Ann\"}],\"container-title\":\"Journal %d\",\"issued\":{\"date-parts\":[[%d]]},\"evidence_type\":\"%s\",\"passages\":[{\"text\":\"%s Work %d.\"},{\"text\":\"%s More.\"}]}", (i ? "," : ""), i, i, i, i % 50, 1990 + i % 35, type[i % 5 + 1], cue[i % 4], i, cue[int(i / 4) % 4]
	printf "]\n"
}' >big.json
evidence --dir "$big_dir" init >/dev/null
evidence --dir "$big_dir" add big.json >/dev/null

test_expect_success '10,000 works: the map counts them exactly' '
	evidence --dir "$big_dir" map --format json >big.json.map &&
	test "$(jq .works big.json.map)" = 10000 &&
	test "$(jq -c ".totals.rows[0:3]" big.json.map)" = "[4375,4375,4375]" &&
	test "$(jq -c ".cells[0]" big.json.map)" = "[875,875,875,875,875]" &&
	test "$(jq .totals.works big.json.map)" = 9375
'
# The works span 35 years, 1990 to 2024: more than 16 columns, so the
# years are grouped by five: 1990-1994 ... 2020-2024.
test_expect_success '10,000 works: the year map groups 35 years by five' '
	evidence --dir "$big_dir" map --by year --format json >big.year &&
	test "$(jq -c "[.columns[].value]" big.year)" = "[\"1990-1994\",\"1995-1999\",\"2000-2004\",\"2005-2009\",\"2010-2014\",\"2015-2019\",\"2020-2024\"]" &&
	test "$(jq -c "[.cells[0:3][] | add]" big.year)" = "[4375,4375,4375]" &&
	test "$(jq ".totals.columns | add" big.year)" = 9375 &&
	evidence --dir "$big_dir" map --by year --format svg >big.svg &&
	xmllint --noout big.svg &&
	test "$(grep -c "rotate(-45" big.svg)" = 8
'
test_expect_success '10,000 works: the brief quotes the top 5, counts the rest' '
	start=$(date +%s) &&
	evidence --dir "$big_dir" report -o big.html &&
	say "brief of 10,000 works in $(( $(date +%s) - start )) s, $(wc -c <big.html) bytes" &&
	xmllint --noout big.html &&
	test "$(quotes focus big.html)" = 5 &&
	test "$(quotes pacing big.html)" = 5 &&
	test "$(quotes relationships big.html)" = 5 &&
	grep -q "the 5 strongest are quoted below, the other 4370 are counted in the map" big.html &&
	test "$(grep -c "^<li id=\"ref-" big.html)" -le 15 &&
	test "$(wc -c <big.html)" -lt 100000 &&
	self_contained big.html
'
test_expect_success '10,000 works: every quotation under a lesson carries it' '
	evidence --dir "$big_dir" report --query trust -o trust.html &&
	sed -n "/id=\"lesson-focus\"/,/<\/section>/p" trust.html >focus.html &&
	test "$(grep -c "^<p>Staff called it mission creep" focus.html)" = 5 &&
	test "$(grep -c "^<blockquote>" focus.html)" = 5 &&
	grep -q "4375 of the works this search found have passages carrying this lesson" trust.html
'
case $big_dir in
/dev/shm/*) rm -rf "$big_dir" ;;
esac

# --- In a browser -----------------------------------------------------
chromium=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chromium=$c
		break
	fi
done
# run_chromium LOG ARGS...: headless, no network, its own profile.
run_chromium() {
	log=$1
	shift
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$TRASH/chromium-profile" \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--no-first-run --disable-background-networking \
		--enable-logging=stderr --v=0 "$@" 2>"$log"
}
if [ -z "$chromium" ]; then
	test_skip 'chromium renders the brief' 'chromium is not installed (tests/install-deps.sh)'
	test_skip 'chromium: the DOM holds the map and the passages' 'no chromium'
	test_skip 'chromium prints the brief on A4 pages' 'no chromium'
	test_skip 'chromium: no console errors' 'no chromium'
else
	test_expect_success 'chromium renders the brief to a PNG' '
		run_chromium shot.log --window-size=1000,3000 \
			--screenshot="$TRASH/brief.png" "file://$TRASH/brief.html" >/dev/null &&
		test -s brief.png &&
		test "$(head -c 8 brief.png | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a &&
		test "$(od -An -tu1 -j16 -N4 brief.png | tr -s " " | sed "s/^ //; s/ $//")" = "0 0 3 232" &&
		test "$(wc -c <brief.png)" -gt 20000
	'
	test_expect_success 'chromium: the DOM holds the map and the passages' '
		run_chromium dom.log --dump-dom "file://$TRASH/brief.html" >dom.html &&
		grep -q "<svg [^>]*class=\"evidence-map\"" dom.html &&
		test "$(grep -c "<blockquote>" dom.html)" = 8 &&
		grep -q "<li id=\"ref-5\">" dom.html
	'
	test_expect_success 'chromium prints the brief on A4 pages' '
		run_chromium pdf.log --no-pdf-header-footer \
			--print-to-pdf="$TRASH/brief.pdf" "file://$TRASH/brief.html" >/dev/null &&
		grep -a -o "MediaBox \[[^]]*\]" brief.pdf | sort -u >boxes &&
		test "$(wc -l <boxes)" = 1 &&
		# A4 is 595.3 x 841.9 points (Letter would be 612 x 792).
		awk "{ w = \$4; h = \$5 + 0; exit !(w > 590 && w < 600 && h > 837 && h < 847) }" boxes
	'
	test_expect_success 'chromium: no console errors (and the check can see one)' '
		! grep -q ":CONSOLE" shot.log &&
		! grep -q ":CONSOLE" dom.log &&
		! grep -q ":CONSOLE" pdf.log &&
		printf "<!DOCTYPE html><p>x</p><script>undefinedFunction();</script>" >bad.html &&
		run_chromium bad.log --dump-dom "file://$TRASH/bad.html" >/dev/null &&
		grep -q ":CONSOLE.*undefinedFunction" bad.log
	'
fi
test_expect_success 'help report shows the manual' '
	evidence help report >help.txt 2>&1 &&
	grep -q "evidence report" help.txt
'
test_done
