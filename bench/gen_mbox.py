#!/usr/bin/env python3
"""Writes an mbox of N generated support messages for bench/ingest_rate.sh: a realistic mix of
quoted-printable plain replies with quoted history, multipart/alternative replies with a base64
HTML part, and customer mail. Usage: gen_mbox.py N OUT"""
import base64
import sys

n, out = int(sys.argv[1]), sys.argv[2]
SITE = "https://support.divergent.cloud"
PAGES = ["/connect/senders/", "/reserve/bookings/", "/identity/sso/", "/faq/", "/getting-help/"]

with open(out, "w") as f:
    for i in range(n):
        page = PAGES[i % len(PAGES)]
        head = (f"From MAILER-DAEMON Mon May 12 09:00:00 2025\n"
                f"Date: Mon, 12 May 2025 {i % 24:02}:{i % 60:02}:00 +0000\n"
                f"Message-ID: <bench-{i}@divergent.cloud>\n"
                f"In-Reply-To: <c-{i // 3}@example.com>\nReferences: <c-{i // 3}@example.com>\n"
                f"Subject: Re: question {i // 3}\nTo: c{i}@example.com\nMIME-Version: 1.0\n")
        kind = i % 3
        if kind == 0:
            f.write(head + "From: Sam <sam@divergent.cloud>\nContent-Type: text/plain; charset=utf-8\n"
                    "Content-Transfer-Encoding: quoted-printable\n\n"
                    f"Hi,\n\nthis should fix it: {SITE}{page}?utm_source=3Dsupport&utm_medium=3Dem=\nail&ref=3Dreply#step-{i % 7}\n\n"
                    "Best,\nSam\n\nOn Mon, 12 May 2025, Casey wrote:\n"
                    f"> I tried {SITE}/faq/ already\n> and it did not help.\n\n")
        elif kind == 1:
            html = (f"<p>Hi, see <a href=\"{SITE}{page}#step-{i % 7}\">this guide</a>.</p>"
                    f"<blockquote>Earlier: <a href=\"{SITE}/faq/\">faq</a></blockquote>")
            b64 = base64.encodebytes(html.encode()).decode()
            f.write(head + "From: Zoe <zoe@divergent.cloud>\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
                    f"--b\nContent-Type: text/plain; charset=utf-8\n\nHi, see {SITE}{page}#step-{i % 7}\n\n"
                    f"--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64}\n--b--\n\n")
        else:
            f.write(head + "From: Casey <casey@example.com>\nContent-Type: text/plain; charset=iso-8859-1\n\n"
                    f"Thanks! I had read {SITE}{page} before.\n\n")
