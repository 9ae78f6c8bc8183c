#!/bin/sh
# t0005-test-lib.sh - the suite's own helpers fail when they should
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# tap SCRIPT: the ok/not ok lines of test-lib's helpers run by SCRIPT in
# a subshell, numbered from 101 so as not to write over our own output.
tap() {
	(test_count=100 test_failures=0 && eval "$1") | grep "^\(not \)\?ok "
}

test_expect_success 'test_expect_exit: the code and the checks pass' '
	tap "test_expect_exit 3 d \"sh -c \\\"exit 3\\\"\" true" >out &&
	grep -qx "ok 101 - d" out
'
test_expect_success 'test_expect_exit: a check that fails fails the test' '
	tap "test_expect_exit 1 d \"false\" \"grep -q x /dev/null\"" >out &&
	grep -qx "not ok 101 - d" out
'
test_expect_success 'test_expect_exit: another code fails it, checks passing' '
	tap "test_expect_exit 1 d \"true\" \"true\"" >out &&
	grep -qx "not ok 101 - d" out &&
	grep -qx "exit 0, wanted 1" "$TRASH/out.101"
'
test_expect_success 'test_expect_exit: checks see what the commands made' '
	tap "test_expect_exit 2 d \"v=7; echo x >f; sh -c \\\"exit 2\\\"\" \
		\"test \\\$v = 7 && grep -qx x f\"" >out &&
	grep -qx "ok 101 - d" out
'
test_done
