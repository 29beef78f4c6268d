"""Serving the central record: one process or several.

`central-record serve --workers N` uses uvicorn's own process model: a
supervisor that binds the socket once and starts N worker processes, each
of which builds the app by calling `app_from_environment`, the importable
factory (`uvicorn --factory sync.server.serving:app_from_environment` does
the same by hand, and gunicorn's uvicorn worker can use it too).

Every instance reads its settings from the environment the serve command
hands down — the database URL, the secrets file, the trusted proxies — so
all of them open the same database with the same secrets: a device key
sealed by one process is opened by any other (see `settings`). Each process
keeps its own connection pool (up to 30 connections): PostgreSQL's
`max_connections` bounds how many processes one database can serve.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import tempfile

from fastapi import FastAPI
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from sync.server import identity_provider, logs, metrics, settings
from sync.server.db import ENV_DB, data_dir, make_engine, resolve_url

FACTORY = "sync.server.serving:app_from_environment"


def app_from_environment() -> FastAPI:
    """The service as this environment describes it ($CENTRAL_RECORD_DB,
    $CENTRAL_RECORD_SECRETS_FILE or the escrow key,
    $CENTRAL_RECORD_TRUSTED_PROXIES and $CENTRAL_RECORD_IDENTITY_PROVIDER),
    for a process that serves it."""
    from sync.server.app import create_app

    url = resolve_url(None)
    secrets = settings.load_secrets(
        None, embedded_home=None if url.startswith("postgresql") else data_dir()
    )
    proxies = settings.trusted_networks(None)
    provider_file = identity_provider.settings_path(None)
    provider = (
        identity_provider.Provider(identity_provider.load(provider_file, secrets))
        if provider_file
        else None
    )
    logs.configure()  # as the serve command chose, handed down in the environment
    # One access line per request even without -v (see middleware.Guard).
    logging.getLogger("central_record.access").setLevel(logging.INFO)
    return create_app(
        make_engine(url),
        escrow_key=secrets.escrow_key,
        trusted_proxies=[str(p) for p in proxies],
        identity_provider=provider,
    )


def _no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTP(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol with Nagle's algorithm off on every connection.

    With --workers, uvicorn binds the listening socket itself without naming
    TCP as its protocol, and asyncio then leaves Nagle on for the sockets it
    accepts: an answer written as headers then body waits for the client's
    delayed ACK, ~40 ms a poll on loopback (council_poll_busy_p50_ms 55.8 ms
    with two processes against 7.5 ms with one, same council).
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        _no_delay(transport)
        super().connection_made(transport)


def serve(
    *,
    url: str,
    secrets_file: str | None,
    trusted_proxies: str | None,
    host: str,
    port: int,
    workers: int,
    tls: settings.TlsFiles | None = None,
    identity_provider_file: str | None = None,
) -> None:
    """Serve `url` with `workers` processes (1: this process), after the
    caller has checked the secrets, the schema and the provider settings."""
    os.environ[ENV_DB] = url
    if identity_provider_file:
        os.environ[identity_provider.ENV_IDENTITY_PROVIDER] = identity_provider_file
    if secrets_file:
        os.environ[settings.ENV_SECRETS_FILE] = secrets_file
    if trusted_proxies is not None:
        os.environ[settings.ENV_TRUSTED_PROXIES] = trusted_proxies
    counts = None
    if workers > 1 and not os.environ.get(metrics.ENV_MULTIPROC_DIR):
        # Each process counts into this directory, so any one of them answers
        # a scrape for all (set before a worker imports prometheus_client).
        counts = tempfile.mkdtemp(prefix="central-record-metrics-")
        os.environ[metrics.ENV_MULTIPROC_DIR] = counts
    try:
        _run(host, port, workers, tls)
    finally:
        if counts:
            shutil.rmtree(counts, ignore_errors=True)


def _run(host: str, port: int, workers: int, tls: settings.TlsFiles | None) -> None:
    import uvicorn

    uvicorn.run(
        FACTORY,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        # uvicorn would believe X-Forwarded-For from loopback; the app
        # believes only the proxies named in --trusted-proxies.
        proxy_headers=False,
        http=f"{__name__}:NoDelayHTTP",
        ssl_certfile=tls.certfile if tls else None,
        ssl_keyfile=tls.keyfile if tls else None,
    )
