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
test_done
