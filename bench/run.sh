#!/bin/sh
# run.sh - the benchmarks: evidence beside Xapian's own tools, same run
#
# usage: bench/run.sh [PART...]     PART: html pubmed query refresh fetch
#                                   scale (default: all but scale, in
#                                   that order)
# Environment:
#   EVIDENCE      the evidence binary (default ./evidence)
#   BENCH_BIN     where gencorpus, bench-query, bench-fetch,
#                 bench-server, cputime and threadtime are (default ./bench)
#   BENCH_WORK    scratch folder (default ./bench/work); what a run
#                 replaces there waits in its trash/ until the end
#   BENCH_HTML    article pages to generate (default 10000)
#   BENCH_PUBMED  PubMed records to generate (default 20000)
#   BENCH_FETCH   pages to fetch (default 10000); BENCH_CURL how many of
#                 them the curl loop fetches (default 500, extrapolated)
#   BENCH_SCALE   PubMed records for the scale part (default 1000000);
#                 BENCH_SCALE_INPUT a folder already holding them
#                 (gencorpus pubmed N SEED DIR), else it is generated
#   BENCH_SEED    corpus seed (default 1)
#   BENCH_PAIRS   times the html and pubmed parts then alternate the
#                 reference tool with "evidence add" (into a new
#                 collection) and "evidence index --rebuild" of the same
#                 input (default 3; 0: not at all): the median of the
#                 rounds' ratios holds better than one run's
#   BENCH_ROUNDS  rounds of the one-process-per-query loop (default 7):
#                 each query's fastest round is reported beside all of
#                 them, a figure another job on the machine moves less
#                 (the more rounds, the less: quest's p95 moved by up
#                 to 2.7 ms between two runs of 3 rounds, by 0.2 ms
#                 between two of 7)
#   BENCH_CORES   the cores the runs may use (default nproc), for the
#                 floor the html, pubmed and scale parts print under
#                 "add by thread"
#   EVIDENCE_BASE another evidence binary (say, before a change): the
#                 html and pubmed parts time its add (into a collection
#                 of its own, removed after) and its index --rebuild too
#
# Every comparison runs both tools one after the other on the same input
# in the same run, so their ratio holds on a shared, noisy machine; the
# absolute figures do not.  Peak memory is GNU time's maximum RSS.  The
# tables are Markdown, for bench/RESULTS.md.  No figure here is a test:
# nothing fails for being slow.

set -u

EVIDENCE=${EVIDENCE:-./evidence}
BIN=${BENCH_BIN:-./bench}
W=${BENCH_WORK:-./bench/work}
N_HTML=${BENCH_HTML:-10000}
N_PUBMED=${BENCH_PUBMED:-20000}
N_FETCH=${BENCH_FETCH:-10000}
N_CURL=${BENCH_CURL:-500}
N_SCALE=${BENCH_SCALE:-1000000}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-7}
PAIRS=${BENCH_PAIRS:-3}
CORES=${BENCH_CORES:-$(nproc)}
SRC=$(cd "$(dirname "$0")" && pwd)
TIME=/usr/bin/time

die() {
	echo "bench: $*" >&2
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is missing ($2)"
}

need "$TIME" "install the package 'time'"
test -x "$EVIDENCE" || die "no evidence binary at $EVIDENCE"
EVIDENCE=$(cd "$(dirname "$EVIDENCE")" && pwd)/$(basename "$EVIDENCE")
BIN=$(cd "$BIN" && pwd)
mkdir -p "$W" || die "cannot create $W"
W=$(cd "$W" && pwd)

if strings "$EVIDENCE" 2>/dev/null | grep -q '__asan_init'; then
	echo "bench: warning: $EVIDENCE is built with sanitizers;" \
		"its figures mean little (configure without" \
		"--enable-sanitizers for benchmarks)" >&2
fi
# add, harvest and index run in evidence-harvest beside evidence, with
# tcmalloc when configure found it: say which, as it moves the figures
# by a fifth.
HELPER=$(dirname "$EVIDENCE")/evidence-harvest
if grep -q tcmalloc "$HELPER" 2>/dev/null; then
	ALLOCATOR=tcmalloc
else
	ALLOCATOR="the C library's malloc"
	echo "bench: warning: $HELPER does not link tcmalloc;" \
		"indexing figures will be about a fifth slower" \
		"(install libgoogle-perftools-dev and configure again)" >&2
fi

