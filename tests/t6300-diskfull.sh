#!/bin/sh
# t6300-diskfull.sh - a full disk or an I/O error: 74, one line, no damage
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"

test_need_injector
command -v xapian-check >/dev/null ||
	skip_all "xapian-check is not installed (apt-get install xapian-tools)"

# How many fault points each sweep tries (make stress: T6_POINTS=40).
: "${T6_POINTS:=3}"

mkdir -p input/many
cp "$FIXTURES"/text/*.txt input/
i=1
while [ $i -le 60 ]; do
	# Text that does not compress away: a few hundred bytes of noise.
	printf 'Note %d on federations\n\nPractice %d joined a network; trust grew. %s\n' \
		"$i" "$i" "$(head -c 450 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
		>input/many/note$i.txt
	i=$((i + 1))
done

# The state every case starts from (the fixtures, committed) and the
# state an uninterrupted "add input/many" ends in.
evidence init >/dev/null
evidence add input/*.txt >/dev/null
cp -a "$EVIDENCE_DIR" start
"$INDEX_DUMP" start/index >start.index

# The writers the fault sweeps run from "start", one per line:
# NAME|ARGUMENTS.  A new writer ("harvest") is one more line.
fault_commands='
add|add input/many
index|index --rebuild
harvest|harvest
'
while IFS='|' read -r name cmd <&3; do
	test -n "$name" || continue
	rm -rf golden && cp -a start golden
	EVIDENCE_DIR=$TRASH/golden evidence $cmd >/dev/null
	canon golden "golden.$name"
done 3<<EOF
$fault_commands
EOF

# after_fault WHAT: the checks once a run failed on a fault: 74 with one
# line of error, the committed state intact, and a rerun completing.
after_fault() {
	test "$code" = 74 || { echo "$1: exit $code, wanted 74"; cat err; return 1; }
	test "$(wc -l <err)" = 1 || { echo "$1: not one line:"; cat err; return 1; }
	check_consistent run || { echo "after $1"; return 1; }
	# The index is either as it was or as the rerun will leave it;
	# either way every work the start had is still found.
	for id in $(EVIDENCE_DIR=$TRASH/start evidence export | jq -r .id); do
		EVIDENCE_DIR=$TRASH/run evidence show "$id" >/dev/null ||
			{ echo "$1: $id lost"; return 1; }
	done
	EVIDENCE_DIR=$TRASH/run evidence search trust >/dev/null ||
		{ echo "$1: search fails"; return 1; }
	EVIDENCE_DIR=$TRASH/run evidence $cmd >/dev/null 2>rerun.err ||
		{ echo "$1: the rerun failed"; cat rerun.err; return 1; }
	canon run got && test_cmp "golden.$name" got
}

# missed K CLASS: the run just made (INJECT_COUNT=$TRASH/seen) fewer
# than K calls of CLASS, so that a fault at the Kth never came.  A run
# can write fewer index blocks than the run that counted them: the
# indexer's threads share the work by timing (a work the store has not
# committed yet when the reader reaches it is built at the end), and the
# blocks split where the documents' order puts them.  A run that saw no
# fault rightly succeeds.
missed() {
	test "$(awk -v c="$2" '$1 == c { n += $2 } END { print n + 0 }' \
		"$TRASH/seen")" -lt "$1"
}

# fault_run WHERE FAULT ARGS...: evidence ARGS on a fresh copy of start
# in run, FAULT injected into the calls on files under WHERE and the
# calls it made counted in seen (for missed()); its exit status in $code,
# its standard error in err.
fault_run() {
	fr_where=$1 fr_fault=$2
	shift 2
	rm -rf run && cp -a start run && rm -f seen
	EVIDENCE_DIR=$TRASH/run INJECT_PATH=$fr_where INJECT_COUNT=$TRASH/seen \
		inject_run "$fr_fault" "$@" >/dev/null 2>err
	code=$?
}

# sweep CLASS ACTION [PATH]: for each writer, fail the Nth CLASS call
# (and every later one with "N+"), for N spread over the whole run.
sweep() {
	while IFS='|' read -r name cmd <&3; do
		test -n "$name" || continue
		sweep_one "$@" || return 1
	done 3<<-EOF
	$fault_commands
	EOF
}
sweep_one() {
	# Only the collection's files fail (the injector would also fail
	# writes to stderr, a file here, which no full disk would touch).
	where=${3:-$TRASH/run/}
	rm -rf run && cp -a start run
	points=$(EVIDENCE_DIR=$TRASH/run INJECT_PATH=$where count_points "$1" $cmd)
	test "$points" -gt 0 || { echo "$name: no $1 calls counted"; return 1; }
	step=$(( (points + T6_POINTS - 1) / T6_POINTS ))
	for k in $(seq 1 "$step" "$points"); do
		fault_run "$where" "$1:$k$2" $cmd
		test "$code" = 0 && missed "$k" "$1" && continue
		after_fault "$name: $1 call $k of $points: $2" || return 1
	done
	echo "$name: $1 $2 ${3:-everywhere}: $(seq 1 "$step" "$points" | wc -l) of $points points" >>figures
}

test_expect_success 'ENOSPC on every write from the Nth on (store and index)' '
	sweep write "+:ENOSPC"
'
test_expect_success 'ENOSPC on one write only (a transient fault)' '
	sweep write ":ENOSPC"
'
test_expect_success 'ENOSPC on the index files only' '
	sweep write "+:ENOSPC" /index
'
# "harvest" opens the index at the first work it stores, to index while
# storing.  When that open fails, it used to index after the harvest
# instead, which is right for a lock or a fresh index but hid a write
# that failed once: exit 0 after a disk-full error.
test_expect_success 'one failed write as harvest opens the index: 74' '
	name=harvest cmd=harvest &&
	fault_run "$TRASH/run/index" "write:1:ENOSPC" harvest &&
	after_fault "harvest: the first write to the index"
'
test_expect_success 'EIO from fsync' '
	sweep fsync ":EIO"
'
test_expect_success 'EDQUOT (over quota) on a rename' '
	sweep rename ":EDQUOT"
'
# Regression: Xapian 1.4.22 throws from a destructor while it undoes a
# commit that ran out of space at some block writes (not others), and
# std::terminate() aborted the program.  Every write to the index fails
# here in turn; each must give 74 and one line, never an abort.
test_expect_success 'ENOSPC at each write of the index: 74, never an abort' '
	rm -rf run && cp -a start run &&
	points=$(EVIDENCE_DIR=$TRASH/run INJECT_PATH=/index count_points write add input/many) &&
	test "$points" -gt 10 &&
	for k in $(seq 1 "$points"); do
		fault_run /index "write:$k+:ENOSPC" add input/many
		test $code = 0 && missed "$k" write && continue
		test $code = 74 && test $(wc -l <err) = 1 ||
			{ echo "write $k of $points: exit $code"; cat err; exit 1; }
	done
'
# A rebuild writes its index aside without flushing each commit (nobody
# reads it, and a killed run throws it away), then flushes every file of
# it, and the folder, exactly once before the renames that swap it in:
# under its build name, so none of those calls comes after the swap.
test_expect_success 'a rebuild flushes each file of the new index once, before the swap' '
	rm -rf run && cp -a start run &&
	rm -f points &&
	EVIDENCE_DIR=$TRASH/run INJECT_PATH=/index.new INJECT_COUNT=$TRASH/points \
		LD_PRELOAD="$INJECT_SO" "$EVIDENCE" index --rebuild >/dev/null &&
	files=$(find run/index -maxdepth 1 -type f | wc -l) &&
	test "$files" -gt 3 &&
	awk -v want=$((files + 1)) '"'"'$1 == "fsync" { n = $2 }
		END { if (n != want) { print "fsync calls: " n + 0 ", wanted " want; exit 1 } }'"'"' points
'
test_expect_success 'a rebuild whose flush fails: 74, one line, the old index kept' '
	name=index cmd="index --rebuild" &&
	rm -rf run && cp -a start run &&
	{
		EVIDENCE_DIR=$TRASH/run INJECT_PATH=/index.new \
			inject_run "fsync:2:EIO" index --rebuild >/dev/null 2>err
		code=$?
	} &&
	grep -q "cannot write the rebuilt index to disk" err &&
	! test -e run/index.new &&
	after_fault "index: the flush of the rebuilt index"
'
# The last flush of a rebuild is the collection folder, after the renames:
# when it fails the new index is in place but the old one is kept beside
# it, since the renames might not survive a crash.
test_expect_success 'a rebuild whose last flush fails: 74, the old index kept' '
	name=index cmd="index --rebuild" &&
	rm -rf run && cp -a start run &&
	last=$(EVIDENCE_DIR=$TRASH/run INJECT_PATH=$TRASH/run count_points fsync index --rebuild) &&
	rm -rf run && cp -a start run &&
	{
		EVIDENCE_DIR=$TRASH/run INJECT_PATH=$TRASH/run \
			inject_run "fsync:$last:EIO" index --rebuild >/dev/null 2>err
		code=$?
	} &&
	grep -q "cannot write the rebuilt index to disk" err &&
	test -d run/index.old && ! test -e run/index.new &&
	after_fault "index: the flush of the collection folder" &&
	! test -e run/index.old
'
test_expect_success 'the message says what failed and why' '
	rm -rf run && cp -a start run &&
	EVIDENCE_DIR=$TRASH/run INJECT_PATH=$TRASH/run/ \
		inject_run "write:1+:ENOSPC" add input/many 2>err
	test $? = 74 && grep -q "^evidence: .*No space left on device" err
'

# A real full file system: a tmpfs with 300 KiB more than the starting
# collection needs (the rest needs about 700 more), in a mount namespace
# of our own.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	size=$(( $(du -sk start | cut -f1) + 300 ))
	cat >full.sh <<-EOF
	set -u
	cd "$TRASH" || exit 9
	mkdir -p mnt && mount -t tmpfs -o size=${size}k tmpfs mnt || exit 9
	cp -a start mnt/c || exit 9
	EVIDENCE_DIR=\$PWD/mnt/c "$EVIDENCE" add input/many >/dev/null 2>full.err
	echo \$? >full.code
	cp -a mnt/c after-full
	mount -o remount,size=64m mnt || exit 9
	EVIDENCE_DIR=\$PWD/mnt/c "$EVIDENCE" add input/many >/dev/null 2>rerun.err
	echo \$? >rerun.code
	cp -a mnt/c after-rerun
	umount mnt
	EOF
	unshare -m sh full.sh
	tmpfs_code=$?
	if [ "$tmpfs_code" = 9 ]; then
		test_skip 'a full tmpfs: 74, one line, nothing damaged' \
			'cannot mount a tmpfs here'
	else
		test_expect_success 'a full tmpfs: 74, one line, nothing damaged' '
			test "$(cat full.code)" = 74 && test $(wc -l <full.err) = 1 &&
			grep -q "No space left on device" full.err &&
			check_consistent after-full &&
			"$INDEX_DUMP" after-full/index >got &&
			test_cmp start.index got
		'
		test_expect_success 'after freeing space the rerun completes' '
			test "$(cat rerun.code)" = 0 &&
			check_consistent after-rerun &&
			canon after-rerun got && test_cmp golden.add got
		'
	fi
else
	test_skip 'a full tmpfs: 74, one line, nothing damaged' \
		'not root, or no mount namespaces (unshare -m): the injector cases above stand in'
fi

test -f figures && sed 's/^/# /' figures
test_done
