"""Connect N WebSocket clients at once to a running livefeed, then measure one broadcast.

Starts nothing itself and talks to loopback addresses only. Example, from app/:

    python benchmarks/ws_burst.py ws://127.0.0.1:8000/ws/feed/ --clients 1000

It reports how many handshakes got 101, how many sockets were still open after --hold
seconds, and how long a post created over HTTP took to reach each client (median, p95, max).
Daphne needs more than N open files: start it under `ulimit -n 4096` or similar.
"""

import argparse
import asyncio
import collections
import http.client
import ipaddress
import json
import resource
import socket
import statistics
import sys
import time
import urllib.parse

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

MAX_CLIENTS = 5000
MAX_HOLD = 120


def loopback_only(url):
    host = urllib.parse.urlsplit(url).hostname
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        sys.exit(f"refusing {url}: this benchmark only talks to loopback addresses")


def raise_open_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


async def open_client(url, origin, timeout):
    try:
        websocket = await connect(url, origin=origin, open_timeout=timeout, max_queue=None)
    except InvalidStatus as error:
        return None, f"HTTP {error.response.status_code}"
    except (OSError, TimeoutError) as error:
        return None, type(error).__name__
    return websocket, websocket.response.status_code


def create_post(base_url, origin, body):
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/create/",
            json.dumps({"author": "ws_burst", "body": body}),
            {"Content-Type": "application/json", "Origin": origin},
        )
        response = connection.getresponse()
        payload = response.read()
        if response.status != 201:
            sys.exit(f"creating the post answered {response.status}: {payload[:200]!r}")
        return json.loads(payload)["id"]
    finally:
        connection.close()


async def wait_for_post(websocket, post_id, started, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            frame = await asyncio.wait_for(websocket.recv(), remaining)
        except Exception:
            return None
        event = json.loads(frame)
        if event.get("type") == "post" and event.get("id") == post_id:
            return time.monotonic() - started


async def still_open(websocket, timeout):
    try:
        pong = await websocket.ping()
        await asyncio.wait_for(pong, timeout)
        return True
    except Exception:
        return False


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main(args):
    parts = urllib.parse.urlsplit(args.url)
    http_scheme = "https" if parts.scheme == "wss" else "http"
    base_url = f"{http_scheme}://{parts.netloc}"
    origin = args.origin or base_url
    raise_open_file_limit(args.clients + 256)

    started = time.monotonic()
    results = await asyncio.gather(
        *(open_client(args.url, origin, args.timeout) for _ in range(args.clients))
    )
    handshake_seconds = time.monotonic() - started
    sockets = [websocket for websocket, _ in results if websocket is not None]
    outcomes = collections.Counter(str(outcome) for _, outcome in results)
    print(f"clients: {args.clients}, handshakes in {handshake_seconds:.2f}s: {dict(outcomes)}")

    try:
        await asyncio.sleep(args.hold)
        alive = await asyncio.gather(*(still_open(ws, args.timeout) for ws in sockets))
        print(f"still connected after {args.hold:.0f}s: {sum(alive)} of {len(sockets)}")

        sent = time.monotonic()
        post_id = await asyncio.to_thread(create_post, base_url, origin, "burst probe")
        arrivals = await asyncio.gather(
            *(wait_for_post(ws, post_id, sent, args.timeout) for ws in sockets)
        )
        arrived = [seconds for seconds in arrivals if seconds is not None]
        print(f"post {post_id} reached {len(arrived)} of {len(sockets)} clients")
        if arrived:
            median, p95 = statistics.median(arrived), percentile(arrived, 0.95)
            print(
                f"broadcast arrival: median {1000 * median:.0f} ms, "
                f"p95 {1000 * p95:.0f} ms, max {1000 * max(arrived):.0f} ms"
            )
        ok = outcomes.get("101") == args.clients and all(alive) and len(arrived) == len(sockets)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return 0 if ok else 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="ws://127.0.0.1:8000/ws/feed/ (loopback only)")
    parser.add_argument("--clients", type=int, default=1000, help=f"1..{MAX_CLIENTS}")
    parser.add_argument("--hold", type=float, default=10, help="seconds to stay connected")
    parser.add_argument("--timeout", type=float, default=30, help="per-step timeout, seconds")
    parser.add_argument("--origin", help="Origin header (default: the server's own origin)")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 <= args.hold <= MAX_HOLD:
        parser.error(f"--hold must be 0..{MAX_HOLD}")
    loopback_only(args.url)
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
