#!/bin/sh
# build.sh - build the libFuzzer binary and run each target (make fuzz)
#
# Called by "make fuzz" with, in the environment: FUZZ_CC, FUZZ_CXX
# (clang), srcdir, builddir, DEP_CFLAGS (libxml2, libcurl, jansson,
# Xapian), DEP_LIBS, LIB_SOURCES (libevidence.a's sources),
# FUZZ_SECONDS (per target, default 60), FUZZ_TARGETS (default: all),
# FUZZ_MAX_LEN (default 65536), FUZZ_BUILD_ONLY (build, do not run).
#
# The library is compiled again (tests/rebuild-with.sh) with clang under
# -fsanitize=fuzzer-no-link,address,undefined into fuzz/obj/, so that
# libFuzzer sees coverage of our code; the suite's own objects are left
# alone.  Corpora grow in fuzz/corpus/TARGET (not committed), seeded from
# tests/fixtures, fuzz/regress and ../shared/samples when present.
# Crashes land in fuzz/crashes/; copy each into fuzz/regress/TARGET/ with
# a name that says what it was, and make check replays it for ever.

set -u
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_MAX_LEN:=65536}"
: "${FUZZ_TARGETS:=}"
: "${FUZZ_BUILD_ONLY:=}"

die() {
	echo "make fuzz: $*" >&2
	exit 1
}

[ -n "${FUZZ_CC:-}" ] && [ -n "${FUZZ_CXX:-}" ] ||
	die "needs clang with libFuzzer (apt-get install clang libclang-rt-14-dev), then ./configure again"
mkdir -p fuzz/obj fuzz/corpus fuzz/crashes || exit 1
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
	>fuzz/obj/probe.c
"$FUZZ_CC" -fsanitize=fuzzer fuzz/obj/probe.c -o fuzz/obj/probe 2>/dev/null ||
	die "$FUZZ_CC cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev)"

SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
RB_CC=$FUZZ_CC RB_CXX=$FUZZ_CXX RB_OBJDIR=fuzz/obj RB_OUTPUT=fuzz/fuzz-evidence \
RB_CFLAGS="-g -O1 $SAN -std=c11 $DEP_CFLAGS" \
RB_CXXFLAGS="-g -O1 $SAN -std=c++11 $DEP_CFLAGS" \
RB_LDFLAGS="-fsanitize=fuzzer,address,undefined" RB_LIBS=$DEP_LIBS \
RB_SOURCES="$LIB_SOURCES fuzz/targets.c fuzz/libfuzzer.c" \
	sh "$srcdir/tests/rebuild-with.sh" || exit 1
[ -n "$FUZZ_BUILD_ONLY" ] && exit 0

[ -n "$FUZZ_TARGETS" ] ||
	FUZZ_TARGETS=$(EVIDENCE_FUZZ_LIST=1 ./fuzz/fuzz-evidence)
samples=${EVIDENCE_SHARED:-$srcdir/../shared}/samples
LSAN_OPTIONS="suppressions=$srcdir/tests/lsan.supp"
export LSAN_OPTIONS

failed=0
: >fuzz/summary
for t in $FUZZ_TARGETS; do
	mkdir -p "fuzz/corpus/$t"
	seeds="$srcdir/tests/fixtures"
	[ -d "$srcdir/fuzz/regress/$t" ] && seeds="$seeds $srcdir/fuzz/regress/$t"
	[ -d "$samples" ] && seeds="$seeds $samples"
	before=$(ls fuzz/crashes | wc -l)
	echo "  FUZZ     $t for $FUZZ_SECONDS s"
	EVIDENCE_FUZZ_TARGET=$t ./fuzz/fuzz-evidence -max_total_time="$FUZZ_SECONDS" \
		-max_len="$FUZZ_MAX_LEN" -timeout=20 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="fuzz/crashes/$t-" \
		"fuzz/corpus/$t" $seeds >"fuzz/$t.log" 2>&1
	code=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz/$t.log")
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "fuzz/$t.log")
	crashes=$(( $(ls fuzz/crashes | wc -l) - before ))
	corpus=$(ls "fuzz/corpus/$t" | wc -l)
	printf '%-16s %10s execs in %4s s, corpus %5s, %d crashes (exit %d)\n' \
		"$t" "${runs:-?}" "${secs:-?}" "$corpus" "$crashes" "$code" |
		tee -a fuzz/summary
	if [ "$code" != 0 ] || [ "$crashes" != 0 ]; then
		failed=1
		grep -m3 "ERROR\|SUMMARY" "fuzz/$t.log"
	fi
done
exit $failed
