#!/bin/sh
# stress-faults.sh - t6300 at 20 fault points per sweep, t6500 with the
# samples cut at every 1/64 (make stress)
: "${T6_POINTS:=20}"
: "${T6_CUTS:=64}"
export T6_POINTS T6_CUTS
"$SHELL" "$top_srcdir/tests/t6300-diskfull.sh" || exit 1
exec "$SHELL" "$top_srcdir/tests/t6500-hostile.sh"
