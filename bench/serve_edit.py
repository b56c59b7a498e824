#!/usr/bin/env python3
"""Time `helpsite serve`: from saving an edit to the reload event arriving on the event stream.

usage: serve_edit.py --bin target/release/helpsite --root SITE [--edits 20] [--full 5] [--during 12]

Starts `helpsite serve --port 0` on SITE, listens on /_helpsite/events like an open page, and:
  1. saves a body-only edit to one page EDITS times (a different page each time) and times
     save → `reload` event naming that page;
  2. saves a new word into one page FULL times and times save → /api/search finding the page
     (the index update is deferred until no save is waiting);
  3. saves a page, then another page DURING times 300-600 ms later, while the first edit's
     deferred search index update runs, and times the second save -> its `reload` event and
     -> /api/search finding the second page's new word (the index converges to both edits);
  4. changes one page's title (every page shows the navigation, so all are re-rendered) FULL times;
  5. changes site.yaml's description FULL times (a full rebuild: the model is reloaded and every
     page rendered, and every page changes).
The clock starts after the file is closed and stops when the event is read by this client, so
the figures include the debounce window, the rebuild, the snapshot swap and the SSE delivery.
Standard library only.
"""
import argparse
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def url_of(rel):
    """content/a/b.md -> /a/b/ ; content/a/_index.md -> /a/"""
    stem = rel[len("content/"):-len(".md")]
    if stem == "_index":
        return "/"
    if stem.endswith("/_index"):
        return "/" + stem[: -len("_index")]
    return "/" + stem + "/"


