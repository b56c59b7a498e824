#!/usr/bin/env python3
"""`helpsite feedback serve` under hostile load (issue 13), beside a peer binary in the same run.

Two phases per binary, each printing figures (nothing is asserted):

1. idle: HOLD connections (default 3,000) are opened from 120 loopback addresses (127.0.1.x, 25
   each, under the per-address cap) and send nothing; whenever the server closes one it is
   opened again, as a slowloris client does (in a process of their own). Meanwhile a reader
   posts RATE answers per second from 127.0.0.1 for SECONDS. Prints posts answered 201, latency p50/p99, how many connections
   were held, and the server's RSS during and after.
2. ingest: while `feedback ingest-mail` runs on a generated mbox (MESSAGES, default 100,000;
   one write transaction for its whole run), the reader posts at RATE per second until the
   ingest ends. Prints the statuses and latency p50/p99 of those posts.

    python3 bench/feedback_hold.py                        # target/release/helpsite
    PEER=/path/to/old/helpsite python3 bench/feedback_hold.py

Needs only Python 3 (asyncio). The server runs with a high --rate so the per-client token bucket
does not count: the reader is one address.
"""
import asyncio
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target/release/helpsite"))
PEER = os.environ.get("PEER")
HOLD = int(os.environ.get("HOLD", "3000"))
RATE = float(os.environ.get("RATE", "20"))
SECONDS = float(os.environ.get("SECONDS", "20"))
MESSAGES = int(os.environ.get("MESSAGES", "100000"))
ORIGIN = "https://support.divergent.cloud"
BODY = b'{"page":"/faq/","answer":"yes"}'


def site():
    d = tempfile.mkdtemp(prefix="hs-hold-")
    shutil.copy(os.path.join(ROOT, "tests/fixtures/ledger-site/site.yaml"), d)
    os.makedirs(os.path.join(d, "public/_helpsite"))
    shutil.copy(os.path.join(ROOT, "tests/fixtures/ledger-site/pages.json"),
                os.path.join(d, "public/_helpsite/pages.json"))
    return d


def start(binary, root):
    p = subprocess.Popen([binary, "feedback", "--root", root, "serve", "--port", "0",
                          "--rate", "100000", "--burst", "100000"],
                         stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
    return p, port


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def post(port, timeout=10.0):
    start = time.perf_counter()
    try:
        r, w = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.1", 0)), timeout)
        w.write(b"POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Origin: " + ORIGIN.encode() + b"\r\nConnection: close\r\nContent-Length: "
                + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
        line = await asyncio.wait_for(r.readline(), timeout - (time.perf_counter() - start))
        w.close()
        status = line.split()[1].decode() if line else "closed"
    except (asyncio.TimeoutError, OSError) as e:
        status = "timeout" if isinstance(e, asyncio.TimeoutError) else type(e).__name__
    return status, (time.perf_counter() - start) * 1000


async def reader(port, seconds, until=None):
    """Posts at RATE per second for `seconds` or until `until` is set; returns [(status, ms)]."""
    tasks = []
    t0 = time.perf_counter()
    i = 0
    while time.perf_counter() - t0 < seconds and not (until and until.is_set()):
        tasks.append(asyncio.create_task(post(port)))
        i += 1
        await asyncio.sleep(max(0.0, t0 + i / RATE - time.perf_counter()))
    return await asyncio.gather(*tasks)


async def holder(port, addr, stop, held):
    """Keeps one idle connection open from `addr`, reopening it whenever it is closed."""
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port, local_addr=(addr, 0))
        except OSError:
            await asyncio.sleep(0.2)
            continue
        held[0] += 1
        try:
            await r.read(1)  # returns when the server closes it
        except OSError:
            pass
        held[0] -= 1
        w.close()
        await asyncio.sleep(0.05)


def summary(results):
    lat = sorted(ms for s, ms in results)
    counts = {}
    for s, _ in results:
        counts[s] = counts.get(s, 0) + 1
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    return counts, p50, p99


def hold_process(port, count, held, stop):
    """Runs the holders in their own process, so their reconnects never delay the reader."""
    async def run():
        box = [0]
        flag = asyncio.Event()
        tasks = [asyncio.create_task(holder(port, f"127.0.1.{1 + i // 25}", flag, box))
                 for i in range(count)]
        while not stop.is_set():
            held.value = box[0]
            await asyncio.sleep(0.2)
        flag.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1:] * 2)
    asyncio.run(run())


