"""An HTTP proxy on loopback that spoils the central record's answers on cue.

Each request is passed to the real service; its answer is then sent back
whole, or spoiled by the next fault queued for that method and path prefix:
  headers_cut  the status line and part of the headers, then the connection closes
  empty        200 with an empty body
  truncated    the body cut in half, with a Content-Length that matches the cut
  wrong_shape  200 with a JSON object of the wrong shape
Every answer closes its connection, so a fault never leaks into the next one.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections import deque

from tests.loopback import LoopbackProxy


class AnswerProxy(LoopbackProxy):
    def __init__(self, upstream_port: int) -> None:
        self.faults: dict[tuple[str, str], deque[str]] = {}
        self.always: dict[tuple[str, str], str] = {}
        self.spoiled: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        super().__init__(upstream_port)

    def queue(self, method: str, path: str, *faults: str) -> None:
        with self.lock:
            self.faults.setdefault((method, path), deque()).extend(faults)

    def spoil_always(self, method: str, path: str, fault: str | None) -> None:
        with self.lock:
            if fault is None:
                self.always.pop((method, path), None)
            else:
                self.always[(method, path)] = fault

    def _fault_for(self, method: str, path: str) -> str | None:
        with self.lock:
            for (m, prefix), queued in self.faults.items():
                if m == method and path.startswith(prefix) and queued:
                    return queued.popleft()
            for (m, prefix), fault in self.always.items():
                if m == method and path.startswith(prefix):
                    return fault
        return None

    def serve(self, client: socket.socket, *_args: object) -> None:
        client.settimeout(30)
        try:
            with client, client.makefile("rb") as reader:
                request_line = reader.readline().decode("latin-1").split()
                if len(request_line) < 2:
                    return
                method, path = request_line[0], request_line[1]
                headers: dict[str, str] = {}
                while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip()] = value.strip()
                body = reader.read(int(headers.get("Content-Length", "0") or 0))
                headers.pop("Connection", None)
                # Plain answers, so that a cut body is cut JSON, not cut gzip.
                headers.pop("Accept-Encoding", None)
                upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
                upstream.request(method, path, body=body, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
                kept = [
                    (k, v)
                    for k, v in answer.getheaders()
                    if k.lower() not in ("content-length", "connection", "transfer-encoding")
                ]
                upstream.close()
                fault = self._fault_for(method, path)
                if fault:
                    with self.lock:
                        self.spoiled.append((method, path, fault))
                client.sendall(self._answer(answer.status, kept, payload, fault))
        except OSError:
            return

    @staticmethod
    def _answer(status: int, headers: list, payload: bytes, fault: str | None) -> bytes:
        if fault == "headers_cut":
            return f"HTTP/1.1 {status} OK\r\nContent-Type: appli".encode()
        if fault == "empty":
            status, payload = 200, b""
        elif fault == "truncated":
            payload = payload[: len(payload) // 2]
            headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"]
        elif fault == "wrong_shape":
            status, payload = 200, b'{"unexpected": true}'
            headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"]
        head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        head += f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        return head.encode("latin-1") + payload
