"""How the transport retries, and how it tells of each failed attempt.

urllib3 retries failed connections and error statuses itself, with backoff;
each failed attempt is told to a hook so the laptop can say the connection
is down at the first failure instead of after the last retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from urllib3.util.retry import Retry


class TellingRetry(Retry):
    """urllib3's Retry that tells `on_failed_attempt` of each failed attempt
    it is about to retry, so the laptop can say the connection is down at
    the first failure rather than after the last retry (~30 s later)."""

    on_failed_attempt: Callable[[BaseException | None, Any], None] | None = None

    def new(self, **kw: Any) -> Self:
        # urllib3 makes a new Retry for every attempt; the hook goes along.
        retry = super().new(**kw)
        retry.on_failed_attempt = self.on_failed_attempt
        return retry

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        if self.on_failed_attempt is not None:
            self.on_failed_attempt(error, response)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def retry_for(
    methods: frozenset[str] | None,
    on_failed_attempt: Callable[[BaseException | None, Any], None] | None = None,
) -> Retry:
    # Pushes are idempotent by mutation id and pulls by cursor, so retrying
    # them after a lost answer is safe; sign-in is retried on connect errors only.
    retry = TellingRetry(
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
    retry.on_failed_attempt = on_failed_attempt
    return retry
