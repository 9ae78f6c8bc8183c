#!/bin/sh
# eval-ranking.sh - nDCG@10 of search on the judged seed queries
#
# Imports the five seed articles (../shared/seeds) as text files into a
# fresh collection, runs each query of ../shared/eval/seed-queries.tsv,
# maps the ranked works back to seed files, and scores them against the
# graded judgements: gain 2^grade - 1, discount log2(rank + 1), ideal
# order from the judgements.  Prints one line per query and the mean.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
EVIDENCE=${EVIDENCE:-$top_builddir/evidence}
SHARED=${EVIDENCE_SHARED:-$top_srcdir/../shared}
queries="$SHARED/eval/seed-queries.tsv"

if [ ! -f "$queries" ] || [ ! -d "$SHARED/seeds" ]; then
	echo "eval-ranking: skipped: $SHARED/eval or seeds is absent"
	exit 0
fi
command -v jq >/dev/null || { echo "eval-ranking: needs jq"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/evidence-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
export EVIDENCE_DIR="$work/collection"
"$EVIDENCE" init >/dev/null || exit 1
"$EVIDENCE" add "$SHARED/seeds" >/dev/null || exit 1

# id -> seed file name, from each work's provenance.
find "$EVIDENCE_DIR/store/records" -name '*.json' | while read -r f; do
	jq -r '[.id, (.provenance[0].url | sub(".*/"; ""))] | @tsv' "$f"
done >"$work/files.tsv"

# qid <tab> ranked file names, one line per query.
tail -n +2 "$queries" | cut -f1,2 | sort -u | while IFS='	' read -r qid q; do
	"$EVIDENCE" search --format json --limit 10 -- "$q" 2>/dev/null |
		jq -r '.hits[].id' >"$work/ids" || true
	ranked=$(awk -F'\t' 'NR == FNR { f[$1] = $2; next }
		{ printf "%s%s", (n++ ? " " : ""), f[$0] }' \
		"$work/files.tsv" "$work/ids")
	printf '%s\t%s\t%s\n' "$qid" "$q" "$ranked"
done >"$work/runs.tsv"

awk -F'\t' '
	NR == FNR {
		if (FNR > 1) { grade[$1 SUBSEP $3] = $4; judged[$1] = judged[$1] " " $4 }
		next
	}
	{
		qid = $1; n = split($3, files, " ")
		dcg = 0
		for (i = 1; i <= n && i <= 10; i++) {
			g = grade[qid SUBSEP files[i]] + 0
			dcg += (2 ^ g - 1) / (log(i + 1) / log(2))
		}
		m = split(judged[qid], gs, " ")
		# ideal: grades sorted descending
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
			if (gs[j] > gs[i]) { t = gs[i]; gs[i] = gs[j]; gs[j] = t }
		idcg = 0
		for (i = 1; i <= m && i <= 10; i++)
			idcg += (2 ^ gs[i] - 1) / (log(i + 1) / log(2))
		ndcg = idcg > 0 ? dcg / idcg : 0
		total += ndcg; count++
		printf "%-4s nDCG@10=%.3f  %s\n", qid, ndcg, $2
	}
	END { printf "mean nDCG@10=%.3f over %d queries\n", total / count, count }
' "$queries" "$work/runs.tsv"
