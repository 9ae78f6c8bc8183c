#!/bin/sh
# t0010-helper.sh - add, harvest and index run in evidence-harvest, found
# and execed
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

HELPER=$top_builddir/evidence-harvest
[ -x "$HELPER" ] || skip_all "no evidence-harvest beside $EVIDENCE"

evidence init >/dev/null || exit 1
printf '{"title": "cut off' >broken.json

# same ARGS...: evidence ARGS and evidence-harvest ARGS print the same
# and exit the same: the helper's behaviour is the command's.
same() {
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null || return 1
	"$EVIDENCE" "$@" >via.out 2>via.err
	via=$?
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null || return 1
	"$HELPER" "$@" >direct.out 2>direct.err
	direct=$?
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null || return 1
	echo "exit $via via evidence, $direct direct"
	test "$via" = "$direct" && test_cmp direct.out via.out &&
		test_cmp direct.err via.err
}

test_expect_success 'the search program links neither libcurl nor libxml2' '
	command -v readelf >/dev/null || exit 0
	readelf -d "$EVIDENCE" >main.dyn &&
	readelf -d "$HELPER" >helper.dyn &&
	! grep -E "libcurl|libxml2" main.dyn &&
	grep -q libcurl helper.dyn && grep -q libxml2 helper.dyn
'
# tcmalloc goes with the helper only, and only where configure found it
# (configure.ac says why).
test_expect_success 'tcmalloc: in the helper when the build has it, never in evidence' '
	command -v readelf >/dev/null || exit 0
	readelf -d "$EVIDENCE" >main.dyn &&
	readelf -d "$HELPER" >helper.dyn &&
	! grep -q tcmalloc main.dyn &&
	if grep -q "define HAVE_TCMALLOC 1" "$top_builddir/config.h"
	then grep -q "libtcmalloc_minimal" helper.dyn
	else ! grep -q tcmalloc helper.dyn
	fi
'
test_expect_success 'add runs the helper beside evidence' '
	evidence add "$FIXTURES/text" >out &&
	grep -q "^3 inputs: 3 new" out &&
	evidence search trust >/dev/null
'
test_expect_success 'global options before the command reach the helper' '
	evidence --dir "$TRASH/other" -q init >/dev/null &&
	evidence --dir "$TRASH/other" --wait 1 add "$FIXTURES/text" >out &&
	grep -q "^3 inputs: 3 new" out &&
	evidence --dir="$TRASH/other" search trust >/dev/null
'
# Exit codes as before the split (t2000 and t2100 say why each is right).
test_expect_success 'same output and exit 0: add a folder' '
	same add "$FIXTURES/text" && test "$via" = 0
'
test_expect_success 'same output and exit 1: a broken file is skipped' '
	same add broken.json "$FIXTURES/text" && test "$via" = 1 &&
	grep -q broken.json via.err
'
test_expect_success 'same output and exit 2: add with nothing' '
	same add && test "$via" = 2 && grep -q "^usage: evidence add" via.err
'
test_expect_success 'same output and exit 2: an unknown option of add' '
	same add --no-such-option && test "$via" = 2
'
test_expect_success 'index runs in the helper: same output, exit 0' '
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null &&
	evidence add --no-index "$FIXTURES/text" >/dev/null &&
	"$EVIDENCE" index --rebuild >via.out 2>via.err &&
	"$HELPER" index --rebuild >direct.out 2>direct.err &&
	grep -q "^3 works: 3 indexed" via.out &&
	test_cmp direct.out via.out && test_cmp direct.err via.err
'
test_expect_success 'same output and exit 2: an unknown option of index' '
	same index --no-such-option && test "$via" = 2 &&
	grep -q "^usage: evidence index" via.err
'
test_expect_success 'same output and exit 2: harvest --only nothing' '
	same harvest --only no-such-source && test "$via" = 2
'
test_expect_success 'same output and exit 2: no collection' '
	same --dir "$TRASH/nowhere" add "$FIXTURES/text" && test "$via" = 2 &&
	grep -q "evidence init" via.err
