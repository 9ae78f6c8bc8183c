#!/bin/sh
# harvest-pages.sh - harvest N pages from a loopback server that adds
# LATENCY ms to every response; compare with a sequential loop of the
# curl command-line tool over the same URLs, in the same run.
#
#   sh bench/harvest-pages.sh [N [LATENCY [CONNECTIONS]]]
#
# Run it from a build without --enable-sanitizers.  Prints pages/s and
# peak memory (maximum resident set, from /usr/bin/time) for both.  The
# harvest fetches, parses and stores every page (--no-index: indexing is
# measured elsewhere) within the source's per-host limits: CONNECTIONS
# at once (default 16) and a rate of 1000 starts a second.
set -u
N=${1:-10000}
LATENCY=${2:-50}
CONNS=${3:-16}
top_builddir=${top_builddir:-$(pwd)}
EVIDENCE=${EVIDENCE:-$top_builddir/evidence}
SERVER=$top_builddir/tests/http-server
[ -x "$EVIDENCE" ] && [ -x "$SERVER" ] ||
	{ echo "build evidence and tests/http-server first" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }

work=$(mktemp -d)
trap 'exec 9>&-; rm -rf "$work"' EXIT
mkdir "$work/served"
mkfifo "$work/in"
"$SERVER" "$work/served" --max-seconds 3600 <"$work/in" >"$work/port" &
exec 9>"$work/in"
while [ ! -s "$work/port" ]; do sleep 0.05; done
base="http://127.0.0.1:$(cat "$work/port")/latency/$LATENCY/gen"

i=1
{
	printf '[bench]\ntype = page\nrate = 1000\nconnections = %s\n' "$CONNS"
	while [ $i -le "$N" ]; do
		echo "url = $base/$i"
		i=$((i + 1))
	done
} >"$work/bench.conf"
sed -n 's/^url = //p' "$work/bench.conf" >"$work/urls"

"$EVIDENCE" --dir "$work/c" init >/dev/null
/usr/bin/time -f "%e %M" -o "$work/h.time" \
	"$EVIDENCE" --dir "$work/c" harvest --no-index -q \
	--sources "$work/bench.conf"
code=$?
/usr/bin/time -f "%e %M" -o "$work/c.time" sh -c '
	while read -r u; do curl -s -o /dev/null "$u" || exit 1; done' \
	<"$work/urls"

read -r hs hm <"$work/h.time"
read -r cs cm <"$work/c.time"
stored=$(find "$work/c/store/records" -name '*.json' | wc -l)
awk -v n="$N" -v hs="$hs" -v hm="$hm" -v cs="$cs" -v cm="$cm" \
	-v st="$stored" -v code="$code" -v lat="$LATENCY" -v c="$CONNS" 'BEGIN {
	printf "pages %d, latency %d ms, %d connections\n", n, lat, c
	printf "evidence harvest: %.1f s, %.0f pages/s, peak RSS %d KiB, " \
		"%d works stored, exit %d\n", hs, n / hs, hm, st, code
	printf "sequential curl:  %.1f s, %.0f pages/s, peak RSS %d KiB\n",
		cs, n / cs, cm
	printf "speed-up: %.1fx\n", cs / hs
}'
