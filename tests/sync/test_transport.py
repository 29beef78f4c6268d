"""Transport rules: TLS-only addresses, retries that honour Retry-After."""

from __future__ import annotations

import errno
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import urllib3

from sync.client.transport import Transport, check_url, no_network
from sync.errors import CertificateProblem, NoNetwork, ServerRejected, ServerUnreachable
from tests.certificates import self_signed


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://localhost:1",
        "https://records.example.org",
        "http://[::1]:9",
    ],
)
def test_allowed_addresses(url):
    assert check_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://records.example.org", "http://10.0.0.5:8000", "ftp://127.0.0.1"]
)
def test_plain_http_refused_except_loopback(url):
    with pytest.raises(ServerRejected, match="https"):
        check_url(url)


class _Flaky(BaseHTTPRequestHandler):
    calls: list[float] = []

    def do_GET(self):
        _Flaky.calls.append(time.monotonic())
        if len(_Flaky.calls) == 1:
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (
            b'{"idle_lock_minutes":5,"unlock_attempt_limit":10,'
            b'"max_offline_days":14,"min_client_version":"0.1.0"}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_503_is_retried_after_the_time_the_server_asked_for():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Flaky.calls = []
        t = Transport(f"http://127.0.0.1:{server.server_port}", token="x")
        assert t.policy().max_offline_days == 14
        assert len(_Flaky.calls) == 2
        assert _Flaky.calls[1] - _Flaky.calls[0] >= 0.9
    finally:
        server.shutdown()


def test_unreachable_and_untrusted_certificate_are_plain_errors(tmp_path):
    import ssl

    with pytest.raises(ServerUnreachable, match="notes are safe") as refused:
        Transport("http://127.0.0.1:9", token="x", timeout=(0.5, 0.5)).policy()
    assert not isinstance(refused.value, NoNetwork)  # the network is up; the service is not
    cert, key = self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(CertificateProblem, match="certificate"):
            Transport(f"https://127.0.0.1:{server.server_port}", token="x").policy()
        # With the council's bundle configured, the same server is trusted.
        _Flaky.calls = [0.0]  # answer 200 straight away
        trusted = Transport(
            f"https://127.0.0.1:{server.server_port}", token="x", ca_bundle=str(cert)
        )
        assert trusted.policy().idle_lock_minutes == 5
    finally:
        server.shutdown()


def _as_requests_raises(inner: OSError) -> requests.exceptions.ConnectionError:
    """The chain requests and urllib3 build around a socket error, raised for real."""
    try:
        try:
            try:
                raise inner
            except OSError as exc:
                raise urllib3.exceptions.NewConnectionError(None, f"Failed: {exc}") from exc
        except urllib3.exceptions.NewConnectionError as exc:
            raise urllib3.exceptions.MaxRetryError(None, "/", exc) from exc
    except urllib3.exceptions.MaxRetryError as exc:
        try:
            raise requests.exceptions.ConnectionError(exc) from exc
        except requests.exceptions.ConnectionError as outer:
            return outer


@pytest.mark.parametrize(
    ("inner", "offline"),
    [
        # What a laptop with no network gets (seen in a network namespace
        # with no interfaces): no name server answers, no route anywhere.
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), True),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), True),
        # The network is up but the central record is not there.
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), False),
        (OSError(errno.EHOSTUNREACH, "No route to host"), False),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), False),
    ],
)
def test_no_network_is_told_from_a_central_record_that_does_not_answer(inner, offline):
    assert no_network(_as_requests_raises(inner)) is offline
