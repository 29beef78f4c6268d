"""The service's log lines: `key=value` text for a person at a terminal, or
one JSON object a line (`--log-format json`, $CENTRAL_RECORD_LOG_FORMAT) for
a log shipper.

Either way a line carries what the code logged and nothing more: the access
line's fields (method, route template, status, ms) and the error lines'
failure descriptions, which `middleware` keeps free of case content. Every
process of `serve --workers N` sets itself up the same way from the
environment the serve command hands down.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

ENV_LOG_FORMAT = "CENTRAL_RECORD_LOG_FORMAT"
ENV_LOG_LEVEL = "CENTRAL_RECORD_LOG_LEVEL"
FORMATS = ("text", "json")
TEXT = "at=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"

# Fields a log call may add with `extra=`; anything else on a record is
# logging's own bookkeeping and stays out of the line.
_FIELDS = ("method", "route", "status", "ms")
_HANDLER = "central-record"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "process": record.process,  # which of `serve --workers N`
            "message": record.getMessage(),
        }
        for field in _FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        return json.dumps(line, ensure_ascii=False)


def configure(fmt: str | None = None, *, verbose: bool | None = None) -> None:
    """Set the root logger's one handler (standard error) for `fmt`, else
    $CENTRAL_RECORD_LOG_FORMAT, else text; and remember the choice in the
    environment, so worker processes started after this make the same one."""
    fmt = fmt or os.environ.get(ENV_LOG_FORMAT) or "text"
    if fmt not in FORMATS:
        raise ValueError(f"--log-format: choose one of {', '.join(FORMATS)}")
    if verbose is None:
        verbose = os.environ.get(ENV_LOG_LEVEL) == "info"
    os.environ[ENV_LOG_FORMAT] = fmt
    os.environ[ENV_LOG_LEVEL] = "info" if verbose else "warning"
    root = logging.getLogger()
    if any(h.get_name() != _HANDLER for h in root.handlers):
        # Someone else set logging up (a program embedding the service, a
        # test runner): as logging.basicConfig would, leave theirs alone.
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else logging.Formatter(TEXT))
    handler.set_name(_HANDLER)
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        root.removeHandler(old)  # ours from an earlier call; others' stay
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