# measure NAME CMD...: run CMD, set SECS (wall) and KB (peak RSS).
measure() {
	name=$1
	shift
	# What the last run left dirty is written out first: evidence's
	# syncfs() would otherwise write it on this run's clock.
	sync
	if ! "$TIME" -v -o "$W/$name.time" "$@" >"$W/$name.out" \
		2>"$W/$name.err"; then
		tail -5 "$W/$name.err" >&2
		die "$name failed: $*"
	fi
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, a, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + a[i]
		print s }' "$W/$name.time")
	KB=$(awk -F': ' '/Maximum resident/ { print $2 }' "$W/$name.time")
}

# by_thread FILE SECS [REF_SECS REF]: where each thread of the "add"
# that bench/threadtime watched spent its life: on a core, waiting for
# one (runnable; another thread or process had both), or blocked (a
# lock, a queue, the disk).  The thread the most on a core sets the pace
# when the others can wait for it; a thread long waiting for a core says
# the cores were short.  Then the floor of that work on BENCH_CORES
# cores: no schedule of the same threads ends before the busiest thread's
# time on a core, nor before their time in all shared among the cores.
# SECS, the run's time, against the floor says how much a better
# schedule could still win; REF_SECS (REF's time) over it, the best
# ratio to REF this much work allows.
by_thread() {
	awk -v cores="$CORES" -v secs="$2" -v ref="${3:-}" \
	    -v ref_name="${4:-}" '
		BEGIN { printf "- add by thread (bench/threadtime):" }
		{ blocked = $3 - $4 - ($7 > 0 ? $7 : 0)
		  printf "%s %s %.2f s on a core, %s waiting for one," \
			" %.2f s blocked", (NR > 1 ? ";" : ""), $1, $4,
			($7 < 0 ? "unknown" : sprintf("%.2f s", $7)),
			(blocked > 0 ? blocked : 0)
		  cpu += $4
		  if ($4 > most) { most = $4; busiest = $1 } }
		END {
			print ""
			floor = cpu / cores > most ? cpu / cores : most
			printf "- its floor on %d cores: %.2f s (%s %.2f s on" \
				" a core; all threads %.2f s, over %d cores" \
				" %.2f s); the run took %.2f s, %.2fx its floor",
				cores, floor, busiest, most, cpu, cores,
				cpu / cores, secs, (floor > 0 ? secs / floor : 0)
			if (ref != "" && floor > 0)
				printf "; %s over the floor: %.2fx", ref_name,
					ref / floor
			print ""
		}' "$1"
}

# rate COUNT SECS
rate() {
	awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

mb() {
	awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'
}

# row NAME COUNT UNIT: one table row from the last measure
row() {
	printf '| %s | %s | %.2f | %s | %s |\n' "$1" "$2" "$SECS" \
		"$(rate "$2" "$SECS")" "$(mb "$KB")"
}

disk() {
	du -sm "$1" | awk '{ print $1 }'
}

header() {
	echo
	echo "### $1"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) cores," \
		"evidence-harvest with $ALLOCATOR; $2"
	echo
}

# alternate REF_NAME REF EV...: run the shell functions REF and each EV
# (each ends in a measure) one after the other PAIRS times, and print
# for each EV every round's seconds and ratio (REF's over EV's) with the
# median ratio.  An EV named *_add times "evidence add", any other
# "evidence index --rebuild".
alternate() {
	test "$PAIRS" -gt 0 || return 0
	ref_name=$1 ref=$2
	shift 2
	: >"$W/pairs"
	i=0
	while [ $i -lt "$PAIRS" ]; do
		"$ref"
		line=$SECS
		for ev in "$@"; do
			"$ev"
			line="$line $SECS"
		done
		echo "$line" >>"$W/pairs"
		i=$((i + 1))
	done
	c=2
	for ev in "$@"; do
		case $ev in
		*_add) name="evidence add" ;;
		*) name="evidence index --rebuild" ;;
		esac
		median=$(awk -v c=$c '{ print $1 / $c }' "$W/pairs" | sort -n |
			awk '{ v[NR] = $1 }
			END { if (NR % 2) m = v[(NR + 1) / 2]
			      else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			      printf "%.2f", m }')
		echo "$ref_name / $name, alternated $PAIRS times: $(awk -v c=$c '{
			printf "%s%.2f / %.2f s (%.2fx)", (NR > 1 ? ", " : ""),
				$1, $c, $1 / $c }' "$W/pairs"); median ${median}x"
		c=$((c + 1))
	done
}

