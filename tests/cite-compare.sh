#!/bin/sh
# cite-compare.sh - evidence's Vancouver and APA references set beside
# what pandoc --citeproc makes with Debian's vancouver.csl and apa.csl
#
# Usage: tests/cite-compare.sh [-q] [FILE|DIR...]
#
# Builds a collection from corpus/bundled, the FILEs and DIRs given and,
# when present, every folder of $EVIDENCE_SHARED/samples (default
# $top_srcdir/../shared), and
# exports it as CSL-JSON.  pandoc renders that export in each style as
# plain text; "evidence cite" renders the same works.  Both are compared
# work by work after collapsing white space.  Prints each difference
# (unless -q), then one line per style: the works that agree, the works
# compared, the rate, and how many of the differences are excused:
#
#   agreement vancouver 435 436 99.8% excluded 1
#
# A difference is excused when tests/fixtures/cite/exclusions.txt lists
# the style, the work's id and, exactly, what evidence prints for it
# (then the reason: where citeproc's output is not something a style
# should reproduce); it is printed as "excluded" instead.  Any other
# change to the work's reference is still a difference.
#
# Exits 77 (skip) when pandoc or the styles are missing, 0 otherwise.
# For works of every CSL type with odd fields, give it records from
# tests/cite-random.py:
#   tests/cite-random.py 1 200 >r.json && tests/cite-compare.sh -q r.json
# Environment: EVIDENCE (the binary), top_srcdir, CSL_STYLES (the
# folder holding vancouver.csl and apa.csl), CITE_EXCLUSIONS (the list
# of excused differences).

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${EVIDENCE:=$top_srcdir/evidence}"
STYLES=${CSL_STYLES:-/usr/share/citation-style-language/styles}
SHARED=${EVIDENCE_SHARED:-$top_srcdir/../shared}
EXCLUSIONS=${CITE_EXCLUSIONS:-$top_srcdir/tests/fixtures/cite/exclusions.txt}
quiet=
if [ "${1:-}" = -q ]; then
	quiet=1
	shift
fi

if ! command -v pandoc >/dev/null 2>&1; then
	echo "cite-compare: pandoc is not installed (apt-get install pandoc)"
	exit 77
fi
for s in vancouver apa; do
	if [ ! -f "$STYLES/$s.csl" ]; then
		echo "cite-compare: no $STYLES/$s.csl (apt-get install" \
			"citation-style-language-styles)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cite-compare.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
EVIDENCE_DIR=$tmp/collection
LC_ALL=C.UTF-8
export EVIDENCE_DIR LC_ALL

"$EVIDENCE" init >/dev/null || exit 1
"$EVIDENCE" add --no-index "$top_srcdir/corpus/bundled" "$@" >/dev/null ||
	exit 1
if [ -d "$SHARED/samples" ]; then
	for d in "$SHARED"/samples/*/; do
		# Files evidence cannot read yet are skipped by add itself.
		"$EVIDENCE" add --no-index "$d" >/dev/null 2>&1
	done
else
	echo "cite-compare: $SHARED/samples is absent; no samples compared"
fi
"$EVIDENCE" export --format csl-json >"$tmp/items.json" || exit 1
printf -- '---\nnocite: "@*"\n---\n' >"$tmp/doc.md"

# One id per line, in the order of the export.
sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$tmp/items.json" >"$tmp/ids"
n=$(wc -l <"$tmp/ids")

normalise() {
	tr -s ' \t' '  ' | sed 's/^ //; s/ $//'
}

for style in vancouver apa; do
	pandoc "$tmp/doc.md" --citeproc --bibliography="$tmp/items.json" \
		--csl="$STYLES/$style.csl" \
		--lua-filter="$top_srcdir/tests/cite-refs.lua" \
		-t plain --wrap=none -o "$tmp/pandoc.$style" || exit 1
	# shellcheck disable=SC2046
	"$EVIDENCE" cite --style "$style" $(cat "$tmp/ids") \
		>"$tmp/evidence.$style" || exit 1
	agree=0
	excused=0
	i=0
	while IFS= read -r id; do
		i=$((i + 1))
		want=$(awk -F '\t' -v id="$id" '$1 == id {
			sub(/^[^\t]*\t/, ""); print; exit }' \
			"$tmp/pandoc.$style" | normalise)
		got=$(sed -n "${i}p" "$tmp/evidence.$style" | normalise)
		[ "$style" = vancouver ] && got=${got#"$i. "}
		if [ "$want" = "$got" ]; then
			agree=$((agree + 1))
		elif [ -f "$EXCLUSIONS" ] &&
			why=$(awk -F '\t' -v s="$style" -v id="$id" \
				-v got="$got" '
				$1 == s && $2 == id && $3 == got {
					print $4; found = 1; exit }
				END { exit !found }' "$EXCLUSIONS"); then
			excused=$((excused + 1))
			[ -n "$quiet" ] || printf '%s %s excluded: %s\n' \
				"$style" "$id" "$why"
		elif [ -z "$quiet" ]; then
			printf '%s %s\n  pandoc:   %s\n  evidence: %s\n' \
				"$style" "$id" "$want" "$got"
		fi
	done <"$tmp/ids"
	awk -v s="$style" -v a="$agree" -v n="$n" -v x="$excused" 'BEGIN {
		printf "agreement %s %d %d %.1f%% excluded %d\n", s, a, n,
			n ? 100 * a / n : 0, x }'
done
