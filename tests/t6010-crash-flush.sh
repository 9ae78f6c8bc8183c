#!/bin/sh
# t6010-crash-flush.sh - t6000 with Xapian committing on its own every 4
# changes, so that kills land between the documents of one work: the
# rerun must still end with every passage indexed (the work's document,
# which carries the content hash, is written after its passages).
T6_FLUSH=4
T6_KILLS=${T6_KILLS:-2}
TEST_NAME=t6010-crash-flush
export T6_FLUSH T6_KILLS TEST_NAME
exec "${SHELL:-/bin/sh}" "${top_srcdir:-$(dirname "$0")/..}/tests/t6000-crash.sh"
