#!/bin/sh
# t5130-roundtrip.sh - RIS and BibTeX exports read back by "add" lose no field
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"

# The bundled corpus (real works: organisations, reports, web pages,
# PMIDs and PMCIDs) and the citation fixtures (no authors, many authors,
# no date, non-ASCII names, online-only).
evidence --dir "$TRASH/a" init >/dev/null
evidence --dir "$TRASH/a" add --no-index "$top_srcdir/corpus/bundled" \
	"$FIXTURES/cite/seven.json" "$FIXTURES/cite/awkward.json" >/dev/null

# The fields a format has a place for, from a CSL-JSON export, one
# object per work sorted by title, so two collections compare with cmp.
# Dates are compared as far as the format keeps them (RIS DA and BibTeX
# date keep the day); keywords as a set; white space collapsed.
fields() {
	jq -S --argjson extra "$2" '
		def norm: if type == "string"
			then gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "")
			else . end;
		[.[] | {title, author, "container-title", volume, issue,
			page, DOI, PMID, PMCID, URL, publisher, language,
			abstract, issued: (.issued."date-parts"[0] // null),
			keyword: ((.keyword // "") | split(", ") | sort)}
			+ (with_entries(select(.key as $k | $extra |
				index($k))))
		 | with_entries(select(.value != null and .value != []
				       and .value != [""]))
		 | walk(norm)]
		| sort_by(.title)' "$1"
}

evidence --dir "$TRASH/a" export --format csl-json >a.json
n=$(jq length a.json)

for fmt in ris bibtex; do
	test_expect_success "$fmt: every work comes back" '
		evidence --dir "$TRASH/a" export --format $fmt -o all.$fmt &&
		evidence --dir "$TRASH/$fmt" init >/dev/null &&
		evidence --dir "$TRASH/$fmt" add --no-index all.$fmt \
			>out 2>err &&
		evidence --dir "$TRASH/$fmt" export --format csl-json \
			>$fmt.json &&
		test "$(jq length $fmt.json)" = "$n"
	'
	test_expect_success "$fmt: no field lost or changed" '
		fields a.json "[\"type\"]" >want &&
		fields $fmt.json "[\"type\"]" >got &&
		{ diff -u want got || false; }
	'
done

# The check above is not vacuous: a field dropped on the way is caught.
test_expect_success 'a lost field is noticed' '
	jq "map(del(.volume))" ris.json >lost.json &&
	fields a.json "[]" >want &&
	fields lost.json "[]" >got &&
	! cmp -s want got
'

test_done
