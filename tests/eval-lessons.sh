#!/bin/sh
# eval-lessons.sh - precision, recall and F1 of the lesson tagger
#
# usage: eval-lessons.sh [--check MIN_F1] [--misses] [--sets "SET..."]
#
# Tags the five seed articles with "evidence tag --format json", matches
# the passages by number to the hand labels in seed-passages.tsv (and
# checks that both split the text the same way), then does the same for
# the passages in tests/fixtures/lessons/: dev.tsv, the set the shipped
# taxonomy was tuned on besides the seeds, and holdout.tsv, which it was
# never tuned on.  Prints one line per set and lesson:
#
#   seeds    focus          P=0.93 R=0.93 F1=0.93 (tp=13 fp=1 fn=1)
#
# --check MIN_F1  exit 1 when a core lesson's F1 on the seeds is below it
# --misses        also list each false positive and false negative
# --sets "..."    which sets to measure (default "seeds dev holdout");
#                 leave holdout out while tuning, so it stays unseen.  A
#                 set with a "/" in it is a file in the fixtures' layout
#                 (a header, then ID FOCUS PACING RELATIONSHIPS TEXT)
#
# Environment: top_srcdir (default: this script's ../), EVIDENCE (the
# binary; default $top_builddir/evidence), EVIDENCE_SHARED (default
# $top_srcdir/../shared), LESSONS (the taxonomy to measure; default the
# source tree's indexer/lessons.conf).  Needs jq to read the JSON.
# Without ../shared the seeds are skipped, with a message.

set -u

check=
misses=0
sets="seeds dev holdout"
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=${2:?--check needs a number}; shift 2 ;;
	--misses) misses=1; shift ;;
	--sets) sets=${2:?--sets needs a list}; shift 2 ;;
	*) echo "usage: $0 [--check MIN_F1] [--misses] [--sets \"SET...\"]" >&2
	   exit 2 ;;
	esac
done

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${EVIDENCE:=$top_builddir/evidence}"
: "${LESSONS:=$top_srcdir/indexer/lessons.conf}"
SHARED=${EVIDENCE_SHARED:-$top_srcdir/../shared}
LABELS=$SHARED/eval/seed-passages.tsv
FIXTURES=$top_srcdir/tests/fixtures/lessons
CORE="focus pacing relationships"

if ! command -v jq >/dev/null 2>&1; then
	echo "eval-lessons: jq is needed to read the JSON" \
		"(apt-get install jq)" >&2
	exit 2
fi
if [ ! -x "$EVIDENCE" ]; then
	echo "eval-lessons: no binary at $EVIDENCE (run make first)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eval-lessons.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

# Tag FILE; print "N<TAB>FIRST60<TAB>lesson,lesson" for each passage.
# FIRST60 is the passage with white space collapsed, cut to 60
# characters, as the labels' first60 column is made.
tag() {
	"$EVIDENCE" --lessons "$LESSONS" tag --format json "$1" >"$tmp/json" ||
		return 1
	jq -r '.passages[] | [.n, (.text | gsub("\\s+"; " ") | .[0:60]),
		([.lessons[].lesson] | join(","))] | @tsv' "$tmp/json"
}

