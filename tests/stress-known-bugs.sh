#!/bin/sh
# stress-known-bugs.sh - the cases that fail until the indexer is fixed
# (make stress-known-bugs; not part of make stress or make check):
#   - XAPIAN_FLUSH_THRESHOLD=4 lets Xapian commit between a work's
#     documents; a kill then leaves the work without passages for good;
#   - "index" and "add" on a damaged index do not advise --rebuild.
T6_FLUSH=4 T6_KILLS=${T6_KILLS:-10} "$SHELL" "$top_srcdir/tests/t6000-crash.sh"
a=$?
T6_KNOWN_BUGS=1 "$SHELL" "$top_srcdir/tests/t6400-corrupt.sh"
b=$?
test $a = 0 && test $b = 0