# discard PATH...: move PATH out of the way into $W/trash, which is
# emptied when the script ends.  Not rm -rf here: on ext4 without a
# journal (these machines), a new file's inode is chosen past every
# inode freed in the last minute or more (six while its block is still
# dirty), each looked at in turn, so removing the 30,000 files of the
# last collection just before "evidence add" made the add pay for the
# removal: 2 to 3 s of system time over 10,000 PubMed records, a
# quarter of the run.  No timed tool here removes much of its own.
discard() {
	for d in "$@"; do
		test -e "$d" || continue
		mkdir -p "$W/trash" &&
			mv "$d" "$W/trash/$(basename "$d").$$.$(date +%s%N)" ||
			die "cannot move $d to $W/trash"
	done
}
if test -e "$W/trash"; then
	echo "bench: removing $W/trash, left by an earlier run;" \
		"file creation is slower for a few minutes after" >&2
	rm -rf "$W/trash"
fi
trap 'rm -rf "$W/trash"' EXIT
trap 'exit 130' INT TERM

new_collection() {
	discard "$1"
	EVIDENCE_DIR=$1 "$EVIDENCE" init >/dev/null || die "init $1"
}

# ---------------------------------------------------------------------
part_html() {
	header "HTML article pages: evidence vs omindex" \
		"$N_HTML pages of about 800 words (gencorpus html $N_HTML $SEED)"
	need omindex "install xapian-omega"
	discard "$W/html" "$W/omindex"
	"$BIN/gencorpus" html "$N_HTML" "$SEED" "$W/html" ||
		die "gencorpus failed"
	echo "input: $(disk "$W/html") MB"
	echo
	echo "| run | pages | seconds | pages/s | peak MB |"
	echo "|---|---|---|---|---|"
	measure omindex omindex --db "$W/omindex" --url / "$W/html"
	row "omindex --db DB --url / DIR" "$N_HTML"
	o_secs=$SECS o_kb=$KB
	new_collection "$W/col-html"
	measure add-html "$BIN/threadtime" "$W/add-html.threads" \
		env EVIDENCE_DIR="$W/col-html" "$EVIDENCE" add "$W/html"
	row "evidence add DIR (parse, store, index)" "$N_HTML"
	a_secs=$SECS a_kb=$KB
	if test -n "${EVIDENCE_BASE:-}"; then
		new_collection "$W/col-base"
		measure add-html-base env EVIDENCE_DIR="$W/col-base" \
			"$EVIDENCE_BASE" add "$W/html"
		row "EVIDENCE_BASE add DIR (before the change)" "$N_HTML"
		discard "$W/col-base"
	fi
	# The base binary first: the index left behind, which the query
	# and refresh parts read, is then the one evidence wrote.
	if test -n "${EVIDENCE_BASE:-}"; then
		measure rebuild-html-base env EVIDENCE_DIR="$W/col-html" \
			"$EVIDENCE_BASE" index --rebuild
		row "EVIDENCE_BASE index --rebuild (before the change)" \
			"$N_HTML"
	fi
	measure rebuild-html env EVIDENCE_DIR="$W/col-html" \
		"$EVIDENCE" index --rebuild
	row "evidence index --rebuild (index only)" "$N_HTML"
	r_secs=$SECS r_kb=$KB
	echo
	echo "speed vs omindex: add $(ratio "$o_secs" "$a_secs")x," \
		"index --rebuild $(ratio "$o_secs" "$r_secs")x;" \
		"memory vs omindex: add $(ratio "$a_kb" "$o_kb")," \
		"index --rebuild $(ratio "$r_kb" "$o_kb")"
	echo "evidence: $(grep -h 'works:' "$W/rebuild-html.out");" \
		"index $(disk "$W/col-html/index") MB," \
		"store $(disk "$W/col-html/store") MB;" \
		"omindex database $(disk "$W/omindex") MB"
	by_thread "$W/add-html.threads" "$a_secs" "$o_secs" omindex
	alternate omindex html_ref html_add html_rebuild
}
html_ref() {
	rm -rf "$W/omindex-pair"
	measure omindex-pair omindex --db "$W/omindex-pair" --url / "$W/html"
	rm -rf "$W/omindex-pair"
}
html_add() {
	new_collection "$W/col-pair"
	measure add-pair env EVIDENCE_DIR="$W/col-pair" "$EVIDENCE" add \
		"$W/html"
}
html_rebuild() {
	measure rebuild-pair env EVIDENCE_DIR="$W/col-html" \
		"$EVIDENCE" index --rebuild
}

