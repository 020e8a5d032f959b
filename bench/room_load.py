"""A load-generator process for the rooms benchmark.

`python -m bench.room_load SPEC.json OUT.json`: SPEC lists room URLs and headers. Each room
gets three pycrdt clients; the first types one character every 1/rate seconds, the other
two record, for every character, the time from the keystroke to its arrival (edit→peer
latency). Typist and peers share this process, hence one clock. With ``peer_urls`` (one
per room) and ``peer_headers``, the two peers join there instead: the same room on
another server (bench/team.py).
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import sys
import time
from typing import Any

from pycrdt import Doc, Provider, Text
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from devinterview_jupyter.testing.rooms import WebSocketChannel


async def connect(url: str, headers: dict[str, str], counts: list[int]) -> Any:
    """Connect as y-websocket's provider does: a refused upgrade is retried with backoff.

    1,800 clients joining at once is also what a server restart looks like; a 503 then
    (every pooled database connection busy loading rooms) is retried, and counted.
    """
    delay = 0.1
    for _ in range(30):
        try:
            return await websocket_connect(HTTPRequest(url, headers=headers, request_timeout=60))
        except HTTPClientError as e:
            if e.code != 503:
                raise
        counts[1] += 1
        await asyncio.sleep(delay)
        delay = min(delay * 2, 2.5)
    raise RuntimeError(f"{url}: still refused after 30 attempts")


async def room(
    url: str,
    headers: dict[str, str],
    peer_at: tuple[str, dict[str, str]],
    rate: float,
    duration: float,
    latencies: list[float],
    ready: asyncio.Event,
    go: asyncio.Event,
    counts: list[int],
) -> None:
    sent: list[float] = []
    docs: list[Doc[Any]] = []
    conns = []
    providers = []
    for to, auth in [(url, headers), peer_at, peer_at]:
        doc: Doc[Any] = Doc()
        doc["source"] = Text()
        conn = await connect(to, auth, counts)
        provider = Provider(doc, WebSocketChannel(conn, to))
        docs.append(doc)
        conns.append(conn)
        providers.append(provider)
    tasks = [asyncio.ensure_future(p.start()) for p in providers]
    for p in providers:
        await p.synced.wait()
    base = len(docs[0].get("source", type=Text))
    subscriptions: list[Any] = []

    loop = asyncio.get_running_loop()
    for peer in docs[1:]:
        seen = [base]

        def check(peer: Doc[Any] = peer, seen: list[int] = seen) -> None:
            now = time.perf_counter()
            length = len(peer.get("source", type=Text))
            for i in range(seen[0], length):
                k = i - base
                if 0 <= k < len(sent):
                    latencies.append((now - sent[k]) * 1000)
            seen[0] = max(seen[0], length)

        # Reading the document inside its own observer is not allowed: look right after.
        # Keep the subscription: pycrdt drops the callback with it.
        subscriptions.append(peer.observe(lambda _e, check=check: loop.call_soon(check)))

    ready.set()
    await go.wait()
    await asyncio.sleep(random.random() / rate)
    text = docs[0].get("source", type=Text)
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        sent.append(time.perf_counter())
        text += "x"
        counts[0] += 1
        await asyncio.sleep(1 / rate)
    await asyncio.sleep(1.0)  # let the last keystrokes arrive
    for c in conns:
        c.close()
    for t in tasks:
        t.cancel()
    # A provider whose socket closed first ends with an error: expected at shutdown.
    await asyncio.gather(*tasks, return_exceptions=True)


async def main(spec_path: str, out_path: str) -> None:
    spec = json.loads(open(spec_path).read())  # noqa: ASYNC230, SIM115
    latencies: list[float] = []
    counts = [0, 0]  # keystrokes typed, connection attempts refused
    go = asyncio.Event()
    readies = []
    jobs = []
    peer_urls = spec.get("peer_urls") or spec["urls"]
    peer_headers = spec.get("peer_headers") or spec["headers"]
    for url, peer_url in zip(spec["urls"], peer_urls, strict=True):
        ready = asyncio.Event()
        readies.append(ready)
        jobs.append(
            asyncio.ensure_future(
                room(
                    url,
                    spec["headers"],
                    (peer_url, peer_headers),
                    spec["rate"],
                    spec["duration"],
                    latencies,
                    ready,
                    go,
                    counts,
                )
            )
        )
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    # The generator must not be what is measured: with ~600 clients, Python's full
    # collections paused this process for 100-180 ms at a time, for every server alike.
    # Everything made so far lives until the end, and the run is short: no collection.
    gc.freeze()
    gc.disable()
    # Tell the coordinator everyone is connected, then wait for its go (a file appears).
    with open(out_path + ".ready", "w") as f:  # noqa: ASYNC230
        f.write("ready")
    while not __import__("os").path.exists(spec["go_file"]):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    go.set()
    await asyncio.gather(*jobs)
    with open(out_path, "w") as f:  # noqa: ASYNC230
        json.dump({"latencies_ms": latencies, "keystrokes": counts[0], "refused": counts[1]}, f)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
