# test-lib.sh - shared code for the shell tests; prints TAP
#
# A test script sources this file, then runs subtests:
#
#   . "$top_srcdir/tests/test-lib.sh"
#   test_expect_success 'init makes a collection' '
#       evidence init &&
#       test -f "$EVIDENCE_DIR/evidence.conf"
#   '
#   test_done
#
# Each script runs in its own empty directory ($TRASH), with EVIDENCE_DIR
# pointing inside it, and "evidence" on PATH.  The directory is removed
# when every subtest passed and kept (for a look) when one failed.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${EVIDENCE:=$top_builddir/evidence}"
# The shell that runs helper scripts; cron and CI may not set SHELL.
: "${SHELL:=/bin/sh}"
export top_srcdir top_builddir SHELL

# A wrapper that runs another script with other settings names itself.
test_name=${TEST_NAME:-$(basename "$0" .sh)}
TRASH="$top_builddir/tests/trash.$test_name"
rm -rf "$TRASH"
mkdir -p "$TRASH/bin" || exit 1

# A wrapper so that subtests can just say "evidence ...".  With
# EVIDENCE_VALGRIND set, every run goes through valgrind's leak check
# (evidence-harvest too, which evidence execs for add and harvest).
cat >"$TRASH/bin/evidence" <<EOF
#!/bin/sh
if [ -n "\${EVIDENCE_VALGRIND:-}" ]; then
	exec valgrind -q --trace-children=yes --leak-check=full \
		--errors-for-leak-kinds=definite \
		--error-exitcode=99 "$EVIDENCE" "\$@"
fi
exec "$EVIDENCE" "\$@"
EOF
chmod +x "$TRASH/bin/evidence"
PATH="$TRASH/bin:$PATH"
export PATH

EVIDENCE_DIR="$TRASH/collection"
EVIDENCE_MANDIR="$top_srcdir/doc"
HOME="$TRASH/home"
XDG_DATA_HOME="$TRASH/home/.local/share"
LC_ALL=C.UTF-8
TZ=UTC
export EVIDENCE_DIR EVIDENCE_MANDIR HOME XDG_DATA_HOME LC_ALL TZ
unset EVIDENCE_LESSONS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
	ALL_PROXY all_proxy 2>/dev/null || true

FIXTURES="$top_srcdir/tests/fixtures"
SHARED="${EVIDENCE_SHARED:-$top_srcdir/../shared}"
SAMPLES="$SHARED/samples"

cd "$TRASH" || exit 1

test_count=0
test_failures=0

say() {
	printf '# %s\n' "$*"
}

# test_expect_success DESCRIPTION COMMANDS
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/out.$test_count" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/out.$test_count" | head -40
	fi
}

# test_expect_code CODE DESCRIPTION COMMANDS: the last command of
# COMMANDS must exit with CODE.
test_expect_code() {
	test_count=$((test_count + 1))
	(eval "$3") >"$TRASH/out.$test_count" 2>&1
	got=$?
	if [ "$got" = "$1" ]; then
		echo "ok $test_count - $2"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $2 (exit $got, wanted $1)"
		sed 's/^/#   /' "$TRASH/out.$test_count" | head -40
	fi
}

# test_expect_exit CODE DESCRIPTION COMMANDS CHECKS: the last command of
# COMMANDS must exit with CODE, and then CHECKS must pass, in the same
# shell (so they see what COMMANDS wrote and set).  Use it rather than
# test_expect_code when there is more to check than the code: there,
# "cmd; code=$?; grep -q x err; exit $code" loses the grep's failure,
# and "... && exit $code" fails with 1, which passes when 1 is the code
# expected.
test_expect_exit() {
	test_count=$((test_count + 1))
	(
		eval "$3"
		got=$?
		if [ "$got" != "$1" ]; then
			echo "exit $got, wanted $1"
			exit 1
		fi
		eval "$4"
	) >"$TRASH/out.$test_count" 2>&1
	if [ $? = 0 ]; then
		echo "ok $test_count - $2"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $2"
		sed 's/^/#   /' "$TRASH/out.$test_count" | head -40
	fi
}

# test_skip DESCRIPTION REASON
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# Skip the whole script.
skip_all() {
	echo "1..0 # SKIP $*"
	cd / && rm -rf "$TRASH"
	exit 0
}

# Skip unless ../shared/samples is beside the checkout.
test_need_samples() {
	[ -d "$SAMPLES" ] ||
		skip_all "../shared/samples is absent (set EVIDENCE_SHARED)"
}

# test_cmp EXPECTED ACTUAL: fail with a diff when they differ.
test_cmp() {
	diff -u "$1" "$2"
}

# expect_exit CODE COMMAND...: run COMMAND, fail unless it exits CODE.
expect_exit() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "exit status $got, wanted $want: $*" >&2
		return 1
	fi
	return 0
}

# pubmed_set N [broken] [bare1]: N PubMed records in one set; "broken"
# cuts the last one short, "bare1" leaves the first without an abstract.
# Past 512 records a file is parsed twice (checked whole, then stored as
# it streams) so that memory stays flat.
pubmed_set() {
	awk -v n="$1" -v broken="${2:-}" -v bare1="${3:-}" 'BEGIN {
		print "<?xml version=\"1.0\"?>\n<PubmedArticleSet>"
		for (i = 1; i <= n; i++) {
			printf "<PubmedArticle><MedlineCitation><PMID>%d</PMID>", 70000000 + i
			printf "<Article><Journal><Title>Bulk Test Journal</Title>"
			printf "<JournalIssue><PubDate><Year>2021</Year></PubDate></JournalIssue></Journal>"
			printf "<ArticleTitle>Practice network record %d</ArticleTitle>", i
			if (broken && i == n) { print "<Abstract><AbstractText>cut"; exit }
			if (!(bare1 && i == 1))
				printf "<Abstract><AbstractText>Trust between practices, record %d.</AbstractText></Abstract>", i
			print "</Article></MedlineCitation></PubmedArticle>"
		}
		print "</PubmedArticleSet>"
	}'
}

# json_get FILE JQ-LIKE-PATH is not available in plain sh: tests compare
# JSON with grep on the fixed, compact output, or with python3 when it is
# there (test_have_python).
test_have_python() {
	command -v python3 >/dev/null 2>&1
}

test_done() {
	echo "1..$test_count"
	if [ "$test_failures" -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	say "$test_failures of $test_count failed; kept $TRASH"
	exit 1
}
