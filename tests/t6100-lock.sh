#!/bin/sh
# t6100-lock.sh - one writer at a time; a dead writer's lock is free
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
. "$top_srcdir/tests/reliab-lib.sh"
test_need_injector

# t2000-add.sh has the basic case (a lock held by tests/lock-holder gives
# 75); here two real writers meet, --wait is timed, a SIGKILLed writer
# lets go, and a read-only collection is told apart from a locked one.

evidence init >/dev/null
mkdir -p many
for i in $(seq 1 150); do
	printf 'Note %d on networks\n\nPractice %d joined a federation; trust grew over %d years.\n' \
		"$i" "$i" "$i" >many/note$i.txt
done

# ms: milliseconds since the epoch.
ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# hold_lock: start tests/lock-holder on the collection's lock; stop it
# with release_lock.
hold_lock() {
	rm -f hold held && mkfifo hold &&
	{ "$top_builddir/tests/lock-holder" "$EVIDENCE_DIR/lock" <hold >held & } &&
	exec 8>hold &&
	while ! grep -q locked held 2>/dev/null; do sleep 0.05; done
}
release_lock() {
	exec 8>&-
	wait
}

# start_stopped FAULT ARGS...: start "evidence ARGS" in the background,
# stopped (SIGSTOP) by the injector at FAULT, so holding its locks; its
# pid is in $pid.  Gives up after 120 s (a bound against a hang, not a
# timing: a loaded machine under the sanitizers can take a while to
# reach the point).
start_stopped() {
	fault=$1
	shift
	INJECT_FAULT=$fault LD_PRELOAD="$INJECT_SO" "$EVIDENCE" "$@" \
		>a.out 2>a.err &
	pid=$!
	for i in $(seq 1 12000); do
		state=$(awk '{ print $3 }' /proc/$pid/stat 2>/dev/null)
		test "$state" = T && return 0
		test -z "$state" && break
		sleep 0.01
	done
	echo "the writer did not stop at $fault"
	return 1
}

test_expect_success 'two writers at once: one works, the other gives 75' '
	start_stopped sync:40:stop add many &&
	{ evidence add --wait 0 "$FIXTURES/text" >b.out 2>b.err; code=$?; } &&
	kill -CONT $pid && wait $pid && grep -q "^150 inputs: 150 new" a.out &&
	test $code = 75 && test $(wc -l <b.err) = 1 &&
	grep -q "locked by another writer (lock file $EVIDENCE_DIR/lock)" b.err
'
test_expect_success 'the second writer waiting long enough gets its turn' '
	start_stopped sync:3:stop index --rebuild || exit 1
	{ sleep 0.5; kill -CONT $pid; } &
	t0=$(ms) &&
	evidence add --wait 60 "$FIXTURES/text" >b.out 2>b.err &&
	t1=$(ms) && wait && test $((t1 - t0)) -ge 500 &&
	grep -q "^3 inputs: 3 new" b.out &&
	evidence stats --format json >s.json && test "$(jq .works s.json)" = 153
'
# The lock stays held until release_lock: a writer that waited for it
# past its --wait would wait until timeout(1) stops it (124), however
# slow the machine; no upper bound on the time is asserted.
test_expect_success '--wait 1 waits a second, then 75' '
	hold_lock &&
	t0=$(ms) &&
	{ timeout 60 evidence add --wait 1 "$FIXTURES/csl" 2>err; code=$?; } ;
	t1=$(ms); release_lock
	test $code = 75 && test $((t1 - t0)) -ge 1000 && grep -q "use --wait" err
'
test_expect_success 'without --wait the answer is 75, no waiting' '
	hold_lock &&
	{ timeout 60 evidence index 2>err; code=$?; } ;
	release_lock
	test $code = 75 && grep -q "use --wait" err
'
test_expect_success 'a SIGKILLed writer leaves its lock free at once' '
	start_stopped sync:3:stop index --rebuild &&
	kill -9 $pid; wait $pid
	timeout 60 evidence add --wait 0 "$FIXTURES/csl" >out &&
	grep -q "2 new" out
'
test_expect_success 'the index lock of a killed writer is free too' '
	start_stopped sync:2:stop index &&
	kill -9 $pid; wait $pid
	evidence index --wait 0 >out && grep -q "^155 works" out
'

# Root writes through file modes, so a read-only collection needs a
# read-only bind mount, in a mount namespace of its own.
ro_ok=
if [ "$(id -u)" != 0 ]; then
	ro_ok=chmod
elif unshare -m true 2>/dev/null; then
	ro_ok=unshare
fi
# in_ro CMD: run the shell command CMD with the collection read-only.
in_ro() {
	if [ "$ro_ok" = chmod ]; then
		chmod -R a-w "$EVIDENCE_DIR" && (eval "$1"); c=$?
		chmod -R u+w "$EVIDENCE_DIR"
		return $c
	fi
	unshare -m sh -c "mount --bind '$EVIDENCE_DIR' '$EVIDENCE_DIR' &&
		mount -o remount,ro,bind '$EVIDENCE_DIR' && $1"
}
if [ -n "$ro_ok" ]; then
	test_expect_success 'a read-only collection: writers get 77, not 75' '
		in_ro "evidence add \"$FIXTURES/text\" 2>err; echo \$? >code" ;
		test "$(cat code)" = 77 && grep -q "read-only" err &&
		! grep -q locked err && test $(wc -l <err) = 1 &&
		in_ro "evidence index 2>err; echo \$? >code" ;
		test "$(cat code)" = 77 && grep -q "read-only" err
	'
	test_expect_success 'a read-only collection: readers work' '
		in_ro "evidence search --format json trust >res.json &&
			evidence stats >/dev/null && evidence export >/dev/null" &&
		test "$(jq ".hits | length" res.json)" -ge 1
	'
else
	test_skip 'a read-only collection: writers get 77, not 75' \
		'running as root without unshare(1) or mount namespaces: a read-only bind mount is not possible'
	test_skip 'a read-only collection: readers work' \
		'no read-only bind mount (as above)'
fi
test_done
