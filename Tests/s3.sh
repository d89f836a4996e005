#!/usr/bin/env bash
# An S3 test server for the test suite: moto's `moto_server`, from the test virtual environment (.venv).
#
#   Tests/s3.sh run CMD...   start moto_server on a free 127.0.0.1 port, export UPLIFT_TEST_S3_ENDPOINT
#                            (http://127.0.0.1:PORT) and test credentials (AWS_ACCESS_KEY_ID, …), run CMD,
#                            then stop the server, even on failure.
#
# moto keeps its buckets in memory: every test creates its own bucket (a random name) and nothing is left
# behind when the server stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
server="${UPLIFT_MOTO_SERVER:-$root/.venv/bin/moto_server}"
pid="" log=""

stop() {
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

run() {
    [ -x "$server" ] || { echo "moto_server not found at $server; run: make venv" >&2; exit 1; }
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    log=$(mktemp /tmp/uplift-moto.XXXXXX)
    trap 'stop; [ -z "$log" ] || rm -f "$log"' EXIT
    trap 'exit 130' INT TERM
    "$server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    pid=$!
    # Ready when it answers (bounded: 60 s).
    python3 - "$port" <<'PY' || { cat "$log" >&2; exit 1; }
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2).read()
        break
    except Exception:
        if time.monotonic() > deadline:
            sys.exit("moto_server did not answer within 60 s")
        time.sleep(0.1)
PY
    echo "s3: moto_server on 127.0.0.1:$port" >&2
    export UPLIFT_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
    export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-uplift-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-uplift-test-secret}"
    "$@"
}

case "${1:-}" in
    run) shift; [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }; run "$@" ;;
    *) echo "usage: $0 run CMD..." >&2; exit 2 ;;
esac
