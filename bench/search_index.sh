#!/usr/bin/env bash
# Search index figures on the shared benchmark corpora (issue 3): index build time (from
# `helpsite build --verbose`), index size on disk and gzipped, and what a first query reads from
# the pack beyond the hot file (crates/search/examples/first_query.rs).
# Browser-side figures (WebAssembly bytes, Chromium timings, Pagefind) live in the browser bench.
#
# usage: bench/search_index.sh [PAGES...]    (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
pages=("${@:-1000}")
[ $# -eq 0 ] && pages=(1000 10000)
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen_corpus.py

cargo build --release --quiet --bin helpsite
cargo build --release --quiet -p helpsite-search --example first_query
bin=target/release/helpsite
probe=target/release/examples/first_query

gz() { gzip -9 -c "$1" | wc -c; }

for n in "${pages[@]}"; do
  site=bench/corpus/search-$n
  if [ ! -f "$site/site.yaml" ]; then
    rm -rf "$site" && mkdir -p "$site"
    python3 "$gen" "$site/content" --pages "$n" >/dev/null
    printf 'title: Bench %s\nbase_url: https://bench.example.com/\ndescription: corpus\nsupport_email: help@example.com\n' \
      "$n" >"$site/site.yaml"
  fi
  out=bench/out/search-$n
  log=$("$bin" build --verbose --root "$site" --out "$out" 2>&1) || { echo "$log"; exit 1; }
  dir=$out/search
  manifest=$dir/manifest.json
  hot=$(ls "$dir"/index-*.hot)
  pack=$(ls "$dir"/index-*.pack)
  echo "== $n pages"
  echo "$log" | grep -E "search index|^  (load|render|search index) "
  printf '  on disk:  manifest %8d B  hot %9d B  pack %10d B\n' \
    "$(wc -c <"$manifest")" "$(wc -c <"$hot")" "$(wc -c <"$pack")"
  printf '  gzip -9:  manifest %8d B  hot %9d B  pack %10d B\n' \
    "$(gz "$manifest")" "$(gz "$hot")" "$(gz "$pack")"
  "$probe" "$dir" | sed 's/^/  /'
done
