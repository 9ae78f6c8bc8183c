#!/bin/sh
# t6500-hostile.sh - hostile XML and HTML: nothing loaded, nothing crashes
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"

# test-parse.c checks the parsers one by one (entity loader refusals,
# bombs, depth); here "evidence add" meets them all in one batch, with a
# canary file and a canary HTTP server that must never be read, bounded
# time and memory, and one line per bad file while the good ones go in.

# Every 1/N of each file is tried as a truncated copy: make stress sets
# T6_CUTS=64 for the samples (the fixtures always get 64).
: "${T6_CUTS:=8}"
# Memory a single import may use (KiB of RSS under ASan, where ulimit -v
# cannot be used; of address space otherwise).
: "${T6_MAX_KB:=600000}"

evidence init >/dev/null
echo "SECRET-t6500-canary-text" >secret.txt
cat >evil.dtd <<EOF
<!ENTITY marker "DTD-WAS-LOADED">
<!ENTITY leak SYSTEM "file://$TRASH/secret.txt">
EOF

# The canary server: tests/http-server counts requests for /flaky/0.
mkdir -p www
rm -f serve && mkfifo serve
"$top_builddir/tests/http-server" www --max-seconds 600 <serve >port &
server=$!
exec 9>serve
for i in $(seq 1 100); do test -s port && break; sleep 0.05; done
port=$(cat port)
canary="http://127.0.0.1:$port/flaky/0"
file_url="file://$TRASH/secret.txt"
dtd_url="file://$TRASH/evil.dtd"
requests() {
	curl -s "http://127.0.0.1:$port/count/flaky/0"
}

mkdir -p hostile

# The XML shapes we read, one line each: NAME|ROOT ELEMENT|DOCUMENT, with
# @T@ where text goes.  Every entity, DTD and XInclude attack below is
# tried in each; a new XML format (RSS, Atom, Crossref, Europe PMC) is
# one more line.
xml_shapes='
jats|article|<article><front><article-meta><title-group><article-title>@T@</article-title></title-group></article-meta></front><body><p>Body @T@.</p></body></article>
pubmed|PubmedArticleSet|<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>77000001</PMID><Article><ArticleTitle>@T@</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
rss|rss|<rss version="2.0"><channel><title>@T@</title><item><title>@T@</title><link>https://example.org/rss/1</link></item></channel></rss>
atom|feed|<feed xmlns="http://www.w3.org/2005/Atom"><title>@T@</title><entry><title>@T@</title><link href="https://example.org/atom/1"/></entry></feed>
crossref|doi_records|<doi_records><doi_record><crossref><journal><journal_article><titles><title>@T@</title></titles><doi_data><doi>10.5555/hostile.1</doi></doi_data></journal_article></journal></crossref></doi_record></doi_records>
europepmc|responseWrapper|<responseWrapper><hitCount>1</hitCount><resultList><result><pmid>77000002</pmid><title>@T@</title></result></resultList></responseWrapper>
'

# attack NAME DOCTYPE TEXT: hostile/NAME.SHAPE.xml for every shape, with
# DOCTYPE (ROOT stands for the shape's root element) and TEXT.
attack() {
	while IFS='|' read -r shape root doc <&5; do
		test -n "$shape" || continue
		{
			echo '<?xml version="1.0" encoding="UTF-8"?>'
			echo "$2" | sed "s|ROOT|$root|g"
			# Not gsub(): "&" in its replacement is the match.
			echo "$doc" | awk -v t="$3" '{ out = ""; s = $0
				while ((i = index(s, "@T@")) > 0) {
					out = out substr(s, 1, i - 1) t
					s = substr(s, i + 3)
				}
				print out s }'
		} >"hostile/$1.$shape.xml"
	done 5<<-EOF
	$xml_shapes
	EOF
}
xi='xmlns:xi="http://www.w3.org/2001/XInclude"'
attack xxe-file-general "<!DOCTYPE ROOT [<!ENTITY x SYSTEM \"$file_url\">]>" 'Title &x; end'
attack xxe-http-general "<!DOCTYPE ROOT [<!ENTITY x SYSTEM \"$canary\">]>" 'Title &x; end'
attack xxe-param-file "<!DOCTYPE ROOT [<!ENTITY % p SYSTEM \"$dtd_url\"> %p;]>" 'Title &marker; &leak;'
attack xxe-param-http "<!DOCTYPE ROOT [<!ENTITY % p SYSTEM \"$canary\"> %p;]>" 'Title &marker;'
attack dtd-external-file "<!DOCTYPE ROOT SYSTEM \"$dtd_url\">" 'Title &marker;'
attack dtd-external-http "<!DOCTYPE ROOT PUBLIC \"-//X//DTD X//EN\" \"$canary\">" 'Title'
attack xinclude-file '' "Title <xi:include $xi href=\"$file_url\" parse=\"text\"/>"
attack xinclude-http '' "Title <xi:include $xi href=\"$canary\" parse=\"text\"/>"
attack xinclude-xml '' "Title <xi:include $xi href=\"$dtd_url\"/>"
attack attr-entity-file "<!DOCTYPE ROOT [<!ENTITY x SYSTEM \"$file_url\"><!ATTLIST ROOT a CDATA \"&x;\">]>" 'Attribute default'
attack billion-laughs "<!DOCTYPE ROOT [<!ENTITY l0 \"laugh\">$(
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf '<!ENTITY l%d "' $i
		for j in 1 2 3 4 5 6 7 8 9 10; do printf '&l%d;' $((i - 1)); done
		printf '">'
	done)]>" '&l10;'
