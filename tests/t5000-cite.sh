#!/bin/sh
# t5000-cite.sh - cite: Vancouver and APA references for the awkward cases
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# The expected references below were written by hand from the rules of
# Debian's vancouver.csl and apa.csl (citation-style-language-styles):
# Vancouver prints no DOI, only "Available from:" a URL, with
# "[Internet]" for online works; APA 7 prints the DOI as a URL.
evidence init >/dev/null
evidence add --no-index "$FIXTURES/cite/seven.json" \
	"$FIXTURES/cite/awkward.json" >/dev/null

# cite_both ID VANCOUVER APA: both styles for one work.
cite_both() {
	printf '1. %s\n' "$2" >want.v &&
	printf '%s\n' "$3" >want.a &&
	evidence cite "$1" >got.v &&
	evidence cite --style apa "$1" >got.a &&
	test_cmp want.v got.v &&
	test_cmp want.a got.a
}

# APA expands page ranges, but not "e168-77", whose second half lacks
# the first one's letter: citeproc leaves such ranges as they are.
test_expect_success 'seven authors: Vancouver six and et al., APA all' '
	cite_both 10.5555/cite.test.7 \
	"Ó Súilleabháin A, Müller JP, Smith A, Jones B, Brown C, Green D, et al. Seven authors write about federations. Br J Gen Pract. 2018;68(668):e168–77." \
	"Ó Súilleabháin, A., Müller, J. P., Smith, A., Jones, B., Brown, C., Green, D., & White, E. (2018). Seven authors write about federations. Br J Gen Pract, 68(668), e168–77. https://doi.org/10.5555/cite.test.7"
'
test_expect_success '22 authors: APA lists 19, an ellipsis and the last' '
	cite_both 10.5555/cite.many \
	"Author01 GA, Author02 GB, Author03 GC, Author04 GD, Author05 GE, Author06 GF, et al. Twenty-two authors and one study. BMJ Open. 2021;11:e012345." \
	"Author01, G. A., Author02, G. B., Author03, G. C., Author04, G. D., Author05, G. E., Author06, G. F., Author07, G. G., Author08, G. H., Author09, G. I., Author10, G. J., Author11, G. K., Author12, G. L., Author13, G. M., Author14, G. N., Author15, G. O., Author16, G. P., Author17, G. Q., Author18, G. R., Author19, G. S., … Author22, G. V. (2021). Twenty-two authors and one study. BMJ Open, 11, e012345. https://doi.org/10.5555/cite.many"
'
test_expect_success 'an organisation as author of a report' '
	cite_both url:https://www.kingsfund.org.uk/publications/primary-care-networks-explained \
	"The King’s Fund. Primary care networks explained [Internet]. The King’s Fund; 2020 Nov. Available from: https://www.kingsfund.org.uk/publications/primary-care-networks-explained" \
	"The King’s Fund. (2020). Primary care networks explained. The King’s Fund. https://www.kingsfund.org.uk/publications/primary-care-networks-explained"
'
test_expect_success 'no authors: the title leads' '
	cite_both 10.5555/cite.anon \
	"GP federations: the story so far. Br J Gen Pract. 2016 Mar;66(644):120–1." \
	"GP federations: the story so far. (2016). Br. J. Gen. Pract., 66(644), 120–121. https://doi.org/10.5555/cite.anon"
'
test_expect_success 'no date: APA says n.d., Vancouver leaves it out' '
	cite_both url:https://www.nhsconfed.org/gp-federations \
	"NHS Confederation. About GP federations [Internet]. Available from: https://www.nhsconfed.org/gp-federations" \
	"NHS Confederation. (n.d.). About GP federations. https://www.nhsconfed.org/gp-federations"
'
test_expect_success 'an online-only article without pages' '
	cite_both 10.5555/cite.online \
	"Rosen R, Curry N. An online-only article with no pages. International Journal of Integrated Care [Internet]. 2019 Aug 9;19(3). Available from: https://www.ijic.org/articles/10.5555/cite.online" \
	"Rosen, R., & Curry, N. (2019). An online-only article with no pages. International Journal of Integrated Care, 19(3). https://doi.org/10.5555/cite.online"
'
test_expect_success 'a blog post: full date in APA, the blog in title case' '
	cite_both url:https://www.kingsfund.org.uk/blog/2019/06/primary-care-networks-deliver \
	"Baird B. Can primary care networks deliver? [Internet]. The King’s Fund blog. 2019. Available from: https://www.kingsfund.org.uk/blog/2019/06/primary-care-networks-deliver" \
	"Baird, B. (2019, June 27). Can primary care networks deliver? The King’s Fund Blog. https://www.kingsfund.org.uk/blog/2019/06/primary-care-networks-deliver"
'
test_expect_success 'non-ASCII names and a hyphenated given name' '
	cite_both 10.5555/cite.accents \
	"Ó Súilleabháin A, Müller JP, Ångström Å, Wróbel Ł. Łódź, Zürich and Cork: practices that merge. Eur J Gen Pract. 2017 May;23(1):45–52." \
	"Ó Súilleabháin, A., Müller, J.-P., Ångström, Å., & Wróbel, Ł. (2017). Łódź, Zürich and Cork: practices that merge. Eur J Gen Pract, 23(1), 45–52. https://doi.org/10.5555/cite.accents"
'
test_expect_success 'several ids are numbered in the order given' '
	evidence cite 10.5555/cite.anon 10.5555/cite.accents >out &&
	test "$(awk "{ printf \"%s\", \$1 }" out)" = "1.2."
'
test_expect_success 'markdown: APA italics as stars' '
	evidence cite --style apa --format markdown 10.5555/cite.online >out &&
	grep -F "*International Journal of Integrated Care*, *19*(3)." out
'
test_expect_success 'html: Vancouver as an ordered list, text escaped' '
	evidence cite --format html 10.5555/cite.test.7 >out &&
	head -1 out | grep -qx "<ol>" && tail -1 out | grep -qx "</ol>" &&
	grep -q "^<li>Ó Súilleabháin A, .*e168–77\.</li>$" out
'
test_expect_code 1 'an unknown id fails' 'evidence cite 10.5555/no.such'
test_expect_code 2 'an unknown style is a usage error' \
	'evidence cite --style chicago 10.5555/cite.test.7'
test_expect_code 2 'an unknown format is a usage error' \
	'evidence cite --format rtf 10.5555/cite.test.7'
test_expect_code 2 'no id is a usage error' 'evidence cite'
test_expect_code 2 'ids and --query together are a usage error' \
	'evidence cite --query federations 10.5555/cite.test.7'
test_expect_code 2 'filters without --query are a usage error' \
	'evidence cite --since 2019'
# A --query of blanks names no word: without a filter it would cite every
# work, which a script whose variable came out empty did not ask for.
for q in '' ' ' '  	 '; do
	test_expect_exit 2 "cite --query [$q] without a filter is a usage error" \
		"evidence cite --query '$q' 2>err" "
		grep -qx 'evidence cite: no query given' err &&
		sed -n 2p err | grep -q '^usage: '"
done
test_expect_success 'help cite shows the manual page' '
	MANPAGER=cat MANWIDTH=80 evidence help cite >h 2>&1 &&
	grep -q "references for stored works" h
'
test_done
