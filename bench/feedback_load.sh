#!/usr/bin/env bash
# Load test for `helpsite feedback serve`: valid POSTs at about RATE requests/s for DURATION
# seconds (wrk with a fixed connection count, paced by a per-request delay: wrk2 is not in
# Debian), then stop the server gracefully and check that every 201 is a row in the ledger.
#
#   bench/feedback_load.sh                # 1000 req/s for 30 s
#   RATE=2000 DURATION=10 bench/feedback_load.sh
#
# Needs `wrk` (apt-get install -y wrk). Prints figures; exits 1 if a row is missing or a
# request failed.
set -euo pipefail

RATE=${RATE:-1000}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
PORT=${PORT:-18787}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/helpsite}

command -v wrk >/dev/null || { echo "error: wrk is not installed" >&2; echo "  hint: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --bin helpsite)

SITE=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$SITE"' EXIT
cp "$ROOT/tests/fixtures/ledger-site/site.yaml" "$SITE/"
mkdir -p "$SITE/public/_helpsite"
cp "$ROOT/tests/fixtures/ledger-site/pages.json" "$SITE/public/_helpsite/pages.json"

"$BIN" feedback --root "$SITE" serve --port "$PORT" --trust-forwarded-for 2>"$SITE/server.log" &
SERVER=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# Each connection waits CONNECTIONS/RATE s between requests, so together they offer ~RATE/s
# (less in practice: response time and timer slack add to each gap; the achieved rate is
# printed, raise RATE to reach a given one).
DELAY_MS=$(( CONNECTIONS * 1000 / RATE ))
OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/bench/feedback_load.lua" \
  "http://127.0.0.1:$PORT" -- "$DELAY_MS")
LINE=$(grep '^WRK ' <<<"$OUT")
eval "${LINE#WRK }"

kill -INT "$SERVER"
wait "$SERVER" || true
ROWS=$("$BIN" feedback --root "$SITE" export 2>/dev/null | grep -c '"type":"feedback"' || true)

RATE_DONE=$(awk -v r="$requests" -v d="$duration_s" 'BEGIN { printf "%.0f", r / d }')
echo "target rate:        $RATE req/s ($CONNECTIONS connections, ${DELAY_MS} ms pause each)"
echo "duration:           ${duration_s} s"
echo "requests:           $requests (achieved $RATE_DONE req/s)"
echo "201 created:        $created"
echo "other status:       $other_status"
echo "socket errors:      $socket_errors"
echo "latency p50 / p99:  ${p50_ms} ms / ${p99_ms} ms"
echo "rows in ledger:     $ROWS"
# wrk stops with up to one request per connection in flight: the server may still store those
# rows although wrk never counts their 201. Lost means a 201 without a row.
LOST=$(( created > ROWS ? created - ROWS : 0 ))
echo "lost rows:          $LOST"
echo "rows beyond 201s:   $(( ROWS > created ? ROWS - created : 0 )) (requests in flight when wrk stopped; at most $CONNECTIONS)"
tail -n 1 "$SITE/server.log"
[ "$LOST" -eq 0 ] && [ $(( ROWS - created )) -le "$CONNECTIONS" ] && [ "$other_status" -eq 0 ] && [ "$socket_errors" -eq 0 ]