# ---------------------------------------------------------------------
part_pubmed() {
	header "PubMed efetch XML: evidence vs scriptindex vs xmllint --stream" \
		"$N_PUBMED records, 500 per file (gencorpus pubmed $N_PUBMED $SEED)"
	need scriptindex "install xapian-omega"
	need xmllint "install libxml2-utils"
	discard "$W/pubmed" "$W/scriptindex"
	"$BIN/gencorpus" pubmed "$N_PUBMED" "$SEED" "$W/pubmed" ||
		die "gencorpus failed"
	bytes=$(cat "$W"/pubmed/*.xml | wc -c)
	megs=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
	echo "input: $megs MB in $(ls "$W/pubmed" | wc -l) files;" \
		"scriptindex's input is converted by bench/pubmed2si.awk" \
		"before the clock starts (not timed)"
	awk -f "$SRC/pubmed2si.awk" "$W"/pubmed/*.xml >"$W/pubmed.si" ||
		die "conversion failed"
	echo
	echo "| run | records | seconds | records/s | peak MB | MB/s |"
	echo "|---|---|---|---|---|---|"
	measure xmllint xmllint --stream --noout "$W"/pubmed/*.xml
	x_secs=$SECS
	printf '| %s | %s | %.2f | %s | %s | %s |\n' \
		"xmllint --stream --noout FILES (parse floor)" "$N_PUBMED" \
		"$SECS" "$(rate "$N_PUBMED" "$SECS")" "$(mb "$KB")" \
		"$(rate "$megs" "$SECS")"
	measure scriptindex scriptindex --overwrite "$W/scriptindex" \
		"$SRC/pubmed.si" "$W/pubmed.si"
	s_secs=$SECS s_kb=$KB
	printf '| %s | %s | %.2f | %s | %s | %s |\n' \
		"scriptindex DB pubmed.si INPUT" "$N_PUBMED" "$SECS" \
		"$(rate "$N_PUBMED" "$SECS")" "$(mb "$KB")" \
		"$(rate "$megs" "$SECS")"
	new_collection "$W/col-pubmed"
	measure add-pubmed "$BIN/threadtime" "$W/add-pubmed.threads" \
		env EVIDENCE_DIR="$W/col-pubmed" "$EVIDENCE" add "$W/pubmed"
	e_secs=$SECS e_kb=$KB
	printf '| %s | %s | %.2f | %s | %s | %s |\n' \
		"evidence add DIR (parse, store, index)" "$N_PUBMED" "$SECS" \
		"$(rate "$N_PUBMED" "$SECS")" "$(mb "$KB")" \
		"$(rate "$megs" "$SECS")"
	if test -n "${EVIDENCE_BASE:-}"; then
		new_collection "$W/col-base"
		measure add-pubmed-base env EVIDENCE_DIR="$W/col-base" \
			"$EVIDENCE_BASE" add "$W/pubmed"
		printf '| %s | %s | %.2f | %s | %s | %s |\n' \
			"EVIDENCE_BASE add DIR (before the change)" \
			"$N_PUBMED" "$SECS" "$(rate "$N_PUBMED" "$SECS")" \
			"$(mb "$KB")" "$(rate "$megs" "$SECS")"
		discard "$W/col-base"
	fi
	if test -n "${EVIDENCE_BASE:-}"; then
		measure rebuild-pubmed-base env EVIDENCE_DIR="$W/col-pubmed" \
			"$EVIDENCE_BASE" index --rebuild
		printf '| %s | %s | %.2f | %s | %s | %s |\n' \
			"EVIDENCE_BASE index --rebuild (before the change)" \
			"$N_PUBMED" "$SECS" "$(rate "$N_PUBMED" "$SECS")" \
			"$(mb "$KB")" "$(rate "$megs" "$SECS")"
	fi
	measure rebuild-pubmed env EVIDENCE_DIR="$W/col-pubmed" \
		"$EVIDENCE" index --rebuild
	printf '| %s | %s | %.2f | %s | %s | %s |\n' \
		"evidence index --rebuild (index only)" "$N_PUBMED" "$SECS" \
		"$(rate "$N_PUBMED" "$SECS")" "$(mb "$KB")" \
		"$(rate "$megs" "$SECS")"
	echo
	echo "speed vs scriptindex: add $(ratio "$s_secs" "$e_secs")x," \
		"index --rebuild $(ratio "$s_secs" "$SECS")x;" \
		"memory vs scriptindex: $(ratio "$e_kb" "$s_kb");" \
		"time over the parse floor: $(ratio "$e_secs" "$x_secs")x"
	by_thread "$W/add-pubmed.threads" "$e_secs" "$s_secs" scriptindex
	alternate scriptindex pubmed_ref pubmed_add pubmed_rebuild
}
pubmed_ref() {
	measure scriptindex-pair scriptindex --overwrite "$W/scriptindex" \
		"$SRC/pubmed.si" "$W/pubmed.si"
}
pubmed_add() {
	new_collection "$W/col-pair"
	measure add-pair env EVIDENCE_DIR="$W/col-pair" "$EVIDENCE" add \
		"$W/pubmed"
}
pubmed_rebuild() {
	measure rebuild-pair env EVIDENCE_DIR="$W/col-pubmed" \
		"$EVIDENCE" index --rebuild
}

# ---------------------------------------------------------------------
percentiles() {
	sort -n | awk '{ v[NR] = $1 } END {
		printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms",
			v[int(NR * 0.5) + 1], v[int(NR * 0.95) + 1], v[NR] }'
}

part_query() {
	col=$W/col-html
	test -d "$col/index" || die "run the html part first"
	header "Query latency" \
		"$(grep -vc '^#' "$SRC/queries.txt") queries from bench/queries.txt on the $N_HTML-page index ($(disk "$col/index") MB)"
	need quest "install xapian-tools"
	measure query-batch "$BIN/bench-query" "$col/index" \
		"$col/lessons.conf" "$SRC/queries.txt" 4
	echo "- one process, search_run() per query with snippets, 3 rounds" \
		"after a warm-up: $(cat "$W/query-batch.out") (peak $(mb "$KB") MB)"
	# One process per query, the tools alternating, ROUNDS times over
	# the list: each line of query-TOOL.ms is "wall CPU" in
	# milliseconds (bench/cputime.c), the queries in order, round after
	# round.  quest runs twice: as it comes (the goal's reference), and
	# counting as evidence search does ("quest-counting"): search asks
	# Xapian to check at least 100 matches past the page so that its
	# total is exact up to there (query/search.c, rank_works()), which
	# for a phrase means checking positions until 110 documents have it;
	# quest checks none past its 10 unless given -c.
	: >"$W/query-evidence.ms"
	: >"$W/query-quest.ms"
	: >"$W/query-quest-counting.ms"
	round=0
	while [ $round -lt "$ROUNDS" ]; do
		grep -v '^#' "$SRC/queries.txt" | while IFS= read -r q; do
			EVIDENCE_DIR=$col "$BIN/cputime" \
				"$W/query-evidence.ms" "$EVIDENCE" search "$q" \
				>/dev/null 2>&1
			time_quest quest "$q"
			time_quest quest-counting "$q" -c 110
		done
		round=$((round + 1))
	done
	n=$(grep -vc '^#' "$SRC/queries.txt")
	for tool in evidence quest quest-counting; do
		test "$(wc -l <"$W/query-$tool.ms")" -eq $((n * ROUNDS)) ||
			die "timings missing for $tool: is $BIN/cputime built?"
	done
	echo "- one process per query, $ROUNDS rounds, evidence search: wall $(cut -d' ' -f1 <"$W/query-evidence.ms" | percentiles); CPU $(cut -d' ' -f2 <"$W/query-evidence.ms" | percentiles)"
	echo "- the same, quest on the same database: wall $(cut -d' ' -f1 <"$W/query-quest.ms" | percentiles); CPU $(cut -d' ' -f2 <"$W/query-quest.ms" | percentiles)"
	echo "- each query's fastest round, CPU: evidence $(fastest "$n" <"$W/query-evidence.ms" | percentiles); quest $(fastest "$n" <"$W/query-quest.ms" | percentiles)"
	echo "- quest counting as evidence search does (-c 110), each query's fastest round, CPU: $(fastest "$n" <"$W/query-quest-counting.ms" | percentiles)"
}

# time_quest NAME QUERY [OPTION...]: one quest process for QUERY on the
# query part's index ($col), its time added to query-NAME.ms.
time_quest() {
	name=$1 q=$2
	shift 2
	"$BIN/cputime" "$W/query-$name.ms" quest -d "$col/index" -m 10 "$@" \
		-f default,wildcard -p title:S -p author:A -b lesson:XL "$q" \
		>/dev/null 2>&1
}

# fastest N: of lines "WALL CPU", N queries a round, the least CPU each
# query took in any round, one a line.
fastest() {
	awk -v n="$1" '{ q = (NR - 1) % n
		if (!(q in best) || $2 < best[q]) best[q] = $2 }
		END { for (q = 0; q < n; q++) print best[q] }'
}

# ---------------------------------------------------------------------
# share_row NAME: a row for the last measure, its time as a share of
# $full's.
share_row() {
	printf '| %s | %.2f | %s%% | %s |\n' "$1" "$SECS" \
		"$(awk -v a="$SECS" -v b="$full" \
			'BEGIN { printf "%.1f", 100 * a / b }')" "$(mb "$KB")"
}

# The nightly job: "evidence harvest" of a sources file whose one file
# source is the folder of pages.  The first harvest is the full build;
# the next ones find every file unchanged.  (evidence add parses every
# file it is given, by design, so it is not the refresh path.)
part_refresh() {
	test -d "$W/html" || die "run the html part first"
	col=$W/col-refresh
	new_collection "$col"
	printf '[pages]\ntype = file\nurl = file://%s\n' "$W/html" \
		>"$col/sources.conf"
	header "Incremental refresh over an unchanged collection" \
		"$N_HTML pages, harvested from a file source"
	echo "| run | seconds | of the full build | peak MB |"
	echo "|---|---|---|---|"
	measure refresh-full env EVIDENCE_DIR="$col" "$EVIDENCE" harvest
	full=$SECS
	share_row "evidence harvest (full build: parse, store, index)"
	measure refresh-harvest env EVIDENCE_DIR="$col" "$EVIDENCE" harvest
	share_row "evidence harvest (unchanged)"
	measure refresh-index env EVIDENCE_DIR="$col" "$EVIDENCE" index
	share_row "evidence index (unchanged)"
	echo
	echo "harvest: $(tail -1 "$W/refresh-harvest.out");" \
		"index: $(cat "$W/refresh-index.out")"
}

# ---------------------------------------------------------------------
part_fetch() {
	. "$SRC/fetch.sh"
}

# ---------------------------------------------------------------------
# One large collection built from nothing by "evidence add", then the
# query batch on its index.  Every minute the build's RSS, the space used
# on the file system and the index's size go to scale-progress.txt, to
# see whether the rate holds up (add stores everything, then indexes).
part_scale() {
	in=${BENCH_SCALE_INPUT:-$W/scale-pubmed}
	if test -z "${BENCH_SCALE_INPUT:-}"; then
		discard "$in"
		"$BIN/gencorpus" pubmed "$N_SCALE" "$SEED" "$in" ||
			die "gencorpus failed"
	fi
	header "Scale: $N_SCALE PubMed records from nothing" \
		"$(ls "$in" | wc -l) files, $(disk "$in") MB (gencorpus pubmed $N_SCALE $SEED)"
	col=$W/col-scale
	new_collection "$col"
	(
		while sleep 60; do
			# "evidence-harvest", cut to 15 characters
			# (df, not du: du would walk millions of files)
			printf '%s rss_kb %s fs_used_mb %s index_mb %s\n' \
				"$(date -u +%H:%M)" \
				"$(ps -o rss= -p "$(pgrep -n evidence-harves)")" \
				"$(df -m --output=used "$col" | tail -1)" \
				"$(disk "$col/index" 2>/dev/null)"
		done
	) >"$W/scale-progress.txt" 2>/dev/null &
	watcher=$!
	measure add-scale "$BIN/threadtime" "$W/add-scale.threads" \
		env EVIDENCE_DIR="$col" "$EVIDENCE" add "$in"
	kill "$watcher" 2>/dev/null
	echo "| run | records | seconds | records/s | peak MB |"
	echo "|---|---|---|---|---|"
	row "evidence add DIR (parse, store, index)" "$N_SCALE"
	echo
	echo "disk: store $(disk "$col/store") MB, index $(disk "$col/index") MB;" \
		"input $(disk "$in") MB"
	echo "$(tail -2 "$W/add-scale.out" | tr '\n' ' ')"
	by_thread "$W/add-scale.threads" "$SECS"
	measure query-scale "$BIN/bench-query" "$col/index" \
		"$col/lessons.conf" "$SRC/queries.txt" 4
	echo "- query batch on this index, one process, with snippets:" \
		"$(cat "$W/query-scale.out") (peak $(mb "$KB") MB)"
}

parts=${*:-html pubmed query refresh fetch}
for p in $parts; do
	case $p in
	html | pubmed | query | refresh | fetch | scale) "part_$p" ;;
	*) die "unknown part '$p'" ;;
	esac
done
