#!/usr/bin/env bash
# `helpsite search` for staff (issue 12): wall time and peak memory of one search on the shared
# 10,000-page corpus, with a ledger of staff replies, measured three ways in the same run:
#   indexing   no kept index (the cache folder deleted before each run): the site is loaded and
#              indexed, as every search did before the kept index;
#   kept       the index kept by the previous search answers (what staff see between edits);
#   before     optional: another helpsite binary (BEFORE=path, e.g. main's build) on the same site.
# Medians of RUNS runs (default 7), the modes alternated run by run; ratios against `indexing`.
#
# usage: bench/search_cli.sh [PAGES]    (default 10000; BEFORE=/path/to/helpsite RUNS=7)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${RUNS:-7}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen_corpus.py
query=${QUERY:-sms sender}

cargo build --release --quiet --bin helpsite
bin=$PWD/target/release/helpsite

site=bench/corpus/search-$n
if [ ! -f "$site/site.yaml" ]; then
  rm -rf "$site" && mkdir -p "$site"
  python3 "$gen" "$site/content" --pages "$n" >/dev/null
  printf 'title: Bench %s\nbase_url: https://bench.example.com/\ndescription: corpus\nsupport_email: help@example.com\n' \
    "$n" >"$site/site.yaml"
fi
# A ledger of 2,000 staff replies linking the corpus's pages, so the reply counts are read too.
if [ ! -f "$site/.helpsite/ledger.sqlite" ]; then
  printf 'feedback:\n  staff_addresses: ["*@example.com"]\n' >>"$site/site.yaml"
  python3 - "$site" 2000 <<'PY'
import os, sys
site, n = sys.argv[1], int(sys.argv[2])
pages = []
for root, _, files in os.walk(os.path.join(site, "content")):
    for f in files:
        if f.endswith(".md") and f != "_index.md":
            rel = os.path.relpath(os.path.join(root, f), os.path.join(site, "content"))
            pages.append(rel[:-3] + "/")
pages.sort()
with open(os.path.join(site, "replies.mbox"), "w") as out:
    for i in range(n):
        page = pages[(i * 7919) % len(pages)]
        out.write(f"From MAILER-DAEMON Mon May 12 09:00:00 2025\nFrom: Sam <sam@example.com>\n"
                  f"To: c{i}@customer.test\nSubject: Re: question {i}\nDate: Mon, 12 May 2025 09:00:00 +0000\n"
                  f"Message-ID: <bench-{i}@example.com>\nContent-Type: text/plain; charset=utf-8\n\n"
                  f"Hello,\nplease see https://bench.example.com/{page}\nSam\n\n")
PY
  (cd "$site" && "$bin" feedback ingest-mail replies.mbox >/dev/null)
fi

# One timed search: "wall_microseconds max_rss_kib cpu_seconds" (time(1) counts wall time in
# 10 ms steps; CPU time, user + system, is what a loaded machine does not inflate).
timed() {
  local exe=$1 t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o /tmp/search_cli.time "$exe" search --root "$site" "$query" >/dev/null 2>&1
  t1=$(date +%s%N)
  awk -v w=$(((t1 - t0) / 1000)) '{ print w, $1, $2 + $3 }' /tmp/search_cli.time
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A secs mem cpu
modes=(indexing kept)
[ -n "${BEFORE:-}" ] && modes+=(before)
"$bin" search --root "$site" "$query" >/dev/null 2>&1 # warms the chunk cache and the page cache
for ((i = 0; i < runs; i++)); do
  for mode in "${modes[@]}"; do
    case $mode in
      indexing) rm -rf "$site/.helpsite/cache/staff-search"; r=$(timed "$bin") ;;
      kept) "$bin" search --root "$site" "$query" >/dev/null 2>&1; r=$(timed "$bin") ;;
      before) r=$(timed "$BEFORE") ;;
    esac
    read -r w m c <<<"$r"
    secs[$mode]+="$w "
    mem[$mode]+="$m "
    cpu[$mode]+="$c "
  done
done

echo "== helpsite search \"$query\", $n pages, medians of $runs runs ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
base=$(tr ' ' '\n' <<<"${secs[indexing]}" | grep . | median)
for mode in "${modes[@]}"; do
  s=$(tr ' ' '\n' <<<"${secs[$mode]}" | grep . | median)
  m=$(tr ' ' '\n' <<<"${mem[$mode]}" | grep . | median)
  c=$(tr ' ' '\n' <<<"${cpu[$mode]}" | grep . | median)
  awk -v mode="$mode" -v s="$s" -v m="$m" -v c="$c" -v b="$base" \
    'BEGIN { printf "  %-9s %8.1f ms wall  %7.0f ms CPU  %6.1f MiB peak  (%.3fx indexing, wall)\n", mode, s / 1000, c * 1000, m / 1024, s / b }'
done
