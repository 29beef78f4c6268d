"""The service's outermost layer, plain ASGI (not BaseHTTPMiddleware, to keep
the per-request cost down): one access line per request, a bounded request
body, and the error body for anything unhandled.

The log never carries case content: the access line names the route
template (never the concrete path, which carries record ids), and an
unhandled error is logged by its exception types, the SQL statement if any
(parameters are hidden by the engine, see `db.make_engine`) and where it was
raised — never its message, which for a database error can quote the row
that failed (PostgreSQL's DETAIL, or the line COPY was reading).
"""

from __future__ import annotations

import json
import logging
import time
import traceback

from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException

from sync.server.metrics import observe_request
from sync.wire import MAX_REQUEST_BYTES

access_log = logging.getLogger("central_record.access")
error_log = logging.getLogger("central_record.errors")

TOO_LARGE = (
    f"The request is larger than the central record accepts "
    f"({MAX_REQUEST_BYTES // (1024 * 1024)} MiB); send it in smaller parts."
)


class BodyTooLarge(HTTPException):
    """Raised while the body streams in, so nothing past the limit is read.
    An HTTPException, so that whoever is reading the body (FastAPI turns
    other errors there into a 400) lets it through to the error body."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


def _json(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"code": code, "message": message}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def describe_failure(exc: BaseException) -> str:
    """An unhandled exception in words that cannot carry case content."""
    chain: list[str] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(type(e).__module__ + "." + type(e).__qualname__)
        e = e.__cause__ or e.__context__
    frames = traceback.extract_tb(exc.__traceback__)
    # Our own frames say what was being done; the last one, where it broke.
    ours = [f for f in frames if "/sync/" in f.filename][-4:]
    shown = ours + [f for f in frames[-1:] if f not in ours]
    where = " > ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in shown)
    parts = [f"error={' <- '.join(chain)}", f"at={where}"]
    if isinstance(exc, StatementError) and exc.statement:
        parts.append(f"sql={' '.join(exc.statement.split())[:300]!r}")
        sqlstate = getattr(getattr(exc.orig, "diag", None), "sqlstate", None)
        if sqlstate:
            parts.append(f"sqlstate={sqlstate}")
    return " ".join(parts)


class Guard:
    def __init__(self, app, *, max_body: int = MAX_REQUEST_BYTES) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status, received = time.perf_counter(), [0], [0]

        async def send_wrapper(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        async def counted_receive():
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > self.max_body:
                    raise BodyTooLarge()
            return message

        async def answer(code: int, name: str, message: str) -> None:
            if status[0]:
                return  # the answer has begun: all that is left is to close
            head, body = _json(code, name, message)
            await send_wrapper(head)
            await send_wrapper(body)

        try:
            if self._declared_length(scope) > self.max_body:
                await answer(413, "request_too_large", TOO_LARGE)
            else:
                await self.app(scope, counted_receive, send_wrapper)
        except BodyTooLarge:
            await answer(413, "request_too_large", TOO_LARGE)
        except Exception as exc:
            error_log.error("unhandled %s", describe_failure(exc))
            await answer(500, "internal_error", "The central record failed; try again later.")
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            seconds = time.perf_counter() - start
            observe_request(template, scope["method"], status[0], seconds)
            access_log.info(
                "method=%s route=%s status=%d ms=%.1f",
                scope["method"],
                template,
                status[0],
                seconds * 1000,
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status[0],
                    "ms": round(seconds * 1000, 1),
                },
            )

    @staticmethod
    def _declared_length(scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0