attack quadratic "<!DOCTYPE ROOT [<!ENTITY big \"$(head -c 100000 /dev/zero | tr '\0' a)\">]>" \
	"$(awk 'BEGIN { for (i = 0; i < 2000; i++) printf "&big;" }')"
cat >hostile/html-doctype.html <<EOF
<!DOCTYPE html SYSTEM "$canary"><html><head><title>HTML with a remote DTD</title>
<link rel="stylesheet" href="$canary"><script src="$canary"></script></head>
<body><iframe src="$file_url"></iframe><p>Plain text &x; and more.</p></body></html>
EOF

# Bombs that need no DTD.
{
	printf '<?xml version="1.0"?><article><body>'
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<sec>"; printf "<p>deep</p>"; for (i = 0; i < 10000; i++) printf "</sec>" }'
	printf '</body></article>\n'
} >hostile/deep-10000.xml
{
	printf '<html><head><title>Deep</title></head><body>'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<div>"; printf "<p>deep html</p>" }'
	printf '</body></html>\n'
} >hostile/deep-100000.html
{
	printf '<?xml version="1.0"?><article><front><article-meta><title-group><article-title>Huge</article-title></title-group></article-meta></front><body><p>'
	head -c 12000000 /dev/zero | tr '\0' b
	printf '</p></body></article>\n'
} >hostile/huge-text-node.xml
{
	printf 'A title for a file past the size cap\n\n'
	head -c 70000000 /dev/zero | tr '\0' c
} >hostile/huge-file.txt

# Encodings: wrong, mixed, unknown, UTF-16, NUL.
printf '<?xml version="1.0" encoding="UTF-8"?><article><front><article-meta><title-group><article-title>Pediatr\355a (Asunci\363n)</article-title></title-group></article-meta></front></article>\n' \
	>hostile/latin1-declared-utf8.xml
printf '<?xml version="1.0" encoding="x-no-such-charset"?><article><front><article-meta><title-group><article-title>Unknown charset</article-title></title-group></article-meta></front></article>\n' \
	>hostile/unknown-encoding.xml
printf '<?xml version="1.0" encoding="UTF-16"?><article><front><article-meta><title-group><article-title>UTF-16 declared, UTF-8 bytes</article-title></title-group></article-meta></front></article>\n' \
	>hostile/utf16-declared-utf8.xml
printf '\377\376' >hostile/utf16-bom.xml
printf '<?xml version="1.0" encoding="UTF-16"?><article><front><article-meta><title-group><article-title>Sixteen bits</article-title></title-group></article-meta></front></article>\n' |
	iconv -f UTF-8 -t UTF-16LE >>hostile/utf16-bom.xml
printf '<html><head><meta charset="utf-8"><title>Mixed \351 and \303\251</title></head><body><p>Caf\351 and caf\303\251 \200\201.</p></body></html>\n' \
	>hostile/mixed-encoding.html
printf 'Title with a NUL\n\nText \000 with a NUL and \377\376 bad bytes.\n' >hostile/nul-in-text.txt
printf '[{"type":"article","title":"Bad \377 UTF-8 in JSON"}]\n' >hostile/bad-utf8.json
printf '[{"type":"article","title":"NUL \\u0000 in JSON"}]\n' >hostile/nul-escape.json

# Good files among the bad: they must go in.
cp "$FIXTURES/text/focus-note.txt" hostile/good-a.txt
cp "$FIXTURES/parse/jats-article.xml" hostile/good-b.xml
cp "$FIXTURES/parse/pubmed-set.xml" hostile/good-c.xml

# run_one FILE: import FILE alone, with memory and time bounded; prints
# "exit STATUS, N ms, M KiB, first line of stderr".
asan=$(ldd "$EVIDENCE" 2>/dev/null | grep -c libasan)
have_time=$(test -x /usr/bin/time && echo 1)
run_one() {
	rm -f rss
	t0=$(date +%s%N)
	if [ "$asan" -gt 0 ] && [ -n "$have_time" ]; then
		/usr/bin/time -o rss -f %M timeout 60 "$EVIDENCE" add "$1" >/dev/null 2>one.err
	else
		(ulimit -v "$T6_MAX_KB" && exec timeout 60 "$EVIDENCE" add "$1") >/dev/null 2>one.err
	fi
	code=$?
	t=$(( ($(date +%s%N) - t0) / 1000000 ))
	kb=$(tail -1 rss 2>/dev/null)
	echo "exit $code, $t ms, ${kb:-?} KiB: $(head -1 one.err | cut -c1-120)"
}

