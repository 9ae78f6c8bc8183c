# reliab-lib.sh - what the reliability tests (family 6) share
#
# Sourced after test-lib.sh.  Gives:
#
#   inject_run FAULT ARGS   run evidence ARGS with tests/inject.so
#                           preloaded and INJECT_FAULT=FAULT (see
#                           tests/inject.c)
#   count_points CLASS ARGS how many CLASS calls (write, fsync, rename,
#                           sync, open) evidence ARGS makes when
#                           nothing fails
#   canon DIR OUT           a canonical dump of the collection at DIR:
#                           records without timestamps, keys, and the
#                           index (tests/index-dump), sorted
#   check_consistent DIR    what must hold after any crash: xapian-check
#                           passes, each work is indexed once, no file
#                           under a final name is partial

INJECT_SO="$top_builddir/tests/inject.so"
INDEX_DUMP="$top_builddir/tests/index-dump"

# A preloaded library is not first in line under ASan; tell it so.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# Leaks inside Xapian that only faults bring out (tests/lsan.supp).
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS LSAN_OPTIONS

test_need_injector() {
	[ -f "$INJECT_SO" ] ||
		skip_all "tests/inject.so is not built (make check builds it)"
}

# inject_run FAULT ARGS...: evidence ARGS with the fault; the status.
inject_run() {
	fault=$1
	shift
	INJECT_FAULT=$fault LD_PRELOAD="$INJECT_SO" "$EVIDENCE" "$@"
}

# count_points CLASS ARGS...: run evidence ARGS and print how many calls
# of CLASS it made.
count_points() {
	class=$1
	shift
	rm -f "$TRASH/points"
	INJECT_COUNT="$TRASH/points" LD_PRELOAD="$INJECT_SO" "$EVIDENCE" \
		"$@" >/dev/null 2>&1
	if [ "$class" = sync ]; then
		awk '$1 == "fsync" || $1 == "rename" { n += $2 } END { print n + 0 }' \
			"$TRASH/points"
	else
		awk -v c="$class" '$1 == c { n += $2 } END { print n + 0 }' \
			"$TRASH/points"
	fi
}

# canon DIR OUT: the collection at DIR, canonically.
canon() {
	{
		EVIDENCE_DIR=$1 "$EVIDENCE" export |
			jq -cS 'del(.added_at, .updated_at) |
				.provenance |= map(del(.fetched_at))' | sort
		(cd "$1/store" && find keys -type f | sort | while read -r k; do
			printf '%s %s\n' "$k" "$(cat "$k")"
		done)
		(cd "$1" && find . -name "*.tmp-*" -not -path "./store/tmp/*" |
			sed "s/^/temporary file left: /")
		if [ -d "$1/index" ]; then
			"$INDEX_DUMP" -w "$1/index"
		else
			echo "no index"
		fi
	} >"$2"
}

# check_consistent DIR: after a crash, before any rerun.
check_consistent() {
	dir=$1
	if [ -d "$dir/index" ] && [ -f "$dir/index/iamglass" ]; then
		xapian-check "$dir/index" >"$TRASH/xcheck" 2>&1 || {
			echo "xapian-check failed on $dir/index:"
			tail -5 "$TRASH/xcheck"
			return 1
		}
		"$INDEX_DUMP" "$dir/index" >/dev/null || {
			echo "the index breaks an invariant (above)"
			return 1
		}
	fi
	# Under final names, every record is whole JSON with an id and
	# every key one non-empty line; only store/tmp may hold leftovers.
	for f in $(find "$dir/store/records" -type f 2>/dev/null); do
		case $f in
		*.json) jq -e .id "$f" >/dev/null 2>&1 || {
			echo "partial record $f"
			return 1
		} ;;
		*) echo "stray file $f"; return 1 ;;
		esac
	done
	for f in $(find "$dir/store/keys" -type f 2>/dev/null); do
		test "$(wc -l <"$f")" = 1 && test -s "$f" || {
			echo "partial key $f"
			return 1
		}
	done
	# harvest writes its marker and per-URL state by a rename beside
	# the final name, and the next harvest removes what a kill left
	# (canon below shows any that outlive the rerun).
	stray=$(find "$dir" -name "*.tmp-*" -not -path "$dir/store/tmp/*" \
		-not -path "$dir/store/harvest/*")
	if [ -n "$stray" ]; then
		echo "temporary files outside store/tmp: $stray"
		return 1
	fi
	return 0
}
