"""Prometheus metrics for an operator: what the service is doing, never whom
it is doing it for.

Every label is a route template, a method, a status code or an outcome word:
never a worker, device, child or record id, and never text. The request
figures are taken in `middleware.Guard` (one place sees every answer); the
sync figures where the push and pull routes know them.

With `serve --workers N` each process counts for itself and the supervisor's
environment names a directory they all write to
(`PROMETHEUS_MULTIPROC_DIR`, prometheus-client's multiprocess mode), so a
scrape of any process answers for all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from sync.wire import MutationResult

ENV_MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "central_record_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "central_record_request_seconds",
    "Time to answer a request, by route template.",
    ["route"],
    # A poll takes milliseconds, a first pull's page or a big push seconds.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PULLED = Counter("central_record_pulled_records", "Records sent to devices in pull pages.")
PULLS = Counter("central_record_pulls", "Pull pages answered.")
PUSHED = Counter(
    "central_record_pushed_mutations",
    "Mutations received from devices, by outcome (applied, conflict, rejected…).",
    ["outcome"],
)
SIGN_INS_FAILED = Counter(
    "central_record_sign_ins_failed",
    "Sign-ins refused, by reason (refused, too_many_attempts, busy).",
    ["reason"],
)

SCIM_REFUSED = Counter(
    "central_record_scim_refused",
    "SCIM requests refused before they ran, by reason (unauthenticated, too_many_attempts).",
    ["reason"],
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def observe_pull(records: int) -> None:
    PULLS.inc()
    PULLED.inc(records)


def observe_push(results: Iterable[MutationResult]) -> None:
    for result in results:
        PUSHED.labels(str(result.status.value)).inc()


def observe_failed_sign_in(reason: str) -> None:
    SIGN_INS_FAILED.labels(reason).inc()


def observe_scim_refused(reason: str) -> None:
    SCIM_REFUSED.labels(reason).inc()


def exposition() -> bytes:
    """The text a Prometheus scrape reads: this process's figures, or every
    process's in multiprocess mode."""
    if os.environ.get(ENV_MULTIPROC_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