test_expect_success 'each hostile file alone: 0 or 1, at most one line, bounded' '
	for f in hostile/*; do
		r=$(run_one "$f")
		echo "$(basename "$f"): $r" >>outcomes
		code=$(echo "$r" | sed "s/^exit \([0-9]*\),.*/\1/")
		case $code in 0 | 1) ;; *) echo "$f: $r"; exit 1 ;; esac
		test $(wc -l <one.err) -le 1 || { echo "$f: more than one line"; cat one.err; exit 1; }
		if [ $code = 1 ]; then grep -q "$(basename "$f")" one.err || exit 1; fi
		kb=$(echo "$r" | sed -n "s/.* \([0-9][0-9]*\) KiB.*/\1/p")
		if [ -n "$kb" ] && [ "$kb" -gt "$T6_MAX_KB" ]; then echo "$f: $kb KiB"; exit 1; fi
	done
'
test_expect_success 'the batch goes on: one line per bad file, the good ones in' '
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null &&
	timeout 300 evidence add hostile/* >out 2>err; code=$?
	test $code = 1 &&
	skipped=$(sed -n "s/.*; \([0-9]*\) skipped$/\1/p" out) &&
	test "$skipped" -ge 5 && test $(wc -l <err) = "$skipped" &&
	! grep -v "^evidence: add: hostile/[^:]*: .* (skipped)$" err &&
	evidence export | jq -r .id | sort >batch.ids &&
	EVIDENCE_DIR=$TRASH/good evidence init >/dev/null &&
	EVIDENCE_DIR=$TRASH/good evidence add hostile/good-* >/dev/null &&
	EVIDENCE_DIR=$TRASH/good evidence export | jq -r .id | sort >good.ids &&
	test $(wc -l <good.ids) -ge 3 &&
	test -z "$(comm -23 good.ids batch.ids)"
'
test_expect_success 'no entity, DTD or XInclude was ever loaded' '
	! grep -r "SECRET-t6500\|DTD-WAS-LOADED" "$EVIDENCE_DIR" &&
	! evidence export | grep "SECRET-t6500\|DTD-WAS-LOADED" &&
	test "$(requests)" = 0
'
test_expect_success 'the secret check finds the secret when it is there' '
	mkdir -p control && cp secret.txt control/control.txt &&
	EVIDENCE_DIR=$TRASH/control-c evidence init >/dev/null &&
	EVIDENCE_DIR=$TRASH/control-c evidence add control >/dev/null &&
	grep -rq "SECRET-t6500" "$TRASH/control-c" &&
	EVIDENCE_DIR=$TRASH/control-c evidence export | grep -q "SECRET-t6500"
'
test_expect_success 'the canary server counts what it is asked (it works)' '
	curl -s "$canary" >/dev/null && test "$(requests)" = 1
'

# cut_all N FILE...: every 1/N of each FILE, as files in cuts/.
cut_all() {
	n=$1
	shift
	rm -rf cuts && mkdir cuts
	for f in "$@"; do
		size=$(stat -c %s "$f")
		base=$(basename "$f")
		k=1
		while [ $k -lt "$n" ]; do
			head -c $((size * k / n)) "$f" >"cuts/$k.$base"
			k=$((k + 1))
		done
	done
}

# try_cuts: import every cut, named, in one run: no crash, one line per
# skipped file.
try_cuts() {
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null &&
	timeout 600 evidence add cuts/* >out 2>err; code=$?
	test $code = 0 || test $code = 1 || { echo "exit $code"; tail -5 err; return 1; }
	skipped=$(sed -n "s/.*; \([0-9]*\) skipped$/\1/p" out)
	test "$(wc -l <err)" = "$skipped" || { echo "$skipped skipped:"; head err; return 1; }
	if grep -v "^evidence: add: cuts/[^:]*: .* (skipped)$" err; then return 1; fi
	echo "$1: $(ls cuts | wc -l) cuts, $skipped skipped: $(cat out)" >>figures
}

test_expect_success 'our fixtures cut at every 1/64' '
	cut_all 64 $(find "$FIXTURES/parse" "$FIXTURES/csl" "$FIXTURES/text" -type f) &&
	try_cuts fixtures
'
if [ -d "$SAMPLES" ]; then
	test_expect_success "the samples cut at every 1/$T6_CUTS" '
		cut_all "$T6_CUTS" $(find "$SAMPLES" -type f) &&
		try_cuts samples
	'
else
	test_skip 'the samples cut at every 1/N' \
		'../shared/samples is absent (set EVIDENCE_SHARED)'
fi

exec 9>&-
wait $server 2>/dev/null
test -f outcomes && sed 's/^/# /' outcomes
test -f figures && sed 's/^/# /' figures
test_done
