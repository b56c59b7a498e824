#!/usr/bin/env bash
# Benchmark `helpsite serve` on the 1,000- and 10,000-page corpora: time from saving a one-page
# edit to the reload event (median and p95 of 20 edits), to /api/search finding it, a second
# save landing during the first one's search index update (to its reload: it must not wait for
# the index), a title edit (every page re-rendered) and a full rebuild (site.yaml touched).
# Target: one-page edit under 50 ms median at 10k, with or without an index update running.
#
# usage: bench/serve.sh [PAGES...]        (default: 1000 10000)
# Corpora are generated once into bench/corpus/ (gitignored) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)

cargo build --release --quiet --bin helpsite
bin=target/release/helpsite

for n in "${sizes[@]}"; do
  site=bench/corpus/serve-$n
  if [ ! -f "$site/site.yaml" ]; then
    rm -rf "$site"
    python3 ../shared/bench/gen_corpus.py "$site/content" --pages "$n" >/dev/null
    printf 'title: Bench\nbase_url: https://bench.example/\nsupport_email: help@bench.example\n' >"$site/site.yaml"
  fi
  echo "helpsite serve, $n pages ($(nproc) cores):"
  python3 bench/serve_edit.py --bin "$bin" --root "$site" --edits 20 --full 5
done
