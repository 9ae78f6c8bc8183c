#!/bin/sh
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"
test_done