# score SET LABELS GOT [MIN_F1]: join on (file, passage number), check
# the text agrees, count true and false positives per core lesson.
# LABELS rows: FILE PARA FIRST60 FOCUS PACING RELATIONSHIPS; GOT rows:
# FILE PARA FIRST60 LESSONS.  Exits 3 when the splitting disagrees.
score() {
	awk -F '\t' -v set="$1" -v core="$CORE" -v misses="$misses" \
		-v check="${4:-}" '
	BEGIN { nl = split(core, lesson, " ") }
	FNR == 1 && FILENAME == ARGV[1] && $1 == "file" { next }
	FILENAME == ARGV[1] {
		key = $1 SUBSEP $2
		want60[key] = $3
		for (i = 1; i <= nl; i++)
			label[key, lesson[i]] = $(3 + i)
		expected[$1]++
		next
	}
	{
		key = $1 SUBSEP $2
		got[$1]++
		if (!(key in want60)) {
			printf "eval-lessons: %s passage %d is not in the " \
				"labels (the splitting disagrees)\n", $1, $2 \
				> "/dev/stderr"
			bad = 1
			next
		}
		if (want60[key] != $3) {
			printf "eval-lessons: %s passage %d: labels say " \
				"\"%s\", tag made \"%s\" (the splitting " \
				"disagrees)\n", $1, $2, want60[key], $3 \
				> "/dev/stderr"
			bad = 1
			next
		}
		if (label[key, lesson[1]] == "-")
			next
		scored++
		split($4, tags, ",")
		for (i = 1; i <= nl; i++) {
			l = lesson[i]
			has = 0
			for (t in tags)
				if (tags[t] == l)
					has = 1
			want = label[key, l] == "1"
			if (has && want) tp[l]++
			else if (has) { fp[l]++; miss("fp", l) }
			else if (want) { fn[l]++; miss("fn", l) }
		}
	}
	function miss(kind, l) {
		if (misses)
			printf "  %s %-13s %s #%d  %s\n", kind, l, $1, $2, $3
	}
	END {
		for (f in expected)
			if (got[f] != expected[f]) {
				printf "eval-lessons: %s: %d passages " \
					"labelled, %d from tag (the " \
					"splitting disagrees)\n", f, \
					expected[f], got[f] > "/dev/stderr"
				bad = 1
			}
		if (bad)
			exit 3
		printf "%s: %d labelled passages\n", set, scored
		status = 0
		for (i = 1; i <= nl; i++) {
			l = lesson[i]
			t = tp[l] + 0; p = fp[l] + 0; n = fn[l] + 0
			prec = t + p ? t / (t + p) : 0
			rec = t + n ? t / (t + n) : 0
			f1 = prec + rec ? 2 * prec * rec / (prec + rec) : 0
			printf "%-8s %-14s P=%.2f R=%.2f F1=%.2f " \
				"(tp=%d fp=%d fn=%d)\n", set, l, prec, rec,
				f1, t, p, n
			if (check != "" && f1 < check + 0) {
				printf "eval-lessons: %s F1 %.2f on %s is " \
					"below %s\n", l, f1, set, check \
					> "/dev/stderr"
				status = 1
			}
		}
		exit status
	}' "$2" "$3"
}

# The seeds: one "FILE<TAB>N<TAB>FIRST60<TAB>LESSONS" row per passage.
eval_seeds() {
	if [ ! -f "$LABELS" ] || [ ! -d "$SHARED/seeds" ]; then
		echo "eval-lessons: $SHARED/eval is absent (set" \
			"EVIDENCE_SHARED); seeds not measured"
		return 0
	fi
	: >"$tmp/seeds.got"
	for f in $(cut -f1 "$LABELS" | sed 1d | sort -u); do
		if [ ! -f "$SHARED/seeds/$f" ]; then
			echo "eval-lessons: seed $f is missing from" \
				"$SHARED/seeds" >&2
			return 3
		fi
		tag "$SHARED/seeds/$f" >"$tmp/one" || {
			echo "eval-lessons: evidence tag failed on $f" >&2
			return 3
		}
		sed "s/^/$f	/" "$tmp/one" >>"$tmp/seeds.got"
	done
	score seeds "$LABELS" "$tmp/seeds.got" "$check"
}

# A fixture set (ID FOCUS PACING RELATIONSHIPS TEXT): its passages become
# one file of paragraphs, so passage N is row N; the first 40 bytes of
# the text stand in for first60.
eval_fixture() {
	set_name=$1
	file=$2
	awk -F '\t' 'NR > 1 { printf "%s\n\n", $5 }' "$file" >"$tmp/set.txt"
	awk -F '\t' 'NR > 1 { n++; printf "%s\t%d\t%s\t%s\t%s\t%s\n",
		set, n, substr($5, 1, 40), $2, $3, $4 }' set="$set_name" \
		"$file" >"$tmp/set.labels"
	tag "$tmp/set.txt" >"$tmp/one" || {
		echo "eval-lessons: evidence tag failed on $file" >&2
		return 3
	}
	awk -F '\t' -v OFS='\t' -v set="$set_name" \
		'{ $2 = substr($2, 1, 40); print set, $0 }' \
		"$tmp/one" >"$tmp/set.got"
	# Only the seeds are checked: the fixture sets are reported to
	# show whether the taxonomy generalises.
	score "$set_name" "$tmp/set.labels" "$tmp/set.got"
}

rc=0
for s in $sets; do
	case $s in
	seeds) eval_seeds ;;
	dev|holdout) eval_fixture "$s" "$FIXTURES/$s.tsv" ;;
	*/*) eval_fixture "$(basename "$s" .tsv)" "$s" ;;
	*) echo "eval-lessons: no set called '$s'" >&2; exit 2 ;;
	esac
	r=$?
	[ "$r" -eq 3 ] && exit 1
	[ "$r" -ne 0 ] && rc=$r
done
exit "$rc"
