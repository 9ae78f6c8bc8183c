#!/bin/sh
# t4020-search-prior.sh - the evidence-type prior in the ranking
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# Three works with the same words and of the same length, differing only
# in evidence type.  The prior adds TYPE_BOOST (0.6, query/search.c)
# times the type's prior (lib/evidence-type.c): systematic review 1.0,
# commentary 0.5, news 0.4 and, for a work of no known type, "other" 0.3.
# So the words weigh the same in each and the scores differ by
# 0.6 x (1.0 - 0.5) = 0.3 and 0.6 x (0.5 - 0.4) = 0.06.
cat >works.json <<'EOF'
[
  {"id": "R", "type": "article-journal", "DOI": "10.5555/prior.1",
   "title": "Quokka networks one", "evidence_type": "systematic-review",
   "abstract": "Quokka practices found it was a marathon, not a sprint."},
  {"id": "N", "type": "article-journal", "DOI": "10.5555/prior.2",
   "title": "Quokka networks two", "evidence_type": "news",
   "abstract": "Quokka practices found it was a marathon, not a sprint."},
  {"id": "C", "type": "article-journal", "DOI": "10.5555/prior.3",
   "title": "Quokka networks six", "evidence_type": "commentary",
   "abstract": "Quokka practices found it was a marathon, not a sprint."}
]
EOF
evidence init >/dev/null &&
	evidence add works.json >/dev/null || exit 1

# "ID SCORE" per hit, best first.
ranked() {
	evidence search --format json "$@" >res.json &&
	jq -r '.hits[] | "\(.id) \(.score)"' res.json >ranked
}

# The gaps between the scores of hits 1-2 and 2-3 are G1 and G2.
gaps_are() {
	awk -v g1="$1" -v g2="$2" '
		{ s[NR] = $2 }
		END {
			d1 = s[1] - s[2]; d2 = s[2] - s[3]
			if (NR != 3 || d1 - g1 > 0.001 || g1 - d1 > 0.001 ||
			    d2 - g2 > 0.001 || g2 - d2 > 0.001) {
				printf "gaps %g %g, want %g %g\n", d1, d2, g1, g2
				exit 1
			}
		}' ranked
}

order_is() {
	test "$(cut -d" " -f1 ranked | tr "\n" " ")" = "$* " || {
		cat ranked
		false
	}
}

test_expect_success 'the prior orders works with the same words' '
	ranked quokka &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.06
'
test_expect_success 'and a phrase of them' '
	ranked "\"quokka practices\"" &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.06
'
test_expect_success 'and beside --lesson, which weighs the lesson too' '
	ranked --lesson pacing quokka &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.06
'
# lesson:pacing outweighs the words, so the query is the heavier of the
# lesson's works weighed by every boost and the words AND the prior.
test_expect_success 'and beside a lesson the query names' '
	ranked lesson:pacing quokka &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.06
'

# A stored record with no type (edited by hand) is indexed without a type
# term: the search must still find it, at the prior of "other" (0.3),
# 0.6 x (0.5 - 0.3) = 0.12 below the commentary.
test_expect_success 'a work whose record has no type weighs as "other"' '
	f=$(grep -l "\"news\"" "$EVIDENCE_DIR"/store/records/*/*.json) &&
	test -n "$f" &&
	jq "del(.evidence_type)" "$f" >edited.json &&
	mv edited.json "$f" &&
	evidence index >/dev/null &&
	ranked quokka &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.12 &&
	ranked "\"quokka practices\"" &&
	gaps_are 0.3 0.12 &&
	ranked lesson:pacing quokka &&
	order_is doi:10.5555/prior.1 doi:10.5555/prior.3 doi:10.5555/prior.2 &&
	gaps_are 0.3 0.12
'

test_done
