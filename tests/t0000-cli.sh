#!/bin/sh
# t0000-cli.sh - the command line: usage, help, exit codes, init
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

test_expect_code 2 'no command is a usage error' 'evidence'
test_expect_code 2 'an unknown command is a usage error' 'evidence frobnicate'
test_expect_code 2 'an unknown global option is a usage error' \
	'evidence --frob init'
test_expect_success '--help lists the commands' '
	evidence --help >out &&
	grep -q "^  search " out && grep -q "^  add " out
'
test_expect_success '--version prints the version' '
	evidence --version | grep -q "^evidence [0-9]"
'
test_expect_exit 2 'a command without a collection says to run init' \
	'evidence stats 2>err' 'grep -q "evidence init" err'
test_expect_success 'init creates a collection with editable config' '
	evidence init >out &&
	grep -q "Created" out &&
	test -f "$EVIDENCE_DIR/evidence.conf" &&
	test -f "$EVIDENCE_DIR/lessons.conf" &&
	test -f "$EVIDENCE_DIR/synonyms.conf" &&
	test -d "$EVIDENCE_DIR/store"
'
test_expect_success 'init again keeps an edited taxonomy' '
	echo "# edited" >>"$EVIDENCE_DIR/lessons.conf" &&
	evidence init >out &&
	grep -q "Kept" out &&
	grep -q "^# edited" "$EVIDENCE_DIR/lessons.conf"
'
test_expect_success '--dir and EVIDENCE_DIR pick the collection' '
	evidence --dir "$TRASH/other" init >/dev/null &&
	test -f "$TRASH/other/evidence.conf" &&
	EVIDENCE_DIR="$TRASH/third" evidence init >/dev/null &&
	test -f "$TRASH/third/evidence.conf"
'
test_expect_success 'without either, XDG_DATA_HOME is the default' '
	(unset EVIDENCE_DIR; evidence init >/dev/null) &&
	test -f "$XDG_DATA_HOME/evidence/evidence.conf"
'
test_expect_code 2 'a bad option value is a usage error' \
	'evidence search --limit many x'
test_expect_code 2 '--wait wants a number' 'evidence --wait soon index'
test_expect_success 'help shows the manual page of a command' '
	MANPAGER=cat MANWIDTH=80 evidence help search >out 2>&1 &&
	grep -q "SYNOPSIS" out && grep -q "all-passages" out
'
test_expect_code 2 'help for an unknown command is a usage error' \
	'evidence help frobnicate'
test_expect_success 'a full standard output is an error, not success' '
	if [ -w /dev/full ]; then
		evidence --help >/dev/full 2>err; code=$?
		test "$code" = 74 && grep -q "write error" err
	fi
'
# configure.ac puts libstdc++ ahead of the other libraries, so that the
# dynamic linker's look-ups of libxapian's C++ symbols stop there.
if test -z "${EV_CXXLIB_FIRST:-}"; then
	test_skip 'libstdc++ is the first library evidence loads' \
		'EV_CXXLIB_FIRST is empty (configure found another C++ runtime)'
elif ! command -v readelf >/dev/null 2>&1; then
	test_skip 'libstdc++ is the first library evidence loads' \
		'no readelf (Debian: binutils)'
else
	test_expect_success 'libstdc++ is the first library evidence loads' '
		for prog in "$EVIDENCE" "$top_builddir/evidence-harvest"; do
			readelf -d "$prog" >out &&
			sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p" out |
				grep -v "^libasan\.\|^libubsan\." >needed &&
			head -n 1 needed | grep -q "^libstdc++\." &&
			grep -q "^libxapian\." needed || return 1
		done
	'
fi
test_done
