"""A small TCP proxy on loopback that misbehaves on purpose.

Each accepted connection gets the next fault from a seeded schedule:
  ok        pass everything through
  drop      pass the request, then cut the response after a few hundred bytes
  truncate  pass the response headers and cut the body short
  delay     wait before passing the response
  bad_gw    answer 502 without asking the service
"""

from __future__ import annotations

import random
import socket
import threading
import time

from tests.loopback import LoopbackProxy

FAULTS = ("ok", "drop", "truncate", "delay", "bad_gw")


class FaultProxy(LoopbackProxy):
    backlog = 64

    def __init__(self, upstream_port: int, *, seed: int, faults: tuple[str, ...] = FAULTS) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.rng = random.Random(seed)
        self.faults = faults
        self.counts: dict[str, int] = {f: 0 for f in faults}
        super().__init__(upstream_port)

    def accepted(self) -> tuple[str]:
        """The next fault of the seeded schedule, one a connection in order."""
        fault = self.rng.choice(self.faults)
        self.counts[fault] += 1
        return (fault,)

    def serve(self, client: socket.socket, *args: object) -> None:
        fault = str(args[0])
        client.settimeout(30)
        try:
            if fault == "bad_gw":
                client.recv(65536)
                client.sendall(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                return
            upstream = socket.create_connection(self.upstream, timeout=30)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            sent = 0
            limit = {
                "drop": self.rng.randrange(50, 400),
                "truncate": self.rng.randrange(400, 3000),
            }.get(fault)
            if fault == "delay":
                time.sleep(self.rng.uniform(0.05, 0.4))
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    return
                if limit is not None and sent + len(chunk) > limit:
                    client.sendall(chunk[: max(0, limit - sent)])
                    return  # cut the connection mid-response
                client.sendall(chunk)
                sent += len(chunk)
        except OSError:
            return
        finally:
            client.close()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            dst.close()
