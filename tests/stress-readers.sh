#!/bin/sh
# stress-readers.sh - t6200 with 3,000 documents and four readers
# (make stress)
: "${T6_DOCS:=3000}"
: "${T6_READERS:=4}"
export T6_DOCS T6_READERS
exec "$SHELL" "$top_srcdir/tests/t6200-readers.sh"
