#!/bin/sh
# t8000-bench-threadtime.sh - bench/threadtime, which "make bench" runs
# around "evidence add": a line per thread of the command, by name
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

THREADTIME=$top_builddir/bench/threadtime
test -d /proc/self/task || skip_all "no /proc/self/task (not Linux)"

evidence init >/dev/null
# Enough notes that the feed's threads live a good while (threadtime
# looks at them every millisecond or more), on a loaded machine too.
mkdir notes
i=0
while [ $i -lt 400 ]; do
	for f in "$FIXTURES"/text/*.txt; do
		sed "1s/\$/ (copy $i)/" "$f" >"notes/$i-$(basename "$f")"
	done
	i=$((i + 1))
done

test_expect_success 'add runs under it, and it exits as add did' '
	"$THREADTIME" threads evidence add notes >out &&
	grep -q "^1200 inputs: 1200 new" out
'
test_expect_success 'a line per thread, seven fields each' '
	test "$(wc -l <threads)" -ge 3 &&
	awk "NF != 7 { exit 1 }" threads
'
# In the order they started: the process's own thread (named after the
# program), then the feed's reader and writer, which the indexer names.
test_expect_success 'the feed'"'"'s two threads, by name, after the first' '
	test "$(grep -c "^evidence-read " threads)" = 1 &&
	test "$(grep -c "^evidence-write " threads)" = 1 &&
	test "$(cut -d" " -f1 threads | grep -n "^evidence-read$" |
		cut -d: -f1)" -gt 1 &&
	test "$(cut -d" " -f1 threads | grep -n "^evidence-write$" |
		cut -d: -f1)" -gt 1
'
# LIFE_S CPU_S USER_S SYS_S WAIT_S: a thread cannot have run or waited
# longer than it lived (one look's rounding aside), nor run less than
# its user and system time less the kernel's tick.
test_expect_success 'the figures add up' '
	awk "{ if (\$3 + 0.01 < \$4 || (\$7 >= 0 && \$3 + 0.01 < \$4 + \$7) ||
		   \$4 + 0.05 < \$5 + \$6 - 0.05) exit 1 }" threads
'
test_expect_code 3 'a command'"'"'s exit status passes through' '
	"$THREADTIME" t3 sh -c "exit 3"
'
test_expect_code 127 'a command that cannot run: 127' '
	"$THREADTIME" t127 ./no-such-command
'
test_expect_code 127 'an output that cannot be written: 127, the command run' '
	"$THREADTIME" no-such-dir/out sh -c "echo ran >ran" ; code=$?
	grep -q ran ran && exit $code
'
# bench/run.sh's reading of such a file: the floor of the work on the
# cores, the busiest thread's time or all of it shared among the cores,
# whichever is longer.  Figures worked out by hand: 13 s over 2 cores
# is 6.50 s, longer than the writer's 6 s; over 4 cores the writer's
# 6 s is the floor.
eval "$(sed -n '/^by_thread() {/,/^}/p' "$top_srcdir/bench/run.sh")"
cat >made <<EOF
evidence-harves 100 9.00 3.00 1.00 2.00 1.00
evidence-read 101 8.90 4.00 3.90 0.10 2.00
evidence-write 102 8.80 6.00 5.50 0.50 0.50
EOF
test_expect_success 'run.sh: the floor of the threads on two cores' '
	CORES=2 by_thread made 8.00 26.00 omindex >report &&
	grep -q "evidence-write 6.00 s on a core, 0.50 s waiting for one, 2.30 s blocked\$" report &&
	grep -q "^- its floor on 2 cores: 6.50 s (evidence-write 6.00 s on a core; all threads 13.00 s, over 2 cores 6.50 s); the run took 8.00 s, 1.23x its floor; omindex over the floor: 4.00x\$" report
'
test_expect_success 'run.sh: on four cores the busiest thread is the floor' '
	CORES=4 by_thread made 8.00 >report &&
	grep -q "^- its floor on 4 cores: 6.00 s (evidence-write 6.00 s on a core; all threads 13.00 s, over 4 cores 3.25 s); the run took 8.00 s, 1.33x its floor\$" report
'
test_done
