"""A real central record on loopback, for tests and benchmarks of the client.

`running_service` migrates a database, serves it with uvicorn in a
background thread on a free 127.0.0.1 port, and stops it afterwards.
`service_process` does the same with `central-record serve` in a process of
its own, as the service really runs: for benchmarks of the client, which
would otherwise share its interpreter lock with the service.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy.engine import Engine

from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.wire import Policy, Record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServiceHandle:
    url: str
    engine: Engine

    def add_worker(self, name: str, password: str) -> None:
        admin.add_worker(self.engine, name, password)

    def assign(self, worker: str, child_id: object) -> bool:
        return admin.set_assignment(self.engine, worker, str(child_id), True)

    def unassign(self, worker: str, child_id: object) -> bool:
        return admin.set_assignment(self.engine, worker, str(child_id), False)

    def revoke(self, device_id: object) -> None:
        admin.revoke_device(self.engine, str(device_id))

    def set_policy(self, **changes: object) -> Policy:
        return admin.set_policy(self.engine, **changes)

    def insert_records(self, records: Iterable[Record], by: str | None = None) -> int:
        return admin.insert_records(self.engine, records, by=by)

    def current_records(self, worker: str | None = None) -> list[Record]:
        return admin.current_records(self.engine, worker)


@contextmanager
def running_service(
    db_url: str | None, *, tmp_path: Path, escrow_key: bytes | None = None
) -> Iterator[ServiceHandle]:
    url = db_url or f"sqlite:///{tmp_path / 'central.db'}"
    engine = make_engine(url)
    migrate(engine)
    app = create_app(engine, escrow_key=escrow_key or os.urandom(32))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="central-record", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the central record did not start")
        time.sleep(0.02)
    try:
        yield ServiceHandle(url=f"http://127.0.0.1:{port}", engine=engine)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@contextmanager
def service_process(db_url: str, *, tmp_path: Path) -> Iterator[ServiceHandle]:
    """`central-record serve` on `db_url` (migrated here) in a child process."""
    engine = make_engine(db_url)
    migrate(engine)
    port = free_port()
    env = os.environ | {"CENTRAL_RECORD_HOME": str(tmp_path / "central-record")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--db", db_url, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # one access line per request: not wanted here
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"central-record serve exited with {proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the central record did not start") from None
                time.sleep(0.05)
        yield ServiceHandle(url=f"http://127.0.0.1:{port}", engine=engine)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        engine.dispose()
