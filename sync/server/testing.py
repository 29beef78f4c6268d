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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import uvicorn
from sqlalchemy.engine import Engine

from sync.server import admin, auth
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.server.escrow import ENV_KEY as ENV_ESCROW_KEY
from sync.server.identity_provider import Provider
from sync.server.settings import ENV_SECRETS_FILE, create_secrets_file
from sync.wire import Policy, Record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServiceHandle:
    url: str
    engine: Engine
    pid: int | None = None  # the service's process, when it has its own

    def add_worker(self, name: str, password: str, **account: str) -> None:
        """`account`: role, team, agency, as `central-record worker add` takes them."""
        admin.add_worker(self.engine, name, password, **account)

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
    db_url: str | None,
    *,
    tmp_path: Path,
    escrow_key: bytes | None = None,
    policy: dict[str, object] | None = None,
    trusted_proxies: Iterable[str] = (),
    clock: Callable[[], datetime] | None = None,
    identity_provider: Provider | None = None,
) -> Iterator[ServiceHandle]:
    """`clock`: the service's time for temporary access (default: now).
    `policy`: fields of `Policy` to set before the service starts (tests of
    laptops that create children need `{"workers_may_create_children": True}`)."""
    url = db_url or f"sqlite:///{tmp_path / 'central.db'}"
    engine = make_engine(url)
    migrate(engine)
    if policy:
        admin.set_policy(engine, **policy)
    app = create_app(
        engine,
        escrow_key=escrow_key or os.urandom(32),
        trusted_proxies=list(trusted_proxies),
        clock=clock or auth.now,
        identity_provider=identity_provider,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,  # the app decides which proxies it believes
        )
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
def service_process(
    db_url: str,
    *,
    tmp_path: Path,
    secrets_file: Path | None = None,
    log_path: Path | None = None,
    extra_args: Iterable[str] = (),
) -> Iterator[ServiceHandle]:
    """`central-record serve` on `db_url` (migrated here) in a child process.

    Its secrets come from `secrets_file` (made in `tmp_path` if not given;
    give the same file to several processes on one database). Its log (the
    process's stderr) goes to `log_path`, or nowhere.
    """
    engine = make_engine(db_url)
    migrate(engine)
    tmp_path.mkdir(parents=True, exist_ok=True)
    if secrets_file is None:
        secrets_file = tmp_path / "central-record-secrets.json"
        if not secrets_file.exists():
            create_secrets_file(secrets_file)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in (ENV_SECRETS_FILE, ENV_ESCROW_KEY)} | {
        "CENTRAL_RECORD_HOME": str(tmp_path / "central-record")
    }
    command = [sys.executable, "-m", "sync.server.cli", "--db", db_url, "serve"]
    command += ["--port", str(port), "--secrets-file", str(secrets_file), *extra_args]
    log = open(log_path, "ab") if log_path else None  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,  # one access line per request
    )
    try:
        # Generous: with --workers, each process imports the app on a busy machine.
        deadline = time.monotonic() + 90
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
        yield ServiceHandle(url=f"http://127.0.0.1:{port}", engine=engine, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            log.close()
        engine.dispose()


def recovery_code(engine: Engine, device_id: object) -> str:
    """A recovery code for the device, as `central-record device
    recovery-code` issues one."""
    from sync.server.recovery_codes import issue_recovery_code

    with engine.begin() as conn:
        return issue_recovery_code(conn, str(device_id), None, auth.now())