'
test_expect_success 'add through evidence: a held lock still gives 75' '
	mkfifo hold &&
	{ "$top_builddir/tests/lock-holder" "$EVIDENCE_DIR/lock" <hold >held & } &&
	exec 8>hold &&
	while ! grep -q locked held 2>/dev/null; do sleep 0.1; done &&
	{ evidence add "$FIXTURES/text" 2>err; code=$?; } ;
	exec 8>&- ; wait
	test "$code" = 75 && grep -q "locked by another writer" err
'

# A copy of evidence alone in a folder: the helper is not beside it.
mkdir alone empty noexec &&
	cp "$EVIDENCE" alone/evidence &&
	cp "$HELPER" noexec/evidence-harvest &&
	chmod a-x noexec/evidence-harvest || exit 1

test_expect_success 'EVIDENCE_EXEC_PATH names the helper folder' '
	EVIDENCE_EXEC_PATH=$top_builddir alone/evidence add "$FIXTURES/text" \
		>out &&
	grep -q "^3 inputs: 3 new" out
'
test_expect_code 69 'a missing helper: exit 69' '
	EVIDENCE_EXEC_PATH=$TRASH/empty alone/evidence add "$FIXTURES/text"
'
test_expect_code 69 'a missing helper: index exits 69 too' '
	EVIDENCE_EXEC_PATH=$TRASH/empty alone/evidence index
'
test_expect_success 'a missing helper: one line naming it and where to set' '
	EVIDENCE_EXEC_PATH=$TRASH/empty alone/evidence harvest >out 2>err;
	test $? = 69 && test ! -s out && test $(wc -l <err) = 1 &&
	grep -q "^evidence: harvest: .*evidence-harvest is missing" err &&
	grep -q "$TRASH/empty" err && grep -q EVIDENCE_EXEC_PATH err
'
test_expect_success 'a helper that cannot run: exit 69, saying why' '
	EVIDENCE_EXEC_PATH=$TRASH/noexec alone/evidence add x >out 2>err;
	test $? = 69 && test $(wc -l <err) = 1 &&
	grep -q "cannot run $TRASH/noexec/evidence-harvest: " err
'
test_expect_success 'commands without the helper still run' '
	EVIDENCE_EXEC_PATH=$TRASH/empty alone/evidence search trust >/dev/null &&
	alone/evidence --version >/dev/null && alone/evidence --help >/dev/null
'
test_expect_exit 2 'the helper runs only the commands evidence hands it' \
	'"$HELPER" search trust 2>err' 'grep -q "is run by evidence itself" err'
test_expect_success 'help add shows the manual, from evidence' '
	MANPAGER=cat MANWIDTH=80 EVIDENCE_EXEC_PATH=$TRASH/empty \
		alone/evidence help add >out 2>&1 &&
	grep -q "SYNOPSIS" out && grep -q "^ *evidence-add - add works" out
'

# An install under DESTDIR: the helper is found in libexec from where
# evidence is, not from the configured (absent) path.
test_expect_success 'make install DESTDIR: add finds the installed helper' '
	command -v "${MAKE:-make}" >/dev/null || exit 0
	(unset MAKEFLAGS MFLAGS MAKELEVEL
	 "${MAKE:-make}" -s -C "$top_builddir" DESTDIR="$TRASH/dest" \
		install-binPROGRAMS install-pkglibexecPROGRAMS >/dev/null) &&
	bin=$(find "$TRASH/dest" -name evidence -type f) &&
	test -n "$bin" && test -x "$bin" &&
	find "$TRASH/dest" -name evidence-harvest -type f | grep -q . &&
	! test -e "$(dirname "$bin")/evidence-harvest" &&
	rm -rf "$EVIDENCE_DIR" && evidence init >/dev/null &&
	(unset EVIDENCE_EXEC_PATH; "$bin" add "$FIXTURES/text" >out) &&
	grep -q "^3 inputs: 3 new" out
'
test_done
