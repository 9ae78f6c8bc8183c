# fetch.sh - the fetcher benchmark, sourced by bench/run.sh (part "fetch")
#
# N_FETCH pages from bench-server on 127.0.0.1, which answers each request
# 50 ms late, through corpus/fetch.h (bench-fetch) with the limits below,
# beside a sequential loop of the curl tool over the first N_CURL of the
# same URLs (extrapolated to N_FETCH, and said so).

FETCH_TOTAL=${BENCH_FETCH_TOTAL:-32}
FETCH_PER_HOST=${BENCH_FETCH_PER_HOST:-16}
FETCH_RATE=${BENCH_FETCH_RATE:-0}

header "Fetching pages from a loopback server that adds 50 ms per response" \
	"$N_FETCH pages"
need curl "install curl"
pages=$W/fetch-pages
if ! test -d "$pages/000"; then
	"$BIN/gencorpus" html "$N_FETCH" "$SEED" "$pages" ||
		die "gencorpus failed"
fi
mkfifo "$W/server.in" 2>/dev/null || :
# A port file left by the last run would pass the wait below before the
# new server truncates it, and the port read from it would be empty.
rm -f "$W/server.port" "$W/server.stats"
"$BIN/bench-server" "$pages" 50 "$W/server.stats" <"$W/server.in" \
	>"$W/server.port" &
server=$!
exec 9>"$W/server.in"
i=0
while ! test -s "$W/server.port" && test $i -lt 50; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$W/server.port")
test -n "$port" || die "bench-server did not start"
(cd "$pages" && find . -name '*.html' | sort | head -n "$N_FETCH") |
	sed "s|^\\./|http://127.0.0.1:$port/|" >"$W/urls"
n=$(wc -l <"$W/urls")
head -n "$N_CURL" "$W/urls" >"$W/urls.curl"
echo "| run | pages | seconds | pages/s | peak MB |"
echo "|---|---|---|---|---|"
measure curl-loop sh -c 'while IFS= read -r u; do
	curl -s -f -o /dev/null "$u" || exit 1; done <"$1"' sh "$W/urls.curl"
c_secs=$SECS
printf '| %s | %s (of %s, x%s) | %.2f (%s for %s) | %s | %s |\n' \
	"sequential curl -s -o /dev/null URL" "$N_CURL" "$n" \
	"$(ratio "$n" "$N_CURL")" \
	"$(awk -v s="$SECS" -v a="$n" -v b="$N_CURL" 'BEGIN { print s * a / b }')" \
	"$SECS" "$N_CURL" "$(rate "$N_CURL" "$SECS")" "$(mb "$KB")"
measure fetch "$BIN/bench-fetch" "$W/urls" "$FETCH_TOTAL" \
	"$FETCH_PER_HOST" "$FETCH_RATE"
f_secs=$SECS
row "corpus/fetch.h: bench-fetch URLS $FETCH_TOTAL $FETCH_PER_HOST $FETCH_RATE" "$n"
exec 9>&-
wait $server
echo
echo "limits: $FETCH_TOTAL transfers in all, $FETCH_PER_HOST per host," \
	"rate $FETCH_RATE starts/s per host (0: none); server saw:" \
	"$(cat "$W/server.stats")"
echo "speed vs the curl loop (extrapolated):" \
	"$(awk -v f="$f_secs" -v c="$c_secs" -v a="$n" -v b="$N_CURL" \
	'BEGIN { printf "%.1f", (c * a / b) / f }')x; $(cat "$W/fetch.out")"
