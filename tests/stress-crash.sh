#!/bin/sh
# stress-crash.sh - t6000 at full strength: 50 kills per writer, every point
# (make stress).  T6_KILLS and T6_STRIDE may be set to try more or fewer.
: "${T6_KILLS:=50}"
: "${T6_STRIDE:=1}"
export T6_KILLS T6_STRIDE
exec "$SHELL" "$top_srcdir/tests/t6000-crash.sh"
