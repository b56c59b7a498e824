#!/usr/bin/env python3
"""Build benchmark: helpsite beside Hugo on the shared synthetic support corpus.

usage: python3 bench/build.py [--pages 1000 10000] [--runs 5] [--no-hugo] [--bin PATH]

For each size it generates the corpus with ../shared/bench/gen_corpus.py (plain flavour for
helpsite, hugo flavour for Hugo; same pages), then times with the release binary:

  cold      no previous output (the output folders and helpsite's `.helpsite/cache/` are
            deleted before each run, untimed)
  rebuild   previous output present, content unchanged
  one page  previous output present, one page's text changed

and prints the median wall time, peak RSS (from wait4, the same figure `/usr/bin/time -v` gives
as "Maximum resident set size"), pages per second, and helpsite's speed relative to Hugo.
Always compare within one run: absolute times on shared machines drift by tens of percent.
`--bin` times that helpsite binary instead of building this checkout's: run it for two binaries
in turn (an older build against a newer) to compare them in the same period.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
if not os.path.exists(GEN):
    GEN = "/work/shared/bench/gen_corpus.py"
CORPUS = os.path.join(HERE, "corpus")
OUT = os.path.join(HERE, "out")
SITE_YAML = "title: Bench\nbase_url: https://help.example.com/\nsupport_email: help@example.com\n"


def timed(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MiB). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: `{' '.join(cmd)}` failed:\n{err}")
    return wall, usage.ru_maxrss / 1024


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def generate(pages):
    plain, hugo = os.path.join(CORPUS, f"plain-{pages}"), os.path.join(CORPUS, f"hugo-{pages}")
    if not os.path.exists(os.path.join(plain, "site.yaml")):
        rmtree(plain)
        subprocess.run([sys.executable, GEN, os.path.join(plain, "content"), "--pages", str(pages)], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(plain, "site.yaml"), "w") as f:
            f.write(SITE_YAML)
    if not os.path.exists(os.path.join(hugo, "hugo.yaml")):
        rmtree(hugo)
        subprocess.run([sys.executable, GEN, hugo, "--pages", str(pages), "--flavor", "hugo"], check=True, stdout=subprocess.DEVNULL)
    return plain, hugo


def some_page(content):
    for root, _, files in sorted(os.walk(content)):
        for name in sorted(files):
            if name.endswith(".md") and name != "_index.md":
                return os.path.join(root, name)
    raise SystemExit("no page in corpus")


def touch_page(path, n):
    with open(path, "a") as f:
        f.write(f"\nEdited for benchmark run {n}.\n")


def scenarios(name, cmd, out_dirs, page, runs):
    """{scenario: [(wall, rss)]} for one tool."""
    results = {"cold": [], "rebuild": [], "one page": []}
    for _ in range(runs):
        for d in out_dirs:
            rmtree(d)
        subprocess.run(["sync"])
        results["cold"].append(timed(cmd))
    timed(cmd)  # both buffers of helpsite's double-buffered output exist from here on
    for _ in range(runs):
        results["rebuild"].append(timed(cmd))
    for n in range(runs):
        touch_page(page, n)
        results["one page"].append(timed(cmd))
    return results


def median(samples, k):
    return statistics.median(s[k] for s in samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--bin", help="the helpsite binary to time (default: build this checkout's)")
    a = ap.parse_args()
    if a.bin:
        binary = os.path.abspath(a.bin)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "helpsite"], cwd=REPO, check=True)
        binary = os.path.join(REPO, "target", "release", "helpsite")
    hugo_bin = None if a.no_hugo else shutil.which("hugo")
    if not a.no_hugo and not hugo_bin:
        sys.exit("error: `hugo` not found\n  hint: apt-get install -y hugo, or pass --no-hugo")
    print(f"{'pages':>6} {'scenario':<9} | {'helpsite s':>10} {'MiB':>6} {'pages/s':>8} | {'hugo s':>7} {'MiB':>6} | {'hugo/helpsite':>13}")
    for pages in a.pages:
        plain, hugo = generate(pages)
        out = os.path.join(OUT, f"helpsite-{pages}", "public")
        hs = scenarios("helpsite", [binary, "build", "--root", plain, "--out", out],
                       [out, os.path.join(os.path.dirname(out), ".public.prev"), os.path.join(plain, ".helpsite", "cache")], some_page(os.path.join(plain, "content")), a.runs)
        hg = None
        if hugo_bin:
            hout = os.path.join(OUT, f"hugo-{pages}")
            hg = scenarios("hugo", [hugo_bin, "--quiet", "--source", hugo, "--destination", hout], [hout],
                           some_page(os.path.join(hugo, "content")), a.runs)
        for sc in hs:
            wall, rss = median(hs[sc], 0), median(hs[sc], 1)
            line = f"{pages:>6} {sc:<9} | {wall:>10.3f} {rss:>6.0f} {pages / wall:>8.0f} |"
            if hg:
                hwall, hrss = median(hg[sc], 0), median(hg[sc], 1)
                line += f" {hwall:>7.3f} {hrss:>6.0f} | {hwall / wall:>12.2f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
