#!/usr/bin/env python3
"""Peak memory of `helpsite feedback ingest-mail` on large messages (issue 13), beside a peer
binary in the same run, measured with `/usr/bin/time -v` (maximum resident set size).

Inputs, generated once under bench/corpus/:
  att10   COUNT10 (default 50) staff replies, each with a 10 MB base64 attachment (one mbox)
  att100  COUNT100 (default 5) staff replies, each with a 100 MB attachment (one mbox)
  bomb    a gzip bomb: one .eml.gz whose text part decompresses to BOMB_MB (default 1024) MB
          with no line break, from about 1 MB on disk

    python3 bench/ingest_memory.py
    PEER=/path/to/old/helpsite python3 bench/ingest_memory.py

Prints peak RSS, time and what was found per input; nothing is asserted.
"""
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target/release/helpsite"))
PEER = os.environ.get("PEER")
COUNT10 = int(os.environ.get("COUNT10", "50"))
COUNT100 = int(os.environ.get("COUNT100", "5"))
BOMB_MB = int(os.environ.get("BOMB_MB", "1024"))
CORPUS = os.path.join(ROOT, "bench/corpus")
LINE = b"QUJD" * 19 + b"\n"


def reply(f, i, size):
    f.write(b"From MAILER-DAEMON Mon May 12 09:00:00 2025\n")
    f.write((f"From: Sam <sam@divergent.cloud>\nTo: c{i}@example.com\nSubject: Re: logs {i}\n"
             f"Date: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <att-{size}-{i}@divergent.cloud>\n"
             "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
             "Content-Type: text/plain; charset=utf-8\n\n"
             "See https://support.divergent.cloud/faq/#can-i-pay-by-invoice\n--b1\n"
             "Content-Type: application/zip; name=logs.zip\n"
             "Content-Disposition: attachment; filename=logs.zip\n"
             "Content-Transfer-Encoding: base64\n\n").encode())
    block = LINE * (1 << 14)
    left = size
    while left > 0:
        chunk = block[:left]
        f.write(chunk)
        left -= len(chunk)
    f.write(b"\n--b1--\n\n")


def make_inputs():
    os.makedirs(CORPUS, exist_ok=True)
    paths = {}
    for name, count, size in (("att10", COUNT10, 10_000_000), ("att100", COUNT100, 100_000_000)):
        p = os.path.join(CORPUS, f"{name}-{count}.mbox")
        if not os.path.exists(p):
            with open(p + ".tmp", "wb") as f:
                for i in range(count):
                    reply(f, i, size)
            os.rename(p + ".tmp", p)
        paths[name] = p
    p = os.path.join(CORPUS, f"bomb-{BOMB_MB}.eml.gz")
    if not os.path.exists(p):
        with gzip.open(p + ".tmp", "wb", compresslevel=9) as f:
            f.write(b"From: Sam <sam@divergent.cloud>\nSubject: Re: x\n"
                    b"Date: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <bomb@divergent.cloud>\n\n"
                    b"See https://support.divergent.cloud/faq/ and ")
            mb = b"A" * (1 << 20)
            for _ in range(BOMB_MB):
                f.write(mb)
        os.rename(p + ".tmp", p)
    paths["bomb"] = p
    return paths


def run(binary, path):
    root = tempfile.mkdtemp(prefix="hs-mem-")
    shutil.copy(os.path.join(ROOT, "tests/fixtures/ledger-site/site.yaml"), root)
    out = subprocess.run(["/usr/bin/time", "-v", binary, "feedback", "--root", root, "ingest-mail", path],
                         capture_output=True, text=True)
    shutil.rmtree(root, ignore_errors=True)
    err = out.stderr
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
    staff = re.search(r"from staff:\s+(\d+)", err)
    links = re.search(r"new:\s+\d+ messages, (\d+) links", err)
    return rss, wall, staff.group(1) if staff else "?", links.group(1) if links else "?", out.returncode


def main():
    paths = make_inputs()
    bins = [("helpsite", BIN)] + ([("peer", PEER)] if PEER else [])
    print(f"{os.cpu_count()} cores")
    peaks = {}
    for name, path in paths.items():
        size = os.path.getsize(path) / (1 << 20)
        for who, b in bins:
            rss, wall, staff, links, rc = run(b, path)
            peaks[(name, who)] = rss
            print(f"{name:7} ({size:7.1f} MiB on disk) {who:8} peak RSS {rss:8.1f} MiB  "
                  f"wall {wall:>8}  staff replies {staff}  links {links}  exit {rc}")
        if PEER:
            print(f"{'':7} ratio helpsite/peer peak RSS: {peaks[(name, 'helpsite')] / peaks[(name, 'peer')]:.3f}")


if __name__ == "__main__":
    main()
