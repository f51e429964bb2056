#!/usr/bin/env python3
"""Fires N concurrent logins at the API (standard library only: asyncio streams, one connection
each) while sampling the server's resident memory from /proc; prints the peak RSS and the
status counts of each round, and exits non-zero when a round answers a 5xx other than 503, or the
peak goes over the budget.

    python3 bench/logins.py --url http://127.0.0.1:8391 --pid 1234 --accounts bench-%d@ocpizza.fr \
        --password client-demo-2026 --count 500 --rounds 3 --budget-mb 256
"""
import argparse
import asyncio
import collections
import json
import threading
import time
import urllib.parse


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    """Reads VmRSS every 10 ms and keeps the peak."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)


async def login(host, port, email, password, timeout):
    body = json.dumps({"email": email, "password": password}).encode()
    request = (
        f"POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        writer.write(request)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        return int(status_line.split()[1])
    except Exception as e:  # a refused or reset connection is counted, not raised
        return f"error:{type(e).__name__}"


async def round_(url, accounts, password, count, timeout):
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    results = await asyncio.gather(
        *(login(parts.hostname, parts.port, accounts % (i % 100), password, timeout) for i in range(count))
    )
    return collections.Counter(results), time.monotonic() - started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--accounts", required=True, help="e-mail pattern with %%d (0..99)")
    p.add_argument("--password", required=True)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--budget-mb", type=float, default=256)
    a = p.parse_args()

    before = rss_kib(a.pid)
    sampler = Sampler(a.pid)
    sampler.start()
    failed = False
    print(f"RSS before: {before / 1024:.1f} MB")
    for n in range(1, a.rounds + 1):
        counts, seconds = asyncio.run(round_(a.url, a.accounts, a.password, a.count, a.timeout))
        time.sleep(1)
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str))
        print(f"round {n}: {a.count} concurrent logins in {seconds:.1f} s -> {shown}; "
              f"peak RSS so far {sampler.peak / 1024:.1f} MB, now {rss_kib(a.pid) / 1024:.1f} MB")
        if any(isinstance(k, str) or (k >= 500 and k != 503) for k in counts):
            failed = True
    sampler.running = False
    sampler.join()
    peak_mb = sampler.peak / 1024
    print(f"peak RSS: {peak_mb:.1f} MB (budget {a.budget_mb:.0f} MB); after: {rss_kib(a.pid) / 1024:.1f} MB")
    if peak_mb > a.budget_mb:
        print("FAIL: over the memory budget")
        failed = True
    if failed:
        print("FAIL: a server error or a connection error")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