async def idle_phase(binary):
    root = site()
    proc, port = start(binary, root)
    held = multiprocessing.Value("i", 0)
    stop = multiprocessing.Event()
    holders = multiprocessing.Process(target=hold_process, args=(port, HOLD, held, stop))
    holders.start()
    await asyncio.sleep(4)
    at_start = held.value
    samples = []
    done = asyncio.Event()

    async def watch():
        while not done.is_set():
            samples.append(held.value)
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    results = await reader(port, SECONDS)
    rss_during = rss_mib(proc.pid)
    done.set()
    await watcher
    stop.set()
    holders.join()
    await asyncio.sleep(2)
    rss_after = rss_mib(proc.pid)
    proc.terminate()
    proc.wait()
    shutil.rmtree(root, ignore_errors=True)
    counts, p50, p99 = summary(results)
    return {"posts": len(results), "created": counts.get("201", 0), "statuses": counts,
            "p50": p50, "p99": p99, "held_start": at_start,
            "held_median": statistics.median(samples) if samples else 0,
            "rss_during": rss_during, "rss_after": rss_after}


async def ingest_phase(binary, mbox):
    root = site()
    proc, port = start(binary, root)
    await asyncio.sleep(0.5)
    ingest = await asyncio.create_subprocess_exec(
        binary, "feedback", "--root", root, "ingest-mail", mbox,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    t0 = time.perf_counter()
    await asyncio.sleep(0.5)  # past opening the ledger, into the one write transaction
    done = asyncio.Event()
    posting = asyncio.create_task(reader(port, 600, done))
    await ingest.wait()
    done.set()
    ingest_s = time.perf_counter() - t0
    results = await posting
    proc.terminate()
    proc.wait()
    shutil.rmtree(root, ignore_errors=True)
    counts, p50, p99 = summary(results)
    return {"posts": len(results), "statuses": counts, "p50": p50, "p99": p99,
            "ingest_s": ingest_s}


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    corpus = os.path.join(ROOT, "bench/corpus")
    os.makedirs(corpus, exist_ok=True)
    mbox = os.path.join(corpus, f"bench-{MESSAGES}.mbox")
    if not os.path.exists(mbox):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen_mbox.py"), str(MESSAGES), mbox],
                       check=True)
    bins = [("helpsite", BIN)] + ([("peer", PEER)] if PEER else [])
    print(f"{os.cpu_count()} cores; {HOLD} held connections; reader {RATE:g} posts/s for {SECONDS:g} s")
    idle, ingest = {}, {}
    for name, b in bins:
        idle[name] = asyncio.run(idle_phase(b))
        r = idle[name]
        print(f"[idle]   {name:8} answered 201: {r['created']}/{r['posts']}  statuses {r['statuses']}  "
              f"p50 {r['p50']:.1f} ms  p99 {r['p99']:.1f} ms  held {r['held_start']} at start, "
              f"median {r['held_median']:.0f}  RSS {r['rss_during']:.0f} MiB during, "
              f"{r['rss_after']:.0f} MiB after")
    for name, b in bins:
        ingest[name] = asyncio.run(ingest_phase(b, mbox))
        r = ingest[name]
        print(f"[ingest] {name:8} {MESSAGES} messages in {r['ingest_s']:.1f} s; posts meanwhile: "
              f"{r['statuses']}  p50 {r['p50']:.1f} ms  p99 {r['p99']:.1f} ms")
    if PEER:
        print(f"ratio p99 helpsite/peer: idle {idle['helpsite']['p99'] / idle['peer']['p99']:.2f}, "
              f"ingest {ingest['helpsite']['p99'] / ingest['peer']['p99']:.3f}")


if __name__ == "__main__":
    main()
