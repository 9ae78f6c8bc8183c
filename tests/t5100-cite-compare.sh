#!/bin/sh
# t5100-cite-compare.sh - cite agrees with pandoc --citeproc
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# tests/cite-compare.sh renders every work of the bundled corpus, the
# samples in ../shared (when present) and tests/fixtures/cite with pandoc
# and Debian's vancouver.csl and apa.csl, and with evidence.  This test
# fails when the agreement falls below the rate reached when it was
# written: every work, in both styles, but for the differences that
# tests/fixtures/cite/exclusions.txt excuses one by one (each with the
# exact reference evidence keeps and the reason).
MIN_AGREEMENT=100
# The 29 bundled works and the 29 of tests/fixtures/cite: all of them
# must be compared, whether or not ../shared/samples adds more.
MIN_WORKS=58

STYLES=${CSL_STYLES:-/usr/share/citation-style-language/styles}
command -v pandoc >/dev/null 2>&1 ||
	skip_all "pandoc is not installed (tests/install-deps.sh installs it)"
[ -f "$STYLES/vancouver.csl" ] && [ -f "$STYLES/apa.csl" ] ||
	skip_all "no vancouver.csl and apa.csl in $STYLES" \
		"(apt-get install citation-style-language-styles)"
[ -d "$SAMPLES" ] || say "../shared/samples is absent: the bundled" \
	"corpus and the fixtures only"

EVIDENCE_SHARED=$SHARED "$SHELL" "$top_srcdir/tests/cite-compare.sh" \
	"$FIXTURES"/cite/*.json >compare 2>&1
sed 's/^/# /' compare

# agreed STYLE: the style's line ("agreement STYLE AGREE WORKS RATE
# excluded N") shows at least MIN_AGREEMENT percent, excused works
# counted with those that agree.
agreed() {
	awk -v s="$1" -v min="$MIN_AGREEMENT" '
		$1 == "agreement" && $2 == s && $6 == "excluded" { found = 1
			if ($4 > 0 && ($3 + $7) * 100 >= min * $4) ok = 1 }
		END { exit !(found && ok) }' compare
}
test_expect_success "Vancouver agrees with citeproc (>= $MIN_AGREEMENT%)" \
	'agreed vancouver'
test_expect_success "APA agrees with citeproc (>= $MIN_AGREEMENT%)" \
	'agreed apa'
test_expect_success "both styles saw all $MIN_WORKS bundled and fixture works" '
	awk -v min="$MIN_WORKS" "
		\$1 == \"agreement\" && \$4 >= min { seen++ }
		END { exit seen != 2 }" compare
'
test_done
