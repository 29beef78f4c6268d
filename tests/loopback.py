"""A proxy on loopback in front of the real service, for tests that spoil
what passes between the laptop and the central record.

It listens on a free port, accepts each connection on its own thread and
hands it to `serve`; subclasses decide what to pass on and what to break
(tests/sync/faultproxy.py cuts connections, tests/server/answerproxy.py
spoils whole answers)."""

from __future__ import annotations

import socket
import threading
from typing import Any


class LoopbackProxy:
    #: connections waiting to be accepted
    backlog = 32

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(self.backlog)
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self.listener.close()

    def accepted(self) -> tuple[Any, ...]:
        """On the accepting thread, in the order connections come: what
        `serve` is given for this connection besides the socket."""
        return ()

    def serve(self, client: socket.socket, *args: Any) -> None:
        raise NotImplementedError

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            args = (client, *self.accepted())
            threading.Thread(target=self.serve, args=args, daemon=True).start()
