"""HTTP transport to the central record: timeouts, TLS, retries, gzip.

Every call either returns the parsed answer or raises a `sync.errors`
SyncError whose message can be shown to a worker as is. An answer that is
cut off or not of the expected shape is asked for again (pulls by cursor,
pushes by mutation id and uploads by event id are all safe to repeat), and
if it stays spoiled it is a ServerUnreachable, never a parsing traceback.
Every request names this laptop's version (`CLIENT_VERSION_HEADER`).
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import TypeAdapter, ValidationError

from sync.client.retries import retry_for
from sync.errors import (
    CertificateProblem,
    ClientTooOld,
    CursorAhead,
    DeviceRevoked,
    NoNetwork,
    PasswordSignInOff,
    RateLimited,
    RecoveryCodeNeeded,
    ServerRejected,
    ServerUnreachable,
    SignInNeeded,
    SignInRefused,
    SyncError,
)
from sync.wire import (
    API_PREFIX,
    CLIENT_VERSION,
    CLIENT_VERSION_HEADER,
    PUSH_BATCH_BYTES,
    AuditEvent,
    AuditTrail,
    ChildSearch,
    ChildSearchResult,
    CouncilRules,
    EnrolResponse,
    Me,
    Mutation,
    MutationResult,
    Policy,
    PulledPage,
    PushResponse,
    Record,
    RecordEpoch,
    RecoverResponse,
    SignInMethods,
    TemporaryAccess,
    TemporaryAccessList,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_RECORDS = TypeAdapter(list[Record])

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

CLIENT_TOO_OLD = (
    "This version of Caseworker is too old for the central record: ask IT to update it. "
    "Your notes are safe on this laptop."
)
NO_NETWORK = (
    "This laptop has no network connection. Your notes are safe on this "
    "laptop and will be sent when there is a connection."
)
UNREACHABLE = (
    "The central record cannot be reached. Your notes are safe on this laptop "
    "and will be sent when there is a connection."
)
FAILING = "The central record is failing; try again later."
RESTORED = (
    "The central record was restored from an older backup. This laptop is sending back "
    "what it holds; your notes are safe on this laptop."
)
_FAILING_STATUSES = frozenset({502, 503, 504})
SIGN_IN_NEEDED = "Your council needs you to sign in again to keep syncing."
# Refusals of a provider sign-in whose words the service gives.
_REFUSED_SIGN_INS = frozenset(
    {"account_disabled", "sign_in_refused", "sign_in_not_fresh", "token_refused"}
)
INCOMPLETE_ANSWER = (
    "The central record sent an incomplete answer; try again. Your notes are safe on this laptop."
)
# Times a spoiled answer is asked for again, on top of urllib3's own retries
# (which only see failed connections and error statuses, not a bad body).
ANSWER_ATTEMPTS = 3
# PushRequest's own bound: a request never carries more.
MAX_PUSH_MUTATIONS = 1000
_PUSH_ENVELOPE = len(b'{"mutations":[]}')


def _records_json(content: bytes) -> list[Record]:
    return _RECORDS.validate_json(content)


class _Incomplete(Exception):
    """The answer's body was cut off in transit."""


class _NotServed(ServerRejected):
    """404: a request this central record does not answer (an older service
    without a newer route). Other callers see it as any refusal."""


