# harvest-lib.sh - for the harvest tests: the loopback server, snapshots
#
# start_server DIR: copy DIR to $TRASH/served (so tests may change what
# is served) and serve it from tests/http-server on 127.0.0.1; sets BASE
# (http://127.0.0.1:PORT) and SERVED.  The server stops when the script
# ends (its stdin is a pipe held by this shell) or at stop_server.

start_server() {
	SERVED="$TRASH/served"
	rm -rf "$SERVED" && mkdir -p "$SERVED" &&
		cp -R "$1"/. "$SERVED"/ || exit 1
	mkfifo "$TRASH/server-in" || exit 1
	"$top_builddir/tests/http-server" "$SERVED" --max-seconds 300 \
		<"$TRASH/server-in" >"$TRASH/server-port" &
	SERVER_PID=$!
	exec 9>"$TRASH/server-in"
	i=0
	while [ ! -s "$TRASH/server-port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$TRASH/server-port")
	[ -n "$PORT" ] || skip_all "tests/http-server did not start"
	BASE="http://127.0.0.1:$PORT"
	export BASE SERVED
}

# requests PATTERN: the requests the server logged (E-utilities and
# /api/) whose line matches PATTERN.
requests() {
	grep -- "$1" "$SERVED/requests.log"
}

# Retries come quickly in tests.
EVIDENCE_RETRY_BASE_MS=20
export EVIDENCE_RETRY_BASE_MS

stop_server() {
	exec 9>&-
	wait "$SERVER_PID" 2>/dev/null
}

# server_count PATH: how many requests the server saw for a counted path.
server_count() {
	curl -s --noproxy '*' "$BASE/count$1" | tr -d '\n'
}

# Everything under the store's records and keys and the index, with
# modification times and content hashes, to tell whether a run wrote.
snapshot() {
	find "$EVIDENCE_DIR/store/records" "$EVIDENCE_DIR/store/keys" \
		"$EVIDENCE_DIR/index" -type f -printf '%p %T@\n' | sort
	find "$EVIDENCE_DIR/store/records" "$EVIDENCE_DIR/store/keys" \
		"$EVIDENCE_DIR/index" -type f -exec sha256sum {} + | sort
}

# evidence format NAME: 0 when this build has a parser named NAME.
have_format() {
	evidence add --format "$1" /dev/null >/dev/null 2>&1
	[ $? != 2 ]
}
