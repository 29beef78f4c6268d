"""Every connection `central-record serve` accepts has Nagle's algorithm
off, also when uvicorn binds the listening socket itself (`--workers`)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from sync.server.serving import NoDelayHTTP


def _accepted_over(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    return client, accepted


def test_a_connection_from_a_socket_bound_as_uvicorn_binds_it_has_no_delay():
    # As uvicorn's Config.bind_socket does for --workers: no protocol named,
    # so asyncio does not turn Nagle off by itself.
    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client, accepted = _accepted_over(listener)
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0

        async def serve_one() -> None:
            config = uvicorn.Config(app=lambda *a: None, http="sync.server.serving:NoDelayHTTP")
            config.load()
            assert config.http_protocol_class is NoDelayHTTP
            loop = asyncio.get_running_loop()
            transport, _ = await loop.connect_accepted_socket(
                lambda: NoDelayHTTP(
                    config=config, server_state=uvicorn.server.ServerState(), app_state={}
                ),
                accepted,
            )
            assert transport.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY
            )
            transport.close()

        asyncio.run(serve_one())
    finally:
        client.close()
        listener.close()
