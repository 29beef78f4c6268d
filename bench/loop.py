"""Closed-loop HTTP clients for the council benchmark, cheap enough not to
be what is measured.

Each device is a coroutine with a keep-alive connection of its own that
sends its next request as soon as its last one is answered (closed loop,
so at most one request per device is ever in flight). The devices are
spread over a few client processes (`CLIENT_PROCESSES`), each an asyncio
loop speaking plain HTTP/1.1 over its sockets: no interpreter lock shared
by fifty threads, no `requests` machinery per call. Every process reports
the CPU it spent, so the harness's own cost per request is printed beside
the figures it measures.

Only the standard library is imported here: the client processes are
spawned afresh and start in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

CLIENT_PROCESSES = int(os.environ.get("COUNCIL_CLIENT_PROCESSES", 2))


def note(child: str) -> dict:
    """One new visit note for `child`, as a push sends it."""
    return {
        "mutation_id": str(uuid.uuid4()),
        "base_rev": 0,
        "record": {
            "id": str(uuid.uuid4()),
            "kind": "visit",
            "child_id": child,
            "rev": 0,
            "updated_at": datetime.now(UTC).isoformat(),
            "updated_by": "bench",
            "data": {
                "visit_type": "cin",
                "start": "2026-05-01T10:00:00+00:00",
                "observations": "Synthetic benchmark note. " * 15,
            },
        },
    }


@dataclass
class Device:
    """What one device does in the loop: `poll` (GET the changes since its
    cursor, keep the new cursor) or `push` (POST `notes` new notes for
    `child`, each of which must be applied)."""

    headers: dict[str, str]
    kind: str
    cursor: str = ""
    child: str = ""
    notes: int = 20


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0
    # The devices as the loop left them (a poller's cursor moved on).
    devices: list[Device] = field(default_factory=list)


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += ["Accept-Encoding: gzip", f"Content-Length: {len(body)}", "", ""]
        self.writer.write("\r\n".join(lines).encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        answer = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                answer[name.strip().lower()] = value.strip()
        if "content-length" not in answer:
            raise RuntimeError(f"an answer without a length: {status} {answer}")
        data = await self.reader.readexactly(int(answer["content-length"]))
        if answer.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        if answer.get("connection", "").lower() == "close":
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def step(conn: Connection, device: Device) -> None:
    if device.kind == "poll":
        query = urlencode({"since": device.cursor, "limit": 2000, "estimate": "true"})
        status, data = await conn.request("GET", f"/api/v1/changes?{query}", device.headers)
        if status != 200:
            raise RuntimeError(f"poll answered {status}")
        device.cursor = json.loads(data)["cursor"]
        return
    body = json.dumps({"mutations": [note(device.child) for _ in range(device.notes)]}).encode()
    headers = device.headers | {"Content-Type": "application/json"}
    status, data = await conn.request("POST", "/api/v1/changes", headers, body)
    if status != 200 or not all(r["status"] == "applied" for r in json.loads(data)["results"]):
        raise RuntimeError(f"push answered {status}")


async def _devices(url: str, devices: list[Device], ready, go, seconds: float) -> Result:
    result = Result(devices=devices)
    conns = [Connection(url) for _ in devices]
    # Connected before the clock starts: a device keeps its connection.
    for conn in conns:
        conn.reader, conn.writer = await asyncio.open_connection(conn.host, conn.port)
    ready.release()
    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    end = time.monotonic() + seconds

    async def run(conn: Connection, device: Device) -> None:
        while time.monotonic() < end:
            began = time.perf_counter()
            await step(conn, device)
            result.latencies.append(time.perf_counter() - began)

    cpu = time.process_time()
    await asyncio.gather(*(run(c, d) for c, d in zip(conns, devices, strict=True)))
    result.client_cpu_s = time.process_time() - cpu
    for conn in conns:
        conn.close()
    return result


def _process(index: int, url: str, devices: list[Device], ready, go, seconds: float, out) -> None:
    out.put((index, asyncio.run(_devices(url, devices, ready, go, seconds))))


def closed_loop(
    url: str, devices: list[Device], seconds: float, on_start: Callable[[], None] = lambda: None
) -> Result:
    """Every device in a closed loop for `seconds`, spread over up to
    CLIENT_PROCESSES processes; all latencies (seconds) and the CPU the
    client processes spent while the loop ran. `on_start` is called just
    as the clock starts, once every process has started and connected (a
    caller measuring the service starts there)."""
    n = max(1, min(CLIENT_PROCESSES, len(devices)))
    ctx = multiprocessing.get_context("spawn")
    out, ready, go = ctx.Queue(), ctx.Semaphore(0), ctx.Event()
    procs = [
        ctx.Process(target=_process, args=(i, url, devices[i::n], ready, go, seconds, out))
        for i in range(n)
    ]
    for p in procs:
        p.start()
    # Every process started and connected before the clock starts.
    for _ in procs:
        if not ready.acquire(timeout=120):
            raise RuntimeError("a client process did not start")
    on_start()
    go.set()
    results = dict(out.get(timeout=seconds + 120) for _ in procs)
    for p in procs:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"a client process exited with {p.exitcode}")
    total = Result()
    for i, r in sorted(results.items()):
        total.latencies += r.latencies
        total.client_cpu_s += r.client_cpu_s
        # Each device as its process left it (a poller's cursor moved on).
        for mine, theirs in zip(devices[i::n], r.devices, strict=True):
            mine.cursor = theirs.cursor
    return total
