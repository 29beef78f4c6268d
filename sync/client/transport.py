"""HTTP transport to the central record: timeouts, TLS, retries, gzip.

Every call either returns the parsed answer or raises a `sync.errors`
SyncError whose message can be shown to a worker as is.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.util.retry import Retry

from sync.errors import (
    CertificateProblem,
    DeviceRevoked,
    NoNetwork,
    RateLimited,
    ServerRejected,
    ServerUnreachable,
    SignInRefused,
)
from sync.wire import (
    API_PREFIX,
    AuditEvent,
    EnrolResponse,
    Mutation,
    MutationResult,
    Policy,
    PulledPage,
    PushResponse,
)

log = logging.getLogger(__name__)

# The laptop's own network is down: no route anywhere. A host that does not
# answer (EHOSTUNREACH, refused, timed out) is the central record's problem.
_NO_NETWORK_ERRNOS = frozenset({errno.ENETUNREACH, errno.ENETDOWN})


def no_network(exc: BaseException) -> bool:
    """Whether a failed request failed because this laptop is offline.

    Looks through the chain requests and urllib3 build (causes, contexts and
    their `reason`) for no route to any network, or a name lookup that no
    name server answered (EAI_AGAIN; an unknown name is a wrong address).
    """
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, socket.gaierror):
            if e.errno == socket.EAI_AGAIN:
                return True
        elif isinstance(e, OSError) and e.errno in _NO_NETWORK_ERRNOS:
            return True
        stack += [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
    return False


TIMEOUT = (5.0, 60.0)  # connect, read


def check_url(url: str) -> str:
    """Plain http is refused except to this machine (tests, the demo)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url.rstrip("/")
    if parts.scheme != "http":
        raise ServerRejected(f"The central record address must start with https:// (got {url!r}).")
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ServerRejected(
            "The central record address must use https://; plain http is only "
            "allowed to this computer (127.0.0.1)."
        )
    return url.rstrip("/")


def _retry(methods: frozenset[str] | None) -> Retry:
    # Pushes are idempotent by mutation id and pulls by cursor, so retrying
    # them after a lost answer is safe; sign-in is retried on connect errors only.
    return Retry(
        total=6,
        connect=4,
        other=0,  # a certificate failure will not fix itself: say so at once
        read=3 if methods else 0,
        status=4 if methods else 0,
        backoff_factor=0.3,
        backoff_max=10,
        status_forcelist=(429, 502, 503, 504) if methods else (),
        allowed_methods=methods or frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self.base_url = check_url(base_url)
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()
        self.verify: str | bool = ca_bundle or True
        adapter = requests.adapters.HTTPAdapter(
            max_retries=_retry(frozenset({"GET", "POST", "PUT"}))
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._auth_session = requests.Session()
        auth_adapter = requests.adapters.HTTPAdapter(max_retries=_retry(None))
        self._auth_session.mount("http://", auth_adapter)
        self._auth_session.mount("https://", auth_adapter)
        self.bytes_received = 0

    def close(self) -> None:
        self.session.close()
        self._auth_session.close()

    def _call(self, method: str, path: str, *, auth: bool = True, **kw: Any) -> requests.Response:
        headers = kw.pop("headers", {})
        if auth:
            if not self.token:
                raise ServerRejected("This laptop is not enrolled with a central record.")
            headers["Authorization"] = f"Bearer {self.token}"
        session = self.session if auth else self._auth_session
        try:
            # verify= on every request: requests lets REQUESTS_CA_BUNDLE in the
            # environment override a session's own setting otherwise.
            response = session.request(
                method,
                f"{self.base_url}{API_PREFIX}{path}",
                headers=headers,
                timeout=self.timeout,
                verify=self.verify,
                **kw,
            )
        except requests.exceptions.SSLError:
            raise CertificateProblem(
                "The central record's certificate could not be verified. Check the address, "
                "or ask IT for the council's certificate bundle."
            ) from None
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            if no_network(exc):
                raise NoNetwork(
                    "This laptop has no network connection. Your notes are safe on this "
                    "laptop and will be sent when there is a connection."
                ) from None
            raise ServerUnreachable(
                "The central record cannot be reached. Your notes are safe on this laptop "
                "and will be sent when there is a connection."
            ) from None
        except requests.exceptions.RetryError:
            raise ServerUnreachable(
                "The central record is busy or failing; try again later."
            ) from None
        self.bytes_received += len(response.content)
        if response.status_code < 400:
            return response
        try:
            body = response.json()
            code, message = body.get("code", ""), body.get("message", "")
        except ValueError:
            code, message = "", ""
        if response.status_code == 401 and code == "device_revoked":
            raise DeviceRevoked("This laptop's access has been revoked by the council.")
        if response.status_code == 401 and code == "sign_in_refused":
            raise SignInRefused("The worker name or password is not right.")
        if response.status_code == 429:
            raise RateLimited(message or "Too many attempts; try again later.")
        if response.status_code >= 500:
            raise ServerUnreachable("The central record is failing; try again later.")
        raise ServerRejected(
            message or f"The central record refused the request ({response.status_code})."
        )

    # -- API -------------------------------------------------------------------

    def enrol(
        self, worker: str, password: str, device_name: str, escrow_key: str | None
    ) -> EnrolResponse:
        body = {
            "worker": worker,
            "password": password,
            "device_name": device_name,
            "escrow_key": escrow_key,
        }
        return EnrolResponse.model_validate_json(
            self._call("POST", "/auth/enrol", auth=False, json=body).content
        )

    def recover(self, worker: str, password: str, device_id: str) -> str:
        body = {"worker": worker, "password": password, "device_id": device_id}
        return self._call("POST", "/auth/recover", auth=False, json=body).json()["escrow_key"]

    def deposit_escrow(self, escrow_key: str) -> None:
        self._call("PUT", "/escrow", json={"escrow_key": escrow_key})

    def policy(self) -> Policy:
        return Policy.model_validate_json(self._call("GET", "/policy").content)

    def pull(self, since: str | None, limit: int, *, estimate: bool = False) -> PulledPage:
        """One page of changes; with `estimate`, its `remaining` is filled in."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        if estimate:
            params["estimate"] = "true"
        return PulledPage.from_json(self._call("GET", "/changes", params=params).content)

    def push(self, mutations: list[Mutation]) -> list[MutationResult]:
        body = '{"mutations":[' + ",".join(m.model_dump_json() for m in mutations) + "]}"
        response = self._call(
            "POST", "/changes", data=body.encode(), headers={"Content-Type": "application/json"}
        )
        return PushResponse.model_validate_json(response.content).results

    def push_audit(self, events: list[AuditEvent]) -> None:
        body = '{"events":[' + ",".join(e.model_dump_json() for e in events) + "]}"
        self._call(
            "POST", "/audit", data=body.encode(), headers={"Content-Type": "application/json"}
        )
