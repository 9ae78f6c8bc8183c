#!/bin/sh
# t3300-shards.sh - shards: split by work id, searched local and remote
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

evidence init >/dev/null
evidence add "$top_srcdir/corpus/bundled" "$FIXTURES/text" >/dev/null
evidence index >/dev/null

# The benchmark queries, without comments.
grep -v '^#' "$top_srcdir/bench/queries.txt" >queries

# A collection whose index is the stub file STUB: the same store and
# configuration, so that only the index differs.
stub_collection() {
	rm -rf "$TRASH/$1" &&
	cp -r "$EVIDENCE_DIR" "$TRASH/$1" &&
	rm -rf "$TRASH/$1/index" &&
	cp "$2" "$TRASH/$1/index"
}

# score and id of every hit of each query, one line per hit, best
# first; $1 is the collection.  With --limit 1000 every match is listed,
# so the comparison covers the whole ranking, not just a first page.
# Hits with equal scores are put in id order: Xapian breaks such ties by
# document number, which a split renumbers.
ranking() {
	while IFS= read -r q; do
		echo "query $q"
		EVIDENCE_DIR=$1 evidence search --format json --limit 1000 \
			"$q" >r.json 2>r.err
		code=$?
		test $code -le 1 || { cat r.err; return 1; }
		tr '{' '\n' <r.json |
			sed -n 's/^"rank":[0-9]*,"score":\([0-9.]*\),"id":"\([^"]*\)".*/\1 \2/p' |
			sort -k1,1gr -k2,2
	done <queries
}

# Wildcards are expanded into Xapian's OP_SYNONYM, whose term frequency
# Xapian estimates sub-database by sub-database, so their scores (and
# close ranks) move when an index is split; for them the same documents
# must match.  Every other query must rank exactly as the whole index.
split_by_kind() {
	awk -v out="$2" '
		/^query / { wild = index($0, "*") > 0; print > (out (wild ? ".wild" : ".exact")); next }
		{ if (wild) { print $2 > (out ".wild") } else { print > (out ".exact") } }
	' "$1"
	sort "$2.wild" >"$2.wild.sorted"
}

test_expect_success 'the whole index ranks the benchmark queries' '
	ranking "$EVIDENCE_DIR" >whole &&
	test $(grep -vc "^query " whole) -gt 100 &&
	split_by_kind whole whole
'

test_expect_success 'index --shards splits every document into two shards' '
	evidence index --shards 2 --shard-dir "$TRASH/shards" >out &&
	sed -n "s/^2 shards in .*: \([0-9]*\) \([0-9]*\) documents$/\1 \2/p" out >counts &&
	read a b <counts && test "$a" -gt 0 && test "$b" -gt 0 &&
	total=$(xapian-delve "$EVIDENCE_DIR/index" | sed -n "s/^number of documents = //p") &&
	test $((a + b)) = "$total" &&
	printf "auto meta\nauto shard-0\nauto shard-1\n" >expect &&
	test_cmp expect "$TRASH/shards/local.stub" &&
	xapian-check "$TRASH/shards/shard-0" >/dev/null &&
	xapian-check "$TRASH/shards/shard-1" >/dev/null
'

test_expect_success 'the documents of a work all go to one shard' '
	for k in 0 1; do
		xapian-delve -a -1 "$TRASH/shards/shard-$k" |
			sed -n "s/^XW//p" >works.$k || return 1
	done &&
	test -s works.0 && test -s works.1 &&
	! sort works.0 works.1 | uniq -d | grep .
'

test_expect_code 2 'a shard folder that exists is refused' '
	evidence index --shards 2 --shard-dir "$TRASH/shards"
'

test_expect_code 2 '--shards without --shard-dir is a usage error' '
	evidence index --shards 2
'

test_expect_code 2 '--shards 0 is a usage error' '
	evidence index --shards 0 --shard-dir "$TRASH/zero"
'

test_expect_success 'local shards through a stub rank as the whole index' '
	stub_collection local "$TRASH/shards/local.stub" &&
	sed -i "s|auto |auto $TRASH/shards/|" "$TRASH/local/index" &&
	ranking "$TRASH/local" >rank.local &&
	split_by_kind rank.local rank.local &&
	test_cmp whole.exact rank.local.exact &&
	test_cmp whole.wild.sorted rank.local.wild.sorted
'

if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
	test_skip 'remote shards rank as the whole index' \
		'xapian-tcpsrv is absent (package xapian-tools)'
	test_done
fi
if ! command -v setsid >/dev/null 2>&1; then
	test_skip 'remote shards rank as the whole index' \
		'setsid is absent (package util-linux)'
	test_done
fi

# serve SHARD: start xapian-tcpsrv on a free port of 127.0.0.1; sets PORT
# and records the pid in servers.  Tries a few ports, then gives up.
# setsid, because xapian-tcpsrv answers SIGTERM by signalling its whole
# process group, which would take this script and make with it.
serve() {
	port=$((20000 + ($$ * 7 + $(wc -l <servers)) % 40000))
	for try in 1 2 3 4 5 6 7 8 9 10; do
		log=$TRASH/tcpsrv.$port.log
		setsid xapian-tcpsrv --interface 127.0.0.1 --port $port "$1" \
			>"$log" 2>&1 &
		pid=$!
		for wait in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			grep -q Listening "$log" && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
		if grep -q Listening "$log"; then
			echo $pid >>servers
			PORT=$port
			return 0
		fi
		kill $pid 2>/dev/null
		port=$((port + 1))
	done
	return 1
}

: >servers
if serve "$TRASH/shards/shard-0" && A=$PORT &&
	serve "$TRASH/shards/shard-1" && B=$PORT; then
	printf "auto %s\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n" \
		"$TRASH/shards/meta" "$A" "$B" >remote.stub
	test_expect_success 'two xapian-tcpsrv shards rank as the whole index' '
		stub_collection remote remote.stub &&
		ranking "$TRASH/remote" >rank.remote &&
		split_by_kind rank.remote rank.remote &&
		test_cmp whole.exact rank.remote.exact &&
		test_cmp whole.wild.sorted rank.remote.wild.sorted
	'
	test_expect_success 'snippets come through remote shards' '
		EVIDENCE_DIR=$TRASH/remote evidence search "mission creep" >out &&
		grep -q "\*\*mission creep\*\*" out
	'
else
	test_expect_success 'xapian-tcpsrv serves the shards' 'false'
fi
while read pid; do
	kill "$pid" 2>/dev/null
done <servers
test_done
