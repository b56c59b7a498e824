#!/usr/bin/env bash
# Ingest rate of `helpsite feedback ingest-mail` on a generated mbox (default 100,000 messages;
# target over 20,000 messages/s), then the rate of re-ingesting it (all already known).
#
#   bench/ingest_rate.sh            # N=100000
set -euo pipefail

N=${N:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/helpsite}
CORPUS=$ROOT/bench/corpus
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --bin helpsite)

mkdir -p "$CORPUS"
MBOX=$CORPUS/bench-$N.mbox
[ -f "$MBOX" ] || python3 "$ROOT/bench/gen_mbox.py" "$N" "$MBOX"

SITE=$(mktemp -d)
trap 'rm -rf "$SITE"' EXIT
cp "$ROOT/tests/fixtures/ledger-site/site.yaml" "$SITE/"
mkdir -p "$SITE/public/_helpsite"
cp "$ROOT/tests/fixtures/ledger-site/pages.json" "$SITE/public/_helpsite/pages.json"

run() {
  local start end
  start=$(date +%s.%N)
  "$BIN" feedback --root "$SITE" ingest-mail "$MBOX" 2>"$SITE/summary.txt"
  end=$(date +%s.%N)
  awk -v n="$N" -v s="$start" -v e="$end" -v what="$1" \
    'BEGIN { printf "%-10s %d messages in %.2f s = %.0f messages/s\n", what, n, e - s, n / (e - s) }'
}

echo "mbox: $MBOX ($(du -h "$MBOX" | cut -f1)), $(nproc) cores"
run "ingest:"
cat "$SITE/summary.txt"
run "re-ingest:"
grep -E "^(new|already)" "$SITE/summary.txt"
echo "ledger: $(du -h "$SITE/.helpsite/ledger.sqlite" | cut -f1)"