def push_parts(bodies: list[bytes], limit: int = PUSH_BATCH_BYTES) -> list[list[bytes]]:
    """Serialised mutations grouped, in order, into requests of at most
    `limit` bytes and MAX_PUSH_MUTATIONS each; one larger than `limit` goes
    alone (the service's own limit is four times that, and a record's fields
    are bounded by its kind, so one mutation always fits there)."""
    parts: list[list[bytes]] = []
    size = 0
    for body in bodies:
        cost = len(body) + 1  # and its comma
        if parts and size + cost <= limit and len(parts[-1]) < MAX_PUSH_MUTATIONS:
            parts[-1].append(body)
            size += cost
        else:
            parts.append([body])
            size = _PUSH_ENVELOPE + cost
    return parts


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
        #: told, on the calling thread, what a failed attempt says about the
        #: connection (NoNetwork or ServerUnreachable) while its retries go on
        self.on_trouble: Callable[[SyncError], None] | None = None
        adapter = requests.adapters.HTTPAdapter(
            max_retries=retry_for(frozenset({"GET", "POST", "PUT"}), self._failed_attempt)
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._auth_session = requests.Session()
        auth_adapter = requests.adapters.HTTPAdapter(
            max_retries=retry_for(None, self._failed_attempt)
        )
        self._auth_session.mount("http://", auth_adapter)
        self._auth_session.mount("https://", auth_adapter)
        for session in (self.session, self._auth_session):
            session.headers[CLIENT_VERSION_HEADER] = CLIENT_VERSION
        self.bytes_received = 0

    def _failed_attempt(self, error: BaseException | None, response: Any) -> None:
        if self.on_trouble is None:
            return
        if error is not None:
            self.on_trouble(
                NoNetwork(NO_NETWORK) if no_network(error) else ServerUnreachable(UNREACHABLE)
            )
        elif response is not None and response.status in _FAILING_STATUSES:
            self.on_trouble(ServerUnreachable(FAILING))
        # 429: the central record answered, and asked us to wait.

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
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ):
            raise _Incomplete() from None
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.Timeout,
        ) as exc:
            if no_network(exc):
                raise NoNetwork(NO_NETWORK) from None
            raise ServerUnreachable(UNREACHABLE) from None
        except requests.exceptions.RetryError:
            raise ServerUnreachable(
                "The central record is busy or failing; try again later."
            ) from None
        self.bytes_received += len(response.content)
        if response.status_code < 400:
            return response
        try:
            body = response.json()
        except ValueError:
            body = None
        code, message = "", ""
        if isinstance(body, dict):
            code, message = str(body.get("code", "")), str(body.get("message", ""))
        if response.status_code == 426:
            raise ClientTooOld(CLIENT_TOO_OLD)
        if response.status_code == 401 and code == "device_revoked":
            raise DeviceRevoked("This laptop's access has been revoked by the council.")
        if response.status_code == 401 and code == "sign_in_refused":
            raise SignInRefused("The worker name or password is not right.")
        if response.status_code == 401 and code == "sign_in_needed":
            raise SignInNeeded(message or SIGN_IN_NEEDED)
        if code == "recovery_code_needed":
            raise RecoveryCodeNeeded(
                message or "Ask your council's administrator for a recovery code."
            )
        if code == "password_sign_in_off":
            raise PasswordSignInOff(
                message or "Your council signs you in with its identity provider, not a password."
            )
        if response.status_code in (401, 403) and code in _REFUSED_SIGN_INS:
            # The provider's sign-in was good but the council refuses it
            # (disabled, not in a Caseworker group): the service's words.
            raise SignInRefused(message or "The council refused this sign-in: ask your IT team.")
        if response.status_code == 429:
            raise RateLimited(message or "Too many attempts; try again later.")
        if response.status_code >= 500:
            raise ServerUnreachable(FAILING)
        if response.status_code == 422 and code == "cursor_ahead":
            raise CursorAhead(RESTORED)
        if response.status_code == 404:
            raise _NotServed(message or "The central record does not know this request.")
        raise ServerRejected(
            message or f"The central record refused the request ({response.status_code})."
        )

    def _answer(
        self, method: str, path: str, parse: Callable[[bytes], T], *, again: bool, **kw: Any
    ) -> T:
        """`parse` of the answer's body; a cut-off or malformed answer is asked
        for again when `again` (the call is safe to repeat)."""
        for attempt in range(ANSWER_ATTEMPTS if again else 1):
            try:
                content = self._call(method, path, **kw).content
                return parse(content)
            except (_Incomplete, ValidationError, ValueError, KeyError, TypeError):
                # Say what, never the body: it may be case content.
                log.warning("incomplete answer to %s %s (attempt %d)", method, path, attempt + 1)
        raise ServerUnreachable(INCOMPLETE_ANSWER)

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
        # Not asked again: a second enrolment would make a second device.
        return self._answer(
            "POST",
            "/auth/enrol",
            EnrolResponse.model_validate_json,
            again=False,
            auth=False,
            json=body,
        )

    def recover(
        self, worker: str, password: str, device_id: str, recovery_code: str | None = None
    ) -> str:
        body = {"worker": worker, "password": password, "device_id": device_id}
        if recovery_code:
            body["recovery_code"] = recovery_code
        answer = self._answer(
            "POST",
            "/auth/recover",
            RecoverResponse.model_validate_json,
            again=False,
            auth=False,
            json=body,
        )
        return answer.escrow_key

    def sign_in_methods(self) -> SignInMethods | None:
        """How this central record signs workers in (password, the council's
        identity provider); None from one too old to say (password only)."""
        try:
            return self._answer(
                "GET", "/sign-in", SignInMethods.model_validate_json, again=True, auth=False
            )
        except _NotServed:
            return None

    def enrol_with_provider(
        self, id_token: str, nonce: str, device_name: str, escrow_key: str | None
    ) -> EnrolResponse:
        """Enrol with a fresh ID token from the council's provider."""
        body = {
            "id_token": id_token,
            "nonce": nonce,
            "device_name": device_name,
            "escrow_key": escrow_key,
        }
        return self._answer(
            "POST",
            "/auth/enrol/oidc",
            EnrolResponse.model_validate_json,
            again=False,
            auth=False,
            json=body,
        )

    def recover_with_provider(self, id_token: str, nonce: str, device_id: str) -> str:
        """The deposited data key, for a fresh sign-in with the council's provider."""
        body = {"id_token": id_token, "nonce": nonce, "device_id": device_id}
        answer = self._answer(
            "POST",
            "/auth/recover/oidc",
            RecoverResponse.model_validate_json,
            again=False,
            auth=False,
            json=body,
        )
        return answer.escrow_key

    def renew_sign_in(self, id_token: str, nonce: str) -> None:
        """Tell the central record the device's worker signed in again."""
        self._answer(
            "POST",
            "/auth/renew",
            _nothing,
            again=False,
            json={"id_token": id_token, "nonce": nonce},
        )

    def deposit_escrow(self, escrow_key: str) -> None:
        self._answer("PUT", "/escrow", _nothing, again=True, json={"escrow_key": escrow_key})

    def policy(self) -> Policy:
        return self._answer("GET", "/policy", Policy.model_validate_json, again=True)

    def record_epoch(self) -> int | None:
        """Which restore of the record this is (sync.server.restores); None
        from a central record too old to say."""
        try:
            answer = self._answer(
                "GET", "/record-epoch", RecordEpoch.model_validate_json, again=True
            )
        except _NotServed:
            return None
        return answer.epoch

    def history(self, record_id: str) -> list[Record]:
        """Every stored revision of one record of the caseload, oldest first
        ([] for one the record does not hold)."""
        try:
            raw = self._answer("GET", f"/records/{record_id}/history", _records_json, again=True)
        except _NotServed:
            return []
        return raw

    def me(self) -> Me | None:
        """Who this device's worker is (role, agency, team); None from a
        central record too old to say."""
        try:
            return self._answer("GET", "/me", Me.model_validate_json, again=True)
        except _NotServed:
            return None

    def council_rules(self, have: int | None) -> CouncilRules | None:
        """The council's rules and tools in force (their content only if not
        version `have`); None from a central record too old to serve them,
        whose laptops keep the rules they hold."""
        params = {"have": have} if have is not None else {}
        try:
            return self._answer(
                "GET", "/council-rules", CouncilRules.model_validate_json, again=True, params=params
            )
        except _NotServed:
            return None

    def pull(self, since: str | None, limit: int, *, estimate: bool = False) -> PulledPage:
        """One page of changes; with `estimate`, its `remaining` is filled in."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        if estimate:
            params["estimate"] = "true"
        return self._answer("GET", "/changes", PulledPage.from_json, again=True, params=params)

    def push(self, mutations: list[Mutation]) -> list[MutationResult]:
        """Results in the order of `mutations`, however many requests that took
        (each at most PUSH_BATCH_BYTES; see `push_parts`)."""
        results: list[MutationResult] = []
        bodies = [m.model_dump_json().encode() for m in mutations]
        start = 0
        for part in push_parts(bodies):
            sent = [m.mutation_id for m in mutations[start : start + len(part)]]
            start += len(part)

            def parse(content: bytes, sent: list = sent) -> list[MutationResult]:
                answered = PushResponse.model_validate_json(content).results
                if [r.mutation_id for r in answered] != sent:
                    raise ValueError("the results do not match the mutations sent")
                return answered

            body = b'{"mutations":[' + b",".join(part) + b"]}"
            results += self._answer(
                "POST",
                "/changes",
                parse,
                again=True,
                data=body,
                headers={"Content-Type": "application/json"},
            )
        return results

    def temporary_access(self) -> TemporaryAccessList | None:
        """This worker's break-the-glass grants in force; None from a central
        record too old to grant any."""
        try:
            return self._answer(
                "GET", "/access/temporary", TemporaryAccessList.model_validate_json, again=True
            )
        except _NotServed:
            return None

    def search_children(self, ask: ChildSearch) -> ChildSearchResult:
        """Children off the caseload matching `ask` (online only; audited)."""
        return self._answer(
            "POST",
            "/children/search",
            ChildSearchResult.model_validate_json,
            again=True,
            json=ask.model_dump(mode="json", exclude_none=True),
        )

    def open_temporarily(self, child_id: str, reason: str) -> TemporaryAccess:
        """Break-the-glass: the child joins the caseload for the policy's hours."""
        return self._answer(
            "POST",
            f"/children/{child_id}/temporary-access",
            TemporaryAccess.model_validate_json,
            again=False,
            json={"reason": reason},
        )

    def audit_trail(self, child_id: str, after: str | None = None) -> AuditTrail:
        """One page of who viewed, edited, shared or received the child's
        record (online only; a coordinator's or the child's manager's)."""
        params = {"after": after} if after else {}
        return self._answer(
            "GET",
            f"/children/{child_id}/audit",
            AuditTrail.model_validate_json,
            again=True,
            params=params,
        )

    def push_audit(self, events: list[AuditEvent]) -> None:
        body = '{"events":[' + ",".join(e.model_dump_json() for e in events) + "]}"
        self._answer(
            "POST",
            "/audit",
            _nothing,
            again=True,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )


def _nothing(_content: bytes) -> None:
    return None