class Events(threading.Thread):
    """Reads the event stream, timestamping each event as it arrives."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.queue = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.conn.request("GET", "/_helpsite/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.status

    def run(self):
        name, data = "message", ""
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
            elif line == "" and data:
                self.queue.put((time.perf_counter(), name, json.loads(data)))
                name, data = "message", ""

    def wait(self, accept, timeout=120):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                sys.exit("error: no matching event within %ss" % timeout)
            at, name, data = self.queue.get(timeout=left)
            if name == "error":
                sys.exit("error: the build failed during the benchmark: %s" % json.dumps(data)[:500])
            if accept(name, data):
                return at

    def drain(self):
        while not self.queue.empty():
            self.queue.get_nowait()


def reloads(url):
    return lambda name, data: name == "reload" and (data.get("all") or url in data.get("urls", []))


def search_urls(port, word):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/api/search?q=" + word)
    answer = json.loads(conn.getresponse().read())
    conn.close()
    return [p["url"] for p in answer.get("pages", [])]


def wait_searchable(port, url, word, saved, what):
    """Milliseconds from `saved` until `/api/search` finds `word` on `url`."""
    while url not in search_urls(port, word):
        if time.perf_counter() - saved > 120:
            sys.exit("error: %s never reached the search index" % what)
        time.sleep(0.01)
    return (time.perf_counter() - saved) * 1000


def timed_save(events, path, text, accept):
    events.drain()
    with open(path, "w") as f:
        f.write(text)
    saved = time.perf_counter()
    return (events.wait(accept) - saved) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--full", type=int, default=5)
    ap.add_argument("--during", type=int, default=12)
    args = ap.parse_args()
    root = os.path.abspath(args.root)

    started = time.perf_counter()
    server = subprocess.Popen([args.bin, "serve", "--root", root, "--port", "0"],
                              stderr=subprocess.PIPE, text=True)
    port, first_build = None, None
    for line in server.stderr:
        m = re.search(r"built (\d+) files in (\d+) ms", line)
        if m:
            first_build = int(m.group(2))
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
        if line.startswith("error"):
            sys.exit(line)
    ready = (time.perf_counter() - started) * 1000
    # Keep reading the server's messages so its pipe never fills up.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    try:
        events = Events(port)
        events.start()
        events.wait(lambda name, _: name == "hello")

        pages = []
        for dirpath, _, files in os.walk(os.path.join(root, "content")):
            for name in files:
                if name.endswith(".md") and name != "_index.md":
                    pages.append(os.path.relpath(os.path.join(dirpath, name), root))
        pages.sort()
        step = max(1, len(pages) // args.edits)
        chosen = pages[::step][: args.edits]

        edit = []
        for n, rel in enumerate(chosen):
            path = os.path.join(root, rel)
            original = open(path).read()
            edit.append(timed_save(events, path, original + "\nEdited paragraph %d.\n" % n, reloads(url_of(rel))))
            time.sleep(0.1)
            timed_save(events, path, original, reloads(url_of(rel)))  # restore, untimed
            time.sleep(0.1)

        # The edited page's search entries: deferred until no save is waiting, then one chunk is
        # indexed again and merged. Timed from the save to /api/search finding the new word.
        searched = []
        for n, rel in enumerate(chosen[: args.full]):
            path = os.path.join(root, rel)
            original = open(path).read()
            word = "zqxbench%d" % n
            with open(path, "w") as f:
                f.write(original + "\nA %s paragraph.\n" % word)
            saved = time.perf_counter()
            searched.append(wait_searchable(port, url_of(rel), word, saved, "the edit"))
            timed_save(events, path, original, reloads(url_of(rel)))
            time.sleep(2)

        # A second save while the first one's index update runs (it starts once no save came
        # for 250 ms and takes about a second at 10,000 pages): its reload must not wait for it.
        during, during_search = [], []
        delays = [0.3, 0.4, 0.5, 0.6]
        for n in range(args.during):
            first, second = chosen[n % len(chosen)], chosen[(n + 1) % len(chosen)]
            first_path, second_path = os.path.join(root, first), os.path.join(root, second)
            first_text, second_text = open(first_path).read(), open(second_path).read()
            saved_first = time.perf_counter()
            timed_save(events, first_path, first_text + "\nA zqxfirst%d paragraph.\n" % n, reloads(url_of(first)))
            time.sleep(max(0.0, delays[n % len(delays)] - (time.perf_counter() - saved_first)))
            word = "zqxduring%d" % n
            events.drain()
            with open(second_path, "w") as f:
                f.write(second_text + "\nA %s paragraph.\n" % word)
            saved = time.perf_counter()
            during.append((events.wait(reloads(url_of(second))) - saved) * 1000)
            during_search.append(wait_searchable(port, url_of(second), word, saved, "the second edit"))
            timed_save(events, first_path, first_text, reloads(url_of(first)))
            timed_save(events, second_path, second_text, reloads(url_of(second)))
            time.sleep(2.5)

        title = []
        rel = chosen[0]
        path = os.path.join(root, rel)
        original = open(path).read()
        for n in range(args.full):
            changed = re.sub(r'^title: "(.*)"$', r'title: "\1 v%d"' % n, original, count=1, flags=re.M)
            assert changed != original, "the corpus writes titles in double quotes"
            title.append(timed_save(events, path, changed, reloads(url_of(rel))))
            time.sleep(0.2)
        timed_save(events, path, original, reloads(url_of(rel)))

        full = []
        config = os.path.join(root, "site.yaml")
        original = open(config).read()
        for n in range(args.full):
            # A description shows on every page: everything is rebuilt and every page changes.
            changed = original + "description: Benchmark run %d\n" % n
            full.append(timed_save(events, config, changed, reloads("/")))
            time.sleep(0.2)
        timed_save(events, config, original, reloads("/"))
    finally:
        server.terminate()
        server.wait()

    print("  %d pages; first build %s ms (ready to serve after %.0f ms)" % (len(pages), first_build, ready))
    print("  one-page edit -> reload event : median %6.1f ms  p95 %6.1f ms  (n=%d, min %.1f, max %.1f)"
          % (statistics.median(edit), percentile(edit, 95), len(edit), min(edit), max(edit)))
    print("  one-page edit -> in /api/search: median %6.1f ms  (n=%d, max %.1f)"
          % (statistics.median(searched), len(searched), max(searched)))
    if during:
        print("  save during an index update -> reload event : median %6.1f ms  p95 %6.1f ms  (n=%d, min %.1f, max %.1f)"
              % (statistics.median(during), percentile(during, 95), len(during), min(during), max(during)))
        print("  save during an index update -> in /api/search: median %6.1f ms  (n=%d, max %.1f)"
              % (statistics.median(during_search), len(during_search), max(during_search)))
    print("  title edit (all pages render) : median %6.1f ms  (n=%d)" % (statistics.median(title), len(title)))
    print("  site.yaml (full rebuild)      : median %6.1f ms  (n=%d)" % (statistics.median(full), len(full)))


if __name__ == "__main__":
    main()
