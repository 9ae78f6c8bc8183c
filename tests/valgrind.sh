#!/bin/sh
# valgrind.sh - the main commands under valgrind's leak check (make valgrind)
#
# valgrind cannot run a program built with the sanitizers, so when
# ./evidence is one, a plain copy of it and of evidence-harvest is built
# first (tests/rebuild-with.sh, into tests/valgrind-bin/).  Each command runs once under
#   valgrind --leak-check=full --errors-for-leak-kinds=definite
# and its figures go to tests/valgrind.log: bytes definitely, indirectly
# and possibly lost, and errors.  Exits 1 when any command has an error
# or a definite leak.  Called by "make valgrind" with the same
# environment as fuzz/build.sh (compilers, flags, sources, libraries).

set -u
builddir=$(cd "$builddir" && pwd) && srcdir=$(cd "$srcdir" && pwd) || exit 1
command -v valgrind >/dev/null || {
	echo "make valgrind: valgrind is not installed (apt-get install valgrind)" >&2
	exit 1
}
# add and harvest run in evidence-harvest, which evidence execs: the
# copy has one beside it, and valgrind follows the exec
# (--trace-children), so that its report is the helper's.
bin=$builddir/evidence
if ldd "$bin" 2>/dev/null | grep -q libasan; then
	bin=$builddir/tests/valgrind-bin/evidence
	mkdir -p tests/valgrind-bin tests/valgrind-obj/helper || exit 1
	RB_CC=$CC RB_CXX=$CXX RB_OBJDIR=tests/valgrind-obj RB_OUTPUT=$bin \
	RB_CFLAGS="-g -O1 -std=c11 $DEP_CFLAGS -DBINDIR=\"/nonexistent\" -DPKGLIBEXECDIR=\"/nonexistent\"" \
	RB_CXXFLAGS="-g -O1 -std=c++11 $DEP_CFLAGS" RB_LDFLAGS= \
	RB_LIBS=$DEP_LIBS RB_SOURCES="$LIB_SOURCES evidence.c" \
		sh "$srcdir/tests/rebuild-with.sh" || exit 1
	# The helper: evidence.c again, with the library objects above.
	RB_CC=$CC RB_CXX=$CXX RB_OBJDIR=tests/valgrind-obj/helper \
	RB_OUTPUT=tests/valgrind-bin/evidence-harvest \
	RB_CFLAGS="-g -O1 -std=c11 $DEP_CFLAGS -DEVIDENCE_HELPER" \
	RB_CXXFLAGS= RB_LDFLAGS= RB_SOURCES=evidence.c \
	RB_LIBS="$(ls tests/valgrind-obj/*.o | grep -v '/evidence\.c\.o$') $DEP_LIBS" \
		sh "$srcdir/tests/rebuild-with.sh" || exit 1
fi

work=$builddir/tests/trash.valgrind
rm -rf "$work" && mkdir -p "$work" || exit 1
cd "$work" || exit 1
EVIDENCE_DIR=$work/collection
HOME=$work
export EVIDENCE_DIR HOME
fix=$srcdir/tests/fixtures
log=$builddir/tests/valgrind.log
: >"$log"
failed=0

# vg NAME ARGS...: evidence ARGS under valgrind; a line of figures.
vg() {
	name=$1
	shift
	valgrind --trace-children=yes --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		--log-file=vg.out "$bin" "$@" >out 2>err
	code=$?
	def=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' vg.out | tr -d ,)
	ind=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' vg.out | tr -d ,)
	pos=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' vg.out | tr -d ,)
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' vg.out | tr -d ,)
	allocs=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' vg.out | tr -d ,)
	printf '%-28s exit %3d  %8s allocs  definitely %s  indirectly %s  possibly %s  errors %s\n' \
		"$name" "$code" "${allocs:-?}" "${def:-0}" "${ind:-0}" "${pos:-0}" "${errs:-?}" |
		tee -a "$log"
	if [ "$code" = 99 ] || [ "${errs:-1}" != 0 ]; then
		failed=1
		cat vg.out >>"$log"
	fi
}

vg init init
vg add add "$fix/text" "$fix/csl" "$fix/parse"
vg add-again add "$fix/text"
vg add-more add "$fix/lessons/colours.txt" "$fix/cite"
printf '{"title": "cut off' >broken.json
head -c 700 "$fix/parse/pubmed-set.xml" >broken.xml
printf '\001\002\003\000binary' >broken.bin
vg add-broken add broken.json broken.xml broken.bin
vg index index
vg harvest harvest
vg harvest-again harvest
vg log log --format json
vg index-rebuild index --rebuild
vg search search trust
vg search-json search --format json --all-passages --lesson focus "mission creep"
vg search-csv search --format csv 'author:okafor OR year:2018..2021'
vg search-wildcard search 'fed*'
vg search-bad search '"unbalanced ('
vg search-none search zzyzxqv
vg show show doi:10.5555/evidence.test.1
vg show-json show --format json --explain doi:10.5555/evidence.test.1
vg show-missing show doi:10.0000/none
vg stats stats --format json
vg lessons lessons
vg cite cite doi:10.5555/evidence.test.1
vg export export
vg tag tag "$fix/text/focus-note.txt"
vg tag-explain tag --explain --format json "$fix/text/pacing-note.txt"
dd if=/dev/zero of="$EVIDENCE_DIR/index/postlist.glass" bs=1024 count=8 \
	conv=notrunc 2>/dev/null
vg search-corrupt search trust
vg rebuild-corrupt index --rebuild
exit $failed
