#!/bin/sh
# rebuild-with.sh - compile the program's sources again with other flags
#
# For builds the suite's own objects cannot serve: libFuzzer's (clang,
# fuzzer coverage; fuzz/build.sh) and valgrind's (no sanitizers, which
# valgrind cannot run under; tests/valgrind.sh).  Environment:
#
#   srcdir builddir   as in make
#   RB_CC RB_CXX      compilers
#   RB_CFLAGS RB_CXXFLAGS RB_LDFLAGS
#   RB_SOURCES        sources relative to srcdir (or builddir, when
#                     generated); headers in the list are skipped
#   RB_LIBS           libraries to link with
#   RB_OBJDIR         where the objects go
#   RB_OUTPUT         the program to link
#
# An object is rebuilt when its source or any header is newer.

set -u
mkdir -p "$RB_OBJDIR" || exit 1
INC="-I$builddir -I$srcdir/lib -I$builddir/lib -I$srcdir/corpus -I$srcdir/indexer -I$srcdir/query -I$srcdir/fuzz -I$srcdir/tests"
newest_header=$(ls -t "$srcdir"/lib/*.h "$srcdir"/corpus/*.h "$srcdir"/indexer/*.h \
	"$srcdir"/query/*.h "$srcdir"/fuzz/*.h "$builddir/config.h" 2>/dev/null | head -1)
objs=
for src in $RB_SOURCES; do
	case $src in
	*.c | *.cc) ;;
	*) continue ;;
	esac
	path=$srcdir/$src
	[ -f "$path" ] || path=$builddir/$src
	obj=$RB_OBJDIR/$(echo "$src" | tr / _).o
	objs="$objs $obj"
	if [ -f "$obj" ] && [ "$obj" -nt "$path" ] && [ "$obj" -nt "$newest_header" ]; then
		continue
	fi
	echo "  CC       $src ($RB_OBJDIR)"
	case $src in
	*.cc) $RB_CXX $RB_CXXFLAGS $INC -c "$path" -o "$obj" || exit 1 ;;
	*) $RB_CC $RB_CFLAGS $INC -DPKGDATADIR='"/nonexistent"' -c "$path" -o "$obj" || exit 1 ;;
	esac
done
echo "  LINK     $RB_OUTPUT"
$RB_CXX $RB_LDFLAGS $objs $RB_LIBS -lm -o "$RB_OUTPUT"
