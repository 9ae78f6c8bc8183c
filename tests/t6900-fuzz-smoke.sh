#!/bin/sh
# t6900-fuzz-smoke.sh - each libFuzzer target briefly, when make fuzz built them
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

# "make fuzz" builds fuzz/fuzz-evidence with clang, libFuzzer, ASan and
# UBSan; when it is there, every target runs for T6_FUZZ_SECONDS (3)
# from the committed seeds.  tests/test-fuzz-replay covers the targets
# with the suite's own compiler either way.
: "${T6_FUZZ_SECONDS:=3}"
fuzzer="$top_builddir/fuzz/fuzz-evidence"
test -x "$fuzzer" ||
	skip_all "fuzz/fuzz-evidence is not built (make fuzz builds it; it needs clang and libclang-rt-14-dev)"
LSAN_OPTIONS="suppressions=$top_srcdir/tests/lsan.supp"
export LSAN_OPTIONS

for t in $(EVIDENCE_FUZZ_LIST=1 "$fuzzer"); do
	test_expect_success "$t: $T6_FUZZ_SECONDS s of fuzzing, no crash" "
		mkdir -p corpus.$t crashes.$t &&
		EVIDENCE_FUZZ_TARGET=$t \"\$fuzzer\" -max_total_time=$T6_FUZZ_SECONDS \
			-max_len=16384 -timeout=20 -artifact_prefix=crashes.$t/ \
			corpus.$t \"\$FIXTURES\" >log.$t 2>&1 ||
			{ grep -m5 'ERROR\|SUMMARY' log.$t; exit 1; }
		test -z \"\$(ls crashes.$t)\"
	"
done
test_done
