#!/bin/sh
# stress-crash.sh - t6000 at full strength: 50 kills per writer, every point
# (make stress), then the same with Xapian flushing every 4 changes.
# T6_KILLS and T6_STRIDE may be set to try more or fewer.
: "${T6_KILLS:=50}"
: "${T6_STRIDE:=1}"
export T6_KILLS T6_STRIDE
"$SHELL" "$top_srcdir/tests/t6000-crash.sh" || exit 1
# Again with Xapian committing on its own every 4 changes, so that kills
# land between a work's documents (a work must never be left looking
# indexed with passages missing).
T6_FLUSH=4 exec "$SHELL" "$top_srcdir/tests/t6000-crash.sh"
